/* lang - which languages a decoded text is written in, cheaply */
#ifndef CSP_LANG_H
#define CSP_LANG_H

#include <stddef.h>

/*
 * Rules written for one language must count only words of that language:
 * "maintenance" and "incidents" are French words, but in an English notice
 * they must not score as French.  lang_detect counts function words (the,
 * und, vous, usted, você...) for the Latin-script languages and scripts
 * (kana, hangul, han) for the others; a text may be in several languages
 * at once (a Traditional Chinese notice with the English beside it).  Pure;
 * thread-safe; linear in the text, no allocation.
 */
enum lang {
	LANG_EN = 1 << 0,
	LANG_DE = 1 << 1,
	LANG_FR = 1 << 2,
	LANG_ES = 1 << 3,
	LANG_PT = 1 << 4,
	LANG_ZH = 1 << 5,
	LANG_JA = 1 << 6,
	LANG_KO = 1 << 7,
};
#define LANG_COUNT 8

/* lang_detect - the set of languages that make up a real share of the text; 0 if none */
unsigned lang_detect(const char *utf8, size_t len);

/* lang_parse - "en", "de", "fr", "es", "pt" (or "pt-BR"), "zh" (or zh-TW, zh-CN), "ja", "ko"; 0 if unknown */
unsigned lang_parse(const char *name);

/* lang_name - the code of one language bit */
const char *lang_name(unsigned one);

#endif
