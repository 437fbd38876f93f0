/* test_directory - unit tests for the customer directory */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>

#include "directory.h"
#include "strbuf.h"
#include "unit.h"

struct entry {
	const char *recipient, *customer_id, *partner;
	int csp, direct;
};

static const struct entry entries[] = {
	{ "contoso.example", "C-ROOT", "partner@csp.example", 1, 0 },
	{ "eu.contoso.example", "C-EU", "eu-partner@csp.example", 1, 1 },
	{ "Boss@Contoso.Example", "C-BOSS", "", 0, 1 },
	{ "fabrikam.example", "F-1", "", 0, 1 },
};

/* new_dir - a directory holding the entries above */
static struct directory *
new_dir(void)
{
	struct directory *dir = directory_new();
	const char *error = NULL;
	size_t i;

	assert_non_null(dir);
	for (i = 0; i < UNIT_NELEM(entries); i++)
		if (directory_add(dir, entries[i].recipient, entries[i].customer_id,
		    entries[i].partner, entries[i].csp, entries[i].direct, "inline", &error) < 0)
			fail_msg("add %s: %s", entries[i].recipient, error);
	assert_int_equal(directory_count(dir), UNIT_NELEM(entries));
	return dir;
}

/* directory_lookup_order - exact address, then domain, then each parent domain, case-insensitively */
static void
directory_lookup_order(void **state)
{
	static const struct {
		const char *addr;
		const char *want_id;	/* NULL: not a customer */
		const char *want_key;
	} cases[] = {
		{ "a@contoso.example", "C-ROOT", "contoso.example" },
		{ "a@eu.contoso.example", "C-EU", "eu.contoso.example" },
		{ "a@x.eu.contoso.example", "C-EU", "eu.contoso.example" },
		{ "a@x.y.contoso.example", "C-ROOT", "contoso.example" },
		{ "boss@contoso.example", "C-BOSS", "boss@contoso.example" },
		{ "BOSS@CONTOSO.EXAMPLE", "C-BOSS", "boss@contoso.example" },
		{ "boss@eu.contoso.example", "C-EU", "eu.contoso.example" },
		{ "A@EU.Contoso.Example", "C-EU", "eu.contoso.example" },
		{ "a@fabrikam.example", "F-1", "fabrikam.example" },
		{ "a@notcontoso.example", NULL, NULL },
		{ "a@contoso.example.org", NULL, NULL },
		{ "a@example", NULL, NULL },
		{ "contoso", NULL, NULL },
		{ "", NULL, NULL },
	};
	struct directory *dir = new_dir();
	const struct customer *c;
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		c = directory_lookup(dir, cases[i].addr);
		unit_expect_str(cases[i].addr, c ? c->customer_id : NULL, cases[i].want_id);
		unit_expect_str(cases[i].addr, c ? c->key : NULL, cases[i].want_key);
	}
	c = directory_lookup(dir, "x@eu.contoso.example");
	assert_non_null(c);
	assert_string_equal(c->partner, "eu-partner@csp.example");
	assert_int_equal(c->csp, 1);
	assert_int_equal(c->direct, 1);
	c = directory_lookup(dir, "boss@contoso.example");
	assert_string_equal(c->partner, "");
	assert_int_equal(c->csp, 0);
	assert_int_equal(c->direct, 1);
	directory_free(&dir);
	assert_null(dir);
}

/* directory_lookup_empty - an empty directory finds nothing */
static void
directory_lookup_empty(void **state)
{
	struct directory *dir = directory_new();

	assert_int_equal(directory_count(dir), 0);
	assert_null(directory_lookup(dir, "a@contoso.example"));
	directory_free(&dir);
}

