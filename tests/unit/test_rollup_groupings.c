/*
 * test_rollup_groupings.c - rollups with several groupings: options, the
 * new dimensions, UTC time buckets, the group cap and its overflow group,
 * heavy hitters, quantiles, and the counts and costs added in 0.2.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rollup.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define MAY30 (20238LL * DAY_MS)		/* 2025-05-30, a Friday */
#define MAY26 (20234LL * DAY_MS)		/* its ISO week's Monday */
#define MAY01 (20209LL * DAY_MS)		/* its month's first day */

/* Money units from millionths of a dollar. */
#define UNITS(usd_e6) ((lc_i128)(usd_e6) * 1000000000000LL)

#define BIT(d) LLMCOST_DIM_BIT(LLMCOST_DIM_##d)


static void cost_make(llmcost_cost *c, int status, lc_i128 input,
		      lc_i128 output)
{
	llmcost_cost_init(c);
	c->status = status;
	if (status != LLMCOST_OK)
		return;
	c->component[LLMCOST_C_INPUT] = lc_money_from_i128(input);
	c->component[LLMCOST_C_OUTPUT] = lc_money_from_i128(output);
	c->total = lc_money_from_i128(input + output);
	c->list_cost = c->total;
	c->contracted_cost = lc_money_from_i128((input + output) * 9 / 10);
	c->effective_cost = lc_money_from_i128((input + output) * 8 / 10);
}


static llmcost_rollup *rollup_with(const llmcost_rollup_options *o)
{
	llmcost_rollup *r = NULL;

	cr_assert_eq(llmcost_rollup_new_with(&r, o), LLMCOST_OK, "%s",
		     llmcost_last_error());
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


static void add(llmcost_rollup *r, const llmcost_record *rec,
		const llmcost_cost *c)
{
	cr_assert_eq(llmcost_rollup_add(r, rec, c), LLMCOST_OK, "%s",
		     llmcost_last_error());
}


static void assert_money(llmcost_money m, const char *want)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cr_assert_gt(llmcost_money_format(m, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, want);
}


/* ---- options ----------------------------------------------------------- */

Test(groupings, options_add_returns_indices_and_checks)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	int i;

	llmcost_rollup_options_init(&o);
	cr_assert_eq(o.struct_size, sizeof(o));
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_E_RANGE);
	cr_assert_null(r);
	cr_assert_eq(llmcost_rollup_options_add(&o, BIT(TEAM),
						LLMCOST_BUCKET_DAY, 0, 0), 0);
	cr_assert_eq(llmcost_rollup_options_add(&o, BIT(TEAM) | BIT(TENANT),
						LLMCOST_BUCKET_MONTH, 10, 4),
		     1);
	cr_assert_eq(llmcost_rollup_options_add(&o, BIT(TEAM),
						LLMCOST_BUCKET_DAY, 5, 0),
		     LLMCOST_E_CONFLICT);
	cr_assert_eq(llmcost_rollup_options_add(&o, 1u << LLMCOST_DIM_COUNT,
						LLMCOST_BUCKET_DAY, 0, 0),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_options_add(&o, BIT(USER),
						LLMCOST_BUCKET_COUNT, 0, 0),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_options_add(&o, BIT(USER), -1, 0, 0),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_options_add(&o, BIT(USER),
						LLMCOST_BUCKET_DAY, 1,
						LLMCOST_HEAVY_MAX + 1),
		     LLMCOST_E_RANGE);
	cr_assert_eq(o.grouping_count, 2);
	for (i = 2; i < LLMCOST_GROUPING_MAX; i++)
		cr_assert_eq(llmcost_rollup_options_add(&o, (uint32_t)i + 100,
							LLMCOST_BUCKET_NONE,
							0, 0), i);
	cr_assert_eq(llmcost_rollup_options_add(&o, 999, 0, 0, 0),
		     LLMCOST_E_RANGE);
	cr_assert_eq(llmcost_rollup_options_add(NULL, 1, 0, 0, 0),
		     LLMCOST_E_INVALID);
	r = rollup_with(&o);
	llmcost_rollup_free(r);
}


