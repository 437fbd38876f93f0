/* charset - streaming conversion of declared charsets to UTF-8 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "utf8.h"
#include "xalloc.h"

#define CACHE_MAX	24

/*
 * A single-byte charset (windows-1252, the ISO 8859 family, KOI8 ...)
 * converts byte by byte, whatever came before.  Going through iconv costs
 * some 25 instructions a byte; a table of what iconv makes of each byte
 * alone (U+FFFD where it has nothing, as run writes it) costs one or two,
 * and gives the same text.
 */
struct sbcs_table {
	int ascii;		/* 00-7F convert to themselves */
	size_t max;		/* the longest conversion of a byte */
	uint8_t len[256];
	char out[256][4];
};

struct charset_entry {
	char name[CHARSET_NAME_MAX + 1];	/* canonical (iconv) name */
	iconv_t cd;				/* (iconv_t)-1: iconv refused */
	struct sbcs_table *sbcs;		/* NULL: not a single-byte charset */
	int ascii_mb;				/* multibyte, ASCII between characters as is */
};

struct charset_cache {
	struct charset_entry e[CACHE_MAX];
	size_t count;
	size_t next_victim;
	size_t opens;		/* converters opened for this message */
};

static const char replacement[] = "\xef\xbf\xbd";

enum charset_kind {
	CHARSET_KIND_ICONV,		/* an iconv converter */
	CHARSET_KIND_UTF8,		/* passed through */
	CHARSET_KIND_AUTO,		/* a label that means 7-bit: the unlabelled rule */
	CHARSET_KIND_UTF16,		/* byte order from the BOM or the NULs */
	CHARSET_KIND_REPLACEMENT,	/* WHATWG "replacement": readers disagree */
};

/*
 * Every label of the WHATWG Encoding Standard, plus names seen in mail, with
 * the glibc iconv name that decodes it as a browser does; sorted by label.
 * Generated from contrib/charset/encodings.json by
 * contrib/charset/gen_charset_labels.py ("make charset-labels").
 */
static const struct charset_label {
	const char *label;
	const char *iconv;
	enum charset_kind kind;
} labels[] = {
#include "charset_labels.inc"
};

#define LABEL_COUNT (sizeof(labels) / sizeof(labels[0]))

/* The common single-byte fallback for unlabelled 8-bit text. */
#define FALLBACK "CP1252"

/* charset_cache_new - empty cache */
struct charset_cache *
charset_cache_new(void)
{
	return xcalloc(1, sizeof(struct charset_cache));
}

/* charset_cache_free - close every descriptor */
void
charset_cache_free(struct charset_cache **ccp)
{
	struct charset_cache *cc = *ccp;
	size_t i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->count; i++) {
		if (cc->e[i].cd != (iconv_t)-1)
			iconv_close(cc->e[i].cd);
		free(cc->e[i].sbcs);
	}
	free(cc);
	*ccp = NULL;
}

/* charset_cache_begin - reset the per-message open budget */
void
charset_cache_begin(struct charset_cache *cc)
{
	cc->opens = 0;
}

/* label_cmp - bsearch comparison of a name with a table row */
static int
label_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct charset_label *)row)->label);
}

/*
 * canonical - map a declared name to an iconv name in buf and its kind;
 * 0, or -1 if not acceptable.  A name the table does not know goes to iconv
 * as it is (upper-cased).
 */
static int
canonical(const char *name, size_t len, char *buf, enum charset_kind *kind_r)
{
	const struct charset_label *row;
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
	row = bsearch(buf, labels, LABEL_COUNT, sizeof(labels[0]), label_cmp);
	if (row != NULL) {
		strcpy(buf, row->iconv);
		*kind_r = row->kind;
		return 0;
	}
	/* Names like "utf-8//translit" never reach here: '/' is refused. */
	for (i = 0; i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 32);
	*kind_r = strcmp(buf, "UTF-8") == 0 ? CHARSET_KIND_UTF8 : CHARSET_KIND_ICONV;
	return 0;
}

/* charset_label_count - entries in the label table (for the tests) */
size_t
charset_label_count(void)
{
	return LABEL_COUNT;
}

