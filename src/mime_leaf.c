/* mime_leaf - the content pipeline of one text part */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enriched.h"
#include "flowed.h"
#include "html_text.h"
#include "mime_leaf.h"
#include "strbuf.h"
#include "xalloc.h"

#define SLICE	65536	/* bytes decoded at a time */

struct mime_leaf {
	struct charset_cache *cc;	/* borrowed from the decoder */
	struct html_text *html;
	struct msg_text *out;
	int open;
	enum mime_leaf_filter filter;
	int plain;		/* identity encoding: UTF-8 runs need no copies */
	struct mime_encoding enc;
	struct charset_conv conv;
	struct flowed flowed;
	struct enriched enriched;
	struct strbuf dbuf;	/* transfer-decoded bytes */
	struct strbuf cbuf;	/* converted to UTF-8 */
	struct strbuf fbuf;	/* a filter's output */
	struct strbuf reason;	/* scratch for a flag's reason */
};

/* mime_leaf_new - a closed leaf */
struct mime_leaf *
mime_leaf_new(struct charset_cache *cc)
{
	struct mime_leaf *leaf = xcalloc(1, sizeof(*leaf));

	leaf->cc = cc;
	/* Until html_text allocates through xalloc too (then this check goes). */
	if ((leaf->html = html_text_new()) == NULL)
		xalloc_fail(sizeof(struct mime_leaf));
	return leaf;
}

/* mime_leaf_free - release and clear the caller's pointer */
void
mime_leaf_free(struct mime_leaf **leafp)
{
	struct mime_leaf *leaf = *leafp;

	if (leaf == NULL)
		return;
	html_text_free(&leaf->html);
	strbuf_release(&leaf->dbuf);
	strbuf_release(&leaf->cbuf);
	strbuf_release(&leaf->fbuf);
	strbuf_release(&leaf->reason);
	free(leaf);
	*leafp = NULL;
}

/* mime_leaf_open - pick the converter and the filter, open the text run */
void
mime_leaf_open(struct mime_leaf *leaf, struct msg_text *out, const struct mime_leaf_label *label)
{
	leaf->out = out;
	if (label->charset_len == 0)
		charset_conv_open_unlabelled(leaf->cc, &leaf->conv);
	else if (charset_conv_open(leaf->cc, &leaf->conv, label->charset, label->charset_len) < 0) {
		strbuf_reset(&leaf->reason);
		strbuf_append_str(&leaf->reason, "unknown charset ");
		charset_safe_name(&leaf->reason, label->charset, label->charset_len);
		msg_text_set_flag(out, MSG_TEXT_UNCERTAIN, leaf->reason.data);
	}
	mime_encoding_init(&leaf->enc, label->cte);
	leaf->plain = label->cte == MIME_CTE_IDENTITY;
	leaf->filter = label->filter;
	leaf->open = 1;
	switch (label->filter) {
	case MIME_LEAF_HTML:
		html_text_begin(leaf->html, out);
		return;
	case MIME_LEAF_FLOWED:
		flowed_begin(&leaf->flowed, label->delsp);
		break;
	case MIME_LEAF_ENRICHED:
	case MIME_LEAF_RICHTEXT:
		enriched_begin(&leaf->enriched, label->filter == MIME_LEAF_RICHTEXT);
		break;
	case MIME_LEAF_PLAIN:
		break;
	}
	msg_text_body_begin(out, label->hidden);
}

/* text_out - decoded UTF-8, through the filter, to the msg_text */
static void
text_out(struct mime_leaf *leaf, const char *p, size_t n)
{
	switch (leaf->filter) {
	case MIME_LEAF_HTML:
		html_text_feed(leaf->html, p, n);
		return;
	case MIME_LEAF_PLAIN:
		msg_text_body_append(leaf->out, p, n);
		return;
	case MIME_LEAF_FLOWED:
		strbuf_reset(&leaf->fbuf);
		flowed_feed(&leaf->flowed, &leaf->fbuf, p, n);
		break;
	case MIME_LEAF_ENRICHED:
	case MIME_LEAF_RICHTEXT:
		strbuf_reset(&leaf->fbuf);
		enriched_feed(&leaf->enriched, &leaf->fbuf, p, n);
		break;
	}
	if (leaf->fbuf.len > 0)
		msg_text_body_append(leaf->out, leaf->fbuf.data, leaf->fbuf.len);
}

/* text_end - end of the part: flush the filter and close the run */
static void
text_end(struct mime_leaf *leaf)
{
	strbuf_reset(&leaf->fbuf);
	switch (leaf->filter) {
	case MIME_LEAF_HTML:
		html_text_end(leaf->html);
		return;
	case MIME_LEAF_FLOWED:
		flowed_end(&leaf->flowed, &leaf->fbuf);
		break;
	case MIME_LEAF_ENRICHED:
	case MIME_LEAF_RICHTEXT:
		enriched_end(&leaf->enriched, &leaf->fbuf);
		break;
	case MIME_LEAF_PLAIN:
		break;
	}
	if (leaf->fbuf.len > 0)
		msg_text_body_append(leaf->out, leaf->fbuf.data, leaf->fbuf.len);
	msg_text_body_end(leaf->out);
}

/* mime_leaf_feed - decode a span of the body */
void
mime_leaf_feed(struct mime_leaf *leaf, const char *data, size_t len)
{
	size_t n;

	if (!leaf->open || len == 0 || msg_text_full(leaf->out))
		return;
	if (leaf->plain) {
		/* Identity encoding: what needs no conversion is used in place. */
		n = charset_conv_direct(&leaf->conv, data, len);
		if (n > 0)
			text_out(leaf, data, n);
		data += n;
		len -= n;
	}
	/* Slices keep the intermediate buffers small whatever the caller feeds. */
	while (len > 0 && !msg_text_full(leaf->out)) {
		n = len < SLICE ? len : SLICE;
		strbuf_reset(&leaf->dbuf);
		mime_encoding_feed(&leaf->enc, &leaf->dbuf, data, n);
		data += n;
		len -= n;
		strbuf_reset(&leaf->cbuf);
		charset_conv_feed(&leaf->conv, &leaf->cbuf, leaf->dbuf.data, leaf->dbuf.len);
		if (leaf->cbuf.len > 0)
			text_out(leaf, leaf->cbuf.data, leaf->cbuf.len);
	}
}

/* mime_leaf_close - flush every stage; a doubtful charset reading marks the text */
void
mime_leaf_close(struct mime_leaf *leaf)
{
	if (!leaf->open)
		return;
	strbuf_reset(&leaf->dbuf);
	mime_encoding_finish(&leaf->enc, &leaf->dbuf);
	strbuf_reset(&leaf->cbuf);
	charset_conv_feed(&leaf->conv, &leaf->cbuf, leaf->dbuf.data, leaf->dbuf.len);
	charset_conv_finish(&leaf->conv, &leaf->cbuf);
	if (leaf->cbuf.len > 0)
		text_out(leaf, leaf->cbuf.data, leaf->cbuf.len);
	text_end(leaf);
	if (charset_conv_doubt(&leaf->conv) != NULL)
		msg_text_set_flag(leaf->out, MSG_TEXT_UNCERTAIN, charset_conv_doubt(&leaf->conv));
	leaf->open = 0;
}

/* mime_leaf_is_open - a part is being decoded */
int
mime_leaf_is_open(const struct mime_leaf *leaf)
{
	return leaf->open;
}
