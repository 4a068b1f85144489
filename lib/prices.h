/*
 * prices.h - the price table shared by its loaders (lib/litellm.c,
 * lib/pricebook.c, lib/contract.c), name resolution (lib/resolve.c,
 * lib/resolve_cache.c), the pricing code (lib/prices.c) and the lint
 * (lib/lint.c).  Not part of the ABI.
 *
 * A table holds entries.  An entry is a model key with a provider and
 * effective-dated price versions, or an alias: a key that borrows the
 * versions of another entry.  Loaders describe a version with
 * lc_price_version and hand it to the table; the table stores it more
 * compactly: long-context tiers and service-tier rate sets are rare, so
 * they live in pools of their own and a version refers to them by index.
 */
#ifndef LLMCOST_PRICES_H
#define LLMCOST_PRICES_H

#include "internal.h"

/* Longest model key, alias or logged model name, in bytes.  Longer names
 * can never match, so loaders refuse them and pricing reports them. */
#define LC_KEY_MAX 256

#define LC_NONE UINT32_MAX
#define LC_NO_ENTRY LC_NONE

/* Rates share the numbering of llmcost_component; two more hold the web
 * search fee at the small and large search context sizes (the component's
 * own rate is the medium size, the providers' default). */
enum lc_rate_id {
	LC_R_INPUT = LLMCOST_C_INPUT,
	LC_R_CACHE_READ = LLMCOST_C_CACHE_READ,
	LC_R_CACHE_WRITE_5M = LLMCOST_C_CACHE_WRITE_5M,
	LC_R_CACHE_WRITE_1H = LLMCOST_C_CACHE_WRITE_1H,
	LC_R_OUTPUT = LLMCOST_C_OUTPUT,
	LC_R_REASONING = LLMCOST_C_REASONING,
	LC_R_INPUT_AUDIO = LLMCOST_C_INPUT_AUDIO,
	LC_R_INPUT_IMAGE = LLMCOST_C_INPUT_IMAGE,
	LC_R_INPUT_VIDEO = LLMCOST_C_INPUT_VIDEO,
	LC_R_OUTPUT_AUDIO = LLMCOST_C_OUTPUT_AUDIO,
	LC_R_OUTPUT_IMAGE = LLMCOST_C_OUTPUT_IMAGE,
	LC_R_REQUEST = LLMCOST_C_REQUEST,
	LC_R_WEB_SEARCH = LLMCOST_C_WEB_SEARCH,
	LC_R_FILE_SEARCH = LLMCOST_C_FILE_SEARCH,
	LC_R_WEB_SEARCH_LOW = LLMCOST_C_COUNT,
	LC_R_WEB_SEARCH_HIGH,
	LC_R_COUNT
};

/* Rates at or past this id are per call or per request, not per token. */
#define LC_R_FIRST_PER_CALL LC_R_REQUEST

/* Rates in units of 10^-18 USD per token (or per call); bit r of present
 * says rate[r] is known (a known rate may be zero: a free bucket). */
typedef struct lc_rates {
	lc_i128 rate[LC_R_COUNT];
	uint32_t present;
} lc_rates;

/* Service tiers with rates of their own, by llmcost_service_tier - 1. */
enum lc_svc {
	LC_SVC_BATCH = 0,
	LC_SVC_FLEX = 1,
	LC_SVC_PRIORITY = 2,
	LC_SVC_COUNT = 3
};

/* Most long-context tiers one price version may have. */
#define LC_TIERS_MAX 8

/* Regional uplift factors are kept in millionths: 1100000 is x1.1. */
#define LC_PPM 1000000

/* A long-context tier: its rates apply when input_tokens > above. */
typedef struct lc_tier {
	int64_t above;
	lc_rates rates;
} lc_tier;

