/*
 * lint.c - checks a loaded price table for the mistakes that have shipped
 * in public price tables.
 *
 * Each model's latest price is checked on its own (cache rates against
 * input, Anthropic's 1-hour write multiple, output against input on text
 * models, tier rates against standard ones, rates a thousand times off
 * the input rate), then against its siblings: entries for the same model
 * name under other hosts, whose input and output rates should not differ
 * by three orders of magnitude.  Rates the loader could not use at all
 * (negative, non-numeric, finer than 10^-18 USD) come from its
 * diagnostics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prices.h"

/* Two rates this far apart (or more) are "about 1000x off". */
#define LC_LINT_SCALE 500

struct lc_finding {
	int kind;
	const char *key;
	const char *field;
	const char *message;
};

struct llmcost_lint {
	lc_map *strings;
	struct lc_finding *items;
	size_t n;
	size_t cap;
};

/* One model in a sibling group. */
struct lc_sibling {
	const char *stem;	/* the key after its last '/' */
	const char *key;
	lc_i128 rate;
};

static const char *const lc_kind_names[LLMCOST_LINT_KIND_END_] = {
	[LLMCOST_LINT_BAD_RATE] = "bad_rate",
	[LLMCOST_LINT_CACHE_READ_DEAR] = "cache_read_dear",
	[LLMCOST_LINT_CACHE_WRITE_CHEAP] = "cache_write_cheap",
	[LLMCOST_LINT_WRITE_1H_MULTIPLE] = "write_1h_multiple",
	[LLMCOST_LINT_SCALE] = "scale",
	[LLMCOST_LINT_OUTPUT_CHEAP] = "output_cheap",
	[LLMCOST_LINT_TIER_ORDER] = "tier_order",
};


LLMCOST_API const char *llmcost_lint_kind_name(int kind)
{
	if (kind <= 0 || kind >= LLMCOST_LINT_KIND_END_)
		return "";
	return lc_kind_names[kind];
}


LLMCOST_API void llmcost_lint_free(llmcost_lint *lint)
{
	if (lint == NULL)
		return;
	lc_map_free(lint->strings);
	lc_free(lint->items);
	lc_free(lint);
}


LLMCOST_API size_t llmcost_lint_count(const llmcost_lint *lint)
{
	return lint == NULL ? 0 : lint->n;
}


LLMCOST_API int llmcost_lint_finding(const llmcost_lint *lint, size_t index,
				     int *kind, const char **key,
				     const char **field,
				     const char **message)
{
	const struct lc_finding *f;

	if (lint == NULL)
		return lc_error(LLMCOST_E_INVALID, "lint is NULL");
	if (index >= lint->n)
		return lc_error(LLMCOST_E_NOTFOUND, "finding %zu of %zu", index,
				lint->n);
	f = &lint->items[index];
	if (kind != NULL)
		*kind = f->kind;
	if (key != NULL)
		*key = f->key;
	if (field != NULL)
		*field = f->field;
	if (message != NULL)
		*message = f->message;
	return LLMCOST_OK;
}


static int lc_find(llmcost_lint *l, int kind, const char *key,
		   const char *field, const char *fmt, ...) LC_PRINTF(5, 6);

