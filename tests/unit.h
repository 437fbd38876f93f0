/* unit - small helpers shared by the cmocka unit tests (header only) */
#ifndef CSP_TESTS_UNIT_H
#define CSP_TESTS_UNIT_H

/*
 * Include after <cmocka.h>.  Every helper fails the running test instead
 * of returning an error, so that a test never goes on with a half-built
 * fixture.  Temporary directories are made with mkdtemp under $TMPDIR and
 * removed by unit_tmpdir_remove; the caller frees every returned path.
 */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* unit_srcdir - the source tree, from $top_srcdir as Makefile.am sets it */
static inline const char *
unit_srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL && *s != '\0' ? s : ".";
}

/* unit_strf - printf into a fresh string */
static inline char *
unit_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline char *
unit_strf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fail_msg("out of memory");
	va_end(ap);
	return s;
}

/* unit_tmpdir_new - a fresh private directory */
static inline char *
unit_tmpdir_new(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = unit_strf("%s/csp-unit.XXXXXX", base != NULL && *base ? base : "/tmp");

	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp %s failed", dir);
	return dir;
}

/* unit_rm_one - nftw callback removing one entry */
static inline int
unit_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* unit_tmpdir_remove - remove the directory and everything in it, free the path */
static inline void
unit_tmpdir_remove(char **dir)
{
	if (*dir == NULL)
		return;
	nftw(*dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(*dir);
	*dir = NULL;
}

/* unit_write - write len bytes to dir/name, replacing it in place; returns the path */
static inline char *
unit_write(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = unit_strf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		fail_msg("cannot create %s", path);
	if (fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		fail_msg("cannot write %s", path);
	return path;
}

/* unit_write_str - unit_write for a C string */
static inline char *
unit_write_str(const char *dir, const char *name, const char *text)
{
	return unit_write(dir, name, text, strlen(text));
}

/* unit_expect_str - compare strings, naming the table row on failure */
static inline void
unit_expect_str(const char *row, const char *got, const char *want)
{
	if (got == NULL || want == NULL) {
		if (got != want)
			fail_msg("%s: got %s%s%s, want %s%s%s", row,
			    got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
			    want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
		return;
	}
	if (strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", row, got, want);
}

/* unit_expect_mem - compare a counted string with a C string */
static inline void
unit_expect_mem(const char *row, const char *got, size_t got_len, const char *want)
{
	if (got_len != strlen(want) || memcmp(got, want, got_len) != 0)
		fail_msg("%s: got \"%.*s\" (%zu bytes), want \"%s\" (%zu bytes)", row,
		    (int)got_len, got, got_len, want, strlen(want));
}

/* unit_expect_int - compare integers, naming the table row on failure */
static inline void
unit_expect_int(const char *row, long long got, long long want)
{
	if (got != want)
		fail_msg("%s: got %lld, want %lld", row, got, want);
}

/* unit_expect_contains - want must occur in got */
static inline void
unit_expect_contains(const char *row, const char *got, const char *want)
{
	if (got == NULL || strstr(got, want) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", row, got ? got : "NULL", want);
}

#define UNIT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * 35 charset names iconv opens, other than UTF-8 and windows-1252: more
 * than the decoder's per-message converter budget, for the tests of it.
 */
#define UNIT_MANY_CHARSETS \
	"ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6", \
	"ISO-8859-7", "ISO-8859-8", "ISO-8859-10", "ISO-8859-13", "ISO-8859-14", \
	"ISO-8859-15", "ISO-8859-16", "CP1250", "CP1251", "CP1253", "CP1254", \
	"CP1255", "CP1256", "CP1257", "CP1258", "KOI8-R", "KOI8-U", "CP437", \
	"CP850", "CP852", "CP855", "CP857", "CP860", "CP861", "CP862", "CP863", \
	"CP865", "CP866", "EUC-JP", "MACINTOSH"

#endif
