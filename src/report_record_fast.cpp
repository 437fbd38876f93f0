/* report_record_fast - a log line's fields read with simdjson */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <new>
#include <simdjson.h>

extern "C" {
#include "report_time.h"
#include "xalloc.h"
#include "report_record_fast.h"
}

using simdjson::dom::element;
using simdjson::dom::element_type;

struct report_record_fast {
	simdjson::dom::parser parser;	/* its buffers grow to the longest line */
	const char **rules;		/* rec->rules of a line read here */
	size_t	rules_cap;
	struct report_rcpt *rcpts;
	size_t	rcpts_cap;
};

/* The top-level keys read; "time" and "action" are required. */
enum report_record_fast_slot {
	SLOT_TIME, SLOT_ACTION, SLOT_UNCERTAIN, SLOT_SIZE, SLOT_RULES,
	SLOT_RECIPIENTS, SLOT_REVIEW,
	SLOT_STRINGS,			/* the plain strings from here on */
	SLOT_INSTANCE = SLOT_STRINGS, SLOT_QUEUE_ID, SLOT_CLIENT, SLOT_MTA,
	SLOT_MAIL_FROM, SLOT_HEADER_FROM, SLOT_MESSAGE_ID, SLOT_SUBJECT,
	SLOT_CLASS, SLOT_MODE, SLOT_CONFIG_VERSION, SLOT_UNCERTAIN_REASON,
	SLOT_MAX
};

/* Where each plain string goes, from SLOT_STRINGS on. */
static const size_t report_record_fast_strings[SLOT_MAX - SLOT_STRINGS] = {
	offsetof(struct report_record, instance),
	offsetof(struct report_record, queue_id),
	offsetof(struct report_record, client),
	offsetof(struct report_record, mta),
	offsetof(struct report_record, mail_from),
	offsetof(struct report_record, header_from),
	offsetof(struct report_record, message_id),
	offsetof(struct report_record, subject),
	offsetof(struct report_record, class_name),
	offsetof(struct report_record, mode),
	offsetof(struct report_record, config_version),
	offsetof(struct report_record, uncertain_reason),
};

/* report_record_fast_new - a parser with no buffers yet */
struct report_record_fast *
report_record_fast_new(void)
{
	void *m = xmalloc(sizeof(struct report_record_fast));

	return new (m) report_record_fast();
}

/* report_record_fast_free - release it, clear the pointer */
void
report_record_fast_free(struct report_record_fast **fastp)
{
	struct report_record_fast *f = *fastp;

	if (f == NULL)
		return;
	free(f->rules);
	free(f->rcpts);
	f->~report_record_fast();
	free(f);
	*fastp = NULL;
}

static bool report_record_fast_member_as_jansson(
    const simdjson::dom::key_value_pair &kv, bool nul);

/*
 * report_record_fast_as_jansson - 1 when jansson reads v (and all in it)
 * as simdjson did: no integer over INT64_MAX and, when nul is set, no NUL
 * in a string or key.  The depth is bounded by the parser's (1024, under
 * jansson's 2048).
 */
static bool
report_record_fast_as_jansson(element v, bool nul)
{
	simdjson::dom::object obj;
	simdjson::dom::array arr;
	std::string_view s;

	/* Named copies: a loop over value_unsafe() of a temporary dangles. */
	switch (v.type()) {
	case element_type::STRING:
		if (!nul)
			return true;
		s = v.get_string().value_unsafe();
		return memchr(s.data(), '\0', s.size()) == NULL;
	case element_type::UINT64:
		return false;
	case element_type::ARRAY:
		arr = v.get_array().value_unsafe();
		for (element e : arr)
			if (!report_record_fast_as_jansson(e, nul))
				return false;
		return true;
	case element_type::OBJECT:
		obj = v.get_object().value_unsafe();
		for (simdjson::dom::key_value_pair kv : obj)
			if (!report_record_fast_member_as_jansson(kv, nul))
				return false;
		return true;
	default:
		return true;
	}
}

/* report_record_fast_member_as_jansson - the same for a key and its value */
static bool
report_record_fast_member_as_jansson(const simdjson::dom::key_value_pair &kv,
    bool nul)
{
	if (nul && memchr(kv.key.data(), '\0', kv.key.size()) != NULL)
		return false;
	return report_record_fast_as_jansson(kv.value, nul);
}

/*
 * report_record_fast_nul_escape - 1 when the line holds "\u0000", the
 * only way to a NUL in a string simdjson accepts (it refuses a raw
 * control character); a line has few backslashes, and glibc's memmem is
 * slower here than memchr for them
 */
