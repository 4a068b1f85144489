/*
 * diff_out.c - `llmcost diff` output: terminal text, Markdown and JSON.
 * Amounts are exact decimal dollars, except in the review sentence,
 * which rounds to cents and says "about".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "diff.h"


static int money_negative(llmcost_money m)
{
	return m.hi < 0;
}


const char *cli_cause_label(const llmcost_diff *x)
{
	switch (x->cause) {
	case LLMCOST_CAUSE_PROMPT_EXPANSION:
		if (money_negative(x->effect[LLMCOST_EFFECT_INPUT]))
			return "prompt reduction";
		break;
	case LLMCOST_CAUSE_OUTPUT_GROWTH:
		if (money_negative(x->effect[LLMCOST_EFFECT_OUTPUT]))
			return "output reduction";
		break;
	case LLMCOST_CAUSE_ADOPTION:
		if (money_negative(x->effect[LLMCOST_EFFECT_VOLUME]))
			return "declining use";
		break;
	case LLMCOST_CAUSE_RETRY_STORM:
		if (money_negative(x->change))
			return "fewer retries";
		break;
	default:
		break;
	}
	return llmcost_cause_name((int)x->cause);
}

#define CENT ((lc_i128)10000000000000000LL)	/* 10^16 units */

static const char *const extra_names[DIFF_EXTRA] = {
	"users", "models", "prompt_template_versions", "workflows"
};


static void bprintf(struct cli_buf *b, const char *fmt, ...)
	LC_PRINTF(2, 3);

static void bprintf(struct cli_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cli_buf_puts(b, tmp);
}


/* A name from the input (a slice, a user, a model, a file) for text
 * or Markdown: escaped as the audit escapes it (cli_buf_text()), so it
 * cannot send terminal escapes or break a line; in a Markdown table
 * cell a '|' is also escaped, or it would start a new column. */
static void put_name(struct cli_buf *b, const char *s, int md_cell)
{
	const char *bar;
	char *part;

	while (md_cell && (bar = strchr(s, '|')) != NULL) {
		part = malloc((size_t)(bar - s) + 1);
		if (part == NULL) {
			b->failed = 1;
			return;
		}
		memcpy(part, s, (size_t)(bar - s));
		part[bar - s] = '\0';
		cli_buf_text(b, part);
		free(part);
		cli_buf_puts(b, "\\|");
		s = bar + 1;
	}
	cli_buf_text(b, s);
}


/* A signed change in hundredths of a percent from a ratio in
 * ten-thousandths: "+2.0%", "-31.4%", or "n/a". */
static void put_pct(struct cli_buf *b, int64_t ratio)
{
	int64_t v = ratio - 10000;
	int64_t a = v < 0 ? -v : v;

	if (ratio < 0) {
		cli_buf_puts(b, "n/a");
		return;
	}
	bprintf(b, "%c%" PRId64 ".%" PRId64 "%%", v < 0 ? '-' : '+',
		a / 100, (a % 100) / 10);
}


static void put_times(struct cli_buf *b, int64_t ratio)
{
	if (ratio < 0)
		cli_buf_puts(b, "n/a");
	else
		bprintf(b, "x%" PRId64 ".%02" PRId64, ratio / 10000,
			(ratio % 10000) / 100);
}


static void put_rate(struct cli_buf *b, int64_t r)
{
	bprintf(b, "%" PRId64 ".%" PRId64 "%%", r / 100, (r % 100) / 10);
}


/* Dollars rounded half away from zero to cents: "$12.35". */
static void put_cents(struct cli_buf *b, lc_i128 v)
{
	lc_i128 a = v < 0 ? -v : v;
	lc_i128 c = (a + CENT / 2) / CENT;

	char t[64];

	if (lc_i128_format(c / 100, t, sizeof(t)) < 0)
		t[0] = '\0';
	cli_buf_puts(b, v < 0 && c > 0 ? "-$" : "$");
	cli_buf_puts(b, t);
	bprintf(b, ".%02d", (int)(c % 100));
}


static void put_signed(struct cli_buf *b, lc_i128 v)
{
	if (v > 0)
		cli_buf_putc(b, '+');
	cli_buf_money(b, v);
}


static lc_i128 m(llmcost_money v)
{
	return lc_money_to_i128(v);
}


