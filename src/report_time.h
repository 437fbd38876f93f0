/* report_time - time stamps of the audit log and of report options */
#ifndef CSP_REPORT_TIME_H
#define CSP_REPORT_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * Times are kept as microseconds since the Unix epoch, UTC, in an int64_t.
 * All functions are pure and thread-safe.
 */

/*
 * report_time_parse - parse an RFC 3339 time stamp of len bytes
 * ("2026-11-24T15:11:35.123456Z", "...+01:00"; 't', 'z' and a space for
 * 'T' are accepted).  Returns 0, or -1 when s is not such a time stamp.
 */
int	report_time_parse(const char *s, size_t len, int64_t *us_r);

/*
 * report_time_parse_arg - parse a --since or --until argument: an RFC 3339
 * time stamp, "YYYY-MM-DDTHH:MM[:SS]" (UTC), a date "YYYY-MM-DD" (its
 * midnight UTC, or the following midnight when end_of_day is set, so that
 * an --until date includes the whole day), or a relative time "N" plus one
 * of s, m, h, d, w meaning that long before now_us.
 */
int	report_time_parse_arg(const char *s, int64_t now_us, int end_of_day,
	    int64_t *us_r, const char **error_r);

/* report_time_day - append the UTC date of us as "YYYY-MM-DD" */
void	report_time_day(struct strbuf *out, int64_t us);

/* report_time_iso - append us as "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds) */
void	report_time_iso(struct strbuf *out, int64_t us);

/* Microseconds in a day, for walking a period day by day. */
#define REPORT_TIME_DAY_US	(86400LL * 1000000)

#endif
