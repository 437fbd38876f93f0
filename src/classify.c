/* classify - score a decoded message and pick its class */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify.h"
#include "example_store.h"
#include "fingerprint.h"
#include "lang.h"
#include "model.h"
#include "utf8.h"
#include "xalloc.h"

static const char *const class_names[CLASS_COUNT] = {
	"subscription", "incident", "non_csp", "other",
};

/* csp_class_name - stable spelling used in config, logs and JSON */
const char *
csp_class_name(enum csp_class c)
{
	return class_names[c];
}

/* csp_class_parse - name to class */
int
csp_class_parse(const char *name, int allow_other)
{
	int i;

	for (i = 0; i < CLASS_COUNT; i++)
		if (strcasecmp(name, class_names[i]) == 0)
			return (i == CLASS_OTHER && !allow_other) ? -1 : i;
	return -1;
}

/* classify_result_init - empty result */
void
classify_result_init(struct classify_result *res)
{
	memset(res, 0, sizeof(*res));
	res->class = CLASS_OTHER;
}

/* classify_result_release - free the storage */
void
classify_result_release(struct classify_result *res)
{
	free(res->matches);
	strbuf_release(&res->reason);
	strbuf_release(&res->excerpts);
	msg_features_scratch_free(&res->features);
	memset(res, 0, sizeof(*res));
}

struct classify_run {
	const struct classify_params *params;
	struct classify_result *res;
};

/* add_excerpt - context around a match, on one line, cut on character bounds */
static void
add_excerpt(struct classify_run *run, struct classify_match *m, const struct rule_hit *hit)
{
	size_t ctx = run->params->excerpt_max / 2, from, to, i;
	struct strbuf *ex = &run->res->excerpts;

	from = hit->start > ctx ? utf8_floor(hit->text, hit->start - ctx) : 0;
	to = hit->end + ctx < hit->text_len ? utf8_floor(hit->text, hit->end + ctx) : hit->text_len;
	if (to < hit->end)
		to = hit->end;
	m->excerpt_off = ex->len;
	strbuf_append(ex, hit->text + from, to - from);
	/* One line, so that logs and listings stay greppable. */
	for (i = m->excerpt_off; i < ex->len; i++)
		if (ex->data[i] == '\n' || ex->data[i] == '\r' || ex->data[i] == '\t')
			ex->data[i] = ' ';
	m->excerpt_len = ex->len - m->excerpt_off;
}

/* stricter - a match of this rule can only make the decision stricter */
static int
stricter(const struct rule_spec *spec)
{
	return spec->class_index == CLASS_SUBSCRIPTION && spec->weight > 0;
}

/* classify_counts_hidden - can a match of the rule in the hidden text ever count? */
int
classify_counts_hidden(const struct rule_spec *spec)
{
	return stricter(spec);
}

/*
 * classify_counts - does a match add to its class's score?  Text the reader
 * does not see counts only when it makes the decision stricter (adds to
 * subscription, the most restrictive class).  A rule written for one
 * language counts in text of that language; when no language could be
 * told (a very short text), only where it makes the decision stricter.
 */
int
classify_counts(const struct rule_spec *spec, enum rule_view view, unsigned langs)
{
	if (view == RULE_VIEW_HIDDEN && !stricter(spec))
		return 0;
	if (spec->lang != 0 && (spec->lang & langs) == 0)
		return langs == 0 && stricter(spec);
	return 1;
}

/* on_hit - account one counted match */
static void
on_hit(const struct rule_hit *hit, void *ctx)
{
	struct classify_run *run = ctx;
	struct classify_result *res = run->res;
	const struct rule_spec *spec = rule_set_spec(run->params->rules, hit->rule);
	struct classify_match *m;
	int counted = classify_counts(spec, hit->view, res->langs);

	if (counted)
		res->score[spec->class_index] += spec->weight;
	/* Hits of one rule in one view arrive together: extend its entry. */
	if (res->match_count > 0 && res->matches[res->match_count - 1].rule == hit->rule &&
	    res->matches[res->match_count - 1].view == hit->view) {
		res->matches[res->match_count - 1].hits++;
		return;
	}
	if (res->match_count == res->match_cap) {
		res->match_cap = res->match_cap ? res->match_cap * 2 : 16;
		res->matches = xreallocarray(res->matches, res->match_cap, sizeof(*res->matches));
	}
	m = &res->matches[res->match_count++];
	m->rule = hit->rule;
	m->hits = 1;
	m->target = hit->target;
	m->view = hit->view;
	m->counted = counted;
	m->offset = hit->start;
	add_excerpt(run, m, hit);
}

/* message_langs - the languages of what the reader sees: the subject and the body */
static unsigned
message_langs(const struct msg_text *mt)
{
	const char *text;
	size_t len;
	unsigned langs = 0;

	if ((text = msg_text_header_find(mt, "Subject", &len)) != NULL)
		langs |= lang_detect(text, len);
	text = msg_text_body(mt, &len);
	return langs | lang_detect(text, len);
}

