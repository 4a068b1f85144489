/*
 * focus_like.c - the columns we write and how: FOCUS 1.2 as we write it,
 * or the conventions of an existing FOCUS file (--like FILE), so that our
 * rows can be appended to it.
 *
 * From the sample we take its header (the columns, in order, and whether
 * they are quoted), its line end, its null token (an empty field or the
 * bare word NULL), per column whether values are quoted and how many
 * decimals numbers carry, the date-time format and the JSON spacing of
 * key-value columns.  Only the first rows are read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "focus.h"

struct cli_fcol {
	const char *name;
	enum cli_fcol_kind kind;
};

/* FOCUS columns first (alphabetical, as the FOCUS sample files), then
 * ours with the x_ prefix.  focus.c fills them in this order. */
static const struct cli_fcol cli_fcols[] = {
	{ "BilledCost", CLI_FK_NUMBER },
	{ "BillingAccountId", CLI_FK_STRING },
	{ "BillingAccountName", CLI_FK_STRING },
	{ "BillingCurrency", CLI_FK_STRING },
	{ "BillingPeriodEnd", CLI_FK_TIME },
	{ "BillingPeriodStart", CLI_FK_TIME },
	{ "ChargeCategory", CLI_FK_STRING },
	{ "ChargeClass", CLI_FK_STRING },
	{ "ChargeDescription", CLI_FK_STRING },
	{ "ChargeFrequency", CLI_FK_STRING },
	{ "ChargePeriodEnd", CLI_FK_TIME },
	{ "ChargePeriodStart", CLI_FK_TIME },
	{ "CommitmentDiscountStatus", CLI_FK_STRING },	/* always null */
	{ "ConsumedQuantity", CLI_FK_NUMBER },
	{ "ConsumedUnit", CLI_FK_STRING },
	{ "ContractedCost", CLI_FK_NUMBER },
	{ "ContractedUnitPrice", CLI_FK_NUMBER },
	{ "EffectiveCost", CLI_FK_NUMBER },
	{ "InvoiceId", CLI_FK_STRING },
	{ "InvoiceIssuerName", CLI_FK_STRING },
	{ "ListCost", CLI_FK_NUMBER },
	{ "ListUnitPrice", CLI_FK_NUMBER },
	{ "PricingCategory", CLI_FK_STRING },
	{ "PricingCurrency", CLI_FK_STRING },
	{ "PricingCurrencyContractedUnitPrice", CLI_FK_NUMBER },
	{ "PricingCurrencyEffectiveCost", CLI_FK_NUMBER },
	{ "PricingCurrencyListUnitPrice", CLI_FK_NUMBER },
	{ "PricingQuantity", CLI_FK_NUMBER },
	{ "PricingUnit", CLI_FK_STRING },
	{ "ProviderName", CLI_FK_STRING },
	{ "PublisherName", CLI_FK_STRING },
	{ "RegionId", CLI_FK_STRING },
	{ "RegionName", CLI_FK_STRING },
	{ "ServiceCategory", CLI_FK_STRING },
	{ "ServiceName", CLI_FK_STRING },
	{ "ServiceSubcategory", CLI_FK_STRING },
	{ "SkuId", CLI_FK_STRING },
	{ "SkuMeter", CLI_FK_STRING },
	{ "SkuPriceDetails", CLI_FK_JSON },
	{ "SkuPriceId", CLI_FK_STRING },
	{ "SubAccountId", CLI_FK_STRING },
	{ "SubAccountName", CLI_FK_STRING },
	{ "Tags", CLI_FK_JSON },
	{ "x_Provider", CLI_FK_STRING },
	{ "x_Model", CLI_FK_STRING },
	{ "x_PriceKey", CLI_FK_STRING },
	{ "x_TokenType", CLI_FK_STRING },
	{ "x_ServiceTier", CLI_FK_STRING },
	{ "x_LongContextThreshold", CLI_FK_NUMBER },
	{ "x_PriceValidFrom", CLI_FK_TIME },
	{ "x_Requests", CLI_FK_NUMBER },
};

/* How much of a --like file is read to learn its conventions. */
#define CLI_LIKE_BYTES ((size_t)1 << 20)
#define CLI_LIKE_ROWS 1000


