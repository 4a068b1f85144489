/* The canonical-tag normaliser: every folding rule and their mixes,
 * untrusted bytes, vocabularies, unmapped policies and counts, the
 * closest canonical value, the JSON config with its error positions, and
 * lookups from many threads. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define FIX LLMCOST_FIXTURES "/tags/"

#define T LLMCOST_TAG_TEAM
#define F LLMCOST_TAG_FEATURE
#define E LLMCOST_TAG_ENVIRONMENT
#define U LLMCOST_TAG_USER

#define ALL LLMCOST_FOLD_DEFAULT
#define RULE_CASE LLMCOST_FOLD_CASE
#define RULE_TRIM LLMCOST_FOLD_TRIM
#define RULE_SEP LLMCOST_FOLD_SEPARATORS
#define RULE_CAMEL LLMCOST_FOLD_CAMEL
#define RULE_DIGITS LLMCOST_FOLD_DIGITS

static char folded[LLMCOST_TAG_STRLEN];
static unsigned report;

/* Folds len bytes of raw by flags; the key is left in folded[]. */
static const char *fold_n(unsigned flags, const char *raw, size_t len)
{
	int n = llmcost_tag_fold(flags, raw, len, folded, sizeof(folded),
				 &report);

	cr_assert_geq(n, 0, "%s", llmcost_last_error());
	cr_assert_eq((size_t)n, strlen(folded));
	return folded;
}

static const char *fold(unsigned flags, const char *raw)
{
	return fold_n(flags, raw, strlen(raw));
}

static llmcost_tags *fresh(void)
{
	llmcost_tags *t;

	cr_assert_eq(llmcost_tags_new(&t), LLMCOST_OK);
	return t;
}

