/* test_review - unit tests for the hold queue parsing, the review plans and records */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sys/stat.h>

#include "mta_queue.h"
#include "review.h"
#include "review_record.h"
#include "run_cmd.h"
#include "unit.h"

/* One CSP-only, one CSP-and-direct, one direct-only customer; NULL is "not a customer". */
static const struct customer cust_csp = { "contoso.example", "cust-contoso", "csp@partner-a.example", 1, 0 };
static const struct customer cust_csp2 = { "tailspin.example", "cust-tailspin", "CSP@partner-a.example", 1, 0 };
static const struct customer cust_both = { "fabrikam.example", "cust-fabrikam", "desk@partner-b.example", 1, 1 };
static const struct customer cust_direct = { "northwind.example", "cust-northwind", "", 0, 1 };
static const struct customer cust_nopartner = { "lonely.example", "cust-lonely", "", 1, 0 };

/* mta_queue_parse_postqueue_hold - a held entry gives its ID, time, sender, recipients and size */
static void
mta_queue_parse_postqueue_hold(void **state)
{
	static const char line[] = "{\"queue_name\": \"hold\", \"queue_id\": \"AC997AA34AD\", "
	    "\"arrival_time\": 1796023965, \"message_size\": 489, \"forced_expire\": false, "
	    "\"sender\": \"billing@vendor.example\", \"recipients\": [{\"address\": "
	    "\"alice@contoso.example\"}, {\"address\": \"bob@nowhere.example\", "
	    "\"delay_reason\": \"x\"}]}";
	struct mta_held h;
	const char *why = NULL;

	(void)state;
	assert_int_equal(mta_queue_parse_postqueue(line, strlen(line), &h, &why), 1);
	assert_string_equal(h.queue_id, "AC997AA34AD");
	assert_int_equal(h.arrival, 1796023965);
	assert_int_equal(h.size, 489);
	assert_string_equal(h.sender, "billing@vendor.example");
	assert_int_equal(h.nrcpts, 2);
	assert_string_equal(h.rcpts[0], "alice@contoso.example");
	assert_string_equal(h.rcpts[1], "bob@nowhere.example");
	mta_queue_held_release(&h);
	assert_null(h.queue_id);
}

/* mta_queue_parse_postqueue_null_sender - the null sender is "" */
static void
mta_queue_parse_postqueue_null_sender(void **state)
{
	static const char line[] = "{\"queue_name\":\"hold\",\"queue_id\":\"4XyZ1\",\"arrival_time\":5,"
	    "\"sender\":\"\",\"recipients\":[{\"address\":\"a@b.example\"}]}";
	struct mta_held h;
	const char *why;

	(void)state;
	assert_int_equal(mta_queue_parse_postqueue(line, strlen(line), &h, &why), 1);
	assert_string_equal(h.sender, "");
	assert_int_equal(h.size, 0);
	mta_queue_held_release(&h);
}

/* mta_queue_parse_postqueue_other_queues - entries of other queues are not held */
static void
mta_queue_parse_postqueue_other_queues(void **state)
{
	static const char *const queues[] = { "deferred", "active", "incoming", "maildrop", "HOLD" };
	struct mta_held h;
	const char *why;
	char *line;
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(queues); i++) {
		line = unit_strf("{\"queue_name\":\"%s\",\"queue_id\":\"A1\",\"arrival_time\":1,"
		    "\"sender\":\"s@v.example\",\"recipients\":[]}", queues[i]);
		unit_expect_int(queues[i], mta_queue_parse_postqueue(line, strlen(line), &h, &why), 0);
		assert_null(h.queue_id);
		free(line);
	}
}