static void put_day(struct cli_buf *b, int64_t ms)
{
	char t[64];

	if (lc_time_format(ms, t, sizeof(t)) < 10)
		return;
	t[10] = '\0';
	cli_buf_puts(b, t);
}


/* text: escaped for text or Markdown; else raw, for JSON. */
static void put_period(struct cli_buf *b, const struct diff_run *d, int p,
		       int text)
{
	if (d->period[p].whole) {
		if (text)
			put_name(b, d->snap_path[p], 0);
		else
			cli_buf_puts(b, d->snap_path[p]);
		return;
	}
	put_day(b, d->period[p].from);
	cli_buf_puts(b, "..");
	put_day(b, d->period[p].to - 86400000LL);
}


/* Items of a kind new in the current period (or, for models, whose
 * share of the slice's requests grew by a fifth or more), comma
 * separated, escaped if text; returns how many. */
static int put_new(struct cli_buf *b, const struct diff_run *d,
		   const struct diff_slice *s, int extra, const char *sep,
		   int text)
{
	size_t i;
	int n = 0;

	for (i = s->item_first; i < s->item_first + s->item_count; i++) {
		const struct diff_item *it = &d->items[i];
		int fresh = it->requests[0] == 0 && it->requests[1] > 0;
		int grew = extra == 1 && it->requests[0] > 0 &&
			(lc_i128)it->requests[1] * s->side[0].requests * 5 >
			(lc_i128)it->requests[0] * s->side[1].requests * 6;

		if ((int)it->extra != extra || !(fresh || grew) ||
		    it->value[0] == '\0')
			continue;
		if (n++ > 0)
			cli_buf_puts(b, sep);
		if (text)
			put_name(b, it->value, 0);
		else
			cli_buf_puts(b, it->value);
		if (extra == 1)
			cli_buf_puts(b, fresh ? " (new)" : " (grew)");
	}
	return n;
}


/* cur / base in ten-thousandths for display (both >= 0), -1 if base is
 * 0; huge figures are cut to their leading bits first. */
static int64_t cost_ratio(lc_i128 base, lc_i128 cur)
{
	lc_i128 lim = (lc_i128)1 << 100, q;

	while (cur > lim || base > lim) {
		cur >>= 1;
		base >>= 1;
	}
	if (base <= 0 || cur < 0)
		return -1;
	q = cur * 10000 / base;
	return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}


void diff_sentence(const struct diff_run *d, const struct diff_slice *s,
		   char *buf, size_t size)
{
	const llmcost_diff *x = &s->diff;
	struct cli_buf b = { NULL, 0, 0, 0 };
	lc_i128 base = m(s->side[0].cost), cur = m(s->side[1].cost);

	bprintf(&b, "%s: ", s->name);
	if (x->cause == LLMCOST_CAUSE_NEW_SLICE) {
		cli_buf_puts(&b, "new in the current period, about ");
		put_cents(&b, cur);
		bprintf(&b, " over %" PRId64 " requests.",
			s->side[1].requests);
		goto out;
	}
	if (x->cause == LLMCOST_CAUSE_GONE_SLICE) {
		cli_buf_puts(&b, "no requests in the current period (about ");
		put_cents(&b, base);
		cli_buf_puts(&b, " before).");
		goto out;
	}
	cli_buf_puts(&b, "cost ");
	put_pct(&b, cost_ratio(base, cur));
	cli_buf_puts(&b, " (about ");
	put_cents(&b, base);
	cli_buf_puts(&b, " to ");
	put_cents(&b, cur);
	bprintf(&b, "), %s: requests ", cli_cause_label(x));
	put_pct(&b, x->requests_ratio);
	cli_buf_puts(&b, ", input tokens per request ");
	put_times(&b, x->input_ratio);
	cli_buf_puts(&b, ", output tokens per request ");
	put_times(&b, x->output_ratio);
	cli_buf_puts(&b, ", cost per request ");
	put_pct(&b, x->cost_ratio);
	if (x->retry_rate[0] != x->retry_rate[1]) {
		cli_buf_puts(&b, ", retries per request ");
		put_rate(&b, x->retry_rate[0]);
		cli_buf_puts(&b, " to ");
		put_rate(&b, x->retry_rate[1]);
	}
	if (x->users_ratio >= 0 && s->side[0].active_users !=
	    s->side[1].active_users)
		bprintf(&b, ", active users %" PRId64 " to %" PRId64,
			s->side[0].active_users, s->side[1].active_users);
	{
		size_t mark = b.len;

		cli_buf_puts(&b, ", after prompt template ");
		if (put_new(&b, d, s, 2, " and ", 0) == 0)
			b.len = mark;
		mark = b.len;
		cli_buf_puts(&b, ", models ");
		if (put_new(&b, d, s, 1, ", ", 0) == 0)
			b.len = mark;
	}
	cli_buf_putc(&b, '.');
out:
	cli_buf_putc(&b, '\0');
	snprintf(buf, size, "%s", b.failed || b.p == NULL ? "" : b.p);
	cli_buf_free(&b);
}


