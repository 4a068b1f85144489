/*
 * rollup_codec.c - the binary snapshot format, version 1
 * (docs/snapshot.md has the full layout).
 *
 *   "LLMCSNAP"  u32 version  u32 flags  u64 payload length   (24 bytes)
 *   payload
 *   u64 XXH3-64 of every byte before it
 *
 * Fixed-width integers are little-endian.  The payload is a sequence of
 * LEB128 varints (u: unsigned; s: signed, zigzag-coded), 128-bit for
 * money, and raw key bytes.  A varint must use as few bytes as its value
 * needs, so that a snapshot has exactly one encoding.
 *
 * The reader trusts nothing: it checks the frame, then every length
 * against the bytes left, every count and sum against what records could
 * produce, and the canonical order (which also rules out duplicates).  It
 * builds into a fresh snapshot and hands it over only when all is well.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rollup.h"

#define LC_MAGIC "LLMCSNAP"
#define LC_MAGIC_LEN 8
#define LC_HEADER_SIZE 24
#define LC_TRAILER_SIZE 8
#define LC_FIXED_COUNTS 7	/* records .. latency max, per group */
#define LC_MONEY_FIXED 3	/* total, contracted, effective */


/* ---- writing ---------------------------------------------------------- */

/* Makes room for len more bytes; 0, or -1 (and b->failed) if there is
 * no memory. */
static int lc_buf_room(struct lc_buf *b, size_t len)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (len <= b->cap - b->len)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < len && cap < SIZE_MAX / 2)
		cap *= 2;
	p = cap - b->len < len ? NULL : lc_realloc(b->p, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}


void lc_buf_put(struct lc_buf *b, const void *data, size_t len)
{
	if (len == 0 || lc_buf_room(b, len) != 0)
		return;
	memcpy(b->p + b->len, data, len);
	b->len += len;
}


void lc_buf_free(struct lc_buf *b)
{
	lc_free(b->p);
	memset(b, 0, sizeof(*b));
}


static void lc_put_le(struct lc_buf *b, uint64_t v, int bytes)
{
	unsigned char out[8];
	int i;

	for (i = 0; i < bytes; i++)
		out[i] = (unsigned char)(v >> (8 * i));
	lc_buf_put(b, out, (size_t)bytes);
}


/* A varint goes straight into the buffer: at most 10 bytes for 64 bits,
 * 19 for 128. */
