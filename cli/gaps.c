/*
 * gaps.c - attribution gaps: the cost that has no owner, or an owner
 * spelled outside the vocabulary, and the rows counted once although
 * logged more often.
 *
 * Every figure is a sum over the rows in the audit's totals (priced and
 * unpriced, duplicates and rejected rows excluded), so a share here is a
 * share of the audit's own total:
 *   - owners: rows, requests and cost with no team, with neither a user
 *     nor a tenant, and with no feature (a tag is "none" when it is
 *     missing or its key is empty: "", "  ", "--");
 *   - unmapped values: with --tags, each raw value of a dimension that
 *     has a vocabulary but no entry for it, with what it cost and the
 *     closest canonical value as a suggestion;
 *   - duplicates: the rows left out because they repeat a kept row
 *     (dedupe.c), grouped by the row they repeat.
 * The sums are checked, though the audit's budget keeps its totals, and
 * so these, in range.  Duplicates are outside the budget: their sums are
 * 128-bit, and a cost sum that would overflow is shown as such.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"

/* Distinct unmapped raw values listed per dimension; the rest are summed
 * in one line, so memory stays bounded whatever the input. */
#define CLI_GAPS_MAX_VALUES 100000

/* Bytes of a duplicated line shown to identify it. */
#define CLI_PREVIEW_BYTES 120

enum cli_gap {
	CLI_GAP_TEAM,
	CLI_GAP_USER_TENANT,
	CLI_GAP_FEATURE,
	CLI_GAP_COUNT
};

static const char *const cli_gap_names[CLI_GAP_COUNT] = {
	"no_team", "no_user_or_tenant", "no_feature"
};

static const char *const cli_gap_labels[CLI_GAP_COUNT] = {
	"no team", "no user or tenant", "no feature"
};

struct cli_gap_sum {
	int64_t rows;
	int64_t requests;
	lc_i128 cost;
};

/* One raw value of one dimension that no vocabulary entry maps. */
struct cli_unmapped_value {
	int dim;
	char *raw;		/* at most LLMCOST_TAG_MAX_BYTES, NUL added */
	char *key;
	char *value;		/* what it was attributed to */
	unsigned flags;		/* LLMCOST_TAG_* report bits, OR-ed */
	struct cli_gap_sum sum;
	const char *closest;	/* owned by the tags handle, or NULL */
	unsigned distance;
};

/* The copies of one kept row that were left out. */
struct cli_dup_group {
	enum cli_dup_kind kind;
	char *shown;		/* the request_id, or the line's start */
	char *first;		/* "file:line" of the kept row */
	char *first_copy;	/* "file:line" of the first copy left out */
	int64_t copies;
	int64_t differing;	/* copies whose line is not the kept one's */
	lc_i128 requests;
	lc_i128 cost;		/* of the priced copies */
	int cost_overflow;
	size_t seq;		/* order first seen */
};

struct cli_dup_totals {
	int64_t rows;
	int64_t by_kind[CLI_DUP_LINE + 1];
	int64_t differing;
	lc_i128 requests;
	lc_i128 cost;
	int cost_overflow;
};

struct cli_gaps {
	struct cli_gap_sum total;
	struct cli_gap_sum owner[CLI_GAP_COUNT];
	struct cli_gap_sum outcome[LLMCOST_TAG_DIM_COUNT]
				  [LLMCOST_TAG_OUTCOME_COUNT];
	int64_t cleaned[LLMCOST_TAG_DIM_COUNT];	/* rows with report bits */
	lc_map *unmapped_index;		/* dim byte + raw -> position */
	struct cli_unmapped_value *unmapped;
	size_t n_unmapped;
	size_t cap_unmapped;
	size_t tracked[LLMCOST_TAG_DIM_COUNT];
	struct cli_gap_sum untracked[LLMCOST_TAG_DIM_COUNT];
	lc_map *dup_index;		/* kind byte + kept source -> pos */
	struct cli_dup_group *dups;
	size_t n_dups;
	size_t cap_dups;
	struct cli_dup_totals dup;
};


struct cli_gaps *cli_gaps_new(void)
{
	struct cli_gaps *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->unmapped_index = lc_map_new();
	g->dup_index = lc_map_new();
	if (g->unmapped_index == NULL || g->dup_index == NULL) {
		cli_gaps_free(g);
		return NULL;
	}
	return g;
}


