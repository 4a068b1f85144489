/*
 * header_use.c - uses every macro, enum constant and type of llmcost.h.
 *
 * tests/meta/test_header.py compiles this as strict C89 (and later
 * standards) with warnings as errors, links it to the shared library and
 * runs it; it exits 0 when every check holds.  The test also fails if the
 * header gains a macro or constant that this file does not mention, so
 * keep it complete when the header grows.
 */
#include <stdio.h>
#include <string.h>

#include "llmcost.h"

static int failures;


static void check(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "header_use.c:%d: FAILED: %s\n", line, what);
		failures++;
	}
}

#define CHECK(e) check((e) != 0, #e, __LINE__)


static int is_bit(unsigned v)
{
	return v != 0 && (v & (v - 1)) == 0;
}


static void check_version(void)
{
	char want[32];

	sprintf(want, "%d.%d.%d", LLMCOST_VERSION_MAJOR,
		LLMCOST_VERSION_MINOR, LLMCOST_VERSION_PATCH);
	CHECK(LLMCOST_VERSION_NUMBER == LLMCOST_VERSION_MAJOR * 10000 +
	      LLMCOST_VERSION_MINOR * 100 + LLMCOST_VERSION_PATCH);
	CHECK(llmcost_version() == LLMCOST_VERSION_NUMBER);
	CHECK(strcmp(llmcost_version_string(), want) == 0);
}


static void check_allocator(void)
{
	llmcost_allocator a;

	llmcost_allocator_init(&a);
	CHECK(a.struct_size == sizeof(a) && a.malloc_fn != NULL);
	CHECK(llmcost_set_allocator(&a) == LLMCOST_OK);
	a.free_fn = NULL;
	CHECK(llmcost_set_allocator(&a) == LLMCOST_E_INVALID);
	CHECK(llmcost_set_allocator(NULL) == LLMCOST_OK);
}


