/* enriched - text/enriched (RFC 1896) and text/richtext (RFC 1341) to plain text */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "enriched.h"

/* enriched_begin - start a stream */
void
enriched_begin(struct enriched *e, int richtext)
{
	memset(e, 0, sizeof(*e));
	e->richtext = richtext;
}

/* text_out - text the reader sees, after the line breaks held back */
static void
text_out(struct enriched *e, struct strbuf *out, const char *s, size_t n)
{
	if (e->drop > 0 || n == 0)
		return;
	if (e->newlines == 1 || (e->newlines > 0 && e->richtext))
		strbuf_append_char(out, ' ');
	else
		while (e->newlines > 1) {
			strbuf_append_char(out, '\n');
			e->newlines--;
		}
	e->newlines = 0;
	strbuf_append(out, s, n);
	e->started = 1;
}

/* is_name - the command name (after an optional '/') is name */
static int
is_name(const struct enriched *e, const char *name)
{
	const char *s = e->name;
	size_t n = e->name_len;

	if (n > 0 && s[0] == '/') {
		s++;
		n--;
	}
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* command - a complete <command>: follow the ones that change what is seen */
static void
command(struct enriched *e, struct strbuf *out)
{
	int close = e->name_len > 0 && e->name[0] == '/';

	if (is_name(e, "param") || (e->richtext && is_name(e, "comment"))) {
		if (close && e->drop > 0)
			e->drop--;
		else if (!close)
			e->drop++;
	} else if (is_name(e, "nofill")) {
		if (close && e->nofill > 0)
			e->nofill--;
		else if (!close)
			e->nofill++;
	} else if (e->richtext && !close && is_name(e, "lt")) {
		text_out(e, out, "<", 1);
	} else if (e->richtext && !close && (is_name(e, "nl") || is_name(e, "np"))) {
		e->newlines = 0;
		if (e->drop == 0)
			strbuf_append_char(out, '\n');
	}
}

/* not_command - the '<' did not start a command: it and the name are text */
static void
not_command(struct enriched *e, struct strbuf *out)
{
	e->in_cmd = 0;
	text_out(e, out, "<", 1);
	text_out(e, out, e->name, e->name_len);
}

/* enriched_feed - strip the commands from a chunk */
void
enriched_feed(struct enriched *e, struct strbuf *out, const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (e->in_cmd) {
			if (c == '<' && e->name_len == 0 && !e->richtext) {
				e->in_cmd = 0;
				text_out(e, out, "<", 1);	/* "<<" */
				continue;
			}
			if (c == '>' && e->name_len > 0) {
				e->in_cmd = 0;
				command(e, out);
				continue;
			}
			if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || (c == '/' && e->name_len == 0)) &&
			    e->name_len < ENRICHED_NAME_MAX + 1) {
				e->name[e->name_len++] = c;
				continue;
			}
			not_command(e, out);
			/* c is read again as text */
		}
		if (c == '<') {
			e->in_cmd = 1;
			e->name_len = 0;
			continue;
		}
		if (c == '\r')
			continue;
		if (c == '\n') {
			if (e->nofill > 0 && !e->richtext) {
				if (e->drop == 0)
					strbuf_append_char(out, '\n');
			} else if (e->started && e->drop == 0)
				e->newlines++;
			continue;
		}
		for (j = i; j < n && s[j] != '<' && s[j] != '\r' && s[j] != '\n'; j++)
			;
		text_out(e, out, s + i, j - i);
		i = j - 1;
	}
}

/* enriched_end - end of stream */
void
enriched_end(struct enriched *e, struct strbuf *out)
{
	if (e->in_cmd)
		not_command(e, out);
	e->newlines = 0;
}
