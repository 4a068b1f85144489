/*
 * audit.h - what `llmcost audit` collects, shared by its text and JSON
 * writers.
 */
#ifndef LLMCOST_CLI_AUDIT_H
#define LLMCOST_CLI_AUDIT_H

#include "cli.h"

/* How many example sources a rejection group keeps. */
#define CLI_EXAMPLES 5

/* How many notes a pricing flag keeps, and price versions a
 * reconciliation row tells apart. */
#define CLI_FLAG_NOTES 3
#define CLI_RECON_VERSIONS 4

/* Rows of the top-user table. */
#define CLI_TOP_USERS 10

/* Sums for one key of a view (a team, a user, a model, a day, ...).
 * The audit admits a row only if its counts and the magnitude of its
 * money keep every total within range (struct cli_budget), so no sum
 * over any set of rows can overflow. */
struct cli_stat {
	const char *key;		/* owned by the view's map */
	const char *team;		/* top-user view: the team part */
	const char *user;		/* top-user view: the user part */
	int64_t day_ms;			/* day view: UTC midnight */
	int overflow;			/* the groups past a grouping's cap,
					 * key "(overflow)": no one's name */
	int64_t requests;
	int64_t priced;
	int64_t unpriced;
	int64_t tokens[LLMCOST_T_COUNT];
	int64_t retries;
	int64_t errors;
	lc_i128 total;
	lc_i128 component[LLMCOST_C_COUNT];
	lc_i128 contracted;		/* under --contract; else total */
	lc_i128 effective;
	/* Top-user view: twice the team's median of its users' input tokens
	 * per request (each rounded down to a whole token), so that a
	 * median halfway between two users stays exact; -1 if none. */
	lc_i128 median2;
};

/* Stats keyed by a string, in a map from key to position. */
struct cli_view {
	lc_map *index;
	struct cli_stat *v;
	size_t n;
	size_t cap;
};

/* What every admitted row adds to, checked before a row is admitted. */
struct cli_budget {
	int64_t requests;
	int64_t tokens[LLMCOST_T_COUNT];
	int64_t retries;
	lc_i128 money;		/* |cost| + |components| + |reported| */
};

/* A model that could not be priced. */
struct cli_unpriced {
	const char *model;
	int64_t rows;
	int64_t requests;
	int64_t input_tokens;
	int64_t output_tokens;
	int status;
	char *reason;			/* the first row's reason */
};

/* Rejected rows with the same code and field. */
struct cli_rejects {
	const char *key;		/* "CODE what" */
	const char *code;
	char *what;			/* "field input_tokens", ... */
	int64_t rows;
	/* request_count where it could be read (else 1 per row), and the
	 * input and output tokens that could be read; 128 bits, since the
	 * rows of a group may be rejected for counts past 2^63-1. */
	lc_i128 requests;
	lc_i128 input_tokens;
	lc_i128 output_tokens;
	char *examples[CLI_EXAMPLES];
	size_t n_examples;
	char *first_reason;
};

/* Priced rows carrying one LLMCOST_COST_* flag. */
struct cli_flagged {
	const char *name;		/* "approximate", ... */
	uint32_t bit;
	int64_t rows;
	int64_t requests;
	lc_i128 cost;
	char *notes[CLI_FLAG_NOTES];	/* the first distinct notes */
	size_t n_notes;
};

#define CLI_N_FLAGS 4

/* The rates that priced some rows of a reconciliation model: one price
 * key, version, service tier and tier of context. */
struct cli_rates {
	const char *price_key;		/* owned by the price table */
	int64_t valid_from_ms;
	uint32_t service_tier;
	int long_context;
	int64_t rows;
	int64_t differing_rows;
	int64_t first_ms;		/* a request priced with them */
	uint32_t have;		/* bit per component with a rate */
	uint32_t used;		/* bit per component differing rows
				 * had units of */
	lc_i128 rate[LLMCOST_C_COUNT];	/* 10^-18 USD per unit */
};

