/* report_run - run a report over audit log files */
#ifndef CSP_REPORT_RUN_H
#define CSP_REPORT_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "report_filter.h"
#include "report_header.h"

enum report_run_mode {
	REPORT_RUN_SUMMARY,
	REPORT_RUN_LIST,
	REPORT_RUN_CSV,
	REPORT_RUN_JSON,
	REPORT_RUN_JSON_SUMMARY,	/* the summary as one JSON document */
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
	const char *detail_csv_path;	/* NULL: no detail CSV */
	size_t	max_record;		/* longer lines are skipped; 0: no cap */
	struct report_header *header;	/* inputs filled in by report_run */
	FILE	*out;			/* standard output */
	int	progress;		/* show progress on stderr */
	unsigned jobs;			/* parsing threads; 0 and 1: none */
};

/*
 * report_run - read every file, skipping (and reporting on stderr
 * as FILE:LINE: reason) malformed lines and lines over max_record bytes,
 * and write the report.  header->inputs gets one entry per file, with
 * its counts and any error, which the summary and the HTML page show; the
 * detail rows (every reject, reroute and quarantine) go to the HTML page
 * and to detail_csv_path.  Returns
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
