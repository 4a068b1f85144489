/* Model names as gateways log them, resolved by the ordered rules of
 * docs/resolution.md; and the cache of resolved names. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "prices.h"

#define DEPTH_JSON LLMCOST_FIXTURES "/prices/depth_litellm.json"
#define NEW_TABLE LLMCOST_SHARED_DATA "/pricing/litellm_model_prices.json"

/* Rates are USD per million tokens. */
static const char book_text[] =
	"format 1\n"
	"model gpt-4o-2024-08-06 provider=openai\n"
	"alias gpt-4o\n"
	"price always input=2.50 output=10\n"
	"model gpt-4o-2024-05-13 provider=openai\n"
	"price always input=5 output=15\n"
	"model gpt-4o-mini-2024-07-18 provider=openai\n"
	"alias gpt-4o-mini\n"
	"price always input=0.15 output=0.60\n"
	"model ft:gpt-4o-mini-2024-07-18 provider=openai\n"
	"price always input=0.30 output=1.20\n"
	"model claude-sonnet-4-20250514 provider=anthropic\n"
	"price always input=3 output=15\n"
	"model claude-3-5-sonnet-20241022 provider=anthropic\n"
	"price always input=3 output=15\n"
	"model claude-sonnet-4-5-20250929 provider=anthropic\n"
	"alias claude-sonnet-4-5\n"
	"price always input=3 output=15\n"
	"model gemini-2.0-flash provider=gemini\n"
	"price always input=0.10 output=0.40\n"
	"model anthropic.claude-3-haiku-20240307-v1:0 provider=bedrock\n"
	"price always input=0.25 output=1.25\n"
	"model us.anthropic.claude-3-5-haiku-20241022-v1:0 provider=bedrock\n"
	"price always input=0.80 output=4\n"
	"model anthropic.claude-sonnet-4-5-20250929-v1:0 provider=bedrock\n"
	"price always input=3.30 output=16.50\n"
	"model deepseek/deepseek-chat provider=deepseek\n"
	"price always input=0.28 output=0.42\n"
	"model xai/grok-4 provider=xai\n"
	"price always input=3 output=15\n";

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

/* Resolves name (with provider) and checks key, rule and flags; want_key
 * NULL means "must not resolve". */
static void expect(const char *name, const char *provider,
		   const char *want_key, int want_rule, uint32_t want_flags)
{
	const char *key = "unset";
	uint32_t rule = 99, flags = 99;
	int rc = llmcost_prices_resolve(prices, name, provider, &key, &rule,
					&flags);

	if (want_key == NULL) {
		cr_assert_eq(rc, LLMCOST_E_UNPRICED, "%s resolved to %s (%s)",
			     name, key ? key : "?", llmcost_rule_name(rule));
		cr_assert_null(key);
		cr_assert_eq(rule, LLMCOST_RULE_NONE);
		return;
	}
	cr_assert_eq(rc, LLMCOST_OK, "%s: %s", name, llmcost_last_error());
	cr_assert_str_eq(key, want_key, "%s", name);
	cr_assert_eq(rule, (uint32_t)want_rule, "%s: rule %s", name,
		     llmcost_rule_name(rule));
	cr_assert_eq(flags, want_flags, "%s", name);
}

static int price(const char *model, const char *provider, int64_t in,
		 int64_t out, llmcost_cost *c)
{
	llmcost_record r;

	llmcost_record_init(&r);
	r.model = model;
	r.provider = provider;
	r.input_tokens = in;
	r.output_tokens = out;
	llmcost_cost_init(c);
	return llmcost_price(prices, &r, c);
}

static void expect_units(llmcost_money m, const char *want)
{
	char buf[64];

	cr_assert_geq(lc_i128_format(lc_money_to_i128(m), buf, sizeof(buf)),
		      0);
	cr_assert_str_eq(buf, want);
}

TestSuite(resolve, .init = setup, .fini = teardown);

/* ---- rules 1 to 4 ------------------------------------------------------- */

