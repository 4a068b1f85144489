/*
 * stamp.c - stamp one gateway request with its owner and exact cost.
 *
 * Build against an installed libllmcost:
 *   cc stamp.c $(pkg-config --cflags --libs llmcost) -o stamp
 */
#include <stdio.h>

#include <llmcost.h>


static int fail(const char *what, int rc)
{
	fprintf(stderr, "%s: %s: %s\n", what, llmcost_status_name(rc),
		llmcost_last_error());
	return 1;
}


int main(void)
{
	llmcost_prices *prices = NULL;
	llmcost_rollup *rollup = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	char usd[LLMCOST_MONEY_STRLEN];
	int rc, i;

	rc = llmcost_prices_new_default(&prices);
	if (rc != LLMCOST_OK)
		return fail("prices", rc);
	rc = llmcost_rollup_new(&rollup);
	if (rc != LLMCOST_OK) {
		llmcost_prices_free(prices);
		return fail("rollup", rc);
	}

	/* What the gateway knows once the response is back. */
	llmcost_record_init(&rec);
	rec.timestamp_ms = 1764547200000LL;	/* 2025-12-01T00:00:00Z */
	rec.request_id = "req-7f3a";
	rec.team_id = "search";
	rec.user_id = "u-1842";
	rec.feature_name = "query-rewrite";
	rec.provider = "anthropic";
	rec.model = "claude-sonnet-4-5-20250929";
	rec.input_tokens = 12000;	/* includes the cache buckets */
	rec.cached_tokens = 8000;
	rec.cache_write_tokens = 2000;
	rec.output_tokens = 900;

	llmcost_cost_init(&cost);
	rc = llmcost_price(prices, &rec, &cost);
	if (rc != LLMCOST_OK) {
		/* Unpriced or rejected: never $0, always a reason. */
		printf("%s: %s (%s)\n", rec.request_id,
		       llmcost_status_name(rc), cost.note);
	} else {
		llmcost_money_format(cost.total, usd, sizeof(usd));
		printf("%s team=%s user=%s cost_usd=%s price_key=%s\n",
		       rec.request_id, rec.team_id, rec.user_id, usd,
		       cost.price_key);
		for (i = 0; i < LLMCOST_C_COUNT; i++) {
			llmcost_money_format(cost.component[i], usd,
					     sizeof(usd));
			printf("  %-15s %s\n", llmcost_component_name(i), usd);
		}
	}
	llmcost_rollup_add(rollup, &rec, &cost);

	llmcost_rollup_free(rollup);
	llmcost_prices_free(prices);
	return 0;
}
