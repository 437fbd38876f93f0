/* report_filter - select audit records for a report */
#ifndef CSP_REPORT_FILTER_H
#define CSP_REPORT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "report_record.h"

/*
 * A filter is a conjunction of conditions, each set once from a command
 * line option by report_filter_set():
 *
 *   since TIME      record time >= TIME
 *   until TIME      record time <  TIME (a bare date includes that day)
 *   class C         class is C exactly ("none" matches the empty class);
 *                   C must be one of report_filter_classes
 *   action A        the overall action is A or any recipient decision is A;
 *                   A must be one of report_filter_actions
 *   mode M          the record's mode is M: "enforce" or "monitor"
 *   sender S        S is a case-insensitive substring of mail_from or
 *                   header_from
 *   rcpt R          R is a case-insensitive substring of a recipient
 *   customer ID     a recipient's customer is ID exactly
 *   partner P       P is a case-insensitive substring of a recipient's
 *                   partner
 *   rule ID         one of the rules is ID exactly
 *   uncertain       the record is flagged uncertain (value ignored)
 *
 * An unknown class, action, mode or time is refused with the valid values
 * in *error_r (owned by the filter, valid until the next call), so that a
 * typo never gives an empty report that looks like a clean one.
 * rcpt, customer and partner are recipient conditions: they must all hold
 * for one and the same recipient, and report_filter_match_rcpt() tells
 * which recipients of a matching record they select.  A filter is
 * immutable after set-up and may then be shared between threads.
 */
struct report_filter;

struct report_filter *report_filter_new(int64_t now_us);
void	report_filter_free(struct report_filter **fp);

/* The valid values of class, action and mode, NULL-terminated, in report order. */
extern const char *const report_filter_classes[];
extern const char *const report_filter_actions[];
extern const char *const report_filter_modes[];

/* report_filter_set - add a condition; -1 with *error_r on a bad value */
int	report_filter_set(struct report_filter *f, const char *name,
	    const char *value, const char **error_r);

/*
 * report_filter_precheck - cheap test on the raw line: 0 when the line
 * cannot match (a needed literal is absent), 1 when it may.
 */
int	report_filter_precheck(const struct report_filter *f, const char *line,
	    size_t len);

/* report_filter_match - 1 when the record meets every condition */
int	report_filter_match(const struct report_filter *f,
	    const struct report_record *rec);

/* report_filter_match_rcpt - 1 when the recipient meets the recipient conditions */
int	report_filter_match_rcpt(const struct report_filter *f,
	    const struct report_rcpt *rcpt);

/*
 * report_filter_period - the requested period: *has_since_r and
 * *has_until_r tell whether each bound was given; until is exclusive.
 */
void	report_filter_period(const struct report_filter *f, int *has_since_r,
	    int64_t *since_r, int *has_until_r, int64_t *until_r);

/* report_filter_has_rcpt - 1 when any recipient condition is set */
int	report_filter_has_rcpt(const struct report_filter *f);

/* report_memcasemem - ASCII case-insensitive search of needle in hay */
const char *report_memcasemem(const char *hay, size_t haylen,
	    const char *needle, size_t needlelen);

#endif
