/* test_hostile - hostile and ambiguous mail through the whole scan path */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "action.h"
#include "conf.h"
#include "scan.h"
#include "strbuf.h"
#include "text_norm.h"
#include "unit.h"
#include "unit_conf.h"

/*
 * Every message is scanned twice under tests/hostile/hostile.conf: once on
 * the raw path in 64 KiB chunks, once on the milter path (the header block
 * split into fields the way libmilter hands them over, then the body in
 * 64 KiB chunks, skipping the rest once scan_saturated says so, as
 * milter_body does).  Both must give the same outcome, and that outcome must be the
 * one in the table: the class (or "any"), whether the result is uncertain
 * and why, the exact msg_text flags, and the decision for a CSP-only
 * customer (<admin@contoso.example>) and a CSP + direct customer
 * (<it@fabrikam.example>).  With the default policy an uncertain message
 * gets quarantine for both (class other is held for every CSP customer).
 *
 * The decoded-text cap (max_text, 1 MiB here) means: text beyond it is
 * not seen by any rule and the message is flagged MSG_TEXT_TRUNCATED; a
 * truncated message is classified on the text seen and is not uncertain.
 * A structure limit (MSG_TEXT_LIMIT) always makes the message uncertain.
 *
 * Small messages are files in tests/hostile/msgs; huge ones are generated
 * here.  Nothing is timed; each case prints one line with its outcome and
 * the peak RSS so far.
 */

#define CHUNK		65536
#define VENDOR		"<billing@vendor.example>"
#define CONTOSO		"<admin@contoso.example>"
#define FABRIKAM	"<it@fabrikam.example>"
#define PARTNER_A	"<csp-desk@partner-a.example>"
#define PARTNER_B	"<csp-desk@partner-b.example>"

#define D_DELIVER	DECISION_DELIVER
#define D_REROUTE	DECISION_REROUTE
#define D_QUARANTINE	DECISION_QUARANTINE

#define U		MSG_TEXT_UNCERTAIN
#define T		MSG_TEXT_TRUNCATED
#define L		MSG_TEXT_LIMIT

/* The top of a generated message: a vendor sender and a subject. */
#define GEN_HEAD	"From: Vendor Billing <billing@vendor.example>\n" \
	"To: admin@contoso.example\nSubject: Notice\nMIME-Version: 1.0\n"

struct hostile_case {
	const char *name;
	const char *file;	/* tests/hostile/msgs/FILE.eml; NULL: NAME.eml */
	void (*gen)(struct strbuf *msg);	/* builds the message instead of a file */
	void (*envelope)(struct scan *scan);	/* NULL: CONTOSO and FABRIKAM */
	const char *mail_from;	/* NULL: VENDOR */
	int untouched;		/* the sender must not be taken as vendor-side */
	int odd;		/* 1 + the decision for a recipient that names no customer */
	int local;		/* a local submission: scan_hold_removals, as milter_eom does */
	const char *class;	/* expected class, or "any" */
	int uncertain;
	int flags;		/* exact msg_text flags */
	const char *reason;	/* must occur in the result's reason; NULL: no check */
	enum decision contoso;	/* for every contoso.example recipient */
	enum decision fabrikam;	/* for every fabrikam.example recipient */
	const char *body_has;	/* must occur in the decoded body */
	const char *body_lacks;	/* must not occur in the decoded body */
	const char *hidden_has;	/* must occur in the hidden text */
};

/* What one pass produced, compared between the two paths. */
struct outcome {
	enum csp_class class;
	int uncertain;
	int flags;
	struct strbuf reason;
	struct strbuf decisions;	/* one letter per recipient */
	struct strbuf addrcpt;		/* the planned additions, "\n"-separated */
};

/* gen_repeat - append s n times */
static void
gen_repeat(struct strbuf *m, const char *s, size_t n)
{
	size_t len = strlen(s), i;

	strbuf_grow(m, len * n);
	for (i = 0; i < n; i++)
		strbuf_append(m, s, len);
}

/* gen_nested_multipart_n - n multiparts inside each other, the keyword innermost */
static void
gen_nested_multipart_n(struct strbuf *m, size_t n)
{
	size_t i;

	strbuf_append_str(m, GEN_HEAD);
	strbuf_appendf(m, "Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
	for (i = 1; i < n; i++)
		strbuf_appendf(m, "--b%zu\nContent-Type: multipart/mixed; boundary=\"b%zu\"\n\n",
		    i - 1, i);
	strbuf_appendf(m, "--b%zu\nContent-Type: text/plain\n\nYour invoice is attached.\n", n - 1);
	for (i = n; i-- > 0;)
		strbuf_appendf(m, "--b%zu--\n", i);
}

/* gen_nested_multipart_1000 - far past max_depth */
static void
gen_nested_multipart_1000(struct strbuf *m)
{
	gen_nested_multipart_n(m, 1000);
}

/* gen_nested_multipart_30 - just inside max_depth */
static void
gen_nested_multipart_30(struct strbuf *m)
{
	gen_nested_multipart_n(m, 30);
}

/* gen_nested_rfc822 - 1,000 message/rfc822 parts inside each other */
static void
gen_nested_rfc822(struct strbuf *m)
{
	strbuf_append_str(m, GEN_HEAD);
	strbuf_append_str(m, "Content-Type: message/rfc822\n\n");
	gen_repeat(m, "Subject: fwd\nContent-Type: message/rfc822\n\n", 999);
	strbuf_append_str(m, "Subject: inner\nContent-Type: text/plain\n\nYour invoice is attached.\n");
}

/* gen_tiny_parts - 100,000 one-line parts, the keyword in the first */
static void
gen_tiny_parts(struct strbuf *m)
{
	strbuf_append_str(m, GEN_HEAD);
	strbuf_append_str(m, "Content-Type: multipart/mixed; boundary=\"t\"\n\n"
	    "--t\nContent-Type: text/plain\n\nYour invoice is attached.\n");
	gen_repeat(m, "--t\n\nx\n", 100000);
	strbuf_append_str(m, "--t--\n");
}

/* gen_base64 - append in as base64, lines of 76 */
static void
gen_base64(struct strbuf *m, const struct strbuf *in)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)in->data;
	size_t i;

	for (i = 0; i < in->len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 |
		    (i + 1 < in->len ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < in->len ? p[i + 2] : 0);

		strbuf_append_char(m, a[v >> 18 & 63]);
		strbuf_append_char(m, a[v >> 12 & 63]);
		strbuf_append_char(m, i + 1 < in->len ? a[v >> 6 & 63] : '=');
		strbuf_append_char(m, i + 2 < in->len ? a[v & 63] : '=');
		if (i % 57 == 54)
			strbuf_append_char(m, '\n');
	}
	strbuf_append_char(m, '\n');
}

/* gen_encoded_children - an invoice, then n base64 message/rfc822 parts built by inner */
static void
gen_encoded_children(struct strbuf *m, int n, void (*inner)(struct strbuf *, int))
{
	struct strbuf msg = STRBUF_INIT;
	int i;

	strbuf_append_str(m, GEN_HEAD);
	strbuf_append_str(m, "Content-Type: multipart/mixed; boundary=\"top\"\n\n"
	    "--top\nContent-Type: text/plain\n\nYour invoice is attached.\n");
	for (i = 0; i < n; i++) {
		strbuf_reset(&msg);
		inner(&msg, i);
		strbuf_append_str(m, "--top\nContent-Type: message/rfc822\n"
		    "Content-Transfer-Encoding: base64\n\n");
		gen_base64(m, &msg);
	}
	strbuf_append_str(m, "--top--\n");
	strbuf_release(&msg);
}

