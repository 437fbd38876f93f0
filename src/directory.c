/* directory - the customer directory */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "directory.h"
#include "strbuf.h"
#include "xalloc.h"

/* Strings live in large blocks that are freed together. */
struct str_block {
	struct str_block *next;
	size_t used, cap;
	char data[];
};

/* A slot of the hash table: a tag of the hash and the entry's index + 1 (0: empty). */
struct dir_slot {
	uint32_t tag;
	uint32_t index;
};

struct dir_entry {
	struct customer cust;
	const char *file;	/* where it was defined, shared by the rows of a file */
	unsigned long line;	/* 0 for inline entries (file then says it all) */
};

struct directory {
	struct dir_slot *slots;
	size_t mask;		/* slots - 1; a power of two minus one */
	struct dir_entry *entries;
	size_t count, cap;
	struct str_block *blocks;
	/* A few partner mailboxes serve many customers: store each once. */
	const char **partners;
	size_t partner_mask, partner_count;
	struct strbuf error;
	struct strbuf key;	/* scratch: a key in lookup form */
};

#define DIR_BLOCK_SIZE (1u << 20)

/* directory_new - empty directory */
struct directory *
directory_new(void)
{
	struct directory *dir = xcalloc(1, sizeof(*dir));

	dir->mask = 63;
	dir->partner_mask = 63;
	dir->slots = xcalloc(dir->mask + 1, sizeof(*dir->slots));
	dir->partners = xcalloc(dir->partner_mask + 1, sizeof(*dir->partners));
	return dir;
}

/* directory_free - release everything */
void
directory_free(struct directory **dirp)
{
	struct directory *dir = *dirp;
	struct str_block *b, *next;

	if (dir == NULL)
		return;
	for (b = dir->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	strbuf_release(&dir->error);
	strbuf_release(&dir->key);
	free(dir->slots);
	free(dir->entries);
	free(dir->partners);
	free(dir);
	*dirp = NULL;
}

/* dir_strdup - copy a string into the block store, lower-cased if asked */
static const char *
dir_strdup(struct directory *dir, const char *s, int lower)
{
	size_t len = strlen(s) + 1, i;
	struct str_block *b = dir->blocks;
	char *p;

	if (b == NULL || b->cap - b->used < len) {
		size_t cap = len > DIR_BLOCK_SIZE ? len : DIR_BLOCK_SIZE;

		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = dir->blocks;
		dir->blocks = b;
	}
	p = b->data + b->used;
	b->used += len;
	for (i = 0; i < len; i++)
		p[i] = lower ? (char)tolower((unsigned char)s[i]) : s[i];
	return p;
}

/* dir_hash - FNV-1a over a lower-cased key */
static uint64_t
dir_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

/* key_equal - case-insensitive compare of a stored (lower-case) key */
static int
key_equal(const char *stored, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (stored[i] != (char)tolower((unsigned char)s[i]))
			return 0;
	return stored[len] == '\0';
}

/* dir_find - slot for key: the matching entry's or the empty one to fill */
static struct dir_slot *
dir_find(const struct directory *dir, const char *key, size_t len, uint64_t h)
{
	uint32_t tag = (uint32_t)(h >> 32);
	size_t i = (size_t)h & dir->mask;

	for (;;) {
		struct dir_slot *slot = &dir->slots[i];

		if (slot->index == 0 || (slot->tag == tag &&
		    key_equal(dir->entries[slot->index - 1].cust.key, key, len)))
			return slot;
		i = (i + 1) & dir->mask;
	}
}

/* dir_reserve - room for rows more entries without growing; rehashes; -1 past 2^32 - 2 rows */
static int
dir_reserve(struct directory *dir, size_t rows)
{
	size_t want = dir->count + rows, size = dir->mask + 1, i;
	struct dir_slot *old = dir->slots;
	struct dir_entry *e;

	if (want > 0xfffffffeu)
		return -1;
	if (want > dir->cap) {
		size_t cap = dir->cap ? dir->cap : 64;

		while (cap < want)
			cap *= 2;
		e = xreallocarray(dir->entries, cap, sizeof(*e));
		dir->entries = e;
		dir->cap = cap;
	}
	if (want * 2 <= size)
		return 0;
	while (want * 2 > size)
		size *= 2;
	dir->slots = xcalloc(size, sizeof(*dir->slots));
	dir->mask = size - 1;
	for (i = 0; i < dir->count; i++) {
		const char *key = dir->entries[i].cust.key;
		uint64_t h = dir_hash(key, strlen(key));
		struct dir_slot *slot = &dir->slots[(size_t)h & dir->mask];

		while (slot->index != 0)
			slot = (slot == &dir->slots[dir->mask]) ? dir->slots : slot + 1;
		slot->tag = (uint32_t)(h >> 32);
		slot->index = (uint32_t)i + 1;
	}
	free(old);
	return 0;
}

/* dir_partner - the one stored copy of a partner mailbox */
static const char *
dir_partner(struct directory *dir, const char *partner)
{
	size_t len = strlen(partner), i;
	uint64_t h = dir_hash(partner, len);
	const char **p;

	if ((dir->partner_count + 1) * 2 > dir->partner_mask + 1) {
		size_t size = (dir->partner_mask + 1) * 2;
		const char **fresh = xcalloc(size, sizeof(*fresh));

		for (i = 0; i <= dir->partner_mask; i++) {
			if (dir->partners[i] == NULL)
				continue;
			p = &fresh[(size_t)dir_hash(dir->partners[i], strlen(dir->partners[i])) & (size - 1)];
			while (*p != NULL)
				p = (p == &fresh[size - 1]) ? fresh : p + 1;
			*p = dir->partners[i];
		}
		free(dir->partners);
		dir->partners = fresh;
		dir->partner_mask = size - 1;
	}
	p = &dir->partners[(size_t)h & dir->partner_mask];
	while (*p != NULL) {
		if (key_equal(*p, partner, len))
			return *p;
		p = (p == &dir->partners[dir->partner_mask]) ? dir->partners : p + 1;
	}
	*p = dir_strdup(dir, partner, 1);
	dir->partner_count++;
	return *p;
}

/* dir_error - format an error into the directory's buffer */
static int
dir_error(struct directory *dir, const char **error_r, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&dir->error);
	va_start(ap, fmt);
	strbuf_vappendf(&dir->error, fmt, ap);
	va_end(ap);
	*error_r = dir->error.data;
	return -1;
}

