/*
 * fuzz_snapshot.c - fuzz harness for the binary snapshot reader, and for
 * everything that reads a snapshot it accepts.
 *
 * Input: the bytes of a snapshot file.  Each input is tried twice: as it
 * is, and as the payload of a frame with a good header and checksum, so
 * that mutations reach the payload reader instead of all failing the
 * checksum.  Besides "no crash, no leak, no undefined behaviour" it
 * checks that:
 *   - a load fails only as malformed input or an unknown version, and a
 *     failed load hands back nothing;
 *   - an accepted snapshot saves to bytes that load again and save to the
 *     same bytes, and to the input's own bytes when it has this library's
 *     shape (the encoding is canonical);
 *   - every group, quantile, grouping and heavy-hitter list reads back,
 *     quantiles lie between the smallest and largest, and heavy-hitter
 *     bounds are ordered;
 *   - the JSON form can be written, and loads back to the same snapshot
 *     (but for keys that are not UTF-8, which it cannot hold);
 *   - merging a copy into an empty snapshot gives the same bytes, and
 *     merging a snapshot with itself either doubles every request count
 *     or fails as an overflow, leaving the target as it was.
 *
 * Seeds: built with -DFUZZ_SNAPSHOT_SEEDS this file is instead a program
 * that writes the seed corpus into the directory it is given:
 *   cc -DFUZZ_SNAPSHOT_SEEDS -Iinclude -Ilib fuzz/fuzz_snapshot.c \
 *      BUILD/libllmcost.a -lcjson -lpthread -o seeds
 *   ./seeds fuzz/corpus/snapshot
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"

#define SNAP_CHECK(e) \
	do { \
		if (!(e)) { \
			fprintf(stderr, "%s:%d: check failed: %s (%s)\n", \
				__FILE__, __LINE__, #e, \
				llmcost_last_error()); \
			abort(); \
		} \
	} while (0)

#define SNAP_HEAVY_MAX 8


static unsigned char *saved(const llmcost_snapshot *s, size_t *len)
{
	unsigned char *buf;
	size_t need = 0;

	SNAP_CHECK(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_BINARY, NULL, 0,
					 &need) == LLMCOST_E_RANGE);
	buf = malloc(need ? need : 1);
	SNAP_CHECK(buf != NULL);
	SNAP_CHECK(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_BINARY, buf, need,
					 len) == LLMCOST_OK);
	SNAP_CHECK(*len == need);
	return buf;
}


static int same(const unsigned char *a, size_t la, const unsigned char *b,
		size_t lb)
{
	return la == lb && memcmp(a, b, la) == 0;
}


/* ---- reading everything ------------------------------------------------ */

static void check_group(const llmcost_snapshot *s, size_t i)
{
	int64_t lo, hi, q;
	llmcost_group g;
	int m;

	llmcost_group_init(&g);
	SNAP_CHECK(llmcost_snapshot_group(s, i, &g) == LLMCOST_OK);
	SNAP_CHECK(g.grouping < llmcost_snapshot_grouping_count(s));
	SNAP_CHECK(g.priced_requests + g.unpriced_requests == g.requests);
	SNAP_CHECK(g.records >= 0 && g.errors <= g.records);
	if (g.records == 0) {
		SNAP_CHECK(g.input_tokens_p50 == -1);
		return;
	}
	for (m = 0; m < LLMCOST_M_COUNT; m++) {
		SNAP_CHECK(llmcost_snapshot_quantile(s, i, m, 0, &lo) ==
			   LLMCOST_OK);
		SNAP_CHECK(llmcost_snapshot_quantile(s, i, m, 10000, &hi) ==
			   LLMCOST_OK);
		SNAP_CHECK(llmcost_snapshot_quantile(s, i, m, 5000, &q) ==
			   LLMCOST_OK);
		SNAP_CHECK(lo <= q && q <= hi && lo >= 0);
	}
}