static void text_slice(struct cli_buf *b, const struct diff_run *d,
		       const struct diff_slice *s)
{
	const llmcost_diff *x = &s->diff;
	char sentence[2048];
	int k;

	cli_buf_putc(b, '\n');
	put_name(b, s->name, 0);
	cli_buf_puts(b, "\n  baseline ");
	cli_buf_money(b, m(s->side[0].cost));
	cli_buf_puts(b, "  current ");
	cli_buf_money(b, m(s->side[1].cost));
	cli_buf_puts(b, "  change ");
	put_signed(b, m(x->change));
	bprintf(b, "  cause: %s\n", cli_cause_label(x));
	for (k = 0; k < LLMCOST_EFFECT_COUNT; k++) {
		bprintf(b, "  %-10s ", llmcost_effect_name(k));
		put_signed(b, m(x->effect[k]));
		cli_buf_putc(b, '\n');
	}
	cli_buf_puts(b, "  remainder  ");
	put_signed(b, m(x->remainder));
	bprintf(b, "\n  requests %" PRId64 " -> %" PRId64 " (",
		s->side[0].requests, s->side[1].requests);
	put_pct(b, x->requests_ratio);
	cli_buf_puts(b, "), input tokens/request ");
	put_times(b, x->input_ratio);
	cli_buf_puts(b, ", output tokens/request ");
	put_times(b, x->output_ratio);
	cli_buf_puts(b, ", cost/request ");
	put_pct(b, x->cost_ratio);
	cli_buf_puts(b, "\n  retry rate ");
	put_rate(b, x->retry_rate[0]);
	cli_buf_puts(b, " -> ");
	put_rate(b, x->retry_rate[1]);
	cli_buf_puts(b, ", error rate ");
	put_rate(b, x->error_rate[0]);
	cli_buf_puts(b, " -> ");
	put_rate(b, x->error_rate[1]);
	if (s->side[0].active_users >= 0 && s->side[1].active_users >= 0)
		bprintf(b, ", active users %" PRId64 " -> %" PRId64,
			s->side[0].active_users, s->side[1].active_users);
	for (k = 1; k < DIFF_EXTRA; k++) {
		size_t mark = b->len;

		bprintf(b, "\n  new or grown %s: ", extra_names[k]);
		if (put_new(b, d, s, k, ", ", 1) == 0)
			b->len = mark;
	}
	diff_sentence(d, s, sentence, sizeof(sentence));
	/* The sentence is raw (JSON has it too): escape it whole. */
	cli_buf_puts(b, "\n  > ");
	put_name(b, sentence, 0);
	cli_buf_putc(b, '\n');
}


static void md_slice(struct cli_buf *b, const struct diff_run *d,
		     const struct diff_slice *s)
{
	const llmcost_diff *x = &s->diff;
	char sentence[2048];
	int k;

	cli_buf_puts(b, "\n### ");
	put_name(b, s->name, 0);
	bprintf(b, ": %s\n\n", cli_cause_label(x));
	diff_sentence(d, s, sentence, sizeof(sentence));
	put_name(b, sentence, 0);
	cli_buf_puts(b, "\n\n| effect | USD |\n|---|---:|\n");
	for (k = 0; k < LLMCOST_EFFECT_COUNT; k++) {
		bprintf(b, "| %s | ", llmcost_effect_name(k));
		put_signed(b, m(x->effect[k]));
		cli_buf_puts(b, " |\n");
	}
	cli_buf_puts(b, "| unexplained remainder | ");
	put_signed(b, m(x->remainder));
	cli_buf_puts(b, " |\n| **change** | ");
	put_signed(b, m(x->change));
	cli_buf_puts(b, " |\n");
}


