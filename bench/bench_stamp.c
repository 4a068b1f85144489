/*
 * bench_stamp.c - what stamping a request costs a gateway.
 *
 *   bench_stamp [PRICES.json|-] [PASSES]
 *
 * Builds a price table (the default book, or a LiteLLM price file given
 * as the first argument; "-" keeps the default), makes 100,000 synthetic
 * requests shaped like a busy gateway's (a few dozen model names as
 * gateways log them, 1000 users in 20 teams, cache reads and writes,
 * reasoning tokens, some failures), then times
 *   1. resolve + cost        (llmcost_price)
 *   2. resolve + cost + add  (llmcost_price, then llmcost_rollup_add) into
 *      the default rollup (one grouping), and into a rollup with four
 *      groupings (see four_groupings())
 * over PASSES passes of the requests (default 30: 3 million calls), and
 * the request rate of 2 threads stamping into one rollup, taking turns at
 * the requests (sorted by time) as a gateway's threads do.  Each figure is
 * the median of BENCH_RUNS runs.  Times are printed, never checked; the
 * money is checked: every run must give the same exact total.
 *
 * Environment: BENCH_SHUFFLED=1 keeps the requests in random time order;
 * BENCH_QUICK=1 times only the four-grouping stamp, BENCH_QUICK=price
 * only resolve + cost (for profilers).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define BENCH_RECORDS 100000
#define BENCH_USERS 1000
#define BENCH_TEAMS 20
#define BENCH_RUNS 5
#define BENCH_PASSES 30
#define BENCH_DAY_MS 86400000LL
/* 2025-11-14T00:00:00Z: every model below has a price by then. */
#define BENCH_START_MS 1763078400000LL

/* A model name as a gateway logs it, and what it bills. */
struct bench_model {
	const char *name;
	const char *provider;
	int cache_writes;	/* Anthropic-style explicit cache writes */
	int reasoning;		/* emits reasoning tokens */
};

static const struct bench_model models[] = {
	{ "gpt-4o", "openai", 0, 0 },
	{ "openai/gpt-4o", "openai", 0, 0 },
	{ "gpt-4o-mini", "openai", 0, 0 },
	{ "gpt-4o-2024-08-06", "openai", 0, 0 },
	{ "gpt-4.1", "openai", 0, 0 },
	{ "gpt-4.1-mini", "openai", 0, 0 },
	{ "openai/gpt-4.1-nano", "openai", 0, 0 },
	{ "gpt-5", "openai", 0, 1 },
	{ "gpt-5-mini", "openai", 0, 1 },
	{ "gpt-5-nano", "openai", 0, 1 },
	{ "gpt-5.1", "openai", 0, 1 },
	{ "o3", "openai", 0, 1 },
	{ "o4-mini", "openai", 0, 1 },
	{ "o3-mini", "openai", 0, 1 },
	{ "claude-sonnet-4-5", "anthropic", 1, 0 },
	{ "anthropic/claude-sonnet-4-5-20250929", "anthropic", 1, 0 },
	{ "claude-haiku-4-5", "anthropic", 1, 0 },
	{ "claude-opus-4-1", "anthropic", 1, 0 },
	{ "claude-3-5-haiku-20241022", "anthropic", 1, 0 },
	{ "claude-3-7-sonnet-20250219", "anthropic", 1, 0 },
	{ "claude-sonnet-4-20250514", "anthropic", 1, 0 },
	{ "gemini-2.5-pro", "gemini", 0, 1 },
	{ "gemini/gemini-2.5-flash", "gemini", 0, 1 },
	{ "gemini-2.0-flash", "gemini", 0, 0 },
	{ "mistral/mistral-large-latest", "mistral", 0, 0 },
	{ "deepseek-chat", "deepseek", 0, 0 },
	{ "deepseek-reasoner", "deepseek", 0, 1 },
	{ "xai/grok-4", "xai", 0, 1 },
	{ "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
	  "together_ai", 0, 0 },
	{ "amazon.nova-pro-v1:0", "bedrock", 0, 0 },
	{ "acme-internal-summariser-v3", NULL, 0, 0 },	/* unpriced */
	{ "azure/prod-east-chat", "azure", 0, 0 },	/* deployment name */
};

#define BENCH_MODELS ((unsigned)LC_ARRAY_LEN(models))

static const char *const features[] = {
	"chat", "search", "summarise", "classify", "extract", "agent",
	"code-review", "translate"
};

#define BENCH_FEATURES ((unsigned)LC_ARRAY_LEN(features))