Test(groupings, options_checked_again_by_new_with)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = (llmcost_rollup *)&o;

	llmcost_rollup_options_init(&o);
	o.grouping_count = 2;
	o.dims[0] = o.dims[1] = BIT(USER);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_E_CONFLICT);
	cr_assert_null(r);
	o.grouping_count = 1;
	o.bucket[0] = 99;
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_E_INVALID);
	o.bucket[0] = 0;
	o.struct_size = 8;
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_E_SIZE);
	cr_assert_eq(llmcost_rollup_new_with(NULL, &o), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_rollup_new_with(&r, NULL), LLMCOST_E_INVALID);
}


Test(groupings, names_of_dimensions_and_buckets)
{
	cr_assert_str_eq(llmcost_dim_name(LLMCOST_DIM_TEAM), "team");
	cr_assert_str_eq(llmcost_dim_name(LLMCOST_DIM_TENANT), "tenant");
	cr_assert_str_eq(llmcost_dim_name(LLMCOST_DIM_PROMPT_TEMPLATE_VERSION),
			 "prompt_template_version");
	cr_assert_str_eq(llmcost_dim_name(LLMCOST_DIM_SERVICE_TIER),
			 "service_tier");
	cr_assert_str_eq(llmcost_dim_name(LLMCOST_DIM_COUNT), "");
	cr_assert_str_eq(llmcost_dim_name(-1), "");
	cr_assert_str_eq(llmcost_bucket_name(LLMCOST_BUCKET_WEEK), "week");
	cr_assert_str_eq(llmcost_bucket_name(LLMCOST_BUCKET_NONE), "none");
	cr_assert_str_eq(llmcost_bucket_name(LLMCOST_BUCKET_COUNT), "");
}


/* ---- dimensions and keys ----------------------------------------------- */

static void record_full(llmcost_record *r)
{
	llmcost_record_init(r);
	r->timestamp_ms = MAY30 + 10 * HOUR_MS;
	r->team_id = "search";
	r->user_id = "alice";
	r->tenant_id = "acme";
	r->feature_name = "chat";
	r->environment = "prod";
	r->provider = "openai";
	r->model = "gpt-4o";
	r->workflow_name = "triage";
	r->prompt_template_version = "v7";
	r->service_tier = "flex";
	r->input_tokens = 1000;
	r->output_tokens = 100;
}


Test(groupings, every_dimension_keys_its_own_value)
{
	static const char *const want[LLMCOST_DIM_COUNT] = {
		"search", "alice", "chat", "gpt-4o", "acme", "prod", "openai",
		"triage", "v7", "flex"
	};
	llmcost_rollup_options o;
	llmcost_rollup *r;
	llmcost_record rec;
	llmcost_cost c;
	llmcost_group g;
	int d, e;

	llmcost_rollup_options_init(&o);
	for (d = 0; d < LLMCOST_DIM_COUNT; d++)
		cr_assert_eq(llmcost_rollup_options_add(&o,
				LLMCOST_DIM_BIT(d), LLMCOST_BUCKET_NONE, 0, 0),
			     d);
	r = rollup_with(&o);
	record_full(&rec);
	cost_make(&c, LLMCOST_OK, UNITS(3000), UNITS(1500));
	add(r, &rec, &c);
	cr_assert_eq(llmcost_rollup_count(r), LLMCOST_DIM_COUNT);
	for (d = 0; d < LLMCOST_DIM_COUNT; d++) {
		g = group_get(r, (size_t)d);
		cr_assert_eq(g.grouping, (uint32_t)d);
		for (e = 0; e < LLMCOST_DIM_COUNT; e++)
			cr_assert_str_eq(g.key[e], e == d ? want[d] : "");
		for (e = LLMCOST_DIM_COUNT; e < LLMCOST_DIM_CAPACITY; e++)
			cr_assert_null(g.key[e]);
		cr_assert_eq(g.bucket_start_ms, LLMCOST_TIME_UNKNOWN);
		cr_assert_eq(g.day_start_ms, LLMCOST_TIME_UNKNOWN);
		assert_money(g.total, "0.0045");
	}
	llmcost_rollup_free(r);
}


