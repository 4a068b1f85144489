/*
 * options.c - the command line: commands, options and presets.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "focus_opts.h"

static const char *const cli_field_names[CLI_F_COUNT] = {
	"timestamp", "request_id", "team_id", "user_id", "tenant_id",
	"feature_name", "environment", "provider", "model",
	"input_tokens", "output_tokens", "cached_tokens",
	"cache_write_tokens", "cache_write_1h_tokens", "reasoning_tokens",
	"request_count", "latency_ms", "status_code", "retry_count",
	"prompt_template_version", "workflow_name", "service_tier",
	"region", "web_search_requests", "reported_cost_usd"
};

/* A named bundle of mappings, filters and model aliases. */
struct cli_preset {
	const char *name;
	int csv;			/* input format the preset implies */
	const char *const *maps;	/* FIELD, PATH, ..., NULL */
	const char *const *wheres;	/* PATH, VALUE, ..., NULL */
	const char *const *aliases;	/* FROM, TO, ..., NULL */
};

static const char *const cli_aider_maps[] = {
	"model", "properties.main_model",
	"input_tokens", "properties.prompt_tokens",
	"output_tokens", "properties.completion_tokens",
	"user_id", "user_id",
	"timestamp", "time",
	"feature_name", "properties.edit_format",
	"reported_cost_usd", "properties.cost",
	NULL
};

static const char *const cli_aider_wheres[] = {
	"event", "message_send",
	NULL
};

static const char *const cli_burstgpt_maps[] = {
	"timestamp", "Timestamp",
	"model", "Model",
	"input_tokens", "Request tokens",
	"output_tokens", "Response tokens",
	"feature_name", "Log Type",
	NULL
};

static const char *const cli_burstgpt_aliases[] = {
	"ChatGPT", "gpt-3.5-turbo",
	"GPT-4", "gpt-4",
	NULL
};

static const char *const cli_none[] = { NULL };

static const struct cli_preset cli_presets[] = {
	{ "aider", 0, cli_aider_maps, cli_aider_wheres, cli_none },
	{ "burstgpt", 1, cli_burstgpt_maps, cli_none, cli_burstgpt_aliases },
};

