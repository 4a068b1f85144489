/*
 * rollup_json_read.c - reads the JSON form of a snapshot back.
 *
 * The JSON form (rollup_json.c, docs/snapshot.md) holds all a snapshot
 * knows, so reading it gives the snapshot that was written, byte for byte
 * once saved in the binary form.  The reader is as strict as the binary
 * one: every member must be there and no other; counts are plain JSON
 * integers; money is a decimal string, parsed exactly; a time is the
 * writer's RFC 3339 text; and every part passes the same checks as in the
 * binary reader (lc_check_* in rollup_codec.c).  The fields the writer
 * works out for people (a grouping's index and group count,
 * priced_requests, p50 and p95, sketch_error) are worked out again and
 * must agree, so that a file that says two different things is refused.
 *
 * An error names the JSON path of what is wrong:
 *   snapshot JSON: groups[3].cost.total: not a decimal string
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rollup.h"

#define LC_PATH_MAX 160

struct lc_jr {
	llmcost_snapshot *s;
	struct lc_buf key;		/* the key being built */
	char path[LC_PATH_MAX];		/* of the value being read */
	size_t plen;
};

static const char *const lc_top_names[] = {
	"format", "version", "sketch_error", "groupings", "groups"
};

static const char *const lc_grouping_names[] = {
	"index", "dims", "bucket", "max_groups", "heavy_hitters", "groups",
	"overflow"
};

static const char *const lc_overflow_names[] = {
	"cost", "untracked_bound", "heavy_hitters"
};

static const char *const lc_entry_names[] = { "key", "cost", "error" };

static const char *const lc_group_names[] = {
	"grouping", "overflow", "key", "bucket_start", "records", "requests",
	"priced_requests", "unpriced_requests", "retries", "errors",
	"latency_sum_ms", "latency_max_ms", "tokens", "units", "cost",
	"input_tokens", "latency_ms"
};

static const char *const lc_cost_names[] = {
	"total", "contracted", "effective", "components"
};

static const char *const lc_sketch_names[] = { "p50", "p95", "sketch" };

/* The plain counts of a group, by name. */
static const struct {
	const char *name;
	int at;
} lc_count_fields[] = {
	{ "records", LC_N_RECORDS },
	{ "requests", LC_N_REQUESTS },
	{ "unpriced_requests", LC_N_UNPRICED },
	{ "retries", LC_N_RETRIES },
	{ "errors", LC_N_ERRORS },
	{ "latency_sum_ms", LC_N_LATENCY },
};


/* ---- paths and errors ------------------------------------------------- */

static size_t lc_jr_enter(struct lc_jr *jr, const char *name)
{
	size_t old = jr->plen;
	int n = snprintf(jr->path + old, sizeof(jr->path) - old, "%s%.48s",
			 old ? "." : "", name);

	if (n > 0)
		jr->plen = old + (size_t)n < sizeof(jr->path) ?
			   old + (size_t)n : sizeof(jr->path) - 1;
	return old;
}


static size_t lc_jr_enter_index(struct lc_jr *jr, size_t i)
{
	size_t old = jr->plen;
	int n = snprintf(jr->path + old, sizeof(jr->path) - old, "[%zu]", i);

	if (n > 0)
		jr->plen = old + (size_t)n < sizeof(jr->path) ?
			   old + (size_t)n : sizeof(jr->path) - 1;
	return old;
}


static void lc_jr_leave(struct lc_jr *jr, size_t old)
{
	jr->plen = old;
	jr->path[old] = '\0';
}


static int lc_jr_fail(struct lc_jr *jr, int status, const char *fmt, ...)
	LC_PRINTF(3, 4);

static int lc_jr_fail(struct lc_jr *jr, int status, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (jr->plen == 0)
		return lc_error(status, "snapshot JSON: %s", why);
	return lc_error(status, "snapshot JSON: %s: %s", jr->path, why);
}


static int lc_jr_nomem(void)
{
	return lc_error(LLMCOST_E_NOMEM, "snapshot JSON: no memory");
}


/* ---- values ----------------------------------------------------------- */

