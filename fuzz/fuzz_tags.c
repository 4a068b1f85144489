/*
 * fuzz_tags.c - fuzz harness for the canonical-tag normaliser and its
 * JSON config loader.
 *
 * Input: a config, then a NUL byte, then lookups, one per line.  Without
 * a NUL byte the whole input serves as both.  The first byte of a lookup
 * line picks the dimension (modulo 8, so unknown ones are tried too) and
 * extra folding rules (its top bits); the rest is the raw value.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks what must
 * hold for any input:
 *   - a failed load leaves the vocabulary as it was;
 *   - keys and values are valid UTF-8, at most LLMCOST_TAG_MAX_BYTES,
 *     without control characters;
 *   - a lookup's key is llmcost_tag_fold() of the raw value, folding a
 *     key again changes nothing, and its distance to the raw value is 0;
 *   - looking a value up twice gives the same result (the cache);
 *   - a mapped value's closest canonical value is itself, at distance 0;
 *   - every canonical value looks up as itself.
 * A failed check aborts, which the fuzzer reports as a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "llmcost.h"

#define MAX_LOOKUPS 16

#define CHECK(e) \
	do { \
		if (!(e)) { \
			fprintf(stderr, "fuzz_tags.c:%d: check failed: %s\n", \
				__LINE__, #e); \
			abort(); \
		} \
	} while (0)


/* Valid UTF-8 of at most LLMCOST_TAG_MAX_BYTES, with no C0 or C1
 * control characters. */
static int clean_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	if (len > LLMCOST_TAG_MAX_BYTES)
		return 0;
	while (i < len) {
		unsigned c = p[i], n, cp, k;

		if (c < 0x20 || c == 0x7f)
			return 0;
		n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 :
		    c >= 0xc2 ? 2 : 0;
		if (n == 0 || i + n > len)
			return 0;
		cp = n == 1 ? c : c & (0xff >> (n + 1));
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((cp >= 0x80 && cp <= 0x9f) || (n == 3 && cp < 0x800) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}


static void seed_vocabulary(llmcost_tags *t)
{
	llmcost_tags_add(t, LLMCOST_TAG_TEAM, "team-a");
	llmcost_tags_add_alias(t, LLMCOST_TAG_TEAM, "team-a", "ai-team-a");
	llmcost_tags_add(t, LLMCOST_TAG_FEATURE, "chat");
}


static size_t vocabulary_size(const llmcost_tags *t)
{
	size_t n = 0;
	int dim;

	for (dim = 0; dim < LLMCOST_TAG_DIM_COUNT; dim++)
		n += llmcost_tags_canonical_count(t, dim) * 31 +
		     llmcost_tags_fold_flags(t, dim);
	return n;
}


static void check_fold(unsigned flags, const char *raw, size_t len,
		       const char *want)
{
	char key[LLMCOST_TAG_STRLEN], again[LLMCOST_TAG_STRLEN];
	int n = llmcost_tag_fold(flags, raw, len, key, sizeof(key), NULL);

	CHECK(n >= 0 && (size_t)n == strlen(key));
	CHECK(clean_text(key));
	if (want != NULL)
		CHECK(strcmp(key, want) == 0);
	CHECK(llmcost_tag_fold(flags, key, (size_t)n, again, sizeof(again),
			       NULL) == n);
	CHECK(strcmp(again, key) == 0);
	CHECK(llmcost_tag_distance(flags, raw, len, key, (size_t)n) == 0);
}


static void check_closest(llmcost_tags *t, int dim, const char *raw,
			  size_t len, const llmcost_tag *tag)
{
	size_t index = (size_t)-1;
	unsigned d = 99;
	int rc = llmcost_tags_closest(t, dim, raw, len, 3, &index, NULL, &d);

	CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_NOTFOUND);
	if (rc == LLMCOST_OK)
		CHECK(d <= 3 && index < llmcost_tags_canonical_count(t, dim));
	if (tag->outcome == LLMCOST_TAG_CANONICAL ||
	    tag->outcome == LLMCOST_TAG_ALIAS) {
		CHECK(rc == LLMCOST_OK && d == 0);
		CHECK(index == (size_t)tag->canonical);
	}
}


