/* test_rule - unit tests for compiling rules and matching them against decoded text */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "msg_text.h"
#include "rule.h"
#include "strbuf.h"
#include "unit.h"

#define MAX_LOGGED 64

/* The hits one rule_set_match call reported. */
struct hit_log {
	size_t n;
	struct {
		size_t rule;
		enum rule_target target;
		size_t start, end;
		char text[128];
	} hit[MAX_LOGGED];
};

/* log_hit - rule_hit_fn that records each hit */
static void
log_hit(const struct rule_hit *hit, void *ctx)
{
	struct hit_log *log = ctx;
	size_t len = hit->end - hit->start;

	if (hit->end < hit->start || hit->end > hit->text_len)
		fail_msg("hit [%zu, %zu) outside its text of %zu bytes", hit->start, hit->end,
		    hit->text_len);
	if (log->n == MAX_LOGGED)
		return;
	if (len >= sizeof(log->hit[0].text))
		len = sizeof(log->hit[0].text) - 1;
	log->hit[log->n].rule = hit->rule;
	log->hit[log->n].target = hit->target;
	log->hit[log->n].start = hit->start;
	log->hit[log->n].end = hit->end;
	memcpy(log->hit[log->n].text, hit->text + hit->start, len);
	log->hit[log->n].text[len] = '\0';
	log->n++;
}

/* add_rule - compile one rule that must compile */
static void
add_rule(struct rule_set *rs, const char *id, const char *target, const char *pattern,
    int max_hits, int caseless)
{
	struct rule_spec spec;
	const char *error = NULL;

	memset(&spec, 0, sizeof(spec));
	spec.id = id;
	if (rule_target_parse(target, &spec.target, &spec.header) < 0)
		fail_msg("%s: bad target %s", id, target);
	spec.pattern = pattern;
	spec.weight = 1;
	spec.max_hits = max_hits;
	spec.caseless = caseless;
	spec.file = "test.conf";
	spec.line = 1;
	if (rule_set_add(rs, &spec, &error) < 0)
		fail_msg("%s: %s", id, error);
}

/* finish_set - build the prefilters when asked; results must not depend on it */
static void
finish_set(struct rule_set *rs, int finish)
{
	const char *error = NULL;

	if (finish && rule_set_finish(rs, &error) < 0)
		fail_msg("rule_set_finish: %s", error ? error : "(none)");
}

/* sample_text - a message with every kind of text */
static struct msg_text *
sample_text(void)
{
	static const char body[] = "Dear customer, your invoice is attached.\nInvoice total: 10. invoice again";
	static const char hidden[] = "secret renewal";
	struct msg_text *mt = msg_text_new(1 << 16, 1);

	assert_non_null(mt);
	msg_text_add_header(mt, "Subject", "Your Invoice 42", 15);
	msg_text_add_header(mt, "From", "Billing <billing@vendor.example>", 32);
	msg_text_add_header(mt, "X-Ticket", "T-1", 3);
	msg_text_add_header(mt, "To", "a@contoso.example", 17);
	msg_text_add_header(mt, "x-ticket", "T-2 T-3", 7);
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
	msg_text_body_begin(mt, 1);
	msg_text_body_append(mt, hidden, strlen(hidden));
	msg_text_body_end(mt);
	msg_text_add_part(mt, "text/plain", NULL);
	msg_text_add_part(mt, "application/pdf", "Invoice-42.pdf");
	return mt;
}

