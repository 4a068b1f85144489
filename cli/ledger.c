/*
 * ledger.c - `llmcost ledger`: one row per input request, in input order.
 *
 * The row is first laid out as a list of cells (null, text or integer)
 * and then written as a JSON object or a CSV line, so that both formats
 * always carry the same columns in the same order.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum cli_cell_type {
	CLI_CELL_NULL,
	CLI_CELL_TEXT,
	CLI_CELL_INT
};

struct cli_cell {
	enum cli_cell_type type;
	const char *text;
	int64_t num;
};

static const char *const cli_columns[] = {
	"source", "request_id", "status", "reason", "reason_code",
	"timestamp", "team_id", "user_id", "feature_name", "provider",
	"model", "price_key", "match_rule", "input_tokens", "output_tokens",
	"cached_tokens", "cache_write_tokens", "cache_write_1h_tokens",
	"reasoning_tokens", "cost_usd", "input_cost_usd",
	"cache_read_cost_usd", "cache_write_5m_cost_usd",
	"cache_write_1h_cost_usd", "output_cost_usd", "reasoning_cost_usd",
	"reported_cost_usd", "flags", "note"
};

#define CLI_NCOLUMNS LC_ARRAY_LEN(cli_columns)

/* Text that lives while one row is written. */
struct cli_ledger_row {
	struct cli_cell cells[CLI_NCOLUMNS];
	size_t n;
	char reason[CLI_SOURCE_SIZE + CLI_REASON_SIZE];
	char timestamp[40];
	char money[LLMCOST_C_COUNT + 2][LLMCOST_MONEY_STRLEN];
	char flags[64];
	char note[LLMCOST_NOTE_SIZE + 600];
};

struct cli_ledger {
	FILE *fp;
	enum cli_format format;
	struct cli_ledger_row row;
};


static void cli_put_text(struct cli_ledger_row *r, const char *s)
{
	r->cells[r->n].type = s ? CLI_CELL_TEXT : CLI_CELL_NULL;
	r->cells[r->n].text = s;
	r->n++;
}


static void cli_put_int(struct cli_ledger_row *r, int known, int64_t v)
{
	r->cells[r->n].type = known ? CLI_CELL_INT : CLI_CELL_NULL;
	r->cells[r->n].num = v;
	r->n++;
}


static const char *cli_outcome_name(enum cli_outcome outcome)
{
	if (outcome == CLI_PRICED)
		return "priced";
	return outcome == CLI_UNPRICED ? "unpriced" : "rejected";
}


static const char *cli_known_str(const struct cli_request *req, int f,
				 const char *s)
{
	return CLI_KNOWN(req, f) ? s : NULL;
}


static void cli_put_head(struct cli_ledger_row *r,
			 const struct cli_result *res)
{
	const struct cli_request *req = res->req;

	cli_put_text(r, res->source);
	cli_put_text(r, cli_known_str(req, CLI_F_REQUEST_ID,
				      req->rec.request_id));
	cli_put_text(r, cli_outcome_name(res->outcome));
	if (res->outcome == CLI_REJECTED)
		snprintf(r->reason, sizeof(r->reason), "%s: %s", res->source,
			 res->reason);
	else
		snprintf(r->reason, sizeof(r->reason), "%s", res->reason);
	cli_put_text(r, r->reason);
	cli_put_text(r, res->outcome == CLI_PRICED ? "" :
			llmcost_status_name(res->status));
	r->timestamp[0] = '\0';
	if (CLI_KNOWN(req, CLI_F_TIMESTAMP) &&
	    req->rec.timestamp_ms != LLMCOST_TIME_UNKNOWN)
		lc_time_format(req->rec.timestamp_ms, r->timestamp,
			       sizeof(r->timestamp));
	cli_put_text(r, r->timestamp[0] ? r->timestamp : NULL);
}


static void cli_put_owner(struct cli_ledger_row *r,
			  const struct cli_result *res)
{
	const struct cli_request *req = res->req;
	const llmcost_cost *c = res->cost;
	int resolved = c != NULL && c->rule != LLMCOST_RULE_NONE;

	cli_put_text(r, cli_known_str(req, CLI_F_TEAM_ID, req->rec.team_id));
	cli_put_text(r, cli_known_str(req, CLI_F_USER_ID, req->rec.user_id));
	cli_put_text(r, cli_known_str(req, CLI_F_FEATURE_NAME,
				      req->rec.feature_name));
	cli_put_text(r, cli_known_str(req, CLI_F_PROVIDER,
				      req->rec.provider));
	cli_put_text(r, cli_known_str(req, CLI_F_MODEL, req->rec.model));
	cli_put_text(r, resolved ? c->price_key : NULL);
	cli_put_text(r, resolved ? llmcost_rule_name((int)c->rule) : NULL);
}


static void cli_put_tokens(struct cli_ledger_row *r,
			   const struct cli_request *req)
{
	const llmcost_record *rec = &req->rec;

	cli_put_int(r, CLI_KNOWN(req, CLI_F_INPUT_TOKENS), rec->input_tokens);
	cli_put_int(r, CLI_KNOWN(req, CLI_F_OUTPUT_TOKENS),
		    rec->output_tokens);
	cli_put_int(r, CLI_KNOWN(req, CLI_F_CACHED_TOKENS),
		    rec->cached_tokens);
	cli_put_int(r, CLI_KNOWN(req, CLI_F_CACHE_WRITE_TOKENS),
		    rec->cache_write_tokens);
	cli_put_int(r, CLI_KNOWN(req, CLI_F_CACHE_WRITE_1H_TOKENS),
		    rec->cache_write_1h_tokens);
	cli_put_int(r, CLI_KNOWN(req, CLI_F_REASONING_TOKENS),
		    rec->reasoning_tokens);
}