void cli_gaps_free(struct cli_gaps *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n_unmapped; i++) {
		free(g->unmapped[i].raw);
		free(g->unmapped[i].key);
		free(g->unmapped[i].value);
	}
	free(g->unmapped);
	for (i = 0; i < g->n_dups; i++) {
		free(g->dups[i].shown);
		free(g->dups[i].first);
		free(g->dups[i].first_copy);
	}
	free(g->dups);
	lc_map_free(g->unmapped_index);
	lc_map_free(g->dup_index);
	free(g);
}


/* ---- rows in the totals ------------------------------------------- */

static int cli_sum_add(struct cli_gap_sum *s, int64_t requests, lc_i128 cost)
{
	if (__builtin_add_overflow(s->rows, 1, &s->rows) ||
	    __builtin_add_overflow(s->requests, requests, &s->requests) ||
	    lc_i128_add(s->cost, cost, &s->cost))
		return -1;
	return 0;
}


/* Whether a dimension's values are checked against a vocabulary: with
 * --tags, and only where the config gives canonical values. */
static int cli_dim_checked(const struct cli_opts *o, int dim)
{
	return o->tags_path != NULL &&
	       llmcost_tags_canonical_count(o->tags, dim) > 0;
}


static int cli_tag_none(const struct cli_tagrow *t, int dim)
{
	return t->tag[dim].outcome == LLMCOST_TAG_MISSING ||
	       t->tag[dim].outcome == LLMCOST_TAG_EMPTY;
}


static struct cli_unmapped_value *cli_unmapped_new(struct cli_gaps *g,
						   int dim, const char *raw,
						   size_t len,
						   const llmcost_tag *tag)
{
	struct cli_unmapped_value *u;

	if (g->n_unmapped == g->cap_unmapped) {
		size_t cap = g->cap_unmapped ? g->cap_unmapped * 2 : 32;

		u = realloc(g->unmapped, cap * sizeof(*u));
		if (u == NULL)
			return NULL;
		g->unmapped = u;
		g->cap_unmapped = cap;
	}
	u = &g->unmapped[g->n_unmapped];
	memset(u, 0, sizeof(*u));
	u->dim = dim;
	u->raw = strndup(raw, len);
	u->key = strdup(tag->key);
	u->value = strdup(tag->value);
	if (u->raw == NULL || u->key == NULL || u->value == NULL) {
		free(u->raw);
		free(u->key);
		free(u->value);
		return NULL;
	}
	g->n_unmapped++;
	g->tracked[dim]++;
	return u;
}


/* The entry of an unmapped raw value (told apart, as the library does,
 * by its first LLMCOST_TAG_MAX_BYTES bytes); NULL past the cap, with
 * *failed set when out of memory. */
static struct cli_unmapped_value *cli_unmapped_get(struct cli_gaps *g,
						   int dim, const char *raw,
						   const llmcost_tag *tag,
						   int *failed)
{
	char key[LLMCOST_TAG_MAX_BYTES + 1];
	size_t len = strlen(raw);
	struct cli_unmapped_value *u;
	uint32_t pos;

	if (len > LLMCOST_TAG_MAX_BYTES)
		len = LLMCOST_TAG_MAX_BYTES;
	key[0] = (char)dim;
	memcpy(key + 1, raw, len);
	if (lc_map_get(g->unmapped_index, key, len + 1, &pos))
		return &g->unmapped[pos];
	if (g->tracked[dim] >= CLI_GAPS_MAX_VALUES)
		return NULL;
	u = cli_unmapped_new(g, dim, raw, len, tag);
	if (u == NULL || lc_map_put(g->unmapped_index, key, len + 1,
				    (uint32_t)(g->n_unmapped - 1), NULL)) {
		*failed = 1;
		return NULL;
	}
	return u;
}


static int cli_note_unmapped(struct cli_gaps *g, int dim,
			     const struct cli_tagrow *t, int64_t requests,
			     lc_i128 cost)
{
	struct cli_unmapped_value *u;
	int failed = 0;

	u = cli_unmapped_get(g, dim, t->raw[dim], &t->tag[dim], &failed);
	if (failed)
		return -1;
	if (u == NULL)
		return cli_sum_add(&g->untracked[dim], requests, cost);
	u->flags |= t->tag[dim].flags;
	return cli_sum_add(&u->sum, requests, cost);
}


