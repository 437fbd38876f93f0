/* test_rule_prefilter - widening rewrites and the one-pass candidate scan */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rule_prefilter.h"
#include "strbuf.h"

#define NA "\\x{80}-\\x{10FFFF}"

/* rule_prefilter_widen_table - each rewrite, and what must keep Unicode properties */
static void
rule_prefilter_widen_table(void **state)
{
	static const struct {
		const char *in, *out;	/* out NULL: -1 expected */
	} rows[] = {
		{ "invoice", "invoice" },
		{ "\\binvoice\\b", "\\binvoice" },	/* \b before an ASCII letter stays */
		{ "\\b(?:iva|tax(?:es)?|(vat))", "\\b(?:iva|tax(?:es)?|(vat))" },
		{ "\\bkunde", "kunde" },		/* caseless k is also the Kelvin sign */
		{ "\\b(?:iva|é)", "(?:iva|é)" },	/* a non-ASCII alternative */
		{ "\\b(?:iva|)", "(?:iva|)" },	/* an empty alternative */
		{ "\\b(?:iva)?x", "\\b(?:iva)?x" },	/* optional, then an ASCII letter */
		{ "\\b(?:iva)?", "(?:iva)?" },		/* then nothing */
		{ "\\b(?:iva)?é", "(?:iva)?é" },
		{ "\\ba{0,3}?(?:b|c)", "\\ba*?(?:b|c)" },
		{ "\\ba*\\.", "a*\\." },
		{ "\\b[a-z]", "[a-z]" },		/* classes are not followed */
		{ "(?!\\bfoo)bar", "(?!foo)bar" },	/* nothing kept in a lookaround */
		{ "(?=a)\\bbar", "(?=a)\\bbar" },	/* after one, again */
		{ "(?x)\\b a", "(?x) a" },		/* extended syntax: not read */
		{ "\\Binvoice", "invoice" },
		{ "zahlung\\w*", "zahlung[\\w" NA "]*" },
		{ "\\d+ EUR", "[\\d" NA "]+ EUR" },
		{ "a\\sb", "a[\\s" NA "]b" },
		{ "[\\w.-]+@", "[\\w" NA ".-]+@" },
		{ "[\\b]", "[\\b]" },			/* backspace inside a class stays */
		{ "[]\\b]x", "[]\\b]x" },		/* ']' first is a literal */
		{ "\\W\\D\\S", "\\W\\D\\S" },		/* already wide in ASCII mode */
		{ "\\x{8acb}\\.\\(", "\\x{8acb}\\.\\(" },
		{ "請求書|帳單", "請求書|帳單" },
		{ "[^\\w]", NULL },			/* would narrow */
		{ "[[:alpha:]]", NULL },
		{ "\\p{Han}", NULL },
		{ "\\Qa.b\\E", NULL },
		{ "\\h", NULL },
		{ "[abc", NULL },			/* unterminated class */
		/* Bounded repeats lose their upper bound: a superset, and cheap to scan. */
		{ "a[^.]{0,60}?b", "a[^.]*?b" },
		{ "a.{1,20}b", "a.+b" },
		{ "x{2,5}", "x{2,}" },
		{ "x{3}y{2,}z{,4}", "x{3}y{2,}z{,4}" },	/* exact, open and not a repeat */
		{ "x{0,4}+y", "x{0,4}+y" },		/* possessive: the bound stays */
		{ "[a{0,4}]", "[a{0,4}]" },		/* in a class: literal */
		{ "a(?!.{0,20}cert).{0,5}", "a(?!.{0,20}cert).*" },	/* not in a lookaround */
		{ "a\\{0,4}", "a\\{0,4}" },		/* an escaped brace: literal */
		{ "a\\\\{0,4}", "a\\\\*" },		/* after an escaped backslash */
	};
	struct strbuf out = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = rule_prefilter_widen(rows[i].in, 0, &out);

		if (rows[i].out == NULL)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_string_equal(out.data, rows[i].out);
		}
	}
	/* Groups nested deeper than followed: from there on, nothing is kept or unbounded. */
	{
		char deep[256] = "";
		int d;

		for (d = 0; d < 70; d++)
			strcat(deep, "(");
		strcat(deep, "\\bfoo.{0,3}");
		for (d = 0; d < 70; d++)
			strcat(deep, ")");
		assert_int_equal(rule_prefilter_widen(deep, 1, &out), 0);
		assert_non_null(strstr(out.data, "(foo.{0,3})"));
	}
	/* Folded text holds no Kelvin sign nor long s: \b stays before k and s. */
	assert_int_equal(rule_prefilter_widen("\\bkunde|\\b(?:se|ks)", 1, &out), 0);
	assert_string_equal(out.data, "\\bkunde|\\b(?:se|ks)");
	/* Folded text has only ASCII white space: \s stays as it is. */
	assert_int_equal(rule_prefilter_widen("unable\\s+to(?:\\s+)?charge", 1, &out), 0);
	assert_string_equal(out.data, "unable\\s+to(?:\\s+)?charge");
	assert_int_equal(rule_prefilter_widen("[^\\s]\\w", 1, &out), 0);
	assert_string_equal(out.data, "[^\\s][\\w" NA "]");
	strbuf_release(&out);
}

