/*
 * snapshot.c - snapshots of rollups: building, canonical order, reading,
 * merging, and the heavy-hitter view.
 *
 * A snapshot is a few flat arrays (see rollup.h): groupings, groups,
 * space-saving entries, a key pool and a sketch-entry pool.  It is kept
 * in canonical order, so that merging is a linear merge-join of two
 * sorted group lists, and two snapshots with the same content encode to
 * the same bytes.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "rollup.h"

/* The smallest llmcost_group this file writes: the 0.1 layout. */
#define LC_GROUP_MIN_SIZE \
	(offsetof(llmcost_group, component) + \
	 LLMCOST_C_CAPACITY * sizeof(llmcost_money))
#define LC_INFO_MIN_SIZE sizeof(llmcost_grouping_info)
#define LC_HEAVY_MIN_SIZE sizeof(llmcost_heavy)


/* ---- pools ----------------------------------------------------------- */

/* Makes room for need more elements of size elem in *p. */
static int lc_grow(void **p, size_t *cap, size_t len, size_t need,
		   size_t elem)
{
	size_t want = *cap ? *cap : 16;
	void *q;

	if (need <= *cap - len)
		return LLMCOST_OK;
	if (need > SIZE_MAX / elem - len)
		return LLMCOST_E_NOMEM;
	while (want - len < need)
		want = want > SIZE_MAX / 4 / elem ? len + need : want * 2;
	q = lc_realloc(*p, want * elem);
	if (q == NULL)
		return LLMCOST_E_NOMEM;
	*p = q;
	*cap = want;
	return LLMCOST_OK;
}


int lc_snap_key_add(llmcost_snapshot *s, const char *key, size_t len,
		    uint64_t *off)
{
	int rc = lc_grow((void **)&s->keys, &s->keys_cap, s->keys_len,
			 len + 1, 1);

	if (rc != LLMCOST_OK)
		return rc;
	memcpy(s->keys + s->keys_len, key, len);
	*off = s->keys_len;
	s->keys_len += len;
	return LLMCOST_OK;
}


int lc_snap_sk_room(llmcost_snapshot *s, size_t n)
{
	return lc_grow((void **)&s->sk, &s->sk_cap, s->sk_len, n,
		       sizeof(*s->sk));
}


int lc_snap_sk_add(llmcost_snapshot *s, const lc_sk_entry *e, size_t n,
		   uint64_t *off)
{
	int rc = lc_snap_sk_room(s, n);

	if (rc != LLMCOST_OK)
		return rc;
	if (n != 0)
		memcpy(s->sk + s->sk_len, e, n * sizeof(*e));
	*off = s->sk_len;
	s->sk_len += n;
	return LLMCOST_OK;
}


int lc_snap_group_add(llmcost_snapshot *s, const struct lc_sgroup *g)
{
	int rc = lc_grow((void **)&s->g, &s->g_cap, s->ng, 1, sizeof(*g));

	if (rc != LLMCOST_OK)
		return rc;
	s->g[s->ng++] = *g;
	return LLMCOST_OK;
}


int lc_snap_hh_add(llmcost_snapshot *s, const struct lc_hh_entry *e)
{
	int rc = lc_grow((void **)&s->hh, &s->hh_cap, s->nhh, 1, sizeof(*e));

	if (rc != LLMCOST_OK)
		return rc;
	s->hh[s->nhh++] = *e;
	return LLMCOST_OK;
}


void lc_snap_clear(llmcost_snapshot *s)
{
	lc_free(s->gr);
	lc_free(s->g);
	lc_free(s->hh);
	lc_free(s->keys);
	lc_free(s->sk);
	memset(s, 0, sizeof(*s));
}


static const char *lc_snap_key(const llmcost_snapshot *s, uint64_t off)
{
	return s->keys != NULL ? s->keys + off : "";
}


/* ---- canonical order ------------------------------------------------- */

int lc_sgrouping_cmp(const struct lc_sgrouping *a,
		     const struct lc_sgrouping *b)
{
	if (a->dims != b->dims)
		return a->dims < b->dims ? -1 : 1;
	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	return 0;
}


