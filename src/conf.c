/* conf - the configuration file, parsed once into an immutable snapshot */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "conf_block.h"
#include "conf_customers.h"
#include "conf_parse.h"
#include "model.h"
#include "strbuf.h"
#include "xalloc.h"

/* Per-thread, so that concurrent loads (tests, reload) never share it. */
static __thread struct strbuf conf_error_buf;

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
	conf_free_list(c->vendor_domains, c->vendor_domain_count);
	conf_free_list(c->vendor_addresses, c->vendor_address_count);
	rule_set_free(&c->rules);
	free(c->customers_file);
	directory_free(&c->directory);
	free(c->model_file);
	model_free(&c->model);
	free(c->examples_file);
	example_index_free(&c->examples);
	free(c->audit_file);
	free(c);
}

static const char *const top_keys[] = { "milter", "mode", "on_error", "reject", "limits",
	"normalise", "vendor", "classes", "precedence", "policy", "directory",
	"audit_file", "on_audit_error", "audit", "model", "examples", NULL };

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
	c = xcalloc(1, sizeof(*c));
	c->refcount = 1;
	c->path = xstrdup(path);
	cp.conf = c;
	config_init(&cfg);
	/* @include paths are relative to the including file's directory. */
	include_dir = conf_resolve_path(path, ".");
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
	conf_check_keys(&cp, root, "", top_keys);
	conf_block_milter(&cp, conf_member(&cp, root, "milter", CONFIG_TYPE_GROUP));
	if (ov != NULL && ov->socket != NULL) {
		free(c->socket);
		c->socket = xstrdup(ov->socket);
	}
	c->monitor = conf_get_choice(&cp, root, "mode", 0, modes);
	c->on_error = (enum on_error_action)conf_get_choice(&cp, root, "on_error",
	    ON_ERROR_TEMPFAIL, conf_on_error_names);
	conf_block_reject(&cp, conf_member(&cp, root, "reject", CONFIG_TYPE_GROUP));
	conf_block_limits(&cp, conf_member(&cp, root, "limits", CONFIG_TYPE_GROUP));
	c->normalise = conf_get_bool(&cp, root, "normalise", 1);
	conf_block_vendor(&cp, conf_member(&cp, root, "vendor", CONFIG_TYPE_GROUP));
	if (!cp.failed) {
		c->rules = rule_set_new(c->match_limit, c->depth_limit);
		rule_set_fold(c->rules, c->normalise);	/* patterns fold like the text */
		conf_block_classes(&cp, conf_member(&cp, root, "classes", CONFIG_TYPE_GROUP));
	}
	c->classify.rules = c->rules;
	conf_block_precedence(&cp, root);
	conf_block_policy(&cp, conf_member(&cp, root, "policy", CONFIG_TYPE_GROUP));
	conf_block_audit(&cp, root);
	if (!cp.failed)
		conf_customers_block(&cp, conf_member(&cp, root, "directory", CONFIG_TYPE_GROUP), ov);
	if (!cp.failed)
		conf_block_model(&cp, conf_member(&cp, root, "model", CONFIG_TYPE_GROUP), ov);
	if (!cp.failed)
		conf_block_examples(&cp, conf_member(&cp, root, "examples", CONFIG_TYPE_GROUP), ov);
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
		/* And the examples as loaded: teaching one changes decisions. */
		if (c->examples != NULL)
			h = (h ^ example_index_hash(c->examples)) * 1099511628211ULL;
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
		conf_customers_id_of(&st, id);
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

/* conf_thread_done - the error text of a thread that ends */
void
conf_thread_done(void)
{
	strbuf_release(&conf_error_buf);
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
