/* Pricing one request: buckets, fallbacks, tiers, resolution, dates. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "internal.h"

/* Rates are USD per million tokens; 1 USD/M is 10^12 units per token. */
static const char book_text[] =
	"format 1\n"
	"model claude-3-7-sonnet-20250219 provider=anthropic\n"
	"alias claude-3-7-sonnet-latest\n"
	"price 2025-02-19 input=3 output=15 cache_read=0.30 "
	"cache_write_5m=3.75 cache_write_1h=6\n"
	"model claude-no-1h provider=anthropic\n"
	"price always input=3 output=15 cache_read=0.30 cache_write_5m=3.75\n"
	"model plain-model provider=acme\n"
	"price always input=1 output=2\n"
	"model openai/special provider=openai\n"
	"price always input=10 output=20\n"
	"model gpt-4o provider=openai\n"
	"price 2024-05-13 input=5 output=15\n"
	"price 2024-10-01 input=2.50 output=10 cache_read=1.25\n"
	"model o-reason provider=openai\n"
	"price always input=2 output=8 reasoning=4\n"
	"model tiered provider=google\n"
	"price always input=1.25 output=10 cache_read=0.3125 above=200000 "
	"input_above=2.50 output_above=15\n"
	"model huge provider=acme\n"
	"price always input=1e26 output=1\n";

static llmcost_prices *prices;

static void setup(void)
{
	cr_assert_eq(llmcost_prices_new(&prices), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_book(prices, book_text,
					      strlen(book_text)),
		     LLMCOST_OK, "%s", llmcost_last_error());
}

static void teardown(void)
{
	llmcost_prices_free(prices);
	prices = NULL;
}

static int64_t ms(const char *when)
{
	int64_t v;

	cr_assert_eq(lc_time_parse(when, strlen(when), &v), LLMCOST_OK);
	return v;
}

static llmcost_record rec(const char *model, int64_t in, int64_t out)
{
	llmcost_record r;

	llmcost_record_init(&r);
	r.model = model;
	r.input_tokens = in;
	r.output_tokens = out;
	return r;
}

static int price(const llmcost_record *r, llmcost_cost *c)
{
	llmcost_cost_init(c);
	return llmcost_price(prices, r, c);
}

/* Asserts an amount in units of 10^-18 USD, given as decimal text. */
static void expect_units(llmcost_money m, const char *want)
{
	char buf[64];

	cr_assert_geq(lc_i128_format(lc_money_to_i128(m), buf, sizeof(buf)),
		      0);
	cr_assert_str_eq(buf, want);
}

TestSuite(prices, .init = setup, .fini = teardown);

Test(prices, claude_input_and_output_worked_by_hand)
{
	/* 6187 * 3e-6 = 0.018561; 677 * 15e-6 = 0.010155; sum 0.028716. */
	llmcost_record r = rec("claude-3-7-sonnet-20250219", 6187, 677);
	llmcost_cost c;
	char usd[LLMCOST_MONEY_STRLEN];

	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_eq(c.status, LLMCOST_OK);
	expect_units(c.total, "28716000000000000");
	expect_units(c.component[LLMCOST_C_INPUT], "18561000000000000");
	expect_units(c.component[LLMCOST_C_OUTPUT], "10155000000000000");
	cr_assert_gt(llmcost_money_format(c.total, usd, sizeof(usd)), 0);
	cr_assert_str_eq(usd, "0.028716");
	cr_assert_eq(c.rule, LLMCOST_RULE_EXACT);
	cr_assert_str_eq(c.price_key, "claude-3-7-sonnet-20250219");
	cr_assert_eq(c.price_valid_from_ms, ms("2025-02-19"));
	cr_assert_eq(c.flags, 0);
	cr_assert_str_eq(c.note, "");
}

Test(prices, anthropic_cache_read_and_both_cache_writes)
{
	/* input 1000 = 100 uncached + 600 read + 200 5m + 100 1h. */
	llmcost_record r = rec("claude-3-7-sonnet-latest", 1000, 50);
	llmcost_cost c;

	r.cached_tokens = 600;
	r.cache_write_tokens = 200;
	r.cache_write_1h_tokens = 100;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_units(c.component[LLMCOST_C_INPUT], "300000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_READ], "180000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_WRITE_5M],
		     "750000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_WRITE_1H],
		     "600000000000000");
	expect_units(c.component[LLMCOST_C_OUTPUT], "750000000000000");
	expect_units(c.component[LLMCOST_C_REASONING], "0");
	expect_units(c.total, "2580000000000000");
	cr_assert_eq(c.flags, 0);
	/* An alias prices as its model and names the model's key. */
	cr_assert_str_eq(c.price_key, "claude-3-7-sonnet-20250219");
}

