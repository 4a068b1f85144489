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
#define LLMCOST_VERSION_MINOR 2
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
 * Memory
 *
 * Every allocation the library makes for its handles goes through one
 * allocator, the C library's unless the host sets its own.  (JSON text is
 * parsed by cJSON, which allocates with its own hooks; those trees live
 * only during the call that parses them.)
 * ------------------------------------------------------------------------ */

typedef struct llmcost_allocator {
	uint32_t struct_size;	/* set by llmcost_allocator_init() */
	uint32_t reserved;
	/* As malloc, realloc and free, with ctx passed through.  malloc_fn
	 * and realloc_fn return NULL on failure; the library then reports
	 * LLMCOST_E_NOMEM and leaves the handle usable or freeable. */
	void *(*malloc_fn)(void *ctx, size_t size);
	void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
	void (*free_fn)(void *ctx, void *ptr);
	void *ctx;
} llmcost_allocator;

/* Fills *allocator with the C library's malloc, realloc and free. */
LLMCOST_API void llmcost_allocator_init(llmcost_allocator *allocator);

/* Makes the library allocate through *allocator (copied); NULL restores
 * the C library's.  Not thread-safe: call it before any other function of
 * the library, or while no handle made under the previous allocator is
 * alive, since a block is freed by the allocator that made it.
 * LLMCOST_E_INVALID if a function pointer is NULL, LLMCOST_E_SIZE if
 * struct_size is not one this library knows. */
LLMCOST_API int llmcost_set_allocator(const llmcost_allocator *allocator);


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
	X(E_MISSING,  -16, "required field is missing") \
	X(E_CONFLICT, -17, "conflicts with an existing entry")

#define LLMCOST_STATUS_ENUM_(name, code, msg) LLMCOST_##name = code,
typedef enum llmcost_status {
	LLMCOST_STATUS_LIST(LLMCOST_STATUS_ENUM_)
	LLMCOST_STATUS_END_ = -17
} llmcost_status;
#undef LLMCOST_STATUS_ENUM_

/* The lowest status code this header knows. */
#define LLMCOST_STATUS_MIN (-17)

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
 * The modality parts (since 0.2) are disjoint parts of the same wholes:
 *   cached + cache_write + cache_write_1h + input_audio + input_image +
 *   input_video <= input, and reasoning + output_audio + output_image
 *   <= output.
 * A record that breaks this is rejected with LLMCOST_E_PARTS; a negative
 * count is rejected with LLMCOST_E_NEGATIVE.  Neither is ever clamped.
 * (Anthropic reports input EXCLUDING cache reads and writes: add the three.
 * llmcost_usage_parse() converts each provider's usage object.)
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

	/* Since 0.2.  Modality parts: uncached prompt tokens of a medium,
	 * part of input_tokens and apart from the three cache buckets; and
	 * generated tokens of a medium, part of output_tokens and apart from
	 * reasoning_tokens.  Tokens of no listed medium are text. */
	int64_t input_audio_tokens;
	int64_t input_image_tokens;
	int64_t input_video_tokens;
	int64_t output_audio_tokens;
	int64_t output_image_tokens;
	int64_t file_search_requests;	/* tool calls billed per call */
	/* Web search context size: "low", "medium" or "high"; NULL: medium,
	 * the providers' default. */
	const char *search_context_size;
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
	LLMCOST_C_OUTPUT = 4,		/* text output: output less its parts */
	LLMCOST_C_REASONING = 5,	/* reasoning_tokens */
	LLMCOST_C_INPUT_AUDIO = 6,	/* input_audio_tokens (since 0.2) */
	LLMCOST_C_INPUT_IMAGE = 7,	/* input_image_tokens */
	LLMCOST_C_INPUT_VIDEO = 8,	/* input_video_tokens */
	LLMCOST_C_OUTPUT_AUDIO = 9,	/* output_audio_tokens */
	LLMCOST_C_OUTPUT_IMAGE = 10,	/* output_image_tokens */
	LLMCOST_C_REQUEST = 11,		/* per-request fee: request_count */
	LLMCOST_C_WEB_SEARCH = 12,	/* web_search_requests, per call */
	LLMCOST_C_FILE_SEARCH = 13,	/* file_search_requests, per call */
	LLMCOST_C_COUNT = 14		/* components this version fills */
} llmcost_component;

/* Room for components added in later versions. */
#define LLMCOST_C_CAPACITY 16

/* "input", "cache_read", "cache_write_5m", "cache_write_1h", "output",
 * "reasoning", "input_audio", "input_image", "input_video",
 * "output_audio", "output_image", "request", "web_search",
 * "file_search"; "" for an unknown component.  Static storage. */
LLMCOST_API const char *llmcost_component_name(int component);

/* How the model name was resolved to a price key. */
typedef enum llmcost_rule {
	LLMCOST_RULE_NONE = 0,		/* not resolved */
	LLMCOST_RULE_EXACT = 1,		/* the name is a key (any case) */
	LLMCOST_RULE_ADD_PROVIDER = 2,	/* "<provider>/<name>" is a key */
	LLMCOST_RULE_STRIP_PROVIDER = 3, /* "<prefix>/" removed gives a key */
	LLMCOST_RULE_DEPLOYMENT = 4,	/* a configured deployment name */
	LLMCOST_RULE_BEDROCK = 5,	/* Bedrock route, region, profile */
	LLMCOST_RULE_VERTEX = 6,	/* Vertex prefix, @version, -00N */
	LLMCOST_RULE_FINE_TUNE = 7,	/* ft:<base>:... priced as ft:<base> */
	LLMCOST_RULE_OPENROUTER = 8,	/* openrouter/<vendor>/<model> */
	LLMCOST_RULE_UNDATED = 9	/* dated name priced as its alias;
					 * always LLMCOST_COST_APPROXIMATE */
} llmcost_rule;

/* "none", "exact", "add_provider", "strip_provider", "deployment",
 * "bedrock", "vertex", "fine_tune", "openrouter", "undated"; "" for an
 * unknown rule.  Static storage.  docs/resolution.md has the order. */
LLMCOST_API const char *llmcost_rule_name(int rule);

/* Bits for llmcost_cost.flags. */
#define LLMCOST_COST_LONG_CONTEXT 0x1u	/* a long-context tier applied */
#define LLMCOST_COST_FALLBACK 0x2u	/* a documented fallback rate used */
#define LLMCOST_COST_APPROXIMATE 0x4u	/* priced from an approximate match */
#define LLMCOST_COST_UNRATED 0x8u	/* units without a rate: see unrated */
#define LLMCOST_COST_REGIONAL 0x10u	/* a regional uplift applied */
#define LLMCOST_COST_ROUNDED 0x20u	/* a multiplier rounded to 10^-18 USD */
#define LLMCOST_COST_CONTRACT 0x40u	/* contract terms applied */

/* Service tiers, as llmcost_cost.service_tier. */
typedef enum llmcost_service_tier {
	LLMCOST_TIER_STANDARD = 0,
	LLMCOST_TIER_BATCH = 1,
	LLMCOST_TIER_FLEX = 2,
	LLMCOST_TIER_PRIORITY = 3
} llmcost_service_tier;

