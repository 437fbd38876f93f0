/* test_cli - unit tests for the offline classifier's JSON contract */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli_classify.h"
#include "conf.h"
#include "unit.h"
#include "xalloc.h"

/*
 * The config has two rules per class and inline customers of each kind.
 * "sub.bt" backtracks catastrophically on "x" + many "a" + "z" before it can
 * reach the real match "xay" further on, and the low match_limit stops it:
 * that message is uncertain.
 */
static const char test_conf[] =
    "vendor = { domains = [ \"vendor.example\" ]; };\n"
    "limits = { match_limit = 1000; };\n"
    "audit = { excerpt_max = 20; };\n"
    "classes = {\n"
    "\tsubscription = { threshold = 3; rules = (\n"
    "\t\t{ id = \"sub.invoice\"; target = \"body\"; pattern = \"invoice\"; weight = 3; },\n"
    "\t\t{ id = \"sub.renewal\"; target = \"subject\"; pattern = \"renewal\"; weight = 3; },\n"
    "\t\t{ id = \"sub.bt\"; target = \"body\"; pattern = \"x(a+)+y\"; weight = 1; }\n"
    "\t); };\n"
    "\tincident = { threshold = 3; rules = (\n"
    "\t\t{ id = \"inc.outage\"; target = \"body\"; pattern = \"outage\"; weight = 3; max_hits = 0; },\n"
    "\t\t{ id = \"inc.maint\"; target = \"subject\"; pattern = \"maintenance\"; weight = 2; }\n"
    "\t); };\n"
    "\tnon_csp = { threshold = 3; rules = (\n"
    "\t\t{ id = \"non.ea\"; target = \"body\"; pattern = \"enterprise agreement\"; weight = 3; },\n"
    "\t\t{ id = \"non.premier\"; target = \"all\"; pattern = \"premier support\"; weight = 3; }\n"
    "\t); };\n"
    "};\n"
    "directory = { customers = (\n"
    "\t{ recipient = \"contoso.example\"; customer_id = \"C-CSP\"; partner = \"partner@csp.example\"; csp = true; },\n"
    "\t{ recipient = \"fabrikam.example\"; customer_id = \"F-BOTH\"; partner = \"fab@csp.example\"; csp = true; direct = true; },\n"
    "\t{ recipient = \"tailspin.example\"; customer_id = \"T-DIRECT\"; direct = true; }\n"
    "); };\n";

static const char *const rcpts[] = {
	"<a@contoso.example>", "<b@fabrikam.example>", "<c@tailspin.example>", "<d@nowhere.example>",
};

/* A message per class; %s is the body. */
#define MESSAGE(from, subject, body) \
	"From: " from "\r\n" \
	"To: a@contoso.example\r\n" \
	"Subject: " subject "\r\n" \
	"Message-ID: <1@vendor.example>\r\n" \
	"MIME-Version: 1.0\r\n" \
	"Content-Type: text/plain; charset=utf-8\r\n" \
	"\r\n" body

static const struct fixture {
	const char *name;
	const char *text;
} fixtures[] = {
	{ "invoice.eml", MESSAGE("Billing <billing@vendor.example>", "Your account",
	    "Dear customer, your\r\ninvoice is attached.\r\n") },
	{ "outage.eml", MESSAGE("Status <status@vendor.example>", "Planned maintenance",
	    "There is an outage in one region.\r\nThe outage is over.\r\n") },
	{ "ea.eml", MESSAGE("Sales <sales@vendor.example>", "Your contract",
	    "About your enterprise agreement.\r\n") },
	{ "other.eml", MESSAGE("News <news@vendor.example>", "Hello",
	    "Welcome to our newsletter.\r\n") },
	{ "uncertain.eml", MESSAGE("Billing <billing@vendor.example>", "Hello",
	    "xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaz y xay\r\n") },
	{ "outside.eml", MESSAGE("Someone <someone@elsewhere.example>", "Your invoice",
	    "your invoice\r\n") },
};

