/* The price-table lint: each kind of mistake on a small table made for it,
 * and the findings on the two public LiteLLM tables. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define LINT_JSON LLMCOST_FIXTURES "/prices/lint_litellm.json"
#define NEW_TABLE LLMCOST_SHARED_DATA "/pricing/litellm_model_prices.json"
#define OLD_TABLE \
	LLMCOST_SHARED_DATA "/pricing/litellm_model_prices_2025-05-31.json"

static int64_t ms(const char *when)
{
	int64_t v;

	cr_assert_eq(lc_time_parse(when, strlen(when), &v), LLMCOST_OK);
	return v;
}

static llmcost_lint *lint_of(const llmcost_prices *p)
{
	llmcost_lint *l = NULL;

	cr_assert_eq(llmcost_prices_lint(p, &l), LLMCOST_OK, "%s",
		     llmcost_last_error());
	cr_assert_not_null(l);
	return l;
}

/* Number of findings of a kind (0: any) on a key (NULL: any). */
static int count(const llmcost_lint *l, int kind, const char *key)
{
	const char *k;
	size_t i;
	int n = 0, kd;

	for (i = 0; i < llmcost_lint_count(l); i++) {
		cr_assert_eq(llmcost_lint_finding(l, i, &kd, &k, NULL, NULL),
			     LLMCOST_OK);
		n += (kind == 0 || kd == kind) &&
		     (key == NULL || strcmp(k, key) == 0);
	}
	return n;
}

/* Whether a finding has this kind, key, field and message words. */
static int has(const llmcost_lint *l, int kind, const char *key,
	       const char *field, const char *words)
{
	const char *k, *f, *m;
	size_t i;
	int kd;

	for (i = 0; i < llmcost_lint_count(l); i++) {
		llmcost_lint_finding(l, i, &kd, &k, &f, &m);
		if (kd == kind && strcmp(k, key) == 0 &&
		    strcmp(f, field) == 0 && strstr(m, words) != NULL)
			return 1;
	}
	return 0;
}

Test(lint, each_kind_on_the_table_made_for_it)
{
	llmcost_prices *p;
	llmcost_lint *l;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, LINT_JSON,
						      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK);
	l = lint_of(p);
	cr_assert_eq(count(l, 0, "clean"), 0);
	cr_assert_eq(count(l, 0, "an-embedding"), 0);
	cr_assert(has(l, LLMCOST_LINT_CACHE_READ_DEAR, "dear-read",
		      "cache_read", "cache read 2 USD/M is dearer than "
		      "input 1"));
	cr_assert(has(l, LLMCOST_LINT_CACHE_WRITE_CHEAP, "cheap-write",
		      "cache_write_5m", "cache write 1 USD/M is cheaper than "
		      "input 3"));
	cr_assert(has(l, LLMCOST_LINT_WRITE_1H_MULTIPLE, "claude-odd-1h",
		      "cache_write_1h", "not 2x input 3"));
	cr_assert(has(l, LLMCOST_LINT_SCALE, "scaled-output", "output",
		      "output 2000 USD/M is about 1000x off input 1"));
	cr_assert(has(l, LLMCOST_LINT_SCALE, "host-c/Some-Model", "input",
		      "input 1100 USD/M is about 1000x off 1.2 for "
		      "'host-b/some-model'"));
	cr_assert_eq(count(l, 0, "host-a/some-model"), 0);
	cr_assert_eq(count(l, 0, "host-b/some-model"), 0);
	cr_assert(has(l, LLMCOST_LINT_OUTPUT_CHEAP, "cheap-output", "output",
		      "output 1 USD/M is cheaper than input 5"));
	cr_assert(has(l, LLMCOST_LINT_TIER_ORDER, "bad-tiers",
		      "input_above_128000", "cheaper than the standard 1"));
	cr_assert(has(l, LLMCOST_LINT_TIER_ORDER, "bad-tiers", "input_batch",
		      "batch 2 USD/M is dearer than the standard 1"));
	cr_assert(has(l, LLMCOST_LINT_TIER_ORDER, "bad-tiers",
		      "input_priority", "cheaper than the standard 1"));
	cr_assert(has(l, LLMCOST_LINT_BAD_RATE, "bad-rates",
		      "input_cost_per_token", "negative"));
	cr_assert(has(l, LLMCOST_LINT_BAD_RATE, "bad-rates",
		      "cache_read_input_token_cost", "a string"));
	cr_assert(has(l, LLMCOST_LINT_BAD_RATE, "bad-rates",
		      "output_cost_per_token", "finer than 10^-18"));
	/* The 1000x input also makes its own output look cheap and far. */
	cr_assert_eq(count(l, 0, "host-c/Some-Model"), 3);
	/* Nothing else: every finding above is counted once. */
	cr_assert_eq(llmcost_lint_count(l), 14);
	llmcost_lint_free(l);
	llmcost_prices_free(p);
}

