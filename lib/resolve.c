/*
 * resolve.c - from the model name a gateway logs to a key of the price
 * table, by explicit, ordered rules (docs/resolution.md):
 *
 *   1 deployment      a deployment name the caller mapped to a key
 *   2 exact           the name is a key (any case)
 *   3 add_provider    "<record provider>/<name>" is a key
 *   4 strip_provider  "<maker>/" removed gives a key
 *   5 fine_tune       "ft:<base>:..." priced as the key "ft:<base>"
 *   6 bedrock         Bedrock routes, region paths, ARNs, cross-region
 *                     profiles and "-vN:M" versions
 *   7 vertex          "vertex_ai/", "@version" and "-00N" versions
 *   8 openrouter      "openrouter/<vendor>/<model>"
 *   9 undated         a dated name whose date is unknown, priced as its
 *                     alias: always marked approximate
 *
 * Every rule ends in whole-key lookups; nothing matches by substring or
 * by prefix of a key.  The names are lowercased once, on the stack.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "prices.h"

/* A name under resolution: lowercase, NUL-terminated. */
struct lc_name {
	char s[LC_KEY_MAX + 1];
	size_t len;
};

/* Prefixes that name the model's own maker, so that removing them keeps
 * the price.  Hosts and resellers (azure, bedrock, openrouter, vertex_ai,
 * ...) set their own prices and are deliberately absent. */
static const char *const lc_makers[] = {
	"openai", "anthropic", "gemini", "google", "deepseek", "mistral",
	"xai", "meta", "text-completion-openai"
};

/* Bedrock cross-region inference profile prefixes. */
static const char *const lc_geos[] = {
	"us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov.", "global."
};

/* Bedrock path words that choose an API, not a model. */
static const char *const lc_routes[] = {
	"converse/", "invoke/", "converse_like/"
};


/* ---- small helpers ------------------------------------------------------- */

static int lc_starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}


static int lc_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}


static int lc_num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}


/* Looks up a lowercase key; sets out->entry on a hit. */
static int lc_hit(const llmcost_prices *p, const char *s, size_t len,
		  struct lc_resolution *out)
{
	uint32_t slot;

	if (len == 0 || len > LC_KEY_MAX ||
	    !lc_prices_lookup(p, s, len, &slot, NULL))
		return 0;
	out->entry = slot;
	return 1;
}


/* Looks up a+b, the two joined. */
static int lc_hit2(const llmcost_prices *p, const char *a, size_t alen,
		   const char *b, size_t blen, struct lc_resolution *out)
{
	char joined[LC_KEY_MAX];

	if (alen + blen > LC_KEY_MAX)
		return 0;
	memcpy(joined, a, alen);
	memcpy(joined + alen, b, blen);
	return lc_hit(p, joined, alen + blen, out);
}


/* The provider of the entry a key uses, lowercase-compared with prefix. */
static int lc_provider_is(const llmcost_prices *p, uint32_t entry,
			  const char *prefix)
{
	const char *prov = lc_target(p, entry)->provider;
	size_t n = strlen(prefix);

	return prov != NULL && strncasecmp(prov, prefix, n) == 0;
}


static int lc_set_rule(struct lc_resolution *out, int rule)
{
	out->rule = (uint32_t)rule;
	return 1;
}


/* ---- rules 1 to 4 -------------------------------------------------------- */

static int lc_rule_deployment(const llmcost_prices *p,
			      const struct lc_name *n,
			      struct lc_resolution *out)
{
	const char *s = n->s;
	size_t len = n->len;
	uint32_t entry;

	if (lc_map_count(p->deployments) == 0)
		return 0;
	if (lc_starts(s, len, "azure/")) {
		s += 6;
		len -= 6;
	} else if (lc_starts(s, len, "azure_ai/")) {
		s += 9;
		len -= 9;
	}
	if (len == 0 || !lc_map_get(p->deployments, s, len, &entry))
		return 0;
	out->entry = entry;
	return lc_set_rule(out, LLMCOST_RULE_DEPLOYMENT);
}


static int lc_rule_add_provider(const llmcost_prices *p,
				const struct lc_name *n, const char *prov,
				struct lc_resolution *out)
{
	char low[LC_KEY_MAX + 1];
	size_t plen;