static const cJSON *lc_jr_get(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name);
}


/* o is an object with exactly the members names[0..n). */
static int lc_jr_object(struct lc_jr *jr, const cJSON *o,
			const char *const *names, size_t n)
{
	const cJSON *c;
	size_t i;

	if (!cJSON_IsObject(o))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an object");
	for (c = o->child; c != NULL; c = c->next) {
		for (i = 0; i < n && strcmp(c->string, names[i]) != 0; i++)
			;
		if (i == n && c->string[0] == '\0')
			return lc_jr_fail(jr, LLMCOST_E_PARSE,
					  "unknown member \"\"");
		if (i == n) {
			lc_jr_enter(jr, c->string);
			return lc_jr_fail(jr, LLMCOST_E_PARSE,
					  "unknown member");
		}
	}
	for (i = 0; i < n; i++)
		if (lc_jr_get(o, names[i]) == NULL) {
			lc_jr_enter(jr, names[i]);
			return lc_jr_fail(jr, LLMCOST_E_PARSE, "missing");
		}
	return LLMCOST_OK;
}


/* The text of item if it is a plain JSON integer (no fraction or
 * exponent), else NULL. */
static const char *lc_plain_int(const cJSON *item)
{
	const char *t = lc_json_number(item);
	size_t sign;

	if (t == NULL)
		return NULL;
	sign = t[0] == '-';
	return strspn(t + sign, "0123456789") == strlen(t) - sign ? t : NULL;
}


/* A plain JSON integer within [min, max]. */
static int lc_jr_int_of(struct lc_jr *jr, const cJSON *item, lc_i128 min,
			lc_i128 max, lc_i128 *out)
{
	const char *t = lc_plain_int(item);

	if (t == NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an integer");
	if (lc_decimal_parse(t, strlen(t), 0, out) != LLMCOST_OK ||
	    *out < min || *out > max)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%.40s is %s", t,
				  min == 0 && t[0] == '-' ? "negative" :
				  "out of range");
	return LLMCOST_OK;
}


static int lc_jr_int(struct lc_jr *jr, const cJSON *o, const char *name,
		     lc_i128 min, lc_i128 max, lc_i128 *out)
{
	size_t old = lc_jr_enter(jr, name);
	int rc = lc_jr_int_of(jr, lc_jr_get(o, name), min, max, out);

	if (rc == LLMCOST_OK)
		lc_jr_leave(jr, old);
	return rc;
}


/* A count: an integer from 0 to INT64_MAX. */
static int lc_jr_count(struct lc_jr *jr, const cJSON *o, const char *name,
		       int64_t *out)
{
	lc_i128 v;
	int rc = lc_jr_int(jr, o, name, 0, INT64_MAX, &v);

	*out = (int64_t)v;
	return rc;
}


/* A derived integer: must equal want. */
static int lc_jr_derived(struct lc_jr *jr, const cJSON *o, const char *name,
			 int64_t want)
{
	size_t old = lc_jr_enter(jr, name);
	lc_i128 v;
	int rc = lc_jr_int_of(jr, lc_jr_get(o, name), INT64_MIN, INT64_MAX,
			      &v);

	if (rc != LLMCOST_OK)
		return rc;
	if (v != want)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%lld does not match "
				  "the rest of the snapshot (%lld)",
				  (long long)v, (long long)want);
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* Money: a decimal string in US dollars, exact to 10^-18. */
static int lc_jr_money(struct lc_jr *jr, const cJSON *o, const char *name,
		       lc_i128 *out)
{
	size_t old = lc_jr_enter(jr, name);
	const char *t = lc_json_string(lc_jr_get(o, name));
	int rc;

	if (t == NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not a decimal string");
	rc = lc_decimal_parse(t, strlen(t), LLMCOST_MONEY_DIGITS, out);
	if (rc == LLMCOST_E_INEXACT)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "\"%.40s\" has digits "
				  "below 10^-18", t);
	if (rc == LLMCOST_E_RANGE)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "\"%.40s\" is out of "
				  "range", t);
	if (rc != LLMCOST_OK)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "\"%.40s\" is not a "
				  "decimal", t);
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* A time: null (none), the writer's RFC 3339 UTC text, or, outside the
 * years RFC 3339 can write, an integer of epoch ms.  Each time has one
 * form only. */
