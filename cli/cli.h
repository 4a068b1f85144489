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

enum cli_command {
	CLI_CMD_LEDGER,
	CLI_CMD_AUDIT
};

enum cli_format {
	CLI_FMT_DEFAULT,
	CLI_FMT_JSONL,
	CLI_FMT_CSV,
	CLI_FMT_TEXT,
	CLI_FMT_JSON
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
};

struct cli_opts {
	enum cli_command command;
	enum cli_format format;
	const char *output;	/* NULL: stdout */
	int input_csv;		/* 1 CSV, 0 JSON Lines, -1 by extension */
	int strict;
	long limit;		/* rows per audit table; 0: all */
	struct cli_price_file *prices;
	size_t n_prices;
	struct cli_pairs wheres;
	struct cli_pairs aliases;
	const char *paths[CLI_F_COUNT];	/* where each field is read */
	lc_map *top;		/* top-level JSON key -> bit per field */
	uint32_t dotted;	/* bit per field with a dotted path */
	const char *preset;
	char **files;
	size_t n_files;
	char **owned;		/* --map/--where/--model-alias keys, copied */
	size_t n_owned;
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
 * -1 when out of memory. */
int cli_csv_feed(struct cli_csv *c, const char *line, size_t len);

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
};

struct cli_input {
	const char *name;
	FILE *fp;
	int is_stdin;
	int csv;
	long line;		/* physical lines consumed */
	char *buf;
	size_t cap;
	struct cli_csv rec;
	struct cli_csv header;
	int have_header;
	long blank;		/* blank lines skipped */
	struct cli_row row;
};

/* Opens path ("-" is stdin) as CSV or JSON Lines.  Returns LLMCOST_OK or
 * LLMCOST_E_IO (with errno text printed by the caller). */
int cli_input_open(struct cli_input *in, const char *path, int csv);

/* Reads the next row into in->row.  Returns 1, 0 at the end, or
 * LLMCOST_E_IO / LLMCOST_E_NOMEM. */
int cli_input_next(struct cli_input *in);

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

/* ---- the run ------------------------------------------------------- */

enum cli_outcome {
	CLI_PRICED,
	CLI_UNPRICED,
	CLI_REJECTED
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
};

struct cli_sink {
	void *ctx;
	/* Returns 0, or an exit code to stop the run. */
	int (*row)(void *ctx, const struct cli_result *res);
};

struct cli_counts {
	long lines;		/* non-blank lines or records read */
	long blank;
	long filtered;
	long rows;		/* = priced + unpriced + rejected */
	long priced;
	long unpriced;
	long rejected;
};

/* Reads every input file and feeds each row to the sink.  Returns an exit
 * code. */
int cli_run(const struct cli_opts *o, const llmcost_prices *prices,
	    struct cli_sink *sink, struct cli_counts *counts);

/* Loads --prices files (or the default book).  Prints the error and
 * returns CLI_EXIT_IO on failure. */
int cli_prices_load(const struct cli_opts *o, llmcost_prices **out);

/* ---- output -------------------------------------------------------- */

/* Opens -o FILE or stdout; returns NULL after printing an error. */
FILE *cli_out_open(const struct cli_opts *o);

/* Closes the output; returns CLI_EXIT_IO if a write failed. */
int cli_out_close(const struct cli_opts *o, FILE *fp);

/* Writes s as a JSON string, quotes included; invalid UTF-8 bytes
 * become U+FFFD.  NULL writes null. */
void cli_json_str(FILE *fp, const char *s);

/* Writes s as one RFC 4180 CSV field, quoted when needed. */
void cli_csv_field(FILE *fp, const char *s);

/* Exact decimal dollars, "0.028716". */
void cli_money_exact(lc_i128 v, char *buf, size_t size);

/* Dollars rounded half away from zero to the given decimals, with
 * thousands separators in the integer part: "1,234.5678". */
void cli_money_round(lc_i128 v, int decimals, char *buf, size_t size);

/* Writes an integer in decimal. */
void cli_int(FILE *fp, int64_t v);

/* An integer with thousands separators: "1,234,567". */
void cli_int_group(int64_t v, char *buf, size_t size);

/* Reports an error as "llmcost: message" on stderr. */
void cli_error(const char *fmt, ...) LC_PRINTF(1, 2);

/* ---- commands ------------------------------------------------------ */

int cli_ledger(const struct cli_opts *o, const llmcost_prices *prices);
int cli_audit(const struct cli_opts *o, const llmcost_prices *prices);

#endif /* LLMCOST_CLI_H */