Test(resolve, exact_provider_prefix_and_maker_prefix)
{
	expect("gpt-4o", NULL, "gpt-4o-2024-08-06", LLMCOST_RULE_EXACT, 0);
	expect("GPT-4o-2024-08-06", NULL, "gpt-4o-2024-08-06",
	       LLMCOST_RULE_EXACT, 0);
	expect("grok-4", "xAI", "xai/grok-4", LLMCOST_RULE_ADD_PROVIDER, 0);
	expect("openai/gpt-4o-mini", NULL, "gpt-4o-mini-2024-07-18",
	       LLMCOST_RULE_STRIP_PROVIDER, 0);
	expect("anthropic/claude-sonnet-4-5", NULL,
	       "claude-sonnet-4-5-20250929", LLMCOST_RULE_STRIP_PROVIDER, 0);
}

Test(resolve, a_dated_entry_always_wins_over_its_alias)
{
	llmcost_cost c;

	/* The May 2024 snapshot costs twice the alias: 1000 * 5e-6. */
	expect("gpt-4o-2024-05-13", NULL, "gpt-4o-2024-05-13",
	       LLMCOST_RULE_EXACT, 0);
	cr_assert_eq(price("gpt-4o-2024-05-13", NULL, 1000, 0, &c),
		     LLMCOST_OK);
	expect_units(c.total, "5000000000000000");
	cr_assert_eq(c.flags, 0);
}

Test(resolve, nothing_matches_by_substring_or_prefix)
{
	static const char *const names[] = {
		"gpt-4o-mini-2024-07-18-extra", "my-gpt-4o", "gpt-4o-turbo",
		"gpt-4", "gpt", "claude-sonnet", "gemini-2.0", "o-4",
		"openai/gpt-4o/x", "bedrock/", "vertex_ai/", "openrouter/",
		"ft:", "ft::", "azure/", "@20250514", "deepseek-chat"
	};
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(names); i++)
		expect(names[i], NULL, NULL, 0, 0);
}

/* ---- rule 1: deployments ------------------------------------------------ */

Test(resolve, azure_deployment_names_map_to_a_configured_key)
{
	llmcost_cost c;

	expect("azure/prod-chat", NULL, NULL, 0, 0);
	cr_assert_eq(llmcost_prices_add_deployment(prices, "Prod-Chat",
						   "gpt-4o"), LLMCOST_OK);
	expect("azure/prod-chat", NULL, "gpt-4o-2024-08-06",
	       LLMCOST_RULE_DEPLOYMENT, 0);
	expect("azure_ai/PROD-chat", NULL, "gpt-4o-2024-08-06",
	       LLMCOST_RULE_DEPLOYMENT, 0);
	expect("prod-chat", "azure", "gpt-4o-2024-08-06",
	       LLMCOST_RULE_DEPLOYMENT, 0);
	/* 1000 * 2.5e-6 + 100 * 10e-6 */
	cr_assert_eq(price("azure/prod-chat", NULL, 1000, 100, &c),
		     LLMCOST_OK);
	expect_units(c.total, "3500000000000000");
	cr_assert_eq(c.rule, LLMCOST_RULE_DEPLOYMENT);
}

Test(resolve, deployment_is_the_first_rule_and_can_be_replaced)
{
	cr_assert_eq(llmcost_prices_add_deployment(prices, "gpt-4o",
						   "gpt-4o-2024-05-13"),
		     LLMCOST_OK);
	expect("gpt-4o", NULL, "gpt-4o-2024-05-13", LLMCOST_RULE_DEPLOYMENT,
	       0);
	cr_assert_eq(llmcost_prices_add_deployment(prices, "gpt-4o",
						   "gpt-4o-mini"),
		     LLMCOST_OK);
	expect("gpt-4o", NULL, "gpt-4o-mini-2024-07-18",
	       LLMCOST_RULE_DEPLOYMENT, 0);
}

