/* The byte-string map used for price keys, groups and interning. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

Test(map, put_get_replace_and_stable_keys)
{
	lc_map *m = lc_map_new();
	const char *stored = NULL, *again = NULL;
	uint32_t v = 0;
	char key[32];
	int i;

	cr_assert_not_null(m);
	cr_assert_eq(lc_map_put(m, "gpt-4o", 6, 1, &stored), LLMCOST_OK);
	for (i = 0; i < 50000; i++) {
		int n = snprintf(key, sizeof(key), "user-%d", i);

		cr_assert_eq(lc_map_put(m, key, (size_t)n, (uint32_t)i, NULL),
			     LLMCOST_OK);
	}
	cr_assert_eq(lc_map_count(m), 50001);
	cr_assert(lc_map_get(m, "gpt-4o", 6, &v));
	cr_assert_eq(v, 1);
	cr_assert(lc_map_get(m, "user-4242", 9, &v));
	cr_assert_eq(v, 4242);
	cr_assert_not(lc_map_get(m, "user-50000", 10, &v));
	cr_assert_not(lc_map_get(m, "gpt-4", 5, &v));
	cr_assert_eq(lc_map_put(m, "gpt-4o", 6, 9, &again), LLMCOST_OK);
	cr_assert_eq(again, stored, "key moved after growth");
	cr_assert_str_eq(stored, "gpt-4o");
	cr_assert(lc_map_get(m, "gpt-4o", 6, &v));
	cr_assert_eq(v, 9);
	lc_map_free(m);
}

Test(map, keys_are_bytes_not_c_strings)
{
	lc_map *m = lc_map_new();
	uint32_t v;

	cr_assert_eq(lc_map_put(m, "a\0b", 3, 1, NULL), LLMCOST_OK);
	cr_assert_eq(lc_map_put(m, "a\0c", 3, 2, NULL), LLMCOST_OK);
	cr_assert_eq(lc_map_put(m, "", 0, 3, NULL), LLMCOST_OK);
	cr_assert(lc_map_get(m, "a\0c", 3, &v));
	cr_assert_eq(v, 2);
	cr_assert(lc_map_get(m, "", 0, &v));
	cr_assert_eq(v, 3);
	cr_assert_not(lc_map_get(m, "a", 1, &v));
	lc_map_free(m);
}

Test(map, intern_returns_one_copy_per_value)
{
	lc_map *m = lc_map_new();
	const char *a = lc_map_intern(m, "team-a", 6);
	const char *b = lc_map_intern(m, "team-a", 6);
	const char *c = lc_map_intern(m, "team-b", 6);

	cr_assert_eq(a, b);
	cr_assert_neq(a, c);
	cr_assert_eq(lc_map_count(m), 2);
	lc_map_free(m);
	lc_map_free(NULL);
}
