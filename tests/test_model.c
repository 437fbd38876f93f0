/* test_model - model files, training on a fixture corpus, and the model's points in classify */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli_train.h"
#include "conf.h"
#include "model.h"
#include "model_train.h"
#include "scan.h"
#include "unit.h"

/*
 * tests/fixtures/model: sixteen short messages, four per class, three of
 * each "train" and one "valid", each class with its own vocabulary.
 */
/* A config with one rule per class that the fixture never matches: scores are the model's. */
#define CONF_HEAD \
	"vendor = { domains = [ \"vendor.example\" ]; };\n" \
	"classes = {\n" \
	"\tsubscription = { threshold = 3; rules = ( { id = \"s\"; target = \"body\"; pattern = \"qqsubqq\"; weight = 3; } ); };\n" \
	"\tincident = { threshold = 3; rules = ( { id = \"i\"; target = \"body\"; pattern = \"qqincqq\"; weight = 3; } ); };\n" \
	"\tnon_csp = { threshold = 3; rules = ( { id = \"n\"; target = \"body\"; pattern = \"qqnonqq\"; weight = 3; } ); };\n" \
	"};\n"

struct fixture {
	char *dir;		/* a private temporary directory */
	char *conf_path;	/* a config whose model block names dir/model */
	char *model_path;
	struct conf *conf;	/* loaded without the model */
};

/* write_file - a whole file */
static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* read_file - a whole file into a fresh string */
static char *
read_file(const char *path, size_t *len_r)
{
	FILE *fp = fopen(path, "r");
	char *data;
	long size;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	data = malloc((size_t)size + 1);
	assert_int_equal(fread(data, 1, (size_t)size, fp), (size_t)size);
	data[size] = '\0';
	fclose(fp);
	*len_r = (size_t)size;
	return data;
}

static char *
corpus_dir(void)
{
	return unit_strf("%s/tests/fixtures/model", unit_srcdir());
}

/* train_fixture - csp-milter --train on the fixture corpus into f->model_path */
static void
train_fixture(struct fixture *f)
{
	struct cli_train_opts opts = { NULL, NULL, NULL };
	char *corpus = corpus_dir(), *report;
	FILE *out = tmpfile(), *err = tmpfile();
	size_t len;

	opts.corpus = corpus;
	opts.output = f->model_path;
	opts.err = err;
	assert_int_equal(cli_train_run(f->conf, &opts, out), 0);
	fflush(out);
	len = (size_t)ftell(out);
	rewind(out);
	report = calloc(1, len + 1);
	assert_int_equal(fread(report, 1, len, out), len);
	assert_non_null(strstr(report, "training on 12 messages (split \"train\"), validating on 4"));
	assert_non_null(strstr(report, "accuracy:"));
	assert_non_null(strstr(report, "non-incident classified incident:"));
	assert_non_null(strstr(report, "incident held or rerouted:"));
	free(report);
	fclose(out);
	fclose(err);
	free(corpus);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct conf_overrides ov = { NULL, NULL, 1, 0 };
	const char *error = NULL;
	char *text;

	f->dir = unit_tmpdir_new();
	f->conf_path = unit_strf("%s/csp-milter.conf", f->dir);
	f->model_path = unit_strf("%s/model", f->dir);
	text = unit_strf(CONF_HEAD "model = { file = \"model\"; weight = 10; min_confidence = 0;\n\tincident_min_confidence = 0; };\n");
	write_file(f->conf_path, text, strlen(text));
	free(text);
	f->conf = conf_load(f->conf_path, &ov, &error);
	if (f->conf == NULL)
		fail_msg("%s", error);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	conf_unref(&f->conf);
	unit_tmpdir_remove(&f->dir);
	free(f->conf_path);
	free(f->model_path);
	free(f);
	return 0;
}

/* decode - one fixture message decoded by the scan path */
static void
decode(struct scan *scan, struct conf *conf, const char *file)
{
	char *corpus = corpus_dir(), *path = unit_strf("%s/%s", corpus, file);
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	scan_begin(scan, conf);
	assert_int_equal(scan_raw_fd(scan, fd), 0);
	close(fd);
	scan_decide(scan, 1);
	free(path);
	free(corpus);
}

