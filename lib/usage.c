/*
 * usage.c - provider usage objects into the one token convention.
 *
 * Every provider counts tokens its own way.  Each reader below takes one
 * shape's usage object, reads every count it knows, checks that the parts
 * fit their wholes and that any reported total matches, and writes the
 * counts into a record in the convention of llmcost.h: input includes
 * every cache bucket and modality part, output includes reasoning.  The
 * conversion happens exactly once, here, so no caller adds or subtracts
 * cache buckets by hand.
 *
 *   OpenAI Chat      prompt_tokens includes cached_tokens (and audio);
 *                    completion_tokens includes reasoning (and audio).
 *   OpenAI Responses input_tokens includes cached; output includes
 *                    reasoning; realtime details split audio and image.
 *   Anthropic        input_tokens EXCLUDES cache reads and writes: the
 *                    three are added; writes split 5m/1h by cache_creation.
 *   Gemini           promptTokenCount includes cachedContentTokenCount;
 *                    candidatesTokenCount EXCLUDES thoughtsTokenCount, and
 *                    toolUsePromptTokenCount is further input.
 *   Bedrock Converse inputTokens EXCLUDES cacheReadInputTokens and
 *                    cacheWriteInputTokens; totalTokens includes all four.
 *   OpenTelemetry    gen_ai.usage.input_tokens includes cache reads and
 *                    writes; output_tokens includes reasoning.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "prices.h"

/* The smallest record this function writes: through the 0.2 fields. */
#define LC_USAGE_RECORD_MIN \
	(offsetof(llmcost_record, search_context_size) + sizeof(char *))

static const char *const lc_shape_names[LLMCOST_USAGE_SHAPE_END_] = {
	[LLMCOST_USAGE_OPENAI_CHAT] = "openai-chat",
	[LLMCOST_USAGE_OPENAI_RESPONSES] = "openai-responses",
	[LLMCOST_USAGE_ANTHROPIC] = "anthropic",
	[LLMCOST_USAGE_GEMINI] = "gemini",
	[LLMCOST_USAGE_BEDROCK] = "bedrock",
	[LLMCOST_USAGE_OTEL] = "otel",
};

/* Counts read from one usage object, in our convention. */
struct lc_usage {
	int64_t input, output, cached, write_5m, write_1h, reasoning;
	int64_t in_audio, in_image, in_video, out_audio, out_image;
	int64_t web_search;
	const char *tier;	/* static storage, or NULL */
};

/* The object being read, the whole document, and the shape. */
struct lc_reader {
	const cJSON *root;	/* the whole document */
	const cJSON *u;		/* the usage object (or attribute list) */
	const char *shape;
	int digit_strings;	/* counts may be strings (OTLP intValue) */
};


LLMCOST_API const char *llmcost_usage_shape_name(int shape)
{
	if (shape <= 0 || shape >= LLMCOST_USAGE_SHAPE_END_)
		return "";
	return lc_shape_names[shape];
}


LLMCOST_API int llmcost_usage_shape_from_name(const char *name)
{
	int i;

	if (name == NULL)
		return lc_error(LLMCOST_E_INVALID, "name is NULL");
	for (i = 1; i < LLMCOST_USAGE_SHAPE_END_; i++)
		if (strcmp(name, lc_shape_names[i]) == 0)
			return i;
	return lc_error(LLMCOST_E_NOTFOUND, "no usage shape '%.40s'", name);
}


/* ---- reading counts ------------------------------------------------------ */

static int lc_ubad(const struct lc_reader *r, int status, const char *fmt,
		   ...) LC_PRINTF(3, 4);

static int lc_ubad(const struct lc_reader *r, int status, const char *fmt,
		   ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lc_error(status, "%s usage: %s", r->shape, msg);
}


/* Reads a whole, non-negative count from item (a number, or a string of
 * digits as OTLP writes intValue).  Absent or null reads as 0. */
