/* test_report_run - unit tests of the csp-milter-audit modules */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <zlib.h>

#include "strbuf.h"
#include "report_count.h"
#include "report_filter.h"
#include "report_header.h"
#include "report_html.h"
#include "report_output.h"
#include "report_read.h"
#include "report_record.h"
#include "report_summary.h"
#include "report_time.h"

/* 2026-11-24T12:00:00Z, "now" for relative times. */
#define NOW_US	(1795521600LL * 1000000)

static const char *const rec_line =
    "{\"time\":\"2026-11-24T15:11:35.123456Z\",\"instance\":\"relay1\","
    "\"queue_id\":\"4XyZ1abc\",\"client\":\"127.0.0.1\","
    "\"mail_from\":\"billing@vendor.example\","
    "\"header_from\":\"Vendor Billing <Billing@Vendor.example>\","
    "\"message_id\":\"<abc@vendor.example>\",\"subject\":\"Your, \\\"invoice\\\"\","
    "\"size\":12345,\"class\":\"subscription\","
    "\"scores\":{\"subscription\":7,\"incident\":0,\"non_csp\":0},"
    "\"uncertain\":false,\"uncertain_reason\":\"\","
    "\"rules\":[{\"id\":\"sub.invoice.en\",\"class\":\"subscription\","
    "\"target\":\"body\",\"excerpt\":\"...your invoice for...\"}],"
    "\"recipients\":[{\"rcpt\":\"<admin@contoso.example>\","
    "\"customer\":\"cust-contoso\",\"partner\":\"csp-desk@partner-a.example\","
    "\"decision\":\"reroute\"},{\"rcpt\":\"<x@other.example>\",\"customer\":\"\","
    "\"partner\":\"\",\"decision\":\"deliver\"}],\"action\":\"reroute\","
    "\"mode\":\"enforce\",\"config_version\":\"3f2a9c0d1e2b4a5f\","
    "\"elapsed_us\":812,\"added_later\":{\"x\":[1,2]}}";

/* report_time_parse_valid - RFC 3339 stamps give the right microseconds */
static void
report_time_parse_valid(void **state)
{
	static const struct {
		const char *in;
		int64_t	us;
	} cases[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-24T15:11:35.123456Z", 1795533095123456LL },
		{ "2026-11-24T15:11:35.1Z", 1795533095100000LL },
		{ "2026-11-24T16:11:35+01:00", 1795533095000000LL },
		{ "2026-11-24t15:11:35z", 1795533095000000LL },
		{ "2024-02-29T00:00:00Z", 1709164800000000LL },
		{ "1969-12-31T23:59:59Z", -1000000LL },
	};
	size_t i;
	int64_t us;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(report_time_parse(cases[i].in,
		    strlen(cases[i].in), &us), 0);
		assert_true(us == cases[i].us);
	}
}

/* report_time_parse_invalid - malformed stamps are refused */
static void
report_time_parse_invalid(void **state)
{
	static const char *const cases[] = {
		"", "2026-11-24", "2026-11-24T15:11:35", "2026-13-01T00:00:00Z",
		"2025-02-29T00:00:00Z", "2026-11-24T24:00:00Z",
		"2026-11-24T15:11:35.Z", "2026-11-24T15:11:35Zjunk",
		"2026-11-24T15:11:35+0100", "yesterday",
	};
	size_t i;
	int64_t us;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(report_time_parse(cases[i], strlen(cases[i]),
		    &us), -1);
}

/* report_time_parse_arg_forms - dates, zone-less and relative arguments */
static void
report_time_parse_arg_forms(void **state)
{
	static const struct {
		const char *in;
		int	end_of_day;
		int64_t	us;
	} cases[] = {
		{ "2026-11-24", 0, 1795478400000000LL },
		{ "2026-11-24", 1, 1795564800000000LL },
		{ "2026-11-24T12:00", 0, NOW_US },
		{ "2026-11-24T12:00:00Z", 1, NOW_US },
		{ "7d", 0, NOW_US - 7LL * 86400 * 1000000 },
		{ "24h", 0, NOW_US - 24LL * 3600 * 1000000 },
		{ "30m", 0, NOW_US - 30LL * 60 * 1000000 },
		{ "2w", 0, NOW_US - 14LL * 86400 * 1000000 },
		{ "90s", 0, NOW_US - 90LL * 1000000 },
	};
	const char *error;
	size_t i;
	int64_t us;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(report_time_parse_arg(cases[i].in, NOW_US,
		    cases[i].end_of_day, &us, &error), 0);
		assert_true(us == cases[i].us);
	}
}

/* report_time_parse_arg_invalid - bad arguments give an error text */
static void
report_time_parse_arg_invalid(void **state)
{
	static const char *const cases[] = {
		"", "7", "d", "7y", "-7d", "7dd", "2026-11-31", "last week",
		"99999999999999999999d",
	};
	const char *error = NULL;
	size_t i;
	int64_t us;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		error = NULL;
		assert_int_equal(report_time_parse_arg(cases[i], NOW_US, 0, &us,
		    &error), -1);
		assert_non_null(error);
	}
}

/* report_time_day_utc - the day of a time is its UTC date */
static void
report_time_day_utc(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	report_time_day(&sb, 1795533095123456LL);
	assert_string_equal(sb.data, "2026-11-24");
	strbuf_reset(&sb);
	report_time_day(&sb, -1);
	assert_string_equal(sb.data, "1969-12-31");
	strbuf_release(&sb);
}

/* report_record_parse_fields - every field the report uses is decoded */
static void
report_record_parse_fields(void **state)
{
	struct report_record *rec = report_record_new();
	const char *error = NULL;

	assert_int_equal(report_record_parse(rec, rec_line, strlen(rec_line),
	    &error), 0);
	assert_string_equal(rec->queue_id, "4XyZ1abc");
	assert_string_equal(rec->class_name, "subscription");
	assert_string_equal(rec->action, "reroute");
	assert_string_equal(rec->subject, "Your, \"invoice\"");
	assert_int_equal(rec->size, 12345);
	assert_int_equal(rec->uncertain, 0);
	assert_int_equal(rec->nrules, 1);
	assert_string_equal(rec->rules[0], "sub.invoice.en");
	assert_int_equal(rec->nrcpts, 2);
	assert_string_equal(rec->rcpts[0].partner, "csp-desk@partner-a.example");
	assert_string_equal(rec->rcpts[1].decision, "deliver");
	assert_true(rec->time_us == 1795533095123456LL);
	report_record_free(&rec);
	assert_null(rec);
}

