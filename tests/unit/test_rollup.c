/*
 * test_rollup.c - the rollup accumulator: exact sums, refusals, UTC days,
 * stable group numbers, struct sizes and concurrent adds.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "internal.h"

/* 2025-05-30T10:00:00Z and neighbours, worked out by hand from the civil
 * calendar: 2025-05-30 is day 20238 since 1970-01-01. */
#define DAY_MS 86400000LL
#define MAY30 (20238LL * DAY_MS)		/* 1748563200000 */
#define MAY30_10H (MAY30 + 10LL * 3600000)	/* 1748599200000 */
#define MAY31 (MAY30 + DAY_MS)			/* 1748649600000 */

/* Money units from millionths of a dollar: 1 USD = 10^18 units. */
#define UNITS(usd_e6) ((lc_i128)(usd_e6) * 1000000000000LL)


static void record_base(llmcost_record *r, const char *team,
			const char *user, const char *feature,
			const char *model, int64_t ts)
{
	llmcost_record_init(r);
	r->team_id = team;
	r->user_id = user;
	r->feature_name = feature;
	r->model = model;
	r->timestamp_ms = ts;
}


/* A cost struct as llmcost_cost_init() leaves it. */
static void cost_blank(llmcost_cost *c, int status)
{
	memset(c, 0, sizeof(*c));
	c->struct_size = sizeof(*c);
	c->status = status;
}


static void cost_set(llmcost_cost *c, int component, lc_i128 v)
{
	lc_i128 total = lc_money_to_i128(c->total);

	c->component[component] = lc_money_from_i128(v);
	c->total = lc_money_from_i128(total + v);
}


static llmcost_rollup *rollup_make(void)
{
	llmcost_rollup *r = NULL;

	cr_assert_eq(llmcost_rollup_new(&r), LLMCOST_OK);
	cr_assert_not_null(r);
	return r;
}


static llmcost_group group_get(const llmcost_rollup *r, size_t i)
{
	llmcost_group g;

	llmcost_group_init(&g);
	cr_assert_eq(llmcost_rollup_group(r, i, &g), LLMCOST_OK,
		     "group %zu: %s", i, llmcost_last_error());
	return g;
}


static void assert_money(llmcost_money m, const char *want)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cr_assert_gt(llmcost_money_format(m, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, want);
}


/* Record 1: 1000 input of which 200 cache reads, 100 five-minute and 50
 * one-hour writes; 300 output of which 120 reasoning.  At $3/M input,
 * $0.30/M reads, $3.75/M and $6/M writes, $15/M output:
 *   650 * 3e-6   = 0.00195     = 1950e-6 USD
 *   200 * 3e-7   = 0.00006     =   60e-6
 *   100 * 3.75e-6= 0.000375    =  375e-6
 *    50 * 6e-6   = 0.0003      =  300e-6
 *   180 * 1.5e-5 = 0.0027      = 2700e-6
 *   120 * 1.5e-5 = 0.0018      = 1800e-6
 *   total                      = 7185e-6 = 0.007185 USD */
static void first_request(llmcost_record *r, llmcost_cost *c)
{
	record_base(r, "search", "alice", "summarise", "claude-x", MAY30_10H);
	r->input_tokens = 1000;
	r->cached_tokens = 200;
	r->cache_write_tokens = 100;
	r->cache_write_1h_tokens = 50;
	r->output_tokens = 300;
	r->reasoning_tokens = 120;
	r->retry_count = 2;
	r->latency_ms = 150;
	r->status_code = 200;
	cost_blank(c, LLMCOST_OK);
	cost_set(c, LLMCOST_C_INPUT, UNITS(1950));
	cost_set(c, LLMCOST_C_CACHE_READ, UNITS(60));
	cost_set(c, LLMCOST_C_CACHE_WRITE_5M, UNITS(375));
	cost_set(c, LLMCOST_C_CACHE_WRITE_1H, UNITS(300));
	cost_set(c, LLMCOST_C_OUTPUT, UNITS(2700));
	cost_set(c, LLMCOST_C_REASONING, UNITS(1800));
}


/* Record 2, same group later that day: 3 requests, 2000 input, 500
 * output, HTTP 500.  2000 * 3e-6 = 0.006; 500 * 1.5e-5 = 0.0075;
 * total 0.0135 USD. */
