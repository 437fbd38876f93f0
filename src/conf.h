/* conf - the configuration file, parsed once into an immutable snapshot */
#ifndef CSP_CONF_H
#define CSP_CONF_H

#include <stddef.h>
#include "classify.h"
#include "directory.h"
#include "mime_decoder.h"
#include "policy.h"
#include "rule.h"

/*
 * conf_load reads a libconfig file, checks every setting (unknown names and
 * wrong types are errors, reported as FILE:LINE: what), compiles every rule
 * and loads the customer directory.  The result is immutable and
 * reference-counted: the milter swaps in a new snapshot on reload while
 * messages in flight keep the one they started with.  conf_ref and
 * conf_unref are thread-safe.
 */
enum on_error_action {
	ON_ERROR_TEMPFAIL,
	ON_ERROR_ACCEPT,
	ON_ERROR_REJECT,
};

enum reject_scope {
	REJECT_MESSAGE,		/* refuse the whole message if any recipient is refused */
	REJECT_RECIPIENTS,	/* drop only the refused recipients */
};

struct conf_file_id;

struct conf {
	char *path;
	char version[17];	/* hash of the config and directory files, hex */

	/* milter */
	char *socket;
	char *socket_owner, *socket_group;
	int socket_mode;
	char *user, *group;
	char *pidfile;
	int syslog_facility;
	char *instance;
	int timeout;
	int allow_remote;	/* inet sockets on non-loopback addresses */
	int auth_macros;

	int monitor;		/* mode = "monitor" */
	enum on_error_action on_error;
	enum reject_scope reject_scope;
	char *reject_code, *reject_xcode, *reject_text;

	/* decoder and matching limits */
	struct mime_limits limits;
	size_t max_text;
	int normalise;
	unsigned long match_limit, depth_limit;

	/* vendor-side senders */
	char **vendor_domains;
	size_t vendor_domain_count;
	int vendor_subdomains;
	char **vendor_addresses;
	size_t vendor_address_count;

	/* classification and policy */
	struct rule_set *rules;
	struct classify_params classify;
	struct policy_table policy;

	/* the learned model (model = { file; weight; }) */
	char *model_file;	/* NULL: no model block */
	struct model *model;	/* NULL: no model (or not loaded, conf_overrides.no_model) */

	/* customers */
	char *customers_file;	/* NULL when only inline entries */
	struct directory *directory;

	/* audit */
	char *audit_file;
	enum on_error_action on_audit_error;
	size_t audit_subject_max;
	int audit_redact_subject;
	int audit_syslog_json;
	size_t audit_excerpt_max;

	struct conf_file_id *customers_id;	/* the customers file at load */
	int refcount;
};

/* Overrides applied on top of the file (command line). */
struct conf_overrides {
	const char *customers_file;
	const char *socket;
	int no_model;		/* do not load the model file (--train makes it) */
};

/* conf_load - parse, check and compile; NULL with *error_r on failure */
struct conf *conf_load(const char *path, const struct conf_overrides *ov, const char **error_r);
struct conf *conf_ref(struct conf *conf);
void conf_unref(struct conf **conf);

/* conf_is_vendor - is this canonical address a vendor-side sender? */
int conf_is_vendor(const struct conf *conf, const char *canon_addr);

/* conf_customers_changed - 1 if the customers file was replaced or rewritten since load */
int conf_customers_changed(const struct conf *conf);

#endif
