/* test_addr - unit tests for address parsing */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "strbuf.h"
#include "unit.h"

struct addr_case {
	const char *in;
	int rc;
	const char *want;
};

/* run_cases - run an address parser over a table */
static void
run_cases(int (*fn)(const char *, struct strbuf *), const struct addr_case *cases, size_t n)
{
	struct strbuf out = STRBUF_INIT;
	size_t i;

	/* Leftovers from a previous call must never leak into the next result. */
	strbuf_append_str(&out, "stale@left.over");
	for (i = 0; i < n; i++) {
		int rc = fn(cases[i].in, &out);

		unit_expect_int(cases[i].in, rc, cases[i].rc);
		unit_expect_mem(cases[i].in, out.data != NULL ? out.data : "", out.len, cases[i].want);
	}
	strbuf_release(&out);
}

/* addr_canon_table - envelope addresses to lookup form */
static void
addr_canon_table(void **state)
{
	static const struct addr_case cases[] = {
		{ "<A@B.Example>", 0, "a@b.example" },
		{ "a@b.example", 0, "a@b.example" },
		{ "<>", 0, "" },
		{ "  <Billing@Vendor.Example>  ", 0, "billing@vendor.example" },
		{ "\t<a@b.example>\r\n", 0, "a@b.example" },
		{ "<@relay.example:User@Host.Example>", 0, "user@host.example" },
		{ "<@r1.example,@r2.example:u@h.example>", 0, "u@h.example" },
		{ "<a@b.example", 0, "a@b.example" },
		{ "<\"john doe\"@b.example>", 0, "john doe@b.example" },
		{ "<\"Alice\"@Contoso.Example.>", 0, "alice@contoso.example" },
		{ "<\"a>b\"@vendor.example>", 0, "a>b@vendor.example" },
		{ "<a@b.example.>", 0, "a@b.example" },
		{ "<m\xc3\xbcller@b.example>", 0, "m\xc3\xbcller@b.example" },
		{ "<postmaster>", -1, "" },
		{ "nobody", -1, "" },
	};

	run_cases(addr_canon, cases, UNIT_NELEM(cases));
}

/* addr_from_header_table - the first mailbox of a From: value */
static void
addr_from_header_table(void **state)
{
	static const struct addr_case cases[] = {
		{ "Name <a@b>", 0, "a@b" },
		{ "Billing Team <Billing@Vendor.EXAMPLE>", 0, "billing@vendor.example" },
		{ "<a@b.example>", 0, "a@b.example" },
		{ "a@b.example", 0, "a@b.example" },
		{ "\"Doe, <x>\" <a@b>", 0, "a@b" },
		{ "\"Doe \\\" <x@y>\" <a@b>", 0, "a@b" },
		{ "\"Re: invoice\" <a@b>", 0, "a@b" },
		{ "a@b (comment)", 0, "a@b" },
		{ "a@b (Comment <c@d>)", 0, "a@b" },
		{ "(Comment <c@d>) Name <a@b>", 0, "a@b" },
		{ "(Billing) billing@vendor.example", 0, "billing@vendor.example" },
		{ "(a (nested) comment) a@b", 0, "a@b" },
		{ "(unterminated a@b", -1, "" },
		{ "Name < a@b >", 0, "a@b" },
		{ "Billing: billing@vendor.example, other@x.example;", 0, "billing@vendor.example" },
		{ "Team: Name <a@b>, Other <c@d>;", 0, "a@b" },
		{ "First <a@b>, Second <c@d>", 0, "a@b" },
		{ "undisclosed-recipients:;", -1, "" },
		{ "No Address Here", -1, "" },
		{ "Name <>", -1, "" },
		{ "", -1, "" },
	};

	run_cases(addr_from_header, cases, UNIT_NELEM(cases));
}

/* addr_domain_table - the text after the last '@', NULL without one */
static void
addr_domain_table(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "a@b.example", "b.example" },
		{ "\"x@y\"@c.example", "c.example" },
		{ "a@", "" },
		{ "nodomain", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++)
		unit_expect_str(cases[i].in, addr_domain(cases[i].in), cases[i].want);
}

