/*
 * fuzz_pricing.h - checks shared by the price-table harnesses
 * (fuzz_litellm.c, fuzz_pricebook.c, fuzz_contract.c): price a spread of
 * requests against every key of a table and check what must hold for
 * any table and any request.
 */
#ifndef LLMCOST_FUZZ_PRICING_H
#define LLMCOST_FUZZ_PRICING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prices.h"

#define FUZZ_CHECK(e) \
	do { \
		if (!(e)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #e); \
			abort(); \
		} \
	} while (0)

/* Most keys of one table that are priced per input. */
#define FUZZ_MAX_KEYS 48

/* A request shape: tokens per bucket, a tier and a region. */
struct fuzz_shape {
	int64_t in, cached, w5m, w1h, audio, out, reasoning, search;
	const char *tier;
	const char *region;
};

static const struct fuzz_shape fuzz_shapes[] = {
	{0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL},
	{1000, 0, 0, 0, 0, 100, 0, 0, NULL, NULL},
	{200001, 1000, 1000, 1000, 0, 500, 100, 1, "batch", "eu-west-1"},
	{256001, 0, 0, 0, 10, 10, 0, 2, "flex", "global"},
	{128000, 100, 0, 0, 0, 1, 1, 0, "priority", NULL},
	{INT32_MAX, 5, 5, 5, 5, INT32_MAX, 7, 3, "scale", "us-east5"},
};

static int fuzz_status_ok(int rc)
{
	return rc == LLMCOST_OK || rc == LLMCOST_E_UNPRICED ||
	       rc == LLMCOST_E_NORATE || rc == LLMCOST_E_OVERFLOW;
}

/* What holds for every priced cost. */
static void fuzz_check_cost(const llmcost_cost *c, int rc)
{
	lc_i128 sum = 0, part, contracted = 0;
	int i;

	FUZZ_CHECK(c->status == rc);
	FUZZ_CHECK(strlen(c->note) < LLMCOST_NOTE_SIZE);
	if (rc != LLMCOST_OK) {
		FUZZ_CHECK(lc_money_to_i128(c->total) == 0);
		FUZZ_CHECK(lc_money_to_i128(c->effective_cost) == 0);
		return;
	}
	for (i = 0; i < LLMCOST_C_COUNT; i++) {
		part = lc_money_to_i128(c->component[i]);
		FUZZ_CHECK(part >= 0);
		FUZZ_CHECK(c->units[i] >= 0);
		sum += part;
		contracted += lc_money_to_i128(c->contracted_component[i]);
	}
	FUZZ_CHECK(sum == lc_money_to_i128(c->total));
	FUZZ_CHECK(contracted == lc_money_to_i128(c->contracted_cost));
	FUZZ_CHECK(llmcost_money_cmp(c->total, c->list_cost) == 0);
	FUZZ_CHECK(lc_money_to_i128(c->contracted_cost) >= 0);
	FUZZ_CHECK(lc_money_to_i128(c->effective_cost) >= 0);
	FUZZ_CHECK(lc_money_to_i128(c->effective_cost) <=
		   lc_money_to_i128(c->contracted_cost));
	FUZZ_CHECK(c->price_key != NULL);
}

static void fuzz_price_shape(const llmcost_prices *p, const char *key,
			     const struct fuzz_shape *sh)
{
	llmcost_record r;
	llmcost_cost c, again;
	int rc;

	llmcost_record_init(&r);
	r.model = key;
	r.input_tokens = sh->in;
	r.cached_tokens = sh->cached;
	r.cache_write_tokens = sh->w5m;
	r.cache_write_1h_tokens = sh->w1h;
	r.input_audio_tokens = sh->audio;
	r.output_tokens = sh->out;
	r.reasoning_tokens = sh->reasoning;
	r.web_search_requests = sh->search;
	r.service_tier = sh->tier;
	r.region = sh->region;
	llmcost_cost_init(&c);
	rc = llmcost_price(p, &r, &c);
	FUZZ_CHECK(fuzz_status_ok(rc));
	fuzz_check_cost(&c, rc);
	llmcost_cost_init(&again);
	FUZZ_CHECK(llmcost_price(p, &r, &again) == rc);
	FUZZ_CHECK(memcmp(&c, &again, sizeof(c)) == 0);
}

/* Prices every shape against the first keys of the table, checks the
 * lint, and that resolution agrees with itself. */
static void fuzz_price_table(const llmcost_prices *p)
{
	llmcost_lint *lint = NULL;
	const char *key, *a, *b;
	uint32_t ra, rb;
	size_t i, k, n = p->nentries < FUZZ_MAX_KEYS ? p->nentries
						     : FUZZ_MAX_KEYS;

	for (i = 0; i < n; i++) {
		key = p->entries[i].key;
		for (k = 0; k < sizeof(fuzz_shapes) / sizeof(fuzz_shapes[0]);
		     k++)
			fuzz_price_shape(p, key, &fuzz_shapes[k]);
		FUZZ_CHECK(llmcost_prices_resolve(p, key, NULL, &a, &ra,
						  NULL) == LLMCOST_OK);
		FUZZ_CHECK(llmcost_prices_resolve(p, key, NULL, &b, &rb,
						  NULL) == LLMCOST_OK);
		FUZZ_CHECK(a == b && ra == rb && ra == LLMCOST_RULE_EXACT);
	}
	FUZZ_CHECK(llmcost_prices_lint(p, &lint) == LLMCOST_OK);
	for (i = 0; i < llmcost_lint_count(lint); i++) {
		int kind;
		const char *f, *m;

		FUZZ_CHECK(llmcost_lint_finding(lint, i, &kind, &key, &f, &m)
			   == LLMCOST_OK);
		FUZZ_CHECK(kind > 0 && kind < LLMCOST_LINT_KIND_END_);
		FUZZ_CHECK(key != NULL && f != NULL && m != NULL);
	}
	llmcost_lint_free(lint);
}

#endif /* LLMCOST_FUZZ_PRICING_H */
