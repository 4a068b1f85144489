/*
 * tags_fold.c - cleaning and folding raw tag values, and the edit
 * distance between folded keys.
 *
 * A raw value goes through two steps (docs/tags.md states them for
 * users):
 *
 * 1. Cleaning reads whole characters within the first LC_TAG_MAX bytes.
 *    A byte that does not start a valid UTF-8 sequence becomes U+FFFD;
 *    so do NUL and the other control characters, except the white-space
 *    controls (TAB, LF, VT, FF, CR, NEL), which become a space.
 *    Invisible format characters (soft hyphen, zero-width spaces and
 *    joiners, bidirectional controls, the byte-order mark) are dropped.
 *
 * 2. Folding applies the dimension's rules to the cleaned characters.
 *    Case and camel rules know ASCII and Latin-1 letters; other scripts
 *    pass through as written.
 *
 * Nothing here allocates.
 */
#include <string.h>

#include "tags.h"

#define LC_REPLACEMENT 0xfffdu


/* ---- UTF-8 ----------------------------------------------------------- */

static size_t lc_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}


/* The length of the character at raw[pos]: an invalid byte is one. */
static size_t lc_char_len(const char *raw, size_t len, size_t pos,
			  uint32_t *cp)
{
	size_t n = lc_utf8_decode((const unsigned char *)raw + pos,
				      len - pos, cp);

	if (n == 0) {
		*cp = (uint32_t)-1;
		return 1;
	}
	return n;
}


size_t lc_tag_cut(const char *raw, size_t len)
{
	size_t pos = 0;
	uint32_t cp;

	if (len <= LC_TAG_MAX)
		return len;
	for (;;) {
		size_t n = lc_char_len(raw, len, pos, &cp);

		if (pos + n > LC_TAG_MAX)
			return pos;
		pos += n;
	}
}


/* ---- character classes ----------------------------------------------- */

static int lc_is_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000;
}


static int lc_is_separator(uint32_t c)
{
	return c == '-' || c == '_' || c == '.' || lc_is_space(c) ||
	       (c >= 0x2010 && c <= 0x2015);
}


/* Invisible characters that carry no meaning in a tag. */
static int lc_is_format(uint32_t c)
{
	return c == 0xad || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x2064) ||
	       (c >= 0x2066 && c <= 0x206f) || c == 0xfeff;
}


static int lc_is_upper(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') ||
	       (c >= 0xc0 && c <= 0xde && c != 0xd7);
}


static int lc_is_lower(uint32_t c)
{
	return (c >= 'a' && c <= 'z') ||
	       (c >= 0xdf && c <= 0xff && c != 0xf7);
}


static int lc_is_letter(uint32_t c)
{
	return lc_is_upper(c) || lc_is_lower(c);
}


static int lc_is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}


static uint32_t lc_to_lower(uint32_t c)
{
	return lc_is_upper(c) ? c + 0x20 : c;
}


/* ---- cleaning -------------------------------------------------------- */

/* The cleaned form of one raw character; 0 means "drop it". */
static uint32_t lc_clean_char(uint32_t cp, unsigned *report)
{
	if (cp == (uint32_t)-1) {
		*report |= LLMCOST_TAG_BAD_UTF8;
		return LC_REPLACEMENT;
	}
	if (cp == 0)
		*report |= LLMCOST_TAG_NUL;
	if ((cp >= 0x09 && cp <= 0x0d) || cp == 0x85) {
		*report |= LLMCOST_TAG_CONTROL;
		return ' ';
	}
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
		*report |= LLMCOST_TAG_CONTROL;
		return LC_REPLACEMENT;
	}
	if (lc_is_format(cp)) {
		*report |= LLMCOST_TAG_CONTROL;
		return 0;
	}
	return cp;
}


