/* report_summary - aggregate counts over the matching audit records */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "report_time.h"
#include "report_output.h"
#include "xalloc.h"
#include "report_summary.h"

/* The documented values, in report order. */
static const char *const report_summary_classes[] = {
	"subscription", "incident", "non_csp", "other", "(none)", NULL
};
static const char *const report_summary_modes[] = {
	"enforce", "monitor", NULL
};

struct report_summary {
	struct report_count *tables[REPORT_SUMMARY_NTABLES];
	uint64_t read;
	uint64_t matched;
	uint64_t malformed;
	uint64_t oversized;
	int64_t	first_us, last_us;	/* of the matching records */
	struct strbuf key;
	struct strbuf day;		/* "YYYY-MM-DD" of day_num */
	int64_t	day_num;		/* days since 1970; INT64_MIN: none yet */
	const char **rules;		/* scratch: one record's rule ids */
	size_t	rules_cap;
};

/* report_summary_new - an empty summary */
struct report_summary *
report_summary_new(void)
{
	struct report_summary *s;
	int i;

	s = xcalloc(1, sizeof(*s));
	for (i = 0; i < REPORT_SUMMARY_NTABLES; i++)
		s->tables[i] = report_count_new();
	strbuf_init(&s->key, 64);
	strbuf_init(&s->day, 16);
	s->day_num = INT64_MIN;
	return s;
}

/* report_summary_free - release the summary, clear the pointer */
void
report_summary_free(struct report_summary **sp)
{
	struct report_summary *s = *sp;
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < REPORT_SUMMARY_NTABLES; i++)
		report_count_free(&s->tables[i]);
	strbuf_release(&s->key);
	strbuf_release(&s->day);
	free(s->rules);
	free(s);
	*sp = NULL;
}

/* report_summary_count - add one to a C-string key */
static void
report_summary_count(struct report_summary *s, enum report_summary_table t,
    const char *key)
{
	report_count_add(s->tables[t], key, strlen(key), 1);
}

/* report_summary_mode_of - the mode a record counts under */
const char *
report_summary_mode_of(const struct report_record *rec)
{
	return *rec->mode != '\0' ? rec->mode : "(none)";
}

/* report_summary_mode_title - a heading that says what the mode means */
const char *
report_summary_mode_title(const char *mode)
{
	if (strcmp(mode, "enforce") == 0)
		return "actions applied";
	if (strcmp(mode, "monitor") == 0)
		return "would have been applied, not applied";
	return "unknown mode: not known to be applied";
}

/* report_summary_key - s->key set to the parts joined by tabs */
static void
report_summary_key(struct report_summary *s, const char *a, const char *b,
    const char *c)
{
	strbuf_reset(&s->key);
	strbuf_append_str(&s->key, a);
	strbuf_append_char(&s->key, '\t');
	strbuf_append_str(&s->key, b);
	if (c != NULL) {
		strbuf_append_char(&s->key, '\t');
		strbuf_append_str(&s->key, c);
	}
}

/*
 * report_summary_day - the UTC date of us; formatted only when the day
 * changes, which in a log in time order is once a day, not once a record
 */
static const struct strbuf *
report_summary_day(struct report_summary *s, int64_t us)
{
	int64_t day = us / REPORT_TIME_DAY_US;

	if (us < 0 && us % REPORT_TIME_DAY_US != 0)
		day--;
	if (day != s->day_num) {
		strbuf_reset(&s->day);
		report_time_day(&s->day, us);
		s->day_num = day;
	}
	return &s->day;
}

/* report_summary_strcmp - qsort order of C strings */
static int
report_summary_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * report_summary_rules - count each rule once per record; sorting a copy
 * keeps this O(n log n) in the rules of one record, where comparing every
 * pair took minutes for a record of 200,000 rules.
 */
