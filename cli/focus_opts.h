/*
 * focus_opts.h - the options of `export focus` and `report`, and
 * --contract (focus_opts.c), as options.c and main.c call them.
 */
#ifndef LLMCOST_CLI_FOCUS_OPTS_H
#define LLMCOST_CLI_FOCUS_OPTS_H

#include "cli.h"

/* Whether name is one of these options that take a value. */
int cli_export_is_valued(const char *name);

/* Handles one of them: 0, CLI_EXIT_USAGE after printing why, or -1 if
 * name is not one of them. */
int cli_export_valued_opt(struct cli_opts *o, const char *name,
			  const char *arg);

/* `export` takes a format ("focus"): sets *first past it.  0 or
 * CLI_EXIT_USAGE. */
int cli_export_subcommand(struct cli_opts *o, int argc, char **argv,
			  int *first);

/* Checks the options of export focus and report once all are read. */
int cli_export_check(struct cli_opts *o);

void cli_export_free(struct cli_opts *o);

/* Loads every --contract file into the table.  Prints the error and
 * returns CLI_EXIT_IO on failure. */
int cli_contracts_load(const struct cli_opts *o, llmcost_prices *prices);

#endif /* LLMCOST_CLI_FOCUS_OPTS_H */
