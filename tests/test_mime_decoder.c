/* test_mime_decoder - the streaming message decoder, end to end */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "charset.h"
#include "mime_decoder.h"
#include "strbuf.h"
#include "text_norm.h"
#include "unit.h"

#define MAX_TEXT	(1 << 20)

struct dec_case {
	const char *name;
	const char *raw;	/* LF line ends; also run with CRLF */
	const char *want[6];	/* substrings of the body */
	const char *not_want[5];	/* must not be in the body */
	const char *hidden;	/* substring of the hidden text, or NULL */
	const char *parts;	/* the parts list exactly, or NULL */
	int flags;		/* UNCERTAIN and LIMIT bits expected */
	const char *subject;	/* decoded Subject, or NULL */
};

static const struct dec_case cases[] = {
	{ "plain",
	  "From: a@example.com\nSubject: hello\n\nYour invoice is ready.\n",
	  { "Your invoice is ready." }, { NULL }, NULL, "text/plain\n", 0, "hello" },
	{ "subject_split_multibyte",
	  "Subject: =?UTF-8?B?5Lit5g==?=\n =?UTF-8?B?lofnmbznpag=?=\n\nbody\n",
	  { "body" }, { NULL }, NULL, NULL, 0, "中文發票" },
	{ "no_body", "Subject: only headers\n", { NULL }, { NULL }, NULL, NULL, 0,
	  "only headers" },
	{ "mbox_from_line", "From someone Mon Jan 1\nSubject: x\n\ntext\n",
	  { "text" }, { NULL }, NULL, NULL, 0, "x" },
	{ "qp_soft_break_midword",
	  "Content-Type: text/plain; charset=windows-1252\n"
	  "Content-Transfer-Encoding: quoted-printable\n\n"
	  "Your subscr=\niption renew=\nal failed. Gr=FC=DFe =80\n",
	  { "Your subscription renewal failed. Grüße €" }, { NULL }, NULL, NULL, 0, NULL },
	{ "base64_with_junk",
	  "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
	  "WW91ciBp!bnZvaW*NlIGlz\nIHJlYWR5Lg==\n",
	  { "Your invoice is ready." }, { NULL }, NULL, NULL, 0, NULL },
	{ "big5_8bit", "Content-Type: text/plain; charset=big5\n\n\xb5o\xb2\xbc\xa4w\xb6}\xa5\xdf\n",
	  { "發票已開立" }, { NULL }, NULL, NULL, 0, NULL },
	{ "gb2312_base64", "Content-Type: text/plain; charset=\"gb2312\"\n"
	  "Content-Transfer-Encoding: base64\n\nt6LGsdLRv6q+3w==\n",
	  { "发票已开具" }, { NULL }, NULL, NULL, 0, NULL },
	{ "shift_jis_8bit", "Content-Type: text/plain; charset=shift_jis\n\n"
	  "\x90\xbf\x8b\x81\x8f\x91\x82\xcc\x82\xa8\x92m\x82\xe7\x82\xb9\n",
	  { "請求書のお知らせ" }, { NULL }, NULL, NULL, 0, NULL },
	{ "iso_2022_jp", "Content-Type: text/plain; charset=ISO-2022-JP\n\n"
	  "\x1b$B@A5a=q$N$*CN$i$;\x1b(B\n", { "請求書のお知らせ" }, { NULL }, NULL, NULL, 0, NULL },
	{ "euc_kr", "Content-Type: text/plain; charset=euc-kr\n\n"
	  "\xc3\xbb\xb1\xb8\xbc\xad\xb0\xa1 \xb9\xdf\xc7\xe0\n",
	  { "청구서가 발행" }, { NULL }, NULL, NULL, 0, NULL },
	{ "zero_width_and_full_width",
	  "Content-Type: text/plain; charset=utf-8\n\nin\xe2\x80\x8bvoice \xef\xbd\x89\xef\xbd\x8e\xef\xbd\x96\xef\xbd\x8f\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85\n",
	  { "invoice invoice" }, { NULL }, NULL, NULL, 0, NULL },
	{ "html_evasions",
	  "Content-Type: text/html; charset=utf-8\n\n"
	  "<p>&#105;nvoice in<span></span>voice</p>\n"
	  "<div style=\"display:none\">renewal</div><script>bad()</script>\n",
	  { "invoice invoice" }, { "bad()", "<p>", "renewal" }, "renewal", "text/html\n", 0, NULL },
	{ "nested_mixed_related_alternative",
	  "Subject: tree\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
	  "PREAMBLE words\n"
	  "--outer\n"
	  "Content-Type: multipart/related; boundary=rel\n\n"
	  "--rel\n"
	  "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
	  "--alt\n"
	  "Content-Type: text/plain; charset=us-ascii\n\n"
	  "plain version\n"
	  "--alt\n"
	  "Content-Type: text/html\n\n"
	  "<b>html version</b>\n"
	  "--alt--\n"
	  "--rel\n"
	  "Content-Type: image/png; name=logo.png\n"
	  "Content-Transfer-Encoding: base64\n\n"
	  "iVBORw0KGgo=\n"
	  "--rel--\n"
	  "--outer\n"
	  "Content-Type: application/pdf\n"
	  "Content-Disposition: attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82.pdf\n"
	  "Content-Transfer-Encoding: base64\n\n"
	  "JVBERi0xLjQK\n"
	  "--outer--\n"
	  "EPILOGUE words\n",
	  /* The client shows the last alternative: the plain twin is hidden. */
	  { "html version" }, { "PREAMBLE", "EPILOGUE", "JVBER", "iVBOR", "plain version" },
	  "plain version", "text/plain\ntext/html\nimage/png logo.png\napplication/pdf 請求.pdf\n", 0, "tree" },
	{ "message_rfc822_inside",
	  "Subject: Fw: notice\nContent-Type: multipart/mixed; boundary=b\n\n"
	  "--b\nContent-Type: text/plain\n\nSee below.\n"
	  "--b\nContent-Type: message/rfc822\n\n"
	  "From: =?utf-8?q?Billing_Team?= <billing@example.com>\n"
	  "Subject: =?utf-8?q?Payment_failed?=\nTo: x@example.com\n"
	  "Content-Type: text/plain\n\nWe could not charge your card.\n"
	  "--b--\n",
	  { "See below.", "From: Billing Team <billing@example.com>",
	    "Subject: Payment failed", "We could not charge your card." },
	  { "To: x@example.com" }, NULL, "text/plain\ntext/plain\n", 0, "Fw: notice" },
	{ "message_rfc822_base64",
	  "Subject: Fw: refund\nContent-Type: multipart/mixed; boundary=b\n\n"
	  "--b\nContent-Type: text/plain\n\nForwarded.\n"
	  "--b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
	  "RnJvbTogQmlsbGluZyA8YmlsbGluZ0BleGFtcGxlLmNvbT4KU3ViamVjdDogPT91dGYtOD9xP1Jl\n"
	  "ZnVuZF9pc3N1ZWQ/PQpDb250ZW50LVR5cGU6IHRleHQvcGxhaW47IGNoYXJzZXQ9YmlnNQoKtW+y\n"
	  "vKR3tn2l3yByZWZ1bmQK\n"
	  "--b--\n",
	  { "Forwarded.", "From: Billing <billing@example.com>", "Subject: Refund issued",
	    "發票已開立 refund" }, { NULL }, NULL, "text/plain\ntext/plain\n", 0, "Fw: refund" },
	{ "missing_closing_boundary",
	  "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\nfirst\n--zz\n"
	  "Content-Type: text/plain\n\nsecond part never closed\n",
	  { "first", "second part never closed" }, { NULL }, NULL, NULL, 0, NULL },
	{ "boundary_prefix_of_another",
	  "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
	  "--b\nContent-Type: multipart/alternative; boundary=\"b2\"\n\n"
	  "--b2\nContent-Type: text/plain\n\ninner one\n--b2x\nstill inner one\n"
	  "--b2--\n--b\nContent-Type: text/plain\n\nouter two\n--b--\n",
	  { "inner one", "--b2x\nstill inner one", "outer two" }, { NULL }, NULL,
	  "text/plain\ntext/plain\n", 0, NULL },
	{ "outer_boundary_closes_inner",
	  "Content-Type: multipart/mixed; boundary=o\n\n"
	  "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
	  "--i\nContent-Type: text/plain\n\ninner text\n"
	  "--o\nContent-Type: text/plain\n\nafter\n--o--\n",
	  { "inner text", "after" }, { NULL }, NULL, NULL, 0, NULL },
	{ "boundary_with_trailing_space",
	  "Content-Type: multipart/mixed; boundary=q\n\n--q \t\n\none\n--q--  \nepi\n",
	  { "one" }, { "epi" }, NULL, NULL, 0, NULL },
	{ "boundary_with_long_padding",
	  "Content-Type: multipart/mixed; boundary=q\n\n--q"
	  "                                                  "
	  "                                                  "
	  "                                                  \n"
	  "Content-Type: text/html\n\n<b>bold</b>\n--q--\n",
	  { "bold" }, { "<b>", "Content-Type" }, NULL, "text/html\n", 0, NULL },
	{ "conflicting_content_type",
	  "Content-Type: text/plain\nContent-Type: text/html\n\n<b>x</b>\n",
	  { "x" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "same_content_type_twice",
	  "Content-Type: text/plain\nContent-Type: TEXT/PLAIN\n\nx\n",
	  { "x" }, { NULL }, NULL, NULL, 0, NULL },
	{ "conflicting_cte",
	  "Content-Transfer-Encoding: base64\nContent-Transfer-Encoding: 7bit\n\naW52b2ljZQ==\n",
	  { "invoice" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "conflicting_boundary_parameters",
	  "Content-Type: multipart/mixed; boundary=a; boundary=b\n\n--a\n\none\n--a--\n",
	  { "one" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "bare_cr_hides_header",
	  "Subject: x\rContent-Type: text/html\n\n<i>y</i>\n",
	  { "y" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "unknown_charset",
	  "Content-Type: text/plain; charset=x-klingon\n\nqapla invoice\n",
	  { "qapla invoice" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "multipart_digest",
	  "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: in digest\n\ndigest body\n--d--\n",
	  { "Subject: in digest", "digest body" }, { NULL }, NULL, NULL, 0, NULL },
	{ "header_block_without_blank_line",
	  "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n"
	  "this line is not a header\n--m--\n",
	  { "this line is not a header" }, { NULL }, NULL, NULL, 0, NULL },
	{ "no_content_type_is_text",
	  "Subject: none\n\nplain by default\n", { "plain by default" }, { NULL }, NULL,
	  "text/plain\n", 0, NULL },
	/* RFC 3676 format=flowed */
	{ "flowed_joins_soft_breaks",
	  "Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
	  "We were unable \nto charge your \ncredit card.\nHard break here.\n\nNext one.\n",
	  { "We were unable to charge your credit card.\nHard break here.\nNext one." },
	  { "unable\n", "your\n" }, NULL, "text/plain\n", 0, NULL },
	{ "flowed_delsp_deletes_the_space",
	  "Content-Type: text/plain; format=\"Flowed\"; DelSp=Yes\n\n"
	  "Your invo \nice is  \nready.\n",
	  { "Your invoice is ready." }, { "invo ice" }, NULL, NULL, 0, NULL },
	{ "flowed_without_delsp_keeps_the_space",
	  "Content-Type: text/plain; format=flowed\n\nYour invo \nice\n",
	  { "Your invo ice" }, { "invoice" }, NULL, NULL, 0, NULL },
	{ "flowed_space_stuffing_removed",
	  "Content-Type: text/plain; format=flowed\n\nHello\n From the billing \n team.\n",
	  { "Hello\nFrom the billing team." }, { " From", "billing  team" }, NULL, NULL, 0, NULL },
	{ "flowed_quoted_paragraphs",
	  "Content-Type: text/plain; format=flowed\n\n"
	  "> Your invoice \n> is overdue.\n>> older \n>> text \n> back \nout\n",
	  { "> Your invoice is overdue.\n>> older text\n> back\nout" },
	  { "overdue. >>", "text >" }, NULL, NULL, 0, NULL },
	{ "flowed_signature_is_a_hard_break",
	  "Content-Type: text/plain; format=flowed\n\nbody\n-- \nBilling \nteam\n",
	  { "body\n--\nBilling team" }, { "body --" }, NULL, NULL, 0, NULL },
	{ "flowed_unknown_text_subtype_read_as_plain",
	  "Content-Type: text/x-notice; format=flowed; delsp=yes\n\nin \nvoice\n",
	  { "invoice" }, { NULL }, NULL, NULL, 0, NULL },
	{ "flowed_quoted_printable",
	  "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n"
	  "Content-Transfer-Encoding: quoted-printable\n\n"
	  "=E8=AB=8B=E6=B1=82 \n=E6=9B=B8 =\nready\n",
	  { "請求書 ready" }, { NULL }, NULL, NULL, 0, NULL },
	/* RFC 2046 s4.1.4: unknown text subtypes are text/plain */
	{ "text_markdown_is_plain",
	  "Content-Type: text/markdown; charset=utf-8\n\n**Invoice** overdue\n",
	  { "**Invoice** overdue" }, { NULL }, NULL, "text/markdown\n", 0, NULL },
	{ "text_x_anything_is_plain",
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/x-vendor-notice\n\n"
	  "subscription renewal failed\n--b--\n",
	  { "subscription renewal failed" }, { NULL }, NULL, "text/x-vendor-notice\n", 0, NULL },
	{ "text_calendar_inline_is_visible",
	  "Content-Type: text/calendar; method=REQUEST\n\nBEGIN:VEVENT\nSUMMARY:Billing review\n"
	  "END:VEVENT\n",
	  { "SUMMARY:Billing review" }, { NULL }, NULL, "text/calendar\n", 0, NULL },
	{ "text_enriched_commands_stripped",
	  "Content-Type: text/enriched\n\n<bold>Inv</bold>oice is <color><param>red</param>due"
	  "</color>\nnow.\n\n\nNext <<here>.\n",
	  { "Invoice is due now.\nNext <here>." }, { "bold", "red", "param" }, NULL,
	  "text/enriched\n", 0, NULL },
	{ "text_enriched_stray_angle_kept",
	  "Content-Type: text/enriched\n\n<nofill>a < b\nline two</nofill>\n",
	  { "a < b\nline two" }, { NULL }, NULL, NULL, 0, NULL },
	{ "text_richtext_commands",
	  "Content-Type: text/richtext\n\nIn<bold>voice</bold> <lt>due<nl>paid<comment>x</comment>\n",
	  { "Invoice <due\npaid" }, { "bold", "x" }, NULL, NULL, 0, NULL },
	/* a text attachment is text the reader opens: hidden text, stricter only */
	{ "text_csv_attachment_is_hidden_text",
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee attached.\n"
	  "--b\nContent-Type: text/csv; name=\"invoice.csv\"\n"
	  "Content-Disposition: attachment; filename=\"invoice.csv\"\n\n"
	  "item,amount\nsubscription renewal,120.00\n--b--\n",
	  { "See attached." }, { "subscription renewal" }, "subscription renewal,120.00",
	  "text/plain\ntext/csv invoice.csv\n", 0, NULL },
	{ "text_plain_attachment_is_hidden_text",
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nHi\n"
	  "--b\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: ATTACHMENT\n\n"
	  "Payment overdue\n--b--\n",
	  { "Hi" }, { "Payment overdue" }, "Payment overdue", NULL, 0, NULL },
	/* unlabelled 8-bit text */
	{ "unlabelled_utf8",
	  "Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\nRechnung f\xc3\xbcr Sie\n",
	  { "Rechnung für Sie" }, { NULL }, NULL, NULL, 0, NULL },
	{ "unlabelled_latin1",
	  "Content-Type: text/plain\n\nRechnung f\xfcr Sie. Gr\xfc\xdf" "e, \x80 5\n",
	  { "Rechnung für Sie. Grüße, € 5" }, { "\xef\xbf\xbd" }, NULL, NULL, 0, NULL },
	{ "us_ascii_label_with_latin1_at_the_end",
	  "Content-Type: text/plain; charset=us-ascii\n\nfactur\xe9",
	  { "facturé" }, { NULL }, NULL, NULL, 0, NULL },
	{ "unlabelled_latin1_quoted_printable",
	  "Content-Transfer-Encoding: quoted-printable\n\nfactur=E9 pay=E9e\n",
	  { "facturé payée" }, { NULL }, NULL, NULL, 0, NULL },
	{ "unlabelled_cyrillic_is_undecidable",
	  "Content-Type: text/plain\n\n\xd1\xf7\xe5\xf2 invoice\n",
	  { "invoice" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "unlabelled_shift_jis_is_undecidable",
	  "\n\x90\xbf\x8b\x81\x8f\x91\n",
	  { NULL }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "unlabelled_mixed_utf8_and_latin1_is_undecidable",
	  "\nf\xc3\xbcr and f\xfcr\n",
	  { "für and f" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "unlabelled_undefined_windows_1252_byte",
	  "\nin\x81voice\n",
	  { NULL }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "unlabelled_nbsp_runs_are_latin",
	  "\n\xa0\xa0\xa0\xa0total d\xfb\n",
	  { "total dû" }, { NULL }, NULL, NULL, 0, NULL },
	{ "raw_8bit_header_latin1",
	  "Subject: Rechnung f\xfcr Sie\n\nx\n",
	  { "x" }, { NULL }, NULL, NULL, 0, "Rechnung für Sie" },
	{ "raw_8bit_header_utf8",
	  "Subject: Rechnung f\xc3\xbcr =?utf-8?q?Sie?=\n\nx\n",
	  { "x" }, { NULL }, NULL, NULL, 0, "Rechnung für Sie" },
	{ "raw_8bit_header_cyrillic_undecidable",
	  "Subject: \xd1\xf7\xe5\xf2\n\nx\n",
	  { "x" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	/* WHATWG labels */
	{ "whatwg_iso_8859_8_i",
	  "Content-Type: text/plain; charset=iso-8859-8-i\n\n\xf9\xec\xe5\xed\n",
	  { "שלום" }, { NULL }, NULL, NULL, 0, NULL },
	{ "whatwg_windows_949",
	  "Content-Type: text/plain; charset=windows-949\n\n\xc3\xbb\xb1\xb8\xbc\xad\n",
	  { "청구서" }, { NULL }, NULL, NULL, 0, NULL },
	{ "whatwg_x_mac_roman",
	  "Content-Type: text/plain; charset=x-mac-roman\n\nfactur\x8e\n",
	  { "facturé" }, { NULL }, NULL, NULL, 0, NULL },
	{ "whatwg_replacement_iso_2022_kr",
	  "Content-Type: text/plain; charset=iso-2022-kr\n\n\x1b$)C\x0e" "C;18<-\x0f ok\n",
	  { "청구서 ok" }, { NULL }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
	{ "whatwg_replacement_hz_gb_2312",
	  "Content-Type: text/plain; charset=hz-gb-2312\n\n~{7\"F1~} invoice\n",
	  { "\xef\xbf\xbd" }, { "invoice" }, NULL, NULL, MSG_TEXT_UNCERTAIN, NULL },
};

/* to_crlf - the case with CRLF line ends */
static void
to_crlf(struct strbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			strbuf_append_char(out, '\r');
		strbuf_append_char(out, *s);
	}
}

struct result {
	struct strbuf body, hidden, parts, subject;
	int flags;
};

/* snapshot - copy what the decoder produced */
static void
snapshot(struct msg_text *mt, struct result *r)
{
	size_t len;
	const char *s;

	strbuf_reset(&r->body);
	strbuf_reset(&r->hidden);
	strbuf_reset(&r->parts);
	strbuf_reset(&r->subject);
	s = msg_text_body(mt, &len);
	strbuf_append(&r->body, s, len);
	s = msg_text_hidden(mt, &len);
	strbuf_append(&r->hidden, s, len);
	s = msg_text_parts(mt, &len);
	strbuf_append(&r->parts, s, len);
	if ((s = msg_text_header_find(mt, "subject", &len)) != NULL)
		strbuf_append(&r->subject, s, len);
	else
		strbuf_append_str(&r->subject, "(none)");
	r->flags = msg_text_flags(mt) & (MSG_TEXT_UNCERTAIN | MSG_TEXT_LIMIT);
}

/* result_release - free a snapshot */
static void
result_release(struct result *r)
{
	strbuf_release(&r->body);
	strbuf_release(&r->hidden);
	strbuf_release(&r->parts);
	strbuf_release(&r->subject);
}

/* decode_raw - decode through the raw path in pieces (cut >= 0: two pieces) */
static void
decode_raw(struct mime_decoder *md, struct msg_text *mt, const char *raw, size_t len,
    size_t piece, long cut)
{
	size_t i;

	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	if (cut >= 0) {
		mime_decoder_raw(md, raw, (size_t)cut);
		mime_decoder_raw(md, raw + cut, len - (size_t)cut);
	} else {
		for (i = 0; i < len; i += piece)
			mime_decoder_raw(md, raw + i, len - i < piece ? len - i : piece);
	}
	mime_decoder_finish(md);
}

/* decode_milter - decode through the milter path: headers one by one, body in pieces */
static void
decode_milter(struct mime_decoder *md, struct msg_text *mt, const char *raw, size_t len,
    size_t piece)
{
	struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;
	size_t i = 0, e, vs;

	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	/* Split the header block the way libmilter hands it over. */
	while (i < len && raw[i] != '\n' && !(raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')) {
		const char *colon;

		for (e = i; e < len && !(raw[e] == '\n' && (e + 1 >= len ||
		    (raw[e + 1] != ' ' && raw[e + 1] != '\t'))); e++)
			;
		colon = memchr(raw + i, ':', e - i);
		if (colon != NULL) {
			strbuf_reset(&name);
			strbuf_reset(&value);
			strbuf_append(&name, raw + i, (size_t)(colon - raw) - i);
			vs = (size_t)(colon - raw) + 1;
			if (vs < e && raw[vs] == ' ')
				vs++;
			strbuf_append(&value, raw + vs, e - vs);
			if (value.len > 0 && value.data[value.len - 1] == '\r')
				strbuf_truncate(&value, value.len - 1);
			mime_decoder_header(md, name.data, value.data != NULL ? value.data : "");
		}
		i = e + 1;
	}
	if (i < len)
		i += raw[i] == '\r' ? 2 : 1;
	mime_decoder_end_headers(md);
	for (; i < len; i += piece)
		mime_decoder_body(md, raw + i, len - i < piece ? len - i : piece);
	mime_decoder_finish(md);
	strbuf_release(&name);
	strbuf_release(&value);
}

/* folded - s folded like the decoded text (text_norm), for substring checks; a small ring */
static const char *
folded(const char *s)
{
	static struct strbuf ring[4];
	static size_t next;
	struct strbuf *sb = &ring[next++ % 4];

	strbuf_reset(sb);
	text_norm_fold(sb, s, strlen(s));
	strbuf_grow(sb, 0);
	return sb->data;
}

/* check_case - the snapshot meets the case's expectations */
static void
check_case(const struct dec_case *c, const struct result *r, const char *how)
{
	size_t i;

	for (i = 0; i < 6 && c->want[i] != NULL; i++)
		if (strstr(r->body.data, folded(c->want[i])) == NULL)
			fail_msg("%s (%s): body lacks \"%s\":\n%s", c->name, how, c->want[i],
			    r->body.data);
	for (i = 0; i < 5 && c->not_want[i] != NULL; i++)
		if (strstr(r->body.data, folded(c->not_want[i])) != NULL)
			fail_msg("%s (%s): body has \"%s\"", c->name, how, c->not_want[i]);
	if (c->hidden != NULL && strstr(r->hidden.data, folded(c->hidden)) == NULL)
		fail_msg("%s (%s): hidden lacks \"%s\"", c->name, how, c->hidden);
	if (c->hidden == NULL && r->hidden.len > 0)
		fail_msg("%s (%s): unexpected hidden \"%s\"", c->name, how, r->hidden.data);
	if (c->parts != NULL && strcmp(r->parts.data, c->parts) != 0)
		fail_msg("%s (%s): parts \"%s\"", c->name, how, r->parts.data);
	if (r->flags != c->flags)
		fail_msg("%s (%s): flags %d want %d", c->name, how, r->flags, c->flags);
	if (c->subject != NULL && strcmp(r->subject.data, folded(c->subject)) != 0)
		fail_msg("%s (%s): subject \"%s\"", c->name, how, r->subject.data);
}

/* same_result - two feeding orders produced the same text */
static void
same_result(const struct dec_case *c, const struct result *a, const struct result *b,
    const char *how)
{
	if (strcmp(a->body.data, b->body.data) != 0 ||
	    strcmp(a->hidden.data, b->hidden.data) != 0 ||
	    strcmp(a->parts.data, b->parts.data) != 0 || a->flags != b->flags ||
	    strcmp(a->subject.data, b->subject.data) != 0)
		fail_msg("%s: %s differs:\n[%s]\nvs\n[%s]", c->name, how, a->body.data,
		    b->body.data);
}

/* run_case - one case, LF or CRLF, through every feeding order */
static void
run_case(const struct dec_case *c, int crlf, int every_split)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	struct result whole = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, 0 };
	struct result other = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, 0 };
	size_t cut;

	if (crlf)
		to_crlf(&raw, c->raw);
	else
		strbuf_append_str(&raw, c->raw);
	decode_raw(md, mt, raw.data, raw.len, raw.len + 1, -1);
	snapshot(mt, &whole);
	check_case(c, &whole, crlf ? "crlf whole" : "whole");
	decode_raw(md, mt, raw.data, raw.len, 1, -1);
	snapshot(mt, &other);
	same_result(c, &whole, &other, "bytewise");
	if (c->flags == 0 || strstr(c->name, "bare_cr") == NULL) {
		decode_milter(md, mt, raw.data, raw.len, raw.len + 1);
		snapshot(mt, &other);
		check_case(c, &other, "milter");
		decode_milter(md, mt, raw.data, raw.len, 1);
		snapshot(mt, &other);
		check_case(c, &other, "milter bytewise");
	}
	for (cut = 0; every_split && cut <= raw.len; cut++) {
		decode_raw(md, mt, raw.data, raw.len, 0, (long)cut);
		snapshot(mt, &other);
		same_result(c, &whole, &other, "split");
	}
	result_release(&whole);
	result_release(&other);
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
	assert_null(md);
}

/* mime_decoder_raw_table - each case decodes right fed whole and one byte at a time */
static void
mime_decoder_raw_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], 0, 0);
}

/* mime_decoder_raw_crlf - CRLF line ends decode like LF */
static void
mime_decoder_raw_crlf(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], 1, 0);
}

/* mime_decoder_raw_every_split - two chunks cut at every offset decode the same */
static void
mime_decoder_raw_every_split(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i], 0, 1);
		run_case(&cases[i], 1, 1);
	}
}

