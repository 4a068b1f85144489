/*
 * audit_text.c - the audit as tables for a terminal.
 *
 * Costs are rounded here, and only here, for reading: four decimals for
 * costs, six for cost per request.  The JSON output carries the exact
 * values.
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


static void cli_write_prices(const struct cli_audit *a, FILE *fp)
{
	const struct cli_opts *o = a->opts;
	char day[40];
	size_t i;

	fputs("prices: ", fp);
	if (o->n_prices == 0)
		fputs("the price book compiled into the library", fp);
	for (i = 0; i < o->n_prices; i++) {
		fprintf(fp, "%s%s", i ? ", " : "", o->prices[i].path);
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
	for (i = 0; i < o->wheres.n; i++)
		fprintf(fp, " %s=%s", o->wheres.v[i].key,
			o->wheres.v[i].value);
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
	fprintf(fp, "  requests       %10ld  = priced %ld + unpriced %ld + "
		"rejected %ld\n", c->rows, c->priced, c->unpriced,
		c->rejected);
	if (a->first_ms != LLMCOST_TIME_UNKNOWN) {
		lc_time_format(a->first_ms, first, sizeof(first));
		lc_time_format(a->last_ms, last, sizeof(last));
		fprintf(fp, "  period         %s .. %s (UTC)\n", first, last);
	}
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

	cli_heading(fp, "Totals (rejected rows excluded; cost of priced "
		    "requests)");
	fprintf(fp, "  %-22s %20s  (priced %lld + unpriced %lld)\n",
		"requests", cli_num(&n, t->requests), (long long)t->priced,
		(long long)t->unpriced);
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		fprintf(fp, "  %-22s %20s\n", labels[i],
			cli_num(&n, t->tokens[i]));
	fprintf(fp, "  %-22s %20s\n", "cost USD",
		cli_usd(&n, t->total, CLI_COST_DECIMALS));
	for (i = 0; i < LLMCOST_C_COUNT; i++) {
		char label[40];

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


/* Sums the rows past the limit into one "other" row. */
static void cli_rest(const struct cli_view *v, size_t from,
		     struct cli_stat *rest)
{
	size_t i, k;

	memset(rest, 0, sizeof(*rest));
	for (i = from; i < v->n; i++) {
		const struct cli_stat *s = &v->v[i];

		rest->requests += s->requests;
		rest->priced += s->priced;
		rest->unpriced += s->unpriced;
		for (k = 0; k < LLMCOST_T_COUNT; k++)
			rest->tokens[k] += s->tokens[k];
		rest->total += s->total;
	}
}


static int cli_write_dim(const struct cli_audit *a, FILE *fp,
			 const char *title, const char *what,
			 const struct cli_view *v)
{
	const char *headers[8];
	struct cli_table *tab;
	struct cli_stat rest;
	size_t i, shown = v->n;
	char label[64];
	int rc = 0;

	memcpy(headers, cli_dim_headers, sizeof(headers));
	headers[0] = what;
	if (a->opts->limit > 0 && (size_t)a->opts->limit < v->n)
		shown = (size_t)a->opts->limit;
	tab = cli_table_new(8, headers, "lrrrrrrr");
	for (i = 0; i < shown && rc == 0; i++)
		rc = cli_dim_row(tab, &v->v[i], cli_key(v->v[i].key),
				 a->total.total);
	if (shown < v->n && rc == 0) {
		cli_rest(v, shown, &rest);
		snprintf(label, sizeof(label), "(%zu more)", v->n - shown);
		rc = cli_dim_row(tab, &rest, label, a->total.total);
	}
	if (rc == 0)
		rc = cli_dim_row(tab, &a->total, "total", a->total.total);
	cli_heading(fp, title);
	cli_table_print(tab, fp);
	cli_table_free(tab);
	return rc;
}


