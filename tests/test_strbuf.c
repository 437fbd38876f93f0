/* test_strbuf - unit tests for the growable string buffer */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"
#include "unit.h"
#include "xalloc.h"

/* strbuf_append_growth - appending far past the first allocation keeps every byte and the NUL */
static void
strbuf_append_growth(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 10000; i++)
		strbuf_append_char(&sb, (char)('a' + i % 26));
	assert_int_equal(sb.len, 10000);
	assert_true(sb.cap > sb.len);
	assert_int_equal(sb.data[sb.len], '\0');
	for (i = 0; i < 10000; i++)
		if (sb.data[i] != (char)('a' + i % 26))
			fail_msg("byte %zu is wrong", i);
	strbuf_release(&sb);
	assert_null(sb.data);
	assert_int_equal(sb.len, 0);
}

/* strbuf_append_binary - embedded NULs are kept and counted */
static void
strbuf_append_binary(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb, 4);
	assert_non_null(sb.data);
	assert_int_equal(sb.len, 0);
	strbuf_append(&sb, "a\0b", 3);
	strbuf_append_str(&sb, "cd");
	strbuf_append(&sb, NULL, 0);
	assert_int_equal(sb.len, 5);
	assert_memory_equal(sb.data, "a\0bcd", 6);
	strbuf_release(&sb);
}

/* strbuf_appendf_cases - printf-style appends, short and longer than the buffer */
static void
strbuf_appendf_cases(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[300];

	strbuf_appendf(&sb, "%s:%d", "file", 42);
	assert_string_equal(sb.data, "file:42");
	assert_int_equal(sb.len, 7);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_appendf(&sb, "[%s]", big);
	assert_int_equal(sb.len, 7 + 2 + 299);
	assert_int_equal(sb.data[7], '[');
	assert_int_equal(sb.data[sb.len - 1], ']');
	assert_int_equal(sb.data[sb.len], '\0');
	strbuf_appendf(&sb, "%s", "");
	assert_int_equal(sb.len, 308);
	strbuf_release(&sb);
}

/* strbuf_truncate_cases - truncating shortens, never lengthens, and keeps the NUL */
static void
strbuf_truncate_cases(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_append_str(&sb, "hello world");
	strbuf_truncate(&sb, 5);
	assert_string_equal(sb.data, "hello");
	assert_int_equal(sb.len, 5);
	strbuf_truncate(&sb, 50);
	assert_string_equal(sb.data, "hello");
	assert_int_equal(sb.len, 5);
	strbuf_truncate(&sb, 0);
	assert_string_equal(sb.data, "");
	strbuf_append_str(&sb, "again");
	assert_string_equal(sb.data, "again");
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.data, "");
	strbuf_release(&sb);
}

/* strbuf_detach_cases - detach hands over the text and leaves the buffer empty and reusable */
static void
strbuf_detach_cases(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *p;

	p = strbuf_detach(&sb, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	strbuf_append_str(&sb, "owned");
	p = strbuf_detach(&sb, &len);
	assert_string_equal(p, "owned");
	assert_int_equal(len, 5);
	assert_null(sb.data);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.cap, 0);
	strbuf_append_str(&sb, "new");
	assert_string_equal(sb.data, "new");
	assert_string_equal(p, "owned");
	free(p);
	strbuf_release(&sb);
}