static void second_request(llmcost_record *r, llmcost_cost *c)
{
	record_base(r, "search", "alice", "summarise", "claude-x",
		    MAY30 + 23LL * 3600000);
	r->request_count = 3;
	r->input_tokens = 2000;
	r->output_tokens = 500;
	r->retry_count = 1;
	r->latency_ms = 400;
	r->status_code = 500;
	cost_blank(c, LLMCOST_OK);
	cost_set(c, LLMCOST_C_INPUT, UNITS(6000));
	cost_set(c, LLMCOST_C_OUTPUT, UNITS(7500));
}


Test(rollup, sums_two_requests_exactly)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;

	first_request(&rec, &cost);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	second_request(&rec, &cost);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_count(r), 1);

	g = group_get(r, 0);
	cr_assert_str_eq(g.key[LLMCOST_DIM_TEAM], "search");
	cr_assert_str_eq(g.key[LLMCOST_DIM_USER], "alice");
	cr_assert_str_eq(g.key[LLMCOST_DIM_FEATURE], "summarise");
	cr_assert_str_eq(g.key[LLMCOST_DIM_MODEL], "claude-x");
	cr_assert_eq(g.day_start_ms, 1748563200000LL);
	cr_assert_eq(g.requests, 4);
	cr_assert_eq(g.priced_requests, 4);
	cr_assert_eq(g.unpriced_requests, 0);
	cr_assert_eq(g.tokens[LLMCOST_T_INPUT], 3000);
	cr_assert_eq(g.tokens[LLMCOST_T_OUTPUT], 800);
	cr_assert_eq(g.tokens[LLMCOST_T_CACHED], 200);
	cr_assert_eq(g.tokens[LLMCOST_T_CACHE_WRITE_5M], 100);
	cr_assert_eq(g.tokens[LLMCOST_T_CACHE_WRITE_1H], 50);
	cr_assert_eq(g.tokens[LLMCOST_T_REASONING], 120);
	cr_assert_eq(g.retries, 3);
	cr_assert_eq(g.errors, 1);
	cr_assert_eq(g.latency_sum_ms, 550);
	cr_assert_eq(g.latency_max_ms, 400);
	/* 0.007185 + 0.0135 */
	assert_money(g.total, "0.020685");
	assert_money(g.component[LLMCOST_C_INPUT], "0.00795");
	assert_money(g.component[LLMCOST_C_CACHE_READ], "0.00006");
	assert_money(g.component[LLMCOST_C_CACHE_WRITE_5M], "0.000375");
	assert_money(g.component[LLMCOST_C_CACHE_WRITE_1H], "0.0003");
	assert_money(g.component[LLMCOST_C_OUTPUT], "0.0102");
	assert_money(g.component[LLMCOST_C_REASONING], "0.0018");
	assert_money(g.component[LLMCOST_C_COUNT], "0");
	llmcost_rollup_free(r);
}


Test(rollup, failed_flag_counts_as_error_once_per_record)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;

	record_base(&rec, "t", "u", "f", "m", MAY30_10H);
	rec.request_count = 5;
	rec.flags = LLMCOST_RECORD_FAILED;
	rec.status_code = 429;
	cost_blank(&cost, LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	rec.flags = 0;
	rec.status_code = 399;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	rec.status_code = 400;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	g = group_get(r, 0);
	cr_assert_eq(g.requests, 15);
	cr_assert_eq(g.errors, 2);
	llmcost_rollup_free(r);
}


Test(rollup, money_beyond_64_bits_sums_exactly)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;
	lc_i128 usd = LC_UNITS_PER_USD;
	int i;

	/* 123456.789 USD is 1.23456789e23 units, well past 2^64. */
	record_base(&rec, "t", "u", "f", "m", MAY30_10H);
	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_OUTPUT, usd * 123456789 / 1000);
	for (i = 0; i < 3; i++)
		cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	g = group_get(r, 0);
	assert_money(g.total, "370370.367");
	assert_money(g.component[LLMCOST_C_OUTPUT], "370370.367");
	cr_assert_eq(lc_money_to_i128(g.total), usd * 370370367 / 1000);
	llmcost_rollup_free(r);
}


Test(rollup, unpriced_adds_counts_and_tokens_but_no_money)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;

	record_base(&rec, "t", "u", "f", "mystery", MAY30_10H);
	rec.input_tokens = 700;
	rec.output_tokens = 40;
	rec.request_count = 2;
	/* A stray total on an unpriced cost must not leak into the sums. */
	cost_blank(&cost, LLMCOST_E_UNPRICED);
	cost_set(&cost, LLMCOST_C_INPUT, UNITS(999));
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cost.status = LLMCOST_E_NORATE;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, UNITS(21));
	rec.request_count = 1;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);

	cr_assert_eq(llmcost_rollup_count(r), 1);
	g = group_get(r, 0);
	cr_assert_eq(g.requests, 5);
	cr_assert_eq(g.unpriced_requests, 4);
	cr_assert_eq(g.priced_requests, 1);
	cr_assert_eq(g.tokens[LLMCOST_T_INPUT], 2100);
	cr_assert_eq(g.tokens[LLMCOST_T_OUTPUT], 120);
	assert_money(g.total, "0.000021");
	assert_money(g.component[LLMCOST_C_INPUT], "0.000021");
	llmcost_rollup_free(r);
}


