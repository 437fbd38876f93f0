/* html_text - streaming HTML to text: the HTML5 tokenizer, a small tree builder, hidden text */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"
#include "strbuf.h"

#include "html_entities.inc"

#define NAME_KEEP	16	/* bytes of a tag or attribute name kept for lookups */
#define ALT_MAX		65536	/* alt text held until its tag ends */
#define OUT_FLUSH	65536	/* decoded text held before it goes to the msg_text */
#define OPEN_BUCKETS	1024	/* counts of open elements by name hash */
#define CLOSE_SEARCH_MAX 64	/* open elements an end or start tag may close at once */
#define CSS_PROP_MAX	32
#define CSS_VALUE_MAX	64
#define SHEET_CLASSES	64	/* hiding classes remembered from <style> blocks */
#define CLASS_MAX	48	/* bytes of a class name */
#define SELECTOR_MAX	512	/* bytes of a selector list kept */

/*
 * The states of the WHATWG tokenizer ("Tokenization", HTML Living
 * Standard) that change what text comes out; the DOCTYPE states are one
 * state, since a DOCTYPE always ends at '>'.
 */
enum html_state {
	S_DATA,
	S_RCDATA,		/* title, textarea: references decoded, no tags */
	S_RAWTEXT,		/* style, xmp, iframe, noembed, noframes */
	S_SCRIPT,		/* script data */
	S_PLAINTEXT,
	S_TAG_OPEN,
	S_END_TAG_OPEN,
	S_TAG_NAME,
	S_RAW_LT,		/* '<' in RCDATA, RAWTEXT or script data */
	S_RAW_END_OPEN,		/* "</" there */
	S_RAW_END_NAME,		/* matching the appropriate end tag */
	S_SCRIPT_ESC_START,
	S_SCRIPT_ESC_START_DASH,
	S_SCRIPT_ESC,
	S_SCRIPT_ESC_DASH,
	S_SCRIPT_ESC_DASH_DASH,
	S_SCRIPT_DBL_START,
	S_SCRIPT_DBL,
	S_SCRIPT_DBL_DASH,
	S_SCRIPT_DBL_DASH_DASH,
	S_SCRIPT_DBL_LT,
	S_SCRIPT_DBL_END,
	S_BEFORE_ATTR_NAME,
	S_ATTR_NAME,
	S_AFTER_ATTR_NAME,
	S_BEFORE_ATTR_VALUE,
	S_ATTR_VALUE_DQ,
	S_ATTR_VALUE_SQ,
	S_ATTR_VALUE_UQ,
	S_AFTER_ATTR_VALUE_Q,
	S_SELF_CLOSING,
	S_MARKUP_DECL,		/* after "<!" */
	S_COMMENT_START,
	S_COMMENT_START_DASH,
	S_COMMENT,
	S_COMMENT_END_DASH,
	S_COMMENT_END,
	S_COMMENT_END_BANG,
	S_BOGUS_COMMENT,
	S_DOCTYPE,
	S_CDATA,
	S_CDATA_BRACKET,
	S_CDATA_END,
	S_CHARREF,		/* after '&' */
	S_CHARREF_NAMED,
	S_CHARREF_NUM,		/* after "&#" */
	S_CHARREF_HEX_START,
	S_CHARREF_DEC_START,
	S_CHARREF_HEX,
	S_CHARREF_DEC,
};

/* What the tree builder does with a tag (see tags[]). */
enum tag_kind {
	K_OTHER, K_A, K_ALT, K_BODY, K_BR, K_CELL, K_DDDT, K_FOREIGN, K_HEAD,
	K_HEADING, K_HTML, K_LI, K_OPTGROUP, K_OPTION, K_P, K_PLAINTEXT,
	K_RAW_DROP, K_RAW_HIDDEN, K_RAW_TEXT, K_RCDATA_HIDDEN, K_RCDATA_TEXT,
	K_SCRIPT, K_TEMPLATE, K_TR, K_DETAILS, K_SUMMARY,
};

#define F_BLOCK		0x01	/* a line break before and after */
#define F_VOID		0x02	/* never has content or an end tag */
#define F_SPECIAL	0x04	/* the spec's "special" category */
#define F_FORMAT	0x08	/* a formatting element */
#define F_SCOPE		0x10	/* bounds the "in scope" searches */
#define F_CLOSE_P	0x20	/* its start tag closes an open p */
#define F_MARKER	0x40	/* puts a marker in the active formatting list */

#define BSP		(F_BLOCK | F_SPECIAL | F_CLOSE_P)

/* Sorted by name (strcmp) for a binary search. */
static const struct {
	const char *name;
	unsigned char kind;
	unsigned char flags;
} tags[] = {
	{ "a", K_A, F_FORMAT }, { "address", K_OTHER, BSP },
	{ "applet", K_OTHER, F_SPECIAL | F_SCOPE | F_MARKER }, { "area", K_ALT, F_VOID | F_SPECIAL },
	{ "article", K_OTHER, BSP }, { "aside", K_OTHER, BSP }, { "b", K_OTHER, F_FORMAT },
	{ "base", K_OTHER, F_VOID | F_SPECIAL }, { "basefont", K_OTHER, F_VOID | F_SPECIAL },
	{ "bgsound", K_OTHER, F_VOID | F_SPECIAL }, { "big", K_OTHER, F_FORMAT },
	{ "blockquote", K_OTHER, BSP }, { "body", K_BODY, F_BLOCK | F_SPECIAL },
	{ "br", K_BR, F_BLOCK | F_VOID | F_SPECIAL }, { "button", K_OTHER, F_SPECIAL },
	{ "caption", K_OTHER, F_BLOCK | F_SPECIAL | F_SCOPE | F_MARKER }, { "center", K_OTHER, BSP },
	{ "code", K_OTHER, F_FORMAT }, { "col", K_OTHER, F_VOID | F_SPECIAL },
	{ "colgroup", K_OTHER, F_SPECIAL }, { "dd", K_DDDT, BSP }, { "details", K_DETAILS, BSP },
	{ "dialog", K_OTHER, F_BLOCK | F_CLOSE_P }, { "dir", K_OTHER, BSP },
	{ "div", K_OTHER, BSP }, { "dl", K_OTHER, BSP }, { "dt", K_DDDT, BSP },
	{ "em", K_OTHER, F_FORMAT }, { "embed", K_OTHER, F_VOID | F_SPECIAL },
	{ "fieldset", K_OTHER, BSP }, { "figcaption", K_OTHER, BSP },
	{ "figure", K_OTHER, BSP }, { "font", K_OTHER, F_FORMAT }, { "footer", K_OTHER, BSP },
	{ "form", K_OTHER, BSP }, { "frame", K_OTHER, F_VOID | F_SPECIAL },
	{ "frameset", K_OTHER, F_SPECIAL }, { "h1", K_HEADING, BSP }, { "h2", K_HEADING, BSP },
	{ "h3", K_HEADING, BSP }, { "h4", K_HEADING, BSP }, { "h5", K_HEADING, BSP },
	{ "h6", K_HEADING, BSP }, { "head", K_HEAD, F_SPECIAL }, { "header", K_OTHER, BSP },
	{ "hgroup", K_OTHER, BSP }, { "hr", K_OTHER, BSP | F_VOID },
	{ "html", K_HTML, F_BLOCK | F_SPECIAL | F_SCOPE }, { "i", K_OTHER, F_FORMAT },
	{ "iframe", K_RAW_HIDDEN, F_SPECIAL }, { "img", K_ALT, F_VOID | F_SPECIAL },
	{ "input", K_OTHER, F_VOID | F_SPECIAL }, { "keygen", K_OTHER, F_VOID | F_SPECIAL },
	{ "legend", K_OTHER, F_BLOCK }, { "li", K_LI, BSP },
	{ "link", K_OTHER, F_VOID | F_SPECIAL }, { "listing", K_OTHER, BSP },
	{ "main", K_OTHER, BSP }, { "marquee", K_OTHER, F_SPECIAL | F_SCOPE | F_MARKER },
	{ "math", K_FOREIGN, 0 }, { "menu", K_OTHER, BSP },
	{ "meta", K_OTHER, F_VOID | F_SPECIAL }, { "nav", K_OTHER, BSP },
	{ "nobr", K_OTHER, F_FORMAT }, { "noembed", K_RAW_HIDDEN, F_SPECIAL },
	{ "noframes", K_RAW_HIDDEN, F_SPECIAL }, { "noscript", K_OTHER, F_SPECIAL },
	{ "object", K_OTHER, F_SPECIAL | F_SCOPE | F_MARKER }, { "ol", K_OTHER, BSP },
	{ "optgroup", K_OPTGROUP, F_BLOCK }, { "option", K_OPTION, F_BLOCK },
	{ "p", K_P, BSP }, { "param", K_OTHER, F_VOID | F_SPECIAL },
	{ "plaintext", K_PLAINTEXT, BSP }, { "pre", K_OTHER, BSP }, { "s", K_OTHER, F_FORMAT },
	{ "script", K_SCRIPT, F_SPECIAL }, { "search", K_OTHER, BSP },
	{ "section", K_OTHER, BSP }, { "select", K_OTHER, F_SPECIAL },
	{ "small", K_OTHER, F_FORMAT }, { "source", K_OTHER, F_VOID | F_SPECIAL },
	{ "strike", K_OTHER, F_FORMAT }, { "strong", K_OTHER, F_FORMAT },
	{ "style", K_RAW_DROP, F_SPECIAL }, { "summary", K_SUMMARY, BSP },
	{ "svg", K_FOREIGN, 0 }, { "table", K_OTHER, F_BLOCK | F_SPECIAL | F_SCOPE },
	{ "tbody", K_OTHER, F_BLOCK | F_SPECIAL },
	{ "td", K_CELL, F_BLOCK | F_SPECIAL | F_SCOPE | F_MARKER },
	{ "template", K_TEMPLATE, F_SPECIAL | F_SCOPE | F_MARKER },
	{ "textarea", K_RCDATA_TEXT, F_BLOCK | F_SPECIAL },
	{ "tfoot", K_OTHER, F_BLOCK | F_SPECIAL },
	{ "th", K_CELL, F_BLOCK | F_SPECIAL | F_SCOPE | F_MARKER },
	{ "thead", K_OTHER, F_BLOCK | F_SPECIAL }, { "title", K_RCDATA_HIDDEN, F_SPECIAL },
	{ "tr", K_TR, F_BLOCK | F_SPECIAL }, { "track", K_OTHER, F_VOID | F_SPECIAL },
	{ "tt", K_OTHER, F_FORMAT }, { "u", K_OTHER, F_FORMAT }, { "ul", K_OTHER, BSP },
	{ "wbr", K_OTHER, F_VOID | F_SPECIAL }, { "xmp", K_RAW_TEXT, BSP },
};

