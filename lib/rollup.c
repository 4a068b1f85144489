/*
 * rollup.c - the concurrent accumulator.
 *
 * Groups
 * ------
 * Groups live in one append-only array of chunks: chunk k holds
 * LC_CHUNK_BASE << k groups and is never moved, so a group keeps its
 * address and its number for the life of the rollup.  A group's number
 * is its position in that array, in the order groups were made.  Making
 * a group takes grow_lock, which also guards the per-grouping group
 * counts; readers load the published count with acquire order, so every
 * group below it is fully built.
 *
 * Each group has its own one-word spin lock, held only while its sums
 * and sketches change or are copied.  The lock shares the group's first
 * cache line with its key, so taking it costs no extra miss.
 *
 * Finding a group
 * ---------------
 * A group is found by (grouping, overflow flag, key, bucket start) in one
 * of LC_SHARDS hash tables chosen by the top bits of the hash.  Lookups
 * take no lock: a slot's group pointer is published with release order
 * after the slot's hash and the whole group are written, and never
 * changes after.  Inserts take the shard's mutex.  A table that fills up
 * is copied to one twice its size, which is then published; the old
 * table is kept (on the retired list) until the rollup is freed, since
 * a reader may still be walking it.  The retired tables together are
 * smaller than the live one.  A lookup that misses takes the mutex and
 * looks again before it makes the group.
 *
 * Adding a request
 * ----------------
 * The record's key for each grouping is encoded once and hashed once;
 * the bucket starts are computed once per kind of bucket.  Then, for
 * every grouping, the group is found or made (past the cap: the overflow
 * group of the bucket).  All the groups are then locked in address
 * order (so two adds cannot deadlock), every sum is checked for overflow
 * and every sketch given room, and only then is anything changed: an add
 * changes all of its groups or none.  Space-saving counters of groupings
 * that overflowed are locked after the groups, in the same way.
 */
#include <pthread.h>
#include <string.h>

#include "rollup.h"

#define LC_SHARD_BITS 6
#define LC_SHARDS (1u << LC_SHARD_BITS)
#define LC_TABLE_FIRST 16		/* slots of a shard's first table */
#define LC_CHUNK_BASE 64		/* groups in chunk 0 */
#define LC_CHUNK_MAX 32
#define LC_KEY_STACK 1024		/* longer keys go to the heap */
#define LC_ARENA_BLOCK 65536

/* The smallest structs any released header has described. */
#define LC_COST_MIN_SIZE \
	(offsetof(llmcost_cost, note) + LLMCOST_NOTE_SIZE)
#define LC_COST_MONEY_END \
	(offsetof(llmcost_cost, effective_cost) + sizeof(llmcost_money))
#define LC_GROUP_MIN_SIZE \
	(offsetof(llmcost_group, component) + \
	 LLMCOST_C_CAPACITY * sizeof(llmcost_money))

/* Keys shorter than this live in the group itself, on the line that
 * holds its lock, so that finding the group costs no extra miss. */
#define LC_KEY_INLINE 40

struct lc_group {
	uint32_t lock;
	uint16_t grouping;
	uint16_t flags;
	uint32_t key_len;
	int64_t bucket_start;
	union {
		const char *p;		/* key_len >= LC_KEY_INLINE */
		char s[LC_KEY_INLINE];	/* shorter: the bytes and a NUL */
	} key;
	struct lc_sketch sk[LLMCOST_M_COUNT];
	struct lc_sums sums;
} __attribute__((aligned(64)));		/* lc_reserve() aligns the chunks */

struct lc_slot {
	uint64_t hash;
	struct lc_group *g;		/* atomic; NULL: empty */
};

struct lc_table {
	struct lc_table *retired;	/* older tables, kept for readers */
	size_t mask;
	struct lc_slot slot[];
};

struct lc_block {
	struct lc_block *next;
	size_t used, size;
	char data[];
};

struct lc_shard {
	pthread_mutex_t lock;		/* for inserts */
	struct lc_table *table;		/* atomic */
	size_t count;
	struct lc_block *keys;		/* stable copies of keys */
} __attribute__((aligned(64)));

struct lc_grouping {
	uint32_t dims;
	uint32_t bucket;
	uint32_t heavy;
	uint64_t max_groups;
	size_t groups;			/* regular groups; atomic */
	struct lc_ss *ss;		/* overflow counters, or NULL */
};

struct llmcost_rollup {
	struct lc_shard shard[LC_SHARDS];
	pthread_mutex_t grow_lock;
	struct lc_group *chunk[LC_CHUNK_MAX];	/* 64-byte aligned */
	void *chunk_mem[LC_CHUNK_MAX];		/* as allocated */
	size_t count;			/* atomic; published groups */
	uint32_t ngr;
	uint32_t buckets;		/* bit b: some grouping uses bucket b */
	uint32_t dims;			/* every grouping's dimensions */
	/* The bit lengths of the largest count and |money| any add has
	 * had (atomic, they only grow): see lc_delta_surely_fits(). */
	uint32_t nbits, mbits;
	struct lc_grouping gr[LLMCOST_GROUPING_MAX];
};

/* Where one grouping's share of a request goes. */
struct lc_target {
	struct lc_group *g;
	struct lc_ss *ss;		/* set if the row overflowed */
	const char *key;		/* the regular key */
	size_t len;
	uint64_t hash;			/* of the regular key */
	uint64_t probe;			/* of its group in the tables */
};

/* One request, prepared. */
struct lc_add {
	const llmcost_record *rec;	/* the caller's, or rec_tmp */
	llmcost_record rec_tmp;
	struct lc_delta delta;
	unsigned sk_index[LLMCOST_M_COUNT];
	lc_i128 weight;			/* priced cost, for heavy hitters */
	struct lc_parts parts;
	int64_t start[LLMCOST_BUCKET_COUNT];
	char stack[LC_KEY_STACK];
	char *keys;
	struct lc_target t[LLMCOST_GROUPING_MAX];
};


