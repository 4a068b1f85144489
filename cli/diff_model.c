/*
 * diff_model.c - the slices of `llmcost diff`, the values seen alongside
 * each (users, models, prompt template versions, workflows), and the
 * explanation of each slice's change by the library.
 */
#include <stdlib.h>

#include "diff.h"


static char *diff_slice_name(const struct diff_run *d,
			     const llmcost_group *g)
{
	struct cli_buf b = { NULL, 0, 0, 0 };
	int i;

	for (i = 0; i < d->nby; i++) {
		const char *v = g->key[d->by[i]];

		if (i > 0)
			cli_buf_puts(&b, " / ");
		cli_buf_puts(&b, v != NULL && v[0] != '\0' ? v : "(none)");
	}
	if (d->nby == 0)
		cli_buf_puts(&b, "(all)");
	cli_buf_putc(&b, '\0');
	if (b.failed) {
		cli_buf_free(&b);
		return NULL;
	}
	return b.p;
}


/* The slice's key: its --by values, each followed by a NUL. */
static int diff_slice_key(const struct diff_run *d, const llmcost_group *g,
			  struct cli_buf *b)
{
	int i;

	for (i = 0; i < d->nby; i++) {
		const char *v = g->key[d->by[i]];

		cli_buf_puts(b, v != NULL ? v : "");
		cli_buf_putc(b, '\0');
	}
	return b->failed ? -1 : 0;
}


static int diff_slice_find(struct diff_run *d, const llmcost_group *g,
			   uint32_t *idx)
{
	struct cli_buf key = { NULL, 0, 0, 0 };
	struct diff_slice *s;
	int rc = -1;

	if (diff_slice_key(d, g, &key) != 0)
		goto out;
	if (lc_map_get(d->slice_map, key.p != NULL ? key.p : "", key.len,
		       idx)) {
		rc = 0;
		goto out;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		void *p = realloc(d->slices, cap * sizeof(*s));

		if (p == NULL)
			goto out;
		d->slices = p;
		d->cap = cap;
	}
	s = &d->slices[d->n];
	memset(s, 0, sizeof(*s));
	s->name = diff_slice_name(d, g);
	llmcost_diff_side_init(&s->side[0]);
	llmcost_diff_side_init(&s->side[1]);
	llmcost_diff_init(&s->diff);
	*idx = (uint32_t)d->n;
	if (s->name == NULL || lc_map_put(d->slice_map, key.p != NULL ?
	    key.p : "", key.len, *idx, NULL) != LLMCOST_OK) {
		free(s->name);
		goto out;
	}
	d->n++;
	rc = 0;
out:
	cli_buf_free(&key);
	return rc;
}


static struct diff_item *diff_item_find(struct diff_run *d, uint32_t slice,
					int extra, const char *value)
{
	size_t vlen = strlen(value);
	char *key = malloc(vlen + 5);
	const char *stored = NULL;
	struct diff_item *it = NULL;
	uint32_t idx;

	if (key == NULL)
		return NULL;
	memcpy(key, &slice, 4);
	key[4] = (char)extra;
	memcpy(key + 5, value, vlen);
	if (lc_map_get(d->item_map, key, vlen + 5, &idx)) {
		it = &d->items[idx];
		goto out;
	}
	if (d->ni == d->icap) {
		size_t cap = d->icap ? d->icap * 2 : 64;
		void *p = realloc(d->items, cap * sizeof(*it));

		if (p == NULL)
			goto out;
		d->items = p;
		d->icap = cap;
	}
	if (lc_map_put(d->item_map, key, vlen + 5, (uint32_t)d->ni,
		       &stored) != LLMCOST_OK)
		goto out;
	it = &d->items[d->ni++];
	memset(it, 0, sizeof(*it));
	it->slice = slice;
	it->extra = (uint32_t)extra;
	it->value = stored + 5;
out:
	free(key);
	return it;
}


static int diff_add_items(struct diff_run *d, int period, uint32_t slice,
			  const llmcost_group *g)
{
	int k;

	for (k = 0; k < DIFF_EXTRA; k++) {
		int dim = diff_extra_dim(k);
		struct diff_item *it;

		if (!((d->have[period] >> dim) & 1u))
			continue;
		it = diff_item_find(d, slice, k, g->key[dim] != NULL ?
				    g->key[dim] : "");
		if (it == NULL)
			return -1;
		if (lc_i128_add(it->cost[period], lc_money_to_i128(g->total),
				&it->cost[period]) ||
		    __builtin_add_overflow(it->requests[period], g->requests,
					   &it->requests[period])) {
			d->bad_sum = "the cost or requests of a value seen "
				     "alongside";
			return -2;
		}
	}
	return 0;
}


