/* The token convention and struct growth of llmcost_record. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

static llmcost_record base(void)
{
	llmcost_record r;

	llmcost_record_init(&r);
	r.input_tokens = 1000;
	r.cached_tokens = 600;
	r.cache_write_tokens = 300;
	r.cache_write_1h_tokens = 100;
	r.output_tokens = 50;
	r.reasoning_tokens = 50;
	return r;
}

Test(record, init_sets_size_and_defaults)
{
	llmcost_record r;

	memset(&r, 0xab, sizeof(r));
	llmcost_record_init(&r);
	cr_assert_eq(r.struct_size, sizeof(r));
	cr_assert_eq(r.request_count, 1);
	cr_assert_eq(r.timestamp_ms, LLMCOST_TIME_UNKNOWN);
	cr_assert_null(r.model);
	cr_assert_eq(r.input_tokens, 0);
}

Test(record, parts_equal_to_whole_pass)
{
	llmcost_record r = base();

	cr_assert_eq(llmcost_record_check(&r), LLMCOST_OK);
}

Test(record, cache_parts_over_input_are_rejected_not_clamped)
{
	llmcost_record r = base();

	r.cache_write_1h_tokens = 101;
	cr_assert_eq(llmcost_record_check(&r), LLMCOST_E_PARTS);
	cr_assert(strstr(llmcost_last_error(), "exceed input_tokens") != NULL);
	cr_assert_eq(r.cache_write_1h_tokens, 101);
}

Test(record, reasoning_over_output_is_rejected)
{
	llmcost_record r = base();

	r.reasoning_tokens = 51;
	cr_assert_eq(llmcost_record_check(&r), LLMCOST_E_PARTS);
	cr_assert(strstr(llmcost_last_error(), "reasoning_tokens (51)") !=
		  NULL);
}

Test(record, huge_parts_do_not_overflow_the_check)
{
	llmcost_record r = base();

	r.input_tokens = INT64_MAX;
	r.cached_tokens = INT64_MAX;
	r.cache_write_tokens = INT64_MAX;
	r.cache_write_1h_tokens = INT64_MAX;
	cr_assert_eq(llmcost_record_check(&r), LLMCOST_E_PARTS);
}

Test(record, negative_counts_are_rejected_by_name)
{
	llmcost_record r = base();

	r.output_tokens = -5;
	r.reasoning_tokens = 0;
	cr_assert_eq(llmcost_record_check(&r), LLMCOST_E_NEGATIVE);
	cr_assert(strstr(llmcost_last_error(), "output_tokens") != NULL);
	r = base();
	r.retry_count = -1;
	cr_assert_eq(llmcost_record_check(&r), LLMCOST_E_NEGATIVE);
}

Test(record, struct_size_below_the_first_release_is_refused)
{
	llmcost_record r = base(), copy;

	r.web_search_requests = 7;
	r.struct_size = (uint32_t)offsetof(llmcost_record, web_search_requests);
	cr_assert_eq(lc_record_copy(&r, &copy), LLMCOST_E_SIZE);
	r.struct_size = (uint32_t)(offsetof(llmcost_record, retry_count) +
				   sizeof(int32_t));
	cr_assert_eq(lc_record_copy(&r, &copy), LLMCOST_OK);
	cr_assert_eq(copy.web_search_requests, 7);
	cr_assert_eq(llmcost_record_check(NULL), LLMCOST_E_INVALID);
}
