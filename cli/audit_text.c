/*
 * audit_text.c - the audit as tables for a terminal.
 *
 * Costs are rounded here, and only here, for reading: four decimals for
 * costs, six for cost per request.  The JSON output carries the exact
 * values.  Text from the input is escaped (cli_buf_text()): a team name
 * cannot forge a line of the report or send a terminal escape.
 */
#include <string.h>

#include "audit.h"

#define CLI_COST_DECIMALS 4
#define CLI_UNIT_DECIMALS 6

/* Formatted numbers for one table row. */
struct cli_nums {
	char buf[12][64];
	size_t n;
};


static const char *cli_num(struct cli_nums *n, int64_t v)
{
	char *b = n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];

	cli_int_group(v, b, sizeof(n->buf[0]));
	return b;
}


/* A 128-bit count: grouped when it fits in 64 bits. */
static const char *cli_count128(struct cli_nums *n, lc_i128 v)
{
	char *b = n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];

	if (v >= INT64_MIN && v <= INT64_MAX)
		cli_int_group((int64_t)v, b, sizeof(n->buf[0]));
	else if (lc_i128_format(v, b, sizeof(n->buf[0])) < 0)
		snprintf(b, sizeof(n->buf[0]), "?");
	return b;
}


static const char *cli_usd(struct cli_nums *n, lc_i128 v, int decimals)
{
	char *b = n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];

	cli_money_round(v, decimals, b, sizeof(n->buf[0]));
	return b;
}


/* share = part / whole as "12.34%". */
static const char *cli_share(struct cli_nums *n, lc_i128 part,
			     lc_i128 whole)
{
	char *b = n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];
	lc_i128 bp;

	if (whole <= 0 || lc_i128_mul(part, 10000, &bp)) {
		snprintf(b, sizeof(n->buf[0]), "-");
		return b;
	}
	bp = (bp + whole / 2) / whole;
	snprintf(b, sizeof(n->buf[0]), "%lld.%02lld%%", (long long)(bp / 100),
		 (long long)(bp % 100));
	return b;
}


static const char *cli_key(const char *key)
{
	return key == NULL || key[0] == '\0' ? "(none)" : key;
}


static void cli_heading(FILE *fp, const char *title)
{
	fprintf(fp, "\n%s\n", title);
}


/* Rows a table shows: all, or --limit of them. */
static size_t cli_shown(const struct cli_audit *a, size_t n)
{
	if (a->opts->limit > 0 && (size_t)a->opts->limit < n)
		return (size_t)a->opts->limit;
	return n;
}


/* The "(N more)" line of a table cut by --limit. */
static void cli_more(FILE *fp, size_t shown, size_t n)
{
	if (shown < n)
		fprintf(fp, "  (%zu more; --limit 0 shows all)\n", n - shown);
}


static void cli_write_prices(const struct cli_audit *a, FILE *fp)
{
	const struct cli_opts *o = a->opts;
	char day[40];
	size_t i;

	fputs("prices: ", fp);
	if (o->n_prices == 0)
		fputs("the price book compiled into the library", fp);
	for (i = 0; i < o->n_prices; i++) {
		fputs(i ? ", " : "", fp);
		cli_text_put(fp, o->prices[i].path);
		if (o->prices[i].valid_from_ms != LLMCOST_TIME_UNKNOWN &&
		    lc_time_format(o->prices[i].valid_from_ms, day,
				   sizeof(day)) > 0)
			fprintf(fp, " (from %.10s)", day);
	}
	fprintf(fp, "; %zu model keys, %zu load diagnostics\n",
		llmcost_prices_count(a->prices),
		llmcost_prices_diag_count(a->prices));
}


static void cli_write_filter(const struct cli_opts *o, FILE *fp)
{
	size_t i;

	if (o->wheres.n == 0) {
		fputs("  (no --where)\n", fp);
		return;
	}
	fputs("  by --where", fp);
	for (i = 0; i < o->wheres.n; i++) {
		fputc(' ', fp);
		cli_text_put(fp, o->wheres.v[i].key);
		fputc('=', fp);
		cli_text_put(fp, o->wheres.v[i].value);
	}
	fputc('\n', fp);
}