/* addr_domain_within_table - equal or a true subdomain, never a suffix that is not a label */
static void
addr_domain_within_table(void **state)
{
	static const struct {
		const char *domain, *parent;
		int want;
	} cases[] = {
		{ "vendor.example", "vendor.example", 1 },
		{ "Vendor.Example", "vendor.example", 1 },
		{ "sub.vendor.example", "vendor.example", 1 },
		{ "a.b.sub.vendor.example", "vendor.example", 1 },
		{ "SUB.vendor.EXAMPLE", "vendor.example", 1 },
		{ "notvendor.example", "vendor.example", 0 },
		{ "vendor.example.org", "vendor.example", 0 },
		{ "example", "vendor.example", 0 },
		{ "xvendor.example", "vendor.example", 0 },
		{ "other.example", "vendor.example", 0 },
	};
	size_t i;
	char row[200];

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		snprintf(row, sizeof(row), "%s within %s", cases[i].domain, cases[i].parent);
		unit_expect_int(row, addr_domain_within(cases[i].domain, cases[i].parent),
		    cases[i].want);
	}
}

/* readings_equal - the "\0"-separated readings are exactly the "|"-separated set want */
static void
readings_equal(const char *row, const struct strbuf *got, int n, const char *want)
{
	char buf[1024], *tok, *save = NULL;
	const char *p;
	int count = 0, i, found;

	snprintf(buf, sizeof(buf), "%s", want);
	for (tok = strtok_r(buf, "|", &save); tok != NULL; tok = strtok_r(NULL, "|", &save)) {
		count++;
		for (i = 0, found = 0, p = got->data; i < n; i++, p += strlen(p) + 1)
			if (strcmp(p, tok) == 0)
				found = 1;
		if (!found)
			fail_msg("%s: reading \"%s\" missing", row, tok);
	}
	unit_expect_int(row, n, count);
}

/* addr_readings_table - every address the MTA may deliver an envelope address to */
static void
addr_readings_table(void **state)
{
	static const struct {
		const char *in;
		const char *want;	/* "|"-separated readings; NULL: unreadable (-1) */
	} cases[] = {
		{ "<alice@contoso.example>", "alice@contoso.example" },
		{ "<alice@contoso.example.>", "alice@contoso.example" },
		{ "<Alice@CONTOSO.Example.>", "alice@contoso.example" },
		{ "<alice%contoso.example@relay.vendor.example>",
		  "alice%contoso.example@relay.vendor.example|alice@contoso.example" },
		{ "<alice%contoso.example>", "alice@contoso.example" },
		{ "<a%b%contoso.example@relay.example>",
		  "a%b%contoso.example@relay.example|a%b@contoso.example|a@b" },
		{ "<contoso.example!alice>", "alice@contoso.example" },
		{ "<contoso.example!alice@relay.example>",
		  "contoso.example!alice@relay.example|alice@contoso.example" },
		{ "<relay.example!contoso.example!alice>",
		  "contoso.example!alice@relay.example|alice@contoso.example" },
		{ "<\"a>b\"@contoso.example>", "a>b@contoso.example" },
		{ "<a>b@contoso.example>", "a>b@contoso.example" },
		{ "<\"alice\"@contoso.example>", "alice@contoso.example" },
		{ "<\"al\\ice\"@contoso.example>", "alice@contoso.example" },
		{ "<\"alice@contoso.example\"@relay.example>",
		  "alice@contoso.example@relay.example|alice@contoso.example" },
		{ "<@relay.example:alice@contoso.example>", "alice@contoso.example" },
		{ "<@r1.example,@r2.example:alice@contoso.example.>", "alice@contoso.example" },
		{ "<alice@xn--bcher-kva.example>", "alice@xn--bcher-kva.example" },
		{ "<alice@XN--BCHER-KVA.EXAMPLE>", "alice@xn--bcher-kva.example" },
		{ "<alice@b\xc3\xbc" "cher.example>", "alice@xn--bcher-kva.example" },
		{ "<alice@B\xc3\x9c" "CHER.example>", "alice@xn--bcher-kva.example" },
		{ "<alice@b\xc3\xbc" "cher.example.>", "alice@xn--bcher-kva.example" },
		{ "<alice@stra\xc3\x9f" "e.example>", "alice@xn--strae-oqa.example|alice@strasse.example" },
		{ "<alice@[192.0.2.1]>", "alice@[192.0.2.1]" },
		{ "<>", NULL },
		{ "", NULL },
		{ "<postmaster>", NULL },
		{ "<@relay.example:>", NULL },
		{ "<a!b%c@d!e%f@g!h%i@j!k%l@m>", NULL },
	};
	struct strbuf out = STRBUF_INIT;
	size_t i;
	int n;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		strbuf_reset(&out);
		n = addr_readings(cases[i].in, &out);
		if (cases[i].want == NULL) {
			unit_expect_int(cases[i].in, n, -1);
			unit_expect_int(cases[i].in, (long long)out.len, 0);
		} else
			readings_equal(cases[i].in, &out, n, cases[i].want);
	}
	strbuf_release(&out);
}

