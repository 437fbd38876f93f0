/* text_norm - streaming folding of decoded text before matching */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>

#include "text_norm.h"
#include "utf8.h"
#include "xalloc.h"

/*
 * Folding one character at a time through ICU costs microseconds; text
 * repeats a few thousand characters.  So each character's folding is
 * computed once, on first use, into a table shared by every thread: blocks
 * of 256 entries, each block published with one atomic compare-and-swap,
 * each entry claimed by the first thread that builds it and published by
 * an atomic store of its kind (a thread that finds it being built folds
 * the character for itself).  ASCII never reaches the tables.  Only a
 * base followed by characters that compose with it (kana and a voicing
 * mark, Hangul jamo, letters of scripts whose marks are kept) goes
 * through ICU each time.
 */
enum fold_kind {
	FOLD_UNSET,	/* not built yet */
	FOLD_BUILDING,	/* another thread is building it */
	FOLD_OUT,	/* emit out[0..len) */
	FOLD_DROP,	/* Default_Ignorable: nothing */
	FOLD_MARK,	/* a combining mark: dropped after a base that strips marks */
};

enum fold_flags {
	FOLD_STRIP = 1 << 0,	/* marks after this base are dropped */
	FOLD_COMPOSE = 1 << 1,	/* may compose with what follows: hold it back */
	FOLD_JOIN = 1 << 2,	/* composes with what precedes it */
	FOLD_LONG = 1 << 3,	/* too long for the table: fold through ICU each time */
	FOLD_PLAIN = 1 << 4,	/* FOLD_OUT written as it is: not empty, not white space, none in out */
};

/* 8 bytes: what folds to more than 5 bytes (a few compatibility forms) is FOLD_LONG. */
struct fold_entry {
	uint8_t kind;
	uint8_t flags;
	uint8_t len;
	char out[5];
};

#define FOLD_BLOCKS (0x110000 >> 8)
#define FOLD_BUF 1024		/* UTF-16 units: a held-back segment grows at most 18-fold */

struct fold_block {
	struct fold_entry e[256];
};

static struct fold_block *fold_blocks[FOLD_BLOCKS];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static const UNormalizer2 *fold_nfkc_cf, *fold_nfd, *fold_nfc;
static USpoofChecker *fold_spoof;

static const char replacement[] = "\xef\xbf\xbd";

/* fold_init - the ICU normalizers and the confusables checker, once */
static void
fold_init(void)
{
	UErrorCode err = U_ZERO_ERROR;

	fold_nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
	fold_nfd = unorm2_getNFDInstance(&err);
	fold_nfc = unorm2_getNFCInstance(&err);
	if (U_FAILURE(err))
		abort();	/* ICU data missing: nothing could be matched */
	err = U_ZERO_ERROR;
	fold_spoof = uspoof_open(&err);
	if (U_FAILURE(err))
		fold_spoof = NULL;
}

/* script_of - the Unicode script of cp */
static UScriptCode
script_of(UChar32 cp)
{
	UErrorCode err = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript(cp, &err);

	return U_SUCCESS(err) ? sc : USCRIPT_COMMON;
}

/* is_cjk_script - the scripts of zh, ja and ko: never skeletonised */
static int
is_cjk_script(UScriptCode sc)
{
	return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
	    sc == USCRIPT_HANGUL || sc == USCRIPT_BOPOMOFO;
}

/*
 * strips_marks - do combining marks after this base go?  In these scripts
 * a mark is an accent (or noise on a CJK character): folding both the text
 * and the patterns without it keeps matches correct.  Elsewhere (Arabic,
 * Hebrew, Indic, Thai ...) marks spell the word and stay.
 */
static int
strips_marks(UChar32 cp)
{
	switch (script_of(cp)) {
	case USCRIPT_LATIN: case USCRIPT_GREEK: case USCRIPT_CYRILLIC: case USCRIPT_COMMON:
	case USCRIPT_INHERITED: case USCRIPT_HAN: case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA:
	case USCRIPT_HANGUL: case USCRIPT_BOPOMOFO: case USCRIPT_ARMENIAN:
	case USCRIPT_CHEROKEE: case USCRIPT_GEORGIAN:
		return 1;
	default:
		return 0;
	}
}

/* is_mark - a nonspacing or enclosing mark */
static int
is_mark(UChar32 cp)
{
	int8_t t = u_charType(cp);

	return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK;
}