static llmcost_tags *team_vocabulary(void)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_add(t, T, "team-a"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add(t, T, "team-b"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add(t, T, "Platform"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add_alias(t, T, "team-a", "ai-team-a"),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add_alias(t, T, "Team B", "search"),
		     LLMCOST_OK);
	return t;
}

static llmcost_tag look_n(llmcost_tags *t, int dim, const char *raw,
			  size_t len)
{
	llmcost_tag tag;

	llmcost_tag_init(&tag);
	cr_assert_eq(llmcost_tags_lookup(t, dim, raw, len, &tag), LLMCOST_OK,
		     "%s", llmcost_last_error());
	return tag;
}

static llmcost_tag look(llmcost_tags *t, int dim, const char *raw)
{
	return look_n(t, dim, raw, (size_t)-1);
}

static void expect(llmcost_tags *t, int dim, const char *raw,
		   uint32_t outcome, const char *value)
{
	llmcost_tag tag = look(t, dim, raw);

	cr_assert_eq(tag.outcome, outcome, "'%s': outcome %u", raw,
		     tag.outcome);
	cr_assert_str_eq(tag.value, value, "'%s'", raw);
}

static llmcost_money usd(const char *text)
{
	llmcost_money m;

	cr_assert_eq(llmcost_money_parse(text, (size_t)-1, &m), LLMCOST_OK);
	return m;
}

static void expect_money(llmcost_money m, const char *want)
{
	char buf[LLMCOST_MONEY_STRLEN];

	cr_assert_geq(llmcost_money_format(m, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, want);
}


/* ---- folding rules, one at a time -------------------------------------- */

Test(tags_fold, no_rules_keep_the_cleaned_text)
{
	cr_assert_str_eq(fold(0, "  Team_A.x "), "  Team_A.x ");
	cr_assert_eq(report, 0);
}

Test(tags_fold, case_lowers_ascii_and_latin1_capitals)
{
	cr_assert_str_eq(fold(RULE_CASE, "TeamA"), "teama");
	/* "ÉQUIPE ÆØ" -> "équipe æø"; U+00D7 (x sign) is not a letter. */
	cr_assert_str_eq(fold(RULE_CASE, "\xc3\x89QUIPE \xc3\x86\xc3\x98"),
			 "\xc3\xa9quipe \xc3\xa6\xc3\xb8");
	cr_assert_str_eq(fold(RULE_CASE, "A\xc3\x97" "B"), "a\xc3\x97" "b");
	/* Other scripts pass through: Greek capital alpha stays. */
	cr_assert_str_eq(fold(RULE_CASE, "\xce\x91X"), "\xce\x91x");
}

Test(tags_fold, trim_drops_surrounding_white_space_only)
{
	cr_assert_str_eq(fold(RULE_TRIM, "  Team  A  "), "Team  A");
	/* No-break space and ideographic space count as white space. */
	cr_assert_str_eq(fold(RULE_TRIM, "\xc2\xa0x\xe3\x80\x80"), "x");
	cr_assert_str_eq(fold(RULE_TRIM, "   "), "");
}

Test(tags_fold, separators_collapse_runs_to_one_dash)
{
	cr_assert_str_eq(fold(RULE_SEP, "team__a..b - c"), "team-a-b-c");
	cr_assert_str_eq(fold(RULE_SEP, "--_team.a_ "), "team-a");
	/* en dash and no-break space are separators too */
	cr_assert_str_eq(fold(RULE_SEP, "team\xe2\x80\x93" "a\xc2\xa0" "b"),
			 "team-a-b");
	cr_assert_str_eq(fold(RULE_SEP, " -_. "), "");
	cr_assert_str_eq(fold(RULE_SEP, "TeamA"), "TeamA");
}

Test(tags_fold, camel_splits_lower_upper_and_acronym_ends)
{
	cr_assert_str_eq(fold(RULE_CAMEL, "teamA"), "team-A");
	cr_assert_str_eq(fold(RULE_CAMEL, "HTTPServer"), "HTTP-Server");
	cr_assert_str_eq(fold(RULE_CAMEL, "AITeam"), "AI-Team");
	cr_assert_str_eq(fold(RULE_CAMEL, "iOS"), "i-OS");
	cr_assert_str_eq(fold(RULE_CAMEL, "TEAM"), "TEAM");
	cr_assert_str_eq(fold(RULE_CAMEL, "Team"), "Team");
	/* a separator already there: no second dash; digits are not a
	 * camel boundary */
	cr_assert_str_eq(fold(RULE_CAMEL, "team_A"), "team_A");
	cr_assert_str_eq(fold(RULE_CAMEL, "team2A"), "team2A");
	cr_assert_str_eq(fold(RULE_CAMEL, "\xc3\xa9quipeA"),
			 "\xc3\xa9quipe-A");
}

Test(tags_fold, digits_split_letters_from_digits)
{
	cr_assert_str_eq(fold(RULE_DIGITS, "team2"), "team-2");
	cr_assert_str_eq(fold(RULE_DIGITS, "2fa"), "2-fa");
	cr_assert_str_eq(fold(RULE_DIGITS, "v2beta10"), "v-2-beta-10");
	cr_assert_str_eq(fold(RULE_DIGITS, "2024"), "2024");
}


/* ---- folding rules together ------------------------------------------- */

Test(tags_fold, every_spelling_of_team_a_folds_the_same)
{
	static const char *const spellings[] = {
		"teamA", "TeamA", "Team A", "team_a", "team-a", "TEAM_A",
		"team.a", "  team  a  ", "Team--A", "team_A", "\tTeam A\n"
	};
	size_t i;

	for (i = 0; i < LC_ARRAY_LEN(spellings); i++)
		cr_assert_str_eq(fold(ALL, spellings[i]), "team-a", "'%s'",
				 spellings[i]);
	cr_assert_str_eq(fold(ALL, "ai-team-a"), "ai-team-a");
	cr_assert_str_eq(fold(ALL, "AITeamA"), "ai-team-a");
}

Test(tags_fold, acronyms_and_digits_under_all_rules)
{
	cr_assert_str_eq(fold(ALL, "AITeam"), "ai-team");
	cr_assert_str_eq(fold(ALL, "HTTPServer"), "http-server");
	cr_assert_str_eq(fold(ALL, "HTTPServer2"), "http-server-2");
	cr_assert_str_eq(fold(ALL, "team2"), "team-2");
	cr_assert_str_eq(fold(ALL, "Team 2"), "team-2");
	cr_assert_str_eq(fold(ALL, "team2A"), "team-2-a");
	cr_assert_str_eq(fold(ALL, "teama"), "teama");
}

Test(tags_fold, camel_without_separators_inserts_a_literal_dash)
{
	cr_assert_str_eq(fold(RULE_CAMEL | RULE_CASE, "teamA"), "team-a");
	cr_assert_str_eq(fold(RULE_CAMEL | RULE_CASE, "team_A"), "team_a");
	cr_assert_str_eq(fold(RULE_DIGITS | RULE_TRIM, " a1 "), "a-1");
}

Test(tags_fold, case_before_camel_would_lose_boundaries_but_does_not)
{
	/* boundaries are found on the text as written, then case folds */
	cr_assert_str_eq(fold(RULE_CASE | RULE_CAMEL | RULE_SEP, "fooBar"),
			 "foo-bar");
	cr_assert_str_eq(fold(RULE_CASE | RULE_SEP, "fooBar"), "foobar");
}

Test(tags_fold, folding_a_key_again_changes_nothing)
{
	static const char *const samples[] = {
		"teamA", "HTTPServer2", "  x__Y..z ", "a\xff" "B", "aBC",
		"\xc3\x89quipeA", "--", "A1b2C3", "team\xe2\x80\x8b" "A"
	};
	unsigned rules[] = { ALL, RULE_CAMEL, RULE_CAMEL | RULE_DIGITS,
			     RULE_CASE | RULE_SEP, RULE_TRIM | RULE_CAMEL };
	char once[LLMCOST_TAG_STRLEN];
	size_t i, r;

	for (r = 0; r < LC_ARRAY_LEN(rules); r++) {
		for (i = 0; i < LC_ARRAY_LEN(samples); i++) {
			strcpy(once, fold(rules[r], samples[i]));
			cr_assert_str_eq(fold(rules[r], once), once,
					 "rules 0x%x, '%s'", rules[r],
					 samples[i]);
		}
	}
}


/* ---- untrusted bytes ------------------------------------------------------ */

Test(tags_fold, invalid_utf8_bytes_become_replacement_characters)
{
	cr_assert_str_eq(fold(ALL, "team\xff" "a"), "team\xef\xbf\xbd" "a");
	cr_assert_eq(report, LLMCOST_TAG_BAD_UTF8);
	/* a cut sequence: each byte that starts no valid sequence */
	cr_assert_str_eq(fold(0, "x\xe2\x82"), "x\xef\xbf\xbd\xef\xbf\xbd");
	/* overlong '/' and a UTF-16 surrogate are invalid too */
	cr_assert_str_eq(fold(0, "\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
	cr_assert_str_eq(fold(0, "\xed\xa0\x80"),
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

Test(tags_fold, embedded_nul_and_controls_are_replaced_and_reported)
{
	cr_assert_str_eq(fold_n(ALL, "team\0a", 6), "team\xef\xbf\xbd" "a");
	cr_assert_eq(report, LLMCOST_TAG_NUL | LLMCOST_TAG_CONTROL);
	cr_assert_str_eq(fold(0, "a\x01" "b\x7f"),
			 "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	cr_assert_eq(report, LLMCOST_TAG_CONTROL);
	/* C1 control U+0085 (NEL) is white space; U+0090 is not */
	cr_assert_str_eq(fold(0, "a\xc2\x85" "b\xc2\x90"),
			 "a b\xef\xbf\xbd");
}

Test(tags_fold, white_space_controls_become_spaces)
{
	cr_assert_str_eq(fold(0, "a\tb\r\n"), "a b  ");
	cr_assert_eq(report, LLMCOST_TAG_CONTROL);
	cr_assert_str_eq(fold(ALL, "\tTeam\tA\r\n"), "team-a");
}

Test(tags_fold, invisible_format_characters_are_dropped)
{
	/* zero-width space, BOM, right-to-left override, soft hyphen */
	cr_assert_str_eq(fold(ALL, "\xef\xbb\xbfte\xe2\x80\x8b" "am"
				   "\xe2\x80\xae" "A\xc2\xad"), "team-a");
	cr_assert_eq(report, LLMCOST_TAG_CONTROL);
}

Test(tags_fold, long_values_are_cut_at_256_bytes)
{
	char raw[400];

	memset(raw, 'a', sizeof(raw));
	cr_assert_eq(strlen(fold_n(ALL, raw, 300)), 256);
	cr_assert_eq(report, LLMCOST_TAG_TOO_LONG);
	cr_assert_eq(strlen(fold_n(ALL, raw, 256)), 256);
	cr_assert_eq(report, 0);
	/* 255 'a' and a two-byte "é" that would end at byte 257: the
	 * character is left out whole, not split into invalid bytes */
	memcpy(raw + 255, "\xc3\xa9", 2);
	cr_assert_eq(strlen(fold_n(0, raw, 257)), 255);
	cr_assert_eq(report, LLMCOST_TAG_TOO_LONG);
}

Test(tags_fold, a_key_grown_by_boundaries_is_cut_without_a_trailing_dash)
{
	char raw[256];
	size_t i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = i % 2 ? '1' : 'a';
	/* "a-1-a-1...": 128 characters and 127 dashes = 255 bytes fit;
	 * the 129th character would need 2 more */
	fold_n(ALL, raw, sizeof(raw));
	cr_assert_eq(strlen(folded), 255);
	cr_assert_eq(folded[254], '1');
	cr_assert_eq(report, LLMCOST_TAG_TOO_LONG);
}

Test(tags_fold, a_cut_key_does_not_end_in_white_space_under_trim)
{
	char raw[101];

	/* 80 invalid bytes become 240 bytes of U+FFFD; 16 of the 20
	 * spaces would fill the key to 256 bytes, but the 'b' after them
	 * does not fit, and a key ending in spaces would fold again to a
	 * shorter one */
	memset(raw, 0xff, 80);
	memset(raw + 80, ' ', 20);
	raw[100] = 'b';
	cr_assert_eq(strlen(fold_n(RULE_TRIM, raw, sizeof(raw))), 240);
	cr_assert_eq(report, LLMCOST_TAG_BAD_UTF8 | LLMCOST_TAG_TOO_LONG);
	/* without the trim rule the spaces stay */
	cr_assert_eq(strlen(fold_n(0, raw, sizeof(raw))), 256);
}

Test(tags_fold, argument_errors)
{
	char small[4];

	cr_assert_eq(llmcost_tag_fold(0x100, "a", 1, folded, sizeof(folded),
				      NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tag_fold(ALL, NULL, 3, folded, sizeof(folded),
				      NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tag_fold(ALL, NULL, 0, folded, sizeof(folded),
				      NULL), 0);
	cr_assert_eq(llmcost_tag_fold(ALL, "Team A", 6, small, sizeof(small),
				      NULL), LLMCOST_E_RANGE);
	cr_assert_str_eq(small, "");
	cr_assert_eq(llmcost_tag_fold(ALL, "TeamA", 5, small, sizeof(small),
				      NULL), LLMCOST_E_RANGE);
	cr_assert_eq(llmcost_tag_fold(ALL, "abc", 3, small, sizeof(small),
				      NULL), 3);
}


/* ---- edit distance ---------------------------------------------------------- */

Test(tags_distance, counts_edits_after_folding)
{
	cr_assert_eq(llmcost_tag_distance(ALL, "Team A", 6, "team_a", 6), 0);
	cr_assert_eq(llmcost_tag_distance(ALL, "teamA", 5, "teem-a", 6), 1);
	cr_assert_eq(llmcost_tag_distance(0, "kitten", 6, "sitting", 7), 3);
	cr_assert_eq(llmcost_tag_distance(0, "abc", 3, "", 0), 3);
	/* a swap of neighbours is one edit; "ca" -> "abc" is still 3 */
	cr_assert_eq(llmcost_tag_distance(0, "taem", 4, "team", 4), 1);
	cr_assert_eq(llmcost_tag_distance(0, "ca", 2, "abc", 3), 3);
	/* characters, not bytes: "é" vs "e" is one substitution */
	cr_assert_eq(llmcost_tag_distance(0, "\xc3\xa9t\xc3\xa9", 5,
					  "ete", 3), 2);
	cr_assert_eq(llmcost_tag_distance(0, NULL, 0, "a", 1),
		     LLMCOST_E_INVALID);
}


/* ---- vocabulary ----------------------------------------------------------- */

Test(tags_vocab, canonical_values_and_aliases_match_every_spelling)
{
	llmcost_tags *t = team_vocabulary();
	llmcost_tag tag;

	expect(t, T, "team-a", LLMCOST_TAG_CANONICAL, "team-a");
	expect(t, T, "teamA", LLMCOST_TAG_CANONICAL, "team-a");
	expect(t, T, "Team A", LLMCOST_TAG_CANONICAL, "team-a");
	expect(t, T, "team_a", LLMCOST_TAG_CANONICAL, "team-a");
	expect(t, T, "ai-team-a", LLMCOST_TAG_ALIAS, "team-a");
	expect(t, T, "AI Team A", LLMCOST_TAG_ALIAS, "team-a");
	expect(t, T, "AITeamA", LLMCOST_TAG_ALIAS, "team-a");
	expect(t, T, "SEARCH", LLMCOST_TAG_ALIAS, "team-b");
	/* a canonical value comes back spelled as it was added */
	expect(t, T, "platform", LLMCOST_TAG_CANONICAL, "Platform");
	tag = look(t, T, "Team_B");
	cr_assert_eq(tag.canonical, 1);
	cr_assert_str_eq(tag.key, "team-b");
	cr_assert_eq(tag.dim, T);
	cr_assert_eq(tag.flags, 0);
	/* vocabularies are per dimension */
	expect(t, F, "team-a", LLMCOST_TAG_UNMAPPED, "team-a");
	cr_assert_eq(llmcost_tags_canonical_count(t, T), 3);
	cr_assert_str_eq(llmcost_tags_canonical(t, T, 2), "Platform");
	cr_assert_null(llmcost_tags_canonical(t, T, 3));
	cr_assert_null(llmcost_tags_canonical(t, 99, 0));
	llmcost_tags_free(t);
}

Test(tags_vocab, conflicts_are_refused_and_repeats_are_no_ops)
{
	llmcost_tags *t = team_vocabulary();

	/* an alias whose key another canonical value owns */
	cr_assert_eq(llmcost_tags_add_alias(t, T, "team-b", "Team A"),
		     LLMCOST_E_CONFLICT);
	cr_assert_str_eq(llmcost_last_error(),
			 "alias 'Team A' already belongs to 'team-a'");
	cr_assert_eq(llmcost_tags_add_alias(t, T, "team-b", "AI_Team_A"),
		     LLMCOST_E_CONFLICT);
	/* a canonical value whose key is an alias's */
	cr_assert_eq(llmcost_tags_add(t, T, "search"), LLMCOST_E_CONFLICT);
	cr_assert_str_eq(llmcost_last_error(),
			 "value 'search' is already an alias of 'team-b'");
	/* the same canonical value again in any spelling, or an alias that
	 * is already its key or already its alias: nothing changes, and
	 * the first spelling stays */
	cr_assert_eq(llmcost_tags_add(t, T, "team-a"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add(t, T, "TeamA"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add_alias(t, T, "team-a", "Team A"),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add_alias(t, T, "team-a", "aiTeamA"),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_tags_canonical_count(t, T), 3);
	cr_assert_eq(llmcost_tags_add_alias(t, T, "nobody", "x"),
		     LLMCOST_E_NOTFOUND);
	/* an alias is not a canonical value to hang aliases on */
	cr_assert_eq(llmcost_tags_add_alias(t, T, "search", "x"),
		     LLMCOST_E_NOTFOUND);
	expect(t, T, "team_a", LLMCOST_TAG_CANONICAL, "team-a");
	llmcost_tags_free(t);
}

Test(tags_vocab, bad_vocabulary_strings_are_refused)
{
	llmcost_tags *t = fresh();
	char longer[300];

	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	cr_assert_eq(llmcost_tags_add(t, T, "bad\xff"), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add(t, T, "tab\there"), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add(t, T, "zero\xe2\x80\x8bwidth"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add(t, T, "-_-"), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add(t, T, ""), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add(t, T, NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add(t, T, longer), LLMCOST_E_RANGE);
	cr_assert_eq(llmcost_tags_add(t, LLMCOST_TAG_DIM_COUNT, "x"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add(NULL, T, "x"), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_canonical_count(t, T), 0);
	llmcost_tags_free(t);
}

Test(tags_vocab, new_rules_fold_the_vocabulary_again)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_fold_flags(t, T), LLMCOST_FOLD_DEFAULT);
	cr_assert_eq(llmcost_tags_fold_flags(t, U), LLMCOST_FOLD_TRIM);
	cr_assert_eq(llmcost_tags_add(t, T, "TeamA"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_set_fold(t, T, RULE_CASE), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_fold_flags(t, T), RULE_CASE);
	expect(t, T, "TEAMA", LLMCOST_TAG_CANONICAL, "TeamA");
	expect(t, T, "team-a", LLMCOST_TAG_UNMAPPED, "team-a");
	llmcost_tags_free(t);
}

Test(tags_vocab, rules_that_would_merge_two_entries_are_refused)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_set_fold(t, T, RULE_CASE), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add(t, T, "team_a"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add(t, T, "team-a"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_set_fold(t, T, ALL), LLMCOST_E_CONFLICT);
	cr_assert_str_eq(llmcost_last_error(), "'team-a' and 'team_a' would "
			 "share the key 'team-a'");
	cr_assert_eq(llmcost_tags_fold_flags(t, T), RULE_CASE);
	cr_assert_eq(llmcost_tags_set_fold(t, T, 0x40), LLMCOST_E_INVALID);
	expect(t, T, "TEAM_A", LLMCOST_TAG_CANONICAL, "team_a");
	expect(t, T, "Team-A", LLMCOST_TAG_CANONICAL, "team-a");
	llmcost_tags_free(t);
}

Test(tags_vocab, rules_that_would_empty_a_key_are_refused)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_set_fold(t, T, 0), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add(t, T, "--"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_set_fold(t, T, RULE_SEP), LLMCOST_E_INVALID);
	cr_assert_str_eq(llmcost_last_error(),
			 "canonical value '--' folds to an empty key");
	cr_assert_eq(llmcost_tags_fold_flags(t, T), 0);
	expect(t, T, "--", LLMCOST_TAG_CANONICAL, "--");
	llmcost_tags_free(t);
}

Test(tags_vocab, an_alias_made_redundant_by_new_rules_is_harmless)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_set_fold(t, T, RULE_CASE), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add(t, T, "team-a"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_add_alias(t, T, "team-a", "Team_A"),
		     LLMCOST_OK);
	cr_assert_eq(llmcost_tags_set_fold(t, T, ALL), LLMCOST_OK);
	expect(t, T, "TEAM A", LLMCOST_TAG_CANONICAL, "team-a");
	llmcost_tags_free(t);
}

Test(tags_vocab, the_first_lookup_freezes_the_vocabulary)
{
	llmcost_tags *t = team_vocabulary();
	const char *cfg = "{\"version\": 1}";

	look(t, T, "x");
	cr_assert_eq(llmcost_tags_add(t, T, "team-c"), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_add_alias(t, T, "team-a", "a"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_set_fold(t, T, 0), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_set_limit(t, T, 1), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_set_empty(t, T, "x"), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_set_unmapped(t, T, 0, NULL),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_load_json(t, cfg, strlen(cfg)),
		     LLMCOST_E_INVALID);
	llmcost_tags_free(t);
}

Test(tags_vocab, names_of_dimensions_and_outcomes)
{
	cr_assert_str_eq(llmcost_tag_dim_name(LLMCOST_TAG_ENVIRONMENT),
			 "environment");
	cr_assert_str_eq(llmcost_tag_dim_name(LLMCOST_TAG_DIM_COUNT), "");
	cr_assert_str_eq(llmcost_tag_dim_name(-1), "");
	cr_assert_eq(llmcost_tag_dim_from_name("workflow"),
		     LLMCOST_TAG_WORKFLOW);
	cr_assert_eq(llmcost_tag_dim_from_name("Team"), LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_tag_dim_from_name(NULL), LLMCOST_E_NOTFOUND);
	cr_assert_str_eq(llmcost_tag_outcome_name(LLMCOST_TAG_ALIAS),
			 "alias");
	cr_assert_str_eq(llmcost_tag_outcome_name(5), "");
	llmcost_tags_free(NULL);
}


/* ---- unmapped policies and counts -------------------------------------- */

Test(tags_unmapped, folded_policy_keeps_the_key)
{
	llmcost_tags *t = team_vocabulary();
	llmcost_tag tag = look(t, T, "  Team Zeta ");

	cr_assert_eq(tag.outcome, LLMCOST_TAG_UNMAPPED);
	cr_assert_str_eq(tag.value, "team-zeta");
	cr_assert_eq(tag.canonical, -1);
	llmcost_tags_free(t);
}

Test(tags_unmapped, raw_policy_keeps_the_cleaned_text)
{
	llmcost_tags *t = team_vocabulary();

	cr_assert_eq(llmcost_tags_set_unmapped(t, T, LLMCOST_UNMAPPED_RAW,
					       NULL), LLMCOST_OK);
	expect(t, T, " Team Zeta ", LLMCOST_TAG_UNMAPPED, " Team Zeta ");
	expect(t, T, "Zeta\xff", LLMCOST_TAG_UNMAPPED, "Zeta\xef\xbf\xbd");
	expect(t, T, "team_a", LLMCOST_TAG_CANONICAL, "team-a");
	llmcost_tags_free(t);
}

Test(tags_unmapped, bucket_policy_names_the_bucket)
{
	llmcost_tags *t = team_vocabulary();

	cr_assert_eq(llmcost_tags_set_unmapped(t, T, LLMCOST_UNMAPPED_BUCKET,
					       NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_set_unmapped(t, T, LLMCOST_UNMAPPED_BUCKET,
					       ""), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_set_unmapped(t, T, 3, "x"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_set_unmapped(t, T, LLMCOST_UNMAPPED_BUCKET,
					       "unattributed"), LLMCOST_OK);
	expect(t, T, "Team Zeta", LLMCOST_TAG_UNMAPPED, "unattributed");
	expect(t, T, "teamA", LLMCOST_TAG_CANONICAL, "team-a");
	llmcost_tags_free(t);
}

Test(tags_unmapped, missing_and_empty_are_their_own_outcomes)
{
	llmcost_tags *t = team_vocabulary();
	llmcost_tag_count c;

	expect(t, T, NULL, LLMCOST_TAG_MISSING, "");
	expect(t, T, "", LLMCOST_TAG_EMPTY, "");
	expect(t, T, " _-. ", LLMCOST_TAG_EMPTY, "");
	llmcost_tag_count_init(&c);
	cr_assert_eq(llmcost_tags_total(t, T, LLMCOST_TAG_MISSING, &c),
		     LLMCOST_OK);
	cr_assert_eq(c.lookups, 1);
	cr_assert_eq(llmcost_tags_total(t, T, LLMCOST_TAG_EMPTY, &c),
		     LLMCOST_OK);
	cr_assert_eq(c.lookups, 2);
	cr_assert_eq(llmcost_tags_unmapped_count(t, T), 0);
	llmcost_tags_free(t);
}

Test(tags_unmapped, the_empty_label_is_configurable)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_set_empty(t, T, "no-team"), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_set_empty(t, F, "bad\x01"),
		     LLMCOST_E_INVALID);
	expect(t, T, NULL, LLMCOST_TAG_MISSING, "no-team");
	expect(t, T, "  ", LLMCOST_TAG_EMPTY, "no-team");
	expect(t, F, NULL, LLMCOST_TAG_MISSING, "");
	llmcost_tags_free(t);
}

Test(tags_unmapped, each_raw_value_is_counted_with_its_weights)
{
	llmcost_tags *t = team_vocabulary();
	llmcost_tag tag;
	llmcost_tag_count c;
	int i;

	llmcost_tag_init(&tag);
	for (i = 0; i < 3; i++)
		cr_assert_eq(llmcost_tags_lookup_weighted(t, T, "Team Zeta",
			(size_t)-1, 2, usd("1.5"), &tag), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_lookup_weighted(t, T, "team_zeta", 9, 1,
		     usd("0.000000000000000001"), &tag), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_lookup_weighted(t, T, "teamA", 5, 4,
		     usd("10"), &tag), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_unmapped_count(t, T), 2);
	llmcost_tag_count_init(&c);
	cr_assert_eq(llmcost_tags_unmapped(t, T, 0, &c), LLMCOST_OK);
	cr_assert_str_eq(c.raw, "Team Zeta");
	cr_assert_eq(c.raw_len, 9);
	cr_assert_str_eq(c.text, "Team Zeta");
	cr_assert_str_eq(c.key, "team-zeta");
	cr_assert_str_eq(c.value, "team-zeta");
	cr_assert_eq(c.lookups, 3);
	cr_assert_eq(c.requests, 6);
	expect_money(c.cost, "4.5");
	cr_assert_eq(llmcost_tags_unmapped(t, T, 1, &c), LLMCOST_OK);
	cr_assert_str_eq(c.raw, "team_zeta");
	cr_assert_eq(c.lookups, 1);
	expect_money(c.cost, "0.000000000000000001");
	cr_assert_eq(llmcost_tags_unmapped(t, T, 2, &c), LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_tags_total(t, T, LLMCOST_TAG_UNMAPPED, &c),
		     LLMCOST_OK);
	cr_assert_null(c.raw);
	cr_assert_eq(c.lookups, 4);
	cr_assert_eq(c.requests, 7);
	expect_money(c.cost, "4.500000000000000001");
	cr_assert_eq(llmcost_tags_total(t, T, LLMCOST_TAG_CANONICAL, &c),
		     LLMCOST_OK);
	cr_assert_eq(c.lookups, 1);
	cr_assert_eq(c.requests, 4);
	expect_money(c.cost, "10");
	llmcost_tags_free(t);
}

Test(tags_unmapped, negative_costs_and_carries_sum_exactly)
{
	llmcost_tags *t = fresh();
	llmcost_money big = { 0, UINT64_MAX }, minus = usd("-0.25");
	llmcost_tag tag;
	llmcost_tag_count c;
	char want[64];

	llmcost_tag_init(&tag);
	llmcost_tag_count_init(&c);
	cr_assert_eq(llmcost_tags_lookup_weighted(t, F, "x", 1, 1, big,
						  &tag), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_lookup_weighted(t, F, "x", 1, 1, big,
						  &tag), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_lookup_weighted(t, F, "x", 1, 1, minus,
						  &tag), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_unmapped(t, F, 0, &c), LLMCOST_OK);
	/* 2 * (2^64 - 1) - 0.25e18 units */
	cr_assert_geq(lc_i128_format_scaled((lc_i128)2 * UINT64_MAX -
					    250000000000000000LL, 18, want,
					    sizeof(want)), 0);
	expect_money(c.cost, want);
	cr_assert_eq(llmcost_tags_lookup_weighted(t, F, "x", 1, -1, big,
						  &tag), LLMCOST_E_NEGATIVE);
	llmcost_tags_free(t);
}

Test(tags_unmapped, raw_values_are_told_apart_by_every_byte)
{
	llmcost_tags *t = fresh();
	llmcost_tag_count c;

	look_n(t, T, "a\0b", 3);
	look_n(t, T, "a\0c", 3);
	look_n(t, T, "a\0b", 3);
	cr_assert_eq(llmcost_tags_unmapped_count(t, T), 2);
	llmcost_tag_count_init(&c);
	cr_assert_eq(llmcost_tags_unmapped(t, T, 0, &c), LLMCOST_OK);
	cr_assert_eq(c.raw_len, 3);
	cr_assert_eq(memcmp(c.raw, "a\0b", 4), 0);
	cr_assert_str_eq(c.text, "a\xef\xbf\xbd" "b");
	cr_assert_eq(c.lookups, 2);
	cr_assert_eq(c.flags, LLMCOST_TAG_NUL | LLMCOST_TAG_CONTROL);
	llmcost_tags_free(t);
}

Test(tags_unmapped, long_values_share_an_entry_by_their_first_256_bytes)
{
	llmcost_tags *t = fresh();
	llmcost_tag tag;
	llmcost_tag_count c;
	char raw[400];

	memset(raw, 'z', sizeof(raw));
	tag = look_n(t, T, raw, 256);
	cr_assert_eq(tag.flags, 0);
	tag = look_n(t, T, raw, 400);
	cr_assert_eq(tag.flags, LLMCOST_TAG_TOO_LONG);
	cr_assert_eq(strlen(tag.value), 256);
	cr_assert_eq(llmcost_tags_unmapped_count(t, T), 1);
	llmcost_tag_count_init(&c);
	cr_assert_eq(llmcost_tags_unmapped(t, T, 0, &c), LLMCOST_OK);
	cr_assert_eq(c.raw_len, 256);
	cr_assert_eq(c.lookups, 2);
	cr_assert_eq(c.flags, LLMCOST_TAG_TOO_LONG);
	llmcost_tags_free(t);
}

Test(tags_unmapped, past_the_limit_values_are_counted_together)
{
	llmcost_tags *t = team_vocabulary();
	llmcost_tag tag;
	llmcost_tag_count c;

	cr_assert_eq(llmcost_tags_set_limit(t, T, 3), LLMCOST_OK);
	look(t, T, "x1");
	look(t, T, "teamA");
	look(t, T, "x2");
	tag = look(t, T, "x3");
	cr_assert_eq(tag.flags, LLMCOST_TAG_UNTRACKED);
	cr_assert_str_eq(tag.value, "x-3");
	look(t, T, "x3");
	tag = look(t, T, "search");
	cr_assert_eq(tag.flags, LLMCOST_TAG_UNTRACKED);
	cr_assert_str_eq(tag.value, "team-b");
	tag = look(t, T, "x1");
	cr_assert_eq(tag.flags, 0);
	cr_assert_eq(llmcost_tags_unmapped_count(t, T), 2);
	llmcost_tag_count_init(&c);
	cr_assert_eq(llmcost_tags_untracked(t, T, &c), LLMCOST_OK);
	cr_assert_eq(c.lookups, 2);
	cr_assert_eq(c.flags, LLMCOST_TAG_UNTRACKED);
	cr_assert_eq(llmcost_tags_total(t, T, LLMCOST_TAG_UNMAPPED, &c),
		     LLMCOST_OK);
	cr_assert_eq(c.lookups, 5);
	llmcost_tags_free(t);
}

Test(tags_unmapped, lookup_argument_errors)
{
	llmcost_tags *t = fresh();
	llmcost_tag tag;
	llmcost_tag_count c;

	llmcost_tag_init(&tag);
	llmcost_tag_count_init(&c);
	cr_assert_eq(llmcost_tags_lookup(t, -1, "x", 1, &tag),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_lookup(t, T, "x", 1, NULL),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_lookup(NULL, T, "x", 1, &tag),
		     LLMCOST_E_INVALID);
	tag.struct_size = 8;
	cr_assert_eq(llmcost_tags_lookup(t, T, "x", 1, &tag), LLMCOST_E_SIZE);
	cr_assert_eq(llmcost_tags_total(t, T, LLMCOST_TAG_OUTCOME_COUNT, &c),
		     LLMCOST_E_INVALID);
	c.struct_size = 4;
	cr_assert_eq(llmcost_tags_total(t, T, 0, &c), LLMCOST_E_SIZE);
	cr_assert_eq(llmcost_tags_unmapped_count(NULL, T), 0);
	llmcost_tags_free(t);
}


/* ---- the closest canonical value --------------------------------------- */

Test(tags_closest, nearest_key_of_a_value_or_its_aliases)
{
	llmcost_tags *t = team_vocabulary();
	const char *name;
	size_t index;
	unsigned d;

	cr_assert_eq(llmcost_tags_closest(t, T, "teem_A", (size_t)-1, 2,
					  &index, &name, &d), LLMCOST_OK);
	cr_assert_str_eq(name, "team-a");
	cr_assert_eq(index, 0);
	cr_assert_eq(d, 1);
	/* through the alias "ai-team-a" */
	cr_assert_eq(llmcost_tags_closest(t, T, "aiTemA", (size_t)-1, 2,
					  NULL, &name, &d), LLMCOST_OK);
	cr_assert_str_eq(name, "team-a");
	cr_assert_eq(d, 1);
	/* "searhc" is one swap from the alias "search" of team-b */
	cr_assert_eq(llmcost_tags_closest(t, T, "searhc", 6, 1, &index, NULL,
					  &d), LLMCOST_OK);
	cr_assert_eq(index, 1);
	cr_assert_eq(d, 1);
	llmcost_tags_free(t);
}

Test(tags_closest, ties_go_to_the_lower_index_and_far_values_to_none)
{
	llmcost_tags *t = team_vocabulary();
	const char *name;
	unsigned d;

	cr_assert_eq(llmcost_tags_closest(t, T, "team-c", 6, 3, NULL, &name,
					  &d), LLMCOST_OK);
	cr_assert_str_eq(name, "team-a");
	cr_assert_eq(d, 1);
	cr_assert_eq(llmcost_tags_closest(t, T, "marketing", 9, 3, NULL,
					  &name, &d), LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_tags_closest(t, T, "TeamB", 5, 0, NULL, &name,
					  &d), LLMCOST_OK);
	cr_assert_str_eq(name, "team-b");
	cr_assert_eq(d, 0);
	cr_assert_eq(llmcost_tags_closest(t, F, "chat", 4, 9, NULL, &name,
					  &d), LLMCOST_E_NOTFOUND);
	cr_assert_eq(llmcost_tags_closest(t, T, NULL, 0, 9, NULL, &name, &d),
		     LLMCOST_E_INVALID);
	llmcost_tags_free(t);
}


/* ---- config -------------------------------------------------------------- */

static llmcost_tags *loaded(const char *file)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_load_file(t, file), LLMCOST_OK, "%s",
		     llmcost_last_error());
	return t;
}

Test(tags_config, the_documented_example_loads)
{
	llmcost_tags *t = loaded(FIX "example.json");

	cr_assert_eq(llmcost_tags_canonical_count(t, T), 3);
	cr_assert_eq(llmcost_tags_canonical_count(t, E), 3);
	cr_assert_eq(llmcost_tags_fold_flags(t, E),
		     RULE_CASE | RULE_TRIM | RULE_SEP);
	cr_assert_eq(llmcost_tags_fold_flags(t, F), ALL);
	expect(t, T, "AI Team A", LLMCOST_TAG_ALIAS, "team-a");
	expect(t, T, "TeamAlpha", LLMCOST_TAG_ALIAS, "team-a");
	expect(t, T, "Platform_Eng", LLMCOST_TAG_ALIAS, "platform");
	expect(t, T, "marketing", LLMCOST_TAG_UNMAPPED, "unattributed");
	expect(t, T, NULL, LLMCOST_TAG_MISSING, "no-team");
	expect(t, F, "CHAT_BOT", LLMCOST_TAG_UNMAPPED, "chat-bot");
	expect(t, F, "ChatBot", LLMCOST_TAG_UNMAPPED, "chat-bot");
	expect(t, F, "CHATBOT", LLMCOST_TAG_ALIAS, "chat");
	expect(t, F, "TL;DR", LLMCOST_TAG_UNMAPPED, "tl;dr");
	expect(t, E, "PROD", LLMCOST_TAG_ALIAS, "production");
	/* environment has no camel rule: "StagingEU" is unmapped */
	expect(t, E, "StagingEU", LLMCOST_TAG_UNMAPPED, "stagingeu");
	expect(t, U, " alice@example.com ", LLMCOST_TAG_UNMAPPED,
	       " alice@example.com ");
	llmcost_tags_free(t);
}

/* Loading file must fail with status and exactly this detail. */
static void expect_load_error(const char *file, int status,
			      const char *detail)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_load_file(t, file), status, "%s: %s", file,
		     llmcost_last_error());
	cr_assert_str_eq(llmcost_last_error(), detail);
	llmcost_tags_free(t);
}

Test(tags_config, errors_name_line_column_and_field)
{
	expect_load_error(FIX "bad_syntax.json", LLMCOST_E_PARSE,
			  "line 7, column 9: expected ',' or '}'");
	expect_load_error(FIX "bad_conflict.json", LLMCOST_E_CONFLICT,
			  "line 7, column 30: dimensions.team.values."
			  "team-b[1]: alias 'Team A' already belongs to "
			  "'team-a'");
	expect_load_error(FIX "bad_type.json", LLMCOST_E_TYPE,
			  "line 6, column 29: dimensions.feature.values."
			  "chat[1]: expected a string");
	expect_load_error(FIX "bad_version.json", LLMCOST_E_VERSION,
			  "line 2, column 14: version: version 2 is not "
			  "supported (this library reads version 1)");
	expect_load_error(FIX "bad_no_version.json", LLMCOST_E_MISSING,
			  "line 1, column 1: (top level): field 'version' "
			  "is missing (this library reads version 1)");
	expect_load_error(FIX "bad_dimension.json", LLMCOST_E_PARSE,
			  "line 5, column 14: dimensions.squad: unknown "
			  "dimension (dimensions: team, feature, "
			  "environment, tenant, workflow, user)");
	expect_load_error(FIX "bad_rule.json", LLMCOST_E_PARSE,
			  "line 5, column 24: dimensions.tenant.fold[1]: "
			  "unknown folding rule 'snake' (rules: case, trim, "
			  "separators, camel, digits)");
	expect_load_error(FIX "bad_bucket.json", LLMCOST_E_MISSING,
			  "line 4, column 17: dimensions.workflow: policy "
			  "'bucket' needs a field 'bucket'");
	expect_load_error(FIX "bad_utf8.json", LLMCOST_E_PARSE,
			  "line 5, column 25: invalid UTF-8 in string");
	expect_load_error(FIX "bad_field.json", LLMCOST_E_PARSE,
			  "line 5, column 16: dimensions.team.folds: unknown "
			  "field (a dimension has fold, unmapped, bucket, "
			  "empty, limit and values)");
}

static int load_text(llmcost_tags *t, const char *text)
{
	return llmcost_tags_load_json(t, text, strlen(text));
}

Test(tags_config, syntax_errors_in_text)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(load_text(t, ""), LLMCOST_E_PARSE);
	cr_assert_str_eq(llmcost_last_error(),
			 "line 1, column 1: unexpected end of input");
	cr_assert_eq(load_text(t, "{\"version\": 1} x"), LLMCOST_E_PARSE);
	cr_assert_str_eq(llmcost_last_error(), "line 1, column 16: "
			 "unexpected text after the JSON value");
	cr_assert_eq(load_text(t, "{\"version\": 1,\n \"a\\u0000\": 1}"),
		     LLMCOST_E_PARSE);
	cr_assert_str_eq(llmcost_last_error(), "line 2, column 4: "
			 "\\u0000 is not allowed in a string");
	cr_assert_eq(load_text(t, "[\"\\ud800\"]"), LLMCOST_E_PARSE);
	cr_assert_eq(load_text(t, "{\"version\": 01}"), LLMCOST_E_PARSE);
	cr_assert_eq(load_text(t, "[1,]"), LLMCOST_E_PARSE);
	cr_assert_eq(load_text(t, "[\"a\tb\"]"), LLMCOST_E_PARSE);
	cr_assert_eq(load_text(t, "[\"\\x\"]"), LLMCOST_E_PARSE);
	cr_assert_eq(load_text(t, "[tru]"), LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_tags_load_json(t, "{\"version\": 1}\0", 15),
		     LLMCOST_E_PARSE);
	cr_assert_eq(llmcost_tags_load_json(t, NULL, 2), LLMCOST_E_INVALID);
	llmcost_tags_free(t);
}

Test(tags_config, deep_nesting_is_refused_at_its_position)
{
	llmcost_tags *t = fresh();
	char text[200];

	memset(text, '[', 100);
	text[100] = '\0';
	cr_assert_eq(load_text(t, text), LLMCOST_E_PARSE);
	cr_assert_str_eq(llmcost_last_error(),
			 "line 1, column 65: nesting too deep");
	llmcost_tags_free(t);
}

Test(tags_config, field_errors_in_text)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(load_text(t, "[]"), LLMCOST_E_TYPE);
	cr_assert_str_eq(llmcost_last_error(), "line 1, column 1: (top "
			 "level): the config must be a JSON object");
	cr_assert_eq(load_text(t, "{\"version\": \"1\"}"), LLMCOST_E_TYPE);
	cr_assert_eq(load_text(t, "{\"version\": 1, \"x\": 2}"),
		     LLMCOST_E_PARSE);
	cr_assert_str_eq(llmcost_last_error(), "line 1, column 21: x: "
			 "unknown field (the top level has version and "
			 "dimensions)");
	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": []}"),
		     LLMCOST_E_TYPE);
	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": "
			       "{\"team\": {\"values\": {\"a\": \"b\"}}}}"),
		     LLMCOST_E_TYPE);
	cr_assert_str_eq(llmcost_last_error(), "line 1, column 56: "
			 "dimensions.team.values.a: expected an array");
	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": "
			       "{\"user\": {\"limit\": -1}}}"),
		     LLMCOST_E_RANGE);
	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": "
			       "{\"user\": {\"bucket\": \"x\", "
			       "\"unmapped\": \"raw\"}}}"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": "
			       "{\"user\": {\"unmapped\": \"drop\"}}}"),
		     LLMCOST_E_PARSE);
	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": "
			       "{\"team\": {\"values\": {\"--\": []}}}}"),
		     LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_canonical_count(t, T), 0);
	llmcost_tags_free(t);
}

