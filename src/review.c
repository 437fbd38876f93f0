/* review - held mail shown, and released, rerouted, taught or left */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "conf.h"
#include "review.h"
#include "run_cmd.h"
#include "safe_text.h"
#include "scan.h"
#include "utf8.h"
#include "xalloc.h"

/* The excerpt: at most this many bytes and lines of the visible text. */
#define REVIEW_EXCERPT_BYTES	600
#define REVIEW_EXCERPT_LINES	8

struct review {
	struct review_opts opts;
	struct conf *conf;
	struct mta_queue *queue;
	struct scan *scan;
	char *by;
	char *milter;		/* csp-milter, for --learn */
	struct strbuf scratch;
};

/* review_find_milter - --milter, $CSP_MILTER, beside this program, ../sbin, or PATH */
static char *
review_find_milter(const struct review_opts *o)
{
	const char *env = getenv("CSP_MILTER");
	static const char *const beside[] = { "/csp-milter", "/../sbin/csp-milter" };
	char self[PATH_MAX], *slash;
	struct strbuf sb = STRBUF_INIT;
	ssize_t n;
	size_t i;

	if (o->milter != NULL && *o->milter != '\0')
		return xstrdup(o->milter);
	if (env != NULL && *env != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
			strbuf_reset(&sb);
			strbuf_appendf(&sb, "%s%s", self, beside[i]);
			if (access(sb.data, X_OK) == 0)
				return strbuf_detach(&sb, NULL);
		}
	}
	strbuf_release(&sb);
	return xstrdup("csp-milter");
}

/* review_new - config, audit file, queue */
struct review *
review_new(const struct review_opts *opts, const char **error_r)
{
	static __thread char why[1024];
	struct review *rv;
	struct conf *conf;
	const char *err;

	if ((conf = conf_load(opts->conf_path, NULL, &err)) == NULL) {
		*error_r = err;
		return NULL;
	}
	if (*conf->audit_file == '\0') {
		snprintf(why, sizeof(why), "%s: no audit_file: the review records every choice "
		    "there, and reads the milter's records from it", opts->conf_path);
		*error_r = why;
		conf_unref(&conf);
		return NULL;
	}
	if (audit_open(conf->audit_file, &err) < 0) {
		snprintf(why, sizeof(why), "%s", err);
		*error_r = why;
		conf_unref(&conf);
		return NULL;
	}
	rv = xcalloc(1, sizeof(*rv));
	rv->opts = *opts;
	rv->conf = conf;
	rv->queue = opts->sendmail_queue != NULL ?
	    mta_queue_sendmail_new(opts->sendmail_queue, opts->sendmail_cmd) :
	    mta_queue_postfix_new(opts->postfix_config, opts->sendmail_cmd);
	rv->scan = scan_new();
	rv->by = review_record_who(opts->by);
	rv->milter = review_find_milter(opts);
	strbuf_init(&rv->scratch, 1024);
	return rv;
}

/* review_free - everything the session holds */
void
review_free(struct review **rvp)
{
	struct review *rv = *rvp;

	if (rv == NULL)
		return;
	audit_close();
	scan_free(&rv->scan);
	conf_unref(&rv->conf);
	mta_queue_free(&rv->queue);
	free(rv->by);
	free(rv->milter);
	strbuf_release(&rv->scratch);
	free(rv);
	*rvp = NULL;
}

/* review_by - the reviewer */
const char *
review_by(const struct review *rv)
{
	return rv->by;
}

/* review_mta_status - the exit status for a failed MTA command */
static int
review_mta_status(const struct review *rv)
{
	return mta_queue_temporary(rv->queue) ? REVIEW_EX_TEMPFAIL : REVIEW_EX_UNAVAILABLE;
}

