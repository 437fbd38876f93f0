/* test_snapshot - unit tests for the config's life in the daemon */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "conf.h"
#include "directory.h"
#include "rule.h"
#include "snapshot.h"
#include "strbuf.h"
#include "unit.h"

static const char conf_head[] =
    "vendor = { domains = [ \"vendor.example\" ]; };\n"
    "classes = {\n"
    "\tsubscription = { threshold = 3; rules = ( { id = \"sub.invoice\"; pattern = \"invoice\"; weight = 3; } ); };\n"
    "\tincident = { threshold = 2; rules = ( { id = \"inc.outage\"; pattern = \"outage\"; weight = 2; } ); };\n"
    "};\n";

/* A fixture: a directory with a config and its customers file. */
struct fixture {
	char *dir, *conf, *csv;
};

/* rows - n valid customer rows */
static char *
rows(int n)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < n; i++)
		strbuf_appendf(&sb, "c%d.example,C%d,,no,yes\n", i, i);
	return strbuf_detach(&sb, NULL);
}

/* fixture_new - a config with settle_time 0 and max_shrink as given, n customers */
static void
fixture_new(struct fixture *f, int n, int max_shrink)
{
	char *text = unit_strf("%sdirectory = { customers_file = \"customers.csv\"; settle_time = 0; "
	    "max_shrink = %d; };\n", conf_head, max_shrink);
	char *csv = rows(n);

	f->dir = unit_tmpdir_new();
	f->conf = unit_write_str(f->dir, "csp.conf", text);
	f->csv = unit_write_str(f->dir, "customers.csv", csv);
	free(text);
	free(csv);
}

static void
fixture_free(struct fixture *f)
{
	free(f->conf);
	free(f->csv);
	unit_tmpdir_remove(&f->dir);
}

/* replace_csv - write a new customers file beside and rename it over the old one (a new inode) */
static void
replace_csv(struct fixture *f, const char *text)
{
	char *tmp = unit_write_str(f->dir, "customers.csv.new", text);

	if (rename(tmp, f->csv) != 0)
		fail_msg("rename %s", tmp);
	free(tmp);
}

/* open_ok - a snapshot of the fixture */
static struct snapshot *
open_ok(const char *path)
{
	const char *error = NULL;
	struct snapshot *s = snapshot_open(path, NULL, &error);

	if (s == NULL)
		fail_msg("snapshot_open %s: %s", path, error);
	return s;
}

/* live_customers - how many customers the live config has */
static size_t
live_customers(struct snapshot *s)
{
	struct conf *c = snapshot_pin(s);
	size_t n = directory_count(c->directory);

	conf_unref(&c);
	return n;
}

static struct snapshot_stats
stats(struct snapshot *s)
{
	struct snapshot_stats st;

	snapshot_get_stats(s, &st);
	return st;
}

/* snapshot_open_relative - a relative config path keeps reloading after the directory changes */
static void
snapshot_open_relative(void **state)
{
	struct fixture f;
	struct snapshot *s;
	char cwd[4096];
	char *want;

	fixture_new(&f, 3, 10);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f.dir), 0);
	s = open_ok("csp.conf");
	assert_int_equal(chdir("/"), 0);	/* as daemon() does */
	want = unit_strf("%s/csp.conf", f.dir);
	assert_string_equal(snapshot_path(s), want);
	free(want);
	replace_csv(&f, "a.example,A,,no,yes\nb.example,B,,no,yes\nc.example,C,,no,yes\nd.example,D,,no,yes\n");
	assert_int_equal(snapshot_reload(s, "test", 0), 0);
	assert_int_equal(live_customers(s), 4);
	snapshot_free(&s);
	assert_null(s);
	assert_int_equal(chdir(cwd), 0);
	fixture_free(&f);
}

/* snapshot_reload_then_stop - a config pinned before a reload and the stop stays whole after both */
static void
snapshot_reload_then_stop(void **state)
{
	const char *error;
	struct fixture f;
	struct snapshot *s;
	struct conf *c;
	char *more = rows(4);

	fixture_new(&f, 3, 10);
	s = open_ok(f.conf);
	assert_int_equal(snapshot_start(s, &error), 0);
	c = snapshot_pin(s);
	replace_csv(&f, more);
	snapshot_request_reload(s, "test", 0);
	snapshot_wait_idle(s);
	assert_int_equal(live_customers(s), 4);
	assert_int_equal(stats(s).published, 2);
	snapshot_request_reload(s, "test again", 0);
	snapshot_free(&s);	/* stops while a reload may be pending */
	/* The pinned config is the first one, still whole. */
	assert_int_equal(directory_count(c->directory), 3);
	assert_int_equal(strlen(c->version), 16);
	conf_unref(&c);
	free(more);
	fixture_free(&f);
}

