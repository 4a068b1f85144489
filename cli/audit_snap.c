/*
 * audit_snap.c - what `llmcost audit --snapshot` says about its inputs in
 * place of the accounting, and the notes that stand for the sections a
 * snapshot cannot support.
 *
 * A snapshot holds sums per group, not rows: the lines read, the rejected
 * rows and duplicates, the pricing flags, the attribution gaps, the
 * reasons a model went unpriced and the cost a log reported are not in
 * it.  Those sections are left out with a note saying so, never shown as
 * zero, which would read as "none".
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"

/* The members of an audit of logs that an audit of snapshots leaves
 * out, as "needs_logs" lists them. */
static const char *const cli_needs_logs[] = {
	"accounting", "prices", "pricing_flags", "attribution_gaps",
	"unpriced", "rejected", "reconciliation"
};


int cli_show_contracted(const struct cli_audit *a)
{
	if (a->opts->n_contracts > 0)
		return 1;
	return a->snap != NULL && (a->total.contracted != a->total.total ||
				   a->total.effective != a->total.total);
}


/* What the groups of the views' grouping add up to beyond the views. */
struct cli_snap_facts {
	llmcost_grouping_info info;
	size_t other_groupings;
	lc_i128 records;
	int64_t first_day;	/* LLMCOST_TIME_UNKNOWN: no dated group */
	int64_t last_day;
	lc_i128 undated;	/* requests of groups without a time */
};


static void cli_snap_facts(const struct cli_audit *a,
			   struct cli_snap_facts *f)
{
	size_t i, n = llmcost_snapshot_count(a->snap);
	llmcost_group g;

	memset(f, 0, sizeof(*f));
	f->first_day = LLMCOST_TIME_UNKNOWN;
	f->last_day = LLMCOST_TIME_UNKNOWN;
	llmcost_grouping_info_init(&f->info);
	llmcost_snapshot_grouping(a->snap, a->snap_grouping, &f->info);
	f->other_groupings = llmcost_snapshot_grouping_count(a->snap) - 1;
	for (i = 0; i < n; i++) {
		llmcost_group_init(&g);
		if (llmcost_snapshot_group(a->snap, i, &g) != LLMCOST_OK ||
		    g.grouping != a->snap_grouping)
			continue;
		f->records += g.records;
		if (g.bucket_start_ms == LLMCOST_TIME_UNKNOWN) {
			f->undated += g.requests;
			continue;
		}
		if (f->first_day == LLMCOST_TIME_UNKNOWN ||
		    g.bucket_start_ms < f->first_day)
			f->first_day = g.bucket_start_ms;
		if (f->last_day == LLMCOST_TIME_UNKNOWN ||
		    g.bucket_start_ms > f->last_day)
			f->last_day = g.bucket_start_ms;
	}
}


/* The keys a grouping's heavy list can hold: one per regular group at
 * most (days of a key are summed) plus one per counter. */
static size_t cli_snap_heavy_room(const llmcost_grouping_info *gi)
{
	uint64_t n = gi->groups + (uint64_t)gi->heavy_hitters;

	return n < gi->groups || n > SIZE_MAX / sizeof(llmcost_heavy) ?
	       SIZE_MAX / sizeof(llmcost_heavy) : (size_t)n;
}


int cli_snap_heavy_take(struct cli_audit *a)
{
	llmcost_grouping_info gi;
	size_t i, max;
	int rc;

	llmcost_grouping_info_init(&gi);
	if (llmcost_snapshot_grouping(a->snap, a->snap_grouping, &gi) !=
	    LLMCOST_OK || gi.overflow_groups == 0)
		return 0;
	max = cli_snap_heavy_room(&gi);
	if (a->opts->format != CLI_FMT_JSON && a->opts->limit > 0 &&
	    (unsigned long)a->opts->limit < max)
		max = (size_t)a->opts->limit;
	a->heavy = calloc(max ? max : 1, sizeof(*a->heavy));
	if (a->heavy == NULL) {
		cli_error("listing the heaviest keys of the capped grouping "
			  "failed: out of memory");
		return -1;
	}
	for (i = 0; i < max; i++)
		llmcost_heavy_init(&a->heavy[i]);
	lc_error_clear();
	rc = llmcost_snapshot_heavy(a->snap, a->snap_grouping, a->heavy, max,
				    &a->n_heavy, &a->heavy_unlisted);
	if (rc != LLMCOST_OK) {
		cli_error("listing the heaviest keys of the capped grouping "
			  "failed: %s", rc == LLMCOST_E_NOMEM ? "out of memory"
			  : "a key's cost is out of range");
		cli_snap_heavy_free(a);
		return -1;
	}
	a->has_heavy = 1;
	return 0;
}


void cli_snap_heavy_free(struct cli_audit *a)
{
	free(a->heavy);
	a->heavy = NULL;
	a->n_heavy = 0;
	a->has_heavy = 0;
}


/* ---- text ------------------------------------------------------------- */