static int cli_note_tags(struct cli_gaps *g, const struct cli_opts *o,
			 const struct cli_tagrow *t, int64_t requests,
			 lc_i128 cost)
{
	int d, rc = 0;

	for (d = 0; d < LLMCOST_TAG_DIM_COUNT && rc == 0; d++) {
		uint32_t outcome = t->tag[d].outcome;

		if (outcome >= LLMCOST_TAG_OUTCOME_COUNT)
			continue;
		if (t->tag[d].flags & ~LLMCOST_TAG_UNTRACKED)
			g->cleaned[d]++;
		rc = cli_sum_add(&g->outcome[d][outcome], requests, cost);
		if (rc == 0 && outcome == LLMCOST_TAG_UNMAPPED &&
		    t->raw[d] != NULL && cli_dim_checked(o, d))
			rc = cli_note_unmapped(g, d, t, requests, cost);
	}
	return rc;
}


int cli_gaps_note(struct cli_gaps *g, const struct cli_opts *o,
		  const struct cli_result *res)
{
	const struct cli_tagrow *t = res->tags;
	int64_t requests = res->req->rec.request_count;
	lc_i128 cost = 0;
	int rc;

	if (res->outcome == CLI_PRICED)
		cost = lc_money_to_i128(res->cost->total);
	rc = cli_sum_add(&g->total, requests, cost);
	if (rc != 0 || t == NULL)
		return rc;
	if (cli_tag_none(t, LLMCOST_TAG_TEAM))
		rc = cli_sum_add(&g->owner[CLI_GAP_TEAM], requests, cost);
	if (rc == 0 && cli_tag_none(t, LLMCOST_TAG_USER) &&
	    cli_tag_none(t, LLMCOST_TAG_TENANT))
		rc = cli_sum_add(&g->owner[CLI_GAP_USER_TENANT], requests,
				 cost);
	if (rc == 0 && cli_tag_none(t, LLMCOST_TAG_FEATURE))
		rc = cli_sum_add(&g->owner[CLI_GAP_FEATURE], requests, cost);
	return rc == 0 ? cli_note_tags(g, o, t, requests, cost) : rc;
}


/* ---- duplicates ------------------------------------------------------ */

/* The start of the row's line: a JSON line's bytes, or a CSV record's
 * cells joined by commas. */
static char *cli_preview(const struct cli_row *row)
{
	char buf[CLI_PREVIEW_BYTES + 1];
	size_t n = 0, i, len;
	const char *cell;

	buf[0] = '\0';
	if (row->text != NULL) {
		n = row->text_len < CLI_PREVIEW_BYTES ? row->text_len :
		    CLI_PREVIEW_BYTES;
		memcpy(buf, row->text, n);
	}
	for (i = 0; row->csv != NULL && i < row->csv->ncells; i++) {
		cell = cli_csv_cell(row->csv, i);
		len = strlen(cell) + (i > 0);
		if (len > CLI_PREVIEW_BYTES - n)
			len = CLI_PREVIEW_BYTES - n;
		snprintf(buf + n, len + 1, "%s%s", i > 0 ? "," : "", cell);
		n += len;
	}
	buf[n] = '\0';
	return strdup(buf);
}


static struct cli_dup_group *cli_dup_new(struct cli_gaps *g,
					 const struct cli_result *res)
{
	struct cli_dup_group *d;

	if (g->n_dups == g->cap_dups) {
		size_t cap = g->cap_dups ? g->cap_dups * 2 : 32;

		d = realloc(g->dups, cap * sizeof(*d));
		if (d == NULL)
			return NULL;
		g->dups = d;
		g->cap_dups = cap;
	}
	d = &g->dups[g->n_dups];
	memset(d, 0, sizeof(*d));
	d->kind = res->dup_kind;
	d->seq = g->n_dups;
	d->shown = res->dup_kind == CLI_DUP_REQUEST_ID ?
		   strdup(res->req->rec.request_id) : cli_preview(res->row);
	d->first = strdup(res->dup_first);
	d->first_copy = strdup(res->source);
	if (d->shown == NULL || d->first == NULL || d->first_copy == NULL) {
		free(d->shown);
		free(d->first);
		free(d->first_copy);
		return NULL;
	}
	g->n_dups++;
	return d;
}


/* The group of the kept row this one repeats: keyed by the kind and the
 * kept row's source, which names one row. */