struct storm {
	struct snapshot *snap;
	int rounds;
	int bad;		/* pins that saw something impossible */
};

/* storm_pinner - pin, read, unpin, over and over */
static void *
storm_pinner(void *arg)
{
	struct storm *st = arg;
	struct conf *c;
	size_t n;
	int i;

	for (i = 0; i < st->rounds; i++) {
		c = snapshot_pin(st->snap);
		n = directory_count(c->directory);
		if ((n != 5 && n != 6) || strlen(c->version) != 16 || rule_set_count(c->rules) != 2)
			__atomic_add_fetch(&st->bad, 1, __ATOMIC_RELAXED);
		conf_unref(&c);
	}
	return NULL;
}

/* snapshot_reload_storm - threads pinning while reloads swap and the worker builds prefilters */
static void
snapshot_reload_storm(void **state)
{
	struct storm st = { NULL, 3000, 0 };
	pthread_t tid[4];
	const char *error;
	struct fixture f;
	struct conf *c;
	char *five = rows(5), *six = rows(6);
	int i, reloads = 40;

	fixture_new(&f, 5, 50);
	st.snap = open_ok(f.conf);
	assert_int_equal(snapshot_start(st.snap, &error), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, storm_pinner, &st), 0);
	for (i = 0; i < reloads; i++) {
		replace_csv(&f, i % 2 ? five : six);
		if (i % 3 == 0)
			snapshot_request_reload(st.snap, "storm, by the worker", 0);
		else
			assert_int_equal(snapshot_reload(st.snap, "storm", 0), 0);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	snapshot_wait_idle(st.snap);
	assert_int_equal(st.bad, 0);
	assert_true(stats(st.snap).published >= (unsigned long)reloads * 2 / 3);
	assert_int_equal(stats(st.snap).refused, 0);
	c = snapshot_pin(st.snap);
	assert_true(rule_set_prefiltered(c->rules));
	conf_unref(&c);
	snapshot_free(&st.snap);
	free(five);
	free(six);
	fixture_free(&f);
}

/* snapshot_bad_file_tried_once - a refused customers file is not read again until it changes */
static void
snapshot_bad_file_tried_once(void **state)
{
	struct fixture f;
	struct snapshot *s;
	char *good = rows(4);

	fixture_new(&f, 3, 10);
	s = open_ok(f.conf);
	(void)snapshot_work(s);		/* the first prefilter build */
	assert_int_equal(snapshot_watch(s, 1), 0);	/* unchanged */
	replace_csv(&f, "a.example,A,,no,Y\n");
	assert_int_equal(snapshot_watch(s, 2), 1);
	assert_int_equal(snapshot_work(s), 1);
	assert_int_equal(stats(s).refused, 1);
	assert_int_equal(snapshot_watch(s, 3), 0);
	assert_int_equal(snapshot_watch(s, 4), 0);
	assert_int_equal(snapshot_work(s), 0);
	assert_int_equal(stats(s).refused, 1);
	/* Changed, still bad: tried once more. */
	replace_csv(&f, "a.example,A,,no,N\nb.example,B,,no,yes\n");
	assert_int_equal(snapshot_watch(s, 5), 1);
	assert_int_equal(snapshot_work(s), 1);
	assert_int_equal(stats(s).refused, 2);
	assert_int_equal(snapshot_watch(s, 6), 0);
	/* Fixed: published. */
	replace_csv(&f, good);
	assert_int_equal(snapshot_watch(s, 7), 1);
	assert_true(snapshot_work(s) >= 1);
	assert_int_equal(live_customers(s), 4);
	assert_int_equal(snapshot_watch(s, 8), 0);
	/* Twice in the same second: one look only. */
	replace_csv(&f, "a.example,A,,no,Y\n");
	assert_int_equal(snapshot_watch(s, 8), 0);
	assert_int_equal(snapshot_watch(s, 9), 1);
	snapshot_free(&s);
	free(good);
	fixture_free(&f);
}

/*
 * snapshot_refused_identity_is_the_one_read - the watcher saw one bad
 * file, another replaced it before the reload opened it: the refusal
 * remembers the file read, so that one is not tried again.
 */