static const struct {
	const char *file;
	enum csp_class label;
} fixture_rows[] = {
	{ "sub-1.eml", CLASS_SUBSCRIPTION }, { "sub-2.eml", CLASS_SUBSCRIPTION },
	{ "sub-3.eml", CLASS_SUBSCRIPTION }, { "sub-4.eml", CLASS_SUBSCRIPTION },
	{ "inc-1.eml", CLASS_INCIDENT }, { "inc-2.eml", CLASS_INCIDENT },
	{ "inc-3.eml", CLASS_INCIDENT }, { "inc-4.eml", CLASS_INCIDENT },
	{ "non-1.eml", CLASS_NON_CSP }, { "non-2.eml", CLASS_NON_CSP },
	{ "non-3.eml", CLASS_NON_CSP }, { "non-4.eml", CLASS_NON_CSP },
	{ "oth-1.eml", CLASS_OTHER }, { "oth-2.eml", CLASS_OTHER },
	{ "oth-3.eml", CLASS_OTHER }, { "oth-4.eml", CLASS_OTHER },
};
#define NROWS (sizeof(fixture_rows) / sizeof(fixture_rows[0]))

/* model_train_separates - trained on the fixture's train rows, the model gets every message right */
static void
model_train_separates(void **state)
{
	struct fixture *f = *state;
	struct conf *conf;
	struct scan *scan = scan_new();
	const char *error = NULL;
	size_t i;

	train_fixture(f);
	/* The config now loads with its model, and classify reports its probabilities. */
	if ((conf = conf_load(f->conf_path, NULL, &error)) == NULL)
		fail_msg("%s", error);
	assert_non_null(conf->model);
	for (i = 0; i < NROWS; i++) {
		decode(scan, conf, fixture_rows[i].file);
		assert_true(scan_result(scan)->classify->model_scored);
		if (model_argmax(scan_result(scan)->classify->model_p) != fixture_rows[i].label)
			fail_msg("%s: model says %s", fixture_rows[i].file,
			    csp_class_name(model_argmax(scan_result(scan)->classify->model_p)));
		assert_true(scan_result(scan)->classify->model_p[fixture_rows[i].label] > 0.25);
	}
	scan_free(&scan);
	conf_unref(&conf);
}

