/*
 * diff.c - `llmcost diff`: compare a baseline period with a current one,
 * slice by slice, and explain each material change (docs/diff.md).
 *
 * One pass over the logs sums them into a rollup with one grouping: the
 * slice dimensions plus user, model, prompt template version and
 * workflow, by UTC day.  The periods are then picked from the days, and
 * each group adds to its slice's side and to the values seen alongside.
 * Snapshots go the same way, each snapshot being one period.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "diff.h"

#define DAY_MS 86400000LL

/* The dimensions read alongside the slice. */
static const int diff_extra[DIFF_EXTRA] = {
	LLMCOST_DIM_USER, LLMCOST_DIM_MODEL,
	LLMCOST_DIM_PROMPT_TEMPLATE_VERSION, LLMCOST_DIM_WORKFLOW
};


int diff_extra_dim(int k)
{
	return diff_extra[k];
}


static int diff_sink_row(void *ctx, struct cli_result *res)
{
	llmcost_rollup *r = ctx;
	int rc;

	if (res->outcome != CLI_PRICED && res->outcome != CLI_UNPRICED)
		return 0;
	rc = llmcost_rollup_add(r, &res->req->rec, res->cost);
	if (rc != LLMCOST_OK)
		cli_result_reject(res, rc, "diff: %s", llmcost_last_error());
	return 0;
}


static int diff_read_logs(struct diff_run *d, const struct cli_opts *o,
			  const llmcost_prices *prices)
{
	llmcost_rollup_options ro;
	llmcost_rollup *r = NULL;
	struct cli_sink sink;
	uint32_t dims = d->dims;
	int k, rc;

	for (k = 0; k < DIFF_EXTRA; k++)
		dims |= LLMCOST_DIM_BIT(diff_extra[k]);
	llmcost_rollup_options_init(&ro);
	if (llmcost_rollup_options_add(&ro, dims, LLMCOST_BUCKET_DAY, 0, 0) < 0
	    || llmcost_rollup_new_with(&r, &ro) != LLMCOST_OK) {
		cli_error("diff: %s", llmcost_last_error());
		return CLI_EXIT_IO;
	}
	sink.ctx = r;
	sink.row = diff_sink_row;
	rc = cli_run(o, prices, &sink, &d->counts);
	if (rc == CLI_EXIT_OK && llmcost_rollup_snapshot(r, &d->snap[0]) !=
	    LLMCOST_OK) {
		cli_error("diff: %s", llmcost_last_error());
		rc = CLI_EXIT_IO;
	}
	llmcost_rollup_free(r);
	return rc;
}


/* The grouping of s with every slice dimension and the most extras, or
 * -1. */
static int diff_pick_grouping(const llmcost_snapshot *s, uint32_t dims,
			      uint32_t *have)
{
	llmcost_grouping_info gi;
	size_t i, n = llmcost_snapshot_grouping_count(s);
	int best = -1, best_n = -1, k, m;

	for (i = 0; i < n; i++) {
		llmcost_grouping_info_init(&gi);
		if (llmcost_snapshot_grouping(s, i, &gi) != LLMCOST_OK ||
		    (gi.dims & dims) != dims)
			continue;
		for (m = 0, k = 0; k < DIFF_EXTRA; k++)
			m += (gi.dims >> diff_extra[k]) & 1u;
		if (m > best_n) {
			best = (int)i;
			best_n = m;
			*have = gi.dims;
		}
	}
	return best;
}


/* 1 if a bucket starting at start belongs to period p: it starts in
 * [from, to), or the period is a snapshot taken whole. */
static int diff_in_period(const struct diff_period *p, int64_t start)
{
	if (p->whole)
		return 1;
	return start != LLMCOST_TIME_UNKNOWN && start >= p->from &&
		start < p->to;
}


/* Says why a group could not be added to period: out of memory, or
 * which sum of which slice would overflow, and in which input. */
static void diff_add_error(const struct diff_run *d, int si, int period,
			   int rc)
{
	const char *side = period ? "current" : "baseline";
	char where[64];

	if (d->snap_path[si] == NULL)
		snprintf(where, sizeof(where), "the logs");
	if (rc == -1)
		cli_error("diff: %s: reading the %s %s failed: out of memory",
			  d->snap_path[si] ? d->snap_path[si] : where, side,
			  d->snap_path[si] ? "snapshot" : "period");
	else if (d->bad_slice == NULL)
		cli_error("diff: %s: %s of the %s period would overflow",
			  d->snap_path[si] ? d->snap_path[si] : where,
			  d->bad_sum, side);
	else
		cli_error("diff: %s: %s of slice '%s' would overflow in the "
			  "%s period", d->snap_path[si] ? d->snap_path[si] :
			  where, d->bad_sum, d->bad_slice, side);
}


static int diff_take_snapshot(struct diff_run *d, int si, int period)
{
	const llmcost_snapshot *s = d->snap[si];
	uint32_t have = 0;
	int gr = diff_pick_grouping(s, d->dims, &have);
	size_t i, n = llmcost_snapshot_count(s);
	llmcost_group g;
	int rc;

	if (gr < 0) {
		cli_error("diff: the %s snapshot has no grouping by every "
			  "--by dimension", period ? "current" : "baseline");
		return CLI_EXIT_USAGE;
	}
	d->have[period] = have;
	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_snapshot_group(s, i, &g) != LLMCOST_OK ||
		    g.grouping != (uint32_t)gr ||
		    !diff_in_period(&d->period[period], g.bucket_start_ms))
			continue;
		rc = diff_add_group(d, period, &g);
		if (rc != 0) {
			diff_add_error(d, si, period, rc);
			return CLI_EXIT_IO;
		}
	}
	return CLI_EXIT_OK;
}


