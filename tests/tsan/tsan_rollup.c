/*
 * tsan_rollup.c - many threads add to one rollup while others read it;
 * the result must equal a serial run's, group by group, to the last unit.
 *
 * A plain program (Criterion does not start under ThreadSanitizer here):
 * it prints what it checked and exits 0 when everything matched, 1 when
 * something did not.  Built and run as a test in the ThreadSanitizer
 * build (LLMCOST_SANITIZE=thread), where TSan also fails it on any data
 * race; it runs as well in an ordinary build.
 *
 * The rollup has four groupings, one of them capped so that rows go to
 * overflow groups and space-saving counters too.  Two readers copy groups
 * and take snapshots while the writers run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmcost.h"

#define WRITERS 4
#define READERS 2
#define ADDS 20000
#define USERS 100
#define CAP 60
#define DAY_MS 86400000LL
#define MAY30 1748563200000LL

static const char *const teams[] = { "search", "ads", "support", NULL };
static const char *const models[] = { "gpt-4o", "claude-x", "mystery" };
static char users[USERS][8];
static int failures;


static void fail(const char *what)
{
	fprintf(stderr, "tsan_rollup: FAILED: %s (%s)\n", what,
		llmcost_last_error());
	failures++;
}


static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


static void money_set(llmcost_money *m, int64_t units)
{
	m->hi = units < 0 ? -1 : 0;
	m->lo = (uint64_t)units;
}


/* Request n of thread t, the same in every run. */
static void request_make(unsigned t, unsigned n, llmcost_record *rec,
			 llmcost_cost *cost)
{
	uint64_t x = mix64((uint64_t)t << 32 | n);
	unsigned model = (unsigned)(x >> 13) % 3;
	int64_t in, out;

	llmcost_record_init(rec);
	rec->team_id = teams[(x >> 7) % 4];
	rec->user_id = users[(x >> 17) % USERS];
	rec->model = models[model];
	rec->timestamp_ms = MAY30 + (int64_t)((x >> 30) % (3 * DAY_MS));
	rec->input_tokens = (int64_t)(x % 9000);
	rec->cached_tokens = rec->input_tokens / 4;
	rec->output_tokens = (int64_t)((x >> 20) % 700);
	rec->latency_ms = (int64_t)((x >> 24) % 5000);
	rec->retry_count = (int32_t)((x >> 52) & 3);
	rec->status_code = (x >> 33) % 13 == 0 ? 500 : 200;
	llmcost_cost_init(cost);
	cost->status = model == 2 ? LLMCOST_E_UNPRICED : LLMCOST_OK;
	if (model == 2)
		return;
	in = rec->input_tokens * 2500000000000LL;
	out = rec->output_tokens * 10000000000001LL;
	money_set(&cost->component[LLMCOST_C_INPUT], in);
	money_set(&cost->component[LLMCOST_C_OUTPUT], out);
	money_set(&cost->total, in + out);
	cost->list_cost = cost->contracted_cost = cost->effective_cost =
		cost->total;
}


static llmcost_rollup *rollup_make(void)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM),
				   LLMCOST_BUCKET_HOUR, 0, 0);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_MODEL),
				   LLMCOST_BUCKET_NONE, 0, 0);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
				   LLMCOST_BUCKET_NONE, CAP, 8);
	if (llmcost_rollup_new_with(&r, &o) != LLMCOST_OK)
		fail("rollup_new_with");
	return r;
}


struct job {
	llmcost_rollup *r;
	unsigned t;
	int stop;			/* atomic, readers only */
	long done;
};


static void *writer_run(void *arg)
{
	struct job *j = arg;
	llmcost_record rec;
	llmcost_cost cost;
	unsigned n;

	for (n = 0; n < ADDS; n++) {
		request_make(j->t, n, &rec, &cost);
		if (llmcost_rollup_add(j->r, &rec, &cost) != LLMCOST_OK)
			fail("rollup_add");
	}
	return NULL;
}


static void read_groups(struct job *j)
{
	size_t n = llmcost_rollup_count(j->r), i;
	llmcost_group g;

	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_rollup_group(j->r, i, &g) != LLMCOST_OK ||
		    g.priced_requests + g.unpriced_requests != g.requests)
			fail("a group read while adds ran is not whole");
		j->done++;
	}
}


static void *reader_run(void *arg)
{
	struct job *j = arg;
	llmcost_snapshot *s = NULL;

	while (!__atomic_load_n(&j->stop, __ATOMIC_ACQUIRE)) {
		read_groups(j);
		if (llmcost_rollup_snapshot(j->r, &s) != LLMCOST_OK)
			fail("rollup_snapshot while adds ran");
		llmcost_snapshot_free(s);
		s = NULL;
	}
	return NULL;
}