Test(tags_config, settings_apply_before_values_whatever_their_order)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": {"
			       "\"tenant\": {\"values\": {\"Acme_Corp\": []},"
			       " \"fold\": [\"case\"], \"bucket\": \"other\","
			       " \"empty\": \"none\", \"limit\": 1e3}}}"),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(llmcost_tags_fold_flags(t, LLMCOST_TAG_TENANT),
		     RULE_CASE);
	expect(t, LLMCOST_TAG_TENANT, "ACME_CORP", LLMCOST_TAG_CANONICAL,
	       "Acme_Corp");
	expect(t, LLMCOST_TAG_TENANT, "acme-corp", LLMCOST_TAG_UNMAPPED,
	       "other");
	expect(t, LLMCOST_TAG_TENANT, "", LLMCOST_TAG_EMPTY, "none");
	llmcost_tags_free(t);
}

Test(tags_config, a_failed_load_changes_nothing)
{
	llmcost_tags *t = loaded(FIX "example.json");

	/* team-c is added before the conflict is found */
	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": {"
			       "\"team\": {\"values\": {\"team-c\": [],"
			       " \"team-d\": [\"infra\"]}}}}"),
		     LLMCOST_E_CONFLICT);
	cr_assert_str_eq(llmcost_last_error(), "line 1, column 76: "
			 "dimensions.team.values.team-d[0]: alias 'infra' "
			 "already belongs to 'platform'");
	cr_assert_eq(llmcost_tags_canonical_count(t, T), 3);
	expect(t, T, "team-c", LLMCOST_TAG_UNMAPPED, "unattributed");
	llmcost_tags_free(t);
}

