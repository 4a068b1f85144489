/*
 * focus_out.c - FOCUS rows as CSV text.
 *
 * Each row's unit prices and quantity are printed as exact decimals.  Of
 * the pricing units "Tokens", "1000 Tokens", "1000000 Tokens", ... the
 * first (in an order that starts with the unit price lists use) under
 * which both ListUnitPrice x PricingQuantity == ListCost and
 * ContractedUnitPrice x PricingQuantity == ContractedCost hold in binary64
 * is used.  If none does, the row is split by the binary digits of its
 * units: a quantity that is a power of two scales a binary64 exactly, so
 * every part holds.  Sums stay exact whatever the split.
 */
#include <stdlib.h>
#include <string.h>

#include "focus.h"

/* Powers of ten tried for the pricing unit, in order. */
static const int cli_scales_tokens[] = {
	6, 3, 0, 9, 12, 4, 5, 7, 8, 2, 1, 10, 11
};
static const int cli_scales_calls[] = {
	3, 0, 6, 2, 1, 4, 5, 9, 7, 8, 12, 10, 11
};

struct cli_provider_name {
	const char *id;		/* as logged or in the price table */
	int prefix;		/* matches ids starting with it */
	const char *provider;	/* ProviderName, PublisherName, issuer */
	const char *service;	/* ServiceName */
};

static const struct cli_provider_name cli_providers[] = {
	{ "openai", 0, "OpenAI", "OpenAI API" },
	{ "text-completion-openai", 0, "OpenAI", "OpenAI API" },
	{ "azure_ai", 0, "Microsoft", "Azure AI Foundry" },
	{ "azure", 0, "Microsoft", "Azure OpenAI" },
	{ "anthropic", 0, "Anthropic", "Claude API" },
	{ "gemini", 0, "Google", "Gemini API" },
	{ "vertex_ai", 1, "Google", "Vertex AI" },
	{ "bedrock", 1, "Amazon Web Services", "Amazon Bedrock" },
	{ "mistral", 0, "Mistral AI", "Mistral AI API" },
	{ "cohere", 1, "Cohere", "Cohere API" },
	{ "groq", 0, "Groq", "GroqCloud" },
	{ "deepseek", 0, "DeepSeek", "DeepSeek API" },
	{ "xai", 0, "xAI", "xAI API" },
	{ "openrouter", 0, "OpenRouter", "OpenRouter" },
	{ "together_ai", 0, "Together AI", "Together AI API" },
	{ "fireworks_ai", 0, "Fireworks AI", "Fireworks AI API" },
	{ "perplexity", 0, "Perplexity", "Perplexity API" },
};

/* Column numbers, in the order of focus_like.c's table. */
enum {
	FC_BILLED_COST, FC_ACCOUNT_ID, FC_ACCOUNT_NAME, FC_CURRENCY,
	FC_BILLING_END, FC_BILLING_START, FC_CHARGE_CATEGORY,
	FC_CHARGE_CLASS, FC_CHARGE_DESCRIPTION, FC_CHARGE_FREQUENCY,
	FC_CHARGE_END, FC_CHARGE_START, FC_COMMITMENT_STATUS,
	FC_CONSUMED_QUANTITY,
	FC_CONSUMED_UNIT, FC_CONTRACTED_COST, FC_CONTRACTED_PRICE,
	FC_EFFECTIVE_COST, FC_INVOICE_ID, FC_INVOICE_ISSUER, FC_LIST_COST,
	FC_LIST_PRICE, FC_PRICING_CATEGORY, FC_PRICING_CURRENCY,
	FC_PC_CONTRACTED_PRICE, FC_PC_EFFECTIVE_COST, FC_PC_LIST_PRICE,
	FC_PRICING_QUANTITY,
	FC_PRICING_UNIT, FC_PROVIDER, FC_PUBLISHER, FC_REGION_ID,
	FC_REGION_NAME, FC_SERVICE_CATEGORY, FC_SERVICE_NAME,
	FC_SERVICE_SUBCATEGORY, FC_SKU_ID, FC_SKU_METER,
	FC_SKU_PRICE_DETAILS, FC_SKU_PRICE_ID, FC_SUB_ACCOUNT_ID,
	FC_SUB_ACCOUNT_NAME, FC_TAGS, FC_X_PROVIDER, FC_X_MODEL,
	FC_X_PRICE_KEY, FC_X_TOKEN_TYPE, FC_X_SERVICE_TIER,
	FC_X_LONG_CONTEXT, FC_X_VALID_FROM, FC_X_REQUESTS, FC_COUNT
};