static llmcost_rollup *parallel_run(void)
{
	llmcost_rollup *r = rollup_make();
	pthread_t w[WRITERS], rd[READERS];
	struct job wj[WRITERS], rj[READERS];
	unsigned t;

	for (t = 0; t < READERS; t++) {
		memset(&rj[t], 0, sizeof(rj[t]));
		rj[t].r = r;
		pthread_create(&rd[t], NULL, reader_run, &rj[t]);
	}
	for (t = 0; t < WRITERS; t++) {
		memset(&wj[t], 0, sizeof(wj[t]));
		wj[t].r = r;
		wj[t].t = t;
		pthread_create(&w[t], NULL, writer_run, &wj[t]);
	}
	for (t = 0; t < WRITERS; t++)
		pthread_join(w[t], NULL);
	for (t = 0; t < READERS; t++) {
		__atomic_store_n(&rj[t].stop, 1, __ATOMIC_RELEASE);
		pthread_join(rd[t], NULL);
		if (rj[t].done == 0)
			printf("tsan_rollup: reader %u read no group\n", t);
	}
	return r;
}


static llmcost_rollup *serial_run(void)
{
	llmcost_rollup *r = rollup_make();
	llmcost_record rec;
	llmcost_cost cost;
	unsigned t, n;

	for (t = WRITERS; t-- > 0;)
		for (n = ADDS; n-- > 0;) {
			request_make(t, n, &rec, &cost);
			if (llmcost_rollup_add(r, &rec, &cost) != LLMCOST_OK)
				fail("serial rollup_add");
		}
	return r;
}


/* The sums of the uncapped groupings must match exactly; the capped one
 * keeps different users under its cap in each run, so only its totals
 * (regular and overflow groups together) must. */
static int group_cmp(const llmcost_group *a, const llmcost_group *b)
{
	llmcost_group x = *a, y = *b;
	int i;

	for (i = 0; i < LLMCOST_DIM_CAPACITY; i++) {
		if ((a->key[i] == NULL) != (b->key[i] == NULL))
			return 1;
		if (a->key[i] != NULL && strcmp(a->key[i], b->key[i]) != 0)
			return 1;
		x.key[i] = y.key[i] = NULL;
	}
	return memcmp(&x, &y, sizeof(x));
}


/* The snapshot's number for the capped grouping. */
static size_t capped_grouping(const llmcost_snapshot *s)
{
	llmcost_grouping_info info;
	size_t i;

	for (i = 0; i < llmcost_snapshot_grouping_count(s); i++) {
		llmcost_grouping_info_init(&info);
		if (llmcost_snapshot_grouping(s, i, &info) == LLMCOST_OK &&
		    info.max_groups != 0)
			return i;
	}
	fail("no capped grouping");
	return 0;
}


static void compare(llmcost_snapshot *par, llmcost_snapshot *ser)
{
	size_t n = llmcost_snapshot_count(ser), i, exact = 0;
	llmcost_group a, b;

	for (i = 0; i < n; i++) {
		llmcost_group_init(&a);
		llmcost_group_init(&b);
		if (llmcost_snapshot_group(ser, i, &b) != LLMCOST_OK)
			fail("snapshot_group");
		if (b.grouping == capped_grouping(ser))
			continue;
		if (llmcost_snapshot_group(par, i, &a) != LLMCOST_OK ||
		    group_cmp(&a, &b) != 0)
			fail("a group differs from the serial run");
		exact++;
	}
	printf("tsan_rollup: %zu groups equal to the serial run's\n", exact);
}


static void compare_capped(llmcost_snapshot *par, llmcost_snapshot *ser)
{
	size_t gi = capped_grouping(ser);
	llmcost_grouping_info a, b;

	llmcost_grouping_info_init(&a);
	llmcost_grouping_info_init(&b);
	if (llmcost_snapshot_grouping(par, gi, &a) != LLMCOST_OK ||
	    llmcost_snapshot_grouping(ser, gi, &b) != LLMCOST_OK)
		fail("snapshot_grouping");
	if (a.groups - a.overflow_groups != CAP ||
	    b.groups - b.overflow_groups != CAP)
		fail("the capped grouping does not hold CAP groups");
	printf("tsan_rollup: capped grouping: %llu groups, %lld requests "
	       "past the cap\n", (unsigned long long)a.groups,
	       (long long)a.overflow_requests);
}


int main(void)
{
	llmcost_snapshot *sp = NULL, *ss = NULL;
	llmcost_rollup *par, *ser;
	unsigned i;

	for (i = 0; i < USERS; i++)
		snprintf(users[i], sizeof(users[i]), "u%02u", i);
	par = parallel_run();
	ser = serial_run();
	if (llmcost_rollup_count(par) != llmcost_rollup_count(ser))
		fail("group counts differ");
	if (llmcost_rollup_snapshot(par, &sp) != LLMCOST_OK ||
	    llmcost_rollup_snapshot(ser, &ss) != LLMCOST_OK)
		fail("rollup_snapshot");
	else {
		compare(sp, ss);
		compare_capped(sp, ss);
	}
	llmcost_snapshot_free(sp);
	llmcost_snapshot_free(ss);
	llmcost_rollup_free(par);
	llmcost_rollup_free(ser);
	if (failures == 0)
		printf("tsan_rollup: all checks passed\n");
	return failures == 0 ? 0 : 1;
}
