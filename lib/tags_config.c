/*
 * tags_config.c - loads a tag vocabulary from its JSON config
 * (docs/tags.md gives the format).
 *
 * Errors name a line, a column and a field.  cJSON keeps no positions,
 * so the text is first read by a small recogniser that checks the syntax
 * (reporting where it breaks) and records where each value starts, in
 * document order.  A pre-order walk of the cJSON tree meets the values in
 * that same order, which ties every node to its place in the text.
 *
 * Loading is all or nothing: the config is applied to a scratch handle
 * holding a copy of the vocabulary, and the two are swapped only when
 * every field has been taken.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tags.h"

#define LC_CONFIG_VERSION "1"
#define LC_PATH_SIZE 320
#define LC_CONFIG_FILE_MAX ((size_t)64 << 20)

/* The recogniser: position, depth, and the start of every value. */
struct lc_scan {
	const unsigned char *s;
	size_t len;
	size_t pos;
	int depth;
	const char *why;
	size_t *start;
	size_t n, cap;
};

/* One load: the scratch handle, the text, and the current field. */
struct lc_cfg {
	llmcost_tags *t;
	const char *text;
	const size_t *start;
	const cJSON **node;
	size_t n;		/* entries of start[] and node[]; 0: none */
	char path[LC_PATH_SIZE];
	size_t plen;
};

static const char *const lc_rule_names[] = {
	"case", "trim", "separators", "camel", "digits"
};

static const unsigned lc_rule_bits[] = {
	LLMCOST_FOLD_CASE, LLMCOST_FOLD_TRIM, LLMCOST_FOLD_SEPARATORS,
	LLMCOST_FOLD_CAMEL, LLMCOST_FOLD_DIGITS
};

static const char *const lc_policy_names[] = {
	[LLMCOST_UNMAPPED_FOLDED] = "folded",
	[LLMCOST_UNMAPPED_RAW] = "raw",
	[LLMCOST_UNMAPPED_BUCKET] = "bucket",
};


/* ---- positions ------------------------------------------------------- */

static void lc_line_col(const char *text, size_t pos, size_t *line,
			size_t *col)
{
	size_t i, l = 1, c = 1;

	for (i = 0; i < pos; i++) {
		if (text[i] == '\n')
			l++, c = 1;
		else
			c++;
	}
	*line = l;
	*col = c;
}


/* ---- the recogniser -------------------------------------------------- */

static int lc_scan_fail(struct lc_scan *sc, const char *why)
{
	sc->why = why;
	return -1;
}


static void lc_scan_ws(struct lc_scan *sc)
{
	while (sc->pos < sc->len && (sc->s[sc->pos] == ' ' ||
				     sc->s[sc->pos] == '\t' ||
				     sc->s[sc->pos] == '\n' ||
				     sc->s[sc->pos] == '\r'))
		sc->pos++;
}


static int lc_scan_record(struct lc_scan *sc)
{
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 64;
		size_t *grown = lc_realloc(sc->start, cap * sizeof(*grown));

		if (grown == NULL)
			return lc_scan_fail(sc, "out of memory");
		sc->start = grown;
		sc->cap = cap;
	}
	sc->start[sc->n++] = sc->pos;
	return 0;
}


/* Reads the four hex digits of a \u escape at s[pos]. */
static int lc_scan_hex4(struct lc_scan *sc, unsigned *v)
{
	size_t i;

	*v = 0;
	if (sc->len - sc->pos < 4)
		return lc_scan_fail(sc, "bad \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned char c = sc->s[sc->pos + i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return lc_scan_fail(sc, "bad \\u escape");
		*v = *v << 4 | d;
	}
	sc->pos += 4;
	return 0;
}


