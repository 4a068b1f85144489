/*
 * focus.c - `llmcost export focus`: priced requests summed into FOCUS
 * rows (docs/focus.md).
 *
 * A row is one charge period (UTC hour or day) of one provider, model as
 * logged, token type (cost component), team, user, tenant, feature,
 * environment and region, at one price: the same price entry, version,
 * service tier, context tier and the same list and contracted rate per
 * unit.  So its list cost is exactly its units times its list rate, and
 * its contracted cost its units times its contracted rate: the unit
 * prices FOCUS asks for are exact.  A request whose component cost is not
 * a whole multiple of its units (a rounded uplift or discount) becomes a
 * row of its own, priced as one block of its units.
 *
 * Rows are written by focus_out.c.  Requests that are not priced, have no
 * time, or have units without a rate are left out and counted on
 * standard error: FOCUS rows carry costs, and we never invent one.
 */
#include <stdlib.h>
#include <string.h>

#include "focus.h"


/* ---- interning and keys ------------------------------------------- */

/* A stable copy of s (NULL and "" give NULL). */
static const char *cli_intern(struct cli_focus *f, const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;
	return lc_map_intern(f->strings, s, strlen(s));
}


static void cli_key_bytes(struct cli_buf *b, const void *p, size_t n)
{
	cli_buf_put(b, (const char *)p, n);
}


static void cli_key_str(struct cli_buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;

	cli_key_bytes(b, &n, sizeof(n));
	if (s != NULL)
		cli_buf_put(b, s, n);
}


/* The bytes that tell rows apart. */
static void cli_key_build(struct cli_buf *b, const struct cli_frow *r)
{
	size_t i;

	b->len = 0;
	cli_key_bytes(b, &r->period_ms, sizeof(r->period_ms));
	cli_key_bytes(b, &r->component, sizeof(r->component));
	cli_key_bytes(b, &r->tier, sizeof(r->tier));
	cli_key_bytes(b, &r->valid_from_ms, sizeof(r->valid_from_ms));
	cli_key_bytes(b, &r->lc_threshold, sizeof(r->lc_threshold));
	cli_key_bytes(b, &r->block, sizeof(r->block));
	cli_key_bytes(b, &r->list_rate, sizeof(r->list_rate));
	cli_key_bytes(b, &r->contracted_rate, sizeof(r->contracted_rate));
	for (i = 0; i < CLI_FDIM_COUNT; i++)
		cli_key_str(b, r->dim[i]);
}


static int cli_row_index(struct cli_focus *f, const struct cli_frow *key,
			 size_t *index)
{
	struct cli_frow *grown;
	uint32_t v;

	cli_key_build(&f->key, key);
	if (f->key.failed)
		return -1;
	if (!key->block && lc_map_get(f->index, f->key.p, f->key.len, &v)) {
		*index = v;
		return 0;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;

		grown = realloc(f->rows, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		f->rows = grown;
		f->cap = cap;
	}
	if (f->n >= UINT32_MAX)
		return -1;
	if (!key->block && lc_map_put(f->index, f->key.p, f->key.len,
				      (uint32_t)f->n, NULL) != LLMCOST_OK)
		return -1;
	f->rows[f->n] = *key;
	*index = f->n++;
	return 0;
}


/* ---- one request ---------------------------------------------------- */

/* The effective cost shared among the components in proportion to their
 * contracted cost, exactly: each gets the floor of its share, and the
 * units left over go one each to the largest remainders (ties: the lower
 * component).  Without a commitment discount the shares are the
 * contracted costs themselves. */
static int cli_effective_split(const llmcost_cost *cost, const lc_i128 *con,
			       lc_i128 *eff)
{
	lc_i128 total = lc_money_to_i128(cost->contracted_cost);
	lc_i128 e = lc_money_to_i128(cost->effective_cost);
	lc_i128 rem[LLMCOST_C_COUNT], sum = 0, best;
	int c, pick;

	if (e == total) {
		memcpy(eff, con, sizeof(lc_i128) * LLMCOST_C_COUNT);
		return 0;
	}
	if (total <= 0 || e < 0)
		return -1;
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		if (con[c] < 0 ||
		    cli_muldiv(con[c], e, total, &eff[c], &rem[c]) != 0)
			return -1;
		sum += eff[c];
	}
	while (sum < e) {
		pick = -1;
		best = -1;
		for (c = 0; c < LLMCOST_C_COUNT; c++)
			if (rem[c] > best) {
				best = rem[c];
				pick = c;
			}
		eff[pick]++;
		rem[pick] = -1;
		sum++;
	}
	return sum == e ? 0 : -1;
}