/* "standard", "batch", "flex", "priority"; "" for an unknown tier. */
LLMCOST_API const char *llmcost_service_tier_name(int tier);

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

	/* Since 0.2. */
	uint32_t unrated;	/* bit c: component c had units, no rate, and
				 * is left out of the total */
	uint32_t service_tier;	/* llmcost_service_tier of the rates used */
	int64_t units[LLMCOST_C_CAPACITY]; /* tokens, calls or requests */
	/* The three costs FinOps (FOCUS) asks for.  list_cost equals total:
	 * list prices, with any regional uplift.  contracted_cost applies
	 * the negotiated rates and discounts of a loaded contract;
	 * effective_cost also its commitment discounts.  Without a contract
	 * all three are equal.  docs/contracts.md. */
	llmcost_money list_cost;
	llmcost_money contracted_cost;
	llmcost_money effective_cost;
	/* contracted_cost by component: component[c] under the contract's
	 * fixed rates and discount.  They add up to contracted_cost; without
	 * a contract they equal component[].  (FOCUS rows per token type.) */
	llmcost_money contracted_component[LLMCOST_C_CAPACITY];
	/* The matched price entry's provider ("openai"), owned by the table;
	 * NULL when the table does not name one or nothing matched. */
	const char *price_provider;
} llmcost_cost;

/* Zeroes *cost and sets struct_size. */
LLMCOST_API void llmcost_cost_init(llmcost_cost *cost);

/* Prices one request with the price in force at record->timestamp_ms,
 * in the rates of record->service_tier, with the long-context tier the
 * prompt reaches, any regional uplift for record->region, and the terms
 * of a loaded contract (docs/pricebook.md, docs/contracts.md).
 * Returns (and stores in cost->status):
 *   LLMCOST_OK          priced; cost->total and components are set
 *   LLMCOST_E_UNPRICED  no key matches the model (never priced at $0)
 *   LLMCOST_E_NORATE    the entry lacks a rate for a bucket with tokens,
 *                       or for the service tier
 *   LLMCOST_E_PARTS, LLMCOST_E_NEGATIVE   record rejected
 *   LLMCOST_E_INVALID, LLMCOST_E_SIZE     bad arguments
 * A per-call fee (web or file search) without a rate does not fail the
 * request: its units are left out of the total, and LLMCOST_COST_UNRATED,
 * cost->unrated and the note say which and how many.
 * In every case but the last two, cost->note says why in words.
 * Thread-safe on a table that is no longer being loaded.  Does not
 * allocate. */
LLMCOST_API int llmcost_price(const llmcost_prices *prices,
			      const llmcost_record *record,
			      llmcost_cost *cost);

/* Resolves a logged model name (and optional provider) to a price key by
 * the rules of docs/resolution.md, as llmcost_price() does.  Sets
 * *price_key (owned by the table), *rule and *flags (LLMCOST_COST_* bits:
 * LLMCOST_COST_APPROXIMATE for an approximate match); any pointer may be
 * NULL.  LLMCOST_OK or LLMCOST_E_UNPRICED (with *rule LLMCOST_RULE_NONE).
 * Thread-safe on a loaded table; a name seen before resolves from a
 * cache without allocating. */
LLMCOST_API int llmcost_prices_resolve(const llmcost_prices *prices,
				       const char *model,
				       const char *provider,
				       const char **price_key,
				       uint32_t *rule, uint32_t *flags);

/* Maps a deployment name (Azure OpenAI and the like: "prod-chat") to a
 * model key of the table ("gpt-4o-2024-08-06" or "azure/gpt-4o").  A
 * logged "prod-chat", "azure/prod-chat" or "azure_ai/prod-chat" is then
 * priced as that key, before any other rule (LLMCOST_RULE_DEPLOYMENT).
 * Call after loading the prices.  LLMCOST_E_NOTFOUND if model is not a
 * key of the table; LLMCOST_E_INVALID for an empty or overlong name.
 * Mapping a deployment again replaces its target.  Not thread-safe:
 * a loading step. */
LLMCOST_API int llmcost_prices_add_deployment(llmcost_prices *prices,
					      const char *deployment,
					      const char *model);

/* Sets the regional uplift of a model key: requests for it with
 * record->region equal to region (any case), or with any region other
 * than "global" when region is NULL or "*", cost factor times the list
 * price.  factor is decimal text with at most 6 decimals ("1.1"); "1"
 * removes the uplift.  Overrides a price book's regional= setting.
 * LLMCOST_E_NOTFOUND (no such key), LLMCOST_E_PARSE, LLMCOST_E_INEXACT,
 * LLMCOST_E_RANGE (not above 0, or above 1000).  A loading step. */
LLMCOST_API int llmcost_prices_set_uplift(llmcost_prices *prices,
					  const char *key, const char *region,
					  const char *factor);

/* Loads a contract (docs/contracts.md): negotiated discounts and fixed
 * unit rates per provider or model, and commitment discounts.  Terms
 * add to those loaded before.  Strict like the price book loader: the
 * first bad line fails the call with LLMCOST_E_PARSE and leaves the table
 * as it was.  A loading step. */
LLMCOST_API int llmcost_prices_load_contract(llmcost_prices *prices,
					     const char *text, size_t len);

/* The same, from a file. */
LLMCOST_API int llmcost_prices_load_contract_file(llmcost_prices *prices,
						  const char *path);


/* ------------------------------------------------------------------------
 * Provider usage shapes
 *
 * Each provider reports token usage in its own shape and with its own
 * idea of which buckets include which.  llmcost_usage_parse() reads one
 * usage object and writes it into a record in the one convention above,
 * exactly once.  docs/resolution.md lists every field read.
 * ------------------------------------------------------------------------ */

typedef enum llmcost_usage_shape {
	LLMCOST_USAGE_OPENAI_CHAT = 1,		/* Chat Completions "usage" */
	LLMCOST_USAGE_OPENAI_RESPONSES = 2,	/* Responses API "usage" */
	LLMCOST_USAGE_ANTHROPIC = 3,		/* Messages API "usage" */
	LLMCOST_USAGE_GEMINI = 4,		/* "usageMetadata" */
	LLMCOST_USAGE_BEDROCK = 5,		/* Converse API "usage" */
	LLMCOST_USAGE_OTEL = 6,			/* gen_ai.* span attributes */
	LLMCOST_USAGE_SHAPE_END_ = 7
} llmcost_usage_shape;

/* "openai-chat", "openai-responses", "anthropic", "gemini", "bedrock",
 * "otel"; "" for an unknown shape.  Static storage. */
LLMCOST_API const char *llmcost_usage_shape_name(int shape);

/* The shape named name (as llmcost_usage_shape_name() spells it), or
 * LLMCOST_E_NOTFOUND. */
LLMCOST_API int llmcost_usage_shape_from_name(const char *name);

/* Reads the usage object json[0..len) (len (size_t)-1: NUL-terminated)
 * of the given shape and sets record's token counts, tool calls and,
 * where the shape reports it, service_tier (static storage).  The object
 * may also be a whole response or span that holds it ("usage",
 * "usageMetadata", "attributes").  Other fields of record are untouched.
 * Fails, leaving record unchanged, with LLMCOST_E_PARSE (not JSON),
 * LLMCOST_E_TYPE (a count that is not a whole number), LLMCOST_E_MISSING
 * (no input or output count), LLMCOST_E_NEGATIVE, LLMCOST_E_RANGE, or
 * LLMCOST_E_PARTS (parts exceed their whole, or a reported total does not
 * match), with detail in llmcost_last_error(). */