	if (prov == NULL || prov[0] == '\0')
		return 0;
	plen = strnlen(prov, LC_KEY_MAX);
	if (plen + 1 + n->len > LC_KEY_MAX)
		return 0;
	lc_key_lower(prov, plen, low);
	low[plen] = '/';
	return lc_hit2(p, low, plen + 1, n->s, n->len, out) &&
	       lc_set_rule(out, LLMCOST_RULE_ADD_PROVIDER);
}


/* Whether s[0..len) is one of the maker prefixes (without the '/'). */
static int lc_is_maker(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(lc_makers); i++) {
		if (strlen(lc_makers[i]) == len &&
		    memcmp(lc_makers[i], s, len) == 0)
			return 1;
	}
	return 0;
}


/* The length of a "<maker>/" prefix of s, or 0. */
static size_t lc_maker_prefix(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	size_t plen;

	if (slash == NULL)
		return 0;
	plen = (size_t)(slash - s);
	return lc_is_maker(s, plen) ? plen + 1 : 0;
}


/* s as a key, or s less a maker prefix as a key. */
static int lc_hit_maker(const llmcost_prices *p, const char *s, size_t len,
			struct lc_resolution *out)
{
	size_t skip;

	if (lc_hit(p, s, len, out))
		return 1;
	skip = lc_maker_prefix(s, len);
	return skip > 0 && lc_hit(p, s + skip, len - skip, out);
}


static int lc_rule_strip_provider(const llmcost_prices *p,
				  const struct lc_name *n,
				  struct lc_resolution *out)
{
	size_t skip = lc_maker_prefix(n->s, n->len);

	return skip > 0 && lc_hit(p, n->s + skip, n->len - skip, out) &&
	       lc_set_rule(out, LLMCOST_RULE_STRIP_PROVIDER);
}


/* ---- rule 5: fine-tunes -------------------------------------------------- */

/* "ft:<base>:<org>:<suffix>:<id>" is priced as the key "ft:<base>", or
 * "ft:<K>" where K is the key the base is an alias of. */
static int lc_rule_fine_tune(const llmcost_prices *p,
			     const struct lc_name *n,
			     struct lc_resolution *out)
{
	const char *s = n->s, *base, *colon;
	size_t len = n->len, skip = lc_maker_prefix(s, len), blen;
	char low[LC_KEY_MAX];
	uint32_t target;

	s += skip;
	len -= skip;
	if (!lc_starts(s, len, "ft:") || len == 3)
		return 0;
	base = s + 3;
	colon = memchr(base, ':', len - 3);
	blen = colon != NULL ? (size_t)(colon - base) : len - 3;
	if (blen == 0)
		return 0;
	if (lc_hit2(p, "ft:", 3, base, blen, out))
		return lc_set_rule(out, LLMCOST_RULE_FINE_TUNE);
	if (!lc_prices_lookup(p, base, blen, NULL, &target))
		return 0;
	blen = strlen(p->entries[target].key);
	if (blen > LC_KEY_MAX)
		return 0;
	lc_key_lower(p->entries[target].key, blen, low);
	return lc_hit2(p, "ft:", 3, low, blen, out) &&
	       lc_set_rule(out, LLMCOST_RULE_FINE_TUNE);
}


/* ---- rule 6: Bedrock ----------------------------------------------------- */

/* Whether s[0..len) looks like an AWS region: "us-east-2",
 * "ap-northeast-1", "us-gov-west-1". */
static int lc_is_aws_region(const char *s, size_t len)
{
	size_t i = 0, dashes = 0;

	if (len < 9 || len > 20 || s[0] < 'a' || s[0] > 'z' ||
	    s[1] < 'a' || s[1] > 'z' || s[2] != '-' ||
	    s[len - 1] < '0' || s[len - 1] > '9' || s[len - 2] != '-')
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '-')
			dashes++;
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
	}
	return dashes == 2 || dashes == 3;
}


/* The length of a cross-region profile prefix ("us.") of s, or 0. */
static size_t lc_geo_prefix(const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < LC_ARRAY_LEN(lc_geos); i++) {
		n = strlen(lc_geos[i]);
		if (len > n && memcmp(s, lc_geos[i], n) == 0 &&
		    memchr(s + n, '.', len - n) != NULL)
			return n;
	}
	return 0;
}


/* A Bedrock model id under resolution, and the region its path named. */
struct lc_bedrock {
	const char *id;
	size_t len;
	const char *region;
	size_t region_len;
};


