/* eval_report - the --evaluate report: accuracy, confusion, rules, near misses, the model */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_train.h"
#include "eval_report.h"
#include "example_store.h"
#include "model.h"
#include "xalloc.h"

#define EVAL_TOP_RULES 3	/* rules shown per message in the report */

void
eval_json_num(struct strbuf *sb, size_t num, size_t den)
{
	if (den == 0)
		strbuf_append_str(sb, "null");
	else
		strbuf_appendf(sb, "%.6g", (double)num / (double)den);
}

/* eval_ratio - a ratio for the report, "-" when undefined */
const char *
eval_ratio(char *buf, size_t size, size_t num, size_t den)
{
	if (den == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.4f", (double)num / (double)den);
	return buf;
}

/* eval_scores_json - {"class": score, ...} */
void
eval_scores_json(struct strbuf *sb, const long *score)
{
	int c;

	strbuf_append_char(sb, '{');
	for (c = 0; c < CLASS_RULED; c++)
		strbuf_appendf(sb, "%s\"%s\":%ld", c ? "," : "", csp_class_name((enum csp_class)c),
		    score[c]);
	strbuf_append_char(sb, '}');
}

/* eval_scores_text - "subscription=5/5 incident=0/5 ..." */
static void
eval_scores_text(struct strbuf *sb, const struct conf *conf, const long *score)
{
	int c;

	for (c = 0; c < CLASS_RULED; c++)
		strbuf_appendf(sb, "%s%s=%ld/%d", c ? " " : "", csp_class_name((enum csp_class)c),
		    score[c], conf->classify.threshold[c]);
}

/* Ranking matched rules: their contribution to the score, then rule order. */
struct eval_rank {
	size_t rule;
	long contribution;
};

/* eval_cmp_rank - strongest first */
static int
eval_cmp_rank(const void *a, const void *b)
{
	const struct eval_rank *x = a, *y = b;

	if (x->contribution != y->contribution)
		return x->contribution > y->contribution ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* eval_ranked - the matched rules of o, strongest first; returns how many */
static size_t
eval_ranked(const struct conf *conf, const struct eval_outcome *o, struct eval_rank *rank)
{
	size_t i, n = 0, nrules = rule_set_count(conf->rules);

	for (i = 0; i < nrules; i++)
		if (o->hits[i] > 0) {
			rank[n].rule = i;
			rank[n].contribution = (long)o->hits[i] * rule_set_spec(conf->rules, i)->weight;
			n++;
		}
	qsort(rank, n, sizeof(*rank), eval_cmp_rank);
	return n;
}

/*
 * eval_near - is o a near miss, and by how many points?  For a message
 * that reached a class, the distance is the smaller of (score - threshold)
 * and (score - the best other class that matched anything); for "other",
 * it is how far the best-scoring class that matched anything stayed below
 * its threshold.  A message on which no rule matched is never near.
 */
static int
eval_near(const struct conf *conf, const struct eval_outcome *o, long margin, long *dist_r)
{
	const struct classify_params *p = &conf->classify;
	long d = -1;
	int i, c, best = -1;

	if (o->class != CLASS_OTHER) {
		c = (int)o->class;
		d = o->score[c] - p->threshold[c];
		for (i = 0; i < CLASS_RULED; i++)
			if (i != c && o->score[i] > 0 && o->score[c] - o->score[i] < d)
				d = o->score[c] - o->score[i];
	} else {
		for (i = 0; i < CLASS_RULED; i++) {
			c = (int)p->precedence[i];
			if (o->score[c] > 0 && (best < 0 || o->score[c] > o->score[best]))
				best = c;
		}
		if (best < 0)
			return 0;
		d = p->threshold[best] - o->score[best];
	}
	if (d < 0)
		d = 0;
	*dist_r = d;
	return d <= margin;
}


/* eval_stats_build - count everything once */
void
eval_stats_build(struct eval_stats *st, const struct eval_corpus *corpus,
    const struct eval_run *run)
{
	size_t i, r, nrules = rule_set_count(run->conf->rules);

	memset(st, 0, sizeof(*st));
	st->rule_hits = xcalloc(nrules * CLASS_COUNT, sizeof(*st->rule_hits));
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];
		enum csp_class t = corpus->items[i].label;

		if (o->error != NULL)
			continue;
		st->total++;
		st->confusion[t][o->class]++;
		if (o->class == t)
			st->correct++;
		for (r = 0; r < nrules; r++)
			if (o->hits[r] > 0)
				st->rule_hits[r * CLASS_COUNT + t]++;
	}
}

