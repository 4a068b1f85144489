/*
 * fuzz_jsonl.c - fuzz harness for the llmcost tool's JSON Lines reader:
 * the input bytes are a trace file, read row by row with every field
 * looked up and a request built from each well-formed row, as `llmcost
 * audit` does, under the default field paths and under a --preset.
 * Checks: no crash, leak or undefined behaviour; a malformed row always
 * says why; the reader ends cleanly.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "fuzz_cli.h"

static void jsonl_run(char **argv)
{
	struct cli_opts o;

	memset(&o, 0, sizeof(o));
	if (fcli_parse(&o, argv))
		fcli_read_all(&o, o.files[0], 0);
	cli_opts_free(&o);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fcli_memfile(data, size, path, sizeof(path));
	char *plain[] = { "llmcost", "audit", "--jsonl", path, NULL };
	char *mapped[] = { "llmcost", "audit", "--jsonl", "--map",
			   "model=a.b.model", "--map", "team_id=meta.team",
			   "--where", "meta.env=prod", path, NULL };

	jsonl_run(plain);
	jsonl_run(mapped);
	close(fd);
	return 0;
}
