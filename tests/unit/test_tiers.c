/* Every billing dimension: service tiers, long-context tiers on every
 * bucket and as range lists, audio, image and video tokens, per-request
 * and per-call fees, regional uplifts, and dimensions without a rate.
 * Every expected value is worked out by hand from the listed price. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

#define DEPTH_JSON LLMCOST_FIXTURES "/prices/depth_litellm.json"

/* Rates are USD per million tokens; per-call rates USD per thousand. */
static const char book_text[] =
	"format 1\n"
	"model claude-sonnet-4-5-20250929 provider=anthropic\n"
	"price always input=3 output=15 cache_read=0.30 cache_write_5m=3.75 "
	"cache_write_1h=6 above=200000 input_above=6 output_above=22.50 "
	"cache_read_above=0.60 cache_write_5m_above=7.50 "
	"cache_write_1h_above=12 web_search=10\n"
	"model gpt-5 provider=openai\n"
	"price always input=1.25 output=10 cache_read=0.125 "
	"input_flex=0.625 output_flex=5 cache_read_flex=0.0625 "
	"input_priority=2.50 output_priority=20 cache_read_priority=0.25\n"
	"model gpt-4o-mini provider=openai\n"
	"price always input=0.15 output=0.60 cache_read=0.075 "
	"input_batch=0.075 output_batch=0.30\n"
	"model o3 provider=openai\n"
	"price always input=2 output=8 cache_read=0.50\n"
	"model gemini-2.5-pro provider=gemini\n"
	"price always input=1.25 output=10 cache_read=0.125 above=200000 "
	"input_above=2.50 output_above=15\n"
	"model mistral-large provider=mistral\n"
	"price always input=2 output=6\n"
	"model tiered-batch provider=acme\n"
	"price always input=1 output=2 input_batch=0.5 output_batch=1 "
	"above=100 input_above=2\n"
	"model gpt-4o-audio-preview provider=openai\n"
	"price always input=2.50 output=10 input_audio=100 output_audio=200\n"
	"model gemini-2.0-flash provider=gemini\n"
	"price always input=0.10 output=0.40 input_audio=0.70\n"
	"model gpt-4o-search-preview provider=openai\n"
	"price always input=2.50 output=10 web_search_low=30 web_search=35 "
	"web_search_high=50\n"
	"model sonar-online provider=perplexity\n"
	"price always input=0 output=1.8 request=5\n"
	"model vertex-claude provider=vertex_ai-anthropic_models\n"
	"price always input=3 output=15 regional=1.1\n"
	"model gpt-4.1 provider=openai\n"
	"price always input=2 output=8 file_search=2.50\n"
	"model tiny provider=acme\n"
	"price always input=0.000000000001 output=0.000000000001\n";

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

/* Asserts an amount in US dollars, as decimal text. */
static void expect_usd(llmcost_money m, const char *want)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cr_assert_gt(llmcost_money_format(m, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, want);
}

static int has(const llmcost_cost *c, const char *words)
{
	return strstr(c->note, words) != NULL;
}

TestSuite(tiers, .init = setup, .fini = teardown);

/* ---- service tiers ------------------------------------------------------- */

Test(tiers, standard_tier_has_many_spellings)
{
	static const char *const names[] = {
		NULL, "", "standard", "default", "auto", "on_demand",
		"STANDARD"
	};
	llmcost_record r = rec("gpt-5", 1000, 1000);
	llmcost_cost c;
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(names); i++) {
		r.service_tier = names[i];
		cr_assert_eq(price(&r, &c), LLMCOST_OK);
		/* 1000 * 1.25e-6 + 1000 * 10e-6 */
		expect_usd(c.total, "0.01125");
		cr_assert_eq(c.service_tier, LLMCOST_TIER_STANDARD);
		cr_assert_eq(c.flags, 0);
	}
}

Test(tiers, flex_and_priority_use_their_own_rates)
{
	llmcost_record r = rec("gpt-5", 1000, 1000);
	llmcost_cost c;

	r.cached_tokens = 400;
	r.service_tier = "flex";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 600 * 0.625e-6 + 400 * 0.0625e-6 + 1000 * 5e-6 */
	expect_usd(c.total, "0.0054");
	cr_assert_eq(c.service_tier, LLMCOST_TIER_FLEX);
	cr_assert_eq(c.flags, 0);
	r.service_tier = "Priority";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 600 * 2.5e-6 + 400 * 0.25e-6 + 1000 * 20e-6 */
	expect_usd(c.total, "0.0216");
	cr_assert_eq(c.service_tier, LLMCOST_TIER_PRIORITY);
}

