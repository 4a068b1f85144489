/*
 * test_diff.c - explaining a spend change: the effects of each cause,
 * worked out by hand, the exact sum of the parts, and the edge cases.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "internal.h"

/* Money units from millionths of a dollar: 1 USD = 10^18 units. */
#define UNITS(usd_e6) ((lc_i128)(usd_e6) * 1000000000000LL)


static void side_set(llmcost_diff_side *s, int64_t requests,
		     int64_t retries, int64_t input, int64_t output,
		     lc_i128 cin, lc_i128 cout, lc_i128 other)
{
	llmcost_diff_side_init(s);
	s->requests = requests;
	s->retries = retries;
	s->input_tokens = input;
	s->output_tokens = output;
	s->input_cost = lc_money_from_i128(cin);
	s->output_cost = lc_money_from_i128(cout);
	s->cost = lc_money_from_i128(cin + cout + other);
}


static lc_i128 effect(const llmcost_diff *d, int k)
{
	return lc_money_to_i128(d->effect[k]);
}


static void assert_sums(const llmcost_diff *d)
{
	lc_i128 sum = lc_money_to_i128(d->remainder);
	int k;

	for (k = 0; k < LLMCOST_EFFECT_COUNT; k++)
		sum += effect(d, k);
	cr_assert(sum == lc_money_to_i128(d->change));
}


static void explain(const llmcost_diff_side *b, const llmcost_diff_side *c,
		    unsigned flags, llmcost_diff *d)
{
	llmcost_diff_init(d);
	cr_assert_eq(llmcost_diff_explain(b, c, flags, d), LLMCOST_OK);
	assert_sums(d);
}


/* 100 requests of 1000 input tokens at $3/M and 100 output at $15/M,
 * then 102 requests of 2100 input and 100 output tokens. */
Test(diff, prompt_expansion)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 100, 0, 100000, 10000, UNITS(300000), UNITS(150000), 0);
	side_set(&c, 102, 0, 214200, 10200, UNITS(642600), UNITS(153000), 0);
	explain(&b, &c, 0, &d);
	cr_assert(lc_money_to_i128(d.change) == UNITS(345600));
	cr_assert(effect(&d, LLMCOST_EFFECT_VOLUME) == UNITS(9000));
	cr_assert(effect(&d, LLMCOST_EFFECT_RETRY) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_INPUT) == UNITS(336600));
	cr_assert(effect(&d, LLMCOST_EFFECT_OUTPUT) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_PRICE) == 0);
	cr_assert(lc_money_to_i128(d.remainder) == 0);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_PROMPT_EXPANSION);
	cr_assert_eq(d.requests_ratio, 10200);
	cr_assert_eq(d.input_ratio, 21000);
	cr_assert_eq(d.output_ratio, 10000);
	cr_assert_eq(d.cost_ratio, 17333);
}


/* 10 retries in 100 requests, then 30 in 120: the same 90 first
 * attempts, each request the same size and price. */
Test(diff, retry_storm)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 100, 10, 100000, 0, UNITS(100000), 0, 0);
	side_set(&c, 120, 30, 120000, 0, UNITS(120000), 0, 0);
	explain(&b, &c, 0, &d);
	cr_assert(effect(&d, LLMCOST_EFFECT_VOLUME) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_RETRY) == UNITS(20000));
	cr_assert(effect(&d, LLMCOST_EFFECT_INPUT) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_PRICE) == 0);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_RETRY_STORM);
	cr_assert_eq(d.retry_rate[0], 1000);
	cr_assert_eq(d.retry_rate[1], 2500);
}


/* Users and requests both up 60%, nothing else moves. */
Test(diff, adoption)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 1000, 0, 500000, 100000, UNITS(1500), UNITS(1500), 0);
	side_set(&c, 1600, 0, 800000, 160000, UNITS(2400), UNITS(2400), 0);
	b.active_users = 100;
	c.active_users = 160;
	explain(&b, &c, 0, &d);
	cr_assert(effect(&d, LLMCOST_EFFECT_VOLUME) == UNITS(1800));
	cr_assert(effect(&d, LLMCOST_EFFECT_INPUT) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_PRICE) == 0);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_ADOPTION);
	cr_assert_eq(d.users_ratio, 16000);
}


/* Requests up 50% with users flat and the retry rate up from 1% to 10%:
 * a storm even though the new requests are logged as first attempts. */