/* valid_key - a domain or an address: no blanks, no controls, at most one '@' */
static int
valid_key(const char *s)
{
	const char *p;
	int ats = 0;

	if (*s == '\0' || *s == '@' || *s == '.')
		return 0;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',')
			return 0;
		if (*p == '@')
			ats++;
	}
	return ats <= 1 && p[-1] != '@' && p[-1] != '.';
}

/* plain_key - ASCII and no trailing dot: already in lookup form but for case */
static int
plain_key(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (*p >= 0x80)
			return 0;
	return p == (const unsigned char *)s || p[-1] != '.';
}

/* where_of - ":LINE" for errors about a file row, "" for inline entries */
static const char *
where_of(char *buf, size_t size, unsigned long line)
{
	if (line == 0)
		return "";
	snprintf(buf, size, ":%lu", line);
	return buf;
}

/* dir_add - one entry defined at file (line, or 0 when file names the place) */
static int
dir_add(struct directory *dir, const char *recipient, const char *customer_id,
    const char *partner, int csp, int direct, const char *file, unsigned long line,
    const char **error_r)
{
	const char *at = strrchr(recipient, '@'), *given = recipient;
	size_t len;
	uint64_t h;
	struct dir_slot *slot;
	struct dir_entry *e;
	char w[32];

	/* The place is formatted only for an error: most rows never need it. */
	if (strchr(recipient, '*') != NULL)
		return dir_error(dir, error_r, "%s%s: wildcard recipient \"%s\" is not supported: "
		    "a domain entry already covers every subdomain of it, so write the parent domain "
		    "(\"%s\")", file, where_of(w, sizeof(w), line), recipient,
		    strncmp(recipient, "*.", 2) == 0 ? recipient + 2 : "the domain");
	/* The lookup form: one spelling per domain (case, trailing dot, IDN labels). */
	strbuf_reset(&dir->key);
	if (plain_key(recipient)) {
		/* ASCII without a trailing dot: dir_strdup lower-cases it, nothing else to do. */
		strbuf_append_str(&dir->key, recipient);
	} else if (at != NULL) {
		strbuf_append(&dir->key, recipient, (size_t)(at - recipient + 1));
		if (addr_domain_canon(at + 1, strlen(at + 1), 0, &dir->error) == 0)
			strbuf_append(&dir->key, dir->error.data, dir->error.len);
	} else if (addr_domain_canon(recipient, strlen(recipient), 0, &dir->error) == 0)
		strbuf_append(&dir->key, dir->error.data, dir->error.len);
	strbuf_reset(&dir->error);
	recipient = dir->key.data != NULL ? dir->key.data : "";
	len = strlen(recipient);
	if (!valid_key(recipient))
		return dir_error(dir, error_r, "%s%s: invalid recipient \"%s\": expected a domain or an address",
		    file, where_of(w, sizeof(w), line), given);
	if (*customer_id == '\0')
		return dir_error(dir, error_r, "%s%s: empty customer_id for \"%s\"", file,
		    where_of(w, sizeof(w), line), given);
	if (csp && *partner == '\0')
		return dir_error(dir, error_r, "%s%s: CSP customer \"%s\" has no partner mailbox to reroute to",
		    file, where_of(w, sizeof(w), line), given);
	if (*partner != '\0' && (strchr(partner, '@') == NULL || !valid_key(partner)))
		return dir_error(dir, error_r, "%s%s: invalid partner mailbox \"%s\"", file,
		    where_of(w, sizeof(w), line), partner);
	if (dir_reserve(dir, 1) < 0)
		return dir_error(dir, error_r, "%s%s: too many customers", file, where_of(w, sizeof(w), line));
	h = dir_hash(recipient, len);
	slot = dir_find(dir, recipient, len, h);
	if (slot->index != 0) {
		const struct dir_entry *first = &dir->entries[slot->index - 1];
		char fw[32];

		return dir_error(dir, error_r, "%s%s: duplicate recipient \"%s\" (first defined at %s%s)",
		    file, where_of(w, sizeof(w), line), given, first->file,
		    where_of(fw, sizeof(fw), first->line));
	}
	e = &dir->entries[dir->count];
	e->cust.key = dir_strdup(dir, recipient, 1);
	e->cust.customer_id = dir_strdup(dir, customer_id, 0);
	e->cust.partner = dir_partner(dir, partner);
	e->cust.csp = csp;
	e->cust.direct = direct;
	e->file = file;
	e->line = line;
	slot->tag = (uint32_t)(h >> 32);
	slot->index = (uint32_t)++dir->count;
	return 0;
}

