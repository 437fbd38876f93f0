/* conf - the configuration file, parsed once into an immutable snapshot */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "lang.h"
#include "log.h"
#include "model.h"
#include "strbuf.h"

/* Parsing state: the file being read and the first error. */
struct conf_parse {
	const char *path;
	struct conf *conf;
	struct strbuf error;
	int failed;
};

/* Per-thread, so that concurrent loads (tests, reload) never share it. */
static __thread struct strbuf conf_error_buf;

/* conf_fail - record the first error, located at a setting when given */
static void
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

/* check_keys - every member of group must be in allowed, or it is an error */
static void
check_keys(struct conf_parse *cp, const config_setting_t *group, const char *where,
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

/* member - a group member checked for type; NULL when absent or wrong */
static config_setting_t *
member(struct conf_parse *cp, const config_setting_t *group, const char *name, int type)
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

/* get_string - optional string setting, copied; def may be NULL */
static char *
get_string(struct conf_parse *cp, const config_setting_t *group, const char *name, const char *def)
{
	config_setting_t *s = member(cp, group, name, CONFIG_TYPE_STRING);
	const char *v = s != NULL ? config_setting_get_string(s) : def;

	return v != NULL ? strdup(v) : NULL;
}

/* get_long - optional integer setting within [min, max] */
static long long
get_long(struct conf_parse *cp, const config_setting_t *group, const char *name,
    long long def, long long min, long long max)
{
	config_setting_t *s = member(cp, group, name, CONFIG_TYPE_INT);
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

/* get_bool - optional boolean setting */
static int
get_bool(struct conf_parse *cp, const config_setting_t *group, const char *name, int def)
{
	config_setting_t *s = member(cp, group, name, CONFIG_TYPE_BOOL);

	return s != NULL ? config_setting_get_bool(s) : def;
}

/* get_choice - optional string setting that must be one of choices; returns its index */
static int
get_choice(struct conf_parse *cp, const config_setting_t *group, const char *name,
    int def, const char *const *choices)
{
	config_setting_t *s = member(cp, group, name, CONFIG_TYPE_STRING);
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

/* get_string_list - optional array of strings, copied; count in *n */
static char **
get_string_list(struct conf_parse *cp, const config_setting_t *group, const char *name, size_t *n)
{
	config_setting_t *s = member(cp, group, name, CONFIG_TYPE_LIST);
	char **list;
	int i, len;

	*n = 0;
	if (s == NULL)
		return NULL;
	len = config_setting_length(s);
	if ((list = calloc((size_t)len + 1, sizeof(*list))) == NULL) {
		conf_fail(cp, s, "out of memory");
		return NULL;
	}
	for (i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (v == NULL) {
			conf_fail(cp, e, "\"%s\" must list strings", name);
			break;
		}
		list[(*n)++] = strdup(v);
	}
	return list;
}

/* free_list - release a string list */
static void
free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static const char *const on_error_names[] = { "tempfail", "accept", "reject", NULL };

/* parse_milter - the milter group */
static void
parse_milter(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "socket", "socket_owner", "socket_group",
		"socket_mode", "user", "group", "pidfile", "syslog_facility", "instance",
		"timeout", "allow_remote", "auth_macros", NULL };
	struct conf *c = cp->conf;
	config_setting_t *s;
	char *fac, hostname[256];

	if (g != NULL)
		check_keys(cp, g, "milter", keys);
	c->socket = get_string(cp, g, "socket", "unix:/run/csp-milter/csp-milter.sock");
	c->socket_owner = get_string(cp, g, "socket_owner", "");
	c->socket_group = get_string(cp, g, "socket_group", "");
	c->socket_mode = 0660;
	if ((s = member(cp, g, "socket_mode", CONFIG_TYPE_STRING)) != NULL) {
		char *end;
		long mode = strtol(config_setting_get_string(s), &end, 8);

		if (*end != '\0' || mode < 0 || mode > 0777)
			conf_fail(cp, s, "\"socket_mode\" must be an octal mode such as \"0660\"");
		c->socket_mode = (int)mode;
	}
	c->user = get_string(cp, g, "user", "");
	c->group = get_string(cp, g, "group", "");
	c->pidfile = get_string(cp, g, "pidfile", "/run/csp-milter/csp-milter.pid");
	fac = get_string(cp, g, "syslog_facility", "mail");
	if ((c->syslog_facility = log_facility_parse(fac)) < 0)
		conf_fail(cp, member(cp, g, "syslog_facility", CONFIG_TYPE_STRING),
		    "unknown syslog facility \"%s\"", fac);
	free(fac);
	if (gethostname(hostname, sizeof(hostname)) != 0)
		strcpy(hostname, "localhost");
	hostname[sizeof(hostname) - 1] = '\0';
	c->instance = get_string(cp, g, "instance", hostname);
	c->timeout = (int)get_long(cp, g, "timeout", 300, 1, 86400);
	c->allow_remote = get_bool(cp, g, "allow_remote", 0);
	c->auth_macros = get_bool(cp, g, "auth_macros", 0);
}

/* parse_reject - the reply used for refused mail */
static void
parse_reject(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "code", "xcode", "text", "scope", NULL };
	static const char *const scopes[] = { "message", "recipients", NULL };
	struct conf *c = cp->conf;

	if (g != NULL)
		check_keys(cp, g, "reject", keys);
	c->reject_code = get_string(cp, g, "code", "550");
	c->reject_xcode = get_string(cp, g, "xcode", "5.7.1");
	c->reject_text = get_string(cp, g, "text",
	    "%c mail to CSP customers must come from their CSP partner; refused for %r");
	c->reject_scope = (enum reject_scope)get_choice(cp, g, "scope", REJECT_MESSAGE, scopes);
	if (strlen(c->reject_code) != 3 || c->reject_code[0] != '5' ||
	    strspn(c->reject_code, "0123456789") != 3)
		conf_fail(cp, member(cp, g, "code", CONFIG_TYPE_STRING),
		    "reject code must be a 5xx SMTP code, not \"%s\"", c->reject_code);
	if (c->reject_xcode[0] != '5' || c->reject_xcode[1] != '.' ||
	    strspn(c->reject_xcode, "0123456789.") != strlen(c->reject_xcode))
		conf_fail(cp, member(cp, g, "xcode", CONFIG_TYPE_STRING),
		    "reject xcode must be an enhanced status code 5.x.y, not \"%s\"", c->reject_xcode);
	if (strpbrk(c->reject_text, "\r\n") != NULL)
		conf_fail(cp, member(cp, g, "text", CONFIG_TYPE_STRING), "reject text must be one line");
}

/* parse_limits - decoder and matching limits */
static void
parse_limits(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "max_text", "max_depth", "max_parts",
		"max_header_len", "max_headers", "match_limit", "depth_limit", NULL };
	struct conf *c = cp->conf;

	if (g != NULL)
		check_keys(cp, g, "limits", keys);
	c->max_text = (size_t)get_long(cp, g, "max_text", 1 << 20, 1024, 1LL << 30);
	c->limits.max_depth = (size_t)get_long(cp, g, "max_depth", 32, 1, 1000);
	c->limits.max_parts = (size_t)get_long(cp, g, "max_parts", 1000, 1, 1000000);
	c->limits.max_header_len = (size_t)get_long(cp, g, "max_header_len", 65536, 998, 1 << 24);
	c->limits.max_headers = (size_t)get_long(cp, g, "max_headers", 10000, 10, 1000000);
	c->match_limit = (unsigned long)get_long(cp, g, "match_limit", 1000000, 1000, 4000000000LL);
	c->depth_limit = (unsigned long)get_long(cp, g, "depth_limit", 10000, 100, 4000000000LL);
}