/* One printed line: a row, or a part of a split row. */
struct cli_fline {
	const struct cli_frow *row;
	int scale;		/* pricing unit 10^scale units */
	int block;		/* one block of all the row's units */
	int64_t units;		/* units of this line */
	int64_t requests;
	lc_i128 list;
	lc_i128 contracted;
	lc_i128 effective;
};

/* The text of each column of one line, in a scratch buffer. */
struct cli_fcells {
	struct cli_buf text;
	size_t off[FC_COUNT];
	size_t len[FC_COUNT];
	int set[FC_COUNT];
};

struct cli_fwriter {
	const struct cli_focus *f;
	struct cli_fstyle style;
	int *map;		/* output column -> FC_*, or -1 */
	struct cli_fcells cells;
	struct cli_buf out;
	FILE *fp;
	long lines;
	long split_rows;
	long block_rows;
};


/* ---- names ---------------------------------------------------------- */

static const struct cli_provider_name *cli_provider_lookup(const char *id)
{
	size_t i, n;

	for (i = 0; i < LC_ARRAY_LEN(cli_providers); i++) {
		n = strlen(cli_providers[i].id);
		if (cli_providers[i].prefix ? strncasecmp(id,
							 cli_providers[i].id,
							 n) == 0 :
		    strcasecmp(id, cli_providers[i].id) == 0)
			return &cli_providers[i];
	}
	return NULL;
}


/* "Input Tokens", ... : what is metered. */
static const char *cli_meter_name(int c)
{
	static const char *const names[LLMCOST_C_COUNT] = {
		"Input Tokens", "Cached Input Tokens",
		"Cache Write Tokens (5 minutes)",
		"Cache Write Tokens (1 hour)", "Output Tokens",
		"Reasoning Tokens", "Audio Input Tokens",
		"Image Input Tokens", "Video Input Tokens",
		"Audio Output Tokens", "Image Output Tokens", "Requests",
		"Web Search Calls", "File Search Calls"
	};

	return c >= 0 && c < LLMCOST_C_COUNT ? names[c] : "Units";
}


/* The unit of a component's quantity: "Tokens", "Requests", "Calls". */
static const char *cli_unit_word(int c)
{
	if (c == LLMCOST_C_REQUEST)
		return "Requests";
	if (c == LLMCOST_C_WEB_SEARCH || c == LLMCOST_C_FILE_SEARCH)
		return "Calls";
	return "Tokens";
}


/* ---- cells ---------------------------------------------------------- */

static void cli_cell_begin(struct cli_fcells *c, int col)
{
	c->off[col] = c->text.len;
	c->set[col] = 1;
}


static void cli_cell_end(struct cli_fcells *c, int col)
{
	c->len[col] = c->text.len - c->off[col];
}


static void cli_cell_str(struct cli_fcells *c, int col, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	cli_cell_begin(c, col);
	cli_buf_puts(&c->text, s);
	cli_cell_end(c, col);
}


/* An exact decimal v / 10^scale. */
static void cli_cell_dec(struct cli_fcells *c, int col, lc_i128 v,
			 int scale)
{
	char buf[96];

	if (lc_i128_format_scaled(v, scale, buf, sizeof(buf)) < 0)
		return;
	cli_cell_str(c, col, buf);
}


static void cli_cell_int(struct cli_fcells *c, int col, int64_t v)
{
	cli_cell_begin(c, col);
	cli_buf_int(&c->text, v);
	cli_cell_end(c, col);
}


static void cli_cell_time(struct cli_fcells *c, int col, int64_t ms)
{
	char buf[40];

	if (cli_time_text(ms, buf, sizeof(buf)) <= 0)
		return;
	cli_cell_str(c, col, buf);
}


