/* test_conf - unit tests for loading and checking the configuration */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "conf.h"
#include "strbuf.h"
#include "unit.h"

/*
 * Configs are built from three parts: the vendor group, the classes group
 * and anything else.  NULL picks the default part, "" leaves it out.  A
 * line holding the comment "#!" is the line an error must name.
 */
static const char default_vendor[] =
    "vendor = { domains = [ \"vendor.example\" ]; subdomains = true; };\n";

static const char default_classes[] =
    "classes = {\n"
    "\tsubscription = {\n"
    "\t\tthreshold = 3;\n"
    "\t\trules = (\n"
    "\t\t\t{ id = \"sub.invoice\"; target = \"all\"; pattern = \"invoice\"; weight = 3; }\n"
    "\t\t);\n"
    "\t};\n"
    "\tincident = { threshold = 2; rules = ( { id = \"inc.outage\"; pattern = \"outage\"; weight = 2; } ); };\n"
    "\tnon_csp = { rules = ( { id = \"non.ea\"; pattern = \"enterprise agreement\"; } ); };\n"
    "};\n";

/* conf_text - the text of a test config */
static char *
conf_text(const char *vendor, const char *classes, const char *extra)
{
	return unit_strf("# csp-milter test config\n%s%s%s",
	    vendor != NULL ? vendor : default_vendor,
	    classes != NULL ? classes : default_classes,
	    extra != NULL ? extra : "");
}

/* marker_line - the line of the "#!" marker, 0 if none */
static int
marker_line(const char *text)
{
	const char *m = strstr(text, "#!"), *p;
	int line = 1;

	if (m == NULL)
		return 0;
	for (p = text; p < m; p++)
		if (*p == '\n')
			line++;
	return line;
}

/* write_conf - write a config into dir; returns its path */
static char *
write_conf(const char *dir, const char *name, const char *vendor, const char *classes,
    const char *extra)
{
	char *text = conf_text(vendor, classes, extra);
	char *path = unit_write_str(dir, name, text);

	free(text);
	return path;
}

/* load_ok - load a config that must be valid */
static struct conf *
load_ok(const char *path, const struct conf_overrides *ov)
{
	const char *error = NULL;
	struct conf *c = conf_load(path, ov, &error);

	if (c == NULL)
		fail_msg("%s: unexpected error: %s", path, error ? error : "(none)");
	return c;
}

/* conf_load_valid - a minimal config loads with its rules, thresholds and defaults */
static void
conf_load_valid(void **state)
{
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "milter = { socket = \"inet:10025@127.0.0.1\"; socket_mode = \"0640\"; timeout = 60; };\n"
	    "mode = \"monitor\";\n"
	    "limits = { max_text = 4096; match_limit = 5000; };\n"
	    "normalise = false;\n"
	    "reject = { code = \"554\"; xcode = \"5.7.0\"; scope = \"recipients\"; };\n"
	    "precedence = [ \"subscription\", \"incident\", \"non_csp\" ];\n"
	    "policy = { other = { csp = \"reject\"; direct = \"tag\"; }; };\n"
	    "directory = { customers = ( { recipient = \"contoso.example\"; customer_id = \"C-1\";"
	    " partner = \"p@csp.example\"; csp = true; } ); };\n");
	struct conf *c = load_ok(path, NULL);

	assert_string_equal(c->path, path);
	assert_string_equal(c->socket, "inet:10025@127.0.0.1");
	assert_int_equal(c->socket_mode, 0640);
	assert_int_equal(c->timeout, 60);
	assert_int_equal(c->monitor, 1);
	assert_int_equal(c->max_text, 4096);
	assert_int_equal(c->match_limit, 5000);
	assert_int_equal(c->normalise, 0);
	assert_string_equal(c->reject_code, "554");
	assert_int_equal(c->reject_scope, REJECT_RECIPIENTS);
	assert_int_equal(rule_set_count(c->rules), 3);
	assert_string_equal(rule_set_spec(c->rules, 0)->id, "sub.invoice");
	assert_int_equal(rule_set_spec(c->rules, 0)->line, 7);
	assert_int_equal(rule_set_spec(c->rules, 0)->weight, 3);
	assert_int_equal(rule_set_spec(c->rules, 1)->class_index, CLASS_INCIDENT);
	assert_int_equal(rule_set_spec(c->rules, 2)->weight, 1);
	assert_int_equal(rule_set_spec(c->rules, 2)->caseless, 1);
	/* Only a rule adding to subscription reads the hidden text. */
	assert_int_equal(rule_set_spec(c->rules, 0)->skip_hidden, 0);
	assert_int_equal(rule_set_spec(c->rules, 1)->skip_hidden, 1);
	assert_int_equal(rule_set_spec(c->rules, 2)->skip_hidden, 1);
	assert_int_equal(c->classify.threshold[CLASS_SUBSCRIPTION], 3);
	assert_int_equal(c->classify.threshold[CLASS_INCIDENT], 2);
	assert_int_equal(c->classify.threshold[CLASS_NON_CSP], 1);
	assert_int_equal(c->classify.precedence[0], CLASS_SUBSCRIPTION);
	assert_int_equal(c->classify.precedence[1], CLASS_INCIDENT);
	assert_int_equal(c->classify.precedence[2], CLASS_NON_CSP);
	assert_ptr_equal(c->classify.rules, c->rules);
	assert_int_equal(c->policy.decision[CLASS_OTHER][KIND_CSP], DECISION_REJECT);
	assert_int_equal(c->policy.decision[CLASS_OTHER][KIND_DIRECT], DECISION_TAG);
	assert_int_equal(c->policy.decision[CLASS_SUBSCRIPTION][KIND_CSP], DECISION_REROUTE);
	assert_null(c->customers_file);
	assert_int_equal(directory_count(c->directory), 1);
	assert_non_null(directory_lookup(c->directory, "a@contoso.example"));
	assert_int_equal(strlen(c->version), 16);
	conf_unref(&c);
	assert_null(c);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_shipped - the shipped example config loads (its customers file is next to it) */
