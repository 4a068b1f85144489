/*
 * report.h - `llmcost report`: what the HTML page is drawn from.
 *
 * report.c reads the logs into a struct cli_rdata (sums by day and team,
 * by model, by user, and the attribution gaps), once for the logs and
 * once for --baseline logs; report_html.c writes the page and
 * report_svg.c its charts.  Money stays in 10^-18 USD integers; only
 * pixel positions and shown percentages are rounded.
 */
#ifndef LLMCOST_CLI_REPORT_H
#define LLMCOST_CLI_REPORT_H

#include "cli.h"

/* One key's sums: a team, a model, a user, a (day, team) cell. */
struct cli_rstat {
	const char *key;	/* interned; "" for none */
	const char *team;	/* users: their team */
	int64_t day;		/* cells: days since 1970-01-01 */
	int64_t requests;	/* priced requests */
	lc_i128 cost;
	llmcost_diff_side side;	/* teams: what llmcost_diff_explain()
				 * reads */
};

/* Stats keyed by bytes, in first-seen order. */
struct cli_rview {
	lc_map *index;
	struct cli_rstat *v;
	size_t n;
	size_t cap;
};

/* Cost and requests that lack one owner field. */
struct cli_rgap {
	const char *what;	/* "team", "user or tenant", "feature" */
	int64_t requests;
	lc_i128 cost;
};

#define CLI_RGAPS 3

struct cli_rdata {
	lc_map *strings;
	struct cli_rview teams, models, users, cells;
	struct cli_rview team_models;	/* key: model, team: the team */
	struct cli_rgap gaps[CLI_RGAPS];
	struct cli_counts counts;
	int64_t requests;	/* priced requests */
	int64_t unpriced_requests;
	int64_t input_tokens;	/* of priced requests */
	int64_t output_tokens;
	lc_i128 cost;
	int64_t first_day;
	int64_t last_day;
	int has_days;
	long untimed;		/* priced rows without a time */
};

/* Reads o's files (or, with baseline set, o->baseline) into *d.
 * Returns an exit code. */
int cli_rdata_read(const struct cli_opts *o, const llmcost_prices *prices,
		   int baseline, struct cli_rdata *d);
void cli_rdata_free(struct cli_rdata *d);

/* The stats of a view sorted by cost, highest first (then key). */
struct cli_rstat **cli_rview_sorted(const struct cli_rview *v);

/* Looks a key up; NULL if absent. */
const struct cli_rstat *cli_rview_get(const struct cli_rview *v,
				      const char *key);

/* ---- the page ------------------------------------------------------ */

struct cli_html {
	struct cli_buf b;
};

void cli_html_text(struct cli_html *h, const char *s);	/* escaped */
void cli_html_raw(struct cli_html *h, const char *s);
void cli_html_int(struct cli_html *h, int64_t v);
/* "$1,234.57" (or 4 decimals below $10) */
void cli_html_money(struct cli_html *h, lc_i128 v);
/* part/whole as "12.3%" (rounded half up to a tenth), "-" if whole 0 */
void cli_html_share(struct cli_html *h, lc_i128 part, lc_i128 whole);

/* v * span / max as an integer, rounded half up; 0 if max <= 0. */
int64_t cli_rscale(lc_i128 v, lc_i128 max, int64_t span);

/* The charts (report_svg.c). */
void cli_svg_over_time(struct cli_html *h, const struct cli_rdata *d);
void cli_svg_bars(struct cli_html *h, struct cli_rstat **v, size_t n,
		  size_t limit, lc_i128 total, int with_team);
void cli_svg_gaps(struct cli_html *h, const struct cli_rdata *d);
void cli_table_change(struct cli_html *h, const struct cli_rdata *now,
		    const struct cli_rdata *then, int models);

/* The colour of series i (teams, in order of cost). */
const char *cli_rcolour(size_t i);

int cli_report_write(const struct cli_opts *o, const struct cli_rdata *d,
		     const struct cli_rdata *base);

#endif /* LLMCOST_CLI_REPORT_H */
