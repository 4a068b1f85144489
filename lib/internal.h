/*
 * internal.h - shared pieces of libllmcost that are not part of the ABI.
 *
 * Everything here has hidden visibility: the shared library exports only
 * the llmcost_* functions marked LLMCOST_API in include/llmcost.h.  The CLI,
 * the tests and the fuzz harnesses link the static library and may use
 * these directly.
 */
#ifndef LLMCOST_INTERNAL_H
#define LLMCOST_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "llmcost.h"

#if defined(__GNUC__) || defined(__clang__)
#define LC_HIDDEN __attribute__((visibility("hidden")))
#define LC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LC_HIDDEN
#define LC_PRINTF(f, a)
#endif

#define LC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- 128-bit money --------------------------------------------------- */

typedef __int128 lc_i128;

#define LC_I128_MAX ((lc_i128)(((unsigned __int128)1 << 127) - 1))
#define LC_I128_MIN (-LC_I128_MAX - 1)

/* 10^18: units per US dollar. */
#define LC_UNITS_PER_USD ((lc_i128)1000000000000000000LL)

static inline llmcost_money lc_money_from_i128(lc_i128 v)
{
	llmcost_money m;

	m.lo = (uint64_t)(unsigned __int128)v;
	m.hi = (int64_t)(v >> 64);
	return m;
}

static inline lc_i128 lc_money_to_i128(llmcost_money m)
{
	return (lc_i128)(((unsigned __int128)(uint64_t)m.hi << 64) | m.lo);
}

/* a + b with overflow detection; returns 0 on success, -1 on overflow. */
static inline int lc_i128_add(lc_i128 a, lc_i128 b, lc_i128 *out)
{
	return __builtin_add_overflow(a, b, out) ? -1 : 0;
}

