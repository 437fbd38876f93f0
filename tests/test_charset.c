/* test_charset - streaming conversion to UTF-8 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <iconv.h>
#include <jansson.h>
#include <stdlib.h>

#include "charset.h"
#include "unit.h"

struct cs_case {
	const char *charset;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *out;
	int known;
};

#define U16BE "\x00i\x00n\x00v\x00o\x00i\x00" "c\x00" "e\x00 \x8a\xcblB"
#define U16LE "i\x00n\x00v\x00o\x00i\x00" "c\x00" "e\x00 \x00\xcb\x8a" "Bl"

static const struct cs_case cases[] = {
	{ "big5", "\xb5o\xb2\xbc\xa4w\xb6}\xa5\xdf", 0, "發票已開立", 1 },
	{ "gb2312", "\xb7\xa2\xc6\xb1\xd2\xd1\xbf\xaa\xbe\xdf", 0, "发票已开具", 1 },
	{ "GB18030", "\xb7\xa2\xc6\xb1\xd2\xd1\xbf\xaa\xbe\xdf", 0, "发票已开具", 1 },
	{ "shift_jis", "\x90\xbf\x8b\x81\x8f\x91\x82\xcc\x82\xa8\x92m\x82\xe7\x82\xb9", 0,
	  "請求書のお知らせ", 1 },
	{ "x-sjis", "\x90\xbf\x8b\x81\x8f\x91", 0, "請求書", 1 },
	{ "iso-2022-jp", "\x1b$B@A5a=q$N$*CN$i$;\x1b(B ok", 0, "請求書のお知らせ ok", 1 },
	{ "euc-kr", "\xc3\xbb\xb1\xb8\xbc\xad\xb0\xa1 \xb9\xdf\xc7\xe0", 0, "청구서가 발행", 1 },
	{ "ks_c_5601-1987", "\xc3\xbb\xb1\xb8\xbc\xad", 0, "청구서", 1 },
	{ "UTF-16BE", U16BE, 20, "invoice 請求", 1 },
	/* UTF-16 without a BOM: the NUL pattern tells the byte order */
	{ "utf-16", U16BE, 20, "invoice 請求", 1 },
	{ "utf-16", U16LE, 20, "invoice 請求", 1 },
	{ "utf-16", "\xff\xfe" U16LE, 22, "invoice 請求", 1 },
	{ "utf-7", "+istsQg invoice", 0, "請求 invoice", 1 },
	{ "windows-1252", "Gr\xfc\xdf" "e \x96 \x80" "5", 0, "Grüße – €5", 1 },
	{ "latin1", "Gr\xfc\xdf" "e \x80", 0, "Grüße €", 1 },
	{ "\"ISO-8859-1\"", "caf\xe9", 0, "café", 1 },
	{ "utf8", "caf\xc3\xa9", 0, "café", 1 },
	{ "us-ascii", "plain", 0, "plain", 1 },
	/* an invalid byte becomes U+FFFD and decoding goes on */
	{ "shift_jis", "a\x80" "b", 0, "a\xef\xbf\xbd" "b", 1 },
	/*
	 * glibc's CP949 consumes the invalid pair A2 E8 before reporting it:
	 * one U+FFFD, and the next character is kept (at the end of the input
	 * the byte count used to wrap below zero: fuzz_mime_decoder crash).
	 */
	{ "euc-kr", "A\xa2\xe8" "BC", 0, "A\xef\xbf\xbd" "BC", 1 },
	{ "euc-kr", "ok\xa2\xe8", 0, "ok\xef\xbf\xbd", 1 },
	{ "euc-kr", "\xa2\xe8\xa2\xe8\xc3\xbb", 0, "\xef\xbf\xbd\xef\xbf\xbd청", 1 },
	/* WHATWG labels, one or more per family */
	{ "iso-8859-8-i", "\xf9\xec\xe5\xed", 0, "שלום", 1 },
	{ "csiso88598i", "\xf9\xec\xe5\xed", 0, "שלום", 1 },
	{ "logical", "\xf9\xec\xe5\xed", 0, "שלום", 1 },
	{ "windows-949", "\xc3\xbb\xb1\xb8\xbc\xad", 0, "청구서", 1 },
	{ "csksc56011987", "\xc3\xbb\xb1\xb8\xbc\xad", 0, "청구서", 1 },
	{ "csshiftjis", "\x90\xbf\x8b\x81\x8f\x91", 0, "請求書", 1 },
	{ "ms932", "\x90\xbf\x8b\x81\x8f\x91", 0, "請求書", 1 },
	{ "x-gbk", "\xb7\xa2\xc6\xb1", 0, "发票", 1 },
	{ "gb_2312-80", "\xb7\xa2\xc6\xb1", 0, "发票", 1 },
	{ "iso-ir-58", "\xb7\xa2\xc6\xb1", 0, "发票", 1 },
	{ "x-x-big5", "\xb5o\xb2\xbc", 0, "發票", 1 },
	{ "big5-hkscs", "\xb5o\xb2\xbc", 0, "發票", 1 },
	{ "x-euc-jp", "\xc0\xc1\xb5\xe1\xbd\xf1", 0, "請求書", 1 },
	{ "iso-8859-1", "factur\xe9 \x80", 0, "facturé €", 1 },
	{ "cp819", "factur\xe9 \x93q\x94", 0, "facturé “q”", 1 },
	{ "iso_8859-1:1987", "caf\xe9", 0, "café", 1 },
	{ "x-mac-roman", "factur\x8e", 0, "facturé", 1 },
	{ "csmacintosh", "factur\x8e", 0, "facturé", 1 },
	{ "koi8-ru", "\xae\xbe", 0, "ўЎ", 1 },
	{ "koi8_r", "\xd3\xde\xc5\xd4", 0, "счет", 1 },
	{ "cp1251", "\xd1\xf7\xe5\xf2", 0, "Счет", 1 },
	{ "x-mac-cyrillic", "\x91\xf7\xe5\xf2", 0, "Счет", 1 },
	{ "csisolatin2", "faktura za \xb3", 0, "faktura za ł", 1 },
	{ "iso-8859-16", "\xaa", 0, "Ș", 1 },
	{ "dos-874", "\xa1", 0, "ก", 1 },
	{ "sun_eu_greek", "\xe1", 0, "α", 1 },
	{ "csibm866", "\x91\xe7\xa5\xe2", 0, "Счет", 1 },
	{ "x-user-defined", "invoice", 0, "invoice", 1 },
	{ "iso-8859-15", "\xa4", 0, "€", 1 },
	{ "windows-1250", "\xb3", 0, "ł", 1 },
	{ "cp1255", "\xf9", 0, "ש", 1 },
	{ "iso-8859-5", "\xc1\xe7\xd5\xe2", 0, "Счет", 1 },
	{ "l6", "\xbf", 0, "ŋ", 1 },
	{ "iso885913", "\xf8", 0, "ų", 1 },
	{ "iso-8859-14", "\xf0", 0, "ŵ", 1 },
	{ "cp1254", "\xfe", 0, "ş", 1 },
	{ "cp1256", "\xd4", 0, "ش", 1 },
	{ "x-cp1257", "\xf8", 0, "ų", 1 },
	{ "cp1258", "\xf0", 0, "đ", 1 },
	{ "iso-8859-4", "\xbc", 0, "ŧ", 1 },
	{ "iso-8859-3", "\xb6", 0, "ĥ", 1 },
	{ "iso-8859-6", "\xd4", 0, "ش", 1 },
	{ "koi8-u", "\xa7", 0, "ї", 1 },
	{ "gb18030", "\x81\x30\x81\x30", 0, "\xc2\x80", 1 },
	{ "utf-16be", "\x00i\x00n", 4, "in", 1 },
	{ "utf-16le", "i\x00n\x00", 4, "in", 1 },
	{ "unicodefffe", "\x00i\x00n", 4, "in", 1 },
	{ "unicode-1-1-utf-8", "caf\xc3\xa9", 0, "café", 1 },
	/* the replacement labels: read by glibc where it can, one U+FFFD where not */
	{ "csiso2022kr", "\x1b$)C\x0e" "C;18<-\x0f ok", 0, "청구서 ok", 1 },
	{ "hz-gb-2312", "~{7\"F1~} invoice", 0, "\xef\xbf\xbd", 1 },
	/* a truncated character at the end becomes U+FFFD */
	{ "big5", "ok\xb5", 0, "ok\xef\xbf\xbd", 1 },
	/* unknown charsets pass bytes through as UTF-8 */
	{ "x-no-such-charset", "caf\xc3\xa9", 0, "caf\xc3\xa9", 0 },
	{ "utf-8//translit", "x", 0, "x", 0 },
	{ "", "x", 0, "x", 0 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "x", 0, "x", 0 },
};

