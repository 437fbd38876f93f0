/* report_record - one decoded line of the milter's audit log */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "strbuf.h"
#include "report_time.h"
#include "xalloc.h"
#include "report_record.h"

/*
 * jansson allocates every object, key and string of a document apart and
 * frees them one by one again; for a log line of twenty-odd keys that is
 * a good part of the decoding time.  Instead a record decodes into an
 * arena of its own, which the next decode resets as a whole.  jansson
 * takes its allocator process-wide, so the hooks below use the arena of
 * the calling thread while it is decoding, and malloc and free otherwise.
 * A document in an arena is never passed to json_decref().
 */
#define REPORT_RECORD_ARENA	(64 * 1024)
#define REPORT_RECORD_ALIGN	16

struct report_record_block {
	struct report_record_block *next;
	size_t	size, used;
	/* the memory follows, aligned */
};

struct report_record_arena {
	struct report_record_block *head;	/* the block in use */
	size_t	total;				/* of all blocks */
};

static __thread struct report_record_arena *report_record_arena_cur;
static pthread_once_t report_record_once = PTHREAD_ONCE_INIT;

struct report_record_priv {
	json_t	*root;				/* in the arena */
	struct report_record_arena arena;
	size_t	rules_cap;
	size_t	rcpts_cap;
	struct strbuf error;
};

/* The string-valued top-level keys and where they go. */
static const struct report_record_key {
	const char *name;
	size_t	offset;
} report_record_keys[] = {
	{ "instance", offsetof(struct report_record, instance) },
	{ "queue_id", offsetof(struct report_record, queue_id) },
	{ "client", offsetof(struct report_record, client) },
	{ "mta", offsetof(struct report_record, mta) },
	{ "mail_from", offsetof(struct report_record, mail_from) },
	{ "header_from", offsetof(struct report_record, header_from) },
	{ "message_id", offsetof(struct report_record, message_id) },
	{ "subject", offsetof(struct report_record, subject) },
	{ "class", offsetof(struct report_record, class) },
	{ "mode", offsetof(struct report_record, mode) },
	{ "config_version", offsetof(struct report_record, config_version) },
	{ "uncertain_reason", offsetof(struct report_record, uncertain_reason) },
};

#define REPORT_RECORD_HDR \
	((sizeof(struct report_record_block) + REPORT_RECORD_ALIGN - 1) & \
	~(size_t)(REPORT_RECORD_ALIGN - 1))

/* report_record_block_new - a block with room for at least size bytes */
static struct report_record_block *
report_record_block_new(size_t size, struct report_record_block *next)
{
	struct report_record_block *b;

	if (size < REPORT_RECORD_ARENA)
		size = REPORT_RECORD_ARENA;
	b = xmalloc(REPORT_RECORD_HDR + size);
	b->next = next;
	b->size = size;
	b->used = 0;
	return b;
}

/* report_record_arena_alloc - n bytes from the arena */
static void *
report_record_arena_alloc(struct report_record_arena *a, size_t n)
{
	struct report_record_block *b = a->head;
	void *p;

	n = (n + REPORT_RECORD_ALIGN - 1) & ~(size_t)(REPORT_RECORD_ALIGN - 1);
	if (b == NULL || b->size - b->used < n) {
		b = a->head = report_record_block_new(n, b);
		a->total += b->size;
	}
	p = (char *)b + REPORT_RECORD_HDR + b->used;
	b->used += n;
	return p;
}

/* report_record_arena_release - free every block */
static void
report_record_arena_release(struct report_record_arena *a)
{
	struct report_record_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

/* report_record_arena_reset - drop all; keep one block as big as all were */
static void
report_record_arena_reset(struct report_record_arena *a)
{
	size_t total = a->total;

	if (a->head != NULL && a->head->next == NULL) {
		a->head->used = 0;
		return;
	}
	report_record_arena_release(a);
	if (total > 0) {
		a->head = report_record_block_new(total, NULL);
		a->total = a->head->size;
	}
}

/* report_record_malloc - jansson's allocator: the arena while decoding */
static void *
report_record_malloc(size_t n)
{
	if (report_record_arena_cur != NULL)
		return report_record_arena_alloc(report_record_arena_cur, n);
	return xmalloc(n);
}

/* report_record_mfree - jansson's free: the arena is dropped as a whole */
static void
report_record_mfree(void *p)
{
	if (report_record_arena_cur == NULL)
		free(p);
}

/* report_record_init - install the allocator, seed the hash; once */
static void
report_record_init(void)
{
	json_set_alloc_funcs(report_record_malloc, report_record_mfree);
	json_object_seed(0);
}

/* report_record_new - create an empty record */
struct report_record *
report_record_new(void)
{
	struct report_record *rec;
	struct report_record_priv *p;

	pthread_once(&report_record_once, report_record_init);
	rec = xcalloc(1, sizeof(*rec));
	p = xcalloc(1, sizeof(*p));
	strbuf_init(&p->error, 0);
	rec->priv = p;
	return rec;
}

/* report_record_free - release the record, clear the pointer */
void
report_record_free(struct report_record **recp)
{
	struct report_record *rec = *recp;
	struct report_record_priv *p;

	if (rec == NULL)
		return;
	p = rec->priv;
	report_record_arena_release(&p->arena);
	strbuf_release(&p->error);
	free(p);
	free(rec->rules);
	free(rec->rcpts);
	free(rec);
	*recp = NULL;
}

/* report_record_json - the decoded document */
void *
report_record_json(const struct report_record *rec)
{
	return ((struct report_record_priv *)rec->priv)->root;
}

/* report_record_fail - format a reason into the record's error buffer */
static int
report_record_fail(struct report_record *rec, const char **error_r,
    const char *key, const char *problem)
{
	struct report_record_priv *p = rec->priv;

	strbuf_reset(&p->error);
	strbuf_appendf(&p->error, "\"%s\": %s", key, problem);
	*error_r = p->error.data;
	return -1;
}

/*
 * report_record_string - a string member of obj: 1 and *s_r set when it is
 * a string, 0 and "" when missing or null, -1 when of another type.
 */
static int
report_record_string(json_t *obj, const char *key, const char **s_r)
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

/* report_record_rules - decode the "rules" array */
static int
report_record_rules(struct report_record *rec, json_t *arr, const char **error_r)
{
	struct report_record_priv *p = rec->priv;
	size_t i, n = json_array_size(arr);
	json_t *v;

	if (n > p->rules_cap) {
		p->rules_cap = n < 8 ? 8 : n;
		rec->rules = xreallocarray(rec->rules, p->rules_cap,
		    sizeof(*rec->rules));
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_object(v))
			return report_record_fail(rec, error_r,
			    "rules", "an entry is not an object");
		if (report_record_string(v, "id", &rec->rules[i]) < 0)
			return report_record_fail(rec, error_r,
			    "rules", "\"id\" is not a string");
	}
	rec->nrules = n;
	return 0;
}

