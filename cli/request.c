/*
 * request.c - one input row to one llmcost_record, field by field.
 *
 * Every field is read through its mapped path and checked: a count must
 * be a whole, non-negative number that fits in 64 bits (a JSON string is
 * not a number: "12" is rejected where an integer is needed), a string
 * field takes a string or a number's text, a timestamp takes epoch
 * seconds, epoch milliseconds or RFC 3339 text.  The first problem makes
 * the row rejected; the other fields are still read, so that a rejected
 * row shows what could be read.
 */
#include <string.h>

#include "cli.h"

enum cli_kind {
	CLI_K_STRING,
	CLI_K_COUNT,		/* int64, >= 0 */
	CLI_K_SMALL,		/* int32, >= 0 */
	CLI_K_TIME,
	CLI_K_MONEY
};

/* Timestamps above this many (seconds) are read as milliseconds. */
#define CLI_MS_THRESHOLD ((lc_i128)100000000000LL)

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in epoch ms. */
#define CLI_TIME_MIN_MS (-62135596800000LL)
#define CLI_TIME_MAX_MS 253402300799999LL

static const enum cli_kind cli_kinds[CLI_F_COUNT] = {
	[CLI_F_TIMESTAMP] = CLI_K_TIME,
	[CLI_F_INPUT_TOKENS] = CLI_K_COUNT,
	[CLI_F_OUTPUT_TOKENS] = CLI_K_COUNT,
	[CLI_F_CACHED_TOKENS] = CLI_K_COUNT,
	[CLI_F_CACHE_WRITE_TOKENS] = CLI_K_COUNT,
	[CLI_F_CACHE_WRITE_1H_TOKENS] = CLI_K_COUNT,
	[CLI_F_REASONING_TOKENS] = CLI_K_COUNT,
	[CLI_F_REQUEST_COUNT] = CLI_K_COUNT,
	[CLI_F_LATENCY_MS] = CLI_K_COUNT,
	[CLI_F_STATUS_CODE] = CLI_K_SMALL,
	[CLI_F_RETRY_COUNT] = CLI_K_SMALL,
	[CLI_F_WEB_SEARCH_REQUESTS] = CLI_K_COUNT,
	[CLI_F_REPORTED_COST] = CLI_K_MONEY,
};


/* The first problem of a row wins; later ones are not recorded. */
static void cli_reject(struct cli_request *req, int field, int status,
		       const char *why, const char *text)
{
	if (req->status != LLMCOST_OK)
		return;
	req->status = status;
	if (text != NULL)
		snprintf(req->reason, sizeof(req->reason),
			 "field %s: %s '%.48s%s'", cli_field_name(field), why,
			 text, strlen(text) > 48 ? "..." : "");
	else
		snprintf(req->reason, sizeof(req->reason), "field %s: %s",
			 cli_field_name(field), why);
}


static const char *cli_kind_word(const struct cli_value *v)
{
	switch (v->kind) {
	case CLI_V_STRING:
		return "a string";
	case CLI_V_BOOL:
		return "a boolean";
	case CLI_V_OTHER:
		return "an object or array";
	default:
		return "something else";
	}
}


static int cli_read_string(struct cli_request *req, int f,
			   const struct cli_value *v, const char **out)
{
	if (v->kind == CLI_V_MISSING || v->kind == CLI_V_NULL)
		return 0;
	if (v->kind == CLI_V_BOOL || v->kind == CLI_V_OTHER) {
		char why[64];

		snprintf(why, sizeof(why), "expected a string, got %s",
			 cli_kind_word(v));
		cli_reject(req, f, LLMCOST_E_TYPE, why, NULL);
		return -1;
	}
	*out = v->text;
	return 0;
}