/* directory_add_errors - bad entries are refused with the source and the reason */
static void
directory_add_errors(void **state)
{
	static const struct {
		struct entry e;
		const char *want[2];	/* substrings of the error */
	} cases[] = {
		{ { "CONTOSO.example", "X", "p@csp.example", 1, 0 },
		  { "duplicate recipient", "first defined at first.csv:7" } },
		{ { "eu.contoso.example", "X", "", 0, 1 },
		  { "duplicate recipient", "first defined at first.csv:8" } },
		{ { "new.example", "N", "", 1, 0 }, { "new.example", "no partner" } },
		{ { "new.example", "N", "not-a-mailbox", 1, 0 }, { "invalid partner", "not-a-mailbox" } },
		{ { "", "N", "", 0, 1 }, { "invalid recipient", "\"\"" } },
		{ { "a b.example", "N", "", 0, 1 }, { "invalid recipient", "a b.example" } },
		{ { "@new.example", "N", "", 0, 1 }, { "invalid recipient", "@new.example" } },
		{ { "a@b@new.example", "N", "", 0, 1 }, { "invalid recipient", "a@b@new.example" } },
		{ { ".new.example", "N", "", 0, 1 }, { "invalid recipient", ".new.example" } },
		{ { "*.new.example", "N", "", 0, 1 }, { "wildcard recipient", "(\"new.example\")" } },
		{ { "a@*.new.example", "N", "", 0, 1 }, { "wildcard recipient", "covers every subdomain" } },
		{ { "EU.Contoso.Example.", "N", "", 0, 1 }, { "duplicate recipient", "first.csv:8" } },
		{ { "user@", "N", "", 0, 1 }, { "invalid recipient", "user@" } },
		{ { "<a@new.example>", "N", "", 0, 1 }, { "invalid recipient", "<a@new.example>" } },
		{ { "new.example", "", "", 0, 1 }, { "empty customer_id", "new.example" } },
	};
	struct directory *dir = directory_new();
	const char *error = NULL;
	size_t i;

	assert_int_equal(directory_add(dir, "contoso.example", "C", "p@csp.example", 1, 0,
	    "first.csv:7", &error), 0);
	assert_int_equal(directory_add(dir, "eu.contoso.example", "E", "", 0, 1,
	    "first.csv:8", &error), 0);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		const struct entry *e = &cases[i].e;
		char row[200];

		snprintf(row, sizeof(row), "case %zu (%s)", i, e->recipient);
		error = NULL;
		unit_expect_int(row, directory_add(dir, e->recipient, e->customer_id, e->partner,
		    e->csp, e->direct, "second.csv:3", &error), -1);
		unit_expect_contains(row, error, "second.csv:3: ");
		unit_expect_contains(row, error, cases[i].want[0]);
		unit_expect_contains(row, error, cases[i].want[1]);
	}
	assert_int_equal(directory_count(dir), 2);
	assert_null(directory_lookup(dir, "a@new.example"));
	directory_free(&dir);
}

