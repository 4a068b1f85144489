/*
 * focus_opts.c - the options of `export focus` and `report`, and
 * --contract, which every command takes.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "focus_opts.h"

static const char *const cli_export_valued[] = {
	"--contract", "--granularity", "--like", "--billing-account",
	"--baseline", "--title",
};


int cli_export_is_valued(const char *name)
{
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(cli_export_valued); i++)
		if (strcmp(name, cli_export_valued[i]) == 0)
			return 1;
	return 0;
}


static int cli_export_usage(const char *fmt, const char *arg)
{
	fputs("llmcost: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'llmcost --help'.\n", stderr);
	return CLI_EXIT_USAGE;
}


static int cli_push(const char ***v, size_t *n, const char *arg)
{
	const char **grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (grown == NULL)
		return cli_export_usage("%s", "out of memory");
	*v = grown;
	grown[(*n)++] = arg;
	return 0;
}


static int cli_parse_granularity(struct cli_opts *o, const char *arg)
{
	if (strcmp(arg, "day") == 0)
		o->focus_hourly = 0;
	else if (strcmp(arg, "hour") == 0)
		o->focus_hourly = 1;
	else
		return cli_export_usage("--granularity: '%s' (day or hour)",
					arg);
	return 0;
}


static int cli_only(const struct cli_opts *o, enum cli_command cmd,
		    const char *name)
{
	if (o->command == cmd)
		return 0;
	return cli_export_usage("%s belongs to another command", name);
}


int cli_export_valued_opt(struct cli_opts *o, const char *name,
			  const char *arg)
{
	if (strcmp(name, "--contract") == 0) {
		if (*arg == '\0')
			return cli_export_usage("%s",
						"--contract needs a file");
		return cli_push(&o->contracts, &o->n_contracts, arg);
	}
	if (strcmp(name, "--granularity") == 0)
		return cli_only(o, CLI_CMD_FOCUS, name) ||
		       cli_parse_granularity(o, arg);
	if (strcmp(name, "--like") == 0) {
		o->focus_like = arg;
		return cli_only(o, CLI_CMD_FOCUS, name);
	}
	if (strcmp(name, "--billing-account") == 0) {
		if (*arg == '\0')
			return cli_export_usage("%s", "--billing-account "
						"needs a name");
		o->billing_account = arg;
		return cli_only(o, CLI_CMD_FOCUS, name);
	}
	if (strcmp(name, "--baseline") == 0)
		return cli_only(o, CLI_CMD_REPORT, name) ||
		       cli_push(&o->baseline, &o->n_baseline,
				arg);
	if (strcmp(name, "--title") == 0) {
		o->title = arg;
		return cli_only(o, CLI_CMD_REPORT, name);
	}
	return -1;
}


int cli_export_check(struct cli_opts *o)
{
	if (o->command != CLI_CMD_FOCUS && o->command != CLI_CMD_REPORT)
		return 0;
	if (o->format != CLI_FMT_DEFAULT)
		return cli_export_usage("%s", o->command == CLI_CMD_FOCUS ?
					"export focus writes CSV only; it "
					"takes no --format" :
					"report writes HTML only; it takes "
					"no --format");
	o->format = CLI_FMT_CSV;
	return 0;
}


int cli_export_subcommand(struct cli_opts *o, int argc, char **argv,
			  int *first)
{
	if (o->command != CLI_CMD_FOCUS)
		return 0;
	if (argc < 3)
		return cli_export_usage("%s", "export needs a format: focus");
	if (strcmp(argv[2], "focus") != 0)
		return cli_export_usage("export: unknown format '%s' (the "
					"only one is 'focus')", argv[2]);
	*first = 3;
	return 0;
}


void cli_export_free(struct cli_opts *o)
{
	free(o->contracts);
	free(o->baseline);
	o->contracts = NULL;
	o->baseline = NULL;
}


int cli_contracts_load(const struct cli_opts *o, llmcost_prices *prices)
{
	size_t i;
	int rc;

	for (i = 0; i < o->n_contracts; i++) {
		rc = llmcost_prices_load_contract_file(prices,
						       o->contracts[i]);
		if (rc != LLMCOST_OK) {
			cli_error("%s: %s", o->contracts[i],
				  llmcost_last_error()[0] ?
				  llmcost_last_error() :
				  llmcost_status_message(rc));
			return CLI_EXIT_IO;
		}
	}
	return CLI_EXIT_OK;
}