static void cli_write_accounting(const struct cli_audit *a, FILE *fp)
{
	const struct cli_counts *c = &a->counts;
	char first[40] = "", last[40] = "";

	cli_heading(fp, "Accounting");
	fprintf(fp, "  lines read     %10ld  (blank lines skipped, not "
		"counted: %ld)\n", c->lines, c->blank);
	fprintf(fp, "  filtered out   %10ld", c->filtered);
	cli_write_filter(a->opts, fp);
	fprintf(fp, "  rows           %10ld  = priced %ld + unpriced %ld + "
		"rejected %ld + duplicate %ld\n", c->rows, c->priced,
		c->unpriced, c->rejected, c->duplicates);
	if (a->first_ms == LLMCOST_TIME_UNKNOWN) {
		fputs("  period         (no priced or unpriced row has a "
		      "timestamp)\n", fp);
		return;
	}
	lc_time_format(a->first_ms, first, sizeof(first));
	lc_time_format(a->last_ms, last, sizeof(last));
	fprintf(fp, "  period         %s .. %s (UTC; priced and unpriced "
		"rows, rejected rows not included)\n", first, last);
}


static void cli_write_totals(const struct cli_audit *a, FILE *fp)
{
	static const char *const labels[LLMCOST_T_COUNT] = {
		"input tokens", "output tokens", "cached tokens",
		"cache write 5m tokens", "cache write 1h tokens",
		"reasoning tokens"
	};
	const struct cli_stat *t = &a->total;
	struct cli_nums n = { .n = 0 };
	size_t i;

	cli_heading(fp, "Totals (rejected rows excluded; requests are the sum "
		    "of request_count; cost of priced rows)");
	fprintf(fp, "  %-22s %20s  (priced %lld + unpriced %lld)\n",
		"requests", cli_num(&n, t->requests), (long long)t->priced,
		(long long)t->unpriced);
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		fprintf(fp, "  %-22s %20s\n", labels[i],
			cli_num(&n, t->tokens[i]));
	fprintf(fp, "  %-22s %20s\n", "cost USD",
		cli_usd(&n, t->total, CLI_COST_DECIMALS));
	if (cli_show_contracted(a)) {
		fprintf(fp, "  %-22s %20s\n", "  list",
			cli_usd(&n, t->total, CLI_COST_DECIMALS));
		fprintf(fp, "  %-22s %20s\n", "  contracted",
			cli_usd(&n, t->contracted, CLI_COST_DECIMALS));
		fprintf(fp, "  %-22s %20s\n", "  effective",
			cli_usd(&n, t->effective, CLI_COST_DECIMALS));
	}
	for (i = 0; i < LLMCOST_C_COUNT; i++) {
		char label[40];

		if (i > LLMCOST_C_REASONING && t->component[i] == 0)
			continue;
		snprintf(label, sizeof(label), "  %s", llmcost_component_name(
			 (int)i));
		fprintf(fp, "  %-22s %20s\n", label,
			cli_usd(&n, t->component[i], CLI_COST_DECIMALS));
	}
}


static const char *const cli_dim_headers[] = {
	NULL, "requests", "unpriced", "input tokens", "output tokens",
	"cost USD", "USD/request", "share"
};


static int cli_dim_row(struct cli_table *tab, const struct cli_stat *s,
		       const char *label, lc_i128 whole)
{
	struct cli_nums n = { .n = 0 };
	const char *cells[8];

	cells[0] = label;
	cells[1] = cli_num(&n, s->requests);
	cells[2] = cli_num(&n, s->unpriced);
	cells[3] = cli_num(&n, s->tokens[LLMCOST_T_INPUT]);
	cells[4] = cli_num(&n, s->tokens[LLMCOST_T_OUTPUT]);
	cells[5] = cli_usd(&n, s->total, CLI_COST_DECIMALS);
	cells[6] = s->priced ? cli_usd(&n, cli_stat_per_request(s),
				       CLI_UNIT_DECIMALS) : "-";
	cells[7] = cli_share(&n, s->total, whole);
	return cli_table_add(tab, cells);
}