/* The numeric references 0x80-0x9F read as windows-1252 (0: kept as is). */
static const unsigned short c1_table[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

enum attr_kind { A_NONE, A_OTHER, A_STYLE, A_ALT, A_CLASS };

enum display { D_UNSET, D_INLINE, D_BLOCK };

/* One style attribute, scanned as its decoded characters arrive. */
struct css {
	char prop[CSS_PROP_MAX];
	char val[CSS_VALUE_MAX];
	size_t plen, vlen;
	int in_value;
	int comment;		/* 1: after '/', 2: inside, 3: inside after '*' */
	int esc;		/* 1 + hex digits of a backslash escape */
	unsigned esc_cp;
	char quote;
	int hide, zero_box, overflow_hidden;
	enum display display;
};

struct html_elem {
	uint32_t name;		/* hash of the lower-cased tag name */
	unsigned char kind;
	unsigned char flags;
	unsigned char hidden;	/* its content is hidden from the reader */
	unsigned char block;	/* breaks lines (its CSS display included) */
	unsigned char closed;	/* a closed details element: only its summary shows */
	unsigned char outer;	/* hidden outside it (for that summary) */
	uint32_t afe;		/* id of its active formatting entry, 0: none */
};

/*
 * The list of active formatting elements: a formatting element closed by
 * a block end tag is reopened, with its attributes, for the text that
 * follows ("<p><b hidden>x</p><p>y" hides y too).  Bounded: the oldest
 * entry goes when the list is full.
 */
#define AFE_MAX		12

struct afe {
	uint32_t id;		/* 0: a marker (cell, caption, template, object) */
	uint32_t name;
	unsigned char kind, flags, hidden, on_stack;
};

/* A <style> block, scanned for rules that hide a class. */
struct sheet {
	char sel[SELECTOR_MAX];
	size_t sel_len;
	int in_block;
	int at_depth;		/* inside @media and the like: conditional, not counted */
	int comment;		/* as in struct css, for the selector */
	struct css css;
};

struct html_text {
	struct msg_text *mt;
	enum html_state state;
	enum html_state ret;	/* where a character reference goes back to */
	enum html_state content;	/* S_RCDATA, S_RAWTEXT, S_SCRIPT, S_SCRIPT_ESC */
	struct strbuf out;	/* visible text not yet handed to mt */
	struct strbuf hout;	/* hidden text not yet handed to mt */
	char hlast;		/* last byte written to the hidden stream */
	int hsep;		/* separate the next hidden text from the last */

	/* the tag being read */
	int is_end, self_closing;
	uint32_t name_hash;
	char name[NAME_KEEP + 1];
	size_t name_len;
	char attr[NAME_KEEP + 1];
	size_t attr_len;
	enum attr_kind attr_kind;
	int tag_hidden, has_alt;
	enum display tag_display;
	struct strbuf alt;
	struct css css;
	int tag_open;		/* the open attribute (details) */
	char cls[CLASS_MAX + 1];	/* the class name being read */
	size_t cls_len;

	/* classes hidden by the part's <style> blocks */
	struct sheet sheet;
	int raw_sheet;		/* the raw text is a style sheet */
	char classes[SHEET_CLASSES][CLASS_MAX + 1];
	size_t nclasses;

	/* raw text elements */
	const char *raw_name;	/* the appropriate end tag */
	size_t raw_match;
	int raw_out;		/* 0: dropped, 1: text, 2: hidden */
	int raw_block;
	int raw_closing;	/* the end tag being read closes the raw element */
	size_t dbl_match;	/* script double escape: bytes of "script" matched */
	int dbl_bad;

	/* markup declarations, comments */
	char decl[8];
	size_t decl_len;
	int cmt_lt;		/* comment text: 1 after '<', 2 inside a tag */

	/* character references */
	char ent[HTML_ENTITY_NAME_MAX + 1];
	size_t ent_len;
	unsigned long num;
	char num_x;

	/* open elements */
	struct html_elem stack[HTML_TEXT_DEPTH_MAX];
	size_t depth;
	size_t foreign;		/* open svg and math elements */
	struct afe afe[AFE_MAX];
	size_t nafe;
	uint32_t afe_next;	/* the next entry id */
	int afe_dirty;		/* an entry is off the stack: reopen before text */
	unsigned short open[OPEN_BUCKETS];	/* open elements per name-hash bucket */
};

/* html_text_new - a parser with empty buffers */
struct html_text *
html_text_new(void)
{
	return calloc(1, sizeof(struct html_text));
}

/* html_text_free - release and clear the caller's pointer */
void
html_text_free(struct html_text **htp)
{
	struct html_text *ht = *htp;

	if (ht == NULL)
		return;
	strbuf_release(&ht->out);
	strbuf_release(&ht->hout);
	strbuf_release(&ht->alt);
	free(ht);
	*htp = NULL;
}

/* html_text_begin_part - start a part; hidden: the whole part is not displayed */
void
html_text_begin_part(struct html_text *ht, struct msg_text *mt, int hidden)
{
	ht->mt = mt;
	ht->state = S_DATA;
	strbuf_reset(&ht->out);
	strbuf_reset(&ht->hout);
	strbuf_reset(&ht->alt);
	ht->hlast = 0;
	ht->hsep = 0;
	ht->depth = 0;
	ht->foreign = 0;
	ht->nafe = 0;
	ht->afe_dirty = 0;
	ht->raw_closing = 0;
	ht->raw_sheet = 0;
	ht->nclasses = 0;
	memset(ht->open, 0, sizeof(ht->open));
	msg_text_body_begin(mt, hidden);
}

/* html_text_begin - start a part the reader sees */
void
html_text_begin(struct html_text *ht, struct msg_text *mt)
{
	html_text_begin_part(ht, mt, 0);
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_hex(int c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* is_space - the tokenizer's white space (CR counts: the input is not preprocessed) */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* flush - hand the decoded text to the msg_text */
static void
flush(struct html_text *ht)
{
	if (ht->out.len > 0)
		msg_text_body_append(ht->mt, ht->out.data, ht->out.len);
	strbuf_reset(&ht->out);
	if (ht->hout.len > 0)
		msg_text_hidden_append(ht->mt, ht->hout.data, ht->hout.len);
	strbuf_reset(&ht->hout);
}

/*
 * put - text into the visible or the hidden stream.  The other stream's
 * pending text goes out first, so that the msg_text sees the two streams
 * interleaved as in the input, however the input was cut into chunks.
 */
static void
put(struct html_text *ht, int hidden, const char *s, size_t n)
{
	struct strbuf *sb = hidden ? &ht->hout : &ht->out;

	if (n == 0)
		return;
	if (hidden) {
		if (ht->out.len > 0)
			flush(ht);
		if (ht->hsep && ht->hlast != 0 && ht->hlast != '\n' && s[0] != '\n')
			strbuf_append(sb, "\n", 1);
		ht->hsep = 0;
		ht->hlast = s[n - 1];
	} else if (ht->hout.len > 0)
		flush(ht);
	strbuf_append(sb, s, n);
	if (sb->len >= OUT_FLUSH)
		flush(ht);
}

/* hidden_sep - keep the next piece of hidden text from joining the last one */
static void
hidden_sep(struct html_text *ht)
{
	ht->hsep = 1;
}

/* want_hidden - is text at this point hidden from the reader */
static int
want_hidden(const struct html_text *ht)
{
	return ht->depth > 0 && ht->stack[ht->depth - 1].hidden;
}

/* emit - text in the current element */
static void
emit(struct html_text *ht, const char *s, size_t n)
{
	put(ht, want_hidden(ht), s, n);
}

/* emit_raw - text of a raw text element: dropped, shown or hidden */
static void sheet_feed(struct html_text *, const char *, size_t);

static void
emit_raw(struct html_text *ht, const char *s, size_t n)
{
	if (ht->raw_sheet)
		sheet_feed(ht, s, n);
	if (ht->raw_out != 0)
		put(ht, ht->raw_out == 2, s, n);
}

/* utf8_put - one code point as UTF-8 into b, returns the length */
static size_t
utf8_put(char *b, unsigned cp)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* hash_name - one more byte of an FNV-1a hash */
static uint32_t
hash_byte(uint32_t h, int c)
{
	return (h ^ (uint32_t)(unsigned char)c) * 16777619u;
}

#define HASH_INIT	2166136261u

/* hash_str - FNV-1a of a lower-case name */
static uint32_t
hash_str(const char *s)
{
	uint32_t h = HASH_INIT;

	while (*s != '\0')
		h = hash_byte(h, *s++);
	return h;
}

/* tag_lookup - the index in tags[] of a lower-case tag name, or -1 */
static int
tag_lookup(const char *name, size_t len)
{
	size_t lo = 0, hi = sizeof(tags) / sizeof(tags[0]), mid, tl;
	int c;

	if (len > NAME_KEEP)
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		tl = strlen(tags[mid].name);
		c = memcmp(name, tags[mid].name, len < tl ? len : tl);
		if (c == 0)
			c = len < tl ? -1 : len > tl ? 1 : 0;
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* ---- CSS: the declarations of a style attribute that hide text ---- */

/* css_number - a CSS number and its unit; 0 when s is not one */
static int
css_number(const char *s, size_t len, double *v, const char **unit)
{
	size_t i = 0, digits = 0;
	double x = 0, scale = 0;
	int neg = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len && (is_digit(s[i]) || (s[i] == '.' && scale == 0)); i++) {
		if (s[i] == '.') {
			scale = 1;
			continue;
		}
		digits++;
		if (scale > 0) {
			scale /= 10;
			x += (s[i] - '0') * scale;
		} else
			x = x * 10 + (s[i] - '0');
	}
	if (digits == 0)
		return 0;
	*v = neg ? -x : x;
	*unit = s + i;
	return 1;
}

/* css_tiny_font - a font size nobody can read */
static int
css_tiny_font(const char *s, size_t len)
{
	const char *u;
	double v;

	if (!css_number(s, len, &v, &u))
		return 0;
	len -= (size_t)(u - s);
	if (v <= 0)
		return 1;
	if (len == 2 && memcmp(u, "px", 2) == 0)
		return v < 2;
	if (len == 2 && memcmp(u, "pt", 2) == 0)
		return v < 1.5;
	if ((len == 2 && memcmp(u, "em", 2) == 0) || (len == 3 && memcmp(u, "rem", 3) == 0))
		return v < 0.1;
	if (len == 1 && *u == '%')
		return v < 10;
	return 0;
}

/* css_zero - a number (any unit) equal to zero */
static int
css_zero(const char *s, size_t len)
{
	const char *u;
	double v;

	return css_number(s, len, &v, &u) && v == 0;
}

/* css_far - a length that puts the text a long way off the page */
static int
css_far(const char *s, size_t len)
{
	const char *u;
	double v;

	return css_number(s, len, &v, &u) && v <= -999;
}

/* css_font_tiny - the font shorthand has a tiny size ("0/0 a" or "1px Arial") */
static int
css_font_tiny(const char *s, size_t len)
{
	size_t i = 0, b;
	int after_slash = 0;

	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '/')) {
			if (s[i] == '/')
				after_slash = 1;
			i++;
		}
		b = i;
		while (i < len && s[i] != ' ' && s[i] != '/')
			i++;
		if (i > b && !after_slash && css_tiny_font(s + b, i - b))
			return 1;
		if (i > b)
			after_slash = 0;
	}
	return 0;
}