/* report_record_parse_malformed - each kind of damage is refused with a reason */
static void
report_record_parse_malformed(void **state)
{
	static const struct {
		const char *line;
		const char *reason;	/* a substring of the error */
	} cases[] = {
		{ "not json", "invalid JSON" },
		{ "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"deliver\"",
		    "invalid JSON" },
		{ "[1,2]", "not a JSON object" },
		{ "{\"action\":\"deliver\"}", "\"time\": missing" },
		{ "{\"time\":\"2026-11-24T15:11:35Z\"}", "\"action\": missing" },
		{ "{\"time\":5,\"action\":\"deliver\"}", "\"time\": not a string" },
		{ "{\"time\":\"now\",\"action\":\"deliver\"}", "RFC 3339" },
		{ "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"x\","
		    "\"rules\":\"r\"}", "\"rules\": not an array" },
		{ "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"x\","
		    "\"recipients\":[1]}", "\"recipients\": an entry" },
		{ "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"x\","
		    "\"recipients\":[{\"rcpt\":7}]}", "\"rcpt\" is not a string" },
		{ "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"x\","
		    "\"uncertain\":\"yes\"}", "\"uncertain\": not a boolean" },
		{ "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"x\","
		    "\"class\":[]}", "\"class\": not a string" },
	};
	struct report_record *rec = report_record_new();
	const char *error;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		error = NULL;
		assert_int_equal(report_record_parse(rec, cases[i].line,
		    strlen(cases[i].line), &error), -1);
		assert_non_null(error);
		if (strstr(error, cases[i].reason) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, error,
			    cases[i].reason);
	}
	/* The record is reusable after a failure. */
	assert_int_equal(report_record_parse(rec, rec_line, strlen(rec_line),
	    &error), 0);
	report_record_free(&rec);
}

/* report_record_parse_minimal - missing optional keys read as empty */
static void
report_record_parse_minimal(void **state)
{
	static const char line[] =
	    "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"tempfail\","
	    "\"class\":null}";
	struct report_record *rec = report_record_new();
	const char *error;

	assert_int_equal(report_record_parse(rec, line, strlen(line), &error), 0);
	assert_string_equal(rec->class_name, "");
	assert_string_equal(rec->mail_from, "");
	assert_int_equal(rec->nrules, 0);
	assert_int_equal(rec->nrcpts, 0);
	report_record_free(&rec);
}

/*
 * report_record_parse_review - a "review" object marks --review's record,
 * through simdjson and through jansson (a "\u0000" sends a line there);
 * a review that is not an object makes the line malformed
 */
static void
report_record_parse_review(void **state)
{
#define REVIEW_HEAD "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"deliver\"," \
	    "\"review\":{\"choice\":\"release\",\"by\":\"ops\"}"
	struct strbuf deep = STRBUF_INIT;
	const char *lines[2];
	static const char plain[] =
	    "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"quarantine\",\"review\":null}";
	static const char bad[] =
	    "{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"deliver\",\"review\":\"release\"}";
	struct report_record *rec = report_record_new();
	const char *error;
	size_t i;

	(void)state;
	/* Nesting past simdjson's 1024 levels is read by jansson alone. */
	strbuf_append_str(&deep, REVIEW_HEAD);
	strbuf_append_str(&deep, ",\"x\":");
	for (i = 0; i < 1100; i++)
		strbuf_append_char(&deep, '[');
	for (i = 0; i < 1100; i++)
		strbuf_append_char(&deep, ']');
	strbuf_append_char(&deep, '}');
	lines[0] = REVIEW_HEAD "}";
	lines[1] = deep.data;
	for (i = 0; i < 2; i++) {
		assert_int_equal(report_record_parse(rec, lines[i], strlen(lines[i]), &error), 0);
		assert_int_equal(rec->review, 1);
		assert_int_equal(report_record_parse(rec, plain, strlen(plain), &error), 0);
		assert_int_equal(rec->review, 0);
	}
	assert_int_equal(report_record_parse(rec, bad, strlen(bad), &error), -1);
	assert_non_null(strstr(error, "review"));
	report_record_free(&rec);
	strbuf_release(&deep);
}
#undef REVIEW_HEAD

/*
 * report_record_parse_as_jansson - what simdjson reads and jansson would
 * not (NUL in strings and keys, integers over INT64_MAX), what only
 * jansson reads (nesting past simdjson's 1024), duplicate keys (the last
 * counts), escapes and UTF-8 come out as jansson decodes them
 */
#define T_A	"{\"time\":\"2026-11-24T15:11:35Z\",\"action\":\"reject\","
static void
report_record_parse_as_jansson(void **state)
{
	static const struct {
		const char *line;
		const char *reason;	/* a substring of the error; NULL: decoded */
		const char *subject;	/* when decoded */
		const char *class_name;
		int64_t	size;
		const char *rule;	/* the first rule's id, NULL: no rules */
		const char *decision;	/* the first recipient's, NULL: none */
	} cases[] = {
		{ T_A "\"subject\":\"a\\u0000b\"}", "\\u0000 is not allowed",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"future\":{\"a\\u0000\":1}}", "NUL byte in object key",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"future\":[9223372036854775808]}", "too big integer",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"size\":18446744073709551615}", "too big integer",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"size\":9223372036854775807}", NULL,
		    "", "", INT64_MAX, NULL, NULL },
		{ T_A "\"size\":-9223372036854775808,\"future\":1e-400}", NULL,
		    "", "", INT64_MIN, NULL, NULL },
		{ T_A "\"future\":1e400}", "real number overflow",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"size\":1.0}", "\"size\": not an integer",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"size\":-0}", NULL, "", "", 0, NULL, NULL },
		{ T_A "\"subject\":\"\\uD83D\\ude00 \\u00e9\\u20AC\"}", NULL,
		    "\xf0\x9f\x98\x80 \xc3\xa9\xe2\x82\xac", "", 0, NULL, NULL },
		{ T_A "\"subject\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"}", NULL,
		    "/\b\f\n\r\t\"\\", "", 0, NULL, NULL },
		{ T_A "\"subject\":\"\\uD800 lone\"}", "invalid Unicode",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"subject\":\"\\uDC00\"}", "invalid Unicode",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"subject\":\"\xc0\x80\"}", "unable to decode byte",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"subject\":\"\xed\xa0\x80\"}", "unable to decode byte",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"subject\":\"tab\t\"}", "control character",
		    NULL, NULL, 0, NULL, NULL },
		{ T_A "\"class\":\"incident\",\"class\":\"subscription\"}", NULL,
		    "", "subscription", 0, NULL, NULL },
		{ T_A "\"class\":\"subscription\",\"class\":5}",
		    "\"class\": not a string", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"class\":5,\"class\":\"subscription\"}", NULL,
		    "", "subscription", 0, NULL, NULL },
		{ T_A "\"rules\":[{\"id\":\"a\",\"id\":\"b\"}]}", NULL,
		    "", "", 0, "b", NULL },
		{ T_A "\"rules\":[{\"id\":\"a\",\"id\":7}]}",
		    "\"id\" is not a string", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"recipients\":[{\"decision\":\"reroute\","
		    "\"decision\":\"quarantine\"}]}", NULL,
		    "", "", 0, NULL, "quarantine" },
		/* What a later key of the same name hides is still read. */
		{ T_A "\"rules\":[[18446744073709551615]],\"rules\":[]}",
		    "too big integer", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"class\":[\"\\u0000\"],\"class\":\"x\"}",
		    "\\u0000 is not allowed", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"rules\":[{\"id\":18446744073709551615,\"id\":\"a\"}]}",
		    "too big integer", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"rules\":[{\"id\":\"a\",\"x\\u0000\":1}]}",
		    "NUL byte in object key", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"recipients\":[{\"rcpt\":\"\\u0000\",\"rcpt\":\"<a@b>\"}]}",
		    "\\u0000 is not allowed", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"recipients\":[{\"decision\":\"reject\","
		    "\"future\":{\"n\":18446744073709551615}}]}",
		    "too big integer", NULL, NULL, 0, NULL, NULL },
		{ T_A "\"subject\":\"a\\\\u0000\"}", NULL,
		    "a\\u0000", "", 0, NULL, NULL },
	};
	struct report_record *rec = report_record_new();
	struct strbuf deep;
	const char *error;
	size_t i;
	int depth;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		error = NULL;
		if (cases[i].reason != NULL) {
			assert_int_equal(report_record_parse(rec, cases[i].line,
			    strlen(cases[i].line), &error), -1);
			if (strstr(error, cases[i].reason) == NULL)
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, error,
				    cases[i].reason);
			continue;
		}
		if (report_record_parse(rec, cases[i].line,
		    strlen(cases[i].line), &error) != 0)
			fail_msg("case %zu: refused: %s", i, error);
		assert_string_equal(rec->action, "reject");
		assert_string_equal(rec->subject, cases[i].subject);
		assert_string_equal(rec->class_name, cases[i].class_name);
		assert_true(rec->size == cases[i].size);
		assert_int_equal(rec->nrules, cases[i].rule != NULL);
		if (cases[i].rule != NULL)
			assert_string_equal(rec->rules[0], cases[i].rule);
		assert_int_equal(rec->nrcpts, cases[i].decision != NULL);
		if (cases[i].decision != NULL)
			assert_string_equal(rec->rcpts[0].decision,
			    cases[i].decision);
	}

	/*
	 * Nested deeper than simdjson goes but within jansson's 2048 (the
	 * line's object counts as one, a value as one more): decoded by
	 * jansson, with nothing left from the line before; one deeper is
	 * refused.
	 */
	assert_int_equal(report_record_parse(rec, rec_line, strlen(rec_line),
	    &error), 0);
	assert_int_equal(rec->nrules, 1);
	for (depth = 2046; depth <= 2047; depth++) {
		strbuf_init(&deep, 0);
		strbuf_append_str(&deep, T_A "\"future\":");
		for (i = 0; i < (size_t)depth; i++)
			strbuf_append_char(&deep, '[');
		strbuf_append_char(&deep, '1');
		for (i = 0; i < (size_t)depth; i++)
			strbuf_append_char(&deep, ']');
		strbuf_append_char(&deep, '}');
		error = NULL;
		if (depth == 2046) {
			assert_int_equal(report_record_parse(rec, deep.data,
			    deep.len, &error), 0);
			assert_int_equal(rec->nrules, 0);
			assert_int_equal(rec->nrcpts, 0);
			assert_string_equal(rec->queue_id, "");
			assert_string_equal(rec->action, "reject");
		} else {
			assert_int_equal(report_record_parse(rec, deep.data,
			    deep.len, &error), -1);
			assert_non_null(strstr(error, "maximum parsing depth"));
		}
		strbuf_release(&deep);
	}
	report_record_free(&rec);
}
#undef T_A

