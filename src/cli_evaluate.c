/* cli_evaluate - measure a config against a labelled corpus */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_evaluate.h"
#include "cli_train.h"
#include "model.h"
#include "scan.h"
#include "strbuf.h"

#define EVAL_JSON_DEPTH 64	/* nesting accepted in ignored label values */
#define EVAL_TOP_RULES 3	/* rules shown per message in the report */
#define EVAL_WEIGHTS 10		/* model weights tried by the report */

static const int eval_weights[EVAL_WEIGHTS] = { 1, 2, 3, 4, 5, 6, 8, 10, 15, 20 };

/* One labelled message of the corpus. */
struct eval_item {
	char *name;		/* as listed, relative to the corpus: the sort key */
	char *path;
	enum csp_class label;
	char *mail_from;	/* NULL: no envelope sender given */
	char **rcpt;
	size_t rcpt_count;
};

struct eval_corpus {
	const char *dir;
	const char *layout;	/* "labels.jsonl" or "class folders" */
	struct eval_item *items;
	size_t count, cap;
};

/* One message under one config. */
struct eval_outcome {
	char *error;		/* NULL unless the message could not be scanned */
	int vendor;
	int uncertain;
	enum csp_class class;
	long score[CLASS_RULED];
	int *hits;		/* counted matches per rule of the config */
	enum decision *decision;	/* per recipient, when vendor */
	int model_scored;	/* the conf has a model: the figures below are set */
	double model_p[CLASS_COUNT];
	enum csp_class class_rules;	/* the class by the rules alone */
	enum csp_class class_w[EVAL_WEIGHTS];	/* the class under each of eval_weights */
};

/* One config over the whole corpus. */
struct eval_run {
	struct conf *conf;
	struct eval_outcome *out;	/* one per corpus item */
	size_t correct, scanned;
};

/* The work shared by the threads: the next message to take, and progress. */
struct eval_pool {
	const struct eval_corpus *corpus;
	struct eval_run *runs;
	size_t nruns;
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	size_t next, done;
	int running;		/* threads not yet finished */
};

/* eval_err - where diagnostics go */
static FILE *
eval_err(const struct cli_evaluate_opts *opts)
{
	return opts->err != NULL ? opts->err : stderr;
}

/* eval_xcalloc - calloc that aborts on exhaustion */
static void *
eval_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL) {
		fprintf(stderr, "csp-milter: out of memory\n");
		abort();
	}
	return p;
}

/* eval_strdup - strdup that aborts on exhaustion */
static char *
eval_strdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL) {
		fprintf(stderr, "csp-milter: out of memory\n");
		abort();
	}
	return p;
}

/* eval_item_release - free one item's strings */
static void
eval_item_release(struct eval_item *it)
{
	size_t i;

	free(it->name);
	free(it->path);
	free(it->mail_from);
	for (i = 0; i < it->rcpt_count; i++)
		free(it->rcpt[i]);
	free(it->rcpt);
	memset(it, 0, sizeof(*it));
}

/* eval_corpus_release - free every item */
static void
eval_corpus_release(struct eval_corpus *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		eval_item_release(&c->items[i]);
	free(c->items);
	c->items = NULL;
	c->count = c->cap = 0;
}

/* eval_corpus_add - append an item, taking ownership of its strings */
static void
eval_corpus_add(struct eval_corpus *c, struct eval_item *it)
{
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct eval_item *p = realloc(c->items, cap * sizeof(*p));

		if (p == NULL) {
			fprintf(stderr, "csp-milter: out of memory\n");
			abort();
		}
		c->items = p;
		c->cap = cap;
	}
	c->items[c->count++] = *it;
	memset(it, 0, sizeof(*it));
}

/* eval_path - dir/name, or name when it is absolute */
static char *
eval_path(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	if (name[0] != '/')
		strbuf_appendf(&sb, "%s/", dir);
	strbuf_append_str(&sb, name);
	return strbuf_detach(&sb, NULL);
}

/* cli_evaluate_label_file - the path of a label's message, checked (cli_evaluate.h) */
char *
cli_evaluate_label_file(const char *dir, const char *name, const char **why_r)
{
	char *path = NULL, *real_dir = NULL, *real = NULL;
	const char *p;
	size_t dl;
	struct stat st;

	*why_r = "must name a file inside the corpus folder";
	if (name[0] == '\0' || name[0] == '/')
		return NULL;
	for (p = name; p != NULL; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return NULL;
	path = eval_path(dir, name);
	if ((real_dir = realpath(dir, NULL)) == NULL || (real = realpath(path, NULL)) == NULL) {
		*why_r = strerror(errno);
		goto fail;
	}
	dl = strlen(real_dir);
	if (strncmp(real, real_dir, dl) != 0 || real[dl] != '/')
		goto fail;	/* a symbolic link out of the folder */
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why_r = "not a regular file";
		goto fail;
	}
	free(real_dir);
	free(real);
	return path;
fail:
	free(path);
	free(real_dir);
	free(real);
	return NULL;
}

/* eval_json_string_member - a string member of a label object into *dst, or -1 */
static int
eval_json_string_member(json_t *obj, const char *key, char **dst, const char **error_r)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		/* The keys are fixed, so the messages can be literals. */
		*error_r = strcmp(key, "file") == 0 ? "\"file\" must be a string" :
		    strcmp(key, "class") == 0 ? "\"class\" must be a string" :
		    "\"mail_from\" must be a string";
		return -1;
	}
	free(*dst);
	*dst = eval_strdup(json_string_value(v));
	return 0;
}

/*
 * eval_label_line - parse one labels.jsonl line into it (and class into
 * *class_r) with jansson; other keys are ignored.  On a syntax error
 * *error_r points into errbuf.
 */
