/* example_store - template memory: the examples file (SQLite) and its in-memory index */
#ifndef CSP_EXAMPLE_STORE_H
#define CSP_EXAMPLE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "classify.h"
#include "fingerprint.h"
#include "strbuf.h"

/*
 * Two halves.  The store is the SQLite file that --learn, --forget and
 * --examples read and write:
 *
 *   examples(id INTEGER PRIMARY KEY AUTOINCREMENT (never reused), class TEXT, taught_by TEXT,
 *            taught_at TEXT (ISO 8601 UTC), source TEXT, note TEXT,
 *            signature BLOB (fingerprint_encode), fp_version INTEGER)
 *
 * with PRAGMA application_id EXAMPLE_STORE_APP_ID and user_version
 * EXAMPLE_STORE_SCHEMA.  Every write is one transaction (a busy file is
 * waited for, up to 10 s), so concurrent learners are safe.
 *
 * The index is what the classifier reads: built once from the file
 * (opened read-only, then closed: no SQLite on the message path) or by
 * hand (--evaluate --teach-first-per-template), then sealed, then
 * immutable and shared by every thread (it hangs off the conf snapshot).
 * LSH banding over the fingerprint's bins: b bands of r bins, r the
 * largest for which two messages of Jaccard similarity min_similarity
 * share a band with probability at least 0.98 (1 - (1 - s^r)^b, b =
 * FINGERPRINT_BINS / r); every candidate is verified by its bin agreement
 * against min_similarity.  Per band, a sorted array of (band key, example)
 * under a directory on the key's top bits.  About 270 bytes an example at
 * min_similarity 0.7 (r 4, 16 bands).
 *
 * Errors go out as "FILE: what" through *error_r (a per-thread buffer,
 * valid until the next call in the thread).
 */
#define EXAMPLE_STORE_APP_ID 0x43535045	/* "CSPE" */
#define EXAMPLE_STORE_SCHEMA 1
#define EXAMPLE_CANDIDATE_P 0.98

/* One example as listed. */
struct example_info {
	int64_t id;
	enum csp_class class;
	const char *taught_by;
	const char *taught_at;	/* ISO 8601 UTC, "2026-12-01T09:30:00Z" */
	const char *source;	/* a file name or a queue ID */
	const char *note;	/* "" when none */
};

/* ---- the store (read-write, the commands only) ---- */
struct example_store;

/* example_store_open - open (create: make it if missing) the examples file; NULL with *error_r */
struct example_store *example_store_open(const char *path, int create, const char **error_r);
void example_store_close(struct example_store **st);

/* example_store_begin, example_store_commit - one transaction around several adds; 0 or -1 */
int example_store_begin(struct example_store *st, const char **error_r);
int example_store_commit(struct example_store *st, const char **error_r);
void example_store_rollback(struct example_store *st);

/* example_store_add - a new example (taught_at now); its id in *id_r; 0 or -1 */
int example_store_add(struct example_store *st, const struct example_info *info,
    const struct fingerprint *fp, int64_t *id_r, const char **error_r);

/* example_store_forget - remove example id: 1 removed, 0 no such example, -1 error */
int example_store_forget(struct example_store *st, int64_t id, const char **error_r);

/* example_store_list - fn for each example in id order (strings valid during the call); 0 or -1 */
typedef void example_list_fn(void *ctx, const struct example_info *info);
int example_store_list(struct example_store *st, example_list_fn *fn, void *ctx,
    const char **error_r);

/* ---- the index (read-only once sealed, shared) ---- */
struct example_index;

/* example_index_new - an empty index matching at min_similarity (0.5 .. 1) */
struct example_index *example_index_new(double min_similarity);
/* example_index_add - one example (strings copied); before example_index_seal only */
void example_index_add(struct example_index *ix, const struct example_info *info,
    const struct fingerprint *fp);
/* example_index_seal - build the bands; after it, only reads */
void example_index_seal(struct example_index *ix);
void example_index_free(struct example_index **ix);

/*
 * example_index_load - every example of the file, sealed.  A missing file
 * is an empty index (*missing_r set: the caller warns; --learn makes it);
 * an unreadable or corrupt file, another schema or fingerprint version is
 * an error, NULL with *error_r "FILE: what".
 */
struct example_index *example_index_load(const char *path, double min_similarity,
    int *missing_r, const char **error_r);

size_t example_index_count(const struct example_index *ix);
/* example_index_hash - FNV-1a over every example's id, class and bins (the config version) */
uint64_t example_index_hash(const struct example_index *ix);
/* example_index_bands - the banding chosen: b bands of r bins */
void example_index_bands(const struct example_index *ix, int *bands_r, int *rows_r);
/* example_index_min_agreement - bins that must agree for min_similarity */
int example_index_min_agreement(const struct example_index *ix);

/* The best example of one class for a message. */
struct example_hit {
	uint32_t slot;		/* EXAMPLE_NONE: no example of the class matched */
	int agreement;		/* bins */
};
#define EXAMPLE_NONE UINT32_MAX

/*
 * example_index_lookup - for each class, the example at or above
 * min_similarity that agrees best with fp (ties: the lowest id); returns
 * the number of candidates verified.  Thread-safe, no allocation.
 */
size_t example_index_lookup(const struct example_index *ix, const struct fingerprint *fp,
    struct example_hit best[CLASS_COUNT]);

/* example_index_info - the example in a slot (strings owned by the index) */
void example_index_info(const struct example_index *ix, uint32_t slot, struct example_info *info);

/* example_index_describe - "like example 12, taught as subscription by ops on 2026-12-01, similarity 0.86" */
void example_index_describe(const struct example_index *ix, uint32_t slot, double similarity,
    struct strbuf *sb);

/* example_index_candidate_p - probability that Jaccard s shares a band under b bands of r */
double example_index_candidate_p(double s, int bands, int rows);

#endif
