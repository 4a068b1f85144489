/*
 * test_snapshot_json.c - reading the JSON form of a snapshot back.
 *
 * Round trips: a snapshot saved as JSON and loaded again saves to the
 * same binary bytes as the original, for rollups of several shapes.
 * Refusals: a small snapshot's JSON is changed one way at a time, and
 * each change must be refused with the right status and an error that
 * names the JSON path.  And every allocation of a JSON load is failed in
 * turn.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rollup.h"
#include "failing_alloc.h"

#define DAY_MS 86400000LL
#define MAY30 (20238LL * DAY_MS)
#define BIT(d) LLMCOST_DIM_BIT(LLMCOST_DIM_##d)
#define MILLI 1000000000000000LL	/* $0.001 in 10^-18 USD */


/* ---- building snapshots --------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


static const char *const users[] = {
	"ana", "bo", "cy", "\xc3\xa9mile", "\xe6\x97\xa5\xe6\x9c\xac",
	"\xf0\x9f\x98\x80", "q\"uote\\back", "tab\there\nnl\x01", "", "zed",
	"u10", "u11", "u12", "u13", "u14", "u15"
};


/* Row n of a stream: varied keys, times, tokens, latencies, costs. */
static void row_make(uint64_t seed, unsigned n, llmcost_record *rec,
		     llmcost_cost *cost)
{
	uint64_t x = mix64(seed << 32 | n);
	lc_i128 in, out;

	llmcost_record_init(rec);
	rec->team_id = (x >> 3) % 3 == 0 ? "ads" : "search";
	rec->user_id = users[(x >> 7) % LC_ARRAY_LEN(users)];
	rec->tenant_id = (x >> 40) & 1 ? "acme" : NULL;
	rec->model = (x >> 13) % 4 == 0 ? "o3" : "gpt-4o";
	rec->feature_name = (x >> 15) % 5 == 0 ? "chat" : "search";
	rec->timestamp_ms = (x >> 50) % 17 == 0 ? LLMCOST_TIME_UNKNOWN :
			    MAY30 + (int64_t)((x >> 24) % (40 * DAY_MS));
	rec->input_tokens = (int64_t)(x % 90000);
	rec->cached_tokens = rec->input_tokens / 3;
	rec->output_tokens = (int64_t)((x >> 20) % 3000);
	rec->reasoning_tokens = rec->output_tokens / 5;
	rec->cache_write_tokens = rec->input_tokens / 7;
	rec->input_audio_tokens = rec->input_tokens / 10;
	rec->output_audio_tokens = rec->output_tokens / 10;
	rec->web_search_requests = (int64_t)((x >> 55) % 3);
	rec->latency_ms = (int64_t)((x >> 33) % 20000);
	rec->retry_count = (int32_t)((x >> 51) & 1);
	rec->status_code = (x >> 45) % 11 == 0 ? 429 : 200;
	llmcost_cost_init(cost);
	cost->status = (x >> 13) % 7 == 3 ? LLMCOST_E_UNPRICED : LLMCOST_OK;
	if (cost->status != LLMCOST_OK)
		return;
	in = (lc_i128)rec->input_tokens * 3000000000001LL;
	out = (lc_i128)rec->output_tokens * 15000000000000LL;
	cost->component[LLMCOST_C_INPUT] = lc_money_from_i128(in);
	cost->component[LLMCOST_C_OUTPUT] = lc_money_from_i128(out);
	cost->total = lc_money_from_i128(in + out);
	cost->contracted_cost = cost->total;
	cost->effective_cost = lc_money_from_i128(in);
}


/* A rollup of rows [from, from + count) with groupings of every bucket
 * kind; the user grouping capped at cap with k counters. */
static llmcost_snapshot *snap_of(uint64_t seed, unsigned from,
				 unsigned count, uint64_t cap, uint32_t k)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	unsigned n;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	llmcost_rollup_options_add(&o, BIT(TEAM), LLMCOST_BUCKET_WEEK, 0, 0);
	llmcost_rollup_options_add(&o, BIT(TENANT) | BIT(MODEL),
				   LLMCOST_BUCKET_NONE, 0, 0);
	llmcost_rollup_options_add(&o, 0, LLMCOST_BUCKET_HOUR, 0, 0);
	llmcost_rollup_options_add(&o, BIT(USER), LLMCOST_BUCKET_MONTH, cap,
				   k);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_OK);
	for (n = from; n < from + count; n++) {
		row_make(seed, n, &rec, &cost);
		cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK,
			     "%s", llmcost_last_error());
	}
	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	llmcost_rollup_free(r);
	return s;
}