/* review_list - the held messages and the milter's records of them */
int
review_list(struct review *rv, struct mta_held **held, size_t *n, json_t ***records)
{
	const char *err;
	char **ids;
	size_t i;

	if (mta_queue_list(rv->queue, held, n, &err) < 0) {
		fprintf(stderr, "csp-milter-audit: %s\n", err);
		return review_mta_status(rv);
	}
	*records = xcalloc(*n + 1, sizeof(**records));
	ids = xcalloc(*n + 1, sizeof(*ids));
	for (i = 0; i < *n; i++)
		ids[i] = (*held)[i].queue_id;
	if (review_records_find(rv->conf->audit_file, ids, *n, *records, &err) < 0)
		fprintf(stderr, "csp-milter-audit: %s: %s (no audit records shown)\n",
		    rv->conf->audit_file, err);
	free(ids);
	return REVIEW_OK;
}

/* review_item_excerpt - the first lines of the visible text, each made safe */
static void
review_item_excerpt(struct strbuf *out, const struct msg_text *mt)
{
	const char *body, *p, *end, *nl;
	size_t len, lines = 0;

	strbuf_reset(out);
	body = msg_text_body(mt, &len);
	if (body == NULL)
		return;
	len = utf8_cap(body, len, REVIEW_EXCERPT_BYTES);
	for (p = body, end = body + len; p < end && lines < REVIEW_EXCERPT_LINES; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl == p)
			continue;
		strbuf_append_str(out, "    | ");
		safe_text_terminal(out, p, (size_t)(nl - p));
		strbuf_append_char(out, '\n');
		lines++;
	}
}

/* review_item_header - one decoded header line for the display */
static void
review_item_header(struct strbuf *out, const struct msg_text *mt, const char *name,
    const char *label)
{
	const char *v;
	size_t len;

	v = msg_text_header_find(mt, name, &len);
	strbuf_appendf(out, "  %-12s", label);
	if (v != NULL)
		safe_text_terminal(out, v, utf8_cap(v, len, 300));
	strbuf_append_char(out, '\n');
}

/* review_item_load - read, decode and look up one held message */
int
review_item_load(struct review *rv, struct review_item *it, struct mta_held *h, json_t *record,
    int look_up)
{
	const struct scan_result *res;
	struct audit_event ev = { 0 };
	const char *err;
	size_t i;

	memset(it, 0, sizeof(*it));
	it->held = *h;
	memset(h, 0, sizeof(*h));
	strbuf_init(&it->bytes, 4096);
	if (mta_queue_read(rv->queue, it->held.queue_id, &it->bytes, &err) < 0) {
		fprintf(stderr, "csp-milter-audit: %s: %s\n", it->held.queue_id, err);
		return review_mta_status(rv);
	}
	if (record != NULL)
		it->record = json_incref(record);
	else if (look_up && review_records_find(rv->conf->audit_file, &it->held.queue_id, 1,
	    &it->record, &err) < 0)
		fprintf(stderr, "csp-milter-audit: %s: %s (no audit record shown)\n",
		    rv->conf->audit_file, err);
	/* The project's decoder, as csp-milter --classify reads a file. */
	scan_begin(rv->scan, rv->conf);
	strbuf_reset(&rv->scratch);
	strbuf_appendf(&rv->scratch, "<%s>", it->held.sender);
	scan_set_sender(rv->scan, rv->scratch.data);
	for (i = 0; i < it->held.nrcpts; i++) {
		strbuf_reset(&rv->scratch);
		strbuf_appendf(&rv->scratch, "<%s>", it->held.rcpts[i]);
		scan_add_rcpt(rv->scan, rv->scratch.data);
	}
	scan_raw(rv->scan, it->bytes.data != NULL ? it->bytes.data : "", it->bytes.len);
	/* Held mail was vendor mail when the milter held it. */
	scan_decide(rv->scan, 1);
	res = scan_result(rv->scan);
	it->nrcpts = res->rcpt_count < it->held.nrcpts ? res->rcpt_count : it->held.nrcpts;
	it->rcpts = xcalloc(it->nrcpts + 1, sizeof(*it->rcpts));
	for (i = 0; i < it->nrcpts; i++) {
		it->rcpts[i].rcpt = it->held.rcpts[i];
		it->rcpts[i].cust = res->rcpts[i].cust;
		it->rcpts[i].decision = DECISION_QUARANTINE;
	}
	strbuf_init(&it->excerpt, 256);
	review_item_excerpt(&it->excerpt, res->text);
	strbuf_init(&it->headers, 256);
	review_item_header(&it->headers, res->text, "Subject", "subject");
	review_item_header(&it->headers, res->text, "From", "from");
	if (it->record != NULL) {
		it->base = json_incref(it->record);
		return REVIEW_OK;
	}
	ev.queue_id = it->held.queue_id;
	ev.client = "";
	ev.action = "quarantine";
	ev.mta = mta_queue_mta(rv->queue);
	audit_record_build(&rv->scratch, res, &ev);
	it->base = json_loadb(rv->scratch.data, rv->scratch.len, 0, NULL);
	return REVIEW_OK;
}

