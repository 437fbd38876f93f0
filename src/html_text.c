/* html_text - streaming HTML to plain text, with hidden-text detection */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_text.h"
#include "strbuf.h"

#define TAG_MAX		4096	/* bytes of one tag kept for attribute parsing */
#define ENTITY_MAX	32	/* bytes of one character reference */
#define OPEN_BUCKETS	1024	/* counts of open elements by name hash */
#define CLOSE_SEARCH_MAX 64	/* open elements an end tag may close at once */

enum html_state {
	S_TEXT,
	S_LT,			/* after '<' */
	S_TAG,			/* inside a tag */
	S_TAG_QUOTE,		/* inside a quoted attribute value */
	S_BANG,			/* after "<!" */
	S_COMMENT,
	S_BOGUS,		/* <!DOCTYPE ...>, <?xml ...>: skip to '>' */
	S_ENTITY,
	S_RAW,			/* script or style content */
};

struct html_elem {
	uint32_t name;		/* hash of the lower-cased tag name */
	int hidden;		/* this element or an ancestor is hidden */
};

struct html_text {
	struct msg_text *mt;
	enum html_state state;
	struct strbuf tag;	/* current tag, capped at TAG_MAX */
	struct strbuf out;	/* decoded text not yet handed to mt */
	char quote;		/* the quote closing S_TAG_QUOTE */
	char last;		/* last non-space byte in the tag */
	int dashes;		/* S_BANG, S_COMMENT: '-' seen */
	char ent[ENTITY_MAX + 1];	/* S_ENTITY: bytes after '&' */
	size_t ent_len;
	const char *raw_end;	/* S_RAW: "</script" or "</style" */
	size_t raw_match;
	int cur_hidden;		/* the kind of the open msg_text run */
	struct html_elem stack[HTML_TEXT_DEPTH_MAX];
	size_t depth;
	unsigned short open[OPEN_BUCKETS];	/* open elements per name-hash bucket */
};

/*
 * Named character references: the Latin-1 set, the common ones and the
 * invisible ones used to split words.  Sorted by name (C locale) for a
 * binary search.
 */
