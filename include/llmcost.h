/*
 * llmcost.h - the public interface of libllmcost.
 *
 * libllmcost prices LLM gateway requests exactly and rolls them up by owner.
 * This header is the whole public API and its reference manual.
 *
 * Conventions
 * -----------
 * - Functions that can fail return an int status: LLMCOST_OK (0) or a
 *   negative LLMCOST_E_* code.  After a failure, llmcost_last_error() gives
 *   detail text for the calling thread.
 * - Handles are opaque.  They are made by llmcost_<object>_new() through an
 *   out-parameter and released by llmcost_<object>_free(), which accepts
 *   NULL.
 * - Strings are UTF-8, NUL-terminated, and borrowed: the library copies what
 *   it keeps, and never frees a caller's pointer.
 * - Money is exact: an integer count of LLMCOST_MONEY_UNIT (10^-18 USD) held
 *   in 128 bits.  No binary floating point touches a price or a cost.
 * - The library prints nothing and never aborts the host process.
 *
 * ABI growth
 * ----------
 * Public structs that may grow begin with a uint32_t struct_size.  Callers
 * set it with the matching llmcost_*_init() function (which also zeroes the
 * struct), so a program built against an older header passes a smaller size.
 * The library reads and writes only the first struct_size bytes; fields past
 * them are treated as zero or NULL.  New fields are only ever appended.
 * Status codes and enum values are only ever appended, never renumbered.
 *
 * The header compiles as C89 (with stdint.h) and as C++.
 */
#ifndef LLMCOST_H
#define LLMCOST_H

#include <stddef.h>
#include <stdint.h>

/* Version: kept here once; the build reads these three lines. */
#define LLMCOST_VERSION_MAJOR 0
#define LLMCOST_VERSION_MINOR 1
#define LLMCOST_VERSION_PATCH 0

#define LLMCOST_VERSION_NUMBER \
	(LLMCOST_VERSION_MAJOR * 10000 + LLMCOST_VERSION_MINOR * 100 + \
	 LLMCOST_VERSION_PATCH)

#if defined(_WIN32) && defined(LLMCOST_BUILDING_SHARED)
#define LLMCOST_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define LLMCOST_API __attribute__((visibility("default")))
#else
#define LLMCOST_API
#endif