/* in_len - the byte length of a case's input */
static size_t
in_len(const struct cs_case *c)
{
	return c->len ? c->len : strlen(c->in);
}

/* convert_split - convert a case fed as two pieces cut at cut, or bytewise if cut is -1 */
static int
convert_split(struct charset_cache *cc, const struct cs_case *c, long cut, struct strbuf *out)
{
	struct charset_conv cv;
	size_t len = in_len(c), i;
	int r;

	charset_cache_begin(cc);	/* each case is a message of its own: a fresh open budget */
	r = charset_conv_open(cc, &cv, c->charset, strlen(c->charset));
	if (cut < 0) {
		for (i = 0; i < len; i++)
			charset_conv_feed(&cv, out, c->in + i, 1);
	} else {
		charset_conv_feed(&cv, out, c->in, (size_t)cut);
		charset_conv_feed(&cv, out, c->in + cut, len - (size_t)cut);
	}
	charset_conv_finish(&cv, out);
	return r;
}

/* check - output and known-ness match */
static void
check(const struct cs_case *c, int r, const struct strbuf *out, long cut)
{
	if ((r == 0) != c->known)
		fail_msg("%s: known=%d want %d", c->charset, r == 0, c->known);
	if (out->len != strlen(c->out) || memcmp(out->data, c->out, out->len) != 0)
		fail_msg("%s cut %ld: got \"%.*s\" want \"%s\"", c->charset, cut,
		    (int)out->len, out->data, c->out);
}

