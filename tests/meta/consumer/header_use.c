/*
 * header_use.c - uses every macro, enum constant and type of llmcost.h.
 *
 * tests/meta/test_header.py compiles this as strict C89 (and later
 * standards) with warnings as errors, links it to the shared library and
 * runs it; it exits 0 when every check holds.  The test also fails if the
 * header gains a macro or constant that this file does not mention, so
 * keep it complete when the header grows.
 */
#include <stdio.h>
#include <string.h>

#include "llmcost.h"

static int failures;


static void check(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "header_use.c:%d: FAILED: %s\n", line, what);
		failures++;
	}
}

#define CHECK(e) check((e) != 0, #e, __LINE__)


static int is_bit(unsigned v)
{
	return v != 0 && (v & (v - 1)) == 0;
}


static void check_version(void)
{
	char want[32];

	sprintf(want, "%d.%d.%d", LLMCOST_VERSION_MAJOR,
		LLMCOST_VERSION_MINOR, LLMCOST_VERSION_PATCH);
	CHECK(LLMCOST_VERSION_NUMBER == LLMCOST_VERSION_MAJOR * 10000 +
	      LLMCOST_VERSION_MINOR * 100 + LLMCOST_VERSION_PATCH);
	CHECK(llmcost_version() == LLMCOST_VERSION_NUMBER);
	CHECK(strcmp(llmcost_version_string(), want) == 0);
}


#define STATUS_COUNT(name, code, msg) + 1
#define STATUS_NAME(name, code, msg) \
	CHECK(strcmp(llmcost_status_name(code), "LLMCOST_" #name) == 0); \
	CHECK(strcmp(llmcost_status_message(code), msg) == 0);

static void check_status(void)
{
	static const llmcost_status codes[] = {
		LLMCOST_OK, LLMCOST_E_INVALID, LLMCOST_E_NOMEM, LLMCOST_E_IO,
		LLMCOST_E_PARSE, LLMCOST_E_RANGE, LLMCOST_E_INEXACT,
		LLMCOST_E_PARTS, LLMCOST_E_NEGATIVE, LLMCOST_E_UNPRICED,
		LLMCOST_E_NORATE, LLMCOST_E_NOTFOUND, LLMCOST_E_VERSION,
		LLMCOST_E_SIZE, LLMCOST_E_OVERFLOW, LLMCOST_E_TYPE,
		LLMCOST_E_MISSING
	};
	int n = 0 LLMCOST_STATUS_LIST(STATUS_COUNT);
	size_t i;

	CHECK(n == 1 - LLMCOST_STATUS_MIN);
	CHECK(sizeof(codes) / sizeof(codes[0]) == (size_t)n);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CHECK((int)codes[i] == -(int)i);
	CHECK(LLMCOST_STATUS_END_ == LLMCOST_STATUS_MIN);
	LLMCOST_STATUS_LIST(STATUS_NAME)
	CHECK(strcmp(llmcost_status_name(1), "LLMCOST_E_UNKNOWN") == 0);
	CHECK(llmcost_last_error() != NULL);
}


static void check_money(void)
{
	llmcost_money lowest;
	llmcost_money back;
	char text[LLMCOST_MONEY_STRLEN];
	const char *want = "-170141183460469231731.687303715884105728";

	lowest.hi = INT64_MIN;
	lowest.lo = 0;
	CHECK(LLMCOST_MONEY_DIGITS == 18);
	CHECK(llmcost_money_format(lowest, text, sizeof(text)) ==
	      (int)strlen(want));
	CHECK(strcmp(text, want) == 0);
	CHECK(llmcost_money_parse("-1e-18", (size_t)-1, &back) == LLMCOST_OK);
	CHECK(back.hi == -1 && back.lo == UINT64_MAX);
	CHECK(llmcost_money_cmp(back, lowest) == 1);
	CHECK(llmcost_money_format(lowest, text, strlen(want)) ==
	      LLMCOST_E_RANGE);
	CHECK(text[0] == '\0');
	CHECK(llmcost_money_add(lowest, lowest, &back) == LLMCOST_E_OVERFLOW);
}


static void check_record(void)
{
	llmcost_record rec;

	llmcost_record_init(&rec);
	CHECK(rec.struct_size == sizeof(rec));
	CHECK(rec.request_count == 1);
	CHECK(rec.timestamp_ms == LLMCOST_TIME_UNKNOWN);
	CHECK(LLMCOST_TIME_UNKNOWN == INT64_MIN);
	CHECK(is_bit(LLMCOST_RECORD_FAILED) && is_bit(LLMCOST_RECORD_STREAMED));
	CHECK(LLMCOST_RECORD_FAILED != LLMCOST_RECORD_STREAMED);
	rec.flags = LLMCOST_RECORD_FAILED | LLMCOST_RECORD_STREAMED;
	rec.input_tokens = 10;
	rec.cached_tokens = 4;
	CHECK(llmcost_record_check(&rec) == LLMCOST_OK);
	rec.cached_tokens = 11;
	CHECK(llmcost_record_check(&rec) == LLMCOST_E_PARTS);
}


static void check_components(void)
{
	static const llmcost_component comps[] = {
		LLMCOST_C_INPUT, LLMCOST_C_CACHE_READ,
		LLMCOST_C_CACHE_WRITE_5M, LLMCOST_C_CACHE_WRITE_1H,
		LLMCOST_C_OUTPUT, LLMCOST_C_REASONING
	};
	static const char *const names[] = {
		"input", "cache_read", "cache_write_5m", "cache_write_1h",
		"output", "reasoning"
	};
	size_t i;

	CHECK(sizeof(comps) / sizeof(comps[0]) == LLMCOST_C_COUNT);
	CHECK(LLMCOST_C_COUNT <= LLMCOST_C_CAPACITY);
	for (i = 0; i < LLMCOST_C_COUNT; i++) {
		CHECK((size_t)comps[i] == i);
		CHECK(strcmp(llmcost_component_name(comps[i]), names[i]) == 0);
	}
	CHECK(strcmp(llmcost_component_name(LLMCOST_C_COUNT), "") == 0);
}


static void check_rules(void)
{
	llmcost_rule r = LLMCOST_RULE_NONE;

	CHECK(strcmp(llmcost_rule_name(r), "none") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_EXACT), "exact") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_ADD_PROVIDER),
		     "add_provider") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_STRIP_PROVIDER),
		     "strip_provider") == 0);
}


