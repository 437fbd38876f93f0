/* audit_record - one decoded line of the milter's audit log */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "strbuf.h"
#include "audit_time.h"
#include "audit_record.h"

struct audit_record_priv {
	json_t	*root;
	size_t	rules_cap;
	size_t	rcpts_cap;
	struct strbuf error;
};

/* The string-valued top-level keys and where they go. */
static const struct audit_record_key {
	const char *name;
	size_t	offset;
} audit_record_keys[] = {
	{ "instance", offsetof(struct audit_record, instance) },
	{ "queue_id", offsetof(struct audit_record, queue_id) },
	{ "client", offsetof(struct audit_record, client) },
	{ "mail_from", offsetof(struct audit_record, mail_from) },
	{ "header_from", offsetof(struct audit_record, header_from) },
	{ "message_id", offsetof(struct audit_record, message_id) },
	{ "subject", offsetof(struct audit_record, subject) },
	{ "class", offsetof(struct audit_record, class) },
	{ "mode", offsetof(struct audit_record, mode) },
	{ "uncertain_reason", offsetof(struct audit_record, uncertain_reason) },
};

/* audit_record_oom - allocation failure is not recoverable in a report */
static void
audit_record_oom(void)
{
	fprintf(stderr, "csp-milter-audit: out of memory\n");
	abort();
}

/* audit_record_new - create an empty record */
struct audit_record *
audit_record_new(void)
{
	struct audit_record *rec;
	struct audit_record_priv *p;

	if ((rec = calloc(1, sizeof(*rec))) == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		audit_record_oom();
	strbuf_init(&p->error, 0);
	rec->priv = p;
	return rec;
}

/* audit_record_free - release the record, clear the pointer */
void
audit_record_free(struct audit_record **recp)
{
	struct audit_record *rec = *recp;
	struct audit_record_priv *p;

	if (rec == NULL)
		return;
	p = rec->priv;
	if (p->root != NULL)
		json_decref(p->root);
	strbuf_release(&p->error);
	free(p);
	free(rec->rules);
	free(rec->rcpts);
	free(rec);
	*recp = NULL;
}

/* audit_record_json - the decoded document */
void *
audit_record_json(const struct audit_record *rec)
{
	return ((struct audit_record_priv *)rec->priv)->root;
}

/* audit_record_fail - format a reason into the record's error buffer */
static int
audit_record_fail(struct audit_record *rec, const char **error_r,
    const char *key, const char *problem)
{
	struct audit_record_priv *p = rec->priv;

	strbuf_reset(&p->error);
	strbuf_appendf(&p->error, "\"%s\": %s", key, problem);
	*error_r = p->error.data;
	return -1;
}

/*
 * audit_record_string - a string member of obj: 1 and *s_r set when it is
 * a string, 0 and "" when missing or null, -1 when of another type.
 */
static int
audit_record_string(json_t *obj, const char *key, const char **s_r)
{
	json_t *v = json_object_get(obj, key);

	*s_r = "";
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*s_r = json_string_value(v);
	return 1;
}

/* audit_record_rules - decode the "rules" array */
static int
audit_record_rules(struct audit_record *rec, json_t *arr, const char **error_r)
{
	struct audit_record_priv *p = rec->priv;
	size_t i, n = json_array_size(arr);
	json_t *v;

	if (n > p->rules_cap) {
		p->rules_cap = n < 8 ? 8 : n;
		if ((rec->rules = reallocarray(rec->rules, p->rules_cap,
		    sizeof(*rec->rules))) == NULL)
			audit_record_oom();
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_object(v))
			return audit_record_fail(rec, error_r,
			    "rules", "an entry is not an object");
		if (audit_record_string(v, "id", &rec->rules[i]) < 0)
			return audit_record_fail(rec, error_r,
			    "rules", "\"id\" is not a string");
	}
	rec->nrules = n;
	return 0;
}