static void put_header(struct cli_buf *b, const struct diff_run *d,
		       int md)
{
	int i;

	cli_buf_puts(b, md ? "## Spend change\n\n" : "Spend change\n");
	cli_buf_puts(b, md ? "- baseline " : "  baseline ");
	put_period(b, d, 0, 1);
	cli_buf_puts(b, ": ");
	cli_buf_money(b, d->total[0]);
	cli_buf_puts(b, md ? " USD\n- current " : " USD\n  current  ");
	put_period(b, d, 1, 1);
	cli_buf_puts(b, ": ");
	cli_buf_money(b, d->total[1]);
	cli_buf_puts(b, md ? " USD\n- change " : " USD\n  change   ");
	put_signed(b, d->total[1] - d->total[0]);
	cli_buf_puts(b, md ? " USD\n- by " : " USD\n  by       ");
	for (i = 0; i < d->nby; i++)
		bprintf(b, "%s%s", i ? "," : "", llmcost_dim_name(d->by[i]));
	cli_buf_putc(b, '\n');
}


static void put_below(struct cli_buf *b, const struct diff_run *d,
		      int md)
{
	lc_i128 sum = 0;
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (!d->slices[i].material) {
			n++;
			sum += m(d->slices[i].diff.change);
		}
	bprintf(b, "\n%s%zu slice%s below the thresholds, change ",
		md ? "_" : "", n, n == 1 ? "" : "s");
	put_signed(b, sum);
	cli_buf_puts(b, md ? " USD_\n" : " USD\n");
}


static void md_table(struct cli_buf *b, const struct diff_run *d)
{
	size_t i;

	cli_buf_puts(b, "\n| slice | baseline USD | current USD | change USD "
		     "| cause |\n|---|---:|---:|---:|---|\n");
	for (i = 0; i < d->n; i++) {
		const struct diff_slice *s = &d->slices[d->order[i]];

		if (!s->material)
			continue;
		cli_buf_puts(b, "| ");
		put_name(b, s->name, 1);
		cli_buf_puts(b, " | ");
		cli_buf_money(b, m(s->side[0].cost));
		cli_buf_puts(b, " | ");
		cli_buf_money(b, m(s->side[1].cost));
		cli_buf_puts(b, " | ");
		put_signed(b, m(s->diff.change));
		bprintf(b, " | %s |\n", cli_cause_label(&s->diff));
	}
}


static void print_human(struct cli_buf *b, const struct diff_run *d)
{
	int md = d->format == DIFF_MD;
	size_t i;

	put_header(b, d, md);
	if (md)
		md_table(b, d);
	for (i = 0; i < d->n; i++) {
		const struct diff_slice *s = &d->slices[d->order[i]];

		if (!s->material)
			continue;
		if (md)
			md_slice(b, d, s);
		else
			text_slice(b, d, s);
	}
	put_below(b, d, md);
}


static void json_money(struct cli_buf *b, const char *name, lc_i128 v)
{
	bprintf(b, "\"%s\":\"", name);
	cli_buf_money(b, v);
	cli_buf_putc(b, '"');
}


static void json_items(struct cli_buf *b, const struct diff_run *d,
		       const struct diff_slice *s)
{
	size_t i;
	int k, n;

	cli_buf_puts(b, ",\"alongside\":{");
	for (k = 0; k < DIFF_EXTRA; k++) {
		bprintf(b, "%s\"%s\":[", k ? "," : "", extra_names[k]);
		n = 0;
		for (i = s->item_first; i < s->item_first + s->item_count;
		     i++) {
			const struct diff_item *it = &d->items[i];

			if ((int)it->extra != k)
				continue;
			cli_buf_puts(b, n++ ? ",{\"value\":" : "{\"value\":");
			cli_buf_json_str(b, it->value);
			bprintf(b, ",\"requests\":[%" PRId64 ",%" PRId64 "],",
				it->requests[0], it->requests[1]);
			json_money(b, "baseline_cost", it->cost[0]);
			cli_buf_putc(b, ',');
			json_money(b, "current_cost", it->cost[1]);
			cli_buf_putc(b, '}');
		}
		cli_buf_putc(b, ']');
	}
	cli_buf_putc(b, '}');
}


