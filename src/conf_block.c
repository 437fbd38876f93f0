/* conf_block - the reader of each block of the config file into the snapshot */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "classify.h"
#include "conf_block.h"
#include "lang.h"
#include "log.h"
#include "model.h"
#include "xalloc.h"

const char *const conf_on_error_names[] = { "tempfail", "accept", "reject", NULL };

/* conf_block_milter - the milter group */
void
conf_block_milter(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "socket", "socket_owner", "socket_group",
		"socket_mode", "user", "group", "pidfile", "syslog_facility", "instance",
		"timeout", "allow_remote", "auth_macros", NULL };
	struct conf *c = cp->conf;
	config_setting_t *s;
	char *fac, hostname[256];

	if (g != NULL)
		conf_check_keys(cp, g, "milter", keys);
	c->socket = conf_get_string(cp, g, "socket", "unix:/run/csp-milter/csp-milter.sock");
	c->socket_owner = conf_get_string(cp, g, "socket_owner", "");
	c->socket_group = conf_get_string(cp, g, "socket_group", "");
	c->socket_mode = 0660;
	if ((s = conf_member(cp, g, "socket_mode", CONFIG_TYPE_STRING)) != NULL) {
		char *end;
		long mode = strtol(config_setting_get_string(s), &end, 8);

		if (*end != '\0' || mode < 0 || mode > 0777)
			conf_fail(cp, s, "\"socket_mode\" must be an octal mode such as \"0660\"");
		c->socket_mode = (int)mode;
	}
	c->user = conf_get_string(cp, g, "user", "");
	c->group = conf_get_string(cp, g, "group", "");
	c->pidfile = conf_get_string(cp, g, "pidfile", "/run/csp-milter/csp-milter.pid");
	fac = conf_get_string(cp, g, "syslog_facility", "mail");
	if ((c->syslog_facility = log_facility_parse(fac)) < 0)
		conf_fail(cp, conf_member(cp, g, "syslog_facility", CONFIG_TYPE_STRING),
		    "unknown syslog facility \"%s\"", fac);
	free(fac);
	if (gethostname(hostname, sizeof(hostname)) != 0)
		strcpy(hostname, "localhost");
	hostname[sizeof(hostname) - 1] = '\0';
	c->instance = conf_get_string(cp, g, "instance", hostname);
	c->timeout = (int)conf_get_long(cp, g, "timeout", 300, 1, 86400);
	c->allow_remote = conf_get_bool(cp, g, "allow_remote", 0);
	c->auth_macros = conf_get_bool(cp, g, "auth_macros", 0);
}

/* conf_block_reject - the reply used for refused mail */
void
conf_block_reject(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "code", "xcode", "text", "scope", NULL };
	static const char *const scopes[] = { "message", "recipients", NULL };
	struct conf *c = cp->conf;

	if (g != NULL)
		conf_check_keys(cp, g, "reject", keys);
	c->reject_code = conf_get_string(cp, g, "code", "550");
	c->reject_xcode = conf_get_string(cp, g, "xcode", "5.7.1");
	c->reject_text = conf_get_string(cp, g, "text",
	    "%c mail to CSP customers must come from their CSP partner; refused for %r");
	c->reject_scope = (enum reject_scope)conf_get_choice(cp, g, "scope", REJECT_MESSAGE, scopes);
	if (strlen(c->reject_code) != 3 || c->reject_code[0] != '5' ||
	    strspn(c->reject_code, "0123456789") != 3)
		conf_fail(cp, conf_member(cp, g, "code", CONFIG_TYPE_STRING),
		    "reject code must be a 5xx SMTP code, not \"%s\"", c->reject_code);
	if (c->reject_xcode[0] != '5' || c->reject_xcode[1] != '.' ||
	    strspn(c->reject_xcode, "0123456789.") != strlen(c->reject_xcode))
		conf_fail(cp, conf_member(cp, g, "xcode", CONFIG_TYPE_STRING),
		    "reject xcode must be an enhanced status code 5.x.y, not \"%s\"", c->reject_xcode);
	if (strpbrk(c->reject_text, "\r\n") != NULL)
		conf_fail(cp, conf_member(cp, g, "text", CONFIG_TYPE_STRING), "reject text must be one line");
}