/* charset_conv_feed_whole - each case converts right in one piece */
static void
charset_conv_feed_whole(void **state)
{
	struct charset_cache *cc = charset_cache_new();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		int r = convert_split(cc, &cases[i], (long)in_len(&cases[i]), &out);

		check(&cases[i], r, &out, -2);
		strbuf_release(&out);
	}
	charset_cache_free(&cc);
	assert_null(cc);
}

/* charset_conv_feed_bytewise - characters cut between one-byte chunks are carried */
static void
charset_conv_feed_bytewise(void **state)
{
	struct charset_cache *cc = charset_cache_new();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		int r = convert_split(cc, &cases[i], -1, &out);

		check(&cases[i], r, &out, -1);
		strbuf_release(&out);
	}
	charset_cache_free(&cc);
}

/* charset_conv_feed_every_split - two pieces cut at every offset convert the same */
static void
charset_conv_feed_every_split(void **state)
{
	struct charset_cache *cc = charset_cache_new();
	size_t i, cut;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (cut = 0; cut <= in_len(&cases[i]); cut++) {
			struct strbuf out = STRBUF_INIT;
			int r = convert_split(cc, &cases[i], (long)cut, &out);

			check(&cases[i], r, &out, (long)cut);
			strbuf_release(&out);
		}
	}
	charset_cache_free(&cc);
}

/* iconv_reference - a whole stream through iconv, U+FFFD for each byte it refuses */
static void
iconv_reference(const char *name, const unsigned char *in, size_t len, struct strbuf *out)
{
	iconv_t cd = iconv_open("UTF-8", name);
	char *ip = (char *)in, *op;
	size_t left = len, oleft;

	assert_true(cd != (iconv_t)-1);
	while (left > 0) {
		strbuf_grow(out, left * 4 + 16);
		op = out->data + out->len;
		oleft = out->cap - out->len - 1;
		if (iconv(cd, &ip, &left, &op, &oleft) == (size_t)-1) {
			assert_int_equal(errno, EILSEQ);
			out->len = (size_t)(op - out->data);
			strbuf_append(out, "\xef\xbf\xbd", 3);
			ip++;
			left--;
			continue;
		}
		out->len = (size_t)(op - out->data);
	}
	out->data[out->len] = '\0';
	iconv_close(cd);
}

/*
 * charset_single_byte_as_iconv - the single-byte charsets convert through
 * a byte table built from iconv: the text must be what iconv gives, for
 * every byte and for mixed text, whole and cut into pieces.
 */
