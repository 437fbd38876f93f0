/* report_json - the summary and its header as one JSON document */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "strbuf.h"
#include "utf8.h"
#include "report_time.h"
#include "report_json.h"

/* report_json_time - an RFC 3339 UTC time stamp as a JSON string */
static json_t *
report_json_time(int64_t us)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *v;

	report_time_iso(&sb, us);
	v = json_string(sb.data);
	strbuf_release(&sb);
	return v;
}

/* report_json_valid - 1 when s is valid UTF-8 */
static int
report_json_valid(const char *s)
{
	size_t len = strlen(s), i = 0;
	unsigned cp;
	int n;

	while (i < len) {
		if ((n = utf8_decode((const unsigned char *)s + i, len - i,
		    &cp)) <= 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/*
 * report_json_clean - s as valid UTF-8: s itself when it is, else a copy
 * in sb with every byte of 0x80 and above as '?' (JSON holds only UTF-8)
 */
static const char *
report_json_clean(struct strbuf *sb, const char *s)
{
	size_t i;

	if (report_json_valid(s))
		return s;
	strbuf_reset(sb);
	strbuf_append_str(sb, s);
	for (i = 0; i < sb->len; i++)
		if ((unsigned char)sb->data[i] >= 0x80)
			sb->data[i] = '?';
	return sb->data;
}

/* report_json_str - a JSON string of s, made valid UTF-8 */
static json_t *
report_json_str(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *v = json_string(report_json_clean(&sb, s));

	strbuf_release(&sb);
	return v;
}

/* report_json_set - obj[key] = v (reference stolen), key made valid UTF-8 */
static void
report_json_set(json_t *obj, const char *key, json_t *v)
{
	struct strbuf sb = STRBUF_INIT;

	json_object_set_new(obj, report_json_clean(&sb, key), v);
	strbuf_release(&sb);
}

/* report_json_at - obj[key], created as an empty object when missing */
static json_t *
report_json_at(json_t *obj, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *v;

	key = report_json_clean(&sb, key);
	if ((v = json_object_get(obj, key)) == NULL) {
		v = json_object();
		json_object_set_new(obj, key, v);
	}
	strbuf_release(&sb);
	return v;
}

/* report_json_counts - a table as {key: count} */
static json_t *
report_json_counts(struct report_count *t)
{
	const struct report_count_entry *const *e = report_count_sorted(t, 0);
	json_t *obj = json_object();

	for (; *e != NULL; e++)
		report_json_set(obj, (*e)->key, json_integer((json_int_t)(*e)->count));
	return obj;
}

/* report_json_ranges - a table with time ranges as a list */
static json_t *
report_json_ranges(struct report_count *t)
{
	const struct report_count_entry *const *e = report_count_sorted(t, 1);
	json_t *arr = json_array();

	for (; *e != NULL; e++)
		json_array_append_new(arr, json_pack("{s:o,s:I,s:o,s:o}",
		    "name", report_json_str((*e)->key),
		    "records", (json_int_t)(*e)->count,
		    "first", report_json_time((*e)->first_us),
		    "last", report_json_time((*e)->last_us)));
	return arr;
}

/*
 * report_json_split - add each "MODE\tA[\tB]" entry of t to
 * modes[MODE][name][A][B] (or modes[MODE][name][A] without B)
 */
static void
report_json_split(json_t *modes, struct report_count *t, const char *name)
{
	const struct report_count_entry *const *e = report_count_sorted(t, 1);
	struct strbuf key = STRBUF_INIT;
	char *a, *b, *c;
	json_t *where;

	for (; *e != NULL; e++) {
		strbuf_reset(&key);
		strbuf_append(&key, (*e)->key, (*e)->len);
		a = key.data;
		if ((b = strchr(a, '\t')) == NULL)
			continue;
		*b++ = '\0';
		where = report_json_at(report_json_at(modes, a), name);
		if ((c = strchr(b, '\t')) != NULL) {
			*c++ = '\0';
			where = report_json_at(where, b);
			b = c;
		}
		report_json_set(where, b, json_integer((json_int_t)(*e)->count));
	}
	strbuf_release(&key);
}

/* report_json_daily - DAY\tMODE\tACTION entries to modes[MODE].daily[DAY][ACTION] */
static void
report_json_daily(json_t *modes, struct report_count *t)
{
	const struct report_count_entry *const *e = report_count_sorted(t, 1);
	struct strbuf key = STRBUF_INIT;
	char *mode, *action;

	for (; *e != NULL; e++) {
		strbuf_reset(&key);
		strbuf_append(&key, (*e)->key, (*e)->len);
		if ((mode = strchr(key.data, '\t')) == NULL ||
		    (action = strchr(mode + 1, '\t')) == NULL)
			continue;
		*mode++ = '\0';
		*action++ = '\0';
		report_json_set(report_json_at(report_json_at(report_json_at(
		    modes, mode), "daily"), key.data), action,
		    json_integer((json_int_t)(*e)->count));
	}
	strbuf_release(&key);
}

/* report_json_write - write the summary as one JSON object */
int
report_json_write(FILE *fp, const struct report_summary *s,
    const struct report_header *h)
{
	const struct report_input *in;
	json_t *root, *inputs, *modes, *m;
	const char **names;
	uint64_t read, matched, malformed;
	int64_t first, last;
	size_t i, n;
	int ret;

	report_summary_totals(s, &read, &matched, &malformed);
	root = json_pack("{s:o,s:o,s:o,s:I}",
	    "generated", report_json_time(h->generated_us),
	    "command", report_json_str(h->command),
	    "selection", report_json_str(h->selection),
	    "max_record", (json_int_t)h->max_record);
	json_object_set_new(root, "period_requested", json_pack("{s:o,s:o}",
	    "since", h->has_since ? report_json_time(h->since_us) : json_null(),
	    "until", h->has_until ? report_json_time(h->until_us) : json_null()));
	if (report_summary_covered(s, &first, &last))
		json_object_set_new(root, "period_covered", json_pack("{s:o,s:o}",
		    "first", report_json_time(first), "last",
		    report_json_time(last)));
	else
		json_object_set_new(root, "period_covered", json_pack("{s:n,s:n}",
		    "first", "last"));
	inputs = json_array();
	for (i = 0; i < h->ninputs; i++) {
		in = &h->inputs[i];
		json_array_append_new(inputs, json_pack("{s:o,s:I,s:I,s:I,s:o}",
		    "file", report_json_str(in->name),
		    "records", (json_int_t)in->records,
		    "malformed", (json_int_t)in->malformed,
		    "oversized", (json_int_t)in->oversized,
		    "error", in->error.len > 0 ? report_json_str(in->error.data) :
		    json_null()));
	}
	json_object_set_new(root, "inputs", inputs);
	json_object_set_new(root, "instances", report_json_ranges(
	    report_summary_table(s, REPORT_SUMMARY_INSTANCE)));
	json_object_set_new(root, "config_versions", report_json_ranges(
	    report_summary_table(s, REPORT_SUMMARY_CONFIG)));
	json_object_set_new(root, "records", json_pack("{s:I,s:I,s:I,s:I}",
	    "read", (json_int_t)read, "malformed", (json_int_t)malformed,
	    "oversized", (json_int_t)report_summary_oversized(s),
	    "matched", (json_int_t)matched));
	modes = json_object();
	names = report_summary_axis(s, REPORT_SUMMARY_AXIS_MODE, 1, &n);
	for (i = 0; i < n; i++) {
		m = report_json_at(modes, names[i]);
		json_object_set_new(m, "records", json_integer((json_int_t)
		    report_count_get(report_summary_table(s, REPORT_SUMMARY_MODE),
		    names[i], strlen(names[i]))));
		json_object_set_new(m, "uncertain", json_integer((json_int_t)
		    report_count_get(report_summary_table(s,
		    REPORT_SUMMARY_UNCERTAIN), names[i], strlen(names[i]))));
		report_json_at(m, "class_action");
		report_json_at(m, "daily");
		report_json_at(m, "reroutes_per_partner");
	}
	free(names);
	report_json_split(modes, report_summary_table(s,
	    REPORT_SUMMARY_CLASS_ACTION), "class_action");
	report_json_split(modes, report_summary_table(s,
	    REPORT_SUMMARY_PARTNER), "reroutes_per_partner");
	report_json_daily(modes, report_summary_table(s, REPORT_SUMMARY_DAILY));
	json_object_set_new(root, "modes", modes);
	json_object_set_new(root, "classes", report_json_counts(
	    report_summary_table(s, REPORT_SUMMARY_CLASS)));
	json_object_set_new(root, "rules", report_json_counts(
	    report_summary_table(s, REPORT_SUMMARY_RULE)));
	json_object_set_new(root, "senders", report_json_counts(
	    report_summary_table(s, REPORT_SUMMARY_SENDER)));
	ret = json_dumpf(root, fp, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (ret == 0 && fputc('\n', fp) == EOF)
		ret = -1;
	json_decref(root);
	return ret < 0 ? -1 : 0;
}
