/* mime_encoding - streaming Content-Transfer-Encoding decoders */
#ifndef CSP_MIME_ENCODING_H
#define CSP_MIME_ENCODING_H

#include <stddef.h>
#include "strbuf.h"

/*
 * Decodes base64, quoted-printable and the identity encodings (7bit, 8bit,
 * binary) from chunks cut at any byte.  State that straddles two chunks
 * (a partial base64 quantum, "=" or "=X" of quoted-printable, a soft line
 * break split between CR and LF) lives in struct mime_encoding, which
 * holds no allocation; output is appended to a strbuf owned by the caller.
 * Malformed input is never an error: base64 skips bytes outside its
 * alphabet and treats "=" as the end of a quantum, quoted-printable keeps
 * a bad "=XY" literally.  No global state: thread-safe per object.
 */
enum mime_cte {
	MIME_CTE_IDENTITY,	/* 7bit, 8bit, binary, or unknown */
	MIME_CTE_QP,
	MIME_CTE_BASE64,
};

struct mime_encoding {
	enum mime_cte cte;
	unsigned bits;		/* base64: pending sextets */
	int nbits;		/* base64: sextets held (0-3) */
	int qp_state;		/* quoted-printable: position after '=' */
	unsigned char qp_hex;	/* quoted-printable: first hex digit seen */
};

/* mime_encoding_parse - the encoding named by a header value; 1 if known, 0 if not (identity) */
int mime_encoding_parse(const char *value, size_t len, enum mime_cte *cte_r);
void mime_encoding_init(struct mime_encoding *me, enum mime_cte cte);
/* mime_encoding_feed - decode a chunk, appending to out */
void mime_encoding_feed(struct mime_encoding *me, struct strbuf *out, const char *in, size_t len);
/* mime_encoding_finish - end of data: emit what a partial state still means */
void mime_encoding_finish(struct mime_encoding *me, struct strbuf *out);

/* mime_encoding_hexval - value of a hex digit, or -1 (for %XX and =XX escapes) */
int mime_encoding_hexval(unsigned char c);

/* One-shot helpers for RFC 2047 encoded words. */
void mime_encoding_base64(struct strbuf *out, const char *in, size_t len);
/* mime_encoding_q - RFC 2047 "Q": quoted-printable with '_' for space */
void mime_encoding_q(struct strbuf *out, const char *in, size_t len);

#endif