/* "arn:aws:bedrock:<region>:<account>:<kind>/<id>" */
static int lc_bedrock_arn(const char *s, size_t len, struct lc_bedrock *b)
{
	const char *r, *colon, *slash;

	if (!lc_starts(s, len, "arn:aws:bedrock:"))
		return 0;
	r = s + 16;
	colon = memchr(r, ':', len - 16);
	slash = memrchr(s, '/', len);
	if (colon == NULL || slash == NULL || slash < colon)
		return 0;
	b->region = r;
	b->region_len = (size_t)(colon - r);
	b->id = slash + 1;
	b->len = len - (size_t)(b->id - s);
	return b->len > 0;
}


/* Splits "bedrock/[route/][region/]<id>", or a bare id when the record's
 * provider is Bedrock or the id is a cross-region profile. */
static int lc_bedrock_split(const struct lc_name *n, const char *prov,
			    struct lc_bedrock *b)
{
	const char *s = n->s, *slash;
	size_t len = n->len, i;

	memset(b, 0, sizeof(*b));
	if (lc_bedrock_arn(s, len, b))
		return 1;
	if (lc_starts(s, len, "bedrock/")) {
		s += 8;
		len -= 8;
	} else if ((prov == NULL || strncasecmp(prov, "bedrock", 7) != 0) &&
		   lc_geo_prefix(s, len) == 0) {
		return 0;
	}
	for (i = 0; i < LC_ARRAY_LEN(lc_routes); i++) {
		if (lc_starts(s, len, lc_routes[i])) {
			s += strlen(lc_routes[i]);
			len -= strlen(lc_routes[i]);
		}
	}
	slash = memchr(s, '/', len);
	if (slash != NULL && lc_is_aws_region(s, (size_t)(slash - s))) {
		b->region = s;
		b->region_len = (size_t)(slash - s);
		len -= b->region_len + 1;
		s = slash + 1;
	}
	b->id = s;
	b->len = len;
	return len > 0 && memchr(s, '/', len) == NULL;
}


/* The length of a "-vN:M" version suffix of s, or 0. */
static size_t lc_bedrock_version(const char *s, size_t len)
{
	size_t i = len;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == len || i < 2 || s[i - 1] != ':')
		return 0;
	i--;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i < 2 || s[i - 1] != 'v' || s[i - 2] != '-' ||
	    s[i] == ':')
		return 0;
	return len - (i - 2);
}


/* An id as a Bedrock key: itself, "bedrock/<id>", and the id with its
 * version suffix removed or "-v1:0" added. */
static int lc_bedrock_id(const llmcost_prices *p, const char *id,
			 size_t len, struct lc_resolution *out)
{
	size_t ver = lc_bedrock_version(id, len);

	if (lc_hit(p, id, len, out) && lc_provider_is(p, out->entry,
						       "bedrock"))
		return 1;
	if (lc_hit2(p, "bedrock/", 8, id, len, out))
		return 1;
	if (ver > 0)
		return lc_hit(p, id, len - ver, out) &&
		       lc_provider_is(p, out->entry, "bedrock");
	return lc_hit2(p, id, len, "-v1:0", 5, out) &&
	       lc_provider_is(p, out->entry, "bedrock");
}


static int lc_rule_bedrock(const llmcost_prices *p, const struct lc_name *n,
			   const char *prov, struct lc_resolution *out)
{
	struct lc_bedrock b;
	char path[LC_KEY_MAX];
	size_t geo, plen;

	if (!lc_bedrock_split(n, prov, &b))
		return 0;
	out->region_at = (uint32_t)(b.region != NULL ? b.region - n->s : 0);
	out->region_len = (uint32_t)b.region_len;
	if (b.region_len > 0) {
		plen = 8 + b.region_len + 1;
		if (plen < LC_KEY_MAX) {
			memcpy(path, "bedrock/", 8);
			memcpy(path + 8, b.region, b.region_len);
			path[plen - 1] = '/';
			if (lc_hit2(p, path, plen, b.id, b.len, out))
				return lc_set_rule(out, LLMCOST_RULE_BEDROCK);
		}
	}
	if (lc_bedrock_id(p, b.id, b.len, out))
		return lc_set_rule(out, LLMCOST_RULE_BEDROCK);
	geo = lc_geo_prefix(b.id, b.len);
	if (geo == 0 || !lc_bedrock_id(p, b.id + geo, b.len - geo, out)) {
		out->region_len = 0;
		return 0;
	}
	if (geo == 7 && memcmp(b.id, "global.", 7) == 0)
		out->flags |= LC_RES_GLOBAL;
	return lc_set_rule(out, LLMCOST_RULE_BEDROCK);
}


