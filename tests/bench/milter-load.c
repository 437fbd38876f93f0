/* milter-load - replay .eml files to a milter, with no MTA in the way */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "milter-load-conn.h"
#include "milter-load-corpus.h"

#define LOAD_EXIT_USAGE	2
#define LOAD_MAX_ERRLOG	10	/* error messages shown on stderr */

/* Reply classes, in output order. */
enum {
	LOAD_R_ACCEPT, LOAD_R_CONTINUE, LOAD_R_REJECT, LOAD_R_TEMPFAIL,
	LOAD_R_QUARANTINE, LOAD_R_DISCARD, LOAD_R_OTHER, LOAD_R_COUNT
};
static const char *const load_reply_names[LOAD_R_COUNT] = {
	"accept", "continue", "reject", "tempfail", "quarantine", "discard",
	"other",
};

/* Per-thread counters; merged after the threads are joined. */
struct load_stats {
	uint64_t messages;
	uint64_t errors;
	uint64_t bytes;
	uint64_t mods;
	uint64_t replies[LOAD_R_COUNT];
	double *lat;		/* milliseconds, one per message */
	size_t nlat;
	size_t alat;
};

struct load_worker {
	pthread_t tid;
	struct mconn *conn;
	struct load_stats st;
	int idle_ok;
};

/* Settings and shared state; read-only while threads run, except atomics. */
static struct {
	struct mconn_opts conn;
	const char *socket;
	struct corpus *corpus;
	long concurrency;
	uint64_t total;		/* messages to send, warm-up excluded */
	double duration;	/* seconds; 0 means use total */
	long per_conn;
	uint64_t warmup;
	long idle;		/* seconds; -1 when not in idle mode */
	const char *from;
	const char **rcpts;
	size_t nrcpts;
	atomic_uint_fast64_t next;	/* next message index to claim */
	atomic_int started;
	atomic_int errlog;
	atomic_int negotiated;
	double start;		/* set once, by the claimer of index warmup */
	pthread_barrier_t idle_up;
	pthread_barrier_t idle_down;
	unsigned long neg_version, neg_actions, neg_proto;
} load;

/* load_now - monotonic time in seconds */
static double
load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* load_usage - print the synopsis and exit with the usage status */
static void
load_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "milter-load: %s\n", why);
	fprintf(stderr,
	    "usage: milter-load -s SOCKET [-c N] [-n N | -d SECONDS] [-m N] "
	    "[-r N]\n"
	    "       [-F ADDR] [-R ADDR]... [-w N] [-t SECONDS] "
	    "[--[no-]nodelay]\n"
	    "       [-P | --write-size N]\n"
	    "       FILE|DIR...\n"
	    "       milter-load -s SOCKET -c N -I SECONDS\n"
	    "See milter-load(1).\n");
	exit(LOAD_EXIT_USAGE);
}

/* load_number - parse a non-negative integer option or exit */
static long
load_number(const char *arg, const char *opt)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0) {
		fprintf(stderr, "milter-load: %s: bad number: %s\n", opt, arg);
		exit(LOAD_EXIT_USAGE);
	}
	return v;
}

/* load_errlog - show the first few errors on stderr */
static void
load_errlog(const char *error)
{
	int n = atomic_fetch_add(&load.errlog, 1);

	if (n < LOAD_MAX_ERRLOG)
		fprintf(stderr, "milter-load: %s\n", error);
	else if (n == LOAD_MAX_ERRLOG)
		fprintf(stderr, "milter-load: further errors not shown\n");
}

/* load_claim - take the next message index; 0 when the run is over */
static int
load_claim(uint64_t *idx_r)
{
	uint64_t idx;

	if (load.duration > 0 && atomic_load(&load.started) &&
	    load_now() >= load.start + load.duration)
		return 0;
	idx = atomic_fetch_add(&load.next, 1);
	if (load.duration <= 0 && idx >= load.warmup + load.total)
		return 0;
	if (idx == load.warmup) {
		load.start = load_now();
		atomic_store(&load.started, 1);
	}
	*idx_r = idx;
	return 1;
}

