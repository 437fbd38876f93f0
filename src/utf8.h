/* utf8 - decoding and cutting UTF-8, the one place that knows its byte rules */
#ifndef CSP_UTF8_H
#define CSP_UTF8_H

#include <stddef.h>

/*
 * utf8_decode - the code point at s.  Returns the sequence length (1-4),
 * 0 when s holds only the start of a valid sequence (more bytes needed),
 * or -1 when it is invalid (overlong, surrogate, above U+10FFFF, bad
 * continuation).  Pure; thread-safe.
 */
int utf8_decode(const unsigned char *s, size_t len, unsigned *cp_r);

/* utf8_floor - pos moved back to the first byte of the character it falls in */
size_t utf8_floor(const char *s, size_t pos);

/* utf8_cap - len cut to at most max bytes, never splitting a character */
size_t utf8_cap(const char *s, size_t len, size_t max);

#endif
