/*
 * prices.c - the price table and the pricing of one request.
 *
 * Keys are stored in ASCII lowercase in a hash map whose values index the
 * entry array, so a lookup is a lowercase copy on the stack, one hash and
 * one probe sequence.  Each entry keeps its versions sorted by the instant
 * they took effect.  Long-context tiers are rare, so they live in a pool
 * of their own and a version refers to one by index.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prices.h"

#define LC_NO_TIER UINT32_MAX

/* Files larger than this are refused rather than read. */
#define LC_FILE_MAX ((size_t)1 << 30)

/* The smallest llmcost_cost any released header has described. */
#define LC_COST_MIN_SIZE \
	(offsetof(llmcost_cost, note) + LLMCOST_NOTE_SIZE)

struct lc_version {
	int64_t valid_from_ms;
	uint32_t tier;		/* index into tiers, or LC_NO_TIER */
	lc_rates base;
};

struct lc_tier {
	int64_t above;
	lc_rates rates;
};

struct lc_entry {
	const char *key;	/* original spelling, in the string pool */
	const char *provider;	/* in the string pool, or NULL */
	struct lc_version *versions;	/* NULL for an alias */
	size_t nversions;
	size_t cap;
	uint32_t alias_of;	/* LC_NO_ENTRY for a model of its own */
	uint32_t anthropic;	/* billed by Anthropic's rules */
};

struct lc_diag {
	const char *key;
	const char *field;
	const char *message;
};

struct llmcost_prices {
	lc_map *keys;		/* lowercase key -> entry index */
	lc_map *strings;	/* pool of keys, providers and messages */
	struct lc_entry *entries;
	size_t nentries;
	size_t entries_cap;
	struct lc_tier *tiers;
	size_t ntiers;
	size_t tiers_cap;
	struct lc_diag *diags;
	size_t ndiags;
	size_t diags_cap;
};


/* ---- small helpers ---------------------------------------------------- */

static const char *const lc_component_names[LLMCOST_C_COUNT] = {
	"input", "cache_read", "cache_write_5m", "cache_write_1h", "output",
	"reasoning"
};

static const char *const lc_rule_names[] = {
	"none", "exact", "add_provider", "strip_provider"
};


LLMCOST_API const char *llmcost_component_name(int component)
{
	if (component < 0 || component >= LLMCOST_C_COUNT)
		return "";
	return lc_component_names[component];
}


LLMCOST_API const char *llmcost_rule_name(int rule)
{
	if (rule < 0 || rule >= (int)LC_ARRAY_LEN(lc_rule_names))
		return "";
	return lc_rule_names[rule];
}


const char *lc_rate_name(int id)
{
	return llmcost_component_name(id);
}


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


