/*
 * ledger.c - `llmcost ledger`: one row per input request, in input order.
 *
 * The row is first laid out as a list of cells (null, text or integer)
 * and then written as a JSON object or a CSV line, so that both formats
 * always carry the same columns in the same order.  A row is built in a
 * buffer kept from row to row and written with one fwrite.
 *
 * With --tags, team_id, user_id and feature_name hold the values rows are
 * attributed to, and nine columns follow the others: the other three tag
 * fields, and each tag's value as logged where it differs from the value
 * shown (docs/cli.md).
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
	"reasoning_tokens", "cost_usd", "list_cost_usd",
	"contracted_cost_usd", "effective_cost_usd", "input_cost_usd",
	"cache_read_cost_usd", "cache_write_5m_cost_usd",
	"cache_write_1h_cost_usd", "output_cost_usd", "reasoning_cost_usd",
	"input_audio_cost_usd", "input_image_cost_usd",
	"input_video_cost_usd", "output_audio_cost_usd",
	"output_image_cost_usd", "request_cost_usd", "web_search_cost_usd",
	"file_search_cost_usd", "reported_cost_usd", "flags", "note"
};

#define CLI_NCOLUMNS LC_ARRAY_LEN(cli_columns)

/* The columns --tags adds, after note. */
static const char *const cli_tag_columns[] = {
	"tenant_id", "environment", "workflow_name", "team_id_raw",
	"user_id_raw", "feature_name_raw", "tenant_id_raw", "environment_raw",
	"workflow_name_raw"
};

#define CLI_NTAGCOLUMNS LC_ARRAY_LEN(cli_tag_columns)
#define CLI_MAXCOLUMNS (CLI_NCOLUMNS + CLI_NTAGCOLUMNS)

/* The tag dimensions of the _raw columns, in their order. */
static const int cli_raw_dims[] = {
	LLMCOST_TAG_TEAM, LLMCOST_TAG_USER, LLMCOST_TAG_FEATURE,
	LLMCOST_TAG_TENANT, LLMCOST_TAG_ENVIRONMENT, LLMCOST_TAG_WORKFLOW
};

/* One cost column per component, in the library's order, between
 * effective_cost_usd and reported_cost_usd. */
_Static_assert(CLI_NCOLUMNS == 32 - 6 + LLMCOST_C_COUNT,
	       "a ledger column for every cost component");

/* Text that lives while one row is written. */
struct cli_ledger_row {
	struct cli_cell cells[CLI_MAXCOLUMNS];
	size_t n;
	char reason[CLI_SOURCE_SIZE + CLI_REASON_SIZE];
	char timestamp[40];
	lc_i128 money[LLMCOST_C_COUNT + 5];
	int is_money[CLI_MAXCOLUMNS];
	char flags[64];
	char note[LLMCOST_NOTE_SIZE + 600];
};

struct cli_ledger {
	FILE *fp;
	enum cli_format format;
	int tags;		/* --tags: the tag columns too */
	struct cli_ledger_row row;
	struct cli_buf out;
	char **quoted;		/* column names as JSON keys: "\"k\":" */
	size_t quoted_len[CLI_MAXCOLUMNS];
};


static void cli_put_text(struct cli_ledger_row *r, const char *s)
{
	r->cells[r->n].type = s ? CLI_CELL_TEXT : CLI_CELL_NULL;
	r->cells[r->n].text = s;
	r->is_money[r->n] = 0;
	r->n++;
}


static void cli_put_int(struct cli_ledger_row *r, int known, int64_t v)
{
	r->cells[r->n].type = known ? CLI_CELL_INT : CLI_CELL_NULL;
	r->cells[r->n].num = v;
	r->is_money[r->n] = 0;
	r->n++;
}


static const char *cli_outcome_name(enum cli_outcome outcome)
{
	if (outcome == CLI_PRICED)
		return "priced";
	if (outcome == CLI_DUPLICATE)
		return "duplicate";
	return outcome == CLI_UNPRICED ? "unpriced" : "rejected";
}


