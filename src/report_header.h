/* report_header - the facts that make a report evidence: period, inputs, sources */
#ifndef CSP_REPORT_HEADER_H
#define CSP_REPORT_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "report_summary.h"

/* One input file and what reading it gave. */
struct report_input {
	const char *name;		/* "(stdin)" for "-" */
	uint64_t records;		/* well-formed records */
	uint64_t malformed;		/* lines that are not records */
	uint64_t oversized;		/* lines over the size cap, skipped */
	struct strbuf error;		/* "" or why reading failed or stopped */
};

/*
 * What the report was asked and when; the covered period, the instances
 * and the config versions come from the summary.  Owned by the caller.
 */
struct report_header {
	int64_t	generated_us;
	const char *command;		/* the command line, as one string */
	const char *selection;		/* the filter options, or "all records" */
	int	has_since, has_until;
	int64_t	since_us, until_us;	/* until is exclusive */
	size_t	max_record;		/* the per-record size cap in bytes */
	struct report_input *inputs;
	size_t	ninputs;
};

/*
 * report_header_period - the requested period as text: "from X to Y"
 * (UTC, the end exclusive), "from X" or "to Y" when open, or "all time".
 */
void	report_header_period(struct strbuf *out, const struct report_header *h);

/*
 * report_header_covered - the first and last matching record's time
 * ("2026-11-01T00:03:12Z to 2026-11-14T23:58:40Z (UTC)"), or "no records"
 */
void	report_header_covered(struct strbuf *out, const struct report_summary *s);

/*
 * report_header_write_text - the header of the plain text report; every
 * string from the command line or the log passes through
 * safe_text_terminal.
 */
void	report_header_write_text(struct strbuf *out,
	    const struct report_header *h, const struct report_summary *s);

#endif
