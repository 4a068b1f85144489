/*
 * focus_f64.c - what a binary64 reader sees in our decimals, computed
 * with integers only.
 *
 * The FOCUS validator loads a CSV into binary64 columns and checks
 * ListUnitPrice x PricingQuantity == ListCost there.  Our money never
 * touches binary floating point, so this file answers "would that check
 * hold for these decimals?" exactly, by doing the two roundings the
 * validator does (parsing, multiplying) on integer mantissas: round to
 * nearest, ties to even, as IEEE 754 and a correct strtod() do.
 */
#include "focus.h"

typedef unsigned __int128 cli_u128;

#define CLI_F64_BITS 53


static int cli_bits(cli_u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	if (hi != 0)
		return 128 - __builtin_clzll(hi);
	if ((uint64_t)x != 0)
		return 64 - __builtin_clzll((uint64_t)x);
	return 0;
}


lc_i128 cli_pow10(int n)
{
	lc_i128 v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}


/* x >> s (s >= 1) rounded to nearest, ties to even; sticky says that
 * something nonzero lies below x's last bit. */
static uint64_t cli_round_shift(cli_u128 x, int s, int sticky, int *carry)
{
	cli_u128 q = x >> s;
	cli_u128 rem = x & (((cli_u128)1 << s) - 1);
	cli_u128 half = (cli_u128)1 << (s - 1);
	int up = rem > half || (rem == half && (sticky || (q & 1)));

	q += up;
	*carry = q >> CLI_F64_BITS != 0;
	return (uint64_t)(*carry ? q >> 1 : q);
}


int cli_f64_decimal(lc_i128 v, int scale, struct cli_f64 *out)
{
	cli_u128 d, n, quot;
	int k, s, carry;

	if (v < 0 || scale < 0 || scale > 19)
		return -1;
	out->m = 0;
	out->e = 0;
	if (v == 0)
		return 0;
	d = (cli_u128)cli_pow10(scale);
	/* At least 55 quotient bits: 53 kept, a guard bit, and more. */
	k = CLI_F64_BITS + 2 + cli_bits(d) - cli_bits((cli_u128)v);
	if (k < 0)
		k = 0;
	n = (cli_u128)v << k;
	quot = n / d;
	s = cli_bits(quot) - CLI_F64_BITS;
	out->m = cli_round_shift(quot, s, n % d != 0, &carry);
	out->e = s + carry - k;
	return 0;
}


void cli_f64_mul(struct cli_f64 a, struct cli_f64 b, struct cli_f64 *out)
{
	cli_u128 p;
	int s, carry;

	out->m = 0;
	out->e = 0;
	if (a.m == 0 || b.m == 0)
		return;
	p = (cli_u128)a.m * b.m;
	s = cli_bits(p) - CLI_F64_BITS;
	out->m = cli_round_shift(p, s, 0, &carry);
	out->e = a.e + b.e + s + carry;
}


int cli_f64_product_holds(lc_i128 price, int ps, lc_i128 qty, int qs,
			  lc_i128 cost, int cs)
{
	struct cli_f64 p, q, c, r;

	if (cli_f64_decimal(price, ps, &p) || cli_f64_decimal(qty, qs, &q) ||
	    cli_f64_decimal(cost, cs, &c))
		return 0;
	cli_f64_mul(p, q, &r);
	return r.m == c.m && (r.m == 0 || r.e == c.e);
}


/* ---- a * b / c with a 256-bit product -------------------------------- */

struct cli_u256 {
	cli_u128 hi;
	cli_u128 lo;
};


static struct cli_u256 cli_mul_wide(cli_u128 a, cli_u128 b)
{
	uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
	uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
	cli_u128 p00 = (cli_u128)a0 * b0, p01 = (cli_u128)a0 * b1;
	cli_u128 p10 = (cli_u128)a1 * b0, p11 = (cli_u128)a1 * b1;
	cli_u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
	struct cli_u256 r;

	r.lo = (mid << 64) | (uint64_t)p00;
	r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
	return r;
}


int cli_muldiv(lc_i128 a, lc_i128 b, lc_i128 c, lc_i128 *q, lc_i128 *r)
{
	struct cli_u256 n;
	cli_u128 quot = 0, rem = 0, uc = (cli_u128)c;
	int i, top;

	if (a < 0 || b < 0 || c <= 0)
		return -1;
	n = cli_mul_wide((cli_u128)a, (cli_u128)b);
	if (n.hi >= uc)
		return -1;
	/* Long division, one bit at a time; rem < c < 2^127 never
	 * overflows when shifted. */
	rem = n.hi;
	for (i = 127; i >= 0; i--) {
		top = (int)((n.lo >> i) & 1);
		rem = (rem << 1) | (cli_u128)top;
		quot <<= 1;
		if (rem >= uc) {
			rem -= uc;
			quot |= 1;
		}
	}
	if (quot >> 127)
		return -1;
	*q = (lc_i128)quot;
	*r = (lc_i128)rem;
	return 0;
}
