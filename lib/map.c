/*
 * map.c - an open-addressing map from byte strings to uint32_t values.
 *
 * Keys live in an arena of blocks that never move, so a stored key can be
 * handed out as a stable pointer.  Slots hold the full hash, so probing
 * compares bytes only on a hash match.
 */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

#define LC_ARENA_BLOCK 65536

struct lc_slot {
	uint64_t hash;
	const char *key;	/* NULL: empty slot */
	uint32_t len;
	uint32_t value;
};

struct lc_block {
	struct lc_block *next;
	size_t used;
	size_t size;
	char data[];
};

struct lc_map {
	struct lc_slot *slots;
	size_t cap;		/* power of two */
	size_t count;
	struct lc_block *blocks;
};


uint64_t lc_hash(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}


lc_map *lc_map_new(void)
{
	lc_map *m = lc_calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->cap = 16;
	m->slots = lc_calloc(m->cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		lc_free(m);
		return NULL;
	}
	return m;
}


void lc_map_free(lc_map *m)
{
	struct lc_block *b, *next;

	if (m == NULL)
		return;
	for (b = m->blocks; b != NULL; b = next) {
		next = b->next;
		lc_free(b);
	}
	lc_free(m->slots);
	lc_free(m);
}


size_t lc_map_count(const lc_map *m)
{
	return m->count;
}


static struct lc_slot *lc_map_find(const lc_map *m, const char *key,
				   size_t len, uint64_t hash)
{
	size_t mask = m->cap - 1, i = (size_t)hash & mask;

	for (;;) {
		struct lc_slot *s = &m->slots[i];

		if (s->key == NULL)
			return s;
		if (s->hash == hash && s->len == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
		i = (i + 1) & mask;
	}
}


int lc_map_get_hashed(const lc_map *m, const char *key, size_t len,
		      uint64_t hash, uint32_t *value)
{
	const struct lc_slot *s;

	if (len > UINT32_MAX)
		return 0;
	s = lc_map_find(m, key, len, hash);
	if (s->key == NULL)
		return 0;
	if (value != NULL)
		*value = s->value;
	return 1;
}


int lc_map_get(const lc_map *m, const char *key, size_t len,
	       uint32_t *value)
{
	return lc_map_get_hashed(m, key, len, lc_hash(key, len), value);
}


static const char *lc_arena_copy(lc_map *m, const char *key, size_t len)
{
	struct lc_block *b = m->blocks;
	char *dst;

	if (b == NULL || b->size - b->used < len + 1) {
		size_t size = len + 1 > LC_ARENA_BLOCK ? len + 1
						       : LC_ARENA_BLOCK;

		b = lc_malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = m->blocks;
		m->blocks = b;
	}
	dst = b->data + b->used;
	memcpy(dst, key, len);
	dst[len] = '\0';
	b->used += len + 1;
	return dst;
}


static int lc_map_grow(lc_map *m)
{
	size_t old_cap = m->cap, i;
	struct lc_slot *old = m->slots;

	m->slots = lc_calloc(old_cap * 2, sizeof(*m->slots));
	if (m->slots == NULL) {
		m->slots = old;
		return LLMCOST_E_NOMEM;
	}
	m->cap = old_cap * 2;
	for (i = 0; i < old_cap; i++) {
		if (old[i].key != NULL)
			*lc_map_find(m, old[i].key, old[i].len,
				     old[i].hash) = old[i];
	}
	lc_free(old);
	return LLMCOST_OK;
}


int lc_map_put(lc_map *m, const char *key, size_t len, uint32_t value,
	       const char **stored)
{
	uint64_t hash = lc_hash(key, len);
	struct lc_slot *s;

	if (len > UINT32_MAX)
		return LLMCOST_E_RANGE;
	s = lc_map_find(m, key, len, hash);
	if (s->key == NULL) {
		if ((m->count + 1) * 4 > m->cap * 3) {
			if (lc_map_grow(m) != LLMCOST_OK)
				return LLMCOST_E_NOMEM;
			s = lc_map_find(m, key, len, hash);
		}
		s->key = lc_arena_copy(m, key, len);
		if (s->key == NULL)
			return LLMCOST_E_NOMEM;
		s->hash = hash;
		s->len = (uint32_t)len;
		m->count++;
	}
	s->value = value;
	if (stored != NULL)
		*stored = s->key;
	return LLMCOST_OK;
}


const char *lc_map_intern(lc_map *m, const char *key, size_t len)
{
	uint64_t hash = lc_hash(key, len);
	const char *stored;
	struct lc_slot *s;

	if (len <= UINT32_MAX) {
		s = lc_map_find(m, key, len, hash);
		if (s->key != NULL)
			return s->key;
	}
	if (lc_map_put(m, key, len, (uint32_t)m->count, &stored))
		return NULL;
	return stored;
}
