/*
 * dedupe.c - rows seen before: by request_id, and (--dedupe-lines) by
 * the bytes of the whole line.
 *
 * Only rows that are kept (priced or unpriced) are remembered; a rejected
 * row is in no total and so is never the original of a duplicate.  Each
 * kept row with a request_id, or every kept row under --dedupe-lines, is
 * remembered with where it was read and a 128-bit digest of its line
 * (XXH3-128): of a JSON line, its bytes without the line end; of a CSV
 * record, its cells as decoded.  Request ids are compared exactly; lines
 * by digest, where two different lines agree with a chance of about
 * 2^-128 per pair.  Memory: about 100 bytes per remembered row, and its
 * request_id.
 */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cli.h"

/* A kept row that later rows are compared with. */
struct cli_seen {
	const char *file;	/* the input's name, alive for the run */
	long line;
	XXH128_hash_t digest;
	int has_digest;
};

struct cli_dedupe {
	lc_map *ids;		/* request_id -> index into seen */
	lc_map *lines;		/* digest bytes -> index into seen */
	struct cli_seen *seen;
	size_t n;
	size_t cap;
	/* The row being checked. */
	XXH128_hash_t digest;
	int has_digest;
};


struct cli_dedupe *cli_dedupe_new(void)
{
	struct cli_dedupe *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->ids = lc_map_new();
	d->lines = lc_map_new();
	if (d->ids == NULL || d->lines == NULL) {
		cli_dedupe_free(d);
		return NULL;
	}
	return d;
}


void cli_dedupe_free(struct cli_dedupe *d)
{
	if (d == NULL)
		return;
	lc_map_free(d->ids);
	lc_map_free(d->lines);
	free(d->seen);
	free(d);
}


/* The digest of a row's line: a JSON line's bytes, or a CSV record's
 * cells (each ends in a NUL, so cell boundaries count).  0 if the row
 * has no text. */
static int cli_row_digest(const struct cli_row *row, XXH128_hash_t *out)
{
	if (row->csv != NULL) {
		*out = XXH3_128bits(row->csv->text, row->csv->len);
		return 1;
	}
	if (row->text == NULL)
		return 0;
	*out = XXH3_128bits(row->text, row->text_len);
	return 1;
}


static const char *cli_row_id(const struct cli_result *res)
{
	const char *id = res->req->rec.request_id;

	return id != NULL && id[0] != '\0' ? id : NULL;
}


static void cli_mark(struct cli_dedupe *d, struct cli_result *res,
		     enum cli_dup_kind kind, uint32_t pos)
{
	const struct cli_seen *s = &d->seen[pos];

	res->outcome = CLI_DUPLICATE;
	res->dup_kind = kind;
	res->dup_differs = !s->has_digest || !d->has_digest ||
			   !XXH128_isEqual(s->digest, d->digest);
	cli_source_text(s->file, s->line, res->dup_first,
			sizeof(res->dup_first));
	snprintf(res->sink_reason, sizeof(res->sink_reason),
		 "duplicate of %.250s (%s)", res->dup_first,
		 kind == CLI_DUP_REQUEST_ID ? "same request_id" :
		 "identical line");
	res->reason = res->sink_reason;
}


void cli_dedupe_check(struct cli_dedupe *d, const struct cli_opts *o,
		      struct cli_result *res)
{
	const char *id = cli_row_id(res);
	uint32_t pos;

	d->has_digest = 0;
	if (o->keep_dups || (res->outcome != CLI_PRICED &&
			     res->outcome != CLI_UNPRICED))
		return;
	if (id == NULL && !o->dedupe_lines)
		return;
	d->has_digest = cli_row_digest(res->row, &d->digest);
	if (id != NULL && lc_map_get(d->ids, id, strlen(id), &pos)) {
		cli_mark(d, res, CLI_DUP_REQUEST_ID, pos);
		return;
	}
	if (o->dedupe_lines && d->has_digest &&
	    lc_map_get(d->lines, (const char *)&d->digest,
		       sizeof(d->digest), &pos))
		cli_mark(d, res, CLI_DUP_LINE, pos);
}


static int cli_seen_add(struct cli_dedupe *d, const struct cli_row *row)
{
	struct cli_seen *s;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;

		if (cap > UINT32_MAX)
			return -1;
		s = realloc(d->seen, cap * sizeof(*s));
		if (s == NULL)
			return -1;
		d->seen = s;
		d->cap = cap;
	}
	s = &d->seen[d->n++];
	s->file = row->file;
	s->line = row->line;
	s->digest = d->digest;
	s->has_digest = d->has_digest;
	return 0;
}


int cli_dedupe_keep(struct cli_dedupe *d, const struct cli_opts *o,
		    const struct cli_result *res)
{
	const char *id = cli_row_id(res);
	uint32_t pos = (uint32_t)d->n;

	if (o->keep_dups || (res->outcome != CLI_PRICED &&
			     res->outcome != CLI_UNPRICED))
		return 0;
	if (id == NULL && !(o->dedupe_lines && d->has_digest))
		return 0;
	if (cli_seen_add(d, res->row))
		return -1;
	if (id != NULL &&
	    lc_map_put(d->ids, id, strlen(id), pos, NULL) != LLMCOST_OK)
		return -1;
	if (o->dedupe_lines && d->has_digest &&
	    !lc_map_get(d->lines, (const char *)&d->digest,
			sizeof(d->digest), NULL) &&
	    lc_map_put(d->lines, (const char *)&d->digest, sizeof(d->digest),
		       pos, NULL) != LLMCOST_OK)
		return -1;
	return 0;
}