Test(groupings, no_dimensions_sums_everything_per_bucket)
{
	llmcost_rollup_options o;
	llmcost_rollup *r;
	llmcost_record rec;
	llmcost_cost c;
	llmcost_group g;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, 0, LLMCOST_BUCKET_DAY, 0, 0);
	r = rollup_with(&o);
	record_full(&rec);
	cost_make(&c, LLMCOST_OK, UNITS(1), UNITS(2));
	add(r, &rec, &c);
	rec.team_id = "other";
	rec.user_id = NULL;
	add(r, &rec, &c);
	cr_assert_eq(llmcost_rollup_count(r), 1);
	g = group_get(r, 0);
	cr_assert_eq(g.requests, 2);
	cr_assert_eq(g.day_start_ms, MAY30);
	cr_assert_str_eq(g.key[LLMCOST_DIM_TEAM], "");
	assert_money(g.total, "0.000006");
	llmcost_rollup_free(r);
}


/* ---- time buckets ------------------------------------------------------ */

static int64_t bucket_of(int bucket, int64_t ts)
{
	int64_t start = 0;

	cr_assert_eq(lc_bucket_start(bucket, ts, &start), LLMCOST_OK);
	return start;
}


Test(groupings, buckets_by_hand)
{
	int64_t ts = MAY30 + 10 * HOUR_MS + 59 * 60000 + 59999;

	cr_assert_eq(bucket_of(LLMCOST_BUCKET_HOUR, ts), MAY30 + 10 * HOUR_MS);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_DAY, ts), MAY30);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_WEEK, ts), MAY26);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_WEEK, MAY26), MAY26);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_WEEK, MAY26 - 1),
		     MAY26 - 7 * DAY_MS);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_MONTH, ts), MAY01);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_MONTH, MAY01 - 1),
		     MAY01 - 30 * DAY_MS);	/* April has 30 days */
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_NONE, ts),
		     LLMCOST_TIME_UNKNOWN);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_DAY, LLMCOST_TIME_UNKNOWN),
		     LLMCOST_TIME_UNKNOWN);
}


Test(groupings, iso_weeks_cross_years_and_the_epoch)
{
	/* 2021-01-03 (day 18630) is a Sunday of the ISO week that began on
	 * Monday 2020-12-28 (day 18624). */
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_WEEK, 18630LL * DAY_MS + 5),
		     18624LL * DAY_MS);
	/* 1970-01-01 was a Thursday: its week began on 1969-12-29. */
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_WEEK, 0), -3 * DAY_MS);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_WEEK, -HOUR_MS), -3 * DAY_MS);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_DAY, -HOUR_MS), -DAY_MS);
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_HOUR, -1), -HOUR_MS);
	/* 1969-12-01 is 31 days before the epoch. */
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_MONTH, -HOUR_MS), -31 * DAY_MS);
	/* 2024-02-29 (leap day 19782) is in the month from 2024-02-01. */
	cr_assert_eq(bucket_of(LLMCOST_BUCKET_MONTH, 19782LL * DAY_MS),
		     19754LL * DAY_MS);
}


Test(groupings, extreme_times_are_refused_not_wrapped)
{
	int64_t start;

	cr_assert_eq(lc_bucket_start(LLMCOST_BUCKET_WEEK, INT64_MIN + 1,
				     &start), LLMCOST_E_RANGE);
	cr_assert_eq(lc_bucket_start(LLMCOST_BUCKET_MONTH, INT64_MIN + 1,
				     &start), LLMCOST_E_RANGE);
	cr_assert_eq(lc_bucket_start(LLMCOST_BUCKET_HOUR, INT64_MAX, &start),
		     LLMCOST_OK);
	cr_assert_eq(start, INT64_MAX / HOUR_MS * HOUR_MS);
	cr_assert_eq(lc_bucket_start(LLMCOST_BUCKET_MONTH, INT64_MAX, &start),
		     LLMCOST_OK);
	cr_assert(lc_bucket_is_start(LLMCOST_BUCKET_MONTH, start));
	cr_assert(!lc_bucket_is_start(LLMCOST_BUCKET_MONTH, start + DAY_MS));
	cr_assert(!lc_bucket_is_start(LLMCOST_BUCKET_NONE, 0));
	cr_assert(lc_bucket_is_start(LLMCOST_BUCKET_NONE,
				     LLMCOST_TIME_UNKNOWN));
	cr_assert(!lc_bucket_is_start(LLMCOST_BUCKET_HOUR, 1));
}