Test(tiers, batch_rates_from_the_table)
{
	llmcost_record r = rec("gpt-4o-mini", 1000, 1000);
	llmcost_cost c;

	r.service_tier = "batch";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 1000 * 0.075e-6 + 1000 * 0.30e-6 */
	expect_usd(c.total, "0.000375");
	cr_assert_eq(c.service_tier, LLMCOST_TIER_BATCH);
	cr_assert_eq(c.flags, 0);
}

Test(tiers, openai_batch_and_flex_without_rates_are_half_of_standard)
{
	llmcost_record r = rec("o3", 1000, 1000);
	llmcost_cost c;

	r.service_tier = "batch";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* (1000 * 2e-6 + 1000 * 8e-6) / 2 */
	expect_usd(c.total, "0.005");
	cr_assert_eq(c.flags, LLMCOST_COST_FALLBACK);
	cr_assert(has(&c, "no batch rates: half the standard rates"), "%s",
		  c.note);
	r.service_tier = "flex";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.005");
	cr_assert(has(&c, "no flex rates"), "%s", c.note);
}

Test(tiers, openai_flex_without_flex_rates_uses_batch_rates)
{
	llmcost_record r = rec("gpt-4o-mini", 1000, 1000);
	llmcost_cost c;

	r.service_tier = "flex";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.000375");
	cr_assert_eq(c.flags, LLMCOST_COST_FALLBACK);
	cr_assert(has(&c, "batch rates, as OpenAI bills flex"), "%s", c.note);
}

Test(tiers, anthropic_batch_halves_the_long_context_rates)
{
	llmcost_record r = rec("claude-sonnet-4-5-20250929", 200001, 100);
	llmcost_cost c;

	r.service_tier = "batch";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 200001 * 3e-6 + 100 * 11.25e-6 */
	expect_usd(c.total, "0.601128");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT |
			      LLMCOST_COST_FALLBACK);
}

Test(tiers, anthropic_priority_is_billed_at_standard)
{
	llmcost_record r = rec("claude-sonnet-4-5-20250929", 1000, 1000);
	llmcost_cost c;

	r.service_tier = "priority";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.018");
	cr_assert_eq(c.service_tier, LLMCOST_TIER_PRIORITY);
	cr_assert_eq(c.flags, LLMCOST_COST_FALLBACK);
	cr_assert(has(&c, "Priority Tier"), "%s", c.note);
}

Test(tiers, a_tier_nobody_bills_is_norate_never_standard)
{
	llmcost_record r = rec("o3", 1000, 1000);
	llmcost_cost c;

	r.service_tier = "priority";
	cr_assert_eq(price(&r, &c), LLMCOST_E_NORATE);
	cr_assert(has(&c, "has no priority rates"), "%s", c.note);
	expect_usd(c.total, "0");
	r = rec("mistral-large", 10, 10);
	r.service_tier = "batch";
	cr_assert_eq(price(&r, &c), LLMCOST_E_NORATE);
	r.service_tier = "scale";
	cr_assert_eq(price(&r, &c), LLMCOST_E_NORATE);
	cr_assert(has(&c, "unknown service tier 'scale'"), "%s", c.note);
}

Test(tiers, tier_rates_without_long_context_rates_are_norate_past_it)
{
	llmcost_record r = rec("tiered-batch", 100, 10);
	llmcost_cost c;

	r.service_tier = "batch";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 100 * 0.5e-6 + 10 * 1e-6 */
	expect_usd(c.total, "0.00006");
	r.input_tokens = 101;
	cr_assert_eq(price(&r, &c), LLMCOST_E_NORATE);
	cr_assert(has(&c, "no long-context rates for the batch tier"), "%s",
		  c.note);
}

/* ---- long-context tiers on every bucket ---------------------------------- */