/* review_item_find - one held message by queue ID */
int
review_item_find(struct review *rv, struct review_item *it, const char *queue_id)
{
	struct mta_held h;
	const char *err;
	int rc;

	memset(it, 0, sizeof(*it));
	rc = mta_queue_find(rv->queue, queue_id, &h, &err);
	if (rc < 0) {
		fprintf(stderr, "csp-milter-audit: %s\n", err);
		return review_mta_status(rv);
	}
	if (rc == 0) {
		fprintf(stderr, "csp-milter-audit: %s: no such message in the %s hold queue\n",
		    queue_id, mta_queue_mta(rv->queue));
		return REVIEW_EX_UNAVAILABLE;
	}
	return review_item_load(rv, it, &h, NULL, 1);
}

/* review_item_held - is it still in the hold queue? */
int
review_item_held(struct review *rv, const struct review_item *it)
{
	struct mta_held h;
	const char *err;
	int rc = mta_queue_find(rv->queue, it->held.queue_id, &h, &err);

	mta_queue_held_release(&h);
	return rc;
}

/* review_item_release - free one item */
void
review_item_release(struct review_item *it)
{
	mta_queue_held_release(&it->held);
	strbuf_release(&it->bytes);
	strbuf_release(&it->excerpt);
	strbuf_release(&it->headers);
	json_decref(it->record);
	json_decref(it->base);
	free(it->rcpts);
	memset(it, 0, sizeof(*it));
}

/* review_show_str - a JSON string field of the record, made safe */
static void
review_show_str(struct strbuf *out, const json_t *rec, const char *key)
{
	const char *v = json_string_value(json_object_get(rec, key));

	if (v != NULL)
		safe_text_terminal(out, v, utf8_cap(v, strlen(v), 300));
}

/* review_show_extra - the record's model features or example matches, when it has them */
static void
review_show_extra(struct strbuf *out, const json_t *rec, const char *key)
{
	const json_t *v = json_object_get(rec, key);
	char *text;

	if (v == NULL || json_is_null(v))
		return;
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text == NULL)
		return;
	strbuf_appendf(out, "  %-12s", key);
	safe_text_terminal(out, text, utf8_cap(text, strlen(text), 600));
	strbuf_append_char(out, '\n');
	free(text);
}

