/*
 * contract.c - negotiated terms: the contract file (docs/contracts.md)
 * and the contracted and effective cost of a priced request.
 *
 * A contract is a list of terms.  A term is a discount (a percentage off
 * the list cost), a set of fixed unit rates, or a commitment discount (a
 * percentage off the contracted cost), scoped to every request, to one
 * provider or to one model, optionally limited to a service tier and to
 * a span of dates.  For each kind the most specific term in force wins;
 * between equally specific terms, the one loaded last.
 *
 * Percentages have at most 4 decimals, so a factor is a whole number of
 * millionths and scaling a cost is exact whenever the cost is a multiple
 * of 10^-12 USD, as every cost from a rate in whole 10^-6 USD per million
 * tokens is.  Anything else is rounded half to even to 10^-18 USD and
 * flagged LLMCOST_COST_ROUNDED.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "prices.h"

#define LC_CONTRACT_MAX_WORDS 32
#define LC_NO_END INT64_MAX

enum lc_term_kind { LC_TERM_DISCOUNT, LC_TERM_RATE, LC_TERM_COMMITMENT };
enum lc_term_scope { LC_SCOPE_ALL, LC_SCOPE_PROVIDER, LC_SCOPE_MODEL };

struct lc_term {
	int kind;
	int scope;
	char *name;		/* lowercase provider or model; owned */
	int64_t from_ms;	/* LLMCOST_TIME_UNKNOWN: no start */
	int64_t until_ms;	/* LC_NO_END: no end */
	int tier;		/* llmcost_service_tier, or -1: every tier */
	int64_t ppm;		/* factor left after the percentage */
	int64_t percent4;	/* the percentage in 10^-4 % */
	lc_rates rates;		/* fixed rates of a rate term */
	size_t line;
};

struct lc_contract {
	struct lc_term *terms;
	size_t n;
	size_t cap;
};

struct lc_cparse {
	size_t line;
	int have_format;
	struct lc_contract c;	/* terms parsed so far */
};

struct lc_cword {
	const char *s;
	size_t len;
};


static int lc_cbad(const struct lc_cparse *cp, int status,
		   const char *fmt, ...) LC_PRINTF(3, 4);

static int lc_cbad(const struct lc_cparse *cp, int status,
		   const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lc_error(status, "contract line %zu: %s", cp->line, msg);
}


static int lc_cword_is(struct lc_cword w, const char *s)
{
	return w.len == strlen(s) && memcmp(w.s, s, w.len) == 0;
}


static void lc_terms_free(struct lc_contract *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		lc_free(c->terms[i].name);
	lc_free(c->terms);
	c->terms = NULL;
	c->n = c->cap = 0;
}


void lc_contract_free(struct lc_contract *c)
{
	if (c == NULL)
		return;
	lc_terms_free(c);
	lc_free(c);
}


/* ---- reading a line ------------------------------------------------------ */

static int lc_csplit(const struct lc_cparse *cp, const char *s, size_t len,
		     struct lc_cword *w, size_t *n)
{
	size_t i = 0, start;

	*n = 0;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len || s[i] == '#')
			return LLMCOST_OK;
		if (*n == LC_CONTRACT_MAX_WORDS)
			return lc_cbad(cp, LLMCOST_E_PARSE, "too many words");
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		w[*n].s = s + start;
		w[(*n)++].len = i - start;
	}
}


static int lc_cbytes(const struct lc_cparse *cp, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return lc_cbad(cp, LLMCOST_E_PARSE, "control character "
				       "0x%02x", c);
	}
	return LLMCOST_OK;
}


/* Splits "name=value"; 0 if there is no '=' with text on both sides. */
static int lc_kv(struct lc_cword w, struct lc_cword *k, struct lc_cword *v)
{
	const char *eq = memchr(w.s, '=', w.len);

	if (eq == NULL || eq == w.s || eq == w.s + w.len - 1)
		return 0;
	k->s = w.s;
	k->len = (size_t)(eq - w.s);
	v->s = eq + 1;
	v->len = w.len - k->len - 1;
	return 1;
}


/* ---- settings of a term -------------------------------------------------- */

static int lc_cscope(const struct lc_cparse *cp, struct lc_cword w,
		     struct lc_term *t)
{
	struct lc_cword k, v;

