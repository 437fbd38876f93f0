/* html_css - the CSS that hides text: style attributes and simple class rules */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "html_css.h"

/* The CSS syntax's character classes (ASCII only, whatever the locale). */
static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_hex(int c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ---- CSS: the declarations of a style attribute that hide text ---- */

/* css_number - a CSS number and its unit; 0 when s is not one */
static int
css_number(const char *s, size_t len, double *v, const char **unit)
{
	size_t i = 0, digits = 0;
	double x = 0, scale = 0;
	int neg = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len && (is_digit(s[i]) || (s[i] == '.' && scale == 0)); i++) {
		if (s[i] == '.') {
			scale = 1;
			continue;
		}
		digits++;
		if (scale > 0) {
			scale /= 10;
			x += (s[i] - '0') * scale;
		} else
			x = x * 10 + (s[i] - '0');
	}
	if (digits == 0)
		return 0;
	*v = neg ? -x : x;
	*unit = s + i;
	return 1;
}

/* css_tiny_font - a font size nobody can read */
static int
css_tiny_font(const char *s, size_t len)
{
	const char *u;
	double v;

	if (!css_number(s, len, &v, &u))
		return 0;
	len -= (size_t)(u - s);
	if (v <= 0)
		return 1;
	if (len == 2 && memcmp(u, "px", 2) == 0)
		return v < 2;
	if (len == 2 && memcmp(u, "pt", 2) == 0)
		return v < 1.5;
	if ((len == 2 && memcmp(u, "em", 2) == 0) || (len == 3 && memcmp(u, "rem", 3) == 0))
		return v < 0.1;
	if (len == 1 && *u == '%')
		return v < 10;
	return 0;
}

/* css_zero - a number (any unit) equal to zero */
static int
css_zero(const char *s, size_t len)
{
	const char *u;
	double v;

	return css_number(s, len, &v, &u) && v == 0;
}

/* css_far - a length that puts the text a long way off the page */
static int
css_far(const char *s, size_t len)
{
	const char *u;
	double v;

	return css_number(s, len, &v, &u) && v <= -999;
}

/* css_font_tiny - the font shorthand has a tiny size ("0/0 a" or "1px Arial") */
static int
css_font_tiny(const char *s, size_t len)
{
	size_t i = 0, b;
	int after_slash = 0;

	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '/')) {
			if (s[i] == '/')
				after_slash = 1;
			i++;
		}
		b = i;
		while (i < len && s[i] != ' ' && s[i] != '/')
			i++;
		if (i > b && !after_slash && css_tiny_font(s + b, i - b))
			return 1;
		if (i > b)
			after_slash = 0;
	}
	return 0;
}

#define IS(str)	(vl == sizeof(str) - 1 && memcmp(v, str, vl) == 0)
#define PROP(str) (pl == sizeof(str) - 1 && memcmp(p, str, pl) == 0)

/* css_decl - judge one declaration, lower case, no white space in the name */
static void
css_decl(struct html_css *c)
{
	const char *p = c->prop, *v = c->val;
	size_t pl = c->plen, vl = c->vlen;

	while (vl > 0 && v[vl - 1] == ' ')
		vl--;
	if (vl >= 10 && memcmp(v + vl - 10, "!important", 10) == 0)
		vl -= 10;
	while (vl > 0 && v[vl - 1] == ' ')
		vl--;
	if (PROP("display")) {
		if (IS("none"))
			c->hide = 1;
		else if (vl >= 6 && memcmp(v, "inline", 6) == 0)
			c->display = D_INLINE;
		else if (IS("contents"))
			c->display = D_INLINE;
		else if (vl > 0)
			c->display = D_BLOCK;
	} else if (PROP("visibility")) {
		if (IS("hidden") || IS("collapse"))
			c->hide = 1;
	} else if (PROP("opacity")) {
		const char *u;
		double x;

		if (css_number(v, vl, &x, &u) && (*u == '%' ? x < 5 : x < 0.05))
			c->hide = 1;
	} else if (PROP("font-size")) {
		if (css_tiny_font(v, vl))
			c->hide = 1;
	} else if (PROP("font")) {
		if (css_font_tiny(v, vl))
			c->hide = 1;
	} else if (PROP("max-height")) {
		if (css_zero(v, vl))
			c->hide = 1;
	} else if (PROP("height") || PROP("width") || PROP("max-width")) {
		if (css_zero(v, vl))
			c->zero_box = 1;
	} else if (PROP("overflow") || PROP("overflow-x") || PROP("overflow-y")) {
		if (IS("hidden") || IS("clip") || IS("hidden hidden"))
			c->overflow_hidden = 1;
	} else if (PROP("color") || PROP("-webkit-text-fill-color")) {
		if (IS("transparent"))
			c->hide = 1;
	} else if (PROP("mso-hide")) {
		if (IS("all"))
			c->hide = 1;
	} else if (PROP("text-indent") || PROP("left") || PROP("top") ||
	    PROP("margin-left") || PROP("margin-top")) {
		if (css_far(v, vl))
			c->hide = 1;
	} else if (PROP("clip")) {
		size_t i;
		int zero = vl > 5 && memcmp(v, "rect(", 5) == 0;

		for (i = 5; zero && i < vl; i++)
			if (is_digit(v[i]) && v[i] != '0')
				zero = 0;
		if (zero)
			c->hide = 1;
	} else if (PROP("transform")) {
		if (vl >= 7 && (memcmp(v, "scale(0", 7) == 0 ||
		    (vl >= 8 && (memcmp(v, "scalex(0", 8) == 0 || memcmp(v, "scaley(0", 8) == 0))))
			c->hide = 1;
	}
	c->plen = c->vlen = 0;
	c->in_value = 0;
}