LLMCOST_API int llmcost_usage_parse(int shape, const char *json, size_t len,
				    llmcost_record *record);


/* ------------------------------------------------------------------------
 * Price-table lint
 *
 * Checks a loaded table for the mistakes found in public price tables.
 * ------------------------------------------------------------------------ */

typedef struct llmcost_lint llmcost_lint;

typedef enum llmcost_lint_kind {
	LLMCOST_LINT_BAD_RATE = 1,	  /* negative, non-numeric, too fine */
	LLMCOST_LINT_CACHE_READ_DEAR = 2, /* cache read dearer than input */
	LLMCOST_LINT_CACHE_WRITE_CHEAP = 3, /* cache write below input */
	LLMCOST_LINT_WRITE_1H_MULTIPLE = 4, /* 1h write not the provider's
					     * multiple of input */
	LLMCOST_LINT_SCALE = 5,		  /* a rate ~1000x off its siblings */
	LLMCOST_LINT_OUTPUT_CHEAP = 6,	  /* chat output cheaper than input */
	LLMCOST_LINT_TIER_ORDER = 7,	  /* a tier rate on the wrong side of
					   * its standard rate */
	LLMCOST_LINT_KIND_END_ = 8
} llmcost_lint_kind;

/* "bad_rate", "cache_read_dear", "cache_write_cheap", "write_1h_multiple",
 * "scale", "output_cheap", "tier_order"; "" for an unknown kind. */
LLMCOST_API const char *llmcost_lint_kind_name(int kind);

/* Lints the latest price of every model of the table (and, where a model
 * has a price history, each change of rate), and turns the table's load
 * diagnostics about unusable rates into findings.  *out is a new findings
 * list (free with llmcost_lint_free()), in a stable order. */
LLMCOST_API int llmcost_prices_lint(const llmcost_prices *prices,
				    llmcost_lint **out);

/* Releases a findings list.  NULL is allowed. */
LLMCOST_API void llmcost_lint_free(llmcost_lint *lint);

/* Number of findings. */
LLMCOST_API size_t llmcost_lint_count(const llmcost_lint *lint);

/* Finding number index: its kind, the model key, the field ("" if none)
 * and a message.  Strings belong to the list.  Any pointer may be NULL.
 * LLMCOST_E_NOTFOUND if index is out of range. */
LLMCOST_API int llmcost_lint_finding(const llmcost_lint *lint, size_t index,
				     int *kind, const char **key,
				     const char **field,
				     const char **message);


/* ------------------------------------------------------------------------
 * Rollups: in-memory accumulators
 *
 * A rollup sums requests into groups.  It has one or more groupings.  A
 * grouping keys its groups by a set of dimensions (team, user, ...) and
 * an optional UTC time bucket (hour, day, ISO week, month), and may cap
 * its number of groups.  llmcost_rollup_add() adds a request to one group
 * of every grouping.  llmcost_rollup_new() makes the default rollup: one
 * grouping by team, user, feature, model and UTC day, with no cap.
 * docs/snapshot.md describes the engine in full.
 *
 * Threads: llmcost_rollup_add() may be called from many threads at once,
 * and reads (llmcost_rollup_group(), llmcost_rollup_snapshot()) may run
 * while adds do.  Sums are exact whatever the interleaving.  A read
 * copies each group under that group's own short lock, so it delays only
 * the adds to the group it is copying, and only for one copy.  Each group
 * read is whole; groups read while adds run may show different moments.
 *
 * The cap: once a grouping holds max_groups groups, a request whose key
 * has no group yet goes to the grouping's overflow group for its time
 * bucket instead (flag LLMCOST_GROUP_OVERFLOW; its keys read "").
 * Nothing is lost: the overflow group sums those requests.  The cap
 * counts groups of every time bucket alike.  With heavy_hitters = k > 0,
 * the priced cost sent to overflow is also counted per key by a
 * space-saving counter of k entries, so that the heaviest keys can still
 * be named, with a bound: see llmcost_snapshot_heavy().
 *
 * Quantiles: each group keeps two log-bucketed sketches, of input tokens
 * and of latency, one observation per record.  A quantile read from a
 * sketch is within 1/LLMCOST_SKETCH_ERROR_DIV of the exact nearest-rank
 * quantile of the values added: for an exact value x, the answer lies in
 * [x - x/64, x + x/64]; values below 64 are exact.  Sketches merge by
 * adding counts, so merged sketches keep the same bound.
 * ------------------------------------------------------------------------ */

typedef struct llmcost_rollup llmcost_rollup;

/* Grouping dimensions; keys of a llmcost_group are indexed by these.
 * Each reads the record field of the same name (workflow: workflow_name);
 * a NULL field is the value "".  Values are compared as bytes. */
typedef enum llmcost_dim {
	LLMCOST_DIM_TEAM = 0,
	LLMCOST_DIM_USER = 1,
	LLMCOST_DIM_FEATURE = 2,
	LLMCOST_DIM_MODEL = 3,		/* the model as logged */
	LLMCOST_DIM_TENANT = 4,		/* 4 to 9: since 0.2 */
	LLMCOST_DIM_ENVIRONMENT = 5,
	LLMCOST_DIM_PROVIDER = 6,
	LLMCOST_DIM_WORKFLOW = 7,
	LLMCOST_DIM_PROMPT_TEMPLATE_VERSION = 8,
	LLMCOST_DIM_SERVICE_TIER = 9,
	LLMCOST_DIM_COUNT = 10		/* dimensions this version knows */
} llmcost_dim;

/* Room for dimensions added in later versions. */
#define LLMCOST_DIM_CAPACITY 16

/* A set of dimensions is a bit mask of LLMCOST_DIM_BIT(dim). */
#define LLMCOST_DIM_BIT(dim) (1u << (dim))

/* The default rollup's dimensions: team, user, feature and model. */
#define LLMCOST_DIMS_DEFAULT 0xFu

/* "team", "user", "feature", "model", "tenant", "environment",
 * "provider", "workflow", "prompt_template_version", "service_tier";
 * "" for an unknown dimension.  Static storage. */
LLMCOST_API const char *llmcost_dim_name(int dim);

/* UTC time buckets.  A bucket starts at 00:00 UTC of its day, of the
 * Monday of its ISO week, or of the 1st of its month. */
typedef enum llmcost_bucket {
	LLMCOST_BUCKET_NONE = 0,	/* no time bucket */
	LLMCOST_BUCKET_HOUR = 1,
	LLMCOST_BUCKET_DAY = 2,
	LLMCOST_BUCKET_WEEK = 3,	/* ISO week, from Monday */
	LLMCOST_BUCKET_MONTH = 4,
	LLMCOST_BUCKET_COUNT = 5	/* buckets this version knows */
} llmcost_bucket;

/* "none", "hour", "day", "week", "month"; "" for an unknown bucket. */
LLMCOST_API const char *llmcost_bucket_name(int bucket);

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

/* Further counts summed by a rollup (since 0.2): the modality parts of
 * the record's tokens and its tool calls; llmcost_group.units[]. */
typedef enum llmcost_units {
	LLMCOST_U_INPUT_AUDIO = 0,
	LLMCOST_U_INPUT_IMAGE = 1,
	LLMCOST_U_INPUT_VIDEO = 2,
	LLMCOST_U_OUTPUT_AUDIO = 3,
	LLMCOST_U_OUTPUT_IMAGE = 4,
	LLMCOST_U_WEB_SEARCH = 5,	/* web_search_requests */
	LLMCOST_U_FILE_SEARCH = 6,	/* file_search_requests */
	LLMCOST_U_COUNT = 7
} llmcost_units;

