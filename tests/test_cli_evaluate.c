/* test_cli_evaluate - csp-milter --evaluate and --compare on a crafted corpus */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "cli_classify.h"
#include "cli_evaluate.h"
#include "conf.h"
#include "unit.h"

/*
 * tests/fixtures/eval holds twelve short messages in two layouts (labels/
 * with labels.jsonl and envelopes, folders/ with one folder per class) and
 * eval.conf, whose seven rules each count once (max_hits 1), thresholds 5,
 * precedence subscription > non_csp > incident.  Worked out by hand:
 *
 *   msg  label         rules matched              scores s/i/n  predicted
 *   a01  subscription  invoice 5, payment 4       9/0/0         subscription
 *   a02  subscription  renewal 3, payment 4       7/0/0         subscription
 *   a03  subscription  renewal 3                  3/0/0         other
 *   a04  subscription  invoice 5, outage 5        5/5/0 (tie)   subscription
 *   b01  incident      outage 5, maint 3          0/8/0         incident
 *   b02  incident      invoice 5, outage 5        5/5/0 (tie)   subscription
 *   b03  incident      maint 3                    0/3/0         other
 *   c01  non_csp       ea 5, support 3            0/0/8         non_csp
 *   c02  non_csp       ea 5, renewal 3            3/0/5         non_csp
 *   d01  other         -                          0/0/0         other
 *   d02  other         support 3                  0/0/3         other
 *   d03  other         invoice 5                  5/0/0         subscription
 *
 * Accuracy 8/12.  Predicted counts: subscription 5, incident 1, non_csp 2,
 * other 4.  Near misses at margin 2: a02 (7-5), a03 (5-3), b03, d02 (2
 * short), a04, b02 (tie), c02 (5-5), d03 (5-5); at margin 0 the last four.
 *
 * eval-broken.conf makes inc.outage match everything ("." weight 5) and
 * sub.renewal weigh 2: a03, b03, d01 and d02 become incident (c02 stays
 * non_csp by precedence), accuracy 7/12.
 */

/* fixture - path of a file under tests/fixtures/eval */
static char *
fixture(const char *name)
{
	return unit_strf("%s/tests/fixtures/eval/%s", unit_srcdir(), name);
}

/* load - a fixture config, failing the test if it does not load */
static struct conf *
load(const char *name)
{
	char *path = fixture(name);
	const char *error;
	struct conf *c = conf_load(path, NULL, &error);

	if (c == NULL)
		fail_msg("%s: %s", path, error);
	free(path);
	return c;
}

/* Output of one run. */
struct run_out {
	char *out, *err;
	int status;
};

/* run - cli_evaluate_run on a corpus directory, capturing both streams */
static struct run_out
run(const char *conf_name, const char *conf2_name, const char *corpus, int json, long margin,
    int jobs)
{
	struct cli_evaluate_opts opts;
	struct conf *c = load(conf_name), *c2 = conf2_name ? load(conf2_name) : NULL;
	struct run_out r;
	size_t olen, elen;
	FILE *out = open_memstream(&r.out, &olen), *err = open_memstream(&r.err, &elen);

	assert_non_null(out);
	assert_non_null(err);
	memset(&opts, 0, sizeof(opts));
	opts.corpus = corpus;
	opts.json = json;
	opts.margin = margin;
	opts.jobs = jobs;
	opts.err = err;
	r.status = cli_evaluate_run(c, c2, &opts, out);
	fclose(out);
	fclose(err);
	conf_unref(&c);
	conf_unref(&c2);
	return r;
}

/* run_fixture - run on tests/fixtures/eval/<layout> */
static struct run_out
run_fixture(const char *conf2_name, const char *layout, int json, long margin, int jobs)
{
	char *dir = fixture(layout);
	struct run_out r = run("eval.conf", conf2_name, dir, json, margin, jobs);

	free(dir);
	return r;
}

/* run_out_free - release captured output */
static void
run_out_free(struct run_out *r)
{
	free(r->out);
	free(r->err);
}

/*
 * json_member - the raw text of a top-level member of a compact one-line
 * JSON object, found by tracking depth and strings, or NULL.  With keys,
 * also lists every top-level key in order, comma-separated.
 */