#undef IS
#undef PROP

/* css_put - one character of a declaration, comments and escapes removed */
static void
css_put(struct html_css *c, int ch)
{
	if (!c->in_value) {
		if (ch == ':')
			c->in_value = 1;
		else if (is_space(ch))
			;
		else if (c->plen < CSS_PROP_MAX)
			c->prop[c->plen++] = (char)lower(ch);
		else
			c->prop[0] = '#';	/* too long: no property we know */
		return;
	}
	if (is_space(ch)) {
		if (c->vlen > 0 && c->val[c->vlen - 1] != ' ' && c->vlen < CSS_VALUE_MAX)
			c->val[c->vlen++] = ' ';
		return;
	}
	if (c->vlen < CSS_VALUE_MAX)
		c->val[c->vlen++] = (char)lower(ch);
}

/* css_esc_end - the code point of a finished backslash escape */
static void
css_esc_end(struct html_css *c)
{
	if (c->esc > 1)
		css_put(c, c->esc_cp < 0x80 ? (int)c->esc_cp : 'x');
	c->esc = 0;
}

/* html_css_char - one decoded character of a style attribute */
void
html_css_char(struct html_css *c, int ch)
{
	if (c->comment >= 2) {
		if (ch == '/' && c->comment == 3)
			c->comment = 0;
		else
			c->comment = ch == '*' ? 3 : 2;
		return;
	}
	if (c->comment == 1) {
		c->comment = 0;
		if (ch == '*') {
			c->comment = 2;
			return;
		}
		css_put(c, '/');
	}
	if (c->esc > 0) {
		if (is_hex(ch) && c->esc < 7) {
			c->esc_cp = c->esc_cp * 16 + (unsigned)(is_digit(ch) ? ch - '0' :
			    (ch | 0x20) - 'a' + 10);
			c->esc++;
			return;
		}
		if (c->esc == 1) {
			c->esc = 0;
			css_put(c, ch);
			return;
		}
		css_esc_end(c);
		if (is_space(ch))
			return;
	}
	if (c->quote != 0) {
		if (ch == c->quote)
			c->quote = 0;
		css_put(c, ch);
		return;
	}
	switch (ch) {
	case '\\':
		c->esc = 1;
		c->esc_cp = 0;
		break;
	case '/':
		c->comment = 1;
		break;
	case '"':
	case '\'':
		c->quote = (char)ch;
		css_put(c, ch);
		break;
	case ';':
		css_decl(c);
		break;
	default:
		css_put(c, ch);
		break;
	}
}

/*
 * html_css_feed - a run of a style attribute.  Outside comments, escapes
 * and quotes, a character other than \ / " ' ; only goes into the
 * declaration: that is done here without html_css_char's dispatch.
 */
void
html_css_feed(struct html_css *c, const char *s, size_t n)
{
	size_t i = 0;
	int ch;

	while (i < n) {
		if (c->comment == 0 && c->esc == 0 && c->quote == 0) {
			for (; i < n; i++) {
				ch = (unsigned char)s[i];
				if (ch == '\\' || ch == '/' || ch == '"' || ch == '\'' || ch == ';')
					break;
				css_put(c, ch);
			}
			if (i == n)
				break;
		}
		html_css_char(c, (unsigned char)s[i++]);
	}
}

