/* test_utf8 - strict decoding and cutting on character boundaries */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "utf8.h"

/* utf8_decode_table - lengths, code points, incomplete and invalid sequences */
static void
utf8_decode_table(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int n;
		unsigned cp;
	} rows[] = {
		{ "a", 1, 1, 'a' },
		{ "\xc3\xa9", 2, 2, 0xe9 },
		{ "\xe8\xab\x8b", 3, 3, 0x8acb },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xe8\xab", 2, 0, 0 },		/* incomplete */
		{ "\xf0\x9f", 2, 0, 0 },
		{ "\xc0\xaf", 2, -1, 0 },		/* overlong */
		{ "\xe0\x80\xaf", 3, -1, 0 },		/* overlong */
		{ "\xed\xa0\x80", 3, -1, 0 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 4, -1, 0 },	/* above U+10FFFF */
		{ "\xc3\x28", 2, -1, 0 },		/* bad continuation */
		{ "\xff", 1, -1, 0 },
		{ "\x80", 1, -1, 0 },			/* lone continuation */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned cp = 0;
		int n = utf8_decode((const unsigned char *)rows[i].in, rows[i].len, &cp);

		assert_int_equal(n, rows[i].n);
		if (n > 0)
			assert_int_equal(cp, rows[i].cp);
	}
}

/* utf8_floor_cap_table - cuts never split a character */
static void
utf8_floor_cap_table(void **state)
{
	const char *s = "a\xc3\xa9\xe8\xab\x8b" "b";	/* a é 請 b: bytes 0,1-2,3-5,6 */

	(void)state;
	assert_int_equal(utf8_floor(s, 0), 0);
	assert_int_equal(utf8_floor(s, 2), 1);
	assert_int_equal(utf8_floor(s, 4), 3);
	assert_int_equal(utf8_floor(s, 5), 3);
	assert_int_equal(utf8_floor(s, 6), 6);
	assert_int_equal(utf8_cap(s, 7, 10), 7);
	assert_int_equal(utf8_cap(s, 7, 5), 3);
	assert_int_equal(utf8_cap(s, 7, 2), 1);
	assert_int_equal(utf8_cap(s, 7, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_decode_table),
		cmocka_unit_test(utf8_floor_cap_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
