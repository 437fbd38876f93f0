/* audit_output - per-record output lines: list, CSV and JSON Lines */
#ifndef CSP_AUDIT_OUTPUT_H
#define CSP_AUDIT_OUTPUT_H

#include "strbuf.h"
#include "audit_filter.h"
#include "audit_record.h"

/*
 * Each function appends to out; none writes a file.  The filter, when not
 * NULL, chooses which recipients of the record are shown (see
 * audit_filter_match_rcpt).  All are thread-safe on distinct buffers.
 */

/* audit_output_text - append s with control characters shown as '?' */
void	audit_output_text(struct strbuf *out, const char *s);

/*
 * audit_output_list - one line per record:
 * "TIME QUEUEID ACTION CLASS from=<..> rcpt=<..>[,<..>] rule=ID[,ID]", and
 * for a held message (action quarantine) " release: COMMAND" (see
 * audit_output_release).  Empty fields print as "-".
 */
void	audit_output_list(struct strbuf *out, const struct audit_record *rec,
	    const struct audit_filter *f);
/*
 * audit_output_release - append " release: postsuper -H QUEUEID" (Postfix,
 * and records that do not name their MTA) or " release: sendmail -Q -qQ
 * -qIQUEUEID && sendmail -qIQUEUEID" (Sendmail).
 */
void	audit_output_release(struct strbuf *out, const struct audit_record *rec);

/* audit_output_csv_quote - append s as one CSV field (RFC 4180 quoting) */
void	audit_output_csv_quote(struct strbuf *out, const char *s);
/* audit_output_csv_header - the CSV header row */
void	audit_output_csv_header(struct strbuf *out);
/*
 * audit_output_csv - one row per shown recipient; a record without
 * recipients gives one row with empty recipient fields.  Rule ids are
 * joined with ';'.
 */
void	audit_output_csv(struct strbuf *out, const struct audit_record *rec,
	    const struct audit_filter *f);

#endif
