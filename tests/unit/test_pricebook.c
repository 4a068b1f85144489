/* The price book loader: the format, its errors with line numbers, and
 * the book compiled into the library. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

#define MINI_BOOK LLMCOST_FIXTURES "/prices/mini.book"
#define BAD_BOOK LLMCOST_FIXTURES "/prices/bad_line7.book"

extern const char lc_default_pricebook[];
extern const size_t lc_default_pricebook_len;

static int64_t ms(const char *when)
{
	int64_t v;

	cr_assert_eq(lc_time_parse(when, strlen(when), &v), LLMCOST_OK);
	return v;
}

static int load(llmcost_prices *p, const char *text)
{
	return llmcost_prices_load_book(p, text, strlen(text));
}

static llmcost_prices *fresh(void)
{
	llmcost_prices *p;

	cr_assert_eq(llmcost_prices_new(&p), LLMCOST_OK);
	return p;
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

Test(pricebook, rates_per_million_become_units_per_token)
{
	llmcost_prices *p = fresh();
	llmcost_cost c;

	cr_assert_eq(load(p, "format 1\n"
			     "model m\n"
			     "price always input=2.50 output=0.000000000001 "
			     "cache_read=1.25e-1\n"),
		     LLMCOST_OK, "%s", llmcost_last_error());
	/* $2.50 per million is 2.5e-6 USD, 2500000000000 units, a token. */
	cr_assert_eq(price(p, "m", 1, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "2500000000000");
	/* $10^-12 per million is one unit of 10^-18 USD a token. */
	cr_assert_eq(price(p, "m", 0, 7, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "7");
	llmcost_prices_free(p);
}

Test(pricebook, fixture_with_alias_dates_comments_and_blank_lines)
{
	llmcost_prices *p = fresh();
	llmcost_cost c;

	cr_assert_eq(llmcost_prices_load_book_file(p, MINI_BOOK), LLMCOST_OK,
		     "%s", llmcost_last_error());
	cr_assert_eq(llmcost_prices_count(p), 3);
	cr_assert_eq(price(p, "gpt-4o", 1000000, 0, ms("2024-06-01"), &c),
		     LLMCOST_OK);
	expect_units(c.total, "5000000000000000000");
	cr_assert_eq(price(p, "gpt-4o", 1000000, 0, ms("2024-10-01"), &c),
		     LLMCOST_OK);
	expect_units(c.total, "2500000000000000000");
	cr_assert_eq(price(p, "claude-3-7-sonnet-latest", 0, 1000000,
			   LLMCOST_TIME_UNKNOWN, &c), LLMCOST_OK);
	expect_units(c.total, "15000000000000000000");
	cr_assert_str_eq(c.price_key, "claude-3-7-sonnet-20250219");
	llmcost_prices_free(p);
}

Test(pricebook, crlf_bom_tabs_and_trailing_comments_are_fine)
{
	llmcost_prices *p = fresh();

	cr_assert_eq(load(p, "\xef\xbb\xbf# header\r\n"
			     "format 1\r\n"
			     "\r\n"
			     "\tmodel  a\tprovider=acme   # the model\r\n"
			     "price 2025-01-01 input=1 output=2\r\n"
			     "   \r\n"
			     "# end"),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(llmcost_prices_count(p), 1);
	llmcost_prices_free(p);
}

Test(pricebook, empty_and_comment_only_books_load_nothing)
{
	llmcost_prices *p = fresh();

	cr_assert_eq(llmcost_prices_load_book(p, NULL, 0), LLMCOST_OK);
	cr_assert_eq(load(p, ""), LLMCOST_OK);
	cr_assert_eq(load(p, "# nothing here\n\n"), LLMCOST_OK);
	cr_assert_eq(load(p, "format 1\n"), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_count(p), 0);
	llmcost_prices_free(p);
}

struct bad_case {
	const char *text;
	int status;
	const char *detail;
};

static const struct bad_case bad_cases[] = {
	{"format 1\nmodel a\nprize 2025-01-01 input=1\n", LLMCOST_E_PARSE,
	 "line 3: unknown keyword 'prize'"},
	{"format 1\nmodel a\nprice 2025-01-01 inptu=1\n", LLMCOST_E_PARSE,
	 "line 3: unknown rate 'inptu'"},
	{"format 1\nmodel a\nprice 2025-01-01 input=1.2.3\n",
	 LLMCOST_E_PARSE, "line 3: input=1.2.3: not a decimal number"},
	{"format 1\nmodel a\nprice 2025-01-01 input=-1\n", LLMCOST_E_PARSE,
	 "line 3: input=-1: negative"},
	{"format 1\nmodel a\nprice 2025-01-01 input=0.0000000000001\n",
	 LLMCOST_E_PARSE, "line 3: input=0.0000000000001: finer than"},
	{"format 1\nmodel a\nprice 2025-01-01 input=1e40\n",
	 LLMCOST_E_PARSE, "line 3: input=1e40: out of range"},
	{"format 1\nmodel a\nprice 2025-01-01 input=1\n"
	 "price 2025-01-01 input=2\n", LLMCOST_E_PARSE,
	 "line 4: second price for 'a' on that date (first at line 3)"},
	{"format 1\nmodel a\nprice always input=1\nprice always input=2\n",
	 LLMCOST_E_PARSE, "line 4: second price for 'a'"},
	{"format 1\nprice 2025-01-01 input=1\n", LLMCOST_E_PARSE,
	 "line 2: price before any model"},
	{"format 1\nalias b\n", LLMCOST_E_PARSE,
	 "line 2: alias before any model"},
	{"model a\nprice always input=1\n", LLMCOST_E_PARSE,
	 "line 1: expected 'format 1' before 'model'"},
	{"format 2\nmodel a\n", LLMCOST_E_VERSION,
	 "line 1: format 2 is not supported"},
	{"format one\n", LLMCOST_E_PARSE, "line 1: bad format number"},
	{"format 1\nformat 1\n", LLMCOST_E_PARSE,
	 "line 2: 'format' must be the first line"},
	{"format 1\nmodel a\nmodel b\nprice always input=1\n",
	 LLMCOST_E_PARSE, "line 2: model 'a' has no price line"},
	{"format 1\n\nmodel a\n", LLMCOST_E_PARSE,
	 "line 3: model 'a' has no price line"},
	{"format 1\nmodel a\nprice always input=1\nmodel A\n",
	 LLMCOST_E_PARSE, "line 4: model 'A' already named at line 2"},
	{"format 1\nmodel a\nalias b\nprice always input=1\nmodel c\n"
	 "alias B\n", LLMCOST_E_PARSE,
	 "line 6: alias 'B' already named at line 3"},
	{"format 1\nmodel a\nalias a\n", LLMCOST_E_PARSE,
	 "line 3: alias 'a' already named at line 2"},
	{"format 1\nmodel a\nprice always input=1 input_above=2\n",
	 LLMCOST_E_PARSE, "line 3: *_above rates need above=TOKENS"},
	{"format 1\nmodel a\nprice always input=1 above=10\n",
	 LLMCOST_E_PARSE, "line 3: above= without any *_above rate"},
	{"format 1\nmodel a\nprice always input=1 above=0 input_above=2\n",
	 LLMCOST_E_PARSE, "line 3: above=0: expected a positive whole"},
	{"format 1\nmodel a\nprice always input=1 above=1.5 input_above=2\n",
	 LLMCOST_E_PARSE, "line 3: above=1.5"},
	{"format 1\nmodel a\nprice 2025-02-30 input=1\n", LLMCOST_E_PARSE,
	 "line 3: no such date '2025-02-30'"},
	{"format 1\nmodel a\nprice 2025-13-01 input=1\n", LLMCOST_E_PARSE,
	 "line 3: no such date"},
	{"format 1\nmodel a\nprice 2025-1-01 input=1\n", LLMCOST_E_PARSE,
	 "line 3: bad date '2025-1-01'"},
	{"format 1\nmodel a\nprice 2025-01-01T00:00 input=1\n",
	 LLMCOST_E_PARSE, "line 3: bad date"},
	{"format 1\nmodel a\nprice 2025-01-01\n", LLMCOST_E_PARSE,
	 "line 3: price line has no rate"},
	{"format 1\nmodel a\nprice\n", LLMCOST_E_PARSE,
	 "line 3: expected 'price DATE"},
	{"format 1\nmodel a\nprice always input=1 input=2\n",
	 LLMCOST_E_PARSE, "line 3: 'input' given twice"},
	{"format 1\nmodel a\nprice always input=\n", LLMCOST_E_PARSE,
	 "line 3: expected NAME=VALUE, got 'input='"},
	{"format 1\nmodel a\nprice always input\n", LLMCOST_E_PARSE,
	 "line 3: expected NAME=VALUE"},
	{"format 1\nmodel a vendor=x\n", LLMCOST_E_PARSE,
	 "line 2: unknown model setting 'vendor=x'"},
	{"format 1\nmodel a provider=x provider=y\n", LLMCOST_E_PARSE,
	 "line 2: provider given twice"},
	{"format 1\nmodel\n", LLMCOST_E_PARSE, "line 2: expected 'model KEY'"},
	{"format 1\nmodel a\nalias\n", LLMCOST_E_PARSE,
	 "line 3: expected 'alias KEY'"},
	{"format 1\nmodel a=b\n", LLMCOST_E_PARSE, "line 2: model key"},
	{"format 1\nmodel a\x01\n", LLMCOST_E_PARSE,
	 "line 2: control character 0x01"},
	{"format 1\nmodel a\rprice always input=1\n", LLMCOST_E_PARSE,
	 "line 2: control character 0x0d"},
	{"format 1\nmodel a\nprice always input=1e30\n", LLMCOST_E_PARSE,
	 "line 3: input=1e30: out of range"},
	{"format 1\nmodel a\nprice always input=1 input_turbo=2\n",
	 LLMCOST_E_PARSE, "line 3: unknown rate 'input_turbo'"},
	{"format 1\nmodel a\nprice always input=1 input_batch=1 "
	 "input_batch=2\n", LLMCOST_E_PARSE,
	 "line 3: 'input_batch' given twice"},
	{"format 1\nmodel a\nprice always input=1 "
	 "web_search=0.0000000000000001\n", LLMCOST_E_PARSE,
	 "finer than 10^-15 USD per thousand calls"},
	{"format 1\nmodel a\nprice always input=1 regional=0\n",
	 LLMCOST_E_PARSE, "line 3: regional=0: expected a factor"},
	{"format 1\nmodel a\nprice always input=1 regional=1.0000001\n",
	 LLMCOST_E_PARSE, "regional=1.0000001"},
	{"format 1\nmodel a\nprice always input=1 regional=1.1 "
	 "regional=1.2\n", LLMCOST_E_PARSE, "'regional' given twice"},
};

Test(pricebook, new_settings_read_in_their_units)
{
	static const char text[] =
		"format 1\nmodel m provider=openai\n"
		"price always input=2 output=8 input_audio=40 output_audio=80 "
		"input_image=3 output_image=30 input_video=4 request=5 "
		"web_search_low=25 web_search=30 web_search_high=35 "
		"file_search=2.5 input_batch=1 output_batch=4 input_flex=1.5 "
		"input_priority=3.5 output_priority=14 regional=1.05\n";
	llmcost_prices *p = fresh();
	llmcost_record r;
	llmcost_cost c;
	char usd[LLMCOST_MONEY_STRLEN];

	cr_assert_eq(load(p, text), LLMCOST_OK, "%s", llmcost_last_error());
	llmcost_record_init(&r);
	r.model = "m";
	r.input_tokens = 10000;
	r.input_audio_tokens = 1000;
	r.input_image_tokens = 1000;
	r.input_video_tokens = 1000;
	r.output_tokens = 3000;
	r.output_audio_tokens = 1000;
	r.output_image_tokens = 1000;
	r.request_count = 2;
	r.web_search_requests = 1;
	r.file_search_requests = 4;
	r.search_context_size = "low";
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* Tokens, per M: 7000 * 2 + 1000 * (40 + 3 + 4) + 1000 * 8 +
	 * 1000 * (80 + 30) = 179000, so 0.179; calls: 2 * 0.005 +
	 * 0.025 + 4 * 0.0025 = 0.045. */
	cr_assert_gt(llmcost_money_format(c.total, usd, sizeof(usd)), 0);
	cr_assert_str_eq(usd, "0.224");
	expect_units(c.component[LLMCOST_C_WEB_SEARCH], "25000000000000000");
	/* A region: the token part x1.05 (0.18795), the calls as they were. */
	r.region = "eu-west-1";
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_gt(llmcost_money_format(c.total, usd, sizeof(usd)), 0);
	cr_assert_str_eq(usd, "0.23295");
	/* The priority tier: 10000 * 3.5 + 3000 * 14 per M, and the
	 * per-request fee of 0.005, which keeps its standard rate. */
	llmcost_record_init(&r);
	r.model = "m";
	r.input_tokens = 10000;
	r.output_tokens = 3000;
	r.service_tier = "priority";
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	cr_assert_gt(llmcost_money_format(c.total, usd, sizeof(usd)), 0);
	cr_assert_str_eq(usd, "0.082");
	llmcost_prices_free(p);
}

Test(pricebook, every_bad_line_is_named_by_number)
{
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(bad_cases); i++) {
		llmcost_prices *p = fresh();
		const struct bad_case *b = &bad_cases[i];
		int rc = load(p, b->text);

		cr_assert_eq(rc, b->status, "case %zu: status %d, detail '%s'",
			     i, rc, llmcost_last_error());
		cr_assert(strstr(llmcost_last_error(), b->detail) != NULL,
			  "case %zu: want '%s', got '%s'", i, b->detail,
			  llmcost_last_error());
		cr_assert_eq(llmcost_prices_count(p), 0, "case %zu", i);
		llmcost_prices_free(p);
	}
}

Test(pricebook, nul_byte_in_text_is_refused)
{
	static const char text[] = "format 1\nmodel a\0b\nprice always "
				   "input=1\n";
	llmcost_prices *p = fresh();

	cr_assert_eq(llmcost_prices_load_book(p, text, sizeof(text) - 1),
		     LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "line 2: control character "
			 "0x00") != NULL, "%s", llmcost_last_error());
	llmcost_prices_free(p);
}