static int lc_count_item(const struct lc_reader *r, const cJSON *item,
			 const char *name, int64_t *out)
{
	const char *text;
	int rc;

	*out = 0;
	if (item == NULL || cJSON_IsNull(item))
		return LLMCOST_OK;
	text = lc_json_number(item);
	if (text == NULL && r->digit_strings)
		text = lc_json_string(item);
	if (text == NULL)
		return lc_ubad(r, LLMCOST_E_TYPE, "%s is not a number", name);
	rc = lc_int_parse(text, strlen(text), out);
	if (rc == LLMCOST_E_RANGE)
		return lc_ubad(r, rc, "%s (%.30s) is out of range", name, text);
	if (rc != LLMCOST_OK)
		return lc_ubad(r, LLMCOST_E_TYPE, "%s (%.30s) is not a whole "
			       "number", name, text);
	if (*out < 0)
		return lc_ubad(r, LLMCOST_E_NEGATIVE, "%s is negative (%lld)",
			       name, (long long)*out);
	return LLMCOST_OK;
}


/* Reads obj.name (a dotted path); *present says whether it was there. */
static int lc_count(const struct lc_reader *r, const cJSON *obj,
		    const char *name, int64_t *out)
{
	const cJSON *item = obj != NULL ? lc_json_path(obj, name) : NULL;

	return lc_count_item(r, item, name, out);
}


/* The same, failing with LLMCOST_E_MISSING when absent. */
static int lc_need(const struct lc_reader *r, const cJSON *obj,
		   const char *name, int64_t *out)
{
	const cJSON *item = obj != NULL ? lc_json_path(obj, name) : NULL;

	if (item == NULL || cJSON_IsNull(item))
		return lc_ubad(r, LLMCOST_E_MISSING, "no %s", name);
	return lc_count_item(r, item, name, out);
}


/* a + b into *sum, failing on overflow. */
static int lc_uadd(const struct lc_reader *r, int64_t a, int64_t b,
		   int64_t *sum)
{
	if (__builtin_add_overflow(a, b, sum))
		return lc_ubad(r, LLMCOST_E_RANGE, "token counts overflow");
	return LLMCOST_OK;
}


/* part <= whole, or an error naming both. */
static int lc_within(const struct lc_reader *r, int64_t part,
		     const char *pname, int64_t whole, const char *wname)
{
	if (part <= whole)
		return LLMCOST_OK;
	return lc_ubad(r, LLMCOST_E_PARTS, "%s (%lld) exceeds %s (%lld)",
		       pname, (long long)part, wname, (long long)whole);
}


/* A reported total must equal the sum we derive from the parts. */
static int lc_total(const struct lc_reader *r, const cJSON *obj,
		    const char *name, int64_t want, const char *how)
{
	const cJSON *item = lc_json_path(obj, name);
	int64_t total;
	int rc;

	if (item == NULL || cJSON_IsNull(item))
		return LLMCOST_OK;
	rc = lc_count_item(r, item, name, &total);
	if (rc == LLMCOST_OK && total != want)
		rc = lc_ubad(r, LLMCOST_E_PARTS, "%s is %lld, but %s is %lld",
			     name, (long long)total, how, (long long)want);
	return rc;
}


/* A service tier name as static text, or NULL if unknown. */
static const char *lc_tier_text(const char *s)
{
	static const char *const standard[] = {
		"default", "auto", "standard", "standard_only", "on_demand"
	};
	static const char *const other[] = {"batch", "flex", "priority",
					    "scale"};
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < LC_ARRAY_LEN(standard); i++)
		if (strcasecmp(s, standard[i]) == 0)
			return "standard";
	for (i = 0; i < LC_ARRAY_LEN(other); i++)
		if (strcasecmp(s, other[i]) == 0)
			return other[i];
	return NULL;
}


/* ---- OpenAI -------------------------------------------------------------- */

/* Uncached audio or image prompt tokens from a details object: the
 * medium's tokens less its cached tokens, when those are split out. */
static int lc_openai_medium(const struct lc_reader *r, const cJSON *d,
			    const char *medium, int64_t *out)
{
	char path[64];
	int64_t all = 0, cached = 0;
	int rc;

	rc = lc_count(r, d, medium, &all);
	snprintf(path, sizeof(path), "cached_tokens_details.%s", medium);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, d, path, &cached);
	if (rc == LLMCOST_OK)
		rc = lc_within(r, cached, path, all, medium);
	*out = all - cached;
	return rc;
}


