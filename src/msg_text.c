/* msg_text - the decoded, normalised text of one message */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg_text.h"
#include "strbuf.h"
#include "text_norm.h"
#include "utf8.h"
#include "xalloc.h"

struct msg_header {
	size_t name_off;	/* offsets into msg_text.headers */
	size_t value_off;
	size_t value_len;
};

/* The collapsed view, computed on first read and kept while the body stays. */
struct msg_collapsed {
	int valid;
	size_t body_len;	/* the body length it was computed for */
	size_t nruns;
	struct strbuf text;
	struct strbuf runs;	/* size_t [start, end) pairs */
};

struct msg_text {
	size_t max_text;
	int normalise;
	int flags;
	struct strbuf reason;
	struct strbuf headers;	/* "name\0value\0" pairs */
	struct msg_header *hdr;
	size_t hdr_count, hdr_cap;
	struct strbuf body;
	struct strbuf hidden;
	struct strbuf parts;
	struct text_norm body_norm;
	struct text_norm hidden_norm;
	int in_hidden;		/* the current run is hidden as a whole */
	int hidden_break;	/* visible text came since the last hidden fragment */
	struct msg_collapsed *collapsed;	/* a cache: filled by a reader */
};

/* msg_text_new - empty text with a body cap */
struct msg_text *
msg_text_new(size_t max_text, int normalise)
{
	struct msg_text *mt = xcalloc(1, sizeof(*mt));

	mt->collapsed = xcalloc(1, sizeof(*mt->collapsed));
	mt->max_text = max_text;
	mt->normalise = normalise;
	msg_text_reset(mt);
	return mt;
}

/* msg_text_free - release and clear the caller's pointer */
void
msg_text_free(struct msg_text **mtp)
{
	struct msg_text *mt = *mtp;

	if (mt == NULL)
		return;
	strbuf_release(&mt->reason);
	strbuf_release(&mt->headers);
	strbuf_release(&mt->body);
	strbuf_release(&mt->hidden);
	strbuf_release(&mt->parts);
	strbuf_release(&mt->collapsed->text);
	strbuf_release(&mt->collapsed->runs);
	free(mt->collapsed);
	free(mt->hdr);
	free(mt);
	*mtp = NULL;
}

/* msg_text_reset - forget the message, keep the storage */
void
msg_text_reset(struct msg_text *mt)
{
	mt->flags = 0;
	strbuf_reset(&mt->reason);
	strbuf_reset(&mt->headers);
	strbuf_reset(&mt->body);
	strbuf_reset(&mt->hidden);
	strbuf_reset(&mt->parts);
	mt->hdr_count = 0;
	mt->in_hidden = 0;
	mt->hidden_break = 0;
	mt->collapsed->valid = 0;
	text_norm_init(&mt->body_norm, mt->normalise);
	text_norm_init(&mt->hidden_norm, mt->normalise);
}

/* msg_text_add_header - record one decoded top-level header */
void
msg_text_add_header(struct msg_text *mt, const char *name, const char *value, size_t len)
{
	struct msg_header *h;

	if (mt->hdr_count == mt->hdr_cap) {
		mt->hdr_cap = mt->hdr_cap ? mt->hdr_cap * 2 : 32;
		mt->hdr = xreallocarray(mt->hdr, mt->hdr_cap, sizeof(*mt->hdr));
	}
	h = &mt->hdr[mt->hdr_count++];
	h->name_off = mt->headers.len;
	strbuf_append_str(&mt->headers, name);
	strbuf_append_char(&mt->headers, '\0');
	h->value_off = mt->headers.len;
	text_norm_string(&mt->headers, value, len, mt->normalise);
	h->value_len = mt->headers.len - h->value_off;
	strbuf_append_char(&mt->headers, '\0');
}

/* text_used - bytes of the body cap used so far */
static size_t
text_used(const struct msg_text *mt)
{
	return mt->body.len + mt->hidden.len;
}

/* hidden_separate - end the previous hidden fragment so that two never join */
static void
hidden_separate(struct msg_text *mt)
{
	text_norm_flush(&mt->hidden_norm, &mt->hidden);
	if (mt->hidden.len > 0 && mt->hidden.data[mt->hidden.len - 1] != '\n' &&
	    text_used(mt) < mt->max_text)
		strbuf_append_char(&mt->hidden, '\n');
	text_norm_init(&mt->hidden_norm, mt->normalise);
	mt->hidden_break = 0;
}

