/*
 * audit_views.c - the audit's views: sums of the rollup's groups by team,
 * user, feature, model, UTC day and (team, user), and the team medians of
 * prompt size.
 *
 * Every sum is checked, although the audit's budget (audit.c) already
 * keeps each of them in range.  From snapshots there is no budget (their
 * sums were made elsewhere), so the checks are what stop a merged sum
 * that does not fit.
 *
 * A capped grouping sends the groups past its cap to an overflow group
 * whose keys are all "".  Those rows are kept apart under a map key no
 * value can have (it starts with a NUL byte) and shown as "(overflow)",
 * never added to the row of a team or user whose value is "".
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"


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
	v->v[v->n].median2 = -1;
	return &v->v[v->n++];
}


void cli_view_free(struct cli_view *v)
{
	lc_map_free(v->index);
	free(v->v);
}


static int cli_add64(int64_t *sum, int64_t v)
{
	return __builtin_add_overflow(*sum, v, sum) ? -1 : 0;
}


/* The token sums by llmcost_tokens, for the error that one overflows. */
static const char *const cli_token_sums[LLMCOST_T_COUNT] = {
	"input tokens", "output tokens", "cached tokens",
	"cache write (5m) tokens", "cache write (1h) tokens",
	"reasoning tokens"
};


/* The name of the count that would overflow, or NULL. */
static const char *cli_stat_counts(struct cli_stat *s, const llmcost_group *g)
{
	size_t i;

	if (cli_add64(&s->requests, g->requests))
		return "requests";
	if (cli_add64(&s->priced, g->priced_requests))
		return "priced requests";
	if (cli_add64(&s->unpriced, g->unpriced_requests))
		return "unpriced requests";
	if (cli_add64(&s->retries, g->retries))
		return "retries";
	if (cli_add64(&s->errors, g->errors))
		return "errors";
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		if (cli_add64(&s->tokens[i], g->tokens[i]))
			return cli_token_sums[i];
	return NULL;
}


/* Adds a group to a row; the name of the sum that would overflow, or
 * NULL.  The row may be part-added then: the audit stops. */
static const char *cli_stat_add(struct cli_stat *s, const llmcost_group *g)
{
	const char *bad = cli_stat_counts(s, g);
	size_t i;

	if (bad != NULL)
		return bad;
	if (lc_i128_add(s->total, lc_money_to_i128(g->total), &s->total))
		return "cost";
	if (lc_i128_add(s->contracted, lc_money_to_i128(g->contracted_cost),
			&s->contracted))
		return "contracted cost";
	if (lc_i128_add(s->effective, lc_money_to_i128(g->effective_cost),
			&s->effective))
		return "effective cost";
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		if (lc_i128_add(s->component[i],
				lc_money_to_i128(g->component[i]),
				&s->component[i]))
			return llmcost_component_name((int)i);
	return NULL;
}


/* Records which sum of which row of which view would overflow, for the
 * error; -2. */
static int cli_view_overflows(struct cli_audit *a, const char *view,
			      const struct cli_stat *row, const char *sum)
{
	a->bad_view = view;
	a->bad_row = row->key;
	a->bad_sum = sum;
	return -2;
}


/* The map key of the overflow row: a NUL byte first, which no value
 * read from a record holds. */
static const char cli_overflow_map_key[] = "\0" CLI_OVERFLOW_KEY;
#define CLI_OVERFLOW_MAP_LEN (sizeof(cli_overflow_map_key) - 1)


static struct cli_stat *cli_view_overflow(struct cli_view *v)
{
	struct cli_stat *s = cli_view_get(v, cli_overflow_map_key,
					  CLI_OVERFLOW_MAP_LEN);

	if (s == NULL)
		return NULL;
	s->key = CLI_OVERFLOW_KEY;
	s->overflow = 1;
	return s;
}


/* -1 out of memory, -2 if a sum would overflow (see a->bad_sum). */
static int cli_view_add(struct cli_audit *a, struct cli_view *v,
			const char *view, const char *key,
			const llmcost_group *g)
{
	struct cli_stat *s;
	const char *bad;

	if (g->flags & LLMCOST_GROUP_OVERFLOW)
		s = cli_view_overflow(v);
	else
		s = cli_view_get(v, key, strlen(key));
	if (s == NULL)
		return -1;
	bad = cli_stat_add(s, g);
	return bad == NULL ? 0 : cli_view_overflows(a, view, s, bad);
}


