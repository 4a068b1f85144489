/*
 * cli.h - the parts of the llmcost command shared between its files.
 *
 * The command reads usage logs (JSON Lines or CSV), turns every line into
 * an llmcost_record through a field mapping, prices it with the library
 * and hands the result to a sink: the ledger writer or the audit.
 */
#ifndef LLMCOST_CLI_H
#define LLMCOST_CLI_H

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Exit codes (documented in docs/cli.md and --help). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_USAGE 1
#define CLI_EXIT_IO 2
#define CLI_EXIT_STRICT 3

/* Room for a rejection reason, "field F: why". */
#define CLI_REASON_SIZE 320

/* Room for a source name, "file:line". */
#define CLI_SOURCE_SIZE 1100

/* The longest input line (CSV: record) read; a longer one is a rejected
 * row, skipped without being held in memory. */
#define CLI_LINE_MAX ((size_t)16 << 20)
#define CLI_LINE_MAX_TEXT "16 MiB"

enum cli_command {
	CLI_CMD_LEDGER,
	CLI_CMD_AUDIT,
	CLI_CMD_GAPS,		/* the audit's accounting and gaps only */
	CLI_CMD_TAGS_SUGGEST,	/* `tags suggest`: a vocabulary config */
	CLI_CMD_FOCUS,		/* `export focus`: FOCUS 1.2 CSV */
	CLI_CMD_REPORT,		/* `report`: one self-contained HTML file */
	CLI_CMD_SNAPSHOT	/* `snapshot`: the audit's rollup, saved */
};

enum cli_format {
	CLI_FMT_DEFAULT,
	CLI_FMT_JSONL,
	CLI_FMT_CSV,
	CLI_FMT_TEXT,
	CLI_FMT_JSON,
	CLI_FMT_BINARY		/* snapshot, merge: the binary snapshot */
};

/* The canonical input fields, in the order of docs/cli.md. */
enum cli_field {
	CLI_F_TIMESTAMP,
	CLI_F_REQUEST_ID,
	CLI_F_TEAM_ID,
	CLI_F_USER_ID,
	CLI_F_TENANT_ID,
	CLI_F_FEATURE_NAME,
	CLI_F_ENVIRONMENT,
	CLI_F_PROVIDER,
	CLI_F_MODEL,
	CLI_F_INPUT_TOKENS,
	CLI_F_OUTPUT_TOKENS,
	CLI_F_CACHED_TOKENS,
	CLI_F_CACHE_WRITE_TOKENS,
	CLI_F_CACHE_WRITE_1H_TOKENS,
	CLI_F_REASONING_TOKENS,
	CLI_F_REQUEST_COUNT,
	CLI_F_LATENCY_MS,
	CLI_F_STATUS_CODE,
	CLI_F_RETRY_COUNT,
	CLI_F_PROMPT_TEMPLATE_VERSION,
	CLI_F_WORKFLOW_NAME,
	CLI_F_SERVICE_TIER,
	CLI_F_REGION,
	CLI_F_WEB_SEARCH_REQUESTS,
	CLI_F_REPORTED_COST,
	CLI_F_COUNT
};

/* The canonical name of a field ("input_tokens"). */
const char *cli_field_name(int field);

/* The field named name, or -1. */
int cli_field_lookup(const char *name);

/* ---- options ------------------------------------------------------- */

/* A KEY=VALUE argument; both point into argv or static text. */
struct cli_pair {
	const char *key;
	const char *value;
};

struct cli_pairs {
	struct cli_pair *v;
	size_t n;
	size_t cap;
};

/* One --prices argument: a file and the instant it took effect. */
struct cli_price_file {
	const char *path;
	int64_t valid_from_ms;	/* LLMCOST_TIME_UNKNOWN: always */
	size_t diag_first;	/* its load diagnostics: [first, end) */
	size_t diag_end;
};