/* "2.40x": user's input tokens per request against the team median. */
static const char *cli_vs_median(struct cli_nums *n, const struct cli_stat *s)
{
	char *b = n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];
	int64_t mine = s->requests ? s->tokens[LLMCOST_T_INPUT] / s->requests
				   : 0;
	lc_i128 r;

	if (s->median_input <= 0) {
		snprintf(b, sizeof(n->buf[0]), "-");
		return b;
	}
	r = ((lc_i128)mine * 100 + s->median_input / 2) / s->median_input;
	snprintf(b, sizeof(n->buf[0]), "%lld.%02lldx", (long long)(r / 100),
		 (long long)(r % 100));
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
		cells[4] = cli_num(&n, s->requests ?
				   s->tokens[LLMCOST_T_INPUT] / s->requests :
				   0);
		cells[5] = cli_num(&n, s->median_input);
		cells[6] = cli_vs_median(&n, s);
		rc = cli_table_add(tab, cells);
	}
	cli_heading(fp, "Top 10 users by cost (prompt size: input tokens "
		    "per request against the team's median user)");
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
	size_t i;
	int rc = 0;

	cli_heading(fp, "Unpriced models (counted in requests and tokens, "
		    "never as $0)");
	if (a->n_unpriced == 0) {
		fputs("  none\n", fp);
		return 0;
	}
	tab = cli_table_new(6, headers, "lrrrll");
	for (i = 0; i < a->n_unpriced && rc == 0; i++) {
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
		"rows", "code", "what", "first lines", "first reason"
	};
	struct cli_table *tab;
	char examples[3 * CLI_SOURCE_SIZE];
	size_t i;
	int rc = 0;

	cli_heading(fp, "Rejected rows (skipped from every total)");
	if (a->n_rejects == 0) {
		fputs("  none\n", fp);
		return 0;
	}
	tab = cli_table_new(5, headers, "rllll");
	for (i = 0; i < a->n_rejects && rc == 0; i++) {
		const struct cli_rejects *g = &a->rejects[i];
		struct cli_nums n = { .n = 0 };
		const char *cells[5];

		cli_examples(g, examples, sizeof(examples));
		cells[0] = cli_num(&n, g->rows);
		cells[1] = g->code;
		cells[2] = g->what;
		cells[3] = examples;
		cells[4] = g->first_reason;
		rc = cli_table_add(tab, cells);
	}
	cli_table_print(tab, fp);
	cli_table_free(tab);
	return rc;
}


static int cli_recon_row(struct cli_table *tab, const char *model,
			 int64_t rows, lc_i128 ours, lc_i128 reported,
			 const char *explain)
{
	struct cli_nums n = { .n = 0 };
	const char *cells[6];

	cells[0] = model;
	cells[1] = cli_num(&n, rows);
	cells[2] = cli_usd(&n, ours, CLI_UNIT_DECIMALS);
	cells[3] = cli_usd(&n, reported, CLI_UNIT_DECIMALS);
	cells[4] = cli_usd(&n, ours - reported, CLI_UNIT_DECIMALS);
	cells[5] = explain;
	return cli_table_add(tab, cells);
}


static int cli_write_recon(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"model", "requests", "ours USD", "reported USD",
		"ours - reported", "explanation"
	};
	struct cli_table *tab;
	lc_i128 ours = 0, reported = 0;
	int64_t rows = 0;
	char explain[1024];
	size_t i;
	int rc = 0;

	if (!a->has_reported)
		return 0;
	cli_heading(fp, "Reconciliation: our cost against reported_cost_usd "
		    "(a request agrees when within $0.000000001)");
	fprintf(fp, "  reported_cost_usd read from '%s'\n",
		a->opts->paths[CLI_F_REPORTED_COST]);
	tab = cli_table_new(6, headers, "lrrrrl");
	for (i = 0; i < a->n_recon && rc == 0; i++) {
		const struct cli_recon *r = &a->recon[i];

		cli_recon_explain(r, explain, sizeof(explain));
		rc = cli_recon_row(tab, cli_key(r->model), r->rows, r->ours,
				   r->reported, explain);
		rows += r->rows;
		ours += r->ours;
		reported += r->reported;
	}
	if (rc == 0)
		rc = cli_recon_row(tab, "total", rows, ours, reported, "");
	cli_table_print(tab, fp);
	cli_table_free(tab);
	return rc;
}


int cli_audit_text(const struct cli_audit *a, FILE *fp)
{
	int rc;

	fprintf(fp, "llmcost audit: %zu input file%s\n", a->opts->n_files,
		a->opts->n_files == 1 ? "" : "s");
	cli_write_prices(a, fp);
	fprintf(fp, "Costs in USD are rounded for display; exact totals in "
		"--format json (costs to %d decimals, per request to %d).\n",
		CLI_COST_DECIMALS, CLI_UNIT_DECIMALS);
	cli_write_accounting(a, fp);
	cli_write_totals(a, fp);
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
		rc = cli_write_top_users(a, fp);
	if (rc == 0)
		rc = cli_write_unpriced(a, fp);
	if (rc == 0)
		rc = cli_write_rejects(a, fp);
	if (rc == 0)
		rc = cli_write_recon(a, fp);
	if (rc != 0) {
		cli_error("out of memory while writing the audit");
		return CLI_EXIT_IO;
	}
	return CLI_EXIT_OK;
}