static const char *lc_group_key(const struct lc_group *g)
{
	return g->key_len < LC_KEY_INLINE ? g->key.s : g->key.p;
}


/* ---- chunked group storage ------------------------------------------ */

static unsigned lc_chunk_of(size_t index, size_t *offset)
{
	size_t biased = index / LC_CHUNK_BASE + 1;
	unsigned k = 63u - (unsigned)__builtin_clzll(biased);

	*offset = index - (size_t)LC_CHUNK_BASE * (((size_t)1 << k) - 1);
	return k;
}


static struct lc_group *lc_group_at(const llmcost_rollup *r, size_t index)
{
	size_t offset;
	unsigned k = lc_chunk_of(index, &offset);

	return &r->chunk[k][offset];
}


/* Makes sure group number index has storage.  Caller holds grow_lock. */
static int lc_reserve(llmcost_rollup *r, size_t index)
{
	size_t offset;
	unsigned k = lc_chunk_of(index, &offset);

	if (k >= LC_CHUNK_MAX)
		return lc_error(LLMCOST_E_RANGE, "rollup: too many groups");
	if (r->chunk[k] != NULL)
		return LLMCOST_OK;
	/* One group more than needed, so that the first can start on a
	 * cache line: every group then does, its size being a multiple of
	 * 64. */
	r->chunk_mem[k] = lc_calloc(((size_t)LC_CHUNK_BASE << k) + 1,
				    sizeof(struct lc_group));
	if (r->chunk_mem[k] != NULL)
		r->chunk[k] = (struct lc_group *)(((uintptr_t)r->chunk_mem[k] +
						   63) & ~(uintptr_t)63);
	if (r->chunk[k] == NULL)
		return lc_error(LLMCOST_E_NOMEM, "rollup: no memory for %zu "
				"more groups", (size_t)LC_CHUNK_BASE << k);
	return LLMCOST_OK;
}


/* A stable copy of key in the shard's blocks.  Caller holds its lock. */
static const char *lc_key_store(struct lc_shard *s, const char *key,
				size_t len)
{
	struct lc_block *b = s->keys;
	char *dst;

	if (b == NULL || b->size - b->used < len + 1) {
		size_t size = len + 1 > LC_ARENA_BLOCK ? len + 1
						       : LC_ARENA_BLOCK;

		b = lc_malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = s->keys;
		s->keys = b;
	}
	dst = b->data + b->used;
	memcpy(dst, key, len);
	dst[len] = '\0';
	b->used += len + 1;
	return dst;
}


/* ---- the tables -------------------------------------------------------- */

/* What a lookup looks for. */
struct lc_probe {
	const char *key;
	size_t len;
	uint64_t hash;
	int64_t bucket_start;
	uint32_t grouping;
	uint32_t flags;
};


static uint64_t lc_mix(uint64_t h, int64_t start, uint32_t grouping,
		       uint32_t flags)
{
	uint64_t x = h ^ (uint64_t)start * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)(grouping << 1 | flags) * 0xc2b2ae3d27d4eb4fULL;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}


static int lc_group_is(const struct lc_group *g, const struct lc_probe *p)
{
	return g->grouping == p->grouping && g->flags == p->flags &&
	       g->bucket_start == p->bucket_start && g->key_len == p->len &&
	       memcmp(lc_group_key(g), p->key, p->len) == 0;
}


static struct lc_group *lc_table_find(const struct lc_table *t,
				      const struct lc_probe *p)
{
	size_t i = (size_t)p->hash & t->mask;

	for (;; i = (i + 1) & t->mask) {
		struct lc_group *g = __atomic_load_n(&t->slot[i].g,
						     __ATOMIC_ACQUIRE);

		if (g == NULL)
			return NULL;
		if (t->slot[i].hash == p->hash && lc_group_is(g, p))
			return g;
	}
}


static struct lc_table *lc_table_new(size_t slots)
{
	struct lc_table *t = lc_calloc(1, sizeof(*t) +
				       slots * sizeof(struct lc_slot));

	if (t != NULL)
		t->mask = slots - 1;
	return t;
}


/* Writes an entry into a table no reader can see yet, or publishes it
 * into a live one. */
static void lc_table_put(struct lc_table *t, uint64_t hash,
			 struct lc_group *g)
{
	size_t i = (size_t)hash & t->mask;

	while (t->slot[i].g != NULL)
		i = (i + 1) & t->mask;
	t->slot[i].hash = hash;
	__atomic_store_n(&t->slot[i].g, g, __ATOMIC_RELEASE);
}


/* Copies the shard's table into one twice its size and publishes it.
 * Caller holds the shard's lock. */
static int lc_table_grow(struct lc_shard *s)
{
	struct lc_table *old = s->table, *t;
	size_t i;

	t = lc_table_new((old->mask + 1) * 2);
	if (t == NULL)
		return LLMCOST_E_NOMEM;
	for (i = 0; i <= old->mask; i++)
		if (old->slot[i].g != NULL)
			lc_table_put(t, old->slot[i].hash, old->slot[i].g);
	t->retired = old;
	__atomic_store_n(&s->table, t, __ATOMIC_RELEASE);
	return LLMCOST_OK;
}


/* ---- making a group ---------------------------------------------------- */

static int lc_group_init(llmcost_rollup *r, struct lc_shard *s,
			 const struct lc_probe *p, struct lc_group **out)
{
	size_t index = __atomic_load_n(&r->count, __ATOMIC_RELAXED);
	struct lc_group *g;
	int rc = lc_reserve(r, index);

	if (rc != LLMCOST_OK)
		return rc;
	g = lc_group_at(r, index);
	if (p->len < LC_KEY_INLINE) {
		memcpy(g->key.s, p->key, p->len);
		g->key.s[p->len] = '\0';
	} else {
		g->key.p = lc_key_store(s, p->key, p->len);
	}
	if (p->len >= LC_KEY_INLINE && g->key.p == NULL)
		return lc_error(LLMCOST_E_NOMEM, "rollup: no memory for a "
				"key of %zu bytes", p->len);
	g->key_len = (uint32_t)p->len;
	g->grouping = (uint16_t)p->grouping;
	g->flags = (uint16_t)p->flags;
	g->bucket_start = p->bucket_start;
	__atomic_store_n(&r->count, index + 1, __ATOMIC_RELEASE);
	*out = g;
	return LLMCOST_OK;
}