struct cli_opts {
	enum cli_command command;
	enum cli_format format;
	const char *output;	/* NULL: stdout */
	int input_csv;		/* 1 CSV, 0 JSON Lines, -1 by extension */
	int strict;
	int show_diags;		/* --show-diagnostics */
	long limit;		/* rows per audit table; 0: all */
	struct cli_price_file *prices;
	size_t n_prices;
	struct cli_pairs wheres;
	struct cli_pairs aliases;
	const char *paths[CLI_F_COUNT];	/* where each field is read */
	lc_map *top;		/* top-level JSON key -> bit per field */
	uint32_t dotted;	/* bit per field with a dotted path */
	uint32_t mapped;	/* bit per field set by --map or a preset */
	const char *preset;
	char **files;
	size_t n_files;
	char **owned;		/* --map/--where/--model-alias keys, copied */
	size_t n_owned;
	const char *tags_path;	/* --tags FILE, or NULL */
	llmcost_tags *tags;	/* audit, gaps and --tags: lookups; else NULL */
	int dedupe_lines;	/* --dedupe-lines */
	int keep_dups;		/* --keep-duplicates */
	const char **contracts;	/* --contract FILE, in order */
	size_t n_contracts;
	int focus_hourly;	/* export focus --granularity hour */
	const char *focus_like;	/* export focus --like FILE */
	const char *billing_account; /* export focus --billing-account */
	const char **baseline;	/* report --baseline FILE, in order */
	size_t n_baseline;
	const char *title;	/* report --title */
	int usage_shape;	/* --usage-shape: llmcost_usage_shape, or 0 */
	const char *usage_path;	/* --map usage=PATH, or NULL: the line */
	struct cli_pairs deployments;	/* --deployment NAME=MODEL */
	int from_snapshots;	/* audit --snapshot: files are snapshots */
	/* audit --format json with a comparison period: the spend change
	 * as JSON text, written as the member "spend_change"; else NULL */
	const char *spend_change_json;
};

/* Parses argv.  On a usage error prints to stderr and returns
 * CLI_EXIT_USAGE; returns -1 after printing help or the version (exit 0);
 * CLI_EXIT_OK when the command should run. */
int cli_opts_parse(struct cli_opts *o, int argc, char **argv);
void cli_opts_free(struct cli_opts *o);
void cli_usage(FILE *fp);

/* ---- CSV ----------------------------------------------------------- */

/* One CSV record being decoded, fed one physical line at a time. */
struct cli_csv {
	char *text;		/* decoded cells, each NUL-terminated */
	size_t len;
	size_t cap;
	size_t *starts;		/* offset of each cell in text */
	size_t ncells;
	size_t cells_cap;
	size_t mark;		/* where the current cell began */
	int state;
	int failed;		/* nonzero once the record is malformed */
	char err[128];
};

void cli_csv_init(struct cli_csv *c);
void cli_csv_free(struct cli_csv *c);

/* Starts a new record. */
void cli_csv_reset(struct cli_csv *c);

/* Feeds one physical line (with its newline, if any).  Returns 1 when the
 * record is complete, 0 when a quoted field continues on the next line,
 * -1 when out of memory.  A record past CLI_LINE_MAX is malformed. */
int cli_csv_feed(struct cli_csv *c, const char *line, size_t len);

/* Makes the record malformed for why, ending it with this line. */
void cli_csv_fail(struct cli_csv *c, const char *why);

/* Ends the input: a record still inside quotes becomes malformed. */
void cli_csv_finish(struct cli_csv *c);

/* Cell number i of a completed record. */
const char *cli_csv_cell(const struct cli_csv *c, size_t i);

/* ---- input --------------------------------------------------------- */

enum cli_value_kind {
	CLI_V_MISSING,		/* no such path or column, or an empty cell */
	CLI_V_NULL,		/* JSON null */
	CLI_V_STRING,		/* JSON string */
	CLI_V_NUMBER,		/* JSON number (its source text) */
	CLI_V_TEXT,		/* CSV cell */
	CLI_V_BOOL,		/* JSON true or false */
	CLI_V_OTHER		/* JSON object or array */
};

struct cli_value {
	enum cli_value_kind kind;
	const char *text;	/* NUL-terminated; "" for MISSING and OTHER */
};

