/*
 * rollup_json.c - the JSON form of a snapshot, for people and tools.
 *
 * One object: the format name and version, the groupings (with their
 * heavy-hitter counters), and the groups, one per line.  Money is a
 * decimal string in US dollars at full precision; counts are JSON
 * integers; times are RFC 3339 UTC strings (null: none).  Sketches are
 * listed as [bucket, count] pairs, so the JSON holds all a snapshot
 * knows, and rollup_json_read.c reads it back.  Key bytes that are not
 * valid UTF-8 are written as U+FFFD.  docs/snapshot.md shows an example.
 */
#include <stdio.h>
#include <string.h>

#include "rollup.h"

const char *const lc_token_names[LLMCOST_T_COUNT] = {
	"input", "output", "cached", "cache_write_5m", "cache_write_1h",
	"reasoning"
};

const char *const lc_unit_names[LLMCOST_U_COUNT] = {
	"input_audio", "input_image", "input_video", "output_audio",
	"output_image", "web_search", "file_search"
};


static void lc_put_text(struct lc_buf *b, const char *s)
{
	lc_buf_put(b, s, strlen(s));
}


static void lc_put_int(struct lc_buf *b, int64_t v)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", (long long)v);
	lc_put_text(b, text);
}


static void lc_put_uint(struct lc_buf *b, uint64_t v)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	lc_put_text(b, text);
}


static void lc_put_money(struct lc_buf *b, lc_i128 v)
{
	char text[LLMCOST_MONEY_STRLEN];

	if (lc_i128_format_scaled(v, LLMCOST_MONEY_DIGITS, text,
				  sizeof(text)) < 0)
		b->failed = 1;
	lc_put_text(b, "\"");
	lc_put_text(b, text);
	lc_put_text(b, "\"");
}


static void lc_put_str(struct lc_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;
	uint32_t cp;
	char esc[8];

	lc_put_text(b, "\"");
	while (i < n) {
		if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			lc_buf_put(b, esc, 2);
			i++;
		} else if (p[i] < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
			lc_put_text(b, esc);
			i++;
		} else if ((len = lc_utf8_decode(p + i, n - i, &cp)) == 0) {
			lc_put_text(b, "\\ufffd");
			i++;
		} else {
			lc_buf_put(b, p + i, len);
			i += len;
		}
	}
	lc_put_text(b, "\"");
}


/* RFC 3339 has four-digit years; a time outside them is written as its
 * epoch milliseconds, so that the JSON still holds it exactly. */
static void lc_put_time(struct lc_buf *b, int64_t ms)
{
	char text[48];

	if (ms == LLMCOST_TIME_UNKNOWN) {
		lc_put_text(b, "null");
		return;
	}
	if (ms < LC_JSON_TIME_MIN || ms > LC_JSON_TIME_MAX) {
		lc_put_int(b, ms);
		return;
	}
	if (lc_time_format(ms, text, sizeof(text)) < 0)
		b->failed = 1;
	else
		lc_put_str(b, text);
}


static void lc_put_dims(struct lc_buf *b, uint32_t dims)
{
	int d, first = 1;

	lc_put_text(b, "[");
	for (d = 0; d < LLMCOST_DIM_COUNT; d++) {
		if (!(dims & (1u << d)))
			continue;
		lc_put_text(b, first ? "" : ",");
		lc_put_str(b, llmcost_dim_name(d));
		first = 0;
	}
	lc_put_text(b, "]");
}


static void lc_put_keyobj(struct lc_buf *b, const char *key, uint32_t dims)
{
	const char *part[LLMCOST_DIM_CAPACITY];
	int d, first = 1;

	lc_key_split(key, dims, part);
	lc_put_text(b, "{");
	for (d = 0; d < LLMCOST_DIM_COUNT; d++) {
		if (!(dims & (1u << d)))
			continue;
		lc_put_text(b, first ? "" : ",");
		lc_put_str(b, llmcost_dim_name(d));
		lc_put_text(b, ":");
		lc_put_str(b, part[d]);
		first = 0;
	}
	lc_put_text(b, "}");
}


