/* msg_features - hashed word and character n-grams of a decoded message */
#include "config.h"

#include <libstemmer.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "addr.h"
#include "hash.h"
#include "msg_features.h"
#include "xalloc.h"
#include "strbuf.h"

#define SLOTS (2 * MSG_FEATURES_MAX)	/* count table: power of two, half full at most */
#define EMPTY UINT32_MAX
#define WORD_MAX 64			/* longer "words" are URLs, tokens, base64: skipped */
#define BODY_MAX 65536			/* body bytes looked at */
#define SUBJECT_TOKENS 256		/* subject words looked at */

/* The Latin-script languages told apart by their stop words, in tie order. */
enum stem_lang { STEM_EN, STEM_DE, STEM_FR, STEM_ES, STEM_PT, STEM_COUNT };

static const char *const lang_stemmer[STEM_COUNT] = {
	"english", "german", "french", "spanish", "portuguese",
};

/*
 * Function words frequent in each language and rare in the others' mail;
 * a word in several lists counts for each.  Lists are short on purpose:
 * they only have to tell five languages apart and drop the commonest noise.
 */
static const char *const stop_en[] = { "the", "and", "to", "of", "for", "your", "you", "is",
	"are", "in", "on", "this", "that", "with", "be", "we", "have", "has", "will", "our",
	"it", "by", "from", "at", "as", "an", "or", "not", "was", "can", "please", "if", "any",
	"been", "these", "there", "which", "would", "may", NULL };
static const char *const stop_de[] = { "der", "die", "das", "und", "ist", "nicht", "sie",
	"ihr", "ihre", "ihren", "ihrer", "wir", "mit", "für", "den", "dem", "des", "ein",
	"eine", "einen", "zu", "auf", "im", "von", "wird", "werden", "bitte", "sind", "haben",
	"uns", "unser", "unsere", "oder", "auch", "wenn", "bei", "zur", "zum", "kann", NULL };
static const char *const stop_fr[] = { "le", "la", "les", "et", "est", "des", "du", "une",
	"un", "vous", "votre", "vos", "pour", "pas", "avec", "dans", "sur", "nous", "notre",
	"sont", "être", "ce", "cette", "qui", "que", "au", "aux", "par", "de", "en", "ou",
	"été", "si", "ne", "plus", NULL };
static const char *const stop_es[] = { "el", "los", "las", "del", "y", "es", "una", "un",
	"su", "sus", "para", "por", "con", "que", "se", "no", "en", "de", "la", "usted", "ha",
	"han", "está", "este", "esta", "nuestro", "al", "le", "o", "si", "lo", "como", "más",
	NULL };
static const char *const stop_pt[] = { "o", "os", "as", "da", "do", "das", "dos", "e", "é",
	"um", "uma", "seu", "sua", "seus", "suas", "para", "por", "com", "não", "em", "na",
	"no", "nos", "que", "foi", "ao", "você", "está", "este", "esta", "nossa", "de", "se",
	"ou", "mais", "pelo", "pela", NULL };
static const char *const *const stop_lists[STEM_COUNT] = {
	stop_en, stop_de, stop_fr, stop_es, stop_pt,
};

/* The stop words of every language in one small read-only table, built once. */
#define STOP_SLOTS 512
static struct {
	const char *word;
	size_t len;
	unsigned mask;		/* 1 << enum stem_lang */
} stop_table[STOP_SLOTS];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

/*
 * A cached stem, word and stem inline: the cache is direct-mapped (a new
 * word takes its slot from whatever was there), so it never grows and
 * never has to start afresh.  Longer words are stemmed every time.
 */
#define STEM_WORD_MAX 22
struct stem_entry {
	uint64_t hash;		/* of the word and language; 0: empty */
	uint8_t word_len, stem_len;
	char word[STEM_WORD_MAX], stem[STEM_WORD_MAX];
};
#define STEM_SLOTS 1024		/* power of two */

