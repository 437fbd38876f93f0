/* charset - streaming conversion of declared charsets to UTF-8 */
#ifndef CSP_CHARSET_H
#define CSP_CHARSET_H

#include <stddef.h>
#include "strbuf.h"

/*
 * A charset_cache keeps one iconv descriptor per charset for the life of
 * a decoder, so a busy relay opens each converter once; descriptors are
 * reset, not reopened, between uses.  A charset_conv converts one stream
 * (one MIME part) with a descriptor borrowed from the cache: only one
 * conversion per charset may be in progress at a time.  Bytes of a
 * character cut between two chunks are carried over; an invalid byte
 * becomes U+FFFD and decoding goes on.
 *
 * Names are matched case-insensitively against every label of the WHATWG
 * Encoding Standard (iso-8859-8-i, windows-949, x-sjis, ks_c_5601-1987,
 * latin1 and iso-8859-1 as windows-1252, ...) plus a few names seen in
 * mail (utf-7, ...), each mapped to the glibc converter that reads it as a
 * browser does.  A name the table lacks goes to iconv as it is.  A name
 * that is too long, has odd characters or that iconv does not know is
 * unknown: the stream is then passed through as UTF-8, to be repaired by
 * text_norm, and charset_conv_open returns -1 so the caller can mark the
 * message.
 *
 * Text without a label, or labelled US-ASCII, is read as UTF-8 while it
 * validates; from the first byte that is not UTF-8 on, as windows-1252.
 * That reading is doubtful (charset_conv_doubt) when the part also had
 * UTF-8 sequences, when a byte is undefined in windows-1252 (81 8D 8F 90
 * 9D), or when three 8-bit bytes follow each other (no-break spaces
 * aside): Latin-script text does not look like that, Cyrillic, Greek or a
 * CJK double-byte encoding does.  The WHATWG "replacement" labels
 * (iso-2022-kr, hz-gb-2312, ...) are doubtful too: a browser shows one
 * U+FFFD, other mail readers the text; glibc's converter is used when it
 * has one.  A label the bytes contradict is doubtful too: text labelled
 * UTF-8 most of whose 8-bit bytes are in runs of three or more holding
 * invalid UTF-8 (a Big5 or GB18030 body, whose pairs are now and then
 * valid UTF-8 by chance), and text labelled windows-1252 (or
 * iso-8859-1, latin1...) at least half of whose 8-bit bytes come in such
 * runs or are undefined there (a CJK double-byte body read as mojibake);
 * Latin-script text has its accents, quotes and euro signs one or two at
 * a time.  Neither object is thread-safe; each belongs to one decoder.
 */
#define CHARSET_NAME_MAX 64

struct charset_cache;
struct charset_entry;

enum charset_doubt {
	CHARSET_DOUBT_NONE,
	CHARSET_DOUBT_REPLACEMENT,	/* a WHATWG replacement label */
	CHARSET_DOUBT_MIXED,		/* unlabelled: UTF-8 and other bytes */
	CHARSET_DOUBT_NOT_LATIN,	/* unlabelled: not plausibly windows-1252 */
	CHARSET_DOUBT_NOT_UTF8,		/* labelled UTF-8: mostly other 8-bit bytes */
	CHARSET_DOUBT_LATIN_LIE,	/* labelled windows-1252: CJK double bytes */
};

/*
 * What a labelled stream's 8-bit bytes look like, to catch a label the
 * bytes contradict (charset_conv_doubt).
 */
struct charset_watch {
	int on;			/* 1: labelled UTF-8, 2: labelled windows-1252 */
	unsigned run;		/* 8-bit bytes in a row */
	size_t run_good, run_bad;	/* UTF-8: valid and invalid bytes of the run */
	unsigned char carry[4];	/* UTF-8: a character cut by the end of a chunk */
	size_t carry_len;
	size_t good;		/* UTF-8: valid multibyte bytes outside bad runs */
	size_t high;		/* windows-1252: 8-bit bytes */
	size_t bad;		/* bytes in runs of three or more (or undefined ones) */
};

struct charset_conv {
	struct charset_entry *entry;	/* NULL: pass UTF-8 through */
	int utf16_detect;		/* UTF-16 without BOM: look at the NULs */
	int auto_utf8;			/* unlabelled, read as UTF-8 so far */
	int auto_fallback;		/* unlabelled, fell back to windows-1252 */
	int saw_multibyte;		/* unlabelled: a valid UTF-8 sequence was seen */
	unsigned hi_run;		/* 8-bit bytes in a row, after the fallback */
	int replace_all;		/* a replacement label iconv cannot read */
	int replaced;
	enum charset_doubt doubt;
	struct charset_watch watch;
	struct charset_cache *cache;
	unsigned char carry[32];
	size_t carry_len;
};

/* charset_cache_new - never NULL; free with charset_cache_free */
struct charset_cache *charset_cache_new(void);
void charset_cache_free(struct charset_cache **cc);
/*
 * charset_cache_begin - start a new message.  Opening a converter costs
 * about a millisecond, so each message may open at most CHARSET_OPENS_MAX
 * converters that are not cached; later ones count as unknown charsets.
 */
#define CHARSET_OPENS_MAX 32
void charset_cache_begin(struct charset_cache *cc);

/* charset_conv_open - start converting from name; 0, or -1 if unknown (UTF-8 pass-through) */
int charset_conv_open(struct charset_cache *cc, struct charset_conv *cv,
    const char *name, size_t len);
/* charset_conv_open_unlabelled - start a stream that has no charset label */
void charset_conv_open_unlabelled(struct charset_cache *cc, struct charset_conv *cv);
/* charset_conv_doubt - why the stream read so far has more than one reading, or NULL */
const char *charset_conv_doubt(const struct charset_conv *cv);
/*
 * charset_conv_direct - how many leading bytes of in convert to themselves
 * (UTF-8 passed through, or an unlabelled stream still reading valid
 * UTF-8); the caller may use them as they are and feed only the rest.
 */
size_t charset_conv_direct(struct charset_conv *cv, const char *in, size_t len);
/* charset_conv_feed - convert a chunk, appending UTF-8 to out */
void charset_conv_feed(struct charset_conv *cv, struct strbuf *out, const char *in, size_t len);
/* charset_conv_finish - end of stream: a carried partial character becomes U+FFFD */
void charset_conv_finish(struct charset_conv *cv, struct strbuf *out);

/* charset_convert - convert a whole string; 0, or -1 if the charset is unknown or doubtful */
int charset_convert(struct charset_cache *cc, const char *name, size_t namelen,
    struct strbuf *out, const char *in, size_t len);

/* The label table, for the tests: count, and label i with its iconv name ("" if none). */
size_t charset_label_count(void);
const char *charset_label_at(size_t i, const char **iconv_r);

/* charset_safe_name - a printable, bounded copy of a charset name for messages */
void charset_safe_name(struct strbuf *out, const char *name, size_t len);

#endif