#define STATUS_COUNT(name, code, msg) + 1
#define STATUS_NAME(name, code, msg) \
	CHECK(strcmp(llmcost_status_name(code), "LLMCOST_" #name) == 0); \
	CHECK(strcmp(llmcost_status_message(code), msg) == 0);

static void check_status(void)
{
	static const llmcost_status codes[] = {
		LLMCOST_OK, LLMCOST_E_INVALID, LLMCOST_E_NOMEM, LLMCOST_E_IO,
		LLMCOST_E_PARSE, LLMCOST_E_RANGE, LLMCOST_E_INEXACT,
		LLMCOST_E_PARTS, LLMCOST_E_NEGATIVE, LLMCOST_E_UNPRICED,
		LLMCOST_E_NORATE, LLMCOST_E_NOTFOUND, LLMCOST_E_VERSION,
		LLMCOST_E_SIZE, LLMCOST_E_OVERFLOW, LLMCOST_E_TYPE,
		LLMCOST_E_MISSING,
		LLMCOST_E_CONFLICT
	};
	int n = 0 LLMCOST_STATUS_LIST(STATUS_COUNT);
	size_t i;

	CHECK(n == 1 - LLMCOST_STATUS_MIN);
	CHECK(sizeof(codes) / sizeof(codes[0]) == (size_t)n);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CHECK((int)codes[i] == -(int)i);
	CHECK(LLMCOST_STATUS_END_ == LLMCOST_STATUS_MIN);
	LLMCOST_STATUS_LIST(STATUS_NAME)
	CHECK(strcmp(llmcost_status_name(1), "LLMCOST_E_UNKNOWN") == 0);
	CHECK(llmcost_last_error() != NULL);
}


static void check_money(void)
{
	llmcost_money lowest;
	llmcost_money back;
	char text[LLMCOST_MONEY_STRLEN];
	const char *want = "-170141183460469231731.687303715884105728";

	lowest.hi = INT64_MIN;
	lowest.lo = 0;
	CHECK(LLMCOST_MONEY_DIGITS == 18);
	CHECK(llmcost_money_format(lowest, text, sizeof(text)) ==
	      (int)strlen(want));
	CHECK(strcmp(text, want) == 0);
	CHECK(llmcost_money_parse("-1e-18", (size_t)-1, &back) == LLMCOST_OK);
	CHECK(back.hi == -1 && back.lo == UINT64_MAX);
	CHECK(llmcost_money_cmp(back, lowest) == 1);
	CHECK(llmcost_money_format(lowest, text, strlen(want)) ==
	      LLMCOST_E_RANGE);
	CHECK(text[0] == '\0');
	CHECK(llmcost_money_add(lowest, lowest, &back) == LLMCOST_E_OVERFLOW);
}


static void check_record(void)
{
	llmcost_record rec;

	llmcost_record_init(&rec);
	CHECK(rec.struct_size == sizeof(rec));
	CHECK(rec.request_count == 1);
	CHECK(rec.timestamp_ms == LLMCOST_TIME_UNKNOWN);
	CHECK(LLMCOST_TIME_UNKNOWN == INT64_MIN);
	CHECK(is_bit(LLMCOST_RECORD_FAILED) && is_bit(LLMCOST_RECORD_STREAMED));
	CHECK(LLMCOST_RECORD_FAILED != LLMCOST_RECORD_STREAMED);
	rec.flags = LLMCOST_RECORD_FAILED | LLMCOST_RECORD_STREAMED;
	rec.input_tokens = 10;
	rec.cached_tokens = 4;
	CHECK(llmcost_record_check(&rec) == LLMCOST_OK);
	rec.cached_tokens = 11;
	CHECK(llmcost_record_check(&rec) == LLMCOST_E_PARTS);
}


static void check_components(void)
{
	static const llmcost_component comps[] = {
		LLMCOST_C_INPUT, LLMCOST_C_CACHE_READ,
		LLMCOST_C_CACHE_WRITE_5M, LLMCOST_C_CACHE_WRITE_1H,
		LLMCOST_C_OUTPUT, LLMCOST_C_REASONING, LLMCOST_C_INPUT_AUDIO,
		LLMCOST_C_INPUT_IMAGE, LLMCOST_C_INPUT_VIDEO,
		LLMCOST_C_OUTPUT_AUDIO, LLMCOST_C_OUTPUT_IMAGE,
		LLMCOST_C_REQUEST, LLMCOST_C_WEB_SEARCH, LLMCOST_C_FILE_SEARCH
	};
	static const char *const names[] = {
		"input", "cache_read", "cache_write_5m", "cache_write_1h",
		"output", "reasoning", "input_audio", "input_image",
		"input_video", "output_audio", "output_image", "request",
		"web_search", "file_search"
	};
	size_t i;

	CHECK(sizeof(comps) / sizeof(comps[0]) == LLMCOST_C_COUNT);
	CHECK(LLMCOST_C_COUNT <= LLMCOST_C_CAPACITY);
	for (i = 0; i < LLMCOST_C_COUNT; i++) {
		CHECK((size_t)comps[i] == i);
		CHECK(strcmp(llmcost_component_name(comps[i]), names[i]) == 0);
	}
	CHECK(strcmp(llmcost_component_name(LLMCOST_C_COUNT), "") == 0);
}


static void check_rules(void)
{
	llmcost_rule r = LLMCOST_RULE_NONE;

	CHECK(strcmp(llmcost_rule_name(r), "none") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_EXACT), "exact") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_ADD_PROVIDER),
		     "add_provider") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_STRIP_PROVIDER),
		     "strip_provider") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_DEPLOYMENT),
		     "deployment") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_BEDROCK), "bedrock") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_VERTEX), "vertex") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_FINE_TUNE),
		     "fine_tune") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_OPENROUTER),
		     "openrouter") == 0);
	CHECK(strcmp(llmcost_rule_name(LLMCOST_RULE_UNDATED), "undated") == 0);
}


/* The pricing additions of 0.2: service tiers, cost flags and fields,
 * deployments, uplifts, contracts, usage shapes and the lint. */
