/*
 * fuzz_pricebook.c - fuzz harness for the price book loader
 * (docs/pricebook.md), and for pricing over whatever it loads.
 *
 * Input: the book's text.  Besides "no crash, no leak, no undefined
 * behaviour" it checks that:
 *   - a load fails only as malformed input or an unknown format, with
 *     the line named, and leaves the table as it was;
 *   - loading the same book twice succeeds and changes no key;
 *   - every priced request adds up (fuzz_pricing.h).
 */
#include "fuzz.h"
#include "fuzz_pricing.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	llmcost_prices *p;
	size_t keys;
	int rc;

	FUZZ_CHECK(llmcost_prices_new(&p) == LLMCOST_OK);
	rc = llmcost_prices_load_book(p, text, size);
	FUZZ_CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_PARSE ||
		   rc == LLMCOST_E_VERSION);
	if (rc != LLMCOST_OK) {
		FUZZ_CHECK(strncmp(llmcost_last_error(), "line ", 5) == 0);
		FUZZ_CHECK(llmcost_prices_count(p) == 0);
		llmcost_prices_free(p);
		return 0;
	}
	fuzz_price_table(p);
	keys = llmcost_prices_count(p);
	FUZZ_CHECK(llmcost_prices_load_book(p, text, size) == LLMCOST_OK);
	FUZZ_CHECK(llmcost_prices_count(p) == keys);
	llmcost_prices_free(p);
	return 0;
}