static const char cli_help_text[] =
"Usage: llmcost COMMAND [OPTIONS] FILE...\n"
"       llmcost tags suggest [OPTIONS] FILE...\n"
"       llmcost export focus [OPTIONS] FILE... -o out.csv\n"
"       llmcost report [OPTIONS] FILE... -o report.html\n"
"       llmcost diff --period week|--baseline A..B --current C..D FILE...\n"
"       llmcost snapshot [OPTIONS] FILE... -o OUT\n"
"       llmcost merge SNAP... -o OUT\n"
"       llmcost audit --snapshot SNAP [SNAP...]\n"
"\n"
"Prices LLM usage logs exactly (integer money in 10^-18 USD) and audits\n"
"who spent what.  FILE is JSON Lines (one request per line) or CSV with\n"
"a header row; '-' reads standard input.\n"
"\n"
"Commands:\n"
"  ledger   one row per input request, in input order, with every cost\n"
"           component (JSON Lines, or CSV with --format csv)\n"
"  audit    tables: accounting, totals, pricing flags, cost by team,\n"
"           user, feature, model and day, top users, unpriced models,\n"
"           rejected rows, price table diagnostics, and a\n"
"           reconciliation against a logged cost (--format json for\n"
"           exact machine-readable output), and attribution gaps\n"
"  gaps     the audit's accounting and attribution gaps only: cost\n"
"           and requests with no team, no user or tenant, no feature;\n"
"           tag values --tags could not map; duplicates; unpriced\n"
"           models; rejected rows (text, or --format json)\n"
"  tags suggest  a draft --tags config from the logs' tag values,\n"
"           clustered by their folded key (JSON)\n"
"  export focus  FOCUS 1.2 cost and usage rows (CSV), one per period,\n"
"           provider, model, token type, team, user, feature and price\n"
"           (docs/focus.md)\n"
"  report   one self-contained HTML page with charts (docs/report.md)\n"
"  diff     explain a spend change between two periods, slice by slice,\n"
"           with its cause (docs/diff.md; its own options are there)\n"
"  prices lint FILE...  lint price tables (--format json; exit 4 when\n"
"           there are findings)\n"
"  snapshot the audit's sums (team, user, feature, model by UTC day) as\n"
"           a binary snapshot file, -o OUT (llmcost snapshot --help)\n"
"  merge    add the snapshots of several replicas into one, -o OUT\n"
"           (llmcost merge --help)\n"
"\n"
"Options:\n"
"  --prices [DATE=]FILE  price table: LiteLLM JSON or an llmcost price\n"
"                        book (repeatable).  DATE (YYYY-MM-DD) is when a\n"
"                        LiteLLM snapshot took effect (a book has its own\n"
"                        dates).  Default: the price book compiled into\n"
"                        the library\n"
"  --show-diagnostics    list price table load diagnostics on stderr\n"
"  --format FORMAT       ledger: jsonl (default) or csv;\n"
"                        audit, gaps: text (default) or json;\n"
"                        snapshot, merge: binary (default) or json\n"
"  --snapshot SNAP       audit: report on snapshots instead of logs\n"
"                        (repeatable; with it every FILE is a snapshot,\n"
"                        and all are merged); the sections that need\n"
"                        the rows are left out, each with a note\n"
"  -o, --output FILE     write to FILE instead of standard output\n"
"  --map FIELD=PATH      read FIELD from PATH: a dotted JSON path\n"
"                        (properties.main_model) or a CSV column name\n"
"  --where PATH=VALUE    keep only lines whose PATH equals VALUE (string\n"
"                        or number text); repeatable, all must match\n"
"  --csv, --jsonl        input format (default: .csv files are CSV)\n"
"  --preset NAME         mappings for a known log: aider, burstgpt\n"
"  --model-alias FROM=TO rewrite a logged model name before pricing\n"
"  --usage-shape SHAPE   read the tokens from a provider's usage object:\n"
"                        openai-chat, openai-responses, anthropic,\n"
"                        gemini, bedrock, otel (--map usage=PATH: where)\n"
"  --deployment NAME=MODEL  price deployment NAME as the key MODEL\n"
"  --strict              stop at the first bad line (exit 3)\n"
"  --limit N             rows per audit table (default 20; 0: all)\n"
"  --tags FILE           map team, feature, environment, tenant,\n"
"                        workflow and user values to a canonical\n"
"                        vocabulary (docs/tags.md) before grouping\n"
"  --dedupe-lines        also count identical lines once (rows are\n"
"                        always compared by request_id)\n"
"  --keep-duplicates     count every row, even a repeated request_id\n"
"  --contract FILE       negotiated terms (docs/contracts.md), repeatable\n"
"  --granularity day|hour  export focus: the charge period (default day)\n"
"  --like FILE           export focus: the columns and conventions of\n"
"                        an existing FOCUS CSV, to append our rows to it\n"
"  --billing-account ID  export focus: BillingAccountId (default\n"
"                        'default')\n"
"  --baseline FILE       report: logs of an earlier period to compare\n"
"                        with, repeatable\n"
"  --title TEXT          report: the page title\n"
"  -h, --help            this text\n"
"  --version             the tool and library version\n"
"\n"
"Fields: timestamp, request_id, team_id, user_id, tenant_id,\n"
"  feature_name, environment, provider, model, input_tokens,\n"
"  output_tokens, cached_tokens, cache_write_tokens,\n"
"  cache_write_1h_tokens, reasoning_tokens, request_count, latency_ms,\n"
"  status_code, retry_count, prompt_template_version, workflow_name,\n"
"  service_tier, region, web_search_requests, reported_cost_usd.\n"
"  input_tokens includes the cache buckets; output_tokens includes\n"
"  reasoning_tokens.  Timestamps: epoch seconds, epoch milliseconds\n"
"  (numbers above 10^11), or RFC 3339 / 'YYYY-MM-DD HH:MM:SS' text (UTC).\n"
"\n"
"Exit status: 0 done (also with unpriced or rejected rows), 1 usage\n"
"error (also a --map or --where column a CSV header lacks), 2 input or\n"
"output error (a file or price table that cannot be read, a price file\n"
"with no prices, a --tags file that cannot be loaded, an output that is\n"
"one of the inputs), 3 a bad line under --strict.\n";