static void check_cost(void)
{
	llmcost_cost cost;
	llmcost_prices *prices = NULL;
	size_t n;

	llmcost_cost_init(&cost);
	CHECK(cost.struct_size == sizeof(cost));
	CHECK(sizeof(cost.note) == LLMCOST_NOTE_SIZE);
	CHECK(is_bit(LLMCOST_COST_LONG_CONTEXT) && is_bit(LLMCOST_COST_FALLBACK)
	      && is_bit(LLMCOST_COST_APPROXIMATE));
	CHECK((LLMCOST_COST_LONG_CONTEXT | LLMCOST_COST_FALLBACK |
	       LLMCOST_COST_APPROXIMATE) == 7);
	CHECK(llmcost_prices_new(&prices) == LLMCOST_OK);
	n = llmcost_prices_count(prices);
	CHECK(n == 0);
	CHECK(llmcost_prices_diag_count(prices) == 0);
	llmcost_prices_free(prices);
	llmcost_prices_free(NULL);
}


static void check_rollup(void)
{
	static const llmcost_dim dims[] = {
		LLMCOST_DIM_TEAM, LLMCOST_DIM_USER, LLMCOST_DIM_FEATURE,
		LLMCOST_DIM_MODEL
	};
	static const llmcost_tokens toks[] = {
		LLMCOST_T_INPUT, LLMCOST_T_OUTPUT, LLMCOST_T_CACHED,
		LLMCOST_T_CACHE_WRITE_5M, LLMCOST_T_CACHE_WRITE_1H,
		LLMCOST_T_REASONING
	};
	llmcost_group group;
	llmcost_rollup *rollup = NULL;
	size_t i;

	CHECK(sizeof(dims) / sizeof(dims[0]) == LLMCOST_DIM_COUNT);
	CHECK(LLMCOST_DIM_COUNT <= LLMCOST_DIM_CAPACITY);
	CHECK(sizeof(toks) / sizeof(toks[0]) == LLMCOST_T_COUNT);
	CHECK(LLMCOST_T_COUNT <= LLMCOST_T_CAPACITY);
	for (i = 0; i < LLMCOST_DIM_COUNT; i++)
		CHECK((size_t)dims[i] == i);
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		CHECK((size_t)toks[i] == i);
	llmcost_group_init(&group);
	CHECK(group.struct_size == sizeof(group));
	CHECK(sizeof(group.key) / sizeof(group.key[0]) ==
	      LLMCOST_DIM_CAPACITY);
	CHECK(llmcost_rollup_new(&rollup) == LLMCOST_OK);
	CHECK(llmcost_rollup_count(rollup) == 0);
	CHECK(llmcost_rollup_group(rollup, 0, &group) == LLMCOST_E_NOTFOUND);
	llmcost_rollup_free(rollup);
	llmcost_rollup_free(NULL);
}


int main(void)
{
	check_version();
	check_status();
	check_money();
	check_record();
	check_components();
	check_rules();
	check_cost();
	check_rollup();
	if (failures == 0)
		printf("header_use: all checks passed\n");
	return failures == 0 ? 0 : 1;
}