/* report_filter_match_each - every filter, matching and not matching */
static void
report_filter_match_each(void **state)
{
	static const struct {
		const char *name;
		const char *value;
		int	match;
	} cases[] = {
		{ "since", "2026-11-24T15:11:35.123456Z", 1 },
		{ "since", "2026-11-24T15:11:35.123457Z", 0 },
		{ "since", "2026-11-24", 1 },
		{ "since", "1h", 1 },
		{ "until", "1h", 0 },
		{ "since", "3650d", 1 },
		{ "until", "2026-11-24T15:11:35.123457Z", 1 },
		{ "until", "2026-11-24T15:11:35.123456Z", 0 },
		{ "until", "2026-11-24", 1 },
		{ "until", "2026-11-23", 0 },
		{ "class", "subscription", 1 },
		{ "class", "incident", 0 },
		{ "class", "none", 0 },
		{ "action", "reroute", 1 },
		{ "action", "deliver", 1 },
		{ "action", "quarantine", 0 },
		{ "sender", "BILLING@", 1 },
		{ "sender", "vendor billing", 1 },
		{ "sender", "partner-a", 0 },
		{ "rcpt", "CONTOSO", 1 },
		{ "rcpt", "fabrikam", 0 },
		{ "customer", "cust-contoso", 1 },
		{ "customer", "cust-contos", 0 },
		{ "partner", "Partner-A", 1 },
		{ "partner", "partner-b", 0 },
		{ "rule", "sub.invoice.en", 1 },
		{ "rule", "sub.invoice", 0 },
		{ "uncertain", "", 0 },
		{ "mode", "enforce", 1 },
		{ "mode", "monitor", 0 },
	};
	struct report_record *rec = report_record_new();
	struct report_filter *f;
	const char *error;
	size_t i;
	int pre;

	assert_int_equal(report_record_parse(rec, rec_line, strlen(rec_line),
	    &error), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = report_filter_new(NOW_US);
		assert_int_equal(report_filter_set(f, cases[i].name,
		    cases[i].value, &error), 0);
		if (report_filter_match(f, rec) != cases[i].match)
			fail_msg("case %zu: --%s %s", i, cases[i].name,
			    cases[i].value);
		/* The pre-check may let through, but never drop, a match. */
		pre = report_filter_precheck(f, rec_line, strlen(rec_line));
		if (cases[i].match && !pre)
			fail_msg("case %zu: pre-check dropped a match", i);
		report_filter_free(&f);
		assert_null(f);
	}
	report_record_free(&rec);
}

/* report_filter_match_same_rcpt - recipient filters hold for one recipient */
static void
report_filter_match_same_rcpt(void **state)
{
	struct report_record *rec = report_record_new();
	struct report_filter *f = report_filter_new(NOW_US);
	const char *error;

	assert_int_equal(report_record_parse(rec, rec_line, strlen(rec_line),
	    &error), 0);
	assert_int_equal(report_filter_set(f, "rcpt", "other.example", &error), 0);
	assert_int_equal(report_filter_match(f, rec), 1);
	assert_int_equal(report_filter_match_rcpt(f, &rec->rcpts[0]), 0);
	assert_int_equal(report_filter_match_rcpt(f, &rec->rcpts[1]), 1);
	assert_int_equal(report_filter_set(f, "customer", "cust-contoso", &error), 0);
	assert_int_equal(report_filter_match(f, rec), 0);
	report_filter_free(&f);
	report_record_free(&rec);
}

/* report_filter_set_invalid - bad filter values are refused */
static void
report_filter_set_invalid(void **state)
{
	static const struct {
		const char *name;
		const char *value;
	} cases[] = {
		{ "since", "yesterday" },
		{ "until", "2026-02-30" },
		{ "class", "" },
		{ "class", "billing" },
		{ "class", "Subscription" },
		{ "action", "rejected" },
		{ "mode", "enforced" },
		{ "since", "30x" },
		{ "nosuch", "x" },
	};
	struct report_filter *f;
	const char *error;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = report_filter_new(NOW_US);
		error = NULL;
		assert_int_equal(report_filter_set(f, cases[i].name,
		    cases[i].value, &error), -1);
		assert_non_null(error);
		report_filter_free(&f);
	}
}