/* parse_vendor - who counts as a vendor-side sender */
static void
parse_vendor(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "domains", "subdomains", "addresses", NULL };
	struct conf *c = cp->conf;
	struct strbuf canon = STRBUF_INIT;
	size_t i;

	if (g == NULL) {
		conf_fail(cp, NULL, "no \"vendor\" group: csp-milter needs to know the vendor-side senders");
		return;
	}
	check_keys(cp, g, "vendor", keys);
	c->vendor_domains = get_string_list(cp, g, "domains", &c->vendor_domain_count);
	c->vendor_subdomains = get_bool(cp, g, "subdomains", 1);
	c->vendor_addresses = get_string_list(cp, g, "addresses", &c->vendor_address_count);
	if (c->vendor_domain_count + c->vendor_address_count == 0)
		conf_fail(cp, g, "\"vendor\" lists no domains or addresses: every message would pass untouched");
	for (i = 0; i < c->vendor_domain_count; i++) {
		const char *d = c->vendor_domains[i];

		if (*d == '\0' || strpbrk(d, "@ \t<>*") != NULL ||
		    addr_domain_canon(d, strlen(d), 0, &canon) < 0) {
			conf_fail(cp, member(cp, g, "domains", CONFIG_TYPE_LIST),
			    "vendor domain \"%s\" is not a domain%s", d, strchr(d, '*') != NULL ?
			    " (no wildcards: vendor.subdomains = true covers subdomains)" : "");
			continue;
		}
		/* One form for comparing: no trailing dot, lower case, A-labels. */
		free(c->vendor_domains[i]);
		c->vendor_domains[i] = strbuf_detach(&canon, NULL);
	}
	for (i = 0; i < c->vendor_address_count; i++) {
		if (addr_canon(c->vendor_addresses[i], &canon) < 0 || canon.len == 0) {
			conf_fail(cp, member(cp, g, "addresses", CONFIG_TYPE_LIST),
			    "vendor address \"%s\" is not an address", c->vendor_addresses[i]);
			continue;
		}
		free(c->vendor_addresses[i]);
		c->vendor_addresses[i] = strbuf_detach(&canon, NULL);
	}
	strbuf_release(&canon);
}

