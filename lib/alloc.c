/*
 * alloc.c - the one place the library allocates memory.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"


void *lc_malloc(size_t size)
{
	return malloc(size ? size : 1);
}


void *lc_calloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}


void *lc_realloc(void *p, size_t size)
{
	return realloc(p, size ? size : 1);
}


void lc_free(void *p)
{
	free(p);
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
