/*
 * litellm.c - loads LiteLLM's price table format
 * (model_prices_and_context_window.json) as it is published.
 *
 * Every rate is read from the JSON's decimal text, so 3e-06 becomes
 * exactly 3000000000000 units of 10^-18 USD.  The loader is forgiving: an
 * entry or a rate it cannot use is skipped and described in a diagnostic,
 * and the rest of the table still loads.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "prices.h"

/* Field names of the six per-token rates, by rate id. */
static const char *const lc_litellm_fields[LC_R_COUNT] = {
	[LC_R_INPUT] = "input_cost_per_token",
	[LC_R_CACHE_READ] = "cache_read_input_token_cost",
	[LC_R_CACHE_WRITE_5M] = "cache_creation_input_token_cost",
	[LC_R_CACHE_WRITE_1H] = "cache_creation_input_token_cost_above_1hr",
	[LC_R_OUTPUT] = "output_cost_per_token",
	[LC_R_REASONING] = "output_cost_per_reasoning_token",
};

/* Largest N accepted in "_above_<N>k_tokens". */
#define LC_TIER_K_MAX 999999999LL

/* What one entry's fields say about long-context tiers. */
struct lc_tier_scan {
	int64_t chosen_k;	/* the tier kept, in thousands; -1 if none */
	int64_t min_input_k;	/* smallest tier with an input rate */
	int64_t min_any_k;	/* smallest tier of any rate */
};

/* The loading of one table: where it goes and the entry at hand. */
struct lc_litellm {
	llmcost_prices *p;
	lc_map *seen;		/* lowercase keys met in this load */
	int64_t valid_from_ms;
	const char *key;
	const cJSON *entry;
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


/* Reads one rate field into rates[id]; a rate that cannot be used is
 * skipped with a diagnostic.  Only LLMCOST_E_NOMEM is returned as an
 * error. */
static int lc_read_rate(struct lc_litellm *ld, const cJSON *item,
			lc_rates *rates, int id)
{
	const char *field = item->string;
	const char *text = lc_json_number(item);
	lc_i128 v;
	int rc;

	if (text == NULL)
		return lc_diag(ld, field, lc_json_string(item) != NULL ?
			       "rate is a string, not a number; skipped" :
			       "rate is not a number; skipped");
	rc = lc_decimal_parse(text, strlen(text), LLMCOST_MONEY_DIGITS, &v);
	if (rc == LLMCOST_E_INEXACT)
		return lc_diag(ld, field, "rate %.60s is finer than 10^-18 "
			       "USD; skipped", text);
	if (rc != LLMCOST_OK)
		return lc_diag(ld, field, "rate %.60s is out of range; "
			       "skipped", text);
	if (v < 0)
		return lc_diag(ld, field, "rate %.60s is negative; skipped",
			       text);
	lc_rate_set(rates, id, v);
	return LLMCOST_OK;
}


/* Matches "<rate field>_above_<N>k_tokens"; returns the rate id and sets
 * *k to N, or returns -1. */
static int lc_tier_field(const char *name, int64_t *k)
{
	size_t len = strlen(name), i;
	int id;

	for (id = 0; id < LC_R_COUNT; id++) {
		const char *base = lc_litellm_fields[id];
		size_t blen = strlen(base), at = blen + 7;
		int64_t n = 0;

		if (len < at + 9 || strncmp(name, base, blen) != 0 ||
		    strncmp(name + blen, "_above_", 7) != 0 ||
		    strcmp(name + len - 8, "k_tokens") != 0)
			continue;
		for (i = at; i < len - 8; i++) {
			if (name[i] < '0' || name[i] > '9' || n > LC_TIER_K_MAX)
				break;
			n = n * 10 + (name[i] - '0');
		}
		if (i != len - 8 || n > LC_TIER_K_MAX)
			continue;
		*k = n;
		return id;
	}
	return -1;
}


static void lc_scan_tiers(const cJSON *entry, struct lc_tier_scan *ts)
{
	const cJSON *it;
	int64_t k;
	int id;

	ts->chosen_k = ts->min_input_k = ts->min_any_k = -1;
	for (it = entry->child; it != NULL; it = it->next) {
		id = lc_tier_field(it->string, &k);
		if (id < 0 || k == 0)
			continue;
		if (ts->min_any_k < 0 || k < ts->min_any_k)
			ts->min_any_k = k;
		if (id == LC_R_INPUT &&
		    (ts->min_input_k < 0 || k < ts->min_input_k))
			ts->min_input_k = k;
	}
	ts->chosen_k = ts->min_input_k >= 0 ? ts->min_input_k : ts->min_any_k;
}


/* Reads the fields of the chosen tier; diagnoses the others. */
static int lc_read_tier(struct lc_litellm *ld, lc_price_version *v)
{
	struct lc_tier_scan ts;
	const cJSON *it;
	int64_t k;
	int id, rc = LLMCOST_OK;

	lc_scan_tiers(ld->entry, &ts);
	for (it = ld->entry->child; it != NULL && rc == LLMCOST_OK;
	     it = it->next) {
		id = lc_tier_field(it->string, &k);
		if (id < 0)
			continue;
		if (k == 0)
			rc = lc_diag(ld, it->string, "a tier above 0 tokens "
				     "is not a tier; ignored");
		else if (k != ts.chosen_k)
			rc = lc_diag(ld, it->string, "ignored: only one "
				     "long-context tier is kept (above "
				     "%lldk tokens)", (long long)ts.chosen_k);
		else
			rc = lc_read_rate(ld, it, &v->tier, id);
	}
	v->has_tier = v->tier.present != 0;
	v->above = ts.chosen_k * 1000;
	return rc;
}


static int lc_read_rates(struct lc_litellm *ld, lc_price_version *v)
{
	const cJSON *it;
	int id, rc;

	for (id = 0; id < LC_R_COUNT; id++) {
		it = cJSON_GetObjectItemCaseSensitive(ld->entry,
						      lc_litellm_fields[id]);
		if (it == NULL)
			continue;
		rc = lc_read_rate(ld, it, &v->base, id);
		if (rc != LLMCOST_OK)
			return rc;
	}
	return lc_read_tier(ld, v);
}


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
			  const char *provider, const lc_price_version *v)
{
	uint32_t entry;
	int rc;

	rc = lc_check_repeat(ld, len);
	if (rc == LLMCOST_OK)
		rc = lc_prices_add_model(ld->p, ld->key, len, provider,
					 &entry);
	if (rc == LLMCOST_OK)
		rc = lc_prices_add_version(ld->p, entry, v);
	if (rc == LLMCOST_OK)
		rc = lc_check_write_1h(ld, provider, &v->base);
	return rc;
}


