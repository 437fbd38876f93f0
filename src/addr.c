/* addr - mail address parsing for lookups */
#include "config.h"

#include <ctype.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"

/* Nesting of percent hacks, bang paths and quoted addresses followed. */
#define READING_DEPTH 4

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

/* addr_domain_canon - one lookup form of a domain */
int
addr_domain_canon(const char *d, size_t len, int transitional, struct strbuf *out)
{
	struct strbuf tmp = STRBUF_INIT;
	char *ascii = NULL;
	size_t i;
	int eight_bit = 0;

	strbuf_reset(out);
	while (len > 0 && d[len - 1] == '.')
		len--;
	if (len == 0)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] >= 0x80)
			eight_bit = 1;
	if (!eight_bit || *d == '[') {
		append_lower(out, d, len);
		return 0;
	}
	strbuf_append(&tmp, d, len);
	if (idn2_to_ascii_8z(tmp.data, &ascii, IDN2_NFC_INPUT |
	    (transitional ? IDN2_TRANSITIONAL : IDN2_NONTRANSITIONAL)) == IDN2_OK)
		append_lower(out, ascii, strlen(ascii));
	else
		append_lower(out, d, len);	/* not an IDN: compared as written */
	idn2_free(ascii);
	strbuf_release(&tmp);
	return 0;
}

/*
 * The RFC 5322 lexer over raw header bytes: comments and folding white
 * space are skipped (and remembered as a separator), quoted strings and
 * domain literals are single tokens, encoded words are atoms.
 */
enum tok_kind {
	TOK_END,
	TOK_ATOM,
	TOK_QSTR,		/* p/len: the content between the quotes, escapes kept */
	TOK_DLIT,		/* p/len: "[...]" whole */
	TOK_SPECIAL,		/* c */
	TOK_ERROR,
};

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t len;
	char c;
	int space;		/* white space or a comment came before it */
};

struct lexer {
	const char *p, *end;
};

/* is_special - RFC 5322 specials, and the characters no atom may hold */
static int
is_special(unsigned char c)
{
	return c <= ' ' || c == 0x7f || strchr("()<>[]:;@\\,.\"", c) != NULL;
}

/* skip_cfws - white space and nested comments; -1 on an unterminated comment */
static int
skip_cfws(struct lexer *lx, int *space)
{
	int depth;

	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' ||
		    *lx->p == '\n')) {
			lx->p++;
			*space = 1;
		}
		if (lx->p == lx->end || *lx->p != '(')
			return 0;
		*space = 1;
		for (depth = 0; lx->p < lx->end; lx->p++) {
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			else if (*lx->p == '(')
				depth++;
			else if (*lx->p == ')' && --depth == 0)
				break;
		}
		if (lx->p == lx->end)
			return -1;
		lx->p++;
	}
}

/* lex - the next token */
static void
lex(struct lexer *lx, struct tok *t)
{
	const char *s;
	char close;

	t->space = 0;
	t->len = 0;
	t->c = 0;
	if (skip_cfws(lx, &t->space) < 0) {
		t->kind = TOK_ERROR;
		return;
	}
	if (lx->p == lx->end) {
		t->kind = TOK_END;
		return;
	}
	s = lx->p;
	if (*s == '"' || *s == '[') {
		close = *s == '"' ? '"' : ']';
		/* A NUL would cut the lookup form short: never part of an address. */
		for (lx->p++; lx->p < lx->end && *lx->p != close && *lx->p != '\0'; lx->p++)
			if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\0')
				lx->p++;
		if (lx->p == lx->end || *lx->p == '\0') {
			t->kind = TOK_ERROR;
			return;
		}
		lx->p++;
		t->kind = close == '"' ? TOK_QSTR : TOK_DLIT;
		t->p = close == '"' ? s + 1 : s;
		t->len = close == '"' ? (size_t)(lx->p - s - 2) : (size_t)(lx->p - s);
		return;
	}
	if (is_special((unsigned char)*s)) {
		lx->p++;
		t->kind = (unsigned char)*s < ' ' || *s == 0x7f ? TOK_ERROR : TOK_SPECIAL;
		t->c = *s;
		return;
	}
	while (lx->p < lx->end && !is_special((unsigned char)*lx->p))
		lx->p++;
	t->kind = TOK_ATOM;
	t->p = s;
	t->len = (size_t)(lx->p - s);
}

/* append_unquoted - quoted-string content without its escapes */
static void
append_unquoted(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		strbuf_append_char(out, s[i]);
	}
}

/* An addr-spec being read: dequoted local part and raw domain. */
struct spec {
	struct strbuf local, domain;
};