/* A snapshot in a format, in a NUL-terminated buffer the caller frees. */
static char *saved(const llmcost_snapshot *s, int format, size_t *len)
{
	size_t need = 0;
	char *buf;

	cr_assert_eq(llmcost_snapshot_save(s, format, NULL, 0, &need),
		     LLMCOST_E_RANGE);
	buf = malloc(need + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(llmcost_snapshot_save(s, format, buf, need, len),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(*len, need);
	buf[need] = '\0';
	return buf;
}


/* Saves s as JSON, loads that, and checks that the copy saves to the
 * same binary bytes and the same JSON. */
static void assert_round_trip(const llmcost_snapshot *s)
{
	size_t lj, lb, lj2, lb2;
	char *json = saved(s, LLMCOST_SNAPSHOT_JSON, &lj);
	char *bin = saved(s, LLMCOST_SNAPSHOT_BINARY, &lb), *json2, *bin2;
	llmcost_snapshot *back = NULL;

	cr_assert_eq(llmcost_snapshot_load(&back, json, lj), LLMCOST_OK,
		     "%s", llmcost_last_error());
	bin2 = saved(back, LLMCOST_SNAPSHOT_BINARY, &lb2);
	json2 = saved(back, LLMCOST_SNAPSHOT_JSON, &lj2);
	cr_assert_eq(lb, lb2, "binary sizes %zu and %zu", lb, lb2);
	cr_assert_eq(memcmp(bin, bin2, lb), 0, "binary forms differ");
	cr_assert_eq(lj, lj2);
	cr_assert_str_eq(json, json2);
	free(json);
	free(json2);
	free(bin);
	free(bin2);
	llmcost_snapshot_free(back);
}


/* ---- round trips ------------------------------------------------------ */

Test(snapshot_json, rollups_round_trip_to_the_same_bytes)
{
	llmcost_snapshot *s;
	size_t i, overflow = 0, heavy = 0;

	/* Capped, with counters: overflow groups and heavy hitters. */
	s = snap_of(1, 0, 3000, 5, 3);
	for (i = 0; i < s->ngr; i++) {
		if (s->gr[i].dims != BIT(USER))
			continue;
		overflow = s->gr[i].group_count;
		heavy = s->gr[i].hh_count;
	}
	cr_assert_gt(overflow, 5);
	cr_assert_eq(heavy, 3);
	assert_round_trip(s);
	llmcost_snapshot_free(s);
	/* No cap; a few rows: sparse sketches everywhere. */
	s = snap_of(2, 0, 40, 0, 0);
	assert_round_trip(s);
	llmcost_snapshot_free(s);
	/* A cap without counters. */
	s = snap_of(3, 0, 500, 2, 0);
	assert_round_trip(s);
	llmcost_snapshot_free(s);
}


Test(snapshot_json, sketches_sparse_and_dense_round_trip)
{
	llmcost_snapshot *s = snap_of(4, 0, 5000, 0, 0);
	size_t i, most = 0, least = SIZE_MAX;

	/* The grouping by tenant and model holds a few big groups whose
	 * sketches have hundreds of buckets; hourly groups have few. */
	for (i = 0; i < s->ng; i++) {
		if (s->g[i].sk_n[0] > most)
			most = s->g[i].sk_n[0];
		if (s->g[i].sk_n[0] < least)
			least = s->g[i].sk_n[0];
	}
	cr_assert_gt(most, 100);
	cr_assert_leq(least, LC_SK_SPARSE_MAX);
	assert_round_trip(s);
	llmcost_snapshot_free(s);
}


Test(snapshot_json, merged_and_empty_snapshots_round_trip)
{
	llmcost_snapshot *a = snap_of(5, 0, 800, 4, 2);
	llmcost_snapshot *b = snap_of(6, 400, 800, 6, 3);
	llmcost_snapshot *e = NULL;
	size_t len;
	char *json;

	cr_assert_eq(llmcost_snapshot_merge(a, b), LLMCOST_OK);
	assert_round_trip(a);
	cr_assert_eq(llmcost_snapshot_new(&e), LLMCOST_OK);
	assert_round_trip(e);
	json = saved(e, LLMCOST_SNAPSHOT_JSON, &len);
	cr_assert_str_eq(json, "{\"format\":\"llmcost-snapshot\","
			 "\"version\":1,\"sketch_error\":\"1/64\",\n"
			 "  \"groupings\":[],\n  \"groups\":[]}\n");
	free(json);
	llmcost_snapshot_free(a);
	llmcost_snapshot_free(b);
	llmcost_snapshot_free(e);
}


/* The first and last hours of the years 0001 to 9999, the largest cap,
 * extreme sums. */
Test(snapshot_json, extreme_values_round_trip)
{
	static const int64_t times[] = {
		LC_TIME_MIN_MS,			/* 0001-01-01 */
		LC_TIME_MIN_MS + 3599999,	/* its first hour */
		LC_TIME_MAX_MS,			/* end of 9999 */
		LC_TIME_MAX_MS - 3600000,	/* an hour before */
		0
	};
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	size_t i, len;
	char *json;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, BIT(TEAM), LLMCOST_BUCKET_HOUR,
				   UINT64_MAX, LLMCOST_HEAVY_MAX);
	llmcost_rollup_options_add(&o, BIT(USER), LLMCOST_BUCKET_MONTH, 0, 0);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_OK);
	for (i = 0; i < LC_ARRAY_LEN(times); i++) {
		row_make(7, (unsigned)i, &rec, &cost);
		rec.timestamp_ms = times[i];
		rec.input_tokens = INT64_MAX / 16;
		llmcost_cost_init(&cost);
		cost.status = LLMCOST_OK;
		cost.total = lc_money_from_i128(LC_I128_MAX / 64);
		cost.contracted_cost = cost.effective_cost = cost.total;
		cost.component[LLMCOST_C_REQUEST] = cost.total;
		cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK,
			     "%s", llmcost_last_error());
	}
	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	json = saved(s, LLMCOST_SNAPSHOT_JSON, &len);
	cr_assert(strstr(json, "\"max_groups\":18446744073709551615,") !=
		  NULL);
	cr_assert(strstr(json, "\"bucket_start\":\"0001-01-01T00:00:00Z\"")
		  != NULL, "%s", json);
	cr_assert(strstr(json, "\"bucket_start\":\"9999-12-31T23:00:00Z\"")
		  != NULL);
	cr_assert(strstr(json, "\"bucket_start\":\"9999-12-31T22:00:00Z\"")
		  != NULL);
	cr_assert(strstr(json, "\"bucket_start\":\"9999-12-01T00:00:00Z\"")
		  != NULL);
	assert_round_trip(s);
	free(json);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


