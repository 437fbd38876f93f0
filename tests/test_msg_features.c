/* test_msg_features - the learned model's features of a decoded message */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "msg_features.h"
#include "strbuf.h"
#include "unit.h"

#define BITS 18
#define SEED 0x5eedc5b0ULL

/* make_text - a decoded message with a From, a Subject and a visible body */
static struct msg_text *
make_text(const char *from, const char *subject, const char *body)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);

	assert_non_null(mt);
	if (from != NULL)
		msg_text_add_header(mt, "From", from, strlen(from));
	if (subject != NULL)
		msg_text_add_header(mt, "Subject", subject, strlen(subject));
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
	return mt;
}

/* extract - the features of mt through s, names kept */
static size_t
extract(struct msg_features_scratch *s, const struct msg_text *mt, const struct feature **f)
{
	size_t n;

	msg_features_keep_names(s, 1);
	msg_features_extract(s, mt, BITS, SEED, f, &n);
	return n;
}

/* has - is the named feature in the vector, under its hashed index and its kept name? */
static int
has(struct msg_features_scratch *s, const struct feature *f, size_t n, const char *name)
{
	uint32_t index = msg_features_hash(name, strlen(name), BITS, SEED);
	const char *kept;
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i].index == index) {
			kept = msg_features_name(s, index);
			return kept != NULL && strcmp(kept, name) == 0;
		}
	return 0;
}

/* msg_features_hash_stable - the index of a string never changes: model files depend on it */
static void
msg_features_hash_stable(void **state)
{
	static const char *const names[] = { "w:invoic", "s:outag", "w:請求", "fd:n=2" };
	uint32_t a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		a = msg_features_hash(names[i], strlen(names[i]), 18, SEED);
		assert_true(a < (1u << 18));
		assert_int_equal(a, msg_features_hash(names[i], strlen(names[i]), 18, SEED));
		assert_true(msg_features_hash(names[i], strlen(names[i]), 10, SEED) < (1u << 10));
	}
	/* Golden values, computed once: FNV-1a from the seed, splitmix64 finaliser, top bits. */
	assert_int_equal(msg_features_hash("w:invoic", 8, 18, SEED), 231703);
	assert_int_equal(msg_features_hash("w:請求", strlen("w:請求"), 18, SEED), 161899);
	/* The seed and the prefix change the index. */
	assert_int_not_equal(msg_features_hash("w:invoic", 8, 18, SEED),
	    msg_features_hash("w:invoic", 8, 18, 1));
	assert_int_not_equal(msg_features_hash("w:invoic", 8, 18, SEED),
	    msg_features_hash("s:invoic", 8, 18, SEED));
}

/* msg_features_extract_repeatable - the same message gives the same vector, in any scratch */
static void
msg_features_extract_repeatable(void **state)
{
	struct msg_features_scratch *a = msg_features_scratch_new(), *b = msg_features_scratch_new();
	struct msg_text *mt = make_text("Billing <billing@vendor.example>", "Invoice",
	    "Your invoice is ready. Your invoice is attached. 請求書をご確認ください。");
	struct msg_text *other = make_text(NULL, "Outage", "A regional outage was resolved.");
	const struct feature *f, *g;
	struct feature *copy;
	size_t n, m;

	(void)state;
	n = extract(a, mt, &f);
	assert_true(n > 5);
	copy = malloc(n * sizeof(*copy));
	memcpy(copy, f, n * sizeof(*copy));
	/* Another message in between must leave nothing behind. */
	(void)extract(a, other, &g);
	m = extract(a, mt, &g);
	assert_int_equal(m, n);
	assert_memory_equal(copy, g, n * sizeof(*g));
	m = extract(b, mt, &g);
	assert_int_equal(m, n);
	assert_memory_equal(copy, g, n * sizeof(*g));
	free(copy);
	msg_text_free(&mt);
	msg_text_free(&other);
	msg_features_scratch_free(&a);
	msg_features_scratch_free(&b);
}