/* eval_predicted - messages predicted as class c */
static size_t
eval_predicted(const struct eval_stats *st, int c)
{
	size_t n = 0;
	int t;

	for (t = 0; t < CLASS_COUNT; t++)
		n += st->confusion[t][c];
	return n;
}

/* eval_support - messages labelled class c */
static size_t
eval_support(const struct eval_stats *st, int c)
{
	size_t n = 0;
	int p;

	for (p = 0; p < CLASS_COUNT; p++)
		n += st->confusion[c][p];
	return n;
}

/* eval_rule_total - messages a rule matched */
static size_t
eval_rule_total(const struct eval_stats *st, size_t r)
{
	size_t n = 0;
	int t;

	for (t = 0; t < CLASS_COUNT; t++)
		n += st->rule_hits[r * CLASS_COUNT + t];
	return n;
}

/* One example's matches over the corpus, by the messages' labels. */
struct eval_example_hits {
	long long id;
	uint32_t slot;
	enum csp_class class;
	size_t by_label[CLASS_COUNT];
};

/* cmp_example_hits - by example id */
static int
cmp_example_hits(const void *a, const void *b)
{
	const struct eval_example_hits *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * eval_examples - the examples that matched some message, in id order,
 * with the labels of the messages they matched; NULL (count 0) when none.
 */
static struct eval_example_hits *
eval_examples(const struct eval_corpus *corpus, const struct eval_run *run, size_t *count_r)
{
	struct eval_example_hits *h = NULL;
	size_t n = 0, i, k, out = 0;

	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		for (k = 0; o->error == NULL && k < o->example_count; k++) {
			h = xreallocarray(h, n + 1, sizeof(*h));
			memset(&h[n], 0, sizeof(h[n]));
			h[n].id = o->examples[k].id;
			h[n].slot = o->examples[k].slot;
			h[n].class = o->examples[k].class;
			h[n].by_label[corpus->items[i].label] = 1;
			n++;
		}
	}
	if (n > 0)
		qsort(h, n, sizeof(*h), cmp_example_hits);
	for (i = 0; i < n; i++) {
		if (out > 0 && h[out - 1].id == h[i].id) {
			for (k = 0; k < CLASS_COUNT; k++)
				h[out - 1].by_label[k] += h[i].by_label[k];
			continue;
		}
		h[out++] = h[i];
	}
	*count_r = out;
	return h;
}

/* eval_example_total - messages an example matched */
static size_t
eval_example_total(const struct eval_example_hits *h)
{
	size_t t = 0;
	int c;

	for (c = 0; c < CLASS_COUNT; c++)
		t += h->by_label[c];
	return t;
}