Test(snapshot_json, blank_before_the_brace_and_files)
{
	llmcost_snapshot *s = snap_of(8, 0, 60, 0, 0), *t = NULL;
	char path[] = "/tmp/llmcost-json-snap-XXXXXX";
	size_t len, lb, lb2;
	char *json = saved(s, LLMCOST_SNAPSHOT_JSON, &len), *padded;
	char *bin = saved(s, LLMCOST_SNAPSHOT_BINARY, &lb), *bin2;
	int fd;

	padded = malloc(len + 5);
	cr_assert_not_null(padded);
	memcpy(padded, " \t\r\n", 4);
	memcpy(padded + 4, json, len + 1);
	cr_assert_eq(llmcost_snapshot_load(&t, padded, len + 4), LLMCOST_OK,
		     "%s", llmcost_last_error());
	llmcost_snapshot_free(t);
	t = NULL;
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(llmcost_snapshot_save_file(s, LLMCOST_SNAPSHOT_JSON,
						path), LLMCOST_OK);
	cr_assert_eq(llmcost_snapshot_load_file(&t, path), LLMCOST_OK, "%s",
		     llmcost_last_error());
	bin2 = saved(t, LLMCOST_SNAPSHOT_BINARY, &lb2);
	cr_assert_eq(lb, lb2);
	cr_assert_eq(memcmp(bin, bin2, lb), 0);
	unlink(path);
	free(json);
	free(padded);
	free(bin);
	free(bin2);
	llmcost_snapshot_free(s);
	llmcost_snapshot_free(t);
}


/* Key bytes that are not UTF-8 are written as U+FFFD: the snapshot loads
 * with that character in their place, and so is not the same one. */
Test(snapshot_json, bad_utf8_keys_load_as_u_fffd)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL, *t = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_group g;
	size_t lj, lb, lb2;
	char *json, *bin, *bin2;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, BIT(TEAM), LLMCOST_BUCKET_NONE, 0, 0);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_OK);
	row_make(9, 1, &rec, &cost);
	rec.team_id = "a\xff" "b\xc3";
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	json = saved(s, LLMCOST_SNAPSHOT_JSON, &lj);
	cr_assert(strstr(json, "{\"team\":\"a\\ufffdb\\ufffd\"}") != NULL);
	cr_assert_eq(llmcost_snapshot_load(&t, json, lj), LLMCOST_OK, "%s",
		     llmcost_last_error());
	llmcost_group_init(&g);
	cr_assert_eq(llmcost_snapshot_group(t, 0, &g), LLMCOST_OK);
	cr_assert_str_eq(g.key[LLMCOST_DIM_TEAM],
			 "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	bin = saved(s, LLMCOST_SNAPSHOT_BINARY, &lb);
	bin2 = saved(t, LLMCOST_SNAPSHOT_BINARY, &lb2);
	cr_assert(lb != lb2 || memcmp(bin, bin2, lb) != 0);
	free(bin);
	free(bin2);
	free(json);
	llmcost_snapshot_free(t);
	llmcost_snapshot_free(s);

	/* Two keys that both become "\ufffd": the copy would hold the same
	 * group twice, and is refused rather than merged silently. */
	rec.team_id = "\xfe";
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	rec.team_id = "\xff";
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	json = saved(s, LLMCOST_SNAPSHOT_JSON, &lj);
	t = (llmcost_snapshot *)&t;
	cr_assert_eq(llmcost_snapshot_load(&t, json, lj), LLMCOST_E_PARSE);
	cr_assert_null(t);
	cr_assert(strstr(llmcost_last_error(), "groups out of order") != NULL,
		  "%s", llmcost_last_error());
	free(json);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


/* ---- refusals --------------------------------------------------------- */

/* Three requests by ana, bo and cy of team search on one day; the user
 * grouping is capped at one group with two counters. */
static char *small_json(size_t *len)
{
	static const char *const who[] = { "ana", "bo", "cy" };
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	llmcost_record rec;
	llmcost_cost c;
	char *json;
	int i;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, BIT(TEAM), LLMCOST_BUCKET_DAY, 0, 0);
	llmcost_rollup_options_add(&o, BIT(USER), LLMCOST_BUCKET_NONE, 1, 2);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_OK);
	for (i = 0; i < 3; i++) {
		llmcost_record_init(&rec);
		rec.team_id = "search";
		rec.user_id = who[i];
		rec.timestamp_ms = MAY30 + 7200000LL + i * 1000;
		rec.input_tokens = 1000 * (i + 1);
		rec.output_tokens = 10;
		rec.latency_ms = 100 * (i + 1);
		llmcost_cost_init(&c);
		c.status = LLMCOST_OK;
		c.total = lc_money_from_i128((lc_i128)MILLI * (i + 1));
		c.component[LLMCOST_C_INPUT] = c.total;
		c.list_cost = c.contracted_cost = c.effective_cost = c.total;
		cr_assert_eq(llmcost_rollup_add(r, &rec, &c), LLMCOST_OK);
	}
	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	json = saved(s, LLMCOST_SNAPSHOT_JSON, len);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
	return json;
}


