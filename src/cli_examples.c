/* cli_examples - --learn, --forget, --examples and --evaluate --teach-first-per-template */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_examples.h"
#include "eval_corpus.h"
#include "example_store.h"
#include "fingerprint.h"
#include "msg_features.h"
#include "mta_queue.h"
#include "safe_text.h"
#include "scan.h"
#include "strbuf.h"
#include "xalloc.h"

#define DEFAULT_WEIGHT 5		/* as conf_block_examples */
#define DEFAULT_MIN_SIMILARITY 0.6
#define LIST_WRONG_MAX 20		/* misclassified members and matched unrelated mail shown */

static __thread struct strbuf cli_examples_error_buf;

/* cli_error - format an error into the thread's buffer */
static const char *
cli_error(const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&cli_examples_error_buf);
	va_start(ap, fmt);
	strbuf_vappendf(&cli_examples_error_buf, fmt, ap);
	va_end(ap);
	return cli_examples_error_buf.data;
}

/* cli_examples_default_teacher - who runs the command: the sudo caller first */
const char *
cli_examples_default_teacher(void)
{
	static char name[256];
	const char *s = getenv("SUDO_USER");
	struct passwd *pw;

	if (s != NULL && *s != '\0')
		return s;
	if (getlogin_r(name, sizeof(name)) == 0 && name[0] != '\0')
		return name;
	if ((pw = getpwuid(geteuid())) != NULL)
		return pw->pw_name;
	snprintf(name, sizeof(name), "uid %lu", (unsigned long)geteuid());
	return name;
}

/* read_all - a whole file ("-": stdin) into sb; 0 or -1 with errno */
static int
read_all(const char *file, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;
	int fd = strcmp(file, "-") == 0 ? STDIN_FILENO : open(file, O_RDONLY);

	if (fd < 0)
		return -1;
	strbuf_reset(sb);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (fd != STDIN_FILENO)
				close(fd);
			return -1;
		}
		strbuf_append(sb, buf, (size_t)n);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return 0;
}

/* fingerprint_raw - decode a raw message under conf and fingerprint its visible text */
static int
fingerprint_raw(struct conf *conf, struct scan *scan, struct msg_features_scratch *fs,
    const char *data, size_t len, struct fingerprint *fp)
{
	scan_begin(scan, conf);
	scan_raw(scan, data, len);
	scan_finish(scan);
	return fingerprint_message(fs, scan_result(scan)->text, fp);
}

/* need_store - the conf names an examples file */
static int
need_store(const struct conf *conf, const char **error_r)
{
	if (conf->examples_file == NULL) {
		*error_r = cli_error("%s: no examples block: add examples = { file = \"...\"; }",
		    conf->path);
		return -1;
	}
	return 0;
}