/* A \u escape (pos just after the 'u'): no NUL, surrogates in pairs. */
static int lc_scan_unicode(struct lc_scan *sc)
{
	unsigned v, low;

	if (lc_scan_hex4(sc, &v))
		return -1;
	if (v == 0)
		return lc_scan_fail(sc, "\\u0000 is not allowed in a string");
	if (v >= 0xdc00 && v <= 0xdfff)
		return lc_scan_fail(sc, "lone low surrogate escape");
	if (v < 0xd800 || v > 0xdbff)
		return 0;
	if (sc->len - sc->pos < 2 || sc->s[sc->pos] != '\\' ||
	    sc->s[sc->pos + 1] != 'u')
		return lc_scan_fail(sc, "high surrogate escape without a low "
				    "one");
	sc->pos += 2;
	if (lc_scan_hex4(sc, &low))
		return -1;
	if (low < 0xdc00 || low > 0xdfff)
		return lc_scan_fail(sc, "high surrogate escape without a low "
				    "one");
	return 0;
}


/* An escape; a bad one is reported at its backslash. */
static int lc_scan_escape(struct lc_scan *sc)
{
	size_t at = sc->pos;
	unsigned char c;

	if (sc->pos + 1 >= sc->len)
		return lc_scan_fail(sc, "unterminated string");
	c = sc->s[sc->pos + 1];
	sc->pos += 2;
	if (c == 'u' ? lc_scan_unicode(sc) == 0 :
	    c != '\0' && strchr("\"\\/bfnrt", c) != NULL)
		return 0;
	if (c != 'u')
		lc_scan_fail(sc, "bad escape in string");
	sc->pos = at;
	return -1;
}


static int lc_scan_string(struct lc_scan *sc)
{
	sc->pos++;
	while (sc->pos < sc->len) {
		unsigned char c = sc->s[sc->pos];
		uint32_t cp;
		size_t n;

		if (c == '"') {
			sc->pos++;
			return 0;
		}
		if (c < 0x20)
			return lc_scan_fail(sc, "control character in string");
		if (c == '\\') {
			if (lc_scan_escape(sc))
				return -1;
			continue;
		}
		n = lc_utf8_decode(sc->s + sc->pos, sc->len - sc->pos, &cp);
		if (n == 0)
			return lc_scan_fail(sc, "invalid UTF-8 in string");
		sc->pos += n;
	}
	return lc_scan_fail(sc, "unterminated string");
}


static size_t lc_scan_digits(struct lc_scan *sc)
{
	size_t from = sc->pos;

	while (sc->pos < sc->len && sc->s[sc->pos] >= '0' &&
	       sc->s[sc->pos] <= '9')
		sc->pos++;
	return sc->pos - from;
}


/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int lc_scan_number(struct lc_scan *sc)
{
	if (sc->s[sc->pos] == '-')
		sc->pos++;
	if (sc->pos < sc->len && sc->s[sc->pos] == '0')
		sc->pos++;
	else if (lc_scan_digits(sc) == 0)
		return lc_scan_fail(sc, "bad number");
	if (sc->pos < sc->len && sc->s[sc->pos] == '.') {
		sc->pos++;
		if (lc_scan_digits(sc) == 0)
			return lc_scan_fail(sc, "bad number");
	}
	if (sc->pos < sc->len && (sc->s[sc->pos] | 0x20) == 'e') {
		sc->pos++;
		if (sc->pos < sc->len && (sc->s[sc->pos] == '+' ||
					  sc->s[sc->pos] == '-'))
			sc->pos++;
		if (lc_scan_digits(sc) == 0)
			return lc_scan_fail(sc, "bad number");
	}
	return 0;
}


static int lc_scan_word(struct lc_scan *sc, const char *word)
{
	size_t n = strlen(word);

	if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, word, n) != 0)
		return lc_scan_fail(sc, "unexpected character");
	sc->pos += n;
	return 0;
}


static int lc_scan_value(struct lc_scan *sc);


static int lc_scan_array(struct lc_scan *sc)
{
	sc->pos++;
	lc_scan_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
		sc->pos++;
		return 0;
	}
	for (;;) {
		if (lc_scan_value(sc))
			return -1;
		lc_scan_ws(sc);
		if (sc->pos >= sc->len)
			return lc_scan_fail(sc, "unterminated array");
		if (sc->s[sc->pos] == ']') {
			sc->pos++;
			return 0;
		}
		if (sc->s[sc->pos] != ',')
			return lc_scan_fail(sc, "expected ',' or ']'");
		sc->pos++;
	}
}