static char *
json_member(const char *json, const char *want, char *keys, size_t keys_size)
{
	const char *p, *val = NULL;
	char *found = NULL;
	int depth = 0, in_str = 0;
	size_t klen;

	if (keys != NULL)
		keys[0] = '\0';
	for (p = json; *p; p++) {
		if (in_str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_str = 0;
			continue;
		}
		if (*p == '"') {
			if (depth == 1 && (p[-1] == '{' || p[-1] == ',')) {
				klen = strcspn(p + 1, "\"");
				if (keys != NULL && strlen(keys) + klen + 2 < keys_size) {
					if (keys[0] != '\0')
						strcat(keys, ",");
					strncat(keys, p + 1, klen);
				}
				if (klen == strlen(want) && strncmp(p + 1, want, klen) == 0)
					val = p + klen + 3;	/* past "key": */
			}
			in_str = 1;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		if (val != NULL && found == NULL && ((depth == 1 && *p == ',') || depth == 0)) {
			found = strndup(val, (size_t)(p - val));
			val = NULL;
		}
	}
	return found;
}

/* expect_member - a top-level member's raw value is exactly want */
static void
expect_member(const char *row, const char *json, const char *key, const char *want)
{
	char *got = json_member(json, key, NULL, 0);
	char *name = unit_strf("%s: %s", row, key);

	unit_expect_str(name, got, want);
	free(got);
	free(name);
}

/* The full evaluation of eval.conf, member by member (labels layout). */
static const struct {
	const char *key, *value;
} eval_labels[] = {
	{ "total", "12" },
	{ "accuracy", "0.666667" },
	{ "per_class", "{\"subscription\":{\"precision\":0.6,\"recall\":0.75,\"support\":4},"
	    "\"incident\":{\"precision\":1,\"recall\":0.333333,\"support\":3},"
	    "\"non_csp\":{\"precision\":1,\"recall\":1,\"support\":2},"
	    "\"other\":{\"precision\":0.5,\"recall\":0.666667,\"support\":3}}" },
	{ "confusion", "{\"subscription\":{\"subscription\":3,\"incident\":0,\"non_csp\":0,\"other\":1},"
	    "\"incident\":{\"subscription\":1,\"incident\":1,\"non_csp\":0,\"other\":1},"
	    "\"non_csp\":{\"subscription\":0,\"incident\":0,\"non_csp\":2,\"other\":0},"
	    "\"other\":{\"subscription\":1,\"incident\":0,\"non_csp\":0,\"other\":2}}" },
	{ "rules", "["
	    "{\"id\":\"sub.invoice\",\"class\":\"subscription\",\"hits\":4,\"hits_by_class\":"
	    "{\"subscription\":2,\"incident\":1,\"non_csp\":0,\"other\":1},\"precision\":0.5},"
	    "{\"id\":\"sub.renewal\",\"class\":\"subscription\",\"hits\":3,\"hits_by_class\":"
	    "{\"subscription\":2,\"incident\":0,\"non_csp\":1,\"other\":0},\"precision\":0.666667},"
	    "{\"id\":\"sub.payment\",\"class\":\"subscription\",\"hits\":2,\"hits_by_class\":"
	    "{\"subscription\":2,\"incident\":0,\"non_csp\":0,\"other\":0},\"precision\":1},"
	    "{\"id\":\"inc.outage\",\"class\":\"incident\",\"hits\":3,\"hits_by_class\":"
	    "{\"subscription\":1,\"incident\":2,\"non_csp\":0,\"other\":0},\"precision\":0.666667},"
	    "{\"id\":\"inc.maint\",\"class\":\"incident\",\"hits\":2,\"hits_by_class\":"
	    "{\"subscription\":0,\"incident\":2,\"non_csp\":0,\"other\":0},\"precision\":1},"
	    "{\"id\":\"non.ea\",\"class\":\"non_csp\",\"hits\":2,\"hits_by_class\":"
	    "{\"subscription\":0,\"incident\":0,\"non_csp\":2,\"other\":0},\"precision\":1},"
	    "{\"id\":\"non.support\",\"class\":\"non_csp\",\"hits\":2,\"hits_by_class\":"
	    "{\"subscription\":0,\"incident\":0,\"non_csp\":1,\"other\":1},\"precision\":0.5}]" },
	{ "misses", "["
	    "{\"file\":\"a03.eml\",\"expected\":\"subscription\",\"got\":\"other\",\"scores\":"
	    "{\"subscription\":3,\"incident\":0,\"non_csp\":0},\"rules\":[\"sub.renewal\"]},"
	    "{\"file\":\"b02.eml\",\"expected\":\"incident\",\"got\":\"subscription\",\"scores\":"
	    "{\"subscription\":5,\"incident\":5,\"non_csp\":0},\"rules\":[\"sub.invoice\",\"inc.outage\"]},"
	    "{\"file\":\"b03.eml\",\"expected\":\"incident\",\"got\":\"other\",\"scores\":"
	    "{\"subscription\":0,\"incident\":3,\"non_csp\":0},\"rules\":[\"inc.maint\"]},"
	    "{\"file\":\"d03.eml\",\"expected\":\"other\",\"got\":\"subscription\",\"scores\":"
	    "{\"subscription\":5,\"incident\":0,\"non_csp\":0},\"rules\":[\"sub.invoice\"]}]" },
	{ "near_misses", "["
	    "{\"file\":\"a02.eml\",\"class\":\"subscription\",\"margin\":2,\"scores\":"
	    "{\"subscription\":7,\"incident\":0,\"non_csp\":0}},"
	    "{\"file\":\"a03.eml\",\"class\":\"other\",\"margin\":2,\"scores\":"
	    "{\"subscription\":3,\"incident\":0,\"non_csp\":0}},"
	    "{\"file\":\"a04.eml\",\"class\":\"subscription\",\"margin\":0,\"scores\":"
	    "{\"subscription\":5,\"incident\":5,\"non_csp\":0}},"
	    "{\"file\":\"b02.eml\",\"class\":\"subscription\",\"margin\":0,\"scores\":"
	    "{\"subscription\":5,\"incident\":5,\"non_csp\":0}},"
	    "{\"file\":\"b03.eml\",\"class\":\"other\",\"margin\":2,\"scores\":"
	    "{\"subscription\":0,\"incident\":3,\"non_csp\":0}},"
	    "{\"file\":\"c02.eml\",\"class\":\"non_csp\",\"margin\":0,\"scores\":"
	    "{\"subscription\":3,\"incident\":0,\"non_csp\":5}},"
	    "{\"file\":\"d02.eml\",\"class\":\"other\",\"margin\":2,\"scores\":"
	    "{\"subscription\":0,\"incident\":0,\"non_csp\":3}},"
	    "{\"file\":\"d03.eml\",\"class\":\"subscription\",\"margin\":0,\"scores\":"
	    "{\"subscription\":5,\"incident\":0,\"non_csp\":0}}]" },
};

/* cli_evaluate_run_json_labels - every number of the labels.jsonl corpus, and the keys */
static void
cli_evaluate_run_json_labels(void **state)
{
	struct run_out r = run_fixture(NULL, "labels", 1, 2, 0);
	char keys[256];
	size_t i;

	(void)state;
	unit_expect_int("status", r.status, 0);
	unit_expect_str("stderr", r.err, "");
	free(json_member(r.out, "total", keys, sizeof(keys)));
	unit_expect_str("top-level keys", keys,
	    "total,accuracy,per_class,confusion,rules,misses,near_misses");
	for (i = 0; i < UNIT_NELEM(eval_labels); i++)
		expect_member("labels", r.out, eval_labels[i].key, eval_labels[i].value);
	run_out_free(&r);
}

/* cli_evaluate_run_json_folders - the class-folder layout gives the same counts, files named by folder */
static void
cli_evaluate_run_json_folders(void **state)
{
	struct run_out r = run_fixture(NULL, "folders", 1, 2, 0);
	size_t i;

	(void)state;
	unit_expect_int("status", r.status, 0);
	for (i = 0; i < UNIT_NELEM(eval_labels); i++)
		if (strcmp(eval_labels[i].key, "misses") != 0 &&
		    strcmp(eval_labels[i].key, "near_misses") != 0)
			expect_member("folders", r.out, eval_labels[i].key, eval_labels[i].value);
	/* Sorted by the listed name, so the folder order shows. */
	unit_expect_contains("misses", r.out, "\"misses\":[{\"file\":\"incident/b02.eml\"");
	unit_expect_contains("misses", r.out, "{\"file\":\"incident/b03.eml\",\"expected\":\"incident\",\"got\":\"other\"");
	unit_expect_contains("misses", r.out, "{\"file\":\"other/d03.eml\",\"expected\":\"other\",\"got\":\"subscription\"");
	unit_expect_contains("misses", r.out, "{\"file\":\"subscription/a03.eml\",\"expected\":\"subscription\",\"got\":\"other\"");
	unit_expect_contains("near", r.out, "\"near_misses\":[{\"file\":\"incident/b02.eml\",\"class\":\"subscription\",\"margin\":0");
	run_out_free(&r);
}

/* cli_evaluate_run_margin - --margin 0 keeps only the ties and the exact threshold hits */
static void
cli_evaluate_run_margin(void **state)
{
	struct run_out r = run_fixture(NULL, "labels", 1, 0, 0);
	char *near = NULL, *want;

	(void)state;
	near = json_member(r.out, "near_misses", NULL, 0);
	want = unit_strf("[%s,%s,%s,%s]",
	    "{\"file\":\"a04.eml\",\"class\":\"subscription\",\"margin\":0,\"scores\":{\"subscription\":5,\"incident\":5,\"non_csp\":0}}",
	    "{\"file\":\"b02.eml\",\"class\":\"subscription\",\"margin\":0,\"scores\":{\"subscription\":5,\"incident\":5,\"non_csp\":0}}",
	    "{\"file\":\"c02.eml\",\"class\":\"non_csp\",\"margin\":0,\"scores\":{\"subscription\":3,\"incident\":0,\"non_csp\":5}}",
	    "{\"file\":\"d03.eml\",\"class\":\"subscription\",\"margin\":0,\"scores\":{\"subscription\":5,\"incident\":0,\"non_csp\":0}}");
	unit_expect_str("margin 0", near, want);
	free(near);
	free(want);
	run_out_free(&r);
}

/* cli_evaluate_run_text - the readable report carries the same numbers */
static void
cli_evaluate_run_text(void **state)
{
	static const char *const want[] = {
		"accuracy: 0.6667 (8/12)\n",
		"subscription      0.6000    0.7500        4\n",
		"incident          1.0000    0.3333        3\n",
		"non_csp           1.0000    1.0000        2\n",
		"other             0.5000    0.6667        3\n",
		"subscription              3            0            0            1\n",
		"incident                  1            1            0            1\n",
		"non_csp                   0            0            2            0\n",
		"other                     1            0            0            2\n",
		"sub.invoice subscription      4            2        1       0     1    0.5000\n",
		"non.support non_csp           2            0        0       1     1    0.5000\n",
		"misclassified: 4\n  a03.eml: expected subscription, got other\n",
		"  b02.eml: expected incident, got subscription\n"
		"    scores subscription=5/5 incident=5/5 non_csp=0/5\n"
		"    rules: sub.invoice (subscription +5) inc.outage (incident +5)\n",
		"near misses (within 2 points of a threshold or of the runner-up): 8\n",
		"  c02.eml: non_csp (expected non_csp), margin 0;",
	};
	struct run_out r = run_fixture(NULL, "labels", 0, 2, 2);
	size_t i;

	(void)state;
	unit_expect_int("status", r.status, 0);
	for (i = 0; i < UNIT_NELEM(want); i++)
		unit_expect_contains("text", r.out, want[i]);
	run_out_free(&r);
}

/* cli_evaluate_run_jobs - one thread or four, the output is byte for byte the same */
static void
cli_evaluate_run_jobs(void **state)
{
	static const struct {
		const char *conf2, *layout;
		int json;
	} rows[] = {
		{ NULL, "labels", 0 }, { NULL, "labels", 1 }, { NULL, "folders", 1 },
		{ "eval-broken.conf", "labels", 0 }, { "eval-broken.conf", "folders", 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(rows); i++) {
		struct run_out one = run_fixture(rows[i].conf2, rows[i].layout, rows[i].json, 2, 1);
		struct run_out four = run_fixture(rows[i].conf2, rows[i].layout, rows[i].json, 2, 4);
		struct run_out many = run_fixture(rows[i].conf2, rows[i].layout, rows[i].json, 2, 32);
		char *row = unit_strf("%s %s json=%d", rows[i].conf2 ? "compare" : "evaluate",
		    rows[i].layout, rows[i].json);

		unit_expect_str(row, four.out, one.out);
		unit_expect_str(row, many.out, one.out);
		free(row);
		run_out_free(&one);
		run_out_free(&four);
		run_out_free(&many);
	}
}

/* cli_evaluate_run_compare_json - the exact change list between eval.conf and eval-broken.conf */
static void
cli_evaluate_run_compare_json(void **state)
{
	struct run_out r = run_fixture("eval-broken.conf", "labels", 1, 2, 0);
	char keys[128];
	const char *outage = "{\"id\":\"inc.outage\",\"class\":\"incident\",\"matched_old\":false,"
	    "\"matched_new\":true,\"old_weight\":5,\"new_weight\":5}";
	char *want;

	(void)state;
	unit_expect_int("status", r.status, 0);
	free(json_member(r.out, "total", keys, sizeof(keys)));
	unit_expect_str("keys", keys, "total,accuracy_old,accuracy_new,changes");
	expect_member("compare", r.out, "total", "12");
	expect_member("compare", r.out, "accuracy_old", "0.666667");
	expect_member("compare", r.out, "accuracy_new", "0.583333");
	want = unit_strf("[%s%s%s,%s%s%s,%s%s%s,%s%s%s]",
	    "{\"file\":\"a03.eml\",\"expected\":\"subscription\",\"old_class\":\"other\",\"new_class\":\"incident\","
	    "\"old_uncertain\":false,\"new_uncertain\":false,"
	    "\"old_scores\":{\"subscription\":3,\"incident\":0,\"non_csp\":0},"
	    "\"new_scores\":{\"subscription\":2,\"incident\":5,\"non_csp\":0},"
	    "\"recipients\":[{\"rcpt\":\"<ops@contoso.example>\",\"old\":\"quarantine\",\"new\":\"deliver\"}],"
	    "\"rules\":[{\"id\":\"sub.renewal\",\"class\":\"subscription\",\"matched_old\":true,"
	    "\"matched_new\":true,\"old_weight\":3,\"new_weight\":2},", outage, "]}",
	    "{\"file\":\"b03.eml\",\"expected\":\"incident\",\"old_class\":\"other\",\"new_class\":\"incident\","
	    "\"old_uncertain\":false,\"new_uncertain\":false,"
	    "\"old_scores\":{\"subscription\":0,\"incident\":3,\"non_csp\":0},"
	    "\"new_scores\":{\"subscription\":0,\"incident\":8,\"non_csp\":0},"
	    "\"recipients\":[{\"rcpt\":\"<ops@contoso.example>\",\"old\":\"quarantine\",\"new\":\"deliver\"},"
	    "{\"rcpt\":\"<it@direct.example>\",\"old\":\"deliver\",\"new\":\"deliver\"}],\"rules\":[", outage, "]}",
	    "{\"file\":\"d01.eml\",\"expected\":\"other\",\"old_class\":\"other\",\"new_class\":\"incident\","
	    "\"old_uncertain\":false,\"new_uncertain\":false,"
	    "\"old_scores\":{\"subscription\":0,\"incident\":0,\"non_csp\":0},"
	    "\"new_scores\":{\"subscription\":0,\"incident\":5,\"non_csp\":0},"
	    "\"recipients\":[{\"rcpt\":\"<ops@contoso.example>\",\"old\":\"untouched\",\"new\":\"untouched\"}],"
	    "\"rules\":[", outage, "]}",
	    "{\"file\":\"d02.eml\",\"expected\":\"other\",\"old_class\":\"other\",\"new_class\":\"incident\","
	    "\"old_uncertain\":false,\"new_uncertain\":false,"
	    "\"old_scores\":{\"subscription\":0,\"incident\":0,\"non_csp\":3},"
	    "\"new_scores\":{\"subscription\":0,\"incident\":5,\"non_csp\":3},"
	    "\"recipients\":[{\"rcpt\":\"<it@direct.example>\",\"old\":\"deliver\",\"new\":\"deliver\"}],"
	    "\"rules\":[", outage, "]}");
	expect_member("compare", r.out, "changes", want);
	free(want);
	run_out_free(&r);
}

/* cli_evaluate_run_compare_text - the readable change list names files, decisions and rules */
static void
cli_evaluate_run_compare_text(void **state)
{
	static const char *const want[] = {
		"old ", "eval.conf: accuracy 0.6667 (8/12)\n",
		"new ", "eval-broken.conf: accuracy 0.5833 (7/12)\n",
		"\nchanged: 4\n"
		"  incident/b03.eml (expected incident): other -> incident  [fixed]\n"
		"    rule inc.outage (incident): matches only in the new config\n"
		"  other/d01.eml (expected other): other -> incident  [broken]\n"
		"    rule inc.outage (incident): matches only in the new config\n"
		"  other/d02.eml (expected other): other -> incident  [broken]\n"
		"    rule inc.outage (incident): matches only in the new config\n"
		"  subscription/a03.eml (expected subscription): other -> incident\n"
		"    rule sub.renewal (subscription): matches in both, weight 3 -> 2\n"
		"    rule inc.outage (incident): matches only in the new config\n",
	};
	struct run_out r = run_fixture("eval-broken.conf", "folders", 0, 2, 3);
	size_t i;

	(void)state;
	unit_expect_int("status", r.status, 0);
	for (i = 0; i < UNIT_NELEM(want); i++)
		unit_expect_contains("compare text", r.out, want[i]);
	/* No envelope in the folder layout: no recipient lines. */
	if (strchr(r.out, '@') != NULL)
		fail_msg("recipient decisions without recipients:\n%s", r.out);
	run_out_free(&r);
}

/* cli_evaluate_run_bad_labels - each bad labels.jsonl line is refused as FILE:LINE: reason */
static void
cli_evaluate_run_bad_labels(void **state)
{
	static const struct {
		const char *labels, *error;
	} rows[] = {
		{ "{\"file\":\"m.eml\",\"class\":\"other\"}\nnot json\n", "labels.jsonl:2: '[' or '{' expected near 'not'\n" },
		{ "{\"file\":\"m.eml\"}\n", "labels.jsonl:1: no \"class\"\n" },
		{ "{\"class\":\"other\"}\n", "labels.jsonl:1: no \"file\"\n" },
		{ "\n{\"file\":\"m.eml\",\"class\":\"spam\"}\n", "labels.jsonl:2: unknown class \"spam\"" },
		{ "{\"file\":\"m.eml\",\"class\":\"other\"", "labels.jsonl:1: '}' expected near end of file\n" },
		{ "{\"file\":\"m.eml\",\"class\":\"oth", "labels.jsonl:1: premature end of input near '\"oth'\n" },
		{ "{\"file\":3,\"class\":\"other\"}", "labels.jsonl:1: \"file\" must be a string\n" },
		{ "{\"file\":\"m.eml\",\"class\":\"other\",\"rcpt\":\"a@b\"}",
		    "labels.jsonl:1: \"rcpt\" must be an array of strings\n" },
		{ "{\"file\":\"m.eml\",\"class\":\"other\",\"x\":[1,}", "labels.jsonl:1: unexpected token near '}'\n" },
		{ "{\"file\":\"m.eml\",\"class\":\"other\"} x", "labels.jsonl:1: end of file expected near 'x'\n" },
		{ "{\"file\":\"m.eml\",\"class\":\"other\",\"n\":\"\\ud800\"}",
		    "labels.jsonl:1: invalid Unicode '\\uD800'" },
		{ "[1]\n", "labels.jsonl:1: not a JSON object\n" },
		{ "{\"file\":\"gone.eml\",\"class\":\"other\"}", "gone.eml: No such file or directory\n" },
		{ "{\"file\":\"m.eml\",\"class\":\"other\"}\n{\"file\":\"m.eml\",\"class\":\"other\"}",
		    "labels.jsonl: \"m.eml\" is labelled twice\n" },
		{ "\n\n", ": no messages\n" },
		/* A label may only name a regular file inside the corpus folder. */
		{ "{\"file\":\"/dev/zero\",\"class\":\"other\"}",
		    "labels.jsonl:1: \"file\": /dev/zero: must name a file inside the corpus folder\n" },
		{ "{\"file\":\"../../etc/passwd\",\"class\":\"other\"}",
		    "labels.jsonl:1: \"file\": ../../etc/passwd: must name a file inside the corpus folder\n" },
		{ "{\"file\":\"sub/../../m.eml\",\"class\":\"other\"}",
		    "labels.jsonl:1: \"file\": sub/../../m.eml: must name a file inside the corpus folder\n" },
		{ "{\"file\":\"out.eml\",\"class\":\"other\"}",
		    "labels.jsonl:1: \"file\": out.eml: must name a file inside the corpus folder\n" },
		{ "{\"file\":\"sub\",\"class\":\"other\"}",
		    "labels.jsonl:1: \"file\": sub: not a regular file\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(rows); i++) {
		char *dir = unit_tmpdir_new(), *p1, *p2, *row = unit_strf("row %zu", i);
		char *sub = unit_strf("%s/sub", dir), *out = unit_strf("%s/out.eml", dir);
		struct run_out r;

		/* A symbolic link out of the folder, and a folder. */
		if (mkdir(sub, 0700) < 0 || symlink("/etc/passwd", out) < 0)
			fail_msg("%s: cannot set up %s", row, dir);
		free(sub);
		free(out);
		p1 = unit_write_str(dir, "m.eml", "Subject: hello\n\nhello\n");
		p2 = unit_write_str(dir, "labels.jsonl", rows[i].labels);
		r = run("eval.conf", NULL, dir, 1, 2, 1);
		unit_expect_int(row, r.status, 1);
		unit_expect_contains(row, r.err, rows[i].error);
		unit_expect_str(row, r.out, "");
		run_out_free(&r);
		free(p1);
		free(p2);
		free(row);
		unit_tmpdir_remove(&dir);
	}
}

/* cli_evaluate_run_good_labels - escapes, nesting and unknown keys of a label line are read correctly */
static void
cli_evaluate_run_good_labels(void **state)
{
	char *dir = unit_tmpdir_new(), *p1, *p2;
	struct run_out r;

	(void)state;
	p1 = unit_write_str(dir, "m \"1\".eml", "Subject: Your invoice\n\nhello\n");
	p2 = unit_write_str(dir, "labels.jsonl",
	    "  {\"x\":{\"a\":[[],{},\"\\u00e9\\ud83d\\ude00\"],\"b\":-1.5e3}, \"file\" : \"m \\\"1\\\".eml\","
	    " \"class\":\"subscription\", \"mail_from\":\"a@vendor.example\", \"rcpt\":[] , \"ok\":true}\r\n");
	r = run("eval.conf", NULL, dir, 1, 2, 1);
	unit_expect_str("stderr", r.err, "");
	unit_expect_int("status", r.status, 0);
	expect_member("good", r.out, "accuracy", "1");
	expect_member("good", r.out, "misses", "[]");
	run_out_free(&r);
	free(p1);
	free(p2);
	unit_tmpdir_remove(&dir);
}

/* cli_evaluate_run_bad_folders - a misspelt class folder or an empty directory is refused */
static void
cli_evaluate_run_bad_folders(void **state)
{
	char *dir = unit_tmpdir_new(), *sub;
	struct run_out r;

	(void)state;
	r = run("eval.conf", NULL, dir, 0, 2, 1);
	unit_expect_int("empty", r.status, 1);
	unit_expect_contains("empty", r.err, ": neither labels.jsonl nor class folders\n");
	run_out_free(&r);
	sub = unit_strf("%s/subscriptions", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	r = run("eval.conf", NULL, dir, 0, 2, 1);
	unit_expect_int("misspelt", r.status, 1);
	unit_expect_contains("misspelt", r.err, "/subscriptions: not a class folder");
	run_out_free(&r);
	free(sub);
	unit_tmpdir_remove(&dir);
}

/* expect_explain - --explain of one message under eval.conf holds every wanted block */
static void
expect_explain(const char *name, const char *msg, const char *const *want, size_t n)
{
	struct cli_classify_opts opts;
	struct conf *c = load("eval.conf");
	char *dir = unit_tmpdir_new(), *path, *out = NULL;
	size_t len, i;
	FILE *fp = open_memstream(&out, &len);

	path = unit_write_str(dir, name, msg);
	memset(&opts, 0, sizeof(opts));
	opts.explain = 1;
	unit_expect_int("status", cli_classify_run(c, &opts, &path, 1, fp), 0);
	fclose(fp);
	for (i = 0; i < n; i++)
		unit_expect_contains("explain", out, want[i]);
	free(out);
	free(path);
	conf_unref(&c);
	unit_tmpdir_remove(&dir);
}

/* cli_classify_run_explain - --explain shows each match in context, its raw form and the score build-up */
static void
cli_classify_run_explain(void **state)
{
	static const char *const want[] = {
		"    sub.invoice (subscription +5) target all, in body at 9-16, visible view\n"
		"      decoded: your new [[invoice]] is here; the payment is due.\n"
		"      raw: Your  new [[inv<U+200B>oice]] is here; the payment is due.\\n\n"
		"           (at 10, between the same neighbouring words; normalisation changed the match)\n",
		"    sub.payment (subscription +4) target all, in body at 30-37, visible view\n"
		"      decoded: your new invoice is here; the [[payment]] is due.\n"
		"      raw: Your  new inv<U+200B>oice is here; the [[payment]] is due.\\n\n"
		"           (at 34, the same text)\n",
		"    subscription, threshold 5:\n"
		"         +5 sub.invoice              = 5  (threshold reached)\n"
		"         +4 sub.payment              = 9\n"
		"    incident, threshold 5: nothing matched\n",
		"    -> subscription: ",
	};
	(void)state;
	/* Two spaces and a zero-width space that normalisation removes. */
	expect_explain("zw.eml", "Subject: hello\n\n"
	    "Your  new inv\xe2\x80\x8boice is here; the payment is due.\n", want, UNIT_NELEM(want));
}

/* cli_classify_run_explain_collapsed - a match in the collapsed view shows the spaced letters raw */
static void
cli_classify_run_explain_collapsed(void **state)
{
	static const char *const want[] = {
		"    sub.invoice (subscription +5) target all, in collapsed body at 9-16, collapsed view\n"
		"      decoded: your new [[invoice]] is here; the payment is due.\n"
		"      raw: Your new [[i n v o i c e]] is here; the payment is due.\\n\n",
	};
	(void)state;
	expect_explain("spaced.eml", "Subject: hello\n\n"
	    "Your new i n v o i c e is here; the payment is due.\n", want, UNIT_NELEM(want));
}

/* cli_classify_run_explain_headers - a match in the headers names them, raw with the names as sent */
static void
cli_classify_run_explain_headers(void **state)
{
	static const char *const want[] = {
		"    sub.invoice (subscription +5) target all, in headers at 43-50, visible view\n"
		"      decoded: m: billing@vendor.example\\nsubject: your [[invoice]]\\n\n"
		"      raw: m: billing@vendor.example\\nSubject: Your [[INVOICE]]\\n\n",
	};
	(void)state;
	expect_explain("subject.eml", "From: billing@vendor.example\nSubject: Your INVOICE\n\n"
	    "hello\n", want, UNIT_NELEM(want));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_evaluate_run_json_labels),
		cmocka_unit_test(cli_evaluate_run_json_folders),
		cmocka_unit_test(cli_evaluate_run_margin),
		cmocka_unit_test(cli_evaluate_run_text),
		cmocka_unit_test(cli_evaluate_run_jobs),
		cmocka_unit_test(cli_evaluate_run_compare_json),
		cmocka_unit_test(cli_evaluate_run_compare_text),
		cmocka_unit_test(cli_evaluate_run_bad_labels),
		cmocka_unit_test(cli_evaluate_run_good_labels),
		cmocka_unit_test(cli_evaluate_run_bad_folders),
		cmocka_unit_test(cli_classify_run_explain),
		cmocka_unit_test(cli_classify_run_explain_collapsed),
		cmocka_unit_test(cli_classify_run_explain_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
