/*
 * input.c - input files as a stream of rows.
 *
 * Files are read in large chunks and cut into physical lines; a file may
 * be of any size.  A line longer than CLI_LINE_MAX is not held: its bytes
 * are skipped up to the next newline and it becomes a rejected row.
 * Blank lines (only spaces, tabs and the line end) are skipped and counted
 * apart: they are not rows.  In a CSV file the first non-blank record is
 * the header; a row is a record, which may span several physical lines
 * when a quoted field holds a newline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"


/* Bytes read from the file at a time. */
#define CLI_READ_CHUNK (1 << 16)


int cli_input_open(struct cli_input *in, const char *path, int csv)
{
	memset(in, 0, sizeof(*in));
	in->csv = csv;
	in->fd = -1;
	cli_csv_init(&in->rec);
	cli_csv_init(&in->header);
	in->in = malloc(CLI_READ_CHUNK);
	if (in->in == NULL) {
		errno = ENOMEM;
		return LLMCOST_E_IO;
	}
	if (strcmp(path, "-") == 0) {
		in->name = "stdin";
		in->fd = STDIN_FILENO;
		in->is_stdin = 1;
		return LLMCOST_OK;
	}
	in->name = path;
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	return in->fd >= 0 ? LLMCOST_OK : LLMCOST_E_IO;
}


static void cli_row_clear(struct cli_row *row)
{
	if (row->json != NULL && !cli_arena_active())
		lc_json_free(row->json);
	row->json = NULL;
	row->csv = NULL;
	row->header = NULL;
	row->text = NULL;
	row->text_len = 0;
	row->status = LLMCOST_OK;
	row->reason[0] = '\0';
}


void cli_input_close(struct cli_input *in)
{
	cli_row_clear(&in->row);
	if (in->fd >= 0 && !in->is_stdin)
		close(in->fd);
	in->fd = -1;
	free(in->buf);
	in->buf = NULL;
	free(in->in);
	in->in = NULL;
	cli_csv_free(&in->rec);
	cli_csv_free(&in->header);
}


/* Refills the read-ahead buffer.  Returns 1, 0 at the end, -1 on a read
 * error (errno kept in read_errno). */
static int cli_fill(struct cli_input *in)
{
	ssize_t n;

	if (in->eof)
		return 0;
	do {
		n = read(in->fd, in->in, CLI_READ_CHUNK);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		in->read_errno = errno;
		return -1;
	}
	in->in_pos = 0;
	in->in_len = (size_t)n;
	if (n == 0)
		in->eof = 1;
	return n > 0;
}


/* Appends n read-ahead bytes to the line, or only counts them once the
 * line is past CLI_LINE_MAX. */
static int cli_take(struct cli_input *in, size_t *len, size_t n)
{
	const char *from = in->in + in->in_pos;

	in->in_pos += n;
	if (in->too_long || n > CLI_LINE_MAX - *len) {
		in->too_long = 1;
		return 0;
	}
	if (*len + n + 1 > in->cap) {
		size_t cap = in->cap ? in->cap : 1024;
		char *buf;

		while (cap < *len + n + 1)
			cap *= 2;
		if (cap > CLI_LINE_MAX + 1)
			cap = CLI_LINE_MAX + 1;
		buf = realloc(in->buf, cap);
		if (buf == NULL)
			return -1;
		in->buf = buf;
		in->cap = cap;
	}
	memcpy(in->buf + *len, from, n);
	*len += n;
	in->buf[*len] = '\0';
	return 0;
}


/* Drops a UTF-8 byte order mark at the start of the file. */
static void cli_drop_bom(struct cli_input *in, size_t *len)
{
	if (in->line == 1 && *len >= 3 &&
	    memcmp(in->buf, "\xef\xbb\xbf", 3) == 0) {
		memmove(in->buf, in->buf + 3, *len - 2);
		*len -= 3;
	}
}


