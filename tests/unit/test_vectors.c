/*
 * test_vectors.c - the C side of tests/vectors/pricing.json: every
 * request in it, priced against tests/vectors/prices.book, must give
 * exactly the decimal strings the file lists.  The Python and Go
 * bindings check the same file.
 */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "llmcost.h"

#define VEC_DIR LLMCOST_SOURCE_DIR "/tests/vectors"


static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert(buf != NULL);
	cr_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}


/* Writes item back as JSON: the vectors hold objects of numbers and
 * plain strings only.  Returns the length written. */
static size_t emit(const cJSON *item, char *out, size_t size)
{
	const cJSON *c;
	size_t n = 0;
	int wrote;

	if (lc_json_number(item))
		return (size_t)snprintf(out, size, "%s", lc_json_number(item));
	if (lc_json_string(item))
		return (size_t)snprintf(out, size, "\"%s\"",
					lc_json_string(item));
	cr_assert(cJSON_IsObject(item), "usage object holds a non-object");
	n += (size_t)snprintf(out + n, size - n, "{");
	for (c = item->child; c; c = c->next) {
		wrote = snprintf(out + n, size - n, "%s\"%s\":",
				 c == item->child ? "" : ",", c->string);
		n += (size_t)wrote;
		cr_assert(n < size);
		n += emit(c, out + n, size - n);
		cr_assert(n < size);
	}
	n += (size_t)snprintf(out + n, size - n, "}");
	cr_assert(n < size);
	return n;
}


static int64_t field_int(const cJSON *item)
{
	const char *text = lc_json_number(item);
	char *end;
	long long v;

	cr_assert(text != NULL, "field %s is not a number", item->string);
	errno = 0;
	v = strtoll(text, &end, 10);
	cr_assert(errno == 0 && *end == '\0', "bad integer %s", text);
	return (int64_t)v;
}


static int64_t *int_field(llmcost_record *r, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
#define F(x) { #x, offsetof(llmcost_record, x) }
		F(timestamp_ms), F(input_tokens), F(output_tokens),
		F(cached_tokens), F(cache_write_tokens),
		F(cache_write_1h_tokens), F(reasoning_tokens),
		F(request_count), F(latency_ms), F(web_search_requests),
		F(input_audio_tokens), F(input_image_tokens),
		F(input_video_tokens), F(output_audio_tokens),
		F(output_image_tokens), F(file_search_requests),
#undef F
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, name) == 0)
			return (int64_t *)((char *)r + map[i].off);
	return NULL;
}


static void fill_record(llmcost_record *r, const cJSON *fields)
{
	const cJSON *f;
	int64_t *slot;

	llmcost_record_init(r);
	for (f = fields->child; f; f = f->next) {
		slot = int_field(r, f->string);
		if (slot)
			*slot = field_int(f);
		else if (strcmp(f->string, "model") == 0)
			r->model = lc_json_string(f);
		else if (strcmp(f->string, "provider") == 0)
			r->provider = lc_json_string(f);
		else if (strcmp(f->string, "service_tier") == 0)
			r->service_tier = lc_json_string(f);
		else
			cr_assert_fail("unknown record field %s", f->string);
	}
}


static void apply_usage(llmcost_record *r, const cJSON *usage)
{
	const char *shape = lc_json_string(lc_json_path(usage, "shape"));
	char text[4096];
	size_t n;
	int rc;

	n = emit(lc_json_path(usage, "object"), text, sizeof(text));
	rc = llmcost_usage_parse(llmcost_usage_shape_from_name(shape), text,
				 n, r);
	cr_assert_eq(rc, LLMCOST_OK, "usage %s: %s", text,
		     llmcost_last_error());
}


static void expect_money(const char *what, llmcost_money m,
			 const char *want)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cr_assert(llmcost_money_format(m, buf, sizeof(buf)) >= 0);
	cr_expect_str_eq(buf, want, "%s: got %s, want %s", what, buf, want);
}


static void check_vector(const llmcost_prices *prices, const cJSON *v)
{
	const char *name = lc_json_string(lc_json_path(v, "name"));
	const cJSON *expect = lc_json_path(v, "expect");
	const cJSON *comps = lc_json_path(expect, "components");
	const char *want, *cname;
	llmcost_record r;
	llmcost_cost cost;
	int rc, c;

	fill_record(&r, lc_json_path(v, "record"));
	if (lc_json_path(v, "usage"))
		apply_usage(&r, lc_json_path(v, "usage"));
	llmcost_cost_init(&cost);
	rc = llmcost_price(prices, &r, &cost);
	want = lc_json_string(lc_json_path(expect, "status"));
	cr_expect_str_eq(llmcost_status_name(rc), want, "%s: status %s",
			 name, llmcost_status_name(rc));
	if (rc != LLMCOST_OK)
		return;
	expect_money(name, cost.total,
		     lc_json_string(lc_json_path(expect, "total")));
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		cname = llmcost_component_name(c);
		want = comps ? lc_json_string(lc_json_path(comps, cname)) :
			NULL;
		expect_money(cname, cost.component[c], want ? want : "0");
	}
}


Test(vectors, every_vector_prices_to_its_expected_decimals)
{
	llmcost_prices *prices;
	cJSON *root;
	const cJSON *v;
	char err[128];
	char *text;
	size_t len;
	int n = 0;

	cr_assert_eq(llmcost_prices_new(&prices), LLMCOST_OK);
	cr_assert_eq(llmcost_prices_load_file(prices,
		VEC_DIR "/prices.book", LLMCOST_TIME_UNKNOWN), LLMCOST_OK,
		"%s", llmcost_last_error());
	text = read_text(VEC_DIR "/pricing.json", &len);
	root = lc_json_parse(text, len, err, sizeof(err));
	cr_assert(root != NULL, "pricing.json: %s", err);
	for (v = lc_json_path(root, "vectors")->child; v; v = v->next, n++)
		check_vector(prices, v);
	cr_expect_geq(n, 15, "only %d vectors", n);
	lc_json_free(root);
	free(text);
	llmcost_prices_free(prices);
}
