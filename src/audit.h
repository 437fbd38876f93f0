/* audit - the audit trail: one JSON record per message, and its syslog summary */
#ifndef CSP_AUDIT_H
#define CSP_AUDIT_H

#include <stddef.h>
#include "conf.h"
#include "scan.h"
#include "strbuf.h"

/*
 * The only module that writes the audit file.  Each record is one line of
 * JSON appended with a single write(2), so records from concurrent threads
 * never interleave.  The record is written after the changes were applied
 * and before the verdict goes back to the MTA, so it holds what really
 * happened (see action_plan_apply); a failed write is reported to the
 * caller, which applies on_audit_error.  The field names are a contract: see csp-milter-audit(1)
 * and csp-milter.conf(5).  audit_open, audit_reopen and audit_write are
 * thread-safe.
 */
struct audit_event {
	const char *queue_id;
	const char *client;	/* client address */
	const char *action;	/* what the message got: untouched deliver tag reroute reject quarantine tempfail accept */
	long elapsed_us;
	const char *mta;	/* "postfix", "sendmail" or "" (from the MTA's macro v) */
};

/*
 * audit_mta_name - the record's mta from the MTA's macro v: Postfix sends
 * "Postfix 3.7.11", Sendmail its bare version "8.17.1.9".  Quarantine
 * differs between the two, and so does the command that releases it.
 * "postfix", "sendmail" or "" (static).
 */
const char *audit_mta_name(const char *v);

/* audit_open - open (create 0640) the audit file for appending; "" disables */
int audit_open(const char *path, const char **error_r);
/* audit_reopen - reopen after rotation (or a new path); the old file stays open on failure */
int audit_reopen(const char *path, const char **error_r);
void audit_close(void);

/*
 * audit_message - everything the daemon records for one message, after the
 * plan was applied: the JSON record appended to the audit file (and sent
 * to syslog with audit_syslog_json), then the summary line to syslog.
 * scratch is the caller's buffer.  0, or -1 when the audit write failed
 * (logged; the caller applies on_audit_error).  Thread-safe.
 */
int audit_message(const struct scan_result *res, const struct audit_event *ev,
    struct strbuf *scratch);

/* audit_record_build - build the JSON record of one message into out */
void audit_record_build(struct strbuf *out, const struct scan_result *res,
    const struct audit_event *ev);
/* audit_write - append one record line; 0, or -1 with errno */
int audit_write(const struct strbuf *record);
/* audit_summary - the Postfix-style syslog line: "QUEUEID: csp-milter: class=... action=..." */
void audit_summary(struct strbuf *out, const struct scan_result *res,
    const struct audit_event *ev);

#endif
