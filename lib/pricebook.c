/*
 * pricebook.c - loads libllmcost's own price book format
 * (docs/pricebook.md) and builds the table compiled into the library.
 *
 * The loader is strict: the first line it cannot read fails the whole
 * load with its line number.  The book is parsed into a list of its own
 * first and only then written into the table, so a book with an error
 * leaves the table as it was.
 */
#include <stdio.h>
#include <string.h>

#include "prices.h"

/* Most words on one line: "price", a date, and many settings. */
#define LC_BOOK_MAX_WORDS 96

/* Rates in a book are US dollars per million tokens; read at this scale
 * they come out in 10^-18 USD per token: $/M * 10^-6 * 10^18. */
#define LC_BOOK_SCALE 12

/* Per-call rates are US dollars per thousand calls: $/K * 10^-3 * 10^18. */
#define LC_BOOK_CALL_SCALE 15

/* Regional uplifts above x1000 are refused as typing mistakes. */
#define LC_BOOK_REGIONAL_MAX (1000LL * LC_PPM)

#define LC_MS_PER_DAY 86400000LL

extern const char lc_default_pricebook[];
extern const size_t lc_default_pricebook_len;

struct lc_word {
	const char *s;
	size_t len;
};

struct lc_book_model {
	struct lc_word key;
	struct lc_word provider;	/* len 0: none given */
	size_t line;
	size_t first_version;
	size_t nversions;
};

/* A price line as parsed, more compact than lc_price_version: a book has
 * at most one long-context tier per line. */
struct lc_book_version {
	int64_t valid_from_ms;
	int64_t regional_ppm;
	int64_t above;		/* 0: no tier */
	lc_rates base;
	lc_rates tier;
	lc_rates svc[LC_SVC_COUNT];
	size_t line;
};

struct lc_book_alias {
	struct lc_word key;
	size_t model;
	size_t line;
};

struct lc_book {
	const llmcost_prices *p;
	lc_map *names;		/* lowercase keys named so far -> line */
	size_t line;
	int have_format;
	struct lc_book_model *models;
	size_t nmodels, models_cap;
	struct lc_book_version *versions;
	size_t nversions, versions_cap;
	struct lc_book_alias *aliases;
	size_t naliases, aliases_cap;
};


static int lc_bad(const struct lc_book *b, int status, const char *fmt, ...)
	LC_PRINTF(3, 4);

static int lc_bad(const struct lc_book *b, int status, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lc_error(status, "line %zu: %s", b->line, msg);
}


static int lc_word_is(struct lc_word w, const char *s)
{
	return w.len == strlen(s) && memcmp(w.s, s, w.len) == 0;
}


/* Splits a line into words; a word starting with '#' ends it. */
static int lc_split(const struct lc_book *b, const char *s, size_t len,
		    struct lc_word *words, size_t *n)
{
	size_t i = 0, start;

	*n = 0;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len || s[i] == '#')
			return LLMCOST_OK;
		if (*n == LC_BOOK_MAX_WORDS)
			return lc_bad(b, LLMCOST_E_PARSE, "too many words");
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		words[*n].s = s + start;
		words[(*n)++].len = i - start;
	}
}


static int lc_check_bytes(const struct lc_book *b, const char *s,
			  size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return lc_bad(b, LLMCOST_E_PARSE,
				      "control character 0x%02x", c);
	}
	return LLMCOST_OK;
}


/* ---- names: model keys and aliases ------------------------------------- */

static int lc_check_key(const struct lc_book *b, struct lc_word key,
			const char *what)
{
	uint32_t first;
	char low[LC_KEY_MAX];

	if (key.len > LC_KEY_MAX)
		return lc_bad(b, LLMCOST_E_PARSE, "%s key longer than %d "
			      "bytes", what, LC_KEY_MAX);
	if (memchr(key.s, '=', key.len) != NULL)
		return lc_bad(b, LLMCOST_E_PARSE, "%s key '%.*s' holds '='",
			      what, (int)key.len, key.s);
	lc_key_lower(key.s, key.len, low);
	if (lc_map_get(b->names, low, key.len, &first))
		return lc_bad(b, LLMCOST_E_PARSE, "%s '%.*s' already named "
			      "at line %u", what, (int)key.len, key.s,
			      (unsigned)first);
	return LLMCOST_OK;
}


