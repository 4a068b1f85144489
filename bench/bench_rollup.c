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
 * llmcost_snapshot_merge(); median of 3.
 *
 * The threads figure: adds alone (no pricing) of 400,000 requests in
 * time order (1000 users, 20 teams, over 4.6 days) into a rollup whose
 * groups already exist, by 1 thread and by 2 threads taking turns at the
 * requests; with 1 grouping and with 4; median of 3.
 *
 * Times are printed, never checked; the merged sums and the threads'
 * sums are checked.
 */
#include <malloc.h>
#include <pthread.h>
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
	/* The heap itself, and scaled to a million users: the second is the
	 * figure to compare without a cap; with one, memory stops growing,
	 * so the first is what a million users would take too. */
	printf("%-34s %8.1f MB for %lu users (%.1f MB per million; %zu "
	       "groups, %.0f bytes/group; %.0f ns/add)\n", label,
	       (double)(after - before) / 1e6, users,
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


/* ---- threads ----------------------------------------------------------- */

#define BENCH_TREQ 400000

struct bench_stream {
	llmcost_record rec[BENCH_TREQ];
	llmcost_cost cost[BENCH_TREQ];
	char users[1000][16];
	char teams[20][16];
};

struct bench_thread {
	llmcost_rollup *r;
	const struct bench_stream *st;
	unsigned first, step;
	long failures;
};


static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


static void stream_make(struct bench_stream *st)
{
	static const char *const models[] = { "gpt-4o", "claude-sonnet-4-5",
					      "gemini-2.5-pro", "o3" };
	static const char *const features[] = { "chat", "search",
						"summarise", "agent" };
	unsigned i;

	for (i = 0; i < 1000; i++)
		snprintf(st->users[i], sizeof(st->users[i]), "user-%04u", i);
	for (i = 0; i < 20; i++)
		snprintf(st->teams[i], sizeof(st->teams[i]), "team-%02u", i);
	for (i = 0; i < BENCH_TREQ; i++) {
		uint64_t x = mix64(i);
		llmcost_record *r = &st->rec[i];
		lc_i128 units = (lc_i128)(x >> 30);

		llmcost_record_init(r);
		r->team_id = st->teams[x % 1000 % 20];
		r->user_id = st->users[x % 1000];
		r->feature_name = features[(x >> 20) % 4];
		r->model = models[(x >> 24) % 4];
		r->environment = "production";
		r->timestamp_ms = BENCH_START_MS + (int64_t)i * 1000;
		r->input_tokens = 1000 + (int64_t)((x >> 32) % 6000);
		r->output_tokens = 100 + (int64_t)((x >> 44) % 900);
		r->latency_ms = 200 + (int64_t)((x >> 50) % 5000);
		llmcost_cost_init(&st->cost[i]);
		st->cost[i].status = LLMCOST_OK;
		st->cost[i].total = st->cost[i].component[LLMCOST_C_INPUT] =
			st->cost[i].contracted_cost =
			st->cost[i].effective_cost = lc_money_from_i128(units);
	}
}


static void *thread_run(void *arg)
{
	struct bench_thread *t = arg;
	unsigned i;

	for (i = t->first; i < BENCH_TREQ; i += t->step)
		if (llmcost_rollup_add(t->r, &t->st->rec[i],
				       &t->st->cost[i]) != LLMCOST_OK)
			t->failures++;
	return NULL;
}


static llmcost_rollup *threads_rollup(int groupings)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	if (groupings == 4) {
		llmcost_rollup_options_add(&o,
			LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM),
			LLMCOST_BUCKET_HOUR, 0, 0);
		llmcost_rollup_options_add(&o,
			LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
			LLMCOST_BUCKET_MONTH, 100000, 64);
		llmcost_rollup_options_add(&o,
			LLMCOST_DIM_BIT(LLMCOST_DIM_FEATURE) |
			LLMCOST_DIM_BIT(LLMCOST_DIM_MODEL) |
			LLMCOST_DIM_BIT(LLMCOST_DIM_ENVIRONMENT),
			LLMCOST_BUCKET_DAY, 0, 0);
	}
	if (llmcost_rollup_new_with(&r, &o) != LLMCOST_OK)
		die("rollup_new_with");
	return r;
}


/* Adds per second by n threads (1 or 2) into a rollup whose groups the
 * same stream has already made. */
static double threads_rate(const struct bench_stream *st, int groupings,
			   unsigned n)
{
	llmcost_rollup *r = threads_rollup(groupings);
	struct bench_thread t[2], warm = { r, st, 0, 1, 0 };
	pthread_t tid[2];
	int64_t t0, ns;
	unsigned k;

	thread_run(&warm);
	t0 = now_ns();
	for (k = 0; k < n; k++) {
		t[k] = (struct bench_thread){ r, st, k, n, 0 };
		if (pthread_create(&tid[k], NULL, thread_run, &t[k]) != 0)
			die("pthread_create");
	}
	for (k = 0; k < n; k++)
		pthread_join(tid[k], NULL);
	ns = now_ns() - t0;
	for (k = 0; k < n; k++)
		if (t[k].failures != 0 || warm.failures != 0)
			die("rollup_add in a thread");
	llmcost_rollup_free(r);
	return BENCH_TREQ * 1e3 / (double)ns;
}


static int cmp_rate(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}


static void threads_figure(int groupings)
{
	struct bench_stream *st = malloc(sizeof(*st));
	double one[BENCH_RUNS], two[BENCH_RUNS];
	int k;

	if (st == NULL)
		die("out of memory");
	stream_make(st);
	for (k = 0; k < BENCH_RUNS; k++) {
		one[k] = threads_rate(st, groupings, 1);
		two[k] = threads_rate(st, groupings, 2);
	}
	qsort(one, BENCH_RUNS, sizeof(double), cmp_rate);
	qsort(two, BENCH_RUNS, sizeof(double), cmp_rate);
	printf("adds only, %d grouping%s: 1 thread %.2f M adds/s, 2 threads "
	       "%.2f M adds/s (median of %d)\n", groupings,
	       groupings > 1 ? "s" : "", one[BENCH_RUNS / 2],
	       two[BENCH_RUNS / 2], BENCH_RUNS);
	free(st);
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
	threads_figure(1);
	threads_figure(4);
	return 0;
}
