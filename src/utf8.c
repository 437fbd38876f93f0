/* utf8 - decoding and cutting UTF-8 */
#include "config.h"

#include "utf8.h"

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
