/*
 * bench_rollup.c - what a rollup costs in memory as users grow, with and
 * without a cap, and how long snapshots of a million groups take to
 * save, load and merge.
 *
 *   bench_rollup [USERS]        (default 1000000)
 *
 * Memory is the growth of the C heap (glibc's mallinfo2: bytes in use,
 * mapped blocks included) while the rollup is built; it is printed per
 * million distinct users.  Each user sends 3 requests, so that every
 * group's two sketches hold more than one value.
 *
 * The merge figure: two snapshots of USERS groups each (users 0 .. N-1
 * and N/2 .. 3N/2-1, so half the keys meet), merged with
 * llmcost_snapshot_merge(); median of 3.  Times are printed, never
 * checked; the merged sums are checked against the inputs'.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define BENCH_REQUESTS_PER_USER 3
#define BENCH_CAP 10000
#define BENCH_HEAVY 1000
#define BENCH_RUNS 3
/* 2025-11-14T00:00:00Z */
#define BENCH_START_MS 1763078400000LL


static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}


static void die(const char *what)
{
	fprintf(stderr, "bench_rollup: %s: %s\n", what, llmcost_last_error());
	exit(1);
}


static llmcost_rollup *rollup_by_user(uint64_t cap, uint32_t heavy)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
				   LLMCOST_BUCKET_NONE, cap, heavy);
	if (llmcost_rollup_new_with(&r, &o) != LLMCOST_OK)
		die("rollup_new_with");
	return r;
}


/* Request k of user u: a few thousand tokens, a cost that varies. */
static void request_make(unsigned long u, unsigned k, char *name,
			 llmcost_record *rec, llmcost_cost *cost)
{
	lc_i128 units = (lc_i128)(1000 + u % 7919 + k) * 3000000000000LL;

	snprintf(name, 24, "user-%08lu", u);
	llmcost_record_init(rec);
	rec->user_id = name;
	rec->timestamp_ms = BENCH_START_MS + (int64_t)(u % 86400) * 1000;
	rec->input_tokens = 1000 + (int64_t)(u % 7919) + k * 100;
	rec->output_tokens = 200;
	rec->latency_ms = 300 + (int64_t)((u * 7 + k * 131) % 5000);
	llmcost_cost_init(cost);
	cost->status = LLMCOST_OK;
	cost->component[LLMCOST_C_INPUT] = lc_money_from_i128(units);
	cost->total = cost->list_cost = cost->contracted_cost =
		cost->effective_cost = lc_money_from_i128(units);
}


static void users_add(llmcost_rollup *r, unsigned long first,
		      unsigned long n, unsigned per_user)
{
	llmcost_record rec;
	llmcost_cost cost;
	char name[24];
	unsigned long u;
	unsigned k;

	for (k = 0; k < per_user; k++)
		for (u = first; u < first + n; u++) {
			request_make(u, k, name, &rec, &cost);
			if (llmcost_rollup_add(r, &rec, &cost) != LLMCOST_OK)
				die("rollup_add");
		}
}


/* ---- memory ------------------------------------------------------------- */

static void memory_figure(const char *label, unsigned long users,
			  uint64_t cap, uint32_t heavy)
{
	size_t before = heap_bytes(), after;
	int64_t t0 = now_ns(), ns;
	llmcost_rollup *r = rollup_by_user(cap, heavy);

	users_add(r, 0, users, BENCH_REQUESTS_PER_USER);
	ns = now_ns() - t0;
	after = heap_bytes();
	printf("%-34s %8.1f MB per million users (%zu groups, %.0f "
	       "bytes/group; %.0f ns/add)\n", label,
	       (double)(after - before) / 1e6 * 1e6 / (double)users,
	       llmcost_rollup_count(r),
	       (double)(after - before) / (double)llmcost_rollup_count(r),
	       (double)ns / (double)(users * BENCH_REQUESTS_PER_USER));
	llmcost_rollup_free(r);
}


