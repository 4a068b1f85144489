/*
 * bench_resolve.c - what resolving a logged model name and pricing the
 * request cost, for a name seen before (served by the resolution cache)
 * and for a name at first sight (every rule of docs/resolution.md run).
 *
 *   bench_resolve [PRICES.json|-] [CALLS]
 *
 * Uses the default book, or a LiteLLM price file given as the first
 * argument ("-" keeps the default).  The names are spelled the way
 * gateways log them, so that most need a rule past "exact".  Prints, for
 * each of resolve alone and resolve + cost, nanoseconds per call with the
 * cache warm and with it made stale before every call (the table's
 * generation is bumped, as a load would), each the median of BENCH_RUNS
 * runs of CALLS calls (default 2,000,000), over all the names and over
 * the first (an exact key) alone.  Times are printed, never
 * checked; the answers are: every warm call must resolve as the cold one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prices.h"

#define BENCH_RUNS 5
#define BENCH_CALLS 2000000L

/* Names as gateways log them: each needs a different rule. */
static const char *const names[] = {
	"gpt-4o",
	"openai/gpt-4o-mini",
	"bedrock/us-east-2/us.anthropic.claude-haiku-4-5-20251001-v1:0",
	"claude-sonnet-4@20250514",
	"vertex_ai/gemini-2.0-flash-001",
	"openrouter/anthropic/claude-sonnet-4.5",
	"ft:gpt-4o-mini-2024-07-18:acme::abc123",
	"gpt-4o-2024-11-20",
	"anthropic/claude-opus-4-1",
	"some-unknown-model-v9",
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

struct bench_answer {
	const char *key;
	uint32_t rule;
};

static struct bench_answer answers[NNAMES];


static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}


static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}


/* How many of the names the runs cycle through: all, or only the first
 * (an exact key, the commonest case). */
static size_t cycle = NNAMES;


/* One call: resolve alone, or resolve + cost; stale makes the cache
 * miss.  Returns 0 if the answer differs from the first one. */
static int one_call(llmcost_prices *p, size_t i, int with_cost, int stale,
		    llmcost_record *r, llmcost_cost *c)
{
	const char *key = NULL;
	uint32_t rule = 0;

	if (stale)
		lc_prices_changed(p);
	if (!with_cost) {
		llmcost_prices_resolve(p, names[i], NULL, &key, &rule, NULL);
		return key == answers[i].key && rule == answers[i].rule;
	}
	r->model = names[i];
	llmcost_cost_init(c);
	llmcost_price(p, r, c);
	return c->price_key == answers[i].key && c->rule == answers[i].rule;
}


/* Nanoseconds per call of one run; counts wrong answers in *bad. */
static int64_t run(llmcost_prices *p, long calls, int with_cost, int stale,
		   long *bad)
{
	llmcost_record r;
	llmcost_cost c;
	int64_t t0;
	long n;

	llmcost_record_init(&r);
	r.input_tokens = 3000;
	r.cached_tokens = 1000;
	r.output_tokens = 400;
	t0 = now_ns();
	for (n = 0; n < calls; n++)
		if (!one_call(p, (size_t)n % cycle, with_cost, stale, &r, &c))
			(*bad)++;
	return (now_ns() - t0) / calls;
}


static int64_t median(llmcost_prices *p, long calls, int with_cost,
		      int stale, long *bad)
{
	int64_t t[BENCH_RUNS];
	int i;

	for (i = 0; i < BENCH_RUNS; i++)
		t[i] = run(p, calls, with_cost, stale, bad);
	qsort(t, BENCH_RUNS, sizeof(t[0]), cmp_i64);
	return t[BENCH_RUNS / 2];
}


static void learn_answers(llmcost_prices *p)
{
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		answers[i].key = NULL;
		answers[i].rule = 0;
		llmcost_prices_resolve(p, names[i], NULL, &answers[i].key,
				       &answers[i].rule, NULL);
		printf("  %-62s %-14s %s\n", names[i],
		       llmcost_rule_name((int)answers[i].rule),
		       answers[i].key ? answers[i].key : "(unpriced)");
	}
}


static int load(llmcost_prices **p, const char *path)
{
	int rc = llmcost_prices_new_default(p);

	if (rc == LLMCOST_OK && path != NULL && strcmp(path, "-") != 0)
		rc = llmcost_prices_load_file(*p, path, LLMCOST_TIME_UNKNOWN);
	if (rc != LLMCOST_OK)
		fprintf(stderr, "bench_resolve: %s\n", llmcost_last_error());
	return rc;
}


int main(int argc, char **argv)
{
	llmcost_prices *p = NULL;
	long calls = argc > 2 ? atol(argv[2]) : BENCH_CALLS, bad = 0;
	int64_t warm, cold, warm_cost, cold_cost, one, one_cost;

	if (calls <= 0 || load(&p, argc > 1 ? argv[1] : NULL) != LLMCOST_OK)
		return 1;
	printf("%zu keys; %zu names, each resolved by:\n",
	       llmcost_prices_count(p), NNAMES);
	learn_answers(p);
	warm = median(p, calls, 0, 0, &bad);
	cold = median(p, calls / 10, 0, 1, &bad);
	warm_cost = median(p, calls, 1, 0, &bad);
	cold_cost = median(p, calls / 10, 1, 1, &bad);
	cycle = 1;
	one = median(p, calls, 0, 0, &bad);
	one_cost = median(p, calls, 1, 0, &bad);
	printf("resolve, name seen before   %6lld ns/call\n", (long long)warm);
	printf("resolve, first sight        %6lld ns/call\n", (long long)cold);
	printf("resolve + cost, seen before %6lld ns/call\n",
	       (long long)warm_cost);
	printf("resolve + cost, first sight %6lld ns/call\n",
	       (long long)cold_cost);
	printf("the same for '%s' alone: %lld and %lld ns/call\n", names[0],
	       (long long)one, (long long)one_cost);
	printf("(median of %d runs; %ld calls warm, %ld cold)\n", BENCH_RUNS,
	       calls, calls / 10);
	if (bad != 0)
		printf("WARNING: %ld calls resolved differently\n", bad);
	llmcost_prices_free(p);
	return bad != 0;
}
