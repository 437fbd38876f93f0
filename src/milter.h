/* milter - the libmilter callbacks: each fetches its context, calls one module, maps the result */
#ifndef CSP_MILTER_H
#define CSP_MILTER_H

#include "snapshot.h"

/*
 * milter_register - register the callbacks with libmilter (smfi_register);
 * every message pins the config live in snap at MAIL FROM and keeps it to
 * its end.  tcp: the socket is inet, so every step is answered (a step
 * without a reply stalls the MTA's next write 40 ms on its Nagle).  Call
 * once, before smfi_main.  0, or -1 if libmilter refused.
 */
int milter_register(struct snapshot *snap, int tcp);
/*
 * milter_release - free the scan state kept for idle connections, after
 * smfi_main has returned (a connection still closing gives its own back
 * and it is kept until the process ends).
 */
void milter_release(void);

#endif
