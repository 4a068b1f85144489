/*
 * prices.c - the price table, and the pricing of one request.
 *
 * Keys are stored in ASCII lowercase in a hash map whose values index the
 * entry array, so a lookup is a lowercase copy on the stack, one hash and
 * one probe sequence.  Each entry keeps its versions sorted by the instant
 * they took effect.
 *
 * Pricing one request is a row of steps over a state on the stack: take
 * the record, resolve the name (lib/resolve.c), pick the version in force,
 * combine the rates of the long-context tier and the service tier, price
 * each component, apply a regional uplift, then a contract
 * (lib/contract.c).  docs/pricebook.md describes every rule.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "prices.h"

/* The smallest llmcost_cost any released header has described. */
#define LC_COST_MIN_SIZE \
	(offsetof(llmcost_cost, note) + LLMCOST_NOTE_SIZE)

/* Regional uplifts above x1000 are refused as typing mistakes. */
#define LC_UPLIFT_MAX_PPM (1000LL * LC_PPM)


/* ---- names -------------------------------------------------------------- */

static const char *const lc_rate_names[LC_R_COUNT] = {
	"input", "cache_read", "cache_write_5m", "cache_write_1h", "output",
	"reasoning", "input_audio", "input_image", "input_video",
	"output_audio", "output_image", "request", "web_search",
	"file_search", "web_search_low", "web_search_high"
};

static const char *const lc_rule_names[] = {
	"none", "exact", "add_provider", "strip_provider", "deployment",
	"bedrock", "vertex", "fine_tune", "openrouter", "undated"
};

static const char *const lc_tier_names[] = {
	"standard", "batch", "flex", "priority"
};


LLMCOST_API const char *llmcost_component_name(int component)
{
	if (component < 0 || component >= LLMCOST_C_COUNT)
		return "";
	return lc_rate_names[component];
}


LLMCOST_API const char *llmcost_rule_name(int rule)
{
	if (rule < 0 || rule >= (int)LC_ARRAY_LEN(lc_rule_names))
		return "";
	return lc_rule_names[rule];
}


LLMCOST_API const char *llmcost_service_tier_name(int tier)
{
	if (tier < 0 || tier >= (int)LC_ARRAY_LEN(lc_tier_names))
		return "";
	return lc_tier_names[tier];
}


const char *lc_rate_name(int id)
{
	if (id < 0 || id >= LC_R_COUNT)
		return "";
	return lc_rate_names[id];
}


const char *lc_svc_name(int svc)
{
	return llmcost_service_tier_name(svc + 1);
}


/* ---- small helpers ---------------------------------------------------- */

void lc_key_lower(const char *s, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
}


void *lc_array_grow(void *items, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap : 8;
	void *grown;

	if (n <= *cap)
		return items;
	while (want < n) {
		if (want > SIZE_MAX / 2)
			return NULL;
		want *= 2;
	}
	if (want > SIZE_MAX / size)
		return NULL;
	grown = lc_realloc(items, want * size);
	if (grown != NULL)
		*cap = want;
	return grown;
}


/* Whether lowercase text s (NUL-terminated) contains needle. */
static int lc_has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}


/* Copies the lowercase of s, at most LC_KEY_MAX bytes, with a NUL. */
static void lc_lower_copy(const char *s, char low[LC_KEY_MAX + 1])
{
	size_t len = strnlen(s, LC_KEY_MAX);

	lc_key_lower(s, len, low);
	low[len] = '\0';
}


int lc_is_anthropic(const char *key, const char *provider)
{
	char low[LC_KEY_MAX + 1];

	if (provider != NULL) {
		lc_lower_copy(provider, low);
		if (lc_has(low, "anthropic"))
			return 1;
	}
	lc_lower_copy(key, low);
	return strncmp(low, "claude", 6) == 0 || lc_has(low, "/claude") ||
	       lc_has(low, "anthropic.") || lc_has(low, "anthropic/");
}


/* Google's own models: the Gemini API, or Gemini and Gemma on Vertex. */
static int lc_is_google(const char *key, const char *provider)
{
	char low[LC_KEY_MAX + 1], *name;

	if (provider == NULL)
		return 0;
	lc_lower_copy(provider, low);
	if (strcmp(low, "gemini") == 0 || strcmp(low, "google") == 0)
		return 1;
	if (strncmp(low, "vertex_ai", 9) != 0)
		return 0;
	lc_lower_copy(key, low);
	name = strrchr(low, '/');
	name = name != NULL ? name + 1 : low;
	return strncmp(name, "gemini", 6) == 0 ||
	       strncmp(name, "gemma", 5) == 0;
}


int lc_maker_of(const char *key, const char *provider)
{
	char low[LC_KEY_MAX + 1];

	if (lc_is_anthropic(key, provider))
		return LC_MAKER_ANTHROPIC;
	if (lc_is_google(key, provider))
		return LC_MAKER_GOOGLE;
	if (provider == NULL)
		return LC_MAKER_OTHER;
	lc_lower_copy(provider, low);
	if (strcmp(low, "openai") == 0 ||
	    strcmp(low, "text-completion-openai") == 0)
		return LC_MAKER_OPENAI;
	return LC_MAKER_OTHER;
}


int lc_ppm_parse(const char *s, size_t len, int64_t max_ppm, int64_t *ppm)
{
	lc_i128 v;
	int rc;

	if (s == NULL)
		return LLMCOST_E_PARSE;
	rc = lc_decimal_parse(s, len, 6, &v);
	if (rc != LLMCOST_OK)
		return rc;
	if (v < 0 || v > max_ppm)
		return LLMCOST_E_RANGE;
	*ppm = (int64_t)v;
	return LLMCOST_OK;
}


int lc_scale_ppm(lc_i128 *v, int64_t ppm)
{
	lc_i128 prod, q, r, twice;

	if (lc_i128_mul(*v, ppm, &prod))
		return -1;
	q = prod / LC_PPM;
	r = prod % LC_PPM;
	if (r == 0) {
		*v = q;
		return 0;
	}
	twice = r < 0 ? -2 * r : 2 * r;
	if (twice > LC_PPM || (twice == LC_PPM && (q & 1) != 0))
		q += prod < 0 ? -1 : 1;
	*v = q;
	return 1;
}


/* ---- the table -------------------------------------------------------- */

LLMCOST_API int llmcost_prices_new(llmcost_prices **out)
{
	llmcost_prices *p;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "out is NULL");
	*out = NULL;
	p = lc_calloc(1, sizeof(*p));
	if (p == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot allocate a table");
	p->keys = lc_map_new();
	p->strings = lc_map_new();
	p->deployments = lc_map_new();
	p->cache = lc_rcache_new();
	if (p->keys == NULL || p->strings == NULL || p->deployments == NULL ||
	    p->cache == NULL) {
		llmcost_prices_free(p);
		return lc_error(LLMCOST_E_NOMEM, "cannot allocate a table");
	}
	*out = p;
	return LLMCOST_OK;
}