#define LLMCOST_U_CAPACITY 16

/* Values a group keeps sketches of, for llmcost_snapshot_quantile(). */
typedef enum llmcost_metric {
	LLMCOST_M_INPUT_TOKENS = 0,
	LLMCOST_M_LATENCY_MS = 1,
	LLMCOST_M_COUNT = 2
} llmcost_metric;

/* Quantiles are within 1/LLMCOST_SKETCH_ERROR_DIV of the exact ones. */
#define LLMCOST_SKETCH_ERROR_DIV 64

/* Bits for llmcost_group.flags. */
#define LLMCOST_GROUP_OVERFLOW 0x1u	/* rows past the grouping's cap */

typedef struct llmcost_group {
	uint32_t struct_size;	/* set by llmcost_group_init() */
	uint32_t reserved;
	/* Key per llmcost_dim: the value for each dimension of the group's
	 * grouping ("" where the record had none, and in an overflow group).
	 * A dimension the grouping does not use reads "" as well (its dims
	 * tell them apart); NULL past LLMCOST_DIM_COUNT.  Owned by the
	 * rollup or snapshot; see their functions for how long it lives. */
	const char *key[LLMCOST_DIM_CAPACITY];
	int64_t day_start_ms;	/* daily bucket's start (UTC midnight);
				 * LLMCOST_TIME_UNKNOWN for other buckets
				 * and for a record without a time */
	int64_t requests;	/* sum of request_count */
	int64_t priced_requests;
	int64_t unpriced_requests;
	int64_t tokens[LLMCOST_T_CAPACITY];
	int64_t retries;
	int64_t errors;		/* records with status_code >= 400 or the
				 * FAILED flag */
	int64_t latency_sum_ms;
	int64_t latency_max_ms;
	llmcost_money total;
	llmcost_money component[LLMCOST_C_CAPACITY];

	/* Since 0.2. */
	uint32_t grouping;	/* index of the group's grouping */
	uint32_t flags;		/* LLMCOST_GROUP_* bits */
	int64_t bucket_start_ms; /* start of the time bucket;
				  * LLMCOST_TIME_UNKNOWN without one */
	int64_t records;	/* records added (each sketch's count) */
	int64_t units[LLMCOST_U_CAPACITY];
	llmcost_money contracted_cost;	/* see llmcost_cost */
	llmcost_money effective_cost;
	/* Nearest-rank quantiles from the sketches, -1 with no records. */
	int64_t input_tokens_p50;
	int64_t input_tokens_p95;
	int64_t latency_p50_ms;
	int64_t latency_p95_ms;
} llmcost_group;

/* Zeroes *group and sets struct_size. */
LLMCOST_API void llmcost_group_init(llmcost_group *group);

/* Room for groupings in one rollup. */
#define LLMCOST_GROUPING_MAX 16

/* Largest heavy_hitters a grouping may ask for. */
#define LLMCOST_HEAVY_MAX 65536

/* Options for llmcost_rollup_new_with(): one entry per grouping in the
 * parallel arrays.  Fill them with llmcost_rollup_options_add(). */
typedef struct llmcost_rollup_options {
	uint32_t struct_size;	/* set by llmcost_rollup_options_init() */
	uint32_t grouping_count;
	uint32_t dims[LLMCOST_GROUPING_MAX];	/* LLMCOST_DIM_BIT() mask */
	uint32_t bucket[LLMCOST_GROUPING_MAX];	/* llmcost_bucket */
	uint32_t heavy_hitters[LLMCOST_GROUPING_MAX]; /* k; 0: none */
	uint32_t reserved;
	uint64_t max_groups[LLMCOST_GROUPING_MAX];	/* cap; 0: none */
} llmcost_rollup_options;

/* Zeroes *options (no groupings) and sets struct_size. */
LLMCOST_API void llmcost_rollup_options_init(llmcost_rollup_options *options);

/* Appends a grouping by the dimensions in dims (a mask of
 * LLMCOST_DIM_BIT(); 0 sums everything into one group per bucket), with
 * a time bucket, a cap on its groups (0: none) and heavy_hitters
 * space-saving counters for its overflow (0: none; at most
 * LLMCOST_HEAVY_MAX; used only with a cap).  Returns the grouping's index
 * (0, 1, ...), or LLMCOST_E_INVALID for an unknown dimension or bucket,
 * LLMCOST_E_RANGE past LLMCOST_GROUPING_MAX groupings or
 * LLMCOST_HEAVY_MAX, LLMCOST_E_CONFLICT for a grouping with the same
 * dimensions and bucket as an earlier one. */
LLMCOST_API int llmcost_rollup_options_add(llmcost_rollup_options *options,
					   uint32_t dims, int bucket,
					   uint64_t max_groups,
					   uint32_t heavy_hitters);

/* The default rollup: dims LLMCOST_DIMS_DEFAULT, LLMCOST_BUCKET_DAY, no
 * cap. */
LLMCOST_API int llmcost_rollup_new(llmcost_rollup **out);

/* A rollup with the groupings of options (checked as by
 * llmcost_rollup_options_add(); at least one). */
LLMCOST_API int llmcost_rollup_new_with(llmcost_rollup **out,
					const llmcost_rollup_options *options);

/* Releases a rollup.  NULL is allowed. */
LLMCOST_API void llmcost_rollup_free(llmcost_rollup *rollup);

/* Adds one request to every grouping.  cost is the result of
 * llmcost_price() for it; a request that was not priced (cost->status
 * LLMCOST_E_UNPRICED or LLMCOST_E_NORATE) counts in unpriced_requests
 * and its tokens, never as $0 of cost.  A rejected record
 * (LLMCOST_E_PARTS, LLMCOST_E_NEGATIVE) is refused with that status.
 * All or nothing: on LLMCOST_E_OVERFLOW (a sum would leave its type) or
 * LLMCOST_E_NOMEM no sum changes, though a new, empty group may remain.
 * Thread-safe.  Adding to existing groups does not allocate, except
 * now and then to grow a group's sketch. */
LLMCOST_API int llmcost_rollup_add(llmcost_rollup *rollup,
				   const llmcost_record *record,
				   const llmcost_cost *cost);

/* Number of groups now in the rollup, over all its groupings. */
LLMCOST_API size_t llmcost_rollup_count(const llmcost_rollup *rollup);

/* Copies group number index (0 <= index < count) into *out.  Groups keep
 * their index for the life of the rollup, and their key strings live as
 * long as the rollup.  group.grouping is the index given by
 * llmcost_rollup_options_add().  LLMCOST_E_NOTFOUND if index is out of
 * range. */
LLMCOST_API int llmcost_rollup_group(const llmcost_rollup *rollup,
				     size_t index, llmcost_group *out);