/* ---- rule 7: Vertex AI --------------------------------------------------- */

/* A name as a Vertex key: "vertex_ai/<s>", or <s> itself when that key is
 * a Google or Anthropic model (priced alike on Vertex). */
static int lc_vertex_key(const llmcost_prices *p, const char *s, size_t len,
			 struct lc_resolution *out)
{
	int maker;

	if (lc_hit2(p, "vertex_ai/", 10, s, len, out))
		return 1;
	if (!lc_hit_maker(p, s, len, out))
		return 0;
	maker = lc_target(p, out->entry)->maker;
	return maker == LC_MAKER_GOOGLE || maker == LC_MAKER_ANTHROPIC ||
	       lc_provider_is(p, out->entry, "vertex_ai");
}


/* "<base>@<version>": Vertex's spelling of "<base>-<version>".  A Claude
 * "-v2" model name drops the "-v2" in Anthropic's own dated key. */
static int lc_vertex_at(const llmcost_prices *p, const char *s, size_t len,
			struct lc_resolution *out)
{
	const char *at = memchr(s, '@', len);
	char dated[LC_KEY_MAX];
	size_t blen, vlen;

	if (at == NULL || at == s || at == s + len - 1)
		return 0;
	blen = (size_t)(at - s);
	vlen = len - blen - 1;
	if (blen + 1 + vlen > LC_KEY_MAX)
		return 0;
	memcpy(dated, s, blen);
	dated[blen] = '-';
	memcpy(dated + blen + 1, at + 1, vlen);
	if (lc_vertex_key(p, dated, len, out))
		return 1;
	if (blen < 4 || memcmp(s + blen - 3, "-v", 2) != 0 ||
	    !lc_digits(s + blen - 1, 1))
		return 0;
	memmove(dated + blen - 3, dated + blen, vlen + 1);
	return lc_vertex_key(p, dated, len - 3, out);
}


/* The length of a Google "-00N" stable version suffix, or 0. */
static size_t lc_vertex_version(const char *s, size_t len)
{
	if (len < 5 || memcmp(s + len - 4, "-00", 3) != 0 ||
	    !lc_digits(s + len - 1, 1) || s[len - 1] == '0')
		return 0;
	return 4;
}


static int lc_vertex_applies(const struct lc_name *n, const char *prov)
{
	return lc_starts(n->s, n->len, "vertex_ai/") ||
	       (prov != NULL && strncasecmp(prov, "vertex_ai", 9) == 0) ||
	       memchr(n->s, '@', n->len) != NULL ||
	       (lc_vertex_version(n->s, n->len) > 0 &&
		strstr(n->s, "gemini") != NULL);
}


static int lc_rule_vertex(const llmcost_prices *p, const struct lc_name *n,
			  const char *prov, struct lc_resolution *out)
{
	const char *s = n->s;
	size_t len = n->len, ver;

	if (!lc_vertex_applies(n, prov))
		return 0;
	if (lc_starts(s, len, "vertex_ai/")) {
		s += 10;
		len -= 10;
	}
	if (lc_vertex_key(p, s, len, out) || lc_vertex_at(p, s, len, out))
		return lc_set_rule(out, LLMCOST_RULE_VERTEX);
	ver = lc_vertex_version(s, len);
	if (ver > 0 && lc_vertex_key(p, s, len - ver, out) &&
	    lc_target(p, out->entry)->maker == LC_MAKER_GOOGLE)
		return lc_set_rule(out, LLMCOST_RULE_VERTEX);
	return 0;
}


/* ---- rule 8: OpenRouter -------------------------------------------------- */

/* OpenRouter's vendor names that differ from our maker prefixes. */
static size_t lc_openrouter_vendor(const char *v, size_t len,
				   const char **maker)
{
	static const char *const map[][2] = {
		{"x-ai", "xai"}, {"mistralai", "mistral"},
		{"google", "gemini"}
	};
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(map); i++) {
		if (strlen(map[i][0]) == len &&
		    memcmp(map[i][0], v, len) == 0) {
			*maker = map[i][1];
			return strlen(map[i][1]);
		}
	}
	*maker = v;
	return len;
}


/* "claude-3.5-sonnet" -> "claude-3-5-sonnet": OpenRouter writes Claude
 * versions with dots where Anthropic's keys have dashes. */
