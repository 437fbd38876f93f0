/* test_addr - unit tests for address parsing */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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
		{ "<\"john doe\"@b.example>", 0, "\"john doe\"@b.example" },
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addr_canon_table),
		cmocka_unit_test(addr_from_header_table),
		cmocka_unit_test(addr_domain_table),
		cmocka_unit_test(addr_domain_within_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