/* The last day with data in the first grouping, or LLMCOST_TIME_UNKNOWN. */
static int64_t diff_last_day(const llmcost_snapshot *s)
{
	size_t i, n = llmcost_snapshot_count(s);
	int64_t last = LLMCOST_TIME_UNKNOWN;
	llmcost_group g;

	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_snapshot_group(s, i, &g) == LLMCOST_OK &&
		    g.bucket_start_ms != LLMCOST_TIME_UNKNOWN &&
		    g.bucket_start_ms > last)
			last = g.bucket_start_ms;
	}
	return last;
}


static void diff_set(struct diff_period *p, int64_t from, int64_t to)
{
	p->from = from;
	p->to = to;
	p->whole = 0;
}


/* The last two complete ISO weeks: the week ending on the last day if
 * that day is a Sunday, else the week before. */
static void diff_weeks(struct diff_run *d, int64_t last)
{
	int64_t day = last / DAY_MS;
	int64_t dow = ((day % 7) + 10) % 7;	/* 0 Monday .. 6 Sunday */
	int64_t end = (day - dow + (dow == 6 ? 7 : 0)) * DAY_MS;

	diff_set(&d->period[1], end - 7 * DAY_MS, end);
	diff_set(&d->period[0], end - 14 * DAY_MS, end - 7 * DAY_MS);
}


static int64_t diff_month_start(int64_t day, int back)
{
	int64_t y;
	unsigned m, dd;

	lc_civil_from_days(day, &y, &m, &dd);
	while (back-- > 0) {
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	return lc_days_from_civil(y, m, 1) * DAY_MS;
}


/* The last two complete months: the month of the last day if that day
 * ends it, else the month before. */
static void diff_months(struct diff_run *d, int64_t last)
{
	int64_t day = last / DAY_MS;
	int64_t next = diff_month_start(day + 1, 0);
	int64_t end = next == (day + 1) * DAY_MS ? next :
		diff_month_start(day, 0);

	diff_set(&d->period[1], diff_month_start(end / DAY_MS - 1, 0), end);
	diff_set(&d->period[0], diff_month_start(end / DAY_MS - 1, 1),
		 d->period[1].from);
}


static int diff_auto_periods(struct diff_run *d)
{
	int64_t last = diff_last_day(d->snap[0]);

	if (last == LLMCOST_TIME_UNKNOWN) {
		cli_error("diff: no timed rows: cannot pick --period %s",
			  d->period_name);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(d->period_name, "week") == 0) {
		diff_weeks(d, last);
	} else if (strcmp(d->period_name, "month") == 0) {
		diff_months(d, last);
	} else {
		diff_set(&d->period[1], last, last + DAY_MS);
		diff_set(&d->period[0], last - DAY_MS, last);
	}
	return CLI_EXIT_OK;
}


static int diff_collect(struct diff_run *d, const struct cli_opts *o,
			const llmcost_prices *prices)
{
	int rc;

	if (d->snap_path[0] != NULL) {
		d->period[0].whole = 1;
		d->period[1].whole = 1;
		rc = cli_snapshots_load(&d->snap_path[0], 1, 0, &d->snap[0]);
		if (rc == CLI_EXIT_OK)
			rc = cli_snapshots_load(&d->snap_path[1], 1, 0,
						&d->snap[1]);
		if (rc != CLI_EXIT_OK)
			return rc;
		rc = diff_take_snapshot(d, 0, 0);
		return rc != CLI_EXIT_OK ? rc : diff_take_snapshot(d, 1, 1);
	}
	rc = diff_read_logs(d, o, prices);
	if (rc == CLI_EXIT_OK && d->period_name != NULL)
		rc = diff_auto_periods(d);
	if (rc == CLI_EXIT_OK)
		rc = diff_take_snapshot(d, 0, 0);
	if (rc == CLI_EXIT_OK)
		rc = diff_take_snapshot(d, 0, 1);
	return rc;
}


/* The output: -o FILE or stdout, or, after an audit, appended to it. */
static FILE *diff_out_open(const struct cli_opts *o, int append)
{
	FILE *fp;

	if (!append || o->output == NULL || strcmp(o->output, "-") == 0)
		return cli_out_open(o);
	fp = fopen(o->output, "ab");
	if (fp == NULL)
		cli_error("%s: cannot append: %s", o->output, strerror(errno));
	return fp;
}


int cli_diff_json(struct diff_run *d, const struct cli_opts *o,
		  const llmcost_prices *prices, char **out)
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	int rc = diff_collect(d, o, prices);

	*out = NULL;
	if (rc == CLI_EXIT_OK)
		rc = diff_explain_all(d);
	if (rc != CLI_EXIT_OK)
		return rc;
	d->format = DIFF_JSON;
	diff_render(d, &b);
	while (b.len > 0 && b.p[b.len - 1] == '\n')
		b.len--;
	cli_buf_putc(&b, '\0');
	if (b.failed) {
		cli_buf_free(&b);
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	*out = b.p;
	return CLI_EXIT_OK;
}


int cli_diff_run(struct diff_run *d, const struct cli_opts *o,
		 const llmcost_prices *prices, int append)
{
	FILE *fp;
	int rc = diff_collect(d, o, prices);

	if (rc == CLI_EXIT_OK)
		rc = diff_explain_all(d);
	if (rc != CLI_EXIT_OK)
		return rc;
	fp = diff_out_open(o, append);
	if (fp == NULL)
		return CLI_EXIT_IO;
	if (append)
		fputc('\n', fp);
	diff_print(d, fp);
	return cli_out_close(o, fp);
}
