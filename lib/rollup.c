/*
 * rollup.c - in-memory accumulators keyed by team, user, feature, model
 * and UTC day.
 *
 * Layout
 * ------
 * Groups live in one append-only array of chunks: chunk k holds
 * LC_CHUNK_BASE << k groups and is never moved or reallocated, so a group
 * keeps its address and its number for the life of the rollup.  A group's
 * number is its position in that array, in the order groups were made.
 *
 * Keys are spread over LC_SHARDS shards by their hash.  Each shard has a
 * mutex and a map from encoded key to group number; a group's sums are
 * read and written only under its shard's mutex.  Making a group also
 * takes grow_lock (always after the shard's mutex), which serialises the
 * chunk array and the published count.  Readers load the count with
 * acquire order, so every group below it is fully built.
 *
 * Adding to an existing group hashes the key once, takes one mutex and
 * does not allocate (unless the key is longer than LC_KEY_STACK bytes).
 *
 * Key encoding
 * ------------
 * team, user, feature and model, each followed by its NUL, then the day
 * start as 8 bytes.  C strings hold no NUL, so each terminator marks its
 * string's length without ambiguity.  The map keeps one stable copy of
 * the encoded key; the group's key pointers point into that copy.
 */
#include <pthread.h>
#include <string.h>

#include "internal.h"

#define LC_SHARDS 16
#define LC_SHARD_SHIFT 60		/* top 4 hash bits pick the shard */
#define LC_CHUNK_BASE 64		/* groups in chunk 0 */
#define LC_CHUNK_MAX 32			/* 64 * (2^32 - 1) groups: enough */
#define LC_GROUP_MAX UINT32_MAX		/* map values are uint32_t */
#define LC_KEY_STACK 512		/* longer keys go to the heap */
#define LC_DAY_MS ((int64_t)86400000)

/* The smallest structs any released header has described. */
#define LC_COST_MIN_SIZE \
	(offsetof(llmcost_cost, note) + LLMCOST_NOTE_SIZE)
#define LC_GROUP_MIN_SIZE \
	(offsetof(llmcost_group, component) + \
	 LLMCOST_C_CAPACITY * sizeof(llmcost_money))

/* Counters summed by plain int64 addition, in one array. */
enum lc_count {
	LC_N_REQUESTS = 0,
	LC_N_PRICED,
	LC_N_UNPRICED,
	LC_N_TOKENS,
	LC_N_RETRIES = LC_N_TOKENS + LLMCOST_T_COUNT,
	LC_N_ERRORS,
	LC_N_LATENCY,
	LC_N_COUNT
};

/* Only the components this version's llmcost_price() fills are summed;
 * the rest of llmcost_group.component[] reads as zero. */
struct lc_sums {
	int64_t n[LC_N_COUNT];
	int64_t latency_max_ms;
	lc_i128 total;
	lc_i128 component[LLMCOST_C_COUNT];
};

/* The sums come first: they are what an add touches. */
struct lc_group {
	struct lc_sums sums;
	const char *key[LLMCOST_DIM_COUNT];
	int64_t day_start_ms;
	unsigned shard;
};

struct lc_shard {
	pthread_mutex_t lock;
	lc_map *map;
} __attribute__((aligned(64)));

struct llmcost_rollup {
	struct lc_shard shard[LC_SHARDS];
	pthread_mutex_t grow_lock;
	struct lc_group *chunk[LC_CHUNK_MAX];
	size_t count;			/* atomic; published groups */
};

/* One request's key, encoded, with its hash. */
struct lc_key {
	char stack[LC_KEY_STACK];
	char *bytes;
	size_t len;
	size_t part_len[LLMCOST_DIM_COUNT];
	int64_t day;
	uint64_t hash;
};


/* ---- chunked group storage ------------------------------------------ */

/* Which chunk holds group number index, and where in it. */
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

	if (r->chunk[k] != NULL)
		return LLMCOST_OK;
	r->chunk[k] = lc_calloc((size_t)LC_CHUNK_BASE << k,
				sizeof(struct lc_group));
	if (r->chunk[k] == NULL)
		return lc_error(LLMCOST_E_NOMEM, "rollup: no memory for %zu "
				"more groups", (size_t)LC_CHUNK_BASE << k);
	return LLMCOST_OK;
}


/* ---- public structs by size ----------------------------------------- */