static int lc_scan_member(struct lc_scan *sc)
{
	lc_scan_ws(sc);
	if (sc->pos >= sc->len || sc->s[sc->pos] != '"')
		return lc_scan_fail(sc, "expected a field name in quotes");
	if (lc_scan_string(sc))
		return -1;
	lc_scan_ws(sc);
	if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
		return lc_scan_fail(sc, "expected ':' after a field name");
	sc->pos++;
	return lc_scan_value(sc);
}


static int lc_scan_object(struct lc_scan *sc)
{
	sc->pos++;
	lc_scan_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
		sc->pos++;
		return 0;
	}
	for (;;) {
		if (lc_scan_member(sc))
			return -1;
		lc_scan_ws(sc);
		if (sc->pos >= sc->len)
			return lc_scan_fail(sc, "unterminated object");
		if (sc->s[sc->pos] == '}') {
			sc->pos++;
			return 0;
		}
		if (sc->s[sc->pos] != ',')
			return lc_scan_fail(sc, "expected ',' or '}'");
		sc->pos++;
	}
}


static int lc_scan_nested(struct lc_scan *sc, int object)
{
	int rc;

	if (++sc->depth > LC_JSON_MAX_DEPTH)
		return lc_scan_fail(sc, "nesting too deep");
	rc = object ? lc_scan_object(sc) : lc_scan_array(sc);
	sc->depth--;
	return rc;
}


static int lc_scan_value(struct lc_scan *sc)
{
	unsigned char c;

	lc_scan_ws(sc);
	if (sc->pos >= sc->len)
		return lc_scan_fail(sc, "unexpected end of input");
	if (lc_scan_record(sc))
		return -1;
	c = sc->s[sc->pos];
	if (c == '{' || c == '[')
		return lc_scan_nested(sc, c == '{');
	if (c == '"')
		return lc_scan_string(sc);
	if (c == '-' || (c >= '0' && c <= '9'))
		return lc_scan_number(sc);
	if (c == 't')
		return lc_scan_word(sc, "true");
	if (c == 'f')
		return lc_scan_word(sc, "false");
	if (c == 'n')
		return lc_scan_word(sc, "null");
	return lc_scan_fail(sc, "unexpected character");
}


/* Checks the syntax of text and records the start of every value. */
static int lc_scan_text(struct lc_scan *sc, const char *text, size_t len)
{
	size_t line, col;

	memset(sc, 0, sizeof(*sc));
	sc->s = (const unsigned char *)text;
	sc->len = len;
	if (lc_scan_value(sc) == 0) {
		lc_scan_ws(sc);
		if (sc->pos == sc->len)
			return LLMCOST_OK;
		lc_scan_fail(sc, "unexpected text after the JSON value");
	}
	if (strcmp(sc->why, "out of memory") == 0)
		return lc_error(LLMCOST_E_NOMEM, "tags config: out of memory");
	lc_line_col(text, sc->pos, &line, &col);
	return lc_error(LLMCOST_E_PARSE, "line %zu, column %zu: %s", line,
			col, sc->why);
}


/* ---- tying nodes to positions ---------------------------------------- */

static size_t lc_count_nodes(const cJSON *item)
{
	size_t n = 1;
	const cJSON *child;

	for (child = item->child; child != NULL; child = child->next)
		n += lc_count_nodes(child);
	return n;
}


static void lc_list_nodes(const cJSON *item, const cJSON **node, size_t *n)
{
	const cJSON *child;

	node[(*n)++] = item;
	for (child = item->child; child != NULL; child = child->next)
		lc_list_nodes(child, node, n);
}


/* Lists root's nodes in pre-order next to the recorded starts; if the
 * counts differ, positions are left out of errors (cfg->n = 0). */