void cli_snap_text_absent(FILE *fp, const char *section)
{
	fprintf(fp, "\n%s: needs the logs; not in a snapshot, which holds "
		"sums, not rows\n", section);
}


/* Whether the views' grouping has a cap now; without one, its overflow
 * row came from capped inputs of a merge. */
static int cli_snap_capped(const struct cli_audit *a)
{
	llmcost_grouping_info gi;

	llmcost_grouping_info_init(&gi);
	return llmcost_snapshot_grouping(a->snap, a->snap_grouping, &gi) ==
	       LLMCOST_OK && gi.max_groups > 0;
}


int cli_snap_text_heavy(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"team", "user", "feature", "model", "cost USD at least",
		"at most"
	};
	const llmcost_heavy *v = a->heavy;
	struct cli_table *tab;
	char low[64], high[64];
	const char *cells[6];
	size_t i;
	int rc = 0;

	if (!a->has_heavy)
		return 0;
	fprintf(fp, "\nHeaviest keys of the %s grouping (days summed; a "
		"key's cost is exact from its groups plus, past the cap, a "
		"range from the heavy-hitter counters)\n",
		cli_snap_capped(a) ? "capped" : "merged, partly capped,");
	tab = cli_table_new(6, headers, "llllrr");
	for (i = 0; i < a->n_heavy && rc >= 0; i++) {
		cells[0] = v[i].key[LLMCOST_DIM_TEAM][0] ?
			   v[i].key[LLMCOST_DIM_TEAM] : "(none)";
		cells[1] = v[i].key[LLMCOST_DIM_USER][0] ?
			   v[i].key[LLMCOST_DIM_USER] : "(none)";
		cells[2] = v[i].key[LLMCOST_DIM_FEATURE][0] ?
			   v[i].key[LLMCOST_DIM_FEATURE] : "(none)";
		cells[3] = v[i].key[LLMCOST_DIM_MODEL][0] ?
			   v[i].key[LLMCOST_DIM_MODEL] : "(none)";
		cli_money_round(lc_money_to_i128(v[i].cost_low), 4, low,
				sizeof(low));
		cli_money_round(lc_money_to_i128(v[i].cost_high), 4, high,
				sizeof(high));
		cells[4] = low;
		cells[5] = high;
		rc = cli_table_add(tab, cells);
	}
	if (rc >= 0)
		cli_table_print(tab, fp);
	cli_table_free(tab);
	cli_money_round(lc_money_to_i128(a->heavy_unlisted), 4, high,
			sizeof(high));
	fprintf(fp, "  any key not listed: at most %s USD\n", high);
	return rc < 0 ? -1 : 0;
}


static void cli_snap_text_files(const struct cli_audit *a, FILE *fp)
{
	size_t i;

	fputs("  files          ", fp);
	for (i = 0; i < a->opts->n_files; i++) {
		fputs(i ? ", " : "", fp);
		cli_text_put(fp, a->opts->files[i]);
	}
	fputc('\n', fp);
}


/* The grouping's cap and its overflow row.  A merge keeps the larger
 * cap, no cap counting as the largest: a capped input merged with an
 * uncapped one leaves "no cap" yet an overflow row, which is said. */
static void cli_snap_text_cap(const struct cli_snap_facts *f, FILE *fp)
{
	char cost[64];

	if (f->info.max_groups == 0 && f->info.overflow_groups == 0) {
		fprintf(fp, "  grouping       team, user, feature, model by "
			"day: %llu groups, no cap\n",
			(unsigned long long)f->info.groups);
		return;
	}
	if (f->info.max_groups == 0)
		fprintf(fp, "  grouping       team, user, feature, model by "
			"day: %llu groups, no cap, but merged from inputs of "
			"which some were capped\n",
			(unsigned long long)f->info.groups);
	else
		fprintf(fp, "  grouping       team, user, feature, model by "
			"day: %llu groups, cap %llu\n",
			(unsigned long long)f->info.groups,
			(unsigned long long)f->info.max_groups);
	if (f->info.overflow_groups == 0) {
		fputs("  overflow       none: no group was past the cap\n", fp);
		return;
	}
	cli_money_round(lc_money_to_i128(f->info.overflow_cost), 4, cost,
			sizeof(cost));
	fprintf(fp, "  overflow       %lld requests, %s USD past the cap%s, "
		"with no team, user, feature or model: the rows "
		"\"" CLI_OVERFLOW_KEY "\" below\n",
		(long long)f->info.overflow_requests, cost,
		f->info.max_groups == 0 ? " of a capped input" : "");
}


