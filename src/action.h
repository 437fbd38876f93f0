/* action - turn per-recipient decisions into the changes the MTA must make */
#ifndef CSP_ACTION_H
#define CSP_ACTION_H

#include <stddef.h>
#include "scan.h"
#include "strbuf.h"

/*
 * A pure function of the scan's result: no libmilter here.  The milter
 * layer replays the plan through action_plan_apply with its smfi_* calls;
 * tests inspect the plan and apply it through their own calls.  The plan
 * points into the scan (recipient strings) and must not outlive the next
 * scan_begin.  Not thread-safe; one plan per scan.
 */
struct action_plan {
	int reject;			/* refuse the whole message */
	/*
	 * Overall, for the audit: untouched deliver tag reroute reject
	 * quarantine; after a refused change, what the message got instead.
	 */
	const char *action;
	struct strbuf reply_text;	/* with reject: the SMTP reply text */
	const char **delrcpt;		/* recipients to remove, exactly as the MTA gave them */
	size_t delrcpt_count;
	char **addrcpt;			/* partner mailboxes to add, "<a@b>", each once */
	size_t addrcpt_count;
	struct strbuf headers;		/* headers to add: "Name\0value\0" pairs */
	size_t header_count;
	int quarantine;			/* hold the whole message */
	struct strbuf quarantine_reason;	/* at most 100 bytes */
	size_t refused;			/* changes the MTA refused (action_plan_apply) */
};

/* The MTA's side of each change: 0, or -1 when the MTA refused it. */
struct action_ops {
	int (*delrcpt)(void *ctx, const char *rcpt);
	int (*addrcpt)(void *ctx, const char *rcpt);
	int (*addheader)(void *ctx, const char *name, const char *value);
	int (*quarantine)(void *ctx, const char *reason);
};

void action_plan_init(struct action_plan *plan);
void action_plan_release(struct action_plan *plan);
/* action_plan_build - plan the changes for a decided scan (reset first) */
void action_plan_build(struct action_plan *plan, const struct scan_result *res);
/*
 * action_plan_hold - hold the whole message for this reason, whatever the
 * plan said (a reject stays a reject): for what the milter cannot make safe
 * by changing the message, such as X-CSP-* headers past what it can remove.
 */
void action_plan_hold(struct action_plan *plan, const char *reason);

/*
 * action_plan_apply - make every change of the plan through ops (nothing
 * for a reject: the caller refuses the message).  Every change is tried.
 * Returns 0 when the MTA took them all; -1 when it refused one: then
 * plan->action becomes on_refusal (the caller's answer to an internal
 * error, e.g. "tempfail"), so that the audit never records a reroute or a
 * quarantine that did not happen.  Record after applying.
 */
int action_plan_apply(struct action_plan *plan, const struct action_ops *ops, void *ctx,
    const char *on_refusal);

#endif