static void check_heavy(const llmcost_snapshot *s, size_t gi)
{
	llmcost_heavy h[SNAP_HEAVY_MAX];
	llmcost_money unlisted;
	size_t n = 0, i;

	for (i = 0; i < SNAP_HEAVY_MAX; i++)
		llmcost_heavy_init(&h[i]);
	SNAP_CHECK(llmcost_snapshot_heavy(s, gi, h, SNAP_HEAVY_MAX, &n,
					  &unlisted) == LLMCOST_OK ||
		   llmcost_snapshot_heavy(s, gi, h, SNAP_HEAVY_MAX, &n,
					  &unlisted) == LLMCOST_E_OVERFLOW);
	SNAP_CHECK(n <= SNAP_HEAVY_MAX);
	for (i = 0; i < n; i++) {
		SNAP_CHECK(llmcost_money_cmp(h[i].cost_low, h[i].cost_high) <=
			   0);
		SNAP_CHECK(h[i].exact == (llmcost_money_cmp(h[i].cost_low,
							    h[i].cost_high)
					  == 0));
		if (i > 0)
			SNAP_CHECK(llmcost_money_cmp(h[i - 1].cost_high,
						     h[i].cost_high) >= 0);
	}
}


static void check_reads(const llmcost_snapshot *s)
{
	llmcost_grouping_info info;
	size_t i, groups = 0;

	for (i = 0; i < llmcost_snapshot_count(s); i++)
		check_group(s, i);
	for (i = 0; i < llmcost_snapshot_grouping_count(s); i++) {
		llmcost_grouping_info_init(&info);
		SNAP_CHECK(llmcost_snapshot_grouping(s, i, &info) ==
			   LLMCOST_OK);
		SNAP_CHECK(info.overflow_groups <= info.groups);
		groups += info.groups;
		check_heavy(s, i);
	}
	SNAP_CHECK(groups == llmcost_snapshot_count(s));
}


/* The JSON form loads back to the same snapshot, unless a key byte that
 * is not UTF-8 was written as U+FFFD (the only "\\ufffd" escape the
 * writer makes); then it may also be refused, as out of order. */
static void check_json_back(const llmcost_snapshot *s, const char *json,
			    size_t len)
{
	llmcost_snapshot *back = (llmcost_snapshot *)&back;
	unsigned char *a, *b;
	size_t la, lb, i;
	int lossy = 0, rc = llmcost_snapshot_load(&back, json, len);

	for (i = 0; i + 6 <= len && !lossy; i++)
		lossy = memcmp(json + i, "\\ufffd", 6) == 0;
	if (rc != LLMCOST_OK) {
		SNAP_CHECK(lossy && rc == LLMCOST_E_PARSE && back == NULL);
		return;
	}
	a = saved(s, &la);
	b = saved(back, &lb);
	SNAP_CHECK(lossy || same(a, la, b, lb));
	free(a);
	free(b);
	llmcost_snapshot_free(back);
}


static void check_json(const llmcost_snapshot *s)
{
	size_t need = 0, len = 0;
	char *buf;

	SNAP_CHECK(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_JSON, NULL, 0,
					 &need) == LLMCOST_E_RANGE);
	buf = malloc(need);
	SNAP_CHECK(buf != NULL);
	SNAP_CHECK(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_JSON, buf, need,
					 &len) == LLMCOST_OK);
	SNAP_CHECK(len == need && buf[0] == '{' && buf[len - 1] == '\n');
	check_json_back(s, buf, len);
	free(buf);
}


/* ---- round trips and merges -------------------------------------------- */

static void check_round_trip(const llmcost_snapshot *s,
			     const unsigned char *data, size_t size)
{
	unsigned char *a, *b;
	llmcost_snapshot *back = NULL;
	size_t la, lb;

	a = saved(s, &la);
	SNAP_CHECK(llmcost_snapshot_load(&back, a, la) == LLMCOST_OK);
	b = saved(back, &lb);
	SNAP_CHECK(same(a, la, b, lb));
	/* The input's bytes come back when its shape is this library's
	 * (the shape is the first three payload bytes). */
	if (size > 27 && la > 27 && memcmp(data + 24, a + 24, 3) == 0)
		SNAP_CHECK(same(a, la, data, size));
	free(a);
	free(b);
	llmcost_snapshot_free(back);
}


