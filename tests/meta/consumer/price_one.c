/*
 * price_one.c - a program that uses an installed libllmcost.
 *
 * Usage: price_one MODEL INPUT_TOKENS OUTPUT_TOKENS
 * Prices one request with the compiled-in price book and prints its total
 * cost in US dollars.  tests/meta/test_install.py builds it against an
 * installed copy of the library, through pkg-config and through CMake.
 */
#include <stdio.h>
#include <stdlib.h>

#include <llmcost.h>


static int fail(const char *step, int rc)
{
	fprintf(stderr, "price_one: %s: %s: %s\n", step,
		llmcost_status_name(rc), llmcost_last_error());
	return 1;
}


static int price_request(const llmcost_record *rec, llmcost_cost *cost)
{
	llmcost_prices *prices = NULL;
	int rc = llmcost_prices_new_default(&prices);

	if (rc != LLMCOST_OK)
		return fail("loading the default price book", rc);
	llmcost_cost_init(cost);
	rc = llmcost_price(prices, rec, cost);
	llmcost_prices_free(prices);
	if (rc != LLMCOST_OK) {
		fprintf(stderr, "price_one: %s\n", cost->note);
		return fail("pricing", rc);
	}
	return 0;
}


int main(int argc, char **argv)
{
	llmcost_record rec;
	llmcost_cost cost;
	char text[LLMCOST_MONEY_STRLEN];

	if (argc != 4) {
		fprintf(stderr, "usage: price_one MODEL INPUT OUTPUT\n");
		return 2;
	}
	if (llmcost_version() != LLMCOST_VERSION_NUMBER) {
		fprintf(stderr, "price_one: header %d, library %u\n",
			LLMCOST_VERSION_NUMBER, llmcost_version());
		return 1;
	}
	llmcost_record_init(&rec);
	rec.model = argv[1];
	rec.input_tokens = strtoll(argv[2], NULL, 10);
	rec.output_tokens = strtoll(argv[3], NULL, 10);
	if (price_request(&rec, &cost) != 0)
		return 1;
	if (llmcost_money_format(cost.total, text, sizeof(text)) < 0)
		return fail("formatting", LLMCOST_E_RANGE);
	printf("%s\n", text);
	return 0;
}