/* charset_label_at - label i and its iconv name ("" when it has none) */
const char *
charset_label_at(size_t i, const char **iconv_r)
{
	*iconv_r = labels[i].iconv;
	return labels[i].label;
}

static struct sbcs_table *sbcs_build(const char *name, iconv_t cd);
static int ascii_mb_probe(const char *name, iconv_t cd);

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
		free(e->sbcs);
	}
	strcpy(e->name, name);
	e->cd = iconv_open("UTF-8", name);
	e->sbcs = e->cd != (iconv_t)-1 ? sbcs_build(name, e->cd) : NULL;
	e->ascii_mb = e->cd != (iconv_t)-1 ? ascii_mb_probe(name, e->cd) : 0;
	return e;
}

/* entry_open - borrow the reset converter for an iconv name; NULL if none */
static struct charset_entry *
entry_open(struct charset_cache *cc, const char *name)
{
	struct charset_entry *e = cache_get(cc, name);

	if (e == NULL || e->cd == (iconv_t)-1)
		return NULL;
	iconv(e->cd, NULL, NULL, NULL, NULL);
	return e;
}

/* charset_conv_open - pick the converter for a stream */
int
charset_conv_open(struct charset_cache *cc, struct charset_conv *cv,
    const char *name, size_t len)
{
	char buf[CHARSET_NAME_MAX + 1];
	enum charset_kind kind;

	memset(cv, 0, sizeof(*cv));
	cv->cache = cc;
	if (canonical(name, len, buf, &kind) < 0)
		return -1;
	switch (kind) {
	case CHARSET_KIND_UTF8:
		cv->watch.on = 1;
		return 0;
	case CHARSET_KIND_AUTO:
		cv->auto_utf8 = 1;
		return 0;
	case CHARSET_KIND_UTF16:
		cv->utf16_detect = 1;
		return 0;
	case CHARSET_KIND_REPLACEMENT:
		cv->doubt = CHARSET_DOUBT_REPLACEMENT;
		if (buf[0] == '\0' || (cv->entry = entry_open(cc, buf)) == NULL)
			cv->replace_all = 1;
		return 0;
	case CHARSET_KIND_ICONV:
		break;
	}
	cv->entry = entry_open(cc, buf);
	if (cv->entry != NULL && strcmp(buf, FALLBACK) == 0)
		cv->watch.on = 2;
	return cv->entry != NULL ? 0 : -1;
}

/* charset_conv_open_unlabelled - text without a charset: UTF-8 if it validates, else windows-1252 */
void
charset_conv_open_unlabelled(struct charset_cache *cc, struct charset_conv *cv)
{
	memset(cv, 0, sizeof(*cv));
	cv->cache = cc;
	cv->auto_utf8 = 1;
}

static enum charset_doubt label_doubt(const struct charset_watch *w);

/* charset_conv_doubt - why the text has more than one reading, or NULL */
const char *
charset_conv_doubt(const struct charset_conv *cv)
{
	enum charset_doubt d = cv->doubt;

	if (d == CHARSET_DOUBT_NONE && cv->watch.on)
		d = label_doubt(&cv->watch);
	switch (d) {
	case CHARSET_DOUBT_NONE:
		break;
	case CHARSET_DOUBT_REPLACEMENT:
		return "charset that readers decode differently (WHATWG replacement)";
	case CHARSET_DOUBT_MIXED:
		return "unlabelled 8-bit text mixing UTF-8 and other bytes";
	case CHARSET_DOUBT_NOT_LATIN:
		return "unlabelled 8-bit text that is neither UTF-8 nor windows-1252";
	case CHARSET_DOUBT_NOT_UTF8:
		return "text labelled UTF-8 that is mostly another charset";
	case CHARSET_DOUBT_LATIN_LIE:
		return "text labelled windows-1252 or iso-8859-1 that reads as a CJK double-byte charset";
	}
	return NULL;
}

/*
 * The thresholds of the label checks: runs of WATCH_RUN 8-bit bytes, and
 * at least WATCH_BAD bytes in them (three CJK characters).
 */
#define WATCH_RUN	3
#define WATCH_BAD	6