size_t cli_fcol_count(void)
{
	return LC_ARRAY_LEN(cli_fcols);
}


const char *cli_fcol_name(int col)
{
	return col >= 0 && (size_t)col < LC_ARRAY_LEN(cli_fcols) ?
	       cli_fcols[col].name : "";
}


enum cli_fcol_kind cli_fcol_kind(int col)
{
	return col >= 0 && (size_t)col < LC_ARRAY_LEN(cli_fcols) ?
	       cli_fcols[col].kind : CLI_FK_STRING;
}


int cli_fcol_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(cli_fcols); i++)
		if (strcmp(cli_fcols[i].name, name) == 0)
			return (int)i;
	return -1;
}


void cli_fstyle_free(struct cli_fstyle *s)
{
	size_t i;

	for (i = 0; s->columns != NULL && i < s->ncolumns; i++)
		free(s->columns[i]);
	free(s->columns);
	free(s->quote);
	free(s->decimals);
	memset(s, 0, sizeof(*s));
}


static int cli_fstyle_alloc(struct cli_fstyle *s, size_t n)
{
	s->ncolumns = 0;
	s->columns = calloc(n ? n : 1, sizeof(*s->columns));
	s->quote = malloc(n ? n : 1);
	s->decimals = malloc(n ? n : 1);
	if (s->columns == NULL || s->quote == NULL || s->decimals == NULL)
		return -1;
	memset(s->quote, -1, n);
	memset(s->decimals, -1, n);
	return 0;
}


int cli_fstyle_focus12(struct cli_fstyle *s)
{
	size_t i, n = LC_ARRAY_LEN(cli_fcols);

	memset(s, 0, sizeof(*s));
	if (cli_fstyle_alloc(s, n) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		s->columns[i] = strdup(cli_fcols[i].name);
		if (s->columns[i] == NULL)
			goto fail;
		s->ncolumns++;
		/* Decimal columns always carry a decimal point, so that no
		 * reader takes a column of whole numbers for integers. */
		if (cli_fcols[i].kind == CLI_FK_NUMBER &&
		    strncmp(cli_fcols[i].name, "x_", 2) != 0)
			s->decimals[i] = 1;
	}
	s->eol = "\r\n";
	s->null_text = "";
	s->time_zulu = 1;
	return 0;
fail:
	cli_fstyle_free(s);
	cli_error("out of memory");
	return CLI_EXIT_IO;
}


/* ---- reading a sample ------------------------------------------------ */

/* One field of the sample as read: its text (quotes removed) and
 * whether it was quoted. */
struct cli_lfield {
	char *text;
	int quoted;
};

struct cli_lrec {
	struct cli_lfield *f;
	size_t n;
	size_t cap;
};

struct cli_lscan {
	const char *p;
	const char *end;
	int complete;		/* end is the end of the file */
	int crlf;		/* the first record ended with CRLF */
	int first;
};


static void cli_lrec_clear(struct cli_lrec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i].text);
	r->n = 0;
}


static int cli_lrec_push(struct cli_lrec *r, const char *s, size_t len,
			 int quoted)
{
	struct cli_lfield *f;
	char *t;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		f = realloc(r->f, cap * sizeof(*f));
		if (f == NULL)
			return -1;
		r->f = f;
		r->cap = cap;
	}
	t = malloc(len + 1);
	if (t == NULL)
		return -1;
	memcpy(t, s, len);
	t[len] = '\0';
	r->f[r->n].text = t;
	r->f[r->n].quoted = quoted;
	r->n++;
	return 0;
}


/* A quoted field starting at sc->p (just past the opening quote): its
 * text with doubled quotes made single, in place of a copy. */
static int cli_lscan_quoted(struct cli_lscan *sc, struct cli_lrec *r)
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	int rc;

	while (sc->p < sc->end) {
		if (*sc->p == '"') {
			if (sc->p + 1 < sc->end && sc->p[1] == '"') {
				cli_buf_putc(&b, '"');
				sc->p += 2;
				continue;
			}
			sc->p++;
			rc = b.failed ? -1 : cli_lrec_push(r, b.p ? b.p : "",
							   b.len, 1);
			cli_buf_free(&b);
			return rc;
		}
		cli_buf_putc(&b, *sc->p++);
	}
	cli_buf_free(&b);
	return -2;		/* unterminated, or cut where reading stopped */
}


