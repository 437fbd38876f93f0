/* report_run - run a report over audit log files */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"
#include "report_header.h"
#include "report_html.h"
#include "report_json.h"
#include "report_output.h"
#include "report_read.h"
#include "report_record.h"
#include "report_summary.h"
#include "xalloc.h"
#include "report_run.h"

/*
 * The files are cut into batches of whole lines.  A batch is the unit of
 * work for the parsing threads and of output: the batches sit in a ring,
 * filled in input order by the reader, parsed in any order, and written
 * out in input order by whichever thread finishes the oldest one.
 */
#define REPORT_RUN_BATCH	(1024 * 1024)
#define REPORT_RUN_RING	4		/* batches per job */

enum report_run_kind {
	REPORT_RUN_LINES,		/* in holds lines */
	REPORT_RUN_OPEN_ERROR,	/* the file could not be opened */
	REPORT_RUN_READ_ERROR		/* reading stopped here */
};

/* A malformed line: its number within the batch and the reason. */
struct report_run_diag {
	uint64_t line;			/* from 1 */
	size_t	off;			/* of the reason in the batch's diag */
};

/* One batch and what parsing it produced. */
struct report_run_batch {
	enum report_run_kind kind;
	size_t	file;			/* index in o->files */
	uint64_t bytes;			/* read so far, for the progress line */
	struct strbuf in;		/* lines, each ending in '\n' */
	struct strbuf error;		/* the reason of an error kind */
	struct strbuf out;		/* for standard output */
	struct strbuf diag;		/* reasons, NUL-terminated */
	struct strbuf detail;		/* detail rows for the HTML page */
	struct strbuf detail_csv;	/* and for the detail CSV */
	uint64_t ndetail, ndetail_monitor;
	uint64_t oversized;
	struct report_run_diag *diags;
	size_t	ndiags, diags_cap;
	uint64_t lines, read, malformed;
	int	done;			/* parsed, not yet written */
};

/* A parsing thread and what it owns. */
struct report_run_worker {
	struct report_run *rp;
	struct report_record *rec;
	struct report_summary *summary;
	pthread_t thread;
};

/* The state of one run. */
struct report_run {
	const struct report_run_opts *o;
	int	want_summary;
	struct report_run_worker *workers;
	size_t	nworkers;
	int	threaded;

	/* The ring; slots [next_emit, next_read) are in use. */
	pthread_mutex_t mu;
	pthread_cond_t work_cv;		/* a batch to parse, or the end */
	pthread_cond_t space_cv;	/* a free slot */
	struct report_run_batch *ring;
	size_t	nring;
	uint64_t next_read, next_work, next_emit;
	int	finished;		/* no more batches will come */
	int	emitting;		/* a thread is writing batches */
	FILE	*detail_fp;		/* the HTML rows until the page is written */
	FILE	*detail_csv_fp;
	size_t	chunk_rows;		/* rows in the page's current chunk */
	uint64_t ndetail, ndetail_monitor;
	uint64_t oversized;

	/* Owned by the thread that is writing batches. */
	size_t	cur_file;
	uint64_t lineno;		/* lines of cur_file written so far */
	uint64_t read;			/* well-formed records */
	uint64_t malformed;
	double	last_progress;
	int	progress_shown;
	int	status;
};

/* report_run_now - monotonic seconds */
static double
report_run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* report_run_progress - show MB and records on stderr, at most 4 times a second */
static void
report_run_progress(struct report_run *rp, uint64_t bytes, int force)
{
	double now = report_run_now();

	if (!force && now - rp->last_progress < 0.25)
		return;
	rp->last_progress = now;
	fprintf(stderr, "\r\033[Kcsp-milter-audit: %.1f MB, %llu records",
	    (double)bytes / 1e6,
	    (unsigned long long)(rp->read + rp->malformed));
	rp->progress_shown = 1;
}

/* report_run_progress_clear - remove the progress line */
static void
report_run_progress_clear(struct report_run *rp)
{
	if (rp->progress_shown)
		fputs("\r\033[K", stderr);
	rp->progress_shown = 0;
}