static void check_lookup(llmcost_tags *t, int dim, unsigned extra,
			 const char *raw, size_t len)
{
	llmcost_tag a, b;
	const char *canon;

	llmcost_tag_init(&a);
	llmcost_tag_init(&b);
	if (dim >= LLMCOST_TAG_DIM_COUNT) {
		CHECK(llmcost_tags_lookup(t, dim, raw, len, &a) ==
		      LLMCOST_E_INVALID);
		return;
	}
	CHECK(llmcost_tags_lookup(t, dim, raw, len, &a) == LLMCOST_OK);
	CHECK(llmcost_tags_lookup(t, dim, raw, len, &b) == LLMCOST_OK);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	CHECK(a.outcome < LLMCOST_TAG_OUTCOME_COUNT);
	CHECK((raw == NULL) == (a.outcome == LLMCOST_TAG_MISSING));
	CHECK(clean_text(a.value) && clean_text(a.key));
	CHECK((a.outcome <= LLMCOST_TAG_EMPTY) == (a.key[0] == '\0'));
	if (a.outcome == LLMCOST_TAG_CANONICAL ||
	    a.outcome == LLMCOST_TAG_ALIAS) {
		canon = llmcost_tags_canonical(t, dim, (size_t)a.canonical);
		CHECK(canon != NULL && strcmp(canon, a.value) == 0);
	} else {
		CHECK(a.canonical == -1);
	}
	if (raw == NULL)
		return;
	check_fold(llmcost_tags_fold_flags(t, dim), raw, len, a.key);
	check_fold(extra, raw, len, NULL);
	check_closest(t, dim, raw, len, &a);
}


static void run_lookups(llmcost_tags *t, const uint8_t *p, size_t len)
{
	size_t start = 0, done = 0, i;

	for (i = 0; i <= len && done < MAX_LOOKUPS; i++) {
		if (i < len && p[i] != '\n')
			continue;
		if (i > start) {
			uint8_t head = p[start];

			check_lookup(t, head % 8, (head >> 3) & 0x1fu,
				     (const char *)p + start + 1,
				     i - start - 1);
			done++;
		}
		start = i + 1;
	}
	check_lookup(t, LLMCOST_TAG_TEAM, 0, NULL, 0);
}


/* Every canonical value looks up as itself; every unmapped entry is
 * clean and within bounds. */
static void check_vocabulary(llmcost_tags *t)
{
	llmcost_tag tag;
	llmcost_tag_count c;
	size_t i;
	int dim;

	llmcost_tag_init(&tag);
	llmcost_tag_count_init(&c);
	for (dim = 0; dim < LLMCOST_TAG_DIM_COUNT; dim++) {
		for (i = 0; i < llmcost_tags_canonical_count(t, dim); i++) {
			const char *v = llmcost_tags_canonical(t, dim, i);

			CHECK(llmcost_tags_lookup(t, dim, v, (size_t)-1,
						  &tag) == LLMCOST_OK);
			CHECK(tag.outcome == LLMCOST_TAG_CANONICAL);
			CHECK(tag.canonical == (int32_t)i);
		}
		for (i = 0; i < llmcost_tags_unmapped_count(t, dim); i++) {
			CHECK(llmcost_tags_unmapped(t, dim, i, &c) ==
			      LLMCOST_OK);
			CHECK(c.raw_len <= LLMCOST_TAG_MAX_BYTES);
			CHECK(clean_text(c.text) && clean_text(c.key));
			CHECK(c.lookups >= 1);
		}
	}
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t config_len = nul ? (size_t)(nul - data) : size;
	const uint8_t *lookups = nul ? nul + 1 : data;
	size_t lookups_len = nul ? size - config_len - 1 : size;
	llmcost_tags *t;
	size_t before;

	if (llmcost_tags_new(&t) != LLMCOST_OK)
		return 0;
	seed_vocabulary(t);
	before = vocabulary_size(t);
	if (llmcost_tags_load_json(t, (const char *)data, config_len) !=
	    LLMCOST_OK)
		CHECK(vocabulary_size(t) == before);
	run_lookups(t, lookups, lookups_len);
	check_vocabulary(t);
	llmcost_tags_free(t);
	return 0;
}