/* text with its one occurrence of from replaced by to. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t lf = strlen(from), lt = strlen(to), n = strlen(text);
	char *out;

	cr_assert_not_null(at, "'%s' not in the fixture", from);
	cr_assert_null(strstr(at + 1, from), "'%s' is there twice", from);
	out = malloc(n - lf + lt + 1);
	cr_assert_not_null(out);
	memcpy(out, text, (size_t)(at - text));
	memcpy(out + (at - text), to, lt);
	memcpy(out + (at - text) + lt, at + lf, n - (size_t)(at - text) - lf +
	       1);
	return out;
}


/* Loads text; expects status and an error holding detail. */
static void expect_refused(const char *text, int status, const char *detail)
{
	llmcost_snapshot *s = (llmcost_snapshot *)&s;
	int rc = llmcost_snapshot_load(&s, text, strlen(text));

	cr_assert_eq(rc, status, "%s (%s) for %s", llmcost_status_name(rc),
		     llmcost_last_error(), detail);
	cr_assert_null(s);
	cr_assert(strstr(llmcost_last_error(), detail) != NULL,
		  "error '%s' does not say '%s'", llmcost_last_error(),
		  detail);
}


static void expect_edit_refused(const char *from, const char *to,
				int status, const char *detail)
{
	size_t len;
	char *json = small_json(&len), *bad = edit(json, from, to);

	expect_refused(bad, status, detail);
	free(bad);
	free(json);
}


Test(snapshot_json, the_fixture_loads)
{
	llmcost_snapshot *s = NULL;
	size_t len;
	char *json = small_json(&len);

	cr_assert_eq(llmcost_snapshot_load(&s, json, len), LLMCOST_OK, "%s",
		     llmcost_last_error());
	cr_assert_eq(llmcost_snapshot_count(s), 3);
	cr_assert(strstr(json, "\"overflow\":{\"cost\":\"0.005\","
			 "\"untracked_bound\":\"0.002\"") != NULL, "%s",
		  json);
	free(json);
	llmcost_snapshot_free(s);
}


Test(snapshot_json, other_versions_are_named)
{
	expect_edit_refused("\"version\":1,", "\"version\":2,",
			    LLMCOST_E_VERSION, "snapshot JSON: version 2; "
			    "this library reads version 1 only");
	expect_edit_refused("\"version\":1,", "\"version\":0,",
			    LLMCOST_E_VERSION, "version 0;");
	/* A later version may change anything else: it is named first. */
	expect_edit_refused("\"version\":1,\"sketch_error\":\"1/64\"",
			    "\"version\":3,\"sketch_error\":7,\"new\":[]",
			    LLMCOST_E_VERSION, "version 3;");
	expect_edit_refused("\"version\":1,", "\"version\":\"1\",",
			    LLMCOST_E_PARSE, "version: not an integer");
	expect_edit_refused("\"version\":1,", "\"version\":1.0,",
			    LLMCOST_E_PARSE, "version: not an integer");
	expect_edit_refused("\"version\":1,", "", LLMCOST_E_PARSE,
			    "version: missing");
	expect_edit_refused("\"version\":1,",
			    "\"version\":100000000000000000000"
			    "000000000000000000000000,",
			    LLMCOST_E_VERSION, "version 1000000000");
}