/*
 * parse_local - words joined by dots, starting at t; leaves t on the token
 * after them.  Returns the number of words, or -1 when two words touch
 * without a dot (a phrase, not a local part).
 */
static int
parse_local(struct lexer *lx, struct tok *t, struct strbuf *local, int *phrase)
{
	int words = 0, want_word = 1;

	strbuf_reset(local);
	*phrase = 0;
	while (t->kind == TOK_ATOM || t->kind == TOK_QSTR ||
	    (t->kind == TOK_SPECIAL && t->c == '.')) {
		if (t->kind == TOK_SPECIAL) {
			strbuf_append_char(local, '.');
			want_word = 1;
		} else {
			if (!want_word)
				*phrase = 1;	/* "John Doe": words without a dot */
			if (t->kind == TOK_ATOM)
				strbuf_append(local, t->p, t->len);
			else
				append_unquoted(local, t->p, t->len);
			words++;
			want_word = 0;
		}
		lex(lx, t);
	}
	return words;
}

/* parse_domain - dot-atom or a domain literal after '@'; t on the token after */
static int
parse_domain(struct lexer *lx, struct tok *t, struct strbuf *domain)
{
	int want_label = 1;

	strbuf_reset(domain);
	lex(lx, t);
	if (t->kind == TOK_DLIT) {
		strbuf_append(domain, t->p, t->len);
		lex(lx, t);
		return 0;
	}
	while (t->kind == TOK_ATOM || (t->kind == TOK_SPECIAL && t->c == '.')) {
		if (t->kind == TOK_SPECIAL) {
			if (want_label)
				return -1;	/* "..", or a leading dot */
			want_label = 1;
			strbuf_append_char(domain, '.');
		} else {
			if (!want_label)
				return -1;
			want_label = 0;
			strbuf_append(domain, t->p, t->len);
		}
		lex(lx, t);
	}
	return domain->len > 0 && domain->data[0] != '.' ? 0 : -1;
}

/* parse_route - an obsolete source route "@a,@b:" at t; t on the token after */
static int
parse_route(struct lexer *lx, struct tok *t, struct strbuf *scratch)
{
	while (t->kind == TOK_SPECIAL && (t->c == '@' || t->c == ',')) {
		if (t->c == ',') {
			lex(lx, t);
			continue;
		}
		if (parse_domain(lx, t, scratch) < 0)
			return -1;
	}
	if (t->kind != TOK_SPECIAL || t->c != ':')
		return -1;
	lex(lx, t);
	return 0;
}

/* spec_canon - the lookup form of a parsed addr-spec */
static int
spec_canon(const struct spec *sp, struct strbuf *out)
{
	struct strbuf dom = STRBUF_INIT;
	int rc = -1;

	strbuf_reset(out);
	if (sp->local.len > 0 && addr_domain_canon(sp->domain.data, sp->domain.len, 0, &dom) == 0) {
		append_lower(out, sp->local.data, sp->local.len);
		strbuf_append_char(out, '@');
		strbuf_append(out, dom.data, dom.len);
		rc = 0;
	}
	strbuf_release(&dom);
	return rc;
}

/* A header address list being read. */
struct hparse {
	struct lexer lx;
	struct tok t;
	struct spec sp;
	struct strbuf canon, scratch;
	void (*each)(void *, const char *);
	void *arg;
	int count;
};

/* emit - one mailbox found */
static int
emit(struct hparse *hp)
{
	if (spec_canon(&hp->sp, &hp->canon) < 0)
		return -1;
	hp->count++;
	if (hp->each != NULL)
		hp->each(hp->arg, hp->canon.data);
	return 0;
}

/* parse_angle - "<" [route] addr-spec ">", t on '<'; t on the token after '>' */
static int
parse_angle(struct hparse *hp)
{
	int phrase;

	lex(&hp->lx, &hp->t);
	if (hp->t.kind == TOK_SPECIAL && hp->t.c == '@' &&
	    parse_route(&hp->lx, &hp->t, &hp->scratch) < 0)
		return -1;
	if (parse_local(&hp->lx, &hp->t, &hp->sp.local, &phrase) <= 0 || phrase)
		return -1;
	if (hp->t.kind != TOK_SPECIAL || hp->t.c != '@' ||
	    parse_domain(&hp->lx, &hp->t, &hp->sp.domain) < 0)
		return -1;
	if (hp->t.kind != TOK_SPECIAL || hp->t.c != '>')
		return -1;
	lex(&hp->lx, &hp->t);
	return emit(hp);
}

/*
 * parse_mailbox - one element of a list: a mailbox, an empty element, or
 * (outside a group) a group.  t on its first token; on return t is on the
 * ',' or ';' or end after it.
 */