static char team_names[BENCH_TEAMS][16];
static char user_names[BENCH_USERS][16];


static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


/* CPU time of the calling thread: steadier than the wall clock on a
 * machine that other work shares. */
static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static void names_make(void)
{
	unsigned i;

	for (i = 0; i < BENCH_TEAMS; i++)
		snprintf(team_names[i], sizeof(team_names[i]), "team-%02u", i);
	for (i = 0; i < BENCH_USERS; i++)
		snprintf(user_names[i], sizeof(user_names[i]), "user-%04u", i);
}


/* Prompt sizes: mostly a few thousand tokens, a long tail to 200k. */
static int64_t prompt_tokens(uint64_t x)
{
	switch (x % 10) {
	case 0:
		return 20000 + (int64_t)(x >> 8) % 180000;
	case 1:
	case 2:
		return 100 + (int64_t)(x >> 8) % 900;
	default:
		return 1000 + (int64_t)(x >> 8) % 7000;
	}
}


static void tokens_make(llmcost_record *r, const struct bench_model *m,
			uint64_t x)
{
	uint64_t y = mix64(x);

	r->input_tokens = prompt_tokens(x);
	r->output_tokens = 20 + (int64_t)(y % 1500);
	if (y % 5 < 2)
		r->cached_tokens = r->input_tokens * (int64_t)(y >> 40 & 7) / 8;
	if (m->cache_writes && (y >> 12) % 7 == 0)
		r->cache_write_tokens = (r->input_tokens -
					 r->cached_tokens) / 2;
	if (m->cache_writes && (y >> 15) % 20 == 0)
		r->cache_write_1h_tokens = (r->input_tokens - r->cached_tokens -
					    r->cache_write_tokens) / 2;
	if (m->reasoning)
		r->reasoning_tokens = r->output_tokens *
				      (int64_t)(3 + (y >> 20) % 6) / 10;
}


/* Each user belongs to one team, works on two features and uses three
 * models; requests pick among those. */
static void record_make(llmcost_record *r, unsigned i)
{
	uint64_t x = mix64(i);
	unsigned user = (unsigned)(x % BENCH_USERS);
	uint64_t u = mix64(user + 0x1000000ULL);
	const struct bench_model *m;

	m = &models[(u >> (8 * ((x >> 12) % 3))) % BENCH_MODELS];
	llmcost_record_init(r);
	r->timestamp_ms = BENCH_START_MS + (int64_t)((x >> 20) %
						     (10 * BENCH_DAY_MS));
	r->team_id = team_names[user % BENCH_TEAMS];
	r->user_id = user_names[user];
	r->feature_name = features[(u >> (32 + 4 * (x >> 14 & 1))) %
				   BENCH_FEATURES];
	r->environment = "production";
	r->provider = m->provider;
	r->model = m->name;
	tokens_make(r, m, x);
	r->latency_ms = 200 + (int64_t)(x >> 50) % 8000;
	r->retry_count = (x >> 45) % 25 == 0;
	r->status_code = (x >> 47) % 50 == 0 ? 429 : 200;
	if (r->status_code != 200)
		r->flags |= LLMCOST_RECORD_FAILED;
}


static int by_time(const void *a, const void *b)
{
	const llmcost_record *x = a, *y = b;

	return (x->timestamp_ms > y->timestamp_ms) -
	       (x->timestamp_ms < y->timestamp_ms);
}


