/* cli_train - train the learned model on a labelled corpus */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_train.h"
#include "eval_corpus.h"
#include "msg_features.h"
#include "model.h"
#include "model_train.h"
#include "scan.h"
#include "xalloc.h"

enum split { SPLIT_NONE, SPLIT_TRAIN, SPLIT_VALID };

/* One labelled message. */
struct train_item {
	char *file;
	char *topic;		/* NULL: none given */
	enum csp_class label;
	enum split split;
};

struct train_corpus {
	struct train_item *items;
	size_t count, cap;
	int have_split, have_topic;
	struct model_train_set set;	/* features of items[i] in row i */
};

/* corpus_release - free everything */
static void
corpus_release(struct train_corpus *c)
{
	size_t i;

	for (i = 0; i < c->count; i++) {
		free(c->items[i].file);
		free(c->items[i].topic);
	}
	free(c->items);
	model_train_set_release(&c->set);
	memset(c, 0, sizeof(*c));
}

/* corpus_add - one label of --train's corpus (eval_corpus_each_label) */
static int
corpus_add(void *arg, json_t *obj, enum csp_class label, char *path, const char *where, FILE *err)
{
	struct train_corpus *c = arg;
	const char *split = eval_json_str(obj, "split"), *topic = eval_json_str(obj, "topic");
	struct train_item *it;

	if (split != NULL && strcmp(split, "train") != 0 && strcmp(split, "valid") != 0) {
		fprintf(err, "csp-milter: %s: \"split\" must be \"train\" or \"valid\"\n", where);
		free(path);
		return -1;
	}
	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->items = xreallocarray(c->items, c->cap, sizeof(*c->items));
	}
	it = &c->items[c->count++];
	memset(it, 0, sizeof(*it));
	it->file = path;
	it->topic = topic != NULL ? xstrdup(topic) : NULL;
	it->label = label;
	it->split = split == NULL ? SPLIT_NONE :
	    strcmp(split, "train") == 0 ? SPLIT_TRAIN : SPLIT_VALID;
	c->have_split |= split != NULL;
	c->have_topic |= topic != NULL;
	return 0;
}

/* corpus_labels - add dir's labels.jsonl to c; errors are "FILE:LINE: what" */
static int
corpus_labels(struct train_corpus *c, const char *dir, FILE *err)
{
	size_t before = c->count;
	int rc = eval_corpus_each_label(dir, corpus_add, c, err);

	if (rc == 0 && c->count == before) {
		fprintf(err, "csp-milter: %s: no messages\n", dir);
		rc = -1;
	}
	return rc;
}

/* corpus_features - decode every message as the milter does and keep its features */
static int
corpus_features(struct train_corpus *c, struct conf *conf, FILE *err)
{
	struct scan *scan = scan_new();
	struct msg_features_scratch *fs = msg_features_scratch_new();
	const struct feature *f;
	size_t i, n;
	int fd, rc = 0, tty = isatty(fileno(err));

	for (i = 0; rc == 0 && i < c->count; i++) {
		const struct train_item *it = &c->items[i];

		if (tty && (i % 16 == 0 || i + 1 == c->count)) {
			fprintf(err, "\rcsp-milter: decoding %zu/%zu messages", i + 1, c->count);
			fflush(err);
		}
		if ((fd = open(it->file, O_RDONLY)) < 0) {
			fprintf(err, "%scsp-milter: %s: %s\n", tty ? "\n" : "", it->file, strerror(errno));
			rc = -1;
			break;
		}
		scan_begin(scan, conf);
		if (scan_raw_fd(scan, fd) < 0) {
			fprintf(err, "%scsp-milter: %s: read error: %s\n", tty ? "\n" : "", it->file,
			    strerror(errno));
			rc = -1;
		}
		close(fd);
		/* An undecodable part only marks the text uncertain: its features still count. */
		scan_finish(scan);
		if (rc == 0) {
			msg_features_extract(fs, scan_result(scan)->text, MODEL_TRAIN_BITS,
			    MODEL_TRAIN_SEED, &f, &n);
			model_train_set_add(&c->set, f, n, it->label);
		}
	}
	if (tty)
		fprintf(err, "\r\033[K");
	msg_features_scratch_free(&fs);
	scan_free(&scan);
	return rc;
}

