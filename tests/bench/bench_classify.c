/*
 * bench_classify - classifier msgs/s on a corpus, with and without the prefilter
 *
 *   bench_classify CONF DIR [SECONDS]          the benchmark
 *   bench_classify CONF DIR SECONDS profile    classification alone, for a profiler
 *   bench_classify CONF DIR 0 dump [DIR...]    every message's result (see dump)
 *   bench_classify CONF DIR SECONDS rules      what each rule costs alone (see rule_costs)
 */
#include "config.h"

#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "conf.h"
#include "model.h"
#include "scan.h"
#include "scan_pool.h"
#include "xalloc.h"
#include "bench_clock.h"

struct corpus {
	char **data;
	size_t *len;
	char **name;
	size_t count;
};

/*
 * model_rss - what a second copy of the config's model and one thread's
 * scratch, used on every message, add to the resident set.
 */
static void
model_rss(const struct conf *conf, const struct corpus *corpus)
{
	struct msg_features_scratch *fs;
	struct scan *scan = scan_new();
	struct model *m;
	const char *error;
	double p[CLASS_COUNT];
	long before;
	size_t i;

	/* Decode first, so that only the model and its scratch are new. */
	scan_begin(scan, (struct conf *)conf);
	before = rss_kib();
	if ((m = model_load(conf->model_file, &error)) == NULL) {
		fprintf(stderr, "bench_classify: %s\n", error);
		scan_free(&scan);
		return;
	}
	fs = msg_features_scratch_new();
	for (i = 0; i < corpus->count; i++) {
		scan_begin(scan, (struct conf *)conf);
		scan_raw(scan, corpus->data[i], corpus->len[i]);
		scan_finish(scan);
		model_score(m, scan_result(scan)->text, p, fs);
	}
	printf("model RSS: %ld KiB (%s loaded again, one scratch, %zu messages scored)\n",
	    rss_kib() - before, conf->model_file, corpus->count);
	msg_features_scratch_free(&fs);
	model_free(&m);
	scan_free(&scan);
}

/* decode_corpus - every message decoded once, each on a scan of its own (free with free_scans) */
static struct scan **
decode_corpus(struct conf *conf, const struct corpus *corpus)
{
	struct scan **scans = xcalloc(corpus->count, sizeof(*scans));
	size_t i;

	for (i = 0; i < corpus->count; i++) {
		scans[i] = scan_new();
		scan_begin(scans[i], conf);
		scan_raw(scans[i], corpus->data[i], corpus->len[i]);
		scan_finish(scans[i]);
	}
	return scans;
}

/* free_scans - what decode_corpus made */
static void
free_scans(struct scan **scans, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		scan_free(&scans[i]);
	free(scans);
}

/*
 * profile_loop - only classification with the prefilter and the model,
 * every message decoded once first, for seconds: a profiler attached
 * after "ready" sees nothing else (not the prefilter build).
 */
static int
profile_loop(struct conf *conf, const struct corpus *corpus, double seconds)
{
	struct scan **scans = decode_corpus(conf, corpus);
	struct classify_result res;
	size_t i, n = 0;
	double t0, c0;
	int k;

	classify_result_init(&res);
	/* Each scan's state is made on its first message: not what is profiled. */
	for (i = 0; i < corpus->count; i++)
		scan_classify(scans[i], &conf->classify, &res);
	printf("ready\n");
	fflush(stdout);
	t0 = now();
	c0 = cpu_now();
	/* Each message 20 times in a row, as the benchmark's figures are taken. */
	do {
		for (i = 0; i < corpus->count; i++)
			for (k = 0; k < 20; k++, n++)
				scan_classify(scans[i], &conf->classify, &res);
	} while (now() - t0 < seconds);
	printf("profile: %zu classifications, %.1f us/msg wall, %.1f us/msg thread CPU\n", n,
	    (now() - t0) / n * 1e6, (cpu_now() - c0) / n * 1e6);
	classify_result_release(&res);
	free_scans(scans, corpus->count);
	conf_unref(&conf);
	return 0;
}

/* ignore_hit - rule_costs times the matching, not what is done with a hit */
static void
ignore_hit(const struct rule_hit *hit, void *ctx)
{
	(void)hit;
	++*(size_t *)ctx;
}