LLMCOST_API void llmcost_group_init(llmcost_group *group)
{
	if (group == NULL)
		return;
	memset(group, 0, sizeof(*group));
	group->struct_size = sizeof(*group);
}


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
	*out = tmp;
	return LLMCOST_OK;
}


/* The same for a record, through lc_record_copy() when it is small. */
static int lc_record_view(const llmcost_record *in, llmcost_record *tmp,
			  const llmcost_record **out)
{
	int rc;

	*out = in;
	if (in->struct_size >= sizeof(*tmp))
		return LLMCOST_OK;
	rc = lc_record_copy(in, tmp);
	*out = tmp;
	return rc;
}


/* ---- one request's contribution --------------------------------------- */

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
	int failed = rec->status_code >= 400 ||
		     (rec->flags & LLMCOST_RECORD_FAILED);

	d->n[LC_N_REQUESTS] = rec->request_count;
	d->n[priced ? LC_N_PRICED : LC_N_UNPRICED] = rec->request_count;
	d->n[LC_N_TOKENS + LLMCOST_T_INPUT] = rec->input_tokens;
	d->n[LC_N_TOKENS + LLMCOST_T_OUTPUT] = rec->output_tokens;
	d->n[LC_N_TOKENS + LLMCOST_T_CACHED] = rec->cached_tokens;
	d->n[LC_N_TOKENS + LLMCOST_T_CACHE_WRITE_5M] =
		rec->cache_write_tokens;
	d->n[LC_N_TOKENS + LLMCOST_T_CACHE_WRITE_1H] =
		rec->cache_write_1h_tokens;
	d->n[LC_N_TOKENS + LLMCOST_T_REASONING] = rec->reasoning_tokens;
	d->n[LC_N_RETRIES] = rec->retry_count;
	d->n[LC_N_ERRORS] = failed ? 1 : 0;
	d->n[LC_N_LATENCY] = rec->latency_ms;
	d->latency_max_ms = rec->latency_ms;
}


static void lc_delta_money(const llmcost_cost *cost, struct lc_sums *d)
{
	size_t i;

	d->total = lc_money_to_i128(cost->total);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		d->component[i] = lc_money_to_i128(cost->component[i]);
}


/* Checks record and cost and turns them into the sums to add. */
static int lc_delta_make(const llmcost_record *rec, const llmcost_cost *cost,
			 struct lc_sums *d)
{
	int priced = 0;
	int rc = lc_classify(cost->status, &priced);

	if (rc != LLMCOST_OK)
		return rc;
	rc = llmcost_record_check(rec);
	if (rc != LLMCOST_OK)
		return rc;
	memset(d, 0, sizeof(*d));
	lc_delta_counts(rec, priced, d);
	if (priced)
		lc_delta_money(cost, d);
	return LLMCOST_OK;
}


/* next = base + d, all or nothing.  -1 on any overflow. */
static int lc_sums_add(const struct lc_sums *base, const struct lc_sums *d,
		       struct lc_sums *next)
{
	size_t i;

	for (i = 0; i < LC_N_COUNT; i++)
		if (__builtin_add_overflow(base->n[i], d->n[i], &next->n[i]))
			return -1;
	next->latency_max_ms = base->latency_max_ms > d->latency_max_ms ?
			       base->latency_max_ms : d->latency_max_ms;
	if (lc_i128_add(base->total, d->total, &next->total) != 0)
		return -1;
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		if (lc_i128_add(base->component[i], d->component[i],
				&next->component[i]) != 0)
			return -1;
	return 0;
}


/* Adds d to g.  Caller holds g's shard lock. */
static int lc_group_apply(struct lc_group *g, const struct lc_sums *d)
{
	struct lc_sums next;

	if (lc_sums_add(&g->sums, d, &next) != 0)
		return lc_error(LLMCOST_E_OVERFLOW, "rollup: a sum of group "
				"%s/%s/%s/%s would overflow", g->key[0],
				g->key[1], g->key[2], g->key[3]);
	g->sums = next;
	return LLMCOST_OK;
}


/* ---- keys ----------------------------------------------------------- */

static int lc_day_of(int64_t ms, int64_t *day)
{
	if (ms == LLMCOST_TIME_UNKNOWN) {
		*day = LLMCOST_TIME_UNKNOWN;
		return LLMCOST_OK;
	}
	if (ms < INT64_MIN + LC_DAY_MS)
		return lc_error(LLMCOST_E_RANGE, "rollup: timestamp_ms %lld "
				"has no UTC day in range", (long long)ms);
	*day = lc_time_day_start(ms);
	return LLMCOST_OK;
}


