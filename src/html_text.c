/* html_text - streaming HTML to text: the HTML5 tokenizer and the parser's interface */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "html_text_private.h"
#include "xalloc.h"

/* html_text_new - a parser with empty buffers */
struct html_text *
html_text_new(void)
{
	return xcalloc(1, sizeof(struct html_text));
}

/* html_text_free - release and clear the caller's pointer */
void
html_text_free(struct html_text **htp)
{
	struct html_text *ht = *htp;

	if (ht == NULL)
		return;
	strbuf_release(&ht->out);
	strbuf_release(&ht->hout);
	strbuf_release(&ht->alt);
	free(ht);
	*htp = NULL;
}

/* html_text_begin_part - start a part; hidden: the whole part is not displayed */
void
html_text_begin_part(struct html_text *ht, struct msg_text *mt, int hidden)
{
	ht->mt = mt;
	ht->state = S_DATA;
	strbuf_reset(&ht->out);
	strbuf_reset(&ht->hout);
	strbuf_reset(&ht->alt);
	ht->hlast = 0;
	ht->hsep = 0;
	ht->depth = 0;
	ht->foreign = 0;
	ht->nafe = 0;
	ht->afe_dirty = 0;
	ht->raw_closing = 0;
	ht->raw_sheet = 0;
	ht->sheet.nclasses = 0;
	ht->sheet.ncolors = 0;
	ht->sheet.ntags = 0;
	memset(ht->open, 0, sizeof(ht->open));
	msg_text_body_begin(mt, hidden);
}

/* html_text_begin - start a part the reader sees */
void
html_text_begin(struct html_text *ht, struct msg_text *mt)
{
	html_text_begin_part(ht, mt, 0);
}

/* decl_prefix - the bytes after "<!" may still become "--", DOCTYPE or [CDATA[ */
static int
decl_match(const char *d, size_t n, const char *word, int fold)
{
	size_t i;

	if (n > strlen(word))
		return 0;
	for (i = 0; i < n; i++)
		if ((fold ? html_lower(d[i]) : d[i]) != word[i])
			return 0;
	return n == strlen(word) ? 2 : 1;
}

/* ---- the tokenizer ---- */

/* raw_end_fail - "</name" did not close the raw element: it is text */
static void
raw_end_fail(struct html_text *ht)
{
	if (ht->content == S_RCDATA || ht->content == S_RAWTEXT) {
		html_emit_raw(ht, "</", 2);
		html_emit_raw(ht, ht->raw_name, ht->raw_match);
	}
	ht->state = ht->content;
}

/* dbl_char - the script double-escape buffer against "script" */
static void
dbl_char(struct html_text *ht, int c)
{
	if (ht->dbl_match < 6 && html_lower(c) == "script"[ht->dbl_match])
		ht->dbl_match++;
	else
		ht->dbl_bad = 1;
}

