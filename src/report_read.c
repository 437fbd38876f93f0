/* report_read - read an audit log, plain or gzip, in batches of whole lines */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "strbuf.h"
#include "xalloc.h"
#include "report_read.h"

/*
 * zlib reads straight into the caller's buffer, without copying through
 * its own, when a read asks for at least its buffer size.
 */
#define REPORT_READ_GZBUF	(256 * 1024)

struct report_reader {
	gzFile	gz;
	struct strbuf name;
	struct strbuf carry;	/* a partial line left over from a batch */
	struct strbuf error;	/* a read error not yet reported */
	int	eof;
	size_t	max;		/* 0: no cap */
	int	dropping;	/* inside a line cut at the cap */
	uint64_t bytes;
};

/* report_reader_new - open path ("-": standard input) */
struct report_reader *
report_reader_new(const char *path, const char **error_r)
{
	struct report_reader *r;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*error_r = strerror(errno);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	if ((r->gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		free(r);
		*error_r = "cannot start decompression";
		return NULL;
	}
	gzbuffer(r->gz, REPORT_READ_GZBUF);
	strbuf_init(&r->name, 0);
	strbuf_append_str(&r->name, strcmp(path, "-") == 0 ? "(stdin)" : path);
	strbuf_init(&r->carry, 0);
	strbuf_init(&r->error, 0);
	return r;
}

/* report_reader_cap - keep at most max + 1 bytes of a line */
void
report_reader_cap(struct report_reader *r, size_t max)
{
	r->max = max;
}

/*
 * report_reader_drop - after new bytes arrived at dst[from..]: while
 * inside a cut line, drop them up to its newline.  Returns 1 when the
 * whole read was dropped.
 */
static int
report_reader_drop(struct report_reader *r, struct strbuf *dst, size_t from)
{
	const char *nl;

	if (!r->dropping)
		return 0;
	nl = memchr(dst->data + from, '\n', dst->len - from);
	if (nl == NULL) {
		strbuf_truncate(dst, from);
		return 1;
	}
	memmove(dst->data + from, nl, dst->len - (size_t)(nl - dst->data));
	strbuf_truncate(dst, dst->len - (size_t)(nl - (dst->data + from)));
	r->dropping = 0;
	return 0;
}

/* report_reader_free - close the file and release the reader */
void
report_reader_free(struct report_reader **rp)
{
	struct report_reader *r = *rp;

	if (r == NULL)
		return;
	gzclose(r->gz);
	strbuf_release(&r->name);
	strbuf_release(&r->carry);
	strbuf_release(&r->error);
	free(r);
	*rp = NULL;
}

/* report_reader_fill - read up to len bytes into dst; -1 on error, 0 at end */
static int
report_reader_fill(struct report_reader *r, struct strbuf *dst, size_t len)
{
	const char *why;
	int n, errnum;

	strbuf_grow(dst, len);
	n = gzread(r->gz, dst->data + dst->len, (unsigned)len);
	if (n < 0) {
		why = gzerror(r->gz, &errnum);
		strbuf_append_str(&r->error,
		    errnum == Z_ERRNO ? strerror(errno) : why);
		return -1;
	}
	if (n == 0) {
		/* A truncated gzip stream reads as end of file. */
		why = gzerror(r->gz, &errnum);
		if (why != NULL && errnum != Z_OK && errnum != Z_BUF_ERROR) {
			strbuf_append_str(&r->error, why);
			return -1;
		}
		if (errnum == Z_BUF_ERROR) {
			strbuf_append_str(&r->error,
			    "unexpected end of compressed data");
			return -1;
		}
		r->eof = 1;
		return 0;
	}
	dst->len += (size_t)n;
	dst->data[dst->len] = '\0';
	r->bytes += (uint64_t)n;
	return n;
}

/* report_reader_batch - the next whole lines */
int
report_reader_batch(struct report_reader *r, struct strbuf *dst, size_t want,
    const char **error_r)
{
	size_t done = 0, from, len;	/* dst[0..done) ends in a newline */
	const char *nl;
	int n;

	strbuf_reset(dst);
	if (r->error.len > 0) {
		*error_r = r->error.data;
		return -1;
	}
	strbuf_append(dst, r->carry.data, r->carry.len);
	strbuf_reset(&r->carry);
	while (!r->eof && (done == 0 || dst->len < want)) {
		from = dst->len;
		len = want > dst->len ? want - dst->len : 0;
		if (len < REPORT_READ_GZBUF)
			len = REPORT_READ_GZBUF;
		if ((n = report_reader_fill(r, dst, len)) < 0) {
			/* Hand out the complete lines; report the error next. */
			strbuf_truncate(dst, done);
			if (done > 0)
				return 1;
			*error_r = r->error.data;
			return -1;
		}
		if (report_reader_drop(r, dst, from))
			continue;
		if ((nl = memrchr(dst->data + from, '\n', dst->len - from)) != NULL)
			done = (size_t)(nl - dst->data) + 1;
		/* An unfinished line past the cap: keep max + 1 bytes of it. */
		if (r->max > 0 && dst->len - done > r->max + 1) {
			strbuf_truncate(dst, done + r->max + 1);
			r->dropping = 1;
		}
	}
	if (r->eof) {
		if (dst->len > done)
			strbuf_append_char(dst, '\n');
		return dst->len > 0;
	}
	strbuf_append(&r->carry, dst->data + done, dst->len - done);
	strbuf_truncate(dst, done);
	return 1;
}

/* report_reader_bytes - bytes read so far */
uint64_t
report_reader_bytes(const struct report_reader *r)
{
	return r->bytes;
}

/* report_reader_name - the name for diagnostics */
const char *
report_reader_name(const struct report_reader *r)
{
	return r->name.data;
}
