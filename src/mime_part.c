/* mime_part - the header fields of one MIME part that decide how its body is read */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "mime_header.h"
#include "mime_part.h"

/* mime_part_init - an empty part */
void
mime_part_init(struct mime_part *p)
{
	memset(p, 0, sizeof(*p));
	mime_part_reset(p, 0, 0, 0);
}

/* mime_part_release - free the storage of a part */
void
mime_part_release(struct mime_part *p)
{
	strbuf_release(&p->type);
	strbuf_release(&p->charset);
	strbuf_release(&p->boundary);
	strbuf_release(&p->filename);
	strbuf_release(&p->name);
	strbuf_release(&p->tmp);
}

/* mime_part_reset - forget the previous part's fields, keep the storage */
void
mime_part_reset(struct mime_part *p, int top, int nested, int in_digest)
{
	strbuf_reset(&p->type);
	strbuf_reset(&p->charset);
	strbuf_reset(&p->boundary);
	strbuf_reset(&p->filename);
	strbuf_reset(&p->name);
	p->cte = MIME_CTE_IDENTITY;
	p->have_type = p->have_cte = p->have_charset = 0;
	p->flowed = p->delsp = p->attachment = 0;
	p->top = top;
	p->nested = nested;
	p->in_digest = in_digest;
}

/* mime_part_name_is - the field name equals name */
int
mime_part_name_is(const char *field, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(field, name, len) == 0;
}

/* contains_ci - s holds the lower-case ASCII word w, in any case */
static int
contains_ci(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w), i;

	for (i = 0; i + n <= len; i++)
		if ((s[i] | 0x20) == w[0] && strncasecmp(s + i, w, n) == 0)
			return 1;
	return 0;
}

/* uncertain - the part has a second reading */
static void
uncertain(struct msg_text *out, const char *reason)
{
	msg_text_set_flag(out, MSG_TEXT_UNCERTAIN, reason);
}

/* content_type - record a Content-Type field, noting a disagreeing second one */
static void
content_type(struct mime_part *p, struct charset_cache *cc, struct msg_text *out,
    const char *v, size_t len)
{
	struct strbuf *t = &p->tmp;
	int r;

	strbuf_reset(t);
	mime_header_content_type(t, v, len);
	if (!p->have_type) {
		p->have_type = 1;
		strbuf_append(&p->type, t->data != NULL ? t->data : "", t->len);
	} else if (t->len != p->type.len ||
	    (t->len > 0 && memcmp(t->data, p->type.data, t->len) != 0)) {
		uncertain(out, "conflicting Content-Type headers");
		return;
	}
	strbuf_reset(t);
	r = mime_header_param(NULL, t, v, len, "boundary");
	if (r >= 0) {
		if (r & MIME_HEADER_CONFLICT)
			uncertain(out, "conflicting boundary parameters");
		if (t->len > MIME_PART_BOUNDARY_MAX)
			msg_text_set_flag(out, MSG_TEXT_LIMIT, "boundary too long");
		else if (p->boundary.len > 0 && (t->len != p->boundary.len ||
		    memcmp(t->data, p->boundary.data, t->len) != 0))
			uncertain(out, "conflicting Content-Type headers");
		else if (p->boundary.len == 0)
			strbuf_append(&p->boundary, t->data != NULL ? t->data : "", t->len);
	}
	strbuf_reset(t);
	r = mime_header_param(NULL, t, v, len, "charset");
	if (r >= 0) {
		if (r & MIME_HEADER_CONFLICT)
			uncertain(out, "conflicting charset parameters");
		if (p->have_charset && (t->len != p->charset.len ||
		    strncasecmp(t->data != NULL ? t->data : "", p->charset.data, t->len) != 0))
			uncertain(out, "conflicting Content-Type headers");
		else if (!p->have_charset) {
			p->have_charset = 1;
			strbuf_append(&p->charset, t->data != NULL ? t->data : "", t->len);
		}
	}
	/* Parameter names are never encoded: no "format", no flowed text. */
	if (contains_ci(v, len, "format")) {
		strbuf_reset(t);
		if (mime_header_param(NULL, t, v, len, "format") >= 0 && t->len == 6 &&
		    strncasecmp(t->data, "flowed", 6) == 0)
			p->flowed = 1;
		strbuf_reset(t);
		if (mime_header_param(NULL, t, v, len, "delsp") >= 0 && t->len == 3 &&
		    strncasecmp(t->data, "yes", 3) == 0)
			p->delsp = 1;
	}
	if (p->name.len == 0) {
		r = mime_header_param(cc, &p->name, v, len, "name");
		if (r > 0 && (r & MIME_HEADER_UNKNOWN_CHARSET))
			uncertain(out, "unknown charset in file name");
	}
}

/* mime_part_field - record the fields that decide how the body is read */
void
mime_part_field(struct mime_part *p, struct charset_cache *cc, struct msg_text *out,
    const char *f, size_t nl, const char *v, size_t vl)
{
	enum mime_cte cte;
	int r;

	if (mime_part_name_is(f, nl, "content-type")) {
		content_type(p, cc, out, v, vl);
	} else if (mime_part_name_is(f, nl, "content-transfer-encoding")) {
		mime_encoding_parse(v, vl, &cte);
		if (p->have_cte && cte != p->cte)
			uncertain(out, "conflicting Content-Transfer-Encoding headers");
		else if (!p->have_cte) {
			p->have_cte = 1;
			p->cte = cte;
		}
	} else if (mime_part_name_is(f, nl, "content-disposition")) {
		if (vl >= 10 && strncasecmp(v, "attachment", 10) == 0 &&
		    (vl == 10 || v[10] == ';' || v[10] == ' ' || v[10] == '\t'))
			p->attachment = 1;
		if (p->filename.len > 0)
			return;
		r = mime_header_param(cc, &p->filename, v, vl, "filename");
		if (r > 0 && (r & MIME_HEADER_UNKNOWN_CHARSET))
			uncertain(out, "unknown charset in file name");
	}
}
