/*
 * audit_json.c - the audit for machines: every number exact.
 *
 * Counts are JSON integers; money is a decimal string at full precision
 * ("0.028716"), never a binary float.  Ratios that are not exact (cost
 * per request, shares) are left for the reader to compute.
 */
#include <string.h>

#include "audit.h"

/* Written out whenever the buffer holds this much. */
#define CLI_JW_FLUSH (1 << 16)

static void cli_jw_sep(struct cli_jw *w)
{
	if (w->b.len >= CLI_JW_FLUSH && cli_buf_flush(&w->b, w->fp))
		w->failed = 1;
	if (w->depth > 0 && !w->first[w->depth])
		cli_buf_putc(&w->b, ',');
	if (w->depth > 0)
		w->first[w->depth] = 0;
}


static void cli_jw_key(struct cli_jw *w, const char *key)
{
	cli_jw_sep(w);
	cli_buf_json_str(&w->b, key);
	cli_buf_putc(&w->b, ':');
	w->first[w->depth] = 2;	/* the value follows without a comma */
}


static void cli_jw_value_begin(struct cli_jw *w)
{
	if (w->depth > 0 && w->first[w->depth] == 2) {
		w->first[w->depth] = 0;
		return;
	}
	cli_jw_sep(w);
}


void cli_jw_open(struct cli_jw *w, const char *key, char bracket)
{
	if (key != NULL)
		cli_jw_key(w, key);
	cli_jw_value_begin(w);
	cli_buf_putc(&w->b, bracket);
	if (w->depth + 1 < (int)sizeof(w->first))
		w->depth++;
	w->first[w->depth] = 1;
}


void cli_jw_close(struct cli_jw *w, char bracket)
{
	cli_buf_putc(&w->b, bracket);
	w->depth--;
}


void cli_jw_int(struct cli_jw *w, const char *key, int64_t v)
{
	if (key != NULL)
		cli_jw_key(w, key);
	cli_jw_value_begin(w);
	cli_buf_int(&w->b, v);
}


void cli_jw_bool(struct cli_jw *w, const char *key, int v)
{
	cli_jw_key(w, key);
	cli_jw_value_begin(w);
	cli_buf_puts(&w->b, v ? "true" : "false");
}


void cli_jw_str(struct cli_jw *w, const char *key, const char *s)
{
	if (key != NULL)
		cli_jw_key(w, key);
	cli_jw_value_begin(w);
	cli_buf_json_str(&w->b, s);
}


/* Half of v (v even: a whole number; odd: ".5"), as a JSON number. */
static void cli_jw_half(struct cli_jw *w, const char *key, lc_i128 v)
{
	cli_jw_key(w, key);
	cli_jw_value_begin(w);
	if (v < 0) {
		cli_buf_puts(&w->b, "null");
		return;
	}
	cli_buf_int(&w->b, (int64_t)(v / 2));
	if (v % 2 != 0)
		cli_buf_puts(&w->b, ".5");
}


void cli_jw_money(struct cli_jw *w, const char *key, lc_i128 v)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cli_money_exact(v, buf, sizeof(buf));
	cli_jw_str(w, key, buf);
}