/* Where the row's provider comes from: the log, else the price entry. */
static const char *cli_row_provider(const struct cli_request *req,
				    const llmcost_cost *cost)
{
	const char *p = CLI_KNOWN(req, CLI_F_PROVIDER) ? req->rec.provider
							: NULL;

	if (p != NULL && *p != '\0')
		return p;
	if (cost->price_provider != NULL && *cost->price_provider != '\0')
		return cost->price_provider;
	return "unknown";
}


/* The key every component row of this request shares. */
static void cli_row_base(struct cli_focus *f, const struct cli_result *res,
			 struct cli_frow *r)
{
	const llmcost_record *rec = &res->req->rec;
	const llmcost_cost *cost = res->cost;
	int64_t t = rec->timestamp_ms;

	memset(r, 0, sizeof(*r));
	if (f->hourly)
		r->period_ms = (t >= 0 ? t : t - 3599999) / 3600000 * 3600000;
	else
		r->period_ms = lc_time_day_start(t);
	r->tier = (int)cost->service_tier;
	r->valid_from_ms = cost->price_valid_from_ms;
	if (cost->flags & LLMCOST_COST_LONG_CONTEXT)
		r->lc_threshold = cost->long_context_threshold;
	r->dim[CLI_FDIM_PROVIDER] = cli_intern(f, cli_row_provider(res->req,
								  cost));
	r->dim[CLI_FDIM_MODEL] = cli_intern(f, rec->model);
	r->dim[CLI_FDIM_PRICE_KEY] = cli_intern(f, cost->price_key);
	r->dim[CLI_FDIM_TEAM] = cli_intern(f, rec->team_id);
	r->dim[CLI_FDIM_USER] = cli_intern(f, rec->user_id);
	r->dim[CLI_FDIM_TENANT] = cli_intern(f, rec->tenant_id);
	r->dim[CLI_FDIM_FEATURE] = cli_intern(f, rec->feature_name);
	r->dim[CLI_FDIM_ENVIRONMENT] = cli_intern(f, rec->environment);
	r->dim[CLI_FDIM_REGION] = cli_intern(f, rec->region);
}


/* One component's row key: exact per-unit rates, or a block. */
static void cli_row_rates(struct cli_focus *f, struct cli_frow *r, int c,
			  int64_t units, lc_i128 list, lc_i128 con)
{
	r->component = c;
	r->block = 0;
	r->list_rate = 0;
	r->contracted_rate = 0;
	if (list % units == 0 && con % units == 0) {
		r->list_rate = list / units;
		r->contracted_rate = con / units;
	} else {
		r->block = ++f->blocks;
	}
}


struct cli_fparts {
	size_t index[LLMCOST_C_COUNT];
	int used[LLMCOST_C_COUNT];
	lc_i128 list[LLMCOST_C_COUNT];
	lc_i128 con[LLMCOST_C_COUNT];
	lc_i128 eff[LLMCOST_C_COUNT];
};


static int cli_fits(const struct cli_frow *r, int64_t units, int64_t reqs,
		    const struct cli_fparts *p, int c)
{
	int64_t i64;
	lc_i128 v;

	return !__builtin_add_overflow(r->units, units, &i64) &&
	       !__builtin_add_overflow(r->requests, reqs, &i64) &&
	       !lc_i128_add(r->list, p->list[c], &v) &&
	       !lc_i128_add(r->contracted, p->con[c], &v) &&
	       !lc_i128_add(r->effective, p->eff[c], &v);
}


/* Finds or makes every component's row and checks that the request fits
 * in all of them, before anything is added: all or nothing. */
static int cli_request_rows(struct cli_focus *f, struct cli_result *res,
			    struct cli_fparts *p)
{
	const llmcost_cost *cost = res->cost;
	int64_t reqs = res->req->rec.request_count;
	struct cli_frow key;
	int c;

	cli_row_base(f, res, &key);
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		int64_t units = cost->units[c];

		p->used[c] = units > 0 && !((cost->unrated >> c) & 1u);
		if (!p->used[c])
			continue;
		cli_row_rates(f, &key, c, units, p->list[c], p->con[c]);
		if (cli_row_index(f, &key, &p->index[c]) != 0) {
			cli_error("out of memory");
			return CLI_EXIT_IO;
		}
		if (!cli_fits(&f->rows[p->index[c]], units, reqs, p, c)) {
			cli_result_reject(res, LLMCOST_E_OVERFLOW,
					  "a FOCUS row's sum would overflow "
					  "(component %s)",
					  llmcost_component_name(c));
			return CLI_EXIT_OK;
		}
	}
	return CLI_EXIT_OK;
}


