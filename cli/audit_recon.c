/*
 * audit_recon.c - our cost against a logged cost, per model, with the
 * rates that priced the rows.
 *
 * The rates shown are those of the rows themselves: each priced row's
 * component cost is its rate times its units, so dividing gives the rate
 * back exactly.  Rows are grouped by the price that priced them (key,
 * version, service tier, long-context tier), so a model whose requests
 * span a price change shows both prices.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"


static struct cli_recon *cli_recon_get(struct cli_audit *a, const char *model)
{
	struct cli_recon *r;
	const char *stored;
	uint32_t pos;

	if (lc_map_get(a->recon_index, model, strlen(model), &pos))
		return &a->recon[pos];
	r = realloc(a->recon, (a->n_recon + 1) * sizeof(*r));
	if (r == NULL)
		return NULL;
	a->recon = r;
	if (lc_map_put(a->recon_index, model, strlen(model),
		       (uint32_t)a->n_recon, &stored))
		return NULL;
	r = &a->recon[a->n_recon++];
	memset(r, 0, sizeof(*r));
	r->model = stored;
	return r;
}


static lc_i128 cli_abs(lc_i128 v)
{
	return v < 0 ? -v : v;
}


static int cli_same_rates(const struct cli_rates *v, const llmcost_cost *c)
{
	int lc = (c->flags & LLMCOST_COST_LONG_CONTEXT) != 0;

	return v->valid_from_ms == c->price_valid_from_ms &&
	       v->service_tier == c->service_tier && v->long_context == lc &&
	       (v->price_key == c->price_key ||
		(v->price_key && c->price_key &&
		 strcmp(v->price_key, c->price_key) == 0));
}


/* The version of the prices that priced c, added if new; NULL past
 * CLI_RECON_VERSIONS. */
static struct cli_rates *cli_rates_get(struct cli_recon *r,
				       const llmcost_cost *c, int64_t ms)
{
	struct cli_rates *v;
	size_t i;

	for (i = 0; i < r->n_rates; i++)
		if (cli_same_rates(&r->rates[i], c))
			return &r->rates[i];
	if (r->n_rates == CLI_RECON_VERSIONS)
		return NULL;
	v = &r->rates[r->n_rates++];
	memset(v, 0, sizeof(*v));
	v->price_key = c->price_key;
	v->valid_from_ms = c->price_valid_from_ms;
	v->service_tier = c->service_tier;
	v->long_context = (c->flags & LLMCOST_COST_LONG_CONTEXT) != 0;
	v->first_ms = ms;
	return v;
}


/* Takes the rate of every component the row had units of. */
static void cli_rates_learn(struct cli_rates *v, const llmcost_cost *c,
			    int differing)
{
	int k;

	for (k = 0; k < LLMCOST_C_COUNT; k++) {
		if (c->units[k] <= 0 || ((c->unrated >> k) & 1u))
			continue;
		if (differing)
			v->used |= 1u << k;
		if ((v->have >> k) & 1u)
			continue;
		v->rate[k] = lc_money_to_i128(c->component[k]) / c->units[k];
		v->have |= 1u << k;
	}
}


static void cli_recon_rates(struct cli_recon *r, const struct cli_result *res,
			    int differing)
{
	struct cli_rates *v = cli_rates_get(r, res->cost,
					    res->req->rec.timestamp_ms);

	if (v == NULL) {
		r->other_rows++;
		return;
	}
	v->rows++;
	v->differing_rows += differing;
	cli_rates_learn(v, res->cost, differing);
}


/* The audit's budget keeps these sums in range; they are checked all
 * the same. */
