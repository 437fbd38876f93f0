/* bench_clock - the clocks and the resident set the benchmarks read */
#ifndef CSP_BENCH_CLOCK_H
#define CSP_BENCH_CLOCK_H

#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* now - monotonic seconds */
static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpu_now - this thread's CPU seconds: on a shared machine, what the work itself costs */
static inline double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rss_kib - the resident set now, from /proc/self/statm; -1 when it cannot be read */
static inline long
rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *fp = fopen("/proc/self/statm", "r");

	if (fp == NULL)
		return -1;
	if (fscanf(fp, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	fclose(fp);
	return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

#endif
