/* Contracts: negotiated discounts, fixed unit rates and commitment
 * discounts, and the list, contracted and effective cost of each row. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

#define ACME LLMCOST_FIXTURES "/prices/acme.contract"

/* Rates are USD per million tokens. */
static const char book_text[] =
	"format 1\n"
	"model gpt-4o provider=openai\n"
	"price always input=2.50 output=10 cache_read=1.25\n"
	"model o3 provider=openai\n"
	"price always input=2 output=8\n"
	"model claude-sonnet-4-5-20250929 provider=anthropic\n"
	"price always input=3 output=15 cache_read=0.30\n"
	"model mistral-large provider=mistral\n"
	"price always input=2 output=6\n"
	"model tiny provider=acme\n"
	"price always input=0.000000000001 output=1\n";

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

TestSuite(contract, .init = setup, .fini = teardown);

static int64_t ms(const char *when)
{
	int64_t v;

	cr_assert_eq(lc_time_parse(when, strlen(when), &v), LLMCOST_OK);
	return v;
}

static void load(const char *text)
{
	cr_assert_eq(llmcost_prices_load_contract(prices, text, strlen(text)),
		     LLMCOST_OK, "%s", llmcost_last_error());
}

static llmcost_cost price_at(const char *model, int64_t in, int64_t out,
			     const char *when)
{
	llmcost_record r;
	llmcost_cost c;

	llmcost_record_init(&r);
	r.model = model;
	r.input_tokens = in;
	r.output_tokens = out;
	if (when != NULL)
		r.timestamp_ms = ms(when);
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(prices, &r, &c), LLMCOST_OK, "%s", c.note);
	return c;
}

static void expect_usd(llmcost_money m, const char *want)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cr_assert_gt(llmcost_money_format(m, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, want);
}

/* The three costs of one row. */
static void expect3(const llmcost_cost *c, const char *list,
		    const char *contracted, const char *effective)
{
	expect_usd(c->list_cost, list);
	expect_usd(c->total, list);
	expect_usd(c->contracted_cost, contracted);
	expect_usd(c->effective_cost, effective);
}

Test(contract, without_a_contract_all_three_costs_are_list)
{
	llmcost_cost c = price_at("gpt-4o", 1000, 1000, NULL);
	int i;

	/* 1000 * 2.5e-6 + 1000 * 10e-6 */
	expect3(&c, "0.0125", "0.0125", "0.0125");
	cr_assert_eq(c.flags, 0);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		cr_assert_eq(llmcost_money_cmp(c.contracted_component[i],
					       c.component[i]), 0);
}

Test(contract, the_example_file_prices_by_hand)
{
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_load_contract_file(prices, ACME),
		     LLMCOST_OK, "%s", llmcost_last_error());
	/* gpt-4o in 2025: 30% off 0.0125 = 0.00875; then 5% off. */
	c = price_at("gpt-4o", 1000, 1000, "2025-06-01");
	expect3(&c, "0.0125", "0.00875", "0.0083125");
	cr_assert_eq(c.flags, LLMCOST_COST_CONTRACT);
	cr_assert(strstr(c.note, "contract line 6: discount 30%") != NULL,
		  "%s", c.note);
	cr_assert(strstr(c.note, "contract line 13: commitment discount "
			 "5%") != NULL, "%s", c.note);
	/* gpt-4o in 2026: the model term has ended; OpenAI's 20% applies. */
	c = price_at("gpt-4o", 1000, 1000, "2026-01-01");
	expect3(&c, "0.0125", "0.01", "0.0095");
	/* o3: OpenAI's 20%. 1000 * 2e-6 + 1000 * 8e-6 = 0.01 */
	c = price_at("o3", 1000, 1000, "2025-06-01");
	expect3(&c, "0.01", "0.008", "0.0076");
	/* Claude: fixed 2.40 and 12 per million instead of 3 and 15. */
	c = price_at("claude-sonnet-4-5-20250929", 1000, 1000, NULL);
	expect3(&c, "0.018", "0.0144", "0.01368");
	expect_usd(c.contracted_component[LLMCOST_C_INPUT], "0.0024");
	expect_usd(c.contracted_component[LLMCOST_C_OUTPUT], "0.012");
	cr_assert_str_eq(c.price_provider, "anthropic");
	/* Mistral: no discount, but the commitment still counts. */
	c = price_at("mistral-large", 1000, 1000, NULL);
	expect3(&c, "0.008", "0.008", "0.0076");
}

