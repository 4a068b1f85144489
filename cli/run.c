/*
 * run.c - the loop every command shares: read, filter, build, price.
 *
 * Accounting: every non-blank line (CSV: data record) is either filtered
 * out by --where or a row, and every row is priced, unpriced, rejected or
 * a duplicate, so lines = filtered + priced + unpriced + rejected +
 * duplicates.  A line that cannot be parsed is a rejected row even when
 * --where is given, since it cannot be tested.  A duplicate is a row that
 * would be priced or unpriced but repeats a kept row's request_id (or,
 * with --dedupe-lines, its line): it is in no total (dedupe.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "cli.h"


void cli_error(const char *fmt, ...)
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_buf_puts(&b, "llmcost: ");
	cli_buf_text(&b, msg);
	cli_buf_putc(&b, '\n');
	fflush(stdout);
	if (cli_buf_flush(&b, stderr) != 0)
		fprintf(stderr, "llmcost: %s\n", msg);
	cli_buf_free(&b);
}


void cli_result_reject(struct cli_result *res, int status, const char *fmt,
		       ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->sink_reason, sizeof(res->sink_reason), fmt, ap);
	va_end(ap);
	res->outcome = CLI_REJECTED;
	res->status = status;
	res->reason = res->sink_reason;
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
	struct cli_tagrow tags;
	struct cli_dedupe *dedupe;
};


static void cli_result_begin(struct cli_loop *l, const struct cli_row *row)
{
	struct cli_result *res = &l->res;

	memset(res, 0, sizeof(*res));
	res->row = row;
	res->req = &l->req;
	res->reason = "";
	cli_source_text(row->file, row->line, res->source,
			sizeof(res->source));
}


/* Why pricing failed: the cost's note, else the error text of this very
 * call (cleared before it, so never an earlier call's), else the
 * status's message. */
static const char *cli_price_why(const struct cli_loop *l, int rc)
{
	if (l->cost.note[0])
		return l->cost.note;
	if (llmcost_last_error()[0])
		return llmcost_last_error();
	return llmcost_status_message(rc);
}


static void cli_classify_price(struct cli_loop *l, int rc)
{
	struct cli_result *res = &l->res;

	res->cost = &l->cost;
	res->status = rc;
	if (rc == LLMCOST_OK) {
		res->outcome = CLI_PRICED;
		return;
	}
	res->outcome = rc == LLMCOST_E_UNPRICED || rc == LLMCOST_E_NORATE ?
		       CLI_UNPRICED : CLI_REJECTED;
	snprintf(l->req.reason, sizeof(l->req.reason), "%s",
		 cli_price_why(l, rc));
	res->reason = l->req.reason;
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
	lc_error_clear();
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
	else if (outcome == CLI_DUPLICATE)
		c->duplicates++;
	else
		c->rejected++;
}


static int cli_strict_stop(const struct cli_loop *l)
{
	if (l->res.outcome != CLI_REJECTED || !l->o->strict)
		return 0;
	cli_error("%s: %s", l->res.source, l->res.reason);
	return CLI_EXIT_STRICT;
}


static int cli_one_row(struct cli_loop *l, const struct cli_row *row)
{
	int rc;

	l->counts->lines++;
	if (row->status == LLMCOST_OK && !cli_where_match(l->o, row)) {
		l->counts->filtered++;
		return 0;
	}
	cli_result_begin(l, row);
	cli_evaluate(l, row);
	if (l->o->tags != NULL) {
		cli_tags_apply(l->o, &l->req, &l->tags);
		l->res.tags = &l->tags;
	}
	cli_dedupe_check(l->dedupe, l->o, &l->res);
	rc = cli_strict_stop(l);
	if (rc == 0)
		rc = l->sink->row(l->sink->ctx, &l->res);
	if (rc == 0)
		rc = cli_strict_stop(l);
	if (rc == 0 && cli_dedupe_keep(l->dedupe, l->o, &l->res)) {
		cli_error("%s: out of memory", l->res.source);
		rc = CLI_EXIT_IO;
	}
	if (rc != CLI_EXIT_IO)
		cli_count(l->counts, l->res.outcome);
	return rc;
}


static int cli_read_error(struct cli_input *in, int rc)
{
	if (rc == LLMCOST_E_PARSE)
		cli_error("%s:%ld: %s", in->name, in->row.line,
			  in->row.reason);
	else if (rc == LLMCOST_E_NOTFOUND)
		cli_error("%s: %s", in->name, in->row.reason);
	else if (rc == LLMCOST_E_NOMEM)
		cli_error("%s:%ld: out of memory", in->name, in->line);
	else
		cli_error("%s: cannot read: %s", in->name,
			  strerror(in->read_errno));
	return rc == LLMCOST_E_NOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_IO;
}


static int cli_run_file(struct cli_loop *l, const char *path)
{
	struct cli_input in;
	int csv = l->o->input_csv;
	int rc, exit_code = CLI_EXIT_OK;

	if (csv < 0)
		csv = cli_is_csv_name(path);
	if (cli_input_open(&in, path, csv) != LLMCOST_OK) {
		cli_error("%s: cannot open: %s", path, strerror(errno));
		cli_input_close(&in);
		return CLI_EXIT_IO;
	}
	if (cli_input_is_snapshot(&in)) {
		cli_error("%s: an llmcost snapshot, not a log: read it with "
			  "llmcost audit --snapshot %s", in.name,
			  in.is_stdin ? "FILE, from a file" : path);
		cli_input_close(&in);
		return CLI_EXIT_IO;
	}
	while ((rc = cli_input_next(l->o, &in)) == 1) {
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
	l.dedupe = cli_dedupe_new();
	if (l.dedupe == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	cli_arena_begin();
	for (i = 0; i < o->n_files && rc == CLI_EXIT_OK; i++)
		rc = cli_run_file(&l, o->files[i]);
	cli_arena_end();
	cli_dedupe_free(l.dedupe);
	return rc;
}