#ifdef __cplusplus
extern "C" {
#endif


/* ------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------ */

/* The version of the library actually loaded, as LLMCOST_VERSION_NUMBER.
 * Compare with the header's number to detect a mismatched shared object. */
LLMCOST_API unsigned llmcost_version(void);

/* The loaded library's version as "MAJOR.MINOR.PATCH"; static storage. */
LLMCOST_API const char *llmcost_version_string(void);


/* ------------------------------------------------------------------------
 * Status codes
 *
 * One list generates the enum, the names and the messages.  Codes are
 * explicit and append-only; a retired code keeps its number.
 * X(NAME, code, message)
 * ------------------------------------------------------------------------ */

#define LLMCOST_STATUS_LIST(X) \
	X(OK,           0, "success") \
	X(E_INVALID,   -1, "invalid argument") \
	X(E_NOMEM,     -2, "out of memory") \
	X(E_IO,        -3, "cannot read or write a file") \
	X(E_PARSE,     -4, "malformed input") \
	X(E_RANGE,     -5, "number out of range") \
	X(E_INEXACT,   -6, "decimal value is not exact in the money unit") \
	X(E_PARTS,     -7, "token parts exceed their whole") \
	X(E_NEGATIVE,  -8, "negative token or request count") \
	X(E_UNPRICED,  -9, "model has no price") \
	X(E_NORATE,   -10, "price entry lacks a rate the request needs") \
	X(E_NOTFOUND, -11, "no such item") \
	X(E_VERSION,  -12, "unsupported format version") \
	X(E_SIZE,     -13, "unsupported struct size") \
	X(E_OVERFLOW, -14, "arithmetic overflow") \
	X(E_TYPE,     -15, "field has the wrong type") \
	X(E_MISSING,  -16, "required field is missing")

#define LLMCOST_STATUS_ENUM_(name, code, msg) LLMCOST_##name = code,
typedef enum llmcost_status {
	LLMCOST_STATUS_LIST(LLMCOST_STATUS_ENUM_)
	LLMCOST_STATUS_END_ = -16
} llmcost_status;
#undef LLMCOST_STATUS_ENUM_

/* The lowest status code this header knows. */
#define LLMCOST_STATUS_MIN (-16)

/* "LLMCOST_E_PARSE" for LLMCOST_E_PARSE; "LLMCOST_E_UNKNOWN" for a code
 * this library does not know.  Static storage, never NULL. */
LLMCOST_API const char *llmcost_status_name(int status);

/* A one-line English message for a status.  Static storage, never NULL. */
LLMCOST_API const char *llmcost_status_message(int status);

/* Detail text for the most recent failure in the calling thread, such as
 * "line 12: field input_tokens: expected an integer".  Never NULL: "" when
 * nothing has failed.  Valid until the thread's next call into the library.
 * Setting it never allocates, so it survives out-of-memory. */
LLMCOST_API const char *llmcost_last_error(void);


/* ------------------------------------------------------------------------
 * Money
 * ------------------------------------------------------------------------ */

/* Amounts are integer counts of 10^-18 US dollars ("atto-dollars"), held
 * as a two's complement 128-bit integer: value = hi * 2^64 + lo.
 * 1 USD is 10^18 units; the per-token rate 3e-06 is 3000000000000 units.
 * Every per-token rate in the public LiteLLM tables is exact at this scale;
 * a rate finer than 10^-18 is reported at load, never rounded silently. */
typedef struct llmcost_money {
	int64_t hi;
	uint64_t lo;
} llmcost_money;

#define LLMCOST_MONEY_DIGITS 18

/* Buffer size that always holds llmcost_money_format()'s output. */
#define LLMCOST_MONEY_STRLEN 48

/* Writes the amount as decimal US dollars at full precision, with no
 * exponent, trailing zeros removed: "0", "12.5", "-0.000225".  Returns the
 * length written (excluding the NUL), or LLMCOST_E_RANGE if size is too
 * small (buf then holds ""). */
LLMCOST_API int llmcost_money_format(llmcost_money amount, char *buf,
				     size_t size);

/* Parses decimal US dollars ("0.000225", "3e-06", "-1.5E+2") exactly.
 * len is the text length, or (size_t)-1 for NUL-terminated text.
 * LLMCOST_E_INEXACT if the value has digits below 10^-18;
 * LLMCOST_E_RANGE if it does not fit; LLMCOST_E_PARSE if it is not a
 * decimal number (NaN and Infinity are not). */
LLMCOST_API int llmcost_money_parse(const char *text, size_t len,
				    llmcost_money *out);

/* *out = a + b.  LLMCOST_E_OVERFLOW (and *out unchanged) on overflow. */
LLMCOST_API int llmcost_money_add(llmcost_money a, llmcost_money b,
				  llmcost_money *out);

/* Returns -1, 0 or 1 as a is less than, equal to or greater than b. */
LLMCOST_API int llmcost_money_cmp(llmcost_money a, llmcost_money b);


/* ------------------------------------------------------------------------
 * The trace record: one gateway request
 *
 * Token convention (one for every provider; convert usage objects into it):
 *   input_tokens  = every prompt token, INCLUDING cached_tokens (cache reads),
 *                   cache_write_tokens (5-minute writes) and
 *                   cache_write_1h_tokens (1-hour writes).
 *   output_tokens = every generated token, INCLUDING reasoning_tokens.
 * So cached + cache_write + cache_write_1h <= input and reasoning <= output.
 * A record that breaks this is rejected with LLMCOST_E_PARTS; a negative
 * count is rejected with LLMCOST_E_NEGATIVE.  Neither is ever clamped.
 * (Anthropic reports input EXCLUDING cache reads and writes: add the three.)
 *
 * Strings may be NULL (unknown).  The record only borrows them.
 * ------------------------------------------------------------------------ */

/* timestamp_ms value meaning "not known". */
#define LLMCOST_TIME_UNKNOWN INT64_MIN

/* Bits for llmcost_record.flags. */
#define LLMCOST_RECORD_FAILED 0x1u	/* the request failed */
#define LLMCOST_RECORD_STREAMED 0x2u	/* usage came from a stream */

typedef struct llmcost_record {
	uint32_t struct_size;	/* set by llmcost_record_init() */
	uint32_t flags;		/* LLMCOST_RECORD_* bits */
	int64_t timestamp_ms;	/* Unix epoch milliseconds, UTC */

	const char *request_id;
	const char *team_id;
	const char *user_id;
	const char *tenant_id;
	const char *feature_name;
	const char *environment;
	const char *provider;	/* "openai", "anthropic", ... or NULL */
	const char *model;	/* as logged: "openai/gpt-4o", ... */
	const char *prompt_template_version;
	const char *workflow_name;
	const char *service_tier; /* "standard", "batch", "flex", "priority" */
	const char *region;

	int64_t input_tokens;		/* includes the three cache buckets */
	int64_t output_tokens;		/* includes reasoning_tokens */
	int64_t cached_tokens;		/* cache reads, part of input */
	int64_t cache_write_tokens;	/* 5-minute cache writes, part of input */
	int64_t cache_write_1h_tokens;	/* 1-hour cache writes, part of input */
	int64_t reasoning_tokens;	/* part of output */
	int64_t request_count;		/* set to 1 by llmcost_record_init() */
	int64_t latency_ms;
	int64_t web_search_requests;	/* tool calls billed per call */
	int32_t status_code;		/* HTTP status; 0 if not known */
	int32_t retry_count;
} llmcost_record;

/* Zeroes *record, sets struct_size, request_count = 1 and
 * timestamp_ms = LLMCOST_TIME_UNKNOWN. */
LLMCOST_API void llmcost_record_init(llmcost_record *record);

/* Checks the token convention above.  LLMCOST_OK, LLMCOST_E_NEGATIVE,
 * LLMCOST_E_PARTS, LLMCOST_E_SIZE or LLMCOST_E_INVALID, with detail in
 * llmcost_last_error(). */
LLMCOST_API int llmcost_record_check(const llmcost_record *record);


/* ------------------------------------------------------------------------
 * Price tables
 *
 * A table maps model keys to effective-dated prices.  It is filled by
 * loaders and is read-only afterwards: llmcost_price() may be called from
 * any number of threads at once on one table, but loading into a table
 * must not overlap any other use of it.
 * ------------------------------------------------------------------------ */

typedef struct llmcost_prices llmcost_prices;

/* An empty table. */
LLMCOST_API int llmcost_prices_new(llmcost_prices **out);

/* A table holding the price book compiled into the library. */
LLMCOST_API int llmcost_prices_new_default(llmcost_prices **out);

/* Releases a table.  NULL is allowed. */
LLMCOST_API void llmcost_prices_free(llmcost_prices *prices);

/* Loads LiteLLM's model_prices_and_context_window.json as published.
 * Rates are read from the JSON's decimal text exactly.  valid_from_ms is
 * the instant these prices took effect (LLMCOST_TIME_UNKNOWN: always);
 * loading several snapshots with different dates builds a price history.
 * Entries or rates that cannot be used are skipped and listed as
 * diagnostics (see llmcost_prices_diag()); the call still succeeds.
 * Fails with LLMCOST_E_PARSE if the text is not a JSON object. */
LLMCOST_API int llmcost_prices_load_litellm(llmcost_prices *prices,
					    const char *json, size_t len,
					    int64_t valid_from_ms);

/* The same, from a file. */
LLMCOST_API int llmcost_prices_load_litellm_file(llmcost_prices *prices,
						 const char *path,
						 int64_t valid_from_ms);

/* Loads a price book in libllmcost's own text format (docs/pricebook.md).
 * Unlike the LiteLLM loader this is strict: the first bad line fails the
 * call with LLMCOST_E_PARSE and detail naming the line. */
LLMCOST_API int llmcost_prices_load_book(llmcost_prices *prices,
					 const char *text, size_t len);

/* The same, from a file. */
LLMCOST_API int llmcost_prices_load_book_file(llmcost_prices *prices,
					      const char *path);

/* Loads a file of either kind, choosing by its first non-blank byte
 * ('{' means LiteLLM JSON). */
LLMCOST_API int llmcost_prices_load_file(llmcost_prices *prices,
					 const char *path,
					 int64_t valid_from_ms);

/* Number of distinct model keys in the table. */
LLMCOST_API size_t llmcost_prices_count(const llmcost_prices *prices);

/* Number of load diagnostics (skipped entries, inexact rates, ...). */
LLMCOST_API size_t llmcost_prices_diag_count(const llmcost_prices *prices);

/* Diagnostic number index: the model key, the field (may be ""), and a
 * message.  The strings belong to the table.  LLMCOST_E_NOTFOUND if index
 * is out of range. */
LLMCOST_API int llmcost_prices_diag(const llmcost_prices *prices,
				    size_t index, const char **key,
				    const char **field, const char **message);


/* ------------------------------------------------------------------------
 * Pricing a request
 * ------------------------------------------------------------------------ */

/* Cost components.  A request's total is the sum of its components. */
typedef enum llmcost_component {
	LLMCOST_C_INPUT = 0,		/* uncached input tokens */
	LLMCOST_C_CACHE_READ = 1,	/* cached_tokens */
	LLMCOST_C_CACHE_WRITE_5M = 2,	/* cache_write_tokens */
	LLMCOST_C_CACHE_WRITE_1H = 3,	/* cache_write_1h_tokens */
	LLMCOST_C_OUTPUT = 4,		/* output tokens less reasoning */
	LLMCOST_C_REASONING = 5,	/* reasoning_tokens */
	LLMCOST_C_COUNT = 6		/* components this version fills */
} llmcost_component;

/* Room for components added in later versions. */
#define LLMCOST_C_CAPACITY 16

/* "input", "cache_read", "cache_write_5m", "cache_write_1h", "output",
 * "reasoning"; "" for an unknown component.  Static storage. */
LLMCOST_API const char *llmcost_component_name(int component);

/* How the model name was resolved to a price key. */
typedef enum llmcost_rule {
	LLMCOST_RULE_NONE = 0,		/* not resolved */
	LLMCOST_RULE_EXACT = 1,		/* the name is a key (any case) */
	LLMCOST_RULE_ADD_PROVIDER = 2,	/* "<provider>/<name>" is a key */
	LLMCOST_RULE_STRIP_PROVIDER = 3	/* "<prefix>/" removed gives a key */
} llmcost_rule;

/* "none", "exact", "add_provider", "strip_provider"; static storage. */
LLMCOST_API const char *llmcost_rule_name(int rule);

/* Bits for llmcost_cost.flags. */
#define LLMCOST_COST_LONG_CONTEXT 0x1u	/* a long-context tier applied */
#define LLMCOST_COST_FALLBACK 0x2u	/* a documented fallback rate used */
#define LLMCOST_COST_APPROXIMATE 0x4u	/* priced from an approximate match */

/* Capacity of llmcost_cost.note, NUL included. */
#define LLMCOST_NOTE_SIZE 256

typedef struct llmcost_cost {
	uint32_t struct_size;	/* set by llmcost_cost_init() */
	int32_t status;		/* same as llmcost_price()'s return */
	uint32_t flags;		/* LLMCOST_COST_* bits */
	uint32_t rule;		/* llmcost_rule that matched */
	llmcost_money total;	/* sum of component[] */
	llmcost_money component[LLMCOST_C_CAPACITY];
	const char *price_key;	/* matched key, owned by the table; or NULL */
	int64_t price_valid_from_ms; /* start of the matched price's validity */
	int64_t long_context_threshold; /* tokens; 0 if no tier applied */
	/* Why the request is not priced, or which fallbacks priced it.
	 * NUL-terminated, possibly truncated; "" when there is nothing to say. */
	char note[LLMCOST_NOTE_SIZE];
} llmcost_cost;

/* Zeroes *cost and sets struct_size. */
LLMCOST_API void llmcost_cost_init(llmcost_cost *cost);

/* Prices one request with the price in force at record->timestamp_ms.
 * Returns (and stores in cost->status):
 *   LLMCOST_OK          priced; cost->total and components are set
 *   LLMCOST_E_UNPRICED  no key matches the model (never priced at $0)
 *   LLMCOST_E_NORATE    the entry lacks a rate for a bucket with tokens
 *   LLMCOST_E_PARTS, LLMCOST_E_NEGATIVE   record rejected
 *   LLMCOST_E_INVALID, LLMCOST_E_SIZE     bad arguments
 * In every case but the last two, cost->note says why in words.
 * Thread-safe on a table that is no longer being loaded.  Does not
 * allocate. */
LLMCOST_API int llmcost_price(const llmcost_prices *prices,
			      const llmcost_record *record,
			      llmcost_cost *cost);


/* ------------------------------------------------------------------------
 * Rollups: in-memory accumulators
 *
 * A rollup sums requests into groups keyed by team, user, feature, model
 * and UTC day.  llmcost_rollup_add() may be called from many threads at
 * once; reading groups may overlap adds.
 * ------------------------------------------------------------------------ */

typedef struct llmcost_rollup llmcost_rollup;

/* Grouping dimensions; keys of a llmcost_group are indexed by these. */
typedef enum llmcost_dim {
	LLMCOST_DIM_TEAM = 0,
	LLMCOST_DIM_USER = 1,
	LLMCOST_DIM_FEATURE = 2,
	LLMCOST_DIM_MODEL = 3,
	LLMCOST_DIM_COUNT = 4
} llmcost_dim;

/* Room for dimensions added in later versions. */
#define LLMCOST_DIM_CAPACITY 16

/* Token buckets summed by a rollup, in the order of llmcost_record. */
typedef enum llmcost_tokens {
	LLMCOST_T_INPUT = 0,
	LLMCOST_T_OUTPUT = 1,
	LLMCOST_T_CACHED = 2,
	LLMCOST_T_CACHE_WRITE_5M = 3,
	LLMCOST_T_CACHE_WRITE_1H = 4,
	LLMCOST_T_REASONING = 5,
	LLMCOST_T_COUNT = 6
} llmcost_tokens;

#define LLMCOST_T_CAPACITY 8

typedef struct llmcost_group {
	uint32_t struct_size;	/* set by llmcost_group_init() */
	uint32_t reserved;
	/* Key per llmcost_dim; "" where the record had no value.  Owned by
	 * the rollup and valid until it is freed. */
	const char *key[LLMCOST_DIM_CAPACITY];
	int64_t day_start_ms;	/* UTC midnight; LLMCOST_TIME_UNKNOWN */
	int64_t requests;	/* sum of request_count */
	int64_t priced_requests;
	int64_t unpriced_requests;
	int64_t tokens[LLMCOST_T_CAPACITY];
	int64_t retries;
	int64_t errors;		/* status_code >= 400 or FAILED flag */
	int64_t latency_sum_ms;
	int64_t latency_max_ms;
	llmcost_money total;
	llmcost_money component[LLMCOST_C_CAPACITY];
} llmcost_group;

/* Zeroes *group and sets struct_size. */
LLMCOST_API void llmcost_group_init(llmcost_group *group);

LLMCOST_API int llmcost_rollup_new(llmcost_rollup **out);

/* Releases a rollup.  NULL is allowed. */
LLMCOST_API void llmcost_rollup_free(llmcost_rollup *rollup);

/* Adds one request.  cost is the result of llmcost_price() for it; a
 * request that was not priced (cost->status != LLMCOST_OK) counts in
 * unpriced_requests and its tokens, never as $0 of cost.  A rejected
 * record (LLMCOST_E_PARTS, LLMCOST_E_NEGATIVE) is refused with that
 * status.  Thread-safe. */
LLMCOST_API int llmcost_rollup_add(llmcost_rollup *rollup,
				   const llmcost_record *record,
				   const llmcost_cost *cost);

/* Number of groups now in the rollup. */
LLMCOST_API size_t llmcost_rollup_count(const llmcost_rollup *rollup);

/* Copies group number index (0 <= index < count) into *out.  Groups keep
 * their index for the life of the rollup.  LLMCOST_E_NOTFOUND if index is
 * out of range. */
LLMCOST_API int llmcost_rollup_group(const llmcost_rollup *rollup,
				     size_t index, llmcost_group *out);

#ifdef __cplusplus
}
#endif

#endif /* LLMCOST_H */
