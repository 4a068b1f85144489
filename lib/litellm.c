/*
 * litellm.c - loads LiteLLM's price table format
 * (model_prices_and_context_window.json) as it is published.
 *
 * Every rate is read from the JSON's decimal text, so 3e-06 becomes
 * exactly 3000000000000 units of 10^-18 USD.  The loader is forgiving: an
 * entry or a rate it cannot use is skipped and described in a diagnostic,
 * and the rest of the table still loads.
 *
 * A rate field is a base name ("input_cost_per_token") with an optional
 * suffix: "_batches", "_flex" or "_priority" for a service tier, or
 * "_above_<N>k_tokens" for a long-context tier.  Range lists under
 * "tiered_pricing" are long-context tiers too: a range [lo, hi] applies
 * when the prompt is past lo tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "prices.h"

/* Base rate fields, by rate id.  Values are USD per token (or per
 * request), read at 10^-18. */
static const char *const lc_litellm_fields[LC_R_COUNT] = {
	[LC_R_INPUT] = "input_cost_per_token",
	[LC_R_CACHE_READ] = "cache_read_input_token_cost",
	[LC_R_CACHE_WRITE_5M] = "cache_creation_input_token_cost",
	[LC_R_CACHE_WRITE_1H] = "cache_creation_input_token_cost_above_1hr",
	[LC_R_OUTPUT] = "output_cost_per_token",
	[LC_R_REASONING] = "output_cost_per_reasoning_token",
	[LC_R_INPUT_AUDIO] = "input_cost_per_audio_token",
	[LC_R_INPUT_IMAGE] = "input_cost_per_image_token",
	[LC_R_INPUT_VIDEO] = "input_cost_per_video_token",
	[LC_R_OUTPUT_AUDIO] = "output_cost_per_audio_token",
	[LC_R_OUTPUT_IMAGE] = "output_cost_per_image_token",
	[LC_R_REQUEST] = "input_cost_per_request",
};

/* Older DeepSeek entries keep the cache-hit rate under this name. */
#define LC_CACHE_HIT_FIELD "input_cost_per_token_cache_hit"

/* USD per thousand file-search calls, read at 10^-15. */
#define LC_FILE_SEARCH_FIELD "file_search_cost_per_1k_calls"

/* An object of USD per web search, by search context size. */
#define LC_SEARCH_FIELD "search_context_cost_per_query"

/* Largest N accepted in "_above_<N>k_tokens". */
#define LC_TIER_K_MAX 999999999LL

/* Service-tier suffixes, by enum lc_svc. */
static const char *const lc_svc_suffixes[LC_SVC_COUNT] = {
	"_batches", "_flex", "_priority"
};

/* Where a rate field goes. */
struct lc_field_ref {
	int id;			/* rate id */
	int svc;		/* enum lc_svc, or -1 */
	int64_t above;		/* tier threshold in tokens, or -1 */
};

/* The loading of one table: where it goes and the entry at hand. */
struct lc_litellm {
	llmcost_prices *p;
	lc_map *seen;		/* lowercase keys met in this load */
	int64_t valid_from_ms;
	const char *key;
	const cJSON *entry;
	lc_price_version v;
};


static int lc_diag(struct lc_litellm *ld, const char *field,
		   const char *fmt, ...) LC_PRINTF(3, 4);

static int lc_diag(struct lc_litellm *ld, const char *field,
		   const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lc_prices_diag_add(ld->p, ld->key, field, "%s", msg);
}


static int lc_bad_rate(struct lc_litellm *ld, const char *field,
		       const char *fmt, const char *text)
{
	return lc_prices_diag_kind(ld->p, LC_DIAG_BAD_RATE, ld->key, field,
				   fmt, text);
}


/* Reads a decimal rate at 10^-scale USD; a rate that cannot be used is
 * skipped with a diagnostic (returns 1).  Only LLMCOST_E_NOMEM is
 * returned as an error. */