/* 10000 tokens in each cache bucket and 1000 out, around 200000. */
static llmcost_record claude_at(int64_t input)
{
	llmcost_record r = rec("claude-sonnet-4-5-20250929", input, 1000);

	r.cached_tokens = 10000;
	r.cache_write_tokens = 10000;
	r.cache_write_1h_tokens = 10000;
	return r;
}

Test(tiers, anthropic_tier_boundary_on_every_bucket)
{
	llmcost_record r;
	llmcost_cost c;

	/* N - 1: 169999 * 3 + 10000 * (0.30 + 3.75 + 6) + 1000 * 15, /1e6 */
	r = claude_at(199999);
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.625497");
	cr_assert_eq(c.flags, 0);
	/* N: still the base rates (the tier is "more than 200000") */
	r = claude_at(200000);
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.6255");
	cr_assert_eq(c.long_context_threshold, 0);
	/* N + 1: 170001 * 6 + 10000 * (0.60 + 7.50 + 12) + 1000 * 22.50 */
	r = claude_at(200001);
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.component[LLMCOST_C_INPUT], "1.020006");
	expect_usd(c.component[LLMCOST_C_CACHE_READ], "0.006");
	expect_usd(c.component[LLMCOST_C_CACHE_WRITE_5M], "0.075");
	expect_usd(c.component[LLMCOST_C_CACHE_WRITE_1H], "0.12");
	expect_usd(c.component[LLMCOST_C_OUTPUT], "0.0225");
	expect_usd(c.total, "1.243506");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT);
	cr_assert_eq(c.long_context_threshold, 200000);
	cr_assert_str_eq(c.note, "");
}

Test(tiers, cached_tokens_count_toward_the_threshold)
{
	/* 1 uncached token, 200000 read from the cache: past 200000. */
	llmcost_record r = rec("gemini-2.5-pro", 200001, 0);
	llmcost_cost c;

	r.cached_tokens = 200000;
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	/* 1 * 2.5e-6 + 200000 * 0.25e-6 (0.125 doubled with input) */
	expect_usd(c.total, "0.0500025");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT);
	cr_assert(has(&c, "scaled like the input rate"), "%s", c.note);
}

Test(tiers, range_lists_are_tiers_with_exclusive_lower_ends)
{
	llmcost_prices *p;
	llmcost_record r = rec("dashscope/qwen-plus-2025-09-11", 255999, 1000);
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, DEPTH_JSON,
						      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK, "%s", llmcost_last_error());
	llmcost_cost_init(&c);
	/* [0, 256000]: 255999 * 0.4e-6 + 1000 * 1.2e-6 */
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.1035996");
	r.input_tokens = 256000;
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.1036");
	cr_assert_eq(c.flags, 0);
	/* (256000, 1000000]: 256001 * 1.2e-6 + 1000 * 3.6e-6 */
	r.input_tokens = 256001;
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.3108012");
	cr_assert_eq(c.long_context_threshold, 256000);
	/* The reasoning rate has its range too: 500 * 12e-6 + 500 * 3.6e-6 */
	r.reasoning_tokens = 500;
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.3150012");
	/* Four ranges: 128000 is the second, 128001 the third. */
	r = rec("dashscope/qwen3-coder-plus", 128000, 0);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.2304");
	cr_assert_eq(c.long_context_threshold, 32000);
	r.input_tokens = 128001;
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.384003");
	cr_assert_eq(c.long_context_threshold, 128000);
	llmcost_prices_free(p);
}

/* ---- audio, image and video tokens --------------------------------------- */

Test(tiers, audio_tokens_at_their_own_rates)
{
	llmcost_record r = rec("gpt-4o-audio-preview", 1000, 500);
	llmcost_cost c;

	r.input_audio_tokens = 400;
	r.output_audio_tokens = 200;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 600 * 2.5e-6 + 400 * 100e-6 + 300 * 10e-6 + 200 * 200e-6 */
	expect_usd(c.component[LLMCOST_C_INPUT], "0.0015");
	expect_usd(c.component[LLMCOST_C_INPUT_AUDIO], "0.04");
	expect_usd(c.component[LLMCOST_C_OUTPUT], "0.003");
	expect_usd(c.component[LLMCOST_C_OUTPUT_AUDIO], "0.04");
	expect_usd(c.total, "0.0845");
	cr_assert_eq(c.units[LLMCOST_C_INPUT], 600);
	cr_assert_eq(c.units[LLMCOST_C_INPUT_AUDIO], 400);
	cr_assert_eq(c.units[LLMCOST_C_OUTPUT], 300);
	cr_assert_eq(c.flags, 0);
}