/* The requests in the order a gateway sees them: by time. */
static llmcost_record *records_make(unsigned n)
{
	llmcost_record *recs = calloc(n, sizeof(*recs));
	unsigned i;

	if (recs == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		record_make(&recs[i], i);
	if (getenv("BENCH_SHUFFLED") == NULL)
		qsort(recs, n, sizeof(*recs), by_time);
	return recs;
}


/* ---- what the table makes of the requests ----------------------------- */

static void mix_print(const llmcost_prices *p, const llmcost_record *recs,
		      unsigned n)
{
	unsigned rule[4] = { 0 }, priced = 0, unpriced = 0, other = 0, i;
	llmcost_cost c;

	for (i = 0; i < n; i++) {
		llmcost_cost_init(&c);
		switch (llmcost_price(p, &recs[i], &c)) {
		case LLMCOST_OK:
			priced++;
			break;
		case LLMCOST_E_UNPRICED:
		case LLMCOST_E_NORATE:
			unpriced++;
			break;
		default:
			other++;
		}
		if (c.rule < 4)
			rule[c.rule]++;
	}
	printf("requests: %u priced, %u unpriced, %u other\n", priced,
	       unpriced, other);
	printf("rules: exact %u, add_provider %u, strip_provider %u, "
	       "none %u\n", rule[LLMCOST_RULE_EXACT],
	       rule[LLMCOST_RULE_ADD_PROVIDER],
	       rule[LLMCOST_RULE_STRIP_PROVIDER], rule[LLMCOST_RULE_NONE]);
}


/* ---- timed loops ------------------------------------------------------ */

/* The four groupings of the stamp figure: the default one; teams by the
 * hour; users by the month, capped (above the 1000 users, so that no row
 * overflows) with 64 heavy-hitter counters; feature, model and
 * environment by the day. */
static llmcost_rollup *four_groupings(void)
{
	llmcost_rollup_options o;
	llmcost_rollup *r = NULL;

	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
				   LLMCOST_BUCKET_DAY, 0, 0);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM),
				   LLMCOST_BUCKET_HOUR, 0, 0);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
				   LLMCOST_BUCKET_MONTH, 100000, 64);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_FEATURE) |
				   LLMCOST_DIM_BIT(LLMCOST_DIM_MODEL) |
				   LLMCOST_DIM_BIT(LLMCOST_DIM_ENVIRONMENT),
				   LLMCOST_BUCKET_DAY, 0, 0);
	if (llmcost_rollup_new_with(&r, &o) != LLMCOST_OK)
		return NULL;
	return r;
}


struct bench_job {
	const llmcost_prices *prices;
	llmcost_rollup *rollup;		/* NULL: price only */
	const llmcost_record *recs;
	unsigned n;
	unsigned first;			/* this thread's first request */
	unsigned step;			/* and every step-th after it */
	unsigned passes;
	lc_i128 total;			/* exact sum of priced costs */
	long failures;
};


static void job_one(struct bench_job *j, const llmcost_record *r)
{
	llmcost_cost c;
	int rc;

	llmcost_cost_init(&c);
	rc = llmcost_price(j->prices, r, &c);
	if (rc == LLMCOST_OK)
		j->total += lc_money_to_i128(c.total);
	if (j->rollup != NULL &&
	    llmcost_rollup_add(j->rollup, r, &c) != LLMCOST_OK)
		j->failures++;
}


static void *job_run(void *arg)
{
	struct bench_job *j = arg;
	unsigned pass, i;

	for (pass = 0; pass < j->passes; pass++)
		for (i = j->first; i < j->n; i += j->step)
			job_one(j, &j->recs[i]);
	return NULL;
}


/* Runs jobs[0..threads) at once; returns the wall time in ns, and with
 * one thread its CPU time in *cpu. */
static int64_t jobs_time(struct bench_job *jobs, unsigned threads,
			 int64_t *cpu)
{
	pthread_t tid[8];
	int64_t t0 = now_ns(), c0 = cpu_ns();
	unsigned t;

	*cpu = 0;
	if (threads == 1) {
		job_run(&jobs[0]);
		*cpu = cpu_ns() - c0;
		return now_ns() - t0;
	}
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, job_run, &jobs[t]) != 0) {
			fprintf(stderr, "bench_stamp: pthread_create failed\n");
			exit(1);
		}
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	return now_ns() - t0;
}


static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}


static int64_t median(int64_t *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}


/* The sum over the groups of the first grouping: every grouping holds
 * all the money once. */
static lc_i128 rollup_total(const llmcost_rollup *r)
{
	size_t i, n = llmcost_rollup_count(r);
	lc_i128 sum = 0;
	llmcost_group g;

	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_rollup_group(r, i, &g) == LLMCOST_OK &&
		    g.grouping == 0)
			sum += lc_money_to_i128(g.total);
	}
	return sum;
}


struct bench_run {
	int64_t ns;
	int64_t cpu;
	lc_i128 total;		/* sum over jobs */
	lc_i128 rollup_total;	/* sum over the rollup's groups */
	size_t groups;
	long failures;
};


/* A rollup with the given number of groupings (1 or 4), or NULL for 0. */
static llmcost_rollup *rollup_make(int groupings)
{
	llmcost_rollup *r = NULL;

	if (groupings == 0)
		return NULL;
	if (groupings == 1 && llmcost_rollup_new(&r) != LLMCOST_OK)
		r = NULL;
	if (groupings == 4)
		r = four_groupings();
	if (r == NULL) {
		fprintf(stderr, "bench_stamp: %s\n", llmcost_last_error());
		exit(1);
	}
	return r;
}


/* One timed run: threads jobs, each taking every threads-th request, as
 * a gateway's threads share the requests of the moment. */