static int lc_find(llmcost_lint *l, int kind, const char *key,
		   const char *field, const char *fmt, ...)
{
	struct lc_finding f, *grown;
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f.kind = kind;
	f.key = lc_map_intern(l->strings, key, strlen(key));
	f.field = lc_map_intern(l->strings, field, strlen(field));
	f.message = lc_map_intern(l->strings, msg, strlen(msg));
	grown = lc_array_grow(l->items, &l->cap, l->n + 1, sizeof(*grown));
	if (f.key == NULL || f.field == NULL || f.message == NULL ||
	    grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	l->items = grown;
	l->items[l->n++] = f;
	return LLMCOST_OK;
}


/* A per-token rate as "3.75" (USD per million tokens). */
static const char *lc_usd_m(lc_i128 rate, char *buf, size_t size)
{
	if (lc_i128_format_scaled(rate, 12, buf, size) < 0)
		snprintf(buf, size, "?");
	return buf;
}


/* ---- one price's own rates ----------------------------------------------- */

/* The rates of one price, where they sit, and whose they are. */
struct lc_subject {
	const struct lc_entry *e;
	const lc_rates *r;
	const char *where;	/* "" for the base rates, else "_above_N" */
};


static int lc_has2(const lc_rates *r, int a, int b)
{
	return lc_rate_has(r, a) && lc_rate_has(r, b);
}


static int lc_lint_cache(llmcost_lint *l, const struct lc_subject *s)
{
	const lc_rates *r = s->r;
	lc_i128 in = r->rate[LC_R_INPUT];
	char a[48], b[48], field[64];
	int c, rc = LLMCOST_OK;

	if (!lc_rate_has(r, LC_R_INPUT) || in <= 0)
		return LLMCOST_OK;
	if (lc_rate_has(r, LC_R_CACHE_READ) && r->rate[LC_R_CACHE_READ] > in) {
		snprintf(field, sizeof(field), "cache_read%s", s->where);
		rc = lc_find(l, LLMCOST_LINT_CACHE_READ_DEAR, s->e->key, field,
			     "cache read %s USD/M is dearer than input %s",
			     lc_usd_m(r->rate[LC_R_CACHE_READ], a, sizeof(a)),
			     lc_usd_m(in, b, sizeof(b)));
	}
	for (c = LC_R_CACHE_WRITE_5M; c <= LC_R_CACHE_WRITE_1H &&
	     rc == LLMCOST_OK; c++) {
		if (!lc_rate_has(r, c) || r->rate[c] >= in)
			continue;
		snprintf(field, sizeof(field), "%s%s", lc_rate_name(c),
			 s->where);
		rc = lc_find(l, LLMCOST_LINT_CACHE_WRITE_CHEAP, s->e->key,
			     field, "cache write %s USD/M is cheaper than "
			     "input %s", lc_usd_m(r->rate[c], a, sizeof(a)),
			     lc_usd_m(in, b, sizeof(b)));
	}
	return rc;
}


/* Anthropic bills 1-hour cache writes at twice the input rate. */
static int lc_lint_1h(llmcost_lint *l, const struct lc_subject *s)
{
	const lc_rates *r = s->r;
	char a[48], b[48], field[64];

	if (s->e->maker != LC_MAKER_ANTHROPIC ||
	    !lc_has2(r, LC_R_INPUT, LC_R_CACHE_WRITE_1H) ||
	    r->rate[LC_R_CACHE_WRITE_1H] == 2 * r->rate[LC_R_INPUT])
		return LLMCOST_OK;
	snprintf(field, sizeof(field), "cache_write_1h%s", s->where);
	return lc_find(l, LLMCOST_LINT_WRITE_1H_MULTIPLE, s->e->key, field,
		       "1-hour cache write %s USD/M is not 2x input %s, as "
		       "Anthropic bills it",
		       lc_usd_m(r->rate[LC_R_CACHE_WRITE_1H], a, sizeof(a)),
		       lc_usd_m(r->rate[LC_R_INPUT], b, sizeof(b)));
}


/* Whether a and b (both > 0) are LC_LINT_SCALE or more apart. */
static int lc_far(lc_i128 a, lc_i128 b)
{
	lc_i128 big = a > b ? a : b, small = a > b ? b : a;

	return small > 0 && big / small >= LC_LINT_SCALE;
}


static int lc_lint_scale(llmcost_lint *l, const struct lc_subject *s)
{
	static const int others[] = {LC_R_OUTPUT, LC_R_CACHE_READ,
				     LC_R_CACHE_WRITE_5M, LC_R_CACHE_WRITE_1H,
				     LC_R_REASONING};
	const lc_rates *r = s->r;
	char a[48], b[48], field[64];
	size_t i;
	int rc = LLMCOST_OK;

	if (!lc_rate_has(r, LC_R_INPUT))
		return LLMCOST_OK;
	for (i = 0; i < LC_ARRAY_LEN(others) && rc == LLMCOST_OK; i++) {
		int c = others[i];

		if (!lc_rate_has(r, c) ||
		    !lc_far(r->rate[c], r->rate[LC_R_INPUT]))
			continue;
		snprintf(field, sizeof(field), "%s%s", lc_rate_name(c),
			 s->where);
		rc = lc_find(l, LLMCOST_LINT_SCALE, s->e->key, field,
			     "%s %s USD/M is about 1000x off input %s",
			     lc_rate_name(c),
			     lc_usd_m(r->rate[c], a, sizeof(a)),
			     lc_usd_m(r->rate[LC_R_INPUT], b, sizeof(b)));
	}
	return rc;
}


static int lc_lint_output(llmcost_lint *l, const struct lc_subject *s)
{
	const lc_rates *r = s->r;
	char a[48], b[48], field[64];

	if (!s->e->chat || !lc_has2(r, LC_R_INPUT, LC_R_OUTPUT) ||
	    r->rate[LC_R_OUTPUT] >= r->rate[LC_R_INPUT])
		return LLMCOST_OK;
	snprintf(field, sizeof(field), "output%s", s->where);
	return lc_find(l, LLMCOST_LINT_OUTPUT_CHEAP, s->e->key, field,
		       "output %s USD/M is cheaper than input %s on a text "
		       "model", lc_usd_m(r->rate[LC_R_OUTPUT], a, sizeof(a)),
		       lc_usd_m(r->rate[LC_R_INPUT], b, sizeof(b)));
}


static int lc_lint_rates(llmcost_lint *l, const struct lc_subject *s)
{
	int rc = lc_lint_cache(l, s);

	if (rc == LLMCOST_OK)
		rc = lc_lint_1h(l, s);
	if (rc == LLMCOST_OK)
		rc = lc_lint_scale(l, s);
	if (rc == LLMCOST_OK)
		rc = lc_lint_output(l, s);
	return rc;
}


/* ---- tiers against the standard rates ------------------------------------ */

/* A tier rate on the wrong side of the base: dear says the tier should
 * cost at least the base (long context, priority), else at most (batch,
 * flex). */
static int lc_lint_order(llmcost_lint *l, const struct lc_entry *e,
			 const lc_rates *base, const lc_rates *t,
			 const char *where, int dear)
{
	char a[48], b[48], field[64];
	int r, rc = LLMCOST_OK;

	for (r = 0; r < LC_R_FIRST_PER_CALL && rc == LLMCOST_OK; r++) {
		if (!lc_has2(base, r, r) || !lc_rate_has(t, r))
			continue;
		if (dear ? t->rate[r] >= base->rate[r]
			 : t->rate[r] <= base->rate[r])
			continue;
		snprintf(field, sizeof(field), "%s%s", lc_rate_name(r), where);
		rc = lc_find(l, LLMCOST_LINT_TIER_ORDER, e->key, field,
			     "%s %s USD/M is %s than the standard %s",
			     where + 1, lc_usd_m(t->rate[r], a, sizeof(a)),
			     dear ? "cheaper" : "dearer",
			     lc_usd_m(base->rate[r], b, sizeof(b)));
	}
	return rc;
}


static int lc_lint_tiers(llmcost_lint *l, const llmcost_prices *p,
			 const struct lc_entry *e, const struct lc_version *v)
{
	struct lc_subject s;
	char where[48];
	uint32_t i;
	int rc = LLMCOST_OK;

	for (i = 0; i < v->ntiers && rc == LLMCOST_OK; i++) {
		const lc_tier *t = &p->tiers[v->first_tier + i];

		snprintf(where, sizeof(where), "_above_%lld",
			 (long long)t->above);
		s.e = e;
		s.r = &t->rates;
		s.where = where;
		rc = lc_lint_order(l, e, &v->base, &t->rates, where, 1);
		if (rc == LLMCOST_OK)
			rc = lc_lint_cache(l, &s);
	}
	for (i = 0; i < LC_SVC_COUNT && rc == LLMCOST_OK; i++) {
		if (v->svc[i] == LC_NONE)
			continue;
		snprintf(where, sizeof(where), "_%s", lc_svc_name((int)i));
		rc = lc_lint_order(l, e, &v->base, &p->sets[v->svc[i]], where,
				   i == LC_SVC_PRIORITY);
	}
	return rc;
}


/* A date for a message: "2025-05-31T00:00:00Z", or "always". */
static const char *lc_when(int64_t ms, char *buf, size_t size)
{
	if (ms == LLMCOST_TIME_UNKNOWN || lc_time_format(ms, buf, size) < 0)
		snprintf(buf, size, "always");
	return buf;
}


/* A rate that moved by about 1000x from one price to the next is more
 * likely a unit mistake in one of them than a price change. */
static int lc_lint_history(llmcost_lint *l, const struct lc_entry *e)
{
	static const int ids[] = {LC_R_INPUT, LC_R_OUTPUT};
	char a[48], b[48], d1[40], d2[40];
	size_t i, k;
	int rc = LLMCOST_OK;

	for (i = 1; i < e->nversions && rc == LLMCOST_OK; i++) {
		const lc_rates *x = &e->versions[i - 1].base;
		const lc_rates *y = &e->versions[i].base;

		for (k = 0; k < LC_ARRAY_LEN(ids) && rc == LLMCOST_OK; k++) {
			int r = ids[k];

			if (!lc_has2(x, r, r) || !lc_rate_has(y, r) ||
			    !lc_far(x->rate[r], y->rate[r]))
				continue;
			rc = lc_find(l, LLMCOST_LINT_SCALE, e->key,
				     lc_rate_name(r), "%s moved about 1000x, "
				     "from %s USD/M (%s) to %s (%s)",
				     lc_rate_name(r),
				     lc_usd_m(x->rate[r], a, sizeof(a)),
				     lc_when(e->versions[i - 1].valid_from_ms,
					     d1, sizeof(d1)),
				     lc_usd_m(y->rate[r], b, sizeof(b)),
				     lc_when(e->versions[i].valid_from_ms, d2,
					     sizeof(d2)));
		}
	}
	return rc;
}


static int lc_lint_entry(llmcost_lint *l, const llmcost_prices *p,
			 const struct lc_entry *e)
{
	const struct lc_version *v;
	struct lc_subject s;
	int rc;

	if (e->alias_of != LC_NONE || e->nversions == 0)
		return LLMCOST_OK;
	v = &e->versions[e->nversions - 1];
	s.e = e;
	s.r = &v->base;
	s.where = "";
	rc = lc_lint_rates(l, &s);
	if (rc == LLMCOST_OK)
		rc = lc_lint_tiers(l, p, e, v);
	if (rc == LLMCOST_OK)
		rc = lc_lint_history(l, e);
	return rc;
}


/* ---- siblings: one model name under several hosts ------------------------ */

static int lc_sibling_cmp(const void *a, const void *b)
{
	const struct lc_sibling *x = a, *y = b;
	int c = strcasecmp(x->stem, y->stem);

	if (c != 0)
		return c;
	return x->rate < y->rate ? -1 : x->rate > y->rate;
}


static size_t lc_collect(const llmcost_prices *p, int id,
			 struct lc_sibling *out)
{
	size_t i, n = 0;

	for (i = 0; i < p->nentries; i++) {
		const struct lc_entry *e = &p->entries[i];
		const lc_rates *r;
		const char *slash;

		if (e->alias_of != LC_NONE || e->nversions == 0)
			continue;
		r = &e->versions[e->nversions - 1].base;
		if (!lc_rate_has(r, id) || r->rate[id] <= 0)
			continue;
		slash = strrchr(e->key, '/');
		out[n].stem = slash != NULL ? slash + 1 : e->key;
		out[n].key = e->key;
		out[n].rate = r->rate[id];
		n++;
	}
	return n;
}


/* Flags members of a group (sorted by rate) far from its median; of an
 * even group, the lower middle, so that of two siblings the dearer one is
 * flagged: a rate meant per thousand tokens and read per token is the
 * usual mistake. */
static int lc_lint_group(llmcost_lint *l, const struct lc_sibling *g,
			 size_t n, int id)
{
	const struct lc_sibling *mid = &g[(n - 1) / 2];
	char a[48], b[48];
	size_t i;
	int rc = LLMCOST_OK;

	for (i = 0; i < n && rc == LLMCOST_OK; i++) {
		if (!lc_far(g[i].rate, mid->rate))
			continue;
		rc = lc_find(l, LLMCOST_LINT_SCALE, g[i].key, lc_rate_name(id),
			     "%s %s USD/M is about 1000x off %s for '%s', the "
			     "same model elsewhere", lc_rate_name(id),
			     lc_usd_m(g[i].rate, a, sizeof(a)),
			     lc_usd_m(mid->rate, b, sizeof(b)), mid->key);
	}
	return rc;
}


static int lc_lint_siblings(llmcost_lint *l, const llmcost_prices *p,
			    int id)
{
	struct lc_sibling *all;
	size_t n, i, start;
	int rc = LLMCOST_OK;

	if (p->nentries == 0)
		return LLMCOST_OK;
	all = lc_calloc(p->nentries, sizeof(*all));
	if (all == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	n = lc_collect(p, id, all);
	qsort(all, n, sizeof(*all), lc_sibling_cmp);
	for (start = 0, i = 1; i <= n && rc == LLMCOST_OK; i++) {
		if (i < n && strcasecmp(all[i].stem, all[start].stem) == 0)
			continue;
		if (i - start > 1)
			rc = lc_lint_group(l, all + start, i - start, id);
		start = i;
	}
	lc_free(all);
	return rc;
}


/* ---- the entry point ----------------------------------------------------- */

static int lc_lint_diags(llmcost_lint *l, const llmcost_prices *p)
{
	size_t i;
	int rc = LLMCOST_OK;

	for (i = 0; i < p->ndiags && rc == LLMCOST_OK; i++) {
		const struct lc_diag *d = &p->diags[i];

		if (d->kind == LC_DIAG_BAD_RATE)
			rc = lc_find(l, LLMCOST_LINT_BAD_RATE, d->key, d->field,
				     "%s", d->message);
	}
	return rc;
}


static int lc_lint_all(llmcost_lint *l, const llmcost_prices *p)
{
	size_t i;
	int rc = lc_lint_diags(l, p);

	for (i = 0; i < p->nentries && rc == LLMCOST_OK; i++)
		rc = lc_lint_entry(l, p, &p->entries[i]);
	if (rc == LLMCOST_OK)
		rc = lc_lint_siblings(l, p, LC_R_INPUT);
	if (rc == LLMCOST_OK)
		rc = lc_lint_siblings(l, p, LC_R_OUTPUT);
	return rc;
}


LLMCOST_API int llmcost_prices_lint(const llmcost_prices *prices,
				    llmcost_lint **out)
{
	llmcost_lint *l;
	int rc;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "out is NULL");
	*out = NULL;
	if (prices == NULL)
		return lc_error(LLMCOST_E_INVALID, "prices is NULL");
	l = lc_calloc(1, sizeof(*l));
	if (l != NULL)
		l->strings = lc_map_new();
	if (l == NULL || l->strings == NULL) {
		llmcost_lint_free(l);
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	}
	rc = lc_lint_all(l, prices);
	if (rc != LLMCOST_OK) {
		llmcost_lint_free(l);
		return rc;
	}
	*out = l;
	return LLMCOST_OK;
}
