/* utf8 - decoding and cutting UTF-8, the one place that knows its byte rules */
#ifndef CSP_UTF8_H
#define CSP_UTF8_H

#include <stddef.h>

/*
 * utf8_decode - the code point at s.  Returns the sequence length (1-4),
 * 0 when s holds only the start of a valid sequence (more bytes needed),
 * or -1 when it is invalid (overlong, surrogate, above U+10FFFF, bad
 * continuation).  Pure; thread-safe.  Inline: the decoder calls it for
 * every character that is not ASCII.
 */
static inline int
utf8_decode(const unsigned char *s, size_t len, unsigned *cp_r)
{
	int n, i;
	unsigned cp;

	if (s[0] < 0x80) {
		*cp_r = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return -1;
	for (i = 1; i < n; i++) {
		if ((size_t)i >= len)
			return 0;
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return -1;
	*cp_r = cp;
	return n;
}

/* utf8_floor - pos moved back to the first byte of the character it falls in */
size_t utf8_floor(const char *s, size_t pos);

/* utf8_cap - len cut to at most max bytes, never splitting a character */
size_t utf8_cap(const char *s, size_t len, size_t max);

#endif
