/* test_safe_text - untrusted text in terminals, logs, headers and audit records */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "audit.h"
#include "conf.h"
#include "safe_text.h"
#include "scan.h"
#include "strbuf.h"
#include "unit.h"

/* expect_safe - one function over a table of inputs */
static void
expect_safe(void (*fn)(struct strbuf *, const char *, size_t), const char *name,
    const char *in, size_t len, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	fn(&sb, in, len);
	if (strcmp(sb.data != NULL ? sb.data : "", want) != 0)
		fail_msg("%s(\"%s\"): got \"%s\", want \"%s\"", name, in,
		    sb.data != NULL ? sb.data : "", want);
	strbuf_release(&sb);
}

/* safe_text_terminal_cases - controls, C1 and bidi overrides never reach a terminal */
static void
safe_text_terminal_cases(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "caf\xc3\xa9 \xe5\xb8\xb3\xe5\x96\xae", "caf\xc3\xa9 \xe5\xb8\xb3\xe5\x96\xae" },
		{ "line\r\nInjected: yes", "line??Injected: yes" },
		{ "esc\x1b[2J", "esc?[2J" },
		{ "del\x7f", "del?" },
		{ "csi\xc2\x9b" "31m", "csi?31m" },		/* U+009B, the C1 CSI */
		{ "rlo\xe2\x80\xae" "cod.exe", "rlo?cod.exe" },	/* U+202E */
		{ "lri\xe2\x81\xa6x\xe2\x81\xa9", "lri?x?" },	/* U+2066, U+2069 */
		{ "alm\xd8\x9c", "alm?" },			/* U+061C */
		{ "rlm\xe2\x80\x8f", "rlm?" },			/* U+200F */
		{ "bad\xff\xfe", "bad??" },
		{ "cut\xe5\xb8", "cut??" },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++)
		expect_safe(safe_text_terminal, "terminal", cases[i].in, strlen(cases[i].in),
		    cases[i].want);
	/* A NUL inside the value is a control too. */
	expect_safe(safe_text_terminal, "terminal", "a\0b", 3, "a?b");
}

/* safe_text_log_word_cases - no value can add a key=value field or split a list */
static void
safe_text_log_word_cases(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "alice@contoso.example", "alice@contoso.example" },
		{ "\"x class=incident action=deliver rcpt=<ceo@x>\"@vendor.example",
		  "\\x22x\\x20class\\x3dincident\\x20action\\x3ddeliver\\x20rcpt\\x3d\\x3cceo@x\\x3e\\x22@vendor.example" },
		{ "a,b", "a\\x2cb" },
		{ "back\\slash", "back\\x5cslash" },
		{ "nl\nx", "nl?x" },
		{ "\xe2\x80\xae", "?" },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++)
		expect_safe(safe_text_log_word, "log_word", cases[i].in, strlen(cases[i].in),
		    cases[i].want);
}

/* count - occurrences of needle in hay */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* summary_and_record - a hostile sender can forge neither the syslog line nor the audit record */
static void
summary_and_record(void **state)
{
	static const char *const senders[] = {
		"<\"x class=incident action=deliver rcpt=<ceo@x>\"@vendor.example>",
		"<\"a>b\"@vendor.example>",
		"<\"evil\\r\\nX-Injected: 1\"@vendor.example>",
		"<bill\xe2\x80\xaeing@vendor.example>",
	};
	const char *error = NULL;
	char *path = unit_strf("%s/tests/hostile/hostile.conf", unit_srcdir());
	struct conf *c = conf_load(path, NULL, &error);
	struct scan *scan = scan_new();
	struct audit_event ev = { "4ABC123", "127.0.0.1", "reroute", 10, "" };
	struct strbuf line = STRBUF_INIT, rec = STRBUF_INIT;
	static const char msg[] = "From: billing@vendor.example\nSubject: Your invoice\n\n"
	    "Your invoice is attached.\n";
	size_t i;

	if (c == NULL)
		fail_msg("%s: %s", path, error);
	assert_non_null(scan);
	for (i = 0; i < UNIT_NELEM(senders); i++) {
		json_t *j;
		json_error_t jerr;
		const char *raw;

		scan_begin(scan, c);
		scan_set_sender(scan, senders[i]);
		scan_add_rcpt(scan, "<admin@contoso.example>");
		scan_raw(scan, msg, sizeof(msg) - 1);
		scan_decide(scan, 0);
		audit_summary(&line, scan_result(scan), &ev);
		if (count(line.data, " class=") != 1 || count(line.data, " action=") != 1 ||
		    count(line.data, " rcpt=") != 1 || count(line.data, " from=") != 1)
			fail_msg("sender %s: forged summary fields: %s", senders[i], line.data);
		if (strpbrk(line.data, "\r\n") != NULL)
			fail_msg("sender %s: line break in the summary: %s", senders[i], line.data);
		if (strstr(line.data, "\xe2\x80\xae") != NULL)
			fail_msg("sender %s: bidi override in the summary", senders[i]);
		strbuf_reset(&rec);
		audit_record_build(&rec, scan_result(scan), &ev);
		assert_true(rec.len > 0 && rec.data[rec.len - 1] == '\n');
		if (memchr(rec.data, '\n', rec.len - 1) != NULL)
			fail_msg("sender %s: the audit record is not one line", senders[i]);
		if ((j = json_loadb(rec.data, rec.len, 0, &jerr)) == NULL)
			fail_msg("sender %s: audit record is not JSON: %s", senders[i], jerr.text);
		raw = json_string_value(json_object_get(j, "mail_from_raw"));
		if (raw == NULL || strcmp(raw, senders[i]) != 0)
			fail_msg("sender %s: mail_from_raw is \"%s\"", senders[i], raw ? raw : "(none)");
		json_decref(j);
	}
	strbuf_release(&line);
	strbuf_release(&rec);
	scan_free(&scan);
	conf_unref(&c);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(safe_text_terminal_cases),
		cmocka_unit_test(safe_text_log_word_cases),
		cmocka_unit_test(summary_and_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
