/* mime_header - header field helpers: unfolding, RFC 2047 words, RFC 2231 parameters */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "mime_encoding.h"
#include "mime_header.h"

#define PARAM_SEGS_MAX	64
#define PARAM_SECTION_MAX 9999

struct param_seg {
	int section;		/* -1: not a continuation */
	int ext;		/* charset'lang'%XX encoding */
	int quoted;
	const char *v;
	size_t len;
};

/* is_wsp - header white space */
static int
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* mime_header_unfold - remove CR and LF, keep the folding white space */
int
mime_header_unfold(struct strbuf *out, const char *in, size_t len)
{
	size_t i = 0, j, cr = 0, lf = 0;
	const char *p;
	int ret = 0, seen = 0;

	while (i < len) {
		/* The next CR and LF, each searched again only once passed: linear. */
		if (!seen || cr < i) {
			p = memchr(in + i, '\r', len - i);
			cr = p != NULL ? (size_t)(p - in) : len;
		}
		if (!seen || lf < i) {
			p = memchr(in + i, '\n', len - i);
			lf = p != NULL ? (size_t)(p - in) : len;
		}
		seen = 1;
		j = cr < lf ? cr : lf;
		strbuf_append(out, in + i, j - i);
		if (j < len && in[j] == '\r' && (j + 1 >= len || in[j + 1] != '\n'))
			ret |= MIME_HEADER_BARE_CR;
		i = j + 1;
	}
	return ret;
}

/*
 * parse_word - recognise "=?cs?e?text?=" at in; returns its length, or 0
 * with *skip_r set to how far no encoded word can start: when the text
 * runs into white space or the end without "?=", every word starting
 * before that point would too, so the caller skips it (linear time).
 */
static size_t
parse_word(const char *in, size_t len, const char **cs, size_t *cslen,
    char *enc, const char **text, size_t *textlen, size_t *skip_r)
{
	const char *star;
	size_t i, n;

	*skip_r = 1;
	if (len < 8 || in[0] != '=' || in[1] != '?')
		return 0;
	for (i = 2; i < len && in[i] != '?'; i++)
		if (is_wsp(in[i]) || i - 2 > CHARSET_NAME_MAX + 32)
			return 0;
	if (i == 2 || i + 3 >= len || in[i + 2] != '?')
		return 0;
	*cs = in + 2;
	*cslen = i - 2;
	/* RFC 2231 section 5: a language after '*' */
	if ((star = memchr(*cs, '*', *cslen)) != NULL)
		*cslen = (size_t)(star - *cs);
	*enc = in[i + 1];
	if (*enc != 'B' && *enc != 'b' && *enc != 'Q' && *enc != 'q')
		return 0;
	*text = in + i + 3;
	for (n = i + 3; n + 1 < len; n++) {
		if (in[n] == '?' && in[n + 1] == '=') {
			*textlen = n - (i + 3);
			return n + 2;
		}
		if (in[n] == ' ' || in[n] == '\t' || in[n] == '\r' || in[n] == '\n') {
			*skip_r = n;
			return 0;
		}
	}
	*skip_r = len;
	return 0;
}

/* flush_pending - convert the joined raw bytes of adjacent words */
static int
flush_pending(struct charset_cache *cc, struct strbuf *out, struct strbuf *raw,
    const char *cs, size_t cslen, struct strbuf *unknown_r)
{
	int ret = 0;

	if (cs == NULL)
		return 0;
	if (charset_convert(cc, cs, cslen, out, raw->data != NULL ? raw->data : "",
	    raw->len) < 0) {
		ret = MIME_HEADER_UNKNOWN_CHARSET;
		if (unknown_r != NULL && unknown_r->len == 0)
			charset_safe_name(unknown_r, cs, cslen);
	}
	strbuf_reset(raw);
	return ret;
}

/* all_wsp - the span is only white space */
static int
all_wsp(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_wsp(s[i]))
			return 0;
	return 1;
}

/* mime_header_decode - RFC 2047 to UTF-8 */
int
mime_header_decode(struct charset_cache *cc, struct strbuf *out,
    const char *in, size_t len, struct strbuf *unknown_r)
{
	struct strbuf raw = STRBUF_INIT;
	const char *pcs = NULL, *cs, *text, *q;
	size_t pcslen = 0, cslen, textlen, wlen, i = 0, lit = 0, skip;
	int ret = 0;
	char enc;

	if (len == 0)
		return 0;	/* in may be NULL then */
	while (i < len) {
		q = memchr(in + i, '=', len - i);
		if (q == NULL)
			break;
		i = (size_t)(q - in);
		wlen = parse_word(in + i, len - i, &cs, &cslen, &enc, &text, &textlen, &skip);
		if (wlen == 0) {
			i += skip;
			continue;
		}
		if (pcs == NULL || !all_wsp(in + lit, i - lit)) {
			ret |= flush_pending(cc, out, &raw, pcs, pcslen, unknown_r);
			pcs = NULL;
			strbuf_append(out, in + lit, i - lit);
		}
		if (pcs != NULL && (pcslen != cslen || strncasecmp(pcs, cs, cslen) != 0)) {
			ret |= flush_pending(cc, out, &raw, pcs, pcslen, unknown_r);
			pcs = NULL;
		}
		if (enc == 'B' || enc == 'b')
			mime_encoding_base64(&raw, text, textlen);
		else
			mime_encoding_q(&raw, text, textlen);
		pcs = cs;
		pcslen = cslen;
		i += wlen;
		lit = i;
	}
	ret |= flush_pending(cc, out, &raw, pcs, pcslen, unknown_r);
	strbuf_append(out, in + lit, len - lit);
	strbuf_release(&raw);
	return ret;
}

