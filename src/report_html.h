/* report_html - a self-contained HTML report with inline SVG charts */
#ifndef CSP_REPORT_HTML_H
#define CSP_REPORT_HTML_H

#include <stddef.h>

#include "strbuf.h"
#include "report_header.h"
#include "report_summary.h"

/*
 * The page needs nothing outside itself: the style and a small script are
 * inline, and the charts are inline SVG, each with a <title>.  It has, in
 * order: a line repeated at the top of every printed page (a page margin
 * box: CSS Paged Media),
 * the header (requested and covered period, generation time, command
 * line, inputs with their counts, instances and config versions with
 * their time ranges), one daily chart ("chart-daily-MODE": every day of
 * the period, gaps marked) and one class-by-action table
 * ("class-action-MODE") per mode, so that applied and would-have
 * decisions never share a count, the class and rule charts, and the
 * detail table ("detail") of every reject, reroute and quarantine, which
 * the script sorts by a clicked column and filters by the text in a box.
 * Every string from the log is HTML-escaped.
 *
 * The detail rows may be many, so the page is written in three parts:
 * report_html_begin, the rows from report_html_detail in input order,
 * and report_html_end.
 */

/* report_html_escape - append s HTML-escaped, control characters as '?' */
void	report_html_escape(struct strbuf *out, const char *s);

/* report_html_begin - the page up to the first detail row */
void	report_html_begin(struct strbuf *out, const struct report_summary *s,
	    size_t top, const struct report_header *h);
/* report_html_detail - append the detail rows of rec; returns their number */
size_t	report_html_detail(struct strbuf *out, const struct report_record *rec,
	    const struct report_filter *f);
/*
 * The detail rows are shown in chunks of REPORT_HTML_CHUNK_ROWS, each a
 * table of its own that the browser lays out only when it comes into
 * view (content-visibility), so that a page of 100,000 rows opens in
 * seconds; report_html_chunk ends one chunk and starts the next.  Each
 * row is one line of the output.
 */
#define REPORT_HTML_CHUNK_ROWS	500
void	report_html_chunk(struct strbuf *out);

/* report_html_end - the rest of the page, with the number of rows written */
void	report_html_end(struct strbuf *out, uint64_t rows, uint64_t monitor_rows);

#endif
