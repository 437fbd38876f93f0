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
 * Names are matched case-insensitively after mapping common mislabels
 * (gb2312 to GB18030, ks_c_5601-1987 to CP949, shift_jis to CP932, big5
 * to CP950, latin1 to WINDOWS-1252, ...).  A name that is too long, has
 * odd characters or that iconv does not know is unknown: the stream is
 * then passed through as UTF-8, to be repaired by text_norm, and
 * charset_conv_open returns -1 so the caller can mark the message.
 * Neither object is thread-safe; each belongs to one decoder.
 */
#define CHARSET_NAME_MAX 64

struct charset_cache;
struct charset_entry;

struct charset_conv {
	struct charset_entry *entry;	/* NULL: pass UTF-8 through */
	int utf16_detect;		/* UTF-16 without BOM: look at the NULs */
	struct charset_cache *cache;
	unsigned char carry[32];
	size_t carry_len;
};

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
/* charset_conv_feed - convert a chunk, appending UTF-8 to out */
void charset_conv_feed(struct charset_conv *cv, struct strbuf *out, const char *in, size_t len);
/* charset_conv_finish - end of stream: a carried partial character becomes U+FFFD */
void charset_conv_finish(struct charset_conv *cv, struct strbuf *out);

/* charset_convert - convert a whole string; 0, or -1 if the charset is unknown */
int charset_convert(struct charset_cache *cc, const char *name, size_t namelen,
    struct strbuf *out, const char *in, size_t len);

/* charset_safe_name - a printable, bounded copy of a charset name for messages */
void charset_safe_name(struct strbuf *out, const char *name, size_t len);

#endif