struct cli_env {
	char *dir;
	struct conf *conf;
};

/* setup - write the config and the messages, load the config */
static int
setup(void **state)
{
	struct cli_env *env = xcalloc(1, sizeof(*env));
	const char *error = NULL;
	char *path;
	size_t i;

	env->dir = unit_tmpdir_new();
	path = unit_write_str(env->dir, "csp.conf", test_conf);
	for (i = 0; i < UNIT_NELEM(fixtures); i++)
		free(unit_write_str(env->dir, fixtures[i].name, fixtures[i].text));
	if ((env->conf = conf_load(path, NULL, &error)) == NULL) {
		print_error("test config: %s\n", error);
		free(path);
		return -1;
	}
	free(path);
	*state = env;
	return 0;
}

/* teardown - drop the config and the files */
static int
teardown(void **state)
{
	struct cli_env *env = *state;

	conf_unref(&env->conf);
	unit_tmpdir_remove(&env->dir);
	free(env);
	return 0;
}

/* run_cli - classify the named fixtures; returns the output, status in *status_r */
static char *
run_cli(struct cli_env *env, const char *from, int json, const char *const *names, int n,
    int *status_r)
{
	struct cli_classify_opts opts;
	char **files = xcalloc((size_t)n, sizeof(*files));
	char *out = NULL;
	size_t out_len = 0;
	FILE *fp = open_memstream(&out, &out_len);
	int i;

	assert_non_null(fp);
	memset(&opts, 0, sizeof(opts));
	opts.from = from;
	opts.rcpts = (const char **)rcpts;
	opts.rcpt_count = UNIT_NELEM(rcpts);
	opts.json = json;
	for (i = 0; i < n; i++)
		files[i] = unit_strf("%s/%s", env->dir, names[i]);
	*status_r = cli_classify_run(env->conf, &opts, files, n, fp);
	assert_int_equal(fclose(fp), 0);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return out;
}

/* line_for - the output line of one file, NULL if none */
static char *
line_for(const char *out, const struct cli_env *env, const char *name)
{
	char *key = unit_strf("{\"file\":\"%s/%s\",", env->dir, name);
	const char *start = strstr(out, key), *end;
	char *line;

	free(key);
	if (start == NULL)
		return NULL;
	end = strchr(start, '\n');
	if (end == NULL)
		fail_msg("%s: line not terminated", name);
	line = strndup(start, (size_t)(end - start));
	return line;
}

struct expect_msg {
	const char *file;
	const char *want[12];	/* exact substrings of the file's JSON line */
};