static int cli_recon_priced(struct cli_recon *r, const struct cli_result *res)
{
	lc_i128 ours = lc_money_to_i128(res->cost->total);
	lc_i128 reported = res->req->reported;
	int differing = cli_abs(ours - reported) > CLI_RECON_TOLERANCE;

	r->priced_rows++;
	if (lc_i128_add(r->ours, ours, &r->ours))
		return -1;
	cli_recon_rates(r, res, differing);
	if (!differing) {
		r->matching_rows++;
		return 0;
	}
	if (lc_i128_add(r->ours_differing, ours, &r->ours_differing) ||
	    lc_i128_add(r->reported_differing, reported,
			&r->reported_differing))
		return -1;
	return 0;
}


static int cli_recon_unpriced(struct cli_recon *r, const char *reason,
			      lc_i128 reported)
{
	r->unpriced_rows++;
	if (r->reason == NULL && (r->reason = strdup(reason)) == NULL)
		return -1;
	return lc_i128_add(r->reported_unpriced, reported,
			   &r->reported_unpriced) ? -1 : 0;
}


int cli_recon_note(struct cli_audit *a, const struct cli_result *res)
{
	const llmcost_record *rec = &res->req->rec;
	struct cli_recon *r;

	a->has_reported = 1;
	r = cli_recon_get(a, rec->model ? rec->model : "");
	if (r == NULL)
		return -1;
	r->rows++;
	if (lc_i128_add(r->reported, res->req->reported, &r->reported))
		return -1;
	if (rec->provider != NULL && r->provider == NULL &&
	    (r->provider = strdup(rec->provider)) == NULL)
		return -1;
	if (res->outcome == CLI_PRICED)
		return cli_recon_priced(r, res);
	return cli_recon_unpriced(r, res->reason, res->req->reported);
}


/* ---- rates no row showed ------------------------------------------------ */

/* Prices a thousand units of one component at the version's time and
 * tier, for a rate no row had units of (a request without output, say).
 * Skipped for a long-context version: a thousand tokens would not reach
 * its tier. */
static void cli_rate_probe(const struct cli_audit *a,
			   const struct cli_recon *r, struct cli_rates *v,
			   int k)
{
	llmcost_record rec;
	llmcost_cost cost;

	if (v->long_context || ((v->have >> k) & 1u))
		return;
	llmcost_record_init(&rec);
	rec.model = r->model;
	rec.provider = r->provider;
	rec.timestamp_ms = v->first_ms;
	rec.service_tier = llmcost_service_tier_name((int)v->service_tier);
	if (k == LLMCOST_C_OUTPUT)
		rec.output_tokens = 1000;
	else
		rec.input_tokens = 1000;
	llmcost_cost_init(&cost);
	if (llmcost_price(a->prices, &rec, &cost) != LLMCOST_OK ||
	    cost.units[k] != 1000)
		return;
	v->rate[k] = lc_money_to_i128(cost.component[k]) / 1000;
	v->have |= 1u << k;
}


void cli_recon_free(struct cli_audit *a)
{
	size_t i;

	for (i = 0; i < a->n_recon; i++) {
		free(a->recon[i].provider);
		free(a->recon[i].reason);
	}
	free(a->recon);
	lc_map_free(a->recon_index);
}


/* Largest difference first, then the most rows. */
static int cli_cmp_recon(const void *pa, const void *pb)
{
	const struct cli_recon *a = pa, *b = pb;
	lc_i128 x = cli_abs(a->ours - a->reported);
	lc_i128 y = cli_abs(b->ours - b->reported);

	if (x != y)
		return x > y ? -1 : 1;
	if (a->rows != b->rows)
		return a->rows > b->rows ? -1 : 1;
	return strcmp(a->model, b->model);
}


void cli_recon_finish(struct cli_audit *a)
{
	size_t i, j;

	for (i = 0; i < a->n_recon; i++)
		for (j = 0; j < a->recon[i].n_rates; j++) {
			cli_rate_probe(a, &a->recon[i], &a->recon[i].rates[j],
				       LLMCOST_C_INPUT);
			cli_rate_probe(a, &a->recon[i], &a->recon[i].rates[j],
				       LLMCOST_C_OUTPUT);
		}
	if (a->n_recon > 1)
		qsort(a->recon, a->n_recon, sizeof(*a->recon),
		      cli_cmp_recon);
}