Test(prices, one_hour_writes_fall_back_to_twice_input_for_anthropic)
{
	llmcost_record r = rec("claude-no-1h", 100, 0);
	llmcost_cost c;

	r.cache_write_1h_tokens = 100;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 100 * 2 * 3e-6 = 0.0006, never the 5m rate (0.000375). */
	expect_units(c.component[LLMCOST_C_CACHE_WRITE_1H],
		     "600000000000000");
	expect_units(c.total, "600000000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_FALLBACK);
	cr_assert(strstr(c.note, "2x") != NULL, "%s", c.note);
}

Test(prices, one_hour_writes_without_a_rate_elsewhere_are_norate)
{
	llmcost_record r = rec("plain-model", 100, 10);
	llmcost_cost c;

	r.cache_write_1h_tokens = 40;
	cr_assert_eq(price(&r, &c), LLMCOST_E_NORATE);
	cr_assert_eq(c.status, LLMCOST_E_NORATE);
	cr_assert(strstr(c.note, "cache_write_1h") != NULL, "%s", c.note);
	expect_units(c.total, "0");
	expect_units(c.component[LLMCOST_C_INPUT], "0");
	cr_assert_str_eq(c.price_key, "plain-model");
}

Test(prices, cache_reads_and_5m_writes_without_rates_cost_input)
{
	llmcost_record r = rec("plain-model", 1000, 0);
	llmcost_cost c;

	r.cached_tokens = 300;
	r.cache_write_tokens = 200;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_units(c.component[LLMCOST_C_INPUT], "500000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_READ], "300000000000000");
	expect_units(c.component[LLMCOST_C_CACHE_WRITE_5M],
		     "200000000000000");
	expect_units(c.total, "1000000000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_FALLBACK);
	cr_assert(strstr(c.note, "cache_read") != NULL, "%s", c.note);
	cr_assert(strstr(c.note, "cache_write_5m") != NULL, "%s", c.note);
}

Test(prices, reasoning_is_part_of_output_at_its_own_rate)
{
	/* 600 text * 8e-6 + 400 reasoning * 4e-6 = 0.0048 + 0.0016. */
	llmcost_record r = rec("o-reason", 0, 1000);
	llmcost_cost c;

	r.reasoning_tokens = 400;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_units(c.component[LLMCOST_C_OUTPUT], "4800000000000000");
	expect_units(c.component[LLMCOST_C_REASONING], "1600000000000000");
	expect_units(c.total, "6400000000000000");
}

Test(prices, reasoning_without_its_own_rate_is_billed_as_output)
{
	/* Neither dropped nor added on top: 1000 output tokens in all. */
	llmcost_record r = rec("plain-model", 0, 1000);
	llmcost_cost c;

	r.reasoning_tokens = 400;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_units(c.component[LLMCOST_C_OUTPUT], "1200000000000000");
	expect_units(c.component[LLMCOST_C_REASONING], "800000000000000");
	expect_units(c.total, "2000000000000000");
	cr_assert_eq(c.flags, 0, "the documented rule is not a fallback");
}

Test(prices, cache_parts_larger_than_input_are_rejected)
{
	llmcost_record r = rec("plain-model", 100, 0);
	llmcost_cost c;

	r.cached_tokens = 80;
	r.cache_write_tokens = 30;
	cr_assert_eq(price(&r, &c), LLMCOST_E_PARTS);
	cr_assert_eq(c.status, LLMCOST_E_PARTS);
	cr_assert(strstr(c.note, "80") && strstr(c.note, "30") &&
		  strstr(c.note, "100"), "%s", c.note);
	expect_units(c.total, "0");
}

Test(prices, reasoning_larger_than_output_is_rejected)
{
	llmcost_record r = rec("plain-model", 0, 10);
	llmcost_cost c;

	r.reasoning_tokens = 11;
	cr_assert_eq(price(&r, &c), LLMCOST_E_PARTS);
	cr_assert(strstr(c.note, "reasoning_tokens") != NULL, "%s", c.note);
}

Test(prices, negative_counts_are_rejected_not_clamped)
{
	llmcost_record r = rec("plain-model", 10, -3);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_E_NEGATIVE);
	cr_assert(strstr(c.note, "output_tokens") != NULL, "%s", c.note);
	expect_units(c.total, "0");
}

Test(prices, unknown_model_is_unpriced_never_zero)
{
	llmcost_record r = rec("gpt-17-ultra", 10, 10);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_E_UNPRICED);
	cr_assert_eq(c.status, LLMCOST_E_UNPRICED);
	cr_assert(strstr(c.note, "'gpt-17-ultra'") != NULL, "%s", c.note);
	cr_assert_eq(c.rule, LLMCOST_RULE_NONE);
	cr_assert_null(c.price_key);
	cr_assert(strstr(llmcost_last_error(), "gpt-17-ultra") != NULL);
}

Test(prices, missing_or_empty_model_is_unpriced)
{
	llmcost_record r = rec(NULL, 10, 10);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_E_UNPRICED);
	cr_assert_str_eq(c.note, "no model");
	r.model = "";
	cr_assert_eq(price(&r, &c), LLMCOST_E_UNPRICED);
	cr_assert_str_eq(c.note, "no model");
}