/* ratio - "0.9500 (19/20)", or "-" */
static const char *
ratio(char *buf, size_t size, size_t num, size_t den)
{
	if (den == 0)
		snprintf(buf, size, "- (0/0)");
	else
		snprintf(buf, size, "%.4f (%zu/%zu)", (double)num / (double)den, num, den);
	return buf;
}

/* The three figures of issue 13 from a confusion matrix. */
struct figures {
	size_t total, correct, nonincident, nonincident_as_incident, incident, incident_held;
};

static void
figures_of(size_t confusion[4][4], struct figures *fg)
{
	int t, p;

	memset(fg, 0, sizeof(*fg));
	for (t = 0; t < CLASS_COUNT; t++)
		for (p = 0; p < CLASS_COUNT; p++) {
			size_t n = confusion[t][p];

			fg->total += n;
			fg->correct += t == p ? n : 0;
			if (t == CLASS_INCIDENT) {
				fg->incident += n;
				fg->incident_held += p != CLASS_INCIDENT ? n : 0;
			} else {
				fg->nonincident += n;
				fg->nonincident_as_incident += p == CLASS_INCIDENT ? n : 0;
			}
		}
}

/* cli_train_figures - the report block */
void
cli_train_figures(FILE *out, const char *title, size_t confusion[4][4])
{
	struct figures fg;
	char b[64];
	int t, p;

	figures_of(confusion, &fg);
	fprintf(out, "%s\n", title);
	fprintf(out, "  accuracy:                         %s\n", ratio(b, sizeof(b), fg.correct,
	    fg.total));
	fprintf(out, "  non-incident classified incident: %s\n", ratio(b, sizeof(b),
	    fg.nonincident_as_incident, fg.nonincident));
	fprintf(out, "  incident held or rerouted:        %s\n", ratio(b, sizeof(b),
	    fg.incident_held, fg.incident));
	fprintf(out, "  confusion (rows: true class, columns: predicted)\n  %-14s", "");
	for (p = 0; p < CLASS_COUNT; p++)
		fprintf(out, " %12s", csp_class_name((enum csp_class)p));
	fputc('\n', out);
	for (t = 0; t < CLASS_COUNT; t++) {
		fprintf(out, "  %-14s", csp_class_name((enum csp_class)t));
		for (p = 0; p < CLASS_COUNT; p++)
			fprintf(out, " %12zu", confusion[t][p]);
		fputc('\n', out);
	}
}

/* cli_train_figures_line - the three figures on one line, for a weight */
void
cli_train_figures_line(FILE *out, int weight, size_t confusion[4][4])
{
	struct figures fg;
	char a[64], b[64], c[64];

	figures_of(confusion, &fg);
	fprintf(out, "  weight %3d: %-20s %-20s %s\n", weight, ratio(a, sizeof(a), fg.correct,
	    fg.total), ratio(b, sizeof(b), fg.nonincident_as_incident, fg.nonincident),
	    ratio(c, sizeof(c), fg.incident_held, fg.incident));
}

/* json_ratio - a number or null */
static void
json_ratio(struct strbuf *sb, size_t num, size_t den)
{
	if (den == 0)
		strbuf_append_str(sb, "null");
	else
		strbuf_appendf(sb, "%.6g", (double)num / (double)den);
}