/* ------------------------------------------------------------------------
 * Snapshots: copies of rollups to save, load and merge
 *
 * A snapshot holds a rollup's groupings, groups, sketches and heavy-hitter
 * counters.  Snapshots of several rollups (a fleet's replicas, or one
 * gateway's days) merge into one.  Merging adds sums exactly and is
 * associative and commutative: any order of merges gives the same groups
 * and sums, and, when no heavy-hitter counter had to drop entries, the
 * same bytes when saved.  A merge never applies a cap: the result has
 * every group of its inputs.
 *
 * A snapshot is ordered canonically: groupings by dimensions then bucket,
 * groups by grouping, overflow flag, key and bucket start.  So group and
 * grouping numbers of a snapshot differ from those of its rollup.
 *
 * The binary form (docs/snapshot.md) starts with a magic, a format
 * version (LLMCOST_SNAPSHOT_VERSION) and flags, and ends with a checksum.
 * A loader checks all of it and every count and sum in between before it
 * returns anything: a corrupt or truncated file fails whole.  The JSON
 * form is for people and tools; llmcost_snapshot_load() reads it back
 * with the same checks.
 *
 * A snapshot is not locked: it may be read from several threads at once,
 * but a merge into it must not overlap any other use of it.  Key strings
 * handed out live until the snapshot is merged into or freed.
 * ------------------------------------------------------------------------ */

typedef struct llmcost_snapshot llmcost_snapshot;

/* The binary format version this library writes and reads. */
#define LLMCOST_SNAPSHOT_VERSION 1

/* Formats for llmcost_snapshot_save(). */
typedef enum llmcost_snapshot_format {
	LLMCOST_SNAPSHOT_BINARY = 0,
	LLMCOST_SNAPSHOT_JSON = 1
} llmcost_snapshot_format;

/* An empty snapshot: no groupings.  Merging it changes nothing. */
LLMCOST_API int llmcost_snapshot_new(llmcost_snapshot **out);

/* Copies a rollup into a new snapshot while adds may go on; see the
 * threads paragraph of Rollups for what a copy under load shows. */
LLMCOST_API int llmcost_rollup_snapshot(const llmcost_rollup *rollup,
					llmcost_snapshot **out);

/* Releases a snapshot.  NULL is allowed. */
LLMCOST_API void llmcost_snapshot_free(llmcost_snapshot *snapshot);

/* Reads a snapshot from data[0..len), in the binary format or the JSON
 * form: data whose first byte after any blanks (space, tab, CR, LF) is
 * '{' is read as JSON, anything else as binary.  Both are held to the
 * same checks.  LLMCOST_E_VERSION for a format version this library does
 * not read (the detail names it), LLMCOST_E_PARSE for anything else
 * wrong: bad magic, unknown flags, truncation, checksum mismatch, a JSON
 * member missing, unknown or malformed (the detail names its path), or a
 * count or sum that cannot be.  *out is NULL on failure. */
LLMCOST_API int llmcost_snapshot_load(llmcost_snapshot **out,
				      const void *data, size_t len);

/* The same, from a file (LLMCOST_E_IO if it cannot be read). */
LLMCOST_API int llmcost_snapshot_load_file(llmcost_snapshot **out,
					   const char *path);

/* Writes the snapshot in a llmcost_snapshot_format to buf[0..size) and
 * sets *len to the bytes written.  If size is too small (buf may then be
 * NULL), returns LLMCOST_E_RANGE with *len set to the size needed. */
LLMCOST_API int llmcost_snapshot_save(const llmcost_snapshot *snapshot,
				      int format, void *buf, size_t size,
				      size_t *len);

/* The same, to a file.  A regular file (or a new one) is replaced whole:
 * written to a temporary name in the same directory, given the old
 * file's permissions, then renamed.  A symbolic link, FIFO or device is
 * written through in place; a directory is refused. */
LLMCOST_API int llmcost_snapshot_save_file(const llmcost_snapshot *snapshot,
					   int format, const char *path);

/* Adds from into into.  Groupings are matched by dimensions and bucket
 * (one only in from is added); groups by key and bucket start, and
 * their sums and sketches added.  A merged grouping keeps the larger cap
 * (no cap counting as the largest) and the smaller heavy_hitters.  All
 * or nothing: on LLMCOST_E_OVERFLOW or LLMCOST_E_NOMEM into is
 * unchanged.  from may not be into. */
LLMCOST_API int llmcost_snapshot_merge(llmcost_snapshot *into,
				       const llmcost_snapshot *from);

/* Number of groups in the snapshot. */
LLMCOST_API size_t llmcost_snapshot_count(const llmcost_snapshot *snapshot);

/* Copies group number index into *out, as llmcost_rollup_group(). */
LLMCOST_API int llmcost_snapshot_group(const llmcost_snapshot *snapshot,
				       size_t index, llmcost_group *out);

/* Reads a quantile of a llmcost_metric from group number index's
 * sketch: permyriad is the fraction in ten-thousandths (5000: median,
 * 9500: p95, 10000: the largest; 0 reads as the smallest).  The value is
 * the nearest-rank quantile within the sketch's bound.
 * LLMCOST_E_NOTFOUND if there is no such group or it has no records;
 * LLMCOST_E_INVALID for an unknown metric or permyriad above 10000. */
LLMCOST_API int llmcost_snapshot_quantile(const llmcost_snapshot *snapshot,
					  size_t index, int metric,
					  uint32_t permyriad, int64_t *out);

/* A grouping as a snapshot holds it. */
typedef struct llmcost_grouping_info {
	uint32_t struct_size;	/* set by llmcost_grouping_info_init() */
	uint32_t dims;		/* LLMCOST_DIM_BIT() mask */
	uint32_t bucket;	/* llmcost_bucket */
	uint32_t heavy_hitters;	/* space-saving counters; 0: none */
	uint64_t max_groups;	/* cap; 0: none */
	uint64_t groups;	/* groups, overflow groups included */
	uint64_t overflow_groups;
	int64_t overflow_requests; /* requests past the cap */
	llmcost_money overflow_cost; /* their priced cost */
} llmcost_grouping_info;

/* Zeroes *info and sets struct_size. */
LLMCOST_API void llmcost_grouping_info_init(llmcost_grouping_info *info);

/* Number of groupings in the snapshot. */
LLMCOST_API size_t llmcost_snapshot_grouping_count(
	const llmcost_snapshot *snapshot);

/* Describes grouping number index.  LLMCOST_E_NOTFOUND past the end. */
LLMCOST_API int llmcost_snapshot_grouping(const llmcost_snapshot *snapshot,
					  size_t index,
					  llmcost_grouping_info *out);

/* One key of a grouping ranked by priced cost, time buckets summed. */
typedef struct llmcost_heavy {
	uint32_t struct_size;	/* set by llmcost_heavy_init() */
	uint32_t exact;		/* 1 if cost_low == cost_high */
	const char *key[LLMCOST_DIM_CAPACITY];	/* as llmcost_group.key */
	llmcost_money cost_low;	/* the key's true cost is at least this */
	llmcost_money cost_high; /* and at most this */
} llmcost_heavy;

/* Zeroes *heavy and sets struct_size. */
LLMCOST_API void llmcost_heavy_init(llmcost_heavy *heavy);

/* The keys of grouping number grouping with the highest priced cost,
 * highest first (by cost_high, then cost_low, then key bytes), into
 * out[0..max); *count gets the number written.  Each out[i] must be set
 * up by llmcost_heavy_init() (out[0].struct_size is taken as the size of
 * each).  A key's cost is exact from its groups, plus, past the cap, its
 * space-saving count of overflow cost.  The space-saving bound: with k
 * counters over overflow cost N, each estimate is at most N/k above
 * the truth and never below it, and every key whose overflow cost
 * exceeds N/k is tracked.  If unlisted is not NULL it gets a bound on
 * the true cost of any key not written.  LLMCOST_E_NOTFOUND for no such
 * grouping; LLMCOST_E_OVERFLOW if a key's cost leaves the money range. */