/* Makes the group of p, unless its grouping is full (LLMCOST_E_RANGE,
 * without an error text).  Caller holds the shard's lock. */
static int lc_group_make(llmcost_rollup *r, struct lc_shard *s,
			 const struct lc_probe *p, struct lc_group **out)
{
	struct lc_grouping *gr = &r->gr[p->grouping];
	int full, rc;

	if ((s->count + 1) * 4 > (s->table->mask + 1) * 3 &&
	    lc_table_grow(s) != LLMCOST_OK)
		return lc_error(LLMCOST_E_NOMEM, "rollup: no memory for a "
				"bigger table");
	pthread_mutex_lock(&r->grow_lock);
	full = p->flags == 0 && gr->max_groups != 0 &&
	       gr->groups >= gr->max_groups;
	rc = full ? LLMCOST_E_RANGE : lc_group_init(r, s, p, out);
	if (rc == LLMCOST_OK && p->flags == 0)
		__atomic_store_n(&gr->groups, gr->groups + 1,
				 __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->grow_lock);
	if (rc != LLMCOST_OK)
		return rc;
	lc_table_put(s->table, p->hash, *out);
	s->count++;
	return LLMCOST_OK;
}


static int lc_is_full(const llmcost_rollup *r, const struct lc_probe *p)
{
	const struct lc_grouping *gr = &r->gr[p->grouping];

	return p->flags == 0 && gr->max_groups != 0 &&
	       __atomic_load_n(&gr->groups, __ATOMIC_ACQUIRE) >=
		       gr->max_groups;
}


/* Finds or makes the group of p.  LLMCOST_E_RANGE (no error text) if it
 * does not exist and its grouping is full. */
static int lc_group_get(llmcost_rollup *r, const struct lc_probe *p,
			struct lc_group **out)
{
	struct lc_shard *s = &r->shard[p->hash >> (64 - LC_SHARD_BITS)];
	struct lc_table *t = __atomic_load_n(&s->table, __ATOMIC_ACQUIRE);
	int rc = LLMCOST_OK;

	*out = lc_table_find(t, p);
	if (*out != NULL)
		return LLMCOST_OK;
	if (lc_is_full(r, p))
		return LLMCOST_E_RANGE;
	pthread_mutex_lock(&s->lock);
	*out = lc_table_find(s->table, p);
	if (*out == NULL)
		rc = lc_group_make(r, s, p, out);
	pthread_mutex_unlock(&s->lock);
	return rc;
}


/* ---- preparing a request ----------------------------------------------- */

/* The caller's cost as a full-size struct: the caller's own when it is
 * at least that big, else a copy in *tmp with the missing fields zero. */
static int lc_cost_view(const llmcost_cost *in, llmcost_cost *tmp,
			const llmcost_cost **out)
{
	size_t need = LC_COST_MIN_SIZE, size = in->struct_size;

	if (size < need)
		return lc_error(LLMCOST_E_SIZE, "cost: struct_size %zu is "
				"below the minimum %zu", size, need);
	*out = in;
	if (size >= sizeof(*tmp))
		return LLMCOST_OK;
	memset(tmp, 0, sizeof(*tmp));
	memcpy(tmp, in, size);
	if (size < LC_COST_MONEY_END) {
		tmp->contracted_cost = tmp->total;
		tmp->effective_cost = tmp->total;
	}
	*out = tmp;
	return LLMCOST_OK;
}


static int lc_classify(int status, int *priced)
{
	switch (status) {
	case LLMCOST_OK:
		*priced = 1;
		return LLMCOST_OK;
	case LLMCOST_E_UNPRICED:
	case LLMCOST_E_NORATE:
		*priced = 0;
		return LLMCOST_OK;
	case LLMCOST_E_PARTS:
	case LLMCOST_E_NEGATIVE:
		return lc_error(status, "rollup: the cost says the record "
				"was rejected (%s)",
				llmcost_status_name(status));
	default:
		return lc_error(LLMCOST_E_INVALID, "rollup: cost status %d "
				"is not a pricing result", status);
	}
}


static void lc_delta_counts(const llmcost_record *rec, int priced,
			    struct lc_sums *d)
{
	int64_t *n = d->n, *t = &d->n[LC_N_TOKENS], *u = &d->n[LC_N_UNITS];
	int failed = rec->status_code >= 400 ||
		     (rec->flags & LLMCOST_RECORD_FAILED);

	n[LC_N_RECORDS] = 1;
	n[LC_N_REQUESTS] = rec->request_count;
	n[LC_N_UNPRICED] = priced ? 0 : rec->request_count;
	n[LC_N_RETRIES] = rec->retry_count;
	n[LC_N_ERRORS] = failed ? 1 : 0;
	n[LC_N_LATENCY] = rec->latency_ms;
	t[LLMCOST_T_INPUT] = rec->input_tokens;
	t[LLMCOST_T_OUTPUT] = rec->output_tokens;
	t[LLMCOST_T_CACHED] = rec->cached_tokens;
	t[LLMCOST_T_CACHE_WRITE_5M] = rec->cache_write_tokens;
	t[LLMCOST_T_CACHE_WRITE_1H] = rec->cache_write_1h_tokens;
	t[LLMCOST_T_REASONING] = rec->reasoning_tokens;
	u[LLMCOST_U_INPUT_AUDIO] = rec->input_audio_tokens;
	u[LLMCOST_U_INPUT_IMAGE] = rec->input_image_tokens;
	u[LLMCOST_U_INPUT_VIDEO] = rec->input_video_tokens;
	u[LLMCOST_U_OUTPUT_AUDIO] = rec->output_audio_tokens;
	u[LLMCOST_U_OUTPUT_IMAGE] = rec->output_image_tokens;
	u[LLMCOST_U_WEB_SEARCH] = rec->web_search_requests;
	u[LLMCOST_U_FILE_SEARCH] = rec->file_search_requests;
	d->latency_max = rec->latency_ms;
}


