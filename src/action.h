/* action - turn per-recipient decisions into the changes the MTA must make */
#ifndef CSP_ACTION_H
#define CSP_ACTION_H

#include <stddef.h>
#include "scan.h"
#include "strbuf.h"

/*
 * A pure function of the decided scan: no libmilter here.  The milter
 * layer replays the plan with smfi_* calls; tests inspect it directly.
 * The plan points into the scan (recipient strings) and must not outlive
 * the next scan_begin.  Not thread-safe; one plan per scan.
 */
struct action_plan {
	int reject;			/* refuse the whole message */
	const char *action;		/* overall, for the audit: untouched deliver tag reroute reject quarantine */
	struct strbuf reply_text;	/* with reject: the SMTP reply text */
	const char **delrcpt;		/* recipients to remove, exactly as the MTA gave them */
	size_t delrcpt_count;
	char **addrcpt;			/* partner mailboxes to add, "<a@b>", each once */
	size_t addrcpt_count;
	struct strbuf headers;		/* headers to add: "Name\0value\0" pairs */
	size_t header_count;
	int quarantine;			/* hold the whole message */
	struct strbuf quarantine_reason;	/* at most 100 bytes */
};

void action_plan_init(struct action_plan *plan);
void action_plan_release(struct action_plan *plan);
/* action_plan_build - plan the changes for a decided scan (reset first) */
void action_plan_build(struct action_plan *plan, const struct scan *scan);

#endif