/* rule_target_parse_table - every target name, header:NAME, and bad spellings */
static void
rule_target_parse_table(void **state)
{
	static const struct {
		const char *in;
		int rc;
		enum rule_target target;
		const char *header;
	} cases[] = {
		{ "subject", 0, RULE_TARGET_SUBJECT, NULL },
		{ "from", 0, RULE_TARGET_FROM, NULL },
		{ "headers", 0, RULE_TARGET_HEADERS, NULL },
		{ "body", 0, RULE_TARGET_BODY, NULL },
		{ "hidden", 0, RULE_TARGET_HIDDEN, NULL },
		{ "parts", 0, RULE_TARGET_PARTS, NULL },
		{ "all", 0, RULE_TARGET_ALL, NULL },
		{ "BODY", 0, RULE_TARGET_BODY, NULL },
		{ "header:X-Mailer", 0, RULE_TARGET_HEADER, "X-Mailer" },
		{ "Header:list-id", 0, RULE_TARGET_HEADER, "list-id" },
		{ "header", -1, 0, NULL },
		{ "header:", -1, 0, NULL },
		{ "header:a b", -1, 0, NULL },
		{ "header:a:b", -1, 0, NULL },
		{ "bodyy", -1, 0, NULL },
		{ "body ", -1, 0, NULL },
		{ "", -1, 0, NULL },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		enum rule_target t = RULE_TARGET_ALL;
		const char *h = "stale";
		int rc = rule_target_parse(cases[i].in, &t, &h);

		unit_expect_int(cases[i].in, rc, cases[i].rc);
		if (rc == 0) {
			unit_expect_int(cases[i].in, t, cases[i].target);
			unit_expect_str(cases[i].in, h, cases[i].header);
		}
	}
}

/* rule_target_name_roundtrip - every target's name parses back to it */
static void
rule_target_name_roundtrip(void **state)
{
	static const enum rule_target all[] = {
		RULE_TARGET_SUBJECT, RULE_TARGET_FROM, RULE_TARGET_HEADERS, RULE_TARGET_BODY,
		RULE_TARGET_HIDDEN, RULE_TARGET_PARTS, RULE_TARGET_ALL,
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(all); i++) {
		enum rule_target t;
		const char *h;

		assert_int_equal(rule_target_parse(rule_target_name(all[i]), &t, &h), 0);
		assert_int_equal(t, all[i]);
	}
	assert_string_equal(rule_target_name(RULE_TARGET_HEADER), "header");
}

/* rule_set_add_errors - a bad pattern is refused with FILE:LINE, the rule id, PCRE2's message and the offset */
static void
rule_set_add_errors(void **state)
{
	static const struct {
		const char *pattern;
		const char *want;
	} cases[] = {
		{ "inv(oice", "bad pattern at offset 8: missing closing parenthesis" },
		{ "[a-", "bad pattern at offset 3: missing terminating ] for character class" },
		{ "a{2,1}", "numbers out of order in {} quantifier" },
		{ "*a", "bad pattern at offset 0: quantifier does not follow a repeatable item" },
		{ "abc\\", "\\ at end of pattern" },
		{ "(?<n>a)(?<n>b)", "two named subpatterns have the same name" },
		{ "caf\xe9", "UTF-8 error" },
	};
	struct rule_set *rs = rule_set_new(100000, 1000);
	size_t i;

	add_rule(rs, "good", "body", "fine", 1, 1);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct rule_spec spec;
		const char *error = NULL;

		memset(&spec, 0, sizeof(spec));
		spec.id = "r.bad";
		spec.target = RULE_TARGET_BODY;
		spec.pattern = cases[i].pattern;
		spec.weight = 1;
		spec.caseless = 1;
		spec.file = "rules.conf";
		spec.line = 17;
		unit_expect_int(cases[i].pattern, rule_set_add(rs, &spec, &error), -1);
		if (error == NULL || strncmp(error, "rules.conf:17: rule r.bad: bad pattern at offset ", 49) != 0)
			fail_msg("%s: error \"%s\" lacks the location", cases[i].pattern,
			    error ? error : "NULL");
		unit_expect_contains(cases[i].pattern, error, cases[i].want);
	}
	assert_int_equal(rule_set_count(rs), 1);
	assert_string_equal(rule_set_spec(rs, 0)->id, "good");
	rule_set_free(&rs);
	assert_null(rs);
}

/* rule_set_add_copies - the set keeps its own copies of the spec's strings */
static void
rule_set_add_copies(void **state)
{
	struct rule_set *rs = rule_set_new(100000, 1000);
	char id[] = "copy.me", pattern[] = "abc", file[] = "x.conf", header[] = "X-H";
	struct rule_spec spec = {
		.id = id, .class_index = 2, .target = RULE_TARGET_HEADER, .header = header,
		.pattern = pattern, .weight = 5, .max_hits = 3, .caseless = 0, .file = file, .line = 9,
	};
	const struct rule_spec *got;
	const char *error;

	assert_int_equal(rule_set_add(rs, &spec, &error), 0);
	memset(id, 'z', sizeof(id) - 1);
	memset(pattern, 'z', sizeof(pattern) - 1);
	memset(file, 'z', sizeof(file) - 1);
	memset(header, 'z', sizeof(header) - 1);
	got = rule_set_spec(rs, 0);
	assert_string_equal(got->id, "copy.me");
	assert_string_equal(got->pattern, "abc");
	assert_string_equal(got->file, "x.conf");
	assert_string_equal(got->header, "X-H");
	assert_int_equal(got->class_index, 2);
	assert_int_equal(got->weight, 5);
	assert_int_equal(got->max_hits, 3);
	assert_int_equal(got->line, 9);
	rule_set_free(&rs);
}

