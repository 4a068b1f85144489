/*
 * file.c - reading a whole file, the one way every loader does it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define LC_READ_CHUNK 65536


/* Reads f to its end into a growing buffer with room for a NUL. */
static int lc_read_stream(FILE *f, const char *path, size_t max,
			  char **text, size_t *len)
{
	char *buf = NULL, *grown;
	size_t n = 0, cap = 0, got;

	do {
		if (cap - n < 2) {
			if (n >= max || cap > SIZE_MAX - LC_READ_CHUNK) {
				lc_free(buf);
				return lc_error(LLMCOST_E_IO, "'%s' is too "
						"large", path);
			}
			grown = lc_realloc(buf, cap + LC_READ_CHUNK);
			if (grown == NULL) {
				lc_free(buf);
				return lc_error(LLMCOST_E_NOMEM,
						"cannot read '%s'", path);
			}
			buf = grown;
			cap += LC_READ_CHUNK;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		lc_free(buf);
		return lc_error(LLMCOST_E_IO, "cannot read '%s'", path);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return LLMCOST_OK;
}


int lc_read_file(const char *path, size_t max, char **text, size_t *len)
{
	FILE *f;
	int rc;

	if (path == NULL)
		return lc_error(LLMCOST_E_INVALID, "path is NULL");
	f = fopen(path, "rb");
	if (f == NULL)
		return lc_error(LLMCOST_E_IO, "cannot open '%s': %s", path,
				strerror(errno));
	rc = lc_read_stream(f, path, max, text, len);
	fclose(f);
	return rc;
}
