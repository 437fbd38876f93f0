/* rule_fold - rule patterns folded as the text they match is folded */
#include "config.h"

#include <string.h>

#include "rule_fold.h"
#include "text_norm.h"
#include "utf8.h"

/*
 * Pattern folding.  The text the rules see is folded (text_norm), so the
 * literal parts of each pattern are folded the same way when it is
 * compiled, and the regex syntax around them is copied as written:
 * escapes, classes' ranges and POSIX names, group syntax, quantifiers.
 * A literal space (or run of white space) becomes \s+, so that a phrase
 * matches across a line break; inside a lookbehind, which must keep a fixed
 * length, it becomes \s (the text's white space runs are folded to one
 * character).  Patterns in extended mode ((?x)) are compiled as written.
 */
struct fold_pat {
	const char *p;		/* next character of the pattern */
	struct strbuf *out;
	struct strbuf lit;	/* a literal run waiting to be folded */
	int depth;		/* groups open */
	int lookbehind;		/* the depth of the lookbehind we are in; 0: none */
};

/* is_quantifier - does a quantifier start at p? */
static int
is_quantifier(const char *p)
{
	const char *q;

	if (*p == '?' || *p == '*' || *p == '+')
		return 1;
	if (*p != '{')
		return 0;
	q = p + 1;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == ',') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	return *q == '}' && q > p + 1 && !(q == p + 2 && p[1] == ',');
}

/* copy_quantifier - copy one quantifier and its lazy/possessive suffix */
static const char *
copy_quantifier(const char *p, struct strbuf *out)
{
	const char *q = p;

	if (*q == '{')
		q = strchr(q, '}') + 1;
	else
		q++;
	if (*q == '?' || *q == '+')
		q++;
	strbuf_append(out, p, (size_t)(q - p));
	return q;
}

/* escape_len - bytes of the escape sequence at p (p[0] is the backslash) */
static size_t
escape_len(const char *p)
{
	const char *q = p + 1, *e;
	char c = *q;

	if (c == '\0')
		return 1;
	q++;
	if (strchr("xopPNgk", c) != NULL && (*q == '{' || ((c == 'g' || c == 'k') &&
	    (*q == '<' || *q == '\'')))) {
		char close = *q == '{' ? '}' : *q == '<' ? '>' : '\'';

		if ((e = strchr(q + 1, close)) != NULL)
			return (size_t)(e + 1 - p);
		return strlen(p);
	}
	if (c == 'x') {
		while (q < p + 4 && strchr("0123456789abcdefABCDEF", *q) != NULL && *q != '\0')
			q++;
	} else if (c == 'c' && *q != '\0')
		q++;
	else if (c >= '0' && c <= '9') {
		while (*q >= '0' && *q <= '9')
			q++;
	} else if (c == 'Q') {
		e = strstr(q, "\\E");
		return e != NULL ? (size_t)(e + 2 - p) : strlen(p);
	} else if ((unsigned char)c >= 0x80) {
		unsigned cp;
		int n = utf8_decode((const unsigned char *)q - 1, strlen(q - 1), &cp);

		q += n > 1 ? n - 1 : 0;
	}
	return (size_t)(q - p);
}

/*
 * put_folded - append folded literal text, escaped where ASCII punctuation
 * came out; in_class: in a class or a lookbehind, white space is one \s
 */
static void
put_folded(struct strbuf *out, const char *s, size_t len, int in_class)
{
	struct strbuf f = STRBUF_INIT;
	size_t i;

	text_norm_fold(&f, s, len);
	for (i = 0; i < f.len; i++) {
		unsigned char c = (unsigned char)f.data[i];

		if (c == ' ' || c == '\n')
			strbuf_append_str(out, in_class ? "\\s" : "\\s+");
		else if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))) {
			if (c < 0x20 || c == 0x7f)
				strbuf_appendf(out, "\\x{%x}", c);
			else {
				strbuf_append_char(out, '\\');
				strbuf_append_char(out, (char)c);
			}
		} else
			strbuf_append_char(out, (char)c);
	}
	strbuf_release(&f);
}

