/*
 * audit.h - what `llmcost audit` collects, shared by its text and JSON
 * writers.
 */
#ifndef LLMCOST_CLI_AUDIT_H
#define LLMCOST_CLI_AUDIT_H

#include "cli.h"

/* How many example sources a rejection group keeps. */
#define CLI_EXAMPLES 5

/* Sums for one key of a view (a team, a user, a model, ...). */
struct cli_stat {
	const char *key;		/* owned by the view's map */
	const char *team;		/* top-user view: the team part */
	const char *user;		/* top-user view: the user part */
	int64_t requests;
	int64_t priced;
	int64_t unpriced;
	int64_t tokens[LLMCOST_T_COUNT];
	int64_t retries;
	int64_t errors;
	lc_i128 total;
	lc_i128 component[LLMCOST_C_COUNT];
	int64_t median_input;		/* top-user view: team median */
};

/* Stats keyed by a string, in a map from key to position. */
struct cli_view {
	lc_map *index;
	struct cli_stat *v;
	size_t n;
	size_t cap;
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
	char *examples[CLI_EXAMPLES];
	size_t n_examples;
	char *first_reason;
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
	int64_t last_ms;		/* latest timestamp seen */
	const char *price_key;		/* owned by the price table */
	lc_i128 rate_in;		/* ours, USD*10^18 per million tokens */
	lc_i128 rate_out;
	int have_rates;
};

/* A priced row matches its reported cost within 10^-9 USD, which hides
 * the binary rounding of the logged value. */
#define CLI_RECON_TOLERANCE ((lc_i128)1000000000)

struct cli_audit {
	const struct cli_opts *opts;
	const llmcost_prices *prices;
	llmcost_rollup *rollup;
	struct cli_counts counts;
	int64_t first_ms;
	int64_t last_ms;
	struct cli_stat total;
	struct cli_view team, user, feature, model, team_user;
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
	int failed;			/* out of memory or overflow */
};

/* Views sorted by cost (highest first), then requests, then key. */
void cli_view_sort(struct cli_view *v);

/* Cost per priced request (floor, in 10^-18 USD), 0 if none. */
lc_i128 cli_stat_per_request(const struct cli_stat *s);

/* "CODE" for an unpriced or rejected status. */
const char *cli_code_name(int status);

/* The explanation of one reconciliation row, in words. */
void cli_recon_explain(const struct cli_recon *r, char *buf, size_t size);

int cli_audit_text(const struct cli_audit *a, FILE *fp);
int cli_audit_json(const struct cli_audit *a, FILE *fp);

/* ---- text tables --------------------------------------------------- */

struct cli_table;

/* align: one of 'l' or 'r' per column. */
struct cli_table *cli_table_new(size_t ncols, const char *const *headers,
				const char *align);
/* Copies the cells; returns -1 when out of memory. */
int cli_table_add(struct cli_table *t, const char *const *cells);
void cli_table_print(const struct cli_table *t, FILE *fp);
void cli_table_free(struct cli_table *t);

#endif /* LLMCOST_CLI_AUDIT_H */
