/* report_html - a self-contained HTML report with inline SVG charts */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "safe_text.h"
#include "report_output.h"
#include "report_time.h"
#include "report_html.h"

/* Colours of the actions, in the summary's action order; others grey. */
static const struct report_html_colour {
	const char *action;
	const char *colour;
} report_html_colours[] = {
	{ "untouched", "#b0b7c3" },
	{ "deliver", "#4c9a2a" },
	{ "tag", "#e0b000" },
	{ "reroute", "#2a6fdb" },
	{ "reject", "#d43d3d" },
	{ "quarantine", "#8e44ad" },
	{ "tempfail", "#e67e22" },
	{ "accept", "#16a085" },
};

static const char *const report_html_palette[] = {
	"#2a6fdb", "#d43d3d", "#4c9a2a", "#e0b000", "#8e44ad", "#16a085",
	"#e67e22", "#7f8c8d"
};

#define REPORT_CHART_W		1000
#define REPORT_CHART_LEFT	60
#define REPORT_CHART_RIGHT	20
/* Days on the chart at most: ten years. */
#define REPORT_HTML_MAX_DAYS	3660

/* report_html_plain - 1 when c is copied into the page as it is */
static int
report_html_plain(char c)
{
	switch (c) {
	case '\0': case '&': case '<': case '>': case '"': case '\'':
	case 0x7f:
		return 0;
	default:
		return (unsigned char)c >= 0x20;
	}
}

/*
 * report_html_escape - append s HTML-escaped.  Text with non-ASCII bytes
 * first goes through safe_text_terminal, so that C1 controls and bidi
 * overrides cannot reorder what an auditor reads in the page.
 */
void
report_html_escape(struct strbuf *out, const char *s)
{
	struct strbuf safe = STRBUF_INIT;
	const char *p;

	for (p = s; *p != '\0' && (unsigned char)*p < 0x80; p++)
		;
	if (*p != '\0') {
		safe_text_terminal(&safe, s, strlen(s));
		strbuf_append_str(&safe, "");
		s = safe.data;
	}
	for (;;) {
		/* Copy the run of bytes that stay as they are in one go. */
		for (p = s; report_html_plain(*p); p++)
			;
		strbuf_append(out, s, (size_t)(p - s));
		switch (*p) {
		case '\0': strbuf_release(&safe); return;
		case '&': strbuf_append_str(out, "&amp;"); break;
		case '<': strbuf_append_str(out, "&lt;"); break;
		case '>': strbuf_append_str(out, "&gt;"); break;
		case '"': strbuf_append_str(out, "&quot;"); break;
		case '\'': strbuf_append_str(out, "&#39;"); break;
		default: strbuf_append_char(out, '?'); break;	/* a control */
		}
		s = p + 1;
	}
}

/* report_html_colour - the colour of an action */
static const char *
report_html_colour(const char *action, size_t i)
{
	size_t k;

	for (k = 0; k < sizeof(report_html_colours) / sizeof(report_html_colours[0]); k++)
		if (strcmp(report_html_colours[k].action, action) == 0)
			return report_html_colours[k].colour;
	return report_html_palette[i % (sizeof(report_html_palette) /
	    sizeof(report_html_palette[0]))];
}

/* report_html_nice_max - a round axis maximum at least v */
static uint64_t
report_html_nice_max(uint64_t v)
{
	uint64_t step = 1;

	if (v == 0)
		return 1;
	while (step * 10 <= v)
		step *= 10;
	if (v <= step * 2)
		return step * 2;
	if (v <= step * 5)
		return step * 5;
	return step * 10;
}

/*
 * report_html_days - first and last day (as day numbers since the epoch)
 * of the chart: the requested period where it is bounded, else the
 * covered one; a period of more than REPORT_HTML_MAX_DAYS days shows its
 * last ones.  0 when there is nothing to show.
 */
static int
report_html_days(const struct report_summary *s, const struct report_header *h,
    int64_t *first_r, int64_t *last_r)
{
	int64_t first, last, cfirst, clast;
	int covered = report_summary_covered(s, &cfirst, &clast);

	if (!covered && !(h->has_since && h->has_until))
		return 0;
	first = h->has_since ? h->since_us : cfirst;
	last = h->has_until ? h->until_us - 1 : clast;
	if (covered && cfirst < first)
		first = cfirst;
	if (covered && clast > last)
		last = clast;
	if (last < first)
		return 0;
	*first_r = first / REPORT_TIME_DAY_US - (first < 0 &&
	    first % REPORT_TIME_DAY_US != 0);
	*last_r = last / REPORT_TIME_DAY_US - (last < 0 &&
	    last % REPORT_TIME_DAY_US != 0);
	if (*last_r - *first_r >= REPORT_HTML_MAX_DAYS)
		*first_r = *last_r - REPORT_HTML_MAX_DAYS + 1;
	return 1;
}