void lc_tag_clean(const char *raw, size_t len, struct lc_clean *c)
{
	size_t pos = 0, cut = lc_tag_cut(raw, len);

	c->n = 0;
	c->report = cut < len ? LLMCOST_TAG_TOO_LONG : 0;
	while (pos < cut) {
		uint32_t cp;

		pos += lc_char_len(raw, cut, pos, &cp);
		cp = lc_clean_char(cp, &c->report);
		if (cp != 0)
			c->cp[c->n++] = cp;
	}
	c->raw_used = cut;
}


/* ---- folding --------------------------------------------------------- */

/* Whether the rules put a boundary between cp[i - 1] and cp[i]; start
 * and end bound the characters being folded. */
static int lc_boundary(const uint32_t *cp, size_t start, size_t end,
		       size_t i, unsigned flags)
{
	uint32_t prev, cur = cp[i];

	if (i == start)
		return 0;
	prev = cp[i - 1];
	if (flags & LLMCOST_FOLD_CAMEL) {
		/* teamA -> team-A; HTTPServer -> HTTP-Server */
		if (lc_is_upper(cur) && lc_is_lower(prev))
			return 1;
		if (lc_is_upper(cur) && lc_is_upper(prev) && i + 1 < end &&
		    lc_is_lower(cp[i + 1]))
			return 1;
	}
	if (flags & LLMCOST_FOLD_DIGITS) {
		/* team2 -> team-2; 2fa -> 2-fa */
		if ((lc_is_digit(cur) && lc_is_letter(prev)) ||
		    (lc_is_letter(cur) && lc_is_digit(prev)))
			return 1;
	}
	return 0;
}


/* Appends cp to key, after a '-' if dash is set, unless that would pass
 * LC_TAG_MAX bytes.  Returns 0 if it did not fit. */
static int lc_key_put(char *key, size_t *len, uint32_t cp, int dash)
{
	char enc[4];
	size_t n = lc_utf8_encode(cp, enc);

	if (*len + (dash ? 1 : 0) + n > LC_TAG_MAX)
		return 0;
	if (dash)
		key[(*len)++] = '-';
	memcpy(key + *len, enc, n);
	*len += n;
	return 1;
}


size_t lc_tag_fold_clean(const struct lc_clean *c, unsigned flags,
			 char *key, unsigned *report)
{
	size_t start = 0, end = c->n, len = 0, solid = 0, i;
	int pending = 0;

	if (flags & LLMCOST_FOLD_TRIM) {
		while (start < end && lc_is_space(c->cp[start]))
			start++;
		while (end > start && lc_is_space(c->cp[end - 1]))
			end--;
	}
	for (i = start; i < end; i++) {
		uint32_t cp = c->cp[i];

		if ((flags & LLMCOST_FOLD_SEPARATORS) && lc_is_separator(cp)) {
			pending = 1;
			continue;
		}
		if (lc_boundary(c->cp, start, end, i, flags))
			pending = 1;
		if (flags & LLMCOST_FOLD_CASE)
			cp = lc_to_lower(cp);
		if (!lc_key_put(key, &len, cp, pending && len > 0)) {
			*report |= LLMCOST_TAG_TOO_LONG;
			/* A cut key must not end in white space that folding
			 * it again would trim. */
			if (flags & LLMCOST_FOLD_TRIM)
				len = solid;
			break;
		}
		if (!lc_is_space(cp))
			solid = len;
		pending = 0;
	}
	key[len] = '\0';
	return len;
}


size_t lc_tag_text(const struct lc_clean *c, char *text, unsigned *report)
{
	size_t len = 0, i;

	for (i = 0; i < c->n; i++) {
		if (!lc_key_put(text, &len, c->cp[i], 0)) {
			*report |= LLMCOST_TAG_TOO_LONG;
			break;
		}
	}
	text[len] = '\0';
	return len;
}


size_t lc_tag_key_cps(const char *key, size_t len, uint32_t *cp)
{
	size_t pos = 0, n = 0;

	while (pos < len && n < LC_TAG_MAX)
		pos += lc_char_len(key, len, pos, &cp[n++]);
	return n;
}


