/* mime_decoder - push-style streaming decoder from wire bytes to msg_text */
#ifndef CSP_MIME_DECODER_H
#define CSP_MIME_DECODER_H

#include <stddef.h>
#include "msg_text.h"

/*
 * Two ways in, one way out.  The milter path feeds the top-level headers
 * one at a time (as libmilter hands them over), then body chunks of any
 * size cut at any byte, CRLF or LF.  The raw path feeds a whole message,
 * header block included, in chunks.  Either way the decoded text lands in
 * the msg_text given at reset.  Memory per message is bounded by the
 * limits, whatever the input size.  A decoder serves one message at a time
 * and is not thread-safe; reuse it across messages with reset.
 *
 * No call fails: memory comes from xalloc (see xalloc.h), and hostile or
 * malformed input is never an error: it is decoded as well as possible and
 * recorded in the msg_text flags.  A limit that stops the decoder from
 * reading something sets MSG_TEXT_LIMIT, which makes the message
 * uncertain (classify).
 *
 * The limits are the message's budgets.  A message/rfc822 part sent base64
 * or quoted-printable is decoded and parsed by a nested decoder; it counts
 * its parts and header fields against the same max_parts and max_headers,
 * opens its charset converters against the same per-message budget
 * (CHARSET_OPENS_MAX, charset.h) and gets only the depth left over, so
 * nesting never buys a fresh budget.  max_header_len applies to every
 * header line, nested ones included.
 */
struct mime_limits {
	size_t max_depth;	/* nesting of multipart and message/rfc822, nested decoders included */
	size_t max_parts;	/* MIME parts in the whole message, nested decoders included */
	size_t max_header_len;	/* bytes of one unfolded header line */
	size_t max_headers;	/* header fields in the whole message, every block and nested decoder */
};

#define MIME_LIMITS_DEFAULT { 32, 1000, 65536, 10000 }

struct mime_decoder;

/* mime_decoder_new - never NULL; free with mime_decoder_free */
struct mime_decoder *mime_decoder_new(const struct mime_limits *limits);
void mime_decoder_free(struct mime_decoder **md);
/* Start a new message writing into out (which the caller resets). */
void mime_decoder_reset(struct mime_decoder *md, struct msg_text *out);

/* Milter path. */
void mime_decoder_header(struct mime_decoder *md, const char *name, const char *value);
void mime_decoder_end_headers(struct mime_decoder *md);
void mime_decoder_body(struct mime_decoder *md, const char *data, size_t len);

/*
 * mime_decoder_on_top_header - fn sees every field of the top-level header
 * block as it came (unfolded, before any RFC 2047 decoding), on either
 * path, including fields past max_headers or the header byte cap that are
 * not kept in the text; cut is 1 when the field was cut at max_header_len.
 * Set it after mime_decoder_new; it stays across resets.
 */
typedef void mime_header_fn(void *arg, const char *name, size_t name_len, const char *value,
    size_t value_len, int cut);
void mime_decoder_on_top_header(struct mime_decoder *md, mime_header_fn *fn, void *arg);

/* Raw path: the whole message in chunks. */
void mime_decoder_raw(struct mime_decoder *md, const char *data, size_t len);

/* End of message on either path. */
void mime_decoder_finish(struct mime_decoder *md);

/* 1 when nothing more can change the text (cap reached): skip the rest. */
int mime_decoder_saturated(const struct mime_decoder *md);

#endif
