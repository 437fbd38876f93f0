/* html_text_private - the parser's state, shared by the html_* modules only */
#ifndef CSP_HTML_TEXT_PRIVATE_H
#define CSP_HTML_TEXT_PRIVATE_H

/*
 * The html_text module is one parser cut into files along its seams: the
 * tokenizer (html_text.c, the public interface), the tree builder
 * (html_tree.c), character references (html_charref.c), the two output
 * streams and comments (html_out.c) and CSS (html_css.c, which needs no
 * parser state).  They share struct html_text through this header, which
 * nothing outside those files includes.
 */
#include <stdint.h>

#include "html_css.h"
#include "html_text.h"
#include "strbuf.h"

#define NAME_KEEP	16	/* bytes of a tag or attribute name kept for lookups */
#define ALT_MAX		65536	/* alt text held until its tag ends */
#define OUT_FLUSH	65536	/* decoded text held before it goes to the msg_text */
#define OPEN_BUCKETS	1024	/* counts of open elements by name hash */
#define CLOSE_SEARCH_MAX 64	/* open elements an end or start tag may close at once */
#define CHARREF_NAME_MAX 32	/* HTML_ENTITY_NAME_MAX of html_entities.inc */

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

enum attr_kind { A_NONE, A_OTHER, A_STYLE, A_ALT, A_CLASS, A_FG, A_BG };

#define COLOR_ATTR_MAX	64	/* bytes of a color or bgcolor attribute read */

struct html_elem {
	uint32_t name;		/* hash of the lower-cased tag name */
	unsigned char kind;
	unsigned char flags;
	unsigned char hidden;	/* its content is hidden from the reader */
	unsigned char block;	/* breaks lines (its CSS display included) */
	unsigned char closed;	/* a closed details element: only its summary shows */
	unsigned char outer;	/* hidden outside it (for that summary) */
	unsigned char hard;	/* hidden whatever the colours (hidden minus colour) */
	uint32_t afe;		/* id of its active formatting entry, 0: none */
	uint32_t fg, bg;	/* the text and background colours there (CSS_RGB) */
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
	uint32_t fg;		/* its own text colour, 0: inherited */
	unsigned char kind, flags, hidden, on_stack;
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
	enum html_display tag_display;
	struct strbuf alt;
	struct html_css css;
	int tag_open;		/* the open attribute (details) */
	char cls[HTML_CLASS_MAX + 1];	/* the class name being read */
	size_t cls_len;
	uint32_t attr_fg, attr_bg;	/* font color, body text; bgcolor, background */
	uint32_t cls_fg, cls_bg;	/* colours from its classes' rules */
	uint32_t style_fg, style_bg;	/* colours of its style attribute */
	uint32_t tag_fg;	/* its own text colour, all sources resolved */
	char colval[COLOR_ATTR_MAX];	/* the colour attribute being read */
	size_t colval_len;

	/* classes hidden by the part's <style> blocks */
	struct html_sheet sheet;
	int raw_sheet;		/* the raw text is a style sheet */

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
	char ent[CHARREF_NAME_MAX + 1];
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

/* The tokenizer's character classes (ASCII only, whatever the locale). */
static inline int
html_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
html_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
html_is_alnum(int c)
{
	return html_is_alpha(c) || html_is_digit(c);
}

static inline int
html_is_hex(int c)
{
	return html_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* html_is_space - the tokenizer's white space (CR counts: the input is not preprocessed) */
static inline int
html_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static inline int
html_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* html_out.c: the visible and hidden streams, comments */
void html_flush(struct html_text *ht);
void html_put(struct html_text *ht, int hidden, const char *s, size_t n);
void html_hidden_sep(struct html_text *ht);
int html_want_hidden(const struct html_text *ht);
void html_emit(struct html_text *ht, const char *s, size_t n);
void html_emit_raw(struct html_text *ht, const char *s, size_t n);
void html_comment_text(struct html_text *ht, const char *s, size_t n);
void html_comment_begin(struct html_text *ht);
void html_comment_end(struct html_text *ht);

/* html_tree.c: open elements, tags and their attributes */
void html_tree_reset(struct html_text *ht);
void html_pop_to(struct html_text *ht, size_t depth);
void html_reconstruct(struct html_text *ht);
void html_attr_finish(struct html_text *ht);
void html_attr_name_end(struct html_text *ht);
void html_attr_value(struct html_text *ht, const char *s, size_t n);
void html_tag_begin(struct html_text *ht, int is_end);
void html_tag_name_char(struct html_text *ht, int c);
void html_tag_emit(struct html_text *ht);

/*
 * A name of n bytes to look up with bsearch in a table sorted by strcmp
 * whose entries start with their name (tags, entities).
 */
struct html_name_key {
	const char *s;
	size_t n;
};
int html_name_cmp(const void *key, const void *entry);

/* html_charref.c: character references, to where they were found */
void html_charref_out(struct html_text *ht, const char *s, size_t n);
int html_charref_named_end(struct html_text *ht, int next);
void html_charref_numeric_end(struct html_text *ht);
void html_charref_digit(struct html_text *ht, int c, unsigned base);
void html_charref_eof(struct html_text *ht);

#endif