/* ---- one line's cells ------------------------------------------------ */

/* Start of the UTC month holding ms, and of the next. */
static void cli_month_bounds(int64_t ms, int64_t *start, int64_t *end)
{
	int64_t day = lc_time_day_start(ms) / 86400000, y;
	unsigned m, d;

	lc_civil_from_days(day, &y, &m, &d);
	*start = lc_days_from_civil(y, m, 1) * 86400000;
	*end = (m == 12 ? lc_days_from_civil(y + 1, 1, 1) :
			  lc_days_from_civil(y, m + 1, 1)) * 86400000;
}


static void cli_cells_times(struct cli_fcells *c, const struct cli_focus *f,
			    const struct cli_frow *r)
{
	int64_t start, end;

	cli_month_bounds(r->period_ms, &start, &end);
	cli_cell_time(c, FC_BILLING_START, start);
	cli_cell_time(c, FC_BILLING_END, end);
	cli_cell_time(c, FC_CHARGE_START, r->period_ms);
	cli_cell_time(c, FC_CHARGE_END, r->period_ms +
		      (f->hourly ? 3600000 : 86400000));
}


/* A provisional invoice id: the provider's invoice to the billing
 * account for the month, "openai:default:2025-10". */
static void cli_cell_invoice(struct cli_fcells *c, const char *provider,
			     const char *account, int64_t period_ms)
{
	char month[40];

	if (cli_time_text(period_ms, month, sizeof(month)) < 7)
		return;
	month[7] = '\0';
	cli_cell_begin(c, FC_INVOICE_ID);
	cli_buf_puts(&c->text, provider);
	cli_buf_putc(&c->text, ':');
	cli_buf_puts(&c->text, account);
	cli_buf_putc(&c->text, ':');
	cli_buf_puts(&c->text, month);
	cli_cell_end(c, FC_INVOICE_ID);
}


static void cli_cells_names(struct cli_fcells *c, const struct cli_focus *f,
			    const struct cli_frow *r)
{
	const char *id = r->dim[CLI_FDIM_PROVIDER];
	const struct cli_provider_name *p = cli_provider_lookup(id);
	const char *account = f->o->billing_account ?
			      f->o->billing_account : "default";

	cli_cell_str(c, FC_ACCOUNT_ID, account);
	cli_cell_str(c, FC_ACCOUNT_NAME, account);
	cli_cell_str(c, FC_CURRENCY, "USD");
	cli_cell_str(c, FC_PRICING_CURRENCY, "USD");
	cli_cell_str(c, FC_CHARGE_CATEGORY, "Usage");
	cli_cell_str(c, FC_CHARGE_FREQUENCY, "Usage-Based");
	cli_cell_str(c, FC_PRICING_CATEGORY, "Standard");
	cli_cell_str(c, FC_SERVICE_CATEGORY, "AI and Machine Learning");
	cli_cell_str(c, FC_SERVICE_SUBCATEGORY, "Generative AI");
	cli_cell_str(c, FC_PROVIDER, p ? p->provider : id);
	cli_cell_str(c, FC_PUBLISHER, p ? p->provider : id);
	cli_cell_str(c, FC_INVOICE_ISSUER, p ? p->provider : id);
	cli_cell_begin(c, FC_SERVICE_NAME);
	if (p != NULL) {
		cli_buf_puts(&c->text, p->service);
	} else {
		cli_buf_puts(&c->text, id);
		cli_buf_puts(&c->text, " API");
	}
	cli_cell_end(c, FC_SERVICE_NAME);
	cli_cell_str(c, FC_REGION_ID, r->dim[CLI_FDIM_REGION]);
	cli_cell_str(c, FC_REGION_NAME, r->dim[CLI_FDIM_REGION]);
	cli_cell_str(c, FC_SUB_ACCOUNT_ID, r->dim[CLI_FDIM_TEAM]);
	cli_cell_str(c, FC_SUB_ACCOUNT_NAME, r->dim[CLI_FDIM_TEAM]);
	cli_cell_invoice(c, id, account, r->period_ms);
}


