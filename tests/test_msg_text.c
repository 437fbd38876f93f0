/* test_msg_text - unit tests for the decoded message text */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "msg_text.h"
#include "unit.h"

#define FFFD "\xef\xbf\xbd"

/* body_run - one whole run of body text */
static void
body_run(struct msg_text *mt, int hidden, const char *text)
{
	msg_text_body_begin(mt, hidden);
	msg_text_body_append(mt, text, strlen(text));
	msg_text_body_end(mt);
}

/* expect_body - the body text is exactly want */
static void
expect_body(const struct msg_text *mt, const char *row, const char *want)
{
	size_t len;
	const char *s = msg_text_body(mt, &len);

	unit_expect_mem(row, s, len, want);
}

/* expect_hidden - the hidden text is exactly want */
static void
expect_hidden(const struct msg_text *mt, const char *row, const char *want)
{
	size_t len;
	const char *s = msg_text_hidden(mt, &len);

	unit_expect_mem(row, s, len, want);
}

/* msg_text_add_header_find - headers are kept in order, normalised, and found case-insensitively */
static void
msg_text_add_header_find(void **state)
{
	static const struct {
		const char *lookup;
		const char *want;	/* NULL: not found */
	} finds[] = {
		/* Values are folded like the body (text_norm): lower case. */
		{ "Subject", "your invoice" },
		{ "subject", "your invoice" },
		{ "SUBJECT", "your invoice" },
		{ "from", "billing <billing@vendor.example>" },
		{ "X-Tag", "first" },
		{ "X-Missing", NULL },
		{ "Subjec", NULL },
	};
	struct msg_text *mt = msg_text_new(4096, 1);
	const char *v;
	size_t i, len;

	assert_non_null(mt);
	msg_text_add_header(mt, "Subject", "Your  in\xe2\x80\x8bvoice", 16);
	msg_text_add_header(mt, "From", "Billing <billing@vendor.example>", 32);
	msg_text_add_header(mt, "X-Tag", "first", 5);
	msg_text_add_header(mt, "x-tag", "second", 6);
	assert_int_equal(msg_text_header_count(mt), 4);
	assert_string_equal(msg_text_header_name(mt, 0), "Subject");
	assert_string_equal(msg_text_header_name(mt, 3), "x-tag");
	v = msg_text_header_value(mt, 3, &len);
	unit_expect_mem("value 3", v, len, "second");
	for (i = 0; i < UNIT_NELEM(finds); i++) {
		v = msg_text_header_find(mt, finds[i].lookup, &len);
		if (finds[i].want == NULL) {
			if (v != NULL)
				fail_msg("%s: found \"%.*s\"", finds[i].lookup, (int)len, v);
			continue;
		}
		if (v == NULL)
			fail_msg("%s: not found", finds[i].lookup);
		unit_expect_mem(finds[i].lookup, v, len, finds[i].want);
	}
	msg_text_free(&mt);
	assert_null(mt);
}

/* msg_text_add_header_binary - a header value with NUL and invalid UTF-8 is repaired */
static void
msg_text_add_header_binary(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 1);
	const char *v;
	size_t len;

	msg_text_add_header(mt, "Subject", "a\0b\xff", 4);
	v = msg_text_header_find(mt, "subject", &len);
	assert_non_null(v);
	unit_expect_mem("repaired", v, len, "a b" FFFD);
	msg_text_free(&mt);
}

/* msg_text_body_runs - runs are separated by one newline so that words of two parts never join */
static void
msg_text_body_runs(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 1);

	expect_body(mt, "empty", "");
	body_run(mt, 0, "first part");
	body_run(mt, 0, "second part\n");
	body_run(mt, 0, "third");
	expect_body(mt, "three runs", "first part\nsecond part\nthird");
	expect_hidden(mt, "nothing hidden", "");
	msg_text_free(&mt);
}

/* msg_text_body_hidden - hidden runs go to the hidden text only */
static void
msg_text_body_hidden(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 1);

	body_run(mt, 0, "visible");
	body_run(mt, 1, "secret  invoice");
	body_run(mt, 0, "more");
	body_run(mt, 1, "second secret");
	expect_body(mt, "body", "visible\nmore");
	expect_hidden(mt, "hidden", "secret invoice\nsecond secret");
	msg_text_free(&mt);
}