Test(snapshot_json, wrong_format_is_refused)
{
	expect_edit_refused("\"llmcost-snapshot\"", "\"llmcost-snap\"",
			    LLMCOST_E_PARSE, "snapshot JSON: format: not "
			    "\"llmcost-snapshot\"");
	expect_edit_refused("\"format\":\"llmcost-snapshot\",", "",
			    LLMCOST_E_PARSE, "format: missing");
	/* Only text starting with '{' is taken for JSON. */
	expect_refused("[1]", LLMCOST_E_PARSE, "no LLMCSNAP magic");
	expect_refused("{\"format\":\"llmcost-snapshot\",\"version\":1}",
		       LLMCOST_E_PARSE, "snapshot JSON: sketch_error: "
		       "missing");
	expect_refused("{}", LLMCOST_E_PARSE, "format: missing");
	expect_edit_refused("\"sketch_error\":\"1/64\"",
			    "\"sketch_error\":\"1/32\"", LLMCOST_E_PARSE,
			    "sketch_error: not \"1/64\"");
	expect_edit_refused("\"sketch_error\":\"1/64\",",
			    "\"sketch_error\":\"1/64\",\"extra\":1,",
			    LLMCOST_E_PARSE, "snapshot JSON: extra: unknown "
			    "member");
	expect_edit_refused("\"sketch_error\":\"1/64\",",
			    "\"sketch_error\":\"1/64\",\"\":1,",
			    LLMCOST_E_PARSE, "snapshot JSON: unknown member "
			    "\"\"");
}


Test(snapshot_json, bad_money_is_refused)
{
	expect_edit_refused("\"total\":\"0.006\"", "\"total\":\"0.00x6\"",
			    LLMCOST_E_PARSE, "snapshot JSON: groups[0].cost."
			    "total: \"0.00x6\" is not a decimal");
	expect_edit_refused("\"total\":\"0.006\"", "\"total\":0.006",
			    LLMCOST_E_PARSE, "groups[0].cost.total: not a "
			    "decimal string");
	expect_edit_refused("\"total\":\"0.006\"",
			    "\"total\":\"0.0060000000000000001\"",
			    LLMCOST_E_PARSE, "groups[0].cost.total: "
			    "\"0.0060000000000000001\" has digits below");
	expect_edit_refused("\"total\":\"0.006\"", "\"total\":\"1e40\"",
			    LLMCOST_E_PARSE, "is out of range");
	expect_edit_refused("\"total\":\"0.006\"", "\"total\":\" 0.006\"",
			    LLMCOST_E_PARSE, "is not a decimal");
	expect_edit_refused("\"untracked_bound\":\"0.002\"",
			    "\"untracked_bound\":\"0.006\"", LLMCOST_E_PARSE,
			    "groupings[1].overflow: heavy-hitter totals out "
			    "of range");
	expect_edit_refused("{\"user\":\"bo\"},\"cost\":\"0.002\"",
			    "{\"user\":\"bo\"},\"cost\":\"0.001\"",
			    LLMCOST_E_PARSE, "groupings[1].overflow."
			    "heavy_hitters[0]: heavy-hitter count out of its "
			    "bounds");
}


/* The same money rules as the binary reader: no negative cost, and a
 * total that is the sum of its components. */
Test(snapshot_json, money_no_price_can_make_is_refused)
{
	expect_edit_refused("\"total\":\"0.006\",\"contracted\":\"0.006\","
			    "\"effective\":\"0.006\",\"components\":{"
			    "\"input\":\"0.006\"",
			    "\"total\":\"-0.006\",\"contracted\":\"0.006\","
			    "\"effective\":\"0.006\",\"components\":{"
			    "\"input\":\"-0.006\"",
			    LLMCOST_E_PARSE, "groups[0]: a cost is negative");
	expect_edit_refused("\"effective\":\"0.006\"",
			    "\"effective\":\"-0.006\"",
			    LLMCOST_E_PARSE, "groups[0]: a cost is negative");
	expect_edit_refused("\"input\":\"0.006\"", "\"input\":\"0.005\"",
			    LLMCOST_E_PARSE, "groups[0]: cost total is not "
			    "the sum of its components");
	expect_edit_refused("\"input\":\"0.006\",\"cache_read\":\"0\"",
			    "\"input\":\"0.006\",\"cache_read\":\"0.001\"",
			    LLMCOST_E_PARSE, "groups[0]: cost total is not "
			    "the sum of its components");
}


/* The counters against the overflow groups, once both are read: the
 * counters' total at most the groups' cost, their lower bounds adding up
 * to at most that total. */
Test(snapshot_json, heavy_hitters_beyond_the_overflow_are_refused)
{
	expect_edit_refused("\"overflow\":{\"cost\":\"0.005\"",
			    "\"overflow\":{\"cost\":\"1000\"",
			    LLMCOST_E_PARSE, "snapshot JSON: groupings[1]."
			    "overflow: heavy-hitter total above the cost of "
			    "the grouping's overflow groups");
	expect_edit_refused("{\"user\":\"bo\"},\"cost\":\"0.002\"",
			    "{\"user\":\"bo\"},\"cost\":\"0.003\"",
			    LLMCOST_E_PARSE, "snapshot JSON: groupings[1]."
			    "overflow: heavy-hitter lower bounds add up to "
			    "more than their total");
}