/* decode_string - decode a generated message with given limits, in 64 KiB chunks */
static void
decode_string(struct mime_decoder *md, struct msg_text *mt, const struct strbuf *raw)
{
	decode_raw(md, mt, raw->data, raw->len, 65536, -1);
}

/* mime_decoder_raw_depth_cap - nesting past max_depth sets LIMIT and skips the rest */
static void
mime_decoder_raw_depth_cap(void **state)
{
	struct mime_limits lim = { 8, 1000, 65536, 10000 };
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	size_t len;
	int i;

	for (i = 0; i < 200; i++)
		strbuf_appendf(&raw, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
	strbuf_append_str(&raw, "Content-Type: text/plain\n\ntoo deep\n");
	for (i = 199; i >= 0; i--)
		strbuf_appendf(&raw, "--b%d--\n", i);
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	assert_string_equal(msg_text_reason(mt), "MIME nesting too deep");
	assert_null(strstr(msg_text_body(mt, &len), "too deep"));
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* b64_encode - base64 of in, lines of 76 */
static void
b64_encode(struct strbuf *out, const struct strbuf *in)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)in->data;
	size_t i, col = 0;

	for (i = 0; i < in->len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 |
		    (i + 1 < in->len ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < in->len ? p[i + 2] : 0);

		strbuf_append_char(out, a[v >> 18 & 63]);
		strbuf_append_char(out, a[v >> 12 & 63]);
		strbuf_append_char(out, i + 1 < in->len ? a[v >> 6 & 63] : '=');
		strbuf_append_char(out, i + 2 < in->len ? a[v & 63] : '=');
		if ((col += 4) >= 76) {
			strbuf_append_char(out, '\n');
			col = 0;
		}
	}
	strbuf_append_char(out, '\n');
}