/* mta_queue_parse_postqueue_bad - what is not a queue entry is an error, never a held message */
static void
mta_queue_parse_postqueue_bad(void **state)
{
	static const char *const lines[] = {
		"",
		"not json",
		"[1,2]",
		"{\"queue_name\":\"hold\"}",
		"{\"queue_name\":\"hold\",\"queue_id\":\"\",\"arrival_time\":1,\"sender\":\"\",\"recipients\":[]}",
		"{\"queue_name\":\"hold\",\"queue_id\":\"../etc\",\"arrival_time\":1,\"sender\":\"\",\"recipients\":[]}",
		"{\"queue_name\":\"hold\",\"queue_id\":\"A1\",\"arrival_time\":\"1\",\"sender\":\"\",\"recipients\":[]}",
		"{\"queue_name\":\"hold\",\"queue_id\":\"A1\",\"arrival_time\":1,\"recipients\":[]}",
		"{\"queue_name\":\"hold\",\"queue_id\":\"A1\",\"arrival_time\":1,\"sender\":\"\"}",
		"{\"queue_name\":\"hold\",\"queue_id\":\"A1\",\"arrival_time\":1,\"sender\":\"\","
		    "\"recipients\":[{\"addr\":\"x@y\"}]}",
		"{\"queue_name\":\"hold\",\"queue_id\":\"A1\",\"queue_id\":\"A2\",\"arrival_time\":1,"
		    "\"sender\":\"\",\"recipients\":[]}",
	};
	struct mta_held h;
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(lines); i++) {
		why = NULL;
		unit_expect_int(lines[i], mta_queue_parse_postqueue(lines[i], strlen(lines[i]), &h, &why), -1);
		assert_non_null(why);
		assert_null(h.queue_id);
	}
}

/* mta_queue_held_sort_oldest_first - by arrival, then by queue ID */
static void
mta_queue_held_sort_oldest_first(void **state)
{
	struct mta_held h[4] = {
		{ .queue_id = "C", .arrival = 30 }, { .queue_id = "B", .arrival = 10 },
		{ .queue_id = "A", .arrival = 30 }, { .queue_id = "D", .arrival = 20 },
	};
	static const char *const want[] = { "B", "D", "A", "C" };
	size_t i;

	(void)state;
	mta_queue_held_sort(h, 4);
	for (i = 0; i < 4; i++)
		unit_expect_str("sorted", h[i].queue_id, want[i]);
}

/* mta_queue_parse_qf_quarantined - a Sendmail hf file: time, sender, recipients, reason, headers */
static void
mta_queue_parse_qf_quarantined(void **state)
{
	static const char qf[] =
	    "V8\nT1796023965\nK0\nN0\nP30000\nMDeferred\n"
	    "qcsp-milter: class=other to CSP customer; review before release\n"
	    "Fbs\n$_localhost [127.0.0.1]\nS<billing@vendor.example>\n"
	    "rRFC822; alice@contoso.example\nRPFD:<alice@contoso.example>\nRbob@nowhere.example\n"
	    "H?P?Return-Path: <$g>\nH??Received: from client\n\tby relay; Mon\n"
	    "H??Subject: Welcome\nH?x?Full-Name: $x\nHFrom: <billing@vendor.example>\n.\n";
	struct strbuf headers = STRBUF_INIT;
	struct mta_held h = { 0 };
	const char *why = NULL;

	(void)state;
	assert_int_equal(mta_queue_parse_qf(qf, strlen(qf), &h, &headers, &why), 1);
	assert_int_equal(h.arrival, 1796023965);
	assert_string_equal(h.sender, "billing@vendor.example");
	assert_string_equal(h.reason, "csp-milter: class=other to CSP customer; review before release");
	assert_int_equal(h.nrcpts, 2);
	assert_string_equal(h.rcpts[0], "alice@contoso.example");
	assert_string_equal(h.rcpts[1], "bob@nowhere.example");
	assert_string_equal(headers.data, "Received: from client\n\tby relay; Mon\n"
	    "Subject: Welcome\nFrom: <billing@vendor.example>\n");
	mta_queue_held_release(&h);
	strbuf_release(&headers);
}

