/*
 * diff.c - explaining a spend change: an exact split of a slice's cost
 * change into volume, retry, input, output and price effects, and a
 * cause named from them.  The method is in include/llmcost.h and
 * docs/diff.md.
 */
#include "internal.h"

#include <string.h>

/* Ten-thousandths: the scale of every ratio and rate. */
#define DIFF_ONE 10000

/* One period's figures, widened to 128 bits. */
struct diff_figs {
	lc_i128 n, t, g, i, o;	/* requests, retries, first attempts,
				 * input and output tokens */
	lc_i128 c, cin, cout, cx; /* cost and its three parts */
};


static const char *const effect_names[LLMCOST_EFFECT_COUNT] = {
	"volume", "retry", "input", "output", "price"
};

static const char *const cause_names[LLMCOST_CAUSE_COUNT] = {
	"none", "model substitution", "prompt expansion", "retry storm",
	"genuine adoption", "price change", "output growth", "new slice",
	"gone slice"
};


const char *llmcost_effect_name(int effect)
{
	if (effect < 0 || effect >= LLMCOST_EFFECT_COUNT)
		return "";
	return effect_names[effect];
}


const char *llmcost_cause_name(int cause)
{
	if (cause < 0 || cause >= LLMCOST_CAUSE_COUNT)
		return "";
	return cause_names[cause];
}


void llmcost_diff_side_init(llmcost_diff_side *side)
{
	if (side == NULL)
		return;
	memset(side, 0, sizeof(*side));
	side->struct_size = sizeof(*side);
	side->active_users = -1;
}


void llmcost_diff_init(llmcost_diff *diff)
{
	if (diff == NULL)
		return;
	memset(diff, 0, sizeof(*diff));
	diff->struct_size = sizeof(*diff);
}


static int side_part(int c)
{
	switch (c) {
	case LLMCOST_C_INPUT:
	case LLMCOST_C_CACHE_READ:
	case LLMCOST_C_CACHE_WRITE_5M:
	case LLMCOST_C_CACHE_WRITE_1H:
	case LLMCOST_C_INPUT_AUDIO:
	case LLMCOST_C_INPUT_IMAGE:
	case LLMCOST_C_INPUT_VIDEO:
		return 1;
	case LLMCOST_C_OUTPUT:
	case LLMCOST_C_REASONING:
	case LLMCOST_C_OUTPUT_AUDIO:
	case LLMCOST_C_OUTPUT_IMAGE:
		return 2;
	default:
		return 0;
	}
}


static int add_count(int64_t *sum, int64_t v)
{
	return __builtin_add_overflow(*sum, v, sum) ? -1 : 0;
}


static int add_money(llmcost_money *sum, llmcost_money v)
{
	lc_i128 s;

	if (lc_i128_add(lc_money_to_i128(*sum), lc_money_to_i128(v), &s))
		return -1;
	*sum = lc_money_from_i128(s);
	return 0;
}


/* Adds the group into a copy, so that a failure leaves side as it was. */
static int side_sum(llmcost_diff_side *s, const llmcost_group *g)
{
	int bad = 0;
	int c;

	bad |= add_count(&s->requests, g->requests);
	bad |= add_count(&s->retries, g->retries);
	bad |= add_count(&s->errors, g->errors);
	bad |= add_count(&s->input_tokens, g->tokens[LLMCOST_T_INPUT]);
	bad |= add_count(&s->output_tokens, g->tokens[LLMCOST_T_OUTPUT]);
	bad |= add_money(&s->cost, g->total);
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		if (side_part(c) == 1)
			bad |= add_money(&s->input_cost, g->component[c]);
		else if (side_part(c) == 2)
			bad |= add_money(&s->output_cost, g->component[c]);
	}
	return bad;
}


int llmcost_diff_side_add(llmcost_diff_side *side,
			  const llmcost_group *group)
{
	llmcost_diff_side s;

	if (side == NULL || group == NULL)
		return lc_error(LLMCOST_E_INVALID, "diff: NULL argument");
	if (side->struct_size != sizeof(*side) ||
	    group->struct_size != sizeof(*group))
		return lc_error(LLMCOST_E_SIZE, "diff: unknown struct_size");
	s = *side;
	if (side_sum(&s, group) != 0)
		return lc_error(LLMCOST_E_OVERFLOW, "diff: sum overflows");
	*side = s;
	return LLMCOST_OK;
}


/* floor(b * a / c) for b >= 0, a >= 0, c > 0, without a 256-bit
 * product: b = q c + r, so b a / c = q a + r a / c with r a < 2^126. */
static int muldiv(lc_i128 b, lc_i128 a, lc_i128 c, lc_i128 *out)
{
	lc_i128 q = b / c;
	lc_i128 r = b % c;
	lc_i128 hi;

	if (a > INT64_MAX || c > INT64_MAX)
		return -1;
	if (lc_i128_mul(q, a, &hi))
		return -1;
	return lc_i128_add(hi, r * a / c, out);
}


/* A ratio num / den in ten-thousandths, for display: exact while the
 * figures are small, approximate (to the leading 100 bits) when huge. */
