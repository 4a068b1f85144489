/*
 * alloc.c - the one place the library allocates memory.
 *
 * The host may replace the allocator (llmcost_set_allocator); tests use
 * that to fail each allocation in turn.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"


static void *lc_std_malloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}


static void *lc_std_realloc(void *ctx, void *p, size_t size)
{
	(void)ctx;
	return realloc(p, size);
}


static void lc_std_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}


static llmcost_allocator lc_alloc = {
	sizeof(llmcost_allocator), 0, lc_std_malloc, lc_std_realloc,
	lc_std_free, NULL
};


LLMCOST_API void llmcost_allocator_init(llmcost_allocator *allocator)
{
	if (allocator == NULL)
		return;
	memset(allocator, 0, sizeof(*allocator));
	allocator->struct_size = (uint32_t)sizeof(*allocator);
	allocator->malloc_fn = lc_std_malloc;
	allocator->realloc_fn = lc_std_realloc;
	allocator->free_fn = lc_std_free;
}


LLMCOST_API int llmcost_set_allocator(const llmcost_allocator *allocator)
{
	if (allocator == NULL) {
		llmcost_allocator_init(&lc_alloc);
		return LLMCOST_OK;
	}
	if (allocator->struct_size != sizeof(*allocator))
		return lc_error(LLMCOST_E_SIZE, "allocator struct_size %u is "
				"not %zu", (unsigned)allocator->struct_size,
				sizeof(*allocator));
	if (allocator->malloc_fn == NULL || allocator->realloc_fn == NULL ||
	    allocator->free_fn == NULL)
		return lc_error(LLMCOST_E_INVALID,
				"allocator has a NULL function");
	lc_alloc = *allocator;
	return LLMCOST_OK;
}


void *lc_malloc(size_t size)
{
	return lc_alloc.malloc_fn(lc_alloc.ctx, size ? size : 1);
}


void *lc_calloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (n > SIZE_MAX / size)
		return NULL;
	p = lc_malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}


void *lc_realloc(void *p, size_t size)
{
	return lc_alloc.realloc_fn(lc_alloc.ctx, p, size ? size : 1);
}


void lc_free(void *p)
{
	if (p != NULL)
		lc_alloc.free_fn(lc_alloc.ctx, p);
}


char *lc_strndup(const char *s, size_t len)
{
	char *copy;

	if (len == SIZE_MAX)
		return NULL;
	copy = lc_malloc(len + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}


char *lc_strdup(const char *s)
{
	return lc_strndup(s, strlen(s));
}