/* mta_queue_parse_qf_not_held - a queue file without a q line is not quarantined; junk is refused */
static void
mta_queue_parse_qf_not_held(void **state)
{
	static const char qf[] = "V8\nT5\nS<>\nRPFD:a@b.example\n.\n";
	static const char *const junk[] = { "", "hello\n", "V8\nT5\nRa@b\n.\n" };
	struct mta_held h = { 0 };
	const char *why;
	size_t i;

	(void)state;
	assert_int_equal(mta_queue_parse_qf(qf, strlen(qf), &h, NULL, &why), 0);
	assert_string_equal(h.reason, "");
	assert_string_equal(h.sender, "");
	mta_queue_held_release(&h);
	for (i = 0; i < UNIT_NELEM(junk); i++) {
		memset(&h, 0, sizeof(h));
		unit_expect_int(junk[i], mta_queue_parse_qf(junk[i], strlen(junk[i]), &h, NULL, &why), -1);
		mta_queue_held_release(&h);
	}
}

/* mta_queue_sendmail_dir - a Sendmail queue directory: held messages listed, read and deleted */
static void
mta_queue_sendmail_dir(void **state)
{
	static const char hf1[] = "V8\nT200\nqheld by csp-milter\nSs@vendor.example\n"
	    "RPFD:a@contoso.example\nH??Subject: One\nH?P?Return-Path: <$g>\n.\n";
	static const char hf2[] = "V8\nT100\nqheld\nSs@vendor.example\nRPFD:b@contoso.example\n"
	    "H??Subject: Two\n.\n";
	static const char qf3[] = "V8\nT50\nSs@vendor.example\nRPFD:c@contoso.example\n.\n";
	char *dir = unit_tmpdir_new(), *sub = unit_strf("%s/qf", dir), *p;
	struct mta_queue *q;
	struct mta_held *held = NULL, h;
	struct strbuf msg = STRBUF_INIT;
	const char *why;
	size_t n = 0;

	(void)state;
	assert_int_equal(mkdir(sub, 0700), 0);
	free(unit_write_str(dir, "hfAAA1", hf1));
	free(unit_write_str(dir, "dfAAA1", "Body one.\n"));
	free(unit_write_str(sub, "hfBBB2", hf2));
	free(unit_write_str(dir, "dfBBB2", "Body two.\n"));
	/* Queued but not quarantined: not a held message. */
	free(unit_write_str(dir, "qfCCC3", qf3));
	/* A qf file with a q line is quarantined too. */
	free(unit_write_str(dir, "qfDDD4", hf2));
	q = mta_queue_sendmail_new(dir, NULL);
	assert_string_equal(mta_queue_mta(q), "sendmail");
	assert_int_equal(mta_queue_list(q, &held, &n, &why), 0);
	assert_int_equal(n, 3);
	assert_string_equal(held[0].queue_id, "BBB2");
	assert_string_equal(held[1].queue_id, "DDD4");
	assert_string_equal(held[2].queue_id, "AAA1");
	assert_string_equal(held[2].reason, "held by csp-milter");
	assert_int_equal(held[2].size, 10);
	mta_queue_held_free_all(&held, n);
	assert_int_equal(mta_queue_read(q, "AAA1", &msg, &why), 0);
	assert_string_equal(msg.data, "Subject: One\n\nBody one.\n");
	assert_int_equal(mta_queue_find(q, "CCC3", &h, &why), 0);
	assert_int_equal(mta_queue_find(q, "../AAA1", &h, &why), 0);
	assert_int_equal(mta_queue_find(q, "AAA1", &h, &why), 1);
	mta_queue_held_release(&h);
	assert_int_equal(mta_queue_delete(q, "AAA1", &why), 0);
	assert_int_equal(mta_queue_find(q, "AAA1", &h, &why), 0);
	p = unit_strf("%s/dfAAA1", dir);
	assert_int_not_equal(access(p, F_OK), 0);
	free(p);
	assert_int_equal(mta_queue_delete(q, "AAA1", &why), -1);
	mta_queue_free(&q);
	assert_null(q);
	strbuf_release(&msg);
	free(sub);
	unit_tmpdir_remove(&dir);
}

