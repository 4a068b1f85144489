/*
 * fuzz_mappath.c - fuzz harness for --map paths: the option parser
 * (--map FIELD=PATH and --where PATH=VALUE as the tool takes them) and
 * the dotted-path lookup in a JSON row (lc_json_path and the tool's row
 * lookups).
 *
 * Input: up to three lines: a --map argument, a --where argument, then a
 * JSON Lines body (everything after the second line end).
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "fuzz_cli.h"
#include "internal.h"

#define MAP_ARG_MAX 256

/* Copies the next line of data (without its end) into buf. */
static size_t map_line(const uint8_t *data, size_t size, char *buf)
{
	size_t n = 0;

	while (n < size && data[n] != '\n' && n < MAP_ARG_MAX - 1) {
		buf[n] = data[n] ? (char)data[n] : '.';
		n++;
	}
	buf[n] = '\0';
	return n < size ? n + 1 : n;
}


/* The path alone against the body's first line, straight to the
 * library's lookup. */
static void map_lookup(const char *arg, const uint8_t *body, size_t len)
{
	const char *eq = strchr(arg, '=');
	struct cJSON *root;
	char err[128];

	root = lc_json_parse((const char *)body, len, err, sizeof(err));
	if (root == NULL)
		return;
	(void)lc_json_path(root, eq ? eq + 1 : arg);
	(void)lc_json_path(root, arg);
	lc_json_free(root);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char map[MAP_ARG_MAX], where[MAP_ARG_MAX], path[64];
	size_t a = map_line(data, size, map);
	size_t b = a + map_line(data + a, size - a, where);
	char *argv[] = { "llmcost", "audit", "--jsonl", "--map", map,
			 "--where", where, path, NULL };
	struct cli_opts o;
	int fd;

	map_lookup(map, data + b, size - b);
	fd = fcli_memfile(data + b, size - b, path, sizeof(path));
	memset(&o, 0, sizeof(o));
	if (fcli_parse(&o, argv))
		fcli_read_all(&o, o.files[0], 0);
	cli_opts_free(&o);
	close(fd);
	return 0;
}
