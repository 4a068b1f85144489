/*
 * tags_cli.c - canonical tags in the command: loading --tags FILE,
 * looking up every row's tags, and `llmcost tags suggest`.
 *
 * Six input fields are tags, one per dimension of the library's
 * normaliser: team_id, feature_name, environment, tenant_id,
 * workflow_name and user_id.  With --tags, each row's values are looked
 * up before the row reaches a command, and the values to attribute to
 * (the canonical value, the kept unmapped value, the bucket or the empty
 * label) replace the logged ones, so every view groups by them.  The
 * audit and gaps look tags up even without --tags, only to tell missing
 * and empty tags apart; the values are then left as logged.
 *
 * `tags suggest` reads logs and drafts a vocabulary config: the values of
 * each dimension (user ids excepted) clustered by their key under the
 * default folding rules, each cluster's key as the canonical value and
 * its other spellings, most frequent first, as aliases.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const int cli_tag_fields[LLMCOST_TAG_DIM_COUNT] = {
	[LLMCOST_TAG_TEAM] = CLI_F_TEAM_ID,
	[LLMCOST_TAG_FEATURE] = CLI_F_FEATURE_NAME,
	[LLMCOST_TAG_ENVIRONMENT] = CLI_F_ENVIRONMENT,
	[LLMCOST_TAG_TENANT] = CLI_F_TENANT_ID,
	[LLMCOST_TAG_WORKFLOW] = CLI_F_WORKFLOW_NAME,
	[LLMCOST_TAG_USER] = CLI_F_USER_ID,
};


int cli_tag_field(int dim)
{
	if (dim < 0 || dim >= LLMCOST_TAG_DIM_COUNT)
		return -1;
	return cli_tag_fields[dim];
}


static const char **cli_tag_slot(llmcost_record *r, int dim)
{
	switch (dim) {
	case LLMCOST_TAG_TEAM: return &r->team_id;
	case LLMCOST_TAG_FEATURE: return &r->feature_name;
	case LLMCOST_TAG_ENVIRONMENT: return &r->environment;
	case LLMCOST_TAG_TENANT: return &r->tenant_id;
	case LLMCOST_TAG_WORKFLOW: return &r->workflow_name;
	default: return &r->user_id;
	}
}


const char *cli_tag_get(const llmcost_record *r, int dim)
{
	switch (dim) {
	case LLMCOST_TAG_TEAM: return r->team_id;
	case LLMCOST_TAG_FEATURE: return r->feature_name;
	case LLMCOST_TAG_ENVIRONMENT: return r->environment;
	case LLMCOST_TAG_TENANT: return r->tenant_id;
	case LLMCOST_TAG_WORKFLOW: return r->workflow_name;
	default: return r->user_id;
	}
}


/* ---- loading --tags FILE --------------------------------------------- */

/* The library says "line 9, column 18: dimensions.team...: why"; the
 * command says "FILE:9:18: dimensions.team...: why", as compilers do. */
static void cli_tags_error(const char *path, int rc)
{
	const char *msg = llmcost_last_error();
	long line, col;
	int used = 0;

	if (msg[0] == '\0')
		msg = llmcost_status_message(rc);
	if (sscanf(msg, "line %ld, column %ld: %n", &line, &col, &used) == 2
	    && used > 0)
		cli_error("%s:%ld:%ld: %s", path, line, col, msg + used);
	else
		cli_error("%s: %s", path, msg);
}


int cli_tags_load(struct cli_opts *o)
{
	int need = o->tags_path != NULL || o->command == CLI_CMD_AUDIT ||
		   o->command == CLI_CMD_GAPS ||
		   o->command == CLI_CMD_SNAPSHOT;
	int rc;

	if (!need)
		return CLI_EXIT_OK;
	if (llmcost_tags_new(&o->tags) != LLMCOST_OK) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	if (o->tags_path == NULL)
		return CLI_EXIT_OK;
	lc_error_clear();
	rc = llmcost_tags_load_file(o->tags, o->tags_path);
	if (rc == LLMCOST_OK)
		return CLI_EXIT_OK;
	cli_tags_error(o->tags_path, rc);
	return CLI_EXIT_IO;
}


/* ---- every row ------------------------------------------------------- */

/* The value a row is attributed to: NULL for a missing tag with the
 * empty label "", so that a tag not logged stays null in the ledger. */
static const char *cli_tag_value(const llmcost_tag *tag)
{
	if (tag->outcome == LLMCOST_TAG_MISSING && tag->value[0] == '\0')
		return NULL;
	return tag->value;
}


/* *t is reused from row to row: each lookup fills its llmcost_tag
 * whole, so it is set up only once. */
void cli_tags_apply(const struct cli_opts *o, struct cli_request *req,
		    struct cli_tagrow *t)
{
	const char **slot;
	int d;