/* Adds one good request so that refusals have a group to leave alone. */
static llmcost_rollup *rollup_with_one(void)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;

	first_request(&rec, &cost);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	return r;
}


static void assert_untouched(const llmcost_rollup *r)
{
	llmcost_group g;

	cr_assert_eq(llmcost_rollup_count(r), 1);
	g = group_get(r, 0);
	cr_assert_eq(g.requests, 1);
	cr_assert_eq(g.tokens[LLMCOST_T_INPUT], 1000);
	cr_assert_eq(g.retries, 2);
	assert_money(g.total, "0.007185");
}


Test(rollup, rejected_records_change_nothing)
{
	llmcost_rollup *r = rollup_with_one();
	llmcost_record rec;
	llmcost_cost cost;

	/* Same key as the stored group and as a new one. */
	first_request(&rec, &cost);
	rec.cached_tokens = 1001;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_PARTS);
	rec.team_id = "other";
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_PARTS);

	first_request(&rec, &cost);
	rec.reasoning_tokens = 301;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_PARTS);

	first_request(&rec, &cost);
	rec.output_tokens = -1;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_NEGATIVE);

	first_request(&rec, &cost);
	rec.request_count = -2;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_NEGATIVE);

	first_request(&rec, &cost);
	rec.latency_ms = -5;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_NEGATIVE);

	first_request(&rec, &cost);
	rec.retry_count = -1;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_NEGATIVE);
	assert_untouched(r);
	llmcost_rollup_free(r);
}


Test(rollup, cost_that_rejected_the_record_is_refused)
{
	llmcost_rollup *r = rollup_with_one();
	llmcost_record rec;
	llmcost_cost cost;

	first_request(&rec, &cost);
	cost.status = LLMCOST_E_PARTS;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_PARTS);
	cost.status = LLMCOST_E_NEGATIVE;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_NEGATIVE);
	cost.status = LLMCOST_E_SIZE;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_INVALID);
	cost.status = 7;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_INVALID);
	cr_assert_neq(llmcost_last_error()[0], '\0');
	assert_untouched(r);
	llmcost_rollup_free(r);
}


Test(rollup, null_arguments)
{
	llmcost_rollup *r = rollup_with_one();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;

	first_request(&rec, &cost);
	llmcost_group_init(&g);
	cr_assert_eq(llmcost_rollup_new(NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_add(NULL, &rec, &cost), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_add(r, NULL, &cost), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_add(r, &rec, NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_group(NULL, 0, &g), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_group(r, 0, NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_group(r, 1, &g), LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_rollup_group(r, (size_t)-1, &g),
		     LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_rollup_count(NULL), 0);
	llmcost_group_init(NULL);
	llmcost_rollup_free(NULL);
	assert_untouched(r);
	llmcost_rollup_free(r);
}


Test(rollup, overflow_is_refused_and_group_unchanged)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;

	record_base(&rec, "t", "u", "f", "m", MAY30_10H);
	rec.input_tokens = INT64_MAX - 10;
	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, LC_I128_MAX - 5);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);

	/* Tokens overflow; money alone would fit. */
	rec.input_tokens = 11;
	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, 5);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_OVERFLOW);

	/* Money overflows; tokens would fit. */
	rec.input_tokens = 10;
	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, 6);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_OVERFLOW);

	g = group_get(r, 0);
	cr_assert_eq(g.requests, 1);
	cr_assert_eq(g.tokens[LLMCOST_T_INPUT], INT64_MAX - 10);
	cr_assert_eq(lc_money_to_i128(g.total), LC_I128_MAX - 5);

	/* Exactly reaching the limits is fine. */
	rec.input_tokens = 10;
	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, 5);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	g = group_get(r, 0);
	cr_assert_eq(g.tokens[LLMCOST_T_INPUT], INT64_MAX);
	cr_assert_eq(lc_money_to_i128(g.total), LC_I128_MAX);
	cr_assert_eq(g.requests, 2);
	llmcost_rollup_free(r);
}


/* Adds cost to a fresh rollup; expects LLMCOST_E_INVALID, an error
 * saying detail, and no group. */