Test(tags_config, loads_add_to_what_is_there)
{
	llmcost_tags *t = loaded(FIX "example.json");

	cr_assert_eq(load_text(t, "{\"version\": 1, \"dimensions\": {"
			       "\"team\": {\"values\": {\"Team_A\": "
			       "[\"alpha\"], \"team-c\": []}}}}"),
		     LLMCOST_OK, "%s", llmcost_last_error());
	cr_assert_eq(llmcost_tags_canonical_count(t, T), 4);
	expect(t, T, "alpha", LLMCOST_TAG_ALIAS, "team-a");
	expect(t, T, "TeamC", LLMCOST_TAG_CANONICAL, "team-c");
	expect(t, T, "ai_team_a", LLMCOST_TAG_ALIAS, "team-a");
	llmcost_tags_free(t);
}

Test(tags_config, file_errors)
{
	llmcost_tags *t = fresh();

	cr_assert_eq(llmcost_tags_load_file(t, FIX "no_such_file.json"),
		     LLMCOST_E_IO);
	cr_assert_eq(llmcost_tags_load_file(t, NULL), LLMCOST_E_INVALID);
	cr_assert_eq(llmcost_tags_load_file(NULL, FIX "example.json"),
		     LLMCOST_E_INVALID);
	llmcost_tags_free(t);
}


