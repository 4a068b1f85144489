/*
 * audit.c - `llmcost audit`: collect the rows, then build the views.
 *
 * Priced and unpriced rows go into a library rollup (keyed by team, user,
 * feature, model and UTC day); the views are sums over its groups
 * (audit_views.c).  Beside it the audit keeps what the rollup does not:
 * why models are unpriced, rejected rows by reason, rows priced with an
 * approximate or assumed price, and the reconciliation against a logged
 * cost (audit_recon.c).
 *
 * A row is admitted only if every total the audit shows stays in range
 * with it (the budget): counts within 2^63-1, and the magnitudes of all
 * its money within the 128-bit range.  Any sum over admitted rows, in any
 * view, then fits.  A row that would break that, or that overflows a sum
 * of the rollup, is rejected with LLMCOST_E_OVERFLOW, alone: the audit
 * of the other rows goes on.
 *
 * `llmcost snapshot` is this same run: it saves the rollup instead of
 * printing the views.  `audit --snapshot` builds the same views from
 * saved rollups (audit_snap.c).
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"


const char *cli_code_name(int status)
{
	return llmcost_status_name(status);
}


/* ---- the budget ------------------------------------------------------- */

static const int cli_token_fields[LLMCOST_T_COUNT] = {
	CLI_F_INPUT_TOKENS, CLI_F_OUTPUT_TOKENS, CLI_F_CACHED_TOKENS,
	CLI_F_CACHE_WRITE_TOKENS, CLI_F_CACHE_WRITE_1H_TOKENS,
	CLI_F_REASONING_TOKENS
};


static int64_t cli_record_tokens(const llmcost_record *r, int t)
{
	switch (t) {
	case LLMCOST_T_INPUT: return r->input_tokens;
	case LLMCOST_T_OUTPUT: return r->output_tokens;
	case LLMCOST_T_CACHED: return r->cached_tokens;
	case LLMCOST_T_CACHE_WRITE_5M: return r->cache_write_tokens;
	case LLMCOST_T_CACHE_WRITE_1H: return r->cache_write_1h_tokens;
	default: return r->reasoning_tokens;
	}
}


/* *sum += |v|; -1 past the 128-bit range. */
static int cli_add_abs(lc_i128 *sum, lc_i128 v)
{
	if (v == LC_I128_MIN)
		return -1;
	return lc_i128_add(*sum, v < 0 ? -v : v, sum);
}


/* Adds the row's money; the field whose sum would leave the range, or
 * NULL. */
static const char *cli_budget_money(struct cli_budget *b,
				    const struct cli_result *r)
{
	const llmcost_cost *c = r->cost;
	int k;

	if (r->req->has_reported && cli_add_abs(&b->money, r->req->reported))
		return "reported_cost_usd";
	if (r->outcome != CLI_PRICED)
		return NULL;
	if (cli_add_abs(&b->money, lc_money_to_i128(c->total)) ||
	    cli_add_abs(&b->money, lc_money_to_i128(c->contracted_cost)) ||
	    cli_add_abs(&b->money, lc_money_to_i128(c->effective_cost)))
		return "cost_usd";
	for (k = 0; k < LLMCOST_C_COUNT; k++)
		if (cli_add_abs(&b->money, lc_money_to_i128(c->component[k])))
			return "cost_usd";
	return NULL;
}


/* The budget with the row in it, or -1 and the field that would
 * overflow in res's rejection. */
static int cli_budget_admit(const struct cli_budget *b,
			    struct cli_result *res, struct cli_budget *next)
{
	const llmcost_record *rec = &res->req->rec;
	const char *field = NULL;
	int t;

	*next = *b;
	for (t = 0; t < LLMCOST_T_COUNT && field == NULL; t++)
		if (__builtin_add_overflow(next->tokens[t],
					   cli_record_tokens(rec, t),
					   &next->tokens[t]))
			field = cli_field_name(cli_token_fields[t]);
	if (field == NULL && __builtin_add_overflow(next->requests,
						    rec->request_count,
						    &next->requests))
		field = "request_count";
	if (field == NULL && __builtin_add_overflow(next->retries,
						    rec->retry_count,
						    &next->retries))
		field = "retry_count";
	if (field != NULL) {
		cli_result_reject(res, LLMCOST_E_OVERFLOW, "field %s: the sum "
				  "over the rows would pass 2^63-1", field);
		return -1;
	}
	field = cli_budget_money(next, res);
	if (field == NULL)
		return 0;
	cli_result_reject(res, LLMCOST_E_OVERFLOW, "field %s: the sum of the "
			  "money over the rows (costs and reported costs) "
			  "would pass the 128-bit range", field);
	return -1;
}