Test(diff, volume_without_users_is_a_storm)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 1000, 10, 1000, 0, UNITS(1000), 0, 0);
	side_set(&c, 1500, 150, 1500, 0, UNITS(1500), 0, 0);
	b.active_users = 50;
	c.active_users = 50;
	explain(&b, &c, 0, &d);
	cr_assert(effect(&d, LLMCOST_EFFECT_VOLUME) > 0);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_RETRY_STORM);
}


/* Same tokens, twice the cost per request: price, named by the flag. */
Test(diff, model_substitution_and_price_change)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 10, 0, 1000, 100, UNITS(20), UNITS(10), 0);
	side_set(&c, 10, 0, 1000, 100, UNITS(40), UNITS(20), 0);
	explain(&b, &c, LLMCOST_DIFF_MODEL_MIX, &d);
	cr_assert(effect(&d, LLMCOST_EFFECT_PRICE) == UNITS(30));
	cr_assert_eq(d.cause, LLMCOST_CAUSE_MODEL_SUBSTITUTION);
	cr_assert_eq(d.cost_ratio, 20000);
	explain(&b, &c, 0, &d);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_PRICE_CHANGE);
}


/* Output tokens per request triple. */
Test(diff, output_growth)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 10, 0, 1000, 100, UNITS(10), UNITS(10), 0);
	side_set(&c, 10, 0, 1000, 300, UNITS(10), UNITS(30), 0);
	explain(&b, &c, 0, &d);
	cr_assert(effect(&d, LLMCOST_EFFECT_OUTPUT) == UNITS(20));
	cr_assert_eq(d.cause, LLMCOST_CAUSE_OUTPUT_GROWTH);
	cr_assert_eq(d.output_ratio, 30000);
}


/* Two units over two requests, one input and one output, become three
 * over three: every term is 3/2, rounded to 1, so the rounding shows in
 * the remainder: volume 1 + price 1 - 1 = the change of 1. */
Test(diff, rounding_goes_to_the_remainder)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 2, 0, 2, 2, 1, 1, 0);
	side_set(&c, 3, 0, 3, 3, 1, 1, 1);
	explain(&b, &c, 0, &d);
	cr_assert(lc_money_to_i128(d.change) == 1);
	cr_assert(effect(&d, LLMCOST_EFFECT_VOLUME) == 1);
	cr_assert(effect(&d, LLMCOST_EFFECT_RETRY) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_INPUT) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_OUTPUT) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_PRICE) == 1);
	cr_assert(lc_money_to_i128(d.remainder) == -1);
}


Test(diff, slice_in_one_period_only)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	llmcost_diff_side_init(&b);
	side_set(&c, 5, 0, 50, 5, UNITS(7), UNITS(3), 0);
	explain(&b, &c, 0, &d);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_NEW_SLICE);
	cr_assert(effect(&d, LLMCOST_EFFECT_VOLUME) == UNITS(10));
	cr_assert_eq(d.requests_ratio, -1);
	explain(&c, &b, 0, &d);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_GONE_SLICE);
	cr_assert(effect(&d, LLMCOST_EFFECT_VOLUME) == -UNITS(10));
}


Test(diff, zero_cost_and_empty_periods)
{
	llmcost_diff_side b, c;
	llmcost_diff d;
	int k;

	side_set(&b, 10, 0, 100, 10, 0, 0, 0);
	side_set(&c, 20, 0, 200, 20, 0, 0, 0);
	explain(&b, &c, 0, &d);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_NONE);
	for (k = 0; k < LLMCOST_EFFECT_COUNT; k++)
		cr_assert(effect(&d, k) == 0);
	cr_assert_eq(d.cost_ratio, -1);
	llmcost_diff_side_init(&b);
	llmcost_diff_side_init(&c);
	explain(&b, &c, 0, &d);
	cr_assert_eq(d.cause, LLMCOST_CAUSE_NONE);
	cr_assert(lc_money_to_i128(d.change) == 0);
}


/* Input cost appears where the baseline had no input tokens: the input
 * step reads flat, and the new cost shows as price. */
Test(diff, zero_baseline_tokens_read_flat)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 4, 0, 0, 40, 0, UNITS(8), 0);
	side_set(&c, 4, 0, 100, 40, UNITS(1), UNITS(8), 0);
	explain(&b, &c, 0, &d);
	cr_assert(effect(&d, LLMCOST_EFFECT_INPUT) == 0);
	cr_assert(effect(&d, LLMCOST_EFFECT_PRICE) == UNITS(1));
}


static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 17;
}