/* review_show_decision - class, scores and rules of the record (or rescan) */
static void
review_show_decision(struct strbuf *out, const json_t *rec)
{
	const json_t *scores = json_object_get(rec, "scores"), *rules = json_object_get(rec, "rules");
	const json_t *v, *r;
	const char *key;
	size_t i;

	strbuf_append_str(out, "  class       ");
	review_show_str(out, rec, "class");
	if (json_is_true(json_object_get(rec, "uncertain"))) {
		strbuf_append_str(out, " (uncertain: ");
		review_show_str(out, rec, "uncertain_reason");
		strbuf_append_char(out, ')');
	}
	strbuf_append_str(out, "\n  scores     ");
	json_object_foreach((json_t *)scores, key, v) {
		strbuf_append_char(out, ' ');
		safe_text_terminal(out, key, strlen(key));
		strbuf_appendf(out, "=%lld", (long long)json_integer_value(v));
	}
	strbuf_append_char(out, '\n');
	if (json_array_size(rules) == 0)
		strbuf_append_str(out, "  rules       none matched\n");
	json_array_foreach((json_t *)rules, i, r) {
		strbuf_append_str(out, "  rule        ");
		review_show_str(out, r, "id");
		strbuf_append_str(out, " (");
		review_show_str(out, r, "class");
		strbuf_append_str(out, ", ");
		review_show_str(out, r, "target");
		strbuf_append_str(out, ", ");
		review_show_str(out, r, "view");
		strbuf_append_str(out, " view");
		if (json_is_false(json_object_get(r, "counted")))
			strbuf_append_str(out, ", not counted");
		strbuf_append_str(out, "): \"");
		review_show_str(out, r, "excerpt");
		strbuf_append_str(out, "\"\n");
	}
	review_show_extra(out, rec, "model");
	review_show_extra(out, rec, "examples");
}

/* review_item_show - the message as the reviewer sees it */
void
review_item_show(struct review *rv, const struct review_item *it, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	char when[64];
	time_t t = (time_t)it->held.arrival;
	struct tm tm;
	size_t i;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	strbuf_append_str(&sb, "  queue ID    ");
	safe_text_terminal(&sb, it->held.queue_id, strlen(it->held.queue_id));
	strbuf_appendf(&sb, "\n  arrived     %s\n  sender      <", when);
	safe_text_terminal(&sb, it->held.sender, strlen(it->held.sender));
	strbuf_append_str(&sb, ">\n");
	for (i = 0; i < it->nrcpts; i++) {
		const struct customer *c = it->rcpts[i].cust;

		strbuf_append_str(&sb, i == 0 ? "  recipient   <" : "              <");
		safe_text_terminal(&sb, it->rcpts[i].rcpt, strlen(it->rcpts[i].rcpt));
		strbuf_append_char(&sb, '>');
		if (c == NULL)
			strbuf_append_str(&sb, " not a customer\n");
		else {
			strbuf_append_str(&sb, " customer ");
			safe_text_terminal(&sb, c->customer_id, strlen(c->customer_id));
			strbuf_appendf(&sb, " (%s)", rcpt_kind_name(policy_kind(c)));
			if (*c->partner != '\0') {
				strbuf_append_str(&sb, ", partner <");
				safe_text_terminal(&sb, c->partner, strlen(c->partner));
				strbuf_append_char(&sb, '>');
			}
			strbuf_append_char(&sb, '\n');
		}
	}
	strbuf_append(&sb, it->headers.data, it->headers.len);
	if (it->record != NULL) {
		strbuf_append_str(&sb, "  record      ");
		review_show_str(&sb, it->record, "time");
		strbuf_append_str(&sb, ", action ");
		review_show_str(&sb, it->record, "action");
		strbuf_append_str(&sb, ", mode ");
		review_show_str(&sb, it->record, "mode");
		strbuf_append_char(&sb, '\n');
	} else {
		strbuf_append_str(&sb, "  record      NONE: no record of this queue ID in ");
		safe_text_terminal(&sb, rv->conf->audit_file, strlen(rv->conf->audit_file));
		strbuf_append_str(&sb, ";\n              class, scores and rules below are from "
		    "decoding the held message again\n");
	}
	if (it->base != NULL)
		review_show_decision(&sb, it->base);
	strbuf_append_str(&sb, "  excerpt\n");
	strbuf_append(&sb, it->excerpt.data, it->excerpt.len);
	fputs(sb.data, out);
	strbuf_release(&sb);
}

/* review_plan_release - free a plan's targets */
void
review_plan_release(struct review_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ntargets; i++)
		free(plan->targets[i]);
	free(plan->targets);
	plan->targets = NULL;
	plan->ntargets = 0;
}

