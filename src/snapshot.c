/* snapshot - the config's life in the daemon: load, publish, pin, replace */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rule.h"
#include "snapshot.h"
#include "strbuf.h"
#include "xalloc.h"

struct snapshot {
	char *path;			/* absolute */
	struct conf_overrides ov;
	char *ov_customers;		/* our copy of ov.customers_file */
	char *ov_socket;

	pthread_mutex_t lock;		/* live, requests, stats, watch */
	pthread_cond_t work_cond;	/* something requested, or stop */
	pthread_cond_t idle_cond;	/* a thread finished a step */
	struct conf *live;
	int build_wanted;
	int reload_wanted, reload_accept_shrink;
	const char *reload_why;		/* static text */
	int busy, stopping, started;
	int building;			/* the builder is in a build */
	int orphaned;			/* stopped mid-build: the builder frees s */
	pthread_t reloader, builder;
	struct snapshot_stats stats;
	void (*hook)(const struct conf *, void *);
	void *hook_arg;

	pthread_mutex_t reload_lock;	/* one reload at a time */

	/* The customers-file watcher. */
	time_t last_check;
	struct conf_file_id seen;	/* a changed identity waiting to settle */
	time_t seen_at;
	int pending;
	struct conf_file_id refused;	/* the file a refused reload read */
	int have_refused;
};

/* absolute_path - path prefixed with the working directory unless absolute (symlinks kept) */
static char *
absolute_path(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	strbuf_appendf(&sb, "%s/%s", cwd, path);
	return strbuf_detach(&sb, NULL);
}

/* snapshot_open - load and hold the first config */
struct snapshot *
snapshot_open(const char *conf_path, const struct conf_overrides *ov, const char **error_r)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	s->path = absolute_path(conf_path);
	if (ov != NULL)
		s->ov = *ov;
	if (s->ov.customers_file != NULL)
		s->ov.customers_file = s->ov_customers = absolute_path(s->ov.customers_file);
	if (s->ov.socket != NULL)
		s->ov.socket = s->ov_socket = xstrdup(s->ov.socket);
	if ((s->live = conf_load(s->path, &s->ov, error_r)) == NULL) {
		free(s->path);
		free(s->ov_customers);
		free(s->ov_socket);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->reload_lock, NULL);
	pthread_cond_init(&s->work_cond, NULL);
	pthread_cond_init(&s->idle_cond, NULL);
	s->stats.published = 1;
	s->build_wanted = !rule_set_prefiltered(s->live->rules);
	return s;
}

/* destroy - the holder itself */
static void
destroy(struct snapshot *s)
{
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->reload_lock);
	pthread_cond_destroy(&s->work_cond);
	pthread_cond_destroy(&s->idle_cond);
	free(s->path);
	free(s->ov_customers);
	free(s->ov_socket);
	free(s);
}

/*
 * snapshot_free - stop the threads, drop the live config.  A prefilter
 * build in progress (seconds, with large patterns) is not waited for: the
 * builder is let go and frees the holder when it is done, so a stop stays
 * quick.
 */
void
snapshot_free(struct snapshot **sp)
{
	struct snapshot *s = *sp;
	pthread_t reloader_id, builder_id;
	struct conf *live;
	int orphan, started;

	if (s == NULL)
		return;
	*sp = NULL;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	started = s->started;
	reloader_id = s->reloader;
	builder_id = s->builder;
	pthread_cond_broadcast(&s->work_cond);
	pthread_mutex_unlock(&s->lock);
	if (started)
		pthread_join(reloader_id, NULL);	/* a reload in progress ends */
	pthread_mutex_lock(&s->lock);
	live = s->live;
	s->live = NULL;
	/* From here on an orphaned builder may free s at any time. */
	orphan = s->orphaned = started && s->building;
	pthread_mutex_unlock(&s->lock);
	if (started) {
		if (orphan)
			pthread_detach(builder_id);
		else
			pthread_join(builder_id, NULL);
	}
	conf_unref(&live);
	if (!orphan)
		destroy(s);
}

/* snapshot_path - the absolute config path */
const char *
snapshot_path(const struct snapshot *s)
{
	return s->path;
}

/* snapshot_pin - the live config, referenced */
struct conf *
snapshot_pin(struct snapshot *s)
{
	struct conf *c;

	pthread_mutex_lock(&s->lock);
	c = conf_ref(s->live);
	pthread_mutex_unlock(&s->lock);
	return c;
}

/* snapshot_set_hook - run after every reload */
void
snapshot_set_hook(struct snapshot *s, void (*fn)(const struct conf *, void *), void *arg)
{
	pthread_mutex_lock(&s->lock);
	s->hook = fn;
	s->hook_arg = arg;
	pthread_mutex_unlock(&s->lock);
}

