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
 * "TIME QUEUEID ACTION CLASS from=<..> rcpt=<..>[,<..>] rule=ID[,ID]", and
 * for a held message (action quarantine) " release: COMMAND" (see
 * report_output_release).  Empty fields print as "-".
 */
void	report_output_list(struct strbuf *out, const struct report_record *rec,
	    const struct report_filter *f);
/*
 * report_output_release - append " release: postsuper -H QUEUEID" (Postfix,
 * and records that do not name their MTA) or " release: sendmail -Q -qQ
 * -qIQUEUEID && sendmail -qIQUEUEID" (Sendmail).
 */
void	report_output_release(struct strbuf *out, const struct report_record *rec);

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