/* msg_text_body_begin - start a run of body text, hidden from the reader or not */
void
msg_text_body_begin(struct msg_text *mt, int hidden)
{
	mt->in_hidden = hidden;
	if (hidden) {
		hidden_separate(mt);
		return;
	}
	/* Keep runs apart so that words of two parts never join. */
	if (mt->body.len > 0 && mt->body.data[mt->body.len - 1] != '\n' &&
	    text_used(mt) < mt->max_text)
		strbuf_append_char(&mt->body, '\n');
	text_norm_init(&mt->body_norm, mt->normalise);
}

/*
 * Room past the cap for one fed piece's folding to land before the cut
 * (a pending space, a character that folds to several): the views then
 * stay within cap + slack bytes instead of doubling past the cap.
 */
#define TEXT_CAP_SLACK 64

/*
 * append_capped - normalise into sb, stopping at the cap.  Input goes in
 * pieces no longer than the room left, so that the buffer grows to the cap
 * and not beyond it; white space that folds away lets later pieces in.
 */
static void
append_capped(struct msg_text *mt, struct strbuf *sb, struct text_norm *tn,
    const char *s, size_t len)
{
	size_t before, room, n;

	while (len > 0) {
		if (text_used(mt) >= mt->max_text) {
			msg_text_set_flag(mt, MSG_TEXT_TRUNCATED, "decoded text cap reached");
			return;
		}
		room = mt->max_text - text_used(mt);
		n = len < room ? len : room;
		before = sb->len;
		strbuf_grow_capped(sb, n + TEXT_CAP_SLACK, sb->len + room + TEXT_CAP_SLACK + 1);
		text_norm_feed(tn, sb, s, n);
		s += n;
		len -= n;
		if (text_used(mt) > mt->max_text) {
			strbuf_truncate(sb, before + utf8_floor(sb->data + before, room));
			msg_text_set_flag(mt, MSG_TEXT_TRUNCATED, "decoded text cap reached");
			return;
		}
	}
}

/* msg_text_body_append - add decoded text to the current run */
void
msg_text_body_append(struct msg_text *mt, const char *utf8, size_t len)
{
	if (mt->in_hidden) {
		append_capped(mt, &mt->hidden, &mt->hidden_norm, utf8, len);
		return;
	}
	append_capped(mt, &mt->body, &mt->body_norm, utf8, len);
	if (len > 0)
		mt->hidden_break = 1;
	if (mt->body_norm.overrides > 0) {
		/*
		 * A reader sees the text under a right-to-left override in
		 * another order than it is stored ("eciovni" shows as
		 * "invoice"): reordering it as a reader does needs the
		 * whole Unicode bidi algorithm over whole paragraphs, and
		 * the override has no use in a vendor's notice: undecidable.
		 * (LRO leaves left-to-right text as it is.)
		 */
		msg_text_set_flag(mt, MSG_TEXT_UNCERTAIN,
		    "bidi override: the text is shown in another order than it is stored");
		mt->body_norm.overrides = 0;
	}
}

/* msg_text_hidden_append - hidden text inside a visible run: the run goes on unbroken */
void
msg_text_hidden_append(struct msg_text *mt, const char *utf8, size_t len)
{
	if (mt->hidden_break)
		hidden_separate(mt);
	append_capped(mt, &mt->hidden, &mt->hidden_norm, utf8, len);
}

/* msg_text_body_end - finish the current run */
void
msg_text_body_end(struct msg_text *mt)
{
	if (text_used(mt) + 3 <= mt->max_text) {
		text_norm_flush(mt->in_hidden ? &mt->hidden_norm : &mt->body_norm,
		    mt->in_hidden ? &mt->hidden : &mt->body);
		text_norm_flush(&mt->hidden_norm, &mt->hidden);
	}
	mt->in_hidden = 0;
}

/* msg_text_body_mark - where the next visible text will start */
size_t
msg_text_body_mark(const struct msg_text *mt)
{
	return mt->body.len;
}

/*
 * msg_text_hide_from - the visible text since mark was not displayed after
 * all (an alternative the client does not show): move it to the hidden text.
 */
