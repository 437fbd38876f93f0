/* test_html_text - streaming HTML to text with hidden-text detection */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <jansson.h>

#include "html_css.h"
#include "html_text.h"
#include "strbuf.h"
#include "text_norm.h"
#include "unit.h"

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
	{ "a<!-- hidden -- text -->b<!---->c", "abc", "hidden -- text" },
	{ "<!DOCTYPE html><?xml x?>ok", "ok", "?xml x?" },
	{ "1 < 2 and 3 > 2", "1 < 2 and 3 > 2", "" },
	/* quoted '>' inside attributes does not end the tag */
	{ "<a title=\"a>b\" href='x>y'>link</a>", "link", "" },
	/* hidden text is in the hidden stream only, never in the body */
	{ "Pay <span style=\"display:none\">secret</span>now", "Pay now", "secret" },
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
	/* HTML5 comments: what ends them, and their text is hidden */
	{ "a<!-->b", "ab", "" },
	{ "a<!--->b", "ab", "" },
	{ "a<!-- x --!>b", "ab", "x" },
	{ "a<!-- x --!y -->b", "ab", "x --!y" },
	{ "a<!-- x -- y --->b", "ab", "x -- y -" },
	{ "a<!-- x <!-- y -->b", "ab", "x" },
	{ "a<!-- never <b>closed</b> --", "a", "never closed" },
	/* bogus comments: "<!" without "--", "<?", "</" and a non-letter */
	{ "a<!invoice>b", "ab", "invoice" },
	{ "a<!->b", "ab", "-" },
	{ "a<?php echo 1 ?>b", "ab", "?php echo 1 ?" },
	{ "a</ x>b", "ab", "x" },
	{ "a</>b", "ab", "" },
	{ "a</3>b", "ab", "3" },
	/* CDATA is a bogus comment in HTML, text in SVG and MathML */
	{ "a<![CDATA[invoice]]>b", "ab", "[CDATA[invoice]]" },
	{ "<svg><![CDATA[in]]>voice</svg>", "invoice", "" },
	{ "<math><![CDATA[a]b]]c]]]>d</math>", "a]b]]c]d", "" },
	/* a DOCTYPE always ends at the first '>' */
	{ "<!DOCTYPE html PUBLIC \"a>b\">c", "b\">c", "" },
	{ "<!doctype html><p>ok", "ok", "" },
	/* script data: escaped and double-escaped script ends where browsers end it */
	{ "a<script><!--<script>x</script>invoice</script>-->b", "a-->b", "" },
	{ "a<script><!-- x --></script>b", "ab", "" },
	{ "a<script>if (a<b) x();</script >b", "ab", "" },
	{ "a<script>x</scrip></SCRIPT\tid=1>b", "ab", "" },
	/* RCDATA and raw text elements */
	{ "<title>Your invoice</title>Hello", "Hello", "Your invoice" },
	{ "<title>a &amp; <b>b</b></title>c", "c", "a & <b>b</b>" },
	{ "<textarea>pay &lt;now&gt;</textarea>", "pay <now>", "" },
	{ "<xmp><b>x</b> &amp;</xmp>", "<b>x</b> &amp;", "" },
	{ "a<iframe>in</iframe>b", "ab", "in" },
	{ "<noembed>n</noembed>ok", "ok", "n" },
	{ "<noframes>n</noframes>ok", "ok", "n" },
	{ "<noscript>invoice</noscript>", "invoice", "" },
	{ "<plaintext><b>x</b></plaintext>", "<b>x</b></plaintext>", "" },
	{ "<template>in<b>v</b>oice</template>ok", "ok", "invoice" },
	{ "<head><title>t</title><style>p{}</style></head><body>b</body>", "b", "t" },
	{ "<head>invoice</head>", "invoice", "" },
	/* character references: numeric without ';', leading zeros, replacements */
	{ "&#105nvoice &#0000105;nvoice &#x00069nvoice", "invoice invoice invoice", "" },
	{ "&#128;&#x9F;&#150;&#x81;", "\xe2\x82\xac\xc5\xb8\xe2\x80\x93\xc2\x81", "" },
	{ "&#99999999999999999999;&#xFFFFFFFFFF;", "\xef\xbf\xbd\xef\xbf\xbd", "" },
	{ "&#; &#x; &#xg &#a", "&#; &#x; &#xg &#a", "" },
	/* named references: the whole table, the longest prefix, legacy names */
	{ "in&it;voice in&InvisibleTimes;voice", "invoice invoice", "" },
	{ "&notit; &notin;", "\xc2\xacit; \xe2\x88\x89", "" },
	{ "&amp &copy 2024 &ampx &Aacute", "& \xc2\xa9 2024 &x \xc3\x81", "" },
	{ "&CounterClockwiseContourIntegral;", "\xe2\x88\xb3", "" },
	{ "&NotNestedGreaterGreater;&fjlig;", "\xe2\xaa\xa2\xcc\xb8" "fj", "" },
	{ "&AMP;&LT;&GT;&quot", "&<>\"", "" },
	{ "&abcdefghijklmnopqrstuvwxyzabcdefghij;", "&abcdefghijklmnopqrstuvwxyzabcdefghij;", "" },
	{ "&notabcdefghijklmnopqrstuvwxyzabcdefghij", "\xc2\xac" "abcdefghijklmnopqrstuvwxyzabcdefghij", "" },
	/* in attributes a legacy name before '=' or a letter stays as written */
	{ "<img alt=\"a&ampb &amp=c &amp;=d &amp e\">", "a&ampb &amp=c &=d & e", "" },
	{ "<img alt='&#105nvoice'>", "invoice", "" },
	/* hidden text inside a word does not split the visible word */
	{ "inv<span style=\"display:none\">z</span>oice", "invoice", "z" },
	{ "inv<div style=\"display:none\">z</div>oice", "invoice", "z" },
	{ "in<span hidden>x</span>voice", "invoice", "x" },
	{ "in<!-- x -->voice", "invoice", "x" },
	{ "<p aria-hidden=\"true\">invoice</p>", "invoice", "" },
	/* inline styles that hide */
	{ "<span style=\"opacity:0\">o</span>a", "a", "o" },
	{ "<span style=\"opacity:0.5\">o</span>", "o", "" },
	{ "<span style=\"font:0/0 a\">f</span>ok", "ok", "f" },
	{ "<span style=\"font:12px/0 Arial\">f</span>", "f", "" },
	{ "<span style=\"font-size:1px\">t</span>ok", "ok", "t" },
	{ "<div style=\"height:0;overflow:hidden\">h</div>ok", "ok", "h" },
	{ "<div style=\"height:0\">h</div>", "h", "" },
	{ "<span style=\"disp&#108;ay&colon;none\">e</span>ok", "ok", "e" },
	{ "<span style=\"displ\\61 y:none\">e</span>ok", "ok", "e" },
	{ "<span style=\"display:/* x */none\">c</span>ok", "ok", "c" },
	{ "<span style=\"display: none !important\">i</span>ok", "ok", "i" },
	{ "<span style=\"mso-hide:all\">m</span>ok", "ok", "m" },
	{ "<span style=\"color:transparent\">t</span>ok", "ok", "t" },
	{ "<span style=\"text-indent:-9999px\">t</span>ok", "ok", "t" },
	{ "<DIV STYLE=\"DISPLAY:NONE\">u</DIV>ok", "ok", "u" },
	/* "/>" does not close an HTML element */
	{ "<span style='display:none'/>x", "", "x" },
	{ "<div/>x</div>y", "x\ny", "" },
	/* an end tag does not close past a special element ... */
	{ "<span style=display:none><div>x</span>y", "", "xy" },
	/* ... and implied end tags close as in browsers */
	{ "<p style=display:none>x<div>y</div>", "y", "x" },
	{ "<ul><li style=display:none>a<li>b</ul>", "b", "a" },
	{ "<table><tr><td style=display:none>a<td>b</table>", "b", "a" },
	{ "<a href=x style=display:none>x<a href=y>y</a>", "y", "x" },
	{ "<body style=display:none>x</body>y", "", "xy" },
	/* formatting elements a block closed are reopened for the text after it */
	{ "<p><b style=display:none>x</p><p>y</p>z", "", "x\ny\nz" },
	{ "<p><b>x</p>y</b>z", "x\nyz", "" },
	{ "<p><b hidden>x</b></p>y", "y", "x" },
	{ "<p><i hidden>x</i></p>y</i>z", "yz", "x" },
	{ "<table><tr><td><b hidden>x</td><td>y</td></tr></table>", "y", "x" },
	{ "<b hidden><p>x</b>y</p>", "y", "x" },
	/* CSS display changes what breaks lines */
	{ "in<div style=\"display:inline\">vo</div>ice", "invoice", "" },
	{ "in<span style=\"display:block\">vo</span>ice", "in\nvo\nice", "" },
	{ "in</div>vo</span>ice", "invoice", "" },
	/* image alt text, as shown when images are not loaded */
	{ "Pay<img src=a alt=\"your invoice\">now", "Pay your invoice now", "" },
	{ "in<img src=a alt=\"\">voice", "invoice", "" },
	{ "<map><area alt=\"invoice\"></map>", "invoice", "" },
	{ "<img alt=\"x\" style=\"display:none\">ok", "ok", "x" },
	{ "<span hidden><img alt=x></span>ok", "ok", "x" },
	{ "<input alt=\"x\" value=\"y\"><div alt=z>ok</div>", "ok", "" },
	/* a closed details element shows its summary only */
	{ "<details><summary>Notice</summary>Your invoice</details>ok", "Notice\nok", "Your invoice" },
	{ "<details open><summary>S</summary>T</details>", "S\nT", "" },
	{ "<details hidden><summary>S</summary>T</details>", "", "S\nT" },
	/* classes hidden by simple rules of <style> blocks */
	{ "<style>.h{display:none}</style><span class=\"a h\">x</span>y", "y", "x" },
	{ "<style>/* c */ p.hide , .Pre { font-size:0 !important; }</style>"
	  "<p class=pre>x</p><p class=hide>z</p>ok", "ok", "x\nz" },
	{ "<style>@media (max-width:600px){.m{display:none}}</style><span class=m>x</span>", "x", "" },
	{ "<style>.a .b{display:none}</style><span class=b>x</span>", "x", "" },
	{ "<span class=h>x</span><style>.h{display:none}</style>", "x", "" },
	{ "<style>.h{color:red}.g{visibility:hidden}</style><b class=h>x</b><b class=g>y</b>", "x", "y" },
	/* text coloured like its background is hidden (white is the page's default) */
	{ "<p style=\"color:#fff\">out</p>ok", "ok", "out" },
	{ "<p style=\"color:white\">out</p>ok", "ok", "out" },
	{ "<p style=\"color:#FEFEFE\">out</p>ok", "ok", "out" },
	{ "<p style=\"color:rgb(255, 255, 255)\">out</p>ok", "ok", "out" },
	{ "<p style=\"color:hsl(0, 0%, 100%)\">out</p>ok", "ok", "out" },
	{ "<p style=\"color:rgba(0,0,0,0)\">out</p>ok", "ok", "out" },
	{ "<p style=\"color:#0000\">out</p>ok", "ok", "out" },
	{ "<font color=\"#ffffff\">out</font>ok", "ok", "out" },
	{ "<font color=ffffff>out</font>ok", "ok", "out" },
	{ "<body bgcolor=#ffffff><p style=\"color:#fff\">out</p>ok", "ok", "out" },
	{ "<table><tr><td bgcolor=black>out</td><td>ok</td></tr></table>", "ok", "out" },
	{ "<div style=\"background-color:#000\">out</div>ok", "ok", "out" },
	{ "<div style=\"background:#000 no-repeat\"><b>out</b></div>ok", "ok", "out" },
	{ "<body text=white>out", "", "out" },
	{ "<style>.w{color:#fff}</style><p class=w>out</p>ok", "ok", "out" },
	{ "<style>.d{background-color:black;color:#080808}</style><div class=d>out</div>ok",
	  "ok", "out" },
	{ "<p style=\"color:#ffff00\">out</p>ok", "ok", "out" },	/* contrast 1.07 */
	{ "<p><font color=white>out</p><p>also</font></p>ok", "ok", "out\nalso" },
	{ "<style>p{color:#fff}</style><p>out</p>ok", "ok", "out" },
	{ "<style>a { color: white }</style><a href=x>out</a>ok", "ok", "out" },
	/* ... and readable colours stay visible */
	{ "<style>body{background:#000;color:#fff}</style><body><p>ok</p>", "ok", "" },
	{ "<style>body{background-color:#111}</style><body><p style=\"color:#eee\">ok</p>", "ok", "" },
	{ "<style>.c{background:#000}</style><div class=c><font color=white>ok</font></div>", "ok", "" },
	{ "<p style=\"color:#333\">ok</p>", "ok", "" },
	{ "<p style=\"color:#eeeeee\">ok</p>", "ok", "" },
	{ "<div style=\"background:#0a66c2;color:#ffffff\">Banner</div>", "Banner", "" },
	{ "<table><tr><td bgcolor=\"#e60000\"><font color=white>Alert</font></td></tr></table>",
	  "Alert", "" },
	{ "<body bgcolor=black text=white>ok", "ok", "" },
	{ "<div style=\"color:#fff\"><span style=\"background:#222\">ok</span></div>", "ok", "" },
	{ "<div style=\"background:#000\"><a href=x>link</a></div>", "link", "" },
	{ "<div style=\"color:#fff;background:url(x.png)\">ok</div>", "ok", "" },
	{ "<table background=x.png><tr><td><font color=white>ok</font></td></tr></table>", "ok", "" },
	{ "<p style=\"color:var(--c)\">ok</p>", "ok", "" },
	{ "<p style=\"color:rgba(255,255,255,0.5)\">x</p>", "", "x" },
	/* a box of at most one pixel with overflow hidden */
	{ "<div style=\"height:1px;overflow:hidden\">h</div>ok", "ok", "h" },
	{ "<div style=\"line-height:0;overflow:hidden\">h</div>ok", "ok", "h" },
	{ "<div style=\"height:2px;overflow:hidden\">ok</div>", "ok", "" },
	/* attribute syntax */
	{ "<a b=\"c>d\"e=f>x</a>", "x", "" },
	{ "<div =x>y</div>", "y", "" },
	{ "a<3 b", "a<3 b", "" },
	/* unclosed trailing constructs */
	{ "abc<", "abc<", "" },
	{ "abc&amp", "abc&", "" },
	{ "abc<!-- never closed", "abc", "never closed" },
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

