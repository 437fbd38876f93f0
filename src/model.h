/* model - the learned linear model: load, save, and score a message */
#ifndef CSP_MODEL_H
#define CSP_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "classify.h"
#include "msg_features.h"
#include "msg_text.h"

/*
 * One-vs-rest logistic regression over the hashed features of the
 * features module (trained by model_train).  For class k the decision value
 * is d_k = bias_k + sum_i x_i w_ik; p_k = 1 / (1 + exp(-d_k)), then the p_k
 * are scaled to sum to 1, as liblinear's predict_probability does.  A class
 * the model was not trained on gets p = 0.
 *
 * A loaded model is immutable: one is shared read-only by every thread of
 * the milter (it hangs off the conf snapshot).  Scoring needs a
 * msg_features_scratch per thread.
 *
 * The file (text, one record a line):
 *   csp-milter-model 1 bits=18 seed=0x5eedc5b0 classes=subscription,incident,non_csp,other rows=N C=32
 *   bias B1 B2 ...        one weight per class, in the header's class order
 *   INDEX W1 W2 ...       N rows, indices ascending, only rows with a non-zero weight
 *   end
 * Weights are printed with six significant digits (%.6g): what is loaded
 * differs from what was trained by less than 1e-6 of each weight, and
 * saving a loaded model again writes the same bytes.  A file
 * that is truncated, has the wrong magic or version, an index out of range
 * or out of order, or the wrong number of weights on a line is refused:
 * "FILE:LINE: what" or "FILE: what".
 */
struct model;

/* model_load - read a model file; NULL with *error_r ("FILE:LINE: what", thread-local) */
struct model *model_load(const char *path, const char **error_r);
void model_free(struct model **m);

/* model_save - write m to path (via a temporary file, renamed); 0, or -1 with *error_r */
int model_save(const struct model *m, const char *path, const char **error_r);

/*
 * model_new - an empty (all-zero) model over classes[0..nclass), for the
 * trainer; model_set_weight and model_set_bias fill it.  NULL when bits
 * or nclass are out of range.
 */
struct model *model_new(unsigned bits, uint64_t seed, const enum csp_class *classes,
    int nclass, double c);
void model_set_weight(struct model *m, uint32_t index, int k, double w);
void model_set_bias(struct model *m, int k, double w);

/* model_file_hash - FNV-1a of the file's bytes as model_load read them (0 for a trained model) */
uint64_t model_file_hash(const struct model *m);
unsigned model_bits(const struct model *m);
uint64_t model_seed(const struct model *m);
/* model_weight - the weight of feature index for class c (0 if the model lacks c) */
double model_weight(const struct model *m, uint32_t index, enum csp_class c);

/* model_predict - p[CLASS_COUNT] from a feature vector */
void model_predict(const struct model *m, const struct feature *f, size_t n,
    double p[CLASS_COUNT]);

/*
 * model_score - p[CLASS_COUNT] for a decoded message, through the
 * per-thread scratch s.
 */
void model_score(const struct model *m, const struct msg_text *mt, double p[CLASS_COUNT],
    struct msg_features_scratch *s);

/* model_argmax - the most probable class of p */
enum csp_class model_argmax(const double p[CLASS_COUNT]);

#endif