/* msg_text_hidden_inline - hidden text inside a word leaves the visible word whole */
static void
msg_text_hidden_inline(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 1);

	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, "Your inv", 8);
	msg_text_hidden_append(mt, "z", 1);
	msg_text_hidden_append(mt, "z", 1);
	msg_text_body_append(mt, "oice is ", 8);
	msg_text_hidden_append(mt, "outage", 6);
	msg_text_body_append(mt, "ready", 5);
	msg_text_body_end(mt);
	expect_body(mt, "body", "your invoice is ready");	/* folded */
	/* Fragments apart in the visible text stay apart in the hidden text. */
	expect_hidden(mt, "hidden", "zz\noutage");
	msg_text_free(&mt);
}

/* msg_text_hide_from_moves - an alternative not displayed moves to the hidden text */
static void
msg_text_hide_from_moves(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 1);
	size_t mark;

	body_run(mt, 0, "first part");
	mark = msg_text_body_mark(mt);
	body_run(mt, 0, "plain twin with outage words");
	msg_text_hide_from(mt, mark);
	body_run(mt, 0, "html shown");
	expect_body(mt, "body", "first part\nhtml shown");
	expect_hidden(mt, "hidden", "\nplain twin with outage words");
	/* A mark at the end moves nothing. */
	msg_text_hide_from(mt, msg_text_body_mark(mt));
	expect_body(mt, "body unchanged", "first part\nhtml shown");
	msg_text_free(&mt);
}

/* msg_text_body_append_chunks - a character split across appends is joined, not replaced */
static void
msg_text_body_append_chunks(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 1);
	const char *text = "R\xc3\xbc" "ckerstattung \xd0\xb6\xe4\xb8\xad";
	size_t i;

	msg_text_body_begin(mt, 0);
	for (i = 0; i < strlen(text); i++)
		msg_text_body_append(mt, text + i, 1);
	msg_text_body_end(mt);
	/* Folded: lower case, the umlaut's mark dropped; Cyrillic and CJK kept. */
	expect_body(mt, "bytewise", "ruckerstattung \xd0\xb6\xe4\xb8\xad");
	msg_text_free(&mt);
}

/* msg_text_body_end_flushes - a character cut off at the end of a run becomes U+FFFD */
static void
msg_text_body_end_flushes(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 1);

	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, "ab\xe4\xb8", 4);
	msg_text_body_end(mt);
	body_run(mt, 0, "cd");
	expect_body(mt, "flushed", "ab" FFFD "\ncd");
	msg_text_free(&mt);
}

/* msg_text_body_append_cap - the cap truncates on a UTF-8 boundary and marks the text truncated */
static void
msg_text_body_append_cap(void **state)
{
	static const struct {
		const char *name;
		size_t cap;
		const char *text;
		const char *want;
		int truncated;
	} cases[] = {
		{ "under the cap", 1024, "short text", "short text", 0 },
		{ "exactly the cap", 10, "0123456789", "0123456789", 0 },
		{ "ascii cut", 5, "0123456789", "01234", MSG_TEXT_TRUNCATED },
		/* "aж中" is 1 + 2 + 3 bytes: a cap inside a character keeps it whole out. */
		{ "cut inside 2-byte", 2, "a\xd0\xb6\xe4\xb8\xad", "a", MSG_TEXT_TRUNCATED },
		{ "cut after 2-byte", 3, "a\xd0\xb6\xe4\xb8\xad", "a\xd0\xb6", MSG_TEXT_TRUNCATED },
		{ "cut inside 3-byte (1)", 4, "a\xd0\xb6\xe4\xb8\xad", "a\xd0\xb6", MSG_TEXT_TRUNCATED },
		{ "cut inside 3-byte (2)", 5, "a\xd0\xb6\xe4\xb8\xad", "a\xd0\xb6", MSG_TEXT_TRUNCATED },
		{ "no cut needed", 6, "a\xd0\xb6\xe4\xb8\xad", "a\xd0\xb6\xe4\xb8\xad", 0 },
		/* Input goes in pieces of the room left: white space that folds away lets the rest in. */
		{ "collapsed white space is not cut", 6, "a          b          c", "a b c", 0 },
		{ "cut after collapsed white space", 4, "a          b          c", "a b ", MSG_TEXT_TRUNCATED },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct msg_text *mt = msg_text_new(cases[i].cap, 1);

		body_run(mt, 0, cases[i].text);
		expect_body(mt, cases[i].name, cases[i].want);
		unit_expect_int(cases[i].name, msg_text_flags(mt) & MSG_TEXT_TRUNCATED,
		    cases[i].truncated);
		msg_text_free(&mt);
	}
}

