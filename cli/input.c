/*
 * input.c - input files as a stream of rows.
 *
 * Files are read line by line with getline(), so a line may be of any
 * length and a file of any size.  Blank lines (only spaces, tabs and the
 * line end) are skipped and counted apart: they are not rows.  In a CSV
 * file the first non-blank record is the header; a row is a record, which
 * may span several physical lines when a quoted field holds a newline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"


int cli_input_open(struct cli_input *in, const char *path, int csv)
{
	memset(in, 0, sizeof(*in));
	in->csv = csv;
	cli_csv_init(&in->rec);
	cli_csv_init(&in->header);
	if (strcmp(path, "-") == 0) {
		in->name = "stdin";
		in->fp = stdin;
		in->is_stdin = 1;
		return LLMCOST_OK;
	}
	in->name = path;
	in->fp = fopen(path, "rb");
	return in->fp != NULL ? LLMCOST_OK : LLMCOST_E_IO;
}


static void cli_row_clear(struct cli_row *row)
{
	if (row->json != NULL)
		lc_json_free(row->json);
	row->json = NULL;
	row->csv = NULL;
	row->header = NULL;
	row->status = LLMCOST_OK;
	row->reason[0] = '\0';
}


void cli_input_close(struct cli_input *in)
{
	cli_row_clear(&in->row);
	if (in->fp != NULL && !in->is_stdin)
		fclose(in->fp);
	in->fp = NULL;
	free(in->buf);
	in->buf = NULL;
	cli_csv_free(&in->rec);
	cli_csv_free(&in->header);
}


/* Reads one physical line.  Returns its length, 0 at the end, or -1 on
 * a read error. */
static ssize_t cli_read_line(struct cli_input *in)
{
	ssize_t n;

	errno = 0;
	n = getline(&in->buf, &in->cap, in->fp);
	if (n < 0)
		return ferror(in->fp) || errno == ENOMEM ? -1 : 0;
	in->line++;
	if (in->line == 1 && n >= 3 && memcmp(in->buf, "\xef\xbb\xbf", 3)
	    == 0) {
		memmove(in->buf, in->buf + 3, (size_t)n - 2);
		n -= 3;
	}
	return n;
}


static int cli_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}


/* Reads the next non-blank physical line; its length in *n. */
static int cli_next_line(struct cli_input *in, size_t *n)
{
	ssize_t got;

	for (;;) {
		got = cli_read_line(in);
		if (got <= 0)
			return (int)got;
		if (!cli_is_blank(in->buf, (size_t)got)) {
			*n = (size_t)got;
			return 1;
		}
		in->blank++;
	}
}


static void cli_row_begin(struct cli_input *in)
{
	cli_row_clear(&in->row);
	in->row.file = in->name;
	in->row.line = in->line;
}


static void cli_json_row(struct cli_input *in, size_t len)
{
	struct cli_row *row = &in->row;
	char err[160];

	while (len > 0 && (in->buf[len - 1] == '\n' ||
			   in->buf[len - 1] == '\r'))
		len--;
	row->json = lc_json_parse(in->buf, len, err, sizeof(err));
	if (row->json == NULL) {
		row->status = LLMCOST_E_PARSE;
		snprintf(row->reason, sizeof(row->reason),
			 "malformed JSON: %s", strncmp(err, "malformed JSON ",
						       15) == 0 ?
			 err + 15 : err);
	} else if (!cJSON_IsObject(row->json)) {
		row->status = LLMCOST_E_TYPE;
		snprintf(row->reason, sizeof(row->reason),
			 "expected a JSON object");
	}
}


/* Feeds physical lines to rec until the record is complete. */
static int cli_csv_record(struct cli_input *in, struct cli_csv *rec,
			  size_t len)
{
	ssize_t got;
	int rc;

	cli_csv_reset(rec);
	for (;;) {
		rc = cli_csv_feed(rec, in->buf, len);
		if (rc != 0)
			return rc < 0 ? LLMCOST_E_NOMEM : LLMCOST_OK;
		got = cli_read_line(in);
		if (got < 0)
			return LLMCOST_E_IO;
		if (got == 0) {
			cli_csv_finish(rec);
			return LLMCOST_OK;
		}
		len = (size_t)got;
	}
}


static void cli_csv_row_check(struct cli_input *in)
{
	struct cli_row *row = &in->row;

	row->csv = &in->rec;
	row->header = &in->header;
	if (in->rec.failed) {
		row->status = LLMCOST_E_PARSE;
		snprintf(row->reason, sizeof(row->reason),
			 "malformed CSV: %s", in->rec.err);
	} else if (in->rec.ncells != in->header.ncells) {
		row->status = LLMCOST_E_PARSE;
		snprintf(row->reason, sizeof(row->reason),
			 "malformed CSV: expected %zu fields, got %zu",
			 in->header.ncells, in->rec.ncells);
	}
}


