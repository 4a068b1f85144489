/*
 * rollup.h - what the rollup engine's files share: group sums, quantile
 * sketches, keys and time buckets, space-saving counters, and the
 * in-memory form of a snapshot.  Not part of the ABI.
 *
 *   rollup.c        the concurrent accumulator
 *   rollup_key.c    dimensions, keys and UTC time buckets
 *   rollup_sums.c   group sums and their export
 *   rollup_heavy.c  space-saving counters: live, and merged
 *   sketch.c        log-bucketed quantile sketches
 *   snapshot.c      snapshots: building, reading, merging
 *   rollup_codec.c  the binary snapshot format
 *   rollup_json.c   the JSON snapshot form
 *   rollup_json_read.c  reading the JSON form back
 */
#ifndef LLMCOST_ROLLUP_H
#define LLMCOST_ROLLUP_H

#include "internal.h"

/* ---- sums ------------------------------------------------------------ */

/* Counters summed by plain int64 addition. */
enum lc_count {
	LC_N_RECORDS = 0,
	LC_N_REQUESTS,
	LC_N_UNPRICED,
	LC_N_RETRIES,
	LC_N_ERRORS,
	LC_N_LATENCY,
	LC_N_TOKENS,
	LC_N_UNITS = LC_N_TOKENS + LLMCOST_T_COUNT,
	LC_N_COUNT = LC_N_UNITS + LLMCOST_U_COUNT
};

/* Money summed in 128 bits: the three costs, then the components. */
enum lc_cash {
	LC_M_TOTAL = 0,
	LC_M_CONTRACTED,
	LC_M_EFFECTIVE,
	LC_M_COMPONENT,
	LC_M_COUNT = LC_M_COMPONENT + LLMCOST_C_COUNT
};

/* A group's records are counted in 48 bits, so that a sketch bucket's
 * count always fits its entry (below). */
#define LC_RECORDS_MAX ((int64_t)((UINT64_C(1) << 48) - 1))

/* The counts first, then the money: what nearly every add changes (the
 * counts before the units, the latency maximum, the three costs and the
 * text components) then lies in a run of cache lines, and the rarer
 * units and components after it. */
struct lc_sums {
	int64_t n[LC_N_COUNT];
	int64_t latency_max;
	lc_i128 m[LC_M_COUNT];
};

/* Money sums up to here are changed by most adds. */
#define LC_M_HOT (LC_M_COMPONENT + LLMCOST_C_REASONING + 1)

/* out = a + b, all or nothing; -1 if any sum would overflow (records
 * past LC_RECORDS_MAX included).  out may be a or b.  rollup_sums.c */
LC_HIDDEN int lc_sums_add(const struct lc_sums *a, const struct lc_sums *b,
			  struct lc_sums *out);

/* A request's contribution, with the positions of its money fields that
 * are not zero: an add reads and writes only those, which keeps it to the
 * few cache lines of a group's sums that it changes.  The counts lie in
 * a run of lines that nearly every add changes anyway, and are added
 * whole. */
struct lc_delta {
	struct lc_sums d;
	uint8_t m_at[LC_M_COUNT];
	uint8_t nm;
	uint8_t nbits;		/* bit length of the largest count */
	uint8_t mbits;		/* and of the largest |money| */
};

/* Lists the fields of x->d that are not zero and measures them.  The
 * counts must not be negative. */
LC_HIDDEN void lc_delta_index(struct lc_delta *x);

/* 1 if no sum of a group with this many records can overflow when one
 * more add is made, given that no add to it ever had a count longer than
 * nbits bits or money longer than mbits: every count sum is then below
 * (records + 1) * 2^nbits, and every money sum's size below
 * (records + 1) * 2^mbits.  0 means "check each sum". */
static inline int lc_delta_surely_fits(int64_t records, unsigned nbits,
				       unsigned mbits)
{
	unsigned rbits = 64u - (unsigned)__builtin_clzll(
				       (uint64_t)records + 1);

	return records < LC_RECORDS_MAX && rbits + nbits <= 63 &&
	       rbits + mbits <= 127;
}

/* 0 if s + x fits every sum (records up to LC_RECORDS_MAX), else -1. */
LC_HIDDEN int lc_delta_fits(const struct lc_sums *s,
			    const struct lc_delta *x);

/* s += x; only after lc_delta_fits(). */
LC_HIDDEN void lc_delta_apply(struct lc_sums *s, const struct lc_delta *x);

/* Fills the sums part of a full-size group (counts, tokens, units and
 * money). */
