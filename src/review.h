/* review - csp-milter-audit --review: held mail shown, and released, rerouted, taught or left */
#ifndef CSP_REVIEW_H
#define CSP_REVIEW_H

#include <stdio.h>
#include "classify.h"
#include "mta_queue.h"
#include "review_record.h"

/*
 * A review session: the config (its customers, policy, audit file and
 * decoder), the MTA's hold queue (mta_queue) and who reviews.  For each
 * held message, review_item_load reads its bytes from the queue, decodes
 * and classifies them with the project's scan (as csp-milter --classify
 * does) to find its customers and an excerpt, and takes the milter's
 * audit record of it; then one choice acts on it through the MTA and is
 * recorded in the audit log (review_record).  Nothing is lost: a held copy
 * is deleted only after its re-injection succeeded.  One thread.
 */
struct review;

struct review_opts {
	const char *conf_path;
	const char *postfix_config;	/* Postfix config directory (-c DIR), or NULL */
	const char *sendmail_queue;	/* Sendmail queue directory, or NULL (Postfix) */
	const char *sendmail_cmd;	/* the sendmail program to run, or NULL (the MTA's own) */
	const char *by;			/* --by, or NULL */
	const char *milter;		/* csp-milter for --learn, or NULL (found) */
	const char *self;		/* argv[0], to find csp-milter beside it */
};

/* Exit statuses (sysexits.h values), also what each choice returns. */
#define REVIEW_OK		0
#define REVIEW_EX_USAGE		64
#define REVIEW_EX_DATAERR	65	/* the message cannot take the choice (no partner) */
#define REVIEW_EX_UNAVAILABLE	69	/* an MTA command or the learner failed, or not held */
#define REVIEW_EX_SOFTWARE	70
#define REVIEW_EX_TEMPFAIL	75	/* try again: the MTA or the audit file said so */

/* One held message under review. */
struct review_item {
	struct mta_held held;
	struct strbuf bytes;		/* headers and body as held */
	json_t *record;			/* the milter's record, NULL when none was found */
	json_t *base;			/* record, or one built from the rescan */
	struct review_rcpt *rcpts;	/* one per held recipient, customer from the rescan */
	size_t nrcpts;
	struct strbuf excerpt;		/* the decoded visible text's start, terminal-safe lines */
	struct strbuf headers;		/* Subject and From as decoded, terminal-safe */
};

/* review_new - load the config, open the audit file; NULL with *error_r */
struct review *review_new(const struct review_opts *opts, const char **error_r);
void review_free(struct review **rv);

/* review_by - who the records name */
const char *review_by(const struct review *rv);

/*
 * review_list - the held messages, oldest first, with the milter's record
 * of each (records[i] NULL when none; the caller decrefs); 0 or an exit
 * status with the reason on stderr.
 */
int review_list(struct review *rv, struct mta_held **held, size_t *n, json_t ***records);

/*
 * review_item_load - read, decode and look up held message h (moved into
 * it: h is left empty); 0 or an exit status with the reason on stderr.
 * record, when not NULL, is the milter's record already found (a new
 * reference is taken).
 */
int review_item_load(struct review *rv, struct review_item *it, struct mta_held *h,
    json_t *record, int look_up);
/* review_item_find - review_item_load by queue ID; REVIEW_EX_UNAVAILABLE when not held */
int review_item_find(struct review *rv, struct review_item *it, const char *queue_id);
void review_item_release(struct review_item *it);
/* review_item_held - 1 while the MTA still holds it, 0 when not, -1 when the queue cannot be read */
int review_item_held(struct review *rv, const struct review_item *it);

/* review_item_show - what the reviewer needs to decide, made safe for a terminal */
void review_item_show(struct review *rv, const struct review_item *it, FILE *out);

/*
 * The choices.  Each acts through the MTA, writes its record, says what
 * it did on out, and returns 0 or an exit status (the reason on stderr).
 */
int review_release(struct review *rv, struct review_item *it, FILE *out);
int review_reroute(struct review *rv, struct review_item *it, FILE *out);
int review_teach(struct review *rv, struct review_item *it, enum csp_class cls, FILE *out);
int review_leave(struct review *rv, struct review_item *it, FILE *out);

/* The plan of a reroute or of what a taught class's policy wants. */
enum review_outcome { REVIEW_RELEASE, REVIEW_REROUTE, REVIEW_HOLD };

struct review_plan {
	enum review_outcome outcome;
	char **targets;			/* REVIEW_REROUTE: the re-injected copy's recipients */
	size_t ntargets;
	const char *why;		/* REVIEW_HOLD, or a refused reroute: static or into rcpts */
	size_t why_rcpt;		/* the recipient it is about, SIZE_MAX: none */
};

/*
 * review_plan_reroute - every CSP customer to its partner (decision
 * reroute), every other recipient keeps the mail (deliver); the targets
 * are the partners (each once) and those recipients.  -1 when a CSP
 * customer has no partner or no recipient is a CSP customer (plan->why).
 * Pure.
 */
int review_plan_reroute(struct review_rcpt *rcpts, size_t n, struct review_plan *plan);

/*
 * review_plan_teach - the taught class's policy (the config's table, as
 * for a certain result) per recipient: any quarantine or reject keeps the
 * whole message held (the hold queue holds whole messages); else any
 * reroute reroutes those recipients; else the message is released.  Pure.
 */
void review_plan_teach(const struct policy_table *table, enum csp_class cls,
    struct review_rcpt *rcpts, size_t n, struct review_plan *plan);
void review_plan_release(struct review_plan *plan);

#endif
