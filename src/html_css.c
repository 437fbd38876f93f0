/* html_css - the CSS that hides text: style attributes and simple class rules */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- colours ---- */

/*
 * Named colours: CSS's basic ones and the extended ones near white or
 * black or common in mail (sorted by strcmp).  A name not here is not read.
 */
static const struct {
	const char *name;
	uint32_t rgb;
} named_colors[] = {
	{ "aliceblue", 0xf0f8ff }, { "antiquewhite", 0xfaebd7 }, { "aqua", 0x00ffff },
	{ "azure", 0xf0ffff }, { "beige", 0xf5f5dc }, { "bisque", 0xffe4c4 },
	{ "black", 0x000000 }, { "blanchedalmond", 0xffebcd }, { "blue", 0x0000ff },
	{ "brown", 0xa52a2a }, { "canvas", 0xffffff }, { "canvastext", 0x000000 },
	{ "cornsilk", 0xfff8dc }, { "cyan", 0x00ffff }, { "darkblue", 0x00008b },
	{ "darkgray", 0xa9a9a9 }, { "darkgreen", 0x006400 }, { "darkgrey", 0xa9a9a9 },
	{ "darkred", 0x8b0000 }, { "darkslategray", 0x2f4f4f },
	{ "darkslategrey", 0x2f4f4f }, { "dimgray", 0x696969 }, { "dimgrey", 0x696969 },
	{ "floralwhite", 0xfffaf0 }, { "fuchsia", 0xff00ff }, { "gainsboro", 0xdcdcdc },
	{ "ghostwhite", 0xf8f8ff }, { "gold", 0xffd700 }, { "gray", 0x808080 },
	{ "green", 0x008000 }, { "grey", 0x808080 }, { "honeydew", 0xf0fff0 },
	{ "ivory", 0xfffff0 }, { "lavender", 0xe6e6fa }, { "lavenderblush", 0xfff0f5 },
	{ "lemonchiffon", 0xfffacd }, { "lightcyan", 0xe0ffff },
	{ "lightgoldenrodyellow", 0xfafad2 }, { "lightgray", 0xd3d3d3 },
	{ "lightgreen", 0x90ee90 }, { "lightgrey", 0xd3d3d3 }, { "lightyellow", 0xffffe0 },
	{ "lime", 0x00ff00 }, { "linen", 0xfaf0e6 }, { "maroon", 0x800000 },
	{ "midnightblue", 0x191970 }, { "mintcream", 0xf5fffa }, { "mistyrose", 0xffe4e1 },
	{ "moccasin", 0xffe4b5 }, { "navajowhite", 0xffdead }, { "navy", 0x000080 },
	{ "oldlace", 0xfdf5e6 }, { "olive", 0x808000 }, { "orange", 0xffa500 },
	{ "papayawhip", 0xffefd5 }, { "pink", 0xffc0cb }, { "purple", 0x800080 },
	{ "red", 0xff0000 }, { "seashell", 0xfff5ee }, { "silver", 0xc0c0c0 },
	{ "snow", 0xfffafa }, { "teal", 0x008080 }, { "wheat", 0xf5deb3 },
	{ "white", 0xffffff }, { "whitesmoke", 0xf5f5f5 }, { "yellow", 0xffff00 },
};

