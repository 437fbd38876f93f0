/* report_record - one decoded line of the milter's audit log */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "strbuf.h"
#include "report_record_fast.h"
#include "report_time.h"
#include "xalloc.h"
#include "report_record.h"

/*
 * Most lines are read by report_record_fast (simdjson); jansson decodes
 * the lines it leaves, so that what is refused, and why, is jansson's.
 *
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
	size_t	size;
	/* the memory follows, aligned */
};

struct report_record_arena {
	struct report_record_block *head;	/* the block in use */
	char	*cur, *end;			/* the free part of head */
	size_t	total;				/* of all blocks */
};

static __thread struct report_record_arena *report_record_arena_cur;
static pthread_once_t report_record_once = PTHREAD_ONCE_INIT;

/*
 * The keys a record reads, in the order they are checked: when a line
 * has several faults, the reason given is that of the first of them here.
 */
enum report_record_slot {
	REPORT_RECORD_INSTANCE, REPORT_RECORD_QUEUE_ID, REPORT_RECORD_CLIENT,
	REPORT_RECORD_MTA, REPORT_RECORD_MAIL_FROM, REPORT_RECORD_HEADER_FROM,
	REPORT_RECORD_MESSAGE_ID, REPORT_RECORD_SUBJECT, REPORT_RECORD_CLASS,
	REPORT_RECORD_MODE, REPORT_RECORD_CONFIG_VERSION,
	REPORT_RECORD_UNCERTAIN_REASON,
	REPORT_RECORD_NSTRINGS,		/* the plain strings end here */
	REPORT_RECORD_TIME = REPORT_RECORD_NSTRINGS, REPORT_RECORD_ACTION,
	REPORT_RECORD_UNCERTAIN, REPORT_RECORD_SIZE, REPORT_RECORD_RULES,
	REPORT_RECORD_RECIPIENTS, REPORT_RECORD_REVIEW,
	REPORT_RECORD_NSLOTS
};

struct report_record_priv {
	struct report_record_fast *fast;
	struct report_record_arena arena;
	json_t	*slots[REPORT_RECORD_NSLOTS];	/* of the line being decoded */
	const char **rules;			/* rec->rules of a jansson line */
	size_t	rules_cap;
	struct report_rcpt *rcpts;
	size_t	rcpts_cap;
	struct strbuf error;
};

/* Each key's name and, for the plain strings, where its value goes. */
static const struct report_record_key {
	const char *name;
	size_t	len;
	size_t	offset;
} report_record_keys[REPORT_RECORD_NSLOTS] = {
#define KEY(name, field) { name, sizeof(name) - 1, \
	offsetof(struct report_record, field) }
	KEY("instance", instance),
	KEY("queue_id", queue_id),
	KEY("client", client),
	KEY("mta", mta),
	KEY("mail_from", mail_from),
	KEY("header_from", header_from),
	KEY("message_id", message_id),
	KEY("subject", subject),
	KEY("class", class_name),
	KEY("mode", mode),
	KEY("config_version", config_version),
	KEY("uncertain_reason", uncertain_reason),
	KEY("time", time),
	KEY("action", action),
	KEY("uncertain", uncertain),
	KEY("size", size),
	KEY("rules", rules),
	KEY("recipients", rcpts),
	KEY("review", review),
#undef KEY
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
	return b;
}

/* report_record_arena_use - make b the block in use, all of it free */
static void
report_record_arena_use(struct report_record_arena *a,
    struct report_record_block *b)
{
	a->head = b;
	a->cur = (char *)b + REPORT_RECORD_HDR;
	a->end = a->cur + b->size;
}

/*
 * report_record_arena_grow - n bytes (aligned) from a new block; kept out
 * of line so that the pointer bump in report_record_malloc stays a leaf
 */
static void *report_record_arena_grow(struct report_record_arena *a, size_t n)
    __attribute__((noinline));

static void *
report_record_arena_grow(struct report_record_arena *a, size_t n)
{
	struct report_record_block *b;

	b = report_record_block_new(n, a->head);
	a->total += b->size;
	report_record_arena_use(a, b);
	a->cur += n;
	return a->cur - n;
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
	a->cur = a->end = NULL;
	a->total = 0;
}

/* report_record_arena_reset - drop all; keep one block as big as all were */
static void
report_record_arena_reset(struct report_record_arena *a)
{
	size_t total = a->total;

	if (a->head != NULL && a->head->next == NULL) {
		report_record_arena_use(a, a->head);
		return;
	}
	report_record_arena_release(a);
	if (total > 0) {
		report_record_arena_use(a, report_record_block_new(total, NULL));
		a->total = a->head->size;
	}
}

/*
 * report_record_malloc - jansson's allocator: the arena while decoding.
 * jansson asks for about 140 pieces per log line, so the common case is
 * a pointer bump.
 */