static const struct {
	const char *name;
	unsigned cp;
} named[] = {
	{ "AElig", 198 }, { "AMP", 38 }, { "Aacute", 193 }, { "Acirc", 194 },
	{ "Agrave", 192 }, { "Alpha", 913 }, { "Aring", 197 }, { "Atilde", 195 },
	{ "Auml", 196 }, { "Beta", 914 }, { "COPY", 169 }, { "Ccedil", 199 },
	{ "Dagger", 8225 }, { "Delta", 916 }, { "ETH", 208 }, { "Eacute", 201 },
	{ "Ecirc", 202 }, { "Egrave", 200 }, { "Euml", 203 }, { "GT", 62 },
	{ "Gamma", 915 }, { "Iacute", 205 }, { "Icirc", 206 }, { "Igrave", 204 },
	{ "Iuml", 207 }, { "LT", 60 }, { "NBSP", 160 }, { "NewLine", 10 },
	{ "NoBreak", 8288 }, { "Ntilde", 209 }, { "OElig", 338 }, { "Oacute", 211 },
	{ "Ocirc", 212 }, { "Ograve", 210 }, { "Omega", 937 }, { "Oslash", 216 },
	{ "Otilde", 213 }, { "Ouml", 214 }, { "Prime", 8243 }, { "QUOT", 34 },
	{ "REG", 174 }, { "Scaron", 352 }, { "THORN", 222 }, { "TRADE", 8482 },
	{ "Tab", 9 }, { "Uacute", 218 }, { "Ucirc", 219 }, { "Ugrave", 217 },
	{ "Uuml", 220 }, { "Yacute", 221 }, { "Yuml", 376 },
	{ "ZeroWidthSpace", 8203 }, { "aacute", 225 }, { "acirc", 226 },
	{ "acute", 180 }, { "aelig", 230 }, { "agrave", 224 }, { "alpha", 945 },
	{ "amp", 38 }, { "apos", 39 }, { "aring", 229 }, { "ast", 42 },
	{ "asymp", 8776 }, { "atilde", 227 }, { "auml", 228 }, { "bdquo", 8222 },
	{ "beta", 946 }, { "brvbar", 166 }, { "bsol", 92 }, { "bull", 8226 },
	{ "ccedil", 231 }, { "cedil", 184 }, { "cent", 162 }, { "check", 10003 },
	{ "circ", 710 }, { "clubs", 9827 }, { "colon", 58 }, { "comma", 44 },
	{ "commat", 64 }, { "copy", 169 }, { "curren", 164 }, { "dagger", 8224 },
	{ "darr", 8595 }, { "dash", 8208 }, { "deg", 176 }, { "delta", 948 },
	{ "diams", 9830 }, { "divide", 247 }, { "dollar", 36 }, { "eacute", 233 },
	{ "ecirc", 234 }, { "egrave", 232 }, { "emsp", 8195 }, { "ensp", 8194 },
	{ "epsilon", 949 }, { "equals", 61 }, { "eth", 240 }, { "euml", 235 },
	{ "euro", 8364 }, { "excl", 33 }, { "fnof", 402 }, { "frac12", 189 },
	{ "frac14", 188 }, { "frac34", 190 }, { "frasl", 8260 }, { "gamma", 947 },
	{ "ge", 8805 }, { "grave", 96 }, { "gt", 62 }, { "hairsp", 8202 },
	{ "harr", 8596 }, { "hearts", 9829 }, { "hellip", 8230 }, { "hyphen", 8208 },
	{ "iacute", 237 }, { "icirc", 238 }, { "iexcl", 161 }, { "igrave", 236 },
	{ "infin", 8734 }, { "iquest", 191 }, { "iuml", 239 }, { "lambda", 955 },
	{ "laquo", 171 }, { "larr", 8592 }, { "lcub", 123 }, { "ldquo", 8220 },
	{ "le", 8804 }, { "lowast", 8727 }, { "lowbar", 95 }, { "loz", 9674 },
	{ "lpar", 40 }, { "lrm", 8206 }, { "lsaquo", 8249 }, { "lsqb", 91 },
	{ "lsquo", 8216 }, { "lt", 60 }, { "macr", 175 }, { "mdash", 8212 },
	{ "micro", 181 }, { "middot", 183 }, { "minus", 8722 }, { "mu", 956 },
	{ "nbsp", 160 }, { "ndash", 8211 }, { "ne", 8800 }, { "not", 172 },
	{ "ntilde", 241 }, { "num", 35 }, { "oacute", 243 }, { "ocirc", 244 },
	{ "oelig", 339 }, { "ograve", 242 }, { "oline", 8254 }, { "omega", 969 },
	{ "ordf", 170 }, { "ordm", 186 }, { "oslash", 248 }, { "otilde", 245 },
	{ "ouml", 246 }, { "para", 182 }, { "percnt", 37 }, { "period", 46 },
	{ "permil", 8240 }, { "pi", 960 }, { "plus", 43 }, { "plusmn", 177 },
	{ "pound", 163 }, { "prime", 8242 }, { "prod", 8719 }, { "quest", 63 },
	{ "quot", 34 }, { "radic", 8730 }, { "raquo", 187 }, { "rarr", 8594 },
	{ "rcub", 125 }, { "rdquo", 8221 }, { "reg", 174 }, { "rlm", 8207 },
	{ "rpar", 41 }, { "rsaquo", 8250 }, { "rsqb", 93 }, { "rsquo", 8217 },
	{ "sbquo", 8218 }, { "scaron", 353 }, { "sect", 167 }, { "semi", 59 },
	{ "shy", 173 }, { "sigma", 963 }, { "sol", 47 }, { "spades", 9824 },
	{ "sum", 8721 }, { "sup1", 185 }, { "sup2", 178 }, { "sup3", 179 },
	{ "szlig", 223 }, { "thinsp", 8201 }, { "thorn", 254 }, { "tilde", 732 },
	{ "times", 215 }, { "trade", 8482 }, { "uacute", 250 }, { "uarr", 8593 },
	{ "ucirc", 251 }, { "ugrave", 249 }, { "uml", 168 }, { "uuml", 252 },
	{ "verbar", 124 }, { "yacute", 253 }, { "yen", 165 }, { "yuml", 255 },
	{ "zwj", 8205 }, { "zwnj", 8204 },
};

/* What a tag does to the text; sorted by name for a binary search. */
#define TAG_BLOCK	1	/* a line break before and after */
#define TAG_VOID	2	/* never has content or an end tag */
#define TAG_SIBLING	4	/* a same-named sibling closes it */
#define TAG_RAW		8	/* script, style: content dropped */

