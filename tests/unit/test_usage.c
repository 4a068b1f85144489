/* Provider usage objects into the one token convention.  The same request
 * reported in each provider's shape must price to the same cost; shapes
 * whose parts do not add up are rejected, never clamped. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

/* USD per million: 400 * 2.5 + 600 * 1.25 + 300 * 10 = 4750. */
static const char book_text[] =
	"format 1\n"
	"model m provider=acme\n"
	"price always input=2.50 output=10 cache_read=1.25 "
	"cache_write_5m=3.125 cache_write_1h=5\n";

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

TestSuite(usage, .init = setup, .fini = teardown);

/* Parses a usage object into a fresh record; fails the test on error. */
static llmcost_record parse(int shape, const char *json)
{
	llmcost_record r;

	llmcost_record_init(&r);
	cr_assert_eq(llmcost_usage_parse(shape, json, (size_t)-1, &r),
		     LLMCOST_OK, "%s: %s", llmcost_usage_shape_name(shape),
		     llmcost_last_error());
	return r;
}

/* The cost of a parsed record in US dollars. */
static void expect_cost(int shape, const char *json, const char *usd)
{
	llmcost_record r = parse(shape, json);
	llmcost_cost c;
	char buf[LLMCOST_MONEY_STRLEN];

	r.model = "m";
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(prices, &r, &c), LLMCOST_OK, "%s: %s",
		     llmcost_usage_shape_name(shape), c.note);
	cr_assert_gt(llmcost_money_format(c.total, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, usd, "%s", llmcost_usage_shape_name(shape));
}

/* A shape that must be refused with status, naming words. */
static void expect_refused(int shape, const char *json, int status,
			   const char *words)
{
	llmcost_record r;

	llmcost_record_init(&r);
	r.input_tokens = 77;
	cr_assert_eq(llmcost_usage_parse(shape, json, (size_t)-1, &r), status,
		     "%s: %s", json, llmcost_last_error());
	cr_assert(strstr(llmcost_last_error(), words) != NULL, "%s",
		  llmcost_last_error());
	cr_assert_eq(r.input_tokens, 77, "a refused shape changed the record");
}

/* ---- one request, every shape -------------------------------------------- */

Test(usage, cache_reads_price_the_same_in_every_shape)
{
	expect_cost(LLMCOST_USAGE_OPENAI_CHAT,
		    "{\"prompt_tokens\": 1000, \"completion_tokens\": 300,"
		    " \"total_tokens\": 1300,"
		    " \"prompt_tokens_details\": {\"cached_tokens\": 600}}",
		    "0.00475");
	expect_cost(LLMCOST_USAGE_OPENAI_RESPONSES,
		    "{\"input_tokens\": 1000, \"output_tokens\": 300,"
		    " \"total_tokens\": 1300,"
		    " \"input_tokens_details\": {\"cached_tokens\": 600},"
		    " \"output_tokens_details\": {\"reasoning_tokens\": 0}}",
		    "0.00475");
	expect_cost(LLMCOST_USAGE_ANTHROPIC,
		    "{\"input_tokens\": 400, \"cache_read_input_tokens\": 600,"
		    " \"cache_creation_input_tokens\": 0,"
		    " \"output_tokens\": 300}", "0.00475");
	expect_cost(LLMCOST_USAGE_GEMINI,
		    "{\"promptTokenCount\": 1000,"
		    " \"cachedContentTokenCount\": 600,"
		    " \"candidatesTokenCount\": 300,"
		    " \"totalTokenCount\": 1300}",
		    "0.00475");
	expect_cost(LLMCOST_USAGE_BEDROCK,
		    "{\"inputTokens\": 400, \"cacheReadInputTokens\": 600,"
		    " \"cacheWriteInputTokens\": 0, \"outputTokens\": 300,"
		    " \"totalTokens\": 1300}", "0.00475");
	expect_cost(LLMCOST_USAGE_OTEL,
		    "{\"gen_ai.usage.input_tokens\": 1000,"
		    " \"gen_ai.usage.cache_read.input_tokens\": 600,"
		    " \"gen_ai.usage.output_tokens\": 300}", "0.00475");
	expect_cost(LLMCOST_USAGE_OTEL,
		    "[{\"key\": \"gen_ai.usage.input_tokens\","
		    "  \"value\": {\"intValue\": \"1000\"}},"
		    " {\"key\": \"gen_ai.usage.cache_read.input_tokens\","
		    "  \"value\": {\"intValue\": 600}},"
		    " {\"key\": \"gen_ai.usage.output_tokens\","
		    "  \"value\": {\"intValue\": \"300\"}}]", "0.00475");
}