LC_HIDDEN void lc_sums_export(const struct lc_sums *s, llmcost_group *g);

/* 0 if the sums could come from valid records, else -1 with a reason. */
LC_HIDDEN int lc_sums_check(const struct lc_sums *s, const char **why);

/* ---- sketches (sketch.c) --------------------------------------------- */

/* A value v >= 0 falls in bucket lc_sk_index(v): v itself below 64; above
 * that, 32 buckets per power of two.  Buckets 0 .. LC_SK_INDEX_LIMIT-1
 * cover every int64 value. */
#define LC_SK_SUB 32
#define LC_SK_INDEX_LIMIT 1888

/* An entry: bucket index in the top 16 bits, count in the low 48. */
typedef uint64_t lc_sk_entry;

#define LC_SK_COUNT_MAX ((UINT64_C(1) << 48) - 1)

static inline unsigned lc_ske_index(lc_sk_entry e)
{
	return (unsigned)(e >> 48);
}

static inline uint64_t lc_ske_count(lc_sk_entry e)
{
	return e & LC_SK_COUNT_MAX;
}

static inline lc_sk_entry lc_ske_make(unsigned index, uint64_t count)
{
	return (uint64_t)index << 48 | count;
}

/* A live sketch, in one of two forms:
 *   sparse: n entries sorted by index, in p with room for cap; while p
 *           is NULL the one entry lives in the struct, so a group with
 *           one distinct value does not allocate;
 *   dense:  a window p of cap 32-bit counts for indices lo .. lo+cap-1,
 *           n of them not zero; an update is one array access.
 * A sketch turns dense when it needs more than LC_SK_SPARSE_MAX entries,
 * and back to sparse for good if a bucket's count would pass 32 bits.
 * p, lo and dense change only through atomic stores (under the group's
 * lock), so that lc_sk_prefetch() may read them without the lock. */
#define LC_SK_SPARSE_MAX 8

struct lc_sketch {
	uint16_t n;
	uint16_t cap;
	uint16_t lo;
	uint16_t dense;		/* 1: dense form; 2: sparse for good */
	void *p;
	lc_sk_entry one;
};

LC_HIDDEN unsigned lc_sk_index(int64_t v);

/* The value that stands for a bucket: within 1/64 of any value in it. */
LC_HIDDEN int64_t lc_sk_value(unsigned index);

/* Number of buckets with a count: the entries lc_sk_export() writes. */
LC_HIDDEN size_t lc_sk_count(const struct lc_sketch *s);

/* Writes the sketch as sorted entries to out[0 .. lc_sk_count(s)). */
LC_HIDDEN void lc_sk_export(const struct lc_sketch *s, lc_sk_entry *out);

/* The nearest-rank quantile (as lc_sk_quantile()) of a live sketch. */
LC_HIDDEN int64_t lc_sk_live_quantile(const struct lc_sketch *s,
				      uint64_t total, uint32_t permyriad);

/* Hints the cache about the storage lc_sk_add(s, index) will touch.
 * Safe without the group's lock: it reads only atomically and only
 * prefetches. */
LC_HIDDEN void lc_sk_prefetch(const struct lc_sketch *s, unsigned index);

/* What lc_sk_reserve() and lc_sk_add() do past their common cases. */
LC_HIDDEN int lc_sk_reserve_slow(struct lc_sketch *s, unsigned index);
LC_HIDDEN void lc_sk_add_sparse(struct lc_sketch *s, unsigned index);

/* Makes room so that lc_sk_add(s, index) cannot fail.  0 or -1 (no
 * memory).  Inline for the common cases: a dense window that holds the
 * bucket, or a sparse array with room to spare. */
static inline int lc_sk_reserve(struct lc_sketch *s, unsigned index)
{
	if (s->dense == 1) {
		if (index - s->lo < s->cap &&
		    ((const uint32_t *)s->p)[index - s->lo] != UINT32_MAX)
			return 0;
	} else if (s->n < (s->p != NULL ? s->cap : 1)) {
		return 0;
	}
	return lc_sk_reserve_slow(s, index);
}

/* Counts one value in bucket index.  The caller keeps the total count at
 * most LC_SK_COUNT_MAX. */
static inline void lc_sk_add(struct lc_sketch *s, unsigned index)
{
	uint32_t *c;

	if (s->dense != 1) {
		lc_sk_add_sparse(s, index);
		return;
	}
	c = (uint32_t *)s->p + (index - s->lo);
	s->n += *c == 0;
	(*c)++;
}