/* Reads an integer >= 0 that fits below limit. */
static int cli_read_int(struct cli_request *req, int f,
			const struct cli_value *v, int64_t limit,
			int64_t *out)
{
	char why[64];
	int rc;

	if (v->kind == CLI_V_MISSING || v->kind == CLI_V_NULL)
		return 0;
	if (v->kind != CLI_V_NUMBER && v->kind != CLI_V_TEXT) {
		snprintf(why, sizeof(why), "expected an integer, got %s",
			 cli_kind_word(v));
		cli_reject(req, f, LLMCOST_E_TYPE, why, NULL);
		return -1;
	}
	rc = lc_int_parse(v->text, strlen(v->text), out);
	if (rc == LLMCOST_E_INEXACT)
		cli_reject(req, f, rc, "expected an integer, got a fraction",
			   v->text);
	else if (rc == LLMCOST_E_RANGE || (rc == LLMCOST_OK && *out > limit))
		cli_reject(req, f, LLMCOST_E_RANGE, "integer out of range",
			   v->text);
	else if (rc != LLMCOST_OK)
		cli_reject(req, f, LLMCOST_E_PARSE, "expected an integer, got",
			   v->text);
	else if (*out < 0)
		cli_reject(req, f, LLMCOST_E_NEGATIVE, "negative count",
			   v->text);
	else
		return 0;
	return -1;
}


/* Epoch seconds (fractions kept to the millisecond, rounded down) or,
 * above 10^11, epoch milliseconds (rounded down).  Any number of digits
 * and any exponent are read. */
static int cli_epoch_ms(const char *text, int64_t *ms)
{
	const lc_i128 e3 = 1000;
	lc_i128 r3, r;
	int rc, inexact;

	rc = cli_decimal_scaled(text, 3, 1, &r3, &inexact);
	if (rc != LLMCOST_OK)
		return rc;
	if (r3 > CLI_MS_THRESHOLD * e3 ||
	    (r3 == CLI_MS_THRESHOLD * e3 && inexact))
		r = r3 >= 0 ? r3 / e3 : -((-r3 + e3 - 1) / e3);
	else
		r = r3;
	if (r < CLI_TIME_MIN_MS || r > CLI_TIME_MAX_MS)
		return LLMCOST_E_RANGE;
	*ms = (int64_t)r;
	return LLMCOST_OK;
}


static int cli_all_digits(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((*s < '0' || *s > '9') && *s != '.')
			return 0;
	return 1;
}


static int cli_read_time(struct cli_request *req, const struct cli_value *v)
{
	int64_t ms;
	int rc;

	if (v->kind == CLI_V_MISSING || v->kind == CLI_V_NULL)
		return 0;
	if (v->kind == CLI_V_BOOL || v->kind == CLI_V_OTHER) {
		cli_reject(req, CLI_F_TIMESTAMP, LLMCOST_E_TYPE,
			   "expected a time, got a boolean, object or array",
			   NULL);
		return -1;
	}
	if (v->kind == CLI_V_NUMBER || cli_all_digits(v->text))
		rc = cli_epoch_ms(v->text, &ms);
	else
		rc = lc_time_parse(v->text, strlen(v->text), &ms);
	if (rc == LLMCOST_OK && (ms < CLI_TIME_MIN_MS || ms > CLI_TIME_MAX_MS))
		rc = LLMCOST_E_RANGE;
	if (rc == LLMCOST_OK) {
		req->rec.timestamp_ms = ms;
		return 0;
	}
	if (rc == LLMCOST_E_RANGE)
		cli_reject(req, CLI_F_TIMESTAMP, rc, "time out of range",
			   v->text);
	else
		cli_reject(req, CLI_F_TIMESTAMP, LLMCOST_E_PARSE,
			   "expected epoch seconds, epoch milliseconds or "
			   "an RFC 3339 time, got", v->text);
	return -1;
}


