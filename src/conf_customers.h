/* conf_customers - the directory block: inline customers and the customers file */
#ifndef CSP_CONF_CUSTOMERS_H
#define CSP_CONF_CUSTOMERS_H

#include <sys/stat.h>

#include "conf_parse.h"

/*
 * conf_customers_block - read the directory block (g may be NULL) and load
 * the customers file (ov->customers_file first) through one descriptor:
 * its identity (cp->conf->customers_id) comes from fstat of that
 * descriptor, its bytes feed both the directory and the version hash, and
 * a file that changed while it was read is refused.
 */
void conf_customers_block(struct conf_parse *cp, const config_setting_t *g,
    const struct conf_overrides *ov);
/* conf_customers_id_of - the identity of a file from its stat */
void conf_customers_id_of(const struct stat *st, struct conf_file_id *id);

#endif