static void check_pricing_depth(void)
{
	static const char book[] =
		"format 1\nmodel m provider=openai\n"
		"price always input=2 output=8\n";
	static const char contract[] =
		"format 1\ndiscount all percent=25\n";
	static const char usage[] =
		"{\"prompt_tokens\": 1000, \"completion_tokens\": 10}";
	llmcost_service_tier tier = LLMCOST_TIER_STANDARD;
	llmcost_usage_shape shape = LLMCOST_USAGE_OPENAI_CHAT;
	llmcost_lint_kind kind = LLMCOST_LINT_BAD_RATE;
	llmcost_prices *prices = NULL;
	llmcost_lint *lint = NULL;
	llmcost_record rec;
	llmcost_cost cost;
	const char *key = NULL;
	uint32_t rule = 0, flags = 0;
	char usd[LLMCOST_MONEY_STRLEN];

	CHECK(is_bit(LLMCOST_COST_UNRATED) && is_bit(LLMCOST_COST_REGIONAL) &&
	      is_bit(LLMCOST_COST_ROUNDED) && is_bit(LLMCOST_COST_CONTRACT));
	CHECK((LLMCOST_COST_UNRATED | LLMCOST_COST_REGIONAL |
	       LLMCOST_COST_ROUNDED | LLMCOST_COST_CONTRACT) == 0x78);
	CHECK(strcmp(llmcost_service_tier_name(tier), "standard") == 0);
	CHECK(strcmp(llmcost_service_tier_name(LLMCOST_TIER_BATCH),
		     "batch") == 0);
	CHECK(strcmp(llmcost_service_tier_name(LLMCOST_TIER_FLEX), "flex") ==
	      0);
	CHECK(strcmp(llmcost_service_tier_name(LLMCOST_TIER_PRIORITY),
		     "priority") == 0);
	CHECK(strcmp(llmcost_usage_shape_name(shape), "openai-chat") == 0);
	CHECK(llmcost_usage_shape_from_name("openai-responses") ==
	      LLMCOST_USAGE_OPENAI_RESPONSES);
	CHECK(llmcost_usage_shape_from_name("anthropic") ==
	      LLMCOST_USAGE_ANTHROPIC);
	CHECK(llmcost_usage_shape_from_name("gemini") == LLMCOST_USAGE_GEMINI);
	CHECK(llmcost_usage_shape_from_name("bedrock") ==
	      LLMCOST_USAGE_BEDROCK);
	CHECK(llmcost_usage_shape_from_name("otel") == LLMCOST_USAGE_OTEL);
	CHECK(strcmp(llmcost_lint_kind_name(kind), "bad_rate") == 0);
	CHECK(strcmp(llmcost_lint_kind_name(LLMCOST_LINT_CACHE_READ_DEAR),
		     "cache_read_dear") == 0);
	CHECK(strcmp(llmcost_lint_kind_name(LLMCOST_LINT_CACHE_WRITE_CHEAP),
		     "cache_write_cheap") == 0);
	CHECK(strcmp(llmcost_lint_kind_name(LLMCOST_LINT_WRITE_1H_MULTIPLE),
		     "write_1h_multiple") == 0);
	CHECK(strcmp(llmcost_lint_kind_name(LLMCOST_LINT_SCALE), "scale") ==
	      0);
	CHECK(strcmp(llmcost_lint_kind_name(LLMCOST_LINT_OUTPUT_CHEAP),
		     "output_cheap") == 0);
	CHECK(strcmp(llmcost_lint_kind_name(LLMCOST_LINT_TIER_ORDER),
		     "tier_order") == 0);
	CHECK(LLMCOST_LINT_KIND_END_ == LLMCOST_LINT_TIER_ORDER + 1);
	CHECK(strcmp(llmcost_lint_kind_name(LLMCOST_LINT_KIND_END_), "") == 0);
	CHECK(LLMCOST_USAGE_SHAPE_END_ == LLMCOST_USAGE_OTEL + 1);
	CHECK(strcmp(llmcost_usage_shape_name(LLMCOST_USAGE_SHAPE_END_), "") ==
	      0);

	CHECK(llmcost_prices_new(&prices) == LLMCOST_OK);
	CHECK(llmcost_prices_load_book(prices, book, strlen(book)) ==
	      LLMCOST_OK);
	CHECK(llmcost_prices_add_deployment(prices, "prod", "m") ==
	      LLMCOST_OK);
	CHECK(llmcost_prices_set_uplift(prices, "m", "eu-west-1", "1.1") ==
	      LLMCOST_OK);
	CHECK(llmcost_prices_load_contract(prices, contract,
					   strlen(contract)) == LLMCOST_OK);
	CHECK(llmcost_prices_resolve(prices, "azure/prod", NULL, &key, &rule,
				     &flags) == LLMCOST_OK);
	CHECK(key != NULL && strcmp(key, "m") == 0);
	CHECK(rule == LLMCOST_RULE_DEPLOYMENT && flags == 0);

	llmcost_record_init(&rec);
	CHECK(llmcost_usage_parse(LLMCOST_USAGE_OPENAI_CHAT, usage,
				  (size_t)-1, &rec) == LLMCOST_OK);
	CHECK(rec.input_tokens == 1000 && rec.output_tokens == 10);
	CHECK(rec.input_audio_tokens == 0 && rec.input_image_tokens == 0 &&
	      rec.input_video_tokens == 0 && rec.output_audio_tokens == 0 &&
	      rec.output_image_tokens == 0 && rec.file_search_requests == 0);
	rec.model = "prod";
	rec.region = "eu-west-1";
	rec.search_context_size = "low";
	llmcost_cost_init(&cost);
	CHECK(llmcost_price(prices, &rec, &cost) == LLMCOST_OK);
	/* (1000 * 2 + 10 * 8) / 10^6 = 0.00208; x1.1 = 0.002288; less 25%:
	 * 0.001716. */
	CHECK(llmcost_money_format(cost.list_cost, usd, sizeof(usd)) > 0 &&
	      strcmp(usd, "0.002288") == 0);
	CHECK(llmcost_money_format(cost.contracted_cost, usd, sizeof(usd)) >
	      0 && strcmp(usd, "0.001716") == 0);
	CHECK(llmcost_money_cmp(cost.effective_cost, cost.contracted_cost) ==
	      0);
	CHECK(cost.flags == (LLMCOST_COST_REGIONAL | LLMCOST_COST_CONTRACT));
	CHECK(cost.unrated == 0 && cost.service_tier == LLMCOST_TIER_STANDARD);
	CHECK(cost.units[LLMCOST_C_INPUT] == 1000 &&
	      cost.units[LLMCOST_C_REQUEST] == 1);

	CHECK(llmcost_prices_lint(prices, &lint) == LLMCOST_OK);
	CHECK(llmcost_lint_count(lint) == 0);
	CHECK(llmcost_lint_finding(lint, 0, NULL, NULL, NULL, NULL) ==
	      LLMCOST_E_NOTFOUND);
	llmcost_lint_free(lint);
	llmcost_lint_free(NULL);
	CHECK(llmcost_prices_load_contract_file(prices, "/nonexistent") ==
	      LLMCOST_E_IO);
	llmcost_prices_free(prices);
}