void cli_snap_text_head(const struct cli_audit *a, FILE *fp)
{
	struct cli_snap_facts f;
	char first[40], last[40], records[48], undated[48];

	cli_snap_facts(a, &f);
	fputs("\nSnapshots (sums saved by llmcost snapshot or by a gateway, "
	      "merged when several)\n", fp);
	cli_snap_text_files(a, fp);
	cli_snap_text_cap(&f, fp);
	if (f.other_groupings > 0)
		fprintf(fp, "  other          %zu more grouping%s, not read by "
			"the audit\n", f.other_groupings,
			f.other_groupings == 1 ? "" : "s");
	if (lc_i128_format(f.records, records, sizeof(records)) < 0)
		snprintf(records, sizeof(records), "?");
	fprintf(fp, "  records        %s (requests added; each may count "
		"several in request_count)\n", records);
	if (f.first_day == LLMCOST_TIME_UNKNOWN) {
		fputs("  period         (no group has a day)\n", fp);
	} else {
		cli_day_name(f.first_day, first, sizeof(first));
		cli_day_name(f.last_day, last, sizeof(last));
		fprintf(fp, "  period         %s .. %s (UTC days of the "
			"groups)", first, last);
		if (f.undated != 0 && lc_i128_format(f.undated, undated,
						     sizeof(undated)) >= 0)
			fprintf(fp, "; %s request%s had no time", undated,
				f.undated == 1 ? "" : "s");
		fputc('\n', fp);
	}
	cli_snap_text_absent(fp, "Accounting (lines, rows, rejected rows, "
			     "duplicates)");
}


/* ---- JSON ------------------------------------------------------------- */

static void cli_snap_json_day(struct cli_jw *w, const char *key, int64_t ms)
{
	char day[40];

	if (ms == LLMCOST_TIME_UNKNOWN) {
		cli_jw_str(w, key, NULL);
		return;
	}
	cli_day_name(ms, day, sizeof(day));
	cli_jw_str(w, key, day);
}


static void cli_snap_json_grouping(struct cli_jw *w,
				   const struct cli_snap_facts *f)
{
	int d;

	cli_jw_open(w, "grouping", '{');
	cli_jw_open(w, "dims", '[');
	for (d = 0; d < LLMCOST_DIM_COUNT; d++)
		if (f->info.dims & LLMCOST_DIM_BIT(d))
			cli_jw_str(w, NULL, llmcost_dim_name(d));
	cli_jw_close(w, ']');
	cli_jw_str(w, "bucket", llmcost_bucket_name((int)f->info.bucket));
	/* Unsigned 64-bit counts: as 128-bit numbers, so that a cap of
	 * 2^63 or more reads as the text shows it, not as negative. */
	cli_jw_i128(w, "max_groups", (lc_i128)f->info.max_groups);
	cli_jw_i128(w, "groups", (lc_i128)f->info.groups);
	cli_jw_i128(w, "overflow_groups", (lc_i128)f->info.overflow_groups);
	cli_jw_int(w, "overflow_requests", f->info.overflow_requests);
	cli_jw_money(w, "overflow_cost_usd",
		     lc_money_to_i128(f->info.overflow_cost));
	cli_jw_close(w, '}');
}


void cli_snap_json_heavy(const struct cli_audit *a, struct cli_jw *w)
{
	const llmcost_heavy *v = a->heavy;
	size_t i;
	int d;

	if (!a->has_heavy)
		return;
	cli_jw_open(w, "heavy_hitters", '{');
	cli_jw_money(w, "unlisted_at_most_usd",
		     lc_money_to_i128(a->heavy_unlisted));
	cli_jw_open(w, "keys", '[');
	for (i = 0; i < a->n_heavy; i++) {
		cli_jw_open(w, NULL, '{');
		for (d = 0; d < LLMCOST_DIM_COUNT; d++)
			if (LLMCOST_DIMS_DEFAULT & LLMCOST_DIM_BIT(d))
				cli_jw_str(w, llmcost_dim_name(d),
					   v[i].key[d]);
		cli_jw_money(w, "cost_low_usd",
			     lc_money_to_i128(v[i].cost_low));
		cli_jw_money(w, "cost_high_usd",
			     lc_money_to_i128(v[i].cost_high));
		cli_jw_bool(w, "exact", v[i].exact != 0);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
	cli_jw_close(w, '}');
}


void cli_snap_json_head(const struct cli_audit *a, struct cli_jw *w)
{
	struct cli_snap_facts f;
	size_t i;

	cli_snap_facts(a, &f);
	cli_jw_open(w, "snapshots", '{');
	cli_jw_open(w, "files", '[');
	for (i = 0; i < a->opts->n_files; i++)
		cli_jw_str(w, NULL, a->opts->files[i]);
	cli_jw_close(w, ']');
	cli_snap_json_grouping(w, &f);
	cli_jw_int(w, "other_groupings", (int64_t)f.other_groupings);
	cli_jw_i128(w, "records", f.records);
	cli_snap_json_day(w, "first_day", f.first_day);
	cli_snap_json_day(w, "last_day", f.last_day);
	cli_jw_i128(w, "undated_requests", f.undated);
	cli_jw_close(w, '}');
	cli_jw_open(w, "needs_logs", '[');
	for (i = 0; i < LC_ARRAY_LEN(cli_needs_logs); i++)
		cli_jw_str(w, NULL, cli_needs_logs[i]);
	cli_jw_close(w, ']');
}