static int lc_name(struct lc_book *b, struct lc_word key)
{
	char low[LC_KEY_MAX];
	uint32_t line = b->line > UINT32_MAX ? UINT32_MAX : (uint32_t)b->line;

	lc_key_lower(key.s, key.len, low);
	if (lc_map_put(b->names, low, key.len, line, NULL))
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	return LLMCOST_OK;
}


/* Whether two keys are equal apart from ASCII case. */
static int lc_same_key(const char *a, size_t alen, struct lc_word w)
{
	char la[LC_KEY_MAX], lb[LC_KEY_MAX];

	if (alen != w.len || alen > LC_KEY_MAX)
		return 0;
	lc_key_lower(a, alen, la);
	lc_key_lower(w.s, w.len, lb);
	return memcmp(la, lb, alen) == 0;
}


/* An alias may not take a key the table already has, unless that key is
 * already an alias of the same model (a book loaded twice). */
static int lc_check_alias_free(const struct lc_book *b, struct lc_word key,
			       struct lc_word model)
{
	const char *other;
	uint32_t slot, target;

	if (!lc_prices_find(b->p, key.s, key.len, &slot, &target))
		return LLMCOST_OK;
	other = lc_prices_entry_key(b->p, target);
	if (slot != target && lc_same_key(other, strlen(other), model))
		return LLMCOST_OK;
	return lc_bad(b, LLMCOST_E_PARSE, "alias '%.*s' collides with the "
		      "existing key '%s'", (int)key.len, key.s,
		      lc_prices_entry_key(b->p, slot));
}


/* ---- the four kinds of line --------------------------------------------- */

static int lc_line_format(struct lc_book *b, const struct lc_word *w,
			  size_t n)
{
	int64_t v;

	if (b->have_format || b->nmodels > 0)
		return lc_bad(b, LLMCOST_E_PARSE, "'format' must be the first "
			      "line, once");
	if (n != 2)
		return lc_bad(b, LLMCOST_E_PARSE, "expected 'format 1'");
	if (lc_int_parse(w[1].s, w[1].len, &v) != LLMCOST_OK)
		return lc_bad(b, LLMCOST_E_PARSE, "bad format number '%.*s'",
			      (int)w[1].len, w[1].s);
	if (v != 1)
		return lc_bad(b, LLMCOST_E_VERSION, "format %lld is not "
			      "supported (this library reads format 1)",
			      (long long)v);
	b->have_format = 1;
	return LLMCOST_OK;
}


/* A model must have had a price line by the time the next one starts. */
static int lc_close_model(struct lc_book *b)
{
	const struct lc_book_model *m;

	if (b->nmodels == 0)
		return LLMCOST_OK;
	m = &b->models[b->nmodels - 1];
	if (m->nversions > 0)
		return LLMCOST_OK;
	b->line = m->line;
	return lc_bad(b, LLMCOST_E_PARSE, "model '%.*s' has no price line",
		      (int)m->key.len, m->key.s);
}


static int lc_model_option(struct lc_book *b, struct lc_book_model *m,
			   struct lc_word opt)
{
	static const char key[] = "provider=";
	size_t klen = sizeof(key) - 1;

	if (opt.len <= klen || memcmp(opt.s, key, klen) != 0)
		return lc_bad(b, LLMCOST_E_PARSE, "unknown model setting "
			      "'%.*s'", (int)opt.len, opt.s);
	if (m->provider.len > 0)
		return lc_bad(b, LLMCOST_E_PARSE, "provider given twice");
	if (opt.len - klen > LC_KEY_MAX)
		return lc_bad(b, LLMCOST_E_PARSE, "provider name too long");
	m->provider.s = opt.s + klen;
	m->provider.len = opt.len - klen;
	return LLMCOST_OK;
}


