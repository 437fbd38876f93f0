/* html_text - streaming HTML to plain text, with hidden-text detection */
#ifndef CSP_HTML_TEXT_H
#define CSP_HTML_TEXT_H

#include <stddef.h>
#include "msg_text.h"

/*
 * Input is UTF-8 HTML (charset conversion happens before), fed in chunks
 * cut at any byte: a tag, comment or entity may straddle two chunks.  Tags
 * are stripped; script and style content and comments are dropped; block
 * elements become line breaks while inline tags join the text around them;
 * character references are decoded exactly once.  Text inside an element
 * hidden by its style (display:none, visibility:hidden, font-size:0,
 * max-height:0, opacity:0) or the hidden attribute is written to the body
 * and also to the hidden stream of the msg_text.  Open elements are
 * tracked on a bounded stack (HTML_TEXT_DEPTH_MAX); deeper nesting is read
 * flat, and an end tag closes at most 64 open elements, so tag soup costs
 * linear time.  Memory is bounded whatever the input.  One object per decoder;
 * not thread-safe; reuse it with html_text_begin.
 */
#define HTML_TEXT_DEPTH_MAX 256

struct html_text;

struct html_text *html_text_new(void);
void html_text_free(struct html_text **ht);
/* html_text_begin - start one HTML part writing into mt (opens a body run) */
void html_text_begin(struct html_text *ht, struct msg_text *mt);
/* html_text_feed - parse a chunk of UTF-8 HTML */
void html_text_feed(struct html_text *ht, const char *in, size_t len);
/* html_text_end - end of the part: flush and close the body run */
void html_text_end(struct html_text *ht);

#endif