static const struct json_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
} json_cases[] = {
	{ "plain", "abc", 3, "\"abc\"" },
	{ "empty", "", 0, "\"\"" },
	{ "quote and backslash", "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
	{ "newline cr tab", "a\nb\rc\td", 7, "\"a\\nb\\rc\\td\"" },
	{ "control chars", "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
	{ "NUL byte", "a\0b", 3, "\"a\\u0000b\"" },
	{ "valid 2-byte", "f\xc3\xbc" "r", 4, "\"f\xc3\xbc" "r\"" },
	{ "valid 3-byte", "\xe4\xb8\xad\xe6\x96\x87", 6, "\"\xe4\xb8\xad\xe6\x96\x87\"" },
	{ "valid 4-byte", "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"" },
	{ "lone continuation", "a\x80z", 3, "\"a\xef\xbf\xbdz\"" },
	{ "latin-1 byte", "caf\xe9", 4, "\"caf\xef\xbf\xbd\"" },
	{ "truncated 3-byte at end", "x\xe4\xb8", 3, "\"x\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "overlong 2-byte", "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "overlong 3-byte", "\xe0\x80\xaf", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "surrogate", "\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 4,
	  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "0xff byte", "\xff", 1, "\"\xef\xbf\xbd\"" },
};

/* strbuf_append_json_table - JSON escaping of quotes, controls and invalid UTF-8, valid multibyte kept */
static void
strbuf_append_json_table(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < UNIT_NELEM(json_cases); i++) {
		const struct json_case *c = &json_cases[i];

		strbuf_reset(&sb);
		strbuf_append_str(&sb, "k=");
		strbuf_append_json(&sb, c->in, c->len);
		if (sb.len < 2 || memcmp(sb.data, "k=", 2) != 0)
			fail_msg("%s: prefix lost", c->name);
		unit_expect_mem(c->name, sb.data + 2, sb.len - 2, c->want);
	}
	strbuf_release(&sb);
}

/* Doubling stops at the ceiling; a need above it is met exactly. */
static void
strbuf_grow_capped_cases(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_grow_capped(&sb, 100, 1000);
	assert_int_equal(sb.cap, 128);
	strbuf_grow_capped(&sb, 600, 1000);
	assert_int_equal(sb.cap, 1000);	/* doubling would give 1024 */
	sb.len = 999;
	sb.data[999] = '\0';
	strbuf_grow_capped(&sb, 10, 1000);
	assert_int_equal(sb.cap, 1010);	/* past the ceiling: exactly what is needed */
	assert_int_equal(sb.data[1009], 0);
	strbuf_grow(&sb, 2000);
	assert_int_equal(sb.cap, 4040);	/* plain growth doubles */
	strbuf_release(&sb);
}

/* Under ASan a huge malloc must fail as it does in production, not abort. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/* exit_status_of - run fn in a child; its exit status, or -1 if it did not exit */
static int
exit_status_of(void (*fn)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
grow_past_memory(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_append(&sb, "x", 1);
	strbuf_grow(&sb, (size_t)-1 / 2 - 16);
}

static void
array_overflows(void)
{
	(void)xreallocarray(NULL, (size_t)-1 / 2, 4);
}

static void
malloc_too_big(void)
{
	(void)xmalloc((size_t)-1 - 4096);
}

/* Out of memory has one outcome: the process exits 71, never returns NULL. */
static void
xalloc_failure_exits(void **state)
{
	(void)state;
	assert_int_equal(exit_status_of(grow_past_memory), 71);
	assert_int_equal(exit_status_of(array_overflows), 71);
	assert_int_equal(exit_status_of(malloc_too_big), 71);
}

static void
xalloc_copies(void **state)
{
	char *a = xstrdup("invoice"), *b = xstrndup("invoice", 3), *c = xstrndup("ab", 10);

	(void)state;
	assert_string_equal(a, "invoice");
	assert_string_equal(b, "inv");
	assert_string_equal(c, "ab");
	free(a);
	free(b);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_append_growth),
		cmocka_unit_test(strbuf_append_binary),
		cmocka_unit_test(strbuf_appendf_cases),
		cmocka_unit_test(strbuf_truncate_cases),
		cmocka_unit_test(strbuf_detach_cases),
		cmocka_unit_test(strbuf_append_json_table),
		cmocka_unit_test(strbuf_grow_capped_cases),
		cmocka_unit_test(xalloc_failure_exits),
		cmocka_unit_test(xalloc_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
