/* report_run - run a report over audit log files */
#ifndef CSP_REPORT_RUN_H
#define CSP_REPORT_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "report_filter.h"

enum report_run_mode {
	REPORT_RUN_SUMMARY,
	REPORT_RUN_LIST,
	REPORT_RUN_CSV,
	REPORT_RUN_JSON,
	REPORT_RUN_NONE		/* only the HTML page */
};

/* What to read, what to select and what to write; owned by the caller. */
struct report_run_opts {
	const char *const *files;	/* "-" is standard input */
	size_t	nfiles;
	const struct report_filter *filter;
	enum report_run_mode mode;
	size_t	top;			/* lines in top-N sections */
	const char *html_path;		/* NULL: no HTML page */
	const char *note;		/* selection shown on the HTML page */
	FILE	*out;			/* standard output */
	int	progress;		/* show progress on stderr */
	unsigned jobs;			/* parsing threads; 0 and 1: none */
};

/*
 * report_run - read every file, skipping (and reporting on stderr
 * as FILE:LINE: reason) malformed lines, and write the report.  Returns
 * 0, or 1 when a file could not be read or an output not written; the
 * report is still made from whatever could be read.
 *
 * With jobs > 1 the calling thread reads the files in batches of whole
 * lines and that many threads parse, select and count them; each batch's
 * output and diagnostics are written in input order, so stdout and
 * stderr are the same bytes whatever the number of jobs.
 */
int	report_run(const struct report_run_opts *o);

#endif