static void
report_summary_rules(struct report_summary *s, const struct report_record *rec)
{
	size_t i;

	if (rec->nrules == 0)
		return;		/* rec->rules may be NULL then, and memcpy may not see NULL */
	if (rec->nrules > s->rules_cap) {
		s->rules_cap = rec->nrules;
		s->rules = xreallocarray(s->rules, s->rules_cap, sizeof(*s->rules));
	}
	memcpy(s->rules, rec->rules, rec->nrules * sizeof(*s->rules));
	qsort(s->rules, rec->nrules, sizeof(*s->rules), report_summary_strcmp);
	for (i = 0; i < rec->nrules; i++)
		if (i == 0 || strcmp(s->rules[i - 1], s->rules[i]) != 0)
			report_summary_count(s, REPORT_SUMMARY_RULE, s->rules[i]);
}

/* report_summary_add - count one matching record */
void
report_summary_add(struct report_summary *s, const struct report_record *rec,
    const struct report_filter *f)
{
	const char *class = *rec->class_name != '\0' ? rec->class_name : "(none)";
	const char *mode = report_summary_mode_of(rec);
	const struct strbuf *day;
	size_t i;

	if (s->matched == 0 || rec->time_us < s->first_us)
		s->first_us = rec->time_us;
	if (s->matched == 0 || rec->time_us > s->last_us)
		s->last_us = rec->time_us;
	s->matched++;
	report_summary_count(s, REPORT_SUMMARY_CLASS, class);
	report_summary_count(s, REPORT_SUMMARY_MODE, mode);
	if (rec->uncertain)
		report_summary_count(s, REPORT_SUMMARY_UNCERTAIN, mode);
	report_summary_key(s, mode, rec->action, NULL);
	report_count_add(s->tables[REPORT_SUMMARY_ACTION], s->key.data,
	    s->key.len, 1);
	report_summary_key(s, mode, class, rec->action);
	report_count_add(s->tables[REPORT_SUMMARY_CLASS_ACTION], s->key.data,
	    s->key.len, 1);
	strbuf_reset(&s->key);
	day = report_summary_day(s, rec->time_us);
	strbuf_append(&s->key, day->data, day->len);
	report_count_add(s->tables[REPORT_SUMMARY_DAY], s->key.data,
	    s->key.len, 1);
	strbuf_append_char(&s->key, '\t');
	strbuf_append_str(&s->key, mode);
	strbuf_append_char(&s->key, '\t');
	strbuf_append_str(&s->key, rec->action);
	report_count_add(s->tables[REPORT_SUMMARY_DAILY], s->key.data,
	    s->key.len, 1);
	report_summary_count(s, REPORT_SUMMARY_SENDER,
	    *rec->mail_from != '\0' ? rec->mail_from : "<>");
	report_count_add_time(s->tables[REPORT_SUMMARY_INSTANCE],
	    *rec->instance != '\0' ? rec->instance : "(none)",
	    *rec->instance != '\0' ? strlen(rec->instance) : 6, rec->time_us);
	report_count_add_time(s->tables[REPORT_SUMMARY_CONFIG],
	    *rec->config_version != '\0' ? rec->config_version : "(none)",
	    *rec->config_version != '\0' ? strlen(rec->config_version) : 6,
	    rec->time_us);
	report_summary_rules(s, rec);
	for (i = 0; i < rec->nrcpts; i++) {
		if (strcmp(rec->rcpts[i].decision, "reroute") != 0 ||
		    (f != NULL && !report_filter_match_rcpt(f, &rec->rcpts[i])))
			continue;
		report_summary_key(s, mode, *rec->rcpts[i].partner != '\0' ?
		    rec->rcpts[i].partner : "(none)", NULL);
		report_count_add(s->tables[REPORT_SUMMARY_PARTNER], s->key.data,
		    s->key.len, 1);
	}
}

