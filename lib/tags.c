/*
 * tags.c - the canonical-tag normaliser: vocabularies, lookups and the
 * counts of what could not be mapped.
 *
 * Vocabulary
 * ----------
 * Each dimension has its folding rules, its unmapped policy, an ordered
 * list of canonical values and one of aliases, and a map from folded key
 * to (canonical index << 1 | is-alias).  Keys live in that map's arena.
 * The vocabulary is built from one thread and frozen by the first lookup;
 * after that it is only read, without locks.
 *
 * Lookup cache
 * ------------
 * Raw values are remembered in LC_SHARDS shards picked by the hash of
 * (dimension, raw bytes).  Each shard has a read-write lock, a map from
 * that key to an entry number, and its entries.  An entry holds a raw
 * value's result and its counters.  A lookup of a remembered value takes
 * the shard's read lock, copies the result and adds to the counters with
 * atomic operations: it never allocates.  A new value is folded outside
 * any lock and then added under the write lock, unless the dimension's
 * limit is reached.  Entries are never removed or moved, so counts can
 * hand out pointers into them.
 *
 * Counters
 * --------
 * Every counter is updated with relaxed atomic adds.  Cost is a 128-bit
 * sum kept as two 64-bit words: the low word is added atomically and a
 * carry out of it is added to the high word, so the sum is exact once
 * the adds are done, in any order.
 */
#include <pthread.h>
#include <string.h>

#include "tags.h"

#define LC_SHARDS 16
#define LC_SHARD_SHIFT 60		/* top 4 hash bits pick the shard */
#define LC_CANON_MAX ((size_t)1 << 30)	/* map values hold index << 1 */

struct lc_canon {
	char *value;
	const char *key;	/* in the vocabulary's map arena */
};

struct lc_alias {
	char *value;
	const char *key;
	uint32_t canon;
};

struct lc_vocab {
	unsigned fold;
	int policy;
	char *bucket;		/* for LLMCOST_UNMAPPED_BUCKET */
	char *empty;		/* NULL: "" */
	size_t limit;
	struct lc_canon *canon;
	size_t ncanon, canon_cap;
	struct lc_alias *alias;
	size_t nalias, alias_cap;
	lc_map *keys;
};

struct lc_counter {
	int64_t lookups;
	int64_t requests;
	uint64_t cost_lo;
	uint64_t cost_hi;
	uint32_t flags;
};

/* One remembered raw value: its result and its counts. */
struct lc_tag_entry {
	struct lc_counter n;
	uint32_t outcome;
	uint32_t report;
	int32_t canon;
	uint32_t raw_len;
	const char *value;	/* into the vocabulary or this entry */
	const char *text;
	const char *key;
	char raw[];		/* raw, NUL, text, NUL, key, NUL */
};

struct lc_dim_stats {
	struct lc_counter total[LLMCOST_TAG_OUTCOME_COUNT];
	struct lc_counter untracked;
	size_t cached;		/* atomic: entries made for this dimension */
	pthread_mutex_t list_lock;
	struct lc_tag_entry **unmapped;
	size_t nunmapped, unmapped_cap;
	size_t nreserved;	/* places promised to lookups adding */
};

struct lc_tag_shard {
	pthread_rwlock_t lock;
	lc_map *map;
	struct lc_tag_entry **entry;
	size_t n, cap;
} __attribute__((aligned(64)));

struct llmcost_tags {
	struct lc_tag_shard shard[LC_SHARDS];
	struct lc_vocab vocab[LLMCOST_TAG_DIM_COUNT];
	struct lc_dim_stats stats[LLMCOST_TAG_DIM_COUNT];
	int frozen;		/* atomic */
};

/* A lookup's result before it is stored or copied out. */
struct lc_result {
	struct lc_clean clean;
	uint32_t outcome;
	int32_t canon;
	const char *value;	/* a vocabulary string, or key, or text */
	size_t key_len, text_len;
	char key[LLMCOST_TAG_STRLEN];
	char text[LLMCOST_TAG_STRLEN];
};

static const char *const lc_dim_names[LLMCOST_TAG_DIM_COUNT] = {
	[LLMCOST_TAG_TEAM] = "team",
	[LLMCOST_TAG_FEATURE] = "feature",
	[LLMCOST_TAG_ENVIRONMENT] = "environment",
	[LLMCOST_TAG_TENANT] = "tenant",
	[LLMCOST_TAG_WORKFLOW] = "workflow",
	[LLMCOST_TAG_USER] = "user",
};

static const char *const lc_outcome_names[LLMCOST_TAG_OUTCOME_COUNT] = {
	[LLMCOST_TAG_MISSING] = "missing",
	[LLMCOST_TAG_EMPTY] = "empty",
	[LLMCOST_TAG_CANONICAL] = "canonical",
	[LLMCOST_TAG_ALIAS] = "alias",
	[LLMCOST_TAG_UNMAPPED] = "unmapped",
};


/* ---- names ----------------------------------------------------------- */

LLMCOST_API const char *llmcost_tag_dim_name(int dim)
{
	if (dim < 0 || dim >= LLMCOST_TAG_DIM_COUNT)
		return "";
	return lc_dim_names[dim];
}


LLMCOST_API int llmcost_tag_dim_from_name(const char *name)
{
	int dim;

	for (dim = 0; name != NULL && dim < LLMCOST_TAG_DIM_COUNT; dim++) {
		if (strcmp(name, lc_dim_names[dim]) == 0)
			return dim;
	}
	return lc_error(LLMCOST_E_NOTFOUND, "no tag dimension named '%.40s'",
			name ? name : "(null)");
}