const char *cli_field_name(int field)
{
	if (field < 0 || field >= CLI_F_COUNT)
		return "";
	return cli_field_names[field];
}


int cli_field_lookup(const char *name)
{
	int f;

	for (f = 0; f < CLI_F_COUNT; f++)
		if (strcmp(cli_field_names[f], name) == 0)
			return f;
	return -1;
}


void cli_usage(FILE *fp)
{
	fputs(cli_help_text, fp);
}


static int cli_usage_error(const char *fmt, const char *arg)
{
	fputs("llmcost: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'llmcost --help'.\n", stderr);
	return CLI_EXIT_USAGE;
}


static int cli_pairs_add(struct cli_pairs *p, const char *key,
			 const char *value)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct cli_pair *v = realloc(p->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].key = key;
	p->v[p->n].value = value;
	p->n++;
	return 0;
}


/* Splits "KEY=VALUE" into a pair.  The value points into argv; the key is
 * copied (argv is not ours to write a NUL into) and kept in o->owned.
 * need_value: an empty VALUE is an error too. */
static int cli_split_pair(struct cli_opts *o, const char *arg,
			  struct cli_pairs *p, int need_value)
{
	const char *eq = strchr(arg, '=');
	char *key, **grown;

	if (eq == NULL || eq == arg || (need_value && eq[1] == '\0'))
		return -1;
	key = strndup(arg, (size_t)(eq - arg));
	grown = realloc(o->owned, (o->n_owned + 1) * sizeof(*grown));
	if (grown != NULL)
		o->owned = grown;
	if (key == NULL || grown == NULL) {
		free(key);
		return -2;
	}
	o->owned[o->n_owned++] = key;
	return cli_pairs_add(p, key, eq + 1) ? -2 : 0;
}


/* Parse state kept apart from the options so that explicit --map
 * arguments can be applied after a preset, whatever their order. */
struct cli_parse {
	struct cli_opts *o;
	struct cli_pairs maps;
	struct cli_pairs wheres;
	struct cli_pairs aliases;
	const struct cli_preset *preset;
	int first;		/* argv index of the first option or file */
};

/* Whether text before '=' starts like a date: four digits and '-'.  Such
 * a prefix is a DATE and must be a valid one; any other '=' is part of
 * the file name. */
static int cli_dated(const char *arg, const char *eq)
{
	int i;

	if (eq == NULL || eq - arg < 5)
		return 0;
	for (i = 0; i < 4; i++)
		if (arg[i] < '0' || arg[i] > '9')
			return 0;
	return arg[4] == '-';
}


static int cli_parse_prices(struct cli_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct cli_price_file *v;
	int64_t ms = LLMCOST_TIME_UNKNOWN;
	const char *path = arg;

	if (cli_dated(arg, eq)) {
		if (lc_time_parse(arg, (size_t)(eq - arg), &ms) !=
		    LLMCOST_OK)
			return cli_usage_error("--prices: '%s' does not start "
					       "with a valid DATE= "
					       "(YYYY-MM-DD)", arg);
		path = eq + 1;
	}
	if (*path == '\0')
		return cli_usage_error("--prices needs a file: '%s'", arg);
	v = realloc(o->prices, (o->n_prices + 1) * sizeof(*v));
	if (v == NULL)
		return cli_usage_error("%s", "out of memory");
	o->prices = v;
	memset(&v[o->n_prices], 0, sizeof(v[o->n_prices]));
	v[o->n_prices].path = path;
	v[o->n_prices].valid_from_ms = ms;
	o->n_prices++;
	return 0;
}


