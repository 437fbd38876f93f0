/* scan_pool - scan state kept between milter connections */
#ifndef CSP_SCAN_POOL_H
#define CSP_SCAN_POOL_H

#include <stddef.h>
#include "scan.h"

/*
 * libmilter gives each connection a thread of its own, and a scan's state
 * is costly to make: Vectorscan sizes a scratch for every prefilter
 * database, which took about 1 ms a connection here (tests/bench/
 * bench_classify: "state made and freed for each message"), many times
 * what the message itself costs.  A connection takes a scan from the pool
 * and gives it back when it closes; an idle scan holds no config (see
 * scan_idle).  At most max_idle scans wait in the pool; more are freed.
 *
 * Every function is thread-safe.
 */
struct scan_pool;

struct scan_pool *scan_pool_new(size_t max_idle);
/* scan_pool_free - free the pool and its idle scans; none may be out */
void scan_pool_free(struct scan_pool **pool);
/* scan_pool_take - an idle scan, or a new one; never NULL */
struct scan *scan_pool_take(struct scan_pool *pool);
/* scan_pool_give - *scan back to the pool (or freed); *scan is set to NULL */
void scan_pool_give(struct scan_pool *pool, struct scan **scan);
/* scan_pool_drain - free the idle scans (at shutdown; scans out may still come back) */
void scan_pool_drain(struct scan_pool *pool);
/* scan_pool_idle - scans waiting in the pool */
size_t scan_pool_idle(struct scan_pool *pool);

#endif
