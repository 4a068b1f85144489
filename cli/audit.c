/*
 * audit.c - `llmcost audit`: collect the rows, then build the views.
 *
 * Priced and unpriced rows go into a library rollup (keyed by team, user,
 * feature, model and UTC day); the views by team, user, feature and model
 * are sums over its groups.  Beside it the audit keeps what the rollup
 * does not: why models are unpriced, rejected rows by reason, and the
 * reconciliation against a logged cost.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

/* Rows of the top-user table. */
#define CLI_TOP_USERS 10


const char *cli_code_name(int status)
{
	return llmcost_status_name(status);
}


/* ---- views ---------------------------------------------------------- */

static struct cli_stat *cli_view_get(struct cli_view *v, const char *key,
				     size_t len)
{
	const char *stored;
	uint32_t pos;

	if (v->index == NULL && (v->index = lc_map_new()) == NULL)
		return NULL;
	if (lc_map_get(v->index, key, len, &pos))
		return &v->v[pos];
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct cli_stat *grown = realloc(v->v, cap * sizeof(*grown));

		if (grown == NULL)
			return NULL;
		v->v = grown;
		v->cap = cap;
	}
	if (lc_map_put(v->index, key, len, (uint32_t)v->n, &stored))
		return NULL;
	memset(&v->v[v->n], 0, sizeof(v->v[v->n]));
	v->v[v->n].key = stored;
	return &v->v[v->n++];
}


static int cli_stat_add(struct cli_stat *s, const llmcost_group *g)
{
	size_t i;

	s->requests += g->requests;
	s->priced += g->priced_requests;
	s->unpriced += g->unpriced_requests;
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		s->tokens[i] += g->tokens[i];
	s->retries += g->retries;
	s->errors += g->errors;
	if (lc_i128_add(s->total, lc_money_to_i128(g->total), &s->total))
		return -1;
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		if (lc_i128_add(s->component[i],
				lc_money_to_i128(g->component[i]),
				&s->component[i]))
			return -1;
	return 0;
}


static int cli_view_add(struct cli_view *v, const char *key,
			const llmcost_group *g)
{
	struct cli_stat *s = cli_view_get(v, key, strlen(key));

	return s == NULL ? -1 : cli_stat_add(s, g);
}


static int cli_team_user_add(struct cli_view *v, const llmcost_group *g)
{
	const char *team = g->key[LLMCOST_DIM_TEAM];
	const char *user = g->key[LLMCOST_DIM_USER];
	size_t nt = strlen(team), nu = strlen(user);
	char *key = malloc(nt + nu + 2);
	struct cli_stat *s;

	if (key == NULL)
		return -1;
	memcpy(key, team, nt);
	key[nt] = '\x1f';
	memcpy(key + nt + 1, user, nu + 1);
	s = cli_view_get(v, key, nt + nu + 1);
	free(key);
	if (s == NULL)
		return -1;
	s->team = team;
	s->user = user;
	return cli_stat_add(s, g);
}


static int cli_cmp_stat(const void *pa, const void *pb)
{
	const struct cli_stat *a = pa, *b = pb;

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	if (a->requests != b->requests)
		return a->requests > b->requests ? -1 : 1;
	return strcmp(a->key, b->key);
}


void cli_view_sort(struct cli_view *v)
{
	if (v->n > 1)
		qsort(v->v, v->n, sizeof(*v->v), cli_cmp_stat);
}


lc_i128 cli_stat_per_request(const struct cli_stat *s)
{
	return s->priced > 0 ? s->total / s->priced : 0;
}


static int cli_views_build(struct cli_audit *a)
{
	size_t i, n = llmcost_rollup_count(a->rollup);
	llmcost_group g;

	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_rollup_group(a->rollup, i, &g) != LLMCOST_OK)
			return -1;
		if (cli_stat_add(&a->total, &g) ||
		    cli_view_add(&a->team, g.key[LLMCOST_DIM_TEAM], &g) ||
		    cli_view_add(&a->user, g.key[LLMCOST_DIM_USER], &g) ||
		    cli_view_add(&a->feature, g.key[LLMCOST_DIM_FEATURE],
				 &g) ||
		    cli_view_add(&a->model, g.key[LLMCOST_DIM_MODEL], &g) ||
		    cli_team_user_add(&a->team_user, &g))
			return -1;
	}
	a->total.key = "total";
	return 0;
}