static int cli_parse_format(struct cli_opts *o, const char *arg)
{
	static const struct {
		const char *name;
		enum cli_format format;
	} names[] = {
		{ "jsonl", CLI_FMT_JSONL }, { "csv", CLI_FMT_CSV },
		{ "text", CLI_FMT_TEXT }, { "json", CLI_FMT_JSON },
		{ "binary", CLI_FMT_BINARY },
	};
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(names); i++) {
		if (strcmp(arg, names[i].name) == 0) {
			o->format = names[i].format;
			return 0;
		}
	}
	return cli_usage_error("unknown format '%s'", arg);
}


static int cli_parse_preset(struct cli_parse *ps, const char *arg)
{
	size_t i;

	if (ps->preset != NULL)
		return cli_usage_error("only one --preset: '%s'", arg);
	for (i = 0; i < LC_ARRAY_LEN(cli_presets); i++) {
		if (strcmp(arg, cli_presets[i].name) == 0) {
			ps->preset = &cli_presets[i];
			ps->o->preset = cli_presets[i].name;
			return 0;
		}
	}
	return cli_usage_error("unknown preset '%s' (aider, burstgpt)", arg);
}


static int cli_parse_limit(struct cli_opts *o, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < 0)
		return cli_usage_error("--limit needs a count: '%s'", arg);
	o->limit = v;
	return 0;
}


static int cli_parse_tags(struct cli_opts *o, const char *arg)
{
	if (o->tags_path != NULL)
		return cli_usage_error("only one --tags: '%s'", arg);
	if (*arg == '\0')
		return cli_usage_error("%s", "--tags needs a file");
	o->tags_path = arg;
	return 0;
}


static int cli_add_file(struct cli_opts *o, char *path)
{
	char **v = realloc(o->files, (o->n_files + 1) * sizeof(*v));

	if (v == NULL)
		return cli_usage_error("%s", "out of memory");
	o->files = v;
	v[o->n_files++] = path;
	return 0;
}


/* --snapshot SNAP: the files are snapshots, this one and the others. */
static int cli_parse_snapshot(struct cli_opts *o, const char *arg)
{
	if (o->command != CLI_CMD_AUDIT)
		return cli_usage_error("%s", "--snapshot is an option of "
				       "audit");
	if (*arg == '\0')
		return cli_usage_error("%s", "--snapshot needs a file");
	o->from_snapshots = 1;
	return cli_add_file(o, (char *)arg);
}


static int cli_parse_pair_opt(struct cli_opts *o, struct cli_pairs *p,
			      const char *opt, const char *arg)
{
	int need_value = strcmp(opt, "--where") != 0;
	int rc = cli_split_pair(o, arg, p, need_value);

	if (rc == -2)
		return cli_usage_error("%s", "out of memory");
	if (rc != 0) {
		fprintf(stderr, "llmcost: %s needs %s: '%s'\n", opt,
			need_value ? "KEY=VALUE with both non-empty" :
			"KEY=VALUE", arg);
		fputs("Try 'llmcost --help'.\n", stderr);
		return CLI_EXIT_USAGE;
	}
	return 0;
}


/* Options that take a value: the handler for each. */
static int cli_parse_valued(struct cli_parse *ps, const char *name,
			    const char *arg)
{
	struct cli_opts *o = ps->o;

	if (strcmp(name, "--prices") == 0)
		return cli_parse_prices(o, arg);
	if (strcmp(name, "--format") == 0)
		return cli_parse_format(o, arg);
	if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
		/* One output: a second -o would silently win. */
		if (o->output != NULL)
			return cli_usage_error("-o/--output given twice: '%s'",
					       arg);
		o->output = arg;
		return 0;
	}
	if (strcmp(name, "--map") == 0)
		return cli_parse_pair_opt(o, &ps->maps, name, arg);
	if (strcmp(name, "--where") == 0)
		return cli_parse_pair_opt(o, &ps->wheres, name, arg);
	if (strcmp(name, "--model-alias") == 0)
		return cli_parse_pair_opt(o, &ps->aliases, name, arg);
	if (strcmp(name, "--preset") == 0)
		return cli_parse_preset(ps, arg);
	if (strcmp(name, "--limit") == 0)
		return cli_parse_limit(o, arg);
	if (strcmp(name, "--tags") == 0)
		return cli_parse_tags(o, arg);
	if (strcmp(name, "--usage-shape") == 0)
		return cli_usage_shape_opt(o, arg);
	if (strcmp(name, "--deployment") == 0)
		return cli_parse_pair_opt(o, &o->deployments, name, arg);
	if (strcmp(name, "--snapshot") == 0)
		return cli_parse_snapshot(o, arg);
	return cli_export_valued_opt(o, name, arg);
}


