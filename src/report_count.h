/* report_count - string to counter hash table for audit aggregation */
#ifndef CSP_REPORT_COUNT_H
#define CSP_REPORT_COUNT_H

#include <stddef.h>
#include <stdint.h>

/*
 * An open-addressing table that maps byte strings (which may hold any
 * byte, NUL included) to 64-bit counters.  The table copies every key it
 * is given and owns the copies.  It is not thread-safe.
 */
struct report_count;

struct report_count_entry {
	char   *key;		/* NUL-terminated copy, owned by the table */
	size_t  len;
	uint64_t count;
	uint64_t hash;
	int64_t	first_us, last_us;	/* time range, from report_count_add_time */
	int	has_time;
};

struct report_count *report_count_new(void);
void	report_count_free(struct report_count **tp);
/* report_count_add - add n to the counter of key, creating it at zero */
void	report_count_add(struct report_count *t, const char *key, size_t len,
	    uint64_t n);
/*
 * report_count_add_time - add one to the counter of key and widen its time
 * range to include us (microseconds since the epoch)
 */
void	report_count_add_time(struct report_count *t, const char *key,
	    size_t len, int64_t us);
/* report_count_get - the counter of key, 0 when absent */
uint64_t report_count_get(const struct report_count *t, const char *key,
	    size_t len);
/* report_count_merge - add every counter (and time range) of src to dst */
void	report_count_merge(struct report_count *dst, const struct report_count *src);
/* report_count_size - number of distinct keys */
size_t	report_count_size(const struct report_count *t);

/*
 * report_count_sorted - all entries, sorted by count (descending, ties by
 * key) or, with by_key set, by key alone.  The array belongs to the table
 * and stays valid until the next report_count_add or report_count_free;
 * it holds report_count_size() entries followed by a NULL.
 */
const struct report_count_entry *const *report_count_sorted(
	    struct report_count *t, int by_key);

#endif