LLMCOST_API const char *llmcost_tag_outcome_name(int outcome)
{
	if (outcome < 0 || outcome >= LLMCOST_TAG_OUTCOME_COUNT)
		return "";
	return lc_outcome_names[outcome];
}


/* ---- counters -------------------------------------------------------- */

static void lc_count(struct lc_counter *c, int64_t requests, lc_i128 cost,
		     unsigned report)
{
	uint64_t lo = (uint64_t)(unsigned __int128)cost;
	uint64_t hi = (uint64_t)((unsigned __int128)cost >> 64);
	uint64_t old;

	__atomic_fetch_add(&c->lookups, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->requests, requests, __ATOMIC_RELAXED);
	old = __atomic_fetch_add(&c->cost_lo, lo, __ATOMIC_RELAXED);
	if (old + lo < old)
		hi++;
	if (hi != 0)
		__atomic_fetch_add(&c->cost_hi, hi, __ATOMIC_RELAXED);
	if (report != 0)
		__atomic_fetch_or(&c->flags, report, __ATOMIC_RELAXED);
}


static void lc_count_read(const struct lc_counter *c, llmcost_tag_count *out)
{
	uint64_t lo = __atomic_load_n(&c->cost_lo, __ATOMIC_RELAXED);
	uint64_t hi = __atomic_load_n(&c->cost_hi, __ATOMIC_RELAXED);

	out->flags = __atomic_load_n(&c->flags, __ATOMIC_RELAXED);
	out->lookups = __atomic_load_n(&c->lookups, __ATOMIC_RELAXED);
	out->requests = __atomic_load_n(&c->requests, __ATOMIC_RELAXED);
	out->cost.lo = lo;
	out->cost.hi = (int64_t)hi;
	out->raw = NULL;
	out->raw_len = 0;
	out->text = NULL;
	out->key = NULL;
	out->value = NULL;
}


/* ---- handle ---------------------------------------------------------- */

static void lc_vocab_defaults(struct lc_vocab *v, int dim)
{
	memset(v, 0, sizeof(*v));
	v->fold = dim == LLMCOST_TAG_USER ? LLMCOST_FOLD_TRIM
					  : LLMCOST_FOLD_DEFAULT;
	v->policy = LLMCOST_UNMAPPED_FOLDED;
	v->limit = LLMCOST_TAGS_DEFAULT_LIMIT;
}


static void lc_vocab_free(struct lc_vocab *v)
{
	size_t i;

	for (i = 0; i < v->ncanon; i++)
		lc_free(v->canon[i].value);
	for (i = 0; i < v->nalias; i++)
		lc_free(v->alias[i].value);
	lc_free(v->canon);
	lc_free(v->alias);
	lc_free(v->bucket);
	lc_free(v->empty);
	lc_map_free(v->keys);
}


LLMCOST_API int llmcost_tags_new(llmcost_tags **out)
{
	llmcost_tags *t;
	int i;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "tags: out is NULL");
	*out = NULL;
	t = lc_calloc(1, sizeof(*t));
	if (t == NULL)
		return lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
	for (i = 0; i < LC_SHARDS; i++)
		pthread_rwlock_init(&t->shard[i].lock, NULL);
	for (i = 0; i < LLMCOST_TAG_DIM_COUNT; i++) {
		lc_vocab_defaults(&t->vocab[i], i);
		pthread_mutex_init(&t->stats[i].list_lock, NULL);
	}
	*out = t;
	return LLMCOST_OK;
}


LLMCOST_API void llmcost_tags_free(llmcost_tags *tags)
{
	size_t i, j;

	if (tags == NULL)
		return;
	for (i = 0; i < LC_SHARDS; i++) {
		struct lc_tag_shard *s = &tags->shard[i];

		for (j = 0; j < s->n; j++)
			lc_free(s->entry[j]);
		lc_free(s->entry);
		lc_map_free(s->map);
		pthread_rwlock_destroy(&s->lock);
	}
	for (i = 0; i < LLMCOST_TAG_DIM_COUNT; i++) {
		lc_vocab_free(&tags->vocab[i]);
		lc_free(tags->stats[i].unmapped);
		pthread_mutex_destroy(&tags->stats[i].list_lock);
	}
	lc_free(tags);
}


/* ---- argument checks ------------------------------------------------- */

static int lc_check_dim(const llmcost_tags *t, int dim, const char *what)
{
	if (t == NULL)
		return lc_error(LLMCOST_E_INVALID, "%s: tags is NULL", what);
	if (dim < 0 || dim >= LLMCOST_TAG_DIM_COUNT)
		return lc_error(LLMCOST_E_INVALID, "%s: no tag dimension %d",
				what, dim);
	return LLMCOST_OK;
}


int lc_tags_check_open(const llmcost_tags *t)
{
	if (__atomic_load_n(&t->frozen, __ATOMIC_ACQUIRE))
		return lc_error(LLMCOST_E_INVALID, "tags: the vocabulary "
				"cannot change after the first lookup");
	return LLMCOST_OK;
}


/* Checks a setter's handle and dimension, and that it is not frozen. */
static int lc_check_edit(const llmcost_tags *t, int dim, const char *what)
{
	int rc = lc_check_dim(t, dim, what);

	return rc != LLMCOST_OK ? rc : lc_tags_check_open(t);
}


/* Checks a vocabulary string (a canonical value, an alias, a bucket or
 * a label): UTF-8 without control characters, not too long. */
