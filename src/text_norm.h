/* text_norm - streaming normalisation of decoded text before matching */
#ifndef CSP_TEXT_NORM_H
#define CSP_TEXT_NORM_H

#include <stddef.h>
#include "strbuf.h"

/*
 * Input is decoded text that should be UTF-8; output is always valid UTF-8.
 * Applied, in order, to every character:
 *   - invalid UTF-8 becomes U+FFFD;
 *   - zero-width and format characters (U+200B-U+200F, U+2060-U+2064,
 *     U+FEFF, U+034F, U+180E) and the soft hyphen U+00AD are removed;
 *   - full-width ASCII (U+FF01-U+FF5E) folds to ASCII, U+3000 to a space;
 *   - a run of white space becomes one space, or one newline if the run
 *     held a line break; NUL counts as white space.
 * A character split across two calls is carried over.  The state belongs
 * to one caller; it holds no allocation.
 */
struct text_norm {
	unsigned char carry[4];
	size_t carry_len;
	int pending_space;	/* 0 none, 1 space, 2 newline */
	int at_start;		/* drop leading white space */
	int enabled;		/* 0: only UTF-8 repair, no folding */
};

void text_norm_init(struct text_norm *tn, int enabled);
/* text_norm_feed - normalise len bytes, appending to out */
void text_norm_feed(struct text_norm *tn, struct strbuf *out, const char *in, size_t len);
/* text_norm_flush - end of a text run: emit a carried partial char as U+FFFD */
void text_norm_flush(struct text_norm *tn, struct strbuf *out);
/* text_norm_string - normalise a whole string into out (convenience for headers) */
void text_norm_string(struct strbuf *out, const char *in, size_t len, int enabled);

#endif