/* directory_add - one inline entry; source ("FILE:LINE") names it in errors */
int
directory_add(struct directory *dir, const char *recipient, const char *customer_id,
    const char *partner, int csp, int direct, const char *source, const char **error_r)
{
	const char *file = dir_strdup(dir, source, 0);

	return dir_add(dir, recipient, customer_id, partner, csp, direct, file, 0, error_r);
}

/* parse_yes_no - "yes"/"no" (also true/false, 1/0); -1 otherwise */
static int
parse_yes_no(const char *s)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
		return 1;
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
		return 0;
	return -1;
}

/*
 * csv_split - split one line into fields in place (RFC 4180 quoting).
 * Returns the field count, or -1 on an unterminated quote.
 */
static int
csv_split(char *line, char **fields, int max)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		if (n == max)
			return max + 1;
		while (*r == ' ' || *r == '\t')
			r++;
		fields[n++] = w = r;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					return -1;
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else
					*w++ = *r++;
			}
			while (*r == ' ' || *r == '\t')
				r++;
			if (*r != ',' && *r != '\0')
				return -1;
		} else {
			while (*r != ',' && *r != '\0')
				*w++ = *r++;
			while (w > fields[n - 1] && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
		}
		if (*r == '\0') {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
}

/* The first pass over a customers file: size the table, hash, check the end. */
struct csv_scan {
	size_t lines;		/* newlines */
	off_t size;
	int last;		/* the last byte, -1 when empty */
};

/* scan_file - count lines, fold the bytes into *hash, note the last byte; rewinds */
static int
scan_file(FILE *fp, struct csv_scan *cs, uint64_t *hash)
{
	unsigned char buf[65536];
	size_t n, i;

	cs->lines = 0;
	cs->size = 0;
	cs->last = -1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		const unsigned char *p = buf, *end = buf + n;

		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			cs->lines++;
			p++;
		}
		if (hash != NULL) {
			uint64_t h = *hash;

			for (i = 0; i < n; i++)
				h = (h ^ buf[i]) * 1099511628211ULL;
			*hash = h;
		}
		cs->size += (off_t)n;
		cs->last = buf[n - 1];
	}
	if (ferror(fp))
		return -1;
	rewind(fp);
	return 0;
}