/* ---- many threads ------------------------------------------------------- */

#define THREADS 8
#define ROUNDS 400

struct sample {
	const char *raw;
	size_t len;
};

static char long_raw[300];

/* Raw values of every kind: canonical, alias, unmapped, empty, missing,
 * invalid bytes, NULs and a value past the maximum. */
static const struct sample samples[] = {
	{ "teamA", 5 }, { "Team A", 6 }, { "ai-team-a", 9 },
	{ "SEARCH", 6 }, { "platform", 8 }, { "Team Zeta", 9 },
	{ "team_zeta", 9 }, { "x\xff", 2 }, { "", 0 }, { "  ", 2 },
	{ NULL, 0 }, { "a\0b", 3 }, { "HTTPServer2", 11 },
	{ "zeta", 4 }, { "Zeta", 4 }, { "teamA", 5 }, { "gamma", 5 },
	{ long_raw, sizeof(long_raw) }, { "\xef\xbb\xbf" "teamB", 8 },
	{ "omega\r\n", 7 }, { "teamb", 5 }, { "w1", 2 }, { "w2", 2 },
};

#define NSAMPLES LC_ARRAY_LEN(samples)

/* A weight whose low word wraps often, to exercise the carry. */
static const llmcost_money heavy = { 0, 0xf000000000000001ULL };

