/* scan_pool - scan state kept between milter connections */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "scan_pool.h"
#include "xalloc.h"

struct scan_pool {
	pthread_mutex_t lock;
	struct scan **idle;	/* a stack: the warmest scan is taken first */
	size_t count, max;
};

/* scan_pool_new - at most max_idle scans kept */
struct scan_pool *
scan_pool_new(size_t max_idle)
{
	struct scan_pool *pool = xcalloc(1, sizeof(*pool));

	pthread_mutex_init(&pool->lock, NULL);
	pool->max = max_idle;
	pool->idle = xcalloc(max_idle + 1, sizeof(*pool->idle));
	return pool;
}

/* scan_pool_free - the pool and its idle scans */
void
scan_pool_free(struct scan_pool **poolp)
{
	struct scan_pool *pool = *poolp;

	if (pool == NULL)
		return;
	scan_pool_drain(pool);
	pthread_mutex_destroy(&pool->lock);
	free(pool->idle);
	free(pool);
	*poolp = NULL;
}

/* scan_pool_take - the warmest idle scan, or a new one */
struct scan *
scan_pool_take(struct scan_pool *pool)
{
	struct scan *scan = NULL;

	pthread_mutex_lock(&pool->lock);
	if (pool->count > 0)
		scan = pool->idle[--pool->count];
	pthread_mutex_unlock(&pool->lock);
	return scan != NULL ? scan : scan_new();
}

/* scan_pool_give - keep a scan for the next connection, or free it */
void
scan_pool_give(struct scan_pool *pool, struct scan **scanp)
{
	struct scan *scan = *scanp;

	if (scan == NULL)
		return;
	*scanp = NULL;
	/* Outside the lock: dropping a config may free it. */
	scan_idle(scan);
	pthread_mutex_lock(&pool->lock);
	if (pool->count < pool->max) {
		pool->idle[pool->count++] = scan;
		scan = NULL;
	}
	pthread_mutex_unlock(&pool->lock);
	scan_free(&scan);
}

/* scan_pool_drain - free the idle scans */
void
scan_pool_drain(struct scan_pool *pool)
{
	struct scan **idle;
	size_t i, n;

	pthread_mutex_lock(&pool->lock);
	n = pool->count;
	idle = xcalloc(n + 1, sizeof(*idle));
	for (i = 0; i < n; i++)
		idle[i] = pool->idle[i];
	pool->count = 0;
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < n; i++)
		scan_free(&idle[i]);
	free(idle);
}

/* scan_pool_idle - scans waiting */
size_t
scan_pool_idle(struct scan_pool *pool)
{
	size_t n;

	pthread_mutex_lock(&pool->lock);
	n = pool->count;
	pthread_mutex_unlock(&pool->lock);
	return n;
}
