/* scan - one message through decoder, classifier and policy */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "scan.h"

/* scan_new - per-thread state, sized lazily by the first conf */
struct scan *
scan_new(void)
{
	struct scan *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	classify_result_init(&s->result);
	if ((s->scratch = rule_scratch_new()) == NULL) {
		free(s);
		return NULL;
	}
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
	conf_unref(&s->conf);
	mime_decoder_free(&s->decoder);
	msg_text_free(&s->text);
	rule_scratch_free(&s->scratch);
	classify_result_release(&s->result);
	strbuf_release(&s->mail_from);
	strbuf_release(&s->mail_from_raw);
	free(s);
	*sp = NULL;
}

/* scan_begin - start a message */
int
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
	if (s->text == NULL && (s->text = msg_text_new(conf->max_text, conf->normalise)) == NULL)
		return -1;
	if (s->decoder == NULL && (s->decoder = mime_decoder_new(&conf->limits)) == NULL)
		return -1;
	msg_text_reset(s->text);
	mime_decoder_reset(s->decoder, s->text);
	scan_clear_rcpts(s);
	strbuf_reset(&s->mail_from);
	strbuf_reset(&s->mail_from_raw);
	s->vendor = 0;
	s->size = 0;
	return 0;
}

/* scan_set_sender - the envelope sender */
void
scan_set_sender(struct scan *s, const char *mail_from)
{
	strbuf_reset(&s->mail_from_raw);
	strbuf_append_str(&s->mail_from_raw, mail_from);
	addr_canon(mail_from, &s->mail_from);
}

/* scan_add_rcpt - one envelope recipient */
int
scan_add_rcpt(struct scan *s, const char *rcpt)
{
	struct strbuf canon = STRBUF_INIT;
	struct scan_rcpt *r;

	if (s->rcpt_count == s->rcpt_cap) {
		size_t cap = s->rcpt_cap ? s->rcpt_cap * 2 : 8;
		struct scan_rcpt *p = realloc(s->rcpts, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		s->rcpts = p;
		s->rcpt_cap = cap;
	}
	addr_canon(rcpt, &canon);
	r = &s->rcpts[s->rcpt_count];
	r->rcpt = strdup(rcpt);
	r->canon = strbuf_detach(&canon, NULL);
	r->cust = NULL;
	r->decision = DECISION_DELIVER;
	if (r->rcpt == NULL) {
		free(r->canon);
		return -1;
	}
	s->rcpt_count++;
	return 0;
}

int
scan_header(struct scan *s, const char *name, const char *value)
{
	s->size += strlen(name) + strlen(value) + 3;
	return mime_decoder_header(s->decoder, name, value);
}

int
scan_end_headers(struct scan *s)
{
	s->size += 2;
	return mime_decoder_end_headers(s->decoder);
}

int
scan_body(struct scan *s, const char *data, size_t len)
{
	s->size += len;
	return mime_decoder_body(s->decoder, data, len);
}

int
scan_raw(struct scan *s, const char *data, size_t len)
{
	s->size += len;
	return mime_decoder_raw(s->decoder, data, len);
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
	char *buf = malloc(chunk);
	ssize_t n;
	int rc = 0;

	if (buf == NULL)
		return -1;
	while ((n = read(fd, buf, chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (scan_raw(s, buf, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	}
	free(buf);
	return rc;
}

/* scan_header_from - canonical header From */
const char *
scan_header_from(const struct scan *s, struct strbuf *tmp)
{
	const char *v;
	size_t len;

	strbuf_reset(tmp);
	if ((v = msg_text_header_find(s->text, "From", &len)) == NULL ||
	    addr_from_header(v, tmp) < 0)
		strbuf_reset(tmp);
	return tmp->data != NULL ? tmp->data : "";
}

/* scan_sender_is_vendor - the envelope sender or the header From is vendor-side */
int
scan_sender_is_vendor(const struct scan *s, int assume_vendor)
{
	struct strbuf from = STRBUF_INIT;
	int vendor;

	vendor = (s->mail_from.len > 0 && conf_is_vendor(s->conf, s->mail_from.data)) ||
	    conf_is_vendor(s->conf, scan_header_from(s, &from)) ||
	    (assume_vendor && s->mail_from.len == 0);
	strbuf_release(&from);
	return vendor;
}

/* scan_decide - classify and decide for each recipient */
int
scan_decide(struct scan *s, int assume_vendor)
{
	const struct conf *c = s->conf;
	size_t i;

	if (mime_decoder_finish(s->decoder) < 0)
		return -1;
	s->vendor = scan_sender_is_vendor(s, assume_vendor);
	if (!s->vendor)
		return 0;
	if (classify_message(&c->classify, s->text, s->scratch, &s->result) < 0)
		return -1;
	for (i = 0; i < s->rcpt_count; i++) {
		struct scan_rcpt *r = &s->rcpts[i];

		r->cust = directory_lookup(c->directory, r->canon);
		r->decision = policy_decide(&c->policy, s->result.class, s->result.uncertain, r->cust);
	}
	return 0;
}

/* scan_action - most restrictive recipient decision */
enum decision
scan_action(const struct scan *s)
{
	enum decision d = DECISION_DELIVER;
	size_t i;

	for (i = 0; i < s->rcpt_count; i++)
		if (s->rcpts[i].decision > d)
			d = s->rcpts[i].decision;
	return d;
}