static int lc_line_model(struct lc_book *b, const struct lc_word *w,
			 size_t n)
{
	struct lc_book_model m, *grown;
	size_t i;
	int rc;

	if (n < 2)
		return lc_bad(b, LLMCOST_E_PARSE, "expected 'model KEY'");
	rc = lc_close_model(b);
	if (rc == LLMCOST_OK)
		rc = lc_check_key(b, w[1], "model");
	memset(&m, 0, sizeof(m));
	for (i = 2; i < n && rc == LLMCOST_OK; i++)
		rc = lc_model_option(b, &m, w[i]);
	if (rc != LLMCOST_OK)
		return rc;
	m.key = w[1];
	m.line = b->line;
	m.first_version = b->nversions;
	grown = lc_array_grow(b->models, &b->models_cap, b->nmodels + 1,
			      sizeof(*b->models));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	b->models = grown;
	b->models[b->nmodels++] = m;
	return lc_name(b, w[1]);
}


static int lc_line_alias(struct lc_book *b, const struct lc_word *w,
			 size_t n)
{
	struct lc_book_alias a, *grown;
	int rc;

	if (n != 2)
		return lc_bad(b, LLMCOST_E_PARSE, "expected 'alias KEY'");
	if (b->nmodels == 0)
		return lc_bad(b, LLMCOST_E_PARSE, "alias before any model");
	a.key = w[1];
	a.model = b->nmodels - 1;
	a.line = b->line;
	rc = lc_check_key(b, w[1], "alias");
	if (rc == LLMCOST_OK)
		rc = lc_check_alias_free(b, w[1], b->models[a.model].key);
	if (rc != LLMCOST_OK)
		return rc;
	grown = lc_array_grow(b->aliases, &b->aliases_cap, b->naliases + 1,
			      sizeof(*b->aliases));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	b->aliases = grown;
	b->aliases[b->naliases++] = a;
	return lc_name(b, w[1]);
}


/* "YYYY-MM-DD" as UTC midnight, or "always". */
static int lc_parse_date(const struct lc_book *b, struct lc_word w,
			 int64_t *ms)
{
	static const char shape[] = "dddd-dd-dd";
	int64_t y, days = 0, y2 = -1;
	unsigned m, d, m2 = 0, d2 = 0;
	size_t i;

	if (lc_word_is(w, "always")) {
		*ms = LLMCOST_TIME_UNKNOWN;
		return LLMCOST_OK;
	}
	for (i = 0; w.len == 10 && i < 10; i++) {
		if ((shape[i] == 'd') != (w.s[i] >= '0' && w.s[i] <= '9'))
			break;
	}
	if (w.len != 10 || i != 10)
		return lc_bad(b, LLMCOST_E_PARSE, "bad date '%.*s' (expected "
			      "YYYY-MM-DD)", (int)w.len, w.s);
	y = (w.s[0] - '0') * 1000 + (w.s[1] - '0') * 100 +
	    (w.s[2] - '0') * 10 + (w.s[3] - '0');
	m = (unsigned)((w.s[5] - '0') * 10 + (w.s[6] - '0'));
	d = (unsigned)((w.s[8] - '0') * 10 + (w.s[9] - '0'));
	if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		days = lc_days_from_civil(y, m, d);
		lc_civil_from_days(days, &y2, &m2, &d2);
	}
	if (m < 1 || m > 12 || d < 1 || d > 31 || y2 != y || m2 != m ||
	    d2 != d)
		return lc_bad(b, LLMCOST_E_PARSE, "no such date '%.*s'",
			      (int)w.len, w.s);
	*ms = days * LC_MS_PER_DAY;
	return LLMCOST_OK;
}


int lc_book_rate_name(const char *name, size_t len, int *id, int *set)
{
	static const char *const suffixes[] = {
		[LC_SET_ABOVE] = "_above", [LC_SET_BATCH] = "_batch",
		[LC_SET_FLEX] = "_flex", [LC_SET_PRIORITY] = "_priority"
	};
	size_t i, n;
	int r;

	*set = LC_SET_BASE;
	for (i = LC_SET_ABOVE; i < LC_ARRAY_LEN(suffixes); i++) {
		n = strlen(suffixes[i]);
		if (len > n && memcmp(name + len - n, suffixes[i], n) == 0) {
			*set = (int)i;
			len -= n;
			break;
		}
	}
	for (r = 0; r < LC_R_COUNT; r++) {
		const char *rn = lc_rate_name(r);

		if (strlen(rn) == len && memcmp(rn, name, len) == 0) {
			*id = r;
			return 0;
		}
	}
	return -1;
}