/* msg_features_extract_normalised - each index once, values are unit L2 with log counts */
static void
msg_features_extract_normalised(void **state)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct msg_text *mt = make_text(NULL, NULL, "outage outage outage region");
	const struct feature *f;
	uint32_t i_outag = msg_features_hash("w:outag", 7, BITS, SEED);
	uint32_t i_region = msg_features_hash("w:region", 8, BITS, SEED);
	double sum = 0, v_outag = 0, v_region = 0;
	size_t n, i, k;

	(void)state;
	n = extract(s, mt, &f);
	for (i = 0; i < n; i++) {
		for (k = 0; k < i; k++)
			assert_int_not_equal(f[k].index, f[i].index);
		sum += (double)f[i].value * f[i].value;
		if (f[i].index == i_outag)
			v_outag = f[i].value;
		if (f[i].index == i_region)
			v_region = f[i].value;
	}
	assert_true(fabs(sum - 1.0) < 1e-5);
	/* Three "outage" against one "region": 1 + ln 3 to 1. */
	assert_true(v_region > 0);
	assert_true(fabs(v_outag / v_region - (1.0 + log(3.0))) < 1e-4);
	msg_text_free(&mt);
	msg_features_scratch_free(&s);
}

/* msg_features_extract_cjk - Han, kana and Hangul give character bigrams; a lone character counts alone */
static void
msg_features_extract_cjk(void **state)
{
	static const struct {
		const char *body;
		const char *present[4];
		const char *absent[3];
	} rows[] = {
		{ "請求書", { "w:請求", "w:求書", NULL }, { "w:請", "w:請求書", NULL } },
		{ "お支払い", { "w:お支", "w:支払", "w:払い", NULL }, { "w:お", NULL } },
		{ "メンテナンス", { "w:メン", "w:ンテ", "w:ナン", NULL }, { NULL } },
		{ "결제 실패", { "w:결제", "w:실패", NULL }, { "w:제 실", NULL } },
		{ "2024年3月", { "w:年", "w:月", NULL }, { NULL } },
		/* A CJK run breaks word bigrams. */
		{ "invoice 請求 payment", { "w:invoic", "w:payment", "w:請求", NULL },
		  { "w:invoic payment", NULL } },
	};
	struct msg_features_scratch *s = msg_features_scratch_new();
	const struct feature *f;
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct msg_text *mt = make_text(NULL, NULL, rows[i].body);

		n = extract(s, mt, &f);
		for (k = 0; rows[i].present[k] != NULL; k++)
			if (!has(s, f, n, rows[i].present[k]))
				fail_msg("%s: no %s", rows[i].body, rows[i].present[k]);
		for (k = 0; rows[i].absent[k] != NULL; k++)
			if (has(s, f, n, rows[i].absent[k]))
				fail_msg("%s: unexpected %s", rows[i].body, rows[i].absent[k]);
		msg_text_free(&mt);
	}
	msg_features_scratch_free(&s);
}