static int64_t ratio(lc_i128 num, lc_i128 den)
{
	lc_i128 lim = (lc_i128)1 << 100;
	lc_i128 q;

	if (den <= 0 || num < 0)
		return -1;
	while (num > lim || den > lim) {
		num >>= 1;
		den >>= 1;
	}
	if (den == 0)
		return -1;
	q = num * DIFF_ONE / den;
	return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}


/* (a / b) / (c / d) = (a d) / (b c), each figure first cut to 62 bits. */
static int64_t ratio_per(lc_i128 a, lc_i128 b, lc_i128 c, lc_i128 d)
{
	lc_i128 lim = (lc_i128)1 << 62;

	if (b <= 0 || d <= 0 || c <= 0)
		return -1;
	while (a > lim || c > lim) {
		a >>= 1;
		c >>= 1;
	}
	while (b > lim || d > lim) {
		b >>= 1;
		d >>= 1;
	}
	if (b == 0 || c == 0)
		return -1;
	return ratio(a * d, b * c);
}


static int figs_from(const llmcost_diff_side *s, struct diff_figs *f)
{
	if (s->requests < 0 || s->retries < 0 || s->errors < 0 ||
	    s->input_tokens < 0 || s->output_tokens < 0)
		return -1;
	f->n = s->requests;
	f->t = s->retries;
	f->g = f->t < f->n ? f->n - f->t : 0;
	f->i = s->input_tokens;
	f->o = s->output_tokens;
	f->c = lc_money_to_i128(s->cost);
	f->cin = lc_money_to_i128(s->input_cost);
	f->cout = lc_money_to_i128(s->output_cost);
	f->cx = f->c - f->cin - f->cout;
	if (f->c < 0 || f->cin < 0 || f->cout < 0 || f->cx < 0)
		return -1;
	return 0;
}


/* cost * cur / base, with a baseline of 0 read as "flat" (per request):
 * a part with no baseline units has no baseline cost to scale. */
static int scale(lc_i128 cost, lc_i128 cur, lc_i128 base,
		 const struct diff_figs *b1, const struct diff_figs *b0,
		 lc_i128 *out)
{
	if (base == 0)
		return muldiv(cost, b1->n, b0->n, out);
	return muldiv(cost, cur, base, out);
}


/* The terms of the method, each rounded down: C0 G1/G0, C0 N1/N0,
 * Cin0 I1/I0, Cin0 N1/N0, Cout0 O1/O0, Cout0 N1/N0, Cx0 N1/N0. */
enum { T_VOL, T_REQ, T_IN, T_IN0, T_OUT, T_OUT0, T_X, T_COUNT };

static int terms(const struct diff_figs *f0, const struct diff_figs *f1,
		 lc_i128 t[T_COUNT])
{
	int bad = 0;

	memset(t, 0, sizeof(lc_i128) * T_COUNT);
	bad |= muldiv(f0->c, f1->n, f0->n, &t[T_REQ]);
	if (f0->g == 0 || f1->g == 0)
		t[T_VOL] = t[T_REQ];
	else
		bad |= muldiv(f0->c, f1->g, f0->g, &t[T_VOL]);
	bad |= scale(f0->cin, f1->i, f0->i, f1, f0, &t[T_IN]);
	bad |= muldiv(f0->cin, f1->n, f0->n, &t[T_IN0]);
	bad |= scale(f0->cout, f1->o, f0->o, f1, f0, &t[T_OUT]);
	bad |= muldiv(f0->cout, f1->n, f0->n, &t[T_OUT0]);
	bad |= muldiv(f0->cx, f1->n, f0->n, &t[T_X]);
	return bad;
}


/* Each effect is the difference of two rounded terms, so it is within
 * one unit of its exact value; what the roundings disagree on is left
 * in the remainder. */
static int split(const struct diff_figs *f0, const struct diff_figs *f1,
		 lc_i128 change, lc_i128 e[LLMCOST_EFFECT_COUNT],
		 lc_i128 *rest)
{
	lc_i128 t[T_COUNT];
	int k;

	memset(e, 0, sizeof(lc_i128) * LLMCOST_EFFECT_COUNT);
	*rest = 0;
	if (f0->n == 0 || f1->n == 0) {
		e[LLMCOST_EFFECT_VOLUME] = change;
		return 0;
	}
	if (terms(f0, f1, t) != 0)
		return -1;
	e[LLMCOST_EFFECT_VOLUME] = t[T_VOL] - f0->c;
	e[LLMCOST_EFFECT_RETRY] = t[T_REQ] - t[T_VOL];
	e[LLMCOST_EFFECT_INPUT] = t[T_IN] - t[T_IN0];
	e[LLMCOST_EFFECT_OUTPUT] = t[T_OUT] - t[T_OUT0];
	e[LLMCOST_EFFECT_PRICE] = f1->c - t[T_IN] - t[T_OUT] - t[T_X];
	*rest = change;
	for (k = 0; k < LLMCOST_EFFECT_COUNT; k++)
		*rest -= e[k];
	return 0;
}