/* directory_load_csv_ok - comments, header row, quoting, blank lines and CRLF all load */
static void
directory_load_csv_ok(void **state)
{
	static const char csv[] =
	    "# customers exported from the CRM\r\n"
	    "recipient,customer_id,partner,csp,direct\r\n"
	    "\r\n"
	    "contoso.example,C-1,partner@csp.example,yes,no\r\n"
	    "  # indented comment\n"
	    "\"eu.contoso.example\",\"C-2, \"\"EU\"\"\",eu@csp.example,YES,yes\n"
	    " fabrikam.example , F-1 , , no , yes \n"
	    "boss@tailspin.example,T-1,,false,true\n"
	    "tailspin.example,T-2,p@csp.example,1,0\n";
	char *dir_path = unit_tmpdir_new();
	char *path = unit_write_str(dir_path, "customers.csv", csv);
	struct directory *dir = directory_new();
	const struct customer *c;
	const char *error = NULL;

	if (directory_load_csv(dir, path, &error) < 0)
		fail_msg("load: %s", error);
	assert_int_equal(directory_count(dir), 5);
	c = directory_lookup(dir, "x@contoso.example");
	assert_non_null(c);
	assert_string_equal(c->customer_id, "C-1");
	assert_string_equal(c->partner, "partner@csp.example");
	assert_int_equal(c->csp, 1);
	assert_int_equal(c->direct, 0);
	c = directory_lookup(dir, "x@eu.contoso.example");
	assert_non_null(c);
	assert_string_equal(c->customer_id, "C-2, \"EU\"");
	assert_int_equal(c->csp, 1);
	assert_int_equal(c->direct, 1);
	c = directory_lookup(dir, "x@fabrikam.example");
	assert_non_null(c);
	assert_string_equal(c->customer_id, "F-1");
	assert_string_equal(c->partner, "");
	assert_int_equal(c->csp, 0);
	assert_int_equal(c->direct, 1);
	c = directory_lookup(dir, "boss@tailspin.example");
	assert_non_null(c);
	assert_string_equal(c->customer_id, "T-1");
	c = directory_lookup(dir, "other@tailspin.example");
	assert_non_null(c);
	assert_string_equal(c->customer_id, "T-2");
	assert_int_equal(c->csp, 1);
	directory_free(&dir);
	free(path);
	unit_tmpdir_remove(&dir_path);
}

/* directory_load_csv_errors - every bad file is refused with FILE:LINE and the reason */
static void
directory_load_csv_errors(void **state)
{
	static const struct {
		const char *name;
		const char *csv;
		int line;
		const char *want;
	} cases[] = {
		{ "too few fields", "# c\na.example,A,,no\n", 2, "expected 5 fields" },
		{ "too many fields", "a.example,A,,no,yes\nb.example,B,,no,yes,extra\n", 2,
		  "expected 5 fields" },
		{ "bad csp", "recipient,customer_id,partner,csp,direct\na.example,A,,maybe,yes\n", 2,
		  "\"maybe\"" },
		{ "bad direct", "a.example,A,,no,yes\n\nb.example,B,,no,Y\n", 3, "yes or no" },
		{ "unterminated quote", "a.example,\"A,,no,yes\n", 1, "unterminated quote" },
		{ "text after quote", "a.example,\"A\"x,,no,yes\n", 1, "expected 5 fields" },
		{ "duplicate", "a.example,A,,no,yes\r\nb.example,B,,no,yes\r\nA.EXAMPLE,C,,no,yes\r\n", 3,
		  "duplicate recipient \"A.EXAMPLE\" (first defined at " },
		{ "csp without partner", "a.example,A,,yes,no\n", 1, "no partner" },
		{ "invalid recipient", "# x\n# y\nnot an address,A,,no,yes\n", 3, "invalid recipient" },
	};
	char *dir_path = unit_tmpdir_new();
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		char *path = unit_write_str(dir_path, "bad.csv", cases[i].csv);
		char *where = unit_strf("%s:%d: ", path, cases[i].line);
		struct directory *dir = directory_new();
		const char *error = NULL;

		unit_expect_int(cases[i].name, directory_load_csv(dir, path, &error), -1);
		if (error == NULL || strncmp(error, where, strlen(where)) != 0)
			fail_msg("%s: error \"%s\" does not start with \"%s\"", cases[i].name,
			    error ? error : "NULL", where);
		unit_expect_contains(cases[i].name, error, cases[i].want);
		directory_free(&dir);
		free(where);
		free(path);
	}
	unit_tmpdir_remove(&dir_path);
}

/* directory_load_csv_duplicate_source - a duplicate names the line of the first definition */
static void
directory_load_csv_duplicate_source(void **state)
{
	char *dir_path = unit_tmpdir_new();
	char *path = unit_write_str(dir_path, "dup.csv",
	    "# header comment\nx.example,A,,no,yes\ny.example,B,,no,yes\nX.example,C,,no,yes\n");
	char *want = unit_strf("%s:4: duplicate recipient \"X.example\" (first defined at %s:2)",
	    path, path);
	struct directory *dir = directory_new();
	const char *error = NULL;

	assert_int_equal(directory_load_csv(dir, path, &error), -1);
	assert_string_equal(error, want);
	directory_free(&dir);
	free(want);
	free(path);
	unit_tmpdir_remove(&dir_path);
}