static int
eval_label_line(const char *line, size_t len, struct eval_item *it, char **class_r,
    json_error_t *jerr, const char **error_r)
{
	json_t *obj, *rcpt, *v;
	size_t i;
	int rc = -1;

	if ((obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, jerr)) == NULL) {
		*error_r = jerr->text;
		return -1;
	}
	if (!json_is_object(obj)) {
		*error_r = "not a JSON object";
		goto out;
	}
	if (eval_json_string_member(obj, "file", &it->name, error_r) < 0 ||
	    eval_json_string_member(obj, "class", class_r, error_r) < 0 ||
	    eval_json_string_member(obj, "mail_from", &it->mail_from, error_r) < 0)
		goto out;
	if ((rcpt = json_object_get(obj, "rcpt")) != NULL) {
		if (!json_is_array(rcpt)) {
			*error_r = "\"rcpt\" must be an array of strings";
			goto out;
		}
		json_array_foreach(rcpt, i, v) {
			if (!json_is_string(v)) {
				*error_r = "\"rcpt\" must be an array of strings";
				goto out;
			}
		}
		it->rcpt = eval_xcalloc(json_array_size(rcpt) + 1, sizeof(*it->rcpt));
		json_array_foreach(rcpt, i, v)
			it->rcpt[it->rcpt_count++] = eval_strdup(json_string_value(v));
	}
	rc = 0;
out:
	json_decref(obj);
	return rc;
}

/* eval_cmp_item - order items by name */
static int
eval_cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct eval_item *)a)->name, ((const struct eval_item *)b)->name);
}

/* eval_load_labels - the labels.jsonl layout; errors are "FILE:LINE: reason" */
static int
eval_load_labels(struct eval_corpus *c, const char *labels, FILE *err)
{
	FILE *fp;
	char *line = NULL, *class = NULL;
	size_t cap = 0, i;
	ssize_t n;
	int lineno = 0, rc = 0, ci;
	const char *error;
	json_error_t jerr;
	struct eval_item it;

	if ((fp = fopen(labels, "r")) == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", labels, strerror(errno));
		return -1;
	}
	memset(&it, 0, sizeof(it));
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (i = 0; i < (size_t)n && (line[i] == ' ' || line[i] == '\t'); i++)
			;
		if (i == (size_t)n)
			continue;
		if (eval_label_line(line, (size_t)n, &it, &class, &jerr, &error) < 0) {
			fprintf(err, "csp-milter: %s:%d: %s\n", labels, lineno, error);
			rc = -1;
		} else if (it.name == NULL || *it.name == '\0') {
			fprintf(err, "csp-milter: %s:%d: no \"file\"\n", labels, lineno);
			rc = -1;
		} else if (class == NULL) {
			fprintf(err, "csp-milter: %s:%d: no \"class\"\n", labels, lineno);
			rc = -1;
		} else if ((ci = csp_class_parse(class, 1)) < 0) {
			fprintf(err, "csp-milter: %s:%d: unknown class \"%s\" "
			    "(subscription, incident, non_csp, other)\n", labels, lineno, class);
			rc = -1;
		} else {
			const char *why;

			it.label = (enum csp_class)ci;
			if ((it.path = cli_evaluate_label_file(c->dir, it.name, &why)) == NULL) {
				fprintf(err, "csp-milter: %s:%d: \"file\": %s: %s\n", labels, lineno,
				    it.name, why);
				rc = -1;
			} else if (access(it.path, R_OK) < 0) {
				fprintf(err, "csp-milter: %s:%d: %s: %s\n", labels, lineno, it.path,
				    strerror(errno));
				rc = -1;
			} else
				eval_corpus_add(c, &it);
		}
		eval_item_release(&it);
		free(class);
		class = NULL;
	}
	free(line);
	fclose(fp);
	if (rc == 0 && c->count > 1) {
		qsort(c->items, c->count, sizeof(*c->items), eval_cmp_item);
		for (i = 1; i < c->count; i++)
			if (strcmp(c->items[i - 1].name, c->items[i].name) == 0) {
				fprintf(err, "csp-milter: %s: \"%s\" is labelled twice\n", labels,
				    c->items[i].name);
				rc = -1;
			}
	}
	return rc;
}

/* eval_has_suffix - name ends with suffix */
static int
eval_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcmp(name + n - s, suffix) == 0;
}

/* eval_load_folder - the .eml files of one class folder */
static int
eval_load_folder(struct eval_corpus *c, const char *sub, enum csp_class label, FILE *err)
{
	char *dir = eval_path(c->dir, sub);
	struct dirent *de;
	struct eval_item it;
	struct strbuf name = STRBUF_INIT;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", dir, strerror(errno));
		free(dir);
		return -1;
	}
	memset(&it, 0, sizeof(it));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !eval_has_suffix(de->d_name, ".eml"))
			continue;
		strbuf_reset(&name);
		strbuf_appendf(&name, "%s/%s", sub, de->d_name);
		it.name = strbuf_detach(&name, NULL);
		it.path = eval_path(c->dir, it.name);
		it.label = label;
		eval_corpus_add(c, &it);
	}
	closedir(d);
	free(dir);
	return 0;
}

/* eval_load_folders - the one-folder-per-class layout */
static int
eval_load_folders(struct eval_corpus *c, FILE *err)
{
	struct dirent *de;
	struct stat st;
	char *path;
	int rc = 0, folders = 0, ci;
	DIR *d;

	if ((d = opendir(c->dir)) == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", c->dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = eval_path(c->dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* A misspelt folder would silently drop its mail: refuse it. */
			if ((ci = csp_class_parse(de->d_name, 1)) < 0) {
				fprintf(err, "csp-milter: %s: not a class folder "
				    "(subscription, incident, non_csp, other)\n", path);
				rc = -1;
			} else {
				folders++;
				if (eval_load_folder(c, de->d_name, (enum csp_class)ci, err) < 0)
					rc = -1;
			}
		}
		free(path);
	}
	closedir(d);
	if (rc == 0 && folders == 0) {
		fprintf(err, "csp-milter: %s: neither labels.jsonl nor class folders\n", c->dir);
		rc = -1;
	}
	if (rc == 0)
		qsort(c->items, c->count, sizeof(*c->items), eval_cmp_item);
	return rc;
}

/* eval_load_corpus - whichever layout the directory has */
static int
eval_load_corpus(struct eval_corpus *c, const char *dir, FILE *err)
{
	char *labels = eval_path(dir, "labels.jsonl");
	int rc;

	memset(c, 0, sizeof(*c));
	c->dir = dir;
	if (access(labels, F_OK) == 0) {
		c->layout = "labels.jsonl";
		rc = eval_load_labels(c, labels, err);
	} else {
		c->layout = "class folders";
		rc = eval_load_folders(c, err);
	}
	free(labels);
	if (rc == 0 && c->count == 0) {
		fprintf(err, "csp-milter: %s: no messages\n", dir);
		rc = -1;
	}
	return rc;
}

