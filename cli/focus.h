/*
 * focus.h - `llmcost export focus`: FOCUS rows from priced requests.
 *
 * Requests are summed into rows, one per charge period, provider, model,
 * token type, team, user, tenant, feature, environment, region and price.
 * Every row is linear: its list and contracted costs are its quantity
 * times one exact unit price each.  How a row is printed (the power of
 * ten of its pricing unit) is chosen so that the official validator's
 * binary64 check, unit price x quantity == cost, holds exactly; see
 * focus_f64.c and docs/focus.md.
 */
#ifndef LLMCOST_CLI_FOCUS_H
#define LLMCOST_CLI_FOCUS_H

#include "cli.h"

/* ---- binary64, emulated with integers (focus_f64.c) ------------------ */

/* A non-negative binary64 value m * 2^e, with m in [2^52, 2^53), or
 * zero (m = 0).  What a correctly rounded parser and multiplier give. */
struct cli_f64 {
	uint64_t m;
	int e;
};

/* The binary64 nearest v / 10^scale (ties to even), as strtod() reads
 * the exact decimal text of that value.  v >= 0, 0 <= scale <= 19.
 * Returns 0, or -1 for arguments out of that range. */
int cli_f64_decimal(lc_i128 v, int scale, struct cli_f64 *out);

/* a * b rounded to binary64 (ties to even). */
void cli_f64_mul(struct cli_f64 a, struct cli_f64 b, struct cli_f64 *out);

/* Whether the decimals price / 10^ps times qty / 10^qs, each read as
 * binary64 and multiplied in binary64, equal cost / 10^cs read as
 * binary64. */
int cli_f64_product_holds(lc_i128 price, int ps, lc_i128 qty, int qs,
			  lc_i128 cost, int cs);

/* ---- exact integer helpers (focus_f64.c) ----------------------------- */

/* *q = a * b / c and *r = a * b % c for a, b >= 0 and c > 0, with a
 * 256-bit intermediate product.  -1 if the quotient does not fit. */
int cli_muldiv(lc_i128 a, lc_i128 b, lc_i128 c, lc_i128 *q, lc_i128 *r);

/* 10^n for 0 <= n <= 38. */
lc_i128 cli_pow10(int n);

/* ---- output conventions (focus_like.c) ------------------------------- */

/* Column kinds, for quoting and formats. */
enum cli_fcol_kind {
	CLI_FK_STRING,
	CLI_FK_NUMBER,
	CLI_FK_TIME,
	CLI_FK_JSON
};

/* How the file is written: FOCUS 1.2 as we write it, or the columns and
 * conventions of a sample file (--like). */
struct cli_fstyle {
	char **columns;		/* in output order */
	size_t ncolumns;
	int quote_header;
	const char *eol;	/* "\r\n" or "\n" */
	const char *null_text;	/* "" or "NULL" */
	int time_space;		/* "2024-09-01 00:00:00" not "...T...Z" */
	int time_zulu;		/* with "Z" (when not time_space) */
	int json_spaced;	/* {"a": "b", "c": "d"} */
	signed char *quote;	/* per column: 1 quoted, 0 bare, -1 default */
	signed char *decimals;	/* per column: pad numbers to this, or -1 */
};

/* The FOCUS 1.2 style: our columns, header unquoted, CRLF, empty nulls,
 * RFC 3339 UTC times, strings quoted only when needed. */
int cli_fstyle_focus12(struct cli_fstyle *s);

/* The style of an existing FOCUS CSV: its header's columns and the
 * quoting, null token, time format and decimals of its first rows.
 * Prints the error and returns CLI_EXIT_IO on failure. */
int cli_fstyle_like(struct cli_fstyle *s, const char *path);

void cli_fstyle_free(struct cli_fstyle *s);

/* The FOCUS 1.2 columns we fill, and the kind of each; -1 for a column
 * we do not know (written as null). */
int cli_fcol_lookup(const char *name);
enum cli_fcol_kind cli_fcol_kind(int col);
size_t cli_fcol_count(void);
const char *cli_fcol_name(int col);

/* ---- rows (focus.c) and their output (focus_out.c) ------------------- */

/* The text dimensions of a row, interned; NULL when not logged. */
enum cli_fdim {
	CLI_FDIM_PROVIDER,	/* never NULL: the log's, the entry's or
				 * "unknown" */
	CLI_FDIM_MODEL,		/* as logged */
	CLI_FDIM_PRICE_KEY,
	CLI_FDIM_TEAM,
	CLI_FDIM_USER,
	CLI_FDIM_TENANT,
	CLI_FDIM_FEATURE,
	CLI_FDIM_ENVIRONMENT,
	CLI_FDIM_REGION,
	CLI_FDIM_COUNT
};

struct cli_frow {
	/* the key */
	int64_t period_ms;	/* start of the UTC hour or day */
	int component;		/* llmcost_component */
	int tier;		/* llmcost_service_tier */
	int64_t valid_from_ms;	/* the price version */
	int64_t lc_threshold;	/* long-context tier; 0: none */
	long block;		/* nonzero: a block row of one request */
	lc_i128 list_rate;	/* 10^-18 USD per unit (not for blocks) */
	lc_i128 contracted_rate;
	const char *dim[CLI_FDIM_COUNT];
	/* the sums */
	int64_t units;
	int64_t requests;	/* sum of request_count */
	lc_i128 list;
	lc_i128 contracted;
	lc_i128 effective;
};

struct cli_focus {
	const struct cli_opts *o;
	int hourly;
	lc_map *strings;	/* interned dimension values */
	lc_map *index;		/* row key -> row number */
	struct cli_frow *rows;
	size_t n;
	size_t cap;
	struct cli_buf key;
	long blocks;
	long untimed;		/* priced rows without a time */
	int64_t unrated_units;
	int64_t requests;
};

/* Sorts the rows and writes them to -o (or standard output) in the
 * style --like asks for.  Returns an exit code. */
int cli_focus_write(struct cli_focus *f);

#endif /* LLMCOST_CLI_FOCUS_H */