/*
 * report_html_chart_daily - records per day of one mode, stacked by
 * action.  Every day of the period has a group (class "day", data-day,
 * data-n = the records of this mode that day); a day without any record
 * at all, in any mode, is a gap and is marked as one.
 */
static void
report_html_chart_daily(struct strbuf *out, const struct report_summary *s,
    const struct report_header *h, const char *mode)
{
	struct report_count *days_t = report_summary_table(s, REPORT_SUMMARY_DAY);
	struct strbuf key = STRBUF_INIT, day = STRBUF_INIT;
	const char **actions;
	size_t ndays, nactions, d, a, every;
	const int top = 40, plot_h = 260, height = 380;
	uint64_t max = 0, v, ymax, tick, total, all;
	int64_t first = 0, last = -1;
	double bw, x, y, hgt;

	if (!report_html_days(s, h, &first, &last))
		last = first - 1;
	ndays = (size_t)(last - first + 1);
	actions = report_summary_axis(s, REPORT_SUMMARY_AXIS_ACTION, 0, &nactions);
	for (d = 0; d < ndays; d++) {
		strbuf_reset(&day);
		report_time_day(&day, (first + (int64_t)d) * REPORT_TIME_DAY_US);
		for (a = 0, total = 0; a < nactions; a++)
			total += report_summary_get(s, REPORT_SUMMARY_DAILY, &key,
			    day.data, mode, actions[a]);
		if (total > max)
			max = total;
	}
	ymax = report_html_nice_max(max);
	strbuf_append_str(out, "<svg id=\"chart-daily-");
	report_html_escape(out, mode);
	strbuf_appendf(out, "\" class=\"chart-daily\" role=\"img\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n"
	    "<title>Decisions per day by action, mode ", REPORT_CHART_W, height,
	    REPORT_CHART_W, height);
	report_html_escape(out, mode);
	strbuf_append_str(out, " (");
	report_html_escape(out, report_summary_mode_title(mode));
	strbuf_append_str(out, ")</title>\n");
	if (ndays == 0)
		strbuf_appendf(out, "<text x=\"%d\" y=\"%d\">no records</text>\n",
		    REPORT_CHART_LEFT, top + plot_h / 2);
	for (tick = 0; tick <= 4 && ndays > 0; tick++) {
		y = top + plot_h - (double)plot_h * (double)tick / 4;
		strbuf_appendf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		    "y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" "
		    "class=\"ylab\">%llu</text>\n", REPORT_CHART_LEFT, y,
		    REPORT_CHART_W - REPORT_CHART_RIGHT, y, REPORT_CHART_LEFT - 6,
		    y + 4, (unsigned long long)(ymax * tick / 4));
	}
	bw = ndays > 0 ? (double)(REPORT_CHART_W - REPORT_CHART_LEFT -
	    REPORT_CHART_RIGHT) / (double)ndays : 0;
	every = ndays / 12 + 1;
	for (d = 0; d < ndays; d++) {
		strbuf_reset(&day);
		report_time_day(&day, (first + (int64_t)d) * REPORT_TIME_DAY_US);
		all = report_count_get(days_t, day.data, day.len);
		for (a = 0, total = 0; a < nactions; a++)
			total += report_summary_get(s, REPORT_SUMMARY_DAILY, &key,
			    day.data, mode, actions[a]);
		x = REPORT_CHART_LEFT + bw * (double)d;
		y = top + plot_h;
		strbuf_appendf(out, "<g class=\"day%s\" data-day=\"%s\" "
		    "data-n=\"%llu\">", all == 0 ? " gap" : "", day.data,
		    (unsigned long long)total);
		if (all == 0)
			strbuf_appendf(out, "<rect x=\"%.1f\" y=\"%d\" "
			    "width=\"%.1f\" height=\"%d\" class=\"gap\">"
			    "<title>%s: no records at all (gap)</title></rect>",
			    x, top, bw, plot_h, day.data);
		else if (total == 0)
			strbuf_appendf(out, "<title>%s: 0</title>", day.data);
		for (a = 0; a < nactions; a++) {
			v = report_summary_get(s, REPORT_SUMMARY_DAILY, &key,
			    day.data, mode, actions[a]);
			if (v == 0)
				continue;
			hgt = (double)plot_h * (double)v / (double)ymax;
			y -= hgt;
			strbuf_appendf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			    "<title>%s ", x + bw * 0.1, y, bw * 0.8, hgt,
			    report_html_colour(actions[a], a), day.data);
			report_html_escape(out, actions[a]);
			strbuf_appendf(out, ": %llu</title></rect>",
			    (unsigned long long)v);
		}
		strbuf_append_str(out, "</g>\n");
		if (d % every == 0)
			strbuf_appendf(out, "<text x=\"%.1f\" y=\"%d\" "
			    "class=\"xlab\">%s</text>\n", x + bw / 2,
			    top + plot_h + 16, day.data);
	}
	for (a = 0; a < nactions; a++) {
		x = REPORT_CHART_LEFT + 120.0 * (double)(a % 7);
		y = top + plot_h + 40 + 22 * (double)(a / 7);
		strbuf_appendf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
		    "height=\"12\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">",
		    x, y, report_html_colour(actions[a], a), x + 16, y + 11);
		report_html_escape(out, actions[a]);
		strbuf_append_str(out, "</text>\n");
	}
	x = REPORT_CHART_LEFT + 120.0 * (double)(nactions % 7);
	y = top + plot_h + 40 + 22 * (double)(nactions / 7);
	strbuf_appendf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
	    "height=\"12\" class=\"gap\"/><text x=\"%.1f\" y=\"%.1f\">"
	    "gap: no records</text>\n", x, y, x + 16, y + 11);
	strbuf_append_str(out, "</svg>\n");
	free(actions);
	strbuf_release(&key);
	strbuf_release(&day);
}

