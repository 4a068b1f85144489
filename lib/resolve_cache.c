/*
 * resolve_cache.c - a fixed-size, lock-free cache of resolved model names.
 *
 * llmcost_price() runs on many threads at once over one read-only table,
 * and the same few names come back millions of times.  The cache maps
 * (lowercase name, provider) to the resolution so that a name seen before
 * costs one hash and a few loads, with no lock and no allocation.
 *
 * Each slot is a sequence lock over atomic words.  A writer claims a slot
 * by moving its sequence from even to odd with a compare-and-swap (and
 * gives up if another writer holds it: the cache is only a cache), writes
 * the words with release stores (so none is seen before the odd
 * sequence), and publishes them by making the sequence even again.  A
 * reader reads the sequence, the words with acquire loads (so the second
 * read of the sequence cannot move before them), and the sequence again;
 * a torn read shows as a changed or odd sequence and counts as a miss.
 * Every shared word is an atomic and no fence is used, so the scheme is
 * free of data races in the C11 sense and checkable by ThreadSanitizer.
 * On x86-64 every one of these loads and stores is a plain move.
 *
 * Entries are tagged with the table's generation, which grows whenever a
 * load or a deployment may change how names resolve, so stale entries
 * miss without the cache ever being cleared.
 */
#include <stdatomic.h>
#include <string.h>

#include "prices.h"

#define LC_RC_SLOTS 4096		/* a power of two */
#define LC_RC_WORDS 16			/* 128 bytes of key */
#define LC_RC_KEY_MAX (LC_RC_WORDS * 8)
#define LC_RC_PROBES 2

struct lc_rslot {
	_Atomic uint64_t seq;	/* even: stable; odd: being written */
	_Atomic uint64_t hash;
	_Atomic uint64_t gen;
	_Atomic uint64_t info;	/* entry 32 | rule 8 | flags 8 | len 16 */
	_Atomic uint64_t region;	/* offset 32 | length 32 */
	_Atomic uint64_t word[LC_RC_WORDS];
};

struct lc_rcache {
	struct lc_rslot slot[LC_RC_SLOTS];
};


struct lc_rcache *lc_rcache_new(void)
{
	return lc_calloc(1, sizeof(struct lc_rcache));
}


void lc_rcache_free(struct lc_rcache *c)
{
	lc_free(c);
}


/* The key as zero-padded words; returns how many words it fills. */
static size_t lc_rc_pack(const char *key, size_t len,
			 uint64_t w[LC_RC_WORDS])
{
	memset(w, 0, LC_RC_WORDS * sizeof(*w));
	memcpy(w, key, len);
	return (len + 7) / 8;
}


static uint64_t lc_rc_info(const struct lc_resolution *r, size_t len)
{
	return (uint64_t)r->entry << 32 | (uint64_t)(r->rule & 0xff) << 24 |
	       (uint64_t)(r->flags & 0xff) << 16 | (uint64_t)len;
}


/* Reads a slot that matches; 0 on a miss or a torn read. */
static int lc_rc_read(struct lc_rslot *s, uint64_t hash, uint64_t gen,
		      const uint64_t *w, size_t nw, size_t len,
		      struct lc_resolution *out)
{
	const memory_order acq = memory_order_acquire;
	uint64_t seq = atomic_load_explicit(&s->seq, acq);
	uint64_t info, region;
	size_t i;

	if ((seq & 1) != 0 || atomic_load_explicit(&s->hash, acq) != hash ||
	    atomic_load_explicit(&s->gen, acq) != gen)
		return 0;
	info = atomic_load_explicit(&s->info, acq);
	region = atomic_load_explicit(&s->region, acq);
	if ((info & 0xffff) != len)
		return 0;
	for (i = 0; i < nw; i++)
		if (atomic_load_explicit(&s->word[i], acq) != w[i])
			return 0;
	if (atomic_load_explicit(&s->seq, acq) != seq)
		return 0;
	out->entry = (uint32_t)(info >> 32);
	out->rule = (uint32_t)(info >> 24) & 0xff;
	out->flags = (uint32_t)(info >> 16) & 0xff;
	out->region_at = (uint32_t)(region >> 32);
	out->region_len = (uint32_t)region;
	return 1;
}


int lc_rcache_get(struct lc_rcache *c, uint64_t gen, const char *key,
		  size_t len, struct lc_resolution *out)
{
	uint64_t w[LC_RC_WORDS], hash;
	size_t nw, i;

	if (c == NULL || len == 0 || len > LC_RC_KEY_MAX)
		return 0;
	nw = lc_rc_pack(key, len, w);
	hash = lc_hash(key, len);
	for (i = 0; i < LC_RC_PROBES; i++) {
		struct lc_rslot *s = &c->slot[(hash + i) & (LC_RC_SLOTS - 1)];

		if (lc_rc_read(s, hash, gen, w, nw, len, out))
			return 1;
	}
	return 0;
}


/* The slot to write: an empty or stale one of the probe run, else the
 * first. */
static struct lc_rslot *lc_rc_victim(struct lc_rcache *c, uint64_t hash,
				     uint64_t gen)
{
	size_t i;

	for (i = 0; i < LC_RC_PROBES; i++) {
		struct lc_rslot *s = &c->slot[(hash + i) & (LC_RC_SLOTS - 1)];

		if (atomic_load_explicit(&s->gen, memory_order_relaxed) !=
			    gen ||
		    atomic_load_explicit(&s->info, memory_order_relaxed) == 0)
			return s;
	}
	return &c->slot[hash & (LC_RC_SLOTS - 1)];
}


void lc_rcache_put(struct lc_rcache *c, uint64_t gen, const char *key,
		   size_t len, const struct lc_resolution *res)
{
	const memory_order rel = memory_order_release;
	uint64_t w[LC_RC_WORDS], hash, seq;
	struct lc_rslot *s;
	size_t i;

	if (c == NULL || len == 0 || len > LC_RC_KEY_MAX)
		return;
	lc_rc_pack(key, len, w);
	hash = lc_hash(key, len);
	s = lc_rc_victim(c, hash, gen);
	seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	if ((seq & 1) != 0 ||
	    !atomic_compare_exchange_strong_explicit(&s->seq, &seq, seq + 1,
						     memory_order_acq_rel,
						     memory_order_relaxed))
		return;
	atomic_store_explicit(&s->hash, hash, rel);
	atomic_store_explicit(&s->gen, gen, rel);
	atomic_store_explicit(&s->info, lc_rc_info(res, len), rel);
	atomic_store_explicit(&s->region,
			      (uint64_t)res->region_at << 32 | res->region_len,
			      rel);
	for (i = 0; i < LC_RC_WORDS; i++)
		atomic_store_explicit(&s->word[i], w[i], rel);
	atomic_store_explicit(&s->seq, seq + 2, rel);
}