static void cli_put_money(struct cli_ledger_row *r, size_t slot, int known,
			  lc_i128 v)
{
	if (!known) {
		cli_put_text(r, NULL);
		return;
	}
	cli_money_exact(v, r->money[slot], sizeof(r->money[slot]));
	cli_put_text(r, r->money[slot]);
}


static void cli_put_costs(struct cli_ledger_row *r,
			  const struct cli_result *res)
{
	int priced = res->outcome == CLI_PRICED;
	const llmcost_cost *c = res->cost;
	size_t i;

	cli_put_money(r, 0, priced, priced ? lc_money_to_i128(c->total) : 0);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		cli_put_money(r, i + 1, priced, priced ?
			      lc_money_to_i128(c->component[i]) : 0);
	cli_put_money(r, LLMCOST_C_COUNT + 1, res->req->has_reported,
		      res->req->reported);
}


static void cli_flag(char *buf, size_t size, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n ? "," : "", name);
}


static void cli_put_tail(struct cli_ledger_row *r,
			 const struct cli_result *res)
{
	const llmcost_cost *c = res->cost;
	const char *note = c != NULL && res->outcome == CLI_PRICED ?
			   c->note : "";
	size_t n;

	r->flags[0] = '\0';
	if (c != NULL && (c->flags & LLMCOST_COST_LONG_CONTEXT))
		cli_flag(r->flags, sizeof(r->flags), "long_context");
	if (c != NULL && (c->flags & LLMCOST_COST_FALLBACK))
		cli_flag(r->flags, sizeof(r->flags), "fallback");
	if (c != NULL && (c->flags & LLMCOST_COST_APPROXIMATE))
		cli_flag(r->flags, sizeof(r->flags), "approximate");
	cli_put_text(r, r->flags);
	snprintf(r->note, sizeof(r->note), "%s", note);
	if (res->req->logged_model != NULL) {
		n = strlen(r->note);
		snprintf(r->note + n, sizeof(r->note) - n,
			 "%smodel logged as '%.200s', priced as '%.200s' "
			 "(--model-alias)", n ? "; " : "",
			 res->req->logged_model, res->req->rec.model);
	}
	cli_put_text(r, r->note);
}


static void cli_write_json(FILE *fp, const struct cli_ledger_row *r)
{
	size_t i;

	putc_unlocked('{', fp);
	for (i = 0; i < r->n; i++) {
		fputs(i ? ",\"" : "\"", fp);
		fputs(cli_columns[i], fp);
		fputs("\":", fp);
		if (r->cells[i].type == CLI_CELL_INT)
			cli_int(fp, r->cells[i].num);
		else
			cli_json_str(fp, r->cells[i].type == CLI_CELL_TEXT ?
				     r->cells[i].text : NULL);
	}
	fputs("}\n", fp);
}


static void cli_write_csv(FILE *fp, const struct cli_ledger_row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (i > 0)
			putc_unlocked(',', fp);
		if (r->cells[i].type == CLI_CELL_INT)
			cli_int(fp, r->cells[i].num);
		else if (r->cells[i].type == CLI_CELL_TEXT)
			cli_csv_field(fp, r->cells[i].text);
	}
	fputs("\r\n", fp);
}


static int cli_ledger_row(void *ctx, const struct cli_result *res)
{
	struct cli_ledger *l = ctx;
	struct cli_ledger_row *r = &l->row;

	r->n = 0;
	cli_put_head(r, res);
	cli_put_owner(r, res);
	cli_put_tokens(r, res->req);
	cli_put_costs(r, res);
	cli_put_tail(r, res);
	if (l->format == CLI_FMT_CSV)
		cli_write_csv(l->fp, r);
	else
		cli_write_json(l->fp, r);
	return ferror(l->fp) ? CLI_EXIT_IO : CLI_EXIT_OK;
}


static void cli_write_header(FILE *fp)
{
	size_t i;

	for (i = 0; i < CLI_NCOLUMNS; i++)
		fprintf(fp, "%s%s", i ? "," : "", cli_columns[i]);
	fputs("\r\n", fp);
}


int cli_ledger(const struct cli_opts *o, const llmcost_prices *prices)
{
	struct cli_ledger *l = calloc(1, sizeof(*l));
	struct cli_sink sink = { l, cli_ledger_row };
	struct cli_counts counts;
	int rc, close_rc;

	if (l == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	l->fp = cli_out_open(o);
	l->format = o->format;
	if (l->fp == NULL) {
		free(l);
		return CLI_EXIT_IO;
	}
	if (l->format == CLI_FMT_CSV)
		cli_write_header(l->fp);
	rc = cli_run(o, prices, &sink, &counts);
	close_rc = cli_out_close(o, l->fp);
	free(l);
	if (rc == CLI_EXIT_OK && counts.rejected > 0)
		cli_error("%ld of %ld rows rejected (status \"rejected\" in "
			  "the ledger)", counts.rejected, counts.rows);
	return rc != CLI_EXIT_OK ? rc : close_rc;
}