static struct bench_run run_once(const llmcost_prices *p,
				 const llmcost_record *recs, unsigned n,
				 unsigned passes, unsigned threads,
				 int with_rollup)
{
	struct bench_job jobs[8];
	struct bench_run res = { 0 };
	llmcost_rollup *r = rollup_make(with_rollup);
	unsigned t;

	for (t = 0; t < threads; t++)
		jobs[t] = (struct bench_job){ p, r, recs, n, t, threads,
					      passes, 0, 0 };
	res.ns = jobs_time(jobs, threads, &res.cpu);
	for (t = 0; t < threads; t++) {
		res.total += jobs[t].total;
		res.failures += jobs[t].failures;
	}
	if (r != NULL) {
		res.groups = llmcost_rollup_count(r);
		res.rollup_total = rollup_total(r);
	}
	llmcost_rollup_free(r);
	return res;
}


struct bench_figure {
	int64_t ns_median;
	int64_t cpu_median;		/* one thread only */
	size_t groups;
	int exact;		/* every run gave the same money */
	long failures;
};


static struct bench_figure measure(const llmcost_prices *p,
				   const llmcost_record *recs, unsigned n,
				   unsigned passes, unsigned threads,
				   int with_rollup)
{
	struct bench_figure f = { 0, 0, 0, 1, 0 };
	int64_t ns[BENCH_RUNS], cpu[BENCH_RUNS];
	lc_i128 first = 0;
	unsigned k;

	for (k = 0; k < BENCH_RUNS; k++) {
		struct bench_run run = run_once(p, recs, n, passes, threads,
						with_rollup);

		ns[k] = run.ns;
		cpu[k] = run.cpu;
		if (k == 0)
			first = run.total;
		if (run.total != first ||
		    (with_rollup && run.rollup_total != run.total))
			f.exact = 0;
		f.groups = run.groups;
		f.failures += run.failures;
	}
	f.ns_median = median(ns, BENCH_RUNS);
	f.cpu_median = median(cpu, BENCH_RUNS);
	return f;
}


/* ---- output ----------------------------------------------------------- */

static void money_print(const char *label, lc_i128 v)
{
	char buf[LLMCOST_MONEY_STRLEN];

	if (llmcost_money_format(lc_money_from_i128(v), buf, sizeof(buf)) < 0)
		strcpy(buf, "?");
	printf("%s%s USD\n", label, buf);
}


static void figure_print(const char *label, struct bench_figure f,
			 uint64_t calls)
{
	printf("%-28s %5lld ns/request CPU, %5lld wall (median of %d runs "
	       "of %llu calls)\n", label,
	       (long long)(f.cpu_median / (int64_t)calls),
	       (long long)(f.ns_median / (int64_t)calls), BENCH_RUNS,
	       (unsigned long long)calls);
	if (!f.exact || f.failures != 0)
		printf("  WARNING: money differed between runs or adds "
		       "failed (%ld failures)\n", f.failures);
}


static int prices_load(const char *path, llmcost_prices **out)
{
	int rc;

	if (path == NULL || strcmp(path, "-") == 0)
		return llmcost_prices_new_default(out);
	rc = llmcost_prices_new(out);
	if (rc == LLMCOST_OK)
		rc = llmcost_prices_load_litellm_file(*out, path,
						      LLMCOST_TIME_UNKNOWN);
	return rc;
}


/* ---- one request at a time -------------------------------------------- */

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}


/* The median of n readings of the clock taken back to back: what timing
 * one call adds to it. */
static int64_t timer_overhead(int32_t *v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		int64_t t0 = now_ns();

		v[i] = (int32_t)(now_ns() - t0);
	}
	qsort(v, n, sizeof(*v), cmp_i32);
	return v[n / 2];
}


/* Times every stamp (price + add into a fresh rollup with `groupings`
 * groupings) of `passes` passes on one thread, and prints the median,
 * 90th and 99th percentile, less the timer's own median cost. */
