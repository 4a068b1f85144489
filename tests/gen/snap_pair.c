/*
 * snap_pair.c - writes two snapshots for tests/cli/test_diff.py, through
 * the public API only: argv[1] the baseline, argv[2] the current one.
 *
 * Both hold the default rollup (team, user, feature, model by day).
 * Team "search" makes 10 requests of 1000 input tokens from 5 users, at
 * $0.01 each on model "small" in the baseline and $0.03 each on model
 * "large" now: +$0.20, all price, a model substitution.  Team "ops"
 * makes the same 4 requests at $0.01 in both.
 */
#include <stdio.h>

#include "llmcost.h"

#define CENT_UNITS 10000000000000000ULL	/* $0.01 in 10^-18 USD */


static int add(llmcost_rollup *r, const char *team, const char *user,
	       const char *model, unsigned cents)
{
	llmcost_record rec;
	llmcost_cost cost;

	llmcost_record_init(&rec);
	rec.timestamp_ms = 1780000000000LL;
	rec.team_id = team;
	rec.user_id = user;
	rec.model = model;
	rec.input_tokens = 1000;
	llmcost_cost_init(&cost);
	cost.status = LLMCOST_OK;
	cost.total.lo = CENT_UNITS * cents;
	cost.component[LLMCOST_C_INPUT] = cost.total;
	return llmcost_rollup_add(r, &rec, &cost);
}


static int write_one(const char *path, const char *model, unsigned cents)
{
	static const char *const users[] = { "u0", "u1", "u2", "u3", "u4" };
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	int i, rc = llmcost_rollup_new(&r);

	for (i = 0; rc == LLMCOST_OK && i < 10; i++)
		rc = add(r, "search", users[i % 5], model, cents);
	for (i = 0; rc == LLMCOST_OK && i < 4; i++)
		rc = add(r, "ops", "o1", "small", 1);
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
	if (argc != 3) {
		fprintf(stderr, "usage: snap_pair BASELINE CURRENT\n");
		return 1;
	}
	if (write_one(argv[1], "small", 1) != LLMCOST_OK ||
	    write_one(argv[2], "large", 3) != LLMCOST_OK) {
		fprintf(stderr, "snap_pair: %s\n", llmcost_last_error());
		return 1;
	}
	return 0;
}