static int lc_tie_nodes(struct lc_cfg *cfg, const cJSON *root,
			const struct lc_scan *sc)
{
	size_t n = lc_count_nodes(root), got = 0;

	cfg->start = sc->start;
	cfg->n = 0;
	if (n != sc->n)
		return LLMCOST_OK;
	cfg->node = lc_calloc(n, sizeof(*cfg->node));
	if (cfg->node == NULL)
		return lc_error(LLMCOST_E_NOMEM, "tags config: out of memory");
	lc_list_nodes(root, cfg->node, &got);
	cfg->n = n;
	return LLMCOST_OK;
}


/* ---- errors and field paths ------------------------------------------ */

static int lc_cfg_fail(const struct lc_cfg *cfg, const cJSON *item,
		       int status, const char *fmt, ...) LC_PRINTF(4, 5);

static int lc_cfg_fail(const struct lc_cfg *cfg, const cJSON *item,
		       int status, const char *fmt, ...)
{
	char msg[300], where[64] = "";
	const char *path = cfg->plen > 0 ? cfg->path : "(top level)";
	size_t i, line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; i < cfg->n; i++) {
		if (cfg->node[i] == item) {
			lc_line_col(cfg->text, cfg->start[i], &line, &col);
			snprintf(where, sizeof(where), "line %zu, column %zu: ",
				 line, col);
			break;
		}
	}
	return lc_error(status, "%s%s: %s", where, path, msg);
}


/* Restates the error a library call just set, at item. */
static int lc_cfg_rethrow(const struct lc_cfg *cfg, const cJSON *item,
			  int status)
{
	char msg[300];

	snprintf(msg, sizeof(msg), "%s", llmcost_last_error());
	return lc_cfg_fail(cfg, item, status, "%s", msg);
}


static size_t lc_path_key(struct lc_cfg *cfg, const char *key)
{
	size_t old = cfg->plen;
	int n = snprintf(cfg->path + old, sizeof(cfg->path) - old, "%s%.60s",
			 old > 0 ? "." : "", key);

	if (n > 0)
		cfg->plen = strlen(cfg->path);
	return old;
}


static size_t lc_path_index(struct lc_cfg *cfg, size_t index)
{
	size_t old = cfg->plen;

	snprintf(cfg->path + old, sizeof(cfg->path) - old, "[%zu]", index);
	cfg->plen = strlen(cfg->path);
	return old;
}


static void lc_path_pop(struct lc_cfg *cfg, size_t old)
{
	cfg->plen = old;
	cfg->path[old] = '\0';
}


/* ---- typed fields ---------------------------------------------------- */

static int lc_cfg_string(const struct lc_cfg *cfg, const cJSON *item,
			 const char **out)
{
	*out = lc_json_string(item);
	if (*out == NULL)
		return lc_cfg_fail(cfg, item, LLMCOST_E_TYPE, "expected a "
				   "string");
	return LLMCOST_OK;
}


static int lc_cfg_kind(const struct lc_cfg *cfg, const cJSON *item,
		       int object)
{
	if (object ? cJSON_IsObject(item) : cJSON_IsArray(item))
		return LLMCOST_OK;
	return lc_cfg_fail(cfg, item, LLMCOST_E_TYPE, "expected %s",
			   object ? "an object" : "an array");
}


/* One of names[0..n); returns its index or -1. */
static int lc_name_index(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0)
			return i;
	}
	return -1;
}


/* ---- a dimension's settings ------------------------------------------ */

static int lc_cfg_fold(struct lc_cfg *cfg, int dim, const cJSON *item)
{
	const cJSON *rule;
	unsigned flags = 0;
	size_t i = 0;
	int rc = lc_cfg_kind(cfg, item, 0);

	cJSON_ArrayForEach(rule, item) {
		size_t old = lc_path_index(cfg, i++);
		const char *name;
		int bit;

		if (rc == LLMCOST_OK)
			rc = lc_cfg_string(cfg, rule, &name);
		if (rc == LLMCOST_OK) {
			bit = lc_name_index(name, lc_rule_names,
					    (int)LC_ARRAY_LEN(lc_rule_names));
			if (bit < 0)
				rc = lc_cfg_fail(cfg, rule, LLMCOST_E_PARSE,
					"unknown folding rule '%.40s' (rules: "
					"case, trim, separators, camel, "
					"digits)", name);
			else
				flags |= lc_rule_bits[bit];
		}
		lc_path_pop(cfg, old);
	}
	if (rc == LLMCOST_OK &&
	    (rc = llmcost_tags_set_fold(cfg->t, dim, flags)) != LLMCOST_OK)
		rc = lc_cfg_rethrow(cfg, item, rc);
	return rc;
}