/* Our cost against the logged cost, for one model. */
struct cli_recon {
	const char *model;
	char *provider;			/* first provider seen, or NULL */
	char *reason;			/* first unpriced reason, or NULL */
	int64_t rows;			/* rows with a reported cost */
	int64_t priced_rows;
	int64_t unpriced_rows;
	int64_t matching_rows;		/* within CLI_RECON_TOLERANCE */
	lc_i128 ours;			/* priced rows */
	lc_i128 reported;		/* all rows */
	lc_i128 reported_unpriced;	/* rows we could not price */
	lc_i128 ours_differing;		/* priced rows that do not match */
	lc_i128 reported_differing;
	struct cli_rates rates[CLI_RECON_VERSIONS];
	size_t n_rates;
	int64_t other_rows;		/* rows of versions past the last */
};

/* A priced row matches its reported cost within 10^-9 USD, which hides
 * the binary rounding of the logged value. */
#define CLI_RECON_TOLERANCE ((lc_i128)1000000000)

struct cli_audit {
	const struct cli_opts *opts;
	const llmcost_prices *prices;
	llmcost_rollup *rollup;
	struct cli_counts counts;
	struct cli_budget budget;
	int64_t first_ms;
	int64_t last_ms;
	struct cli_stat total;
	struct cli_view team, user, feature, model, day, team_user;
	struct cli_flagged flags[CLI_N_FLAGS];
	lc_map *unpriced_index;
	struct cli_unpriced *unpriced;
	size_t n_unpriced;
	lc_map *reject_index;
	struct cli_rejects *rejects;
	size_t n_rejects;
	lc_map *recon_index;
	struct cli_recon *recon;
	size_t n_recon;
	int has_reported;
	struct cli_gaps *gaps;
	/* audit --snapshot: the merged snapshots, and the grouping the
	 * views read; NULL for an audit of logs. */
	llmcost_snapshot *snap;
	size_t snap_grouping;
	/* Its heaviest keys when its cap overflowed (has_heavy), taken
	 * before any output so that a failure prints nothing. */
	int has_heavy;
	llmcost_heavy *heavy;
	size_t n_heavy;
	llmcost_money heavy_unlisted;
	/* The view ("team", "totals", ...), row key and sum that would
	 * overflow when cli_views_build() returns -2. */
	const char *bad_view;
	const char *bad_row;
	const char *bad_sum;
};

/* ---- views (audit_views.c) ------------------------------------------ */

/* The key shown for the groups past a grouping's cap. */
#define CLI_OVERFLOW_KEY "(overflow)"

/* Builds every view from the rollup's groups, or from the groups of
 * a->snap's grouping a->snap_grouping.  -1 out of memory; -2 if a sum
 * would overflow, with a->bad_view, bad_row and bad_sum naming it. */
int cli_views_build(struct cli_audit *a);

/* Sorts the views for the writers and sets the team medians. */
void cli_views_finish(struct cli_audit *a);

void cli_view_free(struct cli_view *v);

/* Whether the totals show list, contracted and effective cost: under
 * --contract, or from snapshots whose costs differ. */
int cli_show_contracted(const struct cli_audit *a);

/* Cost per priced request (floor, in 10^-18 USD), 0 if none. */
lc_i128 cli_stat_per_request(const struct cli_stat *s);

/* A user's input tokens per request, rounded down; -1 without requests. */
int64_t cli_input_per_request(const struct cli_stat *s);

/* "2025-03-01" for a day view's key; "(no time)" for rows without one. */
void cli_day_name(int64_t day_ms, char *buf, size_t size);

/* ---- reconciliation (audit_recon.c) --------------------------------- */

/* Adds a priced or unpriced row with a reported cost.  -1 out of
 * memory. */
int cli_recon_note(struct cli_audit *a, const struct cli_result *res);

/* Sorts the rows and fills rates no row showed.  */
void cli_recon_finish(struct cli_audit *a);

void cli_recon_free(struct cli_audit *a);

/* Sums of reconciliation rows [from, to), checked: -1 on overflow. */
struct cli_recon_sum {
	int64_t rows;
	lc_i128 ours;
	lc_i128 reported;
};

int cli_recon_sum(const struct cli_audit *a, size_t from, size_t to,
		  struct cli_recon_sum *sum);

/* The explanation of one reconciliation row, in words. */
void cli_recon_explain(const struct cli_recon *r, char *buf, size_t size);

/* The version with the most differing rows (else the most rows), or
 * NULL. */