void
msg_text_hide_from(struct msg_text *mt, size_t mark)
{
	if (mark >= mt->body.len)
		return;
	hidden_separate(mt);
	strbuf_append(&mt->hidden, mt->body.data + mark, mt->body.len - mark);
	strbuf_truncate(&mt->body, mark);
	mt->hidden_break = 1;
	mt->collapsed->valid = 0;	/* the body shrank: the view must be rebuilt */
}

/* msg_text_add_part - list a MIME leaf for rules on attachments */
void
msg_text_add_part(struct msg_text *mt, const char *type, const char *filename)
{
	if (mt->parts.len > 65536) {
		msg_text_set_flag(mt, MSG_TEXT_LIMIT, "parts list cap reached");
		return;
	}
	text_norm_string(&mt->parts, type, strlen(type), mt->normalise);
	if (filename != NULL && *filename != '\0') {
		strbuf_append_char(&mt->parts, ' ');
		text_norm_string(&mt->parts, filename, strlen(filename), mt->normalise);
	}
	strbuf_append_char(&mt->parts, '\n');
}

/* msg_text_set_flag - mark the message; the first reason is kept */
void
msg_text_set_flag(struct msg_text *mt, int flag, const char *reason)
{
	if ((mt->flags & (MSG_TEXT_UNCERTAIN | MSG_TEXT_LIMIT)) == 0 &&
	    (flag & (MSG_TEXT_UNCERTAIN | MSG_TEXT_LIMIT)) != 0)
		strbuf_reset(&mt->reason);
	if (mt->reason.len == 0 && reason != NULL)
		strbuf_append_str(&mt->reason, reason);
	mt->flags |= flag;
}

int
msg_text_full(const struct msg_text *mt)
{
	return text_used(mt) >= mt->max_text;
}

size_t
msg_text_header_count(const struct msg_text *mt)
{
	return mt->hdr_count;
}

const char *
msg_text_header_name(const struct msg_text *mt, size_t i)
{
	return mt->headers.data + mt->hdr[i].name_off;
}

const char *
msg_text_header_value(const struct msg_text *mt, size_t i, size_t *len_r)
{
	*len_r = mt->hdr[i].value_len;
	return mt->headers.data + mt->hdr[i].value_off;
}

const char *
msg_text_header_find(const struct msg_text *mt, const char *name, size_t *len_r)
{
	size_t i;

	for (i = 0; i < mt->hdr_count; i++)
		if (strcasecmp(msg_text_header_name(mt, i), name) == 0)
			return msg_text_header_value(mt, i, len_r);
	return NULL;
}

/* as_text - a strbuf's contents, "" when never written */
static const char *
as_text(const struct strbuf *sb, size_t *len_r)
{
	*len_r = sb->len;
	return sb->data != NULL ? sb->data : "";
}

const char *
msg_text_body(const struct msg_text *mt, size_t *len_r)
{
	return as_text(&mt->body, len_r);
}

/* collapsed - the collapsed view of the body, computed once per body */
static struct msg_collapsed *
collapsed(const struct msg_text *mt)
{
	struct msg_collapsed *c = mt->collapsed;

	if (!c->valid || c->body_len != mt->body.len) {
		c->nruns = mt->normalise ? text_norm_collapse(mt->body.data != NULL ?
		    mt->body.data : "", mt->body.len, &c->text, &c->runs) : 0;
		c->body_len = mt->body.len;
		c->valid = 1;
	}
	return c;
}

const char *
msg_text_collapsed(const struct msg_text *mt, size_t *len_r)
{
	struct msg_collapsed *c = collapsed(mt);

	*len_r = c->nruns > 0 ? c->text.len : 0;
	return c->nruns > 0 ? c->text.data : "";
}

size_t
msg_text_collapsed_runs(const struct msg_text *mt, const size_t **runs_r)
{
	struct msg_collapsed *c = collapsed(mt);

	*runs_r = (const size_t *)c->runs.data;
	return c->nruns;
}

const char *
msg_text_hidden(const struct msg_text *mt, size_t *len_r)
{
	return as_text(&mt->hidden, len_r);
}

const char *
msg_text_parts(const struct msg_text *mt, size_t *len_r)
{
	return as_text(&mt->parts, len_r);
}

int
msg_text_flags(const struct msg_text *mt)
{
	return mt->flags;
}

const char *
msg_text_reason(const struct msg_text *mt)
{
	return mt->reason.data != NULL ? mt->reason.data : "";
}