/* label_doubt - does the watch say the label lies (at the end of the stream) */
static enum charset_doubt
label_doubt(const struct charset_watch *w)
{
	size_t bad = w->bad, good = w->good;

	if (w->on == 1) {
		/* the run still open counts as if it ended here */
		if (w->run_bad > 0 && w->run >= WATCH_RUN)
			bad += w->run;
		else
			good += w->run_good;
		return bad >= WATCH_BAD && bad > good ? CHARSET_DOUBT_NOT_UTF8 : CHARSET_DOUBT_NONE;
	}
	if (w->bad < WATCH_BAD)
		return CHARSET_DOUBT_NONE;
	if (w->on == 2 && w->bad * 2 >= w->high)
		return CHARSET_DOUBT_LATIN_LIE;
	return CHARSET_DOUBT_NONE;
}

/*
 * watch - unlabelled text read as windows-1252: is that reading plausible?
 * Latin-script text has its 8-bit letters one or two at a time between
 * ASCII letters; Cyrillic, Greek, Hebrew, Arabic and the CJK double-byte
 * encodings have runs of them, and a byte that windows-1252 leaves
 * undefined means another charset.  Either makes the text undecidable.
 * No-break spaces (A0), often in runs, count as ASCII.
 */
static void
watch(struct charset_conv *cv, const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && cv->doubt == CHARSET_DOUBT_NONE; i++) {
		unsigned char c = s[i];

		if (c < 0x80 || c == 0xa0) {
			cv->hi_run = 0;
			continue;
		}
		if (++cv->hi_run >= 3 || c == 0x81 || c == 0x8d || c == 0x8f ||
		    c == 0x90 || c == 0x9d)
			cv->doubt = CHARSET_DOUBT_NOT_LATIN;
	}
}

/* fall_back - unlabelled text that is not UTF-8: windows-1252 from here on */
static void
fall_back(struct charset_conv *cv)
{
	cv->auto_utf8 = 0;
	cv->auto_fallback = 1;
	if (cv->saw_multibyte)
		cv->doubt = CHARSET_DOUBT_MIXED;
	cv->entry = entry_open(cv->cache, FALLBACK);
	if (cv->entry == NULL && cv->doubt == CHARSET_DOUBT_NONE)
		cv->doubt = CHARSET_DOUBT_NOT_LATIN;	/* no converter left: raw bytes */
	watch(cv, cv->carry, cv->carry_len);
}