static int lc_check_word(const char *s, const char *what)
{
	struct lc_clean c;
	size_t len;

	if (s == NULL)
		return lc_error(LLMCOST_E_INVALID, "%s is NULL", what);
	len = strlen(s);
	if (len > LC_TAG_MAX)
		return lc_error(LLMCOST_E_RANGE, "%s '%.40s...' is %zu bytes, "
				"more than %d", what, s, len, LC_TAG_MAX);
	lc_tag_clean(s, len, &c);
	if (c.report & LLMCOST_TAG_BAD_UTF8)
		return lc_error(LLMCOST_E_INVALID, "%s is not valid UTF-8",
				what);
	if (c.report & LC_TAG_UNCLEAN)
		return lc_error(LLMCOST_E_INVALID, "%s '%.60s' holds control "
				"or invisible characters", what, s);
	return LLMCOST_OK;
}


/* Checks a vocabulary entry and folds it; an empty key is refused. */
static int lc_word_key(const struct lc_vocab *v, const char *s,
		       const char *what, char *key, size_t *key_len)
{
	struct lc_clean c;
	int rc = lc_check_word(s, what);

	if (rc != LLMCOST_OK)
		return rc;
	lc_tag_clean(s, strlen(s), &c);
	*key_len = lc_tag_fold_clean(&c, v->fold, key, &c.report);
	if (*key_len == 0)
		return lc_error(LLMCOST_E_INVALID, "%s '%.60s' folds to an "
				"empty key", what, s);
	return LLMCOST_OK;
}


/* ---- vocabulary ------------------------------------------------------ */

static int lc_grow(void **items, size_t *cap, size_t need, size_t size)
{
	size_t want = *cap ? *cap : 8;
	void *grown;

	if (need <= *cap)
		return LLMCOST_OK;
	while (want < need)
		want *= 2;
	grown = lc_realloc(*items, want * size);
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
	*items = grown;
	*cap = want;
	return LLMCOST_OK;
}


static int lc_vocab_map(struct lc_vocab *v)
{
	if (v->keys == NULL)
		v->keys = lc_map_new();
	return v->keys != NULL ? LLMCOST_OK
		: lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
}


/* Who owns key: 1 and sets *canon, *alias if an entry does, else 0. */
static int lc_key_owner(const struct lc_vocab *v, const char *key,
			size_t len, uint32_t *canon, int *alias)
{
	uint32_t slot;

	if (v->keys == NULL || !lc_map_get(v->keys, key, len, &slot))
		return 0;
	*canon = slot >> 1;
	*alias = (int)(slot & 1u);
	return 1;
}