int lc_book_rate_value(int id, const char *s, size_t len, lc_i128 *out)
{
	int scale = id >= LC_R_FIRST_PER_CALL ? LC_BOOK_CALL_SCALE
					      : LC_BOOK_SCALE;
	int rc = lc_decimal_parse(s, len, scale, out);

	if (rc == LLMCOST_OK && *out < 0)
		return LLMCOST_E_RANGE;
	return rc;
}


static int lc_parse_rate(const struct lc_book *b, struct lc_word name,
			 int id, struct lc_word value, lc_i128 *out)
{
	int rc = lc_book_rate_value(id, value.s, value.len, out);
	const char *why = "not a decimal number";

	if (rc == LLMCOST_OK)
		return LLMCOST_OK;
	if (rc == LLMCOST_E_RANGE && value.s[0] == '-')
		why = "negative";
	else if (rc == LLMCOST_E_INEXACT)
		why = id >= LC_R_FIRST_PER_CALL ?
		      "finer than 10^-15 USD per thousand calls" :
		      "finer than 10^-12 USD per million tokens";
	else if (rc == LLMCOST_E_RANGE)
		why = "out of range";
	return lc_bad(b, LLMCOST_E_PARSE, "%.*s=%.*s: %s", (int)name.len,
		      name.s, (int)value.len, value.s, why);
}


static int lc_parse_above(const struct lc_book *b, struct lc_word value,
			  lc_price_version *v)
{
	int64_t n;

	if (v->ntiers > 0)
		return lc_bad(b, LLMCOST_E_PARSE, "'above' given twice");
	if (lc_int_parse(value.s, value.len, &n) != LLMCOST_OK || n < 1)
		return lc_bad(b, LLMCOST_E_PARSE, "above=%.*s: expected a "
			      "positive whole number of tokens",
			      (int)value.len, value.s);
	v->ntiers = 1;
	v->tier[0].above = n;
	return LLMCOST_OK;
}


static int lc_parse_regional(const struct lc_book *b, struct lc_word value,
			     lc_price_version *v)
{
	int rc;

	if (v->regional_ppm != 0)
		return lc_bad(b, LLMCOST_E_PARSE, "'regional' given twice");
	rc = lc_ppm_parse(value.s, value.len, LC_BOOK_REGIONAL_MAX,
			  &v->regional_ppm);
	if (rc != LLMCOST_OK || v->regional_ppm == 0)
		return lc_bad(b, LLMCOST_E_PARSE, "regional=%.*s: expected a "
			      "factor above 0 and at most 1000, with at most "
			      "6 decimals", (int)value.len, value.s);
	return LLMCOST_OK;
}


/* The rate set a setting fills. */
static lc_rates *lc_book_set(lc_price_version *v, int set)
{
	switch (set) {
	case LC_SET_ABOVE:
		return &v->tier[0].rates;
	case LC_SET_BATCH:
		return &v->svc[LC_SVC_BATCH];
	case LC_SET_FLEX:
		return &v->svc[LC_SVC_FLEX];
	case LC_SET_PRIORITY:
		return &v->svc[LC_SVC_PRIORITY];
	default:
		return &v->base;
	}
}


static int lc_price_setting(const struct lc_book *b, struct lc_word kv,
			    lc_price_version *v)
{
	const char *eq = memchr(kv.s, '=', kv.len);
	struct lc_word name, value;
	lc_rates *rates;
	lc_i128 rate;
	int id, set, rc;

	if (eq == NULL || eq == kv.s || eq == kv.s + kv.len - 1)
		return lc_bad(b, LLMCOST_E_PARSE, "expected NAME=VALUE, got "
			      "'%.*s'", (int)kv.len, kv.s);
	name.s = kv.s;
	name.len = (size_t)(eq - kv.s);
	value.s = eq + 1;
	value.len = kv.len - name.len - 1;
	if (lc_word_is(name, "above"))
		return lc_parse_above(b, value, v);
	if (lc_word_is(name, "regional"))
		return lc_parse_regional(b, value, v);
	if (lc_book_rate_name(name.s, name.len, &id, &set) != 0)
		return lc_bad(b, LLMCOST_E_PARSE, "unknown rate '%.*s'",
			      (int)name.len, name.s);
	rates = lc_book_set(v, set);
	if (lc_rate_has(rates, id))
		return lc_bad(b, LLMCOST_E_PARSE, "'%.*s' given twice",
			      (int)name.len, name.s);
	rc = lc_parse_rate(b, name, id, value, &rate);
	if (rc == LLMCOST_OK)
		lc_rate_set(rates, id, rate);
	return rc;
}


