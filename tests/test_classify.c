/* test_classify - unit tests for scoring a message and picking its class */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "classify.h"
#include "lang.h"
#include "msg_text.h"
#include "rule.h"
#include "strbuf.h"
#include "unit.h"

struct rule_def {
	const char *id;
	enum csp_class class;
	const char *target;
	const char *pattern;
	int weight;
	int max_hits;
	unsigned lang;		/* 0: any language */
};

/* The rules every scoring case runs with. */
static const struct rule_def score_rules[] = {
	{ "sub.invoice", CLASS_SUBSCRIPTION, "body", "invoice", 2, 0, 0 },
	{ "sub.billing", CLASS_SUBSCRIPTION, "subject", "billing", 3, 1, 0 },
	{ "sub.newsletter", CLASS_SUBSCRIPTION, "body", "newsletter", -5, 1, 0 },
	{ "inc.outage", CLASS_INCIDENT, "body", "outage", 3, 0, 0 },
	{ "inc.maint", CLASS_INCIDENT, "body", "maintenance", 1, 0, 0 },
	{ "non.ea", CLASS_NON_CSP, "body", "enterprise agreement", 4, 1, 0 },
};

/* build_rules - compile a table of rules into a set */
static struct rule_set *
build_rules(const struct rule_def *defs, size_t n, unsigned long match_limit)
{
	struct rule_set *rs = rule_set_new(match_limit, 10000);
	size_t i;

	assert_non_null(rs);
	for (i = 0; i < n; i++) {
		struct rule_spec spec;
		const char *error = NULL;

		memset(&spec, 0, sizeof(spec));
		spec.id = defs[i].id;
		spec.class_index = defs[i].class;
		if (rule_target_parse(defs[i].target, &spec.target, &spec.header) < 0)
			fail_msg("%s: bad target", defs[i].id);
		spec.pattern = defs[i].pattern;
		spec.weight = defs[i].weight;
		spec.max_hits = defs[i].max_hits;
		spec.lang = defs[i].lang;
		spec.caseless = 1;
		spec.file = "test.conf";
		spec.line = (int)i + 1;
		if (rule_set_add(rs, &spec, &error) < 0)
			fail_msg("%s: %s", defs[i].id, error);
	}
	return rs;
}

/* init_params - thresholds 3/3/4, default precedence */
static void
init_params(struct classify_params *p, const struct rule_set *rs)
{
	memset(p, 0, sizeof(*p));
	p->rules = rs;
	p->threshold[CLASS_SUBSCRIPTION] = 3;
	p->threshold[CLASS_INCIDENT] = 3;
	p->threshold[CLASS_NON_CSP] = 4;
	p->precedence[0] = CLASS_SUBSCRIPTION;
	p->precedence[1] = CLASS_NON_CSP;
	p->precedence[2] = CLASS_INCIDENT;
	p->excerpt_max = 40;
}

/* fill_text - reset mt to a message with this subject and body */
static void
fill_text(struct msg_text *mt, const char *subject, const char *body)
{
	msg_text_reset(mt);
	if (subject != NULL)
		msg_text_add_header(mt, "Subject", subject, strlen(subject));
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
}

