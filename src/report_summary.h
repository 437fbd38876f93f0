/* report_summary - aggregate counts over the matching audit records */
#ifndef CSP_REPORT_SUMMARY_H
#define CSP_REPORT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report_count.h"
#include "report_filter.h"
#include "report_record.h"

/*
 * A summary counts, over the records given to report_summary_add():
 *   REPORT_SUMMARY_CLASS_ACTION  records by "class\taction"
 *   REPORT_SUMMARY_CLASS         records by class
 *   REPORT_SUMMARY_ACTION        records by overall action
 *   REPORT_SUMMARY_RULE          records by rule id (a rule counts once
 *                               per record)
 *   REPORT_SUMMARY_SENDER        records by mail_from ("<>" when empty)
 *   REPORT_SUMMARY_PARTNER       recipient decisions "reroute" by partner,
 *                               over the recipients the filter selects
 *   REPORT_SUMMARY_DAILY         records by "YYYY-MM-DD\taction" (UTC)
 *   REPORT_SUMMARY_DAY           records by "YYYY-MM-DD" (UTC)
 * An empty class counts as "(none)".  The summary owns its tables; it
 * belongs to one thread.  Threads that share the work keep a summary
 * each and merge them at the end: the result does not depend on how
 * the records were shared out.
 */
enum report_summary_table {
	REPORT_SUMMARY_CLASS_ACTION,
	REPORT_SUMMARY_CLASS,
	REPORT_SUMMARY_ACTION,
	REPORT_SUMMARY_RULE,
	REPORT_SUMMARY_SENDER,
	REPORT_SUMMARY_PARTNER,
	REPORT_SUMMARY_DAILY,
	REPORT_SUMMARY_DAY,
	REPORT_SUMMARY_NTABLES
};

enum report_summary_axis {
	REPORT_SUMMARY_AXIS_CLASS,
	REPORT_SUMMARY_AXIS_ACTION,
	REPORT_SUMMARY_AXIS_DAY
};

struct report_summary;

struct report_summary *report_summary_new(void);
void	report_summary_free(struct report_summary **sp);

/* report_summary_add - count one matching record */
void	report_summary_add(struct report_summary *s,
	    const struct report_record *rec, const struct report_filter *f);
/* report_summary_merge - add the counts of src to dst */
void	report_summary_merge(struct report_summary *dst,
	    const struct report_summary *src);
/* report_summary_set_input - record how many lines were read and malformed */
void	report_summary_set_input(struct report_summary *s, uint64_t read,
	    uint64_t malformed);
/* report_summary_totals - records read (well-formed), matched, malformed lines */
void	report_summary_totals(const struct report_summary *s, uint64_t *read_r,
	    uint64_t *matched_r, uint64_t *malformed_r);
/* report_summary_table - one of the tables (borrowed) */
struct report_count *report_summary_table(const struct report_summary *s,
	    enum report_summary_table which);

/*
 * report_summary_axis - the values seen on one axis, NULL-terminated, in
 * report order: the known classes or actions first in their documented
 * order, then any others sorted; days sorted.  With all_known set the
 * known classes or actions are listed even when not seen.  The caller
 * frees the array, not the strings (owned by the summary).
 */
const char **report_summary_axis(const struct report_summary *s,
	    enum report_summary_axis axis, int all_known, size_t *n_r);

/* report_summary_write_text - the plain text report; -1 on a write error */
int	report_summary_write_text(const struct report_summary *s, FILE *fp,
	    size_t top);

#endif
