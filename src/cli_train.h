/* cli_train - train the learned model on a labelled corpus: csp-milter --train */
#ifndef CSP_CLI_TRAIN_H
#define CSP_CLI_TRAIN_H

#include <stdio.h>
#include "conf.h"
#include "msg_text.h"
#include "strbuf.h"

/*
 * A corpus is a directory with labels.jsonl (several may be given: their
 * rows are read one corpus after the other, as one corpus): one {"file", "class"} object
 * a line, optionally with "split" ("train" or "valid") and "topic".  Each
 * message is decoded exactly as the milter decodes it (the scan module, the
 * conf's limits and normalisation), turned into features, and, in label
 * file order, either trained on ("train" rows, or every row when no row has
 * a split) or held out for validation ("valid" rows).
 */
struct cli_train_opts {
	const char *corpus;		/* the first corpus, for messages */
	const char *const *corpora;	/* every corpus (--train may repeat); NULL: corpus alone */
	size_t ncorpora;
	const char *output;	/* the model file to write */
	FILE *err;		/* diagnostics and progress; NULL: stderr */
};

/*
 * cli_train_run - train, print the validation figures to out, and save the
 * model.  Returns 0, 1 on an unreadable corpus or message, 2 if the model
 * cannot be written.
 */
int cli_train_run(struct conf *conf, const struct cli_train_opts *opts, FILE *out);

/*
 * cli_train_crossval - k-fold cross-validation of the model alone by topic:
 * every topic's messages sit in one fold (topics sorted by name and dealt
 * to the fold with the fewest messages so far, largest topics first), each
 * fold is scored by a model trained in memory on the other folds.  Every
 * row counts, whatever its split.  Prints a section to out, or with json
 * appends an object to json_out.  Returns 0, 1 on an unreadable corpus, or
 * 77 when the labels carry no topic (printed as skipped).
 */
int cli_train_crossval(struct conf *conf, const char *corpus, int folds, FILE *out,
    struct strbuf *json_out, FILE *err);

/*
 * cli_train_figures - accuracy, the confusion matrix, non-incident mail
 * classified incident, and incident mail classified otherwise (held or
 * rerouted), for confusion[true][predicted].
 */
void cli_train_figures(FILE *out, const char *title, size_t confusion[4][4]);
void cli_train_figures_json(struct strbuf *sb, size_t confusion[4][4]);
/* cli_train_figures_line - the same three figures on one line, for a model weight */
void cli_train_figures_line(FILE *out, int weight, size_t confusion[4][4]);

/*
 * cli_train_explain - for --explain: the model's probability and points
 * per class, and the features that pulled hardest for and against winner
 * (for "other", the model's own first choice), by name.  Nothing without a
 * model.  Returns 0, or -1 when msg_features could not extract the
 * features (its own out-of-memory report, until it is on xalloc).
 */
int cli_train_explain(const struct conf *conf, const struct msg_text *mt, enum csp_class winner,
    FILE *out);

#endif