/* msg_text_body_append_cap_later - text after the cap is dropped and msg_text_full says so */
static void
msg_text_body_append_cap_later(void **state)
{
	struct msg_text *mt = msg_text_new(8, 1);
	size_t len;

	assert_int_equal(msg_text_full(mt), 0);
	body_run(mt, 0, "abcd");
	assert_int_equal(msg_text_full(mt), 0);
	assert_int_equal(msg_text_flags(mt) & MSG_TEXT_TRUNCATED, 0);
	body_run(mt, 1, "efghijkl");
	assert_int_equal(msg_text_full(mt), 1);
	assert_true(msg_text_flags(mt) & MSG_TEXT_TRUNCATED);
	msg_text_body(mt, &len);
	(void)msg_text_hidden(mt, &len);
	body_run(mt, 0, "more");
	msg_text_body(mt, &len);
	{
		size_t hlen;

		msg_text_hidden(mt, &hlen);
		if (len + hlen > 8)
			fail_msg("body %zu + hidden %zu bytes exceed the cap of 8", len, hlen);
	}
	expect_body(mt, "body kept", "abcd");
	expect_hidden(mt, "hidden kept", "efgh");
	msg_text_free(&mt);
}

/* msg_text_set_flag_first_reason - the first uncertainty reason is kept, later ones ignored */
static void
msg_text_set_flag_first_reason(void **state)
{
	struct msg_text *mt = msg_text_new(64, 1);

	assert_string_equal(msg_text_reason(mt), "");
	assert_int_equal(msg_text_flags(mt), 0);
	msg_text_set_flag(mt, MSG_TEXT_UNCERTAIN, "two readings of the body");
	msg_text_set_flag(mt, MSG_TEXT_LIMIT, "too many parts");
	msg_text_set_flag(mt, MSG_TEXT_UNCERTAIN, "another reason");
	assert_string_equal(msg_text_reason(mt), "two readings of the body");
	assert_int_equal(msg_text_flags(mt), MSG_TEXT_UNCERTAIN | MSG_TEXT_LIMIT);
	msg_text_free(&mt);
}

/*
 * msg_text_bidi_override - visible text under a bidi override (stored
 * backwards, read forwards) is undecidable; the other bidi controls, and
 * an override in hidden text, are not.
 */
static void
msg_text_bidi_override(void **state)
{
	static const struct {
		const char *name;
		int hidden;
		const char *text;
		int uncertain;
	} cases[] = {
		{ "rlo", 0, "\xe2\x80\xae" "eciovni ruoY", 1 },
		{ "rlo inside a word", 0, "in\xe2\x80\xaevoice", 1 },
		{ "lro leaves latin text as it is", 0, "\xe2\x80\xad" "invoice", 0 },
		{ "rlm and rle are not overrides", 0, "\xe2\x80\x8f\xe2\x80\xab" "invoice\xe2\x80\xac", 0 },
		{ "rli is an isolate", 0, "\xe2\x81\xa7" "invoice\xe2\x81\xa9", 0 },
		{ "hidden text is not read", 1, "\xe2\x80\xae" "egatuo", 0 },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct msg_text *mt = msg_text_new(4096, 1);

		body_run(mt, cases[i].hidden, cases[i].text);
		unit_expect_int(cases[i].name, (msg_text_flags(mt) & MSG_TEXT_UNCERTAIN) != 0,
		    cases[i].uncertain);
		if (cases[i].uncertain)
			unit_expect_int(cases[i].name,
			    strstr(msg_text_reason(mt), "bidi override") != NULL, 1);
		msg_text_free(&mt);
	}
}

/* msg_text_set_flag_uncertain_over_truncated - an uncertainty reason replaces a truncation note */
static void
msg_text_set_flag_uncertain_over_truncated(void **state)
{
	struct msg_text *mt = msg_text_new(64, 1);

	msg_text_set_flag(mt, MSG_TEXT_TRUNCATED, "decoded text cap reached");
	msg_text_set_flag(mt, MSG_TEXT_UNCERTAIN, "ambiguous boundary");
	assert_string_equal(msg_text_reason(mt), "ambiguous boundary");
	assert_int_equal(msg_text_flags(mt), MSG_TEXT_UNCERTAIN | MSG_TEXT_TRUNCATED);
	msg_text_free(&mt);
}

