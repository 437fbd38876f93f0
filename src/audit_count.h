/* audit_count - string to counter hash table for audit aggregation */
#ifndef CSP_AUDIT_COUNT_H
#define CSP_AUDIT_COUNT_H

#include <stddef.h>
#include <stdint.h>

/*
 * An open-addressing table that maps byte strings (which may hold any
 * byte, NUL included) to 64-bit counters.  The table copies every key it
 * is given and owns the copies.  It is not thread-safe.
 */
struct audit_count;

struct audit_count_entry {
	char   *key;		/* NUL-terminated copy, owned by the table */
	size_t  len;
	uint64_t count;
	uint64_t hash;
};

struct audit_count *audit_count_new(void);
void	audit_count_free(struct audit_count **tp);
/* audit_count_add - add n to the counter of key, creating it at zero */
void	audit_count_add(struct audit_count *t, const char *key, size_t len,
	    uint64_t n);
/* audit_count_get - the counter of key, 0 when absent */
uint64_t audit_count_get(const struct audit_count *t, const char *key,
	    size_t len);
/* audit_count_merge - add every counter of src to dst */
void	audit_count_merge(struct audit_count *dst, const struct audit_count *src);
/* audit_count_size - number of distinct keys */
size_t	audit_count_size(const struct audit_count *t);

/*
 * audit_count_sorted - all entries, sorted by count (descending, ties by
 * key) or, with by_key set, by key alone.  The array belongs to the table
 * and stays valid until the next audit_count_add or audit_count_free;
 * it holds audit_count_size() entries followed by a NULL.
 */
const struct audit_count_entry *const *audit_count_sorted(
	    struct audit_count *t, int by_key);

#endif