static void lc_put_u(struct lc_buf *b, uint64_t v)
{
	unsigned char *o;

	if (lc_buf_room(b, 10) != 0)
		return;
	o = (unsigned char *)b->p + b->len;
	while (v >= 0x80) {
		*o++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*o++ = (unsigned char)v;
	b->len = (size_t)((char *)o - b->p);
}


static void lc_put_wide(struct lc_buf *b, unsigned __int128 v)
{
	unsigned char *o;

	if (v >> 64 == 0) {
		lc_put_u(b, (uint64_t)v);
		return;
	}
	if (lc_buf_room(b, 19) != 0)
		return;
	o = (unsigned char *)b->p + b->len;
	while (v >= 0x80) {
		*o++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*o++ = (unsigned char)v;
	b->len = (size_t)((char *)o - b->p);
}


static void lc_put_s(struct lc_buf *b, int64_t v)
{
	lc_put_u(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}


static void lc_put_m(struct lc_buf *b, lc_i128 v)
{
	lc_put_wide(b, ((unsigned __int128)v << 1) ^
		       (unsigned __int128)(v >> 127));
}


static void lc_put_key(struct lc_buf *b, const llmcost_snapshot *s,
		       uint64_t off, uint32_t len)
{
	lc_put_u(b, len);
	lc_buf_put(b, s->keys + off, len);
}


static void lc_put_sketch(struct lc_buf *b, const lc_sk_entry *e, size_t n)
{
	size_t i;

	lc_put_u(b, n);
	for (i = 0; i < n; i++) {
		unsigned index = lc_ske_index(e[i]);
		unsigned prev = i == 0 ? 0 : lc_ske_index(e[i - 1]) + 1;

		lc_put_u(b, index - prev);
		lc_put_u(b, lc_ske_count(e[i]));
	}
}


static void lc_put_sums(struct lc_buf *b, const struct lc_sums *s)
{
	size_t i;

	lc_put_u(b, (uint64_t)s->n[LC_N_RECORDS]);
	lc_put_u(b, (uint64_t)s->n[LC_N_REQUESTS]);
	lc_put_u(b, (uint64_t)s->n[LC_N_UNPRICED]);
	lc_put_u(b, (uint64_t)s->n[LC_N_RETRIES]);
	lc_put_u(b, (uint64_t)s->n[LC_N_ERRORS]);
	lc_put_u(b, (uint64_t)s->n[LC_N_LATENCY]);
	lc_put_u(b, (uint64_t)s->latency_max);
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		lc_put_u(b, (uint64_t)s->n[LC_N_TOKENS + i]);
	for (i = 0; i < LLMCOST_U_COUNT; i++)
		lc_put_u(b, (uint64_t)s->n[LC_N_UNITS + i]);
	for (i = 0; i < LC_M_COUNT; i++)
		lc_put_m(b, s->m[i]);
}


static void lc_put_group(struct lc_buf *b, const llmcost_snapshot *s,
			 const struct lc_sgroup *g)
{
	int k;

	lc_put_u(b, g->grouping);
	lc_put_u(b, g->flags);
	lc_put_s(b, g->bucket_start);
	lc_put_key(b, s, g->key_off, g->key_len);
	lc_put_sums(b, &g->sums);
	for (k = 0; k < LLMCOST_M_COUNT; k++)
		lc_put_sketch(b, lc_snap_sk_at(s, g->sk_off[k]), g->sk_n[k]);
}


static void lc_put_heavy(struct lc_buf *b, const llmcost_snapshot *s,
			 const struct lc_sgrouping *gr)
{
	size_t i;

	lc_put_m(b, gr->hh_total);
	lc_put_m(b, gr->hh_bound);
	lc_put_u(b, gr->hh_count);
	for (i = 0; i < gr->hh_count; i++) {
		const struct lc_hh_entry *e = &s->hh[gr->hh_first + i];

		lc_put_key(b, s, e->key_off, e->key_len);
		lc_put_m(b, e->count);
		lc_put_m(b, e->error);
	}
}


static void lc_put_payload(struct lc_buf *b, const llmcost_snapshot *s)
{
	size_t i;

	lc_put_u(b, LLMCOST_T_COUNT);
	lc_put_u(b, LLMCOST_U_COUNT);
	lc_put_u(b, LC_M_COUNT);
	lc_put_u(b, s->ngr);
	for (i = 0; i < s->ngr; i++) {
		lc_put_u(b, s->gr[i].dims);
		lc_put_u(b, s->gr[i].bucket);
		lc_put_u(b, s->gr[i].heavy);
		lc_put_u(b, s->gr[i].max_groups);
	}
	lc_put_u(b, s->ng);
	for (i = 0; i < s->ng; i++)
		lc_put_group(b, s, &s->g[i]);
	for (i = 0; i < s->ngr; i++)
		lc_put_heavy(b, s, &s->gr[i]);
}


int lc_snap_encode(const llmcost_snapshot *s, struct lc_buf *b)
{
	size_t start = b->len, i;
	uint64_t payload, sum;

	lc_buf_put(b, LC_MAGIC, LC_MAGIC_LEN);
	lc_put_le(b, LLMCOST_SNAPSHOT_VERSION, 4);
	lc_put_le(b, 0, 4);
	lc_put_le(b, 0, 8);
	lc_put_payload(b, s);
	if (b->failed)
		return LLMCOST_E_NOMEM;
	payload = b->len - start - LC_HEADER_SIZE;
	for (i = 0; i < 8; i++)
		b->p[start + 16 + i] = (char)(payload >> (8 * i));
	sum = lc_hash(b->p + start, b->len - start);
	lc_put_le(b, sum, 8);
	return b->failed ? LLMCOST_E_NOMEM : LLMCOST_OK;
}


/* ---- checks shared by both readers ----------------------------------- */

/* Each part read from outside passes one of these before it joins the
 * snapshot; the JSON reader (rollup_json_read.c) calls the same ones, so
 * that both forms are held to the same rules. */

const char *lc_check_grouping(const llmcost_snapshot *s, size_t i)
{
	const struct lc_sgrouping *g;

	if (i >= LLMCOST_GROUPING_MAX)
		return "too many groupings";
	g = &s->gr[i];
	if (g->dims & ~(uint32_t)LC_DIMS_ALL)
		return "unknown dimension";
	if (g->bucket >= LLMCOST_BUCKET_COUNT)
		return "unknown time bucket";
	if (g->heavy > LLMCOST_HEAVY_MAX)
		return "too many heavy hitters";
	if (i > 0 && lc_sgrouping_cmp(&s->gr[i - 1], g) >= 0)
		return "groupings out of order";
	return NULL;
}


const char *lc_check_sketch(const lc_sk_entry *e, size_t n,
			    uint64_t records)
{
	uint64_t total;

	if (lc_sk_check(e, n, &total) != 0 || total != records)
		return "sketch does not match the records";
	return NULL;
}


const char *lc_check_group(const llmcost_snapshot *s,
			   const struct lc_sgroup *g)
{
	const struct lc_sgrouping *gr = &s->gr[g->grouping];
	const char *why = NULL;

	if (g->flags & ~LLMCOST_GROUP_OVERFLOW)
		return "unknown group flags";
	if ((g->flags & LLMCOST_GROUP_OVERFLOW) &&
	    !lc_key_is_empty(s->keys + g->key_off, g->key_len))
		return "overflow group with a key";
	if (g->bucket_start != LLMCOST_TIME_UNKNOWN &&
	    !lc_time_in_years(g->bucket_start))
		return "bucket start outside the years 0001 to 9999";
	if (!lc_bucket_is_start((int)gr->bucket, g->bucket_start))
		return "bucket start does not fit its bucket";
	if (lc_sums_check(&g->sums, &why) != 0)
		return why;
	if (s->ng > 0 && lc_sgroup_cmp(s, &s->g[s->ng - 1], g) >= 0)
		return "groups out of order";
	return NULL;
}


const char *lc_check_heavy_totals(const struct lc_sgrouping *gr)
{
	if (gr->hh_total < 0 || gr->hh_bound < 0 ||
	    gr->hh_bound > gr->hh_total)
		return "heavy-hitter totals out of range";
	return NULL;
}


const char *lc_check_heavy_entry(const llmcost_snapshot *s,
				 const struct lc_sgrouping *gr,
				 const struct lc_hh_entry *e)
{
	const struct lc_hh_entry *prev;

	/* A counter holds some weight (each add's is above zero), at most
	 * all of it. */
	if (e->error < 0 || e->error > e->count || e->count <= 0 ||
	    e->count > gr->hh_total || e->count < gr->hh_bound)
		return "heavy-hitter count out of its bounds";
	if (s->nhh == gr->hh_first)
		return NULL;
	prev = &s->hh[s->nhh - 1];
	if (lc_key_cmp(s->keys + prev->key_off, prev->key_len,
		       s->keys + e->key_off, e->key_len) >= 0)
		return "heavy hitters out of order";
	return NULL;
}


/* Saturates at LC_I128_MAX: the sum is only ever compared with a total
 * that cannot exceed it. */
void lc_overflow_costs(const llmcost_snapshot *s,
		       lc_i128 cost[LLMCOST_GROUPING_MAX])
{
	size_t i;

	for (i = 0; i < LLMCOST_GROUPING_MAX; i++)
		cost[i] = 0;
	for (i = 0; i < s->ng; i++) {
		const struct lc_sgroup *g = &s->g[i];

		if (!(g->flags & LLMCOST_GROUP_OVERFLOW) ||
		    g->grouping >= LLMCOST_GROUPING_MAX)
			continue;
		if (lc_i128_add(cost[g->grouping], g->sums.m[LC_M_TOTAL],
				&cost[g->grouping]) != 0)
			cost[g->grouping] = LC_I128_MAX;
	}
}


/* What the counters know of the overflow cost N they were fed
 * (rollup_heavy.c), that merges keep:
 *   - N is at most the priced cost of the grouping's overflow groups:
 *     equal in a rollup at rest, and a snapshot taken while adds go on
 *     copies the counters before the groups, so the groups may hold
 *     more, never less.  Merges add both sides.
 *   - count - error is at most a key's true weight, which merges add
 *     (a side that does not track the key adds m - m = 0), so these
 *     lower bounds add up to at most N.
 * The counts themselves may add up to more than N after a merge (an
 * untracked side adds its m), so no more than that is sure. */
const char *lc_check_heavy_fit(const llmcost_snapshot *s, size_t gi,
			       lc_i128 overflow_cost)
{
	const struct lc_sgrouping *gr = &s->gr[gi];
	lc_i128 low = 0;
	size_t i;

	if (gr->hh_total > overflow_cost)
		return "heavy-hitter total above the cost of the grouping's "
		       "overflow groups";
	for (i = 0; i < gr->hh_count; i++) {
		const struct lc_hh_entry *e = &s->hh[gr->hh_first + i];

		if (lc_i128_add(low, e->count - e->error, &low) != 0 ||
		    low > gr->hh_total)
			return "heavy-hitter lower bounds add up to more "
			       "than their total";
	}
	return NULL;
}


/* ---- reading: primitives --------------------------------------------- */

struct lc_rd {
	const unsigned char *base, *p, *end;
	const char *why;		/* what was wrong, once something was */
	int nomem;			/* it was memory, not the data */
};


static int lc_bad(struct lc_rd *rd, const char *why)
{
	if (rd->why == NULL)
		rd->why = why;
	return -1;
}


static int lc_nomem(struct lc_rd *rd)
{
	rd->nomem = 1;
	return lc_bad(rd, "out of memory");
}


static int lc_get_wide(struct lc_rd *rd, unsigned __int128 *out,
		       unsigned max_bits)
{
	unsigned __int128 v = 0;
	unsigned shift = 0;
	unsigned char c;

	do {
		if (rd->p >= rd->end)
			return lc_bad(rd, "truncated number");
		c = *rd->p++;
		if (shift >= max_bits ||
		    (shift > 0 && max_bits - shift < 7 &&
		     (c & 0x7f) >> (max_bits - shift) != 0))
			return lc_bad(rd, "number too large");
		v |= (unsigned __int128)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	if (c == 0 && shift > 7)
		return lc_bad(rd, "number not in its shortest form");
	*out = v;
	return 0;
}


/* The usual case first: a varint of one byte. */
static int lc_get_u(struct lc_rd *rd, uint64_t *out)
{
	unsigned __int128 v;

	if (rd->p < rd->end && *rd->p < 0x80) {
		*out = *rd->p++;
		return 0;
	}
	if (lc_get_wide(rd, &v, 64) != 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}


/* An unsigned value that must fit int64. */
static int lc_get_n(struct lc_rd *rd, int64_t *out)
{
	uint64_t v;

	if (lc_get_u(rd, &v) != 0)
		return -1;
	if (v > INT64_MAX)
		return lc_bad(rd, "count out of range");
	*out = (int64_t)v;
	return 0;
}


static int lc_get_s(struct lc_rd *rd, int64_t *out)
{
	uint64_t v;

	if (lc_get_u(rd, &v) != 0)
		return -1;
	*out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
	return 0;
}


static int lc_get_m(struct lc_rd *rd, lc_i128 *out)
{
	unsigned __int128 v;

	if (rd->p < rd->end && *rd->p < 0x80) {
		*out = (lc_i128)(*rd->p >> 1) ^ -(lc_i128)(*rd->p & 1);
		rd->p++;
		return 0;
	}
	if (lc_get_wide(rd, &v, 128) != 0)
		return -1;
	*out = (lc_i128)(v >> 1) ^ -(lc_i128)(v & 1);
	return 0;
}


static int lc_get_small(struct lc_rd *rd, uint32_t limit, uint32_t *out,
			const char *why)
{
	uint64_t v;

	if (lc_get_u(rd, &v) != 0)
		return -1;
	if (v > limit)
		return lc_bad(rd, why);
	*out = (uint32_t)v;
	return 0;
}


/* A key: its bytes go to s's pool. */
static int lc_get_key(struct lc_rd *rd, llmcost_snapshot *s, uint32_t dims,
		      uint64_t *off, uint32_t *len)
{
	uint64_t n;

	if (lc_get_u(rd, &n) != 0)
		return -1;
	if (n > (uint64_t)(rd->end - rd->p) || n > UINT32_MAX)
		return lc_bad(rd, "key longer than the data");
	if (lc_key_check((const char *)rd->p, (size_t)n, dims) != 0)
		return lc_bad(rd, "key does not fit its grouping");
	if (lc_snap_key_add(s, (const char *)rd->p, (size_t)n, off) != 0)
		return lc_nomem(rd);
	rd->p += n;
	*len = (uint32_t)n;
	return 0;
}


/* ---- reading: the parts ---------------------------------------------- */

/* How many of each kind of sum the writer had. */
struct lc_shape {
	uint32_t tokens, units, money;
};


static int lc_get_shape(struct lc_rd *rd, struct lc_shape *sh)
{
	if (lc_get_small(rd, UINT32_MAX, &sh->tokens, "") != 0 ||
	    lc_get_small(rd, UINT32_MAX, &sh->units, "") != 0 ||
	    lc_get_small(rd, UINT32_MAX, &sh->money, "") != 0)
		return -1;
	if (sh->money < LC_MONEY_FIXED)
		return lc_bad(rd, "too few money sums");
	return 0;
}


static int lc_get_grouping(struct lc_rd *rd, struct lc_sgrouping *g)
{
	memset(g, 0, sizeof(*g));
	if (lc_get_small(rd, LC_DIMS_ALL, &g->dims, "unknown dimension") ||
	    lc_get_small(rd, LLMCOST_BUCKET_COUNT - 1, &g->bucket,
			 "unknown time bucket") ||
	    lc_get_small(rd, LLMCOST_HEAVY_MAX, &g->heavy,
			 "too many heavy hitters") ||
	    lc_get_u(rd, &g->max_groups))
		return -1;
	return 0;
}


static int lc_get_groupings(struct lc_rd *rd, llmcost_snapshot *s)
{
	const char *why;
	uint32_t n, i;

	if (lc_get_small(rd, LLMCOST_GROUPING_MAX, &n, "too many groupings"))
		return -1;
	s->gr = lc_calloc(n ? n : 1, sizeof(*s->gr));
	if (s->gr == NULL)
		return lc_nomem(rd);
	for (i = 0; i < n; i++) {
		if (lc_get_grouping(rd, &s->gr[i]) != 0)
			return -1;
		if ((why = lc_check_grouping(s, i)) != NULL)
			return lc_bad(rd, why);
		s->ngr = i + 1;
	}
	return 0;
}


/* Reads n values of which this library keeps the first have. */
static int lc_get_counts(struct lc_rd *rd, int64_t *dst, uint32_t n,
			 uint32_t have)
{
	int64_t v;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (lc_get_n(rd, &v) != 0)
			return -1;
		if (i < have)
			dst[i] = v;
	}
	return 0;
}


static int lc_get_sums(struct lc_rd *rd, const struct lc_shape *sh,
		       struct lc_sums *s)
{
	int64_t fixed[LC_FIXED_COUNTS];
	uint32_t i;

	memset(s, 0, sizeof(*s));
	if (lc_get_counts(rd, fixed, LC_FIXED_COUNTS, LC_FIXED_COUNTS) ||
	    lc_get_counts(rd, &s->n[LC_N_TOKENS], sh->tokens,
			  LLMCOST_T_COUNT) ||
	    lc_get_counts(rd, &s->n[LC_N_UNITS], sh->units, LLMCOST_U_COUNT))
		return -1;
	s->n[LC_N_RECORDS] = fixed[0];
	s->n[LC_N_REQUESTS] = fixed[1];
	s->n[LC_N_UNPRICED] = fixed[2];
	s->n[LC_N_RETRIES] = fixed[3];
	s->n[LC_N_ERRORS] = fixed[4];
	s->n[LC_N_LATENCY] = fixed[5];
	s->latency_max = fixed[6];
	for (i = 0; i < sh->money; i++)
		if (lc_get_m(rd, &s->m[i]) != 0)
			return -1;
	return 0;
}


static int lc_get_sketch(struct lc_rd *rd, llmcost_snapshot *s,
			 uint64_t records, uint64_t *off, uint32_t *n)
{
	uint64_t count, gap;
	uint32_t i, index = 0;
	const char *why;

	if (lc_get_small(rd, LC_SK_INDEX_LIMIT, n, "sketch too long") != 0)
		return -1;
	if (lc_snap_sk_room(s, *n) != LLMCOST_OK)
		return lc_nomem(rd);
	*off = s->sk_len;
	for (i = 0; i < *n; i++) {
		if (lc_get_u(rd, &gap) != 0 || lc_get_u(rd, &count) != 0)
			return -1;
		if (gap >= LC_SK_INDEX_LIMIT || count > LC_SK_COUNT_MAX ||
		    (index = i == 0 ? (uint32_t)gap : index + 1 +
		     (uint32_t)gap) >= LC_SK_INDEX_LIMIT)
			return lc_bad(rd, "sketch entry out of range");
		s->sk[s->sk_len + i] = lc_ske_make(index, count);
	}
	why = lc_check_sketch(lc_snap_sk_at(s, s->sk_len), *n, records);
	if (why != NULL)
		return lc_bad(rd, why);
	s->sk_len += *n;
	return 0;
}


static int lc_get_group(struct lc_rd *rd, const struct lc_shape *sh,
			llmcost_snapshot *s)
{
	struct lc_sgroup g;
	const char *why;
	uint64_t records;
	int k;

	memset(&g, 0, sizeof(g));
	if (s->ngr == 0)
		return lc_bad(rd, "group without groupings");
	if (lc_get_small(rd, (uint32_t)s->ngr - 1, &g.grouping,
			 "group of no grouping") ||
	    lc_get_small(rd, UINT32_MAX, &g.flags, "") ||
	    lc_get_s(rd, &g.bucket_start) ||
	    lc_get_key(rd, s, s->gr[g.grouping].dims, &g.key_off,
		       &g.key_len) ||
	    lc_get_sums(rd, sh, &g.sums))
		return -1;
	records = (uint64_t)g.sums.n[LC_N_RECORDS];
	for (k = 0; k < LLMCOST_M_COUNT; k++)
		if (lc_get_sketch(rd, s, records, &g.sk_off[k],
				  &g.sk_n[k]) != 0)
			return -1;
	if ((why = lc_check_group(s, &g)) != NULL)
		return lc_bad(rd, why);
	if (lc_snap_group_add(s, &g) != LLMCOST_OK)
		return lc_nomem(rd);
	return 0;
}


static int lc_get_groups(struct lc_rd *rd, const struct lc_shape *sh,
			 llmcost_snapshot *s)
{
	uint64_t n, i;

	if (lc_get_u(rd, &n) != 0)
		return -1;
	if (n > (uint64_t)(rd->end - rd->p))
		return lc_bad(rd, "more groups than bytes");
	for (i = 0; i < n; i++)
		if (lc_get_group(rd, sh, s) != 0)
			return -1;
	return 0;
}


static int lc_get_heavy(struct lc_rd *rd, llmcost_snapshot *s, size_t gi,
			lc_i128 overflow_cost)
{
	struct lc_sgrouping *gr = &s->gr[gi];
	struct lc_hh_entry e;
	const char *why;
	uint32_t n, i;

	if (lc_get_m(rd, &gr->hh_total) || lc_get_m(rd, &gr->hh_bound) ||
	    lc_get_small(rd, gr->heavy, &n, "more heavy hitters than k"))
		return -1;
	if ((why = lc_check_heavy_totals(gr)) != NULL)
		return lc_bad(rd, why);
	gr->hh_first = s->nhh;
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		if (lc_get_key(rd, s, gr->dims, &e.key_off, &e.key_len) ||
		    lc_get_m(rd, &e.count) || lc_get_m(rd, &e.error))
			return -1;
		if ((why = lc_check_heavy_entry(s, gr, &e)) != NULL)
			return lc_bad(rd, why);
		if (lc_snap_hh_add(s, &e) != LLMCOST_OK)
			return lc_nomem(rd);
	}
	gr->hh_count = n;
	if ((why = lc_check_heavy_fit(s, gi, overflow_cost)) != NULL)
		return lc_bad(rd, why);
	return 0;
}


static int lc_get_payload(struct lc_rd *rd, llmcost_snapshot *s)
{
	lc_i128 cost[LLMCOST_GROUPING_MAX];
	struct lc_shape sh;
	size_t i;

	if (lc_get_shape(rd, &sh) != 0)
		return -1;
	if (sh.tokens > LLMCOST_T_COUNT || sh.units > LLMCOST_U_COUNT ||
	    sh.money > LC_M_COUNT)
		return 1;
	if (lc_get_groupings(rd, s) || lc_get_groups(rd, &sh, s))
		return -1;
	lc_overflow_costs(s, cost);
	for (i = 0; i < s->ngr; i++)
		if (lc_get_heavy(rd, s, i, cost[i]) != 0)
			return -1;
	if (rd->p != rd->end)
		return lc_bad(rd, "bytes after the last section");
	lc_snap_index(s);
	return 0;
}


/* ---- reading: the frame ---------------------------------------------- */

static uint64_t lc_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}


static int lc_frame_check(const unsigned char *data, size_t len)
{
	uint64_t version, flags, payload;

	if (len < LC_MAGIC_LEN || memcmp(data, LC_MAGIC, LC_MAGIC_LEN) != 0)
		return lc_error(LLMCOST_E_PARSE, "snapshot: not an llmcost "
				"snapshot (no LLMCSNAP magic)");
	if (len < LC_HEADER_SIZE)
		return lc_error(LLMCOST_E_PARSE, "snapshot: truncated header "
				"(%zu bytes)", len);
	version = lc_le(data + 8, 4);
	if (version != LLMCOST_SNAPSHOT_VERSION)
		return lc_error(LLMCOST_E_VERSION, "snapshot: format version "
				"%llu; this library reads version %d only",
				(unsigned long long)version,
				LLMCOST_SNAPSHOT_VERSION);
	flags = lc_le(data + 12, 4);
	if (flags != 0)
		return lc_error(LLMCOST_E_PARSE, "snapshot: unknown flags "
				"0x%llx", (unsigned long long)flags);
	payload = lc_le(data + 16, 8);
	if (payload > len - LC_HEADER_SIZE ||
	    len - LC_HEADER_SIZE - payload < LC_TRAILER_SIZE)
		return lc_error(LLMCOST_E_PARSE, "snapshot: truncated: %zu "
				"bytes, the header promises %llu", len,
				(unsigned long long)payload +
				LC_HEADER_SIZE + LC_TRAILER_SIZE);
	if (len - LC_HEADER_SIZE - payload > LC_TRAILER_SIZE)
		return lc_error(LLMCOST_E_PARSE, "snapshot: %llu bytes after "
				"the checksum", (unsigned long long)(len -
				LC_HEADER_SIZE - payload - LC_TRAILER_SIZE));
	if (lc_hash(data, len - LC_TRAILER_SIZE) !=
	    lc_le(data + len - LC_TRAILER_SIZE, 8))
		return lc_error(LLMCOST_E_PARSE, "snapshot: checksum mismatch: "
				"the data is corrupt");
	return LLMCOST_OK;
}


int lc_snap_decode(const unsigned char *data, size_t len,
		   llmcost_snapshot *s)
{
	struct lc_rd rd;
	int rc = lc_frame_check(data, len);

	if (rc != LLMCOST_OK)
		return rc;
	rd.base = data;
	rd.p = data + LC_HEADER_SIZE;
	rd.end = data + len - LC_TRAILER_SIZE;
	rd.why = NULL;
	rd.nomem = 0;
	rc = lc_get_payload(&rd, s);
	if (rd.nomem)
		return lc_error(LLMCOST_E_NOMEM, "snapshot: no memory");
	if (rc > 0)
		return lc_error(LLMCOST_E_VERSION, "snapshot: written by a "
				"newer library: it has more sums per group "
				"than this one knows");
	if (rc < 0)
		return lc_error(LLMCOST_E_PARSE, "snapshot: byte %zu: %s",
				(size_t)(rd.p - rd.base),
				rd.why ? rd.why : "malformed");
	return LLMCOST_OK;
}


/* ---- public functions ------------------------------------------------ */

/* The JSON form starts, after any blank, with '{'; the binary form with
 * its magic, so neither can be taken for the other. */
static int lc_is_json(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
			   p[i] == '\r'))
		i++;
	return i < len && p[i] == '{';
}