/* eval_report_json - the whole evaluation as one JSON object */
void
eval_report_json(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct eval_stats *st, long margin, struct strbuf *sb)
{
	const struct conf *conf = run->conf;
	size_t nrules = rule_set_count(conf->rules), i, r, n, first;
	struct eval_rank *rank = xcalloc(nrules, sizeof(*rank));
	long dist;
	int c, p;

	strbuf_appendf(sb, "{\"total\":%zu,\"accuracy\":", st->total);
	eval_json_num(sb, st->correct, st->total);
	strbuf_append_str(sb, ",\"per_class\":{");
	for (c = 0; c < CLASS_COUNT; c++) {
		strbuf_appendf(sb, "%s\"%s\":{\"precision\":", c ? "," : "",
		    csp_class_name((enum csp_class)c));
		eval_json_num(sb, st->confusion[c][c], eval_predicted(st, c));
		strbuf_append_str(sb, ",\"recall\":");
		eval_json_num(sb, st->confusion[c][c], eval_support(st, c));
		strbuf_appendf(sb, ",\"support\":%zu}", eval_support(st, c));
	}
	strbuf_append_str(sb, "},\"confusion\":{");
	for (c = 0; c < CLASS_COUNT; c++) {
		strbuf_appendf(sb, "%s\"%s\":{", c ? "," : "", csp_class_name((enum csp_class)c));
		for (p = 0; p < CLASS_COUNT; p++)
			strbuf_appendf(sb, "%s\"%s\":%zu", p ? "," : "",
			    csp_class_name((enum csp_class)p), st->confusion[c][p]);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "},\"rules\":[");
	for (r = 0; r < nrules; r++) {
		const struct rule_spec *spec = rule_set_spec(conf->rules, r);
		size_t hits = eval_rule_total(st, r);

		strbuf_append_str(sb, r ? ",{\"id\":" : "{\"id\":");
		strbuf_append_json(sb, spec->id, strlen(spec->id));
		strbuf_appendf(sb, ",\"class\":\"%s\",\"hits\":%zu,\"hits_by_class\":{",
		    csp_class_name((enum csp_class)spec->class_index), hits);
		for (c = 0; c < CLASS_COUNT; c++)
			strbuf_appendf(sb, "%s\"%s\":%zu", c ? "," : "",
			    csp_class_name((enum csp_class)c), st->rule_hits[r * CLASS_COUNT + c]);
		strbuf_append_str(sb, "},\"precision\":");
		eval_json_num(sb, st->rule_hits[r * CLASS_COUNT + spec->class_index], hits);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_char(sb, ']');
	if (conf->examples != NULL) {
		size_t nex, e;
		struct eval_example_hits *ex = eval_examples(corpus, run, &nex);

		strbuf_append_str(sb, ",\"examples\":[");
		for (e = 0; e < nex; e++) {
			struct example_info info;

			example_index_info(conf->examples, ex[e].slot, &info);
			strbuf_appendf(sb, "%s{\"id\":%lld,\"class\":\"%s\",\"taught_by\":", e ? "," : "",
			    ex[e].id, csp_class_name(ex[e].class));
			strbuf_append_json(sb, info.taught_by, strlen(info.taught_by));
			strbuf_appendf(sb, ",\"hits\":%zu,\"hits_by_class\":{", eval_example_total(&ex[e]));
			for (c = 0; c < CLASS_COUNT; c++)
				strbuf_appendf(sb, "%s\"%s\":%zu", c ? "," : "",
				    csp_class_name((enum csp_class)c), ex[e].by_label[c]);
			strbuf_append_str(sb, "},\"precision\":");
			eval_json_num(sb, ex[e].by_label[ex[e].class], eval_example_total(&ex[e]));
			strbuf_append_char(sb, '}');
		}
		strbuf_append_char(sb, ']');
		free(ex);
	}
	strbuf_append_str(sb, ",\"misses\":[");
	for (i = 0, first = 1; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || o->class == corpus->items[i].label)
			continue;
		strbuf_append_str(sb, first ? "{\"file\":" : ",{\"file\":");
		first = 0;
		strbuf_append_json(sb, corpus->items[i].name, strlen(corpus->items[i].name));
		strbuf_appendf(sb, ",\"expected\":\"%s\",\"got\":\"%s\",\"scores\":",
		    csp_class_name(corpus->items[i].label), csp_class_name(o->class));
		eval_scores_json(sb, o->score);
		strbuf_append_str(sb, ",\"rules\":[");
		n = eval_ranked(conf, o, rank);
		for (r = 0; r < n; r++) {
			const char *id = rule_set_spec(conf->rules, rank[r].rule)->id;

			if (r > 0)
				strbuf_append_char(sb, ',');
			strbuf_append_json(sb, id, strlen(id));
		}
		strbuf_append_str(sb, "]}");
	}
	strbuf_append_str(sb, "],\"near_misses\":[");
	for (i = 0, first = 1; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || !eval_near(conf, o, margin, &dist))
			continue;
		strbuf_append_str(sb, first ? "{\"file\":" : ",{\"file\":");
		first = 0;
		strbuf_append_json(sb, corpus->items[i].name, strlen(corpus->items[i].name));
		strbuf_appendf(sb, ",\"class\":\"%s\",\"margin\":%ld,\"scores\":",
		    csp_class_name(o->class), dist);
		eval_scores_json(sb, o->score);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "]}");
	free(rank);
}