	if (lc_cword_is(w, "all")) {
		t->scope = LC_SCOPE_ALL;
		return LLMCOST_OK;
	}
	if (!lc_kv(w, &k, &v) || v.len > LC_KEY_MAX ||
	    (!lc_cword_is(k, "provider") && !lc_cword_is(k, "model")))
		return lc_cbad(cp, LLMCOST_E_PARSE, "expected a scope: 'all', "
			       "'provider=NAME' or 'model=KEY', got '%.*s'",
			       (int)(w.len > 60 ? 60 : w.len), w.s);
	t->scope = lc_cword_is(k, "model") ? LC_SCOPE_MODEL
					    : LC_SCOPE_PROVIDER;
	t->name = lc_strndup(v.s, v.len);
	if (t->name == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	lc_key_lower(t->name, v.len, t->name);
	return LLMCOST_OK;
}


static int lc_cdate(const struct lc_cparse *cp, struct lc_cword k,
		    struct lc_cword v, int64_t *ms)
{
	if (v.len != 10 || lc_time_parse(v.s, v.len, ms) != LLMCOST_OK)
		return lc_cbad(cp, LLMCOST_E_PARSE, "%.*s=%.*s: expected a "
			       "date YYYY-MM-DD", (int)k.len, k.s,
			       (int)(v.len > 40 ? 40 : v.len), v.s);
	return LLMCOST_OK;
}


static int lc_ctier(const struct lc_cparse *cp, struct lc_cword v, int *tier)
{
	int i;

	for (i = 0; i <= LLMCOST_TIER_PRIORITY; i++) {
		if (lc_cword_is(v, llmcost_service_tier_name(i))) {
			*tier = i;
			return LLMCOST_OK;
		}
	}
	return lc_cbad(cp, LLMCOST_E_PARSE, "unknown service tier '%.*s'",
		       (int)(v.len > 40 ? 40 : v.len), v.s);
}


/* "percent=12.5": 0 to 100 with at most 4 decimals. */
static int lc_cpercent(const struct lc_cparse *cp, struct lc_cword v,
		       struct lc_term *t)
{
	lc_i128 p4;
	int rc = lc_decimal_parse(v.s, v.len, 4, &p4);

	if (rc == LLMCOST_E_INEXACT)
		return lc_cbad(cp, LLMCOST_E_PARSE, "percent=%.*s has more "
			       "than 4 decimals", (int)v.len, v.s);
	if (rc != LLMCOST_OK || p4 < 0 || p4 > 1000000)
		return lc_cbad(cp, LLMCOST_E_PARSE, "percent=%.*s: expected "
			       "0 to 100", (int)(v.len > 40 ? 40 : v.len), v.s);
	t->percent4 = (int64_t)p4;
	t->ppm = LC_PPM - (int64_t)p4;
	return LLMCOST_OK;
}


static int lc_crate(const struct lc_cparse *cp, struct lc_cword k,
		    struct lc_cword v, struct lc_term *t)
{
	lc_i128 value;
	int id, set, rc;

	if (lc_book_rate_name(k.s, k.len, &id, &set) != 0 ||
	    set != LC_SET_BASE)
		return lc_cbad(cp, LLMCOST_E_PARSE, "unknown setting '%.*s'",
			       (int)(k.len > 40 ? 40 : k.len), k.s);
	if (lc_rate_has(&t->rates, id))
		return lc_cbad(cp, LLMCOST_E_PARSE, "'%.*s' given twice",
			       (int)k.len, k.s);
	rc = lc_book_rate_value(id, v.s, v.len, &value);
	if (rc != LLMCOST_OK)
		return lc_cbad(cp, LLMCOST_E_PARSE, "%.*s=%.*s: not a "
			       "non-negative decimal exact to 10^-18 USD",
			       (int)k.len, k.s,
			       (int)(v.len > 40 ? 40 : v.len), v.s);
	lc_rate_set(&t->rates, id, value);
	return LLMCOST_OK;
}


static int lc_csetting(const struct lc_cparse *cp, struct lc_cword w,
		       struct lc_term *t, int *have_percent)
{
	struct lc_cword k, v;