/* parse_rule - one rule of a class */
static void
parse_rule(struct conf_parse *cp, const config_setting_t *r, int class_index)
{
	static const char *const keys[] = { "id", "target", "pattern", "weight",
		"max_hits", "caseless", "lang", NULL };
	struct rule_spec spec;
	config_setting_t *s;
	char *id, *target, *pattern, *lang;
	const char *error;
	size_t i;

	if (config_setting_type(r) != CONFIG_TYPE_GROUP) {
		conf_fail(cp, r, "each rule must be a group { id = ...; pattern = ...; }");
		return;
	}
	check_keys(cp, r, "rule", keys);
	id = get_string(cp, r, "id", NULL);
	target = get_string(cp, r, "target", "all");
	pattern = get_string(cp, r, "pattern", NULL);
	lang = get_string(cp, r, "lang", NULL);
	memset(&spec, 0, sizeof(spec));
	spec.class_index = class_index;
	spec.file = config_setting_source_file(r) != NULL ? config_setting_source_file(r) : cp->path;
	spec.line = (int)config_setting_source_line(r);
	if (id == NULL || *id == '\0')
		conf_fail(cp, r, "rule without an \"id\"");
	else if (pattern == NULL || *pattern == '\0')
		conf_fail(cp, r, "rule %s: no \"pattern\"", id);
	else if (rule_target_parse(target, &spec.target, &spec.header) < 0)
		conf_fail(cp, member(cp, r, "target", CONFIG_TYPE_STRING),
		    "rule %s: unknown target \"%s\" (subject, from, header:NAME, headers, body, hidden, parts, all)",
		    id, target);
	else if (lang != NULL && (spec.lang = lang_parse(lang)) == 0)
		conf_fail(cp, member(cp, r, "lang", CONFIG_TYPE_STRING),
		    "rule %s: unknown lang \"%s\" (en, de, fr, es, pt, zh, ja, ko)", id, lang);
	if (cp->failed)
		goto out;
	for (i = 0; i < rule_set_count(cp->conf->rules); i++)
		if (strcmp(rule_set_spec(cp->conf->rules, i)->id, id) == 0) {
			conf_fail(cp, r, "rule %s: id already used at line %d", id,
			    rule_set_spec(cp->conf->rules, i)->line);
			goto out;
		}
	spec.id = id;
	spec.pattern = pattern;
	spec.weight = (int)get_long(cp, r, "weight", 1, -1000, 1000);
	if ((s = member(cp, r, "weight", CONFIG_TYPE_INT)) != NULL && spec.weight == 0)
		conf_fail(cp, s, "rule %s: a weight of 0 makes the rule do nothing", id);
	spec.max_hits = (int)get_long(cp, r, "max_hits", 1, 0, 10000);
	spec.caseless = get_bool(cp, r, "caseless", 1);
	if (!cp->failed && rule_set_add(cp->conf->rules, &spec, &error) < 0) {
		cp->failed = 1;
		strbuf_append_str(&cp->error, error);
	}
out:
	free(id);
	free(target);
	free(pattern);
	free(lang);
}

