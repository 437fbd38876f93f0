/* report_output - per-record output lines: list, CSV and JSON Lines */
#include "config.h"

#include <string.h>

#include "utf8.h"
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
	report_output_word(out, rec->class_name);
	strbuf_append_str(out, " mode=");
	report_output_word(out, rec->mode);
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
	if (report_output_held(rec))
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
	strbuf_append_str(out, " release: ");
	report_output_release_command(out, rec);
}

/* report_output_release_command - the bare release command */
void
report_output_release_command(struct strbuf *out, const struct report_record *rec)
{
	if (rec->mta != NULL && strcmp(rec->mta, "sendmail") == 0) {
		strbuf_append_str(out, "sendmail -Q -qQ -qI");
		report_output_word(out, rec->queue_id);
		strbuf_append_str(out, " && sendmail -qI");
		report_output_word(out, rec->queue_id);
		return;
	}
	strbuf_append_str(out, "postsuper -H ");
	report_output_word(out, rec->queue_id);
}

/* report_output_rules - the rule ids of rec joined by sep, capped */
void
report_output_rules(struct strbuf *out, const struct report_record *rec,
    const char *sep)
{
	size_t i, len;

	for (i = 0; i < rec->nrules && i < REPORT_OUTPUT_MAX_RULES; i++) {
		if (i > 0)
			strbuf_append_str(out, sep);
		len = strlen(rec->rules[i]);
		strbuf_append(out, rec->rules[i], utf8_cap(rec->rules[i], len,
		    REPORT_OUTPUT_MAX_RULE_ID));
		if (len > REPORT_OUTPUT_MAX_RULE_ID)
			strbuf_append_str(out, "...");
	}
	if (rec->nrules > REPORT_OUTPUT_MAX_RULES)
		strbuf_appendf(out, "%s(+%zu more)", sep,
		    rec->nrules - REPORT_OUTPUT_MAX_RULES);
}

/* report_output_held - held by the MTA, so there is something to release */
int
report_output_held(const struct report_record *rec)
{
	return strcmp(rec->action, "quarantine") == 0 &&
	    strcmp(rec->mode, "enforce") == 0 && *rec->queue_id != '\0';
}

/* report_output_is_detail - a decision the detail table lists */
int
report_output_is_detail(const char *decision)
{
	return strcmp(decision, "reject") == 0 ||
	    strcmp(decision, "reroute") == 0 ||
	    strcmp(decision, "quarantine") == 0;
}

/* report_output_detail_next - the next row recipient >= i */
size_t
report_output_detail_next(const struct report_record *rec,
    const struct report_filter *f, size_t i)
{
	for (; i < rec->nrcpts; i++)
		if (report_output_is_detail(rec->rcpts[i].decision) &&
		    (f == NULL || report_filter_match_rcpt(f, &rec->rcpts[i])))
			break;
	return i;
}

/* report_output_detail_whole - the record is one row of its own */
int
report_output_detail_whole(const struct report_record *rec,
    const struct report_filter *f)
{
	return report_output_is_detail(rec->action) &&
	    report_output_detail_next(rec, f, 0) == rec->nrcpts;
}

/* report_output_detail_csv_header - the header row of the detail CSV */
void
report_output_detail_csv_header(struct strbuf *out)
{
	strbuf_append_str(out, "time,queue_id,mail_from,rcpt,customer,partner,"
	    "class,uncertain,rules,action,mode,release\n");
}

/* report_output_detail_csv_row - one detail row; r NULL: the whole record */
static void
report_output_detail_csv_row(struct strbuf *out, const struct report_record *rec,
    const struct report_rcpt *r, const struct strbuf *rules,
    struct strbuf *tmp)
{
	static const struct report_rcpt none = { "", "", "", "" };
	const char *cells[9];
	size_t i;

	if (r == NULL)
		r = &none;
	cells[0] = rec->time;
	cells[1] = rec->queue_id;
	cells[2] = rec->mail_from;
	cells[3] = r->rcpt;
	cells[4] = r->customer;
	cells[5] = r->partner;
	cells[6] = rec->class_name;
	cells[7] = rec->uncertain ? "true" : "false";
	cells[8] = rules->data;
	for (i = 0; i < 9; i++) {
		report_output_csv_quote(out, cells[i]);
		strbuf_append_char(out, ',');
	}
	report_output_csv_quote(out, r != &none ? r->decision : rec->action);
	strbuf_append_char(out, ',');
	report_output_csv_quote(out, rec->mode);
	strbuf_append_char(out, ',');
	strbuf_reset(tmp);
	if (report_output_held(rec))
		report_output_release_command(tmp, rec);
	report_output_csv_quote(out, tmp->len > 0 ? tmp->data : "");
	strbuf_append_char(out, '\n');
}

/* report_output_detail_csv - the detail rows of rec as CSV */
size_t
report_output_detail_csv(struct strbuf *out, const struct report_record *rec,
    const struct report_filter *f)
{
	struct strbuf rules = STRBUF_INIT, tmp = STRBUF_INIT;
	size_t i, n = 0;

	strbuf_append_str(&rules, "");
	report_output_rules(&rules, rec, ";");
	for (i = report_output_detail_next(rec, f, 0); i < rec->nrcpts;
	    i = report_output_detail_next(rec, f, i + 1), n++)
		report_output_detail_csv_row(out, rec, &rec->rcpts[i], &rules,
		    &tmp);
	if (n == 0 && report_output_detail_whole(rec, f)) {
		report_output_detail_csv_row(out, rec, NULL, &rules, &tmp);
		n++;
	}
	strbuf_release(&rules);
	strbuf_release(&tmp);
	return n;
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
	/* Each '"' is doubled: copy up to and including it, then add one. */
	while ((p = strchr(s, '"')) != NULL) {
		strbuf_append(out, s, (size_t)(p - s) + 1);
		strbuf_append_char(out, '"');
		s = p + 1;
	}
	strbuf_append_str(out, s);
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
	report_output_csv_quote(out, rec->class_name);
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
	report_output_rules(&rules, rec, ";");
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
