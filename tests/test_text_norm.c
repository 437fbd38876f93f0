/* test_text_norm - unit tests for streaming text normalisation */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "strbuf.h"
#include "text_norm.h"
#include "unit.h"

#define FFFD "\xef\xbf\xbd"

struct norm_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *want;
};

static const struct norm_case fold_cases[] = {
	{ "ascii untouched", "Invoice 2024-01", 0, "Invoice 2024-01" },
	{ "U+200B inside a word", "in\xe2\x80\x8bvoice", 0, "invoice" },
	{ "U+200C", "in\xe2\x80\x8cvoice", 0, "invoice" },
	{ "U+200D", "in\xe2\x80\x8dvoice", 0, "invoice" },
	{ "U+200E", "in\xe2\x80\x8evoice", 0, "invoice" },
	{ "U+200F", "in\xe2\x80\x8fvoice", 0, "invoice" },
	{ "U+2060", "in\xe2\x81\xa0voice", 0, "invoice" },
	{ "U+FEFF", "\xef\xbb\xbfin\xef\xbb\xbfvoice", 0, "invoice" },
	{ "soft hyphen", "in\xc2\xadvoi\xc2\xad" "ce", 0, "invoice" },
	{ "many format chars", "i\xe2\x80\x8bn\xe2\x80\x8cv\xe2\x80\x8do\xe2\x81\xa0i\xef\xbb\xbf" "c\xc2\xad" "e", 0,
	  "invoice" },
	{ "full-width word",
	  "\xef\xbd\x89\xef\xbd\x8e\xef\xbd\x96\xef\xbd\x8f\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85", 0,
	  "invoice" },
	{ "full-width range ends", "\xef\xbc\x81\xef\xbd\x9e", 0, "!~" },
	{ "full-width digits and capitals", "\xef\xbc\xa9\xef\xbc\xae\xef\xbc\x96\xef\xbc\x90", 0, "IN60" },
	{ "ideographic space", "a\xe3\x80\x80" "b", 0, "a b" },
	{ "ideographic spaces collapse", "a\xe3\x80\x80\xe3\x80\x80 b", 0, "a b" },
	{ "space run", "a  \t  b", 0, "a b" },
	{ "no-break space", "a\xc2\xa0\xc2\xa0" "b", 0, "a b" },
	{ "run with LF", "a  \n  b", 0, "a\nb" },
	{ "run with CRLF", "line1\r\nline2", 0, "line1\nline2" },
	{ "several blank lines", "a \r\n\r\n\t\n b", 0, "a\nb" },
	{ "line break after spaces", "a   \rb", 0, "a\nb" },
	{ "leading white space dropped", " \t\r\n  hello", 0, "hello" },
	{ "leading format char then space", "\xe2\x80\x8b  x", 0, "x" },
	{ "trailing white space dropped", "hello \n ", 0, "hello" },
	{ "only white space", " \n\t ", 0, "" },
	{ "empty", "", 0, "" },
	{ "NUL is white space", "a\0\0b", 4, "a b" },
	{ "chinese kept", "\xe5\x8f\x91\xe7\xa5\xa8 \xe8\xb4\xa6\xe5\x8d\x95", 0,
	  "\xe5\x8f\x91\xe7\xa5\xa8 \xe8\xb4\xa6\xe5\x8d\x95" },
	{ "emoji kept", "ok \xf0\x9f\x98\x80!", 0, "ok \xf0\x9f\x98\x80!" },
	{ "latin-1 byte", "caf\xe9 au lait", 0, "caf" FFFD " au lait" },
	{ "lone continuation", "a\x80" "b", 0, "a" FFFD "b" },
	{ "0xff", "\xff\xfe", 0, FFFD FFFD },
	{ "bad continuation", "\xe4\xb8x", 0, FFFD FFFD "x" },
	{ "truncated at end", "x\xe4\xb8", 0, "x" FFFD },
	{ "surrogate", "\xed\xa0\x80", 0, FFFD FFFD FFFD },
	{ "overlong slash", "\xc0\xaf", 0, FFFD FFFD },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD },
	{ "invalid then space", "\xff  \xff", 0, FFFD " " FFFD },
};

