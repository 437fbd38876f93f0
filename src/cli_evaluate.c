/* cli_evaluate - measure a config against a labelled corpus: csp-milter --evaluate */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_evaluate.h"
#include "eval_compare.h"
#include "eval_corpus.h"
#include "eval_pool.h"
#include "eval_report.h"
#include "strbuf.h"
#include "xalloc.h"

/* eval_tally - count what each run scanned and got right; report failures once */
static int
eval_tally(const struct eval_corpus *corpus, struct eval_run *runs, size_t nruns, FILE *err)
{
	size_t i, r;
	int rc = 0;

	for (r = 0; r < nruns; r++)
		for (i = 0; i < corpus->count; i++) {
			const struct eval_outcome *o = &runs[r].out[i];

			if (o->error != NULL) {
				if (r == 0 || runs[0].out[i].error == NULL)
					fprintf(err, "csp-milter: %s: %s\n", corpus->items[i].path,
					    o->error);
				rc = -1;
				continue;
			}
			runs[r].scanned++;
			runs[r].correct += o->class == corpus->items[i].label;
		}
	return rc;
}

/* cli_evaluate_run - evaluate, and compare when given a second config */
int
cli_evaluate_run(struct conf *conf, struct conf *conf2, const struct cli_evaluate_opts *opts,
    FILE *out)
{
	struct eval_corpus corpus;
	struct eval_run runs[2];
	struct eval_stats st;
	struct strbuf sb = STRBUF_INIT;
	struct cli_evaluate_opts o = *opts;
	FILE *err = o.err != NULL ? o.err : stderr;
	size_t nruns = conf2 != NULL ? 2 : 1, r, i;
	int status = 0;

	o.err = err;
	if (eval_corpus_load(&corpus, opts->corpus, err) < 0) {
		eval_corpus_release(&corpus);
		return 1;
	}
	memset(runs, 0, sizeof(runs));
	runs[0].conf = conf;
	runs[1].conf = conf2;
	for (r = 0; r < nruns; r++)
		runs[r].out = xcalloc(corpus.count, sizeof(*runs[r].out));
	if (eval_pool_run(&corpus, runs, nruns, &o) < 0)
		status = 1;
	else {
		if (eval_tally(&corpus, runs, nruns, err) < 0)
			status = 1;
		if (conf2 != NULL)
			eval_compare_report(&corpus, &runs[0], &runs[1], opts->json, out);
		else {
			eval_stats_build(&st, &corpus, &runs[0]);
			if (opts->json) {
				eval_report_json(&corpus, &runs[0], &st, opts->margin, &sb);
				if (conf->model != NULL) {
					strbuf_truncate(&sb, sb.len - 1);	/* reopen the object */
					if (eval_model_report(&corpus, &runs[0], &o, out, &sb) < 0)
						status = 1;
					strbuf_append_char(&sb, '}');
				}
				fprintf(out, "%s\n", sb.data);
			} else {
				eval_report_text(&corpus, &runs[0], &st, opts->margin, out);
				if (conf->model != NULL &&
				    eval_model_report(&corpus, &runs[0], &o, out, NULL) < 0)
					status = 1;
			}
			free(st.rule_hits);
		}
	}
	for (r = 0; r < nruns; r++) {
		for (i = 0; i < corpus.count; i++)
			eval_outcome_release(&runs[r].out[i]);
		free(runs[r].out);
	}
	strbuf_release(&sb);
	eval_corpus_release(&corpus);
	return status;
}

