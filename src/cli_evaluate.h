/* cli_evaluate - measure a config against a labelled corpus: csp-milter --evaluate */
#ifndef CSP_CLI_EVALUATE_H
#define CSP_CLI_EVALUATE_H

#include <stdio.h>
#include "conf.h"

/*
 * The pattern-tuning workflow of csp-milter(8).  A corpus is a directory
 * holding either labels.jsonl (one {"file": ..., "class": ...} object a
 * line, optionally with "mail_from" and "rcpt" for the envelope) or one
 * sub-folder per class (subscription/, incident/, non_csp/, other/) of .eml
 * files.  Every message is scanned exactly as the milter would (the shared
 * scan module) by a pool of threads, each with its own struct scan; the
 * results are collected per message and reported sorted by file name, so
 * the output does not depend on the number of jobs.
 *
 * The confs are only read (they are immutable snapshots); the caller keeps
 * its references.  Nothing here is global: two runs may go on at once.
 */
struct cli_evaluate_opts {
	const char *corpus;	/* the corpus directory */
	int json;		/* one JSON object instead of the report */
	long margin;		/* near-miss distance, in score points */
	int jobs;		/* worker threads; 0: one per online CPU */
	int folds;		/* cross-validation folds by topic (labels with "topic") */
	FILE *err;		/* diagnostics and progress; NULL: stderr */
};

/*
 * cli_evaluate_run - evaluate conf over the corpus and print the report to
 * out.  With conf2 (not NULL), evaluate both and print the messages whose
 * class or decision changes between conf (old) and conf2 (new).  Returns
 * 0, or 1 if the corpus could not be read or some message failed (each
 * reported on err as "FILE:LINE: reason" or "FILE: reason").
 */
int cli_evaluate_run(struct conf *conf, struct conf *conf2,
    const struct cli_evaluate_opts *opts, FILE *out);

#endif