static struct cli_dup_group *cli_dup_group(struct cli_gaps *g,
					   const struct cli_result *res)
{
	char key[CLI_SOURCE_SIZE + 1];
	size_t len = strlen(res->dup_first);
	uint32_t pos;

	key[0] = (char)res->dup_kind;
	memcpy(key + 1, res->dup_first, len);
	if (lc_map_get(g->dup_index, key, len + 1, &pos))
		return &g->dups[pos];
	if (cli_dup_new(g, res) == NULL ||
	    lc_map_put(g->dup_index, key, len + 1, (uint32_t)(g->n_dups - 1),
		       NULL) != LLMCOST_OK)
		return NULL;
	return &g->dups[g->n_dups - 1];
}


static void cli_cost_add(lc_i128 *sum, int *overflow, lc_i128 cost)
{
	if (!*overflow && lc_i128_add(*sum, cost, sum))
		*overflow = 1;
}


int cli_gaps_duplicate(struct cli_gaps *g, const struct cli_result *res)
{
	struct cli_dup_group *d = cli_dup_group(g, res);
	int64_t requests = res->req->rec.request_count;
	lc_i128 cost = 0;

	if (d == NULL)
		return -1;
	if (res->cost != NULL && res->status == LLMCOST_OK)
		cost = lc_money_to_i128(res->cost->total);
	d->copies++;
	d->differing += res->dup_differs != 0;
	d->requests += requests;
	cli_cost_add(&d->cost, &d->cost_overflow, cost);
	g->dup.rows++;
	g->dup.by_kind[res->dup_kind]++;
	g->dup.differing += res->dup_differs != 0;
	g->dup.requests += requests;
	cli_cost_add(&g->dup.cost, &g->dup.cost_overflow, cost);
	return 0;
}


/* ---- finishing ------------------------------------------------------- */

/* A suggestion must be within a quarter of the key's length in edits
 * (characters), at least 1 and at most 3: "teama" -> "team-a" (1), but
 * "team-zeta" is not taken for "team-a" (3 edits of 9). */
static unsigned cli_max_distance(const char *key)
{
	size_t chars = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)key; *p; p++)
		chars += (*p & 0xC0) != 0x80;
	if (chars / 4 < 1)
		return 1;
	return chars / 4 > 3 ? 3 : (unsigned)(chars / 4);
}


static void cli_find_closest(struct cli_unmapped_value *u,
			     const struct cli_opts *o)
{
	if (llmcost_tags_closest(o->tags, u->dim, u->raw, strlen(u->raw),
				 cli_max_distance(u->key), NULL, &u->closest,
				 &u->distance) != LLMCOST_OK)
		u->closest = NULL;
}


/* The most cost first, then requests, dimension and raw bytes. */
static int cli_cmp_unmapped(const void *pa, const void *pb)
{
	const struct cli_unmapped_value *a = pa, *b = pb;

	if (a->sum.cost != b->sum.cost)
		return a->sum.cost > b->sum.cost ? -1 : 1;
	if (a->sum.requests != b->sum.requests)
		return a->sum.requests > b->sum.requests ? -1 : 1;
	if (a->dim != b->dim)
		return a->dim - b->dim;
	return strcmp(a->raw, b->raw);
}


/* The most copies first, then in the order first seen. */
static int cli_cmp_dup(const void *pa, const void *pb)
{
	const struct cli_dup_group *a = pa, *b = pb;

	if (a->copies != b->copies)
		return a->copies > b->copies ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}


void cli_gaps_finish(struct cli_gaps *g, const struct cli_opts *o)
{
	size_t i;

	for (i = 0; i < g->n_unmapped; i++)
		cli_find_closest(&g->unmapped[i], o);
	if (g->n_unmapped > 1)
		qsort(g->unmapped, g->n_unmapped, sizeof(*g->unmapped),
		      cli_cmp_unmapped);
	if (g->n_dups > 1)
		qsort(g->dups, g->n_dups, sizeof(*g->dups), cli_cmp_dup);
}


/* ---- text -------------------------------------------------------------- */

/* Formatted numbers for one table row. */
struct cli_gnums {
	char buf[10][64];
	size_t n;
};


static char *cli_gbuf(struct cli_gnums *n)
{
	return n->buf[n->n++ % LC_ARRAY_LEN(n->buf)];
}


static const char *cli_gint(struct cli_gnums *n, int64_t v)
{
	char *b = cli_gbuf(n);

	cli_int_group(v, b, sizeof(n->buf[0]));
	return b;
}