int cli_input_is_snapshot(struct cli_input *in)
{
	static const char json[] = "{\"format\":\"llmcost-snapshot\"";
	const char *p;
	size_t n;

	if (in->in_len == 0 && cli_fill(in) <= 0)
		return 0;
	p = in->in;
	n = in->in_len;
	if (n >= 8 && memcmp(p, "LLMCSNAP", 8) == 0)
		return 1;
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p++;
		n--;
	}
	return n >= sizeof(json) - 1 && memcmp(p, json, sizeof(json) - 1) == 0;
}


/* Reads one physical line, newline included, into in->buf and its
 * length into *len (0 for a line past CLI_LINE_MAX: too_long is set).
 * Returns 1, 0 at the end, LLMCOST_E_IO or LLMCOST_E_NOMEM. */
static int cli_read_line(struct cli_input *in, size_t *len)
{
	const char *nl;
	size_t n;
	int rc;

	*len = 0;
	in->too_long = 0;
	for (;;) {
		if (in->in_pos == in->in_len) {
			rc = cli_fill(in);
			if (rc < 0)
				return LLMCOST_E_IO;
			if (rc == 0)
				break;
		}
		n = in->in_len - in->in_pos;
		nl = memchr(in->in + in->in_pos, '\n', n);
		if (nl != NULL)
			n = (size_t)(nl - (in->in + in->in_pos)) + 1;
		if (cli_take(in, len, n))
			return LLMCOST_E_NOMEM;
		if (nl != NULL)
			break;
	}
	if (*len == 0 && !in->too_long)
		return 0;
	in->line++;
	if (in->too_long)
		*len = 0;
	else
		cli_drop_bom(in, len);
	return 1;
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


/* Reads the next non-blank physical line (or one too long to hold);
 * its length in *n. */
static int cli_next_line(struct cli_input *in, size_t *n)
{
	int rc;

	for (;;) {
		rc = cli_read_line(in, n);
		if (rc != 1)
			return rc;
		if (in->too_long || !cli_is_blank(in->buf, *n))
			return 1;
		in->blank++;
	}
}


static void cli_row_begin(struct cli_input *in)
{
	cli_row_clear(&in->row);
	cli_arena_reset();
	in->row.file = in->name;
	in->row.line = in->line;
}


static void cli_too_long(struct cli_row *row)
{
	row->status = LLMCOST_E_RANGE;
	snprintf(row->reason, sizeof(row->reason), "line longer than %s",
		 CLI_LINE_MAX_TEXT);
}


static void cli_json_row(struct cli_input *in, size_t len)
{
	struct cli_row *row = &in->row;
	char err[160];

	if (in->too_long) {
		cli_too_long(row);
		return;
	}
	while (len > 0 && (in->buf[len - 1] == '\n' ||
			   in->buf[len - 1] == '\r'))
		len--;
	row->text = in->buf;
	row->text_len = len;
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
	int rc;

	cli_csv_reset(rec);
	for (;;) {
		if (in->too_long)
			cli_csv_fail(rec, "line longer than "
				     CLI_LINE_MAX_TEXT);
		rc = cli_csv_feed(rec, in->buf, len);
		if (rc != 0 || in->too_long)
			return rc < 0 ? LLMCOST_E_NOMEM : LLMCOST_OK;
		rc = cli_read_line(in, &len);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			cli_csv_finish(rec);
			return LLMCOST_OK;
		}
	}
}


static void cli_csv_row_check(struct cli_input *in)
{
	struct cli_row *row = &in->row;

	row->csv = &in->rec;
	row->header = &in->header;
	if (in->rec.failed) {
		row->status = strstr(in->rec.err, "longer than") ?
			      LLMCOST_E_RANGE : LLMCOST_E_PARSE;
		snprintf(row->reason, sizeof(row->reason),
			 "%s%s", row->status == LLMCOST_E_PARSE ?
			 "malformed CSV: " : "", in->rec.err);
	} else if (in->rec.ncells != in->header.ncells) {
		row->status = LLMCOST_E_PARSE;
		snprintf(row->reason, sizeof(row->reason),
			 "malformed CSV: expected %zu fields, got %zu",
			 in->header.ncells, in->rec.ncells);
	}
}