static const char *lc_or_empty(const char *s)
{
	return s != NULL ? s : "";
}


/* Encodes the key of rec for the day in k->day and hashes it. */
static int lc_key_make(const llmcost_record *rec, struct lc_key *k)
{
	const char *part[LLMCOST_DIM_COUNT];
	size_t i, len = sizeof(k->day), pos = 0;

	part[LLMCOST_DIM_TEAM] = lc_or_empty(rec->team_id);
	part[LLMCOST_DIM_USER] = lc_or_empty(rec->user_id);
	part[LLMCOST_DIM_FEATURE] = lc_or_empty(rec->feature_name);
	part[LLMCOST_DIM_MODEL] = lc_or_empty(rec->model);
	for (i = 0; i < LLMCOST_DIM_COUNT; i++) {
		k->part_len[i] = strlen(part[i]);
		len += k->part_len[i] + 1;
	}
	k->bytes = len <= sizeof(k->stack) ? k->stack : lc_malloc(len);
	if (k->bytes == NULL)
		return lc_error(LLMCOST_E_NOMEM, "rollup: no memory for a "
				"key of %zu bytes", len);
	for (i = 0; i < LLMCOST_DIM_COUNT; i++) {
		memcpy(k->bytes + pos, part[i], k->part_len[i] + 1);
		pos += k->part_len[i] + 1;
	}
	memcpy(k->bytes + pos, &k->day, sizeof(k->day));
	k->len = len;
	k->hash = lc_hash(k->bytes, k->len);
	return LLMCOST_OK;
}


static void lc_key_release(struct lc_key *k)
{
	if (k->bytes != k->stack)
		lc_free(k->bytes);
}


/* ---- making a group --------------------------------------------------- */

/* Points g's key strings into the map's stable copy of the key. */
static void lc_group_set_key(struct lc_group *g, const struct lc_key *k,
			     const char *stored)
{
	size_t i, pos = 0;

	for (i = 0; i < LLMCOST_DIM_COUNT; i++) {
		g->key[i] = stored + pos;
		pos += k->part_len[i] + 1;
	}
	g->day_start_ms = k->day;
}


/* Makes the group for k holding d.  Caller holds the shard lock and
 * grow_lock. */
static int lc_group_create_locked(llmcost_rollup *r, unsigned shard,
				  const struct lc_key *k,
				  const struct lc_sums *d)
{
	size_t index = __atomic_load_n(&r->count, __ATOMIC_RELAXED);
	const char *stored = NULL;
	struct lc_group *g;
	int rc;

	if (index >= LC_GROUP_MAX)
		return lc_error(LLMCOST_E_RANGE, "rollup: more than %u "
				"groups", (unsigned)LC_GROUP_MAX);
	rc = lc_reserve(r, index);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_map_put(r->shard[shard].map, k->bytes, k->len,
			(uint32_t)index, &stored);
	if (rc != LLMCOST_OK)
		return lc_error(rc, "rollup: cannot store a group key of %zu "
				"bytes", k->len);
	g = lc_group_at(r, index);
	lc_group_set_key(g, k, stored);
	g->shard = shard;
	g->sums = *d;
	__atomic_store_n(&r->count, index + 1, __ATOMIC_RELEASE);
	return LLMCOST_OK;
}


static int lc_group_create(llmcost_rollup *r, unsigned shard,
			   const struct lc_key *k, const struct lc_sums *d)
{
	int rc;

	pthread_mutex_lock(&r->grow_lock);
	rc = lc_group_create_locked(r, shard, k, d);
	pthread_mutex_unlock(&r->grow_lock);
	return rc;
}


/* Adds d to the group of k, making the group if it is new. */
static int lc_rollup_apply(llmcost_rollup *r, const struct lc_key *k,
			   const struct lc_sums *d)
{
	unsigned shard = (unsigned)(k->hash >> LC_SHARD_SHIFT);
	struct lc_shard *s = &r->shard[shard];
	uint32_t index;
	int rc;

	pthread_mutex_lock(&s->lock);
	if (lc_map_get_hashed(s->map, k->bytes, k->len, k->hash, &index))
		rc = lc_group_apply(lc_group_at(r, index), d);
	else
		rc = lc_group_create(r, shard, k, d);
	pthread_mutex_unlock(&s->lock);
	return rc;
}


/* ---- public functions ------------------------------------------------ */

