/* audit_report - run a report over audit log files */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"
#include "audit_html.h"
#include "audit_output.h"
#include "audit_read.h"
#include "audit_record.h"
#include "audit_summary.h"
#include "audit_report.h"

/*
 * The files are cut into batches of whole lines.  A batch is the unit of
 * work for the parsing threads and of output: the batches sit in a ring,
 * filled in input order by the reader, parsed in any order, and written
 * out in input order by whichever thread finishes the oldest one.
 */
#define AUDIT_REPORT_BATCH	(1024 * 1024)
#define AUDIT_REPORT_RING	4		/* batches per job */

enum audit_report_kind {
	AUDIT_REPORT_LINES,		/* in holds lines */
	AUDIT_REPORT_OPEN_ERROR,	/* the file could not be opened */
	AUDIT_REPORT_READ_ERROR		/* reading stopped here */
};

/* A malformed line: its number within the batch and the reason. */
struct audit_report_diag {
	uint64_t line;			/* from 1 */
	size_t	off;			/* of the reason in the batch's diag */
};

/* One batch and what parsing it produced. */
struct audit_report_batch {
	enum audit_report_kind kind;
	size_t	file;			/* index in o->files */
	uint64_t bytes;			/* read so far, for the progress line */
	struct strbuf in;		/* lines, each ending in '\n' */
	struct strbuf error;		/* the reason of an error kind */
	struct strbuf out;		/* for standard output */
	struct strbuf diag;		/* reasons, NUL-terminated */
	struct audit_report_diag *diags;
	size_t	ndiags, diags_cap;
	uint64_t lines, read, malformed;
	int	done;			/* parsed, not yet written */
};

/* A parsing thread and what it owns. */
struct audit_report_worker {
	struct audit_report *rp;
	struct audit_record *rec;
	struct audit_summary *summary;
	pthread_t thread;
};

/* The state of one run. */
struct audit_report {
	const struct audit_report_opts *o;
	int	want_summary;
	struct audit_report_worker *workers;
	size_t	nworkers;
	int	threaded;

	/* The ring; slots [next_emit, next_read) are in use. */
	pthread_mutex_t mu;
	pthread_cond_t work_cv;		/* a batch to parse, or the end */
	pthread_cond_t space_cv;	/* a free slot */
	struct audit_report_batch *ring;
	size_t	nring;
	uint64_t next_read, next_work, next_emit;
	int	finished;		/* no more batches will come */
	int	emitting;		/* a thread is writing batches */

	/* Owned by the thread that is writing batches. */
	size_t	cur_file;
	uint64_t lineno;		/* lines of cur_file written so far */
	uint64_t read;			/* well-formed records */
	uint64_t malformed;
	double	last_progress;
	int	progress_shown;
	int	status;
};

/* audit_report_now - monotonic seconds */
static double
audit_report_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* audit_report_progress - show MB and records on stderr, at most 4 times a second */
static void
audit_report_progress(struct audit_report *rp, uint64_t bytes, int force)
{
	double now = audit_report_now();

	if (!force && now - rp->last_progress < 0.25)
		return;
	rp->last_progress = now;
	fprintf(stderr, "\r\033[Kcsp-milter-audit: %.1f MB, %llu records",
	    (double)bytes / 1e6,
	    (unsigned long long)(rp->read + rp->malformed));
	rp->progress_shown = 1;
}

/* audit_report_progress_clear - remove the progress line */
static void
audit_report_progress_clear(struct audit_report *rp)
{
	if (rp->progress_shown)
		fputs("\r\033[K", stderr);
	rp->progress_shown = 0;
}

/* audit_report_write - write to standard output, report the first error */
static void
audit_report_write(struct audit_report *rp, const struct strbuf *sb)
{
	if (sb->len == 0)
		return;
	if (fwrite(sb->data, 1, sb->len, rp->o->out) != sb->len &&
	    rp->status == 0) {
		audit_report_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: write error: %s\n",
		    strerror(errno));
		rp->status = 1;
	}
}