Test(snapshot_json, bad_counts_are_refused)
{
	expect_edit_refused("\"records\":1,", "\"records\":-1,",
			    LLMCOST_E_PARSE, "snapshot JSON: groups[1]."
			    "records: -1 is negative");
	expect_edit_refused("\"records\":3,", "\"records\":3.0,",
			    LLMCOST_E_PARSE, "groups[0].records: not an "
			    "integer");
	expect_edit_refused("\"records\":3,", "\"records\":3e0,",
			    LLMCOST_E_PARSE, "groups[0].records: not an "
			    "integer");
	expect_edit_refused("\"records\":3,", "\"records\":\"3\",",
			    LLMCOST_E_PARSE, "groups[0].records: not an "
			    "integer");
	expect_edit_refused("\"records\":3,",
			    "\"records\":9223372036854775808,",
			    LLMCOST_E_PARSE, "groups[0].records: "
			    "9223372036854775808 is out of range");
	expect_edit_refused("\"latency_max_ms\":300,\"tokens\":{\"input\":6000,"
			    "\"output\":30,\"cached\":0",
			    "\"latency_max_ms\":300,\"tokens\":{\"input\":6000,"
			    "\"output\":30,\"cached\":-5",
			    LLMCOST_E_PARSE, "groups[0].tokens.cached: -5 is "
			    "negative");
	/* The sums checks of the binary reader. */
	expect_edit_refused("\"errors\":0,\"latency_sum_ms\":100",
			    "\"errors\":2,\"latency_sum_ms\":100",
			    LLMCOST_E_PARSE, "snapshot JSON: groups[1]: more "
			    "errors than records");
	expect_edit_refused("\"records\":3,", "\"records\":4,",
			    LLMCOST_E_PARSE, "groups[0].input_tokens.sketch: "
			    "sketch does not match the records");
}


Test(snapshot_json, bad_sketches_are_refused)
{
	expect_edit_refused("[[190,1],[222,1],[238,1]]",
			    "[[222,1],[190,1],[238,1]]", LLMCOST_E_PARSE,
			    "groups[0].input_tokens.sketch: sketch does not "
			    "match the records");
	expect_edit_refused("[[190,1],[222,1],[238,1]]",
			    "[[190,1],[190,1],[238,1]]", LLMCOST_E_PARSE,
			    "sketch does not match the records");
	expect_edit_refused("[[190,1],[222,1],[238,1]]",
			    "[[190,2],[222,0],[238,1]]", LLMCOST_E_PARSE,
			    "sketch does not match the records");
	expect_edit_refused("[[190,1],[222,1],[238,1]]",
			    "[[190,1],[222,1],[1888,1]]", LLMCOST_E_PARSE,
			    "groups[0].input_tokens.sketch[2]: 1888 is out "
			    "of range");
	expect_edit_refused("[[190,1],[222,1],[238,1]]",
			    "[[190,1],[222,1],[238,1,0]]", LLMCOST_E_PARSE,
			    "groups[0].input_tokens.sketch[2]: not a "
			    "[bucket, count] pair");
	expect_edit_refused("[[190,1],[222,1],[238,1]]",
			    "[[190,1],[222,1],238]", LLMCOST_E_PARSE,
			    "sketch[2]: not a [bucket, count] pair");
	expect_edit_refused("[[190,1],[222,1],[238,1]]", "{}",
			    LLMCOST_E_PARSE,
			    "groups[0].input_tokens.sketch: not an array");
}


Test(snapshot_json, derived_fields_must_agree)
{
	expect_edit_refused("\"p50\":1000,", "\"p50\":999,", LLMCOST_E_PARSE,
			    "groups[1].input_tokens.p50: 999 does not match "
			    "the rest of the snapshot (1000)");
	expect_edit_refused("\"p50\":202,\"p95\":300,\"sketch\":[[82,1],"
			    "[114,1],[133,1]]", "\"p50\":202,\"p95\":299,"
			    "\"sketch\":[[82,1],[114,1],[133,1]]",
			    LLMCOST_E_PARSE, "groups[0].latency_ms.p95");
	expect_edit_refused("\"requests\":1,\"priced_requests\":1,",
			    "\"requests\":1,\"priced_requests\":0,",
			    LLMCOST_E_PARSE, "groups[1].priced_requests: 0 "
			    "does not match");
	expect_edit_refused("\"heavy_hitters\":2,\"groups\":2,",
			    "\"heavy_hitters\":2,\"groups\":3,",
			    LLMCOST_E_PARSE, "groupings[1].groups: 3 does not "
			    "match");
	expect_edit_refused("{\"index\":1,", "{\"index\":0,",
			    LLMCOST_E_PARSE, "groupings[1].index: 0 does not "
			    "match");
}