/* review_plan_reroute_partners - CSP customers go to their partner (once each), others keep the mail */
static void
review_plan_reroute_partners(void **state)
{
	struct review_rcpt r[] = {
		{ "alice@contoso.example", &cust_csp, DECISION_QUARANTINE },
		{ "bob@nowhere.example", NULL, DECISION_QUARANTINE },
		{ "tom@tailspin.example", &cust_csp2, DECISION_QUARANTINE },
		{ "carol@fabrikam.example", &cust_both, DECISION_QUARANTINE },
		{ "dave@northwind.example", &cust_direct, DECISION_QUARANTINE },
	};
	static const char *const want[] = {
		"csp@partner-a.example", "desk@partner-b.example", "bob@nowhere.example",
		"dave@northwind.example",
	};
	static const enum decision want_d[] = {
		DECISION_REROUTE, DECISION_DELIVER, DECISION_REROUTE, DECISION_REROUTE, DECISION_DELIVER,
	};
	struct review_plan plan;
	size_t i;

	(void)state;
	assert_int_equal(review_plan_reroute(r, UNIT_NELEM(r), &plan), 0);
	assert_int_equal(plan.outcome, REVIEW_REROUTE);
	assert_int_equal(plan.ntargets, UNIT_NELEM(want));
	for (i = 0; i < UNIT_NELEM(want); i++)
		unit_expect_str("target", plan.targets[i], want[i]);
	for (i = 0; i < UNIT_NELEM(r); i++)
		unit_expect_str(r[i].rcpt, decision_name(r[i].decision), decision_name(want_d[i]));
	review_plan_release(&plan);
	assert_null(plan.targets);
}

/* review_plan_reroute_refused - no partner, or no CSP customer at all: nothing to reroute */
static void
review_plan_reroute_refused(void **state)
{
	struct review_rcpt lonely[] = {
		{ "bob@nowhere.example", NULL, DECISION_QUARANTINE },
		{ "x@lonely.example", &cust_nopartner, DECISION_QUARANTINE },
	};
	struct review_rcpt nobody[] = {
		{ "bob@nowhere.example", NULL, DECISION_QUARANTINE },
		{ "dave@northwind.example", &cust_direct, DECISION_QUARANTINE },
	};
	struct review_plan plan;

	(void)state;
	assert_int_equal(review_plan_reroute(lonely, 2, &plan), -1);
	assert_int_equal(plan.why_rcpt, 1);
	unit_expect_contains("why", plan.why, "no partner");
	assert_int_equal(plan.ntargets, 0);
	assert_int_equal(review_plan_reroute(nobody, 2, &plan), -1);
	unit_expect_contains("why", plan.why, "no recipient is a CSP customer");
	assert_int_equal(plan.why_rcpt, SIZE_MAX);
	assert_int_equal(plan.ntargets, 0);
}

/* review_plan_teach_defaults - the taught class's shipped policy decides the outcome */
static void
review_plan_teach_defaults(void **state)
{
	static const struct {
		const char *name;
		enum csp_class cls;
		const struct customer *a, *b;
		enum review_outcome want;
		size_t ntargets;
	} cases[] = {
		{ "billing to CSP: partner", CLASS_SUBSCRIPTION, &cust_csp, NULL, REVIEW_REROUTE, 2 },
		{ "billing to CSP+direct: partner", CLASS_SUBSCRIPTION, &cust_both, NULL, REVIEW_REROUTE, 2 },
		{ "incident: released", CLASS_INCIDENT, &cust_csp, &cust_both, REVIEW_RELEASE, 0 },
		{ "non-CSP to direct: released", CLASS_NON_CSP, &cust_both, &cust_direct, REVIEW_RELEASE, 0 },
		{ "non-CSP to CSP only: partner", CLASS_NON_CSP, &cust_csp, &cust_both, REVIEW_REROUTE, 2 },
		{ "other to CSP: stays held", CLASS_OTHER, &cust_direct, &cust_csp, REVIEW_HOLD, 0 },
		{ "other to none: released", CLASS_OTHER, &cust_direct, NULL, REVIEW_RELEASE, 0 },
		{ "billing, no partner: held", CLASS_SUBSCRIPTION, &cust_nopartner, NULL, REVIEW_HOLD, 0 },
	};
	struct policy_table t;
	struct review_plan plan;
	size_t i;

	(void)state;
	policy_defaults(&t);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct review_rcpt r[] = {
			{ "a@one.example", cases[i].a, DECISION_QUARANTINE },
			{ "b@two.example", cases[i].b, DECISION_QUARANTINE },
		};

		review_plan_teach(&t, cases[i].cls, r, 2, &plan);
		unit_expect_int(cases[i].name, plan.outcome, cases[i].want);
		unit_expect_int(cases[i].name, plan.ntargets, cases[i].ntargets);
		if (cases[i].want == REVIEW_HOLD) {
			unit_expect_int(cases[i].name, r[0].decision, DECISION_QUARANTINE);
			unit_expect_int(cases[i].name, r[1].decision, DECISION_QUARANTINE);
			assert_non_null(plan.why);
		}
		if (cases[i].want == REVIEW_REROUTE)
			unit_expect_str(cases[i].name, plan.targets[0], cases[i].a->partner);
		review_plan_release(&plan);
	}
}