/* report_filter_precheck_literal - lines without a needed literal are dropped */
static void
report_filter_precheck_literal(void **state)
{
	struct report_filter *f = report_filter_new(NOW_US);
	const char *error;

	assert_int_equal(report_filter_set(f, "partner", "PARTNER-A", &error), 0);
	assert_int_equal(report_filter_precheck(f, rec_line, strlen(rec_line)), 1);
	assert_int_equal(report_filter_precheck(f, "{\"x\":1}", 7), 0);
	report_filter_free(&f);
	/* A value that may be escaped in JSON is never pre-checked. */
	f = report_filter_new(NOW_US);
	assert_int_equal(report_filter_set(f, "sender", "a/b", &error), 0);
	assert_int_equal(report_filter_precheck(f, "{\"x\":1}", 7), 1);
	report_filter_free(&f);
}

/* report_memcasemem_cases - ASCII case-insensitive search */
static void
report_memcasemem_cases(void **state)
{
	static const struct {
		const char *hay;
		const char *needle;
		int	at;		/* -1: not found */
	} cases[] = {
		{ "abcdef", "CD", 2 },
		{ "abcdef", "", 0 },
		{ "ab", "abc", -1 },
		{ "aAaB", "ab", 2 },
		{ "xyz", "q", -1 },
		{ "x@Partner-B.example", "partner-b", 2 },
	};
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = report_memcasemem(cases[i].hay, strlen(cases[i].hay),
		    cases[i].needle, strlen(cases[i].needle));
		if (cases[i].at < 0)
			assert_null(p);
		else
			assert_int_equal(p - cases[i].hay, cases[i].at);
	}
}

/* report_output_csv_quote_cases - RFC 4180 quoting */
static void
report_output_csv_quote_cases(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"\"", "\"\"\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r", "\"cr\r\"" },
		{ " lead", "\" lead\"" },
		{ "trail ", "\"trail \"" },
		/* Formula cells are neutralised with a leading quote (OWASP CSV injection). */
		{ "=SUM(A1)", "\"'=SUM(A1)\"" },
		{ "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
		{ "+1", "\"'+1\"" },
		{ "-x", "\"'-x\"" },
		{ "@cmd", "\"'@cmd\"" },
		{ "\tx", "\"'\tx\"" },
		{ "\rx", "\"'\rx\"" },
		{ "a=b", "a=b" },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&sb);
		strbuf_append_str(&sb, "");
		report_output_csv_quote(&sb, cases[i].in);
		assert_string_equal(sb.data, cases[i].out);
	}
	strbuf_release(&sb);
}

/* report_output_list_line - the list line and the release command */
static void
report_output_list_line(void **state)
{
	static const char held[] =
	    "{\"time\":\"2026-11-24T15:11:35Z\",\"queue_id\":\"4ABC\","
	    "\"action\":\"quarantine\",\"class\":\"incident\","
	    "\"mail_from\":\"a b@x\",\"recipients\":[],\"mode\":\"enforce\"}";
	struct report_record *rec = report_record_new();
	struct strbuf sb = STRBUF_INIT;
	const char *error;

	assert_int_equal(report_record_parse(rec, rec_line, strlen(rec_line),
	    &error), 0);
	report_output_list(&sb, rec, NULL);
	assert_string_equal(sb.data, "2026-11-24T15:11:35.123456Z 4XyZ1abc "
	    "reroute subscription mode=enforce from=<billing@vendor.example> "
	    "rcpt=<admin@contoso.example>,<x@other.example> "
	    "rule=sub.invoice.en\n");
	assert_int_equal(report_record_parse(rec, held, strlen(held), &error), 0);
	strbuf_reset(&sb);
	report_output_list(&sb, rec, NULL);
	assert_string_equal(sb.data, "2026-11-24T15:11:35Z 4ABC quarantine "
	    "incident mode=enforce from=<a_b@x> rcpt=- rule=- release: postsuper -H 4ABC\n");
	/* In monitor mode nothing was held: no release command. */
	strbuf_reset(&sb);
	strbuf_append_str(&sb, held);
	strbuf_truncate(&sb, sb.len - strlen("\"enforce\"}"));
	strbuf_append_str(&sb, "\"monitor\"}");
	assert_int_equal(report_record_parse(rec, sb.data, sb.len, &error), 0);
	strbuf_reset(&sb);
	report_output_list(&sb, rec, NULL);
	assert_string_equal(sb.data, "2026-11-24T15:11:35Z 4ABC quarantine "
	    "incident mode=monitor from=<a_b@x> rcpt=- rule=-\n");
	strbuf_release(&sb);
	report_record_free(&rec);
}

/* report_output_release_per_mta - the release command of the MTA that held the message */
static void
report_output_release_per_mta(void **state)
{
	static const struct {
		const char *mta, *want;
	} cases[] = {
		{ "postfix", " release: postsuper -H 4ABC" },
		{ "sendmail", " release: sendmail -Q -qQ -qI4ABC && sendmail -qI4ABC" },
		{ "", " release: postsuper -H 4ABC" },	/* older records */
		{ "exim", " release: postsuper -H 4ABC" },
	};
	struct report_record *rec = report_record_new();
	struct strbuf line = STRBUF_INIT, sb = STRBUF_INIT;
	const char *error;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&line);
		strbuf_appendf(&line, "{\"time\":\"2026-11-24T15:11:35Z\",\"queue_id\":\"4ABC\","
		    "\"mta\":\"%s\",\"action\":\"quarantine\",\"recipients\":[]}", cases[i].mta);
		assert_int_equal(report_record_parse(rec, line.data, line.len, &error), 0);
		assert_string_equal(rec->mta, cases[i].mta);
		strbuf_reset(&sb);
		report_output_release(&sb, rec);
		assert_string_equal(sb.data, cases[i].want);
	}
	strbuf_release(&line);
	strbuf_release(&sb);
	report_record_free(&rec);
}

/* report_output_csv_rows - one row per shown recipient, quoted */
static void
report_output_csv_rows(void **state)
{
	struct report_record *rec = report_record_new();
	struct report_filter *f = report_filter_new(NOW_US);
	struct strbuf sb = STRBUF_INIT;
	const char *error;

	assert_int_equal(report_record_parse(rec, rec_line, strlen(rec_line),
	    &error), 0);
	strbuf_append_str(&sb, "");
	report_output_csv(&sb, rec, NULL);
	assert_string_equal(sb.data,
	    "2026-11-24T15:11:35.123456Z,4XyZ1abc,<abc@vendor.example>,"
	    "billing@vendor.example,<admin@contoso.example>,cust-contoso,"
	    "csp-desk@partner-a.example,subscription,reroute,reroute,enforce,"
	    "false,sub.invoice.en,\"Your, \"\"invoice\"\"\"\n"
	    "2026-11-24T15:11:35.123456Z,4XyZ1abc,<abc@vendor.example>,"
	    "billing@vendor.example,<x@other.example>,,,subscription,deliver,"
	    "reroute,enforce,false,sub.invoice.en,\"Your, \"\"invoice\"\"\"\n");
	assert_int_equal(report_filter_set(f, "customer", "cust-contoso", &error), 0);
	strbuf_reset(&sb);
	report_output_csv(&sb, rec, f);
	assert_null(strstr(sb.data, "other.example"));
	assert_non_null(strstr(sb.data, "contoso"));
	strbuf_release(&sb);
	report_filter_free(&f);
	report_record_free(&rec);
}

