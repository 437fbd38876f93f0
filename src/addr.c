/* addr - mail address parsing for lookups */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "addr.h"

/* append_lower - append bytes lower-cased (ASCII only; UTF-8 passes through) */
static void
append_lower(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	strbuf_grow(out, len);
	for (i = 0; i < len; i++)
		out->data[out->len + i] = (char)tolower((unsigned char)s[i]);
	out->len += len;
	out->data[out->len] = '\0';
}

/* addr_check - 0 if out holds an address; otherwise empty it and return -1 */
static int
addr_check(struct strbuf *out)
{
	if (memchr(out->data, '@', out->len) != NULL)
		return 0;
	strbuf_reset(out);
	return -1;
}

/* addr_canon - envelope address to lookup form */
int
addr_canon(const char *in, struct strbuf *out)
{
	const char *start = in, *end;

	strbuf_reset(out);
	while (*start == ' ' || *start == '\t')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (end > start && *start == '<') {
		const char *close = memchr(start, '>', (size_t)(end - start));

		start++;
		end = close != NULL ? close : end;
	}
	/* Drop a source route "@a,@b:user@dom". */
	if (start < end && *start == '@') {
		const char *colon = memchr(start, ':', (size_t)(end - start));

		if (colon != NULL)
			start = colon + 1;
	}
	if (end == start)
		return 0;	/* null sender */
	append_lower(out, start, (size_t)(end - start));
	return addr_check(out);
}

/* addr_from_header - first mailbox of a From: value */
int
addr_from_header(const char *value, struct strbuf *out)
{
	const char *p, *lt = NULL, *start, *end;
	int in_quote = 0, depth = 0;

	strbuf_reset(out);
	/* Find an angle-bracket address outside quotes and comments. */
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (in_quote) {
			if (*p == '"')
				in_quote = 0;
			continue;
		}
		if (*p == '"')
			in_quote = 1;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (*p == '<' && depth == 0) {
			lt = p;
			break;
		}
	}
	if (lt != NULL) {
		start = lt + 1;
		end = strchr(start, '>');
		if (end == NULL)
			end = start + strlen(start);
	} else {
		/* Bare "a@b (comment)" or "group: a@b;". */
		start = value;
		if ((p = strchr(value, ':')) != NULL && memchr(value, '@', (size_t)(p - value)) == NULL)
			start = p + 1;
		while (*start == ' ' || *start == '\t')
			start++;
		/* Skip comments before the address: "(Billing) a@b". */
		while (*start == '(') {
			int nest = 0;

			for (; *start != '\0'; start++) {
				if (*start == '\\' && start[1] != '\0')
					start++;
				else if (*start == '(')
					nest++;
				else if (*start == ')' && --nest == 0) {
					start++;
					break;
				}
			}
			while (*start == ' ' || *start == '\t')
				start++;
		}
		end = start;
		while (*end != '\0' && *end != ' ' && *end != '\t' && *end != '(' &&
		    *end != ',' && *end != ';')
			end++;
	}
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	append_lower(out, start, (size_t)(end - start));
	return addr_check(out);
}

/* addr_domain - text after the last '@' */
const char *
addr_domain(const char *canon)
{
	const char *at = strrchr(canon, '@');

	return at != NULL ? at + 1 : NULL;
}

/* addr_domain_within - equal or subdomain */
int
addr_domain_within(const char *domain, const char *parent)
{
	size_t dl = strlen(domain), pl = strlen(parent);

	if (dl == pl)
		return strcasecmp(domain, parent) == 0;
	return dl > pl && domain[dl - pl - 1] == '.' &&
	    strcasecmp(domain + dl - pl, parent) == 0;
}