/*
 * classify_model_points - what the model adds to class c, to which it gives
 * probability p: weight x p, and nothing below the confidence floor, so a
 * model that half-believes "invoice" cannot pull a restaurant bill over the
 * threshold on its own.  Incident is the one class delivered straight to a
 * CSP customer: the model must be surer to push mail there.
 */
long
classify_model_points(const struct classify_params *params, enum csp_class c, double p)
{
	if (p * 100.0 < params->model_min_confidence)
		return 0;
	if (c == CLASS_INCIDENT && p * 100.0 < params->model_incident_min_confidence)
		return 0;
	return lround(params->model_weight * p);
}

/* classify_example_points - an example's points: weight x similarity */
long
classify_example_points(const struct classify_params *params, double similarity)
{
	return lround(params->examples_weight * similarity);
}

/*
 * add_examples - the best example of each class that the visible text
 * resembles.  Like the model, an example reads only what the reader sees
 * and only adds points.
 */
static void
add_examples(const struct classify_params *params, const struct msg_text *mt,
    struct classify_result *res)
{
	struct example_hit best[CLASS_COUNT];
	struct fingerprint fp;
	int c;

	res->examples_index = params->examples;
	if (res->features == NULL)
		res->features = msg_features_scratch_new();
	if (fingerprint_message(res->features, mt, &fp) < 0)
		return;
	res->examples_verified = example_index_lookup(params->examples, &fp, best);
	for (c = 0; c < CLASS_COUNT; c++) {
		struct classify_example *e;
		struct example_info info;

		if (best[c].slot == EXAMPLE_NONE)
			continue;
		example_index_info(params->examples, best[c].slot, &info);
		e = &res->examples[res->example_count++];
		e->slot = best[c].slot;
		e->id = (long long)info.id;
		e->class = (enum csp_class)c;
		e->similarity = (double)best[c].agreement / FINGERPRINT_BINS;
		e->points = c < CLASS_RULED ? classify_example_points(params, e->similarity) : 0;
		if (c < CLASS_RULED)
			res->score[c] += e->points;
	}
}

/* classify_message - score and decide */
void
classify_message(const struct classify_params *params, const struct msg_text *mt,
    struct rule_scratch *scratch, struct classify_result *res)
{
	struct classify_run run = { params, res };
	const char *error = NULL;
	int i;

	memset(res->score, 0, sizeof(res->score));
	res->match_count = 0;
	res->uncertain = 0;
	res->class = CLASS_OTHER;
	strbuf_reset(&res->reason);
	strbuf_reset(&res->excerpts);
	res->langs = message_langs(mt);
	/* Text past the cap was never looked at: no reading can be trusted. */
	if (msg_text_flags(mt) & (MSG_TEXT_UNCERTAIN | MSG_TEXT_LIMIT | MSG_TEXT_TRUNCATED)) {
		res->uncertain = 1;
		strbuf_append_str(&res->reason, msg_text_reason(mt));
	}
	if (rule_set_match_langs(params->rules, mt, res->langs, scratch, on_hit, &run,
	    &error) != 0) {
		if (!res->uncertain) {
			res->uncertain = 1;
			strbuf_append_str(&res->reason, error);
		}
	}
	res->model_scored = 0;
	if (params->model != NULL) {
		if (res->features == NULL)
			res->features = msg_features_scratch_new();
		model_score(params->model, mt, res->model_p, res->features);
		res->model_scored = 1;
		for (i = 0; i < CLASS_RULED; i++)
			res->score[i] += classify_model_points(params, (enum csp_class)i, res->model_p[i]);
	}
	res->example_count = 0;
	res->examples_verified = 0;
	res->examples_index = NULL;
	if (params->examples != NULL)
		add_examples(params, mt, res);
	/*
	 * Compliance precedence: the first class in precedence order (the most
	 * restrictive first) that reaches its threshold wins, whatever the
	 * others score.  A permissive class cannot outvote a restrictive one
	 * by volume: an invoice with an outage footer stays an invoice.
	 */
	res->class = classify_pick(params, res->score);
}

/* classify_pick - the first class in precedence order whose score reaches its threshold */
enum csp_class
classify_pick(const struct classify_params *params, const long score[CLASS_RULED])
{
	int i;

	for (i = 0; i < CLASS_RULED; i++) {
		enum csp_class c = params->precedence[i];

		if (score[c] >= params->threshold[c])
			return c;
	}
	return CLASS_OTHER;
}

/* classify_excerpt - text of one match's excerpt */
const char *
classify_excerpt(const struct classify_result *res, const struct classify_match *m, size_t *len_r)
{
	*len_r = m->excerpt_len;
	return res->excerpts.data + m->excerpt_off;
}