/* report_count_add_many - counts survive growth and sort by count then key */
static void
report_count_add_many(void **state)
{
	struct report_count *t = report_count_new();
	const struct report_count_entry *const *e;
	struct strbuf key = STRBUF_INIT;
	unsigned i;

	for (i = 0; i < 10000; i++) {
		strbuf_reset(&key);
		strbuf_appendf(&key, "k%u", i % 1000);
		report_count_add(t, key.data, key.len, i % 1000 == 7 ? 5 : 1);
	}
	assert_int_equal(report_count_size(t), 1000);
	assert_int_equal(report_count_get(t, "k7", 2), 50);
	assert_int_equal(report_count_get(t, "k8", 2), 10);
	assert_int_equal(report_count_get(t, "nope", 4), 0);
	report_count_add(t, "a\0b", 3, 1);
	assert_int_equal(report_count_get(t, "a\0b", 3), 1);
	assert_int_equal(report_count_get(t, "a", 1), 0);
	e = report_count_sorted(t, 0);
	assert_string_equal(e[0]->key, "k7");
	assert_string_equal(e[1]->key, "k0");
	assert_string_equal(e[2]->key, "k1");
	assert_null(e[1001]);
	e = report_count_sorted(t, 1);
	assert_string_equal(e[0]->key, "a");
	strbuf_release(&key);
	report_count_free(&t);
	assert_null(t);
}

/* summary_get - a count from one of the summary's tables */
static uint64_t
summary_get(struct report_summary *s, enum report_summary_table t,
    const char *key)
{
	return report_count_get(report_summary_table(s, t), key, strlen(key));
}

static const char *const summary_lines[] = {
	"{\"time\":\"2026-11-23T10:00:00Z\",\"action\":\"reroute\","
	"\"class\":\"subscription\",\"mail_from\":\"a@v\","
	"\"rules\":[{\"id\":\"r1\"},{\"id\":\"r1\"},{\"id\":\"r2\"}],"
	"\"recipients\":[{\"partner\":\"p1\",\"decision\":\"reroute\"},"
	"{\"partner\":\"p2\",\"decision\":\"reroute\"},"
	"{\"partner\":\"\",\"decision\":\"deliver\"}]}",
	"{\"time\":\"2026-11-24T10:00:00Z\",\"action\":\"reroute\","
	"\"class\":\"subscription\",\"mail_from\":\"a@v\","
	"\"rules\":[{\"id\":\"r1\"}],"
	"\"recipients\":[{\"partner\":\"p1\",\"decision\":\"reroute\"}],"
	"\"mode\":\"monitor\",\"uncertain\":true,\"instance\":\"r2\"}",
	"{\"time\":\"2026-11-24T11:00:00Z\",\"action\":\"untouched\","
	"\"class\":\"\",\"mail_from\":\"\",\"mode\":\"enforce\","
	"\"instance\":\"r1\",\"config_version\":\"v2\"}",
};

/*
 * report_summary_day_keys - the day of each record, out of order and
 * around 1970 (the day is formatted again only when it changes)
 */
static void
report_summary_day_keys(void **state)
{
	static const char *const times[] = {
		"1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z",
		"1969-12-31T00:00:00Z", "1970-01-01T23:59:59.999999Z",
		"2026-11-24T00:00:00+01:00", "1969-12-31T23:59:59Z",
	};
	struct report_summary *s = report_summary_new();
	struct report_record *rec = report_record_new();
	struct strbuf line = STRBUF_INIT;
	const char *error;
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		strbuf_reset(&line);
		strbuf_appendf(&line, "{\"time\":\"%s\",\"action\":\"tag\"}",
		    times[i]);
		assert_int_equal(report_record_parse(rec, line.data, line.len,
		    &error), 0);
		report_summary_add(s, rec, NULL);
	}
	assert_int_equal(summary_get(s, REPORT_SUMMARY_DAY, "1969-12-31"), 3);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_DAY, "1970-01-01"), 2);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_DAY, "2026-11-23"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_DAY, "2026-11-24"), 0);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_DAILY,
	    "1969-12-31\t(none)\ttag"), 3);
	strbuf_release(&line);
	report_record_free(&rec);
	report_summary_free(&s);
}

/* report_summary_add_counts - aggregation by class, action, rule, partner */
static void
report_summary_add_counts(void **state)
{
	struct report_summary *s = report_summary_new();
	struct report_record *rec = report_record_new();
	const char **days;
	const char *error;
	uint64_t read, matched, malformed;
	size_t i, n;

	for (i = 0; i < sizeof(summary_lines) / sizeof(summary_lines[0]); i++) {
		assert_int_equal(report_record_parse(rec, summary_lines[i],
		    strlen(summary_lines[i]), &error), 0);
		report_summary_add(s, rec, NULL);
	}
	report_summary_set_input(s, 4, 1);
	report_summary_totals(s, &read, &matched, &malformed);
	assert_int_equal(read, 4);
	assert_int_equal(matched, 3);
	assert_int_equal(malformed, 1);
	/* A record without a mode counts under "(none)", never as applied. */
	assert_int_equal(summary_get(s, REPORT_SUMMARY_CLASS_ACTION,
	    "(none)\tsubscription\treroute"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_CLASS_ACTION,
	    "monitor\tsubscription\treroute"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_CLASS_ACTION,
	    "enforce\tsubscription\treroute"), 0);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_CLASS_ACTION,
	    "enforce\t(none)\tuntouched"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_ACTION,
	    "monitor\treroute"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_MODE, "monitor"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_UNCERTAIN, "monitor"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_UNCERTAIN, "enforce"), 0);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_RULE,
	    "r1"), 2);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_PARTNER,
	    "(none)\tp1"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_PARTNER,
	    "monitor\tp1"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_PARTNER,
	    "(none)\tp2"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_SENDER,
	    "<>"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_DAILY,
	    "2026-11-24\tmonitor\treroute"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_CONFIG, "v2"), 1);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_CONFIG, "(none)"), 2);
	days = report_summary_axis(s, REPORT_SUMMARY_AXIS_DAY, 0, &n);
	assert_int_equal(n, 2);
	assert_string_equal(days[0], "2026-11-23");
	assert_string_equal(days[1], "2026-11-24");
	assert_null(days[2]);
	free(days);
	report_record_free(&rec);
	report_summary_free(&s);
	assert_null(s);
}

/* summary_text - the text report of s as a string, to be freed */
static char *
summary_text(const struct report_summary *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(report_summary_write_text(s, fp, 10, "head\n"), 0);
	assert_int_equal(fclose(fp), 0);
	return text;
}

