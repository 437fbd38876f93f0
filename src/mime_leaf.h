/* mime_leaf - the content pipeline of one text part: transfer encoding, charset, filter, text */
#ifndef CSP_MIME_LEAF_H
#define CSP_MIME_LEAF_H

#include <stddef.h>
#include "charset.h"
#include "mime_encoding.h"
#include "msg_text.h"

/*
 * The mime decoder finds the parts (boundaries, header blocks, nesting);
 * a mime_leaf turns the body of one text part into what the reader sees.
 * Bytes go through the content-transfer decoding (mime_encoding), the
 * charset converter (charset, from the decoder's cache), then a filter
 * (format=flowed, text/enriched, text/richtext) or the HTML reader
 * (html_text), and land in the msg_text.  Chunks may be cut anywhere; the
 * intermediate buffers stay bounded (64 KiB slices) whatever the caller
 * feeds.  Doubt on the way (an unknown or undecidable charset) marks the
 * msg_text uncertain.  One leaf is open at a time; the object is reused
 * part after part and is not thread-safe.  Memory comes from xalloc.
 */
struct mime_leaf;

/* What a text part goes through after the charset converter. */
enum mime_leaf_filter {
	MIME_LEAF_PLAIN,	/* as it is */
	MIME_LEAF_FLOWED,	/* RFC 3676 format=flowed */
	MIME_LEAF_ENRICHED,	/* text/enriched */
	MIME_LEAF_RICHTEXT,	/* text/richtext */
	MIME_LEAF_HTML,		/* text/html, through html_text */
};

/* How the part is labelled: the fields of its header block that matter here. */
struct mime_leaf_label {
	enum mime_cte cte;
	const char *charset;	/* the charset parameter, not terminated; len 0: none */
	size_t charset_len;
	enum mime_leaf_filter filter;
	int delsp;		/* format=flowed with delsp=yes */
	int hidden;		/* seen only when opened (an attachment): the hidden text */
};

/* mime_leaf_new - never NULL; converters come from cc, which must outlive the leaf */
struct mime_leaf *mime_leaf_new(struct charset_cache *cc);
void mime_leaf_free(struct mime_leaf **leaf);

/* mime_leaf_open - start a text part writing into out (closing nothing: close first) */
void mime_leaf_open(struct mime_leaf *leaf, struct msg_text *out, const struct mime_leaf_label *label);
/* mime_leaf_feed - a span of the part's body, as it came on the wire */
void mime_leaf_feed(struct mime_leaf *leaf, const char *data, size_t len);
/* mime_leaf_close - end of the part: flush every stage; nothing when none is open */
void mime_leaf_close(struct mime_leaf *leaf);
/* mime_leaf_is_open - a part is being decoded */
int mime_leaf_is_open(const struct mime_leaf *leaf);

#endif