/* rule_prefilter_scan_candidates - widened patterns still find Unicode words and cases */
static void
rule_prefilter_scan_candidates(void **state)
{
	static const char *const patterns[] = {
		"\\bzahlung\\w*\\s+überfällig\\b",
		"\\b請求書",
		"\\binvoice\\b",
		"[^\\w]outage",
	};
	static const int caseless[] = { 1, 1, 1, 1 };
	static const unsigned ids[] = { 0, 1, 2, 3 };
	static const char text[] = "Die ZAHLUNGSÄNDERUNG  ÜBERFÄLLIG; 您的請求書; -outage";
	unsigned char always[4] = { 0 }, cand[4] = { 0 };
	struct rule_prefilter_scratch *ps = rule_prefilter_scratch_new();
	struct rule_prefilter *pf;
	const char *error = NULL;

	(void)state;
	pf = rule_prefilter_new(patterns, caseless, ids, 4, 0, always, &error);
	assert_non_null(pf);
	assert_int_equal(rule_prefilter_scan(pf, ps, text, strlen(text), cand, 1), 0);
	assert_int_equal(cand[0], 1);	/* \w over Ä, caseless over Ü */
	assert_int_equal(cand[1], 1);
	assert_int_equal(cand[2], 0);	/* a real "no": not in the text */
	assert_int_equal(cand[3] | always[3], 1);	/* UCP or always-run, never missed */
	rule_prefilter_free(&pf);
	rule_prefilter_scratch_free(&ps);
}

/* rule_prefilter_scan_boundary - a kept \b drops a word inside another, never a real match */
static void
rule_prefilter_scan_boundary(void **state)
{
	static const char *const patterns[] = { "\\b(?:iva|impag[ao]s?|(?:nuevo )?cargo)\\b" };
	static const int caseless[] = { 1 };
	static const unsigned ids[] = { 0 };
	static const struct {
		const char *text;
		int cand;
	} rows[] = {
		{ "private derivative", 0 },		/* inside ASCII words */
		{ "el IVA incluido", 1 },
		{ "(iva)", 1 },
		{ "—iva", 1 },				/* after a non-word character outside ASCII */
		{ "ñiva", 1 },				/* no Unicode boundary: may be a candidate */
		{ "IVAñ", 1 },				/* the trailing \b is not kept */
		{ "facturas impagas", 1 },
		{ "descargos", 0 },
		{ "un nuevo cargo", 1 },
	};
	unsigned char always[1] = { 0 }, cand[1];
	struct rule_prefilter_scratch *ps = rule_prefilter_scratch_new();
	struct rule_prefilter *pf;
	const char *error = NULL;
	size_t i;

	(void)state;
	pf = rule_prefilter_new(patterns, caseless, ids, 1, 1, always, &error);
	assert_non_null(pf);
	assert_int_equal(always[0], 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cand[0] = 0;
		assert_int_equal(rule_prefilter_scan(pf, ps, rows[i].text, strlen(rows[i].text), cand,
		    2), 0);
		if (cand[0] != (rows[i].cand ? 2 : 0))
			fail_msg("\"%s\": candidate mark %d, want %d", rows[i].text, cand[0],
			    rows[i].cand ? 2 : 0);
	}
	rule_prefilter_free(&pf);
	rule_prefilter_scratch_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_prefilter_widen_table),
		cmocka_unit_test(rule_prefilter_scan_candidates),
		cmocka_unit_test(rule_prefilter_scan_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