/* audit_record_rcpts - decode the "recipients" array */
static int
audit_record_rcpts(struct audit_record *rec, json_t *arr, const char **error_r)
{
	struct audit_record_priv *p = rec->priv;
	size_t i, n = json_array_size(arr);
	struct audit_rcpt *r;
	json_t *v;

	if (n > p->rcpts_cap) {
		p->rcpts_cap = n < 8 ? 8 : n;
		if ((rec->rcpts = reallocarray(rec->rcpts, p->rcpts_cap,
		    sizeof(*rec->rcpts))) == NULL)
			audit_record_oom();
	}
	json_array_foreach(arr, i, v) {
		r = &rec->rcpts[i];
		if (!json_is_object(v))
			return audit_record_fail(rec, error_r,
			    "recipients", "an entry is not an object");
		if (audit_record_string(v, "rcpt", &r->rcpt) < 0)
			return audit_record_fail(rec, error_r,
			    "recipients", "\"rcpt\" is not a string");
		if (audit_record_string(v, "customer", &r->customer) < 0)
			return audit_record_fail(rec, error_r,
			    "recipients", "\"customer\" is not a string");
		if (audit_record_string(v, "partner", &r->partner) < 0)
			return audit_record_fail(rec, error_r,
			    "recipients", "\"partner\" is not a string");
		if (audit_record_string(v, "decision", &r->decision) < 0)
			return audit_record_fail(rec, error_r,
			    "recipients", "\"decision\" is not a string");
	}
	rec->nrcpts = n;
	return 0;
}

/* audit_record_parse - decode one line */
int
audit_record_parse(struct audit_record *rec, const char *line, size_t len,
    const char **error_r)
{
	struct audit_record_priv *p = rec->priv;
	const struct audit_record_key *k;
	json_error_t jerr;
	json_t *root, *v;
	size_t i;

	if (p->root != NULL) {
		json_decref(p->root);
		p->root = NULL;
	}
	rec->nrules = rec->nrcpts = 0;
	rec->uncertain = 0;
	rec->size = 0;
	if ((root = json_loadb(line, len, 0, &jerr)) == NULL) {
		strbuf_reset(&p->error);
		strbuf_appendf(&p->error, "invalid JSON at column %d: %s",
		    jerr.column, jerr.text);
		*error_r = p->error.data;
		return -1;
	}
	p->root = root;
	if (!json_is_object(root)) {
		*error_r = "not a JSON object";
		return -1;
	}
	for (i = 0; i < sizeof(audit_record_keys) / sizeof(audit_record_keys[0]); i++) {
		k = &audit_record_keys[i];
		if (audit_record_string(root, k->name,
		    (const char **)((char *)rec + k->offset)) < 0)
			return audit_record_fail(rec, error_r,
			    k->name, "not a string");
	}
	switch (audit_record_string(root, "time", &rec->time)) {
	case -1:
		return audit_record_fail(rec, error_r,
		    "time", "not a string");
	case 0:
		return audit_record_fail(rec, error_r,
		    "time", "missing");
	}
	if (audit_time_parse(rec->time, strlen(rec->time), &rec->time_us) < 0)
		return audit_record_fail(rec, error_r,
		    "time", "not an RFC 3339 time stamp");
	switch (audit_record_string(root, "action", &rec->action)) {
	case -1:
		return audit_record_fail(rec, error_r,
		    "action", "not a string");
	case 0:
		return audit_record_fail(rec, error_r,
		    "action", "missing");
	}
	if ((v = json_object_get(root, "uncertain")) != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return audit_record_fail(rec, error_r,
			    "uncertain", "not a boolean");
		rec->uncertain = json_is_true(v);
	}
	if ((v = json_object_get(root, "size")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v))
			return audit_record_fail(rec, error_r,
			    "size", "not an integer");
		rec->size = json_integer_value(v);
	}
	if ((v = json_object_get(root, "rules")) != NULL && !json_is_null(v)) {
		if (!json_is_array(v))
			return audit_record_fail(rec, error_r,
			    "rules", "not an array");
		if (audit_record_rules(rec, v, error_r) < 0)
			return -1;
	}
	if ((v = json_object_get(root, "recipients")) != NULL && !json_is_null(v)) {
		if (!json_is_array(v))
			return audit_record_fail(rec, error_r,
			    "recipients", "not an array");
		if (audit_record_rcpts(rec, v, error_r) < 0)
			return -1;
	}
	return 0;
}