struct worker {
	pthread_t thread;
	llmcost_tags *t;
	const llmcost_tag *want;
	unsigned id;
	unsigned mismatches;
};

static int same_tag(const llmcost_tag *a, const llmcost_tag *b)
{
	uint32_t mask = ~LLMCOST_TAG_UNTRACKED;

	return a->outcome == b->outcome && a->canonical == b->canonical &&
	       (a->flags & mask) == (b->flags & mask) &&
	       strcmp(a->value, b->value) == 0 && strcmp(a->key, b->key) == 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	llmcost_tag tag;
	size_t round, k;

	llmcost_tag_init(&tag);
	for (round = 0; round < ROUNDS; round++) {
		for (k = 0; k < NSAMPLES; k++) {
			size_t i = (k + w->id * 5 + round) % NSAMPLES;

			if (llmcost_tags_lookup_weighted(w->t, T,
					samples[i].raw, samples[i].len, 1,
					heavy, &tag) != LLMCOST_OK ||
			    !same_tag(&tag, &w->want[i]))
				w->mismatches++;
		}
	}
	return NULL;
}

static void serial_results(llmcost_tag *want)
{
	llmcost_tags *s = team_vocabulary();
	size_t i;

	for (i = 0; i < NSAMPLES; i++)
		want[i] = look_n(s, T, samples[i].raw, samples[i].len);
	llmcost_tags_free(s);
}