static int lc_openai_input(const struct lc_reader *r, const cJSON *d,
			   struct lc_usage *u)
{
	int64_t sum;
	int rc;

	rc = lc_count(r, d, "cached_tokens", &u->cached);
	if (rc == LLMCOST_OK)
		rc = lc_openai_medium(r, d, "audio_tokens", &u->in_audio);
	if (rc == LLMCOST_OK)
		rc = lc_openai_medium(r, d, "image_tokens", &u->in_image);
	if (rc == LLMCOST_OK)
		rc = lc_within(r, u->cached, "cached_tokens", u->input,
			       "the input tokens");
	sum = u->cached + u->in_audio + u->in_image;
	if (rc == LLMCOST_OK)
		rc = lc_within(r, sum, "cached + uncached audio and image "
			       "tokens", u->input, "the input tokens");
	return rc;
}


static int lc_openai_output(const struct lc_reader *r, const cJSON *d,
			    struct lc_usage *u)
{
	int rc;

	rc = lc_count(r, d, "reasoning_tokens", &u->reasoning);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, d, "audio_tokens", &u->out_audio);
	if (rc == LLMCOST_OK)
		rc = lc_within(r, u->reasoning + u->out_audio,
			       "reasoning + audio tokens", u->output,
			       "the output tokens");
	return rc;
}


static const cJSON *lc_either(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, a);

	return it != NULL ? it : cJSON_GetObjectItemCaseSensitive(obj, b);
}


static void lc_openai_tier(const struct lc_reader *r, struct lc_usage *u)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(r->root,
							  "service_tier");

	u->tier = lc_tier_text(t != NULL ? lc_json_string(t) : NULL);
}


static int lc_read_openai_chat(const struct lc_reader *r, struct lc_usage *u)
{
	int rc;

	rc = lc_need(r, r->u, "prompt_tokens", &u->input);
	if (rc == LLMCOST_OK)
		rc = lc_need(r, r->u, "completion_tokens", &u->output);
	if (rc == LLMCOST_OK)
		rc = lc_openai_input(r, lc_json_path(r->u,
					"prompt_tokens_details"), u);
	if (rc == LLMCOST_OK)
		rc = lc_openai_output(r, lc_json_path(r->u,
					"completion_tokens_details"), u);
	if (rc == LLMCOST_OK)
		rc = lc_total(r, r->u, "total_tokens", u->input + u->output,
			      "prompt_tokens + completion_tokens");
	lc_openai_tier(r, u);
	return rc;
}


static int lc_read_openai_responses(const struct lc_reader *r,
				    struct lc_usage *u)
{
	int rc;

	rc = lc_need(r, r->u, "input_tokens", &u->input);
	if (rc == LLMCOST_OK)
		rc = lc_need(r, r->u, "output_tokens", &u->output);
	if (rc == LLMCOST_OK)
		rc = lc_openai_input(r, lc_either(r->u, "input_tokens_details",
						  "input_token_details"), u);
	if (rc == LLMCOST_OK)
		rc = lc_openai_output(r, lc_either(r->u,
						   "output_tokens_details",
						   "output_token_details"), u);
	if (rc == LLMCOST_OK)
		rc = lc_total(r, r->u, "total_tokens", u->input + u->output,
			      "input_tokens + output_tokens");
	lc_openai_tier(r, u);
	return rc;
}


/* ---- Anthropic ----------------------------------------------------------- */

/* The 5-minute and 1-hour split of cache writes. */
static int lc_anthropic_writes(const struct lc_reader *r, int64_t writes,
			       struct lc_usage *u)
{
	const cJSON *split = lc_json_path(r->u, "cache_creation");
	int rc;

