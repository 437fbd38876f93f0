/* eval_compare - two configs over one corpus: what changed and which rules explain it */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_compare.h"
#include "eval_report.h"
#include "model.h"
#include "xalloc.h"

/* eval_find_rule - index of the rule with this id in conf, or -1 */
static long
eval_find_rule(const struct conf *conf, const char *id)
{
	size_t i, n = rule_set_count(conf->rules);

	for (i = 0; i < n; i++)
		if (strcmp(rule_set_spec(conf->rules, i)->id, id) == 0)
			return (long)i;
	return -1;
}

/* One rule that explains a change: matched on one side only, or scored differently. */
struct eval_blame {
	const char *id;
	const char *class;
	long old_rule, new_rule;	/* index, -1: not in that config */
	int old_hits, new_hits;
};

/*
 * eval_blame - the rules responsible for the difference between two
 * outcomes of one message: every rule that matched under one config and
 * not the other, or matched under both with a different weight, class or
 * hit count.  Returns how many were written to b (room for both sets).
 */
static size_t
eval_blame(const struct eval_run *old, const struct eval_run *new, size_t msg,
    struct eval_blame *b)
{
	const struct eval_outcome *o = &old->out[msg], *n = &new->out[msg];
	size_t nold = rule_set_count(old->conf->rules), nnew = rule_set_count(new->conf->rules);
	size_t i, count = 0;
	long j;

	for (i = 0; i < nold; i++) {
		const struct rule_spec *s = rule_set_spec(old->conf->rules, i), *t;
		int nh;

		j = eval_find_rule(new->conf, s->id);
		t = j >= 0 ? rule_set_spec(new->conf->rules, (size_t)j) : NULL;
		nh = j >= 0 ? n->hits[j] : 0;
		if (o->hits[i] == 0 && nh == 0)
			continue;
		if (o->hits[i] > 0 && nh > 0 && t->weight == s->weight &&
		    t->class_index == s->class_index && o->hits[i] == nh)
			continue;
		b[count].id = s->id;
		b[count].class = csp_class_name((enum csp_class)(t ? t->class_index : s->class_index));
		b[count].old_rule = (long)i;
		b[count].new_rule = j;
		b[count].old_hits = o->hits[i];
		b[count].new_hits = nh;
		count++;
	}
	for (i = 0; i < nnew; i++) {
		const struct rule_spec *t = rule_set_spec(new->conf->rules, i);

		if (n->hits[i] == 0 || eval_find_rule(old->conf, t->id) >= 0)
			continue;
		b[count].id = t->id;
		b[count].class = csp_class_name((enum csp_class)t->class_index);
		b[count].old_rule = -1;
		b[count].new_rule = (long)i;
		b[count].old_hits = 0;
		b[count].new_hits = n->hits[i];
		count++;
	}
	return count;
}

/* eval_changed - does the message's class or any decision differ? */
static int
eval_changed(const struct eval_item *it, const struct eval_outcome *o,
    const struct eval_outcome *n)
{
	size_t i;

	if (o->error != NULL || n->error != NULL)
		return 0;
	if (o->class != n->class || o->vendor != n->vendor || o->uncertain != n->uncertain)
		return 1;
	for (i = 0; i < it->rcpt_count && o->vendor; i++)
		if (o->decision[i] != n->decision[i])
			return 1;
	return 0;
}

/* eval_decision - a recipient's decision, or "untouched" for non-vendor mail */
static const char *
eval_decision(const struct eval_outcome *o, size_t i)
{
	return o->vendor ? decision_name(o->decision[i]) : "untouched";
}

/* eval_class_label - the class, marked when uncertain */
static const char *
eval_class_label(char *buf, size_t size, const struct eval_outcome *o)
{
	snprintf(buf, size, "%s%s", csp_class_name(o->class), o->uncertain ? " (uncertain)" : "");
	return buf;
}

/* eval_model_change - the model's probabilities before and after, for --compare */
static void
eval_model_change(const struct eval_outcome *o, const struct eval_outcome *n, FILE *out)
{
	int c;

	fprintf(out, "    model:");
	for (c = 0; c < CLASS_COUNT; c++) {
		fprintf(out, "%s %s ", c ? "," : "", csp_class_name((enum csp_class)c));
		if (o->model_scored)
			fprintf(out, "%.2f", o->model_p[c]);
		else
			fprintf(out, "-");
		if (n->model_scored)
			fprintf(out, " -> %.2f", n->model_p[c]);
		else
			fprintf(out, " -> -");
	}
	fprintf(out, "\n");
}