/* audit_report_framing - NULL when the line looks like one JSON object */
static const char *
audit_report_framing(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (len > i && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (i == len)
		return "empty line";
	if (line[i] != '{' || line[len - 1] != '}')
		return "not a JSON object (incomplete line?)";
	return NULL;
}

/* audit_report_malformed - note a malformed line of the batch */
static void
audit_report_malformed(struct audit_report_batch *b, const char *why)
{
	struct audit_report_diag *d;

	if (b->ndiags == b->diags_cap) {
		b->diags_cap = b->diags_cap ? 2 * b->diags_cap : 16;
		if ((b->diags = reallocarray(b->diags, b->diags_cap,
		    sizeof(*b->diags))) == NULL) {
			fprintf(stderr, "csp-milter-audit: out of memory\n");
			abort();
		}
	}
	d = &b->diags[b->ndiags++];
	d->line = b->lines;
	d->off = b->diag.len;
	strbuf_append(&b->diag, why, strlen(why) + 1);
	b->malformed++;
}

/* audit_report_line - handle one line of the log */
static void
audit_report_line(struct audit_report_worker *w, struct audit_report_batch *b,
    const char *line, size_t len)
{
	const struct audit_report_opts *o = w->rp->o;
	const char *why;
	int candidate;

	/*
	 * A line that lacks a literal the filter needs cannot match; it is
	 * not decoded, only its framing is checked, which catches the usual
	 * damage (a line cut short by a crash or a full disk).
	 */
	candidate = audit_filter_precheck(o->filter, line, len);
	why = audit_report_framing(line, len);
	if (why == NULL && candidate &&
	    audit_record_parse(w->rec, line, len, &why) == 0)
		why = NULL;
	if (why != NULL) {
		audit_report_malformed(b, why);
		return;
	}
	b->read++;
	if (!candidate || !audit_filter_match(o->filter, w->rec))
		return;
	if (w->rp->want_summary)
		audit_summary_add(w->summary, w->rec, o->filter);
	switch (o->mode) {
	case AUDIT_REPORT_LIST:
		audit_output_list(&b->out, w->rec, o->filter);
		break;
	case AUDIT_REPORT_CSV:
		audit_output_csv(&b->out, w->rec, o->filter);
		break;
	case AUDIT_REPORT_JSON:
		strbuf_append(&b->out, line, len);
		strbuf_append_char(&b->out, '\n');
		break;
	default:
		break;
	}
}

/* audit_report_parse - parse the lines of one batch */
static void
audit_report_parse(struct audit_report_worker *w, struct audit_report_batch *b)
{
	const char *p, *end, *nl;
	size_t len;

	strbuf_reset(&b->out);
	strbuf_reset(&b->diag);
	b->ndiags = 0;
	b->lines = b->read = b->malformed = 0;
	if (b->kind != AUDIT_REPORT_LINES)
		return;
	p = b->in.data;
	end = p + b->in.len;
	while (p < end) {
		/* audit_reader_batch ends every line in '\n'. */
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		b->lines++;
		audit_report_line(w, b, p, len);
		p = nl + 1;
	}
}

/* audit_report_emit - write out one parsed batch */
static void
audit_report_emit(struct audit_report *rp, struct audit_report_batch *b)
{
	const char *path = rp->o->files[b->file];
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	size_t i;

	if (b->file != rp->cur_file) {
		rp->cur_file = b->file;
		rp->lineno = 0;
	}
	for (i = 0; i < b->ndiags; i++) {
		audit_report_progress_clear(rp);
		fprintf(stderr, "%s:%llu: %s\n", name,
		    (unsigned long long)(rp->lineno + b->diags[i].line),
		    b->diag.data + b->diags[i].off);
	}
	rp->lineno += b->lines;
	rp->read += b->read;
	rp->malformed += b->malformed;
	audit_report_write(rp, &b->out);
	switch (b->kind) {
	case AUDIT_REPORT_OPEN_ERROR:
		audit_report_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: %s: %s\n", path,
		    b->error.data);
		rp->status = 1;
		break;
	case AUDIT_REPORT_READ_ERROR:
		audit_report_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: %s: read error after line "
		    "%llu: %s\n", name, (unsigned long long)rp->lineno,
		    b->error.data);
		rp->status = 1;
		break;
	case AUDIT_REPORT_LINES:
		break;
	}
	if (rp->o->progress)
		audit_report_progress(rp, b->bytes, 0);
}

/*
 * audit_report_done - mark batch seq parsed, and write out the parsed
 * batches at the head of the ring unless another thread is at it.
 */
static void
audit_report_done(struct audit_report *rp, uint64_t seq)
{
	struct audit_report_batch *b;

	pthread_mutex_lock(&rp->mu);
	rp->ring[seq % rp->nring].done = 1;
	if (rp->emitting) {
		pthread_mutex_unlock(&rp->mu);
		return;
	}
	rp->emitting = 1;
	while (rp->next_emit < rp->next_read &&
	    (b = &rp->ring[rp->next_emit % rp->nring])->done) {
		pthread_mutex_unlock(&rp->mu);
		audit_report_emit(rp, b);
		pthread_mutex_lock(&rp->mu);
		b->done = 0;
		rp->next_emit++;
		pthread_cond_signal(&rp->space_cv);
	}
	rp->emitting = 0;
	pthread_mutex_unlock(&rp->mu);
}