/* One price version as a loader describes it. */
typedef struct lc_price_version {
	int64_t valid_from_ms;	/* LLMCOST_TIME_UNKNOWN: always */
	int64_t regional_ppm;	/* 0: no regional uplift */
	size_t ntiers;		/* tiers, by ascending above */
	lc_tier tier[LC_TIERS_MAX];
	lc_rates base;
	lc_rates svc[LC_SVC_COUNT];	/* present == 0: none */
} lc_price_version;

/* Who makes a model, where a billing rule depends on it. */
enum lc_maker {
	LC_MAKER_OTHER = 0,
	LC_MAKER_OPENAI = 1,
	LC_MAKER_ANTHROPIC = 2,
	LC_MAKER_GOOGLE = 3
};

/* Kinds of load diagnostic, so that the lint can report bad rates. */
enum lc_diag_kind {
	LC_DIAG_OTHER = 0,
	LC_DIAG_BAD_RATE = 1
};

struct lc_version {
	int64_t valid_from_ms;
	int64_t regional_ppm;
	uint32_t first_tier;	/* index into tiers */
	uint32_t ntiers;
	uint32_t svc[LC_SVC_COUNT];	/* index into sets, or LC_NONE */
	lc_rates base;
};

struct lc_entry {
	const char *key;	/* original spelling, in the string pool */
	const char *provider;	/* in the string pool, or NULL */
	struct lc_version *versions;	/* NULL for an alias */
	size_t nversions;
	size_t cap;
	uint32_t alias_of;	/* LC_NONE for a model of its own */
	uint8_t maker;		/* enum lc_maker */
	uint8_t chat;		/* generates text (chat or completion) */
	uint8_t has_uplift;	/* some uplift rule names this entry */
	uint8_t reserved;
};

struct lc_diag {
	const char *key;
	const char *field;
	const char *message;
	int kind;
};

/* A regional uplift rule set through llmcost_prices_set_uplift(). */
struct lc_uplift {
	uint32_t entry;
	const char *region;	/* lowercase, in the pool; NULL: any region */
	int64_t ppm;
};

struct lc_rcache;
struct lc_contract;

struct llmcost_prices {
	lc_map *keys;		/* lowercase key -> entry index */
	lc_map *strings;	/* pool of keys, providers and messages */
	lc_map *deployments;	/* lowercase deployment -> entry index */
	struct lc_entry *entries;
	size_t nentries;
	size_t entries_cap;
	lc_tier *tiers;
	size_t ntiers;
	size_t tiers_cap;
	lc_rates *sets;		/* service-tier rate sets */
	size_t nsets;
	size_t sets_cap;
	struct lc_diag *diags;
	size_t ndiags;
	size_t diags_cap;
	struct lc_uplift *uplifts;
	size_t nuplifts;
	size_t uplifts_cap;
	struct lc_contract *contract;	/* NULL: no contract */
	struct lc_rcache *cache;	/* resolved names (resolve_cache.c) */
	uint64_t generation;	/* bumped whenever names may resolve anew */
};

static inline int lc_rate_has(const lc_rates *r, int id)
{
	return (r->present >> id) & 1u;
}

static inline void lc_rate_set(lc_rates *r, int id, lc_i128 v)
{
	r->rate[id] = v;
	r->present |= 1u << id;
}

/* The entry whose versions entry uses (itself unless an alias). */
static inline const struct lc_entry *
lc_target(const llmcost_prices *p, uint32_t entry)
{
	const struct lc_entry *e = &p->entries[entry];

	return e->alias_of == LC_NONE ? e : &p->entries[e->alias_of];
}

/* ---- prices.c ---------------------------------------------------------- */

/* The rate's name in price books and notes: a component name, or
 * "web_search_low", "web_search_high"; "" if out of range. */
LC_HIDDEN const char *lc_rate_name(int id);

/* The name of service tier index LC_SVC_*: "batch", "flex", "priority". */
LC_HIDDEN const char *lc_svc_name(int svc);

/* Writes the ASCII lowercase of s[0..len) into out (len bytes, no NUL). */
LC_HIDDEN void lc_key_lower(const char *s, size_t len, char *out);