static int
parse_mailbox(struct hparse *hp, int in_group)
{
	int words, phrase;

	words = parse_local(&hp->lx, &hp->t, &hp->sp.local, &phrase);
	if (hp->t.kind == TOK_SPECIAL && hp->t.c == '<')
		return parse_angle(hp);
	if (hp->t.kind == TOK_SPECIAL && hp->t.c == '@') {
		if (words == 0 || phrase || parse_domain(&hp->lx, &hp->t, &hp->sp.domain) < 0)
			return -1;
		return emit(hp);
	}
	if (hp->t.kind == TOK_SPECIAL && hp->t.c == ':' && !in_group) {
		lex(&hp->lx, &hp->t);
		for (;;) {
			if (hp->t.kind == TOK_SPECIAL && hp->t.c == ';') {
				lex(&hp->lx, &hp->t);
				return 0;
			}
			if (hp->t.kind == TOK_END)
				return 0;	/* an unclosed group at the end: lenient */
			if (parse_mailbox(hp, 1) < 0)
				return -1;
			if (hp->t.kind == TOK_SPECIAL && hp->t.c == ',')
				lex(&hp->lx, &hp->t);
			else if (hp->t.kind != TOK_END &&
			    !(hp->t.kind == TOK_SPECIAL && hp->t.c == ';'))
				return -1;
		}
	}
	/* An empty element (",,") is allowed; words without an address are not. */
	return words == 0 ? 0 : -1;
}

/* addr_header_list - every mailbox of an address list */
int
addr_header_list(const char *value, size_t len, void (*each)(void *, const char *), void *arg)
{
	struct hparse hp;
	int rc = 0;

	memset(&hp, 0, sizeof(hp));
	hp.lx.p = value;
	hp.lx.end = value + len;
	hp.each = each;
	hp.arg = arg;
	lex(&hp.lx, &hp.t);
	while (hp.t.kind != TOK_END) {
		if (parse_mailbox(&hp, 0) < 0) {
			rc = -1;
			break;
		}
		if (hp.t.kind == TOK_SPECIAL && hp.t.c == ',')
			lex(&hp.lx, &hp.t);
		else if (hp.t.kind != TOK_END) {
			rc = -1;
			break;
		}
	}
	strbuf_release(&hp.sp.local);
	strbuf_release(&hp.sp.domain);
	strbuf_release(&hp.canon);
	strbuf_release(&hp.scratch);
	return rc < 0 ? -1 : hp.count;
}

/* first_mailbox - keep the first canonical mailbox */
static void
first_mailbox(void *arg, const char *canon)
{
	struct strbuf *out = arg;

	if (out->len == 0)
		strbuf_append_str(out, canon);
}

/* addr_from_header - first mailbox of a From: value */
int
addr_from_header(const char *value, struct strbuf *out)
{
	strbuf_reset(out);
	if (addr_header_list(value, strlen(value), first_mailbox, out) <= 0 || out->len == 0) {
		strbuf_reset(out);
		return -1;
	}
	return 0;
}

/*
 * envelope_inner - the address inside an envelope argument: blanks, the
 * angle brackets (the last '>', as an unquoted "<a>b@c>" may carry one
 * inside) and a source route removed.
 */
static void
envelope_inner(const char *in, const char **start_r, const char **end_r)
{
	const char *start = in, *end, *p;
	int quote = 0;

	while (*start == ' ' || *start == '\t')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
	    end[-1] == '\n'))
		end--;
	if (end > start && *start == '<') {
		start++;
		if (end > start && end[-1] == '>')
			end--;
	}
	/* A source route "@a,@b:" ends at the first ':' outside quotes. */
	if (start < end && *start == '@') {
		for (p = start; p < end; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				quote = !quote;
			else if (*p == ':' && !quote) {
				start = p + 1;
				break;
			}
		}
	}
	*start_r = start;
	*end_r = end;
}

/*
 * parse_envelope_spec - the inner envelope address as an RFC 5321/5322
 * addr-spec: dequoted local part and domain.  -1 when it is not one.
 */
static int
parse_envelope_spec(const char *start, const char *end, struct spec *sp)
{
	struct lexer lx = { start, end };
	struct tok t;
	int phrase;

	lex(&lx, &t);
	if (parse_local(&lx, &t, &sp->local, &phrase) <= 0 || phrase)
		return -1;
	if (t.kind != TOK_SPECIAL || t.c != '@' || parse_domain(&lx, &t, &sp->domain) < 0)
		return -1;
	return t.kind == TOK_END ? 0 : -1;
}

/* dequote_all - the internal form: quotes dropped, escapes resolved */
static void
dequote_all(const char *s, size_t len, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			strbuf_append_char(out, s[++i]);
		else if (s[i] != '"')
			strbuf_append_char(out, s[i]);
	}
}