/* One word of the body or subject, folded, in scratch->words. */
struct token {
	uint32_t hash;		/* hash_bytes of the folded word, seed 0, low bits */
	uint32_t off, len;
	uint8_t flags;
	uint8_t stop;		/* stop-word languages, 1 << enum stem_lang */
};

enum {
	TOK_LATIN = 1 << 0,	/* every letter Latin script: a stemmer applies */
	TOK_NUM = 1 << 1,	/* holds a digit: counted as "#" */
	TOK_BREAK = 1 << 2,	/* a CJK run came before: no bigram with the previous word */
	TOK_SHORT = 1 << 3,	/* one character */
};

struct msg_features_scratch {
	struct sb_stemmer *stemmer[STEM_COUNT];	/* made on first use */
	enum stem_lang lang;
	struct token *tokens;
	size_t ntokens;
	struct strbuf words;	/* folded words, back to back */
	struct strbuf prev;	/* the previous term, for bigrams */
	struct strbuf addr;
	int words_pair;		/* count_feature is counting a word pair */
	/* Stems of words seen before, per language: most words recur. */
	struct stem_entry *stem_cache;
	unsigned bits;
	uint64_t seed;
	/* Counts: open addressing on the feature index. */
	uint32_t *slot_index;
	float *slot_count;
	uint8_t *slot_pair;	/* a word pair: its value is scaled by MSG_FEATURES_BIGRAM_SCALE */
	uint32_t *used;		/* slots in use, in insertion order */
	size_t nused;
	struct feature *out;
	/* Explain mode only. */
	int keep_names;
	size_t *slot_name;	/* offset into names */
	struct strbuf names;
};

/*
 * hash_start - the starting state, moved by the seed.  Its basis is one
 * digit short of FNV's (hash.h): every trained model's feature indexes
 * depend on it, so it stays.
 */
static inline uint64_t
hash_start(uint64_t seed)
{
	return 1469598103934665603ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
}

/* hash_bytes - FNV-1a from the seed, then the finaliser */
static uint64_t
hash_bytes(const char *p, size_t len, uint64_t seed)
{
	return hash_mix64(hash_fnv1a(hash_start(seed), p, len));
}

/* msg_features_hash - index of a feature string in a 2^bits space */
uint32_t
msg_features_hash(const char *name, size_t len, unsigned bits, uint64_t seed)
{
	return (uint32_t)(hash_bytes(name, len, seed) >> (64 - bits));
}

/* stop_build - fill the stop-word table once */
static void
stop_build(void)
{
	size_t slot;
	int l, i;

	for (l = 0; l < STEM_COUNT; l++)
		for (i = 0; stop_lists[l][i] != NULL; i++) {
			const char *w = stop_lists[l][i];

			slot = hash_bytes(w, strlen(w), 0) & (STOP_SLOTS - 1);
			while (stop_table[slot].word != NULL && strcmp(stop_table[slot].word, w) != 0)
				slot = (slot + 1) & (STOP_SLOTS - 1);
			stop_table[slot].word = w;
			stop_table[slot].len = strlen(w);
			stop_table[slot].mask |= 1u << l;
		}
}

/* stop_lookup - the languages in which a folded word (of hash_bytes h, seed 0) is a stop word */
static unsigned
stop_lookup(const char *w, size_t len, uint64_t h)
{
	size_t slot = h & (STOP_SLOTS - 1);

	while (stop_table[slot].word != NULL) {
		if (stop_table[slot].len == len && memcmp(stop_table[slot].word, w, len) == 0)
			return stop_table[slot].mask;
		slot = (slot + 1) & (STOP_SLOTS - 1);
	}
	return 0;
}