int lc_is_anthropic(const char *key, const char *provider)
{
	char low[LC_KEY_MAX + 1];
	size_t len;

	if (provider != NULL) {
		len = strnlen(provider, LC_KEY_MAX);
		lc_key_lower(provider, len, low);
		low[len] = '\0';
		if (lc_has(low, "anthropic"))
			return 1;
	}
	len = strnlen(key, LC_KEY_MAX);
	lc_key_lower(key, len, low);
	low[len] = '\0';
	return strncmp(low, "claude", 6) == 0 || lc_has(low, "/claude") ||
	       lc_has(low, "anthropic.") || lc_has(low, "anthropic/");
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
	if (p->keys == NULL || p->strings == NULL) {
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
	lc_free(prices->diags);
	lc_map_free(prices->keys);
	lc_map_free(prices->strings);
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


int lc_prices_diag_add(llmcost_prices *p, const char *key,
		       const char *field, const char *fmt, ...)
{
	char msg[256];
	struct lc_diag d, *grown;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.key = lc_map_intern(p->strings, key, strlen(key));
	d.field = lc_map_intern(p->strings, field, strlen(field));
	d.message = lc_map_intern(p->strings, msg, strlen(msg));
	grown = lc_array_grow(p->diags, &p->diags_cap, p->ndiags + 1,
			      sizeof(*p->diags));
	if (d.key == NULL || d.field == NULL || d.message == NULL ||
	    grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot record a diagnostic");
	p->diags = grown;
	p->diags[p->ndiags++] = d;
	return LLMCOST_OK;
}


/* Entry index of a lowercase key, following an alias; 0 if absent. */
static int lc_lookup_lower(const llmcost_prices *p, const char *low,
			   size_t len, uint32_t *slot, uint32_t *target)
{
	uint32_t v;
	const struct lc_entry *e;

	if (!lc_map_get(p->keys, low, len, &v))
		return 0;
	e = &p->entries[v];
	if (slot != NULL)
		*slot = v;
	if (target != NULL)
		*target = e->alias_of == LC_NO_ENTRY ? v : e->alias_of;
	return 1;
}


int lc_prices_find(const llmcost_prices *p, const char *key, size_t len,
		   uint32_t *slot, uint32_t *target)
{
	char low[LC_KEY_MAX];

	if (len == 0 || len > LC_KEY_MAX)
		return 0;
	lc_key_lower(key, len, low);
	return lc_lookup_lower(p, low, len, slot, target);
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
	if (p->nentries >= LC_NO_ENTRY - 1)
		return lc_error(LLMCOST_E_RANGE, "price table is full");
	spelling = lc_map_intern(p->strings, key, len);
	grown = lc_array_grow(p->entries, &p->entries_cap, p->nentries + 1,
			      sizeof(*p->entries));
	if (spelling == NULL || grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot add key");
	p->entries = grown;
	lc_key_lower(key, len, low);
	if (lc_map_put(p->keys, low, len, (uint32_t)p->nentries, NULL))
		return lc_error(LLMCOST_E_NOMEM, "cannot add key");
	e = &p->entries[p->nentries];
	memset(e, 0, sizeof(*e));
	e->key = spelling;
	e->alias_of = alias_of;
	e->anthropic = (uint32_t)lc_is_anthropic(spelling, NULL);
	*slot = (uint32_t)p->nentries++;
	return LLMCOST_OK;
}


/* Gives an alias its own copy of the versions it borrowed. */
static int lc_detach(llmcost_prices *p, uint32_t slot)
{
	struct lc_entry *e = &p->entries[slot];
	const struct lc_entry *t;
	struct lc_version *copy;

	if (e->alias_of == LC_NO_ENTRY)
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
	e->alias_of = LC_NO_ENTRY;
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
	e->anthropic = (uint32_t)lc_is_anthropic(e->key, stored);
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
		rc = lc_new_entry(p, key, len, LC_NO_ENTRY, &slot);
	if (rc == LLMCOST_OK && provider != NULL)
		rc = lc_set_provider(p, slot, provider);
	if (rc == LLMCOST_OK)
		*entry = slot;
	return rc;
}


static int lc_add_tier(llmcost_prices *p, const lc_price_version *v,
		       uint32_t *index)
{
	struct lc_tier *grown;

	*index = LC_NO_TIER;
	if (!v->has_tier || v->tier.present == 0)
		return LLMCOST_OK;
	if (p->ntiers >= LC_NO_TIER - 1)
		return lc_error(LLMCOST_E_RANGE, "too many tiers");
	grown = lc_array_grow(p->tiers, &p->tiers_cap, p->ntiers + 1,
			      sizeof(*p->tiers));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot add a tier");
	p->tiers = grown;
	p->tiers[p->ntiers].above = v->above;
	p->tiers[p->ntiers].rates = v->tier;
	*index = (uint32_t)p->ntiers++;
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


int lc_prices_add_version(llmcost_prices *p, uint32_t entry,
			  const lc_price_version *v)
{
	struct lc_entry *e = &p->entries[entry];
	struct lc_version nv, *grown;
	size_t at;
	int rc;

	if (e->alias_of != LC_NO_ENTRY)
		return lc_error(LLMCOST_E_INVALID, "'%s' is an alias", e->key);
	rc = lc_add_tier(p, v, &nv.tier);
	if (rc != LLMCOST_OK)
		return rc;
	nv.valid_from_ms = v->valid_from_ms;
	nv.base = v->base;
	at = lc_version_slot(e, v->valid_from_ms);
	if (at < e->nversions &&
	    e->versions[at].valid_from_ms == v->valid_from_ms) {
		e->versions[at] = nv;
		return LLMCOST_OK;
	}
	grown = lc_array_grow(e->versions, &e->cap, e->nversions + 1,
			      sizeof(*e->versions));
	if (grown == NULL)
		return lc_error(LLMCOST_E_NOMEM, "cannot add a version");
	e->versions = grown;
	memmove(&e->versions[at + 1], &e->versions[at],
		(e->nversions - at) * sizeof(*e->versions));
	e->versions[at] = nv;
	e->nversions++;
	return LLMCOST_OK;
}


int lc_prices_add_alias(llmcost_prices *p, const char *alias, size_t len,
			uint32_t target)
{
	uint32_t slot, now;
	int rc;

	if (p->entries[target].alias_of != LC_NO_ENTRY)
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
	p->entries[slot].anthropic = p->entries[target].anthropic;
	return LLMCOST_OK;
}


/* ---- files ------------------------------------------------------------ */

/* Reads f to its end into a growing buffer with room for a NUL. */
static int lc_read_stream(FILE *f, const char *path, char **text,
			  size_t *len)
{
	char *buf = NULL, *grown;
	size_t n = 0, cap = 0, got;

	do {
		if (cap - n < 2) {
			if (n >= LC_FILE_MAX) {
				lc_free(buf);
				return lc_error(LLMCOST_E_IO, "'%s' is too "
						"large", path);
			}
			grown = lc_array_grow(buf, &cap, n + 65536, 1);
			if (grown == NULL) {
				lc_free(buf);
				return lc_error(LLMCOST_E_NOMEM,
						"cannot read '%s'", path);
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		lc_free(buf);
		return lc_error(LLMCOST_E_IO, "cannot read '%s'", path);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return LLMCOST_OK;
}


int lc_read_file(const char *path, char **text, size_t *len)
{
	FILE *f;
	int rc;

	if (path == NULL)
		return lc_error(LLMCOST_E_INVALID, "path is NULL");
	f = fopen(path, "rb");
	if (f == NULL)
		return lc_error(LLMCOST_E_IO, "cannot open '%s': %s", path,
				strerror(errno));
	rc = lc_read_stream(f, path, text, len);
	fclose(f);
	return rc;
}


/* Whether text looks like JSON: its first non-blank byte is '{'. */
static int lc_looks_like_json(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
			   text[i] == '\r' || text[i] == '\n'))
		i++;
	return i < len && text[i] == '{';
}


LLMCOST_API int llmcost_prices_load_file(llmcost_prices *prices,
					 const char *path,
					 int64_t valid_from_ms)
{
	char *text;
	size_t len;
	int rc;

	if (prices == NULL)
		return lc_error(LLMCOST_E_INVALID, "prices is NULL");
	rc = lc_read_file(path, &text, &len);
	if (rc != LLMCOST_OK)
		return rc;
	if (lc_looks_like_json(text, len))
		rc = llmcost_prices_load_litellm(prices, text, len,
						 valid_from_ms);
	else
		rc = llmcost_prices_load_book(prices, text, len);
	lc_free(text);
	return rc;
}


/* ---- pricing one request ---------------------------------------------- */

/* The state of one llmcost_price() call.  Lives on the stack. */
struct lc_pricing {
	const llmcost_prices *p;
	llmcost_record rec;
	llmcost_cost out;
	const struct lc_entry *entry;
	const struct lc_version *version;
	const struct lc_tier *tier;	/* NULL unless the tier applies */
	lc_rates eff;		/* the rates in force for this request */
	uint32_t kept_base;	/* rates the tier lacks that were used */
	int64_t tokens[LC_R_COUNT];
};

/* Prefixes that name the model's own maker, so that removing them keeps
 * the price.  Hosts and resellers (azure, bedrock, openrouter, vertex_ai,
 * ...) set their own prices and are deliberately absent. */
static const char *const lc_strip_prefixes[] = {
	"openai", "anthropic", "gemini", "google", "deepseek", "mistral",
	"xai", "meta", "text-completion-openai"
};


static void lc_note(struct lc_pricing *s, const char *fmt, ...)
	LC_PRINTF(2, 3);

static void lc_note(struct lc_pricing *s, const char *fmt, ...)
{
	size_t used = strlen(s->out.note);
	size_t room = sizeof(s->out.note) - used;
	va_list ap;

	if (used > 0 && room > 2) {
		memcpy(s->out.note + used, "; ", 3);
		used += 2;
		room -= 2;
	}
	if (room <= 1)
		return;
	va_start(ap, fmt);
	vsnprintf(s->out.note + used, room, fmt, ap);
	va_end(ap);
}


static int lc_fail(struct lc_pricing *s, int status, const char *fmt, ...)
	LC_PRINTF(3, 4);

static int lc_fail(struct lc_pricing *s, int status, const char *fmt, ...)
{
	size_t used = strlen(s->out.note);
	va_list ap;

	if (used > 0 && sizeof(s->out.note) - used > 2) {
		memcpy(s->out.note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(s->out.note + used, sizeof(s->out.note) - used, fmt, ap);
	va_end(ap);
	return status;
}


static int lc_try_key(struct lc_pricing *s, const char *low, size_t len,
		      int rule)
{
	uint32_t target;

	if (len == 0 || !lc_lookup_lower(s->p, low, len, NULL, &target))
		return 0;
	s->entry = &s->p->entries[target];
	s->out.rule = (uint32_t)rule;
	s->out.price_key = s->entry->key;
	return 1;
}


static int lc_try_add_provider(struct lc_pricing *s, const char *low,
			       size_t len)
{
	const char *prov = s->rec.provider;
	char joined[LC_KEY_MAX];
	size_t plen;

	if (prov == NULL || prov[0] == '\0')
		return 0;
	plen = strnlen(prov, LC_KEY_MAX);
	if (plen + 1 + len > LC_KEY_MAX)
		return 0;
	lc_key_lower(prov, plen, joined);
	joined[plen] = '/';
	memcpy(joined + plen + 1, low, len);
	return lc_try_key(s, joined, plen + 1 + len,
			  LLMCOST_RULE_ADD_PROVIDER);
}


static int lc_try_strip_provider(struct lc_pricing *s, const char *low,
				 size_t len)
{
	const char *slash = memchr(low, '/', len);
	size_t plen, i;

	if (slash == NULL)
		return 0;
	plen = (size_t)(slash - low);
	for (i = 0; i < LC_ARRAY_LEN(lc_strip_prefixes); i++) {
		const char *pre = lc_strip_prefixes[i];

		if (strlen(pre) == plen && memcmp(pre, low, plen) == 0)
			return lc_try_key(s, slash + 1, len - plen - 1,
					  LLMCOST_RULE_STRIP_PROVIDER);
	}
	return 0;
}


static int lc_resolve(struct lc_pricing *s)
{
	const char *model = s->rec.model;
	char low[LC_KEY_MAX];
	size_t len;

	if (model == NULL || model[0] == '\0')
		return lc_fail(s, LLMCOST_E_UNPRICED, "no model");
	len = strnlen(model, LC_KEY_MAX + 1);
	if (len > LC_KEY_MAX)
		return lc_fail(s, LLMCOST_E_UNPRICED,
			       "model name longer than %d bytes: '%.40s...'",
			       LC_KEY_MAX, model);
	lc_key_lower(model, len, low);
	if (lc_try_key(s, low, len, LLMCOST_RULE_EXACT) ||
	    lc_try_add_provider(s, low, len) ||
	    lc_try_strip_provider(s, low, len))
		return LLMCOST_OK;
	if (s->rec.provider != NULL && s->rec.provider[0] != '\0')
		return lc_fail(s, LLMCOST_E_UNPRICED,
			       "model '%.120s' not in price table (tried "
			       "exact, '%.40s/' prefix, provider prefix "
			       "removal)", model, s->rec.provider);
	return lc_fail(s, LLMCOST_E_UNPRICED,
		       "model '%.160s' not in price table (tried exact, "
		       "provider prefix removal)", model);
}


/* Picks the version in force at the request's time, and the tier. */
static int lc_pick_version(struct lc_pricing *s)
{
	const struct lc_entry *e = s->entry;
	int64_t t = s->rec.timestamp_ms;
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
			s->out.flags |= LLMCOST_COST_APPROXIMATE;
			lc_note(s, "request predates the first known price "
				"of %s", e->key);
		}
		s->version = &e->versions[i - 1];
	}
	s->out.price_valid_from_ms = s->version->valid_from_ms;
	return LLMCOST_OK;
}


/* Combines the base rates with the tier's when the prompt is past it. */
static void lc_pick_rates(struct lc_pricing *s)
{
	const struct lc_version *v = s->version;
	const struct lc_tier *t;
	int r;

	s->eff = v->base;
	if (v->tier == LC_NO_TIER)
		return;
	t = &s->p->tiers[v->tier];
	if (s->rec.input_tokens <= t->above)
		return;
	s->tier = t;
	s->out.flags |= LLMCOST_COST_LONG_CONTEXT;
	s->out.long_context_threshold = t->above;
	for (r = 0; r < LC_R_COUNT; r++) {
		if (lc_rate_has(&t->rates, r))
			lc_rate_set(&s->eff, r, t->rates.rate[r]);
	}
}


/* The rate r as it stands, noting when a tier lacked it.  0 if absent. */
static int lc_direct_rate(struct lc_pricing *s, int r, lc_i128 *rate)
{
	if (!lc_rate_has(&s->eff, r))
		return 0;
	if (s->tier != NULL && !lc_rate_has(&s->tier->rates, r))
		s->kept_base |= 1u << r;
	*rate = s->eff.rate[r];
	return 1;
}


static int lc_norate(struct lc_pricing *s, int c)
{
	return lc_fail(s, LLMCOST_E_NORATE,
		       "price '%s' has no %s rate for %lld tokens",
		       s->entry->key, lc_rate_name(c),
		       (long long)s->tokens[c]);
}


/* A cache bucket that providers bill as input when no rate is given. */
static int lc_input_fallback(struct lc_pricing *s, int c, lc_i128 *rate)
{
	if (lc_direct_rate(s, c, rate))
		return LLMCOST_OK;
	if (!lc_direct_rate(s, LC_R_INPUT, rate))
		return lc_norate(s, c);
	s->out.flags |= LLMCOST_COST_FALLBACK;
	lc_note(s, "no %s rate: priced at the input rate", lc_rate_name(c));
	return LLMCOST_OK;
}


/* One-hour cache writes: their own rate, or Anthropic's 2x input. */
static int lc_write_1h_rate(struct lc_pricing *s, lc_i128 *rate)
{
	int c = LC_R_CACHE_WRITE_1H;

	if (lc_direct_rate(s, c, rate))
		return LLMCOST_OK;
	if (!s->entry->anthropic || !lc_direct_rate(s, LC_R_INPUT, rate))
		return lc_norate(s, c);
	if (lc_i128_mul(*rate, 2, rate))
		return lc_fail(s, LLMCOST_E_OVERFLOW, "1h write rate");
	s->out.flags |= LLMCOST_COST_FALLBACK;
	lc_note(s, "no cache_write_1h rate: priced at 2x the input rate "
		"(Anthropic)");
	return LLMCOST_OK;
}


static int lc_bucket_rate(struct lc_pricing *s, int c, lc_i128 *rate)
{
	switch (c) {
	case LC_R_CACHE_READ:
	case LC_R_CACHE_WRITE_5M:
		return lc_input_fallback(s, c, rate);
	case LC_R_CACHE_WRITE_1H:
		return lc_write_1h_rate(s, rate);
	case LC_R_REASONING:
		/* Reasoning is output: billed at the output rate unless the
		 * entry prices it apart.  A documented rule, not a guess. */
		if (lc_direct_rate(s, c, rate) ||
		    lc_direct_rate(s, LC_R_OUTPUT, rate))
			return LLMCOST_OK;
		return lc_norate(s, c);
	default:
		if (lc_direct_rate(s, c, rate))
			return LLMCOST_OK;
		return lc_norate(s, c);
	}
}


static void lc_split_tokens(struct lc_pricing *s)
{
	const llmcost_record *r = &s->rec;

	s->tokens[LC_R_INPUT] = r->input_tokens - r->cached_tokens -
				r->cache_write_tokens -
				r->cache_write_1h_tokens;
	s->tokens[LC_R_CACHE_READ] = r->cached_tokens;
	s->tokens[LC_R_CACHE_WRITE_5M] = r->cache_write_tokens;
	s->tokens[LC_R_CACHE_WRITE_1H] = r->cache_write_1h_tokens;
	s->tokens[LC_R_OUTPUT] = r->output_tokens - r->reasoning_tokens;
	s->tokens[LC_R_REASONING] = r->reasoning_tokens;
}


static void lc_note_kept_base(struct lc_pricing *s)
{
	char names[96] = "";
	size_t used = 0;
	int r;

	if (s->kept_base == 0)
		return;
	for (r = 0; r < LC_R_COUNT; r++) {
		if (!(s->kept_base & (1u << r)))
			continue;
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s", used ? ", " : "",
					 lc_rate_name(r));
	}
	lc_note(s, "long-context tier has no %s rate: base rate used", names);
}


static int lc_sum_components(struct lc_pricing *s)
{
	lc_i128 part[LC_R_COUNT], total = 0, rate = 0;
	int c, rc;

	for (c = 0; c < LC_R_COUNT; c++) {
		part[c] = 0;
		if (s->tokens[c] == 0)
			continue;
		rc = lc_bucket_rate(s, c, &rate);
		if (rc != LLMCOST_OK)
			return rc;
		if (lc_i128_mul(rate, s->tokens[c], &part[c]) ||
		    lc_i128_add(total, part[c], &total))
			return lc_fail(s, LLMCOST_E_OVERFLOW,
				       "cost of %s overflows",
				       lc_rate_name(c));
	}
	lc_note_kept_base(s);
	for (c = 0; c < LC_R_COUNT; c++)
		s->out.component[c] = lc_money_from_i128(part[c]);
	s->out.total = lc_money_from_i128(total);
	return LLMCOST_OK;
}


/* Copies the record and checks the token convention; the note gets the
 * checker's words when the record is rejected. */
static int lc_take_record(struct lc_pricing *s, const llmcost_record *in)
{
	int rc = lc_record_copy(in, &s->rec);

	if (rc == LLMCOST_OK)
		rc = llmcost_record_check(&s->rec);
	if (rc != LLMCOST_OK)
		snprintf(s->out.note, sizeof(s->out.note), "%s",
			 llmcost_last_error());
	return rc;
}


static int lc_price_steps(struct lc_pricing *s, const llmcost_record *in)
{
	int rc;

	if (s->p == NULL || in == NULL)
		return lc_fail(s, LLMCOST_E_INVALID, "prices or record is "
			       "NULL");
	rc = lc_take_record(s, in);
	if (rc == LLMCOST_OK)
		rc = lc_resolve(s);
	if (rc == LLMCOST_OK)
		rc = lc_pick_version(s);
	if (rc != LLMCOST_OK)
		return rc;
	lc_pick_rates(s);
	lc_split_tokens(s);
	return lc_sum_components(s);
}


LLMCOST_API void llmcost_cost_init(llmcost_cost *cost)
{
	if (cost == NULL)
		return;
	memset(cost, 0, sizeof(*cost));
	cost->struct_size = (uint32_t)sizeof(*cost);
}


LLMCOST_API int llmcost_price(const llmcost_prices *prices,
			      const llmcost_record *record,
			      llmcost_cost *cost)
{
	struct lc_pricing s;
	size_t n;
	int rc;

	if (cost == NULL)
		return lc_error(LLMCOST_E_INVALID, "cost is NULL");
	if (cost->struct_size < LC_COST_MIN_SIZE)
		return lc_error(LLMCOST_E_SIZE,
				"cost struct_size %u is below %zu; call "
				"llmcost_cost_init()",
				(unsigned)cost->struct_size, LC_COST_MIN_SIZE);
	memset(&s, 0, sizeof(s));
	s.p = prices;
	rc = lc_price_steps(&s, record);
	if (rc != LLMCOST_OK) {
		memset(s.out.component, 0, sizeof(s.out.component));
		memset(&s.out.total, 0, sizeof(s.out.total));
		lc_error(rc, "%s", s.out.note);
	}
	s.out.status = rc;
	s.out.struct_size = cost->struct_size;
	n = cost->struct_size < sizeof(s.out) ? cost->struct_size
					       : sizeof(s.out);
	memcpy(cost, &s.out, n);
	return rc;
}