/* check - body and hidden text as expected, folded like the text; 1 (and a message) when not */
static int
check(const struct html_case *c, struct msg_text *mt, long cut)
{
	struct strbuf wb = STRBUF_INIT, wh = STRBUF_INIT;
	size_t bl, hl;
	const char *b = msg_text_body(mt, &bl), *h = msg_text_hidden(mt, &hl);
	int bad;

	text_norm_string(&wb, c->body, strlen(c->body), 1);
	text_norm_string(&wh, c->hidden, strlen(c->hidden), 1);
	strbuf_grow(&wb, 0);
	strbuf_grow(&wh, 0);
	bad = strcmp(b, wb.data) != 0 || strcmp(h, wh.data) != 0;
	if (bad)
		print_message("\"%s\" cut %ld: body \"%s\" hidden \"%s\"\n", c->in, cut, b, h);
	strbuf_release(&wb);
	strbuf_release(&wh);
	return bad;
}

/* html_text_feed_whole - each case renders right in one piece */
static void
html_text_feed_whole(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 1);
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		render(&cases[i], strlen(cases[i].in) + 1, 0, mt);
		failed += check(&cases[i], mt, -2);
	}
	msg_text_free(&mt);
	assert_int_equal(failed, 0);
}

/* html_text_feed_bytewise - tags, entities and comments survive one-byte chunks */
static void
html_text_feed_bytewise(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 1);
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		render(&cases[i], 1, 0, mt);
		failed += check(&cases[i], mt, -1);
	}
	msg_text_free(&mt);
	assert_int_equal(failed, 0);
}