/* msg_features_scratch_new - one thread's state */
struct msg_features_scratch *
msg_features_scratch_new(void)
{
	struct msg_features_scratch *s = xcalloc(1, sizeof(*s));

	pthread_once(&stop_once, stop_build);
	s->tokens = xreallocarray(NULL, MSG_FEATURES_MAX_TOKENS + SUBJECT_TOKENS, sizeof(*s->tokens));
	s->slot_index = xreallocarray(NULL, SLOTS, sizeof(*s->slot_index));
	s->slot_count = xreallocarray(NULL, SLOTS, sizeof(*s->slot_count));
	s->slot_pair = xreallocarray(NULL, SLOTS, sizeof(*s->slot_pair));
	s->used = xreallocarray(NULL, MSG_FEATURES_MAX, sizeof(*s->used));
	s->out = xreallocarray(NULL, MSG_FEATURES_MAX, sizeof(*s->out));
	s->stem_cache = xcalloc(STEM_SLOTS, sizeof(*s->stem_cache));
	memset(s->slot_index, 0xff, SLOTS * sizeof(*s->slot_index));
	return s;
}

/* msg_features_scratch_free - release */
void
msg_features_scratch_free(struct msg_features_scratch **sp)
{
	struct msg_features_scratch *s = *sp;
	int l;

	if (s == NULL)
		return;
	for (l = 0; l < STEM_COUNT; l++)
		if (s->stemmer[l] != NULL)
			sb_stemmer_delete(s->stemmer[l]);
	free(s->tokens);
	free(s->slot_index);
	free(s->slot_count);
	free(s->slot_pair);
	free(s->used);
	free(s->out);
	free(s->slot_name);
	free(s->stem_cache);
	strbuf_release(&s->words);
	strbuf_release(&s->prev);
	strbuf_release(&s->addr);
	strbuf_release(&s->names);
	free(s);
	*sp = NULL;
}

/* msg_features_keep_names - explain mode on or off */
void
msg_features_keep_names(struct msg_features_scratch *s, int on)
{
	if (on && s->slot_name == NULL)
		s->slot_name = xcalloc(SLOTS, sizeof(*s->slot_name));
	s->keep_names = on;
}

/* slot_of - the count slot of an index, or of the empty slot where it goes */
static size_t
slot_of(const struct msg_features_scratch *s, uint32_t index)
{
	size_t slot = (index * 2654435761u) & (SLOTS - 1);

	while (s->slot_index[slot] != EMPTY && s->slot_index[slot] != index)
		slot = (slot + 1) & (SLOTS - 1);
	return slot;
}

/* msg_features_name - the string of a feature of the last message (explain mode) */
const char *
msg_features_name(const struct msg_features_scratch *s, uint32_t index)
{
	size_t slot;

	if (!s->keep_names)
		return NULL;
	slot = slot_of(s, index);
	if (s->slot_index[slot] == EMPTY)
		return NULL;
	return s->names.data + s->slot_name[slot];
}

/* msg_features_language - Snowball name of the language chosen last */
const char *
msg_features_language(const struct msg_features_scratch *s)
{
	return lang_stemmer[s->lang];
}

/* count_index - count a feature once; name builds its string, in explain mode only */
static void
count_index(struct msg_features_scratch *s, uint32_t index, const char *prefix, const char *a,
    size_t alen, const char *b, size_t blen)
{
	size_t slot = slot_of(s, index);

	if (s->slot_index[slot] == EMPTY) {
		if (s->nused == MSG_FEATURES_MAX)
			return;	/* bounded: later new features are not counted */
		s->slot_index[slot] = index;
		s->slot_count[slot] = 0;
		s->slot_pair[slot] = b != NULL && s->words_pair;
		s->used[s->nused++] = (uint32_t)slot;
		if (s->keep_names) {
			s->slot_name[slot] = s->names.len;
			strbuf_append_str(&s->names, prefix);
			strbuf_append(&s->names, a, alen);
			if (b != NULL) {
				strbuf_append_char(&s->names, ' ');
				strbuf_append(&s->names, b, blen);
			}
			strbuf_append_char(&s->names, '\0');
		}
	}
	s->slot_count[slot] += 1;
}

