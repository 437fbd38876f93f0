/* test_mime_encoding - streaming base64 and quoted-printable decoders */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mime_encoding.h"

struct enc_case {
	enum mime_cte cte;
	const char *in;
	const char *out;
};

static const struct enc_case cases[] = {
	{ MIME_CTE_BASE64, "aW52b2ljZQ==", "invoice" },
	{ MIME_CTE_BASE64, "aW52\r\nb2lj\r\nZQ==\r\n", "invoice" },
	/* junk outside the alphabet is skipped */
	{ MIME_CTE_BASE64, "a!W5*2b\x01\xff" "2l jZQ==", "invoice" },
	/* '=' mid-stream ends a quantum and decoding goes on */
	{ MIME_CTE_BASE64, "aW4=dm9pY2U=", "invoice" },
	{ MIME_CTE_BASE64, "aQ==bg==dg==", "inv" },
	/* truncated quantum still yields whole bytes */
	{ MIME_CTE_BASE64, "aW52b2ljZQ", "invoice" },
	{ MIME_CTE_BASE64, "", "" },
	/* line breaks inside a quantum, junk between whole quanta */
	{ MIME_CTE_BASE64, "aW5\r\n2b2\r\nljZQ==", "invoice" },
	{ MIME_CTE_BASE64, "aW52-b2lj.ZQ==", "invoice" },
	{ MIME_CTE_QP, "in=76oice", "invoice" },
	{ MIME_CTE_QP, "inv=\r\noice", "invoice" },
	{ MIME_CTE_QP, "inv=\noice", "invoice" },
	{ MIME_CTE_QP, "inv=  \t\r\noice", "invoice" },
	{ MIME_CTE_QP, "Gr=C3=BC=C3=9Fe", "Gr\xc3\xbc\xc3\x9f" "e" },
	/* lower-case hex is accepted */
	{ MIME_CTE_QP, "=c3=bc", "\xc3\xbc" },
	/* bad escapes are kept literally */
	{ MIME_CTE_QP, "a=XYb", "a=XYb" },
	{ MIME_CTE_QP, "a=4Xb", "a=4Xb" },
	{ MIME_CTE_QP, "100=", "100=" },
	{ MIME_CTE_QP, "x=4", "x=4" },
	{ MIME_CTE_QP, "a= b", "a= b" },
	/* an escape right after a bad one, a soft break at the very end */
	{ MIME_CTE_QP, "==41", "=A" },
	{ MIME_CTE_QP, "=4=41", "=4A" },
	{ MIME_CTE_QP, "=41=\r\n=42=\n", "AB" },
	{ MIME_CTE_QP, "end=\r", "end" },
	{ MIME_CTE_IDENTITY, "plain\r\ntext=41", "plain\r\ntext=41" },
};

/* decode_split - decode in pieces cut at a and b (sizes), returning output */
static void
decode_pieces(const struct enc_case *c, size_t piece, struct strbuf *out)
{
	struct mime_encoding me;
	size_t len = strlen(c->in), i;

	mime_encoding_init(&me, c->cte);
	for (i = 0; i < len; i += piece)
		mime_encoding_feed(&me, out, c->in + i, len - i < piece ? len - i : piece);
	mime_encoding_finish(&me, out);
}

/* check_out - the output equals the case's expectation */
static void
check_out(const struct enc_case *c, const struct strbuf *out)
{
	size_t n = strlen(c->out);

	if (out->len != n || (n > 0 && memcmp(out->data, c->out, n) != 0))
		fail_msg("input \"%s\": got \"%.*s\" want \"%s\"", c->in, (int)out->len,
		    out->data ? out->data : "", c->out);
}

/* mime_encoding_feed_whole - each case decodes right when fed in one piece */
static void
mime_encoding_feed_whole(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;

		decode_pieces(&cases[i], strlen(cases[i].in) + 1, &out);
		check_out(&cases[i], &out);
		strbuf_release(&out);
	}
}

/* mime_encoding_feed_bytewise - state carries across one-byte chunks */
static void
mime_encoding_feed_bytewise(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;

		decode_pieces(&cases[i], 1, &out);
		check_out(&cases[i], &out);
		strbuf_release(&out);
	}
}

/* mime_encoding_feed_every_split - two pieces cut at every offset give the same output */
static void
mime_encoding_feed_every_split(void **state)
{
	size_t i, cut;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct enc_case *c = &cases[i];
		size_t len = strlen(c->in);

		for (cut = 0; cut <= len; cut++) {
			struct strbuf out = STRBUF_INIT;
			struct mime_encoding me;

			mime_encoding_init(&me, c->cte);
			mime_encoding_feed(&me, &out, c->in, cut);
			mime_encoding_feed(&me, &out, c->in + cut, len - cut);
			mime_encoding_finish(&me, &out);
			check_out(c, &out);
			strbuf_release(&out);
		}
	}
}

/* mime_encoding_q_underscore - RFC 2047 Q reads '_' as a space */
static void
mime_encoding_q_underscore(void **state)
{
	struct strbuf out = STRBUF_INIT;

	mime_encoding_q(&out, "Your_invoice=3F_=E2=82=AC", 25);
	assert_string_equal(out.data, "Your invoice? \xe2\x82\xac");
	strbuf_release(&out);
}

/* mime_encoding_parse_names - the encoding names are matched without case */
static void
mime_encoding_parse_names(void **state)
{
	static const struct {
		const char *v;
		int known;
		enum mime_cte cte;
	} t[] = {
		{ " Base64", 1, MIME_CTE_BASE64 },
		{ "QUOTED-PRINTABLE ; x", 1, MIME_CTE_QP },
		{ "7bit", 1, MIME_CTE_IDENTITY },
		{ "binary", 1, MIME_CTE_IDENTITY },
		{ "x-uuencode", 0, MIME_CTE_IDENTITY },
		{ "base64x", 0, MIME_CTE_IDENTITY },
	};
	enum mime_cte cte;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(mime_encoding_parse(t[i].v, strlen(t[i].v), &cte), t[i].known);
		assert_int_equal(cte, t[i].cte);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mime_encoding_feed_whole),
		cmocka_unit_test(mime_encoding_feed_bytewise),
		cmocka_unit_test(mime_encoding_feed_every_split),
		cmocka_unit_test(mime_encoding_q_underscore),
		cmocka_unit_test(mime_encoding_parse_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
