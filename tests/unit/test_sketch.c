/*
 * test_sketch.c - the log-bucketed quantile sketch: bucket numbers, the
 * 1/64 error bound against exact quantiles, merging, and checks of
 * entries read from outside.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rollup.h"

#define SAMPLES 100000


static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


static void assert_within(int64_t got, int64_t exact)
{
	lc_i128 slack = exact / LLMCOST_SKETCH_ERROR_DIV;

	cr_assert((lc_i128)got >= exact - slack &&
		  (lc_i128)got <= exact + slack,
		  "sketch gave %lld for %lld (allowed +-%lld)",
		  (long long)got, (long long)exact, (long long)(exact / 64));
}


Test(sketch, small_values_have_buckets_of_their_own)
{
	int64_t v;

	for (v = 0; v < 64; v++) {
		cr_assert_eq(lc_sk_index(v), (unsigned)v);
		cr_assert_eq(lc_sk_value((unsigned)v), v);
	}
	cr_assert_eq(lc_sk_index(-5), 0);
}


Test(sketch, bucket_numbers_by_hand)
{
	/* 64 and 65 share bucket 64 (width 2), standing for 65; 127 is the
	 * last of the 2^6 range (64 + 31); 128 opens the 2^7 range at 96
	 * with width 4, standing for 130. */
	cr_assert_eq(lc_sk_index(64), 64);
	cr_assert_eq(lc_sk_index(65), 64);
	cr_assert_eq(lc_sk_index(66), 65);
	cr_assert_eq(lc_sk_value(64), 65);
	cr_assert_eq(lc_sk_index(127), 95);
	cr_assert_eq(lc_sk_index(128), 96);
	cr_assert_eq(lc_sk_index(131), 96);
	cr_assert_eq(lc_sk_index(132), 97);
	cr_assert_eq(lc_sk_value(96), 130);
	/* INT64_MAX: highest bit 62, s = 57, j = 31: (57 + 1) * 32 + 31. */
	cr_assert_eq(lc_sk_index(INT64_MAX), 1887);
	cr_assert_eq(LC_SK_INDEX_LIMIT, 1888);
	/* lo = 63 << 57, plus half the width 2^56. */
	cr_assert_eq(lc_sk_value(1887), (int64_t)(63ULL << 57 | 1ULL << 56));
}


Test(sketch, every_value_is_within_one_64th_of_its_bucket_value)
{
	int64_t v;
	int i;

	for (v = 0; v < 300000; v++)
		assert_within(lc_sk_value(lc_sk_index(v)), v);
	for (i = 0; i < 200000; i++) {
		v = (int64_t)(mix64((uint64_t)i) >> (1 + i % 63));
		assert_within(lc_sk_value(lc_sk_index(v)), v);
	}
	assert_within(lc_sk_value(lc_sk_index(INT64_MAX)), INT64_MAX);
}


Test(sketch, bucket_numbers_rise_with_values)
{
	unsigned last = 0, idx;
	int64_t v;

	for (v = 0; v < 1000000; v++) {
		idx = lc_sk_index(v);
		cr_assert(idx == last || idx == last + 1, "gap at %lld",
			  (long long)v);
		last = idx;
	}
}


/* ---- quantiles against exact ones ------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}


/* Exact nearest-rank quantile of sorted v[0..n). */
static int64_t exact_quantile(const int64_t *v, size_t n, uint32_t pm)
{
	uint64_t rank = ((uint64_t)n * pm + 9999) / 10000;

	return v[rank == 0 ? 0 : rank - 1];
}


static void check_distribution(int64_t (*gen)(uint64_t))
{
	static const uint32_t pms[] = { 0, 1, 100, 2500, 5000, 7500, 9000,
					9500, 9900, 9999, 10000 };
	static int64_t v[SAMPLES];
	struct lc_sketch s;
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < SAMPLES; i++) {
		v[i] = gen(i);
		cr_assert_eq(lc_sk_reserve(&s, lc_sk_index(v[i])), 0);
		lc_sk_add(&s, lc_sk_index(v[i]));
	}
	qsort(v, SAMPLES, sizeof(v[0]), cmp_i64);
	for (i = 0; i < LC_ARRAY_LEN(pms); i++)
		assert_within(lc_sk_live_quantile(&s, SAMPLES, pms[i]),
			      exact_quantile(v, SAMPLES, pms[i]));
	lc_sk_free(&s);
}