/* classify_message_scores - scores are weight x counted hits; the first class in precedence at its threshold wins */
static void
classify_message_scores(void **state)
{
	static const struct {
		const char *name;
		const char *subject, *body;
		long sub, inc, non;
		enum csp_class want;
	} cases[] = {
		{ "nothing", NULL, "hello there", 0, 0, 0, CLASS_OTHER },
		{ "empty", NULL, "", 0, 0, 0, CLASS_OTHER },
		{ "below threshold", NULL, "your invoice", 2, 0, 0, CLASS_OTHER },
		{ "hits add up", NULL, "invoice and invoice", 4, 0, 0, CLASS_SUBSCRIPTION },
		{ "at threshold", "Billing notice", "nothing", 3, 0, 0, CLASS_SUBSCRIPTION },
		{ "subject capped", "billing billing", "x", 3, 0, 0, CLASS_SUBSCRIPTION },
		{ "weights sum", "Billing", "invoice invoice invoice", 9, 0, 0, CLASS_SUBSCRIPTION },
		{ "incident", NULL, "outage", 0, 3, 0, CLASS_INCIDENT },
		/* Compliance precedence: volume of outage words never outvotes billing. */
		{ "restrictive wins over volume", NULL, "invoice invoice outage outage", 4, 6, 0,
		  CLASS_SUBSCRIPTION },
		{ "restrictive wins when higher too", NULL, "invoice invoice invoice outage", 6, 3, 0,
		  CLASS_SUBSCRIPTION },
		{ "incident when billing is below threshold", NULL, "invoice outage outage", 2, 6, 0,
		  CLASS_INCIDENT },
		{ "non_csp before incident", NULL, "outage outage enterprise agreement", 0, 6, 4,
		  CLASS_NON_CSP },
		{ "negative weight", NULL, "invoice invoice newsletter", -1, 0, 0, CLASS_OTHER },
		{ "negative weight capped", NULL, "invoice invoice invoice invoice newsletter newsletter", 3,
		  0, 0, CLASS_SUBSCRIPTION },
		{ "non_csp capped at one hit", NULL, "enterprise agreement, Enterprise Agreement", 0, 0, 4,
		  CLASS_NON_CSP },
		{ "small weights below threshold", NULL, "maintenance maintenance", 0, 2, 0, CLASS_OTHER },
		{ "small weights reach threshold", NULL, "maintenance maintenance maintenance", 0, 3, 0,
		  CLASS_INCIDENT },
		{ "other classes below threshold", NULL, "invoice maintenance enterprise", 2, 1, 0,
		  CLASS_OTHER },
	};
	struct rule_set *rs = build_rules(score_rules, UNIT_NELEM(score_rules), 1000000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;
	size_t i;

	init_params(&params, rs);
	classify_result_init(&res);
	assert_int_equal(res.class, CLASS_OTHER);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		fill_text(mt, cases[i].subject, cases[i].body);
		/* The same result is reused: nothing may carry over from the last case. */
		classify_message(&params, mt, scratch, &res);
		unit_expect_int(cases[i].name, res.score[CLASS_SUBSCRIPTION], cases[i].sub);
		unit_expect_int(cases[i].name, res.score[CLASS_INCIDENT], cases[i].inc);
		unit_expect_int(cases[i].name, res.score[CLASS_NON_CSP], cases[i].non);
		if (res.class != cases[i].want)
			fail_msg("%s: class %s, want %s", cases[i].name, csp_class_name(res.class),
			    csp_class_name(cases[i].want));
		unit_expect_int(cases[i].name, res.uncertain, 0);
	}
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* classify_message_ties - the class listed first in precedence that reaches its threshold wins */
static void
classify_message_ties(void **state)
{
	static const struct {
		enum csp_class prec[CLASS_RULED];
		const char *body;
		enum csp_class want;
	} cases[] = {
		/* subscription 4, incident 4, non_csp 4 */
		{ { CLASS_SUBSCRIPTION, CLASS_NON_CSP, CLASS_INCIDENT },
		  "invoice invoice outage maintenance enterprise agreement", CLASS_SUBSCRIPTION },
		{ { CLASS_INCIDENT, CLASS_SUBSCRIPTION, CLASS_NON_CSP },
		  "invoice invoice outage maintenance enterprise agreement", CLASS_INCIDENT },
		{ { CLASS_NON_CSP, CLASS_INCIDENT, CLASS_SUBSCRIPTION },
		  "invoice invoice outage maintenance enterprise agreement", CLASS_NON_CSP },
		{ { CLASS_INCIDENT, CLASS_NON_CSP, CLASS_SUBSCRIPTION },
		  "invoice invoice outage maintenance enterprise agreement", CLASS_INCIDENT },
		/* subscription 4, incident 4, non_csp 0 */
		{ { CLASS_NON_CSP, CLASS_INCIDENT, CLASS_SUBSCRIPTION },
		  "invoice invoice outage maintenance", CLASS_INCIDENT },
		{ { CLASS_NON_CSP, CLASS_SUBSCRIPTION, CLASS_INCIDENT },
		  "invoice invoice outage maintenance", CLASS_SUBSCRIPTION },
		/* a class below its threshold claims nothing: subscription 2, incident 3 */
		{ { CLASS_SUBSCRIPTION, CLASS_NON_CSP, CLASS_INCIDENT },
		  "invoice outage", CLASS_INCIDENT },
		/* precedence, not the score, decides: subscription 6, incident 4 */
		{ { CLASS_INCIDENT, CLASS_NON_CSP, CLASS_SUBSCRIPTION },
		  "invoice invoice invoice outage maintenance", CLASS_INCIDENT },
		{ { CLASS_SUBSCRIPTION, CLASS_NON_CSP, CLASS_INCIDENT },
		  "invoice invoice outage outage outage maintenance", CLASS_SUBSCRIPTION },
	};
	struct rule_set *rs = build_rules(score_rules, UNIT_NELEM(score_rules), 1000000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;
	size_t i;

	init_params(&params, rs);
	params.threshold[CLASS_NON_CSP] = 3;
	classify_result_init(&res);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		char row[64];

		snprintf(row, sizeof(row), "tie case %zu", i);
		memcpy(params.precedence, cases[i].prec, sizeof(params.precedence));
		fill_text(mt, NULL, cases[i].body);
		classify_message(&params, mt, scratch, &res);
		if (res.class != cases[i].want)
			fail_msg("%s: class %s, want %s", row, csp_class_name(res.class),
			    csp_class_name(cases[i].want));
	}
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* classify_message_hidden - hidden text adds to subscription only, never to incident */
static void
classify_message_hidden(void **state)
{
	static const struct {
		const char *name;
		const char *visible, *hidden;
		long sub, inc;
		enum csp_class want;
	} cases[] = {
		{ "hidden outage words do not make an incident", "hello", "outage outage outage", 0, 0,
		  CLASS_OTHER },
		{ "hidden outage words do not outvote a visible invoice", "invoice invoice",
		  "outage outage", 4, 0, CLASS_SUBSCRIPTION },
		{ "hidden billing words make it stricter", "outage outage", "invoice invoice", 4, 6,
		  CLASS_SUBSCRIPTION },
		{ "hidden negative weights are not counted", "invoice invoice", "newsletter", 4, 0,
		  CLASS_SUBSCRIPTION },
		{ "hidden incident words add nothing to visible ones", "outage", "outage outage", 0, 3,
		  CLASS_INCIDENT },
	};
	struct rule_set *rs = build_rules(score_rules, UNIT_NELEM(score_rules), 1000000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;
	size_t i, j;

	init_params(&params, rs);
	classify_result_init(&res);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		int hidden_listed = 0;

		fill_text(mt, NULL, cases[i].visible);
		msg_text_body_begin(mt, 1);
		msg_text_body_append(mt, cases[i].hidden, strlen(cases[i].hidden));
		msg_text_body_end(mt);
		classify_message(&params, mt, scratch, &res);
		unit_expect_int(cases[i].name, res.score[CLASS_SUBSCRIPTION], cases[i].sub);
		unit_expect_int(cases[i].name, res.score[CLASS_INCIDENT], cases[i].inc);
		if (res.class != cases[i].want)
			fail_msg("%s: class %s, want %s", cases[i].name, csp_class_name(res.class),
			    csp_class_name(cases[i].want));
		/* Hidden matches are listed with their view, counted or not. */
		for (j = 0; j < res.match_count; j++)
			if (res.matches[j].view == RULE_VIEW_HIDDEN)
				hidden_listed = 1;
		if (!hidden_listed)
			fail_msg("%s: no match listed from the hidden view", cases[i].name);
	}
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* classify_message_lang - a rule for one language counts only in text of that language */
static void
classify_message_lang(void **state)
{
	static const struct {
		const char *name, *body;
		long sub, inc;
		enum csp_class want;
	} cases[] = {
		{ "french word in english text", "Planned maintenance notices for your services are "
		  "on the health page, and we will post them there.", 0, 0, CLASS_OTHER },
		{ "french word in french text", "Une maintenance est prévue pour vos services et "
		  "nous publierons les détails sur la page.", 0, 3, CLASS_INCIDENT },
		{ "no language told: only the stricter class counts", "maintenance facture", 3, 0,
		  CLASS_SUBSCRIPTION },
		{ "french billing word in english text", "Please find the facture for the services "
		  "you have with us and pay it on time.", 0, 0, CLASS_OTHER },
	};
	static const struct rule_def lang_rules[] = {
		{ "inc.ops.fr", CLASS_INCIDENT, "body", "\\bmaintenance\\b", 3, 1, LANG_FR },
		{ "sub.billing.fr", CLASS_SUBSCRIPTION, "body", "\\bfacture\\b", 3, 1, LANG_FR },
	};
	struct rule_set *rs = build_rules(lang_rules, UNIT_NELEM(lang_rules), 1000000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;
	size_t i;

	init_params(&params, rs);
	classify_result_init(&res);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		fill_text(mt, NULL, cases[i].body);
		classify_message(&params, mt, scratch, &res);
		unit_expect_int(cases[i].name, res.score[CLASS_SUBSCRIPTION], cases[i].sub);
		unit_expect_int(cases[i].name, res.score[CLASS_INCIDENT], cases[i].inc);
		if (res.class != cases[i].want)
			fail_msg("%s: class %s, want %s", cases[i].name, csp_class_name(res.class),
			    csp_class_name(cases[i].want));
	}
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* classify_model_points_floor - the model adds weight x p, nothing below its confidence floor */
static void
classify_model_points_floor(void **state)
{
	struct classify_params params;

	(void)state;
	memset(&params, 0, sizeof(params));
	params.model_weight = 3;
	params.model_min_confidence = 90;
	params.model_incident_min_confidence = 95;
	assert_int_equal(classify_model_points(&params, CLASS_SUBSCRIPTION, 0.95), 3);
	assert_int_equal(classify_model_points(&params, CLASS_SUBSCRIPTION, 0.90), 3);
	assert_int_equal(classify_model_points(&params, CLASS_NON_CSP, 0.89), 0);
	assert_int_equal(classify_model_points(&params, CLASS_SUBSCRIPTION, 0.0), 0);
	/* Incident, delivered directly, needs its own higher floor. */
	assert_int_equal(classify_model_points(&params, CLASS_INCIDENT, 0.94), 0);
	assert_int_equal(classify_model_points(&params, CLASS_INCIDENT, 0.95), 3);
	params.model_min_confidence = 0;
	params.model_incident_min_confidence = 0;
	assert_int_equal(classify_model_points(&params, CLASS_SUBSCRIPTION, 0.5), 2);
	assert_int_equal(classify_model_points(&params, CLASS_INCIDENT, 0.5), 2);
	assert_int_equal(classify_model_points(&params, CLASS_SUBSCRIPTION, 0.1), 0);
	/* The general floor holds for incident too. */
	params.model_min_confidence = 90;
	assert_int_equal(classify_model_points(&params, CLASS_INCIDENT, 0.89), 0);
	params.model_weight = 0;
	assert_int_equal(classify_model_points(&params, CLASS_SUBSCRIPTION, 1.0), 0);
}

/* classify_message_matches - one entry per matching rule, with hits, target and first offset */
static void
classify_message_matches(void **state)
{
	struct rule_set *rs = build_rules(score_rules, UNIT_NELEM(score_rules), 1000000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;

	init_params(&params, rs);
	classify_result_init(&res);
	fill_text(mt, "Billing", "an outage, then invoice and invoice");
	classify_message(&params, mt, scratch, &res);
	assert_int_equal(res.match_count, 3);
	assert_int_equal(res.matches[0].rule, 0);	/* sub.invoice */
	assert_int_equal(res.matches[0].hits, 2);
	assert_int_equal(res.matches[0].target, RULE_TARGET_BODY);
	assert_int_equal(res.matches[0].offset, 16);
	assert_int_equal(res.matches[1].rule, 1);	/* sub.billing */
	assert_int_equal(res.matches[1].hits, 1);
	assert_int_equal(res.matches[1].target, RULE_TARGET_SUBJECT);
	assert_int_equal(res.matches[1].offset, 0);
	assert_int_equal(res.matches[2].rule, 3);	/* inc.outage */
	assert_int_equal(res.matches[2].offset, 3);
	assert_int_equal(res.class, CLASS_SUBSCRIPTION);
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* valid_utf8 - 1 if s[0..len) is valid UTF-8 (no overlong or surrogate checks needed here) */
static int
valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, j;

	while (i < len) {
		if (p[i] < 0x80)
			n = 1;
		else if ((p[i] & 0xe0) == 0xc0)
			n = 2;
		else if ((p[i] & 0xf0) == 0xe0)
			n = 3;
		else if ((p[i] & 0xf8) == 0xf0)
			n = 4;
		else
			return 0;
		if (i + n > len)
			return 0;
		for (j = 1; j < n; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
		i += n;
	}
	return 1;
}

/* classify_message_excerpts - excerpts hold the match, are cut on UTF-8 boundaries and sit on one line */
static void
classify_message_excerpts(void **state)
{
	static const struct {
		const char *name;
		size_t excerpt_max;
		const char *body;
		const char *want;
	} cases[] = {
		{ "ascii context", 20, "0123456789abcdefghij invoice klmnopqrstuvwxyz",
		  "bcdefghij invoice klmnopqrs" },
		{ "whole text", 200, "your invoice", "your invoice" },
		{ "no context", 0, "your invoice is here", "invoice" },
		{ "newlines become spaces", 40, "line one\ninvoice\nline three",
		  "line one invoice line three" },
		/*
		 * ж is two bytes (é would fold to e): cuts at 13 and 32 fall
		 * inside characters and move back to 12 and 31.
		 */
		{ "utf-8 boundaries", 12,
		  "\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6 invoice "
		  "\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6\xd0\xb6",
		  "\xd0\xb6\xd0\xb6\xd0\xb6 invoice \xd0\xb6\xd0\xb6" },
		/* 发 and 票 are three bytes: cuts at 8 and 23 move back to 6 and 22. */
		{ "cjk boundaries", 8,
		  "\xe5\x8f\x91\xe7\xa5\xa8\xe5\x8f\x91\xe7\xa5\xa8invoice\xe5\x8f\xb7\xe7\xa0\x81\xe5\x8f\xb7",
		  "\xe5\x8f\x91\xe7\xa5\xa8invoice\xe5\x8f\xb7" },
	};
	static const struct rule_def defs[] = {
		{ "sub.invoice", CLASS_SUBSCRIPTION, "body", "invoice", 3, 1, 0 },
	};
	struct rule_set *rs = build_rules(defs, UNIT_NELEM(defs), 1000000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;
	size_t i, len;
	const char *ex;

	init_params(&params, rs);
	classify_result_init(&res);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		params.excerpt_max = cases[i].excerpt_max;
		fill_text(mt, NULL, cases[i].body);
		classify_message(&params, mt, scratch, &res);
		unit_expect_int(cases[i].name, res.match_count, 1);
		ex = classify_excerpt(&res, &res.matches[0], &len);
		unit_expect_mem(cases[i].name, ex, len, cases[i].want);
		if (!valid_utf8(ex, len))
			fail_msg("%s: excerpt is not valid UTF-8", cases[i].name);
		if (memchr(ex, '\n', len) != NULL)
			fail_msg("%s: excerpt holds a newline", cases[i].name);
	}
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* classify_message_uncertain_decode - an uncertain or limited decode makes the result uncertain, with its reason */
static void
classify_message_uncertain_decode(void **state)
{
	static const struct {
		int flag;
		const char *reason;
		int want;
	} cases[] = {
		{ 0, NULL, 0 },
		{ MSG_TEXT_UNCERTAIN, "ambiguous MIME boundary", 1 },
		{ MSG_TEXT_LIMIT, "too many parts", 1 },
	};
	struct rule_set *rs = build_rules(score_rules, UNIT_NELEM(score_rules), 1000000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;
	size_t i;

	init_params(&params, rs);
	classify_result_init(&res);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		char row[64];

		snprintf(row, sizeof(row), "flag %d", cases[i].flag);
		fill_text(mt, NULL, "invoice invoice");
		if (cases[i].flag)
			msg_text_set_flag(mt, cases[i].flag, cases[i].reason);
		classify_message(&params, mt, scratch, &res);
		unit_expect_int(row, res.uncertain, cases[i].want);
		unit_expect_str(row, res.reason.data ? res.reason.data : "",
		    cases[i].reason ? cases[i].reason : "");
		/* The class is still computed from what was decoded. */
		unit_expect_int(row, res.class, CLASS_SUBSCRIPTION);
	}
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* classify_message_uncertain_limit - a PCRE2 limit makes the result uncertain and names the rule */
static void
classify_message_uncertain_limit(void **state)
{
	static const struct rule_def defs[] = {
		{ "sub.invoice", CLASS_SUBSCRIPTION, "body", "invoice", 3, 1, 0 },
		{ "inc.bt", CLASS_INCIDENT, "body", "(a+)+$", 5, 1, 0 },
	};
	struct rule_set *rs = build_rules(defs, UNIT_NELEM(defs), 10000);
	struct rule_scratch *scratch = rule_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct classify_params params;
	struct classify_result res;
	struct strbuf body = STRBUF_INIT;
	size_t i;

	strbuf_append_str(&body, "invoice ");
	for (i = 0; i < 30000; i++)
		strbuf_append_char(&body, 'a');
	strbuf_append_char(&body, 'b');
	init_params(&params, rs);
	classify_result_init(&res);
	fill_text(mt, NULL, body.data);
	classify_message(&params, mt, scratch, &res);
	assert_int_equal(res.uncertain, 1);
	unit_expect_contains("limit reason", res.reason.data, "inc.bt");
	assert_int_equal(res.score[CLASS_SUBSCRIPTION], 3);
	assert_int_equal(res.score[CLASS_INCIDENT], 0);
	assert_int_equal(res.class, CLASS_SUBSCRIPTION);

	/* The next, harmless message is certain again. */
	fill_text(mt, NULL, "invoice");
	classify_message(&params, mt, scratch, &res);
	assert_int_equal(res.uncertain, 0);
	assert_string_equal(res.reason.data, "");
	strbuf_release(&body);
	classify_result_release(&res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* csp_class_parse_table - class names parse case-insensitively; "other" only when allowed */
static void
csp_class_parse_table(void **state)
{
	static const struct {
		const char *name;
		int allow_other;
		int want;
	} cases[] = {
		{ "subscription", 0, CLASS_SUBSCRIPTION },
		{ "INCIDENT", 0, CLASS_INCIDENT },
		{ "non_csp", 0, CLASS_NON_CSP },
		{ "Non_CSP", 1, CLASS_NON_CSP },
		{ "other", 0, -1 },
		{ "other", 1, CLASS_OTHER },
		{ "non-csp", 1, -1 },
		{ "billing", 1, -1 },
		{ "", 1, -1 },
	};
	size_t i;
	int c;

	for (i = 0; i < UNIT_NELEM(cases); i++)
		unit_expect_int(cases[i].name, csp_class_parse(cases[i].name, cases[i].allow_other),
		    cases[i].want);
	unit_expect_str("name 0", csp_class_name(CLASS_SUBSCRIPTION), "subscription");
	unit_expect_str("name 1", csp_class_name(CLASS_INCIDENT), "incident");
	unit_expect_str("name 2", csp_class_name(CLASS_NON_CSP), "non_csp");
	unit_expect_str("name 3", csp_class_name(CLASS_OTHER), "other");
	for (c = 0; c < CLASS_COUNT; c++)
		unit_expect_int(csp_class_name((enum csp_class)c),
		    csp_class_parse(csp_class_name((enum csp_class)c), 1), c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify_message_scores),
		cmocka_unit_test(classify_message_ties),
		cmocka_unit_test(classify_message_hidden),
		cmocka_unit_test(classify_message_lang),
		cmocka_unit_test(classify_model_points_floor),
		cmocka_unit_test(classify_message_matches),
		cmocka_unit_test(classify_message_excerpts),
		cmocka_unit_test(classify_message_uncertain_decode),
		cmocka_unit_test(classify_message_uncertain_limit),
		cmocka_unit_test(csp_class_parse_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
