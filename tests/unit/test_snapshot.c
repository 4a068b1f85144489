/*
 * test_snapshot.c - snapshots: round trips through the binary format,
 * merges in every order, all-or-nothing merges, and a loader that refuses
 * every truncated, corrupt or unknown-version input.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rollup.h"

#define DAY_MS 86400000LL
#define MAY30 (20238LL * DAY_MS)
#define REPLICAS 3
#define ROWS 3000
#define BIT(d) LLMCOST_DIM_BIT(LLMCOST_DIM_##d)

static const char *const teams[] = { "search", "ads", "support", NULL };
static const char *const models[] = { "gpt-4o", "claude-x", "mystery",
				       "o3" };
static char users[50][8];


static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


static void names_make(void)
{
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(users); i++)
		snprintf(users[i], sizeof(users[i]), "u%02zu", i);
}


/* Row n of replica k, the same in every run. */
static void row_make(unsigned k, unsigned n, llmcost_record *rec,
		     llmcost_cost *cost)
{
	uint64_t x = mix64((uint64_t)k << 32 | n);
	unsigned model = (unsigned)(x >> 13) % 4;
	lc_i128 in, out;

	llmcost_record_init(rec);
	rec->team_id = teams[(x >> 7) % 4];
	rec->user_id = users[(x >> 17) % LC_ARRAY_LEN(users)];
	rec->tenant_id = (x >> 40) & 1 ? "acme" : "globex";
	rec->model = models[model];
	rec->timestamp_ms = MAY30 + (int64_t)((x >> 24) % (9 * DAY_MS));
	rec->input_tokens = (int64_t)(x % 50000);
	rec->cached_tokens = rec->input_tokens / 3;
	rec->output_tokens = (int64_t)((x >> 20) % 2000);
	rec->reasoning_tokens = rec->output_tokens / 5;
	rec->latency_ms = 50 + (int64_t)((x >> 33) % 9000);
	rec->retry_count = (int32_t)((x >> 50) & 1);
	rec->status_code = (x >> 45) % 11 == 0 ? 429 : 200;
	llmcost_cost_init(cost);
	cost->status = model == 2 ? LLMCOST_E_UNPRICED : LLMCOST_OK;
	if (model == 2)
		return;
	in = (lc_i128)rec->input_tokens * 3000000000000LL;
	out = (lc_i128)rec->output_tokens * 15000000000001LL;
	cost->component[LLMCOST_C_INPUT] = lc_money_from_i128(in);
	cost->component[LLMCOST_C_OUTPUT] = lc_money_from_i128(out);
	cost->total = lc_money_from_i128(in + out);
	cost->contracted_cost = cost->total;
	cost->effective_cost = lc_money_from_i128(in);
}


static void options_make(llmcost_rollup_options *o, uint64_t cap,
			 uint32_t heavy)
{
	llmcost_rollup_options_init(o);
	llmcost_rollup_options_add(o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	llmcost_rollup_options_add(o, BIT(TEAM), LLMCOST_BUCKET_WEEK, 0, 0);
	llmcost_rollup_options_add(o, BIT(TENANT) | BIT(MODEL),
				   LLMCOST_BUCKET_NONE, 0, 0);
	llmcost_rollup_options_add(o, BIT(USER), LLMCOST_BUCKET_MONTH, cap,
				   heavy);
}


/* Rows per replica; the byte-by-byte tests use fewer. */
static unsigned rows = ROWS;

/* A rollup of replica k's rows, or of every replica's when k < 0. */
static llmcost_rollup *rollup_of(int k, uint64_t cap, uint32_t heavy)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	unsigned kk, n;

	names_make();
	options_make(&o, cap, heavy);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_OK);
	for (kk = 0; kk < REPLICAS; kk++) {
		if (k >= 0 && kk != (unsigned)k)
			continue;
		for (n = 0; n < rows; n++) {
			row_make(kk, n, &rec, &cost);
			cr_assert_eq(llmcost_rollup_add(r, &rec, &cost),
				     LLMCOST_OK, "%s", llmcost_last_error());
		}
	}
	return r;
}


static llmcost_snapshot *snap_of(int k, uint64_t cap, uint32_t heavy)
{
	llmcost_rollup *r = rollup_of(k, cap, heavy);
	llmcost_snapshot *s = NULL;

	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK, "%s",
		     llmcost_last_error());
	llmcost_rollup_free(r);
	return s;
}


/* The binary form, in a buffer the caller frees. */
static unsigned char *bytes_of(const llmcost_snapshot *s, size_t *len)
{
	unsigned char *buf;
	size_t need = 0;

	cr_assert_eq(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_BINARY, NULL, 0,
					   &need), LLMCOST_E_RANGE);
	buf = malloc(need);
	cr_assert_not_null(buf);
	cr_assert_eq(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_BINARY, buf,
					   need, len), LLMCOST_OK);
	cr_assert_eq(*len, need);
	return buf;
}


static void assert_same_bytes(const llmcost_snapshot *a,
			      const llmcost_snapshot *b)
{
	size_t la, lb;
	unsigned char *ba = bytes_of(a, &la), *bb = bytes_of(b, &lb);

	cr_assert_eq(la, lb, "sizes %zu and %zu", la, lb);
	cr_assert_eq(memcmp(ba, bb, la), 0, "snapshots differ");
	free(ba);
	free(bb);
}


