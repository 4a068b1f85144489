/*
 * rollup_heavy.c - space-saving counters for the cost that goes past a
 * grouping's cap, live and merged.
 *
 * The live counter set
 * --------------------
 * k counters, each a key with a count and an error.  A weight w for a
 * tracked key adds to its count.  For an untracked key: while fewer than
 * k keys are tracked it gets a new counter (count w, error 0); after that
 * it takes over the counter with the smallest count m, which becomes
 * count m + w, error m.  Then, for a stream of total weight N:
 *   - a tracked key's true weight lies in [count - error, count];
 *   - an untracked key's true weight is at most m (0 while not full);
 *   - the counts add up to N, so m <= N / k, and every key heavier than
 *     N / k is tracked.
 * The counters form a binary min-heap on count, and an open-addressing
 * table (linear probing, deletion by backward shift) finds a key's
 * counter.  Keys are copied into buffers that are reused on take-over.
 *
 * Merging two counter sets
 * ------------------------
 * A key gets count c1 + c2 and error e1 + e2, where a side that does not
 * track it contributes its m to both (its true weight there is in
 * [0, m]).  If more than k keys result, the k with the highest count are
 * kept (ties: lower key bytes first), and the bound for untracked keys
 * becomes the larger of m1 + m2 and the highest count dropped.  This
 * bound stays at most (N1 + N2) / k: any k + 1 keys' merged counts sum to
 * at most N1 + m1 + N2 + m2 <= (N1 + N2)(k + 1) / k, so the (k+1)th
 * highest is at most (N1 + N2) / k.  The merge is symmetric, so merging
 * is commutative; it is associative as long as nothing is dropped.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "rollup.h"

#define LC_SS_KEY_MIN 32	/* smallest key buffer */

struct lc_ss_counter {
	lc_i128 count;
	lc_i128 error;
	uint64_t hash;
	char *key;
	uint32_t len;
	uint32_t cap;
	uint32_t slot;		/* position in the table */
};

struct lc_ss {
	uint32_t lock;
	uint32_t k;
	uint32_t n;
	uint32_t mask;		/* table size - 1 */
	lc_i128 total;
	struct lc_ss_counter *c;	/* min-heap on count */
	uint32_t *table;		/* counter number + 1; 0: empty */
};


void lc_spin_wait(uint32_t *lock)
{
	unsigned spins = 0;

	do {
		while (__atomic_load_n(lock, __ATOMIC_RELAXED) != 0) {
			if (++spins < 128) {
#if defined(__x86_64__) || defined(__i386__)
				__builtin_ia32_pause();
#endif
				continue;
			}
			sched_yield();
		}
	} while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) != 0);
}


struct lc_ss *lc_ss_new(uint32_t k)
{
	struct lc_ss *ss = lc_calloc(1, sizeof(*ss));
	size_t size = 4;

	if (ss == NULL)
		return NULL;
	while (size < (size_t)k * 2)
		size *= 2;
	ss->k = k;
	ss->mask = (uint32_t)(size - 1);
	ss->c = lc_calloc(k, sizeof(*ss->c));
	ss->table = lc_calloc(size, sizeof(*ss->table));
	if (ss->c == NULL || ss->table == NULL) {
		lc_ss_free(ss);
		return NULL;
	}
	return ss;
}


void lc_ss_free(struct lc_ss *ss)
{
	uint32_t i;

	if (ss == NULL)
		return;
	if (ss->c != NULL)
		for (i = 0; i < ss->k; i++)
			lc_free(ss->c[i].key);
	lc_free(ss->c);
	lc_free(ss->table);
	lc_free(ss);
}


void lc_ss_lock(struct lc_ss *ss)
{
	lc_spin_lock(&ss->lock);
}


void lc_ss_unlock(struct lc_ss *ss)
{
	lc_spin_unlock(&ss->lock);
}


/* ---- the table ------------------------------------------------------- */

/* The counter of key, or -1; *slot gets its slot or the empty one where
 * it would go. */