/* report_summary_merge_split - counts shared out and merged equal counts kept in one */
static void
report_summary_merge_split(void **state)
{
	struct report_summary *whole = report_summary_new();
	struct report_summary *part[2] = { report_summary_new(),
	    report_summary_new() };
	struct report_record *rec = report_record_new();
	const char *error;
	char *want, *got;
	size_t i;

	for (i = 0; i < sizeof(summary_lines) / sizeof(summary_lines[0]); i++) {
		assert_int_equal(report_record_parse(rec, summary_lines[i],
		    strlen(summary_lines[i]), &error), 0);
		report_summary_add(whole, rec, NULL);
		report_summary_add(part[i % 2], rec, NULL);
	}
	report_summary_merge(part[0], part[1]);
	report_summary_set_input(whole, 4, 1);
	report_summary_set_input(part[0], 4, 1);
	want = summary_text(whole);
	got = summary_text(part[0]);
	assert_string_equal(got, want);
	assert_int_equal(summary_get(part[0], REPORT_SUMMARY_RULE, "r1"), 2);
	free(want);
	free(got);
	report_record_free(&rec);
	report_summary_free(&whole);
	report_summary_free(&part[0]);
	report_summary_free(&part[1]);
}

/* report_record_parse_long_line - a document larger than one arena block decodes, and so does the next */
static void
report_record_parse_long_line(void **state)
{
	static const char small[] = "{\"time\":\"2026-11-24T10:00:00Z\","
	    "\"action\":\"tag\",\"subject\":\"short\"}";
	struct report_record *rec = report_record_new();
	struct strbuf line = STRBUF_INIT;
	const char *error;
	size_t i;

	strbuf_append_str(&line, "{\"time\":\"2026-11-24T10:00:00Z\","
	    "\"action\":\"tag\",\"rules\":[");
	for (i = 0; i < 20000; i++)
		strbuf_appendf(&line, "%s{\"id\":\"rule%zu\"}", i ? "," : "", i);
	strbuf_append_str(&line, "],\"subject\":\"");
	for (i = 0; i < 300000; i++)
		strbuf_append_char(&line, 'a' + i % 26);
	strbuf_append_str(&line, "\"}");
	for (i = 0; i < 2; i++) {
		assert_int_equal(report_record_parse(rec, line.data, line.len,
		    &error), 0);
		assert_int_equal(rec->nrules, 20000);
		assert_string_equal(rec->rules[19999], "rule19999");
		assert_int_equal(strlen(rec->subject), 300000);
		assert_int_equal(report_record_parse(rec, small,
		    sizeof(small) - 1, &error), 0);
		assert_string_equal(rec->subject, "short");
		assert_int_equal(rec->nrules, 0);
	}
	strbuf_release(&line);
	report_record_free(&rec);
}

/* reader_all - every batch of path read with want, joined; checks each ends a line */
static void
reader_all(const char *path, size_t want, struct strbuf *all)
{
	struct report_reader *r;
	struct strbuf batch = STRBUF_INIT;
	const char *error;
	int ret;

	assert_non_null(r = report_reader_new(path, &error));
	while ((ret = report_reader_batch(r, &batch, want, &error)) == 1) {
		assert_true(batch.len > 0);
		assert_int_equal(batch.data[batch.len - 1], '\n');
		strbuf_append(all, batch.data, batch.len);
	}
	assert_int_equal(ret, 0);
	assert_true(report_reader_bytes(r) > 0);
	report_reader_free(&r);
	assert_null(r);
	strbuf_release(&batch);
}

/* report_reader_batch_lines - batches hold whole lines, plain and gzip, whatever their size */
static void
report_reader_batch_lines(void **state)
{
	static const size_t wants[] = { 1, 5, 4096, 1 << 20 };
	char path[] = "/tmp/test_report_read.XXXXXX";
	struct strbuf data = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	gzFile gz;
	size_t i, gzip;
	int fd;

	strbuf_append_str(&data, "a\r\nbb\n\nccc\n");
	for (i = 0; i < 700000; i++)
		strbuf_append_char(&data, 'x');
	strbuf_append_str(&data, "\nlast");
	strbuf_append(&want, data.data, data.len);
	strbuf_append_char(&want, '\n');
	assert_true((fd = mkstemp(path)) >= 0);
	for (gzip = 0; gzip < 2; gzip++) {
		assert_non_null(gz = gzdopen(dup(fd), gzip ? "wb" : "wbT"));
		assert_int_equal(gzwrite(gz, data.data, (unsigned)data.len),
		    (int)data.len);
		assert_int_equal(gzclose(gz), Z_OK);
		for (i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
			strbuf_reset(&got);
			reader_all(path, wants[i], &got);
			assert_int_equal(got.len, want.len);
			assert_memory_equal(got.data, want.data, want.len);
		}
		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	}
	close(fd);
	unlink(path);
	strbuf_release(&data);
	strbuf_release(&want);
	strbuf_release(&got);
}

/* report_filter_set_lists_valid - a typo is refused with the valid values */
static void
report_filter_set_lists_valid(void **state)
{
	struct report_filter *f = report_filter_new(NOW_US);
	struct report_record *rec = report_record_new();
	static const char line[] = "{\"time\":\"2026-11-24T10:00:00Z\","
	    "\"action\":\"reroute\",\"mode\":\"monitor\"}";
	const char *error;

	assert_int_equal(report_filter_set(f, "class", "billing", &error), -1);
	assert_string_equal(error, "unknown class; valid values: subscription, "
	    "incident, non_csp, other, none");
	assert_int_equal(report_filter_set(f, "action", "rejected", &error), -1);
	assert_string_equal(error, "unknown action; valid values: untouched, "
	    "deliver, tag, reroute, reject, quarantine, tempfail, accept");
	assert_int_equal(report_filter_set(f, "mode", "x", &error), -1);
	assert_string_equal(error, "unknown mode; valid values: enforce, monitor");
	assert_int_equal(report_record_parse(rec, line, strlen(line), &error), 0);
	assert_int_equal(report_filter_set(f, "mode", "enforce", &error), 0);
	assert_int_equal(report_filter_match(f, rec), 0);
	report_filter_free(&f);
	f = report_filter_new(NOW_US);
	assert_int_equal(report_filter_set(f, "mode", "monitor", &error), 0);
	assert_int_equal(report_filter_match(f, rec), 1);
	report_filter_free(&f);
	report_record_free(&rec);
}

/* report_count_time_ranges - a key's time range widens, and survives a merge */
static void
report_count_time_ranges(void **state)
{
	struct report_count *a = report_count_new(), *b = report_count_new();
	const struct report_count_entry *const *e;

	report_count_add_time(a, "x", 1, 50);
	report_count_add_time(a, "x", 1, 10);
	report_count_add_time(b, "x", 1, 99);
	report_count_add_time(b, "y", 1, -5);
	report_count_merge(a, b);
	e = report_count_sorted(a, 1);
	assert_string_equal(e[0]->key, "x");
	assert_int_equal(e[0]->count, 3);
	assert_int_equal(e[0]->first_us, 10);
	assert_int_equal(e[0]->last_us, 99);
	assert_string_equal(e[1]->key, "y");
	assert_int_equal(e[1]->first_us, -5);
	assert_int_equal(e[1]->last_us, -5);
	report_count_free(&a);
	report_count_free(&b);
}