/* A 128-bit count: grouped when it fits in 64 bits. */
static const char *cli_gcount(struct cli_gnums *n, lc_i128 v)
{
	char *b = cli_gbuf(n);

	if (v >= INT64_MIN && v <= INT64_MAX)
		cli_int_group((int64_t)v, b, sizeof(n->buf[0]));
	else if (lc_i128_format(v, b, sizeof(n->buf[0])) < 0)
		snprintf(b, sizeof(n->buf[0]), "?");
	return b;
}


static const char *cli_gusd(struct cli_gnums *n, lc_i128 v)
{
	char *b = cli_gbuf(n);

	cli_money_round(v, 4, b, sizeof(n->buf[0]));
	return b;
}


/* part / whole as "12.34%", rounded half up; "-" without a whole. */
static const char *cli_gshare(struct cli_gnums *n, lc_i128 part,
			      lc_i128 whole)
{
	char *b = cli_gbuf(n);
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


static size_t cli_gshown(const struct cli_audit *a, size_t n)
{
	if (a->opts->limit > 0 && (size_t)a->opts->limit < n)
		return (size_t)a->opts->limit;
	return n;
}


static void cli_gmore(FILE *fp, size_t shown, size_t n)
{
	if (shown < n)
		fprintf(fp, "  (%zu more; --limit 0 shows all)\n", n - shown);
}


static int cli_owner_row(struct cli_table *tab, const char *label,
			 const struct cli_gap_sum *s,
			 const struct cli_gap_sum *total)
{
	struct cli_gnums n = { .n = 0 };
	const char *cells[6];

	cells[0] = label;
	cells[1] = cli_gint(&n, s->rows);
	cells[2] = cli_gint(&n, s->requests);
	cells[3] = cli_gshare(&n, s->requests, total->requests);
	cells[4] = cli_gusd(&n, s->cost);
	cells[5] = cli_gshare(&n, s->cost, total->cost);
	return cli_table_add(tab, cells);
}


static void cli_write_vocabularies(const struct cli_opts *o, FILE *fp)
{
	int d, any = 0;

	if (o->tags_path == NULL) {
		fputs("  no --tags: tags as logged; a tag is none when it is "
		      "missing or empty (\"\", \"  \", \"--\")\n", fp);
		return;
	}
	fputs("  --tags ", fp);
	cli_text_put(fp, o->tags_path);
	fputs(": vocabularies", fp);
	for (d = 0; d < LLMCOST_TAG_DIM_COUNT; d++) {
		size_t n = llmcost_tags_canonical_count(o->tags, d);

		if (n == 0)
			continue;
		fprintf(fp, "%s %s %zu", any ? "," : "",
			llmcost_tag_dim_name(d), n);
		any = 1;
	}
	fputs(any ? "\n" : " none\n", fp);
}


static int cli_write_owners(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"gap", "rows", "requests", "share of requests", "cost USD",
		"share of cost"
	};
	const struct cli_gaps *g = a->gaps;
	struct cli_table *tab = cli_table_new(6, headers, "lrrrrr");
	int i, rc = 0;

	fputs("\nAttribution gaps (rows in the totals, duplicates and "
	      "rejected rows excluded; cost of priced rows)\n", fp);
	for (i = 0; i < CLI_GAP_COUNT && rc == 0; i++)
		rc = cli_owner_row(tab, cli_gap_labels[i], &g->owner[i],
				   &g->total);
	if (rc == 0)
		rc = cli_owner_row(tab, "total", &g->total, &g->total);
	cli_table_print(tab, fp);
	cli_table_free(tab);
	cli_write_vocabularies(a->opts, fp);
	return rc;
}


/* cells[0..3) and cells[7] are the caller's; the sums are added. */
static int cli_unmapped_cells(struct cli_table *tab, const char **cells,
			      const struct cli_gap_sum *s,
			      const struct cli_gap_sum *total)
{
	struct cli_gnums n = { .n = 0 };

	cells[3] = cli_gint(&n, s->rows);
	cells[4] = cli_gint(&n, s->requests);
	cells[5] = cli_gusd(&n, s->cost);
	cells[6] = cli_gshare(&n, s->cost, total->cost);
	return cli_table_add(tab, cells);
}