static void latency_print(const llmcost_prices *p, const llmcost_record *recs,
			  unsigned n, unsigned passes, int groupings)
{
	uint64_t calls = (uint64_t)n * passes, k = 0;
	int32_t *v = malloc(calls * sizeof(*v));
	llmcost_rollup *r = rollup_make(groupings);
	struct bench_job j = { p, r, recs, n, 0, 1, 1, 0, 0 };
	int64_t over;
	unsigned pass, i;

	if (v == NULL) {
		fprintf(stderr, "bench_stamp: out of memory\n");
		exit(1);
	}
	over = timer_overhead(v, n);
	for (pass = 0; pass < passes; pass++)
		for (i = 0; i < n; i++) {
			int64_t t0 = now_ns();

			job_one(&j, &recs[i]);
			v[k++] = (int32_t)(now_ns() - t0 - over);
		}
	qsort(v, calls, sizeof(*v), cmp_i32);
	printf("stamp, %d grouping%s, each request timed: median %d ns, "
	       "p90 %d, p99 %d (%llu requests; %lld ns of timer taken "
	       "off)\n", groupings, groupings == 1 ? "" : "s",
	       (int)v[calls / 2], (int)v[calls * 9 / 10],
	       (int)v[calls * 99 / 100], (unsigned long long)calls,
	       (long long)over);
	if (j.failures != 0)
		printf("  WARNING: %ld adds failed\n", j.failures);
	llmcost_rollup_free(r);
	free(v);
}


static void rate_print(const char *label, uint64_t calls,
		       struct bench_figure one, struct bench_figure two,
		       uint64_t two_calls)
{
	printf("%s: 1 thread %.2f M requests/s, 2 threads %.2f M "
	       "requests/s\n", label, calls * 1e3 / (double)one.ns_median,
	       two_calls * 1e3 / (double)two.ns_median);
}


int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : NULL;
	unsigned passes = argc > 2 ? (unsigned)atoi(argv[2]) : BENCH_PASSES;
	uint64_t calls, two_calls;
	struct bench_figure price, stamp, stamp4, two, two4;
	llmcost_prices *p = NULL;
	llmcost_record *recs;

	if (passes < 2)
		passes = 2;
	calls = (uint64_t)passes * BENCH_RECORDS;
	two_calls = calls;
	if (prices_load(path, &p) != LLMCOST_OK) {
		fprintf(stderr, "bench_stamp: %s\n", llmcost_last_error());
		return 1;
	}
	names_make();
	recs = records_make(BENCH_RECORDS);
	if (recs == NULL) {
		fprintf(stderr, "bench_stamp: out of memory\n");
		return 1;
	}
	printf("price table: %s (%zu keys)\n", path && strcmp(path, "-") ?
	       path : "default book", llmcost_prices_count(p));
	printf("workload: %d requests, %u model names, %d users, %d teams, "
	       "%u features, 10 days\n", BENCH_RECORDS, BENCH_MODELS,
	       BENCH_USERS, BENCH_TEAMS, BENCH_FEATURES);
	mix_print(p, recs, BENCH_RECORDS);

	if (getenv("BENCH_QUICK") != NULL) {
		/* One figure, for profilers: BENCH_QUICK=price times pricing
		 * alone, anything else the four-grouping stamp. */
		int only_price = strcmp(getenv("BENCH_QUICK"), "price") == 0;

		stamp4 = measure(p, recs, BENCH_RECORDS, passes, 1,
				 only_price ? 0 : 4);
		figure_print(only_price ? "resolve + cost:" :
			     "+ rollup_add, 4 groupings:", stamp4, calls);
		if (!only_price)
			latency_print(p, recs, BENCH_RECORDS, passes, 4);
		return stamp4.exact && stamp4.failures == 0 ? 0 : 1;
	}
	price = measure(p, recs, BENCH_RECORDS, passes, 1, 0);
	stamp = measure(p, recs, BENCH_RECORDS, passes, 1, 1);
	stamp4 = measure(p, recs, BENCH_RECORDS, passes, 1, 4);
	figure_print("resolve + cost:", price, calls);
	figure_print("+ rollup_add, 1 grouping:", stamp, calls);
	figure_print("+ rollup_add, 4 groupings:", stamp4, calls);
	two = measure(p, recs, BENCH_RECORDS, passes, 2, 1);
	two4 = measure(p, recs, BENCH_RECORDS, passes, 2, 4);
	rate_print("stamp, 1 grouping", calls, stamp, two, two_calls);
	rate_print("stamp, 4 groupings", calls, stamp4, two4, two_calls);
	latency_print(p, recs, BENCH_RECORDS, passes < 10 ? passes : 10, 4);
	printf("rollup groups: %zu with 1 grouping, %zu with 4\n",
	       stamp.groups, stamp4.groups);
	printf("money identical in every run and equal to the rollup's "
	       "sum: %s\n", price.exact && stamp.exact && stamp4.exact &&
	       two.exact && two4.exact ? "yes" : "NO");
	money_print("priced cost of one pass: ",
		    run_once(p, recs, BENCH_RECORDS, 1, 1, 0).total);
	free(recs);
	llmcost_prices_free(p);
	return 0;
}