static int cli_rest_add(struct cli_stat *rest, const struct cli_stat *s)
{
	size_t k;

	if (__builtin_add_overflow(rest->requests, s->requests,
				   &rest->requests) ||
	    __builtin_add_overflow(rest->priced, s->priced, &rest->priced) ||
	    __builtin_add_overflow(rest->unpriced, s->unpriced,
				   &rest->unpriced) ||
	    lc_i128_add(rest->total, s->total, &rest->total))
		return -1;
	for (k = 0; k < LLMCOST_T_COUNT; k++)
		if (__builtin_add_overflow(rest->tokens[k], s->tokens[k],
					   &rest->tokens[k]))
			return -1;
	return 0;
}


/* Sums the rows past the limit into one "other" row; checked, though
 * they are part of the total, which fits. */
static int cli_rest(const struct cli_view *v, size_t from,
		    struct cli_stat *rest)
{
	size_t i;

	memset(rest, 0, sizeof(*rest));
	for (i = from; i < v->n; i++)
		if (cli_rest_add(rest, &v->v[i]))
			return -1;
	return 0;
}


static const char *cli_view_label(const struct cli_view *v, size_t i,
				  int days, char *buf, size_t size)
{
	if (!days)
		return cli_key(v->v[i].key);
	cli_day_name(v->v[i].day_ms, buf, size);
	return buf;
}


static int cli_write_dim(const struct cli_audit *a, FILE *fp,
			 const char *title, const char *what,
			 const struct cli_view *v)
{
	const char *headers[8];
	struct cli_table *tab;
	struct cli_stat rest;
	size_t i, shown = cli_shown(a, v->n);
	int days = v == &a->day, rc = 0;
	char label[64];

	memcpy(headers, cli_dim_headers, sizeof(headers));
	headers[0] = what;
	tab = cli_table_new(8, headers, "lrrrrrrr");
	for (i = 0; i < shown && rc == 0; i++)
		rc = cli_dim_row(tab, &v->v[i], cli_view_label(v, i, days,
				 label, sizeof(label)), a->total.total);
	if (shown < v->n && rc == 0) {
		rc = cli_rest(v, shown, &rest);
		snprintf(label, sizeof(label), "(%zu more)", v->n - shown);
		if (rc == 0)
			rc = cli_dim_row(tab, &rest, label, a->total.total);
	}
	if (rc == 0)
		rc = cli_dim_row(tab, &a->total, "total", a->total.total);
	cli_heading(fp, title);
	cli_table_print(tab, fp);
	cli_table_free(tab);
	return rc;
}


/* "2.40x": the user's exact input tokens per request (t / r) against
 * the team median (m2 / 2), rounded half up to hundredths:
 * 200 t / (r m2).  200 t < 2^71 and r m2 < 2^127: no overflow. */
static const char *cli_vs_median(struct cli_nums *n, const struct cli_stat *s)
{
	char *b = n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];
	unsigned __int128 num, den, r;

	if (s->median2 <= 0 || s->requests <= 0) {
		snprintf(b, sizeof(n->buf[0]), "-");
		return b;
	}
	num = (unsigned __int128)s->tokens[LLMCOST_T_INPUT] * 200;
	den = (unsigned __int128)s->requests * (unsigned __int128)s->median2;
	r = (num + den / 2) / den;
	snprintf(b, sizeof(n->buf[0]), "%llu.%02llux",
		 (unsigned long long)(r / 100), (unsigned long long)(r % 100));
	return b;
}


/* The team median, m2 / 2, with one decimal: "642.0", "5,500.5". */
static const char *cli_median(struct cli_nums *n, lc_i128 m2)
{
	char *b = n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];
	size_t len;

	if (m2 < 0) {
		snprintf(b, sizeof(n->buf[0]), "-");
		return b;
	}
	cli_int_group((int64_t)(m2 / 2), b, sizeof(n->buf[0]) - 3);
	len = strlen(b);
	snprintf(b + len, sizeof(n->buf[0]) - len, ".%d",
		 m2 % 2 ? 5 : 0);
	return b;
}