static void
conf_load_shipped(void **state)
{
	char *path = unit_strf("%s/conf/csp-milter.conf", unit_srcdir());
	struct conf *c = load_ok(path, NULL);

	assert_true(rule_set_count(c->rules) > 0);
	assert_non_null(c->customers_file);
	conf_unref(&c);
	free(path);
}

struct error_case {
	const char *name;
	const char *vendor, *classes, *extra;
	const char *want;	/* substring of the message after "FILE:LINE: " */
};

static const struct error_case error_cases[] = {
	{ "syntax error", NULL, NULL, "mode = = \"enforce\"; #!\n", "syntax error" },
	{ "unknown top-level setting", NULL, NULL, "\ncolour = \"blue\"; #!\n",
	  "unknown setting \"colour\"" },
	{ "unknown in milter", NULL, NULL,
	  "milter = {\n\tsocket = \"unix:/tmp/x.sock\";\n\tsockt = \"x\"; #!\n};\n",
	  "unknown setting \"sockt\" in milter" },
	{ "unknown in limits", NULL, NULL, "limits = {\n\tmax_txt = 5000; #!\n};\n",
	  "unknown setting \"max_txt\" in limits" },
	{ "unknown in vendor",
	  "vendor = {\n\tdomains = [ \"vendor.example\" ];\n\tdomain = \"x\"; #!\n};\n", NULL, NULL,
	  "unknown setting \"domain\" in vendor" },
	{ "unknown in rule", NULL,
	  "classes = {\n\tsubscription = {\n\t\trules = (\n"
	  "\t\t\t{ id = \"r1\"; pattern = \"x\"; paterns = \"y\"; } #!\n\t\t);\n\t};\n};\n", NULL,
	  "unknown setting \"paterns\" in rule" },
	{ "unknown in class", NULL,
	  "classes = {\n\tsubscription = {\n\t\tthreshhold = 2; #!\n\t};\n};\n", NULL,
	  "unknown setting \"threshhold\" in subscription" },
	{ "unknown class", NULL, "classes = {\n\tbilling = { }; #!\n};\n", NULL,
	  "unknown setting \"billing\" in classes" },
	{ "unknown in policy", NULL, NULL,
	  "policy = {\n\tsubscription = {\n\t\tcsp = \"reroute\";\n\t\tcps = \"deliver\"; #!\n\t};\n};\n",
	  "unknown setting \"cps\" in subscription" },
	{ "unknown class in policy", NULL, NULL, "policy = {\n\tbilling = { }; #!\n};\n",
	  "unknown setting \"billing\" in policy" },
	{ "unknown in directory", NULL, NULL, "directory = {\n\tcustomer_file = \"x.csv\"; #!\n};\n",
	  "unknown setting \"customer_file\" in directory" },
	{ "string threshold", NULL,
	  "classes = {\n\tsubscription = {\n\t\tthreshold = \"3\"; #!\n"
	  "\t\trules = ( { id = \"r1\"; pattern = \"x\"; } );\n\t};\n};\n", NULL,
	  "\"threshold\" must be an integer, not a string" },
	{ "integer boolean", NULL, NULL, "normalise = 1; #!\n",
	  "\"normalise\" must be a boolean, not an integer" },
	{ "group as string", NULL, NULL, "limits = \"big\"; #!\n", "\"limits\" must be a group" },
	{ "out of range", NULL, NULL, "limits = {\n\tmax_text = 10; #!\n};\n",
	  "\"max_text\" must be between" },
	{ "bad regex", NULL,
	  "classes = {\n\tsubscription = {\n\t\trules = (\n"
	  "\t\t\t{ id = \"r.bad\"; pattern = \"inv(oice\"; } #!\n\t\t);\n\t};\n};\n", NULL,
	  "rule r.bad: bad pattern at offset 8: missing closing parenthesis" },
	{ "duplicate rule id", NULL,
	  "classes = {\n\tsubscription = {\n\t\trules = (\n"
	  "\t\t\t{ id = \"same\"; pattern = \"a\"; },\n\t\t\t{ id = \"other\"; pattern = \"b\"; }\n"
	  "\t\t);\n\t};\n\tincident = {\n\t\trules = (\n"
	  "\t\t\t{ id = \"same\"; pattern = \"c\"; } #!\n\t\t);\n\t};\n};\n", NULL,
	  "rule same: id already used at line 6" },
	{ "rule without id", NULL,
	  "classes = {\n\tsubscription = {\n\t\trules = (\n"
	  "\t\t\t{ pattern = \"a\"; } #!\n\t\t);\n\t};\n};\n", NULL, "rule without an \"id\"" },
	{ "zero weight", NULL,
	  "classes = {\n\tsubscription = {\n\t\trules = (\n"
	  "\t\t\t{ id = \"w0\"; pattern = \"a\"; weight = 0; } #!\n\t\t);\n\t};\n};\n", NULL,
	  "a weight of 0" },
	{ "unknown target", NULL,
	  "classes = {\n\tsubscription = {\n\t\trules = (\n"
	  "\t\t\t{ id = \"t1\"; target = \"bodyy\"; pattern = \"a\"; } #!\n\t\t);\n\t};\n};\n", NULL,
	  "rule t1: unknown target \"bodyy\"" },
	{ "unknown lang", NULL,
	  "classes = {\n\tsubscription = {\n\t\trules = (\n"
	  "\t\t\t{ id = \"l1\"; lang = \"klingon\"; pattern = \"a\"; } #!\n\t\t);\n\t};\n};\n", NULL,
	  "rule l1: unknown lang \"klingon\"" },
	{ "unknown decision", NULL, NULL, "policy = {\n\tother = {\n\t\tcsp = \"drop\"; #!\n\t};\n};\n",
	  "unknown decision \"drop\"" },
	{ "reroute none", NULL, NULL, "policy = {\n\tincident = {\n\t\tnone = \"reroute\"; #!\n\t};\n};\n",
	  "cannot reroute \"none\" recipients" },
	{ "reroute direct", NULL, NULL, "policy = {\n\tother = {\n\t\tdirect = \"REROUTE\"; #!\n\t};\n};\n",
	  "cannot reroute \"direct\" recipients" },
	{ "precedence repeats", NULL, NULL,
	  "precedence = [ \"subscription\", \"subscription\", \"incident\" ]; #!\n",
	  "\"precedence\" must list" },
	{ "precedence with billing outranked", NULL, NULL,
	  "precedence = [ \"incident\", \"subscription\", \"non_csp\" ]; #!\n",
	  "\"precedence\" must start with subscription" },
	{ "precedence too short", NULL, NULL, "precedence = [ \"subscription\", \"incident\" ]; #!\n",
	  "\"precedence\" must list" },
	{ "precedence with other", NULL, NULL,
	  "precedence = [ \"subscription\", \"incident\", \"other\" ]; #!\n",
	  "\"precedence\" must list" },
	{ "socket_mode not octal", NULL, NULL, "milter = {\n\tsocket_mode = \"0999\"; #!\n};\n",
	  "\"socket_mode\" must be an octal mode" },
	{ "socket_mode word", NULL, NULL, "milter = {\n\tsocket_mode = \"rw\"; #!\n};\n",
	  "\"socket_mode\" must be an octal mode" },
	{ "socket_mode too big", NULL, NULL, "milter = {\n\tsocket_mode = \"1777\"; #!\n};\n",
	  "\"socket_mode\" must be an octal mode" },
	{ "missing vendor", "", NULL, NULL, "no \"vendor\" group" },
	{ "missing classes", NULL, "", NULL, "no \"classes\" group" },
	{ "empty vendor", "vendor = { domains = [ ]; addresses = [ ]; }; #!\n", NULL, NULL,
	  "\"vendor\" lists no domains or addresses" },
	{ "vendor domain with @", "vendor = {\n\tdomains = [ \"a@vendor.example\" ]; #!\n};\n", NULL, NULL,
	  "is not a domain" },
	{ "vendor address without @", "vendor = {\n\taddresses = [ \"billing\" ]; #!\n};\n", NULL, NULL,
	  "is not an address" },
	{ "reject code 4xx", NULL, NULL, "reject = {\n\tcode = \"450\"; #!\n};\n",
	  "reject code must be a 5xx SMTP code, not \"450\"" },
	{ "reject code letters", NULL, NULL, "reject = {\n\tcode = \"5xx\"; #!\n};\n",
	  "reject code must be a 5xx SMTP code" },
	{ "reject xcode", NULL, NULL, "reject = {\n\txcode = \"4.7.1\"; #!\n};\n", "reject xcode" },
	{ "unknown mode", NULL, NULL, "mode = \"enforcing\"; #!\n", "\"mode\" has unknown value" },
	{ "unknown facility", NULL, NULL, "milter = {\n\tsyslog_facility = \"mailx\"; #!\n};\n",
	  "unknown syslog facility \"mailx\"" },
	{ "max_shrink too big", NULL, NULL, "directory = {\n\tmax_shrink = 101; #!\n};\n",
	  "\"max_shrink\" must be between 0 and 100" },
	{ "max_shrink string", NULL, NULL, "directory = {\n\tmax_shrink = \"10%\"; #!\n};\n",
	  "\"max_shrink\" must be an integer" },
	{ "settle_time negative", NULL, NULL, "directory = {\n\tsettle_time = -1; #!\n};\n",
	  "\"settle_time\" must be between 0 and 3600" },
	{ "vendor wildcard", "vendor = {\n\tdomains = [ \"*.vendor.example\" ]; #!\n};\n", NULL, NULL,
	  "no wildcards: vendor.subdomains = true covers subdomains" },
	{ "inline wildcard customer", NULL, NULL,
	  "directory = {\n\tcustomers = (\n\t\t{ recipient = \"*.a.example\"; customer_id = \"A\"; } #!\n\t);\n};\n",
	  "wildcard recipient \"*.a.example\" is not supported" },
	{ "inline customer without partner", NULL, NULL,
	  "directory = {\n\tcustomers = (\n\t\t{ recipient = \"a.example\"; customer_id = \"A\"; },\n"
	  "\t\t{ recipient = \"b.example\"; customer_id = \"B\"; csp = true; } #!\n\t);\n};\n",
	  "no partner mailbox" },
};