Test(tiers, image_and_video_prompt_tokens_without_a_rate_are_input)
{
	llmcost_record r = rec("gemini-2.0-flash", 1000, 0);
	llmcost_cost c;

	r.input_image_tokens = 258;
	r.input_video_tokens = 300;
	r.input_audio_tokens = 100;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 342 * 0.1e-6 + 258 * 0.1e-6 + 300 * 0.1e-6 + 100 * 0.7e-6 */
	expect_usd(c.total, "0.00016");
	cr_assert_eq(c.flags, LLMCOST_COST_FALLBACK);
	cr_assert(has(&c, "no input_image rate: 258 tokens priced at the "
		      "input rate"), "%s", c.note);
	cr_assert(has(&c, "no input_video rate: 300 tokens"), "%s", c.note);
}

Test(tiers, google_audio_output_without_a_rate_is_output)
{
	llmcost_record r = rec("gemini-2.0-flash", 0, 100);
	llmcost_cost c;

	r.output_audio_tokens = 100;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.00004");
	cr_assert_eq(c.flags, LLMCOST_COST_FALLBACK);
}

Test(tiers, audio_without_a_rate_elsewhere_is_norate_with_units)
{
	llmcost_record r = rec("o3", 100, 10);
	llmcost_cost c;

	r.input_audio_tokens = 40;
	cr_assert_eq(price(&r, &c), LLMCOST_E_NORATE);
	cr_assert(has(&c, "no input_audio rate for 40 tokens"), "%s", c.note);
	expect_usd(c.total, "0");
	cr_assert_eq(c.units[LLMCOST_C_INPUT_AUDIO], 40);
}

Test(tiers, image_tokens_from_the_litellm_table)
{
	llmcost_prices *p;
	llmcost_record r = rec("gpt-image-1-mini", 1000, 4160);
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, DEPTH_JSON,
						      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK);
	r.input_image_tokens = 500;
	r.output_image_tokens = 4160;
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 500 * 2e-6 + 500 * 2.5e-6 + 4160 * 8e-6 */
	expect_usd(c.total, "0.03553");
	llmcost_prices_free(p);
}

Test(tiers, modality_parts_beyond_their_whole_are_rejected)
{
	llmcost_record r = rec("gpt-4o-audio-preview", 100, 10);
	llmcost_cost c;

	r.cached_tokens = 60;
	r.input_audio_tokens = 41;
	cr_assert_eq(price(&r, &c), LLMCOST_E_PARTS);
	r.input_audio_tokens = 40;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	r.reasoning_tokens = 5;
	r.output_audio_tokens = 6;
	cr_assert_eq(price(&r, &c), LLMCOST_E_PARTS);
	r.output_audio_tokens = -1;
	cr_assert_eq(price(&r, &c), LLMCOST_E_NEGATIVE);
	r.output_audio_tokens = 0;
	r.file_search_requests = -2;
	cr_assert_eq(price(&r, &c), LLMCOST_E_NEGATIVE);
}

/* ---- per-request and per-call fees --------------------------------------- */

Test(tiers, per_request_fee_counts_requests)
{
	llmcost_record r = rec("sonar-online", 0, 1000);
	llmcost_cost c;

	r.request_count = 3;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	/* 3 * 0.005 + 1000 * 1.8e-6 */
	expect_usd(c.component[LLMCOST_C_REQUEST], "0.015");
	expect_usd(c.total, "0.0168");
	cr_assert_eq(c.units[LLMCOST_C_REQUEST], 3);
}

Test(tiers, web_search_fee_by_search_context_size)
{
	static const struct {
		const char *size;
		const char *usd;
	} cases[] = {
		{NULL, "0.07"}, {"medium", "0.07"}, {"low", "0.06"},
		{"HIGH", "0.1"}
	};
	llmcost_record r = rec("gpt-4o-search-preview", 0, 0);
	llmcost_cost c;
	size_t i;

	r.web_search_requests = 2;
	for (i = 0; i < LC_ARRAY_LEN(cases); i++) {
		r.search_context_size = cases[i].size;
		cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
		expect_usd(c.component[LLMCOST_C_WEB_SEARCH], cases[i].usd);
		cr_assert_eq(c.units[LLMCOST_C_WEB_SEARCH], 2);
	}
}