/*
 * report_html_chart_bars - horizontal bars of (label, count) pairs from a
 * sorted entry list, at most top of them.
 */
static void
report_html_chart_bars(struct strbuf *out, const char *id, const char *title,
    const char **labels, const uint64_t *counts, size_t n)
{
	const int label_w = 260, row_h = 26, top = 10;
	uint64_t max = 0;
	double w;
	size_t i;
	int height = top * 2 + row_h * (int)(n > 0 ? n : 1);

	for (i = 0; i < n; i++)
		if (counts[i] > max)
			max = counts[i];
	strbuf_appendf(out, "<svg id=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\">\n<title>%s</title>\n", id, REPORT_CHART_W,
	    height, REPORT_CHART_W, height, title);
	if (n == 0)
		strbuf_appendf(out, "<text x=\"%d\" y=\"%d\">no records</text>\n",
		    label_w, top + 16);
	for (i = 0; i < n; i++) {
		w = max > 0 ? (double)(REPORT_CHART_W - label_w - 90) *
		    (double)counts[i] / (double)max : 0;
		strbuf_appendf(out, "<text x=\"%d\" y=\"%d\" class=\"ylab\">",
		    label_w - 8, top + row_h * (int)i + 17);
		report_html_escape(out, labels[i]);
		strbuf_appendf(out, "</text><rect x=\"%d\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>",
		    label_w, top + row_h * (int)i + 4, w < 1 ? 1 : w, row_h - 8,
		    report_html_palette[i % (sizeof(report_html_palette) /
		    sizeof(report_html_palette[0]))]);
		report_html_escape(out, labels[i]);
		strbuf_appendf(out, ": %llu</title></rect><text x=\"%.1f\" "
		    "y=\"%d\">%llu</text>\n", (unsigned long long)counts[i],
		    label_w + (w < 1 ? 1 : w) + 6, top + row_h * (int)i + 17,
		    (unsigned long long)counts[i]);
	}
	strbuf_append_str(out, "</svg>\n");
}

/* report_html_chart_table - a bar chart of a count table's top entries */
static void
report_html_chart_table(struct strbuf *out, const char *id, const char *title,
    struct report_count *t, size_t top)
{
	const struct report_count_entry *const *e = report_count_sorted(t, 0);
	const char **labels;
	uint64_t *counts;
	size_t n;

	for (n = 0; e[n] != NULL && (top == 0 || n < top); n++)
		;
	labels = xcalloc(n + 1, sizeof(*labels));
	counts = xcalloc(n + 1, sizeof(*counts));
	for (n = 0; e[n] != NULL && (top == 0 || n < top); n++) {
		labels[n] = e[n]->key;
		counts[n] = e[n]->count;
	}
	report_html_chart_bars(out, id, title, labels, counts, n);
	free(labels);
	free(counts);
}

/* report_html_chart_classes - records per class, in report order */
static void
report_html_chart_classes(struct strbuf *out, const struct report_summary *s)
{
	struct report_count *t = report_summary_table(s, REPORT_SUMMARY_CLASS);
	const char **classes;
	uint64_t *counts;
	size_t n, i;

	classes = report_summary_axis(s, REPORT_SUMMARY_AXIS_CLASS, 0, &n);
	counts = xcalloc(n + 1, sizeof(*counts));
	for (i = 0; i < n; i++)
		counts[i] = report_count_get(t, classes[i], strlen(classes[i]));
	report_html_chart_bars(out, "chart-classes", "Records per class",
	    classes, counts, n);
	free(classes);
	free(counts);
}

/* report_html_table_top - a two-column table of a count table */
static void
report_html_table_top(struct strbuf *out, const char *caption,
    const char *what, struct report_count *t, size_t top)
{
	const struct report_count_entry *const *e = report_count_sorted(t, 0);
	size_t i;

	strbuf_appendf(out, "<table class=\"top\"><caption>%s</caption>\n"
	    "<tr><th>%s</th><th class=\"n\">count</th></tr>\n", caption, what);
	if (e[0] == NULL)
		strbuf_append_str(out, "<tr><td colspan=\"2\">none</td></tr>\n");
	for (i = 0; e[i] != NULL && (top == 0 || i < top); i++) {
		strbuf_append_str(out, "<tr><td>");
		report_html_escape(out, e[i]->key);
		strbuf_appendf(out, "</td><td class=\"n\">%llu</td></tr>\n",
		    (unsigned long long)e[i]->count);
	}
	strbuf_append_str(out, "</table>\n");
}