/* Reads one record.  1: got one; 0: end of input; -1: out of memory;
 * -2: cut short where the read stopped (ignored). */
static int cli_lscan_record(struct cli_lscan *sc, struct cli_lrec *r)
{
	const char *start;
	int rc;

	cli_lrec_clear(r);
	if (sc->p >= sc->end)
		return 0;
	for (;;) {
		if (sc->p < sc->end && *sc->p == '"') {
			sc->p++;
			rc = cli_lscan_quoted(sc, r);
			if (rc != 0)
				return rc;
		} else {
			start = sc->p;
			while (sc->p < sc->end && *sc->p != ',' &&
			       *sc->p != '\n' && *sc->p != '\r')
				sc->p++;
			if (cli_lrec_push(r, start, (size_t)(sc->p - start),
					  0) != 0)
				return -1;
		}
		if (sc->p >= sc->end)
			return sc->complete ? 1 : -2;
		if (*sc->p == ',') {
			sc->p++;
			continue;
		}
		if (*sc->p == '\r') {
			if (sc->first)
				sc->crlf = 1;
			sc->p++;
		}
		if (sc->p < sc->end && *sc->p == '\n')
			sc->p++;
		sc->first = 0;
		return 1;
	}
}


static int cli_is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}


/* "2024-09-01 00:00:00" (1), "2024-09-01T00:00:00Z" (2),
 * "2024-09-01T00:00:00" (3), or 0. */
static int cli_time_shape(const char *s)
{
	size_t n = strlen(s);

	if (n < 19 || !cli_is_digits(s, 4) || s[4] != '-' ||
	    !cli_is_digits(s + 5, 2) || s[7] != '-' ||
	    !cli_is_digits(s + 8, 2) || !cli_is_digits(s + 11, 2) ||
	    s[13] != ':' || !cli_is_digits(s + 14, 2) || s[16] != ':' ||
	    !cli_is_digits(s + 17, 2))
		return 0;
	if (s[10] == ' ' && n == 19)
		return 1;
	if (s[10] == 'T' && n == 20 && s[19] == 'Z')
		return 2;
	return s[10] == 'T' && n == 19 ? 3 : 0;
}


/* Decimals of a plain decimal number ("0.00000080000": 11), or -1 if
 * the text is not one. */
static int cli_number_decimals(const char *s)
{
	const char *dot;
	size_t n;

	if (*s == '-' || *s == '+')
		s++;
	n = strlen(s);
	if (n == 0)
		return -1;
	dot = strchr(s, '.');
	if (dot == NULL)
		return cli_is_digits(s, n) ? 0 : -1;
	if (dot == s || !cli_is_digits(s, (size_t)(dot - s)) ||
	    !cli_is_digits(dot + 1, strlen(dot + 1)))
		return -1;
	return (int)strlen(dot + 1);
}


/* What the sample's columns show, gathered over its first rows. */
struct cli_lstats {
	int *quoted;		/* values seen quoted, per column */
	int *bare;		/* values seen bare */
	int *dec;		/* decimals seen (-2: none yet, -1: mixed) */
};


static void cli_like_field(struct cli_fstyle *s, struct cli_lstats *st,
			   size_t col, const struct cli_lfield *f)
{
	int d, shape;

	if (!f->quoted && (f->text[0] == '\0' ||
			   strcmp(f->text, "NULL") == 0)) {
		if (f->text[0] != '\0')
			s->null_text = "NULL";
		return;
	}
	if (f->quoted)
		st->quoted[col]++;
	else
		st->bare[col]++;
	shape = cli_time_shape(f->text);
	if (shape == 1)
		s->time_space = 1;
	else if (shape == 2)
		s->time_zulu = 1;
	if (f->text[0] == '{' && strstr(f->text, "\": ") != NULL)
		s->json_spaced = 1;
	d = cli_number_decimals(f->text);
	if (!f->quoted && d >= 0 && st->dec[col] != -1)
		st->dec[col] = st->dec[col] == -2 || st->dec[col] == d ? d
								       : -1;
}