/* eval_outcome_release - free one outcome */
static void
eval_outcome_release(struct eval_outcome *o)
{
	free(o->error);
	free(o->hits);
	free(o->decision);
	memset(o, 0, sizeof(*o));
}

/* eval_fail - record why a message could not be scanned */
static void
eval_fail(struct eval_outcome *o, const char *what, int errnum)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb, "%s%s%s", what, errnum ? ": " : "", errnum ? strerror(errnum) : "");
	free(o->error);
	o->error = strbuf_detach(&sb, NULL);
}

/* eval_rules_only - the model's probabilities, the class of the rules alone, and under other weights */
static int
eval_rules_only(struct scan *scan, const struct conf *conf, struct eval_outcome *o)
{
	struct classify_params params = conf->classify;
	struct classify_result res;
	int k;

	memcpy(o->model_p, scan_result(scan)->classify->model_p, sizeof(o->model_p));
	params.model = NULL;
	classify_result_init(&res);
	scan_classify(scan, &params, &res);
	o->class_rules = res.class;
	params.model = conf->classify.model;
	for (k = 0; k < EVAL_WEIGHTS; k++) {
		params.model_weight = eval_weights[k];
		scan_classify(scan, &params, &res);
		o->class_w[k] = res.class;
	}
	classify_result_release(&res);
	return 0;
}

/*
 * eval_scan - one message under one config, as the milter would see it:
 * the labels' envelope when given, otherwise vendor mail without
 * recipients.  A sender that is not vendor-side is classified all the
 * same, so that the label can be checked; its decisions are "untouched".
 */
static void
eval_scan(struct scan *scan, struct conf *conf, const struct eval_item *it,
    struct eval_outcome *o)
{
	const struct scan_result *sr;
	const struct classify_result *res;
	size_t i, nrules = rule_set_count(conf->rules);
	int fd;

	o->hits = eval_xcalloc(nrules, sizeof(*o->hits));
	o->decision = eval_xcalloc(it->rcpt_count, sizeof(*o->decision));
	if ((fd = open(it->path, O_RDONLY)) < 0) {
		eval_fail(o, "cannot open", errno);
		return;
	}
	scan_begin(scan, conf);
	if (it->mail_from != NULL)
		scan_set_sender(scan, it->mail_from);
	for (i = 0; i < it->rcpt_count; i++)
		scan_add_rcpt(scan, it->rcpt[i]);
	if (scan_raw_fd(scan, fd) < 0) {
		eval_fail(o, "read error", errno);
		close(fd);
		return;
	}
	close(fd);
	scan_decide(scan, it->mail_from == NULL);
	if (!scan_result(scan)->vendor)
		scan_classify(scan, &conf->classify, NULL);
	sr = scan_result(scan);
	res = sr->classify;
	o->vendor = sr->vendor;
	o->uncertain = res->uncertain;
	o->class = res->class;
	memcpy(o->score, res->score, sizeof(o->score));
	for (i = 0; i < res->match_count; i++)
		o->hits[res->matches[i].rule] += res->matches[i].hits;
	for (i = 0; i < it->rcpt_count; i++)
		o->decision[i] = sr->rcpts[i].decision;
	if ((o->model_scored = res->model_scored) && eval_rules_only(scan, conf, o) < 0)
		eval_fail(o, "out of memory", 0);
}