	for (d = 0; d < LLMCOST_TAG_DIM_COUNT; d++) {
		slot = cli_tag_slot(&req->rec, d);
		t->raw[d] = *slot;
		if (t->tag[d].struct_size == 0)
			llmcost_tag_init(&t->tag[d]);
		/* Fails only for bad arguments, which these are not; the
		 * tag then reads as missing. */
		if (llmcost_tags_lookup(o->tags, d, *slot, (size_t)-1,
					&t->tag[d]) != LLMCOST_OK)
			t->tag[d].outcome = LLMCOST_TAG_MISSING;
		if (o->tags_path != NULL)
			*slot = cli_tag_value(&t->tag[d]);
	}
}


/* ---- tags suggest ---------------------------------------------------- */

/* The dimensions a suggestion covers: user ids pass through. */
#define CLI_SUGGEST_DIMS LLMCOST_TAG_USER

/* One raw value as logged, and how many rows carried it. */
struct cli_spelling {
	const char *raw;	/* owned by the dimension's map */
	int64_t rows;
	char *key;		/* folded by the default rules */
	int usable;		/* may be written as an alias */
	size_t cluster;		/* index of its cluster's first spelling */
	int64_t cluster_rows;
};

struct cli_suggest_dim {
	lc_map *index;		/* raw -> position in v */
	struct cli_spelling *v;
	size_t n;
	size_t cap;
};

struct cli_suggest {
	struct cli_suggest_dim dim[CLI_SUGGEST_DIMS];
};


static int cli_spelling_count(struct cli_suggest_dim *sd, const char *raw)
{
	size_t len = strlen(raw);
	const char *stored;
	uint32_t pos;

	if (lc_map_get(sd->index, raw, len, &pos)) {
		sd->v[pos].rows++;
		return 0;
	}
	if (sd->n == sd->cap) {
		size_t cap = sd->cap ? sd->cap * 2 : 64;
		struct cli_spelling *v;

		if (cap > UINT32_MAX)
			return -1;
		v = realloc(sd->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		sd->v = v;
		sd->cap = cap;
	}
	if (lc_map_put(sd->index, raw, len, (uint32_t)sd->n, &stored) !=
	    LLMCOST_OK)
		return -1;
	memset(&sd->v[sd->n], 0, sizeof(sd->v[sd->n]));
	sd->v[sd->n].raw = stored;
	sd->v[sd->n].rows = 1;
	sd->n++;
	return 0;
}


/* Counts the tag values of every row but duplicates, rejected rows too:
 * a value read from a row that failed for another reason is still a
 * spelling in use. */
static int cli_suggest_row(void *ctx, struct cli_result *res)
{
	struct cli_suggest *s = ctx;
	const struct cli_request *req = res->req;
	const char *raw;
	int d;

	if (res->outcome == CLI_DUPLICATE)
		return CLI_EXIT_OK;
	for (d = 0; d < CLI_SUGGEST_DIMS; d++) {
		raw = cli_tag_get(&req->rec, d);
		if (raw == NULL || !CLI_KNOWN(req, cli_tag_fields[d]))
			continue;
		if (cli_spelling_count(&s->dim[d], raw)) {
			cli_error("%s: out of memory", res->source);
			return CLI_EXIT_IO;
		}
	}
	return CLI_EXIT_OK;
}


/* Folds every spelling.  A spelling that cleaning had to change (invalid
 * UTF-8, control or invisible characters, over 256 bytes) cannot be
 * written in a config, and one equal to its key adds nothing as an
 * alias; both still map, by their key.  Empty keys are left out. */
static int cli_suggest_fold(struct cli_suggest_dim *sd)
{
	char key[LLMCOST_TAG_STRLEN];
	unsigned report;
	size_t i;
	int n;

	for (i = 0; i < sd->n; i++) {
		struct cli_spelling *sp = &sd->v[i];

		n = llmcost_tag_fold(LLMCOST_FOLD_DEFAULT, sp->raw,
				     (size_t)-1, key, sizeof(key), &report);
		if (n <= 0)
			continue;
		sp->key = strdup(key);
		if (sp->key == NULL)
			return -1;
		sp->usable = report == 0 && strcmp(sp->raw, key) != 0;
	}
	return 0;
}


/* By key, then the most rows, then the raw bytes; no key last. */
static int cli_cmp_spelling(const void *pa, const void *pb)
{
	const struct cli_spelling *a = pa, *b = pb;
	int c;

	if ((a->key == NULL) != (b->key == NULL))
		return a->key == NULL ? 1 : -1;
	c = a->key ? strcmp(a->key, b->key) : 0;
	if (c != 0)
		return c;
	if (a->rows != b->rows)
		return a->rows > b->rows ? -1 : 1;
	return strcmp(a->raw, b->raw);
}


/* Spellings sorted by key: marks each cluster's first spelling and its
 * total rows.  Returns the number of clusters. */
static size_t cli_suggest_cluster(struct cli_suggest_dim *sd)
{
	size_t i = 0, j, k, clusters = 0;
	int64_t rows;

	if (sd->n > 1)
		qsort(sd->v, sd->n, sizeof(*sd->v), cli_cmp_spelling);
	while (i < sd->n && sd->v[i].key != NULL) {
		rows = 0;
		for (j = i; j < sd->n && sd->v[j].key != NULL &&
		     strcmp(sd->v[j].key, sd->v[i].key) == 0; j++)
			rows = rows > INT64_MAX - sd->v[j].rows ? INT64_MAX :
			       rows + sd->v[j].rows;
		for (k = i; k < j; k++) {
			sd->v[k].cluster = i;
			sd->v[k].cluster_rows = rows;
		}
		clusters++;
		i = j;
	}
	return clusters;
}


/* Cluster heads, the most rows first, then by key. */
static int cli_cmp_cluster(const void *pa, const void *pb)
{
	const struct cli_spelling *a = *(const struct cli_spelling *const *)pa;
	const struct cli_spelling *b = *(const struct cli_spelling *const *)pb;

	if (a->cluster_rows != b->cluster_rows)
		return a->cluster_rows > b->cluster_rows ? -1 : 1;
	return strcmp(a->key, b->key);
}


static void cli_suggest_values(struct cli_buf *b,
			       const struct cli_suggest_dim *sd,
			       const struct cli_spelling **heads,
			       size_t nheads)
{
	size_t i, k, first;
	int any;

	for (i = 0; i < nheads; i++) {
		first = (size_t)(heads[i] - sd->v);
		cli_buf_puts(b, i ? ",\n        " : "\n        ");
		cli_buf_json_str(b, heads[i]->key);
		cli_buf_puts(b, ": [");
		any = 0;
		for (k = first; k < sd->n && sd->v[k].key != NULL &&
		     sd->v[k].cluster == first; k++) {
			if (!sd->v[k].usable)
				continue;
			cli_buf_puts(b, any ? ", " : "");
			cli_buf_json_str(b, sd->v[k].raw);
			any = 1;
		}
		cli_buf_putc(b, ']');
	}
}


/* Writes one dimension's "name": {"values": {...}}; 0 if it has no
 * value, 1 if written, -1 out of memory. */
static int cli_suggest_dim_write(struct cli_buf *b, int d,
				 struct cli_suggest_dim *sd, int first)
{
	const struct cli_spelling **heads;
	size_t n, i, k = 0;

	if (cli_suggest_fold(sd))
		return -1;
	n = cli_suggest_cluster(sd);
	if (n == 0)
		return 0;
	heads = malloc(n * sizeof(*heads));
	if (heads == NULL)
		return -1;
	for (i = 0; i < sd->n && sd->v[i].key != NULL; i++)
		if (sd->v[i].cluster == i)
			heads[k++] = &sd->v[i];
	qsort(heads, n, sizeof(*heads), cli_cmp_cluster);
	cli_buf_puts(b, first ? "\n    " : ",\n    ");
	cli_buf_json_str(b, llmcost_tag_dim_name(d));
	cli_buf_puts(b, ": {\n      \"values\": {");
	cli_suggest_values(b, sd, heads, n);
	cli_buf_puts(b, "\n      }\n    }");
	free(heads);
	return 1;
}


static int cli_suggest_write(struct cli_suggest *s, FILE *fp)
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	int d, rc, written = 0;

	cli_buf_puts(&b, "{\n  \"version\": 1,\n  \"dimensions\": {");
	for (d = 0; d < CLI_SUGGEST_DIMS; d++) {
		rc = cli_suggest_dim_write(&b, d, &s->dim[d], written == 0);
		if (rc < 0)
			b.failed = 1;
		else
			written += rc;
	}
	cli_buf_puts(&b, written ? "\n  }\n}\n" : "}\n}\n");
	rc = b.failed ? -1 : cli_buf_flush(&b, fp);
	cli_buf_free(&b);
	if (rc != 0) {
		cli_error("writing the suggestion failed (out of memory or "
			  "a write error)");
		return CLI_EXIT_IO;
	}
	return CLI_EXIT_OK;
}


