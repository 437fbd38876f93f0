/* report_json - the summary and its header as one JSON document */
#ifndef CSP_REPORT_JSON_H
#define CSP_REPORT_JSON_H

#include <stdio.h>

#include "report_header.h"
#include "report_summary.h"

/*
 * report_json_write - write the summary as one JSON object (jansson):
 *
 *   "generated", "command", "selection", "max_record",
 *   "period_requested": {"since", "until"}     (RFC 3339 UTC or null),
 *   "period_covered": {"first", "last"}        (null without records),
 *   "inputs": [{"file", "records", "malformed", "oversized", "error"}],
 *   "instances", "config_versions": [{"name", "records", "first", "last"}],
 *   "records": {"read", "malformed", "oversized", "matched"},
 *   "modes": {MODE: {"records", "uncertain",
 *                    "class_action": {CLASS: {ACTION: n}},
 *                    "daily": {DAY: {ACTION: n}},
 *                    "reroutes_per_partner": {PARTNER: n}}},
 *   "classes", "rules", "senders": {KEY: n}
 *
 * Counts of the modes "enforce" (applied) and "monitor" (would have been)
 * are never added together; both modes are always present.  Returns 0,
 * or -1 on a write error.
 */
int	report_json_write(FILE *fp, const struct report_summary *s,
	    const struct report_header *h);

#endif