/* eval_compare_report - both accuracies and every change, as text or JSON */
void
eval_compare_report(const struct eval_corpus *corpus, const struct eval_run *old,
    const struct eval_run *new, int json, FILE *out)
{
	size_t room = rule_set_count(old->conf->rules) + rule_set_count(new->conf->rules);
	struct eval_blame *b = xcalloc(room, sizeof(*b));
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, nb, changes = 0, first = 1;
	char b1[64], b2[64];

	for (i = 0; i < corpus->count; i++)
		changes += eval_changed(&corpus->items[i], &old->out[i], &new->out[i]);
	if (json) {
		strbuf_appendf(&sb, "{\"total\":%zu,\"accuracy_old\":", old->scanned);
		eval_json_num(&sb, old->correct, old->scanned);
		strbuf_append_str(&sb, ",\"accuracy_new\":");
		eval_json_num(&sb, new->correct, new->scanned);
		strbuf_append_str(&sb, ",\"changes\":[");
	} else {
		fprintf(out, "corpus %s (%s): %zu messages\n", corpus->dir, corpus->layout,
		    old->scanned);
		fprintf(out, "old %s: accuracy %s (%zu/%zu)\n", old->conf->path,
		    eval_ratio(b1, sizeof(b1), old->correct, old->scanned), old->correct,
		    old->scanned);
		fprintf(out, "new %s: accuracy %s (%zu/%zu)\n", new->conf->path,
		    eval_ratio(b1, sizeof(b1), new->correct, new->scanned), new->correct,
		    new->scanned);
		fprintf(out, "\nchanged: %zu\n", changes);
	}
	for (i = 0; i < corpus->count; i++) {
		const struct eval_item *it = &corpus->items[i];
		const struct eval_outcome *o = &old->out[i], *n = &new->out[i];

		if (!eval_changed(it, o, n))
			continue;
		nb = eval_blame(old, new, i, b);
		if (!json) {
			fprintf(out, "  %s (expected %s): %s -> %s%s\n", it->name,
			    csp_class_name(it->label), eval_class_label(b1, sizeof(b1), o),
			    eval_class_label(b2, sizeof(b2), n),
			    n->class == it->label && o->class != it->label ? "  [fixed]" :
			    o->class == it->label && n->class != it->label ? "  [broken]" : "");
			for (k = 0; k < it->rcpt_count; k++)
				fprintf(out, "    %s: %s -> %s\n", it->rcpt[k], eval_decision(o, k),
				    eval_decision(n, k));
			if (o->model_scored || n->model_scored)
				eval_model_change(o, n, out);
			for (k = 0; k < nb; k++) {
				const struct rule_spec *os = b[k].old_rule >= 0 ?
				    rule_set_spec(old->conf->rules, (size_t)b[k].old_rule) : NULL;
				const struct rule_spec *ns = b[k].new_rule >= 0 ?
				    rule_set_spec(new->conf->rules, (size_t)b[k].new_rule) : NULL;

				fprintf(out, "    rule %s (%s): ", b[k].id, b[k].class);
				if (b[k].old_hits == 0)
					fprintf(out, "matches only in the new config");
				else if (b[k].new_hits == 0)
					fprintf(out, "matches only in the old config");
				else
					fprintf(out, "matches in both");
				if (os != NULL && ns != NULL && os->weight != ns->weight)
					fprintf(out, ", weight %d -> %d", os->weight, ns->weight);
				else if (os == NULL)
					fprintf(out, " (a new rule), weight %d", ns->weight);
				else if (ns == NULL)
					fprintf(out, " (rule removed), weight %d", os->weight);
				if (b[k].old_hits != 0 && b[k].new_hits != 0 &&
				    b[k].old_hits != b[k].new_hits)
					fprintf(out, ", hits %d -> %d", b[k].old_hits, b[k].new_hits);
				fprintf(out, "\n");
			}
			continue;
		}
		strbuf_append_str(&sb, first ? "{\"file\":" : ",{\"file\":");
		first = 0;
		strbuf_append_json(&sb, it->name, strlen(it->name));
		strbuf_appendf(&sb, ",\"expected\":\"%s\",\"old_class\":\"%s\",\"new_class\":\"%s\","
		    "\"old_uncertain\":%s,\"new_uncertain\":%s,\"old_scores\":",
		    csp_class_name(it->label), csp_class_name(o->class), csp_class_name(n->class),
		    o->uncertain ? "true" : "false", n->uncertain ? "true" : "false");
		eval_scores_json(&sb, o->score);
		strbuf_append_str(&sb, ",\"new_scores\":");
		eval_scores_json(&sb, n->score);
		strbuf_append_str(&sb, ",\"recipients\":[");
		for (k = 0; k < it->rcpt_count; k++) {
			strbuf_append_str(&sb, k ? ",{\"rcpt\":" : "{\"rcpt\":");
			strbuf_append_json(&sb, it->rcpt[k], strlen(it->rcpt[k]));
			strbuf_appendf(&sb, ",\"old\":\"%s\",\"new\":\"%s\"}", eval_decision(o, k),
			    eval_decision(n, k));
		}
		strbuf_append_str(&sb, "],\"rules\":[");
		for (k = 0; k < nb; k++) {
			strbuf_append_str(&sb, k ? ",{\"id\":" : "{\"id\":");
			strbuf_append_json(&sb, b[k].id, strlen(b[k].id));
			strbuf_appendf(&sb, ",\"class\":\"%s\",\"matched_old\":%s,\"matched_new\":%s,"
			    "\"old_weight\":", b[k].class, b[k].old_hits ? "true" : "false",
			    b[k].new_hits ? "true" : "false");
			if (b[k].old_rule >= 0)
				strbuf_appendf(&sb, "%d", rule_set_spec(old->conf->rules,
				    (size_t)b[k].old_rule)->weight);
			else
				strbuf_append_str(&sb, "null");
			strbuf_append_str(&sb, ",\"new_weight\":");
			if (b[k].new_rule >= 0)
				strbuf_appendf(&sb, "%d", rule_set_spec(new->conf->rules,
				    (size_t)b[k].new_rule)->weight);
			else
				strbuf_append_str(&sb, "null");
			strbuf_append_char(&sb, '}');
		}
		strbuf_append_str(&sb, "]}");
	}
	if (json) {
		strbuf_append_str(&sb, "]}");
		fprintf(out, "%s\n", sb.data);
	}
	strbuf_release(&sb);
	free(b);
}

/* eval_weight_sweep - the combined figures under other model weights, to choose one */
