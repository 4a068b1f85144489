/*
 * fuzz_snapshot_json.c - fuzz harness for the JSON snapshot reader.
 *
 * Input: the text of a JSON snapshot, given to llmcost_snapshot_load()
 * as it is and, when it does not already start with '{', once more
 * behind one, so that every input reaches the JSON reader.  Besides "no
 * crash, no leak, no undefined behaviour" it checks that:
 *   - a load fails only as malformed input or an unknown version, and a
 *     failed load hands back nothing;
 *   - an accepted snapshot saves as JSON to text that loads again and
 *     saves to the same text, and both copies save to the same binary
 *     bytes, which load again;
 *   - every group, quantile, grouping and heavy-hitter list reads back;
 *   - merging the snapshot into an empty one gives the same bytes.
 *
 * Seeds: built with -DFUZZ_SNAPSHOT_JSON_SEEDS this file is instead a
 * program that writes the seed corpus into the directory it is given:
 *   cc -DFUZZ_SNAPSHOT_JSON_SEEDS -Iinclude -Ilib \
 *      fuzz/fuzz_snapshot_json.c BUILD/libllmcost.a -lcjson -lpthread \
 *      -o seeds
 *   ./seeds fuzz/corpus/snapshot_json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"

#define JSNAP_CHECK(e) \
	do { \
		if (!(e)) { \
			fprintf(stderr, "%s:%d: check failed: %s (%s)\n", \
				__FILE__, __LINE__, #e, \
				llmcost_last_error()); \
			abort(); \
		} \
	} while (0)

#define JSNAP_HEAVY_MAX 8


static char *saved(const llmcost_snapshot *s, int format, size_t *len)
{
	size_t need = 0;
	char *buf;

	JSNAP_CHECK(llmcost_snapshot_save(s, format, NULL, 0, &need) ==
		    LLMCOST_E_RANGE);
	buf = malloc(need ? need : 1);
	JSNAP_CHECK(buf != NULL);
	JSNAP_CHECK(llmcost_snapshot_save(s, format, buf, need, len) ==
		    LLMCOST_OK);
	JSNAP_CHECK(*len == need);
	return buf;
}


static int same(const char *a, size_t la, const char *b, size_t lb)
{
	return la == lb && memcmp(a, b, la) == 0;
}


static void check_reads(const llmcost_snapshot *s)
{
	llmcost_heavy h[JSNAP_HEAVY_MAX];
	llmcost_grouping_info info;
	llmcost_money unlisted;
	size_t i, n, groups = 0;
	int64_t lo, hi;
	llmcost_group g;
	int m, rc;

	for (i = 0; i < llmcost_snapshot_count(s); i++) {
		llmcost_group_init(&g);
		JSNAP_CHECK(llmcost_snapshot_group(s, i, &g) == LLMCOST_OK);
		JSNAP_CHECK(g.priced_requests + g.unpriced_requests ==
			    g.requests);
		for (m = 0; g.records > 0 && m < LLMCOST_M_COUNT; m++) {
			JSNAP_CHECK(llmcost_snapshot_quantile(s, i, m, 0, &lo)
				    == LLMCOST_OK);
			JSNAP_CHECK(llmcost_snapshot_quantile(s, i, m, 10000,
							      &hi) ==
				    LLMCOST_OK);
			JSNAP_CHECK(lo <= hi);
		}
	}
	for (i = 0; i < llmcost_snapshot_grouping_count(s); i++) {
		llmcost_grouping_info_init(&info);
		JSNAP_CHECK(llmcost_snapshot_grouping(s, i, &info) ==
			    LLMCOST_OK);
		groups += info.groups;
		for (n = 0; n < JSNAP_HEAVY_MAX; n++)
			llmcost_heavy_init(&h[n]);
		rc = llmcost_snapshot_heavy(s, i, h, JSNAP_HEAVY_MAX, &n,
					    &unlisted);
		JSNAP_CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_OVERFLOW);
	}
	JSNAP_CHECK(groups == llmcost_snapshot_count(s));
}


static void check_copies(const llmcost_snapshot *s)
{
	llmcost_snapshot *back = NULL, *fromb = NULL, *e = NULL;
	size_t lj, lj2, lb, lb2, lb3;
	char *j, *j2, *b, *b2, *b3;

	j = saved(s, LLMCOST_SNAPSHOT_JSON, &lj);
	JSNAP_CHECK(llmcost_snapshot_load(&back, j, lj) == LLMCOST_OK);
	j2 = saved(back, LLMCOST_SNAPSHOT_JSON, &lj2);
	JSNAP_CHECK(same(j, lj, j2, lj2));
	b = saved(s, LLMCOST_SNAPSHOT_BINARY, &lb);
	b2 = saved(back, LLMCOST_SNAPSHOT_BINARY, &lb2);
	JSNAP_CHECK(same(b, lb, b2, lb2));
	JSNAP_CHECK(llmcost_snapshot_load(&fromb, b, lb) == LLMCOST_OK);
	JSNAP_CHECK(llmcost_snapshot_new(&e) == LLMCOST_OK);
	JSNAP_CHECK(llmcost_snapshot_merge(e, fromb) == LLMCOST_OK);
	b3 = saved(e, LLMCOST_SNAPSHOT_BINARY, &lb3);
	JSNAP_CHECK(same(b, lb, b3, lb3));
	free(j);
	free(j2);
	free(b);
	free(b2);
	free(b3);
	llmcost_snapshot_free(back);
	llmcost_snapshot_free(fromb);
	llmcost_snapshot_free(e);
}


static void check_input(const uint8_t *data, size_t size)
{
	llmcost_snapshot *s = (llmcost_snapshot *)&s;
	int rc = llmcost_snapshot_load(&s, data, size);

	JSNAP_CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_PARSE ||
		    rc == LLMCOST_E_VERSION);
	if (rc != LLMCOST_OK) {
		JSNAP_CHECK(s == NULL);
		return;
	}
	check_reads(s);
	check_copies(s);
	llmcost_snapshot_free(s);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *braced;

	check_input(data, size);
	if (size > 0 && data[0] == '{')
		return 0;
	braced = malloc(size + 1);
	JSNAP_CHECK(braced != NULL);
	braced[0] = '{';
	if (size != 0)
		memcpy(braced + 1, data, size);
	check_input(braced, size + 1);
	free(braced);
	return 0;
}


#ifdef FUZZ_SNAPSHOT_JSON_SEEDS
/* ---- the seed generator ---------------------------------------------------
 * JSON snapshots of a few shapes, and broken ones: truncated, another
 * version, a sketch out of order. */

