/* rule_prefilter - one Vectorscan pass over a text says which rules may match */
#include "config.h"

#include <hs/hs.h>
#include <stdlib.h>
#include <string.h>

#include "rule_prefilter.h"
#include "strbuf.h"
#include "xalloc.h"

struct rule_prefilter {
	int refcount;		/* shared by snapshots with the same rules */
	hs_database_t *db;	/* NULL when no pattern could be compiled */
	unsigned generation;	/* tells scratches to grow for this database */
};

struct rule_prefilter_scratch {
	hs_scratch_t *hs;
	/* Databases this scratch has been sized for, by generation. */
	unsigned *ready;
	size_t ready_count, ready_cap;
};

static unsigned rule_prefilter_generation;

/* Every character outside ASCII: what ASCII \w, \d and \s must also accept. */
#define WIDEN_NON_ASCII "\\x{80}-\\x{10FFFF}"

/*
 * unbounded_repeat - at p, "{M,N}": append the repeat without its upper
 * bound ("*", "+" or "{M,}", a superset) and return the '}'; NULL for
 * anything else.  A bounded repeat of a broad class ("[^.]{0,60}") costs
 * Vectorscan one NFA state per count on every byte it scans; an
 * unbounded one costs one.  A possessive repeat ("{0,4}+") is left
 * alone: without its bound it could give up a match the bound allows.
 */
static const char *
unbounded_repeat(const char *p, struct strbuf *out)
{
	const char *q = p + 1, *m = q;
	unsigned long min;

	while (*q >= '0' && *q <= '9')
		q++;
	if (q == m || q - m > 5 || *q != ',')
		return NULL;
	min = strtoul(m, NULL, 10);
	if (*++q < '0' || *q > '9')
		return NULL;	/* "{M,}" is already unbounded; "{,N}" is not a repeat */
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q != '}' || q[1] == '+')
		return NULL;
	if (min == 0)
		strbuf_append_char(out, '*');
	else if (min == 1)
		strbuf_append_char(out, '+');
	else
		strbuf_appendf(out, "{%lu,}", min);
	return q;
}

/*
 * ascii_word_literal - c matches only itself and an ASCII case twin, all
 * ASCII word characters.  Caseless k and s also match the Kelvin sign and
 * the long s, which folded text no longer holds (NFKC_Casefold).
 */
static int
ascii_word_literal(char c, int folded)
{
	if (!folded && (c == 'k' || c == 'K' || c == 's' || c == 'S'))
		return 0;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_';
}

/* may_repeat_zero - does the quantifier at q let the element before it match nothing? */
static int
may_repeat_zero(const char *q)
{
	return *q == '?' || *q == '*' || (*q == '{' && q[1] == '0');
}

/*
 * group_stop - the ')' closing the group whose body starts at q, or with
 * at_bar the '|' that ends the alternative starting at q, whichever comes
 * first at this level; NULL if the pattern ends before.
 */
static const char *
group_stop(const char *q, int at_bar)
{
	int depth = 0, in_class = 0;

	for (; *q != '\0'; q++) {
		if (*q == '\\') {
			if (*++q == '\0')
				return NULL;
		} else if (in_class) {
			if (*q == ']')
				in_class = 0;
		} else if (*q == '[') {
			in_class = 1;
			if (q[1] == '^')
				q++;
			if (q[1] == ']')
				q++;	/* a ']' first is a literal */
		} else if (*q == '(')
			depth++;
		else if (*q == ')' && depth-- == 0)
			return q;
		else if (*q == '|' && at_bar && depth == 0)
			return q;
	}
	return NULL;
}

/* skip_zero_repeat - past a quantifier at q that allows zero ("?", "*", "{0,N}"), lazy or not */
static const char *
skip_zero_repeat(const char *q)
{
	if (*q == '{') {
		if ((q = strchr(q, '}')) == NULL)
			return NULL;
	}
	q++;
	if (*q == '?' || *q == '+')
		q++;
	return q;
}

/*
 * starts_ascii_word - does every match of the pattern from q start with an
 * ASCII word character?  Only what is plain to see: literals, and groups
 * each of whose alternatives starts so, an optional one followed by more of
 * the same; anything else is "no".
 */
static int
starts_ascii_word(const char *q, int folded, int depth)
{
	const char *end, *alt, *bar, *next;

	if (depth > 16)
		return 0;
	if (ascii_word_literal(*q, folded))
		next = q + 1;
	else if (*q == '(') {
		if (q[1] == '?') {
			if (q[2] != ':')
				return 0;	/* a lookaround, a named group, inline flags */
			q += 2;
		}
		if ((end = group_stop(q + 1, 0)) == NULL)
			return 0;
		/* Every alternative at this level: split at '|' outside nested groups. */
		for (alt = q + 1; ; alt = bar + 1) {
			if (!starts_ascii_word(alt, folded, depth + 1))
				return 0;	/* an empty alternative too */
			if ((bar = group_stop(alt, 1)) == NULL || bar >= end)
				break;
		}
		next = end + 1;
	} else
		return 0;
	/* An element that may match nothing: what follows it must start so too. */
	if (may_repeat_zero(next))
		return (next = skip_zero_repeat(next)) != NULL && starts_ascii_word(next, folded, depth + 1);
	return 1;
}

