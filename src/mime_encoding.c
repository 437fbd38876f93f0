/* mime_encoding - streaming Content-Transfer-Encoding decoders */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "mime_encoding.h"

/* Quoted-printable states after an '='. */
enum {
	QP_TEXT,
	QP_EQ,			/* "=" */
	QP_EQ_HEX,		/* "=X", X a hex digit in qp_hex */
	QP_EQ_WS,		/* "=" then white space: a soft break if the line ends */
	QP_EQ_CR,		/* "=\r": a soft break, swallow a following LF */
};

/* b64 - sextet of a base64 character, 64 for '=', 255 for other bytes */
static const unsigned char b64[256] = {
#define X 255
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, 64, X, X,
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

/* mime_encoding_hexval - value of a hex digit, or -1 */
int
mime_encoding_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* mime_encoding_parse - map a Content-Transfer-Encoding value */
int
mime_encoding_parse(const char *value, size_t len, enum mime_cte *cte_r)
{
	static const struct {
		const char *name;
		enum mime_cte cte;
	} names[] = {
		{ "7bit", MIME_CTE_IDENTITY }, { "8bit", MIME_CTE_IDENTITY },
		{ "binary", MIME_CTE_IDENTITY }, { "quoted-printable", MIME_CTE_QP },
		{ "base64", MIME_CTE_BASE64 },
	};
	size_t i, n;

	while (len > 0 && (*value == ' ' || *value == '\t')) {
		value++;
		len--;
	}
	for (n = 0; n < len && value[n] != ' ' && value[n] != '\t' &&
	    value[n] != ';' && value[n] != '(' && value[n] != '\r' &&
	    value[n] != '\n'; n++)
		;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == n &&
		    strncasecmp(names[i].name, value, n) == 0) {
			*cte_r = names[i].cte;
			return 1;
		}
	}
	*cte_r = MIME_CTE_IDENTITY;
	return 0;
}

/* mime_encoding_init - fresh state for one part */
void
mime_encoding_init(struct mime_encoding *me, enum mime_cte cte)
{
	memset(me, 0, sizeof(*me));
	me->cte = cte;
}

/* base64_feed - decode base64, skipping bytes outside the alphabet */
static void
base64_feed(struct mime_encoding *me, struct strbuf *out, const unsigned char *p, size_t len)
{
	unsigned bits = me->bits;
	int n = me->nbits;
	unsigned char *o;
	size_t i;

	strbuf_grow(out, len / 4 * 3 + 3);
	o = (unsigned char *)out->data + out->len;
	for (i = 0; i < len; i++) {
		unsigned v = b64[p[i]];

		/* Most of a body is whole quanta of four alphabet bytes. */
		if (n == 0 && i + 4 <= len) {
			unsigned v1 = b64[p[i + 1]], v2 = b64[p[i + 2]], v3 = b64[p[i + 3]];

			if ((v | v1 | v2 | v3) < 64) {
				bits = v << 18 | v1 << 12 | v2 << 6 | v3;
				*o++ = (unsigned char)(bits >> 16);
				*o++ = (unsigned char)(bits >> 8);
				*o++ = (unsigned char)bits;
				bits = 0;
				i += 3;
				continue;
			}
		}

		if (v < 64) {
			bits = (bits << 6) | v;
			if (++n == 4) {
				*o++ = (unsigned char)(bits >> 16);
				*o++ = (unsigned char)(bits >> 8);
				*o++ = (unsigned char)bits;
				n = 0;
				bits = 0;
			}
		} else if (v == 64) {
			/* Padding ends the quantum; decoding goes on after it. */
			if (n == 2)
				*o++ = (unsigned char)(bits >> 4);
			else if (n == 3) {
				*o++ = (unsigned char)(bits >> 10);
				*o++ = (unsigned char)(bits >> 2);
			}
			n = 0;
			bits = 0;
		}
	}
	out->len = (size_t)((char *)o - out->data);
	out->data[out->len] = '\0';
	me->bits = bits;
	me->nbits = n;
}

