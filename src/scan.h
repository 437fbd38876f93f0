/* scan - one message through decoder, classifier and policy */
#ifndef CSP_SCAN_H
#define CSP_SCAN_H

#include <stddef.h>
#include "classify.h"
#include "conf.h"
#include "mime_decoder.h"
#include "msg_text.h"
#include "policy.h"
#include "strbuf.h"

/*
 * The shared path of the milter and the offline commands.  A scan holds
 * the per-thread state (decoder, decoded text, PCRE2 scratch, result) and
 * is reused message after message: begin, feed, then decide.  It pins the
 * conf snapshot it began with until the next begin or free.  Not
 * thread-safe: one scan per thread or per connection.
 */
struct scan_rcpt {
	char *rcpt;		/* as the MTA gave it, e.g. "<a@b>" */
	char *canon;		/* lookup form as written, "" when unreadable */
	char *readings;		/* every delivery reading, "\0"-terminated each */
	int reading_count;	/* -1: the address cannot be read (held) */
	const struct customer *cust;	/* NULL: not a customer; owned by the conf */
	enum decision decision;
};

struct scan {
	struct conf *conf;	/* pinned snapshot */
	struct mime_decoder *decoder;
	struct msg_text *text;
	struct rule_scratch *scratch;
	struct classify_result result;
	struct strbuf mail_from;	/* canonical envelope sender */
	struct strbuf header_from;	/* first From mailbox, lookup form */
	int sender_vendor;	/* an envelope, From or Sender address is vendor-side */
	int sender_unreadable;	/* a sender address could not be read */
	struct strbuf mail_from_raw;	/* the envelope sender exactly as the MTA gave it */
	struct scan_rcpt *rcpts;
	size_t rcpt_count, rcpt_cap;
	int vendor;		/* the sender is vendor-side */
	size_t size;		/* bytes of message seen */
};

struct scan *scan_new(void);
void scan_free(struct scan **scan);

/* scan_begin - start a message under conf (referenced until the next begin) */
int scan_begin(struct scan *scan, struct conf *conf);
void scan_set_sender(struct scan *scan, const char *mail_from);
int scan_add_rcpt(struct scan *scan, const char *rcpt);

/* Feeding: the milter path (headers, then body) or the raw path. */
int scan_header(struct scan *scan, const char *name, const char *value);
int scan_end_headers(struct scan *scan);
int scan_body(struct scan *scan, const char *data, size_t len);
int scan_raw(struct scan *scan, const char *data, size_t len);
/*
 * scan_saturated - 1 when more body cannot change the text (the cap is
 * reached) and the caller will skip the rest: the text is then marked
 * truncated, even when the cap was met to the byte, since what is skipped
 * goes unseen.
 */
int scan_saturated(struct scan *scan);
/* scan_raw_file - the whole raw message from a descriptor */
int scan_raw_fd(struct scan *scan, int fd);

/*
 * scan_sender_is_vendor - after the headers: any reading of the envelope
 * sender, or any address of any From, Sender, Resent-From or Resent-Sender
 * header, is vendor-side; or a sender could not be read (then the text is
 * also marked uncertain: the message gets the most restrictive decision).
 * The headers are read raw, before RFC 2047 decoding.
 */
int scan_sender_is_vendor(const struct scan *scan, int assume_vendor);

/*
 * scan_decide - classify and decide for each recipient.  The sender is
 * vendor-side if the envelope sender or the header From is.  With
 * assume_vendor, a message without an envelope sender counts as vendor mail
 * (the offline classifier).  Returns 0, or -1 on an internal error.
 */
int scan_decide(struct scan *scan, int assume_vendor);

/*
 * scan_hold_removals - the MTA cannot be trusted to remove a recipient:
 * every decision that needs one (reroute; reject when only the refused
 * recipients are dropped) becomes quarantine.  Postfix hands a milter the
 * recipients of a local submission (sendmail(1)) already rewritten
 * (trailing dot, bang path, percent hack, canonical maps) but removes a
 * recipient only by its original spelling: a removal could silently fail
 * and the customer would get the mail.
 */
void scan_hold_removals(struct scan *scan);

/* scan_action - the overall decision: the most restrictive recipient decision */
enum decision scan_action(const struct scan *scan);

/* scan_header_from - canonical address of the first header From mailbox, or "" */
const char *scan_header_from(const struct scan *scan, struct strbuf *tmp);

#endif