/* Sets every money field: from cost, or all zero when it is NULL. */
static void lc_delta_money(const llmcost_cost *cost, struct lc_sums *d)
{
	size_t i;

	if (cost == NULL) {
		for (i = 0; i < LC_M_COUNT; i++)
			d->m[i] = 0;
		return;
	}
	d->m[LC_M_TOTAL] = lc_money_to_i128(cost->total);
	d->m[LC_M_CONTRACTED] = lc_money_to_i128(cost->contracted_cost);
	d->m[LC_M_EFFECTIVE] = lc_money_to_i128(cost->effective_cost);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		d->m[LC_M_COMPONENT + i] =
			lc_money_to_i128(cost->component[i]);
}


/* A priced cost as llmcost_price() makes it: no negative money, the
 * total the exact sum of the components, and the contracted cost that of
 * the contracted components.  The last is held only to a caller who
 * fills contracted_component (any not zero): costs built by hand before
 * that field was there set contracted_cost alone, and the rollup keeps
 * no contracted component.  Sums of such costs keep the first two rules,
 * which the snapshot readers check (lc_sums_check). */
static int lc_cost_check(const llmcost_cost *cost)
{
	size_t has_cc = offsetof(llmcost_cost, contracted_component) +
			sizeof(cost->contracted_component);
	lc_i128 sum = 0, csum = 0, v;
	int c, bad = 0, cbad = 0, filled = 0;

	if (lc_money_to_i128(cost->total) < 0 ||
	    lc_money_to_i128(cost->contracted_cost) < 0 ||
	    lc_money_to_i128(cost->effective_cost) < 0)
		return lc_error(LLMCOST_E_INVALID, "rollup: cost has a "
				"negative total, contracted or effective "
				"cost");
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		v = lc_money_to_i128(cost->component[c]);
		if (v < 0)
			return lc_error(LLMCOST_E_INVALID, "rollup: cost "
					"component %s is negative",
					llmcost_component_name(c));
		bad |= lc_i128_add(sum, v, &sum);
		v = cost->struct_size >= has_cc ?
			lc_money_to_i128(cost->contracted_component[c]) : 0;
		if (v < 0)
			return lc_error(LLMCOST_E_INVALID, "rollup: contracted "
					"component %s is negative",
					llmcost_component_name(c));
		filled |= v != 0;
		cbad |= lc_i128_add(csum, v, &csum);
	}
	if (bad || sum != lc_money_to_i128(cost->total))
		return lc_error(LLMCOST_E_INVALID, "rollup: cost total is "
				"not the sum of its components");
	if (filled &&
	    (cbad || csum != lc_money_to_i128(cost->contracted_cost)))
		return lc_error(LLMCOST_E_INVALID, "rollup: contracted cost "
				"is not the sum of its contracted components");
	return LLMCOST_OK;
}


/* Checks record and cost and turns them into the sums to add. */
static int lc_delta_make(const llmcost_record *rec, const llmcost_cost *cost,
			 struct lc_add *a)
{
	int priced = 0;
	int rc = lc_classify(cost->status, &priced);

	if (rc == LLMCOST_OK && priced)
		rc = lc_cost_check(cost);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_record_check_full(rec);
	if (rc != LLMCOST_OK)
		return rc;
	lc_delta_counts(rec, priced, &a->delta.d);
	lc_delta_money(priced ? cost : NULL, &a->delta.d);
	lc_delta_index(&a->delta);
	a->weight = a->delta.d.m[LC_M_TOTAL] > 0 ? a->delta.d.m[LC_M_TOTAL]
						  : 0;
	a->sk_index[LLMCOST_M_INPUT_TOKENS] = lc_sk_index(rec->input_tokens);
	a->sk_index[LLMCOST_M_LATENCY_MS] = lc_sk_index(rec->latency_ms);
	return LLMCOST_OK;
}


static int lc_starts_make(const llmcost_rollup *r, int64_t ms,
			  struct lc_add *a)
{
	int b, rc;

	/* A bucket outside the years a log may give could not be read back
	 * from a snapshot, nor named as a day. */
	if ((r->buckets & ~(1u << LLMCOST_BUCKET_NONE)) != 0 &&
	    ms != LLMCOST_TIME_UNKNOWN && !lc_time_in_years(ms))
		return lc_error(LLMCOST_E_RANGE, "rollup: timestamp_ms %lld "
				"lies outside the years 0001 to 9999",
				(long long)ms);
	for (b = 0; b < LLMCOST_BUCKET_COUNT; b++) {
		a->start[b] = LLMCOST_TIME_UNKNOWN;
		if (!(r->buckets & (1u << b)))
			continue;
		rc = lc_bucket_start(b, ms, &a->start[b]);
		if (rc != LLMCOST_OK)
			return rc;
	}
	return LLMCOST_OK;
}


/* Encodes every grouping's key, back to back, and hashes each. */
static int lc_keys_make(const llmcost_rollup *r, struct lc_add *a)
{
	size_t gi, total = 0, pos = 0;

	for (gi = 0; gi < r->ngr; gi++) {
		a->t[gi].len = lc_key_size(&a->parts, r->gr[gi].dims);
		total += a->t[gi].len;
	}
	a->keys = total <= sizeof(a->stack) ? a->stack : lc_malloc(total);
	if (a->keys == NULL)
		return lc_error(LLMCOST_E_NOMEM, "rollup: no memory for keys "
				"of %zu bytes", total);
	for (gi = 0; gi < r->ngr; gi++) {
		struct lc_target *t = &a->t[gi];

		t->key = a->keys + pos;
		lc_key_write(&a->parts, r->gr[gi].dims, a->keys + pos);
		t->hash = lc_key_hash(&a->parts, r->gr[gi].dims);
		pos += t->len;
	}
	return LLMCOST_OK;
}