static void side_random(llmcost_diff_side *s, uint64_t *seed)
{
	int64_t n = (int64_t)(lcg(seed) % 100000);
	lc_i128 cin = (lc_i128)lcg(seed) * (lc_i128)(lcg(seed) % 100000);
	lc_i128 cout = (lc_i128)lcg(seed) * (lc_i128)(lcg(seed) % 1000);

	side_set(s, n, n > 0 ? (int64_t)(lcg(seed) % (uint64_t)n) : 0,
		 (int64_t)(lcg(seed) % 1000000000), (int64_t)(lcg(seed) %
		 100000000), cin, cout, (lc_i128)(lcg(seed) % 1000000007));
}


/* Parts add up to the whole to the last unit, and rounding leaves at
 * most three units, on 20000 random pairs of periods. */
Test(diff, parts_sum_exactly_on_random_periods)
{
	uint64_t seed = 20260601;
	llmcost_diff_side b, c;
	llmcost_diff d;
	lc_i128 rest;
	int i;

	for (i = 0; i < 20000; i++) {
		side_random(&b, &seed);
		side_random(&c, &seed);
		explain(&b, &c, 0, &d);
		rest = lc_money_to_i128(d.remainder);
		cr_assert(rest > -3 && rest <= 0, "remainder out of bounds");
	}
}


Test(diff, side_add_sums_groups)
{
	llmcost_diff_side s;
	llmcost_group g;

	llmcost_diff_side_init(&s);
	cr_assert_eq(s.active_users, -1);
	llmcost_group_init(&g);
	g.requests = 3;
	g.retries = 1;
	g.errors = 2;
	g.tokens[LLMCOST_T_INPUT] = 30;
	g.tokens[LLMCOST_T_OUTPUT] = 6;
	g.component[LLMCOST_C_INPUT] = lc_money_from_i128(5);
	g.component[LLMCOST_C_CACHE_READ] = lc_money_from_i128(1);
	g.component[LLMCOST_C_REASONING] = lc_money_from_i128(2);
	g.component[LLMCOST_C_WEB_SEARCH] = lc_money_from_i128(4);
	g.total = lc_money_from_i128(12);
	cr_assert_eq(llmcost_diff_side_add(&s, &g), LLMCOST_OK);
	cr_assert_eq(llmcost_diff_side_add(&s, &g), LLMCOST_OK);
	cr_assert_eq(s.requests, 6);
	cr_assert_eq(s.retries, 2);
	cr_assert_eq(s.errors, 4);
	cr_assert_eq(s.input_tokens, 60);
	cr_assert(lc_money_to_i128(s.cost) == 24);
	cr_assert(lc_money_to_i128(s.input_cost) == 12);
	cr_assert(lc_money_to_i128(s.output_cost) == 4);
	g.requests = INT64_MAX;
	cr_assert_eq(llmcost_diff_side_add(&s, &g), LLMCOST_E_OVERFLOW);
	cr_assert_eq(s.requests, 6);
}


Test(diff, bad_arguments)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 1, 0, 1, 1, 1, 1, 0);
	side_set(&c, 1, 0, 1, 1, 1, 1, 0);
	llmcost_diff_init(&d);
	cr_assert_eq(llmcost_diff_explain(NULL, &c, 0, &d), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_diff_explain(&b, &c, 0x80, &d),
		     LLMCOST_E_INVALID);
	c.requests = -1;
	cr_assert_eq(llmcost_diff_explain(&b, &c, 0, &d), LLMCOST_E_INVALID);
	c.requests = 1;
	c.input_cost = lc_money_from_i128(5);
	cr_assert_eq(llmcost_diff_explain(&b, &c, 0, &d), LLMCOST_E_INVALID);
	c.input_cost = lc_money_from_i128(1);
	d.struct_size = 4;
	cr_assert_eq(llmcost_diff_explain(&b, &c, 0, &d), LLMCOST_E_SIZE);
}


Test(diff, overflow_is_reported)
{
	llmcost_diff_side b, c;
	llmcost_diff d;

	side_set(&b, 1, 0, 1, 1, LC_I128_MAX / 4, 0, 0);
	side_set(&c, 1000, 0, 1, 1, 0, 0, 0);
	llmcost_diff_init(&d);
	cr_assert_eq(llmcost_diff_explain(&b, &c, 0, &d), LLMCOST_E_OVERFLOW);
}


Test(diff, names)
{
	cr_assert_str_eq(llmcost_effect_name(LLMCOST_EFFECT_RETRY), "retry");
	cr_assert_str_eq(llmcost_effect_name(LLMCOST_EFFECT_COUNT), "");
	cr_assert_str_eq(llmcost_cause_name(LLMCOST_CAUSE_RETRY_STORM),
			 "retry storm");
	cr_assert_str_eq(llmcost_cause_name(-1), "");
}
