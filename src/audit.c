/* audit - the audit trail */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "example_store.h"
#include "log.h"
#include "safe_text.h"
#include "utf8.h"

static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static int audit_fd = -1;
static __thread char audit_error[512];

/* audit_open_fd - open for appending, created 0640 */
static int
audit_open_fd(const char *path, const char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0) {
		snprintf(audit_error, sizeof(audit_error), "%s: cannot open audit file: %s",
		    path, strerror(errno));
		*error_r = audit_error;
	}
	return fd;
}

/* audit_open - first open */
int
audit_open(const char *path, const char **error_r)
{
	return audit_reopen(path, error_r);
}

/* audit_reopen - swap in a freshly opened file */
int
audit_reopen(const char *path, const char **error_r)
{
	int fd = -1, old;

	if (*path != '\0' && (fd = audit_open_fd(path, error_r)) < 0)
		return -1;
	pthread_mutex_lock(&audit_lock);
	old = audit_fd;
	audit_fd = fd;
	pthread_mutex_unlock(&audit_lock);
	if (old >= 0)
		close(old);
	return 0;
}

/* audit_close - stop writing */
void
audit_close(void)
{
	const char *unused;

	audit_reopen("", &unused);
}

/* audit_write - one record, one write */
int
audit_write(const struct strbuf *record)
{
	ssize_t n;
	int rc = 0, saved;

	pthread_mutex_lock(&audit_lock);
	if (audit_fd >= 0) {
		do
			n = write(audit_fd, record->data, record->len);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)record->len) {
			/*
			 * A short write on a regular file means full.  Cut the
			 * piece off again: the next record must start a line.
			 */
			if (n > 0) {
				off_t end = lseek(audit_fd, 0, SEEK_CUR);

				if (end >= n && ftruncate(audit_fd, end - n) == 0)
					n = 0;
			}
			if (n >= 0)
				errno = ENOSPC;
			rc = -1;
		}
	}
	saved = errno;
	pthread_mutex_unlock(&audit_lock);
	errno = saved;
	return rc;
}

/* json_key_str - ,"key":"value" */
static void
json_key_str(struct strbuf *sb, const char *key, const char *value, size_t len)
{
	strbuf_appendf(sb, ",\"%s\":", key);
	strbuf_append_json(sb, value != NULL ? value : "", value != NULL ? len : 0);
}

/* json_key_cstr - ,"key":"value" for a C string */
static void
json_key_cstr(struct strbuf *sb, const char *key, const char *value)
{
	json_key_str(sb, key, value, value != NULL ? strlen(value) : 0);
}