static void lc_put_field(struct lc_buf *b, const char *name, int64_t v)
{
	lc_put_text(b, ",\"");
	lc_put_text(b, name);
	lc_put_text(b, "\":");
	lc_put_int(b, v);
}


/* ---- groupings -------------------------------------------------------- */

static void lc_put_entries(struct lc_buf *b, const llmcost_snapshot *s,
			   const struct lc_sgrouping *gr)
{
	size_t i;

	for (i = 0; i < gr->hh_count; i++) {
		const struct lc_hh_entry *e = &s->hh[gr->hh_first + i];

		lc_put_text(b, i ? ",\n      {\"key\":" : "\n      {\"key\":");
		lc_put_keyobj(b, s->keys + e->key_off, gr->dims);
		lc_put_text(b, ",\"cost\":");
		lc_put_money(b, e->count);
		lc_put_text(b, ",\"error\":");
		lc_put_money(b, e->error);
		lc_put_text(b, "}");
	}
}


static void lc_put_grouping(struct lc_buf *b, const llmcost_snapshot *s,
			    size_t index)
{
	const struct lc_sgrouping *gr = &s->gr[index];

	lc_put_text(b, "    {\"index\":");
	lc_put_int(b, (int64_t)index);
	lc_put_text(b, ",\"dims\":");
	lc_put_dims(b, gr->dims);
	lc_put_text(b, ",\"bucket\":");
	lc_put_str(b, llmcost_bucket_name((int)gr->bucket));
	lc_put_text(b, ",\"max_groups\":");
	lc_put_uint(b, gr->max_groups);
	lc_put_field(b, "heavy_hitters", gr->heavy);
	lc_put_field(b, "groups", (int64_t)gr->group_count);
	lc_put_text(b, ",\n     \"overflow\":{\"cost\":");
	lc_put_money(b, gr->hh_total);
	lc_put_text(b, ",\"untracked_bound\":");
	lc_put_money(b, gr->hh_bound);
	lc_put_text(b, ",\"heavy_hitters\":[");
	lc_put_entries(b, s, gr);
	lc_put_text(b, "]}}");
}


/* ---- groups ----------------------------------------------------------- */

static void lc_put_sketch(struct lc_buf *b, const llmcost_snapshot *s,
			  const struct lc_sgroup *g, int metric,
			  const char *name)
{
	const lc_sk_entry *e = lc_snap_sk_at(s, g->sk_off[metric]);
	uint64_t records = (uint64_t)g->sums.n[LC_N_RECORDS];
	size_t i;

	lc_put_text(b, ",\"");
	lc_put_text(b, name);
	lc_put_text(b, "\":{\"p50\":");
	lc_put_int(b, records ? lc_sk_quantile(e, g->sk_n[metric], records,
					       5000) : -1);
	lc_put_field(b, "p95", records ? lc_sk_quantile(e, g->sk_n[metric],
							records, 9500) : -1);
	lc_put_text(b, ",\"sketch\":[");
	for (i = 0; i < g->sk_n[metric]; i++) {
		lc_put_text(b, i ? ",[" : "[");
		lc_put_int(b, lc_ske_index(e[i]));
		lc_put_text(b, ",");
		lc_put_int(b, (int64_t)lc_ske_count(e[i]));
		lc_put_text(b, "]");
	}
	lc_put_text(b, "]}");
}