/* ---- pricing flags ---------------------------------------------------- */

static const struct {
	const char *name;
	uint32_t bit;
} cli_flag_kinds[CLI_N_FLAGS] = {
	{ "approximate", LLMCOST_COST_APPROXIMATE },
	{ "fallback", LLMCOST_COST_FALLBACK },
	{ "long_context", LLMCOST_COST_LONG_CONTEXT },
	{ "unrated", LLMCOST_COST_UNRATED },
};


static int cli_flag_note(struct cli_flagged *f, const char *note)
{
	size_t i;

	if (note[0] == '\0' || f->n_notes == CLI_FLAG_NOTES)
		return 0;
	for (i = 0; i < f->n_notes; i++)
		if (strcmp(f->notes[i], note) == 0)
			return 0;
	f->notes[f->n_notes] = strdup(note);
	if (f->notes[f->n_notes] == NULL)
		return -1;
	f->n_notes++;
	return 0;
}


static int cli_note_flags(struct cli_audit *a, const struct cli_result *r)
{
	const llmcost_cost *c = r->cost;
	size_t i;

	for (i = 0; i < CLI_N_FLAGS; i++) {
		struct cli_flagged *f = &a->flags[i];

		if (!(c->flags & f->bit))
			continue;
		f->rows++;
		if (__builtin_add_overflow(f->requests,
					   r->req->rec.request_count,
					   &f->requests) ||
		    lc_i128_add(f->cost, lc_money_to_i128(c->total), &f->cost)
		    || cli_flag_note(f, c->note))
			return -1;
	}
	return 0;
}


/* ---- unpriced models ------------------------------------------------ */

static int cli_note_unpriced(struct cli_audit *a, const struct cli_result *r)
{
	const char *model = r->req->rec.model ? r->req->rec.model : "";
	struct cli_unpriced *u;
	const char *stored;
	uint32_t pos;

	if (!lc_map_get(a->unpriced_index, model, strlen(model), &pos)) {
		u = realloc(a->unpriced, (a->n_unpriced + 1) * sizeof(*u));
		if (u == NULL)
			return -1;
		a->unpriced = u;
		pos = (uint32_t)a->n_unpriced;
		if (lc_map_put(a->unpriced_index, model, strlen(model), pos,
			       &stored))
			return -1;
		u = &a->unpriced[a->n_unpriced++];
		memset(u, 0, sizeof(*u));
		u->model = stored;
		u->status = r->status;
		u->reason = strdup(r->reason);
		if (u->reason == NULL)
			return -1;
	}
	u = &a->unpriced[pos];
	u->rows++;
	if (__builtin_add_overflow(u->requests, r->req->rec.request_count,
				   &u->requests) ||
	    __builtin_add_overflow(u->input_tokens, r->req->rec.input_tokens,
				   &u->input_tokens) ||
	    __builtin_add_overflow(u->output_tokens,
				   r->req->rec.output_tokens,
				   &u->output_tokens))
		return -1;
	return 0;
}


/* ---- rejected rows -------------------------------------------------- */

static struct cli_rejects *cli_reject_group(struct cli_audit *a,
					    const struct cli_result *r)
{
	const char *code = cli_code_name(r->status);
	size_t what_len = strcspn(r->reason, ":");
	char key[160];
	struct cli_rejects *g;
	const char *stored;
	uint32_t pos;
	int n;

	n = snprintf(key, sizeof(key), "%s %.*s", code,
		     (int)(what_len > 100 ? 100 : what_len), r->reason);
	if (n < 0 || (size_t)n >= sizeof(key))
		n = (int)strlen(key);
	if (lc_map_get(a->reject_index, key, (size_t)n, &pos))
		return &a->rejects[pos];
	g = realloc(a->rejects, (a->n_rejects + 1) * sizeof(*g));
	if (g == NULL)
		return NULL;
	a->rejects = g;
	if (lc_map_put(a->reject_index, key, (size_t)n,
		       (uint32_t)a->n_rejects, &stored))
		return NULL;
	g = &a->rejects[a->n_rejects++];
	memset(g, 0, sizeof(*g));
	g->key = stored;
	g->code = code;
	g->what = strndup(r->reason, what_len > 100 ? 100 : what_len);
	g->first_reason = strdup(r->reason);
	return g->what && g->first_reason ? g : NULL;
}