static int lc_openrouter_claude(const llmcost_prices *p, const char *m,
				size_t len, struct lc_resolution *out)
{
	char dashed[LC_KEY_MAX];
	size_t i;
	int changed = 0;

	memcpy(dashed, m, len);
	for (i = 1; i + 1 < len; i++) {
		if (dashed[i] == '.' && lc_digits(dashed + i - 1, 1) &&
		    lc_digits(dashed + i + 1, 1)) {
			dashed[i] = '-';
			changed = 1;
		}
	}
	return changed && lc_hit(p, dashed, len, out);
}


static int lc_rule_openrouter(const llmcost_prices *p,
			      const struct lc_name *n,
			      struct lc_resolution *out)
{
	const char *v = n->s + 11, *slash, *m, *maker;
	size_t len = n->len - 11, vlen, mlen, mk;

	if (!lc_starts(n->s, n->len, "openrouter/"))
		return 0;
	slash = memchr(v, '/', len);
	if (slash == NULL || slash == v || slash == v + len - 1)
		return 0;
	vlen = (size_t)(slash - v);
	m = slash + 1;
	mlen = len - vlen - 1;
	mk = lc_openrouter_vendor(v, vlen, &maker);
	if (lc_hit2(p, maker, mk, m - 1, mlen + 1, out))
		return lc_set_rule(out, LLMCOST_RULE_OPENROUTER);
	if (!lc_is_maker(maker, mk))
		return 0;
	if (lc_hit(p, m, mlen, out) ||
	    (mk == 9 && memcmp(maker, "anthropic", 9) == 0 &&
	     lc_openrouter_claude(p, m, mlen, out)))
		return lc_set_rule(out, LLMCOST_RULE_OPENROUTER);
	return 0;
}


/* ---- rule 9: an unknown dated name priced as its alias ------------------- */

static int lc_is_date(int y, int m, int d)
{
	return y >= 2000 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= 31;
}


/* The length of a date suffix: "-2024-08-06", "-20240806", "@20240806"
 * or OpenAI's "-0613" (month and day); 0 if none. */
static size_t lc_date_suffix(const char *s, size_t len)
{
	const char *t;

	if (len > 11) {
		t = s + len - 11;
		if (t[0] == '-' && t[5] == '-' && t[8] == '-' &&
		    lc_digits(t + 1, 4) && lc_digits(t + 6, 2) &&
		    lc_digits(t + 9, 2) &&
		    lc_is_date(lc_num(t + 1, 4), lc_num(t + 6, 2),
			       lc_num(t + 9, 2)))
			return 11;
	}
	if (len > 9) {
		t = s + len - 9;
		if ((t[0] == '-' || t[0] == '@') && lc_digits(t + 1, 8) &&
		    lc_is_date(lc_num(t + 1, 4), lc_num(t + 5, 2),
			       lc_num(t + 7, 2)))
			return 9;
	}
	if (len > 5) {
		t = s + len - 5;
		if (t[0] == '-' && lc_digits(t + 1, 4) &&
		    lc_is_date(2000, lc_num(t + 1, 2), lc_num(t + 3, 2)))
			return 5;
	}
	return 0;
}


static int lc_rule_undated(const llmcost_prices *p, const struct lc_name *n,
			   const char *prov, struct lc_resolution *out)
{
	struct lc_name alias;
	size_t cut = lc_date_suffix(n->s, n->len);

	if (cut == 0)
		return 0;
	alias.len = n->len - cut;
	memcpy(alias.s, n->s, alias.len);
	alias.s[alias.len] = '\0';
	if (!lc_hit(p, alias.s, alias.len, out) &&
	    !lc_rule_add_provider(p, &alias, prov, out) &&
	    !lc_rule_strip_provider(p, &alias, out))
		return 0;
	out->flags |= LC_RES_APPROXIMATE;
	return lc_set_rule(out, LLMCOST_RULE_UNDATED);
}


/* ---- the rules in order -------------------------------------------------- */