#define IS(str)	(vl == sizeof(str) - 1 && memcmp(v, str, vl) == 0)
#define PROP(str) (pl == sizeof(str) - 1 && memcmp(p, str, pl) == 0)

/* css_decl - judge one declaration, lower case, no white space in the name */
static void
css_decl(struct css *c)
{
	const char *p = c->prop, *v = c->val;
	size_t pl = c->plen, vl = c->vlen;

	while (vl > 0 && v[vl - 1] == ' ')
		vl--;
	if (vl >= 10 && memcmp(v + vl - 10, "!important", 10) == 0)
		vl -= 10;
	while (vl > 0 && v[vl - 1] == ' ')
		vl--;
	if (PROP("display")) {
		if (IS("none"))
			c->hide = 1;
		else if (vl >= 6 && memcmp(v, "inline", 6) == 0)
			c->display = D_INLINE;
		else if (IS("contents"))
			c->display = D_INLINE;
		else if (vl > 0)
			c->display = D_BLOCK;
	} else if (PROP("visibility")) {
		if (IS("hidden") || IS("collapse"))
			c->hide = 1;
	} else if (PROP("opacity")) {
		const char *u;
		double x;

		if (css_number(v, vl, &x, &u) && (*u == '%' ? x < 5 : x < 0.05))
			c->hide = 1;
	} else if (PROP("font-size")) {
		if (css_tiny_font(v, vl))
			c->hide = 1;
	} else if (PROP("font")) {
		if (css_font_tiny(v, vl))
			c->hide = 1;
	} else if (PROP("max-height")) {
		if (css_zero(v, vl))
			c->hide = 1;
	} else if (PROP("height") || PROP("width") || PROP("max-width")) {
		if (css_zero(v, vl))
			c->zero_box = 1;
	} else if (PROP("overflow") || PROP("overflow-x") || PROP("overflow-y")) {
		if (IS("hidden") || IS("clip") || IS("hidden hidden"))
			c->overflow_hidden = 1;
	} else if (PROP("color") || PROP("-webkit-text-fill-color")) {
		if (IS("transparent"))
			c->hide = 1;
	} else if (PROP("mso-hide")) {
		if (IS("all"))
			c->hide = 1;
	} else if (PROP("text-indent") || PROP("left") || PROP("top") ||
	    PROP("margin-left") || PROP("margin-top")) {
		if (css_far(v, vl))
			c->hide = 1;
	} else if (PROP("clip")) {
		size_t i;
		int zero = vl > 5 && memcmp(v, "rect(", 5) == 0;

		for (i = 5; zero && i < vl; i++)
			if (is_digit(v[i]) && v[i] != '0')
				zero = 0;
		if (zero)
			c->hide = 1;
	} else if (PROP("transform")) {
		if (vl >= 7 && (memcmp(v, "scale(0", 7) == 0 ||
		    (vl >= 8 && (memcmp(v, "scalex(0", 8) == 0 || memcmp(v, "scaley(0", 8) == 0))))
			c->hide = 1;
	}
	c->plen = c->vlen = 0;
	c->in_value = 0;
}

#undef IS
#undef PROP

/* css_put - one character of a declaration, comments and escapes removed */
static void
css_put(struct css *c, int ch)
{
	if (!c->in_value) {
		if (ch == ':')
			c->in_value = 1;
		else if (is_space(ch))
			;
		else if (c->plen < CSS_PROP_MAX)
			c->prop[c->plen++] = (char)lower(ch);
		else
			c->prop[0] = '#';	/* too long: no property we know */
		return;
	}
	if (is_space(ch)) {
		if (c->vlen > 0 && c->val[c->vlen - 1] != ' ' && c->vlen < CSS_VALUE_MAX)
			c->val[c->vlen++] = ' ';
		return;
	}
	if (c->vlen < CSS_VALUE_MAX)
		c->val[c->vlen++] = (char)lower(ch);
}

/* css_esc_end - the code point of a finished backslash escape */
static void
css_esc_end(struct css *c)
{
	if (c->esc > 1)
		css_put(c, c->esc_cp < 0x80 ? (int)c->esc_cp : 'x');
	c->esc = 0;
}

/* css_char - one decoded character of a style attribute */
static void
css_char(struct css *c, int ch)
{
	if (c->comment >= 2) {
		if (ch == '/' && c->comment == 3)
			c->comment = 0;
		else
			c->comment = ch == '*' ? 3 : 2;
		return;
	}
	if (c->comment == 1) {
		c->comment = 0;
		if (ch == '*') {
			c->comment = 2;
			return;
		}
		css_put(c, '/');
	}
	if (c->esc > 0) {
		if (is_hex(ch) && c->esc < 7) {
			c->esc_cp = c->esc_cp * 16 + (unsigned)(is_digit(ch) ? ch - '0' :
			    (ch | 0x20) - 'a' + 10);
			c->esc++;
			return;
		}
		if (c->esc == 1) {
			c->esc = 0;
			css_put(c, ch);
			return;
		}
		css_esc_end(c);
		if (is_space(ch))
			return;
	}
	if (c->quote != 0) {
		if (ch == c->quote)
			c->quote = 0;
		css_put(c, ch);
		return;
	}
	switch (ch) {
	case '\\':
		c->esc = 1;
		c->esc_cp = 0;
		break;
	case '/':
		c->comment = 1;
		break;
	case '"':
	case '\'':
		c->quote = (char)ch;
		css_put(c, ch);
		break;
	case ';':
		css_decl(c);
		break;
	default:
		css_put(c, ch);
		break;
	}
}

/* css_finish - the end of a declaration block: 1 when it hides */
static int
css_finish(struct css *c)
{
	if (c->esc > 0)
		css_esc_end(c);
	if (c->comment == 1)
		css_put(c, '/');
	css_decl(c);
	return c->hide || (c->zero_box && c->overflow_hidden);
}

