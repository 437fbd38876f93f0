/* html_text character references - named (WHATWG entities.json) and numeric */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "html_text_private.h"

#include "html_entities.inc"

_Static_assert(HTML_ENTITY_NAME_MAX == CHARREF_NAME_MAX,
    "CHARREF_NAME_MAX follows html_entities.inc");

/* The numeric references 0x80-0x9F read as windows-1252 (0: kept as is). */
static const unsigned short c1_table[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* utf8_put - one code point as UTF-8 into b, returns the length */
static size_t
utf8_put(char *b, unsigned cp)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* html_charref_out - the result of a reference, to where it was found */
void
html_charref_out(struct html_text *ht, const char *s, size_t n)
{
	switch (ht->ret) {
	case S_DATA:
		html_reconstruct(ht);
		html_emit(ht, s, n);
		break;
	case S_RCDATA:
		html_emit_raw(ht, s, n);
		break;
	default:
		html_attr_value(ht, s, n);
		break;
	}
}

/* charref_cp - one code point to where the reference was found */
static void
charref_cp(struct html_text *ht, unsigned cp)
{
	char b[4];

	html_charref_out(ht, b, utf8_put(b, cp));
}

/* entity_find - the named reference spelt by the n bytes at s, or NULL */
static const struct html_entity *
entity_find(const char *s, size_t n)
{
	struct html_name_key key = { s, n };

	return bsearch(&key, html_entities, HTML_ENTITY_COUNT, sizeof(html_entities[0]),
	    html_name_cmp);
}

/* html_name_cmp - a name against a table entry, for bsearch (html_text_private.h) */
int
html_name_cmp(const void *k, const void *entry)
{
	const struct html_name_key *key = k;
	const char *name = *(const char *const *)entry;
	size_t len = strlen(name);
	int c = memcmp(key->s, name, key->n < len ? key->n : len);

	if (c == 0)
		c = key->n < len ? -1 : key->n > len;
	return c;
}

/*
 * html_charref_named_end - resolve the name collected after '&' with next, the
 * character after it (-1: end of input): the longest name of the table
 * that the input starts with wins.  Returns 1 when next (a ';') was
 * part of the reference.
 */
int
html_charref_named_end(struct html_text *ht, int next)
{
	const struct html_entity *e = NULL;
	size_t len = ht->ent_len, k = len;
	int semi = 0, after;

	if (next == ';') {
		ht->ent[len] = ';';
		if ((e = entity_find(ht->ent, len + 1)) != NULL)
			semi = 1;
	}
	/* names without ';' are the legacy ones, at most HTML_ENTITY_LEGACY_MAX long */
	for (k = len < HTML_ENTITY_LEGACY_MAX ? len : HTML_ENTITY_LEGACY_MAX;
	    e == NULL && k > 0; k--)
		if ((e = entity_find(ht->ent, k)) != NULL)
			break;
	if (semi)
		k = len;
	if (e != NULL && !semi && ht->ret != S_DATA && ht->ret != S_RCDATA) {
		/* in an attribute, "&amp=" and "&ampx" stay as written */
		after = k < len ? ht->ent[k] : next;
		if (after == '=' || html_is_alnum(after))
			e = NULL;
	}
	if (e == NULL) {
		html_charref_out(ht, "&", 1);
		html_charref_out(ht, ht->ent, len);
		return 0;
	}
	charref_cp(ht, e->cp[0]);
	if (e->cp[1] != 0)
		charref_cp(ht, e->cp[1]);
	if (k < len)
		html_charref_out(ht, ht->ent + k, len - k);
	return semi;
}

/* html_charref_numeric_end - the code point of a numeric reference, with the spec's replacements */
void
html_charref_numeric_end(struct html_text *ht)
{
	unsigned long cp = ht->num;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	else if (cp >= 0x80 && cp <= 0x9f && c1_table[cp - 0x80] != 0)
		cp = c1_table[cp - 0x80];
	charref_cp(ht, (unsigned)cp);
}

/* html_charref_digit - one more digit, the value saturating above U+10FFFF */
void
html_charref_digit(struct html_text *ht, int c, unsigned base)
{
	unsigned v = html_is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);

	ht->num = ht->num * base + v;
	if (ht->num > 0x10ffff)
		ht->num = 0x110000;
}

/* html_charref_eof - a reference cut by the end of the input */
void
html_charref_eof(struct html_text *ht)
{
	switch (ht->state) {
	case S_CHARREF:
		html_charref_out(ht, "&", 1);
		break;
	case S_CHARREF_NAMED:
		html_charref_named_end(ht, -1);
		break;
	case S_CHARREF_NUM:
	case S_CHARREF_DEC_START:
		html_charref_out(ht, "&#", 2);
		break;
	case S_CHARREF_HEX_START:
		html_charref_out(ht, "&#", 2);
		html_charref_out(ht, &ht->num_x, 1);
		break;
	case S_CHARREF_HEX:
	case S_CHARREF_DEC:
		html_charref_numeric_end(ht);
		break;
	default:
		return;
	}
	ht->state = ht->ret;
}
