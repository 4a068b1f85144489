/*
 * prices_cmd.c - "llmcost prices lint FILE...": checks price tables.
 *
 * Each FILE is loaded on its own, exactly as --prices loads it, and the
 * library's lint findings are printed: one row per finding, as a text
 * table or as a JSON array.  Exit status: 0 when every table is clean,
 * 4 when any finding exists, 2 when a file cannot be loaded, 1 on a
 * usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define CLI_EXIT_FINDINGS 4

struct cli_lint_args {
	int json;
	int first_file;		/* index in argv of the first FILE */
};


static void cli_lint_usage(FILE *fp)
{
	fputs("usage: llmcost prices lint [--format text|json] FILE...\n",
	      fp);
}


static int cli_lint_format(struct cli_lint_args *a, const char *v)
{
	if (strcmp(v, "json") == 0)
		a->json = 1;
	else if (strcmp(v, "text") == 0)
		a->json = 0;
	else
		return -1;
	return 0;
}


/* Reads the options after "prices lint"; CLI_EXIT_OK or an exit code
 * (-1 after printing help). */
static int cli_lint_args(struct cli_lint_args *a, int argc, char **argv)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 3; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			cli_lint_usage(stdout);
			return -1;
		}
		if (strncmp(argv[i], "--format=", 9) == 0) {
			if (cli_lint_format(a, argv[i] + 9) != 0)
				goto bad_format;
			continue;
		}
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (cli_lint_format(a, argv[++i]) != 0)
				goto bad_format;
			continue;
		}
		cli_error("prices lint: unknown option '%s'", argv[i]);
		return CLI_EXIT_USAGE;
	}
	if (i >= argc) {
		cli_lint_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	a->first_file = i;
	return CLI_EXIT_OK;
bad_format:
	cli_error("prices lint: --format must be text or json");
	return CLI_EXIT_USAGE;
}


/* Loads one file as --prices would; CLI_EXIT_OK or CLI_EXIT_IO. */
static int cli_lint_load(const char *path, llmcost_prices **out)
{
	struct cli_price_file f;
	struct cli_opts o;

	memset(&o, 0, sizeof(o));
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.valid_from_ms = LLMCOST_TIME_UNKNOWN;
	o.prices = &f;
	o.n_prices = 1;
	return cli_prices_load(&o, out);
}


static void cli_lint_row_text(const char *file, int kind, const char *key,
			      const char *field, const char *message)
{
	printf("%s\t%s\t%s\t%s\t%s\n", file,
	       llmcost_lint_kind_name(kind), key,
	       field[0] ? field : "-", message);
}


static void cli_lint_row_json(struct cli_buf *b, int *first,
			      const char *file, int kind, const char *key,
			      const char *field, const char *message)
{
	cli_buf_puts(b, *first ? "\n  {\"file\": " : ",\n  {\"file\": ");
	*first = 0;
	cli_buf_json_str(b, file);
	cli_buf_puts(b, ", \"kind\": ");
	cli_buf_json_str(b, llmcost_lint_kind_name(kind));
	cli_buf_puts(b, ", \"key\": ");
	cli_buf_json_str(b, key);
	cli_buf_puts(b, ", \"field\": ");
	cli_buf_json_str(b, field);
	cli_buf_puts(b, ", \"message\": ");
	cli_buf_json_str(b, message);
	cli_buf_putc(b, '}');
}


/* Lints one loaded table; the number of findings, or -1. */
static long cli_lint_table(const char *file, const llmcost_prices *p,
			   struct cli_buf *b, int *first)
{
	const char *key, *field, *message;
	llmcost_lint *lint = NULL;
	size_t i, n;
	int kind;

	if (llmcost_prices_lint(p, &lint) != LLMCOST_OK) {
		cli_error("%s: lint: %s", file, llmcost_last_error());
		return -1;
	}
	n = llmcost_lint_count(lint);
	for (i = 0; i < n; i++) {
		if (llmcost_lint_finding(lint, i, &kind, &key, &field,
					 &message) != LLMCOST_OK)
			continue;
		if (b != NULL)
			cli_lint_row_json(b, first, file, kind, key, field,
					  message);
		else
			cli_lint_row_text(file, kind, key, field, message);
	}
	llmcost_lint_free(lint);
	return (long)n;
}


static int cli_lint_files(const struct cli_lint_args *a, int argc,
			  char **argv, struct cli_buf *b)
{
	llmcost_prices *p;
	long n, found = 0;
	int i, first = 1, failed = 0;

	if (b != NULL)
		cli_buf_putc(b, '[');
	else
		puts("file\tkind\tkey\tfield\tmessage");
	for (i = a->first_file; i < argc; i++) {
		if (cli_lint_load(argv[i], &p) != CLI_EXIT_OK) {
			failed = 1;
			continue;
		}
		n = cli_lint_table(argv[i], p, b, &first);
		llmcost_prices_free(p);
		if (n < 0)
			failed = 1;
		else
			found += n;
	}
	if (b != NULL)
		cli_buf_puts(b, first ? "]\n" : "\n]\n");
	if (failed)
		return CLI_EXIT_IO;
	return found > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}


static int cli_prices_lint(int argc, char **argv)
{
	struct cli_lint_args a;
	struct cli_buf b;
	int rc;

	rc = cli_lint_args(&a, argc, argv);
	if (rc != CLI_EXIT_OK)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (!a.json)
		rc = cli_lint_files(&a, argc, argv, NULL);
	else {
		memset(&b, 0, sizeof(b));
		rc = cli_lint_files(&a, argc, argv, &b);
		if (b.failed || cli_buf_flush(&b, stdout) != 0) {
			cli_error("prices lint: cannot write the output");
			rc = CLI_EXIT_IO;
		}
		cli_buf_free(&b);
	}
	if (fflush(stdout) != 0)
		rc = CLI_EXIT_IO;
	return rc;
}


int cli_prices_main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[2], "lint") == 0)
		return cli_prices_lint(argc, argv);
	if (argc > 2 && (strcmp(argv[2], "-h") == 0 ||
			 strcmp(argv[2], "--help") == 0)) {
		cli_lint_usage(stdout);
		return CLI_EXIT_OK;
	}
	cli_error("prices: expected a subcommand: lint");
	cli_lint_usage(stderr);
	return CLI_EXIT_USAGE;
}