/* css_end - the end of the style attribute */
static void
css_end(struct html_text *ht)
{
	if (css_finish(&ht->css))
		ht->tag_hidden = 1;
	if (ht->css.display != D_UNSET)
		ht->tag_display = ht->css.display;
}

/* ---- <style> blocks: ".name { display: none }" and the like ---- */

static int
is_class_char(int c)
{
	return is_alnum(c) || c == '-' || c == '_' || c >= 0x80;
}

/*
 * sheet_register - remember the classes of a selector list whose block
 * hides.  Only simple selectors count (".x" or "tag.x"); a class is
 * compared without case, as in quirks mode.
 */
static void
sheet_register(struct html_text *ht)
{
	const char *s = ht->sheet.sel;
	size_t n = ht->sheet.sel_len, i = 0, b, e, k, j;

	while (i < n) {
		for (b = i; i < n && s[i] != ','; i++)
			;
		e = i++;
		while (b < e && is_space(s[b]))
			b++;
		while (e > b && is_space(s[e - 1]))
			e--;
		for (k = b; k < e && is_alnum(s[k]); k++)
			;
		if (k >= e || s[k] != '.' || e - k - 1 == 0 || e - k - 1 > CLASS_MAX)
			continue;
		for (j = k + 1; j < e && is_class_char(s[j]); j++)
			;
		if (j != e || ht->nclasses == SHEET_CLASSES)
			continue;
		for (j = 0; j < e - k - 1; j++)
			ht->classes[ht->nclasses][j] = (char)lower(s[k + 1 + j]);
		ht->classes[ht->nclasses][j] = '\0';
		for (j = 0; j < ht->nclasses; j++)
			if (strcmp(ht->classes[j], ht->classes[ht->nclasses]) == 0)
				break;
		if (j == ht->nclasses)
			ht->nclasses++;	/* a new one */
	}
}

/* sheet_char - one character of a style sheet */
static void
sheet_char(struct html_text *ht, int c)
{
	struct sheet *sh = &ht->sheet;

	if (sh->in_block) {
		if (c == '}' && sh->css.comment < 2 && sh->css.quote == 0) {
			if (css_finish(&sh->css) && sh->at_depth == 0)
				sheet_register(ht);
			sh->in_block = 0;
			sh->sel_len = 0;
			return;
		}
		css_char(&sh->css, c);
		return;
	}
	if (sh->comment >= 2) {
		sh->comment = c == '/' && sh->comment == 3 ? 0 : c == '*' ? 3 : 2;
		return;
	}
	if (sh->comment == 1) {
		sh->comment = 0;
		if (c == '*') {
			sh->comment = 2;
			return;
		}
		if (sh->sel_len < SELECTOR_MAX)
			sh->sel[sh->sel_len++] = '/';
	}
	switch (c) {
	case '/':
		sh->comment = 1;
		break;
	case '{': {
		size_t b = 0;

		while (b < sh->sel_len && is_space(sh->sel[b]))
			b++;
		if (b < sh->sel_len && sh->sel[b] == '@' && sh->sel_len - b > 1 &&
		    (strncmp(sh->sel + b, "@font-face", 10) != 0 &&
		    strncmp(sh->sel + b, "@page", 5) != 0)) {
			sh->at_depth++;	/* @media, @supports...: rules inside */
			sh->sel_len = 0;
			break;
		}
		memset(&sh->css, 0, sizeof(sh->css));
		sh->in_block = 1;
		break;
	}
	case '}':
		if (sh->at_depth > 0)
			sh->at_depth--;
		sh->sel_len = 0;
		break;
	case ';':
		sh->sel_len = 0;	/* @import, @charset */
		break;
	default:
		if (sh->sel_len < SELECTOR_MAX)
			sh->sel[sh->sel_len++] = (char)c;
		else
			sh->sel[0] = '#';	/* too long to read: counts for nothing */
		break;
	}
}

/* sheet_feed - style sheet text */
static void
sheet_feed(struct html_text *ht, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sheet_char(ht, (unsigned char)s[i]);
}

/* class_end - a class name of the tag is complete: does a style block hide it */
static void
class_end(struct html_text *ht)
{
	size_t i;

	if (ht->cls_len > 0 && ht->cls_len <= CLASS_MAX) {
		ht->cls[ht->cls_len] = '\0';
		for (i = 0; i < ht->nclasses; i++)
			if (strcmp(ht->cls, ht->classes[i]) == 0)
				ht->tag_hidden = 1;
	}
	ht->cls_len = 0;
}

/* ---- open elements ---- */

/* afe_add - a new entry (0: a marker) at the end of the list */
static uint32_t
afe_add(struct html_text *ht, uint32_t name, int kind, int flags, int hidden, int marker)
{
	struct afe *a;

	if (ht->nafe == AFE_MAX) {
		memmove(ht->afe, ht->afe + 1, (AFE_MAX - 1) * sizeof(ht->afe[0]));
		ht->nafe--;
	}
	a = &ht->afe[ht->nafe++];
	if (++ht->afe_next == 0)
		ht->afe_next = 1;
	a->id = marker ? 0 : ht->afe_next;
	a->name = name;
	a->kind = (unsigned char)kind;
	a->flags = (unsigned char)flags;
	a->hidden = (unsigned char)hidden;
	a->on_stack = !marker;
	return a->id;
}

/* afe_remove - drop entry i */
static void
afe_remove(struct html_text *ht, size_t i)
{
	memmove(ht->afe + i, ht->afe + i + 1, (ht->nafe - i - 1) * sizeof(ht->afe[0]));
	ht->nafe--;
}

/* afe_find - the last entry named name after the last marker, or -1 */
static long
afe_find(const struct html_text *ht, uint32_t name)
{
	size_t i;

	for (i = ht->nafe; i > 0 && ht->afe[i - 1].id != 0; i--)
		if (ht->afe[i - 1].name == name)
			return (long)i - 1;
	return -1;
}

/* afe_off_stack - the element of entry id was popped */
static void
afe_off_stack(struct html_text *ht, uint32_t id)
{
	size_t i;

	for (i = 0; i < ht->nafe; i++)
		if (ht->afe[i].id == id) {
			ht->afe[i].on_stack = 0;
			ht->afe_dirty = 1;
		}
}

/* afe_clear_to_marker - a cell, caption, template or object closed */
static void
afe_clear_to_marker(struct html_text *ht)
{
	while (ht->nafe > 0 && ht->afe[--ht->nafe].id != 0)
		;
}

/* pop_to - close the open elements from the top down to depth */
static void
pop_to(struct html_text *ht, size_t depth)
{
	while (ht->depth > depth) {
		struct html_elem *e = &ht->stack[--ht->depth];

		if (e->block)
			put(ht, e->hidden, "\n", 1);
		ht->open[e->name % OPEN_BUCKETS]--;
		if (e->kind == K_FOREIGN)
			ht->foreign--;
		if (e->afe != 0)
			afe_off_stack(ht, e->afe);
		if (e->flags & F_MARKER)
			afe_clear_to_marker(ht);
	}
}

/*
 * find_open - the depth just above the nearest open element named h (or,
 * with h2, h2), searching down at most CLOSE_SEARCH_MAX elements and not
 * past an element with one of the stop flags; 0 when not found.
 */
static size_t
find_open(const struct html_text *ht, uint32_t h, uint32_t h2, int stop)
{
	size_t k, end;

	if (ht->open[h % OPEN_BUCKETS] == 0 && (h2 == 0 || ht->open[h2 % OPEN_BUCKETS] == 0))
		return 0;
	end = ht->depth > CLOSE_SEARCH_MAX ? ht->depth - CLOSE_SEARCH_MAX : 0;
	for (k = ht->depth; k > end; k--) {
		const struct html_elem *e = &ht->stack[k - 1];

		if (e->name == h || (h2 != 0 && e->name == h2))
			return k;
		if (e->flags & stop)
			return 0;
	}
	return 0;
}

/* close_named - close the nearest open element named name within the stop flags */
static void
close_named(struct html_text *ht, const char *name, const char *name2, int stop)
{
	size_t k = find_open(ht, hash_str(name), name2 ? hash_str(name2) : 0, stop);

	if (k > 0)
		pop_to(ht, k - 1);
}

/* close_li - an li, dd or dt start tag closes an open one in list item scope */
static void
close_list_item(struct html_text *ht, const char *name, const char *name2)
{
	uint32_t h = hash_str(name), h2 = name2 ? hash_str(name2) : 0;
	size_t k, end = ht->depth > CLOSE_SEARCH_MAX ? ht->depth - CLOSE_SEARCH_MAX : 0;
	static const char *const pass[] = { "address", "div", "p" };

	for (k = ht->depth; k > end; k--) {
		const struct html_elem *e = &ht->stack[k - 1];
		size_t j;

		if (e->name == h || (h2 != 0 && e->name == h2)) {
			pop_to(ht, k - 1);
			return;
		}
		if (!(e->flags & F_SPECIAL))
			continue;
		for (j = 0; j < 3 && e->name != hash_str(pass[j]); j++)
			;
		if (j == 3)
			return;
	}
}

