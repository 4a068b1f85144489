/*
 * abi_consumer.c - a program built against the committed baseline header
 * (tests/abi/llmcost-baseline.h, a copy of include/llmcost.h when the
 * ABI baseline abi/libllmcost.abi was taken), linked to the shared
 * library of this build.  It must still run and get the same answers: a
 * newer library keeps the structs, enums and functions it was built with.
 *
 * Prices one request from the default book, adds it to a rollup, and
 * reads the group back; exits 0 when every check held.
 */
#include <stdio.h>
#include <string.h>

#include "llmcost-baseline.h"

static int failures;

#define ABI_CHECK(e) \
	do { \
		if (!(e)) { \
			fprintf(stderr, "abi_consumer: FAILED: %s (%s)\n", \
				#e, llmcost_last_error()); \
			failures++; \
		} \
	} while (0)


static void check_version(void)
{
	unsigned v = llmcost_version();

	ABI_CHECK(v / 10000 == LLMCOST_VERSION_MAJOR);
	ABI_CHECK(v >= LLMCOST_VERSION_NUMBER);
	ABI_CHECK(llmcost_version_string() != NULL);
}


static void check_price_and_rollup(void)
{
	llmcost_prices *p = NULL;
	llmcost_rollup *ro = NULL;
	llmcost_record r;
	llmcost_cost c;
	llmcost_group g;

	ABI_CHECK(llmcost_prices_new_default(&p) == LLMCOST_OK);
	ABI_CHECK(llmcost_rollup_new(&ro) == LLMCOST_OK);
	if (!p || !ro)
		goto out;
	llmcost_record_init(&r);
	r.model = "gpt-4o-mini-2024-07-18";
	r.team_id = "abi";
	r.input_tokens = 1000000;
	r.output_tokens = 1000000;
	llmcost_cost_init(&c);
	ABI_CHECK(llmcost_price(p, &r, &c) == LLMCOST_OK);
	/* $0.15 + $0.60 per million: 0.75 USD = 75 * 10^16 units. */
	ABI_CHECK(c.total.hi == 0 && c.total.lo == 750000000000000000ULL);
	ABI_CHECK(llmcost_rollup_add(ro, &r, &c) == LLMCOST_OK);
	ABI_CHECK(llmcost_rollup_count(ro) == 1);
	llmcost_group_init(&g);
	ABI_CHECK(llmcost_rollup_group(ro, 0, &g) == LLMCOST_OK);
	ABI_CHECK(g.requests == 1 && strcmp(g.key[LLMCOST_DIM_TEAM], "abi")
				     == 0);
	ABI_CHECK(llmcost_money_cmp(g.total, c.total) == 0);
out:
	llmcost_rollup_free(ro);
	llmcost_prices_free(p);
}


int main(void)
{
	check_version();
	check_price_and_rollup();
	if (failures)
		return 1;
	printf("abi_consumer: ok\n");
	return 0;
}