/* msg_text_add_part_list - each leaf is one "type filename" line */
static void
msg_text_add_part_list(void **state)
{
	struct msg_text *mt = msg_text_new(64, 1);
	const char *s;
	size_t len;

	msg_text_add_part(mt, "text/plain", NULL);
	msg_text_add_part(mt, "application/pdf", "Invoice 2024.pdf");
	msg_text_add_part(mt, "image/png", "");
	s = msg_text_parts(mt, &len);
	unit_expect_mem("parts", s, len,
	    "text/plain\napplication/pdf invoice 2024.pdf\nimage/png\n");
	msg_text_free(&mt);
}

/* msg_text_reset_reuses - reset forgets headers, body, hidden, parts and flags */
static void
msg_text_reset_reuses(void **state)
{
	struct msg_text *mt = msg_text_new(8, 1);
	size_t len;

	msg_text_add_header(mt, "Subject", "old", 3);
	body_run(mt, 1, "old hidden text");
	msg_text_add_part(mt, "text/plain", NULL);
	msg_text_set_flag(mt, MSG_TEXT_UNCERTAIN, "old reason");
	msg_text_reset(mt);
	assert_int_equal(msg_text_header_count(mt), 0);
	assert_null(msg_text_header_find(mt, "Subject", &len));
	expect_body(mt, "body after reset", "");
	expect_hidden(mt, "hidden after reset", "");
	msg_text_parts(mt, &len);
	assert_int_equal(len, 0);
	assert_int_equal(msg_text_flags(mt), 0);
	assert_string_equal(msg_text_reason(mt), "");
	assert_int_equal(msg_text_full(mt), 0);
	msg_text_add_header(mt, "Subject", "new", 3);
	body_run(mt, 0, "new");
	expect_body(mt, "body reused", "new");
	assert_non_null(msg_text_header_find(mt, "subject", &len));
	assert_int_equal(len, 3);
	msg_text_free(&mt);
}

/* msg_text_new_raw - normalise=0 keeps white space and invisible characters */
static void
msg_text_new_raw(void **state)
{
	struct msg_text *mt = msg_text_new(64, 0);

	body_run(mt, 0, "in\xe2\x80\x8bvoice  x");
	expect_body(mt, "raw", "in\xe2\x80\x8bvoice  x");
	msg_text_free(&mt);
}

