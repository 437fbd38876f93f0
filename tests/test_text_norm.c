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
	/* a held-back Hangul syllable writes the line break before it, not after */
	{ "hangul after a line break, then a space", "a\n\xec\x9d\xb4 \xeb\xa9\x94", 0,
	  "a\n\xec\x9d\xb4 \xeb\xa9\x94" },
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
	{ "ascii case folds", "Invoice 2024-01", 0,
	  "invoice 2024-01" },
	{ "cyrillic look-alikes in invoice", "\xd1\x96nv\xd0\xbe\xd1\x96\xd1\x81\xd0\xb5", 0,
	  "invoice" },
	{ "cyrillic capitals in invoice", "\xd0\x86NV\xd0\x9e\xd0\x86\xd0\xa1\xd0\x95", 0,
	  "invoice" },
	{ "greek look-alikes in payment", "\xcf\x81\xce\xb1yment", 0,
	  "payment" },
	{ "greek omicron and iota in invoice", "inv\xce\xbf\xce\xb9" "ce", 0,
	  "invoice" },
	{ "dotless i", "\xc4\xb1nvo\xc4\xb1" "ce", 0,
	  "invoice" },
	{ "dotted capital I", "\xc4\xb0nvoice", 0,
	  "invoice" },
	{ "math bold", "\xf0\x9d\x90\xa2\xf0\x9d\x90\xa7\xf0\x9d\x90\xaf\xf0\x9d\x90\xa8\xf0\x9d\x90\xa2\xf0\x9d\x90\x9c\xf0\x9d\x90\x9e", 0,
	  "invoice" },
	{ "math monospace", "\xf0\x9d\x9a\x92\xf0\x9d\x9a\x97\xf0\x9d\x9a\x9f\xf0\x9d\x9a\x98\xf0\x9d\x9a\x92\xf0\x9d\x9a\x8c\xf0\x9d\x9a\x8e", 0,
	  "invoice" },
	{ "math bold capitals", "\xf0\x9d\x90\x8f\xf0\x9d\x90\x80\xf0\x9d\x90\x98", 0,
	  "pay" },
	{ "script capital I", "\xe2\x84\x90nvoice", 0,
	  "invoice" },
	{ "ligature fi", "\xef\xac\x81nal", 0,
	  "final" },
	{ "mark on every letter", "i\xcc\x81n\xcc\x83v\xcc\x88o\xcc\x82i\xcc\x80" "c\xcc\xa7" "e\xcc\x84", 0,
	  "invoice" },
	{ "stacked marks", "in\xcc\x80\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86\xcc\x87\xcc\x88voice", 0,
	  "invoice" },
	{ "enclosing mark", "inv\xe2\x83\x9doice", 0,
	  "invoice" },
	{ "precomposed accents", "\xc3\xadNV\xc3\x93\xc3\x8d" "C\xc3\x89", 0,
	  "invoice" },
	{ "german umlaut", "R\xc3\xbc" "ckerstattung", 0,
	  "ruckerstattung" },
	{ "german umlaut decomposed", "Ru\xcc\x88" "ckerstattung", 0,
	  "ruckerstattung" },
	{ "sharp s", "Stra\xc3\x9f" "e", 0,
	  "strasse" },
	{ "french accents", "\xc3\x89" "ch\xc3\xa9" "ance", 0,
	  "echeance" },
	{ "spanish tilde", "Se\xc3\xb1" "al", 0,
	  "senal" },
	{ "bidi LRE", "in\xe2\x80\xaavoice", 0,
	  "invoice" },
	{ "bidi RLE", "in\xe2\x80\xabvoice", 0,
	  "invoice" },
	{ "bidi PDF", "in\xe2\x80\xacvoice", 0,
	  "invoice" },
	{ "bidi LRO", "in\xe2\x80\xadvoice", 0,
	  "invoice" },
	{ "bidi RLO", "in\xe2\x80\xaevoice", 0,
	  "invoice" },
	{ "bidi LRI", "in\xe2\x81\xa6voice", 0,
	  "invoice" },
	{ "bidi RLI", "in\xe2\x81\xa7voice", 0,
	  "invoice" },
	{ "bidi FSI", "in\xe2\x81\xa8voice", 0,
	  "invoice" },
	{ "bidi PDI", "in\xe2\x81\xa9voice", 0,
	  "invoice" },
	{ "arabic letter mark", "in\xd8\x9cvoice", 0,
	  "invoice" },
	{ "variation selector 1", "in\xef\xb8\x80voice", 0,
	  "invoice" },
	{ "variation selector 16", "in\xef\xb8\x8fvoice", 0,
	  "invoice" },
	{ "variation selector 17", "in\xf3\xa0\x84\x80voice", 0,
	  "invoice" },
	{ "tag characters", "in\xf3\xa0\x80\x81\xf3\xa0\x81\xa9\xf3\xa0\x81\xae\xf3\xa0\x81\xbfvoice", 0,
	  "invoice" },
	{ "deprecated format U+206A-U+206F", "i\xe2\x81\xaan\xe2\x81\xabv\xe2\x81\xaco\xe2\x81\xadi\xe2\x81\xae" "c\xe2\x81\xaf" "e", 0,
	  "invoice" },
	{ "mongolian vowel separator", "in\xe1\xa0\x8evoice", 0,
	  "invoice" },
	{ "combining grapheme joiner", "in\xcd\x8fvoice", 0,
	  "invoice" },
	{ "hangul fillers", "in\xe3\x85\xa4vo\xe1\x85\x9fice", 0,
	  "invoice" },
	{ "emoji variation selector", "ok \xe2\x9d\xa4\xef\xb8\x8f!", 0,
	  "ok \xe2\x9d\xa4!" },
	{ "chinese kept", "\xe5\x8f\x91\xe7\xa5\xa8 \xe8\xb4\xa6\xe5\x8d\x95", 0,
	  "\xe5\x8f\x91\xe7\xa5\xa8 \xe8\xb4\xa6\xe5\x8d\x95" },
	{ "han zero kept", "\xe4\xba\x8c\xe3\x80\x87\xe4\xba\x8c\xe5\x9b\x9b", 0,
	  "\xe4\xba\x8c\xe3\x80\x87\xe4\xba\x8c\xe5\x9b\x9b" },
	{ "japanese kept", "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3\x82\x92\xe3\x81\x8a\xe9\x80\x81\xe3\x82\x8a\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x99\xe3\x80\x82\xe3\x82\xac\xe3\x82\xa4\xe3\x83\x89", 0,
	  "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3\x82\x92\xe3\x81\x8a\xe9\x80\x81\xe3\x82\x8a\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x99\xe3\x80\x82\xe3\x82\xac\xe3\x82\xa4\xe3\x83\x89" },
	{ "kana voicing mark composes", "\xe3\x82\xab\xe3\x82\x99\xe3\x82\xa4\xe3\x83\x89", 0,
	  "\xe3\x82\xac\xe3\x82\xa4\xe3\x83\x89" },
	{ "kana voicing kept apart from plain kana", "\xe3\x81\x8b \xe3\x81\x8c", 0,
	  "\xe3\x81\x8b \xe3\x81\x8c" },
	{ "halfwidth katakana", "\xef\xbd\xb6\xef\xbe\x9e\xef\xbd\xb2\xef\xbe\x84\xef\xbe\x9e", 0,
	  "\xe3\x82\xac\xe3\x82\xa4\xe3\x83\x89" },
	{ "mark on han dropped", "\xe8\xab\x8b\xcc\x81\xe6\xb1\x82", 0,
	  "\xe8\xab\x8b\xe6\xb1\x82" },
	{ "acute on kana dropped", "\xe3\x82\xab\xcc\x81\xe3\x83\xbc\xe3\x83\x89", 0,
	  "\xe3\x82\xab\xe3\x83\xbc\xe3\x83\x89" },
	{ "korean kept", "\xea\xb2\xb0\xec\xa0\x9c \xec\x9a\x94\xea\xb8\x88", 0,
	  "\xea\xb2\xb0\xec\xa0\x9c \xec\x9a\x94\xea\xb8\x88" },
	{ "hangul jamo compose", "\xe1\x84\x80\xe1\x85\xa7\xe1\x86\xaf\xe1\x84\x8c\xe1\x85\xa6", 0,
	  "\xea\xb2\xb0\xec\xa0\x9c" },
	{ "arabic marks kept", "\xd9\x85\xd9\x8e\xd8\xb1\xd9\x92", 0,
	  "\xd9\x85\xd9\x8e\xd8\xb1\xd9\x92" },
	{ "full-width digits and capitals", "\xef\xbc\xa9\xef\xbc\xae\xef\xbc\x96\xef\xbc\x90", 0,
	  "in60" },
	{ "greek and cyrillic capitals", "\xce\x92\xd0\x90\xce\x9d\xd0\x9a \xce\x95\xd0\x9c\xd0\xa2\xce\x97", 0,
	  "bank emth" },
	{ "full-width digits stay digits", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94", 0,
	  "2024" },
	{ "long s", "\xc5\xbfum", 0,
	  "sum" },
	{ "look-alike from a script that keeps marks sheds them", "\xe1\x95\x81\xcc\x82", 0, "x" },
	{ "a second voicing mark goes", "\xe3\x82\xab\xe3\x82\x99\xe3\x82\x99", 0, "\xe3\x82\xac" },
	{ "a voicing mark that composes with nothing goes", "\xe3\x82\xa2\xe3\x82\x99", 0, "\xe3\x82\xa2" },
	/* U+0FA7 folds to two marks (too long for the table): still a mark. */
	{ "long-folding mark after latin goes, and so does the next", "a\xe0\xbe\xa7\xcc\x81", 0, "a" },
	{ "long-folding mark after a bad byte goes", "\x96\xe0\xbe\xa7\xcc\x81 5", 0, FFFD " 5" },
	{ "long-folding mark kept in tibetan", "\xe0\xbd\x80\xe0\xbe\xa7", 0,
	  "\xe0\xbd\x80\xe0\xbe\xa6\xe0\xbe\xb7" },
	/* U+0345 is a mark that folds into iota, written "i": the marks after it go, as after any i (fuzz_text_norm). */
	{ "a mark that folds into a letter sheds the marks after it", "\xdf\x9a\xcc\x81\xcd\x85\xcc\x81" "2", 0,
	  "\xdf\x9a\xcc\x81" "i2" },
	/* U+FF9F alone folds to nothing; the second one is read from the table (fuzz_text_norm). */
	{ "a character that folds to nothing writes no white space", "\xef\xbe\x9f" "x \xef\xbe\x9f", 0, "x" },
	{ "a character that folds to nothing between spaces", "\xef\xbe\x9f" "x \xef\xbe\x9f y", 0, "x y" },
	{ "a sign is no letter", "7\xc3\x97" "24", 0, "7\xc3\x97" "24" },
	{ "curly apostrophe", "d\xe2\x80\x99" "essai", 0,
	  "d'essai" },
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
