/* scan - one message through decoder, classifier and policy */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "mime_decoder.h"
#include "scan.h"
#include "strbuf.h"
#include "xalloc.h"

/* The storage of one recipient; scan_recipient points into it. */
struct scan_rcpt {
	char *rcpt;		/* as the MTA gave it */
	char *canon;		/* lookup form as written, "" when unreadable */
	char *readings;		/* every delivery reading, "\0"-terminated each */
	int reading_count;	/* -1: the address cannot be read (held) */
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
	struct scan_rcpt *rcpts;	/* storage, parallel to decided */
	struct scan_recipient *decided;	/* what scan_result shows */
	size_t rcpt_count, rcpt_cap;
	int vendor;		/* the sender is vendor-side */
	int finished;		/* the decoder saw the end of the message */
	size_t size;		/* bytes of message seen */
	struct scan_result view;	/* refreshed by scan_result */
};

static void scan_top_header(void *, const char *, size_t, const char *, size_t, int);

/* scan_new - per-thread state, sized lazily by the first conf */
struct scan *
scan_new(void)
{
	struct scan *s = xcalloc(1, sizeof(*s));

	classify_result_init(&s->result);
	/* PCRE2 reports its own allocation failures: they end here, as xalloc's do. */
	if ((s->scratch = rule_scratch_new()) == NULL)
		xalloc_fail(sizeof(*s));
	return s;
}

/* scan_clear_rcpts - forget the recipients */
static void
scan_clear_rcpts(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->rcpt_count; i++) {
		free(s->rcpts[i].rcpt);
		free(s->rcpts[i].canon);
		free(s->rcpts[i].readings);
	}
	s->rcpt_count = 0;
}

/* scan_free - release and unpin */
void
scan_free(struct scan **sp)
{
	struct scan *s = *sp;

	if (s == NULL)
		return;
	scan_clear_rcpts(s);
	free(s->rcpts);
	free(s->decided);
	conf_unref(&s->conf);
	mime_decoder_free(&s->decoder);
	msg_text_free(&s->text);
	rule_scratch_free(&s->scratch);
	classify_result_release(&s->result);
	strbuf_release(&s->mail_from);
	strbuf_release(&s->header_from);
	strbuf_release(&s->mail_from_raw);
	free(s);
	*sp = NULL;
}

/* scan_idle - forget the message and the config; keep the scratch */
void
scan_idle(struct scan *s)
{
	scan_clear_rcpts(s);
	/* The decoder and text are sized by the config's limits: made again with the next. */
	mime_decoder_free(&s->decoder);
	msg_text_free(&s->text);
	conf_unref(&s->conf);
	/* The result keeps its buffers and the model's scratch; nothing in it points into the config. */
	s->result.match_count = 0;
	s->result.example_count = 0;
	s->result.examples_index = NULL;
	strbuf_release(&s->mail_from);
	strbuf_release(&s->header_from);
	strbuf_release(&s->mail_from_raw);
}

/* scan_begin - start a message */
void
scan_begin(struct scan *s, struct conf *conf)
{
	/* A new snapshot may change the limits: rebuild the decoder state. */
	if (s->conf != conf) {
		mime_decoder_free(&s->decoder);
		msg_text_free(&s->text);
		conf_ref(conf);
		conf_unref(&s->conf);
		s->conf = conf;
	}
	if (s->text == NULL)
		s->text = msg_text_new(conf->max_text, conf->normalise);
	if (s->decoder == NULL) {
		s->decoder = mime_decoder_new(&conf->limits);
		mime_decoder_on_top_header(s->decoder, scan_top_header, s);
	}
	msg_text_reset(s->text);
	mime_decoder_reset(s->decoder, s->text);
	scan_clear_rcpts(s);
	strbuf_reset(&s->mail_from);
	strbuf_reset(&s->header_from);
	s->sender_vendor = 0;
	s->sender_unreadable = 0;
	strbuf_reset(&s->mail_from_raw);
	s->vendor = 0;
	s->finished = 0;
	s->size = 0;
}

/* sender_unreadable - a sender address cannot be read: vendor mail, decided most restrictively */
static void
sender_unreadable(struct scan *s, const char *why)
{
	s->sender_unreadable = 1;
	msg_text_set_flag(s->text, MSG_TEXT_UNCERTAIN, why);
}