static void expect_cost_refused(const llmcost_cost *cost, const char *detail)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;

	record_base(&rec, "t", "u", "f", "m", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, cost), LLMCOST_E_INVALID,
		     "%s", detail);
	cr_assert(strstr(llmcost_last_error(), detail) != NULL,
		  "error '%s' does not say '%s'", llmcost_last_error(),
		  detail);
	cr_assert_eq(llmcost_rollup_count(r), 0);
	llmcost_rollup_free(r);
}


/* llmcost_price() never makes negative money, and its totals are the
 * exact sums of their components: a cost that breaks either is refused
 * before it can reach a sum. */
Test(rollup, a_cost_price_cannot_make_is_refused)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	int which;

	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, UNITS(-5));
	cost_set(&cost, LLMCOST_C_OUTPUT, UNITS(10));
	cost.contracted_cost = cost.effective_cost = cost.total;
	expect_cost_refused(&cost, "cost component input is negative");

	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, UNITS(5));
	cost_set(&cost, LLMCOST_C_OUTPUT, UNITS(-5));
	expect_cost_refused(&cost, "cost component output is negative");

	/* total, contracted and effective one at a time */
	for (which = 0; which < 3; which++) {
		llmcost_money *m[3] = { &cost.total, &cost.contracted_cost,
					&cost.effective_cost };

		cost_blank(&cost, LLMCOST_OK);
		cost_set(&cost, LLMCOST_C_INPUT, UNITS(5));
		cost.contracted_cost = cost.effective_cost = cost.total;
		*m[which] = lc_money_from_i128(UNITS(-5));
		expect_cost_refused(&cost, "negative total, contracted or "
				    "effective cost");
	}

	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, UNITS(5));
	cost.total = lc_money_from_i128(UNITS(1000));
	expect_cost_refused(&cost, "cost total is not the sum of its "
			    "components");

	/* components that add past 2^127 cannot equal any total */
	cost_blank(&cost, LLMCOST_OK);
	cost.component[LLMCOST_C_INPUT] = lc_money_from_i128(LC_I128_MAX);
	cost.component[LLMCOST_C_OUTPUT] = lc_money_from_i128(LC_I128_MAX);
	cost.total = lc_money_from_i128(LC_I128_MAX);
	expect_cost_refused(&cost, "cost total is not the sum");

	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, UNITS(5));
	cost.contracted_cost = cost.effective_cost = cost.total;
	cost.contracted_component[LLMCOST_C_INPUT] =
		lc_money_from_i128(UNITS(4));
	expect_cost_refused(&cost, "contracted cost is not the sum of its "
			    "contracted components");
	cost.contracted_component[LLMCOST_C_INPUT] =
		lc_money_from_i128(UNITS(-5));
	expect_cost_refused(&cost, "contracted component input is "
			    "negative");

	/* The same cost with its contracted components right is taken, and
	 * so is an unpriced one, whose money is not counted at all. */
	record_base(&rec, "t", "u", "f", "m", MAY30_10H);
	cost.contracted_component[LLMCOST_C_INPUT] =
		lc_money_from_i128(UNITS(3));
	cost.contracted_component[LLMCOST_C_OUTPUT] =
		lc_money_from_i128(UNITS(2));
	cost.effective_cost = lc_money_from_i128(UNITS(1));
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK, "%s",
		     llmcost_last_error());
	cost.status = LLMCOST_E_UNPRICED;
	cost.total = lc_money_from_i128(UNITS(-7));
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK, "%s",
		     llmcost_last_error());
	cr_assert_eq(lc_money_to_i128(group_get(r, 0).total), UNITS(5));
	llmcost_rollup_free(r);
}


/* ---- keys and days ----------------------------------------------------- */

static int64_t day_of(llmcost_rollup *r, int64_t ts)
{
	llmcost_record rec;
	llmcost_cost cost;
	size_t n = llmcost_rollup_count(r);

	record_base(&rec, "t", "u", "f", "m", ts);
	cost_blank(&cost, LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_count(r), n + 1, "ts %lld made no new "
		     "group", (long long)ts);
	return group_get(r, n).day_start_ms;
}


Test(rollup, days_split_at_utc_midnight)
{
	llmcost_rollup *r = rollup_make();

	cr_assert_eq(day_of(r, MAY31 - 1), 1748563200000LL);
	cr_assert_eq(day_of(r, MAY31), 1748649600000LL);
	cr_assert_eq(day_of(r, 0), 0);
	cr_assert_eq(day_of(r, -1), -86400000LL);
	cr_assert_eq(day_of(r, -86400001LL), -172800000LL);
	cr_assert_eq(day_of(r, LLMCOST_TIME_UNKNOWN), LLMCOST_TIME_UNKNOWN);
	llmcost_rollup_free(r);
}