/* report_html_table_matrix - records by class and action in one mode */
static void
report_html_table_matrix(struct strbuf *out, const struct report_summary *s,
    const char *mode)
{
	struct strbuf key = STRBUF_INIT;
	const char **rows, **cols;
	size_t nrows, ncols, r, c;
	uint64_t v, total;

	rows = report_summary_axis(s, REPORT_SUMMARY_AXIS_CLASS, 0, &nrows);
	cols = report_summary_axis(s, REPORT_SUMMARY_AXIS_ACTION, 1, &ncols);
	strbuf_append_str(out, "<table id=\"class-action-");
	report_html_escape(out, mode);
	strbuf_append_str(out, "\" class=\"matrix\"><caption>Records by class "
	    "and action, mode ");
	report_html_escape(out, mode);
	strbuf_append_str(out, " (");
	report_html_escape(out, report_summary_mode_title(mode));
	strbuf_append_str(out, ")</caption>\n<tr><th>class</th>");
	for (c = 0; c < ncols; c++) {
		strbuf_append_str(out, "<th class=\"n\">");
		report_html_escape(out, cols[c]);
		strbuf_append_str(out, "</th>");
	}
	strbuf_append_str(out, "<th class=\"n\">total</th></tr>\n");
	for (r = 0; r <= nrows; r++) {
		strbuf_appendf(out, "<tr%s><td>", r == nrows ? " class=\"total\"" : "");
		report_html_escape(out, r < nrows ? rows[r] : "total");
		strbuf_append_str(out, "</td>");
		total = 0;
		for (c = 0; c < ncols; c++) {
			v = r < nrows ? report_summary_get(s,
			    REPORT_SUMMARY_CLASS_ACTION, &key, mode, rows[r],
			    cols[c]) : report_summary_get(s, REPORT_SUMMARY_ACTION,
			    &key, mode, cols[c], NULL);
			total += v;
			strbuf_appendf(out, "<td class=\"n%s\">%llu</td>",
			    v == 0 ? " zero" : "", (unsigned long long)v);
		}
		strbuf_appendf(out, "<td class=\"n\">%llu</td></tr>\n",
		    (unsigned long long)total);
	}
	strbuf_append_str(out, "</table>\n");
	free(rows);
	free(cols);
	strbuf_release(&key);
}

/* report_html_table_partners - reroutes per partner in one mode */
static void
report_html_table_partners(struct strbuf *out, const struct report_summary *s,
    const char *mode)
{
	const struct report_count_entry *const *e = report_count_sorted(
	    report_summary_table(s, REPORT_SUMMARY_PARTNER), 0);
	size_t i, n = 0, mlen = strlen(mode);

	strbuf_append_str(out, "<table class=\"top\" id=\"partners-");
	report_html_escape(out, mode);
	strbuf_append_str(out, "\"><caption>Reroutes per partner, mode ");
	report_html_escape(out, mode);
	strbuf_append_str(out, "</caption>\n<tr><th>partner</th>"
	    "<th class=\"n\">count</th></tr>\n");
	for (i = 0; e[i] != NULL; i++) {
		if (strncmp(e[i]->key, mode, mlen) != 0 || e[i]->key[mlen] != '\t')
			continue;
		n++;
		strbuf_append_str(out, "<tr><td>");
		report_html_escape(out, e[i]->key + mlen + 1);
		strbuf_appendf(out, "</td><td class=\"n\">%llu</td></tr>\n",
		    (unsigned long long)e[i]->count);
	}
	if (n == 0)
		strbuf_append_str(out, "<tr><td colspan=\"2\">none</td></tr>\n");
	strbuf_append_str(out, "</table>\n");
}

/* report_html_ranges - a table of names with record counts and time ranges */
static void
report_html_ranges(struct strbuf *out, const struct report_summary *s,
    enum report_summary_table which, const char *id, const char *what)
{
	const struct report_count_entry *const *e = report_count_sorted(
	    report_summary_table(s, which), 1);

	strbuf_appendf(out, "<table id=\"%s\"><tr><th>%s</th><th class=\"n\">"
	    "records</th><th>first record</th><th>last record</th></tr>\n",
	    id, what);
	if (e[0] == NULL)
		strbuf_append_str(out, "<tr><td colspan=\"4\">none</td></tr>\n");
	for (; *e != NULL; e++) {
		strbuf_append_str(out, "<tr><td>");
		report_html_escape(out, (*e)->key);
		strbuf_appendf(out, "</td><td class=\"n\">%llu</td><td>",
		    (unsigned long long)(*e)->count);
		report_time_iso(out, (*e)->first_us);
		strbuf_append_str(out, "</td><td>");
		report_time_iso(out, (*e)->last_us);
		strbuf_append_str(out, "</td></tr>\n");
	}
	strbuf_append_str(out, "</table>\n");
}

