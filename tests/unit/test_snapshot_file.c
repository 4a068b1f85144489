/*
 * test_snapshot_file.c - llmcost_snapshot_save_file() and what it finds
 * at the path: a regular file is replaced whole and keeps its mode, a
 * new one takes the umask, and a FIFO or a symlink is written through,
 * never replaced by a file.  Everything lives in a scratch directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rollup.h"

static char dir[] = "/tmp/llmcost-save-file-XXXXXX";
static llmcost_snapshot *snap;
static unsigned char *bytes;
static size_t nbytes;


/* A snapshot of one priced request, and its binary form. */
static void setup(void)
{
	llmcost_rollup *r = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	size_t need = 0;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(llmcost_rollup_new(&r), LLMCOST_OK);
	llmcost_record_init(&rec);
	rec.team_id = "search";
	rec.model = "gpt-4o";
	rec.timestamp_ms = 1748563200000LL;
	rec.input_tokens = 1000;
	llmcost_cost_init(&cost);
	cost.component[LLMCOST_C_INPUT] = lc_money_from_i128(2500);
	cost.contracted_component[LLMCOST_C_INPUT] =
		cost.component[LLMCOST_C_INPUT];
	cost.total = cost.contracted_cost = cost.effective_cost =
		cost.component[LLMCOST_C_INPUT];
	cr_assert_eq(llmcost_rollup_add(r, &rec, &cost), LLMCOST_OK, "%s",
		     llmcost_last_error());
	cr_assert_eq(llmcost_rollup_snapshot(r, &snap), LLMCOST_OK);
	llmcost_rollup_free(r);
	llmcost_snapshot_save(snap, LLMCOST_SNAPSHOT_BINARY, NULL, 0, &need);
	bytes = malloc(need);
	cr_assert_not_null(bytes);
	cr_assert_eq(llmcost_snapshot_save(snap, LLMCOST_SNAPSHOT_BINARY,
					   bytes, need, &nbytes), LLMCOST_OK);
}


static void teardown(void)
{
	char cmd[sizeof(dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
	llmcost_snapshot_free(snap);
	free(bytes);
}


TestSuite(snapshot_file, .init = setup, .fini = teardown);


static char *in_dir(const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	cr_assert_not_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}


static void save(const char *path)
{
	cr_assert_eq(llmcost_snapshot_save_file(snap, LLMCOST_SNAPSHOT_BINARY,
						path), LLMCOST_OK, "%s",
		     llmcost_last_error());
}


/* The file at path holds exactly the snapshot. */
static void assert_holds_snapshot(const char *path)
{
	unsigned char *got = malloc(nbytes + 1);
	FILE *f = fopen(path, "rb");
	size_t n;

	cr_assert_not_null(got);
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	n = fread(got, 1, nbytes + 1, f);
	fclose(f);
	cr_assert_eq(n, nbytes);
	cr_assert_eq(memcmp(got, bytes, nbytes), 0);
	free(got);
}


static size_t entries_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}


static mode_t mode_of(const char *path)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s: %s", path, strerror(errno));
	return st.st_mode;
}


Test(snapshot_file, a_regular_file_is_replaced_and_keeps_its_mode)
{
	char *path = in_dir("private.snap");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "old", 3), 3);
	close(fd);
	cr_assert_eq(chmod(path, 0640), 0);
	save(path);
	cr_assert(S_ISREG(mode_of(path)));
	cr_assert_eq(mode_of(path) & 07777, 0640, "mode %o",
		     (unsigned)(mode_of(path) & 07777));
	assert_holds_snapshot(path);
	cr_assert_eq(entries_in_dir(), 1, "a temporary file was left");
	free(path);
}


Test(snapshot_file, a_new_file_takes_the_umask)
{
	char *a = in_dir("a.snap"), *b = in_dir("b.snap");
	mode_t old = umask(027);

	save(a);
	umask(0);
	save(b);
	umask(old);
	cr_assert_eq(mode_of(a) & 07777, 0640, "mode %o",
		     (unsigned)(mode_of(a) & 07777));
	cr_assert_eq(mode_of(b) & 07777, 0666, "mode %o",
		     (unsigned)(mode_of(b) & 07777));
	assert_holds_snapshot(a);
	free(a);
	free(b);
}


