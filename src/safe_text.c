/* safe_text - untrusted text made safe for a terminal, a log field or a header */
#include "config.h"

#include <string.h>

#include "safe_text.h"
#include "utf8.h"

/* safe_text_is_unsafe - controls and the characters that reorder text on display */
int
safe_text_is_unsafe(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x061c ||			/* Arabic letter mark */
	    cp == 0x200e || cp == 0x200f ||	/* LRM, RLM */
	    (cp >= 0x202a && cp <= 0x202e) ||	/* embeddings and overrides */
	    (cp >= 0x2066 && cp <= 0x2069);	/* isolates */
}

/* append_safe - the shared walk; escape_ascii: also hex-escape the log's separators */
static void
append_safe(struct strbuf *out, const char *s, size_t len, int escape_ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	unsigned cp;
	int n;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &cp);
		if (n <= 0) {
			strbuf_append_char(out, '?');
			i++;
			continue;
		}
		if (safe_text_is_unsafe(cp))
			strbuf_append_char(out, '?');
		else if (escape_ascii && cp < 0x80 && strchr(" =,<>\"\\", (int)cp) != NULL)
			strbuf_appendf(out, "\\x%02x", cp);
		else
			strbuf_append(out, s + i, (size_t)n);
		i += (size_t)n;
	}
}

void
safe_text_terminal(struct strbuf *out, const char *s, size_t len)
{
	append_safe(out, s, len, 0);
}

void
safe_text_log_word(struct strbuf *out, const char *s, size_t len)
{
	append_safe(out, s, len, 1);
}
