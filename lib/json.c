/*
 * json.c - JSON through cJSON, with exact numbers and strict text.
 *
 * cJSON turns every number into binary floating point.  Prices and token
 * counts must never take that path, so the text first goes through a
 * lexical pass that checks it and rewrites each number as a string
 * holding 0xFF and the number's source text.  Decoded strings are valid
 * UTF-8 and so never start with 0xFF; that byte marks a number without
 * ambiguity.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

#define LC_NUMBER_MARK '\xff'

struct lc_lexer {
	const unsigned char *in;
	size_t len;
	size_t pos;
	char *out;
	size_t out_len;
	int depth;
	char stack[LC_JSON_MAX_DEPTH + 1];	/* '{' or '[' per level */
	int expect_key;		/* the next string is an object key */
	char *err;
	size_t errsize;
	size_t find_out;	/* an offset in out to map back to input */
	size_t found_in;	/* input offset of find_out, once seen */
};


static int lc_lex_fail(struct lc_lexer *lx, const char *why)
{
	if (lx->err != NULL && lx->errsize > 0)
		snprintf(lx->err, lx->errsize, "byte %zu: %s", lx->pos + 1,
			 why);
	return -1;
}


static void lc_emit(struct lc_lexer *lx, const void *bytes, size_t n)
{
	if (lx->found_in == SIZE_MAX && lx->out_len + n > lx->find_out)
		lx->found_in = lx->pos;
	memcpy(lx->out + lx->out_len, bytes, n);
	lx->out_len += n;
}


size_t lc_utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	unsigned c = p[0];
	size_t n, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}


/* Whether text at p is the escape \u0000, which would cut a C string. */
static int lc_is_nul_escape(const unsigned char *p, size_t avail)
{
	return avail >= 6 && p[1] == 'u' && memcmp(p + 2, "0000", 4) == 0;
}


static int lc_lex_string(struct lc_lexer *lx)
{
	size_t start = lx->pos;

	lx->pos++;
	while (lx->pos < lx->len) {
		unsigned char c = lx->in[lx->pos];
		uint32_t cp;
		size_t n;

		if (c == '"') {
			lx->pos++;
			lc_emit(lx, lx->in + start, lx->pos - start);
			return 0;
		}
		if (c < 0x20)
			return lc_lex_fail(lx, "control character in string");
		if (c == '\\') {
			if (lx->pos + 1 >= lx->len)
				break;
			if (!strchr("\"\\/bfnrtu", lx->in[lx->pos + 1]) ||
			    lx->in[lx->pos + 1] == '\0')
				return lc_lex_fail(lx, "bad escape in string");
			if (lc_is_nul_escape(lx->in + lx->pos,
					     lx->len - lx->pos))
				return lc_lex_fail(lx, "NUL (\\u0000) in "
						   "string");
			lx->pos += 2;
			continue;
		}
		n = lc_utf8_decode(lx->in + lx->pos, lx->len - lx->pos,
				   &cp);
		if (n == 0)
			return lc_lex_fail(lx, "invalid UTF-8 in string");
		lx->pos += n;
	}
	return lc_lex_fail(lx, "unterminated string");
}


static size_t lc_skip_digits(const unsigned char *in, size_t len, size_t i)
{
	while (i < len && in[i] >= '0' && in[i] <= '9')
		i++;
	return i;
}


/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int lc_lex_number(struct lc_lexer *lx)
{
	const unsigned char *in = lx->in;
	size_t i = lx->pos, d;

	if (in[i] == '-')
		i++;
	if (i >= lx->len || in[i] < '0' || in[i] > '9')
		return lc_lex_fail(lx, "bad number");
	if (in[i] == '0')
		i++;
	else
		i = lc_skip_digits(in, lx->len, i);
	if (i < lx->len && in[i] == '.') {
		d = lc_skip_digits(in, lx->len, i + 1);
		if (d == i + 1)
			return lc_lex_fail(lx, "bad number");
		i = d;
	}
	if (i < lx->len && (in[i] == 'e' || in[i] == 'E')) {
		i++;
		if (i < lx->len && (in[i] == '+' || in[i] == '-'))
			i++;
		d = lc_skip_digits(in, lx->len, i);
		if (d == i)
			return lc_lex_fail(lx, "bad number");
		i = d;
	}
	lc_emit(lx, "\"\xff", 2);
	lc_emit(lx, in + lx->pos, i - lx->pos);
	lc_emit(lx, "\"", 1);
	lx->pos = i;
	return 0;
}