static void check_cost(void)
{
	llmcost_cost cost;
	llmcost_prices *prices = NULL;
	size_t n;

	llmcost_cost_init(&cost);
	CHECK(cost.struct_size == sizeof(cost));
	CHECK(sizeof(cost.note) == LLMCOST_NOTE_SIZE);
	CHECK(is_bit(LLMCOST_COST_LONG_CONTEXT) && is_bit(LLMCOST_COST_FALLBACK)
	      && is_bit(LLMCOST_COST_APPROXIMATE));
	CHECK((LLMCOST_COST_LONG_CONTEXT | LLMCOST_COST_FALLBACK |
	       LLMCOST_COST_APPROXIMATE) == 7);
	CHECK(llmcost_prices_new(&prices) == LLMCOST_OK);
	n = llmcost_prices_count(prices);
	CHECK(n == 0);
	CHECK(llmcost_prices_diag_count(prices) == 0);
	llmcost_prices_free(prices);
	llmcost_prices_free(NULL);
}


static void check_rollup(void)
{
	static const llmcost_dim dims[] = {
		LLMCOST_DIM_TEAM, LLMCOST_DIM_USER, LLMCOST_DIM_FEATURE,
		LLMCOST_DIM_MODEL, LLMCOST_DIM_TENANT, LLMCOST_DIM_ENVIRONMENT,
		LLMCOST_DIM_PROVIDER, LLMCOST_DIM_WORKFLOW,
		LLMCOST_DIM_PROMPT_TEMPLATE_VERSION, LLMCOST_DIM_SERVICE_TIER
	};
	static const llmcost_tokens toks[] = {
		LLMCOST_T_INPUT, LLMCOST_T_OUTPUT, LLMCOST_T_CACHED,
		LLMCOST_T_CACHE_WRITE_5M, LLMCOST_T_CACHE_WRITE_1H,
		LLMCOST_T_REASONING
	};
	llmcost_group group;
	llmcost_rollup *rollup = NULL;
	size_t i;

	CHECK(sizeof(dims) / sizeof(dims[0]) == LLMCOST_DIM_COUNT);
	CHECK(LLMCOST_DIM_COUNT <= LLMCOST_DIM_CAPACITY);
	CHECK(sizeof(toks) / sizeof(toks[0]) == LLMCOST_T_COUNT);
	CHECK(LLMCOST_T_COUNT <= LLMCOST_T_CAPACITY);
	for (i = 0; i < LLMCOST_DIM_COUNT; i++)
		CHECK((size_t)dims[i] == i);
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		CHECK((size_t)toks[i] == i);
	llmcost_group_init(&group);
	CHECK(group.struct_size == sizeof(group));
	CHECK(sizeof(group.key) / sizeof(group.key[0]) ==
	      LLMCOST_DIM_CAPACITY);
	CHECK(llmcost_rollup_new(&rollup) == LLMCOST_OK);
	CHECK(llmcost_rollup_count(rollup) == 0);
	CHECK(llmcost_rollup_group(rollup, 0, &group) == LLMCOST_E_NOTFOUND);
	llmcost_rollup_free(rollup);
	llmcost_rollup_free(NULL);
}