/* gen_thirty_parts - a forwarded message of 30 parts */
static void
gen_thirty_parts(struct strbuf *m, int n)
{
	int i;

	strbuf_appendf(m, "Subject: fwd %d\nContent-Type: multipart/mixed; boundary=in\n\n", n);
	for (i = 0; i < 30; i++)
		strbuf_appendf(m, "--in\n\nnote %d\n", i);
	strbuf_append_str(m, "--in--\n");
}

/*
 * gen_encoded_parts - 45 base64 forwarded messages of 30 parts: 1,350
 * parts, each child under max_parts (1,000) but not the message
 */
static void
gen_encoded_parts(struct strbuf *m)
{
	gen_encoded_children(m, 45, gen_thirty_parts);
}

/* gen_many_fields - a forwarded message with 300 header fields */
static void
gen_many_fields(struct strbuf *m, int n)
{
	int i;

	for (i = 0; i < 300; i++)
		strbuf_appendf(m, "X-Trace-%d: %d\n", i, n);
	strbuf_append_str(m, "Subject: fwd\n\nnote\n");
}

/*
 * gen_encoded_fields - 40 base64 forwarded messages of 301 fields: 12,040
 * fields, each block under max_headers (10,000) but not the message
 */
static void
gen_encoded_fields(struct strbuf *m)
{
	gen_encoded_children(m, 40, gen_many_fields);
}

static const char *const gen_charsets[] = { UNIT_MANY_CHARSETS };

/* gen_one_charset - a forwarded message in charset n of gen_charsets */
static void
gen_one_charset(struct strbuf *m, int n)
{
	strbuf_appendf(m, "Subject: fwd\nContent-Type: text/plain; charset=%s\n\nnote %d\n",
	    gen_charsets[n], n);
}

/* gen_encoded_charsets - 35 base64 forwarded messages, each in its own charset */
static void
gen_encoded_charsets(struct strbuf *m)
{
	gen_encoded_children(m, sizeof(gen_charsets) / sizeof(gen_charsets[0]), gen_one_charset);
}

/* gen_long_line - a 20 MB body line without a newline, keyword first or last */
static void
gen_long_line(struct strbuf *m, int keyword_first)
{
	strbuf_append_str(m, GEN_HEAD);
	strbuf_append_str(m, "Content-Type: text/plain\n\n");
	if (keyword_first)
		strbuf_append_str(m, "Your invoice is attached. ");
	gen_repeat(m, "lorem ipsum dolor sit amet ", 20 * 1024 * 1024 / 27);
	if (!keyword_first)
		strbuf_append_str(m, "Your invoice is attached.");
}

/* gen_long_line_late - the keyword 20 MB in, far beyond the cap */
static void
gen_long_line_late(struct strbuf *m)
{
	gen_long_line(m, 0);
}

/* gen_long_line_early - the keyword first, then 20 MB */
static void
gen_long_line_early(struct strbuf *m)
{
	gen_long_line(m, 1);
}

/* gen_many_headers - 50,000 header fields, the keyword in the body */
static void
gen_many_headers(struct strbuf *m)
{
	size_t i;

	strbuf_append_str(m, GEN_HEAD);
	for (i = 0; i < 50000; i++)
		strbuf_appendf(m, "X-Filler-%zu: v\n", i);
	strbuf_append_str(m, "\nYour invoice is attached.\n");
}

/* gen_charset_10k - a 10 KB charset name on a text part */
static void
gen_charset_10k(struct strbuf *m)
{
	strbuf_append_str(m, GEN_HEAD);
	strbuf_append_str(m, "Content-Type: text/plain; charset=\"x-");
	gen_repeat(m, "q", 10240);
	strbuf_append_str(m, "\"\n\nYour invoice is attached.\n");
}

/* gen_ew_bomb - 100,000 encoded words in one Subject */
static void
gen_ew_bomb(struct strbuf *m)
{
	strbuf_append_str(m, "From: Vendor Billing <billing@vendor.example>\nSubject:");
	gen_repeat(m, " =?utf-8?q?a?=", 100000);
	strbuf_append_str(m, "\n\nYour invoice is attached.\n");
}

/* gen_ew_charsets - 4,000 encoded words, each in another unknown charset, under the header cap */
static void
gen_ew_charsets(struct strbuf *m)
{
	size_t i;

	strbuf_append_str(m, "From: Vendor Billing <billing@vendor.example>\nSubject:");
	for (i = 0; i < 4000; i++)
		strbuf_appendf(m, " =?x%zu?q?a?=", i);
	strbuf_append_str(m, "\n\nYour invoice is attached.\n");
}

/* gen_html_divs - 100,000 nested <div>s around the keyword */
static void
gen_html_divs(struct strbuf *m)
{
	strbuf_append_str(m, GEN_HEAD);
	strbuf_append_str(m, "Content-Type: text/html\n\n<html><body>");
	gen_repeat(m, "<div>", 100000);
	strbuf_append_str(m, "Your invoice is attached.");
	gen_repeat(m, "</div>", 100000);
	strbuf_append_str(m, "</body></html>\n");
}

/* gen_backtrack - a long run of "a" that sends inc.backtrack into exponential backtracking */
static void
gen_backtrack(struct strbuf *m)
{
	strbuf_append_str(m, GEN_HEAD);
	strbuf_append_str(m, "Content-Type: text/plain\n\nStatus report: ");
	gen_repeat(m, "a", 100000);
	strbuf_append_str(m, "!\n");
}

/* env_10000 - 10,000 contoso recipients and one fabrikam recipient */
static void
env_10000(struct scan *s)
{
	char buf[64];
	size_t i;

	for (i = 0; i < 10000; i++) {
		snprintf(buf, sizeof(buf), "<user%05zu@%s>", i,
		    i % 2 ? "Contoso.Example" : "contoso.example");
		scan_add_rcpt(s, buf);
	}
	scan_add_rcpt(s, FABRIKAM);
}

/* env_case - the same contoso recipient twice in different case */
static void
env_case(struct scan *s)
{
	scan_add_rcpt(s, "<Admin@Contoso.Example>");
	scan_add_rcpt(s, CONTOSO);
	scan_add_rcpt(s, FABRIKAM);
}

/*
 * Sender tricks (issue 11 item 3): the envelope sender is an email
 * service's bounce address, so only the headers can make it vendor mail.
 */
#define ESP		"<bounces@esp.example>"
#define GEN_SENDER(fn, hdrs) \
static void \
fn(struct strbuf *m) \
{ \
	strbuf_append_str(m, hdrs "To: admin@contoso.example\nSubject: Notice\n" \
	    "MIME-Version: 1.0\n\nYour invoice is attached.\n"); \
}

GEN_SENDER(gen_from_ew_lt,
    "From: =?utf-8?q?Billing_=3Cx=40esp.example=3E?= <billing@vendor.example>\n")
