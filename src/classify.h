/* classify - score a decoded message against the rules and pick its class */
#ifndef CSP_CLASSIFY_H
#define CSP_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>
#include "msg_text.h"
#include "rule.h"
#include "strbuf.h"

/*
 * A pure function of (rules, thresholds, precedence, decoded message): no
 * libmilter, no globals.  The per-class score is the sum of the weights of
 * the counted matches of the class's rules, plus, with a learned model,
 * lround(model_weight * p) for the model's probability p of the class when
 * p reaches the confidence floor (the
 * model reads the visible body, the subject and the sender; its scratch
 * lives in the result, made on first use), plus, with template memory,
 * lround(examples_weight * similarity) of the class's best matching
 * example.  The class is the first class
 * in precedence order (most restrictive first) whose score reaches its
 * threshold; otherwise "other".  Matches in text the reader does not see
 * (the hidden view) count only towards subscription.
 * A PCRE2 error during matching, an uncertain decode, a structure limit or
 * decoded text past the cap makes the result uncertain: the policy then
 * applies its most restrictive decision.
 */
enum csp_class {
	CLASS_SUBSCRIPTION,
	CLASS_INCIDENT,
	CLASS_NON_CSP,
	CLASS_OTHER,
};
#define CLASS_RULED 3		/* classes that have rules: all but other */
#define CLASS_COUNT 4

const char *csp_class_name(enum csp_class c);
/* csp_class_parse - class name to enum; -1 if unknown (other only if allow_other) */
int csp_class_parse(const char *name, int allow_other);

struct model;
struct msg_features_scratch;
struct example_index;

struct classify_params {
	const struct rule_set *rules;
	int threshold[CLASS_RULED];
	enum csp_class precedence[CLASS_RULED];	/* first to reach its threshold wins */
	size_t excerpt_max;	/* bytes of context kept around a match */
	const struct model *model;	/* NULL: rules only */
	int model_weight;	/* score[c] += lround(model_weight * p[c]) ... */
	int model_min_confidence;	/* ... when 100 * p[c] reaches this */
	int model_incident_min_confidence;	/* ... and for incident, this too */
	const struct example_index *examples;	/* template memory; NULL: none */
	int examples_weight;	/* score[c] += lround(weight * similarity) of c's best example */
};

/* One rule that matched, with where and an excerpt of the decoded text. */
struct classify_match {
	size_t rule;		/* index in the rule set */
	int hits;		/* counted matches */
	enum rule_target target;
	enum rule_view view;	/* which reading of the text matched */
	int counted;		/* 0: a match that may not add to its class (classify_counts) */
	size_t offset;		/* of the first match in its target text */
	size_t excerpt_off;	/* into classify_result.excerpts */
	size_t excerpt_len;
};

/*
 * The best example of one class that the message resembles at or above
 * min_similarity (example_store.h), and the points it added (none for
 * "other", which has no score: an example can only tip a message into a
 * class, like the model, never take it out of one).
 */
struct classify_example {
	uint32_t slot;		/* in the index (example_index_info, _describe) */
	long long id;
	enum csp_class class;
	double similarity;
	long points;
};

struct classify_result {
	enum csp_class class;
	long score[CLASS_RULED];
	int uncertain;
	unsigned langs;		/* lang bits of the visible text (lang_detect) */
	struct strbuf reason;	/* why uncertain, "" otherwise */
	struct classify_match *matches;
	size_t match_count, match_cap;
	struct strbuf excerpts;	/* excerpt text, referenced by offset */
	int model_scored;	/* model_p holds the model's probabilities */
	double model_p[CLASS_COUNT];
	struct msg_features_scratch *features;	/* the model's scratch, made on first use */
	/* Template memory: one entry per class with a matching example, in class order. */
	const struct example_index *examples_index;	/* the index they are in (params->examples) */
	struct classify_example examples[CLASS_COUNT];
	size_t example_count;
	size_t examples_verified;	/* candidates compared (the benches) */
};

void classify_result_init(struct classify_result *res);
void classify_result_release(struct classify_result *res);

/* classify_message - fill res (reset first) */
void classify_message(const struct classify_params *params, const struct msg_text *mt,
    struct rule_scratch *scratch, struct classify_result *res);

/* classify_pick - the class the scores give under params' thresholds and precedence */
enum csp_class classify_pick(const struct classify_params *params, const long score[CLASS_RULED]);

/* classify_counts - 1 if a match of this rule, in this view of a text in langs, adds to its class's score */
int classify_counts(const struct rule_spec *spec, enum rule_view view, unsigned langs);
/*
 * classify_counts_hidden - 1 if a match of this rule in the hidden text can
 * ever count (it adds to subscription); conf reads the hidden text only
 * for these rules (rule_spec.skip_hidden).
 */
int classify_counts_hidden(const struct rule_spec *spec);

/* classify_model_points - the model's points for class c, to which it gives probability p */
long classify_model_points(const struct classify_params *params, enum csp_class c, double p);

/* classify_example_points - what an example of similarity s adds: lround(weight * s) */
long classify_example_points(const struct classify_params *params, double similarity);

/* classify_excerpt - the excerpt of match m (not NUL-terminated) */
const char *classify_excerpt(const struct classify_result *res,
    const struct classify_match *m, size_t *len_r);

#endif