static void check_groupings(void)
{
	static const llmcost_bucket buckets[] = {
		LLMCOST_BUCKET_NONE, LLMCOST_BUCKET_HOUR, LLMCOST_BUCKET_DAY,
		LLMCOST_BUCKET_WEEK, LLMCOST_BUCKET_MONTH
	};
	static const llmcost_units units[] = {
		LLMCOST_U_INPUT_AUDIO, LLMCOST_U_INPUT_IMAGE,
		LLMCOST_U_INPUT_VIDEO, LLMCOST_U_OUTPUT_AUDIO,
		LLMCOST_U_OUTPUT_IMAGE, LLMCOST_U_WEB_SEARCH,
		LLMCOST_U_FILE_SEARCH
	};
	llmcost_rollup_options o;
	llmcost_group group;
	size_t i;

	CHECK(sizeof(buckets) / sizeof(buckets[0]) == LLMCOST_BUCKET_COUNT);
	for (i = 0; i < LLMCOST_BUCKET_COUNT; i++)
		CHECK((size_t)buckets[i] == i);
	CHECK(strcmp(llmcost_bucket_name(LLMCOST_BUCKET_WEEK), "week") == 0);
	CHECK(sizeof(units) / sizeof(units[0]) == LLMCOST_U_COUNT);
	CHECK(LLMCOST_U_COUNT <= LLMCOST_U_CAPACITY);
	for (i = 0; i < LLMCOST_U_COUNT; i++)
		CHECK((size_t)units[i] == i);
	llmcost_group_init(&group);
	CHECK(sizeof(group.units) / sizeof(group.units[0]) ==
	      LLMCOST_U_CAPACITY);
	CHECK(strcmp(llmcost_dim_name(LLMCOST_DIM_SERVICE_TIER),
		     "service_tier") == 0);
	CHECK(LLMCOST_DIMS_DEFAULT == (LLMCOST_DIM_BIT(LLMCOST_DIM_TEAM) |
				       LLMCOST_DIM_BIT(LLMCOST_DIM_USER) |
				       LLMCOST_DIM_BIT(LLMCOST_DIM_FEATURE) |
				       LLMCOST_DIM_BIT(LLMCOST_DIM_MODEL)));
	llmcost_rollup_options_init(&o);
	CHECK(o.struct_size == sizeof(o));
	CHECK(sizeof(o.dims) / sizeof(o.dims[0]) == LLMCOST_GROUPING_MAX);
	CHECK(llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
					 LLMCOST_BUCKET_DAY, 0, 0) == 0);
	CHECK(llmcost_rollup_options_add(&o, LLMCOST_DIMS_DEFAULT,
					 LLMCOST_BUCKET_DAY, 0, 0) ==
	      LLMCOST_E_CONFLICT);
	CHECK(llmcost_rollup_options_add(&o, 0, LLMCOST_BUCKET_HOUR, 5,
					 LLMCOST_HEAVY_MAX + 1) ==
	      LLMCOST_E_RANGE);
	CHECK(llmcost_rollup_options_add(&o, 0, LLMCOST_BUCKET_HOUR, 5,
					 LLMCOST_HEAVY_MAX) == 1);
	CHECK(LLMCOST_GROUP_OVERFLOW == 1u);
}