/* review_plan_teach_custom - the config's table, not the shipped one: reject keeps it held */
static void
review_plan_teach_custom(void **state)
{
	struct review_rcpt r[] = { { "a@contoso.example", &cust_csp, DECISION_QUARANTINE } };
	struct policy_table t;
	struct review_plan plan;

	(void)state;
	policy_defaults(&t);
	t.decision[CLASS_INCIDENT][KIND_CSP] = DECISION_REJECT;
	review_plan_teach(&t, CLASS_INCIDENT, r, 1, &plan);
	assert_int_equal(plan.outcome, REVIEW_HOLD);
	unit_expect_contains("why", plan.why, "rejected");
	t.decision[CLASS_INCIDENT][KIND_CSP] = DECISION_TAG;
	review_plan_teach(&t, CLASS_INCIDENT, r, 1, &plan);
	assert_int_equal(plan.outcome, REVIEW_RELEASE);
	assert_int_equal(r[0].decision, DECISION_DELIVER);
}

/* review_record_build_fields - the daemon's record kept, the review's fields set, one line */
static void
review_record_build_fields(void **state)
{
	static const char base_text[] = "{\"time\":\"2026-11-30T07:32:45.713073Z\",\"instance\":\"e2e\","
	    "\"queue_id\":\"AC997AA34AD\",\"client\":\"127.0.0.1\",\"mta\":\"postfix\","
	    "\"message_id\":\"<t1@e2e.test>\",\"class\":\"other\",\"scores\":{\"subscription\":1},"
	    "\"rules\":[{\"id\":\"r.one\"}],\"recipients\":[],\"action\":\"quarantine\","
	    "\"mode\":\"enforce\",\"config_version\":\"old\",\"elapsed_us\":5017}";
	struct review_rcpt r[] = {
		{ "alice@contoso.example", &cust_csp, DECISION_REROUTE },
		{ "bob@nowhere.example", NULL, DECISION_DELIVER },
	};
	char *targets[] = { "csp@partner-a.example", "bob@nowhere.example" };
	struct review_event ev = {
		.choice = "teach", .by = "ops", .taught_class = "subscription", .action = "reroute",
		.queue_id = "AC997AA34AD", .mta = "postfix", .instance = "e2e",
		.config_version = "new", .sender = "billing@vendor.example", .size = 489,
		.record_found = 1, .rcpts = r, .nrcpts = 2, .reinjected = targets, .nreinjected = 2,
		.note = "",
	};
	struct strbuf out = STRBUF_INIT;
	json_t *base, *rec, *rv, *rc;

	(void)state;
	base = json_loads(base_text, 0, NULL);
	assert_non_null(base);
	review_record_build(&out, base, &ev);
	assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
	assert_null(memchr(out.data, '\n', out.len - 1));
	rec = json_loadb(out.data, out.len, 0, NULL);
	assert_non_null(rec);
	/* Kept from the daemon's record: the evidence that decided it. */
	assert_string_equal(json_string_value(json_object_get(rec, "class")), "other");
	assert_string_equal(json_string_value(json_object_get(rec, "message_id")), "<t1@e2e.test>");
	assert_int_equal(json_array_size(json_object_get(rec, "rules")), 1);
	/* Set by the review. */
	assert_string_equal(json_string_value(json_object_get(rec, "action")), "reroute");
	assert_string_equal(json_string_value(json_object_get(rec, "config_version")), "new");
	assert_string_equal(json_string_value(json_object_get(rec, "mail_from_raw")),
	    "<billing@vendor.example>");
	assert_string_not_equal(json_string_value(json_object_get(rec, "time")),
	    "2026-11-30T07:32:45.713073Z");
	assert_string_equal(json_string_value(json_object_get(rec, "client")), "");
	rc = json_array_get(json_object_get(rec, "recipients"), 0);
	assert_string_equal(json_string_value(json_object_get(rc, "rcpt")), "<alice@contoso.example>");
	assert_string_equal(json_string_value(json_object_get(rc, "customer")), "cust-contoso");
	assert_string_equal(json_string_value(json_object_get(rc, "decision")), "reroute");
	rc = json_array_get(json_object_get(rec, "recipients"), 1);
	assert_string_equal(json_string_value(json_object_get(rc, "decision")), "deliver");
	rv = json_object_get(rec, "review");
	assert_string_equal(json_string_value(json_object_get(rv, "choice")), "teach");
	assert_string_equal(json_string_value(json_object_get(rv, "by")), "ops");
	assert_string_equal(json_string_value(json_object_get(rv, "taught_class")), "subscription");
	assert_string_equal(json_string_value(json_object_get(rv, "record")), "audit");
	assert_int_equal(json_array_size(json_object_get(rv, "reinjected_to")), 2);
	/* The base is not changed. */
	assert_string_equal(json_string_value(json_object_get(base, "action")), "quarantine");
	json_decref(rec);
	json_decref(base);
	strbuf_release(&out);
}

