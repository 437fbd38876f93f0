/* html_text tree builder - open elements, implied end tags, formatting reopened, attributes */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html_text_private.h"

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

/*
 * tag_cmp - s (n bytes) against a table name, in the order of
 * html_name_cmp (bytes as unsigned, a prefix first), without its strlen
 * and memcmp calls: names mostly differ at the first byte.
 */
static inline int
tag_cmp(const char *s, size_t n, const char *t)
{
	size_t i;

	for (i = 0; i < n && t[i] != '\0'; i++)
		if (s[i] != t[i])
			return (unsigned char)s[i] < (unsigned char)t[i] ? -1 : 1;
	return i < n ? 1 : t[i] != '\0' ? -1 : 0;
}

/* tag_lookup - the index in tags[] of a lower-case tag name, or -1: once per tag */
static int
tag_lookup(const char *name, size_t len)
{
	size_t lo = 0, hi = sizeof(tags) / sizeof(tags[0]), mid;
	int c;

	if (len > NAME_KEEP)
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = tag_cmp(name, len, tags[mid].name)) == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* css_end - the end of the style attribute */
static void
css_end(struct html_text *ht)
{
	if (html_css_finish(&ht->css))
		ht->tag_hidden = 1;
	if (ht->css.display != D_UNSET)
		ht->tag_display = ht->css.display;
	ht->style_fg = ht->css.fg;
	ht->style_bg = ht->css.bg;
}

/* class_end - a class name of the tag is complete: does a style block hide it */
static void
class_end(struct html_text *ht)
{
	if (ht->cls_len > 0 && ht->cls_len <= HTML_CLASS_MAX) {
		ht->cls[ht->cls_len] = '\0';
		if (html_sheet_hides(&ht->sheet, ht->cls))
			ht->tag_hidden = 1;
		if (ht->sheet.ncolors > 0) {
			uint32_t fg, bg;

			html_sheet_colors(&ht->sheet, ht->cls, &fg, &bg);
			if (fg != 0)
				ht->cls_fg = fg;
			if (bg != 0)
				ht->cls_bg = bg;
		}
	}
	ht->cls_len = 0;
}

/* ---- open elements ---- */

/* afe_add - a new entry (0: a marker) at the end of the list */
static uint32_t
afe_add(struct html_text *ht, uint32_t name, int kind, int flags, int hidden, uint32_t fg,
    int marker)
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
	a->fg = fg;
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