/* A rollup of one request, snapshot, save, load, merge, read back. */
static void check_snapshots(void)
{
	static const llmcost_snapshot_format formats[] = {
		LLMCOST_SNAPSHOT_BINARY, LLMCOST_SNAPSHOT_JSON
	};
	llmcost_rollup_options o;
	llmcost_rollup *rollup = NULL;
	llmcost_snapshot *snap = NULL, *back = NULL;
	llmcost_grouping_info info;
	llmcost_heavy heavy;
	llmcost_record rec;
	llmcost_cost cost;
	llmcost_metric m = LLMCOST_M_LATENCY_MS;
	unsigned char buf[4096];
	size_t len = 0, n = 0;
	int64_t q = 0;

	CHECK(LLMCOST_SNAPSHOT_VERSION == 1);
	CHECK(LLMCOST_SKETCH_ERROR_DIV == 64);
	CHECK(LLMCOST_M_INPUT_TOKENS == 0 && LLMCOST_M_COUNT == 2);
	llmcost_rollup_options_init(&o);
	llmcost_rollup_options_add(&o, LLMCOST_DIM_BIT(LLMCOST_DIM_USER),
				   LLMCOST_BUCKET_NONE, 10, 4);
	CHECK(llmcost_rollup_new_with(&rollup, &o) == LLMCOST_OK);
	llmcost_record_init(&rec);
	rec.user_id = "ana";
	rec.latency_ms = 250;
	llmcost_cost_init(&cost);
	cost.status = LLMCOST_E_UNPRICED;
	CHECK(llmcost_rollup_add(rollup, &rec, &cost) == LLMCOST_OK);
	CHECK(llmcost_rollup_snapshot(rollup, &snap) == LLMCOST_OK);
	CHECK(llmcost_snapshot_save(snap, formats[0], buf, sizeof(buf),
				    &len) == LLMCOST_OK);
	CHECK(llmcost_snapshot_load(&back, buf, len) == LLMCOST_OK);
	CHECK(llmcost_snapshot_merge(back, snap) == LLMCOST_OK);
	CHECK(llmcost_snapshot_count(back) == 1);
	CHECK(llmcost_snapshot_quantile(back, 0, m, 5000, &q) == LLMCOST_OK);
	CHECK(q == 250 || (q > 246 && q < 254));
	llmcost_grouping_info_init(&info);
	CHECK(llmcost_snapshot_grouping_count(back) == 1);
	CHECK(llmcost_snapshot_grouping(back, 0, &info) == LLMCOST_OK);
	CHECK(info.max_groups == 10 && info.heavy_hitters == 4);
	llmcost_heavy_init(&heavy);
	CHECK(llmcost_snapshot_heavy(back, 0, &heavy, 1, &n, NULL) ==
	      LLMCOST_OK);
	CHECK(n == 1 && strcmp(heavy.key[LLMCOST_DIM_USER], "ana") == 0);
	CHECK(llmcost_snapshot_save(back, formats[1], NULL, 0, &len) ==
	      LLMCOST_E_RANGE);
	llmcost_snapshot_free(back);
	llmcost_snapshot_free(snap);
	llmcost_snapshot_free(NULL);
	llmcost_rollup_free(rollup);
}