Test(tiers, a_flat_search_fee_serves_every_size)
{
	llmcost_record r = rec("claude-sonnet-4-5-20250929", 0, 0);
	llmcost_cost c;

	r.web_search_requests = 3;
	r.search_context_size = "high";
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.03");
}

Test(tiers, calls_without_a_rate_are_reported_never_dropped)
{
	llmcost_record r = rec("o3", 1000, 0);
	llmcost_cost c;

	r.web_search_requests = 3;
	r.file_search_requests = 2;
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.002");
	cr_assert_eq(c.flags, LLMCOST_COST_UNRATED);
	cr_assert_eq(c.unrated, (1u << LLMCOST_C_WEB_SEARCH) |
				(1u << LLMCOST_C_FILE_SEARCH));
	cr_assert_eq(c.units[LLMCOST_C_WEB_SEARCH], 3);
	cr_assert(has(&c, "3 web_search calls have no rate in 'o3': not in "
		      "the total"), "%s", c.note);
	cr_assert(has(&c, "2 file_search calls"), "%s", c.note);
	/* An unknown size is reported the same way. */
	r = rec("gpt-4o-search-preview", 0, 0);
	r.web_search_requests = 1;
	r.search_context_size = "huge";
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	cr_assert_eq(c.unrated, 1u << LLMCOST_C_WEB_SEARCH);
	cr_assert(has(&c, "unknown search_context_size 'huge'"), "%s",
		  c.note);
}

Test(tiers, file_search_fee_per_call)
{
	llmcost_record r = rec("gpt-4.1", 0, 0);
	llmcost_cost c;

	r.file_search_requests = 4;
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.01");
	cr_assert_eq(c.flags, 0);
}

/* ---- regional uplift ----------------------------------------------------- */

Test(tiers, regional_endpoints_pay_the_books_uplift)
{
	llmcost_record r = rec("vertex-claude", 1000, 0);
	llmcost_cost c;

	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.003");
	r.region = "global";
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.003");
	cr_assert_eq(c.flags, 0);
	r.region = "us-east5";
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.0033");
	cr_assert_eq(c.flags, LLMCOST_COST_REGIONAL);
	cr_assert(has(&c, "regional uplift x1.100000 for region 'us-east5'"),
		  "%s", c.note);
	expect_usd(c.list_cost, "0.0033");
}

Test(tiers, uplifts_set_by_the_caller_win_over_the_book)
{
	llmcost_record r = rec("vertex-claude", 1000, 0);
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_set_uplift(prices, "vertex-claude",
					       "europe-west1", "1.2"),
		     LLMCOST_OK);
	r.region = "Europe-West1";
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.0036");
	r.region = "us-east5";
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.0033");
	cr_assert_eq(llmcost_prices_set_uplift(prices, "vertex-claude", "*",
					       "1"), LLMCOST_OK);
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.003");
	cr_assert_eq(c.flags, 0);
}

Test(tiers, a_region_in_the_model_path_counts_as_the_region)
{
	static const char more[] =
		"format 1\nmodel anthropic.claude-x-v1:0 provider=bedrock\n"
		"price always input=1 output=1\n";
	llmcost_record r = rec("bedrock/eu-central-1/anthropic.claude-x-v1:0",
			       1000, 0);
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_load_book(prices, more, strlen(more)),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_prices_set_uplift(prices,
					       "anthropic.claude-x-v1:0",
					       "eu-central-1", "1.25"),
		     LLMCOST_OK);
	cr_assert_eq(price(&r, &c), LLMCOST_OK, "%s", c.note);
	expect_usd(c.total, "0.00125");
	cr_assert_eq(c.rule, LLMCOST_RULE_BEDROCK);
	/* The record's own region wins. */
	r.region = "us-east-1";
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.001");
}