/* addr_canon - envelope address to lookup form */
int
addr_canon(const char *in, struct strbuf *out)
{
	struct strbuf readings = STRBUF_INIT;
	const char *start, *end;
	int n;

	strbuf_reset(out);
	envelope_inner(in, &start, &end);
	if (start == end)
		return 0;	/* null sender */
	n = addr_readings(in, &readings);
	if (n > 0)
		strbuf_append_str(out, readings.data);	/* the first: as written */
	strbuf_release(&readings);
	return n > 0 ? 0 : -1;
}

/* The readings of one envelope address being collected. */
struct readings {
	struct strbuf *out;
	size_t start;		/* where this address's readings begin in out */
	int count;
	int overflow;
	struct strbuf dom, tmp;
};

/* add_reading - local@domain in lookup form, once */
static void
add_reading(struct readings *rd, const char *local, size_t llen, const struct strbuf *dom)
{
	const char *p, *end;

	strbuf_reset(&rd->tmp);
	append_lower(&rd->tmp, local, llen);
	strbuf_append_char(&rd->tmp, '@');
	strbuf_append(&rd->tmp, dom->data, dom->len);
	for (p = rd->out->data, end = p != NULL ? p + rd->out->len : NULL,
	    p = p != NULL ? p + rd->start : NULL; p != NULL && p < end; p += strlen(p) + 1)
		if (strcmp(p, rd->tmp.data) == 0)
			return;
	if (rd->count == ADDR_READINGS_MAX) {
		rd->overflow = 1;
		return;
	}
	strbuf_append(rd->out, rd->tmp.data, rd->tmp.len + 1);
	rd->count++;
}

/* last_of - the last c in s[0..len), or NULL */
static const char *
last_of(const char *s, size_t len, char c)
{
	while (len-- > 0)
		if (s[len] == c)
			return s + len;
	return NULL;
}

/*
 * expand - local@domain (domain may be empty) and what the MTA could make
 * of the local part: the right-most '@' or '%' as the domain separator
 * (a quoted address, the percent hack), "host!user" as user@host.
 */
static void
expand(struct readings *rd, const char *local, size_t llen, const char *domain, size_t dlen,
    int depth)
{
	const char *sep;
	int transitional;

	if (llen == 0)
		return;
	for (transitional = 0; dlen > 0 && transitional <= 1; transitional++)
		if (addr_domain_canon(domain, dlen, transitional, &rd->dom) == 0)
			add_reading(rd, local, llen, &rd->dom);
	if (depth >= READING_DEPTH || rd->overflow)
		return;
	if ((sep = last_of(local, llen, '@')) != NULL)
		expand(rd, local, (size_t)(sep - local), sep + 1, llen - (size_t)(sep - local) - 1,
		    depth + 1);
	if ((sep = last_of(local, llen, '%')) != NULL)
		expand(rd, local, (size_t)(sep - local), sep + 1, llen - (size_t)(sep - local) - 1,
		    depth + 1);
	if ((sep = memchr(local, '!', llen)) != NULL)
		expand(rd, sep + 1, llen - (size_t)(sep - local) - 1, local, (size_t)(sep - local),
		    depth + 1);
}

/* addr_readings - every plausible delivery address of an envelope address */
int
addr_readings(const char *in, struct strbuf *out)
{
	struct readings rd;
	struct spec sp;
	struct strbuf flat = STRBUF_INIT;
	const char *start, *end, *at;

	memset(&rd, 0, sizeof(rd));
	memset(&sp, 0, sizeof(sp));
	rd.out = out;
	rd.start = out->len;
	envelope_inner(in, &start, &end);
	/* As written: the structural addr-spec, quotes and all. */
	if (parse_envelope_spec(start, end, &sp) == 0)
		expand(&rd, sp.local.data, sp.local.len, sp.domain.data, sp.domain.len, 0);
	/* As the MTA's internal form: unquoted, split at the right-most '@'. */
	dequote_all(start, (size_t)(end - start), &flat);
	if (flat.len > 0) {
		if ((at = last_of(flat.data, flat.len, '@')) != NULL)
			expand(&rd, flat.data, (size_t)(at - flat.data), at + 1,
			    flat.len - (size_t)(at - flat.data) - 1, 0);
		else
			expand(&rd, flat.data, flat.len, "", 0, 0);
	}
	strbuf_release(&flat);
	strbuf_release(&sp.local);
	strbuf_release(&sp.domain);
	strbuf_release(&rd.dom);
	strbuf_release(&rd.tmp);
	if (rd.overflow || rd.count == 0) {
		strbuf_truncate(out, rd.start);
		return -1;
	}
	return rd.count;
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