GEN_SENDER(gen_from_ew_quote,
    "From: =?utf-8?q?=22x=40esp.example=22_?= <billing@vendor.example>\n")
GEN_SENDER(gen_from_ew_in_quotes,
    "From: \"=?utf-8?q?=3E=22?=\" <billing@vendor.example>\n")
GEN_SENDER(gen_from_ew_comma,
    "From: =?utf-8?q?x=40esp.example=2C?= <billing@vendor.example>\n")
GEN_SENDER(gen_from_two_headers,
    "From: News <news@esp.example>\nFrom: Billing <billing@vendor.example>\n")
GEN_SENDER(gen_from_second_mailbox,
    "From: News <news@esp.example>, Billing <billing@vendor.example>\n")
GEN_SENDER(gen_from_group,
    "From: Billing team: billing@vendor.example;\n")
GEN_SENDER(gen_sender_header,
    "From: News <news@esp.example>\nSender: billing@vendor.example\n")
GEN_SENDER(gen_resent_from,
    "From: News <news@esp.example>\nResent-From: billing@vendor.example\n")
GEN_SENDER(gen_from_trailing_dot,
    "From: Billing <billing@vendor.example.>\n")
GEN_SENDER(gen_from_upper_case,
    "From: Billing <BILLING@VENDOR.EXAMPLE>\n")
GEN_SENDER(gen_from_subdomain,
    "From: Billing <billing@mail.Vendor.Example.>\n")
GEN_SENDER(gen_from_folded,
    "From: =?utf-8?q?Billing?=\n <billing@vendor.example>\n")
GEN_SENDER(gen_from_no_address,
    "From: Billing Department\n")
GEN_SENDER(gen_from_unterminated_quote,
    "From: \"Billing <billing@vendor.example>\n")
GEN_SENDER(gen_from_unterminated_angle,
    "From: Billing <billing@vendor.example\n")
GEN_SENDER(gen_from_empty_group,
    "From: undisclosed-recipients:;\n")
GEN_SENDER(gen_from_esp_only,
    "From: News <news@esp.example>\n")
GEN_SENDER(gen_from_vendor_in_comment,
    "From: news@esp.example (billing@vendor.example)\n")
GEN_SENDER(gen_from_vendor_in_display,
    "From: \"billing@vendor.example\" <news@esp.example>\n")

/* gen_from_after_headers - the vendor From after 10,001 other fields */
static void
gen_from_after_headers(struct strbuf *m)
{
	size_t i;

	for (i = 0; i < 10001; i++)
		strbuf_appendf(m, "X-Filler-%zu: v\n", i);
	gen_from_upper_case(m);
}

/* gen_from_after_1mib - the vendor From after 1.2 MiB of header bytes */
static void
gen_from_after_1mib(struct strbuf *m)
{
	size_t i;

	for (i = 0; i < 20; i++) {
		strbuf_appendf(m, "X-Filler-%zu: ", i);
		gen_repeat(m, "0123456789", 6000);
		strbuf_append_char(m, '\n');
	}
	gen_from_ew_lt(m);
}

/* gen_from_70kb_name - a 70 KB display name pushes the address past max_header_len */
static void
gen_from_70kb_name(struct strbuf *m)
{
	strbuf_append_str(m, "From: \"");
	gen_repeat(m, "Billing ", 70 * 1024 / 8);
	strbuf_append_str(m, "\" <billing@vendor.example>\n"
	    "To: admin@contoso.example\nSubject: Notice\n\nYour invoice is attached.\n");
}

/* Recipient forms (issue 11 item 4): each must reach the customer's decision. */
#define ENV_RCPT(fn, addr) \
static void \
fn(struct scan *s) \
{ \
	scan_add_rcpt(s, addr); \
	scan_add_rcpt(s, FABRIKAM); \
}

ENV_RCPT(env_trailing_dot, "<admin@contoso.example.>")
ENV_RCPT(env_upper_trailing_dot, "<ADMIN@CONTOSO.EXAMPLE.>")
ENV_RCPT(env_percent_hack, "<admin%contoso.example@relay.vendor.example>")
ENV_RCPT(env_percent_no_at, "<admin%contoso.example>")
ENV_RCPT(env_percent_two, "<admin%contoso.example%relay2.example@relay.vendor.example>")
ENV_RCPT(env_bang_path, "<contoso.example!admin>")
ENV_RCPT(env_bang_two_hops, "<relay.example!contoso.example!admin>")
ENV_RCPT(env_bang_at_relay, "<contoso.example!admin@relay.vendor.example>")
ENV_RCPT(env_quoted_special, "<\"a>b\"@contoso.example>")
ENV_RCPT(env_quoted_plain, "<\"admin\"@contoso.example>")
ENV_RCPT(env_quoted_address, "<\"admin@contoso.example\"@relay.vendor.example>")
ENV_RCPT(env_unquoted_gt, "<a>b@contoso.example>")
ENV_RCPT(env_source_route, "<@relay.vendor.example:admin@contoso.example>")
ENV_RCPT(env_source_route_two, "<@r1.example,@r2.example:admin@contoso.example.>")
ENV_RCPT(env_idn_alabel, "<admin@xn--bcher-kva.example>")
ENV_RCPT(env_idn_alabel_upper, "<admin@XN--BCHER-KVA.EXAMPLE>")
ENV_RCPT(env_idn_ulabel, "<admin@b\xc3\xbc" "cher.example>")
ENV_RCPT(env_idn_ulabel_upper, "<admin@B\xc3\x9c" "CHER.example>")
ENV_RCPT(env_idn_nfd, "<admin@bu\xcc\x88" "cher.example>")
ENV_RCPT(env_unreadable_local, "<postmaster>")
ENV_RCPT(env_unreadable_route, "<@relay.vendor.example:>")
ENV_RCPT(env_unreadable_overflow, "<a!b%c@d!e%f@g!h%i@j!k%l@m>")
ENV_RCPT(env_two_customers, "<it%fabrikam.example@contoso.example>")

/*
 * HTML5 twins (tests/hostile/msgs/html5_*.eml): each hides, splits or
 * spells its words the way an HTML5 browser reads them, and must classify
 * exactly like its plain original: plain_invoice, plain_outage, or (for an
 * outage word the reader does not see) a message with no visible keyword.
 */
#define TWIN_INVOICE(n)	{ .name = n, .class = "subscription", .contoso = D_REROUTE, \
	.fabrikam = D_REROUTE, .body_has = "invoice" }
#define TWIN_OUTAGE(n)	{ .name = n, .class = "incident", .contoso = D_DELIVER, \
	.fabrikam = D_DELIVER, .body_has = "outage" }
#define TWIN_HIDDEN_OUTAGE(n) { .name = n, .class = "other", .contoso = D_QUARANTINE, \
	.fabrikam = D_QUARANTINE, .body_lacks = "outage" }