/* review_plan_add - a target, once (addresses compare without case) */
static void
review_plan_add(struct review_plan *plan, const char *addr)
{
	size_t i;

	for (i = 0; i < plan->ntargets; i++)
		if (strcasecmp(plan->targets[i], addr) == 0)
			return;
	plan->targets = xreallocarray(plan->targets, plan->ntargets + 1, sizeof(*plan->targets));
	plan->targets[plan->ntargets++] = xstrdup(addr);
}

/* review_plan_targets - partners of the rerouted, the others as they are */
static int
review_plan_targets(struct review_rcpt *rcpts, size_t n, struct review_plan *plan)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (rcpts[i].decision != DECISION_REROUTE)
			continue;
		if (rcpts[i].cust == NULL || *rcpts[i].cust->partner == '\0') {
			plan->why = "has no partner in the customer directory";
			plan->why_rcpt = i;
			review_plan_release(plan);
			return -1;
		}
		review_plan_add(plan, rcpts[i].cust->partner);
	}
	for (i = 0; i < n; i++)
		if (rcpts[i].decision != DECISION_REROUTE)
			review_plan_add(plan, rcpts[i].rcpt);
	return 0;
}

/* review_plan_reroute - every CSP customer to its partner */
int
review_plan_reroute(struct review_rcpt *rcpts, size_t n, struct review_plan *plan)
{
	size_t i, csp = 0;

	memset(plan, 0, sizeof(*plan));
	plan->outcome = REVIEW_REROUTE;
	for (i = 0; i < n; i++) {
		rcpts[i].decision = rcpts[i].cust != NULL && rcpts[i].cust->csp ?
		    DECISION_REROUTE : DECISION_DELIVER;
		csp += rcpts[i].decision == DECISION_REROUTE;
	}
	if (csp == 0) {
		plan->why = "no recipient is a CSP customer: nothing to reroute";
		plan->why_rcpt = SIZE_MAX;
		return -1;
	}
	return review_plan_targets(rcpts, n, plan);
}

/* review_plan_teach - what the taught class's policy wants */
void
review_plan_teach(const struct policy_table *table, enum csp_class cls,
    struct review_rcpt *rcpts, size_t n, struct review_plan *plan)
{
	size_t i;
	int reroute = 0;

	memset(plan, 0, sizeof(*plan));
	plan->outcome = REVIEW_RELEASE;
	for (i = 0; i < n; i++) {
		rcpts[i].decision = policy_decide(table, cls, 0, rcpts[i].cust);
		/* Tagging needs the milter's headers: released as it is, it is delivered. */
		if (rcpts[i].decision == DECISION_TAG)
			rcpts[i].decision = DECISION_DELIVER;
		if (rcpts[i].decision >= DECISION_QUARANTINE && plan->outcome != REVIEW_HOLD) {
			plan->outcome = REVIEW_HOLD;
			plan->why = rcpts[i].decision == DECISION_REJECT ?
			    "would be rejected" : "is held";
			plan->why_rcpt = i;
		}
		reroute |= rcpts[i].decision == DECISION_REROUTE;
	}
	if (plan->outcome == REVIEW_HOLD) {
		for (i = 0; i < n; i++)
			rcpts[i].decision = DECISION_QUARANTINE;
		return;
	}
	if (reroute && review_plan_targets(rcpts, n, plan) == 0)
		plan->outcome = REVIEW_REROUTE;
	else if (reroute) {
		plan->outcome = REVIEW_HOLD;
		for (i = 0; i < n; i++)
			rcpts[i].decision = DECISION_QUARANTINE;
	}
}