/* "gpt-4o:input" and "gpt-4o:input:standard:base:2024-10-01". */
static void cli_cells_sku(struct cli_fcells *c, const struct cli_frow *r)
{
	const char *key = r->dim[CLI_FDIM_PRICE_KEY] ?
			  r->dim[CLI_FDIM_PRICE_KEY] : "unknown";
	const char *comp = llmcost_component_name(r->component);
	char day[40];

	cli_cell_begin(c, FC_SKU_ID);
	cli_buf_puts(&c->text, key);
	cli_buf_putc(&c->text, ':');
	cli_buf_puts(&c->text, comp);
	cli_cell_end(c, FC_SKU_ID);
	cli_cell_begin(c, FC_SKU_PRICE_ID);
	cli_buf_puts(&c->text, key);
	cli_buf_putc(&c->text, ':');
	cli_buf_puts(&c->text, comp);
	cli_buf_putc(&c->text, ':');
	cli_buf_puts(&c->text, llmcost_service_tier_name(r->tier));
	if (r->lc_threshold > 0) {
		cli_buf_puts(&c->text, ":above-");
		cli_buf_int(&c->text, r->lc_threshold);
	} else {
		cli_buf_puts(&c->text, ":base");
	}
	cli_buf_putc(&c->text, ':');
	if (r->valid_from_ms != LLMCOST_TIME_UNKNOWN &&
	    cli_time_text(r->valid_from_ms, day, sizeof(day)) >= 10) {
		day[10] = '\0';
		cli_buf_puts(&c->text, day);
	} else {
		cli_buf_puts(&c->text, "undated");
	}
	cli_cell_end(c, FC_SKU_PRICE_ID);
	cli_cell_str(c, FC_SKU_METER, cli_meter_name(r->component));
}


static void cli_json_pair(struct cli_buf *b, int *n, int spaced,
			  const char *k, const char *v)
{
	if (v == NULL)
		return;
	if ((*n)++ > 0)
		cli_buf_puts(b, spaced ? ", " : ",");
	cli_buf_json_str(b, k);
	cli_buf_puts(b, spaced ? ": " : ":");
	cli_buf_json_str(b, v);
}


static void cli_cells_json(struct cli_fcells *c, const struct cli_fstyle *s,
			   const struct cli_frow *r)
{
	static const struct {
		const char *key;
		int dim;
	} tags[] = {
		{ "team", CLI_FDIM_TEAM }, { "user", CLI_FDIM_USER },
		{ "tenant", CLI_FDIM_TENANT },
		{ "feature", CLI_FDIM_FEATURE },
		{ "environment", CLI_FDIM_ENVIRONMENT },
	};
	size_t i;
	int n = 0;

	cli_cell_begin(c, FC_TAGS);
	cli_buf_putc(&c->text, '{');
	for (i = 0; i < LC_ARRAY_LEN(tags); i++)
		cli_json_pair(&c->text, &n, s->json_spaced, tags[i].key,
			      r->dim[tags[i].dim]);
	cli_buf_putc(&c->text, '}');
	cli_cell_end(c, FC_TAGS);
	if (n == 0)
		c->set[FC_TAGS] = 0;
	n = 0;
	cli_cell_begin(c, FC_SKU_PRICE_DETAILS);
	cli_buf_putc(&c->text, '{');
	cli_json_pair(&c->text, &n, s->json_spaced, "x_TokenType",
		      llmcost_component_name(r->component));
	cli_json_pair(&c->text, &n, s->json_spaced, "x_ServiceTier",
		      llmcost_service_tier_name(r->tier));
	cli_json_pair(&c->text, &n, s->json_spaced, "x_ContextTier",
		      r->lc_threshold > 0 ? "long" : "base");
	cli_buf_putc(&c->text, '}');
	cli_cell_end(c, FC_SKU_PRICE_DETAILS);
}


/* "10^scale Units" as FOCUS's unit format writes it: "1000000 Tokens". */
static void cli_unit_text(struct cli_buf *b, const struct cli_fline *l)
{
	char num[48];

	if (l->block) {
		cli_buf_int(b, l->units);
		cli_buf_putc(b, ' ');
	} else if (l->scale > 0) {
		lc_i128_format(cli_pow10(l->scale), num, sizeof(num));
		cli_buf_puts(b, num);
		cli_buf_putc(b, ' ');
	}
	cli_buf_puts(b, cli_unit_word(l->row->component));
}


