/*
 * test_status.c - status codes, their names and messages, and the
 * per-thread error detail.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <criterion/criterion.h>

#include "internal.h"

struct status_row {
	int code;
	const char *name;
	const char *message;
};

#define ROW(name, code, msg) { code, "LLMCOST_" #name, msg },
static const struct status_row rows[] = {
	LLMCOST_STATUS_LIST(ROW)
};
#undef ROW

#define NROWS ((int)LC_ARRAY_LEN(rows))


Test(status, list_starts_with_ok_and_ends_at_min)
{
	cr_assert_eq(rows[0].code, LLMCOST_OK);
	cr_assert_eq(LLMCOST_OK, 0);
	cr_assert_eq(rows[NROWS - 1].code, LLMCOST_STATUS_MIN);
	cr_assert_eq(LLMCOST_STATUS_END_, LLMCOST_STATUS_MIN);
}


Test(status, codes_are_distinct_and_contiguous)
{
	int seen[1 - LLMCOST_STATUS_MIN];
	int i;

	memset(seen, 0, sizeof(seen));
	cr_assert_eq(NROWS, 1 - LLMCOST_STATUS_MIN);
	for (i = 0; i < NROWS; i++) {
		cr_assert(rows[i].code <= 0 &&
			  rows[i].code >= LLMCOST_STATUS_MIN,
			  "code %d out of range", rows[i].code);
		cr_assert_eq(seen[-rows[i].code], 0, "code %d repeated",
			     rows[i].code);
		seen[-rows[i].code] = 1;
	}
}


Test(status, every_code_has_its_name)
{
	int i;

	for (i = 0; i < NROWS; i++)
		cr_assert_str_eq(llmcost_status_name(rows[i].code),
				 rows[i].name);
	cr_assert_str_eq(llmcost_status_name(LLMCOST_E_PARSE),
			 "LLMCOST_E_PARSE");
	cr_assert_str_eq(llmcost_status_name(LLMCOST_E_MISSING),
			 "LLMCOST_E_MISSING");
}


Test(status, every_code_has_its_message)
{
	int i;

	for (i = 0; i < NROWS; i++) {
		const char *msg = llmcost_status_message(rows[i].code);

		cr_assert(msg != NULL && msg[0] != '\0');
		cr_assert_str_eq(msg, rows[i].message);
	}
	cr_assert_str_eq(llmcost_status_message(LLMCOST_E_NOMEM),
			 "out of memory");
}


Test(status, unknown_codes_are_named_unknown)
{
	static const int unknown[] = {
		1, 2, 100, LLMCOST_STATUS_MIN - 1, -1000, INT_MIN, INT_MAX
	};
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(unknown); i++) {
		const char *msg = llmcost_status_message(unknown[i]);

		cr_assert_str_eq(llmcost_status_name(unknown[i]),
				 "LLMCOST_E_UNKNOWN");
		cr_assert(msg != NULL && msg[0] != '\0');
	}
}


Test(status, error_sets_detail_and_returns_status)
{
	int rc = lc_error(LLMCOST_E_PARSE, "line %d: %s", 12, "bad");

	cr_assert_eq(rc, LLMCOST_E_PARSE);
	cr_assert_str_eq(llmcost_last_error(), "line 12: bad");
	lc_error_clear();
	cr_assert_str_eq(llmcost_last_error(), "");
}


Test(status, long_detail_is_truncated_not_overflowed)
{
	char big[4096];
	size_t len;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(lc_error(LLMCOST_E_IO, "%s", big), LLMCOST_E_IO);
	len = strlen(llmcost_last_error());
	cr_assert(len > 0 && len < sizeof(big) - 1, "length %zu", len);
	cr_assert_eq(llmcost_last_error()[0], 'x');
}


static void *other_thread(void *arg)
{
	const char **seen = arg;

	*seen = llmcost_last_error();
	return (void *)(size_t)strlen(*seen);
}


Test(status, detail_belongs_to_its_thread)
{
	pthread_t t;
	const char *seen = NULL;
	void *len = (void *)1;

	lc_error(LLMCOST_E_RANGE, "only in the main thread");
	cr_assert_eq(pthread_create(&t, NULL, other_thread, &seen), 0);
	cr_assert_eq(pthread_join(t, &len), 0);
	cr_assert_eq((size_t)len, 0);
	cr_assert_str_eq(llmcost_last_error(), "only in the main thread");
}
