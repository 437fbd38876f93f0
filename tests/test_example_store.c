/* test_example_store - the examples file, its index, classification with examples, the config block */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "audit.h"
#include "classify.h"
#include "cli_examples.h"
#include "conf.h"
#include "example_store.h"
#include "fingerprint.h"
#include "msg_features.h"
#include "msg_text.h"
#include "rule.h"
#include "scan.h"
#include "unit.h"

/* make_text - a decoded message */
static struct msg_text *
make_text(const char *subject, const char *body)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);

	if (subject != NULL)
		msg_text_add_header(mt, "Subject", subject, strlen(subject));
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
	return mt;
}

/* text_fp - the fingerprint of a subject and body */
static void
text_fp(const char *subject, const char *body, struct fingerprint *fp)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct msg_text *mt = make_text(subject, body);

	assert_int_equal(fingerprint_message(s, mt, fp), 0);
	msg_text_free(&mt);
	msg_features_scratch_free(&s);
}

static const char outage_body[] =
	"Summary of impact: between 09:10 and 11:45 UTC a subset of customers using Object "
	"Storage in eu-west-1 experienced elevated error rates. Root cause: a configuration "
	"change to the storage front end caused requests to time out. The change was rolled "
	"back and the service recovered.\n";
static const char invoice_body[] =
	"Your invoice INV-2026-004211 for the billing period ending March 31, 2026 is now "
	"available. The total amount due is $1,204.50 and will be charged to the payment method "
	"on file. You can download the invoice as a PDF in the billing portal.\n";
static const char welcome_body[] =
	"Welcome to the community forum. Introduce yourself in the newcomers board, read the "
	"code of conduct and pick the topics you want to follow from your profile page.\n";

/* info_of - an example_info for the store */
static struct example_info
info_of(enum csp_class c, const char *by, const char *source, const char *note)
{
	struct example_info info;

	memset(&info, 0, sizeof(info));
	info.class = c;
	info.taught_by = by;
	info.source = source;
	info.note = note;
	return info;
}

struct listed {
	int n;
	long long id[8];
	char line[8][256];
};

/* iso_utc - "YYYY-MM-DDTHH:MM:SSZ" */
static int
iso_utc(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	if (strlen(t) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != shape[i])
			return 0;
	return 1;
}

/* on_list - collect the listed examples */
static void
on_list(void *ctx, const struct example_info *info)
{
	struct listed *l = ctx;

	if (l->n < 8) {
		l->id[l->n] = (long long)info->id;
		snprintf(l->line[l->n], sizeof(l->line[0]), "%s|%s|%s|%s|%s",
		    csp_class_name(info->class), info->taught_by,
		    iso_utc(info->taught_at) ? "ISO" : info->taught_at, info->source, info->note);
	}
	l->n++;
}

