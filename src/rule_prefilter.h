/* rule_prefilter - one Vectorscan pass over a text says which rules may match */
#ifndef CSP_RULE_PREFILTER_H
#define CSP_RULE_PREFILTER_H

#include <stddef.h>
#include "strbuf.h"

/*
 * Scanning every rule's PCRE2 pattern over every message costs one pass
 * per rule.  A prefilter compiles all patterns of one target into a single
 * Vectorscan database in prefilter mode, which over-approximates each
 * pattern (it may report a match PCRE2 would not find, never the reverse):
 * one pass finds the candidate rules, and PCRE2 confirms only those.
 * Patterns Vectorscan cannot compile, even approximated, are reported as
 * always-candidates, so the result never depends on what it supports.
 *
 * A prefilter is immutable once built and may be shared by threads; each
 * thread scans with its own rule_prefilter_scratch.
 */
struct rule_prefilter;
struct rule_prefilter_scratch;

/*
 * rule_prefilter_new - compile patterns[i] (caseless[i]) as rule ids[i].
 * always[ids[i]] is set for each pattern that had to be left out.
 * folded: the texts scanned are folded (text_norm), so their white space
 * is ASCII (see rule_prefilter_widen).
 * Returns NULL with *error_r on a failure other than an unsupported pattern.
 */
struct rule_prefilter *rule_prefilter_new(const char *const *patterns, const int *caseless,
    const unsigned *ids, size_t count, int folded, unsigned char *always, const char **error_r);
/*
 * rule_prefilter_widen - rewrite pattern into out so that Vectorscan can
 * compile it without Unicode properties (which costs seconds for large
 * multilingual patterns) and still match everything PCRE2's UCP reading
 * matches: \b and \B are dropped (removing an assertion only widens),
 * except a \b outside lookarounds before what can only start with an ASCII
 * word character (there a Unicode boundary is an ASCII one; with folded
 * set k and s count too, as folded text holds no Kelvin sign or long s);
 * \w, \d, \s also accept every non-ASCII character (\W, \D, \S already
 * do in ASCII mode); a bounded repeat {M,N} loses its upper bound ("*",
 * "+", "{M,}"; not a possessive one), which Vectorscan scans far faster.
 * With folded set, \s stays ASCII: folded text holds
 * no other white space (text_norm turns it into a space or a newline), and
 * a repeated class of every non-ASCII character ("\s+", what a space in a
 * folded pattern becomes) triples Vectorscan's compile time.  Returns 0,
 * or -1 when the pattern holds something this cannot widen safely (POSIX
 * classes, \p, \h, \Q, a negated class holding \w, \d or \s): it is then
 * compiled with Unicode properties.
 */
int rule_prefilter_widen(const char *pattern, int folded, struct strbuf *out);
struct rule_prefilter *rule_prefilter_ref(struct rule_prefilter *pf);
/* rule_prefilter_free - drop one reference (thread-safe) */
void rule_prefilter_free(struct rule_prefilter **pf);

struct rule_prefilter_scratch *rule_prefilter_scratch_new(void);
void rule_prefilter_scratch_free(struct rule_prefilter_scratch **ps);

/*
 * rule_prefilter_scan - or mark into candidates[id] for every rule that
 * may match text (a mark per text tells which texts a rule may match in).
 * Returns 0, or -1 if the scan failed (then treat every rule as a
 * candidate in every text).
 */
int rule_prefilter_scan(const struct rule_prefilter *pf, struct rule_prefilter_scratch *ps,
    const char *text, size_t len, unsigned char *candidates, unsigned char mark);

#endif
