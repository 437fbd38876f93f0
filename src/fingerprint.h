/* fingerprint - the similarity fingerprint of a decoded message (template memory) */
#ifndef CSP_FINGERPRINT_H
#define CSP_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>
#include "msg_features.h"
#include "msg_text.h"

/*
 * Mail from one template differs in names, dates, amounts and IDs; the
 * fingerprint keeps what the template writes and forgets what it fills in.
 * It reads what the model reads (msg_features_pieces: the visible body,
 * then the subject; folded words, CJK characters), with every word that
 * holds a digit, or is longer than a feature word, read as one placeholder
 * "#" (a run of them as one: "1,234.56" and "99.00" are the same amount).
 * Shingles: word FINGERPRINT_WORD_K-grams (a Hangul run between spaces is
 * a word), character FINGERPRINT_CJK_N-grams inside a run of Han or kana
 * (no spaces to go by); a text shorter than one shingle is one shingle.
 * Subject shingles are hashed apart from body ones.
 *
 * MinHash by one-permutation hashing: each shingle is hashed once (64 bits),
 * the top bits pick one of FINGERPRINT_BINS bins and the rest is a value
 * whose minimum the bin keeps; empty bins borrow the value of a non-empty
 * bin picked by a fixed sequence of hashes (optimal densification,
 * Shrivastava 2017), so a short text gives a full fingerprint.  Each bin's
 * minimum is stored as 16 bits of a hash of it.  The share of bins on which
 * two fingerprints agree estimates the Jaccard similarity of their shingle
 * sets (plus 1/65536 of chance agreement per bin).
 *
 * Pure functions; the msg_features_scratch is the caller's (one per thread).
 * FINGERPRINT_VERSION changes whenever the same text would give other bins:
 * stored fingerprints of another version are refused, not compared.
 */
#define FINGERPRINT_VERSION 1
#define FINGERPRINT_BINS 64
#define FINGERPRINT_BYTES (2 * FINGERPRINT_BINS)	/* the stored form: little-endian 16-bit bins */
#ifndef FINGERPRINT_WORD_K
#define FINGERPRINT_WORD_K 2
#endif
#ifndef FINGERPRINT_CJK_N
#define FINGERPRINT_CJK_N 3
#endif

struct fingerprint {
	uint16_t bin[FINGERPRINT_BINS];
	uint32_t shingles;	/* shingles hashed (not distinct): 0 means no text */
};

/* fingerprint_message - fp of mt's visible body and subject; -1 when it has no word at all */
int fingerprint_message(struct msg_features_scratch *s, const struct msg_text *mt,
    struct fingerprint *fp);

/* fingerprint_agreement - bins on which a and b agree, 0..FINGERPRINT_BINS */
int fingerprint_agreement(const struct fingerprint *a, const struct fingerprint *b);

/* fingerprint_similarity - estimated Jaccard similarity, agreement / FINGERPRINT_BINS */
double fingerprint_similarity(const struct fingerprint *a, const struct fingerprint *b);

/* fingerprint_encode - the stored form, FINGERPRINT_BYTES into out */
void fingerprint_encode(const struct fingerprint *fp, unsigned char *out);
/* fingerprint_decode - back from the stored form; -1 if len is not FINGERPRINT_BYTES */
int fingerprint_decode(const void *blob, size_t len, struct fingerprint *fp);

#endif