/* html_text_feed_every_split - two pieces cut at every offset render the same */
static void
html_text_feed_every_split(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 1);
	size_t i, cut;
	int failed = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (cut = 0; cut <= strlen(cases[i].in); cut++) {
			render(&cases[i], 0, (long)cut, mt);
			if (check(&cases[i], mt, (long)cut)) {
				failed++;
				break;	/* one message per case is enough */
			}
		}
	}
	msg_text_free(&mt);
	assert_int_equal(failed, 0);
}

/*
 * html_text_every_named_reference - each of the 2,231 names of WHATWG's
 * entities.json, in text and in an alt attribute, reads as its characters
 */
static void
html_text_every_named_reference(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 0);
	struct html_text *ht = html_text_new();
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
	char *path = unit_strf("%s/data/entities.json", unit_srcdir());
	json_error_t err;
	json_t *all = json_load_file(path, 0, &err), *v;
	const char *key, *b;
	size_t n = 0, bl;
	int attr;

	if (all == NULL)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	json_object_foreach(all, key, v) {
		const char *chars = json_string_value(json_object_get(v, "characters"));

		assert_non_null(chars);
		for (attr = 0; attr < 2; attr++) {
			strbuf_reset(&in);
			strbuf_reset(&want);
			/* ' ' after a legacy name: in an attribute it must not be '=' or alnum */
			strbuf_appendf(&in, attr ? "<img alt=\"[%s ]\">" : "[%s ]", key);
			strbuf_appendf(&want, attr ? " [%s ] " : "[%s ]", chars);
			msg_text_reset(mt);
			html_text_begin(ht, mt);
			html_text_feed(ht, in.data, in.len);
			html_text_end(ht);
			b = msg_text_body(mt, &bl);
			if (bl != want.len || memcmp(b, want.data, bl) != 0)
				fail_msg("%s: \"%s\" read \"%s\"", key, in.data, b);
		}
		n++;
	}
	assert_int_equal(n, 2231);
	json_decref(all);
	free(path);
	strbuf_release(&in);
	strbuf_release(&want);
	html_text_free(&ht);
	msg_text_free(&mt);
}