static int
named_color(const char *s, size_t n, uint32_t *rgb)
{
	size_t lo = 0, hi = sizeof(named_colors) / sizeof(named_colors[0]), mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(s, named_colors[mid].name, n);
		if (c == 0 && named_colors[mid].name[n] != '\0')
			c = -1;
		if (c == 0) {
			*rgb = named_colors[mid].rgb;
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static unsigned
hex_value(int c)
{
	return is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* clamp_byte - a channel value, rounded into 0..255 */
static unsigned
clamp_byte(double v)
{
	return v <= 0 ? 0 : v >= 255 ? 255 : (unsigned)(v + 0.5);
}

/* hex_color - #rgb, #rgba, #rrggbb, #rrggbbaa (s after the '#') */
static int
hex_color(const char *s, size_t n, uint32_t *rgb)
{
	unsigned v[8], alpha = 255;
	size_t i;

	if (n != 3 && n != 4 && n != 6 && n != 8)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_hex(s[i]))
			return -1;
		v[i] = hex_value(s[i]);
	}
	if (n <= 4) {
		*rgb = v[0] * 0x110000 + v[1] * 0x1100 + v[2] * 0x11;
		if (n == 4)
			alpha = v[3] * 0x11;
	} else {
		*rgb = (v[0] * 16 + v[1]) << 16 | (v[2] * 16 + v[3]) << 8 | (v[4] * 16 + v[5]);
		if (n == 8)
			alpha = v[6] * 16 + v[7];
	}
	return alpha * 20 < 255 ? 0 : 1;
}

/* hsl_rgb - CSS's hsl() to 0xRRGGBB (h in degrees, s and l in 0..1) */
static uint32_t
hsl_rgb(double h, double s, double l)
{
	double t2, t1, c[3];
	int i;

	h = h - 360 * (double)(long)(h / 360);
	if (h < 0)
		h += 360;
	s = s < 0 ? 0 : s > 1 ? 1 : s;
	l = l < 0 ? 0 : l > 1 ? 1 : l;
	t2 = l <= 0.5 ? l * (s + 1) : l + s - l * s;
	t1 = l * 2 - t2;
	for (i = 0; i < 3; i++) {
		double x = h / 60 + 2 - 2 * i;	/* r: h + 120deg, g: h, b: h - 120deg */

		if (x < 0)
			x += 6;
		if (x >= 6)
			x -= 6;
		c[i] = x < 1 ? t1 + (t2 - t1) * x : x < 3 ? t2 : x < 4 ? t1 + (t2 - t1) * (4 - x) : t1;
	}
	return clamp_byte(c[0] * 255) << 16 | clamp_byte(c[1] * 255) << 8 | clamp_byte(c[2] * 255);
}

/* func_color - rgb(), rgba(), hsl(), hsla(): s after the '(' */
static int
func_color(int hsl, const char *s, size_t n, uint32_t *rgb)
{
	double v[4];
	int pct[4];
	size_t i = 0, k = 0;
	const char *u;

	while (k < 4) {
		while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '/'))
			i++;
		if (i < n && s[i] == ')')
			break;
		if (!css_number(s + i, n - i, &v[k], &u))
			return -1;
		i = (size_t)(u - s);
		pct[k] = i < n && s[i] == '%';
		if (pct[k])
			i++;
		else if (hsl && k == 0 && i + 3 <= n && memcmp(s + i, "deg", 3) == 0)
			i += 3;
		k++;
	}
	if (k < 3 || i >= n || s[i] != ')')
		return -1;
	if (k == 4 && (pct[3] ? v[3] < 5 : v[3] < 0.05))
		return 0;
	if (hsl)
		*rgb = hsl_rgb(v[0], v[1] / 100, v[2] / 100);
	else {
		*rgb = 0;
		for (i = 0; i < 3; i++)
			*rgb = *rgb << 8 | clamp_byte(pct[i] ? v[i] * 255 / 100 : v[i]);
	}
	return 1;
}

/* html_css_color - a CSS colour value: 1 opaque (*rgb), 0 transparent, -1 not read */
int
html_css_color(const char *s, size_t n, uint32_t *rgb)
{
	if (n == 11 && memcmp(s, "transparent", 11) == 0)
		return 0;
	if (n > 1 && s[0] == '#')
		return hex_color(s + 1, n - 1, rgb);
	if (n > 4 && memcmp(s, "rgb(", 4) == 0)
		return func_color(0, s + 4, n - 4, rgb);
	if (n > 5 && memcmp(s, "rgba(", 5) == 0)
		return func_color(0, s + 5, n - 5, rgb);
	if (n > 4 && memcmp(s, "hsl(", 4) == 0)
		return func_color(1, s + 4, n - 4, rgb);
	if (n > 5 && memcmp(s, "hsla(", 5) == 0)
		return func_color(1, s + 5, n - 5, rgb);
	return named_color(s, n, rgb) ? 1 : -1;
}

/*
 * html_legacy_color - "the rules for parsing a legacy colour value" of
 * the HTML standard, which reads anything ("ffffff", "#fffffz", "chucknorris").
 */
