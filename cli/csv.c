/*
 * csv.c - an RFC 4180 record decoder fed one physical line at a time.
 *
 * Fields are separated by commas; a field may be quoted, with a doubled
 * quote standing for one quote; a quoted field may hold commas, CR and
 * LF.  A record ends at LF or CRLF outside quotes (a lone CR inside an
 * unquoted field is kept as data).  A quote inside an unquoted field, or
 * text after a closing quote, makes the record malformed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	CSV_START,		/* at the beginning of a field */
	CSV_UNQUOTED,
	CSV_QUOTED,
	CSV_QUOTE,		/* a quote seen inside a quoted field */
	CSV_SKIP		/* malformed: ignore the rest of the line */
};


void cli_csv_init(struct cli_csv *c)
{
	memset(c, 0, sizeof(*c));
}


void cli_csv_free(struct cli_csv *c)
{
	free(c->text);
	free(c->starts);
	cli_csv_init(c);
}


void cli_csv_reset(struct cli_csv *c)
{
	c->len = 0;
	c->ncells = 0;
	c->mark = 0;
	c->state = CSV_START;
	c->failed = 0;
	c->err[0] = '\0';
}


static int cli_csv_grow(struct cli_csv *c, size_t more)
{
	size_t cap = c->cap ? c->cap : 256;
	char *text;

	if (c->len + more <= c->cap)
		return 0;
	while (cap < c->len + more) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	text = realloc(c->text, cap);
	if (text == NULL)
		return -1;
	c->text = text;
	c->cap = cap;
	return 0;
}


void cli_csv_fail(struct cli_csv *c, const char *why)
{
	if (!c->failed)
		snprintf(c->err, sizeof(c->err), "%s", why);
	c->failed = 1;
	c->state = CSV_SKIP;
}


static int cli_csv_put(struct cli_csv *c, char ch)
{
	if (c->len >= CLI_LINE_MAX) {
		cli_csv_fail(c, "record longer than " CLI_LINE_MAX_TEXT);
		return 0;
	}
	if (cli_csv_grow(c, 1))
		return -1;
	c->text[c->len++] = ch;
	return 0;
}


static int cli_csv_end_cell(struct cli_csv *c)
{
	if (c->failed)
		return 0;
	if (c->ncells == c->cells_cap) {
		size_t cap = c->cells_cap ? c->cells_cap * 2 : 16;
		size_t *starts = realloc(c->starts, cap * sizeof(*starts));

		if (starts == NULL)
			return -1;
		c->starts = starts;
		c->cells_cap = cap;
	}
	if (cli_csv_put(c, '\0'))
		return -1;
	if (c->failed)
		return 0;
	c->starts[c->ncells++] = c->mark;
	c->mark = c->len;
	c->state = CSV_START;
	return 0;
}


/* Whether the byte at i ends the record: LF, or CR before LF or at the
 * end of the text. */
static int cli_csv_eol(const char *line, size_t len, size_t i)
{
	if (line[i] == '\n')
		return 1;
	return line[i] == '\r' && (i + 1 == len || line[i + 1] == '\n');
}


/* One byte outside quotes.  Returns 1 at the end of the record. */
static int cli_csv_plain(struct cli_csv *c, const char *line, size_t len,
			 size_t i)
{
	char ch = line[i];

	if (ch == ',')
		return cli_csv_end_cell(c) ? -1 : 0;
	if (cli_csv_eol(line, len, i))
		return cli_csv_end_cell(c) ? -1 : 1;
	if (ch == '"' && c->state == CSV_START) {
		c->state = CSV_QUOTED;
		return 0;
	}
	if (ch == '"') {
		cli_csv_fail(c, "quote inside an unquoted field");
		return 0;
	}
	if (ch == '\0') {
		cli_csv_fail(c, "NUL byte");
		return 0;
	}
	c->state = CSV_UNQUOTED;
	return cli_csv_put(c, ch);
}


/* One byte after a quote inside a quoted field. */
static int cli_csv_after_quote(struct cli_csv *c, const char *line,
			       size_t len, size_t i)
{
	char ch = line[i];

	if (ch == '"') {
		c->state = CSV_QUOTED;
		return cli_csv_put(c, '"');
	}
	if (ch == ',')
		return cli_csv_end_cell(c) ? -1 : 0;
	if (cli_csv_eol(line, len, i))
		return cli_csv_end_cell(c) ? -1 : 1;
	cli_csv_fail(c, "text after a closing quote");
	return 0;
}


static int cli_csv_byte(struct cli_csv *c, const char *line, size_t len,
			size_t i)
{
	switch (c->state) {
	case CSV_QUOTED:
		if (line[i] == '"') {
			c->state = CSV_QUOTE;
			return 0;
		}
		if (line[i] == '\0') {
			cli_csv_fail(c, "NUL byte");
			return 0;
		}
		return cli_csv_put(c, line[i]);
	case CSV_QUOTE:
		return cli_csv_after_quote(c, line, len, i);
	case CSV_SKIP:
		return line[i] == '\n' ? 1 : 0;
	default:
		return cli_csv_plain(c, line, len, i);
	}
}


int cli_csv_feed(struct cli_csv *c, const char *line, size_t len)
{
	size_t i;
	int rc;

	for (i = 0; i < len; i++) {
		rc = cli_csv_byte(c, line, len, i);
		if (rc != 0)
			return rc;
	}
	if (c->state == CSV_QUOTED)
		return 0;
	if (c->state != CSV_SKIP && cli_csv_end_cell(c))
		return -1;
	return 1;
}


void cli_csv_finish(struct cli_csv *c)
{
	if (c->state != CSV_QUOTED)
		return;
	cli_csv_fail(c, "quoted field not closed before the end of input");
}


const char *cli_csv_cell(const struct cli_csv *c, size_t i)
{
	if (i >= c->ncells)
		return "";
	return c->text + c->starts[i];
}
