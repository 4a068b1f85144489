/*
 * main.c - the llmcost command: parse the arguments, check the output,
 * load the prices and the --tags vocabulary, run the command.  An audit
 * of snapshots needs neither prices nor tags: they were applied when the
 * snapshots were made.
 */
#include "cli.h"
#include "focus_opts.h"


/* Without --show-diagnostics the ledger only says how many there are. */
static void cli_ledger_diags(const struct cli_opts *o,
			     const llmcost_prices *prices)
{
	size_t n = llmcost_prices_diag_count(prices);

	if (o->show_diags)
		cli_diags_print(o, prices);
	else if (n > 0 && (o->command == CLI_CMD_LEDGER ||
			   o->command == CLI_CMD_SNAPSHOT))
		cli_error("warning: %zu price table load diagnostic%s (entries "
			  "or rates skipped); --show-diagnostics lists them",
			  n, n == 1 ? "" : "s");
}


static int cli_main(struct cli_opts *o)
{
	llmcost_prices *prices = NULL;
	int rc = cli_out_check(o);

	if (rc == CLI_EXIT_OK && o->from_snapshots)
		return cli_audit_snapshots(o);
	if (rc == CLI_EXIT_OK)
		rc = cli_prices_load(o, &prices);
	if (rc == CLI_EXIT_OK)
		rc = cli_contracts_load(o, prices);
	if (rc == CLI_EXIT_OK)
		rc = cli_deployments_load(o, prices);
	if (rc == CLI_EXIT_OK)
		rc = cli_tags_load(o);
	if (rc != CLI_EXIT_OK) {
		llmcost_prices_free(prices);
		return rc;
	}
	cli_ledger_diags(o, prices);
	if (o->command == CLI_CMD_LEDGER)
		rc = cli_ledger(o, prices);
	else if (o->command == CLI_CMD_TAGS_SUGGEST)
		rc = cli_tags_suggest(o, prices);
	else if (o->command == CLI_CMD_FOCUS)
		rc = cli_focus(o, prices);
	else if (o->command == CLI_CMD_REPORT)
		rc = cli_report(o, prices);
	else
		rc = cli_audit(o, prices);
	llmcost_prices_free(prices);
	return rc;
}


int main(int argc, char **argv)
{
	struct cli_opts o;
	int rc;

	if (argc > 1 && strcmp(argv[1], "diff") == 0)
		return cli_diff_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "prices") == 0)
		return cli_prices_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return cli_merge_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "audit") == 0 &&
	    cli_diff_wanted(argc, argv))
		return cli_diff_audit(argc, argv);
	rc = cli_opts_parse(&o, argc, argv);

	if (rc == CLI_EXIT_OK)
		rc = cli_main(&o);
	else if (rc < 0)
		rc = CLI_EXIT_OK;
	cli_opts_free(&o);
	return rc;
}
