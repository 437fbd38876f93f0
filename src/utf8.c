/* utf8 - decoding and cutting UTF-8 */
#include "config.h"

#include "utf8.h"

/* utf8_decode - one code point, strictly */
int
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

/* utf8_floor - back to a character start */
size_t
utf8_floor(const char *s, size_t pos)
{
	while (pos > 0 && ((unsigned char)s[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

/* utf8_cap - a length that fits max bytes on a character boundary */
size_t
utf8_cap(const char *s, size_t len, size_t max)
{
	return len <= max ? len : utf8_floor(s, max);
}