int diff_add_group(struct diff_run *d, int period, const llmcost_group *g)
{
	uint32_t idx;
	int rc;

	if (d->slice_map == NULL)
		d->slice_map = lc_map_new();
	if (d->item_map == NULL)
		d->item_map = lc_map_new();
	if (d->slice_map == NULL || d->item_map == NULL)
		return -1;
	d->bad_slice = NULL;
	d->bad_sum = NULL;
	if (diff_slice_find(d, g, &idx) != 0)
		return -1;
	d->bad_slice = d->slices[idx].name;
	rc = llmcost_diff_side_add(&d->slices[idx].side[period], g);
	if (rc == LLMCOST_E_OVERFLOW) {
		d->bad_sum = "a sum (requests, retries, errors, tokens or "
			     "cost)";
		return -2;
	}
	if (rc != LLMCOST_OK)
		return -1;
	if (lc_i128_add(d->total[period], lc_money_to_i128(g->total),
			&d->total[period])) {
		d->bad_slice = NULL;
		d->bad_sum = "the total cost";
		return -2;
	}
	return diff_add_items(d, period, idx, g);
}


static const struct diff_run *diff_sort_run;

static int diff_item_cmp(const void *pa, const void *pb)
{
	const struct diff_item *a = pa, *b = pb;

	if (a->slice != b->slice)
		return a->slice < b->slice ? -1 : 1;
	if (a->extra != b->extra)
		return a->extra < b->extra ? -1 : 1;
	if (a->cost[1] != b->cost[1])
		return a->cost[1] > b->cost[1] ? -1 : 1;
	return strcmp(a->value, b->value);
}


static lc_i128 diff_abs(lc_i128 v)
{
	return v < 0 ? -v : v;
}


static int diff_order_cmp(const void *pa, const void *pb)
{
	const struct diff_slice *a = &diff_sort_run->slices[*(const size_t *)pa];
	const struct diff_slice *b = &diff_sort_run->slices[*(const size_t *)pb];
	lc_i128 ca = diff_abs(lc_money_to_i128(a->diff.change));
	lc_i128 cb = diff_abs(lc_money_to_i128(b->diff.change));

	if (ca != cb)
		return ca > cb ? -1 : 1;
	return strcmp(a->name, b->name);
}


/* Users active in each period, and whether the model mix moved: a model
 * with requests in one period only. */
static void diff_alongside(struct diff_run *d, struct diff_slice *s)
{
	size_t i;
	int p;

	for (p = 0; p < 2; p++)
		s->side[p].active_users = (d->have[p] >> LLMCOST_DIM_USER) &
			1u ? 0 : -1;
	for (i = s->item_first; i < s->item_first + s->item_count; i++) {
		const struct diff_item *it = &d->items[i];

		for (p = 0; p < 2; p++)
			if (it->extra == 0 && it->requests[p] > 0 &&
			    s->side[p].active_users >= 0)
				s->side[p].active_users++;
		if (it->extra == 1 && (it->requests[0] > 0) !=
		    (it->requests[1] > 0))
			s->flags |= LLMCOST_DIFF_MODEL_MIX;
	}
}


static int diff_is_material(const struct diff_run *d,
			    const struct diff_slice *s)
{
	lc_i128 change = diff_abs(lc_money_to_i128(s->diff.change));
	lc_i128 base = lc_money_to_i128(s->side[0].cost);

	if (change == 0 || change < d->min_usd)
		return 0;
	if (base == 0)
		return 1;
	return change / base >= 1 || (change * 10000) / base >= d->min_pct;
}


static void diff_index_items(struct diff_run *d)
{
	size_t i;

	if (d->ni > 0)
		qsort(d->items, d->ni, sizeof(*d->items), diff_item_cmp);
	for (i = 0; i < d->ni; i++) {
		struct diff_slice *s = &d->slices[d->items[i].slice];

		if (s->item_count == 0)
			s->item_first = i;
		s->item_count++;
	}
}


int diff_explain_all(struct diff_run *d)
{
	size_t i;

	diff_index_items(d);
	d->order = calloc(d->n ? d->n : 1, sizeof(*d->order));
	if (d->order == NULL)
		return CLI_EXIT_IO;
	for (i = 0; i < d->n; i++) {
		struct diff_slice *s = &d->slices[i];

		diff_alongside(d, s);
		if (llmcost_diff_explain(&s->side[0], &s->side[1], s->flags,
					 &s->diff) != LLMCOST_OK) {
			if (d->snap_path[0] != NULL)
				cli_error("diff: %s and %s: slice '%s': %s",
					  d->snap_path[0], d->snap_path[1],
					  s->name, llmcost_last_error());
			else
				cli_error("diff: slice '%s': %s", s->name,
					  llmcost_last_error());
			return CLI_EXIT_IO;
		}
		s->material = diff_is_material(d, s);
		d->order[i] = i;
	}
	diff_sort_run = d;
	if (d->n > 0)
		qsort(d->order, d->n, sizeof(*d->order), diff_order_cmp);
	return CLI_EXIT_OK;
}


void diff_run_free(struct diff_run *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->slices[i].name);
	free(d->slices);
	free(d->items);
	free(d->order);
	lc_map_free(d->slice_map);
	lc_map_free(d->item_map);
	llmcost_snapshot_free(d->snap[0]);
	llmcost_snapshot_free(d->snap[1]);
}