static int cli_write_top_users(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"team", "user", "requests", "cost USD", "input/request",
		"team median", "vs median"
	};
	struct cli_table *tab = cli_table_new(7, headers, "llrrrrr");
	size_t i;
	int rc = 0;

	for (i = 0; i < a->team_user.n && rc == 0; i++) {
		const struct cli_stat *s = &a->team_user.v[i];
		struct cli_nums n = { .n = 0 };
		const char *cells[7];

		cells[0] = cli_key(s->team);
		cells[1] = cli_key(s->user);
		cells[2] = cli_num(&n, s->requests);
		cells[3] = cli_usd(&n, s->total, CLI_COST_DECIMALS);
		cells[4] = s->requests > 0 ?
			   cli_num(&n, cli_input_per_request(s)) : "-";
		cells[5] = cli_median(&n, s->median2);
		cells[6] = cli_vs_median(&n, s);
		rc = cli_table_add(tab, cells);
	}
	cli_heading(fp, "Top 10 users by cost (prompt size: input tokens "
		    "per request against the median of the team's users, "
		    "each rounded down to a whole token)");
	cli_table_print(tab, fp);
	cli_table_free(tab);
	return rc;
}


static int cli_write_unpriced(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"model", "requests", "input tokens", "output tokens", "code",
		"reason"
	};
	struct cli_table *tab;
	size_t i, shown = cli_shown(a, a->n_unpriced);
	int rc = 0;

	cli_heading(fp, "Unpriced models (counted in requests and tokens, "
		    "never as $0)");
	if (a->n_unpriced == 0) {
		fputs("  none\n", fp);
		return 0;
	}
	tab = cli_table_new(6, headers, "lrrrll");
	for (i = 0; i < shown && rc == 0; i++) {
		const struct cli_unpriced *u = &a->unpriced[i];
		struct cli_nums n = { .n = 0 };
		const char *cells[6];

		cells[0] = cli_key(u->model);
		cells[1] = cli_num(&n, u->requests);
		cells[2] = cli_num(&n, u->input_tokens);
		cells[3] = cli_num(&n, u->output_tokens);
		cells[4] = cli_code_name(u->status);
		cells[5] = u->reason;
		rc = cli_table_add(tab, cells);
	}
	cli_table_print(tab, fp);
	cli_table_free(tab);
	cli_more(fp, shown, a->n_unpriced);
	return rc;
}


static void cli_examples(const struct cli_rejects *g, char *buf,
			 size_t size)
{
	size_t i, n;

	buf[0] = '\0';
	for (i = 0; i < g->n_examples && i < 3; i++) {
		n = strlen(buf);
		snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
			 g->examples[i]);
	}
}


static int cli_write_rejects(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"rows", "code", "what", "requests", "input tokens",
		"output tokens", "first lines", "first reason"
	};
	struct cli_table *tab;
	char examples[3 * CLI_SOURCE_SIZE];
	size_t i, shown = cli_shown(a, a->n_rejects);
	int rc = 0;

	cli_heading(fp, "Rejected rows (skipped from every total; requests "
		    "and tokens as far as they could be read)");
	if (a->n_rejects == 0) {
		fputs("  none\n", fp);
		return 0;
	}
	tab = cli_table_new(8, headers, "rllrrrll");
	for (i = 0; i < shown && rc == 0; i++) {
		const struct cli_rejects *g = &a->rejects[i];
		struct cli_nums n = { .n = 0 };
		const char *cells[8];

		cli_examples(g, examples, sizeof(examples));
		cells[0] = cli_num(&n, g->rows);
		cells[1] = g->code;
		cells[2] = g->what;
		cells[3] = cli_count128(&n, g->requests);
		cells[4] = cli_count128(&n, g->input_tokens);
		cells[5] = cli_count128(&n, g->output_tokens);
		cells[6] = examples;
		cells[7] = g->first_reason;
		rc = cli_table_add(tab, cells);
	}
	cli_table_print(tab, fp);
	cli_table_free(tab);
	cli_more(fp, shown, a->n_rejects);
	return rc;
}


