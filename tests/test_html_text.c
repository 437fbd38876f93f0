/* test_html_text - streaming HTML to text with hidden-text detection */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "html_text.h"
#include "strbuf.h"
#include "text_norm.h"

struct html_case {
	const char *in;
	const char *body;	/* normalised body text */
	const char *hidden;	/* normalised hidden text */
};

static const struct html_case cases[] = {
	{ "<p>Your invoice</p>", "Your invoice", "" },
	/* inline tags join, block tags break */
	{ "in<span></span>voice", "invoice", "" },
	{ "in<b>vo</b>ice<br>next", "invoice\nnext", "" },
	{ "<div>a</div><div>b</div>", "a\nb", "" },
	/* character references are decoded exactly once */
	{ "&#105;nvoice &#x69;nvoice", "invoice invoice", "" },
	{ "&amp;#105; &lt;b&gt;", "&#105; <b>", "" },
	{ "caf&eacute; &euro;5 &nbsp;x", "café €5 x", "" },
	{ "in&shy;voice in&zwnj;voice", "invoice invoice", "" },
	{ "&unknown; & &#; &#xZZ;", "&unknown; & &#; &#xZZ;", "" },
	{ "&#0; &#x110000; &#xD800;", "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd", "" },
	{ "AT&amp;T", "AT&T", "" },
	/* the sorted table finds names at both ends and in the middle */
	{ "&AElig;&yuml;&Ouml;&hellip;&zwj;&rsquo;&Omega;", "ÆÿÖ…’Ω", "" },
	/* script, style and comments are dropped */
	{ "a<script>var x = '<p>no</p>';</script>b", "ab", "" },
	{ "a<STYLE type=text/css>p{color:red}</STYLE >b", "ab", "" },
	{ "a<script>x</scripty>y</script>b", "ab", "" },
	{ "a<!-- hidden -- text -->b<!---->c", "abc", "" },
	{ "<!DOCTYPE html><?xml x?>ok", "ok", "" },
	{ "1 < 2 and 3 > 2", "1 < 2 and 3 > 2", "" },
	/* quoted '>' inside attributes does not end the tag */
	{ "<a title=\"a>b\" href='x>y'>link</a>", "link", "" },
	/* hidden text is in the hidden stream only, never in the body */
	{ "Pay <span style=\"display:none\">secret</span>now", "Pay\nnow", "secret" },
	{ "<div style='Display : None'>x</div>y", "y", "x" },
	{ "<p style=\"font-size:0px\">tiny</p>big", "big", "tiny" },
	{ "<p style=\"color:red;font-size: 0.0em\">tiny</p>", "", "tiny" },
	{ "<p style=\"font-size:10px\">big</p>", "big", "" },
	{ "<p style=\"visibility:hidden\">v</p>", "", "v" },
	{ "<p style=\"max-height:0;overflow:hidden\">m</p>", "", "m" },
	{ "<div hidden>h</div>", "", "h" },
	/* an end tag of an element that is not open changes nothing */
	{ "<div style=display:none>x</span>y</div>z", "z", "xy" },
	/* nested hidden content stays hidden until its element closes */
	{ "<div style=display:none><b>x</b>y</div>z", "z", "xy" },
	{ "<div style=display:none><p>x<p>y</div>z", "z", "x\ny" },
	/* unclosed trailing constructs */
	{ "abc<", "abc<", "" },
	{ "abc&amp", "abc&", "" },
	{ "abc<!-- never closed", "abc", "" },
};

/* render - run a case fed in pieces of size piece (0: split at cut) */
static void
render(const struct html_case *c, size_t piece, long cut, struct msg_text *mt)
{
	struct html_text *ht = html_text_new();
	size_t len = strlen(c->in), i;

	msg_text_reset(mt);
	html_text_begin(ht, mt);
	if (piece > 0) {
		for (i = 0; i < len; i += piece)
			html_text_feed(ht, c->in + i, len - i < piece ? len - i : piece);
	} else {
		html_text_feed(ht, c->in, (size_t)cut);
		html_text_feed(ht, c->in + cut, len - (size_t)cut);
	}
	html_text_end(ht);
	html_text_free(&ht);
	assert_null(ht);
}

