/*
 * report_svg.c - the report's charts as inline SVG.
 *
 * Positions are whole tenths of a pixel computed from the exact sums
 * (cli_rscale); every bar carries a <title> with its exact-to-the-cent
 * value, which browsers show on hover.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Series colours, readable on white and in greyscale print. */
static const char *const cli_colours[] = {
	"#3366cc", "#e8702a", "#2a9d8f", "#c0392b", "#8e6bbf", "#b8860b",
	"#5b8c2a", "#d4508f", "#7f8c8d"
};

#define CLI_SERIES 8		/* teams drawn apart; the rest is "other" */
#define CLI_MAX_BARS 62		/* days drawn apart; past it, weeks */


const char *cli_rcolour(size_t i)
{
	return cli_colours[i < LC_ARRAY_LEN(cli_colours) ? i :
			   LC_ARRAY_LEN(cli_colours) - 1];
}


/* v tenths of a pixel as "12.3". */
static void cli_px(struct cli_html *h, int64_t tenths)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%lld.%lld", (long long)(tenths / 10),
		 (long long)(tenths % 10 < 0 ? -(tenths % 10) : tenths % 10));
	cli_html_raw(h, buf);
}


static void cli_attr(struct cli_html *h, const char *name, int64_t tenths)
{
	cli_html_raw(h, " ");
	cli_html_raw(h, name);
	cli_html_raw(h, "=\"");
	cli_px(h, tenths);
	cli_html_raw(h, "\"");
}


static void cli_rect(struct cli_html *h, int64_t x, int64_t y, int64_t w,
		     int64_t ht, const char *fill)
{
	cli_html_raw(h, "<rect");
	cli_attr(h, "x", x);
	cli_attr(h, "y", y);
	cli_attr(h, "width", w);
	cli_attr(h, "height", ht);
	cli_html_raw(h, " fill=\"");
	cli_html_raw(h, fill);
	cli_html_raw(h, "\">");
}


static void cli_text_at(struct cli_html *h, int64_t x, int64_t y,
			const char *anchor)
{
	cli_html_raw(h, "<text");
	cli_attr(h, "x", x);
	cli_attr(h, "y", y);
	if (anchor != NULL) {
		cli_html_raw(h, " text-anchor=\"");
		cli_html_raw(h, anchor);
		cli_html_raw(h, "\"");
	}
	cli_html_raw(h, ">");
}


static void cli_svg_open(struct cli_html *h, int width, int64_t height,
			 const char *label)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "<svg viewBox=\"0 0 %d %lld\" "
		 "role=\"img\" "
		 "aria-label=\"", width, (long long)height);
	cli_html_raw(h, buf);
	cli_html_text(h, label);
	cli_html_raw(h, "\">\n");
}


/* ---- cost over time ------------------------------------------------- */

/* Series of the chart: the costliest teams, then "other". */
struct cli_series {
	struct cli_rstat **teams;
	size_t n;		/* teams drawn apart */
	int other;		/* a series for the rest */
};

struct cli_timeline {
	int64_t first;		/* first bucket's first day */
	int64_t width;		/* days per bucket: 1 or 7 */
	size_t nbuckets;
	size_t nseries;
	lc_i128 *cost;		/* [bucket * nseries + series] */
	lc_i128 max;		/* the tallest stack */
};


static size_t cli_series_of(const struct cli_series *s, const char *team)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->teams[i]->key, team) == 0)
			return i;
	return s->n;
}


/* Monday on or before day (1970-01-01 was a Thursday). */
static int64_t cli_monday(int64_t day)
{
	int64_t dow = ((day + 3) % 7 + 7) % 7;

	return day - dow;
}