/* load_record - count one finished message */
static void
load_record(struct load_stats *st, const struct mconn_result *res,
    const struct corpus_msg *msg, double ms)
{
	int cls;

	switch (res->reply) {
	case 'a':
		cls = LOAD_R_ACCEPT;
		break;
	case 'c':
		cls = LOAD_R_CONTINUE;
		break;
	case 'r':
		cls = LOAD_R_REJECT;
		break;
	case 't':
		cls = LOAD_R_TEMPFAIL;
		break;
	case 'd':
		cls = LOAD_R_DISCARD;
		break;
	default:
		cls = LOAD_R_OTHER;
		break;
	}
	if (res->quarantine)
		cls = LOAD_R_QUARANTINE;
	st->replies[cls]++;
	st->mods += res->mods;
	st->messages++;
	st->bytes += msg->raw_len;
	if (st->nlat == st->alat) {
		st->alat = st->alat ? st->alat * 2 : 1024;
		if ((st->lat = realloc(st->lat, st->alat * sizeof(double))) ==
		    NULL)
			abort();
	}
	st->lat[st->nlat++] = ms;
}

/* load_note_negotiation - remember what the first milter answered */
static void
load_note_negotiation(struct mconn *c)
{
	if (atomic_exchange(&load.negotiated, 1) == 0)
		mconn_negotiated(c, &load.neg_version, &load.neg_actions,
		    &load.neg_proto);
}

/* load_worker_run - one connection: send messages until the run ends */
static void *
load_worker_run(void *arg)
{
	struct load_worker *w = arg;
	struct mconn_result res;
	struct mconn_env env;
	const struct corpus_msg *msg;
	const char *error;
	char qid[32];
	uint64_t idx;
	long on_conn = 0;
	double t0;
	int r;

	env.qid = qid;
	env.from = load.from;
	env.rcpts = load.rcpts;
	env.nrcpts = load.nrcpts;
	while (load_claim(&idx)) {
		msg = &load.corpus->msgs[idx % load.corpus->nmsgs];
		snprintf(qid, sizeof(qid), "4B%010" PRIX64, idx + 1);
		if (!mconn_is_open(w->conn)) {
			t0 = load_now();
			r = mconn_open(w->conn, &res, &error);
			on_conn = 0;
			if (r < 0) {
				load_errlog(error);
				if (idx >= load.warmup)
					w->st.errors++;
				/* Don't spin while the milter is down. */
				usleep(10000);
				continue;
			}
			load_note_negotiation(w->conn);
			if (r == 1) {
				/* Refused at CONNECT or HELO: that ends it. */
				if (idx >= load.warmup)
					load_record(&w->st, &res, msg,
					    (load_now() - t0) * 1e3);
				mconn_close(w->conn, !res.must_close);
				continue;
			}
		}
		t0 = load_now();
		r = mconn_message(w->conn, &env, msg, &res, &error);
		if (r < 0) {
			load_errlog(error);
			if (idx >= load.warmup)
				w->st.errors++;
			continue;
		}
		if (idx >= load.warmup)
			load_record(&w->st, &res, msg, (load_now() - t0) * 1e3);
		on_conn++;
		if (res.must_close)
			mconn_close(w->conn, 0);
		else if (load.per_conn > 0 && on_conn >= load.per_conn)
			mconn_close(w->conn, 1);
	}
	mconn_close(w->conn, 1);
	return NULL;
}

/* load_idle_run - open one connection and hold it until told to stop */
static void *
load_idle_run(void *arg)
{
	struct load_worker *w = arg;
	struct mconn_result res;
	const char *error;

	if (mconn_open(w->conn, &res, &error) == 0) {
		w->idle_ok = 1;
		load_note_negotiation(w->conn);
	} else {
		load_errlog(error);
		mconn_close(w->conn, 1);
	}
	pthread_barrier_wait(&load.idle_up);
	pthread_barrier_wait(&load.idle_down);
	mconn_close(w->conn, 1);
	return NULL;
}

/* load_cmp_double - qsort comparator */
static int
load_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* load_pct - nearest-rank percentile of a sorted array */
static double
load_pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	return v[k > n ? n - 1 : k - 1];
}