Test(groupings, one_request_lands_in_every_bucket_kind)
{
	llmcost_rollup_options o;
	llmcost_rollup *r;
	llmcost_record rec;
	llmcost_cost c;
	int b;

	llmcost_rollup_options_init(&o);
	for (b = 0; b < LLMCOST_BUCKET_COUNT; b++)
		llmcost_rollup_options_add(&o, BIT(TEAM), b, 0, 0);
	r = rollup_with(&o);
	record_full(&rec);
	cost_make(&c, LLMCOST_OK, UNITS(1), 0);
	add(r, &rec, &c);
	cr_assert_eq(group_get(r, 0).bucket_start_ms, LLMCOST_TIME_UNKNOWN);
	cr_assert_eq(group_get(r, 1).bucket_start_ms, MAY30 + 10 * HOUR_MS);
	cr_assert_eq(group_get(r, 1).day_start_ms, LLMCOST_TIME_UNKNOWN);
	cr_assert_eq(group_get(r, 2).bucket_start_ms, MAY30);
	cr_assert_eq(group_get(r, 2).day_start_ms, MAY30);
	cr_assert_eq(group_get(r, 3).bucket_start_ms, MAY26);
	cr_assert_eq(group_get(r, 4).bucket_start_ms, MAY01);
	llmcost_rollup_free(r);
}


/* ---- what a group sums ------------------------------------------------- */

Test(groupings, units_records_and_three_costs_are_summed)
{
	llmcost_rollup *r = NULL;
	llmcost_record rec;
	llmcost_cost c;
	llmcost_group g;

	cr_assert_eq(llmcost_rollup_new(&r), LLMCOST_OK);
	record_full(&rec);
	rec.request_count = 3;
	rec.input_audio_tokens = 100;
	rec.input_image_tokens = 50;
	rec.input_video_tokens = 7;
	rec.output_tokens = 90;
	rec.output_audio_tokens = 20;
	rec.output_image_tokens = 30;
	rec.web_search_requests = 2;
	rec.file_search_requests = 5;
	cost_make(&c, LLMCOST_OK, UNITS(1000), UNITS(10));
	add(r, &rec, &c);
	add(r, &rec, &c);
	g = group_get(r, 0);
	cr_assert_eq(g.records, 2);
	cr_assert_eq(g.requests, 6);
	cr_assert_eq(g.units[LLMCOST_U_INPUT_AUDIO], 200);
	cr_assert_eq(g.units[LLMCOST_U_INPUT_IMAGE], 100);
	cr_assert_eq(g.units[LLMCOST_U_INPUT_VIDEO], 14);
	cr_assert_eq(g.units[LLMCOST_U_OUTPUT_AUDIO], 40);
	cr_assert_eq(g.units[LLMCOST_U_OUTPUT_IMAGE], 60);
	cr_assert_eq(g.units[LLMCOST_U_WEB_SEARCH], 4);
	cr_assert_eq(g.units[LLMCOST_U_FILE_SEARCH], 10);
	cr_assert_eq(g.units[LLMCOST_U_COUNT], 0);
	/* 2 x 0.00101 = 0.00202; 90% and 80% of it. */
	assert_money(g.total, "0.00202");
	assert_money(g.contracted_cost, "0.001818");
	assert_money(g.effective_cost, "0.001616");
	cr_assert_eq(g.grouping, 0);
	cr_assert_eq(g.flags, 0);
	llmcost_rollup_free(r);
}


/* A 0.1-sized cost struct: contracted and effective read as the total. */
Test(groupings, an_old_cost_struct_counts_its_total_three_times)
{
	llmcost_rollup *r = NULL;
	llmcost_record rec;
	llmcost_cost c;
	llmcost_group g;

	cr_assert_eq(llmcost_rollup_new(&r), LLMCOST_OK);
	record_full(&rec);
	cost_make(&c, LLMCOST_OK, UNITS(40), UNITS(2));
	c.struct_size = offsetof(llmcost_cost, note) + LLMCOST_NOTE_SIZE;
	add(r, &rec, &c);
	g = group_get(r, 0);
	assert_money(g.total, "0.000042");
	assert_money(g.contracted_cost, "0.000042");
	assert_money(g.effective_cost, "0.000042");
	llmcost_rollup_free(r);
}