static int lc_cfg_limit(struct lc_cfg *cfg, int dim, const cJSON *item)
{
	const char *text = lc_json_number(item);
	int64_t v;

	if (text == NULL)
		return lc_cfg_fail(cfg, item, LLMCOST_E_TYPE, "expected a "
				   "number");
	if (lc_int_parse(text, strlen(text), &v) != LLMCOST_OK || v < 0)
		return lc_cfg_fail(cfg, item, LLMCOST_E_RANGE, "limit %.40s "
				   "is not a whole number >= 0", text);
	llmcost_tags_set_limit(cfg->t, dim, (size_t)v);
	return LLMCOST_OK;
}


/* What a dimension's object says about unmapped values. */
struct lc_unmapped {
	const cJSON *policy_item;
	const cJSON *bucket_item;
	const char *bucket;
	int policy;
};


static int lc_cfg_policy(struct lc_cfg *cfg, const cJSON *item,
			 struct lc_unmapped *u)
{
	const char *name;
	int rc = lc_cfg_string(cfg, item, &name);

	if (rc != LLMCOST_OK)
		return rc;
	u->policy = lc_name_index(name, lc_policy_names,
				  (int)LC_ARRAY_LEN(lc_policy_names));
	if (u->policy < 0)
		return lc_cfg_fail(cfg, item, LLMCOST_E_PARSE, "unknown policy "
				   "'%.40s' (policies: folded, raw, bucket)",
				   name);
	u->policy_item = item;
	return LLMCOST_OK;
}


/* Applies "unmapped" and "bucket" together: a bucket alone means the
 * bucket policy; the bucket policy needs a bucket. */
static int lc_cfg_unmapped(struct lc_cfg *cfg, int dim, const cJSON *obj,
			   const struct lc_unmapped *u)
{
	int policy = u->policy_item != NULL ? u->policy
		     : u->bucket_item != NULL ? LLMCOST_UNMAPPED_BUCKET : -1;
	const cJSON *at = u->policy_item != NULL ? u->policy_item
						 : u->bucket_item;
	int rc;

	if (policy < 0)
		return LLMCOST_OK;
	if (policy == LLMCOST_UNMAPPED_BUCKET && u->bucket_item == NULL)
		return lc_cfg_fail(cfg, obj, LLMCOST_E_MISSING, "policy "
				   "'bucket' needs a field 'bucket'");
	if (policy != LLMCOST_UNMAPPED_BUCKET && u->bucket_item != NULL)
		return lc_cfg_fail(cfg, u->bucket_item, LLMCOST_E_INVALID,
				   "a bucket is given but the policy is "
				   "'%s'", lc_policy_names[policy]);
	if (policy == LLMCOST_UNMAPPED_BUCKET)
		at = u->bucket_item;
	rc = llmcost_tags_set_unmapped(cfg->t, dim, policy, u->bucket);
	return rc != LLMCOST_OK ? lc_cfg_rethrow(cfg, at, rc) : LLMCOST_OK;
}


/* One setting of a dimension (any field but "values"). */
static int lc_cfg_setting(struct lc_cfg *cfg, int dim, const cJSON *item,
			  struct lc_unmapped *u)
{
	const char *name = item->string, *s;
	int rc;

	if (strcmp(name, "fold") == 0)
		return lc_cfg_fold(cfg, dim, item);
	if (strcmp(name, "limit") == 0)
		return lc_cfg_limit(cfg, dim, item);
	if (strcmp(name, "unmapped") == 0)
		return lc_cfg_policy(cfg, item, u);
	if (strcmp(name, "bucket") == 0) {
		u->bucket_item = item;
		return lc_cfg_string(cfg, item, &u->bucket);
	}
	if (strcmp(name, "empty") == 0) {
		rc = lc_cfg_string(cfg, item, &s);
		if (rc == LLMCOST_OK &&
		    (rc = llmcost_tags_set_empty(cfg->t, dim, s)) != 0)
			rc = lc_cfg_rethrow(cfg, item, rc);
		return rc;
	}
	return lc_cfg_fail(cfg, item, LLMCOST_E_PARSE, "unknown field (a "
			   "dimension has fold, unmapped, bucket, empty, "
			   "limit and values)");
}


