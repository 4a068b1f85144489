/*
 * fuzz_contract.c - fuzz harness for the contract loader
 * (docs/contracts.md) and for the contracted and effective costs.
 *
 * Input: the contract's text, loaded into a small fixed price table.
 * Besides "no crash, no leak, no undefined behaviour" it checks that:
 *   - a load fails only as malformed input or an unknown format, and a
 *     failed load leaves every cost as it was;
 *   - list cost never moves with a contract; contracted and effective
 *     costs are never negative, and effective never exceeds contracted
 *     (fuzz_pricing.h);
 *   - loading the terms a second time changes no cost (the same terms
 *     win again).
 */
#include "fuzz.h"
#include "fuzz_pricing.h"

static const char fuzz_book[] =
	"format 1\n"
	"model gpt-4o provider=openai\n"
	"price 2024-01-01 input=2.50 output=10 cache_read=1.25 "
	"web_search=25\n"
	"model claude-sonnet-4-5 provider=anthropic\n"
	"price always input=3 output=15 cache_read=0.30 cache_write_5m=3.75 "
	"above=200000 input_above=6 output_above=22.50\n"
	"model tiny provider=acme\n"
	"price always input=0.000000000001 output=7\n";

/* The costs of every shape for every key: list, and contracted. */
static llmcost_money fuzz_list[FUZZ_MAX_KEYS][8];
static llmcost_money fuzz_contracted[FUZZ_MAX_KEYS][8];


static llmcost_cost price_shape(const llmcost_prices *p, const char *key,
				const struct fuzz_shape *sh)
{
	llmcost_record r;
	llmcost_cost c;

	llmcost_record_init(&r);
	r.model = key;
	r.input_tokens = sh->in;
	r.cached_tokens = sh->cached;
	r.output_tokens = sh->out;
	r.service_tier = sh->tier;
	r.timestamp_ms = sh->in * 1000;
	llmcost_cost_init(&c);
	llmcost_price(p, &r, &c);
	return c;
}


/* Remembers (remember) or compares every list cost, and the contracted
 * costs into or against into[]. */
static void costs(const llmcost_prices *p, int remember,
		  llmcost_money into[FUZZ_MAX_KEYS][8])
{
	size_t i, k, nk = sizeof(fuzz_shapes) / sizeof(fuzz_shapes[0]);
	llmcost_cost c;

	for (i = 0; i < p->nentries && i < FUZZ_MAX_KEYS; i++) {
		for (k = 0; k < nk && k < 8; k++) {
			c = price_shape(p, p->entries[i].key,
					&fuzz_shapes[k]);
			FUZZ_CHECK(remember || llmcost_money_cmp(c.list_cost,
						fuzz_list[i][k]) == 0);
			if (remember)
				fuzz_list[i][k] = c.list_cost;
			if (remember && into != NULL)
				into[i][k] = c.contracted_cost;
			else if (into != NULL)
				FUZZ_CHECK(llmcost_money_cmp(c.contracted_cost,
						into[i][k]) == 0);
		}
	}
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	llmcost_prices *p;
	int rc;

	FUZZ_CHECK(llmcost_prices_new(&p) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_prices_load_book(p, fuzz_book,
					    sizeof(fuzz_book) - 1) ==
		   LLMCOST_OK);
	costs(p, 1, NULL);
	rc = llmcost_prices_load_contract(p, text, size);
	FUZZ_CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_PARSE ||
		   rc == LLMCOST_E_VERSION);
	if (rc != LLMCOST_OK)
		FUZZ_CHECK(p->contract == NULL);
	costs(p, 0, NULL);
	fuzz_price_table(p);
	if (rc == LLMCOST_OK) {
		costs(p, 1, fuzz_contracted);
		FUZZ_CHECK(llmcost_prices_load_contract(p, text, size) ==
			   LLMCOST_OK);
		costs(p, 0, fuzz_contracted);
		fuzz_price_table(p);
	}
	llmcost_prices_free(p);
	return 0;
}
