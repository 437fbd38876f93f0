/* conf_parse - reading libconfig settings with FILE:LINE errors, for the conf_* readers */
#ifndef CSP_CONF_PARSE_H
#define CSP_CONF_PARSE_H

#include <libconfig.h>
#include <stddef.h>

#include "conf.h"
#include "strbuf.h"

/*
 * One conf_parse per conf_load: the file being read, the snapshot being
 * filled and the first error ("FILE:LINE: what"; later ones are dropped).
 * Every getter takes an optional group (NULL: absent, so the default) and
 * reports a wrong type or value at the setting's own file and line, so an
 * @include file is named as such.  Strings and lists are copies the
 * caller frees.  Not shared between threads.
 */
/* Parsing state: the file being read and the first error. */
struct conf_parse {
	const char *path;
	struct conf *conf;
	struct strbuf error;
	int failed;
};

/* conf_fail - record the first error, located at a setting when given */
void conf_fail(struct conf_parse *cp, const config_setting_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* conf_check_keys - every member of group must be in allowed (NULL-terminated) */
void conf_check_keys(struct conf_parse *cp, const config_setting_t *group, const char *where,
    const char *const *allowed);
/* conf_member - a group member checked for type; NULL when absent or wrong */
config_setting_t *conf_member(struct conf_parse *cp, const config_setting_t *group,
    const char *name, int type);
/* conf_get_string - optional string setting, copied; def may be NULL */
char *conf_get_string(struct conf_parse *cp, const config_setting_t *group, const char *name,
    const char *def);
/* conf_get_long - optional integer setting within [min, max] */
long long conf_get_long(struct conf_parse *cp, const config_setting_t *group, const char *name,
    long long def, long long min, long long max);
/* conf_get_bool - optional boolean setting */
int conf_get_bool(struct conf_parse *cp, const config_setting_t *group, const char *name, int def);
/* conf_get_choice - optional string setting that must be one of choices; its index */
int conf_get_choice(struct conf_parse *cp, const config_setting_t *group, const char *name,
    int def, const char *const *choices);
/* conf_get_string_list - optional array of strings, copied; count in *n */
char **conf_get_string_list(struct conf_parse *cp, const config_setting_t *group,
    const char *name, size_t *n);
/* conf_free_list - release a string list */
void conf_free_list(char **list, size_t n);
/* conf_resolve_path - file relative to the config file's directory, as a new string */
char *conf_resolve_path(const char *config_path, const char *file);

#endif