static int lc_read_value(struct lc_litellm *ld, const cJSON *item,
			 const char *field, int scale, lc_i128 *v)
{
	const char *text = lc_json_number(item);
	int rc;

	if (text == NULL) {
		rc = lc_bad_rate(ld, field, "%s", lc_json_string(item) != NULL
				 ? "rate is a string, not a number; skipped"
				 : "rate is not a number; skipped");
		return rc != LLMCOST_OK ? rc : 1;
	}
	rc = lc_decimal_parse(text, strlen(text), scale, v);
	if (rc == LLMCOST_E_INEXACT)
		rc = lc_bad_rate(ld, field, "rate %.60s is finer than 10^-18 "
				 "USD; skipped", text);
	else if (rc != LLMCOST_OK)
		rc = lc_bad_rate(ld, field, "rate %.60s is out of range; "
				 "skipped", text);
	else if (*v < 0)
		rc = lc_bad_rate(ld, field, "rate %.60s is negative; skipped",
				 text);
	else
		return LLMCOST_OK;
	return rc != LLMCOST_OK ? rc : 1;
}


static int lc_read_rate(struct lc_litellm *ld, const cJSON *item,
			const char *field, int scale, lc_rates *rates, int id)
{
	lc_i128 v;
	int rc = lc_read_value(ld, item, field, scale, &v);

	if (rc == LLMCOST_OK)
		lc_rate_set(rates, id, v);
	return rc == 1 ? LLMCOST_OK : rc;
}


/* ---- field names --------------------------------------------------------- */

/* Matches "_above_<N>k_tokens"; sets *tokens to N * 1000. */
static int lc_tier_suffix(const char *s, int64_t *tokens)
{
	size_t len = strlen(s), i;
	int64_t n = 0;

	if (len < 16 || strncmp(s, "_above_", 7) != 0 ||
	    strcmp(s + len - 8, "k_tokens") != 0)
		return 0;
	for (i = 7; i < len - 8; i++) {
		if (s[i] < '0' || s[i] > '9' || n > LC_TIER_K_MAX)
			return 0;
		n = n * 10 + (s[i] - '0');
	}
	if (n > LC_TIER_K_MAX)
		return 0;
	*tokens = n * 1000;
	return 1;
}


/* Where a field name goes; 0 if it is not a per-token rate field. */
static int lc_field_ref(const char *name, struct lc_field_ref *ref)
{
	size_t blen;
	int id, s;

	for (id = 0; id < LC_R_COUNT; id++) {
		const char *base = lc_litellm_fields[id];

		if (base == NULL)
			continue;
		blen = strlen(base);
		if (strncmp(name, base, blen) != 0)
			continue;
		ref->id = id;
		ref->svc = -1;
		ref->above = -1;
		if (name[blen] == '\0')
			return 1;
		for (s = 0; s < LC_SVC_COUNT; s++) {
			if (strcmp(name + blen, lc_svc_suffixes[s]) == 0) {
				ref->svc = s;
				return 1;
			}
		}
		if (lc_tier_suffix(name + blen, &ref->above))
			return 1;
	}
	return 0;
}


/* ---- long-context tiers -------------------------------------------------- */

/* The tier of v with this threshold, added in order if new; NULL if the
 * version already has LC_TIERS_MAX tiers. */
static lc_tier *lc_tier_at(lc_price_version *v, int64_t above)
{
	size_t i = 0;

	while (i < v->ntiers && v->tier[i].above < above)
		i++;
	if (i < v->ntiers && v->tier[i].above == above)
		return &v->tier[i];
	if (v->ntiers == LC_TIERS_MAX)
		return NULL;
	memmove(&v->tier[i + 1], &v->tier[i],
		(v->ntiers - i) * sizeof(v->tier[0]));
	memset(&v->tier[i], 0, sizeof(v->tier[0]));
	v->tier[i].above = above;
	v->ntiers++;
	return &v->tier[i];
}


/* The rates a field fills: the base, a service tier's or a tier's. */
static int lc_field_rates(struct lc_litellm *ld, const char *field,
			  const struct lc_field_ref *ref, lc_rates **rates)
{
	lc_tier *t;

	if (ref->svc >= 0) {
		*rates = &ld->v.svc[ref->svc];
		return LLMCOST_OK;
	}
	if (ref->above < 0) {
		*rates = &ld->v.base;
		return LLMCOST_OK;
	}
	*rates = NULL;
	if (ref->above == 0)
		return lc_diag(ld, field, "a tier above 0 tokens is not a "
			       "tier; ignored");
	t = lc_tier_at(&ld->v, ref->above);
	if (t == NULL)
		return lc_diag(ld, field, "more than %d long-context tiers; "
			       "ignored", LC_TIERS_MAX);
	*rates = &t->rates;
	return LLMCOST_OK;
}