static void cli_suggest_free(struct cli_suggest *s)
{
	size_t i;
	int d;

	for (d = 0; d < CLI_SUGGEST_DIMS; d++) {
		for (i = 0; i < s->dim[d].n; i++)
			free(s->dim[d].v[i].key);
		free(s->dim[d].v);
		lc_map_free(s->dim[d].index);
	}
}


static int cli_suggest_init(struct cli_suggest *s)
{
	int d;

	memset(s, 0, sizeof(*s));
	for (d = 0; d < CLI_SUGGEST_DIMS; d++) {
		s->dim[d].index = lc_map_new();
		if (s->dim[d].index == NULL)
			return -1;
	}
	return 0;
}


int cli_tags_suggest(const struct cli_opts *o, const llmcost_prices *prices)
{
	struct cli_suggest s;
	struct cli_sink sink = { &s, cli_suggest_row };
	struct cli_counts counts;
	FILE *fp;
	int rc, close_rc;

	if (cli_suggest_init(&s)) {
		cli_suggest_free(&s);
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	rc = cli_run(o, prices, &sink, &counts);
	if (rc == CLI_EXIT_OK) {
		fp = cli_out_open(o);
		if (fp == NULL) {
			rc = CLI_EXIT_IO;
		} else {
			rc = cli_suggest_write(&s, fp);
			close_rc = cli_out_close(o, fp);
			if (rc == CLI_EXIT_OK)
				rc = close_rc;
		}
	}
	cli_suggest_free(&s);
	return rc;
}