LLMCOST_API int llmcost_snapshot_load(llmcost_snapshot **out,
				      const void *data, size_t len)
{
	llmcost_snapshot *s;
	int rc;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_load: out is NULL");
	*out = NULL;
	if (data == NULL && len != 0)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_load: data is NULL");
	s = lc_calloc(1, sizeof(*s));
	if (s == NULL)
		return lc_error(LLMCOST_E_NOMEM, "snapshot_load: no memory");
	if (data == NULL)
		data = "";
	if (lc_is_json(data, len))
		rc = lc_snap_unjson(data, len, s);
	else
		rc = lc_snap_decode(data, len, s);
	if (rc != LLMCOST_OK) {
		llmcost_snapshot_free(s);
		return rc;
	}
	*out = s;
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_snapshot_load_file(llmcost_snapshot **out,
					   const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (out == NULL || path == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_load_file: NULL argument");
	*out = NULL;
	rc = lc_read_file(path, SIZE_MAX, &data, &len);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_load(out, data, len);
	lc_free(data);
	return rc;
}


static int lc_snap_render(const llmcost_snapshot *s, int format,
			  struct lc_buf *b)
{
	memset(b, 0, sizeof(*b));
	switch (format) {
	case LLMCOST_SNAPSHOT_BINARY:
		return lc_snap_encode(s, b);
	case LLMCOST_SNAPSHOT_JSON:
		return lc_snap_json(s, b);
	default:
		return lc_error(LLMCOST_E_INVALID, "snapshot_save: unknown "
				"format %d", format);
	}
}


LLMCOST_API int llmcost_snapshot_save(const llmcost_snapshot *snapshot,
				      int format, void *buf, size_t size,
				      size_t *len)
{
	struct lc_buf b;
	int rc;

	if (snapshot == NULL || len == NULL || (buf == NULL && size != 0))
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_save: NULL argument");
	rc = lc_snap_render(snapshot, format, &b);
	if (rc == LLMCOST_OK && b.len > size)
		rc = lc_error(LLMCOST_E_RANGE, "snapshot_save: %zu bytes "
			      "needed, %zu given", b.len, size);
	else if (rc == LLMCOST_OK)
		memcpy(buf, b.p, b.len);
	else if (rc == LLMCOST_E_NOMEM)
		lc_error(rc, "snapshot_save: no memory");
	*len = b.len;
	lc_buf_free(&b);
	return rc;
}


static int lc_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}


/* A temporary file goes next to OUT, named after OUT's base name cut
 * short enough that the name fits NAME_MAX: an OUT of up to NAME_MAX
 * bytes is legal, and must not fail for its temporary's sake. */
#ifndef NAME_MAX
#define NAME_MAX 255
#endif
#define LC_TEMP_TAIL 7		/* "." and six letters */
#define LC_TEMP_TRIES 64

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

static uint32_t lc_temp_seq;


static int lc_io_fail(const char *path, const char *what, int err)
{
	return lc_error(LLMCOST_E_IO, "%s: %s%s%s", path, what,
			what[0] != '\0' ? ": " : "", strerror(err));
}


/* Writes "." and six letters at p, different on each call. */
static void lc_temp_tail(const char *path, char *p)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint64_t x[3];
	uint64_t h;
	int i;

	x[0] = (uint64_t)getpid();
	x[1] = __atomic_add_fetch(&lc_temp_seq, 1, __ATOMIC_RELAXED);
	x[2] = (uint64_t)(uintptr_t)&x ^ (uint64_t)time(NULL);
	h = lc_hash(x, sizeof(x)) ^ lc_hash(path, strlen(path));
	p[0] = '.';
	for (i = 1; i <= 6; i++) {
		p[i] = abc[h % (sizeof(abc) - 1)];
		h /= sizeof(abc) - 1;
	}
	p[7] = '\0';
}