static int cli_timeline_fill(struct cli_timeline *t,
			     const struct cli_rdata *d,
			     const struct cli_series *s)
{
	size_t i, b, k;
	lc_i128 stack;

	t->width = d->last_day - d->first_day + 1 > CLI_MAX_BARS ? 7 : 1;
	t->first = t->width == 7 ? cli_monday(d->first_day) : d->first_day;
	t->nbuckets = (size_t)((d->last_day - t->first) / t->width + 1);
	t->nseries = s->n + (size_t)s->other;
	t->cost = calloc(t->nbuckets * t->nseries + 1, sizeof(lc_i128));
	if (t->cost == NULL)
		return -1;
	for (i = 0; i < d->cells.n; i++) {
		const struct cli_rstat *c = &d->cells.v[i];

		b = (size_t)((c->day - t->first) / t->width);
		k = cli_series_of(s, c->key);
		t->cost[b * t->nseries + k] += c->cost;
	}
	for (b = 0; b < t->nbuckets; b++) {
		stack = 0;
		for (k = 0; k < t->nseries; k++)
			stack += t->cost[b * t->nseries + k];
		if (stack > t->max)
			t->max = stack;
	}
	return 0;
}


/* A round axis top at or above max: four gridline steps of 1, 2, 3,
 * 4, 5, 6 or 8 times a power of ten cents. */
static lc_i128 cli_nice_top(lc_i128 max)
{
	lc_i128 step = LC_UNITS_PER_USD / 100;
	static const int mult[] = { 1, 2, 3, 4, 5, 6, 8 };
	size_t i;

	if (max <= 0)
		return 4 * step;
	for (;;) {
		for (i = 0; i < LC_ARRAY_LEN(mult); i++)
			if (step * mult[i] * 4 >= max)
				return step * mult[i] * 4;
		if (step > LC_I128_MAX / 100)
			return max;
		step *= 10;
	}
}


#define CLI_TL_W 1000
#define CLI_TL_H 300
#define CLI_TL_LEFT 800		/* tenths of a pixel */
#define CLI_TL_TOP 100
#define CLI_TL_BOTTOM 2600


static void cli_timeline_axis(struct cli_html *h, lc_i128 top)
{
	int64_t plot = CLI_TL_BOTTOM - CLI_TL_TOP, y;
	int i;

	for (i = 0; i <= 4; i++) {
		y = CLI_TL_BOTTOM - plot * i / 4;
		cli_rect(h, CLI_TL_LEFT, y, CLI_TL_W * 10 - CLI_TL_LEFT - 50,
			 i == 0 ? 12 : 6, i == 0 ? "#9aa3b2" : "#e6e9ef");
		cli_html_raw(h, "</rect>");
		cli_text_at(h, CLI_TL_LEFT - 60, y + 40, "end");
		cli_html_money(h, top * i / 4);
		cli_html_raw(h, "</text>\n");
	}
}


static void cli_timeline_label(struct cli_html *h,
			       const struct cli_timeline *t, size_t b,
			       int64_t x)
{
	char buf[40];

	if (cli_time_text((t->first + (int64_t)b * t->width) * 86400000, buf,
			  sizeof(buf)) < 10)
		return;
	buf[10] = '\0';
	cli_text_at(h, x, CLI_TL_BOTTOM + 180, "middle");
	cli_html_raw(h, t->width == 7 ? "wk " : "");
	cli_html_raw(h, buf + 5);
	cli_html_raw(h, "</text>\n");
}


static const char *cli_series_name(const struct cli_series *s, size_t k)
{
	if (k < s->n)
		return s->teams[k]->key[0] ? s->teams[k]->key : "(no team)";
	return "other teams";
}


static void cli_timeline_bars(struct cli_html *h,
			      const struct cli_timeline *t,
			      const struct cli_series *s, lc_i128 top)
{
	int64_t span = CLI_TL_W * 10 - CLI_TL_LEFT - 50;
	int64_t slot = span / (int64_t)t->nbuckets, x, y, ht;
	size_t b, k, every = (t->nbuckets + 11) / 12;
	lc_i128 below, v;

	for (b = 0; b < t->nbuckets; b++) {
		x = CLI_TL_LEFT + slot * (int64_t)b;
		below = 0;
		for (k = 0; k < t->nseries; k++) {
			v = t->cost[b * t->nseries + k];
			if (v <= 0)
				continue;
			y = CLI_TL_BOTTOM - cli_rscale(below + v, top,
						      CLI_TL_BOTTOM -
						      CLI_TL_TOP);
			ht = cli_rscale(below + v, top, CLI_TL_BOTTOM -
					CLI_TL_TOP) - cli_rscale(below, top,
					CLI_TL_BOTTOM - CLI_TL_TOP);
			cli_rect(h, x + slot / 10, y, slot * 8 / 10, ht,
				 cli_rcolour(k));
			cli_html_raw(h, "<title>");
			cli_html_text(h, cli_series_name(s, k));
			cli_html_raw(h, ": ");
			cli_html_money(h, v);
			cli_html_raw(h, "</title></rect>\n");
			below += v;
		}
		if (b % every == 0)
			cli_timeline_label(h, t, b, x + slot / 2);
	}
}


