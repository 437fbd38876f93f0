/* report_record - one decoded line of the milter's audit log */
#ifndef CSP_REPORT_RECORD_H
#define CSP_REPORT_RECORD_H

#include <stddef.h>
#include <stdint.h>

/*
 * The audit log is JSON Lines, one object per message, written by the
 * milter's audit module.  report_record_parse() decodes one line into the
 * fields the report uses; keys it does not know are ignored so that newer
 * writers stay readable.  "time" and "action" are required; any other key
 * may be missing (or null) and then reads as "" or 0, but a key that is
 * present with the wrong JSON type makes the line malformed.
 *
 * Every string pointer below points into the decoded document that the
 * record owns; it stays valid until the next report_record_parse() on the
 * same record or report_record_free().  A record belongs to one thread;
 * records in different threads may parse at the same time.  A line is read
 * with simdjson (report_record_fast); a line simdjson refuses, or that
 * jansson would read otherwise, is decoded again with jansson, whose
 * verdict and reason stand.  The jansson document lives in an arena of the
 * record's own: the first report_record_new() installs jansson's allocator
 * for the whole process, which other jansson documents still get from
 * malloc (see report_record.c).  This header is also read as C++.
 */
struct report_rcpt {
	const char *rcpt;
	const char *customer;
	const char *partner;
	const char *decision;
};

struct report_record {
	const char *time;		/* as written */
	int64_t	time_us;		/* parsed, microseconds since epoch */
	const char *instance;
	const char *queue_id;
	const char *client;
	const char *mta;		/* "postfix", "sendmail", "" (older records: "") */
	const char *mail_from;
	const char *header_from;
	const char *message_id;
	const char *subject;
	const char *class_name;		/* "class": "" when not vendor-side */
	const char *action;
	const char *mode;		/* "enforce", "monitor" (the action was not applied) */
	const char *config_version;
	const char *uncertain_reason;
	int	uncertain;
	int	review;			/* a "review" object: csp-milter-audit --review's record */
	int64_t	size;
	const char **rules;		/* rule ids, in order */
	size_t	nrules;
	struct report_rcpt *rcpts;
	size_t	nrcpts;
	void	*priv;			/* the decoders and array storage */
};

struct report_record *report_record_new(void);
void	report_record_free(struct report_record **recp);

/*
 * report_record_parse - decode one line of len bytes (without the newline).
 * Returns 0, or -1 with a reason in *error_r (static text, or text owned
 * by the record and valid until the next call).
 */
int	report_record_parse(struct report_record *rec, const char *line,
	    size_t len, const char **error_r);

#endif