/* Creates a new file next to path, mode 0666 less the umask like any
 * new file, keeping at most keep bytes of path's base name; its name
 * goes to tmp (room for strlen(path) + 8).  The descriptor, or -1 with
 * errno set. */
static int lc_temp_open(const char *path, size_t keep, char *tmp)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	size_t base = strlen(path) - dir;
	int fd = -1, i;

	if (base > keep)
		base = keep;
	memcpy(tmp, path, dir + base);
	for (i = 0; i < LC_TEMP_TRIES && fd < 0; i++) {
		lc_temp_tail(path, tmp + dir + base);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	return fd;
}


static int lc_write_close(int fd, const char *data, size_t len)
{
	int ok = lc_write_all(fd, data, len) == 0;
	int err = errno;

	if (close(fd) != 0 && ok) {
		ok = 0;
		err = errno;
	}
	errno = err;
	return ok ? 0 : -1;
}


/* OUT is a regular file or none: a temporary file, then a rename, so
 * that OUT is always whole.  An existing OUT's permission bits go to the
 * temporary first. */
static int lc_file_swap(const char *path, const char *data, size_t len,
			const struct stat *old)
{
	size_t plen = strlen(path);
	char *tmp = lc_malloc(plen + LC_TEMP_TAIL + 1);
	int fd, rc = LLMCOST_OK;

	if (tmp == NULL)
		return lc_error(LLMCOST_E_NOMEM, "%s: no memory", path);
	fd = lc_temp_open(path, NAME_MAX - LC_TEMP_TAIL, tmp);
	if (fd < 0 && errno == ENAMETOOLONG)
		fd = lc_temp_open(path, 8, tmp);
	if (fd < 0) {
		rc = lc_io_fail(path, "cannot create a temporary file next "
				"to it", errno);
		lc_free(tmp);
		return rc;
	}
	if (old != NULL && fchmod(fd, old->st_mode & 07777) != 0) {
		rc = lc_io_fail(path, "cannot set the mode of its temporary "
				"file", errno);
		close(fd);
	} else if (lc_write_close(fd, data, len) != 0) {
		rc = lc_io_fail(path, "cannot write", errno);
	} else if (rename(tmp, path) != 0) {
		rc = lc_io_fail(path, "cannot replace", errno);
	}
	if (rc != LLMCOST_OK)
		unlink(tmp);
	lc_free(tmp);
	return rc;
}