/* refuse - remember the customers file a refused reload read: not tried again as it is */
static void
refuse(struct snapshot *s, const struct conf_file_id *tried, const struct conf *live)
{
	struct conf_file_id id = *tried;

	/* Refused before the customers file was opened: remember it as it is now. */
	if (!id.exists && conf_customers_now(live, &id) < 0)
		memset(&id, 0, sizeof(id));
	pthread_mutex_lock(&s->lock);
	s->stats.refused++;
	s->refused = id;
	s->have_refused = id.exists;
	s->pending = 0;
	pthread_mutex_unlock(&s->lock);
}

/* publish - make fresh the live config; the caller keeps its reference to the old one */
static struct conf *
publish(struct snapshot *s, struct conf *fresh, int build)
{
	struct conf *old;

	pthread_mutex_lock(&s->lock);
	old = s->live;
	s->live = fresh;
	s->have_refused = 0;
	s->pending = 0;
	s->stats.published++;
	if (build) {
		s->build_wanted = 1;
		pthread_cond_broadcast(&s->work_cond);
	}
	pthread_mutex_unlock(&s->lock);
	return old;
}

/* run_hook - tell the daemon a reload happened */
static void
run_hook(struct snapshot *s)
{
	void (*fn)(const struct conf *, void *);
	struct conf *c;
	void *arg;

	pthread_mutex_lock(&s->lock);
	fn = s->hook;
	arg = s->hook_arg;
	pthread_mutex_unlock(&s->lock);
	if (fn == NULL)
		return;
	c = snapshot_pin(s);
	fn(c, arg);
	conf_unref(&c);
}

/* snapshot_reload - load again; publish unless refused */
int
snapshot_reload(struct snapshot *s, const char *why, int accept_shrink)
{
	struct conf_file_id tried;
	struct conf *fresh, *old;
	const char *error;
	size_t was;
	int share, rc = -1;

	pthread_mutex_lock(&s->reload_lock);
	old = snapshot_pin(s);
	if ((fresh = conf_load_read(s->path, &s->ov, &tried, &error)) == NULL) {
		log_err(NULL, "reload (%s) refused, keeping version %s: %s; the customers file is "
		    "not read again until it changes", why, old->version, error);
		refuse(s, &tried, old);
	} else if (!accept_shrink && conf_check_shrink(fresh, old, &error) < 0) {
		log_err(NULL, "reload (%s) refused, keeping version %s: %s", why, old->version, error);
		refuse(s, &fresh->customers_id, old);
		conf_unref(&fresh);
	} else {
		/* fresh is ours alone until published: the one thread that may write its rules. */
		share = rule_set_share_prefilter(fresh->rules, old->rules);
		was = directory_count(old->directory);
		log_notice(NULL, "reloaded (%s): version %s, %zu rules, %zu customers%s", why,
		    fresh->version, rule_set_count(fresh->rules), directory_count(fresh->directory),
		    accept_shrink && directory_count(fresh->directory) < was ? " (shrink accepted)" : "");
		conf_unref(&old);
		old = publish(s, fresh, !share);
		rc = 0;
	}
	conf_unref(&old);
	run_hook(s);
	pthread_mutex_unlock(&s->reload_lock);
	return rc;
}

/* snapshot_request_reload - the reloader reloads; requests coalesce */
void
snapshot_request_reload(struct snapshot *s, const char *why, int accept_shrink)
{
	pthread_mutex_lock(&s->lock);
	s->reload_wanted = 1;
	s->reload_accept_shrink |= accept_shrink;
	s->reload_why = why;
	pthread_cond_broadcast(&s->work_cond);
	pthread_mutex_unlock(&s->lock);
}

