/* report_time - time stamps of the audit log and of report options */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_time.h"

#define US_PER_SEC	1000000LL
#define SEC_PER_DAY	86400LL

/* report_time_days_from_civil - days since 1970-01-01 of a Gregorian date */
static int64_t
report_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* report_time_civil_from_days - Gregorian date of days since 1970-01-01 */
static void
report_time_civil_from_days(int64_t z, int64_t *y_r, unsigned *m_r, unsigned *d_r)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d_r = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*m_r = m;
	*y_r = y + (m <= 2);
}

/* report_time_digits - read exactly n decimal digits at s */
static int
report_time_digits(const char *s, size_t n, unsigned *v_r)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*v_r = v;
	return 0;
}

/* report_time_days_in_month - length of month m of year y */
static unsigned
report_time_days_in_month(unsigned y, unsigned m)
{
	static const unsigned char days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* report_time_date - parse "YYYY-MM-DD" at s (len >= 10) into days */
static int
report_time_date(const char *s, int64_t *days_r)
{
	unsigned y, m, d;

	if (report_time_digits(s, 4, &y) < 0 || s[4] != '-' ||
	    report_time_digits(s + 5, 2, &m) < 0 || s[7] != '-' ||
	    report_time_digits(s + 8, 2, &d) < 0)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > report_time_days_in_month(y, m))
		return -1;
	*days_r = report_time_days_from_civil(y, m, d);
	return 0;
}

/*
 * report_time_parse_ext - parse a date and time; the zone may be omitted
 * when zone_optional is set, and seconds when it is set too.
 */
static int
report_time_parse_ext(const char *s, size_t len, int zone_optional,
    int64_t *us_r)
{
	int64_t days, sec, frac = 0, scale = US_PER_SEC;
	unsigned hh, mm, ss = 0, oh, om;
	size_t i;

	if (len < 16 || report_time_date(s, &days) < 0)
		return -1;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	if (report_time_digits(s + 11, 2, &hh) < 0 || s[13] != ':' ||
	    report_time_digits(s + 14, 2, &mm) < 0 || hh > 23 || mm > 59)
		return -1;
	i = 16;
	if (i < len && s[i] == ':') {
		if (i + 3 > len || report_time_digits(s + i + 1, 2, &ss) < 0 ||
		    ss > 60)
			return -1;
		i += 3;
		if (i < len && s[i] == '.') {
			if (++i >= len || s[i] < '0' || s[i] > '9')
				return -1;
			for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
				if (scale > 1) {
					scale /= 10;
					frac += (s[i] - '0') * scale;
				}
			}
		}
	} else if (!zone_optional)
		return -1;
	sec = days * SEC_PER_DAY + hh * 3600 + mm * 60 + ss;
	if (i == len) {
		if (!zone_optional)
			return -1;
	} else if (s[i] == 'Z' || s[i] == 'z') {
		if (++i != len)
			return -1;
	} else if (s[i] == '+' || s[i] == '-') {
		if (i + 6 != len || report_time_digits(s + i + 1, 2, &oh) < 0 ||
		    s[i + 3] != ':' || report_time_digits(s + i + 4, 2, &om) < 0 ||
		    oh > 23 || om > 59)
			return -1;
		if (s[i] == '+')
			sec -= oh * 3600 + om * 60;
		else
			sec += oh * 3600 + om * 60;
	} else
		return -1;
	*us_r = sec * US_PER_SEC + frac;
	return 0;
}

/* report_time_parse - parse an RFC 3339 time stamp */
int
report_time_parse(const char *s, size_t len, int64_t *us_r)
{
	return report_time_parse_ext(s, len, 0, us_r);
}

/* report_time_parse_arg - parse a --since or --until argument */
int
report_time_parse_arg(const char *s, int64_t now_us, int end_of_day,
    int64_t *us_r, const char **error_r)
{
	size_t len = strlen(s);
	int64_t days, unit;
	unsigned long long n;
	char *end;

	if (len == 10 && report_time_date(s, &days) == 0) {
		*us_r = (days + (end_of_day ? 1 : 0)) * SEC_PER_DAY * US_PER_SEC;
		return 0;
	}
	if (report_time_parse_ext(s, len, 1, us_r) == 0)
		return 0;
	if (len >= 2 && s[0] >= '0' && s[0] <= '9') {
		switch (s[len - 1]) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = SEC_PER_DAY; break;
		case 'w': unit = 7 * SEC_PER_DAY; break;
		default: unit = 0; break;
		}
		errno = 0;
		n = strtoull(s, &end, 10);
		if (unit != 0 && errno == 0 && end == s + len - 1 &&
		    n <= 100000ULL * 366 * SEC_PER_DAY / (unsigned long long)unit) {
			*us_r = now_us - (int64_t)n * unit * US_PER_SEC;
			return 0;
		}
	}
	*error_r = "not a time: expected RFC 3339 (2026-11-24T15:11:35Z), "
	    "a date (2026-11-24) or a relative time (7d, 24h, 30m, 2w, 90s)";
	return -1;
}

/* report_time_day - append the UTC date of us as "YYYY-MM-DD" */
void
report_time_day(struct strbuf *out, int64_t us)
{
	int64_t days, y;
	unsigned m, d;

	days = us / (SEC_PER_DAY * US_PER_SEC);
	if (us < 0 && us % (SEC_PER_DAY * US_PER_SEC) != 0)
		days--;
	report_time_civil_from_days(days, &y, &m, &d);
	strbuf_appendf(out, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* report_time_iso - append us as "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds) */
void
report_time_iso(struct strbuf *out, int64_t us)
{
	int64_t sec = us / US_PER_SEC, rem;

	if (us < 0 && us % US_PER_SEC != 0)
		sec--;
	rem = sec % SEC_PER_DAY;
	if (rem < 0)
		rem += SEC_PER_DAY;
	report_time_day(out, (sec - rem) * US_PER_SEC);
	strbuf_appendf(out, "T%02d:%02d:%02dZ", (int)(rem / 3600),
	    (int)(rem / 60 % 60), (int)(rem % 60));
}