/* report_html_fact - one row of the header table, its value escaped */
static void
report_html_fact(struct strbuf *out, const char *id, const char *name,
    const char *value)
{
	strbuf_appendf(out, "<tr><th>%s</th><td id=\"%s\">", name, id);
	report_html_escape(out, value);
	strbuf_append_str(out, "</td></tr>\n");
}

/* report_html_header - the facts that make the report evidence */
static void
report_html_header(struct strbuf *out, const struct report_summary *s,
    const struct report_header *h)
{
	struct strbuf v = STRBUF_INIT;
	const struct report_input *in;
	const char **modes;
	uint64_t read, matched, malformed;
	size_t i, nmodes;

	report_summary_totals(s, &read, &matched, &malformed);
	strbuf_append_str(out, "<section id=\"report-header\">\n"
	    "<table id=\"facts\">\n");
	report_header_period(&v, h);
	report_html_fact(out, "period-requested", "Period requested", v.data);
	strbuf_reset(&v);
	report_header_covered(&v, s);
	report_html_fact(out, "period-covered", "Period covered by records",
	    v.data);
	strbuf_reset(&v);
	report_time_iso(&v, h->generated_us);
	report_html_fact(out, "generated", "Generated", v.data);
	report_html_fact(out, "command", "Command line", h->command);
	report_html_fact(out, "selection", "Selection", h->selection);
	strbuf_reset(&v);
	strbuf_appendf(&v, "%zu bytes (longer lines are skipped and counted)",
	    h->max_record);
	report_html_fact(out, "max-record", "Record size cap", v.data);
	strbuf_append_str(out, "</table>\n<h2>Inputs</h2>\n<table id=\"inputs\">"
	    "<tr><th>file</th><th class=\"n\">records</th><th class=\"n\">"
	    "malformed lines</th><th class=\"n\">oversized lines</th>"
	    "<th>status</th></tr>\n");
	for (i = 0; i < h->ninputs; i++) {
		in = &h->inputs[i];
		strbuf_appendf(out, "<tr class=\"input%s\"><td>",
		    in->error.len > 0 ? " unreadable" : "");
		report_html_escape(out, in->name);
		strbuf_appendf(out, "</td><td class=\"n\">%llu</td><td class=\"n\">"
		    "%llu</td><td class=\"n\">%llu</td><td>",
		    (unsigned long long)in->records,
		    (unsigned long long)in->malformed,
		    (unsigned long long)in->oversized);
		if (in->error.len > 0) {
			strbuf_append_str(out, "UNREADABLE: ");
			report_html_escape(out, in->error.data);
		} else
			strbuf_append_str(out, "read");
		strbuf_append_str(out, "</td></tr>\n");
	}
	strbuf_appendf(out, "</table>\n<table id=\"totals\">"
	    "<tr><th>records read</th><td class=\"n\" id=\"n-read\">%llu</td></tr>\n"
	    "<tr><th>malformed lines</th><td class=\"n\" id=\"n-malformed\">%llu"
	    "</td></tr>\n<tr><th>oversized lines</th><td class=\"n\" "
	    "id=\"n-oversized\">%llu</td></tr>\n<tr><th>records matched</th>"
	    "<td class=\"n\" id=\"n-matched\">%llu</td></tr>\n",
	    (unsigned long long)read, (unsigned long long)malformed,
	    (unsigned long long)report_summary_oversized(s),
	    (unsigned long long)matched);
	modes = report_summary_axis(s, REPORT_SUMMARY_AXIS_MODE, 1, &nmodes);
	for (i = 0; i < nmodes; i++) {
		strbuf_append_str(out, "<tr><th>mode ");
		report_html_escape(out, modes[i]);
		strbuf_append_str(out, " (");
		report_html_escape(out, report_summary_mode_title(modes[i]));
		strbuf_append_str(out, ")</th><td class=\"n\" id=\"n-mode-");
		report_html_escape(out, modes[i]);
		strbuf_appendf(out, "\">%llu</td></tr>\n<tr><th>uncertain, mode ",
		    (unsigned long long)report_count_get(report_summary_table(s,
		    REPORT_SUMMARY_MODE), modes[i], strlen(modes[i])));
		report_html_escape(out, modes[i]);
		strbuf_append_str(out, "</th><td class=\"n\" id=\"n-uncertain-");
		report_html_escape(out, modes[i]);
		strbuf_appendf(out, "\">%llu</td></tr>\n",
		    (unsigned long long)report_count_get(report_summary_table(s,
		    REPORT_SUMMARY_UNCERTAIN), modes[i], strlen(modes[i])));
	}
	free(modes);
	strbuf_append_str(out, "</table>\n<h2>Instances</h2>\n");
	report_html_ranges(out, s, REPORT_SUMMARY_INSTANCE, "instances",
	    "instance");
	strbuf_append_str(out, "<h2>Config versions</h2>\n");
	report_html_ranges(out, s, REPORT_SUMMARY_CONFIG, "configs",
	    "config version");
	strbuf_append_str(out, "</section>\n");
	strbuf_release(&v);
}

