/*
 * report.c - `llmcost report`: reads the logs (and --baseline logs) into
 * sums and hands them to the page writer (report_html.c).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"


static const char *cli_rintern(struct cli_rdata *d, const char *s)
{
	if (s == NULL)
		s = "";
	return lc_map_intern(d->strings, s, strlen(s));
}


/* The stat for key (and team, and day), made if new; NULL when out of
 * memory.  The map key holds every part with its length. */
static struct cli_rstat *cli_rview_at(struct cli_rview *v, const char *key,
				      const char *team, int64_t day)
{
	struct cli_buf k = { NULL, 0, 0, 0 };
	struct cli_rstat *grown, *s = NULL;
	uint32_t at;
	size_t kn = strlen(key), tn = team ? strlen(team) : 0;

	cli_buf_put(&k, (const char *)&day, sizeof(day));
	cli_buf_put(&k, (const char *)&kn, sizeof(kn));
	cli_buf_put(&k, key, kn);
	cli_buf_put(&k, team ? team : "", tn);
	if (k.failed)
		goto out;
	if (lc_map_get(v->index, k.p, k.len, &at)) {
		s = &v->v[at];
		goto out;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;

		grown = realloc(v->v, cap * sizeof(*grown));
		if (grown == NULL)
			goto out;
		v->v = grown;
		v->cap = cap;
	}
	if (lc_map_put(v->index, k.p, k.len, (uint32_t)v->n, NULL) !=
	    LLMCOST_OK)
		goto out;
	s = &v->v[v->n++];
	memset(s, 0, sizeof(*s));
	llmcost_diff_side_init(&s->side);
	s->side.active_users = 0;
	s->key = key;
	s->team = team;
	s->day = day;
out:
	cli_buf_free(&k);
	return s;
}


const struct cli_rstat *cli_rview_get(const struct cli_rview *v,
				      const char *key)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->v[i].key, key) == 0)
			return &v->v[i];
	return NULL;
}


static int cli_rstat_cmp(const void *pa, const void *pb)
{
	const struct cli_rstat *a = *(struct cli_rstat *const *)pa;
	const struct cli_rstat *b = *(struct cli_rstat *const *)pb;
	int d;

	if (a->cost != b->cost)
		return a->cost > b->cost ? -1 : 1;
	d = strcmp(a->key, b->key);
	if (d != 0)
		return d;
	return strcmp(a->team ? a->team : "", b->team ? b->team : "");
}


struct cli_rstat **cli_rview_sorted(const struct cli_rview *v)
{
	struct cli_rstat **s = malloc((v->n ? v->n : 1) * sizeof(*s));
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < v->n; i++)
		s[i] = &v->v[i];
	qsort(s, v->n, sizeof(*s), cli_rstat_cmp);
	return s;
}


static int cli_radd(struct cli_rstat *s, int64_t requests, lc_i128 cost)
{
	if (s == NULL)
		return -1;
	s->requests += requests;
	s->cost += cost;
	return 0;
}


static int cli_empty(const char *s)
{
	return s == NULL || *s == '\0';
}


/* Input-side and output-side components, as llmcost_diff_side_add()
 * splits a group's. */
static void cli_rside_add(struct cli_rstat *s, const llmcost_record *rec,
			  const llmcost_cost *cost)
{
	static const int in[] = {
		LLMCOST_C_INPUT, LLMCOST_C_CACHE_READ, LLMCOST_C_CACHE_WRITE_5M,
		LLMCOST_C_CACHE_WRITE_1H, LLMCOST_C_INPUT_AUDIO,
		LLMCOST_C_INPUT_IMAGE, LLMCOST_C_INPUT_VIDEO
	};
	static const int out[] = {
		LLMCOST_C_OUTPUT, LLMCOST_C_REASONING, LLMCOST_C_OUTPUT_AUDIO,
		LLMCOST_C_OUTPUT_IMAGE
	};
	llmcost_diff_side *d = &s->side;
	lc_i128 v;
	size_t i;

	d->requests += rec->request_count;
	d->retries += rec->retry_count;
	d->errors += rec->status_code >= 400 ||
		     (rec->flags & LLMCOST_RECORD_FAILED);
	d->input_tokens += rec->input_tokens;
	d->output_tokens += rec->output_tokens;
	d->cost = lc_money_from_i128(lc_money_to_i128(d->cost) +
				     lc_money_to_i128(cost->total));
	for (i = 0, v = lc_money_to_i128(d->input_cost); i < 7; i++)
		v += lc_money_to_i128(cost->component[in[i]]);
	d->input_cost = lc_money_from_i128(v);
	for (i = 0, v = lc_money_to_i128(d->output_cost); i < 4; i++)
		v += lc_money_to_i128(cost->component[out[i]]);
	d->output_cost = lc_money_from_i128(v);
}


