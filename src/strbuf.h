/* strbuf - growable byte buffer, always NUL-terminated */
#ifndef CSP_STRBUF_H
#define CSP_STRBUF_H

#include <stddef.h>
#include <stdarg.h>

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
void strbuf_grow(struct strbuf *sb, size_t extra);
/* As strbuf_grow, but capacity doubles no further than ceiling bytes, NUL included. */
void strbuf_grow_capped(struct strbuf *sb, size_t extra, size_t ceiling);
void strbuf_append(struct strbuf *sb, const void *data, size_t len);
void strbuf_append_str(struct strbuf *sb, const char *s);
void strbuf_append_char(struct strbuf *sb, char c);
void strbuf_appendf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_truncate(struct strbuf *sb, size_t len);
/* Append s as a JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void strbuf_append_json(struct strbuf *sb, const char *s, size_t len);
/* Detach the buffer; the caller frees it. */
char *strbuf_detach(struct strbuf *sb, size_t *len_r);

#endif