static int cli_unmapped_row(struct cli_table *tab,
			    const struct cli_unmapped_value *u,
			    const struct cli_gap_sum *total)
{
	char suggestion[LLMCOST_TAG_STRLEN + 32];
	const char *cells[8];

	if (u->closest == NULL)
		snprintf(suggestion, sizeof(suggestion), "-");
	else
		snprintf(suggestion, sizeof(suggestion), "%s (%u edit%s)",
			 u->closest, u->distance, u->distance == 1 ? "" : "s");
	cells[0] = llmcost_tag_dim_name(u->dim);
	cells[1] = u->raw;
	cells[2] = u->value[0] ? u->value : "(none)";
	cells[7] = suggestion;
	return cli_unmapped_cells(tab, cells, &u->sum, total);
}


/* One line per dimension whose unmapped values passed the cap. */
static int cli_untracked_rows(struct cli_table *tab,
			      const struct cli_gaps *g)
{
	const char *cells[8];
	char label[64];
	int d, rc = 0;

	snprintf(label, sizeof(label), "(values past the first %d)",
		 CLI_GAPS_MAX_VALUES);
	for (d = 0; d < LLMCOST_TAG_DIM_COUNT && rc == 0; d++) {
		if (g->untracked[d].rows == 0)
			continue;
		cells[0] = llmcost_tag_dim_name(d);
		cells[1] = label;
		cells[2] = "";
		cells[7] = "-";
		rc = cli_unmapped_cells(tab, cells, &g->untracked[d],
					&g->total);
	}
	return rc;
}


static void cli_write_checked(const struct cli_opts *o, FILE *fp)
{
	int d, any = 0;

	fputs("  not checked (no canonical values in the config):", fp);
	for (d = 0; d < LLMCOST_TAG_DIM_COUNT; d++) {
		if (cli_dim_checked(o, d))
			continue;
		fprintf(fp, "%s %s", any ? "," : "", llmcost_tag_dim_name(d));
		any = 1;
	}
	fputs(any ? "\n" : " none\n", fp);
}


static void cli_write_cleaned(const struct cli_gaps *g, FILE *fp)
{
	int d, any = 0;

	for (d = 0; d < LLMCOST_TAG_DIM_COUNT; d++) {
		if (g->cleaned[d] == 0)
			continue;
		if (!any)
			fputs("  cleaned before lookup (invalid UTF-8, control "
			      "or invisible characters, over 256 bytes):",
			      fp);
		fprintf(fp, "%s %s %lld row%s", any ? "," : "",
			llmcost_tag_dim_name(d), (long long)g->cleaned[d],
			g->cleaned[d] == 1 ? "" : "s");
		any = 1;
	}
	if (any)
		fputc('\n', fp);
}


static int cli_write_unmapped(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"dimension", "value as logged", "attributed to", "rows",
		"requests", "cost USD", "share of cost", "closest canonical"
	};
	const struct cli_gaps *g = a->gaps;
	size_t i, shown = cli_gshown(a, g->n_unmapped);
	struct cli_table *tab;
	int rc = 0;

	fputs("\nUnmapped tag values (raw values in no vocabulary entry; "
	      "closest canonical value within a quarter of the key's length "
	      "in edits)\n", fp);
	if (a->opts->tags_path == NULL) {
		fputs("  not checked: no --tags (llmcost tags suggest drafts "
		      "a vocabulary)\n", fp);
		cli_write_cleaned(g, fp);
		return 0;
	}
	tab = cli_table_new(8, headers, "lllrrrrl");
	for (i = 0; i < shown && rc == 0; i++)
		rc = cli_unmapped_row(tab, &g->unmapped[i], &g->total);
	if (rc == 0)
		rc = cli_untracked_rows(tab, g);
	if (g->n_unmapped == 0 && rc == 0)
		fputs("  none\n", fp);
	else
		cli_table_print(tab, fp);
	cli_table_free(tab);
	cli_gmore(fp, shown, g->n_unmapped);
	cli_write_checked(a->opts, fp);
	cli_write_cleaned(g, fp);
	return rc;
}


static const char *cli_dup_cost(struct cli_gnums *n, lc_i128 cost,
				int overflow)
{
	return overflow ? "overflow" : cli_gusd(n, cost);
}


static void cli_write_dup_summary(const struct cli_gaps *g, FILE *fp)
{
	const struct cli_dup_totals *t = &g->dup;
	struct cli_gnums n = { .n = 0 };

	fprintf(fp, "  %s duplicate row%s of %zu kept row%s: %s requests "
		"and USD %s not counted twice (same request_id: %lld, "
		"identical lines: %lld; copies that differ from the kept "
		"row: %lld)\n", cli_gint(&n, t->rows), t->rows == 1 ? "" : "s",
		g->n_dups, g->n_dups == 1 ? "" : "s",
		cli_gcount(&n, t->requests),
		cli_dup_cost(&n, t->cost, t->cost_overflow),
		(long long)t->by_kind[CLI_DUP_REQUEST_ID],
		(long long)t->by_kind[CLI_DUP_LINE], (long long)t->differing);
}