/* eval_worker - take messages until none is left, each under every config */
static void *
eval_worker(void *arg)
{
	struct eval_pool *pool = arg;
	struct scan *scans[2] = { NULL, NULL };
	size_t r, idx;

	for (r = 0; r < pool->nruns; r++)
		if ((scans[r] = scan_new()) == NULL) {
			fprintf(stderr, "csp-milter: out of memory\n");
			abort();
		}
	for (;;) {
		pthread_mutex_lock(&pool->lock);
		idx = pool->next < pool->corpus->count ? pool->next++ : (size_t)-1;
		pthread_mutex_unlock(&pool->lock);
		if (idx == (size_t)-1)
			break;
		/* One scan per config: a scan rebuilds its decoder when the conf changes. */
		for (r = 0; r < pool->nruns; r++)
			eval_scan(scans[r], pool->runs[r].conf, &pool->corpus->items[idx],
			    &pool->runs[r].out[idx]);
		pthread_mutex_lock(&pool->lock);
		pool->done++;
		pthread_mutex_unlock(&pool->lock);
	}
	for (r = 0; r < pool->nruns; r++)
		scan_free(&scans[r]);
	pthread_mutex_lock(&pool->lock);
	pool->running--;
	pthread_cond_broadcast(&pool->done_cv);
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* eval_jobs - the number of threads to start */
static size_t
eval_jobs(const struct cli_evaluate_opts *opts, size_t count)
{
	long n = opts->jobs;

	if (n <= 0 && (n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		n = 1;
	return (size_t)n < count ? (size_t)n : count;
}

/*
 * eval_pool_run - scan the corpus under every run's config on a pool of
 * threads.  When err is a terminal, report progress about four times a
 * second.  Returns 0, or -1 if no thread could be started.
 */
static int
eval_pool_run(const struct eval_corpus *corpus, struct eval_run *runs, size_t nruns,
    const struct cli_evaluate_opts *opts)
{
	struct eval_pool pool;
	FILE *err = eval_err(opts);
	size_t jobs = eval_jobs(opts, corpus->count), started = 0, i;
	pthread_t *tids = eval_xcalloc(jobs, sizeof(*tids));
	int progress = isatty(fileno(err)), shown = 0;
	struct timespec until;

	memset(&pool, 0, sizeof(pool));
	pool.corpus = corpus;
	pool.runs = runs;
	pool.nruns = nruns;
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.done_cv, NULL);
	pthread_mutex_lock(&pool.lock);
	for (i = 0; i < jobs; i++) {
		if (pthread_create(&tids[started], NULL, eval_worker, &pool) != 0) {
			fprintf(err, "csp-milter: cannot start a thread: %s\n", strerror(errno));
			break;
		}
		started++;
		pool.running++;
	}
	while (pool.running > 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pool.done_cv, &pool.lock, &until);
		if (progress && pool.running > 0) {
			fprintf(err, "\rcsp-milter: evaluating %zu/%zu messages", pool.done,
			    corpus->count);
			fflush(err);
			shown = 1;
		}
	}
	pthread_mutex_unlock(&pool.lock);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (shown)
		fprintf(err, "\r\033[K");
	pthread_mutex_destroy(&pool.lock);
	pthread_cond_destroy(&pool.done_cv);
	free(tids);
	return started > 0 ? 0 : -1;
}

/* eval_json_num - a ratio as a JSON number, null when undefined */
static void
eval_json_num(struct strbuf *sb, size_t num, size_t den)
{
	if (den == 0)
		strbuf_append_str(sb, "null");
	else
		strbuf_appendf(sb, "%.6g", (double)num / (double)den);
}

/* eval_ratio - a ratio for the report, "-" when undefined */
static const char *
eval_ratio(char *buf, size_t size, size_t num, size_t den)
{
	if (den == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.4f", (double)num / (double)den);
	return buf;
}

/* eval_scores_json - {"class": score, ...} */
static void
eval_scores_json(struct strbuf *sb, const long *score)
{
	int c;

	strbuf_append_char(sb, '{');
	for (c = 0; c < CLASS_RULED; c++)
		strbuf_appendf(sb, "%s\"%s\":%ld", c ? "," : "", csp_class_name((enum csp_class)c),
		    score[c]);
	strbuf_append_char(sb, '}');
}

/* eval_scores_text - "subscription=5/5 incident=0/5 ..." */
static void
eval_scores_text(struct strbuf *sb, const struct conf *conf, const long *score)
{
	int c;

	for (c = 0; c < CLASS_RULED; c++)
		strbuf_appendf(sb, "%s%s=%ld/%d", c ? " " : "", csp_class_name((enum csp_class)c),
		    score[c], conf->classify.threshold[c]);
}

/* Ranking matched rules: their contribution to the score, then rule order. */
struct eval_rank {
	size_t rule;
	long contribution;
};

/* eval_cmp_rank - strongest first */
static int
eval_cmp_rank(const void *a, const void *b)
{
	const struct eval_rank *x = a, *y = b;

	if (x->contribution != y->contribution)
		return x->contribution > y->contribution ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* eval_ranked - the matched rules of o, strongest first; returns how many */
static size_t
eval_ranked(const struct conf *conf, const struct eval_outcome *o, struct eval_rank *rank)
{
	size_t i, n = 0, nrules = rule_set_count(conf->rules);

	for (i = 0; i < nrules; i++)
		if (o->hits[i] > 0) {
			rank[n].rule = i;
			rank[n].contribution = (long)o->hits[i] * rule_set_spec(conf->rules, i)->weight;
			n++;
		}
	qsort(rank, n, sizeof(*rank), eval_cmp_rank);
	return n;
}

/*
 * eval_near - is o a near miss, and by how many points?  For a message
 * that reached a class, the distance is the smaller of (score - threshold)
 * and (score - the best other class that matched anything); for "other",
 * it is how far the best-scoring class that matched anything stayed below
 * its threshold.  A message on which no rule matched is never near.
 */
static int
eval_near(const struct conf *conf, const struct eval_outcome *o, long margin, long *dist_r)
{
	const struct classify_params *p = &conf->classify;
	long d = -1;
	int i, c, best = -1;

	if (o->class != CLASS_OTHER) {
		c = (int)o->class;
		d = o->score[c] - p->threshold[c];
		for (i = 0; i < CLASS_RULED; i++)
			if (i != c && o->score[i] > 0 && o->score[c] - o->score[i] < d)
				d = o->score[c] - o->score[i];
	} else {
		for (i = 0; i < CLASS_RULED; i++) {
			c = (int)p->precedence[i];
			if (o->score[c] > 0 && (best < 0 || o->score[c] > o->score[best]))
				best = c;
		}
		if (best < 0)
			return 0;
		d = p->threshold[best] - o->score[best];
	}
	if (d < 0)
		d = 0;
	*dist_r = d;
	return d <= margin;
}

/* Per-config statistics over the corpus. */
struct eval_stats {
	size_t total, correct;
	size_t confusion[CLASS_COUNT][CLASS_COUNT];	/* [true][predicted] */
	size_t *rule_hits;	/* [rule * CLASS_COUNT + true class] */
};

/* eval_stats_build - count everything once */
static void
eval_stats_build(struct eval_stats *st, const struct eval_corpus *corpus,
    const struct eval_run *run)
{
	size_t i, r, nrules = rule_set_count(run->conf->rules);

	memset(st, 0, sizeof(*st));
	st->rule_hits = eval_xcalloc(nrules * CLASS_COUNT, sizeof(*st->rule_hits));
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];
		enum csp_class t = corpus->items[i].label;

		if (o->error != NULL)
			continue;
		st->total++;
		st->confusion[t][o->class]++;
		if (o->class == t)
			st->correct++;
		for (r = 0; r < nrules; r++)
			if (o->hits[r] > 0)
				st->rule_hits[r * CLASS_COUNT + t]++;
	}
}

/* eval_predicted - messages predicted as class c */
static size_t
eval_predicted(const struct eval_stats *st, int c)
{
	size_t n = 0;
	int t;

	for (t = 0; t < CLASS_COUNT; t++)
		n += st->confusion[t][c];
	return n;
}

/* eval_support - messages labelled class c */
static size_t
eval_support(const struct eval_stats *st, int c)
{
	size_t n = 0;
	int p;

	for (p = 0; p < CLASS_COUNT; p++)
		n += st->confusion[c][p];
	return n;
}

/* eval_rule_total - messages a rule matched */
static size_t
eval_rule_total(const struct eval_stats *st, size_t r)
{
	size_t n = 0;
	int t;

	for (t = 0; t < CLASS_COUNT; t++)
		n += st->rule_hits[r * CLASS_COUNT + t];
	return n;
}

/* eval_report_json - the whole evaluation as one JSON object */
static void
eval_report_json(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct eval_stats *st, long margin, struct strbuf *sb)
{
	const struct conf *conf = run->conf;
	size_t nrules = rule_set_count(conf->rules), i, r, n, first;
	struct eval_rank *rank = eval_xcalloc(nrules, sizeof(*rank));
	long dist;
	int c, p;

	strbuf_appendf(sb, "{\"total\":%zu,\"accuracy\":", st->total);
	eval_json_num(sb, st->correct, st->total);
	strbuf_append_str(sb, ",\"per_class\":{");
	for (c = 0; c < CLASS_COUNT; c++) {
		strbuf_appendf(sb, "%s\"%s\":{\"precision\":", c ? "," : "",
		    csp_class_name((enum csp_class)c));
		eval_json_num(sb, st->confusion[c][c], eval_predicted(st, c));
		strbuf_append_str(sb, ",\"recall\":");
		eval_json_num(sb, st->confusion[c][c], eval_support(st, c));
		strbuf_appendf(sb, ",\"support\":%zu}", eval_support(st, c));
	}
	strbuf_append_str(sb, "},\"confusion\":{");
	for (c = 0; c < CLASS_COUNT; c++) {
		strbuf_appendf(sb, "%s\"%s\":{", c ? "," : "", csp_class_name((enum csp_class)c));
		for (p = 0; p < CLASS_COUNT; p++)
			strbuf_appendf(sb, "%s\"%s\":%zu", p ? "," : "",
			    csp_class_name((enum csp_class)p), st->confusion[c][p]);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "},\"rules\":[");
	for (r = 0; r < nrules; r++) {
		const struct rule_spec *spec = rule_set_spec(conf->rules, r);
		size_t hits = eval_rule_total(st, r);

		strbuf_append_str(sb, r ? ",{\"id\":" : "{\"id\":");
		strbuf_append_json(sb, spec->id, strlen(spec->id));
		strbuf_appendf(sb, ",\"class\":\"%s\",\"hits\":%zu,\"hits_by_class\":{",
		    csp_class_name((enum csp_class)spec->class_index), hits);
		for (c = 0; c < CLASS_COUNT; c++)
			strbuf_appendf(sb, "%s\"%s\":%zu", c ? "," : "",
			    csp_class_name((enum csp_class)c), st->rule_hits[r * CLASS_COUNT + c]);
		strbuf_append_str(sb, "},\"precision\":");
		eval_json_num(sb, st->rule_hits[r * CLASS_COUNT + spec->class_index], hits);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "],\"misses\":[");
	for (i = 0, first = 1; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || o->class == corpus->items[i].label)
			continue;
		strbuf_append_str(sb, first ? "{\"file\":" : ",{\"file\":");
		first = 0;
		strbuf_append_json(sb, corpus->items[i].name, strlen(corpus->items[i].name));
		strbuf_appendf(sb, ",\"expected\":\"%s\",\"got\":\"%s\",\"scores\":",
		    csp_class_name(corpus->items[i].label), csp_class_name(o->class));
		eval_scores_json(sb, o->score);
		strbuf_append_str(sb, ",\"rules\":[");
		n = eval_ranked(conf, o, rank);
		for (r = 0; r < n; r++) {
			const char *id = rule_set_spec(conf->rules, rank[r].rule)->id;

			if (r > 0)
				strbuf_append_char(sb, ',');
			strbuf_append_json(sb, id, strlen(id));
		}
		strbuf_append_str(sb, "]}");
	}
	strbuf_append_str(sb, "],\"near_misses\":[");
	for (i = 0, first = 1; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || !eval_near(conf, o, margin, &dist))
			continue;
		strbuf_append_str(sb, first ? "{\"file\":" : ",{\"file\":");
		first = 0;
		strbuf_append_json(sb, corpus->items[i].name, strlen(corpus->items[i].name));
		strbuf_appendf(sb, ",\"class\":\"%s\",\"margin\":%ld,\"scores\":",
		    csp_class_name(o->class), dist);
		eval_scores_json(sb, o->score);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "]}");
	free(rank);
}

