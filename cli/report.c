/*
 * report.c - `llmcost report`: placeholder until the HTML writer lands.
 */
#include "cli.h"


int cli_report(const struct cli_opts *o, const llmcost_prices *prices)
{
	(void)o;
	(void)prices;
	cli_error("report: not built yet");
	return CLI_EXIT_IO;
}