/* push_elem - open an element; past the depth cap it replaces the top one */
static struct html_elem *
push_elem(struct html_text *ht, uint32_t name, int kind, int flags, int hidden, int block)
{
	struct html_elem *e;

	if (ht->depth >= HTML_TEXT_DEPTH_MAX)
		pop_to(ht, ht->depth - 1);	/* as browsers do: a sibling */
	e = &ht->stack[ht->depth++];
	e->name = name;
	e->kind = (unsigned char)kind;
	e->flags = (unsigned char)flags;
	e->hidden = (unsigned char)hidden;
	e->block = (unsigned char)block;
	e->closed = 0;
	e->outer = (unsigned char)hidden;
	e->afe = 0;
	ht->open[name % OPEN_BUCKETS]++;
	if (kind == K_FOREIGN)
		ht->foreign++;
	if (flags & F_MARKER)
		afe_add(ht, name, kind, flags, hidden, 1);
	return e;
}

/* push - open the element of the tag being read */
static void
push(struct html_text *ht, int t, int hidden, int block)
{
	int kind = t >= 0 ? tags[t].kind : K_OTHER, flags = t >= 0 ? tags[t].flags : 0;
	struct html_elem *e = push_elem(ht, ht->name_hash, kind, flags, hidden, block);

	if (flags & F_FORMAT)
		e->afe = afe_add(ht, ht->name_hash, kind, flags, ht->tag_hidden, 0);
}

/* reconstruct - reopen the formatting elements a block closed, before text */
static void
reconstruct(struct html_text *ht)
{
	size_t i;

	if (!ht->afe_dirty)
		return;
	ht->afe_dirty = 0;
	for (i = ht->nafe; i > 0 && ht->afe[i - 1].id != 0 && !ht->afe[i - 1].on_stack; i--)
		;
	for (; i < ht->nafe; i++) {
		struct afe *a = &ht->afe[i];
		struct html_elem *e = push_elem(ht, a->name, a->kind, a->flags,
		    want_hidden(ht) || a->hidden, 0);

		e->afe = a->id;
		a->on_stack = 1;
	}
}

/* start_raw - switch the tokenizer for a raw text or RCDATA element */
static void
start_raw(struct html_text *ht, int t, int hidden, int block)
{
	switch (tags[t].kind) {
	case K_SCRIPT:
		ht->state = S_SCRIPT;
		ht->raw_out = 0;
		break;
	case K_RAW_DROP:
		ht->state = S_RAWTEXT;
		ht->raw_out = 0;
		break;
	case K_RAW_HIDDEN:
		ht->state = S_RAWTEXT;
		ht->raw_out = 2;
		break;
	case K_RAW_TEXT:
		ht->state = S_RAWTEXT;
		ht->raw_out = hidden ? 2 : 1;
		break;
	case K_RCDATA_HIDDEN:
		ht->state = S_RCDATA;
		ht->raw_out = 2;
		break;
	default:		/* K_RCDATA_TEXT */
		ht->state = S_RCDATA;
		ht->raw_out = hidden ? 2 : 1;
		break;
	}
	ht->content = ht->state;
	ht->raw_name = tags[t].name;
	ht->raw_sheet = tags[t].kind == K_RAW_DROP && !hidden;
	if (ht->raw_sheet) {
		ht->sheet.sel_len = 0;
		ht->sheet.in_block = 0;
		ht->sheet.at_depth = 0;
		ht->sheet.comment = 0;
	}
	ht->raw_block = block;
	if (ht->raw_out == 2)
		hidden_sep(ht);
	if (block && ht->raw_out != 0)
		put(ht, ht->raw_out == 2, "\n", 1);
}

/* start_tag - the tree builder's part for a start tag */
static void
start_tag(struct html_text *ht)
{
	int t = tag_lookup(ht->name, ht->name_len);
	int kind = t >= 0 ? tags[t].kind : K_OTHER;
	int flags = t >= 0 ? tags[t].flags : 0;
	int parent_hidden, hidden, block;

	/* implied end tags (bounded searches, so tag soup stays linear) */
	if (flags & F_CLOSE_P)
		close_named(ht, "p", NULL, F_SCOPE);
	switch (kind) {
	case K_LI:
		close_list_item(ht, "li", NULL);
		break;
	case K_DDDT:
		close_list_item(ht, "dd", "dt");
		break;
	case K_HEADING:
		if (ht->depth > 0 && ht->stack[ht->depth - 1].kind == K_HEADING)
			pop_to(ht, ht->depth - 1);
		break;
	case K_CELL:
		close_named(ht, "td", "th", F_SCOPE);
		break;
	case K_TR:
		close_named(ht, "td", "th", F_SCOPE);
		close_named(ht, "tr", NULL, F_SCOPE);
		break;
	case K_OPTION:
	case K_OPTGROUP:
		if (ht->depth > 0 && ht->stack[ht->depth - 1].kind == K_OPTION)
			pop_to(ht, ht->depth - 1);
		if (kind == K_OPTGROUP && ht->depth > 0 &&
		    ht->stack[ht->depth - 1].kind == K_OPTGROUP)
			pop_to(ht, ht->depth - 1);
		break;
	case K_A: {
		long a = afe_find(ht, ht->name_hash);

		close_named(ht, "a", NULL, F_SCOPE);
		if (a >= 0)
			afe_remove(ht, (size_t)a);
		break;
	}
	case K_HEAD:
		return;		/* text in head is moved to the body: nothing to do */
	case K_BODY:
	case K_HTML:
		if (ht->open[ht->name_hash % OPEN_BUCKETS] > 0)
			return;	/* a second one only adds attributes */
		break;
	default:
		break;
	}

	/* phrasing content reopens the formatting elements a block closed */
	if (t < 0 || !(flags & F_SPECIAL) || kind == K_ALT || kind == K_BR)
		reconstruct(ht);
	parent_hidden = want_hidden(ht);
	if (kind == K_SUMMARY && ht->depth > 0 && ht->stack[ht->depth - 1].closed)
		parent_hidden = ht->stack[ht->depth - 1].outer;	/* shown when closed */
	hidden = parent_hidden || ht->tag_hidden || kind == K_TEMPLATE;
	block = (flags & F_BLOCK) != 0;
	if (ht->tag_display == D_INLINE)
		block = 0;
	else if (ht->tag_display == D_BLOCK)
		block = 1;
	if (hidden && !parent_hidden)
		hidden_sep(ht);

	if (kind == K_ALT && ht->has_alt && ht->alt.len > 0) {
		/* a browser that does not load the image shows its alt text */
		put(ht, hidden, " ", 1);
		put(ht, hidden, ht->alt.data, ht->alt.len);
		put(ht, hidden, " ", 1);
	}
	if (flags & F_VOID) {
		if (block)
			put(ht, hidden, "\n", 1);
		return;
	}
	if (ht->foreign > 0) {
		/* in SVG and MathML "/>" closes the element; no raw text there */
		if (!ht->self_closing)
			push(ht, t, hidden, block);
		return;
	}
	switch (kind) {
	case K_SCRIPT:
	case K_RAW_DROP:
	case K_RAW_HIDDEN:
	case K_RAW_TEXT:
	case K_RCDATA_HIDDEN:
	case K_RCDATA_TEXT:
		start_raw(ht, t, hidden, block);
		return;
	case K_PLAINTEXT:
		ht->state = S_PLAINTEXT;
		break;
	default:
		break;
	}
	/* "/>" on an HTML element is ignored: <div/> stays open */
	if (kind == K_DETAILS && !ht->tag_open && !hidden) {
		/* closed: the reader sees the summary, the rest only when opened */
		if (block)
			put(ht, 0, "\n", 1);
		push(ht, t, 1, block);
		ht->stack[ht->depth - 1].closed = 1;
		ht->stack[ht->depth - 1].outer = 0;
		return;
	}
	push(ht, t, hidden, block);
	if (block)
		put(ht, hidden, "\n", 1);
}

/* end_tag - the tree builder's part for an end tag */
static void
end_tag(struct html_text *ht)
{
	int t = tag_lookup(ht->name, ht->name_len);
	int kind = t >= 0 ? tags[t].kind : K_OTHER;
	int flags = t >= 0 ? tags[t].flags : 0;
	size_t k;

	if (ht->raw_closing) {
		ht->raw_closing = 0;
		ht->raw_sheet = 0;
		if (ht->raw_block && ht->raw_out != 0)
			put(ht, ht->raw_out == 2, "\n", 1);
		return;
	}
	switch (kind) {
	case K_BODY:
	case K_HTML:
	case K_HEAD:
		return;		/* text after </body> still goes into the body */
	case K_BR:
		emit(ht, "\n", 1);	/* </br> reads as <br> */
		return;
	default:
		break;
	}
	/*
	 * Formatting and special elements close when in scope; any other
	 * element only when no special element is open above it.
	 */
	if (flags & F_FORMAT) {
		/* the adoption agency, roughly: close it if open, forget it */
		long a = afe_find(ht, ht->name_hash);

		if (a >= 0 && !ht->afe[a].on_stack) {
			afe_remove(ht, (size_t)a);
			return;
		}
		k = find_open(ht, ht->name_hash, 0, F_SCOPE);
		if (k == 0)
			return;	/* not in scope: ignored */
		pop_to(ht, k - 1);
		if (a >= 0 && (a = afe_find(ht, ht->name_hash)) >= 0)
			afe_remove(ht, (size_t)a);
		return;
	}
	k = find_open(ht, ht->name_hash, 0, (flags & F_SPECIAL) ? F_SCOPE : F_SPECIAL | F_SCOPE);
	if (k > 0)
		pop_to(ht, k - 1);
	else if (kind == K_P)
		emit(ht, "\n", 1);	/* </p> alone makes an empty paragraph */
}

