/* conf_block - the reader of each block of the config file into the snapshot */
#ifndef CSP_CONF_BLOCK_H
#define CSP_CONF_BLOCK_H

#include "conf_parse.h"

/*
 * Each reader checks its block's names and types, fills its part of
 * cp->conf and records the first error in cp.  g is the block's group,
 * NULL when the file has none (the defaults apply); root is the file's
 * root group, for settings that sit at the top level.
 */

/* "tempfail", "accept", "reject": the spellings of enum on_error_action */
extern const char *const conf_on_error_names[];

void conf_block_milter(struct conf_parse *cp, const config_setting_t *g);
void conf_block_reject(struct conf_parse *cp, const config_setting_t *g);
void conf_block_limits(struct conf_parse *cp, const config_setting_t *g);
void conf_block_vendor(struct conf_parse *cp, const config_setting_t *g);
/* conf_block_classes - each class's rules (into cp->conf->rules) and threshold */
void conf_block_classes(struct conf_parse *cp, const config_setting_t *g);
void conf_block_precedence(struct conf_parse *cp, const config_setting_t *root);
void conf_block_policy(struct conf_parse *cp, const config_setting_t *g);
void conf_block_audit(struct conf_parse *cp, const config_setting_t *root);
/* conf_block_model - the model file (relative to the config) loaded, unless ov->no_model */
void conf_block_model(struct conf_parse *cp, const config_setting_t *g,
    const struct conf_overrides *ov);

/*
 * conf_block_examples - template memory: the examples file (relative to the
 * config) loaded into its index, unless ov->no_examples; a missing file is
 * an empty memory and a warning
 */
void conf_block_examples(struct conf_parse *cp, const config_setting_t *g,
    const struct conf_overrides *ov);

#endif
