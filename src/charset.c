/* charset - streaming conversion of declared charsets to UTF-8 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"

#define CACHE_MAX	24

struct charset_entry {
	char name[CHARSET_NAME_MAX + 1];	/* canonical (iconv) name */
	iconv_t cd;				/* (iconv_t)-1: iconv refused */
};

struct charset_cache {
	struct charset_entry e[CACHE_MAX];
	size_t count;
	size_t next_victim;
	size_t opens;		/* converters opened for this message */
};

static const char replacement[] = "\xef\xbf\xbd";

/* Mislabels and aliases iconv does not read the way mail means them. */
static const struct {
	const char *label;
	const char *iconv;
} aliases[] = {
	{ "utf8", "UTF-8" },
	{ "utf-8", "UTF-8" },
	{ "us-ascii", "UTF-8" },
	{ "ascii", "UTF-8" },
	{ "ansi_x3.4-1968", "UTF-8" },
	{ "iso-8859-1", "WINDOWS-1252" },
	{ "iso8859-1", "WINDOWS-1252" },
	{ "iso_8859-1", "WINDOWS-1252" },
	{ "latin1", "WINDOWS-1252" },
	{ "latin-1", "WINDOWS-1252" },
	{ "l1", "WINDOWS-1252" },
	{ "cp1252", "WINDOWS-1252" },
	{ "x-user-defined", "WINDOWS-1252" },
	{ "ks_c_5601-1987", "CP949" },
	{ "ks_c_5601", "CP949" },
	{ "ks_c_5601-1989", "CP949" },
	{ "euc-kr", "CP949" },
	{ "x-euc-kr", "CP949" },
	{ "korean", "CP949" },
	{ "gb2312", "GB18030" },
	{ "gb_2312-80", "GB18030" },
	{ "gbk", "GB18030" },
	{ "x-gbk", "GB18030" },
	{ "cp936", "GB18030" },
	{ "euc-cn", "GB18030" },
	{ "x-euc-cn", "GB18030" },
	{ "chinese", "GB18030" },
	{ "big5", "CP950" },
	{ "big-5", "CP950" },
	{ "x-big5", "CP950" },
	{ "cn-big5", "CP950" },
	{ "csbig5", "CP950" },
	{ "shift_jis", "CP932" },
	{ "shift-jis", "CP932" },
	{ "x-sjis", "CP932" },
	{ "sjis", "CP932" },
	{ "ms_kanji", "CP932" },
	{ "csshiftjis", "CP932" },
	{ "windows-31j", "CP932" },
	{ "x-ms-cp932", "CP932" },
	{ "iso-2022-jp", "ISO-2022-JP" },
	{ "csiso2022jp", "ISO-2022-JP" },
	{ "utf-7", "UTF-7" },
	{ "unicode-1-1-utf-7", "UTF-7" },
	{ "tis-620", "CP874" },
	{ "windows-874", "CP874" },
	{ "iso-8859-9", "WINDOWS-1254" },
};

/* charset_cache_new - empty cache */
struct charset_cache *
charset_cache_new(void)
{
	return calloc(1, sizeof(struct charset_cache));
}

/* charset_cache_free - close every descriptor */
void
charset_cache_free(struct charset_cache **ccp)
{
	struct charset_cache *cc = *ccp;
	size_t i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->count; i++)
		if (cc->e[i].cd != (iconv_t)-1)
			iconv_close(cc->e[i].cd);
	free(cc);
	*ccp = NULL;
}

/* charset_cache_begin - reset the per-message open budget */
void
charset_cache_begin(struct charset_cache *cc)
{
	cc->opens = 0;
}