static void check_merges(const llmcost_snapshot *s)
{
	llmcost_snapshot *e = NULL, *t = NULL;
	unsigned char *a, *b, *c;
	size_t la, lb, lc, i;
	llmcost_group g1, g2;
	int rc;

	a = saved(s, &la);
	SNAP_CHECK(llmcost_snapshot_new(&e) == LLMCOST_OK);
	SNAP_CHECK(llmcost_snapshot_merge(e, s) == LLMCOST_OK);
	b = saved(e, &lb);
	SNAP_CHECK(same(a, la, b, lb));
	SNAP_CHECK(llmcost_snapshot_load(&t, a, la) == LLMCOST_OK);
	rc = llmcost_snapshot_merge(t, s);
	SNAP_CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_OVERFLOW);
	c = saved(t, &lc);
	if (rc != LLMCOST_OK)
		SNAP_CHECK(same(a, la, c, lc));
	for (i = 0; rc == LLMCOST_OK && i < llmcost_snapshot_count(s); i++) {
		llmcost_group_init(&g1);
		llmcost_group_init(&g2);
		SNAP_CHECK(llmcost_snapshot_group(s, i, &g1) == LLMCOST_OK);
		SNAP_CHECK(llmcost_snapshot_group(t, i, &g2) == LLMCOST_OK);
		SNAP_CHECK(g2.requests == 2 * g1.requests);
	}
	free(a);
	free(b);
	free(c);
	llmcost_snapshot_free(e);
	llmcost_snapshot_free(t);
}


static void check_input(const uint8_t *data, size_t size)
{
	llmcost_snapshot *s = (llmcost_snapshot *)&s;
	int rc = llmcost_snapshot_load(&s, data, size);

	SNAP_CHECK(rc == LLMCOST_OK || rc == LLMCOST_E_PARSE ||
		   rc == LLMCOST_E_VERSION);
	if (rc != LLMCOST_OK) {
		SNAP_CHECK(s == NULL);
		return;
	}
	check_reads(s);
	check_json(s);
	check_round_trip(s, data, size);
	check_merges(s);
	llmcost_snapshot_free(s);
}


/* data as the payload of a version 1 frame with a good checksum. */
static void check_framed(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size + 32);
	uint64_t sum;
	size_t i;

	SNAP_CHECK(buf != NULL);
	memcpy(buf, "LLMCSNAP\1\0\0\0\0\0\0\0", 16);
	for (i = 0; i < 8; i++)
		buf[16 + i] = (unsigned char)((uint64_t)size >> (8 * i));
	if (size != 0)
		memcpy(buf + 24, data, size);
	sum = lc_hash(buf, size + 24);
	for (i = 0; i < 8; i++)
		buf[size + 24 + i] = (unsigned char)(sum >> (8 * i));
	check_input(buf, size + 32);
	free(buf);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_input(data, size);
	check_framed(data, size);
	return 0;
}


#ifdef FUZZ_SNAPSHOT_SEEDS
/* ---- the seed generator ---------------------------------------------------
 * Valid snapshots of a few shapes, and broken ones: truncated, a flipped
 * byte, an unknown version. */

static const char *seed_dir;


static void seed_write(const char *name, const unsigned char *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", seed_dir, name);
	f = fopen(path, "wb");
	SNAP_CHECK(f != NULL);
	SNAP_CHECK(fwrite(p, 1, n, f) == n);
	SNAP_CHECK(fclose(f) == 0);
}


static void seed_money(llmcost_money *m, int64_t units)
{
	m->hi = 0;
	m->lo = (uint64_t)units;
}