Test(contract, fixed_rates_cover_only_the_buckets_they_name)
{
	llmcost_record r;
	llmcost_cost c;

	load("format 1\n"
	     "rate model=claude-sonnet-4-5-20250929 input=2.40 output=12\n"
	     "discount all percent=10\n");
	llmcost_record_init(&r);
	r.model = "claude-sonnet-4-5-20250929";
	r.input_tokens = 2000;
	r.cached_tokens = 1000;
	r.output_tokens = 100;
	r.reasoning_tokens = 40;
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(prices, &r, &c), LLMCOST_OK, "%s", c.note);
	/* list: 1000 * 3 + 1000 * 0.30 + 60 * 15 + 40 * 15 = 4800 per M.
	 * contracted: 1000 * 2.40 + 1000 * 0.30 * 0.9 + 100 * 12 = 3870:
	 * reasoning takes the fixed output rate, the cache read the 10%. */
	expect3(&c, "0.0048", "0.00387", "0.00387");
}

Test(contract, the_most_specific_term_wins_then_the_last_loaded)
{
	llmcost_cost c;

	load("format 1\ndiscount all percent=10\n"
	     "discount provider=OpenAI percent=20\n");
	c = price_at("o3", 1000, 1000, NULL);
	expect_usd(c.contracted_cost, "0.008");
	c = price_at("mistral-large", 1000, 1000, NULL);
	expect_usd(c.contracted_cost, "0.0072");
	load("format 1\ndiscount provider=openai percent=25\n");
	c = price_at("o3", 1000, 1000, NULL);
	expect_usd(c.contracted_cost, "0.0075");
	load("format 1\ndiscount model=O3 percent=50\n");
	c = price_at("o3", 1000, 1000, NULL);
	expect_usd(c.contracted_cost, "0.005");
}

Test(contract, terms_can_be_limited_to_a_service_tier)
{
	llmcost_record r;
	llmcost_cost c;

	load("format 1\ndiscount all percent=10 tier=batch\n");
	c = price_at("o3", 1000, 1000, NULL);
	expect3(&c, "0.01", "0.01", "0.01");
	cr_assert_eq(c.flags, 0);
	llmcost_record_init(&r);
	r.model = "o3";
	r.input_tokens = 1000;
	r.output_tokens = 1000;
	r.service_tier = "batch";
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(prices, &r, &c), LLMCOST_OK);
	expect3(&c, "0.005", "0.0045", "0.0045");
}

Test(contract, unknown_time_takes_open_ended_terms_only)
{
	llmcost_cost c;

	load("format 1\ndiscount all percent=10 from=2025-01-01\n"
	     "discount model=o3 percent=50 until=2025-01-01\n");
	c = price_at("o3", 1000, 1000, NULL);
	expect_usd(c.contracted_cost, "0.009");
	c = price_at("o3", 1000, 1000, "2024-12-31T23:59:59Z");
	expect_usd(c.contracted_cost, "0.005");
	c = price_at("o3", 1000, 1000, "2025-01-01");
	expect_usd(c.contracted_cost, "0.009");
}

Test(contract, four_decimal_percentages_stay_exact)
{
	llmcost_cost c;

	load("format 1\ndiscount all percent=12.3456\n");
	/* 0.01 * (1 - 0.123456) = 0.00876544, to the last unit */
	c = price_at("o3", 1000, 1000, NULL);
	expect_usd(c.contracted_cost, "0.00876544");
	cr_assert_eq(c.flags, LLMCOST_COST_CONTRACT);
}

Test(contract, a_cost_finer_than_the_percentage_is_rounded_and_flagged)
{
	llmcost_cost c;
	char units[64];

	load("format 1\ndiscount model=tiny percent=50\n");
	/* 3 tokens at 1 unit (10^-18 USD): 1.5 units, half to even: 2. */
	c = price_at("tiny", 3, 0, NULL);
	cr_assert_gt(lc_i128_format(lc_money_to_i128(c.contracted_cost),
				    units, sizeof(units)), 0);
	cr_assert_str_eq(units, "2");
	cr_assert_eq(c.flags, LLMCOST_COST_CONTRACT | LLMCOST_COST_ROUNDED);
}