/* Structure outside strings: brackets keep a stack so that a number
 * standing where an object key belongs is refused (cJSON would accept it
 * once rewritten as a string).  Only JSON whitespace, punctuation and the
 * letters of true, false and null may appear; cJSON checks the words. */
static int lc_lex_punct(struct lc_lexer *lx, unsigned char c)
{
	if (c == '[' || c == '{') {
		if (lx->depth >= LC_JSON_MAX_DEPTH)
			return lc_lex_fail(lx, "nesting too deep");
		lx->stack[++lx->depth] = (char)c;
		lx->expect_key = c == '{';
	} else if (c == ']' || c == '}') {
		if (lx->depth > 0)
			lx->depth--;
		lx->expect_key = 0;
	} else if (c == ',') {
		lx->expect_key = lx->depth > 0 && lx->stack[lx->depth] == '{';
	} else if (c == ':') {
		lx->expect_key = 0;
	} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
		   (c < 'a' || c > 'z')) {
		char why[48];

		snprintf(why, sizeof(why), "unexpected byte 0x%02x", c);
		return lc_lex_fail(lx, why);
	}
	lc_emit(lx, &c, 1);
	lx->pos++;
	return 0;
}


static int lc_lex(struct lc_lexer *lx)
{
	while (lx->pos < lx->len) {
		unsigned char c = lx->in[lx->pos];
		int rc;

		if (c == '"') {
			rc = lc_lex_string(lx);
			lx->expect_key = 0;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			if (lx->expect_key)
				return lc_lex_fail(lx, "object key is not a "
						   "string");
			rc = lc_lex_number(lx);
		} else if (c == '\0') {
			return lc_lex_fail(lx, "NUL byte");
		} else {
			rc = lc_lex_punct(lx, c);
		}
		if (rc)
			return -1;
	}
	lx->out[lx->out_len] = '\0';
	return 0;
}


/* Objects with more members than this find duplicates through a map. */
#define LC_DUP_SCAN_MAX 24

static int lc_dup_fail(const char *key, char *err, size_t errsize)
{
	if (err != NULL && errsize > 0)
		snprintf(err, errsize, "duplicate key '%.64s'", key);
	return -1;
}


static int lc_object_duplicates(const cJSON *obj, char *err,
				size_t errsize)
{
	const cJSON *a, *b;
	int n = cJSON_GetArraySize(obj), rc = 0;
	lc_map *seen;

	if (n <= LC_DUP_SCAN_MAX) {
		for (a = obj->child; a != NULL; a = a->next)
			for (b = a->next; b != NULL; b = b->next)
				if (a->string[0] == b->string[0] &&
				    strcmp(a->string, b->string) == 0)
					return lc_dup_fail(a->string, err,
							   errsize);
		return 0;
	}
	seen = lc_map_new();
	if (seen == NULL)
		return lc_dup_fail("(out of memory)", err, errsize);
	for (a = obj->child; a != NULL && rc == 0; a = a->next) {
		size_t len = strlen(a->string);

		if (lc_map_get(seen, a->string, len, NULL))
			rc = lc_dup_fail(a->string, err, errsize);
		else if (lc_map_put(seen, a->string, len, 0, NULL))
			rc = lc_dup_fail("(out of memory)", err, errsize);
	}
	lc_map_free(seen);
	return rc;
}


/* A key given twice is refused: tools disagree on which one wins, so
 * either choice would silently change someone's total. */
