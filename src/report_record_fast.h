/* report_record_fast - a log line's fields read with simdjson */
#ifndef CSP_REPORT_RECORD_FAST_H
#define CSP_REPORT_RECORD_FAST_H

#include <stddef.h>

#include "report_record.h"

/*
 * simdjson's DOM parser (C++, SIMD kernels chosen at run time) reads a
 * line several times faster than jansson builds its tree.  It is strict
 * JSON as jansson is, except that it takes "\u0000" in strings and keys
 * and integers from 2^63 to 2^64 - 1, which jansson refuses: a line with
 * either, or one simdjson refuses, or one whose fields are not what
 * report_record_parse() accepts, is left to jansson (report_record.c),
 * so that jansson's verdict and reason stand for every line that is not
 * read here.  Used from C; the module is C++.
 */
struct report_record_fast;

struct report_record_fast *report_record_fast_new(void);
void	report_record_fast_free(struct report_record_fast **fastp);

/*
 * report_record_fast_parse - decode one line of len bytes into rec, as
 * report_record_parse() describes.  Returns 1 when rec holds the line's
 * fields (pointing into fast, valid until its next parse), or 0 when the
 * line must be decoded by jansson (rec is then partly written).
 */
int	report_record_fast_parse(struct report_record_fast *fast,
	    struct report_record *rec, const char *line, size_t len);

#endif