Test(pricebook, overlong_key_is_refused)
{
	char text[400];
	llmcost_prices *p = fresh();

	memcpy(text, "format 1\nmodel ", 15);
	memset(text + 15, 'k', 257);
	strcpy(text + 15 + 257, "\nprice always input=1\n");
	cr_assert_eq(load(p, text), LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "line 2: model key longer "
			 "than 256 bytes") != NULL, "%s",
		  llmcost_last_error());
	llmcost_prices_free(p);
}

Test(pricebook, a_failed_book_leaves_the_table_as_it_was)
{
	llmcost_prices *p = fresh();
	llmcost_cost c;

	cr_assert_eq(load(p, "format 1\nmodel a\nprice always input=1\n"),
		     LLMCOST_OK);
	/* Good lines first, then a bad one: nothing of it is kept. */
	cr_assert_eq(load(p, "format 1\n"
			     "model a\nprice always input=9\n"
			     "model b\nalias c\nprice always input=1\n"
			     "model d\nprice always input=1 bogus=2\n"),
		     LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "line 8:") != NULL);
	cr_assert_eq(llmcost_prices_count(p), 1);
	cr_assert_eq(price(p, "a", 1, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "1000000000000");
	cr_assert_eq(price(p, "b", 1, 0, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_E_UNPRICED);
	llmcost_prices_free(p);
}

Test(pricebook, alias_may_not_take_an_existing_key)
{
	llmcost_prices *p = fresh();

	cr_assert_eq(load(p, "format 1\nmodel x\nprice always input=1\n"),
		     LLMCOST_OK);
	cr_assert_eq(load(p, "format 1\nmodel y\nalias X\n"
			     "price always input=2\n"),
		     LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "line 3: alias 'X' collides "
			 "with the existing key 'x'") != NULL, "%s",
		  llmcost_last_error());
	cr_assert_eq(llmcost_prices_count(p), 1);
	llmcost_prices_free(p);
}

