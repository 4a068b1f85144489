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


/* Length of the UTF-8 sequence at p (at most avail bytes), or 0 if it is
 * not a valid, shortest-form encoding of a scalar value. */
static size_t lc_utf8_len(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	size_t n, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}


static int lc_lex_string(struct lc_lexer *lx)
{
	size_t start = lx->pos;

	lx->pos++;
	while (lx->pos < lx->len) {
		unsigned char c = lx->in[lx->pos];
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
			lx->pos += 2;
			continue;
		}
		n = lc_utf8_len(lx->in + lx->pos, lx->len - lx->pos);
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


static int lc_lex(struct lc_lexer *lx)
{
	while (lx->pos < lx->len) {
		unsigned char c = lx->in[lx->pos];

		if (c == '"') {
			if (lc_lex_string(lx))
				return -1;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			if (lc_lex_number(lx))
				return -1;
		} else if (c == '\0') {
			return lc_lex_fail(lx, "NUL byte");
		} else {
			if (c == '[' || c == '{') {
				if (++lx->depth > LC_JSON_MAX_DEPTH)
					return lc_lex_fail(lx,
						"nesting too deep");
			} else if (c == ']' || c == '}') {
				lx->depth--;
			}
			lc_emit(lx, &c, 1);
			lx->pos++;
		}
	}
	lx->out[lx->out_len] = '\0';
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


/* Index of an array step: a decimal number with no sign, or -1. */
static long lc_path_index(const char *seg)
{
	long v = 0;

	if (*seg == '\0')
		return -1;
	for (; *seg; seg++) {
		if (*seg < '0' || *seg > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (*seg - '0');
	}
	return v;
}


const cJSON *lc_json_path(const cJSON *root, const char *path)
{
	char seg[256];
	const cJSON *cur = root;
	const char *p = path;

	if (root == NULL || path == NULL)
		return NULL;
	while (cur != NULL) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (cJSON_IsObject(cur)) {
			cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
		} else if (cJSON_IsArray(cur)) {
			long idx = lc_path_index(seg);

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