/* ---- the team median of prompt size --------------------------------- */

static int64_t cli_input_per_request(const struct cli_stat *s)
{
	return s->requests > 0 ? s->tokens[LLMCOST_T_INPUT] / s->requests : 0;
}


static int cli_cmp_team_input(const void *pa, const void *pb)
{
	const struct cli_stat *a = pa, *b = pb;
	int64_t x = cli_input_per_request(a), y = cli_input_per_request(b);
	int c = strcmp(a->team, b->team);

	if (c != 0)
		return c;
	return (x > y) - (x < y);
}


/* Sets median_input of every (team, user) to its team's median of input
 * tokens per request. */
static void cli_team_medians(struct cli_view *v)
{
	size_t i = 0, j, k;
	int64_t median;

	if (v->n > 1)
		qsort(v->v, v->n, sizeof(*v->v), cli_cmp_team_input);
	while (i < v->n) {
		for (j = i; j < v->n && strcmp(v->v[j].team, v->v[i].team) ==
		     0; j++)
			;
		k = i + (j - i) / 2;
		median = cli_input_per_request(&v->v[k]);
		if ((j - i) % 2 == 0)
			median = (median +
				  cli_input_per_request(&v->v[k - 1])) / 2;
		for (k = i; k < j; k++)
			v->v[k].median_input = median;
		i = j;
	}
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
	u->requests += r->req->rec.request_count;
	u->input_tokens += r->req->rec.input_tokens;
	u->output_tokens += r->req->rec.output_tokens;
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


static int cli_note_rejected(struct cli_audit *a, const struct cli_result *r)
{
	struct cli_rejects *g = cli_reject_group(a, r);

	if (g == NULL)
		return -1;
	g->rows++;
	if (g->n_examples < CLI_EXAMPLES) {
		g->examples[g->n_examples] = strdup(r->source);
		if (g->examples[g->n_examples] == NULL)
			return -1;
		g->n_examples++;
	}
	return 0;
}


/* ---- reconciliation ------------------------------------------------- */

static struct cli_recon *cli_recon_get(struct cli_audit *a, const char *model)
{
	struct cli_recon *r;
	const char *stored;
	uint32_t pos;

	if (lc_map_get(a->recon_index, model, strlen(model), &pos))
		return &a->recon[pos];
	r = realloc(a->recon, (a->n_recon + 1) * sizeof(*r));
	if (r == NULL)
		return NULL;
	a->recon = r;
	if (lc_map_put(a->recon_index, model, strlen(model),
		       (uint32_t)a->n_recon, &stored))
		return NULL;
	r = &a->recon[a->n_recon++];
	memset(r, 0, sizeof(*r));
	r->model = stored;
	r->last_ms = LLMCOST_TIME_UNKNOWN;
	return r;
}


static lc_i128 cli_abs(lc_i128 v)
{
	return v < 0 ? -v : v;
}


static int cli_recon_priced(struct cli_recon *r, lc_i128 ours,
			    lc_i128 reported)
{
	r->priced_rows++;
	if (lc_i128_add(r->ours, ours, &r->ours))
		return -1;
	if (cli_abs(ours - reported) <= CLI_RECON_TOLERANCE) {
		r->matching_rows++;
		return 0;
	}
	if (lc_i128_add(r->ours_differing, ours, &r->ours_differing) ||
	    lc_i128_add(r->reported_differing, reported,
			&r->reported_differing))
		return -1;
	return 0;
}


static int cli_recon_unpriced(struct cli_recon *r, const char *reason,
			      lc_i128 reported)
{
	r->unpriced_rows++;
	if (r->reason == NULL && (r->reason = strdup(reason)) == NULL)
		return -1;
	return lc_i128_add(r->reported_unpriced, reported,
			   &r->reported_unpriced) ? -1 : 0;
}


static int cli_note_recon(struct cli_audit *a, const struct cli_result *res)
{
	const llmcost_record *rec = &res->req->rec;
	struct cli_recon *r;
	lc_i128 reported = res->req->reported;

	a->has_reported = 1;
	r = cli_recon_get(a, rec->model ? rec->model : "");
	if (r == NULL)
		return -1;
	r->rows++;
	if (lc_i128_add(r->reported, reported, &r->reported))
		return -1;
	if (rec->provider != NULL && r->provider == NULL &&
	    (r->provider = strdup(rec->provider)) == NULL)
		return -1;
	if (rec->timestamp_ms != LLMCOST_TIME_UNKNOWN &&
	    (r->last_ms == LLMCOST_TIME_UNKNOWN || rec->timestamp_ms >
	     r->last_ms))
		r->last_ms = rec->timestamp_ms;
	if (res->outcome == CLI_PRICED) {
		r->price_key = res->cost->price_key;
		return cli_recon_priced(r, lc_money_to_i128(res->cost->total),
					reported);
	}
	return cli_recon_unpriced(r, res->reason, reported);
}


/* Our per-million rate for one bucket: the price of a thousand tokens,
 * times a thousand.  A thousand tokens stays below every long-context
 * threshold, so the base rate is shown, exactly. */
static int cli_rate(const struct cli_audit *a, const struct cli_recon *r,
		    int output, lc_i128 *rate)
{
	llmcost_record rec;
	llmcost_cost cost;

	llmcost_record_init(&rec);
	rec.model = r->model;
	rec.provider = r->provider;
	rec.timestamp_ms = r->last_ms;
	rec.input_tokens = output ? 0 : 1000;
	rec.output_tokens = output ? 1000 : 0;
	llmcost_cost_init(&cost);
	if (llmcost_price(a->prices, &rec, &cost) != LLMCOST_OK)
		return -1;
	return lc_i128_mul(lc_money_to_i128(cost.total), 1000, rate);
}


static void cli_recon_rates(struct cli_audit *a)
{
	size_t i;

	for (i = 0; i < a->n_recon; i++) {
		struct cli_recon *r = &a->recon[i];

		if (r->priced_rows == 0)
			continue;
		r->have_rates = cli_rate(a, r, 0, &r->rate_in) == 0 &&
				cli_rate(a, r, 1, &r->rate_out) == 0;
	}
}


static void cli_append(char *buf, size_t size, const char *fmt, ...)
	LC_PRINTF(3, 4);

static void cli_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}