static int64_t gen_uniform(uint64_t i)
{
	return (int64_t)(mix64(i) % 200000);
}


/* Prompt sizes: mostly a few thousand tokens, a long tail. */
static int64_t gen_prompts(uint64_t i)
{
	uint64_t x = mix64(i);

	switch (x % 10) {
	case 0:
		return 20000 + (int64_t)(x >> 8) % 180000;
	case 1:
		return (int64_t)(x >> 8) % 60;
	default:
		return 1000 + (int64_t)(x >> 8) % 7000;
	}
}


/* Spread over many powers of two. */
static int64_t gen_log(uint64_t i)
{
	uint64_t x = mix64(i);

	return (int64_t)(x >> (x % 60 + 4));
}


static int64_t gen_few(uint64_t i)
{
	static const int64_t vals[] = { 0, 17, 250, 251, 9000, 1000000 };

	return vals[mix64(i) % 6];
}


Test(sketch, quantiles_within_bound_of_exact_uniform)
{
	check_distribution(gen_uniform);
}


Test(sketch, quantiles_within_bound_of_exact_prompt_sizes)
{
	check_distribution(gen_prompts);
}


Test(sketch, quantiles_within_bound_of_exact_wide_range)
{
	check_distribution(gen_log);
}


Test(sketch, quantiles_within_bound_of_exact_few_values)
{
	check_distribution(gen_few);
}


Test(sketch, quantile_ranks_by_hand)
{
	lc_sk_entry e[3];

	/* Values 5 (x2), 10 (x1), 20 (x1): 4 values. */
	e[0] = lc_ske_make(5, 2);
	e[1] = lc_ske_make(10, 1);
	e[2] = lc_ske_make(20, 1);
	cr_assert_eq(lc_sk_quantile(e, 3, 4, 0), 5);	/* rank 1 */
	cr_assert_eq(lc_sk_quantile(e, 3, 4, 5000), 5);	/* rank 2 */
	cr_assert_eq(lc_sk_quantile(e, 3, 4, 5001), 10);	/* rank 3 */
	cr_assert_eq(lc_sk_quantile(e, 3, 4, 7500), 10);	/* rank 3 */
	cr_assert_eq(lc_sk_quantile(e, 3, 4, 9500), 20);	/* rank 4 */
	cr_assert_eq(lc_sk_quantile(e, 3, 4, 10000), 20);
}


/* ---- growth and merging ----------------------------------------------- */

static void count_in(struct lc_sketch *s, unsigned index)
{
	cr_assert_eq(lc_sk_reserve(s, index), 0);
	lc_sk_add(s, index);
}


Test(sketch, one_value_lives_inline_then_moves_to_the_heap)
{
	lc_sk_entry e[2];
	struct lc_sketch s;

	memset(&s, 0, sizeof(s));
	count_in(&s, 7);
	count_in(&s, 7);
	cr_assert_null(s.p, "one distinct value must not allocate");
	cr_assert_eq(lc_sk_count(&s), 1);
	count_in(&s, 3);
	cr_assert_not_null(s.p);
	cr_assert_eq(lc_sk_count(&s), 2);
	lc_sk_export(&s, e);
	cr_assert_eq(e[0], lc_ske_make(3, 1));
	cr_assert_eq(e[1], lc_ske_make(7, 2));
	lc_sk_free(&s);
}


/* Past LC_SK_SPARSE_MAX buckets the sketch turns dense; its window grows
 * both ways; its entries read back the same. */
Test(sketch, dense_form_keeps_every_count)
{
	static const unsigned idx[] = { 500, 40, 41, 42, 43, 44, 45, 46, 47,
					1887, 0, 46, 500, 900 };
	lc_sk_entry e[16];
	struct lc_sketch s;
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < LC_ARRAY_LEN(idx); i++) {
		count_in(&s, idx[i]);
		cr_assert_eq(s.dense, i >= 8 ? 1 : 0, "after %zu", i);
	}
	cr_assert_eq(lc_sk_count(&s), 12);
	lc_sk_export(&s, e);
	cr_assert_eq(e[0], lc_ske_make(0, 1));
	cr_assert_eq(e[1], lc_ske_make(40, 1));
	cr_assert_eq(e[7], lc_ske_make(46, 2));
	cr_assert_eq(e[9], lc_ske_make(500, 2));
	cr_assert_eq(e[10], lc_ske_make(900, 1));
	cr_assert_eq(e[11], lc_ske_make(1887, 1));
	/* 14 values: the median (rank 7) is 45, the largest is bucket 1887. */
	cr_assert_eq(lc_sk_live_quantile(&s, 14, 5000), 45);
	cr_assert_eq(lc_sk_live_quantile(&s, 14, 10000), lc_sk_value(1887));
	cr_assert_eq(lc_sk_live_quantile(&s, 14, 0), 0);
	lc_sk_free(&s);
}