static llmcost_snapshot *load(const unsigned char *buf, size_t len)
{
	llmcost_snapshot *s = NULL;

	cr_assert_eq(llmcost_snapshot_load(&s, buf, len), LLMCOST_OK, "%s",
		     llmcost_last_error());
	return s;
}


static void merge(llmcost_snapshot *into, const llmcost_snapshot *from)
{
	cr_assert_eq(llmcost_snapshot_merge(into, from), LLMCOST_OK, "%s",
		     llmcost_last_error());
}


/* ---- round trips ----------------------------------------------------- */

Test(snapshot, round_trip_keeps_every_byte_and_group)
{
	llmcost_rollup *r = rollup_of(0, 0, 0);
	llmcost_snapshot *s = NULL, *back;
	llmcost_group a, b;
	unsigned char *buf;
	size_t len, i;
	int k;

	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	cr_assert_eq(llmcost_snapshot_count(s), llmcost_rollup_count(r));
	buf = bytes_of(s, &len);
	back = load(buf, len);
	assert_same_bytes(s, back);
	cr_assert_eq(llmcost_snapshot_count(back), llmcost_snapshot_count(s));
	for (i = 0; i < llmcost_snapshot_count(s); i++) {
		llmcost_group_init(&a);
		llmcost_group_init(&b);
		cr_assert_eq(llmcost_snapshot_group(s, i, &a), LLMCOST_OK);
		cr_assert_eq(llmcost_snapshot_group(back, i, &b), LLMCOST_OK);
		for (k = 0; k < LLMCOST_DIM_CAPACITY; k++) {
			cr_assert_eq(a.key[k] == NULL, b.key[k] == NULL);
			if (a.key[k] != NULL)
				cr_assert_str_eq(a.key[k], b.key[k]);
			a.key[k] = b.key[k] = NULL;
		}
		cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0, "group %zu", i);
	}
	free(buf);
	llmcost_snapshot_free(back);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


/* Each group of a snapshot equals the rollup's group with its key. */
Test(snapshot, snapshot_groups_equal_the_rollup_groups)
{
	llmcost_rollup *r = rollup_of(1, 0, 0);
	llmcost_snapshot *s = NULL;
	size_t i, j, n = llmcost_rollup_count(r), found = 0;
	llmcost_group a, b;
	llmcost_grouping_info info;

	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	for (i = 0; i < n; i++) {
		llmcost_group_init(&a);
		cr_assert_eq(llmcost_rollup_group(r, i, &a), LLMCOST_OK);
		if (a.grouping != 1)	/* team by week: few groups */
			continue;
		for (j = 0; j < llmcost_snapshot_count(s); j++) {
			llmcost_group_init(&b);
			llmcost_snapshot_group(s, j, &b);
			llmcost_grouping_info_init(&info);
			llmcost_snapshot_grouping(s, b.grouping, &info);
			if (info.dims != BIT(TEAM) ||
			    b.bucket_start_ms != a.bucket_start_ms ||
			    strcmp(b.key[0], a.key[0]) != 0)
				continue;
			cr_assert_eq(b.requests, a.requests);
			cr_assert_eq(b.records, a.records);
			cr_assert_eq(b.latency_p95_ms, a.latency_p95_ms);
			cr_assert_eq(llmcost_money_cmp(b.total, a.total), 0);
			found++;
		}
	}
	/* 4 teams (one of them "") in the 2 ISO weeks of 9 days from a
	 * Friday. */
	cr_assert_eq(found, 8);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}


Test(snapshot, empty_snapshot_round_trips_and_merges_as_identity)
{
	llmcost_snapshot *e = NULL, *s = snap_of(2, 0, 0), *copy;
	unsigned char *buf, *before;
	size_t len, blen;

	cr_assert_eq(llmcost_snapshot_new(&e), LLMCOST_OK);
	buf = bytes_of(e, &len);
	cr_assert_eq(len, 24 + 5 + 8);	/* 3 shape varints, 2 counts */
	copy = load(buf, len);
	cr_assert_eq(llmcost_snapshot_count(copy), 0);
	before = bytes_of(s, &blen);
	merge(s, copy);
	merge(copy, s);
	assert_same_bytes(s, copy);
	free(buf);
	buf = bytes_of(s, &len);
	cr_assert_eq(len, blen);
	cr_assert_eq(memcmp(buf, before, len), 0);
	free(buf);
	free(before);
	llmcost_snapshot_free(e);
	llmcost_snapshot_free(copy);
	llmcost_snapshot_free(s);
}


Test(snapshot, files_round_trip)
{
	char path[] = "/tmp/llmcost-snapshot-test-XXXXXX";
	llmcost_snapshot *s = snap_of(0, 0, 0), *back = NULL;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(llmcost_snapshot_save_file(s, LLMCOST_SNAPSHOT_BINARY,
						path), LLMCOST_OK);
	cr_assert_eq(llmcost_snapshot_load_file(&back, path), LLMCOST_OK);
	assert_same_bytes(s, back);
	llmcost_snapshot_free(back);
	unlink(path);
	cr_assert_eq(llmcost_snapshot_load_file(&back, path), LLMCOST_E_IO);
	cr_assert_null(back);
	cr_assert_eq(llmcost_snapshot_save_file(s, LLMCOST_SNAPSHOT_BINARY,
						"/nonexistent-dir/x.snap"),
		     LLMCOST_E_IO);
	llmcost_snapshot_free(s);
}


/* ---- merging ----------------------------------------------------------- */