/* ---- the members of an entry --------------------------------------------- */

static int lc_read_search(struct lc_litellm *ld, const cJSON *obj)
{
	static const struct {
		const char *name;
		int id;
	} sizes[] = {
		{"search_context_size_low", LC_R_WEB_SEARCH_LOW},
		{"search_context_size_medium", LC_R_WEB_SEARCH},
		{"search_context_size_high", LC_R_WEB_SEARCH_HIGH},
	};
	const cJSON *it;
	size_t i;
	int rc = LLMCOST_OK;

	if (!cJSON_IsObject(obj))
		return lc_diag(ld, LC_SEARCH_FIELD, "not an object; ignored");
	for (i = 0; i < LC_ARRAY_LEN(sizes) && rc == LLMCOST_OK; i++) {
		it = cJSON_GetObjectItemCaseSensitive(obj, sizes[i].name);
		if (it != NULL)
			rc = lc_read_rate(ld, it, LC_SEARCH_FIELD,
					  LLMCOST_MONEY_DIGITS, &ld->v.base,
					  sizes[i].id);
	}
	return rc;
}


/* Reads one member that is a rate field; others are left alone. */
static int lc_read_member(struct lc_litellm *ld, const cJSON *it)
{
	struct lc_field_ref ref;
	lc_rates *rates;
	int rc;

	if (strcmp(it->string, LC_SEARCH_FIELD) == 0)
		return lc_read_search(ld, it);
	if (strcmp(it->string, LC_FILE_SEARCH_FIELD) == 0)
		return lc_read_rate(ld, it, it->string, 15, &ld->v.base,
				    LC_R_FILE_SEARCH);
	if (!lc_field_ref(it->string, &ref))
		return LLMCOST_OK;
	rc = lc_field_rates(ld, it->string, &ref, &rates);
	if (rc != LLMCOST_OK || rates == NULL)
		return rc;
	return lc_read_rate(ld, it, it->string, LLMCOST_MONEY_DIGITS, rates,
			    ref.id);
}


/* The DeepSeek cache-hit field, when there is no cache-read field. */
static int lc_read_cache_hit(struct lc_litellm *ld)
{
	const cJSON *it;

	if (lc_rate_has(&ld->v.base, LC_R_CACHE_READ))
		return LLMCOST_OK;
	it = cJSON_GetObjectItemCaseSensitive(ld->entry, LC_CACHE_HIT_FIELD);
	if (it == NULL)
		return LLMCOST_OK;
	return lc_read_rate(ld, it, LC_CACHE_HIT_FIELD, LLMCOST_MONEY_DIGITS,
			    &ld->v.base, LC_R_CACHE_READ);
}


/* ---- tiered_pricing range lists ------------------------------------------ */

/* The lower end of a range [lo, hi] in tokens; -1 if unusable. */
static int64_t lc_range_low(const cJSON *band)
{
	const cJSON *range = cJSON_GetObjectItemCaseSensitive(band, "range");
	const char *text;
	int64_t lo;

	if (!cJSON_IsArray(range) || cJSON_GetArraySize(range) != 2)
		return -1;
	text = lc_json_number(cJSON_GetArrayItem(range, 0));
	if (text == NULL || lc_int_parse(text, strlen(text), &lo) !=
			    LLMCOST_OK || lo < 0)
		return -1;
	return lo;
}


/* Reads one band's rate fields into the base (lo 0) or a tier. */
static int lc_read_band(struct lc_litellm *ld, const cJSON *band,
			int64_t lo)
{
	struct lc_field_ref ref;
	const cJSON *it;
	lc_rates *rates = &ld->v.base;
	lc_tier *t;
	int rc = LLMCOST_OK;

	if (lo > 0) {
		t = lc_tier_at(&ld->v, lo);
		if (t == NULL)
			return lc_diag(ld, "tiered_pricing", "more than %d "
				       "long-context tiers; ignored",
				       LC_TIERS_MAX);
		rates = &t->rates;
	}
	for (it = band->child; it != NULL && rc == LLMCOST_OK; it = it->next) {
		if (!lc_field_ref(it->string, &ref) || ref.svc >= 0 ||
		    ref.above >= 0)
			continue;
		if (lo == 0 && lc_rate_has(rates, ref.id))
			continue;
		rc = lc_read_rate(ld, it, "tiered_pricing",
				  LLMCOST_MONEY_DIGITS, rates, ref.id);
	}
	return rc;
}