/* review_write - the record of one choice; 0 or REVIEW_EX_TEMPFAIL */
static int
review_write(struct review *rv, struct review_item *it, const char *choice, const char *taught,
    const char *action, const struct review_plan *plan, const char *note)
{
	struct review_event ev = { 0 };

	ev.choice = choice;
	ev.by = rv->by;
	ev.taught_class = taught;
	ev.action = action;
	ev.queue_id = it->held.queue_id;
	ev.mta = mta_queue_mta(rv->queue);
	ev.instance = rv->conf->instance;
	ev.config_version = rv->conf->version;
	ev.sender = it->held.sender;
	ev.size = it->held.size;
	ev.record_found = it->record != NULL;
	ev.rcpts = it->rcpts;
	ev.nrcpts = it->nrcpts;
	ev.reinjected = plan != NULL ? plan->targets : NULL;
	ev.nreinjected = plan != NULL ? plan->ntargets : 0;
	ev.note = note;
	review_record_build(&rv->scratch, it->base, &ev);
	if (audit_write(&rv->scratch) < 0) {
		fprintf(stderr, "csp-milter-audit: %s: the review record of %s could not be "
		    "written: %s\n", rv->conf->audit_file, it->held.queue_id, strerror(errno));
		return REVIEW_EX_TEMPFAIL;
	}
	return REVIEW_OK;
}

/* review_do_release - release as it is, and record it */
static int
review_do_release(struct review *rv, struct review_item *it, const char *choice,
    const char *taught, FILE *out)
{
	const char *err;
	size_t i;

	if (mta_queue_release(rv->queue, it->held.queue_id, &err) < 0) {
		fprintf(stderr, "csp-milter-audit: %s: not released: %s\n", it->held.queue_id, err);
		return review_mta_status(rv);
	}
	for (i = 0; i < it->nrcpts; i++)
		it->rcpts[i].decision = DECISION_DELIVER;
	fprintf(out, "%s: released\n", it->held.queue_id);
	return review_write(rv, it, choice, taught, "deliver", NULL, "");
}

/* review_do_reroute - re-inject to the plan's targets, then delete the held copy */
static int
review_do_reroute(struct review *rv, struct review_item *it, const char *choice,
    const char *taught, struct review_plan *plan, FILE *out)
{
	struct strbuf note = STRBUF_INIT;
	const char *err;
	size_t i;
	int rc, status;

	if (mta_queue_reinject(rv->queue, it->held.sender, plan->targets, plan->ntargets,
	    it->bytes.data != NULL ? it->bytes.data : "", it->bytes.len, &err) < 0) {
		fprintf(stderr, "csp-milter-audit: %s: not rerouted (still held): %s\n",
		    it->held.queue_id, err);
		return review_mta_status(rv);
	}
	fprintf(out, "%s: rerouted to", it->held.queue_id);
	for (i = 0; i < plan->ntargets; i++)
		fprintf(out, " <%s>", plan->targets[i]);
	fputc('\n', out);
	/* Deleted only now that the MTA has taken the copy: nothing is lost. */
	rc = mta_queue_delete(rv->queue, it->held.queue_id, &err);
	if (rc < 0) {
		fprintf(stderr, "csp-milter-audit: %s: re-injected, but the held copy could not be "
		    "deleted (delete it by hand, or it is delivered twice when released): %s\n",
		    it->held.queue_id, err);
		strbuf_appendf(&note, "re-injected, held copy not deleted: %s", err);
	}
	status = review_write(rv, it, choice, taught, "reroute", plan, note.data != NULL ? note.data : "");
	strbuf_release(&note);
	return rc < 0 ? review_mta_status(rv) : status;
}

/* review_release - [r]elease as it is */
int
review_release(struct review *rv, struct review_item *it, FILE *out)
{
	return review_do_release(rv, it, "release", "", out);
}

/* review_reroute - re[R]oute the CSP customers' copies to their partners */
int
review_reroute(struct review *rv, struct review_item *it, FILE *out)
{
	struct review_plan plan;
	size_t i;
	int rc;

	if (review_plan_reroute(it->rcpts, it->nrcpts, &plan) < 0) {
		strbuf_reset(&rv->scratch);
		if (plan.why_rcpt < it->nrcpts) {
			strbuf_append_char(&rv->scratch, '<');
			safe_text_terminal(&rv->scratch, it->rcpts[plan.why_rcpt].rcpt,
			    strlen(it->rcpts[plan.why_rcpt].rcpt));
			strbuf_append_str(&rv->scratch, "> ");
		}
		fprintf(stderr, "csp-milter-audit: %s: cannot reroute: %s%s; it stays held\n",
		    it->held.queue_id, rv->scratch.len > 0 ? rv->scratch.data : "", plan.why);
		for (i = 0; i < it->nrcpts; i++)
			it->rcpts[i].decision = DECISION_QUARANTINE;
		return REVIEW_EX_DATAERR;
	}
	rc = review_do_reroute(rv, it, "reroute", "", &plan, out);
	review_plan_release(&plan);
	return rc;
}

