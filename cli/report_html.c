/*
 * report_html.c - the report page: one HTML file with its style and its
 * charts inline, nothing fetched (no scripts, fonts or images from
 * anywhere), readable on a laptop screen and printable.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char cli_report_css[] =
"*{box-sizing:border-box}\n"
"body{margin:0;background:#f5f6f8;color:#1d2330;font:15px/1.45 "
"system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
"sans-serif}\n"
"main{max-width:1120px;margin:0 auto;padding:24px 28px 40px}\n"
"header h1{font-size:26px;margin:0 0 4px}\n"
"header p{margin:0;color:#5a6272}\n"
"h2{font-size:17px;margin:0 0 10px}\n"
"section{background:#fff;border:1px solid #dfe3ea;border-radius:8px;"
"padding:16px 18px;margin-top:18px;break-inside:avoid}\n"
".cards{display:grid;grid-template-columns:repeat(auto-fit,"
"minmax(150px,1fr));gap:12px;margin-top:18px}\n"
".card{background:#fff;border:1px solid #dfe3ea;border-radius:8px;"
"padding:12px 14px}\n"
".card b{display:block;font-size:22px}\n"
".card span{color:#5a6272;font-size:13px}\n"
".grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}\n"
".grid2 section{margin-top:18px}\n"
"svg{display:block;width:100%;height:auto}\n"
"svg text{font-size:12px;fill:#3b4252}\n"
".legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:8px;"
"font-size:13px}\n"
".legend i{display:inline-block;width:11px;height:11px;"
"border-radius:2px;margin-right:5px;vertical-align:-1px}\n"
"table{border-collapse:collapse;width:100%;font-size:13px}\n"
"th,td{padding:4px 8px;border-bottom:1px solid #e6e9ef;text-align:right}\n"
"th:first-child,td:first-child{text-align:left}\n"
".note{color:#5a6272;font-size:13px;margin:8px 0 0}\n"
".up{color:#b42318}.down{color:#1a7f37}\n"
"th.cause,td.cause{text-align:left}td.cause{color:#5a6272}\n"
"h2.next{margin-top:16px}\n"
"@media (max-width:820px){.grid2{grid-template-columns:1fr}}\n"
"@media print{body{background:#fff;font-size:12px}"
"main{max-width:none;padding:0}"
"section,.card{border-color:#bbb;box-shadow:none}"
".grid2{grid-template-columns:1fr 1fr}"
"@page{size:A4 landscape;margin:12mm}}\n";


/* ---- small writers ------------------------------------------------- */

void cli_html_raw(struct cli_html *h, const char *s)
{
	cli_buf_puts(&h->b, s);
}


/* Text from the logs: terminal escapes first (controls and bad UTF-8
 * become visible \x.. sequences), then the HTML specials. */
void cli_html_text(struct cli_html *h, const char *s)
{
	char *safe = cli_text_dup(s ? s : "");
	const char *p;

	for (p = safe ? safe : "?"; *p; p++) {
		switch (*p) {
		case '&': cli_buf_puts(&h->b, "&amp;"); break;
		case '<': cli_buf_puts(&h->b, "&lt;"); break;
		case '>': cli_buf_puts(&h->b, "&gt;"); break;
		case '"': cli_buf_puts(&h->b, "&quot;"); break;
		case '\'': cli_buf_puts(&h->b, "&#39;"); break;
		default: cli_buf_putc(&h->b, *p);
		}
	}
	free(safe);
}


void cli_html_int(struct cli_html *h, int64_t v)
{
	char buf[40];

	cli_int_group(v, buf, sizeof(buf));
	cli_buf_puts(&h->b, buf);
}


void cli_html_money(struct cli_html *h, lc_i128 v)
{
	lc_i128 ten = 10 * LC_UNITS_PER_USD;
	char buf[80];

	cli_money_round(v, v < ten && v > -ten ? 4 : 2, buf, sizeof(buf));
	if (buf[0] == '-') {
		cli_buf_puts(&h->b, "&minus;$");
		cli_buf_puts(&h->b, buf + 1);
	} else {
		cli_buf_putc(&h->b, '$');
		cli_buf_puts(&h->b, buf);
	}
}