	if (split == NULL || cJSON_IsNull(split)) {
		u->write_5m = writes;
		return LLMCOST_OK;
	}
	rc = lc_count(r, split, "ephemeral_5m_input_tokens", &u->write_5m);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, split, "ephemeral_1h_input_tokens",
			      &u->write_1h);
	if (rc == LLMCOST_OK && u->write_5m + u->write_1h != writes &&
	    lc_json_path(r->u, "cache_creation_input_tokens") != NULL)
		rc = lc_ubad(r, LLMCOST_E_PARTS, "cache_creation splits %lld "
			     "5-minute + %lld 1-hour writes, but "
			     "cache_creation_input_tokens is %lld",
			     (long long)u->write_5m, (long long)u->write_1h,
			     (long long)writes);
	return rc;
}


static int lc_read_anthropic(const struct lc_reader *r, struct lc_usage *u)
{
	const cJSON *tier = lc_json_path(r->u, "service_tier");
	int64_t uncached = 0, writes = 0, sum = 0;
	int rc;

	rc = lc_need(r, r->u, "input_tokens", &uncached);
	if (rc == LLMCOST_OK)
		rc = lc_need(r, r->u, "output_tokens", &u->output);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, r->u, "cache_read_input_tokens", &u->cached);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, r->u, "cache_creation_input_tokens", &writes);
	if (rc == LLMCOST_OK)
		rc = lc_anthropic_writes(r, writes, u);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, r->u, "server_tool_use.web_search_requests",
			      &u->web_search);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, uncached, u->cached, &sum);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, sum, u->write_5m + u->write_1h, &u->input);
	u->tier = lc_tier_text(tier != NULL ? lc_json_string(tier) : NULL);
	return rc;
}


/* ---- Gemini -------------------------------------------------------------- */

/* The Gemini API writes camelCase; some SDKs dump snake_case. */
static const cJSON *lc_gfield(const cJSON *obj, const char *camel,
			      const char *snake)
{
	return obj == NULL ? NULL : lc_either(obj, camel, snake);
}


static int lc_gcount(const struct lc_reader *r, const char *camel,
		     const char *snake, int64_t *out, int need)
{
	const cJSON *it = lc_gfield(r->u, camel, snake);

	if (need && (it == NULL || cJSON_IsNull(it)))
		return lc_ubad(r, LLMCOST_E_MISSING, "no %s", camel);
	return lc_count_item(r, it, camel, out);
}


/* Sums the tokenCount of a modality in a [{modality, tokenCount}] list. */
static int lc_gmodality(const struct lc_reader *r, const char *camel,
			const char *snake, const char *modality, int64_t *out)
{
	const cJSON *list = lc_gfield(r->u, camel, snake), *it, *m;
	int64_t n;
	int rc;

	*out = 0;
	if (list == NULL || cJSON_IsNull(list))
		return LLMCOST_OK;
	if (!cJSON_IsArray(list))
		return lc_ubad(r, LLMCOST_E_TYPE, "%s is not a list", camel);
	cJSON_ArrayForEach(it, list) {
		m = cJSON_GetObjectItemCaseSensitive(it, "modality");
		if (m == NULL || lc_json_string(m) == NULL ||
		    strcmp(lc_json_string(m), modality) != 0)
			continue;
		rc = lc_count_item(r, lc_gfield(it, "tokenCount",
						"token_count"), camel, &n);
		if (rc == LLMCOST_OK)
			rc = lc_uadd(r, *out, n, out);
		if (rc != LLMCOST_OK)
			return rc;
	}
	return LLMCOST_OK;
}


/* Uncached prompt tokens of a modality. */
static int lc_gprompt(const struct lc_reader *r, const char *modality,
		      int64_t *out)
{
	int64_t prompt = 0, tool = 0, cached = 0;
	int rc;

	rc = lc_gmodality(r, "promptTokensDetails", "prompt_tokens_details",
			  modality, &prompt);
	if (rc == LLMCOST_OK)
		rc = lc_gmodality(r, "toolUsePromptTokensDetails",
				  "tool_use_prompt_tokens_details", modality,
				  &tool);
	if (rc == LLMCOST_OK)
		rc = lc_gmodality(r, "cacheTokensDetails",
				  "cache_tokens_details", modality, &cached);
	if (rc == LLMCOST_OK)
		rc = lc_within(r, cached, "cached tokens of a modality",
			       prompt + tool, "its prompt tokens");
	*out = prompt + tool - cached;
	return rc;
}