static const struct expect_msg vendor_expect[] = {
	{ "invoice.eml", {
		"\"class\":\"subscription\"",
		"\"uncertain\":false",
		"\"scores\":{\"subscription\":3,\"incident\":0,\"non_csp\":0}",
		"\"matches\":[{\"rule\":\"sub.invoice\",\"class\":\"subscription\",\"target\":\"body\","
		    "\"view\":\"visible\",\"counted\":true,\"weight\":3,\"hits\":1,\"excerpt\":\"mer, your invoice is attach\"}]",
		"{\"rcpt\":\"<a@contoso.example>\",\"customer\":\"C-CSP\",\"decision\":\"reroute\","
		    "\"partner\":\"partner@csp.example\"}",
		"{\"rcpt\":\"<b@fabrikam.example>\",\"customer\":\"F-BOTH\",\"decision\":\"reroute\","
		    "\"partner\":\"fab@csp.example\"}",
		"{\"rcpt\":\"<c@tailspin.example>\",\"customer\":\"T-DIRECT\",\"decision\":\"deliver\","
		    "\"partner\":\"\"}",
		"{\"rcpt\":\"<d@nowhere.example>\",\"customer\":\"\",\"decision\":\"deliver\","
		    "\"partner\":\"\"}]}",
	} },
	{ "outage.eml", {
		"\"class\":\"incident\"",
		"\"uncertain\":false",
		"\"scores\":{\"subscription\":0,\"incident\":8,\"non_csp\":0}",
		"{\"rule\":\"inc.outage\",\"class\":\"incident\",\"target\":\"body\","
		    "\"view\":\"visible\",\"counted\":true,\"weight\":3,\"hits\":2,",
		"{\"rule\":\"inc.maint\",\"class\":\"incident\",\"target\":\"subject\","
		    "\"view\":\"visible\",\"counted\":true,\"weight\":2,\"hits\":1,"
		    "\"excerpt\":\"planned maintenance\"}",	/* folded text */
		"\"decision\":\"deliver\",\"partner\":\"partner@csp.example\"}",
		"\"decision\":\"deliver\",\"partner\":\"fab@csp.example\"}",
	} },
	{ "ea.eml", {
		"\"class\":\"non_csp\"",
		"\"scores\":{\"subscription\":0,\"incident\":0,\"non_csp\":3}",
		"\"excerpt\":\"bout your enterprise agreement.\"",
		"\"customer\":\"C-CSP\",\"decision\":\"reroute\"",
		"\"customer\":\"F-BOTH\",\"decision\":\"deliver\"",
		"\"customer\":\"T-DIRECT\",\"decision\":\"deliver\"",
	} },
	{ "other.eml", {
		"\"class\":\"other\"",
		"\"uncertain\":false",
		"\"scores\":{\"subscription\":0,\"incident\":0,\"non_csp\":0}",
		"\"matches\":[]",
		"\"customer\":\"C-CSP\",\"decision\":\"quarantine\"",
		"\"customer\":\"F-BOTH\",\"decision\":\"quarantine\"",
	} },
	{ "uncertain.eml", {
		"\"class\":\"other\"",
		"\"uncertain\":true",
		"sub.bt",
		"\"customer\":\"C-CSP\",\"decision\":\"quarantine\"",
		"\"customer\":\"F-BOTH\",\"decision\":\"quarantine\"",
		"\"customer\":\"T-DIRECT\",\"decision\":\"deliver\"",
		"\"customer\":\"\",\"decision\":\"deliver\"",
	} },
};

/* check_lines - each file's line holds every wanted substring */
static void
check_lines(const char *out, const struct cli_env *env, const struct expect_msg *exp, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		char *line = line_for(out, env, exp[i].file);

		if (line == NULL)
			fail_msg("%s: no output line in:\n%s", exp[i].file, out);
		for (j = 0; j < UNIT_NELEM(exp[i].want) && exp[i].want[j] != NULL; j++)
			unit_expect_contains(exp[i].file, line, exp[i].want[j]);
		free(line);
	}
}

/* count_lines - lines in the output */
static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* cli_classify_run_json - one JSON line per message with class, scores, matches and recipients */
static void
cli_classify_run_json(void **state)
{
	struct cli_env *env = *state;
	static const char *const names[] = {
		"invoice.eml", "outage.eml", "ea.eml", "other.eml", "uncertain.eml",
	};
	int status = -1;
	char *out = run_cli(env, NULL, 1, names, (int)UNIT_NELEM(names), &status);

	assert_int_equal(status, 0);
	assert_int_equal(count_lines(out), UNIT_NELEM(names));
	check_lines(out, env, vendor_expect, UNIT_NELEM(vendor_expect));
	free(out);
}

/* cli_classify_run_key_order - every line has the contract's keys in order and is one object */
static void
cli_classify_run_key_order(void **state)
{
	struct cli_env *env = *state;
	static const char *const names[] = { "invoice.eml", "outage.eml" };
	static const char *const keys[] = {
		"{\"file\":", ",\"class\":", ",\"uncertain\":", ",\"scores\":{", ",\"matches\":[",
		",\"recipients\":[",
	};
	int status = -1;
	char *out = run_cli(env, NULL, 1, names, 2, &status);
	const char *line = out;
	size_t i;

	assert_int_equal(status, 0);
	while (*line != '\0') {
		const char *end = strchr(line, '\n'), *p = line;

		assert_non_null(end);
		assert_int_equal(line[0], '{');
		assert_int_equal(end[-1], '}');
		for (i = 0; i < UNIT_NELEM(keys); i++) {
			p = strstr(p, keys[i]);
			if (p == NULL || p > end)
				fail_msg("key %s missing or out of order in: %.*s", keys[i],
				    (int)(end - line), line);
		}
		line = end + 1;
	}
	free(out);
}