static int lc_check_duplicates(const cJSON *item, char *err,
			       size_t errsize)
{
	const cJSON *c;

	if (cJSON_IsObject(item) && lc_object_duplicates(item, err, errsize))
		return -1;
	for (c = item->child; c != NULL; c = c->next)
		if (lc_check_duplicates(c, err, errsize))
			return -1;
	return 0;
}


/* Maps a position in the rewritten text back to the input by lexing the
 * input again and noting the input offset when output reaches it. */
static size_t lc_input_offset(struct lc_lexer *lx, const char *end)
{
	size_t at = end != NULL ? (size_t)(end - lx->out) : lx->out_len;

	if (at > lx->out_len)
		at = lx->out_len;
	lx->pos = 0;
	lx->out_len = 0;
	lx->depth = 0;
	lx->expect_key = 0;
	lx->find_out = at;
	lx->found_in = SIZE_MAX;
	lc_lex(lx);
	return lx->found_in == SIZE_MAX ? lx->len : lx->found_in;
}


cJSON *lc_json_parse(const char *text, size_t len, char *err,
		     size_t errsize)
{
	struct lc_lexer lx;
	const char *end = NULL;
	cJSON *root;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (text == NULL || len > (SIZE_MAX - 1) / 4) {
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "input too large");
		return NULL;
	}
	memset(&lx, 0, sizeof(lx));
	lx.in = (const unsigned char *)text;
	lx.len = len;
	lx.err = err;
	lx.errsize = errsize;
	lx.find_out = SIZE_MAX;
	lx.found_in = SIZE_MAX;
	/* A number grows by three bytes at most, and is at least one. */
	lx.out = lc_malloc(len * 4 + 1);
	if (lx.out == NULL) {
		if (err != NULL && errsize > 0)
			snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (lc_lex(&lx)) {
		lc_free(lx.out);
		return NULL;
	}
	root = cJSON_ParseWithOpts(lx.out, &end, 1);
	if (root == NULL && err != NULL && errsize > 0)
		snprintf(err, errsize, "malformed JSON near byte %zu",
			 lc_input_offset(&lx, end) + 1);
	lc_free(lx.out);
	if (root != NULL && lc_check_duplicates(root, err, errsize)) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}


void lc_json_free(cJSON *root)
{
	cJSON_Delete(root);
}


const char *lc_json_number(const cJSON *item)
{
	if (item == NULL || !cJSON_IsString(item) || !item->valuestring)
		return NULL;
	if (item->valuestring[0] != LC_NUMBER_MARK)
		return NULL;
	return item->valuestring + 1;
}


const char *lc_json_string(const cJSON *item)
{
	if (item == NULL || !cJSON_IsString(item) || !item->valuestring)
		return NULL;
	if (item->valuestring[0] == LC_NUMBER_MARK)
		return NULL;
	return item->valuestring;
}


/* Index of an array step: n decimal digits with no sign, or -1. */
static long lc_path_index(const char *seg, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (seg[i] < '0' || seg[i] > '9')
			return -1;
		v = v * 10 + (seg[i] - '0');
	}
	return v;
}


/* The member of obj whose key is the n bytes at seg. */
static const cJSON *lc_member(const cJSON *obj, const char *seg, size_t n)
{
	const cJSON *c;

	for (c = obj->child; c != NULL; c = c->next)
		if (strncmp(c->string, seg, n) == 0 && c->string[n] == '\0')
			return c;
	return NULL;
}


const cJSON *lc_json_path(const cJSON *root, const char *path)
{
	const cJSON *cur = root;
	const char *p = path;

	if (root == NULL || path == NULL)
		return NULL;
	while (cur != NULL) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (cJSON_IsObject(cur)) {
			cur = lc_member(cur, p, n);
		} else if (cJSON_IsArray(cur)) {
			long idx = lc_path_index(p, n);

			cur = idx < 0 ? NULL : cJSON_GetArrayItem(cur,
								  (int)idx);
		} else {
			return NULL;
		}
		if (dot == NULL)
			return cur;
		p = dot + 1;
	}
	return NULL;
}