int64_t cli_rscale(lc_i128 v, lc_i128 max, int64_t span)
{
	lc_i128 q;

	if (max <= 0 || v <= 0 || span <= 0)
		return 0;
	/* (2 * v * span + max) / (2 * max) cannot overflow while v and max
	 * stay below 2^100 and span below 2^20: scale both down first when
	 * they do not (the result then loses nothing a pixel shows). */
	while (v > ((lc_i128)1 << 100) || max > ((lc_i128)1 << 100)) {
		max >>= 8;
		v >>= 8;
	}
	if (max <= 0)
		return span;
	if (span > (1 << 20))
		span = 1 << 20;
	q = (2 * v * span + max) / (2 * max);
	return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}


void cli_html_share(struct cli_html *h, lc_i128 part, lc_i128 whole)
{
	int64_t permille;
	char buf[32];

	if (whole <= 0) {
		cli_buf_puts(&h->b, "&ndash;");
		return;
	}
	permille = cli_rscale(part, whole, 1000);
	snprintf(buf, sizeof(buf), "%lld.%lld%%", (long long)(permille / 10),
		 (long long)(permille % 10));
	cli_buf_puts(&h->b, buf);
}


static void cli_html_day(struct cli_html *h, int64_t day)
{
	char buf[40];

	if (cli_time_text(day * 86400000, buf, sizeof(buf)) >= 10) {
		buf[10] = '\0';
		cli_buf_puts(&h->b, buf);
	}
}


/* ---- sections ------------------------------------------------------- */

static void cli_card(struct cli_html *h, const char *label)
{
	cli_html_raw(h, "</b><span>");
	cli_html_raw(h, label);
	cli_html_raw(h, "</span></div>\n");
}


static void cli_page_head(struct cli_html *h, const struct cli_opts *o,
			  const struct cli_rdata *d)
{
	const char *title = o->title ? o->title : "LLM spend report";

	cli_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		     "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		     "content=\"width=device-width, initial-scale=1\">\n"
		     "<title>");
	cli_html_text(h, title);
	cli_html_raw(h, "</title>\n<style>\n");
	cli_html_raw(h, cli_report_css);
	cli_html_raw(h, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
	cli_html_text(h, title);
	cli_html_raw(h, "</h1>\n<p>");
	if (d->has_days) {
		cli_html_day(h, d->first_day);
		cli_html_raw(h, " to ");
		cli_html_day(h, d->last_day);
		cli_html_raw(h, " (UTC) &middot; ");
	}
	cli_html_raw(h, "llmcost ");
	cli_html_text(h, llmcost_version_string());
	cli_html_raw(h, " &middot; costs rounded for display; exact figures "
		     "in <code>llmcost audit --format json</code></p>\n"
		     "</header>\n");
}


static void cli_page_cards(struct cli_html *h, const struct cli_rdata *d)
{
	cli_html_raw(h, "<div class=\"cards\">\n<div class=\"card\"><b>");
	cli_html_money(h, d->cost);
	cli_card(h, "total cost (priced requests)");
	cli_html_raw(h, "<div class=\"card\"><b>");
	cli_html_int(h, d->requests);
	cli_card(h, "priced requests");
	cli_html_raw(h, "<div class=\"card\"><b>");
	cli_html_int(h, d->input_tokens + d->output_tokens);
	cli_card(h, "tokens in and out");
	cli_html_raw(h, "<div class=\"card\"><b>");
	cli_html_int(h, (int64_t)d->teams.n);
	cli_card(h, "teams");
	cli_html_raw(h, "<div class=\"card\"><b>");
	cli_html_int(h, d->unpriced_requests);
	cli_card(h, "unpriced requests (no price, not in the cost)");
	cli_html_raw(h, "<div class=\"card\"><b>");
	cli_html_int(h, d->counts.rejected);
	cli_card(h, "rejected rows");
	cli_html_raw(h, "</div>\n");
}


static void cli_page_time(struct cli_html *h, const struct cli_rdata *d)
{
	cli_html_raw(h, "<section id=\"over-time\">\n<h2>Cost over time, "
		     "by team</h2>\n");
	if (!d->has_days)
		cli_html_raw(h, "<p class=\"note\">No priced request has a "
			     "timestamp.</p>\n");
	else
		cli_svg_over_time(h, d);
	cli_html_raw(h, "</section>\n");
}