Test(prices, overlong_model_name_is_unpriced_with_a_note)
{
	char name[400];
	llmcost_record r;
	llmcost_cost c;

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	r = rec(name, 1, 1);
	cr_assert_eq(price(&r, &c), LLMCOST_E_UNPRICED);
	cr_assert(strstr(c.note, "longer than 256") != NULL, "%s", c.note);
}

Test(prices, exact_match_ignores_case)
{
	llmcost_record r = rec("CLAUDE-3-7-Sonnet-20250219", 1, 0);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_eq(c.rule, LLMCOST_RULE_EXACT);
	cr_assert_str_eq(c.price_key, "claude-3-7-sonnet-20250219");
	expect_units(c.total, "3000000000000");
}

Test(prices, provider_field_is_added_as_a_prefix)
{
	llmcost_record r = rec("special", 1, 1);
	llmcost_cost c;

	r.provider = "OpenAI";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_eq(c.rule, LLMCOST_RULE_ADD_PROVIDER);
	cr_assert_str_eq(c.price_key, "openai/special");
	expect_units(c.total, "30000000000000");

	r.provider = NULL;
	cr_assert_eq(price(&r, &c), LLMCOST_E_UNPRICED);
}

Test(prices, known_maker_prefixes_are_stripped)
{
	const char *names[] = {"openai/gpt-4o", "OpenAI/GPT-4o",
			       "anthropic/claude-3-7-sonnet-latest"};
	llmcost_record r;
	llmcost_cost c;
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(names); i++) {
		r = rec(names[i], 1, 0);
		cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s: %s", names[i],
			     c.note);
		cr_assert_eq(c.rule, LLMCOST_RULE_STRIP_PROVIDER, "%s",
			     names[i]);
	}
	cr_assert_str_eq(c.price_key, "claude-3-7-sonnet-20250219");
}

Test(prices, hosts_prefixes_substrings_and_snapshots_never_match)
{
	const char *names[] = {"azure/gpt-4o", "openrouter/gpt-4o",
			       "bedrock/gpt-4o", "gpt-4o-mini", "gpt-4o-",
			       "gpt-4", "openai/", "openai/openai/gpt-4o",
			       "/gpt-4o", "vertex_ai/gpt-4o", "ft:gpt-4o",
			       "ft:gpt-4o:acme::x1", "gpt-4o-2024-13-01"};
	llmcost_record r;
	llmcost_cost c;
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(names); i++) {
		r = rec(names[i], 1, 0);
		cr_assert_eq(price(&r, &c), LLMCOST_E_UNPRICED, "%s",
			     names[i]);
	}
}

Test(prices, exact_key_wins_over_provider_rules)
{
	llmcost_record r = rec("openai/special", 1, 0);
	llmcost_cost c;

	r.provider = "openai";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_eq(c.rule, LLMCOST_RULE_EXACT);
}

Test(prices, request_time_picks_the_price_in_force)
{
	llmcost_record r = rec("gpt-4o", 1000, 0);
	llmcost_cost c;

	r.timestamp_ms = ms("2024-09-30T23:59:59Z");
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "5000000000000000");
	cr_assert_eq(c.price_valid_from_ms, ms("2024-05-13"));

	r.timestamp_ms = ms("2024-10-01T00:00:00Z");
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "2500000000000000");
	cr_assert_eq(c.price_valid_from_ms, ms("2024-10-01"));

	r.timestamp_ms = LLMCOST_TIME_UNKNOWN;
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "2500000000000000");
	cr_assert_eq(c.flags, 0);
}