/* html_text_feed - run the state machine over a chunk */
void
html_text_feed(struct html_text *ht, const char *in, size_t len)
{
	size_t i = 0, j;
	int c, m;

	while (i < len) {
		c = (unsigned char)in[i];
		switch (ht->state) {
		case S_DATA:
			for (j = i; j < len && in[j] != '<' && in[j] != '&' && in[j] != '\0'; j++)
				;
			if (j > i)
				html_reconstruct(ht);
			html_emit(ht, in + i, j - i);
			i = j;
			if (i < len) {
				if (in[i] == '<')
					ht->state = S_TAG_OPEN;
				else if (in[i] == '&') {
					ht->state = S_CHARREF;
					ht->ret = S_DATA;
				}	/* NUL: ignored in the body */
				i++;
			}
			break;
		case S_RCDATA:
			for (j = i; j < len && in[j] != '<' && in[j] != '&'; j++)
				;
			html_emit_raw(ht, in + i, j - i);
			i = j;
			if (i < len) {
				if (in[i] == '<')
					ht->state = S_RAW_LT;
				else {
					ht->state = S_CHARREF;
					ht->ret = S_RCDATA;
				}
				i++;
			}
			break;
		case S_RAWTEXT:
		case S_SCRIPT:
			for (j = i; j < len && in[j] != '<'; j++)
				;
			html_emit_raw(ht, in + i, j - i);
			i = j;
			if (i < len) {
				ht->state = S_RAW_LT;
				i++;
			}
			break;
		case S_PLAINTEXT:
			html_emit(ht, in + i, len - i);
			i = len;
			break;
		case S_TAG_OPEN:
			if (c == '!') {
				ht->decl_len = 0;
				ht->state = S_MARKUP_DECL;
				i++;
			} else if (c == '/') {
				ht->state = S_END_TAG_OPEN;
				i++;
			} else if (html_is_alpha(c)) {
				html_tag_begin(ht, 0);
				ht->state = S_TAG_NAME;
			} else if (c == '?') {
				html_comment_begin(ht);
				ht->state = S_BOGUS_COMMENT;
			} else {
				html_emit(ht, "<", 1);
				ht->state = S_DATA;
			}
			break;
		case S_END_TAG_OPEN:
			if (html_is_alpha(c)) {
				html_tag_begin(ht, 1);
				ht->state = S_TAG_NAME;
			} else if (c == '>') {
				ht->state = S_DATA;	/* "</>" is nothing */
				i++;
			} else {
				html_comment_begin(ht);
				ht->state = S_BOGUS_COMMENT;
			}
			break;
		case S_TAG_NAME:
			for (; i < len && !html_is_space(in[i]) && in[i] != '/' && in[i] != '>'; i++)
				html_tag_name_char(ht, in[i]);
			if (i == len)
				break;
			c = in[i++];
			if (c == '>')
				html_tag_emit(ht);
			else
				ht->state = c == '/' ? S_SELF_CLOSING : S_BEFORE_ATTR_NAME;
			break;
		case S_RAW_LT:
			if (c == '/') {
				ht->raw_match = 0;
				ht->state = S_RAW_END_OPEN;
				i++;
			} else if (ht->content == S_SCRIPT && c == '!') {
				ht->state = S_SCRIPT_ESC_START;
				i++;
			} else if (ht->content == S_SCRIPT_ESC && html_is_alpha(c)) {
				ht->dbl_match = 0;
				ht->dbl_bad = 0;
				ht->state = S_SCRIPT_DBL_START;
			} else {
				html_emit_raw(ht, "<", 1);
				ht->state = ht->content;
			}
			break;
		case S_RAW_END_OPEN:
			if (html_is_alpha(c))
				ht->state = S_RAW_END_NAME;
			else {
				raw_end_fail(ht);
			}
			break;
		case S_RAW_END_NAME:
			if (html_is_alpha(c)) {
				if (html_lower(c) == ht->raw_name[ht->raw_match]) {
					ht->raw_match++;
					i++;
					break;
				}
				/* not the end tag: the bytes so far and this one are text */
				raw_end_fail(ht);
				break;
			}
			if ((html_is_space(c) || c == '/' || c == '>') &&
			    ht->raw_name[ht->raw_match] == '\0') {
				html_tag_begin(ht, 1);
				for (j = 0; j < ht->raw_match; j++)
					html_tag_name_char(ht, ht->raw_name[j]);
				ht->raw_closing = 1;
				i++;
				if (c == '>')
					html_tag_emit(ht);
				else
					ht->state = c == '/' ? S_SELF_CLOSING : S_BEFORE_ATTR_NAME;
				break;
			}
			raw_end_fail(ht);
			break;
		case S_SCRIPT_ESC_START:
			if (c == '-') {
				ht->state = S_SCRIPT_ESC_START_DASH;
				i++;
			} else
				ht->state = S_SCRIPT;
			break;
		case S_SCRIPT_ESC_START_DASH:
			if (c == '-') {
				ht->content = S_SCRIPT_ESC;
				ht->state = S_SCRIPT_ESC_DASH_DASH;
				i++;
			} else
				ht->state = S_SCRIPT;
			break;
		case S_SCRIPT_ESC:
		case S_SCRIPT_ESC_DASH:
		case S_SCRIPT_ESC_DASH_DASH:
			i++;
			if (c == '-')
				ht->state = ht->state == S_SCRIPT_ESC ? S_SCRIPT_ESC_DASH :
				    S_SCRIPT_ESC_DASH_DASH;
			else if (c == '<')
				ht->state = S_RAW_LT;
			else if (c == '>' && ht->state == S_SCRIPT_ESC_DASH_DASH)
				ht->state = ht->content = S_SCRIPT;
			else
				ht->state = S_SCRIPT_ESC;
			break;
		case S_SCRIPT_DBL_START:
		case S_SCRIPT_DBL_END:
			if (html_is_space(c) || c == '/' || c == '>') {
				m = !ht->dbl_bad && ht->dbl_match == 6;
				if (ht->state == S_SCRIPT_DBL_START)
					ht->state = m ? S_SCRIPT_DBL : S_SCRIPT_ESC;
				else
					ht->state = m ? S_SCRIPT_ESC : S_SCRIPT_DBL;
				i++;
			} else if (html_is_alpha(c)) {
				dbl_char(ht, c);
				i++;
			} else
				ht->state = ht->state == S_SCRIPT_DBL_START ? S_SCRIPT_ESC :
				    S_SCRIPT_DBL;
			break;
		case S_SCRIPT_DBL:
		case S_SCRIPT_DBL_DASH:
		case S_SCRIPT_DBL_DASH_DASH:
			i++;
			if (c == '-')
				ht->state = ht->state == S_SCRIPT_DBL ? S_SCRIPT_DBL_DASH :
				    S_SCRIPT_DBL_DASH_DASH;
			else if (c == '<')
				ht->state = S_SCRIPT_DBL_LT;
			else if (c == '>' && ht->state == S_SCRIPT_DBL_DASH_DASH)
				ht->state = ht->content = S_SCRIPT;
			else
				ht->state = S_SCRIPT_DBL;
			break;
		case S_SCRIPT_DBL_LT:
			if (c == '/') {
				ht->dbl_match = 0;
				ht->dbl_bad = 0;
				ht->state = S_SCRIPT_DBL_END;
				i++;
			} else
				ht->state = S_SCRIPT_DBL;
			break;
		case S_BEFORE_ATTR_NAME:
			if (html_is_space(c)) {
				i++;
			} else if (c == '/' || c == '>') {
				ht->state = S_AFTER_ATTR_NAME;
			} else {
				html_attr_finish(ht);
				ht->attr_len = 0;
				if (c == '=') {	/* "=" starts a name here */
					ht->attr[ht->attr_len++] = '=';
					i++;
				}
				ht->state = S_ATTR_NAME;
			}
			break;
		case S_ATTR_NAME:
			if (html_is_space(c) || c == '/' || c == '>' || c == '=') {
				html_attr_name_end(ht);
				if (c == '=') {
					ht->state = S_BEFORE_ATTR_VALUE;
					i++;
				} else
					ht->state = S_AFTER_ATTR_NAME;
				break;
			}
			if (ht->attr_len < NAME_KEEP)
				ht->attr[ht->attr_len] = (char)html_lower(c);
			ht->attr_len++;
			i++;
			break;
		case S_AFTER_ATTR_NAME:
			if (html_is_space(c)) {
				i++;
			} else if (c == '/') {
				ht->state = S_SELF_CLOSING;
				i++;
			} else if (c == '=') {
				ht->state = S_BEFORE_ATTR_VALUE;
				i++;
			} else if (c == '>') {
				i++;
				html_tag_emit(ht);
			} else {
				html_attr_finish(ht);
				ht->attr_len = 0;
				ht->state = S_ATTR_NAME;
			}
			break;
		case S_BEFORE_ATTR_VALUE:
			if (html_is_space(c)) {
				i++;
			} else if (c == '"' || c == '\'') {
				ht->state = c == '"' ? S_ATTR_VALUE_DQ : S_ATTR_VALUE_SQ;
				i++;
			} else if (c == '>') {
				i++;
				html_tag_emit(ht);
			} else
				ht->state = S_ATTR_VALUE_UQ;
			break;
		case S_ATTR_VALUE_DQ:
		case S_ATTR_VALUE_SQ:
		case S_ATTR_VALUE_UQ:
			/* One loop per quoting: the value runs to the first of its stop bytes. */
			if (ht->state == S_ATTR_VALUE_DQ) {
				for (j = i; j < len && in[j] != '"' && in[j] != '&' && in[j] != '\0'; j++)
					;
			} else if (ht->state == S_ATTR_VALUE_SQ) {
				for (j = i; j < len && in[j] != '\'' && in[j] != '&' && in[j] != '\0'; j++)
					;
			} else {
				for (j = i; j < len && in[j] != '&' && in[j] != '\0' &&
				    !html_is_space(in[j]) && in[j] != '>'; j++)
					;
			}
			html_attr_value(ht, in + i, j - i);
			i = j;
			if (i == len)
				break;
			c = (unsigned char)in[i++];
			if (c == '&') {
				ht->ret = ht->state;
				ht->state = S_CHARREF;
			} else if (c == '\0')
				html_attr_value(ht, "\xef\xbf\xbd", 3);
			else if (c == '>')
				html_tag_emit(ht);
			else if (ht->state == S_ATTR_VALUE_UQ)
				ht->state = S_BEFORE_ATTR_NAME;
			else
				ht->state = S_AFTER_ATTR_VALUE_Q;
			break;
		case S_AFTER_ATTR_VALUE_Q:
			if (html_is_space(c)) {
				ht->state = S_BEFORE_ATTR_NAME;
				i++;
			} else if (c == '/') {
				ht->state = S_SELF_CLOSING;
				i++;
			} else if (c == '>') {
				i++;
				html_tag_emit(ht);
			} else
				ht->state = S_BEFORE_ATTR_NAME;
			break;
		case S_SELF_CLOSING:
			if (c == '>') {
				ht->self_closing = 1;
				i++;
				html_tag_emit(ht);
			} else
				ht->state = S_BEFORE_ATTR_NAME;
			break;
		case S_MARKUP_DECL:
			ht->decl[ht->decl_len++] = (char)c;
			if ((m = decl_match(ht->decl, ht->decl_len, "--", 0)) == 2) {
				html_comment_begin(ht);
				ht->state = S_COMMENT_START;
				i++;
				break;
			}
			if (m == 0 && (m = decl_match(ht->decl, ht->decl_len, "doctype", 1)) == 2) {
				ht->state = S_DOCTYPE;
				i++;
				break;
			}
			if (m == 0 && (m = decl_match(ht->decl, ht->decl_len, "[CDATA[", 0)) == 2 &&
			    ht->foreign > 0) {
				ht->state = S_CDATA;
				i++;
				break;
			}
			if (m == 1) {
				i++;
				break;
			}
			/* anything else (HTML CDATA too): a bogus comment from after "<!" */
			html_comment_begin(ht);
			html_comment_text(ht, ht->decl, ht->decl_len - 1);
			ht->state = S_BOGUS_COMMENT;
			if (m == 2) {	/* the last byte of "[CDATA[" */
				html_comment_text(ht, ht->decl + ht->decl_len - 1, 1);
				i++;
			}
			break;
		case S_BOGUS_COMMENT:
			for (j = i; j < len && in[j] != '>'; j++)
				;
			html_comment_text(ht, in + i, j - i);
			i = j;
			if (i < len) {
				html_comment_end(ht);
				i++;
			}
			break;
		case S_DOCTYPE:
			for (; i < len && in[i] != '>'; i++)
				;
			if (i < len) {
				ht->state = S_DATA;
				i++;
			}
			break;
		case S_COMMENT_START:
		case S_COMMENT_START_DASH:
			if (c == '>') {	/* <!--> and <!---> are whole comments */
				html_comment_end(ht);
				i++;
			} else if (c == '-' && ht->state == S_COMMENT_START) {
				ht->state = S_COMMENT_START_DASH;
				i++;
			} else if (c == '-') {
				ht->state = S_COMMENT_END;
				i++;
			} else {
				if (ht->state == S_COMMENT_START_DASH)
					html_comment_text(ht, "-", 1);
				ht->state = S_COMMENT;
			}
			break;
		case S_COMMENT:
			for (j = i; j < len && in[j] != '-'; j++)
				;
			html_comment_text(ht, in + i, j - i);
			i = j;
			if (i < len) {
				ht->state = S_COMMENT_END_DASH;
				i++;
			}
			break;
		case S_COMMENT_END_DASH:
			if (c == '-') {
				ht->state = S_COMMENT_END;
				i++;
			} else {
				html_comment_text(ht, "-", 1);
				ht->state = S_COMMENT;
			}
			break;
		case S_COMMENT_END:
			if (c == '>') {
				html_comment_end(ht);
				i++;
			} else if (c == '!') {
				ht->state = S_COMMENT_END_BANG;
				i++;
			} else if (c == '-') {
				html_comment_text(ht, "-", 1);
				i++;
			} else {
				html_comment_text(ht, "--", 2);
				ht->state = S_COMMENT;
			}
			break;
		case S_COMMENT_END_BANG:
			if (c == '>') {	/* --!> closes a comment */
				html_comment_end(ht);
				i++;
			} else if (c == '-') {
				html_comment_text(ht, "--!", 3);
				ht->state = S_COMMENT_END_DASH;
				i++;
			} else {
				html_comment_text(ht, "--!", 3);
				ht->state = S_COMMENT;
			}
			break;
		case S_CDATA:
			for (j = i; j < len && in[j] != ']'; j++)
				;
			html_emit(ht, in + i, j - i);
			i = j;
			if (i < len) {
				ht->state = S_CDATA_BRACKET;
				i++;
			}
			break;
		case S_CDATA_BRACKET:
			if (c == ']') {
				ht->state = S_CDATA_END;
				i++;
			} else {
				html_emit(ht, "]", 1);
				ht->state = S_CDATA;
			}
			break;
		case S_CDATA_END:
			if (c == ']') {
				html_emit(ht, "]", 1);
				i++;
			} else if (c == '>') {
				ht->state = S_DATA;
				i++;
			} else {
				html_emit(ht, "]]", 2);
				ht->state = S_CDATA;
			}
			break;
		case S_CHARREF:
			if (html_is_alnum(c)) {
				ht->ent_len = 0;
				ht->state = S_CHARREF_NAMED;
			} else if (c == '#') {
				ht->state = S_CHARREF_NUM;
				i++;
			} else {
				html_charref_out(ht, "&", 1);
				ht->state = ht->ret;
			}
			break;
		case S_CHARREF_NAMED:
			if (html_is_alnum(c) && ht->ent_len < CHARREF_NAME_MAX - 1) {
				ht->ent[ht->ent_len++] = (char)c;
				i++;
				break;
			}
			i += (size_t)html_charref_named_end(ht, c);
			ht->state = ht->ret;
			break;
		case S_CHARREF_NUM:
			ht->num = 0;
			if (c == 'x' || c == 'X') {
				ht->num_x = (char)c;
				ht->state = S_CHARREF_HEX_START;
				i++;
			} else
				ht->state = S_CHARREF_DEC_START;
			break;
		case S_CHARREF_HEX_START:
		case S_CHARREF_DEC_START:
			if (ht->state == S_CHARREF_HEX_START ? html_is_hex(c) : html_is_digit(c)) {
				ht->state = ht->state == S_CHARREF_HEX_START ? S_CHARREF_HEX :
				    S_CHARREF_DEC;
				break;
			}
			/* no digits: the text stays as written */
			html_charref_out(ht, "&#", 2);
			if (ht->state == S_CHARREF_HEX_START)
				html_charref_out(ht, &ht->num_x, 1);
			ht->state = ht->ret;
			break;
		case S_CHARREF_HEX:
		case S_CHARREF_DEC:
			if (ht->state == S_CHARREF_HEX ? html_is_hex(c) : html_is_digit(c)) {
				html_charref_digit(ht, c, ht->state == S_CHARREF_HEX ? 16 : 10);
				i++;
				break;
			}
			if (c == ';')
				i++;
			html_charref_numeric_end(ht);
			ht->state = ht->ret;
			break;
		}
	}
	html_flush(ht);
}

