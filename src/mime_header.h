/* mime_header - header field helpers: unfolding, RFC 2047 words, RFC 2231 parameters */
#ifndef CSP_MIME_HEADER_H
#define CSP_MIME_HEADER_H

#include <stddef.h>
#include "strbuf.h"
#include "charset.h"

/*
 * Pure functions over one header value held in memory (the decoder caps
 * its length).  Output is appended to a strbuf owned by the caller; no
 * function keeps a pointer to its input.  Charset conversion goes through
 * the caller's charset_cache, so these functions are as thread-safe as
 * that cache: one thread per cache.  Nothing here fails on bad input:
 * malformed encoded words are kept as they are.
 */

/* Bits of the results of mime_header_decode, _display and _param. */
#define MIME_HEADER_UNKNOWN_CHARSET	1	/* a charset was not known */
#define MIME_HEADER_CONFLICT		2	/* a parameter had two values */
#define MIME_HEADER_BARE_CR		4	/* a CR not followed by LF */
#define MIME_HEADER_RAW_DOUBT		8	/* raw 8-bit bytes in no single charset */

/* mime_header_unfold - drop the line breaks of a folded value; returns MIME_HEADER_BARE_CR or 0 */
int mime_header_unfold(struct strbuf *out, const char *in, size_t len);

/*
 * mime_header_decode - decode RFC 2047 encoded words (B and Q) to UTF-8.
 * White space between two adjacent encoded words is dropped, and the raw
 * bytes of adjacent words in the same charset are joined before charset
 * conversion, so a character split between two words survives.  Text
 * outside encoded words is copied as it is.  Returns 0 or
 * MIME_HEADER_UNKNOWN_CHARSET; the name of the first unknown charset is
 * appended to unknown_r when it is not NULL.
 */
int mime_header_decode(struct charset_cache *cc, struct strbuf *out,
    const char *in, size_t len, struct strbuf *unknown_r);

/*
 * mime_header_display - a header value as a reader sees it, appended to
 * out: raw 8-bit bytes (RFC 6532 allows UTF-8; older agents send their
 * local charset) read by the rule for unlabelled text (charset.h: UTF-8
 * if it validates, else windows-1252), then RFC 2047 words decoded.
 * scratch is the caller's.  Returns the bits of mime_header_decode, plus
 * MIME_HEADER_RAW_DOUBT when the raw bytes have no single reading.
 */
int mime_header_display(struct charset_cache *cc, struct strbuf *out, const char *in, size_t len,
    struct strbuf *scratch, struct strbuf *unknown_r);

/* mime_header_content_type - "type/subtype" lower-cased into out; 0, or -1 if malformed */
int mime_header_content_type(struct strbuf *out, const char *value, size_t len);

/*
 * mime_header_param - the value of parameter attr (lower-case) of a
 * Content-Type or Content-Disposition value.  Handles quoted strings,
 * RFC 2231 continuations in any order (name*0, name*1*, ...) and
 * charset'lang'%XX values, which are converted to UTF-8 when cc is not
 * NULL (raw bytes otherwise); an RFC 2047 word inside a quoted value is
 * decoded too when cc is not NULL.  Returns -1 if absent, else a bit set
 * of MIME_HEADER_CONFLICT (two different values for attr) and
 * MIME_HEADER_UNKNOWN_CHARSET.
 */
int mime_header_param(struct charset_cache *cc, struct strbuf *out,
    const char *value, size_t len, const char *attr);

#endif