/*
 * html_text_html5lib_tokenizer - the html5lib tokenizer tests whose tokens
 * are only text, comments and DOCTYPEs, and those in the RCDATA, RAWTEXT,
 * script data, PLAINTEXT and CDATA states after the tag that opens them
 * (tests/fixtures/html5lib, see its generator): the visible body is
 * exactly the text they show, fed whole and byte by byte
 */
static void
html_text_html5lib_tokenizer(void **state)
{
	struct msg_text *mt = msg_text_new(65536, 0);
	struct html_text *ht = html_text_new();
	char *path = unit_strf("%s/tests/fixtures/html5lib/tokenizer_text.json", unit_srcdir());
	json_error_t err;
	json_t *all = json_load_file(path, 0, &err), *t;
	size_t i, k, len, bl;
	const char *in, *want, *b;
	int failed = 0, piece;

	if (all == NULL)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	json_array_foreach(all, i, t) {
		in = json_string_value(json_array_get(t, 2));
		want = json_string_value(json_array_get(t, 3));
		assert_non_null(in);
		assert_non_null(want);
		len = strlen(in);
		for (piece = 0; piece < 2; piece++) {
			msg_text_reset(mt);
			html_text_begin(ht, mt);
			for (k = 0; k < len; k += piece ? 1 : len)
				html_text_feed(ht, in + k, piece ? 1 : len);
			html_text_end(ht);
			b = msg_text_body(mt, &bl);
			if (strcmp(b, want) != 0 && failed++ < 20)
				print_message("%s \"%s\": \"%s\" read \"%s\", want \"%s\"\n",
				    json_string_value(json_array_get(t, 0)),
				    json_string_value(json_array_get(t, 1)), in, b, want);
		}
	}
	assert_true(json_array_size(all) >= 6450);
	json_decref(all);
	free(path);
	html_text_free(&ht);
	msg_text_free(&mt);
	assert_int_equal(failed, 0);
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
	/* past the cap a new element replaces the top one, as in browsers */
	assert_string_equal(msg_text_body(mt, &bl), "word");
	assert_string_equal(msg_text_hidden(mt, &hl), "deep");
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

/* html_text_sheet_per_part - the colour rules of one part's <style> do not reach the next part */
static void
html_text_sheet_per_part(void **state)
{
	static const char first[] = "<style>p{color:#fff}.w{color:#fff}.h{display:none}</style><p>a</p>";
	static const char second[] = "<p>x</p><b class=w>y</b><b class=h>z</b>";
	struct html_text *ht = html_text_new();
	struct msg_text *mt = msg_text_new(65536, 1);

	html_text_begin(ht, mt);
	html_text_feed(ht, first, sizeof(first) - 1);
	html_text_end(ht);
	msg_text_reset(mt);
	html_text_begin(ht, mt);
	html_text_feed(ht, second, sizeof(second) - 1);
	html_text_end(ht);
	{
		static const struct html_case want = { second, "x\nyz", "" };

		assert_int_equal(check(&want, mt, -2), 0);
	}
	msg_text_free(&mt);
	html_text_free(&ht);
}

/* html_css_colours - CSS and legacy colour values, and which pairs cannot be read */
static void
html_css_colours(void **state)
{
	static const struct {
		const char *in;
		int r;		/* html_css_color's result */
		uint32_t rgb;
	} css[] = {
		{ "#fff", 1, 0xffffff }, { "#FeFeFe", 1, 0xfefefe }, { "#0000", 0, 0 },
		{ "#11223380", 1, 0x112233 }, { "#1122", 1, 0x111122 }, { "#12345", -1, 0 },
		{ "white", 1, 0xffffff }, { "whitesmoke", 1, 0xf5f5f5 }, { "black", 1, 0 },
		{ "transparent", 0, 0 }, { "rebeccapurplex", -1, 0 },
		{ "rgb(255, 255, 255)", 1, 0xffffff }, { "rgb(100% 0% 50%)", 1, 0xff0080 },
		{ "rgba(0,0,0,0)", 0, 0 }, { "rgba(0 0 0 / 2%)", 0, 0 }, { "rgba(1,2,3,.5)", 1, 0x010203 },
		{ "rgb(1,2)", -1, 0 }, { "hsl(0, 0%, 100%)", 1, 0xffffff }, { "hsl(120deg,100%,25%)", 1, 0x008000 },
		{ "hsla(240,100%,50%,0)", 0, 0 }, { "var(--x)", -1, 0 },
	};
	static const struct {
		const char *in;
		int r;
		uint32_t rgb;
	} legacy[] = {
		{ "#ffffff", 1, 0xffffff }, { "ffffff", 1, 0xffffff }, { " White ", 1, 0xffffff },
		{ "#fff", 1, 0xffffff }, { "chucknorris", 1, 0xc00000 }, { "transparent", 0, 0 },
		{ "", 0, 0 }, { "#1234567890abc", 1, 0x1267ab },
	};
	static const struct {
		uint32_t fg, bg;
		int hides;
	} pairs[] = {
		{ CSS_RGB(0xffffff), CSS_RGB(0xffffff), 1 }, { CSS_RGB(0xfefefe), CSS_RGB(0xffffff), 1 },
		{ CSS_RGB(0xf0f0f0), CSS_RGB(0xffffff), 1 }, { CSS_RGB(0xeeeeee), CSS_RGB(0xffffff), 0 },
		{ CSS_RGB(0xffff00), CSS_RGB(0xffffff), 1 }, { CSS_RGB(0x000000), CSS_RGB(0x080808), 1 },
		{ CSS_RGB(0xffffff), CSS_RGB(0x0a66c2), 0 }, { CSS_RGB(0x333333), CSS_RGB(0xffffff), 0 },
		{ CSS_RGB(0xffffff), CSS_COLOR_UNKNOWN, 0 }, { 0, CSS_RGB(0xffffff), 0 },
	};
	uint32_t rgb;
	size_t i;
	int r;

	for (i = 0; i < UNIT_NELEM(css); i++) {
		rgb = 0;
		r = html_css_color(css[i].in, strlen(css[i].in), &rgb);
		unit_expect_int(css[i].in, r, css[i].r);
		if (r > 0)
			unit_expect_int(css[i].in, rgb, css[i].rgb);
	}
	for (i = 0; i < UNIT_NELEM(legacy); i++) {
		rgb = 0;
		r = html_legacy_color(legacy[i].in, strlen(legacy[i].in), &rgb);
		unit_expect_int(legacy[i].in, r, legacy[i].r);
		if (r > 0)
			unit_expect_int(legacy[i].in, rgb, legacy[i].rgb);
	}
	for (i = 0; i < UNIT_NELEM(pairs); i++)
		unit_expect_int("pair", html_color_hides(pairs[i].fg, pairs[i].bg), pairs[i].hides);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_css_colours),
		cmocka_unit_test(html_text_sheet_per_part),
		cmocka_unit_test(html_text_feed_whole),
		cmocka_unit_test(html_text_feed_bytewise),
		cmocka_unit_test(html_text_feed_every_split),
		cmocka_unit_test(html_text_every_named_reference),
		cmocka_unit_test(html_text_html5lib_tokenizer),
		cmocka_unit_test(html_text_feed_deep_nesting),
		cmocka_unit_test(html_text_feed_huge_tag),
		cmocka_unit_test(html_text_feed_tag_soup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