static void cli_timeline_legend(struct cli_html *h,
				const struct cli_series *s, size_t nseries)
{
	size_t k;

	cli_html_raw(h, "<div class=\"legend\">");
	for (k = 0; k < nseries; k++) {
		cli_html_raw(h, "<span><i style=\"background:");
		cli_html_raw(h, cli_rcolour(k));
		cli_html_raw(h, "\"></i>");
		cli_html_text(h, cli_series_name(s, k));
		cli_html_raw(h, "</span>");
	}
	cli_html_raw(h, "</div>\n");
}


void cli_svg_over_time(struct cli_html *h, const struct cli_rdata *d)
{
	struct cli_timeline t;
	struct cli_series s;
	lc_i128 top;

	memset(&t, 0, sizeof(t));
	s.teams = cli_rview_sorted(&d->teams);
	s.n = d->teams.n > CLI_SERIES ? CLI_SERIES - 1 : d->teams.n;
	s.other = d->teams.n > s.n;
	if (s.teams == NULL || cli_timeline_fill(&t, d, &s) != 0) {
		free(s.teams);
		h->b.failed = 1;
		return;
	}
	top = cli_nice_top(t.max);
	cli_svg_open(h, CLI_TL_W, CLI_TL_H, t.width == 7 ?
		     "Cost per ISO week, stacked by team" :
		     "Cost per UTC day, stacked by team");
	cli_timeline_axis(h, top);
	cli_timeline_bars(h, &t, &s, top);
	cli_html_raw(h, "</svg>\n");
	cli_timeline_legend(h, &s, t.nseries);
	cli_html_raw(h, t.width == 7 ? "<p class=\"note\">One bar per week "
		     "(from Monday, UTC).</p>\n" : "<p class=\"note\">One "
		     "bar per UTC day.</p>\n");
	free(t.cost);
	free(s.teams);
}


/* ---- ranked bars ---------------------------------------------------- */

#define CLI_BAR_W 560
#define CLI_BAR_ROW 260		/* tenths */
#define CLI_BAR_LABEL 1900
#define CLI_BAR_SPAN 2500


/* Text cut to at most max bytes (at a UTF-8 boundary), with "..." */
static void cli_short_text(struct cli_html *h, const char *s, size_t max)
{
	char buf[128];
	size_t n = strlen(s);

	if (n <= max || max + 4 > sizeof(buf)) {
		cli_html_text(h, s);
		return;
	}
	n = max - 3;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	cli_html_text(h, buf);
}


static void cli_bar_label(struct cli_html *h, const struct cli_rstat *s,
			  int with_team, size_t max)
{
	const char *key = s->key[0] ? s->key : with_team ? "(no user)" :
			  "(none)";
	const char *team = s->team && s->team[0] ? s->team : "(no team)";

	if (with_team) {
		cli_short_text(h, team, max / 2);
		cli_html_raw(h, " / ");
		max -= strlen(team) < max / 2 ? strlen(team) : max / 2;
	}
	cli_short_text(h, key, max);
}


static void cli_bar_row(struct cli_html *h, const struct cli_rstat *s,
			size_t i, lc_i128 max, lc_i128 total, int with_team)
{
	int64_t y = 100 + CLI_BAR_ROW * (int64_t)i;
	int64_t w = cli_rscale(s->cost, max, CLI_BAR_SPAN);

	cli_text_at(h, CLI_BAR_LABEL - 60, y + 170, "end");
	cli_bar_label(h, s, with_team, 26);
	cli_html_raw(h, "</text>\n");
	cli_rect(h, CLI_BAR_LABEL, y + 30, w > 5 ? w : 5, 180,
		 cli_rcolour(with_team ? 0 : 2));
	cli_html_raw(h, "<title>");
	cli_bar_label(h, s, with_team, 100);
	cli_html_raw(h, ": ");
	cli_html_money(h, s->cost);
	cli_html_raw(h, "</title></rect>\n");
	cli_text_at(h, CLI_BAR_LABEL + w + 60, y + 170, NULL);
	cli_html_money(h, s->cost);
	cli_html_raw(h, " &#183; ");
	cli_html_share(h, s->cost, total);
	cli_html_raw(h, "</text>\n");
}