/* cli_train_figures_json - {"total":..,"accuracy":..,...,"confusion":{...}} */
void
cli_train_figures_json(struct strbuf *sb, size_t confusion[4][4])
{
	struct figures fg;
	int t, p;

	figures_of(confusion, &fg);
	strbuf_appendf(sb, "{\"total\":%zu,\"accuracy\":", fg.total);
	json_ratio(sb, fg.correct, fg.total);
	strbuf_append_str(sb, ",\"nonincident_as_incident\":");
	json_ratio(sb, fg.nonincident_as_incident, fg.nonincident);
	strbuf_append_str(sb, ",\"incident_held\":");
	json_ratio(sb, fg.incident_held, fg.incident);
	strbuf_append_str(sb, ",\"confusion\":{");
	for (t = 0; t < CLASS_COUNT; t++) {
		strbuf_appendf(sb, "%s\"%s\":{", t ? "," : "", csp_class_name((enum csp_class)t));
		for (p = 0; p < CLASS_COUNT; p++)
			strbuf_appendf(sb, "%s\"%s\":%zu", p ? "," : "",
			    csp_class_name((enum csp_class)p), confusion[t][p]);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "}}");
}

/* cli_train_run - --train */
int
cli_train_run(struct conf *conf, const struct cli_train_opts *opts, FILE *out)
{
	FILE *err = opts->err != NULL ? opts->err : stderr;
	struct train_corpus c;
	struct model *m = NULL;
	unsigned char *use = NULL;
	size_t confusion[4][4], i, ntrain = 0, nvalid = 0;
	double p[CLASS_COUNT];
	const char *error;
	int rc = 1;

	memset(&c, 0, sizeof(c));
	memset(confusion, 0, sizeof(confusion));
	for (i = 0; i < (opts->corpora != NULL ? opts->ncorpora : 1); i++)
		if (corpus_labels(&c, opts->corpora != NULL ? opts->corpora[i] : opts->corpus,
		    err) < 0)
			goto out;
	if (corpus_features(&c, conf, err) < 0)
		goto out;
	use = xcalloc(c.count, 1);
	for (i = 0; i < c.count; i++) {
		use[i] = c.items[i].split != SPLIT_VALID;
		ntrain += use[i];
		nvalid += !use[i];
	}
	if (!c.have_split)
		fprintf(out, "no \"split\" in the labels: training on all %zu messages, "
		    "no validation\n", c.count);
	else
		fprintf(out, "training on %zu messages (split \"train\"), validating on %zu "
		    "(split \"valid\")\n", ntrain, nvalid);
	if (isatty(fileno(err))) {
		fprintf(err, "csp-milter: training (liblinear L2R_LR, C=%g, 2^%d features)...",
		    MODEL_TRAIN_C, MODEL_TRAIN_BITS);
		fflush(err);
	}
	m = model_train(&c.set, use, MODEL_TRAIN_BITS, MODEL_TRAIN_SEED, MODEL_TRAIN_C, &error);
	if (isatty(fileno(err)))
		fprintf(err, "\r\033[K");
	if (m == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", opts->corpus, error);
		goto out;
	}
	if (model_save(m, opts->output, &error) < 0) {
		fprintf(err, "csp-milter: %s\n", error);
		rc = 2;
		goto out;
	}
	/* Measure the model as written, rounded weights and all. */
	model_free(&m);
	if ((m = model_load(opts->output, &error)) == NULL) {
		fprintf(err, "csp-milter: %s\n", error);
		rc = 2;
		goto out;
	}
	if (nvalid > 0) {
		for (i = 0; i < c.count; i++) {
			if (use[i])
				continue;
			model_predict(m, c.set.rows[i].f, c.set.rows[i].n, p);
			confusion[c.items[i].label][model_argmax(p)]++;
		}
		cli_train_figures(out, "validation (model only, as written):", confusion);
	}
	fprintf(out, "model written to %s\n", opts->output);
	rc = 0;
out:
	model_free(&m);
	free(use);
	corpus_release(&c);
	return rc;
}

/* Topics and their sizes, for dealing them to folds. */
struct topic {
	const char *name;
	size_t size;
	int fold;
};

