/* Exact decimal parsing and formatting of money. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

static lc_i128 parse_ok(const char *s, int scale)
{
	lc_i128 v = -12345;
	int rc = lc_decimal_parse(s, strlen(s), scale, &v);

	cr_assert_eq(rc, LLMCOST_OK, "'%s' scale %d: status %d", s, scale, rc);
	return v;
}

static int parse_rc(const char *s, int scale)
{
	lc_i128 v;

	return lc_decimal_parse(s, strlen(s), scale, &v);
}

static const char *fmt(lc_i128 v, int scale)
{
	static char buf[64];

	cr_assert_geq(lc_i128_format_scaled(v, scale, buf, sizeof(buf)), 0);
	return buf;
}

Test(money, per_token_rates_in_exponent_form_are_exact)
{
	cr_assert(parse_ok("3e-06", 18) == (lc_i128)3000000000000LL);
	cr_assert(parse_ok("1.5e-07", 18) == (lc_i128)150000000000LL);
	cr_assert(parse_ok("4.6875e-09", 18) == (lc_i128)4687500000LL);
	cr_assert(parse_ok("2.0751953125e-09", 19) ==
		  (lc_i128)20751953125LL);
}

Test(money, plain_decimals_and_signs)
{
	cr_assert(parse_ok("0.000225", 18) == (lc_i128)225000000000000LL);
	cr_assert(parse_ok("-1.5E+2", 0) == -150);
	cr_assert(parse_ok("+12", 2) == 1200);
	cr_assert(parse_ok("0", 18) == 0);
	cr_assert(parse_ok("-0.000", 18) == 0);
	cr_assert(parse_ok("0e999999999999", 18) == 0);
	cr_assert(parse_ok("120e-1", 0) == 12);
	cr_assert(parse_ok("2.50", 12) == (lc_i128)2500000000000LL);
}

Test(money, digits_below_the_unit_are_inexact_not_rounded)
{
	cr_assert_eq(parse_rc("1e-19", 18), LLMCOST_E_INEXACT);
	cr_assert_eq(parse_rc("0.0000000000000000001", 18), LLMCOST_E_INEXACT);
	cr_assert_eq(parse_rc("2.0751953125e-09", 18), LLMCOST_E_INEXACT);
	cr_assert_eq(parse_rc("1.5", 0), LLMCOST_E_INEXACT);
	/* Trailing zeros below the unit are not a loss. */
	cr_assert(parse_ok("1.50000000000000000000000", 1) == 15);
}

Test(money, malformed_text_is_a_parse_error)
{
	const char *bad[] = {"", "-", ".", "e5", "1e", "1e+", "NaN",
			     "Infinity", "-inf", "0x10", "1.2.3", " 1", "1 ",
			     "1,5", "--1"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse_rc(bad[i], 18), LLMCOST_E_PARSE, "'%s'",
			     bad[i]);
}

Test(money, values_past_128_bits_are_out_of_range)
{
	cr_assert_eq(parse_rc("1e21", 18), LLMCOST_E_RANGE);
	cr_assert_eq(parse_rc("1e400", 0), LLMCOST_E_RANGE);
	cr_assert_eq(parse_rc("99999999999999999999999999999999999999999",
			      0), LLMCOST_E_RANGE);
	cr_assert(parse_ok("1e20", 18) > 0);
}

Test(money, formats_full_precision_without_trailing_zeros)
{
	cr_assert_str_eq(fmt(0, 18), "0");
	cr_assert_str_eq(fmt(225000000000000LL, 18), "0.000225");
	cr_assert_str_eq(fmt((lc_i128)1000000000000000000LL, 18), "1");
	cr_assert_str_eq(fmt((lc_i128)2500000000000000000LL, 18), "2.5");
	cr_assert_str_eq(fmt(-1, 18), "-0.000000000000000001");
	cr_assert_str_eq(fmt(LC_I128_MIN, 0),
			 "-170141183460469231731687303715884105728");
	cr_assert_str_eq(fmt(LC_I128_MAX, 18),
			 "170141183460469231731.687303715884105727");
}