static int lc_read_ranges(struct lc_litellm *ld)
{
	const cJSON *list, *band;
	int64_t lo;
	int rc = LLMCOST_OK;

	list = cJSON_GetObjectItemCaseSensitive(ld->entry, "tiered_pricing");
	if (list == NULL)
		return LLMCOST_OK;
	if (!cJSON_IsArray(list))
		return lc_diag(ld, "tiered_pricing", "not a list; ignored");
	cJSON_ArrayForEach(band, list) {
		if (!cJSON_IsObject(band) ||
		    cJSON_GetObjectItemCaseSensitive(band, "range") == NULL)
			return lc_diag(ld, "tiered_pricing", "not token ranges "
				       "(only prompt-size ranges are read); "
				       "ignored");
	}
	cJSON_ArrayForEach(band, list) {
		lo = lc_range_low(band);
		rc = lo < 0 ? lc_diag(ld, "tiered_pricing", "a range without "
				      "a usable lower end; ignored")
			    : lc_read_band(ld, band, lo);
		if (rc != LLMCOST_OK)
			break;
	}
	return rc;
}


static int lc_read_rates(struct lc_litellm *ld)
{
	const cJSON *it;
	int rc = LLMCOST_OK;

	for (it = ld->entry->child; it != NULL && rc == LLMCOST_OK;
	     it = it->next)
		rc = lc_read_member(ld, it);
	if (rc == LLMCOST_OK)
		rc = lc_read_cache_hit(ld);
	if (rc == LLMCOST_OK)
		rc = lc_read_ranges(ld);
	return rc;
}


/* ---- the entry ----------------------------------------------------------- */

/* The entry's litellm_provider, or NULL (with a diagnostic if it is
 * there but not a usable string). */
static const char *lc_read_provider(struct lc_litellm *ld, int *rc)
{
	const cJSON *it;
	const char *s;

	*rc = LLMCOST_OK;
	it = cJSON_GetObjectItemCaseSensitive(ld->entry, "litellm_provider");
	if (it == NULL)
		return NULL;
	s = lc_json_string(it);
	if (s != NULL && s[0] != '\0' && strlen(s) <= LC_KEY_MAX)
		return s;
	*rc = lc_diag(ld, "litellm_provider", "not a usable provider name; "
		      "ignored");
	return NULL;
}


/* Whether the entry generates text: its mode is chat, completion or
 * responses, or it has none. */
static int lc_read_chat(const struct lc_litellm *ld)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(ld->entry, "mode");
	const char *mode = it != NULL ? lc_json_string(it) : NULL;

	return mode == NULL || strcmp(mode, "chat") == 0 ||
	       strcmp(mode, "completion") == 0 ||
	       strcmp(mode, "responses") == 0;
}


/* Anthropic bills 1-hour cache writes at twice the base input rate; a
 * table entry that says otherwise is loaded as given but pointed out. */
static int lc_check_write_1h(struct lc_litellm *ld, const char *provider,
			     const lc_rates *r)
{
	lc_i128 twice;

	if (!lc_rate_has(r, LC_R_INPUT) ||
	    !lc_rate_has(r, LC_R_CACHE_WRITE_1H) ||
	    !lc_is_anthropic(ld->key, provider))
		return LLMCOST_OK;
	if (!lc_i128_mul(r->rate[LC_R_INPUT], 2, &twice) &&
	    twice == r->rate[LC_R_CACHE_WRITE_1H])
		return LLMCOST_OK;
	return lc_diag(ld, lc_litellm_fields[LC_R_CACHE_WRITE_1H],
		       "not 2x input_cost_per_token as Anthropic bills 1-hour "
		       "cache writes; loaded as given");
}


