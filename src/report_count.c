/* report_count - string to counter hash table for audit aggregation */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "report_count.h"

struct report_count {
	struct report_count_entry *slots;	/* key == NULL: empty */
	size_t	cap;				/* power of two */
	size_t	used;
	const struct report_count_entry **sorted;
	int	sorted_valid;
	int	sorted_by_key;
};

/* report_count_hash - FNV-1a, 64 bit */
static uint64_t
report_count_hash(const char *key, size_t len)
{
	const unsigned char *p = (const unsigned char *)key;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* report_count_new - create an empty table */
struct report_count *
report_count_new(void)
{
	struct report_count *t;

	t = xcalloc(1, sizeof(*t));
	t->cap = 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	return t;
}

/* report_count_free - release the table and its keys, clear the pointer */
void
report_count_free(struct report_count **tp)
{
	struct report_count *t = *tp;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->cap; i++)
		free(t->slots[i].key);
	free(t->slots);
	free(t->sorted);
	free(t);
	*tp = NULL;
}

/* report_count_find - the slot holding key, or the empty slot for it */
static struct report_count_entry *
report_count_find(const struct report_count *t, const char *key, size_t len,
    uint64_t h)
{
	size_t mask = t->cap - 1, i = (size_t)h & mask;
	struct report_count_entry *e;

	for (;;) {
		e = &t->slots[i];
		if (e->key == NULL)
			return e;
		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0)
			return e;
		i = (i + 1) & mask;
	}
}

/* report_count_grow - double the table and rehash */
static void
report_count_grow(struct report_count *t)
{
	struct report_count_entry *old = t->slots, *e;
	size_t oldcap = t->cap, i;

	t->cap *= 2;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		e = report_count_find(t, old[i].key, old[i].len, old[i].hash);
		*e = old[i];
	}
	free(old);
}

/* report_count_entry - the entry of key, created at zero */
static struct report_count_entry *
report_count_entry(struct report_count *t, const char *key, size_t len)
{
	uint64_t h = report_count_hash(key, len);
	struct report_count_entry *e;

	e = report_count_find(t, key, len, h);
	if (e->key == NULL) {
		if ((t->used + 1) * 4 > t->cap * 3) {
			report_count_grow(t);
			e = report_count_find(t, key, len, h);
		}
		e->key = xmalloc(len + 1);
		memcpy(e->key, key, len);
		e->key[len] = '\0';
		e->len = len;
		e->hash = h;
		e->count = 0;
		e->has_time = 0;
		t->used++;
		t->sorted_valid = 0;
	}
	if (t->sorted_valid && !t->sorted_by_key)
		t->sorted_valid = 0;
	return e;
}

/* report_count_widen - widen the time range of e to [first, last] */
static void
report_count_widen(struct report_count_entry *e, int64_t first, int64_t last)
{
	if (!e->has_time || first < e->first_us)
		e->first_us = first;
	if (!e->has_time || last > e->last_us)
		e->last_us = last;
	e->has_time = 1;
}

/* report_count_add - add n to the counter of key */
void
report_count_add(struct report_count *t, const char *key, size_t len, uint64_t n)
{
	report_count_entry(t, key, len)->count += n;
}

/* report_count_add_time - count key once, at time us */
void
report_count_add_time(struct report_count *t, const char *key, size_t len,
    int64_t us)
{
	struct report_count_entry *e = report_count_entry(t, key, len);

	e->count++;
	report_count_widen(e, us, us);
}

/* report_count_get - the counter of key, 0 when absent */
uint64_t
report_count_get(const struct report_count *t, const char *key, size_t len)
{
	const struct report_count_entry *e;

	e = report_count_find(t, key, len, report_count_hash(key, len));
	return e->key == NULL ? 0 : e->count;
}

/* report_count_merge - add every counter of src to dst */
void
report_count_merge(struct report_count *dst, const struct report_count *src)
{
	const struct report_count_entry *e;
	struct report_count_entry *d;
	size_t i;

	for (i = 0; i < src->cap; i++) {
		e = &src->slots[i];
		if (e->key == NULL)
			continue;
		d = report_count_entry(dst, e->key, e->len);
		d->count += e->count;
		if (e->has_time)
			report_count_widen(d, e->first_us, e->last_us);
	}
}

/* report_count_size - number of distinct keys */
size_t
report_count_size(const struct report_count *t)
{
	return t->used;
}

/* report_count_cmp_key - order entries by key bytes */
static int
report_count_cmp_key(const void *a, const void *b)
{
	const struct report_count_entry *x = *(const struct report_count_entry *const *)a;
	const struct report_count_entry *y = *(const struct report_count_entry *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if ((c = memcmp(x->key, y->key, n)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* report_count_cmp_count - order entries by count descending, then key */
static int
report_count_cmp_count(const void *a, const void *b)
{
	const struct report_count_entry *x = *(const struct report_count_entry *const *)a;
	const struct report_count_entry *y = *(const struct report_count_entry *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return report_count_cmp_key(a, b);
}

/* report_count_sorted - all entries in a stable, documented order */
const struct report_count_entry *const *
report_count_sorted(struct report_count *t, int by_key)
{
	size_t i, n = 0;

	if (t->sorted_valid && t->sorted_by_key == by_key)
		return t->sorted;
	free(t->sorted);
	t->sorted = xcalloc(t->used + 1, sizeof(*t->sorted));
	for (i = 0; i < t->cap; i++)
		if (t->slots[i].key != NULL)
			t->sorted[n++] = &t->slots[i];
	qsort(t->sorted, n, sizeof(*t->sorted),
	    by_key ? report_count_cmp_key : report_count_cmp_count);
	t->sorted_valid = 1;
	t->sorted_by_key = by_key;
	return t->sorted;
}
