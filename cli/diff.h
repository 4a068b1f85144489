/*
 * diff.h - what the files of `llmcost diff` share (docs/diff.md).
 *
 *   diff.c        reading logs or snapshots into the two periods
 *   diff_model.c  slices, the values seen alongside, the explanation
 *   diff_out.c    terminal, Markdown and JSON output
 *   diff_args.c   the command's own options
 */
#ifndef LLMCOST_CLI_DIFF_H
#define LLMCOST_CLI_DIFF_H

#include "cli.h"

/* user, model, prompt template version, workflow */
#define DIFF_EXTRA 4

enum diff_format { DIFF_TEXT, DIFF_MD, DIFF_JSON };

/* A period: buckets starting in [from, to), or a snapshot whole. */
struct diff_period {
	int64_t from;
	int64_t to;
	int whole;
};

struct diff_slice {
	char *name;		/* values of the --by dimensions, " / " */
	llmcost_diff_side side[2];
	llmcost_diff diff;
	unsigned flags;		/* LLMCOST_DIFF_* */
	int material;
	size_t item_first;	/* its items, after diff_explain_all() */
	size_t item_count;
};

/* A value seen alongside a slice: a user, model, template or workflow. */
struct diff_item {
	uint32_t slice;
	uint32_t extra;		/* index into the extras */
	const char *value;	/* owned by the item map */
	lc_i128 cost[2];
	int64_t requests[2];
};

struct diff_run {
	uint32_t dims;		/* the --by dimensions */
	int by[LLMCOST_DIM_COUNT];
	int nby;
	const char *period_name;	/* --period, or NULL */
	struct diff_period period[2];	/* baseline, current */
	const char *snap_path[2];
	llmcost_snapshot *snap[2];
	uint32_t have[2];	/* dimensions each period's grouping had */
	lc_i128 min_usd;
	int64_t min_pct;	/* hundredths of a percent */
	enum diff_format format;
	struct cli_counts counts;
	lc_i128 total[2];
	lc_map *slice_map;
	struct diff_slice *slices;
	size_t n, cap;
	size_t *order;		/* slices by size of change */
	lc_map *item_map;
	struct diff_item *items;
	size_t ni, icap;
	const char *bad_slice;
	const char *bad_sum;
};

int diff_extra_dim(int k);

/* Adds a group to its slice in period (0 baseline, 1 current); -1 out
 * of memory, -2 if a sum would overflow (d->bad_sum says which, of
 * slice d->bad_slice, NULL for the period's total). */
int diff_add_group(struct diff_run *d, int period, const llmcost_group *g);

/* Explains every slice, marks the material ones and orders them. */
int diff_explain_all(struct diff_run *d);

void diff_print(const struct diff_run *d, FILE *fp);

/* The same into b, in d->format. */
void diff_render(const struct diff_run *d, struct cli_buf *b);

/* Builds the review sentence of a slice into buf. */
void diff_sentence(const struct diff_run *d, const struct diff_slice *s,
		   char *buf, size_t size);

/* Reads, explains and writes; append: after an audit's output. */
int cli_diff_run(struct diff_run *d, const struct cli_opts *o,
		 const llmcost_prices *prices, int append);

/* Reads and explains; *out gets the JSON text (one line, no newline) to
 * free. */
int cli_diff_json(struct diff_run *d, const struct cli_opts *o,
		  const llmcost_prices *prices, char **out);

void diff_run_free(struct diff_run *d);

#endif /* LLMCOST_CLI_DIFF_H */