/* conf_block_limits - decoder and matching limits */
void
conf_block_limits(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "max_text", "max_depth", "max_parts",
		"max_header_len", "max_headers", "match_limit", "depth_limit", NULL };
	struct conf *c = cp->conf;

	if (g != NULL)
		conf_check_keys(cp, g, "limits", keys);
	c->max_text = (size_t)conf_get_long(cp, g, "max_text", 1 << 20, 1024, 1LL << 30);
	c->limits.max_depth = (size_t)conf_get_long(cp, g, "max_depth", 32, 1, 1000);
	c->limits.max_parts = (size_t)conf_get_long(cp, g, "max_parts", 1000, 1, 1000000);
	c->limits.max_header_len = (size_t)conf_get_long(cp, g, "max_header_len", 65536, 998, 1 << 24);
	c->limits.max_headers = (size_t)conf_get_long(cp, g, "max_headers", 10000, 10, 1000000);
	c->match_limit = (unsigned long)conf_get_long(cp, g, "match_limit", 1000000, 1000, 4000000000LL);
	c->depth_limit = (unsigned long)conf_get_long(cp, g, "depth_limit", 10000, 100, 4000000000LL);
}

/* conf_block_vendor - who counts as a vendor-side sender */
void
conf_block_vendor(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "domains", "subdomains", "addresses", NULL };
	struct conf *c = cp->conf;
	struct strbuf canon = STRBUF_INIT;
	size_t i;

	if (g == NULL) {
		conf_fail(cp, NULL, "no \"vendor\" group: csp-milter needs to know the vendor-side senders");
		return;
	}
	conf_check_keys(cp, g, "vendor", keys);
	c->vendor_domains = conf_get_string_list(cp, g, "domains", &c->vendor_domain_count);
	c->vendor_subdomains = conf_get_bool(cp, g, "subdomains", 1);
	c->vendor_addresses = conf_get_string_list(cp, g, "addresses", &c->vendor_address_count);
	if (c->vendor_domain_count + c->vendor_address_count == 0)
		conf_fail(cp, g, "\"vendor\" lists no domains or addresses: every message would pass untouched");
	for (i = 0; i < c->vendor_domain_count; i++) {
		const char *d = c->vendor_domains[i];

		if (*d == '\0' || strpbrk(d, "@ \t<>*") != NULL ||
		    addr_domain_canon(d, strlen(d), 0, &canon) < 0) {
			conf_fail(cp, conf_member(cp, g, "domains", CONFIG_TYPE_LIST),
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
			conf_fail(cp, conf_member(cp, g, "addresses", CONFIG_TYPE_LIST),
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
	conf_check_keys(cp, r, "rule", keys);
	id = conf_get_string(cp, r, "id", NULL);
	target = conf_get_string(cp, r, "target", "all");
	pattern = conf_get_string(cp, r, "pattern", NULL);
	lang = conf_get_string(cp, r, "lang", NULL);
	memset(&spec, 0, sizeof(spec));
	spec.class_index = class_index;
	spec.file = config_setting_source_file(r) != NULL ? config_setting_source_file(r) : cp->path;
	spec.line = (int)config_setting_source_line(r);
	if (id == NULL || *id == '\0')
		conf_fail(cp, r, "rule without an \"id\"");
	else if (pattern == NULL || *pattern == '\0')
		conf_fail(cp, r, "rule %s: no \"pattern\"", id);
	else if (rule_target_parse(target, &spec.target, &spec.header) < 0)
		conf_fail(cp, conf_member(cp, r, "target", CONFIG_TYPE_STRING),
		    "rule %s: unknown target \"%s\" (subject, from, header:NAME, headers, body, hidden, parts, all)",
		    id, target);
	else if (lang != NULL && (spec.lang = lang_parse(lang)) == 0)
		conf_fail(cp, conf_member(cp, r, "lang", CONFIG_TYPE_STRING),
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
	spec.weight = (int)conf_get_long(cp, r, "weight", 1, -1000, 1000);
	if ((s = conf_member(cp, r, "weight", CONFIG_TYPE_INT)) != NULL && spec.weight == 0)
		conf_fail(cp, s, "rule %s: a weight of 0 makes the rule do nothing", id);
	spec.max_hits = (int)conf_get_long(cp, r, "max_hits", 1, 0, 10000);
	spec.caseless = conf_get_bool(cp, r, "caseless", 1);
	/* Hidden text is searched only for what may count there: subscription. */
	spec.skip_hidden = !classify_counts_hidden(&spec);
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

/* conf_block_classes - rules and thresholds of each class */
void
conf_block_classes(struct conf_parse *cp, const config_setting_t *g)
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
	conf_check_keys(cp, g, "classes", keys);
	for (ci = 0; ci < CLASS_RULED; ci++) {
		c->classify.threshold[ci] = 1;
		if ((cg = conf_member(cp, g, csp_class_name((enum csp_class)ci), CONFIG_TYPE_GROUP)) == NULL)
			continue;
		conf_check_keys(cp, cg, csp_class_name((enum csp_class)ci), class_keys);
		c->classify.threshold[ci] = (int)conf_get_long(cp, cg, "threshold", 1, 1, 1000000);
		if ((rules = conf_member(cp, cg, "rules", CONFIG_TYPE_LIST)) == NULL)
			continue;
		for (i = 0; i < config_setting_length(rules) && !cp->failed; i++)
			parse_rule(cp, config_setting_get_elem(rules, (unsigned)i), ci);
	}
}

/* conf_block_precedence - the order classes claim a message in, subscription first */
void
conf_block_precedence(struct conf_parse *cp, const config_setting_t *root)
{
	static const enum csp_class def[CLASS_RULED] = {
		CLASS_SUBSCRIPTION, CLASS_NON_CSP, CLASS_INCIDENT,
	};
	struct conf *c = cp->conf;
	config_setting_t *s = conf_member(cp, root, "precedence", CONFIG_TYPE_LIST);
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

/* conf_block_policy - the decision table */
void
conf_block_policy(struct conf_parse *cp, const config_setting_t *g)
{
	static const char *const keys[] = { "subscription", "incident", "non_csp", "other", NULL };
	static const char *const kind_keys[] = { "none", "direct", "csp_direct", "csp", NULL };
	struct conf *c = cp->conf;
	config_setting_t *cg, *s;
	int ci, k, d;

	policy_defaults(&c->policy);
	if (g == NULL)
		return;
	conf_check_keys(cp, g, "policy", keys);
	for (ci = 0; ci < CLASS_COUNT; ci++) {
		if ((cg = conf_member(cp, g, csp_class_name((enum csp_class)ci), CONFIG_TYPE_GROUP)) == NULL)
			continue;
		conf_check_keys(cp, cg, csp_class_name((enum csp_class)ci), kind_keys);
		for (k = 0; k < KIND_COUNT; k++) {
			if ((s = conf_member(cp, cg, rcpt_kind_name((enum rcpt_kind)k), CONFIG_TYPE_STRING)) == NULL)
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

/* conf_block_model - the learned model: its file (relative to the config) and weight */
void
conf_block_model(struct conf_parse *cp, const config_setting_t *g, const struct conf_overrides *ov)
{
	static const char *const keys[] = { "file", "weight", "min_confidence",
	    "incident_min_confidence", NULL };
	struct conf *c = cp->conf;
	const char *error;
	char *file;
	long long weight, min_confidence, incident_min_confidence;

	if (g == NULL)
		return;
	conf_check_keys(cp, g, "model", keys);
	file = conf_get_string(cp, g, "file", NULL);
	weight = conf_get_long(cp, g, "weight", 10, 0, 1000);
	min_confidence = conf_get_long(cp, g, "min_confidence", 90, 0, 100);
	incident_min_confidence = conf_get_long(cp, g, "incident_min_confidence", 95, 0, 100);
	if (file == NULL && !cp->failed)
		conf_fail(cp, g, "model needs file = \"...\"");
	if (cp->failed) {
		free(file);
		return;
	}
	c->model_file = conf_resolve_path(cp->path, file);
	free(file);
	c->classify.model_weight = (int)weight;
	c->classify.model_min_confidence = (int)min_confidence;
	c->classify.model_incident_min_confidence = (int)incident_min_confidence;
	if (ov != NULL && ov->no_model)
		return;
	if ((c->model = model_load(c->model_file, &error)) == NULL) {
		cp->failed = 1;
		strbuf_append_str(&cp->error, error);
	}
	c->classify.model = c->model;
}

/* conf_block_examples - the examples file, the weight of a match and the similarity it needs */
void
conf_block_examples(struct conf_parse *cp, const config_setting_t *g, const struct conf_overrides *ov)
{
	static const char *const keys[] = { "file", "weight", "min_similarity", NULL };
	struct conf *c = cp->conf;
	const config_setting_t *s;
	const char *error;
	char *file;
	long long weight;
	double min_similarity = 0.6;
	int missing;

	if (g == NULL)
		return;
	conf_check_keys(cp, g, "examples", keys);
	file = conf_get_string(cp, g, "file", NULL);
	weight = conf_get_long(cp, g, "weight", 5, 0, 1000);
	if ((s = config_setting_get_member(g, "min_similarity")) != NULL && !cp->failed) {
		int t = config_setting_type(s);

		if (t == CONFIG_TYPE_FLOAT)
			min_similarity = config_setting_get_float(s);
		else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
			min_similarity = (double)config_setting_get_int64(s);
		else
			min_similarity = -1;
		if (!(min_similarity >= 0.5 && min_similarity <= 1.0))
			conf_fail(cp, s, "min_similarity must be a number from 0.5 to 1");
	}
	if (file == NULL && !cp->failed)
		conf_fail(cp, g, "examples needs file = \"...\"");
	if (cp->failed) {
		free(file);
		return;
	}
	c->examples_file = conf_resolve_path(cp->path, file);
	free(file);
	c->classify.examples_weight = (int)weight;
	c->examples_min_similarity = min_similarity;
	if (ov != NULL && ov->no_examples)
		return;
	if ((c->examples = example_index_load(c->examples_file, min_similarity, &missing,
	    &error)) == NULL) {
		cp->failed = 1;
		strbuf_append_str(&cp->error, error);
		return;
	}
	if (missing)
		log_warnx(NULL, "%s: no examples file: template memory is empty until "
		    "csp-milter --learn makes it", c->examples_file);
	c->classify.examples = c->examples;
}

/* conf_block_audit - where and how decisions are recorded */
void
conf_block_audit(struct conf_parse *cp, const config_setting_t *root)
{
	static const char *const keys[] = { "subject_max", "redact_subject", "syslog_json",
		"excerpt_max", NULL };
	struct conf *c = cp->conf;
	config_setting_t *g = conf_member(cp, root, "audit", CONFIG_TYPE_GROUP);

	if (g != NULL)
		conf_check_keys(cp, g, "audit", keys);
	c->audit_file = conf_get_string(cp, root, "audit_file", "");
	c->on_audit_error = (enum on_error_action)conf_get_choice(cp, root, "on_audit_error",
	    ON_ERROR_TEMPFAIL, conf_on_error_names);
	c->audit_subject_max = (size_t)conf_get_long(cp, g, "subject_max", 200, 0, 10000);
	c->audit_redact_subject = conf_get_bool(cp, g, "redact_subject", 0);
	c->audit_syslog_json = conf_get_bool(cp, g, "syslog_json", 0);
	c->audit_excerpt_max = (size_t)conf_get_long(cp, g, "excerpt_max", 80, 0, 1000);
	c->classify.excerpt_max = c->audit_excerpt_max;
}