void cli_jw_i128(struct cli_jw *w, const char *key, lc_i128 v)
{
	char buf[48];

	if (lc_i128_format(v, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "null");
	if (key != NULL)
		cli_jw_key(w, key);
	cli_jw_value_begin(w);
	cli_buf_puts(&w->b, buf);
}


static void cli_jw_time(struct cli_jw *w, const char *key, int64_t ms)
{
	char buf[40];

	if (ms == LLMCOST_TIME_UNKNOWN ||
	    lc_time_format(ms, buf, sizeof(buf)) < 0)
		cli_jw_str(w, key, NULL);
	else
		cli_jw_str(w, key, buf);
}


static void cli_json_accounting(struct cli_jw *w, const struct cli_audit *a)
{
	const struct cli_counts *c = &a->counts;

	cli_jw_open(w, "accounting", '{');
	cli_jw_int(w, "lines", c->lines);
	cli_jw_int(w, "blank_lines", c->blank);
	cli_jw_int(w, "filtered", c->filtered);
	cli_jw_int(w, "rows", c->rows);
	cli_jw_int(w, "priced", c->priced);
	cli_jw_int(w, "unpriced", c->unpriced);
	cli_jw_int(w, "rejected", c->rejected);
	cli_jw_int(w, "duplicates", c->duplicates);
	cli_jw_time(w, "first_timestamp", a->first_ms);
	cli_jw_time(w, "last_timestamp", a->last_ms);
	cli_jw_close(w, '}');
}


static void cli_json_diags(struct cli_jw *w, const struct cli_audit *a)
{
	const char *key, *field, *message;
	size_t i, n = llmcost_prices_diag_count(a->prices);

	cli_jw_open(w, "load_diagnostics", '[');
	for (i = 0; i < n; i++) {
		if (llmcost_prices_diag(a->prices, i, &key, &field, &message)
		    != LLMCOST_OK)
			continue;
		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "file", cli_diag_file(a->opts, i));
		cli_jw_str(w, "key", key);
		cli_jw_str(w, "field", field);
		cli_jw_str(w, "message", message);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_prices(struct cli_jw *w, const struct cli_audit *a)
{
	const struct cli_opts *o = a->opts;
	size_t i;

	cli_jw_open(w, "prices", '{');
	cli_jw_open(w, "files", '[');
	for (i = 0; i < o->n_prices; i++) {
		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "path", o->prices[i].path);
		cli_jw_time(w, "valid_from", o->prices[i].valid_from_ms);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
	cli_jw_bool(w, "default_book", o->n_prices == 0);
	cli_jw_int(w, "keys", (int64_t)llmcost_prices_count(a->prices));
	cli_jw_int(w, "diagnostics",
		   (int64_t)llmcost_prices_diag_count(a->prices));
	cli_json_diags(w, a);
	cli_jw_close(w, '}');
}


static const char *const cli_token_names[LLMCOST_T_COUNT] = {
	"input_tokens", "output_tokens", "cached_tokens",
	"cache_write_tokens", "cache_write_1h_tokens", "reasoning_tokens"
};


static void cli_json_stat_body(struct cli_jw *w, const struct cli_stat *s)
{
	char name[48];
	size_t i;

	cli_jw_int(w, "requests", s->requests);
	cli_jw_int(w, "priced_requests", s->priced);
	cli_jw_int(w, "unpriced_requests", s->unpriced);
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		cli_jw_int(w, cli_token_names[i], s->tokens[i]);
	cli_jw_int(w, "retries", s->retries);
	cli_jw_int(w, "errors", s->errors);
	cli_jw_money(w, "cost_usd", s->total);
	for (i = 0; i < LLMCOST_C_COUNT; i++) {
		snprintf(name, sizeof(name), "%s_cost_usd",
			 llmcost_component_name((int)i));
		cli_jw_money(w, name, s->component[i]);
	}
}


static void cli_json_view(struct cli_jw *w, const char *name,
			  const char *what, const struct cli_view *v)
{
	size_t i;

	cli_jw_open(w, name, '[');
	for (i = 0; i < v->n; i++) {
		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, what, v->v[i].overflow ? NULL : v->v[i].key);
		if (v->v[i].overflow)
			cli_jw_bool(w, "overflow", 1);
		cli_json_stat_body(w, &v->v[i]);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_days(struct cli_jw *w, const struct cli_audit *a)
{
	char day[40];
	size_t i;

	cli_jw_open(w, "by_day", '[');
	for (i = 0; i < a->day.n; i++) {
		const struct cli_stat *s = &a->day.v[i];

		cli_jw_open(w, NULL, '{');
		if (s->day_ms == LLMCOST_TIME_UNKNOWN) {
			cli_jw_str(w, "day", NULL);
		} else {
			cli_day_name(s->day_ms, day, sizeof(day));
			cli_jw_str(w, "day", day);
		}
		cli_json_stat_body(w, s);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_flags(struct cli_jw *w, const struct cli_audit *a)
{
	size_t i, j;

	cli_jw_open(w, "pricing_flags", '[');
	for (i = 0; i < CLI_N_FLAGS; i++) {
		const struct cli_flagged *f = &a->flags[i];

		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "flag", f->name);
		cli_jw_int(w, "rows", f->rows);
		cli_jw_int(w, "requests", f->requests);
		cli_jw_money(w, "cost_usd", f->cost);
		cli_jw_open(w, "notes", '[');
		for (j = 0; j < f->n_notes; j++)
			cli_jw_str(w, NULL, f->notes[j]);
		cli_jw_close(w, ']');
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_top_users(struct cli_jw *w, const struct cli_audit *a)
{
	size_t i;

	cli_jw_open(w, "top_users", '[');
	for (i = 0; i < a->team_user.n; i++) {
		const struct cli_stat *s = &a->team_user.v[i];

		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "team", s->overflow ? NULL : s->team);
		cli_jw_str(w, "user", s->overflow ? NULL : s->user);
		if (s->overflow)
			cli_jw_bool(w, "overflow", 1);
		cli_json_stat_body(w, s);
		cli_jw_half(w, "team_median_input_tokens_per_request",
			    s->median2);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_unpriced(struct cli_jw *w, const struct cli_audit *a)
{
	size_t i;

	cli_jw_open(w, "unpriced", '[');
	for (i = 0; i < a->n_unpriced; i++) {
		const struct cli_unpriced *u = &a->unpriced[i];

		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "model", u->model);
		cli_jw_int(w, "rows", u->rows);
		cli_jw_int(w, "requests", u->requests);
		cli_jw_int(w, "input_tokens", u->input_tokens);
		cli_jw_int(w, "output_tokens", u->output_tokens);
		cli_jw_str(w, "reason_code", cli_code_name(u->status));
		cli_jw_str(w, "reason", u->reason);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_rejects(struct cli_jw *w, const struct cli_audit *a)
{
	size_t i, j;

	cli_jw_open(w, "rejected", '[');
	for (i = 0; i < a->n_rejects; i++) {
		const struct cli_rejects *g = &a->rejects[i];

		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "reason_code", g->code);
		cli_jw_str(w, "what", g->what);
		cli_jw_int(w, "rows", g->rows);
		cli_jw_i128(w, "requests", g->requests);
		cli_jw_i128(w, "input_tokens", g->input_tokens);
		cli_jw_i128(w, "output_tokens", g->output_tokens);
		cli_jw_open(w, "examples", '[');
		for (j = 0; j < g->n_examples; j++)
			cli_jw_str(w, NULL, g->examples[j]);
		cli_jw_close(w, ']');
		cli_jw_str(w, "first_reason", g->first_reason);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


/* ours - reported, or null if it would not fit (the audit's budget keeps
 * it in range). */
static void cli_jw_difference(struct cli_jw *w, lc_i128 ours,
			      lc_i128 reported)
{
	lc_i128 d;

	if (__builtin_sub_overflow(ours, reported, &d))
		cli_jw_str(w, "difference_usd", NULL);
	else
		cli_jw_money(w, "difference_usd", d);
}


/* "input_usd_per_million": "10" for a rate the rows showed. */
static void cli_json_rate(struct cli_jw *w, const struct cli_rates *v,
			  int k)
{
	char key[64];

	if (v == NULL || !((v->have >> k) & 1u))
		return;
	snprintf(key, sizeof(key), "%s_usd_per_%s",
		 llmcost_component_name(k),
		 cli_rate_per_million(k) ? "million" : "unit");
	cli_jw_money(w, key, cli_rate_shown(k, v->rate[k]));
}


static void cli_json_rate_list(struct cli_jw *w, const struct cli_recon *r)
{
	size_t i;
	int k;

	cli_jw_open(w, "rates", '[');
	for (i = 0; i < r->n_rates; i++) {
		const struct cli_rates *v = &r->rates[i];

		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "price_key", v->price_key);
		cli_jw_time(w, "price_valid_from", v->valid_from_ms);
		cli_jw_str(w, "service_tier",
			   llmcost_service_tier_name((int)v->service_tier));
		cli_jw_bool(w, "long_context", v->long_context);
		cli_jw_int(w, "rows", v->rows);
		cli_jw_int(w, "differing_rows", v->differing_rows);
		for (k = 0; k < LLMCOST_C_COUNT; k++)
			cli_json_rate(w, v, k);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
	cli_jw_int(w, "rows_at_other_prices", r->other_rows);
}


static void cli_json_recon_row(struct cli_jw *w, const struct cli_recon *r)
{
	const struct cli_rates *main;
	char explain[2048];

	cli_recon_explain(r, explain, sizeof(explain));
	cli_jw_open(w, NULL, '{');
	cli_jw_str(w, "model", r->model);
	cli_jw_int(w, "rows", r->rows);
	cli_jw_int(w, "priced_rows", r->priced_rows);
	cli_jw_int(w, "unpriced_rows", r->unpriced_rows);
	cli_jw_int(w, "agreeing_rows", r->matching_rows);
	cli_jw_money(w, "ours_usd", r->ours);
	cli_jw_money(w, "reported_usd", r->reported);
	cli_jw_money(w, "reported_unpriced_usd", r->reported_unpriced);
	cli_jw_difference(w, r->ours, r->reported);
	main = cli_recon_main_rates(r);
	cli_jw_str(w, "price_key", main ? main->price_key : NULL);
	cli_json_rate(w, main, LLMCOST_C_INPUT);
	cli_json_rate(w, main, LLMCOST_C_OUTPUT);
	cli_json_rate_list(w, r);
	cli_jw_str(w, "explanation", explain);
	cli_jw_close(w, '}');
}


static void cli_json_recon(struct cli_jw *w, const struct cli_audit *a)
{
	struct cli_recon_sum sum;
	size_t i;

	if (!a->has_reported) {
		cli_jw_key(w, "reconciliation");
		cli_jw_str(w, NULL, NULL);
		return;
	}
	cli_jw_open(w, "reconciliation", '{');
	cli_jw_str(w, "reported_field", a->opts->paths[CLI_F_REPORTED_COST]);
	cli_jw_open(w, "models", '[');
	for (i = 0; i < a->n_recon; i++)
		cli_json_recon_row(w, &a->recon[i]);
	cli_jw_close(w, ']');
	if (cli_recon_sum(a, 0, a->n_recon, &sum) != 0) {
		w->failed = 1;
		cli_error("reconciliation totals out of range");
	}
	cli_jw_money(w, "ours_usd", sum.ours);
	cli_jw_money(w, "reported_usd", sum.reported);
	cli_jw_difference(w, sum.ours, sum.reported);
	cli_jw_close(w, '}');
}


/* The totals and the views: the audit's, not the gaps command's. */
static void cli_json_views(struct cli_jw *w, const struct cli_audit *a)
{
	cli_jw_open(w, "totals", '{');
	cli_json_stat_body(w, &a->total);
	if (cli_show_contracted(a)) {
		cli_jw_money(w, "list_cost_usd", a->total.total);
		cli_jw_money(w, "contracted_cost_usd", a->total.contracted);
		cli_jw_money(w, "effective_cost_usd", a->total.effective);
	}
	cli_jw_close(w, '}');
	if (a->snap == NULL)
		cli_json_flags(w, a);
	cli_json_view(w, "by_team", "team", &a->team);
	cli_json_view(w, "by_user", "user", &a->user);
	cli_json_view(w, "by_feature", "feature", &a->feature);
	cli_json_view(w, "by_model", "model", &a->model);
	cli_json_days(w, a);
	cli_json_top_users(w, a);
}


int cli_audit_json(const struct cli_audit *a, FILE *fp)
{
	struct cli_jw w;
	int failed;

	memset(&w, 0, sizeof(w));
	w.fp = fp;
	cli_jw_open(&w, NULL, '{');
	if (a->snap != NULL) {
		cli_snap_json_head(a, &w);
		cli_json_views(&w, a);
		cli_snap_json_heavy(a, &w);
	} else {
		cli_json_accounting(&w, a);
		cli_json_prices(&w, a);
		if (a->opts->command != CLI_CMD_GAPS)
			cli_json_views(&w, a);
		cli_gaps_json(a, &w);
		cli_json_unpriced(&w, a);
		cli_json_rejects(&w, a);
		if (a->opts->command != CLI_CMD_GAPS)
			cli_json_recon(&w, a);
		if (a->opts->spend_change_json != NULL) {
			cli_jw_key(&w, "spend_change");
			cli_jw_value_begin(&w);
			cli_buf_puts(&w.b, a->opts->spend_change_json);
		}
	}
	cli_jw_close(&w, '}');
	cli_buf_putc(&w.b, '\n');
	failed = w.b.failed;
	if (cli_buf_flush(&w.b, fp) || w.failed)
		failed = 1;
	cli_buf_free(&w.b);
	if (failed) {
		cli_error("writing the audit failed (out of memory or a write "
			  "error)");
		return CLI_EXIT_IO;
	}
	return CLI_EXIT_OK;
}