/* html_css_finish - the end of a declaration block: 1 when it hides */
int
html_css_finish(struct html_css *c)
{
	if (c->esc > 0)
		css_esc_end(c);
	if (c->comment == 1)
		css_put(c, '/');
	css_decl(c);
	return c->hide || (c->zero_box && c->overflow_hidden);
}


/* ---- <style> blocks: ".name { display: none }" and the like ---- */

static int
is_class_char(int c)
{
	return is_alnum(c) || c == '-' || c == '_' || c >= 0x80;
}

/*
 * sheet_register - remember the classes of a selector list whose block
 * hides.  Only simple selectors count (".x" or "tag.x"); a class is
 * compared without case, as in quirks mode.
 */
static void
sheet_register(struct html_sheet *sh)
{
	const char *s = sh->sel;
	size_t n = sh->sel_len, i = 0, b, e, k, j;

	while (i < n) {
		for (b = i; i < n && s[i] != ','; i++)
			;
		e = i++;
		while (b < e && is_space(s[b]))
			b++;
		while (e > b && is_space(s[e - 1]))
			e--;
		for (k = b; k < e && is_alnum(s[k]); k++)
			;
		if (k >= e || s[k] != '.' || e - k - 1 == 0 || e - k - 1 > HTML_CLASS_MAX)
			continue;
		for (j = k + 1; j < e && is_class_char(s[j]); j++)
			;
		if (j != e || sh->nclasses == SHEET_CLASSES)
			continue;
		for (j = 0; j < e - k - 1; j++)
			sh->classes[sh->nclasses][j] = (char)lower(s[k + 1 + j]);
		sh->classes[sh->nclasses][j] = '\0';
		for (j = 0; j < sh->nclasses; j++)
			if (strcmp(sh->classes[j], sh->classes[sh->nclasses]) == 0)
				break;
		if (j == sh->nclasses)
			sh->nclasses++;	/* a new one */
	}
}

/* sheet_char - one character of a style sheet */
static void
sheet_char(struct html_sheet *sh, int c)
{
	if (sh->in_block) {
		if (c == '}' && sh->css.comment < 2 && sh->css.quote == 0) {
			if (html_css_finish(&sh->css) && sh->at_depth == 0)
				sheet_register(sh);
			sh->in_block = 0;
			sh->sel_len = 0;
			return;
		}
		html_css_char(&sh->css, c);
		return;
	}
	if (sh->comment >= 2) {
		sh->comment = c == '/' && sh->comment == 3 ? 0 : c == '*' ? 3 : 2;
		return;
	}
	if (sh->comment == 1) {
		sh->comment = 0;
		if (c == '*') {
			sh->comment = 2;
			return;
		}
		if (sh->sel_len < SELECTOR_MAX)
			sh->sel[sh->sel_len++] = '/';
	}
	switch (c) {
	case '/':
		sh->comment = 1;
		break;
	case '{': {
		size_t b = 0;

		while (b < sh->sel_len && is_space(sh->sel[b]))
			b++;
		if (b < sh->sel_len && sh->sel[b] == '@' && sh->sel_len - b > 1 &&
		    (strncmp(sh->sel + b, "@font-face", 10) != 0 &&
		    strncmp(sh->sel + b, "@page", 5) != 0)) {
			sh->at_depth++;	/* @media, @supports...: rules inside */
			sh->sel_len = 0;
			break;
		}
		memset(&sh->css, 0, sizeof(sh->css));
		sh->in_block = 1;
		break;
	}
	case '}':
		if (sh->at_depth > 0)
			sh->at_depth--;
		sh->sel_len = 0;
		break;
	case ';':
		sh->sel_len = 0;	/* @import, @charset */
		break;
	default:
		if (sh->sel_len < SELECTOR_MAX)
			sh->sel[sh->sel_len++] = (char)c;
		else
			sh->sel[0] = '#';	/* too long to read: counts for nothing */
		break;
	}
}

/* html_sheet_feed - style sheet text */
void
html_sheet_feed(struct html_sheet *sh, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sheet_char(sh, (unsigned char)s[i]);
}

/* html_sheet_begin - a <style> element starts; the classes already found stay */
void
html_sheet_begin(struct html_sheet *sh)
{
	sh->sel_len = 0;
	sh->in_block = 0;
	sh->at_depth = 0;
	sh->comment = 0;
}

/* html_sheet_hides - does a rule seen so far hide class cls (lower case) */
int
html_sheet_hides(const struct html_sheet *sh, const char *cls)
{
	size_t i;

	for (i = 0; i < sh->nclasses; i++)
		if (strcmp(cls, sh->classes[i]) == 0)
			return 1;
	return 0;
}