struct match_case {
	const char *name;
	const char *target;
	const char *pattern;
	int max_hits;
	int caseless;
	size_t hits;
	const char *first;	/* text of the first hit */
	const char *last;	/* text of the last hit */
};

static const struct match_case match_cases[] = {
	{ "subject", "subject", "invoice", 1, 1, 1, "Invoice", "Invoice" },
	{ "subject case-sensitive miss", "subject", "invoice", 1, 0, 0, NULL, NULL },
	{ "subject case-sensitive hit", "subject", "Invoice", 1, 0, 1, "Invoice", "Invoice" },
	{ "subject only", "subject", "customer", 0, 1, 0, NULL, NULL },
	{ "from", "from", "vendor\\.example", 1, 1, 1, "vendor.example", "vendor.example" },
	{ "from not subject", "from", "invoice", 1, 1, 0, NULL, NULL },
	{ "header every instance", "header:X-Ticket", "T-\\d", 0, 1, 3, "T-1", "T-3" },
	{ "header name caseless", "header:X-TICKET", "T-\\d", 0, 1, 3, "T-1", "T-3" },
	{ "header cap across instances", "header:x-ticket", "T-\\d", 2, 1, 2, "T-1", "T-2" },
	{ "header absent", "header:X-None", ".", 0, 1, 0, NULL, NULL },
	{ "header value only", "header:To", "^To", 0, 1, 0, NULL, NULL },
	{ "headers as lines", "headers", "To: a@contoso", 0, 1, 1, "To: a@contoso", "To: a@contoso" },
	{ "headers name and value", "headers", "x-ticket: T-2", 0, 0, 1, "x-ticket: T-2", "x-ticket: T-2" },
	{ "headers not body", "headers", "attached", 0, 1, 0, NULL, NULL },
	{ "body all hits", "body", "invoice", 0, 1, 3, "invoice", "invoice" },
	{ "body max_hits 2", "body", "invoice", 2, 1, 2, "invoice", "Invoice" },
	{ "body max_hits 1", "body", "invoice", 1, 1, 1, "invoice", "invoice" },
	{ "body case-sensitive", "body", "Invoice", 0, 0, 1, "Invoice", "Invoice" },
	{ "body holds hidden text", "body", "renewal", 0, 1, 1, "renewal", "renewal" },
	{ "body not headers", "body", "vendor", 0, 1, 0, NULL, NULL },
	{ "hidden", "hidden", "renewal", 0, 1, 1, "renewal", "renewal" },
	{ "hidden only", "hidden", "invoice", 0, 1, 0, NULL, NULL },
	{ "parts", "parts", "application/pdf \\S+\\.pdf$", 0, 1, 1,
	  "application/pdf Invoice-42.pdf", "application/pdf Invoice-42.pdf" },
	{ "parts lines", "parts", "(?m)^[a-z]+/", 0, 1, 2, "text/", "application/" },
	{ "all headers then body", "all", "invoice", 0, 1, 4, "Invoice", "invoice" },
	{ "all cap", "all", "invoice", 2, 1, 2, "Invoice", "invoice" },
	{ "all not parts", "all", "\\.pdf", 0, 1, 0, NULL, NULL },
};

