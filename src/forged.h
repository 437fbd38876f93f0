/* forged - X-CSP-* headers on input, counted by name so they can be removed */
#ifndef CSP_FORGED_H
#define CSP_FORGED_H

/*
 * Only csp-milter writes X-CSP-* headers; any on input is forged and is
 * removed before a verdict is added.  The MTA removes the Nth header of a
 * name, so each name is counted once, as it passes, in a small table: one
 * pass over the headers, no rescanning.  Past FORGED_NAMES names or
 * FORGED_MAX headers the message cannot be cleaned cheaply (each removal
 * costs the MTA a rewrite of its queue file) and forged_overflow says so:
 * the caller holds the message (fails closed).  One per connection; not
 * thread-safe.
 */
#define FORGED_NAMES	8
#define FORGED_MAX	64

struct forged;

struct forged *forged_new(void);
void forged_free(struct forged **f);
/* forged_reset - a new message */
void forged_reset(struct forged *f);
/* forged_note - count one header if it is X-CSP-*; 1 if it was, else 0 */
int forged_note(struct forged *f, const char *name);
/* forged_total - X-CSP-* headers seen in this message, the overflow included */
unsigned long forged_total(const struct forged *f);
/* forged_overflow - 1 when more were seen than can be removed */
int forged_overflow(const struct forged *f);
/*
 * forged_get - the i-th name (owned by f) and how many headers carry it;
 * -1 past the last.  Remove from the count down to 1, so that the earlier
 * ones keep their index (CVE-2022-48521).
 */
int forged_get(const struct forged *f, int i, const char **name, int *count);

#endif
