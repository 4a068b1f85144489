/*
 * diff_args.c - the options of `llmcost diff`.  The command's own
 * options are taken out here; the rest (inputs, --prices, --map, --where,
 * --tags, -o, ...) are read by the common parser as for `audit`.
 */
#include <stdlib.h>

#include "diff.h"

#define DAY_MS 86400000LL


/* Set for `audit --baseline ...`: --format then belongs to the audit,
 * and usage errors name the audit. */
static int diff_in_audit;


static int diff_usage(const char *what, const char *arg)
{
	cli_error("%s: %s: '%s' (see docs/diff.md)",
		  diff_in_audit ? "audit" : "diff", what, arg);
	return CLI_EXIT_USAGE;
}


static int diff_range(const char *arg, struct diff_period *p)
{
	const char *dots = strstr(arg, "..");
	int64_t a, b;

	if (dots == NULL || lc_time_parse(arg, (size_t)(dots - arg), &a) ||
	    lc_time_parse(dots + 2, strlen(dots + 2), &b) || b < a)
		return diff_usage("expected FROM..TO dates, TO inclusive", arg);
	p->from = lc_time_day_start(a);
	p->to = lc_time_day_start(b) + DAY_MS;
	p->whole = 0;
	return CLI_EXIT_OK;
}


static int diff_by(struct diff_run *d, const char *arg)
{
	const char *p = arg;

	d->dims = 0;
	d->nby = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		int dim;

		for (dim = 0; dim < LLMCOST_DIM_COUNT; dim++)
			if (strlen(llmcost_dim_name(dim)) == n &&
			    strncmp(llmcost_dim_name(dim), p, n) == 0)
				break;
		if (dim == LLMCOST_DIM_COUNT || (d->dims >> dim) & 1u)
			return diff_usage("--by: unknown or repeated "
					  "dimension", arg);
		d->dims |= LLMCOST_DIM_BIT(dim);
		d->by[d->nby++] = dim;
		p += n;
		if (*p == ',')
			p++;
	}
	return d->nby > 0 ? CLI_EXIT_OK : diff_usage("--by: empty", arg);
}


static int diff_money(const char *arg, lc_i128 *out)
{
	if (cli_decimal_scaled(arg, 18, 1, out, NULL) != LLMCOST_OK ||
	    *out < 0)
		return diff_usage("--min-usd: expected dollars >= 0", arg);
	return CLI_EXIT_OK;
}


static int diff_pct(const char *arg, int64_t *out)
{
	lc_i128 v;

	if (cli_decimal_scaled(arg, 2, 1, &v, NULL) != LLMCOST_OK || v < 0 ||
	    v > INT64_MAX)
		return diff_usage("--min-pct: expected a percent >= 0", arg);
	*out = (int64_t)v;
	return CLI_EXIT_OK;
}


static int diff_format(struct diff_run *d, const char *arg)
{
	if (strcmp(arg, "text") == 0)
		d->format = DIFF_TEXT;
	else if (strcmp(arg, "md") == 0 || strcmp(arg, "markdown") == 0)
		d->format = DIFF_MD;
	else if (strcmp(arg, "json") == 0)
		d->format = DIFF_JSON;
	else
		return diff_usage("--format: expected text, md or json", arg);
	return CLI_EXIT_OK;
}


static int diff_period_name(struct diff_run *d, const char *arg)
{
	if (strcmp(arg, "week") != 0 && strcmp(arg, "month") != 0 &&
	    strcmp(arg, "day") != 0)
		return diff_usage("--period: expected week, month or day",
				  arg);
	d->period_name = arg;
	return CLI_EXIT_OK;
}


static const char *const diff_names[] = {
	"--baseline", "--current", "--period", "--baseline-snapshot",
	"--current-snapshot", "--by", "--min-usd", "--min-pct", "--format"
};



static int diff_is_ours(const char *name)
{
	size_t i;

	if (diff_in_audit && strcmp(name, "--format") == 0)
		return 0;
	for (i = 0; i < LC_ARRAY_LEN(diff_names); i++)
		if (strcmp(name, diff_names[i]) == 0)
			return 1;
	return 0;
}


