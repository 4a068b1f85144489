/*
 * fuzz_litellm.c - fuzz harness for the LiteLLM price table loader, and
 * for pricing, resolution and the lint over whatever it loads.
 *
 * Input: the table's JSON text.  Besides "no crash, no leak, no undefined
 * behaviour" it checks that:
 *   - loading fails only as malformed input, and a failed load leaves an
 *     empty table empty;
 *   - every diagnostic has its three strings;
 *   - loading the same text again (as a later snapshot) keeps the keys;
 *   - every priced request's components add up to its total, none is
 *     negative, and pricing it again gives the same bytes
 *     (fuzz_pricing.h).
 */
#include "fuzz.h"
#include "fuzz_pricing.h"


static void check_diags(const llmcost_prices *p)
{
	const char *k, *f, *m;
	size_t i;

	for (i = 0; i < llmcost_prices_diag_count(p); i++) {
		FUZZ_CHECK(llmcost_prices_diag(p, i, &k, &f, &m) ==
			   LLMCOST_OK);
		FUZZ_CHECK(k != NULL && f != NULL && m != NULL);
	}
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	llmcost_prices *p;
	size_t keys;
	int rc;

	FUZZ_CHECK(llmcost_prices_new(&p) == LLMCOST_OK);
	rc = llmcost_prices_load_litellm(p, text, size, LLMCOST_TIME_UNKNOWN);
	FUZZ_CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_PARSE);
	if (rc != LLMCOST_OK) {
		FUZZ_CHECK(llmcost_prices_count(p) == 0);
		llmcost_prices_free(p);
		return 0;
	}
	check_diags(p);
	fuzz_price_table(p);
	keys = llmcost_prices_count(p);
	FUZZ_CHECK(llmcost_prices_load_litellm(p, text, size,
					       1700000000000LL) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_prices_count(p) == keys);
	fuzz_price_table(p);
	llmcost_prices_free(p);
	return 0;
}
