/* html_text - streaming HTML to plain text, with hidden-text detection */
#ifndef CSP_HTML_TEXT_H
#define CSP_HTML_TEXT_H

#include <stddef.h>
#include "msg_text.h"

/*
 * Input is UTF-8 HTML (charset conversion happens before), fed in chunks
 * cut at any byte: a tag, comment or reference may straddle two chunks.
 *
 * Tokenizing follows the WHATWG HTML Living Standard ("Tokenization"):
 * comments end at "-->", at "<!-->" and "<!--->" and at "--!>"; "<!" not
 * followed by "--", DOCTYPE or (in SVG/MathML) "[CDATA[", "<?" and "</"
 * followed by a non-letter open bogus comments that end at '>' (so CDATA in
 * HTML is a bogus comment); title and textarea are RCDATA, style, xmp,
 * iframe, noembed and noframes are raw text, script content follows the
 * script data states (escapes and double escapes included), plaintext
 * takes the rest of the input.  Character references: all 2,231 named
 * references of WHATWG's entities.json (src/html_entities.inc, made by
 * tools/gen_html_entities.py from data/entities.json), the longest name
 * the input starts with ("&notit;" reads "¬it;"), the legacy names without
 * ';' (not in attributes before '=' or a letter or digit), numeric
 * references with or without ';' and with leading zeros; 0, surrogates
 * and values past U+10FFFF read U+FFFD, 0x80-0x9F read as windows-1252.
 *
 * What goes where.  The visible body (msg_text_body_append) gets the text
 * a reader sees: inline tags never split a word, block elements (and
 * br, and CSS display:block) become line breaks, `<img>`/`<area>` alt text
 * is shown between spaces as a browser that does not load images shows it,
 * textarea and xmp are text, and noscript is text (mail clients run no
 * scripts).  The hidden stream (msg_text_hidden_append, which does not
 * break the visible run, so "inv<span hidden>z</span>oice" reads
 * "invoice") gets what the reader does not see: comment and bogus comment
 * text (markup inside left out), title, template, iframe, noembed and
 * noframes content, and the content of elements hidden by the hidden
 * attribute or an inline style: display:none, visibility:hidden|collapse,
 * opacity below 0.05, a font size below 2px/1.5pt/0.1em/10% (font
 * shorthand too), max-height:0, a zero height/width/max-width/max-height
 * (or at most 1px, or a line-height of 0) with overflow hidden,
 * color:transparent, mso-hide:all, text-indent/left/top/
 * margin-left/margin-top at -999 or beyond, clip:rect(0...) and
 * transform:scale(0); also elements whose class a <style> block hides
 * with a simple rule (".x" or "tag.x", outside @media, seen before the
 * element), and a closed <details> but for its summary.  Text whose
 * colour cannot be told from its background is hidden too: each open
 * element carries the text colour (CSS color, -webkit-text-fill-color,
 * <font color>, <body text>, links blue) and the background (CSS
 * background-color, the colour of background, bgcolor on body, div and
 * the table elements; a background image without a colour: unknown, no
 * judgement), from a style attribute, else a class rule, else a type
 * rule, else the attribute, inherited otherwise, on a white page with black text;
 * html_color_hides decides.  A style hides
 * when any of its declarations does (comments and backslash escapes read
 * as CSS reads them): reading too much as hidden only makes a decision
 * stricter.  A bare type selector ("body", "p", "td") counts for its
 * colours only (specificity: style attribute, class rule, type rule, then
 * the attributes).  Not covered: other selectors, rules after the element, colours a function we do not read gives
 * (var(), color-mix()).  aria-hidden does not hide.  Script
 * and style content is dropped.  Text in <head> is text: HTML5 moves it
 * into the body.
 *
 * Tree building is a bounded approximation of the spec's: "/>" does not
 * close HTML elements; p, li, dd/dt, td/th, tr, option, headings and a
 * close as implied end tags do; an end tag closes its element only when it
 * is in scope (and, for elements neither special nor formatting, when no
 * special element is open above it); </body> and </html> close nothing; a
 * formatting element (b, i, font, a...) that a block closed is reopened
 * for the text after it, hidden if it was (a list of at most 12, cleared
 * at cells, captions, templates and objects, as the spec's markers do).
 * Open elements are tracked on a stack of HTML_TEXT_DEPTH_MAX; past it a
 * new element replaces the top one, as browsers do; searches look at most
 * 64 elements down, so tag soup costs linear time.  Memory is bounded
 * whatever the input.  One object per decoder; not thread-safe; reuse it
 * with html_text_begin.
 */
#define HTML_TEXT_DEPTH_MAX 512

struct html_text;

struct html_text *html_text_new(void);
void html_text_free(struct html_text **ht);
/* html_text_begin - start one HTML part writing into mt (opens a body run) */
void html_text_begin(struct html_text *ht, struct msg_text *mt);
/* html_text_begin_part - the same; hidden: the whole part is not displayed */
void html_text_begin_part(struct html_text *ht, struct msg_text *mt, int hidden);
/* html_text_feed - parse a chunk of UTF-8 HTML */
void html_text_feed(struct html_text *ht, const char *in, size_t len);
/* html_text_end - end of the part: flush and close the body run */
void html_text_end(struct html_text *ht);

#endif
