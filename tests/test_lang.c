/* test_lang - telling which languages a text is written in */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lang.h"
#include "unit.h"

/* lang_detect_cases - each language alone, bilingual texts, and texts too short to tell */
static void
lang_detect_cases(void **state)
{
	static const struct {
		const char *name, *text;
		unsigned want;
	} cases[] = {
		{ "en", "We are investigating an issue with the service. Your data is safe and "
		  "we will post an update on the status page.", LANG_EN },
		{ "en with french-looking words", "Planned maintenance of the database service "
		  "will take place on Sunday; incidents are listed on the status page.", LANG_EN },
		{ "de", "Wir untersuchen eine Störung. Ihre Daten sind sicher und wir werden "
		  "die Seite aktualisieren, sobald die Ursache bekannt ist.", LANG_DE },
		{ "fr", "Nous avons identifié une panne. Vos données sont en sécurité et nous "
		  "publierons une mise à jour sur la page d'état.", LANG_FR },
		{ "es", "Estamos investigando un problema con el servicio. Sus datos están "
		  "seguros y usted recibirá una actualización del equipo.", LANG_ES },
		{ "pt", "Estamos investigando um problema no serviço. Os seus dados estão "
		  "seguros e você receberá uma atualização da equipe em breve.", LANG_PT },
		{ "zh", "我們正在調查服務中斷的原因，您的資料安全無虞，稍後將更新狀態頁面。", LANG_ZH },
		{ "ja", "現在、サービスの障害について調査しております。ご不便をおかけして申し訳ございません。",
		  LANG_JA },
		{ "ko", "현재 서비스 장애를 조사하고 있습니다. 불편을 드려 죄송합니다.", LANG_KO },
		{ "zh and en", "您的帳單已經產生，請於到期日前完成付款。Your bill is ready and the "
		  "amount will be charged to your card on file.", LANG_ZH | LANG_EN },
		{ "too short", "Maintenance tonight", 0 },
		{ "empty", "", 0 },
		{ "numbers only", "4711 2026-11-29 12:00 UTC", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < UNIT_NELEM(cases); i++) {
		unsigned got = lang_detect(cases[i].text, strlen(cases[i].text));

		if (got != cases[i].want)
			fail_msg("%s: got 0x%x, want 0x%x", cases[i].name, got, cases[i].want);
	}
}

/* lang_detect_bounded - invalid UTF-8 and a huge text are read without harm */
static void
lang_detect_bounded(void **state)
{
	size_t n = 1 << 22, i;
	char *big = malloc(n);
	static const char bad[] = "the \xff\xfe and \xc3 your \xe2\x80 you";

	(void)state;
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = "the and "[i % 8];
	assert_int_equal(lang_detect(big, n), LANG_EN);
	free(big);
	assert_int_equal(lang_detect(bad, sizeof(bad) - 1), LANG_EN);
}

/* lang_parse_names - codes and regional variants; unknown names are 0 */
static void
lang_parse_names(void **state)
{
	(void)state;
	assert_int_equal(lang_parse("en"), LANG_EN);
	assert_int_equal(lang_parse("pt-BR"), LANG_PT);
	assert_int_equal(lang_parse("zh-TW"), LANG_ZH);
	assert_int_equal(lang_parse("zh_CN"), LANG_ZH);
	assert_int_equal(lang_parse("KO"), LANG_KO);
	assert_int_equal(lang_parse("eng"), 0);
	assert_int_equal(lang_parse(""), 0);
	assert_string_equal(lang_name(LANG_JA), "ja");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lang_detect_cases),
		cmocka_unit_test(lang_detect_bounded),
		cmocka_unit_test(lang_parse_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