/* The list (or contracted) unit price of a line: per 10^scale units, or
 * for the whole block. */
static lc_i128 cli_line_price(const struct cli_fline *l, int contracted)
{
	if (l->block)
		return contracted ? l->contracted : l->list;
	return (contracted ? l->row->contracted_rate : l->row->list_rate) *
	       cli_pow10(l->scale);
}


static void cli_cells_money(struct cli_fcells *c, const struct cli_fline *l)
{
	const int ps = LLMCOST_MONEY_DIGITS;

	cli_cell_dec(c, FC_BILLED_COST, l->effective, LLMCOST_MONEY_DIGITS);
	cli_cell_dec(c, FC_EFFECTIVE_COST, l->effective,
		     LLMCOST_MONEY_DIGITS);
	cli_cell_dec(c, FC_LIST_COST, l->list, LLMCOST_MONEY_DIGITS);
	cli_cell_dec(c, FC_CONTRACTED_COST, l->contracted,
		     LLMCOST_MONEY_DIGITS);
	cli_cell_dec(c, FC_LIST_PRICE, cli_line_price(l, 0), ps);
	cli_cell_dec(c, FC_CONTRACTED_PRICE, cli_line_price(l, 1), ps);
	cli_cell_dec(c, FC_PC_LIST_PRICE, cli_line_price(l, 0), ps);
	cli_cell_dec(c, FC_PC_CONTRACTED_PRICE, cli_line_price(l, 1), ps);
	cli_cell_dec(c, FC_PC_EFFECTIVE_COST, l->effective, ps);
	if (l->block)
		cli_cell_int(c, FC_PRICING_QUANTITY, 1);
	else
		cli_cell_dec(c, FC_PRICING_QUANTITY, l->units, l->scale);
	cli_cell_begin(c, FC_PRICING_UNIT);
	cli_unit_text(&c->text, l);
	cli_cell_end(c, FC_PRICING_UNIT);
	cli_cell_int(c, FC_CONSUMED_QUANTITY, l->units);
	cli_cell_str(c, FC_CONSUMED_UNIT, cli_unit_word(l->row->component));
}


static void cli_cells_description(struct cli_fcells *c,
				  const struct cli_fline *l)
{
	const struct cli_frow *r = l->row;
	size_t p = c->off[FC_LIST_PRICE], n = c->len[FC_LIST_PRICE];

	cli_cell_begin(c, FC_CHARGE_DESCRIPTION);
	cli_buf_puts(&c->text, r->dim[CLI_FDIM_PRICE_KEY] ?
		     r->dim[CLI_FDIM_PRICE_KEY] : "unknown");
	cli_buf_puts(&c->text, ": ");
	cli_buf_puts(&c->text, cli_meter_name(r->component));
	if (r->tier != LLMCOST_TIER_STANDARD) {
		cli_buf_puts(&c->text, ", ");
		cli_buf_puts(&c->text, llmcost_service_tier_name(r->tier));
		cli_buf_puts(&c->text, " tier");
	}
	if (r->lc_threshold > 0) {
		cli_buf_puts(&c->text, ", prompts above ");
		cli_buf_int(&c->text, r->lc_threshold);
		cli_buf_puts(&c->text, " tokens");
	}
	cli_buf_puts(&c->text, " at ");
	if (!c->text.failed && p + n <= c->text.len) {
		/* the price text is earlier in the same buffer */
		if (cli_buf_room(&c->text, n) == 0) {
			memcpy(c->text.p + c->text.len, c->text.p + p, n);
			c->text.len += n;
		}
	}
	cli_buf_puts(&c->text, " USD per ");
	cli_unit_text(&c->text, l);
	cli_cell_end(c, FC_CHARGE_DESCRIPTION);
}


