/* eval_pool - every corpus message scanned under each config, on a pool of threads */
#ifndef CSP_EVAL_POOL_H
#define CSP_EVAL_POOL_H

#include "cli_evaluate.h"
#include "eval_corpus.h"
#include "policy.h"

#define EVAL_WEIGHTS 10		/* model weights tried by the report */

/* The model weights each message is also classified under (the weight sweep). */
extern const int eval_weights[EVAL_WEIGHTS];

/* One message under one config. */
struct eval_outcome {
	char *error;		/* NULL unless the message could not be scanned */
	int vendor;
	int uncertain;
	enum csp_class class;
	long score[CLASS_RULED];
	int *hits;		/* counted matches per rule of the config */
	enum decision *decision;	/* per recipient, when vendor */
	int model_scored;	/* the conf has a model: the figures below are set */
	double model_p[CLASS_COUNT];
	enum csp_class class_rules;	/* the class by the rules alone */
	enum csp_class class_w[EVAL_WEIGHTS];	/* the class under each of eval_weights */
	/* Template memory: the best example of each class that matched (classify_result's). */
	struct classify_example examples[CLASS_COUNT];
	size_t example_count;
};

/* One config over the whole corpus. */
struct eval_run {
	struct conf *conf;
	struct eval_outcome *out;	/* one per corpus item */
	size_t correct, scanned;
};


/*
 * eval_pool_run - scan the corpus under every run's config (runs[i].out
 * holds one zeroed outcome per item) with opts->jobs threads; progress
 * goes to opts->err (not NULL) when it is a terminal.  Returns 0, or -1 if
 * no thread could be started.
 */
int eval_pool_run(const struct eval_corpus *corpus, struct eval_run *runs, size_t nruns,
    const struct cli_evaluate_opts *opts);
/* eval_outcome_release - free one outcome */
void eval_outcome_release(struct eval_outcome *o);

#endif