Test(usage, cache_writes_price_the_same_in_every_shape_that_has_them)
{
	/* 100 * 2.5 + 600 * 1.25 + 300 * 3.125 + 50 * 10 = 2437.5 per M */
	expect_cost(LLMCOST_USAGE_ANTHROPIC,
		    "{\"input_tokens\": 100, \"cache_read_input_tokens\": 600,"
		    " \"cache_creation_input_tokens\": 300,"
		    " \"output_tokens\": 50}", "0.0024375");
	expect_cost(LLMCOST_USAGE_BEDROCK,
		    "{\"inputTokens\": 100, \"cacheReadInputTokens\": 600,"
		    " \"cacheWriteInputTokens\": 300, \"outputTokens\": 50,"
		    " \"totalTokens\": 1050}", "0.0024375");
	expect_cost(LLMCOST_USAGE_OTEL,
		    "{\"gen_ai.usage.input_tokens\": 1000,"
		    " \"gen_ai.usage.cache_read.input_tokens\": 600,"
		    " \"gen_ai.usage.cache_creation.input_tokens\": 300,"
		    " \"gen_ai.usage.output_tokens\": 50}", "0.0024375");
}

Test(usage, reasoning_prices_the_same_in_every_shape_that_has_it)
{
	/* 500 * 2.5 + 800 * 10: reasoning is output, counted once */
	expect_cost(LLMCOST_USAGE_OPENAI_CHAT,
		    "{\"prompt_tokens\": 500, \"completion_tokens\": 800,"
		    " \"completion_tokens_details\":"
		    " {\"reasoning_tokens\": 600}}", "0.00925");
	expect_cost(LLMCOST_USAGE_OPENAI_RESPONSES,
		    "{\"input_tokens\": 500, \"output_tokens\": 800,"
		    " \"output_tokens_details\": {\"reasoning_tokens\": 600}}",
		    "0.00925");
	expect_cost(LLMCOST_USAGE_GEMINI,
		    "{\"promptTokenCount\": 500, \"candidatesTokenCount\": 200,"
		    " \"thoughtsTokenCount\": 600, \"totalTokenCount\": 1300}",
		    "0.00925");
	expect_cost(LLMCOST_USAGE_OTEL,
		    "{\"gen_ai.usage.input_tokens\": 500,"
		    " \"gen_ai.usage.output_tokens\": 800,"
		    " \"gen_ai.usage.reasoning.output_tokens\": 600}",
		    "0.00925");
}

/* ---- each shape's own buckets -------------------------------------------- */

Test(usage, anthropic_adds_the_three_disjoint_buckets_and_splits_ttl)
{
	llmcost_record r = parse(LLMCOST_USAGE_ANTHROPIC,
		"{\"usage\": {\"input_tokens\": 50,"
		" \"cache_read_input_tokens\": 1000,"
		" \"cache_creation_input_tokens\": 300,"
		" \"cache_creation\": {\"ephemeral_5m_input_tokens\": 200,"
		"  \"ephemeral_1h_input_tokens\": 100},"
		" \"output_tokens\": 20, \"service_tier\": \"batch\","
		" \"server_tool_use\": {\"web_search_requests\": 2}}}");

	cr_assert_eq(r.input_tokens, 1350);
	cr_assert_eq(r.cached_tokens, 1000);
	cr_assert_eq(r.cache_write_tokens, 200);
	cr_assert_eq(r.cache_write_1h_tokens, 100);
	cr_assert_eq(r.output_tokens, 20);
	cr_assert_eq(r.web_search_requests, 2);
	cr_assert_str_eq(r.service_tier, "batch");
}

