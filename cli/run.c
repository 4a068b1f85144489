/*
 * run.c - the loop every command shares: read, filter, build, price.
 *
 * Accounting: every non-blank line (CSV: data record) is either filtered
 * out by --where or a row, and every row is priced, unpriced or rejected,
 * so lines = filtered + priced + unpriced + rejected.  A line that cannot
 * be parsed is a rejected row even when --where is given, since it cannot
 * be tested.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "cli.h"


void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("llmcost: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}


int cli_prices_load(const struct cli_opts *o, llmcost_prices **out)
{
	llmcost_prices *prices = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (o->n_prices == 0) {
		rc = llmcost_prices_new_default(&prices);
		if (rc != LLMCOST_OK) {
			cli_error("default price book: %s",
				  llmcost_last_error());
			return CLI_EXIT_IO;
		}
		*out = prices;
		return CLI_EXIT_OK;
	}
	if (llmcost_prices_new(&prices) != LLMCOST_OK) {
		cli_error("%s", llmcost_last_error());
		return CLI_EXIT_IO;
	}
	for (i = 0; i < o->n_prices; i++) {
		rc = llmcost_prices_load_file(prices, o->prices[i].path,
					      o->prices[i].valid_from_ms);
		if (rc != LLMCOST_OK) {
			cli_error("%s: %s", o->prices[i].path,
				  llmcost_last_error()[0] ?
				  llmcost_last_error() :
				  llmcost_status_message(rc));
			llmcost_prices_free(prices);
			return CLI_EXIT_IO;
		}
	}
	*out = prices;
	return CLI_EXIT_OK;
}


static int cli_is_csv_name(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && strcasecmp(path + n - 4, ".csv") == 0;
}


struct cli_loop {
	const struct cli_opts *o;
	const llmcost_prices *prices;
	struct cli_sink *sink;
	struct cli_counts *counts;
	struct cli_request req;
	llmcost_cost cost;
	struct cli_result res;
};


static void cli_result_begin(struct cli_loop *l, const struct cli_row *row)
{
	struct cli_result *res = &l->res;

	memset(res, 0, sizeof(*res));
	res->row = row;
	res->req = &l->req;
	res->reason = "";
	snprintf(res->source, sizeof(res->source), "%s:%ld", row->file,
		 row->line);
}


static void cli_classify_price(struct cli_loop *l, int rc)
{
	struct cli_result *res = &l->res;

	res->cost = &l->cost;
	res->status = rc;
	if (rc == LLMCOST_OK) {
		res->outcome = CLI_PRICED;
	} else if (rc == LLMCOST_E_UNPRICED || rc == LLMCOST_E_NORATE) {
		res->outcome = CLI_UNPRICED;
		res->reason = l->cost.note[0] ? l->cost.note :
			      llmcost_status_message(rc);
	} else {
		res->outcome = CLI_REJECTED;
		snprintf(l->req.reason, sizeof(l->req.reason), "%s",
			 l->cost.note[0] ? l->cost.note :
			 llmcost_last_error()[0] ? llmcost_last_error() :
			 llmcost_status_message(rc));
		res->reason = l->req.reason;
	}
}


/* Builds and prices one row that passed the filter. */
static void cli_evaluate(struct cli_loop *l, const struct cli_row *row)
{
	struct cli_result *res = &l->res;

	if (row->status != LLMCOST_OK) {
		res->outcome = CLI_REJECTED;
		res->status = row->status;
		res->reason = row->reason;
		memset(&l->req, 0, sizeof(l->req));
		llmcost_record_init(&l->req.rec);
		return;
	}
	cli_request_build(l->o, row, &l->req);
	if (l->req.status != LLMCOST_OK) {
		res->outcome = CLI_REJECTED;
		res->status = l->req.status;
		res->reason = l->req.reason;
		return;
	}
	llmcost_cost_init(&l->cost);
	cli_classify_price(l, llmcost_price(l->prices, &l->req.rec,
					    &l->cost));
}


static void cli_count(struct cli_counts *c, enum cli_outcome outcome)
{
	c->rows++;
	if (outcome == CLI_PRICED)
		c->priced++;
	else if (outcome == CLI_UNPRICED)
		c->unpriced++;
	else
		c->rejected++;
}


static int cli_one_row(struct cli_loop *l, const struct cli_row *row)
{
	l->counts->lines++;
	if (row->status == LLMCOST_OK && !cli_where_match(l->o, row)) {
		l->counts->filtered++;
		return 0;
	}
	cli_result_begin(l, row);
	cli_evaluate(l, row);
	cli_count(l->counts, l->res.outcome);
	if (l->res.outcome == CLI_REJECTED && l->o->strict) {
		cli_error("%s: %s", l->res.source, l->res.reason);
		return CLI_EXIT_STRICT;
	}
	return l->sink->row(l->sink->ctx, &l->res);
}


static int cli_read_error(struct cli_input *in, int rc)
{
	if (rc == LLMCOST_E_PARSE)
		cli_error("%s:%ld: %s", in->name, in->row.line,
			  in->row.reason);
	else if (rc == LLMCOST_E_NOMEM)
		cli_error("%s:%ld: out of memory", in->name, in->line);
	else
		cli_error("%s: read error: %s", in->name, strerror(errno));
	return CLI_EXIT_IO;
}


static int cli_run_file(struct cli_loop *l, const char *path)
{
	struct cli_input in;
	int csv = l->o->input_csv;
	int rc, exit_code = CLI_EXIT_OK;

	if (csv < 0)
		csv = cli_is_csv_name(path);
	if (cli_input_open(&in, path, csv) != LLMCOST_OK) {
		cli_error("%s: %s", path, strerror(errno));
		cli_input_close(&in);
		return CLI_EXIT_IO;
	}
	while ((rc = cli_input_next(&in)) == 1) {
		exit_code = cli_one_row(l, &in.row);
		if (exit_code != CLI_EXIT_OK)
			break;
	}
	if (rc < 0)
		exit_code = cli_read_error(&in, rc);
	l->counts->blank += in.blank;
	cli_input_close(&in);
	return exit_code;
}


int cli_run(const struct cli_opts *o, const llmcost_prices *prices,
	    struct cli_sink *sink, struct cli_counts *counts)
{
	struct cli_loop l;
	size_t i;
	int rc = CLI_EXIT_OK;

	memset(&l, 0, sizeof(l));
	memset(counts, 0, sizeof(*counts));
	l.o = o;
	l.prices = prices;
	l.sink = sink;
	l.counts = counts;
	for (i = 0; i < o->n_files && rc == CLI_EXIT_OK; i++)
		rc = cli_run_file(&l, o->files[i]);
	return rc;
}