/* What could be read of a rejected row: its request_count (else one
 * request) and its input and output tokens.  128-bit sums of int64
 * values cannot overflow before 2^64 rows. */
static void cli_reject_counts(struct cli_rejects *g,
			      const struct cli_request *req)
{
	const llmcost_record *rec = &req->rec;

	g->requests += CLI_KNOWN(req, CLI_F_REQUEST_COUNT) ?
		       rec->request_count : 1;
	if (CLI_KNOWN(req, CLI_F_INPUT_TOKENS))
		g->input_tokens += rec->input_tokens;
	if (CLI_KNOWN(req, CLI_F_OUTPUT_TOKENS))
		g->output_tokens += rec->output_tokens;
}


static int cli_note_rejected(struct cli_audit *a, const struct cli_result *r)
{
	struct cli_rejects *g = cli_reject_group(a, r);

	if (g == NULL)
		return -1;
	g->rows++;
	cli_reject_counts(g, r->req);
	if (g->n_examples < CLI_EXAMPLES) {
		g->examples[g->n_examples] = strdup(r->source);
		if (g->examples[g->n_examples] == NULL)
			return -1;
		g->n_examples++;
	}
	return 0;
}


/* ---- the sink ------------------------------------------------------- */

static void cli_note_time(struct cli_audit *a, int64_t ms)
{
	if (ms == LLMCOST_TIME_UNKNOWN)
		return;
	if (a->first_ms == LLMCOST_TIME_UNKNOWN || ms < a->first_ms)
		a->first_ms = ms;
	if (a->last_ms == LLMCOST_TIME_UNKNOWN || ms > a->last_ms)
		a->last_ms = ms;
}


/* Adds the row to the rollup; a sum it would overflow rejects the row. */
static int cli_rollup_admit(struct cli_audit *a, struct cli_result *res)
{
	int rc;

	lc_error_clear();
	rc = llmcost_rollup_add(a->rollup, &res->req->rec, res->cost);
	if (rc == LLMCOST_OK)
		return 0;
	if (rc == LLMCOST_E_OVERFLOW) {
		cli_result_reject(res, rc, "sums: %s", llmcost_last_error()[0]
				  ? llmcost_last_error() :
				  llmcost_status_message(rc));
		return 1;
	}
	cli_error("%s: %s", res->source, llmcost_last_error()[0] ?
		  llmcost_last_error() : llmcost_status_message(rc));
	return -1;
}


/* Notes an admitted row everywhere beside the rollup. */
static int cli_note_admitted(struct cli_audit *a, const struct cli_result *r)
{
	cli_note_time(a, r->req->rec.timestamp_ms);
	if (r->outcome == CLI_UNPRICED && cli_note_unpriced(a, r))
		return -1;
	if (r->outcome == CLI_PRICED && cli_note_flags(a, r))
		return -1;
	if (r->req->has_reported && cli_recon_note(a, r))
		return -1;
	return cli_gaps_note(a->gaps, a->opts, r);
}


static int cli_audit_row(void *ctx, struct cli_result *res)
{
	struct cli_audit *a = ctx;
	struct cli_budget next;
	int rc = 0;

	if (res->outcome == CLI_DUPLICATE &&
	    cli_gaps_duplicate(a->gaps, res)) {
		cli_error("%s: out of memory", res->source);
		return CLI_EXIT_IO;
	}
	if ((res->outcome == CLI_PRICED || res->outcome == CLI_UNPRICED) &&
	    cli_budget_admit(&a->budget, res, &next) == 0) {
		rc = cli_rollup_admit(a, res);
		if (rc < 0)
			return CLI_EXIT_IO;
		if (rc == 0)
			a->budget = next;
		if (rc == 0 && cli_note_admitted(a, res))
			rc = -1;
	}
	if (rc >= 0 && res->outcome == CLI_REJECTED)
		rc = cli_note_rejected(a, res);
	if (rc < 0) {
		cli_error("%s: out of memory", res->source);
		return CLI_EXIT_IO;
	}
	return 0;
}


