/* enriched - text/enriched (RFC 1896) and text/richtext (RFC 1341) to plain text, in a stream */
#ifndef CSP_ENRICHED_H
#define CSP_ENRICHED_H

#include <stddef.h>
#include "strbuf.h"

/*
 * What a reader of text/enriched sees: the formatting commands (<bold>,
 * </italic>, ...) go, "<<" is a '<', the text of <param> is dropped (it is
 * a command's argument: a colour, a font name), and line breaks fill:
 * one line break is a space, n in a row are n-1 (inside <nofill> they are
 * kept).  text/richtext, its predecessor, has <lt> and <nl> instead, no
 * "<<", fills every line break, and drops <comment>.  A '<' that does not
 * start a well-formed command (a name of at most 60 letters, digits or
 * hyphens, then '>') stays as text with what follows: text is never
 * swallowed by a stray '<'.  One struct per stream; not thread-safe.
 */
#define ENRICHED_NAME_MAX 60

struct enriched {
	int richtext;
	int in_cmd;		/* after '<' */
	char name[ENRICHED_NAME_MAX + 2];	/* the command so far, '/' included */
	size_t name_len;
	size_t drop;		/* open <param> or <comment> */
	size_t nofill;		/* open <nofill> */
	size_t newlines;	/* line breaks held back */
	int started;		/* text was written */
};

void enriched_begin(struct enriched *e, int richtext);
/* enriched_feed - a chunk of UTF-8 text/enriched; the plain text goes to out */
void enriched_feed(struct enriched *e, struct strbuf *out, const char *s, size_t n);
/* enriched_end - end of stream: an unfinished command is written as text */
void enriched_end(struct enriched *e, struct strbuf *out);

#endif