Test(snapshot_json, keys_and_members_are_checked)
{
	expect_edit_refused("\"key\":{\"team\":\"search\"}",
			    "\"key\":{\"tem\":\"search\"}", LLMCOST_E_PARSE,
			    "snapshot JSON: groups[0].key.tem: unknown member");
	expect_edit_refused("\"key\":{\"team\":\"search\"}",
			    "\"key\":{\"team\":\"search\",\"user\":\"x\"}",
			    LLMCOST_E_PARSE, "groups[0].key.user: unknown "
			    "member");
	expect_edit_refused("\"key\":{\"team\":\"search\"}", "\"key\":{}",
			    LLMCOST_E_PARSE, "groups[0].key.team: missing");
	expect_edit_refused("\"key\":{\"team\":\"search\"}",
			    "\"key\":{\"team\":7}", LLMCOST_E_PARSE,
			    "groups[0].key.team: not a string");
	expect_edit_refused("\"key\":{\"user\":\"ana\"}",
			    "\"key\":{\"user\":\"a\\u0000na\"}",
			    LLMCOST_E_PARSE, "NUL");
	expect_edit_refused("\"retries\":0,\"errors\":0,\"latency_sum_ms\":600",
			    "\"errors\":0,\"latency_sum_ms\":600",
			    LLMCOST_E_PARSE, "groups[0].retries: missing");
	expect_edit_refused("\"web_search\":0,\"file_search\":0},\"cost\":{"
			    "\"total\":\"0.006\"", "\"web_search\":0},\"cost\""
			    ":{\"total\":\"0.006\"", LLMCOST_E_PARSE,
			    "groups[0].units.file_search: missing");
	expect_edit_refused("\"records\":3,", "\"records\":3,\"records\":3,",
			    LLMCOST_E_PARSE, "duplicate key 'records'");
	expect_edit_refused("\"dims\":[\"team\"]", "\"dims\":[\"teams\"]",
			    LLMCOST_E_PARSE, "groupings[0].dims[0]: unknown "
			    "dimension");
	expect_edit_refused("\"dims\":[\"user\"]",
			    "\"dims\":[\"user\",\"team\"]", LLMCOST_E_PARSE,
			    "groupings[1].dims[1]: dimensions not in their "
			    "order");
	expect_edit_refused("\"bucket\":\"day\"", "\"bucket\":\"fortnight\"",
			    LLMCOST_E_PARSE, "groupings[0].bucket: unknown "
			    "time bucket");
	expect_edit_refused("\"dims\":[\"team\"]",
			    "\"dims\":[\"team\",\"user\"]", LLMCOST_E_PARSE,
			    "groupings[1]: groupings out of order");
	expect_edit_refused("\"heavy_hitters\":2,", "\"heavy_hitters\":1,",
			    LLMCOST_E_PARSE, "groupings[1].overflow."
			    "heavy_hitters: more heavy hitters than k (1)");
	expect_edit_refused("\"heavy_hitters\":2,", "\"heavy_hitters\":65537,",
			    LLMCOST_E_PARSE, "groupings[1]: too many heavy "
			    "hitters");
	expect_edit_refused("{\"user\":\"cy\"}", "{\"user\":\"bo\"}",
			    LLMCOST_E_PARSE, "groupings[1].overflow."
			    "heavy_hitters[1]: heavy hitters out of order");
	expect_edit_refused("\"grouping\":1,\"overflow\":true",
			    "\"grouping\":2,\"overflow\":true",
			    LLMCOST_E_PARSE, "groups[2].grouping: group of "
			    "no grouping");
	expect_edit_refused("\"overflow\":true,\"key\":{\"user\":\"\"}",
			    "\"overflow\":true,\"key\":{\"user\":\"x\"}",
			    LLMCOST_E_PARSE, "groups[2]: overflow group with "
			    "a key");
	expect_edit_refused("\"overflow\":true,", "\"overflow\":1,",
			    LLMCOST_E_PARSE, "groups[2].overflow: not true or "
			    "false");
}