/* learn_one - fingerprint one raw message and add it to an open store */
static int
learn_one(struct conf *conf, struct example_store *st, struct scan *scan,
    struct msg_features_scratch *fs, enum csp_class class, const struct cli_examples_teacher *who,
    const char *source, const char *data, size_t len, int64_t *id_r, const char **error_r)
{
	struct example_info info;
	struct fingerprint fp;

	if (fingerprint_raw(conf, scan, fs, data, len, &fp) < 0) {
		*error_r = cli_error("%s: no text to learn from (no word in the body or subject)",
		    source);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.class = class;
	info.taught_by = who != NULL && who->by != NULL ? who->by : cli_examples_default_teacher();
	info.source = source;
	info.note = who != NULL && who->note != NULL ? who->note : "";
	return example_store_add(st, &info, &fp, id_r, error_r);
}

/* cli_examples_learn_message - teach one message given as bytes */
int
cli_examples_learn_message(struct conf *conf, enum csp_class class,
    const struct cli_examples_teacher *who, const char *source, const char *data, size_t len,
    int64_t *id_r, const char **error_r)
{
	struct example_store *st;
	struct scan *scan;
	struct msg_features_scratch *fs;
	int rc;

	if (need_store(conf, error_r) < 0)
		return -1;
	if ((st = example_store_open(conf->examples_file, 1, error_r)) == NULL)
		return -1;
	scan = scan_new();
	fs = msg_features_scratch_new();
	rc = learn_one(conf, st, scan, fs, class, who, source, data, len, id_r, error_r);
	msg_features_scratch_free(&fs);
	scan_free(&scan);
	example_store_close(&st);
	return rc;
}

/* class_list - the valid class names, for an error */
static void
class_list(FILE *err)
{
	int c;

	fprintf(err, "csp-milter: valid classes:");
	for (c = 0; c < CLASS_COUNT; c++)
		fprintf(err, " %s", csp_class_name((enum csp_class)c));
	fprintf(err, "\n");
}

/* cli_examples_class - the class --learn was given */
int
cli_examples_class(const char *name, FILE *err)
{
	int ci;

	if ((ci = csp_class_parse(name, 1)) < 0) {
		fprintf(err, "csp-milter: --learn: unknown class \"%s\"\n", name);
		class_list(err);
	}
	return ci;
}

/* cli_examples_learn - --learn CLASS FILE... in one transaction */
int
cli_examples_learn(struct conf *conf, const char *class_name,
    const struct cli_examples_teacher *who, struct mta_queue *queue, char **files, int nfiles,
    FILE *out, FILE *err)
{
	struct example_store *st;
	struct scan *scan;
	struct msg_features_scratch *fs;
	struct strbuf raw = STRBUF_INIT, ids = STRBUF_INIT;
	const char *error;
	int64_t id;
	int ci, i, rc = 0;

	if ((ci = cli_examples_class(class_name, err)) < 0)
		return 64;
	if (need_store(conf, &error) < 0 ||
	    (st = example_store_open(conf->examples_file, 1, &error)) == NULL) {
		fprintf(err, "csp-milter: %s\n", error);
		return 1;
	}
	if (example_store_begin(st, &error) < 0) {
		fprintf(err, "csp-milter: %s\n", error);
		example_store_close(&st);
		return 1;
	}
	scan = scan_new();
	fs = msg_features_scratch_new();
	for (i = 0; i < nfiles && rc == 0; i++) {
		const char *source = queue == NULL && strcmp(files[i], "-") == 0 ? "stdin" : files[i];

		if (queue != NULL) {
			if (mta_queue_read(queue, files[i], &raw, &error) < 0) {
				fprintf(err, "csp-milter: queue ID %s: %s\n", files[i], error);
				rc = 1;
				break;
			}
		} else if (read_all(files[i], &raw) < 0) {
			fprintf(err, "csp-milter: %s: %s\n", files[i], strerror(errno));
			rc = 1;
			break;
		}
		if (learn_one(conf, st, scan, fs, (enum csp_class)ci, who, source,
		    raw.data != NULL ? raw.data : "", raw.len, &id, &error) < 0) {
			fprintf(err, "csp-milter: %s\n", error);
			rc = 1;
		} else
			strbuf_appendf(&ids, "%lld %s\n", (long long)id, source);
	}
	/* All or none: a batch half taught would be hard to tell from a whole one. */
	if (rc == 0 && example_store_commit(st, &error) < 0) {
		fprintf(err, "csp-milter: %s\n", error);
		rc = 1;
	}
	if (rc != 0) {
		example_store_rollback(st);
		fprintf(err, "csp-milter: nothing learned\n");
	} else if (ids.len > 0)
		fputs(ids.data, out);
	msg_features_scratch_free(&fs);
	scan_free(&scan);
	example_store_close(&st);
	strbuf_release(&raw);
	strbuf_release(&ids);
	return rc;
}

/* cli_examples_forget - --forget ID */
int
cli_examples_forget(struct conf *conf, const char *arg, FILE *out, FILE *err)
{
	struct example_store *st;
	const char *error;
	char *end;
	long long id;
	int rc;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || id < 1) {
		fprintf(err, "csp-milter: --forget needs an example id (a whole number), not \"%s\"\n",
		    arg);
		return 64;
	}
	if (need_store(conf, &error) < 0 ||
	    (st = example_store_open(conf->examples_file, 0, &error)) == NULL) {
		fprintf(err, "csp-milter: %s\n", error);
		return 1;
	}
	rc = example_store_forget(st, id, &error);
	example_store_close(&st);
	if (rc < 0) {
		fprintf(err, "csp-milter: %s\n", error);
		return 1;
	}
	if (rc == 0) {
		fprintf(err, "csp-milter: %s: no example %lld\n", conf->examples_file, id);
		return 1;
	}
	fprintf(out, "forgot example %lld\n", id);
	return 0;
}

struct list_out {
	FILE *out;
	int json;
	struct strbuf sb;
};