/* report_html_css_string - append s as the inside of a CSS string */
static void
report_html_css_string(struct strbuf *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			strbuf_append_char(out, '?');
		else if (*p >= 0x80 || (*p >= '0' && *p <= '9') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    strchr(" -.,:;()_+=@", *p) != NULL)
			strbuf_append_char(out, (char)*p);
		else
			strbuf_appendf(out, "\\%x ", *p);
	}
}

/*
 * report_html_print_head - the header repeated on every printed page: a
 * page margin box (CSS Paged Media) that names the report, the requested
 * and covered periods, the generation time and the selection, and the
 * page number.  The detail table's column headings repeat as well.
 */
static void
report_html_print_head(struct strbuf *out, const struct report_summary *s,
    const struct report_header *h)
{
	struct strbuf v = STRBUF_INIT;

	strbuf_append_str(&v, "csp-milter audit report; requested: ");
	report_header_period(&v, h);
	strbuf_append_str(&v, "; covered: ");
	report_header_covered(&v, s);
	strbuf_append_str(&v, "; generated: ");
	report_time_iso(&v, h->generated_us);
	strbuf_append_str(&v, "; selection: ");
	strbuf_append_str(&v, h->selection);
	strbuf_append_str(out, "@page{margin:20mm 12mm 14mm 12mm;"
	    "@top-left{content:\"");
	report_html_css_string(out, v.data);
	strbuf_append_str(out, "\";font-size:8pt;font-family:sans-serif;"
	    "vertical-align:bottom;padding-bottom:2mm;"
	    "border-bottom:0.5pt solid #999}"
	    "@bottom-right{content:\"page \" counter(page) \" of \" "
	    "counter(pages);font-size:8pt;font-family:sans-serif}}\n");
	strbuf_release(&v);
}

static const char report_html_style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
	"margin:24px;color:#222;max-width:1240px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
	"border-bottom:1px solid #ddd;padding-bottom:4px}\n"
	"table{border-collapse:collapse;margin:8px 16px 8px 0;font-size:13px}\n"
	"caption{text-align:left;font-weight:600;padding:4px 0}\n"
	"th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f3f5f8}td.n,th.n{text-align:right;"
	"font-variant-numeric:tabular-nums}\n"
	"td.zero{color:#bbb}tr.total td{font-weight:600;background:#fafafa}\n"
	"tr.unreadable td{background:#fde8e8;font-weight:600}\n"
	".tops{display:flex;flex-wrap:wrap;align-items:flex-start}\n"
	"svg{display:block;max-width:100%;height:auto;font-size:12px}\n"
	"svg .grid{stroke:#e5e5e5}svg .ylab{text-anchor:end}"
	"svg .xlab{text-anchor:middle}\n"
	"svg .gap{fill:#f2c9c9;fill-opacity:.6;stroke:#d43d3d;"
	"stroke-dasharray:3 2}\n"
	".dt{table-layout:fixed;width:100%;font-size:12px;margin:0}\n"
	".dt td{overflow-wrap:anywhere}\n"
	"#detail-head th{cursor:pointer;user-select:none}\n"
	"#detail-head th[aria-sort=ascending]::after{content:' \\25b2'}\n"
	"#detail-head th[aria-sort=descending]::after{content:' \\25bc'}\n"
	".dt tr.m-monitor td{background:#f6f1fb;font-style:italic}\n"
	".chunk{content-visibility:auto;contain-intrinsic-size:auto 12000px}\n"
	".dt thead.rep{display:none}\n"
	"@media print{body{margin:0;max-width:none}"
	"#detail-filter-box{display:none}"
	"table{page-break-inside:auto}tr{page-break-inside:avoid}"
	".dt thead.rep{display:table-header-group}"
	"svg{page-break-inside:avoid}}\n";

/*
 * The detail table's behaviour: sort by a column on a click on its
 * heading, and show only the rows that contain the filter box's text.
 * The rows are in the page as HTML, so printing and reading without
 * script show them all.  A link may preset both: "#q=TEXT" filters,
 * "#sort=N" sorts by column N (from 0), "#sort=-N" in reverse.
 */