/* Whether an entry with this key and provider is billed by Anthropic's
 * rules (1-hour cache writes at twice the base input rate). */
LC_HIDDEN int lc_is_anthropic(const char *key, const char *provider);

/* The maker of a model by its key and provider (enum lc_maker). */
LC_HIDDEN int lc_maker_of(const char *key, const char *provider);

/* Finds a key already in ASCII lowercase.  Returns 1 and sets *slot to the
 * key's own entry and *target to the entry whose versions it uses; 0 if
 * absent.  Either pointer may be NULL. */
LC_HIDDEN int lc_prices_lookup(const llmcost_prices *p, const char *low,
			       size_t len, uint32_t *slot, uint32_t *target);

/* The same for a key in any case. */
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

/* Marks whether an entry generates text (1) or not (0). */
LC_HIDDEN void lc_prices_set_chat(llmcost_prices *p, uint32_t entry,
				  int chat);

/* Adds a version to a model entry, replacing one with the same
 * valid_from_ms.  LLMCOST_OK, LLMCOST_E_NOMEM or LLMCOST_E_RANGE. */
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

/* The same with a kind (enum lc_diag_kind). */
LC_HIDDEN int lc_prices_diag_kind(llmcost_prices *p, int kind,
				  const char *key, const char *field,
				  const char *fmt, ...) LC_PRINTF(5, 6);

/* Interns a string in the table's pool; NULL on out of memory. */
LC_HIDDEN const char *lc_prices_intern(llmcost_prices *p, const char *s,
				       size_t len);

/* Notes that names may now resolve differently (a key, alias or
 * deployment was added), so that cached resolutions are not reused. */
LC_HIDDEN void lc_prices_changed(llmcost_prices *p);

/* Returns items (holding *cap elements of size bytes) grown to hold at
 * least n, updating *cap; or NULL on out of memory or overflow, leaving
 * items and *cap as they were. */
LC_HIDDEN void *lc_array_grow(void *items, size_t *cap, size_t n,
			      size_t size);

/* Checks the record fields added in 0.2 (modality parts within their
 * wholes, no negative count), which llmcost_record_check() leaves alone.
 * LLMCOST_OK, LLMCOST_E_NEGATIVE or LLMCOST_E_PARTS with detail. */
LC_HIDDEN int lc_record_check_parts(const llmcost_record *r);

/* Parses a decimal multiplier ("1.1") into millionths.  LLMCOST_OK,
 * LLMCOST_E_PARSE, LLMCOST_E_INEXACT (more than 6 decimals) or
 * LLMCOST_E_RANGE (negative or above max_ppm). */
LC_HIDDEN int lc_ppm_parse(const char *s, size_t len, int64_t max_ppm,
			   int64_t *ppm);

/* *v = *v * ppm / 10^6, rounded half to even.  Returns 1 if it was
 * rounded, 0 if exact, -1 on overflow (*v unchanged). */
LC_HIDDEN int lc_scale_ppm(lc_i128 *v, int64_t ppm);

/* ---- pricebook.c ------------------------------------------------------- */

/* Which rate set a price-book rate name fills. */
enum lc_book_set {
	LC_SET_BASE = 0,	/* "input" */
	LC_SET_ABOVE = 1,	/* "input_above": the long-context tier */
	LC_SET_BATCH = 2,	/* "input_batch" */
	LC_SET_FLEX = 3,	/* "input_flex" */
	LC_SET_PRIORITY = 4	/* "input_priority" */
};

/* Reads a rate name of the price book ("cache_read", "output_batch",
 * "web_search_high"): sets *id and *set (enum lc_book_set) and returns 0,
 * or returns -1 for an unknown name. */
LC_HIDDEN int lc_book_rate_name(const char *name, size_t len, int *id,
				int *set);

/* Parses a rate value of the price book: US dollars per million tokens,
 * or per thousand calls for per-call rates, into 10^-18 USD per token or
 * per call.  LLMCOST_OK or the status of lc_decimal_parse(), or
 * LLMCOST_E_RANGE for a negative value. */