/* eval_report_text - the evaluation for a reader */
void
eval_report_text(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct eval_stats *st, long margin, FILE *out)
{
	const struct conf *conf = run->conf;
	size_t nrules = rule_set_count(conf->rules), i, r, n, count, width = 7;
	struct eval_rank *rank = xcalloc(nrules, sizeof(*rank));
	struct strbuf sb = STRBUF_INIT;
	char b1[32], b2[32];
	long dist;
	int c, p;

	fprintf(out, "corpus %s (%s): %zu messages; config %s\n", corpus->dir, corpus->layout,
	    st->total, conf->path);
	fprintf(out, "accuracy: %s (%zu/%zu)\n\n", eval_ratio(b1, sizeof(b1), st->correct,
	    st->total), st->correct, st->total);
	fprintf(out, "%-14s %9s %9s %8s\n", "class", "precision", "recall", "support");
	for (c = 0; c < CLASS_COUNT; c++)
		fprintf(out, "%-14s %9s %9s %8zu\n", csp_class_name((enum csp_class)c),
		    eval_ratio(b1, sizeof(b1), st->confusion[c][c], eval_predicted(st, c)),
		    eval_ratio(b2, sizeof(b2), st->confusion[c][c], eval_support(st, c)),
		    eval_support(st, c));

	fprintf(out, "\nconfusion matrix (rows: true class, columns: predicted)\n%-14s", "");
	for (p = 0; p < CLASS_COUNT; p++)
		fprintf(out, " %12s", csp_class_name((enum csp_class)p));
	fprintf(out, "\n");
	for (c = 0; c < CLASS_COUNT; c++) {
		fprintf(out, "%-14s", csp_class_name((enum csp_class)c));
		for (p = 0; p < CLASS_COUNT; p++)
			fprintf(out, " %12zu", st->confusion[c][p]);
		fprintf(out, "\n");
	}

	for (r = 0; r < nrules; r++)
		if (strlen(rule_set_spec(conf->rules, r)->id) > width)
			width = strlen(rule_set_spec(conf->rules, r)->id);
	fprintf(out, "\nrules (hits: messages matched; precision: hits on the rule's own class / hits)\n");
	fprintf(out, "%-*s %-12s %6s %12s %8s %7s %5s %9s\n", (int)width, "rule", "class", "hits",
	    "subscription", "incident", "non_csp", "other", "precision");
	for (r = 0; r < nrules; r++) {
		const struct rule_spec *spec = rule_set_spec(conf->rules, r);
		const size_t *h = &st->rule_hits[r * CLASS_COUNT];

		fprintf(out, "%-*s %-12s %6zu %12zu %8zu %7zu %5zu %9s\n", (int)width, spec->id,
		    csp_class_name((enum csp_class)spec->class_index), eval_rule_total(st, r),
		    h[0], h[1], h[2], h[3],
		    eval_ratio(b1, sizeof(b1), h[spec->class_index], eval_rule_total(st, r)));
	}

	if (conf->examples != NULL) {
		size_t nex, e;
		struct eval_example_hits *ex = eval_examples(corpus, run, &nex);

		fprintf(out, "\nexamples (template memory, %zu in %s: those that matched; hits: messages "
		    "it was the best of its class for; precision: hits on its own class / hits)\n",
		    example_index_count(conf->examples), conf->examples_file);
		fprintf(out, "%8s %-12s %-12s %6s %12s %8s %7s %5s %9s\n", "example", "class", "by",
		    "hits", "subscription", "incident", "non_csp", "other", "precision");
		for (e = 0; e < nex; e++) {
			const size_t *h = ex[e].by_label;
			struct example_info info;

			example_index_info(conf->examples, ex[e].slot, &info);
			fprintf(out, "%8lld %-12s %-12.12s %6zu %12zu %8zu %7zu %5zu %9s\n", ex[e].id,
			    csp_class_name(ex[e].class), info.taught_by, eval_example_total(&ex[e]),
			    h[0], h[1], h[2], h[3], eval_ratio(b1, sizeof(b1), h[ex[e].class],
			    eval_example_total(&ex[e])));
		}
		if (nex == 0)
			fprintf(out, "  none matched\n");
		free(ex);
	}

	count = st->total - st->correct;
	fprintf(out, "\nmisclassified: %zu\n", count);
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || o->class == corpus->items[i].label)
			continue;
		strbuf_reset(&sb);
		eval_scores_text(&sb, conf, o->score);
		fprintf(out, "  %s: expected %s, got %s%s\n    scores %s\n    rules:",
		    corpus->items[i].name, csp_class_name(corpus->items[i].label),
		    csp_class_name(o->class), o->uncertain ? " (uncertain)" : "", sb.data);
		n = eval_ranked(conf, o, rank);
		for (r = 0; r < n && r < EVAL_TOP_RULES; r++)
			fprintf(out, " %s (%s %+ld)", rule_set_spec(conf->rules, rank[r].rule)->id,
			    csp_class_name((enum csp_class)rule_set_spec(conf->rules,
			    rank[r].rule)->class_index), rank[r].contribution);
		fprintf(out, "%s%s\n", n == 0 ? " none" : "", n > EVAL_TOP_RULES ? " ..." : "");
		for (r = 0; r < o->example_count; r++) {
			strbuf_reset(&sb);
			example_index_describe(conf->examples, o->examples[r].slot,
			    o->examples[r].similarity, &sb);
			fprintf(out, "    example: %s (%s %+ld)\n", sb.data,
			    csp_class_name(o->examples[r].class), o->examples[r].points);
		}
	}

	for (i = 0, count = 0; i < corpus->count; i++)
		if (run->out[i].error == NULL && eval_near(conf, &run->out[i], margin, &dist))
			count++;
	fprintf(out, "\nnear misses (within %ld points of a threshold or of the runner-up): %zu\n",
	    margin, count);
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];

		if (o->error != NULL || !eval_near(conf, o, margin, &dist))
			continue;
		strbuf_reset(&sb);
		eval_scores_text(&sb, conf, o->score);
		fprintf(out, "  %s: %s (expected %s), margin %ld; scores %s\n",
		    corpus->items[i].name, csp_class_name(o->class),
		    csp_class_name(corpus->items[i].label), dist, sb.data);
	}
	strbuf_release(&sb);
	free(rank);
}