Test(prices, request_before_the_first_price_is_approximate)
{
	llmcost_record r = rec("gpt-4o", 1000, 0);
	llmcost_cost c;

	r.timestamp_ms = ms("2024-01-01");
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "5000000000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_APPROXIMATE);
	cr_assert(strstr(c.note, "predates the first known price of gpt-4o")
		  != NULL, "%s", c.note);
}

Test(prices, undated_price_is_always_in_force)
{
	llmcost_record r = rec("plain-model", 1, 0);
	llmcost_cost c;

	r.timestamp_ms = ms("1999-01-01");
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	cr_assert_eq(c.flags, 0);
	cr_assert_eq(c.price_valid_from_ms, LLMCOST_TIME_UNKNOWN);
}

Test(prices, long_context_tier_applies_only_past_the_threshold)
{
	llmcost_record r;
	llmcost_cost c;

	/* N - 1: 199999 * 1.25e-6 + 1000 * 10e-6 */
	r = rec("tiered", 199999, 1000);
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "259998750000000000");
	cr_assert_eq(c.flags, 0);
	cr_assert_eq(c.long_context_threshold, 0);

	/* N: still the base rates */
	r = rec("tiered", 200000, 1000);
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "260000000000000000");
	cr_assert_eq(c.flags, 0);

	/* N + 1: every bucket at its tier rate: 200001 * 2.5e-6 + 1000 *
	 * 15e-6 */
	r = rec("tiered", 200001, 1000);
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.component[LLMCOST_C_INPUT], "500002500000000000");
	expect_units(c.component[LLMCOST_C_OUTPUT], "15000000000000000");
	expect_units(c.total, "515002500000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT);
	cr_assert_eq(c.long_context_threshold, 200000);
	cr_assert_str_eq(c.note, "");
}

Test(prices, tier_counts_cached_prompt_and_moves_cache_rate_with_input)
{
	/* 150000 uncached + 50001 cached: the prompt is past 200000. */
	llmcost_record r = rec("tiered", 200001, 0);
	llmcost_cost c;

	r.cached_tokens = 50001;
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.component[LLMCOST_C_INPUT], "375000000000000000");
	/* The tier has no cache_read rate; input doubles (1.25 to 2.50), so
	 * the cache read rate does too, as Google bills it: 50001 *
	 * 0.625e-6. */
	expect_units(c.component[LLMCOST_C_CACHE_READ], "31250625000000000");
	expect_units(c.total, "406250625000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT);
	cr_assert(strstr(c.note, "no cache_read rate: base rate scaled like "
			 "the input rate") != NULL, "%s", c.note);
}

Test(prices, tier_keeps_a_base_rate_it_cannot_scale_and_says_so)
{
	/* A tier that has an input rate but no output rate. */
	static const char book[] =
		"format 1\n"
		"model half-tier provider=acme\n"
		"price always input=1 output=4 above=1000 input_above=2\n";
	llmcost_record r = rec("half-tier", 1001, 10);
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_load_book(prices, book, strlen(book)),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	/* 1001 * 2e-6 + 10 * 4e-6 (base output kept) */
	expect_units(c.total, "2042000000000000");
	cr_assert(strstr(c.note, "no output rate: base rate used") != NULL,
		  "%s", c.note);
}

Test(prices, overflow_is_reported_not_wrapped)
{
	llmcost_record r = rec("huge", 2, 0);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_E_OVERFLOW);
	expect_units(c.total, "0");
	r = rec("huge", 1, 0);
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "100000000000000000000000000000000000000");
}

Test(prices, zero_tokens_cost_zero_on_any_entry)
{
	llmcost_record r = rec("claude-no-1h", 0, 0);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "0");
}

Test(prices, request_count_does_not_multiply_tokens)
{
	llmcost_record r = rec("plain-model", 1000, 0);
	llmcost_cost c;

	r.request_count = 5;
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_units(c.total, "1000000000000000");
}

Test(prices, small_cost_struct_is_refused_untouched)
{
	llmcost_record r = rec("plain-model", 1, 0);
	llmcost_cost c;

	llmcost_cost_init(&c);
	c.struct_size = offsetof(llmcost_cost, note);
	c.status = 77;
	cr_assert_eq(llmcost_price(prices, &r, &c), LLMCOST_E_SIZE);
	cr_assert_eq(c.status, 77);
}

