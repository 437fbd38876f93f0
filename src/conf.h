/* conf - the configuration file, parsed once into an immutable snapshot */
#ifndef CSP_CONF_H
#define CSP_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "classify.h"
#include "directory.h"
#include "example_store.h"
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

/* The identity of a file, as a change watcher compares it. */
struct conf_file_id {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
	int exists;
};

struct conf {
	char *path;
	char version[17];	/* hash of the config, customers and model files, hex */

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

	/* template memory (examples = { file; weight; min_similarity; }) */
	char *examples_file;	/* NULL: no examples block */
	struct example_index *examples;	/* NULL: none (or not loaded, conf_overrides.no_examples) */
	double examples_min_similarity;

	/* customers */
	char *customers_file;	/* NULL when only inline entries */
	struct directory *directory;
	int max_shrink;		/* percent of rows a reload may lose */
	int customers_settle;	/* seconds a changed file must stay unchanged */

	/* audit */
	char *audit_file;
	enum on_error_action on_audit_error;
	size_t audit_subject_max;
	int audit_redact_subject;
	int audit_syslog_json;
	size_t audit_excerpt_max;

	struct conf_file_id customers_id;	/* the customers file as read (fstat) */
	uint64_t customers_hash;	/* FNV-1a of its bytes as read */
	int refcount;
};

/* Overrides applied on top of the file (command line). */
struct conf_overrides {
	const char *customers_file;
	const char *socket;
	int no_model;		/* do not load the model file (--train makes it) */
	int no_examples;	/* do not load the examples file (--learn, --forget, --examples) */
};

/* conf_load - parse, check and compile; NULL with *error_r on failure */
struct conf *conf_load(const char *path, const struct conf_overrides *ov, const char **error_r);
/*
 * conf_load_read - conf_load, and the customers file's identity as it was
 * read (fstat of the descriptor read from) in *customers_read, also when
 * the load failed; exists 0 when it was not opened.  The watcher keeps it.
 */
struct conf *conf_load_read(const char *path, const struct conf_overrides *ov,
    struct conf_file_id *customers_read, const char **error_r);
struct conf *conf_ref(struct conf *conf);
void conf_unref(struct conf **conf);

/* conf_is_vendor - is this canonical address a vendor-side sender? */
int conf_is_vendor(const struct conf *conf, const char *canon_addr);

/* conf_customers_changed - 1 if the customers file was replaced or rewritten since load */
int conf_customers_changed(const struct conf *conf);

/* conf_customers_now - the customers file's identity now (exists 0 if gone); -1 without a file */
int conf_customers_now(const struct conf *conf, struct conf_file_id *id);

/* conf_file_id_equal - same file, same size, same mtime */
int conf_file_id_equal(const struct conf_file_id *a, const struct conf_file_id *b);

/*
 * conf_check_shrink - may fresh replace old?  -1 with *error_r (static per
 * thread) when fresh has lost more than fresh->max_shrink percent of old's
 * customer rows; the message says how many and how to accept it.
 */
int conf_check_shrink(const struct conf *fresh, const struct conf *old, const char **error_r);

/*
 * conf_thread_done - free this thread's error text (the *error_r of
 * conf_load and conf_check_shrink); a thread that loads configs and then
 * ends calls it last.
 */
void conf_thread_done(void);

#endif