static int lc_order_key(const llmcost_snapshot *sa,
			const struct lc_sgroup *a,
			const llmcost_snapshot *sb,
			const struct lc_sgroup *b)
{
	int c;

	if (a->flags != b->flags)
		return a->flags < b->flags ? -1 : 1;
	c = lc_key_cmp(lc_snap_key(sa, a->key_off), a->key_len,
		       lc_snap_key(sb, b->key_off), b->key_len);
	if (c != 0)
		return c;
	if (a->bucket_start != b->bucket_start)
		return a->bucket_start < b->bucket_start ? -1 : 1;
	return 0;
}


int lc_sgroup_cmp(const llmcost_snapshot *s, const struct lc_sgroup *a,
		  const struct lc_sgroup *b)
{
	if (a->grouping != b->grouping)
		return a->grouping < b->grouping ? -1 : 1;
	return lc_order_key(s, a, s, b);
}


static int lc_sort_groupings_cmp(const void *pa, const void *pb)
{
	return lc_sgrouping_cmp(pa, pb);
}


static int lc_sort_groups_cmp(const void *pa, const void *pb, void *ctx)
{
	const llmcost_snapshot *s = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return lc_sgroup_cmp(s, &s->g[a], &s->g[b]);
}


static int lc_sort_hh_cmp(const void *pa, const void *pb, void *ctx)
{
	const llmcost_snapshot *s = ctx;
	const struct lc_hh_entry *a = pa, *b = pb;

	return lc_key_cmp(lc_snap_key(s, a->key_off), a->key_len,
			  lc_snap_key(s, b->key_off), b->key_len);
}


/* Sorts the groupings; renumbers the groups' grouping to match. */
static void lc_sort_groupings(llmcost_snapshot *s)
{
	uint32_t map[LLMCOST_GROUPING_MAX];
	struct lc_sgrouping tmp[LLMCOST_GROUPING_MAX];
	size_t i, j;

	memcpy(tmp, s->gr, s->ngr * sizeof(*tmp));
	qsort(s->gr, s->ngr, sizeof(*s->gr), lc_sort_groupings_cmp);
	for (i = 0; i < s->ngr; i++)
		for (j = 0; j < s->ngr; j++)
			if (lc_sgrouping_cmp(&tmp[i], &s->gr[j]) == 0)
				map[i] = (uint32_t)j;
	for (i = 0; i < s->ng; i++)
		s->g[i].grouping = map[s->g[i].grouping];
}


/* Sorts groups through an index array, then moves them in one pass. */
static int lc_sort_groups(llmcost_snapshot *s)
{
	size_t *order = lc_malloc((s->ng ? s->ng : 1) * sizeof(*order));
	struct lc_sgroup *sorted;
	size_t i;

	sorted = lc_malloc((s->ng ? s->ng : 1) * sizeof(*sorted));
	if (order == NULL || sorted == NULL) {
		lc_free(order);
		lc_free(sorted);
		return LLMCOST_E_NOMEM;
	}
	for (i = 0; i < s->ng; i++)
		order[i] = i;
	qsort_r(order, s->ng, sizeof(*order), lc_sort_groups_cmp, s);
	for (i = 0; i < s->ng; i++)
		sorted[i] = s->g[order[i]];
	lc_free(order);
	lc_free(s->g);
	s->g = sorted;
	s->g_cap = s->ng ? s->ng : 1;
	return LLMCOST_OK;
}


void lc_snap_index(llmcost_snapshot *s)
{
	size_t i, gi;

	for (gi = 0; gi < s->ngr; gi++) {
		s->gr[gi].group_first = 0;
		s->gr[gi].group_count = 0;
	}
	for (i = s->ng; i-- > 0;) {
		gi = s->g[i].grouping;
		s->gr[gi].group_first = i;
		s->gr[gi].group_count++;
	}
}


int lc_snap_sort(llmcost_snapshot *s)
{
	size_t gi;
	int rc;

	if (s->ngr > LLMCOST_GROUPING_MAX)
		return LLMCOST_E_RANGE;
	lc_sort_groupings(s);
	rc = lc_sort_groups(s);
	if (rc != LLMCOST_OK)
		return rc;
	for (gi = 0; gi < s->ngr; gi++)
		if (s->gr[gi].hh_count > 0)
			qsort_r(&s->hh[s->gr[gi].hh_first],
				s->gr[gi].hh_count, sizeof(*s->hh),
				lc_sort_hh_cmp, s);
	lc_snap_index(s);
	return LLMCOST_OK;
}


