/* directory - the customer directory: recipient address or domain to customer record */
#ifndef CSP_DIRECTORY_H
#define CSP_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Built once (from inline entries and/or a CSV file), then read-only: a
 * loaded directory may be shared by any number of threads.  Keys are
 * kept in the lookup form of addr.h (lower case, no trailing dot, A-labels);
 * lookups take that form and are case-insensitive.  Lookup order: the exact
 * address, then its domain, then each parent domain.  Built for ten rows
 * to a million: an open-addressing hash table, load time linear in rows.
 * Memory comes from xalloc (xalloc.h): no call fails for want of it.
 * This module parses and looks up only; the daemon watches the customers
 * file and decides when to load it again.
 */
struct directory;

struct customer {
	const char *key;		/* the recipient or domain that matched */
	const char *customer_id;
	const char *partner;		/* partner mailbox, "" for non-CSP customers */
	int csp;
	int direct;
};

/* directory_new - never NULL; free with directory_free */
struct directory *directory_new(void);
void directory_free(struct directory **dir);

/* directory_add - one entry; source names it in errors ("FILE:LINE").  0 or -1. */
int directory_add(struct directory *dir, const char *recipient, const char *customer_id,
    const char *partner, int csp, int direct, const char *source, const char **error_r);

/*
 * directory_load_csv - add every row of a CSV file: recipient,customer_id,
 * partner,csp,direct.  '#' starts a comment line; a header row is allowed;
 * a UTF-8 byte order mark is skipped.  Refused, so that the directory can
 * never silently empty itself: an empty file, a file without a customer
 * row (header only), a file whose last line has no newline (cut while
 * being written), and wildcard keys ("*.contoso.example": a domain entry
 * already covers its subdomains).  Keys are stored in lookup form (see
 * addr.h: case, trailing dot, IDN A-labels).  On error *error_r is
 * "FILE:LINE: what" (owned by the directory, valid until the next call)
 * and the directory may hold some rows: discard it.
 */
int directory_load_csv(struct directory *dir, const char *path, const char **error_r);

/*
 * directory_load_csv_fd - the same from an open descriptor (read from a
 * duplicate; the offset is left moved), path naming it in errors; each byte
 * read is folded into *hash (FNV-1a) when hash is not NULL.
 */
int directory_load_csv_fd(struct directory *dir, int fd, const char *path, uint64_t *hash,
    const char **error_r);

/*
 * directory_lookup - the customer for an address in lookup form (addr.h),
 * or NULL: the exact address first, then its domain and each parent
 * domain.  Owned by the directory.
 */
const struct customer *directory_lookup(const struct directory *dir, const char *canon_addr);

size_t directory_count(const struct directory *dir);

#endif