/* One input line (JSON Lines) or record (CSV). */
struct cli_row {
	const char *file;	/* name as shown in messages */
	long line;		/* first physical line of the row */
	int status;		/* LLMCOST_OK, or why the row is malformed */
	char reason[CLI_REASON_SIZE];
	struct cJSON *json;
	const struct cli_csv *csv;
	const struct cli_csv *header;
	const char *text;	/* JSON Lines: the line without its end */
	size_t text_len;
};

struct cli_input {
	const char *name;
	int fd;
	int is_stdin;
	int csv;
	long line;		/* physical lines consumed */
	char *buf;		/* the current physical line */
	size_t cap;
	int too_long;		/* it was longer than CLI_LINE_MAX */
	char *in;		/* bytes read ahead */
	size_t in_pos;
	size_t in_len;
	int eof;
	int read_errno;		/* errno of a failed read, or 0 */
	struct cli_csv rec;
	struct cli_csv header;
	int have_header;
	long blank;		/* blank lines skipped */
	struct cli_row row;
};

/* Opens path ("-" is stdin) as CSV or JSON Lines.  Returns LLMCOST_OK or
 * LLMCOST_E_IO (with errno text printed by the caller). */
int cli_input_open(struct cli_input *in, const char *path, int csv);

/* 1 if the input just opened starts as an llmcost snapshot (binary or
 * JSON) rather than a log; its bytes are kept for reading either way. */
int cli_input_is_snapshot(struct cli_input *in);

/* Reads the next row into in->row.  Returns 1, 0 at the end, or
 * LLMCOST_E_IO / LLMCOST_E_NOMEM / LLMCOST_E_PARSE (a bad CSV header) /
 * LLMCOST_E_NOTFOUND (a --map or --where column the CSV header lacks;
 * in->row.reason says which). */
int cli_input_next(const struct cli_opts *o, struct cli_input *in);

void cli_input_close(struct cli_input *in);

/* Looks up path in a row (a dotted JSON path, or a CSV column name). */
void cli_row_value(const struct cli_row *row, const char *path,
		   struct cli_value *out);

/* Looks up every field of o in a row: one pass over a JSON object's keys
 * (the first of duplicate keys wins), then the dotted paths. */
void cli_row_values(const struct cli_opts *o, const struct cli_row *row,
		    struct cli_value out[CLI_F_COUNT]);

/* ---- requests ------------------------------------------------------ */

struct cli_request {
	llmcost_record rec;
	const char *logged_model;	/* before --model-alias, or NULL */
	int has_reported;
	lc_i128 reported;		/* reported_cost_usd in 10^-18 USD */
	uint32_t known;			/* bit per field read without error */
	int status;			/* LLMCOST_OK or why it is rejected */
	char reason[CLI_REASON_SIZE];	/* "field F: why" */
};

#define CLI_KNOWN(req, f) (((req)->known >> (f)) & 1u)

/* Builds a request from a well-formed row.  Sets req->status. */
void cli_request_build(const struct cli_opts *o, const struct cli_row *row,
		       struct cli_request *req);

/* 1 if every --where matches the row. */
int cli_where_match(const struct cli_opts *o, const struct cli_row *row);

/* Decimal text (as llmcost_money_parse() reads it, any number of digits
 * and any exponent) times 10^scale, rounded half away from zero
 * (floor = 0) or down (floor = 1) to an integer.  *inexact (may be NULL)
 * is set when digits were dropped.  LLMCOST_OK, LLMCOST_E_PARSE or
 * LLMCOST_E_RANGE (the result does not fit in 128 bits). */
int cli_decimal_scaled(const char *s, int scale, int floor, lc_i128 *out,
		       int *inexact);

/* ---- the run ------------------------------------------------------- */

enum cli_outcome {
	CLI_PRICED,
	CLI_UNPRICED,
	CLI_REJECTED,
	CLI_DUPLICATE		/* a copy of an earlier row: in no total */
};