/* scan_set_sender - the envelope sender: vendor-side if any reading of it is */
void
scan_set_sender(struct scan *s, const char *mail_from)
{
	struct strbuf readings = STRBUF_INIT;
	const char *p;
	int n;

	strbuf_reset(&s->mail_from_raw);
	strbuf_append_str(&s->mail_from_raw, mail_from);
	if (addr_canon(mail_from, &s->mail_from) == 0 && s->mail_from.len == 0)
		return;		/* the null sender */
	if ((n = addr_readings(mail_from, &readings)) < 0) {
		sender_unreadable(s, "the envelope sender cannot be read");
		strbuf_release(&readings);
		return;
	}
	for (p = readings.data; n-- > 0; p += strlen(p) + 1)
		if (conf_is_vendor(s->conf, p))
			s->sender_vendor = 1;
	strbuf_release(&readings);
}

/* scan_add_rcpt - one envelope recipient */
void
scan_add_rcpt(struct scan *s, const char *rcpt)
{
	struct strbuf canon = STRBUF_INIT;
	struct scan_rcpt *r;
	struct scan_recipient *d;

	if (s->rcpt_count == s->rcpt_cap) {
		s->rcpt_cap = s->rcpt_cap ? s->rcpt_cap * 2 : 8;
		s->rcpts = xreallocarray(s->rcpts, s->rcpt_cap, sizeof(*s->rcpts));
		s->decided = xreallocarray(s->decided, s->rcpt_cap, sizeof(*s->decided));
	}
	r = &s->rcpts[s->rcpt_count];
	d = &s->decided[s->rcpt_count++];
	r->reading_count = addr_readings(rcpt, &canon);
	r->rcpt = xstrdup(rcpt);
	r->canon = xstrdup(r->reading_count > 0 ? canon.data : "");
	r->readings = strbuf_detach(&canon, NULL);
	d->rcpt = r->rcpt;
	d->canon = r->canon;
	d->cust = NULL;
	d->decision = DECISION_DELIVER;
}

/* scan_header - one top-level header field from the milter */
void
scan_header(struct scan *s, const char *name, const char *value)
{
	s->size += strlen(name) + strlen(value) + 3;
	mime_decoder_header(s->decoder, name, value);
}

/* scan_end_headers - the milter's end of the header block */
void
scan_end_headers(struct scan *s)
{
	s->size += 2;
	mime_decoder_end_headers(s->decoder);
}

/* scan_body - a body chunk from the milter */
void
scan_body(struct scan *s, const char *data, size_t len)
{
	s->size += len;
	mime_decoder_body(s->decoder, data, len);
}

/* scan_raw - a chunk of the whole message */
void
scan_raw(struct scan *s, const char *data, size_t len)
{
	s->size += len;
	mime_decoder_raw(s->decoder, data, len);
}

/* scan_saturated - the cap is reached: the caller skips the rest, unseen */
int
scan_saturated(struct scan *s)
{
	if (!mime_decoder_saturated(s->decoder))
		return 0;
	msg_text_set_flag(s->text, MSG_TEXT_TRUNCATED, "decoded text cap reached");
	return 1;
}