/* example_store_round_trip - learn, list and forget through a file made on first use */
static void
example_store_round_trip(void **state)
{
	char *dir = unit_tmpdir_new(), *path = unit_strf("%s/examples.db", dir);
	struct example_store *st;
	struct example_info info;
	struct fingerprint fp;
	struct listed l;
	const char *error = NULL;
	int64_t id1, id2, id3;

	(void)state;
	text_fp("Outage", outage_body, &fp);
	/* Without create, a missing file is an error naming it. */
	assert_null(example_store_open(path, 0, &error));
	unit_expect_contains("open missing", error, path);
	st = example_store_open(path, 1, &error);
	assert_non_null(st);
	info = info_of(CLASS_INCIDENT, "ops", "q1.eml", "storage outage");
	assert_int_equal(example_store_add(st, &info, &fp, &id1, &error), 0);
	info = info_of(CLASS_SUBSCRIPTION, "alice", "4XyZ1abc", "");
	assert_int_equal(example_store_add(st, &info, &fp, &id2, &error), 0);
	info = info_of(CLASS_OTHER, "bob", "q3.eml", "forum");
	assert_int_equal(example_store_add(st, &info, &fp, &id3, &error), 0);
	assert_true(id1 < id2 && id2 < id3);
	example_store_close(&st);
	assert_null(st);

	/* Opened again: the rows are there, in id order. */
	st = example_store_open(path, 0, &error);
	assert_non_null(st);
	memset(&l, 0, sizeof(l));
	assert_int_equal(example_store_list(st, on_list, &l, &error), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.id[0], id1);
	unit_expect_str("row 1", l.line[0], "incident|ops|ISO|q1.eml|storage outage");
	unit_expect_str("row 2", l.line[1], "subscription|alice|ISO|4XyZ1abc|");
	assert_int_equal(example_store_forget(st, id2, &error), 1);
	assert_int_equal(example_store_forget(st, id2, &error), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(example_store_list(st, on_list, &l, &error), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.id[1], id3);
	/* An id is never given again, even after the newest is forgotten: records name examples. */
	assert_int_equal(example_store_forget(st, id3, &error), 1);
	info = info_of(CLASS_OTHER, "bob", "q4.eml", "");
	assert_int_equal(example_store_add(st, &info, &fp, &id2, &error), 0);
	assert_true(id2 > id3);
	example_store_close(&st);
	unit_tmpdir_remove(&dir);
	free(path);
}

/* example_store_transaction - a rolled-back batch leaves nothing behind */
static void
example_store_transaction(void **state)
{
	char *dir = unit_tmpdir_new(), *path = unit_strf("%s/examples.db", dir);
	struct example_store *st;
	struct example_info info = info_of(CLASS_INCIDENT, "ops", "a", "");
	struct fingerprint fp;
	struct listed l;
	const char *error = NULL;
	int64_t id;

	(void)state;
	text_fp("Outage", outage_body, &fp);
	st = example_store_open(path, 1, &error);
	assert_non_null(st);
	assert_int_equal(example_store_begin(st, &error), 0);
	assert_int_equal(example_store_add(st, &info, &fp, &id, &error), 0);
	example_store_rollback(st);
	memset(&l, 0, sizeof(l));
	assert_int_equal(example_store_list(st, on_list, &l, &error), 0);
	assert_int_equal(l.n, 0);
	example_store_close(&st);
	unit_tmpdir_remove(&dir);
	free(path);
}

/* sql - run a statement on a file behind the store's back */
static void
sql(const char *path, const char *stmt)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* make_store - a file with one incident example of outage_body */
static char *
make_store(const char *dir)
{
	char *path = unit_strf("%s/examples.db", dir);
	struct example_info info = info_of(CLASS_INCIDENT, "ops", "q1.eml", "");
	struct example_store *st;
	struct fingerprint fp;
	const char *error = NULL;
	int64_t id;

	text_fp("Outage", outage_body, &fp);
	st = example_store_open(path, 1, &error);
	assert_non_null(st);
	assert_int_equal(example_store_add(st, &info, &fp, &id, &error), 0);
	example_store_close(&st);
	return path;
}

/* example_index_load_errors - each bad file is refused with "FILE: what" */
static void
example_index_load_errors(void **state)
{
	static const struct {
		const char *name;
		const char *setup;	/* SQL run on a good file; NULL: the file is garbage */
		const char *want;
	} cases[] = {
		{ "garbage", NULL, "file is not a database" },
		{ "schema version", "PRAGMA user_version = 7", "examples file version 7" },
		{ "not ours", "PRAGMA application_id = 1", "not a csp-milter examples file" },
		{ "fingerprint version", "UPDATE examples SET fp_version = 99",
		  "example 1 has fingerprint version 99" },
		{ "short signature", "UPDATE examples SET signature = x'0102'",
		  "example 1: a signature of 2 bytes" },
		{ "unknown class", "UPDATE examples SET class = 'billing'",
		  "example 1: unknown class \"billing\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		char *dir = unit_tmpdir_new(), *path;
		const char *error = NULL;
		int missing = -1;

		if (cases[i].setup == NULL)
			path = unit_write_str(dir, "examples.db", "this is not a database, it is text\n"
			    "and more text, long enough to look like a page header.......\n");
		else {
			path = make_store(dir);
			sql(path, cases[i].setup);
		}
		if (example_index_load(path, 0.6, &missing, &error) != NULL)
			fail_msg("%s: loaded", cases[i].name);
		unit_expect_contains(cases[i].name, error, path);
		unit_expect_contains(cases[i].name, error, cases[i].want);
		unit_tmpdir_remove(&dir);
		free(path);
	}
}

/* example_index_load_missing - no file yet: an empty memory, and the caller told */
static void
example_index_load_missing(void **state)
{
	char *dir = unit_tmpdir_new(), *path = unit_strf("%s/none.db", dir);
	struct example_index *ix;
	struct example_hit best[CLASS_COUNT];
	struct fingerprint fp;
	const char *error = NULL;
	int missing = 0;

	(void)state;
	ix = example_index_load(path, 0.6, &missing, &error);
	assert_non_null(ix);
	assert_int_equal(missing, 1);
	assert_int_equal(example_index_count(ix), 0);
	text_fp("Outage", outage_body, &fp);
	assert_int_equal(example_index_lookup(ix, &fp, best), 0);
	assert_int_equal(best[CLASS_INCIDENT].slot, EXAMPLE_NONE);
	example_index_free(&ix);
	unit_tmpdir_remove(&dir);
	free(path);
}

/* example_index_bands_chosen - r is the largest that still finds min_similarity with p >= 0.98 */
static void
example_index_bands_chosen(void **state)
{
	static const double sims[] = { 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 };
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(sims); i++) {
		struct example_index *ix = example_index_new(sims[i]);
		int b, r;

		example_index_bands(ix, &b, &r);
		assert_int_equal(b, FINGERPRINT_BINS / r);
		assert_true(example_index_candidate_p(sims[i], b, r) >= EXAMPLE_CANDIDATE_P);
		if (r < FINGERPRINT_BINS)
			assert_true(example_index_candidate_p(sims[i], FINGERPRINT_BINS / (r + 1),
			    r + 1) < EXAMPLE_CANDIDATE_P);
		example_index_free(&ix);
	}
}

/* perturb - a copy of fp agreeing on exactly keep bins, the others at random positions */
static void
perturb(const struct fingerprint *fp, int keep, struct fingerprint *out)
{
	int pos[FINGERPRINT_BINS], i, j, t;

	*out = *fp;
	for (i = 0; i < FINGERPRINT_BINS; i++)
		pos[i] = i;
	for (i = FINGERPRINT_BINS - 1; i > 0; i--) {
		j = (int)(random() % (i + 1));
		t = pos[i];
		pos[i] = pos[j];
		pos[j] = t;
	}
	for (i = keep; i < FINGERPRINT_BINS; i++)
		out->bin[pos[i]] = (uint16_t)(fp->bin[pos[i]] + 1 + random() % 60000);
}

/* example_index_lookup_recall - similar enough is found (nearly always), verified, best per class */
static void
example_index_lookup_recall(void **state)
{
	struct example_index *ix = example_index_new(0.7);
	struct example_info info = info_of(CLASS_SUBSCRIPTION, "ops", "x", "");
	struct example_hit best[CLASS_COUNT];
	struct fingerprint base, fp[200], q;
	int i, found = 0, min_agree = example_index_min_agreement(ix);

	(void)state;
	srandom(7);
	text_fp("Invoice", invoice_body, &base);
	/* 200 examples of various classes, each a loose relative of the base. */
	for (i = 0; i < 200; i++) {
		perturb(&base, (int)(random() % 30), &fp[i]);
		info.id = i + 1;
		info.class = (enum csp_class)(i % CLASS_COUNT);
		example_index_add(ix, &info, &fp[i]);
	}
	example_index_seal(ix);
	assert_int_equal(min_agree, 45);	/* ceil(0.7 x 64) */
	/* Queries at similarity 0.75 to example i: found nearly always, never below the threshold. */
	for (i = 0; i < 200; i++) {
		perturb(&fp[i], 48, &q);
		example_index_lookup(ix, &q, best);
		if (best[i % CLASS_COUNT].slot != EXAMPLE_NONE) {
			assert_true(best[i % CLASS_COUNT].agreement >= min_agree);
			found += best[i % CLASS_COUNT].slot == (uint32_t)i;
		}
	}
	assert_true(found >= 190);
	/* Below the threshold nothing is reported, however many bands agree. */
	perturb(&fp[0], min_agree - 1, &q);
	example_index_lookup(ix, &q, best);
	if (best[0].slot != EXAMPLE_NONE)
		assert_true(best[0].agreement >= min_agree && best[0].slot != 0);
	example_index_free(&ix);
}

/* example_index_lookup_best - the closest example of a class wins; on a tie the lowest id */
static void
example_index_lookup_best(void **state)
{
	struct example_index *ix = example_index_new(0.6);
	struct example_info info = info_of(CLASS_INCIDENT, "ops", "x", "");
	struct example_hit best[CLASS_COUNT];
	struct example_info got;
	struct fingerprint fp, near, nearer;
	struct strbuf sb = STRBUF_INIT;
	int i;

	(void)state;
	text_fp("Outage", outage_body, &fp);
	near = nearer = fp;
	for (i = 0; i < 20; i++)
		near.bin[i]++;
	for (i = 0; i < 5; i++)
		nearer.bin[i]++;
	info.id = 30;
	example_index_add(ix, &info, &near);
	info.id = 20;
	info.taught_at = "2026-12-01T09:30:00Z";
	example_index_add(ix, &info, &nearer);
	info.id = 10;
	example_index_add(ix, &info, &nearer);	/* the same, an older id */
	example_index_seal(ix);
	example_index_lookup(ix, &fp, best);
	assert_int_not_equal(best[CLASS_INCIDENT].slot, EXAMPLE_NONE);
	assert_int_equal(best[CLASS_INCIDENT].agreement, FINGERPRINT_BINS - 5);
	example_index_info(ix, best[CLASS_INCIDENT].slot, &got);
	assert_int_equal(got.id, 10);
	assert_int_equal(best[CLASS_SUBSCRIPTION].slot, EXAMPLE_NONE);
	example_index_describe(ix, best[CLASS_INCIDENT].slot, 0.86, &sb);
	unit_expect_str("describe", sb.data,
	    "like example 10, taught as incident by ops on 2026-12-01, similarity 0.86");
	strbuf_release(&sb);
	example_index_free(&ix);
}

/* build_rules - one subscription rule on the subject */
static struct rule_set *
build_rules(void)
{
	struct rule_set *rs = rule_set_new(100000, 10000);
	struct rule_spec spec;
	const char *error = NULL;

	memset(&spec, 0, sizeof(spec));
	spec.id = "sub.invoice";
	spec.class_index = CLASS_SUBSCRIPTION;
	assert_int_equal(rule_target_parse("subject", &spec.target, &spec.header), 0);
	spec.pattern = "invoice";
	spec.weight = 3;
	spec.caseless = 1;
	spec.file = "test.conf";
	spec.line = 1;
	if (rule_set_add(rs, &spec, &error) < 0)
		fail_msg("%s", error);
	return rs;
}

/* classify_one - classify subject + body with an index of examples */
static void
classify_one(const struct example_index *ix, const char *subject, const char *body,
    struct classify_result *res)
{
	struct rule_set *rs = build_rules();
	struct rule_scratch *scratch = rule_scratch_new();
	struct classify_params p;
	struct msg_text *mt = make_text(subject, body);

	memset(&p, 0, sizeof(p));
	p.rules = rs;
	p.threshold[CLASS_SUBSCRIPTION] = 3;
	p.threshold[CLASS_INCIDENT] = 3;
	p.threshold[CLASS_NON_CSP] = 3;
	p.precedence[0] = CLASS_SUBSCRIPTION;
	p.precedence[1] = CLASS_NON_CSP;
	p.precedence[2] = CLASS_INCIDENT;
	p.excerpt_max = 40;
	p.examples = ix;
	p.examples_weight = 5;
	classify_message(&p, mt, scratch, res);
	msg_text_free(&mt);
	rule_scratch_free(&scratch);
	rule_set_free(&rs);
}

/* classify_message_examples - an example adds weight x similarity; precedence still decides */
static void
classify_message_examples(void **state)
{
	struct example_index *ix = example_index_new(0.6);
	struct example_info info = info_of(CLASS_INCIDENT, "ops", "x", "");
	struct classify_result res;
	struct fingerprint fp, part;
	int i;

	(void)state;
	/* The incident example, taught with an invoice subject, and a partial copy. */
	text_fp("Your invoice", outage_body, &fp);
	info.id = 1;
	example_index_add(ix, &info, &fp);
	text_fp("Welcome", welcome_body, &part);
	for (i = 0; i < 16; i++)
		part.bin[i]++;	/* agreement 48 of 64: similarity 0.75 */
	info.id = 2;
	info.class = CLASS_NON_CSP;
	example_index_add(ix, &info, &part);
	text_fp("Invoice", invoice_body, &fp);
	info.id = 3;
	info.class = CLASS_OTHER;
	example_index_add(ix, &info, &fp);
	example_index_seal(ix);
	classify_result_init(&res);

	/* Like the incident example, and no rule: incident, 5 points. */
	classify_one(ix, "Your outage", outage_body, &res);
	text_fp("Your outage", outage_body, &fp);
	assert_int_equal(res.example_count, 1);
	assert_int_equal(res.examples[0].id, 1);
	assert_int_equal(res.examples[0].class, CLASS_INCIDENT);
	assert_int_equal(res.score[CLASS_INCIDENT], res.examples[0].points);
	assert_true(res.examples[0].points == lround(5 * res.examples[0].similarity));
	assert_int_equal(res.class, res.score[CLASS_INCIDENT] >= 3 ? CLASS_INCIDENT : CLASS_OTHER);

	/* The same text under the subject it was taught with: the rule sees "invoice" too. */
	classify_one(ix, "Your invoice", outage_body, &res);
	assert_int_equal(res.score[CLASS_INCIDENT], 5);
	assert_int_equal(res.score[CLASS_SUBSCRIPTION], 3);
	assert_int_equal(res.class, CLASS_SUBSCRIPTION);	/* compliance precedence */

	/* Similarity 0.75: lround(5 x 0.75) = 4 points to non_csp. */
	classify_one(ix, "Welcome", welcome_body, &res);
	assert_int_equal(res.example_count, 1);
	assert_true(res.examples[0].similarity == 0.75);
	assert_int_equal(res.score[CLASS_NON_CSP], 4);
	assert_int_equal(res.class, CLASS_NON_CSP);

	/* An "other" example is shown but adds nothing: it cannot take a message out of a class. */
	classify_one(ix, "Invoice", invoice_body, &res);
	assert_int_equal(res.example_count, 1);
	assert_int_equal(res.examples[0].class, CLASS_OTHER);
	assert_int_equal(res.examples[0].points, 0);
	assert_int_equal(res.score[CLASS_SUBSCRIPTION], 3);
	assert_int_equal(res.class, CLASS_SUBSCRIPTION);

	/* Without examples nothing is added. */
	classify_one(NULL, "Your outage", outage_body, &res);
	assert_int_equal(res.example_count, 0);
	assert_int_equal(res.score[CLASS_INCIDENT], 0);
	classify_result_release(&res);
	example_index_free(&ix);
}

static const char base_conf[] =
	"vendor = { domains = [ \"vendor.example\" ]; };\n"
	"classes = { subscription = { threshold = 3; rules = ( { id = \"sub.invoice\"; "
	"pattern = \"invoice\"; weight = 3; } ); }; };\n";

/* conf_block_examples_errors - bad settings are FILE:LINE errors; a bad file names the file */
static void
conf_block_examples_errors(void **state)
{
	static const struct {
		const char *block;
		const char *want;
	} cases[] = {
		{ "examples = { file = \"ex.db\"; min_similarity = 0.3; };",
		  "csp.conf:3: min_similarity must be a number from 0.5 to 1" },
		{ "examples = { file = \"ex.db\"; min_similarity = \"high\"; };",
		  "csp.conf:3: min_similarity must be a number from 0.5 to 1" },
		{ "examples = { file = \"ex.db\"; weight = -1; };", "csp.conf:3:" },
		{ "examples = { weight = 5; };", "csp.conf:3: examples needs file" },
		{ "examples = { file = \"ex.db\"; size = 5; };", "csp.conf:3:" },
		{ "examples = { file = \"bad.db\"; };", "bad.db: file is not a database" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		char *dir = unit_tmpdir_new();
		char *text = unit_strf("%s%s\n", base_conf, cases[i].block);
		char *path = unit_write_str(dir, "csp.conf", text);
		char *bad = unit_write_str(dir, "bad.db", "not a database at all, just some text that "
		    "is long enough to be read as a header of a page................\n");
		const char *error = NULL;
		struct conf *c = conf_load(path, NULL, &error);

		if (c != NULL)
			fail_msg("%s: loaded", cases[i].block);
		unit_expect_contains(cases[i].block, error, cases[i].want);
		unit_tmpdir_remove(&dir);
		free(text);
		free(path);
		free(bad);
	}
}

/* conf_block_examples_load - the block's file loads into the index; a missing file is empty memory */
static void
conf_block_examples_load(void **state)
{
	char *dir = unit_tmpdir_new(), *db, *text, *path;
	struct conf_overrides ov = { NULL, NULL, 0, 1 };
	const char *error = NULL;
	struct conf *c;

	(void)state;
	text = unit_strf("%sexamples = { file = \"examples.db\"; weight = 7; min_similarity = 0.8; };\n",
	    base_conf);
	path = unit_write_str(dir, "csp.conf", text);
	c = conf_load(path, NULL, &error);
	if (c == NULL)
		fail_msg("%s", error);
	assert_non_null(c->examples);
	assert_int_equal(example_index_count(c->examples), 0);
	assert_ptr_equal(c->classify.examples, c->examples);
	conf_unref(&c);
	db = make_store(dir);
	c = conf_load(path, NULL, &error);
	if (c == NULL)
		fail_msg("%s", error);
	assert_int_equal(example_index_count(c->examples), 1);
	assert_int_equal(c->classify.examples_weight, 7);
	assert_true(c->examples_min_similarity == 0.8);
	unit_expect_str("file", c->examples_file, db);
	conf_unref(&c);
	/* The commands that write the file do not load it. */
	c = conf_load(path, &ov, &error);
	assert_non_null(c);
	assert_null(c->examples);
	assert_null(c->classify.examples);
	conf_unref(&c);
	unit_tmpdir_remove(&dir);
	free(db);
	free(text);
	free(path);
}

/* cli_examples_learn_message_audit - taught from bytes; the next like it shows the example in the record */
static void
cli_examples_learn_message_audit(void **state)
{
	static const char msg[] =
	    "From: Vendor Cloud <status@vendor.example>\r\n"
	    "To: admin@contoso.example\r\n"
	    "Subject: [Resolved] storage degradation\r\n"
	    "\r\n"
	    "Summary of impact: between 09:10 and 11:45 UTC a subset of customers using Object\r\n"
	    "Storage in eu-west-1 experienced elevated error rates. Root cause: a configuration\r\n"
	    "change to the storage front end caused requests to time out. The change was rolled\r\n"
	    "back and the service recovered.\r\n";
	static const char empty[] = "From: a@vendor.example\r\nSubject: \r\n\r\n ... \r\n";
	char *dir = unit_tmpdir_new(), *text, *path;
	struct cli_examples_teacher who = { "ops", "outage notices" };
	struct audit_event ev = { "4ABC123", "127.0.0.1", "deliver", 10, "" };
	struct strbuf rec = STRBUF_INIT, line = STRBUF_INIT;
	const char *error = NULL;
	struct conf *c;
	struct scan *scan;
	int64_t id = 0;

	(void)state;
	text = unit_strf("%sexamples = { file = \"examples.db\"; };\n", base_conf);
	path = unit_write_str(dir, "csp.conf", text);
	c = conf_load(path, NULL, &error);
	if (c == NULL)
		fail_msg("%s", error);
	/* Before anything is taught: no "examples" key. */
	scan = scan_new();
	scan_begin(scan, c);
	scan_set_sender(scan, "<status@vendor.example>");
	scan_add_rcpt(scan, "<admin@contoso.example>");
	scan_raw(scan, msg, sizeof(msg) - 1);
	scan_decide(scan, 0);
	audit_record_build(&rec, scan_result(scan), &ev);
	assert_null(strstr(rec.data, "\"examples\""));
	assert_int_equal(cli_examples_learn_message(c, CLASS_INCIDENT, &who, "4XyZ1abc", msg,
	    sizeof(msg) - 1, &id, &error), 0);
	assert_int_equal(id, 1);
	assert_int_equal(cli_examples_learn_message(c, CLASS_INCIDENT, &who, "4XyZ1abd", empty,
	    sizeof(empty) - 1, &id, &error), -1);
	unit_expect_contains("no text", error, "4XyZ1abd: no text to learn from");
	conf_unref(&c);

	/* The reload: a new snapshot reads the file again. */
	c = conf_load(path, NULL, &error);
	if (c == NULL)
		fail_msg("%s", error);
	assert_int_equal(example_index_count(c->examples), 1);
	scan_begin(scan, c);
	scan_set_sender(scan, "<status@vendor.example>");
	scan_add_rcpt(scan, "<admin@contoso.example>");
	scan_raw(scan, msg, sizeof(msg) - 1);
	scan_decide(scan, 0);
	assert_int_equal(scan_result(scan)->classify->class, CLASS_INCIDENT);
	strbuf_reset(&rec);
	audit_record_build(&rec, scan_result(scan), &ev);
	unit_expect_contains("record", rec.data, ",\"examples\":[{\"id\":1,\"class\":\"incident\","
	    "\"similarity\":1.00,\"points\":5,\"taught_by\":\"ops\",\"taught_at\":\"");
	audit_summary(&line, scan_result(scan), &ev);
	unit_expect_contains("summary", line.data, " example=1");
	scan_free(&scan);
	conf_unref(&c);
	strbuf_release(&rec);
	strbuf_release(&line);
	unit_tmpdir_remove(&dir);
	free(text);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_store_round_trip),
		cmocka_unit_test(example_store_transaction),
		cmocka_unit_test(example_index_load_errors),
		cmocka_unit_test(example_index_load_missing),
		cmocka_unit_test(example_index_bands_chosen),
		cmocka_unit_test(example_index_lookup_recall),
		cmocka_unit_test(example_index_lookup_best),
		cmocka_unit_test(classify_message_examples),
		cmocka_unit_test(conf_block_examples_errors),
		cmocka_unit_test(conf_block_examples_load),
		cmocka_unit_test(cli_examples_learn_message_audit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
