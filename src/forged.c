/* forged - X-CSP-* headers on input, counted by name so they can be removed */
#include "config.h"

#include <stdlib.h>
#include <strings.h>

#include "forged.h"
#include "xalloc.h"

struct forged {
	char *name[FORGED_NAMES];
	int count[FORGED_NAMES];
	int names;
	unsigned long total;
	int overflow;
};

/* forged_new - an empty table */
struct forged *
forged_new(void)
{
	return xcalloc(1, sizeof(struct forged));
}

/* forged_free - the table and its names */
void
forged_free(struct forged **fp)
{
	if (*fp == NULL)
		return;
	forged_reset(*fp);
	free(*fp);
	*fp = NULL;
}

/* forged_reset - forget the last message */
void
forged_reset(struct forged *f)
{
	int i;

	for (i = 0; i < f->names; i++)
		free(f->name[i]);
	f->names = 0;
	f->total = 0;
	f->overflow = 0;
}

/* forged_note - count an X-CSP-* header under its name */
int
forged_note(struct forged *f, const char *name)
{
	int i;

	if (strncasecmp(name, "X-CSP-", 6) != 0)
		return 0;
	if (++f->total > FORGED_MAX)
		f->overflow = 1;
	if (f->overflow)
		return 1;
	for (i = 0; i < f->names; i++)
		if (strcasecmp(f->name[i], name) == 0)
			break;
	if (i == FORGED_NAMES) {
		f->overflow = 1;
		return 1;
	}
	if (i == f->names) {
		f->name[f->names++] = xstrdup(name);
		f->count[i] = 0;
	}
	f->count[i]++;
	return 1;
}

/* forged_total - how many were seen */
unsigned long
forged_total(const struct forged *f)
{
	return f->total;
}

/* forged_overflow - more than the table holds */
int
forged_overflow(const struct forged *f)
{
	return f->overflow;
}

/* forged_get - one name and its count */
int
forged_get(const struct forged *f, int i, const char **name, int *count)
{
	if (i < 0 || i >= f->names)
		return -1;
	*name = f->name[i];
	*count = f->count[i];
	return 0;
}