const struct cli_rates *cli_recon_main_rates(const struct cli_recon *r);

/* Per million units for token components; per unit for the others. */
lc_i128 cli_rate_shown(int component, lc_i128 rate);

/* "per M input tokens" style unit of a component. */
int cli_rate_per_million(int component);

/* ---- attribution gaps (gaps.c) --------------------------------------- */

struct cli_gaps;
struct cli_jw;

struct cli_gaps *cli_gaps_new(void);
void cli_gaps_free(struct cli_gaps *g);

/* Adds a row the audit admitted (priced or unpriced).  -1 out of
 * memory. */
int cli_gaps_note(struct cli_gaps *g, const struct cli_opts *o,
		  const struct cli_result *res);

/* Adds a duplicate row.  -1 out of memory. */
int cli_gaps_duplicate(struct cli_gaps *g, const struct cli_result *res);

/* Finds the closest canonical values and sorts the lists. */
void cli_gaps_finish(struct cli_gaps *g, const struct cli_opts *o);

/* The "Attribution gaps", "Unmapped tag values" and "Duplicates"
 * sections; -1 out of memory. */
int cli_gaps_text(const struct cli_audit *a, FILE *fp);

/* The "attribution_gaps" member. */
void cli_gaps_json(const struct cli_audit *a, struct cli_jw *w);

/* ---- JSON writing (audit_json.c) ------------------------------------- */

/* A writer that places commas: one "first item" bit per nesting level. */
struct cli_jw {
	FILE *fp;
	struct cli_buf b;
	int failed;
	int depth;
	unsigned char first[32];
};

/* key NULL: an array element.  bracket '{' or '['. */
void cli_jw_open(struct cli_jw *w, const char *key, char bracket);
void cli_jw_close(struct cli_jw *w, char bracket);
void cli_jw_int(struct cli_jw *w, const char *key, int64_t v);
void cli_jw_bool(struct cli_jw *w, const char *key, int v);

/* s NULL: null. */
void cli_jw_str(struct cli_jw *w, const char *key, const char *s);

/* Exact decimal dollars as a string. */
void cli_jw_money(struct cli_jw *w, const char *key, lc_i128 v);

/* A 128-bit integer as a JSON number. */
void cli_jw_i128(struct cli_jw *w, const char *key, lc_i128 v);

/* ---- audit --snapshot (audit_snap.c) ---------------------------------- */

/* The "Snapshots" section that stands for the accounting. */
void cli_snap_text_head(const struct cli_audit *a, FILE *fp);

/* Takes the heaviest keys of the views' grouping when its cap
 * overflowed: at most --limit for text, all for JSON, in a list sized
 * by the keys there are, not by --limit.  -1 on failure (reported). */
int cli_snap_heavy_take(struct cli_audit *a);

/* Frees what cli_snap_heavy_take() took. */
void cli_snap_heavy_free(struct cli_audit *a);

/* The heaviest keys as cost ranges; nothing without overflow.  -1 out
 * of memory. */
int cli_snap_text_heavy(const struct cli_audit *a, FILE *fp);

/* The same as the "heavy_hitters" member. */
void cli_snap_json_heavy(const struct cli_audit *a, struct cli_jw *w);

/* A one-line note in place of a section that needs the rows. */
void cli_snap_text_absent(FILE *fp, const char *section);

/* The "snapshots" and "needs_logs" members. */
void cli_snap_json_head(const struct cli_audit *a, struct cli_jw *w);

/* ---- shared ----------------------------------------------------------- */

/* "CODE" for an unpriced or rejected status. */
const char *cli_code_name(int status);

int cli_audit_text(const struct cli_audit *a, FILE *fp);
int cli_audit_json(const struct cli_audit *a, FILE *fp);

/* ---- text tables --------------------------------------------------- */

struct cli_table;

/* align: one of 'l' or 'r' per column. */
struct cli_table *cli_table_new(size_t ncols, const char *const *headers,
				const char *align);
/* Copies the cells, escaped for a terminal; returns -1 when out of
 * memory. */
int cli_table_add(struct cli_table *t, const char *const *cells);
void cli_table_print(const struct cli_table *t, FILE *fp);
void cli_table_free(struct cli_table *t);

#endif /* LLMCOST_CLI_AUDIT_H */