/* eval_report_text - the evaluation for a reader */
static void
eval_report_text(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct eval_stats *st, long margin, FILE *out)
{
	const struct conf *conf = run->conf;
	size_t nrules = rule_set_count(conf->rules), i, r, n, count, width = 7;
	struct eval_rank *rank = eval_xcalloc(nrules, sizeof(*rank));
	struct strbuf sb = STRBUF_INIT;
	char b1[32], b2[32];
	long dist;
	int c, p;

	fprintf(out, "corpus %s (%s): %zu messages; config %s\n", corpus->dir, corpus->layout,
	    st->total, conf->path);
	fprintf(out, "accuracy: %s (%zu/%zu)\n\n", eval_ratio(b1, sizeof(b1), st->correct,
	    st->total), st->correct, st->total);
	fprintf(out, "%-14s %9s %9s %8s\n", "class", "precision", "recall", "support");
	for (c = 0; c < CLASS_COUNT; c++)
		fprintf(out, "%-14s %9s %9s %8zu\n", csp_class_name((enum csp_class)c),
		    eval_ratio(b1, sizeof(b1), st->confusion[c][c], eval_predicted(st, c)),
		    eval_ratio(b2, sizeof(b2), st->confusion[c][c], eval_support(st, c)),
		    eval_support(st, c));

	fprintf(out, "\nconfusion matrix (rows: true class, columns: predicted)\n%-14s", "");
	for (p = 0; p < CLASS_COUNT; p++)
		fprintf(out, " %12s", csp_class_name((enum csp_class)p));
	fprintf(out, "\n");
	for (c = 0; c < CLASS_COUNT; c++) {
		fprintf(out, "%-14s", csp_class_name((enum csp_class)c));
		for (p = 0; p < CLASS_COUNT; p++)
			fprintf(out, " %12zu", st->confusion[c][p]);
		fprintf(out, "\n");
	}

	for (r = 0; r < nrules; r++)
		if (strlen(rule_set_spec(conf->rules, r)->id) > width)
			width = strlen(rule_set_spec(conf->rules, r)->id);
	fprintf(out, "\nrules (hits: messages matched; precision: hits on the rule's own class / hits)\n");
	fprintf(out, "%-*s %-12s %6s %12s %8s %7s %5s %9s\n", (int)width, "rule", "class", "hits",
	    "subscription", "incident", "non_csp", "other", "precision");
	for (r = 0; r < nrules; r++) {
		const struct rule_spec *spec = rule_set_spec(conf->rules, r);
		const size_t *h = &st->rule_hits[r * CLASS_COUNT];

		fprintf(out, "%-*s %-12s %6zu %12zu %8zu %7zu %5zu %9s\n", (int)width, spec->id,
		    csp_class_name((enum csp_class)spec->class_index), eval_rule_total(st, r),
		    h[0], h[1], h[2], h[3],
		    eval_ratio(b1, sizeof(b1), h[spec->class_index], eval_rule_total(st, r)));
	}

	count = st->total - st->correct;
	fprintf(out, "\nmisclassified: %zu\n", count);
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || o->class == corpus->items[i].label)
			continue;
		strbuf_reset(&sb);
		eval_scores_text(&sb, conf, o->score);
		fprintf(out, "  %s: expected %s, got %s%s\n    scores %s\n    rules:",
		    corpus->items[i].name, csp_class_name(corpus->items[i].label),
		    csp_class_name(o->class), o->uncertain ? " (uncertain)" : "", sb.data);
		n = eval_ranked(conf, o, rank);
		for (r = 0; r < n && r < EVAL_TOP_RULES; r++)
			fprintf(out, " %s (%s %+ld)", rule_set_spec(conf->rules, rank[r].rule)->id,
			    csp_class_name((enum csp_class)rule_set_spec(conf->rules,
			    rank[r].rule)->class_index), rank[r].contribution);
		fprintf(out, "%s%s\n", n == 0 ? " none" : "", n > EVAL_TOP_RULES ? " ..." : "");
	}

	for (i = 0, count = 0; i < corpus->count; i++)
		if (run->out[i].error == NULL && eval_near(conf, &run->out[i], margin, &dist))
			count++;
	fprintf(out, "\nnear misses (within %ld points of a threshold or of the runner-up): %zu\n",
	    margin, count);
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || !eval_near(conf, o, margin, &dist))
			continue;
		strbuf_reset(&sb);
		eval_scores_text(&sb, conf, o->score);
		fprintf(out, "  %s: %s (expected %s), margin %ld; scores %s\n",
		    corpus->items[i].name, csp_class_name(o->class),
		    csp_class_name(corpus->items[i].label), dist, sb.data);
	}
	strbuf_release(&sb);
	free(rank);
}