/* report_summary_merge - add the counts of src to dst */
void
report_summary_merge(struct report_summary *dst, const struct report_summary *src)
{
	int i;

	for (i = 0; i < REPORT_SUMMARY_NTABLES; i++)
		report_count_merge(dst->tables[i], src->tables[i]);
	if (src->matched > 0) {
		if (dst->matched == 0 || src->first_us < dst->first_us)
			dst->first_us = src->first_us;
		if (dst->matched == 0 || src->last_us > dst->last_us)
			dst->last_us = src->last_us;
	}
	dst->matched += src->matched;
}

/* report_summary_set_oversized - lines over the size cap */
void
report_summary_set_oversized(struct report_summary *s, uint64_t n)
{
	s->oversized = n;
}

/* report_summary_oversized - lines over the size cap */
uint64_t
report_summary_oversized(const struct report_summary *s)
{
	return s->oversized;
}

/* report_summary_covered - first and last time of the matching records */
int
report_summary_covered(const struct report_summary *s, int64_t *first_r,
    int64_t *last_r)
{
	*first_r = s->first_us;
	*last_r = s->last_us;
	return s->matched > 0;
}

/* report_summary_set_input - record how many lines were read and malformed */
void
report_summary_set_input(struct report_summary *s, uint64_t read,
    uint64_t malformed)
{
	s->read = read;
	s->malformed = malformed;
}

/* report_summary_totals - the three totals */
void
report_summary_totals(const struct report_summary *s, uint64_t *read_r,
    uint64_t *matched_r, uint64_t *malformed_r)
{
	*read_r = s->read;
	*matched_r = s->matched;
	*malformed_r = s->malformed;
}

/* report_summary_table - one of the tables */
struct report_count *
report_summary_table(const struct report_summary *s,
    enum report_summary_table which)
{
	return s->tables[which];
}

/* report_summary_known - index of key in a NULL-terminated list, or -1 */
static int
report_summary_known(const char *const *list, const char *key)
{
	int i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], key) == 0)
			return i;
	return -1;
}

/* report_summary_known_count - how many leading entries of out are known */
static size_t
report_summary_known_count(const char **out, const char *const *known, size_t n)
{
	size_t i;

	for (i = 0; i < n && report_summary_known(known, out[i]) >= 0; i++)
		;
	return i;
}

/* report_summary_actions - the actions seen (in any mode), in report order */
static const char **
report_summary_actions(const struct report_summary *s, int all_known,
    size_t *n_r)
{
	const struct report_count_entry *const *e;
	struct report_count *t = s->tables[REPORT_SUMMARY_ACTION];
	const char *const *known = report_filter_actions;
	const char **out, *action;
	size_t n = 0, i, j;

	out = xcalloc(report_count_size(t) + 16, sizeof(*out));
	for (i = 0; known[i] != NULL; i++) {
		if (all_known) {
			out[n++] = known[i];
			continue;
		}
		e = report_count_sorted(t, 1);
		for (j = 0; e[j] != NULL; j++)
			if (strcmp(strchr(e[j]->key, '\t') + 1, known[i]) == 0)
				break;
		if (e[j] != NULL)
			out[n++] = known[i];
	}
	/* Others sorted, each once although it may appear in several modes. */
	e = report_count_sorted(t, 1);
	for (i = 0; e[i] != NULL; i++) {
		action = strchr(e[i]->key, '\t') + 1;
		if (report_summary_known(known, action) >= 0)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(out[j], action) == 0)
				break;
		if (j == n)
			out[n++] = action;
	}
	qsort(out + report_summary_known_count(out, known, n), n -
	    report_summary_known_count(out, known, n), sizeof(*out),
	    report_summary_strcmp);
	*n_r = n;
	return out;
}