/* directory_load_csv_missing - a missing file is an error that names it */
static void
directory_load_csv_missing(void **state)
{
	char *dir_path = unit_tmpdir_new();
	char *path = unit_strf("%s/does-not-exist.csv", dir_path);
	struct directory *dir = directory_new();
	const char *error = NULL;

	assert_int_equal(directory_load_csv(dir, path, &error), -1);
	unit_expect_contains("missing", error, path);
	unit_expect_contains("missing", error, "No such file");
	directory_free(&dir);
	free(path);
	unit_tmpdir_remove(&dir_path);
}

/* directory_load_csv_large - 100,000 generated rows all load and are all found */
static void
directory_load_csv_large(void **state)
{
	enum { ROWS = 100000 };
	char *dir_path = unit_tmpdir_new();
	char *path = unit_strf("%s/large.csv", dir_path);
	struct directory *dir = directory_new();
	struct strbuf addr = STRBUF_INIT;
	const struct customer *c;
	const char *error = NULL;
	char id[32];
	FILE *fp;
	int i;

	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "recipient,customer_id,partner,csp,direct\n");
	for (i = 0; i < ROWS; i++) {
		/* Mix domains and addresses, CSP and direct customers. */
		if (i % 3 == 0)
			fprintf(fp, "user%d@d%d.example,ID%d,p%d@csp.example,yes,%s\n",
			    i, i, i, i, i % 2 ? "yes" : "no");
		else
			fprintf(fp, "d%d.example,ID%d,,no,yes\n", i, i);
	}
	assert_int_equal(fclose(fp), 0);
	if (directory_load_csv(dir, path, &error) < 0)
		fail_msg("load: %s", error);
	assert_int_equal(directory_count(dir), ROWS);
	for (i = 0; i < ROWS; i++) {
		strbuf_reset(&addr);
		if (i % 3 == 0)
			strbuf_appendf(&addr, "USER%d@D%d.example", i, i);
		else
			strbuf_appendf(&addr, "someone@sub.d%d.example", i);
		snprintf(id, sizeof(id), "ID%d", i);
		c = directory_lookup(dir, addr.data);
		if (c == NULL || strcmp(c->customer_id, id) != 0)
			fail_msg("row %d: %s found %s", i, addr.data, c ? c->customer_id : "nothing");
		if (c->csp != (i % 3 == 0))
			fail_msg("row %d: csp flag %d", i, c->csp);
	}
	assert_null(directory_lookup(dir, "someone@d100000.example"));
	assert_null(directory_lookup(dir, "user1@d0.example"));
	strbuf_release(&addr);
	directory_free(&dir);
	free(path);
	unit_tmpdir_remove(&dir_path);
}

