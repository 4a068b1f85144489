/*
 * rollup_key.c - dimensions, group keys and UTC time buckets.
 */
#include <string.h>

#include "rollup.h"

#define LC_HOUR_MS ((int64_t)3600000)
#define LC_DAY_MS ((int64_t)86400000)

static const char *const lc_dim_names[LLMCOST_DIM_COUNT] = {
	"team", "user", "feature", "model", "tenant", "environment",
	"provider", "workflow", "prompt_template_version", "service_tier"
};

static const char *const lc_bucket_names[LLMCOST_BUCKET_COUNT] = {
	"none", "hour", "day", "week", "month"
};


LLMCOST_API const char *llmcost_dim_name(int dim)
{
	if (dim < 0 || dim >= LLMCOST_DIM_COUNT)
		return "";
	return lc_dim_names[dim];
}


LLMCOST_API const char *llmcost_bucket_name(int bucket)
{
	if (bucket < 0 || bucket >= LLMCOST_BUCKET_COUNT)
		return "";
	return lc_bucket_names[bucket];
}


unsigned lc_dims_count(uint32_t dims)
{
	return (unsigned)__builtin_popcount(dims);
}


/* ---- keys ------------------------------------------------------------ */

/* The lowest dimension of a mask that is not 0: loops over a grouping's
 * dimensions visit only those it has. */
#define LC_DIM_NEXT(dims) ((unsigned)__builtin_ctz(dims))


static const char *lc_or_empty(const char *s)
{
	return s != NULL ? s : "";
}


void lc_parts_from_record(const llmcost_record *r, uint32_t dims,
			  struct lc_parts *p)
{
	size_t d;

	p->s[LLMCOST_DIM_TEAM] = lc_or_empty(r->team_id);
	p->s[LLMCOST_DIM_USER] = lc_or_empty(r->user_id);
	p->s[LLMCOST_DIM_FEATURE] = lc_or_empty(r->feature_name);
	p->s[LLMCOST_DIM_MODEL] = lc_or_empty(r->model);
	p->s[LLMCOST_DIM_TENANT] = lc_or_empty(r->tenant_id);
	p->s[LLMCOST_DIM_ENVIRONMENT] = lc_or_empty(r->environment);
	p->s[LLMCOST_DIM_PROVIDER] = lc_or_empty(r->provider);
	p->s[LLMCOST_DIM_WORKFLOW] = lc_or_empty(r->workflow_name);
	p->s[LLMCOST_DIM_PROMPT_TEMPLATE_VERSION] =
		lc_or_empty(r->prompt_template_version);
	p->s[LLMCOST_DIM_SERVICE_TIER] = lc_or_empty(r->service_tier);
	for (; dims != 0; dims &= dims - 1) {
		d = LC_DIM_NEXT(dims);
		p->len[d] = strlen(p->s[d]);
		p->hash[d] = lc_hash(p->s[d], p->len[d]);
	}
}


uint64_t lc_key_hash(const struct lc_parts *p, uint32_t dims)
{
	uint64_t h = 0x6a09e667f3bcc909ULL;
	unsigned d;

	for (; dims != 0; dims &= dims - 1) {
		d = LC_DIM_NEXT(dims);
		h = (h ^ p->hash[d]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}


size_t lc_key_size(const struct lc_parts *p, uint32_t dims)
{
	size_t d, size = 0;

	for (; dims != 0; dims &= dims - 1) {
		d = LC_DIM_NEXT(dims);
		size += p->len[d] + 1;
	}
	return size;
}


void lc_key_write(const struct lc_parts *p, uint32_t dims, char *out)
{
	size_t d;

	for (; dims != 0; dims &= dims - 1) {
		d = LC_DIM_NEXT(dims);
		memcpy(out, p->s[d], p->len[d] + 1);
		out += p->len[d] + 1;
	}
}


void lc_key_write_empty(uint32_t dims, char *out)
{
	memset(out, 0, lc_dims_count(dims));
}


void lc_key_split(const char *key, uint32_t dims,
		  const char *out[LLMCOST_DIM_CAPACITY])
{
	size_t d;

	for (d = 0; d < LLMCOST_DIM_CAPACITY; d++) {
		out[d] = d < LLMCOST_DIM_COUNT ? "" : NULL;
		if (d >= LLMCOST_DIM_COUNT || !(dims & (1u << d)))
			continue;
		out[d] = key;
		key += strlen(key) + 1;
	}
}


int lc_key_check(const char *key, size_t len, uint32_t dims)
{
	size_t i, nuls = 0;

	for (i = 0; i < len; i++)
		nuls += key[i] == '\0';
	if (nuls != lc_dims_count(dims))
		return -1;
	return len == 0 || key[len - 1] == '\0' ? 0 : -1;
}


int lc_key_is_empty(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (key[i] != '\0')
			return 0;
	return 1;
}


int lc_key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}


/* ---- time buckets ---------------------------------------------------- */

static int64_t lc_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return q - (a % b != 0 && a < 0);
}


/* The first day of d's month.  Requests come in time order, so each
 * thread remembers the last month it worked out. */
static int64_t lc_month_day(int64_t d)
{
	static _Thread_local int64_t first = 1, last = 0, start;
	int64_t y;
	unsigned m, day;

	if (d >= first && d <= last)
		return start;
	lc_civil_from_days(d, &y, &m, &day);
	start = lc_days_from_civil(y, m, 1);
	first = start;
	last = start + 27;		/* every month has 28 days */
	return start;
}


/* The first day of the bucket holding day number d (days since
 * 1970-01-01, a Thursday). */
static int64_t lc_bucket_day(int bucket, int64_t d)
{
	switch (bucket) {
	case LLMCOST_BUCKET_WEEK:
		return d - (d + 3 - lc_floor_div(d + 3, 7) * 7);
	case LLMCOST_BUCKET_MONTH:
		return lc_month_day(d);
	default:
		return d;
	}
}


int lc_bucket_start(int bucket, int64_t ms, int64_t *start)
{
	int64_t step = bucket == LLMCOST_BUCKET_HOUR ? LC_HOUR_MS : LC_DAY_MS;
	int64_t n;

	*start = LLMCOST_TIME_UNKNOWN;
	if (bucket == LLMCOST_BUCKET_NONE || ms == LLMCOST_TIME_UNKNOWN)
		return LLMCOST_OK;
	n = lc_floor_div(ms, step);
	if (bucket != LLMCOST_BUCKET_HOUR)
		n = lc_bucket_day(bucket, n);
	if (__builtin_mul_overflow(n, step, start) ||
	    *start == LLMCOST_TIME_UNKNOWN) {
		*start = LLMCOST_TIME_UNKNOWN;
		return lc_error(LLMCOST_E_RANGE, "rollup: timestamp_ms %lld "
				"has no %s bucket in range", (long long)ms,
				llmcost_bucket_name(bucket));
	}
	return LLMCOST_OK;
}


int lc_bucket_is_start(int bucket, int64_t start)
{
	int64_t again;

	if (bucket < 0 || bucket >= LLMCOST_BUCKET_COUNT)
		return 0;
	if (start == LLMCOST_TIME_UNKNOWN)
		return 1;
	if (bucket == LLMCOST_BUCKET_NONE)
		return 0;
	if (lc_bucket_start(bucket, start, &again) != LLMCOST_OK)
		return 0;
	return again == start;
}
