/* html_text output - the visible and the hidden stream, and comment text */
#include "config.h"

#include <string.h>

#include "html_text_private.h"

/* html_flush - hand the decoded text to the msg_text */
void
html_flush(struct html_text *ht)
{
	if (ht->out.len > 0)
		msg_text_body_append(ht->mt, ht->out.data, ht->out.len);
	strbuf_reset(&ht->out);
	if (ht->hout.len > 0)
		msg_text_hidden_append(ht->mt, ht->hout.data, ht->hout.len);
	strbuf_reset(&ht->hout);
}

/*
 * html_put - text into the visible or the hidden stream.  The other stream's
 * pending text goes out first, so that the msg_text sees the two streams
 * interleaved as in the input, however the input was cut into chunks.
 */
void
html_put(struct html_text *ht, int hidden, const char *s, size_t n)
{
	struct strbuf *sb = hidden ? &ht->hout : &ht->out;

	if (n == 0)
		return;
	if (hidden) {
		if (ht->out.len > 0)
			html_flush(ht);
		if (ht->hsep && ht->hlast != 0 && ht->hlast != '\n' && s[0] != '\n')
			strbuf_append(sb, "\n", 1);
		ht->hsep = 0;
		ht->hlast = s[n - 1];
	} else if (ht->hout.len > 0)
		html_flush(ht);
	strbuf_append(sb, s, n);
	if (sb->len >= OUT_FLUSH)
		html_flush(ht);
}

/* html_hidden_sep - keep the next piece of hidden text from joining the last one */
void
html_hidden_sep(struct html_text *ht)
{
	ht->hsep = 1;
}

/* html_want_hidden - is text at this point hidden from the reader */
int
html_want_hidden(const struct html_text *ht)
{
	return ht->depth > 0 && ht->stack[ht->depth - 1].hidden;
}

/* html_emit - text in the current element */
void
html_emit(struct html_text *ht, const char *s, size_t n)
{
	html_put(ht, html_want_hidden(ht), s, n);
}

/* html_emit_raw - text of a raw text element: dropped, shown or hidden */
void
html_emit_raw(struct html_text *ht, const char *s, size_t n)
{
	if (ht->raw_sheet)
		html_sheet_feed(&ht->sheet, s, n);
	if (ht->raw_out != 0)
		html_put(ht, ht->raw_out == 2, s, n);
}

/* ---- comments ---- */

/* html_comment_text - comment data goes to the hidden stream, markup inside it left out */
void
html_comment_text(struct html_text *ht, const char *s, size_t n)
{
	size_t i, b = 0;

	for (i = 0; i < n; i++) {
		if (ht->cmt_lt == 2) {
			if (s[i] == '>') {
				ht->cmt_lt = 0;
				b = i + 1;
			}
			continue;
		}
		if (ht->cmt_lt == 1) {
			ht->cmt_lt = 0;
			if (html_is_alpha(s[i]) || s[i] == '/' || s[i] == '!') {
				ht->cmt_lt = 2;
				continue;
			}
			html_put(ht, 1, "<", 1);
			b = i;
		}
		if (s[i] == '<') {
			html_put(ht, 1, s + b, i - b);
			ht->cmt_lt = 1;
			b = i + 1;
		}
	}
	if (ht->cmt_lt != 2 && n > b)
		html_put(ht, 1, s + b, n - b);
}

/* html_comment_begin - a comment or bogus comment starts */
void
html_comment_begin(struct html_text *ht)
{
	html_hidden_sep(ht);
	ht->cmt_lt = 0;
}

/* html_comment_end - the comment ended */
void
html_comment_end(struct html_text *ht)
{
	if (ht->cmt_lt == 1)
		html_put(ht, 1, "<", 1);
	ht->cmt_lt = 0;
	ht->state = S_DATA;
}
