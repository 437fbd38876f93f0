/* eval_pool - every corpus message scanned under each config, on a pool of threads */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eval_pool.h"
#include "scan.h"
#include "strbuf.h"
#include "xalloc.h"

const int eval_weights[EVAL_WEIGHTS] = { 1, 2, 3, 4, 5, 6, 8, 10, 15, 20 };

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


/* eval_outcome_release - free one outcome */
void
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
static void
eval_rules_only(struct scan *scan, const struct conf *conf, struct eval_outcome *o)
{
	struct classify_params params = conf->classify;
	struct classify_result res;
	int k;

	memcpy(o->model_p, scan_result(scan)->classify->model_p, sizeof(o->model_p));
	params.model = NULL;
	params.examples = NULL;	/* the rules alone */
	classify_result_init(&res);
	scan_classify(scan, &params, &res);
	o->class_rules = res.class;
	params.model = conf->classify.model;
	params.examples = conf->classify.examples;
	for (k = 0; k < EVAL_WEIGHTS; k++) {
		params.model_weight = eval_weights[k];
		scan_classify(scan, &params, &res);
		o->class_w[k] = res.class;
	}
	classify_result_release(&res);
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

	o->hits = xcalloc(nrules, sizeof(*o->hits));
	o->decision = xcalloc(it->rcpt_count, sizeof(*o->decision));
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
	o->example_count = res->example_count;
	memcpy(o->examples, res->examples, sizeof(o->examples));
	if ((o->model_scored = res->model_scored))
		eval_rules_only(scan, conf, o);
}

/* eval_worker - take messages until none is left, each under every config */
static void *
eval_worker(void *arg)
{
	struct eval_pool *pool = arg;
	struct scan *scans[2] = { NULL, NULL };
	size_t r, idx;

	for (r = 0; r < pool->nruns; r++)
		scans[r] = scan_new();
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
int
eval_pool_run(const struct eval_corpus *corpus, struct eval_run *runs, size_t nruns,
    const struct cli_evaluate_opts *opts)
{
	struct eval_pool pool;
	FILE *err = opts->err;
	size_t jobs = eval_jobs(opts, corpus->count), started = 0, i;
	pthread_t *tids = xcalloc(jobs, sizeof(*tids));
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