static void lc_add_release(struct lc_add *a)
{
	if (a->keys != a->stack)
		lc_free(a->keys);
}


/* The first half of preparing a request: its keys and their hashes,
 * which is all finding its groups needs. */
static int lc_add_keys(const llmcost_rollup *r, const llmcost_record *record,
		       struct lc_add *a)
{
	int rc;

	a->keys = a->stack;
	rc = lc_record_full(record, &a->rec_tmp, &a->rec);
	if (rc == LLMCOST_OK)
		rc = lc_starts_make(r, a->rec->timestamp_ms, a);
	if (rc != LLMCOST_OK)
		return rc;
	lc_parts_from_record(a->rec, r->dims, &a->parts);
	return lc_keys_make(r, a);
}


/* The second half: checks the record and cost and builds the sums. */
static int lc_add_sums(const llmcost_cost *cost, struct lc_add *a)
{
	const llmcost_cost *c = NULL;
	llmcost_cost cost_tmp;
	int rc = lc_cost_view(cost, &cost_tmp, &c);

	return rc != LLMCOST_OK ? rc : lc_delta_make(a->rec, c, a);
}


/* Raises *max to at least bits and returns what it then holds.  An add
 * raises the bounds before it locks its groups, so the next add to any
 * of them (which takes the lock after) reads a bound covering this one. */
static unsigned lc_bits_raise(uint32_t *max, unsigned bits)
{
	uint32_t seen = __atomic_load_n(max, __ATOMIC_RELAXED);

	while (seen < bits &&
	       !__atomic_compare_exchange_n(max, &seen, bits, 1,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
	return seen > bits ? seen : bits;
}


static void lc_bounds_raise(llmcost_rollup *r, struct lc_delta *x)
{
	x->nbits = (uint8_t)lc_bits_raise(&r->nbits, x->nbits);
	x->mbits = (uint8_t)lc_bits_raise(&r->mbits, x->mbits);
}


/* ---- finding the groups of a request ----------------------------------- */

/* The overflow group of grouping gi for the request. */
static int lc_overflow_get(llmcost_rollup *r, struct lc_add *a, size_t gi,
			   struct lc_group **out)
{
	uint32_t dims = r->gr[gi].dims;
	char empty[LLMCOST_DIM_COUNT];
	struct lc_probe p;

	lc_key_write_empty(dims, empty);
	p.key = empty;
	p.len = lc_dims_count(dims);
	p.grouping = (uint32_t)gi;
	p.flags = LLMCOST_GROUP_OVERFLOW;
	p.bucket_start = a->start[r->gr[gi].bucket];
	p.hash = lc_mix(lc_hash(empty, p.len), p.bucket_start, p.grouping,
			p.flags);
	return lc_group_get(r, &p, out);
}


static int lc_target_find(llmcost_rollup *r, struct lc_add *a, size_t gi)
{
	struct lc_target *t = &a->t[gi];
	struct lc_probe p;
	int rc;

	p.key = t->key;
	p.len = t->len;
	p.grouping = (uint32_t)gi;
	p.flags = 0;
	p.bucket_start = a->start[r->gr[gi].bucket];
	p.hash = t->probe;
	t->ss = NULL;
	rc = lc_group_get(r, &p, &t->g);
	if (rc != LLMCOST_E_RANGE || lc_is_full(r, &p) == 0)
		return rc;
	if (a->weight > 0)
		t->ss = r->gr[gi].ss;
	return lc_overflow_get(r, a, gi, &t->g);
}


/* ---- prefetching ------------------------------------------------------- */

/* With several groupings, each lookup is a chain of cache misses: the
 * table slot, then the group, then its key bytes, sums and sketch.  The
 * passes below touch each link of every grouping's chain before the real
 * lookups, so that the misses of all groupings overlap instead of
 * following one another.  They only hint, and read only what never
 * changes once published (a slot's group, a group's key pointer) or
 * changes only by atomic stores (a sketch's storage): a wrong guess
 * costs a wasted prefetch, never a wrong result. */

static const struct lc_slot *lc_home_slot(const llmcost_rollup *r,
					  uint64_t hash)
{
	const struct lc_shard *s = &r->shard[hash >> (64 - LC_SHARD_BITS)];
	const struct lc_table *t = __atomic_load_n(&s->table,
						   __ATOMIC_ACQUIRE);

	return &t->slot[(size_t)hash & t->mask];
}


static struct lc_group *lc_home_group(const llmcost_rollup *r,
				      uint64_t hash)
{
	return __atomic_load_n(&lc_home_slot(r, hash)->g, __ATOMIC_ACQUIRE);
}


/* The cache lines of a group that most adds change, for writing. */
static void lc_group_prefetch(const struct lc_group *g)
{
	size_t off, end = offsetof(struct lc_group, sums.m[LC_M_HOT]);

	for (off = 64; off < end; off += 64)
		__builtin_prefetch((const char *)g + off, 1);
}


static void lc_prefetch_slots(const llmcost_rollup *r, struct lc_add *a)
{
	size_t gi;

	for (gi = 0; gi < r->ngr; gi++) {
		a->t[gi].probe = lc_mix(a->t[gi].hash,
					a->start[r->gr[gi].bucket],
					(uint32_t)gi, 0);
		__builtin_prefetch(lc_home_slot(r, a->t[gi].probe));
	}
}


static void lc_prefetch_groups(const llmcost_rollup *r, struct lc_add *a)
{
	struct lc_group *g;
	size_t gi;

	for (gi = 0; gi < r->ngr; gi++) {
		g = lc_home_group(r, a->t[gi].probe);
		if (g != NULL)
			__builtin_prefetch(g, 1);	/* its lock */
	}
}


static void lc_prefetch_rest(const llmcost_rollup *r, struct lc_add *a)
{
	struct lc_group *g;
	size_t gi;

	for (gi = 0; gi < r->ngr; gi++) {
		g = lc_home_group(r, a->t[gi].probe);
		if (g == NULL)
			continue;
		if (g->key_len >= LC_KEY_INLINE)
			__builtin_prefetch(g->key.p);
		lc_group_prefetch(g);
		lc_sk_prefetch(&g->sk[LLMCOST_M_INPUT_TOKENS],
			       a->sk_index[LLMCOST_M_INPUT_TOKENS]);
		lc_sk_prefetch(&g->sk[LLMCOST_M_LATENCY_MS],
			       a->sk_index[LLMCOST_M_LATENCY_MS]);
	}
}


/* ---- applying a request ------------------------------------------------ */

/* The locks an add takes, each list in address order, groups first: two
 * adds then never wait for each other in a cycle. */
struct lc_locks {
	struct lc_group *g[LLMCOST_GROUPING_MAX];
	struct lc_ss *ss[LLMCOST_GROUPING_MAX];
	size_t ng, nss;
};


static void lc_ptrs_sort(void **p, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && (uintptr_t)p[j - 1] > (uintptr_t)p[j];
		     j--) {
			void *tmp = p[j];

			p[j] = p[j - 1];
			p[j - 1] = tmp;
		}
}


static void lc_lock_all(const struct lc_add *a, size_t n, struct lc_locks *l)
{
	size_t i;

	l->ng = l->nss = 0;
	for (i = 0; i < n; i++) {
		l->g[l->ng++] = a->t[i].g;
		if (a->t[i].ss != NULL)
			l->ss[l->nss++] = a->t[i].ss;
	}
	lc_ptrs_sort((void **)l->g, l->ng);
	lc_ptrs_sort((void **)l->ss, l->nss);
	for (i = 0; i < l->ng; i++)
		lc_spin_lock(&l->g[i]->lock);
	for (i = 0; i < l->nss; i++)
		lc_ss_lock(l->ss[i]);
}


static void lc_unlock_all(const struct lc_locks *l)
{
	size_t i;

	for (i = 0; i < l->nss; i++)
		lc_ss_unlock(l->ss[i]);
	for (i = 0; i < l->ng; i++)
		lc_spin_unlock(&l->g[i]->lock);
}


/* Checks that every change can be made.  All locks held. */
static int lc_check_all(struct lc_add *a, size_t n)
{
	size_t i, k;
	int rc;

	for (i = 0; i < n; i++) {
		struct lc_target *t = &a->t[i];

		if (!lc_delta_surely_fits(t->g->sums.n[LC_N_RECORDS],
					  a->delta.nbits, a->delta.mbits) &&
		    lc_delta_fits(&t->g->sums, &a->delta) != 0)
			return lc_error(LLMCOST_E_OVERFLOW, "rollup: a sum of "
					"grouping %zu would overflow", i);
		for (k = 0; k < LLMCOST_M_COUNT; k++)
			if (lc_sk_reserve(&t->g->sk[k],
					       a->sk_index[k]) != 0)
				return lc_error(LLMCOST_E_NOMEM, "rollup: no "
						"memory for a sketch");
		if (t->ss == NULL)
			continue;
		rc = lc_ss_reserve(t->ss, t->key, t->len, t->hash, a->weight);
		if (rc != LLMCOST_OK)
			return lc_error(rc, "rollup: heavy hitters of "
					"grouping %zu: %s", i,
					llmcost_status_message(rc));
	}
	return LLMCOST_OK;
}


static void lc_apply_all(struct lc_add *a, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct lc_target *t = &a->t[i];

		lc_delta_apply(&t->g->sums, &a->delta);
		for (k = 0; k < LLMCOST_M_COUNT; k++)
			lc_sk_add(&t->g->sk[k], a->sk_index[k]);
		if (t->ss != NULL)
			lc_ss_apply(t->ss, t->key, t->len, t->hash, a->weight);
	}
}