/* html_pop_to - close the open elements from the top down to depth */
void
html_pop_to(struct html_text *ht, size_t depth)
{
	while (ht->depth > depth) {
		struct html_elem *e = &ht->stack[--ht->depth];

		if (e->block)
			html_put(ht, e->hidden, "\n", 1);
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
		html_pop_to(ht, k - 1);
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
			html_pop_to(ht, k - 1);
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

/*
 * push_elem - open an element (hidden: from the reader; hard: whatever
 * the colours; fg, bg: its colours); past the depth cap it replaces the
 * top one.
 */
static struct html_elem *
push_elem(struct html_text *ht, uint32_t name, int kind, int flags, int hidden, int hard,
    int block, uint32_t fg, uint32_t bg)
{
	struct html_elem *e;

	if (ht->depth >= HTML_TEXT_DEPTH_MAX)
		html_pop_to(ht, ht->depth - 1);	/* as browsers do: a sibling */
	e = &ht->stack[ht->depth++];
	e->name = name;
	e->kind = (unsigned char)kind;
	e->flags = (unsigned char)flags;
	e->hidden = (unsigned char)hidden;
	e->block = (unsigned char)block;
	e->closed = 0;
	e->outer = (unsigned char)hidden;
	e->hard = (unsigned char)hard;
	e->fg = fg;
	e->bg = bg;
	e->afe = 0;
	ht->open[name % OPEN_BUCKETS]++;
	if (kind == K_FOREIGN)
		ht->foreign++;
	if (flags & F_MARKER)
		afe_add(ht, name, kind, flags, hidden, 0, 1);
	return e;
}

/* push - open the element of the tag being read */
static void
push(struct html_text *ht, int t, int hidden, int hard, int block, uint32_t fg, uint32_t bg)
{
	int kind = t >= 0 ? tags[t].kind : K_OTHER, flags = t >= 0 ? tags[t].flags : 0;
	struct html_elem *e = push_elem(ht, ht->name_hash, kind, flags, hidden, hard, block,
	    fg, bg);

	if (flags & F_FORMAT)
		e->afe = afe_add(ht, ht->name_hash, kind, flags, ht->tag_hidden, ht->tag_fg, 0);
}

/*
 * colour_hidden - is text of colour fg on bg hidden, under top; own:
 * the element sets a colour (else it is as its parent's text is)
 */
static int
colour_hidden(const struct html_elem *top, int own, uint32_t fg, uint32_t bg)
{
	if (!own)
		return top != NULL && top->hidden && !top->hard;
	return html_color_hides(fg, bg);
}

/* html_reconstruct - reopen the formatting elements a block closed, before text */
void
html_reconstruct(struct html_text *ht)
{
	size_t i;

	if (!ht->afe_dirty)
		return;
	ht->afe_dirty = 0;
	for (i = ht->nafe; i > 0 && ht->afe[i - 1].id != 0 && !ht->afe[i - 1].on_stack; i--)
		;
	for (; i < ht->nafe; i++) {
		struct afe *a = &ht->afe[i];
		const struct html_elem *top = ht->depth > 0 ? &ht->stack[ht->depth - 1] : NULL;
		uint32_t fg = a->fg != 0 ? a->fg : top != NULL ? top->fg : CSS_PAGE_FG;
		uint32_t bg = top != NULL ? top->bg : CSS_PAGE_BG;
		int hard = (top != NULL && top->hard) || a->hidden;
		struct html_elem *e = push_elem(ht, a->name, a->kind, a->flags,
		    hard || colour_hidden(top, a->fg != 0, fg, bg), hard, 0, fg, bg);

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
	if (ht->raw_sheet)
		html_sheet_begin(&ht->sheet);
	ht->raw_block = block;
	if (ht->raw_out == 2)
		html_hidden_sep(ht);
	if (block && ht->raw_out != 0)
		html_put(ht, ht->raw_out == 2, "\n", 1);
}

/* start_tag - the tree builder's part for a start tag */
static void
start_tag(struct html_text *ht)
{
	int t = tag_lookup(ht->name, ht->name_len);
	int kind = t >= 0 ? tags[t].kind : K_OTHER;
	int flags = t >= 0 ? tags[t].flags : 0;
	int parent_hidden, parent_hard, hidden, hard, block;
	const struct html_elem *top;
	uint32_t own_bg, fg, bg, type_fg = 0, type_bg = 0;

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
			html_pop_to(ht, ht->depth - 1);
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
			html_pop_to(ht, ht->depth - 1);
		if (kind == K_OPTGROUP && ht->depth > 0 &&
		    ht->stack[ht->depth - 1].kind == K_OPTGROUP)
			html_pop_to(ht, ht->depth - 1);
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
		html_reconstruct(ht);
	top = ht->depth > 0 ? &ht->stack[ht->depth - 1] : NULL;
	parent_hidden = html_want_hidden(ht);
	parent_hard = top != NULL && top->hard;
	if (kind == K_SUMMARY && top != NULL && top->closed)
		parent_hidden = parent_hard = top->outer;	/* shown when closed */
	hard = parent_hard || ht->tag_hidden || kind == K_TEMPLATE;

	/* the colours: a style attribute, class rules, type rules, then attributes */
	if (ht->sheet.ntags > 0 && ht->name_len <= NAME_KEEP)
		html_sheet_tag_colors(&ht->sheet, ht->name, ht->name_len, &type_fg, &type_bg);
	ht->tag_fg = ht->style_fg != 0 ? ht->style_fg : ht->cls_fg != 0 ? ht->cls_fg :
	    type_fg != 0 ? type_fg : ht->attr_fg;
	if (ht->tag_fg == 0 && kind == K_A)
		ht->tag_fg = CSS_LINK_FG;	/* links have their own colour */
	own_bg = ht->style_bg != 0 ? ht->style_bg : ht->cls_bg != 0 ? ht->cls_bg :
	    type_bg != 0 ? type_bg : ht->attr_bg;
	fg = ht->tag_fg != 0 ? ht->tag_fg : top != NULL ? top->fg : CSS_PAGE_FG;
	bg = own_bg != 0 ? own_bg : top != NULL ? top->bg : CSS_PAGE_BG;
	hidden = hard || colour_hidden(top, ht->tag_fg != 0 || own_bg != 0, fg, bg);
	block = (flags & F_BLOCK) != 0;
	if (ht->tag_display == D_INLINE)
		block = 0;
	else if (ht->tag_display == D_BLOCK)
		block = 1;
	if (hidden && !parent_hidden)
		html_hidden_sep(ht);

	if (kind == K_ALT && ht->has_alt && ht->alt.len > 0) {
		/* a browser that does not load the image shows its alt text */
		html_put(ht, hidden, " ", 1);
		html_put(ht, hidden, ht->alt.data, ht->alt.len);
		html_put(ht, hidden, " ", 1);
	}
	if (flags & F_VOID) {
		if (block)
			html_put(ht, hidden, "\n", 1);
		return;
	}
	if (ht->foreign > 0) {
		/* in SVG and MathML "/>" closes the element; no raw text there */
		if (!ht->self_closing)
			push(ht, t, hidden, hard, block, fg, bg);
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
			html_put(ht, 0, "\n", 1);
		push(ht, t, 1, 1, block, fg, bg);
		ht->stack[ht->depth - 1].closed = 1;
		ht->stack[ht->depth - 1].outer = 0;
		return;
	}
	push(ht, t, hidden, hard, block, fg, bg);
	if (block)
		html_put(ht, hidden, "\n", 1);
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
			html_put(ht, ht->raw_out == 2, "\n", 1);
		return;
	}
	switch (kind) {
	case K_BODY:
	case K_HTML:
	case K_HEAD:
		return;		/* text after </body> still goes into the body */
	case K_BR:
		html_emit(ht, "\n", 1);	/* </br> reads as <br> */
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
		html_pop_to(ht, k - 1);
		if (a >= 0 && (a = afe_find(ht, ht->name_hash)) >= 0)
			afe_remove(ht, (size_t)a);
		return;
	}
	k = find_open(ht, ht->name_hash, 0, (flags & F_SPECIAL) ? F_SCOPE : F_SPECIAL | F_SCOPE);
	if (k > 0)
		html_pop_to(ht, k - 1);
	else if (kind == K_P)
		html_emit(ht, "\n", 1);	/* </p> alone makes an empty paragraph */
}

/* ---- attributes ---- */

/* color_attr_end - a color, text or bgcolor attribute is complete */
static void
color_attr_end(struct html_text *ht)
{
	uint32_t rgb, c;

	if (ht->colval_len > COLOR_ATTR_MAX)
		c = CSS_COLOR_UNKNOWN;	/* too long to read */
	else
		c = html_legacy_color(ht->colval, ht->colval_len, &rgb) ? CSS_RGB(rgb) : 0;
	if (ht->attr_kind == A_FG)
		ht->attr_fg = c;
	else if (c != 0)
		ht->attr_bg = c;
}

/* tag_is - the tag being read is one of names (NULL-terminated) */
static int
tag_is(const struct html_text *ht, const char *const *names)
{
	for (; *names != NULL; names++)
		if (ht->name_len == strlen(*names) && memcmp(ht->name, *names, ht->name_len) == 0)
			return 1;
	return 0;
}

/* The elements whose bgcolor and background attributes paint a background. */
static const char *const bg_tags[] = {
	"body", "div", "table", "tbody", "td", "tfoot", "th", "thead", "tr", NULL
};
static const char *const font_tag[] = { "font", NULL };
static const char *const body_tag[] = { "body", NULL };

/* html_attr_finish - the end of one attribute */
void
html_attr_finish(struct html_text *ht)
{
	if (ht->attr_kind == A_STYLE)
		css_end(ht);
	else if (ht->attr_kind == A_CLASS)
		class_end(ht);
	else if (ht->attr_kind == A_FG || ht->attr_kind == A_BG)
		color_attr_end(ht);
	ht->attr_kind = A_NONE;
}

/* html_attr_name_end - the attribute name is complete: what it means */
void
html_attr_name_end(struct html_text *ht)
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
	} else if (((n == 5 && memcmp(a, "color", 5) == 0 && tag_is(ht, font_tag)) ||
	    (n == 4 && memcmp(a, "text", 4) == 0 && tag_is(ht, body_tag))) && !ht->is_end) {
		ht->colval_len = 0;
		ht->attr_kind = A_FG;
	} else if (n == 7 && memcmp(a, "bgcolor", 7) == 0 && !ht->is_end && tag_is(ht, bg_tags)) {
		ht->colval_len = 0;
		ht->attr_kind = A_BG;
	} else if (n == 10 && memcmp(a, "background", 10) == 0 && !ht->is_end &&
	    tag_is(ht, bg_tags)) {
		if (ht->attr_bg == 0)
			ht->attr_bg = CSS_COLOR_UNKNOWN;	/* an image; bgcolor shows without it */
	} else if (n == 5 && memcmp(a, "class", 5) == 0 &&
	    (ht->sheet.nclasses > 0 || ht->sheet.ncolors > 0)) {
		ht->cls_len = 0;
		ht->attr_kind = A_CLASS;
	} else if (n == 3 && memcmp(a, "alt", 3) == 0 && !ht->is_end && !ht->has_alt &&
	    (t = tag_lookup(ht->name, ht->name_len)) >= 0 && tags[t].kind == K_ALT) {
		ht->has_alt = 1;
		strbuf_reset(&ht->alt);
		ht->attr_kind = A_ALT;
	}
}