/* How many columns of the CSV header are named name. */
static size_t cli_columns_named(const struct cli_csv *header,
				const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < header->ncells; i++)
		n += strcmp(cli_csv_cell(header, i), name) == 0;
	return n;
}


/* A column the run reads must not be named twice: which one is meant
 * would be a guess. */
static int cli_check_twice(const struct cli_opts *o, struct cli_input *in,
			   const char *name)
{
	if (cli_columns_named(&in->header, name) < 2)
		return 1;
	in->row.status = LLMCOST_E_PARSE;
	snprintf(in->row.reason, sizeof(in->row.reason), "malformed CSV "
		 "header: the column '%.200s' appears more than once", name);
	return LLMCOST_E_PARSE;
}


/* Every --map (or preset) column and every --where column must be in
 * the header: a misspelt column would otherwise read as "not logged" on
 * every row. */
static int cli_check_columns(const struct cli_opts *o, struct cli_input *in)
{
	struct cli_row *row = &in->row;
	size_t i;
	int f;

	for (f = 0; f < CLI_F_COUNT; f++) {
		if (cli_check_twice(o, in, o->paths[f]) != 1)
			return LLMCOST_E_PARSE;
		if (!((o->mapped >> f) & 1u) ||
		    cli_columns_named(&in->header, o->paths[f]) > 0)
			continue;
		snprintf(row->reason, sizeof(row->reason), "--map %s=%.200s: "
			 "the CSV header has no such column",
			 cli_field_name(f), o->paths[f]);
		return LLMCOST_E_NOTFOUND;
	}
	for (i = 0; i < o->wheres.n; i++) {
		if (cli_check_twice(o, in, o->wheres.v[i].key) != 1)
			return LLMCOST_E_PARSE;
		if (cli_columns_named(&in->header, o->wheres.v[i].key) > 0)
			continue;
		snprintf(row->reason, sizeof(row->reason), "--where "
			 "%.200s=...: the CSV header has no such column",
			 o->wheres.v[i].key);
		return LLMCOST_E_NOTFOUND;
	}
	return 1;
}


/* Reads the header record.  A malformed header is an input error,
 * reported at the header's first line. */
static int cli_csv_header(const struct cli_opts *o, struct cli_input *in)
{
	size_t len;
	int rc;

	rc = cli_next_line(in, &len);
	if (rc != 1)
		return rc;
	cli_row_begin(in);
	rc = cli_csv_record(in, &in->header, len);
	if (rc != LLMCOST_OK)
		return rc;
	in->have_header = 1;
	if (in->header.failed) {
		in->row.status = LLMCOST_E_PARSE;
		snprintf(in->row.reason, sizeof(in->row.reason),
			 "malformed CSV header: %s", in->header.err);
		return LLMCOST_E_PARSE;
	}
	return cli_check_columns(o, in);
}


static int cli_csv_next(const struct cli_opts *o, struct cli_input *in)
{
	size_t len;
	int rc;

	if (!in->have_header) {
		rc = cli_csv_header(o, in);
		if (rc != 1)
			return rc;
	}
	rc = cli_next_line(in, &len);
	if (rc != 1)
		return rc;
	cli_row_begin(in);
	rc = cli_csv_record(in, &in->rec, len);
	if (rc != LLMCOST_OK)
		return rc;
	cli_csv_row_check(in);
	return 1;
}


int cli_input_next(const struct cli_opts *o, struct cli_input *in)
{
	size_t len;
	int rc;

	if (in->csv)
		return cli_csv_next(o, in);
	rc = cli_next_line(in, &len);
	if (rc != 1)
		return rc;
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