/* report_time_iso_utc - whole seconds, UTC, before and after the epoch */
static void
report_time_iso_utc(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	report_time_iso(&sb, 1764460800LL * 1000000 + 999999);
	assert_string_equal(sb.data, "2025-11-30T00:00:00Z");
	strbuf_reset(&sb);
	report_time_iso(&sb, -1);
	assert_string_equal(sb.data, "1969-12-31T23:59:59Z");
	strbuf_reset(&sb);
	report_time_iso(&sb, (86400LL + 3723) * 1000000);
	assert_string_equal(sb.data, "1970-01-02T01:02:03Z");
	strbuf_release(&sb);
}

/* report_reader_cap_long_line - a line over the cap is cut, the next one whole */
static void
report_reader_cap_long_line(void **state)
{
	char path[] = "/tmp/test_report_cap.XXXXXX";
	struct report_reader *r;
	struct strbuf data = STRBUF_INIT, batch = STRBUF_INIT, all = STRBUF_INIT;
	const char *error, *nl;
	gzFile gz;
	size_t i;
	int fd, gzip, ret;

	strbuf_append_str(&data, "short\n");
	for (i = 0; i < 3 * 1024 * 1024; i++)
		strbuf_append_char(&data, 'x');
	strbuf_append_str(&data, "\nafter\n");
	for (i = 0; i < 2000000; i++)
		strbuf_append_char(&data, 'y');
	assert_true((fd = mkstemp(path)) >= 0);
	for (gzip = 0; gzip < 2; gzip++) {
		assert_non_null(gz = gzdopen(dup(fd), gzip ? "wb" : "wbT"));
		assert_int_equal(gzwrite(gz, data.data, (unsigned)data.len),
		    (int)data.len);
		assert_int_equal(gzclose(gz), Z_OK);
		assert_non_null(r = report_reader_new(path, &error));
		report_reader_cap(r, 1000);
		strbuf_reset(&all);
		while ((ret = report_reader_batch(r, &batch, 4096, &error)) == 1)
			strbuf_append(&all, batch.data, batch.len);
		assert_int_equal(ret, 0);
		/* short, 1001 x, after, 1001 y (the last line gets its newline) */
		assert_int_equal(all.len, 6 + 1002 + 6 + 1002);
		assert_memory_equal(all.data, "short\nxxx", 9);
		nl = memchr(all.data + 6, '\n', all.len - 6);
		assert_int_equal(nl - (all.data + 6), 1001);
		assert_memory_equal(nl + 1, "after\nyyy", 9);
		assert_int_equal(all.data[all.len - 1], '\n');
		assert_int_equal(all.data[all.len - 2], 'y');
		report_reader_free(&r);
		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	}
	close(fd);
	unlink(path);
	strbuf_release(&data);
	strbuf_release(&batch);
	strbuf_release(&all);
}

static const char detail_line[] =
	"{\"time\":\"2026-11-24T10:00:00Z\",\"queue_id\":\"4QX\","
	"\"mail_from\":\"=cmd|' /C calc'!A0\",\"class\":\"subscription\","
	"\"rules\":[{\"id\":\"r<1>\"},{\"id\":\"r2\"}],"
	"\"recipients\":[{\"rcpt\":\"<a@c.example>\",\"customer\":\"c1\","
	"\"partner\":\"p&1\",\"decision\":\"quarantine\"},"
	"{\"rcpt\":\"<b@c.example>\",\"decision\":\"deliver\"},"
	"{\"rcpt\":\"<script>x</script>\",\"customer\":\"c2\","
	"\"decision\":\"reroute\"}],"
	"\"action\":\"quarantine\",\"mode\":\"enforce\",\"mta\":\"postfix\"}";

/* report_output_detail_rows - one row per reject/reroute/quarantine, escaped */
static void
report_output_detail_rows(void **state)
{
	struct report_record *rec = report_record_new();
	struct report_filter *f = report_filter_new(NOW_US);
	struct strbuf csv = STRBUF_INIT, html = STRBUF_INIT;
	const char *error;
	static const char tempfail[] = "{\"time\":\"2026-11-24T10:00:00Z\","
	    "\"action\":\"reject\",\"mode\":\"monitor\"}";

	assert_int_equal(report_record_parse(rec, detail_line,
	    strlen(detail_line), &error), 0);
	assert_int_equal(report_output_detail_csv(&csv, rec, NULL), 2);
	assert_string_equal(csv.data,
	    "2026-11-24T10:00:00Z,4QX,\"'=cmd|' /C calc'!A0\",<a@c.example>,c1,"
	    "p&1,subscription,false,r<1>;r2,quarantine,enforce,postsuper -H 4QX\n"
	    "2026-11-24T10:00:00Z,4QX,\"'=cmd|' /C calc'!A0\",<script>x</script>,"
	    "c2,,subscription,false,r<1>;r2,reroute,enforce,postsuper -H 4QX\n");
	assert_int_equal(report_html_detail(&html, rec, NULL), 2);
	assert_null(strstr(html.data, "<script>"));
	assert_non_null(strstr(html.data, "<td>&lt;script&gt;x&lt;/script&gt;</td>"));
	assert_non_null(strstr(html.data, "<td>p&amp;1</td>"));
	assert_non_null(strstr(html.data, "<td>r&lt;1&gt;, r2</td>"));
	assert_non_null(strstr(html.data, "<code>postsuper -H 4QX</code>"));
	/* The recipient filter chooses rows. */
	strbuf_reset(&csv);
	assert_int_equal(report_filter_set(f, "customer", "c2", &error), 0);
	assert_int_equal(report_output_detail_csv(&csv, rec, f), 1);
	assert_non_null(strstr(csv.data, ",reroute,"));
	/* A record refused as a whole is one row; monitor mode holds nothing. */
	assert_int_equal(report_record_parse(rec, tempfail, strlen(tempfail),
	    &error), 0);
	strbuf_reset(&csv);
	assert_int_equal(report_output_detail_csv(&csv, rec, NULL), 1);
	assert_string_equal(csv.data, "2026-11-24T10:00:00Z,,,,,,,false,,reject,"
	    "monitor,\n");
	strbuf_release(&csv);
	strbuf_release(&html);
	report_filter_free(&f);
	report_record_free(&rec);
}

/* report_output_rules_capped - rows show at most 32 rule ids, each cut, then the rest counted */
static void
report_output_rules_capped(void **state)
{
	struct report_record *rec = report_record_new();
	struct strbuf line = STRBUF_INIT, sb = STRBUF_INIT;
	const char *error;
	size_t i;

	strbuf_append_str(&line, "{\"time\":\"2026-11-24T10:00:00Z\","
	    "\"action\":\"reroute\",\"mode\":\"enforce\",\"rules\":[");
	for (i = 0; i < 40; i++)
		strbuf_appendf(&line, "%s{\"id\":\"r%zu\"}", i ? "," : "", i);
	strbuf_append_str(&line, "]}");
	assert_int_equal(report_record_parse(rec, line.data, line.len, &error), 0);
	report_output_rules(&sb, rec, ";");
	assert_int_equal(strncmp(sb.data, "r0;r1;r2;", 9), 0);
	assert_non_null(strstr(sb.data, ";r31;(+8 more)"));
	assert_null(strstr(sb.data, "r32"));
	strbuf_reset(&line);
	strbuf_append_str(&line, "{\"time\":\"2026-11-24T10:00:00Z\","
	    "\"action\":\"reroute\",\"rules\":[{\"id\":\"");
	for (i = 0; i < 1000; i++)
		strbuf_append_char(&line, 'a');
	strbuf_append_str(&line, "\"}]}");
	assert_int_equal(report_record_parse(rec, line.data, line.len, &error), 0);
	strbuf_reset(&sb);
	report_output_rules(&sb, rec, ";");
	assert_int_equal(sb.len, REPORT_OUTPUT_MAX_RULE_ID + 3);
	assert_string_equal(sb.data + REPORT_OUTPUT_MAX_RULE_ID, "...");
	strbuf_release(&line);
	strbuf_release(&sb);
	report_record_free(&rec);
}

