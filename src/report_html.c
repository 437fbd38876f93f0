/* report_html - a self-contained HTML report with inline SVG charts */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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

/* report_html_escape - append s HTML-escaped */
void
report_html_escape(struct strbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': strbuf_append_str(out, "&amp;"); break;
		case '<': strbuf_append_str(out, "&lt;"); break;
		case '>': strbuf_append_str(out, "&gt;"); break;
		case '"': strbuf_append_str(out, "&quot;"); break;
		case '\'': strbuf_append_str(out, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				strbuf_append_char(out, '?');
			else
				strbuf_append_char(out, *s);
		}
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

/* report_html_get2 - count of "a\tb" in table t */
static uint64_t
report_html_get2(struct report_count *t, struct strbuf *key, const char *a,
    const char *b)
{
	strbuf_reset(key);
	strbuf_appendf(key, "%s\t%s", a, b);
	return report_count_get(t, key->data, key->len);
}

/* report_html_chart_daily - records per day, stacked by action */
static void
report_html_chart_daily(struct strbuf *out, const struct report_summary *s)
{
	struct report_count *daily = report_summary_table(s, REPORT_SUMMARY_DAILY);
	struct report_count *days_t = report_summary_table(s, REPORT_SUMMARY_DAY);
	struct strbuf key = STRBUF_INIT;
	const char **days, **actions;
	size_t ndays, nactions, d, a, every;
	const int top = 40, plot_h = 260, height = 380;
	uint64_t max = 0, v, ymax, tick;
	double bw, x, y, h;

	days = report_summary_axis(s, REPORT_SUMMARY_AXIS_DAY, 0, &ndays);
	actions = report_summary_axis(s, REPORT_SUMMARY_AXIS_ACTION, 0, &nactions);
	for (d = 0; d < ndays; d++)
		if ((v = report_count_get(days_t, days[d], strlen(days[d]))) > max)
			max = v;
	ymax = report_html_nice_max(max);
	strbuf_appendf(out, "<svg id=\"chart-daily\" role=\"img\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n"
	    "<title>Decisions per day by action</title>\n",
	    REPORT_CHART_W, height, REPORT_CHART_W, height);
	if (ndays == 0)
		strbuf_appendf(out, "<text x=\"%d\" y=\"%d\">no records</text>\n",
		    REPORT_CHART_LEFT, top + plot_h / 2);
	/* Grid lines and y labels. */
	for (tick = 0; tick <= 4 && ndays > 0; tick++) {
		y = top + plot_h - (double)plot_h * (double)tick / 4;
		strbuf_appendf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		    "y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" "
		    "class=\"ylab\">%llu</text>\n", REPORT_CHART_LEFT, y,
		    REPORT_CHART_W - REPORT_CHART_RIGHT, y, REPORT_CHART_LEFT - 6, y + 4,
		    (unsigned long long)(ymax * tick / 4));
	}
	bw = ndays > 0 ? (double)(REPORT_CHART_W - REPORT_CHART_LEFT - REPORT_CHART_RIGHT) / ndays : 0;
	every = ndays / 12 + 1;
	for (d = 0; d < ndays; d++) {
		x = REPORT_CHART_LEFT + bw * d;
		y = top + plot_h;
		for (a = 0; a < nactions; a++) {
			v = report_html_get2(daily, &key, days[d], actions[a]);
			if (v == 0)
				continue;
			h = (double)plot_h * (double)v / (double)ymax;
			y -= h;
			strbuf_appendf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			    "<title>", x + bw * 0.1, y, bw * 0.8, h,
			    report_html_colour(actions[a], a));
			report_html_escape(out, days[d]);
			strbuf_append_str(out, " ");
			report_html_escape(out, actions[a]);
			strbuf_appendf(out, ": %llu</title></rect>\n",
			    (unsigned long long)v);
		}
		if (d % every == 0) {
			strbuf_appendf(out, "<text x=\"%.1f\" y=\"%d\" "
			    "class=\"xlab\">", x + bw / 2, top + plot_h + 16);
			report_html_escape(out, days[d]);
			strbuf_append_str(out, "</text>\n");
		}
	}
	/* Legend. */
	for (a = 0; a < nactions; a++) {
		x = REPORT_CHART_LEFT + 120.0 * (a % 7);
		y = top + plot_h + 40 + 22 * (a / 7);
		strbuf_appendf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
		    "height=\"12\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">",
		    x, y, report_html_colour(actions[a], a), x + 16, y + 11);
		report_html_escape(out, actions[a]);
		strbuf_append_str(out, "</text>\n");
	}
	strbuf_append_str(out, "</svg>\n");
	free(days);
	free(actions);
	strbuf_release(&key);
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
	if ((labels = calloc(n + 1, sizeof(*labels))) == NULL ||
	    (counts = calloc(n + 1, sizeof(*counts))) == NULL)
		abort();
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
	if ((counts = calloc(n + 1, sizeof(*counts))) == NULL)
		abort();
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