/* audit_report_take - the next batch to parse; 0 when there is none */
static int
audit_report_take(struct audit_report *rp, int wait, uint64_t *seq_r)
{
	int ret = 0;

	pthread_mutex_lock(&rp->mu);
	while (wait && rp->next_work == rp->next_read && !rp->finished)
		pthread_cond_wait(&rp->work_cv, &rp->mu);
	if (rp->next_work < rp->next_read) {
		*seq_r = rp->next_work++;
		ret = 1;
	}
	pthread_mutex_unlock(&rp->mu);
	return ret;
}

/* audit_report_worker_main - a parsing thread */
static void *
audit_report_worker_main(void *arg)
{
	struct audit_report_worker *w = arg;
	struct audit_report *rp = w->rp;
	uint64_t seq;

	while (audit_report_take(rp, 1, &seq)) {
		audit_report_parse(w, &rp->ring[seq % rp->nring]);
		audit_report_done(rp, seq);
	}
	return NULL;
}

/* audit_report_slot - the next free batch, waiting for one */
static struct audit_report_batch *
audit_report_slot(struct audit_report *rp, size_t file)
{
	struct audit_report_batch *b;

	pthread_mutex_lock(&rp->mu);
	while (rp->next_read - rp->next_emit >= rp->nring)
		pthread_cond_wait(&rp->space_cv, &rp->mu);
	b = &rp->ring[rp->next_read % rp->nring];
	pthread_mutex_unlock(&rp->mu);
	b->kind = AUDIT_REPORT_LINES;
	b->file = file;
	strbuf_reset(&b->error);
	return b;
}

/* audit_report_publish - hand the batch from audit_report_slot on */
static void
audit_report_publish(struct audit_report *rp)
{
	uint64_t seq;

	pthread_mutex_lock(&rp->mu);
	rp->next_read++;
	pthread_cond_signal(&rp->work_cv);
	pthread_mutex_unlock(&rp->mu);
	/* Without threads the reader parses and writes the batch itself. */
	if (!rp->threaded && audit_report_take(rp, 0, &seq)) {
		audit_report_parse(&rp->workers[0], &rp->ring[seq % rp->nring]);
		audit_report_done(rp, seq);
	}
}

/* audit_report_file - cut one file into batches */
static void
audit_report_file(struct audit_report *rp, size_t file, uint64_t *bytes_done)
{
	struct audit_reader *r;
	struct audit_report_batch *b;
	const char *why;
	int ret;

	if ((r = audit_reader_new(rp->o->files[file], &why)) == NULL) {
		b = audit_report_slot(rp, file);
		b->kind = AUDIT_REPORT_OPEN_ERROR;
		b->bytes = *bytes_done;
		strbuf_append_str(&b->error, why);
		audit_report_publish(rp);
		return;
	}
	for (;;) {
		b = audit_report_slot(rp, file);
		if ((ret = audit_reader_batch(r, &b->in, AUDIT_REPORT_BATCH,
		    &why)) == 0)
			break;
		if (ret < 0) {
			b->kind = AUDIT_REPORT_READ_ERROR;
			strbuf_append_str(&b->error, why);
		}
		b->bytes = *bytes_done + audit_reader_bytes(r);
		audit_report_publish(rp);
		if (ret < 0)
			break;
	}
	*bytes_done += audit_reader_bytes(r);
	audit_reader_free(&r);
}

/* audit_report_start - set up the ring and start the parsing threads */
static void
audit_report_start(struct audit_report *rp)
{
	size_t i;
	int err;

	rp->nworkers = rp->o->jobs > 1 ? rp->o->jobs : 1;
	rp->threaded = rp->nworkers > 1;
	rp->nring = AUDIT_REPORT_RING * rp->nworkers;
	if ((rp->workers = calloc(rp->nworkers, sizeof(*rp->workers))) == NULL ||
	    (rp->ring = calloc(rp->nring, sizeof(*rp->ring))) == NULL) {
		fprintf(stderr, "csp-milter-audit: out of memory\n");
		abort();
	}
	pthread_mutex_init(&rp->mu, NULL);
	pthread_cond_init(&rp->work_cv, NULL);
	pthread_cond_init(&rp->space_cv, NULL);
	for (i = 0; i < rp->nworkers; i++) {
		rp->workers[i].rp = rp;
		rp->workers[i].rec = audit_record_new();
		rp->workers[i].summary = audit_summary_new();
	}
	if (!rp->threaded)
		return;
	for (i = 0; i < rp->nworkers; i++) {
		if ((err = pthread_create(&rp->workers[i].thread, NULL,
		    audit_report_worker_main, &rp->workers[i])) != 0) {
			fprintf(stderr, "csp-milter-audit: cannot start a "
			    "thread: %s\n", strerror(err));
			exit(1);
		}
	}
}