Test(rollup, same_day_shares_a_group)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;

	cost_blank(&cost, LLMCOST_OK);
	record_base(&rec, "t", "u", "f", "m", MAY30);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	rec.timestamp_ms = MAY31 - 1;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	rec.timestamp_ms = -86400000LL;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	rec.timestamp_ms = -1;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_count(r), 2);
	cr_assert_eq(group_get(r, 0).requests, 2);
	cr_assert_eq(group_get(r, 1).requests, 2);
	cr_assert_eq(group_get(r, 1).day_start_ms, -86400000LL);
	llmcost_rollup_free(r);
}


/* Day buckets exist for the years 0001 to 9999, the times a log may give:
 * a snapshot refuses any other bucket start, so the rollup does too. */
Test(rollup, timestamp_outside_the_years_0001_to_9999_is_refused)
{
	static const int64_t bad[] = {
		INT64_MIN + 1, LC_TIME_MIN_MS - 1, LC_TIME_MAX_MS + 1,
		INT64_MAX
	};
	llmcost_rollup *r = rollup_make(), *flat = NULL;
	llmcost_rollup_options o;
	llmcost_record rec;
	llmcost_cost cost;
	size_t i;

	cost_blank(&cost, LLMCOST_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		record_base(&rec, "t", "u", "f", "m", bad[i]);
		cr_assert_eq(llmcost_rollup_add(r, &rec, &cost),
			     LLMCOST_E_RANGE, "%lld", (long long)bad[i]);
		cr_assert(strstr(llmcost_last_error(), "outside the years "
				 "0001 to 9999") != NULL, "%s",
			  llmcost_last_error());
	}
	cr_assert_eq(llmcost_rollup_count(r), 0);
	record_base(&rec, "t", "u", "f", "m", LC_TIME_MAX_MS);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	rec.timestamp_ms = LC_TIME_MIN_MS;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_count(r), 2);
	/* 9999-12-31 is day 2932896; 0001-01-01 is day -719162 */
	cr_assert_eq(group_get(r, 0).day_start_ms, 2932896LL * DAY_MS);
	cr_assert_eq(group_get(r, 1).day_start_ms, -719162LL * DAY_MS);
	llmcost_rollup_free(r);

	/* Without a time bucket the time is not kept, and not judged. */
	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_NONE, 0, 0);
	cr_assert_eq(llmcost_rollup_new_with(&flat, &o), LLMCOST_OK);
	rec.timestamp_ms = INT64_MAX;
	cr_assert_eq(llmcost_rollup_add(flat, &rec, &cost), LLMCOST_OK, "%s",
		     llmcost_last_error());
	llmcost_rollup_free(flat);
}


Test(rollup, missing_strings_key_as_empty)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;
	int i;

	cost_blank(&cost, LLMCOST_OK);
	record_base(&rec, NULL, NULL, NULL, NULL, MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	record_base(&rec, "", "", "", "", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_count(r), 1);
	g = group_get(r, 0);
	for (i = 0; i < LLMCOST_DIM_COUNT; i++) {
		cr_assert_not_null(g.key[i]);
		cr_assert_str_eq(g.key[i], "");
	}
	for (i = LLMCOST_DIM_COUNT; i < LLMCOST_DIM_CAPACITY; i++)
		cr_assert_null(g.key[i]);
	cr_assert_eq(g.requests, 2);
	llmcost_rollup_free(r);
}