/* ---- life ------------------------------------------------------------ */

LLMCOST_API int llmcost_snapshot_new(llmcost_snapshot **out)
{
	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_new: out is NULL");
	*out = lc_calloc(1, sizeof(**out));
	if (*out == NULL)
		return lc_error(LLMCOST_E_NOMEM, "snapshot_new: no memory");
	return LLMCOST_OK;
}


LLMCOST_API void llmcost_snapshot_free(llmcost_snapshot *snapshot)
{
	if (snapshot == NULL)
		return;
	lc_snap_clear(snapshot);
	lc_free(snapshot);
}


LLMCOST_API int llmcost_rollup_snapshot(const llmcost_rollup *rollup,
					llmcost_snapshot **out)
{
	llmcost_snapshot *s;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (rollup == NULL || out == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"rollup_snapshot: NULL argument");
	s = lc_calloc(1, sizeof(*s));
	if (s == NULL)
		return lc_error(LLMCOST_E_NOMEM, "rollup_snapshot: no memory");
	rc = lc_rollup_copy(rollup, s);
	if (rc == LLMCOST_OK)
		rc = lc_snap_sort(s);
	if (rc != LLMCOST_OK) {
		llmcost_snapshot_free(s);
		return lc_error(rc, "rollup_snapshot: %s",
				llmcost_status_message(rc));
	}
	*out = s;
	return LLMCOST_OK;
}


/* ---- reading --------------------------------------------------------- */

LLMCOST_API size_t llmcost_snapshot_count(const llmcost_snapshot *snapshot)
{
	return snapshot != NULL ? snapshot->ng : 0;
}


LLMCOST_API size_t llmcost_snapshot_grouping_count(
	const llmcost_snapshot *snapshot)
{
	return snapshot != NULL ? snapshot->ngr : 0;
}


static int64_t lc_sgroup_quantile(const llmcost_snapshot *s,
				  const struct lc_sgroup *g, int metric,
				  uint32_t permyriad)
{
	if (g->sums.n[LC_N_RECORDS] == 0)
		return -1;
	return lc_sk_quantile(lc_snap_sk_at(s, g->sk_off[metric]),
			      g->sk_n[metric],
			      (uint64_t)g->sums.n[LC_N_RECORDS], permyriad);
}


static void lc_sgroup_export(const llmcost_snapshot *s,
			     const struct lc_sgroup *g, llmcost_group *out)
{
	const struct lc_sgrouping *gr = &s->gr[g->grouping];

	llmcost_group_init(out);
	lc_key_split(lc_snap_key(s, g->key_off), gr->dims, out->key);
	lc_sums_export(&g->sums, out);
	out->grouping = g->grouping;
	out->flags = g->flags;
	out->bucket_start_ms = g->bucket_start;
	out->day_start_ms = gr->bucket == LLMCOST_BUCKET_DAY ?
			    g->bucket_start : LLMCOST_TIME_UNKNOWN;
	out->input_tokens_p50 = lc_sgroup_quantile(s, g,
			LLMCOST_M_INPUT_TOKENS, 5000);
	out->input_tokens_p95 = lc_sgroup_quantile(s, g,
			LLMCOST_M_INPUT_TOKENS, 9500);
	out->latency_p50_ms = lc_sgroup_quantile(s, g, LLMCOST_M_LATENCY_MS,
						 5000);
	out->latency_p95_ms = lc_sgroup_quantile(s, g, LLMCOST_M_LATENCY_MS,
						 9500);
}


