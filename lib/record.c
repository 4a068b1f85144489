/*
 * record.c - the trace record: initialisation and the token convention.
 */
#include <string.h>

#include "internal.h"

/* The smallest record any released header has described: up to and
 * including retry_count. */
#define LC_RECORD_MIN_SIZE \
	(offsetof(llmcost_record, retry_count) + sizeof(int32_t))


LLMCOST_API void llmcost_record_init(llmcost_record *record)
{
	if (record == NULL)
		return;
	memset(record, 0, sizeof(*record));
	record->struct_size = (uint32_t)sizeof(*record);
	record->request_count = 1;
	record->timestamp_ms = LLMCOST_TIME_UNKNOWN;
}


static int lc_record_size_check(const llmcost_record *in)
{
	if (in == NULL)
		return lc_error(LLMCOST_E_INVALID, "record is NULL");
	if (in->struct_size < LC_RECORD_MIN_SIZE)
		return lc_error(LLMCOST_E_SIZE,
				"record struct_size %u is below %zu; call "
				"llmcost_record_init()",
				(unsigned)in->struct_size, LC_RECORD_MIN_SIZE);
	return LLMCOST_OK;
}


int lc_record_copy(const llmcost_record *in, llmcost_record *out)
{
	int rc = lc_record_size_check(in);
	size_t n;

	if (rc != LLMCOST_OK)
		return rc;
	n = in->struct_size < sizeof(*out) ? in->struct_size : sizeof(*out);
	memset(out, 0, sizeof(*out));
	memcpy(out, in, n);
	out->struct_size = (uint32_t)sizeof(*out);
	return LLMCOST_OK;
}


int lc_record_full(const llmcost_record *in, llmcost_record *tmp,
		   const llmcost_record **out)
{
	int rc = lc_record_size_check(in);

	*out = in;
	if (rc != LLMCOST_OK || in->struct_size >= sizeof(*in))
		return rc;
	*out = tmp;
	return lc_record_copy(in, tmp);
}


static int lc_check_counts(const llmcost_record *r)
{
	static const struct {
		size_t offset;
		const char *name;
	} fields[] = {
		{offsetof(llmcost_record, input_tokens), "input_tokens"},
		{offsetof(llmcost_record, output_tokens), "output_tokens"},
		{offsetof(llmcost_record, cached_tokens), "cached_tokens"},
		{offsetof(llmcost_record, cache_write_tokens),
		 "cache_write_tokens"},
		{offsetof(llmcost_record, cache_write_1h_tokens),
		 "cache_write_1h_tokens"},
		{offsetof(llmcost_record, reasoning_tokens),
		 "reasoning_tokens"},
		{offsetof(llmcost_record, request_count), "request_count"},
		{offsetof(llmcost_record, latency_ms), "latency_ms"},
		{offsetof(llmcost_record, web_search_requests),
		 "web_search_requests"},
	};
	size_t i;

	if ((r->input_tokens | r->output_tokens | r->cached_tokens |
	     r->cache_write_tokens | r->cache_write_1h_tokens |
	     r->reasoning_tokens | r->request_count | r->latency_ms |
	     r->web_search_requests | r->retry_count) >= 0)
		return LLMCOST_OK;
	for (i = 0; i < LC_ARRAY_LEN(fields); i++) {
		int64_t v;

		memcpy(&v, (const char *)r + fields[i].offset, sizeof(v));
		if (v < 0)
			return lc_error(LLMCOST_E_NEGATIVE, "%s is negative "
					"(%lld)", fields[i].name,
					(long long)v);
	}
	if (r->retry_count < 0)
		return lc_error(LLMCOST_E_NEGATIVE,
				"retry_count is negative (%d)",
				(int)r->retry_count);
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_record_check(const llmcost_record *record)
{
	const llmcost_record *r = NULL;
	llmcost_record tmp;
	int rc = lc_record_full(record, &tmp, &r);

	return rc != LLMCOST_OK ? rc : lc_record_check_full(r);
}


int lc_record_check_full(const llmcost_record *r)
{
	int64_t cache;
	int rc = lc_check_counts(r);

	if (rc != LLMCOST_OK)
		return rc;

	/* Three non-negative int64 values cannot overflow a signed sum when
	 * compared step by step against input_tokens. */
	cache = r->cached_tokens;
	if (cache > r->input_tokens ||
	    r->cache_write_tokens > r->input_tokens - cache ||
	    r->cache_write_1h_tokens >
		    r->input_tokens - cache - r->cache_write_tokens)
		return lc_error(LLMCOST_E_PARTS,
				"cached_tokens (%lld) + cache_write_tokens "
				"(%lld) + cache_write_1h_tokens (%lld) exceed "
				"input_tokens (%lld)",
				(long long)r->cached_tokens,
				(long long)r->cache_write_tokens,
				(long long)r->cache_write_1h_tokens,
				(long long)r->input_tokens);
	if (r->reasoning_tokens > r->output_tokens)
		return lc_error(LLMCOST_E_PARTS,
				"reasoning_tokens (%lld) exceed output_tokens "
				"(%lld)", (long long)r->reasoning_tokens,
				(long long)r->output_tokens);
	return LLMCOST_OK;
}
