/*
 * test_rollup_alloc.c - the rollup engine when memory runs out.
 *
 * Every allocation of a workload (a rollup with four groupings, one of
 * them capped with heavy-hitter counters; adds past the cap; a snapshot;
 * save, load, merge, the heavy-hitter view and the JSON form) is failed
 * in turn.  Each failure must come back as LLMCOST_E_NOMEM, an add that
 * fails must change no sum, and nothing may leak.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollup.h"
#include "failing_alloc.h"

#define ADDS 60
#define BIT(d) LLMCOST_DIM_BIT(LLMCOST_DIM_##d)



static void request_make(unsigned n, char *user, llmcost_record *rec,
			 llmcost_cost *c)
{
	snprintf(user, 16, "user-%u-%s", n % 23, n % 2 ? "long-name-x" : "");
	llmcost_record_init(rec);
	rec->team_id = n % 3 ? "search" : "ads";
	rec->user_id = user;
	rec->model = "gpt-4o";
	rec->timestamp_ms = 1748563200000LL + (int64_t)n * 5400000;
	rec->input_tokens = 50 + (int64_t)n * 611 % 20000;
	rec->output_tokens = 10 + n;
	rec->latency_ms = (int64_t)n * 97 % 4000;
	llmcost_cost_init(c);
	c->status = LLMCOST_OK;
	c->total.lo = c->component[LLMCOST_C_INPUT].lo = 1000000000ULL * n;
	c->list_cost = c->contracted_cost = c->effective_cost = c->total;
}


static int rollup_make(llmcost_rollup **r)
{
	llmcost_rollup_options o;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	llmcost_rollup_options_add(&o, BIT(TEAM), LLMCOST_BUCKET_HOUR, 0, 0);
	llmcost_rollup_options_add(&o, BIT(USER), LLMCOST_BUCKET_NONE, 8, 3);
	llmcost_rollup_options_add(&o, 0, LLMCOST_BUCKET_MONTH, 0, 0);
	return llmcost_rollup_new_with(r, &o);
}


/* Requests in the rollup's grouping by month (one group per month). */
static int64_t requests_in(const llmcost_rollup *r)
{
	size_t i, n = llmcost_rollup_count(r);
	int64_t sum = 0;
	llmcost_group g;

	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_rollup_group(r, i, &g) == LLMCOST_OK &&
		    g.grouping == 3)
			sum += g.requests;
	}
	return sum;
}


/* Adds until one fails; every add that failed must have changed nothing. */
static int adds(llmcost_rollup *r)
{
	llmcost_record rec;
	llmcost_cost c;
	char user[16];
	int64_t done = 0;
	unsigned n;
	int rc;

	for (n = 0; n < ADDS; n++) {
		request_make(n, user, &rec, &c);
		rc = llmcost_rollup_add(r, &rec, &c);
		if (rc != LLMCOST_OK) {
			cr_assert_eq(requests_in(r), done, "a failed add "
				     "changed the sums");
			return rc;
		}
		done++;
	}
	cr_assert_eq(requests_in(r), ADDS);
	return LLMCOST_OK;
}


static int readers(const llmcost_snapshot *s)
{
	llmcost_heavy h[4];
	size_t n = 0, len = 0, gi;
	static char buf[1 << 20];
	int rc = LLMCOST_OK, i;

	for (i = 0; i < 4; i++)
		llmcost_heavy_init(&h[i]);
	for (gi = 0; gi < llmcost_snapshot_grouping_count(s) && !rc; gi++)
		rc = llmcost_snapshot_heavy(s, gi, h, 4, &n, NULL);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_JSON, buf,
					   sizeof(buf), &len);
	return rc;
}


static int snapshots(const llmcost_rollup *r)
{
	llmcost_snapshot *s = NULL, *t = NULL;
	static unsigned char buf[1 << 20];
	size_t len = 0;
	int rc;

	rc = llmcost_rollup_snapshot(r, &s);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_BINARY, buf,
					   sizeof(buf), &len);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_load(&t, buf, len);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_merge(t, s);
	if (rc == LLMCOST_OK)
		rc = readers(t);
	llmcost_snapshot_free(s);
	llmcost_snapshot_free(t);
	return rc;
}


static int workload(void)
{
	llmcost_rollup *r = NULL;
	int rc = rollup_make(&r);

	if (rc == LLMCOST_OK)
		rc = adds(r);
	if (rc == LLMCOST_OK)
		rc = snapshots(r);
	llmcost_rollup_free(r);
	return rc;
}


Test(rollup_alloc, every_failed_allocation_is_reported_and_clean,
     .timeout = 300)
{
	long n, total;
	int rc;

	use_counting_allocator(0, 0);
	cr_assert_eq(workload(), LLMCOST_OK, "%s", llmcost_last_error());
	total = calls;
	cr_assert_eq(live, 0, "%ld blocks leaked without failures", live);
	cr_assert_gt(total, 50);
	for (n = 1; n <= total; n++) {
		use_counting_allocator(n, 0);
		rc = workload();
		cr_assert(rc == LLMCOST_E_NOMEM, "allocation %ld of %ld: %s "
			  "(%s)", n, total, llmcost_status_name(rc),
			  llmcost_last_error());
		cr_assert_eq(live, 0, "allocation %ld: %ld blocks leaked", n,
			     live);
	}
	cr_assert_eq(llmcost_set_allocator(NULL), LLMCOST_OK);
}