Test(contract, unpriced_rows_carry_no_money)
{
	llmcost_record r;
	llmcost_cost c;

	load("format 1\ndiscount all percent=10\n");
	llmcost_record_init(&r);
	r.model = "nope";
	r.input_tokens = 5;
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(prices, &r, &c), LLMCOST_E_UNPRICED);
	expect3(&c, "0", "0", "0");
	cr_assert_eq(c.flags & LLMCOST_COST_CONTRACT, 0);
	cr_assert_eq(c.units[LLMCOST_C_INPUT], 5);
}

Test(contract, bad_contracts_fail_whole_and_name_the_line)
{
	static const struct {
		const char *text;
		int status;
		const char *words;
	} cases[] = {
		{"discount all percent=10\n", LLMCOST_E_PARSE,
		 "expected 'format 1' first"},
		{"", LLMCOST_E_PARSE, "no 'format 1' line"},
		{"format 2\n", LLMCOST_E_VERSION, "format 2"},
		{"format 1\nrebate all percent=1\n", LLMCOST_E_PARSE,
		 "line 2: unknown keyword 'rebate'"},
		{"format 1\ndiscount percent=1\n", LLMCOST_E_PARSE,
		 "expected a scope"},
		{"format 1\ndiscount all\n", LLMCOST_E_PARSE,
		 "percent=P is required"},
		{"format 1\ndiscount all percent=100.5\n", LLMCOST_E_PARSE,
		 "0 to 100"},
		{"format 1\ndiscount all percent=-1\n", LLMCOST_E_PARSE,
		 "0 to 100"},
		{"format 1\ndiscount all percent=1.23456\n", LLMCOST_E_PARSE,
		 "more than 4 decimals"},
		{"format 1\ndiscount all percent=1 percent=2\n",
		 LLMCOST_E_PARSE, "given twice"},
		{"format 1\ndiscount all percent=1 from=2025-02-30\n",
		 LLMCOST_E_PARSE, "expected a date"},
		{"format 1\ndiscount all percent=1 from=2025-02-01 "
		 "until=2025-01-01\n", LLMCOST_E_PARSE, "not after"},
		{"format 1\ndiscount all percent=1 tier=gold\n",
		 LLMCOST_E_PARSE, "unknown service tier 'gold'"},
		{"format 1\nrate model=m\n", LLMCOST_E_PARSE,
		 "at least one rate"},
		{"format 1\nrate model=m input=-2\n", LLMCOST_E_PARSE,
		 "input=-2"},
		{"format 1\nrate model=m turbo=2\n", LLMCOST_E_PARSE,
		 "unknown setting 'turbo'"},
		{"format 1\nrate model=m input_batch=2\n", LLMCOST_E_PARSE,
		 "unknown setting 'input_batch'"},
		{"format 1\nrate model=m input=1 input=2\n", LLMCOST_E_PARSE,
		 "given twice"},
		{"format 1\ncommitment all percent=5 input=2\n",
		 LLMCOST_E_PARSE, "unknown setting 'input'"},
		{"format 1\ndiscount all percent=1\x01\n", LLMCOST_E_PARSE,
		 "control character"},
	};
	llmcost_cost c;
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(cases); i++) {
		cr_assert_eq(llmcost_prices_load_contract(prices, cases[i].text,
					strlen(cases[i].text)),
			     cases[i].status, "%s", cases[i].text);
		cr_assert(strstr(llmcost_last_error(), cases[i].words) != NULL,
			  "%s -> %s", cases[i].text, llmcost_last_error());
	}
	/* Nothing of the failed loads took effect. */
	c = price_at("o3", 1000, 1000, NULL);
	expect3(&c, "0.01", "0.01", "0.01");
	cr_assert_eq(llmcost_prices_load_contract(NULL, "", 0),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_load_contract_file(prices, "/nonexistent"),
		     LLMCOST_E_IO);
}

Test(contract, comments_blank_lines_crlf_and_bom_are_fine)
{
	llmcost_cost c;

	load("\xef\xbb\xbf# terms\r\nformat 1\r\n\r\n"
	     "discount all percent=10   # ten\r\n");
	c = price_at("o3", 1000, 1000, NULL);
	expect_usd(c.contracted_cost, "0.009");
}

Test(contract, a_contract_without_terms_changes_nothing)
{
	llmcost_cost c;

	load("format 1\n# nothing agreed yet\n");
	load("format 1\n");
	c = price_at("o3", 1000, 1000, NULL);
	expect3(&c, "0.01", "0.01", "0.01");
	cr_assert_eq(c.flags, 0);
}
