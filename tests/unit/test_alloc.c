/*
 * The allocation-failure sweep: every allocation the library makes is
 * failed in turn, and each failure must give LLMCOST_E_NOMEM (or a status
 * that names the failure), leak nothing, and leave handles freeable.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "failing_alloc.h"

static void restore_allocator(void)
{
	cr_assert_eq(llmcost_set_allocator(NULL), LLMCOST_OK);
}

/* Saves a snapshot to bytes and loads them back into *out. */
static int save_and_load(const llmcost_snapshot *snap,
			 llmcost_snapshot **out)
{
	unsigned char *buf;
	size_t need = 0, len = 0;
	int rc;

	rc = llmcost_snapshot_save(snap, LLMCOST_SNAPSHOT_BINARY, NULL, 0,
				   &need);
	if (rc != LLMCOST_E_RANGE)
		return rc == LLMCOST_OK ? LLMCOST_E_INVALID : rc;
	buf = malloc(need);
	cr_assert_not_null(buf);
	rc = llmcost_snapshot_save(snap, LLMCOST_SNAPSHOT_BINARY, buf, need,
				   &len);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_load(out, buf, len);
	free(buf);
	return rc;
}

/* Snapshots the rollup, saves and loads it, and merges the copy and the
 * original into an empty snapshot; returns the first failing status. */
static int snapshot_workload(const llmcost_rollup *rollup)
{
	llmcost_snapshot *snap = NULL, *back = NULL, *all = NULL;
	int rc;

	rc = llmcost_rollup_snapshot(rollup, &snap);
	if (rc == LLMCOST_OK)
		rc = save_and_load(snap, &back);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_new(&all);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_merge(all, snap);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_merge(all, back);
	if (rc == LLMCOST_OK && llmcost_snapshot_count(all) !=
				llmcost_snapshot_count(snap))
		rc = LLMCOST_E_INVALID;
	llmcost_snapshot_free(all);
	llmcost_snapshot_free(back);
	llmcost_snapshot_free(snap);
	return rc;
}

/* Loads, prices, accumulates and snapshots; returns the first failing
 * status. */
static int workload(void)
{
	llmcost_prices *prices = NULL;
	llmcost_rollup *rollup = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	char user[16];
	int rc, i;

	rc = llmcost_prices_new_default(&prices);
	if (rc == LLMCOST_OK)
		rc = llmcost_prices_load_file(prices, LLMCOST_FIXTURES
					      "/prices/mini_litellm.json",
					      LLMCOST_TIME_UNKNOWN);
	if (rc == LLMCOST_OK)
		rc = llmcost_rollup_new(&rollup);
	for (i = 0; rc == LLMCOST_OK && i < 40; i++) {
		llmcost_record_init(&rec);
		snprintf(user, sizeof(user), "u%d", i % 7);
		rec.team_id = i % 2 ? "search" : "support";
		rec.user_id = user;
		rec.model = i % 3 ? "gpt-4o" : "claude-sonnet-4-5";
		rec.timestamp_ms = 1764547200000LL + i * 3600000LL;
		rec.input_tokens = 1000 + i;
		rec.output_tokens = 10;
		llmcost_cost_init(&cost);
		llmcost_price(prices, &rec, &cost);
		rc = llmcost_rollup_add(rollup, &rec, &cost);
	}
	if (rc == LLMCOST_OK)
		rc = snapshot_workload(rollup);
	llmcost_rollup_free(rollup);
	llmcost_prices_free(prices);
	return rc;
}

/* Runs the workload failing allocation n (and, if and_after, all later
 * ones) for every n, checking status and leaks each time. */
static void sweep(int and_after)
{
	long n, total;
	int rc;

	/* A clean run first: how many allocations the workload makes. */
	use_counting_allocator(LONG_MAX, 0);
	rc = workload();
	total = calls;
	restore_allocator();
	cr_assert_eq(rc, LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(live, 0, "clean run leaked %ld blocks", live);
	cr_assert_gt(total, 10);

	for (n = 1; n <= total; n++) {
		use_counting_allocator(n, and_after);
		rc = workload();
		restore_allocator();
		cr_assert_neq(rc, LLMCOST_OK,
			      "allocation %ld of %ld failed unnoticed", n,
			      total);
		cr_assert(rc == LLMCOST_E_NOMEM || rc == LLMCOST_E_PARSE,
			  "allocation %ld: %s (%s)", n,
			  llmcost_status_name(rc), llmcost_last_error());
		cr_assert_eq(live, 0, "allocation %ld: %ld blocks leaked", n,
			     live);
	}
}

Test(alloc, each_single_failed_allocation_is_reported_and_leaks_nothing)
{
	sweep(0);
}

Test(alloc, failing_from_the_nth_allocation_on_leaks_nothing)
{
	sweep(1);
}

Test(alloc, set_allocator_checks_its_argument)
{
	llmcost_allocator a;

	llmcost_allocator_init(&a);
	a.struct_size = 4;
	cr_assert_eq(llmcost_set_allocator(&a), LLMCOST_E_SIZE);
	llmcost_allocator_init(&a);
	a.realloc_fn = NULL;
	cr_assert_eq(llmcost_set_allocator(&a), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_set_allocator(NULL), LLMCOST_OK);
}