/* load_report - merge the per-thread counters and print the result */
static void
load_report(struct load_worker *ws, long n, double seconds)
{
	struct load_stats t;
	double *all;
	size_t k = 0;
	long i;
	int r;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		t.messages += ws[i].st.messages;
		t.errors += ws[i].st.errors;
		t.bytes += ws[i].st.bytes;
		t.mods += ws[i].st.mods;
		for (r = 0; r < LOAD_R_COUNT; r++)
			t.replies[r] += ws[i].st.replies[r];
		t.nlat += ws[i].st.nlat;
	}
	if ((all = malloc((t.nlat + 1) * sizeof(double))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		memcpy(all + k, ws[i].st.lat, ws[i].st.nlat * sizeof(double));
		k += ws[i].st.nlat;
	}
	qsort(all, t.nlat, sizeof(double), load_cmp_double);
	if (seconds <= 0)
		seconds = 1e-9;
	printf("messages=%" PRIu64 " errors=%" PRIu64 " seconds=%.3f "
	    "msgs_per_s=%.1f mb_per_s=%.1f\n", t.messages, t.errors, seconds,
	    (double)t.messages / seconds, (double)t.bytes / seconds / 1e6);
	printf("latency_ms p50=%.3f p99=%.3f max=%.3f\n",
	    load_pct(all, t.nlat, 0.50), load_pct(all, t.nlat, 0.99),
	    t.nlat ? all[t.nlat - 1] : 0.0);
	printf("replies");
	for (r = 0; r < LOAD_R_COUNT; r++)
		printf(" %s=%" PRIu64, load_reply_names[r], t.replies[r]);
	printf(" modifications=%" PRIu64 "\n", t.mods);
	free(all);
}

/* load_print_config - one line saying what was measured */
static void
load_print_config(void)
{
	printf("config socket=%s concurrency=%ld nodelay=%s writes=%s "
	    "write_size=%zu files=%zu milter_version=%lu actions=0x%lx protocol=0x%lx\n",
	    load.socket, load.concurrency,
	    load.conn.addr.ss_family == AF_UNIX ? "n/a" :
	    load.conn.nodelay ? "on" : "off",
	    load.conn.per_packet ? "per-packet" :
	    load.conn.write_size > 0 ? "sized" : "batched",
	    load.conn.write_size, load.corpus ? load.corpus->nmsgs : 0, load.neg_version,
	    load.neg_actions, load.neg_proto);
}

/* load_raise_nofile - allow one descriptor per connection and then some */
static void
load_raise_nofile(long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= (rlim_t)need)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < (rlim_t)need)
		fprintf(stderr, "milter-load: warning: open file limit %lu "
		    "is below %ld\n", (unsigned long)rl.rlim_cur, need);
}