/* report_record_rcpts - decode the "recipients" array */
static int
report_record_rcpts(struct report_record *rec, json_t *arr, const char **error_r)
{
	struct report_record_priv *p = rec->priv;
	size_t i, n = json_array_size(arr);
	struct report_rcpt *r;
	json_t *v;

	if (n > p->rcpts_cap) {
		p->rcpts_cap = n < 8 ? 8 : n;
		rec->rcpts = xreallocarray(rec->rcpts, p->rcpts_cap,
		    sizeof(*rec->rcpts));
	}
	json_array_foreach(arr, i, v) {
		r = &rec->rcpts[i];
		if (!json_is_object(v))
			return report_record_fail(rec, error_r,
			    "recipients", "an entry is not an object");
		if (report_record_string(v, "rcpt", &r->rcpt) < 0)
			return report_record_fail(rec, error_r,
			    "recipients", "\"rcpt\" is not a string");
		if (report_record_string(v, "customer", &r->customer) < 0)
			return report_record_fail(rec, error_r,
			    "recipients", "\"customer\" is not a string");
		if (report_record_string(v, "partner", &r->partner) < 0)
			return report_record_fail(rec, error_r,
			    "recipients", "\"partner\" is not a string");
		if (report_record_string(v, "decision", &r->decision) < 0)
			return report_record_fail(rec, error_r,
			    "recipients", "\"decision\" is not a string");
	}
	rec->nrcpts = n;
	return 0;
}

/* report_record_parse - decode one line */
int
report_record_parse(struct report_record *rec, const char *line, size_t len,
    const char **error_r)
{
	struct report_record_priv *p = rec->priv;
	const struct report_record_key *k;
	json_error_t jerr;
	json_t *root, *v;
	size_t i;

	p->root = NULL;
	report_record_arena_reset(&p->arena);
	rec->nrules = rec->nrcpts = 0;
	rec->uncertain = 0;
	rec->size = 0;
	report_record_arena_cur = &p->arena;
	root = json_loadb(line, len, 0, &jerr);
	report_record_arena_cur = NULL;
	if (root == NULL) {
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
	for (i = 0; i < sizeof(report_record_keys) / sizeof(report_record_keys[0]); i++) {
		k = &report_record_keys[i];
		if (report_record_string(root, k->name,
		    (const char **)((char *)rec + k->offset)) < 0)
			return report_record_fail(rec, error_r,
			    k->name, "not a string");
	}
	switch (report_record_string(root, "time", &rec->time)) {
	case -1:
		return report_record_fail(rec, error_r,
		    "time", "not a string");
	case 0:
		return report_record_fail(rec, error_r,
		    "time", "missing");
	}
	if (report_time_parse(rec->time, strlen(rec->time), &rec->time_us) < 0)
		return report_record_fail(rec, error_r,
		    "time", "not an RFC 3339 time stamp");
	switch (report_record_string(root, "action", &rec->action)) {
	case -1:
		return report_record_fail(rec, error_r,
		    "action", "not a string");
	case 0:
		return report_record_fail(rec, error_r,
		    "action", "missing");
	}
	if ((v = json_object_get(root, "uncertain")) != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return report_record_fail(rec, error_r,
			    "uncertain", "not a boolean");
		rec->uncertain = json_is_true(v);
	}
	if ((v = json_object_get(root, "size")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v))
			return report_record_fail(rec, error_r,
			    "size", "not an integer");
		rec->size = json_integer_value(v);
	}
	if ((v = json_object_get(root, "rules")) != NULL && !json_is_null(v)) {
		if (!json_is_array(v))
			return report_record_fail(rec, error_r,
			    "rules", "not an array");
		if (report_record_rules(rec, v, error_r) < 0)
			return -1;
	}
	if ((v = json_object_get(root, "recipients")) != NULL && !json_is_null(v)) {
		if (!json_is_array(v))
			return report_record_fail(rec, error_r,
			    "recipients", "not an array");
		if (report_record_rcpts(rec, v, error_r) < 0)
			return -1;
	}
	return 0;
}