/* model_train_deterministic - two trainings on the same corpus write the same file */
static void
model_train_deterministic(void **state)
{
	struct fixture *f = *state;
	char *first, *second, *copy = unit_strf("%s/first", f->dir);
	size_t n1, n2;

	train_fixture(f);
	assert_int_equal(rename(f->model_path, copy), 0);
	train_fixture(f);
	first = read_file(copy, &n1);
	second = read_file(f->model_path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(first, second, n1);
	assert_true(strncmp(first, "csp-milter-model 1 bits=18 seed=0x5eedc5b0 classes=", 51) == 0);
	free(first);
	free(second);
	free(copy);
}

/*
 * model_save_round_trip - saved and loaded, a model gives the trained
 * probabilities to 1e-5, and saved and loaded again, identical ones
 */
static void
model_save_round_trip(void **state)
{
	struct fixture *f = *state;
	struct model_train_set set;
	struct model *trained, *loaded, *again;
	struct scan *scan = scan_new();
	struct msg_features_scratch *fs = msg_features_scratch_new();
	const struct feature *v;
	const char *error = NULL;
	char *path2 = unit_strf("%s/model2", f->dir);
	double p1[CLASS_COUNT], p2[CLASS_COUNT], p3[CLASS_COUNT];
	size_t i, n;
	int c;

	model_train_set_init(&set);
	for (i = 0; i < NROWS; i++) {
		decode(scan, f->conf, fixture_rows[i].file);
		msg_features_extract(fs, scan_result(scan)->text, MODEL_TRAIN_BITS,
		    MODEL_TRAIN_SEED, &v, &n);
		model_train_set_add(&set, v, n, fixture_rows[i].label);
	}
	trained = model_train(&set, NULL, MODEL_TRAIN_BITS, MODEL_TRAIN_SEED, MODEL_TRAIN_C, &error);
	if (trained == NULL)
		fail_msg("%s", error);
	assert_int_equal(model_save(trained, f->model_path, &error), 0);
	if ((loaded = model_load(f->model_path, &error)) == NULL)
		fail_msg("%s", error);
	assert_int_equal(model_save(loaded, path2, &error), 0);
	if ((again = model_load(path2, &error)) == NULL)
		fail_msg("%s", error);
	{
		size_t l1, l2;
		char *a = read_file(f->model_path, &l1), *b = read_file(path2, &l2);

		assert_int_equal(l1, l2);
		assert_memory_equal(a, b, l1);
		free(a);
		free(b);
	}
	for (i = 0; i < set.count; i++) {
		model_predict(trained, set.rows[i].f, set.rows[i].n, p1);
		model_predict(loaded, set.rows[i].f, set.rows[i].n, p2);
		model_predict(again, set.rows[i].f, set.rows[i].n, p3);
		for (c = 0; c < CLASS_COUNT; c++)
			assert_true(fabs(p1[c] - p2[c]) < 1e-5);
		assert_memory_equal(p2, p3, sizeof(p2));
		assert_int_equal(model_argmax(p1), set.rows[i].label);
	}
	model_free(&trained);
	model_free(&loaded);
	model_free(&again);
	model_train_set_release(&set);
	msg_features_scratch_free(&fs);
	scan_free(&scan);
	free(path2);
}

#define HEADER "csp-milter-model 1 bits=10 seed=0x1 classes=subscription,incident rows=2 C=4\n"

/* model_load_bad - every broken model file is refused with its name first */
static void
model_load_bad(void **state)
{
	static const struct {
		const char *text;
		const char *error;
	} rows[] = {
		{ "", "empty model file" },
		{ "solver_type L2R_LR\nnr_class 2\n", ":1: not a csp-milter model" },
		{ "csp-milter-model 2 bits=10 seed=0x1 classes=incident rows=0\n", ":1: unsupported model version" },
		{ "csp-milter-model 1 bits=40 seed=0x1 classes=incident rows=0\n", ":1: bits must be" },
		{ "csp-milter-model 1 bits=10 seed=0x1 rows=0\n", ":1: header lacks" },
		{ "csp-milter-model 1 bits=10 seed=0x1 classes=incident,spam rows=0\n", ":1: classes must be" },
		{ "csp-milter-model 1 bits=10 seed=0x1 classes=incident,incident rows=0\n", ":1: classes must be" },
		{ HEADER, ":2: expected the \"bias\" line" },
		{ HEADER "bias 0.5\n", ":2: expected one finite weight per class" },
		{ HEADER "bias 0.5 nan\n", ":2: expected one finite weight per class" },
		{ HEADER "bias 0.5 0.5\n3 1 2\n1024 1 2\nend\n", ":4: index 1024 out of range" },
		{ HEADER "bias 0.5 0.5\n3 1 2\n2 1 2\nend\n", ":4: index 2 out of range or out of order" },
		{ HEADER "bias 0.5 0.5\n3 1 2 3\n", ":3: more weights than classes" },
		{ HEADER "bias 0.5 0.5\n3 1 2\n4 1 2\n", ": truncated: 2 of 2 rows, no \"end\" line" },
		{ HEADER "bias 0.5 0.5\n3 1 2\nend\n", ": truncated: 1 of 2 rows" },
		{ HEADER "bias 0.5 0.5\n3 1 2\n4 1 2\nend\nmore\n", ":6: text after \"end\"" },
		{ HEADER "bias 0.5 0.5\nx 1 2\n", ":3: expected \"INDEX WEIGHT...\"" },
	};
	struct fixture *f = *state;
	struct model *m;
	const char *error;
	size_t i, plen = strlen(f->model_path);

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		write_file(f->model_path, rows[i].text, strlen(rows[i].text));
		error = NULL;
		m = model_load(f->model_path, &error);
		if (m != NULL)
			fail_msg("row %zu loaded", i);
		assert_non_null(error);
		if (strncmp(error, f->model_path, plen) != 0 || strstr(error, rows[i].error) == NULL)
			fail_msg("row %zu: \"%s\" lacks \"%s\"", i, error, rows[i].error);
	}
	/* The well-formed version of the same lines loads. */
	write_file(f->model_path, HEADER "bias 0.5 0.5\n3 1 2\n4 1 2\nend\n",
	    strlen(HEADER "bias 0.5 0.5\n3 1 2\n4 1 2\nend\n"));
	assert_non_null(m = model_load(f->model_path, &error));
	assert_true(model_weight(m, 4, CLASS_INCIDENT) == 2);
	assert_true(model_weight(m, 4, CLASS_NON_CSP) == 0);
	model_free(&m);
}

/* model_load_truncated - a real model file cut anywhere never loads */
static void
model_load_truncated(void **state)
{
	struct fixture *f = *state;
	struct model *m;
	const char *error;
	char *data;
	size_t len, cut;

	train_fixture(f);
	data = read_file(f->model_path, &len);
	for (cut = 0; cut < len - 1; cut += 1 + cut / 3) {
		/* Cut at a line end too: the row count and "end" still tell. */
		write_file(f->model_path, data, cut);
		error = NULL;
		if ((m = model_load(f->model_path, &error)) != NULL)
			fail_msg("cut at %zu of %zu loaded", cut, len);
		assert_true(strncmp(error, f->model_path, strlen(f->model_path)) == 0);
	}
	free(data);
}

