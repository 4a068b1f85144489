/*
 * status.c - status names, messages and the per-thread error detail.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define LC_ERROR_SIZE 512

static _Thread_local char lc_error_text[LC_ERROR_SIZE];


LLMCOST_API const char *llmcost_status_name(int status)
{
	switch (status) {
#define LC_NAME_CASE(name, code, msg) \
	case code: return "LLMCOST_" #name;
	LLMCOST_STATUS_LIST(LC_NAME_CASE)
#undef LC_NAME_CASE
	default:
		return "LLMCOST_E_UNKNOWN";
	}
}


LLMCOST_API const char *llmcost_status_message(int status)
{
	switch (status) {
#define LC_MSG_CASE(name, code, msg) \
	case code: return msg;
	LLMCOST_STATUS_LIST(LC_MSG_CASE)
#undef LC_MSG_CASE
	default:
		return "unknown status";
	}
}


LLMCOST_API const char *llmcost_last_error(void)
{
	return lc_error_text;
}


int lc_verror(int status, const char *fmt, va_list ap)
{
	int n = vsnprintf(lc_error_text, sizeof(lc_error_text), fmt, ap);

	if (n < 0)
		snprintf(lc_error_text, sizeof(lc_error_text), "%s",
			 llmcost_status_message(status));
	return status;
}


int lc_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lc_verror(status, fmt, ap);
	va_end(ap);
	return status;
}


void lc_error_clear(void)
{
	lc_error_text[0] = '\0';
}
