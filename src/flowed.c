/* flowed - RFC 3676 format=flowed text back to paragraphs, in a stream */
#include "config.h"

#include <string.h>

#include "flowed.h"

enum flowed_state {
	FLOWED_QUOTES,		/* start of a line: counting '>' */
	FLOWED_STUFFING,	/* right after the quote marks */
	FLOWED_LINE,		/* in the content */
};

/* flowed_begin - start a stream */
void
flowed_begin(struct flowed *f, int delsp)
{
	memset(f, 0, sizeof(*f));
	f->delsp = delsp;
	f->state = FLOWED_QUOTES;
}

/* spaces_out - write n spaces */
static void
spaces_out(struct strbuf *out, size_t n)
{
	while (n-- > 0)
		strbuf_append_char(out, ' ');
}

/* line_begin - the quote marks are counted: join the last line or start a paragraph */
static void
line_begin(struct flowed *f, struct strbuf *out)
{
	size_t i;

	if (f->soft && f->depth == f->para_depth) {
		spaces_out(out, f->held);
		f->soft = 0;
		return;
	}
	if (f->soft)
		strbuf_append_char(out, '\n');	/* quote depth changed: a hard break */
	f->soft = 0;
	f->para_depth = f->depth;
	for (i = 0; i < f->depth; i++)
		strbuf_append_char(out, '>');
	if (f->depth > 0)
		strbuf_append_char(out, ' ');
}

/* line_end - a line break: flowed (soft) or hard */
static void
line_end(struct flowed *f, struct strbuf *out)
{
	int sig = f->dashes && f->content == 2 && f->spaces == 1;

	if (f->spaces > 0 && !sig) {
		f->soft = 1;
		f->held = f->delsp ? f->spaces - 1 : f->spaces;
	} else {
		if (sig)
			strbuf_append_char(out, ' ');
		strbuf_append_char(out, '\n');
	}
	f->state = FLOWED_QUOTES;
	f->depth = f->spaces = f->content = 0;
	f->dashes = 1;
	f->cr = 0;
}

/* content_byte - one byte of line content */
static void
content_byte(struct flowed *f, struct strbuf *out, char c)
{
	if (c == ' ') {
		f->spaces++;
		return;
	}
	spaces_out(out, f->spaces);
	if (f->spaces > 0)
		f->dashes = 0;
	f->spaces = 0;
	if (c != '-' || f->content >= 2)
		f->dashes = 0;
	f->content++;
	strbuf_append_char(out, c);
}

/* flowed_feed - unflow a chunk */
void
flowed_feed(struct flowed *f, struct strbuf *out, const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (f->state == FLOWED_QUOTES) {
			if (c == '>') {
				f->depth++;
				continue;
			}
			line_begin(f, out);
			f->state = FLOWED_STUFFING;
			f->dashes = 1;
		}
		if (f->state == FLOWED_STUFFING) {
			f->state = FLOWED_LINE;
			if (c == ' ')
				continue;
		}
		if (f->cr) {
			f->cr = 0;
			if (c == '\n') {
				line_end(f, out);
				continue;
			}
			content_byte(f, out, '\r');
		}
		if (c == '\r') {
			f->cr = 1;
			continue;
		}
		if (c == '\n') {
			line_end(f, out);
			continue;
		}
		if (c != ' ' && f->spaces == 0 && c != '-') {
			/* The common case: copy the run up to the next special byte. */
			for (j = i; j < n && s[j] != ' ' && s[j] != '\r' && s[j] != '\n'; j++)
				;
			strbuf_append(out, s + i, j - i);
			f->content += j - i;
			f->dashes = 0;
			i = j - 1;
			continue;
		}
		content_byte(f, out, c);
	}
}

/* flowed_end - end of stream: trailing spaces of the last line go */
void
flowed_end(struct flowed *f, struct strbuf *out)
{
	(void)out;
	f->state = FLOWED_QUOTES;
	f->soft = 0;
	f->spaces = f->depth = f->content = 0;
	f->cr = 0;
}