LLMCOST_API void llmcost_prices_free(llmcost_prices *prices)
{
	size_t i;

	if (prices == NULL)
		return;
	for (i = 0; i < prices->nentries; i++)
		lc_free(prices->entries[i].versions);
	lc_free(prices->entries);
	lc_free(prices->tiers);
	lc_free(prices->sets);
	lc_free(prices->diags);
	lc_free(prices->uplifts);
	lc_contract_free(prices->contract);
	lc_rcache_free(prices->cache);
	lc_map_free(prices->keys);
	lc_map_free(prices->strings);
	lc_map_free(prices->deployments);
	lc_free(prices);
}


LLMCOST_API size_t llmcost_prices_count(const llmcost_prices *prices)
{
	return prices == NULL ? 0 : lc_map_count(prices->keys);
}


LLMCOST_API size_t llmcost_prices_diag_count(const llmcost_prices *prices)
{
	return prices == NULL ? 0 : prices->ndiags;
}


LLMCOST_API int llmcost_prices_diag(const llmcost_prices *prices,
				    size_t index, const char **key,
				    const char **field, const char **message)
{
	const struct lc_diag *d;

	if (prices == NULL)
		return lc_error(LLMCOST_E_INVALID, "prices is NULL");
	if (index >= prices->ndiags)
		return lc_error(LLMCOST_E_NOTFOUND,
				"diagnostic %zu of %zu", index,
				prices->ndiags);
	d = &prices->diags[index];
	if (key != NULL)
		*key = d->key;
	if (field != NULL)
		*field = d->field;
	if (message != NULL)
		*message = d->message;
	return LLMCOST_OK;
}


const char *lc_prices_intern(llmcost_prices *p, const char *s, size_t len)
{
	return lc_map_intern(p->strings, s, len);
}


void lc_prices_changed(llmcost_prices *p)
{
	p->generation++;
}