/* OUT is something other than a regular file: a link, a FIFO, a device.
 * It is written in place, as any program writing to it would, never
 * replaced by a file; what cannot be written to is refused. */
static int lc_file_into(const char *path, const char *data, size_t len,
			const struct stat *st)
{
	int fd;

	if (S_ISDIR(st->st_mode))
		return lc_error(LLMCOST_E_IO, "%s: is a directory", path);
	if (S_ISSOCK(st->st_mode))
		return lc_error(LLMCOST_E_IO, "%s: is a socket; a snapshot "
				"goes to a file, a FIFO or a device", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return lc_io_fail(path, "cannot open", errno);
	if (lc_write_close(fd, data, len) != 0)
		return lc_io_fail(path, "cannot write", errno);
	return LLMCOST_OK;
}


/* Writes data to path: replaces a regular file whole, writes into
 * anything else. */
static int lc_file_replace(const char *path, const char *data, size_t len)
{
	struct stat st;

	if (path[0] == '\0')
		return lc_error(LLMCOST_E_IO, "snapshot_save_file: empty "
				"file name");
	if (lstat(path, &st) == 0)
		return S_ISREG(st.st_mode) ?
			lc_file_swap(path, data, len, &st) :
			lc_file_into(path, data, len, &st);
	if (errno != ENOENT)
		return lc_io_fail(path, "", errno);
	return lc_file_swap(path, data, len, NULL);
}


LLMCOST_API int llmcost_snapshot_save_file(const llmcost_snapshot *snapshot,
					   int format, const char *path)
{
	struct lc_buf b;
	int rc;

	if (snapshot == NULL || path == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"snapshot_save_file: NULL argument");
	rc = lc_snap_render(snapshot, format, &b);
	if (rc == LLMCOST_OK)
		rc = lc_file_replace(path, b.p, b.len);
	else if (rc == LLMCOST_E_NOMEM)
		lc_error(rc, "snapshot_save_file: no memory");
	lc_buf_free(&b);
	return rc;
}