/* How a duplicate row was found (docs/cli.md, "Duplicates"). */
enum cli_dup_kind {
	CLI_DUP_NONE,
	CLI_DUP_REQUEST_ID,	/* an earlier row had its request_id */
	CLI_DUP_LINE		/* --dedupe-lines: an earlier line was equal */
};

/* A row's tags as logged and as looked up (tags_cli.c). */
struct cli_tagrow {
	const char *raw[LLMCOST_TAG_DIM_COUNT];	/* as logged; NULL: none */
	llmcost_tag tag[LLMCOST_TAG_DIM_COUNT];
};

/* What a sink receives for each row. */
struct cli_result {
	const struct cli_row *row;
	const struct cli_request *req;
	const llmcost_cost *cost;	/* NULL when rejected before pricing */
	enum cli_outcome outcome;
	int status;			/* the status behind the outcome */
	const char *reason;		/* "" when priced */
	char source[CLI_SOURCE_SIZE];	/* "file:line" */
	char sink_reason[CLI_REASON_SIZE]; /* see cli_result_reject() */
	const struct cli_tagrow *tags;	/* NULL when o->tags is NULL */
	enum cli_dup_kind dup_kind;	/* CLI_DUPLICATE: how it was found */
	int dup_differs;		/* its line differs from the kept one */
	char dup_first[CLI_SOURCE_SIZE]; /* "file:line" of the kept copy */
};

/* Lets a sink reject a row it cannot take (a sum would overflow): the
 * row is then counted as rejected with status and the reason. */
void cli_result_reject(struct cli_result *res, int status, const char *fmt,
		       ...) LC_PRINTF(3, 4);

struct cli_sink {
	void *ctx;
	/* Returns 0, or an exit code to stop the run.  May reject the row
	 * with cli_result_reject(). */
	int (*row)(void *ctx, struct cli_result *res);
};

struct cli_counts {
	long lines;		/* non-blank lines or records read */
	long blank;
	long filtered;
	long rows;	/* = priced + unpriced + rejected + duplicates */
	long priced;
	long unpriced;
	long rejected;
	long duplicates;
};

/* Reads every input file and feeds each row to the sink.  Returns an exit
 * code. */
int cli_run(const struct cli_opts *o, const llmcost_prices *prices,
	    struct cli_sink *sink, struct cli_counts *counts);

/* Loads --prices files (or the default book), noting in o->prices which
 * load diagnostics each file gave.  Prints the error and returns
 * CLI_EXIT_IO on failure (also for a file that holds no prices). */
int cli_prices_load(struct cli_opts *o, llmcost_prices **out);

/* The --prices file that gave diagnostic number index, or NULL (the
 * default book). */
const char *cli_diag_file(const struct cli_opts *o, size_t index);

/* Prints every price-table load diagnostic to stderr as a warning. */
void cli_diags_print(const struct cli_opts *o, const llmcost_prices *p);

/* ---- canonical tags and duplicates -------------------------------- */

/* The input field a tag dimension is read from (CLI_F_TEAM_ID, ...). */
int cli_tag_field(int dim);

/* The record's value of a tag dimension (r->team_id, ...). */
const char *cli_tag_get(const llmcost_record *r, int dim);

/* Makes o->tags for the commands that look tags up (audit, gaps, and any
 * command given --tags) and loads --tags FILE into it.  Prints the error
 * as FILE:LINE:COLUMN: FIELD: why and returns CLI_EXIT_IO on failure. */
int cli_tags_load(struct cli_opts *o);

/* Looks up the row's six tag fields in o->tags into *t and, with --tags,
 * puts the values to attribute to in the record in their place. */
void cli_tags_apply(const struct cli_opts *o, struct cli_request *req,
		    struct cli_tagrow *t);

/* Which rows were seen: request ids and line digests (dedupe.c). */
struct cli_dedupe;

struct cli_dedupe *cli_dedupe_new(void);
void cli_dedupe_free(struct cli_dedupe *d);

/* Makes a priced or unpriced row a CLI_DUPLICATE if an earlier kept row
 * had its request_id or (--dedupe-lines) was the same line. */