static void cli_cells_extra(struct cli_fcells *c, const struct cli_fline *l)
{
	const struct cli_frow *r = l->row;

	cli_cell_str(c, FC_X_PROVIDER, r->dim[CLI_FDIM_PROVIDER]);
	cli_cell_str(c, FC_X_MODEL, r->dim[CLI_FDIM_MODEL]);
	cli_cell_str(c, FC_X_PRICE_KEY, r->dim[CLI_FDIM_PRICE_KEY]);
	cli_cell_str(c, FC_X_TOKEN_TYPE,
		     llmcost_component_name(r->component));
	cli_cell_str(c, FC_X_SERVICE_TIER,
		     llmcost_service_tier_name(r->tier));
	if (r->lc_threshold > 0)
		cli_cell_int(c, FC_X_LONG_CONTEXT, r->lc_threshold);
	if (r->valid_from_ms != LLMCOST_TIME_UNKNOWN)
		cli_cell_time(c, FC_X_VALID_FROM, r->valid_from_ms);
	cli_cell_int(c, FC_X_REQUESTS, l->requests);
}


static void cli_cells_fill(struct cli_fwriter *w, const struct cli_fline *l)
{
	struct cli_fcells *c = &w->cells;

	c->text.len = 0;
	memset(c->set, 0, sizeof(c->set));
	cli_cells_times(c, w->f, l->row);
	cli_cells_names(c, w->f, l->row);
	cli_cells_sku(c, l->row);
	cli_cells_json(c, &w->style, l->row);
	cli_cells_money(c, l);
	cli_cells_description(c, l);
	cli_cells_extra(c, l);
}


/* ---- writing a line ------------------------------------------------ */

static int cli_needs_quotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n')
			return 1;
	return 0;
}


static void cli_put_quoted(struct cli_buf *b, const char *s, size_t n)
{
	size_t i;

	cli_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			cli_buf_putc(b, '"');
		cli_buf_putc(b, s[i]);
	}
	cli_buf_putc(b, '"');
}


/* "2024-09-01T00:00:00Z" in the sample's shape. */
static void cli_put_time(struct cli_buf *b, const struct cli_fstyle *s,
			 const char *t, size_t n, int quoted)
{
	char buf[40];

	if (n < 20 || n >= sizeof(buf)) {
		cli_buf_put(b, t, n);
		return;
	}
	memcpy(buf, t, n);
	buf[n] = '\0';
	if (s->time_space) {
		buf[10] = ' ';
		buf[19] = '\0';
	} else if (!s->time_zulu) {
		buf[19] = '\0';
	}
	if (quoted)
		cli_put_quoted(b, buf, strlen(buf));
	else
		cli_buf_puts(b, buf);
}


/* A number padded with zeros to the sample's decimals. */
static void cli_put_number(struct cli_buf *b, const char *t, size_t n,
			   int decimals)
{
	const char *dot = memchr(t, '.', n);
	int have = dot ? (int)(t + n - dot - 1) : 0;

	cli_buf_put(b, t, n);
	if (decimals <= have)
		return;
	if (dot == NULL)
		cli_buf_putc(b, '.');
	for (; have < decimals; have++)
		cli_buf_putc(b, '0');
}


static void cli_put_cell(struct cli_fwriter *w, size_t i)
{
	const struct cli_fcells *c = &w->cells;
	const struct cli_fstyle *s = &w->style;
	int col = w->map[i], q = s->quote[i];
	const char *t;
	size_t n;

	if (col < 0 || !c->set[col]) {
		cli_buf_puts(&w->out, s->null_text);
		return;
	}
	t = c->text.p + c->off[col];
	n = c->len[col];
	if (cli_fcol_kind(col) == CLI_FK_TIME) {
		cli_put_time(&w->out, s, t, n, q == 1 ||
			     (q < 0 && s->quote_header));
	} else if (cli_fcol_kind(col) == CLI_FK_NUMBER) {
		if (q == 1)
			cli_buf_putc(&w->out, '"');
		cli_put_number(&w->out, t, n, s->decimals[i]);
		if (q == 1)
			cli_buf_putc(&w->out, '"');
	} else if (q == 1 || (q < 0 && s->quote_header) ||
		   cli_needs_quotes(t, n)) {
		cli_put_quoted(&w->out, t, n);
	} else {
		cli_buf_put(&w->out, t, n);
	}
}