LLMCOST_API int llmcost_snapshot_heavy(const llmcost_snapshot *snapshot,
				       size_t grouping, llmcost_heavy *out,
				       size_t max, size_t *count,
				       llmcost_money *unlisted);


/* ------------------------------------------------------------------------
 * Canonical tags
 *
 * A tags handle maps the raw tag values a gateway logs ("ai-team-a",
 * "teamA", "Team A") to a canonical vocabulary ("team-a"), one vocabulary
 * per dimension, and counts what it could not map.  docs/tags.md gives
 * the folding rules and the JSON config format in full.
 *
 * A raw value is untrusted bytes with a length.  Before any lookup it is
 * cleaned (invalid UTF-8 and control characters replaced, at most
 * LLMCOST_TAG_MAX_BYTES read) and then folded by the dimension's
 * LLMCOST_FOLD_* rules into a key.  Canonical values and aliases are
 * folded by the same rules when they are added, so a vocabulary entry
 * matches every spelling that folds to its key.
 *
 * Life cycle and threads: build the vocabulary first (loaders, setters,
 * llmcost_tags_add*), from one thread.  The first lookup freezes it:
 * from then on the setters and loaders fail with LLMCOST_E_INVALID.
 * Lookups may then run from any number of threads at once.  A lookup of a
 * raw value the handle has seen before does not allocate.  Counts may be
 * read while lookups run, but are exact only once they have finished.
 * ------------------------------------------------------------------------ */

typedef struct llmcost_tags llmcost_tags;

/* Tag dimensions, each with its own vocabulary and rules. */
typedef enum llmcost_tag_dim {
	LLMCOST_TAG_TEAM = 0,
	LLMCOST_TAG_FEATURE = 1,
	LLMCOST_TAG_ENVIRONMENT = 2,
	LLMCOST_TAG_TENANT = 3,
	LLMCOST_TAG_WORKFLOW = 4,
	LLMCOST_TAG_USER = 5,
	LLMCOST_TAG_DIM_COUNT = 6	/* dimensions this version knows */
} llmcost_tag_dim;

/* Room for dimensions added in later versions. */
#define LLMCOST_TAG_DIM_CAPACITY 16

/* "team", "feature", "environment", "tenant", "workflow", "user"; "" for
 * an unknown dimension.  Static storage.  Thread-safe. */
LLMCOST_API const char *llmcost_tag_dim_name(int dim);

/* The dimension named name (as llmcost_tag_dim_name() spells it), or
 * LLMCOST_E_NOTFOUND.  Thread-safe. */
LLMCOST_API int llmcost_tag_dim_from_name(const char *name);

/* Folding rules, as bits.  Every dimension but user starts with
 * LLMCOST_FOLD_DEFAULT; user starts with LLMCOST_FOLD_TRIM only. */
#define LLMCOST_FOLD_CASE 0x1u	/* A-Z and Latin-1 capitals to lower case */
#define LLMCOST_FOLD_TRIM 0x2u	/* drop surrounding white space */
#define LLMCOST_FOLD_SEPARATORS 0x4u /* runs of - _ . space: one '-' */
#define LLMCOST_FOLD_CAMEL 0x8u	/* '-' at camelCase boundaries */
#define LLMCOST_FOLD_DIGITS 0x10u /* '-' between letters and digits */
#define LLMCOST_FOLD_DEFAULT 0x1fu /* all five rules above */

/* Longest raw value read, and longest key or value given back, in bytes
 * (NUL excluded).  Bytes past it are ignored, and the result says so. */
#define LLMCOST_TAG_MAX_BYTES 256

/* Buffer size that always holds a folded key and its NUL. */
#define LLMCOST_TAG_STRLEN (LLMCOST_TAG_MAX_BYTES + 1)

/* Report bits: what was wrong with a raw value. */
#define LLMCOST_TAG_BAD_UTF8 0x1u  /* invalid UTF-8 bytes became U+FFFD */
#define LLMCOST_TAG_NUL 0x2u	   /* it held a NUL byte */
#define LLMCOST_TAG_CONTROL 0x4u   /* control or invisible characters */
#define LLMCOST_TAG_TOO_LONG 0x8u  /* bytes past the maximum were ignored */
#define LLMCOST_TAG_UNTRACKED 0x10u /* not remembered: limit or memory */

/* Folds raw[0..len) (len (size_t)-1: NUL-terminated) by the rules in
 * flags into buf, NUL-terminated, and sets *report (if not NULL) to the
 * report bits.  Returns the key's length (0: nothing left), or
 * LLMCOST_E_RANGE if size is too small (LLMCOST_TAG_STRLEN always
 * suffices), or LLMCOST_E_INVALID.  Does not allocate.  Thread-safe. */
LLMCOST_API int llmcost_tag_fold(unsigned flags, const char *raw,
				 size_t len, char *buf, size_t size,
				 unsigned *report);

/* Edit distance between the keys of a and b folded by flags: the least
 * number of single-character insertions, deletions, substitutions and
 * swaps of two neighbours that turns one into the other.  Returns it
 * (>= 0) or LLMCOST_E_INVALID.  Does not allocate.  Thread-safe. */
LLMCOST_API int llmcost_tag_distance(unsigned flags, const char *a,
				     size_t alen, const char *b,
				     size_t blen);

/* What a dimension does with a value that is in no vocabulary entry. */
typedef enum llmcost_tag_policy {
	LLMCOST_UNMAPPED_FOLDED = 0,	/* keep it, as its folded key */
	LLMCOST_UNMAPPED_RAW = 1,	/* keep it, as its cleaned text */
	LLMCOST_UNMAPPED_BUCKET = 2	/* attribute it to a named bucket */
} llmcost_tag_policy;

/* How a lookup went. */
typedef enum llmcost_tag_outcome {
	LLMCOST_TAG_MISSING = 0,	/* raw was NULL: no tag at all */
	LLMCOST_TAG_EMPTY = 1,		/* the key is empty ("", "  ", "--") */
	LLMCOST_TAG_CANONICAL = 2,	/* the key is a canonical value's */
	LLMCOST_TAG_ALIAS = 3,		/* the key is an alias's */
	LLMCOST_TAG_UNMAPPED = 4,	/* in no vocabulary entry */
	LLMCOST_TAG_OUTCOME_COUNT = 5
} llmcost_tag_outcome;

/* "missing", "empty", "canonical", "alias", "unmapped"; "" for an
 * unknown outcome.  Static storage.  Thread-safe. */
LLMCOST_API const char *llmcost_tag_outcome_name(int outcome);

/* A new handle with empty vocabularies and the default rules. */
LLMCOST_API int llmcost_tags_new(llmcost_tags **out);

/* Releases a handle.  NULL is allowed. */
LLMCOST_API void llmcost_tags_free(llmcost_tags *tags);

/* Loads a JSON vocabulary config (docs/tags.md) into the handle, adding
 * to what it holds.  All or nothing: on failure the handle is unchanged,
 * and llmcost_last_error() names the line, column and field, as in
 * "line 9, column 18: dimensions.team.values.team-a[1]: alias 'Team B'
 * already belongs to 'team-b'".  Fails with LLMCOST_E_PARSE (syntax or
 * unknown field), LLMCOST_E_TYPE, LLMCOST_E_MISSING, LLMCOST_E_VERSION,
 * LLMCOST_E_INVALID (a bad value), LLMCOST_E_RANGE (too long),
 * LLMCOST_E_CONFLICT or LLMCOST_E_NOMEM.  Not thread-safe. */