static void *
report_record_malloc(size_t n)
{
	struct report_record_arena *a = report_record_arena_cur;

	if (a == NULL)
		return xmalloc(n);
	if (n > SIZE_MAX / 2)
		return xmalloc(n);	/* cannot be had: xmalloc says so and exits */
	n = (n + REPORT_RECORD_ALIGN - 1) & ~(size_t)(REPORT_RECORD_ALIGN - 1);
	if ((size_t)(a->end - a->cur) < n)
		return report_record_arena_grow(a, n);
	a->cur += n;
	return a->cur - n;
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
	p->fast = report_record_fast_new();
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
	report_record_fast_free(&p->fast);
	report_record_arena_release(&p->arena);
	strbuf_release(&p->error);
	free(p->rules);
	free(p->rcpts);
	free(p);
	free(rec);
	*recp = NULL;
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
 * report_record_string - a string value: 1 and *s_r set when v is a
 * string, 0 and "" when v is missing (NULL) or null, -1 when of another type.
 */
static int
report_record_string(json_t *v, const char **s_r)
{
	*s_r = "";
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*s_r = json_string_value(v);
	return 1;
}

/* report_record_is - 1 when the key of len bytes is k */
static int
report_record_is(const char *key, size_t len, enum report_record_slot k)
{
	return len == report_record_keys[k].len &&
	    memcmp(key, report_record_keys[k].name, len) == 0;
}

/*
 * report_record_slot - the slot of a top-level key, or -1 for a key the
 * report does not read.  One pass over the keys of a line, sorted out by
 * their first byte, costs less than a hash lookup of each slot.
 */
static int
report_record_slot(const char *key, size_t len)
{
#define S(k)	(REPORT_RECORD_##k + 1)		/* 0 ends a list */
	static const unsigned char by_first[][4] = {
		['a'] = { S(ACTION) },
		['c'] = { S(CLIENT), S(CLASS), S(CONFIG_VERSION) },
		['h'] = { S(HEADER_FROM) },
		['i'] = { S(INSTANCE) },
		['m'] = { S(MTA), S(MAIL_FROM), S(MESSAGE_ID), S(MODE) },
		['q'] = { S(QUEUE_ID) },
		['r'] = { S(RULES), S(RECIPIENTS), S(REVIEW) },
		['s'] = { S(SUBJECT), S(SIZE) },
		['t'] = { S(TIME) },
		['u'] = { S(UNCERTAIN), S(UNCERTAIN_REASON) },
	};
#undef S
	unsigned char c = len > 0 ? (unsigned char)key[0] : 0;
	size_t i;

	if (c >= sizeof(by_first) / sizeof(by_first[0]))
		return -1;
	for (i = 0; i < 4 && by_first[c][i] != 0; i++)
		if (report_record_is(key, len, by_first[c][i] - 1))
			return by_first[c][i] - 1;
	return -1;
}

/* report_record_rules - decode the "rules" array */
static int
report_record_rules(struct report_record *rec, json_t *arr, const char **error_r)
{
	struct report_record_priv *p = rec->priv;
	size_t i, n = json_array_size(arr);
	const char *key;
	json_t *v, *id;
	void *it;

	if (n > p->rules_cap) {
		p->rules_cap = n < 8 ? 8 : n;
		p->rules = xreallocarray(p->rules, p->rules_cap,
		    sizeof(*p->rules));
	}
	rec->rules = p->rules;
	json_array_foreach(arr, i, v) {
		if (!json_is_object(v))
			return report_record_fail(rec, error_r,
			    "rules", "an entry is not an object");
		/* A key occurs once in a jansson object: stop at "id". */
		id = NULL;
		for (it = json_object_iter(v); it != NULL;
		    it = json_object_iter_next(v, it)) {
			key = json_object_iter_key(it);
			if (json_object_iter_key_len(it) == 2 &&
			    key[0] == 'i' && key[1] == 'd') {
				id = json_object_iter_value(it);
				break;
			}
		}
		if (report_record_string(id, &rec->rules[i]) < 0)
			return report_record_fail(rec, error_r,
			    "rules", "\"id\" is not a string");
	}
	rec->nrules = n;
	return 0;
}

/* The keys of a recipient, in the order they are checked. */
static const struct {
	const char *name;
	size_t	len;
} report_record_rcpt_keys[] = {
	{ "rcpt", 4 }, { "customer", 8 }, { "partner", 7 }, { "decision", 8 }
};

/* report_record_rcpt_slot - index of a recipient key, or -1 */
static int
report_record_rcpt_slot(const char *key, size_t len)
{
	int i;

	for (i = 0; i < 4; i++)
		if (len == report_record_rcpt_keys[i].len &&
		    memcmp(key, report_record_rcpt_keys[i].name, len) == 0)
			return i;
	return -1;
}

/* report_record_rcpts - decode the "recipients" array */
static int
report_record_rcpts(struct report_record *rec, json_t *arr, const char **error_r)
{
	static const char *const problems[] = {
		"\"rcpt\" is not a string", "\"customer\" is not a string",
		"\"partner\" is not a string", "\"decision\" is not a string",
	};
	struct report_record_priv *p = rec->priv;
	size_t i, n = json_array_size(arr), len;
	struct report_rcpt *r;
	const char **fields[4];
	json_t *v, *vals[4];
	int k;
	void *it;

	if (n > p->rcpts_cap) {
		p->rcpts_cap = n < 8 ? 8 : n;
		p->rcpts = xreallocarray(p->rcpts, p->rcpts_cap,
		    sizeof(*p->rcpts));
	}
	rec->rcpts = p->rcpts;
	json_array_foreach(arr, i, v) {
		r = &rec->rcpts[i];
		if (!json_is_object(v))
			return report_record_fail(rec, error_r,
			    "recipients", "an entry is not an object");
		vals[0] = vals[1] = vals[2] = vals[3] = NULL;
		for (it = json_object_iter(v); it != NULL;
		    it = json_object_iter_next(v, it)) {
			len = json_object_iter_key_len(it);
			if ((k = report_record_rcpt_slot(
			    json_object_iter_key(it), len)) >= 0)
				vals[k] = json_object_iter_value(it);
		}
		fields[0] = &r->rcpt;
		fields[1] = &r->customer;
		fields[2] = &r->partner;
		fields[3] = &r->decision;
		for (k = 0; k < 4; k++)
			if (report_record_string(vals[k], fields[k]) < 0)
				return report_record_fail(rec, error_r,
				    "recipients", problems[k]);
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
	json_t **slot = p->slots, *root, *v;
	json_error_t jerr;
	void *it;
	size_t i;
	int k;

	if (report_record_fast_parse(p->fast, rec, line, len))
		return 0;
	report_record_arena_reset(&p->arena);
	rec->nrules = rec->nrcpts = 0;
	rec->uncertain = 0;
	rec->review = 0;
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
	if (!json_is_object(root)) {
		*error_r = "not a JSON object";
		return -1;
	}
	memset(p->slots, 0, sizeof(p->slots));
	for (it = json_object_iter(root); it != NULL;
	    it = json_object_iter_next(root, it))
		if ((k = report_record_slot(json_object_iter_key(it),
		    json_object_iter_key_len(it))) >= 0)
			slot[k] = json_object_iter_value(it);
	for (i = 0; i < REPORT_RECORD_NSTRINGS; i++) {
		if (report_record_string(slot[i], (const char **)((char *)rec +
		    report_record_keys[i].offset)) < 0)
			return report_record_fail(rec, error_r,
			    report_record_keys[i].name, "not a string");
	}
	switch (report_record_string(slot[REPORT_RECORD_TIME], &rec->time)) {
	case -1:
		return report_record_fail(rec, error_r,
		    "time", "not a string");
	case 0:
		return report_record_fail(rec, error_r,
		    "time", "missing");
	}
	if (report_time_parse(rec->time, json_string_length(
	    slot[REPORT_RECORD_TIME]), &rec->time_us) < 0)
		return report_record_fail(rec, error_r,
		    "time", "not an RFC 3339 time stamp");
	switch (report_record_string(slot[REPORT_RECORD_ACTION], &rec->action)) {
	case -1:
		return report_record_fail(rec, error_r,
		    "action", "not a string");
	case 0:
		return report_record_fail(rec, error_r,
		    "action", "missing");
	}
	if ((v = slot[REPORT_RECORD_UNCERTAIN]) != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return report_record_fail(rec, error_r,
			    "uncertain", "not a boolean");
		rec->uncertain = json_is_true(v);
	}
	if ((v = slot[REPORT_RECORD_REVIEW]) != NULL && !json_is_null(v)) {
		if (!json_is_object(v))
			return report_record_fail(rec, error_r,
			    "review", "not an object");
		rec->review = 1;
	}
	if ((v = slot[REPORT_RECORD_SIZE]) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v))
			return report_record_fail(rec, error_r,
			    "size", "not an integer");
		rec->size = json_integer_value(v);
	}
	if ((v = slot[REPORT_RECORD_RULES]) != NULL && !json_is_null(v)) {
		if (!json_is_array(v))
			return report_record_fail(rec, error_r,
			    "rules", "not an array");
		if (report_record_rules(rec, v, error_r) < 0)
			return -1;
	}
	if ((v = slot[REPORT_RECORD_RECIPIENTS]) != NULL && !json_is_null(v)) {
		if (!json_is_array(v))
			return report_record_fail(rec, error_r,
			    "recipients", "not an array");
		if (report_record_rcpts(rec, v, error_r) < 0)
			return -1;
	}
	return 0;
}