static int cli_put_line(struct cli_fwriter *w, const struct cli_fline *l)
{
	size_t i;

	cli_cells_fill(w, l);
	for (i = 0; i < w->style.ncolumns; i++) {
		if (i > 0)
			cli_buf_putc(&w->out, ',');
		cli_put_cell(w, i);
	}
	cli_buf_puts(&w->out, w->style.eol);
	w->lines++;
	if (w->cells.text.failed || w->out.failed) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	if (w->out.len > 65536 && cli_buf_flush(&w->out, w->fp) != 0)
		return CLI_EXIT_IO;
	return CLI_EXIT_OK;
}


static void cli_put_header(struct cli_fwriter *w)
{
	size_t i;
	const char *name;

	for (i = 0; i < w->style.ncolumns; i++) {
		name = w->style.columns[i];
		if (i > 0)
			cli_buf_putc(&w->out, ',');
		if (w->style.quote_header)
			cli_put_quoted(&w->out, name, strlen(name));
		else
			cli_buf_puts(&w->out, name);
	}
	cli_buf_puts(&w->out, w->style.eol);
}


/* ---- choosing how a row is printed ---------------------------------- */

/* Whether both products hold with the pricing unit 10^scale. */
static int cli_scale_holds(const struct cli_frow *r, int scale)
{
	lc_i128 p10 = cli_pow10(scale), lp, cp;
	const int d = LLMCOST_MONEY_DIGITS;

	if (lc_i128_mul(r->list_rate, p10, &lp) ||
	    lc_i128_mul(r->contracted_rate, p10, &cp))
		return 0;
	return cli_f64_product_holds(lp, d, r->units, scale, r->list, d) &&
	       cli_f64_product_holds(cp, d, r->units, scale, r->contracted,
				     d);
}


static int cli_pick_scale(const struct cli_frow *r)
{
	const int *order = cli_scales_tokens;
	size_t i, n = LC_ARRAY_LEN(cli_scales_tokens);

	if (strcmp(cli_unit_word(r->component), "Tokens") != 0) {
		order = cli_scales_calls;
		n = LC_ARRAY_LEN(cli_scales_calls);
	}
	for (i = 0; i < n; i++)
		if (cli_scale_holds(r, order[i]))
			return order[i];
	return -1;
}


/* The effective cost of 2^bit of the row's units: its share, floors
 * first, then one unit each to the largest remainders. */
static int cli_split_effective(const struct cli_frow *r, lc_i128 *share)
{
	lc_i128 rem[63], sum = 0, best;
	int b, pick;

	for (b = 0; b < 63; b++) {
		share[b] = 0;
		rem[b] = -1;
		if (!((r->units >> b) & 1))
			continue;
		if (cli_muldiv(r->effective, (lc_i128)1 << b, r->units,
			       &share[b], &rem[b]) != 0)
			return -1;
		sum += share[b];
	}
	while (sum < r->effective) {
		pick = 0;
		best = -1;
		for (b = 0; b < 63; b++)
			if (rem[b] > best) {
				best = rem[b];
				pick = b;
			}
		share[pick]++;
		rem[pick] = -1;
		sum++;
	}
	return 0;
}


/* A row no unit fits: one line per binary digit of its units, each at
 * the per-unit price ("Tokens"). */
static int cli_put_split(struct cli_fwriter *w, const struct cli_frow *r)
{
	struct cli_fline l;
	lc_i128 share[63];
	int b, rc = CLI_EXIT_OK, first = 1;

	if (r->effective < 0 || cli_split_effective(r, share) != 0) {
		cli_error("a FOCUS row's effective cost cannot be split");
		return CLI_EXIT_IO;
	}
	w->split_rows++;
	for (b = 0; b < 63 && rc == CLI_EXIT_OK; b++) {
		if (!((r->units >> b) & 1))
			continue;
		memset(&l, 0, sizeof(l));
		l.row = r;
		l.units = (int64_t)1 << b;
		l.requests = first ? r->requests : 0;
		l.list = r->list_rate << b;
		l.contracted = r->contracted_rate << b;
		l.effective = share[b];
		first = 0;
		rc = cli_put_line(w, &l);
	}
	return rc;
}