static void
snapshot_refused_identity_is_the_one_read(void **state)
{
	struct fixture f;
	struct snapshot *s;

	fixture_new(&f, 3, 10);
	s = open_ok(f.conf);
	replace_csv(&f, "a.example,A,,no,Y\n");
	assert_int_equal(snapshot_watch(s, 1), 1);
	replace_csv(&f, "b.example,B,,maybe,yes\nc.example,C,,no,yes\n");
	assert_true(snapshot_work(s) >= 1);
	assert_int_equal(stats(s).refused, 1);
	assert_int_equal(snapshot_watch(s, 2), 0);
	assert_int_equal(snapshot_watch(s, 3), 0);
	assert_int_equal(stats(s).refused, 1);
	assert_int_equal(live_customers(s), 3);
	snapshot_free(&s);
	fixture_free(&f);
}

/* snapshot_settle - a changed file is reloaded only once it kept its identity for settle_time */
static void
snapshot_settle(void **state)
{
	struct fixture f;
	struct snapshot *s;
	char *text = unit_strf("%sdirectory = { customers_file = \"customers.csv\"; settle_time = 5; };\n",
	    conf_head);
	char *four = rows(4), *five = rows(5);

	fixture_new(&f, 3, 10);
	free(unit_write_str(f.dir, "csp.conf", text));
	s = open_ok(f.conf);
	replace_csv(&f, four);
	assert_int_equal(snapshot_watch(s, 100), 0);	/* seen */
	assert_int_equal(snapshot_watch(s, 103), 0);
	replace_csv(&f, five);				/* still being written */
	assert_int_equal(snapshot_watch(s, 104), 0);
	assert_int_equal(snapshot_watch(s, 108), 0);
	assert_int_equal(snapshot_watch(s, 109), 1);	/* five seconds unchanged */
	assert_true(snapshot_work(s) >= 1);
	assert_int_equal(live_customers(s), 5);
	snapshot_free(&s);
	free(text);
	free(four);
	free(five);
	fixture_free(&f);
}

/* snapshot_shrink - a lost share of rows beyond max_shrink is refused unless accepted once */
static void
snapshot_shrink(void **state)
{
	struct fixture f;
	struct snapshot *s;

	fixture_new(&f, 10, 10);
	s = open_ok(f.conf);
	replace_csv(&f, "a.example,A,,no,yes\n");
	assert_int_equal(snapshot_reload(s, "test", 0), -1);
	assert_int_equal(live_customers(s), 10);
	assert_int_equal(snapshot_watch(s, 1), 0);	/* the refused file is not tried again */
	assert_int_equal(snapshot_reload(s, "test, accepting a shrink", 1), 0);
	assert_int_equal(live_customers(s), 1);
	snapshot_free(&s);
	fixture_free(&f);
}

/*
 * snapshot_prefilter_shared_before_publish - a reload with the same rules
 * is published with its prefilters in place: nothing writes its rule set
 * after other threads can see it.
 */
static void
snapshot_prefilter_shared_before_publish(void **state)
{
	struct fixture f;
	struct snapshot *s;
	struct conf *c;
	char *four = rows(4);

	fixture_new(&f, 3, 10);
	s = open_ok(f.conf);
	c = snapshot_pin(s);
	assert_false(rule_set_prefiltered(c->rules));
	conf_unref(&c);
	assert_int_equal(snapshot_work(s), 1);
	assert_int_equal(stats(s).built, 1);
	replace_csv(&f, four);
	assert_int_equal(snapshot_reload(s, "test", 0), 0);
	c = snapshot_pin(s);
	assert_true(rule_set_prefiltered(c->rules));
	conf_unref(&c);
	assert_int_equal(snapshot_work(s), 0);	/* nothing left to build */
	assert_int_equal(stats(s).built, 1);
	snapshot_free(&s);
	free(four);
	fixture_free(&f);
}

/* snapshot_open_bad - a bad config is refused at open with FILE:LINE */
static void
snapshot_open_bad(void **state)
{
	const char *error = NULL;
	struct fixture f;

	fixture_new(&f, 3, 10);
	free(unit_write_str(f.dir, "csp.conf", "vendor = { domains = [ \"x\" ] }\nnonsense;\n"));
	assert_null(snapshot_open(f.conf, NULL, &error));
	unit_expect_contains("error", error, "csp.conf:");
	fixture_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_open_relative),
		cmocka_unit_test(snapshot_open_bad),
		cmocka_unit_test(snapshot_reload_then_stop),
		cmocka_unit_test(snapshot_reload_storm),
		cmocka_unit_test(snapshot_bad_file_tried_once),
		cmocka_unit_test(snapshot_refused_identity_is_the_one_read),
		cmocka_unit_test(snapshot_settle),
		cmocka_unit_test(snapshot_shrink),
		cmocka_unit_test(snapshot_prefilter_shared_before_publish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