/* ---- snapshots ---------------------------------------------------------- */

static llmcost_snapshot *snapshot_of_users(unsigned long first,
					   unsigned long n)
{
	llmcost_rollup *r = rollup_by_user(0, 0);
	llmcost_snapshot *s = NULL;

	users_add(r, first, n, 1);
	if (llmcost_rollup_snapshot(r, &s) != LLMCOST_OK)
		die("rollup_snapshot");
	llmcost_rollup_free(r);
	return s;
}


static char *bytes_of(const llmcost_snapshot *s, size_t *len)
{
	size_t need = 0;
	char *buf;

	llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_BINARY, NULL, 0, &need);
	buf = malloc(need);
	if (buf == NULL || llmcost_snapshot_save(s, LLMCOST_SNAPSHOT_BINARY,
						 buf, need, len) != LLMCOST_OK)
		die("snapshot_save");
	return buf;
}


static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}


static lc_i128 snapshot_total(const llmcost_snapshot *s)
{
	size_t i, n = llmcost_snapshot_count(s);
	lc_i128 sum = 0;
	llmcost_group g;

	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_snapshot_group(s, i, &g) == LLMCOST_OK)
			sum += lc_money_to_i128(g.total);
	}
	return sum;
}


/* Times save and load of a, then merges of copies of a with b. */
static void merge_figure(unsigned long users)
{
	llmcost_snapshot *a = snapshot_of_users(0, users);
	llmcost_snapshot *b = snapshot_of_users(users / 2, users);
	int64_t save_ns, load_ns[BENCH_RUNS], merge_ns[BENCH_RUNS], t0;
	lc_i128 want = snapshot_total(a) + snapshot_total(b);
	size_t len, merged = 0;
	char *bytes;
	int k, exact = 1;

	t0 = now_ns();
	bytes = bytes_of(a, &len);
	save_ns = now_ns() - t0;
	for (k = 0; k < BENCH_RUNS; k++) {
		llmcost_snapshot *c = NULL;

		t0 = now_ns();
		if (llmcost_snapshot_load(&c, bytes, len) != LLMCOST_OK)
			die("snapshot_load");
		load_ns[k] = now_ns() - t0;
		t0 = now_ns();
		if (llmcost_snapshot_merge(c, b) != LLMCOST_OK)
			die("snapshot_merge");
		merge_ns[k] = now_ns() - t0;
		merged = llmcost_snapshot_count(c);
		exact &= snapshot_total(c) == want;
		llmcost_snapshot_free(c);
	}
	qsort(load_ns, BENCH_RUNS, sizeof(int64_t), cmp_i64);
	qsort(merge_ns, BENCH_RUNS, sizeof(int64_t), cmp_i64);
	printf("snapshot of %lu groups: %.1f MB binary; save %.0f ms, load "
	       "%.0f ms\n", users, (double)len / 1e6, (double)save_ns / 1e6,
	       (double)load_ns[BENCH_RUNS / 2] / 1e6);
	printf("merge of two snapshots of %lu groups (%zu groups after): "
	       "%.0f ms (median of %d)\n", users, merged,
	       (double)merge_ns[BENCH_RUNS / 2] / 1e6, BENCH_RUNS);
	printf("merged total equal to the sum of the inputs: %s\n",
	       exact ? "yes" : "NO");
	free(bytes);
	llmcost_snapshot_free(a);
	llmcost_snapshot_free(b);
}


int main(int argc, char **argv)
{
	unsigned long users = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;

	if (users < 1000)
		users = 1000;
	printf("%lu distinct users, %d requests each, grouped by user\n",
	       users, BENCH_REQUESTS_PER_USER);
	memory_figure("no cap:", users, 0, 0);
	memory_figure("cap 10000 groups, 1000 counters:", users, BENCH_CAP,
		      BENCH_HEAVY);
	merge_figure(users);
	return 0;
}
