/*
 * tags.h - the canonical-tag normaliser's pieces shared by lib/tags.c
 * (the handle, vocabularies and lookups), lib/tags_fold.c (cleaning,
 * folding and edit distance) and lib/tags_config.c (the JSON config
 * loader).  Not part of the ABI.
 */
#ifndef LLMCOST_TAGS_H
#define LLMCOST_TAGS_H

#include "internal.h"

#define LC_TAG_MAX LLMCOST_TAG_MAX_BYTES

/* Every rule this version knows. */
#define LC_FOLD_KNOWN (LLMCOST_FOLD_CASE | LLMCOST_FOLD_TRIM | \
		       LLMCOST_FOLD_SEPARATORS | LLMCOST_FOLD_CAMEL | \
		       LLMCOST_FOLD_DIGITS)

/* Report bits that make a string unfit for a vocabulary. */
#define LC_TAG_UNCLEAN (LLMCOST_TAG_BAD_UTF8 | LLMCOST_TAG_NUL | \
			LLMCOST_TAG_CONTROL)

/* A raw value after cleaning: its characters as code points.  Each
 * character takes at least one of the LC_TAG_MAX raw bytes read, so
 * LC_TAG_MAX code points always suffice. */
struct lc_clean {
	uint32_t cp[LC_TAG_MAX];
	size_t n;		/* code points */
	size_t raw_used;	/* raw bytes read */
	unsigned report;	/* LLMCOST_TAG_* bits */
};

/* ---- lib/tags_fold.c ------------------------------------------------- */

/* How many bytes of raw[0..len) a lookup reads: whole characters (an
 * invalid byte is one) that end within LC_TAG_MAX bytes. */
LC_HIDDEN size_t lc_tag_cut(const char *raw, size_t len);

/* Cleans raw[0..len): invalid bytes and control characters become
 * U+FFFD, the white-space controls a space, invisible format characters
 * are dropped; reading stops at lc_tag_cut(). */
LC_HIDDEN void lc_tag_clean(const char *raw, size_t len,
			    struct lc_clean *c);

/* Folds cleaned text by flags into key (LLMCOST_TAG_STRLEN bytes),
 * NUL-terminated.  Returns the key's length; adds LLMCOST_TAG_TOO_LONG
 * to *report if the key was cut. */
LC_HIDDEN size_t lc_tag_fold_clean(const struct lc_clean *c, unsigned flags,
				   char *key, unsigned *report);

/* Writes the cleaned text as UTF-8 into text (LLMCOST_TAG_STRLEN bytes),
 * cut like a key.  Returns its length. */
LC_HIDDEN size_t lc_tag_text(const struct lc_clean *c, char *text,
			     unsigned *report);

/* Decodes a key (valid UTF-8 of at most LC_TAG_MAX bytes) into code
 * points; returns how many. */
LC_HIDDEN size_t lc_tag_key_cps(const char *key, size_t len, uint32_t *cp);

/* Optimal string alignment distance between a and b, or max + 1 if it is
 * more than max. */
LC_HIDDEN unsigned lc_tag_osa(const uint32_t *a, size_t an,
			      const uint32_t *b, size_t bn, unsigned max);

/* ---- lib/tags.c, for the loader ------------------------------------- */

/* Whether the first lookup has frozen the vocabulary; if so, sets the
 * error and returns LLMCOST_E_INVALID, else LLMCOST_OK. */
LC_HIDDEN int lc_tags_check_open(const llmcost_tags *t);

/* Copies every dimension's rules and vocabulary of src into dst, a new
 * handle.  LLMCOST_OK or LLMCOST_E_NOMEM. */
LC_HIDDEN int lc_tags_copy_vocab(llmcost_tags *dst, const llmcost_tags *src);

/* Exchanges the rules and vocabularies of a and b (not their counts). */
LC_HIDDEN void lc_tags_swap_vocab(llmcost_tags *a, llmcost_tags *b);

#endif /* LLMCOST_TAGS_H */