LC_HIDDEN void lc_sk_free(struct lc_sketch *s);

/* The nearest-rank quantile permyriad/10000 of entries e[0..n) whose
 * counts sum to total (> 0): the value of the bucket holding rank
 * max(1, ceil(total * permyriad / 10000)). */
LC_HIDDEN int64_t lc_sk_quantile(const lc_sk_entry *e, size_t n,
				 uint64_t total, uint32_t permyriad);

/* out = a + b, bucket by bucket; out has room for na + nb entries and
 * may not overlap the inputs.  -1 if a count would pass LC_SK_COUNT_MAX. */
LC_HIDDEN int lc_sk_merge(const lc_sk_entry *a, size_t na,
			  const lc_sk_entry *b, size_t nb, lc_sk_entry *out,
			  size_t *nout);

/* Checks entries read from outside: indices below LC_SK_INDEX_LIMIT and
 * strictly rising, counts >= 1, sum in *total without overflow.  0 or
 * -1. */
LC_HIDDEN int lc_sk_check(const lc_sk_entry *e, size_t n, uint64_t *total);

/* ---- dimensions, keys, time buckets (rollup_key.c) ------------------- */

/* Every dimension this version knows. */
#define LC_DIMS_ALL ((1u << LLMCOST_DIM_COUNT) - 1)

LC_HIDDEN unsigned lc_dims_count(uint32_t dims);

/* The record's value for each dimension ("" for NULL) and its length,
 * measured only for the dimensions in dims. */
struct lc_parts {
	const char *s[LLMCOST_DIM_COUNT];
	size_t len[LLMCOST_DIM_COUNT];
	uint64_t hash[LLMCOST_DIM_COUNT];
};

LC_HIDDEN void lc_parts_from_record(const llmcost_record *r, uint32_t dims,
				    struct lc_parts *p);

/* A hash of the key of dims, combined from the parts' own hashes, so that
 * each value is hashed once however many groupings use it.  It depends
 * only on the key's bytes. */
LC_HIDDEN uint64_t lc_key_hash(const struct lc_parts *p, uint32_t dims);

/* A key is the values of the grouping's dimensions in dimension order,
 * each followed by a NUL (no dimensions: the empty key).  Values hold no
 * NUL, so the encoding is unambiguous and every part is a C string. */
LC_HIDDEN size_t lc_key_size(const struct lc_parts *p, uint32_t dims);
LC_HIDDEN void lc_key_write(const struct lc_parts *p, uint32_t dims,
			    char *out);

/* The key of an overflow group: every value "". */
LC_HIDDEN void lc_key_write_empty(uint32_t dims, char *out);

/* Points key[d] at each part for d in dims; "" for the other known
 * dimensions, NULL past them. */
LC_HIDDEN void lc_key_split(const char *key, uint32_t dims,
			    const char *out[LLMCOST_DIM_CAPACITY]);

/* 0 if key[0..len) is a well-formed key for dims, else -1. */
LC_HIDDEN int lc_key_check(const char *key, size_t len, uint32_t dims);

/* 1 if every part of key[0..len) is "". */
LC_HIDDEN int lc_key_is_empty(const char *key, size_t len);

/* Start of the bucket holding ms (LLMCOST_TIME_UNKNOWN for
 * LLMCOST_BUCKET_NONE or an unknown time).  LLMCOST_E_RANGE if the start
 * is not a representable instant. */
LC_HIDDEN int lc_bucket_start(int bucket, int64_t ms, int64_t *start);

/* 1 if start is a value lc_bucket_start() can give for bucket. */
LC_HIDDEN int lc_bucket_is_start(int bucket, int64_t start);

/* Orders two keys: bytes, then length. */
LC_HIDDEN int lc_key_cmp(const char *a, size_t alen, const char *b,
			 size_t blen);

/* ---- a small lock -------------------------------------------------- */

/* A spin lock of one word, for critical sections of a few hundred
 * nanoseconds: it spins briefly, then yields the CPU while it waits. */
LC_HIDDEN void lc_spin_wait(uint32_t *lock);

static inline void lc_spin_lock(uint32_t *lock)
{
	if (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) != 0)
		lc_spin_wait(lock);
}