LLMCOST_API int llmcost_snapshot_group(const llmcost_snapshot *snapshot,
				       size_t index, llmcost_group *out)
{
	llmcost_group full;
	uint32_t size;

	if (snapshot == NULL || out == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_group: NULL argument");
	size = out->struct_size;
	if (size < LC_GROUP_MIN_SIZE)
		return lc_error(LLMCOST_E_SIZE, "snapshot_group: struct_size "
				"%u is below the minimum %zu", (unsigned)size,
				LC_GROUP_MIN_SIZE);
	if (index >= snapshot->ng)
		return lc_error(LLMCOST_E_NOTFOUND, "snapshot_group: no group "
				"%zu", index);
	lc_sgroup_export(snapshot, &snapshot->g[index], &full);
	full.struct_size = size;
	memcpy(out, &full, size < sizeof(full) ? size : sizeof(full));
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_snapshot_quantile(const llmcost_snapshot *snapshot,
					  size_t index, int metric,
					  uint32_t permyriad, int64_t *out)
{
	const struct lc_sgroup *g;

	if (snapshot == NULL || out == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_quantile: NULL argument");
	if (metric < 0 || metric >= LLMCOST_M_COUNT || permyriad > 10000)
		return lc_error(LLMCOST_E_INVALID, "snapshot_quantile: metric "
				"%d, permyriad %u", metric,
				(unsigned)permyriad);
	if (index >= snapshot->ng)
		return lc_error(LLMCOST_E_NOTFOUND, "snapshot_quantile: no "
				"group %zu", index);
	g = &snapshot->g[index];
	if (g->sums.n[LC_N_RECORDS] == 0)
		return lc_error(LLMCOST_E_NOTFOUND, "snapshot_quantile: group "
				"%zu has no records", index);
	*out = lc_sgroup_quantile(snapshot, g, metric, permyriad);
	return LLMCOST_OK;
}


LLMCOST_API void llmcost_grouping_info_init(llmcost_grouping_info *info)
{
	if (info == NULL)
		return;
	memset(info, 0, sizeof(*info));
	info->struct_size = sizeof(*info);
}


static void lc_info_fill(const llmcost_snapshot *s,
			 const struct lc_sgrouping *gr,
			 llmcost_grouping_info *out)
{
	lc_i128 cost = 0;
	size_t i;

	llmcost_grouping_info_init(out);
	out->dims = gr->dims;
	out->bucket = gr->bucket;
	out->heavy_hitters = gr->heavy;
	out->max_groups = gr->max_groups;
	out->groups = gr->group_count;
	for (i = gr->group_first + gr->group_count; i-- > gr->group_first;) {
		const struct lc_sgroup *g = &s->g[i];

		if (!(g->flags & LLMCOST_GROUP_OVERFLOW))
			break;
		out->overflow_groups++;
		out->overflow_requests += g->sums.n[LC_N_REQUESTS];
		cost += g->sums.m[LC_M_TOTAL];
	}
	out->overflow_cost = lc_money_from_i128(cost);
}


LLMCOST_API int llmcost_snapshot_grouping(const llmcost_snapshot *snapshot,
					  size_t index,
					  llmcost_grouping_info *out)
{
	llmcost_grouping_info full;
	uint32_t size;

	if (snapshot == NULL || out == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_grouping: NULL argument");
	size = out->struct_size;
	if (size < LC_INFO_MIN_SIZE)
		return lc_error(LLMCOST_E_SIZE, "snapshot_grouping: "
				"struct_size %u is below the minimum %zu",
				(unsigned)size, LC_INFO_MIN_SIZE);
	if (index >= snapshot->ngr)
		return lc_error(LLMCOST_E_NOTFOUND, "snapshot_grouping: no "
				"grouping %zu", index);
	lc_info_fill(snapshot, &snapshot->gr[index], &full);
	memcpy(out, &full, sizeof(full));
	out->struct_size = size;
	return LLMCOST_OK;
}


/* ---- merging --------------------------------------------------------- */

/* Where each input's groupings land in the merged list. */
struct lc_merge {
	const llmcost_snapshot *a, *b;
	llmcost_snapshot *out;
	uint32_t map_a[LLMCOST_GROUPING_MAX];
	uint32_t map_b[LLMCOST_GROUPING_MAX];
	const struct lc_sgrouping *src_a[LLMCOST_GROUPING_MAX];
	const struct lc_sgrouping *src_b[LLMCOST_GROUPING_MAX];
};


static uint64_t lc_cap_max(uint64_t a, uint64_t b)
{
	if (a == 0 || b == 0)
		return 0;
	return a > b ? a : b;
}


/* The merged grouping of ga and/or gb (either may be NULL). */
static struct lc_sgrouping lc_grouping_join(const struct lc_sgrouping *ga,
					    const struct lc_sgrouping *gb)
{
	struct lc_sgrouping r;

	memset(&r, 0, sizeof(r));
	r = ga != NULL ? *ga : *gb;
	if (ga != NULL && gb != NULL) {
		r.max_groups = lc_cap_max(ga->max_groups, gb->max_groups);
		r.heavy = ga->heavy < gb->heavy ? ga->heavy : gb->heavy;
	}
	r.hh_first = r.hh_count = r.group_first = r.group_count = 0;
	r.hh_total = r.hh_bound = 0;
	return r;
}


static int lc_merge_groupings(struct lc_merge *m)
{
	const llmcost_snapshot *a = m->a, *b = m->b;
	size_t i = 0, j = 0, n = 0;

	m->out->gr = lc_calloc(a->ngr + b->ngr + 1, sizeof(*m->out->gr));
	if (m->out->gr == NULL)
		return LLMCOST_E_NOMEM;
	while (i < a->ngr || j < b->ngr) {
		int c = i == a->ngr ? 1 : j == b->ngr ? -1 :
			lc_sgrouping_cmp(&a->gr[i], &b->gr[j]);

		if (n >= LLMCOST_GROUPING_MAX)
			return lc_error(LLMCOST_E_RANGE, "snapshot_merge: more "
					"than %d groupings",
					LLMCOST_GROUPING_MAX);
		m->src_a[n] = c <= 0 ? &a->gr[i] : NULL;
		m->src_b[n] = c >= 0 ? &b->gr[j] : NULL;
		m->out->gr[n] = lc_grouping_join(m->src_a[n], m->src_b[n]);
		if (c <= 0)
			m->map_a[i++] = (uint32_t)n;
		if (c >= 0)
			m->map_b[j++] = (uint32_t)n;
		n++;
	}
	m->out->ngr = n;
	return LLMCOST_OK;
}


static int lc_merge_heavy(struct lc_merge *m)
{
	size_t gi;
	int rc;

	for (gi = 0; gi < m->out->ngr; gi++) {
		struct lc_sgrouping *gr = &m->out->gr[gi];

		rc = lc_hh_merge(m->a, m->src_a[gi], m->b, m->src_b[gi],
				 gr->heavy, m->out, gr);
		if (rc != LLMCOST_OK)
			return lc_error(rc, "snapshot_merge: heavy hitters "
					"of grouping %zu: %s", gi,
					llmcost_status_message(rc));
	}
	return LLMCOST_OK;
}


/* Copies group g of s into out, with its grouping renumbered. */
static int lc_group_copy(llmcost_snapshot *out, const llmcost_snapshot *s,
			 const struct lc_sgroup *g, uint32_t grouping)
{
	struct lc_sgroup c = *g;
	int rc, k;

	c.grouping = grouping;
	rc = lc_snap_key_add(out, lc_snap_key(s, g->key_off), g->key_len,
			     &c.key_off);
	for (k = 0; k < LLMCOST_M_COUNT && rc == LLMCOST_OK; k++)
		rc = lc_snap_sk_add(out, lc_snap_sk_at(s, g->sk_off[k]),
				    g->sk_n[k],
				    &c.sk_off[k]);
	if (rc == LLMCOST_OK)
		rc = lc_snap_group_add(out, &c);
	return rc;
}


/* Adds groups ga (of a) and gb (of b), which have the same key. */
static int lc_group_join(struct lc_merge *m, const struct lc_sgroup *ga,
			 const struct lc_sgroup *gb, uint32_t grouping)
{
	llmcost_snapshot *out = m->out;
	struct lc_sgroup c = *ga;
	size_t n;
	int rc, k;

	c.grouping = grouping;
	if (lc_sums_add(&ga->sums, &gb->sums, &c.sums) != 0)
		return lc_error(LLMCOST_E_OVERFLOW, "snapshot_merge: a sum "
				"of a group would overflow");
	rc = lc_snap_key_add(out, lc_snap_key(m->a, ga->key_off),
			     ga->key_len, &c.key_off);
	for (k = 0; k < LLMCOST_M_COUNT && rc == LLMCOST_OK; k++) {
		rc = lc_snap_sk_room(out, (size_t)ga->sk_n[k] + gb->sk_n[k]);
		if (rc != LLMCOST_OK)
			break;
		if (lc_sk_merge(lc_snap_sk_at(m->a, ga->sk_off[k]), ga->sk_n[k],
				lc_snap_sk_at(m->b, gb->sk_off[k]), gb->sk_n[k],
				out->sk + out->sk_len, &n) != 0)
			return lc_error(LLMCOST_E_OVERFLOW, "snapshot_merge: "
					"a sketch count would overflow");
		c.sk_off[k] = out->sk_len;
		c.sk_n[k] = (uint32_t)n;
		out->sk_len += n;
	}
	if (rc == LLMCOST_OK)
		rc = lc_snap_group_add(out, &c);
	return rc;
}


static int lc_merge_step(struct lc_merge *m, size_t *i, size_t *j)
{
	const struct lc_sgroup *ga = *i < m->a->ng ? &m->a->g[*i] : NULL;
	const struct lc_sgroup *gb = *j < m->b->ng ? &m->b->g[*j] : NULL;
	uint32_t na = ga ? m->map_a[ga->grouping] : 0;
	uint32_t nb = gb ? m->map_b[gb->grouping] : 0;
	int c;

	if (ga == NULL)
		c = 1;
	else if (gb == NULL)
		c = -1;
	else if (na != nb)
		c = na < nb ? -1 : 1;
	else
		c = lc_order_key(m->a, ga, m->b, gb);
	if (c < 0) {
		(*i)++;
		return lc_group_copy(m->out, m->a, ga, na);
	}
	(*j)++;
	if (c > 0)
		return lc_group_copy(m->out, m->b, gb, nb);
	(*i)++;
	return lc_group_join(m, ga, gb, na);
}


static int lc_merge_reserve(struct lc_merge *m)
{
	llmcost_snapshot *out = m->out;
	const llmcost_snapshot *a = m->a, *b = m->b;

	if (lc_grow((void **)&out->g, &out->g_cap, 0, a->ng + b->ng + 1,
		    sizeof(*out->g)) != LLMCOST_OK ||
	    lc_grow((void **)&out->sk, &out->sk_cap, 0,
		    a->sk_len + b->sk_len + 1,
		    sizeof(*out->sk)) != LLMCOST_OK ||
	    lc_grow((void **)&out->keys, &out->keys_cap, 0,
		    a->keys_len + b->keys_len + 1, 1) != LLMCOST_OK)
		return LLMCOST_E_NOMEM;
	return LLMCOST_OK;
}


static int lc_merge_groups(struct lc_merge *m)
{
	size_t i = 0, j = 0;
	int rc = lc_merge_reserve(m);

	while (rc == LLMCOST_OK && (i < m->a->ng || j < m->b->ng))
		rc = lc_merge_step(m, &i, &j);
	return rc;
}


LLMCOST_API int llmcost_snapshot_merge(llmcost_snapshot *into,
				       const llmcost_snapshot *from)
{
	llmcost_snapshot next;
	struct lc_merge m;
	int rc;

	if (into == NULL || from == NULL || into == from)
		return lc_error(LLMCOST_E_INVALID, "snapshot_merge: NULL or "
				"identical arguments");
	memset(&next, 0, sizeof(next));
	memset(&m, 0, sizeof(m));
	m.a = into;
	m.b = from;
	m.out = &next;
	rc = lc_merge_groupings(&m);
	if (rc == LLMCOST_OK)
		rc = lc_merge_heavy(&m);
	if (rc == LLMCOST_OK)
		rc = lc_merge_groups(&m);
	if (rc != LLMCOST_OK) {
		lc_snap_clear(&next);
		if (rc == LLMCOST_E_NOMEM)
			return lc_error(rc, "snapshot_merge: no memory");
		return rc;
	}
	lc_snap_index(&next);
	lc_snap_clear(into);
	*into = next;
	return LLMCOST_OK;
}


/* ---- the heavy-hitter view ------------------------------------------- */

/* A key's cost: exact from its groups, plus its share of overflow. */
struct lc_top {
	lc_i128 low;
	lc_i128 high;
	const char *key;
	uint32_t len;
};


/* Better first: higher high, then higher low, then lower key bytes. */
static int lc_top_cmp(const struct lc_top *a, const struct lc_top *b)
{
	if (a->high != b->high)
		return a->high > b->high ? -1 : 1;
	if (a->low != b->low)
		return a->low > b->low ? -1 : 1;
	return lc_key_cmp(a->key, a->len, b->key, b->len);
}


static int lc_top_qcmp(const void *a, const void *b)
{
	return lc_top_cmp(a, b);
}


/* The best max candidates, as a heap whose root is the worst kept; and
 * the best candidate not kept. */
struct lc_topset {
	struct lc_top *heap;
	size_t n, max;
	struct lc_top dropped;
	int have_dropped;
};


static void lc_topset_drop(struct lc_topset *t, const struct lc_top *c)
{
	if (!t->have_dropped || lc_top_cmp(c, &t->dropped) < 0)
		t->dropped = *c;
	t->have_dropped = 1;
}


static void lc_topset_sift(struct lc_topset *t, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		struct lc_top tmp;

		if (l < t->n && lc_top_cmp(&t->heap[l], &t->heap[w]) > 0)
			w = l;
		if (r < t->n && lc_top_cmp(&t->heap[r], &t->heap[w]) > 0)
			w = r;
		if (w == i)
			return;
		tmp = t->heap[i];
		t->heap[i] = t->heap[w];
		t->heap[w] = tmp;
		i = w;
	}
}


static void lc_topset_offer(struct lc_topset *t, const struct lc_top *c)
{
	size_t i;

	if (t->n < t->max) {
		i = t->n++;
		t->heap[i] = *c;
		while (i > 0 && lc_top_cmp(&t->heap[(i - 1) / 2],
					   &t->heap[i]) < 0) {
			struct lc_top tmp = t->heap[i];

			t->heap[i] = t->heap[(i - 1) / 2];
			t->heap[(i - 1) / 2] = tmp;
			i = (i - 1) / 2;
		}
		return;
	}
	if (t->max == 0 || lc_top_cmp(c, &t->heap[0]) >= 0) {
		lc_topset_drop(t, c);
		return;
	}
	lc_topset_drop(t, &t->heap[0]);
	t->heap[0] = *c;
	lc_topset_sift(t, 0);
}


/* Walks the grouping's regular groups (sorted by key) summing each key's
 * exact cost, joined with the space-saving entries (sorted by key). */
struct lc_topwalk {
	const llmcost_snapshot *s;
	const struct lc_sgrouping *gr;
	size_t gi, gend;	/* regular groups left */
	size_t hi, hend;	/* entries left */
};


static int lc_walk_exact(struct lc_topwalk *w, struct lc_top *c)
{
	const struct lc_sgroup *g = &w->s->g[w->gi];

	c->key = lc_snap_key(w->s, g->key_off);
	c->len = g->key_len;
	c->low = 0;
	while (w->gi < w->gend) {
		g = &w->s->g[w->gi];
		if (lc_key_cmp(lc_snap_key(w->s, g->key_off), g->key_len,
			       c->key, c->len) != 0)
			break;
		if (lc_i128_add(c->low, g->sums.m[LC_M_TOTAL], &c->low) != 0)
			return LLMCOST_E_OVERFLOW;
		w->gi++;
	}
	return LLMCOST_OK;
}


/* The next key's candidate; 1 if there was one, 0 at the end, or a
 * negative status. */
static int lc_walk_next(struct lc_topwalk *w, struct lc_top *c)
{
	const llmcost_snapshot *s = w->s;
	const struct lc_sgroup *g = w->gi < w->gend ? &s->g[w->gi] : NULL;
	const struct lc_hh_entry *e = w->hi < w->hend ? &s->hh[w->hi] : NULL;
	lc_i128 add_low = 0, add_high = w->gr->hh_bound;
	int cmp;

	if (g == NULL && e == NULL)
		return 0;
	if (g == NULL || e == NULL)
		cmp = g == NULL ? 1 : -1;
	else
		cmp = lc_key_cmp(lc_snap_key(s, g->key_off), g->key_len,
				 lc_snap_key(s, e->key_off), e->key_len);
	c->low = 0;
	if (cmp <= 0 && lc_walk_exact(w, c) != LLMCOST_OK)
		return LLMCOST_E_OVERFLOW;
	if (cmp >= 0) {
		c->key = lc_snap_key(s, e->key_off);
		c->len = e->key_len;
		add_low = e->count - e->error;
		add_high = e->count;
		w->hi++;
	}
	if (lc_i128_add(c->low, add_high, &c->high) != 0 ||
	    lc_i128_add(c->low, add_low, &c->low) != 0)
		return LLMCOST_E_OVERFLOW;
	return 1;
}


static size_t lc_regular_count(const llmcost_snapshot *s,
			       const struct lc_sgrouping *gr)
{
	size_t n = gr->group_count;

	while (n > 0 && (s->g[gr->group_first + n - 1].flags &
			 LLMCOST_GROUP_OVERFLOW))
		n--;
	return n;
}


static int lc_top_collect(const llmcost_snapshot *s,
			  const struct lc_sgrouping *gr, struct lc_topset *t)
{
	struct lc_topwalk w;
	struct lc_top c;
	int rc;

	w.s = s;
	w.gr = gr;
	w.gi = gr->group_first;
	w.gend = gr->group_first + lc_regular_count(s, gr);
	w.hi = gr->hh_first;
	w.hend = gr->hh_first + gr->hh_count;
	while ((rc = lc_walk_next(&w, &c)) == 1)
		lc_topset_offer(t, &c);
	return rc;
}


LLMCOST_API void llmcost_heavy_init(llmcost_heavy *heavy)
{
	if (heavy == NULL)
		return;
	memset(heavy, 0, sizeof(*heavy));
	heavy->struct_size = sizeof(*heavy);
}


static void lc_top_write(const struct lc_sgrouping *gr,
			 const struct lc_top *t, size_t n, llmcost_heavy *out,
			 uint32_t size)
{
	llmcost_heavy full;
	size_t i;

	for (i = 0; i < n; i++) {
		llmcost_heavy_init(&full);
		full.struct_size = size;
		full.exact = t[i].low == t[i].high;
		lc_key_split(t[i].key, gr->dims, full.key);
		full.cost_low = lc_money_from_i128(t[i].low);
		full.cost_high = lc_money_from_i128(t[i].high);
		memcpy((char *)out + i * size, &full,
		       size < sizeof(full) ? size : sizeof(full));
	}
}


static int lc_heavy_args(const llmcost_snapshot *s, size_t grouping,
			 const llmcost_heavy *out, size_t max, size_t *count)
{
	if (s == NULL || count == NULL || (max > 0 && out == NULL))
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_heavy: NULL argument");
	if (max > 0 && out->struct_size < LC_HEAVY_MIN_SIZE)
		return lc_error(LLMCOST_E_SIZE, "snapshot_heavy: struct_size "
				"%u is below the minimum %zu",
				(unsigned)out->struct_size, LC_HEAVY_MIN_SIZE);
	if (grouping >= s->ngr)
		return lc_error(LLMCOST_E_NOTFOUND, "snapshot_heavy: no "
				"grouping %zu", grouping);
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_snapshot_heavy(const llmcost_snapshot *snapshot,
				       size_t grouping, llmcost_heavy *out,
				       size_t max, size_t *count,
				       llmcost_money *unlisted)
{
	const struct lc_sgrouping *gr;
	struct lc_topset t;
	lc_i128 bound;
	int rc = lc_heavy_args(snapshot, grouping, out, max, count);

	if (rc != LLMCOST_OK)
		return rc;
	*count = 0;
	gr = &snapshot->gr[grouping];
	memset(&t, 0, sizeof(t));
	t.max = max;
	t.heap = lc_malloc((max ? max : 1) * sizeof(*t.heap));
	if (t.heap == NULL)
		return lc_error(LLMCOST_E_NOMEM, "snapshot_heavy: no memory");
	rc = lc_top_collect(snapshot, gr, &t);
	if (rc != 0) {
		lc_free(t.heap);
		return lc_error(rc, "snapshot_heavy: a key's cost leaves the "
				"money range");
	}
	qsort(t.heap, t.n, sizeof(*t.heap), lc_top_qcmp);
	if (t.n > 0)
		lc_top_write(gr, t.heap, t.n, out, out->struct_size);
	*count = t.n;
	bound = gr->hh_bound;
	if (t.have_dropped && t.dropped.high > bound)
		bound = t.dropped.high;
	if (unlisted != NULL)
		*unlisted = lc_money_from_i128(bound);
	lc_free(t.heap);
	return LLMCOST_OK;
}
