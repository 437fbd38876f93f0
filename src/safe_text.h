/* safe_text - untrusted text made safe for a terminal, a log field or a header */
#ifndef CSP_SAFE_TEXT_H
#define CSP_SAFE_TEXT_H

#include <stddef.h>
#include "strbuf.h"

/*
 * Addresses, subjects and excerpts come from senders.  Written as they
 * are, they could move a terminal's cursor or reverse its text (C0 and C1
 * controls, bidi overrides), add a field to a log line that parsers read
 * as key=value, or end a header line.  Each function appends a safe form
 * of len bytes of s to out; invalid UTF-8 becomes '?'.  Pure; thread-safe.
 */

/* safe_text_is_unsafe - a code point no output shows as it is: controls, bidi overrides */
int safe_text_is_unsafe(unsigned cp);

/*
 * safe_text_terminal - C0/C1 controls, DEL and bidi controls become '?'.
 * Also right for a header value or a quarantine reason: no CR or LF is left
 * to end the line.
 */
void safe_text_terminal(struct strbuf *out, const char *s, size_t len);

/*
 * safe_text_log_word - one key=value field of a log line: besides the
 * above, space, '=', ',', '<', '>', '"' and '\' are written as \xHH, so no
 * field can be injected and the value reads back unambiguously.
 */
void safe_text_log_word(struct strbuf *out, const char *s, size_t len);

#endif
