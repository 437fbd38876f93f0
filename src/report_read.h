/* report_read - read an audit log, plain or gzip, in batches of whole lines */
#ifndef CSP_REPORT_READ_H
#define CSP_REPORT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * A reader opens one file ("-" is standard input); gzip is recognised by
 * content, anything else is read as is.  It hands out the data in large
 * batches of whole lines, so that lines of any length work and a batch
 * can be parsed apart from the others.  A reader belongs to one thread.
 */
struct report_reader;

/* report_reader_new - open path; NULL with a reason in *error_r */
struct report_reader *report_reader_new(const char *path, const char **error_r);
void	report_reader_free(struct report_reader **rp);

/*
 * report_reader_batch - replace the contents of dst with the next whole
 * lines, at least want bytes of them unless the file ends first.  Every
 * line in dst ends in "\n": a last line that lacks one gets one; "\r"
 * is left in place.  Returns 1 with lines in dst, 0 at the end of the
 * file, -1 on a read error with a reason in *error_r (valid until the
 * reader is freed).  On a read error the complete lines before it are
 * handed out first and a partial line after them is dropped.
 */
int	report_reader_batch(struct report_reader *r, struct strbuf *dst,
	    size_t want, const char **error_r);

/*
 * report_reader_cap - bound the memory a line may take: of a line longer
 * than max bytes only the first max + 1 are kept (and the rest read and
 * dropped as it arrives), so the caller sees a line over the cap and can
 * skip it, and a gzip bomb of one endless line costs no more than max.
 * 0 (the default) keeps lines whole.
 */
void	report_reader_cap(struct report_reader *r, size_t max);

/* report_reader_bytes - bytes of (decompressed) data read so far */
uint64_t report_reader_bytes(const struct report_reader *r);
/* report_reader_name - the name for diagnostics ("(stdin)" for "-") */
const char *report_reader_name(const struct report_reader *r);

#endif