/* scan_raw_fd - read a whole raw message in 64 KiB chunks, as libmilter would hand it */
int
scan_raw_fd(struct scan *s, int fd)
{
	static const size_t chunk = 65536;
	char *buf = xmalloc(chunk);
	ssize_t n;
	int rc = 0, saved;

	while ((n = read(fd, buf, chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		scan_raw(s, buf, (size_t)n);
	}
	saved = errno;
	free(buf);
	errno = saved;
	return rc;
}

/* A sender header being read: the scan and whether it is a From. */
struct sender_ctx {
	struct scan *scan;
	int from;
};

/* sender_mailbox - one address of a sender header */
static void
sender_mailbox(void *arg, const char *canon)
{
	struct sender_ctx *sc = arg;

	if (conf_is_vendor(sc->scan->conf, canon))
		sc->scan->sender_vendor = 1;
	if (sc->from && sc->scan->header_from.len == 0)
		strbuf_append_str(&sc->scan->header_from, canon);
}

/* name_is - a header name, case-insensitive */
static int
name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

/*
 * scan_top_header - every top-level field, raw: each From, Sender,
 * Resent-From and Resent-Sender is parsed for its structure before any
 * decoding, and must be read whole.
 */
static void
scan_top_header(void *arg, const char *name, size_t nl, const char *value, size_t vl, int cut)
{
	struct sender_ctx sc = { arg, name_is(name, nl, "from") };

	if (!sc.from && !name_is(name, nl, "sender") && !name_is(name, nl, "resent-from") &&
	    !name_is(name, nl, "resent-sender"))
		return;
	if (cut)
		sender_unreadable(sc.scan, "a sender header is longer than limits.max_header_len");
	if (addr_header_list(value, vl, sender_mailbox, &sc) <= 0 && !cut)
		sender_unreadable(sc.scan, "a sender header has no readable address");
}

/* scan_sender_is_vendor - any sender address is vendor-side, or one cannot be read */
int
scan_sender_is_vendor(const struct scan *s, int assume_vendor)
{
	return s->sender_vendor || s->sender_unreadable ||
	    (assume_vendor && s->mail_from.len == 0);
}

/*
 * decide_rcpt - the most restrictive decision over every reading of the
 * recipient; an address that cannot be read is held, never "not a customer".
 */
static void
decide_rcpt(const struct conf *c, const struct classify_result *res, const struct scan_rcpt *r,
    struct scan_recipient *d)
{
	const struct customer *cust;
	enum decision one;
	const char *p;
	int i;

	d->cust = NULL;
	if (r->reading_count < 0) {
		d->decision = policy_decide(&c->policy, res->class, 1, NULL);
		if (d->decision < DECISION_QUARANTINE)
			d->decision = DECISION_QUARANTINE;
		return;
	}
	d->decision = DECISION_DELIVER;
	for (i = 0, p = r->readings; i < r->reading_count; i++, p += strlen(p) + 1) {
		cust = directory_lookup(c->directory, p);
		one = policy_decide(&c->policy, res->class, res->uncertain, cust);
		if (i == 0 || one > d->decision || (one == d->decision && d->cust == NULL)) {
			d->decision = one;
			d->cust = cust;
		}
	}
}

/* scan_finish - the end of the message reached the decoder */
void
scan_finish(struct scan *s)
{
	if (!s->finished)
		mime_decoder_finish(s->decoder);
	s->finished = 1;
}

/* scan_classify - the decoded text under other parameters */
void
scan_classify(struct scan *s, const struct classify_params *params, struct classify_result *res)
{
	scan_finish(s);
	classify_message(params, s->text, s->scratch, res != NULL ? res : &s->result);
}

/* scan_rule_hits - every counted match again, for --explain */
void
scan_rule_hits(struct scan *s, rule_hit_fn fn, void *ctx)
{
	const char *error = NULL;

	scan_finish(s);
	(void)rule_set_match(s->conf->rules, s->text, s->scratch, fn, ctx, &error);
}

/* scan_decide - classify and decide for each recipient */
void
scan_decide(struct scan *s, int assume_vendor)
{
	const struct conf *c = s->conf;
	size_t i;

	scan_finish(s);
	s->vendor = scan_sender_is_vendor(s, assume_vendor);
	if (!s->vendor)
		return;
	classify_message(&c->classify, s->text, s->scratch, &s->result);
	for (i = 0; i < s->rcpt_count; i++)
		decide_rcpt(c, &s->result, &s->rcpts[i], &s->decided[i]);
}

/* scan_hold_removals - decisions that need a recipient removed become quarantine */
void
scan_hold_removals(struct scan *s)
{
	size_t i;

	for (i = 0; s->vendor && i < s->rcpt_count; i++) {
		struct scan_recipient *r = &s->decided[i];

		if (r->decision == DECISION_REROUTE ||
		    (r->decision == DECISION_REJECT && s->conf->reject_scope == REJECT_RECIPIENTS))
			r->decision = DECISION_QUARANTINE;
	}
}

/* scan_action - most restrictive recipient decision */
static enum decision
scan_action(const struct scan *s)
{
	enum decision d = DECISION_DELIVER;
	size_t i;

	for (i = 0; s->vendor && i < s->rcpt_count; i++)
		if (s->decided[i].decision > d)
			d = s->decided[i].decision;
	return d;
}

/* scan_result - the view action, audit and the commands read */
const struct scan_result *
scan_result(struct scan *s)
{
	struct scan_result *v = &s->view;

	v->conf = s->conf;
	v->vendor = s->vendor;
	v->action = scan_action(s);
	v->classify = &s->result;
	v->text_flags = s->text != NULL ? msg_text_flags(s->text) : 0;
	v->mail_from = s->mail_from.len > 0 ? s->mail_from.data : "";
	v->mail_from_raw = s->mail_from_raw.len > 0 ? s->mail_from_raw.data : "";
	v->header_from = s->header_from.len > 0 ? s->header_from.data : "";
	v->rcpts = s->decided;
	v->rcpt_count = s->rcpt_count;
	v->size = s->size;
	v->text = s->text;
	return v;
}