/* report_run_write - write to standard output, report the first error */
static void
report_run_write(struct report_run *rp, const struct strbuf *sb)
{
	if (sb->len == 0)
		return;
	if (fwrite(sb->data, 1, sb->len, rp->o->out) != sb->len &&
	    rp->status == 0) {
		report_run_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: write error: %s\n",
		    strerror(errno));
		rp->status = 1;
	}
}

/* report_run_write_file - append sb to a detail file, report the first error */
static void
report_run_write_file(struct report_run *rp, FILE *fp, const struct strbuf *sb,
    const char *name)
{
	if (fp == NULL || sb->len == 0)
		return;
	if (fwrite(sb->data, 1, sb->len, fp) != sb->len && rp->status == 0) {
		report_run_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: %s: write error: %s\n", name,
		    strerror(errno));
		rp->status = 1;
	}
}

/*
 * report_run_detail - write the detail rows of a batch (one a line) to
 * the temporary file, cut into the page's chunks
 */
static void
report_run_detail(struct report_run *rp, const struct strbuf *rows)
{
	struct strbuf piece = STRBUF_INIT;
	const char *p = rows->data, *end = rows->data + rows->len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		if (rp->chunk_rows == REPORT_HTML_CHUNK_ROWS) {
			report_html_chunk(&piece);
			rp->chunk_rows = 0;
		}
		strbuf_append(&piece, p, (size_t)(nl - p));
		rp->chunk_rows++;
		p = nl;
	}
	report_run_write_file(rp, rp->detail_fp, &piece, "(temporary file)");
	strbuf_release(&piece);
}

/* report_run_framing - NULL when the line looks like one JSON object */
static const char *
report_run_framing(const char *line, size_t len)
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

/* report_run_malformed - note a malformed line of the batch */
static void
report_run_malformed(struct report_run_batch *b, const char *why)
{
	struct report_run_diag *d;

	if (b->ndiags == b->diags_cap) {
		b->diags_cap = b->diags_cap ? 2 * b->diags_cap : 16;
		b->diags = xreallocarray(b->diags, b->diags_cap,
		    sizeof(*b->diags));
	}
	d = &b->diags[b->ndiags++];
	d->line = b->lines;
	d->off = b->diag.len;
	strbuf_append(&b->diag, why, strlen(why) + 1);
	b->malformed++;
}

/* report_run_line - handle one line of the log */
static void
report_run_line(struct report_run_worker *w, struct report_run_batch *b,
    const char *line, size_t len)
{
	const struct report_run_opts *o = w->rp->o;
	const char *why;
	size_t n;
	int candidate;

	if (o->max_record > 0 && len > o->max_record) {
		/* The reader kept only max_record + 1 bytes of such a line. */
		report_run_malformed(b, "longer than the record size cap "
		    "(--max-record): skipped");
		b->malformed--;
		b->oversized++;
		return;
	}
	/*
	 * Every line is decoded, filter or not, so that the header's counts of
	 * records and malformed lines are the same whatever is asked; a line
	 * that lacks a literal the filter needs is not matched.
	 */
	candidate = report_filter_precheck(o->filter, line, len);
	why = report_run_framing(line, len);
	if (why == NULL && report_record_parse(w->rec, line, len, &why) == 0)
		why = NULL;
	if (why != NULL) {
		report_run_malformed(b, why);
		return;
	}
	b->read++;
	/*
	 * A review record (csp-milter-audit --review) follows the milter's
	 * record of the same message: counting it too would count that
	 * message twice.  Only --json, the records themselves, passes it on.
	 */
	if (w->rec->review && o->mode != REPORT_RUN_JSON)
		return;
	if (!candidate || !report_filter_match(o->filter, w->rec))
		return;
	if (w->rp->want_summary)
		report_summary_add(w->summary, w->rec, o->filter);
	if (o->html_path != NULL) {
		n = report_html_detail(&b->detail, w->rec, o->filter);
		b->ndetail += n;
		if (strcmp(w->rec->mode, "monitor") == 0)
			b->ndetail_monitor += n;
	}
	if (o->detail_csv_path != NULL)
		report_output_detail_csv(&b->detail_csv, w->rec, o->filter);
	switch (o->mode) {
	case REPORT_RUN_LIST:
		report_output_list(&b->out, w->rec, o->filter);
		break;
	case REPORT_RUN_CSV:
		report_output_csv(&b->out, w->rec, o->filter);
		break;
	case REPORT_RUN_JSON:
		strbuf_append(&b->out, line, len);
		strbuf_append_char(&b->out, '\n');
		break;
	default:
		break;
	}
}