static int lc_add_commit(struct lc_add *a, size_t n)
{
	struct lc_locks locks;
	int rc;

	lc_lock_all(a, n, &locks);
	rc = lc_check_all(a, n);
	if (rc == LLMCOST_OK)
		lc_apply_all(a, n);
	lc_unlock_all(&locks);
	return rc;
}


/* ---- options --------------------------------------------------------- */

LLMCOST_API void llmcost_rollup_options_init(llmcost_rollup_options *options)
{
	if (options == NULL)
		return;
	memset(options, 0, sizeof(*options));
	options->struct_size = sizeof(*options);
}


static int lc_grouping_check(const llmcost_rollup_options *o, size_t n,
			     uint32_t dims, int bucket, uint32_t heavy)
{
	size_t i;

	if (dims & ~LC_DIMS_ALL)
		return lc_error(LLMCOST_E_INVALID, "rollup options: unknown "
				"dimension in mask 0x%x", (unsigned)dims);
	if (bucket < 0 || bucket >= LLMCOST_BUCKET_COUNT)
		return lc_error(LLMCOST_E_INVALID, "rollup options: unknown "
				"time bucket %d", bucket);
	if (heavy > LLMCOST_HEAVY_MAX)
		return lc_error(LLMCOST_E_RANGE, "rollup options: %u heavy "
				"hitters; at most %d", (unsigned)heavy,
				LLMCOST_HEAVY_MAX);
	for (i = 0; i < n; i++)
		if (o->dims[i] == dims && o->bucket[i] == (uint32_t)bucket)
			return lc_error(LLMCOST_E_CONFLICT, "rollup options: "
					"grouping %zu has the same dimensions "
					"and bucket", i);
	return LLMCOST_OK;
}