/* Applies option name with value; 1 if name is not ours. */
static int diff_option(struct diff_run *d, const char *name,
		       const char *v)
{
	if (strcmp(name, "--baseline") == 0)
		return diff_range(v, &d->period[0]);
	if (strcmp(name, "--current") == 0)
		return diff_range(v, &d->period[1]);
	if (strcmp(name, "--period") == 0)
		return diff_period_name(d, v);
	if (strcmp(name, "--baseline-snapshot") == 0 ||
	    strcmp(name, "--current-snapshot") == 0) {
		/* Each side is one snapshot: a second one would replace
		 * the first unseen (merge them with llmcost merge). */
		int side = name[2] == 'c';

		if (d->snap_path[side] != NULL)
			return diff_usage("given twice; each side is one "
					  "snapshot (llmcost merge adds "
					  "several into one)", name);
		d->snap_path[side] = v;
	} else if (strcmp(name, "--by") == 0)
		return diff_by(d, v);
	else if (strcmp(name, "--min-usd") == 0)
		return diff_money(v, &d->min_usd);
	else if (strcmp(name, "--min-pct") == 0)
		return diff_pct(v, &d->min_pct);
	else if (strcmp(name, "--format") == 0)
		return diff_format(d, v);
	else
		return 1;
	return CLI_EXIT_OK;
}


/* One argument at argv[*i]; *taken 1 if it was ours. */
static int diff_arg(struct diff_run *d, int argc, char **argv, int *i,
		    int *taken)
{
	char name[64];
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	const char *v;

	*taken = 0;
	if (strncmp(arg, "--", 2) != 0 || (eq != NULL &&
	    (size_t)(eq - arg) >= sizeof(name)))
		return CLI_EXIT_OK;
	snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg) : 63, arg);
	if (!diff_is_ours(name))
		return CLI_EXIT_OK;
	if (eq == NULL && *i + 1 >= argc)
		return diff_usage("option needs a value", arg);
	v = eq != NULL ? eq + 1 : argv[++*i];
	*taken = 1;
	return diff_option(d, name, v);
}


static int diff_check(const struct diff_run *d)
{
	int snaps = (d->snap_path[0] != NULL) + (d->snap_path[1] != NULL);
	int ranges = (d->period[0].to != 0) + (d->period[1].to != 0);

	if (snaps == 1)
		return diff_usage("give both --baseline-snapshot and "
				  "--current-snapshot", "");
	if (ranges == 1)
		return diff_usage("give both --baseline and --current", "");
	if ((snaps != 0) + (ranges != 0) + (d->period_name != NULL) != 1)
		return diff_usage("give one of --baseline/--current, --period "
				  "or the two snapshots", "");
	return CLI_EXIT_OK;
}


static void diff_defaults(struct diff_run *d)
{
	memset(d, 0, sizeof(*d));
	d->dims = LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM);
	d->by[0] = LLMCOST_DIM_TEAM;
	d->nby = 1;
}


/* Splits argv into ours (applied to d) and the rest, as an `audit`
 * command line in rest[0..*nrest). */
static int diff_split(struct diff_run *d, int argc, char **argv,
		      char **rest, int *nrest)
{
	int i, taken, rc, only_files = 0;

	rest[0] = argv[0];
	rest[1] = "audit";
	*nrest = 2;
	for (i = 2; i < argc; i++) {
		taken = 0;
		if (strcmp(argv[i], "--") == 0)
			only_files = 1;
		if (!only_files) {
			rc = diff_arg(d, argc, argv, &i, &taken);
			if (rc != CLI_EXIT_OK)
				return rc;
		}
		if (!taken)
			rest[(*nrest)++] = argv[i];
	}
	/* Snapshots need no log; the common parser wants an input.  For
	 * diff it reads the baseline as `audit --snapshot` would, so that
	 * it refuses the options that read logs, as the audit does. */
	if (d->snap_path[0] != NULL && diff_in_audit) {
		rest[(*nrest)++] = "-";
	} else if (d->snap_path[0] != NULL) {
		rest[(*nrest)++] = "--snapshot";
		rest[(*nrest)++] = (char *)d->snap_path[0];
	}
	rest[*nrest] = NULL;
	return diff_check(d);
}