/* parse_classes - rules and thresholds of each class */
static void
parse_classes(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "subscription", "incident", "non_csp", NULL };
	static const char *const class_keys[] = { "threshold", "rules", NULL };
	struct conf *c = cp->conf;
	config_setting_t *cg, *rules;
	int ci, i;

	if (g == NULL) {
		conf_fail(cp, NULL, "no \"classes\" group: nothing to classify with");
		return;
	}
	check_keys(cp, g, "classes", keys);
	for (ci = 0; ci < CLASS_RULED; ci++) {
		c->classify.threshold[ci] = 1;
		if ((cg = member(cp, g, csp_class_name((enum csp_class)ci), CONFIG_TYPE_GROUP)) == NULL)
			continue;
		check_keys(cp, cg, csp_class_name((enum csp_class)ci), class_keys);
		c->classify.threshold[ci] = (int)get_long(cp, cg, "threshold", 1, 1, 1000000);
		if ((rules = member(cp, cg, "rules", CONFIG_TYPE_LIST)) == NULL)
			continue;
		for (i = 0; i < config_setting_length(rules) && !cp->failed; i++)
			parse_rule(cp, config_setting_get_elem(rules, (unsigned)i), ci);
	}
}

/* parse_precedence - the order classes claim a message in, subscription first */
static void
parse_precedence(struct conf_parse *cp, const config_setting_t *root)
{
	static const enum csp_class def[CLASS_RULED] = {
		CLASS_SUBSCRIPTION, CLASS_NON_CSP, CLASS_INCIDENT,
	};
	struct conf *c = cp->conf;
	config_setting_t *s = member(cp, root, "precedence", CONFIG_TYPE_LIST);
	int i, seen = 0, k;

	memcpy(c->classify.precedence, def, sizeof(def));
	if (s == NULL)
		return;
	if (config_setting_length(s) != CLASS_RULED) {
		conf_fail(cp, s, "\"precedence\" must list subscription, incident and non_csp, each once");
		return;
	}
	for (i = 0; i < CLASS_RULED; i++) {
		const char *v = config_setting_get_string_elem(s, i);

		if (v == NULL || (k = csp_class_parse(v, 0)) < 0 || (seen & (1 << k))) {
			conf_fail(cp, s, "\"precedence\" must list subscription, incident and non_csp, each once");
			return;
		}
		seen |= 1 << k;
		c->classify.precedence[i] = (enum csp_class)k;
	}
	/* Billing evidence is never outvoted: that is the product's promise. */
	if (c->classify.precedence[0] != CLASS_SUBSCRIPTION)
		conf_fail(cp, s, "\"precedence\" must start with subscription: billing evidence may not be outranked");
}

