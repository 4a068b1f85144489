/*
 * decimal.c - decimal text of any length to a scaled integer, rounded.
 *
 * Logged costs and epoch times arrive as decimal text written by binary
 * floating point ("1.2345678901234567e-21"), often with more digits than
 * the unit keeps.  The text is read as a digit string D and a power of
 * ten: value * 10^scale = D * 10^shift.  The leading digits that stay
 * above the unit are accumulated with overflow checks; the dropped ones
 * only decide the rounding, so no intermediate value grows with the
 * length of the text or the size of the exponent.
 */
#include <string.h>

#include "cli.h"

/* Exponents are saturated here: beyond it any non-zero value is out of
 * range or rounds to zero, and the arithmetic below cannot overflow
 * (lines are at most CLI_LINE_MAX bytes). */
#define CLI_EXP_LIMIT ((int64_t)1 << 40)

/* Where the parts of a decimal number lie in its text. */
struct cli_dec {
	int negative;
	const char *mant;	/* digits with at most one '.' */
	size_t mant_len;
	int64_t ndigits;	/* digits in mant */
	int64_t frac_digits;	/* of them, after the point */
	int64_t exponent;
};


static int cli_is_digit(char c)
{
	return c >= '0' && c <= '9';
}


/* [+-]? (digits [. digits?]? | . digits) ([eE] [+-]? digits)? */
static int cli_dec_mantissa(const char *s, size_t *i, struct cli_dec *d)
{
	int point = 0;

	d->mant = s + *i;
	for (;; (*i)++) {
		if (cli_is_digit(s[*i])) {
			d->ndigits++;
			d->frac_digits += point;
		} else if (s[*i] == '.' && !point) {
			point = 1;
		} else {
			break;
		}
	}
	d->mant_len = (size_t)(s + *i - d->mant);
	return d->ndigits > 0 ? 0 : -1;
}


static int cli_dec_exponent(const char *s, size_t i, struct cli_dec *d)
{
	int negative = 0;

	if (s[i] == '\0')
		return 0;
	if (s[i] != 'e' && s[i] != 'E')
		return -1;
	i++;
	if (s[i] == '-' || s[i] == '+')
		negative = s[i++] == '-';
	if (!cli_is_digit(s[i]))
		return -1;
	for (; cli_is_digit(s[i]); i++)
		if (d->exponent < CLI_EXP_LIMIT)
			d->exponent = d->exponent * 10 + (s[i] - '0');
	if (s[i] != '\0')
		return -1;
	if (negative)
		d->exponent = -d->exponent;
	return 0;
}


static int cli_dec_split(const char *s, struct cli_dec *d)
{
	size_t i = 0;

	memset(d, 0, sizeof(*d));
	if (s[i] == '-' || s[i] == '+')
		d->negative = s[i++] == '-';
	if (cli_dec_mantissa(s, &i, d) || cli_dec_exponent(s, i, d))
		return LLMCOST_E_PARSE;
	return LLMCOST_OK;
}


/* Walks the digits of a mantissa, skipping the point. */
struct cli_digits {
	const char *p;
	const char *end;
};


static int cli_next_digit(struct cli_digits *it)
{
	if (it->p < it->end && *it->p == '.')
		it->p++;
	return it->p < it->end ? *it->p++ - '0' : -1;
}


/* The magnitude: the first keep digits times 10^zeros (keep may exceed
 * the digit count when shift > 0); -1 if it does not fit. */
static int cli_dec_keep(struct cli_digits *it, int64_t keep, int64_t zeros,
			unsigned __int128 limit, unsigned __int128 *mag)
{
	int64_t k;
	int digit;

	*mag = 0;
	for (k = 0; k < keep && (digit = cli_next_digit(it)) >= 0; k++)
		if (__builtin_mul_overflow(*mag, 10, mag) ||
		    __builtin_add_overflow(*mag, digit, mag) || *mag > limit)
			return -1;
	for (k = 0; k < zeros && *mag != 0; k++)
		if (__builtin_mul_overflow(*mag, 10, mag) || *mag > limit)
			return -1;
	return 0;
}


/* Reads the dropped digits: whether the first is 5 or more (first_zero:
 * the first is an implied leading zero) and whether any is not zero. */
static void cli_dec_dropped(struct cli_digits *it, int first_zero,
			    int *half, int *any)
{
	int digit, first = 1;

	*half = 0;
	*any = 0;
	while ((digit = cli_next_digit(it)) >= 0) {
		if (first && !first_zero)
			*half = digit >= 5;
		first = 0;
		*any |= digit != 0;
	}
}


int cli_decimal_scaled(const char *s, int scale, int floor, lc_i128 *out,
		       int *inexact)
{
	struct cli_dec d;
	struct cli_digits it;
	unsigned __int128 mag, limit;
	int64_t shift, keep;
	int half, any;

	if (cli_dec_split(s, &d) != LLMCOST_OK)
		return LLMCOST_E_PARSE;
	limit = (unsigned __int128)LC_I128_MAX + (d.negative ? 1 : 0);
	shift = d.exponent - d.frac_digits + scale;
	keep = d.ndigits + (shift < 0 ? shift : 0);
	it.p = d.mant;
	it.end = d.mant + d.mant_len;
	if (cli_dec_keep(&it, keep, shift > 0 ? shift : 0, limit, &mag))
		return LLMCOST_E_RANGE;
	cli_dec_dropped(&it, keep < 0, &half, &any);
	if (inexact != NULL)
		*inexact = any;
	if ((floor ? d.negative && any : half) && mag++ == limit)
		return LLMCOST_E_RANGE;
	*out = d.negative ? (lc_i128)(0 - mag) : (lc_i128)mag;
	return LLMCOST_OK;
}