/* count_feature - prefix + a [+ " " + b] */
static void
count_feature(struct msg_features_scratch *s, const char *prefix, const char *a, size_t alen,
    const char *b, size_t blen)
{
	/* The hash of the string prefix + a [+ " " + b], without building it. */
	uint64_t h = hash_fnv1a(hash_start(s->seed), prefix, strlen(prefix));

	h = hash_fnv1a(h, a, alen);
	if (b != NULL)
		h = hash_fnv1a(hash_fnv1a(h, " ", 1), b, blen);
	count_index(s, (uint32_t)(hash_mix64(h) >> (64 - s->bits)), prefix, a, alen, b, blen);
}

/* is_cjk - Han, Hiragana, Katakana or Hangul: counted by characters, not words */
static int
is_cjk(UChar32 c)
{
	UErrorCode err = U_ZERO_ERROR;
	UScriptCode sc;

	if (c < 0x1100)
		return 0;
	sc = uscript_getScript(c, &err);
	return U_SUCCESS(err) && (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA ||
	    sc == USCRIPT_KATAKANA || sc == USCRIPT_HANGUL ||
	    (sc == USCRIPT_COMMON && c == 0x30fc));	/* the katakana long vowel mark */
}

/* is_word_char - letters, digits and combining marks make words */
static int
is_word_char(UChar32 c)
{
	int8_t t;

	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	t = u_charType(c);
	return u_isalnum(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK;
}

/* Tokenising one text: words to the token list, CJK n-grams counted at once. */
struct tokenizer {
	struct msg_features_scratch *s;
	const char *prefix;
	msg_features_piece_fn *piece;	/* msg_features_pieces: pieces go here, nothing is counted */
	void *piece_ctx;
	struct token *tok;	/* the word being built, NULL between words */
	int pending_break;
	size_t max_tokens;
	size_t chars;
};

/* tok_end - finish the current word */
static void
tok_end(struct tokenizer *t)
{
	struct msg_features_scratch *s = t->s;
	struct token *tok = t->tok;

	if (tok == NULL)
		return;
	t->tok = NULL;
	tok->len = (uint32_t)(s->words.len - tok->off);
	if (t->piece != NULL) {
		/* A word longer than WORD_MAX is an ID, a URL or base64: a placeholder. */
		t->piece(t->piece_ctx, (tok->flags & TOK_NUM) || tok->len > WORD_MAX ?
		    MSG_PIECE_NUMBER : MSG_PIECE_WORD, s->words.data + tok->off, tok->len);
		strbuf_truncate(&s->words, tok->off);
		return;
	}
	if (tok->len > WORD_MAX) {
		strbuf_truncate(&s->words, tok->off);
		return;
	}
	if (t->chars == 1)
		tok->flags |= TOK_SHORT;
	/* One hash of the word serves the stop words and the stem cache. */
	tok->hash = (uint32_t)hash_bytes(s->words.data + tok->off, tok->len, 0);
	tok->stop = (uint8_t)stop_lookup(s->words.data + tok->off, tok->len, tok->hash);
	s->ntokens++;
}

/* tok_begin - start a word; 0 when the token list is full */
static int
tok_begin(struct tokenizer *t)
{
	struct msg_features_scratch *s = t->s;

	if (s->ntokens >= t->max_tokens)
		return 0;
	t->tok = &s->tokens[s->ntokens];
	t->tok->off = (uint32_t)s->words.len;
	t->tok->flags = TOK_LATIN | (t->pending_break ? TOK_BREAK : 0);
	t->pending_break = 0;
	t->chars = 0;
	return 1;
}

/* tokenize - one text into words (and CJK features) */
static void
tokenize(struct tokenizer *t, const char *text, size_t len)
{
	struct msg_features_scratch *s = t->s;
	const uint8_t *p = (const uint8_t *)text;
	int32_t i = 0, n = (int32_t)len, start, prev_start = -1, prev_len = 0, run = 0;
	UChar32 c;
	char buf[U8_MAX_LENGTH];
	int32_t blen;
	UBool err;

	while (i < n) {
		start = i;
		/* Room for one more folded character, checked once here. */
		if (s->words.len + U8_MAX_LENGTH >= s->words.cap)
			strbuf_grow(&s->words, 1024);
		U8_NEXT(p, i, n, c);
		if (c >= 0 && is_cjk(c)) {
			/* CJK has no spaces: count each pair of neighbouring characters. */
			tok_end(t);
			t->pending_break = 1;
			if (t->piece != NULL) {
				t->piece(t->piece_ctx, MSG_PIECE_CJK, text + start, (size_t)(i - start));
				prev_start = start;
				continue;
			}
			if (prev_start >= 0) {
				count_feature(s, t->prefix, text + prev_start, (size_t)(i - prev_start),
				    NULL, 0);
				run++;
			}
			prev_start = start;
			prev_len = i - start;
			continue;
		}
		/* The end of a CJK run: a lone character counts alone. */
		if (prev_start >= 0 && t->piece != NULL)
			t->piece(t->piece_ctx, MSG_PIECE_BREAK, NULL, 0);
		else if (prev_start >= 0 && run == 0)
			count_feature(s, t->prefix, text + prev_start, (size_t)prev_len, NULL, 0);
		prev_start = -1;
		run = 0;
		if (c < 0 || !is_word_char(c)) {
			tok_end(t);
			continue;
		}
		if (c < 0x80) {
			/* The common case without ICU: ASCII letters and digits, the rest of the run at once. */
			if (t->tok == NULL && !tok_begin(t))
				continue;
			for (;;) {
				t->chars++;
				if (c <= '9')
					t->tok->flags |= TOK_NUM;
				s->words.data[s->words.len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
				if (i >= n || p[i] >= 0x80 || !is_word_char(p[i]) ||
				    s->words.len + U8_MAX_LENGTH >= s->words.cap)
					break;
				c = p[i++];
			}
			continue;
		}
		if (t->tok == NULL && !tok_begin(t))
			continue;
		t->chars++;
		if (u_isdigit(c))
			t->tok->flags |= TOK_NUM;
		else if (u_isalpha(c) && !(c < 0x250 || (c >= 0x1e00 && c < 0x1f00)))
			t->tok->flags &= (uint8_t)~TOK_LATIN;
		c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
		blen = 0;
		err = 0;
		U8_APPEND(buf, blen, (int32_t)sizeof(buf), c, err);
		if (!err) {
			memcpy(s->words.data + s->words.len, buf, (size_t)blen);
			s->words.len += (size_t)blen;
		}
	}
	tok_end(t);
	if (s->words.data != NULL)
		s->words.data[s->words.len] = '\0';
	if (prev_start >= 0 && t->piece != NULL)
		t->piece(t->piece_ctx, MSG_PIECE_BREAK, NULL, 0);
	else if (prev_start >= 0 && run == 0)
		count_feature(s, t->prefix, text + prev_start, (size_t)prev_len, NULL, 0);
}

/* pick_language - the language whose stop words the message uses most */
static enum stem_lang
pick_language(const struct msg_features_scratch *s)
{
	size_t hits[STEM_COUNT] = { 0 }, i;
	int l, best = STEM_EN;

	for (i = 0; i < s->ntokens; i++)
		for (l = 0; l < STEM_COUNT; l++)
			if (s->tokens[i].stop & (1u << l))
				hits[l]++;
	for (l = 1; l < STEM_COUNT; l++)
		if (hits[l] > hits[best])
			best = l;
	return (enum stem_lang)best;
}

/* term_of - the term a word counts as: "#", its stem, or itself */
static const char *
term_of(struct msg_features_scratch *s, const struct token *tok, size_t *len_r)
{
	const char *w = s->words.data + tok->off;
	const sb_symbol *stem;
	struct stem_entry *e;
	uint64_t h;

	if (tok->flags & TOK_NUM) {
		*len_r = 1;
		return "#";
	}
	if (!(tok->flags & TOK_LATIN) || s->stemmer[s->lang] == NULL) {
		*len_r = tok->len;
		return w;
	}
	h = (tok->hash ^ ((uint64_t)(s->lang + 1) * 0x9e3779b97f4a7c15ULL)) | 1;
	e = &s->stem_cache[h & (STEM_SLOTS - 1)];
	if (e->hash == h && e->word_len == tok->len && memcmp(e->word, w, tok->len) == 0) {
		*len_r = e->stem_len;
		return e->stem;
	}
	if ((stem = sb_stemmer_stem(s->stemmer[s->lang], (const sb_symbol *)w,
	    (int)tok->len)) == NULL) {
		*len_r = tok->len;
		return w;
	}
	*len_r = (size_t)sb_stemmer_length(s->stemmer[s->lang]);
	if (tok->len > STEM_WORD_MAX || *len_r > STEM_WORD_MAX)
		return (const char *)stem;
	e->hash = h;
	e->word_len = (uint8_t)tok->len;
	e->stem_len = (uint8_t)*len_r;
	memcpy(e->word, w, tok->len);
	memcpy(e->stem, stem, *len_r);
	return e->stem;
}

/* count_words - unigrams and bigrams of tokens [from, to) */
static void
count_words(struct msg_features_scratch *s, const char *prefix, size_t from, size_t to)
{
	const char *term;
	size_t i, len;
	int have_prev = 0;
	/*
	 * FNV-1a runs left to right, so the state after prefix + word serves
	 * both the word's own feature and the pair it opens with the next word:
	 * each word is hashed twice, not four times.
	 */
	uint64_t base = hash_fnv1a(hash_start(s->seed), prefix, strlen(prefix)), h, prev_h = 0;

	for (i = from; i < to; i++) {
		const struct token *tok = &s->tokens[i];

		if (tok->flags & TOK_BREAK)
			have_prev = 0;
		if ((tok->stop & (1u << s->lang)) || (tok->flags & (TOK_SHORT | TOK_NUM)) == TOK_SHORT)
			continue;
		term = term_of(s, tok, &len);
		h = hash_fnv1a(base, term, len);
		/* Nearly every message has numbers: "#" only counts next to a word. */
		if (!(tok->flags & TOK_NUM))
			count_index(s, (uint32_t)(hash_mix64(h) >> (64 - s->bits)), prefix, term, len,
			    NULL, 0);
		if (have_prev) {
			s->words_pair = 1;
			count_index(s, (uint32_t)(hash_mix64(hash_fnv1a(hash_fnv1a(prev_h, " ", 1), term,
			    len)) >> (64 - s->bits)), prefix, s->prev.data, s->prev.len, term, len);
			s->words_pair = 0;
		}
		if (s->keep_names) {
			strbuf_reset(&s->prev);
			strbuf_append(&s->prev, term, len);
		}
		prev_h = h;
		have_prev = 1;
	}
}

/* count_sender - From local part and domain shape */
static void
count_sender(struct msg_features_scratch *s, const struct msg_text *mt)
{
	const char *v, *at, *p, *q, *dom;
	size_t len, labels = 1;
	char num[16];

	if ((v = msg_text_header_find(mt, "From", &len)) == NULL ||
	    addr_from_header(v, &s->addr) < 0 || s->addr.data == NULL ||
	    (at = strrchr(s->addr.data, '@')) == NULL)
		return;
	/* Digits vary (noreply2, billing-01): fold them to '#'. */
	for (p = s->addr.data; p < at; p++)
		if (*p >= '0' && *p <= '9')
			*(char *)p = '#';
	count_feature(s, "fl:", s->addr.data, (size_t)(at - s->addr.data), NULL, 0);
	for (p = s->addr.data; p < at; p = q + 1) {
		for (q = p; q < at && *q != '.' && *q != '_' && *q != '-' && *q != '+'; q++)
			;
		if (q > p && q - p < (long)(at - s->addr.data))
			count_feature(s, "ft:", p, (size_t)(q - p), NULL, 0);
		if (q == at)
			break;
	}
	dom = at + 1;
	for (p = dom; *p != '\0'; p++)
		labels += *p == '.';
	if (labels >= 3) {
		q = strchr(dom, '.');
		count_feature(s, "fd:", dom, (size_t)(q - dom), NULL, 0);
	}
	snprintf(num, sizeof(num), "n=%zu", labels);
	count_feature(s, "fd:", num, strlen(num), NULL, 0);
}

/* msg_features_extract - the message's feature vector */
void
msg_features_extract(struct msg_features_scratch *s, const struct msg_text *mt, unsigned bits,
    uint64_t seed, const struct feature **f_r, size_t *n_r)
{
	struct tokenizer t;
	const char *text;
	size_t i, len, body_end;
	double norm = 0;

	for (i = 0; i < s->nused; i++)
		s->slot_index[s->used[i]] = EMPTY;
	s->nused = 0;
	s->ntokens = 0;
	strbuf_reset(&s->words);
	strbuf_reset(&s->names);
	s->bits = bits;
	s->seed = seed;

	memset(&t, 0, sizeof(t));
	t.s = s;
	t.prefix = "w:";
	t.max_tokens = MSG_FEATURES_MAX_TOKENS;
	text = msg_text_body(mt, &len);
	if (text != NULL)
		tokenize(&t, text, len > BODY_MAX ? BODY_MAX : len);
	body_end = s->ntokens;
	memset(&t, 0, sizeof(t));
	t.s = s;
	t.prefix = "s:";
	t.max_tokens = s->ntokens + SUBJECT_TOKENS;
	if ((text = msg_text_header_find(mt, "Subject", &len)) != NULL)
		tokenize(&t, text, len > 4096 ? 4096 : len);

	s->lang = pick_language(s);
	if (s->stemmer[s->lang] == NULL)
		s->stemmer[s->lang] = sb_stemmer_new(lang_stemmer[s->lang], "UTF_8");
	count_words(s, "w:", 0, body_end);
	count_words(s, "s:", body_end, s->ntokens);
	count_sender(s, mt);

	for (i = 0; i < s->nused; i++) {
		float count = s->slot_count[s->used[i]];
		/* Most features occur once: log(1) is 0, without the call. */
		double v = count == 1 ? 1.0 : 1.0 + log(count);

		if (s->slot_pair[s->used[i]])
			v *= MSG_FEATURES_BIGRAM_SCALE;

		s->out[i].index = s->slot_index[s->used[i]];
		s->out[i].value = (float)v;
		norm += v * v;
	}
	norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
	for (i = 0; i < s->nused; i++)
		s->out[i].value = (float)(s->out[i].value * norm);
	*f_r = s->out;
	*n_r = s->nused;
}

/* msg_features_pieces - the body's then the subject's words and CJK characters, in order */
void
msg_features_pieces(struct msg_features_scratch *s, const struct msg_text *mt,
    msg_features_piece_fn *fn, void *ctx)
{
	struct tokenizer t;
	const char *text;
	size_t len;

	s->ntokens = 0;
	strbuf_reset(&s->words);
	memset(&t, 0, sizeof(t));
	t.s = s;
	t.prefix = "w:";
	t.piece = fn;
	t.piece_ctx = ctx;
	t.max_tokens = MSG_FEATURES_MAX_TOKENS;
	if ((text = msg_text_body(mt, &len)) != NULL)
		tokenize(&t, text, len > BODY_MAX ? BODY_MAX : len);
	fn(ctx, MSG_PIECE_SUBJECT, NULL, 0);
	t.tok = NULL;
	t.pending_break = 0;
	if ((text = msg_text_header_find(mt, "Subject", &len)) != NULL)
		tokenize(&t, text, len > 4096 ? 4096 : len);
}