static const struct {
	const char *name;
	int flags;
} tags[] = {
	{ "address", TAG_BLOCK },
	{ "area", TAG_VOID },
	{ "article", TAG_BLOCK },
	{ "aside", TAG_BLOCK },
	{ "base", TAG_VOID },
	{ "blockquote", TAG_BLOCK },
	{ "body", TAG_BLOCK },
	{ "br", TAG_BLOCK | TAG_VOID },
	{ "caption", TAG_BLOCK },
	{ "center", TAG_BLOCK },
	{ "col", TAG_VOID },
	{ "dd", TAG_BLOCK | TAG_SIBLING },
	{ "div", TAG_BLOCK },
	{ "dl", TAG_BLOCK },
	{ "dt", TAG_BLOCK | TAG_SIBLING },
	{ "embed", TAG_VOID },
	{ "figcaption", TAG_BLOCK },
	{ "figure", TAG_BLOCK },
	{ "footer", TAG_BLOCK },
	{ "form", TAG_BLOCK },
	{ "h1", TAG_BLOCK },
	{ "h2", TAG_BLOCK },
	{ "h3", TAG_BLOCK },
	{ "h4", TAG_BLOCK },
	{ "h5", TAG_BLOCK },
	{ "h6", TAG_BLOCK },
	{ "head", TAG_BLOCK },
	{ "header", TAG_BLOCK },
	{ "hr", TAG_BLOCK | TAG_VOID },
	{ "html", TAG_BLOCK },
	{ "img", TAG_VOID },
	{ "input", TAG_VOID },
	{ "keygen", TAG_VOID },
	{ "li", TAG_BLOCK | TAG_SIBLING },
	{ "link", TAG_VOID },
	{ "main", TAG_BLOCK },
	{ "meta", TAG_VOID },
	{ "nav", TAG_BLOCK },
	{ "ol", TAG_BLOCK },
	{ "option", TAG_BLOCK | TAG_SIBLING },
	{ "p", TAG_BLOCK | TAG_SIBLING },
	{ "param", TAG_VOID },
	{ "pre", TAG_BLOCK },
	{ "script", TAG_RAW },
	{ "section", TAG_BLOCK },
	{ "source", TAG_VOID },
	{ "style", TAG_RAW },
	{ "table", TAG_BLOCK },
	{ "tbody", TAG_BLOCK },
	{ "td", TAG_BLOCK | TAG_SIBLING },
	{ "tfoot", TAG_BLOCK },
	{ "th", TAG_BLOCK | TAG_SIBLING },
	{ "thead", TAG_BLOCK },
	{ "title", TAG_BLOCK },
	{ "tr", TAG_BLOCK | TAG_SIBLING },
	{ "track", TAG_VOID },
	{ "ul", TAG_BLOCK },
	{ "wbr", TAG_VOID },
};

/* html_text_new - a parser with empty buffers */
struct html_text *
html_text_new(void)
{
	return calloc(1, sizeof(struct html_text));
}

/* html_text_free - release and clear the caller's pointer */
void
html_text_free(struct html_text **htp)
{
	struct html_text *ht = *htp;

	if (ht == NULL)
		return;
	strbuf_release(&ht->tag);
	strbuf_release(&ht->out);
	free(ht);
	*htp = NULL;
}

/* html_text_begin - start a part */
void
html_text_begin(struct html_text *ht, struct msg_text *mt)
{
	ht->mt = mt;
	ht->state = S_TEXT;
	strbuf_reset(&ht->tag);
	strbuf_reset(&ht->out);
	ht->ent_len = 0;
	ht->raw_match = 0;
	ht->depth = 0;
	memset(ht->open, 0, sizeof(ht->open));
	ht->cur_hidden = 0;
	msg_text_body_begin(mt, 0);
}

/* hash_name - FNV-1a of a lower-cased tag name */
static uint32_t
hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619u;
	}
	return h;
}