/* ---- setup and teardown --------------------------------------------- */

static void cli_audit_free(struct cli_audit *a)
{
	size_t i, j;

	llmcost_rollup_free(a->rollup);
	cli_snap_heavy_free(a);
	llmcost_snapshot_free(a->snap);
	cli_view_free(&a->team);
	cli_view_free(&a->user);
	cli_view_free(&a->feature);
	cli_view_free(&a->model);
	cli_view_free(&a->day);
	cli_view_free(&a->team_user);
	for (i = 0; i < a->n_unpriced; i++)
		free(a->unpriced[i].reason);
	free(a->unpriced);
	for (i = 0; i < a->n_rejects; i++) {
		free(a->rejects[i].what);
		free(a->rejects[i].first_reason);
		for (j = 0; j < a->rejects[i].n_examples; j++)
			free(a->rejects[i].examples[j]);
	}
	free(a->rejects);
	for (i = 0; i < CLI_N_FLAGS; i++)
		for (j = 0; j < a->flags[i].n_notes; j++)
			free(a->flags[i].notes[j]);
	cli_recon_free(a);
	cli_gaps_free(a->gaps);
	lc_map_free(a->unpriced_index);
	lc_map_free(a->reject_index);
	free(a);
}


static struct cli_audit *cli_audit_new(const struct cli_opts *o,
				       const llmcost_prices *prices)
{
	struct cli_audit *a = calloc(1, sizeof(*a));
	size_t i;

	if (a == NULL)
		return NULL;
	a->opts = o;
	a->prices = prices;
	a->first_ms = LLMCOST_TIME_UNKNOWN;
	a->last_ms = LLMCOST_TIME_UNKNOWN;
	a->total.median2 = -1;
	for (i = 0; i < CLI_N_FLAGS; i++) {
		a->flags[i].name = cli_flag_kinds[i].name;
		a->flags[i].bit = cli_flag_kinds[i].bit;
	}
	a->unpriced_index = lc_map_new();
	a->reject_index = lc_map_new();
	a->recon_index = lc_map_new();
	a->gaps = cli_gaps_new();
	if (llmcost_rollup_new(&a->rollup) != LLMCOST_OK ||
	    a->unpriced_index == NULL || a->reject_index == NULL ||
	    a->recon_index == NULL || a->gaps == NULL) {
		cli_audit_free(a);
		return NULL;
	}
	return a;
}


static int cli_cmp_unpriced(const void *pa, const void *pb)
{
	const struct cli_unpriced *a = pa, *b = pb;

	if (a->requests != b->requests)
		return a->requests > b->requests ? -1 : 1;
	return strcmp(a->model, b->model);
}


static int cli_cmp_rejects(const void *pa, const void *pb)
{
	const struct cli_rejects *a = pa, *b = pb;

	if (a->rows != b->rows)
		return a->rows > b->rows ? -1 : 1;
	return strcmp(a->key, b->key);
}


/* Sorts everything the writers show.  The side maps' positions are
 * stale afterwards; they are not looked up again. */
static void cli_audit_finish(struct cli_audit *a)
{
	if (a->n_unpriced > 1)
		qsort(a->unpriced, a->n_unpriced, sizeof(*a->unpriced),
		      cli_cmp_unpriced);
	if (a->n_rejects > 1)
		qsort(a->rejects, a->n_rejects, sizeof(*a->rejects),
		      cli_cmp_rejects);
	cli_views_finish(a);
	cli_recon_finish(a);
	cli_gaps_finish(a->gaps, a->opts);
}


/* The report is made in memory first and written only once whole, so
 * a failure (out of memory in a table) prints nothing and leaves -o
 * FILE as it was, never a report cut short. */
static int cli_audit_write(const struct cli_opts *o, struct cli_audit *a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	FILE *fp;
	int rc, close_rc;

	if (mem == NULL) {
		cli_error("writing the audit failed: out of memory");
		return CLI_EXIT_IO;
	}
	if (o->format == CLI_FMT_JSON)
		rc = cli_audit_json(a, mem);
	else
		rc = cli_audit_text(a, mem);
	if ((fflush(mem) != 0 || ferror(mem)) && rc == CLI_EXIT_OK) {
		cli_error("writing the audit failed: out of memory");
		rc = CLI_EXIT_IO;
	}
	fclose(mem);
	if (rc != CLI_EXIT_OK) {
		free(text);
		return rc;
	}
	fp = cli_out_open(o);
	if (fp == NULL) {
		free(text);
		return CLI_EXIT_IO;
	}
	if (len > 0)
		fwrite(text, 1, len, fp);
	free(text);
	close_rc = cli_out_close(o, fp);
	return close_rc;
}