/* reported / ours as "1.25" (two decimals, rounded down). */
static void cli_ratio(lc_i128 num, lc_i128 den, char *buf, size_t size)
{
	lc_i128 r;

	if (den <= 0 || num < 0 || lc_i128_mul(num, 100, &r)) {
		snprintf(buf, size, "n/a");
		return;
	}
	r /= den;
	snprintf(buf, size, "%lld.%02lld", (long long)(r / 100),
		 (long long)(r % 100));
}


static void cli_explain_priced(const struct cli_recon *r, char *buf,
			       size_t size)
{
	char in[LLMCOST_MONEY_STRLEN], out[LLMCOST_MONEY_STRLEN], q[32];

	if (r->matching_rows == r->priced_rows) {
		cli_append(buf, size, "reported agrees with our price on "
			   "every priced request");
		return;
	}
	cli_append(buf, size, "reported differs from our price on %lld of "
		   "%lld priced requests",
		   (long long)(r->priced_rows - r->matching_rows),
		   (long long)r->priced_rows);
	if (r->have_rates) {
		cli_money_exact(r->rate_in, in, sizeof(in));
		cli_money_exact(r->rate_out, out, sizeof(out));
		cli_append(buf, size, ": ours $%s/$%s per M input/output "
			   "tokens (key %s)", in, out,
			   r->price_key ? r->price_key : "?");
	}
	cli_ratio(r->reported_differing, r->ours_differing, q, sizeof(q));
	cli_append(buf, size, "; on those, reported/ours = %s", q);
}