/* ascii_run - the length of the 7-bit run at the start of s, eight bytes at a time */
static size_t
ascii_run(const unsigned char *s, size_t len)
{
	uint64_t w;
	size_t i = 0;

	while (i + 8 <= len) {
		memcpy(&w, s + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < len && s[i] < 0x80)
		i++;
	return i;
}

/*
 * valid_prefix - the length of the valid UTF-8 at the start of s; stops
 * before an invalid sequence or one cut by the end.
 */
static size_t
valid_prefix(struct charset_conv *cv, const unsigned char *s, size_t len)
{
	size_t i = 0;
	unsigned cp;
	int r;

	for (;;) {
		i += ascii_run(s + i, len - i);
		if (i == len || (r = utf8_decode(s + i, len - i, &cp)) <= 0)
			return i;
		cv->saw_multibyte = 1;
		i += (size_t)r;
	}
}

/* watch_bad - one more windows-1252 byte in a run */
static void
watch_bad(struct charset_watch *w)
{
	if (++w->run == WATCH_RUN)
		w->bad += WATCH_RUN;
	else if (w->run > WATCH_RUN)
		w->bad++;
}

/*
 * utf8_run_end - an 8-bit run of labelled UTF-8 ends: a long one with an
 * invalid byte counts as bad, all of it; otherwise its valid bytes count
 * as good (a stray Latin-1 byte or two in UTF-8 is a slip, not a lie).
 */
static void
utf8_run_end(struct charset_watch *w)
{
	if (w->run_bad > 0 && w->run >= WATCH_RUN)
		w->bad += w->run;
	else
		w->good += w->run_good;
	w->run = 0;
	w->run_good = w->run_bad = 0;
}

/* utf8_byte - n bytes of an 8-bit run, valid UTF-8 or not */
static void
utf8_bytes(struct charset_watch *w, size_t n, int valid)
{
	w->run += (unsigned)n;
	if (valid)
		w->run_good += n;
	else
		w->run_bad += n;
}

/*
 * watch_utf8 - labelled UTF-8: the runs of 8-bit bytes, valid or not, as
 * in one pass whatever the chunks.
 */
static void
watch_utf8(struct charset_watch *w, const unsigned char *s, size_t n)
{
	unsigned char tmp[8], rest[4];
	size_t i = 0, k, cl;
	unsigned cp;
	int r;

	while (w->carry_len > 0 && i < n) {
		cl = w->carry_len;
		k = n - i < 4 ? n - i : 4;
		memcpy(tmp, w->carry, cl);
		memcpy(tmp + cl, s + i, k);
		r = utf8_decode(tmp, cl + k, &cp);
		if (r == 0) {
			memcpy(w->carry + cl, s + i, k);	/* still short: under 4 bytes */
			w->carry_len += k;
			return;
		}
		w->carry_len = 0;
		if (r > 0) {
			utf8_bytes(w, (size_t)r, 1);
			i += (size_t)r - cl;
			break;
		}
		utf8_bytes(w, 1, 0);	/* the first byte held; the others read again */
		memcpy(rest, tmp + 1, cl - 1);
		watch_utf8(w, rest, cl - 1);
	}
	while (i < n) {
		if (s[i] < 0x80) {
			if (w->run > 0)
				utf8_run_end(w);
			i += ascii_run(s + i, n - i);
			continue;
		}
		if ((r = utf8_decode(s + i, n - i, &cp)) > 0) {
			/* the common case: valid characters in a row */
			w->run += (unsigned)r;
			w->run_good += (size_t)r;
			i += (size_t)r;
		} else if (r == 0) {
			memcpy(w->carry, s + i, n - i);	/* cut by the end of the chunk */
			w->carry_len = n - i;
			break;
		} else {
			utf8_bytes(w, 1, 0);
			i++;
		}
	}
}

/* watch_latin - labelled windows-1252: 8-bit bytes in runs, or undefined there */
static void
watch_latin(struct charset_watch *w, const unsigned char *s, size_t n)
{
	size_t i = 0, a;
	unsigned char c;

	while (i < n) {
		if ((a = ascii_run(s + i, n - i)) > 0) {
			w->run = 0;
			i += a;
			continue;
		}
		c = s[i++];
		w->high++;
		if (c == 0xa0)
			w->run = 0;	/* no-break spaces come in runs */
		else if (c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d) {
			w->bad++;
			w->run++;
		} else
			watch_bad(w);
	}
}

/*
 * auto_feed - unlabelled text still read as UTF-8: pass the valid prefix
 * through.  Returns the bytes of in used; fewer than len when an invalid
 * sequence made it fall back (the carry, if any, is then still pending).
 */
static size_t
auto_feed(struct charset_conv *cv, struct strbuf *out, const char *in, size_t len)
{
	const unsigned char *s;
	unsigned char tmp[8];
	size_t i, n, used = 0;
	unsigned cp;
	int r;

	if (cv->carry_len > 0) {
		n = len < 4 ? len : 4;
		memcpy(tmp, cv->carry, cv->carry_len);
		memcpy(tmp + cv->carry_len, in, n);
		r = utf8_decode(tmp, cv->carry_len + n, &cp);
		if (r == 0) {
			memcpy(cv->carry + cv->carry_len, in, n);
			cv->carry_len += n;
			return len;
		}
		if (r < 0) {
			fall_back(cv);
			return 0;
		}
		strbuf_append(out, (const char *)tmp, (size_t)r);
		cv->saw_multibyte = 1;
		used = (size_t)r - cv->carry_len;
		cv->carry_len = 0;
	}
	s = (const unsigned char *)in + used;
	n = len - used;
	i = valid_prefix(cv, s, n);
	strbuf_append(out, (const char *)s, i);
	if (i == n)
		return len;
	if (utf8_decode(s + i, n - i, &cp) == 0) {
		memcpy(cv->carry, s + i, n - i);	/* cut by the end: at most 3 bytes */
		cv->carry_len = n - i;
		return len;
	}
	fall_back(cv);
	return used + i;
}

/*
 * run_at - convert as much as possible; stops on an incomplete tail (EINVAL).
 * An invalid sequence becomes one U+FFFD.  iconv normally stops at the bad
 * sequence, and one byte is skipped; but some glibc converters (CP949 on
 * A2 E8) consume the bad sequence before reporting it, and a blind skip
 * would then eat the next good character (or wrap the count below zero at
 * the end of the input).  So a byte is skipped only when iconv, called
 * again right after the replacement, is stuck at the same place.
 * *replaced says that a U+FFFD was written for the byte at *inp; it goes
 * in and out so that a stream converted in pieces decides as in one.
 */
static void
run_at(iconv_t cd, struct strbuf *out, const char **inp, size_t *leftp, int *replaced)
{
	const char *before;
	char *op;
	size_t oleft, r;

	while (*leftp > 0) {
		strbuf_grow(out, *leftp * 3 + 16);
		op = out->data + out->len;
		oleft = out->cap - out->len - 1;
		before = *inp;
		r = iconv(cd, (char **)inp, leftp, &op, &oleft);
		out->len = (size_t)(op - out->data);
		out->data[out->len] = '\0';
		if (*inp != before)
			*replaced = 0;
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL)
			return;
		/* EILSEQ, or anything else. */
		if (*inp == before && *replaced) {
			(*inp)++;
			(*leftp)--;
			*replaced = 0;
			continue;
		}
		strbuf_append(out, replacement, 3);
		*replaced = 1;
	}
}

