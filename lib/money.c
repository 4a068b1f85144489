/*
 * money.c - exact decimal text to integer units and back.
 *
 * A decimal number is read as its digits and a power of ten, and scaled by
 * moving that power, never by arithmetic on fractions: the value either
 * lands on a whole number of units or the text is reported inexact.
 */
#include <string.h>

#include "internal.h"

/* Exponents beyond this are saturated: any non-zero value is then out of
 * range or inexact, whatever the exact exponent was. */
#define LC_EXP_LIMIT 100000

/* Where the digits of a decimal number lie in its text. */
struct lc_decimal {
	int negative;
	const char *digits;	/* mantissa text: digits with at most one '.' */
	size_t digits_len;
	long exponent;		/* from the e/E part */
};


static int lc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}


/* Splits text into sign, mantissa and exponent; checks the grammar
 * [+-]? (digits [. digits?]? | . digits) ([eE] [+-]? digits)? */
static int lc_decimal_split(const char *s, size_t len, struct lc_decimal *d)
{
	size_t i = 0, ndigits = 0;
	int seen_point = 0, exp_negative = 0;

	memset(d, 0, sizeof(*d));
	if (i < len && (s[i] == '-' || s[i] == '+'))
		d->negative = s[i++] == '-';
	d->digits = s + i;
	for (; i < len; i++) {
		if (lc_is_digit(s[i]))
			ndigits++;
		else if (s[i] == '.' && !seen_point)
			seen_point = 1;
		else
			break;
	}
	d->digits_len = (size_t)(s + i - d->digits);
	if (ndigits == 0)
		return LLMCOST_E_PARSE;
	if (i == len)
		return LLMCOST_OK;
	if (s[i] != 'e' && s[i] != 'E')
		return LLMCOST_E_PARSE;
	i++;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		exp_negative = s[i++] == '-';
	if (i == len)
		return LLMCOST_E_PARSE;
	for (; i < len; i++) {
		if (!lc_is_digit(s[i]))
			return LLMCOST_E_PARSE;
		if (d->exponent < LC_EXP_LIMIT)
			d->exponent = d->exponent * 10 + (s[i] - '0');
	}
	if (exp_negative)
		d->exponent = -d->exponent;
	return LLMCOST_OK;
}


/* 10^k for 0 <= k <= 38, or -1 when it does not fit. */
static lc_i128 lc_pow10(long k)
{
	lc_i128 v = 1;

	if (k < 0 || k > 38)
		return -1;
	while (k-- > 0)
		v *= 10;
	return v;
}


int lc_decimal_parse(const char *s, size_t len, int scale, lc_i128 *out)
{
	struct lc_decimal d;
	long int_len = -1, pos = 0, first = -1, last = -1, k;
	unsigned __int128 mag = 0, limit, p;
	size_t i;
	int rc;

	if (s == NULL || out == NULL)
		return LLMCOST_E_INVALID;
	rc = lc_decimal_split(s, len, &d);
	if (rc != LLMCOST_OK)
		return rc;

	/* Find the first and last non-zero digit and the point. */
	for (i = 0; i < d.digits_len; i++) {
		char c = d.digits[i];

		if (c == '.') {
			int_len = pos;
			continue;
		}
		if (c != '0') {
			if (first < 0)
				first = pos;
			last = pos;
		}
		pos++;
	}
	if (int_len < 0)
		int_len = pos;
	if (first < 0) {
		*out = 0;
		return LLMCOST_OK;
	}

	/* value = digits[first..last] * 10^k in units of 10^-scale. */
	k = int_len - 1 - last + d.exponent + scale;
	if (k < 0)
		return LLMCOST_E_INEXACT;
	if (last - first + 1 + k > 39)
		return LLMCOST_E_RANGE;

	/* Build the magnitude unsigned: a negative value may reach 2^127. */
	limit = (unsigned __int128)LC_I128_MAX + (d.negative ? 1 : 0);
	pos = 0;
	for (i = 0; i < d.digits_len; i++) {
		char c = d.digits[i];

		if (c == '.')
			continue;
		if (pos >= first && pos <= last) {
			if (__builtin_mul_overflow(mag, 10, &mag) ||
			    __builtin_add_overflow(mag, c - '0', &mag))
				return LLMCOST_E_RANGE;
		}
		pos++;
	}
	p = (unsigned __int128)lc_pow10(k);
	if (k > 38 || __builtin_mul_overflow(mag, p, &mag) || mag > limit)
		return LLMCOST_E_RANGE;
	*out = d.negative ? (lc_i128)((unsigned __int128)0 - mag)
			  : (lc_i128)mag;
	return LLMCOST_OK;
}


