/* The LiteLLM price table loader, on a small fixture and on the two
 * public snapshots in the shared data directory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "internal.h"

#define FIXTURE LLMCOST_FIXTURES "/prices/mini_litellm.json"
#define NEW_TABLE LLMCOST_SHARED_DATA "/pricing/litellm_model_prices.json"
#define OLD_TABLE \
	LLMCOST_SHARED_DATA "/pricing/litellm_model_prices_2025-05-31.json"

static int64_t ms(const char *when)
{
	int64_t v;

	cr_assert_eq(lc_time_parse(when, strlen(when), &v), LLMCOST_OK);
	return v;
}

static llmcost_prices *load(const char *path, int64_t valid_from)
{
	llmcost_prices *p;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, path, valid_from),
		     LLMCOST_OK, "%s: %s", path, llmcost_last_error());
	return p;
}

static void need_shared(const char *path)
{
	if (access(path, R_OK) != 0)
		cr_skip_test("shared data not found: %s", path);
}

static int price(const llmcost_prices *p, const char *model, int64_t in,
		 int64_t out, int64_t when, llmcost_cost *c)
{
	llmcost_record r;

	llmcost_record_init(&r);
	r.model = model;
	r.input_tokens = in;
	r.output_tokens = out;
	r.timestamp_ms = when;
	llmcost_cost_init(c);
	return llmcost_price(p, &r, c);
}

static void expect_units(llmcost_money m, const char *want)
{
	char buf[64];

	cr_assert_geq(lc_i128_format(lc_money_to_i128(m), buf, sizeof(buf)),
		      0);
	cr_assert_str_eq(buf, want);
}

/* Whether some diagnostic has this key, field and message fragment. */
static int has_diag(const llmcost_prices *p, const char *key,
		    const char *field, const char *words)
{
	const char *k, *f, *m;
	size_t i;

	for (i = 0; i < llmcost_prices_diag_count(p); i++) {
		cr_assert_eq(llmcost_prices_diag(p, i, &k, &f, &m),
			     LLMCOST_OK);
		if (strcmp(k, key) == 0 && strcmp(f, field) == 0 &&
		    strstr(m, words) != NULL)
			return 1;
	}
	return 0;
}

Test(litellm, fixture_loads_usable_entries_and_lists_the_rest)
{
	llmcost_prices *p = load(FIXTURE, LLMCOST_TIME_UNKNOWN);
	const char *in = "input_cost_per_token";

	/* 17 entries: sample_spec, m-orphan and m-notobj are not loaded;
	 * M-Case and m-case are one key. */
	cr_assert_eq(llmcost_prices_count(p), 12);
	cr_assert_eq(llmcost_prices_diag_count(p), 8);
	cr_assert(has_diag(p, "m-string", in, "string"));
	cr_assert(has_diag(p, "m-negative", in, "negative"));
	cr_assert(has_diag(p, "m-inexact", in, "finer than 10^-18"));
	cr_assert(has_diag(p, "m-null", in, "not a number"));
	cr_assert(has_diag(p, "m-orphan", "", "no per-token rate"));
	cr_assert(has_diag(p, "m-notobj", "", "not an object"));
	cr_assert(has_diag(p, "claude-bad-1h",
			   "cache_creation_input_token_cost_above_1hr",
			   "not 2x"));
	cr_assert(has_diag(p, "m-case", "", "same key as 'M-Case'"));
	llmcost_prices_free(p);
}

