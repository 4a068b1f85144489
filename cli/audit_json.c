/*
 * audit_json.c - the audit for machines: every number exact.
 *
 * Counts are JSON integers; money is a decimal string at full precision
 * ("0.028716"), never a binary float.  Ratios that are not exact (cost
 * per request, shares) are left for the reader to compute.
 */
#include <string.h>

#include "audit.h"

/* A writer that places commas: one "first item" bit per nesting level. */
struct cli_jw {
	FILE *fp;
	int depth;
	unsigned char first[32];
};


static void cli_jw_sep(struct cli_jw *w)
{
	if (w->depth > 0 && !w->first[w->depth])
		fputc(',', w->fp);
	if (w->depth > 0)
		w->first[w->depth] = 0;
}


static void cli_jw_key(struct cli_jw *w, const char *key)
{
	cli_jw_sep(w);
	cli_json_str(w->fp, key);
	fputc(':', w->fp);
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


static void cli_jw_open(struct cli_jw *w, const char *key, char bracket)
{
	if (key != NULL)
		cli_jw_key(w, key);
	cli_jw_value_begin(w);
	fputc(bracket, w->fp);
	if (w->depth + 1 < (int)sizeof(w->first))
		w->depth++;
	w->first[w->depth] = 1;
}


static void cli_jw_close(struct cli_jw *w, char bracket)
{
	fputc(bracket, w->fp);
	w->depth--;
}


static void cli_jw_int(struct cli_jw *w, const char *key, int64_t v)
{
	if (key != NULL)
		cli_jw_key(w, key);
	cli_jw_value_begin(w);
	fprintf(w->fp, "%lld", (long long)v);
}


static void cli_jw_bool(struct cli_jw *w, const char *key, int v)
{
	cli_jw_key(w, key);
	cli_jw_value_begin(w);
	fputs(v ? "true" : "false", w->fp);
}


static void cli_jw_str(struct cli_jw *w, const char *key, const char *s)
{
	if (key != NULL)
		cli_jw_key(w, key);
	cli_jw_value_begin(w);
	cli_json_str(w->fp, s);
}


static void cli_jw_money(struct cli_jw *w, const char *key, lc_i128 v)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cli_money_exact(v, buf, sizeof(buf));
	cli_jw_str(w, key, buf);
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
	cli_jw_int(w, "requests", c->rows);
	cli_jw_int(w, "priced", c->priced);
	cli_jw_int(w, "unpriced", c->unpriced);
	cli_jw_int(w, "rejected", c->rejected);
	cli_jw_time(w, "first_timestamp", a->first_ms);
	cli_jw_time(w, "last_timestamp", a->last_ms);
	cli_jw_close(w, '}');
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
		cli_jw_str(w, what, v->v[i].key);
		cli_json_stat_body(w, &v->v[i]);
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
		cli_jw_str(w, "team", s->team);
		cli_jw_str(w, "user", s->user);
		cli_json_stat_body(w, s);
		cli_jw_int(w, "team_median_input_tokens_per_request",
			   s->median_input);
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
		cli_jw_open(w, "examples", '[');
		for (j = 0; j < g->n_examples; j++)
			cli_jw_str(w, NULL, g->examples[j]);
		cli_jw_close(w, ']');
		cli_jw_str(w, "first_reason", g->first_reason);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_recon_row(struct cli_jw *w, const struct cli_recon *r)
{
	char explain[1024];

	cli_recon_explain(r, explain, sizeof(explain));
	cli_jw_open(w, NULL, '{');
	cli_jw_str(w, "model", r->model);
	cli_jw_int(w, "requests", r->rows);
	cli_jw_int(w, "priced_requests", r->priced_rows);
	cli_jw_int(w, "unpriced_requests", r->unpriced_rows);
	cli_jw_int(w, "agreeing_requests", r->matching_rows);
	cli_jw_money(w, "ours_usd", r->ours);
	cli_jw_money(w, "reported_usd", r->reported);
	cli_jw_money(w, "reported_unpriced_usd", r->reported_unpriced);
	cli_jw_money(w, "difference_usd", r->ours - r->reported);
	cli_jw_str(w, "price_key", r->price_key);
	if (r->have_rates) {
		cli_jw_money(w, "input_usd_per_million", r->rate_in);
		cli_jw_money(w, "output_usd_per_million", r->rate_out);
	}
	cli_jw_str(w, "explanation", explain);
	cli_jw_close(w, '}');
}


static void cli_json_recon(struct cli_jw *w, const struct cli_audit *a)
{
	lc_i128 ours = 0, reported = 0;
	size_t i;

	if (!a->has_reported) {
		cli_jw_key(w, "reconciliation");
		cli_jw_str(w, NULL, NULL);
		return;
	}
	cli_jw_open(w, "reconciliation", '{');
	cli_jw_str(w, "reported_field", a->opts->paths[CLI_F_REPORTED_COST]);
	cli_jw_open(w, "models", '[');
	for (i = 0; i < a->n_recon; i++) {
		cli_json_recon_row(w, &a->recon[i]);
		ours += a->recon[i].ours;
		reported += a->recon[i].reported;
	}
	cli_jw_close(w, ']');
	cli_jw_money(w, "ours_usd", ours);
	cli_jw_money(w, "reported_usd", reported);
	cli_jw_money(w, "difference_usd", ours - reported);
	cli_jw_close(w, '}');
}


int cli_audit_json(const struct cli_audit *a, FILE *fp)
{
	struct cli_jw w;

	memset(&w, 0, sizeof(w));
	w.fp = fp;
	cli_jw_open(&w, NULL, '{');
	cli_json_accounting(&w, a);
	cli_json_prices(&w, a);
	cli_jw_open(&w, "totals", '{');
	cli_json_stat_body(&w, &a->total);
	cli_jw_close(&w, '}');
	cli_json_view(&w, "by_team", "team", &a->team);
	cli_json_view(&w, "by_user", "user", &a->user);
	cli_json_view(&w, "by_feature", "feature", &a->feature);
	cli_json_view(&w, "by_model", "model", &a->model);
	cli_json_top_users(&w, a);
	cli_json_unpriced(&w, a);
	cli_json_rejects(&w, a);
	cli_json_recon(&w, a);
	cli_jw_close(&w, '}');
	fputc('\n', fp);
	return CLI_EXIT_OK;
}
