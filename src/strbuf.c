/* strbuf - growable byte buffer, always NUL-terminated */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"

/* strbuf_init - start empty with room for hint bytes */
void
strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
	if (hint > 0)
		strbuf_grow(sb, hint);
}

/* strbuf_release - free the storage */
void
strbuf_release(struct strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}

/* strbuf_reset - empty the buffer, keep the storage */
void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data != NULL)
		sb->data[0] = '\0';
}

/*
 * strbuf_grow_capped - strbuf_grow, but doubling stops at ceiling bytes
 * (NUL included): a buffer that is cut at a known size never holds twice
 * that size, most of it zeroed and resident, for the last few bytes.
 */
void
strbuf_grow_capped(struct strbuf *sb, size_t extra, size_t ceiling)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 / 2 - sb->len)
		xalloc_fail(extra);
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	if (cap > ceiling)
		cap = need > ceiling ? need : ceiling;
	p = xrealloc(sb->data, cap);
	/*
	 * Zero the new room: the PCRE2 JIT and Vectorscan read ahead of a
	 * subject's end in whole words, and that must never touch bytes
	 * nobody wrote (it would make valgrind runs useless).
	 */
	memset(p + sb->cap, 0, cap - sb->cap);
	sb->data = p;
	sb->cap = cap;
	sb->data[sb->len] = '\0';
}

/* strbuf_append_str - append a C string */
void
strbuf_append_str(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

/* strbuf_vappendf - append printf-style */
void
strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

/* strbuf_appendf - append printf-style */
void
strbuf_appendf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vappendf(sb, fmt, ap);
	va_end(ap);
}

/* strbuf_truncate - shorten to len bytes */
void
strbuf_truncate(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->data[len] = '\0';
	}
}

/* strbuf_append_json - append a JSON string literal */
void
strbuf_append_json(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	unsigned cp;
	int n;

	strbuf_grow(sb, len + 2);
	strbuf_append_char(sb, '"');
	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			strbuf_append_char(sb, '\\');
			strbuf_append_char(sb, (char)c);
			i++;
		} else if (c == '\n') {
			strbuf_append(sb, "\\n", 2);
			i++;
		} else if (c == '\r') {
			strbuf_append(sb, "\\r", 2);
			i++;
		} else if (c == '\t') {
			strbuf_append(sb, "\\t", 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_appendf(sb, "\\u%04x", c);
			i++;
		} else if ((n = utf8_decode(p + i, len - i, &cp)) > 0) {
			strbuf_append(sb, p + i, (size_t)n);
			i += (size_t)n;
		} else {
			strbuf_append(sb, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	strbuf_append_char(sb, '"');
}

/* strbuf_detach - hand the buffer to the caller */
char *
strbuf_detach(struct strbuf *sb, size_t *len_r)
{
	char *p;

	if (sb->data == NULL)
		strbuf_grow(sb, 0);
	p = sb->data;
	if (len_r != NULL)
		*len_r = sb->len;
	sb->data = NULL;
	sb->len = sb->cap = 0;
	return p;
}