/* Flags without a value.  Returns 0 if handled, -1 if unknown, or -2
 * after printing help or the version. */
static int cli_parse_flag(struct cli_opts *o, const char *arg)
{
	if (strcmp(arg, "--csv") == 0) {
		o->input_csv = 1;
	} else if (strcmp(arg, "--jsonl") == 0) {
		o->input_csv = 0;
	} else if (strcmp(arg, "--strict") == 0) {
		o->strict = 1;
	} else if (strcmp(arg, "--show-diagnostics") == 0) {
		o->show_diags = 1;
	} else if (strcmp(arg, "--dedupe-lines") == 0) {
		o->dedupe_lines = 1;
	} else if (strcmp(arg, "--keep-duplicates") == 0) {
		o->keep_dups = 1;
	} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
		if (o->command == CLI_CMD_SNAPSHOT)
			cli_snapshot_usage(stdout);
		else
			cli_usage(stdout);
		return -2;
	} else if (strcmp(arg, "--version") == 0) {
		printf("llmcost %s\n", llmcost_version_string());
		return -2;
	} else {
		return -1;
	}
	return 0;
}


/* Options of a comparison (docs/diff.md) that mean nothing without one:
 * named in their own message rather than as unknown. */
static int cli_is_comparison_only(const char *arg)
{
	static const char *const names[] = {
		"--by", "--min-usd", "--min-pct"
	};
	size_t i, n;

	for (i = 0; i < LC_ARRAY_LEN(names); i++) {
		n = strlen(names[i]);
		if (strncmp(arg, names[i], n) == 0 &&
		    (arg[n] == '\0' || arg[n] == '='))
			return 1;
	}
	return 0;
}


static int cli_is_valued(const char *name)
{
	static const char *const valued[] = {
		"--prices", "--format", "-o", "--output", "--map",
		"--where", "--model-alias", "--preset", "--limit", "--tags",
		"--usage-shape", "--deployment", "--snapshot",
	};
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(valued); i++)
		if (strcmp(name, valued[i]) == 0)
			return 1;
	return cli_export_is_valued(name);
}


/* One option at argv[*i]; advances *i past its value. */
static int cli_parse_option(struct cli_parse *ps, int argc, char **argv,
			    int *i)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');
	char name[32];
	int rc;

	rc = cli_parse_flag(ps->o, arg);
	if (rc != -1)
		return rc == -2 ? -1 : 0;
	if (strncmp(arg, "--", 2) == 0 && eq != NULL &&
	    (size_t)(eq - arg) < sizeof(name)) {
		memcpy(name, arg, (size_t)(eq - arg));
		name[eq - arg] = '\0';
		if (cli_is_valued(name))
			return cli_parse_valued(ps, name, eq + 1);
	}
	if (cli_is_comparison_only(arg))
		return cli_usage_error("%s works with a comparison period: "
				       "add --period week|month|day or "
				       "--baseline/--current (docs/diff.md)",
				       arg);
	if (!cli_is_valued(arg))
		return cli_usage_error("unknown option '%s'", arg);
	if (*i + 1 >= argc)
		return cli_usage_error("%s needs a value", arg);
	*i += 1;
	return cli_parse_valued(ps, arg, argv[*i]);
}