int
html_legacy_color(const char *s, size_t n, uint32_t *rgb)
{
	char buf[128], name[32];
	size_t len = 0, whole, part, i, skip, k;
	unsigned ch[3];

	while (n > 0 && is_space(*s))
		s++, n--;
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n == 0 || (n == 11 && strncasecmp(s, "transparent", 11) == 0))
		return 0;
	if (n < sizeof(name)) {
		for (i = 0; i < n; i++)
			name[i] = (char)lower(s[i]);
		if (named_color(name, n, rgb))
			return 1;
	}
	if (n == 4 && s[0] == '#' && is_hex(s[1]) && is_hex(s[2]) && is_hex(s[3])) {
		*rgb = hex_value(s[1]) * 0x110000 + hex_value(s[2]) * 0x1100 + hex_value(s[3]) * 0x11;
		return 1;
	}
	if (s[0] == '#')
		s++, n--;
	for (i = 0; i < n && len < sizeof(buf) - 3; i++)
		buf[len++] = is_hex(s[i]) ? s[i] : '0';
	while (len == 0 || len % 3 != 0)
		buf[len++] = '0';
	whole = len / 3;
	skip = whole > 8 ? whole - 8 : 0;
	part = whole - skip;
	while (part > 2 && buf[skip] == '0' && buf[whole + skip] == '0' &&
	    buf[2 * whole + skip] == '0')
		skip++, part--;
	for (k = 0; k < 3; k++) {
		const char *c = buf + k * whole + skip;

		ch[k] = part == 1 ? hex_value(c[0]) : hex_value(c[0]) * 16 + hex_value(c[1]);
	}
	*rgb = ch[0] << 16 | ch[1] << 8 | ch[2];
	return 1;
}

/* The relative luminance of a channel byte (sRGB to linear), scaled by 65535. */
static const unsigned short lin[256] = {
	0, 20, 40, 60, 80, 99, 119, 139, 159, 179, 199, 219,
	241, 264, 288, 313, 340, 367, 396, 427, 458, 491, 526, 562,
	599, 637, 677, 718, 761, 805, 851, 898, 947, 997, 1048, 1101,
	1156, 1212, 1270, 1330, 1391, 1453, 1517, 1583, 1651, 1720, 1790, 1863,
	1937, 2013, 2090, 2170, 2250, 2333, 2418, 2504, 2592, 2681, 2773, 2866,
	2961, 3058, 3157, 3258, 3360, 3464, 3570, 3678, 3788, 3900, 4014, 4129,
	4247, 4366, 4488, 4611, 4736, 4864, 4993, 5124, 5257, 5392, 5530, 5669,
	5810, 5953, 6099, 6246, 6395, 6547, 6700, 6856, 7014, 7174, 7335, 7500,
	7666, 7834, 8004, 8177, 8352, 8528, 8708, 8889, 9072, 9258, 9445, 9635,
	9828, 10022, 10219, 10417, 10619, 10822, 11028, 11235, 11446, 11658, 11873, 12090,
	12309, 12530, 12754, 12980, 13209, 13440, 13673, 13909, 14146, 14387, 14629, 14874,
	15122, 15371, 15623, 15878, 16135, 16394, 16656, 16920, 17187, 17456, 17727, 18001,
	18277, 18556, 18837, 19121, 19407, 19696, 19987, 20281, 20577, 20876, 21177, 21481,
	21787, 22096, 22407, 22721, 23038, 23357, 23678, 24002, 24329, 24658, 24990, 25325,
	25662, 26001, 26344, 26688, 27036, 27386, 27739, 28094, 28452, 28813, 29176, 29542,
	29911, 30282, 30656, 31033, 31412, 31794, 32179, 32567, 32957, 33350, 33745, 34143,
	34544, 34948, 35355, 35764, 36176, 36591, 37008, 37429, 37852, 38278, 38706, 39138,
	39572, 40009, 40449, 40891, 41337, 41785, 42236, 42690, 43147, 43606, 44069, 44534,
	45002, 45473, 45947, 46423, 46903, 47385, 47871, 48359, 48850, 49344, 49841, 50341,
	50844, 51349, 51858, 52369, 52884, 53401, 53921, 54445, 54971, 55500, 56032, 56567,
	57105, 57646, 58190, 58737, 59287, 59840, 60396, 60955, 61517, 62082, 62650, 63221,
	63795, 64372, 64952, 65535,
};

static unsigned long long
luminance(uint32_t rgb)
{
	/* 0.2126 R + 0.7152 G + 0.0722 B, in ten-thousandths */
	return 2126ull * lin[rgb >> 16 & 0xff] + 7152ull * lin[rgb >> 8 & 0xff] +
	    722ull * lin[rgb & 0xff];
}