/* extended_syntax - inline (?x): white space would not be what it seems */
static int
extended_syntax(const char *pattern)
{
	const char *p;

	for (p = strstr(pattern, "(?"); p != NULL; p = strstr(p + 2, "(?")) {
		const char *q = p + 2;

		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '-' || *q == '^') {
			if (*q == 'x')
				return 1;
			q++;
		}
	}
	return 0;
}

/* rule_prefilter_widen - a superset of pattern that compiles fast without UCP */
int
rule_prefilter_widen(const char *pattern, int folded, struct strbuf *out)
{
	const char *p = pattern;
	int in_class = 0, negated = 0;
	const char *class_body = NULL, *q;
	/* Open groups, 1 for a lookaround; \b stays only outside lookarounds. */
	unsigned char group[64];
	int depth = 0, looks = 0, lost = 0, keep_b = !extended_syntax(pattern);

	strbuf_reset(out);
	strbuf_grow(out, strlen(pattern));	/* never NULL, even for "" */
	for (; *p != '\0'; p++) {
		if (*p == '\\') {
			char n = p[1];

			if (n == '\0') {
				strbuf_append_char(out, '\\');
				break;
			}
			p++;
			if (n == 's' && folded) {
				/* Folded white space is ASCII. */
				strbuf_append_str(out, "\\s");
			} else if (n == 'w' || n == 'd' || n == 's') {
				if (in_class && negated)
					return -1;	/* [^\w] would narrow, not widen */
				strbuf_appendf(out, in_class ? "\\%c" WIDEN_NON_ASCII :
				    "[\\%c" WIDEN_NON_ASCII "]", n);
			} else if (n == 'b' && !in_class && keep_b && looks == 0 && !lost &&
			    starts_ascii_word(p + 1, folded, 0)) {
				/*
				 * Before an ASCII word character, a Unicode word
				 * boundary is an ASCII one: "iva" stops matching
				 * inside "private".
				 */
				strbuf_append_str(out, "\\b");
			} else if ((n == 'b' || n == 'B') && !in_class) {
				continue;	/* dropping an assertion only widens */
			} else if (strchr("WDSbxtnrfea0123456789", n) != NULL ||
			    !((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z'))) {
				strbuf_append_char(out, '\\');
				strbuf_append_char(out, n);
			} else
				return -1;	/* \p, \h, \X, \Q...: keep the Unicode reading */
			continue;
		}
		if (in_class) {
			if (*p == '[' && p[1] == ':')
				return -1;	/* POSIX class */
			if (*p == ']' && p > class_body)
				in_class = 0;
			strbuf_append_char(out, *p);
			continue;
		}
		/* Inside a negative lookaround, widening would narrow: left alone. */
		if (*p == '{' && looks == 0 && !lost && (q = unbounded_repeat(p, out)) != NULL) {
			p = q;
			continue;
		}
		if (*p == '(') {
			int look = p[1] == '?' && (p[2] == '=' || p[2] == '!' ||
			    (p[2] == '<' && (p[3] == '=' || p[3] == '!')));

			/* Too deep to follow: as if in a lookaround from here on. */
			if (depth == (int)sizeof(group))
				lost = 1;
			else {
				group[depth++] = (unsigned char)look;
				looks += look;
			}
		} else if (*p == ')' && depth > 0 && !lost)
			looks -= group[--depth];
		strbuf_append_char(out, *p);
		if (*p == '[') {
			in_class = 1;
			negated = p[1] == '^';
			if (negated)
				strbuf_append_char(out, *++p);
			class_body = p + 1;	/* a ']' right here is a literal */
		}
	}
	return in_class ? -1 : 0;
}

/* release_widened - the rewritten patterns */
static void
release_widened(struct strbuf *widened, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		strbuf_release(&widened[i]);
	free(widened);
}

/* rule_prefilter_new - compile, dropping what Vectorscan cannot take */
struct rule_prefilter *
rule_prefilter_new(const char *const *patterns, const int *caseless, const unsigned *ids,
    size_t count, int folded, unsigned char *always, const char **error_r)
{
	struct rule_prefilter *pf = xcalloc(1, sizeof(*pf));
	const char **pats = xcalloc(count + 1, sizeof(*pats));
	unsigned *flags = xcalloc(count + 1, sizeof(*flags));
	unsigned *pids = xcalloc(count + 1, sizeof(*pids));
	struct strbuf *widened = xcalloc(count + 1, sizeof(*widened));
	hs_compile_error_t *err = NULL;
	size_t i, n = count;

	/*
	 * Unicode properties (UCP) make Vectorscan take seconds per
	 * multilingual pattern; a widened pattern without them is a superset
	 * and compiles in milliseconds.  Unicode case folding works either way.
	 */
	for (i = 0; i < count; i++) {
		int wide = rule_prefilter_widen(patterns[i], folded, &widened[i]) == 0;

		pats[i] = wide ? widened[i].data : patterns[i];
		pids[i] = ids[i];
		flags[i] = HS_FLAG_UTF8 | HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH |
		    HS_FLAG_ALLOWEMPTY | (wide ? 0 : HS_FLAG_UCP) | (caseless[i] ? HS_FLAG_CASELESS : 0);
	}
	/* Each failure names one expression: drop it and try again. */
	while (n > 0 && hs_compile_multi(pats, flags, pids, (unsigned)n, HS_MODE_BLOCK,
	    NULL, &pf->db, &err) != HS_SUCCESS) {
		int bad = err != NULL ? err->expression : -1;

		hs_free_compile_error(err);
		err = NULL;
		pf->db = NULL;
		if (bad < 0) {
			*error_r = "the rule prefilter could not be compiled";
			goto fail;
		}
		always[pids[bad]] = 1;
		n--;
		pats[bad] = pats[n];
		flags[bad] = flags[n];
		pids[bad] = pids[n];
	}
	pf->refcount = 1;
	pf->generation = __atomic_add_fetch(&rule_prefilter_generation, 1, __ATOMIC_RELAXED);
	release_widened(widened, count);
	free(pats);
	free(flags);
	free(pids);
	return pf;
fail:
	release_widened(widened, count);
	free(pats);
	free(flags);
	free(pids);
	free(pf);
	return NULL;
}

/* rule_prefilter_ref - one more holder */
struct rule_prefilter *
rule_prefilter_ref(struct rule_prefilter *pf)
{
	__atomic_add_fetch(&pf->refcount, 1, __ATOMIC_ACQ_REL);
	return pf;
}

/* rule_prefilter_free - drop a holder; the last one frees the database */
void
rule_prefilter_free(struct rule_prefilter **pfp)
{
	struct rule_prefilter *pf = *pfp;

	if (pf == NULL)
		return;
	*pfp = NULL;
	if (__atomic_sub_fetch(&pf->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	hs_free_database(pf->db);
	free(pf);
}

struct rule_prefilter_scratch *
rule_prefilter_scratch_new(void)
{
	return xcalloc(1, sizeof(struct rule_prefilter_scratch));
}

void
rule_prefilter_scratch_free(struct rule_prefilter_scratch **psp)
{
	struct rule_prefilter_scratch *ps = *psp;

	if (ps == NULL)
		return;
	hs_free_scratch(ps->hs);
	free(ps->ready);
	free(ps);
	*psp = NULL;
}

/* scratch_fit - grow the scratch for a database once per generation */
static int
scratch_fit(const struct rule_prefilter *pf, struct rule_prefilter_scratch *ps)
{
	size_t i;

	for (i = 0; i < ps->ready_count; i++)
		if (ps->ready[i] == pf->generation)
			return 0;
	if (hs_alloc_scratch(pf->db, &ps->hs) != HS_SUCCESS)
		return -1;
	/* Keep the list short: old generations are gone after a reload. */
	if (ps->ready_count == 16)
		ps->ready_count = 0;
	if (ps->ready_count == ps->ready_cap) {
		ps->ready_cap = ps->ready_cap ? ps->ready_cap * 2 : 4;
		ps->ready = xreallocarray(ps->ready, ps->ready_cap, sizeof(*ps->ready));
	}
	ps->ready[ps->ready_count++] = pf->generation;
	return 0;
}

struct scan_run {
	unsigned char *candidates;
	unsigned char mark;
};

/* on_match - note the candidate */
static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	struct scan_run *run = ctx;

	run->candidates[id] |= run->mark;
	return 0;
}

/* rule_prefilter_scan - one pass */
int
rule_prefilter_scan(const struct rule_prefilter *pf, struct rule_prefilter_scratch *ps,
    const char *text, size_t len, unsigned char *candidates, unsigned char mark)
{
	struct scan_run run = { candidates, mark };

	if (pf->db == NULL)
		return 0;
	if (len > 0xffffffffu || scratch_fit(pf, ps) < 0)
		return -1;
	if (hs_scan(pf->db, text, (unsigned)len, 0, ps->hs, on_match, &run) != HS_SUCCESS)
		return -1;
	return 0;
}