/* msg_features_extract_stemming - the stop words pick the language, Snowball stems its words */
static void
msg_features_extract_stemming(void **state)
{
	static const struct {
		const char *body;
		const char *language;
		const char *present[4];
		const char *absent[3];
	} rows[] = {
		{ "We were unable to charge your credit card for the invoices.", "english",
		  { "w:unabl", "w:charg", "w:invoic", NULL }, { "w:the", "w:invoices", NULL } },
		{ "Die Rechnungen für Ihr Abonnement sind bereit und werden abgebucht.", "german",
		  { "w:rechnung", "w:abonnement", NULL }, { "w:die", NULL } },
		{ "Votre abonnement est suspendu et les factures sont impayées.", "french",
		  { "w:abon", "w:factur", NULL }, { "w:les", NULL } },
		{ "Su suscripción fue renovada y las facturas están disponibles para el pago.", "spanish",
		  { "w:suscripcion", "w:factur", NULL }, { "w:las", NULL } },
		{ "O pagamento da sua assinatura não foi concluído e as faturas estão em aberto.",
		  "portuguese", { "w:pagament", "w:assinatur", "w:fatur", NULL }, { "w:não", NULL } },
		/* Case folds, and a number is "#" beside a word, never alone. */
		{ "INVOICE 12345 is due", "english", { "w:invoic", "w:invoic #", "w:# due", NULL },
		  { "w:#", "w:12345", NULL } },
	};
	struct msg_features_scratch *s = msg_features_scratch_new();
	const struct feature *f;
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct msg_text *mt = make_text(NULL, NULL, rows[i].body);

		n = extract(s, mt, &f);
		assert_string_equal(msg_features_language(s), rows[i].language);
		for (k = 0; rows[i].present[k] != NULL; k++)
			if (!has(s, f, n, rows[i].present[k]))
				fail_msg("%s: no %s", rows[i].body, rows[i].present[k]);
		for (k = 0; rows[i].absent[k] != NULL; k++)
			if (has(s, f, n, rows[i].absent[k]))
				fail_msg("%s: unexpected %s", rows[i].body, rows[i].absent[k]);
		msg_text_free(&mt);
	}
	msg_features_scratch_free(&s);
}

/* msg_features_extract_fields_apart - subject, body and sender features never mix */
static void
msg_features_extract_fields_apart(void **state)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct msg_text *mt = make_text("\"Billing Team\" <Billing-Team2@mail.vendor.example>",
	    "Outage report", "Your invoice is ready.");
	const struct feature *f;
	size_t n;

	(void)state;
	n = extract(s, mt, &f);
	assert_true(has(s, f, n, "s:outag"));
	assert_true(has(s, f, n, "s:outag report"));
	assert_false(has(s, f, n, "w:outag"));
	assert_true(has(s, f, n, "w:invoic"));
	assert_false(has(s, f, n, "s:invoic"));
	assert_true(has(s, f, n, "fl:billing-team#"));
	assert_true(has(s, f, n, "ft:billing"));
	assert_true(has(s, f, n, "ft:team#"));
	assert_true(has(s, f, n, "fd:mail"));
	assert_true(has(s, f, n, "fd:n=3"));
	assert_false(has(s, f, n, "w:billing"));
	msg_text_free(&mt);
	msg_features_scratch_free(&s);
}

/* msg_features_extract_empty - no text, no features, nothing read or written out of bounds */
static void
msg_features_extract_empty(void **state)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	const struct feature *f;
	size_t n = 99;

	(void)state;
	msg_features_extract(s, mt, BITS, SEED, &f, &n);
	assert_int_equal(n, 0);
	msg_text_free(&mt);
	msg_features_scratch_free(&s);
}

/* msg_features_extract_bounded - a huge body stops at the caps, and names stay off by default */
static void
msg_features_extract_bounded(void **state)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct strbuf body = STRBUF_INIT;
	struct msg_text *mt;
	const struct feature *f;
	size_t n, i;

	(void)state;
	for (i = 0; i < 3 * MSG_FEATURES_MAX; i++)
		strbuf_appendf(&body, "w%cx%c%c ", 'a' + (char)(i % 26), 'a' + (char)(i / 26 % 26),
		    'a' + (char)(i / 676 % 26));
	mt = make_text(NULL, NULL, body.data);
	msg_features_extract(s, mt, BITS, SEED, &f, &n);
	assert_true(n > 0);
	assert_true(n <= MSG_FEATURES_MAX);
	assert_null(msg_features_name(s, f[0].index));
	strbuf_release(&body);
	msg_text_free(&mt);
	msg_features_scratch_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msg_features_hash_stable),
		cmocka_unit_test(msg_features_extract_repeatable),
		cmocka_unit_test(msg_features_extract_normalised),
		cmocka_unit_test(msg_features_extract_cjk),
		cmocka_unit_test(msg_features_extract_stemming),
		cmocka_unit_test(msg_features_extract_fields_apart),
		cmocka_unit_test(msg_features_extract_empty),
		cmocka_unit_test(msg_features_extract_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