/* tag_flags - the TAG_ flags of a tag name, 0 for other tags */
static int
tag_flags(const char *name, size_t len)
{
	size_t lo = 0, hi = sizeof(tags) / sizeof(tags[0]), mid, n;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		n = strlen(tags[mid].name);
		c = strncasecmp(name, tags[mid].name, len < n ? len : n);
		if (c == 0)
			c = len < n ? -1 : len > n ? 1 : 0;
		if (c == 0)
			return tags[mid].flags;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* flush - hand the decoded text to the msg_text */
static void
flush(struct html_text *ht)
{
	if (ht->out.len > 0)
		msg_text_body_append(ht->mt, ht->out.data, ht->out.len);
	strbuf_reset(&ht->out);
}

/* want_hidden - is text at this point hidden from the reader */
static int
want_hidden(const struct html_text *ht)
{
	return ht->depth > 0 && ht->stack[ht->depth - 1].hidden;
}

/* emit - append decoded text, switching runs when visibility changed */
static void
emit(struct html_text *ht, const char *s, size_t len)
{
	int h = want_hidden(ht);

	if (h != ht->cur_hidden) {
		flush(ht);
		msg_text_body_end(ht->mt);
		msg_text_body_begin(ht->mt, h);
		ht->cur_hidden = h;
	}
	strbuf_append(&ht->out, s, len);
	if (ht->out.len >= 65536)
		flush(ht);
}

/* emit_cp - append one code point as UTF-8 */
static void
emit_cp(struct html_text *ht, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	emit(ht, b, n);
}

/* entity_lookup - code point of a named reference, or 0 */
static unsigned
entity_lookup(const char *name)
{
	size_t lo = 0, hi = sizeof(named) / sizeof(named[0]), mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, named[mid].name)) == 0)
			return named[mid].cp;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* entity_end - resolve the collected reference, or emit it literally */
static void
entity_end(struct html_text *ht, int semicolon)
{
	unsigned long cp = 0;
	size_t i = 1, digits = 0;
	int hex = 0;

	ht->ent[ht->ent_len] = '\0';
	if (ht->ent_len > 0 && ht->ent[0] == '#') {
		if (ht->ent_len > 1 && (ht->ent[1] == 'x' || ht->ent[1] == 'X')) {
			hex = 1;
			i = 2;
		}
		for (; i < ht->ent_len; i++) {
			char c = ht->ent[i];
			int v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = (c | 0x20) - 'a' + 10;
			else
				break;
			cp = cp * (hex ? 16 : 10) + (unsigned long)v;
			if (cp > 0x10ffff)
				cp = 0x110000;
			digits++;
		}
		if (digits > 0 && i == ht->ent_len) {
			emit_cp(ht, (unsigned)cp);
			return;
		}
	} else if (ht->ent_len > 0 && (cp = entity_lookup(ht->ent)) != 0) {
		emit_cp(ht, (unsigned)cp);
		return;
	}
	emit(ht, "&", 1);
	emit(ht, ht->ent, ht->ent_len);
	if (semicolon)
		emit(ht, ";", 1);
}

/* css_zero - the CSS value at s is a number equal to zero */
static int
css_zero(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < len && (s[i] == '0' || s[i] == '.'); i++)
		if (s[i] == '0')
			digits++;
	return digits > 0 && (i == len || s[i] < '0' || s[i] > '9');
}

/* css_hidden - the style declarations hide the element */
static int
css_hidden(const char *v, size_t len)
{
	static const struct {
		const char *prop;
		const char *value;	/* NULL: a zero number */
	} rules[] = {
		{ "display:", "none" }, { "visibility:", "hidden" },
		{ "visibility:", "collapse" }, { "font-size:", NULL },
		{ "max-height:", NULL }, { "opacity:", NULL },
	};
	struct strbuf s = STRBUF_INIT;
	size_t i, j, pl;
	int hidden = 0;

	/* Lower-case without white space: "Display : None" reads "display:none". */
	strbuf_grow(&s, len);
	for (i = 0; i < len; i++) {
		char c = v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		s.data[s.len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	s.data[s.len] = '\0';
	for (i = 0; i < s.len && !hidden; i++) {
		if (i > 0 && s.data[i - 1] != ';' && s.data[i - 1] != '"' &&
		    s.data[i - 1] != '\'')
			continue;
		for (j = 0; j < sizeof(rules) / sizeof(rules[0]); j++) {
			pl = strlen(rules[j].prop);
			if (s.len - i < pl || memcmp(s.data + i, rules[j].prop, pl) != 0)
				continue;
			if (rules[j].value == NULL)
				hidden = css_zero(s.data + i + pl, s.len - i - pl);
			else
				hidden = s.len - i - pl >= strlen(rules[j].value) &&
				    memcmp(s.data + i + pl, rules[j].value,
				    strlen(rules[j].value)) == 0;
			if (hidden)
				break;
		}
	}
	strbuf_release(&s);
	return hidden;
}

/* attrs_hidden - the attributes of a tag hide its content */
static int
attrs_hidden(const char *p, size_t len)
{
	size_t i = 0, ns, ne, vs, ve;

	while (i < len) {
		while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
		    p[i] == '\n' || p[i] == '/'))
			i++;
		ns = i;
		while (i < len && p[i] != '=' && p[i] != ' ' && p[i] != '\t' &&
		    p[i] != '\r' && p[i] != '\n' && p[i] != '/')
			i++;
		ne = i;
		while (i < len && (p[i] == ' ' || p[i] == '\t' ||
		    p[i] == '\r' || p[i] == '\n'))
			i++;
		vs = ve = i;
		if (i < len && p[i] == '=') {
			i++;
			while (i < len && (p[i] == ' ' || p[i] == '\t' ||
			    p[i] == '\r' || p[i] == '\n'))
				i++;
			if (i < len && (p[i] == '"' || p[i] == '\'')) {
				char q = p[i++];

				vs = i;
				while (i < len && p[i] != q)
					i++;
				ve = i;
				if (i < len)
					i++;
			} else {
				vs = i;
				while (i < len && p[i] != ' ' && p[i] != '\t' &&
				    p[i] != '\r' && p[i] != '\n')
					i++;
				ve = i;
			}
		}
		if (ne - ns == 6 && strncasecmp(p + ns, "hidden", 6) == 0)
			return 1;
		if (ne - ns == 5 && strncasecmp(p + ns, "style", 5) == 0 &&
		    css_hidden(p + vs, ve - vs))
			return 1;
		if (ne == ns && i == ns)
			i++;
	}
	return 0;
}