/* check - body and hidden text as expected, folded like the text (text_norm) */
static void
check(const struct html_case *c, struct msg_text *mt, long cut)
{
	struct strbuf wb = STRBUF_INIT, wh = STRBUF_INIT;
	size_t bl, hl;
	const char *b = msg_text_body(mt, &bl), *h = msg_text_hidden(mt, &hl);

	text_norm_string(&wb, c->body, strlen(c->body), 1);
	text_norm_string(&wh, c->hidden, strlen(c->hidden), 1);
	strbuf_grow(&wb, 0);
	strbuf_grow(&wh, 0);
	if (strcmp(b, wb.data) != 0 || strcmp(h, wh.data) != 0)
		fail_msg("\"%s\" cut %ld: body \"%s\" hidden \"%s\"", c->in, cut, b, h);
	strbuf_release(&wb);
	strbuf_release(&wh);
}

/* html_text_feed_whole - each case renders right in one piece */
static void
html_text_feed_whole(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 1);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		render(&cases[i], strlen(cases[i].in) + 1, 0, mt);
		check(&cases[i], mt, -2);
	}
	msg_text_free(&mt);
}

/* html_text_feed_bytewise - tags, entities and comments survive one-byte chunks */
static void
html_text_feed_bytewise(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 1);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		render(&cases[i], 1, 0, mt);
		check(&cases[i], mt, -1);
	}
	msg_text_free(&mt);
}

/* html_text_feed_every_split - two pieces cut at every offset render the same */
static void
html_text_feed_every_split(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 1);
	size_t i, cut;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (cut = 0; cut <= strlen(cases[i].in); cut++) {
			render(&cases[i], 0, (long)cut, mt);
			check(&cases[i], mt, (long)cut);
		}
	}
	msg_text_free(&mt);
}

/* html_text_feed_deep_nesting - nesting past the stack cap reads flat, no crash */
static void
html_text_feed_deep_nesting(void **state)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	struct html_text *ht = html_text_new();
	struct strbuf in = STRBUF_INIT;
	size_t bl, hl;
	int i;

	for (i = 0; i < 10000; i++)
		strbuf_append_str(&in, "<span>");
	strbuf_append_str(&in, "<span style=display:none>deep</span>word");
	for (i = 0; i < 10000; i++)
		strbuf_append_str(&in, "</span>");
	html_text_begin(ht, mt);
	html_text_feed(ht, in.data, in.len);
	html_text_end(ht);
	assert_string_equal(msg_text_body(mt, &bl), "deepword");
	(void)msg_text_hidden(mt, &hl);
	strbuf_release(&in);
	html_text_free(&ht);
	msg_text_free(&mt);
}

/* html_text_feed_huge_tag - a tag without '>' does not grow memory without bound */
static void
html_text_feed_huge_tag(void **state)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	struct html_text *ht = html_text_new();
	char chunk[65536];
	size_t bl;
	int i;

	memset(chunk, 'a', sizeof(chunk));
	html_text_begin(ht, mt);
	html_text_feed(ht, "<div ", 5);
	for (i = 0; i < 100; i++)
		html_text_feed(ht, chunk, sizeof(chunk));
	html_text_feed(ht, ">ok", 3);
	html_text_end(ht);
	assert_string_equal(msg_text_body(mt, &bl), "ok");
	html_text_free(&ht);
	msg_text_free(&mt);
}

/* html_text_feed_tag_soup - unmatched and misnested end tags cost linear time */
static void
html_text_feed_tag_soup(void **state)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	struct html_text *ht = html_text_new();
	struct strbuf in = STRBUF_INIT;
	clock_t t0;
	size_t bl;
	int i;

	for (i = 0; i < 300; i++)
		strbuf_append_str(&in, "<i>");
	for (i = 0; i < 200000; i++)
		strbuf_append_str(&in, "</x><a></b>");
	strbuf_append_str(&in, "end");
	t0 = clock();
	html_text_begin(ht, mt);
	html_text_feed(ht, in.data, in.len);
	html_text_end(ht);
	assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);
	assert_string_equal(msg_text_body(mt, &bl), "end");
	strbuf_release(&in);
	html_text_free(&ht);
	msg_text_free(&mt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_text_feed_whole),
		cmocka_unit_test(html_text_feed_bytewise),
		cmocka_unit_test(html_text_feed_every_split),
		cmocka_unit_test(html_text_feed_deep_nesting),
		cmocka_unit_test(html_text_feed_huge_tag),
		cmocka_unit_test(html_text_feed_tag_soup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