struct rule_cost {
	size_t rule;
	double us;		/* thread CPU per message, less the empty set's */
	size_t hits;		/* matches a pass over the corpus reports */
};

static int
by_cost(const void *a, const void *b)
{
	const struct rule_cost *x = a, *y = b;

	return x->us < y->us ? 1 : x->us > y->us ? -1 : 0;
}

/* match_cpu - thread CPU per message of rs over every decoded message, for seconds */
static double
match_cpu(const struct rule_set *rs, struct scan **scans, size_t count, double seconds,
    struct rule_scratch *scratch, size_t *hits_r)
{
	const char *error;
	size_t i, n = 0, hits = 0;
	double t0 = now(), c0 = cpu_now();

	do {
		for (i = 0; i < count; i++, n++)
			rule_set_match(rs, scan_result(scans[i])->text, scratch, ignore_hit, &hits,
			    &error);
	} while (now() - t0 < seconds);
	*hits_r = hits * count / n;
	return (cpu_now() - c0) / n * 1e6;
}

/*
 * rule_costs - each rule alone, with a prefilter of its own and PCRE2 on
 * what that passes, over every decoded message: thread CPU per message,
 * costliest first, each whatever the message's language.  The rules share
 * one prefilter scan in the milter, so the figures do not add up to the
 * whole set's; they say which patterns make the scan slow.
 */
static int
rule_costs(struct conf *conf, const struct corpus *corpus, double seconds)
{
	struct scan **scans = decode_corpus(conf, corpus);
	struct rule_scratch *scratch = rule_scratch_new();
	size_t i, count = rule_set_count(conf->rules), hits;
	struct rule_cost *cost = xcalloc(count, sizeof(*cost));
	struct rule_set *empty = rule_set_new(conf->match_limit, conf->depth_limit);
	const char *error;
	double base, whole, sum = 0;

	rule_set_fold(empty, conf->normalise);
	rule_set_finish(empty, &error);
	base = match_cpu(empty, scans, corpus->count, seconds, scratch, &hits);
	whole = match_cpu(conf->rules, scans, corpus->count, seconds, scratch, &hits) - base;
	for (i = 0; i < count; i++) {
		struct rule_set *one = rule_set_new(conf->match_limit, conf->depth_limit);

		rule_set_fold(one, conf->normalise);
		if (rule_set_add(one, rule_set_spec(conf->rules, i), &error) < 0 ||
		    rule_set_finish(one, &error) < 0) {
			fprintf(stderr, "bench_classify: %s: %s\n", rule_set_spec(conf->rules, i)->id,
			    error);
			return 1;
		}
		cost[i].rule = i;
		cost[i].us = match_cpu(one, scans, corpus->count, seconds, scratch, &cost[i].hits) -
		    base;
		sum += cost[i].us;
		rule_set_free(&one);
	}
	qsort(cost, count, sizeof(*cost), by_cost);
	printf("rules: the whole set %.1f us/msg thread CPU; the rules one by one %.1f in all "
	    "(each with its own prefilter scan); the headers text alone %.1f\n", whole, sum, base);
	printf("%8s %6s  %s\n", "us/msg", "hits", "rule");
	for (i = 0; i < count; i++)
		printf("%8.2f %6zu  %s\n", cost[i].us, cost[i].hits,
		    rule_set_spec(conf->rules, cost[i].rule)->id);
	free(cost);
	rule_set_free(&empty);
	rule_scratch_free(&scratch);
	free_scans(scans, corpus->count);
	conf_unref(&conf);
	return 0;
}

/* heap_in_use - bytes malloc has handed out and not had back (glibc) */
static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/*
 * state_heap - what one thread's scan state holds after scanning every
 * message (heap, not the resident set: freed memory is reused), idle
 * (scan_idle, as a scan_pool keeps it) and in use
 */
static void
state_heap(struct conf *conf, const struct corpus *corpus)
{
	struct scan *scans[32];
	size_t before = heap_in_use(), busy, i, k;

	for (k = 0; k < 32; k++) {
		scans[k] = scan_new();
		for (i = 0; i < corpus->count; i++) {
			scan_begin(scans[k], conf);
			scan_add_rcpt(scans[k], "<admin@contoso.example>");
			scan_raw(scans[k], corpus->data[i], corpus->len[i]);
			scan_decide(scans[k], 1);
		}
	}
	busy = heap_in_use();
	for (k = 0; k < 32; k++)
		scan_idle(scans[k]);
	printf("one thread's scan state: %zu KiB of heap after every message, %zu KiB idle "
	    "(32 made)\n", (busy - before) / 32 / 1024, (heap_in_use() - before) / 32 / 1024);
	for (k = 0; k < 32; k++)
		scan_free(&scans[k]);
}

