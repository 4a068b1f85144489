/*
 * snapshot_cmd.c - snapshots from the command line: `llmcost snapshot`
 * saves the audit's rollup, `llmcost merge` combines the snapshots of a
 * fleet's replicas, and the loader both they and `audit --snapshot` use.
 *
 * A snapshot is all or nothing: every input is loaded and merged before
 * anything is written or printed, so a missing, truncated or corrupt file
 * stops the command with its name and the library's reason, never with a
 * total that lacks it.  Files are written through a temporary name in the
 * same directory and a rename (llmcost_snapshot_save_file()), so a failed
 * run leaves OUT as it was.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"


/* The library's reason for the last failure, or the status's message. */
static const char *cli_snap_why(int rc)
{
	const char *why = llmcost_last_error();

	return why != NULL && why[0] ? why : llmcost_status_message(rc);
}


long cli_snapshot_default_grouping(const llmcost_snapshot *s)
{
	size_t i, n = llmcost_snapshot_grouping_count(s);
	llmcost_grouping_info gi;

	for (i = 0; i < n; i++) {
		llmcost_grouping_info_init(&gi);
		if (llmcost_snapshot_grouping(s, i, &gi) == LLMCOST_OK &&
		    gi.dims == LLMCOST_DIMS_DEFAULT &&
		    gi.bucket == LLMCOST_BUCKET_DAY)
			return (long)i;
	}
	return -1;
}


/* "team, user by day (cap 100)" for a grouping, appended to b. */
static void cli_grouping_text(struct cli_buf *b,
			      const llmcost_grouping_info *gi)
{
	int d, any = 0;

	for (d = 0; d < LLMCOST_DIM_COUNT; d++) {
		if (!(gi->dims & LLMCOST_DIM_BIT(d)))
			continue;
		cli_buf_puts(b, any ? ", " : "");
		cli_buf_puts(b, llmcost_dim_name(d));
		any = 1;
	}
	if (!any)
		cli_buf_puts(b, "(no dimension)");
	if (gi->bucket != LLMCOST_BUCKET_NONE) {
		cli_buf_puts(b, " by ");
		cli_buf_puts(b, llmcost_bucket_name((int)gi->bucket));
	} else {
		cli_buf_puts(b, " (no time bucket)");
	}
	if (gi->max_groups > 0) {
		char cap[32];

		/* Unsigned: a cap may be 2^63 or more. */
		snprintf(cap, sizeof(cap), "%llu",
			 (unsigned long long)gi->max_groups);
		cli_buf_puts(b, " (cap ");
		cli_buf_puts(b, cap);
		cli_buf_putc(b, ')');
	}
}


/* Names the groupings a snapshot has, for the error that it lacks the
 * one the views need. */
static void cli_no_default(const char *path, const llmcost_snapshot *s)
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	size_t i, n = llmcost_snapshot_grouping_count(s);
	llmcost_grouping_info gi;

	for (i = 0; i < n; i++) {
		llmcost_grouping_info_init(&gi);
		if (llmcost_snapshot_grouping(s, i, &gi) != LLMCOST_OK)
			continue;
		cli_buf_puts(&b, i ? "; " : "");
		cli_grouping_text(&b, &gi);
	}
	if (n == 0)
		cli_buf_puts(&b, "none");
	cli_buf_putc(&b, '\0');
	cli_error("%s: no grouping by team, user, feature, model by day, "
		  "which the audit's views read; its groupings: %s", path,
		  b.failed ? "(out of memory)" : b.p);
	cli_buf_free(&b);
}


/* An input by device and inode, to find one file named twice. */
struct cli_snap_id {
	dev_t dev;
	ino_t ino;
	size_t arg;
};


static int cli_cmp_snap_id(const void *pa, const void *pb)
{
	const struct cli_snap_id *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a->arg < b->arg ? -1 : a->arg > b->arg;
}


/* Refuses one file given twice (by two names or through a link): its
 * sums would be counted twice.  Files that cannot be found are left to
 * the loader, which names them.  0, or CLI_EXIT_IO after the error. */
