/*
 * gateway_snap.c - snapshots as a gateway using the library would save
 * them, for tests/cli/test_snapshot.py; public API only.
 *
 *   gateway_snap capped OUT     the audit's grouping (team, user, feature,
 *                               model by day) capped at 2 groups, with 4
 *                               heavy-hitter counters, and a grouping by
 *                               user alone
 *   gateway_snap nodefault OUT  groupings by team by month and by user by
 *                               day only: not the one the audit reads
 *   gateway_snap huge OUT       the audit's grouping, one record of 2^62 +
 *                               2^60 requests by search/ana: two of them
 *                               overflow a group's sum when merged
 *   gateway_snap huge-bo OUT    the same by search/bo: merged with huge,
 *                               every group fits but the total does not
 *   gateway_snap bigcap OUT     as capped, but the cap is 2^64 - 1 (so
 *                               nothing overflows) and the grouping by
 *                               user has a cap of 2^63
 *
 * The capped one gets five requests on 2026-03-02, in this order: no team
 * and no user $0.05, search/ana $0.01 (the two groups the cap allows),
 * then search/bo $0.02, search/cy $0.03 and search/ana again $0.04.  Bo
 * and cy have no group yet, so they go to the overflow group ($0.05, 2
 * requests); ana's second request finds her group.  Totals: 5 requests,
 * $0.15.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "llmcost.h"

#define CENT_UNITS 10000000000000000ULL	/* $0.01 in 10^-18 USD */


static int64_t request_count = 1;


static int add(llmcost_rollup *r, const char *team, const char *user,
	       unsigned cents)
{
	llmcost_record rec;
	llmcost_cost cost;

	llmcost_record_init(&rec);
	rec.timestamp_ms = 1772445600000LL;	/* 2026-03-02T10:00:00Z */
	rec.team_id = team;
	rec.user_id = user;
	rec.feature_name = "chat";
	rec.model = "small";
	rec.input_tokens = 1000;
	rec.output_tokens = 100;
	rec.request_count = request_count;
	llmcost_cost_init(&cost);
	cost.status = LLMCOST_OK;
	cost.total.lo = CENT_UNITS * cents;
	cost.component[LLMCOST_C_INPUT] = cost.total;
	cost.contracted_cost = cost.total;
	cost.effective_cost = cost.total;
	return llmcost_rollup_add(r, &rec, &cost);
}


static int fill_capped(llmcost_rollup_options *o)
{
	if (llmcost_rollup_options_add(o, LLMCOST_DIMS_DEFAULT,
				       LLMCOST_BUCKET_DAY, 2, 4) < 0)
		return -1;
	return llmcost_rollup_options_add(o, LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
					  LLMCOST_BUCKET_NONE, 0, 0) < 0;
}


static int fill_bigcap(llmcost_rollup_options *o)
{
	if (llmcost_rollup_options_add(o, LLMCOST_DIMS_DEFAULT,
				       LLMCOST_BUCKET_DAY, UINT64_MAX, 4) < 0)
		return -1;
	return llmcost_rollup_options_add(o, LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
					  LLMCOST_BUCKET_NONE,
					  (uint64_t)1 << 63, 0) < 0;
}


static int fill_nodefault(llmcost_rollup_options *o)
{
	if (llmcost_rollup_options_add(o, LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM),
				       LLMCOST_BUCKET_MONTH, 0, 0) < 0)
		return -1;
	return llmcost_rollup_options_add(o, LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
					  LLMCOST_BUCKET_DAY, 0, 0) < 0;
}


/* One record of 2^62 + 2^60 requests in the default rollup. */
static int huge(const char *path, const char *user)
{
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	int rc = llmcost_rollup_new(&r);

	request_count = ((int64_t)1 << 62) + ((int64_t)1 << 60);
	if (rc == LLMCOST_OK)
		rc = add(r, "search", user, 1);
	if (rc == LLMCOST_OK)
		rc = llmcost_rollup_snapshot(r, &s);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_save_file(s, LLMCOST_SNAPSHOT_BINARY,
						path);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
	return rc;
}


int main(int argc, char **argv)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	int capped, bigcap, rc;

	if (argc != 3 || (strcmp(argv[1], "capped") != 0 &&
			  strcmp(argv[1], "nodefault") != 0 &&
			  strcmp(argv[1], "bigcap") != 0 &&
			  strncmp(argv[1], "huge", 4) != 0)) {
		fprintf(stderr, "usage: gateway_snap capped|nodefault|bigcap|"
			"huge|huge-bo OUT\n");
		return 1;
	}
	if (strncmp(argv[1], "huge", 4) == 0) {
		rc = huge(argv[2], strcmp(argv[1], "huge-bo") == 0 ? "bo" :
			  "ana");
		if (rc != LLMCOST_OK)
			fprintf(stderr, "gateway_snap: %s\n",
				llmcost_last_error());
		return rc == LLMCOST_OK ? 0 : 1;
	}
	capped = strcmp(argv[1], "capped") == 0;
	bigcap = strcmp(argv[1], "bigcap") == 0;
	llmcost_rollup_options_init(&o);
	if ((capped ? fill_capped(&o) : bigcap ? fill_bigcap(&o) :
	     fill_nodefault(&o)) != 0) {
		fprintf(stderr, "gateway_snap: %s\n", llmcost_last_error());
		return 1;
	}
	rc = llmcost_rollup_new_with(&r, &o);
	if (rc == LLMCOST_OK)
		rc = add(r, NULL, NULL, 5);
	if (rc == LLMCOST_OK)
		rc = add(r, "search", "ana", 1);
	if (rc == LLMCOST_OK)
		rc = add(r, "search", "bo", 2);
	if (rc == LLMCOST_OK)
		rc = add(r, "search", "cy", 3);
	if (rc == LLMCOST_OK)
		rc = add(r, "search", "ana", 4);
	if (rc == LLMCOST_OK)
		rc = llmcost_rollup_snapshot(r, &s);
	if (rc == LLMCOST_OK)
		rc = llmcost_snapshot_save_file(s, LLMCOST_SNAPSHOT_BINARY,
						argv[2]);
	if (rc != LLMCOST_OK)
		fprintf(stderr, "gateway_snap: %s\n", llmcost_last_error());
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
	return rc == LLMCOST_OK ? 0 : 1;
}
