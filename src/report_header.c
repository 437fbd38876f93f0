/* report_header - the facts that make a report evidence: period, inputs, sources */
#include "config.h"

#include <string.h>

#include "safe_text.h"
#include "report_time.h"
#include "report_header.h"

/* report_header_period - the requested period as text */
void
report_header_period(struct strbuf *out, const struct report_header *h)
{
	if (!h->has_since && !h->has_until) {
		strbuf_append_str(out, "all time (no --since or --until)");
		return;
	}
	if (h->has_since) {
		strbuf_append_str(out, "from ");
		report_time_iso(out, h->since_us);
	}
	if (h->has_until) {
		strbuf_append_str(out, h->has_since ? " to " : "to ");
		report_time_iso(out, h->until_us);
		strbuf_append_str(out, " (exclusive)");
	}
	strbuf_append_str(out, ", UTC");
}

/* report_header_covered - the first and last matching record's time */
void
report_header_covered(struct strbuf *out, const struct report_summary *s)
{
	int64_t first, last;

	if (!report_summary_covered(s, &first, &last)) {
		strbuf_append_str(out, "no records");
		return;
	}
	report_time_iso(out, first);
	strbuf_append_str(out, " to ");
	report_time_iso(out, last);
	strbuf_append_str(out, ", UTC");
}

/* report_header_text - append s safe for a terminal */
static void
report_header_text(struct strbuf *out, const char *s)
{
	safe_text_terminal(out, s, strlen(s));
}

/* report_header_ranges - one line per entry of a table with time ranges */
static void
report_header_ranges(struct strbuf *out, const struct report_summary *s,
    enum report_summary_table which, const char *title)
{
	const struct report_count_entry *const *e;

	e = report_count_sorted(report_summary_table(s, which), 1);
	strbuf_appendf(out, "%s:%s\n", title, e[0] == NULL ? " none" : "");
	for (; *e != NULL; e++) {
		strbuf_append_str(out, "  ");
		report_header_text(out, (*e)->key);
		strbuf_appendf(out, ": %llu records, ",
		    (unsigned long long)(*e)->count);
		report_time_iso(out, (*e)->first_us);
		strbuf_append_str(out, " to ");
		report_time_iso(out, (*e)->last_us);
		strbuf_append_char(out, '\n');
	}
}

/* report_header_write_text - the header of the plain text report */
void
report_header_write_text(struct strbuf *out, const struct report_header *h,
    const struct report_summary *s)
{
	const struct report_input *in;
	size_t i;

	strbuf_append_str(out, "csp-milter audit report\n");
	strbuf_append_str(out, "generated:        ");
	report_time_iso(out, h->generated_us);
	strbuf_append_str(out, "\ncommand:          ");
	report_header_text(out, h->command);
	strbuf_append_str(out, "\nselection:        ");
	report_header_text(out, h->selection);
	strbuf_append_str(out, "\nperiod requested: ");
	report_header_period(out, h);
	strbuf_append_str(out, "\nperiod covered:   ");
	report_header_covered(out, s);
	strbuf_appendf(out, "\nrecord size cap:  %zu bytes\ninputs:\n",
	    h->max_record);
	for (i = 0; i < h->ninputs; i++) {
		in = &h->inputs[i];
		strbuf_append_str(out, "  ");
		report_header_text(out, in->name);
		strbuf_appendf(out, ": %llu records, %llu malformed, "
		    "%llu oversized", (unsigned long long)in->records,
		    (unsigned long long)in->malformed,
		    (unsigned long long)in->oversized);
		if (in->error.len > 0) {
			strbuf_append_str(out, ", UNREADABLE: ");
			report_header_text(out, in->error.data);
		}
		strbuf_append_char(out, '\n');
	}
	report_header_ranges(out, s, REPORT_SUMMARY_INSTANCE, "instances");
	report_header_ranges(out, s, REPORT_SUMMARY_CONFIG, "config versions");
	strbuf_append_char(out, '\n');
}
