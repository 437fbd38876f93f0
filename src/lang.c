/* lang - which languages a decoded text is written in, cheaply */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lang.h"
#include "strbuf.h"
#include "text_norm.h"
#include "utf8.h"

/*
 * Function words that are frequent in one language and rare or absent in
 * the others of the set: words shared by two languages ("de", "la", "que",
 * "para", "no") are left out, so that each hit is evidence for one language.
 */
static const char *const stop_en[] = {
	"the", "and", "your", "you", "we", "will", "this", "that", "with", "for", "are",
	"have", "has", "our", "please", "from", "been", "be", "of", "to", "is", "it", "if",
	"can", "any", "or", "at", "by", "an", "was", "were", "which", "about", "these",
	"their", "not", "on", "in", "as", "all", "after", "before", "when", "what", "how",
	"into", "than", "then", "there", "they", "them", "its", "would", "should", "could",
	"may", "must", "here", "out", "only", "other", "some", "such", NULL,
};
static const char *const stop_de[] = {
	"der", "die", "das", "und", "ist", "nicht", "sie", "wir", "ihr", "ihre", "ihren",
	"mit", "für", "den", "dem", "des", "ein", "eine", "einen", "auf", "bei", "werden",
	"wird", "wurde", "sind", "zu", "von", "oder", "auch", "bitte", "können", "haben",
	"hat", "diese", "dieser", "im", "ab", NULL,
};
static const char *const stop_fr[] = {
	"le", "les", "et", "des", "est", "vous", "nous", "pour", "une", "dans", "votre",
	"vos", "du", "au", "aux", "sur", "pas", "ne", "qui", "sont", "avec", "été", "cette",
	"ce", "ces", "être", "sera", "leur", "il", "elle", "ou", "d", "l", "qu", NULL,
};
static const char *const stop_es[] = {
	"el", "los", "las", "y", "su", "sus", "usted", "nuestro", "nuestra", "una", "está",
	"están", "del", "con", "es", "al", "como", "ha", "han", "lo", "será", "hemos",
	"puede", "cuenta", "hasta", "sin", "más", NULL,
};
static const char *const stop_pt[] = {
	"o", "os", "e", "você", "seu", "sua", "seus", "suas", "não", "uma", "um", "está",
	"estão", "do", "da", "dos", "das", "na", "nos", "nas", "em", "ao", "com", "foi",
	"é", "são", "pelo", "pela", "nosso", "nossa", "até", "sem", "mais", NULL,
};

static const struct {
	unsigned bit;
	const char *name;
	const char *const *stop;
} langs[LANG_COUNT] = {
	{ LANG_EN, "en", stop_en }, { LANG_DE, "de", stop_de }, { LANG_FR, "fr", stop_fr },
	{ LANG_ES, "es", stop_es }, { LANG_PT, "pt", stop_pt }, { LANG_ZH, "zh", NULL },
	{ LANG_JA, "ja", NULL }, { LANG_KO, "ko", NULL },
};

#define LATIN 5			/* the first five have function words */
#define WORD_MAX 8		/* bytes; longer words are no function words */
#define MIN_HITS 2		/* a language needs this many function words ... */
#define MIN_SHARE 5		/* ... and 1/MIN_SHARE of the strongest of its script's */
#define MIN_CHARS 3		/* a CJK language needs this many characters of its script */
#define SAMPLE_MAX 65536	/* bytes read: enough to tell, bounded per message */
#define TABLE_SIZE 512		/* open addressing, a power of two over 2x the words */

/* The function words of every language in one table, built once. */
static struct {
	char word[WORD_MAX];
	unsigned char len;
	unsigned char lang;	/* index into langs + 1; 0: empty slot */
} table[TABLE_SIZE];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* fold_latin - ASCII and Latin-1 letters lower-cased, as UTF-8 */
static unsigned
fold_latin(unsigned cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
		return cp + 0x20;
	return cp;
}

/* is_word_char - letters of the Latin-script languages */
static int
is_word_char(unsigned cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7);
}