int cli_recon_sum(const struct cli_audit *a, size_t from, size_t to,
		  struct cli_recon_sum *sum)
{
	size_t i;

	memset(sum, 0, sizeof(*sum));
	for (i = from; i < to && i < a->n_recon; i++) {
		const struct cli_recon *r = &a->recon[i];

		if (__builtin_add_overflow(sum->rows, r->rows, &sum->rows) ||
		    lc_i128_add(sum->ours, r->ours, &sum->ours) ||
		    lc_i128_add(sum->reported, r->reported, &sum->reported))
			return -1;
	}
	return 0;
}


const struct cli_rates *cli_recon_main_rates(const struct cli_recon *r)
{
	const struct cli_rates *best = NULL;
	size_t i;

	for (i = 0; i < r->n_rates; i++) {
		const struct cli_rates *v = &r->rates[i];

		if (best == NULL || v->differing_rows > best->differing_rows ||
		    (v->differing_rows == best->differing_rows &&
		     v->rows > best->rows))
			best = v;
	}
	return best;
}


/* ---- the explanation -------------------------------------------------- */

int cli_rate_per_million(int component)
{
	return component <= LLMCOST_C_OUTPUT_IMAGE;
}


lc_i128 cli_rate_shown(int component, lc_i128 rate)
{
	lc_i128 v;

	if (!cli_rate_per_million(component))
		return rate;
	return lc_i128_mul(rate, 1000000, &v) ? LC_I128_MAX : v;
}


static void cli_append(char *buf, size_t size, const char *fmt, ...)
	LC_PRINTF(3, 4);

static void cli_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}


/* The next decimal digit of rem / den (rem < den), exactly: ten
 * additions of rem, each crossing den at most once, so nothing
 * overflows even for den near 2^127. */
static int cli_next_decimal(unsigned __int128 *rem, unsigned __int128 den)
{
	unsigned __int128 acc = 0;
	int k, digit = 0;

	for (k = 0; k < 10; k++) {
		acc += *rem;
		if (acc >= den) {
			acc -= den;
			digit++;
		}
	}
	*rem = acc;
	return digit;
}


/* reported / ours as "1.25" (two decimals, rounded down). */
static void cli_ratio(lc_i128 num, lc_i128 den, char *buf, size_t size)
{
	unsigned __int128 q, rem;
	int d1, d2;

	if (den <= 0 || num < 0) {
		snprintf(buf, size, "n/a");
		return;
	}
	q = (unsigned __int128)num / (unsigned __int128)den;
	rem = (unsigned __int128)num % (unsigned __int128)den;
	d1 = cli_next_decimal(&rem, (unsigned __int128)den);
	d2 = cli_next_decimal(&rem, (unsigned __int128)den);
	if (q > UINT64_MAX)
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%llu.%d%d", (unsigned long long)q, d1,
			 d2);
}


static void cli_append_rate(char *buf, size_t size,
			    const struct cli_rates *v, int k,
			    const char *label)
{
	char money[LLMCOST_MONEY_STRLEN];

	if (!((v->have >> k) & 1u))
		return;
	cli_money_exact(cli_rate_shown(k, v->rate[k]), money, sizeof(money));
	cli_append(buf, size, ", %s $%s", label, money);
}


/* "$10/$40 per M input/output tokens, cache read $2.5 (key o3, price
 * from 2024-04-16)" for one version. */