Test(usage, bedrock_splits_ttl_from_cache_details)
{
	llmcost_record r = parse(LLMCOST_USAGE_BEDROCK,
		"{\"inputTokens\": 10, \"outputTokens\": 5,"
		" \"cacheReadInputTokens\": 0, \"cacheWriteInputTokens\": 300,"
		" \"cacheDetails\": [{\"ttl\": \"1h\", \"inputTokens\": 100},"
		"  {\"ttl\": \"5m\", \"inputTokens\": 200}],"
		" \"totalTokens\": 315}");

	cr_assert_eq(r.input_tokens, 310);
	cr_assert_eq(r.cache_write_tokens, 200);
	cr_assert_eq(r.cache_write_1h_tokens, 100);
}

Test(usage, gemini_modalities_and_tool_use_prompt)
{
	llmcost_record r = parse(LLMCOST_USAGE_GEMINI,
		"{\"usageMetadata\": {\"promptTokenCount\": 1000,"
		" \"toolUsePromptTokenCount\": 50,"
		" \"cachedContentTokenCount\": 100,"
		" \"candidatesTokenCount\": 70, \"thoughtsTokenCount\": 30,"
		" \"totalTokenCount\": 1150,"
		" \"promptTokensDetails\": [{\"modality\": \"TEXT\","
		"  \"tokenCount\": 600}, {\"modality\": \"AUDIO\","
		"  \"tokenCount\": 300}, {\"modality\": \"IMAGE\","
		"  \"tokenCount\": 100}],"
		" \"cacheTokensDetails\": [{\"modality\": \"AUDIO\","
		"  \"tokenCount\": 100}],"
		" \"candidatesTokensDetails\": [{\"modality\": \"AUDIO\","
		"  \"tokenCount\": 40}]}}");

	cr_assert_eq(r.input_tokens, 1050);
	cr_assert_eq(r.cached_tokens, 100);
	cr_assert_eq(r.input_audio_tokens, 200);
	cr_assert_eq(r.input_image_tokens, 100);
	cr_assert_eq(r.output_tokens, 100);
	cr_assert_eq(r.reasoning_tokens, 30);
	cr_assert_eq(r.output_audio_tokens, 40);
}

Test(usage, gemini_snake_case_dumps_read_the_same)
{
	llmcost_record r = parse(LLMCOST_USAGE_GEMINI,
		"{\"usage_metadata\": {\"prompt_token_count\": 10,"
		" \"candidates_token_count\": 4, \"thoughts_token_count\": 6,"
		" \"cached_content_token_count\": 3,"
		" \"total_token_count\": 20}}");

	cr_assert_eq(r.input_tokens, 10);
	cr_assert_eq(r.cached_tokens, 3);
	cr_assert_eq(r.output_tokens, 10);
	cr_assert_eq(r.reasoning_tokens, 6);
}

Test(usage, openai_audio_and_service_tier_from_the_response)
{
	llmcost_record r = parse(LLMCOST_USAGE_OPENAI_CHAT,
		"{\"id\": \"x\", \"service_tier\": \"flex\","
		" \"usage\": {\"prompt_tokens\": 1000,"
		" \"completion_tokens\": 500, \"total_tokens\": 1500,"
		" \"prompt_tokens_details\": {\"cached_tokens\": 100,"
		"  \"audio_tokens\": 300},"
		" \"completion_tokens_details\": {\"reasoning_tokens\": 0,"
		"  \"audio_tokens\": 200, \"accepted_prediction_tokens\": 0,"
		"  \"rejected_prediction_tokens\": 0}}}");

	cr_assert_eq(r.input_tokens, 1000);
	cr_assert_eq(r.cached_tokens, 100);
	cr_assert_eq(r.input_audio_tokens, 300);
	cr_assert_eq(r.output_audio_tokens, 200);
	cr_assert_str_eq(r.service_tier, "flex");
	r = parse(LLMCOST_USAGE_OPENAI_CHAT,
		  "{\"service_tier\": \"default\", \"usage\":"
		  " {\"prompt_tokens\": 1, \"completion_tokens\": 1}}");
	cr_assert_str_eq(r.service_tier, "standard");
}