	if (!lc_kv(w, &k, &v))
		return lc_cbad(cp, LLMCOST_E_PARSE, "expected NAME=VALUE, got "
			       "'%.*s'", (int)(w.len > 60 ? 60 : w.len), w.s);
	if (lc_cword_is(k, "from"))
		return lc_cdate(cp, k, v, &t->from_ms);
	if (lc_cword_is(k, "until"))
		return lc_cdate(cp, k, v, &t->until_ms);
	if (lc_cword_is(k, "tier"))
		return lc_ctier(cp, v, &t->tier);
	if (lc_cword_is(k, "percent") && t->kind != LC_TERM_RATE) {
		if (*have_percent)
			return lc_cbad(cp, LLMCOST_E_PARSE, "percent given "
				       "twice");
		*have_percent = 1;
		return lc_cpercent(cp, v, t);
	}
	if (t->kind == LC_TERM_RATE)
		return lc_crate(cp, k, v, t);
	return lc_cbad(cp, LLMCOST_E_PARSE, "unknown setting '%.*s'",
		       (int)(k.len > 40 ? 40 : k.len), k.s);
}


/* ---- the lines ----------------------------------------------------------- */

static int lc_cformat(struct lc_cparse *cp, const struct lc_cword *w,
		      size_t n)
{
	int64_t v;

	if (cp->have_format || cp->c.n > 0)
		return lc_cbad(cp, LLMCOST_E_PARSE, "'format' must be the "
			       "first line, once");
	if (n != 2 || lc_int_parse(w[1].s, w[1].len, &v) != LLMCOST_OK)
		return lc_cbad(cp, LLMCOST_E_PARSE, "expected 'format 1'");
	if (v != 1)
		return lc_cbad(cp, LLMCOST_E_VERSION, "contract format %lld is "
			       "not supported (this library reads format 1)",
			       (long long)v);
	cp->have_format = 1;
	return LLMCOST_OK;
}


static int lc_ccheck(const struct lc_cparse *cp, const struct lc_term *t,
		     int have_percent)
{
	if (t->kind != LC_TERM_RATE && !have_percent)
		return lc_cbad(cp, LLMCOST_E_PARSE, "percent=P is required");
	if (t->kind == LC_TERM_RATE && t->rates.present == 0)
		return lc_cbad(cp, LLMCOST_E_PARSE, "a rate line needs at "
			       "least one rate");
	if (t->from_ms != LLMCOST_TIME_UNKNOWN && t->until_ms != LC_NO_END &&
	    t->until_ms <= t->from_ms)
		return lc_cbad(cp, LLMCOST_E_PARSE,
			       "until= is not after from=");
	return LLMCOST_OK;
}


static int lc_cpush(struct lc_cparse *cp, const struct lc_term *t)
{
	struct lc_term *grown;

	grown = lc_array_grow(cp->c.terms, &cp->c.cap, cp->c.n + 1,
			      sizeof(*grown));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	cp->c.terms = grown;
	cp->c.terms[cp->c.n++] = *t;
	return LLMCOST_OK;
}


static int lc_cterm(struct lc_cparse *cp, int kind, const struct lc_cword *w,
		    size_t n)
{
	struct lc_term t;
	int have_percent = 0, rc;
	size_t i;

	memset(&t, 0, sizeof(t));
	t.kind = kind;
	t.from_ms = LLMCOST_TIME_UNKNOWN;
	t.until_ms = LC_NO_END;
	t.tier = -1;
	t.ppm = LC_PPM;
	t.line = cp->line;
	if (n < 2)
		return lc_cbad(cp, LLMCOST_E_PARSE, "expected a scope after "
			       "'%.*s'", (int)w[0].len, w[0].s);
	rc = lc_cscope(cp, w[1], &t);
	for (i = 2; i < n && rc == LLMCOST_OK; i++)
		rc = lc_csetting(cp, w[i], &t, &have_percent);
	if (rc == LLMCOST_OK)
		rc = lc_ccheck(cp, &t, have_percent);
	if (rc == LLMCOST_OK)
		rc = lc_cpush(cp, &t);
	if (rc != LLMCOST_OK)
		lc_free(t.name);
	return rc;
}


static int lc_cline(struct lc_cparse *cp, const char *s, size_t len)
{
	static const char *const kinds[] = {"discount", "rate", "commitment"};
	struct lc_cword w[LC_CONTRACT_MAX_WORDS];
	size_t n, i;
	int rc;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	rc = lc_cbytes(cp, s, len);
	if (rc == LLMCOST_OK)
		rc = lc_csplit(cp, s, len, w, &n);
	if (rc != LLMCOST_OK || n == 0)
		return rc;
	if (lc_cword_is(w[0], "format"))
		return lc_cformat(cp, w, n);
	for (i = 0; i < LC_ARRAY_LEN(kinds); i++) {
		if (!lc_cword_is(w[0], kinds[i]))
			continue;
		if (!cp->have_format)
			return lc_cbad(cp, LLMCOST_E_PARSE, "expected 'format "
				       "1' first");
		return lc_cterm(cp, (int)i, w, n);
	}
	return lc_cbad(cp, LLMCOST_E_PARSE, "unknown keyword '%.*s'",
		       (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
}


static int lc_cparse_text(struct lc_cparse *cp, const char *text, size_t len)
{
	size_t start = 0, end;
	int rc = LLMCOST_OK;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	while (start < len && rc == LLMCOST_OK) {
		const char *nl = memchr(text + start, '\n', len - start);

		end = nl != NULL ? (size_t)(nl - text) : len;
		cp->line++;
		rc = lc_cline(cp, text + start, end - start);
		start = end + 1;
	}
	if (rc == LLMCOST_OK && !cp->have_format)
		rc = lc_error(LLMCOST_E_PARSE, "contract: no 'format 1' line");
	return rc;
}


/* Moves the parsed terms to the end of the table's contract. */
static int lc_cmerge(llmcost_prices *p, struct lc_contract *parsed)
{
	struct lc_contract *c = p->contract;
	struct lc_term *grown;

	if (parsed->n == 0)
		return LLMCOST_OK;
	if (c == NULL) {
		c = lc_calloc(1, sizeof(*c));
		if (c == NULL)
			return lc_error(LLMCOST_E_NOMEM, "out of memory");
		p->contract = c;
	}
	grown = lc_array_grow(c->terms, &c->cap, c->n + parsed->n,
			      sizeof(*grown));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	c->terms = grown;
	if (parsed->n > 0)
		memcpy(c->terms + c->n, parsed->terms,
		       parsed->n * sizeof(*grown));
	c->n += parsed->n;
	lc_free(parsed->terms);
	memset(parsed, 0, sizeof(*parsed));
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_prices_load_contract(llmcost_prices *prices,
					     const char *text, size_t len)
{
	struct lc_cparse cp;
	int rc;

	if (prices == NULL || (text == NULL && len > 0))
		return lc_error(LLMCOST_E_INVALID, "prices or text is NULL");
	memset(&cp, 0, sizeof(cp));
	rc = lc_cparse_text(&cp, text == NULL ? "" : text, len);
	if (rc == LLMCOST_OK)
		rc = lc_cmerge(prices, &cp.c);
	lc_terms_free(&cp.c);
	return rc;
}


LLMCOST_API int llmcost_prices_load_contract_file(llmcost_prices *prices,
						  const char *path)
{
	return lc_prices_load_path(prices, path, LC_LOAD_CONTRACT,
				   LLMCOST_TIME_UNKNOWN);
}


/* ---- applying the terms -------------------------------------------------- */

static int lc_same_name(const char *name, const char *s)
{
	return s != NULL && strcasecmp(name, s) == 0;
}


/* How specifically t matches the request: 0 not at all, 1 all, 2
 * provider, 3 model. */
static int lc_term_rank(const struct lc_term *t,
			const struct lc_contract_query *q)
{
	int64_t at = q->timestamp_ms;

	if (t->tier >= 0 && t->tier != q->service_tier)
		return 0;
	if (at == LLMCOST_TIME_UNKNOWN ? t->until_ms != LC_NO_END
				       : at < t->from_ms || at >= t->until_ms)
		return 0;
	switch (t->scope) {
	case LC_SCOPE_MODEL:
		return lc_same_name(t->name, q->key) ||
		       lc_same_name(t->name, q->model) ? 3 : 0;
	case LC_SCOPE_PROVIDER:
		return lc_same_name(t->name, q->provider) ||
		       lc_same_name(t->name, q->record_provider) ? 2 : 0;
	default:
		return 1;
	}
}


/* The winning term of a kind: most specific, then loaded last. */
static const struct lc_term *lc_pick_term(const struct lc_contract *c,
					  int kind,
					  const struct lc_contract_query *q)
{
	const struct lc_term *best = NULL;
	int best_rank = 0, rank;
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (c->terms[i].kind != kind)
			continue;
		rank = lc_term_rank(&c->terms[i], q);
		if (rank > 0 && rank >= best_rank) {
			best = &c->terms[i];
			best_rank = rank;
		}
	}
	return best;
}


/* The fixed rate a rate term gives component c; reasoning without a rate
 * of its own is output, as on the list. */
static int lc_fixed_rate(const struct lc_term *t, int c, lc_i128 *rate)
{
	if (t == NULL)
		return 0;
	if (c == LC_R_REASONING && !lc_rate_has(&t->rates, c))
		c = LC_R_OUTPUT;
	if (!lc_rate_has(&t->rates, c))
		return 0;
	*rate = t->rates.rate[c];
	return 1;
}


static void lc_cwords(struct lc_contract_result *out,
		      const struct lc_term *t, const char *what)
{
	size_t used = strlen(out->words);
	char pct[48] = "";

	if (t == NULL || used + 2 >= sizeof(out->words))
		return;
	if (t->kind != LC_TERM_RATE &&
	    lc_i128_format_scaled(t->percent4, 4, pct, sizeof(pct) - 1) > 0)
		strcat(pct, "%");
	snprintf(out->words + used, sizeof(out->words) - used,
		 "%scontract line %zu: %s%s%s", used ? ", " : "", t->line,
		 what, pct[0] ? " " : "", pct);
}


/* Contracted cost: fixed rates where the rate term sets them, the list
 * cost less the discount elsewhere. */
static int lc_contracted(const struct lc_term *rate_t,
			 const struct lc_term *disc,
			 const struct lc_contract_query *q,
			 struct lc_contract_result *out)
{
	lc_i128 v, rate;
	int c, r;

	out->contracted = 0;
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		v = q->list[c];
		if (q->units[c] != 0 && lc_fixed_rate(rate_t, c, &rate)) {
			if (lc_i128_mul(rate, q->units[c], &v))
				return LLMCOST_E_OVERFLOW;
		} else if (disc != NULL) {
			r = lc_scale_ppm(&v, disc->ppm);
			if (r < 0)
				return LLMCOST_E_OVERFLOW;
			if (r > 0)
				out->flags |= LLMCOST_COST_ROUNDED;
		}
		out->component[c] = v;
		if (lc_i128_add(out->contracted, v, &out->contracted))
			return LLMCOST_E_OVERFLOW;
	}
	return LLMCOST_OK;
}


int lc_contract_apply(const struct lc_contract *c,
		      const struct lc_contract_query *q,
		      struct lc_contract_result *out)
{
	const struct lc_term *disc, *rate_t, *commit;
	int r, rc;

	memset(out, 0, sizeof(*out));
	disc = lc_pick_term(c, LC_TERM_DISCOUNT, q);
	rate_t = lc_pick_term(c, LC_TERM_RATE, q);
	commit = lc_pick_term(c, LC_TERM_COMMITMENT, q);
	rc = lc_contracted(rate_t, disc, q, out);
	if (rc != LLMCOST_OK)
		return rc;
	out->effective = out->contracted;
	if (commit != NULL) {
		r = lc_scale_ppm(&out->effective, commit->ppm);
		if (r < 0)
			return LLMCOST_E_OVERFLOW;
		if (r > 0)
			out->flags |= LLMCOST_COST_ROUNDED;
	}
	if (disc == NULL && rate_t == NULL && commit == NULL)
		return LLMCOST_OK;
	out->flags |= LLMCOST_COST_CONTRACT;
	lc_cwords(out, rate_t, "fixed rates");
	lc_cwords(out, disc, "discount");
	lc_cwords(out, commit, "commitment discount");
	return LLMCOST_OK;
}