/* run - run_at from a fresh start */
static void
run(iconv_t cd, struct strbuf *out, const char **inp, size_t *leftp)
{
	int replaced = 0;

	run_at(cd, out, inp, leftp, &replaced);
}

/*
 * The glibc converters that are tables of 256 characters with no state.
 * CP1255 and CP1258 are not: they hold a base letter back for the marks
 * that may follow (sbcs_build would refuse them anyway).
 */
static const char *const sbcs_names[] = {
	"CP1250", "CP1251", "CP1252", "CP1253", "CP1254", "CP1256", "CP1257",
	"CP437", "CP850", "CP866", "CP874", "IBM866", "KOI8-R", "KOI8-RU", "KOI8-U",
	"MACINTOSH", "MAC-CYRILLIC", "MAC-CENTRALEUROPE",
};

/* is_sbcs_name - a name of sbcs_names, or of the ISO 8859 family */
static int
is_sbcs_name(const char *name)
{
	size_t i;

	if (strncmp(name, "ISO-8859-", 9) == 0)
		return 1;
	for (i = 0; i < sizeof(sbcs_names) / sizeof(sbcs_names[0]); i++)
		if (strcmp(name, sbcs_names[i]) == 0)
			return 1;
	return 0;
}

/*
 * convert_byte_alone - convert byte b alone, from the initial state, into
 * s (emptied first): is it used up with nothing left in the converter?
 * The converter is left holding whatever the byte put in its state; the
 * caller resets it.
 */
static int
convert_byte_alone(iconv_t cd, struct strbuf *s, unsigned b)
{
	char byte = (char)b, tail[16], *op = tail;
	const char *p = &byte;
	size_t left = 1, oleft = sizeof(tail);

	iconv(cd, NULL, NULL, NULL, NULL);
	strbuf_reset(s);
	run(cd, s, &p, &left);
	iconv(cd, NULL, NULL, &op, &oleft);
	return left == 0 && op == tail;
}

/*
 * sbcs_build - the byte table of a single-byte charset, or NULL.  Each
 * byte goes through run alone, from the initial state; the table is kept
 * only if every byte was used up, wrote one to four bytes and left
 * nothing in the converter, which is what a stateless single-byte
 * converter does (and a shift byte, a lead byte or a held-back letter
 * does not).  The converter is left reset.
 */