/* list_one - one row of --examples */
static void
list_one(void *ctx, const struct example_info *info)
{
	struct list_out *lo = ctx;
	struct strbuf *sb = &lo->sb;

	strbuf_reset(sb);
	if (lo->json) {
		strbuf_appendf(sb, "{\"id\":%lld,\"class\":\"%s\",\"taught_by\":", (long long)info->id,
		    csp_class_name(info->class));
		strbuf_append_json(sb, info->taught_by, strlen(info->taught_by));
		strbuf_append_str(sb, ",\"taught_at\":");
		strbuf_append_json(sb, info->taught_at, strlen(info->taught_at));
		strbuf_append_str(sb, ",\"source\":");
		strbuf_append_json(sb, info->source, strlen(info->source));
		strbuf_append_str(sb, ",\"note\":");
		strbuf_append_json(sb, info->note, strlen(info->note));
		strbuf_append_str(sb, "}\n");
	} else {
		/* What a teacher typed reaches a terminal: made safe first. */
		strbuf_appendf(sb, "%-6lld %-12s ", (long long)info->id, csp_class_name(info->class));
		safe_text_terminal(sb, info->taught_by, strlen(info->taught_by));
		strbuf_append_char(sb, '\t');
		safe_text_terminal(sb, info->taught_at, strlen(info->taught_at));
		strbuf_append_char(sb, '\t');
		safe_text_terminal(sb, info->source, strlen(info->source));
		strbuf_append_char(sb, '\t');
		safe_text_terminal(sb, info->note, strlen(info->note));
		strbuf_append_char(sb, '\n');
	}
	fputs(sb->data, lo->out);
}

/* cli_examples_list - --examples */
int
cli_examples_list(struct conf *conf, int json, FILE *out, FILE *err)
{
	struct list_out lo = { out, json, STRBUF_INIT };
	struct example_store *st;
	const char *error;
	int rc;

	if (need_store(conf, &error) < 0 ||
	    (st = example_store_open(conf->examples_file, 0, &error)) == NULL) {
		fprintf(err, "csp-milter: %s\n", error);
		return 1;
	}
	if (!json)
		fprintf(out, "%-6s %-12s by\twhen\tsource\tnote\n", "id", "class");
	rc = example_store_list(st, list_one, &lo, &error);
	example_store_close(&st);
	strbuf_release(&lo.sb);
	if (rc < 0) {
		fprintf(err, "csp-milter: %s\n", error);
		return 1;
	}
	return 0;
}

/* ---- --evaluate CORPUS --teach-first-per-template ---- */

/* One message of the template corpus or of the unrelated one. */
struct tf_item {
	char *name;
	char *path;
	enum csp_class label;
	char *family;		/* NULL: unrelated to every family */
	size_t family_index;
	int first;		/* the member taught */
	int have_fp;
	struct fingerprint fp;
	long score[CLASS_RULED];	/* without examples */
	enum csp_class base;	/* the class without examples */
	char *error;
};

struct tf_run {
	struct tf_item *items;
	size_t count, cap;
	char **families;
	size_t nfamilies;
	size_t *teach;		/* the first member of each family */
};

/* tf_add - a new item */
static struct tf_item *
tf_add(struct tf_run *t)
{
	if (t->count == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->items = xreallocarray(t->items, t->cap, sizeof(*t->items));
	}
	memset(&t->items[t->count], 0, sizeof(t->items[0]));
	return &t->items[t->count++];
}

/* tf_add_label - one label of the families' corpus (eval_corpus_each_label) */
static int
tf_add_label(void *arg, json_t *obj, enum csp_class label, char *path, const char *where,
    FILE *err)
{
	struct tf_item *it = tf_add(arg);
	const char *family = eval_json_str(obj, "template");

	(void)where;
	(void)err;
	it->name = xstrdup(eval_json_str(obj, "file"));
	it->path = path;
	it->label = label;
	it->family = family != NULL ? xstrdup(family) : NULL;
	return 0;
}

/* tf_labels - labels.jsonl with "template" keys; "FILE:LINE: what" on err */
static int
tf_labels(struct tf_run *t, const char *dir, FILE *err)
{
	return eval_corpus_each_label(dir, tf_add_label, t, err);
}

