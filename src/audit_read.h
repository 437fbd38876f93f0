/* audit_read - read an audit log, plain or gzip, line by line */
#ifndef CSP_AUDIT_READ_H
#define CSP_AUDIT_READ_H

#include <stddef.h>
#include <stdint.h>

/*
 * A reader opens one file ("-" is standard input); gzip is recognised by
 * content, anything else is read as is.  It reads in 1 MiB blocks and
 * splits lines itself, so lines of any length work.  A reader belongs to
 * one thread.
 */
struct audit_reader;

/* audit_reader_new - open path; NULL with a reason in *error_r */
struct audit_reader *audit_reader_new(const char *path, const char **error_r);
void	audit_reader_free(struct audit_reader **rp);

/*
 * audit_reader_next - the next line, without its "\n" or "\r\n".  Returns
 * 1 with *line_r and *len_r set (valid until the next call), 0 at the end
 * of the file, -1 on a read error with a reason in *error_r.  The last
 * line may lack its newline.
 */
int	audit_reader_next(struct audit_reader *r, const char **line_r,
	    size_t *len_r, const char **error_r);

/* audit_reader_lineno - number of the line last returned, from 1 */
unsigned long audit_reader_lineno(const struct audit_reader *r);
/* audit_reader_bytes - bytes of (decompressed) data read so far */
uint64_t audit_reader_bytes(const struct audit_reader *r);
/* audit_reader_name - the name for diagnostics ("(stdin)" for "-") */
const char *audit_reader_name(const struct audit_reader *r);

#endif