/* Parses the rest as an `audit` command line and loads what it names. */
static int diff_setup(struct diff_run *d, int argc, char **argv,
		      char **rest, struct cli_opts *o,
		      llmcost_prices **prices)
{
	int nrest, rc = diff_split(d, argc, argv, rest, &nrest);

	if (rc != CLI_EXIT_OK)
		return rc;
	memset(o, 0, sizeof(*o));
	rc = cli_opts_parse(o, nrest, rest);
	/* The baseline is the last file; any other was given by hand. */
	if (rc == CLI_EXIT_OK && !diff_in_audit && d->snap_path[0] != NULL &&
	    o->n_files > 1)
		rc = diff_usage("a FILE with --baseline-snapshot and "
				"--current-snapshot, which are the two "
				"inputs", o->files[0]);
	if (rc == CLI_EXIT_OK)
		rc = cli_out_check(o);
	if (rc == CLI_EXIT_OK)
		rc = cli_prices_load(o, prices);
	if (rc == CLI_EXIT_OK)
		rc = cli_tags_load(o);
	return rc;
}


/* Runs `llmcost diff`, or with audit set `llmcost audit` followed by a
 * spend change section (in JSON: its member "spend_change"). */
static int diff_main(int argc, char **argv, int audit)
{
	struct diff_run d;
	struct cli_opts o;
	llmcost_prices *prices = NULL;
	char **rest = calloc((size_t)argc + 3, sizeof(*rest));
	char *json = NULL;
	int rc;

	diff_defaults(&d);
	diff_in_audit = audit;
	if (rest == NULL)
		return CLI_EXIT_IO;
	memset(&o, 0, sizeof(o));
	rc = diff_setup(&d, argc, argv, rest, &o, &prices);
	if (rc == CLI_EXIT_OK && audit && (d.snap_path[0] != NULL ||
					   o.from_snapshots)) {
		cli_error("audit: a comparison period works with logs; use "
			  "llmcost diff --baseline-snapshot A --current-snapshot "
			  "B for snapshots");
		rc = CLI_EXIT_USAGE;
	}
	if (rc == CLI_EXIT_OK && audit && o.format == CLI_FMT_JSON) {
		/* One JSON document: the change goes inside the audit's. */
		rc = cli_diff_json(&d, &o, prices, &json);
		o.spend_change_json = json;
		if (rc == CLI_EXIT_OK)
			rc = cli_audit(&o, prices);
		free(json);
	} else {
		if (rc == CLI_EXIT_OK && audit)
			rc = cli_audit(&o, prices);
		if (rc == CLI_EXIT_OK)
			rc = cli_diff_run(&d, &o, prices, audit);
	}
	llmcost_prices_free(prices);
	cli_opts_free(&o);
	diff_run_free(&d);
	free(rest);
	return rc < 0 ? CLI_EXIT_OK : rc;
}


static const char diff_help[] =
	"usage: llmcost diff (--baseline FROM..TO --current FROM..TO |\n"
	"                     --period week|month|day |\n"
	"                     --baseline-snapshot FILE "
	"--current-snapshot FILE)\n"
	"                    [--by DIMS] [--min-usd N] [--min-pct N]\n"
	"                    [--format text|md|json] [audit options] "
	"FILE...\n"
	"Splits each slice's cost change into volume, retry, input, output\n"
	"and price effects and names the cause; see docs/diff.md.\n";


int cli_diff_main(int argc, char **argv)
{
	int i;

	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(diff_help, stdout);
			return CLI_EXIT_OK;
		}
	}
	return diff_main(argc, argv, 0);
}


int cli_diff_audit(int argc, char **argv)
{
	return diff_main(argc, argv, 1);
}


int cli_diff_wanted(int argc, char **argv)
{
	static const char *const names[] = {
		"--baseline", "--current", "--period"
	};
	size_t n, k;
	int i;

	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		for (k = 0; k < LC_ARRAY_LEN(names); k++) {
			n = strlen(names[k]);
			if (strncmp(argv[i], names[k], n) == 0 &&
			    (argv[i][n] == '\0' || argv[i][n] == '='))
				return 1;
		}
	return 0;
}