/* report_run_parse - parse the lines of one batch */
static void
report_run_parse(struct report_run_worker *w, struct report_run_batch *b)
{
	const char *p, *end, *nl;
	size_t len;

	strbuf_reset(&b->out);
	strbuf_reset(&b->diag);
	strbuf_reset(&b->detail);
	strbuf_reset(&b->detail_csv);
	b->ndiags = 0;
	b->lines = b->read = b->malformed = b->oversized = 0;
	b->ndetail = b->ndetail_monitor = 0;
	if (b->kind != REPORT_RUN_LINES)
		return;
	p = b->in.data;
	end = p + b->in.len;
	while (p < end) {
		/* report_reader_batch ends every line in '\n'. */
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		b->lines++;
		report_run_line(w, b, p, len);
		p = nl + 1;
	}
}

/* report_run_emit - write out one parsed batch */
static void
report_run_emit(struct report_run *rp, struct report_run_batch *b)
{
	const char *path = rp->o->files[b->file];
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	struct report_input *in = &rp->o->header->inputs[b->file];
	size_t i;

	if (b->file != rp->cur_file) {
		rp->cur_file = b->file;
		rp->lineno = 0;
	}
	for (i = 0; i < b->ndiags; i++) {
		report_run_progress_clear(rp);
		fprintf(stderr, "%s:%llu: %s\n", name,
		    (unsigned long long)(rp->lineno + b->diags[i].line),
		    b->diag.data + b->diags[i].off);
	}
	rp->lineno += b->lines;
	rp->read += b->read;
	rp->malformed += b->malformed;
	rp->oversized += b->oversized;
	in->records += b->read;
	in->malformed += b->malformed;
	in->oversized += b->oversized;
	rp->ndetail += b->ndetail;
	rp->ndetail_monitor += b->ndetail_monitor;
	report_run_write(rp, &b->out);
	report_run_detail(rp, &b->detail);
	report_run_write_file(rp, rp->detail_csv_fp, &b->detail_csv,
	    rp->o->detail_csv_path);
	switch (b->kind) {
	case REPORT_RUN_OPEN_ERROR:
		report_run_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: %s: %s\n", path,
		    b->error.data);
		strbuf_appendf(&in->error, "cannot open: %s", b->error.data);
		rp->status = 1;
		break;
	case REPORT_RUN_READ_ERROR:
		report_run_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: %s: read error after line "
		    "%llu: %s\n", name, (unsigned long long)rp->lineno,
		    b->error.data);
		strbuf_appendf(&in->error, "read error after line %llu: %s",
		    (unsigned long long)rp->lineno, b->error.data);
		rp->status = 1;
		break;
	case REPORT_RUN_LINES:
		break;
	}
	if (rp->o->progress)
		report_run_progress(rp, b->bytes, 0);
}

/*
 * report_run_done - mark batch seq parsed, and write out the parsed
 * batches at the head of the ring unless another thread is at it.
 */
static void
report_run_done(struct report_run *rp, uint64_t seq)
{
	struct report_run_batch *b;

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
		report_run_emit(rp, b);
		pthread_mutex_lock(&rp->mu);
		b->done = 0;
		rp->next_emit++;
		pthread_cond_signal(&rp->space_cv);
	}
	rp->emitting = 0;
	pthread_mutex_unlock(&rp->mu);
}