/* Input tokens 10, 20, ..., 100 and latencies 1000, ..., 10000 ms.
 * Median: rank 5 of 10; p95: rank ceil(9.5) = 10.
 *   input 50: below 64, exact.   input 100: bucket [100, 101] -> 101.
 *   latency 5000: 2^12 range, width 128, bucket [4992, 5119] -> 5056.
 *   latency 10000: 2^13 range, width 256, bucket [9984, 10239] -> 10112.
 */
Test(groupings, quantiles_of_a_group_by_hand)
{
	llmcost_rollup *r = NULL;
	llmcost_record rec;
	llmcost_cost c;
	llmcost_group g;
	int i;

	cr_assert_eq(llmcost_rollup_new(&r), LLMCOST_OK);
	record_full(&rec);
	cost_make(&c, LLMCOST_OK, UNITS(1), 0);
	for (i = 10; i >= 1; i--) {
		rec.input_tokens = 10 * i;
		rec.output_tokens = 0;
		rec.latency_ms = 1000 * i;
		add(r, &rec, &c);
	}
	g = group_get(r, 0);
	cr_assert_eq(g.records, 10);
	cr_assert_eq(g.input_tokens_p50, 50);
	cr_assert_eq(g.input_tokens_p95, 101);
	cr_assert_eq(g.latency_p50_ms, 5056);
	cr_assert_eq(g.latency_p95_ms, 10112);
	cr_assert_eq(g.latency_max_ms, 10000);
	llmcost_rollup_free(r);
}


/* The second add overflows the user grouping's token sum: nothing may
 * change anywhere, though the new team group may remain, empty. */
Test(groupings, an_add_changes_all_its_groupings_or_none)
{
	llmcost_rollup_options o;
	llmcost_rollup *r;
	llmcost_record rec;
	llmcost_cost c;
	llmcost_group g;
	size_t i;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, BIT(TEAM), LLMCOST_BUCKET_NONE, 0, 0);
	llmcost_rollup_options_add(&o, BIT(USER), LLMCOST_BUCKET_NONE, 0, 0);
	r = rollup_with(&o);
	record_full(&rec);
	rec.input_tokens = INT64_MAX - 10;
	rec.output_tokens = 0;
	cost_make(&c, LLMCOST_OK, UNITS(5), 0);
	add(r, &rec, &c);
	rec.team_id = "newcomer";
	rec.input_tokens = 11;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &c), LLMCOST_E_OVERFLOW);
	cr_assert_neq(llmcost_last_error()[0], '\0');
	for (i = 0; i < llmcost_rollup_count(r); i++) {
		g = group_get(r, i);
		if (strcmp(g.key[LLMCOST_DIM_TEAM], "newcomer") == 0) {
			cr_assert_eq(g.records, 0);
			cr_assert_eq(g.requests, 0);
			cr_assert_eq(g.input_tokens_p50, -1);
			cr_assert_eq(g.latency_p95_ms, -1);
			assert_money(g.total, "0");
		} else {
			cr_assert_eq(g.records, 1);
			cr_assert_eq(g.tokens[LLMCOST_T_INPUT], INT64_MAX - 10);
			assert_money(g.total, "0.000005");
		}
	}
	llmcost_rollup_free(r);
}


/* ---- the cap ----------------------------------------------------------- */

static void add_user(llmcost_rollup *r, const char *user, int usd_e6,
		     int64_t ts)
{
	llmcost_record rec;
	llmcost_cost c;

	record_full(&rec);
	rec.user_id = user;
	rec.timestamp_ms = ts;
	cost_make(&c, LLMCOST_OK, UNITS(usd_e6), 0);
	add(r, &rec, &c);
}


static llmcost_rollup *capped(uint64_t cap, uint32_t heavy, int bucket)
{
	llmcost_rollup_options o;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, BIT(USER), bucket, cap, heavy);
	llmcost_rollup_options_add(&o, BIT(TEAM), bucket, 0, 0);
	return rollup_with(&o);
}


