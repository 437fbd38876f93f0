/* test_action - plans from a scan_result, applied through the MTA's calls, recorded as applied */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "conf.h"
#include "scan.h"
#include "strbuf.h"
#include "unit.h"
#include "unit_conf.h"

/*
 * A fake MTA: it logs every change it is asked for and refuses the kinds
 * named in refuse, as a milter library refuses a change the MTA did not
 * allow or could not make.
 */
struct fake_mta {
	const char *refuse;	/* "delrcpt", "addrcpt", "addheader", "quarantine" or "" */
	struct strbuf log;	/* "kind arg\n" for every change made */
	int calls;
};

/* fake_change - make or refuse one change */
static int
fake_change(struct fake_mta *mta, const char *kind, const char *arg)
{
	mta->calls++;
	if (strcmp(mta->refuse, kind) == 0)
		return -1;
	strbuf_appendf(&mta->log, "%s %s\n", kind, arg);
	return 0;
}

/* fake_delrcpt - a recipient removal */
static int
fake_delrcpt(void *ctx, const char *rcpt)
{
	return fake_change(ctx, "delrcpt", rcpt);
}

/* fake_addrcpt - a recipient addition */
static int
fake_addrcpt(void *ctx, const char *rcpt)
{
	return fake_change(ctx, "addrcpt", rcpt);
}

/* fake_addheader - a header addition */
static int
fake_addheader(void *ctx, const char *name, const char *value)
{
	(void)value;
	return fake_change(ctx, "addheader", name);
}

/* fake_quarantine - a hold */
static int
fake_quarantine(void *ctx, const char *reason)
{
	return fake_change(ctx, "quarantine", reason);
}

static const struct action_ops fake_ops = {
	fake_delrcpt, fake_addrcpt, fake_addheader, fake_quarantine,
};

/* scan_message - a vendor message to one CSP customer and one other recipient */
static const struct scan_result *
scan_message(struct scan *scan, const char *body)
{
	struct strbuf m = STRBUF_INIT;

	strbuf_appendf(&m, "From: Vendor Billing <billing@vendor.example>\n"
	    "To: admin@contoso.example\nSubject: Notice\n\n%s\n", body);
	scan_begin(scan, unit_conf);
	scan_set_sender(scan, "<billing@vendor.example>");
	scan_add_rcpt(scan, "<admin@contoso.example>");
	scan_add_rcpt(scan, "<someone@elsewhere.example>");
	scan_raw(scan, m.data, m.len);
	scan_decide(scan, 0);
	strbuf_release(&m);
	return scan_result(scan);
}

/* recorded_action - the "action" field of the audit record built for the plan */
static char *
recorded_action(const struct scan_result *res, const struct action_plan *plan)
{
	struct audit_event ev = { "4ABC123", "127.0.0.1", plan->action, 10, "postfix" };
	struct strbuf rec = STRBUF_INIT;
	json_error_t jerr;
	json_t *j;
	char *action;

	audit_record_build(&rec, res, &ev);
	if ((j = json_loadb(rec.data, rec.len, 0, &jerr)) == NULL)
		fail_msg("the audit record is not JSON: %s", jerr.text);
	action = strdup(json_string_value(json_object_get(j, "action")));
	json_decref(j);
	strbuf_release(&rec);
	return action;
}

/* One row: what the MTA refuses, and what the plan and the record then say. */
struct apply_case {
	const char *name;
	const char *body;
	const char *refuse;
	const char *want_planned;	/* plan->action after building */
	int want_rc;
	const char *want_action;	/* plan->action and the record's action after applying */
	int want_refused;
};

static const struct apply_case apply_cases[] = {
	{ "reroute applied", "Your invoice is attached.", "", "reroute", 0, "reroute", 0 },
	/* The partner could not be added: no reroute happened, and none is recorded. */
	{ "addrcpt refused", "Your invoice is attached.", "addrcpt", "reroute", -1,
	  "tempfail", 1 },
	{ "delrcpt refused", "Your invoice is attached.", "delrcpt", "reroute", -1,
	  "tempfail", 1 },
	{ "header refused", "Your invoice is attached.", "addheader", "reroute", -1,
	  "tempfail", 3 },
	/* Class other is held for a CSP customer: no recipient change to refuse. */
	{ "hold without reroute", "The weather is nice.", "addrcpt", "quarantine", 0,
	  "quarantine", 0 },
	{ "hold refused", "The weather is nice.", "quarantine", "quarantine", -1, "tempfail", 1 },
};

/*
 * action_plan_apply_refused - a change the MTA refuses turns the plan's
 * action into the caller's answer, and the audit record follows it
 */
