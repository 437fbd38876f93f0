/* report_output - per-record output lines: list, CSV and JSON Lines */
#include "config.h"

#include <string.h>

#include "report_output.h"
#include "safe_text.h"

/* report_output_text - append s with controls and bidi overrides shown as '?' */
void
report_output_text(struct strbuf *out, const char *s)
{
	safe_text_terminal(out, s, strlen(s));
}

/* report_output_word - a field that must not be empty or hold spaces */
static void
report_output_word(struct strbuf *out, const char *s)
{
	size_t start = out->len, i;

	if (*s == '\0') {
		strbuf_append_char(out, '-');
		return;
	}
	report_output_text(out, s);
	for (i = start; i < out->len; i++)
		if (out->data[i] == ' ')
			out->data[i] = '_';
}

/* report_output_angle - an address in angle brackets, added when missing */
static void
report_output_angle(struct strbuf *out, const char *addr)
{
	size_t len = strlen(addr);

	if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>') {
		report_output_word(out, addr);
		return;
	}
	strbuf_append_char(out, '<');
	if (*addr != '\0')
		report_output_word(out, addr);
	strbuf_append_char(out, '>');
}

/* report_output_list - one line per record */
void
report_output_list(struct strbuf *out, const struct report_record *rec,
    const struct report_filter *f)
{
	size_t i, n = 0;

	report_output_word(out, rec->time);
	strbuf_append_char(out, ' ');
	report_output_word(out, rec->queue_id);
	strbuf_append_char(out, ' ');
	report_output_word(out, rec->action);
	strbuf_append_char(out, ' ');
	report_output_word(out, rec->class);
	strbuf_append_str(out, " from=");
	report_output_angle(out, rec->mail_from);
	strbuf_append_str(out, " rcpt=");
	for (i = 0; i < rec->nrcpts; i++) {
		if (f != NULL && !report_filter_match_rcpt(f, &rec->rcpts[i]))
			continue;
		if (n++ > 0)
			strbuf_append_char(out, ',');
		report_output_angle(out, rec->rcpts[i].rcpt);
	}
	if (n == 0)
		strbuf_append_char(out, '-');
	strbuf_append_str(out, " rule=");
	for (i = 0; i < rec->nrules; i++) {
		if (i > 0)
			strbuf_append_char(out, ',');
		report_output_word(out, rec->rules[i]);
	}
	if (rec->nrules == 0)
		strbuf_append_char(out, '-');
	if (strcmp(rec->action, "quarantine") == 0 && *rec->queue_id != '\0')
		report_output_release(out, rec);
	strbuf_append_char(out, '\n');
}

/*
 * report_output_release - the command that releases a held message, for the
 * MTA that held it: Postfix's hold queue, or Sendmail's quarantine, which
 * is lifted first and then delivered by a run of that one queue file.
 * Records without "mta" (before it was recorded) count as Postfix.
 */
void
report_output_release(struct strbuf *out, const struct report_record *rec)
{
	if (rec->mta != NULL && strcmp(rec->mta, "sendmail") == 0) {
		strbuf_append_str(out, " release: sendmail -Q -qQ -qI");
		report_output_word(out, rec->queue_id);
		strbuf_append_str(out, " && sendmail -qI");
		report_output_word(out, rec->queue_id);
		return;
	}
	strbuf_append_str(out, " release: postsuper -H ");
	report_output_word(out, rec->queue_id);
}

/*
 * report_output_csv_quote - append s as one CSV field.  A cell that starts
 * like a formula (=, +, -, @, tab or CR) is prefixed with a quote, as OWASP
 * recommends, so that a spreadsheet shows it instead of running it.
 */
void
report_output_csv_quote(struct strbuf *out, const char *s)
{
	int formula = *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
	const char *p;

	if (!formula && strpbrk(s, ",\"\r\n") == NULL && *s != ' ' &&
	    (*s == '\0' || s[strlen(s) - 1] != ' ')) {
		strbuf_append_str(out, s);
		return;
	}
	strbuf_append_char(out, '"');
	if (formula)
		strbuf_append_char(out, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_append_char(out, '"');
		strbuf_append_char(out, *p);
	}
	strbuf_append_char(out, '"');
}

/* report_output_csv_header - the CSV header row */
void
report_output_csv_header(struct strbuf *out)
{
	strbuf_append_str(out, "time,queue_id,message_id,mail_from,rcpt,"
	    "customer,partner,class,decision,action,mode,uncertain,rules,"
	    "subject\n");
}

/* report_output_csv_row - one row for recipient r (NULL: none) */
static void
report_output_csv_row(struct strbuf *out, const struct report_record *rec,
    const struct report_rcpt *r, struct strbuf *rules)
{
	static const struct report_rcpt none = { "", "", "", "" };

	if (r == NULL)
		r = &none;
	report_output_csv_quote(out, rec->time);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->queue_id);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->message_id);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->mail_from);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, r->rcpt);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, r->customer);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, r->partner);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->class);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, r->decision);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->action);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->mode);
	strbuf_append_char(out, ',');
	strbuf_append_str(out, rec->uncertain ? "true" : "false");
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rules->data);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->subject);
	strbuf_append_char(out, '\n');
}

/* report_output_csv - one row per shown recipient */
void
report_output_csv(struct strbuf *out, const struct report_record *rec,
    const struct report_filter *f)
{
	struct strbuf rules = STRBUF_INIT;
	size_t i, n = 0;

	strbuf_append_str(&rules, "");
	for (i = 0; i < rec->nrules; i++) {
		if (i > 0)
			strbuf_append_char(&rules, ';');
		strbuf_append_str(&rules, rec->rules[i]);
	}
	for (i = 0; i < rec->nrcpts; i++) {
		if (f != NULL && !report_filter_match_rcpt(f, &rec->rcpts[i]))
			continue;
		report_output_csv_row(out, rec, &rec->rcpts[i], &rules);
		n++;
	}
	if (rec->nrcpts == 0)
		report_output_csv_row(out, rec, NULL, &rules);
	strbuf_release(&rules);
}