/* snapshot_watch - ask for a reload when the customers file changed and settled */
int
snapshot_watch(struct snapshot *s, time_t now)
{
	time_t last = __atomic_load_n(&s->last_check, __ATOMIC_RELAXED);
	struct conf_file_id id;
	struct conf *c;
	int reload = 0;

	if (now == last || !__atomic_compare_exchange_n(&s->last_check, &last, now, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return 0;
	c = snapshot_pin(s);
	if (conf_customers_now(c, &id) < 0) {
		conf_unref(&c);
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	if (!id.exists || conf_file_id_equal(&id, &c->customers_id)) {
		s->pending = 0;		/* gone (keep what we have) or unchanged */
	} else if (!(s->have_refused && conf_file_id_equal(&id, &s->refused))) {
		if (!s->pending || !conf_file_id_equal(&id, &s->seen)) {
			s->seen = id;
			s->seen_at = now;
			s->pending = 1;
		}
		if (now - s->seen_at >= c->customers_settle && !s->reload_wanted) {
			s->pending = 0;
			reload = 1;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (reload) {
		log_info(NULL, "customers file %s changed: reloading (unchanged for %d s)",
		    c->customers_file, c->customers_settle);
		snapshot_request_reload(s, "customers file changed", 0);
	}
	conf_unref(&c);
	return reload;
}

/* build - prefilters for the live config, if it still lacks them */
static void
build(struct snapshot *s)
{
	struct timespec t0, t1;
	const char *error;
	struct conf *c = snapshot_pin(s);

	if (!rule_set_prefiltered(c->rules)) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (rule_set_finish(c->rules, &error) < 0)
			log_err(NULL, "rule prefilter for version %s: %s; rules run unfiltered",
			    c->version, error);
		else {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			log_info(NULL, "rule prefilter for version %s ready in %.1f s", c->version,
			    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
			pthread_mutex_lock(&s->lock);
			s->stats.built++;
			pthread_mutex_unlock(&s->lock);
		}
	}
	conf_unref(&c);
}

/* do_reload - the requested reload, if any; 1 if done */
static int
do_reload(struct snapshot *s)
{
	const char *why;
	int reload, shrink;

	pthread_mutex_lock(&s->lock);
	reload = s->reload_wanted;
	shrink = s->reload_accept_shrink;
	why = s->reload_why;
	s->reload_wanted = s->reload_accept_shrink = 0;
	pthread_mutex_unlock(&s->lock);
	if (reload)
		(void)snapshot_reload(s, why, shrink);
	return reload;
}

/* do_build - the requested prefilter build, if any; 1 if done */
static int
do_build(struct snapshot *s)
{
	int want;

	pthread_mutex_lock(&s->lock);
	want = s->build_wanted;
	s->build_wanted = 0;
	pthread_mutex_unlock(&s->lock);
	if (want)
		build(s);
	return want;
}

/* snapshot_work - do what is requested, here and now */
int
snapshot_work(struct snapshot *s)
{
	int done = do_reload(s);

	return done + do_build(s);
}

/*
 * worker - one of two threads, until snapshot_free: the reloader (a reload
 * never waits for a prefilter build, which can take seconds) and the
 * builder (the only thread that builds a published config's prefilters).
 */
static void
worker(struct snapshot *s, int *wanted, int *in_step, int (*step)(struct snapshot *))
{
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->stopping && !*wanted)
			pthread_cond_wait(&s->work_cond, &s->lock);
		if (s->stopping)
			break;
		s->busy++;
		*in_step = 1;
		pthread_mutex_unlock(&s->lock);
		(void)step(s);
		pthread_mutex_lock(&s->lock);
		*in_step = 0;
		s->busy--;
		pthread_cond_broadcast(&s->idle_cond);
	}
	pthread_cond_broadcast(&s->idle_cond);
	if (s->orphaned && in_step == &s->building) {
		pthread_mutex_unlock(&s->lock);
		destroy(s);
		return;
	}
	pthread_mutex_unlock(&s->lock);
}

/* reloader - reload on request */
static void *
reloader(void *arg)
{
	struct snapshot *s = arg;
	int reloading = 0;

	worker(s, &s->reload_wanted, &reloading, do_reload);
	conf_thread_done();
	return NULL;
}

/* builder - build prefilters on request */
static void *
builder(void *arg)
{
	struct snapshot *s = arg;

	worker(s, &s->build_wanted, &s->building, do_build);
	return NULL;
}

/* snapshot_start - the reloader and the builder */
int
snapshot_start(struct snapshot *s, const char **error_r)
{
	int err;

	if ((err = pthread_create(&s->reloader, NULL, reloader, s)) != 0) {
		*error_r = strerror(err);
		return -1;
	}
	if ((err = pthread_create(&s->builder, NULL, builder, s)) != 0) {
		pthread_mutex_lock(&s->lock);
		s->stopping = 1;
		pthread_cond_broadcast(&s->work_cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->reloader, NULL);
		*error_r = strerror(err);
		return -1;
	}
	s->started = 1;
	return 0;
}

/* snapshot_wait_idle - nothing requested, nothing running */
void
snapshot_wait_idle(struct snapshot *s)
{
	pthread_mutex_lock(&s->lock);
	while (s->started && !s->stopping && (s->busy || s->reload_wanted || s->build_wanted))
		pthread_cond_wait(&s->idle_cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

/* snapshot_get_stats - counters for logs and tests */
void
snapshot_get_stats(struct snapshot *s, struct snapshot_stats *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->stats;
	pthread_mutex_unlock(&s->lock);
}