/* report_run_take - the next batch to parse; 0 when there is none */
static int
report_run_take(struct report_run *rp, int wait, uint64_t *seq_r)
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

/* report_run_worker_main - a parsing thread */
static void *
report_run_worker_main(void *arg)
{
	struct report_run_worker *w = arg;
	struct report_run *rp = w->rp;
	uint64_t seq;

	while (report_run_take(rp, 1, &seq)) {
		report_run_parse(w, &rp->ring[seq % rp->nring]);
		report_run_done(rp, seq);
	}
	return NULL;
}

/* report_run_slot - the next free batch, waiting for one */
static struct report_run_batch *
report_run_slot(struct report_run *rp, size_t file)
{
	struct report_run_batch *b;

	pthread_mutex_lock(&rp->mu);
	while (rp->next_read - rp->next_emit >= rp->nring)
		pthread_cond_wait(&rp->space_cv, &rp->mu);
	b = &rp->ring[rp->next_read % rp->nring];
	pthread_mutex_unlock(&rp->mu);
	b->kind = REPORT_RUN_LINES;
	b->file = file;
	strbuf_reset(&b->error);
	return b;
}

/* report_run_publish - hand the batch from report_run_slot on */
static void
report_run_publish(struct report_run *rp)
{
	uint64_t seq;

	pthread_mutex_lock(&rp->mu);
	rp->next_read++;
	pthread_cond_signal(&rp->work_cv);
	pthread_mutex_unlock(&rp->mu);
	/* Without threads the reader parses and writes the batch itself. */
	if (!rp->threaded && report_run_take(rp, 0, &seq)) {
		report_run_parse(&rp->workers[0], &rp->ring[seq % rp->nring]);
		report_run_done(rp, seq);
	}
}

/* report_run_file - cut one file into batches */
static void
report_run_file(struct report_run *rp, size_t file, uint64_t *bytes_done)
{
	struct report_reader *r;
	struct report_run_batch *b;
	const char *why;
	int ret;

	if ((r = report_reader_new(rp->o->files[file], &why)) == NULL) {
		b = report_run_slot(rp, file);
		b->kind = REPORT_RUN_OPEN_ERROR;
		b->bytes = *bytes_done;
		strbuf_append_str(&b->error, why);
		report_run_publish(rp);
		return;
	}
	report_reader_cap(r, rp->o->max_record);
	for (;;) {
		b = report_run_slot(rp, file);
		if ((ret = report_reader_batch(r, &b->in, REPORT_RUN_BATCH,
		    &why)) == 0)
			break;
		if (ret < 0) {
			b->kind = REPORT_RUN_READ_ERROR;
			strbuf_append_str(&b->error, why);
		}
		b->bytes = *bytes_done + report_reader_bytes(r);
		report_run_publish(rp);
		if (ret < 0)
			break;
	}
	*bytes_done += report_reader_bytes(r);
	report_reader_free(&r);
}

/* report_run_start - set up the ring and start the parsing threads */
static void
report_run_start(struct report_run *rp)
{
	size_t i;
	int err;

	rp->nworkers = rp->o->jobs > 1 ? rp->o->jobs : 1;
	rp->threaded = rp->nworkers > 1;
	rp->nring = REPORT_RUN_RING * rp->nworkers;
	rp->workers = xcalloc(rp->nworkers, sizeof(*rp->workers));
	rp->ring = xcalloc(rp->nring, sizeof(*rp->ring));
	pthread_mutex_init(&rp->mu, NULL);
	pthread_cond_init(&rp->work_cv, NULL);
	pthread_cond_init(&rp->space_cv, NULL);
	for (i = 0; i < rp->nworkers; i++) {
		rp->workers[i].rp = rp;
		rp->workers[i].rec = report_record_new();
		rp->workers[i].summary = report_summary_new();
	}
	if (!rp->threaded)
		return;
	for (i = 0; i < rp->nworkers; i++) {
		if ((err = pthread_create(&rp->workers[i].thread, NULL,
		    report_run_worker_main, &rp->workers[i])) != 0) {
			fprintf(stderr, "csp-milter-audit: cannot start a "
			    "thread: %s\n", strerror(err));
			exit(1);
		}
	}
}