Test(rollup, key_boundaries_are_not_ambiguous)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;

	cost_blank(&cost, LLMCOST_OK);
	record_base(&rec, "ab", "c", "f", "m", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	record_base(&rec, "a", "bc", "f", "m", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	record_base(&rec, "a", "b", "cf", "m", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	record_base(&rec, "t", "u", "f", "m", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	record_base(&rec, "t", "u", "m", "f", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_count(r), 5);
	cr_assert_str_eq(group_get(r, 1).key[LLMCOST_DIM_USER], "bc");
	cr_assert_str_eq(group_get(r, 2).key[LLMCOST_DIM_FEATURE], "cf");
	cr_assert_str_eq(group_get(r, 4).key[LLMCOST_DIM_MODEL], "f");
	llmcost_rollup_free(r);
}


Test(rollup, long_keys_work)
{
	llmcost_rollup *r = rollup_make();
	static char user[5000];
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;

	memset(user, 'x', sizeof(user) - 1);
	cost_blank(&cost, LLMCOST_OK);
	record_base(&rec, "t", user, "f", "m", MAY30_10H);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_count(r), 1);
	g = group_get(r, 0);
	cr_assert_str_eq(g.key[LLMCOST_DIM_USER], user);
	cr_assert_str_eq(g.key[LLMCOST_DIM_FEATURE], "f");
	cr_assert_eq(g.requests, 2);
	llmcost_rollup_free(r);
}


/* ---- group numbers stay put ------------------------------------------- */

#define STABLE_USERS 3000

Test(rollup, group_numbers_and_key_pointers_are_stable)
{
	static char names[STABLE_USERS][16];
	static const char *first_ptr[STABLE_USERS];
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	int i, round;

	cost_blank(&cost, LLMCOST_OK);
	for (i = 0; i < STABLE_USERS; i++)
		snprintf(names[i], sizeof(names[i]), "user%d", i);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < STABLE_USERS; i++) {
			record_base(&rec, "t", names[i], "f", "m",
				    MAY30 + round * DAY_MS);
			cr_assert_eq(llmcost_rollup_add(r, &rec, &cost),
				     LLMCOST_OK);
			if (round == 0)
				first_ptr[i] = group_get(r, i)
					       .key[LLMCOST_DIM_USER];
		}
	}
	cr_assert_eq(llmcost_rollup_count(r), 3 * STABLE_USERS);
	for (i = 0; i < STABLE_USERS; i++) {
		llmcost_group g = group_get(r, i);

		cr_assert_eq(g.key[LLMCOST_DIM_USER], first_ptr[i]);
		cr_assert_str_eq(g.key[LLMCOST_DIM_USER], names[i]);
		cr_assert_eq(g.day_start_ms, MAY30);
		g = group_get(r, 2 * STABLE_USERS + i);
		cr_assert_str_eq(g.key[LLMCOST_DIM_USER], names[i]);
		cr_assert_eq(g.day_start_ms, MAY30 + 2 * DAY_MS);
	}
	llmcost_rollup_free(r);
}


/* ---- struct sizes ------------------------------------------------------ */

Test(rollup, small_struct_sizes_are_refused)
{
	llmcost_rollup *r = rollup_with_one();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;

	first_request(&rec, &cost);
	rec.struct_size = 8;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_SIZE);
	first_request(&rec, &cost);
	cost.struct_size = offsetof(llmcost_cost, note);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_SIZE);
	llmcost_group_init(&g);
	g.struct_size = offsetof(llmcost_group, total);
	cr_assert_eq(llmcost_rollup_group(r, 0, &g), LLMCOST_E_SIZE);
	g.struct_size = 0;
	cr_assert_eq(llmcost_rollup_group(r, 0, &g), LLMCOST_E_SIZE);
	assert_untouched(r);
	llmcost_rollup_free(r);
}


/* A caller built against a later header passes bigger structs; the
 * library reads and writes only the part it knows. */
struct later_record {
	llmcost_record base;
	int64_t future_field;
};

struct later_cost {
	llmcost_cost base;
	llmcost_money future_money;
};

struct later_group {
	llmcost_group base;
	unsigned char tail[40];
};

Test(rollup, larger_struct_sizes_use_the_known_part)
{
	llmcost_rollup *r = rollup_make();
	struct later_record rec;
	struct later_cost cost;
	struct later_group g;
	size_t i;

	memset(&rec, 0x5a, sizeof(rec));
	first_request(&rec.base, &cost.base);
	rec.base.struct_size = sizeof(rec);
	cost.base.struct_size = sizeof(cost);
	cost.future_money = lc_money_from_i128(UNITS(1));
	cr_assert_eq(llmcost_rollup_add(r, &rec.base, &cost.base),
		     LLMCOST_OK);

	memset(&g, 0xab, sizeof(g));
	g.base.struct_size = sizeof(g);
	cr_assert_eq(llmcost_rollup_group(r, 0, &g.base), LLMCOST_OK);
	cr_assert_eq(g.base.struct_size, sizeof(g));
	cr_assert_eq(g.base.requests, 1);
	assert_money(g.base.total, "0.007185");
	for (i = 0; i < sizeof(g.tail); i++)
		cr_assert_eq(g.tail[i], 0xab, "byte %zu past the group", i);
	llmcost_rollup_free(r);
}


/* ---- threads ----------------------------------------------------------- */

#define THREADS 4
#define ADDS_PER_THREAD 50000
#define N_TEAMS 5
#define N_USERS 3
#define N_MODELS 7