/* parse_policy - the decision table */
static void
parse_policy(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "subscription", "incident", "non_csp", "other", NULL };
	static const char *const kind_keys[] = { "none", "direct", "csp_direct", "csp", NULL };
	struct conf *c = cp->conf;
	config_setting_t *cg, *s;
	int ci, k, d;

	policy_defaults(&c->policy);
	if (g == NULL)
		return;
	check_keys(cp, g, "policy", keys);
	for (ci = 0; ci < CLASS_COUNT; ci++) {
		if ((cg = member(cp, g, csp_class_name((enum csp_class)ci), CONFIG_TYPE_GROUP)) == NULL)
			continue;
		check_keys(cp, cg, csp_class_name((enum csp_class)ci), kind_keys);
		for (k = 0; k < KIND_COUNT; k++) {
			if ((s = member(cp, cg, rcpt_kind_name((enum rcpt_kind)k), CONFIG_TYPE_STRING)) == NULL)
				continue;
			if ((d = decision_parse(config_setting_get_string(s))) < 0) {
				conf_fail(cp, s, "unknown decision \"%s\" (deliver, tag, reroute, quarantine, reject)",
				    config_setting_get_string(s));
				return;
			}
			if (d == DECISION_REROUTE && (k == KIND_NONE || k == KIND_DIRECT)) {
				conf_fail(cp, s, "cannot reroute \"%s\" recipients: they have no CSP partner",
				    rcpt_kind_name((enum rcpt_kind)k));
				return;
			}
			c->policy.decision[ci][k] = (enum decision)d;
		}
	}
}

/* resolve_path - a path relative to the config file's directory */
static char *
resolve_path(const char *config_path, const char *file)
{
	const char *slash = strrchr(config_path, '/');
	struct strbuf sb = STRBUF_INIT;

	if (file[0] == '/' || slash == NULL)
		return strdup(file);
	strbuf_append(&sb, config_path, (size_t)(slash - config_path + 1));
	strbuf_append_str(&sb, file);
	return strbuf_detach(&sb, NULL);
}

/* file_id_of - the identity of an open file */
static void
file_id_of(const struct stat *st, struct conf_file_id *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->mtime = st->st_mtim;
	id->size = st->st_size;
	id->exists = 1;
}

/*
 * load_customers - the customers file through one descriptor: its identity
 * comes from fstat of that descriptor, its bytes feed both the directory
 * and the version hash, and a file that changed while it was read is
 * refused (the watcher tries again once it is stable).
 */