/* conf_load_errors - every kind of bad config is refused as FILE:LINE: what, at the right line */
static void
conf_load_errors(void **state)
{
	char *dir = unit_tmpdir_new();
	size_t i;

	for (i = 0; i < UNIT_NELEM(error_cases); i++) {
		const struct error_case *e = &error_cases[i];
		char *text = conf_text(e->vendor, e->classes, e->extra);
		char *path = unit_write_str(dir, "csp.conf", text);
		int line = marker_line(text);
		char *where = line ? unit_strf("%s:%d: ", path, line) : unit_strf("%s:", path);
		const char *error = NULL;
		struct conf *c = conf_load(path, NULL, &error);

		if (c != NULL)
			fail_msg("%s: loaded", e->name);
		if (error == NULL || strncmp(error, where, strlen(where)) != 0)
			fail_msg("%s: error \"%s\" does not start with \"%s\"", e->name,
			    error ? error : "NULL", where);
		unit_expect_contains(e->name, error, e->want);
		free(where);
		free(path);
		free(text);
	}
	unit_tmpdir_remove(&dir);
}

/* conf_load_bad_regex_names_pcre2 - a bad pattern reports PCRE2's own message and the offset */
static void
conf_load_bad_regex_names_pcre2(void **state)
{
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf", NULL,
	    "classes = {\n\tnon_csp = {\n\t\trules = (\n"
	    "\t\t\t{ id = \"quant\"; pattern = \"a{2,1}\"; }\n\t\t);\n\t};\n};\n", NULL);
	char *want = unit_strf("%s:6: rule quant: bad pattern at offset 5: "
	    "numbers out of order in {} quantifier", path);
	const char *error = NULL;

	assert_null(conf_load(path, NULL, &error));
	assert_string_equal(error, want);
	free(want);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_unreadable - a missing config file is an error naming it */
