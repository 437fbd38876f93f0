/* audit_report - run a report over audit log files */
#include "config.h"

#include <errno.h>
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

#define AUDIT_REPORT_FLUSH	(256 * 1024)

/* The state of one run. */
struct audit_report {
	const struct audit_report_opts *o;
	struct audit_record *rec;
	struct audit_summary *summary;
	struct strbuf out;
	uint64_t read;			/* well-formed records */
	uint64_t malformed;
	uint64_t bytes_done;		/* of files already finished */
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

/* audit_report_flush - write buffered output */
static void
audit_report_flush(struct audit_report *rp)
{
	if (rp->out.len == 0)
		return;
	if (fwrite(rp->out.data, 1, rp->out.len, rp->o->out) != rp->out.len &&
	    rp->status == 0) {
		audit_report_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: write error: %s\n",
		    strerror(errno));
		rp->status = 1;
	}
	strbuf_reset(&rp->out);
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

/* audit_report_line - handle one line of the log */
static void
audit_report_line(struct audit_report *rp, struct audit_reader *r,
    const char *line, size_t len)
{
	const struct audit_report_opts *o = rp->o;
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
	    audit_record_parse(rp->rec, line, len, &why) == 0)
		why = NULL;
	if (why != NULL) {
		rp->malformed++;
		audit_report_progress_clear(rp);
		fprintf(stderr, "%s:%lu: %s\n", audit_reader_name(r),
		    audit_reader_lineno(r), why);
		return;
	}
	rp->read++;
	if (!candidate || !audit_filter_match(o->filter, rp->rec))
		return;
	/* Streamed formats need no summary unless a page is wanted too. */
	if (o->mode == AUDIT_REPORT_SUMMARY || o->mode == AUDIT_REPORT_NONE ||
	    o->html_path != NULL)
		audit_summary_add(rp->summary, rp->rec, o->filter);
	switch (o->mode) {
	case AUDIT_REPORT_LIST:
		audit_output_list(&rp->out, rp->rec, o->filter);
		break;
	case AUDIT_REPORT_CSV:
		audit_output_csv(&rp->out, rp->rec, o->filter);
		break;
	case AUDIT_REPORT_JSON:
		strbuf_append(&rp->out, line, len);
		strbuf_append_char(&rp->out, '\n');
		break;
	default:
		break;
	}
	if (rp->out.len >= AUDIT_REPORT_FLUSH)
		audit_report_flush(rp);
}

/* audit_report_file - read one file */
static void
audit_report_file(struct audit_report *rp, const char *path)
{
	struct audit_reader *r;
	const char *line, *why;
	size_t len;
	unsigned n = 0;
	int ret;

	if ((r = audit_reader_new(path, &why)) == NULL) {
		audit_report_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: %s: %s\n", path, why);
		rp->status = 1;
		return;
	}
	while ((ret = audit_reader_next(r, &line, &len, &why)) == 1) {
		audit_report_line(rp, r, line, len);
		if (rp->o->progress && ++n % 4096 == 0)
			audit_report_progress(rp, rp->bytes_done +
			    audit_reader_bytes(r), 0);
	}
	if (ret < 0) {
		audit_report_progress_clear(rp);
		fprintf(stderr, "csp-milter-audit: %s: read error after line "
		    "%lu: %s\n", audit_reader_name(r), audit_reader_lineno(r), why);
		rp->status = 1;
	}
	rp->bytes_done += audit_reader_bytes(r);
	audit_reader_free(&r);
}

/* audit_report_html - write the HTML page */
static void
audit_report_html(struct audit_report *rp)
{
	struct strbuf page = STRBUF_INIT;
	FILE *fp;

	audit_html_render(&page, rp->summary, rp->o->top, rp->o->note);
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
	size_t i;

	memset(rp, 0, sizeof(*rp));
	rp->o = o;
	rp->rec = audit_record_new();
	rp->summary = audit_summary_new();
	strbuf_init(&rp->out, AUDIT_REPORT_FLUSH + 4096);
	if (o->mode == AUDIT_REPORT_CSV)
		audit_output_csv_header(&rp->out);
	for (i = 0; i < o->nfiles; i++)
		audit_report_file(rp, o->files[i]);
	if (o->progress)
		audit_report_progress(rp, rp->bytes_done, 1);
	audit_report_progress_clear(rp);
	audit_summary_set_input(rp->summary, rp->read, rp->malformed);
	if (o->mode == AUDIT_REPORT_SUMMARY) {
		audit_report_flush(rp);
		if (audit_summary_write_text(rp->summary, o->out, o->top) < 0 &&
		    rp->status == 0) {
			fprintf(stderr, "csp-milter-audit: write error: %s\n",
			    strerror(errno));
			rp->status = 1;
		}
	} else if (rp->malformed > 0)
		fprintf(stderr, "csp-milter-audit: %llu malformed line%s skipped\n",
		    (unsigned long long)rp->malformed, rp->malformed == 1 ? "" : "s");
	audit_report_flush(rp);
	if (o->html_path != NULL)
		audit_report_html(rp);
	if (fflush(o->out) != 0 && rp->status == 0) {
		fprintf(stderr, "csp-milter-audit: write error: %s\n",
		    strerror(errno));
		rp->status = 1;
	}
	strbuf_release(&rp->out);
	audit_summary_free(&rp->summary);
	audit_record_free(&rp->rec);
	return rp->status;
}