static int lc_diag_vadd(llmcost_prices *p, int kind, const char *key,
			const char *field, const char *fmt, va_list ap)
{
	char msg[256];
	struct lc_diag d, *grown;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	d.key = lc_map_intern(p->strings, key, strlen(key));
	d.field = lc_map_intern(p->strings, field, strlen(field));
	d.message = lc_map_intern(p->strings, msg, strlen(msg));
	d.kind = kind;
	grown = lc_array_grow(p->diags, &p->diags_cap, p->ndiags + 1,
			      sizeof(*p->diags));
	if (d.key == NULL || d.field == NULL || d.message == NULL ||
	    grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot record a diagnostic");
	p->diags = grown;
	p->diags[p->ndiags++] = d;
	return LLMCOST_OK;
}


int lc_prices_diag_add(llmcost_prices *p, const char *key,
		       const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = lc_diag_vadd(p, LC_DIAG_OTHER, key, field, fmt, ap);
	va_end(ap);
	return rc;
}


int lc_prices_diag_kind(llmcost_prices *p, int kind, const char *key,
			const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = lc_diag_vadd(p, kind, key, field, fmt, ap);
	va_end(ap);
	return rc;
}


int lc_prices_lookup(const llmcost_prices *p, const char *low, size_t len,
		     uint32_t *slot, uint32_t *target)
{
	uint32_t v;
	const struct lc_entry *e;

	if (len == 0 || !lc_map_get(p->keys, low, len, &v))
		return 0;
	e = &p->entries[v];
	if (slot != NULL)
		*slot = v;
	if (target != NULL)
		*target = e->alias_of == LC_NONE ? v : e->alias_of;
	return 1;
}


int lc_prices_find(const llmcost_prices *p, const char *key, size_t len,
		   uint32_t *slot, uint32_t *target)
{
	char low[LC_KEY_MAX];

	if (len == 0 || len > LC_KEY_MAX)
		return 0;
	lc_key_lower(key, len, low);
	return lc_prices_lookup(p, low, len, slot, target);
}


const char *lc_prices_entry_key(const llmcost_prices *p, uint32_t entry)
{
	return p->entries[entry].key;
}


static int lc_new_entry(llmcost_prices *p, const char *key, size_t len,
			uint32_t alias_of, uint32_t *slot)
{
	char low[LC_KEY_MAX];
	struct lc_entry *grown, *e;
	const char *spelling;

	if (len == 0 || len > LC_KEY_MAX)
		return lc_error(LLMCOST_E_RANGE, "key of %zu bytes", len);
	if (p->nentries >= LC_NONE - 1)
		return lc_error(LLMCOST_E_RANGE, "price table is full");
	grown = lc_array_grow(p->entries, &p->entries_cap, p->nentries + 1,
			      sizeof(*p->entries));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot add key");
	p->entries = grown;
	spelling = lc_map_intern(p->strings, key, len);
	if (spelling == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot add key");
	lc_key_lower(key, len, low);
	if (lc_map_put(p->keys, low, len, (uint32_t)p->nentries, NULL))
		return lc_error(LLMCOST_E_NOMEM, "cannot add key");
	e = &p->entries[p->nentries];
	memset(e, 0, sizeof(*e));
	e->key = spelling;
	e->alias_of = alias_of;
	e->maker = (uint8_t)lc_maker_of(spelling, NULL);
	e->chat = 1;
	*slot = (uint32_t)p->nentries++;
	lc_prices_changed(p);
	return LLMCOST_OK;
}


/* Gives an alias its own copy of the versions it borrowed. */
static int lc_detach(llmcost_prices *p, uint32_t slot)
{
	struct lc_entry *e = &p->entries[slot];
	const struct lc_entry *t;
	struct lc_version *copy;

	if (e->alias_of == LC_NONE)
		return LLMCOST_OK;
	t = &p->entries[e->alias_of];
	copy = lc_array_grow(NULL, &e->cap, t->nversions,
			     sizeof(*t->versions));
	if (copy == NULL && t->nversions > 0)
		return lc_error(LLMCOST_E_NOMEM, "cannot copy versions");
	if (t->nversions > 0)
		memcpy(copy, t->versions, t->nversions * sizeof(*copy));
	e->versions = copy;
	e->nversions = t->nversions;
	e->alias_of = LC_NONE;
	lc_prices_changed(p);
	return LLMCOST_OK;
}


static int lc_set_provider(llmcost_prices *p, uint32_t slot,
			   const char *provider)
{
	struct lc_entry *e = &p->entries[slot];
	const char *stored;

	stored = lc_map_intern(p->strings, provider, strlen(provider));
	if (stored == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot store provider");
	e->provider = stored;
	e->maker = (uint8_t)lc_maker_of(e->key, stored);
	lc_prices_changed(p);
	return LLMCOST_OK;
}


int lc_prices_add_model(llmcost_prices *p, const char *key, size_t len,
			const char *provider, uint32_t *entry)
{
	uint32_t slot;
	int rc;

	if (lc_prices_find(p, key, len, &slot, NULL))
		rc = lc_detach(p, slot);
	else
		rc = lc_new_entry(p, key, len, LC_NONE, &slot);
	if (rc == LLMCOST_OK && provider != NULL)
		rc = lc_set_provider(p, slot, provider);
	if (rc == LLMCOST_OK)
		*entry = slot;
	return rc;
}


void lc_prices_set_chat(llmcost_prices *p, uint32_t entry, int chat)
{
	p->entries[entry].chat = chat != 0;
}


/* Copies a version's long-context tiers into the pool. */
static int lc_add_tiers(llmcost_prices *p, const lc_price_version *v,
			struct lc_version *nv)
{
	lc_tier *grown;
	size_t i, n = 0;

	nv->first_tier = (uint32_t)p->ntiers;
	for (i = 0; i < v->ntiers && i < LC_TIERS_MAX; i++)
		n += v->tier[i].rates.present != 0;
	nv->ntiers = 0;
	if (n == 0)
		return LLMCOST_OK;
	if (p->ntiers + n >= LC_NONE - 1)
		return lc_error(LLMCOST_E_RANGE, "too many tiers");
	grown = lc_array_grow(p->tiers, &p->tiers_cap, p->ntiers + n,
			      sizeof(*p->tiers));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot add a tier");
	p->tiers = grown;
	for (i = 0; i < v->ntiers && i < LC_TIERS_MAX; i++) {
		if (v->tier[i].rates.present != 0)
			p->tiers[p->ntiers++] = v->tier[i];
	}
	nv->ntiers = (uint32_t)n;
	return LLMCOST_OK;
}


/* Copies a version's service-tier rate sets into the pool. */
static int lc_add_sets(llmcost_prices *p, const lc_price_version *v,
		       struct lc_version *nv)
{
	lc_rates *grown;
	int i;

	for (i = 0; i < LC_SVC_COUNT; i++) {
		nv->svc[i] = LC_NONE;
		if (v->svc[i].present == 0)
			continue;
		if (p->nsets >= LC_NONE - 1)
			return lc_error(LLMCOST_E_RANGE, "too many rate sets");
		grown = lc_array_grow(p->sets, &p->sets_cap, p->nsets + 1,
				      sizeof(*p->sets));
		if (grown == NULL)
			return lc_error(LLMCOST_E_NOMEM, "cannot add rates");
		p->sets = grown;
		p->sets[p->nsets] = v->svc[i];
		nv->svc[i] = (uint32_t)p->nsets++;
	}
	return LLMCOST_OK;
}


/* Where a version valid from t goes in e's sorted list. */
static size_t lc_version_slot(const struct lc_entry *e, int64_t t)
{
	size_t i = 0;

	while (i < e->nversions && e->versions[i].valid_from_ms < t)
		i++;
	return i;
}


static int lc_insert_version(struct lc_entry *e, const struct lc_version *nv)
{
	struct lc_version *grown;
	size_t at = lc_version_slot(e, nv->valid_from_ms);

	if (at < e->nversions &&
	    e->versions[at].valid_from_ms == nv->valid_from_ms) {
		e->versions[at] = *nv;
		return LLMCOST_OK;
	}
	grown = lc_array_grow(e->versions, &e->cap, e->nversions + 1,
			      sizeof(*e->versions));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot add a version");
	e->versions = grown;
	memmove(&e->versions[at + 1], &e->versions[at],
		(e->nversions - at) * sizeof(*e->versions));
	e->versions[at] = *nv;
	e->nversions++;
	return LLMCOST_OK;
}


int lc_prices_add_version(llmcost_prices *p, uint32_t entry,
			  const lc_price_version *v)
{
	struct lc_entry *e = &p->entries[entry];
	struct lc_version nv;
	int rc;

	if (e->alias_of != LC_NONE)
		return lc_error(LLMCOST_E_INVALID, "'%s' is an alias", e->key);
	memset(&nv, 0, sizeof(nv));
	rc = lc_add_tiers(p, v, &nv);
	if (rc == LLMCOST_OK)
		rc = lc_add_sets(p, v, &nv);
	if (rc != LLMCOST_OK)
		return rc;
	nv.valid_from_ms = v->valid_from_ms;
	nv.regional_ppm = v->regional_ppm;
	nv.base = v->base;
	return lc_insert_version(e, &nv);
}


int lc_prices_add_alias(llmcost_prices *p, const char *alias, size_t len,
			uint32_t target)
{
	uint32_t slot, now;
	int rc;

	if (p->entries[target].alias_of != LC_NONE)
		target = p->entries[target].alias_of;
	if (lc_prices_find(p, alias, len, &slot, &now)) {
		if (slot != now && now == target)
			return LLMCOST_OK;
		return lc_error(LLMCOST_E_INVALID,
				"alias '%.*s' is already a key", (int)len,
				alias);
	}
	rc = lc_new_entry(p, alias, len, target, &slot);
	if (rc != LLMCOST_OK)
		return rc;
	p->entries[slot].provider = p->entries[target].provider;
	p->entries[slot].maker = p->entries[target].maker;
	return LLMCOST_OK;
}


/* ---- regional uplifts set by the caller ------------------------------- */

static int lc_uplift_region(llmcost_prices *p, const char *region,
			    const char **stored)
{
	char low[LC_KEY_MAX];
	size_t len;

	*stored = NULL;
	if (region == NULL || strcmp(region, "*") == 0)
		return LLMCOST_OK;
	len = strlen(region);
	if (len == 0 || len > LC_KEY_MAX)
		return lc_error(LLMCOST_E_INVALID, "region of %zu bytes", len);
	lc_key_lower(region, len, low);
	*stored = lc_map_intern(p->strings, low, len);
	if (*stored == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	return LLMCOST_OK;
}


/* Replaces the rule for (entry, region) or appends one. */
static int lc_uplift_store(llmcost_prices *p, const struct lc_uplift *u)
{
	struct lc_uplift *grown;
	size_t i;

	for (i = 0; i < p->nuplifts; i++) {
		if (p->uplifts[i].entry == u->entry &&
		    p->uplifts[i].region == u->region) {
			p->uplifts[i].ppm = u->ppm;
			return LLMCOST_OK;
		}
	}
	grown = lc_array_grow(p->uplifts, &p->uplifts_cap, p->nuplifts + 1,
			      sizeof(*p->uplifts));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	p->uplifts = grown;
	p->uplifts[p->nuplifts++] = *u;
	p->entries[u->entry].has_uplift = 1;
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_prices_set_uplift(llmcost_prices *prices,
					  const char *key, const char *region,
					  const char *factor)
{
	struct lc_uplift u;
	uint32_t slot;
	int rc;

	if (prices == NULL || key == NULL || factor == NULL)
		return lc_error(LLMCOST_E_INVALID, "NULL argument");
	if (!lc_prices_find(prices, key, strlen(key), NULL, &slot))
		return lc_error(LLMCOST_E_NOTFOUND, "no price key '%.100s'",
				key);
	rc = lc_ppm_parse(factor, strlen(factor), LC_UPLIFT_MAX_PPM, &u.ppm);
	if (rc == LLMCOST_OK && u.ppm == 0)
		rc = LLMCOST_E_RANGE;
	if (rc != LLMCOST_OK)
		return lc_error(rc, "uplift factor '%.40s': %s", factor,
				rc == LLMCOST_E_INEXACT ? "more than 6 decimals"
				: rc == LLMCOST_E_RANGE ? "not above 0 and at "
				"most 1000"
				: "not a decimal number");
	rc = lc_uplift_region(prices, region, &u.region);
	if (rc != LLMCOST_OK)
		return rc;
	u.entry = slot;
	return lc_uplift_store(prices, &u);
}


/* ---- files ------------------------------------------------------------ */

/* Whether text looks like JSON: its first non-blank byte is '{'. */
static int lc_looks_like_json(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
			   text[i] == '\r' || text[i] == '\n'))
		i++;
	return i < len && text[i] == '{';
}


int lc_prices_load_path(llmcost_prices *prices, const char *path,
			int kind, int64_t valid_from_ms)
{
	char *text;
	size_t len;
	int rc;

	if (prices == NULL)
		return lc_error(LLMCOST_E_INVALID, "prices is NULL");
	rc = lc_read_file(path, LC_FILE_MAX, &text, &len);
	if (rc != LLMCOST_OK)
		return rc;
	if (kind == LC_LOAD_ANY)
		kind = lc_looks_like_json(text, len) ? LC_LOAD_LITELLM
						     : LC_LOAD_BOOK;
	if (kind == LC_LOAD_LITELLM)
		rc = llmcost_prices_load_litellm(prices, text, len,
						 valid_from_ms);
	else if (kind == LC_LOAD_BOOK)
		rc = llmcost_prices_load_book(prices, text, len);
	else
		rc = llmcost_prices_load_contract(prices, text, len);
	lc_free(text);
	return rc;
}


LLMCOST_API int llmcost_prices_load_file(llmcost_prices *prices,
					 const char *path,
					 int64_t valid_from_ms)
{
	return lc_prices_load_path(prices, path, LC_LOAD_ANY, valid_from_ms);
}


/* ---- pricing one request: the state and its notes ----------------------- */

/* The state of one llmcost_price() call.  Lives on the stack. */
struct lc_pricing {
	const llmcost_prices *p;
	const llmcost_record *r;	/* the caller's, or copy */
	llmcost_record copy;		/* for a record of an older size */
	llmcost_cost *out;		/* the caller's, or tmp */
	llmcost_cost tmp;		/* for a cost of an older size */
	struct lc_resolution res;
	const struct lc_entry *entry;	/* whose versions price it */
	const struct lc_version *version;
	const lc_tier *tier;	/* NULL unless a long-context tier applies */
	lc_rates eff;		/* the rates in force for this request */
	uint32_t kept;		/* buckets the tier lacks: base rate kept */
	uint32_t scaled;	/* buckets the tier lacks: scaled from base */
	uint32_t used;		/* buckets priced with units */
	uint32_t nonzero;	/* bit c: part[c] may be other than 0 */
	lc_i128 part[LLMCOST_C_COUNT];
};

/* The components of a mask, lowest first. */
#define LC_EACH_BIT(c, bits, m) \
	for ((m) = (bits); (m) != 0 && ((c) = __builtin_ctz(m), 1); \
	     (m) &= (m) - 1)

/* Outcome of finding a bucket's rate, besides the status codes. */
#define LC_UNRATED 1


static void lc_note(struct lc_pricing *s, const char *fmt, ...)
	LC_PRINTF(2, 3);

static void lc_note(struct lc_pricing *s, const char *fmt, ...)
{
	size_t used = strlen(s->out->note);
	size_t room = sizeof(s->out->note) - used;
	va_list ap;

	if (used > 0 && room > 2) {
		memcpy(s->out->note + used, "; ", 3);
		used += 2;
		room -= 2;
	}
	if (room <= 1)
		return;
	va_start(ap, fmt);
	vsnprintf(s->out->note + used, room, fmt, ap);
	va_end(ap);
}


static int lc_fail(struct lc_pricing *s, int status, const char *fmt, ...)
	LC_PRINTF(3, 4);

static int lc_fail(struct lc_pricing *s, int status, const char *fmt, ...)
{
	size_t used = strlen(s->out->note);
	va_list ap;

	if (used > 0 && sizeof(s->out->note) - used > 2) {
		memcpy(s->out->note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(s->out->note + used, sizeof(s->out->note) - used, fmt, ap);
	va_end(ap);
	return status;
}


/* ---- taking the record -------------------------------------------------- */

/* The checks of the fields added in 0.2, which llmcost_record_check()
 * does not know: no negative count, and the modality parts within their
 * wholes. */
int lc_record_check_parts(const llmcost_record *r)
{
	const int64_t in[] = {r->input_audio_tokens, r->input_image_tokens,
			      r->input_video_tokens};
	const int64_t out[] = {r->output_audio_tokens,
			       r->output_image_tokens};
	int64_t left;
	size_t i;

	if (r->file_search_requests < 0)
		return lc_error(LLMCOST_E_NEGATIVE, "file_search_requests is "
				"negative (%lld)",
				(long long)r->file_search_requests);
	left = r->input_tokens - r->cached_tokens - r->cache_write_tokens -
	       r->cache_write_1h_tokens;
	for (i = 0; i < LC_ARRAY_LEN(in); i++) {
		if (in[i] < 0)
			return lc_error(LLMCOST_E_NEGATIVE, "an input modality "
					"count is negative (%lld)",
					(long long)in[i]);
		if (in[i] > left)
			return lc_error(LLMCOST_E_PARTS, "cache buckets and "
					"input audio, image and video tokens "
					"exceed input_tokens (%lld)",
					(long long)r->input_tokens);
		left -= in[i];
	}
	left = r->output_tokens - r->reasoning_tokens;
	for (i = 0; i < LC_ARRAY_LEN(out); i++) {
		if (out[i] < 0)
			return lc_error(LLMCOST_E_NEGATIVE, "an output "
					"modality count is negative (%lld)",
					(long long)out[i]);
		if (out[i] > left)
			return lc_error(LLMCOST_E_PARTS, "reasoning and output "
					"audio and image tokens exceed "
					"output_tokens (%lld)",
					(long long)r->output_tokens);
		left -= out[i];
	}
	return LLMCOST_OK;
}


/* Copies the record and checks the token convention; the note gets the
 * checker's words when the record is rejected. */
static int lc_take_record(struct lc_pricing *s, const llmcost_record *in)
{
	int rc = lc_record_full(in, &s->copy, &s->r);

	if (rc == LLMCOST_OK)
		rc = lc_record_check_full(s->r);
	if (rc == LLMCOST_OK)
		rc = lc_record_check_parts(s->r);
	if (rc != LLMCOST_OK)
		snprintf(s->out->note, sizeof(s->out->note), "%s",
			 llmcost_last_error());
	return rc;
}


/* The units of every component: tokens, calls or requests. */
static void lc_split_units(struct lc_pricing *s)
{
	const llmcost_record *r = s->r;
	int64_t *u = s->out->units;

	u[LLMCOST_C_CACHE_READ] = r->cached_tokens;
	u[LLMCOST_C_CACHE_WRITE_5M] = r->cache_write_tokens;
	u[LLMCOST_C_CACHE_WRITE_1H] = r->cache_write_1h_tokens;
	u[LLMCOST_C_INPUT_AUDIO] = r->input_audio_tokens;
	u[LLMCOST_C_INPUT_IMAGE] = r->input_image_tokens;
	u[LLMCOST_C_INPUT_VIDEO] = r->input_video_tokens;
	u[LLMCOST_C_INPUT] = r->input_tokens - r->cached_tokens -
			     r->cache_write_tokens -
			     r->cache_write_1h_tokens -
			     r->input_audio_tokens - r->input_image_tokens -
			     r->input_video_tokens;
	u[LLMCOST_C_REASONING] = r->reasoning_tokens;
	u[LLMCOST_C_OUTPUT_AUDIO] = r->output_audio_tokens;
	u[LLMCOST_C_OUTPUT_IMAGE] = r->output_image_tokens;
	u[LLMCOST_C_OUTPUT] = r->output_tokens - r->reasoning_tokens -
			      r->output_audio_tokens -
			      r->output_image_tokens;
	u[LLMCOST_C_REQUEST] = r->request_count;
	u[LLMCOST_C_WEB_SEARCH] = r->web_search_requests;
	u[LLMCOST_C_FILE_SEARCH] = r->file_search_requests;
}


/* ---- resolving the name and picking the version ------------------------- */

static void lc_note_match(struct lc_pricing *s)
{
	const char *matched = s->p->entries[s->res.entry].key;

	if (s->res.rule == LLMCOST_RULE_UNDATED)
		lc_note(s, "no price for the dated name '%.80s': priced as "
			"'%.80s' (approximate: a dated snapshot can cost "
			"more than its alias)", s->r->model, matched);
	if (s->res.flags & LC_RES_GLOBAL)
		lc_note(s, "global cross-region profile priced as '%.80s' "
			"(approximate: global profiles can cost less)",
			matched);
}


static int lc_unpriced(struct lc_pricing *s, size_t len)
{
	const char *model = s->r->model;

	if (len > 3 && strncmp(model, "ft:", 3) == 0)
		lc_note(s, "a fine-tuned model needs an 'ft:<base>' price: "
			"fine-tuned rates differ from the base model's");
	if (s->r->provider != NULL && s->r->provider[0] != '\0')
		return lc_fail(s, LLMCOST_E_UNPRICED,
			       "model '%.120s' (provider '%.40s') not in "
			       "price table: no rule of docs/resolution.md "
			       "matched", model, s->r->provider);
	return lc_fail(s, LLMCOST_E_UNPRICED, "model '%.160s' not in price "
		       "table: no rule of docs/resolution.md matched", model);
}


static int lc_resolve_step(struct lc_pricing *s)
{
	const char *model = s->r->model;
	size_t len;

	if (model == NULL || model[0] == '\0')
		return lc_fail(s, LLMCOST_E_UNPRICED, "no model");
	len = strnlen(model, LC_KEY_MAX + 1);
	if (len > LC_KEY_MAX)
		return lc_fail(s, LLMCOST_E_UNPRICED,
			       "model name longer than %d bytes: '%.40s...'",
			       LC_KEY_MAX, model);
	if (!lc_resolve(s->p, model, len, s->r->provider, &s->res))
		return lc_unpriced(s, len);
	s->entry = lc_target(s->p, s->res.entry);
	s->out->rule = s->res.rule;
	s->out->price_key = s->entry->key;
	if (s->res.flags & (LC_RES_APPROXIMATE | LC_RES_GLOBAL))
		s->out->flags |= LLMCOST_COST_APPROXIMATE;
	lc_note_match(s);
	return LLMCOST_OK;
}


/* Picks the version in force at the request's time. */
static int lc_pick_version(struct lc_pricing *s)
{
	const struct lc_entry *e = s->entry;
	int64_t t = s->r->timestamp_ms;
	size_t i = e->nversions;

	if (i == 0)
		return lc_fail(s, LLMCOST_E_NORATE, "'%s' has no price",
			       e->key);
	if (t == LLMCOST_TIME_UNKNOWN) {
		s->version = &e->versions[i - 1];
	} else {
		while (i > 0 && e->versions[i - 1].valid_from_ms > t)
			i--;
		if (i == 0) {
			i = 1;
			s->out->flags |= LLMCOST_COST_APPROXIMATE;
			lc_note(s, "request predates the first known price "
				"of %s", e->key);
		}
		s->version = &e->versions[i - 1];
	}
	s->out->price_valid_from_ms = s->version->valid_from_ms;
	return LLMCOST_OK;
}


/* ---- the long-context tier ---------------------------------------------- */

static int lc_is_cache_bucket(int r)
{
	return r == LC_R_CACHE_READ || r == LC_R_CACHE_WRITE_5M ||
	       r == LC_R_CACHE_WRITE_1H;
}


/* A cache rate the tier lacks moves with the input rate, as Anthropic and
 * Google bill it: base * tier input / base input, when that is exact. */
static int lc_scale_cache_rate(const lc_rates *base, const lc_rates *tier,
			       int r, lc_i128 *out)
{
	lc_i128 num, in = base->rate[LC_R_INPUT];

	if (!lc_rate_has(base, LC_R_INPUT) || !lc_rate_has(tier, LC_R_INPUT) ||
	    in <= 0)
		return 0;
	if (lc_i128_mul(base->rate[r], tier->rate[LC_R_INPUT], &num) ||
	    num % in != 0)
		return 0;
	*out = num / in;
	return 1;
}


/* The highest tier the prompt is past: input_tokens > above. */
static const lc_tier *lc_find_tier(const struct lc_pricing *s)
{
	const struct lc_version *v = s->version;
	const lc_tier *t;
	uint32_t i = v->ntiers;

	if (i == 0)
		return NULL;
	t = s->p->tiers + v->first_tier;
	while (i > 0) {
		i--;
		if (s->r->input_tokens > t[i].above)
			return &t[i];
	}
	return NULL;
}


/* Combines the base rates with the tier's when the prompt is past it. */
static void lc_pick_tier_rates(struct lc_pricing *s)
{
	const lc_tier *t = lc_find_tier(s);
	const lc_rates *base = &s->version->base;
	lc_i128 v;
	int r;

	s->eff = *base;
	if (t == NULL)
		return;
	s->tier = t;
	s->out->flags |= LLMCOST_COST_LONG_CONTEXT;
	s->out->long_context_threshold = t->above;
	for (r = 0; r < LC_R_COUNT; r++) {
		if (lc_rate_has(&t->rates, r)) {
			lc_rate_set(&s->eff, r, t->rates.rate[r]);
		} else if (!lc_rate_has(base, r) || r >= LC_R_FIRST_PER_CALL) {
			continue;
		} else if (lc_is_cache_bucket(r) &&
			   lc_scale_cache_rate(base, &t->rates, r, &v)) {
			lc_rate_set(&s->eff, r, v);
			s->scaled |= 1u << r;
		} else {
			s->kept |= 1u << r;
		}
	}
}


/* ---- the service tier --------------------------------------------------- */

static int lc_parse_tier(struct lc_pricing *s, int *tier)
{
	static const char *const standard[] = {
		"", "standard", "default", "auto", "on_demand", "standard_only"
	};
	const char *t = s->r->service_tier;
	size_t i;

	*tier = LLMCOST_TIER_STANDARD;
	if (t == NULL)
		return LLMCOST_OK;
	for (i = 0; i < LC_ARRAY_LEN(standard); i++)
		if (strcasecmp(t, standard[i]) == 0)
			return LLMCOST_OK;
	for (i = 1; i < LC_ARRAY_LEN(lc_tier_names); i++) {
		if (strcasecmp(t, lc_tier_names[i]) == 0) {
			*tier = (int)i;
			return LLMCOST_OK;
		}
	}
	return lc_fail(s, LLMCOST_E_NORATE, "unknown service tier '%.40s'",
		       t);
}


/* The tier's own rate set in place of the standard rates; per-call fees
 * the set lacks stay as they were. */
static int lc_use_set(struct lc_pricing *s, uint32_t set, int svc)
{
	const lc_rates *r = &s->p->sets[set];
	lc_rates std = s->eff;
	int id;

	if (s->tier != NULL)
		return lc_fail(s, LLMCOST_E_NORATE, "price '%s' has no "
			       "long-context rates for the %s tier",
			       s->entry->key, lc_svc_name(svc));
	s->eff = *r;
	for (id = LC_R_FIRST_PER_CALL; id < LC_R_COUNT; id++)
		if (!lc_rate_has(r, id) && lc_rate_has(&std, id))
			lc_rate_set(&s->eff, id, std.rate[id]);
	return LLMCOST_OK;
}


/* Half of every per-token rate: the batch price of makers that bill batch
 * (and OpenAI's flex) at 50% of standard on every model. */
static int lc_halve(struct lc_pricing *s, int svc)
{
	int r;

	for (r = 0; r < LC_R_FIRST_PER_CALL; r++) {
		if (!lc_rate_has(&s->eff, r))
			continue;
		if (s->eff.rate[r] % 2 != 0)
			return lc_fail(s, LLMCOST_E_NORATE, "no %s rates, and "
				       "half the %s rate is not exact",
				       lc_svc_name(svc), lc_rate_name(r));
		s->eff.rate[r] /= 2;
	}
	s->out->flags |= LLMCOST_COST_FALLBACK;
	lc_note(s, "no %s rates: half the standard rates, as the maker "
		"bills %s", lc_svc_name(svc), lc_svc_name(svc));
	return LLMCOST_OK;
}


static int lc_is_provider(const struct lc_entry *e, const char *name)
{
	return e->provider != NULL && strcasecmp(e->provider, name) == 0;
}


/* What a tier without rates of its own falls back to; docs/pricebook.md
 * has the table. */
static int lc_tier_fallback(struct lc_pricing *s, int svc)
{
	const struct lc_version *v = s->version;
	int maker = s->entry->maker;

	if (svc == LC_SVC_FLEX && maker == LC_MAKER_OPENAI &&
	    v->svc[LC_SVC_BATCH] != LC_NONE) {
		s->out->flags |= LLMCOST_COST_FALLBACK;
		lc_note(s, "no flex rates: batch rates, as OpenAI bills flex");
		return lc_use_set(s, v->svc[LC_SVC_BATCH], svc);
	}
	if ((svc == LC_SVC_BATCH && maker != LC_MAKER_OTHER) ||
	    (svc == LC_SVC_FLEX && maker == LC_MAKER_OPENAI))
		return lc_halve(s, svc);
	if (svc == LC_SVC_PRIORITY && lc_is_provider(s->entry, "anthropic")) {
		s->out->flags |= LLMCOST_COST_FALLBACK;
		lc_note(s, "Anthropic Priority Tier draws down a commitment at "
			"standard rates");
		return LLMCOST_OK;
	}
	return lc_fail(s, LLMCOST_E_NORATE, "price '%s' has no %s rates",
		       s->entry->key, lc_svc_name(svc));
}


static int lc_pick_service_tier(struct lc_pricing *s)
{
	int tier, svc, rc;

	rc = lc_parse_tier(s, &tier);
	if (rc != LLMCOST_OK || tier == LLMCOST_TIER_STANDARD)
		return rc;
	s->out->service_tier = (uint32_t)tier;
	svc = tier - 1;
	if (s->version->svc[svc] != LC_NONE)
		return lc_use_set(s, s->version->svc[svc], svc);
	return lc_tier_fallback(s, svc);
}


/* ---- the rate of each bucket -------------------------------------------- */

/* The rate r as it stands.  0 if absent. */
static int lc_direct_rate(struct lc_pricing *s, int r, lc_i128 *rate)
{
	if (!lc_rate_has(&s->eff, r))
		return 0;
	s->used |= 1u << r;
	*rate = s->eff.rate[r];
	return 1;
}


static int lc_norate(struct lc_pricing *s, int c)
{
	return lc_fail(s, LLMCOST_E_NORATE,
		       "price '%s' has no %s rate for %lld %s",
		       s->entry->key, lc_rate_name(c),
		       (long long)s->out->units[c],
		       c >= LC_R_FIRST_PER_CALL ? "calls" : "tokens");
}


/* A bucket that is billed at another bucket's rate when it has none. */
static int lc_other_rate(struct lc_pricing *s, int c, int other,
			 lc_i128 *rate)
{
	if (lc_direct_rate(s, c, rate))
		return LLMCOST_OK;
	if (!lc_direct_rate(s, other, rate))
		return lc_norate(s, c);
	s->out->flags |= LLMCOST_COST_FALLBACK;
	lc_note(s, "no %s rate: %lld tokens priced at the %s rate",
		lc_rate_name(c), (long long)s->out->units[c],
		lc_rate_name(other));
	return LLMCOST_OK;
}


/* One-hour cache writes: their own rate, or Anthropic's 2x input. */
static int lc_write_1h_rate(struct lc_pricing *s, lc_i128 *rate)
{
	int c = LC_R_CACHE_WRITE_1H;

	if (lc_direct_rate(s, c, rate))
		return LLMCOST_OK;
	if (s->entry->maker != LC_MAKER_ANTHROPIC ||
	    !lc_direct_rate(s, LC_R_INPUT, rate))
		return lc_norate(s, c);
	if (lc_i128_mul(*rate, 2, rate))
		return lc_fail(s, LLMCOST_E_OVERFLOW, "1h write rate");
	s->out->flags |= LLMCOST_COST_FALLBACK;
	lc_note(s, "no cache_write_1h rate: priced at 2x the input rate "
		"(Anthropic)");
	return LLMCOST_OK;
}


/* Audio: its own rate; Google bills audio without a rate of its own at
 * the text rate; anyone else's audio is too dear to guess. */
static int lc_audio_rate(struct lc_pricing *s, int c, int text,
			 lc_i128 *rate)
{
	if (lc_direct_rate(s, c, rate))
		return LLMCOST_OK;
	if (s->entry->maker != LC_MAKER_GOOGLE)
		return lc_norate(s, c);
	return lc_other_rate(s, c, text, rate);
}


/* The web search fee per call for the request's search context size; a
 * lone web_search rate is a flat fee for every size. */
static int lc_search_rate(struct lc_pricing *s, lc_i128 *rate)
{
	const char *size = s->r->search_context_size;
	int r = LC_R_WEB_SEARCH;

	if (size != NULL && strcasecmp(size, "low") == 0)
		r = LC_R_WEB_SEARCH_LOW;
	else if (size != NULL && strcasecmp(size, "high") == 0)
		r = LC_R_WEB_SEARCH_HIGH;
	else if (size != NULL && size[0] != '\0' &&
		 strcasecmp(size, "medium") != 0) {
		lc_note(s, "unknown search_context_size '%.20s'", size);
		return LC_UNRATED;
	}
	if (lc_direct_rate(s, r, rate) ||
	    lc_direct_rate(s, LC_R_WEB_SEARCH, rate))
		return LLMCOST_OK;
	return LC_UNRATED;
}


static int lc_bucket_rate(struct lc_pricing *s, int c, lc_i128 *rate)
{
	switch (c) {
	case LC_R_CACHE_READ:
	case LC_R_CACHE_WRITE_5M:
	case LC_R_INPUT_IMAGE:
	case LC_R_INPUT_VIDEO:
		return lc_other_rate(s, c, LC_R_INPUT, rate);
	case LC_R_CACHE_WRITE_1H:
		return lc_write_1h_rate(s, rate);
	case LC_R_REASONING:
		/* Reasoning is output: billed at the output rate unless the
		 * entry prices it apart.  A documented rule, not a guess. */
		if (lc_direct_rate(s, c, rate) ||
		    lc_direct_rate(s, LC_R_OUTPUT, rate))
			return LLMCOST_OK;
		return lc_norate(s, c);
	case LC_R_INPUT_AUDIO:
		return lc_audio_rate(s, c, LC_R_INPUT, rate);
	case LC_R_OUTPUT_AUDIO:
		return lc_audio_rate(s, c, LC_R_OUTPUT, rate);
	case LC_R_REQUEST:
		*rate = 0;
		lc_direct_rate(s, c, rate);
		return LLMCOST_OK;
	case LC_R_WEB_SEARCH:
		return lc_search_rate(s, rate);
	case LC_R_FILE_SEARCH:
		return lc_direct_rate(s, c, rate) ? LLMCOST_OK : LC_UNRATED;
	default:
		if (lc_direct_rate(s, c, rate))
			return LLMCOST_OK;
		return lc_norate(s, c);
	}
}


/* ---- components --------------------------------------------------------- */

/* Lists the buckets of mask that were priced, as "a, b". */
static void lc_bucket_list(uint32_t mask, char *buf, size_t size)
{
	size_t used = 0;
	int r;

	buf[0] = '\0';
	for (r = 0; r < LC_R_COUNT && used < size; r++) {
		if (mask & (1u << r))
			used += (size_t)snprintf(buf + used, size - used,
						 "%s%s", used ? ", " : "",
						 lc_rate_name(r));
	}
}


static void lc_note_tier_gaps(struct lc_pricing *s)
{
	char names[160];

	if (s->scaled & s->used) {
		lc_bucket_list(s->scaled & s->used, names, sizeof(names));
		lc_note(s, "long-context tier has no %s rate: base rate "
			"scaled like the input rate", names);
	}
	if (s->kept & s->used) {
		lc_bucket_list(s->kept & s->used, names, sizeof(names));
		lc_note(s, "long-context tier has no %s rate: base rate used",
			names);
	}
}


static void lc_unrated(struct lc_pricing *s, int c)
{
	s->out->unrated |= 1u << c;
	s->out->flags |= LLMCOST_COST_UNRATED;
	lc_note(s, "%lld %s calls have no rate in '%s': not in the total",
		(long long)s->out->units[c], lc_rate_name(c), s->entry->key);
}


static int lc_price_components(struct lc_pricing *s)
{
	lc_i128 rate = 0;
	int c, rc;

	memset(s->part, 0, sizeof(s->part));
	s->nonzero = 0;
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		if (s->out->units[c] == 0)
			continue;
		s->nonzero |= 1u << c;
		rc = lc_bucket_rate(s, c, &rate);
		if (rc == LC_UNRATED) {
			lc_unrated(s, c);
			continue;
		}
		if (rc != LLMCOST_OK)
			return rc;
		if (lc_i128_mul(rate, s->out->units[c], &s->part[c]))
			return lc_fail(s, LLMCOST_E_OVERFLOW,
				       "cost of %s overflows",
				       lc_rate_name(c));
	}
	lc_note_tier_gaps(s);
	return LLMCOST_OK;
}


/* ---- regional uplift ---------------------------------------------------- */

/* The region the request ran in, lowercase: the record's, else one named
 * by the model path.  0 if none. */
static size_t lc_request_region(const struct lc_pricing *s,
				char low[LC_KEY_MAX])
{
	const char *r = s->r->region;
	size_t len;

	if (r != NULL && r[0] != '\0') {
		len = strnlen(r, LC_KEY_MAX);
	} else if (s->res.region_len > 0) {
		r = s->r->model + s->res.region_at;
		len = s->res.region_len;
	} else {
		return 0;
	}
	lc_key_lower(r, len, low);
	if (len == 6 && memcmp(low, "global", 6) == 0)
		return 0;
	return len;
}


/* The uplift in millionths for the request's region; 0 if none. */
static int64_t lc_find_uplift(const struct lc_pricing *s, const char *low,
			      size_t len)
{
	const struct lc_uplift *u = s->p->uplifts;
	uint32_t slot = (uint32_t)(s->entry - s->p->entries);
	int64_t any = -1;
	size_t i;

	if (!s->entry->has_uplift)
		return s->version->regional_ppm;
	for (i = 0; i < s->p->nuplifts; i++) {
		if (u[i].entry != slot)
			continue;
		if (u[i].region == NULL)
			any = u[i].ppm;
		else if (strlen(u[i].region) == len &&
			 memcmp(u[i].region, low, len) == 0)
			return u[i].ppm;
	}
	return any >= 0 ? any : s->version->regional_ppm;
}


static int lc_apply_uplift(struct lc_pricing *s)
{
	char low[LC_KEY_MAX + 1];
	size_t len = lc_request_region(s, low);
	int64_t ppm;
	int c, rounded = 0, r;

	if (len == 0)
		return LLMCOST_OK;
	low[len] = '\0';
	ppm = lc_find_uplift(s, low, len);
	if (ppm <= 0 || ppm == LC_PPM)
		return LLMCOST_OK;
	for (c = 0; c < LC_R_FIRST_PER_CALL; c++) {
		r = lc_scale_ppm(&s->part[c], ppm);
		if (r < 0)
			return lc_fail(s, LLMCOST_E_OVERFLOW, "regional uplift "
				       "overflows");
		rounded |= r;
	}
	s->out->flags |= LLMCOST_COST_REGIONAL;
	lc_note(s, "regional uplift x%lld.%06lld for region '%.40s'",
		(long long)(ppm / LC_PPM), (long long)(ppm % LC_PPM), low);
	if (rounded) {
		s->out->flags |= LLMCOST_COST_ROUNDED;
		lc_note(s, "uplift rounded to 10^-18 USD");
	}
	return LLMCOST_OK;
}


/* ---- totals and the contract -------------------------------------------- */

static int lc_total(struct lc_pricing *s, lc_i128 *total)
{
	uint32_t m;
	int c;

	*total = 0;
	LC_EACH_BIT(c, s->nonzero, m)
		if (lc_i128_add(*total, s->part[c], total))
			return lc_fail(s, LLMCOST_E_OVERFLOW,
				       "total overflows");
	return LLMCOST_OK;
}


static int lc_apply_contract(struct lc_pricing *s, lc_i128 total)
{
	struct lc_contract_query q;
	struct lc_contract_result res;
	uint32_t m;
	int c, rc;

	s->out->contracted_cost = lc_money_from_i128(total);
	s->out->effective_cost = s->out->contracted_cost;
	s->out->price_provider = s->entry->provider;
	/* The other components are zero already (lc_pricing_init). */
	LC_EACH_BIT(c, s->nonzero, m)
		s->out->contracted_component[c] =
			lc_money_from_i128(s->part[c]);
	if (s->p->contract == NULL)
		return LLMCOST_OK;
	q.key = s->entry->key;
	q.provider = s->entry->provider;
	q.record_provider = s->r->provider;
	q.model = s->r->model;
	q.timestamp_ms = s->r->timestamp_ms;
	q.service_tier = (int)s->out->service_tier;
	q.list = s->part;
	q.units = s->out->units;
	rc = lc_contract_apply(s->p->contract, &q, &res);
	if (rc != LLMCOST_OK)
		return lc_fail(s, rc, "contract terms overflow");
	s->out->flags |= res.flags;
	if (res.words[0] != '\0')
		lc_note(s, "%s", res.words);
	s->out->contracted_cost = lc_money_from_i128(res.contracted);
	s->out->effective_cost = lc_money_from_i128(res.effective);
	for (c = 0; c < LLMCOST_C_COUNT; c++)
		s->out->contracted_component[c] =
			lc_money_from_i128(res.component[c]);
	return LLMCOST_OK;
}


static int lc_finish(struct lc_pricing *s)
{
	lc_i128 total;
	uint32_t m;
	int c, rc;

	rc = lc_apply_uplift(s);
	if (rc == LLMCOST_OK)
		rc = lc_total(s, &total);
	if (rc == LLMCOST_OK)
		rc = lc_apply_contract(s, total);
	if (rc != LLMCOST_OK)
		return rc;
	LC_EACH_BIT(c, s->nonzero, m)
		s->out->component[c] = lc_money_from_i128(s->part[c]);
	s->out->total = lc_money_from_i128(total);
	s->out->list_cost = s->out->total;
	return LLMCOST_OK;
}


static int lc_price_steps(struct lc_pricing *s, const llmcost_record *in)
{
	int rc;

	if (s->p == NULL || in == NULL)
		return lc_fail(s, LLMCOST_E_INVALID, "prices or record is "
			       "NULL");
	rc = lc_take_record(s, in);
	if (rc != LLMCOST_OK)
		return rc;
	lc_split_units(s);
	rc = lc_resolve_step(s);
	if (rc == LLMCOST_OK)
		rc = lc_pick_version(s);
	if (rc != LLMCOST_OK)
		return rc;
	lc_pick_tier_rates(s);
	rc = lc_pick_service_tier(s);
	if (rc == LLMCOST_OK)
		rc = lc_price_components(s);
	if (rc == LLMCOST_OK)
		rc = lc_finish(s);
	return rc;
}


LLMCOST_API void llmcost_cost_init(llmcost_cost *cost)
{
	if (cost == NULL)
		return;
	memset(cost, 0, sizeof(*cost));
	cost->struct_size = (uint32_t)sizeof(*cost);
}


/* Clears what the steps read before they write it.  The record copy,
 * the rates and the parts are always written before they are read, so
 * they are left alone: zeroing the whole state is most of the cost of a
 * call. */
static void lc_pricing_init(struct lc_pricing *s, const llmcost_prices *p)
{
	memset(s->out, 0, sizeof(*s->out));
	memset(&s->res, 0, sizeof(s->res));
	s->p = p;
	s->entry = NULL;
	s->version = NULL;
	s->tier = NULL;
	s->kept = 0;
	s->scaled = 0;
	s->used = 0;
}


/* A failed request carries no money, but keeps its units and words. */
static void lc_clear_money(llmcost_cost *out)
{
	memset(out->component, 0, sizeof(out->component));
	memset(&out->total, 0, sizeof(out->total));
	memset(&out->list_cost, 0, sizeof(out->list_cost));
	memset(&out->contracted_cost, 0, sizeof(out->contracted_cost));
	memset(&out->effective_cost, 0, sizeof(out->effective_cost));
	memset(out->contracted_component, 0,
	       sizeof(out->contracted_component));
	out->unrated = 0;
	out->flags &= ~(uint32_t)(LLMCOST_COST_UNRATED |
				  LLMCOST_COST_REGIONAL |
				  LLMCOST_COST_ROUNDED |
				  LLMCOST_COST_CONTRACT);
}


LLMCOST_API int llmcost_price(const llmcost_prices *prices,
			      const llmcost_record *record,
			      llmcost_cost *cost)
{
	struct lc_pricing s;
	uint32_t size;
	int rc;

	if (cost == NULL)
		return lc_error(LLMCOST_E_INVALID, "cost is NULL");
	size = cost->struct_size;
	if (size < LC_COST_MIN_SIZE)
		return lc_error(LLMCOST_E_SIZE,
				"cost struct_size %u is below %zu; call "
				"llmcost_cost_init()",
				(unsigned)size, LC_COST_MIN_SIZE);
	/* A caller's struct of this version's size is written in place;
	 * an older, smaller one gets the part it has. */
	s.out = size >= sizeof(*cost) ? cost : &s.tmp;
	lc_pricing_init(&s, prices);
	rc = lc_price_steps(&s, record);
	if (rc != LLMCOST_OK) {
		lc_clear_money(s.out);
		lc_error(rc, "%s", s.out->note);
	}
	s.out->status = rc;
	s.out->struct_size = size;
	if (s.out != cost)
		memcpy(cost, s.out, size);
	return rc;
}
