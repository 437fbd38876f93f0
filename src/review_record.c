/* review_record - the audit records of held mail */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "report_read.h"
#include "review_record.h"
#include "xalloc.h"

/* Lines longer than this are not audit records the milter wrote. */
#define REVIEW_RECORD_MAX_LINE	(1024 * 1024)
/* Bytes of the log handed out at once. */
#define REVIEW_RECORD_BATCH	(1024 * 1024)

/* review_records_match - the index of the ID a line's queue_id names, or -1 */
static long
review_records_match(const char *line, size_t len, char *const *ids, size_t n, json_t **rec_r)
{
	json_t *rec;
	const char *qid;
	size_t i;

	*rec_r = NULL;
	/* Cheap first: the key must be there at all. */
	if (memmem(line, len, "\"queue_id\"", 10) == NULL)
		return -1;
	rec = json_loadb(line, len, 0, NULL);
	if (rec == NULL || !json_is_object(rec) || json_object_get(rec, "review") != NULL) {
		json_decref(rec);
		return -1;
	}
	qid = json_string_value(json_object_get(rec, "queue_id"));
	for (i = 0; qid != NULL && i < n; i++)
		if (strcmp(ids[i], qid) == 0) {
			*rec_r = rec;
			return (long)i;
		}
	json_decref(rec);
	return -1;
}

/* review_records_find - the daemon's last record for each queue ID */
int
review_records_find(const char *path, char *const *ids, size_t n, json_t **found,
    const char **error_r)
{
	struct report_reader *r;
	struct strbuf batch = STRBUF_INIT;
	const char *p, *end, *nl, *needle;
	json_t *rec;
	size_t i, len;
	long k;
	int rc;

	for (i = 0; i < n; i++)
		found[i] = NULL;
	if (n == 0)
		return 0;
	if ((r = report_reader_new(path, error_r)) == NULL)
		return -1;
	report_reader_cap(r, REVIEW_RECORD_MAX_LINE);
	while ((rc = report_reader_batch(r, &batch, REVIEW_RECORD_BATCH, error_r)) > 0) {
		end = batch.data + batch.len;
		for (p = batch.data; p < end; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			len = (size_t)(nl - p);
			if (len > REVIEW_RECORD_MAX_LINE)
				continue;
			/* Only lines that name one of the IDs are decoded. */
			for (i = 0; i < n; i++) {
				needle = ids[i];
				if (memmem(p, len, needle, strlen(needle)) != NULL)
					break;
			}
			if (i == n)
				continue;
			if ((k = review_records_match(p, len, ids, n, &rec)) < 0)
				continue;
			json_decref(found[k]);
			found[k] = rec;
		}
	}
	strbuf_release(&batch);
	report_reader_free(&r);
	if (rc < 0) {
		for (i = 0; i < n; i++) {
			json_decref(found[i]);
			found[i] = NULL;
		}
		return -1;
	}
	return 0;
}

/* review_record_now - RFC 3339 UTC with microseconds, as audit.c writes it */
static json_t *
review_record_now(void)
{
	struct timeval tv;
	struct tm tm;
	char buf[32], out[48];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%06ldZ", buf, (long)tv.tv_usec);
	return json_string(out);
}

/* review_record_str - a JSON string that never fails on bad UTF-8 */
json_t *
review_record_str(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	if (s == NULL)
		s = "";
	if ((j = json_string(s)) != NULL)
		return j;
	/* Not UTF-8: strbuf's JSON escaping replaces what is invalid. */
	strbuf_append_json(&sb, s, strlen(s));
	j = json_loadb(sb.data, sb.len, JSON_DECODE_ANY, NULL);
	strbuf_release(&sb);
	return j != NULL ? j : json_string("?");
}

/* review_record_build - base with the review's fields */
void
review_record_build(struct strbuf *out, const json_t *base, const struct review_event *ev)
{
	json_t *rec, *rcpts, *review, *list;
	struct strbuf raw = STRBUF_INIT;
	char *text;
	size_t i;

	rec = base != NULL && json_is_object(base) ? json_deep_copy(base) : json_object();
	json_object_set_new(rec, "time", review_record_now());
	json_object_set_new(rec, "instance", review_record_str(ev->instance));
	json_object_set_new(rec, "queue_id", review_record_str(ev->queue_id));
	json_object_set_new(rec, "client", json_string(""));
	json_object_set_new(rec, "mta", review_record_str(ev->mta));
	json_object_set_new(rec, "mail_from", review_record_str(ev->sender));
	strbuf_appendf(&raw, "<%s>", ev->sender != NULL ? ev->sender : "");
	json_object_set_new(rec, "mail_from_raw", review_record_str(raw.data));
	strbuf_release(&raw);
	json_object_set_new(rec, "size", json_integer(ev->size));
	rcpts = json_array();
	for (i = 0; i < ev->nrcpts; i++) {
		const struct review_rcpt *r = &ev->rcpts[i];
		json_t *o = json_object();

		strbuf_reset(&raw);
		strbuf_appendf(&raw, "<%s>", r->rcpt);
		json_object_set_new(o, "rcpt", review_record_str(raw.data));
		json_object_set_new(o, "customer", review_record_str(r->cust ? r->cust->customer_id : ""));
		json_object_set_new(o, "partner", review_record_str(r->cust ? r->cust->partner : ""));
		json_object_set_new(o, "decision", json_string(decision_name(r->decision)));
		json_array_append_new(rcpts, o);
	}
	strbuf_release(&raw);
	json_object_set_new(rec, "recipients", rcpts);
	json_object_set_new(rec, "action", review_record_str(ev->action));
	json_object_set_new(rec, "mode", json_string("enforce"));
	json_object_set_new(rec, "config_version", review_record_str(ev->config_version));
	json_object_set_new(rec, "elapsed_us", json_integer(0));
	review = json_object();
	json_object_set_new(review, "choice", review_record_str(ev->choice));
	json_object_set_new(review, "by", review_record_str(ev->by));
	json_object_set_new(review, "taught_class", review_record_str(ev->taught_class));
	json_object_set_new(review, "record", json_string(ev->record_found ? "audit" : "rescan"));
	list = json_array();
	for (i = 0; i < ev->nreinjected; i++)
		json_array_append_new(list, review_record_str(ev->reinjected[i]));
	json_object_set_new(review, "reinjected_to", list);
	json_object_set_new(review, "note", review_record_str(ev->note));
	json_object_set_new(rec, "review", review);
	text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text == NULL)
		xalloc_fail(0);
	strbuf_reset(out);
	strbuf_append_str(out, text);
	strbuf_append_char(out, '\n');
	free(text);
	json_decref(rec);
}

/* review_record_who - the reviewer's name */
char *
review_record_who(const char *by)
{
	const char *s = by;
	struct passwd *pw;
	char buf[32];

	if (s == NULL || *s == '\0')
		s = getenv("SUDO_USER");
	if (s == NULL || *s == '\0')
		s = getlogin();
	if ((s == NULL || *s == '\0') && (pw = getpwuid(getuid())) != NULL)
		s = pw->pw_name;
	if (s == NULL || *s == '\0') {
		snprintf(buf, sizeof(buf), "uid %u", (unsigned)getuid());
		s = buf;
	}
	return xstrdup(s);
}