void cli_dedupe_check(struct cli_dedupe *d, const struct cli_opts *o,
		      struct cli_result *res);

/* Remembers a row the sink kept (priced or unpriced).  -1 out of
 * memory. */
int cli_dedupe_keep(struct cli_dedupe *d, const struct cli_opts *o,
		    const struct cli_result *res);

/* Installs cJSON allocation hooks backed by an arena that is emptied at
 * every row (the run's own process only), and removes them. */
void cli_arena_begin(void);
void cli_arena_reset(void);
void cli_arena_end(void);

/* Whether the hooks are installed: a row's JSON then needs no freeing,
 * the next reset takes it. */
int cli_arena_active(void);

/* ---- output -------------------------------------------------------- */

/* Refuses (exit 2, after printing why) an output that is the same
 * regular file as an input or a price file: writing it would destroy
 * what is being read.  Checks standard output too when there is no -o. */
int cli_out_check(const struct cli_opts *o);

/* Opens -o FILE or stdout; returns NULL after printing an error. */
FILE *cli_out_open(const struct cli_opts *o);

/* Closes the output; returns CLI_EXIT_IO if a write failed. */
int cli_out_close(const struct cli_opts *o, FILE *fp);

/* A growable byte buffer.  After an allocation failure it keeps what it
 * had and sets failed. */
struct cli_buf {
	char *p;
	size_t len;
	size_t cap;
	int failed;
};

void cli_buf_free(struct cli_buf *b);

/* Makes room for n more bytes; -1 (and failed set) if it cannot. */
int cli_buf_room(struct cli_buf *b, size_t n);

static inline void cli_buf_put(struct cli_buf *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (n <= b->cap - b->len || cli_buf_room(b, n) == 0) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
}


static inline void cli_buf_putc(struct cli_buf *b, char c)
{
	if (b->len < b->cap || cli_buf_room(b, 1) == 0)
		b->p[b->len++] = c;
}


void cli_buf_puts(struct cli_buf *b, const char *s);

/* Writes the buffer to fp and empties it; -1 on a write error. */
int cli_buf_flush(struct cli_buf *b, FILE *fp);

/* Appends s as a JSON string, quotes included; invalid UTF-8 bytes
 * become U+FFFD.  NULL appends null. */
void cli_buf_json_str(struct cli_buf *b, const char *s);

/* Appends s as one RFC 4180 CSV field, quoted when needed. */
void cli_buf_csv_field(struct cli_buf *b, const char *s);

/* Appends an integer in decimal. */
void cli_buf_int(struct cli_buf *b, int64_t v);

/* Appends exact decimal dollars, "0.028716". */
void cli_buf_money(struct cli_buf *b, lc_i128 v);

/* Appends s for a terminal: C0 and C1 controls, DEL, backslash and
 * invalid UTF-8 bytes are escaped ("\n", "\x1b", "\u0085"), so input
 * text cannot forge lines or send terminal escapes. */
void cli_buf_text(struct cli_buf *b, const char *s);

/* A malloc'd copy of s escaped as cli_buf_text() does, or NULL. */
char *cli_text_dup(const char *s);

/* Writes s to fp escaped as cli_buf_text() does. */
void cli_text_put(FILE *fp, const char *s);

/* Exact decimal dollars, "0.028716". */
void cli_money_exact(lc_i128 v, char *buf, size_t size);

/* lc_time_format()'s text ("2025-05-30T21:46:11Z", ".123Z" with
 * milliseconds) without stdio; size >= 25.  Returns the length. */
int cli_time_text(int64_t ms, char *buf, size_t size);

/* "file:line" into buf.  Returns the length. */
int cli_source_text(const char *file, long line, char *buf, size_t size);

/* Dollars rounded half away from zero to the given decimals, with
 * thousands separators in the integer part: "1,234.5678". */
void cli_money_round(lc_i128 v, int decimals, char *buf, size_t size);

/* An integer with thousands separators: "1,234,567". */
void cli_int_group(int64_t v, char *buf, size_t size);