Test(snapshot, merge_in_any_order_equals_one_rollup_of_everything)
{
	llmcost_snapshot *all = snap_of(-1, 0, 0);
	llmcost_snapshot *a = snap_of(0, 0, 0), *b = snap_of(1, 0, 0);
	llmcost_snapshot *c = snap_of(2, 0, 0), *x = NULL, *y = NULL;
	llmcost_snapshot *z = NULL;

	/* (a + b) + c */
	cr_assert_eq(llmcost_snapshot_new(&x), LLMCOST_OK);
	merge(x, a);
	merge(x, b);
	merge(x, c);
	assert_same_bytes(x, all);
	/* c + (b + a) */
	cr_assert_eq(llmcost_snapshot_new(&y), LLMCOST_OK);
	merge(y, b);
	merge(y, a);
	merge(c, y);
	assert_same_bytes(c, all);
	/* a + (c' + b), c' a fresh copy of c */
	z = snap_of(2, 0, 0);
	merge(z, b);
	merge(a, z);
	assert_same_bytes(a, all);
	llmcost_snapshot_free(all);
	llmcost_snapshot_free(a);
	llmcost_snapshot_free(b);
	llmcost_snapshot_free(c);
	llmcost_snapshot_free(x);
	llmcost_snapshot_free(y);
	llmcost_snapshot_free(z);
}


/* Per-user truth for replicas in mask (bit k: replica k). */
static void truth_of(unsigned mask, lc_i128 *truth, lc_i128 *total)
{
	llmcost_record rec;
	llmcost_cost cost;
	unsigned k, n, u;

	*total = 0;
	memset(truth, 0, LC_ARRAY_LEN(users) * sizeof(*truth));
	for (k = 0; k < REPLICAS; k++) {
		if (!(mask & (1u << k)))
			continue;
		for (n = 0; n < ROWS; n++) {
			row_make(k, n, &rec, &cost);
			if (cost.status != LLMCOST_OK)
				continue;
			u = (unsigned)atoi(rec.user_id + 1);
			truth[u] += lc_money_to_i128(cost.total);
			*total += lc_money_to_i128(cost.total);
		}
	}
}


static void assert_heavy_bounds(const llmcost_snapshot *s, unsigned mask,
				uint32_t k)
{
	lc_i128 truth[LC_ARRAY_LEN(users)], total;
	llmcost_heavy h[LC_ARRAY_LEN(users)];
	int listed[LC_ARRAY_LEN(users)] = { 0 };
	llmcost_grouping_info info;
	llmcost_money unlisted;
	size_t n = 0, i, gi;

	truth_of(mask, truth, &total);
	for (gi = 0; gi < llmcost_snapshot_grouping_count(s); gi++) {
		llmcost_grouping_info_init(&info);
		llmcost_snapshot_grouping(s, gi, &info);
		if (info.dims == BIT(USER))
			break;
	}
	cr_assert_eq(info.heavy_hitters, k);
	for (i = 0; i < LC_ARRAY_LEN(h); i++)
		llmcost_heavy_init(&h[i]);
	cr_assert_eq(llmcost_snapshot_heavy(s, gi, h, 10, &n, &unlisted),
		     LLMCOST_OK);
	cr_assert_eq(n, 10);
	for (i = 0; i < n; i++) {
		unsigned u = (unsigned)atoi(h[i].key[LLMCOST_DIM_USER] + 1);

		listed[u] = 1;
		cr_assert(lc_money_to_i128(h[i].cost_low) <= truth[u] &&
			  truth[u] <= lc_money_to_i128(h[i].cost_high),
			  "user %u is outside its interval", u);
		cr_assert_leq(lc_money_to_i128(h[i].cost_high) -
			      lc_money_to_i128(h[i].cost_low), total / k);
	}
	for (i = 0; i < LC_ARRAY_LEN(users); i++)
		if (!listed[i])
			cr_assert_leq(truth[i], lc_money_to_i128(unlisted));
}


/* Caps of 30 users a month, 6 counters: the replicas overflow, and the
 * merged counters must keep the stated bounds against the true costs. */
Test(snapshot, merged_heavy_hitters_keep_their_bounds)
{
	llmcost_snapshot *a = snap_of(0, 30, 6), *b = snap_of(1, 30, 6);
	llmcost_snapshot *c = snap_of(2, 30, 6), *b2 = snap_of(1, 30, 6);
	llmcost_snapshot *a2 = snap_of(0, 30, 6);

	assert_heavy_bounds(a, 1, 6);
	merge(a, b);
	assert_heavy_bounds(a, 3, 6);
	merge(b2, a2);
	assert_same_bytes(a, b2);	/* commutative to the byte */
	merge(a, c);
	assert_heavy_bounds(a, 7, 6);
	llmcost_snapshot_free(a);
	llmcost_snapshot_free(b);
	llmcost_snapshot_free(c);
	llmcost_snapshot_free(a2);
	llmcost_snapshot_free(b2);
}