static void
eval_weight_sweep(const struct eval_corpus *corpus, const struct eval_run *run, FILE *out,
    struct strbuf *json)
{
	size_t cm[4][4], i;
	int k;

	if (json != NULL)
		strbuf_append_str(json, ",\"weights\":{");
	else
		fprintf(out, "combined under other weights (accuracy, non-incident classified incident, "
		    "incident held or rerouted):\n");
	for (k = 0; k < EVAL_WEIGHTS; k++) {
		memset(cm, 0, sizeof(cm));
		for (i = 0; i < corpus->count; i++)
			if (run->out[i].error == NULL && run->out[i].model_scored)
				cm[corpus->items[i].label][run->out[i].class_w[k]]++;
		if (json != NULL) {
			strbuf_appendf(json, "%s\"%d\":", k ? "," : "", eval_weights[k]);
			cli_train_figures_json(json, cm);
		} else
			cli_train_figures_line(out, eval_weights[k], cm);
	}
	if (json != NULL)
		strbuf_append_char(json, '}');
}

/*
 * eval_model_report - with a model: rules only, model only (its most
 * probable class) and combined, then k-fold cross-validation by topic.
 */
int
eval_model_report(const struct eval_corpus *corpus, const struct eval_run *run,
    const struct cli_evaluate_opts *opts, FILE *out, struct strbuf *json)
{
	size_t conf_m[3][4][4], i;
	static const char *const titles[3] = { "rules only:", "model only:", "combined (the milter's decision):" };
	static const char *const keys[3] = { "rules_only", "model_only", "combined" };
	int k, rc;

	memset(conf_m, 0, sizeof(conf_m));
	for (i = 0; i < corpus->count; i++) {
		const struct eval_outcome *o = &run->out[i];
		enum csp_class t = corpus->items[i].label;

		if (o->error != NULL || !o->model_scored)
			continue;
		conf_m[0][t][o->class_rules]++;
		conf_m[1][t][model_argmax(o->model_p)]++;
		conf_m[2][t][o->class]++;
	}
	if (json != NULL)
		strbuf_append_str(json, ",\"model\":{");
	else
		fprintf(out, "\nmodel %s, weight %d\n", run->conf->model_file,
		    run->conf->classify.model_weight);
	for (k = 0; k < 3; k++) {
		if (json != NULL) {
			strbuf_appendf(json, "%s\"%s\":", k ? "," : "", keys[k]);
			cli_train_figures_json(json, conf_m[k]);
		} else
			cli_train_figures(out, titles[k], conf_m[k]);
	}
	eval_weight_sweep(corpus, run, out, json);
	if (json != NULL)
		strbuf_append_str(json, ",\"cross_validation\":");
	rc = cli_train_crossval(run->conf, corpus->dir, opts->folds > 1 ? opts->folds : 5, out,
	    json, opts->err);
	if (json != NULL)
		strbuf_append_char(json, '}');
	return rc == 1 ? -1 : 0;
}