static int
cmp_topic_name(const void *a, const void *b)
{
	return strcmp(((const struct topic *)a)->name, ((const struct topic *)b)->name);
}

/* cmp_topic_size - largest first, then by name */
static int
cmp_topic_size(const void *a, const void *b)
{
	const struct topic *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* topic_fold - the fold of a topic name */
static int
topic_fold(const struct topic *t, size_t n, const char *name)
{
	struct topic key = { name, 0, 0 };
	const struct topic *hit = bsearch(&key, t, n, sizeof(*t), cmp_topic_name);

	return hit != NULL ? hit->fold : 0;
}

/* cli_train_crossval - k folds by topic */
int
cli_train_crossval(struct conf *conf, const char *corpus, int folds, FILE *out,
    struct strbuf *json_out, FILE *err)
{
	struct train_corpus c;
	struct topic *topics = NULL;
	size_t ntopics = 0, i, j, *fold_size = NULL, confusion[4][4];
	unsigned char *use = NULL;
	int *fold_of = NULL, k, rc = 1, tty = isatty(fileno(err));
	double p[CLASS_COUNT];
	const char *error;
	struct model *m;

	memset(&c, 0, sizeof(c));
	memset(confusion, 0, sizeof(confusion));
	if (corpus_labels(&c, corpus, err) < 0)
		goto out;
	if (!c.have_topic) {
		if (json_out != NULL)
			strbuf_append_str(json_out, "null");
		else
			fprintf(out, "\ncross-validation by topic: skipped (no \"topic\" in the labels)\n");
		rc = 77;
		goto out;
	}
	if (corpus_features(&c, conf, err) < 0)
		goto out;
	topics = xcalloc(c.count, sizeof(*topics));
	fold_size = xcalloc((size_t)folds, sizeof(*fold_size));
	fold_of = xcalloc(c.count, sizeof(*fold_of));
	use = xcalloc(c.count, 1);
	/* Distinct topics (a message without one is a topic of its own: its file). */
	for (i = 0; i < c.count; i++)
		topics[i].name = c.items[i].topic != NULL ? c.items[i].topic : c.items[i].file;
	qsort(topics, c.count, sizeof(*topics), cmp_topic_name);
	for (i = 0; i < c.count; i++) {
		if (ntopics > 0 && strcmp(topics[ntopics - 1].name, topics[i].name) == 0) {
			topics[ntopics - 1].size++;
			continue;
		}
		topics[ntopics] = topics[i];
		topics[ntopics++].size = 1;
	}
	if ((size_t)folds > ntopics)
		folds = (int)ntopics;
	qsort(topics, ntopics, sizeof(*topics), cmp_topic_size);
	for (i = 0; i < ntopics; i++) {
		int best = 0;

		for (k = 1; k < folds; k++)
			if (fold_size[k] < fold_size[best])
				best = k;
		topics[i].fold = best;
		fold_size[best] += topics[i].size;
	}
	qsort(topics, ntopics, sizeof(*topics), cmp_topic_name);
	for (i = 0; i < c.count; i++)
		fold_of[i] = topic_fold(topics, ntopics, c.items[i].topic != NULL ?
		    c.items[i].topic : c.items[i].file);
	for (k = 0; k < folds; k++) {
		if (tty) {
			fprintf(err, "\rcsp-milter: cross-validation fold %d/%d", k + 1, folds);
			fflush(err);
		}
		for (j = 0; j < c.count; j++)
			use[j] = fold_of[j] != k;
		if ((m = model_train(&c.set, use, MODEL_TRAIN_BITS, MODEL_TRAIN_SEED,
		    MODEL_TRAIN_C, &error)) == NULL) {
			fprintf(err, "csp-milter: %s: fold %d: %s\n", corpus, k + 1, error);
			goto out;
		}
		for (j = 0; j < c.count; j++) {
			if (use[j])
				continue;
			model_predict(m, c.set.rows[j].f, c.set.rows[j].n, p);
			confusion[c.items[j].label][model_argmax(p)]++;
		}
		model_free(&m);
	}
	if (tty)
		fprintf(err, "\r\033[K");
	if (json_out != NULL) {
		strbuf_appendf(json_out, "{\"folds\":%d,\"topics\":%zu,\"model_only\":", folds, ntopics);
		cli_train_figures_json(json_out, confusion);
		strbuf_append_char(json_out, '}');
	} else {
		fprintf(out, "\ncross-validation by topic: %d folds over %zu topics, every row "
		    "whatever its split\n", folds, ntopics);
		cli_train_figures(out, "model only, each fold scored by a model trained on the others:",
		    confusion);
	}
	rc = 0;
out:
	free(topics);
	free(fold_size);
	free(fold_of);
	free(use);
	corpus_release(&c);
	return rc;
}

/* One feature's pull on a class, for --explain. */
struct pull {
	uint32_t index;
	double contribution;
	const char *name;
};

static int
cmp_pull(const void *a, const void *b)
{
	const struct pull *x = a, *y = b;

	if (x->contribution != y->contribution)
		return x->contribution > y->contribution ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* cli_train_explain - the model's probabilities, points and strongest features */
int
cli_train_explain(const struct conf *conf, const struct msg_text *mt, enum csp_class winner,
    FILE *out)
{
	const struct model *m = conf->classify.model;
	struct msg_features_scratch *fs;
	const struct feature *f;
	struct pull *pulls = NULL;
	double p[CLASS_COUNT];
	size_t i, n, shown;
	int c;

	if (m == NULL)
		return 0;
	fs = msg_features_scratch_new();
	msg_features_keep_names(fs, 1);
	msg_features_extract(fs, mt, model_bits(m), model_seed(m), &f, &n);
	pulls = xcalloc(n, sizeof(*pulls));
	model_predict(m, f, n, p);
	fprintf(out, "  model (%s, weight %d; %zu features, Latin words stemmed as %s):\n",
	    conf->model_file, conf->classify.model_weight, n, msg_features_language(fs));
	for (c = 0; c < CLASS_COUNT; c++) {
		fprintf(out, "    %-12s p=%.3f", csp_class_name((enum csp_class)c), p[c]);
		if (c < CLASS_RULED)
			fprintf(out, "  points +%ld\n", classify_model_points(&conf->classify,
			    (enum csp_class)c, p[c]));
		else
			fprintf(out, "  (no points: other has no score)\n");
	}
	/* For "other", show what pushed the model's own choice. */
	if (winner == CLASS_OTHER)
		winner = model_argmax(p);
	for (i = 0; i < n; i++) {
		pulls[i].index = f[i].index;
		pulls[i].contribution = f[i].value * model_weight(m, f[i].index, winner);
		pulls[i].name = msg_features_name(fs, f[i].index);
	}
	qsort(pulls, n, sizeof(*pulls), cmp_pull);
	fprintf(out, "    features that moved %s most (value x weight):\n", csp_class_name(winner));
	for (i = 0, shown = 0; i < n && shown < 10 && pulls[i].contribution > 0; i++, shown++)
		fprintf(out, "      %+.4f %s\n", pulls[i].contribution,
		    pulls[i].name != NULL ? pulls[i].name : "?");
	if (shown == 0)
		fprintf(out, "      none for it\n");
	fprintf(out, "    and most against it:\n");
	for (i = n, shown = 0; i > 0 && shown < 5 && pulls[i - 1].contribution < 0; i--, shown++)
		fprintf(out, "      %+.4f %s\n", pulls[i - 1].contribution,
		    pulls[i - 1].name != NULL ? pulls[i - 1].name : "?");
	free(pulls);
	msg_features_scratch_free(&fs);
	return 0;
}
