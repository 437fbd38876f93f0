/* report_summary - aggregate counts over the matching audit records */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "report_time.h"
#include "report_output.h"
#include "report_summary.h"

/* The documented values, in report order. */
static const char *const report_summary_classes[] = {
	"subscription", "incident", "non_csp", "other", "(none)", NULL
};
static const char *const report_summary_actions[] = {
	"untouched", "deliver", "tag", "reroute", "reject", "quarantine",
	"tempfail", "accept", NULL
};

struct report_summary {
	struct report_count *tables[REPORT_SUMMARY_NTABLES];
	uint64_t read;
	uint64_t matched;
	uint64_t malformed;
	struct strbuf key;
};

/* report_summary_new - an empty summary */
struct report_summary *
report_summary_new(void)
{
	struct report_summary *s;
	int i;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		fprintf(stderr, "csp-milter-audit: out of memory\n");
		abort();
	}
	for (i = 0; i < REPORT_SUMMARY_NTABLES; i++)
		s->tables[i] = report_count_new();
	strbuf_init(&s->key, 64);
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

/* report_summary_add - count one matching record */
void
report_summary_add(struct report_summary *s, const struct report_record *rec,
    const struct report_filter *f)
{
	const char *class = *rec->class != '\0' ? rec->class : "(none)";
	size_t i, j;

	s->matched++;
	report_summary_count(s, REPORT_SUMMARY_CLASS, class);
	report_summary_count(s, REPORT_SUMMARY_ACTION, rec->action);
	strbuf_reset(&s->key);
	strbuf_append_str(&s->key, class);
	strbuf_append_char(&s->key, '\t');
	strbuf_append_str(&s->key, rec->action);
	report_count_add(s->tables[REPORT_SUMMARY_CLASS_ACTION], s->key.data,
	    s->key.len, 1);
	strbuf_reset(&s->key);
	report_time_day(&s->key, rec->time_us);
	report_count_add(s->tables[REPORT_SUMMARY_DAY], s->key.data,
	    s->key.len, 1);
	strbuf_append_char(&s->key, '\t');
	strbuf_append_str(&s->key, rec->action);
	report_count_add(s->tables[REPORT_SUMMARY_DAILY], s->key.data,
	    s->key.len, 1);
	report_summary_count(s, REPORT_SUMMARY_SENDER,
	    *rec->mail_from != '\0' ? rec->mail_from : "<>");
	for (i = 0; i < rec->nrules; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(rec->rules[j], rec->rules[i]) == 0)
				break;
		if (j == i)
			report_summary_count(s, REPORT_SUMMARY_RULE, rec->rules[i]);
	}
	for (i = 0; i < rec->nrcpts; i++) {
		if (strcmp(rec->rcpts[i].decision, "reroute") != 0 ||
		    (f != NULL && !report_filter_match_rcpt(f, &rec->rcpts[i])))
			continue;
		report_summary_count(s, REPORT_SUMMARY_PARTNER,
		    *rec->rcpts[i].partner != '\0' ? rec->rcpts[i].partner :
		    "(none)");
	}
}

/* report_summary_merge - add the counts of src to dst */
void
report_summary_merge(struct report_summary *dst, const struct report_summary *src)
{
	int i;

	for (i = 0; i < REPORT_SUMMARY_NTABLES; i++)
		report_count_merge(dst->tables[i], src->tables[i]);
	dst->matched += src->matched;
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
		if ((out = calloc(report_count_size(t) + 1, sizeof(*out))) == NULL)
			abort();
		e = report_count_sorted(t, 1);
		for (i = 0; e[i] != NULL; i++)
			out[n++] = e[i]->key;
		*n_r = n;
		return out;
	}
	known = axis == REPORT_SUMMARY_AXIS_CLASS ? report_summary_classes :
	    report_summary_actions;
	t = s->tables[axis == REPORT_SUMMARY_AXIS_CLASS ? REPORT_SUMMARY_CLASS :
	    REPORT_SUMMARY_ACTION];
	cap = report_count_size(t) + 16;
	if ((out = calloc(cap, sizeof(*out))) == NULL)
		abort();
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

/* report_summary_cell - count of "row\tcol" in the class-action table */
static uint64_t
report_summary_cell(const struct report_summary *s, struct strbuf *key,
    const char *row, const char *col)
{
	strbuf_reset(key);
	strbuf_appendf(key, "%s\t%s", row, col);
	return report_count_get(s->tables[REPORT_SUMMARY_CLASS_ACTION],
	    key->data, key->len);
}

/* report_summary_write_text - the plain text report */
int
report_summary_write_text(const struct report_summary *s, FILE *fp, size_t top)
{
	struct strbuf out = STRBUF_INIT, key = STRBUF_INIT;
	const char **rows, **cols;
	size_t nrows, ncols, r, c, w, width = 12;
	uint64_t v, total;
	int ret = 0;

	strbuf_appendf(&out, "records read:     %llu\n",
	    (unsigned long long)s->read);
	strbuf_appendf(&out, "malformed lines:  %llu\n",
	    (unsigned long long)s->malformed);
	strbuf_appendf(&out, "records matched:  %llu\n",
	    (unsigned long long)s->matched);

	rows = report_summary_axis(s, REPORT_SUMMARY_AXIS_CLASS, 0, &nrows);
	cols = report_summary_axis(s, REPORT_SUMMARY_AXIS_ACTION, 1, &ncols);
	for (r = 0; r < nrows; r++)
		if ((w = strlen(rows[r])) > width)
			width = w;
	strbuf_appendf(&out, "\nrecords by class and action:\n  %-*s", (int)width,
	    "class");
	for (c = 0; c < ncols; c++)
		strbuf_appendf(&out, " %*s", (int)(strlen(cols[c]) < 8 ? 8 :
		    strlen(cols[c])), cols[c]);
	strbuf_appendf(&out, " %10s\n", "total");
	for (r = 0; r <= nrows; r++) {
		strbuf_appendf(&out, "  %-*s", (int)width,
		    r < nrows ? rows[r] : "total");
		total = 0;
		for (c = 0; c < ncols; c++) {
			if (r < nrows)
				v = report_summary_cell(s, &key, rows[r], cols[c]);
			else
				v = report_count_get(s->tables[REPORT_SUMMARY_ACTION],
				    cols[c], strlen(cols[c]));
			total += v;
			strbuf_appendf(&out, " %*llu", (int)(strlen(cols[c]) < 8 ?
			    8 : strlen(cols[c])), (unsigned long long)v);
		}
		strbuf_appendf(&out, " %10llu\n", (unsigned long long)total);
	}
	free(rows);
	free(cols);

	strbuf_reset(&key);
	strbuf_appendf(&key, "top %zu rules", top);
	report_summary_write_top(&out, s->tables[REPORT_SUMMARY_RULE], key.data,
	    "rule", top);
	strbuf_reset(&key);
	strbuf_appendf(&key, "top %zu senders", top);
	report_summary_write_top(&out, s->tables[REPORT_SUMMARY_SENDER], key.data,
	    "sender", top);
	report_summary_write_top(&out, s->tables[REPORT_SUMMARY_PARTNER],
	    "reroutes per partner", "partner", 0);

	if (fwrite(out.data, 1, out.len, fp) != out.len)
		ret = -1;
	strbuf_release(&out);
	strbuf_release(&key);
	return ret;
}