Test(snapshot_json, times_are_checked)
{
	expect_edit_refused("\"2025-05-30T00:00:00Z\"",
			    "\"2025-05-30T01:00:00Z\"", LLMCOST_E_PARSE,
			    "groups[0]: bucket start does not fit its bucket");
	expect_edit_refused("\"2025-05-30T00:00:00Z\"",
			    "\"2025-05-30T00:00:00+00:00\"", LLMCOST_E_PARSE,
			    "groups[0].bucket_start: not a time");
	expect_edit_refused("\"2025-05-30T00:00:00Z\"", "\"2025-05-30\"",
			    LLMCOST_E_PARSE, "groups[0].bucket_start");
	expect_edit_refused("\"2025-05-30T00:00:00Z\"", "1748563200000",
			    LLMCOST_E_PARSE, "groups[0].bucket_start: a time "
			    "as a number must lie outside");
	expect_edit_refused("\"2025-05-30T00:00:00Z\"",
			    "\"2025-05-30T00:00:00.001Z\"", LLMCOST_E_PARSE,
			    "groups[0]: bucket start does not fit its bucket");
	expect_edit_refused("\"2025-05-30T00:00:00Z\"", "true",
			    LLMCOST_E_PARSE, "groups[0].bucket_start: not a "
			    "time");
	/* Logs give times of the years 0001 to 9999 only, and so a rollup
	 * takes only those: a day outside them is refused, whether as RFC
	 * 3339 text or as epoch ms. */
	expect_edit_refused("\"2025-05-30T00:00:00Z\"",
			    "\"0000-12-31T00:00:00Z\"", LLMCOST_E_PARSE,
			    "groups[0]: bucket start outside the years 0001 "
			    "to 9999");
	expect_edit_refused("\"2025-05-30T00:00:00Z\"", "253402300800000",
			    LLMCOST_E_PARSE, "groups[0]: bucket start outside "
			    "the years 0001 to 9999");
	expect_edit_refused("\"2025-05-30T00:00:00Z\"", "-62167305600000",
			    LLMCOST_E_PARSE, "groups[0]: bucket start outside "
			    "the years 0001 to 9999");
}


/* The same group twice, and groups out of order. */
Test(snapshot_json, groups_in_canonical_order_only)
{
	size_t len, at, lc;
	char *json = small_json(&len), *line, *end, *bad;

	/* ana's group line once more after itself. */
	line = strstr(json, "    {\"grouping\":1,\"overflow\":false");
	cr_assert_not_null(line);
	end = strchr(line, '\n');
	cr_assert_not_null(end);
	at = (size_t)(end + 1 - json);
	lc = (size_t)(end + 1 - line);
	bad = malloc(len + lc + 1);
	cr_assert_not_null(bad);
	memcpy(bad, json, at);
	memcpy(bad + at, line, lc);
	memcpy(bad + at + lc, json + at, len - at + 1);
	expect_refused(bad, LLMCOST_E_PARSE, "snapshot JSON: groups[2]: "
		       "groups out of order");
	free(bad);
	free(json);
	/* The last group made a regular one, with a key below ana's. */
	expect_edit_refused("\"overflow\":true,\"key\":{\"user\":\"\"}",
			    "\"overflow\":false,\"key\":{\"user\":\"aa\"}",
			    LLMCOST_E_PARSE, "snapshot JSON: groups[2]: "
			    "groups out of order");
}


Test(snapshot_json, every_truncation_is_refused)
{
	llmcost_snapshot *s;
	size_t len, n;
	char *json = small_json(&len);
	int rc;

	/* All but the last byte, a newline after the closing brace. */
	cr_assert_eq(json[len - 1], '\n');
	for (n = 0; n < len - 1; n++) {
		s = (llmcost_snapshot *)&s;
		rc = llmcost_snapshot_load(&s, json, n);
		cr_assert_eq(rc, LLMCOST_E_PARSE, "%zu bytes: %s", n,
			     llmcost_status_name(rc));
		cr_assert_null(s);
	}
	s = NULL;
	cr_assert_eq(llmcost_snapshot_load(&s, json, len - 1), LLMCOST_OK);
	llmcost_snapshot_free(s);
	s = (llmcost_snapshot *)&s;
	cr_assert_eq(llmcost_snapshot_load(&s, json, 30), LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "snapshot JSON: byte ") !=
		  NULL, "%s", llmcost_last_error());
	free(json);
}


/* ---- memory ----------------------------------------------------------- */



Test(snapshot_json, every_failed_allocation_of_a_load_is_reported,
     .timeout = 300)
{
	llmcost_snapshot *s = snap_of(10, 0, 400, 4, 2), *t;
	size_t len;
	char *json = saved(s, LLMCOST_SNAPSHOT_JSON, &len);
	long n, total;
	int rc;

	llmcost_snapshot_free(s);
	use_counting_allocator(0, 0);
	t = NULL;
	cr_assert_eq(llmcost_snapshot_load(&t, json, len), LLMCOST_OK);
	llmcost_snapshot_free(t);
	total = calls;
	cr_assert_eq(live, 0, "%ld blocks leaked without failures", live);
	cr_assert_gt(total, 5);
	for (n = 1; n <= total; n++) {
		use_counting_allocator(n, 0);
		t = (llmcost_snapshot *)&t;
		rc = llmcost_snapshot_load(&t, json, len);
		cr_assert_eq(rc, LLMCOST_E_NOMEM, "allocation %ld of %ld: %s "
			     "(%s)", n, total, llmcost_status_name(rc),
			     llmcost_last_error());
		cr_assert_null(t);
		cr_assert_eq(live, 0, "allocation %ld: %ld blocks leaked", n,
			     live);
	}
	cr_assert_eq(llmcost_set_allocator(NULL), LLMCOST_OK);
	free(json);
}
