/*
 * usage_preset.c - --usage-shape and --deployment.
 *
 * --usage-shape names the provider shape of a usage object; --map
 * usage=PATH says where each log line holds it (without it, the whole
 * line is handed over: the library also finds "usage", "usageMetadata"
 * or "attributes" inside a whole response or span).  The object's text
 * goes to llmcost_usage_parse(), which sets the token buckets in the one
 * convention.  A JSON string at PATH (or a CSV cell) is taken as the
 * object's text.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"


int cli_usage_shape_opt(struct cli_opts *o, const char *name)
{
	int shape = llmcost_usage_shape_from_name(name);

	if (shape <= 0) {
		cli_error("--usage-shape: unknown shape '%s' (openai-chat, "
			  "openai-responses, anthropic, gemini, bedrock, otel)",
			  name);
		return CLI_EXIT_USAGE;
	}
	o->usage_shape = shape;
	return 0;
}


static int cli_usage_parse(const struct cli_opts *o, const char *text,
			   size_t len, llmcost_record *rec, char *why,
			   size_t size)
{
	int rc = llmcost_usage_parse(o->usage_shape, text, len, rec);

	if (rc != LLMCOST_OK)
		snprintf(why, size, "%s", llmcost_last_error()[0] ?
			 llmcost_last_error() : llmcost_status_message(rc));
	return rc;
}


/* Writes node back as JSON text, numbers as their source text. */
static void cli_usage_write(struct cli_buf *b, const cJSON *node, int depth)
{
	const cJSON *c;
	const char *num;

	if (depth > 64) {
		b->failed = 1;
		return;
	}
	if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
		cli_buf_putc(b, cJSON_IsObject(node) ? '{' : '[');
		for (c = node->child; c != NULL; c = c->next) {
			if (c != node->child)
				cli_buf_putc(b, ',');
			if (cJSON_IsObject(node)) {
				cli_buf_json_str(b, c->string);
				cli_buf_putc(b, ':');
			}
			cli_usage_write(b, c, depth + 1);
		}
		cli_buf_putc(b, cJSON_IsObject(node) ? '}' : ']');
	} else if ((num = lc_json_number(node)) != NULL) {
		cli_buf_puts(b, num);
	} else if (cJSON_IsString(node)) {
		cli_buf_json_str(b, lc_json_string(node));
	} else {
		cli_buf_puts(b, cJSON_IsTrue(node) ? "true" :
			     cJSON_IsFalse(node) ? "false" : "null");
	}
}


/* A usage object found in a JSON line: its text, or a string's value. */
static int cli_usage_node(const struct cli_opts *o, const cJSON *node,
			  llmcost_record *rec, char *why, size_t size)
{
	const char *s = lc_json_string(node);
	struct cli_buf b;
	int rc;

	if (s != NULL)
		return cli_usage_parse(o, s, (size_t)-1, rec, why, size);
	memset(&b, 0, sizeof(b));
	cli_usage_write(&b, node, 0);
	if (b.failed) {
		cli_buf_free(&b);
		snprintf(why, size, "usage object too deep or out of memory");
		return LLMCOST_E_NOMEM;
	}
	rc = cli_usage_parse(o, b.p ? b.p : "", b.len, rec, why, size);
	cli_buf_free(&b);
	return rc;
}


int cli_usage_read(const struct cli_opts *o, const struct cli_row *row,
		   llmcost_record *rec, char *why, size_t size)
{
	const cJSON *node;
	struct cli_value v;

	if (o->usage_path == NULL) {
		if (row->text == NULL) {
			snprintf(why, size, "--usage-shape on CSV input "
				 "needs --map usage=COLUMN");
			return LLMCOST_E_MISSING;
		}
		return cli_usage_parse(o, row->text, row->text_len, rec, why,
				       size);
	}
	if (row->json == NULL) {
		cli_row_value(row, o->usage_path, &v);
		if (v.text[0] == '\0') {
			snprintf(why, size, "no usage at '%.100s'",
				 o->usage_path);
			return LLMCOST_E_MISSING;
		}
		return cli_usage_parse(o, v.text, (size_t)-1, rec, why, size);
	}
	node = lc_json_path(row->json, o->usage_path);
	if (node == NULL) {
		snprintf(why, size, "no usage at '%.100s'", o->usage_path);
		return LLMCOST_E_MISSING;
	}
	return cli_usage_node(o, node, rec, why, size);
}


int cli_deployments_load(const struct cli_opts *o, llmcost_prices *prices)
{
	const struct cli_pair *p;
	size_t i;
	int rc;

	for (i = 0; i < o->deployments.n; i++) {
		p = &o->deployments.v[i];
		rc = llmcost_prices_add_deployment(prices, p->key, p->value);
		if (rc != LLMCOST_OK) {
			cli_error("--deployment %s=%s: %s", p->key, p->value,
				  llmcost_last_error()[0] ?
				  llmcost_last_error() :
				  llmcost_status_message(rc));
			return CLI_EXIT_USAGE;
		}
	}
	return CLI_EXIT_OK;
}