/* Writes the report of a run that went well so far, and frees the
 * audit either way. */
static int cli_audit_conclude(const struct cli_opts *o, struct cli_audit *a,
			      int rc)
{
	if (rc == CLI_EXIT_OK) {
		cli_audit_finish(a);
		rc = cli_audit_write(o, a);
	}
	cli_audit_free(a);
	return rc;
}


/* "a.snap", "a.snap + b.snap", "a.snap + b.snap + ... (5 snapshots)". */
static void cli_snap_names(struct cli_buf *b, const struct cli_opts *o)
{
	size_t i;

	for (i = 0; i < o->n_files && i < 2; i++) {
		cli_buf_puts(b, i ? " + " : "");
		cli_buf_puts(b, o->files[i]);
	}
	if (o->n_files == 3) {
		cli_buf_puts(b, " + ");
		cli_buf_puts(b, o->files[2]);
	} else if (o->n_files > 3) {
		cli_buf_puts(b, " + ... (");
		cli_buf_int(b, (int64_t)o->n_files);
		cli_buf_puts(b, " snapshots)");
	}
	cli_buf_putc(b, '\0');
}


/* Says why cli_views_build() failed: out of memory, or which sum of
 * which row would overflow; the snapshots are named. */
static void cli_views_error(const struct cli_audit *a)
{
	struct cli_buf names = { NULL, 0, 0, 0 };
	struct cli_buf why = { NULL, 0, 0, 0 };

	if (a->bad_sum == NULL) {
		cli_buf_puts(&why, "out of memory");
	} else {
		cli_buf_puts(&why, "the ");
		cli_buf_puts(&why, a->bad_sum);
		if (strcmp(a->bad_view, "totals") == 0) {
			cli_buf_puts(&why, " of the totals");
		} else {
			cli_buf_puts(&why, " of ");
			cli_buf_puts(&why, a->bad_view);
			cli_buf_puts(&why, " '");
			cli_buf_puts(&why, a->bad_row);
			cli_buf_putc(&why, '\'');
		}
		cli_buf_puts(&why, " would overflow");
	}
	cli_buf_putc(&why, '\0');
	if (a->snap == NULL) {
		cli_error("summing the rollup failed: %s", why.failed ?
			  "out of memory" : why.p);
	} else {
		cli_snap_names(&names, a->opts);
		cli_error("%s: summing the snapshots failed: %s",
			  names.failed ? "(out of memory)" : names.p,
			  why.failed ? "out of memory" : why.p);
	}
	cli_buf_free(&names);
	cli_buf_free(&why);
}


int cli_audit(const struct cli_opts *o, const llmcost_prices *prices)
{
	struct cli_audit *a = cli_audit_new(o, prices);
	struct cli_sink sink = { a, cli_audit_row };
	int rc;

	if (a == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	rc = cli_run(o, prices, &sink, &a->counts);
	if (o->command == CLI_CMD_SNAPSHOT) {
		if (rc == CLI_EXIT_OK)
			rc = cli_snapshot_save(o, a->rollup, &a->counts);
		cli_audit_free(a);
		return rc;
	}
	if (rc == CLI_EXIT_OK && cli_views_build(a) != 0) {
		cli_views_error(a);
		rc = CLI_EXIT_IO;
	}
	return cli_audit_conclude(o, a, rc);
}


int cli_audit_snapshots(const struct cli_opts *o)
{
	struct cli_audit *a = cli_audit_new(o, NULL);
	int rc;

	if (a == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	rc = cli_snapshots_load((const char *const *)o->files,
				o->n_files, 1, &a->snap);
	if (rc == CLI_EXIT_OK) {
		a->snap_grouping = (size_t)cli_snapshot_default_grouping(
			a->snap);
		if (cli_views_build(a) != 0) {
			cli_views_error(a);
			rc = CLI_EXIT_IO;
		} else if (cli_snap_heavy_take(a) != 0) {
			rc = CLI_EXIT_IO;
		}
	}
	return cli_audit_conclude(o, a, rc);
}