/* review_learn - run csp-milter --learn with the held message on stdin */
static int
review_learn(struct review *rv, struct review_item *it, enum csp_class cls)
{
	struct strbuf note = STRBUF_INIT;
	struct run_cmd run = { .in = it->bytes.data != NULL ? it->bytes.data : "",
	    .in_len = it->bytes.len };
	char *argv[12];
	int rc;

	strbuf_appendf(&note, "review of %s", it->held.queue_id);
	argv[0] = rv->milter;
	argv[1] = "-c";
	argv[2] = (char *)rv->opts.conf_path;
	argv[3] = "--learn";
	argv[4] = (char *)csp_class_name(cls);
	argv[5] = "--by";
	argv[6] = rv->by;
	argv[7] = "--note";
	argv[8] = note.data;
	argv[9] = "-";
	argv[10] = NULL;
	rc = run_cmd(&run, argv);
	if (rc < 0 || run.status != 0) {
		fprintf(stderr, "csp-milter-audit: %s: not taught (the message is unchanged): "
		    "%s --learn %s exited %d: %s\n", it->held.queue_id, rv->milter,
		    csp_class_name(cls), run.status,
		    rc < 0 ? strerror(errno) : run.err.len > 0 ? run.err.data : "(no message)");
		rc = run.status == REVIEW_EX_TEMPFAIL ? REVIEW_EX_TEMPFAIL : REVIEW_EX_UNAVAILABLE;
	} else
		rc = REVIEW_OK;
	run_cmd_release(&run);
	strbuf_release(&note);
	return rc;
}

/* review_teach - [t]each the class, then its policy decides */
int
review_teach(struct review *rv, struct review_item *it, enum csp_class cls, FILE *out)
{
	struct review_plan plan;
	struct strbuf note = STRBUF_INIT;
	const char *name = csp_class_name(cls);
	int rc;

	if ((rc = review_learn(rv, it, cls)) != REVIEW_OK)
		return rc;
	fprintf(out, "%s: taught as %s\n", it->held.queue_id, name);
	review_plan_teach(&rv->conf->policy, cls, it->rcpts, it->nrcpts, &plan);
	switch (plan.outcome) {
	case REVIEW_RELEASE:
		rc = review_do_release(rv, it, "teach", name, out);
		break;
	case REVIEW_REROUTE:
		rc = review_do_reroute(rv, it, "teach", name, &plan, out);
		break;
	case REVIEW_HOLD:
		strbuf_appendf(&note, "stays held: the policy for %s: ", name);
		if (plan.why_rcpt < it->nrcpts)
			strbuf_appendf(&note, "<%s> ", it->rcpts[plan.why_rcpt].rcpt);
		strbuf_append_str(&note, plan.why);
		strbuf_reset(&rv->scratch);
		safe_text_terminal(&rv->scratch, note.data, note.len);
		fprintf(out, "%s: %s\n", it->held.queue_id, rv->scratch.data);
		rc = review_write(rv, it, "teach", name, "quarantine", NULL, note.data);
		break;
	}
	review_plan_release(&plan);
	strbuf_release(&note);
	return rc;
}

/* review_leave - [l]eave it held, and record that it was seen */
int
review_leave(struct review *rv, struct review_item *it, FILE *out)
{
	size_t i;

	for (i = 0; i < it->nrcpts; i++)
		it->rcpts[i].decision = DECISION_QUARANTINE;
	fprintf(out, "%s: left held\n", it->held.queue_id);
	return review_write(rv, it, "leave", "", "quarantine", NULL, "");
}
