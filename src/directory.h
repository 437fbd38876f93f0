/* directory - the customer directory: recipient address or domain to customer record */
#ifndef CSP_DIRECTORY_H
#define CSP_DIRECTORY_H

#include <stddef.h>

/*
 * Built once (from inline entries and/or a CSV file), then read-only: a
 * loaded directory may be shared by any number of threads.  Keys are
 * lower-cased; lookups are case-insensitive.  Lookup order: the exact
 * address, then its domain, then each parent domain.  Built for ten rows
 * to a million: an open-addressing hash table, load time linear in rows.
 */
struct directory;

struct customer {
	const char *key;		/* the recipient or domain that matched */
	const char *customer_id;
	const char *partner;		/* partner mailbox, "" for non-CSP customers */
	int csp;
	int direct;
};

struct directory *directory_new(void);
void directory_free(struct directory **dir);

/* directory_add - one entry; source names it in errors ("FILE:LINE").  0 or -1. */
int directory_add(struct directory *dir, const char *recipient, const char *customer_id,
    const char *partner, int csp, int direct, const char *source, const char **error_r);

/*
 * directory_load_csv - add every row of a CSV file: recipient,customer_id,
 * partner,csp,direct.  '#' starts a comment line; a header row is allowed.
 * On error *error_r is "FILE:LINE: what" (static per thread, valid until the
 * next call) and the directory may hold some rows: discard it.
 */
int directory_load_csv(struct directory *dir, const char *path, const char **error_r);

/* directory_lookup - the customer for a canonical address, or NULL */
const struct customer *directory_lookup(const struct directory *dir, const char *canon_addr);

size_t directory_count(const struct directory *dir);

#endif