static int lc_gemini_media(const struct lc_reader *r, struct lc_usage *u)
{
	int rc;

	rc = lc_gprompt(r, "AUDIO", &u->in_audio);
	if (rc == LLMCOST_OK)
		rc = lc_gprompt(r, "IMAGE", &u->in_image);
	if (rc == LLMCOST_OK)
		rc = lc_gprompt(r, "VIDEO", &u->in_video);
	if (rc == LLMCOST_OK)
		rc = lc_gmodality(r, "candidatesTokensDetails",
				  "candidates_tokens_details", "AUDIO",
				  &u->out_audio);
	if (rc == LLMCOST_OK)
		rc = lc_gmodality(r, "candidatesTokensDetails",
				  "candidates_tokens_details", "IMAGE",
				  &u->out_image);
	return rc;
}


static int lc_read_gemini(const struct lc_reader *r, struct lc_usage *u)
{
	int64_t prompt = 0, tool = 0, cand = 0, sum = 0;
	int rc;

	rc = lc_gcount(r, "promptTokenCount", "prompt_token_count", &prompt,
		       1);
	if (rc == LLMCOST_OK)
		rc = lc_gcount(r, "candidatesTokenCount",
			       "candidates_token_count", &cand, 0);
	if (rc == LLMCOST_OK)
		rc = lc_gcount(r, "thoughtsTokenCount", "thoughts_token_count",
			       &u->reasoning, 0);
	if (rc == LLMCOST_OK)
		rc = lc_gcount(r, "toolUsePromptTokenCount",
			       "tool_use_prompt_token_count", &tool, 0);
	if (rc == LLMCOST_OK)
		rc = lc_gcount(r, "cachedContentTokenCount",
			       "cached_content_token_count", &u->cached, 0);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, prompt, tool, &u->input);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, cand, u->reasoning, &u->output);
	if (rc == LLMCOST_OK)
		rc = lc_within(r, u->cached, "cachedContentTokenCount", prompt,
			       "promptTokenCount");
	if (rc == LLMCOST_OK)
		rc = lc_gemini_media(r, u);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, u->input, u->output, &sum);
	if (rc == LLMCOST_OK)
		rc = lc_total(r, r->u, lc_json_path(r->u, "totalTokenCount") ?
			      "totalTokenCount" : "total_token_count", sum,
			      "prompt + tool-use prompt + candidates + "
			      "thoughts");
	return rc;
}


/* ---- Bedrock Converse ---------------------------------------------------- */

/* cacheDetails: [{"ttl": "5m"|"1h", "inputTokens": N}], when given. */
static int lc_bedrock_ttl(const struct lc_reader *r, int64_t writes,
			  struct lc_usage *u)
{
	const cJSON *list = lc_json_path(r->u, "cacheDetails"), *it, *ttl;
	int64_t n = 0, hour = 0;
	int rc;

	u->write_5m = writes;
	if (list == NULL || !cJSON_IsArray(list))
		return LLMCOST_OK;
	cJSON_ArrayForEach(it, list) {
		ttl = cJSON_GetObjectItemCaseSensitive(it, "ttl");
		if (ttl == NULL || lc_json_string(ttl) == NULL ||
		    strcmp(lc_json_string(ttl), "1h") != 0)
			continue;
		rc = lc_count(r, it, "inputTokens", &n);
		if (rc == LLMCOST_OK)
			rc = lc_uadd(r, hour, n, &hour);
		if (rc != LLMCOST_OK)
			return rc;
	}
	rc = lc_within(r, hour, "1-hour cacheDetails", writes,
		       "cacheWriteInputTokens");
	u->write_1h = hour;
	u->write_5m = writes - hour;
	return rc;
}