static bool
report_record_fast_nul_escape(const char *line, size_t len)
{
	const char *p = line, *end = line + len;

	while ((p = static_cast<const char *>(memchr(p, '\\',
	    static_cast<size_t>(end - p)))) != NULL) {
		if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
			return true;
		p++;
	}
	return false;
}

/* report_record_fast_is - 1 when key is the literal name */
#define report_record_fast_is(key, name) \
	(memcmp((key).data(), name, sizeof(name) - 1) == 0)

/*
 * report_record_fast_slot - the slot of a top-level key, or -1.  Told
 * apart by length first: compares of a constant size are inlined.
 */
static int
report_record_fast_slot(std::string_view key)
{
#define IS(name, slot) if (report_record_fast_is(key, name)) return slot
	switch (key.size()) {
	case 3:
		IS("mta", SLOT_MTA);
		break;
	case 4:
		IS("time", SLOT_TIME);
		IS("size", SLOT_SIZE);
		IS("mode", SLOT_MODE);
		break;
	case 5:
		IS("rules", SLOT_RULES);
		IS("class", SLOT_CLASS);
		break;
	case 6:
		IS("action", SLOT_ACTION);
		IS("client", SLOT_CLIENT);
		IS("review", SLOT_REVIEW);
		break;
	case 7:
		IS("subject", SLOT_SUBJECT);
		break;
	case 8:
		IS("instance", SLOT_INSTANCE);
		IS("queue_id", SLOT_QUEUE_ID);
		break;
	case 9:
		IS("uncertain", SLOT_UNCERTAIN);
		IS("mail_from", SLOT_MAIL_FROM);
		break;
	case 10:
		IS("recipients", SLOT_RECIPIENTS);
		IS("message_id", SLOT_MESSAGE_ID);
		break;
	case 11:
		IS("header_from", SLOT_HEADER_FROM);
		break;
	case 14:
		IS("config_version", SLOT_CONFIG_VERSION);
		break;
	case 16:
		IS("uncertain_reason", SLOT_UNCERTAIN_REASON);
		break;
	}
#undef IS
	return -1;
}

/*
 * report_record_fast_string - *s_r from a string value, "" for a missing
 * or null one; false for any other type
 */
static bool
report_record_fast_string(bool present, element v, const char **s_r)
{
	*s_r = "";
	if (!present || v.is_null())
		return true;
	if (!v.is_string())
		return false;
	/* simdjson ends each string of its document in a NUL. */
	*s_r = v.get_string().value_unsafe().data();
	return true;
}

/*
 * report_record_fast_rules - the ids of the "rules" array, every member
 * of its entries looked at as report_record_fast_as_jansson does
 */
static bool
report_record_fast_rules(struct report_record_fast *f,
    struct report_record *rec, simdjson::dom::array arr, bool nul)
{
	size_t n = arr.size(), i = 0;
	simdjson::dom::object obj;
	element id;
	bool has_id;

	if (n > f->rules_cap) {
		f->rules_cap = n < 8 ? 8 : n;
		f->rules = static_cast<const char **>(xreallocarray(f->rules,
		    f->rules_cap, sizeof(*f->rules)));
	}
	for (element e : arr) {
		if (!e.is_object())
			return false;
		/* A key given twice counts as jansson counts it: the last. */
		has_id = false;
		obj = e.get_object().value_unsafe();
		for (simdjson::dom::key_value_pair kv : obj) {
			if (!report_record_fast_member_as_jansson(kv, nul))
				return false;
			if (kv.key.size() == 2 &&
			    report_record_fast_is(kv.key, "id")) {
				id = kv.value;
				has_id = true;
			}
		}
		if (!report_record_fast_string(has_id, id, &f->rules[i++]))
			return false;
	}
	rec->rules = f->rules;
	rec->nrules = n;
	return true;
}

/* report_record_fast_rcpt_key - index of a recipient key, or -1 */
static int
report_record_fast_rcpt_key(std::string_view key)
{
	switch (key.size()) {
	case 4:
		return report_record_fast_is(key, "rcpt") ? 0 : -1;
	case 7:
		return report_record_fast_is(key, "partner") ? 2 : -1;
	case 8:
		if (report_record_fast_is(key, "customer"))
			return 1;
		return report_record_fast_is(key, "decision") ? 3 : -1;
	}
	return -1;
}

/* report_record_fast_rcpts - the "recipients" array, looked at as the rules */
static bool
report_record_fast_rcpts(struct report_record_fast *f,
    struct report_record *rec, simdjson::dom::array arr, bool nul)
{
	size_t n = arr.size(), i = 0;
	simdjson::dom::object obj;
	struct report_rcpt *r;
	const char **fields[4];
	element vals[4];
	bool has[4];
	int k;