static int cli_put_row(struct cli_fwriter *w, const struct cli_frow *r)
{
	struct cli_fline l;

	if (r->units <= 0)
		return CLI_EXIT_OK;
	/* Every request counts a unit of the per-request fee; without a
	 * fee that is no charge. */
	if (r->component == LLMCOST_C_REQUEST && r->list == 0 &&
	    r->contracted == 0)
		return CLI_EXIT_OK;
	memset(&l, 0, sizeof(l));
	l.row = r;
	l.units = r->units;
	l.requests = r->requests;
	l.list = r->list;
	l.contracted = r->contracted;
	l.effective = r->effective;
	if (r->block) {
		l.block = 1;
		w->block_rows++;
		return cli_put_line(w, &l);
	}
	l.scale = cli_pick_scale(r);
	if (l.scale < 0)
		return cli_put_split(w, r);
	return cli_put_line(w, &l);
}


/* ---- order and the file --------------------------------------------- */

static int cli_str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}


#define CLI_CMP(a, b) do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } \
	while (0)

static int cli_frow_cmp(const void *pa, const void *pb)
{
	const struct cli_frow *a = pa, *b = pb;
	int i, d;

	CLI_CMP(a->period_ms, b->period_ms);
	for (i = 0; i < CLI_FDIM_COUNT; i++) {
		d = cli_str_cmp(a->dim[i], b->dim[i]);
		if (d != 0)
			return d;
	}
	CLI_CMP(a->component, b->component);
	CLI_CMP(a->tier, b->tier);
	CLI_CMP(a->lc_threshold, b->lc_threshold);
	CLI_CMP(a->valid_from_ms, b->valid_from_ms);
	CLI_CMP(a->list_rate, b->list_rate);
	CLI_CMP(a->contracted_rate, b->contracted_rate);
	CLI_CMP(a->block, b->block);
	return 0;
}


static int cli_writer_map(struct cli_fwriter *w)
{
	size_t i;

	w->map = malloc((w->style.ncolumns ? w->style.ncolumns : 1) *
			sizeof(int));
	if (w->map == NULL)
		return -1;
	for (i = 0; i < w->style.ncolumns; i++)
		w->map[i] = cli_fcol_lookup(w->style.columns[i]);
	return 0;
}


static void cli_writer_free(struct cli_fwriter *w)
{
	cli_fstyle_free(&w->style);
	free(w->map);
	cli_buf_free(&w->cells.text);
	cli_buf_free(&w->out);
}


static int cli_write_all(struct cli_fwriter *w, struct cli_focus *f)
{
	size_t i;
	int rc = CLI_EXIT_OK;

	qsort(f->rows, f->n, sizeof(*f->rows), cli_frow_cmp);
	cli_put_header(w);
	for (i = 0; i < f->n && rc == CLI_EXIT_OK; i++)
		rc = cli_put_row(w, &f->rows[i]);
	if (rc == CLI_EXIT_OK && cli_buf_flush(&w->out, w->fp) != 0)
		rc = CLI_EXIT_IO;
	return rc;
}


int cli_focus_write(struct cli_focus *f)
{
	struct cli_fwriter w;
	int rc, close_rc;

	memset(&w, 0, sizeof(w));
	w.f = f;
	if (cli_fcol_count() != FC_COUNT) {
		cli_error("internal error: FOCUS column tables differ");
		return CLI_EXIT_IO;
	}
	rc = f->o->focus_like ? cli_fstyle_like(&w.style, f->o->focus_like)
			      : cli_fstyle_focus12(&w.style);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli_writer_map(&w) != 0) {
		cli_writer_free(&w);
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	w.fp = cli_out_open(f->o);
	if (w.fp == NULL) {
		cli_writer_free(&w);
		return CLI_EXIT_IO;
	}
	rc = cli_write_all(&w, f);
	close_rc = cli_out_close(f->o, w.fp);
	cli_writer_free(&w);
	return rc != CLI_EXIT_OK ? rc : close_rc;
}