static int lc_load_entry(struct lc_litellm *ld)
{
	size_t len = strlen(ld->key);
	lc_price_version v;
	const char *provider;
	int rc;

	if (strcmp(ld->key, "sample_spec") == 0)
		return LLMCOST_OK;
	if (len == 0 || len > LC_KEY_MAX)
		return lc_diag(ld, "", "key is empty or longer than %d "
			       "bytes; skipped", LC_KEY_MAX);
	if (!cJSON_IsObject(ld->entry))
		return lc_diag(ld, "", "entry is not an object; skipped");
	memset(&v, 0, sizeof(v));
	v.valid_from_ms = ld->valid_from_ms;
	rc = lc_read_rates(ld, &v);
	if (rc != LLMCOST_OK)
		return rc;
	provider = lc_read_provider(ld, &rc);
	if (rc != LLMCOST_OK)
		return rc;
	if (v.base.present == 0 && provider == NULL)
		return lc_diag(ld, "", "no per-token rate and no "
			       "litellm_provider; skipped");
	return lc_store_entry(ld, len, provider, &v);
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
	struct lc_litellm ld;
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
	memset(&ld, 0, sizeof(ld));
	ld.p = prices;
	ld.valid_from_ms = valid_from_ms;
	ld.seen = lc_map_new();
	rc = ld.seen == NULL ? lc_error(LLMCOST_E_NOMEM, "out of memory")
			     : lc_load_root(&ld, root);
	lc_map_free(ld.seen);
	lc_json_free(root);
	return rc;
}


LLMCOST_API int llmcost_prices_load_litellm_file(llmcost_prices *prices,
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
	rc = llmcost_prices_load_litellm(prices, text, len, valid_from_ms);
	lc_free(text);
	return rc;
}