Test(lint, a_rate_that_moves_1000x_in_its_history)
{
	static const char book[] =
		"format 1\nmodel m provider=acme\n"
		"price 2025-01-01 input=200 output=200\n"
		"price 2025-06-01 input=0.20 output=0.20\n"
		"model n provider=acme\n"
		"price 2025-01-01 input=10 output=40\n"
		"price 2025-06-01 input=2 output=8\n";
	llmcost_prices *p;
	llmcost_lint *l;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_book(p, book, strlen(book)),
		     LLMCOST_OK);
	l = lint_of(p);
	cr_assert_eq(llmcost_lint_count(l), 2);
	cr_assert(has(l, LLMCOST_LINT_SCALE, "m", "input", "input moved "
		      "about 1000x, from 200 USD/M (2025-01-01T00:00:00Z) to "
		      "0.2 (2025-06-01T00:00:00Z)"));
	cr_assert(has(l, LLMCOST_LINT_SCALE, "m", "output", "output moved"));
	llmcost_lint_free(l);
	llmcost_prices_free(p);
}

Test(lint, arguments_and_names)
{
	llmcost_lint *l = (llmcost_lint *)1;
	llmcost_prices *p;
	int kind = -1;

	cr_assert_eq(llmcost_prices_lint(NULL, &l), LLMCOST_E_INVALID);
	cr_assert_null(l);
	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_lint(p, NULL), LLMCOST_E_INVALID);
	l = lint_of(p);
	cr_assert_eq(llmcost_lint_count(l), 0);
	cr_assert_eq(llmcost_lint_finding(l, 0, &kind, NULL, NULL, NULL),
		     LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_lint_finding(NULL, 0, &kind, NULL, NULL, NULL),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_lint_count(NULL), 0);
	cr_assert_str_eq(llmcost_lint_kind_name(LLMCOST_LINT_SCALE), "scale");
	cr_assert_str_eq(llmcost_lint_kind_name(0), "");
	llmcost_lint_free(l);
	llmcost_prices_free(p);
}

/* ---- the two public tables --------------------------------------------- */

static llmcost_prices *load_shared(const char *path, int64_t when)
{
	llmcost_prices *p;

	if (access(path, R_OK) != 0)
		cr_skip_test("shared data not found: %s", path);
	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm_file(p, path, when),
		     LLMCOST_OK);
	return p;
}

Test(lint_shared, findings_on_the_newer_table)
{
	llmcost_prices *p = load_shared(NEW_TABLE, LLMCOST_TIME_UNKNOWN);
	llmcost_lint *l = lint_of(p);

	/* LiteLLM's flat $6 1-hour write on old Claude models. */
	cr_assert(has(l, LLMCOST_LINT_WRITE_1H_MULTIPLE,
		      "claude-3-haiku-20240307", "cache_write_1h",
		      "1-hour cache write 6 USD/M is not 2x input 0.25"));
	cr_assert(has(l, LLMCOST_LINT_CACHE_WRITE_CHEAP,
		      "claude-3-opus-20240229", "cache_write_1h",
		      "cheaper than input 15"));
	/* A cache-read rate filed as a long-context cache-write rate. */
	cr_assert(has(l, LLMCOST_LINT_CACHE_WRITE_CHEAP,
		      "gemini-3-pro-preview", "cache_write_5m_above_200000",
		      "cache write 0.25 USD/M"));
	/* Rates in the wrong unit, a thousand times too dear. */
	cr_assert(has(l, LLMCOST_LINT_SCALE, "wandb/openai/gpt-oss-120b",
		      "input", "input 15000 USD/M is about 1000x off"));
	cr_assert_eq(count(l, LLMCOST_LINT_BAD_RATE, NULL), 0);
	cr_assert_eq(count(l, LLMCOST_LINT_CACHE_READ_DEAR, NULL), 0);
	cr_assert_eq(count(l, LLMCOST_LINT_WRITE_1H_MULTIPLE, NULL), 5);
	cr_assert_eq(count(l, LLMCOST_LINT_CACHE_WRITE_CHEAP, NULL), 20);
	cr_assert_eq(count(l, LLMCOST_LINT_SCALE, NULL), 28);
	cr_assert_eq(count(l, LLMCOST_LINT_OUTPUT_CHEAP, NULL), 15);
	cr_assert_eq(count(l, LLMCOST_LINT_TIER_ORDER, NULL), 2);
	llmcost_lint_free(l);
	llmcost_prices_free(p);
}

Test(lint_shared, findings_on_the_older_table_and_the_history)
{
	llmcost_prices *p = load_shared(OLD_TABLE, ms("2025-05-31"));
	llmcost_lint *l = lint_of(p);

	cr_assert_eq(llmcost_lint_count(l), 15);
	cr_assert_eq(count(l, LLMCOST_LINT_CACHE_WRITE_CHEAP, NULL), 4);
	cr_assert_eq(count(l, LLMCOST_LINT_OUTPUT_CHEAP, NULL), 9);
	cr_assert(has(l, LLMCOST_LINT_TIER_ORDER, "gemini-2.0-flash-exp",
		      "input_above_128000", "cheaper than the standard"));
	llmcost_lint_free(l);
	if (access(NEW_TABLE, R_OK) != 0)
		cr_skip_test("shared data not found: %s", NEW_TABLE);
	/* Both as a history: the watsonx Granite rate that was 1000x too
	 * dear in May shows as a 1000x move. */
	cr_assert_eq(llmcost_prices_load_litellm_file(p, NEW_TABLE,
						      ms("2025-11-21")),
		     LLMCOST_OK);
	l = lint_of(p);
	cr_assert(has(l, LLMCOST_LINT_SCALE,
		      "watsonx/ibm/granite-3-8b-instruct", "input",
		      "input moved about 1000x, from 200 USD/M"));
	llmcost_lint_free(l);
	llmcost_prices_free(p);
}
