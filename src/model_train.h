/* model_train - train the learned model with liblinear */
#ifndef CSP_MODEL_TRAIN_H
#define CSP_MODEL_TRAIN_H

#include <stddef.h>
#include "model.h"

/*
 * A training set holds copies of feature vectors with their classes, in
 * the order they were added.  model_train fits an L2-regularised logistic
 * regression (liblinear's L2R_LR, one-vs-rest for more than two classes)
 * with a bias term.  liblinear's Newton solver has no randomness, so the
 * same rows in the same order give the same model.  Not thread-safe:
 * liblinear's print hook is process-wide.
 */
#define MODEL_TRAIN_BITS 18
#define MODEL_TRAIN_SEED 0x5eedc5b0ULL
#define MODEL_TRAIN_C 32.0	/* chosen on the corpus validation split and cross-validation */

struct model_train_row {
	struct feature *f;
	size_t n;
	enum csp_class label;
};

struct model_train_set {
	struct model_train_row *rows;
	size_t count, cap;
};

void model_train_set_init(struct model_train_set *set);
void model_train_set_release(struct model_train_set *set);
/* model_train_set_add - copy one vector in */
void model_train_set_add(struct model_train_set *set, const struct feature *f, size_t n,
    enum csp_class label);

/*
 * model_train - fit rows[i] for every i with use == NULL or use[i] != 0.
 * Returns the model, or NULL with *error_r (a static string).
 */
struct model *model_train(const struct model_train_set *set, const unsigned char *use,
    unsigned bits, uint64_t seed, double c, const char **error_r);

#endif