/* ---- attributes ---- */

/* attr_finish - the end of one attribute */
static void
attr_finish(struct html_text *ht)
{
	if (ht->attr_kind == A_STYLE)
		css_end(ht);
	else if (ht->attr_kind == A_CLASS)
		class_end(ht);
	ht->attr_kind = A_NONE;
}

/* attr_name_end - the attribute name is complete: what it means */
static void
attr_name_end(struct html_text *ht)
{
	const char *a = ht->attr;
	size_t n = ht->attr_len;
	int t;

	ht->attr_kind = A_OTHER;
	if (n == 5 && memcmp(a, "style", 5) == 0) {
		memset(&ht->css, 0, sizeof(ht->css));
		ht->attr_kind = A_STYLE;
	} else if (n == 6 && memcmp(a, "hidden", 6) == 0) {
		ht->tag_hidden = 1;
	} else if (n == 4 && memcmp(a, "open", 4) == 0) {
		ht->tag_open = 1;
	} else if (n == 5 && memcmp(a, "class", 5) == 0 && ht->nclasses > 0) {
		ht->cls_len = 0;
		ht->attr_kind = A_CLASS;
	} else if (n == 3 && memcmp(a, "alt", 3) == 0 && !ht->is_end && !ht->has_alt &&
	    (t = tag_lookup(ht->name, ht->name_len)) >= 0 && tags[t].kind == K_ALT) {
		ht->has_alt = 1;
		strbuf_reset(&ht->alt);
		ht->attr_kind = A_ALT;
	}
}

/* attr_value - decoded characters of an attribute value */
static void
attr_value(struct html_text *ht, const char *s, size_t n)
{
	size_t i;

	switch (ht->attr_kind) {
	case A_STYLE:
		for (i = 0; i < n; i++)
			css_char(&ht->css, (unsigned char)s[i]);
		break;
	case A_CLASS:
		for (i = 0; i < n; i++) {
			if (is_space(s[i]))
				class_end(ht);
			else if (ht->cls_len++ < CLASS_MAX)
				ht->cls[ht->cls_len - 1] = (char)lower((unsigned char)s[i]);
		}
		break;
	case A_ALT:
		if (ht->alt.len + n > ALT_MAX) {
			/* a huge alt text: write what is held, as if shown */
			put(ht, want_hidden(ht) || ht->tag_hidden, ht->alt.data, ht->alt.len);
			strbuf_reset(&ht->alt);
		}
		strbuf_append(&ht->alt, s, n);
		break;
	default:
		break;
	}
}

/* tag_begin - a new start or end tag token */
static void
tag_begin(struct html_text *ht, int is_end)
{
	ht->is_end = is_end;
	ht->self_closing = 0;
	ht->name_hash = HASH_INIT;
	ht->name_len = 0;
	ht->attr_kind = A_NONE;
	ht->tag_hidden = 0;
	ht->tag_display = D_UNSET;
	ht->has_alt = 0;
	ht->tag_open = 0;
	ht->cls_len = 0;
}

/* tag_name_char - one byte of the tag name */
static void
tag_name_char(struct html_text *ht, int c)
{
	c = lower(c);
	ht->name_hash = hash_byte(ht->name_hash, c);
	if (ht->name_len < NAME_KEEP)
		ht->name[ht->name_len] = (char)c;
	ht->name_len++;
}

/* tag_emit - the tag is complete */
static void
tag_emit(struct html_text *ht)
{
	attr_finish(ht);
	ht->state = S_DATA;
	if (ht->is_end)
		end_tag(ht);
	else
		start_tag(ht);
}

/* ---- character references ---- */

/* charref_out - the result of a reference, to where it was found */
static void
charref_out(struct html_text *ht, const char *s, size_t n)
{
	switch (ht->ret) {
	case S_DATA:
		reconstruct(ht);
		emit(ht, s, n);
		break;
	case S_RCDATA:
		emit_raw(ht, s, n);
		break;
	default:
		attr_value(ht, s, n);
		break;
	}
}

/* charref_cp - one code point to where the reference was found */
static void
charref_cp(struct html_text *ht, unsigned cp)
{
	char b[4];

	charref_out(ht, b, utf8_put(b, cp));
}

