/*
 * fuzz_cli.h - shared by the harnesses that drive the llmcost tool's own
 * input code (fuzz_jsonl.c, fuzz_csv.c, fuzz_mappath.c): options parsed
 * as the tool parses them, and the input bytes served as a file.
 */
#ifndef LLMCOST_FUZZ_CLI_H
#define LLMCOST_FUZZ_CLI_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

#define FCLI_CHECK(e) \
	do { \
		if (!(e)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #e); \
			abort(); \
		} \
	} while (0)

/* The bytes as an in-memory file; its path goes in path[]. */
static int fcli_memfile(const uint8_t *data, size_t size, char *path,
			size_t pathsize)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t off = 0;
	ssize_t n;

	FCLI_CHECK(fd >= 0);
	while (off < size) {
		n = write(fd, data + off, size - off);
		FCLI_CHECK(n > 0);
		off += (size_t)n;
	}
	snprintf(path, pathsize, "/proc/self/fd/%d", fd);
	return fd;
}

/* Reads every row of the file as the tool does: field values, the
 * request built from them, the --where filters. */
static void fcli_read_all(const struct cli_opts *o, const char *path,
			  int csv)
{
	struct cli_value v[CLI_F_COUNT];
	struct cli_request req;
	struct cli_input in;
	long rows = 0;
	int rc, f;

	FCLI_CHECK(cli_input_open(&in, path, csv) == LLMCOST_OK);
	while ((rc = cli_input_next(o, &in)) == 1) {
		rows++;
		FCLI_CHECK(in.row.line >= 1);
		if (in.row.status != LLMCOST_OK) {
			FCLI_CHECK(in.row.reason[0] != '\0');
			continue;
		}
		cli_row_values(o, &in.row, v);
		for (f = 0; f < CLI_F_COUNT; f++)
			FCLI_CHECK(v[f].text != NULL);
		memset(&req, 0, sizeof(req));
		cli_request_build(o, &in.row, &req);
		if (req.status != LLMCOST_OK)
			FCLI_CHECK(req.reason[0] != '\0');
		(void)cli_where_match(o, &in.row);
	}
	FCLI_CHECK(rc == 0 || rc == LLMCOST_E_PARSE ||
		   rc == LLMCOST_E_NOTFOUND || rc == LLMCOST_E_NOMEM);
	FCLI_CHECK(rows >= 0);
	cli_input_close(&in);
}

/* Parses argv (NULL-terminated) into *o; 1 when the tool would run. */
static int fcli_parse(struct cli_opts *o, char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return cli_opts_parse(o, argc, argv) == CLI_EXIT_OK;
}

#endif /* LLMCOST_FUZZ_CLI_H */