int lc_int_parse(const char *s, size_t len, int64_t *out)
{
	lc_i128 v;
	int rc = lc_decimal_parse(s, len, 0, &v);

	if (rc != LLMCOST_OK)
		return rc;
	if (v > INT64_MAX || v < INT64_MIN)
		return LLMCOST_E_RANGE;
	*out = (int64_t)v;
	return LLMCOST_OK;
}


/* Writes the digits of |v| backwards from end; returns the start. */
static char *lc_digits_backwards(unsigned __int128 mag, char *end)
{
	do {
		*--end = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag != 0);
	return end;
}


int lc_i128_format_scaled(lc_i128 v, int scale, char *buf, size_t size)
{
	char tmp[96];
	char *end = tmp + sizeof(tmp), *start, *out = buf;
	unsigned __int128 mag;
	size_t ndig, int_digits, frac_digits, need;

	if (scale < 0 || scale > 40 || buf == NULL)
		return -1;
	mag = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v
		    : (unsigned __int128)v;
	start = lc_digits_backwards(mag, end);
	ndig = (size_t)(end - start);

	/* Drop fractional trailing zeros. */
	frac_digits = (size_t)scale;
	while (frac_digits > 0 && end[-1] == '0' && ndig > 1) {
		end--;
		ndig--;
		frac_digits--;
	}
	if (mag == 0)
		frac_digits = 0;
	int_digits = ndig > frac_digits ? ndig - frac_digits : 0;

	need = (v < 0) + (int_digits ? int_digits : 1) +
	       (frac_digits ? 1 + frac_digits : 0) + 1;
	if (need > size) {
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	if (v < 0)
		*out++ = '-';
	if (int_digits == 0) {
		*out++ = '0';
	} else {
		memcpy(out, start, int_digits);
		out += int_digits;
	}
	if (frac_digits > 0) {
		size_t zeros = frac_digits - (ndig - int_digits);

		*out++ = '.';
		memset(out, '0', zeros);
		out += zeros;
		memcpy(out, start + int_digits, ndig - int_digits);
		out += ndig - int_digits;
	}
	*out = '\0';
	return (int)(out - buf);
}


int lc_i128_format(lc_i128 v, char *buf, size_t size)
{
	return lc_i128_format_scaled(v, 0, buf, size);
}


LLMCOST_API int llmcost_money_format(llmcost_money amount, char *buf,
				     size_t size)
{
	int n;

	if (buf == NULL)
		return lc_error(LLMCOST_E_INVALID, "buf is NULL");
	n = lc_i128_format_scaled(lc_money_to_i128(amount),
				  LLMCOST_MONEY_DIGITS, buf, size);
	if (n < 0)
		return lc_error(LLMCOST_E_RANGE,
				"buffer of %zu bytes is too small", size);
	return n;
}


LLMCOST_API int llmcost_money_parse(const char *text, size_t len,
				    llmcost_money *out)
{
	lc_i128 v;
	int rc;

	if (text == NULL || out == NULL)
		return lc_error(LLMCOST_E_INVALID, "text or out is NULL");
	if (len == (size_t)-1)
		len = strlen(text);
	rc = lc_decimal_parse(text, len, LLMCOST_MONEY_DIGITS, &v);
	if (rc != LLMCOST_OK)
		return lc_error(rc, "'%.*s': %s", (int)(len > 64 ? 64 : len),
				text, llmcost_status_message(rc));
	*out = lc_money_from_i128(v);
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_money_add(llmcost_money a, llmcost_money b,
				  llmcost_money *out)
{
	lc_i128 sum;

	if (out == NULL)
		return lc_error(LLMCOST_E_INVALID, "out is NULL");
	if (lc_i128_add(lc_money_to_i128(a), lc_money_to_i128(b), &sum))
		return lc_error(LLMCOST_E_OVERFLOW, "money sum overflows");
	*out = lc_money_from_i128(sum);
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_money_cmp(llmcost_money a, llmcost_money b)
{
	lc_i128 x = lc_money_to_i128(a), y = lc_money_to_i128(b);

	return (x > y) - (x < y);
}
