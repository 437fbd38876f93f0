/* test_policy - unit tests for the CSP decision table */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "policy.h"
#include "unit.h"

#define D DECISION_DELIVER
#define T DECISION_TAG
#define R DECISION_REROUTE
#define Q DECISION_QUARANTINE
#define X DECISION_REJECT

/* One customer record per kind; NULL is "not a customer". */
static const struct customer cust_direct = { "a.example", "A", "", 0, 1 };
static const struct customer cust_csp_direct = { "b.example", "B", "p@csp.example", 1, 1 };
static const struct customer cust_csp = { "c.example", "C", "p@csp.example", 1, 0 };

static const struct customer *const kind_cust[KIND_COUNT] = {
	NULL, &cust_direct, &cust_csp_direct, &cust_csp,
};

/* The shipped defaults: [class][kind], kinds none, direct, csp_direct, csp. */
static const enum decision default_certain[CLASS_COUNT][KIND_COUNT] = {
	[CLASS_SUBSCRIPTION] = { D, D, R, R },
	[CLASS_INCIDENT] = { D, D, D, D },
	[CLASS_NON_CSP] = { D, D, D, R },
	/* All else to any CSP customer comes from the partner, direct relationship or not. */
	[CLASS_OTHER] = { D, D, Q, Q },
};

/* Uncertain: the most restrictive decision any class gives the kind. */
static const enum decision default_uncertain[KIND_COUNT] = { D, D, Q, Q };

/* check_matrix - every class x kind x uncertain combination against the expected tables */
static void
check_matrix(const struct policy_table *t, const enum decision certain[CLASS_COUNT][KIND_COUNT],
    const enum decision uncertain[KIND_COUNT])
{
	int c, k, u;
	char row[128];

	for (c = 0; c < CLASS_COUNT; c++)
		for (k = 0; k < KIND_COUNT; k++)
			for (u = 0; u < 2; u++) {
				enum decision want = u ? uncertain[k] : certain[c][k];
				enum decision got = policy_decide(t, (enum csp_class)c, u, kind_cust[k]);

				snprintf(row, sizeof(row), "class %s, kind %s, uncertain %d",
				    csp_class_name((enum csp_class)c), rcpt_kind_name((enum rcpt_kind)k), u);
				if (got != want)
					fail_msg("%s: got %s, want %s", row, decision_name(got),
					    decision_name(want));
			}
}

/* policy_decide_defaults - every class x kind x uncertain combination under the shipped defaults */
static void
policy_decide_defaults(void **state)
{
	struct policy_table t;

	policy_defaults(&t);
	check_matrix(&t, default_certain, default_uncertain);
}

/* policy_decide_custom - a custom table (reject subscription mail to CSP-only customers) is followed */
static void
policy_decide_custom(void **state)
{
	static const enum decision certain[CLASS_COUNT][KIND_COUNT] = {
		[CLASS_SUBSCRIPTION] = { D, D, R, X },
		[CLASS_INCIDENT] = { D, D, D, D },
		[CLASS_NON_CSP] = { D, T, D, R },
		[CLASS_OTHER] = { D, D, Q, Q },
	};
	static const enum decision uncertain[KIND_COUNT] = { D, T, Q, X };
	struct policy_table t;

	policy_defaults(&t);
	t.decision[CLASS_SUBSCRIPTION][KIND_CSP] = DECISION_REJECT;
	t.decision[CLASS_NON_CSP][KIND_DIRECT] = DECISION_TAG;
	check_matrix(&t, certain, uncertain);
}

/* policy_decide_tag_none - even "not a customer" becomes restrictive when uncertain if any class says so */
static void
policy_decide_tag_none(void **state)
{
	struct policy_table t;

	policy_defaults(&t);
	t.decision[CLASS_OTHER][KIND_NONE] = DECISION_TAG;
	assert_int_equal(policy_decide(&t, CLASS_INCIDENT, 0, NULL), DECISION_DELIVER);
	assert_int_equal(policy_decide(&t, CLASS_INCIDENT, 1, NULL), DECISION_TAG);
	assert_int_equal(policy_decide(&t, CLASS_OTHER, 0, NULL), DECISION_TAG);
}

/* policy_kind_table - each csp/direct combination of a record, and no record */
static void
policy_kind_table(void **state)
{
	static const struct {
		int present, csp, direct;
		enum rcpt_kind want;
	} cases[] = {
		{ 0, 0, 0, KIND_NONE },
		{ 1, 0, 0, KIND_NONE },
		{ 1, 0, 1, KIND_DIRECT },
		{ 1, 1, 1, KIND_CSP_DIRECT },
		{ 1, 1, 0, KIND_CSP },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct customer c = { "x.example", "X", "p@csp.example", cases[i].csp, cases[i].direct };
		char row[64];

		snprintf(row, sizeof(row), "present %d csp %d direct %d", cases[i].present,
		    cases[i].csp, cases[i].direct);
		unit_expect_int(row, policy_kind(cases[i].present ? &c : NULL), cases[i].want);
	}
}

/* decision_parse_table - decision names parse case-insensitively, unknown ones fail */
static void
decision_parse_table(void **state)
{
	static const struct {
		const char *name;
		int want;
	} cases[] = {
		{ "deliver", DECISION_DELIVER },
		{ "tag", DECISION_TAG },
		{ "reroute", DECISION_REROUTE },
		{ "quarantine", DECISION_QUARANTINE },
		{ "reject", DECISION_REJECT },
		{ "REJECT", DECISION_REJECT },
		{ "Reroute", DECISION_REROUTE },
		{ "drop", -1 },
		{ "untouched", -1 },
		{ "", -1 },
		{ "deliver ", -1 },
	};
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++)
		unit_expect_int(cases[i].name, decision_parse(cases[i].name), cases[i].want);
}

/* decision_name_roundtrip - every decision has a name that parses back to it */
static void
decision_name_roundtrip(void **state)
{
	static const char *const names[DECISION_COUNT] = {
		"deliver", "tag", "reroute", "quarantine", "reject",
	};
	int d;

	for (d = 0; d < DECISION_COUNT; d++) {
		unit_expect_str(names[d], decision_name((enum decision)d), names[d]);
		unit_expect_int(names[d], decision_parse(decision_name((enum decision)d)), d);
	}
}

/* rcpt_kind_parse_table - kind names parse case-insensitively and round-trip */
static void
rcpt_kind_parse_table(void **state)
{
	static const struct {
		const char *name;
		int want;
	} cases[] = {
		{ "none", KIND_NONE },
		{ "direct", KIND_DIRECT },
		{ "csp_direct", KIND_CSP_DIRECT },
		{ "csp", KIND_CSP },
		{ "CSP", KIND_CSP },
		{ "csp-direct", -1 },
		{ "customer", -1 },
		{ "", -1 },
	};
	size_t i;
	int k;

	for (i = 0; i < UNIT_NELEM(cases); i++)
		unit_expect_int(cases[i].name, rcpt_kind_parse(cases[i].name), cases[i].want);
	for (k = 0; k < KIND_COUNT; k++)
		unit_expect_int(rcpt_kind_name((enum rcpt_kind)k),
		    rcpt_kind_parse(rcpt_kind_name((enum rcpt_kind)k)), k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_decide_defaults),
		cmocka_unit_test(policy_decide_custom),
		cmocka_unit_test(policy_decide_tag_none),
		cmocka_unit_test(policy_kind_table),
		cmocka_unit_test(decision_parse_table),
		cmocka_unit_test(decision_name_roundtrip),
		cmocka_unit_test(rcpt_kind_parse_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
