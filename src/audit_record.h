/* audit_record - one decoded line of the milter's audit log */
#ifndef CSP_AUDIT_RECORD_H
#define CSP_AUDIT_RECORD_H

#include <stddef.h>
#include <stdint.h>

/*
 * The audit log is JSON Lines, one object per message, written by the
 * milter's audit module.  audit_record_parse() decodes one line into the
 * fields the report uses; keys it does not know are ignored so that newer
 * writers stay readable.  "time" and "action" are required; any other key
 * may be missing (or null) and then reads as "" or 0, but a key that is
 * present with the wrong JSON type makes the line malformed.
 *
 * Every string pointer below points into the JSON document that the record
 * owns; it stays valid until the next audit_record_parse() on the same
 * record or audit_record_free().  A record belongs to one thread; records
 * in different threads may parse at the same time.  A record decodes into
 * an arena of its own: the first audit_record_new() installs jansson's
 * allocator for the whole process, which other jansson documents still
 * get from malloc (see audit_record.c).
 */
struct audit_rcpt {
	const char *rcpt;
	const char *customer;
	const char *partner;
	const char *decision;
};

struct audit_record {
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
	const char *class;		/* "" when not vendor-side */
	const char *action;
	const char *mode;
	const char *uncertain_reason;
	int	uncertain;
	int64_t	size;
	const char **rules;		/* rule ids, in order */
	size_t	nrules;
	struct audit_rcpt *rcpts;
	size_t	nrcpts;
	void	*priv;			/* the JSON document and array storage */
};

struct audit_record *audit_record_new(void);
void	audit_record_free(struct audit_record **recp);

/*
 * audit_record_parse - decode one line of len bytes (without the newline).
 * Returns 0, or -1 with a reason in *error_r (static text, or text owned
 * by the record and valid until the next call).
 */
int	audit_record_parse(struct audit_record *rec, const char *line,
	    size_t len, const char **error_r);

/* audit_record_json - the decoded json_t * (borrowed; no json_decref) */
void   *audit_record_json(const struct audit_record *rec);

#endif