/* mime_header_content_type - the media type, lower-cased */
int
mime_header_content_type(struct strbuf *out, const char *value, size_t len)
{
	size_t i = 0, start, slash = 0;

	while (i < len && is_wsp(value[i]))
		i++;
	start = i;
	for (; i < len && value[i] != ';' && !is_wsp(value[i]) && value[i] != '('; i++) {
		if (value[i] == '/' && slash == 0)
			slash = i;
	}
	if (slash == 0 || slash == start || slash + 1 == i)
		return -1;
	for (; start < i; start++) {
		char c = value[start];

		strbuf_append_char(out, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
	}
	return 0;
}

/* unquote - append a parameter value, resolving quoted-pair escapes */
static void
unquote(struct strbuf *out, const struct param_seg *s)
{
	size_t i, j;

	if (!s->quoted) {
		strbuf_append(out, s->v, s->len);
		return;
	}
	for (i = 0; i < s->len; i = j) {
		for (j = i; j < s->len && s->v[j] != '\\'; j++)
			;
		strbuf_append(out, s->v + i, j - i);
		if (j + 1 < s->len) {
			strbuf_append_char(out, s->v[j + 1]);
			j += 2;
		} else if (j < s->len)
			j++;
	}
}

/* percent_decode - append an RFC 2231 %XX value */
static void
percent_decode(struct strbuf *out, const char *v, size_t len)
{
	size_t i, j;
	int h1, h2;

	for (i = 0; i < len; i = j) {
		for (j = i; j < len && v[j] != '%'; j++)
			;
		strbuf_append(out, v + i, j - i);
		if (j >= len)
			break;
		if (j + 2 < len && (h1 = mime_encoding_hexval((unsigned char)v[j + 1])) >= 0 &&
		    (h2 = mime_encoding_hexval((unsigned char)v[j + 2])) >= 0) {
			strbuf_append_char(out, (char)(h1 << 4 | h2));
			j += 3;
		} else {
			strbuf_append_char(out, '%');
			j++;
		}
	}
}

/* split_params - collect the segments of parameter attr */
static size_t
split_params(const char *v, size_t len, const char *attr, struct param_seg *segs)
{
	size_t alen = strlen(attr), n = 0, i, ns, ne, vs, ve;
	const char *star;
	struct param_seg s;

	i = 0;
	while (i < len && v[i] != ';')
		i++;
	while (i < len) {
		while (i < len && (is_wsp(v[i]) || v[i] == ';'))
			i++;
		ns = i;
		while (i < len && v[i] != '=' && v[i] != ';')
			i++;
		ne = i;
		while (ne > ns && is_wsp(v[ne - 1]))
			ne--;
		if (i >= len || v[i] != '=')
			continue;
		i++;
		while (i < len && is_wsp(v[i]))
			i++;
		memset(&s, 0, sizeof(s));
		if (i < len && v[i] == '"') {
			vs = ++i;
			while (i < len && v[i] != '"')
				i += (v[i] == '\\' && i + 1 < len) ? 2 : 1;
			ve = i < len ? i : len;
			s.quoted = 1;
			while (i < len && v[i] != ';')
				i++;
		} else {
			vs = i;
			while (i < len && v[i] != ';')
				i++;
			ve = i;
			while (ve > vs && is_wsp(v[ve - 1]))
				ve--;
		}
		star = memchr(v + ns, '*', ne - ns);
		if ((star != NULL ? (size_t)(star - (v + ns)) : ne - ns) != alen ||
		    strncasecmp(v + ns, attr, alen) != 0)
			continue;
		s.section = -1;
		if (star != NULL) {
			const char *p = star + 1, *end = v + ne;

			if (p < end && *p >= '0' && *p <= '9') {
				s.section = 0;
				while (p < end && *p >= '0' && *p <= '9') {
					if (s.section <= PARAM_SECTION_MAX)
						s.section = s.section * 10 + (*p - '0');
					p++;
				}
				if (p < end && *p == '*') {
					s.ext = 1;
					p++;
				}
			} else
				s.ext = 1;	/* name*=charset'lang'value */
			if (p != end || s.section > PARAM_SECTION_MAX)
				continue;
		}
		s.v = v + vs;
		s.len = ve - vs;
		if (n < PARAM_SEGS_MAX)
			segs[n++] = s;
	}
	return n;
}

/* same_value - two segments mean the same text */
static int
same_value(const struct param_seg *a, const struct param_seg *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int same;

	unquote(&x, a);
	unquote(&y, b);
	same = x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
	strbuf_release(&x);
	strbuf_release(&y);
	return same;
}

/* mime_header_param - one parameter, RFC 2231 aware */
int
mime_header_param(struct charset_cache *cc, struct strbuf *out,
    const char *value, size_t len, const char *attr)
{
	struct param_seg segs[PARAM_SEGS_MAX], tmp;
	struct param_seg *plain = NULL, *ext[PARAM_SEGS_MAX];
	struct strbuf raw = STRBUF_INIT;
	const char *cs = NULL, *q1, *q2;
	size_t n, i, j, next = 0, csl = 0, next_count = 0;
	int ret = 0;

	n = split_params(value, len, attr, segs);
	if (n == 0)
		return -1;
	/* Continuations may come in any order: sort them by section. */
	for (i = 1; i < n; i++) {
		tmp = segs[i];
		for (j = i; j > 0 && segs[j - 1].section > tmp.section; j--)
			segs[j] = segs[j - 1];
		segs[j] = tmp;
	}
	for (i = 0; i < n; i++) {
		struct param_seg *s = &segs[i];

		if (s->section < 0 && !s->ext) {
			if (plain == NULL)
				plain = s;
			else if (!same_value(plain, s))
				ret |= MIME_HEADER_CONFLICT;
			continue;
		}
		if (s->section < 0)
			s->section = 0;	/* name*=: one extended section */
		if (next_count > 0 && ext[next_count - 1]->section == s->section) {
			if (!same_value(ext[next_count - 1], s))
				ret |= MIME_HEADER_CONFLICT;
			continue;
		}
		if ((size_t)s->section != next)
			continue;	/* a gap ends the value */
		ext[next_count++] = s;
		next++;
	}
	if (next_count == 0) {
		if (plain == NULL)
			return -1;
		unquote(&raw, plain);
		if (cc != NULL) {
			if (mime_header_decode(cc, out, raw.data, raw.len, NULL) != 0)
				ret |= MIME_HEADER_UNKNOWN_CHARSET;
		} else
			strbuf_append(out, raw.data, raw.len);
		strbuf_release(&raw);
		return ret;
	}
	for (i = 0; i < next_count; i++) {
		struct param_seg *s = ext[i];

		if (!s->ext) {
			unquote(&raw, s);
			continue;
		}
		if (i == 0 && (q1 = memchr(s->v, '\'', s->len)) != NULL &&
		    (q2 = memchr(q1 + 1, '\'', s->len - (size_t)(q1 + 1 - s->v))) != NULL) {
			cs = s->v;
			csl = (size_t)(q1 - s->v);
			percent_decode(&raw, q2 + 1, s->len - (size_t)(q2 + 1 - s->v));
		} else
			percent_decode(&raw, s->v, s->len);
	}
	if (cc != NULL && cs != NULL && csl > 0) {
		if (charset_convert(cc, cs, csl, out, raw.data, raw.len) < 0)
			ret |= MIME_HEADER_UNKNOWN_CHARSET;
	} else
		strbuf_append(out, raw.data != NULL ? raw.data : "", raw.len);
	strbuf_release(&raw);
	return ret;
}

/* raw_8bit - raw 8-bit bytes by the unlabelled-text rule; 0 ASCII, 1 converted, 2 doubtful */
static int
raw_8bit(struct charset_cache *cc, struct strbuf *out, const char *in, size_t len)
{
	struct charset_conv cv;
	uint64_t w;
	size_t i = 0;

	while (i + 8 <= len) {
		memcpy(&w, in + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < len && (unsigned char)in[i] < 0x80)
		i++;
	if (i == len)
		return 0;
	charset_conv_open_unlabelled(cc, &cv);
	charset_conv_feed(&cv, out, in, len);
	charset_conv_finish(&cv, out);
	return charset_conv_doubt(&cv) != NULL ? 2 : 1;
}

/* mime_header_display - raw 8-bit bytes, then encoded words, as UTF-8 */
int
mime_header_display(struct charset_cache *cc, struct strbuf *out, const char *in, size_t len,
    struct strbuf *scratch, struct strbuf *unknown_r)
{
	int raw, r;

	strbuf_reset(scratch);
	if ((raw = raw_8bit(cc, scratch, in, len)) > 0) {
		in = scratch->data;
		len = scratch->len;
	}
	r = mime_header_decode(cc, out, in, len, unknown_r);
	return raw == 2 ? r | MIME_HEADER_RAW_DOUBT : r;
}