static void
conf_load_unreadable(void **state)
{
	char *dir = unit_tmpdir_new();
	char *path = unit_strf("%s/nope.conf", dir);
	const char *error = NULL;

	assert_null(conf_load(path, NULL, &error));
	unit_expect_contains("missing config", error, path);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_customers_relative - a relative customers_file is read from the config's directory */
static void
conf_load_customers_relative(void **state)
{
	char *dir = unit_tmpdir_new();
	char *csv = unit_write_str(dir, "customers.csv",
	    "recipient,customer_id,partner,csp,direct\ncontoso.example,C-1,p@csp.example,yes,no\n");
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = {\n\tcustomers_file = \"customers.csv\";\n"
	    "\tcustomers = ( { recipient = \"fabrikam.example\"; customer_id = \"F-1\"; direct = true; } );\n};\n");
	struct conf *c;
	const struct customer *cust;

	/* The working directory is the build tree, never the config's directory. */
	c = load_ok(path, NULL);
	assert_string_equal(c->customers_file, csv);
	assert_int_equal(directory_count(c->directory), 2);
	cust = directory_lookup(c->directory, "a@contoso.example");
	assert_non_null(cust);
	assert_string_equal(cust->customer_id, "C-1");
	cust = directory_lookup(c->directory, "a@fabrikam.example");
	assert_non_null(cust);
	assert_string_equal(cust->customer_id, "F-1");
	conf_unref(&c);
	free(csv);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_customers_missing - a missing customers file fails the load and is named */
static void
conf_load_customers_missing(void **state)
{
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"nope.csv\"; };\n");
	char *want = unit_strf("%s/nope.csv: ", dir);
	const char *error = NULL;

	assert_null(conf_load(path, NULL, &error));
	if (error == NULL || strncmp(error, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", error ? error : "NULL", want);
	unit_expect_contains("missing customers", error, "cannot open customers file");
	free(want);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_customers_error_line - an error in the customers file names its file and line */
static void
conf_load_customers_error_line(void **state)
{
	char *dir = unit_tmpdir_new();
	char *csv = unit_write_str(dir, "customers.csv",
	    "# comment\na.example,A,,no,yes\nb.example,B,,maybe,yes\n");
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"customers.csv\"; };\n");
	char *want = unit_strf("%s:3: ", csv);
	const char *error = NULL;

	assert_null(conf_load(path, NULL, &error));
	if (error == NULL || strncmp(error, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", error ? error : "NULL", want);
	unit_expect_contains("customers line", error, "\"maybe\"");
	free(want);
	free(csv);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_customers_duplicate_inline - a CSV row duplicating an inline entry names both places */
static void
conf_load_customers_duplicate_inline(void **state)
{
	char *dir = unit_tmpdir_new();
	char *csv = unit_write_str(dir, "customers.csv", "a.example,A,,no,yes\n");
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = {\n\tcustomers_file = \"customers.csv\";\n"
	    "\tcustomers = ( { recipient = \"A.example\"; customer_id = \"A\"; direct = true; } ); #!\n};\n");
	char *text = conf_text(NULL, NULL, "directory = {\n\tcustomers_file = \"customers.csv\";\n"
	    "\tcustomers = ( { recipient = \"A.example\"; customer_id = \"A\"; direct = true; } ); #!\n};\n");
	char *want = unit_strf("%s:1: duplicate recipient \"a.example\" (first defined at %s:%d)",
	    csv, path, marker_line(text));
	const char *error = NULL;

	assert_null(conf_load(path, NULL, &error));
	assert_string_equal(error, want);
	free(want);
	free(text);
	free(csv);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_overrides - the command line replaces the customers file and the socket */
static void
conf_load_overrides(void **state)
{
	char *dir = unit_tmpdir_new();
	char *other = unit_write_str(dir, "other.csv", "tailspin.example,T-1,,no,yes\n");
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"nope.csv\"; };\n");
	struct conf_overrides ov = { other, "inet:9999@127.0.0.1", 0, 0 };
	struct conf *c = load_ok(path, &ov);

	assert_string_equal(c->customers_file, other);
	assert_string_equal(c->socket, "inet:9999@127.0.0.1");
	assert_non_null(directory_lookup(c->directory, "x@tailspin.example"));
	conf_unref(&c);
	free(other);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_load_include - @include is read relative to the config's directory; its errors name it */
static void
conf_load_include(void **state)
{
	char *dir = unit_tmpdir_new();
	char *sub = unit_strf("%s/sub", dir);
	char *rules, *path;
	struct conf *c;
	const char *error = NULL;

	assert_int_equal(mkdir(sub, 0700), 0);
	rules = unit_write_str(sub, "rules.inc",
	    "classes = {\n\tincident = { rules = ( { id = \"inc.inc\"; pattern = \"outage\"; } ); };\n};\n");
	path = write_conf(sub, "csp.conf", NULL, "@include \"rules.inc\"\n", NULL);
	c = load_ok(path, NULL);
	assert_int_equal(rule_set_count(c->rules), 1);
	assert_string_equal(rule_set_spec(c->rules, 0)->id, "inc.inc");
	conf_unref(&c);
	free(rules);

	/* An error inside the included file names that file and its line. */
	rules = unit_write_str(sub, "rules.inc",
	    "classes = {\n\tincident = {\n\t\tthreshold = \"x\";\n\t};\n};\n");
	assert_null(conf_load(path, NULL, &error));
	unit_expect_contains("included error", error, "rules.inc:3: ");
	unit_expect_contains("included error", error, "\"threshold\" must be an integer");
	free(rules);
	free(path);
	free(sub);
	unit_tmpdir_remove(&dir);
}

/* conf_is_vendor_table - vendor domains with and without subdomains, and exact addresses */
static void
conf_is_vendor_table(void **state)
{
	static const struct {
		const char *addr;
		int with_sub, without_sub;
	} cases[] = {
		{ "billing@vendor.example", 1, 1 },
		{ "billing@eu.vendor.example", 1, 0 },
		{ "x@a.b.vendor.example", 1, 0 },
		{ "billing@notvendor.example", 0, 0 },
		{ "billing@vendor.example.org", 0, 0 },
		{ "billing@other.example", 0, 0 },
		{ "alerts@tools.example", 1, 1 },
		{ "other@tools.example", 0, 0 },
		{ "alerts@sub.tools.example", 0, 0 },
		{ "vendor.example", 0, 0 },
		{ "", 0, 0 },
	};
	char *dir = unit_tmpdir_new();
	struct conf *c[2];
	size_t i;
	int sub;

	for (sub = 0; sub < 2; sub++) {
		char *vendor = unit_strf("vendor = { domains = [ \"Vendor.Example\" ];"
		    " subdomains = %s; addresses = [ \"<Alerts@Tools.Example>\" ]; };\n",
		    sub ? "true" : "false");
		char *path = write_conf(dir, sub ? "sub.conf" : "nosub.conf", vendor, NULL, NULL);

		c[sub] = load_ok(path, NULL);
		free(vendor);
		free(path);
	}
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		char row[200];

		snprintf(row, sizeof(row), "%s with subdomains", cases[i].addr);
		unit_expect_int(row, conf_is_vendor(c[1], cases[i].addr), cases[i].with_sub);
		snprintf(row, sizeof(row), "%s without subdomains", cases[i].addr);
		unit_expect_int(row, conf_is_vendor(c[0], cases[i].addr), cases[i].without_sub);
	}
	conf_unref(&c[0]);
	conf_unref(&c[1]);
	unit_tmpdir_remove(&dir);
}

/* conf_customers_changed_rewrite - rewriting the customers file in place is noticed */
static void
conf_customers_changed_rewrite(void **state)
{
	char *dir = unit_tmpdir_new();
	char *csv = unit_write_str(dir, "customers.csv", "a.example,A,,no,yes\n");
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"customers.csv\"; };\n");
	struct conf *c = load_ok(path, NULL);

	assert_int_equal(conf_customers_changed(c), 0);
	assert_int_equal(conf_customers_changed(c), 0);
	free(unit_write_str(dir, "customers.csv", "a.example,A,,no,yes\nb.example,B,,no,yes\n"));
	assert_int_equal(conf_customers_changed(c), 1);
	conf_unref(&c);
	c = load_ok(path, NULL);
	assert_int_equal(conf_customers_changed(c), 0);
	conf_unref(&c);
	free(csv);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_customers_changed_rename - replacing the file by rename, same size and content, is noticed */
static void
conf_customers_changed_rename(void **state)
{
	static const char rows[] = "a.example,A,,no,yes\n";
	char *dir = unit_tmpdir_new();
	char *csv = unit_write_str(dir, "customers.csv", rows);
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"customers.csv\"; };\n");
	struct conf *c = load_ok(path, NULL);
	char *tmp;

	assert_int_equal(conf_customers_changed(c), 0);
	/* The old file still exists while the new one is written: a new inode. */
	tmp = unit_write_str(dir, "customers.csv.new", rows);
	assert_int_equal(rename(tmp, csv), 0);
	assert_int_equal(conf_customers_changed(c), 1);
	conf_unref(&c);
	free(tmp);
	free(csv);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_customers_changed_inline - without a customers file nothing ever changes */
static void
conf_customers_changed_inline(void **state)
{
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf", NULL, NULL, NULL);
	struct conf *c = load_ok(path, NULL);

	assert_int_equal(conf_customers_changed(c), 0);
	conf_unref(&c);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_vendor_forms - vendor domains compare in one form: case, trailing dot, IDN */
static void
conf_vendor_forms(void **state)
{
	static const struct {
		const char *addr;
		int want;
	} cases[] = {
		{ "billing@xn--vendr-mua.example", 1 },
		{ "billing@vend\xc3\xb6r.example", 0 },	/* never canonical: addr.c gives A-labels */
		{ "billing@mail.xn--vendr-mua.example", 1 },
		{ "billing@tools.example", 1 },
		{ "billing@other.example", 0 },
	};
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf",
	    "vendor = { domains = [ \"VEND\xc3\x96R.Example.\", \"Tools.Example.\" ]; };\n", NULL, NULL);
	struct conf *c = load_ok(path, NULL);
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++)
		unit_expect_int(cases[i].addr, conf_is_vendor(c, cases[i].addr), cases[i].want);
	conf_unref(&c);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_customers_refused - an empty, header-only or cut customers file never loads */
static void
conf_customers_refused(void **state)
{
	static const struct {
		const char *name, *csv, *want;
	} cases[] = {
		{ "empty", "", "customers.csv: the customers file is empty" },
		{ "header only", "recipient,customer_id,partner,csp,direct\n", "no customer rows" },
		{ "comments only", "# exported\n\n# nothing\n", "no customer rows" },
		{ "BOM and header only", "\xef\xbb\xbfrecipient,customer_id,partner,csp,direct\n",
		  "no customer rows" },
		{ "cut mid-row", "a.example,A,,no,yes\nb.example,B,,n", "customers.csv:2: the last line has no newline" },
		{ "cut after a field", "a.example,A,,no,yes\nb.example,B,,no,yes", "looks truncated" },
		{ "wildcard", "a.example,A,,no,yes\n*.b.example,B,,no,yes\n",
		  "customers.csv:2: wildcard recipient \"*.b.example\" is not supported: a domain entry "
		  "already covers every subdomain of it, so write the parent domain (\"b.example\")" },
	};
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"customers.csv\"; };\n");
	size_t i;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		const char *error = NULL;

		free(unit_write_str(dir, "customers.csv", cases[i].csv));
		if (conf_load(path, NULL, &error) != NULL)
			fail_msg("%s: loaded", cases[i].name);
		unit_expect_contains(cases[i].name, error, cases[i].want);
	}
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_customers_bom_idn - a BOM before the first row and IDN spellings all find the customer */
static void
conf_customers_bom_idn(void **state)
{
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"customers.csv\"; };\n");
	struct conf *c;
	const struct customer *cust;

	free(unit_write_str(dir, "customers.csv",
	    "\xef\xbb\xbf" "contoso.example,C-1,p@csp.example,yes,no\r\n"
	    "B\xc3\x9c" "CHER.example.,B-1,p@csp.example,yes,no\r\n"));
	c = load_ok(path, NULL);
	assert_int_equal(directory_count(c->directory), 2);
	cust = directory_lookup(c->directory, "admin@contoso.example");
	assert_non_null(cust);
	assert_string_equal(cust->customer_id, "C-1");
	cust = directory_lookup(c->directory, "admin@xn--bcher-kva.example");
	assert_non_null(cust);
	assert_string_equal(cust->customer_id, "B-1");
	assert_string_equal(cust->key, "xn--bcher-kva.example");
	conf_unref(&c);
	/* Both spellings of one domain are one key: a duplicate. */
	free(unit_write_str(dir, "customers.csv",
	    "b\xc3\xbc" "cher.example,B-1,p@csp.example,yes,no\nxn--bcher-kva.example,B-2,,no,yes\n"));
	{
		const char *error = NULL;

		assert_null(conf_load(path, NULL, &error));
		unit_expect_contains("idn duplicate", error, "customers.csv:2: duplicate recipient");
	}
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_customers_identity - the identity and the version come from the bytes read */
static void
conf_customers_identity(void **state)
{
	char *dir = unit_tmpdir_new();
	char *csv = unit_write_str(dir, "customers.csv", "a.example,A,,no,yes\n");
	char *path = write_conf(dir, "csp.conf", NULL, NULL,
	    "directory = { customers_file = \"customers.csv\"; };\n");
	struct conf *a = load_ok(path, NULL), *b;
	struct conf_file_id now;
	struct stat st;

	assert_int_equal(stat(csv, &st), 0);
	assert_int_equal(a->customers_id.exists, 1);
	assert_true(a->customers_id.ino == st.st_ino);
	assert_true(a->customers_id.size == st.st_size);
	assert_int_equal(conf_customers_now(a, &now), 0);
	assert_true(conf_file_id_equal(&now, &a->customers_id));
	free(unit_write_str(dir, "customers.csv", "b.example,B,,no,yes\n"));
	b = load_ok(path, NULL);
	/* Same size, other bytes: another version. */
	assert_string_not_equal(a->version, b->version);
	assert_int_equal(unlink(csv), 0);
	assert_int_equal(conf_customers_now(a, &now), 0);
	assert_int_equal(now.exists, 0);
	assert_false(conf_file_id_equal(&now, &a->customers_id));
	conf_unref(&a);
	conf_unref(&b);
	free(csv);
	free(path);
	unit_tmpdir_remove(&dir);
}

/* conf_check_shrink_table - a reload may lose at most max_shrink percent of the rows */
static void
conf_check_shrink_table(void **state)
{
	static const struct {
		int before, after, max_shrink, want;
	} cases[] = {
		{ 100, 100, 10, 0 },
		{ 100, 90, 10, 0 },
		{ 100, 89, 10, -1 },
		{ 100, 1, 10, -1 },
		{ 100, 150, 10, 0 },
		{ 10, 9, 10, 0 },
		{ 10, 8, 10, -1 },
		{ 100, 1, 100, 0 },
		{ 100, 99, 0, -1 },
		{ 1, 1, 0, 0 },
	};
	char *dir = unit_tmpdir_new();
	size_t i;
	int k;

	for (i = 0; i < UNIT_NELEM(cases); i++) {
		struct strbuf rows = STRBUF_INIT;
		char *extra = unit_strf("directory = { customers_file = \"customers.csv\"; "
		    "max_shrink = %d; };\n", cases[i].max_shrink);
		char *path = write_conf(dir, "csp.conf", NULL, NULL, extra);
		struct conf *old, *fresh;
		const char *error = NULL;
		char row[64];

		for (k = 0; k < cases[i].before; k++)
			strbuf_appendf(&rows, "d%d.example,D%d,,no,yes\n", k, k);
		free(unit_write_str(dir, "customers.csv", rows.data));
		old = load_ok(path, NULL);
		strbuf_reset(&rows);
		for (k = 0; k < cases[i].after; k++)
			strbuf_appendf(&rows, "d%d.example,D%d,,no,yes\n", k, k);
		free(unit_write_str(dir, "customers.csv", rows.data));
		fresh = load_ok(path, NULL);
		snprintf(row, sizeof(row), "%d -> %d at %d%%", cases[i].before, cases[i].after,
		    cases[i].max_shrink);
		unit_expect_int(row, conf_check_shrink(fresh, old, &error), cases[i].want);
		if (cases[i].want < 0) {
			unit_expect_contains(row, error, "customers.csv: ");
			unit_expect_contains(row, error, "directory.max_shrink");
			unit_expect_contains(row, error, "--accept-shrink");
		}
		conf_unref(&old);
		conf_unref(&fresh);
		strbuf_release(&rows);
		free(extra);
		free(path);
	}
	unit_tmpdir_remove(&dir);
}

/* conf_ref_unref - each holder keeps the snapshot; unref clears only the caller's pointer */
static void
conf_ref_unref(void **state)
{
	char *dir = unit_tmpdir_new();
	char *path = write_conf(dir, "csp.conf", NULL, NULL, NULL);
	struct conf *a = load_ok(path, NULL), *b, *d;

	assert_int_equal(a->refcount, 1);
	b = conf_ref(a);
	d = conf_ref(a);
	assert_ptr_equal(b, a);
	assert_ptr_equal(d, a);
	assert_int_equal(a->refcount, 3);
	conf_unref(&b);
	assert_null(b);
	assert_int_equal(a->refcount, 2);
	conf_unref(&a);
	assert_null(a);
	/* The last holder still sees a whole snapshot. */
	assert_int_equal(d->refcount, 1);
	assert_string_equal(d->path, path);
	assert_int_equal(rule_set_count(d->rules), 3);
	conf_unref(&d);
	assert_null(d);
	conf_unref(&d);
	free(path);
	unit_tmpdir_remove(&dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_load_valid),
		cmocka_unit_test(conf_load_shipped),
		cmocka_unit_test(conf_load_errors),
		cmocka_unit_test(conf_load_bad_regex_names_pcre2),
		cmocka_unit_test(conf_load_unreadable),
		cmocka_unit_test(conf_load_customers_relative),
		cmocka_unit_test(conf_load_customers_missing),
		cmocka_unit_test(conf_load_customers_error_line),
		cmocka_unit_test(conf_load_customers_duplicate_inline),
		cmocka_unit_test(conf_load_overrides),
		cmocka_unit_test(conf_load_include),
		cmocka_unit_test(conf_is_vendor_table),
		cmocka_unit_test(conf_customers_changed_rewrite),
		cmocka_unit_test(conf_customers_changed_rename),
		cmocka_unit_test(conf_customers_changed_inline),
		cmocka_unit_test(conf_ref_unref),
		cmocka_unit_test(conf_vendor_forms),
		cmocka_unit_test(conf_customers_refused),
		cmocka_unit_test(conf_customers_bom_idn),
		cmocka_unit_test(conf_customers_identity),
		cmocka_unit_test(conf_check_shrink_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
