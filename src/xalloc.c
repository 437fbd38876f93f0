/* xalloc - the one allocation policy: memory or a clean exit */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

#define EXIT_NO_MEMORY 71	/* EX_OSERR */

/* xalloc_fail - log and leave; the MTA tempfails what was in flight */
void
xalloc_fail(size_t n)
{
	char line[80];

	snprintf(line, sizeof(line), "fatal: out of memory allocating %zu bytes", n);
	log_raw(LOG_CRIT, line);
	_exit(EXIT_NO_MEMORY);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xalloc_fail(n);
	return p;
}

void *
xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);

	if (p == NULL)
		xalloc_fail(count * n);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		xalloc_fail(n);
	return q;
}

void *
xreallocarray(void *p, size_t count, size_t n)
{
	if (n != 0 && count > SIZE_MAX / n)
		xalloc_fail(SIZE_MAX);
	return xrealloc(p, count * n);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = xmalloc(len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}
