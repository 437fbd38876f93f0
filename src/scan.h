/* scan - one message through decoder, classifier and policy */
#ifndef CSP_SCAN_H
#define CSP_SCAN_H

#include <stddef.h>
#include "classify.h"
#include "conf.h"
#include "msg_text.h"
#include "policy.h"

/*
 * The shared path of the milter and the offline commands.  A scan holds
 * the per-thread state (decoder, decoded text, PCRE2 scratch, result) and
 * is reused message after message: begin, feed, then decide.  It pins the
 * conf snapshot it began with until the next begin or free.  Not
 * thread-safe: one scan per thread or per connection.  No call fails for
 * want of memory (xalloc.h), and bad input is never an error: what cannot
 * be read marks the message uncertain.
 *
 * What the scan decided is read through a scan_result (scan_result()),
 * never from the scan itself: action, audit and the commands read only
 * that.  Every pointer in a scan_result belongs to the scan and is valid
 * until the next scan_begin or scan_free.
 */
struct scan;

/* One envelope recipient and its decision. */
struct scan_recipient {
	const char *rcpt;		/* as the MTA gave it, e.g. "<a@b>" */
	const char *canon;		/* lookup form as written, "" when unreadable */
	const struct customer *cust;	/* NULL: not a customer; owned by the conf */
	enum decision decision;		/* DECISION_DELIVER until decided, and for non-vendor mail */
};

struct scan_result {
	const struct conf *conf;	/* the snapshot the message was scanned under */
	int vendor;			/* the sender is vendor-side: the rest was decided */
	enum decision action;		/* overall: the most restrictive recipient decision */
	/*
	 * Class, scores, uncertain and its reasons, rule matches and their
	 * excerpts, the model's probabilities.  Meaningful only when vendor.
	 */
	const struct classify_result *classify;
	unsigned text_flags;		/* MSG_TEXT_*: uncertain reading, text cap, limit hit */
	const char *mail_from;		/* canonical envelope sender, "" for the null sender */
	const char *mail_from_raw;	/* exactly as the MTA gave it */
	const char *header_from;	/* first From mailbox, lookup form, or "" */
	const struct scan_recipient *rcpts;
	size_t rcpt_count;
	size_t size;			/* bytes of message seen */
	const struct msg_text *text;	/* the decoded text (headers, body, hidden, parts) */
};

/* scan_new - never NULL; free with scan_free */
struct scan *scan_new(void);
void scan_free(struct scan **scan);
/*
 * scan_idle - forget the message and drop the config, keep the state that
 * is costly to make (Vectorscan and PCRE2 scratch, the model's feature
 * scratch): a scan waiting for another connection (scan_pool).  scan_begin
 * starts it again.
 */
void scan_idle(struct scan *scan);

/* scan_begin - start a message under conf (referenced until the next begin) */
void scan_begin(struct scan *scan, struct conf *conf);
/* scan_set_sender - the envelope sender as the MTA gave it; unreadable: vendor mail, uncertain */
void scan_set_sender(struct scan *scan, const char *mail_from);
/* scan_add_rcpt - one envelope recipient as the MTA gave it (copied) */
void scan_add_rcpt(struct scan *scan, const char *rcpt);

/* Feeding: the milter path (headers, then body) or the raw path. */
void scan_header(struct scan *scan, const char *name, const char *value);
void scan_end_headers(struct scan *scan);
void scan_body(struct scan *scan, const char *data, size_t len);
void scan_raw(struct scan *scan, const char *data, size_t len);
/*
 * scan_saturated - 1 when more body cannot change the text (the cap is
 * reached) and the caller will skip the rest: the text is then marked
 * truncated, even when the cap was met to the byte, since what is skipped
 * goes unseen.
 */
int scan_saturated(struct scan *scan);
/* scan_raw_fd - the whole raw message from a descriptor; 0, or -1 with errno if read(2) fails */
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
 * scan_decide - end the message, then, when the sender is vendor-side (as
 * scan_sender_is_vendor says), classify and decide for each recipient;
 * other mail keeps DECISION_DELIVER everywhere and is not classified.
 * With assume_vendor, a message without an envelope sender counts as
 * vendor mail (the offline classifier).
 */
void scan_decide(struct scan *scan, int assume_vendor);

/* scan_finish - end of message: the decoded text is complete (scan_decide does it too) */
void scan_finish(struct scan *scan);

/*
 * scan_classify - classify the decoded text again under other parameters
 * (--evaluate, the benches), into res; res NULL: into the scan's own result.
 */
void scan_classify(struct scan *scan, const struct classify_params *params,
    struct classify_result *res);

/*
 * scan_rule_hits - run the conf's rules over the decoded text once more,
 * calling fn for every counted match with its source (--explain).
 */
void scan_rule_hits(struct scan *scan, rule_hit_fn fn, void *ctx);

/* scan_result - what was read and decided; valid until the next scan_begin or scan_free */
const struct scan_result *scan_result(struct scan *scan);

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

#endif
