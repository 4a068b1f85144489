/* UTC timestamps. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

static int64_t parse_ok(const char *s)
{
	int64_t ms = 0;

	cr_assert_eq(lc_time_parse(s, strlen(s), &ms), LLMCOST_OK, "%s", s);
	return ms;
}

Test(time, rfc3339_forms)
{
	cr_assert_eq(parse_ok("1970-01-01T00:00:00Z"), 0);
	cr_assert_eq(parse_ok("2025-05-30T21:46:11Z"), 1748641571000LL);
	cr_assert_eq(parse_ok("2025-05-30 21:46:11"), 1748641571000LL);
	cr_assert_eq(parse_ok("2025-05-30T23:46:11.5+02:00"),
		     1748641571500LL);
	cr_assert_eq(parse_ok("2025-05-30T21:46:11.123456z"),
		     1748641571123LL);
	cr_assert_eq(parse_ok("2025-05-30"), 1748563200000LL);
	cr_assert_eq(parse_ok("1969-12-31T23:59:59Z"), -1000);
	cr_assert_eq(parse_ok("2024-02-29T00:00:00Z"), 1709164800000LL);
}

Test(time, bad_dates_are_rejected)
{
	const char *bad[] = {"2025-02-29", "2025-13-01", "2025-00-10",
			     "2025-01-32", "2025-1-1", "2025-01-01T24:00:00Z",
			     "2025-01-01T10:00Z", "2025-01-01T10:00:00+5",
			     "2025-01-01T10:00:00Zjunk", "2025-01-01x",
			     "yesterday", ""};
	size_t i;
	int64_t ms;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(lc_time_parse(bad[i], strlen(bad[i]), &ms),
			     LLMCOST_E_PARSE, "%s", bad[i]);
}

Test(time, format_round_trip_and_day_start)
{
	char buf[40];

	cr_assert_gt(lc_time_format(1748641571000LL, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "2025-05-30T21:46:11Z");
	cr_assert_gt(lc_time_format(1748641571123LL, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "2025-05-30T21:46:11.123Z");
	cr_assert_gt(lc_time_format(-1, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1969-12-31T23:59:59.999Z");
	cr_assert_eq(lc_time_day_start(1748641571000LL), 1748563200000LL);
	cr_assert_eq(lc_time_day_start(-1), -86400000LL);
	cr_assert_eq(lc_time_day_start(0), 0);
}

Test(time, civil_days_agree_both_ways)
{
	int64_t z, y;
	unsigned m, d;

	for (z = -800000; z <= 800000; z += 37) {
		lc_civil_from_days(z, &y, &m, &d);
		cr_assert_eq(lc_days_from_civil(y, m, d), z);
	}
}