static void run_workers(llmcost_tags *t, const llmcost_tag *want)
{
	struct worker w[THREADS];
	unsigned i;

	for (i = 0; i < THREADS; i++) {
		w[i].t = t;
		w[i].want = want;
		w[i].id = i;
		w[i].mismatches = 0;
		cr_assert_eq(pthread_create(&w[i].thread, NULL, work, &w[i]),
			     0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		cr_expect_eq(w[i].mismatches, 0, "thread %u: %u mismatches",
			     i, w[i].mismatches);
	}
}

/* Lookups per outcome that THREADS * ROUNDS passes over samples make. */
static void expected_totals(const llmcost_tag *want, int64_t *per)
{
	size_t i;

	memset(per, 0, sizeof(int64_t) * LLMCOST_TAG_OUTCOME_COUNT);
	for (i = 0; i < NSAMPLES; i++)
		per[want[i].outcome] += (int64_t)THREADS * ROUNDS;
}

static void check_totals(llmcost_tags *t, const llmcost_tag *want)
{
	int64_t per[LLMCOST_TAG_OUTCOME_COUNT];
	llmcost_tag_count c;
	lc_i128 sum = 0, each = lc_money_to_i128(heavy);
	int o;

	expected_totals(want, per);
	llmcost_tag_count_init(&c);
	for (o = 0; o < LLMCOST_TAG_OUTCOME_COUNT; o++) {
		cr_assert_eq(llmcost_tags_total(t, T, o, &c), LLMCOST_OK);
		cr_assert_eq(c.lookups, per[o], "outcome %d", o);
		cr_assert_eq(c.requests, per[o]);
		cr_assert(lc_money_to_i128(c.cost) == each * per[o]);
		sum += lc_money_to_i128(c.cost);
	}
	cr_assert(sum == each * (lc_i128)(THREADS * ROUNDS * NSAMPLES));
}

static void fill_long_raw(void)
{
	memset(long_raw, 'L', sizeof(long_raw));
}

Test(tags_threads, lookups_from_many_threads_match_serial_results)
{
	llmcost_tag want[NSAMPLES];
	llmcost_tags *t = team_vocabulary();
	llmcost_tag_count c;
	size_t i, n;

	fill_long_raw();
	serial_results(want);
	run_workers(t, want);
	check_totals(t, want);
	/* "Team Zeta", "team_zeta", "x\xff", "a\0b", "HTTPServer2",
	 * "zeta", "Zeta", "gamma", the long one, "omega\r\n", "teamb"
	 * (no boundary to split: not team-b), "w1", "w2" */
	n = llmcost_tags_unmapped_count(t, T);
	cr_assert_eq(n, 13);
	llmcost_tag_count_init(&c);
	for (i = 0; i < n; i++) {
		cr_assert_eq(llmcost_tags_unmapped(t, T, i, &c), LLMCOST_OK);
		cr_assert_eq(c.lookups, THREADS * ROUNDS, "'%s'", c.text);
	}
	llmcost_tags_free(t);
}

Test(tags_threads, past_the_limit_results_match_and_counts_add_up)
{
	llmcost_tag want[NSAMPLES];
	llmcost_tags *t = team_vocabulary();
	llmcost_tag_count c, all;
	int64_t tracked = 0;
	size_t i, n;

	fill_long_raw();
	serial_results(want);
	cr_assert_eq(llmcost_tags_set_limit(t, T, 6), LLMCOST_OK);
	run_workers(t, want);
	check_totals(t, want);
	n = llmcost_tags_unmapped_count(t, T);
	cr_assert_leq(n, 6);
	llmcost_tag_count_init(&c);
	llmcost_tag_count_init(&all);
	for (i = 0; i < n; i++) {
		cr_assert_eq(llmcost_tags_unmapped(t, T, i, &c), LLMCOST_OK);
		tracked += c.lookups;
	}
	cr_assert_eq(llmcost_tags_untracked(t, T, &c), LLMCOST_OK);
	cr_assert_eq(llmcost_tags_total(t, T, LLMCOST_TAG_UNMAPPED, &all),
		     LLMCOST_OK);
	cr_assert_eq(tracked + c.lookups, all.lookups);
	cr_assert_gt(c.lookups, 0);
	llmcost_tags_free(t);
}


/* ---- no allocation for values seen before ------------------------------ */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_MALLOC_HOOK 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NO_MALLOC_HOOK 1
#endif
#endif

#ifndef NO_MALLOC_HOOK
/* This program's malloc, calloc and realloc count the calls the test's
 * own thread makes while counting is set, and hand on to glibc. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static _Thread_local int counting;
static _Thread_local long allocations;

void *malloc(size_t size)
{
	allocations += counting;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	allocations += counting;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	allocations += counting;
	return __libc_realloc(p, size);
}
#endif

Test(tags_threads, lookups_of_values_seen_before_do_not_allocate)
{
#ifdef NO_MALLOC_HOOK
	cr_skip_test("malloc cannot be counted under a sanitizer");
#else
	llmcost_tags *t = team_vocabulary();
	llmcost_tag tag;
	size_t round, i;

	fill_long_raw();
	llmcost_tag_init(&tag);
	for (i = 0; i < NSAMPLES; i++)
		look_n(t, T, samples[i].raw, samples[i].len);
	counting = 1;
	allocations = 0;
	for (round = 0; round < 100; round++) {
		for (i = 0; i < NSAMPLES; i++)
			llmcost_tags_lookup_weighted(t, T, samples[i].raw,
						     samples[i].len, 1, heavy,
						     &tag);
	}
	counting = 0;
	cr_assert_eq(allocations, 0);
	/* the counter works: a new value does allocate */
	counting = 1;
	llmcost_tags_lookup(t, T, "never seen", 10, &tag);
	counting = 0;
	cr_assert_gt(allocations, 0);
	llmcost_tags_free(t);
#endif
}
