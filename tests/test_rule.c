/* test_rule - unit tests for compiling rules and matching them against decoded text */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lang.h"
#include "msg_text.h"
#include "rule.h"
#include "rule_fold.h"
#include "strbuf.h"
#include "unit.h"

#define MAX_LOGGED 64

/* The hits one rule_set_match call reported. */
struct hit_log {
	size_t n;
	struct {
		size_t rule;
		enum rule_target target;
		enum rule_view view;
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
	log->hit[log->n].view = hit->view;
	log->hit[log->n].start = hit->start;
	log->hit[log->n].end = hit->end;
	memcpy(log->hit[log->n].text, hit->text + hit->start, len);
	log->hit[log->n].text[len] = '\0';
	log->n++;
}

/* test_spec - a rule of weight 1 from test.conf, every other setting at its zero */
static struct rule_spec
test_spec(const char *id, const char *target, const char *pattern, int max_hits, int caseless)
{
	struct rule_spec spec;

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
	return spec;
}

/* add_spec - compile one rule that must compile */
static void
add_spec(struct rule_set *rs, const struct rule_spec *spec)
{
	const char *error = NULL;

	if (rule_set_add(rs, spec, &error) < 0)
		fail_msg("%s: %s", spec->id, error);
}

/* add_rule - compile one rule of test_spec that must compile */
static void
add_rule(struct rule_set *rs, const char *id, const char *target, const char *pattern,
    int max_hits, int caseless)
{
	struct rule_spec spec = test_spec(id, target, pattern, max_hits, caseless);

	add_spec(rs, &spec);
}

/* finish_set - build the prefilters when asked; results must not depend on it */
static void
finish_set(struct rule_set *rs, int finish)
{
	const char *error = NULL;

	if (finish && rule_set_finish(rs, &error) < 0)
		fail_msg("rule_set_finish: %s", error ? error : "(none)");
}

/*
 * plain_set - a set whose patterns are compiled as written, for the tests
 * of targets, caseless and limits over text that is not folded.
 */
static struct rule_set *
plain_set(unsigned long match_limit, unsigned long depth_limit)
{
	struct rule_set *rs = rule_set_new(match_limit, depth_limit);

	assert_non_null(rs);
	rule_set_fold(rs, 0);
	return rs;
}

/* sample_text - a message with every kind of text, not folded (normalise off) */
static struct msg_text *
sample_text(void)
{
	static const char body[] = "Dear customer, your invoice is attached.\nInvoice total: 10. invoice again";
	static const char hidden[] = "secret renewal";
	struct msg_text *mt = msg_text_new(1 << 16, 0);

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
	{ "body reads the hidden view", "body", "renewal", 1, 1, 1, "renewal", "renewal" },
	{ "body not headers", "body", "vendor", 0, 1, 0, NULL, NULL },
	{ "hidden", "hidden", "renewal", 0, 1, 1, "renewal", "renewal" },
	{ "hidden only", "hidden", "invoice", 0, 1, 0, NULL, NULL },
	{ "parts", "parts", "application/pdf \\S+\\.pdf$", 0, 1, 1,
	  "application/pdf Invoice-42.pdf", "application/pdf Invoice-42.pdf" },
	{ "parts lines", "parts", "(?m)^[a-z]+/", 0, 1, 2, "text/", "application/" },
	{ "all headers then body", "all", "invoice", 0, 1, 4, "Invoice", "invoice" },
	{ "all cap", "all", "invoice", 2, 1, 2, "Invoice", "invoice" },
	{ "all not parts", "all", "\\.pdf", 0, 1, 0, NULL, NULL },
	/* Bounded repeats, which the prefilter reads without their bound. */
	{ "subject anchored repeat", "subject", "^your.{0,9}42$", 1, 1, 1, "Your Invoice 42",
	  "Your Invoice 42" },
	{ "subject repeat too long", "subject", "^your.{0,3}42", 1, 1, 0, NULL, NULL },
	{ "from repeat", "from", "billing[^@]{1,3}billing@", 0, 1, 1, "Billing <billing@",
	  "Billing <billing@" },
	{ "body repeat in the hidden view only", "body", "secret\\s{1,2}renewal", 0, 1, 1,
	  "secret renewal", "secret renewal" },
	{ "body repeat in the visible view only", "body", "invoice[^.]{0,20}attached", 0, 1, 1,
	  "invoice is attached", "invoice is attached" },
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
		struct rule_set *rs = plain_set(1000000, 10000);
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
	struct rule_set *rs = plain_set(1000000, 10000);
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
	struct rule_set *rs = plain_set(1000000, 10000);
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
	struct msg_text *mt = msg_text_new(1 << 16, 0);
	struct rule_scratch *scratch = rule_scratch_new();
	size_t i;

	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
	for (i = 0; i < 2 * UNIT_NELEM(cases); i++) {
		size_t k = i / 2;
		struct rule_set *rs = plain_set(1000000, 10000);
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
		struct msg_text *mt = msg_text_new(1024, 0);
		struct rule_set *rs = plain_set(1000000, 10000);
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

/* rule_set_match_empty_header - a Subject or From rule matching "" matches an empty header */
static void
rule_set_match_empty_header(void **state)
{
	int finish;

	for (finish = 0; finish < 2; finish++) {
		struct msg_text *mt = msg_text_new(1024, 0);
		struct rule_set *rs = plain_set(1000000, 10000);
		struct rule_scratch *scratch = rule_scratch_new();
		struct hit_log log;
		const char *error = NULL;

		msg_text_add_header(mt, "Subject", "", 0);
		msg_text_add_header(mt, "From", "", 0);
		msg_text_add_header(mt, "Subject", "second", 6);
		add_rule(rs, "empty subject", "subject", "^$", 0, 1);
		add_rule(rs, "empty from", "from", "^\\s*$", 0, 1);
		add_rule(rs, "second subject", "subject", "^sec", 0, 1);
		finish_set(rs, finish);
		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
		assert_int_equal(log.n, 3);
		assert_int_equal(log.hit[0].rule, 0);
		assert_int_equal(log.hit[1].rule, 1);
		assert_int_equal(log.hit[2].rule, 2);
		assert_string_equal(log.hit[2].text, "sec");
		rule_set_free(&rs);
		rule_scratch_free(&scratch);
		msg_text_free(&mt);
	}
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

/* folded_text - a folded message (normalise on) with this body */
static struct msg_text *
folded_text(const char *body)
{
	struct msg_text *mt = msg_text_new(1 << 16, 1);

	assert_non_null(mt);
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
	return mt;
}

/* rule_fold_pattern_table - literals fold like the text; syntax, escapes and ranges stay */
static void
rule_fold_pattern_table(void **state)
{
	static const struct {
		const char *pattern;
		const char *want;
	} cases[] = {
		{ "Invoice", "invoice" },
		{ "\\bInvoices?\\b", "\\binvoices?\\b" },
		{ "payment (?:is due|failed)", "payment\\s+(?:is\\s+due|failed)" },
		{ "a  \t b", "a\\s+b" },
		{ "auto-?renew\\w*", "auto\\-?renew\\w*" },
		{ "CVE-\\d{4}", "cve\\-\\d{4}" },
		{ "\\x{41}\\p{Lu}\\N{U+41}", "\\x{41}\\p{Lu}\\N{U+41}" },
		{ "\\QA.B\\E", "\\QA.B\\E" },
		{ "(?<Name>X)\\k<Name>", "(?<Name>x)\\k<Name>" },
		{ "(?i:X)(?=Y)(?<!Z)(*UCP)", "(?i:x)(?=y)(?<!z)(*UCP)" },
		{ "[A-Z\\d ]+", "[A-Z\\d\\s]+" },
		{ "[^.]{0,40}?", "[^\\.]{0,40}?" },
		{ "[\xc3\x84x]", "[ax]" },
		{ "[[:alpha:]\xc3\x9f]", "[[:alpha:]\xc3\x9f]" },	/* ß folds to two: kept */
		/* A "[:" that PCRE2 reads as literals, with a ":]" further on: the rest still folds. */
		{ "[:[:]B|C:]", "[\\:\\[\\:]b|c\\:\\]" },
		{ "[\\x12:[:]\\nS", "[\\x12\\:\\[\\:]\\ns" },
		{ "[[:alpha:]X]", "[[:alpha:]x]" },
		{ "R\xc3\xbc" "ckerstattung", "ruckerstattung" },
		{ "stra\xc3\x9f?", "stra(?:ss)?" },
		{ "\xc3\x89t\xc3\xa9", "ete" },
		{ "d['\xe2\x80\x99]essai", "d[\\'\\']essai" },
		{ "\xef\xbd\x89\xef\xbd\x8e", "in" },
		{ "\xd0\xb0 ?b", "a(?:\\s+)?b" },
		{ "x{2}y{2,}z{a}", "x{2}y{2,}z\\{a\\}" },
		{ "\xe8\xab\x8b\xe6\xb1\x82|\xe3\x82\xab\xe3\x82\x99", "\xe8\xab\x8b\xe6\xb1\x82|\xe3\x82\xac" },
		{ "(?x) a b # comment", "(?x) a b # comment" },
		/* A lookbehind keeps a fixed length: its white space is one \s. */
		{ "(?<!error )budget", "(?<!error\\s)budget" },
		{ "(?<!kostenlosen |kostenlose )kontingent st\xc3\xb6rung",
		  "(?<!kostenlosen\\s|kostenlose\\s)kontingent\\s+storung" },
		{ "(?i)(?<=a (?:b c))d e", "(?i)(?<=a\\s(?:b\\sc))d\\s+e" },
		{ "(?#x y)(?<!a b)c d", "(?#x y)(?<!a\\sb)c\\s+d" },
	};
	struct strbuf out = STRBUF_INIT;
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		rule_fold_pattern(cases[i].pattern, &out);
		unit_expect_str(cases[i].pattern, out.data, cases[i].want);
	}
	strbuf_release(&out);
}

/*
 * Each Unicode evasion of issue 12, and what must stay apart: a plain
 * pattern over folded text, with and without the prefilter.
 */
static const struct {
	const char *name;
	const char *body;
	const char *pattern;
	size_t hits;
	enum rule_view view;	/* of the first hit */
} evasion_cases[] = {
	{ "plain", "Your invoice is attached.",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "capitals", "YOUR INVOICE",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "cyrillic look-alikes", "Your \xd1\x96nv\xd0\xbe\xd1\x96\xd1\x81\xd0\xb5 is attached.",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "cyrillic capitals", "\xd0\x86NV\xd0\x9e\xd0\x86\xd0\xa1\xd0\x95",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "greek look-alikes", "inv\xce\xbf\xce\xb9" "ce",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "greek and cyrillic in payment", "\xcf\x81\xd0\xb0ym\xd0\xb5nt failed",
	  "\\bpayment failed\\b", 1, RULE_VIEW_VISIBLE },
	{ "math bold", "\xf0\x9d\x90\xa2\xf0\x9d\x90\xa7\xf0\x9d\x90\xaf\xf0\x9d\x90\xa8\xf0\x9d\x90\xa2\xf0\x9d\x90\x9c\xf0\x9d\x90\x9e",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "math monospace", "\xf0\x9d\x9a\x92\xf0\x9d\x9a\x97\xf0\x9d\x9a\x9f\xf0\x9d\x9a\x98\xf0\x9d\x9a\x92\xf0\x9d\x9a\x8c\xf0\x9d\x9a\x8e",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "math sans-serif bold payment", "\xf0\x9d\x97\xbd\xf0\x9d\x97\xae\xf0\x9d\x98\x86\xf0\x9d\x97\xba\xf0\x9d\x97\xb2\xf0\x9d\x97\xbb\xf0\x9d\x98\x81",
	  "\\bpayment\\b", 1, RULE_VIEW_VISIBLE },
	{ "full-width", "\xef\xbd\x89\xef\xbd\x8e\xef\xbd\x96\xef\xbd\x8f\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "dotless and dotted i", "\xc4\xb1nvo\xc4\xb0" "ce",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "mark on every letter", "i\xcc\x81n\xcc\x83v\xcc\x88o\xcc\x82i\xcc\x80" "c\xcc\xa7" "e\xcc\x84",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "stacked marks", "i\xcc\x80\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86nvoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "enclosing marks", "i\xe2\x83\x9dn\xe2\x83\x9ev\xe2\x83\x9foice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "letter spacing", "Your i n v o i c e is attached",
	  "\\binvoice\\b", 1, RULE_VIEW_COLLAPSED },
	{ "letter spacing with dots", "Your i.n.v.o.i.c.e is attached",
	  "\\binvoice\\b", 1, RULE_VIEW_COLLAPSED },
	{ "letter spacing in a phrase", "p a y m e n t failed",
	  "\\bpayment failed\\b", 1, RULE_VIEW_COLLAPSED },
	{ "LRE", "in\xe2\x80\xaavoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "RLE", "in\xe2\x80\xabvoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "PDF", "in\xe2\x80\xacvoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "LRO", "in\xe2\x80\xadvoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "RLO", "in\xe2\x80\xaevoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "LRI", "in\xe2\x81\xa6voice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "RLI", "in\xe2\x81\xa7voice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "FSI", "in\xe2\x81\xa8voice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "PDI", "in\xe2\x81\xa9voice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "ALM", "in\xd8\x9cvoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "variation selectors", "i\xef\xb8\x80n\xef\xb8\x8fv\xf3\xa0\x84\x80oice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "tag characters", "inv\xf3\xa0\x80\x81\xf3\xa0\x81\x81\xf3\xa0\x81\xbfoice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "U+206A-U+206F", "i\xe2\x81\xaan\xe2\x81\xabv\xe2\x81\xaco\xe2\x81\xadi\xe2\x81\xae" "c\xe2\x81\xaf" "e",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "zero-width and soft hyphen", "in\xe2\x80\x8bvo\xc2\xadi\xe2\x81\xa0" "ce",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "hangul filler", "in\xe3\x85\xa4voice",
	  "\\binvoice\\b", 1, RULE_VIEW_VISIBLE },
	{ "wrapped line in a phrase", "We were unable\x0ato charge your card",
	  "unable to charge", 1, RULE_VIEW_VISIBLE },
	{ "tabs and spaces in a phrase", "unable \x09 to   charge",
	  "unable to charge", 1, RULE_VIEW_VISIBLE },
	{ "optional space in a pattern", "\xec\x9e\x90\xeb\x8f\x99\x0a\xea\xb0\xb1\xec\x8b\xa0",
	  "\xec\x9e\x90\xeb\x8f\x99 ?(?:\xea\xb0\xb1\xec\x8b\xa0|\xec\x97\xb0\xec\x9e\xa5)", 1, RULE_VIEW_VISIBLE },
	{ "umlaut decomposed", "Ru\xcc\x88" "ckerstattung",
	  "R\xc3\xbc" "ckerstattung", 1, RULE_VIEW_VISIBLE },
	{ "umlaut written plain", "Rueckerstattung und ruckerstattung",
	  "r\xc3\xbc" "ckerstattung", 1, RULE_VIEW_VISIBLE },
	{ "accent in pattern and text", "\xc3\xa9" "ch\xc3\xa9" "ance",
	  "\xc3\x89" "CH\xc3\x89" "ANCE", 1, RULE_VIEW_VISIBLE },
	{ "sharp s", "STRASSE",
	  "stra\xc3\x9f" "e", 1, RULE_VIEW_VISIBLE },
	{ "mark on han", "\xe8\xab\x8b\xcc\x81\xe6\xb1\x82\xe6\x9b\xb8",
	  "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8", 1, RULE_VIEW_VISIBLE },
	{ "zero-width in han", "\xe8\xab\x8b\xe2\x80\x8b\xe6\xb1\x82\xe6\x9b\xb8",
	  "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8", 1, RULE_VIEW_VISIBLE },
	{ "kana decomposed", "\xe3\x82\xab\xe3\x82\x99\xe3\x82\xa4\xe3\x83\x88\xe3\x82\x99",
	  "\xe3\x82\xac\xe3\x82\xa4\xe3\x83\x89", 1, RULE_VIEW_VISIBLE },
	{ "kana without voicing stays apart", "\xe3\x82\xab\xe3\x82\xa4\xe3\x83\x88",
	  "\xe3\x82\xac\xe3\x82\xa4\xe3\x83\x89", 0, RULE_VIEW_VISIBLE },
	{ "halfwidth kana", "\xef\xbd\xb6\xef\xbe\x9e\xef\xbd\xb2\xef\xbe\x84\xef\xbe\x9e",
	  "\xe3\x82\xac\xe3\x82\xa4\xe3\x83\x89", 1, RULE_VIEW_VISIBLE },
	{ "hangul jamo", "\xe1\x84\x80\xe1\x85\xa7\xe1\x86\xaf\xe1\x84\x8c\xe1\x85\xa6",
	  "\xea\xb2\xb0\xec\xa0\x9c", 1, RULE_VIEW_VISIBLE },
	{ "greek and cyrillic capitals", "Your \xce\x95NTERPR\xd0\x86SE \xd0\x90GREEMENT",
	  "\\benterprise agreement\\b", 1, RULE_VIEW_VISIBLE },
	{ "another word stays apart", "please invoke it",
	  "\\binvoice\\b", 0, RULE_VIEW_VISIBLE },
	{ "a split word stays apart", "inv oice",
	  "\\binvoice\\b", 0, RULE_VIEW_VISIBLE },
};

/* rule_set_match_evasions - a plain-word pattern matches every evasion of it, and only those */
static void
rule_set_match_evasions(void **state)
{
	struct rule_scratch *scratch = rule_scratch_new();
	size_t i;

	for (i = 0; i < 2 * UNIT_NELEM(evasion_cases); i++) {
		size_t k = i / 2;
		struct msg_text *mt = folded_text(evasion_cases[k].body);
		struct rule_set *rs = rule_set_new(1000000, 10000);
		struct hit_log log;
		const char *error = NULL;
		char row[128];

		snprintf(row, sizeof(row), "%s%s", evasion_cases[k].name,
		    i % 2 ? " (prefiltered)" : "");
		memset(&log, 0, sizeof(log));
		add_rule(rs, "ev", "body", evasion_cases[k].pattern, 0, 1);
		finish_set(rs, (int)(i % 2));
		unit_expect_int(row, rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
		unit_expect_int(row, log.n, evasion_cases[k].hits);
		if (log.n > 0)
			unit_expect_int(row, log.hit[0].view, evasion_cases[k].view);
		rule_set_free(&rs);
		msg_text_free(&mt);
	}
	rule_scratch_free(&scratch);
}

/* view_hit - rule_hit_fn that records views and texts */
struct view_log {
	size_t n;
	enum rule_view view[8];
	const char *text[8];
	char match[8][32];
};

static void
view_hit(const struct rule_hit *hit, void *ctx)
{
	struct view_log *log = ctx;
	size_t len = hit->end - hit->start;

	if (log->n == 8)
		return;
	if (len > 31)
		len = 31;
	log->view[log->n] = hit->view;
	log->text[log->n] = hit->text;
	memcpy(log->match[log->n], hit->text + hit->start, len);
	log->match[log->n][len] = '\0';
	log->n++;
}

/*
 * rule_set_match_views - visible, then collapsed runs only, then hidden
 * (unless the rule skips it); max_hits across views
 */
static void
rule_set_match_views(void **state)
{
	struct msg_text *mt = folded_text("an invoice and an i n v o i c e");
	struct rule_scratch *scratch = rule_scratch_new();
	struct view_log log;
	const char *error = NULL, *hidden;
	size_t len;
	int finish;

	assert_string_equal(rule_view_name(RULE_VIEW_VISIBLE), "visible");
	assert_string_equal(rule_view_name(RULE_VIEW_COLLAPSED), "collapsed");
	assert_string_equal(rule_view_name(RULE_VIEW_HIDDEN), "hidden");
	for (finish = 0; finish < 2; finish++) {
		struct rule_set *rs = rule_set_new(1000000, 10000);

		/* Uncapped: the visible word, then the collapsed run; "an" twice is not counted again. */
		add_rule(rs, "all", "body", "\\binvoice\\b", 0, 1);
		add_rule(rs, "one", "body", "\\binvoice\\b", 1, 1);
		add_rule(rs, "an", "body", "\\ban\\b", 0, 1);
		finish_set(rs, finish);
		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match(rs, mt, scratch, view_hit, &log, &error), 0);
		assert_int_equal(log.n, 5);
		assert_int_equal(log.view[0], RULE_VIEW_VISIBLE);
		assert_int_equal(log.view[1], RULE_VIEW_COLLAPSED);
		assert_string_equal(log.match[1], "invoice");
		assert_int_equal(log.view[2], RULE_VIEW_VISIBLE);	/* max_hits 1 across views */
		assert_int_equal(log.view[3], RULE_VIEW_VISIBLE);
		assert_int_equal(log.view[4], RULE_VIEW_VISIBLE);
		rule_set_free(&rs);
	}
	msg_text_free(&mt);

	/* Hidden text is read by body rules, last, and reported as the hidden view. */
	mt = msg_text_new(1 << 16, 1);
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, "hello", 5);
	msg_text_body_end(mt);
	msg_text_body_begin(mt, 1);
	msg_text_body_append(mt, "Renewal", 7);
	msg_text_body_end(mt);
	hidden = msg_text_hidden(mt, &len);
	for (finish = 0; finish < 2; finish++) {
		struct rule_set *rs = rule_set_new(1000000, 10000);

		add_rule(rs, "renewal", "body", "renewal", 0, 1);
		finish_set(rs, finish);
		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match(rs, mt, scratch, view_hit, &log, &error), 0);
		assert_true(log.n >= 1);
		assert_int_equal(log.view[log.n - 1], RULE_VIEW_HIDDEN);
		assert_ptr_equal(log.text[log.n - 1], hidden);
		assert_string_equal(log.match[log.n - 1], "renewal");
		rule_set_free(&rs);
	}
	/* A rule whose matches could not count there leaves the hidden text unread. */
	for (finish = 0; finish < 2; finish++) {
		struct rule_set *rs = rule_set_new(1000000, 10000);
		struct rule_spec spec = test_spec("skip", "body", "renewal|hello", 0, 1);

		spec.skip_hidden = 1;
		add_spec(rs, &spec);
		add_rule(rs, "reads", "body", "renewal", 0, 1);
		finish_set(rs, finish);
		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match(rs, mt, scratch, view_hit, &log, &error), 0);
		assert_int_equal(log.n, 2);
		assert_int_equal(log.view[0], RULE_VIEW_VISIBLE);	/* "skip" on "hello" only */
		assert_string_equal(log.match[0], "hello");
		assert_int_equal(log.view[1], RULE_VIEW_HIDDEN);	/* "reads" */
		rule_set_free(&rs);
	}
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/* add_lang_rule - a body rule written for the languages lang */
static void
add_lang_rule(struct rule_set *rs, const char *id, const char *pattern, unsigned lang)
{
	struct rule_spec spec = test_spec(id, "body", pattern, 0, 1);

	spec.lang = lang;
	add_spec(rs, &spec);
}

/*
 * rule_set_match_langs_groups - rules written for languages the text is
 * not in are left out, with and without the prefilter; none told: all run
 */
static void
rule_set_match_langs_groups(void **state)
{
	struct msg_text *mt = folded_text("Rechnung invoice facture");
	struct rule_scratch *scratch = rule_scratch_new();
	struct view_log log;
	const char *error = NULL;
	int finish;

	(void)state;
	for (finish = 0; finish < 2; finish++) {
		struct rule_set *rs = rule_set_new(1000000, 10000);

		add_lang_rule(rs, "de", "rechnung", LANG_DE);
		add_lang_rule(rs, "any", "facture", 0);
		add_lang_rule(rs, "en", "invoice", LANG_EN);
		add_lang_rule(rs, "en_de", "rechnung", LANG_EN | LANG_DE);
		finish_set(rs, finish);

		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match_langs(rs, mt, LANG_EN, scratch, view_hit, &log,
		    &error), 0);
		assert_int_equal(log.n, 3);	/* "any", "en", "en_de": not "de" */
		assert_string_equal(log.match[0], "facture");
		assert_string_equal(log.match[1], "invoice");
		assert_string_equal(log.match[2], "rechnung");

		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match_langs(rs, mt, LANG_FR, scratch, view_hit, &log,
		    &error), 0);
		assert_int_equal(log.n, 1);	/* "any" alone */

		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match_langs(rs, mt, 0, scratch, view_hit, &log, &error), 0);
		assert_int_equal(log.n, 4);
		memset(&log, 0, sizeof(log));
		assert_int_equal(rule_set_match(rs, mt, scratch, view_hit, &log, &error), 0);
		assert_int_equal(log.n, 4);
		rule_set_free(&rs);
	}
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/* rule_set_fold_off - with normalise off, patterns are compiled as written */
static void
rule_set_fold_off(void **state)
{
	struct msg_text *mt = msg_text_new(1 << 16, 0);
	struct rule_scratch *scratch = rule_scratch_new();
	struct rule_set *rs = plain_set(1000000, 10000);
	struct hit_log log;
	const char *error = NULL;

	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, "R\xc3\xbc" "ckerstattung\nunable to", 25);
	msg_text_body_end(mt);
	add_rule(rs, "umlaut", "body", "R\xc3\xbc" "ckerstattung", 0, 0);
	add_rule(rs, "space", "body", "unable to", 0, 1);
	add_rule(rs, "nobreak", "body", "erstattung unable", 0, 1);
	memset(&log, 0, sizeof(log));
	assert_int_equal(rule_set_match(rs, mt, scratch, log_hit, &log, &error), 0);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.hit[0].rule, 0);
	assert_int_equal(log.hit[1].rule, 1);
	rule_set_free(&rs);
	rule_scratch_free(&scratch);
	msg_text_free(&mt);
}

