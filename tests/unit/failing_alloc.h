/*
 * failing_alloc.h - a counting allocator for the unit tests' sweeps that
 * fail the library's allocations one at a time: it fails allocation
 * number fail_at (1-based), and every later one too when fail_after is
 * set, and counts the blocks still live.  Include it once per test file.
 */
#ifndef LLMCOST_TEST_FAILING_ALLOC_H
#define LLMCOST_TEST_FAILING_ALLOC_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include "llmcost.h"

static long calls, fail_at, live;
static int fail_after;

static int should_fail(void)
{
	calls++;
	return calls == fail_at || (fail_after && calls > fail_at);
}

static void *count_malloc(void *ctx, size_t size)
{
	void *p;

	(void)ctx;
	if (should_fail())
		return NULL;
	p = malloc(size);
	if (p != NULL)
		live++;
	return p;
}

static void *count_realloc(void *ctx, void *old, size_t size)
{
	void *p;

	(void)ctx;
	if (should_fail())
		return NULL;
	p = realloc(old, size);
	if (p != NULL && old == NULL)
		live++;
	return p;
}

static void count_free(void *ctx, void *p)
{
	(void)ctx;
	if (p != NULL)
		live--;
	free(p);
}

/* Installs the allocator, failing allocation number fail (0: none), and
 * with and_after every one after it too. */
static void use_counting_allocator(long fail, int and_after)
{
	llmcost_allocator a;

	llmcost_allocator_init(&a);
	a.malloc_fn = count_malloc;
	a.realloc_fn = count_realloc;
	a.free_fn = count_free;
	cr_assert_eq(llmcost_set_allocator(&a), LLMCOST_OK);
	calls = 0;
	fail_at = fail;
	fail_after = and_after;
	live = 0;
}

#endif /* LLMCOST_TEST_FAILING_ALLOC_H */
