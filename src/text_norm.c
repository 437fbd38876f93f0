/* text_norm - streaming normalisation of decoded text before matching */
#include "config.h"

#include <string.h>

#include "text_norm.h"
#include "utf8.h"

static const char replacement[] = "\xef\xbf\xbd";

/* text_norm_init - fresh state */
void
text_norm_init(struct text_norm *tn, int enabled)
{
	memset(tn, 0, sizeof(*tn));
	tn->at_start = 1;
	tn->enabled = enabled;
}

/* is_format_char - characters that are invisible and only split words */
static int
is_format_char(unsigned cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2060 && cp <= 0x2064) ||
	    cp == 0xfeff || cp == 0x00ad || cp == 0x034f || cp == 0x180e;
}

/* space_kind - 0 not white space, 1 white space, 2 line break */
static int
space_kind(unsigned cp)
{
	switch (cp) {
	case '\n': case '\r': case 0x0b: case 0x0c: case 0x85: case 0x2028: case 0x2029:
		return 2;
	case ' ': case '\t': case 0: case 0xa0: case 0x3000: case 0x202f: case 0x205f:
		return 1;
	default:
		return (cp >= 0x2000 && cp <= 0x200a) ? 1 : 0;
	}
}

/* emit - append one code point's bytes, flushing pending white space first */
static void
emit(struct text_norm *tn, struct strbuf *out, const char *bytes, size_t n)
{
	if (tn->pending_space) {
		if (!tn->at_start)
			strbuf_append_char(out, tn->pending_space == 2 ? '\n' : ' ');
		tn->pending_space = 0;
	}
	tn->at_start = 0;
	strbuf_append(out, bytes, n);
}

/* handle - normalise one decoded code point */
static void
handle(struct text_norm *tn, struct strbuf *out, unsigned cp, const unsigned char *raw, int n)
{
	int sk;
	char c;

	if (!tn->enabled) {
		emit(tn, out, (const char *)raw, (size_t)n);
		return;
	}
	if (is_format_char(cp))
		return;
	if ((sk = space_kind(cp)) != 0) {
		if (sk > tn->pending_space)
			tn->pending_space = sk;
		return;
	}
	if (cp >= 0xff01 && cp <= 0xff5e) {
		c = (char)(cp - 0xff01 + 0x21);
		emit(tn, out, &c, 1);
		return;
	}
	emit(tn, out, (const char *)raw, (size_t)n);
}

/* carry_push - feed one byte of a character that straddles two calls */
static void
carry_push(struct text_norm *tn, struct strbuf *out, unsigned char b)
{
	unsigned char rest[4];
	size_t nrest, j;
	unsigned cp;
	int n;

	tn->carry[tn->carry_len++] = b;
	n = utf8_decode(tn->carry, tn->carry_len, &cp);
	if (n > 0) {
		handle(tn, out, cp, tn->carry, n);
		tn->carry_len = 0;
	} else if (n < 0) {
		/* Replace the bad lead byte and re-read what followed it. */
		emit(tn, out, replacement, 3);
		nrest = tn->carry_len - 1;
		memcpy(rest, tn->carry + 1, nrest);
		tn->carry_len = 0;
		for (j = 0; j < nrest; j++)
			carry_push(tn, out, rest[j]);
	}
}

/* text_norm_feed - normalise a chunk */
void
text_norm_feed(struct text_norm *tn, struct strbuf *out, const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0;
	unsigned cp;
	int n;

	while (tn->carry_len > 0 && i < len)
		carry_push(tn, out, p[i++]);
	while (i < len) {
		if (p[i] < 0x80 && p[i] > 0x20) {
			/* Fast path: plain printable ASCII. */
			size_t j = i;

			while (j < len && p[j] < 0x80 && p[j] > 0x20)
				j++;
			emit(tn, out, (const char *)p + i, j - i);
			i = j;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n > 0) {
			handle(tn, out, cp, p + i, n);
			i += (size_t)n;
		} else if (n == 0) {
			while (i < len)
				carry_push(tn, out, p[i++]);
		} else {
			emit(tn, out, replacement, 3);
			i++;
		}
	}
}

/* text_norm_flush - end of a run */
void
text_norm_flush(struct text_norm *tn, struct strbuf *out)
{
	if (tn->carry_len > 0) {
		emit(tn, out, replacement, 3);
		tn->carry_len = 0;
	}
}

/* text_norm_string - normalise a complete string */
void
text_norm_string(struct strbuf *out, const char *in, size_t len, int enabled)
{
	struct text_norm tn;

	text_norm_init(&tn, enabled);
	text_norm_feed(&tn, out, in, len);
	text_norm_flush(&tn, out);
}