/* review_record_build_bad_utf8 - a sender that is not UTF-8 still gives a valid record */
static void
review_record_build_bad_utf8(void **state)
{
	struct review_event ev = {
		.choice = "leave", .by = "o\xff" "ps", .taught_class = "", .action = "quarantine",
		.queue_id = "Q1", .mta = "postfix", .instance = "", .config_version = "",
		.sender = "b\xc3@v.example", .note = "",
	};
	struct strbuf out = STRBUF_INIT;
	json_t *rec;

	(void)state;
	review_record_build(&out, NULL, &ev);
	rec = json_loadb(out.data, out.len, 0, NULL);
	assert_non_null(rec);
	assert_non_null(json_string_value(json_object_get(rec, "mail_from")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "review"),
	    "record")), "rescan");
	json_decref(rec);
	strbuf_release(&out);
}

/* review_records_find_last - the milter's last record per ID; review records and junk ignored */
static void
review_records_find_last(void **state)
{
	static const char log[] =
	    "{\"time\":\"t1\",\"queue_id\":\"AAA\",\"action\":\"deliver\"}\n"
	    "not json but names AAA\n"
	    "{\"time\":\"t2\",\"queue_id\":\"AAA\",\"action\":\"quarantine\"}\n"
	    "{\"time\":\"t3\",\"queue_id\":\"CCC\",\"action\":\"quarantine\"}\n"
	    "{\"time\":\"t4\",\"queue_id\":\"AAA\",\"action\":\"deliver\",\"review\":{\"choice\":\"release\"}}\n"
	    "{\"time\":\"t5\",\"queue_id\":\"AAAB\",\"action\":\"reject\"}\n"
	    "{\"time\":\"t6\",\"queue_id\":\"CCC\",\"action\":\"reroute\"}";
	char *dir = unit_tmpdir_new(), *path = unit_write_str(dir, "audit.jsonl", log);
	char *ids[] = { "AAA", "BBB", "CCC" };
	json_t *found[3];
	const char *why;

	(void)state;
	assert_int_equal(review_records_find(path, ids, 3, found, &why), 0);
	assert_non_null(found[0]);
	assert_string_equal(json_string_value(json_object_get(found[0], "time")), "t2");
	assert_null(found[1]);
	assert_non_null(found[2]);
	assert_string_equal(json_string_value(json_object_get(found[2], "time")), "t6");
	json_decref(found[0]);
	json_decref(found[2]);
	free(path);
	path = unit_strf("%s/missing.jsonl", dir);
	assert_int_equal(review_records_find(path, ids, 3, found, &why), -1);
	assert_non_null(why);
	assert_null(found[0]);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* review_record_who_order - --by, then $SUDO_USER, then the login or user name */
static void
review_record_who_order(void **state)
{
	char *who;

	(void)state;
	setenv("SUDO_USER", "admin7", 1);
	who = review_record_who("ops");
	assert_string_equal(who, "ops");
	free(who);
	who = review_record_who(NULL);
	assert_string_equal(who, "admin7");
	free(who);
	unsetenv("SUDO_USER");
	who = review_record_who("");
	assert_true(*who != '\0');
	assert_string_not_equal(who, "admin7");
	free(who);
}

/* run_cmd_feeds_and_captures - a megabyte through cat: fed and read back whole, no deadlock */
static void
run_cmd_feeds_and_captures(void **state)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char *argv[] = { "cat", NULL };
	size_t i;

	(void)state;
	for (i = 0; i < 1024 * 1024; i++)
		strbuf_append_char(&in, (char)('a' + i % 26));
	{
		struct run_cmd run = { .in = in.data, .in_len = in.len, .out = &out };

		assert_int_equal(run_cmd(&run, argv), 0);
		assert_int_equal(run.status, 0);
		run_cmd_release(&run);
	}
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	strbuf_release(&in);
	strbuf_release(&out);
}