static void check_tags(void)
{
	static const llmcost_tag_dim dims[] = {
		LLMCOST_TAG_TEAM, LLMCOST_TAG_FEATURE, LLMCOST_TAG_ENVIRONMENT,
		LLMCOST_TAG_TENANT, LLMCOST_TAG_WORKFLOW, LLMCOST_TAG_USER
	};
	static const unsigned rules[] = {
		LLMCOST_FOLD_CASE, LLMCOST_FOLD_TRIM, LLMCOST_FOLD_SEPARATORS,
		LLMCOST_FOLD_CAMEL, LLMCOST_FOLD_DIGITS
	};
	static const unsigned reports[] = {
		LLMCOST_TAG_BAD_UTF8, LLMCOST_TAG_NUL, LLMCOST_TAG_CONTROL,
		LLMCOST_TAG_TOO_LONG, LLMCOST_TAG_UNTRACKED
	};
	llmcost_tags *tags = NULL;
	llmcost_tag tag;
	llmcost_tag_count count;
	llmcost_tag_dim dim = LLMCOST_TAG_TEAM;
	llmcost_tag_outcome missing = LLMCOST_TAG_MISSING;
	llmcost_tag_policy folded = LLMCOST_UNMAPPED_FOLDED;
	llmcost_money five;
	char key[LLMCOST_TAG_STRLEN];
	unsigned report = 0, all = 0, seen = 0;
	size_t i;

	five.hi = 0;
	five.lo = 5;
	CHECK(sizeof(dims) / sizeof(dims[0]) == LLMCOST_TAG_DIM_COUNT);
	CHECK(LLMCOST_TAG_DIM_COUNT <= LLMCOST_TAG_DIM_CAPACITY);
	for (i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
		CHECK((size_t)dims[i] == i);
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		CHECK(is_bit(rules[i]) && (all & rules[i]) == 0);
		all |= rules[i];
	}
	CHECK(all == LLMCOST_FOLD_DEFAULT);
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		CHECK(is_bit(reports[i]) && (seen & reports[i]) == 0);
		seen |= reports[i];
	}
	CHECK(LLMCOST_TAG_STRLEN == LLMCOST_TAG_MAX_BYTES + 1);
	CHECK(LLMCOST_TAG_OUTCOME_COUNT == 5);
	CHECK(strcmp(llmcost_tag_dim_name(LLMCOST_TAG_ENVIRONMENT),
		     "environment") == 0);
	CHECK(llmcost_tag_dim_from_name("user") == LLMCOST_TAG_USER);
	CHECK(strcmp(llmcost_tag_outcome_name(LLMCOST_TAG_OUTCOME_COUNT),
		     "") == 0);
	CHECK(llmcost_tag_fold(LLMCOST_FOLD_DEFAULT, "AITeamA", (size_t)-1,
			       key, sizeof(key), &report) == 9);
	CHECK(strcmp(key, "ai-team-a") == 0 && report == 0);
	CHECK(llmcost_tag_fold(0, "a\0b", 3, key, sizeof(key), &report) == 5);
	CHECK(report == (LLMCOST_TAG_NUL | LLMCOST_TAG_CONTROL));
	CHECK(llmcost_tag_distance(LLMCOST_FOLD_DEFAULT, "teamA", 5,
				   "teem_a", 6) == 1);

	CHECK(llmcost_tags_new(&tags) == LLMCOST_OK);
	CHECK(llmcost_tags_add(tags, dim, "team-a") == LLMCOST_OK);
	CHECK(llmcost_tags_add_alias(tags, dim, "team-a", "ai-team-a") ==
	      LLMCOST_OK);
	CHECK(llmcost_tags_add(tags, dim, "AI Team A") == LLMCOST_E_CONFLICT);
	CHECK(llmcost_tags_set_fold(tags, LLMCOST_TAG_USER,
				    LLMCOST_FOLD_TRIM) == LLMCOST_OK);
	CHECK(llmcost_tags_fold_flags(tags, dim) == LLMCOST_FOLD_DEFAULT);
	CHECK(llmcost_tags_set_unmapped(tags, dim, LLMCOST_UNMAPPED_BUCKET,
					"unattributed") == LLMCOST_OK);
	CHECK(llmcost_tags_set_unmapped(tags, LLMCOST_TAG_USER,
					LLMCOST_UNMAPPED_RAW, NULL) ==
	      LLMCOST_OK);
	CHECK(llmcost_tags_set_unmapped(tags, LLMCOST_TAG_FEATURE, folded,
					NULL) == LLMCOST_OK);
	CHECK(llmcost_tags_set_empty(tags, dim, "none") == LLMCOST_OK);
	CHECK(llmcost_tags_set_limit(tags, dim, LLMCOST_TAGS_DEFAULT_LIMIT) ==
	      LLMCOST_OK);
	CHECK(llmcost_tags_load_json(tags, "{\"version\": 1}", 14) ==
	      LLMCOST_OK);
	CHECK(llmcost_tags_load_file(tags, "/nonexistent/tags.json") ==
	      LLMCOST_E_IO);
	CHECK(llmcost_tags_canonical_count(tags, dim) == 1);
	CHECK(strcmp(llmcost_tags_canonical(tags, dim, 0), "team-a") == 0);

	llmcost_tag_init(&tag);
	CHECK(tag.struct_size == sizeof(tag));
	CHECK(llmcost_tags_lookup(tags, dim, "AITeamA", (size_t)-1, &tag) ==
	      LLMCOST_OK);
	CHECK(tag.outcome == LLMCOST_TAG_ALIAS && tag.canonical == 0);
	CHECK(strcmp(tag.value, "team-a") == 0);
	CHECK(strcmp(tag.key, "ai-team-a") == 0);
	CHECK(llmcost_tags_lookup(tags, dim, "teamA", 5, &tag) == LLMCOST_OK);
	CHECK(tag.outcome == LLMCOST_TAG_CANONICAL);
	CHECK(llmcost_tags_lookup(tags, dim, NULL, 0, &tag) == LLMCOST_OK);
	CHECK(tag.outcome == (uint32_t)missing);
	CHECK(strcmp(tag.value, "none") == 0);
	CHECK(llmcost_tags_lookup(tags, dim, " ", 1, &tag) == LLMCOST_OK);
	CHECK(tag.outcome == LLMCOST_TAG_EMPTY);
	CHECK(llmcost_tags_lookup_weighted(tags, dim, "Zeta\xff", 5, 2, five,
					   &tag) == LLMCOST_OK);
	CHECK(tag.outcome == LLMCOST_TAG_UNMAPPED);
	CHECK(tag.flags == LLMCOST_TAG_BAD_UTF8);
	CHECK(strcmp(tag.value, "unattributed") == 0);

	llmcost_tag_count_init(&count);
	CHECK(count.struct_size == sizeof(count));
	CHECK(llmcost_tags_total(tags, dim, LLMCOST_TAG_UNMAPPED, &count) ==
	      LLMCOST_OK);
	CHECK(count.requests == 2 && count.cost.lo == 5);
	CHECK(llmcost_tags_unmapped_count(tags, dim) == 1);
	CHECK(llmcost_tags_unmapped(tags, dim, 0, &count) == LLMCOST_OK);
	CHECK(count.raw_len == 5 && strcmp(count.key, "zeta\xef\xbf\xbd") == 0);
	CHECK(llmcost_tags_untracked(tags, dim, &count) == LLMCOST_OK);
	CHECK(count.lookups == 0);
	CHECK(llmcost_tags_closest(tags, dim, "teem-a", 6, 2, &i, NULL,
				   &report) == LLMCOST_OK);
	CHECK(i == 0 && report == 1);
	CHECK(llmcost_tags_add(tags, dim, "x") == LLMCOST_E_INVALID);
	llmcost_tags_free(tags);
	llmcost_tags_free(NULL);
}