void cli_svg_bars(struct cli_html *h, struct cli_rstat **v, size_t n,
		  size_t limit, lc_i128 total, int with_team)
{
	size_t i, shown = n < limit ? n : limit;
	lc_i128 rest = 0;

	for (i = shown; i < n; i++)
		rest += v[i]->cost;
	cli_svg_open(h, CLI_BAR_W, (int64_t)(shown * CLI_BAR_ROW + 200) / 10,
		     with_team ? "Top users by cost" : "Cost by model");
	for (i = 0; i < shown; i++)
		cli_bar_row(h, v[i], i, v[0]->cost, total, with_team);
	cli_html_raw(h, "</svg>\n");
	if (n > shown) {
		cli_html_raw(h, "<p class=\"note\">");
		cli_html_int(h, (int64_t)(n - shown));
		cli_html_raw(h, " more, together ");
		cli_html_money(h, rest);
		cli_html_raw(h, ".</p>\n");
	}
}


/* ---- attribution gaps ---------------------------------------------- */

void cli_svg_gaps(struct cli_html *h, const struct cli_rdata *d)
{
	int64_t y, w, span = 4600;
	size_t i;

	cli_svg_open(h, 1000, 20 + 36 * CLI_RGAPS,
		     "Share of cost without an owner");
	for (i = 0; i < CLI_RGAPS; i++) {
		const struct cli_rgap *g = &d->gaps[i];

		y = 100 + 360 * (int64_t)i;
		cli_text_at(h, 1700, y + 170, "end");
		cli_html_raw(h, "no ");
		cli_html_text(h, g->what);
		cli_html_raw(h, "</text>\n");
		cli_rect(h, 1800, y + 30, span, 200, "#e6e9ef");
		cli_html_raw(h, "</rect>\n");
		w = cli_rscale(g->cost, d->cost, span);
		cli_rect(h, 1800, y + 30, w, 200, cli_rcolour(3));
		cli_html_raw(h, "<title>no ");
		cli_html_text(h, g->what);
		cli_html_raw(h, ": ");
		cli_html_money(h, g->cost);
		cli_html_raw(h, "</title></rect>\n");
		cli_text_at(h, 1800 + span + 80, y + 170, NULL);
		cli_html_share(h, g->cost, d->cost);
		cli_html_raw(h, " of cost &#183; ");
		cli_html_money(h, g->cost);
		cli_html_raw(h, " &#183; ");
		cli_html_int(h, g->requests);
		cli_html_raw(h, " requests</text>\n");
	}
	cli_html_raw(h, "</svg>\n");
}


/* ---- change against a baseline ------------------------------------- */

struct cli_delta {
	const char *key;
	lc_i128 then;
	lc_i128 now;
	const char *cause;	/* teams: cli_cause_label(), or NULL */
};


static int cli_delta_cmp(const void *pa, const void *pb)
{
	const struct cli_delta *a = pa, *b = pb;
	lc_i128 da = a->now - a->then, db = b->now - b->then;

	if (da < 0)
		da = -da;
	if (db < 0)
		db = -db;
	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(a->key, b->key);
}


/* Every key of either period with its two costs, largest change first. */
static struct cli_delta *cli_deltas(const struct cli_rview *now,
				    const struct cli_rview *then, size_t *n)
{
	struct cli_delta *v = calloc(now->n + then->n + 1, sizeof(*v));
	const struct cli_rstat *s;
	size_t i;

	*n = 0;
	if (v == NULL)
		return NULL;
	for (i = 0; i < now->n; i++) {
		s = cli_rview_get(then, now->v[i].key);
		v[*n].key = now->v[i].key;
		v[*n].now = now->v[i].cost;
		v[(*n)++].then = s ? s->cost : 0;
	}
	for (i = 0; i < then->n; i++) {
		if (cli_rview_get(now, then->v[i].key) != NULL)
			continue;
		v[*n].key = then->v[i].key;
		v[(*n)++].then = then->v[i].cost;
	}
	qsort(v, *n, sizeof(*v), cli_delta_cmp);
	return v;
}