int lc_resolve_rules(const llmcost_prices *p, const char *model, size_t len,
		     const char *provider, struct lc_resolution *out)
{
	struct lc_name n;

	memset(out, 0, sizeof(*out));
	out->entry = LC_NONE;
	if (len == 0 || len > LC_KEY_MAX)
		return 0;
	lc_key_lower(model, len, n.s);
	n.s[len] = '\0';
	n.len = len;
	if (lc_rule_deployment(p, &n, out) ||
	    (lc_hit(p, n.s, n.len, out) &&
	     lc_set_rule(out, LLMCOST_RULE_EXACT)) ||
	    lc_rule_add_provider(p, &n, provider, out) ||
	    lc_rule_strip_provider(p, &n, out) ||
	    lc_rule_fine_tune(p, &n, out) ||
	    lc_rule_bedrock(p, &n, provider, out) ||
	    lc_rule_vertex(p, &n, provider, out) ||
	    lc_rule_openrouter(p, &n, out) ||
	    lc_rule_undated(p, &n, provider, out))
		return 1;
	memset(out, 0, sizeof(*out));
	out->entry = LC_NONE;
	return 0;
}


/* ---- the cached entry point and the public functions --------------------- */

/* Longest provider name that takes part in a cached key. */
#define LC_CACHE_PROVIDER_MAX 64

int lc_resolve(const llmcost_prices *p, const char *model, size_t len,
	       const char *provider, struct lc_resolution *out)
{
	char key[LC_KEY_MAX + 2 + LC_CACHE_PROVIDER_MAX];
	size_t plen = provider != NULL ? strnlen(provider,
						 LC_CACHE_PROVIDER_MAX + 1)
				       : 0;
	size_t klen = len + 1 + plen;

	if (len == 0 || len > LC_KEY_MAX || plen > LC_CACHE_PROVIDER_MAX)
		return lc_resolve_rules(p, model, len, provider, out);
	/* The names as given, not lowercased: a name that comes back in
	 * another case takes a slot of its own, and a hit costs no folding. */
	memcpy(key, model, len);
	key[len] = '\0';
	memcpy(key + len + 1, provider != NULL ? provider : "", plen);
	if (lc_rcache_get(p->cache, p->generation, key, klen, out))
		return out->entry != LC_NONE;
	lc_resolve_rules(p, model, len, provider, out);
	lc_rcache_put(p->cache, p->generation, key, klen, out);
	return out->entry != LC_NONE;
}


LLMCOST_API int llmcost_prices_resolve(const llmcost_prices *prices,
				       const char *model,
				       const char *provider,
				       const char **price_key,
				       uint32_t *rule, uint32_t *flags)
{
	struct lc_resolution res;
	size_t len;
	int hit;

	if (price_key != NULL)
		*price_key = NULL;
	if (rule != NULL)
		*rule = LLMCOST_RULE_NONE;
	if (flags != NULL)
		*flags = 0;
	if (prices == NULL || model == NULL)
		return lc_error(LLMCOST_E_INVALID, "prices or model is NULL");
	len = strnlen(model, LC_KEY_MAX + 1);
	hit = len <= LC_KEY_MAX && lc_resolve(prices, model, len, provider,
					      &res);
	if (!hit)
		return lc_error(LLMCOST_E_UNPRICED, "model '%.160s' not in "
				"price table", model);
	if (price_key != NULL)
		*price_key = lc_target(prices, res.entry)->key;
	if (rule != NULL)
		*rule = res.rule;
	if (flags != NULL && (res.flags & (LC_RES_APPROXIMATE |
					    LC_RES_GLOBAL)))
		*flags = LLMCOST_COST_APPROXIMATE;
	return LLMCOST_OK;
}


LLMCOST_API int llmcost_prices_add_deployment(llmcost_prices *prices,
					      const char *deployment,
					      const char *model)
{
	char low[LC_KEY_MAX];
	uint32_t slot;
	size_t len;

	if (prices == NULL || deployment == NULL || model == NULL)
		return lc_error(LLMCOST_E_INVALID, "NULL argument");
	len = strnlen(deployment, LC_KEY_MAX + 1);
	if (len == 0 || len > LC_KEY_MAX)
		return lc_error(LLMCOST_E_INVALID, "deployment name of %zu "
				"bytes", len);
	if (!lc_prices_find(prices, model, strnlen(model, LC_KEY_MAX + 1),
			    &slot, NULL))
		return lc_error(LLMCOST_E_NOTFOUND, "deployment '%.80s': no "
				"price key '%.100s'", deployment, model);
	lc_key_lower(deployment, len, low);
	if (lc_map_put(prices->deployments, low, len, slot, NULL))
		return lc_error(LLMCOST_E_NOMEM, "out of memory");
	lc_prices_changed(prices);
	return LLMCOST_OK;
}