/* one_connection - one message on a scan taken from pool (or made, pool NULL) and given back */
static void
one_connection(struct conf *conf, struct scan_pool *pool, const char *data, size_t len)
{
	struct scan *scan = pool != NULL ? scan_pool_take(pool) : scan_new();

	scan_begin(scan, conf);
	scan_add_rcpt(scan, "<admin@contoso.example>");
	scan_raw(scan, data, len);
	scan_decide(scan, 1);
	if (pool != NULL)
		scan_pool_give(pool, &scan);
	else
		scan_free(&scan);
}

/*
 * fresh_state - the same scan as if every message came on a milter
 * connection of its own: its state made and freed for each message (what
 * the milter did before scan_pool), then taken from a pool and given back
 * (what it does): what making the state (Vectorscan scratch, PCRE2 match
 * data, buffers) costs a message.
 */
static void
fresh_state(struct conf *conf, const struct corpus *corpus, double seconds)
{
	struct scan_pool *pool = scan_pool_new(1);
	size_t i, n;
	double t0, c0;
	int k;

	for (k = 0; k < 2; k++) {
		n = 0;
		t0 = now();
		c0 = cpu_now();
		do {
			for (i = 0; i < corpus->count; i++, n++)
				one_connection(conf, k == 0 ? NULL : pool, corpus->data[i],
				    corpus->len[i]);
		} while (now() - t0 < seconds);
		printf("scan, a connection per message, state %s: %.1f us/msg (thread CPU %.1f)\n",
		    k == 0 ? "made and freed each time" : "kept in a scan_pool",
		    (now() - t0) / n * 1e6, (cpu_now() - c0) / n * 1e6);
	}
	scan_pool_free(&pool);
	state_heap(conf, corpus);
}

/* same_matches - the same matches, views, counts, offsets and excerpts */
static int
same_matches(const struct classify_result *a, const struct classify_result *b)
{
	size_t i, la, lb;

	if (a->class != b->class || a->uncertain != b->uncertain || a->langs != b->langs ||
	    a->match_count != b->match_count || memcmp(a->score, b->score, sizeof(a->score)) != 0)
		return 0;
	for (i = 0; i < a->match_count; i++) {
		const struct classify_match *x = &a->matches[i], *y = &b->matches[i];
		const char *ea = classify_excerpt(a, x, &la), *eb = classify_excerpt(b, y, &lb);

		if (x->rule != y->rule || x->hits != y->hits || x->view != y->view ||
		    x->target != y->target || x->counted != y->counted || x->offset != y->offset ||
		    la != lb || memcmp(ea, eb, la) != 0)
			return 0;
	}
	return 1;
}

/*
 * dump - every message's result with the prefilter, one line each (class,
 * scores, model probabilities to the last bit, every match), for diffing
 * two builds; and the same result without the prefilter, compared.
 * Returns the number of messages whose two results differ.
 */
static size_t
dump(struct conf *conf, struct rule_set *plain, const struct corpus *corpus)
{
	struct classify_params params = conf->classify;
	struct classify_result res, check;
	struct scan *scan = scan_new();
	size_t i, j, len, differ = 0;
	int k;

	classify_result_init(&res);
	classify_result_init(&check);
	for (i = 0; i < corpus->count; i++) {
		scan_begin(scan, conf);
		scan_raw(scan, corpus->data[i], corpus->len[i]);
		scan_finish(scan);
		params.rules = conf->rules;
		scan_classify(scan, &params, &res);
		params.rules = plain;
		scan_classify(scan, &params, &check);
		if (!same_matches(&res, &check)) {
			differ++;
			printf("DIFFERS without the prefilter: ");
		}
		printf("%s class=%s uncertain=%d langs=%#x scores=%ld,%ld,%ld", corpus->name[i],
		    csp_class_name(res.class), res.uncertain, res.langs, res.score[0], res.score[1],
		    res.score[2]);
		for (k = 0; res.model_scored && k < CLASS_COUNT; k++)
			printf("%s%a", k == 0 ? " model=" : ",", res.model_p[k]);
		for (j = 0; j < res.match_count; j++) {
			const struct classify_match *m = &res.matches[j];
			const char *ex = classify_excerpt(&res, m, &len);

			printf(" [%s %s hits=%d counted=%d at=%zu \"%.*s\"]",
			    rule_set_spec(conf->rules, m->rule)->id, rule_view_name(m->view), m->hits,
			    m->counted, m->offset, (int)len, ex);
		}
		printf("\n");
	}
	classify_result_release(&res);
	classify_result_release(&check);
	scan_free(&scan);
	return differ;
}

