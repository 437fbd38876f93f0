/* action - turn per-recipient decisions into MTA changes */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action.h"
#include "safe_text.h"

/* Keep generated header lines and replies readable and under SMTP limits. */
#define ACTION_LIST_MAX 400

/* action_plan_init - empty plan */
void
action_plan_init(struct action_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
}

/* plan_clear - forget the previous plan, keep the storage */
static void
plan_clear(struct action_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->addrcpt_count; i++)
		free(plan->addrcpt[i]);
	free(plan->addrcpt);
	free(plan->delrcpt);
	plan->addrcpt = NULL;
	plan->delrcpt = NULL;
	plan->addrcpt_count = plan->delrcpt_count = plan->header_count = 0;
	plan->reject = plan->quarantine = 0;
	plan->action = "untouched";
	strbuf_reset(&plan->reply_text);
	strbuf_reset(&plan->headers);
	strbuf_reset(&plan->quarantine_reason);
}

/* action_plan_release - free the storage */
void
action_plan_release(struct action_plan *plan)
{
	plan_clear(plan);
	strbuf_release(&plan->reply_text);
	strbuf_release(&plan->headers);
	strbuf_release(&plan->quarantine_reason);
}

/* add_header - queue one header to add; recipients in the value cannot end its line */
static void
add_header(struct action_plan *plan, const char *name, const char *value)
{
	strbuf_append(&plan->headers, name, strlen(name) + 1);
	safe_text_terminal(&plan->headers, value, strlen(value));
	strbuf_append_char(&plan->headers, '\0');
	plan->header_count++;
}

/* list_rcpts - recipients with one decision, comma-separated, bounded */
static void
list_rcpts(struct strbuf *out, const struct scan *scan, enum decision d)
{
	size_t i, n = 0, shown = 0;

	for (i = 0; i < scan->rcpt_count; i++) {
		if (scan->rcpts[i].decision != d)
			continue;
		n++;
		if (out->len < ACTION_LIST_MAX) {
			strbuf_appendf(out, "%s%s", shown ? ", " : "", scan->rcpts[i].rcpt);
			shown++;
		}
	}
	if (shown < n)
		strbuf_appendf(out, " and %zu more", n - shown);
}

/* safe_reply - strip what must not appear in an SMTP reply; '%' is doubled for libmilter */
static void
safe_reply(struct strbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			strbuf_append_char(out, '?');
		else if (*s == '%')
			strbuf_append(out, "%%", 2);
		else
			strbuf_append_char(out, *s);
	}
}

/* build_reply - the reject text from the configured template */
static void
build_reply(struct action_plan *plan, const struct scan *scan)
{
	const char *t = scan->conf->reject_text;
	struct strbuf list = STRBUF_INIT;

	for (; *t != '\0'; t++) {
		if (*t == '%' && t[1] == 'c') {
			safe_reply(&plan->reply_text, csp_class_name(scan->result.class));
			t++;
		} else if (*t == '%' && t[1] == 'r') {
			strbuf_reset(&list);
			list_rcpts(&list, scan, DECISION_REJECT);
			safe_reply(&plan->reply_text, list.data ? list.data : "");
			t++;
		} else if (*t == '%') {
			strbuf_append(&plan->reply_text, "%%", 2);
		} else {
			char one[2] = { *t, '\0' };

			safe_reply(&plan->reply_text, one);
		}
	}
	strbuf_release(&list);
}

/* add_partner - queue a partner mailbox once, case-insensitively */
static void
add_partner(struct action_plan *plan, const char *partner)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	char **p;

	strbuf_appendf(&sb, "<%s>", partner);
	for (i = 0; i < plan->addrcpt_count; i++)
		if (strcasecmp(plan->addrcpt[i], sb.data) == 0) {
			strbuf_release(&sb);
			return;
		}
	if ((p = realloc(plan->addrcpt, (plan->addrcpt_count + 1) * sizeof(*p))) == NULL) {
		strbuf_release(&sb);
		return;
	}
	plan->addrcpt = p;
	plan->addrcpt[plan->addrcpt_count++] = strbuf_detach(&sb, NULL);
}

/* action_plan_build - plan the changes */
void
action_plan_build(struct action_plan *plan, const struct scan *scan)
{
	const struct conf *c = scan->conf;
	enum decision overall;
	struct strbuf sb = STRBUF_INIT;
	size_t i, refused = 0;

	plan_clear(plan);
	if (!scan->vendor)
		return;
	overall = scan_action(scan);
	plan->action = decision_name(overall);
	if (c->monitor || overall >= DECISION_TAG) {
		strbuf_appendf(&sb, "%s%s", csp_class_name(scan->result.class),
		    scan->result.uncertain ? " (uncertain)" : "");
		add_header(plan, "X-CSP-Class", sb.data);
		strbuf_reset(&sb);
		strbuf_appendf(&sb, "%s%s", decision_name(overall), c->monitor ? " (monitor mode: not applied)" : "");
		add_header(plan, "X-CSP-Decision", sb.data);
	}
	if (c->monitor) {
		strbuf_release(&sb);
		return;
	}
	if ((plan->delrcpt = calloc(scan->rcpt_count + 1, sizeof(*plan->delrcpt))) == NULL) {
		strbuf_release(&sb);
		return;
	}
	for (i = 0; i < scan->rcpt_count; i++)
		if (scan->rcpts[i].decision == DECISION_REJECT)
			refused++;
	if (refused > 0 && (c->reject_scope == REJECT_MESSAGE || refused == scan->rcpt_count)) {
		plan->reject = 1;
		plan->action = "reject";
		build_reply(plan, scan);
		strbuf_release(&sb);
		return;
	}
	if (refused > 0) {
		strbuf_reset(&sb);
		list_rcpts(&sb, scan, DECISION_REJECT);
		strbuf_appendf(&sb, "; class=%s", csp_class_name(scan->result.class));
		add_header(plan, "X-CSP-Refused", sb.data);
	}
	for (i = 0; i < scan->rcpt_count; i++) {
		const struct scan_rcpt *r = &scan->rcpts[i];

		if (r->decision == DECISION_REJECT)
			plan->delrcpt[plan->delrcpt_count++] = r->rcpt;
		else if (r->decision == DECISION_REROUTE) {
			plan->delrcpt[plan->delrcpt_count++] = r->rcpt;
			add_partner(plan, r->cust->partner);
		}
	}
	if (plan->addrcpt_count > 0) {
		strbuf_reset(&sb);
		list_rcpts(&sb, scan, DECISION_REROUTE);
		strbuf_append_str(&sb, " to ");
		for (i = 0; i < plan->addrcpt_count; i++)
			strbuf_appendf(&sb, "%s%s", i ? ", " : "", plan->addrcpt[i]);
		strbuf_appendf(&sb, "; class=%s; such mail must come from the CSP partner",
		    csp_class_name(scan->result.class));
		add_header(plan, "X-CSP-Rerouted", sb.data);
	}
	if (overall == DECISION_QUARANTINE) {
		plan->quarantine = 1;
		strbuf_appendf(&plan->quarantine_reason, "csp-milter: class=%s%s to CSP customer; review before release",
		    csp_class_name(scan->result.class), scan->result.uncertain ? " (uncertain)" : "");
		strbuf_truncate(&plan->quarantine_reason, 100);
	}
	strbuf_release(&sb);
}