static void check_diff(void)
{
	llmcost_diff_side base, cur;
	llmcost_diff d;
	llmcost_group g;
	llmcost_effect e = LLMCOST_EFFECT_VOLUME;
	llmcost_cause c = LLMCOST_CAUSE_NONE;

	CHECK(LLMCOST_EFFECT_RETRY == 1 && LLMCOST_EFFECT_INPUT == 2);
	CHECK(LLMCOST_EFFECT_OUTPUT == 3 && LLMCOST_EFFECT_PRICE == 4);
	CHECK(LLMCOST_EFFECT_COUNT <= LLMCOST_EFFECT_CAPACITY);
	CHECK(strcmp(llmcost_effect_name(e), "volume") == 0);
	CHECK(strcmp(llmcost_cause_name(c), "none") == 0);
	CHECK(LLMCOST_CAUSE_MODEL_SUBSTITUTION == 1 &&
	      LLMCOST_CAUSE_PROMPT_EXPANSION == 2 &&
	      LLMCOST_CAUSE_RETRY_STORM == 3 && LLMCOST_CAUSE_ADOPTION == 4 &&
	      LLMCOST_CAUSE_PRICE_CHANGE == 5 &&
	      LLMCOST_CAUSE_OUTPUT_GROWTH == 6 &&
	      LLMCOST_CAUSE_NEW_SLICE == 7 && LLMCOST_CAUSE_GONE_SLICE == 8 &&
	      LLMCOST_CAUSE_COUNT == 9);
	llmcost_diff_side_init(&base);
	llmcost_diff_side_init(&cur);
	llmcost_group_init(&g);
	g.requests = 2;
	g.total.lo = 10;
	CHECK(llmcost_diff_side_add(&base, &g) == LLMCOST_OK);
	g.total.lo = 30;
	CHECK(llmcost_diff_side_add(&cur, &g) == LLMCOST_OK);
	llmcost_diff_init(&d);
	CHECK(llmcost_diff_explain(&base, &cur, LLMCOST_DIFF_MODEL_MIX, &d) ==
	      LLMCOST_OK);
	CHECK(d.change.lo == 20 && d.effect[LLMCOST_EFFECT_PRICE].lo == 20);
	CHECK(d.cause == LLMCOST_CAUSE_MODEL_SUBSTITUTION);
}


int main(void)
{
	check_version();
	check_allocator();
	check_status();
	check_money();
	check_record();
	check_components();
	check_rules();
	check_cost();
	check_pricing_depth();
	check_rollup();
	check_groupings();
	check_snapshots();
	check_tags();
	check_diff();
	if (failures == 0)
		printf("header_use: all checks passed\n");
	return failures == 0 ? 0 : 1;
}