static void
charset_single_byte_as_iconv(void **state)
{
	static const char *const pairs[][2] = {
		{ "windows-1252", "CP1252" }, { "iso-8859-1", "CP1252" },
		{ "iso-8859-2", "ISO-8859-2" }, { "iso-8859-7", "ISO-8859-7" },
		{ "iso-8859-8", "ISO-8859-8" }, { "iso-8859-6", "ISO-8859-6" },
		{ "iso-8859-3", "ISO-8859-3" }, { "windows-1251", "CP1251" },
		{ "windows-1256", "CP1256" }, { "koi8-r", "KOI8-R" }, { "koi8-u", "KOI8-RU" },
		{ "ibm866", "IBM866" }, { "macintosh", "MACINTOSH" },
		{ "windows-874", "CP874" }, { "x-mac-cyrillic", "MAC-CYRILLIC" },
		/* not single-byte tables: iconv itself, for comparison */
		{ "windows-1255", "CP1255" }, { "windows-1258", "CP1258" },
	};
	struct charset_cache *cc = charset_cache_new();
	unsigned char in[4096];
	unsigned r = 12345;
	size_t i, k, cut;

	for (i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	for (; i < sizeof(in); i++) {
		r = r * 1103515245u + 12345u;
		/* mostly ASCII, like text: runs of both kinds */
		in[i] = (unsigned char)((r >> 16) % 3 == 0 ? 0x80 + ((r >> 8) & 0x7f) : 0x20 + ((r >> 8) % 95));
	}
	for (k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
		struct charset_conv cv;

		iconv_reference(pairs[k][1], in, sizeof(in), &want);
		assert_int_equal(charset_convert(cc, pairs[k][0], strlen(pairs[k][0]), &got,
		    (const char *)in, sizeof(in)), 0);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		for (cut = 1; cut < 300; cut += 37) {
			strbuf_reset(&got);
			assert_int_equal(charset_conv_open(cc, &cv, pairs[k][0], strlen(pairs[k][0])), 0);
			for (i = 0; i < sizeof(in); i += cut)
				charset_conv_feed(&cv, &got, (const char *)in + i,
				    sizeof(in) - i < cut ? sizeof(in) - i : cut);
			charset_conv_finish(&cv, &got);
			assert_int_equal(got.len, want.len);
			assert_memory_equal(got.data, want.data, want.len);
		}
		strbuf_release(&want);
		strbuf_release(&got);
	}
	charset_cache_free(&cc);
}

/*
 * iconv_one_pass - the whole input through iconv in one pass, with the
 * replacement rule of charset.c: U+FFFD for each refused sequence, and a
 * byte skipped only when iconv is stuck right after a replacement.
 */
static void
iconv_one_pass(const char *name, const unsigned char *in, size_t len, struct strbuf *out)
{
	iconv_t cd = iconv_open("UTF-8", name);
	char *ip = (char *)in, *op, *before;
	size_t left = len, oleft;
	int replaced = 0;

	assert_true(cd != (iconv_t)-1);
	strbuf_grow(out, len * 4 + 64);
	while (left > 0) {
		op = out->data + out->len;
		oleft = out->cap - out->len - 1;
		before = ip;
		if (iconv(cd, &ip, &left, &op, &oleft) != (size_t)-1) {
			out->len = (size_t)(op - out->data);
			break;
		}
		out->len = (size_t)(op - out->data);
		if (ip != before)
			replaced = 0;
		if (errno == EINVAL) {
			strbuf_append(out, "\xef\xbf\xbd", 3);	/* cut at the end */
			break;
		}
		assert_int_equal(errno, EILSEQ);
		if (ip == before && replaced) {
			ip++;
			left--;
			replaced = 0;
			continue;
		}
		strbuf_append(out, "\xef\xbf\xbd", 3);
		replaced = 1;
	}
	out->data[out->len] = '\0';
	iconv_close(cd);
}

/* cjk_sample - text in charset name: ASCII markup and words around CJK characters */
static size_t
cjk_sample(const char *name, unsigned char *buf, size_t cap, unsigned seed)
{
	iconv_t cd = iconv_open(name, "UTF-32LE");
	size_t n = 0;
	unsigned r = seed;

	assert_true(cd != (iconv_t)-1);
	while (n + 16 < cap) {
		uint32_t cp;
		char *ip = (char *)&cp, *op = (char *)buf + n;
		size_t il = 4, ol = cap - n;

		r = r * 1103515245u + 12345u;
		switch ((r >> 16) % 6) {
		case 0: case 1:
			cp = 0x20 + ((r >> 8) % 95);	/* ASCII, '<', digits and all */
			break;
		case 2:
			cp = 0x4e00 + ((r >> 4) % 0x51a5);	/* Han */
			break;
		case 3:
			cp = 0xac00 + ((r >> 4) % 0x2ba4);	/* Hangul */
			break;
		case 4:
			cp = 0x3041 + ((r >> 4) % 0xb9);	/* kana */
			break;
		default:
			cp = 0xff01 + ((r >> 4) % 0x5e);	/* full-width forms */
			break;
		}
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			n = (size_t)(op - (char *)buf);
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return n;
}

/*
 * charset_multibyte_ascii_as_iconv - the CJK charsets copy ASCII between
 * characters and give iconv only the 8-bit stretches: the text must be
 * what one iconv pass gives, for valid text (whole and in pieces) and for
 * text with stray bytes in it (whole).
 */
static void
charset_multibyte_ascii_as_iconv(void **state)
{
	static const char *const pairs[][2] = {
		{ "big5", "BIG5-HKSCS" }, { "gbk", "GB18030" }, { "gb18030", "GB18030" },
		{ "shift_jis", "CP932" }, { "euc-jp", "EUC-JP" }, { "euc-kr", "CP949" },
	};
	struct charset_cache *cc = charset_cache_new();
	unsigned char in[6000];
	size_t k, i, n, cut;
	unsigned r = 99;

	for (k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
		struct charset_conv cv;

		n = cjk_sample(pairs[k][1], in, sizeof(in), (unsigned)k + 1);
		assert_true(n > 4000);
		iconv_one_pass(pairs[k][1], in, n, &want);
		for (cut = 1; cut < 400; cut += 53) {
			strbuf_reset(&got);
			assert_int_equal(charset_conv_open(cc, &cv, pairs[k][0], strlen(pairs[k][0])), 0);
			for (i = 0; i < n; i += cut)
				charset_conv_feed(&cv, &got, (const char *)in + i, n - i < cut ? n - i : cut);
			charset_conv_finish(&cv, &got);
			assert_int_equal(got.len, want.len);
			assert_memory_equal(got.data, want.data, want.len);
		}
		/* stray bytes: lone leads, leads before ASCII, bytes no charset has */
		for (i = 0; i < n; i += 1 + (r >> 16) % 40) {
			r = r * 1103515245u + 12345u;
			in[i] = (unsigned char)((r >> 8) % 3 == 0 ? 0x80 + (r >> 4) % 0x80 :
			    (r >> 8) % 3 == 1 ? 0xff : '<');
		}
		strbuf_reset(&want);
		iconv_one_pass(pairs[k][1], in, n, &want);
		strbuf_reset(&got);
		charset_convert(cc, pairs[k][0], strlen(pairs[k][0]), &got, (const char *)in, n);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		strbuf_release(&want);
		strbuf_release(&got);
	}
	charset_cache_free(&cc);
}

/* charset_convert_reuse - a cached stateful converter is reset between uses */
static void
charset_convert_reuse(void **state)
{
	struct charset_cache *cc = charset_cache_new();
	struct strbuf out = STRBUF_INIT;

	/* Leave the ISO-2022-JP converter in its JIS X 0208 state... */
	charset_convert(cc, "iso-2022-jp", 11, &out, "\x1b$B@A", 5);
	strbuf_reset(&out);
	/* ...the next use must start in ASCII. */
	assert_int_equal(charset_convert(cc, "ISO-2022-JP", 11, &out, "@A", 2), 0);
	assert_string_equal(out.data, "@A");
	strbuf_release(&out);
	charset_cache_free(&cc);
}

/* charset_conv_open_budget - a message may open only so many new converters */
static void
charset_conv_open_budget(void **state)
{
	static const char *names[] = {
		"ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6",
		"ISO-8859-7", "ISO-8859-8", "ISO-8859-10", "ISO-8859-13", "ISO-8859-14",
		"ISO-8859-15", "ISO-8859-16", "CP1250", "CP1251", "CP1253", "CP1255",
		"CP1256", "CP1257", "CP1258", "KOI8-R", "KOI8-U", "CP437", "CP850",
		"CP852", "CP855", "CP857", "CP860", "CP861", "CP862", "CP863", "CP865",
		"CP866", "EUC-JP", "MACINTOSH",
	};
	struct charset_cache *cc = charset_cache_new();
	struct strbuf out = STRBUF_INIT;
	struct charset_conv cv;
	int i;

	charset_cache_begin(cc);
	for (i = 0; i < CHARSET_OPENS_MAX; i++)
		assert_int_equal(charset_conv_open(cc, &cv, names[i], strlen(names[i])), 0);
	/* Past the budget a new name counts as unknown... */
	assert_int_equal(charset_conv_open(cc, &cv, "EUC-JP", 6), -1);
	/* ...while a cached one still works. */
	assert_int_equal(charset_conv_open(cc, &cv, "CP866", 5), 0);
	/* UTF-16 picks its converter late, past the budget too (found by fuzz_rfc2047). */
	strbuf_reset(&out);
	assert_int_equal(charset_conv_open(cc, &cv, "utf-16", 6), 0);
	charset_conv_feed(&cv, &out, "\x00" "a", 2);
	charset_conv_finish(&cv, &out);
	assert_int_equal(out.len, 2);
	charset_cache_begin(cc);
	assert_int_equal(charset_conv_open(cc, &cv, "EUC-JP", 6), 0);
	strbuf_release(&out);
	charset_cache_free(&cc);
}

struct auto_case {
	const char *label;	/* NULL: no label at all */
	const char *in;
	const char *out;
	int doubt;		/* enum charset_doubt */
};

/* Unlabelled 8-bit text: UTF-8 if it validates, else windows-1252, doubtful when undecidable. */
static const struct auto_case auto_cases[] = {
	{ NULL, "plain ascii", "plain ascii", CHARSET_DOUBT_NONE },
	{ NULL, "f\xc3\xbcr \xe8\xab\x8b\xe6\xb1\x82 \xf0\x9f\x93\x84", "für 請求 📄", CHARSET_DOUBT_NONE },
	{ NULL, "f\xfcr Sie, Gr\xfc\xdf" "e \x80", "für Sie, Grüße €", CHARSET_DOUBT_NONE },
	{ NULL, "factur\xe9", "facturé", CHARSET_DOUBT_NONE },
	{ NULL, "\xe9t\xe9", "été", CHARSET_DOUBT_NONE },
	{ "us-ascii", "pay\xe9" "e", "payée", CHARSET_DOUBT_NONE },
	{ "ASCII", "caf\xc3\xa9", "café", CHARSET_DOUBT_NONE },
	{ "ansi_x3.4-1968", "caf\xe9", "café", CHARSET_DOUBT_NONE },
	{ NULL, "\xa0\xa0\xa0\xa0" "d\xfb", "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0" "dû", CHARSET_DOUBT_NONE },
	/* Cyrillic windows-1251, Shift_JIS: runs of 8-bit bytes */
	{ NULL, "\xd1\xf7\xe5\xf2", "Ñ÷åò", CHARSET_DOUBT_NOT_LATIN },
	{ NULL, "ok \x90\xbf\x8b\x81", "ok \xef\xbf\xbd¿‹\xef\xbf\xbd", CHARSET_DOUBT_NOT_LATIN },
	/* a byte windows-1252 does not define */
	{ NULL, "in\x9dvoice", "in\xef\xbf\xbdvoice", CHARSET_DOUBT_NOT_LATIN },
	/* UTF-8, then a byte that is not: two charsets in one part */
	{ NULL, "f\xc3\xbcr f\xfcr", "für für", CHARSET_DOUBT_MIXED },
	{ "iso-2022-kr", "ok", "ok", CHARSET_DOUBT_REPLACEMENT },
};

/* auto_convert - one unlabelled case, fed whole (cut -2), bytewise (-1) or in two pieces */
static void
auto_convert(struct charset_cache *cc, const struct auto_case *c, long cut)
{
	struct strbuf out = STRBUF_INIT;
	struct charset_conv cv;
	size_t len = strlen(c->in), i;

	if (c->label == NULL)
		charset_conv_open_unlabelled(cc, &cv);
	else
		assert_int_equal(charset_conv_open(cc, &cv, c->label, strlen(c->label)), 0);
	if (cut == -2) {
		charset_conv_feed(&cv, &out, c->in, len);
	} else if (cut == -1) {
		for (i = 0; i < len; i++)
			charset_conv_feed(&cv, &out, c->in + i, 1);
	} else {
		charset_conv_feed(&cv, &out, c->in, (size_t)cut);
		charset_conv_feed(&cv, &out, c->in + cut, len - (size_t)cut);
	}
	charset_conv_finish(&cv, &out);
	if (out.len != strlen(c->out) || memcmp(out.data, c->out, out.len) != 0)
		fail_msg("\"%s\" cut %ld: got \"%.*s\" want \"%s\"", c->in, cut, (int)out.len,
		    out.data, c->out);
	if ((int)cv.doubt != c->doubt)
		fail_msg("\"%s\" cut %ld: doubt %d want %d", c->in, cut, (int)cv.doubt, c->doubt);
	if ((charset_conv_doubt(&cv) != NULL) != (c->doubt != CHARSET_DOUBT_NONE))
		fail_msg("\"%s\": doubt reason", c->in);
	strbuf_release(&out);
}

/* charset_conv_unlabelled - every case whole, bytewise and split at every offset */
static void
charset_conv_unlabelled(void **state)
{
	struct charset_cache *cc = charset_cache_new();
	size_t i;
	long cut;

	for (i = 0; i < sizeof(auto_cases) / sizeof(auto_cases[0]); i++)
		for (cut = -2; cut <= (long)strlen(auto_cases[i].in); cut++)
			auto_convert(cc, &auto_cases[i], cut);
	charset_cache_free(&cc);
}

struct lie_case {
	const char *label;
	const char *in;
	int doubt;		/* enum charset_doubt, as charset_conv_doubt reports it */
};

/*
 * Labelled text whose bytes contradict the label: a Big5 body labelled
 * UTF-8, CJK double bytes labelled windows-1252 or iso-8859-1; and text
 * the label fits, Latin-1 with accents, smart quotes and euro signs too.
 */
static const struct lie_case lie_cases[] = {
	{ "utf-8", "\xb1z\xaa\xba\xb1" "b\xb3\xe6\xa4w\xb6}\xa5\xdf\xa1" "A\xbd\xd0\xac" "d\xac\xdd",
	  CHARSET_DOUBT_NOT_UTF8 },
	{ "UTF-8", "\xb1" "b\xb3\xe6\xaa\xf7\xc3" "B 1200 \xa4\xb8\xa1" "A\xbd\xd0\xa9\xf3\xb4\xc1\xad\xad\xab" "e\xa5I\xb4\xda",
	  CHARSET_DOUBT_NOT_UTF8 },
	{ "utf-8", "\xe6\x82\xa8\xe7\x9a\x84\xe5\xb8\xb3\xe5\x96\xae\xe5\xb7\xb2\xe9\x96\x8b\xe7\xab\x8b\xef\xbc\x8c\xe8\xab\x8b\xe6\x9f\xa5\xe7\x9c\x8b",
	  CHARSET_DOUBT_NONE },
	{ "utf-8", "f\xfcr Gr\xfc\xdf" "e caf\xe9, \xe0 bient\xf4t",
	  CHARSET_DOUBT_NONE },
	{ "utf-8", "Rechnung f\xc3\xbcr Sie \xf0\x9f\x93\x84 und \xe8\xab\x8b\xe6\xb1\x82",
	  CHARSET_DOUBT_NONE },
	{ "iso-8859-1", "\xc4\xfa\xb5\xc4\xb6\xa9\xd4\xc4\xbd\xab\xd3\xda\xb0\xb4\xd0\xc2\xbc\xdb\xb8\xf1\xd0\xf8\xb6\xa9",
	  CHARSET_DOUBT_LATIN_LIE },
	{ "latin1", "\x81y\x97v\x91\xce\x89\x9e\x81z\x82\xa8\x8ex\x95\xa5\x82\xa2\x82\xf0\x8f\x88\x97\x9d\x82\xc5\x82\xab\x82\xdc\x82\xb9\x82\xf1\x82\xc5\x82\xb5\x82\xbd",
	  CHARSET_DOUBT_LATIN_LIE },
	{ "windows-1252", "\xb1\xb8\xb5\xb6\xc0\xcc \xbb\xf5 \xb0\xa1\xb0\xdd\xc0\xb8\xb7\xce \xb0\xbb\xbd\xc5\xb5\xcb\xb4\xcf\xb4\xd9",
	  CHARSET_DOUBT_LATIN_LIE },
	{ "iso-8859-1", "\xb1z\xaa\xba\xb1" "b\xb3\xe6\xa4w\xb6}\xa5\xdf",
	  CHARSET_DOUBT_LATIN_LIE },
	{ "windows-1252", "Votre facture d\x92octobre est pr\xeate : 12,50 \x80 \xe0 payer avant le 1er d\xe9" "cembre. Merci \xab beaucoup \xbb \x96 l\x92\xe9quipe",
	  CHARSET_DOUBT_NONE },
	{ "iso-8859-1", "Gr\xf6\xdf" "e der \xdc" "bersicht f\xfcr Sie \x96 \x84Rechnung\x93 f\xe4llig: 30 \x80\x85 Gr\xfc\xdf" "e",
	  CHARSET_DOUBT_NONE },
	{ "latin1", "A\xe7\xe3o necess\xe1ria: n\xe3o foi poss\xedvel processar seu pagamento \x97 \x93pendente\x94",
	  CHARSET_DOUBT_NONE },
};

/* charset_conv_label_lie - doubt when the bytes contradict the label, whole, bytewise and cut */
static void
charset_conv_label_lie(void **state)
{
	struct charset_cache *cc = charset_cache_new();
	struct strbuf out = STRBUF_INIT;
	struct charset_conv cv;
	const char *why;
	size_t i, len, k;
	long cut;

	for (i = 0; i < sizeof(lie_cases) / sizeof(lie_cases[0]); i++) {
		const struct lie_case *c = &lie_cases[i];

		len = strlen(c->in);
		for (cut = -1; cut <= (long)len; cut++) {
			assert_int_equal(charset_conv_open(cc, &cv, c->label, strlen(c->label)), 0);
			strbuf_reset(&out);
			if (cut < 0)
				for (k = 0; k < len; k++)
					charset_conv_feed(&cv, &out, c->in + k, 1);
			else {
				k = charset_conv_direct(&cv, c->in, (size_t)cut);
				charset_conv_feed(&cv, &out, c->in + k, (size_t)cut - k);
				charset_conv_feed(&cv, &out, c->in + cut, len - (size_t)cut);
			}
			charset_conv_finish(&cv, &out);
			why = charset_conv_doubt(&cv);
			if ((why != NULL) != (c->doubt != CHARSET_DOUBT_NONE))
				fail_msg("case %zu (%s) cut %ld: doubt \"%s\"", i, c->label, cut,
				    why != NULL ? why : "none");
		}
	}
	strbuf_release(&out);
	charset_cache_free(&cc);
}

/* charset_conv_direct_prefix - the bytes usable in place stop where conversion starts */
static void
charset_conv_direct_prefix(void **state)
{
	struct charset_cache *cc = charset_cache_new();
	struct charset_conv cv;

	charset_conv_open_unlabelled(cc, &cv);
	assert_int_equal(charset_conv_direct(&cv, "ab\xc3\xa9z\xe9z", 7), 5);
	assert_int_equal(charset_conv_direct(&cv, "ab\xe2\x82", 4), 2);
	assert_int_equal(charset_conv_open(cc, &cv, "utf-8", 5), 0);
	assert_int_equal(charset_conv_direct(&cv, "\xff\xfe", 2), 2);
	assert_int_equal(charset_conv_open(cc, &cv, "latin1", 6), 0);
	assert_int_equal(charset_conv_direct(&cv, "abc", 3), 0);
	charset_cache_free(&cc);
}

/*
 * charset_labels_every_whatwg_label - each label of the WHATWG Encoding
 * Standard (contrib/charset/encodings.json) is in the table and opens, and
 * every iconv name in the table is one glibc knows.
 */
static void
charset_labels_every_whatwg_label(void **state)
{
	char *path = unit_strf("%s/contrib/charset/encodings.json", unit_srcdir());
	struct charset_cache *cc = charset_cache_new();
	json_t *root, *group, *enc, *label;
	size_t i, j, k, n = 0;
	const char *iconv_name, *name;
	json_error_t err;
	iconv_t cd;

	root = json_load_file(path, 0, &err);
	if (root == NULL)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	json_array_foreach(root, i, group) {
		json_array_foreach(json_object_get(group, "encodings"), j, enc) {
			json_array_foreach(json_object_get(enc, "labels"), k, label) {
				struct charset_conv cv;

				name = json_string_value(label);
				charset_cache_begin(cc);
				if (charset_conv_open(cc, &cv, name, strlen(name)) < 0)
					fail_msg("WHATWG label %s is unknown", name);
				n++;
			}
		}
	}
	assert_true(n >= 228);
	for (i = 0; i < charset_label_count(); i++) {
		name = charset_label_at(i, &iconv_name);
		if (i > 0) {
			const char *prev_iconv, *prev = charset_label_at(i - 1, &prev_iconv);

			if (strcmp(prev, name) >= 0)
				fail_msg("label table not sorted at %s", name);
		}
		if (*iconv_name == '\0')
			continue;
		if ((cd = iconv_open("UTF-8", iconv_name)) == (iconv_t)-1)
			fail_msg("label %s: glibc iconv does not know %s", name, iconv_name);
		iconv_close(cd);
	}
	json_decref(root);
	charset_cache_free(&cc);
	free(path);
}

/* charset_safe_name_bounded - hostile names are cut and made printable */
static void
charset_safe_name_bounded(void **state)
{
	struct strbuf out = STRBUF_INIT;
	char big[10000];

	memset(big, 'x', sizeof(big));
	big[3] = '\n';
	charset_safe_name(&out, big, sizeof(big));
	assert_true(out.len <= 43);
	assert_int_equal(out.data[3], '?');
	strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(charset_conv_feed_whole),
		cmocka_unit_test(charset_conv_feed_bytewise),
		cmocka_unit_test(charset_conv_feed_every_split),
		cmocka_unit_test(charset_convert_reuse),
		cmocka_unit_test(charset_single_byte_as_iconv),
		cmocka_unit_test(charset_multibyte_ascii_as_iconv),
		cmocka_unit_test(charset_conv_open_budget),
		cmocka_unit_test(charset_safe_name_bounded),
		cmocka_unit_test(charset_conv_unlabelled),
		cmocka_unit_test(charset_conv_label_lie),
		cmocka_unit_test(charset_conv_direct_prefix),
		cmocka_unit_test(charset_labels_every_whatwg_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