Test(usage, realtime_details_take_cached_audio_out_of_audio)
{
	llmcost_record r = parse(LLMCOST_USAGE_OPENAI_RESPONSES,
		"{\"input_tokens\": 1000, \"output_tokens\": 100,"
		" \"input_token_details\": {\"cached_tokens\": 400,"
		"  \"text_tokens\": 500, \"audio_tokens\": 500,"
		"  \"cached_tokens_details\": {\"text_tokens\": 100,"
		"   \"audio_tokens\": 300}},"
		" \"output_token_details\": {\"text_tokens\": 40,"
		"  \"audio_tokens\": 60}}");

	cr_assert_eq(r.cached_tokens, 400);
	cr_assert_eq(r.input_audio_tokens, 200);
	cr_assert_eq(r.output_audio_tokens, 60);
}

Test(usage, only_token_fields_change)
{
	llmcost_record r;

	llmcost_record_init(&r);
	r.model = "m";
	r.team_id = "t";
	r.reasoning_tokens = 99;
	r.cache_write_1h_tokens = 99;
	r.service_tier = "priority";
	/* An explicit length: the bytes after it are not read. */
	cr_assert_eq(llmcost_usage_parse(LLMCOST_USAGE_BEDROCK,
					 "{\"inputTokens\": 1,"
					 " \"outputTokens\": 2}garbage", 37,
					 &r),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_str_eq(r.model, "m");
	cr_assert_str_eq(r.team_id, "t");
	cr_assert_str_eq(r.service_tier, "priority");
	/* Every token bucket is set, so nothing is counted twice. */
	cr_assert_eq(r.reasoning_tokens, 0);
	cr_assert_eq(r.cache_write_1h_tokens, 0);
	cr_assert_eq(r.input_tokens, 1);
	cr_assert_eq(r.output_tokens, 2);
}

/* ---- inconsistent shapes ------------------------------------------------- */

Test(usage, parts_beyond_their_whole_are_refused)
{
	expect_refused(LLMCOST_USAGE_OPENAI_CHAT,
		       "{\"prompt_tokens\": 100, \"completion_tokens\": 1,"
		       " \"prompt_tokens_details\": {\"cached_tokens\": 101}}",
		       LLMCOST_E_PARTS, "cached_tokens (101) exceeds");
	expect_refused(LLMCOST_USAGE_OPENAI_RESPONSES,
		       "{\"input_tokens\": 1, \"output_tokens\": 10,"
		       " \"output_tokens_details\":"
		       " {\"reasoning_tokens\": 11}}",
		       LLMCOST_E_PARTS, "exceeds the output tokens");
	expect_refused(LLMCOST_USAGE_GEMINI,
		       "{\"promptTokenCount\": 10,"
		       " \"cachedContentTokenCount\": 11}",
		       LLMCOST_E_PARTS, "cachedContentTokenCount (11)");
	expect_refused(LLMCOST_USAGE_OTEL,
		       "{\"gen_ai.usage.input_tokens\": 10,"
		       " \"gen_ai.usage.output_tokens\": 1,"
		       " \"gen_ai.usage.cache_read.input_tokens\": 8,"
		       " \"gen_ai.usage.cache_creation.input_tokens\": 3}",
		       LLMCOST_E_PARTS, "cache read + cache creation");
}

Test(usage, totals_that_do_not_add_up_are_refused)
{
	/* Cache counted inside inputTokens too: the total gives it away. */
	expect_refused(LLMCOST_USAGE_BEDROCK,
		       "{\"inputTokens\": 1000, \"cacheReadInputTokens\": 600,"
		       " \"outputTokens\": 10, \"totalTokens\": 1010}",
		       LLMCOST_E_PARTS, "totalTokens is 1010");
	/* Thoughts inside candidates: reasoning would be added on top. */
	expect_refused(LLMCOST_USAGE_GEMINI,
		       "{\"promptTokenCount\": 10, \"candidatesTokenCount\": 5,"
		       " \"thoughtsTokenCount\": 3, \"totalTokenCount\": 15}",
		       LLMCOST_E_PARTS, "totalTokenCount is 15");
	expect_refused(LLMCOST_USAGE_OPENAI_CHAT,
		       "{\"prompt_tokens\": 10, \"completion_tokens\": 5,"
		       " \"total_tokens\": 16}", LLMCOST_E_PARTS,
		       "total_tokens is 16");
	expect_refused(LLMCOST_USAGE_ANTHROPIC,
		       "{\"input_tokens\": 1, \"output_tokens\": 1,"
		       " \"cache_creation_input_tokens\": 300,"
		       " \"cache_creation\":"
		       " {\"ephemeral_5m_input_tokens\": 100,"
		       " \"ephemeral_1h_input_tokens\": 100}}",
		       LLMCOST_E_PARTS, "cache_creation_input_tokens is 300");
}

Test(usage, bad_counts_are_refused_by_kind)
{
	expect_refused(LLMCOST_USAGE_ANTHROPIC,
		       "{\"input_tokens\": -1, \"output_tokens\": 1}",
		       LLMCOST_E_NEGATIVE, "input_tokens is negative");
	expect_refused(LLMCOST_USAGE_ANTHROPIC,
		       "{\"input_tokens\": \"12\", \"output_tokens\": 1}",
		       LLMCOST_E_TYPE, "input_tokens");
	expect_refused(LLMCOST_USAGE_ANTHROPIC,
		       "{\"input_tokens\": 1.5, \"output_tokens\": 1}",
		       LLMCOST_E_TYPE, "not a whole number");
	expect_refused(LLMCOST_USAGE_ANTHROPIC,
		       "{\"input_tokens\": true, \"output_tokens\": 1}",
		       LLMCOST_E_TYPE, "not a number");
	expect_refused(LLMCOST_USAGE_ANTHROPIC, "{\"output_tokens\": 1}",
		       LLMCOST_E_MISSING, "no input_tokens");
	expect_refused(LLMCOST_USAGE_GEMINI, "{\"candidatesTokenCount\": 1}",
		       LLMCOST_E_MISSING, "no promptTokenCount");
	expect_refused(LLMCOST_USAGE_BEDROCK,
		       "{\"inputTokens\": 1e30, \"outputTokens\": 1}",
		       LLMCOST_E_RANGE, "out of range");
	expect_refused(LLMCOST_USAGE_ANTHROPIC,
		       "{\"input_tokens\": 9223372036854775807,"
		       " \"cache_read_input_tokens\": 1, \"output_tokens\": 1}",
		       LLMCOST_E_RANGE, "overflow");
	expect_refused(LLMCOST_USAGE_OPENAI_CHAT, "{\"prompt_tokens\": ",
		       LLMCOST_E_PARSE, "openai-chat usage");
	expect_refused(LLMCOST_USAGE_OPENAI_CHAT, "[1, 2]", LLMCOST_E_PARSE,
		       "not a JSON object");
}

Test(usage, arguments_and_shape_names)
{
	llmcost_record r;
	int s;

	llmcost_record_init(&r);
	cr_assert_eq(llmcost_usage_parse(0, "{}", 2, &r), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_usage_parse(LLMCOST_USAGE_SHAPE_END_, "{}", 2,
					 &r), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_usage_parse(LLMCOST_USAGE_OTEL, NULL, 2, &r),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_usage_parse(LLMCOST_USAGE_OTEL, "{}", 2, NULL),
		     LLMCOST_E_INVALID);
	r.struct_size = (uint32_t)offsetof(llmcost_record, input_audio_tokens);
	cr_assert_eq(llmcost_usage_parse(LLMCOST_USAGE_OTEL, "{}", 2, &r),
		     LLMCOST_E_SIZE);
	for (s = 1; s < LLMCOST_USAGE_SHAPE_END_; s++)
		cr_assert_eq(llmcost_usage_shape_from_name(
				     llmcost_usage_shape_name(s)), s);
	cr_assert_eq(llmcost_usage_shape_from_name("openai"),
		     LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_usage_shape_from_name(NULL), LLMCOST_E_INVALID);
	cr_assert_str_eq(llmcost_usage_shape_name(0), "");
}