static int cli_write_flags(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"flag", "rows", "requests", "cost USD", "first notes"
	};
	struct cli_table *tab = cli_table_new(5, headers, "lrrrl");
	char notes[3 * LLMCOST_NOTE_SIZE + 16];
	size_t i, j, shown = 0;
	int rc = 0;

	cli_heading(fp, "Pricing flags (priced rows whose price is "
		    "approximate, a fallback, a long-context tier, or "
		    "leaves unrated units out)");
	for (i = 0; i < CLI_N_FLAGS && rc == 0; i++) {
		const struct cli_flagged *f = &a->flags[i];
		struct cli_nums n = { .n = 0 };
		const char *cells[5];

		if (f->rows == 0)
			continue;
		notes[0] = '\0';
		for (j = 0; j < f->n_notes; j++)
			snprintf(notes + strlen(notes), sizeof(notes) -
				 strlen(notes), "%s%s", j ? " | " : "",
				 f->notes[j]);
		cells[0] = f->name;
		cells[1] = cli_num(&n, f->rows);
		cells[2] = cli_num(&n, f->requests);
		cells[3] = cli_usd(&n, f->cost, CLI_COST_DECIMALS);
		cells[4] = notes;
		rc = cli_table_add(tab, cells);
		shown++;
	}
	if (shown == 0)
		fputs("  none\n", fp);
	else
		cli_table_print(tab, fp);
	cli_table_free(tab);
	return rc;
}


static int cli_write_diags(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"file", "key", "field", "message"
	};
	size_t i, n = llmcost_prices_diag_count(a->prices);
	size_t shown = cli_shown(a, n);
	const char *cells[4], *file;
	struct cli_table *tab;
	int rc = 0;

	cli_heading(fp, "Price table diagnostics (entries or rates skipped "
		    "while loading)");
	if (n == 0) {
		fputs("  none\n", fp);
		return 0;
	}
	tab = cli_table_new(4, headers, "llll");
	for (i = 0; i < shown && rc == 0; i++) {
		if (llmcost_prices_diag(a->prices, i, &cells[1], &cells[2],
					&cells[3]) != LLMCOST_OK)
			continue;
		file = cli_diag_file(a->opts, i);
		cells[0] = file ? file : "(default book)";
		rc = cli_table_add(tab, cells);
	}
	cli_table_print(tab, fp);
	cli_table_free(tab);
	cli_more(fp, shown, n);
	return rc;
}


static const char *cli_difference(struct cli_nums *n, lc_i128 ours,
				  lc_i128 reported)
{
	lc_i128 d;

	if (__builtin_sub_overflow(ours, reported, &d))
		return "overflow";
	return cli_usd(n, d, CLI_UNIT_DECIMALS);
}


static int cli_recon_row(struct cli_table *tab, const char *model,
			 const struct cli_recon_sum *sum, const char *explain)
{
	struct cli_nums n = { .n = 0 };
	const char *cells[6];

	cells[0] = model;
	cells[1] = cli_num(&n, sum->rows);
	cells[2] = cli_usd(&n, sum->ours, CLI_UNIT_DECIMALS);
	cells[3] = cli_usd(&n, sum->reported, CLI_UNIT_DECIMALS);
	cells[4] = cli_difference(&n, sum->ours, sum->reported);
	cells[5] = explain;
	return cli_table_add(tab, cells);
}


/* The rows past --limit as one "(N more)" row, then the total. */
static int cli_recon_tail(const struct cli_audit *a, struct cli_table *tab,
			  size_t shown)
{
	struct cli_recon_sum sum;
	char label[64];
	int rc;

	if (shown < a->n_recon) {
		if (cli_recon_sum(a, shown, a->n_recon, &sum))
			return -1;
		snprintf(label, sizeof(label), "(%zu more)",
			 a->n_recon - shown);
		rc = cli_recon_row(tab, label, &sum, "");
		if (rc)
			return rc;
	}
	if (cli_recon_sum(a, 0, a->n_recon, &sum))
		return -1;
	return cli_recon_row(tab, "total", &sum, "");
}


static int cli_write_recon(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"model", "rows", "ours USD", "reported USD",
		"ours - reported", "explanation"
	};
	struct cli_table *tab;
	struct cli_recon_sum one;
	size_t i, shown = cli_shown(a, a->n_recon);
	char explain[2048];
	int rc = 0;

	if (!a->has_reported)
		return 0;
	cli_heading(fp, "Reconciliation: our cost against reported_cost_usd "
		    "(a row agrees when within $0.000000001)");
	fputs("  reported_cost_usd read from '", fp);
	cli_text_put(fp, a->opts->paths[CLI_F_REPORTED_COST]);
	fputs("'\n", fp);
	tab = cli_table_new(6, headers, "lrrrrl");
	for (i = 0; i < shown && rc == 0; i++) {
		const struct cli_recon *r = &a->recon[i];

		cli_recon_explain(r, explain, sizeof(explain));
		one.rows = r->rows;
		one.ours = r->ours;
		one.reported = r->reported;
		rc = cli_recon_row(tab, cli_key(r->model), &one, explain);
	}
	if (rc == 0)
		rc = cli_recon_tail(a, tab, shown);
	cli_table_print(tab, fp);
	cli_table_free(tab);
	return rc;
}