static const char *cli_reason_code(const struct cli_result *res)
{
	if (res->outcome == CLI_PRICED)
		return "";
	if (res->outcome == CLI_DUPLICATE)
		return res->dup_kind == CLI_DUP_LINE ? "DUPLICATE_LINE" :
		       "DUPLICATE_REQUEST_ID";
	return llmcost_status_name(res->status);
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
	if (res->outcome == CLI_REJECTED) {
		snprintf(r->reason, sizeof(r->reason), "%s: %s", res->source,
			 res->reason);
		cli_put_text(r, r->reason);
	} else {
		cli_put_text(r, res->reason);
	}
	cli_put_text(r, cli_reason_code(res));
	r->timestamp[0] = '\0';
	if (CLI_KNOWN(req, CLI_F_TIMESTAMP) &&
	    req->rec.timestamp_ms != LLMCOST_TIME_UNKNOWN)
		cli_time_text(req->rec.timestamp_ms, r->timestamp,
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


/* A money cell: text written exactly from r->money[slot]. */
static void cli_put_money(struct cli_ledger_row *r, size_t slot, int known,
			  lc_i128 v)
{
	if (!known) {
		cli_put_text(r, NULL);
		return;
	}
	r->money[slot] = v;
	r->cells[r->n].type = CLI_CELL_TEXT;
	r->cells[r->n].num = (int64_t)slot;
	r->is_money[r->n] = 1;
	r->n++;
}


static void cli_put_costs(struct cli_ledger_row *r,
			  const struct cli_result *res)
{
	int priced = res->outcome == CLI_PRICED;
	const llmcost_cost *c = res->cost;
	size_t i;

	cli_put_money(r, 0, priced, priced ? lc_money_to_i128(c->total) : 0);
	cli_put_money(r, 1, priced, priced ?
		      lc_money_to_i128(c->list_cost) : 0);
	cli_put_money(r, 2, priced, priced ?
		      lc_money_to_i128(c->contracted_cost) : 0);
	cli_put_money(r, 3, priced, priced ?
		      lc_money_to_i128(c->effective_cost) : 0);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		cli_put_money(r, i + 4, priced, priced ?
			      lc_money_to_i128(c->component[i]) : 0);
	cli_put_money(r, LLMCOST_C_COUNT + 4, res->req->has_reported,
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


/* The value logged for a tag, where it differs from the value shown. */
static const char *cli_raw_shown(const struct cli_result *res, int dim)
{
	const char *raw = res->tags->raw[dim];
	const char *shown = cli_tag_get(&res->req->rec, dim);

	if (raw == NULL || (shown != NULL && strcmp(raw, shown) == 0))
		return NULL;
	return raw;
}


static void cli_put_tags(struct cli_ledger_row *r,
			 const struct cli_result *res)
{
	const struct cli_request *req = res->req;
	size_t i;

	cli_put_text(r, cli_known_str(req, CLI_F_TENANT_ID,
				      req->rec.tenant_id));
	cli_put_text(r, cli_known_str(req, CLI_F_ENVIRONMENT,
				      req->rec.environment));
	cli_put_text(r, cli_known_str(req, CLI_F_WORKFLOW_NAME,
				      req->rec.workflow_name));
	for (i = 0; i < LC_ARRAY_LEN(cli_raw_dims); i++) {
		int f = cli_tag_field(cli_raw_dims[i]);

		cli_put_text(r, res->tags == NULL ? NULL :
			     cli_known_str(req, f, cli_raw_shown(res,
					   cli_raw_dims[i])));
	}
}


static void cli_cell_json(struct cli_buf *b, const struct cli_ledger_row *r,
			  size_t i)
{
	const struct cli_cell *c = &r->cells[i];

	if (c->type == CLI_CELL_INT) {
		cli_buf_int(b, c->num);
	} else if (r->is_money[i]) {
		cli_buf_putc(b, '"');
		cli_buf_money(b, r->money[c->num]);
		cli_buf_putc(b, '"');
	} else {
		cli_buf_json_str(b, c->type == CLI_CELL_TEXT ? c->text :
				 NULL);
	}
}


static void cli_write_json(struct cli_ledger *l)
{
	const struct cli_ledger_row *r = &l->row;
	size_t i;

	cli_buf_putc(&l->out, '{');
	for (i = 0; i < r->n; i++) {
		if (i > 0)
			cli_buf_putc(&l->out, ',');
		cli_buf_put(&l->out, l->quoted[i], l->quoted_len[i]);
		cli_cell_json(&l->out, r, i);
	}
	cli_buf_put(&l->out, "}\n", 2);
}


static void cli_write_csv(struct cli_ledger *l)
{
	const struct cli_ledger_row *r = &l->row;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct cli_cell *c = &r->cells[i];

		if (i > 0)
			cli_buf_putc(&l->out, ',');
		if (c->type == CLI_CELL_INT)
			cli_buf_int(&l->out, c->num);
		else if (r->is_money[i])
			cli_buf_money(&l->out, r->money[c->num]);
		else if (c->type == CLI_CELL_TEXT)
			cli_buf_csv_field(&l->out, c->text);
	}
	cli_buf_put(&l->out, "\r\n", 2);
}


static int cli_ledger_row(void *ctx, struct cli_result *res)
{
	struct cli_ledger *l = ctx;
	struct cli_ledger_row *r = &l->row;

	r->n = 0;
	cli_put_head(r, res);
	cli_put_owner(r, res);
	cli_put_tokens(r, res->req);
	cli_put_costs(r, res);
	cli_put_tail(r, res);
	if (l->tags)
		cli_put_tags(r, res);
	if (l->format == CLI_FMT_CSV)
		cli_write_csv(l);
	else
		cli_write_json(l);
	if (l->out.failed) {
		cli_error("%s: out of memory", res->source);
		return CLI_EXIT_IO;
	}
	return cli_buf_flush(&l->out, l->fp) || ferror(l->fp) ?
	       CLI_EXIT_IO : CLI_EXIT_OK;
}


static const char *cli_column_name(size_t i)
{
	return i < CLI_NCOLUMNS ? cli_columns[i] :
	       cli_tag_columns[i - CLI_NCOLUMNS];
}


static size_t cli_ncolumns(const struct cli_ledger *l)
{
	return l->tags ? CLI_MAXCOLUMNS : CLI_NCOLUMNS;
}


static void cli_write_header(const struct cli_ledger *l)
{
	size_t i;

	for (i = 0; i < cli_ncolumns(l); i++)
		fprintf(l->fp, "%s%s", i ? "," : "", cli_column_name(i));
	fputs("\r\n", l->fp);
}


static void cli_ledger_free(struct cli_ledger *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; l->quoted != NULL && i < CLI_MAXCOLUMNS; i++)
		free(l->quoted[i]);
	free(l->quoted);
	cli_buf_free(&l->out);
	free(l);
}


static struct cli_ledger *cli_ledger_new(const struct cli_opts *o)
{
	struct cli_ledger *l = calloc(1, sizeof(*l));
	size_t i, n;

	if (l == NULL || (l->quoted = calloc(CLI_MAXCOLUMNS,
					     sizeof(char *))) == NULL) {
		cli_ledger_free(l);
		return NULL;
	}
	for (i = 0; i < CLI_MAXCOLUMNS; i++) {
		n = strlen(cli_column_name(i));
		l->quoted[i] = malloc(n + 4);
		if (l->quoted[i] == NULL) {
			cli_ledger_free(l);
			return NULL;
		}
		snprintf(l->quoted[i], n + 4, "\"%s\":", cli_column_name(i));
		l->quoted_len[i] = n + 3;
	}
	l->format = o->format;
	l->tags = o->tags_path != NULL;
	return l;
}


int cli_ledger(const struct cli_opts *o, const llmcost_prices *prices)
{
	struct cli_ledger *l = cli_ledger_new(o);
	struct cli_sink sink = { l, cli_ledger_row };
	struct cli_counts counts;
	int rc, close_rc;

	if (l == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	l->fp = cli_out_open(o);
	if (l->fp == NULL) {
		cli_ledger_free(l);
		return CLI_EXIT_IO;
	}
	if (l->format == CLI_FMT_CSV)
		cli_write_header(l);
	rc = cli_run(o, prices, &sink, &counts);
	close_rc = cli_out_close(o, l->fp);
	cli_ledger_free(l);
	if (rc == CLI_EXIT_OK && counts.rejected > 0)
		cli_error("%ld of %ld rows rejected (status \"rejected\" in "
			  "the ledger)", counts.rejected, counts.rows);
	if (rc == CLI_EXIT_OK && counts.duplicates > 0)
		cli_error("%ld of %ld rows are duplicates, in no total (status "
			  "\"duplicate\" in the ledger)", counts.duplicates,
			  counts.rows);
	return rc != CLI_EXIT_OK ? rc : close_rc;
}
