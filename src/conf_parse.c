/* conf_parse - reading libconfig settings with FILE:LINE errors, for the conf_* readers */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_parse.h"
#include "xalloc.h"

/* conf_fail - record the first error, located at a setting when given */
void
conf_fail(struct conf_parse *cp, const config_setting_t *at, const char *fmt, ...)
{
	va_list ap;
	const char *file;

	if (cp->failed)
		return;
	cp->failed = 1;
	file = at != NULL ? config_setting_source_file(at) : NULL;
	strbuf_appendf(&cp->error, "%s:%d: ", file != NULL ? file : cp->path,
	    at != NULL ? (int)config_setting_source_line(at) : 0);
	va_start(ap, fmt);
	strbuf_vappendf(&cp->error, fmt, ap);
	va_end(ap);
}

/* conf_check_keys - every conf_member of group must be in allowed, or it is an error */
void
conf_check_keys(struct conf_parse *cp, const config_setting_t *group, const char *where,
    const char *const *allowed)
{
	int i, n = config_setting_length(group);
	const char *const *a;

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);

		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, name) == 0)
				break;
		if (*a == NULL)
			conf_fail(cp, s, "unknown setting \"%s\"%s%s", name,
			    *where ? " in " : "", where);
	}
}

/* type_name - libconfig type for messages */
static const char *
type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "something else";
	}
}

/* conf_member - a group conf_member checked for type; NULL when absent or wrong */
config_setting_t *
conf_member(struct conf_parse *cp, const config_setting_t *group, const char *name, int type)
{
	config_setting_t *s;
	int t;

	if (group == NULL || (s = config_setting_get_member(group, name)) == NULL)
		return NULL;
	t = config_setting_type(s);
	if (t == CONFIG_TYPE_INT64)
		t = CONFIG_TYPE_INT;
	if (type == CONFIG_TYPE_LIST && t == CONFIG_TYPE_ARRAY)
		t = CONFIG_TYPE_LIST;
	if (t != type) {
		conf_fail(cp, s, "\"%s\" must be %s, not %s", name, type_name(type), type_name(t));
		return NULL;
	}
	return s;
}

/* conf_get_string - optional string setting, copied; def may be NULL */
char *
conf_get_string(struct conf_parse *cp, const config_setting_t *group, const char *name,
    const char *def)
{
	config_setting_t *s = conf_member(cp, group, name, CONFIG_TYPE_STRING);
	const char *v = s != NULL ? config_setting_get_string(s) : def;

	return v != NULL ? xstrdup(v) : NULL;
}

/* conf_get_long - optional integer setting within [min, max] */
long long
conf_get_long(struct conf_parse *cp, const config_setting_t *group, const char *name,
    long long def, long long min, long long max)
{
	config_setting_t *s = conf_member(cp, group, name, CONFIG_TYPE_INT);
	long long v;

	if (s == NULL)
		return def;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		conf_fail(cp, s, "\"%s\" must be between %lld and %lld, not %lld", name, min, max, v);
		return def;
	}
	return v;
}

/* conf_get_bool - optional boolean setting */
int
conf_get_bool(struct conf_parse *cp, const config_setting_t *group, const char *name, int def)
{
	config_setting_t *s = conf_member(cp, group, name, CONFIG_TYPE_BOOL);

	return s != NULL ? config_setting_get_bool(s) : def;
}

/* conf_get_choice - optional string setting that must be one of choices; returns its index */
int
conf_get_choice(struct conf_parse *cp, const config_setting_t *group, const char *name,
    int def, const char *const *choices)
{
	config_setting_t *s = conf_member(cp, group, name, CONFIG_TYPE_STRING);
	const char *v;
	int i;

	if (s == NULL)
		return def;
	v = config_setting_get_string(s);
	for (i = 0; choices[i] != NULL; i++)
		if (strcasecmp(v, choices[i]) == 0)
			return i;
	conf_fail(cp, s, "\"%s\" has unknown value \"%s\"", name, v);
	return def;
}

/* conf_get_string_list - optional array of strings, copied; count in *n */
char **
conf_get_string_list(struct conf_parse *cp, const config_setting_t *group, const char *name,
    size_t *n)
{
	config_setting_t *s = conf_member(cp, group, name, CONFIG_TYPE_LIST);
	char **list;
	int i, len;

	*n = 0;
	if (s == NULL)
		return NULL;
	len = config_setting_length(s);
	list = xcalloc((size_t)len + 1, sizeof(*list));
	for (i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (v == NULL) {
			conf_fail(cp, e, "\"%s\" must list strings", name);
			break;
		}
		list[(*n)++] = xstrdup(v);
	}
	return list;
}

/* conf_free_list - release a string list */
void
conf_free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* conf_resolve_path - a path relative to the config file's directory */
char *
conf_resolve_path(const char *config_path, const char *file)
{
	const char *slash = strrchr(config_path, '/');
	struct strbuf sb = STRBUF_INIT;

	if (file[0] == '/' || slash == NULL)
		return xstrdup(file);
	strbuf_append(&sb, config_path, (size_t)(slash - config_path + 1));
	strbuf_append_str(&sb, file);
	return strbuf_detach(&sb, NULL);
}
