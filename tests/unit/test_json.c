/* The strict JSON pass: exact numbers, UTF-8, depth, paths. */
#include <criterion/criterion.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

static cJSON *parse(const char *s, char *err, size_t errsize)
{
	return lc_json_parse(s, strlen(s), err, errsize);
}

Test(json, numbers_keep_their_source_text)
{
	char err[128];
	cJSON *j = parse("{\"a\": 3e-06, \"b\": [0.1, -12, 1.50E+2], "
			 "\"c\": \"3e-06\"}", err, sizeof(err));

	cr_assert_not_null(j, "%s", err);
	cr_assert_str_eq(lc_json_number(lc_json_path(j, "a")), "3e-06");
	cr_assert_str_eq(lc_json_number(lc_json_path(j, "b.0")), "0.1");
	cr_assert_str_eq(lc_json_number(lc_json_path(j, "b.1")), "-12");
	cr_assert_str_eq(lc_json_number(lc_json_path(j, "b.2")), "1.50E+2");
	cr_assert_null(lc_json_number(lc_json_path(j, "c")));
	cr_assert_str_eq(lc_json_string(lc_json_path(j, "c")), "3e-06");
	cr_assert_null(lc_json_string(lc_json_path(j, "a")));
	cr_assert_null(lc_json_path(j, "b.3"));
	cr_assert_null(lc_json_path(j, "a.x"));
	lc_json_free(j);
}

Test(json, strings_with_number_like_text_and_escapes)
{
	char err[128];
	cJSON *j = parse("{\"k\\\"1\": \"x\\u00e9 \\\\ 12\", \"n\": null}",
			 err, sizeof(err));

	cr_assert_not_null(j, "%s", err);
	cr_assert_str_eq(lc_json_string(lc_json_path(j, "k\"1")),
			 "x\xc3\xa9 \\ 12");
	lc_json_free(j);
}

Test(json, rejects_what_strict_json_rejects)
{
	const char *bad[] = {
		"{\"a\": NaN}", "{\"a\": Infinity}", "{\"a\": 01}",
		"{\"a\": 1.}", "{\"a\": .5}", "{\"a\": 1e}", "{\"a\": +1}",
		"{\"a\": \"\x01\"}", "{\"a\": \"\xff\"}",
		"{\"a\": \"\xc0\xaf\"}", "{\"a\": \"\xed\xa0\x80\"}",
		"{\"a\": 1", "{\"a\": \"x}", "{\"a\": 1} x", "", "{\"a\":\"\\x\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[128];
		cJSON *j = parse(bad[i], err, sizeof(err));

		cr_assert_null(j, "accepted '%s'", bad[i]);
		cr_assert_neq(err[0], '\0', "no message for '%s'", bad[i]);
	}
}

Test(json, embedded_nul_is_rejected)
{
	char err[128];
	cJSON *j = lc_json_parse("{\"a\":1}\0{}", 9, err, sizeof(err));

	cr_assert_null(j);
	cr_assert(strstr(err, "NUL") != NULL, "%s", err);
}

Test(json, nesting_is_bounded)
{
	char buf[300];
	char err[128];
	int i;

	for (i = 0; i < 100; i++)
		buf[i] = '[';
	for (i = 0; i < 100; i++)
		buf[100 + i] = ']';
	buf[200] = '\0';
	cr_assert_null(parse(buf, err, sizeof(err)));
	cr_assert(strstr(err, "deep") != NULL, "%s", err);
}

Test(json, valid_utf8_passes)
{
	char err[128];
	cJSON *j = parse("[\"\xe2\x82\xac\", \"\xf0\x9f\x98\x80\"]", err,
			 sizeof(err));

	cr_assert_not_null(j, "%s", err);
	cr_assert_str_eq(lc_json_string(lc_json_path(j, "0")),
			 "\xe2\x82\xac");
	lc_json_free(j);
}

Test(json, error_offsets_point_into_the_original_text)
{
	char err[128];
	/* Two numbers before the fault: the rewritten text is longer. */
	cJSON *j = parse("{\"a\": 1, \"b\": 2 x}", err, sizeof(err));

	cr_assert_null(j);
	cr_assert_str_eq(err, "malformed JSON near byte 17");
}
