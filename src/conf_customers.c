/* conf_customers - the directory block: inline customers and the customers file */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_customers.h"
#include "xalloc.h"

/* conf_customers_id_of - the identity of an open file */
void
conf_customers_id_of(const struct stat *st, struct conf_file_id *id)
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
	conf_customers_id_of(&st, &c->customers_id);
	c->customers_hash = 1469598103934665603ULL;
	if (directory_load_csv_fd(c->directory, fd, c->customers_file, &c->customers_hash, &error) < 0) {
		cp->failed = 1;
		strbuf_append_str(&cp->error, error);
		close(fd);
		return;
	}
	memset(&after, 0, sizeof(after));
	if (fstat(fd, &st) == 0)
		conf_customers_id_of(&st, &after);
	if (!conf_file_id_equal(&after, &c->customers_id)) {
		cp->failed = 1;
		strbuf_appendf(&cp->error, "%s: the customers file changed while it was read; "
		    "it is read again once it is stable", c->customers_file);
	}
	close(fd);
}

/* conf_customers_block - inline customers and the customers file */
void
conf_customers_block(struct conf_parse *cp, const config_setting_t *g,
    const struct conf_overrides *ov)
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

	c->directory = directory_new();
	if (g != NULL)
		conf_check_keys(cp, g, "directory", keys);
	c->max_shrink = (int)conf_get_long(cp, g, "max_shrink", 10, 0, 100);
	c->customers_settle = (int)conf_get_long(cp, g, "settle_time", 2, 0, 3600);
	if ((list = conf_member(cp, g, "customers", CONFIG_TYPE_LIST)) != NULL) {
		for (i = 0; i < config_setting_length(list) && !cp->failed; i++) {
			e = config_setting_get_elem(list, (unsigned)i);
			if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
				conf_fail(cp, e, "each customer must be a group { recipient = ...; ... }");
				break;
			}
			conf_check_keys(cp, e, "customer", entry_keys);
			rcpt = conf_get_string(cp, e, "recipient", "");
			id = conf_get_string(cp, e, "customer_id", "");
			partner = conf_get_string(cp, e, "partner", "");
			strbuf_reset(&source);
			strbuf_appendf(&source, "%s:%d", cp->path, (int)config_setting_source_line(e));
			if (!cp->failed && directory_add(c->directory, rcpt, id, partner,
			    conf_get_bool(cp, e, "csp", 0), conf_get_bool(cp, e, "direct", 0),
			    source.data, &error) < 0) {
				cp->failed = 1;
				strbuf_append_str(&cp->error, error);
			}
			free(rcpt);
			free(id);
			free(partner);
		}
	}
	strbuf_release(&source);
	file = ov != NULL && ov->customers_file != NULL ? xstrdup(ov->customers_file) :
	    conf_get_string(cp, g, "customers_file", NULL);
	if (file == NULL || cp->failed) {
		free(file);
		return;
	}
	c->customers_file = conf_resolve_path(cp->path, file);
	free(file);
	load_customers(cp);
}
