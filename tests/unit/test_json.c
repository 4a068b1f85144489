/* The strict JSON pass: exact numbers, UTF-8, depth, paths. */
#include <criterion/criterion.h>
#include <stdio.h>
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

static void assert_rejected(const char *text, size_t len, const char *why)
{
	char err[128];
	cJSON *j = lc_json_parse(text, len, err, sizeof(err));

	cr_assert_null(j, "accepted: %s", text);
	cr_assert(strstr(err, why) != NULL, "'%s' gave '%s'", text, err);
}

Test(json, nul_escapes_would_cut_strings_and_are_refused)
{
	const char *t = "{\"model\":\"gpt-4o\\u0000-mini\"}";

	assert_rejected(t, strlen(t), "NUL");
}

Test(json, number_keys_are_refused)
{
	const char *t = "{1:2,\"model\":\"gpt-4o\"}";
	const char *u = "{\"a\":{\"b\":1,2:3}}";

	assert_rejected(t, strlen(t), "key is not a string");
	assert_rejected(u, strlen(u), "key is not a string");
}

Test(json, control_bytes_and_bom_outside_strings_are_refused)
{
	const char *t = "{\"input_tokens\":\x01" "5}";
	const char *u = "\xef\xbb\xbf{}";
	const char *v = "{}\x0b";

	assert_rejected(t, strlen(t), "unexpected byte 0x01");
	assert_rejected(u, strlen(u), "unexpected byte 0xef");
	assert_rejected(v, strlen(v), "unexpected byte 0x0b");
}

Test(json, duplicate_keys_are_refused_at_every_depth_and_size)
{
	char big[4096];
	size_t n = 0;
	int i;
	const char *t = "{\"input_tokens\":5,\"input_tokens\":7}";
	const char *u = "[{\"a\":{\"x\":1,\"y\":2,\"x\":3}}]";

	assert_rejected(t, strlen(t), "duplicate key 'input_tokens'");
	assert_rejected(u, strlen(u), "duplicate key 'x'");
	/* Large objects take the hashed path. */
	big[n++] = '{';
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "\"k%d\":%d,",
				      i % 99, i);
	big[n - 1] = '}';
	assert_rejected(big, n, "duplicate key 'k0'");
}

Test(json, paths_take_segments_of_any_length)
{
	char text[1200], path[700];
	char err[128];
	cJSON *j;

	memset(path, 'k', 600);
	memcpy(path, "u.", 2);
	path[600] = '\0';
	snprintf(text, sizeof(text), "{\"u\":{\"%s\":500}}", path + 2);
	j = parse(text, err, sizeof(err));
	cr_assert_not_null(j, "%s", err);
	cr_assert_str_eq(lc_json_number(lc_json_path(j, path)), "500");
	cr_assert_null(lc_json_path(j, "u.kk"));
	lc_json_free(j);
}
