// header_use.cpp - the public header from C++.
//
// tests/meta/test_header.py compiles this as C++98 and C++11 with warnings
// as errors, links it to the shared library and runs it: a link failure
// means a declaration lost its C linkage.
#include <cstdio>
#include <cstring>

#include "llmcost.h"

namespace {

struct status_row {
	llmcost_status code;
	const char *name;
};

#define ROW(name, code, msg) { LLMCOST_##name, "LLMCOST_" #name },
const status_row rows[] = {
	LLMCOST_STATUS_LIST(ROW)
};
#undef ROW

int failures = 0;

void check(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "header_use.cpp: FAILED: %s\n", what);
		++failures;
	}
}

} // namespace

#define CHECK(e) check((e), #e)

int main()
{
	const std::size_t n = sizeof(rows) / sizeof(rows[0]);
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_money one = { 0, 1000000000u };	// 10^-9 USD
	llmcost_money sum;
	char text[LLMCOST_MONEY_STRLEN];

	CHECK(llmcost_version() == LLMCOST_VERSION_NUMBER);
	CHECK(n == static_cast<std::size_t>(1 - LLMCOST_STATUS_MIN));
	for (std::size_t i = 0; i < n; ++i)
		CHECK(std::strcmp(llmcost_status_name(rows[i].code),
				  rows[i].name) == 0);
	llmcost_record_init(&rec);
	CHECK(rec.struct_size == sizeof rec);
	llmcost_cost_init(&cost);
	CHECK(cost.struct_size == sizeof cost);
	CHECK(llmcost_money_add(one, one, &sum) == LLMCOST_OK);
	CHECK(llmcost_money_format(sum, text, sizeof text) == 11);
	CHECK(std::strcmp(text, "0.000000002") == 0);
	// The pricing additions of 0.2, from C++.
	CHECK(llmcost_usage_parse(LLMCOST_USAGE_ANTHROPIC,
				  "{\"input_tokens\": 5, \"output_tokens\": 1,"
				  " \"cache_read_input_tokens\": 10}",
				  static_cast<std::size_t>(-1), &rec) ==
	      LLMCOST_OK);
	CHECK(rec.input_tokens == 15 && rec.cached_tokens == 10);
	CHECK(std::strcmp(llmcost_service_tier_name(LLMCOST_TIER_FLEX),
			  "flex") == 0);
	CHECK(cost.unrated == 0 && cost.units[LLMCOST_C_FILE_SEARCH] == 0);
	CHECK(std::strcmp(llmcost_lint_kind_name(LLMCOST_LINT_SCALE),
			  "scale") == 0);
	// The rollup engine of 0.2, from C++.
	llmcost_rollup_options opts;
	llmcost_rollup *rollup = 0;
	llmcost_snapshot *snap = 0;
	llmcost_rollup_options_init(&opts);
	CHECK(llmcost_rollup_options_add(&opts,
					 LLMCOST_DIM_BIT(LLMCOST_DIM_TENANT),
					 LLMCOST_BUCKET_MONTH, 100, 8) == 0);
	CHECK(llmcost_rollup_new_with(&rollup, &opts) == LLMCOST_OK);
	CHECK(llmcost_rollup_snapshot(rollup, &snap) == LLMCOST_OK);
	CHECK(llmcost_snapshot_grouping_count(snap) == 1);
	llmcost_snapshot_free(snap);
	llmcost_rollup_free(rollup);
	if (failures == 0)
		std::printf("header_use.cpp: all checks passed\n");
	return failures == 0 ? 0 : 1;
}