/* conf_load_model - the model block: loaded relative to the config; a bad one is a config error */
static void
conf_load_model(void **state)
{
	static const struct {
		const char *block;
		const char *error;	/* NULL: loads */
	} rows[] = {
		{ "model = { file = \"model\"; weight = 7; };", NULL },
		{ "model = { weight = 7; };", "csp-milter.conf:7: model needs file" },
		{ "model = { file = \"model\"; weight = -1; };", "csp-milter.conf:7: \"weight\" must be between 0 and 1000" },
		{ "model = { file = \"model\"; colour = 1; };", "csp-milter.conf:7: " },
		{ "model = { file = \"model\"; min_confidence = 101; };",
		    "csp-milter.conf:7: \"min_confidence\" must be between 0 and 100" },
		{ "model = { file = \"model\"; incident_min_confidence = -1; };",
		    "csp-milter.conf:7: \"incident_min_confidence\" must be between 0 and 100" },
		{ "model = { file = \"absent\"; };", "/absent: cannot open model file" },
		{ "model = { file = \"bad\"; };", "/bad:1: not a csp-milter model" },
	};
	struct fixture *f = *state;
	struct conf *conf;
	const char *error;
	char *text, *bad = unit_strf("%s/bad", f->dir), version[17];
	size_t i;

	train_fixture(f);
	write_file(bad, "nonsense\n", 9);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		text = unit_strf(CONF_HEAD "%s\n", rows[i].block);
		write_file(f->conf_path, text, strlen(text));
		free(text);
		error = NULL;
		conf = conf_load(f->conf_path, NULL, &error);
		if (rows[i].error == NULL) {
			if (conf == NULL)
				fail_msg("row %zu: %s", i, error);
			assert_non_null(conf->model);
			assert_int_equal(conf->classify.model_weight, 7);
			assert_true(conf->classify.model == conf->model);
			assert_string_equal(conf->model_file, f->model_path);
			/* Another model file is another config version. */
			strcpy(version, conf->version);
			conf_unref(&conf);
			write_file(f->model_path, HEADER "bias 0.5 0.5\n3 1 2\n4 1 2\nend\n",
			    strlen(HEADER "bias 0.5 0.5\n3 1 2\n4 1 2\nend\n"));
			if ((conf = conf_load(f->conf_path, NULL, &error)) == NULL)
				fail_msg("%s", error);
			assert_string_not_equal(conf->version, version);
			conf_unref(&conf);
			train_fixture(f);
			continue;
		}
		if (conf != NULL)
			fail_msg("row %zu loaded", i);
		if (strstr(error, rows[i].error) == NULL)
			fail_msg("row %zu: \"%s\" lacks \"%s\"", i, error, rows[i].error);
	}
	free(bad);
}

/* classify_message_model_points - each ruled class gets lround(weight x p) on top of its rules (floor 0 here) */
static void
classify_message_model_points(void **state)
{
	struct fixture *f = *state;
	struct conf *conf;
	struct scan *scan = scan_new();
	struct classify_params rules_only;
	struct classify_result res;
	const char *error = NULL;
	size_t i;
	int c;

	train_fixture(f);
	if ((conf = conf_load(f->conf_path, NULL, &error)) == NULL)
		fail_msg("%s", error);
	rules_only = conf->classify;
	rules_only.model = NULL;
	classify_result_init(&res);
	for (i = 0; i < NROWS; i++) {
		decode(scan, conf, fixture_rows[i].file);
		scan_classify(scan, &rules_only, &res);
		assert_false(res.model_scored);
		for (c = 0; c < CLASS_RULED; c++)
			assert_int_equal(scan_result(scan)->classify->score[c], res.score[c] +
			    lround(10 * scan_result(scan)->classify->model_p[c]));
		/* No rules in this config: the points are the model's alone. */
		if (fixture_rows[i].label != CLASS_OTHER)
			assert_true(scan_result(scan)->classify->score[fixture_rows[i].label] > 0);
	}
	classify_result_release(&res);
	scan_free(&scan);
	conf_unref(&conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(model_train_separates, setup, teardown),
		cmocka_unit_test_setup_teardown(model_train_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(model_save_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(model_load_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(model_load_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(conf_load_model, setup, teardown),
		cmocka_unit_test_setup_teardown(classify_message_model_points, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
