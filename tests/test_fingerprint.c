/* test_fingerprint - unit tests for the similarity fingerprint of template memory */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fingerprint.h"
#include "msg_features.h"
#include "msg_text.h"

#define FINGERPRINT_TEST_PIN 0x3c6e1346d9a4a3dULL

/* make_text - a decoded message with a subject and a visible body */
static struct msg_text *
make_text(const char *subject, const char *body)
{
	struct msg_text *mt = msg_text_new(1 << 20, 1);

	assert_non_null(mt);
	if (subject != NULL)
		msg_text_add_header(mt, "Subject", subject, strlen(subject));
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, body, strlen(body));
	msg_text_body_end(mt);
	return mt;
}

/* similarity - fingerprint two messages and compare */
static double
similarity(const char *subj_a, const char *body_a, const char *subj_b, const char *body_b)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct msg_text *a = make_text(subj_a, body_a), *b = make_text(subj_b, body_b);
	struct fingerprint fa, fb;
	double sim;

	assert_int_equal(fingerprint_message(s, a, &fa), 0);
	assert_int_equal(fingerprint_message(s, b, &fb), 0);
	sim = fingerprint_similarity(&fa, &fb);
	print_message("similarity %.3f\n", sim);
	msg_text_free(&a);
	msg_text_free(&b);
	msg_features_scratch_free(&s);
	return sim;
}

static const char invoice_a[] =
	"Hello Alex Morgan,\n\nYour invoice INV-2026-004211 for the billing period ending "
	"March 31, 2026 is now available. The total amount due is $1,204.50 and will be charged "
	"to the payment method on file.\n\nYou can view and download the invoice as a PDF in the "
	"billing portal under Invoices. Charges are itemised by subscription and by service.\n\n"
	"If you have questions about this invoice, contact billing support and quote the invoice "
	"number.\n";
static const char invoice_b[] =
	"Hello Alex Morgan,\n\nYour invoice INV-2025-918877 for the billing period ending "
	"March 31, 2025 is now available. The total amount due is $88.00 and will be charged "
	"to the payment method on file.\n\nYou can view and download the invoice as a PDF in the "
	"billing portal under Invoices. Charges are itemised by subscription and by service.\n\n"
	"If you have questions about this invoice, contact billing support and quote the invoice "
	"number.\n";
static const char outage[] =
	"Summary of impact: between 09:10 and 11:45 UTC a subset of customers using Object "
	"Storage in eu-west-1 experienced elevated error rates. Root cause: a configuration "
	"change to the storage front end caused requests to time out. The change was rolled "
	"back and the service recovered. We are adding validation to the deployment pipeline.\n";

/* fingerprint_message_identical - the same text is similarity 1 */
static void
fingerprint_message_identical(void **state)
{
	(void)state;
	assert_true(similarity("Your invoice is ready", invoice_a, "Your invoice is ready",
	    invoice_a) == 1.0);
}

/* fingerprint_message_numbers - dates, amounts and IDs are placeholders: changed numbers stay >= 0.9 */
static void
fingerprint_message_numbers(void **state)
{
	(void)state;
	assert_true(similarity("Invoice INV-2026-004211", invoice_a, "Invoice INV-2025-918877",
	    invoice_b) >= 0.9);
}

/* fingerprint_message_unrelated - an outage report is far from an invoice */
static void
fingerprint_message_unrelated(void **state)
{
	(void)state;
	assert_true(similarity("Your invoice is ready", invoice_a, "[Resolved] storage degradation",
	    outage) < 0.2);
}

/* fingerprint_message_deterministic - no seed, no address: the same bins in every run */
static void
fingerprint_message_deterministic(void **state)
{
	struct msg_features_scratch *s1 = msg_features_scratch_new(), *s2;
	struct msg_text *mt = make_text("Your invoice is ready", invoice_a);
	struct fingerprint a, b;
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	(void)state;
	assert_int_equal(fingerprint_message(s1, mt, &a), 0);
	/* Another message in between, then a fresh scratch: nothing carries over. */
	s2 = msg_features_scratch_new();
	assert_int_equal(fingerprint_message(s2, mt, &b), 0);
	assert_memory_equal(a.bin, b.bin, sizeof(a.bin));
	for (i = 0; i < FINGERPRINT_BINS; i++)
		h = (h ^ a.bin[i]) * 0x100000001b3ULL;
	/*
	 * Pinned: the stored examples of every installed milter were made with
	 * these bins.  A change here must bump FINGERPRINT_VERSION (and this value).
	 */
	print_message("bins hash %#llx\n", (unsigned long long)h);
	assert_true(h == FINGERPRINT_TEST_PIN);
	msg_text_free(&mt);
	msg_features_scratch_free(&s1);
	msg_features_scratch_free(&s2);
}

static const char ja_a[] =
	"山田 太郎 様\n\nいつもご利用いただきありがとうございます。2026年3月31日締めのご請求書を発行しました。"
	"ご請求金額は ¥120,450 で、登録済みのお支払い方法に請求されます。請求書は課金ポータルの「請求書」"
	"から PDF でダウンロードできます。料金はサブスクリプションとサービスごとに内訳が表示されます。\n";