static const struct norm_case plain_cases[] = {
	{ "zero-width kept", "in\xe2\x80\x8bvoice", 0, "in\xe2\x80\x8bvoice" },
	{ "full-width kept", "\xef\xbd\x89\xef\xbd\x8e", 0, "\xef\xbd\x89\xef\xbd\x8e" },
	{ "white space kept", "  a \r\n\t b ", 0, "  a \r\n\t b " },
	{ "soft hyphen kept", "in\xc2\xadvoice", 0, "in\xc2\xadvoice" },
	{ "latin-1 byte repaired", "caf\xe9", 0, "caf" FFFD },
	{ "truncated at end repaired", "x\xe4\xb8", 0, "x" FFFD },
	{ "bad continuation repaired", "\xe4\xb8x", 0, FFFD FFFD "x" },
	{ "valid multibyte kept", "\xc3\x9c\xe4\xb8\xad", 0, "\xc3\x9c\xe4\xb8\xad" },
};

/* run_chunks - normalise in, cut at the given offsets, and compare with want */
static void
run_chunks(const struct norm_case *c, int enabled, const size_t *cuts, size_t ncuts,
    const char *how)
{
	size_t len = c->len ? c->len : strlen(c->in), from = 0, i;
	struct strbuf out = STRBUF_INIT;
	struct text_norm tn;
	char row[200];

	text_norm_init(&tn, enabled);
	for (i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : len;

		text_norm_feed(&tn, &out, c->in + from, to - from);
		from = to;
	}
	text_norm_flush(&tn, &out);
	snprintf(row, sizeof(row), "%s (%s)", c->name, how);
	unit_expect_mem(row, out.data ? out.data : "", out.len, c->want);
	strbuf_release(&out);
}

/* run_every_way - whole, one byte at a time, and split at every offset */
static void
run_every_way(const struct norm_case *c, int enabled)
{
	size_t len = c->len ? c->len : strlen(c->in), i;
	size_t *cuts = calloc(len + 1, sizeof(*cuts));
	char how[64];

	assert_non_null(cuts);
	run_chunks(c, enabled, NULL, 0, "whole");
	for (i = 0; i < len; i++)
		cuts[i] = i;
	run_chunks(c, enabled, cuts, len, "byte at a time");
	for (i = 0; i <= len; i++) {
		snprintf(how, sizeof(how), "split at %zu", i);
		run_chunks(c, enabled, &i, 1, how);
	}
	free(cuts);
}

/* text_norm_feed_fold - folding, removal, white space and UTF-8 repair, fed every way */
static void
text_norm_feed_fold(void **state)
{
	size_t i;

	for (i = 0; i < UNIT_NELEM(fold_cases); i++)
		run_every_way(&fold_cases[i], 1);
}

/* text_norm_feed_disabled - enabled=0 only repairs UTF-8, fed every way */
static void
text_norm_feed_disabled(void **state)
{
	size_t i;

	for (i = 0; i < UNIT_NELEM(plain_cases); i++)
		run_every_way(&plain_cases[i], 0);
}

/* text_norm_string_matches_feed - the one-shot form gives what the streaming form gives */
static void
text_norm_string_matches_feed(void **state)
{
	struct strbuf out = STRBUF_INIT;
	size_t i;

	for (i = 0; i < UNIT_NELEM(fold_cases); i++) {
		const struct norm_case *c = &fold_cases[i];

		strbuf_reset(&out);
		strbuf_append_str(&out, ">");
		text_norm_string(&out, c->in, c->len ? c->len : strlen(c->in), 1);
		unit_expect_mem(c->name, out.data + 1, out.len - 1, c->want);
	}
	strbuf_release(&out);
}

/* text_norm_feed_continues_runs - white space across two feeds of one run still collapses */
static void
text_norm_feed_continues_runs(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct text_norm tn;

	text_norm_init(&tn, 1);
	text_norm_feed(&tn, &out, "word  ", 6);
	text_norm_feed(&tn, &out, "\n", 1);
	text_norm_feed(&tn, &out, "  next", 6);
	text_norm_flush(&tn, &out);
	assert_string_equal(out.data, "word\nnext");
	strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_norm_feed_fold),
		cmocka_unit_test(text_norm_feed_disabled),
		cmocka_unit_test(text_norm_string_matches_feed),
		cmocka_unit_test(text_norm_feed_continues_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