static void cli_request_add(struct cli_focus *f, const struct cli_result *res,
			    const struct cli_fparts *p)
{
	const llmcost_cost *cost = res->cost;
	struct cli_frow *r;
	int c;

	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		if (!p->used[c])
			continue;
		r = &f->rows[p->index[c]];
		r->units += cost->units[c];
		r->requests += res->req->rec.request_count;
		r->list += p->list[c];
		r->contracted += p->con[c];
		r->effective += p->eff[c];
	}
}


/* Counts the units that have no rate (web search without a price). */
static void cli_note_unrated(struct cli_focus *f, const llmcost_cost *cost)
{
	int c;

	for (c = 0; c < LLMCOST_C_COUNT; c++)
		if ((cost->unrated >> c) & 1u)
			f->unrated_units += cost->units[c];
}


static int cli_focus_priced(struct cli_focus *f, struct cli_result *res)
{
	const llmcost_cost *cost = res->cost;
	struct cli_fparts p;
	int c, rc;

	memset(&p, 0, sizeof(p));
	for (c = 0; c < LLMCOST_C_COUNT; c++) {
		p.list[c] = lc_money_to_i128(cost->component[c]);
		p.con[c] = lc_money_to_i128(cost->contracted_component[c]);
	}
	if (cli_effective_split(cost, p.con, p.eff) != 0) {
		cli_result_reject(res, LLMCOST_E_OVERFLOW, "effective cost "
				  "cannot be shared among the components");
		return CLI_EXIT_OK;
	}
	rc = cli_request_rows(f, res, &p);
	if (rc != CLI_EXIT_OK || res->outcome != CLI_PRICED)
		return rc;
	cli_request_add(f, res, &p);
	cli_note_unrated(f, cost);
	f->requests += res->req->rec.request_count;
	return CLI_EXIT_OK;
}


static int cli_focus_row(void *ctx, struct cli_result *res)
{
	struct cli_focus *f = ctx;

	if (res->outcome != CLI_PRICED)
		return CLI_EXIT_OK;
	if (res->req->rec.timestamp_ms == LLMCOST_TIME_UNKNOWN) {
		f->untimed++;
		return CLI_EXIT_OK;
	}
	return cli_focus_priced(f, res);
}


/* ---- the command ---------------------------------------------------- */

static void cli_focus_free(struct cli_focus *f)
{
	lc_map_free(f->strings);
	lc_map_free(f->index);
	free(f->rows);
	cli_buf_free(&f->key);
}


/* What was left out, on standard error. */
static void cli_focus_report(const struct cli_focus *f,
			     const struct cli_counts *n)
{
	if (n->unpriced > 0)
		cli_error("warning: %ld unpriced row%s left out of the FOCUS "
			  "export (no price, so no cost); 'llmcost audit' "
			  "lists them", n->unpriced, n->unpriced == 1 ? "" :
			  "s");
	if (n->rejected > 0)
		cli_error("warning: %ld rejected row%s left out of the FOCUS "
			  "export; 'llmcost ledger' gives the reasons",
			  n->rejected, n->rejected == 1 ? "" : "s");
	if (f->untimed > 0)
		cli_error("warning: %ld priced row%s without a timestamp left "
			  "out of the FOCUS export (no charge period)",
			  f->untimed, f->untimed == 1 ? "" : "s");
	if (f->unrated_units > 0)
		cli_error("warning: %lld tool call%s without a rate left out "
			  "of the FOCUS export", (long long)f->unrated_units,
			  f->unrated_units == 1 ? "" : "s");
}


int cli_focus(const struct cli_opts *o, const llmcost_prices *prices)
{
	struct cli_focus f;
	struct cli_sink sink = { &f, cli_focus_row };
	struct cli_counts counts;
	int rc;

	memset(&f, 0, sizeof(f));
	f.o = o;
	f.hourly = o->focus_hourly;
	f.strings = lc_map_new();
	f.index = lc_map_new();
	if (f.strings == NULL || f.index == NULL) {
		cli_focus_free(&f);
		cli_error("out of memory");
		return CLI_EXIT_IO;
	}
	rc = cli_run(o, prices, &sink, &counts);
	if (rc == CLI_EXIT_OK) {
		cli_focus_report(&f, &counts);
		rc = cli_focus_write(&f);
	}
	cli_focus_free(&f);
	return rc;
}
