/* eval_compare - two configs over one corpus: what changed and which rules explain it */
#ifndef CSP_EVAL_COMPARE_H
#define CSP_EVAL_COMPARE_H

#include <stdio.h>

#include "eval_pool.h"

/*
 * eval_compare_report - both accuracies and every message whose class or
 * decision changed between old and new, with the rules that explain it;
 * as text, or one JSON object when json.
 */
void eval_compare_report(const struct eval_corpus *corpus, const struct eval_run *old,
    const struct eval_run *new, int json, FILE *out);

#endif