/* report_html_table_matrix - records by class and action */
static void
report_html_table_matrix(struct strbuf *out, const struct report_summary *s)
{
	struct report_count *ca = report_summary_table(s, REPORT_SUMMARY_CLASS_ACTION);
	struct report_count *ac = report_summary_table(s, REPORT_SUMMARY_ACTION);
	struct strbuf key = STRBUF_INIT;
	const char **rows, **cols;
	size_t nrows, ncols, r, c;
	uint64_t v, total;

	rows = report_summary_axis(s, REPORT_SUMMARY_AXIS_CLASS, 0, &nrows);
	cols = report_summary_axis(s, REPORT_SUMMARY_AXIS_ACTION, 1, &ncols);
	strbuf_append_str(out, "<table id=\"class-action\"><caption>Records by "
	    "class and action</caption>\n<tr><th>class</th>");
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
			v = r < nrows ? report_html_get2(ca, &key, rows[r], cols[c]) :
			    report_count_get(ac, cols[c], strlen(cols[c]));
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

/* report_html_render - append the whole page */
void
report_html_render(struct strbuf *out, const struct report_summary *s,
    size_t top, const char *note)
{
	uint64_t read, matched, malformed;
	struct strbuf title = STRBUF_INIT;

	report_summary_totals(s, &read, &matched, &malformed);
	strbuf_append_str(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<title>csp-milter audit report</title>\n<style>\n"
	    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
	    "margin:24px;color:#222;max-width:1040px}\n"
	    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
	    "border-bottom:1px solid #ddd;padding-bottom:4px}\n"
	    ".note{color:#555;font-size:13px}\n"
	    "table{border-collapse:collapse;margin:8px 16px 8px 0;font-size:13px}\n"
	    "caption{text-align:left;font-weight:600;padding:4px 0}\n"
	    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}\n"
	    "th{background:#f3f5f8}td.n,th.n{text-align:right;"
	    "font-variant-numeric:tabular-nums}\n"
	    "td.zero{color:#bbb}tr.total td{font-weight:600;background:#fafafa}\n"
	    ".tops{display:flex;flex-wrap:wrap;align-items:flex-start}\n"
	    "svg{display:block;max-width:100%;height:auto;font-size:12px}\n"
	    "svg .grid{stroke:#e5e5e5}svg .ylab{text-anchor:end}"
	    "svg .xlab{text-anchor:middle}\n"
	    "</style>\n</head>\n<body>\n<h1>csp-milter audit report</h1>\n"
	    "<p class=\"note\">");
	report_html_escape(out, note);
	strbuf_appendf(out, "</p>\n<table id=\"totals\"><tr><th>records read"
	    "</th><td class=\"n\">%llu</td></tr>\n<tr><th>malformed lines</th>"
	    "<td class=\"n\">%llu</td></tr>\n<tr><th>records matched</th>"
	    "<td class=\"n\">%llu</td></tr></table>\n",
	    (unsigned long long)read, (unsigned long long)malformed,
	    (unsigned long long)matched);
	strbuf_append_str(out, "<h2>Decisions per day</h2>\n");
	report_html_chart_daily(out, s);
	strbuf_append_str(out, "<h2>Classes and actions</h2>\n");
	report_html_table_matrix(out, s);
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
	report_html_table_top(out, "Reroutes per partner", "partner",
	    report_summary_table(s, REPORT_SUMMARY_PARTNER), 0);
	strbuf_append_str(out, "</div>\n</body>\n</html>\n");
	strbuf_release(&title);
}