Test(tiers, an_inexact_uplift_is_rounded_and_flagged)
{
	llmcost_record r = rec("tiny", 1, 0);
	llmcost_cost c;
	char units[64];

	/* 1 token at 1 unit of 10^-18 USD, times 1.5: 1.5 units. */
	cr_assert_eq(llmcost_prices_set_uplift(prices, "tiny", NULL, "1.5"),
		     LLMCOST_OK);
	r.region = "x";
	cr_assert_eq(price(&r, &c), LLMCOST_OK);
	cr_assert_gt(lc_i128_format(lc_money_to_i128(c.total), units,
				    sizeof(units)), 0);
	cr_assert_str_eq(units, "2");	/* half to even */
	cr_assert_eq(c.flags, LLMCOST_COST_REGIONAL | LLMCOST_COST_ROUNDED);
}

Test(tiers, bad_uplifts_are_refused)
{
	cr_assert_eq(llmcost_prices_set_uplift(prices, "nope", NULL, "1.1"),
		     LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_prices_set_uplift(prices, "tiny", NULL, "x"),
		     LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_prices_set_uplift(prices, "tiny", NULL,
					       "1.0000001"), LLMCOST_E_INEXACT);
	cr_assert_eq(llmcost_prices_set_uplift(prices, "tiny", NULL, "-1"),
		     LLMCOST_E_RANGE);
	cr_assert_eq(llmcost_prices_set_uplift(prices, "tiny", NULL, "1001"),
		     LLMCOST_E_RANGE);
	cr_assert_eq(llmcost_prices_set_uplift(prices, "tiny", NULL, "0"),
		     LLMCOST_E_RANGE);
	cr_assert_eq(llmcost_prices_set_uplift(prices, "tiny", "", "1.1"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_set_uplift(NULL, "tiny", NULL, "1.1"),
		     LLMCOST_E_INVALID);
}

/* ---- the LiteLLM keys of each dimension ---------------------------------- */

Test(tiers_litellm, service_tier_keys_search_sizes_and_request_fees)
{
	llmcost_prices *p;
	llmcost_record r;
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, DEPTH_JSON,
						      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK);
	r = rec("o4-mini", 1000, 1000);
	r.service_tier = "flex";
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* o4-mini flex: 1000 * 0.55e-6 + 1000 * 2.2e-6 */
	expect_usd(c.total, "0.00275");
	r = rec("gpt-4o-mini", 1000, 1000);
	r.service_tier = "priority";
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 1000 * 0.25e-6 + 1000 * 1e-6 */
	expect_usd(c.total, "0.00125");
	r.service_tier = "batch";
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 1000 * 0.075e-6 + 1000 * 0.3e-6 */
	expect_usd(c.total, "0.000375");
	r = rec("gpt-4o-search-preview", 0, 0);
	r.web_search_requests = 1;
	r.search_context_size = "low";
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.03");
	r = rec("perplexity/sonar-medium-online", 0, 0);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK);
	expect_usd(c.total, "0.005");
	llmcost_prices_free(p);
}


/* The compiled-in book carries OpenAI's published flex and priority
 * rates; a model without priority rates stays unpriced in that tier. */
Test(tiers, default_book_flex_and_priority)
{
	llmcost_prices *book = NULL;
	llmcost_record r = rec("o3", 1000000, 1000000);
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_new_default(&book), LLMCOST_OK);
	r.timestamp_ms = 1763078400000LL;	/* 2025-11-14 */
	r.service_tier = "priority";
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(book, &r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_eq(c.service_tier, LLMCOST_TIER_PRIORITY);
	cr_assert(lc_money_to_i128(c.total) == (lc_i128)175 *
		  100000000000000000LL);	/* $3.50 + $14 */

	r = rec("gpt-5-mini", 1000000, 1000000);
	r.timestamp_ms = 1763078400000LL;
	r.cached_tokens = 400000;
	r.service_tier = "flex";
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(book, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 0.6M x $0.125 + 0.4M x $0.0125 + 1M x $1.00 = $1.08 */
	cr_assert(lc_money_to_i128(c.total) == (lc_i128)108 *
		  10000000000000000LL);

	r = rec("gpt-5-nano", 1000, 1000);
	r.timestamp_ms = 1763078400000LL;
	r.service_tier = "priority";
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(book, &r, &c), LLMCOST_E_NORATE);
	llmcost_prices_free(book);
}