/* cmp_item - families together, by file name */
static int
cmp_item(const void *a, const void *b)
{
	const struct tf_item *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* tf_scan - every item: its class and scores without examples, its fingerprint */
static void
tf_scan(struct conf *conf, struct tf_run *t)
{
	struct classify_params noex = conf->classify;
	struct classify_result res;
	struct scan *scan = scan_new();
	struct msg_features_scratch *fs = msg_features_scratch_new();
	struct strbuf raw = STRBUF_INIT;
	size_t i;
	int c;

	noex.examples = NULL;
	classify_result_init(&res);
	for (i = 0; i < t->count; i++) {
		struct tf_item *it = &t->items[i];

		if (read_all(it->path, &raw) < 0) {
			it->error = xstrdup(strerror(errno));
			continue;
		}
		it->have_fp = fingerprint_raw(conf, scan, fs, raw.data != NULL ? raw.data : "",
		    raw.len, &it->fp) == 0;
		scan_classify(scan, &noex, &res);
		for (c = 0; c < CLASS_RULED; c++)
			it->score[c] = res.score[c];
		it->base = res.class;
	}
	classify_result_release(&res);
	strbuf_release(&raw);
	msg_features_scratch_free(&fs);
	scan_free(&scan);
}

/* tf_families - number the families; the first member (by name) of each is taught */
static void
tf_families(struct tf_run *t)
{
	size_t i, f;

	for (i = 0; i < t->count; i++) {
		struct tf_item *it = &t->items[i];

		if (it->family == NULL || it->error != NULL)
			continue;
		for (f = 0; f < t->nfamilies; f++)
			if (strcmp(t->families[f], it->family) == 0)
				break;
		it->family_index = f;
		if (f == t->nfamilies) {
			t->families = xreallocarray(t->families, f + 1, sizeof(*t->families));
			t->teach = xreallocarray(t->teach, f + 1, sizeof(*t->teach));
			t->families[f] = it->family;
			t->teach[f] = i;
			t->nfamilies++;
			it->first = 1;
		}
	}
}

/* tf_index - an index of the first members of families [0, nfam) */
static struct example_index *
tf_index(const struct tf_run *t, size_t nfam, double min_similarity)
{
	struct example_index *ix = example_index_new(min_similarity);
	struct example_info info;
	size_t f;

	for (f = 0; f < nfam; f++) {
		const struct tf_item *it = &t->items[t->teach[f]];

		if (!it->have_fp)
			continue;
		memset(&info, 0, sizeof(info));
		info.id = (int64_t)f + 1;	/* the family's number */
		info.class = it->label;
		info.taught_by = "teach-first";
		info.taught_at = "";
		info.source = it->name;
		example_index_add(ix, &info, &it->fp);
	}
	example_index_seal(ix);
	return ix;
}

/* tf_classify - an item's class with the examples of ix; its best example in *best_r */
static enum csp_class
tf_classify(const struct classify_params *params, const struct example_index *ix,
    const struct tf_item *it, struct example_hit best[CLASS_COUNT])
{
	long score[CLASS_RULED];
	int c;

	memcpy(score, it->score, sizeof(score));
	if (!it->have_fp) {
		for (c = 0; c < CLASS_COUNT; c++)
			best[c].slot = EXAMPLE_NONE;
		return it->base;
	}
	example_index_lookup(ix, &it->fp, best);
	for (c = 0; c < CLASS_RULED; c++)
		if (best[c].slot != EXAMPLE_NONE)
			score[c] += classify_example_points(params,
			    (double)best[c].agreement / FINGERPRINT_BINS);
	return classify_pick(params, score);
}

/* best_of - the class whose example agrees most; -1 when none matched */
static int
best_of(const struct example_hit best[CLASS_COUNT])
{
	int c, b = -1;

	for (c = 0; c < CLASS_COUNT; c++)
		if (best[c].slot != EXAMPLE_NONE && (b < 0 || best[c].agreement > best[b].agreement))
			b = c;
	return b;
}

/* cmp_double - ascending */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* pct - a share in percent, 0 of 0 as 0 */
static double
pct(size_t num, size_t den)
{
	return den ? 100.0 * (double)num / (double)den : 0;
}

/* cli_examples_evaluate - teach one per family, measure the rest and the unrelated mail */
int
cli_examples_evaluate(struct conf *conf, const char *corpus, const char *unrelated, int json,
    FILE *out, FILE *err)
{
	static const int steps[] = { 0, 25, 50, 75, 100 };
	struct tf_run t;
	struct eval_corpus uc;
	struct classify_params params = conf->classify;
	struct example_index *ix;
	struct example_hit best[CLASS_COUNT];
	struct strbuf sb = STRBUF_INIT, wrong = STRBUF_INIT, matched = STRBUF_INIT;
	double min_sim = conf->examples_file != NULL ? conf->examples_min_similarity :
	    DEFAULT_MIN_SIMILARITY;
	size_t i, s, members = 0, before = 0, after = 0, own = 0, unrel = 0, unrel_matched = 0;
	size_t unrel_changed = 0, nwrong = 0, nmatched = 0, first_unrelated, errors = 0;
	size_t step_correct[sizeof(steps) / sizeof(steps[0])];
	double *own_sim = NULL, unrel_max = 0;
	size_t unrel_max_item = 0, unrel_max_family = 0;
	size_t nsim = 0;
	int bands, rows, rc = 0;

	if (conf->examples_file == NULL)
		params.examples_weight = DEFAULT_WEIGHT;
	memset(&t, 0, sizeof(t));
	memset(&uc, 0, sizeof(uc));
	if (tf_labels(&t, corpus, err) < 0)
		rc = 1;
	qsort(t.items, t.count, sizeof(*t.items), cmp_item);
	first_unrelated = t.count;
	if (rc == 0 && unrelated != NULL) {
		if (eval_corpus_load(&uc, unrelated, err) < 0)
			rc = 1;
		for (i = 0; rc == 0 && i < uc.count; i++) {
			struct tf_item *it = tf_add(&t);

			it->name = xstrdup(uc.items[i].name);
			it->path = xstrdup(uc.items[i].path);
			it->label = uc.items[i].label;
		}
	}
	eval_corpus_release(&uc);
	if (rc != 0)
		goto out;
	tf_scan(conf, &t);
	for (i = 0; i < t.count; i++)
		if (t.items[i].error != NULL) {
			fprintf(err, "csp-milter: %s: %s\n", t.items[i].path, t.items[i].error);
			errors++;
		}
	tf_families(&t);
	if (t.nfamilies == 0) {
		fprintf(err, "csp-milter: %s: no message has a \"template\" key\n", corpus);
		rc = 1;
		goto out;
	}
	/* Accuracy on the members not taught, as more families are taught. */
	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		size_t nfam = (t.nfamilies * (size_t)steps[s] + 99) / 100;

		ix = tf_index(&t, nfam, min_sim);
		step_correct[s] = 0;
		for (i = 0; i < first_unrelated; i++) {
			const struct tf_item *it = &t.items[i];

			if (it->family != NULL && !it->first && it->error == NULL)
				step_correct[s] += tf_classify(&params, ix, it, best) == it->label;
		}
		example_index_free(&ix);
	}
	ix = tf_index(&t, t.nfamilies, min_sim);
	example_index_bands(ix, &bands, &rows);
	for (i = 0; i < t.count; i++) {
		const struct tf_item *it = &t.items[i];
		enum csp_class got;
		struct example_info info;
		int b;

		if (it->error != NULL || it->first)
			continue;
		got = tf_classify(&params, ix, it, best);
		b = best_of(best);
		if (it->family != NULL && i < first_unrelated) {
			const struct tf_item *first = &t.items[t.teach[it->family_index]];

			if (it->have_fp && first->have_fp) {
				own_sim = xreallocarray(own_sim, nsim + 1, sizeof(*own_sim));
				own_sim[nsim++] = fingerprint_similarity(&it->fp, &first->fp);
			}
			members++;
			before += it->base == it->label;
			after += got == it->label;
			if (b >= 0) {
				example_index_info(ix, best[b].slot, &info);
				own += (size_t)info.id == it->family_index + 1;
			}
			if (got != it->label && nwrong++ < LIST_WRONG_MAX) {
				strbuf_appendf(&wrong, "  %s (%s): %s, was %s", it->name,
				    csp_class_name(it->label), csp_class_name(got),
				    csp_class_name(it->base));
				if (b >= 0) {
					strbuf_append_str(&wrong, "; ");
					example_index_describe(ix, best[b].slot,
					    (double)best[b].agreement / FINGERPRINT_BINS, &wrong);
					example_index_info(ix, best[b].slot, &info);
					strbuf_appendf(&wrong, " (%s)", t.families[info.id - 1]);
				}
				strbuf_append_char(&wrong, '\n');
			}
			continue;
		}
		unrel++;
		unrel_changed += got != it->base;
		/* Every example, not only the candidates: how close unrelated mail comes. */
		if (it->have_fp) {
			size_t f;

			for (f = 0; f < t.nfamilies; f++) {
				const struct tf_item *first = &t.items[t.teach[f]];
				double sim;

				if (!first->have_fp)
					continue;
				sim = fingerprint_similarity(&it->fp, &first->fp);
				if (sim > unrel_max) {
					unrel_max = sim;
					unrel_max_item = i;
					unrel_max_family = f;
				}
			}
		}
		if (b >= 0) {
			unrel_matched++;
			if (nmatched++ < LIST_WRONG_MAX) {
				example_index_info(ix, best[b].slot, &info);
				strbuf_appendf(&matched, "  %s: like the %s family, similarity %.2f\n",
				    it->name, t.families[info.id - 1],
				    (double)best[b].agreement / FINGERPRINT_BINS);
			}
		}
	}
	if (json) {
		strbuf_appendf(&sb, "{\"corpus\":");
		strbuf_append_json(&sb, corpus, strlen(corpus));
		strbuf_appendf(&sb, ",\"families\":%zu,\"min_similarity\":%.2f,\"bands\":%d,\"rows\":%d,"
		    "\"weight\":%d,\"members\":%zu,\"correct_before\":%zu,\"correct_after\":%zu,"
		    "\"matched_own_family\":%zu,\"unrelated\":%zu,\"unrelated_matched\":%zu,"
		    "\"unrelated_class_changed\":%zu,\"unrelated_max_similarity\":%.2f,\"errors\":%zu,"
		    "\"curve\":[", t.nfamilies, min_sim, bands, rows, params.examples_weight, members,
		    before, after, own, unrel, unrel_matched, unrel_changed, unrel_max, errors);
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
			strbuf_appendf(&sb, "%s{\"taught_percent\":%d,\"correct\":%zu}", s ? "," : "",
			    steps[s], step_correct[s]);
		strbuf_append_str(&sb, "]}\n");
		fputs(sb.data, out);
	} else {
		fprintf(out, "teach first per template: %s\n", corpus);
		fprintf(out, "families: %zu, one example each; min_similarity %.2f (%d bands of %d "
		    "bins, candidate p >= %.3f), weight %d\n", t.nfamilies, min_sim, bands, rows,
		    example_index_candidate_p(min_sim, bands, rows), params.examples_weight);
		fprintf(out, "other members: %zu\n", members);
		fprintf(out, "  correct before teaching: %zu (%.2f%%)\n", before, pct(before, members));
		fprintf(out, "  correct after teaching:  %zu (%.2f%%)\n", after, pct(after, members));
		fprintf(out, "  best example is their own family's: %zu (%.2f%%)\n", own,
		    pct(own, members));
		if (nsim > 0) {
			qsort(own_sim, nsim, sizeof(*own_sim), cmp_double);
			fprintf(out, "  similarity to their family's example: min %.2f, 5th percentile "
			    "%.2f, median %.2f\n", own_sim[0], own_sim[nsim / 20], own_sim[nsim / 2]);
		}
		fprintf(out, "  accuracy as families are taught:");
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
			fprintf(out, " %d%%: %.2f%%", steps[s], pct(step_correct[s], members));
		fprintf(out, "\n");
		if (wrong.len > 0)
			fprintf(out, "  wrong after teaching (%zu):\n%s", nwrong, wrong.data);
		fprintf(out, "unrelated messages: %zu (no template%s%s)\n", unrel,
		    unrelated != NULL ? ", and " : "", unrelated != NULL ? unrelated : "");
		fprintf(out, "  matched by an example: %zu (%.3f%%); class changed: %zu\n",
		    unrel_matched, pct(unrel_matched, unrel), unrel_changed);
		if (unrel > 0)
			fprintf(out, "  highest similarity to an example: %.2f (%s, like the %s family)\n",
			    unrel_max, t.items[unrel_max_item].name, t.families[unrel_max_family]);
		if (matched.len > 0)
			fputs(matched.data, out);
	}
	example_index_free(&ix);
	free(own_sim);
	if (errors > 0)
		rc = 1;
out:
	for (i = 0; i < t.count; i++) {
		free(t.items[i].name);
		free(t.items[i].path);
		free(t.items[i].family);
		free(t.items[i].error);
	}
	free(t.items);
	free(t.families);
	free(t.teach);
	strbuf_release(&sb);
	strbuf_release(&wrong);
	strbuf_release(&matched);
	return rc;
}
