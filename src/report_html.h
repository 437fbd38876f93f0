/* report_html - a self-contained HTML report with inline SVG charts */
#ifndef CSP_REPORT_HTML_H
#define CSP_REPORT_HTML_H

#include <stddef.h>

#include "strbuf.h"
#include "report_summary.h"

/*
 * The page needs nothing outside itself: the style is inline and the
 * three charts are inline SVG ("chart-daily": records per day stacked by
 * action; "chart-classes": records per class; "chart-rules": the top
 * rules), each with a <title>.  No script is used.  Every string from the
 * log is HTML-escaped.
 */

/* report_html_escape - append s HTML-escaped, control characters as '?' */
void	report_html_escape(struct strbuf *out, const char *s);

/*
 * report_html_render - append the whole page for summary s to out; note
 * is a free-text line shown under the heading (the selection), may be "".
 */
void	report_html_render(struct strbuf *out, const struct report_summary *s,
	    size_t top, const char *note);

#endif