/* report_run_stop - join the threads, merge their counts into the first */
static void
report_run_stop(struct report_run *rp)
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
		report_summary_merge(rp->workers[0].summary,
		    rp->workers[i].summary);
}

/* report_run_release - free the ring and the workers' state */
static void
report_run_release(struct report_run *rp)
{
	struct report_run_batch *b;
	size_t i;

	for (i = 0; i < rp->nring; i++) {
		b = &rp->ring[i];
		strbuf_release(&b->in);
		strbuf_release(&b->error);
		strbuf_release(&b->out);
		strbuf_release(&b->diag);
		strbuf_release(&b->detail);
		strbuf_release(&b->detail_csv);
		free(b->diags);
	}
	for (i = 0; i < rp->nworkers; i++) {
		report_record_free(&rp->workers[i].rec);
		report_summary_free(&rp->workers[i].summary);
	}
	free(rp->ring);
	free(rp->workers);
	pthread_cond_destroy(&rp->space_cv);
	pthread_cond_destroy(&rp->work_cv);
	pthread_mutex_destroy(&rp->mu);
}

/* report_run_copy - copy the rest of src to dst; -1 on an error */
static int
report_run_copy(FILE *dst, FILE *src)
{
	char buf[64 * 1024];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), src)) > 0)
		if (fwrite(buf, 1, n, dst) != n)
			return -1;
	return ferror(src) ? -1 : 0;
}

/*
 * report_run_html - write the HTML page: the summary, then the detail
 * rows that were kept in a temporary file while the input was read
 */
static void
report_run_html(struct report_run *rp, const struct report_summary *s)
{
	struct strbuf page = STRBUF_INIT;
	FILE *fp;
	int bad;

	report_html_begin(&page, s, rp->o->top, rp->o->header);
	if ((fp = fopen(rp->o->html_path, "w")) == NULL) {
		fprintf(stderr, "csp-milter-audit: %s: %s\n", rp->o->html_path,
		    strerror(errno));
		rp->status = 1;
		strbuf_release(&page);
		return;
	}
	bad = fwrite(page.data, 1, page.len, fp) != page.len;
	if (rp->detail_fp != NULL) {
		rewind(rp->detail_fp);
		bad |= fflush(fp) != 0 || report_run_copy(fp, rp->detail_fp) < 0;
	}
	strbuf_reset(&page);
	report_html_end(&page, rp->ndetail, rp->ndetail_monitor);
	bad |= fwrite(page.data, 1, page.len, fp) != page.len;
	if (fclose(fp) != 0 || bad) {
		fprintf(stderr, "csp-milter-audit: %s: write error: %s\n",
		    rp->o->html_path, strerror(errno));
		rp->status = 1;
	}
	strbuf_release(&page);
}

/* report_run_open_outputs - the detail files; -1 when one cannot be made */
static int
report_run_open_outputs(struct report_run *rp)
{
	struct strbuf head = STRBUF_INIT;
	const struct report_run_opts *o = rp->o;

	if (o->html_path != NULL && (rp->detail_fp = tmpfile()) == NULL) {
		fprintf(stderr, "csp-milter-audit: cannot make a temporary "
		    "file: %s\n", strerror(errno));
		return -1;
	}
	if (o->detail_csv_path == NULL)
		return 0;
	if ((rp->detail_csv_fp = fopen(o->detail_csv_path, "w")) == NULL) {
		fprintf(stderr, "csp-milter-audit: %s: %s\n", o->detail_csv_path,
		    strerror(errno));
		return -1;
	}
	report_output_detail_csv_header(&head);
	report_run_write_file(rp, rp->detail_csv_fp, &head, o->detail_csv_path);
	strbuf_release(&head);
	return 0;
}

