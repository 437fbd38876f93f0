/* review_record - the audit records of held mail: found by queue ID, and written for each review */
#ifndef CSP_REVIEW_RECORD_H
#define CSP_REVIEW_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "directory.h"
#include "policy.h"
#include "strbuf.h"

/*
 * The review reads what the milter recorded when it held a message (the
 * audit log named by the config), and records each choice in the same log
 * in the daemon's format (audit.c's record: time, instance, queue_id, mta,
 * mail_from, class, scores, rules, recipients with their decisions, action,
 * mode, config_version), with one object more:
 *   "review": {"choice": "release" | "reroute" | "teach" | "leave",
 *              "by": WHO, "taught_class": CLASS or "",
 *              "record": "audit" (the daemon's record was found) or
 *                        "rescan" (none: class, scores and rules come from
 *                        decoding the held message again),
 *              "reinjected_to": [addresses], "note": text}
 * "action" is what the message got from the review: deliver (released),
 * reroute, quarantine (still held).  The record is written with
 * audit_write, the one writer of the audit file.  Pure functions except
 * review_records_find (reads a file); not thread-safe only in that each
 * call's outputs belong to the caller.
 */

/* One envelope recipient of a held message and what the review decided for it. */
struct review_rcpt {
	const char *rcpt;		/* the MTA's address, without angle brackets */
	const struct customer *cust;	/* NULL: not a customer */
	enum decision decision;
};

/* What one review choice did, for its record. */
struct review_event {
	const char *choice;		/* release reroute teach leave */
	const char *by;
	const char *taught_class;	/* "" unless teach */
	const char *action;		/* deliver reroute quarantine */
	const char *queue_id;
	const char *mta;
	const char *instance;
	const char *config_version;
	const char *sender;		/* envelope sender, "" for the null sender */
	int64_t size;
	int record_found;		/* base is the daemon's record (else a rescan's) */
	const struct review_rcpt *rcpts;
	size_t nrcpts;
	char *const *reinjected;	/* the re-injected copy's recipients */
	size_t nreinjected;
	const char *note;		/* "" or what the reviewer should know (stays held: why) */
};

/*
 * review_records_find - one pass over the audit log at path (plain or
 * gzip; lines over 1 MiB skipped): for each of the n queue IDs, the last
 * record the milter wrote with that queue_id (review records are not
 * counted) into found[i] (a new reference, NULL when there is none).
 * 0, or -1 when the file cannot be read (reason in *error_r, valid until
 * the next call).
 */
int review_records_find(const char *path, char *const *ids, size_t n, json_t **found,
    const char **error_r);

/*
 * review_record_build - the review's record: base (the daemon's record of
 * the message, or one built from a rescan; not changed) with the fields of
 * ev, as one JSON line ending in "\n", into out.
 */
void review_record_build(struct strbuf *out, const json_t *base, const struct review_event *ev);

/* review_record_str - s as a JSON string; invalid UTF-8 becomes U+FFFD (never NULL) */
json_t *review_record_str(const char *s);

/*
 * review_record_who - who makes the choices: by when given, else $SUDO_USER (an
 * admin working through sudo), else the login name, else the user name of
 * the real uid, else "uid N".  Returns a fresh string.
 */
char *review_record_who(const char *by);

#endif
