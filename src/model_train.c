/* model_train - train the learned model with liblinear */
#include "config.h"

#include <stdlib.h>
#include <string.h>

/* liblinear calls its model "struct model" too: rename its tag here, the ABI is unchanged. */
#define model liblinear_model
#include <linear.h>
#undef model

#include "model_train.h"
#include "xalloc.h"

/* quiet - liblinear's iteration log goes nowhere */
static void
quiet(const char *s)
{
	(void)s;
}

void
model_train_set_init(struct model_train_set *set)
{
	memset(set, 0, sizeof(*set));
}

void
model_train_set_release(struct model_train_set *set)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		free(set->rows[i].f);
	free(set->rows);
	memset(set, 0, sizeof(*set));
}

/* cmp_feature - by index: liblinear's rows ascend */
static int
cmp_feature(const void *a, const void *b)
{
	const struct feature *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* model_train_set_add - append a sorted copy */
void
model_train_set_add(struct model_train_set *set, const struct feature *f, size_t n,
    enum csp_class label)
{
	struct model_train_row *r;

	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 256;
		set->rows = xreallocarray(set->rows, set->cap, sizeof(*set->rows));
	}
	r = &set->rows[set->count];
	r->f = xreallocarray(NULL, n ? n : 1, sizeof(*f));
	memcpy(r->f, f, n * sizeof(*f));
	qsort(r->f, n, sizeof(*r->f), cmp_feature);
	r->n = n;
	r->label = label;
	set->count++;
}

/* model_train - liblinear L2R_LR over the chosen rows */
struct model *
model_train(const struct model_train_set *set, const unsigned char *use, unsigned bits,
    uint64_t seed, double c, const char **error_r)
{
	struct problem prob;
	struct parameter param;
	struct liblinear_model *lm = NULL;
	struct feature_node *nodes = NULL;
	struct model *m = NULL;
	enum csp_class classes[CLASS_COUNT];
	int labels[CLASS_COUNT];
	size_t i, j, l = 0, total = 0, at = 0;
	uint32_t dim = (uint32_t)1 << bits;
	const char *bad;
	int k, nclass;

	memset(&prob, 0, sizeof(prob));
	memset(&param, 0, sizeof(param));
	for (i = 0; i < set->count; i++)
		if (use == NULL || use[i]) {
			l++;
			total += set->rows[i].n + 2;	/* the bias node and the terminator */
		}
	if (l == 0) {
		*error_r = "no training messages";
		return NULL;
	}
	prob.l = (int)l;
	prob.n = (int)dim + 1;		/* the bias is feature dim + 1 */
	prob.bias = 1;
	prob.y = xcalloc(l, sizeof(*prob.y));
	prob.x = xcalloc(l, sizeof(*prob.x));
	nodes = xcalloc(total, sizeof(*nodes));
	for (i = 0, l = 0; i < set->count; i++) {
		const struct model_train_row *r = &set->rows[i];

		if (use != NULL && !use[i])
			continue;
		prob.y[l] = (double)r->label;
		prob.x[l] = &nodes[at];
		for (j = 0; j < r->n; j++) {
			nodes[at].index = (int)r->f[j].index + 1;
			nodes[at++].value = r->f[j].value;
		}
		nodes[at].index = prob.n;
		nodes[at++].value = prob.bias;
		nodes[at++].index = -1;
		l++;
	}
	param.solver_type = L2R_LR;
	param.eps = 0.01;
	param.C = c;
	if ((bad = check_parameter(&prob, &param)) != NULL) {
		*error_r = bad;
		goto out;
	}
	set_print_string_function(quiet);
	if ((lm = train(&prob, &param)) == NULL) {
		*error_r = "liblinear could not train";
		goto out;
	}
	nclass = get_nr_class(lm);
	get_labels(lm, labels);
	for (k = 0; k < nclass; k++)
		classes[k] = (enum csp_class)labels[k];
	if ((m = model_new(bits, seed, classes, nclass, c)) == NULL) {
		*error_r = "model bits or classes out of range";
		goto out;
	}
	/* One class only: nothing to tell apart, every weight stays 0 (p = 1). */
	if (nclass > 1)
		for (k = 0; k < nclass; k++) {
			for (i = 0; i < dim; i++) {
				double w = get_decfun_coef(lm, (int)i + 1, k);

				if (w != 0)
					model_set_weight(m, (uint32_t)i, k, w);
			}
			model_set_bias(m, k, get_decfun_bias(lm, k));
		}
out:
	if (lm != NULL)
		free_and_destroy_model(&lm);
	free(prob.y);
	free(prob.x);
	free(nodes);
	return m;
}