Test(litellm, skipped_rate_leaves_the_rest_of_the_entry)
{
	llmcost_prices *p = load(FIXTURE, LLMCOST_TIME_UNKNOWN);
	llmcost_cost c;

	cr_assert_eq(price(p, "m-string", 0, 10, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK, "%s", c.note);
	expect_units(c.total, "10000000000000");
	cr_assert_eq(price(p, "m-string", 10, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_E_NORATE);
	cr_assert(strstr(c.note, "no input rate") != NULL, "%s", c.note);
	cr_assert_eq(price(p, "m-inexact", 1, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_E_NORATE);
	llmcost_prices_free(p);
}

Test(litellm, entry_without_token_rates_gives_norate)
{
	llmcost_prices *p = load(FIXTURE, LLMCOST_TIME_UNKNOWN);
	llmcost_cost c;

	cr_assert_eq(price(p, "m-image-only", 5, 0, LLMCOST_TIME_UNKNOWN,
			   &c), LLMCOST_E_NORATE);
	cr_assert_str_eq(c.price_key, "m-image-only");
	cr_assert_eq(price(p, "sample_spec", 5, 0, LLMCOST_TIME_UNKNOWN,
			   &c), LLMCOST_E_UNPRICED);
	cr_assert_eq(price(p, "m-orphan", 5, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_E_UNPRICED);
	llmcost_prices_free(p);
}

Test(litellm, every_tier_is_kept_and_the_highest_reached_applies)
{
	llmcost_prices *p = load(FIXTURE, LLMCOST_TIME_UNKNOWN);
	llmcost_cost c;

	/* 128000 tokens: base 1.25e-6; 128001: tier 2.5e-6 in, 2e-5 out */
	cr_assert_eq(price(p, "m-tiers", 128000, 0, LLMCOST_TIME_UNKNOWN,
			   &c), LLMCOST_OK);
	expect_units(c.total, "160000000000000000");
	cr_assert_eq(c.flags, 0);
	cr_assert_eq(price(p, "m-tiers", 128001, 10, LLMCOST_TIME_UNKNOWN,
			   &c), LLMCOST_OK);
	expect_units(c.total, "320202500000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT);
	cr_assert_eq(c.long_context_threshold, 128000);
	/* 200000 is still the 128k tier: 200000 * 2.5e-6 = 0.5 */
	cr_assert_eq(price(p, "m-tiers", 200000, 0, LLMCOST_TIME_UNKNOWN,
			   &c), LLMCOST_OK);
	expect_units(c.total, "500000000000000000");
	cr_assert_eq(c.long_context_threshold, 128000);
	/* 200001: the 200k tier, 200001 * 5e-6 + 10 * 3e-5 */
	cr_assert_eq(price(p, "m-tiers", 200001, 10, LLMCOST_TIME_UNKNOWN,
			   &c), LLMCOST_OK);
	expect_units(c.total, "1000305000000000000");
	cr_assert_eq(c.long_context_threshold, 200000);
	llmcost_prices_free(p);
}

Test(litellm, anthropic_tier_moves_every_cache_rate_with_input)
{
	llmcost_prices *p = load(FIXTURE, LLMCOST_TIME_UNKNOWN);
	llmcost_record r;
	llmcost_cost c;

	llmcost_record_init(&r);
	r.model = "m-anthropic";
	r.input_tokens = 200001;
	r.cached_tokens = 1000;
	r.cache_write_tokens = 1000;
	r.cache_write_1h_tokens = 1000;
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 197001 * 6e-6, 1000 * 6e-7, 1000 * 7.5e-6; the table has no 1h
	 * rate for the tier, so the base 6e-6 moves with input (3e-6 to
	 * 6e-6): 12e-6, which is Anthropic's 2x the tier's input rate. */
	expect_units(c.component[LLMCOST_C_INPUT], "1182006000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_READ], "600000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_WRITE_5M],
		     "7500000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_WRITE_1H],
		     "12000000000000000");
	expect_units(c.total, "1202106000000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT);
	cr_assert(strstr(c.note, "no cache_write_1h rate: base rate scaled "
			 "like the input rate") != NULL, "%s", c.note);
	llmcost_prices_free(p);
}

Test(litellm, reasoning_rate_and_free_entries)
{
	llmcost_prices *p = load(FIXTURE, LLMCOST_TIME_UNKNOWN);
	llmcost_record r;
	llmcost_cost c;

	llmcost_record_init(&r);
	r.model = "m-reasoning";
	r.output_tokens = 100;
	r.reasoning_tokens = 60;
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	/* 40 * 4e-6 + 60 * 3.5e-6 */
	expect_units(c.total, "370000000000000");
	cr_assert_eq(price(p, "m-zero", 1000, 1000, LLMCOST_TIME_UNKNOWN,
			   &c), LLMCOST_OK);
	expect_units(c.total, "0");
	llmcost_prices_free(p);
}

Test(litellm, later_entry_differing_in_case_replaces_the_earlier)
{
	llmcost_prices *p = load(FIXTURE, LLMCOST_TIME_UNKNOWN);
	llmcost_cost c;

	cr_assert_eq(price(p, "m-case", 1, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "2000000000000");
	cr_assert_str_eq(c.price_key, "M-Case");
	llmcost_prices_free(p);
}

Test(litellm, repeated_key_refuses_the_table)
{
	/* Which of two prices for one key is meant cannot be known, and
	 * JSON tools disagree on which wins: the table is refused whole. */
	static const char json[] =
		"{\"m\": {\"input_cost_per_token\": 1e-06,"
		" \"litellm_provider\": \"x\"},"
		" \"m\": {\"input_cost_per_token\": 4e-06,"
		" \"litellm_provider\": \"x\"}}";
	llmcost_prices *p;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm(p, json, strlen(json),
						 LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "duplicate key 'm'") != NULL,
		  "%s", llmcost_last_error());
	cr_assert_eq(llmcost_prices_count(p), 0);
	llmcost_prices_free(p);
}

Test(litellm, text_that_is_not_an_object_fails)
{
	llmcost_prices *p;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm(p, "[1,2]", 5,
						 LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_prices_load_litellm(p, "{\"a\":", 5,
						 LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_prices_load_litellm(p, "", 0,
						 LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_prices_load_litellm(NULL, "{}", 2,
						 LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_load_litellm(p, "{}", 2,
						 LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, "/nonexistent/x",
						      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_IO);
	cr_assert_eq(llmcost_prices_count(p), 0);
	llmcost_prices_free(p);
}

Test(litellm, odd_tier_names_are_not_tiers)
{
	static const char json[] =
		"{\"m\": {\"input_cost_per_token\": 1e-06,"
		" \"output_cost_per_token\": 1e-06,"
		" \"litellm_provider\": \"x\","
		" \"input_cost_per_token_above_0k_tokens\": 9e-06,"
		" \"input_cost_per_token_above_k_tokens\": 9e-06,"
		" \"input_cost_per_token_above_12x_tokens\": 9e-06,"
		" \"input_cost_per_video_per_second_above_128k_tokens\": 1}}";
	llmcost_prices *p;
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm(p, json, strlen(json),
						 LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_prices_diag_count(p), 1);
	cr_assert(has_diag(p, "m", "input_cost_per_token_above_0k_tokens",
			   "not a tier"));
	cr_assert_eq(price(p, "m", 5000000, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	cr_assert_eq(c.flags, 0);
	expect_units(c.total, "5000000000000000000");
	llmcost_prices_free(p);
}

Test(litellm, later_snapshot_adds_a_version_with_its_date)
{
	static const char v1[] = "{\"m\": {\"input_cost_per_token\": 1e-06,"
				 " \"litellm_provider\": \"x\"}}";
	static const char v2[] = "{\"m\": {\"input_cost_per_token\": 2e-06,"
				 " \"litellm_provider\": \"x\"}}";
	llmcost_prices *p;
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm(p, v2, strlen(v2),
						 ms("2025-03-01")),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm(p, v1, strlen(v1),
						 ms("2025-01-01")),
		     LLMCOST_OK);
	cr_assert_eq(price(p, "m", 1, 0, ms("2025-02-01"), &c), LLMCOST_OK);
	expect_units(c.total, "1000000000000");
	cr_assert_eq(price(p, "m", 1, 0, ms("2025-03-01"), &c), LLMCOST_OK);
	expect_units(c.total, "2000000000000");
	/* The same date again replaces that version. */
	cr_assert_eq(llmcost_prices_load_litellm(p, v1, strlen(v1),
						 ms("2025-03-01")),
		     LLMCOST_OK);
	cr_assert_eq(price(p, "m", 1, 0, ms("2025-04-01"), &c), LLMCOST_OK);
	expect_units(c.total, "1000000000000");
	cr_assert_eq(llmcost_prices_count(p), 1);
	llmcost_prices_free(p);
}

Test(litellm, load_file_chooses_json_by_its_first_byte)
{
	llmcost_prices *p;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_file(p, FIXTURE,
					      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(llmcost_prices_count(p), 12);
	llmcost_prices_free(p);
}

/* ---- the public snapshots ---------------------------------------------- */

static int count_inexact_diags(const llmcost_prices *p)
{
	const char *k, *f, *m;
	size_t i;
	int n = 0;

	for (i = 0; i < llmcost_prices_diag_count(p); i++) {
		llmcost_prices_diag(p, i, &k, &f, &m);
		n += strstr(m, "finer than") != NULL;
	}
	return n;
}

static int count_case_repeats(const llmcost_prices *p)
{
	const char *k, *f, *m;
	size_t i;
	int n = 0;

	for (i = 0; i < llmcost_prices_diag_count(p); i++) {
		llmcost_prices_diag(p, i, &k, &f, &m);
		n += strstr(m, "apart from case") != NULL;
	}
	return n;
}

/* Whether a field name is a per-token rate: "..._cost_per_token...",
 * "..._token_cost..." (cache rates), and their tier variants. */
static int per_token_field(const char *name)
{
	return strstr(name, "cost_per_token") != NULL ||
	       strstr(name, "token_cost") != NULL;
}

/* Reads every per-token rate of a table independently of the loader and
 * counts those that are not exact at 10^-18 USD. */
static int inexact_rates_in(const char *path, int *checked)
{
	FILE *f = fopen(path, "rb");
	static char text[2 << 20];
	const cJSON *m, *it;
	cJSON *root;
	char err[128];
	size_t len;
	lc_i128 v;
	int bad = 0;

	cr_assert_not_null(f);
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	cr_assert_lt(len, sizeof(text));
	root = lc_json_parse(text, len, err, sizeof(err));
	cr_assert_not_null(root, "%s", err);
	*checked = 0;
	for (m = root->child; m != NULL; m = m->next) {
		for (it = m->child; it != NULL; it = it->next) {
			const char *num = lc_json_number(it);

			if (num == NULL || !per_token_field(it->string))
				continue;
			(*checked)++;
			if (lc_decimal_parse(num, strlen(num), 18, &v) !=
			    LLMCOST_OK)
				bad++;
		}
	}
	lc_json_free(root);
	return bad;
}

Test(litellm_shared, every_per_token_rate_is_exact)
{
	int checked_new, checked_old;

	need_shared(NEW_TABLE);
	need_shared(OLD_TABLE);
	cr_assert_eq(inexact_rates_in(NEW_TABLE, &checked_new), 0);
	cr_assert_eq(inexact_rates_in(OLD_TABLE, &checked_old), 0);
	/* Enough fields were looked at for the check to mean something. */
	cr_assert_gt(checked_new, 3000);
	cr_assert_gt(checked_old, 1500);
}

Test(litellm_shared, newer_table_loads_every_model)
{
	llmcost_prices *p;
	llmcost_cost c;

	need_shared(NEW_TABLE);
	p = load(NEW_TABLE, LLMCOST_TIME_UNKNOWN);
	/* 1803 models; two keys differ only in case and share a slot. */
	cr_assert_eq(count_case_repeats(p), 1);
	cr_assert(has_diag(p, "together_ai/BAAI/bge-base-en-v1.5", "",
			   "apart from case"));
	cr_assert_eq(llmcost_prices_count(p) + 1, 1803);
	cr_assert_eq(count_inexact_diags(p), 0);
	/* The rest are Anthropic 1h write rates that are not 2x input, and
	 * two search APIs priced by result count, not by tokens. */
	cr_assert_eq(llmcost_prices_diag_count(p), 8);
	cr_assert(has_diag(p, "firecrawl/search", "tiered_pricing",
			   "not token ranges"));
	cr_assert(has_diag(p, "claude-3-haiku-20240307",
			   "cache_creation_input_token_cost_above_1hr",
			   "not 2x"));
	cr_assert_eq(price(p, "o3", 1, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "2000000000000");
	cr_assert_eq(price(p, "claude-3-7-sonnet-20250219", 6187, 677,
			   LLMCOST_TIME_UNKNOWN, &c), LLMCOST_OK);
	expect_units(c.total, "28716000000000000");
	llmcost_prices_free(p);
}

Test(litellm_shared, older_table_loads_every_model)
{
	llmcost_prices *p;
	llmcost_cost c;

	need_shared(OLD_TABLE);
	p = load(OLD_TABLE, LLMCOST_TIME_UNKNOWN);
	cr_assert_eq(llmcost_prices_count(p), 1047);
	cr_assert_eq(llmcost_prices_diag_count(p), 0);
	cr_assert_eq(price(p, "o3", 1, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "10000000000000");
	llmcost_prices_free(p);
}

Test(litellm_shared, both_snapshots_price_o3_by_request_date)
{
	llmcost_prices *p;
	llmcost_cost c;

	need_shared(NEW_TABLE);
	need_shared(OLD_TABLE);
	p = load(OLD_TABLE, ms("2025-05-31"));
	cr_assert_eq(llmcost_prices_load_litellm_file(p, NEW_TABLE,
						      ms("2025-11-21")),
		     LLMCOST_OK);
	/* Before the newer snapshot's date: the old price, 10e-6 + 40e-6
	 * per token. */
	cr_assert_eq(price(p, "o3", 1000, 1000, ms("2025-06-15T12:00:00Z"),
			   &c), LLMCOST_OK);
	expect_units(c.total, "50000000000000000");
	cr_assert_eq(c.price_valid_from_ms, ms("2025-05-31"));
	cr_assert_eq(c.flags, 0);
	/* After it: 2e-6 + 8e-6. */
	cr_assert_eq(price(p, "o3", 1000, 1000, ms("2025-11-22T00:00:00Z"),
			   &c), LLMCOST_OK);
	expect_units(c.total, "10000000000000000");
	cr_assert_eq(c.price_valid_from_ms, ms("2025-11-21"));
	/* Unknown time: the latest. */
	cr_assert_eq(price(p, "o3", 1000, 1000, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "10000000000000000");
	/* Before either: the oldest, marked approximate. */
	cr_assert_eq(price(p, "o3", 1000, 1000, ms("2025-01-01"), &c),
		     LLMCOST_OK);
	expect_units(c.total, "50000000000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_APPROXIMATE);
	llmcost_prices_free(p);
}