Test(groupings, past_the_cap_rows_go_to_the_overflow_group)
{
	llmcost_rollup *r = capped(2, 0, LLMCOST_BUCKET_DAY);
	llmcost_group g;
	size_t i, overflow = 0, regular = 0;

	add_user(r, "a", 10, MAY30);
	add_user(r, "b", 5, MAY30);
	add_user(r, "c", 7, MAY30);		/* past the cap */
	add_user(r, "a", 3, MAY30 + 5);	/* a has a group */
	add_user(r, "a", 1, MAY30 + DAY_MS);	/* new day: a new key */
	add_user(r, "d", 2, MAY30 + DAY_MS);
	/* user grouping: a, b, overflow May 30, overflow May 31;
	 * team grouping: search May 30, search May 31. */
	cr_assert_eq(llmcost_rollup_count(r), 6);
	for (i = 0; i < llmcost_rollup_count(r); i++) {
		g = group_get(r, i);
		if (g.grouping != 0)
			continue;
		if (!(g.flags & LLMCOST_GROUP_OVERFLOW)) {
			regular++;
			continue;
		}
		overflow++;
		cr_assert_str_eq(g.key[LLMCOST_DIM_USER], "");
		if (g.bucket_start_ms == MAY30) {
			cr_assert_eq(g.requests, 1);
			assert_money(g.total, "0.000007");
		} else {
			cr_assert_eq(g.bucket_start_ms, MAY30 + DAY_MS);
			cr_assert_eq(g.requests, 2);
			assert_money(g.total, "0.000003");
		}
	}
	cr_assert_eq(regular, 2);
	cr_assert_eq(overflow, 2);
	llmcost_rollup_free(r);
}


/* ---- heavy hitters ------------------------------------------------------- */

static llmcost_snapshot *snap(const llmcost_rollup *r)
{
	llmcost_snapshot *s = NULL;

	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK, "%s",
		     llmcost_last_error());
	return s;
}


/* Cap 2, k = 2, costs in millionths of a dollar:
 *   a 10, b 5          groups a and b; the cap is reached
 *   c 7                overflow; counters: c 7
 *   d 1                counters: c 7, d 1
 *   e 2                full: e takes d's counter: e 1 + 2 = 3, error 1
 *   c 4                c 11
 *   a 3                group a: 13
 * Overflow cost N = 14; the smallest counter m = 3 <= N / k = 7.
 *   a: exact 13, may have up to m more overflow: [13, 16]
 *   c: counter 11, error 0: [11, 11]
 *   b: [5, 8];  e: [3 - 1, 3] = [2, 3];  d (untracked): at most 3. */
static llmcost_rollup *heavy_example(void)
{
	llmcost_rollup *r = capped(2, 2, LLMCOST_BUCKET_NONE);

	add_user(r, "a", 10, MAY30);
	add_user(r, "b", 5, MAY30);
	add_user(r, "c", 7, MAY30);
	add_user(r, "d", 1, MAY30);
	add_user(r, "e", 2, MAY30);
	add_user(r, "c", 4, MAY30);
	add_user(r, "a", 3, MAY30);
	return r;
}


static size_t grouping_of_users(const llmcost_snapshot *s)
{
	llmcost_grouping_info info;
	size_t i;

	for (i = 0; i < llmcost_snapshot_grouping_count(s); i++) {
		llmcost_grouping_info_init(&info);
		cr_assert_eq(llmcost_snapshot_grouping(s, i, &info),
			     LLMCOST_OK);
		if (info.dims == BIT(USER))
			return i;
	}
	cr_assert_fail("no user grouping");
	return 0;
}


static void assert_heavy(const llmcost_heavy *h, const char *user,
			 const char *low, const char *high)
{
	cr_assert_str_eq(h->key[LLMCOST_DIM_USER], user);
	assert_money(h->cost_low, low);
	assert_money(h->cost_high, high);
	cr_assert_eq(h->exact, strcmp(low, high) == 0);
}