/* rule_set_share_prefilter_fold - a prefilter is shared only between sets folded alike */
static void
rule_set_share_prefilter_fold(void **state)
{
	struct rule_set *built = rule_set_new(1000000, 10000);
	struct rule_set *same = rule_set_new(1000000, 10000);
	struct rule_set *plain = plain_set(1000000, 10000);

	add_rule(built, "a", "body", "invoice\\s+due", 0, 1);
	add_rule(same, "a", "body", "invoice\\s+due", 0, 1);
	add_rule(plain, "a", "body", "invoice\\s+due", 0, 1);
	finish_set(built, 1);
	assert_int_equal(rule_set_share_prefilter(plain, built), 0);
	assert_int_equal(rule_set_prefiltered(plain), 0);
	assert_int_equal(rule_set_share_prefilter(same, built), 1);
	assert_int_equal(rule_set_prefiltered(same), 1);
	rule_set_free(&built);
	rule_set_free(&same);
	rule_set_free(&plain);
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
		cmocka_unit_test(rule_set_match_empty_header),
		cmocka_unit_test(rule_set_match_hard_cap),
		cmocka_unit_test(rule_set_match_backtracking),
		cmocka_unit_test(rule_set_match_backtracking_prefiltered),
		cmocka_unit_test(rule_fold_pattern_table),
		cmocka_unit_test(rule_set_match_evasions),
		cmocka_unit_test(rule_set_match_views),
		cmocka_unit_test(rule_set_match_langs_groups),
		cmocka_unit_test(rule_set_fold_off),
		cmocka_unit_test(rule_set_share_prefilter_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
