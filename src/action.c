/* action - turn per-recipient decisions into MTA changes */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action.h"
#include "safe_text.h"
#include "xalloc.h"

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
	plan->refused = 0;
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
list_rcpts(struct strbuf *out, const struct scan_result *res, enum decision d)
{
	size_t i, n = 0, shown = 0;

	for (i = 0; i < res->rcpt_count; i++) {
		if (res->rcpts[i].decision != d)
			continue;
		n++;
		if (out->len < ACTION_LIST_MAX) {
			strbuf_appendf(out, "%s%s", shown ? ", " : "", res->rcpts[i].rcpt);
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
build_reply(struct action_plan *plan, const struct scan_result *res)
{
	const char *t = res->conf->reject_text;
	struct strbuf list = STRBUF_INIT;

	for (; *t != '\0'; t++) {
		if (*t == '%' && t[1] == 'c') {
			safe_reply(&plan->reply_text, csp_class_name(res->classify->class));
			t++;
		} else if (*t == '%' && t[1] == 'r') {
			strbuf_reset(&list);
			list_rcpts(&list, res, DECISION_REJECT);
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
	p = xreallocarray(plan->addrcpt, plan->addrcpt_count + 1, sizeof(*p));
	plan->addrcpt = p;
	plan->addrcpt[plan->addrcpt_count++] = strbuf_detach(&sb, NULL);
}

/* action_plan_build - plan the changes */
void
action_plan_build(struct action_plan *plan, const struct scan_result *res)
{
	const struct conf *c = res->conf;
	const struct classify_result *cr = res->classify;
	enum decision overall;
	struct strbuf sb = STRBUF_INIT;
	size_t i, refused = 0;

	plan_clear(plan);
	if (!res->vendor)
		return;
	overall = res->action;
	plan->action = decision_name(overall);
	if (c->monitor || overall >= DECISION_TAG) {
		strbuf_appendf(&sb, "%s%s", csp_class_name(cr->class),
		    cr->uncertain ? " (uncertain)" : "");
		add_header(plan, "X-CSP-Class", sb.data);
		strbuf_reset(&sb);
		strbuf_appendf(&sb, "%s%s", decision_name(overall), c->monitor ? " (monitor mode: not applied)" : "");
		add_header(plan, "X-CSP-Decision", sb.data);
	}
	if (c->monitor) {
		strbuf_release(&sb);
		return;
	}
	plan->delrcpt = xcalloc(res->rcpt_count + 1, sizeof(*plan->delrcpt));
	for (i = 0; i < res->rcpt_count; i++)
		if (res->rcpts[i].decision == DECISION_REJECT)
			refused++;
	if (refused > 0 && (c->reject_scope == REJECT_MESSAGE || refused == res->rcpt_count)) {
		plan->reject = 1;
		plan->action = "reject";
		build_reply(plan, res);
		strbuf_release(&sb);
		return;
	}
	if (refused > 0) {
		strbuf_reset(&sb);
		list_rcpts(&sb, res, DECISION_REJECT);
		strbuf_appendf(&sb, "; class=%s", csp_class_name(cr->class));
		add_header(plan, "X-CSP-Refused", sb.data);
	}
	for (i = 0; i < res->rcpt_count; i++) {
		const struct scan_recipient *r = &res->rcpts[i];

		if (r->decision == DECISION_REJECT)
			plan->delrcpt[plan->delrcpt_count++] = r->rcpt;
		else if (r->decision == DECISION_REROUTE) {
			plan->delrcpt[plan->delrcpt_count++] = r->rcpt;
			add_partner(plan, r->cust->partner);
		}
	}
	if (plan->addrcpt_count > 0) {
		strbuf_reset(&sb);
		list_rcpts(&sb, res, DECISION_REROUTE);
		strbuf_append_str(&sb, " to ");
		for (i = 0; i < plan->addrcpt_count; i++)
			strbuf_appendf(&sb, "%s%s", i ? ", " : "", plan->addrcpt[i]);
		strbuf_appendf(&sb, "; class=%s; such mail must come from the CSP partner",
		    csp_class_name(cr->class));
		add_header(plan, "X-CSP-Rerouted", sb.data);
	}
	if (overall == DECISION_QUARANTINE) {
		plan->quarantine = 1;
		strbuf_appendf(&plan->quarantine_reason, "csp-milter: class=%s%s to CSP customer; review before release",
		    csp_class_name(cr->class), cr->uncertain ? " (uncertain)" : "");
		strbuf_truncate(&plan->quarantine_reason, 100);
	}
	strbuf_release(&sb);
}

/* action_plan_hold - the whole message held, the reason given */
void
action_plan_hold(struct action_plan *plan, const char *reason)
{
	if (plan->reject)
		return;
	plan->action = "quarantine";
	plan->quarantine = 1;
	strbuf_reset(&plan->quarantine_reason);
	strbuf_append_str(&plan->quarantine_reason, reason);
}

/* note_result - count a change the MTA refused */
static void
note_result(struct action_plan *plan, int rc)
{
	if (rc < 0)
		plan->refused++;
}

/* action_plan_apply - replay the plan; the plan then says what really happened */
int
action_plan_apply(struct action_plan *plan, const struct action_ops *ops, void *ctx,
    const char *on_refusal)
{
	const char *h, *v;
	size_t i;

	if (plan->reject)
		return 0;
	for (i = 0; i < plan->delrcpt_count; i++)
		note_result(plan, ops->delrcpt(ctx, plan->delrcpt[i]));
	for (i = 0; i < plan->addrcpt_count; i++)
		note_result(plan, ops->addrcpt(ctx, plan->addrcpt[i]));
	for (i = 0, h = plan->headers.data; i < plan->header_count; i++) {
		v = h + strlen(h) + 1;
		note_result(plan, ops->addheader(ctx, h, v));
		h = v + strlen(v) + 1;
	}
	if (plan->quarantine)
		note_result(plan, ops->quarantine(ctx, plan->quarantine_reason.data));
	if (plan->refused == 0)
		return 0;
	/* A refused change: the message gets on_refusal, and that is what is recorded. */
	plan->action = on_refusal;
	return -1;
}