static long lc_ss_find(const struct lc_ss *ss, const char *key, size_t len,
		       uint64_t hash, uint32_t *slot)
{
	uint32_t i = (uint32_t)hash & ss->mask;

	for (;; i = (i + 1) & ss->mask) {
		uint32_t t = ss->table[i];
		const struct lc_ss_counter *c;

		if (t == 0)
			break;
		c = &ss->c[t - 1];
		if (c->hash == hash && c->len == len &&
		    memcmp(c->key, key, len) == 0) {
			*slot = i;
			return (long)t - 1;
		}
	}
	*slot = i;
	return -1;
}


/* Empties slot p, moving later entries of its run back so that every key
 * stays reachable from its home slot. */
static void lc_ss_unslot(struct lc_ss *ss, uint32_t p)
{
	uint32_t i = p, j = p, home, t;

	for (;;) {
		j = (j + 1) & ss->mask;
		t = ss->table[j];
		if (t == 0)
			break;
		home = (uint32_t)ss->c[t - 1].hash & ss->mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		ss->table[i] = t;
		ss->c[t - 1].slot = i;
		i = j;
	}
	ss->table[i] = 0;
}


/* ---- the heap -------------------------------------------------------- */

static void lc_ss_swap(struct lc_ss *ss, uint32_t a, uint32_t b)
{
	struct lc_ss_counter t = ss->c[a];

	ss->c[a] = ss->c[b];
	ss->c[b] = t;
	ss->table[ss->c[a].slot] = a + 1;
	ss->table[ss->c[b].slot] = b + 1;
}


static void lc_ss_sift_down(struct lc_ss *ss, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < ss->n && ss->c[l].count < ss->c[m].count)
			m = l;
		if (r < ss->n && ss->c[r].count < ss->c[m].count)
			m = r;
		if (m == i)
			return;
		lc_ss_swap(ss, i, m);
		i = m;
	}
}


static void lc_ss_sift_up(struct lc_ss *ss, uint32_t i)
{
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (ss->c[parent].count <= ss->c[i].count)
			return;
		lc_ss_swap(ss, i, parent);
		i = parent;
	}
}


/* ---- counting -------------------------------------------------------- */

static int lc_ss_room(struct lc_ss_counter *c, size_t len)
{
	size_t cap = len > LC_SS_KEY_MIN ? len : LC_SS_KEY_MIN;
	char *p;

	if (c->key != NULL && c->cap >= len)
		return LLMCOST_OK;
	if (len > UINT32_MAX)
		return LLMCOST_E_RANGE;
	p = lc_realloc(c->key, cap);
	if (p == NULL)
		return LLMCOST_E_NOMEM;
	c->key = p;
	c->cap = (uint32_t)cap;
	return LLMCOST_OK;
}


int lc_ss_reserve(struct lc_ss *ss, const char *key, size_t len,
		  uint64_t hash, lc_i128 weight)
{
	struct lc_ss_counter *c;
	lc_i128 sum;
	uint32_t slot;
	long at;

	if (lc_i128_add(ss->total, weight, &sum) != 0)
		return LLMCOST_E_OVERFLOW;
	if (ss->k == 0)
		return LLMCOST_OK;
	at = lc_ss_find(ss, key, len, hash, &slot);
	c = at >= 0 ? &ss->c[at] : &ss->c[ss->n < ss->k ? ss->n : 0];
	if ((at >= 0 || ss->n == ss->k) &&
	    lc_i128_add(c->count, weight, &sum) != 0)
		return LLMCOST_E_OVERFLOW;
	if (at >= 0)
		return LLMCOST_OK;
	return lc_ss_room(c, len);
}


static void lc_ss_set_key(struct lc_ss *ss, uint32_t i, const char *key,
			  size_t len, uint64_t hash, uint32_t slot)
{
	struct lc_ss_counter *c = &ss->c[i];

	memcpy(c->key, key, len);
	c->len = (uint32_t)len;
	c->hash = hash;
	c->slot = slot;
	ss->table[slot] = i + 1;
}


