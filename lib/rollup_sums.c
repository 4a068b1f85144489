/*
 * rollup_sums.c - a group's sums: exact addition and export.
 */
#include <string.h>

#include "rollup.h"


int lc_sums_add(const struct lc_sums *a, const struct lc_sums *b,
		struct lc_sums *out)
{
	struct lc_sums r;
	size_t i;

	for (i = 0; i < LC_N_COUNT; i++)
		if (__builtin_add_overflow(a->n[i], b->n[i], &r.n[i]))
			return -1;
	if (r.n[LC_N_RECORDS] > LC_RECORDS_MAX)
		return -1;
	for (i = 0; i < LC_M_COUNT; i++)
		if (lc_i128_add(a->m[i], b->m[i], &r.m[i]) != 0)
			return -1;
	r.latency_max = a->latency_max > b->latency_max ? a->latency_max
							: b->latency_max;
	*out = r;
	return 0;
}


/* Without branches: a position is always written, and kept by counting
 * it only when its field is not zero. */
void lc_delta_index(struct lc_delta *x)
{
	unsigned i, nm = 0;
	uint64_t nor = 0;
	unsigned __int128 mor = 0;

	for (i = 0; i < LC_N_COUNT; i++)
		nor |= (uint64_t)x->d.n[i];
	for (i = 0; i < LC_M_COUNT; i++) {
		lc_i128 v = x->d.m[i];

		x->m_at[nm] = (uint8_t)i;
		nm += v != 0;
		/* |v| - 1 for v < 0: one bit more than its length bounds |v| */
		mor |= (unsigned __int128)(v ^ (v >> 127));
	}
	x->nm = (uint8_t)nm;
	x->nbits = (uint8_t)(nor == 0 ? 0 : 64 - __builtin_clzll(nor));
	if ((uint64_t)(mor >> 64) != 0)
		x->mbits = (uint8_t)(129 - __builtin_clzll(
						   (uint64_t)(mor >> 64)));
	else
		x->mbits = (uint8_t)((uint64_t)mor == 0 ? 1 :
				     65 - __builtin_clzll((uint64_t)mor));
}


int lc_delta_fits(const struct lc_sums *s, const struct lc_delta *x)
{
	int64_t n;
	lc_i128 m;
	size_t i;

	for (i = 0; i < LC_N_COUNT; i++)
		if (__builtin_add_overflow(s->n[i], x->d.n[i], &n))
			return -1;
	if (s->n[LC_N_RECORDS] > LC_RECORDS_MAX - x->d.n[LC_N_RECORDS])
		return -1;
	for (i = 0; i < x->nm; i++)
		if (lc_i128_add(s->m[x->m_at[i]], x->d.m[x->m_at[i]], &m))
			return -1;
	return 0;
}


void lc_delta_apply(struct lc_sums *s, const struct lc_delta *x)
{
	size_t i;

	for (i = 0; i < LC_N_COUNT; i++)
		s->n[i] += x->d.n[i];
	for (i = 0; i < x->nm; i++)
		s->m[x->m_at[i]] += x->d.m[x->m_at[i]];
	if (x->d.latency_max > s->latency_max)
		s->latency_max = x->d.latency_max;
}


void lc_sums_export(const struct lc_sums *s, llmcost_group *g)
{
	size_t i;

	g->records = s->n[LC_N_RECORDS];
	g->requests = s->n[LC_N_REQUESTS];
	g->unpriced_requests = s->n[LC_N_UNPRICED];
	g->priced_requests = s->n[LC_N_REQUESTS] - s->n[LC_N_UNPRICED];
	for (i = 0; i < LLMCOST_T_COUNT; i++)
		g->tokens[i] = s->n[LC_N_TOKENS + i];
	for (i = 0; i < LLMCOST_U_COUNT; i++)
		g->units[i] = s->n[LC_N_UNITS + i];
	g->retries = s->n[LC_N_RETRIES];
	g->errors = s->n[LC_N_ERRORS];
	g->latency_sum_ms = s->n[LC_N_LATENCY];
	g->latency_max_ms = s->latency_max;
	g->total = lc_money_from_i128(s->m[LC_M_TOTAL]);
	g->contracted_cost = lc_money_from_i128(s->m[LC_M_CONTRACTED]);
	g->effective_cost = lc_money_from_i128(s->m[LC_M_EFFECTIVE]);
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		g->component[i] = lc_money_from_i128(s->m[LC_M_COMPONENT + i]);
}


static int lc_counts_negative(const struct lc_sums *s)
{
	size_t i;

	for (i = 0; i < LC_N_COUNT; i++)
		if (s->n[i] < 0)
			return 1;
	return s->latency_max < 0;
}


/* The token convention holds for sums of records that keep it. */
static int lc_parts_fit(const struct lc_sums *s)
{
	const int64_t *t = &s->n[LC_N_TOKENS];
	const int64_t *u = &s->n[LC_N_UNITS];
	lc_i128 in = (lc_i128)t[LLMCOST_T_CACHED] +
		     t[LLMCOST_T_CACHE_WRITE_5M] + t[LLMCOST_T_CACHE_WRITE_1H] +
		     u[LLMCOST_U_INPUT_AUDIO] + u[LLMCOST_U_INPUT_IMAGE] +
		     u[LLMCOST_U_INPUT_VIDEO];
	lc_i128 out = (lc_i128)t[LLMCOST_T_REASONING] +
		      u[LLMCOST_U_OUTPUT_AUDIO] + u[LLMCOST_U_OUTPUT_IMAGE];

	return in <= t[LLMCOST_T_INPUT] && out <= t[LLMCOST_T_OUTPUT];
}


/* Priced costs have no negative money and a total that is the sum of
 * their components (lc_cost_check in rollup.c), and so have their sums:
 * NULL if s keeps both, else which it breaks. */
static const char *lc_money_wrong(const struct lc_sums *s)
{
	lc_i128 sum = 0;
	size_t i;

	for (i = 0; i < LC_M_COUNT; i++)
		if (s->m[i] < 0)
			return "a cost is negative";
	for (i = 0; i < LLMCOST_C_COUNT; i++)
		if (lc_i128_add(sum, s->m[LC_M_COMPONENT + i], &sum) != 0)
			return "cost components overflow";
	if (sum != s->m[LC_M_TOTAL])
		return "cost total is not the sum of its components";
	return NULL;
}


static int lc_sums_zero(const struct lc_sums *s)
{
	size_t i;

	for (i = 0; i < LC_N_COUNT; i++)
		if (s->n[i] != 0)
			return 0;
	for (i = 0; i < LC_M_COUNT; i++)
		if (s->m[i] != 0)
			return 0;
	return s->latency_max == 0;
}


int lc_sums_check(const struct lc_sums *s, const char **why)
{
	const int64_t *n = s->n;

	*why = NULL;
	if (lc_counts_negative(s))
		*why = "a count is negative";
	else if (n[LC_N_RECORDS] > LC_RECORDS_MAX)
		*why = "too many records";
	else if (n[LC_N_UNPRICED] > n[LC_N_REQUESTS])
		*why = "more unpriced requests than requests";
	else if (n[LC_N_ERRORS] > n[LC_N_RECORDS])
		*why = "more errors than records";
	else if (s->latency_max > n[LC_N_LATENCY])
		*why = "latency maximum above the latency sum";
	else if (!lc_parts_fit(s))
		*why = "token parts exceed their whole";
	else if (n[LC_N_RECORDS] == 0 && !lc_sums_zero(s))
		*why = "sums without records";
	else
		*why = lc_money_wrong(s);
	return *why != NULL ? -1 : 0;
}