/* canonical - map a declared name to an iconv name in buf; 0, or -1 if not acceptable */
static int
canonical(const char *name, size_t len, char *buf)
{
	size_t i, n = 0;

	while (len > 0 && (*name == ' ' || *name == '\t' || *name == '"' ||
	    *name == '\'')) {
		name++;
		len--;
	}
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t' ||
	    name[len - 1] == '"' || name[len - 1] == '\''))
		len--;
	if (len == 0 || len > CHARSET_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == ':' || c == '+'))
			return -1;
		buf[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[n] = '\0';
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(aliases[i].label, buf) == 0) {
			strcpy(buf, aliases[i].iconv);
			return 0;
		}
	}
	/* Names like "utf-8//translit" never reach here: '/' is refused. */
	for (i = 0; i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 32);
	return 0;
}

/* cache_get - the cached entry for an iconv name, opening it once; NULL past the budget */
static struct charset_entry *
cache_get(struct charset_cache *cc, const char *name)
{
	struct charset_entry *e;
	size_t i;

	for (i = 0; i < cc->count; i++)
		if (strcmp(cc->e[i].name, name) == 0)
			return &cc->e[i];
	if (cc->opens >= CHARSET_OPENS_MAX)
		return NULL;
	cc->opens++;
	if (cc->count < CACHE_MAX) {
		e = &cc->e[cc->count++];
	} else {
		e = &cc->e[cc->next_victim];
		cc->next_victim = (cc->next_victim + 1) % CACHE_MAX;
		if (e->cd != (iconv_t)-1)
			iconv_close(e->cd);
	}
	strcpy(e->name, name);
	e->cd = iconv_open("UTF-8", name);
	return e;
}

/* charset_conv_open - pick the converter for a stream */
int
charset_conv_open(struct charset_cache *cc, struct charset_conv *cv,
    const char *name, size_t len)
{
	char buf[CHARSET_NAME_MAX + 1];
	struct charset_entry *e;

	memset(cv, 0, sizeof(*cv));
	cv->cache = cc;
	if (canonical(name, len, buf) < 0)
		return -1;
	if (strcmp(buf, "UTF-8") == 0)
		return 0;
	if (strcmp(buf, "UTF-16") == 0) {
		cv->utf16_detect = 1;
		return 0;
	}
	e = cache_get(cc, buf);
	if (e == NULL || e->cd == (iconv_t)-1)
		return -1;
	iconv(e->cd, NULL, NULL, NULL, NULL);
	cv->entry = e;
	return 0;
}

/*
 * run - convert as much as possible; stops on an incomplete tail (EINVAL).
 * An invalid sequence becomes one U+FFFD.  iconv normally stops at the bad
 * sequence, and one byte is skipped; but some glibc converters (CP949 on
 * A2 E8) consume the bad sequence before reporting it, and a blind skip
 * would then eat the next good character (or wrap the count below zero at
 * the end of the input).  So a byte is skipped only when iconv, called
 * again right after the replacement, is stuck at the same place.
 */
static void
run(iconv_t cd, struct strbuf *out, const char **inp, size_t *leftp)
{
	const char *before;
	char *op;
	size_t oleft, r;
	int replaced = 0;

	while (*leftp > 0) {
		strbuf_grow(out, *leftp * 3 + 16);
		op = out->data + out->len;
		oleft = out->cap - out->len - 1;
		before = *inp;
		r = iconv(cd, (char **)inp, leftp, &op, &oleft);
		out->len = (size_t)(op - out->data);
		out->data[out->len] = '\0';
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL)
			return;
		/* EILSEQ, or anything else. */
		if (*inp == before && replaced) {
			(*inp)++;
			(*leftp)--;
			replaced = 0;
			continue;
		}
		strbuf_append(out, replacement, 3);
		replaced = 1;
	}
}

/* utf16_pick - choose UTF-16 byte order from the first two bytes */
static void
utf16_pick(struct charset_conv *cv, const unsigned char *p)
{
	const char *name;

	if ((p[0] == 0xfe && p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe))
		name = "UTF-16";
	else if (p[0] != 0 && p[1] == 0)
		name = "UTF-16LE";
	else
		name = "UTF-16BE";	/* RFC 2781 */
	cv->utf16_detect = 0;
	cv->entry = cache_get(cv->cache, name);
	if (cv->entry != NULL && cv->entry->cd == (iconv_t)-1)
		cv->entry = NULL;
	if (cv->entry != NULL)
		iconv(cv->entry->cd, NULL, NULL, NULL, NULL);
}