static int cli_snapshots_distinct(const char *const *files, size_t n)
{
	struct cli_snap_id *ids;
	struct stat st;
	size_t i, k = 0, first = n, second = n;

	if (n < 2)
		return 0;
	ids = calloc(n, sizeof(*ids));
	if (ids == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	for (i = 0; i < n; i++) {
		if (stat(files[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		ids[k].dev = st.st_dev;
		ids[k].ino = st.st_ino;
		ids[k].arg = i;
		k++;
	}
	if (k > 1)
		qsort(ids, k, sizeof(*ids), cli_cmp_snap_id);
	/* Of the pairs, the one whose second name comes first on the
	 * command line, so the message names what the user typed first. */
	for (i = 1; i < k; i++)
		if (ids[i].dev == ids[i - 1].dev &&
		    ids[i].ino == ids[i - 1].ino && ids[i].arg < second) {
			first = ids[i - 1].arg;
			second = ids[i].arg;
		}
	free(ids);
	if (second == n)
		return 0;
	cli_error("%s and %s are the same file: its sums would be added "
		  "twice; give each snapshot once", files[first],
		  files[second]);
	return CLI_EXIT_IO;
}


/* Snapshots merged so far: inputs from .. to, merged with `level`
 * merges of pairs, as in a binary counter. */
struct cli_snap_run {
	llmcost_snapshot *s;
	size_t from, to;
	unsigned level;
};


/* "a.snap" for one input, "a.snap .. d.snap (inputs 1 to 4)" for more. */
static void cli_snap_range(struct cli_buf *b, const char *const *files,
			   const struct cli_snap_run *r)
{
	cli_buf_puts(b, files[r->from]);
	if (r->from == r->to)
		return;
	cli_buf_puts(b, " .. ");
	cli_buf_puts(b, files[r->to]);
	cli_buf_puts(b, " (inputs ");
	cli_buf_int(b, (int64_t)r->from + 1);
	cli_buf_puts(b, " to ");
	cli_buf_int(b, (int64_t)r->to + 1);
	cli_buf_putc(b, ')');
}


/* Merges run b, which follows run a, into a, and frees b.  0, or
 * CLI_EXIT_IO after an error naming the inputs of both. */
static int cli_snap_join(const char *const *files, struct cli_snap_run *a,
			 struct cli_snap_run *b)
{
	struct cli_buf what = { NULL, 0, 0, 0 };
	int rc;

	lc_error_clear();
	rc = llmcost_snapshot_merge(a->s, b->s);
	if (rc == LLMCOST_OK) {
		llmcost_snapshot_free(b->s);
		b->s = NULL;
		a->to = b->to;
		a->level++;
		return 0;
	}
	cli_snap_range(&what, files, a);
	cli_buf_puts(&what, " with ");
	cli_snap_range(&what, files, b);
	cli_buf_putc(&what, '\0');
	cli_error("merging %s failed: %s", what.failed ? "the inputs" :
		  what.p, cli_snap_why(rc));
	cli_buf_free(&what);
	return CLI_EXIT_IO;
}


/* 1 if path opens and does not start as a snapshot: most likely a log
 * given where a snapshot was wanted. */
static int cli_looks_like_log(const char *path)
{
	struct cli_input in;
	int log = 0;

	if (cli_input_open(&in, path, 0) == LLMCOST_OK)
		log = !cli_input_is_snapshot(&in) && in.in_len > 0;
	cli_input_close(&in);
	return log;
}


int cli_snapshots_load(const char *const *files, size_t n, int need_default,
		       llmcost_snapshot **out)
{
	/* One run per bit of the count loaded so far: about log2(n). */
	struct cli_snap_run runs[sizeof(size_t) * 8 + 1];
	size_t i, top = 0;
	int rc = cli_snapshots_distinct(files, n);

	*out = NULL;
	/* Each input is merged with runs of its own size, pairwise, so
	 * every group is copied about log2(n) times, not n times as when
	 * each input is added to the running total. */
	for (i = 0; i < n && rc == 0; i++) {
		lc_error_clear();
		runs[top].s = NULL;
		rc = llmcost_snapshot_load_file(&runs[top].s, files[i]);
		if (rc != LLMCOST_OK) {
			cli_error("%s: cannot load the snapshot: %s%s",
				  files[i], cli_snap_why(rc),
				  cli_looks_like_log(files[i]) ?
				  " (it does not start as a snapshot: a log "
				  "is read without --snapshot)" : "");
			rc = CLI_EXIT_IO;
			break;
		}
		runs[top].from = runs[top].to = i;
		runs[top].level = 0;
		top++;
		if (need_default &&
		    cli_snapshot_default_grouping(runs[top - 1].s) < 0) {
			cli_no_default(files[i], runs[top - 1].s);
			rc = CLI_EXIT_IO;
			break;
		}
		while (top > 1 && runs[top - 2].level == runs[top - 1].level) {
			rc = cli_snap_join(files, &runs[top - 2],
					   &runs[top - 1]);
			if (rc != 0)
				break;
			top--;
		}
	}
	/* The runs left are of decreasing size: add the smaller ones up
	 * first, then into the larger. */
	while (rc == 0 && top > 1) {
		rc = cli_snap_join(files, &runs[top - 2], &runs[top - 1]);
		if (rc == 0)
			top--;
	}
	if (rc == 0 && top == 0) {
		if (llmcost_snapshot_new(&runs[0].s) != LLMCOST_OK) {
			cli_error("out of memory");
			return CLI_EXIT_IO;
		}
		top = 1;
	}
	if (rc != 0) {
		for (i = 0; i < top; i++)
			llmcost_snapshot_free(runs[i].s);
		return CLI_EXIT_IO;
	}
	*out = runs[0].s;
	return CLI_EXIT_OK;
}


int cli_snapshot_write(const llmcost_snapshot *s, enum cli_format format,
		       const char *path)
{
	int rc;

	lc_error_clear();
	rc = llmcost_snapshot_save_file(s, format == CLI_FMT_JSON ?
					LLMCOST_SNAPSHOT_JSON :
					LLMCOST_SNAPSHOT_BINARY, path);
	if (rc == LLMCOST_OK)
		return CLI_EXIT_OK;
	cli_error("%s: cannot write the snapshot: %s", path, cli_snap_why(rc));
	return CLI_EXIT_IO;
}


/* ---- llmcost snapshot ------------------------------------------------- */

static const char cli_snapshot_help[] =
"Usage: llmcost snapshot [OPTIONS] FILE... -o OUT\n"
"\n"
"Reads usage logs exactly as 'llmcost audit' does and saves the sums the\n"
"audit is built from (the rollup: team, user, feature, model by UTC day)\n"
"as a snapshot.  Snapshots of several replicas combine with\n"
"'llmcost merge', and 'llmcost audit --snapshot' reports on them.\n"
"The row accounting (rows = priced + unpriced + rejected + duplicate)\n"
"goes to standard error.\n"
"\n"
"  -o, --output OUT      the snapshot file (required); replaced whole,\n"
"                        through a temporary file in its directory\n"
"  --format binary|json  binary (default, what merge and audit read) or\n"
"                        the JSON form for people and tools\n"
"\n"
"Every audit option applies: --prices, --tags, --contract, --map,\n"
"--where, --preset, --model-alias, --usage-shape, --deployment,\n"
"--dedupe-lines, --keep-duplicates, --strict, --csv, --jsonl\n"
"(llmcost --help).  Rejected rows, duplicates and the reconciliation\n"
"with a logged cost are not in a snapshot.\n"
"\n"
"Exit status: 0 written, 1 usage error, 2 input or output error (OUT is\n"
"then left as it was), 3 a bad line under --strict.\n";


void cli_snapshot_usage(FILE *fp)
{
	fputs(cli_snapshot_help, fp);
}


int cli_snapshot_save(const struct cli_opts *o, const llmcost_rollup *r,
		      const struct cli_counts *c)
{
	llmcost_snapshot *s = NULL;
	int rc;

	lc_error_clear();
	rc = llmcost_rollup_snapshot(r, &s);
	if (rc != LLMCOST_OK) {
		cli_error("%s: cannot take the snapshot: %s", o->output,
			  cli_snap_why(rc));
		return CLI_EXIT_IO;
	}
	rc = cli_snapshot_write(s, o->format, o->output);
	if (rc == CLI_EXIT_OK)
		cli_error("%s: %zu group%s from %ld rows = priced %ld + "
			  "unpriced %ld + rejected %ld + duplicate %ld "
			  "(lines %ld, filtered out %ld); rejected rows and "
			  "duplicates are in no sum", o->output,
			  llmcost_snapshot_count(s),
			  llmcost_snapshot_count(s) == 1 ? "" : "s", c->rows,
			  c->priced,
			  c->unpriced, c->rejected, c->duplicates, c->lines,
			  c->filtered);
	llmcost_snapshot_free(s);
	return rc;
}


/* ---- llmcost merge ---------------------------------------------------- */

static const char cli_merge_help[] =
"Usage: llmcost merge SNAP... -o OUT [--format binary|json]\n"
"\n"
"Adds snapshots (from 'llmcost snapshot' or a gateway using the library)\n"
"into one: groups with the same grouping, key and time bucket are summed\n"
"exactly, so any order of the same inputs gives the same bytes.\n"
"\n"
"  -o, --output OUT      the merged snapshot (required); replaced whole,\n"
"                        through a temporary file in its directory\n"
"  --format binary|json  binary (default) or the JSON form\n"
"  -h, --help            this text\n"
"\n"
"If any input cannot be loaded (missing, truncated, corrupt, another\n"
"format version) or a sum would overflow, nothing is written: the error\n"
"names the file.\n"
"\n"
"Exit status: 0 written, 1 usage error, 2 input or output error.\n";


struct cli_merge_args {
	const char *output;
	enum cli_format format;
	char **files;
	size_t n_files;
};


static int cli_merge_usage(const char *fmt, const char *arg)
{
	fputs("llmcost merge: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'llmcost merge --help'.\n", stderr);
	return CLI_EXIT_USAGE;
}


static int cli_merge_format(struct cli_merge_args *m, const char *arg)
{
	if (strcmp(arg, "binary") == 0)
		m->format = CLI_FMT_BINARY;
	else if (strcmp(arg, "json") == 0)
		m->format = CLI_FMT_JSON;
	else
		return cli_merge_usage("unknown format '%s' (binary, json)",
				       arg);
	return 0;
}


/* One option at argv[*i]; -1 after printing the help. */
static int cli_merge_option(struct cli_merge_args *m, int argc, char **argv,
			    int *i)
{
	const char *arg = argv[*i], *value;
	int is_out, is_format;

	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
		fputs(cli_merge_help, stdout);
		return -1;
	}
	is_out = strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0 ||
		 strncmp(arg, "--output=", 9) == 0;
	is_format = strcmp(arg, "--format") == 0 ||
		    strncmp(arg, "--format=", 9) == 0;
	if (!is_out && !is_format)
		return cli_merge_usage("unknown option '%s'", arg);
	if (strchr(arg, '=') != NULL && arg[1] == '-') {
		value = strchr(arg, '=') + 1;
	} else if (*i + 1 < argc) {
		value = argv[++*i];
	} else {
		return cli_merge_usage("%s needs a value", arg);
	}
	if (is_format)
		return cli_merge_format(m, value);
	if (m->output != NULL)
		return cli_merge_usage("-o/--output given twice: '%s'", value);
	m->output = value;
	return 0;
}


static int cli_merge_parse(struct cli_merge_args *m, int argc, char **argv)
{
	int i, rc, only_files = 0;

	for (i = 2; i < argc; i++) {
		const char *arg = argv[i];

		if (only_files || arg[0] != '-') {
			m->files[m->n_files++] = argv[i];
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_files = 1;
			continue;
		}
		rc = cli_merge_option(m, argc, argv, &i);
		if (rc != 0)
			return rc;
	}
	if (m->n_files == 0)
		return cli_merge_usage("%s", "no input SNAP");
	if (m->output == NULL || m->output[0] == '\0' ||
	    strcmp(m->output, "-") == 0)
		return cli_merge_usage("%s", "needs -o OUT, a file (it is "
				       "written whole, then renamed)");
	return 0;
}


int cli_merge_main(int argc, char **argv)
{
	struct cli_merge_args m;
	llmcost_snapshot *all = NULL;
	int rc;

	memset(&m, 0, sizeof(m));
	m.format = CLI_FMT_BINARY;
	m.files = calloc((size_t)argc, sizeof(*m.files));
	if (m.files == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	rc = cli_merge_parse(&m, argc, argv);
	if (rc == 0)
		rc = cli_snapshots_load((const char *const *)m.files,
					m.n_files, 0, &all);
	if (rc == CLI_EXIT_OK)
		rc = cli_snapshot_write(all, m.format, m.output);
	llmcost_snapshot_free(all);
	free(m.files);
	return rc < 0 ? CLI_EXIT_OK : rc;
}