static void
action_plan_apply_refused(void **state)
{
	struct scan *scan = scan_new();
	struct action_plan plan;
	size_t i;

	(void)state;
	action_plan_init(&plan);
	for (i = 0; i < UNIT_NELEM(apply_cases); i++) {
		const struct apply_case *c = &apply_cases[i];
		struct fake_mta mta = { c->refuse, STRBUF_INIT, 0 };
		const struct scan_result *res = scan_message(scan, c->body);
		char *recorded;
		int rc;

		action_plan_build(&plan, res);
		unit_expect_str(c->name, plan.action, c->want_planned);
		rc = action_plan_apply(&plan, &fake_ops, &mta, "tempfail");
		unit_expect_int(c->name, rc, c->want_rc);
		unit_expect_str(c->name, plan.action, c->want_action);
		unit_expect_int(c->name, (long)plan.refused, c->want_refused);
		/* Every change is tried, refused or not. */
		unit_expect_int(c->name, mta.calls, (int)(plan.delrcpt_count + plan.addrcpt_count +
		    plan.header_count + (size_t)plan.quarantine));
		recorded = recorded_action(res, &plan);
		unit_expect_str(c->name, recorded, c->want_action);
		free(recorded);
		strbuf_release(&mta.log);
	}
	action_plan_release(&plan);
	scan_free(&scan);
}

/* action_plan_apply_reroute - a reroute removes the customer and adds its partner, once */
static void
action_plan_apply_reroute(void **state)
{
	struct scan *scan = scan_new();
	struct fake_mta mta = { "", STRBUF_INIT, 0 };
	const struct scan_result *res = scan_message(scan, "Your invoice is attached.");
	struct action_plan plan;

	(void)state;
	action_plan_init(&plan);
	action_plan_build(&plan, res);
	assert_int_equal(res->action, DECISION_REROUTE);
	assert_int_equal(action_plan_apply(&plan, &fake_ops, &mta, "tempfail"), 0);
	assert_non_null(strstr(mta.log.data, "delrcpt <admin@contoso.example>\n"));
	assert_null(strstr(mta.log.data, "delrcpt <someone@elsewhere.example>"));
	assert_non_null(strstr(mta.log.data, "addrcpt <csp-desk@partner-a.example>\n"));
	assert_non_null(strstr(mta.log.data, "addheader X-CSP-Rerouted\n"));
	strbuf_release(&mta.log);
	action_plan_release(&plan);
	scan_free(&scan);
}

/* action_plan_apply_quarantine_refused - a hold the MTA refused is not recorded as a hold */
static void
action_plan_apply_quarantine_refused(void **state)
{
	struct scan *scan = scan_new();
	struct fake_mta mta = { "quarantine", STRBUF_INIT, 0 };
	const struct scan_result *res;
	struct action_plan plan;
	char *recorded;

	(void)state;
	/* An unreadable sender header: vendor mail, uncertain, held for a CSP customer. */
	scan_begin(scan, unit_conf);
	scan_set_sender(scan, "<billing@vendor.example>");
	scan_add_rcpt(scan, "<admin@contoso.example>");
	scan_raw(scan, "From: <<<\nSubject: x\n\nYour invoice is attached.\n", 48);
	scan_decide(scan, 0);
	res = scan_result(scan);
	action_plan_init(&plan);
	action_plan_build(&plan, res);
	assert_string_equal(plan.action, "quarantine");
	assert_int_equal(action_plan_apply(&plan, &fake_ops, &mta, "tempfail"), -1);
	assert_string_equal(plan.action, "tempfail");
	recorded = recorded_action(res, &plan);
	assert_string_equal(recorded, "tempfail");
	free(recorded);
	strbuf_release(&mta.log);
	action_plan_release(&plan);
	scan_free(&scan);
}

/* action_plan_hold_cases - a hold replaces a delivery with a quarantine; a reject stays */
static void
action_plan_hold_cases(void **state)
{
	struct fake_mta mta = { "", STRBUF_INIT, 0 };
	struct action_plan plan;

	(void)state;
	action_plan_init(&plan);
	plan.action = "deliver";
	action_plan_hold(&plan, "csp-milter: too many X-CSP-* headers");
	assert_string_equal(plan.action, "quarantine");
	assert_int_equal(action_plan_apply(&plan, &fake_ops, &mta, "tempfail"), 0);
	assert_string_equal(mta.log.data, "quarantine csp-milter: too many X-CSP-* headers\n");
	action_plan_release(&plan);

	action_plan_init(&plan);
	plan.action = "reject";
	plan.reject = 1;
	action_plan_hold(&plan, "x");
	assert_string_equal(plan.action, "reject");
	assert_int_equal(plan.quarantine, 0);
	action_plan_release(&plan);
	strbuf_release(&mta.log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(action_plan_apply_refused),
		cmocka_unit_test(action_plan_apply_reroute),
		cmocka_unit_test(action_plan_apply_quarantine_refused),
		cmocka_unit_test(action_plan_hold_cases),
	};

	return cmocka_run_group_tests(tests, unit_conf_setup_hostile, unit_conf_teardown);
}
