/*
 * prices.h - the price table shared by its loaders (lib/litellm.c,
 * lib/pricebook.c) and the pricing code (lib/prices.c).  Not part of the
 * ABI.
 *
 * A table holds entries.  An entry is a model key with a provider and
 * effective-dated price versions, or an alias: a key that borrows the
 * versions of another entry.  Loaders describe a version with
 * lc_price_version and hand it to the table; the table stores it more
 * compactly.
 */
#ifndef LLMCOST_PRICES_H
#define LLMCOST_PRICES_H

#include "internal.h"

/* Longest model key, alias or logged model name, in bytes.  Longer names
 * can never match, so loaders refuse them and pricing reports them. */
#define LC_KEY_MAX 256

/* Rates share the numbering of llmcost_component. */
enum lc_rate_id {
	LC_R_INPUT = LLMCOST_C_INPUT,
	LC_R_CACHE_READ = LLMCOST_C_CACHE_READ,
	LC_R_CACHE_WRITE_5M = LLMCOST_C_CACHE_WRITE_5M,
	LC_R_CACHE_WRITE_1H = LLMCOST_C_CACHE_WRITE_1H,
	LC_R_OUTPUT = LLMCOST_C_OUTPUT,
	LC_R_REASONING = LLMCOST_C_REASONING,
	LC_R_COUNT = LLMCOST_C_COUNT
};

/* Per-token rates in units of 10^-18 USD; bit r of present says rate[r]
 * is known (a known rate may be zero: a free bucket). */
typedef struct lc_rates {
	lc_i128 rate[LC_R_COUNT];
	uint32_t present;
} lc_rates;

/* One price version as a loader describes it. */
typedef struct lc_price_version {
	int64_t valid_from_ms;	/* LLMCOST_TIME_UNKNOWN: always */
	int has_tier;		/* a long-context tier is described */
	int64_t above;		/* tier applies when input_tokens > above */
	lc_rates base;
	lc_rates tier;
} lc_price_version;

#define LC_NO_ENTRY UINT32_MAX

static inline int lc_rate_has(const lc_rates *r, int id)
{
	return (r->present >> id) & 1u;
}

static inline void lc_rate_set(lc_rates *r, int id, lc_i128 v)
{
	r->rate[id] = v;
	r->present |= 1u << id;
}

/* "input", "cache_read", ... for a rate id; "" if out of range. */
LC_HIDDEN const char *lc_rate_name(int id);

/* Writes the ASCII lowercase of s[0..len) into out (len bytes, no NUL). */
LC_HIDDEN void lc_key_lower(const char *s, size_t len, char *out);

/* Whether an entry with this key and provider is billed by Anthropic's
 * rules (1-hour cache writes at twice the base input rate). */
LC_HIDDEN int lc_is_anthropic(const char *key, const char *provider);

/* Finds key (any case).  Returns 1 and sets *slot to the key's own entry
 * and *target to the entry whose versions it uses (the same unless the key
 * is an alias); 0 if the key is absent.  Either pointer may be NULL. */
LC_HIDDEN int lc_prices_find(const llmcost_prices *p, const char *key,
			     size_t len, uint32_t *slot, uint32_t *target);

/* The original spelling of an entry's key. */
LC_HIDDEN const char *lc_prices_entry_key(const llmcost_prices *p,
					  uint32_t entry);

/* Finds or adds a model key and returns its entry.  A key that was an
 * alias becomes a model of its own, starting from a copy of the versions
 * it borrowed.  provider (NUL-terminated) replaces the entry's provider
 * unless NULL.  LLMCOST_OK, LLMCOST_E_NOMEM or LLMCOST_E_RANGE (key too
 * long or table full). */
LC_HIDDEN int lc_prices_add_model(llmcost_prices *p, const char *key,
				  size_t len, const char *provider,
				  uint32_t *entry);

/* Adds a version to a model entry, replacing one with the same
 * valid_from_ms.  LLMCOST_OK or LLMCOST_E_NOMEM. */
LC_HIDDEN int lc_prices_add_version(llmcost_prices *p, uint32_t entry,
				    const lc_price_version *v);

/* Adds alias as a key for target's versions.  An alias that already
 * names the same target is left alone.  LLMCOST_E_INVALID if alias is a
 * key of anything else; LLMCOST_E_NOMEM; LLMCOST_E_RANGE. */
LC_HIDDEN int lc_prices_add_alias(llmcost_prices *p, const char *alias,
				  size_t len, uint32_t target);

/* Records a load diagnostic.  key and field are NUL-terminated (field may
 * be ""); the message is formatted.  LLMCOST_OK or LLMCOST_E_NOMEM. */
LC_HIDDEN int lc_prices_diag_add(llmcost_prices *p, const char *key,
				 const char *field, const char *fmt, ...)
	LC_PRINTF(4, 5);

/* Reads a whole file into a new NUL-terminated buffer (free with
 * lc_free).  LLMCOST_OK, LLMCOST_E_IO or LLMCOST_E_NOMEM. */
LC_HIDDEN int lc_read_file(const char *path, char **text, size_t *len);

/* Returns items (holding *cap elements of size bytes) grown to hold at
 * least n, updating *cap; or NULL on out of memory or overflow, leaving
 * items and *cap as they were. */
LC_HIDDEN void *lc_array_grow(void *items, size_t *cap, size_t n,
			      size_t size);

#endif /* LLMCOST_PRICES_H */