/* space_kind - 0 not white space, 1 white space, 2 line break */
static int
space_kind(unsigned cp)
{
	switch (cp) {
	case '\n': case '\r': case 0x0b: case 0x0c: case 0x85: case 0x2028: case 0x2029:
		return 2;
	case ' ': case '\t': case 0: case 0xa0: case 0x1680: case 0x3000: case 0x202f:
	case 0x205f:
		return 1;
	default:
		return (cp >= 0x2000 && cp <= 0x200a) ? 1 : 0;
	}
}

/*
 * skeleton_ascii - the ASCII a look-alike letter imitates, or 0.  Only for
 * characters outside the CJK scripts whose UTS #39 skeleton is printable
 * ASCII: Cyrillic а -> a, Greek ο -> o, ı -> i, ’ -> '.  The skeleton is
 * lower-cased: the text was case-folded before.
 */
static size_t
skeleton_ascii(UChar32 cp, char *buf, size_t cap)
{
	UChar in[2], sk[16];
	UErrorCode err = U_ZERO_ERROR;
	int32_t n = 0, m, i;

	if (cp < 0x80 || fold_spoof == NULL || is_cjk_script(script_of(cp)))
		return 0;
	U16_APPEND_UNSAFE(in, n, cp);
	m = uspoof_getSkeleton(fold_spoof, 0, in, n, sk, 16, &err);
	if (U_FAILURE(err) || m <= 0 || (size_t)m >= cap)
		return 0;
	/*
	 * A letter or digit must imitate letters or digits, and a sign signs:
	 * "×" is not "x", or "7×24" would become one word.
	 */
	for (i = 0; i < m; i++)
		if (sk[i] <= 0x20 || sk[i] >= 0x7f || !u_isalnum(sk[i]) != !u_isalnum(cp))
			return 0;
	for (i = 0; i < m; i++)
		buf[i] = (char)(sk[i] >= 'A' && sk[i] <= 'Z' ? sk[i] + 32 : sk[i]);
	return (size_t)m;
}

