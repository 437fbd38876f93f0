/* xalloc - the one allocation policy: memory or a clean exit */
#ifndef CSP_XALLOC_H
#define CSP_XALLOC_H

#include <stddef.h>

/*
 * As Postfix's mymalloc does: an allocation that fails is not returned to
 * the caller.  xalloc logs "out of memory" (syslog and stderr, through
 * log) and the process exits with status 71 (EX_OSERR) at once, without
 * answering the message in hand.  The MTA then applies its
 * milter_default_action (tempfail in the shipped setup) to every message
 * in flight, the sender retries, and the service manager restarts the
 * milter: nothing is lost, and no plan or audit record ever claims an
 * action that was not applied.  Callers therefore never check for NULL.
 * A size that overflows counts as a failure.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
/* xreallocarray - room for count elements of n bytes, checked for overflow */
void *xreallocarray(void *p, size_t count, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xalloc_fail - the one exit; for a library that reports ENOMEM itself */
void xalloc_fail(size_t n) __attribute__((noreturn));

#endif