LLMCOST_API int llmcost_tags_load_json(llmcost_tags *tags, const char *json,
				       size_t len);

/* The same, from a file; LLMCOST_E_IO if it cannot be read. */
LLMCOST_API int llmcost_tags_load_file(llmcost_tags *tags,
				       const char *path);

/* Sets a dimension's folding rules (LLMCOST_FOLD_* bits) and folds its
 * vocabulary again.  On failure nothing changes: LLMCOST_E_CONFLICT if
 * two entries would then share a key, LLMCOST_E_INVALID if one would fold
 * to an empty key or for an unknown bit.  Not thread-safe. */
LLMCOST_API int llmcost_tags_set_fold(llmcost_tags *tags, int dim,
				      unsigned flags);

/* A dimension's folding rules; 0 for an unknown dimension. */
LLMCOST_API unsigned llmcost_tags_fold_flags(const llmcost_tags *tags,
					     int dim);

/* Sets what a dimension does with unmapped values (llmcost_tag_policy).
 * bucket names the bucket for LLMCOST_UNMAPPED_BUCKET and must then be a
 * non-empty UTF-8 string of at most LLMCOST_TAG_MAX_BYTES with no control
 * characters; it is ignored for the other policies.  Not thread-safe. */
LLMCOST_API int llmcost_tags_set_unmapped(llmcost_tags *tags, int dim,
					  int policy, const char *bucket);

/* Sets the value given for missing and empty tags of a dimension ("" at
 * first; NULL means "").  Not thread-safe. */
LLMCOST_API int llmcost_tags_set_empty(llmcost_tags *tags, int dim,
				       const char *label);

/* Sets how many distinct raw values of a dimension the handle remembers
 * (LLMCOST_TAGS_DEFAULT_LIMIT at first).  Past it, lookups of new values
 * still give the right result but are not cached, and unmapped ones are
 * counted together (llmcost_tags_untracked()), so memory stays bounded
 * whatever the input.  Not thread-safe. */
LLMCOST_API int llmcost_tags_set_limit(llmcost_tags *tags, int dim,
				       size_t max_values);

#define LLMCOST_TAGS_DEFAULT_LIMIT 100000

/* Adds a canonical value to a dimension's vocabulary.  It must be a
 * non-empty UTF-8 string of at most LLMCOST_TAG_MAX_BYTES with no control
 * characters, whose key is not empty (LLMCOST_E_INVALID, LLMCOST_E_RANGE).
 * Adding a value whose key is already a canonical value's is a no-op
 * (the first spelling stays); LLMCOST_E_CONFLICT if the key is an
 * alias's.  Lookups give the value back spelled as first added.  Not
 * thread-safe. */
LLMCOST_API int llmcost_tags_add(llmcost_tags *tags, int dim,
				 const char *canonical);

/* Adds an alias for the canonical value whose key canonical folds to
 * (LLMCOST_E_NOTFOUND if there is none).  The same rules as for
 * llmcost_tags_add(); an alias whose key is already this canonical
 * value's is a no-op.  Not thread-safe. */
LLMCOST_API int llmcost_tags_add_alias(llmcost_tags *tags, int dim,
				       const char *canonical,
				       const char *alias);

/* Number of canonical values in a dimension's vocabulary. */
LLMCOST_API size_t llmcost_tags_canonical_count(const llmcost_tags *tags,
						int dim);

/* Canonical value number index (in the order added), owned by the handle
 * and valid until it is freed; NULL if index or dim is out of range. */
LLMCOST_API const char *llmcost_tags_canonical(const llmcost_tags *tags,
					       int dim, size_t index);

typedef struct llmcost_tag {
	uint32_t struct_size;	/* set by llmcost_tag_init() */
	uint32_t dim;		/* the dimension looked up */
	uint32_t outcome;	/* llmcost_tag_outcome */
	uint32_t flags;		/* LLMCOST_TAG_* report bits */
	int32_t canonical;	/* canonical value's index, or -1 */
	uint32_t reserved;
	/* The value to attribute to: the canonical value, the kept unmapped
	 * value, the bucket, or the empty label.  NUL-terminated. */
	char value[LLMCOST_TAG_STRLEN];
	/* The raw value's folded key; "" if missing. */
	char key[LLMCOST_TAG_STRLEN];
} llmcost_tag;

/* Zeroes *tag and sets struct_size. */
LLMCOST_API void llmcost_tag_init(llmcost_tag *tag);

/* Looks up raw[0..len) (len (size_t)-1: NUL-terminated; raw NULL: a
 * missing tag) in dimension dim and fills *out.  Counts one lookup of one
 * request costing nothing.  The result depends only on the vocabulary and
 * the first LLMCOST_TAG_MAX_BYTES bytes of raw.  Thread-safe; does not
 * allocate for a raw value seen before.  LLMCOST_E_INVALID or
 * LLMCOST_E_SIZE for bad arguments; LLMCOST_E_NOMEM is never returned (a
 * value that cannot be remembered is flagged LLMCOST_TAG_UNTRACKED). */
LLMCOST_API int llmcost_tags_lookup(llmcost_tags *tags, int dim,
				    const char *raw, size_t len,
				    llmcost_tag *out);

/* The same, counting requests requests (>= 0, else LLMCOST_E_NEGATIVE)
 * and cost towards the value, so that unmapped tags can be reported with
 * what they cost.  Thread-safe. */
LLMCOST_API int llmcost_tags_lookup_weighted(llmcost_tags *tags, int dim,
					     const char *raw, size_t len,
					     int64_t requests,
					     llmcost_money cost,
					     llmcost_tag *out);

/* The canonical value nearest raw: least llmcost_tag_distance() between
 * raw's key and the key of a canonical value or of one of its aliases,
 * under the dimension's rules; ties go to the lower canonical index.
 * Sets *index and *canonical (either may be NULL) and *distance.
 * LLMCOST_E_NOTFOUND if no key is within max_distance.  Does not
 * allocate.  Thread-safe once the vocabulary is built. */
LLMCOST_API int llmcost_tags_closest(const llmcost_tags *tags, int dim,
				     const char *raw, size_t len,
				     unsigned max_distance, size_t *index,
				     const char **canonical,
				     unsigned *distance);

/* Counts of lookups: of one outcome of a dimension, of one unmapped raw
 * value, or of the unmapped values not remembered past the limit. */
typedef struct llmcost_tag_count {
	uint32_t struct_size;	/* set by llmcost_tag_count_init() */
	uint32_t flags;		/* report bits of these lookups, OR-ed */
	int64_t lookups;	/* calls */
	int64_t requests;	/* sum of their requests */
	llmcost_money cost;	/* sum of their cost */
	/* For one unmapped raw value (NULL otherwise), owned by the handle
	 * and valid until it is freed: the raw bytes as received, up to
	 * LLMCOST_TAG_MAX_BYTES (raw_len of them, then a NUL; they may hold
	 * NULs and invalid UTF-8); their cleaned text; their key; and the
	 * value they were given. */
	const char *raw;
	size_t raw_len;
	const char *text;
	const char *key;
	const char *value;
} llmcost_tag_count;