/* run_match_cases - the match table, with or without prefilters */
static void
run_match_cases(int finish)
{
	struct msg_text *mt = sample_text();
	struct rule_scratch *scratch = rule_scratch_new();
	size_t i, j;

	assert_non_null(scratch);
	for (i = 0; i < UNIT_NELEM(match_cases); i++) {
		const struct match_case *c = &match_cases[i];
		struct rule_set *rs = rule_set_new(1000000, 10000);
		struct hit_log log;
		const char *error = NULL;
		enum rule_target want_target;
		const char *h;
		char row[128];

		snprintf(row, sizeof(row), "%s%s", c->name, finish ? " (prefiltered)" : "");
		memset(&log, 0, sizeof(log));
		add_rule(rs, c->name, c->target, c->pattern, c->max_hits, c->caseless);
		finish_set(rs, finish);
		unit_expect_int(row, rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
		unit_expect_int(row, log.n, c->hits);
		rule_target_parse(c->target, &want_target, &h);
		for (j = 0; j < log.n; j++) {
			unit_expect_int(row, log.hit[j].rule, 0);
			unit_expect_int(row, log.hit[j].target, want_target);
		}
		if (c->hits > 0) {
			unit_expect_str(row, log.hit[0].text, c->first);
			unit_expect_str(row, log.hit[log.n - 1].text, c->last);
		}
		rule_set_free(&rs);
	}
	rule_scratch_free(&scratch);
	assert_null(scratch);
	msg_text_free(&mt);
}

/* rule_set_match_targets - each target reads its own text, honouring max_hits and caseless */
static void
rule_set_match_targets(void **state)
{
	run_match_cases(0);
}

/* rule_set_match_targets_prefiltered - the prefilters of rule_set_finish change no result */
static void
rule_set_match_targets_prefiltered(void **state)
{
	run_match_cases(1);
}

/* rule_set_match_combined_prefiltered - one finished set of every match rule gives each rule its own hits */
static void
rule_set_match_combined_prefiltered(void **state)
{
	struct msg_text *mt = sample_text();
	struct rule_scratch *scratch = rule_scratch_new();
	struct rule_set *rs = rule_set_new(1000000, 10000);
	size_t count[UNIT_NELEM(match_cases)];
	struct hit_log log;
	const char *error = NULL;
	size_t i, j;

	for (i = 0; i < UNIT_NELEM(match_cases); i++)
		add_rule(rs, match_cases[i].name, match_cases[i].target, match_cases[i].pattern,
		    match_cases[i].max_hits, match_cases[i].caseless);
	finish_set(rs, 1);
	memset(&log, 0, sizeof(log));
	memset(count, 0, sizeof(count));
	assert_int_equal(rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
	assert_true(log.n < MAX_LOGGED);
	for (j = 0; j < log.n; j++)
		count[log.hit[j].rule]++;
	for (i = 0; i < UNIT_NELEM(match_cases); i++)
		unit_expect_int(match_cases[i].name, count[i], match_cases[i].hits);
	rule_set_free(&rs);
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/* rule_set_match_order - hits come in rule order, each rule's hits together */
static void
rule_set_match_order(void **state)
{
	struct msg_text *mt = sample_text();
	struct rule_scratch *scratch = rule_scratch_new();
	struct rule_set *rs = rule_set_new(1000000, 10000);
	static const size_t want_rule[] = { 0, 0, 0, 2, 3 };
	struct hit_log log;
	const char *error = NULL;
	size_t i;

	add_rule(rs, "r0", "body", "invoice", 0, 1);
	add_rule(rs, "r1", "body", "nothing-here", 0, 1);
	add_rule(rs, "r2", "subject", "42", 0, 1);
	add_rule(rs, "r3", "hidden", "secret", 0, 1);
	memset(&log, 0, sizeof(log));
	assert_int_equal(rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
	assert_int_equal(log.n, UNIT_NELEM(want_rule));
	for (i = 0; i < log.n; i++)
		unit_expect_int("rule order", log.hit[i].rule, want_rule[i]);
	/* A second run over the same text with the same scratch gives the same hits. */
	memset(&log, 0, sizeof(log));
	assert_int_equal(rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
	assert_int_equal(log.n, UNIT_NELEM(want_rule));
	rule_set_free(&rs);
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/* rule_set_match_unicode - caseless matching and \b follow Unicode; CJK literals match */
static void
rule_set_match_unicode(void **state)
{
	static const struct {
		const char *pattern;
		int caseless;
		size_t hits;
		const char *first;
	} cases[] = {
		{ "rechnung", 1, 1, "RECHNUNG" },
		{ "rechnung", 0, 0, NULL },
		{ "\xc3\xbc", 1, 3, "\xc3\x9c" },	/* ü finds Ü, then ü twice */
		{ "\xc3\x9c" "berweisung", 1, 1, "\xc3\x9c" "BERWEISUNG" },
		{ "\\bf\xc3\xbcr\\b", 1, 1, "f\xc3\xbcr" },
		{ "\\b\\w+ung\\b", 1, 2, "\xc3\x9c" "BERWEISUNG" },
		{ "\xce\xbb\xce\xbf\xce\xb3\xce\xb1\xcf\x81\xce\xb9\xce\xb1\xcf\x83\xce\xbc\xcf\x8c\xcf\x82", 1, 1,
		  "\xce\x9b\xce\x9f\xce\x93\xce\x91\xce\xa1\xce\x99\xce\x91\xce\xa3\xce\x9c\xce\x8c\xce\xa3" },
		{ "\xe5\x8f\x91\xe7\xa5\xa8", 1, 1, "\xe5\x8f\x91\xe7\xa5\xa8" },	/* 发票 */
		{ "\xe5\x8f\x91\xe7\xa5\xa8\\s*\xe5\x8f\xb7", 1, 1, "\xe5\x8f\x91\xe7\xa5\xa8 \xe5\x8f\xb7" },
		{ "^.{2}", 0, 1, "\xc3\x9c" "B" },	/* a dot is a character, not a byte */
	};
	static const char body[] =
	    "\xc3\x9c" "BERWEISUNG der RECHNUNG f\xc3\xbcr \xc3\xbc" "ber "
	    "\xce\x9b\xce\x9f\xce\x93\xce\x91\xce\xa1\xce\x99\xce\x91\xce\xa3\xce\x9c\xce\x8c\xce\xa3 "
	    "\xe5\x8f\x91\xe7\xa5\xa8 \xe5\x8f\xb7\xe7\xa0\x81";
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct rule_scratch *scratch = rule_scratch_new();
	size_t i;

	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
	for (i = 0; i < 2 * UNIT_NELEM(cases); i++) {
		size_t k = i / 2;
		struct rule_set *rs = rule_set_new(1000000, 10000);
		struct hit_log log;
		const char *error = NULL;
		char row[128];

		snprintf(row, sizeof(row), "%s%s", cases[k].pattern, i % 2 ? " (prefiltered)" : "");
		memset(&log, 0, sizeof(log));
		add_rule(rs, "u", "body", cases[k].pattern, 0, cases[k].caseless);
		finish_set(rs, (int)(i % 2));
		unit_expect_int(row, rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
		unit_expect_int(row, log.n, cases[k].hits);
		if (cases[k].hits > 0)
			unit_expect_str(row, log.hit[0].text, cases[k].first);
		rule_set_free(&rs);
	}
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/* rule_set_match_empty - patterns that match the empty string step on by whole characters and end */
static void
rule_set_match_empty(void **state)
{
	static const struct {
		const char *body;
		const char *pattern;
		size_t hits;
		size_t starts[8];
	} cases[] = {
		{ "abc", "x*", 4, { 0, 1, 2, 3 } },
		{ "\xe4\xb8\xad\xe6\x96\x87", "x*", 3, { 0, 3, 6 } },
		{ "a\xc3\xa9" "b", "(?=b)|^", 2, { 0, 3 } },
		{ "aaa", "a*", 2, { 0, 3 } },
		{ "", "", 1, { 0 } },
	};
	struct rule_scratch *scratch = rule_scratch_new();
	size_t i, j;

	for (i = 0; i < 2 * UNIT_NELEM(cases); i++) {
		size_t k = i / 2;
		struct msg_text *mt = msg_text_new(1024, 1);
		struct rule_set *rs = rule_set_new(1000000, 10000);
		struct hit_log log;
		const char *error = NULL;
		char row[64];

		snprintf(row, sizeof(row), "case %zu (%s)%s", k, cases[k].pattern,
		    i % 2 ? " prefiltered" : "");
		msg_text_body_begin(mt, 0);
		msg_text_body_append(mt, cases[k].body, strlen(cases[k].body));
		msg_text_body_end(mt);
		memset(&log, 0, sizeof(log));
		add_rule(rs, "empty", "body", cases[k].pattern, 0, 1);
		finish_set(rs, (int)(i % 2));
		unit_expect_int(row, rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
		unit_expect_int(row, log.n, cases[k].hits);
		for (j = 0; j < log.n && j < 8; j++)
			unit_expect_int(row, log.hit[j].start, cases[k].starts[j]);
		rule_set_free(&rs);
		msg_text_free(&mt);
	}
	rule_scratch_free(&scratch);
}

/* count_hit - rule_hit_fn that only counts */
static void
count_hit(const struct rule_hit *hit, void *ctx)
{
	(*(size_t *)ctx)++;
}

/* rule_set_match_hard_cap - an uncapped rule counts at most 10000 hits */
static void
rule_set_match_hard_cap(void **state)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	struct rule_scratch *scratch = rule_scratch_new();
	struct rule_set *rs = rule_set_new(1000000, 10000);
	const char *error = NULL;
	size_t i, count = 0;

	msg_text_body_begin(mt, 0);
	for (i = 0; i < 20000; i++)
		msg_text_body_append(mt, "ab ", 3);
	msg_text_body_end(mt);
	add_rule(rs, "many", "body", "ab", 0, 1);
	assert_int_equal(rule_set_match(rs, mt, scratch, count_hit, &count, &error), 0);
	assert_int_equal(count, 10000);
	rule_set_free(&rs);
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/*
 * run_backtracking - 30,000 "a" then "b": "(a+)+$" backtracks catastrophically
 * from the first start position before it could find the real match at
 * the final "a", so a low match_limit stops it.
 */
static void
run_backtracking(int finish)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	struct rule_scratch *scratch = rule_scratch_new();
	struct rule_set *rs = rule_set_new(10000, 1000);
	struct strbuf body = STRBUF_INIT;
	struct hit_log log;
	const char *error = NULL;
	size_t i;

	for (i = 0; i < 30000; i++)
		strbuf_append_char(&body, 'a');
	strbuf_append_str(&body, "b a");
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body.data, body.len);
	msg_text_body_end(mt);
	add_rule(rs, "before", "body", "^a", 0, 1);
	add_rule(rs, "cat.bt", "body", "(a+)+$", 0, 1);
	add_rule(rs, "after", "body", "ab", 0, 1);
	finish_set(rs, finish);
	memset(&log, 0, sizeof(log));
	assert_int_equal(rule_set_match(rs, mt, scratch, log_hit, &log, &error), 1);
	assert_non_null(error);
	unit_expect_contains("limit error", error, "rule cat.bt");
	unit_expect_contains("limit error", error, "limit");
	/* The rules around the stopped one still ran. */
	assert_int_equal(log.n, 2);
	assert_int_equal(log.hit[0].rule, 0);
	assert_int_equal(log.hit[1].rule, 2);

	/* The same scratch works for the next message without a stale error. */
	msg_text_reset(mt);
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, "aaab a", 6);
	msg_text_body_end(mt);
	memset(&log, 0, sizeof(log));
	error = NULL;
	assert_int_equal(rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.hit[1].rule, 1);
	assert_string_equal(log.hit[1].text, "a");
	strbuf_release(&body);
	rule_set_free(&rs);
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/* rule_set_match_backtracking - a PCRE2 limit is reported as an error naming the rule, never as no match */
static void
rule_set_match_backtracking(void **state)
{
	run_backtracking(0);
}

/* rule_set_match_backtracking_prefiltered - with prefilters a limit hit is still reported */
static void
rule_set_match_backtracking_prefiltered(void **state)
{
	run_backtracking(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_target_parse_table),
		cmocka_unit_test(rule_target_name_roundtrip),
		cmocka_unit_test(rule_set_add_errors),
		cmocka_unit_test(rule_set_add_copies),
		cmocka_unit_test(rule_set_match_targets),
		cmocka_unit_test(rule_set_match_targets_prefiltered),
		cmocka_unit_test(rule_set_match_combined_prefiltered),
		cmocka_unit_test(rule_set_match_order),
		cmocka_unit_test(rule_set_match_unicode),
		cmocka_unit_test(rule_set_match_empty),
		cmocka_unit_test(rule_set_match_hard_cap),
		cmocka_unit_test(rule_set_match_backtracking),
		cmocka_unit_test(rule_set_match_backtracking_prefiltered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