/* report_summary_axis - the values seen on one axis, in report order */
const char **
report_summary_axis(const struct report_summary *s, enum report_summary_axis axis,
    int all_known, size_t *n_r)
{
	const struct report_count_entry *const *e;
	const char *const *known;
	struct report_count *t;
	const char **out;
	size_t n = 0, i, cap;

	if (axis == REPORT_SUMMARY_AXIS_DAY) {
		t = s->tables[REPORT_SUMMARY_DAY];
		out = xcalloc(report_count_size(t) + 1, sizeof(*out));
		e = report_count_sorted(t, 1);
		for (i = 0; e[i] != NULL; i++)
			out[n++] = e[i]->key;
		*n_r = n;
		return out;
	}
	if (axis == REPORT_SUMMARY_AXIS_ACTION)
		return report_summary_actions(s, all_known, n_r);
	known = axis == REPORT_SUMMARY_AXIS_CLASS ? report_summary_classes :
	    report_summary_modes;
	t = s->tables[axis == REPORT_SUMMARY_AXIS_CLASS ? REPORT_SUMMARY_CLASS :
	    REPORT_SUMMARY_MODE];
	cap = report_count_size(t) + 16;
	out = xcalloc(cap, sizeof(*out));
	for (i = 0; known[i] != NULL; i++)
		if (all_known || report_count_get(t, known[i], strlen(known[i])) > 0)
			out[n++] = known[i];
	e = report_count_sorted(t, 1);
	for (i = 0; e[i] != NULL; i++)
		if (report_summary_known(known, e[i]->key) < 0)
			out[n++] = e[i]->key;
	*n_r = n;
	return out;
}

/* report_summary_write_top - one "count  key" section, at most top lines */
static void
report_summary_write_top(struct strbuf *out, struct report_count *t,
    const char *title, const char *what, size_t top)
{
	const struct report_count_entry *const *e;
	size_t i;

	strbuf_appendf(out, "\n%s:\n", title);
	e = report_count_sorted(t, 0);
	if (e[0] == NULL) {
		strbuf_append_str(out, "  (none)\n");
		return;
	}
	strbuf_appendf(out, "  %10s  %s\n", "count", what);
	for (i = 0; e[i] != NULL && (top == 0 || i < top); i++) {
		strbuf_appendf(out, "  %10llu  ",
		    (unsigned long long)e[i]->count);
		report_output_text(out, e[i]->key);
		strbuf_append_char(out, '\n');
	}
}

/* report_summary_get - count of the key "a\tb[\tc]" in table t */
uint64_t
report_summary_get(const struct report_summary *s, enum report_summary_table t,
    struct strbuf *key, const char *a, const char *b, const char *c)
{
	strbuf_reset(key);
	strbuf_appendf(key, "%s\t%s", a, b);
	if (c != NULL)
		strbuf_appendf(key, "\t%s", c);
	return report_count_get(s->tables[t], key->data, key->len);
}

/* report_summary_write_matrix - records by class and action in one mode */
static void
report_summary_write_matrix(const struct report_summary *s, struct strbuf *out,
    const char *mode)
{
	struct strbuf key = STRBUF_INIT;
	const char **rows, **cols;
	size_t nrows, ncols, r, c, w, width = 12;
	uint64_t v, total;

	rows = report_summary_axis(s, REPORT_SUMMARY_AXIS_CLASS, 0, &nrows);
	cols = report_summary_axis(s, REPORT_SUMMARY_AXIS_ACTION, 1, &ncols);
	for (r = 0; r < nrows; r++)
		if ((w = strlen(rows[r])) > width)
			width = w;
	strbuf_append_str(out, "\nrecords by class and action, mode ");
	report_output_text(out, mode);
	strbuf_appendf(out, " (%s):\n  %-*s", report_summary_mode_title(mode),
	    (int)width, "class");
	for (c = 0; c < ncols; c++)
		strbuf_appendf(out, " %*s", (int)(strlen(cols[c]) < 8 ? 8 :
		    strlen(cols[c])), cols[c]);
	strbuf_appendf(out, " %10s\n", "total");
	for (r = 0; r <= nrows; r++) {
		strbuf_appendf(out, "  %-*s", (int)width,
		    r < nrows ? rows[r] : "total");
		total = 0;
		for (c = 0; c < ncols; c++) {
			if (r < nrows)
				v = report_summary_get(s, REPORT_SUMMARY_CLASS_ACTION,
				    &key, mode, rows[r], cols[c]);
			else
				v = report_summary_get(s, REPORT_SUMMARY_ACTION,
				    &key, mode, cols[c], NULL);
			total += v;
			strbuf_appendf(out, " %*llu", (int)(strlen(cols[c]) < 8 ?
			    8 : strlen(cols[c])), (unsigned long long)v);
		}
		strbuf_appendf(out, " %10llu\n", (unsigned long long)total);
	}
	free(rows);
	free(cols);
	strbuf_release(&key);
}