static int lc_check_price(const struct lc_book *b, const lc_price_version *v)
{
	if (v->base.present == 0)
		return lc_bad(b, LLMCOST_E_PARSE, "price line has no rate");
	if (v->tier[0].rates.present != 0 && v->ntiers == 0)
		return lc_bad(b, LLMCOST_E_PARSE, "*_above rates need "
			      "above=TOKENS");
	if (v->ntiers > 0 && v->tier[0].rates.present == 0)
		return lc_bad(b, LLMCOST_E_PARSE, "above= without any *_above "
			      "rate");
	return LLMCOST_OK;
}


static int lc_check_date_free(const struct lc_book *b,
			      const struct lc_book_model *m, int64_t ms)
{
	size_t i;

	for (i = m->first_version; i < m->first_version + m->nversions; i++) {
		if (b->versions[i].valid_from_ms == ms)
			return lc_bad(b, LLMCOST_E_PARSE, "second price for "
				      "'%.*s' on that date (first at line "
				      "%zu)", (int)m->key.len, m->key.s,
				      b->versions[i].line);
	}
	return LLMCOST_OK;
}


static void lc_compact(const lc_price_version *v, size_t line,
		       struct lc_book_version *out)
{
	out->valid_from_ms = v->valid_from_ms;
	out->regional_ppm = v->regional_ppm;
	out->above = v->ntiers > 0 ? v->tier[0].above : 0;
	out->base = v->base;
	out->tier = v->tier[0].rates;
	memcpy(out->svc, v->svc, sizeof(out->svc));
	out->line = line;
}


static void lc_expand(const struct lc_book_version *bv,
		      lc_price_version *v)
{
	memset(v, 0, sizeof(*v));
	v->valid_from_ms = bv->valid_from_ms;
	v->regional_ppm = bv->regional_ppm;
	v->ntiers = bv->above > 0;
	v->tier[0].above = bv->above;
	v->tier[0].rates = bv->tier;
	v->base = bv->base;
	memcpy(v->svc, bv->svc, sizeof(v->svc));
}


static int lc_line_price(struct lc_book *b, const struct lc_word *w,
			 size_t n)
{
	struct lc_book_version *grown;
	struct lc_book_model *m;
	lc_price_version pv;
	size_t i;
	int rc;

	if (b->nmodels == 0)
		return lc_bad(b, LLMCOST_E_PARSE, "price before any model");
	if (n < 2)
		return lc_bad(b, LLMCOST_E_PARSE, "expected 'price DATE "
			      "RATE=VALUE...'");
	m = &b->models[b->nmodels - 1];
	memset(&pv, 0, sizeof(pv));
	rc = lc_parse_date(b, w[1], &pv.valid_from_ms);
	if (rc == LLMCOST_OK)
		rc = lc_check_date_free(b, m, pv.valid_from_ms);
	for (i = 2; i < n && rc == LLMCOST_OK; i++)
		rc = lc_price_setting(b, w[i], &pv);
	if (rc == LLMCOST_OK)
		rc = lc_check_price(b, &pv);
	if (rc != LLMCOST_OK)
		return rc;
	grown = lc_array_grow(b->versions, &b->versions_cap,
			      b->nversions + 1, sizeof(*b->versions));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	b->versions = grown;
	lc_compact(&pv, b->line, &b->versions[b->nversions++]);
	m->nversions++;
	return LLMCOST_OK;
}