/* Request n of a small, varied stream. */
static void seed_request(unsigned n, llmcost_record *rec, llmcost_cost *c)
{
	static const char *const users[] = { "ana", "bo", "cy", "dee", "eli",
					     "fay", "\xc3\xa9mile" };
	static const char *const models[] = { "gpt-4o", "claude-x", "o3" };

	llmcost_record_init(rec);
	rec->team_id = n % 3 ? "search" : "ads";
	rec->user_id = users[n * 5 % 7];
	rec->tenant_id = n % 2 ? "acme" : NULL;
	rec->model = models[n % 3];
	rec->timestamp_ms = 1748563200000LL + (int64_t)n * 3600000 * 7;
	rec->input_tokens = 100 + (int64_t)n * 977 % 9000;
	rec->cached_tokens = rec->input_tokens / 4;
	rec->output_tokens = 10 + (int64_t)n * 31 % 400;
	rec->reasoning_tokens = rec->output_tokens / 3;
	rec->latency_ms = 80 + (int64_t)n * 53 % 3000;
	rec->status_code = n % 9 ? 200 : 503;
	rec->retry_count = n % 4 == 0;
	llmcost_cost_init(c);
	c->status = n % 3 == 2 ? LLMCOST_E_UNPRICED : LLMCOST_OK;
	if (c->status != LLMCOST_OK)
		return;
	seed_money(&c->component[LLMCOST_C_INPUT],
		   rec->input_tokens * 3000000000000LL);
	seed_money(&c->component[LLMCOST_C_OUTPUT],
		   rec->output_tokens * 15000000000000LL);
	seed_money(&c->total, rec->input_tokens * 3000000000000LL +
		   rec->output_tokens * 15000000000000LL);
	c->list_cost = c->contracted_cost = c->effective_cost = c->total;
}


static llmcost_snapshot *seed_snapshot(int groupings, unsigned from,
				       unsigned rows)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	llmcost_record rec;
	llmcost_cost c;
	unsigned n;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	if (groupings > 1) {
		llmcost_rollup_options_add(&o,
			LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
			LLMCOST_BUCKET_WEEK, 3, 2);
		llmcost_rollup_options_add(&o, 0, LLMCOST_BUCKET_HOUR, 0, 0);
		llmcost_rollup_options_add(&o,
			LLMCOST_DIM_BIT(LLMCOST_DIM_TENANT) |
			LLMCOST_DIM_BIT(LLMCOST_DIM_MODEL),
			LLMCOST_BUCKET_MONTH, 0, 0);
	}
	SNAP_CHECK(llmcost_rollup_new_with(&r, &o) == LLMCOST_OK);
	for (n = from; n < from + rows; n++) {
		seed_request(n, &rec, &c);
		SNAP_CHECK(llmcost_rollup_add(r, &rec, &c) == LLMCOST_OK);
	}
	SNAP_CHECK(llmcost_rollup_snapshot(r, &s) == LLMCOST_OK);
	llmcost_rollup_free(r);
	return s;
}


static void seed_save(const char *name, const llmcost_snapshot *s)
{
	unsigned char *p;
	size_t n;

	p = saved(s, &n);
	seed_write(name, p, n);
	free(p);
}


/* The payload alone: the harness frames it, so the fuzzer starts from
 * valid payloads. */
static void seed_payload(const char *name, const llmcost_snapshot *s)
{
	unsigned char *p;
	size_t n;

	p = saved(s, &n);
	seed_write(name, p + 24, n - 32);
	free(p);
}


static void seed_broken(const llmcost_snapshot *s)
{
	unsigned char *p;
	size_t n;

	p = saved(s, &n);
	seed_write("truncated-header.snap", p, 20);
	seed_write("truncated-payload.snap", p, n / 2);
	seed_write("truncated-checksum.snap", p, n - 3);
	p[n / 2] ^= 0x10;
	seed_write("flipped-byte.snap", p, n);
	p[n / 2] ^= 0x10;
	p[8] = 2;
	seed_write("version-2.snap", p, n);
	free(p);
}


int main(int argc, char **argv)
{
	llmcost_snapshot *empty = NULL, *small, *wide, *more;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
		return 2;
	}
	seed_dir = argv[1];
	SNAP_CHECK(llmcost_snapshot_new(&empty) == LLMCOST_OK);
	small = seed_snapshot(1, 0, 5);
	wide = seed_snapshot(4, 0, 40);
	more = seed_snapshot(4, 30, 40);
	seed_save("empty.snap", empty);
	seed_save("small.snap", small);
	seed_save("four-groupings.snap", wide);
	SNAP_CHECK(llmcost_snapshot_merge(more, wide) == LLMCOST_OK);
	seed_save("merged.snap", more);
	seed_payload("payload-small.bin", small);
	seed_payload("payload-merged.bin", more);
	seed_broken(wide);
	llmcost_snapshot_free(empty);
	llmcost_snapshot_free(small);
	llmcost_snapshot_free(wide);
	llmcost_snapshot_free(more);
	return 0;
}
#endif