/* ---- a dimension's vocabulary ---------------------------------------- */

/* "canonical": ["alias", ...] */
static int lc_cfg_entry(struct lc_cfg *cfg, int dim, const cJSON *item)
{
	const char *canonical = item->string;
	const cJSON *alias;
	size_t i = 0;
	int rc = lc_cfg_kind(cfg, item, 0);

	if (rc == LLMCOST_OK &&
	    (rc = llmcost_tags_add(cfg->t, dim, canonical)) != LLMCOST_OK)
		return lc_cfg_rethrow(cfg, item, rc);
	cJSON_ArrayForEach(alias, item) {
		size_t old = lc_path_index(cfg, i++);
		const char *name;

		if (rc == LLMCOST_OK)
			rc = lc_cfg_string(cfg, alias, &name);
		if (rc == LLMCOST_OK &&
		    (rc = llmcost_tags_add_alias(cfg->t, dim, canonical,
						 name)) != LLMCOST_OK)
			rc = lc_cfg_rethrow(cfg, alias, rc);
		lc_path_pop(cfg, old);
	}
	return rc;
}


static int lc_cfg_values(struct lc_cfg *cfg, int dim, const cJSON *item)
{
	const cJSON *entry;
	int rc = lc_cfg_kind(cfg, item, 1);

	cJSON_ArrayForEach(entry, item) {
		size_t old = lc_path_key(cfg, entry->string);

		if (rc == LLMCOST_OK)
			rc = lc_cfg_entry(cfg, dim, entry);
		lc_path_pop(cfg, old);
	}
	return rc;
}


/* A dimension: its settings first, whatever their order, then values. */
static int lc_cfg_dim(struct lc_cfg *cfg, int dim, const cJSON *obj)
{
	struct lc_unmapped u = { NULL, NULL, NULL, -1 };
	const cJSON *item, *values = NULL;
	int rc = lc_cfg_kind(cfg, obj, 1);

	cJSON_ArrayForEach(item, obj) {
		size_t old = lc_path_key(cfg, item->string);

		if (rc == LLMCOST_OK && strcmp(item->string, "values") == 0)
			values = item;
		else if (rc == LLMCOST_OK)
			rc = lc_cfg_setting(cfg, dim, item, &u);
		lc_path_pop(cfg, old);
	}
	if (rc == LLMCOST_OK)
		rc = lc_cfg_unmapped(cfg, dim, obj, &u);
	if (rc == LLMCOST_OK && values != NULL) {
		size_t old = lc_path_key(cfg, "values");

		rc = lc_cfg_values(cfg, dim, values);
		lc_path_pop(cfg, old);
	}
	return rc;
}


static int lc_cfg_dims(struct lc_cfg *cfg, const cJSON *obj)
{
	const cJSON *item;
	int rc = lc_cfg_kind(cfg, obj, 1);

	cJSON_ArrayForEach(item, obj) {
		size_t old = lc_path_key(cfg, item->string);
		int dim = llmcost_tag_dim_from_name(item->string);

		if (rc == LLMCOST_OK && dim < 0)
			rc = lc_cfg_fail(cfg, item, LLMCOST_E_PARSE, "unknown "
					 "dimension (dimensions: team, "
					 "feature, environment, tenant, "
					 "workflow, user)");
		if (rc == LLMCOST_OK)
			rc = lc_cfg_dim(cfg, dim, item);
		lc_path_pop(cfg, old);
	}
	return rc;
}


/* ---- the document ---------------------------------------------------- */