Test(groupings, heavy_hitters_by_hand)
{
	llmcost_rollup *r = heavy_example();
	llmcost_snapshot *s = snap(r);
	size_t gi = grouping_of_users(s), n = 0, i;
	llmcost_grouping_info info;
	llmcost_money unlisted;
	llmcost_heavy h[8];

	for (i = 0; i < 8; i++)
		llmcost_heavy_init(&h[i]);
	cr_assert_eq(llmcost_snapshot_heavy(s, gi, h, 8, &n, &unlisted),
		     LLMCOST_OK);
	cr_assert_eq(n, 4);
	assert_heavy(&h[0], "a", "0.000013", "0.000016");
	assert_heavy(&h[1], "c", "0.000011", "0.000011");
	assert_heavy(&h[2], "b", "0.000005", "0.000008");
	assert_heavy(&h[3], "e", "0.000002", "0.000003");
	cr_assert_str_eq(h[0].key[LLMCOST_DIM_TEAM], "");
	assert_money(unlisted, "0.000003");

	/* Only two: b is the best left out, so the bound is its 8. */
	cr_assert_eq(llmcost_snapshot_heavy(s, gi, h, 2, &n, &unlisted),
		     LLMCOST_OK);
	cr_assert_eq(n, 2);
	assert_heavy(&h[1], "c", "0.000011", "0.000011");
	assert_money(unlisted, "0.000008");

	llmcost_grouping_info_init(&info);
	cr_assert_eq(llmcost_snapshot_grouping(s, gi, &info), LLMCOST_OK);
	cr_assert_eq(info.max_groups, 2);
	cr_assert_eq(info.heavy_hitters, 2);
	cr_assert_eq(info.groups, 3);
	cr_assert_eq(info.overflow_groups, 1);
	cr_assert_eq(info.overflow_requests, 4);
	assert_money(info.overflow_cost, "0.000014");
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


Test(groupings, without_a_cap_heavy_hitters_are_exact)
{
	llmcost_rollup *r = capped(0, 2, LLMCOST_BUCKET_DAY);
	llmcost_snapshot *s;
	llmcost_money unlisted;
	llmcost_heavy h[2];
	size_t n = 0;

	add_user(r, "x", 4, MAY30);
	add_user(r, "y", 6, MAY30);
	add_user(r, "x", 5, MAY30 + DAY_MS);	/* other day, same key */
	add_user(r, "z", 1, MAY30);
	s = snap(r);
	llmcost_heavy_init(&h[0]);
	llmcost_heavy_init(&h[1]);
	cr_assert_eq(llmcost_snapshot_heavy(s, grouping_of_users(s), h, 2,
					    &n, &unlisted), LLMCOST_OK);
	cr_assert_eq(n, 2);
	assert_heavy(&h[0], "x", "0.000009", "0.000009");
	assert_heavy(&h[1], "y", "0.000006", "0.000006");
	assert_money(unlisted, "0.000001");
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


/* Without counters (k = 0) every key may hold all of the overflow. */
Test(groupings, cap_without_counters_bounds_by_all_overflow)
{
	llmcost_rollup *r = capped(1, 0, LLMCOST_BUCKET_NONE);
	llmcost_snapshot *s;
	llmcost_money unlisted;
	llmcost_heavy h[4];
	size_t n = 0, i;

	add_user(r, "p", 4, MAY30);
	add_user(r, "q", 6, MAY30);
	add_user(r, "r", 3, MAY30);
	s = snap(r);
	for (i = 0; i < 4; i++)
		llmcost_heavy_init(&h[i]);
	cr_assert_eq(llmcost_snapshot_heavy(s, grouping_of_users(s), h, 4,
					    &n, &unlisted), LLMCOST_OK);
	cr_assert_eq(n, 1);
	assert_heavy(&h[0], "p", "0.000004", "0.000013");
	assert_money(unlisted, "0.000009");
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


Test(groupings, heavy_arguments_are_checked)
{
	llmcost_rollup *r = heavy_example();
	llmcost_snapshot *s = snap(r);
	llmcost_heavy h;
	size_t n = 7;

	llmcost_heavy_init(&h);
	cr_assert_eq(llmcost_snapshot_heavy(s, 9, &h, 1, &n, NULL),
		     LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_snapshot_heavy(s, 0, NULL, 1, &n, NULL),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_snapshot_heavy(s, 0, &h, 1, NULL, NULL),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_snapshot_heavy(s, 0, NULL, 0, &n, NULL),
		     LLMCOST_OK);
	cr_assert_eq(n, 0);
	h.struct_size = 4;
	cr_assert_eq(llmcost_snapshot_heavy(s, 0, &h, 1, &n, NULL),
		     LLMCOST_E_SIZE);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


/* ---- the space-saving bound on a skewed stream ------------------------- */

#define SS_USERS 2000
#define SS_ROWS 60000
#define SS_K 50

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


/* A Zipf-like user: user u with weight about 1/(u+1). */
static unsigned skewed_user(uint64_t x)
{
	unsigned u = (unsigned)(x % SS_USERS);

	return (unsigned)(mix64(x) % (u + 1));
}


Test(groupings, space_saving_bound_holds_on_a_skewed_stream)
{
	static lc_i128 truth[SS_USERS];
	static char names[SS_USERS][8];
	llmcost_rollup *r = capped(20, SS_K, LLMCOST_BUCKET_NONE);
	llmcost_heavy h[SS_K];
	llmcost_money unlisted;
	llmcost_snapshot *s;
	size_t n = 0, i, gi;
	lc_i128 total = 0;
	int listed[SS_USERS] = { 0 };

	for (i = 0; i < SS_USERS; i++)
		snprintf(names[i], sizeof(names[i]), "u%04zu", i);
	for (i = 0; i < SS_ROWS; i++) {
		unsigned u = skewed_user(mix64(i));
		int cost = 1 + (int)(mix64(i + 7) % 9);

		add_user(r, names[u], cost, MAY30);
		truth[u] += UNITS(cost);
		total += UNITS(cost);
	}
	s = snap(r);
	gi = grouping_of_users(s);
	for (i = 0; i < SS_K; i++)
		llmcost_heavy_init(&h[i]);
	cr_assert_eq(llmcost_snapshot_heavy(s, gi, h, SS_K, &n, &unlisted),
		     LLMCOST_OK);
	cr_assert_eq(n, SS_K);
	for (i = 0; i < n; i++) {
		unsigned u = (unsigned)atoi(h[i].key[LLMCOST_DIM_USER] + 1);

		listed[u] = 1;
		cr_assert(lc_money_to_i128(h[i].cost_low) <= truth[u] &&
			  truth[u] <= lc_money_to_i128(h[i].cost_high),
			  "user %u outside its interval", u);
		cr_assert(lc_money_to_i128(h[i].cost_high) -
			  lc_money_to_i128(h[i].cost_low) <= total / SS_K);
	}
	for (i = 0; i < SS_USERS; i++) {
		if (!listed[i])
			cr_assert_leq(truth[i], lc_money_to_i128(unlisted));
		/* The first entry's bound covers the heaviest user. */
		cr_assert_leq(truth[i], lc_money_to_i128(h[0].cost_high));
	}
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


/* A program built against 0.1 passes the 0.1 group: it gets that part,
 * and nothing past it is written. */
Test(groupings, an_old_group_struct_gets_the_old_part_only)
{
	size_t old = offsetof(llmcost_group, component) +
		     LLMCOST_C_CAPACITY * sizeof(llmcost_money);
	union {
		llmcost_group g;
		unsigned char b[sizeof(llmcost_group)];
	} u;
	llmcost_rollup *r = NULL;
	unsigned char *buf = u.b;
	llmcost_record rec;
	llmcost_cost c;
	llmcost_group g;
	size_t i;

	cr_assert_eq(llmcost_rollup_new(&r), LLMCOST_OK);
	record_full(&rec);
	cost_make(&c, LLMCOST_OK, UNITS(7), 0);
	add(r, &rec, &c);
	memset(buf, 0xcd, sizeof(u));
	u.g.struct_size = (uint32_t)old;
	cr_assert_eq(llmcost_rollup_group(r, 0, &u.g), LLMCOST_OK);
	memcpy(&g, buf, sizeof(g));
	cr_assert_eq(g.struct_size, old);
	cr_assert_eq(g.requests, 1);
	cr_assert_str_eq(g.key[LLMCOST_DIM_MODEL], "gpt-4o");
	assert_money(g.total, "0.000007");
	for (i = old; i < sizeof(u); i++)
		cr_assert_eq(buf[i], 0xcd, "byte %zu past the old group", i);
	llmcost_rollup_free(r);
}