/* audit_report_stop - join the threads, merge their counts into the first */
static void
audit_report_stop(struct audit_report *rp)
{
	size_t i;

	pthread_mutex_lock(&rp->mu);
	rp->finished = 1;
	pthread_cond_broadcast(&rp->work_cv);
	pthread_mutex_unlock(&rp->mu);
	if (rp->threaded)
		for (i = 0; i < rp->nworkers; i++)
			pthread_join(rp->workers[i].thread, NULL);
	for (i = 1; i < rp->nworkers; i++)
		audit_summary_merge(rp->workers[0].summary,
		    rp->workers[i].summary);
}

/* audit_report_release - free the ring and the workers' state */
static void
audit_report_release(struct audit_report *rp)
{
	struct audit_report_batch *b;
	size_t i;

	for (i = 0; i < rp->nring; i++) {
		b = &rp->ring[i];
		strbuf_release(&b->in);
		strbuf_release(&b->error);
		strbuf_release(&b->out);
		strbuf_release(&b->diag);
		free(b->diags);
	}
	for (i = 0; i < rp->nworkers; i++) {
		audit_record_free(&rp->workers[i].rec);
		audit_summary_free(&rp->workers[i].summary);
	}
	free(rp->ring);
	free(rp->workers);
	pthread_cond_destroy(&rp->space_cv);
	pthread_cond_destroy(&rp->work_cv);
	pthread_mutex_destroy(&rp->mu);
}

/* audit_report_html - write the HTML page */
static void
audit_report_html(struct audit_report *rp, const struct audit_summary *s)
{
	struct strbuf page = STRBUF_INIT;
	FILE *fp;

	audit_html_render(&page, s, rp->o->top, rp->o->note);
	if ((fp = fopen(rp->o->html_path, "w")) == NULL) {
		fprintf(stderr, "csp-milter-audit: %s: %s\n", rp->o->html_path,
		    strerror(errno));
		rp->status = 1;
	} else {
		if (fwrite(page.data, 1, page.len, fp) != page.len ||
		    fclose(fp) != 0) {
			fprintf(stderr, "csp-milter-audit: %s: write error: %s\n",
			    rp->o->html_path, strerror(errno));
			rp->status = 1;
		}
	}
	strbuf_release(&page);
}

/* audit_report_run - read every file and write the report */
int
audit_report_run(const struct audit_report_opts *o)
{
	struct audit_report report, *rp = &report;
	struct audit_summary *summary;
	struct strbuf header = STRBUF_INIT;
	uint64_t bytes_done = 0;
	size_t i;

	memset(rp, 0, sizeof(*rp));
	rp->o = o;
	rp->cur_file = (size_t)-1;
	/* Streamed formats need no summary unless a page is wanted too. */
	rp->want_summary = o->mode == AUDIT_REPORT_SUMMARY ||
	    o->mode == AUDIT_REPORT_NONE || o->html_path != NULL;
	if (o->mode == AUDIT_REPORT_CSV) {
		audit_output_csv_header(&header);
		audit_report_write(rp, &header);
		strbuf_release(&header);
	}
	audit_report_start(rp);
	for (i = 0; i < o->nfiles; i++)
		audit_report_file(rp, i, &bytes_done);
	audit_report_stop(rp);
	summary = rp->workers[0].summary;
	if (o->progress)
		audit_report_progress(rp, bytes_done, 1);
	audit_report_progress_clear(rp);
	audit_summary_set_input(summary, rp->read, rp->malformed);
	if (o->mode == AUDIT_REPORT_SUMMARY) {
		if (audit_summary_write_text(summary, o->out, o->top) < 0 &&
		    rp->status == 0) {
			fprintf(stderr, "csp-milter-audit: write error: %s\n",
			    strerror(errno));
			rp->status = 1;
		}
	} else if (rp->malformed > 0)
		fprintf(stderr, "csp-milter-audit: %llu malformed line%s skipped\n",
		    (unsigned long long)rp->malformed, rp->malformed == 1 ? "" : "s");
	if (o->html_path != NULL)
		audit_report_html(rp, summary);
	if (fflush(o->out) != 0 && rp->status == 0) {
		fprintf(stderr, "csp-milter-audit: write error: %s\n",
		    strerror(errno));
		rp->status = 1;
	}
	audit_report_release(rp);
	return rp->status;
}