/* put_utf8 - append cp as UTF-8 */
static size_t
put_utf8(char *p, UChar32 cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | (cp >> 6));
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xe0 | (cp >> 12));
		p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | (cp >> 18));
	p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	p[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * fold_segment - fold a base and what composes with it: NFKC_Casefold,
 * NFD, marks dropped where strips_marks says (kana keep their voicing
 * marks when they compose: が, not か + a stray mark), NFC, then
 * look-alikes to ASCII.  White space comes out as ' '
 * or '\n'.  strip is the state before the segment (for leading marks) and
 * after it.  Appends to out.
 */
static void
fold_segment(const UChar *in, int32_t n, int *strip, struct strbuf *out)
{
	UChar a[FOLD_BUF], b[FOLD_BUF], c[FOLD_BUF];
	UErrorCode err = U_ZERO_ERROR;
	int32_t na, nb, nc = 0, i = 0;
	int base_strip = *strip, base_kana = 0, keep, sk;
	UChar32 cp;
	char buf[16];
	size_t k;

	na = unorm2_normalize(fold_nfkc_cf, in, n, a, FOLD_BUF, &err);
	nb = unorm2_normalize(fold_nfd, a, na, b, FOLD_BUF, &err);
	if (U_FAILURE(err)) {
		strbuf_append(out, replacement, 3);
		return;
	}
	while (i < nb) {
		U16_NEXT(b, i, nb, cp);
		if (is_mark(cp)) {
			keep = !base_strip || (base_kana && (cp == 0x3099 || cp == 0x309a));
			if (!keep)
				continue;
		} else {
			UScriptCode sc = script_of(cp);
			char sk_buf[16];

			/* A look-alike that becomes ASCII below sheds its marks like ASCII. */
			base_strip = strips_marks(cp) ||
			    skeleton_ascii(cp, sk_buf, sizeof(sk_buf)) > 0;
			base_kana = sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA;
		}
		U16_APPEND_UNSAFE(c, nc, cp);
	}
	*strip = base_strip;
	na = unorm2_normalize(fold_nfc, c, nc, a, FOLD_BUF, &err);
	if (U_FAILURE(err)) {
		strbuf_append(out, replacement, 3);
		return;
	}
	base_kana = 0;
	for (i = 0; i < na;) {
		U16_NEXT(a, i, na, cp);
		if (cp == 0x3099 || cp == 0x309a) {
			if (base_kana)
				continue;	/* a voicing mark that composed with nothing */
		} else if (!is_mark(cp)) {
			UScriptCode sc = script_of(cp);

			base_kana = sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA;
		}
		if ((sk = space_kind((unsigned)cp)) != 0)
			strbuf_append_char(out, sk == 2 ? '\n' : ' ');
		else if ((k = skeleton_ascii(cp, buf, sizeof(buf))) > 0)
			strbuf_append(out, buf, k);
		else
			strbuf_append(out, buf, put_utf8(buf, cp));
	}
}

/* nfkc_cf_ascii - does NFKC_Casefold make this ASCII? */
static int
nfkc_cf_ascii(const UChar *in, int32_t n)
{
	UChar out[32];
	UErrorCode err = U_ZERO_ERROR;
	int32_t m = unorm2_normalize(fold_nfkc_cf, in, n, out, 32, &err), i;

	if (U_FAILURE(err) || m == 0)
		return 0;
	for (i = 0; i < m; i++)
		if (out[i] >= 0x80)
			return 0;
	return 1;
}

/* fold_entry_build - what one character folds to */
static void
fold_entry_build(UChar32 cp, struct fold_entry *e)
{
	struct strbuf s = STRBUF_INIT;
	UChar in[2];
	int32_t n = 0;
	int strip = 1;
	char buf[16];
	size_t k;

	memset(e, 0, sizeof(*e));
	U16_APPEND_UNSAFE(in, n, cp);
	if (u_hasBinaryProperty(cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
		e->kind = FOLD_DROP;
		return;
	}
	if (is_mark(cp)) {
		/* Reached only after a base that keeps its marks. */
		e->kind = FOLD_MARK;
		strip = 0;
	} else {
		e->kind = FOLD_OUT;
		if (!unorm2_hasBoundaryBefore(fold_nfkc_cf, cp))
			e->flags |= FOLD_JOIN;
		if (!unorm2_hasBoundaryAfter(fold_nfkc_cf, cp)) {
			switch (script_of(cp)) {
			case USCRIPT_LATIN: case USCRIPT_GREEK: case USCRIPT_CYRILLIC:
			case USCRIPT_COMMON: case USCRIPT_INHERITED: case USCRIPT_HAN:
				break;	/* only marks compose with these, and marks go */
			default:
				e->flags |= FOLD_COMPOSE;
			}
		}
	}
	/*
	 * A capital look-alike folds to the Latin letter it imitates as
	 * written, because its lower case may imitate another letter or
	 * nothing (Greek Ν, Ε; Cyrillic В, Н, М).  The skeleton writes every
	 * capital I look-alike as "l": a capital means "i".  Characters that
	 * NFKC already makes ASCII (full-width digits, mathematical letters)
	 * fold by NFKC, so that a digit stays a digit.
	 */
	if (e->kind == FOLD_OUT && u_isupper(cp) && !nfkc_cf_ascii(in, n) &&
	    (k = skeleton_ascii(cp, buf, sizeof(buf))) > 0) {
		if (k == 1 && buf[0] == 'l')
			buf[0] = 'i';
		strbuf_append(&s, buf, k);
	} else
		fold_segment(in, n, &strip, &s);
	if (strip)
		e->flags |= FOLD_STRIP;
	if (s.len > sizeof(e->out))
		e->flags |= FOLD_LONG;	/* a mark stays a mark (Tibetan BHA: two marks) */
	else if (s.len > 0) {
		memcpy(e->out, s.data, s.len);
		e->len = (uint8_t)s.len;
	}
	/*
	 * Not one that folds to nothing: writing it must not write the white
	 * space pending before it (emit_folded writes none for no bytes).
	 */
	if (e->kind == FOLD_OUT && e->len > 0 && (e->flags & (FOLD_COMPOSE | FOLD_LONG)) == 0 &&
	    space_kind((unsigned)cp) == 0 && memchr(e->out, ' ', e->len) == NULL &&
	    memchr(e->out, '\n', e->len) == NULL)
		e->flags |= FOLD_PLAIN;
	strbuf_release(&s);
}

/*
 * fold_lookup - the folding of one non-ASCII character: its table entry,
 * or tmp filled in when another thread is building the entry.
 */
static const struct fold_entry *
fold_lookup(unsigned cp, struct fold_entry *tmp)
{
	struct fold_block *b, *expected = NULL;
	struct fold_entry *e;
	uint8_t kind, unset = FOLD_UNSET;

	b = __atomic_load_n(&fold_blocks[cp >> 8], __ATOMIC_ACQUIRE);
	if (b != NULL) {
		e = &b->e[cp & 0xff];
		if (__atomic_load_n(&e->kind, __ATOMIC_ACQUIRE) > FOLD_BUILDING)
			return e;
	}
	pthread_once(&fold_once, fold_init);
	if (b == NULL) {
		b = xcalloc(1, sizeof(*b));
		if (!__atomic_compare_exchange_n(&fold_blocks[cp >> 8], &expected, b, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			free(b);
			b = expected;
		}
	}
	e = &b->e[cp & 0xff];
	fold_entry_build((UChar32)cp, tmp);
	if (!__atomic_compare_exchange_n(&e->kind, &unset, FOLD_BUILDING, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return tmp;	/* built or being built by another thread */
	kind = tmp->kind;
	e->flags = tmp->flags;
	e->len = tmp->len;
	memcpy(e->out, tmp->out, sizeof(e->out));
	__atomic_store_n(&e->kind, kind, __ATOMIC_RELEASE);
	return e;
}

/* text_norm_init - fresh state */
void
text_norm_init(struct text_norm *tn, int enabled)
{
	tn->carry_len = 0;
	tn->pending_space = 0;
	tn->at_start = 1;
	tn->enabled = enabled;
	tn->literal = 0;
	tn->strip_marks = 1;
	tn->seg_len = 0;
	tn->overrides = 0;
}

/* flush_space - write the white space pending before the next character */
static void
flush_space(struct text_norm *tn, struct strbuf *out)
{
	if (tn->pending_space) {
		if (!tn->at_start)
			strbuf_append_char(out, tn->pending_space == 2 ? '\n' : ' ');
		tn->pending_space = 0;
	}
	tn->at_start = 0;
}

/* emit - append one character's bytes, flushing pending white space first */
static void
emit(struct text_norm *tn, struct strbuf *out, const char *bytes, size_t n)
{
	flush_space(tn, out);
	strbuf_append(out, bytes, n);
}

/* space - note white space of this kind (1 space, 2 line break) */
static void
space(struct text_norm *tn, struct strbuf *out, int kind)
{
	if (tn->literal) {
		emit(tn, out, kind == 2 ? "\n" : " ", 1);
		return;
	}
	if (kind > tn->pending_space)
		tn->pending_space = kind;
}

/* emit_folded - append folded bytes in which ' ' and '\n' are white space */
static void
emit_folded(struct text_norm *tn, struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		if (s[i] == ' ' || s[i] == '\n') {
			space(tn, out, s[i] == '\n' ? 2 : 1);
			i++;
			continue;
		}
		for (j = i; j < n && s[j] != ' ' && s[j] != '\n'; j++)
			;
		emit(tn, out, s + i, j - i);
		i = j;
	}
}

/*
 * emit_entry - append a character's folding; a base sets whether the marks
 * after it go, a mark leaves that as it was.
 */
static void
emit_entry(struct text_norm *tn, struct strbuf *out, const struct fold_entry *e, unsigned cp)
{
	struct strbuf s = STRBUF_INIT;
	UChar in[2];
	int32_t n = 0;
	int strip = e->kind != FOLD_MARK;

	if (e->flags & FOLD_LONG) {
		U16_APPEND_UNSAFE(in, n, (UChar32)cp);
		fold_segment(in, n, &strip, &s);
		emit_folded(tn, out, s.data, s.len);
		strbuf_release(&s);
	} else {
		emit_folded(tn, out, e->out, e->len);
		strip = (e->flags & FOLD_STRIP) != 0;
	}
	/*
	 * A mark leaves the state alone, unless it folds into a letter that
	 * sheds marks (U+0345 into iota, written "i"): what follows then sees
	 * that letter, as it does when the output is folded again.
	 */
	if (e->kind != FOLD_MARK || strip)
		tn->strip_marks = strip;
}

/* seg_flush - fold and emit the held-back base and its marks */
static void
seg_flush(struct text_norm *tn, struct strbuf *out)
{
	struct strbuf s = STRBUF_INIT;
	UChar32 cp;
	size_t i = 0;

	if (tn->seg_len == 0)
		return;
	U16_NEXT(tn->seg, i, tn->seg_len, cp);
	if (i == tn->seg_len && !is_mark(cp)) {
		struct fold_entry tmp;

		tn->seg_len = 0;
		emit_entry(tn, out, fold_lookup((unsigned)cp, &tmp), (unsigned)cp);
		return;
	}
	fold_segment((const UChar *)tn->seg, (int32_t)tn->seg_len, &tn->strip_marks, &s);
	tn->seg_len = 0;
	emit_folded(tn, out, s.data, s.len);
	strbuf_release(&s);
}

/* seg_push - hold back one more character of the segment */
static void
seg_push(struct text_norm *tn, struct strbuf *out, unsigned cp)
{
	int32_t n;

	if (tn->seg_len + 2 > TEXT_NORM_SEG_MAX)
		seg_flush(tn, out);	/* bounded: a long run of marks goes in pieces */
	n = (int32_t)tn->seg_len;
	U16_APPEND_UNSAFE((UChar *)tn->seg, n, (UChar32)cp);
	tn->seg_len = (size_t)n;
}

/*
 * plain_entry - a built table entry that handle would simply write out (no
 * white space in it, nothing held back, no ICU call), or NULL.  Dropped
 * characters count as plain too (len 0).  Only when nothing is held back.
 */
static inline const struct fold_entry *
plain_entry(const struct text_norm *tn, unsigned cp)
{
	const struct fold_block *b;
	const struct fold_entry *e;
	uint8_t kind;

	if (tn->seg_len > 0 ||
	    (b = __atomic_load_n(&fold_blocks[cp >> 8], __ATOMIC_ACQUIRE)) == NULL)
		return NULL;
	e = &b->e[cp & 0xff];
	kind = __atomic_load_n(&e->kind, __ATOMIC_ACQUIRE);
	if (kind == FOLD_DROP || (kind == FOLD_OUT && (e->flags & FOLD_PLAIN) != 0))
		return e;
	return NULL;
}

/* handle - fold one decoded non-ASCII code point (or any, when disabled) */
static void
handle(struct text_norm *tn, struct strbuf *out, unsigned cp, const unsigned char *raw, int n)
{
	const struct fold_entry *e;
	struct fold_entry tmp;
	int sk;

	if (cp == 0x202e)
		tn->overrides++;	/* RLO: left-to-right text shown backwards */
	if (!tn->enabled) {
		emit(tn, out, (const char *)raw, (size_t)n);
		return;
	}
	/* The common case: a character already in the table, written as it is. */
	if ((e = plain_entry(tn, cp)) != NULL) {
		if (e->kind == FOLD_DROP)
			return;
		emit(tn, out, e->out, e->len);
		tn->strip_marks = (e->flags & FOLD_STRIP) != 0;
		return;
	}
	e = fold_lookup(cp, &tmp);
	switch (e->kind) {
	case FOLD_DROP:
		return;
	case FOLD_MARK:
		if (tn->seg_len > 0)
			seg_push(tn, out, cp);
		else if (!tn->strip_marks)
			emit_entry(tn, out, e, cp);
		return;
	default:
		break;
	}
	if ((e->flags & FOLD_JOIN) && tn->seg_len > 0) {
		seg_push(tn, out, cp);
		return;
	}
	seg_flush(tn, out);
	if ((sk = space_kind(cp)) != 0) {
		space(tn, out, sk);
		tn->strip_marks = 1;
		return;
	}
	if (e->flags & FOLD_COMPOSE) {
		seg_push(tn, out, cp);
		return;
	}
	emit_entry(tn, out, e, cp);
}

/* bad_byte - an invalid sequence: U+FFFD */
static void
bad_byte(struct text_norm *tn, struct strbuf *out)
{
	if (tn->enabled)
		seg_flush(tn, out);
	emit(tn, out, replacement, 3);
	tn->strip_marks = 1;
}

/* carry_push - feed one byte of a character that straddles two calls */
static void
carry_push(struct text_norm *tn, struct strbuf *out, unsigned char b)
{
	unsigned char rest[4];
	size_t nrest, j;
	unsigned cp;
	int n;

	tn->carry[tn->carry_len++] = b;
	n = utf8_decode(tn->carry, tn->carry_len, &cp);
	if (n > 0) {
		handle(tn, out, cp, tn->carry, n);
		tn->carry_len = 0;
	} else if (n < 0) {
		/* Replace the bad lead byte and re-read what followed it. */
		bad_byte(tn, out);
		nrest = tn->carry_len - 1;
		memcpy(rest, tn->carry + 1, nrest);
		tn->carry_len = 0;
		for (j = 0; j < nrest; j++)
			carry_push(tn, out, rest[j]);
	}
}

/* ascii_run - printable ASCII: lower-cased when folding */
static void
ascii_run(struct text_norm *tn, struct strbuf *out, const unsigned char *p, size_t n)
{
	char *d;
	size_t i;

	if (tn->seg_len > 0)
		seg_flush(tn, out);
	flush_space(tn, out);
	if (!tn->enabled) {
		strbuf_append(out, p, n);
		return;
	}
	strbuf_grow(out, n);
	d = out->data + out->len;
	for (i = 0; i < n; i++)
		d[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
	out->len += n;
	out->data[out->len] = '\0';
	tn->strip_marks = 1;
}

/*
 * Byte classes for the loop below that reads a whole ASCII span at once:
 * 0 written (lower-cased), 1 white space, 2 line break (as space_kind
 * sees them); a byte of 80 or more ends the span.
 */
static const unsigned char ascii_class[128] = {
	[0x00] = 1, ['\t'] = 1, [' '] = 1,
	['\n'] = 2, ['\v'] = 2, ['\f'] = 2, ['\r'] = 2,
};

/*
 * ascii_span - fold the ASCII bytes from p[i] on, up to the first 8-bit
 * byte: what ascii_run, space and emit do byte by byte (letters
 * lower-cased, white space pending, other bytes as they are), in one loop
 * writing straight into out.  A span writes at most one byte for each it
 * reads, plus the pending white space before it.  Not for literal mode.
 * Returns where the span ends.
 */
static size_t
ascii_span(struct text_norm *tn, struct strbuf *out, const unsigned char *p, size_t i,
    size_t len)
{
	char *d;
	unsigned char c;
	int pending, at_start, k;

	if (tn->seg_len > 0)
		seg_flush(tn, out);	/* may write the pending white space */
	pending = tn->pending_space;
	at_start = tn->at_start;
	strbuf_grow(out, len - i + 1);
	d = out->data + out->len;
	for (; i < len; i++) {
		if ((c = p[i]) >= 0x80)
			break;
		if ((k = ascii_class[c]) != 0) {
			if (k > pending)
				pending = k;
			continue;
		}
		if (pending) {
			if (!at_start)
				*d++ = pending == 2 ? '\n' : ' ';
			pending = 0;
		}
		at_start = 0;
		*d++ = (char)(c | (unsigned char)((unsigned)(c - 'A') < 26) << 5);
	}
	tn->pending_space = pending;
	tn->at_start = at_start;
	tn->strip_marks = 1;
	out->len = (size_t)(d - out->data);
	out->data[out->len] = '\0';
	return i;
}

/* text_norm_feed - normalise a chunk */
void
text_norm_feed(struct text_norm *tn, struct strbuf *out, const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0;
	unsigned cp;
	int n, sk;

	while (tn->carry_len > 0 && i < len)
		carry_push(tn, out, p[i++]);
	while (i < len) {
		if (p[i] < 0x80 && tn->enabled && !tn->literal) {
			i = ascii_span(tn, out, p, i, len);
			continue;
		}
		if (p[i] < 0x80 && p[i] > 0x20 && p[i] != 0x7f) {
			/* Fast path: plain printable ASCII. */
			size_t j = i;

			while (j < len && p[j] < 0x80 && p[j] > 0x20 && p[j] != 0x7f)
				j++;
			ascii_run(tn, out, p + i, j - i);
			i = j;
			continue;
		}
		if (p[i] < 0x80 && tn->enabled) {
			seg_flush(tn, out);
			if ((sk = space_kind(p[i])) != 0)
				space(tn, out, sk);
			else
				emit(tn, out, (const char *)p + i, 1);
			tn->strip_marks = 1;
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n > 0) {
			handle(tn, out, cp, p + i, n);
			i += (size_t)n;
		} else if (n == 0) {
			while (i < len)
				carry_push(tn, out, p[i++]);
		} else {
			bad_byte(tn, out);
			i++;
		}
	}
}

/* text_norm_flush - end of a run */
void
text_norm_flush(struct text_norm *tn, struct strbuf *out)
{
	if (tn->carry_len > 0) {
		bad_byte(tn, out);
		tn->carry_len = 0;
	}
	if (tn->enabled)
		seg_flush(tn, out);
}

/* text_norm_string - normalise a complete string */
void
text_norm_string(struct strbuf *out, const char *in, size_t len, int enabled)
{
	struct text_norm tn;

	text_norm_init(&tn, enabled);
	text_norm_feed(&tn, out, in, len);
	text_norm_flush(&tn, out);
}

/* text_norm_fold - fold a pattern literal, white space kept */
void
text_norm_fold(struct strbuf *out, const char *in, size_t len)
{
	struct text_norm tn;

	text_norm_init(&tn, 1);
	tn.literal = 1;
	tn.at_start = 0;
	text_norm_feed(&tn, out, in, len);
	text_norm_flush(&tn, out);
}

/* is_alnum_at - is the character at s[i] a letter or digit?  Sets its length. */
static int
is_alnum_at(const char *s, size_t len, size_t i, size_t *n_r)
{
	unsigned char c = (unsigned char)s[i];
	unsigned cp;
	int n;

	if (c < 0x80) {
		*n_r = 1;
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}
	n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
	if (n <= 0) {
		*n_r = 1;
		return 0;
	}
	*n_r = (size_t)n;
	return u_isalnum((UChar32)cp);
}

/* The collapse in progress: lone letters of the current run, and what is written. */
struct collapse {
	const char *in;
	struct strbuf *out, *runs;
	struct strbuf lones;	/* [start, end) size_t pairs of the current run */
	size_t count;		/* lone letters in it */
	size_t copied;		/* in[0..copied) is written to out */
	size_t nruns;
};

/* collapse_close - end the current run: three or more letters are written joined */
static void
collapse_close(struct collapse *c)
{
	const size_t *l = (const size_t *)c->lones.data;
	size_t k, at;

	if (c->count >= 3) {
		strbuf_append(c->out, c->in + c->copied, l[0] - c->copied);
		at = c->out->len;
		for (k = 0; k < c->count; k++)
			strbuf_append(c->out, c->in + l[2 * k], l[2 * k + 1] - l[2 * k]);
		strbuf_append(c->runs, &at, sizeof(at));
		strbuf_append(c->runs, &c->out->len, sizeof(c->out->len));
		c->copied = l[2 * (c->count - 1) + 1];
		c->nruns++;
	}
	c->count = 0;
	strbuf_reset(&c->lones);
}

/* letter_runs - the collapse of letter-spaced runs (text_norm_collapse without the CJK joins) */
static size_t
letter_runs(const char *in, size_t len, struct strbuf *out, struct strbuf *runs)
{
	struct collapse c = { in, out, runs, STRBUF_INIT, 0, 0, 0 };
	size_t i = 0, n, word_start = 0, word_chars = 0, gap = 0;
	int a;

	strbuf_reset(out);
	strbuf_reset(runs);
	/* Each word ends where a non-alphanumeric character (or the end) comes. */
	while (i < len) {
		a = is_alnum_at(in, len, i, &n);
		if (a) {
			if (word_chars == 0)
				word_start = i;
			word_chars++;
			i += n;
			if (i < len && is_alnum_at(in, len, i, &n))
				continue;
			/* The word [word_start, i) ends here. */
			if (word_chars == 1 && (c.count == 0 || (gap >= 1 && gap <= 2))) {
				strbuf_append(&c.lones, &word_start, sizeof(word_start));
				strbuf_append(&c.lones, &i, sizeof(i));
				c.count++;
			} else {
				collapse_close(&c);
				if (word_chars == 1) {
					strbuf_append(&c.lones, &word_start, sizeof(word_start));
					strbuf_append(&c.lones, &i, sizeof(i));
					c.count = 1;
				}
			}
			word_chars = 0;
			gap = 0;
		} else {
			gap++;
			i += n;
		}
	}
	collapse_close(&c);
	strbuf_release(&c.lones);
	if (c.nruns == 0) {
		strbuf_reset(out);
		return 0;
	}
	strbuf_append(out, in + c.copied, len - c.copied);
	return c.nruns;
}

/* is_cjk - Han, Hiragana or Katakana: scripts written without spaces between words */
static int
is_cjk(unsigned cp)
{
	return (cp >= 0x3040 && cp <= 0x30ff) || cp == 0x3005 || cp == 0x3007 ||
	    (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xff66 && cp <= 0xff9f) || (cp >= 0x20000 && cp <= 0x3ffff);
}

/* cjk_at - the length of the CJK character at s[i], or 0 */
static size_t
cjk_at(const char *s, size_t len, size_t i)
{
	unsigned cp;
	int n;

	if ((unsigned char)s[i] < 0x80)
		return 0;
	n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
	return n > 0 && is_cjk(cp) ? (size_t)n : 0;
}

/* add_run - append [start, end) to a sorted run list, merging with the last when they meet */
static void
add_run(struct strbuf *runs, size_t start, size_t end)
{
	size_t *r = (size_t *)runs->data, n = runs->len / (2 * sizeof(size_t));

	if (n > 0 && start <= r[2 * n - 1]) {
		if (end > r[2 * n - 1])
			r[2 * n - 1] = end;
		return;
	}
	strbuf_append(runs, &start, sizeof(start));
	strbuf_append(runs, &end, sizeof(end));
}

/*
 * cjk_join - remove the white space (one line break at most) between two
 * CJK characters of s: "料\n金", "請 求".  Joins go to out with the runs
 * of s (lruns, in s) merged with the joined pairs, in out.  0 when there
 * is nothing to join (out then untouched).
 */
static size_t
cjk_join(const char *s, size_t len, const struct strbuf *lruns, struct strbuf *out,
    struct strbuf *runs)
{
	struct strbuf gaps = STRBUF_INIT, merged = STRBUF_INIT;
	const size_t *lr = (const size_t *)lruns->data, *g, *m;
	size_t nl = lruns->len / (2 * sizeof(size_t)), kl = 0, i = 0, j, prev = SIZE_MAX, c, n;
	size_t ng, nm, k, del, copied = 0, breaks;
	unsigned cp;
	int r;

	while (i < len) {
		unsigned char b = (unsigned char)s[i];

		if (b < 0x80) {
			if (prev != SIZE_MAX && (b == ' ' || b == '\t' || b == '\n')) {
				for (j = i, breaks = 0; j < len && (s[j] == ' ' || s[j] == '\t' ||
				    s[j] == '\n'); j++)
					breaks += s[j] == '\n';
				if (breaks <= 1 && j < len && (c = cjk_at(s, len, j)) > 0) {
					strbuf_append(&gaps, &i, sizeof(i));
					strbuf_append(&gaps, &j, sizeof(j));
					/* the runs of letters before this pair, then the pair */
					for (; kl < nl && lr[2 * kl] < prev; kl++)
						add_run(&merged, lr[2 * kl], lr[2 * kl + 1]);
					add_run(&merged, prev, j + c);
					prev = j;
					i = j + c;
					continue;
				}
				i = j;
			} else
				i++;
			prev = SIZE_MAX;
			continue;
		}
		r = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		n = r > 0 ? (size_t)r : 1;
		prev = r > 0 && is_cjk(cp) ? i : SIZE_MAX;
		i += n;
	}
	ng = gaps.len / (2 * sizeof(size_t));
	if (ng == 0) {
		strbuf_release(&gaps);
		strbuf_release(&merged);
		return 0;
	}
	for (; kl < nl; kl++)
		add_run(&merged, lr[2 * kl], lr[2 * kl + 1]);

	/* the text without the gaps, and the runs moved by what went before them */
	g = (const size_t *)gaps.data;
	strbuf_reset(out);
	for (k = 0; k < ng; k++) {
		strbuf_append(out, s + copied, g[2 * k] - copied);
		copied = g[2 * k + 1];
	}
	strbuf_append(out, s + copied, len - copied);
	m = (const size_t *)merged.data;
	nm = merged.len / (2 * sizeof(size_t));
	strbuf_reset(runs);
	for (k = 0, i = 0, del = 0; k < 2 * nm; k++) {
		for (; i < ng && g[2 * i + 1] <= m[k]; i++)
			del += g[2 * i + 1] - g[2 * i];
		n = m[k] - del;
		strbuf_append(runs, &n, sizeof(n));
	}
	strbuf_release(&gaps);
	strbuf_release(&merged);
	return nm;
}

/*
 * text_norm_collapse - the collapsed view: letter-spaced runs joined, and
 * CJK characters cut by white space joined
 */
size_t
text_norm_collapse(const char *in, size_t len, struct strbuf *out, struct strbuf *runs)
{
	struct strbuf joined = STRBUF_INIT, jruns = STRBUF_INIT;
	size_t n = letter_runs(in, len, out, runs), nj;

	if (n > 0)
		nj = cjk_join(out->data, out->len, runs, &joined, &jruns);
	else
		nj = cjk_join(in, len, runs, &joined, &jruns);
	if (nj > 0) {
		struct strbuf t = *out;

		*out = joined;
		joined = t;
		t = *runs;
		*runs = jruns;
		jruns = t;
		n = nj;
	}
	strbuf_release(&joined);
	strbuf_release(&jruns);
	return n;
}