static void lc_put_group_counts(struct lc_buf *b, const struct lc_sums *s)
{
	size_t i;

	lc_put_field(b, "records", s->n[LC_N_RECORDS]);
	lc_put_field(b, "requests", s->n[LC_N_REQUESTS]);
	lc_put_field(b, "priced_requests",
		     s->n[LC_N_REQUESTS] - s->n[LC_N_UNPRICED]);
	lc_put_field(b, "unpriced_requests", s->n[LC_N_UNPRICED]);
	lc_put_field(b, "retries", s->n[LC_N_RETRIES]);
	lc_put_field(b, "errors", s->n[LC_N_ERRORS]);
	lc_put_field(b, "latency_sum_ms", s->n[LC_N_LATENCY]);
	lc_put_field(b, "latency_max_ms", s->latency_max);
	lc_put_text(b, ",\"tokens\":{");
	for (i = 0; i < LLMCOST_T_COUNT; i++) {
		lc_put_text(b, i ? ",\"" : "\"");
		lc_put_text(b, lc_token_names[i]);
		lc_put_text(b, "\":");
		lc_put_int(b, s->n[LC_N_TOKENS + i]);
	}
	lc_put_text(b, "},\"units\":{");
	for (i = 0; i < LLMCOST_U_COUNT; i++) {
		lc_put_text(b, i ? ",\"" : "\"");
		lc_put_text(b, lc_unit_names[i]);
		lc_put_text(b, "\":");
		lc_put_int(b, s->n[LC_N_UNITS + i]);
	}
	lc_put_text(b, "}");
}


static void lc_put_group_money(struct lc_buf *b, const struct lc_sums *s)
{
	size_t i;

	lc_put_text(b, ",\"cost\":{\"total\":");
	lc_put_money(b, s->m[LC_M_TOTAL]);
	lc_put_text(b, ",\"contracted\":");
	lc_put_money(b, s->m[LC_M_CONTRACTED]);
	lc_put_text(b, ",\"effective\":");
	lc_put_money(b, s->m[LC_M_EFFECTIVE]);
	lc_put_text(b, ",\"components\":{");
	for (i = 0; i < LLMCOST_C_COUNT; i++) {
		lc_put_text(b, i ? ",\"" : "\"");
		lc_put_text(b, llmcost_component_name((int)i));
		lc_put_text(b, "\":");
		lc_put_money(b, s->m[LC_M_COMPONENT + i]);
	}
	lc_put_text(b, "}}");
}


static void lc_put_group(struct lc_buf *b, const llmcost_snapshot *s,
			 const struct lc_sgroup *g)
{
	lc_put_text(b, "    {\"grouping\":");
	lc_put_int(b, g->grouping);
	lc_put_text(b, g->flags & LLMCOST_GROUP_OVERFLOW ? ",\"overflow\":true"
						     : ",\"overflow\":false");
	lc_put_text(b, ",\"key\":");
	lc_put_keyobj(b, s->keys + g->key_off, s->gr[g->grouping].dims);
	lc_put_text(b, ",\"bucket_start\":");
	lc_put_time(b, g->bucket_start);
	lc_put_group_counts(b, &g->sums);
	lc_put_group_money(b, &g->sums);
	lc_put_sketch(b, s, g, LLMCOST_M_INPUT_TOKENS, "input_tokens");
	lc_put_sketch(b, s, g, LLMCOST_M_LATENCY_MS, "latency_ms");
	lc_put_text(b, "}");
}


int lc_snap_json(const llmcost_snapshot *s, struct lc_buf *b)
{
	size_t i;

	lc_put_text(b, "{\"format\":\"llmcost-snapshot\",\"version\":");
	lc_put_int(b, LLMCOST_SNAPSHOT_VERSION);
	lc_put_text(b, ",\"sketch_error\":\"1/");
	lc_put_int(b, LLMCOST_SKETCH_ERROR_DIV);
	lc_put_text(b, "\",\n  \"groupings\":[");
	for (i = 0; i < s->ngr; i++) {
		lc_put_text(b, i ? ",\n" : "\n");
		lc_put_grouping(b, s, i);
	}
	lc_put_text(b, "],\n  \"groups\":[");
	for (i = 0; i < s->ng; i++) {
		lc_put_text(b, i ? ",\n" : "\n");
		lc_put_group(b, s, &s->g[i]);
	}
	lc_put_text(b, "]}\n");
	return b->failed ? LLMCOST_E_NOMEM : LLMCOST_OK;
}
