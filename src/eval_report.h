/* eval_report - the --evaluate report: accuracy, confusion, rules, near misses, the model */
#ifndef CSP_EVAL_REPORT_H
#define CSP_EVAL_REPORT_H

#include <stdio.h>

#include "eval_pool.h"
#include "strbuf.h"

/* Per-config statistics over the corpus. */
struct eval_stats {
	size_t total, correct;
	size_t confusion[CLASS_COUNT][CLASS_COUNT];	/* [true][predicted] */
	size_t *rule_hits;	/* [rule * CLASS_COUNT + true class] */
};

/* eval_stats_build - count everything once; free st->rule_hits after */
void eval_stats_build(struct eval_stats *st, const struct eval_corpus *corpus,
    const struct eval_run *run);
/* eval_report_json - the whole evaluation as one JSON object, appended to sb */
void eval_report_json(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct eval_stats *st, long margin, struct strbuf *sb);
/* eval_report_text - the whole evaluation as text */
void eval_report_text(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct eval_stats *st, long margin, FILE *out);
/*
 * eval_model_report - with a model: rules only, model only and combined,
 * the weight sweep, then cross-validation by topic; as text to out, or
 * appended to json when it is not NULL.  Returns 0 or -1.
 */
int eval_model_report(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct cli_evaluate_opts *opts, FILE *out, struct strbuf *json);

/* eval_json_num - a ratio as a JSON number, null when undefined */
void eval_json_num(struct strbuf *sb, size_t num, size_t den);
/* eval_ratio - a ratio for the report in buf, "-" when undefined */
const char *eval_ratio(char *buf, size_t size, size_t num, size_t den);
/* eval_scores_json - {"class": score, ...} */
void eval_scores_json(struct strbuf *sb, const long *score);

#endif
