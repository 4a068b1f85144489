/*
 * main.c - the llmcost command: parse the arguments, load the prices,
 * run the command.
 */
#include "cli.h"


static int cli_main(const struct cli_opts *o)
{
	llmcost_prices *prices = NULL;
	int rc = cli_prices_load(o, &prices);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (o->command == CLI_CMD_LEDGER)
		rc = cli_ledger(o, prices);
	else
		rc = cli_audit(o, prices);
	llmcost_prices_free(prices);
	return rc;
}


int main(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_opts_parse(&o, argc, argv);

	if (rc == CLI_EXIT_OK)
		rc = cli_main(&o);
	else if (rc < 0)
		rc = CLI_EXIT_OK;
	cli_opts_free(&o);
	return rc;
}
