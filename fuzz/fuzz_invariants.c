/*
 * fuzz_invariants.c - random but valid requests through pricing, a
 * rollup and a snapshot, checking what must hold for any of them:
 *   - a priced cost is never negative and its components sum to its
 *     total (the checks of fuzz_pricing.h);
 *   - adding every record twice to a rollup gives exactly twice the
 *     sums of adding it once;
 *   - a snapshot saved and loaded again has the same groups and sums.
 *
 * Input: a sequence of 16-byte chunks, one record each.  The bytes pick a
 * model, a team, a user, a day and token counts; every record built is
 * valid, so only pricing's own statuses may come back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_pricing.h"
#include "internal.h"

#define INV_CHUNK 16
#define INV_MAX_RECORDS 64
#define INV_DAY_MS 86400000LL
#define INV_MAY30 1748563200000LL

static const char *const inv_models[] = {
	"gpt-4o", "gpt-4o-mini", "openai/gpt-4o", "claude-3-5-haiku-latest",
	"claude-sonnet-4-20250514", "gemini-2.0-flash", "no-such-model",
	"o3-mini",
};
static const char *const inv_teams[] = { "search", "ads", "", "support" };
static const char *const inv_users[] = { "u1", "u2", "u3", "u4" };
static const char *const inv_tiers[] = { NULL, "batch", "flex", "priority" };

static llmcost_prices *inv_prices;

/* The sums one group, or a whole rollup, is compared by. */
struct inv_sums {
	lc_i128 total;
	lc_i128 component[LLMCOST_C_COUNT];
	int64_t requests, priced, unpriced, records;
};


int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(llmcost_prices_new_default(&inv_prices) == LLMCOST_OK);
	fuzz_price_table(inv_prices);
	return 0;
}


static int64_t inv_tokens(const uint8_t *b)
{
	return (int64_t)b[0] | (int64_t)b[1] << 8 | (int64_t)(b[2] & 0x0f)
	       << 16;
}


/* One valid record from one chunk: the cache buckets and reasoning are
 * kept within the totals they are part of. */
static void inv_record(const uint8_t *b, llmcost_record *r)
{
	int64_t in = inv_tokens(b), out = inv_tokens(b + 3);

	llmcost_record_init(r);
	r->model = inv_models[b[6] % 8];
	r->team_id = inv_teams[b[7] % 4];
	r->user_id = inv_users[(b[7] >> 2) % 4];
	r->service_tier = inv_tiers[(b[7] >> 4) % 4];
	r->timestamp_ms = INV_MAY30 + (int64_t)(b[8] % 5) * INV_DAY_MS +
			  (int64_t)b[9] * 60000;
	r->input_tokens = in;
	r->output_tokens = out;
	r->cached_tokens = in ? (int64_t)b[10] * in / 1024 : 0;
	r->cache_write_tokens = in - r->cached_tokens > 0 ?
				(int64_t)b[11] * (in - r->cached_tokens) / 1024
				: 0;
	r->reasoning_tokens = out ? (int64_t)b[12] * out / 256 : 0;
	r->latency_ms = (int64_t)b[13] * 10;
	r->web_search_requests = b[14] % 3;
	r->status_code = b[15] & 1 ? 200 : 500;
}


static void inv_add_group(struct inv_sums *s, const llmcost_group *g)
{
	int i;

	s->total += lc_money_to_i128(g->total);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		s->component[i] += lc_money_to_i128(g->component[i]);
	s->requests += g->requests;
	s->priced += g->priced_requests;
	s->unpriced += g->unpriced_requests;
	s->records += g->records;
}


static void inv_rollup_sums(const llmcost_rollup *ro, struct inv_sums *s)
{
	llmcost_group g;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < llmcost_rollup_count(ro); i++) {
		llmcost_group_init(&g);
		FUZZ_CHECK(llmcost_rollup_group(ro, i, &g) == LLMCOST_OK);
		FUZZ_CHECK(lc_money_to_i128(g.total) >= 0);
		inv_add_group(s, &g);
	}
}