static int lc_cfg_version(struct lc_cfg *cfg, const cJSON *root)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "version");
	const char *text;
	int64_t v;
	size_t old;
	int rc = LLMCOST_OK;

	if (item == NULL)
		return lc_cfg_fail(cfg, root, LLMCOST_E_MISSING, "field "
				   "'version' is missing (this library "
				   "reads version " LC_CONFIG_VERSION ")");
	old = lc_path_key(cfg, "version");
	text = lc_json_number(item);
	if (text == NULL)
		rc = lc_cfg_fail(cfg, item, LLMCOST_E_TYPE, "expected a "
				 "number");
	else if (lc_int_parse(text, strlen(text), &v) != LLMCOST_OK ||
		 v != 1)
		rc = lc_cfg_fail(cfg, item, LLMCOST_E_VERSION, "version %.40s "
				 "is not supported (this library reads "
				 "version " LC_CONFIG_VERSION ")", text);
	lc_path_pop(cfg, old);
	return rc;
}


static int lc_cfg_root(struct lc_cfg *cfg, const cJSON *root)
{
	const cJSON *item;
	int rc;

	if (!cJSON_IsObject(root))
		return lc_cfg_fail(cfg, root, LLMCOST_E_TYPE, "the config "
				   "must be a JSON object");
	rc = lc_cfg_version(cfg, root);
	cJSON_ArrayForEach(item, root) {
		size_t old = lc_path_key(cfg, item->string);

		if (rc == LLMCOST_OK && strcmp(item->string, "dimensions") == 0)
			rc = lc_cfg_dims(cfg, item);
		else if (rc == LLMCOST_OK &&
			 strcmp(item->string, "version") != 0)
			rc = lc_cfg_fail(cfg, item, LLMCOST_E_PARSE, "unknown "
					 "field (the top level has version "
					 "and dimensions)");
		lc_path_pop(cfg, old);
	}
	return rc;
}


/* Applies the parsed config to a copy of tags' vocabulary and, if all of
 * it is taken, swaps the copy in. */
static int lc_cfg_apply(llmcost_tags *tags, struct lc_cfg *cfg,
			const cJSON *root)
{
	llmcost_tags *scratch;
	int rc = llmcost_tags_new(&scratch);

	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_tags_copy_vocab(scratch, tags);
	cfg->t = scratch;
	if (rc == LLMCOST_OK)
		rc = lc_cfg_root(cfg, root);
	if (rc == LLMCOST_OK)
		lc_tags_swap_vocab(tags, scratch);
	llmcost_tags_free(scratch);
	return rc;
}


LLMCOST_API int llmcost_tags_load_json(llmcost_tags *tags, const char *json,
				       size_t len)
{
	struct lc_scan sc;
	struct lc_cfg cfg;
	cJSON *root = NULL;
	char err[160];
	int rc;

	if (tags == NULL || (json == NULL && len > 0))
		return lc_error(LLMCOST_E_INVALID, "tags load: tags or json "
				"is NULL");
	rc = lc_tags_check_open(tags);
	if (rc != LLMCOST_OK)
		return rc;
	memset(&cfg, 0, sizeof(cfg));
	cfg.text = json;
	rc = lc_scan_text(&sc, json ? json : "", len);
	if (rc == LLMCOST_OK) {
		root = lc_json_parse(json, len, err, sizeof(err));
		if (root == NULL)
			rc = lc_error(LLMCOST_E_PARSE, "tags config: %s", err);
	}
	if (rc == LLMCOST_OK)
		rc = lc_tie_nodes(&cfg, root, &sc);
	if (rc == LLMCOST_OK)
		rc = lc_cfg_apply(tags, &cfg, root);
	lc_free(cfg.node);
	lc_free(sc.start);
	lc_json_free(root);
	return rc;
}


LLMCOST_API int llmcost_tags_load_file(llmcost_tags *tags,
				       const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (tags == NULL || path == NULL)
		return lc_error(LLMCOST_E_INVALID, "tags load: tags or path "
				"is NULL");
	rc = lc_read_file(path, LC_CONFIG_FILE_MAX, &text, &len);
	if (rc != LLMCOST_OK)
		return rc;
	rc = llmcost_tags_load_json(tags, text, len);
	lc_free(text);
	return rc;
}