/* html_color_hides - fg on bg cannot be read (either unknown: 0) */
int
html_color_hides(uint32_t fg, uint32_t bg)
{
	unsigned long long lf, lb, hi, lo;
	int i, d, far = 0;

	if (!(fg & CSS_COLOR_SET) || !(bg & CSS_COLOR_SET))
		return 0;
	for (i = 0; i < 24; i += 8) {
		d = (int)(fg >> i & 0xff) - (int)(bg >> i & 0xff);
		if (d > 16 || d < -16)
			far = 1;
	}
	if (!far)
		return 1;
	/* WCAG contrast (L1 + 0.05) / (L2 + 0.05) below 1.1 */
	lf = luminance(fg & 0xffffff);
	lb = luminance(bg & 0xffffff);
	hi = lf > lb ? lf : lb;
	lo = lf > lb ? lb : lf;
	return (hi + 32768ull * 1000) * 10 < (lo + 32768ull * 1000) * 11;
}

/* css_tiny_box - a length of at most one pixel (a box that shows nothing) */
static int
css_tiny_box(const char *s, size_t len)
{
	const char *u;
	double v;

	if (!css_number(s, len, &v, &u))
		return 0;
	len -= (size_t)(u - s);
	if (v <= 0)
		return 1;
	return len == 2 && (memcmp(u, "px", 2) == 0 || memcmp(u, "pt", 2) == 0) && v <= 1;
}

/* css_inherit - a keyword that gives the parent's value */
static int
css_inherit(const char *v, size_t vl)
{
	return (vl == 7 && memcmp(v, "inherit", 7) == 0) ||
	    (vl == 5 && memcmp(v, "unset", 5) == 0) ||
	    (vl == 12 && memcmp(v, "currentcolor", 12) == 0);
}

/* css_text_color - color: transparent hides; a colour is compared with the background later */
static void
css_text_color(struct html_css *c, const char *v, size_t vl)
{
	uint32_t rgb;
	int r = html_css_color(v, vl, &rgb);

	if (r == 0)
		c->hide = 1;
	else if (r > 0)
		c->fg = CSS_RGB(rgb);
	else if (vl == 7 && memcmp(v, "initial", 7) == 0)
		c->fg = CSS_PAGE_FG;
	else
		c->fg = css_inherit(v, vl) ? 0 : CSS_COLOR_UNKNOWN;
}

/*
 * css_background - the shorthand: its colour, if one of its words is
 * one; an image without a colour is unknown (mail readers often do not
 * load images, and then the colour shows: it is the one to judge by).
 */
static void
css_background(struct html_css *c, const char *v, size_t vl)
{
	size_t i = 0, b;
	int depth, image = 0;
	uint32_t rgb;

	c->bg = 0;
	while (i < vl) {
		while (i < vl && (v[i] == ' ' || v[i] == ','))
			i++;
		for (b = i, depth = 0; i < vl && (depth > 0 || (v[i] != ' ' && v[i] != ',')); i++)
			if (v[i] == '(')
				depth++;
			else if (v[i] == ')' && depth > 0)
				depth--;
		if (i == b)
			break;
		if (memchr(v + b, '(', i - b) != NULL && html_css_color(v + b, i - b, &rgb) < 0) {
			image = 1;	/* url(), a gradient, image-set() */
			continue;
		}
		switch (html_css_color(v + b, i - b, &rgb)) {
		case 1:
			c->bg = CSS_RGB(rgb);
			return;
		case 0:
			return;	/* transparent */
		default:
			break;
		}
	}
	if (image || vl >= CSS_VALUE_MAX - 1)
		c->bg = CSS_COLOR_UNKNOWN;	/* an image, or cut before its colour */
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
		else if (css_tiny_box(v, vl))
			c->zero_box = 1;
	} else if (PROP("height") || PROP("width") || PROP("max-width")) {
		if (css_tiny_box(v, vl))
			c->zero_box = 1;
	} else if (PROP("line-height")) {
		if (css_zero(v, vl))
			c->zero_box = 1;
	} else if (PROP("overflow") || PROP("overflow-x") || PROP("overflow-y")) {
		if (IS("hidden") || IS("clip") || IS("hidden hidden"))
			c->overflow_hidden = 1;
	} else if (PROP("color") || PROP("-webkit-text-fill-color")) {
		css_text_color(c, v, vl);
	} else if (PROP("background-color")) {
		uint32_t rgb;
		int r = html_css_color(v, vl, &rgb);

		c->bg = r > 0 ? CSS_RGB(rgb) : r == 0 || css_inherit(v, vl) ? 0 : CSS_COLOR_UNKNOWN;
	} else if (PROP("background")) {
		css_background(c, v, vl);
	} else if (PROP("background-image")) {
		c->bg_image = vl > 0 && !IS("none");
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
	if (c->bg == 0 && c->bg_image)
		c->bg = CSS_COLOR_UNKNOWN;
	return c->hide || (c->zero_box && c->overflow_hidden);
}