static int cli_dup_row(struct cli_table *tab, const struct cli_dup_group *d)
{
	struct cli_gnums n = { .n = 0 };
	const char *cells[8];

	cells[0] = d->kind == CLI_DUP_LINE ? "line" : "request_id";
	cells[1] = d->shown;
	cells[2] = cli_gint(&n, d->copies);
	cells[3] = cli_gint(&n, d->differing);
	cells[4] = cli_gcount(&n, d->requests);
	cells[5] = cli_dup_cost(&n, d->cost, d->cost_overflow);
	cells[6] = d->first;
	cells[7] = d->first_copy;
	return cli_table_add(tab, cells);
}


static int cli_write_dups(const struct cli_audit *a, FILE *fp)
{
	static const char *const headers[] = {
		"kind", "request_id or line", "copies", "differing",
		"requests", "cost USD", "kept row", "first copy"
	};
	const struct cli_gaps *g = a->gaps;
	size_t i, shown = cli_gshown(a, g->n_dups);
	struct cli_table *tab;
	int rc = 0;

	fputs("\nDuplicates (rows that repeat a kept row's request_id, or "
	      "with --dedupe-lines its whole line: counted once, the copies "
	      "are in no total)\n", fp);
	if (a->opts->keep_dups) {
		fputs("  not checked (--keep-duplicates)\n", fp);
		return 0;
	}
	if (g->n_dups == 0) {
		fprintf(fp, "  none (compared by request_id%s)\n",
			a->opts->dedupe_lines ? " and by whole line" :
			"; --dedupe-lines also compares whole lines");
		return 0;
	}
	cli_write_dup_summary(g, fp);
	tab = cli_table_new(8, headers, "llrrrrll");
	for (i = 0; i < shown && rc == 0; i++)
		rc = cli_dup_row(tab, &g->dups[i]);
	cli_table_print(tab, fp);
	cli_table_free(tab);
	cli_gmore(fp, shown, g->n_dups);
	return rc;
}


int cli_gaps_text(const struct cli_audit *a, FILE *fp)
{
	int rc = cli_write_owners(a, fp);

	if (rc == 0)
		rc = cli_write_unmapped(a, fp);
	if (rc == 0)
		rc = cli_write_dups(a, fp);
	return rc;
}


/* ---- JSON -------------------------------------------------------------- */

static void cli_json_sum(struct cli_jw *w, const char *key,
			 const struct cli_gap_sum *s)
{
	cli_jw_open(w, key, '{');
	cli_jw_int(w, "rows", s->rows);
	cli_jw_int(w, "requests", s->requests);
	cli_jw_money(w, "cost_usd", s->cost);
	cli_jw_close(w, '}');
}


static void cli_json_owners(struct cli_jw *w, const struct cli_gaps *g)
{
	int i;

	cli_jw_open(w, "owners", '[');
	for (i = 0; i < CLI_GAP_COUNT; i++) {
		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "gap", cli_gap_names[i]);
		cli_jw_int(w, "rows", g->owner[i].rows);
		cli_jw_int(w, "requests", g->owner[i].requests);
		cli_jw_money(w, "cost_usd", g->owner[i].cost);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_dims(struct cli_jw *w, const struct cli_audit *a)
{
	const struct cli_gaps *g = a->gaps;
	int d, k;

	cli_jw_open(w, "dimensions", '[');
	for (d = 0; d < LLMCOST_TAG_DIM_COUNT; d++) {
		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "dimension", llmcost_tag_dim_name(d));
		cli_jw_int(w, "canonical_values", a->opts->tags_path == NULL ?
			   0 : (int64_t)llmcost_tags_canonical_count(
				   a->opts->tags, d));
		cli_jw_bool(w, "checked", cli_dim_checked(a->opts, d));
		for (k = 0; k < LLMCOST_TAG_OUTCOME_COUNT; k++)
			cli_json_sum(w, llmcost_tag_outcome_name(k),
				     &g->outcome[d][k]);
		cli_jw_int(w, "cleaned_rows", g->cleaned[d]);
		cli_json_sum(w, "unmapped_untracked", &g->untracked[d]);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_flags(struct cli_jw *w, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ LLMCOST_TAG_BAD_UTF8, "bad_utf8" },
		{ LLMCOST_TAG_NUL, "nul" },
		{ LLMCOST_TAG_CONTROL, "control" },
		{ LLMCOST_TAG_TOO_LONG, "too_long" },
	};
	size_t i;

	cli_jw_open(w, "flags", '[');
	for (i = 0; i < LC_ARRAY_LEN(names); i++)
		if (flags & names[i].bit)
			cli_jw_str(w, NULL, names[i].name);
	cli_jw_close(w, ']');
}