static const char ja_b[] =
	"佐藤 花子 様\n\nいつもご利用いただきありがとうございます。2025年11月30日締めのご請求書を発行しました。"
	"ご請求金額は ¥8,800 で、登録済みのお支払い方法に請求されます。請求書は課金ポータルの「請求書」"
	"から PDF でダウンロードできます。料金はサブスクリプションとサービスごとに内訳が表示されます。\n";
static const char ja_other[] =
	"東京リージョンのストレージサービスで障害が発生しました。原因はフロントエンドの構成変更で、"
	"変更を元に戻したところサービスは復旧しました。詳細な事後レポートを公開します。\n";

/* fingerprint_message_cjk - Japanese without spaces: character n-grams; another name and amount stay close */
static void
fingerprint_message_cjk(void **state)
{
	(void)state;
	assert_true(similarity(NULL, ja_a, NULL, ja_b) >= 0.8);
	assert_true(similarity(NULL, ja_a, NULL, ja_other) < 0.2);
}

static const char ko_a[] =
	"김민준 님, 안녕하세요. 3월 청구서가 발행되었습니다. 청구 금액은 ₩120,000이며 등록된 결제 수단으로 "
	"청구됩니다. 청구서는 결제 포털의 청구서 메뉴에서 PDF로 내려받을 수 있습니다.\n";
static const char ko_b[] =
	"이서연 님, 안녕하세요. 11월 청구서가 발행되었습니다. 청구 금액은 ₩9,000이며 등록된 결제 수단으로 "
	"청구됩니다. 청구서는 결제 포털의 청구서 메뉴에서 PDF로 내려받을 수 있습니다.\n";
static const char ko_other[] =
	"계정에서 비정상적인 로그인 활동이 감지되었습니다. 본인이 로그인한 경우 이 메시지를 무시하셔도 됩니다. "
	"지금 바로 암호를 재설정하고 최근 보안 이벤트를 검토하십시오.\n";

/* fingerprint_message_hangul - Korean words between spaces shingle as words */
static void
fingerprint_message_hangul(void **state)
{
	(void)state;
	assert_true(similarity(NULL, ko_a, NULL, ko_b) >= 0.7);
	assert_true(similarity(NULL, ko_a, NULL, ko_other) < 0.2);
}

/* fingerprint_message_sentence - a sentence added keeps a long template close, a short one less so */
static void
fingerprint_message_sentence(void **state)
{
	char longer[2048];

	(void)state;
	snprintf(longer, sizeof(longer), "%s\nPlease note that taxes are calculated based on "
	    "your billing address.\n", invoice_a);
	assert_true(similarity(NULL, invoice_a, NULL, longer) >= 0.7);
	assert_true(similarity(NULL, invoice_a, NULL, longer) < 1.0);
}

/* fingerprint_message_empty - no word at all: no fingerprint */
static void
fingerprint_message_empty(void **state)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct msg_text *mt = make_text(NULL, " \n ... -- \n");
	struct fingerprint fp;

	(void)state;
	assert_int_equal(fingerprint_message(s, mt, &fp), -1);
	msg_text_free(&mt);
	mt = make_text("Hi", "");
	/* A subject alone is text: one shingle, a full fingerprint. */
	assert_int_equal(fingerprint_message(s, mt, &fp), 0);
	assert_int_equal(fp.shingles, 1);
	msg_text_free(&mt);
	msg_features_scratch_free(&s);
}

/* fingerprint_encode_round_trip - the stored form decodes to the same bins; a wrong length is refused */
static void
fingerprint_encode_round_trip(void **state)
{
	struct msg_features_scratch *s = msg_features_scratch_new();
	struct msg_text *mt = make_text("Your invoice is ready", invoice_a);
	struct fingerprint a, b;
	unsigned char blob[FINGERPRINT_BYTES];

	(void)state;
	assert_int_equal(fingerprint_message(s, mt, &a), 0);
	fingerprint_encode(&a, blob);
	assert_int_equal(fingerprint_decode(blob, sizeof(blob), &b), 0);
	assert_memory_equal(a.bin, b.bin, sizeof(a.bin));
	assert_int_equal(fingerprint_agreement(&a, &b), FINGERPRINT_BINS);
	assert_int_equal(fingerprint_decode(blob, sizeof(blob) - 1, &b), -1);
	msg_text_free(&mt);
	msg_features_scratch_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fingerprint_message_identical),
		cmocka_unit_test(fingerprint_message_numbers),
		cmocka_unit_test(fingerprint_message_unrelated),
		cmocka_unit_test(fingerprint_message_deterministic),
		cmocka_unit_test(fingerprint_message_cjk),
		cmocka_unit_test(fingerprint_message_hangul),
		cmocka_unit_test(fingerprint_message_sentence),
		cmocka_unit_test(fingerprint_message_empty),
		cmocka_unit_test(fingerprint_encode_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