/* code_points - how many characters s holds */
static size_t
code_points(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * lit_flush - fold the waiting literal run.  When a quantifier follows,
 * its last character is folded alone and grouped if it became more or
 * less than one character (ß? -> (?:ss)?).
 */
static void
lit_flush(struct fold_pat *fp, int quantified)
{
	struct strbuf f = STRBUF_INIT;
	size_t last;

	if (fp->lit.len == 0)
		return;
	if (!quantified) {
		put_folded(fp->out, fp->lit.data, fp->lit.len, fp->lookbehind > 0);
		strbuf_reset(&fp->lit);
		return;
	}
	last = utf8_floor(fp->lit.data, fp->lit.len - 1);
	put_folded(fp->out, fp->lit.data, last, fp->lookbehind > 0);
	put_folded(&f, fp->lit.data + last, fp->lit.len - last, fp->lookbehind > 0);
	if (code_points(f.data != NULL ? f.data : "", f.len) == 1 ||
	    (f.len == 2 && f.data[0] == '\\'))
		strbuf_append(fp->out, f.data, f.len);
	else {
		strbuf_append_str(fp->out, "(?:");
		strbuf_append(fp->out, f.data, f.len);
		strbuf_append_char(fp->out, ')');
	}
	strbuf_release(&f);
	strbuf_reset(&fp->lit);
}

/* char_len - bytes of the UTF-8 character at p (at least 1) */
static size_t
char_len(const char *p)
{
	unsigned cp;
	int n = utf8_decode((const unsigned char *)p, strlen(p), &cp);

	return n > 0 ? (size_t)n : 1;
}

/*
 * posix_class_end - past a POSIX class name ("[:alpha:]") at p, or NULL
 * when PCRE2 reads the '[' as a literal: as its check_posix_syntax does,
 * a ']' or another "[:" before the closing ":]" ends the attempt.
 */
static const char *
posix_class_end(const char *p)
{
	char term = p[1];

	if (p[0] != '[' || (term != ':' && term != '.' && term != '='))
		return NULL;
	for (p += 2; p[0] != '\0' && p[1] != '\0'; p++) {
		if (p[0] == '\\' && (p[1] == ']' || p[1] == '\\'))
			p++;
		else if ((p[0] == '[' && p[1] == term) || p[0] == ']')
			return NULL;
		else if (p[0] == term && p[1] == ']')
			return p + 2;
	}
	return NULL;
}

/* fold_class - copy a character class, folding its single characters */
static const char *
fold_class(const char *p, struct strbuf *out)
{
	struct strbuf f = STRBUF_INIT;
	const char *start, *e;
	size_t n;

	strbuf_append_char(out, *p++);	/* [ */
	if (*p == '^')
		strbuf_append_char(out, *p++);
	start = p;
	while (*p != '\0' && !(*p == ']' && p > start)) {
		if ((e = posix_class_end(p)) != NULL) {
			strbuf_append(out, p, (size_t)(e - p));
			p = e;
			continue;
		}
		n = *p == '\\' ? escape_len(p) : char_len(p);
		if (p[n] == '-' && p[n + 1] != ']' && p[n + 1] != '\0') {
			/* A range: copied as written, both ends. */
			size_t m = p[n + 1] == '\\' ? escape_len(p + n + 1) : char_len(p + n + 1);

			strbuf_append(out, p, n + 1 + m);
			p += n + 1 + m;
			continue;
		}
		if (*p == '\\') {
			strbuf_append(out, p, n);
		} else if (*p == ' ' || *p == '\t' || *p == '\n') {
			strbuf_append_str(out, "\\s");
		} else {
			strbuf_reset(&f);
			put_folded(&f, p, n, 1);
			/* One character out, or an escaped one: use it; else keep the original. */
			if (f.len > 0 && (code_points(f.data, f.len) == 1 ||
			    (f.len == 2 && f.data[0] == '\\')))
				strbuf_append(out, f.data, f.len);
			else
				strbuf_append(out, p, n);
		}
		p += n;
	}
	strbuf_release(&f);
	if (*p == ']')
		strbuf_append_char(out, *p++);
	return p;
}

/* fold_group_start - copy "(?..." group syntax up to where its body starts */
static const char *
fold_group_start(const char *p, struct strbuf *out)
{
	const char *q = p + 2, *e;

	if (p[1] == '*') {
		e = strchr(q, ')');
		q = e != NULL ? e + 1 : q + strlen(q);
	} else if (*q == '#') {
		e = strchr(q, ')');
		q = e != NULL ? e + 1 : q + strlen(q);
	} else if (*q == '(' || *q == '\0') {
		;
	} else if (strchr(":|>=!", *q) != NULL) {
		q++;
	} else if (*q == '<' && (q[1] == '=' || q[1] == '!')) {
		q += 2;
	} else if (*q == '\'' || (*q == 'P' && q[1] == '\'')) {
		e = strchr(*q == 'P' ? q + 2 : q + 1, '\'');
		q = e != NULL ? e + 1 : q + strlen(q);
	} else {
		while (*q != '\0' && *q != ':' && *q != ')' && *q != '>')
			q++;
		if (*q != '\0')
			q++;
	}
	strbuf_append(out, p, (size_t)(q - p));
	return q;
}

/* fold_pattern - the pattern with its literals folded; 0, or -1 to keep it as written */
static int
fold_pattern(const char *pattern, struct strbuf *out)
{
	struct fold_pat fp = { pattern, out, STRBUF_INIT, 0, 0 };
	size_t n;

	strbuf_reset(out);
	if (strstr(pattern, "(?x") != NULL || strstr(pattern, "(?-") != NULL ||
	    strstr(pattern, "(?^") != NULL)
		return -1;	/* extended mode, unset options: white space reads otherwise */
	while (*fp.p != '\0') {
		const char *p = fp.p;

		if (*p == '\\') {
			n = escape_len(p);
			lit_flush(&fp, 0);
			strbuf_append(out, p, n);
			fp.p += n;
		} else if (*p == '[') {
			lit_flush(&fp, 0);
			fp.p = fold_class(p, out);
		} else if (*p == '(' && (p[1] == '?' || p[1] == '*')) {
			lit_flush(&fp, 0);
			fp.p = fold_group_start(p, out);
			/* "(*VERB)", "(?#...)" and "(?i)" end where they start; the rest open a group. */
			if (fp.p[-1] != ')') {
				fp.depth++;
				if (fp.lookbehind == 0 && p[2] == '<' && (p[3] == '=' || p[3] == '!'))
					fp.lookbehind = fp.depth;
			}
		} else if (*p == '(' || *p == ')') {
			lit_flush(&fp, 0);
			if (*p == '(')
				fp.depth++;
			else {
				if (fp.depth == fp.lookbehind)
					fp.lookbehind = 0;
				if (fp.depth > 0)
					fp.depth--;
			}
			strbuf_append_char(out, *p);
			fp.p++;
		} else if (is_quantifier(p)) {
			lit_flush(&fp, 1);
			fp.p = copy_quantifier(p, out);
		} else if (strchr(".^$|", *p) != NULL) {
			lit_flush(&fp, 0);
			strbuf_append_char(out, *p);
			fp.p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			lit_flush(&fp, 0);
			while (*fp.p == ' ' || *fp.p == '\t' || *fp.p == '\n' || *fp.p == '\r')
				fp.p++;
			if (fp.lookbehind > 0)
				strbuf_append_str(out, "\\s");
			else
				strbuf_append_str(out, is_quantifier(fp.p) ? "(?:\\s+)" : "\\s+");
		} else {
			n = char_len(p);
			strbuf_append(&fp.lit, p, n);
			fp.p += n;
		}
	}
	lit_flush(&fp, 0);
	strbuf_release(&fp.lit);
	strbuf_grow(out, 0);
	return 0;
}

/* rule_fold_pattern - the pattern as rule_set_add compiles it (for tests and --explain) */
void
rule_fold_pattern(const char *pattern, struct strbuf *out)
{
	if (fold_pattern(pattern, out) < 0) {
		strbuf_reset(out);
		strbuf_append_str(out, pattern);
	}
}
