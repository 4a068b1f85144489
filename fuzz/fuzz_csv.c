/*
 * fuzz_csv.c - fuzz harness for the llmcost tool's CSV reader: the input
 * bytes are a CSV file (header, then records, with quoting and embedded
 * line ends), read as `llmcost audit --csv` reads it, with the default
 * columns and with --map and --where naming columns.  Checks: no crash,
 * leak or undefined behaviour; a malformed row always says why; a bad
 * header or a missing mapped column ends the read with its own status.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "fuzz_cli.h"

static void csv_run(char **argv)
{
	struct cli_opts o;

	memset(&o, 0, sizeof(o));
	if (fcli_parse(&o, argv))
		fcli_read_all(&o, o.files[0], 1);
	cli_opts_free(&o);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fcli_memfile(data, size, path, sizeof(path));
	char *plain[] = { "llmcost", "audit", "--csv", path, NULL };
	char *mapped[] = { "llmcost", "audit", "--csv", "--map",
			   "model=Model", "--where", "env=prod", path, NULL };

	csv_run(plain);
	csv_run(mapped);
	close(fd);
	return 0;
}