Test(prices, old_record_size_is_refused)
{
	llmcost_record r = rec("plain-model", 1, 0);
	llmcost_cost c;

	r.struct_size = 8;
	cr_assert_eq(price(&r, &c), LLMCOST_E_SIZE);
	cr_assert_eq(c.status, LLMCOST_E_SIZE);
}

Test(prices, null_arguments_are_invalid)
{
	llmcost_record r = rec("plain-model", 1, 0);
	llmcost_cost c;

	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(prices, &r, NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_price(NULL, &r, &c), LLMCOST_E_INVALID);
	cr_assert_eq(c.status, LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_price(prices, NULL, &c), LLMCOST_E_INVALID);
}

Test(prices, cost_init_zeroes_and_sizes)
{
	llmcost_cost c;

	memset(&c, 0xab, sizeof(c));
	llmcost_cost_init(&c);
	cr_assert_eq(c.struct_size, sizeof(c));
	cr_assert_eq(c.flags, 0);
	cr_assert_null(c.price_key);
	cr_assert_str_eq(c.note, "");
	llmcost_cost_init(NULL);
}

Test(prices, component_and_rule_names)
{
	const char *want[] = {"input", "cache_read", "cache_write_5m",
			      "cache_write_1h", "output", "reasoning",
			      "input_audio", "input_image", "input_video",
			      "output_audio", "output_image", "request",
			      "web_search", "file_search"};
	const char *rules[] = {"none", "exact", "add_provider",
			       "strip_provider", "deployment", "bedrock",
			       "vertex", "fine_tune", "openrouter", "undated"};
	int i;

	cr_assert_eq(LC_ARRAY_LEN(want), LLMCOST_C_COUNT);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		cr_assert_str_eq(llmcost_component_name(i), want[i]);
	for (i = 0; i < (int)LC_ARRAY_LEN(rules); i++)
		cr_assert_str_eq(llmcost_rule_name(i), rules[i]);
	cr_assert_str_eq(llmcost_rule_name((int)LC_ARRAY_LEN(rules)), "");
	cr_assert_str_eq(llmcost_component_name(LLMCOST_C_COUNT), "");
	cr_assert_str_eq(llmcost_component_name(-1), "");
	cr_assert_str_eq(llmcost_rule_name(LLMCOST_RULE_NONE), "none");
	cr_assert_str_eq(llmcost_rule_name(LLMCOST_RULE_EXACT), "exact");
	cr_assert_str_eq(llmcost_rule_name(LLMCOST_RULE_ADD_PROVIDER),
			 "add_provider");
	cr_assert_str_eq(llmcost_rule_name(LLMCOST_RULE_STRIP_PROVIDER),
			 "strip_provider");
	cr_assert_str_eq(llmcost_rule_name(LLMCOST_RULE_UNDATED), "undated");
	cr_assert_str_eq(llmcost_rule_name(-1), "");
}

Test(prices, unknown_dated_name_is_its_alias_only_as_an_approximation)
{
	/* Only "gpt-4o" is known; its dated snapshot is not. */
	llmcost_record r = rec("gpt-4o-2024-08-06", 1000, 0);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_eq(c.rule, LLMCOST_RULE_UNDATED);
	cr_assert_eq(c.flags, LLMCOST_COST_APPROXIMATE);
	cr_assert_str_eq(c.price_key, "gpt-4o");
	expect_units(c.total, "2500000000000000");
	cr_assert(strstr(c.note, "approximate") != NULL, "%s", c.note);
	cr_assert(strstr(c.note, "'gpt-4o-2024-08-06'") != NULL, "%s",
		  c.note);
}

Test(prices, count_includes_aliases)
{
	/* 8 models and 1 alias. */
	cr_assert_eq(llmcost_prices_count(prices), 9);
	cr_assert_eq(llmcost_prices_diag_count(prices), 0);
	cr_assert_eq(llmcost_prices_count(NULL), 0);
}

static void *price_many(void *arg)
{
	llmcost_record r = rec("claude-3-7-sonnet-20250219", 6187, 677);
	llmcost_cost c;
	long *bad = arg;
	int i;

	for (i = 0; i < 20000; i++) {
		llmcost_cost_init(&c);
		if (llmcost_price(prices, &r, &c) != LLMCOST_OK ||
		    lc_money_to_i128(c.total) !=
			    (lc_i128)28716000000000000LL)
			(*bad)++;
	}
	return NULL;
}

Test(prices, many_threads_price_one_table_at_once)
{
	pthread_t t[4];
	long bad[4] = {0};
	int i;

	for (i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, price_many, &bad[i]),
			     0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(bad[i], 0);
	}
}