static const char *seed_dir;


static void seed_write(const char *name, const char *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", seed_dir, name);
	f = fopen(path, "wb");
	JSNAP_CHECK(f != NULL);
	JSNAP_CHECK(fwrite(p, 1, n, f) == n);
	JSNAP_CHECK(fclose(f) == 0);
}


static void seed_request(unsigned n, llmcost_record *rec, llmcost_cost *c)
{
	static const char *const users[] = { "ana", "bo", "cy", "dee",
					     "\xc3\xa9mile", "q\"x" };
	lc_i128 in;

	llmcost_record_init(rec);
	rec->team_id = n % 3 ? "search" : "ads";
	rec->user_id = users[n * 5 % 6];
	rec->tenant_id = n % 2 ? "acme" : NULL;
	rec->model = n % 4 ? "gpt-4o" : "o3";
	rec->timestamp_ms = n % 11 == 5 ? LLMCOST_TIME_UNKNOWN :
			    1748563200000LL + (int64_t)n * 3600000 * 5;
	rec->input_tokens = 100 + (int64_t)n * 977 % 9000;
	rec->cached_tokens = rec->input_tokens / 4;
	rec->output_tokens = 10 + (int64_t)n * 31 % 400;
	rec->reasoning_tokens = rec->output_tokens / 3;
	rec->web_search_requests = n % 3 == 1;
	rec->latency_ms = 80 + (int64_t)n * 53 % 3000;
	rec->status_code = n % 9 ? 200 : 503;
	rec->retry_count = n % 4 == 0;
	llmcost_cost_init(c);
	c->status = n % 5 == 2 ? LLMCOST_E_UNPRICED : LLMCOST_OK;
	if (c->status != LLMCOST_OK)
		return;
	in = (lc_i128)rec->input_tokens * 3000000000001LL;
	c->component[LLMCOST_C_INPUT] = lc_money_from_i128(in);
	c->total = c->list_cost = c->contracted_cost = c->effective_cost =
		c->component[LLMCOST_C_INPUT];
}


