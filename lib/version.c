/*
 * version.c - the version of the library that is loaded.
 */
#include "internal.h"

#define LC_STR_(x) #x
#define LC_STR(x) LC_STR_(x)


LLMCOST_API unsigned llmcost_version(void)
{
	return LLMCOST_VERSION_NUMBER;
}


LLMCOST_API const char *llmcost_version_string(void)
{
	return LC_STR(LLMCOST_VERSION_MAJOR) "." LC_STR(LLMCOST_VERSION_MINOR)
	       "." LC_STR(LLMCOST_VERSION_PATCH);
}