/* Reports an error as "llmcost: message" on stderr, escaped as
 * cli_buf_text() does. */
void cli_error(const char *fmt, ...) LC_PRINTF(1, 2);

/* ---- commands ------------------------------------------------------ */

int cli_ledger(const struct cli_opts *o, const llmcost_prices *prices);
int cli_audit(const struct cli_opts *o, const llmcost_prices *prices);
int cli_tags_suggest(const struct cli_opts *o, const llmcost_prices *prices);
int cli_focus(const struct cli_opts *o, const llmcost_prices *prices);
int cli_report(const struct cli_opts *o, const llmcost_prices *prices);

/* ---- snapshots (snapshot_cmd.c, audit_snap.c) --------------------- */

/* Loads every snapshot in files[0..n) and merges them by pairs into a
 * new snapshot (the same sums as in order; about total x log2(n) work).
 * One file named twice (same device and inode) is refused.  With
 * need_default, every file must hold the grouping the audit's views read
 * (LLMCOST_DIMS_DEFAULT by day).  On any failure it prints an error
 * naming the file or files, frees everything and returns CLI_EXIT_IO
 * with *out NULL: never a part. */
int cli_snapshots_load(const char *const *files, size_t n, int need_default,
		       llmcost_snapshot **out);

/* The index of the grouping by LLMCOST_DIMS_DEFAULT and day in s, or -1. */
long cli_snapshot_default_grouping(const llmcost_snapshot *s);

/* Writes s to path in a cli_format (CLI_FMT_BINARY or CLI_FMT_JSON),
 * replaced whole through a temporary file.  Prints why and returns
 * CLI_EXIT_IO on failure. */
int cli_snapshot_write(const llmcost_snapshot *s, enum cli_format format,
		       const char *path);

/* `llmcost snapshot` after the audit's run: saves the rollup to -o and
 * prints the row accounting to stderr. */
int cli_snapshot_save(const struct cli_opts *o, const llmcost_rollup *r,
		      const struct cli_counts *c);

/* `llmcost snapshot --help`. */
void cli_snapshot_usage(FILE *fp);

/* `llmcost merge SNAP... -o OUT`: parses its own command line. */
int cli_merge_main(int argc, char **argv);

/* `llmcost audit --snapshot SNAP...`: the audit's views from saved
 * snapshots (audit_snap.c). */
int cli_audit_snapshots(const struct cli_opts *o);

/* `llmcost diff`: parses its own command line (diff_args.c). */
int cli_diff_main(int argc, char **argv);

/* "llmcost prices lint FILE..." (prices_cmd.c); returns the exit code. */
int cli_prices_main(int argc, char **argv);

/* --usage-shape NAME (usage_preset.c): sets o->usage_shape, or returns
 * CLI_EXIT_USAGE after saying why. */
int cli_usage_shape_opt(struct cli_opts *o, const char *name);

/* With --usage-shape, reads the row's usage object (the object at
 * o->usage_path, or the whole line) into rec's token counts.  The
 * library status; why holds the reason on failure. */
int cli_usage_read(const struct cli_opts *o, const struct cli_row *row,
		   llmcost_record *rec, char *why, size_t size);

/* --deployment NAME=MODEL: maps each deployment in prices; CLI_EXIT_OK,
 * or CLI_EXIT_USAGE after saying why. */
int cli_deployments_load(const struct cli_opts *o, llmcost_prices *prices);

/* `llmcost audit` with --baseline/--current or --period: the audit, then
 * a spend change section (docs/diff.md). */
int cli_diff_audit(int argc, char **argv);

/* 1 if argv holds an option that asks the audit for a comparison. */
int cli_diff_wanted(int argc, char **argv);

/* The cause of a spend change in words, by direction: a slice whose
 * dominant effect shrank reads "prompt reduction", not "prompt
 * expansion".  Static storage.  cli/diff_out.c. */
const char *cli_cause_label(const llmcost_diff *x);

#endif /* LLMCOST_CLI_H */
