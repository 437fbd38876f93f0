/* report_output - per-record output lines: list, CSV and JSON Lines */
#ifndef CSP_REPORT_OUTPUT_H
#define CSP_REPORT_OUTPUT_H

#include "strbuf.h"
#include "report_filter.h"
#include "report_record.h"

/*
 * Each function appends to out; none writes a file.  The filter, when not
 * NULL, chooses which recipients of the record are shown (see
 * report_filter_match_rcpt).  All are thread-safe on distinct buffers.
 */

/* report_output_text - append s with control characters shown as '?' */
void	report_output_text(struct strbuf *out, const char *s);

/*
 * report_output_list - one line per record:
 * "TIME QUEUEID ACTION CLASS mode=MODE from=<..> rcpt=<..>[,<..>]
 * rule=ID[,ID]", and for a held message (report_output_held: action
 * quarantine in mode enforce; monitor mode holds nothing)
 * " release: COMMAND" (see report_output_release).  Empty fields print
 * as "-".
 */
void	report_output_list(struct strbuf *out, const struct report_record *rec,
	    const struct report_filter *f);
/*
 * report_output_release - append " release: postsuper -H QUEUEID" (Postfix,
 * and records that do not name their MTA) or " release: sendmail -Q -qQ
 * -qIQUEUEID && sendmail -qIQUEUEID" (Sendmail).
 */
void	report_output_release(struct strbuf *out, const struct report_record *rec);

/*
 * report_output_release_command - append the bare release command
 * ("postsuper -H QUEUEID" or the Sendmail pair), queue ID made safe
 */
void	report_output_release_command(struct strbuf *out,
	    const struct report_record *rec);
/*
 * report_output_held - 1 when the record's message was held by the MTA
 * and can be released: action quarantine, mode enforce, a queue ID
 */
int	report_output_held(const struct report_record *rec);

/*
 * The detail rows: every reject, reroute and quarantine.  A row is a
 * recipient the filter selects whose decision is one of these; a record
 * whose overall action is one of these but none of whose recipients is
 * gives one row without a recipient (report_output_detail_whole).
 */
int	report_output_is_detail(const char *decision);
/* report_output_detail_next - the next row recipient >= i, or rec->nrcpts */
size_t	report_output_detail_next(const struct report_record *rec,
	    const struct report_filter *f, size_t i);
/* report_output_detail_whole - 1 when the record is one row of its own */
int	report_output_detail_whole(const struct report_record *rec,
	    const struct report_filter *f);
/* report_output_detail_csv_header - the header row of the detail CSV */
void	report_output_detail_csv_header(struct strbuf *out);
/* report_output_detail_csv - the detail rows of rec as CSV; returns their number */
size_t	report_output_detail_csv(struct strbuf *out,
	    const struct report_record *rec, const struct report_filter *f);

/*
 * report_output_rules - append the rule ids of rec joined by sep, as the
 * per-recipient rows show them: at most REPORT_OUTPUT_MAX_RULES ids, each
 * cut after REPORT_OUTPUT_MAX_RULE_ID bytes (marked "..."), then
 * "(+N more)".  A row is repeated per recipient, so an uncapped list
 * would let one record of many rules and many recipients write
 * gigabytes; the whole record stays available through --json.
 */
#define REPORT_OUTPUT_MAX_RULES		32
#define REPORT_OUTPUT_MAX_RULE_ID	200
void	report_output_rules(struct strbuf *out, const struct report_record *rec,
	    const char *sep);

/* report_output_csv_quote - append s as one CSV field (RFC 4180 quoting) */
void	report_output_csv_quote(struct strbuf *out, const char *s);
/* report_output_csv_header - the CSV header row */
void	report_output_csv_header(struct strbuf *out);
/*
 * report_output_csv - one row per shown recipient; a record without
 * recipients gives one row with empty recipient fields.  Rule ids are
 * joined with ';'.
 */
void	report_output_csv(struct strbuf *out, const struct report_record *rec,
	    const struct report_filter *f);

#endif
