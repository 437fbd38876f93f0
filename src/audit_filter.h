/* audit_filter - select audit records for a report */
#ifndef CSP_AUDIT_FILTER_H
#define CSP_AUDIT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "audit_record.h"

/*
 * A filter is a conjunction of conditions, each set once from a command
 * line option by audit_filter_set():
 *
 *   since TIME      record time >= TIME
 *   until TIME      record time <  TIME (a bare date includes that day)
 *   class C         class is C exactly ("none" matches the empty class)
 *   action A        the overall action is A or any recipient decision is A
 *   sender S        S is a case-insensitive substring of mail_from or
 *                   header_from
 *   rcpt R          R is a case-insensitive substring of a recipient
 *   customer ID     a recipient's customer is ID exactly
 *   partner P       P is a case-insensitive substring of a recipient's
 *                   partner
 *   rule ID         one of the rules is ID exactly
 *   uncertain       the record is flagged uncertain (value ignored)
 *
 * rcpt, customer and partner are recipient conditions: they must all hold
 * for one and the same recipient, and audit_filter_match_rcpt() tells
 * which recipients of a matching record they select.  A filter is
 * immutable after set-up and may then be shared between threads.
 */
struct audit_filter;

struct audit_filter *audit_filter_new(int64_t now_us);
void	audit_filter_free(struct audit_filter **fp);

/* audit_filter_set - add a condition; -1 with *error_r on a bad value */
int	audit_filter_set(struct audit_filter *f, const char *name,
	    const char *value, const char **error_r);

/*
 * audit_filter_precheck - cheap test on the raw line: 0 when the line
 * cannot match (a needed literal is absent), 1 when it may.
 */
int	audit_filter_precheck(const struct audit_filter *f, const char *line,
	    size_t len);

/* audit_filter_match - 1 when the record meets every condition */
int	audit_filter_match(const struct audit_filter *f,
	    const struct audit_record *rec);

/* audit_filter_match_rcpt - 1 when the recipient meets the recipient conditions */
int	audit_filter_match_rcpt(const struct audit_filter *f,
	    const struct audit_rcpt *rcpt);

/* audit_filter_has_rcpt - 1 when any recipient condition is set */
int	audit_filter_has_rcpt(const struct audit_filter *f);

/* audit_memcasemem - ASCII case-insensitive search of needle in hay */
const char *audit_memcasemem(const char *hay, size_t haylen,
	    const char *needle, size_t needlelen);

#endif