/* msg_text_collapsed_view - letter-spaced runs read as words; no view without them */
static void
msg_text_collapsed_view(void **state)
{
	static const struct {
		const char *name;
		const char *body;
		const char *want;	/* "" : no collapsed view */
		size_t nruns;
		size_t run0_start, run0_end;
	} cases[] = {
		{ "spaces", "Your i n v o i c e is due", "your invoice is due", 1, 5, 12 },
		{ "dots", "see i.n.v.o.i.c.e now", "see invoice now", 1, 4, 11 },
		{ "two-character gaps", "p. a. y. now", "pay. now", 1, 0, 3 },
		{ "across a line break", "i n v\no i c e", "invoice", 1, 0, 7 },
		{ "two runs", "a b c and x y z", "abc and xyz", 2, 0, 3 },
		{ "at the end", "pay: d u e", "pay: due", 1, 5, 8 },
		{ "cjk", "\xe8\xab\x8b \xe6\xb1\x82 \xe6\x9b\xb8",
		  "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8", 1, 0, 9 },
		/* white space (one line break at most) between two CJK characters goes */
		{ "cjk line break", "\xe3\x81\x94\xe5\x88\xa9\xe7\x94\xa8\xe6\x96\x99\n\xe9\x87\x91\xe3\x81\xae",
		  "\xe3\x81\x94\xe5\x88\xa9\xe7\x94\xa8\xe6\x96\x99\xe9\x87\x91\xe3\x81\xae", 1, 9, 15 },
		{ "cjk spaced pair", "\xe8\xab\x8b \xe6\xb1\x82", "\xe8\xab\x8b\xe6\xb1\x82", 1, 0, 6 },
		{ "kana and kanji spaced", "\xe3\x81\x8a \xe6\x94\xaf \xe6\x89\x95 \xe3\x81\x84",
		  "\xe3\x81\x8a\xe6\x94\xaf\xe6\x89\x95\xe3\x81\x84", 1, 0, 12 },
		{ "cjk pair after a letter run", "i n v - \xe6\x96\x99\n\xe9\x87\x91",
		  "inv - \xe6\x96\x99\xe9\x87\x91", 2, 0, 3 },
		{ "a letter run into cjk", "i n v \xe6\x96\x99\n\xe9\x87\x91",
		  "inv\xe6\x96\x99\xe9\x87\x91", 1, 0, 9 },
		{ "cjk chain", "\xe6\x96\x99 \xe9\x87\x91\n\xe9\xa1\x8d", "\xe6\x96\x99\xe9\x87\x91\xe9\xa1\x8d", 1, 0, 9 },
		/* the folded body keeps one white space character of a run: "\n\n" reads "\n" */
		{ "a blank line too", "\xe6\x96\x99\n\n\xe9\x87\x91", "\xe6\x96\x99\xe9\x87\x91", 1, 0, 6 },
		{ "cjk punctuation stays", "\xe6\x96\x99\xe3\x80\x82 \xe9\x87\x91", "", 0, 0, 0 },
		{ "hangul keeps its spaces", "\xec\xb2\xad\xea\xb5\xac \xec\x84\x9c", "", 0, 0, 0 },
		{ "cjk next to latin", "\xe8\xab\x8b invoice", "", 0, 0, 0 },
		{ "two letters are not a run", "plan a b only", "", 0, 0, 0 },
		{ "three-character gaps are not", "a - b - c", "", 0, 0, 0 },
		{ "words are not letters", "the invoice is due", "", 0, 0, 0 },
		{ "empty", "", "", 0, 0, 0 },
	};
	const size_t *runs;
	size_t i, len, n;
	const char *v;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct msg_text *mt = msg_text_new(4096, 1);

		body_run(mt, 0, cases[i].body);
		v = msg_text_collapsed(mt, &len);
		unit_expect_mem(cases[i].name, v, len, cases[i].want);
		n = msg_text_collapsed_runs(mt, &runs);
		unit_expect_int(cases[i].name, n, cases[i].nruns);
		if (n > 0) {
			unit_expect_int(cases[i].name, runs[0], cases[i].run0_start);
			unit_expect_int(cases[i].name, runs[1], cases[i].run0_end);
		}
		/* The view follows the body when it grows. */
		body_run(mt, 0, "then x y z");
		v = msg_text_collapsed(mt, &len);
		n = msg_text_collapsed_runs(mt, &runs);
		unit_expect_int(cases[i].name, n, cases[i].nruns + 1);
		msg_text_free(&mt);
	}
}

/* msg_text_collapsed_raw - text that is not normalised has no collapsed view */
static void
msg_text_collapsed_raw(void **state)
{
	struct msg_text *mt = msg_text_new(4096, 0);
	size_t len;

	body_run(mt, 0, "i n v o i c e");
	msg_text_collapsed(mt, &len);
	assert_int_equal(len, 0);
	msg_text_reset(mt);
	msg_text_free(&mt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msg_text_add_header_find),
		cmocka_unit_test(msg_text_add_header_binary),
		cmocka_unit_test(msg_text_body_runs),
		cmocka_unit_test(msg_text_body_hidden),
		cmocka_unit_test(msg_text_hidden_inline),
		cmocka_unit_test(msg_text_hide_from_moves),
		cmocka_unit_test(msg_text_body_append_chunks),
		cmocka_unit_test(msg_text_body_end_flushes),
		cmocka_unit_test(msg_text_body_append_cap),
		cmocka_unit_test(msg_text_body_append_cap_later),
		cmocka_unit_test(msg_text_set_flag_first_reason),
		cmocka_unit_test(msg_text_set_flag_uncertain_over_truncated),
		cmocka_unit_test(msg_text_add_part_list),
		cmocka_unit_test(msg_text_reset_reuses),
		cmocka_unit_test(msg_text_new_raw),
		cmocka_unit_test(msg_text_collapsed_view),
		cmocka_unit_test(msg_text_bidi_override),
		cmocka_unit_test(msg_text_collapsed_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
