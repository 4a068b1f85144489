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
	if (failures == 0)
		std::printf("header_use.cpp: all checks passed\n");
	return failures == 0 ? 0 : 1;
}