static void cli_json_unmapped(struct cli_jw *w, const struct cli_gaps *g)
{
	size_t i;

	cli_jw_open(w, "unmapped", '[');
	for (i = 0; i < g->n_unmapped; i++) {
		const struct cli_unmapped_value *u = &g->unmapped[i];

		cli_jw_open(w, NULL, '{');
		cli_jw_str(w, "dimension", llmcost_tag_dim_name(u->dim));
		cli_jw_str(w, "raw", u->raw);
		cli_jw_str(w, "key", u->key);
		cli_jw_str(w, "attributed_to", u->value);
		cli_json_flags(w, u->flags);
		cli_jw_int(w, "rows", u->sum.rows);
		cli_jw_int(w, "requests", u->sum.requests);
		cli_jw_money(w, "cost_usd", u->sum.cost);
		cli_jw_str(w, "closest", u->closest);
		if (u->closest != NULL)
			cli_jw_int(w, "distance", u->distance);
		else
			cli_jw_str(w, "distance", NULL);
		cli_jw_close(w, '}');
	}
	cli_jw_close(w, ']');
}


static void cli_json_dup_cost(struct cli_jw *w, lc_i128 cost, int overflow)
{
	if (overflow)
		cli_jw_str(w, "cost_usd", NULL);
	else
		cli_jw_money(w, "cost_usd", cost);
}


static void cli_json_dup_group(struct cli_jw *w, const struct cli_dup_group *d)
{
	int line = d->kind == CLI_DUP_LINE;

	cli_jw_open(w, NULL, '{');
	cli_jw_str(w, "kind", line ? "line" : "request_id");
	cli_jw_str(w, "request_id", line ? NULL : d->shown);
	cli_jw_str(w, "line_start", line ? d->shown : NULL);
	cli_jw_str(w, "kept", d->first);
	cli_jw_str(w, "first_copy", d->first_copy);
	cli_jw_int(w, "copies", d->copies);
	cli_jw_int(w, "differing", d->differing);
	cli_jw_i128(w, "requests", d->requests);
	cli_json_dup_cost(w, d->cost, d->cost_overflow);
	cli_jw_close(w, '}');
}


static void cli_json_dups(struct cli_jw *w, const struct cli_audit *a)
{
	const struct cli_gaps *g = a->gaps;
	const struct cli_dup_totals *t = &g->dup;
	size_t i;

	cli_jw_open(w, "duplicates", '{');
	cli_jw_str(w, "compared_by", a->opts->keep_dups ? "none" :
		   a->opts->dedupe_lines ? "request_id_and_line" :
		   "request_id");
	cli_jw_int(w, "rows", t->rows);
	cli_jw_int(w, "by_request_id", t->by_kind[CLI_DUP_REQUEST_ID]);
	cli_jw_int(w, "by_line", t->by_kind[CLI_DUP_LINE]);
	cli_jw_int(w, "differing", t->differing);
	cli_jw_i128(w, "requests", t->requests);
	cli_json_dup_cost(w, t->cost, t->cost_overflow);
	cli_jw_int(w, "kept_rows", (int64_t)g->n_dups);
	cli_jw_open(w, "groups", '[');
	for (i = 0; i < g->n_dups; i++)
		cli_json_dup_group(w, &g->dups[i]);
	cli_jw_close(w, ']');
	cli_jw_close(w, '}');
}


void cli_gaps_json(const struct cli_audit *a, struct cli_jw *w)
{
	const struct cli_gaps *g = a->gaps;

	cli_jw_open(w, "attribution_gaps", '{');
	cli_jw_str(w, "tags_file", a->opts->tags_path);
	cli_json_sum(w, "totals", &g->total);
	cli_json_owners(w, g);
	cli_json_dims(w, a);
	cli_json_unmapped(w, g);
	cli_json_dups(w, a);
	cli_jw_close(w, '}');
}