static struct sbcs_table *
sbcs_build(const char *name, iconv_t cd)
{
	struct sbcs_table *t;
	struct strbuf s = STRBUF_INIT;
	unsigned b;

	if (!is_sbcs_name(name))
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->ascii = 1;
	for (b = 0; b < 256; b++) {
		if (!convert_byte_alone(cd, &s, b) || s.len == 0 ||
		    s.len > sizeof(t->out[0])) {
			free(t);
			t = NULL;
			break;
		}
		memcpy(t->out[b], s.data, s.len);
		t->len[b] = (uint8_t)s.len;
		if (s.len > t->max)
			t->max = s.len;
		if (b < 0x80 && (s.len != 1 || (unsigned char)s.data[0] != b))
			t->ascii = 0;
	}
	iconv(cd, NULL, NULL, NULL, NULL);
	strbuf_release(&s);
	return t;
}

/*
 * The glibc converters of the CJK double-byte (and GB18030 four-byte)
 * charsets: no shift state, and a byte below 80 that starts a character
 * is that ASCII character.  A trail byte may be below 80 too (Big5 and
 * Shift_JIS 40-7E, GB18030 digits), but always right after a byte of 80 or
 * more.  So between characters a run of ASCII is copied and only the
 * 8-bit stretches go through iconv.  The ISO-2022 family and UTF-7 shift
 * with ASCII bytes and are not here.
 */
static const char *const ascii_mb_names[] = {
	"BIG5", "BIG5-HKSCS", "CP932", "CP949", "EUC-CN", "EUC-JP", "EUC-KR",
	"GB18030", "GBK", "SJIS", "SHIFT_JIS", "UHC",
};

/*
 * ascii_mb_probe - is name one of ascii_mb_names whose converter gives
 * every byte below 80, alone and from the initial state, as itself?
 * (glibc's SJIS, for one, reads 5C as the yen sign.)  Leaves it reset.
 */
static int
ascii_mb_probe(const char *name, iconv_t cd)
{
	struct strbuf s = STRBUF_INIT;
	size_t i;
	unsigned b;
	int ok = 0;

	for (i = 0; i < sizeof(ascii_mb_names) / sizeof(ascii_mb_names[0]); i++)
		if (strcmp(name, ascii_mb_names[i]) == 0)
			ok = 1;
	for (b = 0; ok && b < 0x80; b++)
		ok = convert_byte_alone(cd, &s, b) && s.len == 1 &&
		    (unsigned char)s.data[0] == b;
	iconv(cd, NULL, NULL, NULL, NULL);
	strbuf_release(&s);
	return ok;
}

/*
 * mb_feed - the rest of a chunk through a multibyte converter, with no
 * carry pending.  With ascii_mb, ASCII between characters is copied and
 * iconv gets each 8-bit stretch with the byte after each 8-bit byte (a
 * possible trail byte); a character that still runs past a stretch (bad
 * input) sends the rest of the chunk to iconv at once, as without
 * ascii_mb.  The replacement state goes from piece to piece (run_at), so
 * the text is what one iconv pass over the chunk gives.
 */
static void
mb_feed(struct charset_conv *cv, struct strbuf *out, const char *in, size_t len)
{
	const unsigned char *u;
	const char *p;
	size_t n, seg, left;
	int replaced = 0, whole = !cv->entry->ascii_mb;

	while (len > 0) {
		seg = len;
		if (!whole) {
			u = (const unsigned char *)in;
			if ((n = ascii_run(u, len)) > 0) {
				strbuf_append(out, in, n);
				in += n;
				len -= n;
				replaced = 0;
				continue;
			}
			for (seg = 1; seg < len && (u[seg] >= 0x80 || u[seg - 1] >= 0x80); seg++)
				;
		}
		p = in;
		left = seg;
		run_at(cv->entry->cd, out, &p, &left, &replaced);
		if (left == 0) {
			in += seg;
			len -= seg;
			continue;
		}
		if (seg < len) {
			len -= (size_t)(p - in);
			in = p;
			whole = 1;
			continue;
		}
		if (left <= sizeof(cv->carry)) {
			memcpy(cv->carry, p, left);
			cv->carry_len = left;
			break;
		}
		strbuf_append(out, replacement, 3);
		in = p + 1;
		len = left - 1;
		replaced = 0;
	}
}

