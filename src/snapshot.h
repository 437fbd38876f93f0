/* snapshot - the config's life in the daemon: load, publish, pin, replace */
#ifndef CSP_SNAPSHOT_H
#define CSP_SNAPSHOT_H

#include <time.h>
#include "conf.h"

/*
 * One snapshot holder per daemon.  A message pins the live config at MAIL
 * FROM (snapshot_pin) and drops it with conf_unref at its end, so a reload
 * never changes the rules of a message in flight.  A reload loads a new
 * config and publishes it only when it is whole; a refused one changes
 * nothing.
 *
 * Prefilters: a new config takes the old one's prefilters when its rules
 * did not change (before it is published, while no other thread can see
 * it); otherwise the builder thread builds them after publication.  So
 * each rule set is written by one thread only.  Reloads that are requested
 * (signals, the watcher) run in a thread of their own, the reloader, so
 * that a reload never waits for a build.  Until built, rules match
 * one PCRE2 pass at a time: the same results, slower.
 *
 * The customers-file watcher (snapshot_watch) asks for a reload once a
 * changed file has kept the same identity for directory.settle_time
 * seconds.  A reload that was refused remembers the identity of the file
 * it actually read (fstat of the descriptor it read from, not a stat of
 * the path before or after) and that file is not tried again until it
 * changes: a bad file is tried once.
 *
 * Every function is thread-safe.  Reloads are serialised.
 */
struct snapshot;

struct snapshot_stats {
	unsigned long published;	/* configs published, the first included */
	unsigned long refused;		/* reloads refused */
	unsigned long built;		/* prefilters built by the builder */
};

/*
 * snapshot_open - load the config at conf_path, made absolute first (a
 * daemon changes directory, a relative -c must keep reloading).  NULL
 * with *error_r (FILE:LINE: what) when it cannot be loaded.
 */
struct snapshot *snapshot_open(const char *conf_path, const struct conf_overrides *ov,
    const char **error_r);
/*
 * snapshot_free - stop the threads (a reload in progress is waited for, a
 * prefilter build is not: the builder frees what is left when it is done)
 * and drop the live config.
 */
void snapshot_free(struct snapshot **snap);

/* snapshot_path - the absolute config path reloads read */
const char *snapshot_path(const struct snapshot *snap);

/* snapshot_pin - the live config, referenced: release it with conf_unref */
struct conf *snapshot_pin(struct snapshot *snap);

/*
 * snapshot_reload - load again and publish unless refused: a bad config,
 * or a directory that lost more than directory.max_shrink of its rows
 * (unless accept_shrink).  Logs the outcome.  0 published, -1 refused.
 */
int snapshot_reload(struct snapshot *snap, const char *why, int accept_shrink);

/* snapshot_request_reload - ask the reloader for a reload (coalesced) */
void snapshot_request_reload(struct snapshot *snap, const char *why, int accept_shrink);

/*
 * snapshot_watch - at most once per second of now: has the customers
 * file changed, settled and not been refused as it is?  Then a reload is
 * requested and 1 returned; else 0.
 */
int snapshot_watch(struct snapshot *snap, time_t now);

/*
 * snapshot_set_hook - call fn(live, arg) in the reloading thread after
 * every reload, published or refused (the daemon reopens its audit file).
 */
void snapshot_set_hook(struct snapshot *snap, void (*fn)(const struct conf *live, void *arg),
    void *arg);

/*
 * snapshot_work - do what was requested (a reload, a prefilter build);
 * the threads' steps, done here and now where they do not run.
 * Returns the number of things done.
 */
int snapshot_work(struct snapshot *snap);

/* snapshot_start - start the reloader and the builder; -1 with *error_r */
int snapshot_start(struct snapshot *snap, const char **error_r);

/* snapshot_wait_idle - block until nothing is requested and both threads are between steps */
void snapshot_wait_idle(struct snapshot *snap);

void snapshot_get_stats(struct snapshot *snap, struct snapshot_stats *st);

#endif
