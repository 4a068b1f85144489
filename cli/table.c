/*
 * table.c - plain-text tables with aligned columns.
 *
 * Cells are escaped for a terminal (cli_buf_text()).  Widths count UTF-8
 * characters, not bytes.  Cells longer than CLI_CELL_MAX characters are
 * cut with "...", except in the last column, which is not padded either
 * (the JSON output is never cut).
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"

#define CLI_CELL_MAX 60

struct cli_table {
	size_t ncols;
	const char *const *headers;
	const char *align;
	char **cells;		/* nrows * ncols */
	size_t nrows;
	size_t cap;
};


struct cli_table *cli_table_new(size_t ncols, const char *const *headers,
				const char *align)
{
	struct cli_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	t->headers = headers;
	t->align = align;
	return t;
}


void cli_table_free(struct cli_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}


/* Characters in s (UTF-8 continuation bytes do not count). */
static size_t cli_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}


/* A copy of s escaped for a terminal, cut to CLI_CELL_MAX characters if
 * cut is set. */
static char *cli_cell_copy(const char *s, int cut)
{
	char *copy = cli_text_dup(s);
	size_t chars = 0, i;

	if (copy == NULL || !cut || cli_width(copy) <= CLI_CELL_MAX)
		return copy;
	for (i = 0; copy[i]; i++) {
		if (((unsigned char)copy[i] & 0xc0) != 0x80 &&
		    ++chars > CLI_CELL_MAX - 3)
			break;
	}
	memcpy(copy + i, "...", 4);
	return copy;
}


int cli_table_add(struct cli_table *t, const char *const *cells)
{
	size_t i, base;

	if (t == NULL)
		return -1;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **grown = realloc(t->cells, cap * t->ncols *
				       sizeof(*grown));

		if (grown == NULL)
			return -1;
		t->cells = grown;
		t->cap = cap;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		t->cells[base + i] = cli_cell_copy(cells[i] ? cells[i] : "",
						   i + 1 < t->ncols);
		if (t->cells[base + i] == NULL) {
			while (i-- > 0)
				free(t->cells[base + i]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}


static void cli_pad(FILE *fp, size_t n)
{
	while (n-- > 0)
		fputc(' ', fp);
}


static void cli_print_cell(const struct cli_table *t, FILE *fp, size_t col,
			   const char *s, size_t width)
{
	size_t w = cli_width(s);
	int last = col + 1 == t->ncols;

	fputs("  ", fp);
	if (t->align[col] == 'r')
		cli_pad(fp, width - w);
	fputs(s, fp);
	if (t->align[col] != 'r' && !last)
		cli_pad(fp, width - w);
}


void cli_table_print(const struct cli_table *t, FILE *fp)
{
	size_t widths[16] = { 0 };
	size_t r, c;

	if (t == NULL || t->ncols > LC_ARRAY_LEN(widths))
		return;
	for (c = 0; c < t->ncols; c++)
		widths[c] = cli_width(t->headers[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t w = cli_width(t->cells[r * t->ncols + c]);

			if (w > widths[c])
				widths[c] = w;
		}
	for (c = 0; c < t->ncols; c++)
		cli_print_cell(t, fp, c, t->headers[c], widths[c]);
	fputc('\n', fp);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++)
			cli_print_cell(t, fp, c, t->cells[r * t->ncols + c],
				       widths[c]);
		fputc('\n', fp);
	}
}