static void cli_like_finish(struct cli_fstyle *s, struct cli_lstats *st)
{
	size_t i;

	for (i = 0; i < s->ncolumns; i++) {
		if (st->quoted[i] > 0)
			s->quote[i] = 1;
		else if (st->bare[i] > 0)
			s->quote[i] = 0;
		s->decimals[i] = st->dec[i] >= 0 && st->dec[i] <= 18 ?
				 (signed char)st->dec[i] : -1;
	}
}


/* 1 if some column of the header is one we fill. */
static int cli_like_known(const struct cli_lrec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (cli_fcol_lookup(r->f[i].text) >= 0)
			return 1;
	return 0;
}


static int cli_like_header(struct cli_fstyle *s, const struct cli_lrec *r)
{
	size_t i;

	if (cli_fstyle_alloc(s, r->n) != 0)
		return -1;
	for (i = 0; i < r->n; i++) {
		s->columns[i] = strdup(r->f[i].text);
		if (s->columns[i] == NULL)
			return -1;
		s->ncolumns++;
	}
	s->quote_header = r->n > 0 && r->f[0].quoted;
	return 0;
}


static int cli_like_rows(struct cli_fstyle *s, struct cli_lscan *sc,
			 struct cli_lrec *r)
{
	struct cli_lstats st;
	size_t i, n = s->ncolumns;
	int rows = 0, rc = 0;

	st.quoted = calloc(n, sizeof(int));
	st.bare = calloc(n, sizeof(int));
	st.dec = malloc(n * sizeof(int));
	if (st.quoted == NULL || st.bare == NULL || st.dec == NULL) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++)
		st.dec[i] = -2;
	while (rows < CLI_LIKE_ROWS && (rc = cli_lscan_record(sc, r)) == 1) {
		for (i = 0; i < r->n && i < n; i++)
			cli_like_field(s, &st, i, &r->f[i]);
		rows++;
	}
	rc = rc == -1 ? -1 : 0;
	cli_like_finish(s, &st);
out:
	free(st.quoted);
	free(st.bare);
	free(st.dec);
	return rc;
}


static int cli_like_read(const char *path, char **text, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	*text = NULL;
	*len = 0;
	if (fp == NULL)
		return -1;
	*text = malloc(CLI_LIKE_BYTES);
	if (*text == NULL) {
		fclose(fp);
		return -1;
	}
	n = fread(*text, 1, CLI_LIKE_BYTES, fp);
	if (ferror(fp)) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	*len = n;
	return 0;
}


int cli_fstyle_like(struct cli_fstyle *s, const char *path)
{
	struct cli_lrec r = { NULL, 0, 0 };
	struct cli_lscan sc;
	char *text;
	size_t len;
	int rc;

	memset(s, 0, sizeof(*s));
	if (cli_like_read(path, &text, &len) != 0) {
		free(text);
		cli_error("%s: cannot read: %s", path, strerror(errno));
		return CLI_EXIT_IO;
	}
	sc.p = text;
	sc.end = text + len;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		sc.p += 3;
	sc.complete = len < CLI_LIKE_BYTES;
	sc.crlf = 0;
	sc.first = 1;
	s->null_text = "";
	rc = cli_lscan_record(&sc, &r);
	if (rc == 1 && !cli_like_known(&r))
		rc = 0;
	if (rc == 1)
		rc = cli_like_header(s, &r) == 0 ? 1 : -1;
	if (rc == 1)
		rc = cli_like_rows(s, &sc, &r) == 0 ? 1 : -1;
	s->eol = sc.crlf ? "\r\n" : "\n";
	cli_lrec_clear(&r);
	free(r.f);
	free(text);
	if (rc == 1)
		return CLI_EXIT_OK;
	cli_fstyle_free(s);
	if (rc == -1)
		cli_error("out of memory");
	else
		cli_error("%s: --like: not a CSV file whose header names "
			  "FOCUS columns", path);
	return CLI_EXIT_IO;
}