static void inv_snapshot_sums(const llmcost_snapshot *sn,
			      struct inv_sums *s)
{
	llmcost_group g;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < llmcost_snapshot_count(sn); i++) {
		llmcost_group_init(&g);
		FUZZ_CHECK(llmcost_snapshot_group(sn, i, &g) == LLMCOST_OK);
		inv_add_group(s, &g);
	}
}


static int inv_same(const struct inv_sums *a, const struct inv_sums *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}


static void inv_check_twice(const struct inv_sums *once,
			     const struct inv_sums *twice)
{
	int i;

	FUZZ_CHECK(twice->total == 2 * once->total);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		FUZZ_CHECK(twice->component[i] == 2 * once->component[i]);
	FUZZ_CHECK(twice->requests == 2 * once->requests);
	FUZZ_CHECK(twice->priced == 2 * once->priced);
	FUZZ_CHECK(twice->unpriced == 2 * once->unpriced);
}


/* Saves a snapshot of the rollup, loads it back and compares sums. */
static void inv_check_round_trip(const llmcost_rollup *ro)
{
	llmcost_snapshot *sn = NULL, *back = NULL;
	struct inv_sums a, b, c;
	unsigned char *buf;
	size_t need = 0, len = 0;

	FUZZ_CHECK(llmcost_rollup_snapshot(ro, &sn) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_snapshot_count(sn) == llmcost_rollup_count(ro));
	FUZZ_CHECK(llmcost_snapshot_save(sn, LLMCOST_SNAPSHOT_BINARY, NULL, 0,
					 &need) == LLMCOST_E_RANGE);
	buf = malloc(need ? need : 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(llmcost_snapshot_save(sn, LLMCOST_SNAPSHOT_BINARY, buf,
					 need, &len) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_snapshot_load(&back, buf, len) == LLMCOST_OK);
	inv_rollup_sums(ro, &a);
	inv_snapshot_sums(sn, &b);
	inv_snapshot_sums(back, &c);
	FUZZ_CHECK(inv_same(&a, &b));
	FUZZ_CHECK(inv_same(&b, &c));
	FUZZ_CHECK(llmcost_snapshot_count(back) == llmcost_snapshot_count(sn));
	free(buf);
	llmcost_snapshot_free(back);
	llmcost_snapshot_free(sn);
}


static void inv_price_and_add(llmcost_rollup *once, llmcost_rollup *twice,
			      const uint8_t *chunk)
{
	llmcost_record r;
	llmcost_cost c;
	int rc;

	inv_record(chunk, &r);
	llmcost_cost_init(&c);
	rc = llmcost_price(inv_prices, &r, &c);
	FUZZ_CHECK(fuzz_status_ok(rc));
	fuzz_check_cost(&c, rc);
	FUZZ_CHECK(llmcost_rollup_add(once, &r, &c) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_rollup_add(twice, &r, &c) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_rollup_add(twice, &r, &c) == LLMCOST_OK);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	llmcost_rollup *once = NULL, *twice = NULL;
	struct inv_sums a, b;
	size_t i, n = size / INV_CHUNK;

	if (!inv_prices)
		LLVMFuzzerInitialize(NULL, NULL);
	if (n > INV_MAX_RECORDS)
		n = INV_MAX_RECORDS;
	FUZZ_CHECK(llmcost_rollup_new(&once) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_rollup_new(&twice) == LLMCOST_OK);
	for (i = 0; i < n; i++)
		inv_price_and_add(once, twice, data + i * INV_CHUNK);
	inv_rollup_sums(once, &a);
	inv_rollup_sums(twice, &b);
	inv_check_twice(&a, &b);
	FUZZ_CHECK(llmcost_rollup_count(once) == llmcost_rollup_count(twice));
	inv_check_round_trip(once);
	inv_check_round_trip(twice);
	llmcost_rollup_free(twice);
	llmcost_rollup_free(once);
	return 0;
}