/* A bucket past 32 bits turns the sketch sparse for good. */
Test(sketch, a_count_past_32_bits_goes_back_to_sparse)
{
	lc_sk_entry e[12];
	struct lc_sketch s;
	unsigned i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 10; i++)
		count_in(&s, 100 + i);
	cr_assert_eq(s.dense, 1);
	((uint32_t *)s.p)[105 - s.lo] = UINT32_MAX;
	count_in(&s, 105);
	cr_assert_eq(s.dense, 2);
	count_in(&s, 7);
	cr_assert_eq(lc_sk_count(&s), 11);
	lc_sk_export(&s, e);
	cr_assert_eq(e[0], lc_ske_make(7, 1));
	cr_assert_eq(e[6], lc_ske_make(105, (uint64_t)UINT32_MAX + 1));
	lc_sk_free(&s);
}


static void fill(struct lc_sketch *s, uint64_t seed, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned idx = lc_sk_index(gen_prompts(seed + i));

		cr_assert_eq(lc_sk_reserve(s, idx), 0);
		lc_sk_add(s, idx);
	}
}


Test(sketch, merge_equals_the_sketch_of_both_streams)
{
	static lc_sk_entry ea[LC_SK_INDEX_LIMIT], eb[LC_SK_INDEX_LIMIT];
	static lc_sk_entry eboth[LC_SK_INDEX_LIMIT];
	static lc_sk_entry out[2 * LC_SK_INDEX_LIMIT];
	struct lc_sketch a, b, both;
	size_t n;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&both, 0, sizeof(both));
	fill(&a, 0, 5000);
	fill(&b, 5000, 7000);
	fill(&both, 0, 12000);
	lc_sk_export(&a, ea);
	lc_sk_export(&b, eb);
	lc_sk_export(&both, eboth);
	cr_assert_eq(lc_sk_merge(ea, lc_sk_count(&a), eb, lc_sk_count(&b),
				 out, &n), 0);
	cr_assert_eq(n, lc_sk_count(&both));
	cr_assert_eq(memcmp(out, eboth, n * sizeof(*out)), 0);
	lc_sk_free(&a);
	lc_sk_free(&b);
	lc_sk_free(&both);
}


Test(sketch, merge_refuses_a_count_past_48_bits)
{
	lc_sk_entry a = lc_ske_make(9, LC_SK_COUNT_MAX);
	lc_sk_entry b = lc_ske_make(9, 1), c = lc_ske_make(10, 1), out[2];
	size_t n;

	cr_assert_eq(lc_sk_merge(&a, 1, &b, 1, out, &n), -1);
	cr_assert_eq(lc_sk_merge(&a, 1, &c, 1, out, &n), 0);
	cr_assert_eq(n, 2);
}


Test(sketch, check_rejects_bad_entries)
{
	lc_sk_entry e[2];
	uint64_t total = 0;

	e[0] = lc_ske_make(3, 2);
	e[1] = lc_ske_make(8, 5);
	cr_assert_eq(lc_sk_check(e, 2, &total), 0);
	cr_assert_eq(total, 7);
	e[1] = lc_ske_make(3, 5);		/* not rising */
	cr_assert_eq(lc_sk_check(e, 2, &total), -1);
	e[1] = lc_ske_make(8, 0);		/* empty bucket */
	cr_assert_eq(lc_sk_check(e, 2, &total), -1);
	e[1] = lc_ske_make(LC_SK_INDEX_LIMIT, 1);
	cr_assert_eq(lc_sk_check(e, 2, &total), -1);
	e[0] = lc_ske_make(3, LC_SK_COUNT_MAX);
	e[1] = lc_ske_make(8, 1);		/* total past 48 bits */
	cr_assert_eq(lc_sk_check(e, 2, &total), -1);
}