/* report_run_close_outputs - close the detail files */
static void
report_run_close_outputs(struct report_run *rp)
{
	if (rp->detail_fp != NULL)
		fclose(rp->detail_fp);
	if (rp->detail_csv_fp != NULL && fclose(rp->detail_csv_fp) != 0 &&
	    rp->status == 0) {
		fprintf(stderr, "csp-milter-audit: %s: write error: %s\n",
		    rp->o->detail_csv_path, strerror(errno));
		rp->status = 1;
	}
}

/* report_run - read every file and write the report */
int
report_run(const struct report_run_opts *o)
{
	struct report_run report, *rp = &report;
	struct report_summary *summary;
	struct strbuf header = STRBUF_INIT;
	uint64_t bytes_done = 0;
	size_t i;

	memset(rp, 0, sizeof(*rp));
	rp->o = o;
	rp->cur_file = (size_t)-1;
	o->header->inputs = xcalloc(o->nfiles, sizeof(*o->header->inputs));
	o->header->ninputs = o->nfiles;
	o->header->max_record = o->max_record;
	for (i = 0; i < o->nfiles; i++) {
		o->header->inputs[i].name = strcmp(o->files[i], "-") == 0 ?
		    "(stdin)" : o->files[i];
		strbuf_init(&o->header->inputs[i].error, 0);
	}
	if (report_run_open_outputs(rp) < 0) {
		report_run_close_outputs(rp);
		return 1;
	}
	/* Streamed formats need no summary unless a page is wanted too. */
	rp->want_summary = o->mode == REPORT_RUN_SUMMARY ||
	    o->mode == REPORT_RUN_JSON_SUMMARY ||
	    o->mode == REPORT_RUN_NONE || o->html_path != NULL;
	if (o->mode == REPORT_RUN_CSV) {
		report_output_csv_header(&header);
		report_run_write(rp, &header);
		strbuf_reset(&header);
	}
	report_run_start(rp);
	for (i = 0; i < o->nfiles; i++)
		report_run_file(rp, i, &bytes_done);
	report_run_stop(rp);
	summary = rp->workers[0].summary;
	if (o->progress)
		report_run_progress(rp, bytes_done, 1);
	report_run_progress_clear(rp);
	report_summary_set_input(summary, rp->read, rp->malformed);
	report_summary_set_oversized(summary, rp->oversized);
	if (o->mode == REPORT_RUN_SUMMARY) {
		report_header_write_text(&header, o->header, summary);
		if (report_summary_write_text(summary, o->out, o->top,
		    header.data) < 0 && rp->status == 0) {
			fprintf(stderr, "csp-milter-audit: write error: %s\n",
			    strerror(errno));
			rp->status = 1;
		}
	} else if (o->mode == REPORT_RUN_JSON_SUMMARY) {
		if (report_json_write(o->out, summary, o->header) < 0 &&
		    rp->status == 0) {
			fprintf(stderr, "csp-milter-audit: write error: %s\n",
			    strerror(errno));
			rp->status = 1;
		}
	}
	if (o->mode != REPORT_RUN_SUMMARY &&
	    (rp->malformed > 0 || rp->oversized > 0)) {
		fprintf(stderr, "csp-milter-audit: %llu malformed line%s skipped",
		    (unsigned long long)rp->malformed,
		    rp->malformed == 1 ? "" : "s");
		if (rp->oversized > 0)
			fprintf(stderr, ", %llu oversized",
			    (unsigned long long)rp->oversized);
		fputc('\n', stderr);
	}
	if (o->html_path != NULL)
		report_run_html(rp, summary);
	report_run_close_outputs(rp);
	if (fflush(o->out) != 0 && rp->status == 0) {
		fprintf(stderr, "csp-milter-audit: write error: %s\n",
		    strerror(errno));
		rp->status = 1;
	}
	strbuf_release(&header);
	report_run_release(rp);
	return rp->status;
}