/* report_html_escape_cases - markup escaped, controls and bidi overrides made visible */
static void
report_html_escape_cases(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	report_html_escape(&sb, "<a href='x'>\"&\"</a>\x01");
	assert_string_equal(sb.data,
	    "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;?");
	strbuf_reset(&sb);
	/* U+202E RIGHT-TO-LEFT OVERRIDE would reverse "exe.pdf". */
	report_html_escape(&sb, "invoice\xe2\x80\xae" "fdp.exe f\xc3\xb6r");
	assert_string_equal(sb.data, "invoice?fdp.exe f\xc3\xb6r");
	/* DEL is a control too; plain text around escapes is kept whole. */
	strbuf_reset(&sb);
	report_html_escape(&sb, "a\x7f" "b&&c");
	assert_string_equal(sb.data, "a?b&amp;&amp;c");
	strbuf_reset(&sb);
	report_html_escape(&sb, "");
	assert_string_equal(sb.data, "");
	strbuf_release(&sb);
}

/* report_header_text_facts - the header states periods and inputs, made safe */
static void
report_header_text_facts(void **state)
{
	struct report_summary *s = report_summary_new();
	struct report_record *rec = report_record_new();
	struct report_input in[2];
	struct report_header h;
	struct strbuf out = STRBUF_INIT;
	const char *error;

	memset(&h, 0, sizeof(h));
	memset(in, 0, sizeof(in));
	h.generated_us = 1764460800LL * 1000000;
	h.command = "csp-milter-audit --since 2026-11-01 \033[2J";
	h.selection = "--since 2026-11-01";
	h.has_since = 1;
	h.since_us = 1761955200LL * 1000000;
	h.max_record = 1048576;
	in[0].name = "a.log";
	in[0].records = 1;
	in[0].oversized = 2;
	strbuf_init(&in[0].error, 0);
	in[1].name = "b\nlog";
	strbuf_init(&in[1].error, 0);
	strbuf_append_str(&in[1].error, "cannot open: No such file");
	h.inputs = in;
	h.ninputs = 2;
	assert_int_equal(report_record_parse(rec, detail_line,
	    strlen(detail_line), &error), 0);
	report_summary_add(s, rec, NULL);
	report_header_write_text(&out, &h, s);
	assert_non_null(strstr(out.data, "\ngenerated:        2025-11-30T00:00:00Z\n"));
	assert_non_null(strstr(out.data, "\ncommand:          csp-milter-audit "
	    "--since 2026-11-01 ?[2J\n"));
	assert_non_null(strstr(out.data, "\nperiod requested: from "
	    "2025-11-01T00:00:00Z, UTC\n"));
	assert_non_null(strstr(out.data, "\nperiod covered:   2026-11-24T10:00:00Z "
	    "to 2026-11-24T10:00:00Z, UTC\n"));
	assert_non_null(strstr(out.data, "\n  a.log: 1 records, 0 malformed, "
	    "2 oversized\n"));
	assert_non_null(strstr(out.data, "\n  b?log: 0 records, 0 malformed, "
	    "0 oversized, UNREADABLE: cannot open: No such file\n"));
	assert_non_null(strstr(out.data, "instances:\n  (none): 1 records, "
	    "2026-11-24T10:00:00Z to 2026-11-24T10:00:00Z\n"));
	strbuf_release(&in[0].error);
	strbuf_release(&in[1].error);
	strbuf_release(&out);
	report_record_free(&rec);
	report_summary_free(&s);
}

/* report_summary_many_rules - a record of many repeated rules counts each once */
static void
report_summary_many_rules(void **state)
{
	struct report_summary *s = report_summary_new();
	struct report_record *rec = report_record_new();
	struct strbuf line = STRBUF_INIT;
	const char *error;
	size_t i;

	strbuf_append_str(&line, "{\"time\":\"2026-11-24T10:00:00Z\","
	    "\"action\":\"tag\",\"rules\":[");
	for (i = 0; i < 50000; i++)
		strbuf_appendf(&line, "%s{\"id\":\"r%zu\"}", i ? "," : "",
		    i % 1000);
	strbuf_append_str(&line, "]}");
	assert_int_equal(report_record_parse(rec, line.data, line.len, &error), 0);
	report_summary_add(s, rec, NULL);
	report_summary_add(s, rec, NULL);
	assert_int_equal(report_count_size(report_summary_table(s,
	    REPORT_SUMMARY_RULE)), 1000);
	assert_int_equal(summary_get(s, REPORT_SUMMARY_RULE, "r7"), 2);
	strbuf_release(&line);
	report_record_free(&rec);
	report_summary_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_time_parse_valid),
		cmocka_unit_test(report_time_parse_invalid),
		cmocka_unit_test(report_time_parse_arg_forms),
		cmocka_unit_test(report_time_parse_arg_invalid),
		cmocka_unit_test(report_time_day_utc),
		cmocka_unit_test(report_record_parse_fields),
		cmocka_unit_test(report_record_parse_malformed),
		cmocka_unit_test(report_record_parse_minimal),
		cmocka_unit_test(report_record_parse_review),
		cmocka_unit_test(report_record_parse_as_jansson),
		cmocka_unit_test(report_filter_match_each),
		cmocka_unit_test(report_filter_match_same_rcpt),
		cmocka_unit_test(report_filter_set_invalid),
		cmocka_unit_test(report_filter_precheck_literal),
		cmocka_unit_test(report_memcasemem_cases),
		cmocka_unit_test(report_output_csv_quote_cases),
		cmocka_unit_test(report_output_list_line),
		cmocka_unit_test(report_output_release_per_mta),
		cmocka_unit_test(report_output_csv_rows),
		cmocka_unit_test(report_count_add_many),
		cmocka_unit_test(report_summary_add_counts),
		cmocka_unit_test(report_summary_day_keys),
		cmocka_unit_test(report_summary_merge_split),
		cmocka_unit_test(report_record_parse_long_line),
		cmocka_unit_test(report_reader_batch_lines),
		cmocka_unit_test(report_filter_set_lists_valid),
		cmocka_unit_test(report_count_time_ranges),
		cmocka_unit_test(report_time_iso_utc),
		cmocka_unit_test(report_reader_cap_long_line),
		cmocka_unit_test(report_output_detail_rows),
		cmocka_unit_test(report_header_text_facts),
		cmocka_unit_test(report_html_escape_cases),
		cmocka_unit_test(report_output_rules_capped),
		cmocka_unit_test(report_summary_many_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