/* The totals and the views: the audit's, not the gaps command's. */
static int cli_write_views(const struct cli_audit *a, FILE *fp)
{
	int rc;

	cli_write_totals(a, fp);
	rc = 0;
	if (a->snap != NULL)
		cli_snap_text_absent(fp, "Pricing flags");
	else
		rc = cli_write_flags(a, fp);
	if (rc == 0)
		rc = cli_write_dim(a, fp, "Cost by team", "team", &a->team);
	if (rc == 0)
		rc = cli_write_dim(a, fp, "Cost by user", "user", &a->user);
	if (rc == 0)
		rc = cli_write_dim(a, fp, "Cost by feature", "feature",
				   &a->feature);
	if (rc == 0)
		rc = cli_write_dim(a, fp, "Cost by model", "model",
				   &a->model);
	if (rc == 0)
		rc = cli_write_dim(a, fp, "Cost by day (UTC)", "day",
				   &a->day);
	if (rc == 0)
		rc = cli_write_top_users(a, fp);
	return rc;
}


/* From snapshots: the views, and a note for each section of the rows. */
static int cli_audit_snap_text(const struct cli_audit *a, FILE *fp)
{
	static const char *const absent[] = {
		"Attribution gaps", "Unmapped tag values", "Duplicates",
		"Unpriced models (by model: see the unpriced column above)",
		"Rejected rows",
		"Price table diagnostics", "Reconciliation with a logged cost"
	};
	size_t i;
	int rc;

	fprintf(fp, "llmcost audit: %zu snapshot%s\n", a->opts->n_files,
		a->opts->n_files == 1 ? "" : "s");
	fputs("prices: as each snapshot was priced when it was made\n", fp);
	fprintf(fp, "Costs in USD are rounded for display; exact totals in "
		"--format json (costs to %d decimals, per request to %d).\n",
		CLI_COST_DECIMALS, CLI_UNIT_DECIMALS);
	cli_snap_text_head(a, fp);
	rc = cli_write_views(a, fp);
	if (rc == 0)
		rc = cli_snap_text_heavy(a, fp);
	for (i = 0; i < LC_ARRAY_LEN(absent) && rc == 0; i++)
		cli_snap_text_absent(fp, absent[i]);
	if (rc != 0) {
		cli_error("writing the audit failed: out of memory");
		return CLI_EXIT_IO;
	}
	return CLI_EXIT_OK;
}


int cli_audit_text(const struct cli_audit *a, FILE *fp)
{
	int gaps = a->opts->command == CLI_CMD_GAPS;
	int rc;

	if (a->snap != NULL)
		return cli_audit_snap_text(a, fp);
	fprintf(fp, "llmcost %s: %zu input file%s\n", gaps ? "gaps" : "audit",
		a->opts->n_files, a->opts->n_files == 1 ? "" : "s");
	cli_write_prices(a, fp);
	fprintf(fp, "Costs in USD are rounded for display; exact totals in "
		"--format json (costs to %d decimals, per request to %d).\n",
		CLI_COST_DECIMALS, CLI_UNIT_DECIMALS);
	cli_write_accounting(a, fp);
	rc = gaps ? 0 : cli_write_views(a, fp);
	if (rc == 0)
		rc = cli_gaps_text(a, fp);
	if (rc == 0)
		rc = cli_write_unpriced(a, fp);
	if (rc == 0)
		rc = cli_write_rejects(a, fp);
	if (rc == 0 && !gaps)
		rc = cli_write_diags(a, fp);
	if (rc == 0 && !gaps)
		rc = cli_write_recon(a, fp);
	if (rc != 0) {
		cli_error("writing the audit failed: out of memory");
		return CLI_EXIT_IO;
	}
	return CLI_EXIT_OK;
}