Test(snapshot, merged_groupings_take_larger_cap_and_smaller_k)
{
	llmcost_snapshot *a = snap_of(0, 30, 6), *b = snap_of(1, 40, 4);
	llmcost_snapshot *c = snap_of(2, 0, 9);
	llmcost_grouping_info info;
	size_t gi;

	merge(a, b);
	for (gi = 0; gi < llmcost_snapshot_grouping_count(a); gi++) {
		llmcost_grouping_info_init(&info);
		llmcost_snapshot_grouping(a, gi, &info);
		if (info.dims == BIT(USER))
			break;
	}
	cr_assert_eq(info.max_groups, 40);
	cr_assert_eq(info.heavy_hitters, 4);
	merge(a, c);
	llmcost_grouping_info_init(&info);
	llmcost_snapshot_grouping(a, gi, &info);
	cr_assert_eq(info.max_groups, 0);	/* no cap wins */
	cr_assert_eq(info.heavy_hitters, 4);
	llmcost_snapshot_free(a);
	llmcost_snapshot_free(b);
	llmcost_snapshot_free(c);
}


/* A snapshot with a different grouping merges in beside the others. */
Test(snapshot, groupings_of_one_side_only_are_added)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL, *a = snap_of(0, 0, 0);
	llmcost_record rec;
	llmcost_cost cost;
	size_t before = llmcost_snapshot_count(a);

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, BIT(ENVIRONMENT), LLMCOST_BUCKET_HOUR,
				   0, 0);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_OK);
	row_make(0, 0, &rec, &cost);
	rec.environment = "staging";
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	merge(a, s);
	cr_assert_eq(llmcost_snapshot_grouping_count(a), 5);
	cr_assert_eq(llmcost_snapshot_count(a), before + 1);
	llmcost_snapshot_free(s);
	llmcost_snapshot_free(a);
	llmcost_rollup_free(r);
}


/* A group near the top of its token sum: merging it twice overflows,
 * and the target must stay exactly as it was. */
Test(snapshot, failed_merge_leaves_the_target_unchanged)
{
	llmcost_rollup *r = NULL;
	llmcost_snapshot *a = NULL, *b = NULL;
	unsigned char *before, *after;
	llmcost_record rec;
	llmcost_cost cost;
	size_t lb, la;

	cr_assert_eq(llmcost_rollup_new(&r), LLMCOST_OK);
	row_make(0, 1, &rec, &cost);
	rec.input_tokens = INT64_MAX / 2 + 1;
	rec.cached_tokens = 0;
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_snapshot(r, &a), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_snapshot(r, &b), LLMCOST_OK);
	before = bytes_of(a, &lb);
	cr_assert_eq(llmcost_snapshot_merge(a, b), LLMCOST_E_OVERFLOW);
	after = bytes_of(a, &la);
	cr_assert_eq(la, lb);
	cr_assert_eq(memcmp(before, after, la), 0);
	cr_assert_eq(llmcost_snapshot_merge(a, a), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_snapshot_merge(NULL, a), LLMCOST_E_INVALID);
	free(before);
	free(after);
	llmcost_snapshot_free(a);
	llmcost_snapshot_free(b);
	llmcost_rollup_free(r);
}


/* ---- the loader refuses bad input -------------------------------------- */

static void assert_refused(const unsigned char *buf, size_t len, int want)
{
	llmcost_snapshot *s = (llmcost_snapshot *)&s;
	int rc = llmcost_snapshot_load(&s, buf, len);

	cr_assert_eq(rc, want, "load of %zu bytes gave %s (%s)", len,
		     llmcost_status_name(rc), llmcost_last_error());
	cr_assert_null(s);
	cr_assert_neq(llmcost_last_error()[0], '\0');
}


Test(snapshot, every_truncation_is_refused)
{
	llmcost_snapshot *s;
	unsigned char *buf;
	size_t len, n;

	rows = 60;
	s = snap_of(0, 30, 6);
	buf = bytes_of(s, &len);
	for (n = 0; n < len; n++)
		assert_refused(buf, n, LLMCOST_E_PARSE);
	free(buf);
	llmcost_snapshot_free(s);
}


Test(snapshot, every_flipped_bit_is_refused)
{
	llmcost_snapshot *s;
	unsigned char *buf;
	size_t len, i;
	int bit, rc;

	rows = 40;
	s = snap_of(2, 20, 3);
	buf = bytes_of(s, &len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			llmcost_snapshot *t = NULL;

			buf[i] ^= (unsigned char)(1u << bit);
			rc = llmcost_snapshot_load(&t, buf, len);
			cr_assert(rc == LLMCOST_E_PARSE ||
				  rc == LLMCOST_E_VERSION, "byte %zu bit %d: "
				  "%s", i, bit, llmcost_status_name(rc));
			cr_assert_null(t);
			buf[i] ^= (unsigned char)(1u << bit);
		}
	free(buf);
	llmcost_snapshot_free(s);
}


/* ---- hand-made payloads with a good frame ----------------------------- */

struct craft {
	unsigned char b[512];
	size_t n;
};