/* Reads the header record.  A malformed header is an input error. */
static int cli_csv_header(struct cli_input *in)
{
	size_t len;
	int rc;

	rc = cli_next_line(in, &len);
	if (rc <= 0)
		return rc < 0 ? LLMCOST_E_IO : 0;
	rc = cli_csv_record(in, &in->header, len);
	if (rc != LLMCOST_OK)
		return rc;
	in->have_header = 1;
	if (in->header.failed) {
		cli_row_begin(in);
		in->row.status = LLMCOST_E_PARSE;
		snprintf(in->row.reason, sizeof(in->row.reason),
			 "malformed CSV header: %s", in->header.err);
		return LLMCOST_E_PARSE;
	}
	return 1;
}


static int cli_csv_next(struct cli_input *in)
{
	size_t len;
	int rc;

	if (!in->have_header) {
		rc = cli_csv_header(in);
		if (rc != 1)
			return rc;
	}
	rc = cli_next_line(in, &len);
	if (rc <= 0)
		return rc < 0 ? LLMCOST_E_IO : 0;
	cli_row_begin(in);
	rc = cli_csv_record(in, &in->rec, len);
	if (rc != LLMCOST_OK)
		return rc;
	cli_csv_row_check(in);
	return 1;
}


int cli_input_next(struct cli_input *in)
{
	size_t len;
	int rc;

	if (in->csv)
		return cli_csv_next(in);
	rc = cli_next_line(in, &len);
	if (rc <= 0)
		return rc < 0 ? LLMCOST_E_IO : 0;
	cli_row_begin(in);
	cli_json_row(in, len);
	return 1;
}


static void cli_json_value(const struct cJSON *item, struct cli_value *out)
{
	const char *s;

	if (item == NULL) {
		return;
	} else if ((s = lc_json_number(item)) != NULL) {
		out->kind = CLI_V_NUMBER;
		out->text = s;
	} else if ((s = lc_json_string(item)) != NULL) {
		out->kind = CLI_V_STRING;
		out->text = s;
	} else if (cJSON_IsNull(item)) {
		out->kind = CLI_V_NULL;
		out->text = "null";
	} else if (cJSON_IsBool(item)) {
		out->kind = CLI_V_BOOL;
		out->text = cJSON_IsTrue(item) ? "true" : "false";
	} else {
		out->kind = CLI_V_OTHER;
	}
}


static void cli_csv_value(const struct cli_row *row, const char *name,
			  struct cli_value *out)
{
	size_t i;

	for (i = 0; i < row->header->ncells; i++) {
		if (strcmp(cli_csv_cell(row->header, i), name) != 0)
			continue;
		out->text = cli_csv_cell(row->csv, i);
		out->kind = out->text[0] ? CLI_V_TEXT : CLI_V_MISSING;
		return;
	}
}


void cli_row_value(const struct cli_row *row, const char *path,
		   struct cli_value *out)
{
	out->kind = CLI_V_MISSING;
	out->text = "";
	if (row->status != LLMCOST_OK)
		return;
	if (row->json != NULL)
		cli_json_value(lc_json_path(row->json, path), out);
	else if (row->csv != NULL)
		cli_csv_value(row, path, out);
}


static void cli_json_top_values(const struct cli_opts *o,
				const struct cJSON *root,
				struct cli_value out[CLI_F_COUNT])
{
	const struct cJSON *item;
	uint32_t mask, seen = 0;
	int f;

	for (item = root->child; item != NULL; item = item->next) {
		if (item->string == NULL ||
		    !lc_map_get(o->top, item->string, strlen(item->string),
				&mask))
			continue;
		for (f = 0; f < CLI_F_COUNT; f++) {
			if (!((mask >> f) & 1u) || ((seen >> f) & 1u))
				continue;
			seen |= 1u << f;
			cli_json_value(item, &out[f]);
		}
	}
}


void cli_row_values(const struct cli_opts *o, const struct cli_row *row,
		    struct cli_value out[CLI_F_COUNT])
{
	int f;

	for (f = 0; f < CLI_F_COUNT; f++) {
		out[f].kind = CLI_V_MISSING;
		out[f].text = "";
	}
	if (row->status != LLMCOST_OK)
		return;
	if (row->json == NULL || o->top == NULL) {
		for (f = 0; f < CLI_F_COUNT; f++)
			cli_row_value(row, o->paths[f], &out[f]);
		return;
	}
	cli_json_top_values(o, row->json, out);
	for (f = 0; f < CLI_F_COUNT; f++)
		if ((o->dotted >> f) & 1u)
			cli_json_value(lc_json_path(row->json, o->paths[f]),
				       &out[f]);
}