Test(pricebook, loading_a_book_twice_changes_nothing)
{
	static const char text[] = "format 1\nmodel m provider=acme\n"
				   "alias m-latest\n"
				   "price 2025-01-01 input=1 output=2\n";
	llmcost_prices *p = fresh();
	llmcost_cost c;

	cr_assert_eq(load(p, text), LLMCOST_OK);
	cr_assert_eq(load(p, text), LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(llmcost_prices_count(p), 2);
	cr_assert_eq(price(p, "m-latest", 1, 1, LLMCOST_TIME_UNKNOWN, &c),
		     LLMCOST_OK);
	expect_units(c.total, "3000000000000");
	llmcost_prices_free(p);
}

Test(pricebook, a_later_book_adds_dates_to_a_model)
{
	llmcost_prices *p = fresh();
	llmcost_cost c;

	cr_assert_eq(load(p, "format 1\nmodel m\nalias n\n"
			     "price 2025-01-01 input=1\n"), LLMCOST_OK);
	cr_assert_eq(load(p, "format 1\nmodel M\n"
			     "price 2025-06-01 input=3\n"), LLMCOST_OK);
	cr_assert_eq(price(p, "n", 1, 0, ms("2025-03-01"), &c), LLMCOST_OK);
	expect_units(c.total, "1000000000000");
	cr_assert_eq(price(p, "n", 1, 0, ms("2025-07-01"), &c), LLMCOST_OK);
	expect_units(c.total, "3000000000000");
	cr_assert_str_eq(c.price_key, "m");
	llmcost_prices_free(p);
}

Test(pricebook, table_entry_for_an_alias_key_stands_apart_from_it)
{
	/* A dated snapshot with its alias; then a table that prices the
	 * alias itself.  The snapshot must keep its own price. */
	static const char json[] = "{\"gpt-4o\": {\"input_cost_per_token\": "
				   "5e-06, \"litellm_provider\": \"openai\"}}";
	llmcost_prices *p = fresh();
	llmcost_cost c;

	cr_assert_eq(load(p, "format 1\nmodel gpt-4o-2024-08-06\n"
			     "alias gpt-4o\n"
			     "price 2024-08-06 input=2.50\n"), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_litellm(p, json, strlen(json),
						 ms("2025-01-01")),
		     LLMCOST_OK);
	cr_assert_eq(price(p, "gpt-4o", 1, 0, ms("2024-09-01"), &c),
		     LLMCOST_OK);
	expect_units(c.total, "2500000000000");
	cr_assert_eq(price(p, "gpt-4o", 1, 0, ms("2025-02-01"), &c),
		     LLMCOST_OK);
	expect_units(c.total, "5000000000000");
	cr_assert_str_eq(c.price_key, "gpt-4o");
	cr_assert_eq(price(p, "gpt-4o-2024-08-06", 1, 0, ms("2025-02-01"),
			   &c), LLMCOST_OK);
	expect_units(c.total, "2500000000000");
	llmcost_prices_free(p);
}

Test(pricebook, tier_and_every_rate_name)
{
	llmcost_prices *p = fresh();
	llmcost_record r;
	llmcost_cost c;

	cr_assert_eq(load(p, "format 1\nmodel t provider=anthropic\n"
			     "price always input=3 output=15 cache_read=0.3 "
			     "cache_write_5m=3.75 cache_write_1h=6 "
			     "reasoning=15 above=200000 input_above=6 "
			     "output_above=22.5 cache_read_above=0.6 "
			     "cache_write_5m_above=7.5 "
			     "cache_write_1h_above=12 "
			     "reasoning_above=22.5\n"),
		     LLMCOST_OK, "%s", llmcost_last_error());
	llmcost_record_init(&r);
	r.model = "t";
	r.input_tokens = 200004;
	r.cached_tokens = 1;
	r.cache_write_tokens = 1;
	r.cache_write_1h_tokens = 1;
	r.output_tokens = 2;
	r.reasoning_tokens = 1;
	llmcost_cost_init(&c);
	cr_assert_eq(llmcost_price(p, &r, &c), LLMCOST_OK, "%s", c.note);
	/* 200001 * 6 + 0.6 + 7.5 + 12 + 22.5 + 22.5, in USD per million */
	expect_units(c.component[LLMCOST_C_INPUT], "1200006000000000000");
	expect_units(c.total, "1200071100000000000");
	cr_assert_eq(c.flags, LLMCOST_COST_LONG_CONTEXT);
	cr_assert_str_eq(c.note, "");
	llmcost_prices_free(p);
}

Test(pricebook, file_errors_name_the_line)
{
	llmcost_prices *p = fresh();

	cr_assert_eq(llmcost_prices_load_book_file(p, BAD_BOOK),
		     LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "line 7: second price for "
			 "'b'") != NULL, "%s", llmcost_last_error());
	cr_assert_eq(llmcost_prices_load_file(p, BAD_BOOK,
					      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_prices_load_book_file(p, "/nonexistent/book"),
		     LLMCOST_E_IO);
	cr_assert_eq(llmcost_prices_load_file(p, "/nonexistent/book",
					      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_E_IO);
	cr_assert_eq(llmcost_prices_load_file(p, MINI_BOOK,
					      LLMCOST_TIME_UNKNOWN),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_prices_count(p), 3);
	llmcost_prices_free(p);
}

Test(pricebook, null_arguments_are_invalid)
{
	llmcost_prices *p = fresh();

	cr_assert_eq(llmcost_prices_load_book(NULL, "", 0),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_load_book(p, NULL, 3), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_load_book_file(p, NULL),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_new(NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_prices_new_default(NULL), LLMCOST_E_INVALID);
	llmcost_prices_free(NULL);
	llmcost_prices_free(p);
}

/* Counts lines of the compiled-in book that start with word. */
static size_t count_lines(const char *word)
{
	const char *s = lc_default_pricebook;
	const char *end = s + lc_default_pricebook_len;
	size_t n = 0, len = strlen(word);

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if ((size_t)(end - s) > len && memcmp(s, word, len) == 0)
			n++;
		s = nl != NULL ? nl + 1 : end;
	}
	return n;
}

Test(pricebook, compiled_in_book_loads_whole)
{
	llmcost_prices *p;

	cr_assert_eq(llmcost_prices_new_default(&p), LLMCOST_OK, "%s",
		     llmcost_last_error());
	cr_assert_eq(llmcost_prices_count(p),
		     count_lines("model ") + count_lines("alias "));
	cr_assert_eq(llmcost_prices_diag_count(p), 0);
	llmcost_prices_free(p);
}