static int lc_jr_time(struct lc_jr *jr, const cJSON *o, const char *name,
		      int64_t *out)
{
	size_t old = lc_jr_enter(jr, name);
	const cJSON *item = lc_jr_get(o, name);
	const char *t;
	char again[48];
	lc_i128 v;
	int64_t ms;

	if (cJSON_IsNull(item)) {
		*out = LLMCOST_TIME_UNKNOWN;
	} else if (lc_json_number(item) != NULL) {
		if (lc_jr_int_of(jr, item, INT64_MIN, INT64_MAX, &v) != 0)
			return LLMCOST_E_PARSE;
		if (v == LLMCOST_TIME_UNKNOWN ||
		    (v >= LC_JSON_TIME_MIN && v <= LC_JSON_TIME_MAX))
			return lc_jr_fail(jr, LLMCOST_E_PARSE, "a time as a "
					  "number must lie outside the years "
					  "0000 to 9999");
		*out = (int64_t)v;
	} else {
		t = lc_json_string(item);
		if (t == NULL || lc_time_parse(t, strlen(t), &ms) != 0 ||
		    ms < LC_JSON_TIME_MIN || ms > LC_JSON_TIME_MAX ||
		    lc_time_format(ms, again, sizeof(again)) < 0 ||
		    strcmp(again, t) != 0)
			return lc_jr_fail(jr, LLMCOST_E_PARSE, "not a time "
					  "as RFC 3339 UTC text "
					  "(2025-05-30T00:00:00Z) or null");
		*out = ms;
	}
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* A key object, one string per dimension of dims; its bytes go to the
 * snapshot's key pool. */
static int lc_jr_key(struct lc_jr *jr, const cJSON *o, const char *name,
		     uint32_t dims, uint64_t *off, uint32_t *len)
{
	const char *names[LLMCOST_DIM_COUNT];
	const cJSON *item = lc_jr_get(o, name);
	size_t old = lc_jr_enter(jr, name), n = 0, i;
	const char *v, *key;
	int d, rc;

	for (d = 0; d < LLMCOST_DIM_COUNT; d++)
		if (dims & (1u << d))
			names[n++] = llmcost_dim_name(d);
	rc = lc_jr_object(jr, item, names, n);
	if (rc != LLMCOST_OK)
		return rc;
	jr->key.len = 0;
	for (i = 0; i < n; i++) {
		v = lc_json_string(lc_jr_get(item, names[i]));
		if (v == NULL) {
			lc_jr_enter(jr, names[i]);
			return lc_jr_fail(jr, LLMCOST_E_PARSE,
					  "not a string");
		}
		lc_buf_put(&jr->key, v, strlen(v) + 1);
	}
	if (jr->key.failed)
		return lc_jr_nomem();
	key = jr->key.len ? jr->key.p : "";
	if (jr->key.len > UINT32_MAX ||
	    lc_key_check(key, jr->key.len, dims) != 0)
		return lc_jr_fail(jr, LLMCOST_E_PARSE,
				  "key does not fit its grouping");
	if (lc_snap_key_add(jr->s, key, jr->key.len, off) != LLMCOST_OK)
		return lc_jr_nomem();
	*len = (uint32_t)jr->key.len;
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* ---- groupings ---------------------------------------------------- */

static int lc_jr_dims(struct lc_jr *jr, const cJSON *o, uint32_t *dims)
{
	const cJSON *arr = lc_jr_get(o, "dims"), *c;
	size_t old = lc_jr_enter(jr, "dims"), i = 0, at;
	int d, last = -1;
	const char *t;

	if (!cJSON_IsArray(arr))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an array");
	*dims = 0;
	for (c = arr->child; c != NULL; c = c->next, i++) {
		at = lc_jr_enter_index(jr, i);
		t = lc_json_string(c);
		for (d = 0; t != NULL && d < LLMCOST_DIM_COUNT; d++)
			if (strcmp(t, llmcost_dim_name(d)) == 0)
				break;
		if (t == NULL || d == LLMCOST_DIM_COUNT)
			return lc_jr_fail(jr, LLMCOST_E_PARSE,
					  "unknown dimension");
		if (d <= last)
			return lc_jr_fail(jr, LLMCOST_E_PARSE, "dimensions "
					  "not in their order, or repeated");
		last = d;
		*dims |= 1u << d;
		lc_jr_leave(jr, at);
	}
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


static int lc_jr_bucket(struct lc_jr *jr, const cJSON *o, uint32_t *bucket)
{
	size_t old = lc_jr_enter(jr, "bucket");
	const char *t = lc_json_string(lc_jr_get(o, "bucket"));
	int b;

	for (b = 0; t != NULL && b < LLMCOST_BUCKET_COUNT; b++)
		if (strcmp(t, llmcost_bucket_name(b)) == 0)
			break;
	if (t == NULL || b == LLMCOST_BUCKET_COUNT)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "unknown time bucket");
	*bucket = (uint32_t)b;
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


static int lc_jr_entry(struct lc_jr *jr, const cJSON *o,
		       struct lc_sgrouping *gr)
{
	struct lc_hh_entry e;
	const char *why;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = lc_jr_object(jr, o, lc_entry_names, LC_ARRAY_LEN(lc_entry_names));
	if (rc == LLMCOST_OK)
		rc = lc_jr_key(jr, o, "key", gr->dims, &e.key_off,
			       &e.key_len);
	if (rc == LLMCOST_OK)
		rc = lc_jr_money(jr, o, "cost", &e.count);
	if (rc == LLMCOST_OK)
		rc = lc_jr_money(jr, o, "error", &e.error);
	if (rc != LLMCOST_OK)
		return rc;
	if ((why = lc_check_heavy_entry(jr->s, gr, &e)) != NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%s", why);
	if (lc_snap_hh_add(jr->s, &e) != LLMCOST_OK)
		return lc_jr_nomem();
	return LLMCOST_OK;
}


/* The overflow object: the counters' total, bound and entries. */
static int lc_jr_overflow(struct lc_jr *jr, const cJSON *o,
			  struct lc_sgrouping *gr)
{
	size_t old = lc_jr_enter(jr, "overflow"), at, i = 0;
	const cJSON *item = lc_jr_get(o, "overflow"), *arr, *c;
	const char *why;
	int rc;

	rc = lc_jr_object(jr, item, lc_overflow_names,
			  LC_ARRAY_LEN(lc_overflow_names));
	if (rc == LLMCOST_OK)
		rc = lc_jr_money(jr, item, "cost", &gr->hh_total);
	if (rc == LLMCOST_OK)
		rc = lc_jr_money(jr, item, "untracked_bound", &gr->hh_bound);
	if (rc != LLMCOST_OK)
		return rc;
	if ((why = lc_check_heavy_totals(gr)) != NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%s", why);
	lc_jr_enter(jr, "heavy_hitters");
	arr = lc_jr_get(item, "heavy_hitters");
	if (!cJSON_IsArray(arr))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an array");
	if ((size_t)cJSON_GetArraySize(arr) > gr->heavy)
		return lc_jr_fail(jr, LLMCOST_E_PARSE,
				  "more heavy hitters than k (%u)",
				  (unsigned)gr->heavy);
	gr->hh_first = jr->s->nhh;
	for (c = arr->child; c != NULL; c = c->next, i++) {
		at = lc_jr_enter_index(jr, i);
		rc = lc_jr_entry(jr, c, gr);
		if (rc != LLMCOST_OK)
			return rc;
		lc_jr_leave(jr, at);
	}
	gr->hh_count = i;
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


static int lc_jr_grouping(struct lc_jr *jr, const cJSON *o, size_t i)
{
	struct lc_sgrouping *gr = &jr->s->gr[i];
	const char *why;
	lc_i128 v;
	int rc;

	memset(gr, 0, sizeof(*gr));
	rc = lc_jr_object(jr, o, lc_grouping_names,
			  LC_ARRAY_LEN(lc_grouping_names));
	if (rc == LLMCOST_OK)
		rc = lc_jr_derived(jr, o, "index", (int64_t)i);
	if (rc == LLMCOST_OK)
		rc = lc_jr_dims(jr, o, &gr->dims);
	if (rc == LLMCOST_OK)
		rc = lc_jr_bucket(jr, o, &gr->bucket);
	if (rc == LLMCOST_OK)
		rc = lc_jr_int(jr, o, "max_groups", 0, UINT64_MAX, &v);
	if (rc != LLMCOST_OK)
		return rc;
	gr->max_groups = (uint64_t)v;
	rc = lc_jr_int(jr, o, "heavy_hitters", 0, UINT32_MAX, &v);
	if (rc != LLMCOST_OK)
		return rc;
	gr->heavy = (uint32_t)v;
	if ((why = lc_check_grouping(jr->s, i)) != NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%s", why);
	jr->s->ngr = i + 1;
	return lc_jr_overflow(jr, o, gr);
}


static int lc_jr_groupings(struct lc_jr *jr, const cJSON *root)
{
	const cJSON *arr = lc_jr_get(root, "groupings"), *c;
	size_t old = lc_jr_enter(jr, "groupings"), at, i = 0;
	int rc;

	if (!cJSON_IsArray(arr))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an array");
	if (cJSON_GetArraySize(arr) > LLMCOST_GROUPING_MAX)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "too many groupings");
	jr->s->gr = lc_calloc(LLMCOST_GROUPING_MAX, sizeof(*jr->s->gr));
	if (jr->s->gr == NULL)
		return lc_jr_nomem();
	for (c = arr->child; c != NULL; c = c->next, i++) {
		at = lc_jr_enter_index(jr, i);
		rc = lc_jr_grouping(jr, c, i);
		if (rc != LLMCOST_OK)
			return rc;
		lc_jr_leave(jr, at);
	}
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* Each grouping's group count, once the groups are read. */
static int lc_jr_group_counts(struct lc_jr *jr, const cJSON *root)
{
	const cJSON *c = lc_jr_get(root, "groupings")->child;
	size_t old = lc_jr_enter(jr, "groupings"), i, at;
	int rc;

	for (i = 0; i < jr->s->ngr; i++, c = c->next) {
		at = lc_jr_enter_index(jr, i);
		rc = lc_jr_derived(jr, c, "groups",
				   (int64_t)jr->s->gr[i].group_count);
		if (rc != LLMCOST_OK)
			return rc;
		lc_jr_leave(jr, at);
	}
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* ---- groups ----------------------------------------------------------- */

/* An object of n counts named names[], into out[]. */
static int lc_jr_counts(struct lc_jr *jr, const cJSON *o, const char *name,
			const char *const *names, size_t n, int64_t *out)
{
	const cJSON *item = lc_jr_get(o, name);
	size_t old = lc_jr_enter(jr, name), i;
	int rc = lc_jr_object(jr, item, names, n);

	for (i = 0; i < n && rc == LLMCOST_OK; i++)
		rc = lc_jr_count(jr, item, names[i], &out[i]);
	if (rc == LLMCOST_OK)
		lc_jr_leave(jr, old);
	return rc;
}


static int lc_jr_costs(struct lc_jr *jr, const cJSON *o, struct lc_sums *s)
{
	const char *names[LLMCOST_C_COUNT];
	const cJSON *cost = lc_jr_get(o, "cost"), *comp;
	size_t old = lc_jr_enter(jr, "cost"), i;
	int rc;

	rc = lc_jr_object(jr, cost, lc_cost_names,
			  LC_ARRAY_LEN(lc_cost_names));
	if (rc == LLMCOST_OK)
		rc = lc_jr_money(jr, cost, "total", &s->m[LC_M_TOTAL]);
	if (rc == LLMCOST_OK)
		rc = lc_jr_money(jr, cost, "contracted",
				 &s->m[LC_M_CONTRACTED]);
	if (rc == LLMCOST_OK)
		rc = lc_jr_money(jr, cost, "effective", &s->m[LC_M_EFFECTIVE]);
	if (rc != LLMCOST_OK)
		return rc;
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		names[i] = llmcost_component_name((int)i);
	comp = lc_jr_get(cost, "components");
	lc_jr_enter(jr, "components");
	rc = lc_jr_object(jr, comp, names, LLMCOST_C_COUNT);
	for (i = 0; i < LLMCOST_C_COUNT && rc == LLMCOST_OK; i++)
		rc = lc_jr_money(jr, comp, names[i],
				 &s->m[LC_M_COMPONENT + i]);
	if (rc == LLMCOST_OK)
		lc_jr_leave(jr, old);
	return rc;
}


/* The [bucket, count] pairs of one sketch, into the snapshot's pool. */
static int lc_jr_pairs(struct lc_jr *jr, const cJSON *o, uint64_t records,
		       uint64_t *off, uint32_t *n)
{
	llmcost_snapshot *s = jr->s;
	const cJSON *arr = lc_jr_get(o, "sketch"), *c;
	size_t old = lc_jr_enter(jr, "sketch"), at, i = 0;
	lc_i128 index, count;
	const char *why;
	int size;

	if (!cJSON_IsArray(arr))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an array");
	size = cJSON_GetArraySize(arr);
	if (size > LC_SK_INDEX_LIMIT)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "sketch too long");
	if (lc_snap_sk_room(s, (size_t)size) != LLMCOST_OK)
		return lc_jr_nomem();
	for (c = arr->child; c != NULL; c = c->next, i++) {
		at = lc_jr_enter_index(jr, i);
		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) != 2)
			return lc_jr_fail(jr, LLMCOST_E_PARSE,
					  "not a [bucket, count] pair");
		if (lc_jr_int_of(jr, c->child, 0, LC_SK_INDEX_LIMIT - 1,
				 &index) != LLMCOST_OK ||
		    lc_jr_int_of(jr, c->child->next, 0, LC_SK_COUNT_MAX,
				 &count) != LLMCOST_OK)
			return LLMCOST_E_PARSE;
		s->sk[s->sk_len + i] = lc_ske_make((unsigned)index,
						   (uint64_t)count);
		lc_jr_leave(jr, at);
	}
	why = lc_check_sketch(lc_snap_sk_at(s, s->sk_len), i, records);
	if (why != NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%s", why);
	*off = s->sk_len;
	*n = (uint32_t)i;
	s->sk_len += i;
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* A metric's object: its p50 and p95, worked out again, and its
 * sketch. */
static int lc_jr_sketch(struct lc_jr *jr, const cJSON *o, const char *name,
			struct lc_sgroup *g, int metric)
{
	const cJSON *item = lc_jr_get(o, name);
	uint64_t records = (uint64_t)g->sums.n[LC_N_RECORDS];
	size_t old = lc_jr_enter(jr, name);
	const lc_sk_entry *e;
	int rc;

	rc = lc_jr_object(jr, item, lc_sketch_names,
			  LC_ARRAY_LEN(lc_sketch_names));
	if (rc == LLMCOST_OK)
		rc = lc_jr_pairs(jr, item, records, &g->sk_off[metric],
				 &g->sk_n[metric]);
	if (rc != LLMCOST_OK)
		return rc;
	e = lc_snap_sk_at(jr->s, g->sk_off[metric]);
	rc = lc_jr_derived(jr, item, "p50", records ?
			   lc_sk_quantile(e, g->sk_n[metric], records, 5000) :
			   -1);
	if (rc == LLMCOST_OK)
		rc = lc_jr_derived(jr, item, "p95", records ?
				   lc_sk_quantile(e, g->sk_n[metric], records,
						  9500) : -1);
	if (rc == LLMCOST_OK)
		lc_jr_leave(jr, old);
	return rc;
}


static int lc_jr_sums(struct lc_jr *jr, const cJSON *o, struct lc_sums *s)
{
	size_t i;
	int rc = LLMCOST_OK;

	for (i = 0; i < LC_ARRAY_LEN(lc_count_fields) && rc == LLMCOST_OK;
	     i++)
		rc = lc_jr_count(jr, o, lc_count_fields[i].name,
				 &s->n[lc_count_fields[i].at]);
	if (rc == LLMCOST_OK)
		rc = lc_jr_count(jr, o, "latency_max_ms", &s->latency_max);
	if (rc == LLMCOST_OK)
		rc = lc_jr_counts(jr, o, "tokens", lc_token_names,
				  LLMCOST_T_COUNT, &s->n[LC_N_TOKENS]);
	if (rc == LLMCOST_OK)
		rc = lc_jr_counts(jr, o, "units", lc_unit_names,
				  LLMCOST_U_COUNT, &s->n[LC_N_UNITS]);
	if (rc == LLMCOST_OK)
		rc = lc_jr_costs(jr, o, s);
	return rc;
}


static int lc_jr_group(struct lc_jr *jr, const cJSON *o)
{
	llmcost_snapshot *s = jr->s;
	struct lc_sgroup g;
	const char *why;
	size_t old;
	lc_i128 v;
	int rc;

	memset(&g, 0, sizeof(g));
	rc = lc_jr_object(jr, o, lc_group_names, LC_ARRAY_LEN(lc_group_names));
	if (rc == LLMCOST_OK)
		rc = lc_jr_int(jr, o, "grouping", 0, UINT32_MAX, &v);
	if (rc != LLMCOST_OK)
		return rc;
	if (v >= (lc_i128)s->ngr) {
		lc_jr_enter(jr, "grouping");
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "group of no grouping");
	}
	g.grouping = (uint32_t)v;
	old = lc_jr_enter(jr, "overflow");
	if (!cJSON_IsBool(lc_jr_get(o, "overflow")))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not true or false");
	lc_jr_leave(jr, old);
	g.flags = cJSON_IsTrue(lc_jr_get(o, "overflow")) ?
		  LLMCOST_GROUP_OVERFLOW : 0;
	rc = lc_jr_key(jr, o, "key", s->gr[g.grouping].dims, &g.key_off,
		       &g.key_len);
	if (rc == LLMCOST_OK)
		rc = lc_jr_time(jr, o, "bucket_start", &g.bucket_start);
	if (rc == LLMCOST_OK)
		rc = lc_jr_sums(jr, o, &g.sums);
	if (rc == LLMCOST_OK)
		rc = lc_jr_sketch(jr, o, "input_tokens", &g,
				  LLMCOST_M_INPUT_TOKENS);
	if (rc == LLMCOST_OK)
		rc = lc_jr_sketch(jr, o, "latency_ms", &g,
				  LLMCOST_M_LATENCY_MS);
	if (rc != LLMCOST_OK)
		return rc;
	if ((why = lc_check_group(s, &g)) != NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%s", why);
	rc = lc_jr_derived(jr, o, "priced_requests",
			   g.sums.n[LC_N_REQUESTS] - g.sums.n[LC_N_UNPRICED]);
	if (rc != LLMCOST_OK)
		return rc;
	if (lc_snap_group_add(s, &g) != LLMCOST_OK)
		return lc_jr_nomem();
	return LLMCOST_OK;
}


static int lc_jr_groups(struct lc_jr *jr, const cJSON *root)
{
	const cJSON *arr = lc_jr_get(root, "groups"), *c;
	size_t old = lc_jr_enter(jr, "groups"), at, i = 0;
	int rc;

	if (!cJSON_IsArray(arr))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an array");
	for (c = arr->child; c != NULL; c = c->next, i++) {
		at = lc_jr_enter_index(jr, i);
		rc = lc_jr_group(jr, c);
		if (rc != LLMCOST_OK)
			return rc;
		lc_jr_leave(jr, at);
	}
	lc_jr_leave(jr, old);
	return LLMCOST_OK;
}


/* Each grouping's counters against its overflow groups, once both are
 * read (the groupings come first in the JSON). */
static int lc_jr_heavy_fit(struct lc_jr *jr)
{
	lc_i128 cost[LLMCOST_GROUPING_MAX];
	const char *why;
	size_t i;

	lc_overflow_costs(jr->s, cost);
	for (i = 0; i < jr->s->ngr; i++) {
		why = lc_check_heavy_fit(jr->s, i, cost[i]);
		if (why == NULL)
			continue;
		lc_jr_leave(jr, 0);
		lc_jr_enter(jr, "groupings");
		lc_jr_enter_index(jr, i);
		lc_jr_enter(jr, "overflow");
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "%s", why);
	}
	return LLMCOST_OK;
}


/* ---- the whole -------------------------------------------------------- */

/* The format name, then the version: a file of another version is named
 * as such before anything else in it is judged. */
static int lc_jr_head(struct lc_jr *jr, const cJSON *root)
{
	const cJSON *item;
	const char *t;
	lc_i128 v;

	if (!cJSON_IsObject(root))
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not a JSON object");
	lc_jr_enter(jr, "format");
	item = lc_jr_get(root, "format");
	if (item == NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "missing");
	t = lc_json_string(item);
	if (t == NULL || strcmp(t, "llmcost-snapshot") != 0)
		return lc_jr_fail(jr, LLMCOST_E_PARSE,
				  "not \"llmcost-snapshot\"");
	lc_jr_leave(jr, 0);
	lc_jr_enter(jr, "version");
	item = lc_jr_get(root, "version");
	if (item == NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "missing");
	t = lc_plain_int(item);
	if (t == NULL)
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not an integer");
	if (lc_decimal_parse(t, strlen(t), 0, &v) != LLMCOST_OK ||
	    v != LLMCOST_SNAPSHOT_VERSION)
		return lc_error(LLMCOST_E_VERSION, "snapshot JSON: version "
				"%.40s; this library reads version %d only", t,
				LLMCOST_SNAPSHOT_VERSION);
	lc_jr_leave(jr, 0);
	return LLMCOST_OK;
}


static int lc_jr_root(struct lc_jr *jr, const cJSON *root)
{
	char want[16];
	const char *t;
	int rc;

	rc = lc_jr_head(jr, root);
	if (rc == LLMCOST_OK)
		rc = lc_jr_object(jr, root, lc_top_names,
				  LC_ARRAY_LEN(lc_top_names));
	if (rc != LLMCOST_OK)
		return rc;
	snprintf(want, sizeof(want), "1/%d", LLMCOST_SKETCH_ERROR_DIV);
	t = lc_json_string(lc_jr_get(root, "sketch_error"));
	if (t == NULL || strcmp(t, want) != 0) {
		lc_jr_enter(jr, "sketch_error");
		return lc_jr_fail(jr, LLMCOST_E_PARSE, "not \"%s\": the "
				  "sketches are of another kind", want);
	}
	rc = lc_jr_groupings(jr, root);
	if (rc == LLMCOST_OK)
		rc = lc_jr_groups(jr, root);
	if (rc == LLMCOST_OK)
		rc = lc_jr_heavy_fit(jr);
	if (rc != LLMCOST_OK)
		return rc;
	lc_snap_index(jr->s);
	return lc_jr_group_counts(jr, root);
}


/* lc_json_parse() says "out of memory" when it runs out; any other
 * failure is the text's. */
static int lc_jr_parse_failed(const char *err)
{
	if (strcmp(err, "out of memory") == 0 ||
	    strcmp(err, "duplicate key '(out of memory)'") == 0)
		return lc_jr_nomem();
	return lc_error(LLMCOST_E_PARSE, "snapshot JSON: %s", err);
}


int lc_snap_unjson(const char *text, size_t len, llmcost_snapshot *s)
{
	struct lc_jr jr;
	char err[160];
	cJSON *root;
	int rc;

	root = lc_json_parse(text, len, err, sizeof(err));
	if (root == NULL)
		return lc_jr_parse_failed(err);
	memset(&jr, 0, sizeof(jr));
	jr.s = s;
	rc = lc_jr_root(&jr, root);
	lc_buf_free(&jr.key);
	lc_json_free(root);
	return rc;
}
