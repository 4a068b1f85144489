/*
 * replay.c - feeds every file of a corpus to a fuzz harness, so that the
 * corpus (seeds and every input that once crashed) runs as an ordinary
 * test in every build, with no fuzzer needed.
 *
 * Usage: replay_<name> PATH...  where each PATH is a file or a directory
 * of files (read in name order, not recursively).  Exits 1 if a path
 * cannot be read or if there was no input at all, so that a lost corpus
 * is noticed; a failing check inside the harness aborts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);


static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL, *grown;
	size_t len = 0, cap = 0, got;

	if (f == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			grown = realloc(data, cap);
			if (grown == NULL) {
				free(data);
				fclose(f);
				fprintf(stderr, "replay: out of memory\n");
				return -1;
			}
			data = grown;
		}
		got = fread(data + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}


static int is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}


/* Replays the regular files of dir in name order; returns how many, or
 * -1 if the directory or a file cannot be read. */
static long replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	long done = 0;
	int n, i, bad = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot read directory %s\n", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!bad && is_regular(path)) {
			if (replay_file(path) != 0)
				bad = 1;
			else
				done++;
		}
		free(names[i]);
	}
	free(names);
	return bad ? -1 : done;
}


int main(int argc, char **argv)
{
	long total = 0, n;
	struct stat st;
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no inputs (is the corpus missing?)\n");
		return 1;
	}
	printf("replay: %ld inputs, all checks held\n", total);
	return 0;
}