/* Whether a team used a model in one period and not in the other. */
static int cli_mix_changed(const struct cli_rdata *now,
			   const struct cli_rdata *then, const char *team)
{
	const struct cli_rdata *a = now, *b = then;
	size_t i, j;
	int pass, seen;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < a->team_models.n; i++) {
			const struct cli_rstat *m = &a->team_models.v[i];

			if (strcmp(m->team, team) != 0 || m->cost <= 0)
				continue;
			seen = 0;
			for (j = 0; j < b->team_models.n && !seen; j++)
				seen = strcmp(b->team_models.v[j].team,
					      team) == 0 &&
				       strcmp(b->team_models.v[j].key,
					      m->key) == 0 &&
				       b->team_models.v[j].cost > 0;
			if (!seen)
				return 1;
		}
		a = then;
		b = now;
	}
	return 0;
}


/* The library's reading of a team's change: model substitution, prompt
 * expansion, retry storm, adoption, ... (docs/diff.md). */
static const char *cli_team_cause(const struct cli_rdata *now,
				  const struct cli_rdata *then,
				  const char *team)
{
	const struct cli_rstat *a = cli_rview_get(&then->teams, team);
	const struct cli_rstat *b = cli_rview_get(&now->teams, team);
	llmcost_diff_side zero;
	llmcost_diff out;

	llmcost_diff_side_init(&zero);
	zero.active_users = 0;
	llmcost_diff_init(&out);
	if (llmcost_diff_explain(a ? &a->side : &zero, b ? &b->side : &zero,
				 cli_mix_changed(now, then, team) ?
				 LLMCOST_DIFF_MODEL_MIX : 0, &out) !=
	    LLMCOST_OK)
		return "";
	return cli_cause_label(&out);
}


static void cli_change_row(struct cli_html *h, const struct cli_delta *c,
			   int models)
{
	lc_i128 d = c->now - c->then;

	cli_html_raw(h, "<tr><td>");
	cli_html_text(h, c->key[0] ? c->key : models ? "(none)" :
		      "(no team)");
	cli_html_raw(h, "</td><td>");
	cli_html_money(h, c->then);
	cli_html_raw(h, "</td><td>");
	cli_html_money(h, c->now);
	cli_html_raw(h, d > 0 ? "</td><td class=\"up\">+" : d < 0 ?
		     "</td><td class=\"down\">" : "</td><td>");
	cli_html_money(h, d);
	cli_html_raw(h, "</td><td>");
	if (c->then > 0) {
		if (d >= 0)
			cli_html_raw(h, "+");
		else
			cli_html_raw(h, "&minus;");
		cli_html_share(h, d >= 0 ? d : -d, c->then);
	} else {
		cli_html_raw(h, "new");
	}
	if (c->cause != NULL) {
		cli_html_raw(h, "</td><td class=\"cause\">");
		cli_html_text(h, c->cause);
	}
	cli_html_raw(h, "</td></tr>\n");
}


void cli_table_change(struct cli_html *h, const struct cli_rdata *now,
		    const struct cli_rdata *then, int models)
{
	size_t i, n;
	struct cli_delta *v = cli_deltas(models ? &now->models : &now->teams,
					 models ? &then->models :
					 &then->teams, &n);

	if (v == NULL) {
		h->b.failed = 1;
		return;
	}
	cli_html_raw(h, "<table>\n<tr><th>");
	cli_html_raw(h, models ? "model" : "team");
	cli_html_raw(h, "</th><th>baseline</th><th>now</th><th>change</th>"
		     "<th>%</th>");
	cli_html_raw(h, models ? "</tr>\n" :
		     "<th class=\"cause\">likely cause</th></tr>\n");
	for (i = 0; i < n && i < 12; i++) {
		if (!models)
			v[i].cause = cli_team_cause(now, then, v[i].key);
		cli_change_row(h, &v[i], models);
	}
	cli_html_raw(h, "</table>\n");
	free(v);
}