static int lc_read_bedrock(const struct lc_reader *r, struct lc_usage *u)
{
	int64_t uncached = 0, writes = 0, sum = 0;
	int rc;

	rc = lc_need(r, r->u, "inputTokens", &uncached);
	if (rc == LLMCOST_OK)
		rc = lc_need(r, r->u, "outputTokens", &u->output);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, r->u, "cacheReadInputTokens", &u->cached);
	if (rc == LLMCOST_OK)
		rc = lc_count(r, r->u, "cacheWriteInputTokens", &writes);
	if (rc == LLMCOST_OK)
		rc = lc_bedrock_ttl(r, writes, u);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, uncached, u->cached, &sum);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, sum, writes, &u->input);
	if (rc == LLMCOST_OK)
		rc = lc_uadd(r, u->input, u->output, &sum);
	if (rc == LLMCOST_OK)
		rc = lc_total(r, r->u, "totalTokens", sum, "inputTokens + "
			      "outputTokens + cacheReadInputTokens + "
			      "cacheWriteInputTokens");
	return rc;
}


/* ---- OpenTelemetry GenAI ------------------------------------------------- */

/* An attribute's value: from a flat object, or from an OTLP list of
 * {"key": name, "value": {"intValue": ...}}. */
static const cJSON *lc_attr(const cJSON *attrs, const char *name)
{
	const cJSON *it, *key, *value;

	if (cJSON_IsObject(attrs))
		return cJSON_GetObjectItemCaseSensitive(attrs, name);
	cJSON_ArrayForEach(it, attrs) {
		key = cJSON_GetObjectItemCaseSensitive(it, "key");
		if (key == NULL || lc_json_string(key) == NULL ||
		    strcmp(lc_json_string(key), name) != 0)
			continue;
		value = cJSON_GetObjectItemCaseSensitive(it, "value");
		if (!cJSON_IsObject(value))
			return value;
		return lc_either(value, "intValue", "stringValue");
	}
	return NULL;
}


static int lc_otel_count(const struct lc_reader *r, const char *name,
			 int64_t *out, int need)
{
	const cJSON *it = lc_attr(r->u, name);

	if (need && (it == NULL || cJSON_IsNull(it)))
		return lc_ubad(r, LLMCOST_E_MISSING, "no %s", name);
	return lc_count_item(r, it, name, out);
}


static int lc_read_otel(const struct lc_reader *r, struct lc_usage *u)
{
	const cJSON *tier;
	int rc;

	rc = lc_otel_count(r, "gen_ai.usage.input_tokens", &u->input, 1);
	if (rc == LLMCOST_OK)
		rc = lc_otel_count(r, "gen_ai.usage.output_tokens", &u->output,
				   1);
	if (rc == LLMCOST_OK)
		rc = lc_otel_count(r, "gen_ai.usage.cache_read.input_tokens",
				   &u->cached, 0);
	if (rc == LLMCOST_OK)
		rc = lc_otel_count(r,
				   "gen_ai.usage.cache_creation.input_tokens",
				   &u->write_5m, 0);
	if (rc == LLMCOST_OK)
		rc = lc_otel_count(r, "gen_ai.usage.reasoning.output_tokens",
				   &u->reasoning, 0);
	if (rc == LLMCOST_OK)
		rc = lc_within(r, u->cached + u->write_5m, "cache read + "
			       "cache creation tokens", u->input,
			       "gen_ai.usage.input_tokens");
	if (rc == LLMCOST_OK)
		rc = lc_within(r, u->reasoning, "reasoning tokens", u->output,
			       "gen_ai.usage.output_tokens");
	tier = lc_attr(r->u, "gen_ai.openai.response.service_tier");
	u->tier = lc_tier_text(tier != NULL ? lc_json_string(tier) : NULL);
	return rc;
}


/* ---- the entry point ----------------------------------------------------- */

/* The usage object inside a whole response or span, if it holds one. */
static const cJSON *lc_unwrap(int shape, const cJSON *root)
{
	const cJSON *it = NULL;

	switch (shape) {
	case LLMCOST_USAGE_GEMINI:
		it = lc_either(root, "usageMetadata", "usage_metadata");
		break;
	case LLMCOST_USAGE_OTEL:
		it = cJSON_GetObjectItemCaseSensitive(root, "attributes");
		break;
	default:
		it = cJSON_GetObjectItemCaseSensitive(root, "usage");
		break;
	}
	return it != NULL && (cJSON_IsObject(it) || cJSON_IsArray(it)) ? it
									 : root;
}