static void put_u(struct craft *c, uint64_t v)
{
	do {
		c->b[c->n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			c->b[c->n] |= 0x80;
		c->n++;
	} while (v);
}


static void put_raw(struct craft *c, const void *p, size_t n)
{
	memcpy(c->b + c->n, p, n);
	c->n += n;
}


/* Frames c's payload: header, payload, checksum. */
static size_t frame(const struct craft *c, uint32_t version,
		    unsigned char *out)
{
	uint64_t sum;
	size_t i;

	memcpy(out, "LLMCSNAP", 8);
	for (i = 0; i < 4; i++) {
		out[8 + i] = (unsigned char)(version >> (8 * i));
		out[12 + i] = 0;
	}
	for (i = 0; i < 8; i++)
		out[16 + i] = (unsigned char)((uint64_t)c->n >> (8 * i));
	memcpy(out + 24, c->b, c->n);
	sum = lc_hash(out, 24 + c->n);
	for (i = 0; i < 8; i++)
		out[24 + c->n + i] = (unsigned char)(sum >> (8 * i));
	return 24 + c->n + 8;
}


static void shape(struct craft *c)
{
	c->n = 0;
	put_u(c, LLMCOST_T_COUNT);
	put_u(c, LLMCOST_U_COUNT);
	put_u(c, LC_M_COUNT);
}


/* One grouping by team, no bucket, and one group "t" with one record of
 * input 5 and latency 7, unless the caller changes a field. */
struct group_spec {
	uint64_t records, requests, input, cached;
	uint64_t sketch_count;
	const char *key;
	size_t key_len;
	uint64_t flags;
	/* money, in units: total, contracted, effective, input component */
	int64_t total, contracted, effective, input_cost;
	uint64_t bucket;	/* LLMCOST_BUCKET_NONE: no bucket start */
	int64_t start;
	/* the grouping's cap and counters, and what they hold */
	uint64_t cap, k;
	int64_t hh_total, hh_bound;
	size_t hh_n;
	struct { const char *key; int64_t count, error; } hh[2];
};


/* A signed value as the format writes it (zigzag, then LEB128). */
static void put_s(struct craft *c, int64_t v)
{
	put_u(c, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}


static int64_t money_at(const struct group_spec *g, int i)
{
	switch (i) {
	case LC_M_TOTAL:
		return g->total;
	case LC_M_CONTRACTED:
		return g->contracted;
	case LC_M_EFFECTIVE:
		return g->effective;
	case LC_M_COMPONENT + LLMCOST_C_INPUT:
		return g->input_cost;
	default:
		return 0;
	}
}


static void one_group(struct craft *c, const struct group_spec *g)
{
	int i;

	put_u(c, 1);			/* groupings */
	put_u(c, BIT(TEAM));
	put_u(c, g->bucket);
	put_u(c, g->k);
	put_u(c, g->cap);
	put_u(c, 1);			/* groups */
	put_u(c, 0);			/* grouping */
	put_u(c, g->flags);
	put_s(c, g->bucket == LLMCOST_BUCKET_NONE ? INT64_MIN : g->start);
	put_u(c, g->key_len);
	put_raw(c, g->key, g->key_len);
	put_u(c, g->records);
	put_u(c, g->requests);
	for (i = 0; i < 5; i++)		/* unpriced .. latency max */
		put_u(c, i == 3 ? 7 : i == 4 ? 7 : 0);
	put_u(c, g->input);		/* tokens */
	put_u(c, 0);
	put_u(c, g->cached);
	for (i = 3; i < LLMCOST_T_COUNT + LLMCOST_U_COUNT; i++)
		put_u(c, 0);
	for (i = 0; i < LC_M_COUNT; i++)
		put_s(c, money_at(g, i));
	put_u(c, g->sketch_count ? 1 : 0);	/* input sketch */
	if (g->sketch_count) {
		put_u(c, 5);
		put_u(c, g->sketch_count);
	}
	put_u(c, g->sketch_count ? 1 : 0);	/* latency sketch */
	if (g->sketch_count) {
		put_u(c, 7);
		put_u(c, g->sketch_count);
	}
	put_s(c, g->hh_total);		/* heavy: total, bound, n */
	put_s(c, g->hh_bound);
	put_u(c, g->hh_n);
	for (i = 0; i < (int)g->hh_n; i++) {
		put_u(c, strlen(g->hh[i].key) + 1);
		put_raw(c, g->hh[i].key, strlen(g->hh[i].key) + 1);
		put_s(c, g->hh[i].count);
		put_s(c, g->hh[i].error);
	}
}


static const struct group_spec good_group = {
	1, 1, 5, 0, 1, "t", 2, 0
};


static int load_crafted(const struct craft *c, uint32_t version)
{
	unsigned char buf[600];
	size_t len = frame(c, version, buf);
	llmcost_snapshot *s = NULL;
	int rc = llmcost_snapshot_load(&s, buf, len);

	if (rc == LLMCOST_OK)
		cr_assert_eq(llmcost_snapshot_count(s), 1);
	llmcost_snapshot_free(s);
	return rc;
}


static void assert_crafted(const struct group_spec *g, int want,
			   const char *why)
{
	struct craft c;

	shape(&c);
	one_group(&c, g);
	cr_assert_eq(load_crafted(&c, 1), want, "%s: %s", why,
		     llmcost_last_error());
}


Test(snapshot, a_hand_made_snapshot_loads)
{
	assert_crafted(&good_group, LLMCOST_OK, "the good group");
}


Test(snapshot, impossible_sums_are_refused)
{
	struct group_spec g = good_group;

	g.requests = 2;
	g.records = 0;
	g.sketch_count = 0;
	assert_crafted(&g, LLMCOST_E_PARSE, "requests without records");
	g = good_group;
	g.cached = 6;
	assert_crafted(&g, LLMCOST_E_PARSE, "cached above input");
	g = good_group;
	g.sketch_count = 2;
	assert_crafted(&g, LLMCOST_E_PARSE, "sketch count above records");
	g = good_group;
	g.key = "t\0u";
	g.key_len = 4;
	assert_crafted(&g, LLMCOST_E_PARSE, "two parts for one dimension");
	g = good_group;
	g.key_len = 1;
	assert_crafted(&g, LLMCOST_E_PARSE, "key without its NUL");
	g = good_group;
	g.flags = 1;
	assert_crafted(&g, LLMCOST_E_PARSE, "overflow group with a key");
	g = good_group;
	g.flags = 4;
	assert_crafted(&g, LLMCOST_E_PARSE, "unknown group flag");
	g = good_group;
	g.key = "";
	g.key_len = 1;
	g.flags = 1;
	assert_crafted(&g, LLMCOST_OK, "an empty overflow group key");
}


/* Costs come from llmcost_price(): never negative, a total that is the
 * sum of its components; sums of them are the same. */
Test(snapshot, money_no_price_can_make_is_refused)
{
	struct group_spec g = good_group;

	g.total = g.contracted = g.effective = g.input_cost = 700;
	assert_crafted(&g, LLMCOST_OK, "consistent money");
	g.effective = 300;
	assert_crafted(&g, LLMCOST_OK, "a commitment discount");
	g.total = g.contracted = g.effective = -5000000000000000000LL;
	assert_crafted(&g, LLMCOST_E_PARSE, "a negative total");
	cr_assert(strstr(llmcost_last_error(), "a cost is negative") != NULL,
		  "%s", llmcost_last_error());
	g = good_group;
	g.total = g.contracted = g.effective = 700;
	g.input_cost = -700;
	assert_crafted(&g, LLMCOST_E_PARSE, "a negative component");
	g.input_cost = 700;
	g.effective = -1;
	assert_crafted(&g, LLMCOST_E_PARSE, "a negative effective cost");
	g = good_group;
	g.total = g.contracted = g.effective = 700;
	g.input_cost = 701;
	assert_crafted(&g, LLMCOST_E_PARSE, "components above the total");
	cr_assert(strstr(llmcost_last_error(), "cost total is not the sum "
			 "of its components") != NULL, "%s",
		  llmcost_last_error());
	g.input_cost = 699;
	assert_crafted(&g, LLMCOST_E_PARSE, "components below the total");
}


/* Logs give times of the years 0001 to 9999 only, and a rollup takes no
 * other: a bucket start outside them is refused. */
Test(snapshot, bucket_starts_outside_the_years_0001_to_9999_are_refused)
{
	static const int64_t ok[] = {
		LC_TIME_MIN_MS, LC_TIME_MAX_MS + 1 - DAY_MS, 0
	};
	static const int64_t bad[] = {
		LC_TIME_MIN_MS - DAY_MS, LC_TIME_MAX_MS + 1,
		LC_TIME_MAX_MS + 1 + 4 * DAY_MS, INT64_MIN + 3 * DAY_MS / 2,
		9223372036828800000LL
	};
	struct group_spec g = good_group;
	size_t i;

	g.bucket = LLMCOST_BUCKET_DAY;
	for (i = 0; i < LC_ARRAY_LEN(ok); i++) {
		g.start = ok[i];
		assert_crafted(&g, LLMCOST_OK, "a day of the years 1 to 9999");
	}
	for (i = 0; i < LC_ARRAY_LEN(bad); i++) {
		g.start = bad[i] - (bad[i] % DAY_MS + DAY_MS) % DAY_MS;
		assert_crafted(&g, LLMCOST_E_PARSE, "a day outside them");
		cr_assert(strstr(llmcost_last_error(), "bucket start outside "
				 "the years 0001 to 9999") != NULL, "%lld: %s",
			  (long long)g.start, llmcost_last_error());
	}
}


/* The counters count the overflow's priced cost N: N is at most the
 * cost of the overflow groups, and the counters' lower bounds (count -
 * error) add up to at most N. */
Test(snapshot, heavy_hitters_beyond_the_overflow_are_refused)
{
	struct group_spec g = good_group;

	/* one overflow group of $700 (in units), a cap of 1, 2 counters */
	g.key = "";
	g.key_len = 1;
	g.flags = LLMCOST_GROUP_OVERFLOW;
	g.total = g.contracted = g.effective = g.input_cost = 700;
	g.cap = 1;
	g.k = 2;
	g.hh_total = 700;
	g.hh_n = 2;
	g.hh[0].key = "a";
	g.hh[0].count = 400;
	g.hh[1].key = "b";
	g.hh[1].count = 300;
	assert_crafted(&g, LLMCOST_OK, "counters that add up");
	/* after a merge the counts may pass N, the lower bounds never */
	g.hh[0].count = 500;
	g.hh[0].error = 100;
	g.hh_bound = 100;
	assert_crafted(&g, LLMCOST_OK, "merged counters");
	g.hh[0].error = 99;
	assert_crafted(&g, LLMCOST_E_PARSE, "lower bounds past N");
	cr_assert(strstr(llmcost_last_error(), "heavy-hitter lower bounds "
			 "add up to more than their total") != NULL, "%s",
		  llmcost_last_error());
	g.hh[0].error = 100;
	g.hh_total = 701;
	assert_crafted(&g, LLMCOST_E_PARSE, "N above the overflow cost");
	cr_assert(strstr(llmcost_last_error(), "heavy-hitter total above "
			 "the cost of the grouping's overflow groups") != NULL,
		  "%s", llmcost_last_error());
	/* counters, and no overflow group to have fed them */
	g.hh_total = 700;
	g.key = "t";
	g.key_len = 2;
	g.flags = 0;
	assert_crafted(&g, LLMCOST_E_PARSE, "counters without overflow");
	/* a counter that holds nothing */
	g = good_group;
	g.cap = 1;
	g.k = 2;
	g.hh_n = 1;
	g.hh[0].key = "a";
	assert_crafted(&g, LLMCOST_E_PARSE, "a counter of zero");
	cr_assert(strstr(llmcost_last_error(), "heavy-hitter count out of "
			 "its bounds") != NULL, "%s", llmcost_last_error());
}


/* What the live counters and merges really make passes those checks:
 * rollups at rest and merges of them (and below, snapshots taken while
 * adds go on). */
Test(snapshot, merged_capped_snapshots_load_back)
{
	static const uint32_t ks[] = { 0, 1, 3, 40 };
	static const uint64_t caps[] = { 1, 5, 30 };
	llmcost_snapshot *a, *b, *c, *m = NULL, *back = NULL;
	unsigned char *buf;
	size_t i, j, len;

	rows = 300;
	for (i = 0; i < LC_ARRAY_LEN(ks); i++)
		for (j = 0; j < LC_ARRAY_LEN(caps); j++) {
			a = snap_of(0, caps[j], ks[i]);
			b = snap_of(1, caps[(j + 1) % 3], ks[(i + 1) % 4]);
			c = snap_of(2, caps[j], ks[i]);
			cr_assert_eq(llmcost_snapshot_new(&m), LLMCOST_OK);
			merge(m, a);
			merge(m, b);
			merge(m, c);
			merge(m, a);
			buf = bytes_of(m, &len);
			cr_assert_eq(llmcost_snapshot_load(&back, buf, len),
				     LLMCOST_OK, "k %u, cap %llu: %s",
				     (unsigned)ks[i],
				     (unsigned long long)caps[j],
				     llmcost_last_error());
			llmcost_snapshot_free(back);
			free(buf);
			llmcost_snapshot_free(a);
			llmcost_snapshot_free(b);
			llmcost_snapshot_free(c);
			llmcost_snapshot_free(m);
		}
	rows = ROWS;
}


struct racer {
	llmcost_rollup *r;
	int failed;
	int done;
};


static void *race_adds(void *p)
{
	struct racer *x = p;
	llmcost_record rec;
	llmcost_cost cost;
	unsigned n;

	for (n = 0; n < 100000; n++) {
		row_make(n % REPLICAS, n, &rec, &cost);
		if (llmcost_rollup_add(x->r, &rec, &cost) != LLMCOST_OK)
			x->failed = 1;
	}
	__atomic_store_n(&x->done, 1, __ATOMIC_RELEASE);
	return NULL;
}


/* A snapshot copies the counters before the groups, so one taken while
 * adds go on may find more in the overflow groups than the counters saw,
 * never less: it loads back. */
Test(snapshot, snapshots_taken_during_adds_load_back)
{
	llmcost_rollup_options o;
	struct racer x = { NULL, 0, 0 };
	llmcost_snapshot *s = NULL, *back = NULL;
	unsigned char *buf;
	pthread_t t;
	size_t len;
	int i;

	names_make();
	options_make(&o, 4, 3);
	cr_assert_eq(llmcost_rollup_new_with(&x.r, &o), LLMCOST_OK);
	cr_assert_eq(pthread_create(&t, NULL, race_adds, &x), 0);
	for (i = 0; !__atomic_load_n(&x.done, __ATOMIC_ACQUIRE); i++) {
		cr_assert_eq(llmcost_rollup_snapshot(x.r, &s), LLMCOST_OK);
		buf = bytes_of(s, &len);
		cr_assert_eq(llmcost_snapshot_load(&back, buf, len),
			     LLMCOST_OK, "snapshot %d: %s", i,
			     llmcost_last_error());
		llmcost_snapshot_free(back);
		llmcost_snapshot_free(s);
		free(buf);
	}
	pthread_join(t, NULL);
	cr_assert_eq(x.failed, 0);
	cr_log_info("%d snapshots during the adds", i);
	llmcost_rollup_free(x.r);
}


Test(snapshot, unknown_versions_are_named)
{
	struct craft c;

	shape(&c);
	one_group(&c, &good_group);
	cr_assert_eq(load_crafted(&c, 2), LLMCOST_E_VERSION);
	cr_assert_str_eq(llmcost_last_error(), "snapshot: format version 2; "
			 "this library reads version 1 only");
	cr_assert_eq(load_crafted(&c, 0), LLMCOST_E_VERSION);
	/* A newer writer with more token sums than this library knows. */
	c.n = 0;
	put_u(&c, LLMCOST_T_COUNT + 1);
	put_u(&c, LLMCOST_U_COUNT);
	put_u(&c, LC_M_COUNT);
	put_u(&c, 0);
	put_u(&c, 0);
	cr_assert_eq(load_crafted(&c, 1), LLMCOST_E_VERSION);
}


Test(snapshot, malformed_numbers_and_order_are_refused)
{
	struct craft c;

	/* A varint in a longer form than it needs: 0x80 0x00 for 0. */
	c.n = 0;
	put_u(&c, LLMCOST_T_COUNT);
	put_u(&c, LLMCOST_U_COUNT);
	put_u(&c, LC_M_COUNT);
	c.b[c.n++] = 0x80;
	c.b[c.n++] = 0x00;
	put_u(&c, 0);
	cr_assert_eq(load_crafted(&c, 1), LLMCOST_E_PARSE);
	/* Two groupings out of order. */
	shape(&c);
	put_u(&c, 2);
	put_u(&c, BIT(USER));
	put_u(&c, 0);
	put_u(&c, 0);
	put_u(&c, 0);
	put_u(&c, BIT(TEAM));
	put_u(&c, 0);
	put_u(&c, 0);
	put_u(&c, 0);
	put_u(&c, 0);
	cr_assert_eq(load_crafted(&c, 1), LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "order") != NULL);
	/* A byte after the last section. */
	shape(&c);
	one_group(&c, &good_group);
	put_u(&c, 0);
	cr_assert_eq(load_crafted(&c, 1), LLMCOST_E_PARSE);
	/* An unknown dimension. */
	shape(&c);
	put_u(&c, 1);
	put_u(&c, 1u << LLMCOST_DIM_COUNT);
	cr_assert_eq(load_crafted(&c, 1), LLMCOST_E_PARSE);
}


Test(snapshot, frame_errors_say_what_is_wrong)
{
	llmcost_snapshot *s = snap_of(0, 0, 0);
	unsigned char *buf;
	size_t len;

	buf = bytes_of(s, &len);
	buf[0] = 'X';
	assert_refused(buf, len, LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "magic") != NULL);
	buf[0] = 'L';
	buf[12] = 1;
	assert_refused(buf, len, LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "flags") != NULL);
	buf[12] = 0;
	buf[len - 1] ^= 0x40;
	assert_refused(buf, len, LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "checksum") != NULL);
	buf[len - 1] ^= 0x40;
	assert_refused(buf, len - 3, LLMCOST_E_PARSE);
	cr_assert(strstr(llmcost_last_error(), "truncated") != NULL);
	assert_refused(NULL, 0, LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_snapshot_load(NULL, buf, len), LLMCOST_E_INVALID);
	free(buf);
	llmcost_snapshot_free(s);
}