static int cli_read_money(struct cli_request *req, const struct cli_value *v)
{
	int rc;

	if (v->kind == CLI_V_MISSING || v->kind == CLI_V_NULL)
		return 0;
	if (v->kind == CLI_V_BOOL || v->kind == CLI_V_OTHER) {
		cli_reject(req, CLI_F_REPORTED_COST, LLMCOST_E_TYPE,
			   "expected a decimal number, got a boolean, object "
			   "or array", NULL);
		return -1;
	}
	/* A logged cost is a binary float more often than not: digits
	 * below 10^-18 are rounded half away from zero, not rejected. */
	rc = cli_decimal_scaled(v->text, LLMCOST_MONEY_DIGITS, 0,
				&req->reported, NULL);
	if (rc == LLMCOST_OK) {
		req->has_reported = 1;
		return 0;
	}
	cli_reject(req, CLI_F_REPORTED_COST, rc == LLMCOST_E_RANGE ? rc :
		   LLMCOST_E_PARSE, rc == LLMCOST_E_RANGE ?
		   "amount out of range" : "expected a decimal number, got",
		   v->text);
	return -1;
}


static const char **cli_string_slot(llmcost_record *r, int f)
{
	switch (f) {
	case CLI_F_REQUEST_ID: return &r->request_id;
	case CLI_F_TEAM_ID: return &r->team_id;
	case CLI_F_USER_ID: return &r->user_id;
	case CLI_F_TENANT_ID: return &r->tenant_id;
	case CLI_F_FEATURE_NAME: return &r->feature_name;
	case CLI_F_ENVIRONMENT: return &r->environment;
	case CLI_F_PROVIDER: return &r->provider;
	case CLI_F_MODEL: return &r->model;
	case CLI_F_PROMPT_TEMPLATE_VERSION:
		return &r->prompt_template_version;
	case CLI_F_WORKFLOW_NAME: return &r->workflow_name;
	case CLI_F_SERVICE_TIER: return &r->service_tier;
	case CLI_F_REGION: return &r->region;
	default: return NULL;
	}
}


static int64_t *cli_count_slot(llmcost_record *r, int f)
{
	switch (f) {
	case CLI_F_INPUT_TOKENS: return &r->input_tokens;
	case CLI_F_OUTPUT_TOKENS: return &r->output_tokens;
	case CLI_F_CACHED_TOKENS: return &r->cached_tokens;
	case CLI_F_CACHE_WRITE_TOKENS: return &r->cache_write_tokens;
	case CLI_F_CACHE_WRITE_1H_TOKENS: return &r->cache_write_1h_tokens;
	case CLI_F_REASONING_TOKENS: return &r->reasoning_tokens;
	case CLI_F_REQUEST_COUNT: return &r->request_count;
	case CLI_F_LATENCY_MS: return &r->latency_ms;
	case CLI_F_WEB_SEARCH_REQUESTS: return &r->web_search_requests;
	default: return NULL;
	}
}


static int cli_read_small(struct cli_request *req, int f,
			  const struct cli_value *v)
{
	int64_t n = 0;

	if (cli_read_int(req, f, v, INT32_MAX, &n))
		return -1;
	if (f == CLI_F_STATUS_CODE)
		req->rec.status_code = (int32_t)n;
	else
		req->rec.retry_count = (int32_t)n;
	return 0;
}


static int cli_read_field(struct cli_request *req, int f,
			  const struct cli_value *v)
{
	switch (cli_kinds[f]) {
	case CLI_K_STRING:
		return cli_read_string(req, f, v, cli_string_slot(&req->rec,
								  f));
	case CLI_K_COUNT:
		return cli_read_int(req, f, v, INT64_MAX,
				    cli_count_slot(&req->rec, f));
	case CLI_K_SMALL:
		return cli_read_small(req, f, v);
	case CLI_K_TIME:
		return cli_read_time(req, v);
	default:
		return cli_read_money(req, v);
	}
}


