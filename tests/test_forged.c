/* test_forged - unit tests for counting forged X-CSP-* headers */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "forged.h"
#include "unit.h"

/* count_of - the count recorded for name, -1 if absent */
static int
count_of(const struct forged *f, const char *name)
{
	const char *n;
	int i, count;

	for (i = 0; forged_get(f, i, &n, &count) == 0; i++)
		if (strcmp(n, name) == 0)
			return count;
	return -1;
}

/* forged_note_by_name - X-CSP-* headers counted per name as first spelled; others ignored */
static void
forged_note_by_name(void **state)
{
	static const struct {
		const char *name;
		int counted;
	} headers[] = {
		{ "Subject", 0 }, { "X-CSP-Class", 1 }, { "x-csp-class", 1 }, { "X-CSP-Decision", 1 },
		{ "X-CSPX", 0 }, { "X-CS-Class", 0 }, { "X-CSP-CLASS", 1 }, { "Received", 0 },
	};
	struct forged *f = forged_new();
	size_t i;

	for (i = 0; i < UNIT_NELEM(headers); i++)
		unit_expect_int(headers[i].name, forged_note(f, headers[i].name), headers[i].counted);
	assert_int_equal(forged_total(f), 4);
	assert_int_equal(count_of(f, "X-CSP-Class"), 3);
	assert_int_equal(count_of(f, "X-CSP-Decision"), 1);
	assert_int_equal(count_of(f, "x-csp-class"), -1);	/* one entry per name */
	assert_false(forged_overflow(f));
	forged_reset(f);
	assert_int_equal(forged_total(f), 0);
	assert_int_equal(count_of(f, "X-CSP-Class"), -1);
	forged_free(&f);
	assert_null(f);
}

/* forged_note_limits - past FORGED_MAX headers or FORGED_NAMES names the message overflows */
static void
forged_note_limits(void **state)
{
	struct forged *f = forged_new();
	char name[32];
	int i;

	for (i = 0; i < FORGED_MAX; i++)
		forged_note(f, "X-CSP-Decision");
	assert_false(forged_overflow(f));
	assert_int_equal(count_of(f, "X-CSP-Decision"), FORGED_MAX);
	forged_note(f, "X-CSP-Decision");
	assert_true(forged_overflow(f));
	forged_reset(f);
	for (i = 0; i < FORGED_NAMES; i++) {
		snprintf(name, sizeof(name), "X-CSP-N%d", i);
		forged_note(f, name);
	}
	assert_false(forged_overflow(f));
	forged_note(f, "X-CSP-N0");		/* a known name still fits */
	assert_false(forged_overflow(f));
	forged_note(f, "X-CSP-Other");
	assert_true(forged_overflow(f));
	forged_free(&f);
}

/* forged_note_many - 40,000 headers: every one counted, the message overflows, the table stays small */
static void
forged_note_many(void **state)
{
	struct forged *f = forged_new();
	const char *n;
	int i, count, names = 0;

	for (i = 0; i < 40000; i++) {
		forged_note(f, i % 2 ? "X-CSP-Class" : "Received");
		forged_note(f, "X-CSP-Decision");
	}
	assert_int_equal(forged_total(f), 60000);
	assert_true(forged_overflow(f));
	for (i = 0; forged_get(f, i, &n, &count) == 0; i++) {
		names++;
		assert_true(count <= FORGED_MAX);
	}
	assert_true(names <= FORGED_NAMES);
	forged_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forged_note_by_name),
		cmocka_unit_test(forged_note_limits),
		cmocka_unit_test(forged_note_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
