/* text_norm - streaming folding of decoded text before matching */
#ifndef CSP_TEXT_NORM_H
#define CSP_TEXT_NORM_H

#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

/*
 * Input is decoded text that should be UTF-8; output is always valid UTF-8.
 * With folding enabled, the text the rules see is, character by character
 * (ICU does each step):
 *   - invalid UTF-8 becomes U+FFFD;
 *   - every Default_Ignorable_Code_Point is removed (zero-width characters,
 *     soft hyphen, bidi controls, variation selectors, tag characters,
 *     U+206A-U+206F, Hangul fillers ...);
 *   - NFKC with case folding (NFKC_Casefold): full-width and mathematical
 *     letters, ligatures, compatibility forms and capitals fold;
 *   - combining marks (Mn, Me) are removed after letters of the Latin,
 *     Greek, Cyrillic, Han, Hangul and common scripts, so "é", "e" + U+0301
 *     and "e" read the same; the kana voicing marks stay on kana (が is
 *     not か), and marks of other scripts (Arabic, Indic, Thai ...) stay;
 *   - a letter outside the CJK scripts whose UTS #39 confusable skeleton
 *     is ASCII becomes that ASCII (Cyrillic а, Greek ο, dotless ı ...).
 *     ASCII itself only folds case: its own look-alikes (0/O, 1/l, rn/m)
 *     stay, so that digits and regex classes keep their meaning;
 *   - a run of white space becomes one space, or one newline if the run
 *     held a line break; NUL counts as white space.
 * Patterns of rules go through the same folding (text_norm_fold), so a
 * rule matches however its words are written.
 *
 * Feeding is streaming: a character split across two calls is carried
 * over, and a base character that may still compose with the marks that
 * follow is held back (at most TEXT_NORM_SEG_MAX UTF-16 units) until the
 * next base, white space or text_norm_flush.  The state belongs to one
 * caller and holds no allocation; the folding tables are shared by every
 * thread and built on first use.
 */
#define TEXT_NORM_SEG_MAX 32

struct text_norm {
	unsigned char carry[4];
	size_t carry_len;
	int pending_space;	/* 0 none, 1 space, 2 newline */
	int at_start;		/* drop leading white space */
	int enabled;		/* 0: only UTF-8 repair, no folding */
	int literal;		/* white space is kept as it comes (pattern literals) */
	int strip_marks;	/* combining marks after the last base are dropped */
	uint16_t seg[TEXT_NORM_SEG_MAX];	/* held back: a base and its marks */
	size_t seg_len;
	size_t overrides;	/* right-to-left overrides (U+202E) seen, dropped */
};

void text_norm_init(struct text_norm *tn, int enabled);
/* text_norm_feed - normalise len bytes, appending to out */
void text_norm_feed(struct text_norm *tn, struct strbuf *out, const char *in, size_t len);
/* text_norm_flush - end of a text run: emit what is held back, a partial char as U+FFFD */
void text_norm_flush(struct text_norm *tn, struct strbuf *out);
/* text_norm_string - normalise a whole string into out (convenience for headers) */
void text_norm_string(struct strbuf *out, const char *in, size_t len, int enabled);
/*
 * text_norm_fold - fold a literal string (a piece of a pattern) the way
 * text is folded, keeping its white space as it is (one space per
 * white-space character, nothing dropped at either end).
 */
void text_norm_fold(struct strbuf *out, const char *in, size_t len);
/*
 * text_norm_collapse - the letter-spaced runs of folded text read as words.
 * A run is three or more single letters or digits, each standing alone
 * (no letter or digit right before or after it), separated by one or two
 * other characters: "i n v o i c e", "i.n.v.o.i.c.e", "i - n - v" is not
 * (three).  When in has such runs, out is in with the separators inside
 * each run removed, and runs receives (as size_t pairs) where each
 * collapsed run lies in out; returns the number of runs.  Then the white
 * space between two Han, Hiragana or Katakana characters is removed
 * ("料\n金", "請 求": those scripts put no spaces between words, so a
 * space there is a hard wrap or letter spacing; the folded text keeps one
 * white-space character of a run, so a blank line counts too); each
 * joined pair is a run, merged with the runs it meets.  Hangul keeps its
 * spaces (Korean puts them between words).  Without runs, returns 0 and
 * out is left empty: the view is not needed.
 */
size_t text_norm_collapse(const char *in, size_t len, struct strbuf *out, struct strbuf *runs);

#endif
