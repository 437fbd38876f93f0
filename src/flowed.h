/* flowed - RFC 3676 format=flowed text back to paragraphs, in a stream */
#ifndef CSP_FLOWED_H
#define CSP_FLOWED_H

#include <stddef.h>
#include "strbuf.h"

/*
 * A flowed line ends in a space: it joins the next line of the same quote
 * depth into one paragraph (with DelSp=yes that space is deleted, as
 * writers of CJK text add it where there was none).  A line starting with
 * a space was space-stuffed: the space goes.  A change of quote depth ends
 * a paragraph; each paragraph of quoted text is written once with its
 * quote marks ("> > ").  The signature separator "-- " is not flowed.
 * Lines may end in CRLF or LF and may be cut anywhere between feeds; only
 * the trailing spaces of the current line are held.  A struct flowed
 * belongs to one stream; it is not thread-safe.
 */
struct flowed {
	int delsp;
	int state;		/* where in the line we are */
	size_t depth;		/* quote marks on this line */
	size_t para_depth;	/* quote depth of the open paragraph */
	size_t spaces;		/* trailing spaces held back */
	size_t held;		/* spaces kept from the last flowed line */
	size_t content;		/* bytes of content on this line */
	int dashes;		/* the content so far is "--" */
	int soft;		/* the last line was flowed */
	int cr;			/* a CR held back */
};

/* flowed_begin - start a stream; delsp is the DelSp=yes parameter */
void flowed_begin(struct flowed *f, int delsp);
/* flowed_feed - unflow a chunk of UTF-8 (or any ASCII-compatible) text into out */
void flowed_feed(struct flowed *f, struct strbuf *out, const char *s, size_t n);
/* flowed_end - end of stream */
void flowed_end(struct flowed *f, struct strbuf *out);

#endif