void lc_ss_apply(struct lc_ss *ss, const char *key, size_t len,
		 uint64_t hash, lc_i128 weight)
{
	uint32_t slot, i;
	long at;

	ss->total += weight;
	if (ss->k == 0)
		return;
	at = lc_ss_find(ss, key, len, hash, &slot);
	if (at >= 0) {
		ss->c[at].count += weight;
		lc_ss_sift_down(ss, (uint32_t)at);
		return;
	}
	if (ss->n < ss->k) {
		i = ss->n++;
		ss->c[i].count = weight;
		ss->c[i].error = 0;
		lc_ss_set_key(ss, i, key, len, hash, slot);
		lc_ss_sift_up(ss, i);
		return;
	}
	lc_ss_unslot(ss, ss->c[0].slot);
	lc_ss_find(ss, key, len, hash, &slot);
	ss->c[0].error = ss->c[0].count;
	ss->c[0].count += weight;
	lc_ss_set_key(ss, 0, key, len, hash, slot);
	lc_ss_sift_down(ss, 0);
}


/* ---- into a snapshot ------------------------------------------------- */

static int lc_ss_copy_locked(const struct lc_ss *ss, llmcost_snapshot *s,
			     struct lc_sgrouping *gr)
{
	struct lc_hh_entry e;
	uint32_t i;
	int rc;

	gr->hh_first = s->nhh;
	gr->hh_count = ss->n;
	gr->hh_total = ss->total;
	if (ss->k == 0)
		gr->hh_bound = ss->total;
	else
		gr->hh_bound = ss->n < ss->k ? 0 : ss->c[0].count;
	for (i = 0; i < ss->n; i++) {
		memset(&e, 0, sizeof(e));
		e.count = ss->c[i].count;
		e.error = ss->c[i].error;
		e.key_len = ss->c[i].len;
		rc = lc_snap_key_add(s, ss->c[i].key, e.key_len, &e.key_off);
		if (rc == LLMCOST_OK)
			rc = lc_snap_hh_add(s, &e);
		if (rc != LLMCOST_OK)
			return rc;
	}
	return LLMCOST_OK;
}


int lc_ss_copy(struct lc_ss *ss, llmcost_snapshot *s,
	       struct lc_sgrouping *gr)
{
	int rc;

	lc_ss_lock(ss);
	rc = lc_ss_copy_locked(ss, s, gr);
	lc_ss_unlock(ss);
	return rc;
}


/* ---- merging two counter sets ---------------------------------------- */

struct lc_cand {
	lc_i128 count;
	lc_i128 error;
	const char *key;
	uint32_t len;
};


/* Highest count first; ties by key bytes. */
static int lc_cand_rank(const void *pa, const void *pb)
{
	const struct lc_cand *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return lc_key_cmp(a->key, a->len, b->key, b->len);
}


static int lc_cand_by_key(const void *pa, const void *pb)
{
	const struct lc_cand *a = pa, *b = pb;

	return lc_key_cmp(a->key, a->len, b->key, b->len);
}


/* One side of a merge: a counter set, or nothing. */
struct lc_side {
	const llmcost_snapshot *s;
	const struct lc_hh_entry *e;
	size_t n;
	lc_i128 bound;
};


static void lc_side_make(struct lc_side *side, const llmcost_snapshot *s,
			 const struct lc_sgrouping *g)
{
	side->s = s;
	side->e = g != NULL && g->hh_count > 0 ? &s->hh[g->hh_first] : NULL;
	side->n = g != NULL ? g->hh_count : 0;
	side->bound = g != NULL ? g->hh_bound : 0;
}