/* charset_conv_feed - convert a chunk, carrying a cut character */
void
charset_conv_feed(struct charset_conv *cv, struct strbuf *out, const char *in, size_t len)
{
	unsigned char tmp[64];
	const char *p;
	size_t n, left, used;

	if (len == 0)
		return;		/* in may be NULL then */
	if (cv->utf16_detect) {
		if (cv->carry_len + len < 2) {
			memcpy(cv->carry + cv->carry_len, in, len);
			cv->carry_len += len;
			return;
		}
		memcpy(tmp, cv->carry, cv->carry_len);
		memcpy(tmp + cv->carry_len, in, 2 - cv->carry_len);
		utf16_pick(cv, tmp);
	}
	if (cv->entry == NULL) {
		if (cv->carry_len > 0)
			strbuf_append(out, cv->carry, cv->carry_len);
		cv->carry_len = 0;
		strbuf_append(out, in, len);
		return;
	}
	while (cv->carry_len > 0 && len > 0) {
		n = len < sizeof(tmp) - cv->carry_len ? len : sizeof(tmp) - cv->carry_len;
		memcpy(tmp, cv->carry, cv->carry_len);
		memcpy(tmp + cv->carry_len, in, n);
		p = (const char *)tmp;
		left = cv->carry_len + n;
		run(cv->entry->cd, out, &p, &left);
		used = cv->carry_len + n - left;
		if (used >= cv->carry_len) {
			in += used - cv->carry_len;
			len -= used - cv->carry_len;
			cv->carry_len = 0;
		} else if (n == len && left <= sizeof(cv->carry)) {
			/* Still incomplete: keep all of it for the next chunk. */
			memmove(cv->carry, tmp + used, left);
			cv->carry_len = left;
			return;
		} else {
			/* Longer than any character: give up on the first byte. */
			strbuf_append(out, replacement, 3);
			memmove(cv->carry, cv->carry + 1, --cv->carry_len);
		}
	}
	while (len > 0) {
		p = in;
		left = len;
		run(cv->entry->cd, out, &p, &left);
		if (left == 0)
			break;
		if (left <= sizeof(cv->carry)) {
			memcpy(cv->carry, p, left);
			cv->carry_len = left;
			break;
		}
		strbuf_append(out, replacement, 3);
		in = p + 1;
		len = left - 1;
	}
}

/* charset_conv_finish - end of stream */
void
charset_conv_finish(struct charset_conv *cv, struct strbuf *out)
{
	if (cv->carry_len > 0) {
		if (cv->entry == NULL && !cv->utf16_detect)
			strbuf_append(out, cv->carry, cv->carry_len);
		else
			strbuf_append(out, replacement, 3);
	}
	cv->carry_len = 0;
	if (cv->entry != NULL)
		iconv(cv->entry->cd, NULL, NULL, NULL, NULL);
}

/* charset_convert - one-shot conversion */
int
charset_convert(struct charset_cache *cc, const char *name, size_t namelen,
    struct strbuf *out, const char *in, size_t len)
{
	struct charset_conv cv;
	int ret;

	ret = charset_conv_open(cc, &cv, name, namelen);
	charset_conv_feed(&cv, out, in, len);
	charset_conv_finish(&cv, out);
	return ret;
}

/* charset_safe_name - bounded printable copy for diagnostics */
void
charset_safe_name(struct strbuf *out, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 40; i++) {
		unsigned char c = (unsigned char)name[i];

		strbuf_append_char(out, c > 0x20 && c < 0x7f ? (char)c : '?');
	}
	if (len > 40)
		strbuf_append(out, "...", 3);
}