static const char report_html_script[] =
	"(function(){\n"
	"var t=document.getElementById('detail-head');if(!t)return;\n"
	"var tbs=Array.prototype.slice.call(document.querySelectorAll('#detail tbody')),"
	"rows=Array.prototype.slice.call(document.querySelectorAll('#detail tbody tr')),"
	"keys=null;\n"
	"var box=document.getElementById('detail-filter'),"
	"shown=document.getElementById('detail-shown'),timer=null;\n"
	"function upd(n){shown.textContent=n+' of '+rows.length+' rows shown';}\n"
	"function run(){var q=box.value.toLowerCase(),n=0,i,m;"
	"if(!keys){keys=rows.map(function(r){return r.textContent.toLowerCase();});}"
	"for(i=0;i<rows.length;i++){m=q===''||keys[i].indexOf(q)>=0;"
	"if(rows[i].hidden===m)rows[i].hidden=!m;if(m)n++;}upd(n);}\n"
	"box.addEventListener('input',function(){clearTimeout(timer);"
	"timer=setTimeout(run,120);});\n"
	"var ths=t.tHead.rows[0].cells;\n"
	"Array.prototype.forEach.call(ths,function(th,c){th.addEventListener('click',"
	"function(){var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;"
	"Array.prototype.forEach.call(ths,function(h){h.removeAttribute('aria-sort');});"
	"th.setAttribute('aria-sort',dir>0?'ascending':'descending');"
	"var v=rows.map(function(r,i){return [r.cells[c].textContent,i,keys?keys[i]:null];});"
	"v.sort(function(a,b){return a[0]<b[0]?-dir:a[0]>b[0]?dir:a[1]-b[1];});"
	"var old=rows;rows=v.map(function(x){return old[x[1]];});"
	"keys=keys?v.map(function(x){return x[2];}):null;"
	"tbs.forEach(function(tb,k){var f=document.createDocumentFragment(),"
	"j,e=Math.min(rows.length,(k+1)*%d);for(j=k*%d;j<e;j++)f.appendChild(rows[j]);"
	"tb.appendChild(f);});});});\n"
	"upd(rows.length);\n"
	"location.hash.slice(1).split('&').forEach(function(p){"
	"var i=p.indexOf('='),k=i<0?p:p.slice(0,i),v=i<0?'':p.slice(i+1),n;"
	"if(k==='sort'){n=Math.abs(parseInt(v,10));if(ths[n]){ths[n].click();"
	"if(v.charAt(0)==='-')ths[n].click();}}"
	"if(k==='q'){box.value=decodeURIComponent(v);run();}});\n"
	"document.documentElement.setAttribute('data-rows',String(rows.length));\n"
	"void document.body.offsetHeight;\n"
	"document.documentElement.setAttribute('data-ready-ms',"
	"String(Math.round(performance.now())));\n"
	"})();\n";

static const char report_html_colgroup[] =
	"<colgroup><col style=\"width:11%\"><col style=\"width:8%\">"
	"<col style=\"width:12%\"><col style=\"width:12%\">"
	"<col style=\"width:7%\"><col style=\"width:10%\">"
	"<col style=\"width:8%\"><col style=\"width:10%\">"
	"<col style=\"width:6%\"><col style=\"width:6%\">"
	"<col style=\"width:10%\"></colgroup>";
static const char report_html_detail_heads[] =
	"<tr><th>time</th><th>queue ID</th><th>sender</th><th>recipient</th>"
	"<th>customer</th><th>partner</th><th>class</th><th>rules</th>"
	"<th>action</th><th>mode</th><th>release</th></tr>";

/* report_html_chunk_open - start a chunk of detail rows */
static void
report_html_chunk_open(struct strbuf *out)
{
	strbuf_append_str(out, "<div class=\"chunk\"><table class=\"dt\">");
	strbuf_append_str(out, report_html_colgroup);
	strbuf_append_str(out, "<thead class=\"rep\">");
	strbuf_append_str(out, report_html_detail_heads);
	strbuf_append_str(out, "</thead><tbody>\n");
}

/* report_html_chunk - end a chunk of detail rows and start the next */
void
report_html_chunk(struct strbuf *out)
{
	strbuf_append_str(out, "</tbody></table></div>\n");
	report_html_chunk_open(out);
}