static void
load_customers(struct conf_parse *cp)
{
	struct conf *c = cp->conf;
	struct conf_file_id after;
	struct stat st;
	const char *error;
	int fd;

	if ((fd = open(c->customers_file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		cp->failed = 1;
		strbuf_appendf(&cp->error, "%s: cannot open customers file: %s", c->customers_file,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	file_id_of(&st, &c->customers_id);
	c->customers_hash = 1469598103934665603ULL;
	if (directory_load_csv_fd(c->directory, fd, c->customers_file, &c->customers_hash, &error) < 0) {
		cp->failed = 1;
		strbuf_append_str(&cp->error, error);
		close(fd);
		return;
	}
	memset(&after, 0, sizeof(after));
	if (fstat(fd, &st) == 0)
		file_id_of(&st, &after);
	if (!conf_file_id_equal(&after, &c->customers_id)) {
		cp->failed = 1;
		strbuf_appendf(&cp->error, "%s: the customers file changed while it was read; "
		    "it is read again once it is stable", c->customers_file);
	}
	close(fd);
}

/* parse_directory - inline customers and the customers file */
static void
parse_directory(struct conf_parse *cp, const config_setting_t *g, const struct conf_overrides *ov)
{
	static const char *const keys[] = { "customers_file", "customers", "max_shrink",
		"settle_time", NULL };
	static const char *const entry_keys[] = { "recipient", "customer_id", "partner",
		"csp", "direct", NULL };
	struct conf *c = cp->conf;
	config_setting_t *list, *e;
	char *file, *rcpt, *id, *partner;
	struct strbuf source = STRBUF_INIT;
	const char *error;
	int i;

	if ((c->directory = directory_new()) == NULL) {
		conf_fail(cp, NULL, "out of memory");
		return;
	}
	if (g != NULL)
		check_keys(cp, g, "directory", keys);
	c->max_shrink = (int)get_long(cp, g, "max_shrink", 10, 0, 100);
	c->customers_settle = (int)get_long(cp, g, "settle_time", 2, 0, 3600);
	if ((list = member(cp, g, "customers", CONFIG_TYPE_LIST)) != NULL) {
		for (i = 0; i < config_setting_length(list) && !cp->failed; i++) {
			e = config_setting_get_elem(list, (unsigned)i);
			if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
				conf_fail(cp, e, "each customer must be a group { recipient = ...; ... }");
				break;
			}
			check_keys(cp, e, "customer", entry_keys);
			rcpt = get_string(cp, e, "recipient", "");
			id = get_string(cp, e, "customer_id", "");
			partner = get_string(cp, e, "partner", "");
			strbuf_reset(&source);
			strbuf_appendf(&source, "%s:%d", cp->path, (int)config_setting_source_line(e));
			if (!cp->failed && directory_add(c->directory, rcpt, id, partner,
			    get_bool(cp, e, "csp", 0), get_bool(cp, e, "direct", 0), source.data, &error) < 0) {
				cp->failed = 1;
				strbuf_append_str(&cp->error, error);
			}
			free(rcpt);
			free(id);
			free(partner);
		}
	}
	strbuf_release(&source);
	file = ov != NULL && ov->customers_file != NULL ? strdup(ov->customers_file) :
	    get_string(cp, g, "customers_file", NULL);
	if (file == NULL || cp->failed) {
		free(file);
		return;
	}
	c->customers_file = resolve_path(cp->path, file);
	free(file);
	load_customers(cp);
}

/* parse_model - the learned model: its file (relative to the config) and weight */
static void
parse_model(struct conf_parse *cp, const config_setting_t *g, const struct conf_overrides *ov)
{
	static const char *const keys[] = { "file", "weight", "min_confidence", NULL };
	struct conf *c = cp->conf;
	const char *error;
	char *file;
	long long weight, min_confidence;

	if (g == NULL)
		return;
	check_keys(cp, g, "model", keys);
	file = get_string(cp, g, "file", NULL);
	weight = get_long(cp, g, "weight", 10, 0, 1000);
	min_confidence = get_long(cp, g, "min_confidence", 90, 0, 100);
	if (file == NULL && !cp->failed)
		conf_fail(cp, g, "model needs file = \"...\"");
	if (cp->failed) {
		free(file);
		return;
	}
	c->model_file = resolve_path(cp->path, file);
	free(file);
	c->classify.model_weight = (int)weight;
	c->classify.model_min_confidence = (int)min_confidence;
	if (ov != NULL && ov->no_model)
		return;
	if ((c->model = model_load(c->model_file, &error)) == NULL) {
		cp->failed = 1;
		strbuf_append_str(&cp->error, error);
	}
	c->classify.model = c->model;
}

/* parse_audit - where and how decisions are recorded */
static void
parse_audit(struct conf_parse *cp, const config_setting_t *root)
{
	static const char *const keys[] = { "subject_max", "redact_subject", "syslog_json",
		"excerpt_max", NULL };
	struct conf *c = cp->conf;
	config_setting_t *g = member(cp, root, "audit", CONFIG_TYPE_GROUP);

	if (g != NULL)
		check_keys(cp, g, "audit", keys);
	c->audit_file = get_string(cp, root, "audit_file", "");
	c->on_audit_error = (enum on_error_action)get_choice(cp, root, "on_audit_error",
	    ON_ERROR_TEMPFAIL, on_error_names);
	c->audit_subject_max = (size_t)get_long(cp, g, "subject_max", 200, 0, 10000);
	c->audit_redact_subject = get_bool(cp, g, "redact_subject", 0);
	c->audit_syslog_json = get_bool(cp, g, "syslog_json", 0);
	c->audit_excerpt_max = (size_t)get_long(cp, g, "excerpt_max", 80, 0, 1000);
	c->classify.excerpt_max = c->audit_excerpt_max;
}

/* hash_config - fold the whole parsed configuration, includes resolved, into the hash */
static int
hash_config(config_t *cfg, uint64_t *h)
{
	char *dump = NULL;
	size_t len = 0, i;
	FILE *ms;

	if ((ms = open_memstream(&dump, &len)) == NULL)
		return -1;
	config_write(cfg, ms);
	if (fclose(ms) != 0) {
		free(dump);
		return -1;
	}
	for (i = 0; i < len; i++)
		*h = (*h ^ (unsigned char)dump[i]) * 1099511628211ULL;
	free(dump);
	return 0;
}

/* conf_free - release a snapshot */
static void
conf_free(struct conf *c)
{
	free(c->path);
	free(c->socket);
	free(c->socket_owner);
	free(c->socket_group);
	free(c->user);
	free(c->group);
	free(c->pidfile);
	free(c->instance);
	free(c->reject_code);
	free(c->reject_xcode);
	free(c->reject_text);
	free_list(c->vendor_domains, c->vendor_domain_count);
	free_list(c->vendor_addresses, c->vendor_address_count);
	rule_set_free(&c->rules);
	free(c->customers_file);
	directory_free(&c->directory);
	free(c->model_file);
	model_free(&c->model);
	free(c->audit_file);
	free(c);
}

static const char *const top_keys[] = { "milter", "mode", "on_error", "reject", "limits",
	"normalise", "vendor", "classes", "precedence", "policy", "directory",
	"audit_file", "on_audit_error", "audit", "model", NULL };

/* conf_load - parse, check and compile */
struct conf *
conf_load(const char *path, const struct conf_overrides *ov, const char **error_r)
{
	struct conf_file_id ignored;

	return conf_load_read(path, ov, &ignored, error_r);
}

/* conf_load_read - conf_load, and the customers file's identity as read */
struct conf *
conf_load_read(const char *path, const struct conf_overrides *ov,
    struct conf_file_id *customers_read, const char **error_r)
{
	static const char *const modes[] = { "enforce", "monitor", NULL };
	struct conf_parse cp;
	config_t cfg;
	config_setting_t *root;
	struct conf *c;
	uint64_t h = 1469598103934665603ULL;
	char *include_dir;

	memset(&cp, 0, sizeof(cp));
	memset(customers_read, 0, sizeof(*customers_read));
	cp.path = path;
	strbuf_reset(&conf_error_buf);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	c->refcount = 1;
	c->path = strdup(path);
	cp.conf = c;
	config_init(&cfg);
	/* @include paths are relative to the including file's directory. */
	include_dir = resolve_path(path, ".");
	config_set_include_dir(&cfg, include_dir);
	if (!config_read_file(&cfg, path)) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			strbuf_appendf(&cp.error, "%s: cannot read: %s", path, strerror(errno));
		else
			strbuf_appendf(&cp.error, "%s:%d: %s",
			    config_error_file(&cfg) ? config_error_file(&cfg) : path,
			    config_error_line(&cfg), config_error_text(&cfg));
		cp.failed = 1;
		goto out;
	}
	root = config_root_setting(&cfg);
	check_keys(&cp, root, "", top_keys);
	parse_milter(&cp, member(&cp, root, "milter", CONFIG_TYPE_GROUP));
	if (ov != NULL && ov->socket != NULL) {
		free(c->socket);
		c->socket = strdup(ov->socket);
	}
	c->monitor = get_choice(&cp, root, "mode", 0, modes);
	c->on_error = (enum on_error_action)get_choice(&cp, root, "on_error", ON_ERROR_TEMPFAIL, on_error_names);
	parse_reject(&cp, member(&cp, root, "reject", CONFIG_TYPE_GROUP));
	parse_limits(&cp, member(&cp, root, "limits", CONFIG_TYPE_GROUP));
	c->normalise = get_bool(&cp, root, "normalise", 1);
	parse_vendor(&cp, member(&cp, root, "vendor", CONFIG_TYPE_GROUP));
	if (!cp.failed && (c->rules = rule_set_new(c->match_limit, c->depth_limit)) == NULL)
		conf_fail(&cp, NULL, "out of memory");
	if (!cp.failed)
		rule_set_fold(c->rules, c->normalise);	/* patterns fold like the text */
	if (!cp.failed)
		parse_classes(&cp, member(&cp, root, "classes", CONFIG_TYPE_GROUP));
	c->classify.rules = c->rules;
	parse_precedence(&cp, root);
	parse_policy(&cp, member(&cp, root, "policy", CONFIG_TYPE_GROUP));
	parse_audit(&cp, root);
	if (!cp.failed)
		parse_directory(&cp, member(&cp, root, "directory", CONFIG_TYPE_GROUP), ov);
	if (!cp.failed)
		parse_model(&cp, member(&cp, root, "model", CONFIG_TYPE_GROUP), ov);
	if (!cp.failed) {
		/* Hash the parsed tree, so that @include files count too. */
		if (hash_config(&cfg, &h) < 0)
			conf_fail(&cp, NULL, "cannot read back for hashing: %s", strerror(errno));
		/* The customers file's bytes as they were read, not read again. */
		if (c->customers_file != NULL)
			h = (h ^ c->customers_hash) * 1099511628211ULL;
		/* The model file's bytes as they were read, too. */
		if (c->model != NULL)
			h = (h ^ model_file_hash(c->model)) * 1099511628211ULL;
		snprintf(c->version, sizeof(c->version), "%016llx", (unsigned long long)h);
	}
out:
	config_destroy(&cfg);
	free(include_dir);
	*customers_read = c->customers_id;
	if (cp.failed) {
		strbuf_append(&conf_error_buf, cp.error.data, cp.error.len);
		strbuf_release(&cp.error);
		conf_free(c);
		*error_r = conf_error_buf.data;
		return NULL;
	}
	strbuf_release(&cp.error);
	return c;
}

/* conf_ref - one more holder of the snapshot */
struct conf *
conf_ref(struct conf *c)
{
	__atomic_add_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL);
	return c;
}

/* conf_unref - drop a holder; the last one frees */
void
conf_unref(struct conf **cp)
{
	struct conf *c = *cp;

	if (c == NULL)
		return;
	*cp = NULL;
	if (__atomic_sub_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		conf_free(c);
}

/* conf_is_vendor - vendor-side sender check */
int
conf_is_vendor(const struct conf *c, const char *canon)
{
	const char *domain = addr_domain(canon);
	size_t i;

	for (i = 0; i < c->vendor_address_count; i++)
		if (strcmp(canon, c->vendor_addresses[i]) == 0)
			return 1;
	if (domain == NULL)
		return 0;
	for (i = 0; i < c->vendor_domain_count; i++) {
		if (c->vendor_subdomains ? addr_domain_within(domain, c->vendor_domains[i]) :
		    strcasecmp(domain, c->vendor_domains[i]) == 0)
			return 1;
	}
	return 0;
}

/* conf_file_id_equal - same file, same size, same mtime */
int
conf_file_id_equal(const struct conf_file_id *a, const struct conf_file_id *b)
{
	if (!a->exists || !b->exists)
		return a->exists == b->exists;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* conf_customers_now - the customers file's identity now */
int
conf_customers_now(const struct conf *c, struct conf_file_id *id)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (c->customers_file == NULL)
		return -1;
	if (stat(c->customers_file, &st) == 0)
		file_id_of(&st, id);
	return 0;
}

/* conf_customers_changed - has the customers file been replaced or rewritten? */
int
conf_customers_changed(const struct conf *c)
{
	struct conf_file_id now;

	if (conf_customers_now(c, &now) < 0 || !now.exists)
		return 0;	/* gone: keep what we have, the reload will say why */
	return !conf_file_id_equal(&now, &c->customers_id);
}

/* conf_check_shrink - refuse a directory that lost too many rows */
int
conf_check_shrink(const struct conf *fresh, const struct conf *old, const char **error_r)
{
	size_t before = directory_count(old->directory), after = directory_count(fresh->directory);

	/* after < before * (100 - max_shrink) / 100, without overflow or rounding up */
	if (after >= before || (before - after) * 100 <= before * (size_t)fresh->max_shrink)
		return 0;
	strbuf_reset(&conf_error_buf);
	strbuf_appendf(&conf_error_buf, "%s: %zu customers, %zu fewer than the %zu loaded "
	    "(%zu%%; directory.max_shrink = %d%%): refused, keeping the loaded directory; "
	    "if the shrink is intended, accept it once with \"csp-milter -c %s --accept-shrink\" "
	    "(or SIGUSR2 to the milter)",
	    fresh->customers_file != NULL ? fresh->customers_file : fresh->path, after,
	    before - after, before, (before - after) * 100 / before, fresh->max_shrink, fresh->path);
	*error_r = conf_error_buf.data;
	return -1;
}