void cli_day_name(int64_t day_ms, char *buf, size_t size)
{
	if (day_ms == LLMCOST_TIME_UNKNOWN ||
	    lc_time_format(day_ms, buf, size) < 10)
		snprintf(buf, size, "(no time)");
	else
		buf[10] = '\0';
}


static int cli_day_add(struct cli_audit *a, const llmcost_group *g)
{
	char day[40];
	struct cli_stat *s;
	const char *bad;

	cli_day_name(g->day_start_ms, day, sizeof(day));
	s = cli_view_get(&a->day, day, strlen(day));
	if (s == NULL)
		return -1;
	s->day_ms = g->day_start_ms;
	bad = cli_stat_add(s, g);
	return bad == NULL ? 0 : cli_view_overflows(a, "day", s, bad);
}


/* Keyed by the exact pair: the team's length, the team, then the user,
 * so that no two pairs share a key whatever bytes they hold. */
static int cli_team_user_add(struct cli_audit *a, const llmcost_group *g)
{
	struct cli_view *v = &a->team_user;
	const char *team = g->key[LLMCOST_DIM_TEAM];
	const char *user = g->key[LLMCOST_DIM_USER];
	size_t nt = strlen(team), nu = strlen(user);
	char prefix[24], *key;
	struct cli_stat *s;
	const char *bad;
	int np;

	if (g->flags & LLMCOST_GROUP_OVERFLOW) {
		s = cli_view_overflow(v);
		if (s == NULL)
			return -1;
		s->team = CLI_OVERFLOW_KEY;
		s->user = CLI_OVERFLOW_KEY;
		bad = cli_stat_add(s, g);
		return bad == NULL ? 0 :
		       cli_view_overflows(a, "team and user", s, bad);
	}
	np = snprintf(prefix, sizeof(prefix), "%zu:", nt);
	key = malloc((size_t)np + nt + nu + 1);
	if (key == NULL)
		return -1;
	memcpy(key, prefix, (size_t)np);
	memcpy(key + np, team, nt);
	memcpy(key + np + nt, user, nu + 1);
	s = cli_view_get(v, key, (size_t)np + nt + nu);
	free(key);
	if (s == NULL)
		return -1;
	s->team = team;
	s->user = user;
	bad = cli_stat_add(s, g);
	if (bad == NULL)
		return 0;
	a->bad_view = "team and user";
	a->bad_row = user;
	a->bad_sum = bad;
	return -2;
}


/* Group number i of the rollup or of the snapshot; 0 if the views skip
 * it (another grouping of the snapshot), 1 if read, -1 on failure. */
static int cli_views_group(const struct cli_audit *a, size_t i,
			   llmcost_group *g)
{
	llmcost_group_init(g);
	if (a->snap == NULL)
		return llmcost_rollup_group(a->rollup, i, g) == LLMCOST_OK ?
		       1 : -1;
	if (llmcost_snapshot_group(a->snap, i, g) != LLMCOST_OK)
		return -1;
	return g->grouping == a->snap_grouping;
}


int cli_views_build(struct cli_audit *a)
{
	size_t i, n = a->snap != NULL ? llmcost_snapshot_count(a->snap) :
		      llmcost_rollup_count(a->rollup);
	llmcost_group g;
	const char *bad;
	int rc;

	a->total.key = "total";
	for (i = 0; i < n; i++) {
		rc = cli_views_group(a, i, &g);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		bad = cli_stat_add(&a->total, &g);
		if (bad != NULL)
			return cli_view_overflows(a, "totals", &a->total, bad);
		rc = cli_view_add(a, &a->team, "team",
				  g.key[LLMCOST_DIM_TEAM], &g);
		if (rc == 0)
			rc = cli_view_add(a, &a->user, "user",
					  g.key[LLMCOST_DIM_USER], &g);
		if (rc == 0)
			rc = cli_view_add(a, &a->feature, "feature",
					  g.key[LLMCOST_DIM_FEATURE], &g);
		if (rc == 0)
			rc = cli_view_add(a, &a->model, "model",
					  g.key[LLMCOST_DIM_MODEL], &g);
		if (rc == 0)
			rc = cli_day_add(a, &g);
		if (rc == 0)
			rc = cli_team_user_add(a, &g);
		if (rc != 0)
			return rc;
	}
	return 0;
}