static int lc_read_shape(int shape, const struct lc_reader *r,
			 struct lc_usage *u)
{
	switch (shape) {
	case LLMCOST_USAGE_OPENAI_CHAT:
		return lc_read_openai_chat(r, u);
	case LLMCOST_USAGE_OPENAI_RESPONSES:
		return lc_read_openai_responses(r, u);
	case LLMCOST_USAGE_ANTHROPIC:
		return lc_read_anthropic(r, u);
	case LLMCOST_USAGE_GEMINI:
		return lc_read_gemini(r, u);
	case LLMCOST_USAGE_BEDROCK:
		return lc_read_bedrock(r, u);
	default:
		return lc_read_otel(r, u);
	}
}


static void lc_usage_store(const struct lc_usage *u, llmcost_record *rec)
{
	rec->input_tokens = u->input;
	rec->output_tokens = u->output;
	rec->cached_tokens = u->cached;
	rec->cache_write_tokens = u->write_5m;
	rec->cache_write_1h_tokens = u->write_1h;
	rec->reasoning_tokens = u->reasoning;
	rec->input_audio_tokens = u->in_audio;
	rec->input_image_tokens = u->in_image;
	rec->input_video_tokens = u->in_video;
	rec->output_audio_tokens = u->out_audio;
	rec->output_image_tokens = u->out_image;
	rec->web_search_requests = u->web_search;
	if (u->tier != NULL)
		rec->service_tier = u->tier;
}


/* Converts and checks on a copy, so that a failure changes nothing. */
static int lc_usage_apply(int shape, const cJSON *root, llmcost_record *rec)
{
	struct lc_reader r;
	struct lc_usage u;
	llmcost_record tmp;
	int rc;

	memset(&u, 0, sizeof(u));
	r.root = root;
	r.u = lc_unwrap(shape, root);
	r.shape = lc_shape_names[shape];
	r.digit_strings = shape == LLMCOST_USAGE_OTEL;
	rc = lc_read_shape(shape, &r, &u);
	if (rc != LLMCOST_OK)
		return rc;
	rc = lc_record_copy(rec, &tmp);
	if (rc != LLMCOST_OK)
		return rc;
	lc_usage_store(&u, &tmp);
	rc = llmcost_record_check(&tmp);
	if (rc == LLMCOST_OK)
		rc = lc_record_check_parts(&tmp);
	if (rc == LLMCOST_OK)
		lc_usage_store(&u, rec);
	return rc;
}


LLMCOST_API int llmcost_usage_parse(int shape, const char *json, size_t len,
				    llmcost_record *record)
{
	char err[160];
	cJSON *root;
	int rc;

	if (shape <= 0 || shape >= LLMCOST_USAGE_SHAPE_END_)
		return lc_error(LLMCOST_E_INVALID, "unknown usage shape %d",
				shape);
	if (json == NULL || record == NULL)
		return lc_error(LLMCOST_E_INVALID, "json or record is NULL");
	if (record->struct_size < LC_USAGE_RECORD_MIN)
		return lc_error(LLMCOST_E_SIZE, "record struct_size %u is "
				"below %zu; call llmcost_record_init()",
				(unsigned)record->struct_size,
				LC_USAGE_RECORD_MIN);
	if (len == (size_t)-1)
		len = strlen(json);
	root = lc_json_parse(json, len, err, sizeof(err));
	if (root == NULL)
		return lc_error(LLMCOST_E_PARSE, "%s usage: %s",
				lc_shape_names[shape], err);
	if (cJSON_IsObject(root) ||
	    (shape == LLMCOST_USAGE_OTEL && cJSON_IsArray(root)))
		rc = lc_usage_apply(shape, root, record);
	else
		rc = lc_error(LLMCOST_E_PARSE, "%s usage: not a JSON object",
			      lc_shape_names[shape]);
	lc_json_free(root);
	return rc;
}