/* pop_to - close the open elements from the top down to depth */
static void
pop_to(struct html_text *ht, size_t depth)
{
	while (ht->depth > depth) {
		ht->depth--;
		ht->open[ht->stack[ht->depth].name % OPEN_BUCKETS]--;
	}
}

/* tag_end - act on a complete tag held in ht->tag */
static void
tag_end(struct html_text *ht)
{
	const char *p = ht->tag.data != NULL ? ht->tag.data : "";
	size_t len = ht->tag.len, i = 0, ns, nl, k, stop;
	int closing = 0, selfclose, hidden, flags;
	uint32_t h;

	if (len > 0 && p[0] == '/') {
		closing = 1;
		i = 1;
	}
	ns = i;
	while (i < len && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
	    (p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == ':'))
		i++;
	nl = i - ns;
	if (nl == 0)
		return;
	h = hash_name(p + ns, nl);
	flags = tag_flags(p + ns, nl);
	selfclose = len > 0 && p[len - 1] == '/';
	if (flags & TAG_BLOCK)
		emit(ht, "\n", 1);
	if (closing) {
		/*
		 * Close the nearest open element of that name.  The search is
		 * skipped when no such element is open, and bounded, so tag
		 * soup stays linear.
		 */
		if (ht->open[h % OPEN_BUCKETS] == 0)
			return;
		stop = ht->depth > CLOSE_SEARCH_MAX ? ht->depth - CLOSE_SEARCH_MAX : 0;
		for (k = ht->depth; k > stop && ht->stack[k - 1].name != h; k--)
			;
		if (k > stop)
			pop_to(ht, k - 1);
		return;
	}
	if ((flags & TAG_RAW) && !selfclose) {
		ht->raw_end = (nl == 6) ? "</script" : "</style";
		ht->raw_match = 0;
		ht->state = S_RAW;
		return;
	}
	if (selfclose || (flags & TAG_VOID))
		return;
	if (ht->depth > 0 && ht->stack[ht->depth - 1].name == h && (flags & TAG_SIBLING))
		pop_to(ht, ht->depth - 1);
	if (ht->depth >= HTML_TEXT_DEPTH_MAX)
		return;		/* too deep: read flat */
	hidden = want_hidden(ht) || attrs_hidden(p + i, len - i);
	ht->stack[ht->depth].name = h;
	ht->stack[ht->depth].hidden = hidden;
	ht->open[h % OPEN_BUCKETS]++;
	ht->depth++;
}

/* tag_append - keep tag bytes up to the cap */
static void
tag_append(struct html_text *ht, const char *s, size_t n)
{
	if (ht->tag.len + n > TAG_MAX)
		n = TAG_MAX > ht->tag.len ? TAG_MAX - ht->tag.len : 0;
	if (n > 0)
		strbuf_append(&ht->tag, s, n);
}