static void json_figures(struct cli_buf *b, const struct diff_slice *s)
{
	const llmcost_diff *x = &s->diff;

	bprintf(b, ",\"figures\":{\"requests\":[%" PRId64 ",%" PRId64 "],"
		"\"retries\":[%" PRId64 ",%" PRId64 "],"
		"\"errors\":[%" PRId64 ",%" PRId64 "],"
		"\"input_tokens\":[%" PRId64 ",%" PRId64 "],"
		"\"output_tokens\":[%" PRId64 ",%" PRId64 "],"
		"\"active_users\":[%" PRId64 ",%" PRId64 "],",
		s->side[0].requests, s->side[1].requests,
		s->side[0].retries, s->side[1].retries,
		s->side[0].errors, s->side[1].errors,
		s->side[0].input_tokens, s->side[1].input_tokens,
		s->side[0].output_tokens, s->side[1].output_tokens,
		s->side[0].active_users, s->side[1].active_users);
	bprintf(b, "\"requests_ratio\":%" PRId64 ",\"users_ratio\":%" PRId64
		",\"input_per_request_ratio\":%" PRId64
		",\"output_per_request_ratio\":%" PRId64
		",\"cost_per_request_ratio\":%" PRId64
		",\"retry_rate\":[%" PRId64 ",%" PRId64 "]"
		",\"error_rate\":[%" PRId64 ",%" PRId64 "]}",
		x->requests_ratio, x->users_ratio, x->input_ratio,
		x->output_ratio, x->cost_ratio, x->retry_rate[0],
		x->retry_rate[1], x->error_rate[0], x->error_rate[1]);
}


static void json_slice(struct cli_buf *b, const struct diff_run *d,
		       const struct diff_slice *s)
{
	const llmcost_diff *x = &s->diff;
	char sentence[2048];
	int k;

	cli_buf_puts(b, "{\"slice\":");
	cli_buf_json_str(b, s->name);
	bprintf(b, ",\"material\":%s,\"cause\":\"%s\",",
		s->material ? "true" : "false",
		cli_cause_label(x));
	json_money(b, "baseline_cost", m(s->side[0].cost));
	cli_buf_putc(b, ',');
	json_money(b, "current_cost", m(s->side[1].cost));
	cli_buf_putc(b, ',');
	json_money(b, "change", m(x->change));
	cli_buf_puts(b, ",\"effects\":{");
	for (k = 0; k < LLMCOST_EFFECT_COUNT; k++) {
		if (k)
			cli_buf_putc(b, ',');
		json_money(b, llmcost_effect_name(k), m(x->effect[k]));
	}
	cli_buf_puts(b, "},");
	json_money(b, "remainder", m(x->remainder));
	json_figures(b, s);
	json_items(b, d, s);
	diff_sentence(d, s, sentence, sizeof(sentence));
	cli_buf_puts(b, ",\"sentence\":");
	cli_buf_json_str(b, sentence);
	cli_buf_putc(b, '}');
}


static void print_json(struct cli_buf *b, const struct diff_run *d)
{
	size_t i;
	int p;

	cli_buf_puts(b, "{\"by\":[");
	for (p = 0; p < d->nby; p++)
		bprintf(b, "%s\"%s\"", p ? "," : "", llmcost_dim_name(d->by[p]));
	cli_buf_puts(b, "]");
	for (p = 0; p < 2; p++) {
		bprintf(b, ",\"%s\":{\"period\":", p ? "current" : "baseline");
		{
			struct cli_buf t = { NULL, 0, 0, 0 };

			put_period(&t, d, p, 0);
			cli_buf_putc(&t, '\0');
			cli_buf_json_str(b, t.p != NULL ? t.p : "");
			cli_buf_free(&t);
		}
		cli_buf_putc(b, ',');
		json_money(b, "cost", d->total[p]);
		cli_buf_putc(b, '}');
	}
	cli_buf_puts(b, ",\"slices\":[");
	for (i = 0; i < d->n; i++) {
		if (i)
			cli_buf_putc(b, ',');
		json_slice(b, d, &d->slices[d->order[i]]);
	}
	cli_buf_puts(b, "]}\n");
}


void diff_render(const struct diff_run *d, struct cli_buf *b)
{
	if (d->format == DIFF_JSON)
		print_json(b, d);
	else
		print_human(b, d);
}


void diff_print(const struct diff_run *d, FILE *fp)
{
	struct cli_buf b = { NULL, 0, 0, 0 };

	diff_render(d, &b);
	if (cli_buf_flush(&b, fp) != 0)
		cli_error("diff: cannot write the output");
	cli_buf_free(&b);
}