/* sbcs_feed - convert through the byte table */
static void
sbcs_feed(const struct sbcs_table *t, struct strbuf *out, const unsigned char *s, size_t len)
{
	char *d;
	size_t i = 0, n;

	/* Room for the worst case, and for the four bytes each table copy writes. */
	strbuf_grow(out, len * t->max + sizeof(t->out[0]));
	d = out->data + out->len;
	while (i < len) {
		if (t->ascii && s[i] < 0x80) {
			n = ascii_run(s + i, len - i);
			memcpy(d, s + i, n);
			d += n;
			i += n;
			continue;
		}
		memcpy(d, t->out[s[i]], sizeof(t->out[0]));
		d += t->len[s[i]];
		i++;
	}
	out->len = (size_t)(d - out->data);
	out->data[out->len] = '\0';
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

/* charset_conv_direct - the leading bytes of in that convert to themselves */
size_t
charset_conv_direct(struct charset_conv *cv, const char *in, size_t len)
{
	if (cv->entry == NULL && !cv->utf16_detect && !cv->auto_utf8 && !cv->replace_all) {
		if (cv->watch.on == 1)
			watch_utf8(&cv->watch, (const unsigned char *)in, len);
		return len;
	}
	if (!cv->auto_utf8 || cv->carry_len > 0)
		return 0;
	return valid_prefix(cv, (const unsigned char *)in, len);
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
	if (cv->replace_all) {
		/* As WHATWG decodes it: one U+FFFD for the whole stream. */
		if (!cv->replaced)
			strbuf_append(out, replacement, 3);
		cv->replaced = 1;
		return;
	}
	if (cv->auto_utf8) {
		used = auto_feed(cv, out, in, len);
		in += used;
		len -= used;
		if (len == 0 && cv->carry_len == 0)
			return;
		if (cv->auto_utf8)
			return;
	}
	if (cv->auto_fallback)
		watch(cv, (const unsigned char *)in, len);
	else if (cv->watch.on)
		(cv->watch.on == 1 ? watch_utf8 : watch_latin)(&cv->watch,
		    (const unsigned char *)in, len);
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
	if (cv->entry->sbcs != NULL) {
		/* A carry here is UTF-8 cut short before the fallback: bytes like any other. */
		sbcs_feed(cv->entry->sbcs, out, cv->carry, cv->carry_len);
		cv->carry_len = 0;
		sbcs_feed(cv->entry->sbcs, out, (const unsigned char *)in, len);
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
	mb_feed(cv, out, in, len);
}

/* charset_conv_finish - end of stream */
void
charset_conv_finish(struct charset_conv *cv, struct strbuf *out)
{
	const char *p;
	char *op;
	size_t left, oleft;

	if (cv->auto_utf8 && cv->carry_len > 0) {
		/* A UTF-8 sequence cut by the end is not UTF-8: "caf\xe9". */
		fall_back(cv);
		if (cv->entry != NULL) {
			p = (const char *)cv->carry;
			left = cv->carry_len;
			run(cv->entry->cd, out, &p, &left);
			cv->carry_len = left;
		}
	}
	if (cv->carry_len > 0) {
		if (cv->entry == NULL && !cv->utf16_detect)
			strbuf_append(out, cv->carry, cv->carry_len);
		else
			strbuf_append(out, replacement, 3);
	}
	cv->carry_len = 0;
	if (cv->entry != NULL) {
		/*
		 * Write what the converter still holds: CP1255 and CP1258 keep
		 * a base letter back in case a combining mark follows.
		 */
		strbuf_grow(out, 64);
		op = out->data + out->len;
		oleft = out->cap - out->len - 1;
		iconv(cv->entry->cd, NULL, NULL, &op, &oleft);
		out->len = (size_t)(op - out->data);
		out->data[out->len] = '\0';
		iconv(cv->entry->cd, NULL, NULL, NULL, NULL);
	}
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
	return ret < 0 || charset_conv_doubt(&cv) != NULL ? -1 : 0;
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