static const struct hostile_case hostile_cases[] = {
	/* Baselines: one per class. */
	{ .name = "plain_invoice", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE },
	{ .name = "plain_outage", .class = "incident", .contoso = D_DELIVER,
	  .fabrikam = D_DELIVER },
	{ .name = "plain_ea", .class = "non_csp", .contoso = D_REROUTE, .fabrikam = D_DELIVER },
	{ .name = "plain_other", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },

	/* MIME structure. */
	{ .name = "nested_multipart_1000", .gen = gen_nested_multipart_1000, .class = "any",
	  .uncertain = 1, .flags = L, .reason = "nesting too deep", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "nested_multipart_30", .gen = gen_nested_multipart_30,
	  .class = "subscription", .contoso = D_REROUTE, .fabrikam = D_REROUTE,
	  .body_has = "invoice" },
	{ .name = "nested_rfc822_1000", .gen = gen_nested_rfc822, .class = "any",
	  .uncertain = 1, .flags = L, .reason = "nesting too deep", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "tiny_parts_100000", .gen = gen_tiny_parts, .class = "subscription",
	  .uncertain = 1, .flags = L, .reason = "too many MIME parts", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_has = "invoice" },
	/* Budgets are the message's: nested decoders count against them (issue 15, fault 4). */
	{ .name = "encoded_rfc822_parts_budget", .gen = gen_encoded_parts, .class = "subscription",
	  .uncertain = 1, .flags = L, .reason = "too many MIME parts", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_has = "invoice" },
	{ .name = "encoded_rfc822_headers_budget", .gen = gen_encoded_fields,
	  .class = "subscription", .uncertain = 1, .flags = L, .reason = "too many header fields",
	  .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE, .body_has = "invoice" },
	{ .name = "encoded_rfc822_charset_budget", .gen = gen_encoded_charsets,
	  .class = "subscription", .uncertain = 1, .flags = U, .reason = "unknown charset",
	  .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE, .body_has = "invoice" },
	{ .name = "boundary_unclosed", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "no closing boundary" },
	{ .name = "boundary_prefix", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "second outer part", .body_lacks = "xx-inner" },
	{ .name = "boundary_duplicate_param", .class = "any", .uncertain = 1, .flags = U,
	  .reason = "conflicting boundary parameters", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "content_type_conflict", .class = "any", .uncertain = 1, .flags = U,
	  .reason = "conflicting Content-Type", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "cte_conflict", .class = "any", .uncertain = 1, .flags = U,
	  .reason = "conflicting Content-Transfer-Encoding", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "rfc2231_out_of_order", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice", .body_lacks = "decoy" },

	/* Lines and bytes. */
	/* Text past the cap was never looked at: uncertain, the strictest decision. */
	{ .name = "line_20mb_keyword_late", .gen = gen_long_line_late, .class = "other",
	  .uncertain = 1, .flags = T, .reason = "cap", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_has = "lorem ipsum", .body_lacks = "invoice" },
	{ .name = "line_20mb_keyword_early", .gen = gen_long_line_early,
	  .class = "subscription", .uncertain = 1, .flags = T, .reason = "cap",
	  .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE, .body_has = "invoice" },
	{ .name = "headers_50000", .gen = gen_many_headers, .class = "subscription",
	  .uncertain = 1, .flags = L, .reason = "too many header fields",
	  .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE, .body_has = "invoice" },
	{ .name = "nul_bytes", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "bare_cr_header", .class = "any", .uncertain = 1, .flags = U,
	  .reason = "bare CR", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },

	/* Encodings. */
	{ .name = "base64_junk", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached." },
	{ .name = "base64_pad_middle", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "qp_broken", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "=zz" },
	{ .name = "utf7_keyword", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "utf16_no_bom", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached." },
	{ .name = "charset_10k", .gen = gen_charset_10k, .class = "any", .uncertain = 1,
	  .flags = U, .reason = "unknown charset", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "ew_bomb_100000", .gen = gen_ew_bomb, .class = "any", .uncertain = 1,
	  .flags = L, .reason = "header line too long", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "ew_charsets_4000", .gen = gen_ew_charsets, .class = "any", .uncertain = 1,
	  .flags = U, .reason = "unknown charset", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "invalid_utf8", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "\xef\xbf\xbd" },

	/*
	 * Score contests: billing evidence at its threshold is never outvoted,
	 * whatever else the message says or hides.
	 */
	{ .name = "contest_invoice_footer", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE },
	{ .name = "contest_invoice_outage_flood", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE },
	{ .name = "contest_hidden_outage_css", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "contest_nested_alt_hidden", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_lacks = "outage", .hidden_has = "outage outage" },

	/*
	 * Text the reader does not see may make a decision stricter, never
	 * looser: hidden outage words never make an incident.
	 */
	{ .name = "hidden_outage_only_css", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .hidden_has = "outage" },
	{ .name = "hidden_outage_attr", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_opacity", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_title", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_template", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_comment", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_plain_twin", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_amp_part", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage" },
	{ .name = "hidden_invoice_plain_twin", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_lacks = "invoice", .hidden_has = "invoice" },
	{ .name = "hidden_invoice_beside_outage", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "outage", .hidden_has = "invoice" },
	/* The control: an incident the reader sees is still delivered. */
	{ .name = "visible_outage_twin_html", .class = "incident", .contoso = D_DELIVER,
	  .fabrikam = D_DELIVER, .body_has = "outage" },
	/* Text coloured like its background is hidden; a readable banner is not. */
	{ .name = "hidden_outage_white", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_font_near_white", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_black_cell", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "hidden_outage_class_white", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage" },
	{ .name = "visible_outage_banner", .class = "incident", .contoso = D_DELIVER,
	  .fabrikam = D_DELIVER, .body_has = "outage" },

	/* HTML. */
	{ .name = "html_divs_100000", .gen = gen_html_divs, .class = "subscription",
	  .contoso = D_REROUTE, .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "html_double_entity", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_has = "&#105;nvoice", .body_lacks = "your invoice" },
	{ .name = "html_zero_font", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_lacks = "invoice", .hidden_has = "invoice" },

	/* Patterns. */
	{ .name = "backtrack_match_limit", .gen = gen_backtrack, .class = "any", .uncertain = 1,
	  .reason = "inc.backtrack", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },

	/* Envelope. */
	{ .name = "rcpt_10000", .file = "plain_invoice", .envelope = env_10000,
	  .class = "subscription", .contoso = D_REROUTE, .fabrikam = D_REROUTE },
	{ .name = "rcpt_case_twice", .file = "plain_invoice", .envelope = env_case,
	  .class = "subscription", .contoso = D_REROUTE, .fabrikam = D_REROUTE },

	/* Sizes. */
	{ .name = "empty", .class = "other", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	{ .name = "headers_only", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE },
	{ .name = "body_only", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "thank you." },

	/* Evasions that must read as the plain word. */
	{ .name = "fullwidth", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "zero_width", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "html_entity", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "qp_soft_break", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },
	{ .name = "subject_ew_split", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE },
	{ .name = "html_empty_span", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "invoice" },

	/*
	 * Twins of plain_invoice, plain_outage and plain_ea (issue 12): the
	 * same message with each Unicode evasion, letter spacing, or the
	 * phrase wrapped across lines must classify exactly like the original.
	 */
	{ .name = "fold_cyrillic_invoice", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_greek_invoice", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_cyrillic_capitals", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_math_bold", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_math_monospace", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_marks_every_letter", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_precomposed_accents", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_dotless_i", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_lre", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_rle", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_pdf", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_lro", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	/* a reader sees "Your in.dehcatta si eciov": undecidable, not the original */
	{ .name = "fold_bidi_rlo", .class = "subscription", .uncertain = 1, .flags = U,
	  .reason = "bidi override", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE,
	  .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_lri", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_rli", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_fsi", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_pdi", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_bidi_alm", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_variation_selectors", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_tag_characters", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_format_206x", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	/* ... an RLO among them: what a reader sees is reversed, undecidable */
	{ .name = "fold_mixed_evasions", .class = "subscription", .uncertain = 1, .flags = U,
	  .reason = "bidi override", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE,
	  .body_has = "your invoice is attached" },
	{ .name = "fold_qp_marks", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_base64_math_bold", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_html_cyrillic_entities", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice is attached" },
	{ .name = "fold_letter_spaced", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "i n v o i c e" },
	{ .name = "fold_letter_spaced_dots", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "i.n.v.o.i.c.e" },
	{ .name = "fold_html_letter_spaced", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "i n v o i c e" },
	{ .name = "fold_subject_cyrillic", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_lacks = "invoice" },
	{ .name = "fold_cyrillic_outage", .class = "incident", .contoso = D_DELIVER,
	  .fabrikam = D_DELIVER },
	{ .name = "fold_letter_spaced_outage", .class = "incident", .contoso = D_DELIVER,
	  .fabrikam = D_DELIVER },
	{ .name = "fold_wrapped_ea", .class = "non_csp", .contoso = D_REROUTE,
	  .fabrikam = D_DELIVER, .body_has = "enterprise" },
	{ .name = "fold_wrapped_ea_crlf_tabs", .class = "non_csp", .contoso = D_REROUTE,
	  .fabrikam = D_DELIVER, .body_has = "enterprise" },
	{ .name = "fold_greek_ea", .class = "non_csp", .contoso = D_REROUTE,
	  .fabrikam = D_DELIVER, .body_has = "enterprise" },
	/* Part decoding: each twin of plain_invoice hides the word in how a part is encoded. */
	{ .name = "flowed_delsp", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Your invoice is attached." },
	{ .name = "flowed_quoted", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "> Your invoice is attached." },
	{ .name = "flowed_stuffed_qp", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Your invoice is attached." },
	{ .name = "text_markdown", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "**invoice**" },
	{ .name = "text_x_unknown", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Your invoice is attached." },
	{ .name = "text_enriched", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Your invoice is attached.", .body_lacks = "<bold>" },
	{ .name = "text_richtext", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Your invoice is attached." },
	/* An attached CSV invoice is billing evidence: hidden text, counted for subscription. */
	{ .name = "csv_attachment", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Please see the attached file.",
	  .hidden_has = "invoice,amount" },
	/* ...and attached text cannot make a message look harmless: the log's outage counts for nothing. */
	{ .name = "attached_outage_log", .class = "other", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE, .body_lacks = "outage", .hidden_has = "outage detected" },
	{ .name = "unlabelled_latin1", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Votre facturé est disponible." },
	{ .name = "us_ascii_latin1", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "Votre facturé" },
	{ .name = "raw_8bit_subject", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE },
	{ .name = "whatwg_iso_8859_8_i", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "שלום, your invoice" },
	{ .name = "whatwg_windows_949", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "청구서 invoice" },
	/* Text no single charset reads: the strictest decision, never a harmless one. */
	{ .name = "unlabelled_cyrillic", .class = "other", .uncertain = 1, .flags = U,
	  .reason = "neither UTF-8 nor windows-1252", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "unlabelled_shift_jis", .class = "other", .uncertain = 1, .flags = U,
	  .reason = "neither UTF-8 nor windows-1252", .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	{ .name = "whatwg_replacement", .class = "other", .uncertain = 1, .flags = U,
	  .reason = "WHATWG replacement", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE,
	  .body_has = "청구서 notice" },
	/* A label the bytes contradict: undecidable, never quietly mojibake. */
	{ .name = "label_lie_big5_as_utf8", .class = "other", .uncertain = 1, .flags = U,
	  .reason = "labelled UTF-8", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	{ .name = "label_lie_gb18030_as_latin1", .class = "other", .uncertain = 1, .flags = U,
	  .reason = "CJK double-byte", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	{ .name = "label_lie_sjis_as_latin1", .class = "other", .uncertain = 1, .flags = U,
	  .reason = "CJK double-byte", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	/* ... while Latin-1 with accents, smart quotes and a euro sign stays certain */
	{ .name = "latin1_smart_quotes_invoice", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .body_has = "your invoice for" },
	/* Text stored backwards under a bidi override, read forwards: undecidable */
	{ .name = "rlo_reversed_invoice", .class = "other", .uncertain = 1, .flags = U,
	  .reason = "bidi override", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	/* CJK words cut by hard wraps read whole in the collapsed view */
	{ .name = "cjk_hard_wrap_invoice", .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE },

#define SENDER_OK(n, g) \
	{ .name = n, .gen = g, .mail_from = ESP, .class = "subscription", \
	  .contoso = D_REROUTE, .fabrikam = D_REROUTE }
#define SENDER_UNREADABLE(n, g) \
	{ .name = n, .gen = g, .mail_from = ESP, .class = "any", .uncertain = 1, .flags = U, \
	  .reason = "sender", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE }
#define SENDER_NOT_VENDOR(n, g) \
	{ .name = n, .gen = g, .mail_from = ESP, .untouched = 1, .class = "any", \
	  .contoso = D_DELIVER, .fabrikam = D_DELIVER }
	/* Senders: vendor mail however the headers are dressed (item 3). */
	SENDER_OK("from_ew_lt", gen_from_ew_lt),
	SENDER_OK("from_ew_quote", gen_from_ew_quote),
	SENDER_OK("from_ew_in_quotes", gen_from_ew_in_quotes),
	SENDER_OK("from_ew_comma", gen_from_ew_comma),
	SENDER_OK("from_two_headers", gen_from_two_headers),
	SENDER_OK("from_second_mailbox", gen_from_second_mailbox),
	SENDER_OK("from_group", gen_from_group),
	SENDER_OK("sender_header", gen_sender_header),
	SENDER_OK("resent_from", gen_resent_from),
	SENDER_OK("from_trailing_dot", gen_from_trailing_dot),
	SENDER_OK("from_upper_case", gen_from_upper_case),
	SENDER_OK("from_subdomain", gen_from_subdomain),
	SENDER_OK("from_folded", gen_from_folded),
	{ .name = "from_after_10000_headers", .gen = gen_from_after_headers, .mail_from = ESP,
	  .class = "subscription", .uncertain = 1, .flags = L, .reason = "too many header fields",
	  .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	{ .name = "from_after_1mib_headers", .gen = gen_from_after_1mib, .mail_from = ESP,
	  .class = "subscription", .uncertain = 1, .flags = L, .reason = "header block too large",
	  .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	{ .name = "from_70kb_display_name", .gen = gen_from_70kb_name, .mail_from = ESP,
	  .class = "any", .uncertain = 1, .flags = U | L, .contoso = D_QUARANTINE,
	  .fabrikam = D_QUARANTINE },
	SENDER_UNREADABLE("from_no_address", gen_from_no_address),
	SENDER_UNREADABLE("from_unterminated_quote", gen_from_unterminated_quote),
	SENDER_UNREADABLE("from_unterminated_angle", gen_from_unterminated_angle),
	SENDER_UNREADABLE("from_empty_group", gen_from_empty_group),
	{ .name = "mail_from_unreadable", .gen = gen_from_esp_only, .mail_from = "<\"x@>",
	  .class = "any", .uncertain = 1, .flags = U, .reason = "sender",
	  .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	{ .name = "mail_from_quoted_vendor", .gen = gen_from_esp_only,
	  .mail_from = "<\"a>b\"@vendor.example>", .class = "subscription",
	  .contoso = D_REROUTE, .fabrikam = D_REROUTE },
	{ .name = "mail_from_percent_vendor", .gen = gen_from_esp_only,
	  .mail_from = "<x%vendor.example@esp.example>", .class = "subscription",
	  .contoso = D_REROUTE, .fabrikam = D_REROUTE },
	{ .name = "mail_from_trailing_dot", .gen = gen_from_esp_only,
	  .mail_from = "<Billing@Vendor.Example.>", .class = "subscription",
	  .contoso = D_REROUTE, .fabrikam = D_REROUTE },
	/* Controls: an address only in a comment or a display name is not the sender. */
	SENDER_NOT_VENDOR("from_esp_only", gen_from_esp_only),
	SENDER_NOT_VENDOR("from_vendor_in_comment", gen_from_vendor_in_comment),
	SENDER_NOT_VENDOR("from_vendor_in_display", gen_from_vendor_in_display),

#define RCPT_FORM(n, e) \
	{ .name = n, .file = "plain_invoice", .envelope = e, .class = "subscription", \
	  .contoso = D_REROUTE, .fabrikam = D_REROUTE }
	/* Recipients: every form the MTA delivers to the customer finds the customer (item 4). */
	RCPT_FORM("rcpt_trailing_dot", env_trailing_dot),
	RCPT_FORM("rcpt_upper_trailing_dot", env_upper_trailing_dot),
	RCPT_FORM("rcpt_percent_hack", env_percent_hack),
	RCPT_FORM("rcpt_percent_no_at", env_percent_no_at),
	RCPT_FORM("rcpt_percent_two", env_percent_two),
	RCPT_FORM("rcpt_bang_path", env_bang_path),
	RCPT_FORM("rcpt_bang_two_hops", env_bang_two_hops),
	RCPT_FORM("rcpt_bang_at_relay", env_bang_at_relay),
	RCPT_FORM("rcpt_quoted_special", env_quoted_special),
	RCPT_FORM("rcpt_quoted_plain", env_quoted_plain),
	RCPT_FORM("rcpt_quoted_address", env_quoted_address),
	RCPT_FORM("rcpt_unquoted_gt", env_unquoted_gt),
	RCPT_FORM("rcpt_source_route", env_source_route),
	RCPT_FORM("rcpt_source_route_two", env_source_route_two),
	RCPT_FORM("rcpt_idn_alabel", env_idn_alabel),
	RCPT_FORM("rcpt_idn_alabel_upper", env_idn_alabel_upper),
	RCPT_FORM("rcpt_idn_ulabel", env_idn_ulabel),
	RCPT_FORM("rcpt_idn_ulabel_upper", env_idn_ulabel_upper),
	RCPT_FORM("rcpt_idn_nfd", env_idn_nfd),
	/* Both readings name a customer: the most restrictive one decides. */
	{ .name = "rcpt_two_customers", .file = "plain_ea", .envelope = env_two_customers,
	  .class = "non_csp", .contoso = D_REROUTE, .fabrikam = D_DELIVER },
	/* A local submission: no recipient removal is trusted, so a reroute is held. */
	{ .name = "local_submission_invoice", .file = "plain_invoice", .envelope = env_trailing_dot,
	  .local = 1, .class = "subscription", .contoso = D_QUARANTINE, .fabrikam = D_QUARANTINE },
	{ .name = "local_submission_outage", .file = "plain_outage", .envelope = env_trailing_dot,
	  .local = 1, .class = "incident", .contoso = D_DELIVER, .fabrikam = D_DELIVER },
	/* Unreadable: held, even for an incident that a customer would get directly. */
	{ .name = "rcpt_unreadable_local", .file = "plain_outage", .envelope = env_unreadable_local,
	  .class = "incident", .contoso = D_DELIVER, .fabrikam = D_DELIVER,
	  .odd = 1 + D_QUARANTINE },
	{ .name = "rcpt_unreadable_route", .file = "plain_outage", .envelope = env_unreadable_route,
	  .class = "incident", .contoso = D_DELIVER, .fabrikam = D_DELIVER,
	  .odd = 1 + D_QUARANTINE },
	{ .name = "rcpt_unreadable_overflow", .file = "plain_invoice",
	  .envelope = env_unreadable_overflow, .class = "subscription", .contoso = D_REROUTE,
	  .fabrikam = D_REROUTE, .odd = 1 + D_QUARANTINE },
	/* HTML5 twins: the tokenizer and hidden text as a browser has them. */
	TWIN_INVOICE("html5_comment_short"),
	TWIN_INVOICE("html5_comment_short_dash"),
	TWIN_INVOICE("html5_comment_bang_close"),
	TWIN_INVOICE("html5_comment_bang_dash"),
	TWIN_INVOICE("html5_comment_nested_open"),
	TWIN_INVOICE("html5_cdata_in_html"),
	TWIN_INVOICE("html5_cdata_in_svg"),
	TWIN_INVOICE("html5_pi_bogus"),
	TWIN_INVOICE("html5_end_tag_digit"),
	TWIN_INVOICE("html5_numeric_no_semicolon"),
	TWIN_INVOICE("html5_numeric_leading_zeros"),
	TWIN_INVOICE("html5_numeric_many_zeros"),
	TWIN_INVOICE("html5_hex_no_semicolon"),
	TWIN_INVOICE("html5_named_invisible_times"),
	TWIN_INVOICE("html5_named_invisible_comma"),
	TWIN_INVOICE("html5_named_apply_function"),
	TWIN_INVOICE("html5_named_invisible_separator"),
	TWIN_INVOICE("html5_legacy_nbsp"),
	TWIN_INVOICE("html5_legacy_amp"),
	TWIN_INVOICE("html5_hidden_span_in_word"),
	TWIN_INVOICE("html5_hidden_div_in_word"),
	TWIN_INVOICE("html5_hidden_attr_in_word"),
	TWIN_INVOICE("html5_zero_font_in_word"),
	TWIN_INVOICE("html5_comment_in_word"),
	TWIN_INVOICE("html5_inline_div_in_word"),
	TWIN_INVOICE("html5_stray_end_tag_in_word"),
	TWIN_INVOICE("html5_stray_end_tags_in_word"),
	TWIN_INVOICE("html5_empty_alt_in_word"),
	TWIN_INVOICE("html5_img_alt"),
	TWIN_INVOICE("html5_area_alt"),
	TWIN_INVOICE("html5_alt_entity"),
	TWIN_INVOICE("html5_textarea"),
	TWIN_INVOICE("html5_xmp"),
	TWIN_INVOICE("html5_noscript"),
	TWIN_INVOICE("html5_head_text"),
	TWIN_INVOICE("html5_plaintext"),
	TWIN_INVOICE("html5_aria_hidden"),
	TWIN_INVOICE("html5_p_closed_by_div"),
	TWIN_INVOICE("html5_script_double_escape"),
	TWIN_OUTAGE("html5_outage_hidden_in_word"),
	TWIN_OUTAGE("html5_outage_stray_end_tag"),
	TWIN_OUTAGE("html5_outage_numeric"),
	TWIN_OUTAGE("html5_outage_alt"),
	TWIN_OUTAGE("html5_outage_comment_short"),
	TWIN_HIDDEN_OUTAGE("html5_selfclosed_span"),
	TWIN_HIDDEN_OUTAGE("html5_end_tag_past_div"),
	TWIN_HIDDEN_OUTAGE("html5_script_escaped"),
	TWIN_HIDDEN_OUTAGE("html5_iframe"),
	TWIN_HIDDEN_OUTAGE("html5_noembed"),
	TWIN_HIDDEN_OUTAGE("html5_noframes"),
	TWIN_HIDDEN_OUTAGE("html5_css_escape"),
	TWIN_HIDDEN_OUTAGE("html5_css_comment"),
	TWIN_HIDDEN_OUTAGE("html5_entity_in_style"),
	TWIN_HIDDEN_OUTAGE("html5_body_after_end"),
	TWIN_HIDDEN_OUTAGE("html5_mso_hide"),
	TWIN_HIDDEN_OUTAGE("html5_font_shorthand"),
	TWIN_HIDDEN_OUTAGE("html5_text_indent"),
	TWIN_HIDDEN_OUTAGE("html5_bogus_comment"),
	TWIN_HIDDEN_OUTAGE("html5_pi"),
	TWIN_HIDDEN_OUTAGE("html5_cdata_in_html_hidden"),
	TWIN_HIDDEN_OUTAGE("html5_style_block_class"),
	TWIN_HIDDEN_OUTAGE("html5_details_closed"),
	TWIN_HIDDEN_OUTAGE("html5_reopened_formatting"),
	TWIN_INVOICE("html5_details_summary"),
	TWIN_HIDDEN_OUTAGE("html5_title_rcdata"),
};

/* load_message - the case's message, from its file or its generator */
static void
load_message(const struct hostile_case *hc, struct strbuf *m)
{
	char *path;
	struct stat st;
	ssize_t n;
	int fd;

	strbuf_reset(m);
	if (hc->gen != NULL) {
		hc->gen(m);
		return;
	}
	path = unit_strf("%s/tests/hostile/msgs/%s.eml", unit_srcdir(),
	    hc->file != NULL ? hc->file : hc->name);
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0)
		fail_msg("cannot read %s", path);
	strbuf_grow(m, (size_t)st.st_size + 1);
	while ((n = read(fd, m->data + m->len, (size_t)st.st_size - m->len)) > 0)
		m->len += (size_t)n;
	if (m->data != NULL)
		m->data[m->len] = '\0';
	close(fd);
	free(path);
}

/* envelope - the sender and the recipients of the case */
static void
envelope(const struct hostile_case *hc, struct scan *s)
{
	scan_set_sender(s, hc->mail_from != NULL ? hc->mail_from : VENDOR);
	if (hc->envelope != NULL) {
		hc->envelope(s);
		return;
	}
	scan_add_rcpt(s, CONTOSO);
	scan_add_rcpt(s, FABRIKAM);
}

/*
 * milter_feed - the milter path: split the header block into fields as
 * libmilter hands them over (name, value without the colon and leading
 * blanks, folded lines joined by LF, CRLF as LF), then the body in chunks.
 * The header block ends at an empty line or at a line that is neither a
 * field nor a continuation; that line starts the body.  Values are C
 * strings, as in libmilter, so a NUL ends one.
 */
static void
milter_feed(struct scan *s, const char *m, size_t len)
{
	struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;
	size_t pos = 0, eol, end, n;
	int have = 0;
	const char *colon, *v;

	if (len >= 5 && memcmp(m, "From ", 5) == 0) {
		const char *lf = memchr(m, '\n', len);

		pos = lf != NULL ? (size_t)(lf - m) + 1 : len;
	}
	while (pos < len) {
		const char *lf = memchr(m + pos, '\n', len - pos);

		eol = lf != NULL ? (size_t)(lf - m) : len;
		end = eol;
		if (end > pos && m[end - 1] == '\r')
			end--;
		if (end == pos) {	/* the empty line */
			pos = lf != NULL ? eol + 1 : len;
			break;
		}
		if ((m[pos] == ' ' || m[pos] == '\t') && have) {
			strbuf_append_char(&value, '\n');
			strbuf_append(&value, m + pos, end - pos);
		} else if ((colon = memchr(m + pos, ':', end - pos)) != NULL) {
			if (have)
				scan_header(s, name.data, value.data);
			strbuf_reset(&name);
			strbuf_reset(&value);
			n = (size_t)(colon - (m + pos));
			while (n > 0 && (m[pos + n - 1] == ' ' || m[pos + n - 1] == '\t'))
				n--;
			strbuf_append(&name, m + pos, n);
			for (v = colon + 1; v < m + end && (*v == ' ' || *v == '\t'); v++)
				;
			strbuf_append(&value, v, (size_t)(m + end - v));
			have = 1;
		} else
			break;	/* not a header: the body starts here */
		pos = lf != NULL ? eol + 1 : len;
	}
	if (have)
		scan_header(s, name.data, value.data != NULL ? value.data : "");
	scan_end_headers(s);
	while (pos < len && !scan_saturated(s)) {
		n = len - pos < CHUNK ? len - pos : CHUNK;
		scan_body(s, m + pos, n);
		pos += n;
	}
	strbuf_release(&name);
	strbuf_release(&value);
}

/* raw_feed - the raw path in 64 KiB chunks */
static void
raw_feed(struct scan *s, const char *m, size_t len)
{
	size_t pos, n;

	for (pos = 0; pos < len; pos += n) {
		n = len - pos < CHUNK ? len - pos : CHUNK;
		scan_raw(s, m + pos, n);
	}
}

/* decision_letter - one letter per decision, for a compact comparison */
static char
decision_letter(enum decision d)
{
	return "dtrqx"[d];
}

/* check_plan - partners planned once each, and only for a rerouted customer */
static void
check_plan(const char *row, const struct scan_result *s, const struct action_plan *plan,
    struct outcome *o)
{
	int want_a = 0, want_b = 0, got_a = 0, got_b = 0;
	size_t i;

	for (i = 0; i < s->rcpt_count; i++) {
		if (s->rcpts[i].decision != DECISION_REROUTE || s->rcpts[i].cust == NULL)
			continue;
		if (strstr(s->rcpts[i].cust->partner, "@partner-a.example") != NULL)
			want_a = 1;
		else
			want_b = 1;
	}
	for (i = 0; i < plan->addrcpt_count; i++) {
		got_a += strcasecmp(plan->addrcpt[i], PARTNER_A) == 0;
		got_b += strcasecmp(plan->addrcpt[i], PARTNER_B) == 0;
		strbuf_append_str(&o->addrcpt, plan->addrcpt[i]);
		strbuf_append_char(&o->addrcpt, '\n');
	}
	if (got_a != want_a || got_b != want_b || plan->addrcpt_count != (size_t)(want_a + want_b))
		fail_msg("%s: partner additions %zu (a %d, b %d), want a %d, b %d", row,
		    plan->addrcpt_count, got_a, got_b, want_a, want_b);
}

/* run_path - one pass, raw or milter, recording the outcome */
static void
run_path(const struct hostile_case *hc, struct scan *s, const struct strbuf *m, int milter,
    struct outcome *o)
{
	const struct scan_result *sr;
	struct action_plan plan;
	const char *row = hc->name;
	size_t i;

	scan_begin(s, unit_conf);
	envelope(hc, s);
	if (milter)
		milter_feed(s, m->data, m->len);
	else
		raw_feed(s, m->data, m->len);
	scan_decide(s, 0);
	if (hc->local)
		scan_hold_removals(s);
	sr = scan_result(s);
	strbuf_reset(&o->decisions);
	strbuf_reset(&o->addrcpt);
	strbuf_reset(&o->reason);
	if (hc->untouched) {
		if (sr->vendor)
			fail_msg("%s: the sender was taken as vendor-side", row);
		o->flags = sr->text_flags;
		return;
	}
	if (!sr->vendor)
		fail_msg("%s: the sender was not taken as vendor-side", row);
	o->class = sr->classify->class;
	o->uncertain = sr->classify->uncertain;
	o->flags = sr->text_flags;
	strbuf_reset(&o->reason);
	strbuf_append(&o->reason, sr->classify->reason.data != NULL ? sr->classify->reason.data : "",
	    sr->classify->reason.len);
	strbuf_reset(&o->decisions);
	strbuf_reset(&o->addrcpt);
	for (i = 0; i < sr->rcpt_count; i++) {
		const struct scan_recipient *r = &sr->rcpts[i];
		enum decision want = DECISION_COUNT;

		if (hc->odd != 0 && r->canon[0] == '\0')
			want = (enum decision)(hc->odd - 1);
		else if (strstr(r->canon, "contoso.example") != NULL ||
		    strstr(r->canon, "xn--bcher-kva.example") != NULL)
			want = hc->contoso;
		else if (strstr(r->canon, "fabrikam.example") != NULL)
			want = hc->fabrikam;
		else
			fail_msg("%s: unexpected recipient %s", row, r->rcpt);
		if (r->decision != want)
			fail_msg("%s (%s path): %s got %s, want %s", row, milter ? "milter" : "raw",
			    r->rcpt, decision_name(r->decision), decision_name(want));
		strbuf_append_char(&o->decisions, decision_letter(r->decision));
	}
	action_plan_init(&plan);
	action_plan_build(&plan, sr);
	check_plan(row, sr, &plan, o);
	action_plan_release(&plan);
}

/* holds - does text hold what, folded like the decoded text (text_norm)? */
static int
holds(const char *text, size_t len, const char *what)
{
	struct strbuf f = STRBUF_INIT;
	int found;

	text_norm_fold(&f, what, strlen(what));
	found = text != NULL && f.len > 0 && memmem(text, len, f.data, f.len) != NULL;
	strbuf_release(&f);
	return found;
}

/* check_text - what the decoded text must and must not hold (raw path) */
static void
check_text(const struct hostile_case *hc, struct scan *s)
{
	const char *body, *hidden;
	size_t blen, hlen;

	body = msg_text_body(scan_result(s)->text, &blen);
	hidden = msg_text_hidden(scan_result(s)->text, &hlen);
	if (hc->body_has != NULL && !holds(body, blen, hc->body_has))
		fail_msg("%s: the body lacks \"%s\"", hc->name, hc->body_has);
	if (hc->body_lacks != NULL && holds(body, blen, hc->body_lacks))
		fail_msg("%s: the body holds \"%s\"", hc->name, hc->body_lacks);
	if (hc->hidden_has != NULL && !holds(hidden, hlen, hc->hidden_has))
		fail_msg("%s: the hidden text lacks \"%s\"", hc->name, hc->hidden_has);
}

/* check_outcome - the raw outcome against the table row */
static void
check_outcome(const struct hostile_case *hc, const struct outcome *o)
{
	const char *row = hc->name;

	if (hc->untouched)
		return;
	if (strcmp(hc->class, "any") != 0)
		unit_expect_str(row, csp_class_name(o->class), hc->class);
	unit_expect_int(row, o->uncertain, hc->uncertain);
	unit_expect_int(row, o->flags, hc->flags);
	if (hc->reason != NULL)
		unit_expect_contains(row, o->reason.data, hc->reason);
	if (!hc->uncertain && o->reason.len != 0)
		fail_msg("%s: certain, yet the reason is \"%s\"", row, o->reason.data);
	/* A reason is a log line: bounded whatever the input. */
	if (o->reason.len > 200)
		fail_msg("%s: reason of %zu bytes", row, o->reason.len);
}

/* outcome_same - the milter path must agree with the raw path */
static void
outcome_same(const char *row, const struct outcome *a, const struct outcome *b)
{
	unit_expect_str(row, csp_class_name(b->class), csp_class_name(a->class));
	unit_expect_int(row, b->uncertain, a->uncertain);
	unit_expect_int(row, b->flags, a->flags);
	unit_expect_str(row, b->reason.data ? b->reason.data : "", a->reason.data ? a->reason.data : "");
	unit_expect_str(row, b->decisions.data ? b->decisions.data : "",
	    a->decisions.data ? a->decisions.data : "");
	unit_expect_str(row, b->addrcpt.data ? b->addrcpt.data : "",
	    a->addrcpt.data ? a->addrcpt.data : "");
}

/* hostile_message - one table row through both paths */
static void
hostile_message(void **state)
{
	const struct hostile_case *hc = *state;
	struct outcome raw = { 0 }, mil = { 0 };
	struct strbuf m = STRBUF_INIT;
	struct scan *s = scan_new();
	struct rusage ru;

	assert_non_null(s);
	load_message(hc, &m);
	run_path(hc, s, &m, 0, &raw);
	check_text(hc, s);
	check_outcome(hc, &raw);
	run_path(hc, s, &m, 1, &mil);
	outcome_same(hc->name, &raw, &mil);
	getrusage(RUSAGE_SELF, &ru);
	print_message("hostile %s: %zu bytes, class %s, uncertain %d, flags %d, decisions %.8s%s, "
	    "reason \"%s\", peak RSS %ld KiB\n", hc->name, m.len, csp_class_name(raw.class),
	    raw.uncertain, raw.flags, raw.decisions.data, raw.decisions.len > 8 ? "..." : "",
	    raw.reason.data ? raw.reason.data : "", ru.ru_maxrss);
	strbuf_release(&raw.reason);
	strbuf_release(&raw.decisions);
	strbuf_release(&raw.addrcpt);
	strbuf_release(&mil.reason);
	strbuf_release(&mil.decisions);
	strbuf_release(&mil.addrcpt);
	strbuf_release(&m);
	scan_free(&s);
}

/* main - one cmocka test per table row, named after it */
int
main(void)
{
	struct CMUnitTest tests[UNIT_NELEM(hostile_cases)];
	size_t i;

	for (i = 0; i < UNIT_NELEM(hostile_cases); i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = hostile_cases[i].name;
		tests[i].test_func = hostile_message;
		tests[i].initial_state = (void *)&hostile_cases[i];
	}
	return _cmocka_run_group_tests("hostile", tests, UNIT_NELEM(hostile_cases),
	    unit_conf_setup_hostile, unit_conf_teardown);
}