/* run_cmd_status_and_stderr - the exit status and the message come back; the cap holds */
static void
run_cmd_status_and_stderr(void **state)
{
	char *fail[] = { "sh", "-c", "echo 'postsuper: fatal: no such queue' >&2; exit 75", NULL };
	char *big[] = { "sh", "-c", "head -c 100000 /dev/zero", NULL };
	char *missing[] = { "/nonexistent/csp-milter", NULL };
	struct strbuf out = STRBUF_INIT;
	struct run_cmd run = { 0 };

	(void)state;
	assert_int_equal(run_cmd(&run, fail), 0);
	assert_int_equal(run.status, 75);
	assert_string_equal(run.err.data, "postsuper: fatal: no such queue");
	run_cmd_release(&run);
	run = (struct run_cmd){ .out = &out, .out_max = 1000 };
	assert_int_equal(run_cmd(&run, big), -2);
	assert_true(out.len <= 1000);
	run_cmd_release(&run);
	run = (struct run_cmd){ 0 };
	assert_int_equal(run_cmd(&run, missing), 0);
	assert_int_equal(run.status, 127);
	unit_expect_contains("exec", run.err.data, "/nonexistent/csp-milter");
	run_cmd_release(&run);
	strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mta_queue_parse_postqueue_hold),
		cmocka_unit_test(mta_queue_parse_postqueue_null_sender),
		cmocka_unit_test(mta_queue_parse_postqueue_other_queues),
		cmocka_unit_test(mta_queue_parse_postqueue_bad),
		cmocka_unit_test(mta_queue_held_sort_oldest_first),
		cmocka_unit_test(mta_queue_parse_qf_quarantined),
		cmocka_unit_test(mta_queue_parse_qf_not_held),
		cmocka_unit_test(mta_queue_sendmail_dir),
		cmocka_unit_test(review_plan_reroute_partners),
		cmocka_unit_test(review_plan_reroute_refused),
		cmocka_unit_test(review_plan_teach_defaults),
		cmocka_unit_test(review_plan_teach_custom),
		cmocka_unit_test(review_record_build_fields),
		cmocka_unit_test(review_record_build_bad_utf8),
		cmocka_unit_test(review_records_find_last),
		cmocka_unit_test(review_record_who_order),
		cmocka_unit_test(run_cmd_feeds_and_captures),
		cmocka_unit_test(run_cmd_status_and_stderr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