static int lc_options_check(const llmcost_rollup_options *o)
{
	size_t i;
	int rc;

	if (o->struct_size < sizeof(*o))
		return lc_error(LLMCOST_E_SIZE, "rollup options: struct_size "
				"%u is below %zu", (unsigned)o->struct_size,
				sizeof(*o));
	if (o->grouping_count == 0 ||
	    o->grouping_count > LLMCOST_GROUPING_MAX)
		return lc_error(LLMCOST_E_RANGE, "rollup options: %u "
				"groupings; 1 to %d allowed",
				(unsigned)o->grouping_count,
				LLMCOST_GROUPING_MAX);
	for (i = 0; i < o->grouping_count; i++) {
		rc = lc_grouping_check(o, i, o->dims[i], (int)o->bucket[i],
				       o->heavy_hitters[i]);
		if (rc != LLMCOST_OK)
			return rc;
	}
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_rollup_options_add(llmcost_rollup_options *options,
					   uint32_t dims, int bucket,
					   uint64_t max_groups,
					   uint32_t heavy_hitters)
{
	uint32_t n;
	int rc;

	if (options == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"rollup_options_add: options is NULL");
	if (options->struct_size < sizeof(*options))
		return lc_error(LLMCOST_E_SIZE, "rollup_options_add: "
				"struct_size %u is below %zu",
				(unsigned)options->struct_size,
				sizeof(*options));
	n = options->grouping_count;
	if (n >= LLMCOST_GROUPING_MAX)
		return lc_error(LLMCOST_E_RANGE, "rollup_options_add: at most "
				"%d groupings", LLMCOST_GROUPING_MAX);
	rc = lc_grouping_check(options, n, dims, bucket, heavy_hitters);
	if (rc != LLMCOST_OK)
		return rc;
	options->dims[n] = dims;
	options->bucket[n] = (uint32_t)bucket;
	options->max_groups[n] = max_groups;
	options->heavy_hitters[n] = heavy_hitters;
	options->grouping_count = n + 1;
	return (int)n;
}


/* ---- life -------------------------------------------------------------- */

static int lc_rollup_alloc(llmcost_rollup **out)
{
	llmcost_rollup *r = lc_calloc(1, sizeof(*r));
	size_t i;

	*out = r;
	if (r == NULL)
		return LLMCOST_E_NOMEM;
	pthread_mutex_init(&r->grow_lock, NULL);
	for (i = 0; i < LC_SHARDS; i++) {
		pthread_mutex_init(&r->shard[i].lock, NULL);
		r->shard[i].table = lc_table_new(LC_TABLE_FIRST);
		if (r->shard[i].table == NULL)
			return LLMCOST_E_NOMEM;
	}
	return LLMCOST_OK;
}


static int lc_rollup_configure(llmcost_rollup *r,
			       const llmcost_rollup_options *o)
{
	size_t i;

	r->ngr = o->grouping_count;
	for (i = 0; i < r->ngr; i++) {
		struct lc_grouping *gr = &r->gr[i];

		gr->dims = o->dims[i];
		gr->bucket = o->bucket[i];
		gr->heavy = o->heavy_hitters[i];
		gr->max_groups = o->max_groups[i];
		r->buckets |= 1u << gr->bucket;
		r->dims |= gr->dims;
		if (gr->max_groups == 0)
			continue;
		gr->ss = lc_ss_new(gr->heavy);
		if (gr->ss == NULL)
			return LLMCOST_E_NOMEM;
	}
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_rollup_new_with(llmcost_rollup **out,
					const llmcost_rollup_options *options)
{
	llmcost_rollup *r = NULL;
	int rc;

	if (out == NULL || options == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"rollup_new_with: NULL argument");
	*out = NULL;
	rc = lc_options_check(options);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_rollup_alloc(&r);
	if (rc == LLMCOST_OK)
		rc = lc_rollup_configure(r, options);
	if (rc != LLMCOST_OK) {
		llmcost_rollup_free(r);
		return lc_error(rc, "rollup_new_with: no memory");
	}
	*out = r;
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_rollup_new(llmcost_rollup **out)
{
	llmcost_rollup_options o;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "rollup_new: out is NULL");
	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	return llmcost_rollup_new_with(out, &o);
}


static void lc_shard_free(struct lc_shard *s)
{
	struct lc_table *t = s->table, *older;
	struct lc_block *b, *next;

	for (; t != NULL; t = older) {
		older = t->retired;
		lc_free(t);
	}
	for (b = s->keys; b != NULL; b = next) {
		next = b->next;
		lc_free(b);
	}
	pthread_mutex_destroy(&s->lock);
}


LLMCOST_API void llmcost_rollup_free(llmcost_rollup *rollup)
{
	size_t i, k, n;

	if (rollup == NULL)
		return;
	n = rollup->count;
	for (i = 0; i < n; i++)
		for (k = 0; k < LLMCOST_M_COUNT; k++)
			lc_sk_free(&lc_group_at(rollup, i)->sk[k]);
	for (i = 0; i < LC_SHARDS; i++)
		lc_shard_free(&rollup->shard[i]);
	for (i = 0; i < LC_CHUNK_MAX; i++)
		lc_free(rollup->chunk_mem[i]);
	for (i = 0; i < rollup->ngr; i++)
		lc_ss_free(rollup->gr[i].ss);
	pthread_mutex_destroy(&rollup->grow_lock);
	lc_free(rollup);
}


/* ---- adding ------------------------------------------------------------ */

LLMCOST_API int llmcost_rollup_add(llmcost_rollup *rollup,
				   const llmcost_record *record,
				   const llmcost_cost *cost)
{
	struct lc_add a;
	size_t gi;
	int rc;

	if (rollup == NULL || record == NULL || cost == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"rollup_add: NULL argument");
	/* The keys first, so that the table slots load while the sums are
	 * built, and the groups while the bounds are raised. */
	rc = lc_add_keys(rollup, record, &a);
	if (rc == LLMCOST_OK) {
		lc_prefetch_slots(rollup, &a);
		rc = lc_add_sums(cost, &a);
	}
	if (rc == LLMCOST_OK) {
		lc_prefetch_groups(rollup, &a);
		lc_bounds_raise(rollup, &a.delta);
		lc_prefetch_rest(rollup, &a);
	}
	for (gi = 0; gi < rollup->ngr && rc == LLMCOST_OK; gi++)
		rc = lc_target_find(rollup, &a, gi);
	if (rc == LLMCOST_OK)
		rc = lc_add_commit(&a, rollup->ngr);
	lc_add_release(&a);
	return rc;
}


/* ---- reading ----------------------------------------------------------- */

LLMCOST_API size_t llmcost_rollup_count(const llmcost_rollup *rollup)
{
	if (rollup == NULL)
		return 0;
	return __atomic_load_n(&rollup->count, __ATOMIC_ACQUIRE);
}


LLMCOST_API void llmcost_group_init(llmcost_group *group)
{
	if (group == NULL)
		return;
	memset(group, 0, sizeof(*group));
	group->struct_size = sizeof(*group);
}


static int64_t lc_live_quantile(const struct lc_group *g, int metric,
				uint32_t permyriad)
{
	if (g->sums.n[LC_N_RECORDS] == 0)
		return -1;
	return lc_sk_live_quantile(&g->sk[metric],
				   (uint64_t)g->sums.n[LC_N_RECORDS],
				   permyriad);
}


/* Fills a full-size group from g.  Caller holds g's lock. */
static void lc_group_export(const llmcost_rollup *r,
			    const struct lc_group *g, llmcost_group *out)
{
	uint32_t bucket = r->gr[g->grouping].bucket;

	llmcost_group_init(out);
	lc_key_split(lc_group_key(g), r->gr[g->grouping].dims, out->key);
	lc_sums_export(&g->sums, out);
	out->grouping = g->grouping;
	out->flags = g->flags;
	out->bucket_start_ms = g->bucket_start;
	out->day_start_ms = bucket == LLMCOST_BUCKET_DAY ? g->bucket_start
							 : LLMCOST_TIME_UNKNOWN;
	out->input_tokens_p50 = lc_live_quantile(g, LLMCOST_M_INPUT_TOKENS,
						 5000);
	out->input_tokens_p95 = lc_live_quantile(g, LLMCOST_M_INPUT_TOKENS,
						 9500);
	out->latency_p50_ms = lc_live_quantile(g, LLMCOST_M_LATENCY_MS, 5000);
	out->latency_p95_ms = lc_live_quantile(g, LLMCOST_M_LATENCY_MS, 9500);
}


LLMCOST_API int llmcost_rollup_group(const llmcost_rollup *rollup,
				     size_t index, llmcost_group *out)
{
	struct lc_group *g;
	llmcost_group full;
	uint32_t size;

	if (rollup == NULL || out == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"rollup_group: NULL argument");
	size = out->struct_size;
	if (size < LC_GROUP_MIN_SIZE)
		return lc_error(LLMCOST_E_SIZE, "rollup_group: struct_size "
				"%u is below the minimum %zu", (unsigned)size,
				LC_GROUP_MIN_SIZE);
	if (index >= llmcost_rollup_count(rollup))
		return lc_error(LLMCOST_E_NOTFOUND, "rollup_group: no group "
				"%zu", index);
	g = lc_group_at(rollup, index);
	lc_spin_lock(&g->lock);
	lc_group_export(rollup, g, &full);
	lc_spin_unlock(&g->lock);
	full.struct_size = size;
	memcpy(out, &full, size < sizeof(full) ? size : sizeof(full));
	return LLMCOST_OK;
}


/* ---- copying into a snapshot ------------------------------------------- */

/* Copies g's sums and sketches into c and s's pool, under g's lock.  The
 * pool is grown with the lock released, then the copy retried. */
static int lc_group_take(llmcost_snapshot *s, struct lc_group *g,
			 struct lc_sgroup *c)
{
	size_t need, k;

	for (;;) {
		lc_spin_lock(&g->lock);
		need = lc_sk_count(&g->sk[0]) + lc_sk_count(&g->sk[1]);
		if (s->sk_cap - s->sk_len >= need)
			break;
		lc_spin_unlock(&g->lock);
		if (lc_snap_sk_room(s, need * 2 + 64) != LLMCOST_OK)
			return LLMCOST_E_NOMEM;
	}
	c->sums = g->sums;
	for (k = 0; k < LLMCOST_M_COUNT; k++) {
		c->sk_n[k] = (uint32_t)lc_sk_count(&g->sk[k]);
		c->sk_off[k] = s->sk_len;
		if (c->sk_n[k] == 0)
			continue;
		lc_sk_export(&g->sk[k], s->sk + s->sk_len);
		s->sk_len += c->sk_n[k];
	}
	lc_spin_unlock(&g->lock);
	return LLMCOST_OK;
}


static int lc_group_copy(llmcost_snapshot *s, struct lc_group *g)
{
	struct lc_sgroup c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.grouping = g->grouping;
	c.flags = g->flags;
	c.bucket_start = g->bucket_start;
	c.key_len = g->key_len;
	rc = lc_snap_key_add(s, lc_group_key(g), g->key_len,
			     &c.key_off);
	if (rc == LLMCOST_OK)
		rc = lc_group_take(s, g, &c);
	if (rc == LLMCOST_OK)
		rc = lc_snap_group_add(s, &c);
	return rc;
}


static int lc_groupings_copy(const llmcost_rollup *r, llmcost_snapshot *s)
{
	size_t gi;
	int rc;

	s->gr = lc_calloc(r->ngr, sizeof(*s->gr));
	if (s->gr == NULL)
		return LLMCOST_E_NOMEM;
	s->ngr = r->ngr;
	for (gi = 0; gi < r->ngr; gi++) {
		const struct lc_grouping *gr = &r->gr[gi];
		struct lc_sgrouping *sg = &s->gr[gi];

		sg->dims = gr->dims;
		sg->bucket = gr->bucket;
		sg->heavy = gr->heavy;
		sg->max_groups = gr->max_groups;
		if (gr->ss == NULL)
			continue;
		rc = lc_ss_copy(gr->ss, s, sg);
		if (rc != LLMCOST_OK)
			return rc;
	}
	return LLMCOST_OK;
}


int lc_rollup_copy(const llmcost_rollup *r, llmcost_snapshot *s)
{
	size_t i, n = llmcost_rollup_count(r);
	int rc = lc_groupings_copy(r, s);

	for (i = 0; i < n && rc == LLMCOST_OK; i++)
		rc = lc_group_copy(s, lc_group_at(r, i));
	return rc;
}