/* html_attr_value - decoded characters of an attribute value */
void
html_attr_value(struct html_text *ht, const char *s, size_t n)
{
	size_t i;

	switch (ht->attr_kind) {
	case A_STYLE:
		html_css_feed(&ht->css, s, n);
		break;
	case A_CLASS:
		for (i = 0; i < n; i++) {
			if (html_is_space(s[i]))
				class_end(ht);
			else if (ht->cls_len++ < HTML_CLASS_MAX)
				ht->cls[ht->cls_len - 1] = (char)html_lower((unsigned char)s[i]);
		}
		break;
	case A_FG:
	case A_BG:
		for (i = 0; i < n && ht->colval_len <= COLOR_ATTR_MAX; i++, ht->colval_len++)
			if (ht->colval_len < COLOR_ATTR_MAX)
				ht->colval[ht->colval_len] = s[i];
		break;
	case A_ALT:
		if (ht->alt.len + n > ALT_MAX) {
			/* a huge alt text: write what is held, as if shown */
			html_put(ht, html_want_hidden(ht) || ht->tag_hidden, ht->alt.data, ht->alt.len);
			strbuf_reset(&ht->alt);
		}
		strbuf_append(&ht->alt, s, n);
		break;
	default:
		break;
	}
}

/* html_tag_begin - a new start or end tag token */
void
html_tag_begin(struct html_text *ht, int is_end)
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
	ht->attr_fg = ht->attr_bg = ht->cls_fg = ht->cls_bg = 0;
	ht->style_fg = ht->style_bg = ht->tag_fg = 0;
}

/* html_tag_name_char - one byte of the tag name */
void
html_tag_name_char(struct html_text *ht, int c)
{
	c = html_lower(c);
	ht->name_hash = hash_byte(ht->name_hash, c);
	if (ht->name_len < NAME_KEEP)
		ht->name[ht->name_len] = (char)c;
	ht->name_len++;
}

/* html_tag_emit - the tag is complete */
void
html_tag_emit(struct html_text *ht)
{
	html_attr_finish(ht);
	ht->state = S_DATA;
	if (ht->is_end)
		end_tag(ht);
	else
		start_tag(ht);
}