/* Appends the merged candidate for the keys a[i] and/or b[j]. */
static int lc_cand_join(const struct lc_side *a, size_t *i,
			const struct lc_side *b, size_t *j,
			struct lc_cand *out)
{
	const struct lc_hh_entry *ea = *i < a->n ? &a->e[*i] : NULL;
	const struct lc_hh_entry *eb = *j < b->n ? &b->e[*j] : NULL;
	int c = ea == NULL ? 1 : eb == NULL ? -1 :
		lc_key_cmp(a->s->keys + ea->key_off, ea->key_len,
			   b->s->keys + eb->key_off, eb->key_len);
	lc_i128 ca = a->bound, ra = a->bound, cb = b->bound, rb = b->bound;

	if (c <= 0) {
		ca = ea->count;
		ra = ea->error;
		out->key = a->s->keys + ea->key_off;
		out->len = ea->key_len;
		(*i)++;
	}
	if (c >= 0) {
		cb = eb->count;
		rb = eb->error;
		out->key = b->s->keys + eb->key_off;
		out->len = eb->key_len;
		(*j)++;
	}
	if (lc_i128_add(ca, cb, &out->count) != 0 ||
	    lc_i128_add(ra, rb, &out->error) != 0)
		return LLMCOST_E_OVERFLOW;
	return LLMCOST_OK;
}


static int lc_cands_make(const struct lc_side *a, const struct lc_side *b,
			 struct lc_cand *cand, size_t *n)
{
	size_t i = 0, j = 0;
	int rc;

	*n = 0;
	while (i < a->n || j < b->n) {
		rc = lc_cand_join(a, &i, b, &j, &cand[*n]);
		if (rc != LLMCOST_OK)
			return rc;
		(*n)++;
	}
	return LLMCOST_OK;
}


/* Keeps the k best candidates, sorted by key; returns the bound for the
 * keys left out. */
static lc_i128 lc_cands_keep(struct lc_cand *cand, size_t *n, uint32_t k,
			     lc_i128 bound)
{
	if (*n > k) {
		qsort(cand, *n, sizeof(*cand), lc_cand_rank);
		if (cand[k].count > bound)
			bound = cand[k].count;
		*n = k;
	}
	qsort(cand, *n, sizeof(*cand), lc_cand_by_key);
	return bound;
}


static int lc_cands_store(const struct lc_cand *cand, size_t n,
			  llmcost_snapshot *out, struct lc_sgrouping *res)
{
	struct lc_hh_entry e;
	size_t i;
	int rc;

	res->hh_first = out->nhh;
	res->hh_count = n;
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		e.count = cand[i].count;
		e.error = cand[i].error;
		e.key_len = cand[i].len;
		rc = lc_snap_key_add(out, cand[i].key, e.key_len, &e.key_off);
		if (rc == LLMCOST_OK)
			rc = lc_snap_hh_add(out, &e);
		if (rc != LLMCOST_OK)
			return rc;
	}
	return LLMCOST_OK;
}


int lc_hh_merge(const llmcost_snapshot *sa, const struct lc_sgrouping *a,
		const llmcost_snapshot *sb, const struct lc_sgrouping *b,
		uint32_t k, llmcost_snapshot *out, struct lc_sgrouping *res)
{
	struct lc_side side_a, side_b;
	struct lc_cand *cand;
	lc_i128 bound;
	size_t n;
	int rc;

	lc_side_make(&side_a, sa, a);
	lc_side_make(&side_b, sb, b);
	if (lc_i128_add(a != NULL ? a->hh_total : 0,
			b != NULL ? b->hh_total : 0, &res->hh_total) != 0 ||
	    lc_i128_add(side_a.bound, side_b.bound, &bound) != 0)
		return LLMCOST_E_OVERFLOW;
	cand = lc_calloc(side_a.n + side_b.n, sizeof(*cand));
	if (cand == NULL)
		return LLMCOST_E_NOMEM;
	rc = lc_cands_make(&side_a, &side_b, cand, &n);
	if (rc == LLMCOST_OK) {
		res->hh_bound = lc_cands_keep(cand, &n, k, bound);
		rc = lc_cands_store(cand, n, out, res);
	}
	lc_free(cand);
	return rc;
}