/* ---- order ------------------------------------------------------------ */

/* Highest cost first, then the most requests, then the key. */
static int cli_cmp_stat(const void *pa, const void *pb)
{
	const struct cli_stat *a = pa, *b = pb;

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	if (a->requests != b->requests)
		return a->requests > b->requests ? -1 : 1;
	if (a->overflow != b->overflow)
		return a->overflow - b->overflow;
	return strcmp(a->key, b->key);
}


/* Oldest day first; rows without a time last. */
static int cli_cmp_day(const void *pa, const void *pb)
{
	const struct cli_stat *a = pa, *b = pb;
	int ua = a->day_ms == LLMCOST_TIME_UNKNOWN;
	int ub = b->day_ms == LLMCOST_TIME_UNKNOWN;

	if (ua != ub)
		return ua - ub;
	return (a->day_ms > b->day_ms) - (a->day_ms < b->day_ms);
}


static void cli_view_sort(struct cli_view *v,
			  int (*cmp)(const void *, const void *))
{
	if (v->n > 1)
		qsort(v->v, v->n, sizeof(*v->v), cmp);
}


lc_i128 cli_stat_per_request(const struct cli_stat *s)
{
	return s->priced > 0 ? s->total / s->priced : 0;
}


/* ---- the team median of prompt size --------------------------------- */

int64_t cli_input_per_request(const struct cli_stat *s)
{
	return s->requests > 0 ? s->tokens[LLMCOST_T_INPUT] / s->requests
			       : -1;
}


/* By team, users without requests last, then by input per request. */
static int cli_cmp_team_input(const void *pa, const void *pb)
{
	const struct cli_stat *a = pa, *b = pb;
	int64_t x = cli_input_per_request(a), y = cli_input_per_request(b);
	int c = strcmp(a->team, b->team);

	if (a->overflow != b->overflow)
		return a->overflow - b->overflow;
	if (c != 0)
		return c;
	if ((x < 0) != (y < 0))
		return x < 0 ? 1 : -1;
	return (x > y) - (x < y);
}


/* Sets median2 of every user in v->v[from, to) (one team, sorted). */
static void cli_team_median(struct cli_view *v, size_t from, size_t to)
{
	size_t n = 0, k, i;
	lc_i128 m2;

	while (from + n < to && cli_input_per_request(&v->v[from + n]) >= 0)
		n++;
	if (n == 0)
		return;
	k = from + n / 2;
	m2 = 2 * (lc_i128)cli_input_per_request(&v->v[k]);
	if (n % 2 == 0)
		m2 = (lc_i128)cli_input_per_request(&v->v[k]) +
		     cli_input_per_request(&v->v[k - 1]);
	for (i = from; i < to; i++)
		v->v[i].median2 = m2;
}


static void cli_team_medians(struct cli_view *v)
{
	size_t i = 0, j;

	cli_view_sort(v, cli_cmp_team_input);
	while (i < v->n) {
		for (j = i; j < v->n && v->v[j].overflow == v->v[i].overflow
		     && strcmp(v->v[j].team, v->v[i].team) == 0; j++)
			;
		/* The overflow row stands for many users: no team median. */
		if (!v->v[i].overflow)
			cli_team_median(v, i, j);
		i = j;
	}
}


void cli_views_finish(struct cli_audit *a)
{
	cli_view_sort(&a->team, cli_cmp_stat);
	cli_view_sort(&a->user, cli_cmp_stat);
	cli_view_sort(&a->feature, cli_cmp_stat);
	cli_view_sort(&a->model, cli_cmp_stat);
	cli_view_sort(&a->day, cli_cmp_day);
	cli_team_medians(&a->team_user);
	cli_view_sort(&a->team_user, cli_cmp_stat);
	if (a->team_user.n > CLI_TOP_USERS)
		a->team_user.n = CLI_TOP_USERS;
}