/* mime_decoder_raw_encoded_message_chain - base64 messages inside messages stop at max_depth */
static void
mime_decoder_raw_encoded_message_chain(void **state)
{
	struct mime_limits lim = { 8, 1000, 65536, 10000 };
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf msg = STRBUF_INIT, enc = STRBUF_INIT;
	size_t len;
	int i;

	strbuf_append_str(&msg, "Subject: innermost\n\ndeep text\n");
	for (i = 0; i < 3; i++) {
		strbuf_reset(&enc);
		b64_encode(&enc, &msg);
		strbuf_reset(&msg);
		strbuf_appendf(&msg, "Subject: level %d\nContent-Type: message/rfc822\n"
		    "Content-Transfer-Encoding: base64\n\n%s", i, enc.data);
	}
	decode_string(md, mt, &msg);
	assert_non_null(strstr(msg_text_body(mt, &len), folded("Subject: innermost")));
	assert_non_null(strstr(msg_text_body(mt, &len), "deep text"));
	assert_int_equal(msg_text_flags(mt) & MSG_TEXT_LIMIT, 0);
	for (i = 3; i < 12; i++) {
		strbuf_reset(&enc);
		b64_encode(&enc, &msg);
		strbuf_reset(&msg);
		strbuf_appendf(&msg, "Subject: level %d\nContent-Type: message/rfc822\n"
		    "Content-Transfer-Encoding: base64\n\n%s", i, enc.data);
	}
	decode_string(md, mt, &msg);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	assert_null(strstr(msg_text_body(mt, &len), "deep text"));
	strbuf_release(&msg);
	strbuf_release(&enc);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* mime_decoder_raw_parts_cap - more parts than max_parts sets LIMIT */
static void
mime_decoder_raw_parts_cap(void **state)
{
	struct mime_limits lim = { 32, 100, 65536, 10000 };
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	size_t len;
	int i;

	strbuf_append_str(&raw, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 5000; i++)
		strbuf_appendf(&raw, "--p\n\npart%d\n", i);
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	assert_non_null(strstr(msg_text_body(mt, &len), "part0"));
	assert_null(strstr(msg_text_body(mt, &len), "part200"));
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* encoded_children - a multipart of n base64 message/rfc822 parts, each built by inner(i) */
static void
encoded_children(struct strbuf *raw, int n, void (*inner)(struct strbuf *, int))
{
	struct strbuf msg = STRBUF_INIT, enc = STRBUF_INIT;
	int i;

	strbuf_append_str(raw, "Content-Type: multipart/mixed; boundary=top\n\n");
	for (i = 0; i < n; i++) {
		strbuf_reset(&msg);
		strbuf_reset(&enc);
		inner(&msg, i);
		b64_encode(&enc, &msg);
		strbuf_appendf(raw, "--top\nContent-Type: message/rfc822\n"
		    "Content-Transfer-Encoding: base64\n\n%s", enc.data);
	}
	strbuf_append_str(raw, "--top--\n");
	strbuf_release(&msg);
	strbuf_release(&enc);
}

/* fifty_parts - a nested message of 50 text parts */
static void
fifty_parts(struct strbuf *msg, int n)
{
	int i;

	strbuf_append_str(msg, "Subject: inner\nContent-Type: multipart/mixed; boundary=in\n\n");
	for (i = 0; i < 50; i++)
		strbuf_appendf(msg, "--in\n\nmsg%dpart%d\n", n, i);
	strbuf_append_str(msg, "--in--\n");
}

/*
 * mime_decoder_raw_parts_budget_nested - parts of base64 message/rfc822
 * children count against the message's max_parts (fault 4: each child
 * started with a fresh count, 2,250 parts went by without LIMIT)
 */
static void
mime_decoder_raw_parts_budget_nested(void **state)
{
	struct mime_limits lim = { 32, 100, 65536, 10000 };
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	size_t len;

	encoded_children(&raw, 45, fifty_parts);
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	assert_non_null(strstr(msg_text_body(mt, &len), "msg0part0"));
	assert_null(strstr(msg_text_body(mt, &len), "msg2part49"));
	assert_null(strstr(msg_text_body(mt, &len), "msg44part0"));
	/* The next message starts with the whole budget again. */
	strbuf_reset(&raw);
	encoded_children(&raw, 1, fifty_parts);
	decode_string(md, mt, &raw);
	assert_int_equal(msg_text_flags(mt) & MSG_TEXT_LIMIT, 0);
	assert_non_null(strstr(msg_text_body(mt, &len), "msg0part49"));
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* thirty_fields - a nested message whose header block has 30 fields */
static void
thirty_fields(struct strbuf *msg, int n)
{
	int i;

	for (i = 0; i < 30; i++)
		strbuf_appendf(msg, "X-Note-%d: %d\n", i, n);
	strbuf_appendf(msg, "Subject: inner\n\nmsg%dtext\n", n);
}

/*
 * mime_decoder_raw_headers_budget_nested - header fields of base64
 * message/rfc822 children count against the message's max_headers, as
 * those of plain parts do (fault 4)
 */
static void
mime_decoder_raw_headers_budget_nested(void **state)
{
	struct mime_limits lim = { 32, 1000, 65536, 100 };
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	size_t len;
	int i;

	/* 5 children of 31 fields each: no block reaches 100, the message does. */
	encoded_children(&raw, 5, thirty_fields);
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	assert_non_null(strstr(msg_text_reason(mt), "too many header fields"));
	assert_non_null(strstr(msg_text_body(mt, &len), "msg0text"));
	/* The same fields in plain parts count the same way. */
	strbuf_reset(&raw);
	strbuf_append_str(&raw, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 5; i++) {
		strbuf_append_str(&raw, "--p\n");
		thirty_fields(&raw, i);
	}
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	/* Under the budget: no limit. */
	strbuf_reset(&raw);
	encoded_children(&raw, 2, thirty_fields);
	decode_string(md, mt, &raw);
	assert_int_equal(msg_text_flags(mt) & MSG_TEXT_LIMIT, 0);
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

static const char *const budget_charsets[] = { UNIT_MANY_CHARSETS };

/* one_charset - a nested message whose text is in charset n of budget_charsets */
static void
one_charset(struct strbuf *msg, int n)
{
	strbuf_appendf(msg, "Subject: inner\nContent-Type: text/plain; charset=%s\n\ntext%d\n",
	    budget_charsets[n], n);
}

/*
 * mime_decoder_raw_charset_budget_nested - converters opened by base64
 * message/rfc822 children count against the message's CHARSET_OPENS_MAX:
 * past it a charset is unknown and the message uncertain (fault 4)
 */
static void
mime_decoder_raw_charset_budget_nested(void **state)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	const int n = sizeof(budget_charsets) / sizeof(budget_charsets[0]);

	assert_true(n > CHARSET_OPENS_MAX);
	encoded_children(&raw, n, one_charset);
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_UNCERTAIN);
	assert_non_null(strstr(msg_text_reason(mt), "unknown charset"));
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* heap_used - bytes allocated right now */
static size_t
heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* mime_decoder_body_huge_line - a 20 MB line without LF streams in bounded memory */
static void
mime_decoder_body_huge_line(void **state)
{
	static const char *starts[] = { "a", "-", "--b" };
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(65536, 1);
	char *chunk = malloc(65536);
	size_t i, s, before, len;

	memset(chunk, 'a', 65536);
	for (s = 0; s < 3; s++) {
		msg_text_reset(mt);
		mime_decoder_reset(md, mt);
		mime_decoder_header(md, "Content-Type", "multipart/mixed; boundary=b");
		mime_decoder_end_headers(md);
		mime_decoder_body(md, "--b\n\nstart ", 11);
		mime_decoder_body(md, starts[s], strlen(starts[s]));
		before = heap_used();
		for (i = 0; i < 20 * 16; i++)
			mime_decoder_body(md, chunk, 65536);
		assert_true(heap_used() < before + 256 * 1024);
		mime_decoder_body(md, "\n--b\n\nafter\n--b--\n", 19);
		mime_decoder_finish(md);
		assert_true(mime_decoder_saturated(md));
		assert_non_null(strstr(msg_text_body(mt, &len), "start"));
	}
	free(chunk);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* mime_decoder_raw_huge_header - header lines and counts are capped */
static void
mime_decoder_raw_huge_header(void **state)
{
	struct mime_limits lim = { 32, 1000, 1000, 50 };
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	size_t len;
	int i;

	strbuf_append_str(&raw, "Subject: ");
	for (i = 0; i < 100000; i++)
		strbuf_append_str(&raw, "x\n ");
	strbuf_append_str(&raw, "y\n\nbody text\n");
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	assert_string_equal(msg_text_reason(mt), "header line too long");
	assert_true(msg_text_header_value(mt, 0, &len) != NULL && len <= 1000);
	assert_non_null(strstr(msg_text_body(mt, &len), "body text"));

	strbuf_reset(&raw);
	for (i = 0; i < 1000; i++)
		strbuf_appendf(&raw, "X-H%d: v\n", i);
	strbuf_append_str(&raw, "\nbody text\n");
	decode_string(md, mt, &raw);
	assert_true(msg_text_flags(mt) & MSG_TEXT_LIMIT);
	assert_int_equal(msg_text_header_count(mt), 50);
	mime_decoder_free(&md);

	/* The top-level header text kept is capped as a whole too. */
	lim.max_headers = 100000;
	md = mime_decoder_new(&lim);
	strbuf_reset(&raw);
	for (i = 0; i < 2000; i++) {
		strbuf_appendf(&raw, "X-H%d: ", i);
		while (raw.len % 900 != 0)
			strbuf_append_char(&raw, 'v');
		strbuf_append_char(&raw, '\n');
	}
	strbuf_append_str(&raw, "\nbody text\n");
	decode_string(md, mt, &raw);
	assert_string_equal(msg_text_reason(mt), "header block too large");
	assert_true(msg_text_header_count(mt) < 2000);
	assert_non_null(strstr(msg_text_body(mt, &len), "body text"));
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* mime_decoder_raw_reasons - the reason names what made the message uncertain */
static void
mime_decoder_raw_reasons(void **state)
{
	static const struct {
		const char *raw;
		const char *reason;
	} t[] = {
		{ "Subject: =?x-bogus?q?hi?=\n\nbody\n", "unknown charset x-bogus" },
		{ "Content-Type: text/plain; charset=\"x-klingon\"\n\nbody\n",
		  "unknown charset x-klingon" },
		{ "Content-Type: text/plain; charset=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\nbody\n",
		  "unknown charset aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..." },
		{ "Content-Type: text/plain\nContent-Type: text/html\n\nx\n",
		  "conflicting Content-Type headers" },
		{ "Subject: a\rb\n\nx\n", "bare CR in header block" },
	};
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		decode_raw(md, mt, t[i].raw, strlen(t[i].raw), 65536, -1);
		assert_true(msg_text_flags(mt) & MSG_TEXT_UNCERTAIN);
		assert_string_equal(msg_text_reason(mt), t[i].reason);
	}
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* mime_decoder_raw_one_big_call - a 30 MB message in one call keeps buffers small */
static void
mime_decoder_raw_one_big_call(void **state)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(65536, 1);
	struct strbuf raw = STRBUF_INIT;
	size_t before, len;

	strbuf_append_str(&raw, "Content-Type: text/plain; charset=big5\n"
	    "Content-Transfer-Encoding: base64\n\n");
	while (raw.len < 30 * 1024 * 1024)
		strbuf_append_str(&raw, "tW+yvKR3tn2l3w==\n");
	before = heap_used();
	decode_raw(md, mt, raw.data, raw.len, raw.len, -1);
	assert_true(heap_used() < before + 2 * 1024 * 1024);
	assert_non_null(strstr(msg_text_body(mt, &len), "發票已開立"));
	assert_true(msg_text_flags(mt) & MSG_TEXT_TRUNCATED);
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* mime_decoder_reset_reuse - a decoder reused for a second message starts clean */
static void
mime_decoder_reset_reuse(void **state)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	static const char m1[] = "Content-Type: multipart/mixed; boundary=z\n\n--z\n"
	    "Content-Type: text/html\n\n<div style=display:none>half";
	static const char m2[] = "Subject: two\n\nsecond\n";
	size_t len;

	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	mime_decoder_raw(md, m1, sizeof(m1) - 1);	/* abandoned mid-part */
	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	mime_decoder_raw(md, m2, sizeof(m2) - 1);
	mime_decoder_finish(md);
	assert_string_equal(msg_text_body(mt, &len), "second");
	assert_int_equal(msg_text_flags(mt), 0);
	assert_string_equal(msg_text_parts(mt, &len), "text/plain\n");
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* read_file - a whole file into sb; 0 or -1 */
static int
read_file(const char *path, struct strbuf *sb)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (f == NULL)
		return -1;
	strbuf_reset(sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_append(sb, buf, n);
	fclose(f);
	return 0;
}

/* mime_decoder_raw_corpus - every dev corpus message yields text and no uncertainty */
static void
mime_decoder_raw_corpus(void **state)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT, first = STRBUF_INIT;
	char *dir = unit_strf("%s/../shared/corpus/dev", unit_srcdir());
	struct dirent *de;
	DIR *d;
	size_t len, n = 0;
	const char *b;

	if ((d = opendir(dir)) == NULL) {
		free(dir);
		msg_text_free(&mt);
		mime_decoder_free(&md);
		print_message("corpus folder absent: skipped\n");
		skip();
	}
	while ((de = readdir(d)) != NULL) {
		char *path;

		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		path = unit_strf("%s/%s", dir, de->d_name);
		assert_int_equal(read_file(path, &raw), 0);
		decode_raw(md, mt, raw.data, raw.len, 65536, -1);
		b = msg_text_body(mt, &len);
		if (len == 0)
			fail_msg("%s: empty body", path);
		if (msg_text_flags(mt) & (MSG_TEXT_UNCERTAIN | MSG_TEXT_LIMIT))
			fail_msg("%s: flags %d: %s", path, msg_text_flags(mt), msg_text_reason(mt));
		/* The milter path and odd chunk sizes give the same body. */
		strbuf_reset(&first);
		strbuf_append(&first, b, len);
		decode_milter(md, mt, raw.data, raw.len, 777);
		b = msg_text_body(mt, &len);
		if (len != first.len || memcmp(b, first.data, len) != 0)
			fail_msg("%s: milter path differs", path);
		decode_raw(md, mt, raw.data, raw.len, 3, -1);
		b = msg_text_body(mt, &len);
		if (len != first.len || memcmp(b, first.data, len) != 0)
			fail_msg("%s: 3-byte chunks differ", path);
		free(path);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
	free(dir);
	strbuf_release(&raw);
	strbuf_release(&first);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

/* mime_decoder_raw_fixtures - the fixture messages decode without surprises */
static void
mime_decoder_raw_fixtures(void **state)
{
	static const struct {
		const char *file;
		const char *want;	/* in the body */
		const char *hidden;	/* in the hidden text, or NULL */
		int flags;
	} t[] = {
		{ "forwarded.eml", "Subject: Invoice 4711 is overdue", NULL, 0 },
		{ "hidden-html.eml", "your account", "renew subscription invoice", 0 },
		{ "ambiguous-cte.eml", "invoice", NULL, MSG_TEXT_UNCERTAIN },
	};
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(MAX_TEXT, 1);
	struct strbuf raw = STRBUF_INIT;
	size_t i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *path = unit_strf("%s/tests/fixtures/mime/%s", unit_srcdir(), t[i].file);

		assert_int_equal(read_file(path, &raw), 0);
		decode_raw(md, mt, raw.data, raw.len, 65536, -1);
		if (strstr(msg_text_body(mt, &len), folded(t[i].want)) == NULL)
			fail_msg("%s: lacks %s", path, t[i].want);
		if (t[i].hidden != NULL && strstr(msg_text_hidden(mt, &len), t[i].hidden) == NULL)
			fail_msg("%s: hidden text lacks %s", path, t[i].hidden);
		if (t[i].hidden != NULL && strstr(msg_text_body(mt, &len), t[i].hidden) != NULL)
			fail_msg("%s: hidden %s is in the visible body", path, t[i].hidden);
		assert_int_equal(msg_text_flags(mt) & (MSG_TEXT_UNCERTAIN | MSG_TEXT_LIMIT),
		    t[i].flags);
		free(path);
	}
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mime_decoder_raw_table),
		cmocka_unit_test(mime_decoder_raw_crlf),
		cmocka_unit_test(mime_decoder_raw_every_split),
		cmocka_unit_test(mime_decoder_raw_depth_cap),
		cmocka_unit_test(mime_decoder_raw_parts_cap),
		cmocka_unit_test(mime_decoder_raw_encoded_message_chain),
		cmocka_unit_test(mime_decoder_raw_parts_budget_nested),
		cmocka_unit_test(mime_decoder_raw_charset_budget_nested),
		cmocka_unit_test(mime_decoder_raw_headers_budget_nested),
		cmocka_unit_test(mime_decoder_body_huge_line),
		cmocka_unit_test(mime_decoder_raw_huge_header),
		cmocka_unit_test(mime_decoder_reset_reuse),
		cmocka_unit_test(mime_decoder_raw_reasons),
		cmocka_unit_test(mime_decoder_raw_one_big_call),
		cmocka_unit_test(mime_decoder_raw_fixtures),
		cmocka_unit_test(mime_decoder_raw_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