/* directory_load_csv_refused - files that would empty or blind the directory are refused */
static void
directory_load_csv_refused(void **state)
{
	static const struct {
		const char *name, *csv;
		const char *where;	/* ":LINE: " or ": " after the path */
		const char *want;
	} cases[] = {
		{ "empty", "", ": ", "the customers file is empty" },
		{ "header only", "recipient,customer_id,partner,csp,direct\n", ": ", "no customer rows" },
		{ "header only, CRLF and BOM", "\xef\xbb\xbfrecipient,customer_id,partner,csp,direct\r\n",
		  ": ", "no customer rows" },
		{ "blank lines only", "\n\n\n", ": ", "no customer rows" },
		{ "cut in the last row", "a.example,A,,no,yes\nb.example,B,p@csp.exa", ":2: ",
		  "the last line has no newline" },
		{ "cut at a field end", "a.example,A,,no,yes\nb.example,B,,no,yes", ":2: ",
		  "looks truncated" },
		{ "one row, no newline", "a.example,A,,no,yes", ":1: ", "no newline" },
		{ "wildcard domain", "a.example,A,,no,yes\n*.contoso.example,C,p@csp.example,yes,no\n",
		  ":2: ", "wildcard recipient \"*.contoso.example\" is not supported" },
		{ "wildcard address", "*@contoso.example,C,p@csp.example,yes,no\n", ":1: ",
		  "wildcard recipient" },
	};
	char *dir_path = unit_tmpdir_new();
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		char *path = unit_write_str(dir_path, "bad.csv", cases[i].csv);
		char *where = unit_strf("%s%s", path, cases[i].where);
		struct directory *dir = directory_new();
		const char *error = NULL;

		unit_expect_int(cases[i].name, directory_load_csv(dir, path, &error), -1);
		if (error == NULL || strncmp(error, where, strlen(where)) != 0)
			fail_msg("%s: error \"%s\" does not start with \"%s\"", cases[i].name,
			    error ? error : "NULL", where);
		unit_expect_contains(cases[i].name, error, cases[i].want);
		directory_free(&dir);
		free(where);
		free(path);
	}
	unit_tmpdir_remove(&dir_path);
}

/* directory_load_csv_forms - BOM, trailing dots, case and IDN spellings all meet in one key */
static void
directory_load_csv_forms(void **state)
{
	static const char csv[] =
	    "\xef\xbb\xbf" "contoso.example,C-1,p@csp.example,yes,no\n"
	    "B\xc3\x9c" "CHER.example.,B-1,p@csp.example,yes,no\n"
	    "Boss@Fabrikam.Example.,F-1,,no,yes\n"
	    "xn--mnchen-3ya.example,M-1,,no,yes\n";
	static const struct {
		const char *addr, *want;
	} cases[] = {
		{ "x@contoso.example", "C-1" },
		{ "x@xn--bcher-kva.example", "B-1" },
		{ "x@sub.xn--bcher-kva.example", "B-1" },
		{ "boss@fabrikam.example", "F-1" },
		{ "other@fabrikam.example", NULL },
		{ "x@xn--mnchen-3ya.example", "M-1" },
	};
	char *dir_path = unit_tmpdir_new();
	char *path = unit_write_str(dir_path, "customers.csv", csv);
	struct directory *dir = directory_new();
	const struct customer *c;
	const char *error = NULL;
	uint64_t h1 = 1, h2 = 1;
	size_t i;
	int fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	if (directory_load_csv_fd(dir, fd, path, &h1, &error) < 0)
		fail_msg("load: %s", error);
	close(fd);
	assert_int_equal(directory_count(dir), 4);
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		c = directory_lookup(dir, cases[i].addr);
		unit_expect_str(cases[i].addr, c ? c->customer_id : NULL, cases[i].want);
	}
	directory_free(&dir);
	/* The hash covers every byte read: one byte more changes it. */
	free(unit_write_str(dir_path, "customers.csv", "a.example,A,,no,yes\n"));
	dir = directory_new();
	fd = open(path, O_RDONLY);
	assert_int_equal(directory_load_csv_fd(dir, fd, path, &h2, &error), 0);
	close(fd);
	assert_true(h1 != h2 && h2 != 1);
	directory_free(&dir);
	free(path);
	unit_tmpdir_remove(&dir_path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(directory_lookup_order),
		cmocka_unit_test(directory_lookup_empty),
		cmocka_unit_test(directory_add_errors),
		cmocka_unit_test(directory_load_csv_ok),
		cmocka_unit_test(directory_load_csv_errors),
		cmocka_unit_test(directory_load_csv_duplicate_source),
		cmocka_unit_test(directory_load_csv_missing),
		cmocka_unit_test(directory_load_csv_large),
		cmocka_unit_test(directory_load_csv_refused),
		cmocka_unit_test(directory_load_csv_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