/* entity_find - the named reference spelt by the n bytes at s, or NULL */
static const struct html_entity *
entity_find(const char *s, size_t n)
{
	size_t lo = 0, hi = HTML_ENTITY_COUNT, mid, ml;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		ml = strlen(html_entities[mid].name);
		c = memcmp(s, html_entities[mid].name, n < ml ? n : ml);
		if (c == 0)
			c = n < ml ? -1 : n > ml ? 1 : 0;
		if (c == 0)
			return &html_entities[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * named_end - resolve the name collected after '&' with next, the
 * character after it (-1: end of input): the longest name of the table
 * that the input starts with wins.  Returns 1 when next (a ';') was
 * part of the reference.
 */
static int
named_end(struct html_text *ht, int next)
{
	const struct html_entity *e = NULL;
	size_t len = ht->ent_len, k = len;
	int semi = 0, after;

	if (next == ';') {
		ht->ent[len] = ';';
		if ((e = entity_find(ht->ent, len + 1)) != NULL)
			semi = 1;
	}
	/* names without ';' are the legacy ones, at most HTML_ENTITY_LEGACY_MAX long */
	for (k = len < HTML_ENTITY_LEGACY_MAX ? len : HTML_ENTITY_LEGACY_MAX;
	    e == NULL && k > 0; k--)
		if ((e = entity_find(ht->ent, k)) != NULL)
			break;
	if (semi)
		k = len;
	if (e != NULL && !semi && ht->ret != S_DATA && ht->ret != S_RCDATA) {
		/* in an attribute, "&amp=" and "&ampx" stay as written */
		after = k < len ? ht->ent[k] : next;
		if (after == '=' || is_alnum(after))
			e = NULL;
	}
	if (e == NULL) {
		charref_out(ht, "&", 1);
		charref_out(ht, ht->ent, len);
		return 0;
	}
	charref_cp(ht, e->cp[0]);
	if (e->cp[1] != 0)
		charref_cp(ht, e->cp[1]);
	if (k < len)
		charref_out(ht, ht->ent + k, len - k);
	return semi;
}

/* numeric_end - the code point of a numeric reference, with the spec's replacements */
static void
numeric_end(struct html_text *ht)
{
	unsigned long cp = ht->num;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	else if (cp >= 0x80 && cp <= 0x9f && c1_table[cp - 0x80] != 0)
		cp = c1_table[cp - 0x80];
	charref_cp(ht, (unsigned)cp);
}

/* num_digit - one more digit, the value saturating above U+10FFFF */
static void
num_digit(struct html_text *ht, int c, unsigned base)
{
	unsigned v = is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);

	ht->num = ht->num * base + v;
	if (ht->num > 0x10ffff)
		ht->num = 0x110000;
}

/* ---- comments ---- */

/* comment_text - comment data goes to the hidden stream, markup inside it left out */
static void
comment_text(struct html_text *ht, const char *s, size_t n)
{
	size_t i, b = 0;

	for (i = 0; i < n; i++) {
		if (ht->cmt_lt == 2) {
			if (s[i] == '>') {
				ht->cmt_lt = 0;
				b = i + 1;
			}
			continue;
		}
		if (ht->cmt_lt == 1) {
			ht->cmt_lt = 0;
			if (is_alpha(s[i]) || s[i] == '/' || s[i] == '!') {
				ht->cmt_lt = 2;
				continue;
			}
			put(ht, 1, "<", 1);
			b = i;
		}
		if (s[i] == '<') {
			put(ht, 1, s + b, i - b);
			ht->cmt_lt = 1;
			b = i + 1;
		}
	}
	if (ht->cmt_lt != 2 && n > b)
		put(ht, 1, s + b, n - b);
}

/* comment_begin - a comment or bogus comment starts */
static void
comment_begin(struct html_text *ht)
{
	hidden_sep(ht);
	ht->cmt_lt = 0;
}

/* comment_end - the comment ended */
static void
comment_end(struct html_text *ht)
{
	if (ht->cmt_lt == 1)
		put(ht, 1, "<", 1);
	ht->cmt_lt = 0;
	ht->state = S_DATA;
}

/* decl_prefix - the bytes after "<!" may still become "--", DOCTYPE or [CDATA[ */
static int
decl_match(const char *d, size_t n, const char *word, int fold)
{
	size_t i;

	if (n > strlen(word))
		return 0;
	for (i = 0; i < n; i++)
		if ((fold ? lower(d[i]) : d[i]) != word[i])
			return 0;
	return n == strlen(word) ? 2 : 1;
}

/* ---- the tokenizer ---- */

/* raw_end_fail - "</name" did not close the raw element: it is text */
static void
raw_end_fail(struct html_text *ht)
{
	if (ht->content == S_RCDATA || ht->content == S_RAWTEXT) {
		emit_raw(ht, "</", 2);
		emit_raw(ht, ht->raw_name, ht->raw_match);
	}
	ht->state = ht->content;
}

/* dbl_char - the script double-escape buffer against "script" */
static void
dbl_char(struct html_text *ht, int c)
{
	if (ht->dbl_match < 6 && lower(c) == "script"[ht->dbl_match])
		ht->dbl_match++;
	else
		ht->dbl_bad = 1;
}

/* html_text_feed - run the state machine over a chunk */
void
html_text_feed(struct html_text *ht, const char *in, size_t len)
{
	size_t i = 0, j;
	int c, m;

	while (i < len) {
		c = (unsigned char)in[i];
		switch (ht->state) {
		case S_DATA:
			for (j = i; j < len && in[j] != '<' && in[j] != '&' && in[j] != '\0'; j++)
				;
			if (j > i)
				reconstruct(ht);
			emit(ht, in + i, j - i);
			i = j;
			if (i < len) {
				if (in[i] == '<')
					ht->state = S_TAG_OPEN;
				else if (in[i] == '&') {
					ht->state = S_CHARREF;
					ht->ret = S_DATA;
				}	/* NUL: ignored in the body */
				i++;
			}
			break;
		case S_RCDATA:
			for (j = i; j < len && in[j] != '<' && in[j] != '&'; j++)
				;
			emit_raw(ht, in + i, j - i);
			i = j;
			if (i < len) {
				if (in[i] == '<')
					ht->state = S_RAW_LT;
				else {
					ht->state = S_CHARREF;
					ht->ret = S_RCDATA;
				}
				i++;
			}
			break;
		case S_RAWTEXT:
		case S_SCRIPT:
			for (j = i; j < len && in[j] != '<'; j++)
				;
			emit_raw(ht, in + i, j - i);
			i = j;
			if (i < len) {
				ht->state = S_RAW_LT;
				i++;
			}
			break;
		case S_PLAINTEXT:
			emit(ht, in + i, len - i);
			i = len;
			break;
		case S_TAG_OPEN:
			if (c == '!') {
				ht->decl_len = 0;
				ht->state = S_MARKUP_DECL;
				i++;
			} else if (c == '/') {
				ht->state = S_END_TAG_OPEN;
				i++;
			} else if (is_alpha(c)) {
				tag_begin(ht, 0);
				ht->state = S_TAG_NAME;
			} else if (c == '?') {
				comment_begin(ht);
				ht->state = S_BOGUS_COMMENT;
			} else {
				emit(ht, "<", 1);
				ht->state = S_DATA;
			}
			break;
		case S_END_TAG_OPEN:
			if (is_alpha(c)) {
				tag_begin(ht, 1);
				ht->state = S_TAG_NAME;
			} else if (c == '>') {
				ht->state = S_DATA;	/* "</>" is nothing */
				i++;
			} else {
				comment_begin(ht);
				ht->state = S_BOGUS_COMMENT;
			}
			break;
		case S_TAG_NAME:
			for (; i < len && !is_space(in[i]) && in[i] != '/' && in[i] != '>'; i++)
				tag_name_char(ht, in[i]);
			if (i == len)
				break;
			c = in[i++];
			if (c == '>')
				tag_emit(ht);
			else
				ht->state = c == '/' ? S_SELF_CLOSING : S_BEFORE_ATTR_NAME;
			break;
		case S_RAW_LT:
			if (c == '/') {
				ht->raw_match = 0;
				ht->state = S_RAW_END_OPEN;
				i++;
			} else if (ht->content == S_SCRIPT && c == '!') {
				ht->state = S_SCRIPT_ESC_START;
				i++;
			} else if (ht->content == S_SCRIPT_ESC && is_alpha(c)) {
				ht->dbl_match = 0;
				ht->dbl_bad = 0;
				ht->state = S_SCRIPT_DBL_START;
			} else {
				emit_raw(ht, "<", 1);
				ht->state = ht->content;
			}
			break;
		case S_RAW_END_OPEN:
			if (is_alpha(c))
				ht->state = S_RAW_END_NAME;
			else {
				raw_end_fail(ht);
			}
			break;
		case S_RAW_END_NAME:
			if (is_alpha(c)) {
				if (lower(c) == ht->raw_name[ht->raw_match]) {
					ht->raw_match++;
					i++;
					break;
				}
				/* not the end tag: the bytes so far and this one are text */
				raw_end_fail(ht);
				break;
			}
			if ((is_space(c) || c == '/' || c == '>') &&
			    ht->raw_name[ht->raw_match] == '\0') {
				tag_begin(ht, 1);
				for (j = 0; j < ht->raw_match; j++)
					tag_name_char(ht, ht->raw_name[j]);
				ht->raw_closing = 1;
				i++;
				if (c == '>')
					tag_emit(ht);
				else
					ht->state = c == '/' ? S_SELF_CLOSING : S_BEFORE_ATTR_NAME;
				break;
			}
			raw_end_fail(ht);
			break;
		case S_SCRIPT_ESC_START:
			if (c == '-') {
				ht->state = S_SCRIPT_ESC_START_DASH;
				i++;
			} else
				ht->state = S_SCRIPT;
			break;
		case S_SCRIPT_ESC_START_DASH:
			if (c == '-') {
				ht->content = S_SCRIPT_ESC;
				ht->state = S_SCRIPT_ESC_DASH_DASH;
				i++;
			} else
				ht->state = S_SCRIPT;
			break;
		case S_SCRIPT_ESC:
		case S_SCRIPT_ESC_DASH:
		case S_SCRIPT_ESC_DASH_DASH:
			i++;
			if (c == '-')
				ht->state = ht->state == S_SCRIPT_ESC ? S_SCRIPT_ESC_DASH :
				    S_SCRIPT_ESC_DASH_DASH;
			else if (c == '<')
				ht->state = S_RAW_LT;
			else if (c == '>' && ht->state == S_SCRIPT_ESC_DASH_DASH)
				ht->state = ht->content = S_SCRIPT;
			else
				ht->state = S_SCRIPT_ESC;
			break;
		case S_SCRIPT_DBL_START:
		case S_SCRIPT_DBL_END:
			if (is_space(c) || c == '/' || c == '>') {
				m = !ht->dbl_bad && ht->dbl_match == 6;
				if (ht->state == S_SCRIPT_DBL_START)
					ht->state = m ? S_SCRIPT_DBL : S_SCRIPT_ESC;
				else
					ht->state = m ? S_SCRIPT_ESC : S_SCRIPT_DBL;
				i++;
			} else if (is_alpha(c)) {
				dbl_char(ht, c);
				i++;
			} else
				ht->state = ht->state == S_SCRIPT_DBL_START ? S_SCRIPT_ESC :
				    S_SCRIPT_DBL;
			break;
		case S_SCRIPT_DBL:
		case S_SCRIPT_DBL_DASH:
		case S_SCRIPT_DBL_DASH_DASH:
			i++;
			if (c == '-')
				ht->state = ht->state == S_SCRIPT_DBL ? S_SCRIPT_DBL_DASH :
				    S_SCRIPT_DBL_DASH_DASH;
			else if (c == '<')
				ht->state = S_SCRIPT_DBL_LT;
			else if (c == '>' && ht->state == S_SCRIPT_DBL_DASH_DASH)
				ht->state = ht->content = S_SCRIPT;
			else
				ht->state = S_SCRIPT_DBL;
			break;
		case S_SCRIPT_DBL_LT:
			if (c == '/') {
				ht->dbl_match = 0;
				ht->dbl_bad = 0;
				ht->state = S_SCRIPT_DBL_END;
				i++;
			} else
				ht->state = S_SCRIPT_DBL;
			break;
		case S_BEFORE_ATTR_NAME:
			if (is_space(c)) {
				i++;
			} else if (c == '/' || c == '>') {
				ht->state = S_AFTER_ATTR_NAME;
			} else {
				attr_finish(ht);
				ht->attr_len = 0;
				if (c == '=') {	/* "=" starts a name here */
					ht->attr[ht->attr_len++] = '=';
					i++;
				}
				ht->state = S_ATTR_NAME;
			}
			break;
		case S_ATTR_NAME:
			if (is_space(c) || c == '/' || c == '>' || c == '=') {
				attr_name_end(ht);
				if (c == '=') {
					ht->state = S_BEFORE_ATTR_VALUE;
					i++;
				} else
					ht->state = S_AFTER_ATTR_NAME;
				break;
			}
			if (ht->attr_len < NAME_KEEP)
				ht->attr[ht->attr_len] = (char)lower(c);
			ht->attr_len++;
			i++;
			break;
		case S_AFTER_ATTR_NAME:
			if (is_space(c)) {
				i++;
			} else if (c == '/') {
				ht->state = S_SELF_CLOSING;
				i++;
			} else if (c == '=') {
				ht->state = S_BEFORE_ATTR_VALUE;
				i++;
			} else if (c == '>') {
				i++;
				tag_emit(ht);
			} else {
				attr_finish(ht);
				ht->attr_len = 0;
				ht->state = S_ATTR_NAME;
			}
			break;
		case S_BEFORE_ATTR_VALUE:
			if (is_space(c)) {
				i++;
			} else if (c == '"' || c == '\'') {
				ht->state = c == '"' ? S_ATTR_VALUE_DQ : S_ATTR_VALUE_SQ;
				i++;
			} else if (c == '>') {
				i++;
				tag_emit(ht);
			} else
				ht->state = S_ATTR_VALUE_UQ;
			break;
		case S_ATTR_VALUE_DQ:
		case S_ATTR_VALUE_SQ:
		case S_ATTR_VALUE_UQ:
			for (j = i; j < len; j++) {
				c = (unsigned char)in[j];
				if (c == '&' || c == '\0' ||
				    (ht->state == S_ATTR_VALUE_DQ ? c == '"' :
				    ht->state == S_ATTR_VALUE_SQ ? c == '\'' :
				    is_space(c) || c == '>'))
					break;
			}
			attr_value(ht, in + i, j - i);
			i = j;
			if (i == len)
				break;
			c = (unsigned char)in[i++];
			if (c == '&') {
				ht->ret = ht->state;
				ht->state = S_CHARREF;
			} else if (c == '\0')
				attr_value(ht, "\xef\xbf\xbd", 3);
			else if (c == '>')
				tag_emit(ht);
			else if (ht->state == S_ATTR_VALUE_UQ)
				ht->state = S_BEFORE_ATTR_NAME;
			else
				ht->state = S_AFTER_ATTR_VALUE_Q;
			break;
		case S_AFTER_ATTR_VALUE_Q:
			if (is_space(c)) {
				ht->state = S_BEFORE_ATTR_NAME;
				i++;
			} else if (c == '/') {
				ht->state = S_SELF_CLOSING;
				i++;
			} else if (c == '>') {
				i++;
				tag_emit(ht);
			} else
				ht->state = S_BEFORE_ATTR_NAME;
			break;
		case S_SELF_CLOSING:
			if (c == '>') {
				ht->self_closing = 1;
				i++;
				tag_emit(ht);
			} else
				ht->state = S_BEFORE_ATTR_NAME;
			break;
		case S_MARKUP_DECL:
			ht->decl[ht->decl_len++] = (char)c;
			if ((m = decl_match(ht->decl, ht->decl_len, "--", 0)) == 2) {
				comment_begin(ht);
				ht->state = S_COMMENT_START;
				i++;
				break;
			}
			if (m == 0 && (m = decl_match(ht->decl, ht->decl_len, "doctype", 1)) == 2) {
				ht->state = S_DOCTYPE;
				i++;
				break;
			}
			if (m == 0 && (m = decl_match(ht->decl, ht->decl_len, "[CDATA[", 0)) == 2 &&
			    ht->foreign > 0) {
				ht->state = S_CDATA;
				i++;
				break;
			}
			if (m == 1) {
				i++;
				break;
			}
			/* anything else (HTML CDATA too): a bogus comment from after "<!" */
			comment_begin(ht);
			comment_text(ht, ht->decl, ht->decl_len - 1);
			ht->state = S_BOGUS_COMMENT;
			if (m == 2) {	/* the last byte of "[CDATA[" */
				comment_text(ht, ht->decl + ht->decl_len - 1, 1);
				i++;
			}
			break;
		case S_BOGUS_COMMENT:
			for (j = i; j < len && in[j] != '>'; j++)
				;
			comment_text(ht, in + i, j - i);
			i = j;
			if (i < len) {
				comment_end(ht);
				i++;
			}
			break;
		case S_DOCTYPE:
			for (; i < len && in[i] != '>'; i++)
				;
			if (i < len) {
				ht->state = S_DATA;
				i++;
			}
			break;
		case S_COMMENT_START:
		case S_COMMENT_START_DASH:
			if (c == '>') {	/* <!--> and <!---> are whole comments */
				comment_end(ht);
				i++;
			} else if (c == '-' && ht->state == S_COMMENT_START) {
				ht->state = S_COMMENT_START_DASH;
				i++;
			} else if (c == '-') {
				ht->state = S_COMMENT_END;
				i++;
			} else {
				if (ht->state == S_COMMENT_START_DASH)
					comment_text(ht, "-", 1);
				ht->state = S_COMMENT;
			}
			break;
		case S_COMMENT:
			for (j = i; j < len && in[j] != '-'; j++)
				;
			comment_text(ht, in + i, j - i);
			i = j;
			if (i < len) {
				ht->state = S_COMMENT_END_DASH;
				i++;
			}
			break;
		case S_COMMENT_END_DASH:
			if (c == '-') {
				ht->state = S_COMMENT_END;
				i++;
			} else {
				comment_text(ht, "-", 1);
				ht->state = S_COMMENT;
			}
			break;
		case S_COMMENT_END:
			if (c == '>') {
				comment_end(ht);
				i++;
			} else if (c == '!') {
				ht->state = S_COMMENT_END_BANG;
				i++;
			} else if (c == '-') {
				comment_text(ht, "-", 1);
				i++;
			} else {
				comment_text(ht, "--", 2);
				ht->state = S_COMMENT;
			}
			break;
		case S_COMMENT_END_BANG:
			if (c == '>') {	/* --!> closes a comment */
				comment_end(ht);
				i++;
			} else if (c == '-') {
				comment_text(ht, "--!", 3);
				ht->state = S_COMMENT_END_DASH;
				i++;
			} else {
				comment_text(ht, "--!", 3);
				ht->state = S_COMMENT;
			}
			break;
		case S_CDATA:
			for (j = i; j < len && in[j] != ']'; j++)
				;
			emit(ht, in + i, j - i);
			i = j;
			if (i < len) {
				ht->state = S_CDATA_BRACKET;
				i++;
			}
			break;
		case S_CDATA_BRACKET:
			if (c == ']') {
				ht->state = S_CDATA_END;
				i++;
			} else {
				emit(ht, "]", 1);
				ht->state = S_CDATA;
			}
			break;
		case S_CDATA_END:
			if (c == ']') {
				emit(ht, "]", 1);
				i++;
			} else if (c == '>') {
				ht->state = S_DATA;
				i++;
			} else {
				emit(ht, "]]", 2);
				ht->state = S_CDATA;
			}
			break;
		case S_CHARREF:
			if (is_alnum(c)) {
				ht->ent_len = 0;
				ht->state = S_CHARREF_NAMED;
			} else if (c == '#') {
				ht->state = S_CHARREF_NUM;
				i++;
			} else {
				charref_out(ht, "&", 1);
				ht->state = ht->ret;
			}
			break;
		case S_CHARREF_NAMED:
			if (is_alnum(c) && ht->ent_len < HTML_ENTITY_NAME_MAX - 1) {
				ht->ent[ht->ent_len++] = (char)c;
				i++;
				break;
			}
			i += (size_t)named_end(ht, c);
			ht->state = ht->ret;
			break;
		case S_CHARREF_NUM:
			ht->num = 0;
			if (c == 'x' || c == 'X') {
				ht->num_x = (char)c;
				ht->state = S_CHARREF_HEX_START;
				i++;
			} else
				ht->state = S_CHARREF_DEC_START;
			break;
		case S_CHARREF_HEX_START:
		case S_CHARREF_DEC_START:
			if (ht->state == S_CHARREF_HEX_START ? is_hex(c) : is_digit(c)) {
				ht->state = ht->state == S_CHARREF_HEX_START ? S_CHARREF_HEX :
				    S_CHARREF_DEC;
				break;
			}
			/* no digits: the text stays as written */
			charref_out(ht, "&#", 2);
			if (ht->state == S_CHARREF_HEX_START)
				charref_out(ht, &ht->num_x, 1);
			ht->state = ht->ret;
			break;
		case S_CHARREF_HEX:
		case S_CHARREF_DEC:
			if (ht->state == S_CHARREF_HEX ? is_hex(c) : is_digit(c)) {
				num_digit(ht, c, ht->state == S_CHARREF_HEX ? 16 : 10);
				i++;
				break;
			}
			if (c == ';')
				i++;
			numeric_end(ht);
			ht->state = ht->ret;
			break;
		}
	}
	flush(ht);
}

/* charref_eof - a reference cut by the end of the input */
static void
charref_eof(struct html_text *ht)
{
	switch (ht->state) {
	case S_CHARREF:
		charref_out(ht, "&", 1);
		break;
	case S_CHARREF_NAMED:
		named_end(ht, -1);
		break;
	case S_CHARREF_NUM:
	case S_CHARREF_DEC_START:
		charref_out(ht, "&#", 2);
		break;
	case S_CHARREF_HEX_START:
		charref_out(ht, "&#", 2);
		charref_out(ht, &ht->num_x, 1);
		break;
	case S_CHARREF_HEX:
	case S_CHARREF_DEC:
		numeric_end(ht);
		break;
	default:
		return;
	}
	ht->state = ht->ret;
}

/* html_text_end - finish the part: what the end of input means in each state */
void
html_text_end(struct html_text *ht)
{
	charref_eof(ht);
	switch (ht->state) {
	case S_TAG_OPEN:
		emit(ht, "<", 1);
		break;
	case S_END_TAG_OPEN:
		emit(ht, "</", 2);
		break;
	case S_RAW_LT:
		emit_raw(ht, "<", 1);
		break;
	case S_RAW_END_OPEN:
	case S_RAW_END_NAME:
		raw_end_fail(ht);
		break;
	case S_MARKUP_DECL:	/* "<!" and a prefix: an empty-ish bogus comment */
		comment_begin(ht);
		comment_text(ht, ht->decl, ht->decl_len);
		comment_end(ht);
		break;
	case S_COMMENT_END_DASH:
	case S_COMMENT_START_DASH:
	case S_COMMENT_END:
	case S_COMMENT_END_BANG:
	case S_COMMENT:
	case S_BOGUS_COMMENT:
		comment_end(ht);
		break;
	case S_CDATA_BRACKET:
		emit(ht, "]", 1);
		break;
	case S_CDATA_END:
		emit(ht, "]]", 2);
		break;
	default:
		break;
	}
	ht->state = S_DATA;
	pop_to(ht, 0);
	flush(ht);
	msg_text_body_end(ht->mt);
	ht->raw_closing = 0;
}
