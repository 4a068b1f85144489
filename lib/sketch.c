/*
 * sketch.c - log-bucketed quantile sketches on non-negative integers.
 *
 * Buckets
 * -------
 * A value v below 64 has a bucket of its own, numbered v.  A larger v
 * with highest set bit e (v in [2^e, 2^(e+1))) falls in one of 32 equal
 * buckets of that range: with s = e - 5, bucket (s + 1) * 32 + j where
 * j = (v >> s) - 32.  Bucket numbers rise with v, run without a gap from
 * 64 on, and the largest int64 lands in bucket 1887.
 *
 * A bucket above 63 spans w = 2^s values starting at lo = (32 + j) * w,
 * so every value x in it is at least 32 * w.  The bucket stands for
 * lo + w / 2, which is at most w / 2 from any x in it: a relative error
 * of at most (w / 2) / (32 * w) = 1/64.
 *
 * A sketch counts values per bucket.  Counts are exact, so the bucket
 * that holds the value of rank r among those added is known exactly;
 * only the value within it is approximate.  That is the whole error, and
 * adding two sketches bucket by bucket keeps it.
 */
#include <string.h>

#include "rollup.h"

#define LC_SK_EXACT 64		/* values below this are exact */


unsigned lc_sk_index(int64_t v)
{
	uint64_t u = (uint64_t)v;
	unsigned e, s;

	if (v < LC_SK_EXACT)
		return v < 0 ? 0 : (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(u);
	s = e - 5;
	return (s + 1) * LC_SK_SUB + (unsigned)(u >> s) - LC_SK_SUB;
}


int64_t lc_sk_value(unsigned index)
{
	unsigned s, j;
	uint64_t lo;

	if (index < LC_SK_EXACT)
		return (int64_t)index;
	if (index >= LC_SK_INDEX_LIMIT)
		index = LC_SK_INDEX_LIMIT - 1;
	s = index / LC_SK_SUB - 1;
	j = index % LC_SK_SUB;
	lo = (uint64_t)(LC_SK_SUB + j) << s;
	return (int64_t)(lo + ((uint64_t)1 << (s - 1)));
}


/* Sets the storage fields, each with an atomic store (see rollup.h). */
static void lc_sk_set(struct lc_sketch *s, void *p, unsigned lo,
		      unsigned dense)
{
	__atomic_store_n(&s->p, p, __ATOMIC_RELAXED);
	__atomic_store_n(&s->lo, (uint16_t)lo, __ATOMIC_RELAXED);
	__atomic_store_n(&s->dense, (uint16_t)dense, __ATOMIC_RELAXED);
}


/* ---- the sparse form -------------------------------------------------- */

static lc_sk_entry *lc_sk_sparse(const struct lc_sketch *s)
{
	return s->p != NULL ? s->p : (lc_sk_entry *)&s->one;
}


static size_t lc_sk_room(const struct lc_sketch *s)
{
	return s->p != NULL ? s->cap : 1;
}


/* Position of index in the sorted entries, or where it would go.  An
 * entry is below key exactly when its index is below index, so the
 * search compares whole entries, without branches on the data. */
static size_t lc_sk_find(const lc_sk_entry *e, size_t n, unsigned index,
			 int *found)
{
	lc_sk_entry key = lc_ske_make(index, 0);
	const lc_sk_entry *base = e;
	size_t len = n, pos;

	if (n == 0) {
		*found = 0;
		return 0;
	}
	while (len > 1) {
		size_t half = len / 2;

		base = base[half] < key ? base + half : base;
		len -= half;
	}
	pos = (size_t)(base - e) + (*base < key);
	*found = pos < n && lc_ske_index(e[pos]) == index;
	return pos;
}


/* Moves the entries to a heap array with room for cap entries. */
static int lc_sk_sparse_grow(struct lc_sketch *s, size_t cap)
{
	lc_sk_entry *p;

	if (s->p == NULL) {
		p = lc_malloc(cap * sizeof(*p));
		if (p == NULL)
			return -1;
		if (s->n != 0)
			p[0] = s->one;
	} else {
		p = lc_realloc(s->p, cap * sizeof(*p));
		if (p == NULL)
			return -1;
	}
	s->cap = (uint16_t)cap;
	lc_sk_set(s, p, 0, s->dense);
	return 0;
}


void lc_sk_add_sparse(struct lc_sketch *s, unsigned index)
{
	lc_sk_entry *e = lc_sk_sparse(s);
	int found;
	size_t at = lc_sk_find(e, s->n, index, &found);

	if (found) {
		e[at]++;
		return;
	}
	memmove(&e[at + 1], &e[at], (s->n - at) * sizeof(*e));
	e[at] = lc_ske_make(index, 1);
	s->n++;
}


/* ---- the dense form ---------------------------------------------------- */

/* A window for indices first .. last, with some room on either side so
 * that a drifting value does not move it every time. */
static void lc_sk_window(unsigned first, unsigned last, unsigned *lo,
			 unsigned *cap)
{
	unsigned slack = (last - first) / 4 + 8;

	*lo = first > slack ? first - slack : 0;
	last = last + slack < LC_SK_INDEX_LIMIT ? last + slack
						: LC_SK_INDEX_LIMIT - 1;
	*cap = last - *lo + 1;
}


/* The lowest and highest bucket the sketch holds, or index alone when it
 * is empty; widened to take index in. */
static void lc_sk_span(const struct lc_sketch *s, unsigned index,
		       unsigned *first, unsigned *last)
{
	const lc_sk_entry *e = lc_sk_sparse(s);
	unsigned lo = index, hi = index;

	if (s->dense == 1) {
		lo = s->lo;
		hi = s->lo + s->cap - 1u;
	} else if (s->n != 0) {
		lo = lc_ske_index(e[0]);
		hi = lc_ske_index(e[s->n - 1]);
	}
	*first = lo < index ? lo : index;
	*last = hi > index ? hi : index;
}


/* Copies the sketch's counts into window c starting at bucket lo. */
static void lc_sk_fill(const struct lc_sketch *s, uint32_t *c, unsigned lo)
{
	const lc_sk_entry *e = lc_sk_sparse(s);
	size_t i;

	if (s->dense == 1) {
		memcpy(c + (s->lo - lo), s->p, s->cap * sizeof(*c));
		return;
	}
	for (i = 0; i < s->n; i++)
		c[lc_ske_index(e[i]) - lo] = (uint32_t)lc_ske_count(e[i]);
}


/* Replaces the sketch's storage by a dense window holding its counts and
 * room for index.  -1 if out of memory (the sketch is unchanged).  A
 * sparse sketch holds at most LC_SK_SPARSE_MAX entries here, each below
 * 2^32 (else it would be sparse for good). */
static int lc_sk_to_dense(struct lc_sketch *s, unsigned index)
{
	unsigned first, last, lo, cap;
	uint32_t *c;

	lc_sk_span(s, index, &first, &last);
	lc_sk_window(first, last, &lo, &cap);
	c = lc_calloc(cap, sizeof(*c));
	if (c == NULL)
		return -1;
	lc_sk_fill(s, c, lo);
	lc_free(s->p);
	s->cap = (uint16_t)cap;
	lc_sk_set(s, c, lo, 1);
	return 0;
}


/* Back to sorted entries for good, once a count no longer fits 32 bits
 * (a bucket of more than 4 billion records). */
static int lc_sk_to_sparse(struct lc_sketch *s)
{
	size_t n = lc_sk_count(s);
	lc_sk_entry *e = lc_malloc((n + 1) * sizeof(*e));

	if (e == NULL)
		return -1;
	lc_sk_export(s, e);
	lc_free(s->p);
	s->cap = (uint16_t)(n + 1);
	s->n = (uint16_t)n;
	lc_sk_set(s, e, 0, 2);
	return 0;
}


static int lc_sk_dense_reserve(struct lc_sketch *s, unsigned index)
{
	const uint32_t *c = s->p;

	if (index >= s->lo && index - s->lo < s->cap)
		return c[index - s->lo] == UINT32_MAX ? lc_sk_to_sparse(s) : 0;
	return lc_sk_to_dense(s, index);
}


/* ---- either form ------------------------------------------------------- */

size_t lc_sk_count(const struct lc_sketch *s)
{
	return s->n;
}


void lc_sk_export(const struct lc_sketch *s, lc_sk_entry *out)
{
	const uint32_t *c = s->p;
	unsigned i, k = 0;

	if (s->dense != 1) {
		if (s->n != 0)
			memcpy(out, lc_sk_sparse(s), s->n * sizeof(*out));
		return;
	}
	for (i = 0; i < s->cap; i++)
		if (c[i] != 0)
			out[k++] = lc_ske_make(s->lo + i, c[i]);
}


int64_t lc_sk_live_quantile(const struct lc_sketch *s, uint64_t total,
			    uint32_t permyriad)
{
	unsigned __int128 scaled = (unsigned __int128)total * permyriad;
	uint64_t rank = (uint64_t)((scaled + 9999) / 10000), seen = 0;
	const uint32_t *c = s->p;
	unsigned i;

	if (s->dense != 1)
		return lc_sk_quantile(lc_sk_sparse(s), s->n, total, permyriad);
	if (rank == 0)
		rank = 1;
	for (i = 0; i < s->cap; i++) {
		seen += c[i];
		if (c[i] != 0 && seen >= rank)
			return lc_sk_value(s->lo + i);
	}
	return 0;
}


void lc_sk_prefetch(const struct lc_sketch *s, unsigned index)
{
	const void *p = __atomic_load_n(&s->p, __ATOMIC_RELAXED);
	unsigned lo;

	if (p == NULL)
		return;
	if (__atomic_load_n(&s->dense, __ATOMIC_RELAXED) != 1) {
		__builtin_prefetch(p, 1);
		return;
	}
	lo = __atomic_load_n(&s->lo, __ATOMIC_RELAXED);
	if (index >= lo)
		__builtin_prefetch((const void *)((uintptr_t)p +
						  (index - lo) * 4), 1);
}


int lc_sk_reserve_slow(struct lc_sketch *s, unsigned index)
{
	int found;

	if (s->dense == 1)
		return lc_sk_dense_reserve(s, index);
	if (s->n < lc_sk_room(s))
		return 0;
	lc_sk_find(lc_sk_sparse(s), s->n, index, &found);
	if (found)
		return 0;
	if (s->dense == 0 && s->n >= LC_SK_SPARSE_MAX)
		return lc_sk_to_dense(s, index);
	return lc_sk_sparse_grow(s, s->p == NULL ? 4 : (size_t)s->cap * 2);
}


void lc_sk_free(struct lc_sketch *s)
{
	lc_free(s->p);
	memset(s, 0, sizeof(*s));
}


int64_t lc_sk_quantile(const lc_sk_entry *e, size_t n, uint64_t total,
		       uint32_t permyriad)
{
	unsigned __int128 scaled = (unsigned __int128)total * permyriad;
	uint64_t rank = (uint64_t)((scaled + 9999) / 10000), seen = 0;
	size_t i;

	if (rank == 0)
		rank = 1;
	for (i = 0; i < n; i++) {
		seen += lc_ske_count(e[i]);
		if (seen >= rank)
			return lc_sk_value(lc_ske_index(e[i]));
	}
	return n != 0 ? lc_sk_value(lc_ske_index(e[n - 1])) : 0;
}


int lc_sk_merge(const lc_sk_entry *a, size_t na, const lc_sk_entry *b,
		size_t nb, lc_sk_entry *out, size_t *nout)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na || j < nb) {
		unsigned ia = i < na ? lc_ske_index(a[i]) : LC_SK_INDEX_LIMIT;
		unsigned ib = j < nb ? lc_ske_index(b[j]) : LC_SK_INDEX_LIMIT;
		uint64_t c;

		if (ia < ib) {
			out[n++] = a[i++];
		} else if (ib < ia) {
			out[n++] = b[j++];
		} else {
			c = lc_ske_count(a[i++]) + lc_ske_count(b[j++]);
			if (c > LC_SK_COUNT_MAX)
				return -1;
			out[n++] = lc_ske_make(ia, c);
		}
	}
	*nout = n;
	return 0;
}


int lc_sk_check(const lc_sk_entry *e, size_t n, uint64_t *total)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned index = lc_ske_index(e[i]);
		uint64_t c = lc_ske_count(e[i]);

		if (index >= LC_SK_INDEX_LIMIT || c == 0)
			return -1;
		if (i > 0 && index <= lc_ske_index(e[i - 1]))
			return -1;
		sum += c;
		if (sum > LC_SK_COUNT_MAX)
			return -1;
	}
	*total = sum;
	return 0;
}