static llmcost_snapshot *seed_snapshot(int wide, unsigned rows)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	llmcost_record rec;
	llmcost_cost c;
	unsigned n;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM),
				   LLMCOST_BUCKET_DAY, 0, 0);
	if (wide) {
		llmcost_rollup_options_add(&o,
			LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
			LLMCOST_BUCKET_WEEK, 2, 2);
		llmcost_rollup_options_add(&o, 0, LLMCOST_BUCKET_HOUR, 0, 0);
		llmcost_rollup_options_add(&o,
			LLMCOST_DIM_BIT(LLMCOST_DIM_TENANT) |
			LLMCOST_DIM_BIT(LLMCOST_DIM_MODEL),
			LLMCOST_BUCKET_MONTH, 0, 0);
	}
	JSNAP_CHECK(llmcost_rollup_new_with(&r, &o) == LLMCOST_OK);
	for (n = 0; n < rows; n++) {
		seed_request(n, &rec, &c);
		JSNAP_CHECK(llmcost_rollup_add(r, &rec, &c) == LLMCOST_OK);
	}
	JSNAP_CHECK(llmcost_rollup_snapshot(r, &s) == LLMCOST_OK);
	llmcost_rollup_free(r);
	return s;
}


/* Times outside RFC 3339's years, the largest cap, a key byte that is
 * not UTF-8. */
static llmcost_snapshot *seed_extremes(void)
{
	static const int64_t times[] = { 253402300800000LL,
					 -62167219200001LL, 0 };
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	llmcost_record rec;
	llmcost_cost c;
	unsigned n;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM),
				   LLMCOST_BUCKET_HOUR, UINT64_MAX, 3);
	JSNAP_CHECK(llmcost_rollup_new_with(&r, &o) == LLMCOST_OK);
	for (n = 0; n < 3; n++) {
		seed_request(n, &rec, &c);
		rec.timestamp_ms = times[n];
		rec.team_id = n == 2 ? "x\xff" : rec.team_id;
		JSNAP_CHECK(llmcost_rollup_add(r, &rec, &c) == LLMCOST_OK);
	}
	JSNAP_CHECK(llmcost_rollup_snapshot(r, &s) == LLMCOST_OK);
	llmcost_rollup_free(r);
	return s;
}


static void seed_save(const char *name, const llmcost_snapshot *s)
{
	size_t n;
	char *p = saved(s, LLMCOST_SNAPSHOT_JSON, &n);

	seed_write(name, p, n);
	free(p);
}


static void seed_broken(const llmcost_snapshot *s)
{
	size_t n;
	char *p = saved(s, LLMCOST_SNAPSHOT_JSON, &n), *at;

	seed_write("truncated.json", p, n / 2);
	at = strstr(p, "\"version\":1");
	JSNAP_CHECK(at != NULL);
	at[10] = '2';
	seed_write("version-2.json", p, n);
	at[10] = '1';
	at = strstr(p, "\"sketch\":[[");
	JSNAP_CHECK(at != NULL);
	at[11] = at[11] == '9' ? '1' : '9';
	seed_write("sketch-changed.json", p, n);
	free(p);
}


int main(int argc, char **argv)
{
	llmcost_snapshot *empty = NULL, *small, *wide, *extremes;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
		return 2;
	}
	seed_dir = argv[1];
	JSNAP_CHECK(llmcost_snapshot_new(&empty) == LLMCOST_OK);
	small = seed_snapshot(0, 3);
	wide = seed_snapshot(1, 10);
	seed_save("empty.json", empty);
	seed_save("small.json", small);
	seed_save("four-groupings.json", wide);
	extremes = seed_extremes();
	seed_save("extremes.json", extremes);
	seed_broken(small);
	llmcost_snapshot_free(extremes);
	llmcost_snapshot_free(empty);
	llmcost_snapshot_free(small);
	llmcost_snapshot_free(wide);
	return 0;
}
#endif