/* ---- edit distance --------------------------------------------------- */

static unsigned lc_min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}


/* Optimal string alignment: Levenshtein plus swaps of two neighbours,
 * over three rolling rows.  A row's minimum never falls, so once it
 * passes max the answer is known to be over max. */
unsigned lc_tag_osa(const uint32_t *a, size_t an, const uint32_t *b,
		    size_t bn, unsigned max)
{
	unsigned rows[3][LC_TAG_MAX + 1];
	unsigned *two = rows[0], *prev = rows[1], *cur = rows[2], *t;
	size_t i, j;

	if ((an > bn ? an - bn : bn - an) > max)
		return max + 1;
	for (j = 0; j <= bn; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= an; i++) {
		unsigned low;

		cur[0] = (unsigned)i;
		low = cur[0];
		for (j = 1; j <= bn; j++) {
			unsigned sub = a[i - 1] != b[j - 1];

			cur[j] = lc_min3(prev[j] + 1, cur[j - 1] + 1,
					 prev[j - 1] + sub);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && two[j - 2] + 1 < cur[j])
				cur[j] = two[j - 2] + 1;
			if (cur[j] < low)
				low = cur[j];
		}
		if (low > max)
			return max + 1;
		t = two;
		two = prev;
		prev = cur;
		cur = t;
	}
	return prev[bn] > max ? max + 1 : prev[bn];
}


/* ---- public folding functions ---------------------------------------- */

static size_t lc_text_len(const char *raw, size_t len)
{
	return len == (size_t)-1 ? strlen(raw) : len;
}


LLMCOST_API int llmcost_tag_fold(unsigned flags, const char *raw,
				 size_t len, char *buf, size_t size,
				 unsigned *report)
{
	struct lc_clean c;
	char key[LLMCOST_TAG_STRLEN];
	size_t n;

	if ((raw == NULL && len != 0) || buf == NULL ||
	    (flags & ~LC_FOLD_KNOWN) != 0)
		return lc_error(LLMCOST_E_INVALID, "tag fold: NULL text or "
				"buffer, or unknown rule bits 0x%x",
				flags & ~LC_FOLD_KNOWN);
	lc_tag_clean(raw ? raw : "", raw ? lc_text_len(raw, len) : 0, &c);
	n = lc_tag_fold_clean(&c, flags, key, &c.report);
	if (report != NULL)
		*report = c.report;
	if (size <= n) {
		if (size > 0)
			buf[0] = '\0';
		return lc_error(LLMCOST_E_RANGE, "tag fold: the key needs %zu "
				"bytes, the buffer has %zu", n + 1, size);
	}
	memcpy(buf, key, n + 1);
	return (int)n;
}


/* Folds raw into key and decodes the key into cp; returns the count. */
static size_t lc_fold_cps(unsigned flags, const char *raw, size_t len,
			  uint32_t *cp)
{
	struct lc_clean c;
	char key[LLMCOST_TAG_STRLEN];
	size_t n;

	lc_tag_clean(raw, lc_text_len(raw, len), &c);
	n = lc_tag_fold_clean(&c, flags, key, &c.report);
	return lc_tag_key_cps(key, n, cp);
}


LLMCOST_API int llmcost_tag_distance(unsigned flags, const char *a,
				     size_t alen, const char *b,
				     size_t blen)
{
	uint32_t acp[LC_TAG_MAX], bcp[LC_TAG_MAX];
	size_t an, bn;

	if (a == NULL || b == NULL || (flags & ~LC_FOLD_KNOWN) != 0)
		return lc_error(LLMCOST_E_INVALID, "tag distance: NULL text "
				"or unknown rule bits 0x%x",
				flags & ~LC_FOLD_KNOWN);
	an = lc_fold_cps(flags, a, alen, acp);
	bn = lc_fold_cps(flags, b, blen, bcp);
	return (int)lc_tag_osa(acp, an, bcp, bn, 2 * LC_TAG_MAX);
}
