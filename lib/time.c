/*
 * time.c - UTC timestamps: RFC 3339 text to epoch milliseconds and back.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define LC_MS_PER_DAY 86400000LL


/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar,
 * counting in 400-year eras that start on March 1st. */
int64_t lc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}


void lc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}


static int lc_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}


static unsigned lc_month_days(int64_t y, unsigned m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31};

	return m == 2 && lc_is_leap(y) ? 29 : days[m - 1];
}


/* Reads exactly n digits at s[*i]; -1 if they are not there. */
static long lc_fixed_digits(const char *s, size_t len, size_t *i, int n)
{
	long v = 0;

	while (n-- > 0) {
		if (*i >= len || s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[(*i)++] - '0');
	}
	return v;
}


static int lc_expect(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return -1;
	(*i)++;
	return 0;
}


/* [.fraction] then Z, z, +hh:mm, -hh:mm or nothing (UTC). */
static int lc_time_tail(const char *s, size_t len, size_t i, int64_t *ms,
			int64_t *offset_ms)
{
	int digits = 0;
	long oh, om;

	*ms = 0;
	*offset_ms = 0;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (digits < 3)
				*ms = *ms * 10 + (s[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			*ms *= 10;
	}
	if (i == len)
		return 0;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len)
		return 0;
	if (s[i] != '+' && s[i] != '-')
		return -1;
	{
		int sign = s[i] == '-' ? -1 : 1;

		i++;
		oh = lc_fixed_digits(s, len, &i, 2);
		if (oh < 0 || oh > 23 || lc_expect(s, len, &i, ':'))
			return -1;
		om = lc_fixed_digits(s, len, &i, 2);
		if (om < 0 || om > 59 || i != len)
			return -1;
		*offset_ms = sign * (oh * 3600000LL + om * 60000LL);
	}
	return 0;
}


int lc_time_parse(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	long y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac_ms = 0, offset_ms = 0, days;

	if (s == NULL || out == NULL)
		return LLMCOST_E_INVALID;
	y = lc_fixed_digits(s, len, &i, 4);
	if (y < 0 || lc_expect(s, len, &i, '-'))
		return LLMCOST_E_PARSE;
	mo = lc_fixed_digits(s, len, &i, 2);
	if (mo < 1 || mo > 12 || lc_expect(s, len, &i, '-'))
		return LLMCOST_E_PARSE;
	d = lc_fixed_digits(s, len, &i, 2);
	if (d < 1 || (unsigned)d > lc_month_days(y, (unsigned)mo))
		return LLMCOST_E_PARSE;
	if (i < len) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return LLMCOST_E_PARSE;
		i++;
		h = lc_fixed_digits(s, len, &i, 2);
		if (h < 0 || h > 23 || lc_expect(s, len, &i, ':'))
			return LLMCOST_E_PARSE;
		mi = lc_fixed_digits(s, len, &i, 2);
		if (mi < 0 || mi > 59 || lc_expect(s, len, &i, ':'))
			return LLMCOST_E_PARSE;
		sec = lc_fixed_digits(s, len, &i, 2);
		if (sec < 0 || sec > 60)
			return LLMCOST_E_PARSE;
		if (lc_time_tail(s, len, i, &frac_ms, &offset_ms))
			return LLMCOST_E_PARSE;
	}
	days = lc_days_from_civil(y, (unsigned)mo, (unsigned)d);
	*out = days * LC_MS_PER_DAY + h * 3600000LL + mi * 60000LL +
	       sec * 1000LL + frac_ms - offset_ms;
	return LLMCOST_OK;
}


int lc_time_in_years(int64_t ms)
{
	return ms >= LC_TIME_MIN_MS && ms <= LC_TIME_MAX_MS;
}


int64_t lc_time_day_start(int64_t ms)
{
	int64_t day = ms / LC_MS_PER_DAY;

	if (ms % LC_MS_PER_DAY < 0)
		day--;
	return day * LC_MS_PER_DAY;
}


int lc_time_format(int64_t ms, char *buf, size_t size)
{
	int64_t day_start = lc_time_day_start(ms), y;
	int64_t in_day = ms - day_start;
	unsigned m, d;
	int n;

	lc_civil_from_days(day_start / LC_MS_PER_DAY, &y, &m, &d);
	if (in_day % 1000 != 0)
		n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
			     (long long)y, m, d, (int)(in_day / 3600000),
			     (int)(in_day / 60000 % 60),
			     (int)(in_day / 1000 % 60), (int)(in_day % 1000));
	else
		n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
			     (long long)y, m, d, (int)(in_day / 3600000),
			     (int)(in_day / 60000 % 60),
			     (int)(in_day / 1000 % 60));
	return n < 0 || (size_t)n >= size ? -1 : n;
}