/* eval_find_rule - index of the rule with this id in conf, or -1 */
static long
eval_find_rule(const struct conf *conf, const char *id)
{
	size_t i, n = rule_set_count(conf->rules);

	for (i = 0; i < n; i++)
		if (strcmp(rule_set_spec(conf->rules, i)->id, id) == 0)
			return (long)i;
	return -1;
}

/* One rule that explains a change: matched on one side only, or scored differently. */
struct eval_blame {
	const char *id;
	const char *class;
	long old_rule, new_rule;	/* index, -1: not in that config */
	int old_hits, new_hits;
};

/*
 * eval_blame - the rules responsible for the difference between two
 * outcomes of one message: every rule that matched under one config and
 * not the other, or matched under both with a different weight, class or
 * hit count.  Returns how many were written to b (room for both sets).
 */
static size_t
eval_blame(const struct eval_run *old, const struct eval_run *new, size_t msg,
    struct eval_blame *b)
{
	const struct eval_outcome *o = &old->out[msg], *n = &new->out[msg];
	size_t nold = rule_set_count(old->conf->rules), nnew = rule_set_count(new->conf->rules);
	size_t i, count = 0;
	long j;

	for (i = 0; i < nold; i++) {
		const struct rule_spec *s = rule_set_spec(old->conf->rules, i), *t;
		int nh;

		j = eval_find_rule(new->conf, s->id);
		t = j >= 0 ? rule_set_spec(new->conf->rules, (size_t)j) : NULL;
		nh = j >= 0 ? n->hits[j] : 0;
		if (o->hits[i] == 0 && nh == 0)
			continue;
		if (o->hits[i] > 0 && nh > 0 && t->weight == s->weight &&
		    t->class_index == s->class_index && o->hits[i] == nh)
			continue;
		b[count].id = s->id;
		b[count].class = csp_class_name((enum csp_class)(t ? t->class_index : s->class_index));
		b[count].old_rule = (long)i;
		b[count].new_rule = j;
		b[count].old_hits = o->hits[i];
		b[count].new_hits = nh;
		count++;
	}
	for (i = 0; i < nnew; i++) {
		const struct rule_spec *t = rule_set_spec(new->conf->rules, i);

		if (n->hits[i] == 0 || eval_find_rule(old->conf, t->id) >= 0)
			continue;
		b[count].id = t->id;
		b[count].class = csp_class_name((enum csp_class)t->class_index);
		b[count].old_rule = -1;
		b[count].new_rule = (long)i;
		b[count].old_hits = 0;
		b[count].new_hits = n->hits[i];
		count++;
	}
	return count;
}

/* eval_changed - does the message's class or any decision differ? */
static int
eval_changed(const struct eval_item *it, const struct eval_outcome *o,
    const struct eval_outcome *n)
{
	size_t i;

	if (o->error != NULL || n->error != NULL)
		return 0;
	if (o->class != n->class || o->vendor != n->vendor || o->uncertain != n->uncertain)
		return 1;
	for (i = 0; i < it->rcpt_count && o->vendor; i++)
		if (o->decision[i] != n->decision[i])
			return 1;
	return 0;
}

/* eval_decision - a recipient's decision, or "untouched" for non-vendor mail */
static const char *
eval_decision(const struct eval_outcome *o, size_t i)
{
	return o->vendor ? decision_name(o->decision[i]) : "untouched";
}

/* eval_class_label - the class, marked when uncertain */
static const char *
eval_class_label(char *buf, size_t size, const struct eval_outcome *o)
{
	snprintf(buf, size, "%s%s", csp_class_name(o->class), o->uncertain ? " (uncertain)" : "");
	return buf;
}

/* eval_model_change - the model's probabilities before and after, for --compare */
static void
eval_model_change(const struct eval_outcome *o, const struct eval_outcome *n, FILE *out)
{
	int c;

	fprintf(out, "    model:");
	for (c = 0; c < CLASS_COUNT; c++) {
		fprintf(out, "%s %s ", c ? "," : "", csp_class_name((enum csp_class)c));
		if (o->model_scored)
			fprintf(out, "%.2f", o->model_p[c]);
		else
			fprintf(out, "-");
		if (n->model_scored)
			fprintf(out, " -> %.2f", n->model_p[c]);
		else
			fprintf(out, " -> -");
	}
	fprintf(out, "\n");
}