static void cli_explain_rates(const struct cli_rates *v, char *buf,
			      size_t size)
{
	char in[LLMCOST_MONEY_STRLEN] = "?", out[LLMCOST_MONEY_STRLEN] = "?";
	char day[40];

	if ((v->have >> LLMCOST_C_INPUT) & 1u)
		cli_money_exact(cli_rate_shown(LLMCOST_C_INPUT,
					       v->rate[LLMCOST_C_INPUT]),
				in, sizeof(in));
	if ((v->have >> LLMCOST_C_OUTPUT) & 1u)
		cli_money_exact(cli_rate_shown(LLMCOST_C_OUTPUT,
					       v->rate[LLMCOST_C_OUTPUT]),
				out, sizeof(out));
	cli_append(buf, size, "$%s/$%s per M input/output tokens", in, out);
	if ((v->used >> LLMCOST_C_CACHE_READ) & 1u)
		cli_append_rate(buf, size, v, LLMCOST_C_CACHE_READ,
				"cache read");
	if ((v->used >> LLMCOST_C_CACHE_WRITE_5M) & 1u)
		cli_append_rate(buf, size, v, LLMCOST_C_CACHE_WRITE_5M,
				"cache write 5m");
	if ((v->used >> LLMCOST_C_CACHE_WRITE_1H) & 1u)
		cli_append_rate(buf, size, v, LLMCOST_C_CACHE_WRITE_1H,
				"cache write 1h");
	cli_append(buf, size, " (key %s", v->price_key ? v->price_key : "?");
	if (v->valid_from_ms != LLMCOST_TIME_UNKNOWN &&
	    lc_time_format(v->valid_from_ms, day, sizeof(day)) >= 10)
		cli_append(buf, size, ", price from %.10s", day);
	if (v->service_tier != LLMCOST_TIER_STANDARD)
		cli_append(buf, size, ", %s tier",
			   llmcost_service_tier_name((int)v->service_tier));
	if (v->long_context)
		cli_append(buf, size, ", long-context rates");
	cli_append(buf, size, ")");
}


/* The versions that priced differing rows, most such rows first. */
static void cli_explain_versions(const struct cli_recon *r, char *buf,
				 size_t size)
{
	int shown[CLI_RECON_VERSIONS] = { 0 };
	size_t i, k, n = 0;

	for (k = 0; k < r->n_rates; k++) {
		const struct cli_rates *best = NULL;

		for (i = 0; i < r->n_rates; i++)
			if (!shown[i] && r->rates[i].differing_rows > 0 &&
			    (best == NULL || r->rates[i].differing_rows >
			     best->differing_rows))
				best = &r->rates[i];
		if (best == NULL)
			break;
		shown[best - r->rates] = 1;
		cli_append(buf, size, "%s", n++ ? "; " : ": ours ");
		if (r->n_rates > 1)
			cli_append(buf, size, "%lld row%s at ",
				   (long long)best->differing_rows,
				   best->differing_rows == 1 ? "" : "s");
		cli_explain_rates(best, buf, size);
	}
	if (r->other_rows > 0)
		cli_append(buf, size, "; %lld row%s at other prices",
			   (long long)r->other_rows,
			   r->other_rows == 1 ? "" : "s");
}


static void cli_explain_priced(const struct cli_recon *r, char *buf,
			       size_t size)
{
	char q[32];

	if (r->matching_rows == r->priced_rows) {
		cli_append(buf, size, "reported agrees with our price on "
			   "every priced row");
		return;
	}
	cli_append(buf, size, "reported differs from our price on %lld of "
		   "%lld priced rows",
		   (long long)(r->priced_rows - r->matching_rows),
		   (long long)r->priced_rows);
	cli_explain_versions(r, buf, size);
	cli_ratio(r->reported_differing, r->ours_differing, q, sizeof(q));
	cli_append(buf, size, "; on those, reported/ours = %s", q);
}


void cli_recon_explain(const struct cli_recon *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (r->unpriced_rows == r->rows) {
		cli_append(buf, size, "not priced: %s", r->reason);
		return;
	}
	if (r->unpriced_rows > 0)
		cli_append(buf, size, "%lld of %lld rows not priced (%s); ",
			   (long long)r->unpriced_rows, (long long)r->rows,
			   r->reason);
	cli_explain_priced(r, buf, size);
}