/* collect - "|"-join the mailboxes of a list */
static void
collect(void *arg, const char *canon)
{
	struct strbuf *sb = arg;

	if (sb->len > 0)
		strbuf_append_char(sb, '|');
	strbuf_append_str(sb, canon);
}

/* addr_header_list_table - structure first, on the raw bytes: an encoded word never moves an address */
static void
addr_header_list_table(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *want;
	} cases[] = {
		{ "=?utf-8?q?Billing_=3Cx=40esp.example=3E?= <billing@vendor.example>", 1,
		  "billing@vendor.example" },
		{ "=?utf-8?q?x=22?= <billing@vendor.example>, \"Esp\" <x@esp.example>", 2,
		  "billing@vendor.example|x@esp.example" },
		{ "\"=?utf-8?q?=3C?=x@esp.example\" <billing@vendor.example>", 1, "billing@vendor.example" },
		{ "billing@vendor.example (=?utf-8?q?=3Cx=40esp.example=3E?=)", 1, "billing@vendor.example" },
		{ "Billing <Billing@Vendor.Example.>", 1, "billing@vendor.example" },
		{ "J. Smith <a@b.example>", 1, "a@b.example" },
		{ "a@b.example, c@d.example", 2, "a@b.example|c@d.example" },
		{ "a@b.example,, c@d.example", 2, "a@b.example|c@d.example" },
		{ "Team: a@b.example, Name <c@d.example>;, e@f.example", 3, "a@b.example|c@d.example|e@f.example" },
		{ "Name <@relay.example:a@b.example>", 1, "a@b.example" },
		{ "J\xc3\xb6rg <jorg@b\xc3\xbc" "cher.example>", 1, "jorg@xn--bcher-kva.example" },
		{ "a@[192.0.2.1]", 1, "a@[192.0.2.1]" },
		{ "undisclosed-recipients:;", 0, "" },
		{ "Billing", -1, "" },
		{ "John Doe@vendor.example", -1, "" },
		{ "<billing@vendor.example", -1, "" },
		{ "\"unterminated <billing@vendor.example>", -1, "" },
		{ "Name <a@b.example> junk", -1, "a@b.example" },
		{ "Name <a@b.example>, Other <>", -1, "a@b.example" },
		{ "(unclosed comment a@b.example", -1, "" },
		{ "a@b..example", -1, "" },
		{ "a@", -1, "" },
		{ "a@b.example\x01", -1, "a@b.example" },
	};
	struct strbuf got = STRBUF_INIT;
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		strbuf_reset(&got);
		unit_expect_int(cases[i].in, addr_header_list(cases[i].in, strlen(cases[i].in),
		    collect, &got), cases[i].rc);
		unit_expect_mem(cases[i].in, got.data != NULL ? got.data : "", got.len, cases[i].want);
	}
	strbuf_release(&got);
}

/* addr_domain_canon_table - one form for every spelling of a domain */
static void
addr_domain_canon_table(void **state)
{
	static const struct {
		const char *in;
		int transitional, rc;
		const char *want;
	} cases[] = {
		{ "Contoso.Example", 0, 0, "contoso.example" },
		{ "contoso.example.", 0, 0, "contoso.example" },
		{ "xn--bcher-kva.example", 0, 0, "xn--bcher-kva.example" },
		{ "b\xc3\xbc" "cher.example", 0, 0, "xn--bcher-kva.example" },
		{ "B\xc3\x9c" "CHER.EXAMPLE", 0, 0, "xn--bcher-kva.example" },
		{ "bu\xcc\x88" "cher.example", 0, 0, "xn--bcher-kva.example" },	/* NFD */
		{ "stra\xc3\x9f" "e.example", 0, 0, "xn--strae-oqa.example" },
		{ "stra\xc3\x9f" "e.example", 1, 0, "strasse.example" },
		{ ".", 0, -1, "" },
		{ "", 0, -1, "" },
	};
	struct strbuf out = STRBUF_INIT;
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		unit_expect_int(cases[i].in, addr_domain_canon(cases[i].in, strlen(cases[i].in),
		    cases[i].transitional, &out), cases[i].rc);
		unit_expect_mem(cases[i].in, out.data != NULL ? out.data : "", out.len, cases[i].want);
	}
	strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addr_canon_table),
		cmocka_unit_test(addr_from_header_table),
		cmocka_unit_test(addr_domain_table),
		cmocka_unit_test(addr_domain_within_table),
		cmocka_unit_test(addr_readings_table),
		cmocka_unit_test(addr_header_list_table),
		cmocka_unit_test(addr_domain_canon_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