/* eval_compare_report - both accuracies and every change, as text or JSON */
static void
eval_compare_report(const struct eval_corpus *corpus, const struct eval_run *old,
    const struct eval_run *new, int json, FILE *out)
{
	size_t room = rule_set_count(old->conf->rules) + rule_set_count(new->conf->rules);
	struct eval_blame *b = eval_xcalloc(room, sizeof(*b));
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, nb, changes = 0, first = 1;
	char b1[64], b2[64];

	for (i = 0; i < corpus->count; i++)
		changes += eval_changed(&corpus->items[i], &old->out[i], &new->out[i]);
	if (json) {
		strbuf_appendf(&sb, "{\"total\":%zu,\"accuracy_old\":", old->scanned);
		eval_json_num(&sb, old->correct, old->scanned);
		strbuf_append_str(&sb, ",\"accuracy_new\":");
		eval_json_num(&sb, new->correct, new->scanned);
		strbuf_append_str(&sb, ",\"changes\":[");
	} else {
		fprintf(out, "corpus %s (%s): %zu messages\n", corpus->dir, corpus->layout,
		    old->scanned);
		fprintf(out, "old %s: accuracy %s (%zu/%zu)\n", old->conf->path,
		    eval_ratio(b1, sizeof(b1), old->correct, old->scanned), old->correct,
		    old->scanned);
		fprintf(out, "new %s: accuracy %s (%zu/%zu)\n", new->conf->path,
		    eval_ratio(b1, sizeof(b1), new->correct, new->scanned), new->correct,
		    new->scanned);
		fprintf(out, "\nchanged: %zu\n", changes);
	}
	for (i = 0; i < corpus->count; i++) {
		const struct eval_item *it = &corpus->items[i];
		const struct eval_outcome *o = &old->out[i], *n = &new->out[i];

		if (!eval_changed(it, o, n))
			continue;
		nb = eval_blame(old, new, i, b);
		if (!json) {
			fprintf(out, "  %s (expected %s): %s -> %s%s\n", it->name,
			    csp_class_name(it->label), eval_class_label(b1, sizeof(b1), o),
			    eval_class_label(b2, sizeof(b2), n),
			    n->class == it->label && o->class != it->label ? "  [fixed]" :
			    o->class == it->label && n->class != it->label ? "  [broken]" : "");
			for (k = 0; k < it->rcpt_count; k++)
				fprintf(out, "    %s: %s -> %s\n", it->rcpt[k], eval_decision(o, k),
				    eval_decision(n, k));
			if (o->model_scored || n->model_scored)
				eval_model_change(o, n, out);
			for (k = 0; k < nb; k++) {
				const struct rule_spec *os = b[k].old_rule >= 0 ?
				    rule_set_spec(old->conf->rules, (size_t)b[k].old_rule) : NULL;
				const struct rule_spec *ns = b[k].new_rule >= 0 ?
				    rule_set_spec(new->conf->rules, (size_t)b[k].new_rule) : NULL;

				fprintf(out, "    rule %s (%s): ", b[k].id, b[k].class);
				if (b[k].old_hits == 0)
					fprintf(out, "matches only in the new config");
				else if (b[k].new_hits == 0)
					fprintf(out, "matches only in the old config");
				else
					fprintf(out, "matches in both");
				if (os != NULL && ns != NULL && os->weight != ns->weight)
					fprintf(out, ", weight %d -> %d", os->weight, ns->weight);
				else if (os == NULL)
					fprintf(out, " (a new rule), weight %d", ns->weight);
				else if (ns == NULL)
					fprintf(out, " (rule removed), weight %d", os->weight);
				if (b[k].old_hits != 0 && b[k].new_hits != 0 &&
				    b[k].old_hits != b[k].new_hits)
					fprintf(out, ", hits %d -> %d", b[k].old_hits, b[k].new_hits);
				fprintf(out, "\n");
			}
			continue;
		}
		strbuf_append_str(&sb, first ? "{\"file\":" : ",{\"file\":");
		first = 0;
		strbuf_append_json(&sb, it->name, strlen(it->name));
		strbuf_appendf(&sb, ",\"expected\":\"%s\",\"old_class\":\"%s\",\"new_class\":\"%s\","
		    "\"old_uncertain\":%s,\"new_uncertain\":%s,\"old_scores\":",
		    csp_class_name(it->label), csp_class_name(o->class), csp_class_name(n->class),
		    o->uncertain ? "true" : "false", n->uncertain ? "true" : "false");
		eval_scores_json(&sb, o->score);
		strbuf_append_str(&sb, ",\"new_scores\":");
		eval_scores_json(&sb, n->score);
		strbuf_append_str(&sb, ",\"recipients\":[");
		for (k = 0; k < it->rcpt_count; k++) {
			strbuf_append_str(&sb, k ? ",{\"rcpt\":" : "{\"rcpt\":");
			strbuf_append_json(&sb, it->rcpt[k], strlen(it->rcpt[k]));
			strbuf_appendf(&sb, ",\"old\":\"%s\",\"new\":\"%s\"}", eval_decision(o, k),
			    eval_decision(n, k));
		}
		strbuf_append_str(&sb, "],\"rules\":[");
		for (k = 0; k < nb; k++) {
			strbuf_append_str(&sb, k ? ",{\"id\":" : "{\"id\":");
			strbuf_append_json(&sb, b[k].id, strlen(b[k].id));
			strbuf_appendf(&sb, ",\"class\":\"%s\",\"matched_old\":%s,\"matched_new\":%s,"
			    "\"old_weight\":", b[k].class, b[k].old_hits ? "true" : "false",
			    b[k].new_hits ? "true" : "false");
			if (b[k].old_rule >= 0)
				strbuf_appendf(&sb, "%d", rule_set_spec(old->conf->rules,
				    (size_t)b[k].old_rule)->weight);
			else
				strbuf_append_str(&sb, "null");
			strbuf_append_str(&sb, ",\"new_weight\":");
			if (b[k].new_rule >= 0)
				strbuf_appendf(&sb, "%d", rule_set_spec(new->conf->rules,
				    (size_t)b[k].new_rule)->weight);
			else
				strbuf_append_str(&sb, "null");
			strbuf_append_char(&sb, '}');
		}
		strbuf_append_str(&sb, "]}");
	}
	if (json) {
		strbuf_append_str(&sb, "]}");
		fprintf(out, "%s\n", sb.data);
	}
	strbuf_release(&sb);
	free(b);
}