LC_HIDDEN int lc_book_rate_value(int id, const char *s, size_t len,
				 lc_i128 *out);

/* ---- resolve.c --------------------------------------------------------- */

/* Bits of lc_resolution.flags. */
#define LC_RES_APPROXIMATE 0x1u	/* an approximate match */
#define LC_RES_GLOBAL 0x2u	/* a global. profile priced as in-region */

/* What a model name resolved to. */
struct lc_resolution {
	uint32_t entry;		/* the matched key's entry, or LC_NONE */
	uint32_t rule;		/* llmcost_rule */
	uint32_t flags;		/* LC_RES_* */
	uint32_t region_at;	/* region named by the name: offset, */
	uint32_t region_len;	/* length (0: none) */
};

/* Resolves model[0..len) with the record's provider (may be NULL) by the
 * ordered rules, without the cache.  Returns 1 if matched, else 0 with
 * out->entry LC_NONE. */
LC_HIDDEN int lc_resolve_rules(const llmcost_prices *p, const char *model,
			       size_t len, const char *provider,
			       struct lc_resolution *out);

/* The same through the table's cache of resolved names. */
LC_HIDDEN int lc_resolve(const llmcost_prices *p, const char *model,
			 size_t len, const char *provider,
			 struct lc_resolution *out);

/* ---- resolve_cache.c --------------------------------------------------- */

LC_HIDDEN struct lc_rcache *lc_rcache_new(void);
LC_HIDDEN void lc_rcache_free(struct lc_rcache *c);

/* Looks key[0..len) up for generation gen; 1 and *out on a hit. */
LC_HIDDEN int lc_rcache_get(struct lc_rcache *c, uint64_t gen,
			    const char *key, size_t len,
			    struct lc_resolution *out);

/* Remembers a resolution; silently does nothing if the slot is busy or
 * the key is too long to cache. */
LC_HIDDEN void lc_rcache_put(struct lc_rcache *c, uint64_t gen,
			     const char *key, size_t len,
			     const struct lc_resolution *res);

/* ---- contract.c -------------------------------------------------------- */

/* Contracted and effective cost of a priced request.  list holds the
 * list-price components (already uplifted); units the units of each.
 * Sets *contracted and *effective; adds LLMCOST_COST_CONTRACT (and
 * LLMCOST_COST_ROUNDED) to *flags and words to the note through
 * note(ctx, text) when terms apply.  LLMCOST_OK or LLMCOST_E_OVERFLOW. */
struct lc_contract_query {
	const char *key;	/* matched price key */
	const char *provider;	/* the entry's provider, or NULL */
	const char *record_provider;
	const char *model;	/* the name as logged */
	int64_t timestamp_ms;
	int service_tier;
	const lc_i128 *list;	/* LLMCOST_C_COUNT components */
	const int64_t *units;
};

struct lc_contract_result {
	lc_i128 contracted;
	lc_i128 effective;
	lc_i128 component[LLMCOST_C_COUNT];	/* contracted, by component */
	uint32_t flags;
	char words[120];
};

LC_HIDDEN int lc_contract_apply(const struct lc_contract *c,
				const struct lc_contract_query *q,
				struct lc_contract_result *out);
LC_HIDDEN void lc_contract_free(struct lc_contract *c);

/* What a price file holds, for lc_prices_load_path(). */
enum lc_load_kind {
	LC_LOAD_ANY,		/* LiteLLM JSON if it starts with '{', else a
				 * price book */
	LC_LOAD_LITELLM,
	LC_LOAD_BOOK,
	LC_LOAD_CONTRACT
};

/* Reads path whole and loads it as kind: the one body behind every
 * llmcost_prices_load_*_file(). */
LC_HIDDEN int lc_prices_load_path(llmcost_prices *prices, const char *path,
				  int kind, int64_t valid_from_ms);

#endif /* LLMCOST_PRICES_H */