static int lc_line(struct lc_book *b, const char *s, size_t len)
{
	struct lc_word w[LC_BOOK_MAX_WORDS];
	size_t n;
	int rc;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	rc = lc_check_bytes(b, s, len);
	if (rc == LLMCOST_OK)
		rc = lc_split(b, s, len, w, &n);
	if (rc != LLMCOST_OK || n == 0)
		return rc;
	if (lc_word_is(w[0], "format"))
		return lc_line_format(b, w, n);
	if (!lc_word_is(w[0], "model") && !lc_word_is(w[0], "alias") &&
	    !lc_word_is(w[0], "price"))
		return lc_bad(b, LLMCOST_E_PARSE, "unknown keyword '%.*s'",
			      (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
	if (!b->have_format)
		return lc_bad(b, LLMCOST_E_PARSE, "expected 'format 1' before "
			      "'%.*s'", (int)w[0].len, w[0].s);
	if (lc_word_is(w[0], "model"))
		return lc_line_model(b, w, n);
	if (lc_word_is(w[0], "alias"))
		return lc_line_alias(b, w, n);
	return lc_line_price(b, w, n);
}


static int lc_parse_book(struct lc_book *b, const char *text, size_t len)
{
	size_t start = 0, end;
	int rc = LLMCOST_OK;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	while (start < len && rc == LLMCOST_OK) {
		const char *nl = memchr(text + start, '\n', len - start);

		end = nl != NULL ? (size_t)(nl - text) : len;
		b->line++;
		rc = lc_line(b, text + start, end - start);
		start = end + 1;
	}
	if (rc == LLMCOST_OK)
		rc = lc_close_model(b);
	return rc;
}


/* ---- writing a parsed book into the table ------------------------------- */

static int lc_commit_model(llmcost_prices *p, const struct lc_book *b,
			   const struct lc_book_model *m, uint32_t *entry)
{
	const struct lc_book_version *v = &b->versions[m->first_version];
	char provider[LC_KEY_MAX + 1];
	lc_price_version pv;
	size_t i;
	int rc;

	if (m->provider.len > 0)
		memcpy(provider, m->provider.s, m->provider.len);
	provider[m->provider.len] = '\0';
	rc = lc_prices_add_model(p, m->key.s, m->key.len,
				 m->provider.len > 0 ? provider : NULL, entry);
	for (i = 0; i < m->nversions && rc == LLMCOST_OK; i++) {
		lc_expand(&v[i], &pv);
		rc = lc_prices_add_version(p, *entry, &pv);
	}
	return rc;
}


static int lc_commit(llmcost_prices *p, const struct lc_book *b)
{
	uint32_t *entries;
	size_t i;
	int rc = LLMCOST_OK;

	if (b->nmodels == 0)
		return LLMCOST_OK;
	entries = lc_calloc(b->nmodels, sizeof(*entries));
	if (entries == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	for (i = 0; i < b->nmodels && rc == LLMCOST_OK; i++)
		rc = lc_commit_model(p, b, &b->models[i], &entries[i]);
	for (i = 0; i < b->naliases && rc == LLMCOST_OK; i++)
		rc = lc_prices_add_alias(p, b->aliases[i].key.s,
					 b->aliases[i].key.len,
					 entries[b->aliases[i].model]);
	lc_free(entries);
	return rc;
}


static void lc_book_free(struct lc_book *b)
{
	lc_map_free(b->names);
	lc_free(b->models);
	lc_free(b->versions);
	lc_free(b->aliases);
}


LLMCOST_API int llmcost_prices_load_book(llmcost_prices *prices,
					 const char *text, size_t len)
{
	struct lc_book b;
	int rc;

	if (prices == NULL || (text == NULL && len > 0))
		return lc_error(LLMCOST_E_INVALID, "prices or text is NULL");
	memset(&b, 0, sizeof(b));
	b.p = prices;
	b.names = lc_map_new();
	if (b.names == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	rc = lc_parse_book(&b, text, len);
	if (rc == LLMCOST_OK)
		rc = lc_commit(prices, &b);
	lc_book_free(&b);
	return rc;
}


LLMCOST_API int llmcost_prices_load_book_file(llmcost_prices *prices,
					      const char *path)
{
	return lc_prices_load_path(prices, path, LC_LOAD_BOOK,
				   LLMCOST_TIME_UNKNOWN);
}


LLMCOST_API int llmcost_prices_new_default(llmcost_prices **out)
{
	llmcost_prices *p;
	int rc;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "out is NULL");
	*out = NULL;
	rc = llmcost_prices_new(&p);
	if (rc != LLMCOST_OK)
		return rc;
	rc = llmcost_prices_load_book(p, lc_default_pricebook,
				      lc_default_pricebook_len);
	if (rc != LLMCOST_OK) {
		llmcost_prices_free(p);
		return rc;
	}
	*out = p;
	return LLMCOST_OK;
}
