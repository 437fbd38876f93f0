/* example_store - the examples file (SQLite) and the in-memory LSH index */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "example_store.h"
#include "xalloc.h"

#define BUSY_TIMEOUT_MS 10000

static __thread struct strbuf example_error_buf;

/* example_error - format an error into the thread's buffer */
static const char *
example_error(const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&example_error_buf);
	va_start(ap, fmt);
	strbuf_vappendf(&example_error_buf, fmt, ap);
	va_end(ap);
	return example_error_buf.data;
}

/* ---- the store ---- */

struct example_store {
	sqlite3 *db;
	char *path;
};

static const char schema_sql[] =
	"CREATE TABLE examples ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" class TEXT NOT NULL,"
	" taught_by TEXT NOT NULL,"
	" taught_at TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" note TEXT NOT NULL DEFAULT '',"
	" signature BLOB NOT NULL,"
	" fp_version INTEGER NOT NULL);";

/* pragma_int - the value of PRAGMA name; -1 with *error_r */
static int
pragma_int(sqlite3 *db, const char *path, const char *name, long *value_r, const char **error_r)
{
	sqlite3_stmt *stmt;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		*error_r = example_error("%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		*error_r = example_error("%s: %s", path, sqlite3_errmsg(db));
		sqlite3_finalize(stmt);
		return -1;
	}
	*value_r = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/*
 * check_file - ours, and of the schema this build reads.  With create, an
 * empty database (a file just made) gets the schema.
 */
static int
check_file(sqlite3 *db, const char *path, int create, const char **error_r)
{
	long app, version, pages;
	char *msg = NULL;
	char sql[256];

	if (pragma_int(db, path, "application_id", &app, error_r) < 0 ||
	    pragma_int(db, path, "user_version", &version, error_r) < 0 ||
	    pragma_int(db, path, "page_count", &pages, error_r) < 0)
		return -1;
	if (create && app == 0 && version == 0 && pages == 0) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
			goto fail;
		/* Another learner may have made it meanwhile. */
		if (pragma_int(db, path, "application_id", &app, error_r) < 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (app == 0) {
			snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d;",
			    EXAMPLE_STORE_APP_ID, EXAMPLE_STORE_SCHEMA);
			if (sqlite3_exec(db, schema_sql, NULL, NULL, &msg) != SQLITE_OK ||
			    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
				goto fail;
			}
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
			goto fail;
		return 0;
	}
	if (app != EXAMPLE_STORE_APP_ID) {
		*error_r = example_error("%s: not a csp-milter examples file", path);
		return -1;
	}
	if (version != EXAMPLE_STORE_SCHEMA) {
		*error_r = example_error("%s: examples file version %ld; this csp-milter reads "
		    "version %d", path, version, EXAMPLE_STORE_SCHEMA);
		return -1;
	}
	return 0;
fail:
	*error_r = example_error("%s: %s", path, msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

/* example_store_open - read-write, for the commands */
struct example_store *
example_store_open(const char *path, int create, const char **error_r)
{
	struct example_store *st;
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		*error_r = example_error("%s: cannot open examples file: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : strerror(errno));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (check_file(db, path, create, error_r) < 0) {
		sqlite3_close(db);
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->db = db;
	st->path = xstrdup(path);
	return st;
}

/* example_store_close - close and free */
void
example_store_close(struct example_store **stp)
{
	struct example_store *st = *stp;

	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st->path);
	free(st);
	*stp = NULL;
}

/* exec - one statement without rows */
static int
exec(struct example_store *st, const char *sql, const char **error_r)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*error_r = example_error("%s: %s", st->path, msg != NULL ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* example_store_begin - a write transaction, taken at once (waits for another writer) */
int
example_store_begin(struct example_store *st, const char **error_r)
{
	return exec(st, "BEGIN IMMEDIATE", error_r);
}

/* example_store_commit - end the transaction */
int
example_store_commit(struct example_store *st, const char **error_r)
{
	return exec(st, "COMMIT", error_r);
}

/* example_store_rollback - drop the transaction */
void
example_store_rollback(struct example_store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* example_store_add - insert one example */
int
example_store_add(struct example_store *st, const struct example_info *info,
    const struct fingerprint *fp, int64_t *id_r, const char **error_r)
{
	static const char sql[] = "INSERT INTO examples (class, taught_by, taught_at, source, note, "
	    "signature, fp_version) VALUES (?, ?, ?, ?, ?, ?, ?)";
	unsigned char blob[FINGERPRINT_BYTES];
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	sqlite3_stmt *stmt;
	int rc;

	if (info->taught_at == NULL) {
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	fingerprint_encode(fp, blob);
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		*error_r = example_error("%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_bind_text(stmt, 1, csp_class_name(info->class), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, info->taught_by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, info->taught_at != NULL ? info->taught_at : now, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, info->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, info->note != NULL ? info->note : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 6, blob, (int)sizeof(blob), SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 7, FINGERPRINT_VERSION);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		*error_r = example_error("%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	*id_r = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* example_store_forget - delete by id */
int
example_store_forget(struct example_store *st, int64_t id, const char **error_r)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "DELETE FROM examples WHERE id = ?", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		*error_r = example_error("%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		*error_r = example_error("%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

/* column_text - a text column, "" for NULL */
static const char *
column_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);

	return t != NULL ? (const char *)t : "";
}

/*
 * read_rows - every row of db in id order: fn gets the info and the
 * fingerprint; a row this build cannot read is an error naming it.
 */
typedef void row_fn(void *ctx, const struct example_info *info, const struct fingerprint *fp);

static int
read_rows(sqlite3 *db, const char *path, row_fn *fn, void *ctx, const char **error_r)
{
	static const char sql[] = "SELECT id, class, taught_by, taught_at, source, note, signature, "
	    "fp_version FROM examples ORDER BY id";
	struct example_info info;
	struct fingerprint fp;
	sqlite3_stmt *stmt;
	int rc, cls;
	long version;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		*error_r = example_error("%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&info, 0, sizeof(info));
		info.id = sqlite3_column_int64(stmt, 0);
		if (info.id < 1 || info.id > (int64_t)UINT32_MAX) {
			*error_r = example_error("%s: example id %lld out of range (1 to %lu)", path,
			    (long long)info.id, (unsigned long)UINT32_MAX);
			goto fail;
		}
		if ((cls = csp_class_parse(column_text(stmt, 1), 1)) < 0) {
			*error_r = example_error("%s: example %lld: unknown class \"%s\"", path,
			    (long long)info.id, column_text(stmt, 1));
			goto fail;
		}
		info.class = (enum csp_class)cls;
		info.taught_by = column_text(stmt, 2);
		info.taught_at = column_text(stmt, 3);
		info.source = column_text(stmt, 4);
		info.note = column_text(stmt, 5);
		version = (long)sqlite3_column_int64(stmt, 7);
		if (version != FINGERPRINT_VERSION) {
			*error_r = example_error("%s: example %lld has fingerprint version %ld; this "
			    "csp-milter makes version %d (forget it and teach it again)", path,
			    (long long)info.id, version, FINGERPRINT_VERSION);
			goto fail;
		}
		if (fingerprint_decode(sqlite3_column_blob(stmt, 6),
		    (size_t)sqlite3_column_bytes(stmt, 6), &fp) < 0) {
			*error_r = example_error("%s: example %lld: a signature of %d bytes, not %d",
			    path, (long long)info.id, sqlite3_column_bytes(stmt, 6), FINGERPRINT_BYTES);
			goto fail;
		}
		fn(ctx, &info, &fp);
	}
	if (rc != SQLITE_DONE) {
		*error_r = example_error("%s: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_finalize(stmt);
	return 0;
fail:
	sqlite3_finalize(stmt);
	return -1;
}

struct list_ctx {
	example_list_fn *fn;
	void *ctx;
};

/* list_row - read_rows to example_list_fn */
static void
list_row(void *ctx, const struct example_info *info, const struct fingerprint *fp)
{
	struct list_ctx *lc = ctx;

	(void)fp;
	lc->fn(lc->ctx, info);
}

/* example_store_list - every example, in id order */
int
example_store_list(struct example_store *st, example_list_fn *fn, void *ctx, const char **error_r)
{
	struct list_ctx lc = { fn, ctx };

	return read_rows(st->db, st->path, list_row, &lc, error_r);
}

/* ---- the index ---- */

/* One example in memory: 144 bytes. */
struct example_entry {
	uint16_t bin[FINGERPRINT_BINS];
	uint32_t id;		/* ids past 2^32 - 1 are refused at load */
	uint32_t by;		/* offset of taught_by in the string pool */
	uint32_t at;		/* offset of the date (YYYY-MM-DD) in the string pool */
	uint8_t class;
};

/* A band's entry while it is sorted. */
struct band_sort {
	uint32_t key;
	uint32_t slot;
};

/*
 * Each band: its entries sorted by key, as two arrays (the key's low 16
 * bits, the slot), under a directory on the key's top dir_bits bits
 * (about four entries a bucket): 7 bytes an example and band.
 */
struct example_index {
	double min_similarity;
	int min_agreement;
	int bands, rows;
	struct example_entry *entries;
	size_t count, cap;
	struct strbuf pool;	/* interned strings, NUL-terminated */
	uint32_t *intern;	/* open addressing over pool offsets + 1; 0 empty */
	size_t intern_cap, intern_used;
	unsigned dir_bits;
	uint16_t *band_lo;	/* bands x count */
	uint32_t *band_slot;	/* bands x count */
	uint32_t *dir;		/* bands x (2^dir_bits + 1) */
	int sealed;
};

/* example_index_candidate_p - 1 - (1 - s^r)^b */
double
example_index_candidate_p(double s, int bands, int rows)
{
	return 1.0 - pow(1.0 - pow(s, rows), bands);
}

/* example_index_new - empty; banding chosen for min_similarity */
struct example_index *
example_index_new(double min_similarity)
{
	struct example_index *ix = xcalloc(1, sizeof(*ix));
	int r;

	ix->min_similarity = min_similarity;
	ix->min_agreement = (int)ceil(min_similarity * FINGERPRINT_BINS - 1e-9);
	/* The most rows a band can have and still find s with probability 0.98. */
	ix->rows = 1;
	for (r = FINGERPRINT_BINS; r >= 1; r--)
		if (example_index_candidate_p(min_similarity, FINGERPRINT_BINS / r, r) >=
		    EXAMPLE_CANDIDATE_P) {
			ix->rows = r;
			break;
		}
	ix->bands = FINGERPRINT_BINS / ix->rows;
	return ix;
}

/* str_hash - FNV-1a */
static uint32_t
str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* intern - one copy of each string in the pool; its offset */
static uint32_t
intern(struct example_index *ix, const char *s)
{
	size_t i, mask;
	uint32_t off, *old;
	size_t old_cap;

	if (ix->intern_used * 2 >= ix->intern_cap) {
		old = ix->intern;
		old_cap = ix->intern_cap;
		ix->intern_cap = old_cap ? old_cap * 2 : 64;
		ix->intern = xcalloc(ix->intern_cap, sizeof(*ix->intern));
		for (i = 0; i < old_cap; i++)
			if (old[i] != 0) {
				size_t j = str_hash(ix->pool.data + old[i] - 1) & (ix->intern_cap - 1);

				while (ix->intern[j] != 0)
					j = (j + 1) & (ix->intern_cap - 1);
				ix->intern[j] = old[i];
			}
		free(old);
	}
	mask = ix->intern_cap - 1;
	for (i = str_hash(s) & mask; ix->intern[i] != 0; i = (i + 1) & mask)
		if (strcmp(ix->pool.data + ix->intern[i] - 1, s) == 0)
			return ix->intern[i] - 1;
	off = (uint32_t)ix->pool.len;
	strbuf_append_str(&ix->pool, s);
	strbuf_append_char(&ix->pool, '\0');
	ix->intern[i] = off + 1;
	ix->intern_used++;
	return off;
}

/* example_index_add - copy one example in */
void
example_index_add(struct example_index *ix, const struct example_info *info,
    const struct fingerprint *fp)
{
	struct example_entry *e;
	char date[11];

	if (ix->count == ix->cap) {
		ix->cap = ix->cap ? ix->cap * 2 : 64;
		ix->entries = xreallocarray(ix->entries, ix->cap, sizeof(*ix->entries));
	}
	e = &ix->entries[ix->count++];
	memcpy(e->bin, fp->bin, sizeof(e->bin));
	e->id = (uint32_t)info->id;
	e->class = (uint8_t)info->class;
	e->by = intern(ix, info->taught_by != NULL ? info->taught_by : "");
	/* The day is what a reader is told; the time stays in the file. */
	snprintf(date, sizeof(date), "%.10s", info->taught_at != NULL ? info->taught_at : "");
	e->at = intern(ix, date);
}

/* band_key - the hash of band k's bins */
static inline uint32_t
band_key(const struct example_index *ix, const uint16_t *bin, int k)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL * (uint64_t)(k + 1);
	int i;

	for (i = k * ix->rows; i < (k + 1) * ix->rows; i++) {
		h = (h ^ bin[i]) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(h >> 32);
}

/* cmp_band - by key, then slot */
static int
cmp_band(const void *a, const void *b)
{
	const struct band_sort *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* example_index_seal - sort each band and build its directory */
void
example_index_seal(struct example_index *ix)
{
	size_t n = ix->count, dsize, i;
	struct band_sort *tmp;
	int k;

	/* Read-only from now on: give back what doubling reserved. */
	if (n > 0 && ix->cap > n) {
		ix->entries = xreallocarray(ix->entries, n, sizeof(*ix->entries));
		ix->cap = n;
	}
	ix->dir_bits = 4;
	while ((1UL << ix->dir_bits) < n / 4 && ix->dir_bits < 16)
		ix->dir_bits++;
	dsize = ((size_t)1 << ix->dir_bits) + 1;
	ix->band_lo = xreallocarray(NULL, n ? n * (size_t)ix->bands : 1, sizeof(*ix->band_lo));
	ix->band_slot = xreallocarray(NULL, n ? n * (size_t)ix->bands : 1, sizeof(*ix->band_slot));
	ix->dir = xcalloc(dsize * (size_t)ix->bands, sizeof(*ix->dir));
	tmp = xreallocarray(NULL, n ? n : 1, sizeof(*tmp));
	for (k = 0; k < ix->bands; k++) {
		uint16_t *lo = ix->band_lo + (size_t)k * n;
		uint32_t *slot = ix->band_slot + (size_t)k * n;
		uint32_t *d = ix->dir + (size_t)k * dsize;
		size_t j = 0;
		uint32_t top;

		for (i = 0; i < n; i++) {
			tmp[i].key = band_key(ix, ix->entries[i].bin, k);
			tmp[i].slot = (uint32_t)i;
		}
		qsort(tmp, n, sizeof(*tmp), cmp_band);
		for (i = 0; i < n; i++) {
			lo[i] = (uint16_t)tmp[i].key;
			slot[i] = tmp[i].slot;
		}
		/* d[top] = the first entry whose key's top bits are >= top */
		for (top = 0; top < dsize - 1; top++) {
			while (j < n && (tmp[j].key >> (32 - ix->dir_bits)) < top)
				j++;
			d[top] = (uint32_t)j;
		}
		d[dsize - 1] = (uint32_t)n;
	}
	free(tmp);
	ix->sealed = 1;
}

/* example_index_free - free it all */
void
example_index_free(struct example_index **ixp)
{
	struct example_index *ix = *ixp;

	if (ix == NULL)
		return;
	free(ix->entries);
	free(ix->intern);
	free(ix->band_lo);
	free(ix->band_slot);
	free(ix->dir);
	strbuf_release(&ix->pool);
	free(ix);
	*ixp = NULL;
}

/* load_row - read_rows into the index */
static void
load_row(void *ctx, const struct example_info *info, const struct fingerprint *fp)
{
	example_index_add(ctx, info, fp);
}

/* example_index_load - the file, read-only, into a sealed index */
struct example_index *
example_index_load(const char *path, double min_similarity, int *missing_r, const char **error_r)
{
	struct example_index *ix;
	struct stat sb;
	sqlite3 *db = NULL;

	*missing_r = 0;
	if (stat(path, &sb) < 0 && errno == ENOENT) {
		*missing_r = 1;
		ix = example_index_new(min_similarity);
		example_index_seal(ix);
		return ix;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		*error_r = example_error("%s: cannot open examples file: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : strerror(errno));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	ix = example_index_new(min_similarity);
	if (check_file(db, path, 0, error_r) < 0 || read_rows(db, path, load_row, ix, error_r) < 0) {
		sqlite3_close(db);
		example_index_free(&ix);
		return NULL;
	}
	sqlite3_close(db);
	example_index_seal(ix);
	return ix;
}

/* example_index_count - examples held */
size_t
example_index_count(const struct example_index *ix)
{
	return ix->count;
}

/* example_index_hash - what the examples are, for the config's version */
uint64_t
example_index_hash(const struct example_index *ix)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;
	int b;

	for (i = 0; i < ix->count; i++) {
		const struct example_entry *e = &ix->entries[i];

		h = (h ^ (uint64_t)e->id) * 0x100000001b3ULL;
		h = (h ^ e->class) * 0x100000001b3ULL;
		for (b = 0; b < FINGERPRINT_BINS; b++)
			h = (h ^ e->bin[b]) * 0x100000001b3ULL;
	}
	return h;
}

/* example_index_bands - b and r */
void
example_index_bands(const struct example_index *ix, int *bands_r, int *rows_r)
{
	*bands_r = ix->bands;
	*rows_r = ix->rows;
}

/* example_index_min_agreement - the threshold in bins */
int
example_index_min_agreement(const struct example_index *ix)
{
	return ix->min_agreement;
}

/* agreement - bins equal in both */
static inline int
agreement(const uint16_t *a, const uint16_t *b)
{
	int i, n = 0;

	for (i = 0; i < FINGERPRINT_BINS; i++)
		n += a[i] == b[i];
	return n;
}

/*
 * seen_before - has this lookup verified slot already?  A close example
 * shares many bands with the message: verified once, not once a band.  Past
 * half the table's room, candidates are verified again (a correct result,
 * only slower).
 */
#define SEEN_SLOTS 512		/* power of two */
static inline int
seen_before(uint32_t *seen, size_t *n, uint32_t slot)
{
	size_t i = (slot * 2654435761u) & (SEEN_SLOTS - 1);

	for (; seen[i] != UINT32_MAX; i = (i + 1) & (SEEN_SLOTS - 1))
		if (seen[i] == slot)
			return 1;
	if (*n >= SEEN_SLOTS / 2)
		return 0;
	seen[i] = slot;
	(*n)++;
	return 0;
}

/* example_index_lookup - candidates by band, verified by agreement */
size_t
example_index_lookup(const struct example_index *ix, const struct fingerprint *fp,
    struct example_hit best[CLASS_COUNT])
{
	size_t n = ix->count, dsize = ((size_t)1 << ix->dir_bits) + 1, verified = 0, j, seen_n = 0;
	uint32_t seen[SEEN_SLOTS];
	int k, c, agree;

	for (c = 0; c < CLASS_COUNT; c++) {
		best[c].slot = EXAMPLE_NONE;
		best[c].agreement = 0;
	}
	if (n == 0 || fp->shingles == 0)
		return 0;
	memset(seen, 0xff, sizeof(seen));
	for (k = 0; k < ix->bands; k++) {
		const uint16_t *lo = ix->band_lo + (size_t)k * n;
		const uint32_t *slot = ix->band_slot + (size_t)k * n;
		const uint32_t *d = ix->dir + (size_t)k * dsize;
		uint32_t key = band_key(ix, fp->bin, k), top = key >> (32 - ix->dir_bits);

		for (j = d[top]; j < d[top + 1]; j++) {
			const struct example_entry *e;
			struct example_hit *h;

			if (lo[j] != (uint16_t)key || seen_before(seen, &seen_n, slot[j]))
				continue;
			e = &ix->entries[slot[j]];
			verified++;
			agree = agreement(fp->bin, e->bin);
			if (agree < ix->min_agreement)
				continue;
			h = &best[e->class];
			if (h->slot == EXAMPLE_NONE || agree > h->agreement ||
			    (agree == h->agreement && e->id < ix->entries[h->slot].id)) {
				h->slot = slot[j];
				h->agreement = agree;
			}
		}
	}
	return verified;
}

/* example_index_info - one slot's example */
void
example_index_info(const struct example_index *ix, uint32_t slot, struct example_info *info)
{
	const struct example_entry *e = &ix->entries[slot];

	memset(info, 0, sizeof(*info));
	info->id = e->id;
	info->class = (enum csp_class)e->class;
	info->taught_by = ix->pool.data + e->by;
	info->taught_at = ix->pool.data + e->at;
	info->source = "";
	info->note = "";
}

/* example_index_describe - one line, as --explain and --evaluate show it */
void
example_index_describe(const struct example_index *ix, uint32_t slot, double similarity,
    struct strbuf *sb)
{
	struct example_info info;
	char tmp[64];

	example_index_info(ix, slot, &info);
	snprintf(tmp, sizeof(tmp), "like example %lld, taught as ", (long long)info.id);
	strbuf_append_str(sb, tmp);
	strbuf_append_str(sb, csp_class_name(info.class));
	strbuf_append_str(sb, " by ");
	strbuf_append_str(sb, info.taught_by);
	if (*info.taught_at != '\0') {
		strbuf_append_str(sb, " on ");
		strbuf_append_str(sb, info.taught_at);
	}
	snprintf(tmp, sizeof(tmp), ", similarity %.2f", similarity);
	strbuf_append_str(sb, tmp);
}