static void fill_ratios(const llmcost_diff_side *b,
			const llmcost_diff_side *c,
			const struct diff_figs *f0,
			const struct diff_figs *f1, llmcost_diff *d)
{
	d->requests_ratio = ratio(f1->n, f0->n);
	d->users_ratio = b->active_users < 0 || c->active_users < 0 ? -1 :
		ratio(c->active_users, b->active_users);
	d->input_ratio = ratio_per(f1->i, f1->n, f0->i, f0->n);
	d->output_ratio = ratio_per(f1->o, f1->n, f0->o, f0->n);
	d->cost_ratio = ratio_per(f1->c, f1->n, f0->c, f0->n);
	d->retry_rate[0] = f0->n > 0 ? ratio(f0->t, f0->n) : 0;
	d->retry_rate[1] = f1->n > 0 ? ratio(f1->t, f1->n) : 0;
	d->error_rate[0] = f0->n > 0 ? ratio(b->errors, f0->n) : 0;
	d->error_rate[1] = f1->n > 0 ? ratio(c->errors, f1->n) : 0;
}


static lc_i128 i128_abs(lc_i128 v)
{
	return v < 0 ? -v : v;
}


/* Requests up faster than users while the retry rate rises: a storm,
 * even when the extra requests count as first attempts. */
static int volume_is_storm(const llmcost_diff *d)
{
	int64_t req = d->requests_ratio - DIFF_ONE;
	int64_t users = d->users_ratio - DIFF_ONE;

	if (d->users_ratio < 0 || req <= 0)
		return 0;
	if (d->retry_rate[1] <= d->retry_rate[0] + d->retry_rate[0] / 2)
		return 0;
	return users * 2 < req;
}


static uint32_t pick_cause(const struct diff_figs *f0,
			   const struct diff_figs *f1,
			   const lc_i128 e[LLMCOST_EFFECT_COUNT],
			   unsigned flags, const llmcost_diff *d)
{
	int k, top = 0;

	if (f0->n == 0 && f1->n == 0)
		return LLMCOST_CAUSE_NONE;
	if (f0->n == 0)
		return LLMCOST_CAUSE_NEW_SLICE;
	if (f1->n == 0)
		return LLMCOST_CAUSE_GONE_SLICE;
	if (f0->c == f1->c)
		return LLMCOST_CAUSE_NONE;
	for (k = 1; k < LLMCOST_EFFECT_COUNT; k++)
		if (i128_abs(e[k]) > i128_abs(e[top]))
			top = k;
	switch (top) {
	case LLMCOST_EFFECT_VOLUME:
		return volume_is_storm(d) ? LLMCOST_CAUSE_RETRY_STORM :
			LLMCOST_CAUSE_ADOPTION;
	case LLMCOST_EFFECT_RETRY:
		return LLMCOST_CAUSE_RETRY_STORM;
	case LLMCOST_EFFECT_INPUT:
		return LLMCOST_CAUSE_PROMPT_EXPANSION;
	case LLMCOST_EFFECT_OUTPUT:
		return LLMCOST_CAUSE_OUTPUT_GROWTH;
	default:
		return flags & LLMCOST_DIFF_MODEL_MIX ?
			LLMCOST_CAUSE_MODEL_SUBSTITUTION :
			LLMCOST_CAUSE_PRICE_CHANGE;
	}
}


static int check_args(const llmcost_diff_side *b,
		      const llmcost_diff_side *c, unsigned flags,
		      const llmcost_diff *out)
{
	if (b == NULL || c == NULL || out == NULL)
		return lc_error(LLMCOST_E_INVALID, "diff: NULL argument");
	if (b->struct_size != sizeof(*b) || c->struct_size != sizeof(*c) ||
	    out->struct_size != sizeof(*out))
		return lc_error(LLMCOST_E_SIZE, "diff: unknown struct_size");
	if (flags & ~LLMCOST_DIFF_MODEL_MIX)
		return lc_error(LLMCOST_E_INVALID, "diff: unknown flag");
	return LLMCOST_OK;
}


int llmcost_diff_explain(const llmcost_diff_side *base,
			 const llmcost_diff_side *current, unsigned flags,
			 llmcost_diff *out)
{
	struct diff_figs f0, f1;
	lc_i128 e[LLMCOST_EFFECT_COUNT], rest, change;
	int k, rc = check_args(base, current, flags, out);

	if (rc != LLMCOST_OK)
		return rc;
	if (figs_from(base, &f0) != 0 || figs_from(current, &f1) != 0)
		return lc_error(LLMCOST_E_INVALID,
				"diff: negative count, or parts of the cost "
				"exceed the cost");
	change = f1.c - f0.c;
	if (split(&f0, &f1, change, e, &rest) != 0)
		return lc_error(LLMCOST_E_OVERFLOW,
				"diff: a stage value leaves the money range");
	llmcost_diff_init(out);
	out->change = lc_money_from_i128(change);
	for (k = 0; k < LLMCOST_EFFECT_COUNT; k++)
		out->effect[k] = lc_money_from_i128(e[k]);
	out->remainder = lc_money_from_i128(rest);
	fill_ratios(base, current, &f0, &f1, out);
	out->cause = pick_cause(&f0, &f1, e, flags, out);
	return LLMCOST_OK;
}