/* is_alpha - ASCII letter */
static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* html_text_feed - run the state machine over a chunk */
void
html_text_feed(struct html_text *ht, const char *in, size_t len)
{
	size_t i = 0, j;
	char c;

	while (i < len) {
		c = in[i];
		switch (ht->state) {
		case S_TEXT:
			for (j = i; j < len && in[j] != '<' && in[j] != '&'; j++)
				;
			if (j > i)
				emit(ht, in + i, j - i);
			if (j < len) {
				ht->state = in[j] == '<' ? S_LT : S_ENTITY;
				ht->ent_len = 0;
				j++;
			}
			i = j;
			break;
		case S_LT:
			if (is_alpha(c) || c == '/') {
				strbuf_reset(&ht->tag);
				ht->last = 0;
				ht->state = S_TAG;
			} else if (c == '!') {
				ht->dashes = 0;
				ht->state = S_BANG;
				i++;
			} else if (c == '?') {
				ht->state = S_BOGUS;
				i++;
			} else {
				emit(ht, "<", 1);
				ht->state = S_TEXT;
			}
			break;
		case S_TAG:
			for (j = i; j < len && in[j] != '>' && in[j] != '"' && in[j] != '\''; j++)
				if (in[j] != ' ' && in[j] != '\t' && in[j] != '\n' && in[j] != '\r')
					ht->last = in[j];
			tag_append(ht, in + i, j - i);
			i = j;
			if (i >= len)
				break;
			if (in[i] == '>') {
				ht->state = S_TEXT;
				i++;
				tag_end(ht);
				break;
			}
			tag_append(ht, in + i, 1);
			if (ht->last == '=') {
				ht->quote = in[i];
				ht->state = S_TAG_QUOTE;
			}
			ht->last = in[i];
			i++;
			break;
		case S_TAG_QUOTE:
			for (j = i; j < len && in[j] != ht->quote; j++)
				;
			tag_append(ht, in + i, j - i);
			i = j;
			if (i < len) {
				tag_append(ht, in + i, 1);
				ht->state = S_TAG;
				ht->last = in[i];
				i++;
			}
			break;
		case S_BANG:
			if (c == '-' && ht->dashes < 2) {
				if (++ht->dashes == 2) {
					ht->dashes = 0;
					ht->state = S_COMMENT;
				}
				i++;
			} else
				ht->state = S_BOGUS;
			break;
		case S_COMMENT:
			for (; i < len; i++) {
				if (in[i] == '-')
					ht->dashes++;
				else if (in[i] == '>' && ht->dashes >= 2) {
					ht->state = S_TEXT;
					i++;
					break;
				} else
					ht->dashes = 0;
			}
			break;
		case S_BOGUS:
			for (; i < len && in[i] != '>'; i++)
				;
			if (i < len) {
				ht->state = S_TEXT;
				i++;
			}
			break;
		case S_ENTITY:
			if (is_alpha(c) || (c >= '0' && c <= '9') ||
			    (c == '#' && ht->ent_len == 0)) {
				if (ht->ent_len == ENTITY_MAX) {
					entity_end(ht, 0);
					ht->state = S_TEXT;
					break;
				}
				ht->ent[ht->ent_len++] = c;
				i++;
				break;
			}
			ht->state = S_TEXT;
			if (c == ';') {
				entity_end(ht, 1);
				i++;
			} else
				entity_end(ht, 0);
			break;
		case S_RAW:
			if (ht->raw_match == 0) {
				const char *lt = memchr(in + i, '<', len - i);

				if (lt == NULL) {
					i = len;
					break;
				}
				i = (size_t)(lt - in) + 1;
				ht->raw_match = 1;
				break;
			}
			if (ht->raw_end[ht->raw_match] == '\0') {
				if (c == '>' || c == '/' || c == ' ' || c == '\t' ||
				    c == '\r' || c == '\n') {
					strbuf_reset(&ht->tag);
					ht->last = 0;
					ht->state = S_TAG;
					/* the closing tag is not on the stack: just skip it */
					strbuf_append(&ht->tag, "/x-raw", 6);
				}
				ht->raw_match = 0;
				break;
			}
			if ((c | 0x20) == ht->raw_end[ht->raw_match] ||
			    c == ht->raw_end[ht->raw_match]) {
				ht->raw_match++;
				i++;
			} else
				ht->raw_match = 0;
			break;
		}
	}
	flush(ht);
}

/* html_text_end - finish the part */
void
html_text_end(struct html_text *ht)
{
	if (ht->state == S_ENTITY)
		entity_end(ht, 0);
	else if (ht->state == S_LT)
		emit(ht, "<", 1);
	ht->state = S_TEXT;
	flush(ht);
	msg_text_body_end(ht->mt);
	pop_to(ht, 0);
	ht->cur_hidden = 0;
}