static void cli_page_ranked(struct cli_html *h, const char *id,
			    const char *title, const struct cli_rview *v,
			    lc_i128 total, int with_team)
{
	struct cli_rstat **s = cli_rview_sorted(v);

	cli_html_raw(h, "<section id=\"");
	cli_html_raw(h, id);
	cli_html_raw(h, "\">\n<h2>");
	cli_html_raw(h, title);
	cli_html_raw(h, "</h2>\n");
	if (s != NULL && v->n > 0)
		cli_svg_bars(h, s, v->n, with_team ? 10 : 12, total,
			     with_team);
	else
		cli_html_raw(h, "<p class=\"note\">No priced requests.</p>\n");
	cli_html_raw(h, "</section>\n");
	free(s);
}


static void cli_page_gaps(struct cli_html *h, const struct cli_rdata *d)
{
	cli_html_raw(h, "<section id=\"gaps\">\n<h2>Attribution gaps</h2>\n"
		     "<p class=\"note\">Share of the priced cost whose "
		     "requests carry no owner of each kind: spend nobody "
		     "can be asked about.</p>\n");
	cli_svg_gaps(h, d);
	cli_html_raw(h, "</section>\n");
}


static void cli_page_change(struct cli_html *h, const struct cli_rdata *d,
			    const struct cli_rdata *base)
{
	cli_html_raw(h, "<section id=\"change\">\n<h2>Change against the "
		     "baseline</h2>\n<p class=\"note\">Baseline ");
	cli_html_money(h, base->cost);
	cli_html_raw(h, ", now ");
	cli_html_money(h, d->cost);
	cli_html_raw(h, " (");
	if (d->cost >= base->cost)
		cli_html_raw(h, "+");
	cli_html_money(h, d->cost - base->cost);
	cli_html_raw(h, "). The likely cause of a team's change is the "
		     "library's reading of its figures (docs/diff.md); "
		     "<code>llmcost diff</code> gives the numbers behind it."
		     "</p>\n<h2>By team</h2>\n");
	cli_table_change(h, d, base, 0);
	cli_html_raw(h, "<h2 class=\"next\">By model</h2>\n");
	cli_table_change(h, d, base, 1);
	cli_html_raw(h, "</section>\n");
}


static void cli_page_foot(struct cli_html *h, const struct cli_rdata *d)
{
	cli_html_raw(h, "<p class=\"note\">Rows read: ");
	cli_html_int(h, d->counts.rows);
	cli_html_raw(h, " (priced ");
	cli_html_int(h, d->counts.priced);
	cli_html_raw(h, ", unpriced ");
	cli_html_int(h, d->counts.unpriced);
	cli_html_raw(h, ", rejected ");
	cli_html_int(h, d->counts.rejected);
	cli_html_raw(h, "). Unpriced requests are never counted as $0; "
		     "<code>llmcost audit</code> lists them with the reason."
		     "</p>\n</main>\n</body>\n</html>\n");
}


static void cli_page(struct cli_html *h, const struct cli_opts *o,
		     const struct cli_rdata *d, const struct cli_rdata *base)
{
	cli_page_head(h, o, d);
	cli_page_cards(h, d);
	cli_page_time(h, d);
	cli_html_raw(h, "<div class=\"grid2\">\n");
	cli_page_ranked(h, "by-model", "Cost by model", &d->models, d->cost,
			0);
	cli_page_ranked(h, "top-users", "Top users", &d->users, d->cost, 1);
	cli_html_raw(h, "</div>\n");
	cli_page_gaps(h, d);
	if (base != NULL)
		cli_page_change(h, d, base);
	cli_page_foot(h, d);
}


int cli_report_write(const struct cli_opts *o, const struct cli_rdata *d,
		     const struct cli_rdata *base)
{
	struct cli_html h;
	FILE *fp;
	int rc;

	memset(&h, 0, sizeof(h));
	cli_page(&h, o, d, base);
	if (h.b.failed) {
		cli_buf_free(&h.b);
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	fp = cli_out_open(o);
	if (fp == NULL) {
		cli_buf_free(&h.b);
		return CLI_EXIT_IO;
	}
	rc = cli_buf_flush(&h.b, fp) != 0 ? CLI_EXIT_IO : CLI_EXIT_OK;
	cli_buf_free(&h.b);
	if (cli_out_close(o, fp) != CLI_EXIT_OK)
		rc = CLI_EXIT_IO;
	return rc;
}