/* report_html_begin - the page up to the detail table's first row */
void
report_html_begin(struct strbuf *out, const struct report_summary *s,
    size_t top, const struct report_header *h)
{
	struct strbuf title = STRBUF_INIT;
	const char **modes;
	size_t nmodes, m;

	strbuf_append_str(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<title>csp-milter audit report</title>\n<style>\n");
	strbuf_append_str(out, report_html_style);
	report_html_print_head(out, s, h);
	strbuf_append_str(out, "</style>\n</head>\n<body>\n");
	strbuf_append_str(out, "<div id=\"report-body\">\n"
	    "<h1>csp-milter audit report</h1>\n");
	report_html_header(out, s, h);
	modes = report_summary_axis(s, REPORT_SUMMARY_AXIS_MODE, 1, &nmodes);
	strbuf_append_str(out, "<h2>Decisions per day</h2>\n");
	for (m = 0; m < nmodes; m++) {
		strbuf_append_str(out, "<h3>Mode ");
		report_html_escape(out, modes[m]);
		strbuf_append_str(out, ": ");
		report_html_escape(out, report_summary_mode_title(modes[m]));
		strbuf_append_str(out, "</h3>\n");
		report_html_chart_daily(out, s, h, modes[m]);
	}
	strbuf_append_str(out, "<h2>Classes and actions</h2>\n");
	for (m = 0; m < nmodes; m++)
		report_html_table_matrix(out, s, modes[m]);
	report_html_chart_classes(out, s);
	strbuf_appendf(&title, "Top %zu rules", top);
	strbuf_appendf(out, "<h2>%s</h2>\n", title.data);
	report_html_chart_table(out, "chart-rules", title.data,
	    report_summary_table(s, REPORT_SUMMARY_RULE), top);
	strbuf_append_str(out, "<h2>Senders and partners</h2>\n<div class=\"tops\">\n");
	report_html_table_top(out, title.data, "rule",
	    report_summary_table(s, REPORT_SUMMARY_RULE), top);
	strbuf_reset(&title);
	strbuf_appendf(&title, "Top %zu senders", top);
	report_html_table_top(out, title.data, "sender",
	    report_summary_table(s, REPORT_SUMMARY_SENDER), top);
	for (m = 0; m < nmodes; m++)
		report_html_table_partners(out, s, modes[m]);
	strbuf_append_str(out, "</div>\n");
	free(modes);
	strbuf_append_str(out, "<h2>Every reject, reroute and quarantine</h2>\n"
	    "<p id=\"detail-filter-box\"><label>Filter: <input id=\"detail-filter\" "
	    "type=\"search\" size=\"40\"></label> <span id=\"detail-shown\">"
	    "</span></p>\n<div id=\"detail\">\n<table class=\"dt\" "
	    "id=\"detail-head\">");
	strbuf_append_str(out, report_html_colgroup);
	strbuf_append_str(out, "<thead>");
	strbuf_append_str(out, report_html_detail_heads);
	strbuf_append_str(out, "</thead></table>\n");
	report_html_chunk_open(out);
	strbuf_release(&title);
}

/* report_html_detail_row - one row; r NULL: the whole record */
static void
report_html_detail_row(struct strbuf *out, const struct report_record *rec,
    const struct report_rcpt *r)
{
	const char *mode = report_summary_mode_of(rec);

	strbuf_append_str(out, "<tr class=\"m-");
	report_html_escape(out, mode);
	strbuf_append_str(out, "\"><td>");
	report_html_escape(out, rec->time);
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, rec->queue_id);
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, *rec->mail_from != '\0' ? rec->mail_from : "<>");
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, r != NULL ? r->rcpt : "");
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, r != NULL ? r->customer : "");
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, r != NULL ? r->partner : "");
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, *rec->class_name != '\0' ? rec->class_name : "(none)");
	if (rec->uncertain)
		strbuf_append_str(out, " (uncertain)");
	strbuf_append_str(out, "</td><td>");
	if (rec->nrules > 0) {
		struct strbuf rules = STRBUF_INIT;

		report_output_rules(&rules, rec, ", ");
		report_html_escape(out, rules.data);
		strbuf_release(&rules);
	}
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, r != NULL ? r->decision : rec->action);
	strbuf_append_str(out, "</td><td>");
	report_html_escape(out, mode);
	if (strcmp(mode, "monitor") == 0)
		strbuf_append_str(out, " (would have)");
	strbuf_append_str(out, "</td><td>");
	if (report_output_held(rec)) {
		struct strbuf cmd = STRBUF_INIT;

		report_output_release_command(&cmd, rec);
		strbuf_append_str(out, "<code>");
		report_html_escape(out, cmd.data);
		strbuf_append_str(out, "</code>");
		strbuf_release(&cmd);
	}
	strbuf_append_str(out, "</td></tr>\n");
}

/* report_html_detail - the detail rows of rec */
size_t
report_html_detail(struct strbuf *out, const struct report_record *rec,
    const struct report_filter *f)
{
	size_t i, n = 0;

	for (i = report_output_detail_next(rec, f, 0); i < rec->nrcpts;
	    i = report_output_detail_next(rec, f, i + 1), n++)
		report_html_detail_row(out, rec, &rec->rcpts[i]);
	if (n == 0 && report_output_detail_whole(rec, f)) {
		report_html_detail_row(out, rec, NULL);
		n++;
	}
	return n;
}

/* report_html_end - close the detail table and the page */
void
report_html_end(struct strbuf *out, uint64_t rows, uint64_t monitor_rows)
{
	strbuf_appendf(out, "</tbody></table></div>\n</div>\n<p id=\"detail-count\" "
	    "data-rows=\"%llu\" data-monitor-rows=\"%llu\">%llu rows, of which "
	    "%llu in monitor mode (would have been applied, not applied)</p>\n"
	    "</div>\n<script>\n", (unsigned long long)rows,
	    (unsigned long long)monitor_rows, (unsigned long long)rows,
	    (unsigned long long)monitor_rows);
	strbuf_appendf(out, report_html_script, REPORT_HTML_CHUNK_ROWS,
	    REPORT_HTML_CHUNK_ROWS);
	strbuf_append_str(out, "</script>\n</body>\n</html>\n");
}