/* Notes a key met twice in one load, apart from case. */
static int lc_check_repeat(struct lc_litellm *ld, size_t len)
{
	char low[LC_KEY_MAX];
	const char *first;
	uint32_t slot;

	lc_key_lower(ld->key, len, low);
	if (!lc_map_get(ld->seen, low, len, NULL))
		return lc_map_put(ld->seen, low, len, 0, NULL);
	if (!lc_prices_find(ld->p, ld->key, len, &slot, NULL))
		return LLMCOST_OK;
	first = lc_prices_entry_key(ld->p, slot);
	if (strcmp(first, ld->key) == 0)
		return lc_diag(ld, "", "key appears twice; the later entry "
			       "replaces the earlier");
	return lc_diag(ld, "", "same key as '%.100s' apart from case; this "
		       "entry replaces it", first);
}


static int lc_store_entry(struct lc_litellm *ld, size_t len,
			  const char *provider)
{
	uint32_t entry;
	int rc;

	rc = lc_check_repeat(ld, len);
	if (rc == LLMCOST_OK)
		rc = lc_prices_add_model(ld->p, ld->key, len, provider,
					 &entry);
	if (rc == LLMCOST_OK)
		rc = lc_prices_add_version(ld->p, entry, &ld->v);
	if (rc != LLMCOST_OK)
		return rc;
	lc_prices_set_chat(ld->p, entry, lc_read_chat(ld));
	return lc_check_write_1h(ld, provider, &ld->v.base);
}


static int lc_load_entry(struct lc_litellm *ld)
{
	size_t len = strlen(ld->key);
	const char *provider;
	int rc;

	if (strcmp(ld->key, "sample_spec") == 0)
		return LLMCOST_OK;
	if (len == 0 || len > LC_KEY_MAX)
		return lc_diag(ld, "", "key is empty or longer than %d "
			       "bytes; skipped", LC_KEY_MAX);
	if (!cJSON_IsObject(ld->entry))
		return lc_diag(ld, "", "entry is not an object; skipped");
	memset(&ld->v, 0, sizeof(ld->v));
	ld->v.valid_from_ms = ld->valid_from_ms;
	rc = lc_read_rates(ld);
	if (rc != LLMCOST_OK)
		return rc;
	provider = lc_read_provider(ld, &rc);
	if (rc != LLMCOST_OK)
		return rc;
	if (ld->v.base.present == 0 && provider == NULL)
		return lc_diag(ld, "", "no per-token rate and no "
			       "litellm_provider; skipped");
	return lc_store_entry(ld, len, provider);
}


static int lc_load_root(struct lc_litellm *ld, const cJSON *root)
{
	const cJSON *it;
	int rc = LLMCOST_OK;

	for (it = root->child; it != NULL && rc == LLMCOST_OK; it = it->next) {
		ld->key = it->string;
		ld->entry = it;
		rc = lc_load_entry(ld);
	}
	if (rc == LLMCOST_E_NOMEM)
		return lc_error(rc, "out of memory loading '%.100s'", ld->key);
	return rc;
}


LLMCOST_API int llmcost_prices_load_litellm(llmcost_prices *prices,
					    const char *json, size_t len,
					    int64_t valid_from_ms)
{
	struct lc_litellm *ld;
	char err[160];
	cJSON *root;
	int rc;

	if (prices == NULL || (json == NULL && len > 0))
		return lc_error(LLMCOST_E_INVALID, "prices or json is NULL");
	root = lc_json_parse(json == NULL ? "" : json, len, err, sizeof(err));
	if (root == NULL)
		return lc_error(LLMCOST_E_PARSE, "LiteLLM price table: %s",
				err);
	if (!cJSON_IsObject(root)) {
		lc_json_free(root);
		return lc_error(LLMCOST_E_PARSE, "LiteLLM price table: not a "
				"JSON object");
	}
	ld = lc_calloc(1, sizeof(*ld));
	if (ld != NULL)
		ld->seen = lc_map_new();
	if (ld == NULL || ld->seen == NULL) {
		rc = lc_error(LLMCOST_E_NOMEM, "out of memory");
	} else {
		ld->p = prices;
		ld->valid_from_ms = valid_from_ms;
		rc = lc_load_root(ld, root);
	}
	if (ld != NULL)
		lc_map_free(ld->seen);
	lc_free(ld);
	lc_json_free(root);
	return rc;
}


LLMCOST_API int llmcost_prices_load_litellm_file(llmcost_prices *prices,
						 const char *path,
						 int64_t valid_from_ms)
{
	return lc_prices_load_path(prices, path, LC_LOAD_LITELLM,
				   valid_from_ms);
}
