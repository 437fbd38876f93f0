/* audit_summary - aggregate counts over the matching audit records */
#ifndef CSP_AUDIT_SUMMARY_H
#define CSP_AUDIT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "audit_count.h"
#include "audit_filter.h"
#include "audit_record.h"

/*
 * A summary counts, over the records given to audit_summary_add():
 *   AUDIT_SUMMARY_CLASS_ACTION  records by "class\taction"
 *   AUDIT_SUMMARY_CLASS         records by class
 *   AUDIT_SUMMARY_ACTION        records by overall action
 *   AUDIT_SUMMARY_RULE          records by rule id (a rule counts once
 *                               per record)
 *   AUDIT_SUMMARY_SENDER        records by mail_from ("<>" when empty)
 *   AUDIT_SUMMARY_PARTNER       recipient decisions "reroute" by partner,
 *                               over the recipients the filter selects
 *   AUDIT_SUMMARY_DAILY         records by "YYYY-MM-DD\taction" (UTC)
 *   AUDIT_SUMMARY_DAY           records by "YYYY-MM-DD" (UTC)
 * An empty class counts as "(none)".  The summary owns its tables; it
 * belongs to one thread.  Threads that share the work keep a summary
 * each and merge them at the end: the result does not depend on how
 * the records were shared out.
 */
enum audit_summary_table {
	AUDIT_SUMMARY_CLASS_ACTION,
	AUDIT_SUMMARY_CLASS,
	AUDIT_SUMMARY_ACTION,
	AUDIT_SUMMARY_RULE,
	AUDIT_SUMMARY_SENDER,
	AUDIT_SUMMARY_PARTNER,
	AUDIT_SUMMARY_DAILY,
	AUDIT_SUMMARY_DAY,
	AUDIT_SUMMARY_NTABLES
};

enum audit_summary_axis {
	AUDIT_SUMMARY_AXIS_CLASS,
	AUDIT_SUMMARY_AXIS_ACTION,
	AUDIT_SUMMARY_AXIS_DAY
};

struct audit_summary;

struct audit_summary *audit_summary_new(void);
void	audit_summary_free(struct audit_summary **sp);

/* audit_summary_add - count one matching record */
void	audit_summary_add(struct audit_summary *s,
	    const struct audit_record *rec, const struct audit_filter *f);
/* audit_summary_merge - add the counts of src to dst */
void	audit_summary_merge(struct audit_summary *dst,
	    const struct audit_summary *src);
/* audit_summary_set_input - record how many lines were read and malformed */
void	audit_summary_set_input(struct audit_summary *s, uint64_t read,
	    uint64_t malformed);
/* audit_summary_totals - records read (well-formed), matched, malformed lines */
void	audit_summary_totals(const struct audit_summary *s, uint64_t *read_r,
	    uint64_t *matched_r, uint64_t *malformed_r);
/* audit_summary_table - one of the tables (borrowed) */
struct audit_count *audit_summary_table(const struct audit_summary *s,
	    enum audit_summary_table which);

/*
 * audit_summary_axis - the values seen on one axis, NULL-terminated, in
 * report order: the known classes or actions first in their documented
 * order, then any others sorted; days sorted.  With all_known set the
 * known classes or actions are listed even when not seen.  The caller
 * frees the array, not the strings (owned by the summary).
 */
const char **audit_summary_axis(const struct audit_summary *s,
	    enum audit_summary_axis axis, int all_known, size_t *n_r);

/* audit_summary_write_text - the plain text report; -1 on a write error */
int	audit_summary_write_text(const struct audit_summary *s, FILE *fp,
	    size_t top);

#endif