Test(snapshot_file, a_fifo_is_written_into_not_replaced)
{
	char *path = in_dir("fifo");
	unsigned char *got = malloc(nbytes + 1);
	ssize_t n;
	int fd;

	cr_assert_not_null(got);
	if (mkfifo(path, 0600) != 0) {
		cr_skip_test("cannot make a FIFO here: %s", strerror(errno));
		return;
	}
	/* Open for reading and writing, so that the save's open does not
	 * wait for a reader; the snapshot fits the pipe's buffer. */
	cr_assert_lt(nbytes, 4096);
	fd = open(path, O_RDWR | O_NONBLOCK);
	cr_assert_geq(fd, 0);
	save(path);
	cr_assert(S_ISFIFO(mode_of(path)), "the FIFO was replaced");
	n = read(fd, got, nbytes + 1);
	close(fd);
	cr_assert_eq(n, (ssize_t)nbytes);
	cr_assert_eq(memcmp(got, bytes, nbytes), 0);
	cr_assert_eq(entries_in_dir(), 1, "a temporary file was left");
	free(got);
	free(path);
}


Test(snapshot_file, a_symlink_is_written_through)
{
	char *target = in_dir("target.snap"), *link = in_dir("link.snap");
	char *dangling = in_dir("dangling.snap");
	char *later = in_dir("later.snap");

	if (symlink("target.snap", link) != 0 ||
	    symlink("later.snap", dangling) != 0) {
		cr_skip_test("cannot make a symlink here: %s",
			     strerror(errno));
		return;
	}
	cr_assert_eq(close(open(target, O_WRONLY | O_CREAT, 0600)), 0);
	save(link);
	cr_assert(S_ISLNK(mode_of(link)), "the link was replaced");
	assert_holds_snapshot(target);
	cr_assert_eq(mode_of(target) & 07777, 0600);
	/* A link to nothing yet: its target is made, as a shell's > does. */
	save(dangling);
	cr_assert(S_ISLNK(mode_of(dangling)), "the link was replaced");
	assert_holds_snapshot(later);
	cr_assert_eq(entries_in_dir(), 4, "a temporary file was left");
	free(target);
	free(link);
	free(dangling);
	free(later);
}


Test(snapshot_file, a_directory_is_refused_by_name)
{
	char *sub = in_dir("out.d");
	char *link = in_dir("to-dir");

	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(llmcost_snapshot_save_file(snap, LLMCOST_SNAPSHOT_BINARY,
						sub), LLMCOST_E_IO);
	cr_assert(strstr(llmcost_last_error(), sub) != NULL, "%s",
		  llmcost_last_error());
	cr_assert(strstr(llmcost_last_error(), "directory") != NULL, "%s",
		  llmcost_last_error());
	if (symlink("out.d", link) == 0) {
		cr_assert_eq(llmcost_snapshot_save_file(
				     snap, LLMCOST_SNAPSHOT_BINARY, link),
			     LLMCOST_E_IO);
		cr_assert(S_ISLNK(mode_of(link)));
		cr_assert(strstr(llmcost_last_error(), link) != NULL, "%s",
			  llmcost_last_error());
	}
	cr_assert(S_ISDIR(mode_of(sub)));
	free(sub);
	free(link);
}


/* Names of 249 to 255 bytes are legal: the temporary file's name must
 * not be longer than the limit for them. */
Test(snapshot_file, the_longest_legal_name_is_written)
{
	char name[256];
	char *path;
	size_t len;

	for (len = 248; len <= 255; len++) {
		memset(name, 'n', len);
		memcpy(name + len - 5, ".snap", 6);
		path = in_dir(name);
		save(path);
		assert_holds_snapshot(path);
		/* and once more, over the file just written */
		save(path);
		assert_holds_snapshot(path);
		cr_assert_eq(unlink(path), 0);
		free(path);
	}
	cr_assert_eq(entries_in_dir(), 0, "a temporary file was left");
}


Test(snapshot_file, a_missing_directory_is_named)
{
	char *path = in_dir("no-such-dir/x.snap");

	cr_assert_eq(llmcost_snapshot_save_file(snap, LLMCOST_SNAPSHOT_BINARY,
						path), LLMCOST_E_IO);
	cr_assert(strstr(llmcost_last_error(), path) != NULL, "%s",
		  llmcost_last_error());
	free(path);
}