/* load_corpus - every .eml of a directory, into memory, after what is there */
static int
load_corpus(const char *dir, struct corpus *c)
{
	struct dirent **names;
	int n, i;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return -1;
	c->data = xreallocarray(c->data, c->count + (size_t)n, sizeof(*c->data));
	c->len = xreallocarray(c->len, c->count + (size_t)n, sizeof(*c->len));
	c->name = xreallocarray(c->name, c->count + (size_t)n, sizeof(*c->name));
	for (i = 0; i < n; i++) {
		char path[4096];
		FILE *fp;
		long size;
		size_t l = strlen(names[i]->d_name);

		if (l < 4 || strcmp(names[i]->d_name + l - 4, ".eml") != 0)
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if ((fp = fopen(path, "rb")) == NULL)
			goto next;
		fseek(fp, 0, SEEK_END);
		size = ftell(fp);
		rewind(fp);
		c->data[c->count] = xmalloc((size_t)size + 1);
		c->len[c->count] = fread(c->data[c->count], 1, (size_t)size, fp);
		c->name[c->count] = xstrdup(path);
		c->count++;
		fclose(fp);
next:
		free(names[i]);
	}
	free(names);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *conf_path = argc > 1 ? argv[1] : "conf/csp-milter.conf";
	const char *dir = argc > 2 ? argv[2] : "../shared/corpus/dev";
	double seconds = argc > 3 ? atof(argv[3]) : 2.0;
	struct corpus corpus = { 0 };
	struct conf *conf;
	struct scan *scan;
	struct rule_set *plain;
	struct classify_params params;
	struct classify_result res;
	const char *error;
	size_t i, n, bytes, rounds, mismatches = 0;
	double t0, t_decode, t_pf, t_plain, t_rules = 0, t_model = 0;
	double c_pf = 0, c_rules = 0, c_model = 0, c;
	struct classify_params rules_only;
	struct classify_result res_rules;
	struct msg_features_scratch *fs = msg_features_scratch_new();
	double p[CLASS_COUNT];

	if ((conf = conf_load(conf_path, NULL, &error)) == NULL) {
		fprintf(stderr, "bench_classify: %s\n", error);
		return 1;
	}
	if (load_corpus(dir, &corpus) < 0 || corpus.count == 0) {
		fprintf(stderr, "bench_classify: no .eml files in %s\n", dir);
		return 1;
	}
	for (i = 5; argc > 4 && strcmp(argv[4], "dump") == 0 && i < (size_t)argc; i++)
		if (load_corpus(argv[i], &corpus) < 0) {
			fprintf(stderr, "bench_classify: cannot read %s\n", argv[i]);
			return 1;
		}
	if (conf->model != NULL && argc <= 4)
		model_rss(conf, &corpus);
	t0 = now();
	if (rule_set_finish(conf->rules, &error) < 0) {
		fprintf(stderr, "bench_classify: %s\n", error);
		return 1;
	}
	fprintf(argc > 4 ? stderr : stdout,
	    "prefilter build: %.2f s for %zu rules (once per rule change; shared across reloads)\n",
	    now() - t0, rule_set_count(conf->rules));
	if (argc > 4 && strcmp(argv[4], "profile") == 0)
		return profile_loop(conf, &corpus, seconds);
	if (argc > 4 && strcmp(argv[4], "rules") == 0)
		return rule_costs(conf, &corpus, seconds);
	/* The same rules without the prefilter: every rule scans every text. */
	plain = rule_set_new(conf->match_limit, conf->depth_limit);
	for (i = 0; i < rule_set_count(conf->rules); i++)
		if (rule_set_add(plain, rule_set_spec(conf->rules, i), &error) < 0)
			return 1;
	if (argc > 4 && strcmp(argv[4], "dump") == 0) {
		mismatches = dump(conf, plain, &corpus);
		fprintf(stderr, "prefilter and plain results differ on %zu of %zu messages\n",
		    mismatches, corpus.count);
		return mismatches == 0 ? 0 : 1;
	}
	params = conf->classify;
	rules_only = conf->classify;
	rules_only.model = NULL;
	classify_result_init(&res);
	classify_result_init(&res_rules);
	scan = scan_new();

	/* Decode + classify + policy, the milter's whole per-message work. */
	n = bytes = 0;
	t0 = now();
	do {
		for (i = 0; i < corpus.count; i++, n++) {
			scan_begin(scan, conf);
			scan_add_rcpt(scan, "<admin@contoso.example>");
			scan_raw(scan, corpus.data[i], corpus.len[i]);
			scan_decide(scan, 1);
			bytes += corpus.len[i];
		}
	} while (now() - t0 < seconds);
	t_decode = now() - t0;
	printf("scan (decode+classify+policy): %zu msgs in %.2f s = %.0f msgs/s, %.1f MB/s, %.1f us/msg\n",
	    n, t_decode, n / t_decode, bytes / t_decode / 1e6, t_decode / n * 1e6);
	fresh_state(conf, &corpus, seconds);

	/* Classification alone, on one decoded message at a time; both ways must agree. */
	for (rounds = 0, t_pf = t_plain = 0; rounds < 3; rounds++) {
		for (i = 0; i < corpus.count; i++) {
			double a;
			int k;

			scan_begin(scan, conf);
			scan_raw(scan, corpus.data[i], corpus.len[i]);
			scan_decide(scan, 1);
			a = now();
			c = cpu_now();
			for (k = 0; k < 20; k++)
				scan_classify(scan, &conf->classify, &res);
			t_pf += now() - a;
			c_pf += cpu_now() - c;
			params.rules = plain;
			a = now();
			for (k = 0; k < 20; k++)
				scan_classify(scan, &params, &res);
			t_plain += now() - a;
			params.rules = conf->rules;
			if (conf->model != NULL) {
				a = now();
				c = cpu_now();
				for (k = 0; k < 20; k++)
					scan_classify(scan, &rules_only, &res_rules);
				t_rules += now() - a;
				c_rules += cpu_now() - c;
				a = now();
				c = cpu_now();
				for (k = 0; k < 20; k++)
					model_score(conf->model, scan_result(scan)->text, p, fs);
				t_model += now() - a;
				c_model += cpu_now() - c;
			}
			if (rounds == 0) {
				struct classify_result check;

				classify_result_init(&check);
				scan_classify(scan, &conf->classify, &check);
				if (check.class != res.class || check.match_count != res.match_count ||
				    memcmp(check.score, res.score, sizeof(res.score)) != 0)
					mismatches++;
				classify_result_release(&check);
			}
		}
	}
	n = rounds * corpus.count * 20;
	printf("classify with prefilter: %.0f msgs/s (%.1f us/msg); without: %.0f msgs/s (%.1f us/msg); %zu rules\n",
	    n / t_pf, t_pf / n * 1e6, n / t_plain, t_plain / n * 1e6, rule_set_count(conf->rules));
	if (conf->model != NULL) {
		printf("classify with prefilter and the model: %.1f us/msg; rules only: %.1f us/msg; "
		    "model alone (features + scoring): %.1f us/msg\n", t_pf / n * 1e6, t_rules / n * 1e6,
		    t_model / n * 1e6);
		printf("thread CPU time: classify with prefilter and the model: %.1f us/msg; rules only: "
		    "%.1f us/msg; model alone: %.1f us/msg\n", c_pf / n * 1e6, c_rules / n * 1e6,
		    c_model / n * 1e6);
	}
	printf("prefilter and plain results differ on %zu of %zu messages\n", mismatches, corpus.count);
	printf("command: tests/bench/bench_classify %s %s\n", conf_path, dir);
	classify_result_release(&res);
	classify_result_release(&res_rules);
	msg_features_scratch_free(&fs);
	scan_free(&scan);
	rule_set_free(&plain);
	conf_unref(&conf);
	return mismatches == 0 ? 0 : 1;
}
