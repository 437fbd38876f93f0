/* audit_read - read an audit log, plain or gzip, line by line */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "strbuf.h"
#include "audit_read.h"

#define AUDIT_READ_CHUNK	(1024 * 1024)

struct audit_reader {
	gzFile	gz;
	struct strbuf name;
	struct strbuf buf;	/* unread data is buf.data[pos..buf.len) */
	size_t	pos;
	size_t	scanned;	/* bytes from pos known to hold no '\n' */
	int	eof;
	unsigned long lineno;
	uint64_t bytes;
};

/* audit_reader_new - open path ("-": standard input) */
struct audit_reader *
audit_reader_new(const char *path, const char **error_r)
{
	struct audit_reader *r;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*error_r = strerror(errno);
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		close(fd);
		*error_r = strerror(ENOMEM);
		return NULL;
	}
	if ((r->gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		free(r);
		*error_r = "cannot start decompression";
		return NULL;
	}
	gzbuffer(r->gz, AUDIT_READ_CHUNK);
	strbuf_init(&r->name, 0);
	strbuf_append_str(&r->name, strcmp(path, "-") == 0 ? "(stdin)" : path);
	strbuf_init(&r->buf, 2 * AUDIT_READ_CHUNK);
	return r;
}

/* audit_reader_free - close the file and release the reader */
void
audit_reader_free(struct audit_reader **rp)
{
	struct audit_reader *r = *rp;

	if (r == NULL)
		return;
	gzclose(r->gz);
	strbuf_release(&r->name);
	strbuf_release(&r->buf);
	free(r);
	*rp = NULL;
}

/* audit_reader_take - hand out len bytes at pos as a line */
static int
audit_reader_take(struct audit_reader *r, size_t len, size_t skip,
    const char **line_r, size_t *len_r)
{
	const char *line = r->buf.data + r->pos;

	r->pos += len + skip;
	r->scanned = 0;
	r->lineno++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	*line_r = line;
	*len_r = len;
	return 1;
}

/* audit_reader_next - the next line */
int
audit_reader_next(struct audit_reader *r, const char **line_r, size_t *len_r,
    const char **error_r)
{
	size_t avail;
	const char *nl;
	int n, errnum;

	for (;;) {
		avail = r->buf.len - r->pos;
		nl = memchr(r->buf.data + r->pos + r->scanned, '\n',
		    avail - r->scanned);
		if (nl != NULL)
			return audit_reader_take(r,
			    (size_t)(nl - (r->buf.data + r->pos)), 1,
			    line_r, len_r);
		r->scanned = avail;
		if (r->eof) {
			if (avail == 0)
				return 0;
			return audit_reader_take(r, avail, 0, line_r, len_r);
		}
		if (r->pos > 0) {
			memmove(r->buf.data, r->buf.data + r->pos, avail);
			r->buf.len = avail;
			r->pos = 0;
		}
		strbuf_grow(&r->buf, AUDIT_READ_CHUNK);
		n = gzread(r->gz, r->buf.data + r->buf.len, AUDIT_READ_CHUNK);
		if (n < 0) {
			*error_r = gzerror(r->gz, &errnum);
			if (errnum == Z_ERRNO)
				*error_r = strerror(errno);
			return -1;
		}
		if (n == 0) {
			/* A truncated gzip stream reads as end of file. */
			if (gzerror(r->gz, &errnum) != NULL && errnum != Z_OK &&
			    errnum != Z_BUF_ERROR) {
				*error_r = gzerror(r->gz, &errnum);
				return -1;
			}
			if (errnum == Z_BUF_ERROR) {
				*error_r = "unexpected end of compressed data";
				return -1;
			}
			r->eof = 1;
		}
		r->buf.len += (size_t)n;
		r->buf.data[r->buf.len] = '\0';
		r->bytes += (uint64_t)n;
	}
}

/* audit_reader_lineno - number of the line last returned */
unsigned long
audit_reader_lineno(const struct audit_reader *r)
{
	return r->lineno;
}

/* audit_reader_bytes - bytes read so far */
uint64_t
audit_reader_bytes(const struct audit_reader *r)
{
	return r->bytes;
}

/* audit_reader_name - the name for diagnostics */
const char *
audit_reader_name(const struct audit_reader *r)
{
	return r->name.data;
}