static const char *const teams[N_TEAMS] = {
	"search", "ads", "support", "infra", NULL
};
static const char *const models[N_MODELS] = {
	"gpt-4o", "claude-sonnet-4", "gemini-2.5-pro", "o3", "mystery",
	"gpt-4o-mini", "claude-haiku"
};
static char users[N_USERS][8];

/* A fixed 64-bit mixing function (the splitmix64 finaliser). */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


/* Request number n of thread t, made the same way by every run.  Keys:
 * 5 teams x 3 users x 2 features x 7 models x 2 days = 420 groups; one
 * model in seven is unpriced, about one row in 17 fails. */
static void request_make(unsigned t, unsigned n, llmcost_record *rec,
			 llmcost_cost *cost)
{
	uint64_t x = mix64((uint64_t)t << 32 | n);
	unsigned model = (unsigned)(x >> 13) % N_MODELS;

	record_base(rec, teams[(x >> 7) % N_TEAMS], users[(x >> 17) %
		    N_USERS], (x >> 3) & 1 ? "chat" : NULL, models[model],
		    MAY30 + (int64_t)((x >> 30) % (2 * DAY_MS)));
	rec->input_tokens = (int64_t)(x % 5000);
	rec->cached_tokens = rec->input_tokens / 3;
	rec->output_tokens = (int64_t)((x >> 20) % 900);
	rec->reasoning_tokens = rec->output_tokens / 4;
	rec->request_count = 1 + (int64_t)((x >> 50) & 1);
	rec->retry_count = (int32_t)((x >> 52) & 3);
	rec->latency_ms = (int64_t)((x >> 24) % 3000);
	rec->status_code = (x >> 33) % 17 == 0 ? 503 : 200;
	cost_blank(cost, model == 4 ? LLMCOST_E_UNPRICED : LLMCOST_OK);
	if (model == 4)
		return;
	cost_set(cost, LLMCOST_C_INPUT, (lc_i128)rec->input_tokens *
		 2500000000000LL * (model + 1));
	cost_set(cost, LLMCOST_C_CACHE_READ, (lc_i128)rec->cached_tokens *
		 1250000000000LL);
	cost_set(cost, LLMCOST_C_OUTPUT, (lc_i128)rec->output_tokens *
		 10000000000001LL);
}


struct worker {
	llmcost_rollup *rollup;
	unsigned thread;
	int failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	llmcost_record rec;
	llmcost_cost cost;
	unsigned n;

	for (n = 0; n < ADDS_PER_THREAD; n++) {
		request_make(w->thread, n, &rec, &cost);
		if (llmcost_rollup_add(w->rollup, &rec, &cost) != LLMCOST_OK)
			w->failures++;
	}
	return NULL;
}


/* Reads groups while adds run: every copy must be internally whole. */
struct reader {
	llmcost_rollup *rollup;
	int stop;			/* atomic */
	long reads;
	int torn;
};

static void *reader_run(void *arg)
{
	struct reader *rd = arg;
	size_t last = 0;

	while (!__atomic_load_n(&rd->stop, __ATOMIC_ACQUIRE)) {
		size_t n = llmcost_rollup_count(rd->rollup), i;

		if (n < last)
			rd->torn++;
		last = n;
		for (i = 0; i < n; i++) {
			llmcost_group g;

			llmcost_group_init(&g);
			if (llmcost_rollup_group(rd->rollup, i, &g) != 0 ||
			    g.priced_requests + g.unpriced_requests !=
				    g.requests || g.key[3] == NULL)
				rd->torn++;
			rd->reads++;
		}
	}
	return NULL;
}


static int group_same_key(const llmcost_group *a, const llmcost_group *b)
{
	int i;

	for (i = 0; i < LLMCOST_DIM_COUNT; i++)
		if (strcmp(a->key[i], b->key[i]) != 0)
			return 0;
	return a->day_start_ms == b->day_start_ms;
}


static void assert_same_sums(const llmcost_group *a, const llmcost_group *b)
{
	llmcost_group x = *a, y = *b;
	int i;

	for (i = 0; i < LLMCOST_DIM_CAPACITY; i++)
		x.key[i] = y.key[i] = NULL;
	cr_assert_eq(memcmp(&x, &y, sizeof(x)), 0, "group %s/%s/%s/%s "
		     "differs", a->key[0], a->key[1], a->key[2], a->key[3]);
}


static int64_t requests_expected(void)
{
	llmcost_record rec;
	llmcost_cost cost;
	int64_t sum = 0;
	unsigned t, n;

	for (t = 0; t < THREADS; t++)
		for (n = 0; n < ADDS_PER_THREAD; n++) {
			request_make(t, n, &rec, &cost);
			sum += rec.request_count;
		}
	return sum;
}


