/* fingerprint - word and character shingles, one-permutation MinHash with densification */
#include "config.h"

#include <string.h>

#include "fingerprint.h"
#include "hash.h"

#define BIN_SHIFT 58			/* 64 - log2(FINGERPRINT_BINS) */
#define NUMBER_HASH 0x6e756d6265722323ULL	/* the placeholder "#" */
#define SUBJECT_SEED 0x5375626a65637421ULL	/* subject shingles apart from the body's */
#define CJK_RUN_MAX 64			/* characters of a CJK run kept for a Hangul word */

/* hash_text - FNV-1a of a piece, mixed */
static uint64_t
hash_text(const char *p, size_t len)
{
	return hash_mix64(hash_fnv1a(HASH_FNV_BASIS, p, len));
}

struct shingler {
	struct fingerprint *fp;
	uint32_t min[FINGERPRINT_BINS];
	uint64_t filled;		/* bit i: bin i got a shingle */
	uint64_t seed;			/* 0 for the body, SUBJECT_SEED for the subject */
	/* Words: the last FINGERPRINT_WORD_K hashes, how many so far in this text. */
	uint64_t word[FINGERPRINT_WORD_K];
	size_t nwords;
	int last_number;
	/* The CJK run being read: its characters' hashes (the last N) and count. */
	uint64_t cjk[FINGERPRINT_CJK_N];
	size_t ncjk;
	int run_hangul;			/* every character of the run is Hangul */
	uint64_t run_hash;		/* FNV-1a of the whole run, for a Hangul word */
};

/* add_shingle - one shingle into its bin */
static void
add_shingle(struct shingler *sh, uint64_t h)
{
	uint64_t x = hash_mix64(h ^ sh->seed);
	unsigned b = (unsigned)(x >> BIN_SHIFT);
	uint32_t v = (uint32_t)x;

	if (!(sh->filled & (1ULL << b)) || v < sh->min[b])
		sh->min[b] = v;
	sh->filled |= 1ULL << b;
	sh->fp->shingles++;
}

/* combine - the hash of a sequence of hashes (order matters) */
static uint64_t
combine(const uint64_t *h, size_t n, size_t first, size_t cap)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < n; i++)
		x = hash_mix64(x ^ h[(first + i) % cap]) + i;
	return x;
}

/* add_word - one word (or placeholder) to the word sequence */
static void
add_word(struct shingler *sh, uint64_t h)
{
	sh->word[sh->nwords % FINGERPRINT_WORD_K] = h;
	sh->nwords++;
	if (sh->nwords >= FINGERPRINT_WORD_K)
		add_shingle(sh, combine(sh->word, FINGERPRINT_WORD_K,
		    sh->nwords % FINGERPRINT_WORD_K, FINGERPRINT_WORD_K));
}

/* is_hangul - a Hangul syllable or jamo, from its UTF-8 bytes */
static int
is_hangul(const char *p, size_t len)
{
	uint32_t c;

	if (len != 3)
		return 0;
	c = ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) | (uint32_t)(p[2] & 0x3f);
	return (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) ||
	    (c >= 0x3130 && c <= 0x318f);
}

/* end_cjk - the run is over: a Hangul word joins the words; a short Han/kana run is one shingle */
static void
end_cjk(struct shingler *sh)
{
	if (sh->ncjk == 0)
		return;
	if (sh->run_hangul) {
		add_word(sh, hash_mix64(sh->run_hash));
		sh->last_number = 0;
	} else if (sh->ncjk < FINGERPRINT_CJK_N)
		add_shingle(sh, combine(sh->cjk, sh->ncjk, 0, FINGERPRINT_CJK_N) ^ 0x636a6bULL);
	sh->ncjk = 0;
}

/* end_text - the body or the subject is over: a text shorter than one shingle is one */
static void
end_text(struct shingler *sh)
{
	end_cjk(sh);
	if (sh->nwords > 0 && sh->nwords < FINGERPRINT_WORD_K)
		add_shingle(sh, combine(sh->word, sh->nwords, 0, FINGERPRINT_WORD_K));
	sh->nwords = 0;
	sh->last_number = 0;
}