/* append_time - RFC 3339 UTC with microseconds */
static void
append_time(struct strbuf *sb)
{
	struct timeval tv;
	struct tm tm;
	char buf[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_appendf(sb, "\"%s.%06ldZ\"", buf, (long)tv.tv_usec);
}

/* header_value - a decoded top-level header, "" when absent */
static const char *
header_value(const struct scan_result *res, const char *name, size_t *len_r)
{
	const char *v = msg_text_header_find(res->text, name, len_r);

	if (v == NULL) {
		*len_r = 0;
		return "";
	}
	return v;
}

/* audit_record_build - the JSON record of one message */
void
audit_record_build(struct strbuf *out, const struct scan_result *sr, const struct audit_event *ev)
{
	const struct conf *c = sr->conf;
	const struct classify_result *res = sr->classify;
	const char *v, *ex;
	size_t len, i;
	int k;

	strbuf_reset(out);
	strbuf_append_str(out, "{\"time\":");
	append_time(out);
	json_key_cstr(out, "instance", c->instance);
	json_key_cstr(out, "queue_id", ev->queue_id);
	json_key_cstr(out, "client", ev->client);
	/* The MTA that holds the message: its release command differs. */
	json_key_cstr(out, "mta", ev->mta != NULL ? ev->mta : "");
	json_key_cstr(out, "mail_from", sr->mail_from);
	/* Exactly as the MTA gave it, for the sender the canonical form cannot show. */
	json_key_cstr(out, "mail_from_raw", sr->mail_from_raw);
	v = header_value(sr, "From", &len);
	json_key_str(out, "header_from", v, utf8_cap(v, len, 500));
	v = header_value(sr, "Message-ID", &len);
	json_key_str(out, "message_id", v, utf8_cap(v, len, 500));
	v = header_value(sr, "Subject", &len);
	if (c->audit_redact_subject)
		json_key_cstr(out, "subject", len > 0 ? "[redacted]" : "");
	else
		json_key_str(out, "subject", v, utf8_cap(v, len, c->audit_subject_max));
	strbuf_appendf(out, ",\"size\":%zu", sr->size);
	if (sr->vendor) {
		strbuf_appendf(out, ",\"class\":\"%s\",\"scores\":{", csp_class_name(res->class));
		for (k = 0; k < CLASS_RULED; k++)
			strbuf_appendf(out, "%s\"%s\":%ld", k ? "," : "",
			    csp_class_name((enum csp_class)k), res->score[k]);
		strbuf_appendf(out, "},\"uncertain\":%s", res->uncertain ? "true" : "false");
		json_key_str(out, "uncertain_reason", res->reason.data, res->reason.len);
	} else
		strbuf_append_str(out, ",\"class\":\"\",\"scores\":{},\"uncertain\":false,\"uncertain_reason\":\"\"");
	strbuf_append_str(out, ",\"rules\":[");
	for (i = 0; sr->vendor && i < res->match_count; i++) {
		const struct classify_match *m = &res->matches[i];
		const struct rule_spec *spec = rule_set_spec(c->rules, m->rule);

		strbuf_append_str(out, i ? ",{\"id\":" : "{\"id\":");
		strbuf_append_json(out, spec->id, strlen(spec->id));
		strbuf_appendf(out, ",\"class\":\"%s\",\"target\":\"%s\",\"view\":\"%s\",\"counted\":%s",
		    csp_class_name((enum csp_class)spec->class_index), rule_target_name(m->target),
		    rule_view_name(m->view), m->counted ? "true" : "false");
		ex = classify_excerpt(res, m, &len);
		json_key_str(out, "excerpt", ex, len);
		strbuf_append_char(out, '}');
	}
	strbuf_append_str(out, "]");
	/* Template memory: present only when an example matched. */
	if (sr->vendor && res->example_count > 0) {
		strbuf_append_str(out, ",\"examples\":[");
		for (i = 0; i < res->example_count; i++) {
			const struct classify_example *e = &res->examples[i];
			struct example_info info;

			example_index_info(res->examples_index, e->slot, &info);
			strbuf_appendf(out, "%s{\"id\":%lld,\"class\":\"%s\",\"similarity\":%.2f,"
			    "\"points\":%ld", i ? "," : "", e->id, csp_class_name(e->class),
			    e->similarity, e->points);
			json_key_cstr(out, "taught_by", info.taught_by);
			json_key_cstr(out, "taught_at", info.taught_at);
			strbuf_append_char(out, '}');
		}
		strbuf_append_str(out, "]");
	}
	strbuf_append_str(out, ",\"recipients\":[");
	for (i = 0; i < sr->rcpt_count; i++) {
		const struct scan_recipient *r = &sr->rcpts[i];

		strbuf_append_str(out, i ? ",{\"rcpt\":" : "{\"rcpt\":");
		strbuf_append_json(out, r->rcpt, strlen(r->rcpt));
		json_key_cstr(out, "customer", r->cust ? r->cust->customer_id : "");
		json_key_cstr(out, "partner", r->cust ? r->cust->partner : "");
		json_key_cstr(out, "decision", sr->vendor ? decision_name(r->decision) : "untouched");
		strbuf_append_char(out, '}');
	}
	strbuf_append_str(out, "]");
	json_key_cstr(out, "action", ev->action);
	json_key_cstr(out, "mode", c->monitor ? "monitor" : "enforce");
	json_key_cstr(out, "config_version", c->version);
	strbuf_appendf(out, ",\"elapsed_us\":%ld}\n", ev->elapsed_us);
}

/* summary_addr - an address as one log field: <canonical>, or <raw> if it has none */
static void
summary_addr(struct strbuf *out, const char *canon, const char *raw)
{
	const char *a = canon != NULL && *canon != '\0' ? canon : raw != NULL ? raw : "";
	size_t len = strlen(a);

	/* The MTA's own brackets are dropped, so that one pair surrounds every address. */
	if (a == raw && len >= 2 && a[0] == '<' && a[len - 1] == '>') {
		a++;
		len -= 2;
	}
	strbuf_append_char(out, '<');
	safe_text_log_word(out, a, len);
	strbuf_append_char(out, '>');
}

/*
 * audit_summary - one greppable line in Postfix's style.  Addresses come
 * from senders: each is written with safe_text_log_word, so that none can
 * add a field (a local part such as "x class=incident"@...) or a line.
 */
void
audit_summary(struct strbuf *out, const struct scan_result *sr, const struct audit_event *ev)
{
	const struct classify_result *res = sr->classify;
	const char *qid = ev->queue_id && *ev->queue_id ? ev->queue_id : "NOQUEUE";
	size_t i;

	strbuf_reset(out);
	safe_text_log_word(out, qid, strlen(qid));
	strbuf_appendf(out, ": csp-milter: class=%s action=%s%s from=",
	    sr->vendor ? csp_class_name(res->class) : "none", ev->action,
	    sr->vendor && res->uncertain ? " uncertain=yes" : "");
	summary_addr(out, sr->mail_from, sr->mail_from_raw);
	strbuf_append_str(out, " rcpt=");
	for (i = 0; i < sr->rcpt_count && i < 20; i++) {
		if (i > 0)
			strbuf_append_char(out, ',');
		summary_addr(out, sr->rcpts[i].canon, sr->rcpts[i].rcpt);
	}
	if (sr->rcpt_count > 20)
		strbuf_appendf(out, ",...(%zu)", sr->rcpt_count);
	strbuf_append_str(out, " rule=");
	for (i = 0; sr->vendor && i < res->match_count && i < 10; i++)
		strbuf_appendf(out, "%s%s", i ? "," : "", rule_set_spec(sr->conf->rules, res->matches[i].rule)->id);
	if (i == 0)
		strbuf_append_char(out, '-');
	for (i = 0; sr->vendor && i < res->example_count; i++)
		strbuf_appendf(out, "%s%lld", i ? "," : " example=", res->examples[i].id);
}

/* audit_message - record one message: the audit line, then its syslog lines */
int
audit_message(const struct scan_result *res, const struct audit_event *ev, struct strbuf *scratch)
{
	const struct conf *c = res->conf;
	int rc;

	audit_record_build(scratch, res, ev);
	rc = audit_write(scratch);
	if (rc < 0)
		log_warn(ev->queue_id, "audit write to %s failed", c->audit_file);
	if (c->audit_syslog_json) {
		strbuf_truncate(scratch, scratch->len - 1);	/* no newline in syslog */
		log_raw(LOG_INFO, scratch->data);
	}
	audit_summary(scratch, res, ev);
	log_raw(LOG_INFO, scratch->data);
	return rc;
}

/* audit_mta_name - which MTA, from its macro v */
const char *
audit_mta_name(const char *v)
{
	if (v != NULL && strncasecmp(v, "Postfix", 7) == 0)
		return "postfix";
	return v != NULL && *v >= '0' && *v <= '9' ? "sendmail" : "";
}
