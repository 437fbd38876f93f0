/* rule_fold - rule patterns folded as the text they match is folded */
#ifndef CSP_RULE_FOLD_H
#define CSP_RULE_FOLD_H

#include "strbuf.h"

/*
 * The text the rules read is folded by text_norm (case, compatibility
 * forms, marks, look-alikes, white space runs), so a pattern's literals
 * are folded the same way before it is compiled, and its syntax is copied:
 * escapes, class ranges and POSIX names, group syntax, quantifiers.  A
 * quantified literal that folds into several characters is grouped; a
 * literal space becomes \s+; a pattern in extended mode ((?x)) or one the
 * folder cannot read is kept as written.  Pure; thread-safe.
 */

/* rule_fold_pattern - the pattern rule_set_add compiles for a folded set, appended to out */
void rule_fold_pattern(const char *pattern, struct strbuf *out);

#endif