/* on_piece - msg_features_pieces callback */
static void
on_piece(void *ctx, enum msg_features_piece kind, const char *p, size_t len)
{
	struct shingler *sh = ctx;
	uint64_t h;

	switch (kind) {
	case MSG_PIECE_WORD:
		end_cjk(sh);
		add_word(sh, hash_text(p, len));
		sh->last_number = 0;
		break;
	case MSG_PIECE_NUMBER:
		end_cjk(sh);
		/* 12 March 2026, 1,234.56, INV-2026-0042: one placeholder each. */
		if (!sh->last_number)
			add_word(sh, NUMBER_HASH);
		sh->last_number = 1;
		break;
	case MSG_PIECE_CJK:
		h = hash_text(p, len);
		if (sh->ncjk == 0) {
			sh->run_hangul = 1;
			sh->run_hash = HASH_FNV_BASIS;
		}
		if (!is_hangul(p, len))
			sh->run_hangul = 0;
		sh->run_hash = (sh->run_hash ^ h) * HASH_FNV_PRIME;
		sh->cjk[sh->ncjk % FINGERPRINT_CJK_N] = h;
		sh->ncjk++;
		/* A Hangul run is a word, counted when it ends. */
		if (sh->ncjk >= FINGERPRINT_CJK_N && !sh->run_hangul)
			add_shingle(sh, combine(sh->cjk, FINGERPRINT_CJK_N,
			    sh->ncjk % FINGERPRINT_CJK_N, FINGERPRINT_CJK_N) ^ 0x636a6bULL);
		break;
	case MSG_PIECE_BREAK:
		end_cjk(sh);
		break;
	case MSG_PIECE_SUBJECT:
		end_text(sh);
		sh->seed = SUBJECT_SEED;
		break;
	}
}

/*
 * densify - an empty bin takes the value of the first non-empty bin on its
 * own sequence of hashes: two texts that leave the same bins empty borrow
 * from the same places (optimal densification).
 */
static void
densify(struct shingler *sh)
{
	unsigned b, attempt, from;

	for (b = 0; b < FINGERPRINT_BINS; b++) {
		if (sh->filled & (1ULL << b))
			continue;
		for (attempt = 1;; attempt++) {
			from = (unsigned)(hash_mix64(((uint64_t)b << 32) | attempt) >> BIN_SHIFT);
			if (sh->filled & (1ULL << from))
				break;
		}
		sh->min[b] = sh->min[from];
	}
}

/* fingerprint_message - shingle, hash, densify */
int
fingerprint_message(struct msg_features_scratch *s, const struct msg_text *mt,
    struct fingerprint *fp)
{
	struct shingler sh;
	unsigned b;

	memset(&sh, 0, sizeof(sh));
	memset(fp, 0, sizeof(*fp));
	sh.fp = fp;
	msg_features_pieces(s, mt, on_piece, &sh);
	end_text(&sh);
	if (sh.filled == 0)
		return -1;
	densify(&sh);
	for (b = 0; b < FINGERPRINT_BINS; b++)
		fp->bin[b] = (uint16_t)(hash_mix64(sh.min[b] ^ ((uint64_t)b << 40)) >> 48);
	return 0;
}

/* fingerprint_agreement - bins equal in both */
int
fingerprint_agreement(const struct fingerprint *a, const struct fingerprint *b)
{
	int i, n = 0;

	for (i = 0; i < FINGERPRINT_BINS; i++)
		n += a->bin[i] == b->bin[i];
	return n;
}

/* fingerprint_similarity - the share of bins that agree */
double
fingerprint_similarity(const struct fingerprint *a, const struct fingerprint *b)
{
	return (double)fingerprint_agreement(a, b) / FINGERPRINT_BINS;
}

/* fingerprint_encode - little-endian 16-bit bins */
void
fingerprint_encode(const struct fingerprint *fp, unsigned char *out)
{
	int i;

	for (i = 0; i < FINGERPRINT_BINS; i++) {
		out[2 * i] = (unsigned char)(fp->bin[i] & 0xff);
		out[2 * i + 1] = (unsigned char)(fp->bin[i] >> 8);
	}
}

/* fingerprint_decode - the inverse of fingerprint_encode */
int
fingerprint_decode(const void *blob, size_t len, struct fingerprint *fp)
{
	const unsigned char *p = blob;
	int i;

	if (len != FINGERPRINT_BYTES)
		return -1;
	for (i = 0; i < FINGERPRINT_BINS; i++)
		fp->bin[i] = (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8));
	fp->shingles = 1;
	return 0;
}