/* The serial run adds the same requests in a different order. */
static llmcost_rollup *serial_rollup(void)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	int t;
	unsigned n;

	for (t = THREADS - 1; t >= 0; t--)
		for (n = ADDS_PER_THREAD; n-- > 0;) {
			request_make((unsigned)t, n, &rec, &cost);
			cr_assert_eq(llmcost_rollup_add(r, &rec, &cost),
				     LLMCOST_OK);
		}
	return r;
}


static void assert_rollups_equal(const llmcost_rollup *a,
				 const llmcost_rollup *b)
{
	size_t n = llmcost_rollup_count(a), i, j;

	cr_assert_eq(llmcost_rollup_count(b), n);
	for (i = 0; i < n; i++) {
		llmcost_group ga = group_get(a, i), gb;

		for (j = 0; j < n; j++) {
			gb = group_get(b, j);
			if (group_same_key(&ga, &gb))
				break;
		}
		cr_assert_lt(j, n, "group %zu has no twin", i);
		assert_same_sums(&ga, &gb);
	}
}


Test(rollup, threads_sum_exactly_as_a_serial_run, .timeout = 120)
{
	llmcost_rollup *par = rollup_make(), *ser;
	pthread_t tid[THREADS], rtid;
	struct worker w[THREADS];
	struct reader rd = { 0 };
	int64_t requests = 0;
	size_t i;
	int t;

	for (i = 0; i < N_USERS; i++)
		snprintf(users[i], sizeof(users[i]), "u%02zu", i);
	rd.rollup = par;
	cr_assert_eq(pthread_create(&rtid, NULL, reader_run, &rd), 0);
	for (t = 0; t < THREADS; t++) {
		w[t] = (struct worker){ par, (unsigned)t, 0 };
		cr_assert_eq(pthread_create(&tid[t], NULL, worker_run, &w[t]),
			     0);
	}
	for (t = 0; t < THREADS; t++) {
		pthread_join(tid[t], NULL);
		cr_assert_eq(w[t].failures, 0);
	}
	__atomic_store_n(&rd.stop, 1, __ATOMIC_RELEASE);
	pthread_join(rtid, NULL);
	cr_assert_eq(rd.torn, 0);
	cr_assert_gt(rd.reads, 0);

	ser = serial_rollup();
	cr_assert_eq(llmcost_rollup_count(par), 420, "%zu groups",
		     llmcost_rollup_count(par));
	assert_rollups_equal(par, ser);
	for (i = 0; i < llmcost_rollup_count(par); i++)
		requests += group_get(par, i).requests;
	cr_assert_eq(requests, requests_expected());
	llmcost_rollup_free(par);
	llmcost_rollup_free(ser);
}


/* The quick overflow bound (records times the largest add so far) only
 * ever sends an add to the exact check; sums right up to the limits are
 * still taken, and one unit past them still refused. */
Test(rollup, overflow_bound_defers_to_the_exact_check)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;
	int i;

	record_base(&rec, "t", "u", "f", "m", MAY30_10H);
	for (i = 0; i < 1000; i++) {
		rec.input_tokens = 1;
		cost_blank(&cost, LLMCOST_OK);
		cost_set(&cost, LLMCOST_C_INPUT, 1);
		cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	}
	rec.input_tokens = INT64_MAX - 1000;
	cost_blank(&cost, LLMCOST_OK);
	cost_set(&cost, LLMCOST_C_INPUT, LC_I128_MAX - 1000);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	g = group_get(r, 0);
	cr_assert_eq(g.tokens[LLMCOST_T_INPUT], INT64_MAX);
	cr_assert(lc_money_to_i128(g.component[LLMCOST_C_INPUT]) ==
		  LC_I128_MAX);

	rec.input_tokens = 1;
	cost_blank(&cost, LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_E_OVERFLOW);

	/* A fresh group after the bound has grown: small adds still go in
	 * (by the exact check) and sum exactly. */
	record_base(&rec, "t2", "u", "f", "m", MAY30_10H);
	for (i = 0; i < 3; i++) {
		rec.input_tokens = 5;
		cost_blank(&cost, LLMCOST_OK);
		cost_set(&cost, LLMCOST_C_INPUT, 7);
		cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	}
	g = group_get(r, 1);
	cr_assert_eq(g.tokens[LLMCOST_T_INPUT], 15);
	cr_assert(lc_money_to_i128(g.component[LLMCOST_C_INPUT]) == 21);
	llmcost_rollup_free(r);
}
