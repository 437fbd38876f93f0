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
 *   REPORT_SUMMARY_CLASS_ACTION  records by "mode\tclass\taction"
 *   REPORT_SUMMARY_CLASS         records by class
 *   REPORT_SUMMARY_ACTION        records by "mode\taction"
 *   REPORT_SUMMARY_RULE          records by rule id (a rule counts once
 *                               per record)
 *   REPORT_SUMMARY_SENDER        records by mail_from ("<>" when empty)
 *   REPORT_SUMMARY_PARTNER       recipient decisions "reroute" by
 *                               "mode\tpartner", over the recipients the
 *                               filter selects
 *   REPORT_SUMMARY_DAILY         records by "YYYY-MM-DD\tmode\taction" (UTC)
 *   REPORT_SUMMARY_DAY           records by "YYYY-MM-DD" (UTC)
 *   REPORT_SUMMARY_MODE          records by mode
 *   REPORT_SUMMARY_UNCERTAIN     uncertain records by mode
 *   REPORT_SUMMARY_INSTANCE      records by instance, with time ranges
 *   REPORT_SUMMARY_CONFIG        records by config_version, with time ranges
 * The mode is the record's "enforce" (the action was applied) or "monitor"
 * (it would have been, and was not), so that no count mixes the two.  An
 * empty class, mode, instance or config version counts as "(none)".  The summary owns its tables; it
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
	REPORT_SUMMARY_MODE,
	REPORT_SUMMARY_UNCERTAIN,
	REPORT_SUMMARY_INSTANCE,
	REPORT_SUMMARY_CONFIG,
	REPORT_SUMMARY_NTABLES
};

enum report_summary_axis {
	REPORT_SUMMARY_AXIS_CLASS,
	REPORT_SUMMARY_AXIS_ACTION,
	REPORT_SUMMARY_AXIS_DAY,
	REPORT_SUMMARY_AXIS_MODE
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
/* report_summary_set_oversized - record how many lines were over the size cap */
void	report_summary_set_oversized(struct report_summary *s, uint64_t n);
/* report_summary_oversized - lines over the size cap */
uint64_t report_summary_oversized(const struct report_summary *s);
/*
 * report_summary_covered - the first and last time of the matching
 * records; 0 when none matched, else 1.
 */
int	report_summary_covered(const struct report_summary *s,
	    int64_t *first_r, int64_t *last_r);
/* report_summary_mode_of - the mode a record counts under */
const char *report_summary_mode_of(const struct report_record *rec);
/* report_summary_mode_title - "enforce (applied)" and the like, for headings */
const char *report_summary_mode_title(const char *mode);
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

/* report_summary_get - count of the key "a\tb[\tc]" in table t (c may be NULL) */
uint64_t report_summary_get(const struct report_summary *s,
	    enum report_summary_table t, struct strbuf *key, const char *a,
	    const char *b, const char *c);

/*
 * report_summary_write_text - the plain text report after the header
 * text head (may be ""); -1 on a write error
 */
int	report_summary_write_text(const struct report_summary *s, FILE *fp,
	    size_t top, const char *head);

#endif
