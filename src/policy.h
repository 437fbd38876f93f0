/* policy - the CSP rules: a decision per recipient from class x customer record */
#ifndef CSP_POLICY_H
#define CSP_POLICY_H

#include <stddef.h>
#include "classify.h"
#include "directory.h"

/*
 * A pure function of (decision table, class, customer records).  The table
 * is filled with the CSP defaults and then overridden by the config; it is
 * read-only once loaded and shared by all threads.
 */
enum decision {		/* in order of restrictiveness */
	DECISION_DELIVER,
	DECISION_TAG,		/* deliver, with X-CSP-Class and X-CSP-Decision headers */
	DECISION_REROUTE,	/* to the customer's CSP partner instead */
	DECISION_QUARANTINE,	/* hold the whole message for review */
	DECISION_REJECT,
};
#define DECISION_COUNT 5

/* What the directory says a recipient is. */
enum rcpt_kind {
	KIND_NONE,		/* not a customer */
	KIND_DIRECT,		/* direct customer only, not through CSP */
	KIND_CSP_DIRECT,	/* CSP customer who also has a direct relationship */
	KIND_CSP,		/* CSP customer only */
};
#define KIND_COUNT 4

struct policy_table {
	enum decision decision[CLASS_COUNT][KIND_COUNT];
};

const char *decision_name(enum decision d);
int decision_parse(const char *name);
const char *rcpt_kind_name(enum rcpt_kind k);
int rcpt_kind_parse(const char *name);

/* policy_defaults - the CSP rules as shipped */
void policy_defaults(struct policy_table *table);

/* policy_kind - classify a directory record (NULL: not a customer) */
enum rcpt_kind policy_kind(const struct customer *cust);

/*
 * policy_decide - the decision for one recipient.  An uncertain result
 * takes the most restrictive decision any class would give this kind of
 * recipient: ambiguous mail is never let through on a guess.
 */
enum decision policy_decide(const struct policy_table *table, enum csp_class class,
    int uncertain, const struct customer *cust);

#endif