LLMCOST_API int llmcost_rollup_new(llmcost_rollup **out)
{
	llmcost_rollup *r;
	size_t i;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "rollup_new: out is NULL");
	*out = NULL;
	r = lc_calloc(1, sizeof(*r));
	if (r == NULL)
		return lc_error(LLMCOST_E_NOMEM, "rollup_new: no memory");
	pthread_mutex_init(&r->grow_lock, NULL);
	for (i = 0; i < LC_SHARDS; i++)
		pthread_mutex_init(&r->shard[i].lock, NULL);
	for (i = 0; i < LC_SHARDS; i++) {
		r->shard[i].map = lc_map_new();
		if (r->shard[i].map == NULL) {
			llmcost_rollup_free(r);
			return lc_error(LLMCOST_E_NOMEM,
					"rollup_new: no memory");
		}
	}
	*out = r;
	return LLMCOST_OK;
}


LLMCOST_API void llmcost_rollup_free(llmcost_rollup *rollup)
{
	size_t i;

	if (rollup == NULL)
		return;
	for (i = 0; i < LC_SHARDS; i++) {
		lc_map_free(rollup->shard[i].map);
		pthread_mutex_destroy(&rollup->shard[i].lock);
	}
	for (i = 0; i < LC_CHUNK_MAX; i++)
		lc_free(rollup->chunk[i]);
	pthread_mutex_destroy(&rollup->grow_lock);
	lc_free(rollup);
}


/* Copies and checks the caller's structs; builds the sums and the key. */
static int lc_add_prepare(const llmcost_record *record,
			  const llmcost_cost *cost, struct lc_sums *d,
			  struct lc_key *k)
{
	const llmcost_record *rec = NULL;
	const llmcost_cost *c = NULL;
	llmcost_record rec_tmp;
	llmcost_cost cost_tmp;
	int rc;

	rc = lc_record_view(record, &rec_tmp, &rec);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_cost_view(cost, &cost_tmp, &c);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_delta_make(rec, c, d);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_day_of(rec->timestamp_ms, &k->day);
	if (rc != LLMCOST_OK)
		return rc;
	return lc_key_make(rec, k);
}


LLMCOST_API int llmcost_rollup_add(llmcost_rollup *rollup,
				   const llmcost_record *record,
				   const llmcost_cost *cost)
{
	struct lc_sums d;
	struct lc_key k;
	int rc;

	if (rollup == NULL || record == NULL || cost == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"rollup_add: NULL argument");
	rc = lc_add_prepare(record, cost, &d, &k);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_rollup_apply(rollup, &k, &d);
	lc_key_release(&k);
	return rc;
}


LLMCOST_API size_t llmcost_rollup_count(const llmcost_rollup *rollup)
{
	if (rollup == NULL)
		return 0;
	return __atomic_load_n(&rollup->count, __ATOMIC_ACQUIRE);
}


/* Fills a full-size group from g.  Caller holds g's shard lock. */
static void lc_group_export(const struct lc_group *g, llmcost_group *out)
{
	const struct lc_sums *s = &g->sums;
	size_t i;

	llmcost_group_init(out);
	for (i = 0; i < LLMCOST_DIM_COUNT; i++)
		out->key[i] = g->key[i];
	out->day_start_ms = g->day_start_ms;
	out->requests = s->n[LC_N_REQUESTS];
	out->priced_requests = s->n[LC_N_PRICED];
	out->unpriced_requests = s->n[LC_N_UNPRICED];
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		out->tokens[i] = s->n[LC_N_TOKENS + i];
	out->retries = s->n[LC_N_RETRIES];
	out->errors = s->n[LC_N_ERRORS];
	out->latency_sum_ms = s->n[LC_N_LATENCY];
	out->latency_max_ms = s->latency_max_ms;
	out->total = lc_money_from_i128(s->total);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		out->component[i] = lc_money_from_i128(s->component[i]);
}


LLMCOST_API int llmcost_rollup_group(const llmcost_rollup *rollup,
				     size_t index, llmcost_group *out)
{
	llmcost_rollup *r = (llmcost_rollup *)rollup;
	const struct lc_group *g;
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
	g = lc_group_at(r, index);
	pthread_mutex_lock(&r->shard[g->shard].lock);
	lc_group_export(g, &full);
	pthread_mutex_unlock(&r->shard[g->shard].lock);
	full.struct_size = size;
	memcpy(out, &full, size < sizeof(full) ? size : sizeof(full));
	return LLMCOST_OK;
}