/* eval_weight_sweep - the combined figures under other model weights, to choose one */
static void
eval_weight_sweep(const struct eval_corpus *corpus, const struct eval_run *run, FILE *out,
    struct strbuf *json)
{
	size_t cm[4][4], i;
	int k;

	if (json != NULL)
		strbuf_append_str(json, ",\"weights\":{");
	else
		fprintf(out, "combined under other weights (accuracy, non-incident classified incident, "
		    "incident held or rerouted):\n");
	for (k = 0; k < EVAL_WEIGHTS; k++) {
		memset(cm, 0, sizeof(cm));
		for (i = 0; i < corpus->count; i++)
			if (run->out[i].error == NULL && run->out[i].model_scored)
				cm[corpus->items[i].label][run->out[i].class_w[k]]++;
		if (json != NULL) {
			strbuf_appendf(json, "%s\"%d\":", k ? "," : "", eval_weights[k]);
			cli_train_figures_json(json, cm);
		} else
			cli_train_figures_line(out, eval_weights[k], cm);
	}
	if (json != NULL)
		strbuf_append_char(json, '}');
}

/*
 * eval_model_report - with a model: rules only, model only (its most
 * probable class) and combined, then k-fold cross-validation by topic.
 */
static int
eval_model_report(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct cli_evaluate_opts *opts, FILE *out, struct strbuf *json)
{
	size_t conf_m[3][4][4], i;
	static const char *const titles[3] = { "rules only:", "model only:", "combined (the milter's decision):" };
	static const char *const keys[3] = { "rules_only", "model_only", "combined" };
	int k, rc;

	memset(conf_m, 0, sizeof(conf_m));
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];
		enum csp_class t = corpus->items[i].label;

		if (o->error != NULL || !o->model_scored)
			continue;
		conf_m[0][t][o->class_rules]++;
		conf_m[1][t][model_argmax(o->model_p)]++;
		conf_m[2][t][o->class]++;
	}
	if (json != NULL)
		strbuf_append_str(json, ",\"model\":{");
	else
		fprintf(out, "\nmodel %s, weight %d\n", run->conf->model_file,
		    run->conf->classify.model_weight);
	for (k = 0; k < 3; k++) {
		if (json != NULL) {
			strbuf_appendf(json, "%s\"%s\":", k ? "," : "", keys[k]);
			cli_train_figures_json(json, conf_m[k]);
		} else
			cli_train_figures(out, titles[k], conf_m[k]);
	}
	eval_weight_sweep(corpus, run, out, json);
	if (json != NULL)
		strbuf_append_str(json, ",\"cross_validation\":");
	rc = cli_train_crossval(run->conf, corpus->dir, opts->folds > 1 ? opts->folds : 5, out,
	    json, eval_err(opts));
	if (json != NULL)
		strbuf_append_char(json, '}');
	return rc == 1 ? -1 : 0;
}

/* eval_tally - count what each run scanned and got right; report failures once */
static int
eval_tally(const struct eval_corpus *corpus, struct eval_run *runs, size_t nruns, FILE *err)
{
	size_t i, r;
	int rc = 0;

	for (r = 0; r < nruns; r++)
		for (i = 0; i < corpus->count; i++) {
			const struct eval_outcome *o = &runs[r].out[i];

			if (o->error != NULL) {
				if (r == 0 || runs[0].out[i].error == NULL)
					fprintf(err, "csp-milter: %s: %s\n", corpus->items[i].path,
					    o->error);
				rc = -1;
				continue;
			}
			runs[r].scanned++;
			runs[r].correct += o->class == corpus->items[i].label;
		}
	return rc;
}

/* cli_evaluate_run - evaluate, and compare when given a second config */
int
cli_evaluate_run(struct conf *conf, struct conf *conf2, const struct cli_evaluate_opts *opts,
    FILE *out)
{
	struct eval_corpus corpus;
	struct eval_run runs[2];
	struct eval_stats st;
	struct strbuf sb = STRBUF_INIT;
	FILE *err = eval_err(opts);
	size_t nruns = conf2 != NULL ? 2 : 1, r, i;
	int status = 0;

	if (eval_load_corpus(&corpus, opts->corpus, err) < 0) {
		eval_corpus_release(&corpus);
		return 1;
	}
	memset(runs, 0, sizeof(runs));
	runs[0].conf = conf;
	runs[1].conf = conf2;
	for (r = 0; r < nruns; r++)
		runs[r].out = eval_xcalloc(corpus.count, sizeof(*runs[r].out));
	if (eval_pool_run(&corpus, runs, nruns, opts) < 0)
		status = 1;
	else {
		if (eval_tally(&corpus, runs, nruns, err) < 0)
			status = 1;
		if (conf2 != NULL)
			eval_compare_report(&corpus, &runs[0], &runs[1], opts->json, out);
		else {
			eval_stats_build(&st, &corpus, &runs[0]);
			if (opts->json) {
				eval_report_json(&corpus, &runs[0], &st, opts->margin, &sb);
				if (conf->model != NULL) {
					strbuf_truncate(&sb, sb.len - 1);	/* reopen the object */
					if (eval_model_report(&corpus, &runs[0], opts, out, &sb) < 0)
						status = 1;
					strbuf_append_char(&sb, '}');
				}
				fprintf(out, "%s\n", sb.data);
			} else {
				eval_report_text(&corpus, &runs[0], &st, opts->margin, out);
				if (conf->model != NULL &&
				    eval_model_report(&corpus, &runs[0], opts, out, NULL) < 0)
					status = 1;
			}
			free(st.rule_hits);
		}
	}
	for (r = 0; r < nruns; r++) {
		for (i = 0; i < corpus.count; i++)
			eval_outcome_release(&runs[r].out[i]);
		free(runs[r].out);
	}
	strbuf_release(&sb);
	eval_corpus_release(&corpus);
	return status;
}