/* html_text_end - finish the part: what the end of input means in each state */
void
html_text_end(struct html_text *ht)
{
	html_charref_eof(ht);
	switch (ht->state) {
	case S_TAG_OPEN:
		html_emit(ht, "<", 1);
		break;
	case S_END_TAG_OPEN:
		html_emit(ht, "</", 2);
		break;
	case S_RAW_LT:
		html_emit_raw(ht, "<", 1);
		break;
	case S_RAW_END_OPEN:
	case S_RAW_END_NAME:
		raw_end_fail(ht);
		break;
	case S_MARKUP_DECL:	/* "<!" and a prefix: an empty-ish bogus comment */
		html_comment_begin(ht);
		html_comment_text(ht, ht->decl, ht->decl_len);
		html_comment_end(ht);
		break;
	case S_COMMENT_END_DASH:
	case S_COMMENT_START_DASH:
	case S_COMMENT_END:
	case S_COMMENT_END_BANG:
	case S_COMMENT:
	case S_BOGUS_COMMENT:
		html_comment_end(ht);
		break;
	case S_CDATA_BRACKET:
		html_emit(ht, "]", 1);
		break;
	case S_CDATA_END:
		html_emit(ht, "]]", 2);
		break;
	default:
		break;
	}
	ht->state = S_DATA;
	html_pop_to(ht, 0);
	html_flush(ht);
	msg_text_body_end(ht->mt);
	ht->raw_closing = 0;
}