static inline void lc_spin_unlock(uint32_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* ---- space-saving counters (rollup_heavy.c) -------------------------- */

/* A live counter set with k entries and its own lock, fed the overflow
 * cost of one grouping. */
struct lc_ss;

LC_HIDDEN struct lc_ss *lc_ss_new(uint32_t k);
LC_HIDDEN void lc_ss_free(struct lc_ss *ss);
LC_HIDDEN void lc_ss_lock(struct lc_ss *ss);
LC_HIDDEN void lc_ss_unlock(struct lc_ss *ss);

/* With the lock held: makes sure lc_ss_apply() of this key and weight
 * cannot fail.  LLMCOST_OK, LLMCOST_E_NOMEM or LLMCOST_E_OVERFLOW. */
LC_HIDDEN int lc_ss_reserve(struct lc_ss *ss, const char *key, size_t len,
			    uint64_t hash, lc_i128 weight);

/* With the lock held: counts weight (> 0) for key. */
LC_HIDDEN void lc_ss_apply(struct lc_ss *ss, const char *key, size_t len,
			   uint64_t hash, lc_i128 weight);

/* One tracked key, as a snapshot keeps it. */
struct lc_hh_entry {
	lc_i128 count;		/* upper bound of the key's weight */
	lc_i128 error;		/* count - error is a lower bound */
	uint64_t key_off;	/* in the snapshot's key pool */
	uint32_t key_len;
};

/* ---- snapshots (snapshot.c) ------------------------------------------ */

struct lc_sgroup {
	struct lc_sums sums;
	uint64_t key_off;
	uint64_t sk_off[LLMCOST_M_COUNT];
	uint32_t sk_n[LLMCOST_M_COUNT];
	uint32_t key_len;
	uint32_t grouping;
	uint32_t flags;
	int64_t bucket_start;
};

struct lc_sgrouping {
	uint32_t dims;
	uint32_t bucket;
	uint32_t heavy;		/* k */
	uint64_t max_groups;
	lc_i128 hh_total;	/* overflow cost the counters saw */
	lc_i128 hh_bound;	/* true cost of an untracked key <= this */
	size_t hh_first;	/* entries hh[hh_first .. + hh_count) */
	size_t hh_count;
	size_t group_first;	/* groups g[group_first .. + group_count) */
	size_t group_count;
};

/* Everything lives in a few flat arrays; groups and counters name their
 * keys and sketch entries by offset, so the arrays may grow. */
struct llmcost_snapshot {
	struct lc_sgrouping *gr;
	size_t ngr;
	struct lc_sgroup *g;
	size_t ng, g_cap;
	struct lc_hh_entry *hh;
	size_t nhh, hh_cap;
	char *keys;
	size_t keys_len, keys_cap;
	lc_sk_entry *sk;
	size_t sk_len, sk_cap;
};

/* The sketch entries at off in s's pool: a valid pointer even while the
 * pool is empty. */
static inline const lc_sk_entry *lc_snap_sk_at(const llmcost_snapshot *s,
					       uint64_t off)
{
	static const lc_sk_entry none;

	return s->sk != NULL ? s->sk + off : &none;
}

/* Appenders for builders; each returns LLMCOST_OK or LLMCOST_E_NOMEM. */
LC_HIDDEN int lc_snap_key_add(llmcost_snapshot *s, const char *key,
			      size_t len, uint64_t *off);
LC_HIDDEN int lc_snap_sk_add(llmcost_snapshot *s, const lc_sk_entry *e,
			     size_t n, uint64_t *off);
LC_HIDDEN int lc_snap_sk_room(llmcost_snapshot *s, size_t n);
LC_HIDDEN int lc_snap_group_add(llmcost_snapshot *s,
				const struct lc_sgroup *g);
LC_HIDDEN int lc_snap_hh_add(llmcost_snapshot *s,
			     const struct lc_hh_entry *e);

/* Releases what a snapshot holds, leaving it empty. */
LC_HIDDEN void lc_snap_clear(llmcost_snapshot *s);

/* Canonical order of groups (grouping, flags, key, bucket start) and of
 * groupings (dims, bucket). */
LC_HIDDEN int lc_sgroup_cmp(const llmcost_snapshot *s,
			    const struct lc_sgroup *a,
			    const struct lc_sgroup *b);
LC_HIDDEN int lc_sgrouping_cmp(const struct lc_sgrouping *a,
			       const struct lc_sgrouping *b);

/* Sets each grouping's group_first and group_count from the sorted
 * groups. */
LC_HIDDEN void lc_snap_index(llmcost_snapshot *s);

/* Sorts groupings, groups and counter entries into canonical order.
 * LLMCOST_OK or LLMCOST_E_NOMEM. */
LC_HIDDEN int lc_snap_sort(llmcost_snapshot *s);

/* Copies a rollup's state into s (rollup.c). */
LC_HIDDEN int lc_rollup_copy(const llmcost_rollup *r, llmcost_snapshot *s);

/* Copies a live counter set into grouping gi of s (rollup_heavy.c). */
LC_HIDDEN int lc_ss_copy(struct lc_ss *ss, llmcost_snapshot *s,
			 struct lc_sgrouping *gr);

/* Merges counter sets a and b of one grouping into out, keeping k
 * entries (rollup_heavy.c).  Keys are read from sa and sb and added to
 * out's key pool.  LLMCOST_OK, LLMCOST_E_NOMEM or LLMCOST_E_OVERFLOW. */
LC_HIDDEN int lc_hh_merge(const llmcost_snapshot *sa,
			  const struct lc_sgrouping *a,
			  const llmcost_snapshot *sb,
			  const struct lc_sgrouping *b, uint32_t k,
			  llmcost_snapshot *out, struct lc_sgrouping *res);

/* The binary form (rollup_codec.c) and the JSON form (rollup_json.c):
 * each appends to a growable byte buffer. */
struct lc_buf {
	char *p;
	size_t len, cap;
	int failed;		/* an allocation failed */
};

LC_HIDDEN void lc_buf_put(struct lc_buf *b, const void *data, size_t len);
LC_HIDDEN void lc_buf_free(struct lc_buf *b);

LC_HIDDEN int lc_snap_encode(const llmcost_snapshot *s, struct lc_buf *b);
LC_HIDDEN int lc_snap_decode(const unsigned char *data, size_t len,
			     llmcost_snapshot *s);
LC_HIDDEN int lc_snap_json(const llmcost_snapshot *s, struct lc_buf *b);

/* Reads the JSON form into the empty snapshot s (rollup_json_read.c).
 * LLMCOST_OK, or a status with the error text set: LLMCOST_E_VERSION,
 * LLMCOST_E_PARSE or LLMCOST_E_NOMEM.  On failure s holds whatever was
 * read and is only fit to be cleared. */
LC_HIDDEN int lc_snap_unjson(const char *text, size_t len,
			     llmcost_snapshot *s);

/* The JSON names of the token and unit sums, in their order
 * (rollup_json.c). */
LC_HIDDEN extern const char *const lc_token_names[LLMCOST_T_COUNT];
LC_HIDDEN extern const char *const lc_unit_names[LLMCOST_U_COUNT];

/* Times the JSON form writes as RFC 3339 text: years 0000 to 9999.  A
 * bucket start outside them is written as an integer of epoch ms. */
#define LC_JSON_TIME_MIN INT64_C(-62167219200000)
#define LC_JSON_TIME_MAX INT64_C(253402300799999)

/* Checks of a snapshot read from outside, made by both readers
 * (rollup_codec.c) on each part before it joins s.  Each gives NULL if
 * the part could come from this library, else the reason.
 *   grouping:     s->gr[i], its limits and its order after s->gr[i - 1];
 *   sketch:       entries well formed, counts summing to records;
 *   group:        flags, an overflow group's empty key, the bucket
 *                 start, the sums, and its order after s's last group
 *                 (its key is already in s's pool);
 *   heavy totals: the counters' total and bound;
 *   heavy entry:  its bounds, and its order after s's last entry if that
 *                 belongs to gr (gr->hh_first set);
 *   heavy fit:    grouping gi's counters (all read) against the cost of
 *                 its overflow groups (all read), from
 *                 lc_overflow_costs(). */
LC_HIDDEN const char *lc_check_grouping(const llmcost_snapshot *s,
					size_t i);
LC_HIDDEN const char *lc_check_sketch(const lc_sk_entry *e, size_t n,
				      uint64_t records);
LC_HIDDEN const char *lc_check_group(const llmcost_snapshot *s,
				     const struct lc_sgroup *g);
LC_HIDDEN const char *lc_check_heavy_totals(const struct lc_sgrouping *gr);
LC_HIDDEN const char *lc_check_heavy_entry(const llmcost_snapshot *s,
					   const struct lc_sgrouping *gr,
					   const struct lc_hh_entry *e);
LC_HIDDEN void lc_overflow_costs(const llmcost_snapshot *s,
				 lc_i128 cost[LLMCOST_GROUPING_MAX]);
LC_HIDDEN const char *lc_check_heavy_fit(const llmcost_snapshot *s,
					 size_t gi, lc_i128 overflow_cost);

#endif /* LLMCOST_ROLLUP_H */