void cli_recon_explain(const struct cli_recon *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (r->unpriced_rows == r->rows) {
		cli_append(buf, size, "not priced: %s", r->reason);
		return;
	}
	if (r->unpriced_rows > 0)
		cli_append(buf, size, "%lld of %lld requests not priced "
			   "(%s); ", (long long)r->unpriced_rows,
			   (long long)r->rows, r->reason);
	cli_explain_priced(r, buf, size);
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


static int cli_audit_row(void *ctx, const struct cli_result *res)
{
	struct cli_audit *a = ctx;
	int rc;

	if (res->outcome == CLI_REJECTED)
		rc = cli_note_rejected(a, res);
	else
		rc = llmcost_rollup_add(a->rollup, &res->req->rec, res->cost)
		     == LLMCOST_OK ? 0 : -1;
	if (rc == 0 && res->outcome == CLI_UNPRICED)
		rc = cli_note_unpriced(a, res);
	if (rc == 0 && res->outcome != CLI_REJECTED)
		cli_note_time(a, res->req->rec.timestamp_ms);
	if (rc == 0 && res->outcome != CLI_REJECTED && res->req->has_reported)
		rc = cli_note_recon(a, res);
	if (rc != 0) {
		cli_error("%s: %s", res->source, llmcost_last_error()[0] ?
			  llmcost_last_error() : "out of memory");
		a->failed = 1;
		return CLI_EXIT_IO;
	}
	return 0;
}


/* ---- setup and teardown --------------------------------------------- */

static void cli_view_free(struct cli_view *v)
{
	lc_map_free(v->index);
	free(v->v);
}


static void cli_audit_free(struct cli_audit *a)
{
	size_t i, j;

	llmcost_rollup_free(a->rollup);
	cli_view_free(&a->team);
	cli_view_free(&a->user);
	cli_view_free(&a->feature);
	cli_view_free(&a->model);
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
	for (i = 0; i < a->n_recon; i++) {
		free(a->recon[i].provider);
		free(a->recon[i].reason);
	}
	free(a->recon);
	lc_map_free(a->unpriced_index);
	lc_map_free(a->reject_index);
	lc_map_free(a->recon_index);
	free(a);
}


static struct cli_audit *cli_audit_new(const struct cli_opts *o,
				       const llmcost_prices *prices)
{
	struct cli_audit *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->opts = o;
	a->prices = prices;
	a->first_ms = LLMCOST_TIME_UNKNOWN;
	a->last_ms = LLMCOST_TIME_UNKNOWN;
	a->unpriced_index = lc_map_new();
	a->reject_index = lc_map_new();
	a->recon_index = lc_map_new();
	if (llmcost_rollup_new(&a->rollup) != LLMCOST_OK ||
	    a->unpriced_index == NULL || a->reject_index == NULL ||
	    a->recon_index == NULL) {
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


/* Largest difference first, then the most requests. */
static int cli_cmp_recon(const void *pa, const void *pb)
{
	const struct cli_recon *a = pa, *b = pb;
	lc_i128 x = cli_abs(a->ours - a->reported);
	lc_i128 y = cli_abs(b->ours - b->reported);

	if (x != y)
		return x > y ? -1 : 1;
	if (a->rows != b->rows)
		return a->rows > b->rows ? -1 : 1;
	return strcmp(a->model, b->model);
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
	if (a->n_recon > 1)
		qsort(a->recon, a->n_recon, sizeof(*a->recon),
		      cli_cmp_recon);
	cli_view_sort(&a->team);
	cli_view_sort(&a->user);
	cli_view_sort(&a->feature);
	cli_view_sort(&a->model);
	cli_team_medians(&a->team_user);
	cli_view_sort(&a->team_user);
	if (a->team_user.n > CLI_TOP_USERS)
		a->team_user.n = CLI_TOP_USERS;
	cli_recon_rates(a);
}


static int cli_audit_write(const struct cli_opts *o, struct cli_audit *a)
{
	FILE *fp = cli_out_open(o);
	int rc, close_rc;

	if (fp == NULL)
		return CLI_EXIT_IO;
	if (o->format == CLI_FMT_JSON)
		rc = cli_audit_json(a, fp);
	else
		rc = cli_audit_text(a, fp);
	close_rc = cli_out_close(o, fp);
	return rc != CLI_EXIT_OK ? rc : close_rc;
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
	if (rc == CLI_EXIT_OK && cli_views_build(a) != 0) {
		cli_error("summing the rollup failed: %s",
			  llmcost_last_error());
		rc = CLI_EXIT_IO;
	}
	if (rc == CLI_EXIT_OK) {
		cli_audit_finish(a);
		rc = cli_audit_write(o, a);
	}
	cli_audit_free(a);
	return rc;
}
