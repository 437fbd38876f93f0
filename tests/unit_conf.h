/* unit_conf - a config under the source tree, loaded once for a group of tests */
#ifndef CSP_UNIT_CONF_H
#define CSP_UNIT_CONF_H

#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "unit.h"

/* unit_conf_load - srcdir/relpath, which must load; NULL (and why, on stderr) if it does not */
static inline struct conf *
unit_conf_load(const char *relpath)
{
	char *path = unit_strf("%s/%s", unit_srcdir(), relpath);
	const char *error = NULL;
	struct conf *c = conf_load(path, NULL, &error);

	if (c == NULL)
		fprintf(stderr, "%s: %s\n", path, error);
	free(path);
	return c;
}

/* The config of a group of tests: unit_conf_setup_hostile, unit_conf_teardown. */
static struct conf *unit_conf;

/* unit_conf_setup_hostile - cmocka group setup: tests/hostile/hostile.conf (contoso, fabrikam: CSP) */
static inline int
unit_conf_setup_hostile(void **state)
{
	(void)state;
	unit_conf = unit_conf_load("tests/hostile/hostile.conf");
	return unit_conf == NULL ? -1 : 0;
}

/* unit_conf_teardown - cmocka group teardown: drop the config */
static inline int
unit_conf_teardown(void **state)
{
	(void)state;
	conf_unref(&unit_conf);
	return 0;
}

#endif