	if (n > f->rcpts_cap) {
		f->rcpts_cap = n < 8 ? 8 : n;
		f->rcpts = static_cast<struct report_rcpt *>(xreallocarray(
		    f->rcpts, f->rcpts_cap, sizeof(*f->rcpts)));
	}
	for (element e : arr) {
		if (!e.is_object())
			return false;
		has[0] = has[1] = has[2] = has[3] = false;
		obj = e.get_object().value_unsafe();
		for (simdjson::dom::key_value_pair kv : obj) {
			if (!report_record_fast_member_as_jansson(kv, nul))
				return false;
			if ((k = report_record_fast_rcpt_key(kv.key)) >= 0) {
				vals[k] = kv.value;
				has[k] = true;
			}
		}
		r = &f->rcpts[i++];
		fields[0] = &r->rcpt;
		fields[1] = &r->customer;
		fields[2] = &r->partner;
		fields[3] = &r->decision;
		for (k = 0; k < 4; k++)
			if (!report_record_fast_string(has[k], vals[k], fields[k]))
				return false;
	}
	rec->rcpts = f->rcpts;
	rec->nrcpts = n;
	return true;
}

/* report_record_fast_parse - decode one line */
int
report_record_fast_parse(struct report_record_fast *f,
    struct report_record *rec, const char *line, size_t len)
{
	element root, slots[SLOT_MAX], v;
	simdjson::dom::object obj;
	bool has[SLOT_MAX] = {};
	simdjson::error_code error;
	std::string_view s;
	bool nul;
	int k;

	rec->nrules = rec->nrcpts = 0;
	rec->uncertain = 0;
	rec->review = 0;
	rec->size = 0;
	error = f->parser.parse(line, len).get(root);
	if (error == simdjson::MEMALLOC)
		xalloc_fail(len);
	if (error != simdjson::SUCCESS || !root.is_object())
		return 0;
	/*
	 * Every value is looked at once, as report_record_fast_as_jansson
	 * does: here, or, for the "rules" and "recipients" read below, member
	 * by member as they are read (an earlier one of a key given twice is
	 * never read: here).  Without a "\u0000" in the line its strings
	 * need no look.
	 */
	nul = report_record_fast_nul_escape(line, len);
	obj = root.get_object().value_unsafe();
	for (simdjson::dom::key_value_pair kv : obj) {
		k = report_record_fast_slot(kv.key);
		if (k == SLOT_RULES || k == SLOT_RECIPIENTS) {
			if (has[k] &&
			    !report_record_fast_as_jansson(slots[k], nul))
				return 0;
		} else if (!report_record_fast_member_as_jansson(kv, nul))
			return 0;
		if (k >= 0) {
			slots[k] = kv.value;
			has[k] = true;
		}
	}
	for (k = SLOT_STRINGS; k < SLOT_MAX; k++)
		if (!report_record_fast_string(has[k], slots[k],
		    reinterpret_cast<const char **>(reinterpret_cast<char *>(rec) +
		    report_record_fast_strings[k - SLOT_STRINGS])))
			return 0;
	if (!has[SLOT_TIME] || !slots[SLOT_TIME].is_string() ||
	    !has[SLOT_ACTION] || !slots[SLOT_ACTION].is_string())
		return 0;
	s = slots[SLOT_TIME].get_string().value_unsafe();
	rec->time = s.data();
	if (report_time_parse(s.data(), s.size(), &rec->time_us) < 0)
		return 0;
	rec->action = slots[SLOT_ACTION].get_string().value_unsafe().data();
	if (has[SLOT_UNCERTAIN] && !(v = slots[SLOT_UNCERTAIN]).is_null()) {
		if (!v.is_bool())
			return 0;
		rec->uncertain = v.get_bool().value_unsafe();
	}
	if (has[SLOT_REVIEW] && !(v = slots[SLOT_REVIEW]).is_null()) {
		if (!v.is_object())
			return 0;
		rec->review = 1;
	}
	if (has[SLOT_SIZE] && !(v = slots[SLOT_SIZE]).is_null()) {
		if (v.type() != element_type::INT64)
			return 0;
		rec->size = v.get_int64().value_unsafe();
	}
	if (has[SLOT_RULES] && !(v = slots[SLOT_RULES]).is_null()) {
		if (!v.is_array() || !report_record_fast_rules(f, rec,
		    v.get_array().value_unsafe(), nul))
			return 0;
	}
	if (has[SLOT_RECIPIENTS] && !(v = slots[SLOT_RECIPIENTS]).is_null()) {
		if (!v.is_array() || !report_record_fast_rcpts(f, rec,
		    v.get_array().value_unsafe(), nul))
			return 0;
	}
	return 1;
}