static int cli_parse_args(struct cli_parse *ps, int argc, char **argv)
{
	int i, rc, only_files = 0;

	for (i = ps->first; i < argc; i++) {
		const char *arg = argv[i];

		if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
			rc = cli_add_file(ps->o, argv[i]);
		} else if (strcmp(arg, "--") == 0) {
			only_files = 1;
			rc = 0;
		} else {
			rc = cli_parse_option(ps, argc, argv, &i);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}


/* Whether a dotted path has an empty step: "", ".", "a.", ".a", "a..b". */
static int cli_empty_step(const char *path)
{
	size_t n = strlen(path);

	return n == 0 || path[0] == '.' || path[n - 1] == '.' ||
	       strstr(path, "..") != NULL;
}


static int cli_apply_map(struct cli_opts *o, const char *field,
			 const char *path)
{
	int f = cli_field_lookup(field);

	if (f < 0 && strcmp(field, "usage") != 0)
		return cli_usage_error("--map: unknown field '%s' (see "
				       "'llmcost --help')", field);
	if (*path == '\0')
		return cli_usage_error("--map %s: empty path", field);
	if (cli_empty_step(path))
		return cli_usage_error("--map: empty step in the path '%s'",
				       path);
	if (f < 0) {
		o->usage_path = path;	/* --map usage=PATH */
		return 0;
	}
	o->paths[f] = path;
	o->mapped |= 1u << f;
	return 0;
}


static int cli_apply_where(struct cli_opts *o, const char *path,
			   const char *value)
{
	if (cli_empty_step(path))
		return cli_usage_error("--where: empty step in the path '%s'",
				       path);
	return cli_pairs_add(&o->wheres, path, value) ? -1 : 0;
}


/* Preset first, then explicit arguments, so that --map overrides the
 * preset and explicit --model-alias entries are found first. */
static int cli_apply(struct cli_parse *ps)
{
	struct cli_opts *o = ps->o;
	const struct cli_preset *p = ps->preset;
	const char *const *s;
	size_t i;
	int rc = 0;

	if (p != NULL) {
		if (o->input_csv < 0 && p->csv)
			o->input_csv = 1;
		for (s = p->maps; *s && rc == 0; s += 2)
			rc = cli_apply_map(o, s[0], s[1]);
		for (s = p->wheres; *s && rc == 0; s += 2)
			rc = cli_apply_where(o, s[0], s[1]);
	}
	for (i = 0; i < ps->maps.n && rc == 0; i++)
		rc = cli_apply_map(o, ps->maps.v[i].key, ps->maps.v[i].value);
	for (i = 0; i < ps->wheres.n && rc == 0; i++)
		rc = cli_apply_where(o, ps->wheres.v[i].key,
				     ps->wheres.v[i].value);
	for (i = 0; i < ps->aliases.n && rc == 0; i++)
		rc = cli_pairs_add(&o->aliases, ps->aliases.v[i].key,
				   ps->aliases.v[i].value);
	for (s = p ? p->aliases : cli_none; *s && rc == 0; s += 2)
		rc = cli_pairs_add(&o->aliases, s[0], s[1]);
	if (rc == 0 && o->usage_path != NULL && o->usage_shape == 0)
		return cli_usage_error("%s", "--map usage=PATH needs "
				       "--usage-shape");
	return rc < 0 ? cli_usage_error("%s", "out of memory") : rc;
}


/* Indexes the field paths: plain keys go in a map from key to the bits
 * of the fields read there; dotted paths are looked up one by one. */
static int cli_index_paths(struct cli_opts *o)
{
	uint32_t mask;
	size_t len;
	int f;

	o->top = lc_map_new();
	if (o->top == NULL)
		return cli_usage_error("%s", "out of memory");
	for (f = 0; f < CLI_F_COUNT; f++) {
		if (strchr(o->paths[f], '.') != NULL) {
			o->dotted |= 1u << f;
			continue;
		}
		len = strlen(o->paths[f]);
		if (!lc_map_get(o->top, o->paths[f], len, &mask))
			mask = 0;
		if (lc_map_put(o->top, o->paths[f], len, mask | 1u << f,
			       NULL) != LLMCOST_OK)
			return cli_usage_error("%s", "out of memory");
	}
	return 0;
}


static int cli_check_format(struct cli_opts *o)
{
	if (o->format == CLI_FMT_DEFAULT) {
		o->format = o->command == CLI_CMD_LEDGER ? CLI_FMT_JSONL :
			    o->command == CLI_CMD_SNAPSHOT ? CLI_FMT_BINARY :
			    CLI_FMT_TEXT;
		return 0;
	}
	if (o->command == CLI_CMD_LEDGER && o->format == CLI_FMT_JSON)
		o->format = CLI_FMT_JSONL;
	if (o->command == CLI_CMD_LEDGER && o->format == CLI_FMT_TEXT)
		return cli_usage_error("%s", "ledger formats: jsonl, csv");
	if (o->command == CLI_CMD_AUDIT && (o->format == CLI_FMT_JSONL ||
					    o->format == CLI_FMT_CSV))
		return cli_usage_error("%s", "audit formats: text, json");
	if (o->command == CLI_CMD_GAPS && (o->format == CLI_FMT_JSONL ||
					   o->format == CLI_FMT_CSV))
		return cli_usage_error("%s", "gaps formats: text, json");
	if (o->command == CLI_CMD_SNAPSHOT && o->format != CLI_FMT_BINARY &&
	    o->format != CLI_FMT_JSON)
		return cli_usage_error("%s", "snapshot formats: binary, json");
	if (o->command != CLI_CMD_SNAPSHOT && o->format == CLI_FMT_BINARY)
		return cli_usage_error("%s", "--format binary is for snapshot "
				       "and merge");
	return 0;
}


/* The options that shape how logs are read and priced mean nothing to
 * an audit of snapshots, which were priced and grouped when made: say
 * so rather than ignore them. */
static int cli_check_snapshot_input(const struct cli_parse *ps)
{
	const struct cli_opts *o = ps->o;
	const char *opt = NULL;

	if (o->n_prices > 0)
		opt = "--prices";
	else if (o->tags_path != NULL)
		opt = "--tags";
	else if (ps->maps.n > 0 || ps->preset != NULL)
		opt = ps->preset != NULL ? "--preset" : "--map";
	else if (ps->wheres.n > 0)
		opt = "--where";
	else if (ps->aliases.n > 0 || o->deployments.n > 0)
		opt = ps->aliases.n > 0 ? "--model-alias" : "--deployment";
	else if (o->usage_shape != 0)
		opt = "--usage-shape";
	else if (o->n_contracts > 0)
		opt = "--contract";
	else if (o->strict || o->dedupe_lines || o->keep_dups)
		opt = o->strict ? "--strict" : o->dedupe_lines ?
		      "--dedupe-lines" : "--keep-duplicates";
	else if (o->input_csv >= 0 || o->show_diags)
		opt = o->show_diags ? "--show-diagnostics" : "--csv/--jsonl";
	if (opt == NULL)
		return 0;
	return cli_usage_error("%s reads logs; a snapshot was priced and "
			       "grouped when it was made (give it to "
			       "llmcost snapshot)", opt);
}


/* Options that only some commands take, and options that conflict. */
static int cli_check_tag_options(struct cli_opts *o)
{
	if (o->command == CLI_CMD_TAGS_SUGGEST) {
		if (o->tags_path != NULL)
			return cli_usage_error("%s", "tags suggest drafts a "
					       "--tags file; it takes none");
		if (o->format != CLI_FMT_DEFAULT &&
		    o->format != CLI_FMT_JSON)
			return cli_usage_error("%s", "tags suggest writes "
					       "JSON only");
		o->format = CLI_FMT_JSON;
	}
	if (o->dedupe_lines && o->keep_dups)
		return cli_usage_error("%s", "--dedupe-lines and "
				       "--keep-duplicates contradict each "
				       "other");
	return 0;
}


static int cli_parse_command(struct cli_opts *o, const char *cmd)
{
	if (strcmp(cmd, "ledger") == 0)
		o->command = CLI_CMD_LEDGER;
	else if (strcmp(cmd, "audit") == 0)
		o->command = CLI_CMD_AUDIT;
	else if (strcmp(cmd, "gaps") == 0)
		o->command = CLI_CMD_GAPS;
	else if (strcmp(cmd, "tags") == 0)
		o->command = CLI_CMD_TAGS_SUGGEST;
	else if (strcmp(cmd, "export") == 0)
		o->command = CLI_CMD_FOCUS;
	else if (strcmp(cmd, "report") == 0)
		o->command = CLI_CMD_REPORT;
	else if (strcmp(cmd, "snapshot") == 0)
		o->command = CLI_CMD_SNAPSHOT;
	else
		return cli_usage_error("unknown command '%s'", cmd);
	return 0;
}


/* "tags" takes a subcommand; the only one is "suggest". */
static int cli_parse_subcommand(struct cli_parse *ps, int argc, char **argv)
{
	ps->first = 2;
	if (ps->o->command == CLI_CMD_FOCUS)
		return cli_export_subcommand(ps->o, argc, argv, &ps->first);
	if (ps->o->command != CLI_CMD_TAGS_SUGGEST)
		return 0;
	if (argc < 3)
		return cli_usage_error("%s", "tags needs a subcommand: "
				       "suggest");
	if (strcmp(argv[2], "suggest") != 0)
		return cli_usage_error("tags: unknown subcommand '%s' (the "
				       "only one is 'suggest')", argv[2]);
	ps->first = 3;
	return 0;
}


static void cli_opts_defaults(struct cli_opts *o)
{
	int f;

	memset(o, 0, sizeof(*o));
	o->input_csv = -1;
	o->limit = 20;
	for (f = 0; f < CLI_F_COUNT; f++)
		o->paths[f] = cli_field_names[f];
}


static int cli_parse_top(int argc, char **argv)
{
	if (argc < 2) {
		cli_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_usage(stdout);
		return -1;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("llmcost %s\n", llmcost_version_string());
		return -1;
	}
	return 0;
}


int cli_opts_parse(struct cli_opts *o, int argc, char **argv)
{
	struct cli_parse ps;
	int rc;

	cli_opts_defaults(o);
	rc = cli_parse_top(argc, argv);
	if (rc != 0)
		return rc;
	rc = cli_parse_command(o, argv[1]);
	if (rc != 0)
		return rc;
	memset(&ps, 0, sizeof(ps));
	ps.o = o;
	rc = cli_parse_subcommand(&ps, argc, argv);
	if (rc == 0)
		rc = cli_parse_args(&ps, argc, argv);
	if (rc == 0)
		rc = cli_apply(&ps);
	if (rc == 0)
		rc = cli_index_paths(o);
	if (rc == 0 && o->from_snapshots)
		rc = cli_check_snapshot_input(&ps);
	free(ps.maps.v);
	free(ps.wheres.v);
	free(ps.aliases.v);
	if (rc != 0)
		return rc;
	if (o->n_files == 0)
		return cli_usage_error("%s: no input FILE (use - for "
				       "standard input)", argv[1]);
	rc = cli_check_tag_options(o);
	if (rc == 0)
		rc = cli_export_check(o);
	if (rc == 0 && o->command == CLI_CMD_SNAPSHOT &&
	    (o->output == NULL || strcmp(o->output, "-") == 0))
		return cli_usage_error("%s", "snapshot needs -o OUT, a file "
				       "(it is written whole, then renamed)");
	return rc != 0 ? rc : cli_check_format(o);
}


void cli_opts_free(struct cli_opts *o)
{
	size_t i;

	free(o->prices);
	free(o->wheres.v);
	free(o->aliases.v);
	free(o->deployments.v);
	free(o->files);
	lc_map_free(o->top);
	llmcost_tags_free(o->tags);
	cli_export_free(o);
	for (i = 0; i < o->n_owned; i++)
		free(o->owned[i]);
	free(o->owned);
}