/* a * b with overflow detection; returns 0 on success, -1 on overflow. */
static inline int lc_i128_mul(lc_i128 a, lc_i128 b, lc_i128 *out)
{
	return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

/* Writes v as decimal text scaled by 10^-scale ("12.5" for 125, scale 1),
 * trailing fractional zeros removed.  Returns the length, or -1 if size is
 * too small.  lib/money.c. */
LC_HIDDEN int lc_i128_format_scaled(lc_i128 v, int scale, char *buf,
				    size_t size);

/* Writes v as a plain decimal integer.  Returns length or -1. */
LC_HIDDEN int lc_i128_format(lc_i128 v, char *buf, size_t size);

/* Parses decimal text ("3e-06", "0.30", "-12", "1.5E+3") exactly into an
 * integer count of 10^-scale.  No surrounding space is allowed.
 * LLMCOST_OK, LLMCOST_E_PARSE (not a number; NaN, Infinity, hex, empty),
 * LLMCOST_E_INEXACT (non-zero digits below 10^-scale), LLMCOST_E_RANGE.
 * lib/money.c. */
LC_HIDDEN int lc_decimal_parse(const char *s, size_t len, int scale,
			       lc_i128 *out);

/* Parses a decimal integer ("123", "-4"; also "1e3" and "12.0", whose
 * value is whole).  LLMCOST_E_PARSE, LLMCOST_E_INEXACT (a fraction), or
 * LLMCOST_E_RANGE (outside int64).  lib/money.c. */
LC_HIDDEN int lc_int_parse(const char *s, size_t len, int64_t *out);

/* ---- errors ---------------------------------------------------------- */

/* Sets the calling thread's llmcost_last_error() text and returns status.
 * Never allocates; text longer than the buffer is truncated.  lib/status.c */
LC_HIDDEN int lc_error(int status, const char *fmt, ...) LC_PRINTF(2, 3);
LC_HIDDEN int lc_verror(int status, const char *fmt, va_list ap);

/* Clears the calling thread's error text. */
LC_HIDDEN void lc_error_clear(void);

/* ---- allocation ------------------------------------------------------ */

/* Every allocation of the library goes through these (lib/alloc.c), so
 * that an allocator hook can be added without touching callers.  They
 * behave as malloc, calloc, realloc and free.  lc_strndup copies len bytes
 * and adds a NUL. */
LC_HIDDEN void *lc_malloc(size_t size);
LC_HIDDEN void *lc_calloc(size_t n, size_t size);
LC_HIDDEN void *lc_realloc(void *p, size_t size);
LC_HIDDEN void lc_free(void *p);
LC_HIDDEN char *lc_strdup(const char *s);
LC_HIDDEN char *lc_strndup(const char *s, size_t len);

/* ---- hashing and a byte-string map ---------------------------------- */

/* 64-bit hash of bytes (XXH3, inlined so no xxhash symbol is exported). */
LC_HIDDEN uint64_t lc_hash(const void *data, size_t len);

/* An open-addressing map from byte strings to uint32_t values.  Keys are
 * copied into an arena owned by the map; lc_map_key() returns the stored,
 * NUL-terminated copy, stable for the map's life.  Not thread-safe.
 * lib/map.c. */
typedef struct lc_map lc_map;

LC_HIDDEN lc_map *lc_map_new(void);
LC_HIDDEN void lc_map_free(lc_map *m);

/* Finds key; returns 1 and sets *value if present, 0 if not. */
LC_HIDDEN int lc_map_get(const lc_map *m, const char *key, size_t len,
			 uint32_t *value);

/* Same, with the caller's precomputed lc_hash(key, len). */
LC_HIDDEN int lc_map_get_hashed(const lc_map *m, const char *key,
				size_t len, uint64_t hash, uint32_t *value);

/* Inserts key -> value, or replaces the value of an existing key.
 * If stored is not NULL it receives the map's copy of the key.
 * LLMCOST_OK or LLMCOST_E_NOMEM. */
LC_HIDDEN int lc_map_put(lc_map *m, const char *key, size_t len,
			 uint32_t value, const char **stored);

LC_HIDDEN size_t lc_map_count(const lc_map *m);

/* Interns bytes: returns the map's NUL-terminated copy (stable), adding it
 * with value count if new.  NULL on out of memory. */
LC_HIDDEN const char *lc_map_intern(lc_map *m, const char *key, size_t len);

/* ---- JSON ------------------------------------------------------------ */

/* JSON is parsed with cJSON, after a strict lexical pass
 * (lib/json.c) that:
 *   - validates UTF-8 and rejects raw control characters in strings;
 *   - bounds nesting depth (LC_JSON_MAX_DEPTH);
 *   - turns every number into a string whose first byte is 0xFF followed
 *     by the number's exact source text, so that no number ever goes
 *     through binary floating point.  (0xFF can never start a decoded
 *     string: input is valid UTF-8 and escapes decode to valid UTF-8.)
 * Use lc_json_number() to read numbers and lc_json_string() to read
 * strings; never cJSON's valuedouble. */
#define LC_JSON_MAX_DEPTH 64

struct cJSON;

/* Parses text.  On failure returns NULL and writes a message with the
 * byte offset into err.  Free with lc_json_free(). */
LC_HIDDEN struct cJSON *lc_json_parse(const char *text, size_t len,
				      char *err, size_t errsize);
LC_HIDDEN void lc_json_free(struct cJSON *root);

/* The number's source text ("3e-06") if item is a number, else NULL. */
LC_HIDDEN const char *lc_json_number(const struct cJSON *item);

/* The decoded string if item is a (real) string, else NULL. */
LC_HIDDEN const char *lc_json_string(const struct cJSON *item);

/* Follows a dotted path ("properties.main_model"; "a.0.b" indexes
 * arrays) from root.  NULL if any step is missing. */
LC_HIDDEN const struct cJSON *lc_json_path(const struct cJSON *root,
					   const char *path);

/* Decodes the UTF-8 sequence at p (at most avail bytes) into *cp and
 * returns its length, or 0 if it is not a valid, shortest-form encoding
 * of a Unicode scalar value.  lib/json.c. */
LC_HIDDEN size_t lc_utf8_decode(const unsigned char *p, size_t avail,
				uint32_t *cp);

/* ---- files ----------------------------------------------------------- */

/* Reads the whole file at path into *text (NUL-terminated, from
 * lc_malloc; *len excludes the NUL).  Files of max bytes or more are
 * refused with LLMCOST_E_IO.  lib/file.c. */
LC_HIDDEN int lc_read_file(const char *path, size_t max, char **text,
			   size_t *len);

/* Size limit for price tables, price books and contracts. */
#define LC_FILE_MAX ((size_t)1 << 30)

/* ---- time ------------------------------------------------------------ */

/* Parses RFC 3339 ("2025-05-30T21:46:11Z", "...T21:46:11.123+02:00",
 * also a space instead of T) or a plain date "2025-05-30" (midnight UTC)
 * into Unix epoch milliseconds.  LLMCOST_OK or LLMCOST_E_PARSE. */
LC_HIDDEN int lc_time_parse(const char *s, size_t len, int64_t *ms);

/* The times a log may give, in epoch ms: 0001-01-01T00:00:00Z to
 * 9999-12-31T23:59:59.999Z, the four-digit years from 1. */
#define LC_TIME_MIN_MS INT64_C(-62135596800000)
#define LC_TIME_MAX_MS INT64_C(253402300799999)

/* 1 if ms lies in the years 0001 to 9999 (above), else 0. */
LC_HIDDEN int lc_time_in_years(int64_t ms);

/* Formats epoch ms as "2025-05-30T21:46:11Z" (fraction only if non-zero
 * milliseconds: ".123Z").  Returns length or -1. */
LC_HIDDEN int lc_time_format(int64_t ms, char *buf, size_t size);

/* Start of the UTC day holding ms (floor). */
LC_HIDDEN int64_t lc_time_day_start(int64_t ms);

/* Days since 1970-01-01 for a civil date, and back. */
LC_HIDDEN int64_t lc_days_from_civil(int64_t y, unsigned m, unsigned d);
LC_HIDDEN void lc_civil_from_days(int64_t z, int64_t *y, unsigned *m,
				  unsigned *d);

/* ---- record helpers -------------------------------------------------- */

/* A caller's record is read honouring its struct_size: fields past the
 * caller's size read as zero.  lc_record_copy() copies it into a
 * full-size struct by that rule. */
LC_HIDDEN int lc_record_copy(const llmcost_record *in, llmcost_record *out);

/* Points *out at a full-size view of in: in itself when the caller's
 * struct is at least this version's, else a copy in *tmp.  Stamping
 * calls this on every request, so the common case copies nothing. */
LC_HIDDEN int lc_record_full(const llmcost_record *in, llmcost_record *tmp,
			     const llmcost_record **out);

/* llmcost_record_check() of a full-size record, without copying it. */
LC_HIDDEN int lc_record_check_full(const llmcost_record *r);

#endif /* LLMCOST_INTERNAL_H */