/* qp_feed - decode quoted-printable; q selects RFC 2047 '_' for space */
static void
qp_feed(struct mime_encoding *me, struct strbuf *out, const unsigned char *p, size_t len, int q)
{
	size_t i = 0, j;
	int h;

	while (i < len) {
		unsigned char c = p[i];

		switch (me->qp_state) {
		case QP_TEXT:
			j = i;
			if (q) {
				while (j < len && p[j] != '=' && p[j] != '_')
					j++;
			} else {
				const unsigned char *eq = memchr(p + i, '=', len - i);

				j = eq != NULL ? (size_t)(eq - p) : len;
			}
			strbuf_append(out, p + i, j - i);
			if (j == len) {
				i = j;
				continue;
			}
			/*
			 * "=XX" and a soft line break at once when the chunk
			 * holds them whole; the states below do the rest.
			 */
			if (p[j] == '_') {
				strbuf_append_char(out, ' ');
				j++;
			} else if (j + 2 < len && (h = mime_encoding_hexval(p[j + 1])) >= 0 &&
			    mime_encoding_hexval(p[j + 2]) >= 0) {
				strbuf_append_char(out, (char)(h << 4 | mime_encoding_hexval(p[j + 2])));
				j += 3;
			} else if (j + 2 < len && p[j + 1] == '\r' && p[j + 2] == '\n') {
				j += 3;
			} else if (j + 1 < len && p[j + 1] == '\n') {
				j += 2;
			} else {
				me->qp_state = QP_EQ;
				j++;
			}
			i = j;
			continue;
		case QP_EQ:
			if (mime_encoding_hexval(c) >= 0) {
				me->qp_hex = c;
				me->qp_state = QP_EQ_HEX;
			} else if (c == '\n') {
				me->qp_state = QP_TEXT;
			} else if (c == '\r') {
				me->qp_state = QP_EQ_CR;
			} else if (c == ' ' || c == '\t') {
				me->qp_state = QP_EQ_WS;
			} else {
				strbuf_append_char(out, '=');
				me->qp_state = QP_TEXT;
				continue;	/* reread c as text */
			}
			i++;
			continue;
		case QP_EQ_HEX:
			if ((h = mime_encoding_hexval(c)) >= 0) {
				strbuf_append_char(out,
				    (char)(mime_encoding_hexval(me->qp_hex) << 4 | h));
				i++;
			} else {
				strbuf_append_char(out, '=');
				strbuf_append_char(out, (char)me->qp_hex);
			}
			me->qp_state = QP_TEXT;
			continue;
		case QP_EQ_WS:
			if (c == ' ' || c == '\t') {
				i++;
			} else if (c == '\r') {
				me->qp_state = QP_EQ_CR;
				i++;
			} else if (c == '\n') {
				me->qp_state = QP_TEXT;
				i++;
			} else {
				strbuf_append(out, "= ", 2);
				me->qp_state = QP_TEXT;
			}
			continue;
		case QP_EQ_CR:
			if (c == '\n')
				i++;
			me->qp_state = QP_TEXT;
			continue;
		}
	}
}

/* mime_encoding_feed - decode one chunk */
void
mime_encoding_feed(struct mime_encoding *me, struct strbuf *out, const char *in, size_t len)
{
	switch (me->cte) {
	case MIME_CTE_BASE64:
		base64_feed(me, out, (const unsigned char *)in, len);
		break;
	case MIME_CTE_QP:
		qp_feed(me, out, (const unsigned char *)in, len, 0);
		break;
	default:
		strbuf_append(out, in, len);
		break;
	}
}

/* mime_encoding_finish - flush a partial state at end of part */
void
mime_encoding_finish(struct mime_encoding *me, struct strbuf *out)
{
	if (me->cte == MIME_CTE_BASE64) {
		/* A quantum cut short still carries whole bytes. */
		if (me->nbits == 2)
			strbuf_append_char(out, (char)(me->bits >> 4));
		else if (me->nbits == 3) {
			strbuf_append_char(out, (char)(me->bits >> 10));
			strbuf_append_char(out, (char)(me->bits >> 2));
		}
	} else if (me->cte == MIME_CTE_QP) {
		if (me->qp_state == QP_EQ)
			strbuf_append_char(out, '=');
		else if (me->qp_state == QP_EQ_HEX) {
			strbuf_append_char(out, '=');
			strbuf_append_char(out, (char)me->qp_hex);
		}
	}
	me->bits = 0;
	me->nbits = 0;
	me->qp_state = QP_TEXT;
}

/* mime_encoding_base64 - decode a whole base64 string */
void
mime_encoding_base64(struct strbuf *out, const char *in, size_t len)
{
	struct mime_encoding me;

	mime_encoding_init(&me, MIME_CTE_BASE64);
	mime_encoding_feed(&me, out, in, len);
	mime_encoding_finish(&me, out);
}

/* mime_encoding_q - decode a whole RFC 2047 Q string */
void
mime_encoding_q(struct strbuf *out, const char *in, size_t len)
{
	struct mime_encoding me;

	mime_encoding_init(&me, MIME_CTE_QP);
	qp_feed(&me, out, (const unsigned char *)in, len, 1);
	mime_encoding_finish(&me, out);
}