Test(resolve, deployment_needs_a_key_of_the_table)
{
	char big[300];

	memset(big, 'd', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(llmcost_prices_add_deployment(prices, "x", "gpt-17"),
		     LLMCOST_E_NOTFOUND);
	cr_assert(strstr(llmcost_last_error(), "gpt-17") != NULL);
	cr_assert_eq(llmcost_prices_add_deployment(prices, "", "gpt-4o"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_add_deployment(prices, big, "gpt-4o"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_add_deployment(NULL, "x", "gpt-4o"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_add_deployment(prices, NULL, "gpt-4o"),
		     LLMCOST_E_INVALID);
}

/* ---- rule 5: fine-tunes -------------------------------------------------- */

Test(resolve, fine_tunes_price_at_the_base_models_fine_tuned_rate)
{
	llmcost_cost c;

	expect("ft:gpt-4o-mini-2024-07-18:acme::abc123", NULL,
	       "ft:gpt-4o-mini-2024-07-18", LLMCOST_RULE_FINE_TUNE, 0);
	expect("ft:gpt-4o-mini-2024-07-18:acme:support-bot:B1x9", NULL,
	       "ft:gpt-4o-mini-2024-07-18", LLMCOST_RULE_FINE_TUNE, 0);
	/* The base named by its alias finds the dated ft: key. */
	expect("ft:gpt-4o-mini:acme::abc123", NULL,
	       "ft:gpt-4o-mini-2024-07-18", LLMCOST_RULE_FINE_TUNE, 0);
	expect("openai/ft:gpt-4o-mini-2024-07-18:acme::abc123", NULL,
	       "ft:gpt-4o-mini-2024-07-18", LLMCOST_RULE_FINE_TUNE, 0);
	/* Twice the base rates: 1000 * 0.3e-6 + 1000 * 1.2e-6. */
	cr_assert_eq(price("ft:gpt-4o-mini-2024-07-18:acme::abc123", NULL,
			   1000, 1000, &c), LLMCOST_OK);
	expect_units(c.total, "1500000000000000");
}

Test(resolve, fine_tune_without_a_fine_tuned_price_is_unpriced)
{
	llmcost_cost c;

	/* Never priced at the base model's (cheaper) rate. */
	cr_assert_eq(price("ft:gpt-4o-2024-08-06:acme::abc123", NULL, 10, 10,
			   &c), LLMCOST_E_UNPRICED);
	cr_assert(strstr(c.note, "fine-tuned") != NULL, "%s", c.note);
	cr_assert_null(c.price_key);
}

/* ---- rule 6: Bedrock ----------------------------------------------------- */

Test(resolve, bedrock_region_paths_routes_and_profiles)
{
	expect("bedrock/us-east-2/us.anthropic.claude-3-haiku-20240307-v1:0",
	       NULL, "anthropic.claude-3-haiku-20240307-v1:0",
	       LLMCOST_RULE_BEDROCK, 0);
	expect("bedrock/converse/anthropic.claude-3-haiku-20240307-v1:0",
	       NULL, "anthropic.claude-3-haiku-20240307-v1:0",
	       LLMCOST_RULE_BEDROCK, 0);
	expect("bedrock/invoke/us-west-2/anthropic.claude-3-haiku-20240307"
	       "-v1:0", NULL, "anthropic.claude-3-haiku-20240307-v1:0",
	       LLMCOST_RULE_BEDROCK, 0);
	expect("eu.anthropic.claude-3-haiku-20240307-v1:0", NULL,
	       "anthropic.claude-3-haiku-20240307-v1:0",
	       LLMCOST_RULE_BEDROCK, 0);
	expect("apac.anthropic.claude-3-haiku-20240307-v1:0", "bedrock",
	       "anthropic.claude-3-haiku-20240307-v1:0",
	       LLMCOST_RULE_BEDROCK, 0);
	expect("us.anthropic.claude-3-5-haiku-20241022-v1:0", NULL,
	       "us.anthropic.claude-3-5-haiku-20241022-v1:0",
	       LLMCOST_RULE_EXACT, 0);
}

Test(resolve, bedrock_versions_and_arns)
{
	expect("anthropic.claude-3-haiku-20240307", "bedrock",
	       "anthropic.claude-3-haiku-20240307-v1:0",
	       LLMCOST_RULE_BEDROCK, 0);
	/* Another version may be another model: never matched. */
	expect("bedrock/anthropic.claude-3-haiku-20240307-v2:0", NULL, NULL,
	       0, 0);
	expect("arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
	       "us.anthropic.claude-3-5-haiku-20241022-v1:0", NULL,
	       "us.anthropic.claude-3-5-haiku-20241022-v1:0",
	       LLMCOST_RULE_BEDROCK, 0);
}

Test(resolve, global_profile_priced_in_region_is_approximate)
{
	llmcost_cost c;

	expect("global.anthropic.claude-sonnet-4-5-20250929-v1:0", NULL,
	       "anthropic.claude-sonnet-4-5-20250929-v1:0",
	       LLMCOST_RULE_BEDROCK, LLMCOST_COST_APPROXIMATE);
	cr_assert_eq(price("global.anthropic.claude-sonnet-4-5-20250929-v1:0",
			   NULL, 1000, 0, &c), LLMCOST_OK);
	cr_assert(strstr(c.note, "global cross-region profile") != NULL,
		  "%s", c.note);
}

Test(resolve, bedrock_never_borrows_another_hosts_price)
{
	expect("bedrock/gpt-4o", NULL, NULL, 0, 0);
	expect("bedrock/us-east-1/gpt-4o-mini", NULL, NULL, 0, 0);
	expect("us.openai.gpt-4o", NULL, NULL, 0, 0);
	expect("bedrock/claude-sonnet-4-20250514", NULL, NULL, 0, 0);
}

/* ---- rule 7: Vertex AI --------------------------------------------------- */

Test(resolve, vertex_prefixes_versions_and_at_dates)
{
	expect("vertex_ai/gemini-2.0-flash", NULL, "gemini-2.0-flash",
	       LLMCOST_RULE_VERTEX, 0);
	expect("vertex_ai/gemini-2.0-flash-001", NULL, "gemini-2.0-flash",
	       LLMCOST_RULE_VERTEX, 0);
	expect("gemini-2.0-flash-001", NULL, "gemini-2.0-flash",
	       LLMCOST_RULE_VERTEX, 0);
	expect("gemini/gemini-2.0-flash-002", NULL, "gemini-2.0-flash",
	       LLMCOST_RULE_VERTEX, 0);
	expect("claude-sonnet-4@20250514", NULL, "claude-sonnet-4-20250514",
	       LLMCOST_RULE_VERTEX, 0);
	expect("vertex_ai/claude-sonnet-4@20250514", NULL,
	       "claude-sonnet-4-20250514", LLMCOST_RULE_VERTEX, 0);
	expect("claude-sonnet-4-5@20250929", "vertex_ai",
	       "claude-sonnet-4-5-20250929", LLMCOST_RULE_VERTEX, 0);
	expect("vertex_ai/claude-3-5-sonnet-v2@20241022", NULL,
	       "claude-3-5-sonnet-20241022", LLMCOST_RULE_VERTEX, 0);
}

Test(resolve, vertex_never_borrows_another_makers_price)
{
	expect("vertex_ai/gpt-4o", NULL, NULL, 0, 0);
	expect("vertex_ai/grok-4", NULL, NULL, 0, 0);
	expect("gpt-4o-001", NULL, NULL, 0, 0);
	expect("gemini-2.0-flash-000", NULL, NULL, 0, 0);
}

/* ---- rule 8: OpenRouter -------------------------------------------------- */

Test(resolve, openrouter_vendor_paths)
{
	expect("openrouter/openai/gpt-4o", NULL, "gpt-4o-2024-08-06",
	       LLMCOST_RULE_OPENROUTER, 0);
	expect("openrouter/anthropic/claude-sonnet-4.5", NULL,
	       "claude-sonnet-4-5-20250929", LLMCOST_RULE_OPENROUTER, 0);
	expect("openrouter/x-ai/grok-4", NULL, "xai/grok-4",
	       LLMCOST_RULE_OPENROUTER, 0);
	expect("openrouter/deepseek/deepseek-chat", NULL,
	       "deepseek/deepseek-chat", LLMCOST_RULE_OPENROUTER, 0);
	expect("openrouter/google/gemini-2.0-flash", NULL,
	       "gemini-2.0-flash", LLMCOST_RULE_OPENROUTER, 0);
	/* An open-weights model's price depends on who serves it. */
	expect("openrouter/meta-llama/gpt-4o", NULL, NULL, 0, 0);
	expect("openrouter/gpt-4o", NULL, NULL, 0, 0);
	expect("openrouter/openai/", NULL, NULL, 0, 0);
}

/* ---- rule 9: an unknown dated name --------------------------------------- */

Test(resolve, unknown_dated_names_fall_back_only_as_approximations)
{
	expect("gpt-4o-2024-11-20", NULL, "gpt-4o-2024-08-06",
	       LLMCOST_RULE_UNDATED, LLMCOST_COST_APPROXIMATE);
	expect("openai/gpt-4o-mini-2025-01-01", NULL,
	       "gpt-4o-mini-2024-07-18", LLMCOST_RULE_UNDATED,
	       LLMCOST_COST_APPROXIMATE);
	expect("claude-sonnet-4-5-20251231", NULL,
	       "claude-sonnet-4-5-20250929", LLMCOST_RULE_UNDATED,
	       LLMCOST_COST_APPROXIMATE);
	expect("gpt-4o-0613", NULL, "gpt-4o-2024-08-06",
	       LLMCOST_RULE_UNDATED, LLMCOST_COST_APPROXIMATE);
	/* Not dates: month 13, day 32, a year-month "2507". */
	expect("gpt-4o-2024-13-01", NULL, NULL, 0, 0);
	expect("gpt-4o-20241232", NULL, NULL, 0, 0);
	expect("gpt-4o-2507", NULL, NULL, 0, 0);
}

Test(resolve, an_approximate_price_says_so_on_the_row)
{
	llmcost_cost c;

	cr_assert_eq(price("gpt-4o-2024-11-20", NULL, 1000, 0, &c),
		     LLMCOST_OK);
	cr_assert_eq(c.rule, LLMCOST_RULE_UNDATED);
	cr_assert_eq(c.flags, LLMCOST_COST_APPROXIMATE);
	expect_units(c.total, "2500000000000000");
	cr_assert(strstr(c.note, "dated snapshot can cost more") != NULL,
		  "%s", c.note);
}

/* ---- the cache ----------------------------------------------------------- */

Test(resolve, cached_answers_follow_loads_and_deployments)
{
	static const char more[] =
		"format 1\nmodel brand-new provider=acme\n"
		"price always input=1 output=1\n";
	int i;

	for (i = 0; i < 3; i++)
		expect("brand-new", NULL, NULL, 0, 0);
	cr_assert_eq(llmcost_prices_load_book(prices, more, strlen(more)),
		     LLMCOST_OK);
	for (i = 0; i < 3; i++)
		expect("brand-new", NULL, "brand-new", LLMCOST_RULE_EXACT, 0);
	expect("team-x", NULL, NULL, 0, 0);
	cr_assert_eq(llmcost_prices_add_deployment(prices, "team-x",
						   "brand-new"), LLMCOST_OK);
	expect("team-x", NULL, "brand-new", LLMCOST_RULE_DEPLOYMENT, 0);
}

Test(resolve, the_provider_is_part_of_the_cached_name)
{
	expect("grok-4", NULL, NULL, 0, 0);
	expect("grok-4", "xai", "xai/grok-4", LLMCOST_RULE_ADD_PROVIDER, 0);
	expect("grok-4", "XAI", "xai/grok-4", LLMCOST_RULE_ADD_PROVIDER, 0);
	expect("grok-4", "openai", NULL, 0, 0);
	expect("grok-4", NULL, NULL, 0, 0);
}

Test(resolve, many_names_overflow_the_cache_without_harm)
{
	char name[64];
	int i;

	/* More distinct names than cache slots: answers stay right. */
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "unknown-model-%d", i);
		expect(name, NULL, NULL, 0, 0);
	}
	expect("gpt-4o", NULL, "gpt-4o-2024-08-06", LLMCOST_RULE_EXACT, 0);
	expect("gpt-4o", "openai", "gpt-4o-2024-08-06", LLMCOST_RULE_EXACT,
	       0);
}

Test(resolve, long_names_and_providers_resolve_without_the_cache)
{
	char name[LC_KEY_MAX + 8], prov[100];

	memset(prov, 'p', sizeof(prov) - 1);
	prov[sizeof(prov) - 1] = '\0';
	expect("gpt-4o", prov, "gpt-4o-2024-08-06", LLMCOST_RULE_EXACT, 0);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	expect(name, NULL, NULL, 0, 0);
	cr_assert_eq(llmcost_prices_resolve(NULL, "x", NULL, NULL, NULL,
					    NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_resolve(prices, NULL, NULL, NULL, NULL,
					    NULL), LLMCOST_E_INVALID);
}

/* Threads price a mix of names, old and new to the cache, at once. */
static const char *const mix[] = {
	"gpt-4o", "openrouter/openai/gpt-4o", "unknown-a",
	"gemini-2.0-flash-001",
	"bedrock/us-east-2/us.anthropic.claude-3-haiku-20240307-v1:0",
	"ft:gpt-4o-mini:acme::1", "gpt-4o-2024-11-20", "unknown-b",
	"claude-sonnet-4@20250514", "openai/gpt-4o-mini"
};

struct mix_answer {
	const char *key;
	uint32_t rule;
};

static struct mix_answer answers[LC_ARRAY_LEN(mix)];

static void *resolve_many(void *arg)
{
	long *bad = arg;
	char name[32];
	const char *key;
	uint32_t rule, flags;
	size_t i;
	int n;

	for (n = 0; n < 20000; n++) {
		i = (size_t)n % LC_ARRAY_LEN(mix);
		key = NULL;
		llmcost_prices_resolve(prices, mix[i], NULL, &key, &rule,
				       &flags);
		if (key != answers[i].key || rule != answers[i].rule)
			(*bad)++;
		snprintf(name, sizeof(name), "fresh-%d", n % 5000);
		if (llmcost_prices_resolve(prices, name, NULL, NULL, NULL,
					   NULL) != LLMCOST_E_UNPRICED)
			(*bad)++;
	}
	return NULL;
}

Test(resolve, threads_share_the_cache_safely)
{
	pthread_t t[4];
	long bad[4] = {0};
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(mix); i++) {
		answers[i].key = NULL;
		llmcost_prices_resolve(prices, mix[i], NULL, &answers[i].key,
				       &answers[i].rule, NULL);
	}
	cr_assert_null(answers[2].key);
	cr_assert_not_null(answers[4].key);
	for (i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, resolve_many,
					    &bad[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(bad[i], 0);
	}
}

/* ---- the names from design.md on LiteLLM's real table ------------------- */

Test(resolve_fixture, real_entries_resolve_and_price_by_hand)
{
	llmcost_prices *p;
	llmcost_record r;
	llmcost_cost c;
	const char *key;
	uint32_t rule, flags;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, DEPTH_JSON,
						      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(llmcost_prices_resolve(p, "claude-sonnet-4@20250514",
					    NULL, &key, &rule, &flags),
		     LLMCOST_OK);
	cr_assert_str_eq(key, "vertex_ai/claude-sonnet-4@20250514");
	cr_assert_eq(rule, LLMCOST_RULE_VERTEX);
	cr_assert_eq(llmcost_prices_resolve(p, "gemini-1.5-pro-002", NULL,
					    &key, &rule, &flags), LLMCOST_OK);
	cr_assert_eq(rule, LLMCOST_RULE_EXACT);
	cr_assert_eq(llmcost_prices_resolve(p,
			"bedrock/us-east-2/us.anthropic.claude-3-haiku-"
			"20240307-v1:0", NULL, &key, &rule, &flags),
		     LLMCOST_OK);
	cr_assert_str_eq(key, "us.anthropic.claude-3-haiku-20240307-v1:0");
	cr_assert_eq(rule, LLMCOST_RULE_BEDROCK);
	/* A region-priced Bedrock key wins for its region. */
	cr_assert_eq(llmcost_prices_resolve(p,
			"bedrock/us-gov-east-1/anthropic.claude-3-haiku-"
			"20240307-v1:0", NULL, &key, &rule, &flags),
		     LLMCOST_OK);
	cr_assert_str_eq(key, "bedrock/us-gov-east-1/anthropic.claude-3-"
			 "haiku-20240307-v1:0");
	cr_assert_eq(llmcost_prices_add_deployment(p, "my-deployment",
						   "azure/gpt-4o-2024-08-06"),
		     LLMCOST_OK);
	llmcost_record_init(&r);
	r.model = "azure/my-deployment";
	r.input_tokens = 2000;
	r.cached_tokens = 1000;
	r.output_tokens = 100;
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 1000 * 2.5e-6 + 1000 * 1.25e-6 + 100 * 1e-5 */
	expect_units(c.total, "4750000000000000");
	cr_assert_str_eq(c.price_key, "azure/gpt-4o-2024-08-06");
	r.model = "ft:gpt-4o-mini-2024-07-18:acme::abc123";
	r.cached_tokens = 0;
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 2000 * 3e-7 + 100 * 1.2e-6 */
	expect_units(c.total, "720000000000000");
	cr_assert_eq(c.rule, LLMCOST_RULE_FINE_TUNE);
	llmcost_prices_free(p);
}

Test(resolve_shared, design_names_on_the_newer_table)
{
	static const struct {
		const char *name;
		const char *key;
		int rule;
	} cases[] = {
		{"openai/gpt-4o", "gpt-4o", LLMCOST_RULE_STRIP_PROVIDER},
		{"bedrock/us-east-2/us.anthropic.claude-3-haiku-20240307-v1:0",
		 "us.anthropic.claude-3-haiku-20240307-v1:0",
		 LLMCOST_RULE_BEDROCK},
		{"gemini-1.5-pro-002", "gemini-1.5-pro-002",
		 LLMCOST_RULE_EXACT},
		{"ft:gpt-4o-mini-2024-07-18:acme::abc123",
		 "ft:gpt-4o-mini-2024-07-18", LLMCOST_RULE_FINE_TUNE},
		{"claude-sonnet-4@20250514",
		 "vertex_ai/claude-sonnet-4@20250514", LLMCOST_RULE_VERTEX},
		{"openrouter/anthropic/claude-sonnet-4.5",
		 "openrouter/anthropic/claude-sonnet-4.5", LLMCOST_RULE_EXACT},
		{"openrouter/x-ai/grok-4", "openrouter/x-ai/grok-4",
		 LLMCOST_RULE_EXACT},
		{"openrouter/x-ai/grok-code-fast-9", NULL, 0},
		{"openrouter/openai/gpt-4o-mini-2024-07-18",
		 "gpt-4o-mini-2024-07-18", LLMCOST_RULE_OPENROUTER},
		{"vertex_ai/gemini-2.5-pro", "gemini-2.5-pro",
		 LLMCOST_RULE_VERTEX},
		{"eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
		 "eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
		 LLMCOST_RULE_EXACT},
	};
	llmcost_prices *p;
	const char *key;
	uint32_t rule;
	size_t i;

	if (access(NEW_TABLE, R_OK) != 0)
		cr_skip_test("shared data not found: %s", NEW_TABLE);
	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, NEW_TABLE,
						      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK);
	for (i = 0; i < LC_ARRAY_LEN(cases); i++) {
		key = NULL;
		if (cases[i].key == NULL) {
			cr_assert_eq(llmcost_prices_resolve(p, cases[i].name,
							    NULL, &key, &rule,
							    NULL),
				     LLMCOST_E_UNPRICED, "%s", cases[i].name);
			continue;
		}
		cr_assert_eq(llmcost_prices_resolve(p, cases[i].name, NULL,
						    &key, &rule, NULL),
			     LLMCOST_OK, "%s", cases[i].name);
		cr_assert_str_eq(key, cases[i].key, "%s", cases[i].name);
		cr_assert_eq(rule, (uint32_t)cases[i].rule, "%s: %s",
			     cases[i].name, llmcost_rule_name(rule));
	}
	llmcost_prices_free(p);
}