/* ---- reading and writing ------------------------------------------------ */

Test(snapshot, quantile_reads_checked)
{
	llmcost_snapshot *s = snap_of(0, 0, 0);
	int64_t v = 0, p50 = 0;
	llmcost_group g;

	llmcost_group_init(&g);
	cr_assert_eq(llmcost_snapshot_group(s, 0, &g), LLMCOST_OK);
	cr_assert_eq(llmcost_snapshot_quantile(s, 0, LLMCOST_M_LATENCY_MS,
					       5000, &p50), LLMCOST_OK);
	cr_assert_eq(p50, g.latency_p50_ms);
	cr_assert_eq(llmcost_snapshot_quantile(s, 0, LLMCOST_M_INPUT_TOKENS,
					       10000, &v), LLMCOST_OK);
	cr_assert_geq(v, g.input_tokens_p95);
	cr_assert_eq(llmcost_snapshot_quantile(s, 0, LLMCOST_M_COUNT, 1, &v),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_snapshot_quantile(s, 0, 0, 10001, &v),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_snapshot_quantile(s, 1u << 30, 0, 1, &v),
		     LLMCOST_E_NOTFOUND);
	llmcost_snapshot_free(s);
}


Test(snapshot, json_form_by_hand)
{
	struct craft c;
	unsigned char buf[600];
	llmcost_snapshot *s = NULL;
	char json[4096];
	size_t len;

	shape(&c);
	one_group(&c, &good_group);
	len = frame(&c, 1, buf);
	cr_assert_eq(llmcost_snapshot_load(&s, buf, len), LLMCOST_OK);
	cr_assert_eq(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_JSON, json,
					   sizeof(json) - 1, &len),
		     LLMCOST_OK);
	json[len] = '\0';
	cr_assert(strstr(json, "{\"format\":\"llmcost-snapshot\","
			 "\"version\":1,") == json);
	cr_assert(strstr(json, "\"dims\":[\"team\"],\"bucket\":\"none\"")
		  != NULL);
	cr_assert(strstr(json, "\"key\":{\"team\":\"t\"},\"bucket_start\":"
			 "null,\"records\":1,\"requests\":1,") != NULL);
	cr_assert(strstr(json, "\"input_tokens\":{\"p50\":5,\"p95\":5,"
			 "\"sketch\":[[5,1]]}") != NULL);
	cr_assert(strstr(json, "\"cost\":{\"total\":\"0\"") != NULL);
	cr_assert_eq(llmcost_snapshot_save(s, 7, json, sizeof(json), &len),
		     LLMCOST_E_INVALID);
	llmcost_snapshot_free(s);
}


Test(snapshot, json_escapes_odd_key_bytes)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;
	llmcost_snapshot *s = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	char json[8192];
	size_t len;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, BIT(TEAM), LLMCOST_BUCKET_NONE, 0, 0);
	cr_assert_eq(llmcost_rollup_new_with(&r, &o), LLMCOST_OK);
	row_make(0, 3, &rec, &cost);
	rec.team_id = "a\"b\\c\n\xff\xc3\xa9";
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK);
	cr_assert_eq(llmcost_rollup_snapshot(r, &s), LLMCOST_OK);
	cr_assert_eq(llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_JSON, json,
					   sizeof(json) - 1, &len),
		     LLMCOST_OK);
	json[len] = '\0';
	cr_assert(strstr(json, "\"team\":\"a\\\"b\\\\c\\u000a\\ufffd\xc3\xa9\"")
		  != NULL, "%s", json);
	llmcost_snapshot_free(s);
	llmcost_rollup_free(r);
}