/* Zeroes *count and sets struct_size. */
LLMCOST_API void llmcost_tag_count_init(llmcost_tag_count *count);

/* Totals of a dimension's lookups with one outcome.  Thread-safe. */
LLMCOST_API int llmcost_tags_total(const llmcost_tags *tags, int dim,
				   int outcome, llmcost_tag_count *out);

/* Totals of a dimension's unmapped lookups whose raw values were not
 * remembered because the limit was reached.  Thread-safe. */
LLMCOST_API int llmcost_tags_untracked(const llmcost_tags *tags, int dim,
				       llmcost_tag_count *out);

/* Number of distinct unmapped raw values of a dimension remembered. */
LLMCOST_API size_t llmcost_tags_unmapped_count(const llmcost_tags *tags,
					       int dim);

/* Unmapped raw value number index, in the order first seen (with
 * concurrent lookups, the order they reached the handle).
 * LLMCOST_E_NOTFOUND if index is out of range.  Thread-safe. */
LLMCOST_API int llmcost_tags_unmapped(const llmcost_tags *tags, int dim,
				      size_t index, llmcost_tag_count *out);


/* ------------------------------------------------------------------------
 * Spend change (since 0.2)
 *
 * Explains how a slice's cost moved from a baseline period to a current
 * one.  The caller sums each period into a llmcost_diff_side (from
 * rollup or snapshot groups); llmcost_diff_explain() splits the change
 * into five effects that, with the remainder, add up to the change
 * exactly, and names the likely cause.  docs/diff.md has the method.
 *
 * Method: sequential substitution in a fixed order.  With N requests,
 * T retries, G = N - T first attempts, I input and O output tokens, and
 * costs C = Cin (input-side components) + Cout (output-side) + Cx (the
 * rest), the stage values are
 *   S0 = C0
 *   S1 = C0 * G1 / G0                            volume
 *   S2 = C0 * N1 / N0                            retry share
 *   S3 = Cin0 * I1 / I0 + (Cout0 + Cx0) * N1 / N0  input per request
 *   S4 = Cin0 * I1 / I0 + Cout0 * O1 / O0 + Cx0 * N1 / N0  output
 *   S5 = C1                                      unit price, model mix
 * and effect k is S(k+1) - S(k), with each product-and-quotient term
 * rounded down to 10^-18 USD (so an effect is within one unit of its
 * exact value).  The remainder is the change less the effects: what the
 * roundings disagree on, at most a few units, shown rather than hidden.
 * A slice with no requests in one period puts the whole change in
 * volume.  A zero G, I or O in the baseline is read as "flat" for that
 * step, so the step's change falls to the next.
 * ------------------------------------------------------------------------ */

/* One period of one slice. */
typedef struct llmcost_diff_side {
	uint32_t struct_size;	/* set by llmcost_diff_side_init() */
	uint32_t reserved;
	int64_t requests;
	int64_t retries;
	int64_t errors;
	int64_t input_tokens;
	int64_t output_tokens;
	int64_t active_users;	/* distinct users; -1 if not known */
	llmcost_money cost;	/* priced cost */
	llmcost_money input_cost;  /* its input-side components */
	llmcost_money output_cost; /* its output-side components */
} llmcost_diff_side;

/* Zeroes *side, sets struct_size, and active_users to -1. */
LLMCOST_API void llmcost_diff_side_init(llmcost_diff_side *side);

/* Adds a group's sums to *side (not active_users).  Input-side
 * components are input, the cache buckets and input media; output-side
 * are output, reasoning and output media.  LLMCOST_E_OVERFLOW (side
 * unchanged) if a sum would leave its type. */
LLMCOST_API int llmcost_diff_side_add(llmcost_diff_side *side,
				      const llmcost_group *group);

/* The effects, in the order of substitution. */
typedef enum llmcost_effect {
	LLMCOST_EFFECT_VOLUME = 0,	/* first-attempt requests */
	LLMCOST_EFFECT_RETRY = 1,	/* retries per first attempt */
	LLMCOST_EFFECT_INPUT = 2,	/* input tokens per request */
	LLMCOST_EFFECT_OUTPUT = 3,	/* output tokens per request */
	LLMCOST_EFFECT_PRICE = 4,	/* cost per token: price, model mix */
	LLMCOST_EFFECT_COUNT = 5
} llmcost_effect;

#define LLMCOST_EFFECT_CAPACITY 8

/* "volume", "retry", "input", "output", "price"; "" if unknown. */
LLMCOST_API const char *llmcost_effect_name(int effect);

/* Causes, from the signatures of docs/diff.md. */
typedef enum llmcost_cause {
	LLMCOST_CAUSE_NONE = 0,		/* no change */
	LLMCOST_CAUSE_MODEL_SUBSTITUTION = 1,
	LLMCOST_CAUSE_PROMPT_EXPANSION = 2,
	LLMCOST_CAUSE_RETRY_STORM = 3,
	LLMCOST_CAUSE_ADOPTION = 4,	/* genuine adoption (or decline) */
	LLMCOST_CAUSE_PRICE_CHANGE = 5,
	LLMCOST_CAUSE_OUTPUT_GROWTH = 6,
	LLMCOST_CAUSE_NEW_SLICE = 7,	/* no requests in the baseline */
	LLMCOST_CAUSE_GONE_SLICE = 8,	/* no requests now */
	LLMCOST_CAUSE_COUNT = 9
} llmcost_cause;

/* "none", "model substitution", "prompt expansion", "retry storm",
 * "genuine adoption", "price change", "output growth", "new slice",
 * "gone slice"; "" if unknown. */
LLMCOST_API const char *llmcost_cause_name(int cause);

/* Flags for llmcost_diff_explain(). */
#define LLMCOST_DIFF_MODEL_MIX 0x1u /* the slice's model mix changed */

typedef struct llmcost_diff {
	uint32_t struct_size;	/* set by llmcost_diff_init() */
	uint32_t cause;		/* llmcost_cause */
	llmcost_money change;	/* current cost less baseline cost */
	llmcost_money effect[LLMCOST_EFFECT_CAPACITY];
	llmcost_money remainder; /* change less the effects */
	/* Ratios current / baseline in ten-thousandths (10000: flat), -1
	 * where the baseline figure is 0: requests, active users, input
	 * and output tokens per request, cost per request. */
	int64_t requests_ratio;
	int64_t users_ratio;
	int64_t input_ratio;
	int64_t output_ratio;
	int64_t cost_ratio;
	/* Retries and errors per request, in ten-thousandths. */
	int64_t retry_rate[2];	/* baseline, current */
	int64_t error_rate[2];
} llmcost_diff;

/* Zeroes *diff and sets struct_size. */
LLMCOST_API void llmcost_diff_init(llmcost_diff *diff);

/* Explains the change from base to current into *out.  flags:
 * LLMCOST_DIFF_* bits.  LLMCOST_E_INVALID for NULL or negative counts,
 * LLMCOST_E_SIZE for an unknown struct_size, LLMCOST_E_OVERFLOW if a
 * stage value leaves the money range.  Does not allocate. */
LLMCOST_API int llmcost_diff_explain(const llmcost_diff_side *base,
				     const llmcost_diff_side *current,
				     unsigned flags, llmcost_diff *out);

#ifdef __cplusplus
}
#endif

#endif /* LLMCOST_H */
