/* strbuf - growable byte buffer, always NUL-terminated */
#ifndef CSP_STRBUF_H
#define CSP_STRBUF_H

#include <stddef.h>
#include <stdarg.h>
#include <string.h>

/*
 * libconfig exports its own strbuf_append and strbuf_release; keep our
 * symbols apart so that neither library calls into the other.
 */
#define strbuf_append csp_strbuf_append
#define strbuf_release csp_strbuf_release

/*
 * The one growable string type of the project.  Data from the wire always
 * goes through a strbuf, never a fixed char[].  A strbuf is owned by whoever
 * holds it; it is not thread-safe.  Growing never fails: out of memory is
 * xalloc's one outcome (log, exit 71; the MTA tempfails what was in flight).
 */
struct strbuf {
	char *data;		/* NUL-terminated, may contain NULs */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* As strbuf_grow, but capacity doubles no further than ceiling bytes, NUL included. */
void strbuf_grow_capped(struct strbuf *sb, size_t extra, size_t ceiling);

/*
 * The decoder appends a few bytes at a time, a quarter of a million times
 * per megabyte: the common case (the room is there) is inline, and only
 * growing calls out.  A buffer that was never written has cap 0, so even
 * an empty append allocates and data is never NULL afterwards.
 */

/* strbuf_grow - make room for extra more bytes plus the NUL */
static inline void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (extra >= sb->cap - sb->len)
		strbuf_grow_capped(sb, extra, (size_t)-1);
}

/* strbuf_append - append len bytes */
static inline void
strbuf_append(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len > 0)
		memcpy(sb->data + sb->len, data, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
}

/* strbuf_append_char - append one byte */
static inline void
strbuf_append_char(struct strbuf *sb, char c)
{
	strbuf_grow(sb, 1);
	sb->data[sb->len++] = c;
	sb->data[sb->len] = '\0';
}

void strbuf_append_str(struct strbuf *sb, const char *s);
void strbuf_appendf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_truncate(struct strbuf *sb, size_t len);
/* Append s as a JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void strbuf_append_json(struct strbuf *sb, const char *s, size_t len);
/* Detach the buffer; the caller frees it. */
char *strbuf_detach(struct strbuf *sb, size_t *len_r);

#endif
