/*
 * prices.c - the --prices files: read, recognised, loaded and checked.
 *
 * The kind of a file is its first byte after a UTF-8 byte order mark and
 * white space: '{' is LiteLLM's JSON object, '[' a JSON array (refused:
 * no price table has that shape), anything else a price book.  A file
 * from which not one model key can be loaded is refused: an empty table
 * would leave every row unpriced without saying why.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum cli_price_kind {
	CLI_PK_EMPTY,
	CLI_PK_LITELLM,
	CLI_PK_ARRAY,
	CLI_PK_BOOK
};

/* A price file read whole. */
struct cli_price_text {
	char *data;
	const char *text;	/* after a byte order mark */
	size_t len;
};


static int cli_read_all(FILE *fp, struct cli_price_text *t)
{
	size_t cap = 1 << 16, n;
	char *grown;

	t->data = malloc(cap);
	t->len = 0;
	while (t->data != NULL) {
		n = fread(t->data + t->len, 1, cap - t->len, fp);
		t->len += n;
		if (t->len < cap)
			return ferror(fp) ? -1 : 0;
		if (cap > SIZE_MAX / 2)
			break;
		grown = realloc(t->data, cap * 2);
		if (grown == NULL)
			break;
		t->data = grown;
		cap *= 2;
	}
	errno = ENOMEM;
	return -1;
}


static int cli_price_read(const char *path, struct cli_price_text *t)
{
	FILE *fp = fopen(path, "rb");
	int rc, saved;

	memset(t, 0, sizeof(*t));
	if (fp == NULL) {
		cli_error("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	rc = cli_read_all(fp, t);
	saved = errno;
	fclose(fp);
	if (rc != 0) {
		cli_error("%s: cannot read: %s", path, strerror(saved));
		free(t->data);
		t->data = NULL;
		return -1;
	}
	t->text = t->data;
	if (t->len >= 3 && memcmp(t->text, "\xef\xbb\xbf", 3) == 0) {
		t->text += 3;
		t->len -= 3;
	}
	return 0;
}


static enum cli_price_kind cli_price_kind(const struct cli_price_text *t)
{
	size_t i = 0;

	while (i < t->len && strchr(" \t\r\n", t->text[i]) != NULL &&
	       t->text[i] != '\0')
		i++;
	if (i == t->len)
		return CLI_PK_EMPTY;
	if (t->text[i] == '{')
		return CLI_PK_LITELLM;
	return t->text[i] == '[' ? CLI_PK_ARRAY : CLI_PK_BOOK;
}


/* Checks the kind against the arguments; prints why it will not do. */
static int cli_kind_usable(const struct cli_price_file *f,
			   enum cli_price_kind kind)
{
	if (kind == CLI_PK_EMPTY) {
		cli_error("%s: no prices (the file is empty or only white "
			  "space)", f->path);
		return 0;
	}
	if (kind == CLI_PK_ARRAY) {
		cli_error("%s: not a LiteLLM price table object (the file is "
			  "a JSON array)", f->path);
		return 0;
	}
	if (kind == CLI_PK_BOOK && f->valid_from_ms != LLMCOST_TIME_UNKNOWN) {
		cli_error("%s: DATE= is for LiteLLM JSON snapshots; a price "
			  "book carries its own dates", f->path);
		return 0;
	}
	return 1;
}


static int cli_price_parse(llmcost_prices *p, const struct cli_price_file *f,
			   const struct cli_price_text *t,
			   enum cli_price_kind kind)
{
	lc_error_clear();
	if (kind == CLI_PK_LITELLM)
		return llmcost_prices_load_litellm(p, t->text, t->len,
						   f->valid_from_ms);
	return llmcost_prices_load_book(p, t->text, t->len);
}


/* Whether the text holds at least one model key of its own: loaded
 * again into a new table, since a key it shares with an earlier file
 * adds nothing to the count. */
static int cli_has_keys(const struct cli_price_file *f,
			const struct cli_price_text *t,
			enum cli_price_kind kind)
{
	llmcost_prices *scratch = NULL;
	int found;

	if (llmcost_prices_new(&scratch) != LLMCOST_OK)
		return 1;
	found = cli_price_parse(scratch, f, t, kind) != LLMCOST_OK ||
		llmcost_prices_count(scratch) > 0;
	llmcost_prices_free(scratch);
	return found;
}


static int cli_price_one(llmcost_prices *p, struct cli_price_file *f)
{
	struct cli_price_text t;
	enum cli_price_kind kind;
	size_t before = llmcost_prices_count(p);
	int rc;

	if (cli_price_read(f->path, &t) != 0)
		return -1;
	kind = cli_price_kind(&t);
	rc = cli_kind_usable(f, kind) ? 0 : -1;
	f->diag_first = llmcost_prices_diag_count(p);
	if (rc == 0 && (rc = cli_price_parse(p, f, &t, kind)) != LLMCOST_OK)
		cli_error("%s: %s", f->path, llmcost_last_error()[0] ?
			  llmcost_last_error() : llmcost_status_message(rc));
	f->diag_end = llmcost_prices_diag_count(p);
	if (rc == 0 && llmcost_prices_count(p) == before &&
	    !cli_has_keys(f, &t, kind)) {
		cli_error("%s: no prices (not one model key could be loaded%s)",
			  f->path, f->diag_end > f->diag_first ?
			  "; see --show-diagnostics" : "");
		rc = -1;
	}
	free(t.data);
	return rc;
}


int cli_prices_load(struct cli_opts *o, llmcost_prices **out)
{
	llmcost_prices *prices = NULL;
	size_t i;
	int rc;

	*out = NULL;
	rc = o->n_prices == 0 ? llmcost_prices_new_default(&prices) :
	     llmcost_prices_new(&prices);
	if (rc != LLMCOST_OK) {
		cli_error("price table: %s", llmcost_last_error());
		return CLI_EXIT_IO;
	}
	for (i = 0; i < o->n_prices; i++) {
		if (cli_price_one(prices, &o->prices[i]) != 0) {
			if (o->show_diags)
				cli_diags_print(o, prices);
			llmcost_prices_free(prices);
			return CLI_EXIT_IO;
		}
	}
	*out = prices;
	return CLI_EXIT_OK;
}


const char *cli_diag_file(const struct cli_opts *o, size_t index)
{
	size_t i;

	for (i = 0; i < o->n_prices; i++)
		if (index >= o->prices[i].diag_first &&
		    index < o->prices[i].diag_end)
			return o->prices[i].path;
	return NULL;
}


void cli_diags_print(const struct cli_opts *o, const llmcost_prices *p)
{
	const char *key, *field, *message, *file;
	size_t i, n = llmcost_prices_diag_count(p);

	for (i = 0; i < n; i++) {
		if (llmcost_prices_diag(p, i, &key, &field, &message) !=
		    LLMCOST_OK)
			continue;
		file = cli_diag_file(o, i);
		cli_error("warning: %s: price '%s'%s%s: %s",
			  file ? file : "default price book", key,
			  field[0] ? " field " : "", field, message);
	}
}