/* cli_classify_run_untouched - a sender that is not vendor-side leaves every recipient untouched */
static void
cli_classify_run_untouched(void **state)
{
	static const struct expect_msg exp[] = {
		{ "outside.eml", {
			"\"class\":null",
			"\"uncertain\":false",
			"\"scores\":{}",
			"\"matches\":[]",
			"{\"rcpt\":\"<a@contoso.example>\",\"customer\":\"\",\"decision\":\"untouched\","
			    "\"partner\":\"\"}",
			"{\"rcpt\":\"<d@nowhere.example>\",\"customer\":\"\",\"decision\":\"untouched\","
			    "\"partner\":\"\"}",
		} },
	};
	struct cli_env *env = *state;
	static const char *const names[] = { "outside.eml" };
	int status = -1;
	char *out = run_cli(env, "<someone@elsewhere.example>", 1, names, 1, &status);

	assert_int_equal(status, 0);
	check_lines(out, env, exp, UNIT_NELEM(exp));
	assert_null(strstr(out, "\"decision\":\"deliver\""));
	free(out);
}

/* cli_classify_run_vendor_from - a vendor-side envelope sender classifies even with an outside From */
static void
cli_classify_run_vendor_from(void **state)
{
	static const struct expect_msg exp[] = {
		{ "outside.eml", {
			"\"class\":\"subscription\"",
			"\"customer\":\"C-CSP\",\"decision\":\"reroute\"",
		} },
	};
	struct cli_env *env = *state;
	static const char *const names[] = { "outside.eml" };
	int status = -1;
	char *out = run_cli(env, "<billing@eu.vendor.example>", 1, names, 1, &status);

	assert_int_equal(status, 0);
	check_lines(out, env, exp, UNIT_NELEM(exp));
	free(out);
}

/* cli_classify_run_missing - a missing file gives status 1 and the next file is still classified */
static void
cli_classify_run_missing(void **state)
{
	static const struct expect_msg exp[] = {
		{ "invoice.eml", { "\"class\":\"subscription\"" } },
		{ "other.eml", { "\"class\":\"other\"" } },
	};
	struct cli_env *env = *state;
	static const char *const names[] = { "invoice.eml", "missing.eml", "other.eml" };
	int status = -1;
	char *out = run_cli(env, NULL, 1, names, 3, &status);

	assert_int_equal(status, 1);
	assert_int_equal(count_lines(out), 2);
	assert_null(strstr(out, "missing.eml"));
	check_lines(out, env, exp, UNIT_NELEM(exp));
	free(out);
}

/* cli_classify_run_human - without json the report names the class and each decision */
static void
cli_classify_run_human(void **state)
{
	struct cli_env *env = *state;
	static const char *const names[] = { "invoice.eml" };
	int status = -1;
	char *out = run_cli(env, NULL, 0, names, 1, &status);

	assert_int_equal(status, 0);
	unit_expect_contains("human", out, "  class: subscription\n");
	unit_expect_contains("human", out,
	    "  recipient <a@contoso.example>: reroute to partner@csp.example (customer C-CSP, csp)\n");
	unit_expect_contains("human", out, "  recipient <d@nowhere.example>: deliver (not a customer)\n");
	assert_null(strstr(out, "{\"file\""));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(cli_classify_run_json, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_classify_run_key_order, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_classify_run_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_classify_run_vendor_from, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_classify_run_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_classify_run_human, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