Test(money, extremes_round_trip_through_text)
{
	const lc_i128 ends[] = {LC_I128_MIN, LC_I128_MAX, LC_I128_MIN + 1};
	char buf[64];
	lc_i128 back;
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		int n = lc_i128_format_scaled(ends[i], 18, buf, sizeof(buf));

		cr_assert_gt(n, 0);
		cr_assert_eq(lc_decimal_parse(buf, (size_t)n, 18, &back),
			     LLMCOST_OK, "%s", buf);
		cr_assert(back == ends[i], "%s", buf);
	}
	cr_assert_eq(lc_decimal_parse("170141183460469231731.687303715884105728",
				      40, 18, &back), LLMCOST_E_RANGE);
}

Test(money, format_reports_a_short_buffer)
{
	char buf[4];

	cr_assert_eq(lc_i128_format_scaled(123456, 0, buf, sizeof(buf)), -1);
	cr_assert_str_eq(buf, "");
}

Test(money, public_parse_format_round_trip)
{
	llmcost_money m, sum;
	char buf[LLMCOST_MONEY_STRLEN];

	cr_assert_eq(llmcost_money_parse("0.028716", (size_t)-1, &m),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_money_add(m, m, &sum), LLMCOST_OK);
	cr_assert_eq(llmcost_money_format(sum, buf, sizeof(buf)), 8);
	cr_assert_str_eq(buf, "0.057432");
	cr_assert_eq(llmcost_money_cmp(m, sum), -1);
	cr_assert_eq(llmcost_money_cmp(sum, m), 1);
	cr_assert_eq(llmcost_money_cmp(m, m), 0);
	cr_assert_eq(llmcost_money_parse("1e-19", (size_t)-1, &m),
		     LLMCOST_E_INEXACT);
	cr_assert(strstr(llmcost_last_error(), "1e-19") != NULL);
}

Test(money, sums_of_many_small_amounts_do_not_drift)
{
	/* 0.1 + 0.2 style drift is impossible: ten million adds of a
	 * per-token rate give exactly ten million times the rate. */
	llmcost_money rate, sum = {0, 0};
	char buf[LLMCOST_MONEY_STRLEN];
	long i;

	cr_assert_eq(llmcost_money_parse("1.615e-6", (size_t)-1, &rate), 0);
	for (i = 0; i < 10000000; i++)
		cr_assert_eq(llmcost_money_add(sum, rate, &sum), 0);
	llmcost_money_format(sum, buf, sizeof(buf));
	cr_assert_str_eq(buf, "16.15");
}

Test(money, add_detects_overflow)
{
	llmcost_money max = lc_money_from_i128(LC_I128_MAX), one, out;

	one = lc_money_from_i128(1);
	out = one;
	cr_assert_eq(llmcost_money_add(max, one, &out), LLMCOST_E_OVERFLOW);
	cr_assert_eq(llmcost_money_cmp(out, one), 0);
}

Test(money, integers_reject_fractions_and_overflow)
{
	int64_t v;

	cr_assert_eq(lc_int_parse("123", 3, &v), LLMCOST_OK);
	cr_assert_eq(v, 123);
	cr_assert_eq(lc_int_parse("1e3", 3, &v), LLMCOST_OK);
	cr_assert_eq(v, 1000);
	cr_assert_eq(lc_int_parse("1.5", 3, &v), LLMCOST_E_INEXACT);
	cr_assert_eq(lc_int_parse("9223372036854775807", 19, &v), LLMCOST_OK);
	cr_assert_eq(lc_int_parse("9223372036854775808", 19, &v),
		     LLMCOST_E_RANGE);
	cr_assert_eq(lc_int_parse("-9223372036854775808", 20, &v),
		     LLMCOST_OK);
	cr_assert_eq(v, INT64_MIN);
}