static void cli_rgaps_add(struct cli_rdata *d, const llmcost_record *rec,
			  int64_t requests, lc_i128 cost)
{
	int missing[CLI_RGAPS];
	int i;

	missing[0] = cli_empty(rec->team_id);
	missing[1] = cli_empty(rec->user_id) && cli_empty(rec->tenant_id);
	missing[2] = cli_empty(rec->feature_name);
	for (i = 0; i < CLI_RGAPS; i++) {
		if (!missing[i])
			continue;
		d->gaps[i].requests += requests;
		d->gaps[i].cost += cost;
	}
}


/* Sums stay far below the 128-bit range: a row's cost is checked by the
 * library, and 2^63 rows of at most 2^64 units each fit. */
static int cli_rdata_priced(struct cli_rdata *d, const struct cli_result *res)
{
	const llmcost_record *rec = &res->req->rec;
	lc_i128 cost = lc_money_to_i128(res->cost->total);
	int64_t n = rec->request_count, day;
	struct cli_rstat *s, *ts;
	const char *model;
	const char *team = cli_rintern(d, rec->team_id);
	const char *user = cli_rintern(d, rec->user_id ? rec->user_id :
				       rec->tenant_id);
	int rc = 0;

	if (team == NULL || user == NULL)
		return -1;
	d->requests += n;
	d->cost += cost;
	d->input_tokens += rec->input_tokens;
	d->output_tokens += rec->output_tokens;
	cli_rgaps_add(d, rec, n, cost);
	ts = cli_rview_at(&d->teams, team, NULL, 0);
	rc |= cli_radd(ts, n, cost);
	if (ts != NULL)
		cli_rside_add(ts, rec, res->cost);
	model = cli_rintern(d, rec->model);
	rc |= cli_radd(cli_rview_at(&d->models, model, NULL, 0), n, cost);
	rc |= cli_radd(cli_rview_at(&d->team_models, model, team, 0), n,
		       cost);
	s = cli_rview_at(&d->users, user, team, 0);
	if (ts != NULL && s != NULL && s->requests == 0 && user[0] != '\0')
		ts->side.active_users++;
	rc |= cli_radd(s, n, cost);
	if (rec->timestamp_ms == LLMCOST_TIME_UNKNOWN) {
		d->untimed++;
		return rc;
	}
	day = lc_time_day_start(rec->timestamp_ms) / 86400000;
	if (!d->has_days || day < d->first_day)
		d->first_day = day;
	if (!d->has_days || day > d->last_day)
		d->last_day = day;
	d->has_days = 1;
	rc |= cli_radd(cli_rview_at(&d->cells, team, NULL, day), n, cost);
	return rc;
}


static int cli_rdata_row(void *ctx, struct cli_result *res)
{
	struct cli_rdata *d = ctx;

	if (res->outcome == CLI_UNPRICED)
		d->unpriced_requests += res->req->rec.request_count;
	if (res->outcome != CLI_PRICED)
		return CLI_EXIT_OK;
	if (cli_rdata_priced(d, res) != 0) {
		cli_error("%s: out of memory", res->source);
		return CLI_EXIT_IO;
	}
	return CLI_EXIT_OK;
}


static void cli_rview_free(struct cli_rview *v)
{
	lc_map_free(v->index);
	free(v->v);
}


void cli_rdata_free(struct cli_rdata *d)
{
	lc_map_free(d->strings);
	cli_rview_free(&d->teams);
	cli_rview_free(&d->models);
	cli_rview_free(&d->users);
	cli_rview_free(&d->cells);
	cli_rview_free(&d->team_models);
	memset(d, 0, sizeof(*d));
}


static int cli_rdata_init(struct cli_rdata *d)
{
	memset(d, 0, sizeof(*d));
	d->strings = lc_map_new();
	d->teams.index = lc_map_new();
	d->models.index = lc_map_new();
	d->users.index = lc_map_new();
	d->cells.index = lc_map_new();
	d->team_models.index = lc_map_new();
	d->gaps[0].what = "team";
	d->gaps[1].what = "user or tenant";
	d->gaps[2].what = "feature";
	return d->strings && d->teams.index && d->models.index &&
	       d->users.index && d->cells.index && d->team_models.index ?
	       0 : -1;
}


int cli_rdata_read(const struct cli_opts *o, const llmcost_prices *prices,
		   int baseline, struct cli_rdata *d)
{
	struct cli_opts copy = *o;
	struct cli_sink sink = { d, cli_rdata_row };

	if (cli_rdata_init(d) != 0) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	if (baseline) {
		copy.files = (char **)o->baseline;
		copy.n_files = o->n_baseline;
	}
	return cli_run(&copy, prices, &sink, &d->counts);
}


int cli_report(const struct cli_opts *o, const llmcost_prices *prices)
{
	struct cli_rdata now, base;
	int rc, with_base = o->n_baseline > 0;

	memset(&base, 0, sizeof(base));
	rc = cli_rdata_read(o, prices, 0, &now);
	if (rc == CLI_EXIT_OK && with_base)
		rc = cli_rdata_read(o, prices, 1, &base);
	if (rc == CLI_EXIT_OK)
		rc = cli_report_write(o, &now, with_base ? &base : NULL);
	cli_rdata_free(&now);
	cli_rdata_free(&base);
	return rc;
}