/* main - parse options, load the corpus, run the workers, report */
int
main(int argc, char **argv)
{
	enum { OPT_NODELAY = 256, OPT_NO_NODELAY, OPT_WRITE_SIZE };
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "messages", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "per-connection", required_argument, NULL, 'm' },
		{ "recipients", required_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'F' },
		{ "rcpt", required_argument, NULL, 'R' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "idle", required_argument, NULL, 'I' },
		{ "per-packet", no_argument, NULL, 'P' },
		{ "write-size", required_argument, NULL, OPT_WRITE_SIZE },
		{ "nodelay", no_argument, NULL, OPT_NODELAY },
		{ "no-nodelay", no_argument, NULL, OPT_NO_NODELAY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct load_worker *ws;
	pthread_attr_t attr;
	const char **given = NULL, *error;
	size_t ngiven = 0, i;
	long nrcpt = -1, n;
	double end;
	int ch;
	uint64_t errors = 0;

	load.concurrency = 8;
	load.total = 1000;
	load.idle = -1;
	load.from = "noreply@vendor.example";
	load.conn.nodelay = 1;
	load.conn.timeout = 30;
	while ((ch = getopt_long(argc, argv, "s:c:n:d:m:r:F:R:w:t:I:Ph",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			load.socket = optarg;
			break;
		case 'c':
			load.concurrency = load_number(optarg, "-c");
			break;
		case 'n':
			load.total = (uint64_t)load_number(optarg, "-n");
			break;
		case 'd':
			load.duration = (double)load_number(optarg, "-d");
			break;
		case 'm':
			load.per_conn = load_number(optarg, "-m");
			break;
		case 'r':
			nrcpt = load_number(optarg, "-r");
			break;
		case 'F':
			load.from = optarg;
			break;
		case 'R':
			given = realloc(given, (ngiven + 1) * sizeof(*given));
			if (given == NULL)
				abort();
			given[ngiven++] = optarg;
			break;
		case 'w':
			load.warmup = (uint64_t)load_number(optarg, "-w");
			break;
		case 't':
			load.conn.timeout = (int)load_number(optarg, "-t");
			break;
		case 'I':
			load.idle = load_number(optarg, "-I");
			break;
		case 'P':
			load.conn.per_packet = 1;
			break;
		case OPT_WRITE_SIZE:
			load.conn.write_size = (size_t)load_number(optarg,
			    "--write-size");
			break;
		case OPT_NODELAY:
			load.conn.nodelay = 1;
			break;
		case OPT_NO_NODELAY:
			load.conn.nodelay = 0;
			break;
		case 'h':
		default:
			load_usage(NULL);
		}
	}
	if (load.socket == NULL)
		load_usage("-s SOCKET is required");
	if (mconn_parse_socket(&load.conn, load.socket, &error) < 0)
		load_usage(error);
	if (load.concurrency < 1 || load.concurrency > 100000)
		load_usage("-c must be between 1 and 100000");
	if (load.conn.timeout < 1)
		load_usage("-t must be at least 1");
	if (load.conn.per_packet && load.conn.write_size > 0)
		load_usage("-P and --write-size exclude each other");
	if (nrcpt == 0)
		load_usage("-r must be at least 1");
	if (load.idle < 0 && optind >= argc)
		load_usage("no .eml files or directories given");

	/* Recipients: -R addresses round-robin, or generated ones. */
	load.nrcpts = nrcpt > 0 ? (size_t)nrcpt : ngiven > 0 ? ngiven : 1;
	if ((load.rcpts = calloc(load.nrcpts, sizeof(char *))) == NULL)
		abort();
	for (i = 0; i < load.nrcpts; i++) {
		char *a;

		if (ngiven > 0) {
			load.rcpts[i] = given[i % ngiven];
			continue;
		}
		if (asprintf(&a, "user%zu@customer.example", i + 1) < 0)
			abort();
		load.rcpts[i] = a;
	}

	load.corpus = corpus_new();
	for (; optind < argc; optind++)
		if (corpus_add_path(load.corpus, argv[optind], &error) < 0) {
			fprintf(stderr, "milter-load: %s\n", error);
			exit(LOAD_EXIT_USAGE);
		}
	if (load.idle < 0 && load.corpus->nmsgs == 0)
		load_usage("no .eml files found");

	signal(SIGPIPE, SIG_IGN);
	load_raise_nofile(load.concurrency + 64);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if ((ws = calloc((size_t)load.concurrency, sizeof(*ws))) == NULL)
		abort();
	if (load.idle >= 0) {
		pthread_barrier_init(&load.idle_up, NULL,
		    (unsigned)load.concurrency + 1);
		pthread_barrier_init(&load.idle_down, NULL,
		    (unsigned)load.concurrency + 1);
	}
	for (n = 0; n < load.concurrency; n++) {
		ws[n].conn = mconn_new(&load.conn);
		if (pthread_create(&ws[n].tid, &attr, load.idle >= 0 ?
		    load_idle_run : load_worker_run, &ws[n]) != 0) {
			fprintf(stderr, "milter-load: cannot create thread %ld\n",
			    n);
			exit(1);
		}
	}
	if (load.idle >= 0) {
		long up = 0;

		pthread_barrier_wait(&load.idle_up);
		for (n = 0; n < load.concurrency; n++)
			up += ws[n].idle_ok;
		sleep((unsigned)load.idle);
		pthread_barrier_wait(&load.idle_down);
		for (n = 0; n < load.concurrency; n++)
			pthread_join(ws[n].tid, NULL);
		load_print_config();
		printf("idle connections=%ld established=%ld errors=%ld "
		    "seconds=%ld\n", load.concurrency, up,
		    load.concurrency - up, load.idle);
		for (n = 0; n < load.concurrency; n++)
			mconn_free(&ws[n].conn);
		free(ws);
		free(given);
		corpus_free(&load.corpus);
		return up == load.concurrency ? 0 : 1;
	}
	for (n = 0; n < load.concurrency; n++)
		pthread_join(ws[n].tid, NULL);
	end = load_now();
	load_print_config();
	load_report(ws, load.concurrency,
	    atomic_load(&load.started) ? end - load.start : 0);
	for (n = 0; n < load.concurrency; n++) {
		errors += ws[n].st.errors;
		mconn_free(&ws[n].conn);
		free(ws[n].st.lat);
	}
	free(ws);
	free(given);
	corpus_free(&load.corpus);
	return errors > 0 ? 1 : 0;
}