/* report_summary_write_partners - reroutes per partner in one mode */
static void
report_summary_write_partners(const struct report_summary *s,
    struct strbuf *out, const char *mode)
{
	struct report_count *t = s->tables[REPORT_SUMMARY_PARTNER];
	const struct report_count_entry *const *e = report_count_sorted(t, 0);
	size_t i, mlen = strlen(mode), n = 0;

	strbuf_append_str(out, "\nreroutes per partner, mode ");
	report_output_text(out, mode);
	strbuf_append_str(out, ":\n");
	for (i = 0; e[i] != NULL; i++) {
		if (strncmp(e[i]->key, mode, mlen) != 0 || e[i]->key[mlen] != '\t')
			continue;
		if (n++ == 0)
			strbuf_appendf(out, "  %10s  %s\n", "count", "partner");
		strbuf_appendf(out, "  %10llu  ", (unsigned long long)e[i]->count);
		report_output_text(out, e[i]->key + mlen + 1);
		strbuf_append_char(out, '\n');
	}
	if (n == 0)
		strbuf_append_str(out, "  (none)\n");
}

/* report_summary_write_text - the plain text report */
int
report_summary_write_text(const struct report_summary *s, FILE *fp, size_t top,
    const char *head)
{
	struct strbuf out = STRBUF_INIT, key = STRBUF_INIT;
	const char **modes;
	size_t nmodes, m;
	int ret = 0;

	strbuf_append_str(&out, head);
	strbuf_appendf(&out, "records read:     %llu\n",
	    (unsigned long long)s->read);
	strbuf_appendf(&out, "malformed lines:  %llu\n",
	    (unsigned long long)s->malformed);
	strbuf_appendf(&out, "oversized lines:  %llu\n",
	    (unsigned long long)s->oversized);
	strbuf_appendf(&out, "records matched:  %llu\n",
	    (unsigned long long)s->matched);
	modes = report_summary_axis(s, REPORT_SUMMARY_AXIS_MODE, 1, &nmodes);
	for (m = 0; m < nmodes; m++) {
		strbuf_append_str(&out, "  mode ");
		report_output_text(&out, modes[m]);
		strbuf_appendf(&out, ": %llu records, %llu uncertain\n",
		    (unsigned long long)report_count_get(
		    s->tables[REPORT_SUMMARY_MODE], modes[m], strlen(modes[m])),
		    (unsigned long long)report_count_get(
		    s->tables[REPORT_SUMMARY_UNCERTAIN], modes[m],
		    strlen(modes[m])));
	}
	for (m = 0; m < nmodes; m++)
		report_summary_write_matrix(s, &out, modes[m]);

	strbuf_appendf(&key, "top %zu rules", top);
	report_summary_write_top(&out, s->tables[REPORT_SUMMARY_RULE], key.data,
	    "rule", top);
	strbuf_reset(&key);
	strbuf_appendf(&key, "top %zu senders", top);
	report_summary_write_top(&out, s->tables[REPORT_SUMMARY_SENDER], key.data,
	    "sender", top);
	for (m = 0; m < nmodes; m++)
		report_summary_write_partners(s, &out, modes[m]);
	free(modes);

	if (fwrite(out.data, 1, out.len, fp) != out.len)
		ret = -1;
	strbuf_release(&out);
	strbuf_release(&key);
	return ret;
}
