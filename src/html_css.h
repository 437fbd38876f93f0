/* html_css - the CSS that hides text: style attributes and simple class rules */
#ifndef CSP_HTML_CSS_H
#define CSP_HTML_CSS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fed one decoded character at a time (the caller has already resolved
 * character references), so a declaration may be cut anywhere.  Which
 * declarations hide is listed in html_text.h.  Plain structs, owned and
 * embedded by the caller; no allocation; not thread-safe per object.
 */
#define CSS_PROP_MAX	32
#define CSS_VALUE_MAX	64
#define SHEET_CLASSES	64	/* hiding classes remembered from <style> blocks */
#define HTML_CLASS_MAX	48	/* bytes of a class name */
#define SELECTOR_MAX	512	/* bytes of a selector list kept */

enum html_display { D_UNSET, D_INLINE, D_BLOCK };

/*
 * A colour: 0 when not given (inherited, or a transparent background
 * that shows the parent's), CSS_RGB(0xRRGGBB) for an opaque one, and
 * CSS_COLOR_UNKNOWN when given but not read (an image, a function we do
 * not parse): no judgement is made about such text.
 */
#define CSS_COLOR_SET		0x1000000u
#define CSS_COLOR_UNKNOWN	0x2000000u
#define CSS_RGB(x)		((uint32_t)(x) | CSS_COLOR_SET)
#define CSS_PAGE_FG		CSS_RGB(0x000000)	/* a mail reader's defaults */
#define CSS_PAGE_BG		CSS_RGB(0xffffff)
#define CSS_LINK_FG		CSS_RGB(0x0000ee)
#define SHEET_COLOR_CLASSES 64	/* classes given a colour by <style> blocks */
#define SHEET_COLOR_TAGS 16	/* element names given a colour ("body { ... }") */

/* One style attribute, scanned as its decoded characters arrive. */
struct html_css {
	char prop[CSS_PROP_MAX];
	char val[CSS_VALUE_MAX];
	size_t plen, vlen;
	int in_value;
	int comment;		/* 1: after '/', 2: inside, 3: inside after '*' */
	int esc;		/* 1 + hex digits of a backslash escape */
	unsigned esc_cp;
	char quote;
	int hide, zero_box, overflow_hidden;
	enum html_display display;
	uint32_t fg, bg;	/* color, background(-color): see CSS_RGB */
	int bg_image;		/* a background image: its colour is unknown */
};

/* A <style> block, scanned for rules that hide a class. */
struct html_sheet {
	char sel[SELECTOR_MAX];
	size_t sel_len;
	int in_block;
	int at_depth;		/* inside @media and the like: conditional, not counted */
	int comment;		/* as in struct html_css, for the selector */
	struct html_css css;
	char classes[SHEET_CLASSES][HTML_CLASS_MAX + 1];	/* lower case */
	size_t nclasses;
	struct sheet_color {
		char name[HTML_CLASS_MAX + 1];
		uint32_t fg, bg;
	} colors[SHEET_COLOR_CLASSES];	/* classes that set a colour */
	size_t ncolors;
	struct sheet_color tags[SHEET_COLOR_TAGS];	/* "p { color: ... }" */
	size_t ntags;
};

/* html_css_char - one decoded character of a declaration block (zeroed at its start) */
void html_css_char(struct html_css *c, int ch);
/* html_css_feed - n decoded characters, as html_css_char one at a time */
void html_css_feed(struct html_css *c, const char *s, size_t n);
/* html_css_finish - the end of a declaration block: 1 when it hides */
int html_css_finish(struct html_css *c);
/* html_sheet_begin - a <style> element starts; the classes already found stay */
void html_sheet_begin(struct html_sheet *sh);
/* html_sheet_feed - text of a <style> element */
void html_sheet_feed(struct html_sheet *sh, const char *s, size_t n);
/* html_sheet_hides - does a rule seen so far hide class cls (lower case) */
int html_sheet_hides(const struct html_sheet *sh, const char *cls);
/* html_sheet_colors - the colours rules seen so far give class cls (0: none) */
void html_sheet_colors(const struct html_sheet *sh, const char *cls, uint32_t *fg, uint32_t *bg);
/* html_sheet_tag_colors - the colours type selectors give element name (n bytes, lower case) */
void html_sheet_tag_colors(const struct html_sheet *sh, const char *name, size_t n,
    uint32_t *fg, uint32_t *bg);

/*
 * html_css_color - a CSS colour value (lower case): named, #rgb(a),
 * #rrggbb(aa), rgb[a](), hsl[a]().  1 and *rgb for an opaque colour, 0 for
 * a transparent one (alpha below 0.05), -1 when not a colour we read.
 */
int html_css_color(const char *s, size_t n, uint32_t *rgb);
/* html_legacy_color - an HTML colour attribute (bgcolor, font color): 1 and *rgb, or 0 (ignored) */
int html_legacy_color(const char *s, size_t n, uint32_t *rgb);
/*
 * html_color_hides - text of colour fg on background bg cannot be told
 * from it: no channel more than 16 apart, or a contrast ratio below 1.1.
 * 0 when either is not known.
 */
int html_color_hides(uint32_t fg, uint32_t bg);

#endif