/* directory_load_csv_fd - load a customers file from an open descriptor */
int
directory_load_csv_fd(struct directory *dir, int fd, const char *path, uint64_t *hash,
    const char **error_r)
{
	FILE *fp;
	char *line = NULL, *fields[6], *text;
	const char *file;
	struct csv_scan cs;
	size_t cap = 0, rows = 0;
	ssize_t got;
	unsigned long lineno = 0;
	int n, csp, direct, rc = 0, dupfd;

	if ((dupfd = dup(fd)) < 0 || (fp = fdopen(dupfd, "r")) == NULL) {
		if (dupfd >= 0)
			close(dupfd);
		return dir_error(dir, error_r, "%s: cannot read customers file: %s", path, strerror(errno));
	}
	if (scan_file(fp, &cs, hash) < 0) {
		fclose(fp);
		return dir_error(dir, error_r, "%s: read error: %s", path, strerror(errno));
	}
	if (cs.size == 0) {
		fclose(fp);
		return dir_error(dir, error_r, "%s: the customers file is empty: refusing a directory "
		    "that would treat every customer as unknown", path);
	}
	/* A writer that truncated the file and has not finished leaves a cut last row. */
	if (cs.last != '\n') {
		fclose(fp);
		return dir_error(dir, error_r, "%s:%zu: the last line has no newline: the file looks "
		    "truncated or still being written", path, cs.lines + 1);
	}
	file = dir_strdup(dir, path, 0);
	if (dir_reserve(dir, cs.lines + 1) < 0) {
		fclose(fp);
		return dir_error(dir, error_r, "%s: too many lines (%zu)", path, cs.lines);
	}
	while ((got = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		if (memchr(line, '\0', (size_t)got) != NULL) {
			rc = dir_error(dir, error_r, "%s:%lu: NUL byte in line", path, lineno);
			break;
		}
		text = line;
		/* A spreadsheet's UTF-8 byte order mark is not part of the first key. */
		if (lineno == 1 && strncmp(text, "\xef\xbb\xbf", 3) == 0)
			text += 3;
		if (*text == '\0' || text[strspn(text, " \t")] == '#' || text[strspn(text, " \t")] == '\0')
			continue;
		n = csv_split(text, fields, 5);
		if (n != 5) {
			rc = dir_error(dir, error_r, "%s:%lu: expected 5 fields (recipient,customer_id,partner,csp,direct), found %s",
			    path, lineno, n < 0 ? "an unterminated quote" : n > 5 ? "more" : "fewer");
			break;
		}
		if (strcasecmp(fields[0], "recipient") == 0 && strcasecmp(fields[1], "customer_id") == 0)
			continue;	/* header row */
		if ((csp = parse_yes_no(fields[3])) < 0 || (direct = parse_yes_no(fields[4])) < 0) {
			rc = dir_error(dir, error_r, "%s:%lu: csp and direct must be yes or no, found \"%s\" and \"%s\"",
			    path, lineno, fields[3], fields[4]);
			break;
		}
		if (dir_add(dir, fields[0], fields[1], fields[2], csp, direct, file, lineno, error_r) < 0) {
			rc = -1;
			break;
		}
		rows++;
	}
	if (rc == 0 && ferror(fp))
		rc = dir_error(dir, error_r, "%s: read error: %s", path, strerror(errno));
	if (rc == 0 && rows == 0)
		rc = dir_error(dir, error_r, "%s: no customer rows (only a header, comments or blank "
		    "lines): refusing a directory that would treat every customer as unknown", path);
	fclose(fp);
	free(line);
	return rc;
}

/* directory_load_csv - load a customers file by name */
int
directory_load_csv(struct directory *dir, const char *path, const char **error_r)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return dir_error(dir, error_r, "%s: cannot open customers file: %s", path, strerror(errno));
	rc = directory_load_csv_fd(dir, fd, path, NULL, error_r);
	close(fd);
	return rc;
}

/* probe - look up one exact key */
static const struct customer *
probe(const struct directory *dir, const char *key)
{
	size_t len = strlen(key);
	const struct dir_slot *slot = dir_find(dir, key, len, dir_hash(key, len));

	return slot->index != 0 ? &dir->entries[slot->index - 1].cust : NULL;
}

/* directory_lookup - address, then domain, then parent domains */
const struct customer *
directory_lookup(const struct directory *dir, const char *canon_addr)
{
	const struct customer *c;
	const char *d;

	if (dir->count == 0 || *canon_addr == '\0')
		return NULL;
	if ((c = probe(dir, canon_addr)) != NULL)
		return c;
	if ((d = strrchr(canon_addr, '@')) == NULL)
		return NULL;
	for (d = d + 1; d != NULL && *d != '\0'; d = strchr(d, '.')) {
		if (*d == '.')
			d++;
		if ((c = probe(dir, d)) != NULL)
			return c;
	}
	return NULL;
}

size_t
directory_count(const struct directory *dir)
{
	return dir->count;
}