/* ---- <style> blocks: ".name { display: none }" and the like ---- */

static int
is_class_char(int c)
{
	return is_alnum(c) || c == '-' || c == '_' || c >= 0x80;
}

/* color_add - the colours of the block being read, for name in table t of *n (max entries) */
static void
color_add(struct html_sheet *sh, struct sheet_color *t, size_t *n, size_t max, const char *name)
{
	struct sheet_color *sc;
	size_t j;

	for (j = 0; j < *n && strcmp(t[j].name, name) != 0; j++)
		;
	if (j == max)
		return;
	sc = &t[j];
	if (j == *n) {
		strcpy(sc->name, name);
		sc->fg = sc->bg = 0;
		(*n)++;
	}
	if (sh->css.fg != 0)
		sc->fg = sh->css.fg;	/* a later rule wins */
	if (sh->css.bg != 0)
		sc->bg = sh->css.bg;
}

/* sheet_add - remember class name (n bytes): hidden, or its colours; tag: a type selector */
static void
sheet_add(struct html_sheet *sh, const char *name, size_t n, int hides, int tag)
{
	char cls[HTML_CLASS_MAX + 1];
	size_t j;

	for (j = 0; j < n; j++)
		cls[j] = (char)lower(name[j]);
	cls[n] = '\0';
	if (tag) {
		if (!hides)
			color_add(sh, sh->tags, &sh->ntags, SHEET_COLOR_TAGS, cls);
		return;
	}
	if (hides) {
		if (html_sheet_hides(sh, cls) || sh->nclasses == SHEET_CLASSES)
			return;
		memcpy(sh->classes[sh->nclasses++], cls, n + 1);
		return;
	}
	color_add(sh, sh->colors, &sh->ncolors, SHEET_COLOR_CLASSES, cls);
}

/*
 * sheet_register - remember the classes of a selector list whose block
 * hides or sets a colour.  Only simple selectors count (".x" or "tag.x");
 * a class is compared without case, as in quirks mode.  A bare element
 * name ("body", "td") counts for its colours.
 */
static void
sheet_register(struct html_sheet *sh, int hides)
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
		if (k == e && e > b && e - b <= 16) {
			sheet_add(sh, s + b, e - b, hides, 1);	/* "body", "td": colours only */
			continue;
		}
		if (k >= e || s[k] != '.' || e - k - 1 == 0 || e - k - 1 > HTML_CLASS_MAX)
			continue;
		for (j = k + 1; j < e && is_class_char(s[j]); j++)
			;
		if (j == e)
			sheet_add(sh, s + k + 1, e - k - 1, hides, 0);
	}
}

/* sheet_char - one character of a style sheet */
static void
sheet_char(struct html_sheet *sh, int c)
{
	if (sh->in_block) {
		if (c == '}' && sh->css.comment < 2 && sh->css.quote == 0) {
			int hides = html_css_finish(&sh->css);

			if (sh->at_depth == 0 && (hides || sh->css.fg != 0 || sh->css.bg != 0))
				sheet_register(sh, hides);
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

/* html_sheet_colors - the colours rules seen so far give class cls (0: none) */
void
html_sheet_colors(const struct html_sheet *sh, const char *cls, uint32_t *fg, uint32_t *bg)
{
	size_t i;

	for (i = 0; i < sh->ncolors; i++)
		if (strcmp(cls, sh->colors[i].name) == 0) {
			*fg = sh->colors[i].fg;
			*bg = sh->colors[i].bg;
			return;
		}
	*fg = *bg = 0;
}

/* html_sheet_tag_colors - the colours type selectors give element name (0: none) */
void
html_sheet_tag_colors(const struct html_sheet *sh, const char *name, size_t n, uint32_t *fg,
    uint32_t *bg)
{
	size_t i;

	*fg = *bg = 0;
	for (i = 0; i < sh->ntags; i++)
		if (strlen(sh->tags[i].name) == n && memcmp(name, sh->tags[i].name, n) == 0) {
			*fg = sh->tags[i].fg;
			*bg = sh->tags[i].bg;
			return;
		}
}