/* word_hash - FNV-1a */
static uint32_t
word_hash(const char *w, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

/* table_slot - the slot that holds word, or the empty slot where it would go */
static uint32_t
table_slot(const char *word, size_t len)
{
	uint32_t h;

	for (h = word_hash(word, len) & (TABLE_SIZE - 1); table[h].lang != 0;
	    h = (h + 1) & (TABLE_SIZE - 1))
		if (table[h].len == len && memcmp(table[h].word, word, len) == 0)
			break;
	return h;
}

/* table_add - one function word, unless already listed (a word listed twice keeps its first) */
static void
table_add(const char *word, size_t len, int l)
{
	uint32_t h;

	if (len == 0 || len > WORD_MAX)
		return;
	if (table[h = table_slot(word, len)].lang != 0)
		return;
	memcpy(table[h].word, word, len);
	table[h].len = (unsigned char)len;
	table[h].lang = (unsigned char)(l + 1);
}

/*
 * table_build - every language's function words, as written and as
 * text_norm folds them (für and fur), so that both raw and folded text
 * are read
 */
static void
table_build(void)
{
	struct strbuf w = STRBUF_INIT;
	const char *const *s;
	int l;

	for (l = 0; l < LATIN; l++)
		for (s = langs[l].stop; *s != NULL; s++) {
			table_add(*s, strlen(*s), l);
			strbuf_reset(&w);
			text_norm_fold(&w, *s, strlen(*s));
			table_add(w.data != NULL ? w.data : "", w.len, l);
		}
	strbuf_release(&w);
}

/* count_word - credit the language whose function word w is */
static void
count_word(const char *w, size_t len, unsigned hits[LANG_COUNT])
{
	uint32_t h = table_slot(w, len);

	if (table[h].lang != 0)
		hits[table[h].lang - 1]++;
}

unsigned
lang_detect(const char *utf8, size_t len)
{
	const unsigned char *p = (const unsigned char *)utf8;
	unsigned hits[LANG_COUNT] = { 0 }, han = 0, kana = 0, hangul = 0, best = 0, set = 0, cp;
	char word[WORD_MAX];
	size_t i = 0, wl = 0;
	int n, l, too_long = 0;

	(void)pthread_once(&table_once, table_build);
	if (len > SAMPLE_MAX)
		len = utf8_floor(utf8, SAMPLE_MAX);
	while (i <= len) {
		/* ASCII letters, most of the text, straight into the word. */
		if (i < len && (p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') {
			if (wl < WORD_MAX)
				word[wl++] = (char)(p[i] | 0x20);
			else
				too_long = 1;
			i++;
			continue;
		}
		/* Other ASCII without the decoder's call. */
		if (i < len && p[i] < 0x80)
			cp = p[i], n = 1;
		else if ((n = i < len ? utf8_decode(p + i, len - i, &cp) : 0) <= 0)
			cp = ' ', n = 1;
		if (is_word_char(cp)) {
			char enc[4];
			int el = 0;

			cp = fold_latin(cp);
			if (cp < 0x80)
				enc[el++] = (char)cp;
			else {
				enc[el++] = (char)(0xc0 | (cp >> 6));
				enc[el++] = (char)(0x80 | (cp & 0x3f));
			}
			if (wl + (size_t)el > WORD_MAX)
				too_long = 1;
			else {
				memcpy(word + wl, enc, (size_t)el);
				wl += (size_t)el;
			}
		} else {
			if (wl > 0 && !too_long)
				count_word(word, wl, hits);
			wl = 0;
			too_long = 0;
			if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff))
				kana++;
			else if ((cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0x1100 && cp <= 0x11ff) ||
			    (cp >= 0x3130 && cp <= 0x318f))
				hangul++;
			else if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf))
				han++;
		}
		i += (size_t)n;
	}
	/*
	 * Function words and CJK characters are not comparable counts, so
	 * each script competes only with its own: a Latin language needs a
	 * share of the strongest Latin one, and a bilingual notice keeps both.
	 * Japanese writes with han and kana; Chinese with han alone.
	 */
	for (l = 0; l < LATIN; l++)
		if (hits[l] > best)
			best = hits[l];
	for (l = 0; l < LATIN; l++)
		if (hits[l] >= MIN_HITS && hits[l] * MIN_SHARE >= best)
			set |= langs[l].bit;
	if (kana >= MIN_CHARS)
		set |= LANG_JA;
	if (hangul >= MIN_CHARS)
		set |= LANG_KO;
	if (han >= MIN_CHARS + 1 && han > 4 * kana)
		set |= LANG_ZH;
	return set;
}

unsigned
lang_parse(const char *name)
{
	size_t n = strcspn(name, "-_");
	int l;

	for (l = 0; l < LANG_COUNT; l++)
		if (strlen(langs[l].name) == n && strncasecmp(name, langs[l].name, n) == 0)
			return langs[l].bit;
	return 0;
}

const char *
lang_name(unsigned one)
{
	int l;

	for (l = 0; l < LANG_COUNT; l++)
		if (langs[l].bit == one)
			return langs[l].name;
	return "?";
}