/* --usage-shape: the token buckets come from the usage object. */
static void cli_read_usage(const struct cli_opts *o,
			   const struct cli_row *row, struct cli_request *req)
{
	char why[200];
	int f, rc;

	if (req->status != LLMCOST_OK)
		return;
	rc = cli_usage_read(o, row, &req->rec, why, sizeof(why));
	if (rc != LLMCOST_OK) {
		cli_reject(req, CLI_F_INPUT_TOKENS, rc, why, NULL);
		return;
	}
	for (f = CLI_F_INPUT_TOKENS; f <= CLI_F_REASONING_TOKENS; f++)
		req->known |= 1u << f;
}


/* --model-alias: the first matching FROM (explicit ones come first). */
static void cli_apply_alias(const struct cli_opts *o, struct cli_request *req)
{
	size_t i;

	if (req->rec.model == NULL)
		return;
	for (i = 0; i < o->aliases.n; i++) {
		if (strcmp(o->aliases.v[i].key, req->rec.model) == 0) {
			req->logged_model = req->rec.model;
			req->rec.model = o->aliases.v[i].value;
			return;
		}
	}
}


static int cli_tokens_known(const struct cli_request *req)
{
	int f;

	for (f = CLI_F_INPUT_TOKENS; f <= CLI_F_REASONING_TOKENS; f++)
		if (!CLI_KNOWN(req, f))
			return 0;
	return 1;
}


/* The token convention of llmcost.h: cache buckets are part of input and
 * reasoning is part of output. */
static void cli_check_parts(struct cli_request *req)
{
	const llmcost_record *r = &req->rec;
	lc_i128 parts = (lc_i128)r->cached_tokens + r->cache_write_tokens +
			r->cache_write_1h_tokens;
	char why[200];

	if (!cli_tokens_known(req))
		return;
	if (parts > r->input_tokens) {
		snprintf(why, sizeof(why), "cached_tokens %lld + "
			 "cache_write_tokens %lld + cache_write_1h_tokens "
			 "%lld exceed input_tokens %lld",
			 (long long)r->cached_tokens,
			 (long long)r->cache_write_tokens,
			 (long long)r->cache_write_1h_tokens,
			 (long long)r->input_tokens);
		cli_reject(req, CLI_F_INPUT_TOKENS, LLMCOST_E_PARTS, why, NULL);
	} else if (r->reasoning_tokens > r->output_tokens) {
		snprintf(why, sizeof(why), "reasoning_tokens %lld exceed "
			 "output_tokens %lld", (long long)r->reasoning_tokens,
			 (long long)r->output_tokens);
		cli_reject(req, CLI_F_OUTPUT_TOKENS, LLMCOST_E_PARTS, why,
			   NULL);
	}
}


void cli_request_build(const struct cli_opts *o, const struct cli_row *row,
		       struct cli_request *req)
{
	struct cli_value v[CLI_F_COUNT];
	int f;

	memset(req, 0, sizeof(*req));
	llmcost_record_init(&req->rec);
	req->status = LLMCOST_OK;
	cli_row_values(o, row, v);
	for (f = 0; f < CLI_F_COUNT; f++)
		if (cli_read_field(req, f, &v[f]) == 0)
			req->known |= 1u << f;
	if (o->usage_shape != 0)
		cli_read_usage(o, row, req);
	cli_apply_alias(o, req);
	cli_check_parts(req);
}


/* An empty CSV cell is a missing value, yet PATH= (an empty VALUE)
 * matches it, as it matches a JSON "". */
static int cli_where_one(const struct cli_row *row, const struct cli_pair *p)
{
	struct cli_value v;

	cli_row_value(row, p->key, &v);
	if (v.kind == CLI_V_MISSING)
		return row->csv != NULL && p->value[0] == '\0';
	if (v.kind == CLI_V_OTHER)
		return 0;
	return strcmp(v.text, p->value) == 0;
}


int cli_where_match(const struct cli_opts *o, const struct cli_row *row)
{
	size_t i;

	for (i = 0; i < o->wheres.n; i++)
		if (!cli_where_one(row, &o->wheres.v[i]))
			return 0;
	return 1;
}
