/* msg_features - the learned model's view of a decoded message: hashed word and character n-grams */
#ifndef CSP_MSG_FEATURES_H
#define CSP_MSG_FEATURES_H

#include <stddef.h>
#include <stdint.h>
#include "msg_text.h"

/*
 * A message becomes a sparse vector in a fixed space of 2^bits dimensions.
 * Each feature is a short string, hashed (64-bit FNV-1a from a seed, then a
 * mixing step) to its index; the string is never stored except in explain
 * mode.  The strings, by source:
 *   "w:STEM", "w:STEM STEM"   words and word bigrams of the visible body;
 *   "w:XY", "w:X"             CJK character bigrams (Han, Hiragana, Katakana,
 *                             Hangul), and the character alone when its run
 *                             is one character long;
 *   "s:..."                   the same from the Subject, kept apart;
 *   "fl:LOCAL", "ft:PIECE"    the From local part whole and its pieces split
 *                             at . _ - + (billing, azure-noreply, no.reply);
 *   "fd:LABEL", "fd:n=N"      the From domain's leftmost label when it has
 *                             three or more, and its label count.
 * Words are ICU case-folded; a word holding a digit becomes "#" (amounts,
 * dates and IDs vary) and counts only in bigrams; words of one letter are
 * dropped.  Stop words are dropped too, after they have decided the
 * language: every Latin-script word is looked up in small stop-word lists of
 * English, German, French, Spanish and Portuguese, and the language with
 * the most hits (English when none, ties in that order) stems all the
 * message's Latin-script words with Snowball.  One language per message is
 * cheap and right for the mail seen here; a bilingual zh/en message has one
 * Latin language.  Bigrams do not cross a CJK run.
 *
 * Values: 1 + ln(count) per feature (a quarter of that for a word pair:
 * pairs help on wording seen before but, weighed fully, they made the
 * model worse on held-out topics and vendors), then the whole vector is
 * scaled to unit L2 norm.  At most MSG_FEATURES_MAX_TOKENS words of the body and
 * MSG_FEATURES_MAX distinct features are taken per message, so memory and
 * time per message are bounded; the rules still see everything.
 *
 * A msg_features_scratch is one thread's reusable state (Snowball stemmers,
 * a cache of recent stems, token and count tables: about 160 KB, made on
 * a connection's first classified message); it is not thread-safe.
 */
#define MSG_FEATURES_MAX_TOKENS 2048
#define MSG_FEATURES_MAX 2048
#define MSG_FEATURES_BIGRAM_SCALE 0.25

struct feature {
	uint32_t index;
	float value;
};

struct msg_features_scratch;

/* msg_features_scratch_new - never NULL; free with msg_features_scratch_free */
struct msg_features_scratch *msg_features_scratch_new(void);
void msg_features_scratch_free(struct msg_features_scratch **s);

/*
 * msg_features_extract - the feature vector of mt in [0, 2^bits), each
 * index once, in the order first seen (scoring needs no order; the trainer
 * sorts its copies).  *f_r stays valid until the next call on s.
 */
void msg_features_extract(struct msg_features_scratch *s, const struct msg_text *mt, unsigned bits,
    uint64_t seed, const struct feature **f_r, size_t *n_r);

/* msg_features_hash - the index of one feature string (what msg_features_extract computes) */
uint32_t msg_features_hash(const char *name, size_t len, unsigned bits, uint64_t seed);

/*
 * Explain mode: with keep_names on, msg_features_extract also keeps the string
 * of each feature of the message, for msg_features_name (NULL when unknown).
 * Off by default: the milter never builds names.
 */
void msg_features_keep_names(struct msg_features_scratch *s, int on);
const char *msg_features_name(const struct msg_features_scratch *s, uint32_t index);

/*
 * msg_features_pieces - the same tokenisation, for the similarity
 * fingerprint (fingerprint.c): fn gets the visible body's pieces, then
 * MSG_PIECE_SUBJECT, then the subject's.  A word is case-folded (at most
 * the first BODY_MAX bytes of the body, as for the features); a word
 * holding a digit, or longer than the feature words, is a NUMBER (its
 * text is still passed); each CJK character (Han, kana, Hangul) comes
 * alone, and BREAK ends a run of them.  Nothing is counted; the scratch's
 * features are left undefined until the next msg_features_extract.
 */
enum msg_features_piece {
	MSG_PIECE_WORD,
	MSG_PIECE_NUMBER,
	MSG_PIECE_CJK,
	MSG_PIECE_BREAK,
	MSG_PIECE_SUBJECT,
};
typedef void msg_features_piece_fn(void *ctx, enum msg_features_piece kind, const char *p,
    size_t len);
void msg_features_pieces(struct msg_features_scratch *s, const struct msg_text *mt,
    msg_features_piece_fn *fn, void *ctx);

/* msg_features_language - the Snowball language of the last message's Latin words */
const char *msg_features_language(const struct msg_features_scratch *s);

#endif