static int lc_add_canon(struct lc_vocab *v, const char *value,
			const char *key, size_t key_len)
{
	struct lc_canon *c;
	uint32_t slot = (uint32_t)v->ncanon << 1;
	int rc;

	if (v->ncanon >= LC_CANON_MAX)
		return lc_error(LLMCOST_E_RANGE, "tags: too many values");
	rc = lc_grow((void **)&v->canon, &v->canon_cap, v->ncanon + 1,
		     sizeof(*v->canon));
	if (rc == LLMCOST_OK)
		rc = lc_vocab_map(v);
	if (rc != LLMCOST_OK)
		return rc;
	c = &v->canon[v->ncanon];
	c->value = lc_strdup(value);
	if (c->value == NULL ||
	    lc_map_put(v->keys, key, key_len, slot, &c->key) != LLMCOST_OK) {
		lc_free(c->value);
		return lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
	}
	v->ncanon++;
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_tags_add(llmcost_tags *tags, int dim,
				 const char *canonical)
{
	char key[LLMCOST_TAG_STRLEN];
	struct lc_vocab *v;
	size_t len;
	uint32_t owner;
	int alias, rc = lc_check_edit(tags, dim, "tags add");

	if (rc != LLMCOST_OK)
		return rc;
	v = &tags->vocab[dim];
	rc = lc_word_key(v, canonical, "canonical value", key, &len);
	if (rc != LLMCOST_OK)
		return rc;
	if (!lc_key_owner(v, key, len, &owner, &alias))
		return lc_add_canon(v, canonical, key, len);
	if (alias)
		return lc_error(LLMCOST_E_CONFLICT, "value '%.60s' is already "
				"an alias of '%.60s'", canonical,
				v->canon[owner].value);
	return LLMCOST_OK;
}


static int lc_add_alias(struct lc_vocab *v, uint32_t canon,
			const char *value, const char *key, size_t key_len)
{
	struct lc_alias *a;
	int rc = lc_grow((void **)&v->alias, &v->alias_cap, v->nalias + 1,
			 sizeof(*v->alias));

	if (rc != LLMCOST_OK)
		return rc;
	a = &v->alias[v->nalias];
	a->canon = canon;
	a->value = lc_strdup(value);
	if (a->value == NULL ||
	    lc_map_put(v->keys, key, key_len, canon << 1 | 1u,
		       &a->key) != LLMCOST_OK) {
		lc_free(a->value);
		return lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
	}
	v->nalias++;
	return LLMCOST_OK;
}


/* Adds alias to canonical value number canon. */
static int lc_alias_to(struct lc_vocab *v, uint32_t canon, const char *alias)
{
	char key[LLMCOST_TAG_STRLEN];
	size_t len;
	uint32_t owner;
	int is_alias, rc = lc_word_key(v, alias, "alias", key, &len);

	if (rc != LLMCOST_OK)
		return rc;
	if (!lc_key_owner(v, key, len, &owner, &is_alias))
		return lc_add_alias(v, canon, alias, key, len);
	if (owner != canon)
		return lc_error(LLMCOST_E_CONFLICT, "alias '%.60s' already "
				"belongs to '%.60s'", alias,
				v->canon[owner].value);
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_tags_add_alias(llmcost_tags *tags, int dim,
				       const char *canonical,
				       const char *alias)
{
	char key[LLMCOST_TAG_STRLEN];
	struct lc_vocab *v;
	size_t len;
	uint32_t owner;
	int is_alias, rc = lc_check_edit(tags, dim, "tags add alias");

	if (rc != LLMCOST_OK)
		return rc;
	v = &tags->vocab[dim];
	rc = lc_word_key(v, canonical, "canonical value", key, &len);
	if (rc != LLMCOST_OK)
		return rc;
	if (!lc_key_owner(v, key, len, &owner, &is_alias) || is_alias)
		return lc_error(LLMCOST_E_NOTFOUND, "no canonical %s value "
				"'%.60s'", lc_dim_names[dim], canonical);
	return lc_alias_to(v, owner, alias);
}


LLMCOST_API size_t llmcost_tags_canonical_count(const llmcost_tags *tags,
						int dim)
{
	if (tags == NULL || dim < 0 || dim >= LLMCOST_TAG_DIM_COUNT)
		return 0;
	return tags->vocab[dim].ncanon;
}


LLMCOST_API const char *llmcost_tags_canonical(const llmcost_tags *tags,
					       int dim, size_t index)
{
	if (tags == NULL || dim < 0 || dim >= LLMCOST_TAG_DIM_COUNT ||
	    index >= tags->vocab[dim].ncanon)
		return NULL;
	return tags->vocab[dim].canon[index].value;
}


/* ---- rules ----------------------------------------------------------- */

/* Folds every entry of v by flags into a new map; on success, the keys
 * and map of v are replaced. */
static int lc_refold(struct lc_vocab *v, unsigned flags)
{
	struct lc_vocab next = *v;
	const char **keys;
	size_t i, n = v->ncanon + v->nalias;
	int rc = LLMCOST_OK;

	keys = lc_calloc(n, sizeof(*keys));
	next.fold = flags;
	next.keys = lc_map_new();
	if (keys == NULL || next.keys == NULL) {
		lc_free(keys);
		lc_map_free(next.keys);
		return lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
	}
	for (i = 0; i < n && rc == LLMCOST_OK; i++) {
		int is_alias = i >= v->ncanon;
		const char *value = is_alias ? v->alias[i - v->ncanon].value
					     : v->canon[i].value;
		uint32_t canon = is_alias ? v->alias[i - v->ncanon].canon
					  : (uint32_t)i;
		char key[LLMCOST_TAG_STRLEN];
		size_t len;
		uint32_t owner;
		int owner_alias;

		rc = lc_word_key(&next, value, is_alias ? "alias"
				 : "canonical value", key, &len);
		if (rc != LLMCOST_OK)
			break;
		if (lc_key_owner(&next, key, len, &owner, &owner_alias) &&
		    (owner != canon || !is_alias)) {
			rc = lc_error(LLMCOST_E_CONFLICT, "'%.60s' and '%.60s' "
				      "would share the key '%s'", value,
				      next.canon[owner].value, key);
			break;
		}
		if (lc_map_get(next.keys, key, len, NULL))
			keys[i] = lc_map_intern(next.keys, key, len);
		else if (lc_map_put(next.keys, key, len, canon << 1 |
				    (uint32_t)is_alias, &keys[i]))
			rc = lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
	}
	if (rc != LLMCOST_OK) {
		lc_free(keys);
		lc_map_free(next.keys);
		return rc;
	}
	for (i = 0; i < n; i++) {
		if (i < v->ncanon)
			v->canon[i].key = keys[i];
		else
			v->alias[i - v->ncanon].key = keys[i];
	}
	lc_free(keys);
	lc_map_free(v->keys);
	v->keys = next.keys;
	v->fold = flags;
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_tags_set_fold(llmcost_tags *tags, int dim,
				      unsigned flags)
{
	int rc = lc_check_edit(tags, dim, "tags set fold");

	if (rc != LLMCOST_OK)
		return rc;
	if ((flags & ~LC_FOLD_KNOWN) != 0)
		return lc_error(LLMCOST_E_INVALID, "unknown folding rule bits "
				"0x%x", flags & ~LC_FOLD_KNOWN);
	if (flags == tags->vocab[dim].fold)
		return LLMCOST_OK;
	return lc_refold(&tags->vocab[dim], flags);
}


LLMCOST_API unsigned llmcost_tags_fold_flags(const llmcost_tags *tags,
					     int dim)
{
	if (tags == NULL || dim < 0 || dim >= LLMCOST_TAG_DIM_COUNT)
		return 0;
	return tags->vocab[dim].fold;
}


/* Replaces *slot with a copy of s (NULL: none). */
static int lc_set_string(char **slot, const char *s)
{
	char *copy = NULL;

	if (s != NULL && (copy = lc_strdup(s)) == NULL)
		return lc_error(LLMCOST_E_NOMEM, "tags: out of memory");
	lc_free(*slot);
	*slot = copy;
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_tags_set_unmapped(llmcost_tags *tags, int dim,
					  int policy, const char *bucket)
{
	struct lc_vocab *v;
	int rc = lc_check_edit(tags, dim, "tags set unmapped");

	if (rc != LLMCOST_OK)
		return rc;
	v = &tags->vocab[dim];
	if (policy == LLMCOST_UNMAPPED_FOLDED ||
	    policy == LLMCOST_UNMAPPED_RAW) {
		v->policy = policy;
		return lc_set_string(&v->bucket, NULL);
	}
	if (policy != LLMCOST_UNMAPPED_BUCKET)
		return lc_error(LLMCOST_E_INVALID, "no unmapped policy %d",
				policy);
	rc = lc_check_word(bucket, "bucket");
	if (rc == LLMCOST_OK && bucket[0] == '\0')
		rc = lc_error(LLMCOST_E_INVALID, "bucket is empty");
	if (rc == LLMCOST_OK)
		rc = lc_set_string(&v->bucket, bucket);
	if (rc == LLMCOST_OK)
		v->policy = policy;
	return rc;
}


LLMCOST_API int llmcost_tags_set_empty(llmcost_tags *tags, int dim,
				       const char *label)
{
	int rc = lc_check_edit(tags, dim, "tags set empty");

	if (rc != LLMCOST_OK)
		return rc;
	if (label == NULL || label[0] == '\0')
		return lc_set_string(&tags->vocab[dim].empty, NULL);
	rc = lc_check_word(label, "empty label");
	if (rc != LLMCOST_OK)
		return rc;
	return lc_set_string(&tags->vocab[dim].empty, label);
}


LLMCOST_API int llmcost_tags_set_limit(llmcost_tags *tags, int dim,
				       size_t max_values)
{
	int rc = lc_check_edit(tags, dim, "tags set limit");

	if (rc == LLMCOST_OK)
		tags->vocab[dim].limit = max_values;
	return rc;
}


/* ---- copying vocabularies (for the all-or-nothing loader) ------------ */

static int lc_vocab_copy(struct lc_vocab *dst, const struct lc_vocab *src)
{
	size_t i;
	int rc;

	dst->fold = src->fold;
	dst->policy = src->policy;
	dst->limit = src->limit;
	rc = lc_set_string(&dst->bucket, src->bucket);
	if (rc == LLMCOST_OK)
		rc = lc_set_string(&dst->empty, src->empty);
	for (i = 0; i < src->ncanon && rc == LLMCOST_OK; i++)
		rc = lc_add_canon(dst, src->canon[i].value, src->canon[i].key,
				  strlen(src->canon[i].key));
	for (i = 0; i < src->nalias && rc == LLMCOST_OK; i++) {
		const struct lc_alias *a = &src->alias[i];
		size_t len = strlen(a->key);

		/* An alias made redundant by new rules has its canonical
		 * value's key; the copy needs it only once. */
		if (!lc_map_get(dst->keys, a->key, len, NULL))
			rc = lc_add_alias(dst, a->canon, a->value, a->key,
					  len);
	}
	return rc;
}


int lc_tags_copy_vocab(llmcost_tags *dst, const llmcost_tags *src)
{
	int i, rc = LLMCOST_OK;

	for (i = 0; i < LLMCOST_TAG_DIM_COUNT && rc == LLMCOST_OK; i++)
		rc = lc_vocab_copy(&dst->vocab[i], &src->vocab[i]);
	return rc;
}


void lc_tags_swap_vocab(llmcost_tags *a, llmcost_tags *b)
{
	struct lc_vocab tmp[LLMCOST_TAG_DIM_COUNT];

	memcpy(tmp, a->vocab, sizeof(tmp));
	memcpy(a->vocab, b->vocab, sizeof(tmp));
	memcpy(b->vocab, tmp, sizeof(tmp));
}


/* ---- resolving one raw value ----------------------------------------- */

static const char *lc_empty_label(const struct lc_vocab *v)
{
	return v->empty != NULL ? v->empty : "";
}


/* Works out the result for raw[0..len) (len already cut). */
static void lc_tag_resolve(const struct lc_vocab *v, const char *raw,
			   size_t len, struct lc_result *r)
{
	uint32_t owner;
	int alias;

	lc_tag_clean(raw, len, &r->clean);
	r->key_len = lc_tag_fold_clean(&r->clean, v->fold, r->key,
				       &r->clean.report);
	r->text_len = lc_tag_text(&r->clean, r->text, &r->clean.report);
	r->canon = -1;
	if (r->key_len == 0) {
		r->outcome = LLMCOST_TAG_EMPTY;
		r->value = lc_empty_label(v);
	} else if (lc_key_owner(v, r->key, r->key_len, &owner, &alias)) {
		r->outcome = alias ? LLMCOST_TAG_ALIAS : LLMCOST_TAG_CANONICAL;
		r->canon = (int32_t)owner;
		r->value = v->canon[owner].value;
	} else {
		r->outcome = LLMCOST_TAG_UNMAPPED;
		r->value = v->policy == LLMCOST_UNMAPPED_BUCKET ? v->bucket :
			   v->policy == LLMCOST_UNMAPPED_RAW ? r->text : r->key;
	}
}


/* ---- remembering raw values ------------------------------------------ */

/* The cache key: the dimension's number, then the raw bytes. */
struct lc_cache_key {
	char bytes[1 + LC_TAG_MAX];
	size_t len;
	uint64_t hash;
};


static void lc_cache_key(int dim, const char *raw, size_t len,
			 struct lc_cache_key *k)
{
	k->bytes[0] = (char)dim;
	memcpy(k->bytes + 1, raw, len);
	k->len = len + 1;
	k->hash = lc_hash(k->bytes, k->len);
}


static struct lc_tag_entry *lc_cache_find(const struct lc_tag_shard *s,
				      const struct lc_cache_key *k)
{
	uint32_t index;

	if (s->map == NULL ||
	    !lc_map_get_hashed(s->map, k->bytes, k->len, k->hash, &index))
		return NULL;
	return s->entry[index];
}


/* A new entry holding r, with r's strings copied into it. */
static struct lc_tag_entry *lc_entry_new(const struct lc_result *r,
				     const char *raw, size_t raw_len)
{
	size_t size = raw_len + r->text_len + r->key_len + 3;
	struct lc_tag_entry *e = lc_malloc(sizeof(*e) + size);
	char *text, *key;

	if (e == NULL)
		return NULL;
	memset(e, 0, sizeof(*e));
	memcpy(e->raw, raw, raw_len);
	e->raw[raw_len] = '\0';
	text = e->raw + raw_len + 1;
	memcpy(text, r->text, r->text_len + 1);
	key = text + r->text_len + 1;
	memcpy(key, r->key, r->key_len + 1);
	e->raw_len = (uint32_t)raw_len;
	e->text = text;
	e->key = key;
	e->value = r->value == r->key ? key : r->value == r->text ? text
								  : r->value;
	e->outcome = r->outcome;
	e->report = r->clean.report;
	e->canon = r->canon;
	return e;
}


/* Takes one place under the dimension's limit, or fails. */
static int lc_reserve_place(struct lc_dim_stats *st, size_t limit)
{
	size_t before = __atomic_fetch_add(&st->cached, 1, __ATOMIC_RELAXED);

	if (before < limit)
		return 1;
	__atomic_fetch_sub(&st->cached, 1, __ATOMIC_RELAXED);
	return 0;
}


/* Promises a place in the dimension's list of unmapped entries.  Lookups
 * in other shards may add to the list meanwhile, so the place is counted
 * until lc_list_append() or lc_list_release() settles it. */
static int lc_list_reserve(struct lc_dim_stats *st)
{
	int rc;

	pthread_mutex_lock(&st->list_lock);
	rc = lc_grow((void **)&st->unmapped, &st->unmapped_cap,
		     st->nunmapped + st->nreserved + 1,
		     sizeof(*st->unmapped));
	if (rc == LLMCOST_OK)
		st->nreserved++;
	pthread_mutex_unlock(&st->list_lock);
	return rc;
}


static void lc_list_append(struct lc_dim_stats *st, struct lc_tag_entry *e)
{
	pthread_mutex_lock(&st->list_lock);
	st->unmapped[st->nunmapped++] = e;
	st->nreserved--;
	pthread_mutex_unlock(&st->list_lock);
}


static void lc_list_release(struct lc_dim_stats *st)
{
	pthread_mutex_lock(&st->list_lock);
	st->nreserved--;
	pthread_mutex_unlock(&st->list_lock);
}


/* Stores a new entry for r in shard s (write lock held).  NULL if it
 * cannot be remembered: limit reached or out of memory. */
static struct lc_tag_entry *lc_cache_add(llmcost_tags *t, int dim,
				     struct lc_tag_shard *s,
				     const struct lc_cache_key *k,
				     const struct lc_result *r)
{
	struct lc_dim_stats *st = &t->stats[dim];
	int unmapped = r->outcome == LLMCOST_TAG_UNMAPPED;
	struct lc_tag_entry *e = NULL;

	if (s->n >= UINT32_MAX || !lc_reserve_place(st, t->vocab[dim].limit))
		return NULL;
	if ((s->map == NULL && (s->map = lc_map_new()) == NULL) ||
	    lc_grow((void **)&s->entry, &s->cap, s->n + 1,
		    sizeof(*s->entry)) != LLMCOST_OK)
		goto fail;
	if (unmapped && lc_list_reserve(st) != LLMCOST_OK)
		goto fail;
	e = lc_entry_new(r, k->bytes + 1, k->len - 1);
	if (e == NULL ||
	    lc_map_put(s->map, k->bytes, k->len, (uint32_t)s->n, NULL))
		goto fail_listed;
	s->entry[s->n++] = e;
	if (unmapped)
		lc_list_append(st, e);
	return e;
fail_listed:
	lc_free(e);
	if (unmapped)
		lc_list_release(st);
fail:
	__atomic_fetch_sub(&st->cached, 1, __ATOMIC_RELAXED);
	return NULL;
}


/* ---- lookups --------------------------------------------------------- */

LLMCOST_API void llmcost_tag_init(llmcost_tag *tag)
{
	if (tag == NULL)
		return;
	memset(tag, 0, sizeof(*tag));
	tag->struct_size = sizeof(*tag);
	tag->canonical = -1;
}


static void lc_copy_string(char *dst, const char *src)
{
	size_t n = strlen(src);

	memcpy(dst, src, n + 1);
}


static void lc_tag_out(llmcost_tag *out, int dim, uint32_t outcome,
		       uint32_t flags, int32_t canon, const char *value,
		       const char *key)
{
	out->dim = (uint32_t)dim;
	out->outcome = outcome;
	out->flags = flags;
	out->canonical = canon;
	out->reserved = 0;
	lc_copy_string(out->value, value);
	lc_copy_string(out->key, key);
}


/* One lookup's weights, and the report bits of its raw bytes that the
 * cache key does not show (bytes cut off past the maximum). */
struct lc_weight {
	int64_t requests;
	lc_i128 cost;
	uint32_t report;
};


/* Counts a lookup of entry e (or of result r, which was not kept). */
static void lc_count_lookup(llmcost_tags *t, int dim, struct lc_tag_entry *e,
			    const struct lc_result *r,
			    const struct lc_weight *w)
{
	struct lc_dim_stats *st = &t->stats[dim];
	uint32_t outcome = e != NULL ? e->outcome : r->outcome;
	uint32_t report = (e != NULL ? e->report : r->clean.report) |
			  w->report;
	int64_t requests = w->requests;
	lc_i128 cost = w->cost;

	if (e != NULL)
		lc_count(&e->n, requests, cost, report);
	else
		report |= LLMCOST_TAG_UNTRACKED;
	if (e == NULL && outcome == LLMCOST_TAG_UNMAPPED)
		lc_count(&st->untracked, requests, cost, report);
	lc_count(&st->total[outcome], requests, cost, report);
}


static void lc_entry_out(const struct lc_tag_entry *e, int dim,
			 const struct lc_weight *w, llmcost_tag *out)
{
	lc_tag_out(out, dim, e->outcome, e->report | w->report, e->canon,
		   e->value, e->key);
}


/* The slow path: resolve raw, then remember it if there is room. */
static void lc_lookup_new(llmcost_tags *t, int dim, struct lc_tag_shard *s,
			  const struct lc_cache_key *k,
			  const struct lc_weight *w, llmcost_tag *out)
{
	struct lc_result r;
	struct lc_tag_entry *e;

	lc_tag_resolve(&t->vocab[dim], k->bytes + 1, k->len - 1, &r);
	pthread_rwlock_wrlock(&s->lock);
	e = lc_cache_find(s, k);
	if (e == NULL)
		e = lc_cache_add(t, dim, s, k, &r);
	lc_count_lookup(t, dim, e, &r, w);
	if (e != NULL)
		lc_entry_out(e, dim, w, out);
	pthread_rwlock_unlock(&s->lock);
	if (e == NULL)
		lc_tag_out(out, dim, r.outcome, r.clean.report | w->report |
			   LLMCOST_TAG_UNTRACKED, r.canon, r.value, r.key);
}


static void lc_lookup_missing(llmcost_tags *t, int dim,
			      const struct lc_weight *w, llmcost_tag *out)
{
	lc_count(&t->stats[dim].total[LLMCOST_TAG_MISSING], w->requests,
		 w->cost, 0);
	lc_tag_out(out, dim, LLMCOST_TAG_MISSING, 0, -1,
		   lc_empty_label(&t->vocab[dim]), "");
}


static int lc_check_lookup(const llmcost_tags *t, int dim, int64_t requests,
			   const llmcost_tag *out)
{
	int rc = lc_check_dim(t, dim, "tags lookup");

	if (rc != LLMCOST_OK)
		return rc;
	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "tags lookup: out is NULL");
	if (out->struct_size < sizeof(*out))
		return lc_error(LLMCOST_E_SIZE, "tags lookup: struct_size %u "
				"is below %zu", out->struct_size,
				sizeof(*out));
	if (requests < 0)
		return lc_error(LLMCOST_E_NEGATIVE, "tags lookup: requests "
				"%lld is negative", (long long)requests);
	return LLMCOST_OK;
}


static void lc_freeze(llmcost_tags *t)
{
	if (!__atomic_load_n(&t->frozen, __ATOMIC_RELAXED))
		__atomic_store_n(&t->frozen, 1, __ATOMIC_RELEASE);
}


LLMCOST_API int llmcost_tags_lookup_weighted(llmcost_tags *tags, int dim,
					     const char *raw, size_t len,
					     int64_t requests,
					     llmcost_money cost,
					     llmcost_tag *out)
{
	struct lc_weight w = { requests, lc_money_to_i128(cost), 0 };
	struct lc_cache_key k;
	struct lc_tag_shard *s;
	struct lc_tag_entry *e;
	size_t cut;
	int rc = lc_check_lookup(tags, dim, requests, out);

	if (rc != LLMCOST_OK)
		return rc;
	lc_freeze(tags);
	if (raw == NULL) {
		lc_lookup_missing(tags, dim, &w, out);
		return LLMCOST_OK;
	}
	if (len == (size_t)-1)
		len = strlen(raw);
	cut = lc_tag_cut(raw, len);
	if (cut < len)
		w.report = LLMCOST_TAG_TOO_LONG;
	lc_cache_key(dim, raw, cut, &k);
	s = &tags->shard[k.hash >> LC_SHARD_SHIFT];
	pthread_rwlock_rdlock(&s->lock);
	e = lc_cache_find(s, &k);
	if (e != NULL) {
		lc_count_lookup(tags, dim, e, NULL, &w);
		lc_entry_out(e, dim, &w, out);
	}
	pthread_rwlock_unlock(&s->lock);
	if (e == NULL)
		lc_lookup_new(tags, dim, s, &k, &w, out);
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_tags_lookup(llmcost_tags *tags, int dim,
				    const char *raw, size_t len,
				    llmcost_tag *out)
{
	llmcost_money zero = { 0, 0 };

	return llmcost_tags_lookup_weighted(tags, dim, raw, len, 1, zero,
					    out);
}


/* ---- the closest canonical value ------------------------------------- */

struct lc_best {
	unsigned distance;
	uint32_t canon;
	int found;
};


static void lc_consider(const char *key, uint32_t canon, const uint32_t *cp,
			size_t n, unsigned max, struct lc_best *best)
{
	uint32_t other[LC_TAG_MAX];
	size_t on = lc_tag_key_cps(key, strlen(key), other);
	unsigned limit = best->found ? best->distance : max;
	unsigned d = lc_tag_osa(cp, n, other, on, limit);

	if (d > limit)
		return;
	if (best->found && (d > best->distance ||
			    (d == best->distance && canon >= best->canon)))
		return;
	best->distance = d;
	best->canon = canon;
	best->found = 1;
}


LLMCOST_API int llmcost_tags_closest(const llmcost_tags *tags, int dim,
				     const char *raw, size_t len,
				     unsigned max_distance, size_t *index,
				     const char **canonical,
				     unsigned *distance)
{
	const struct lc_vocab *v;
	struct lc_result r;
	uint32_t cp[LC_TAG_MAX];
	struct lc_best best = { 0, 0, 0 };
	size_t n, i;
	int rc = lc_check_dim(tags, dim, "tags closest");

	if (rc != LLMCOST_OK)
		return rc;
	if (raw == NULL || distance == NULL)
		return lc_error(LLMCOST_E_INVALID, "tags closest: raw or "
				"distance is NULL");
	if (max_distance > 2 * LC_TAG_MAX)
		max_distance = 2 * LC_TAG_MAX;
	v = &tags->vocab[dim];
	if (len == (size_t)-1)
		len = strlen(raw);
	lc_tag_resolve(v, raw, lc_tag_cut(raw, len), &r);
	n = lc_tag_key_cps(r.key, r.key_len, cp);
	for (i = 0; i < v->ncanon; i++)
		lc_consider(v->canon[i].key, (uint32_t)i, cp, n, max_distance,
			    &best);
	for (i = 0; i < v->nalias; i++)
		lc_consider(v->alias[i].key, v->alias[i].canon, cp, n,
			    max_distance, &best);
	if (!best.found)
		return lc_error(LLMCOST_E_NOTFOUND, "no %s value within %u "
				"edits of '%.60s'", lc_dim_names[dim],
				max_distance, r.key);
	if (index != NULL)
		*index = best.canon;
	if (canonical != NULL)
		*canonical = v->canon[best.canon].value;
	*distance = best.distance;
	return LLMCOST_OK;
}


/* ---- counts ---------------------------------------------------------- */

LLMCOST_API void llmcost_tag_count_init(llmcost_tag_count *count)
{
	if (count == NULL)
		return;
	memset(count, 0, sizeof(*count));
	count->struct_size = sizeof(*count);
}


static int lc_check_count(const llmcost_tags *t, int dim,
			  const llmcost_tag_count *out, const char *what)
{
	int rc = lc_check_dim(t, dim, what);

	if (rc != LLMCOST_OK)
		return rc;
	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "%s: out is NULL", what);
	if (out->struct_size < sizeof(*out))
		return lc_error(LLMCOST_E_SIZE, "%s: struct_size %u is below "
				"%zu", what, out->struct_size, sizeof(*out));
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_tags_total(const llmcost_tags *tags, int dim,
				   int outcome, llmcost_tag_count *out)
{
	int rc = lc_check_count(tags, dim, out, "tags total");

	if (rc != LLMCOST_OK)
		return rc;
	if (outcome < 0 || outcome >= LLMCOST_TAG_OUTCOME_COUNT)
		return lc_error(LLMCOST_E_INVALID, "tags total: no outcome %d",
				outcome);
	lc_count_read(&tags->stats[dim].total[outcome], out);
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_tags_untracked(const llmcost_tags *tags, int dim,
				       llmcost_tag_count *out)
{
	int rc = lc_check_count(tags, dim, out, "tags untracked");

	if (rc != LLMCOST_OK)
		return rc;
	lc_count_read(&tags->stats[dim].untracked, out);
	return LLMCOST_OK;
}


/* The list lock is taken through a const handle: it guards the list's
 * storage, not anything the caller sees change. */
static pthread_mutex_t *lc_list_lock(const llmcost_tags *t, int dim)
{
	return (pthread_mutex_t *)&t->stats[dim].list_lock;
}


LLMCOST_API size_t llmcost_tags_unmapped_count(const llmcost_tags *tags,
					       int dim)
{
	size_t n;

	if (tags == NULL || dim < 0 || dim >= LLMCOST_TAG_DIM_COUNT)
		return 0;
	pthread_mutex_lock(lc_list_lock(tags, dim));
	n = tags->stats[dim].nunmapped;
	pthread_mutex_unlock(lc_list_lock(tags, dim));
	return n;
}


LLMCOST_API int llmcost_tags_unmapped(const llmcost_tags *tags, int dim,
				      size_t index, llmcost_tag_count *out)
{
	const struct lc_tag_entry *e = NULL;
	int rc = lc_check_count(tags, dim, out, "tags unmapped");

	if (rc != LLMCOST_OK)
		return rc;
	pthread_mutex_lock(lc_list_lock(tags, dim));
	if (index < tags->stats[dim].nunmapped)
		e = tags->stats[dim].unmapped[index];
	pthread_mutex_unlock(lc_list_lock(tags, dim));
	if (e == NULL)
		return lc_error(LLMCOST_E_NOTFOUND, "tags unmapped: no value "
				"number %zu", index);
	lc_count_read(&e->n, out);
	out->raw = e->raw;
	out->raw_len = e->raw_len;
	out->text = e->text;
	out->key = e->key;
	out->value = e->value;
	return LLMCOST_OK;
}
