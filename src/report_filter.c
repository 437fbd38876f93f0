/* report_filter - select audit records for a report */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "report_time.h"
#include "xalloc.h"
#include "report_filter.h"

/* One literal that a matching raw line must contain. */
struct report_filter_needle {
	const char *s;
	size_t	len;
	int	nocase;
};

#define REPORT_FILTER_NEEDLES	10

struct report_filter {
	int64_t	now_us;
	int	has_since, has_until;
	int64_t	since_us, until_us;
	char	*class;
	char	*action;
	char	*sender;
	char	*rcpt;
	char	*customer;
	char	*partner;
	char	*rule;
	char	*mode;
	int	uncertain;
	struct strbuf error;
	struct report_filter_needle needles[REPORT_FILTER_NEEDLES];
	size_t	nneedles;
};

/* report_filter_new - an empty filter, matching everything */
struct report_filter *
report_filter_new(int64_t now_us)
{
	struct report_filter *f;

	f = xcalloc(1, sizeof(*f));
	f->now_us = now_us;
	return f;
}

/* report_filter_free - release the filter, clear the pointer */
void
report_filter_free(struct report_filter **fp)
{
	struct report_filter *f = *fp;

	if (f == NULL)
		return;
	free(f->class);
	free(f->action);
	free(f->sender);
	free(f->rcpt);
	free(f->customer);
	free(f->partner);
	free(f->rule);
	free(f->mode);
	strbuf_release(&f->error);
	free(f);
	*fp = NULL;
}

/*
 * report_filter_literal - 1 when s appears unchanged inside a JSON string
 * as any writer would encode it: printable ASCII without '"', '\' or '/'.
 */
static int
report_filter_literal(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\' || *s == '/')
			return 0;
	return 1;
}

/* report_filter_needle - remember a literal for report_filter_precheck */
static void
report_filter_needle(struct report_filter *f, const char *s, int nocase)
{
	if (*s == '\0' || !report_filter_literal(s) ||
	    f->nneedles >= REPORT_FILTER_NEEDLES)
		return;
	f->needles[f->nneedles].s = s;
	f->needles[f->nneedles].len = strlen(s);
	f->needles[f->nneedles].nocase = nocase;
	f->nneedles++;
}

const char *const report_filter_classes[] = {
	"subscription", "incident", "non_csp", "other", "none", NULL
};
const char *const report_filter_actions[] = {
	"untouched", "deliver", "tag", "reroute", "reject", "quarantine",
	"tempfail", "accept", NULL
};
const char *const report_filter_modes[] = { "enforce", "monitor", NULL };

/* report_filter_one_of - 0 when value is in list, else -1 with the list */
static int
report_filter_one_of(struct report_filter *f, const char *what,
    const char *value, const char *const *list, const char **error_r)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], value) == 0)
			return 0;
	strbuf_reset(&f->error);
	strbuf_appendf(&f->error, "unknown %s; valid values:", what);
	for (i = 0; list[i] != NULL; i++)
		strbuf_appendf(&f->error, "%s %s", i ? "," : "", list[i]);
	*error_r = f->error.data;
	return -1;
}

/* report_filter_set - add a condition */
int
report_filter_set(struct report_filter *f, const char *name, const char *value,
    const char **error_r)
{
	static const struct {
		const char *name;
		size_t	offset;
		int	nocase;
	} strings[] = {
		{ "class", offsetof(struct report_filter, class), 0 },
		{ "action", offsetof(struct report_filter, action), 0 },
		{ "sender", offsetof(struct report_filter, sender), 1 },
		{ "rcpt", offsetof(struct report_filter, rcpt), 1 },
		{ "customer", offsetof(struct report_filter, customer), 0 },
		{ "partner", offsetof(struct report_filter, partner), 1 },
		{ "rule", offsetof(struct report_filter, rule), 0 },
		{ "mode", offsetof(struct report_filter, mode), 0 },
	};
	char **slot;
	size_t i;

	if (strcmp(name, "since") == 0) {
		if (report_time_parse_arg(value, f->now_us, 0, &f->since_us,
		    error_r) < 0)
			return -1;
		f->has_since = 1;
		return 0;
	}
	if (strcmp(name, "until") == 0) {
		if (report_time_parse_arg(value, f->now_us, 1, &f->until_us,
		    error_r) < 0)
			return -1;
		f->has_until = 1;
		return 0;
	}
	if (strcmp(name, "uncertain") == 0) {
		f->uncertain = 1;
		return 0;
	}
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		if (strcmp(name, strings[i].name) != 0)
			continue;
		if (*value == '\0') {
			*error_r = "empty value";
			return -1;
		}
		if ((strcmp(name, "class") == 0 && report_filter_one_of(f,
		    "class", value, report_filter_classes, error_r) < 0) ||
		    (strcmp(name, "action") == 0 && report_filter_one_of(f,
		    "action", value, report_filter_actions, error_r) < 0) ||
		    (strcmp(name, "mode") == 0 && report_filter_one_of(f,
		    "mode", value, report_filter_modes, error_r) < 0))
			return -1;
		slot = (char **)((char *)f + strings[i].offset);
		if (*slot != NULL) {
			*error_r = "given more than once";
			return -1;
		}
		*slot = xstrdup(value);
		if (!(slot == &f->class && strcmp(value, "none") == 0))
			report_filter_needle(f, *slot, strings[i].nocase);
		return 0;
	}
	*error_r = "unknown filter";
	return -1;
}

/* report_memcasemem - ASCII case-insensitive search */
const char *
report_memcasemem(const char *hay, size_t haylen, const char *needle,
    size_t needlelen)
{
	const char *p, *end;
	unsigned char lo, up;

	if (needlelen == 0)
		return hay;
	if (needlelen > haylen)
		return NULL;
	lo = (unsigned char)needle[0];
	if (lo >= 'A' && lo <= 'Z')
		lo += 32;
	up = (lo >= 'a' && lo <= 'z') ? lo - 32 : lo;
	end = hay + haylen - needlelen;
	for (p = hay; p <= end; p++) {
		if ((unsigned char)*p != lo && (unsigned char)*p != up)
			continue;
		if (strncasecmp(p + 1, needle + 1, needlelen - 1) == 0)
			return p;
	}
	return NULL;
}

/* report_filter_precheck - cheap test on the raw line */
int
report_filter_precheck(const struct report_filter *f, const char *line,
    size_t len)
{
	const struct report_filter_needle *n;
	size_t i;

	for (i = 0; i < f->nneedles; i++) {
		n = &f->needles[i];
		if (n->nocase) {
			if (report_memcasemem(line, len, n->s, n->len) == NULL)
				return 0;
		} else if (memmem(line, len, n->s, n->len) == NULL)
			return 0;
	}
	if (f->uncertain && memmem(line, len, "true", 4) == NULL)
		return 0;
	return 1;
}

/* report_filter_contains - case-insensitive substring test on C strings */
static int
report_filter_contains(const char *hay, const char *needle)
{
	return report_memcasemem(hay, strlen(hay), needle, strlen(needle)) != NULL;
}

/* report_filter_match_rcpt - 1 when the recipient meets the recipient conditions */
int
report_filter_match_rcpt(const struct report_filter *f,
    const struct report_rcpt *r)
{
	if (f->rcpt != NULL && !report_filter_contains(r->rcpt, f->rcpt))
		return 0;
	if (f->customer != NULL && strcmp(r->customer, f->customer) != 0)
		return 0;
	if (f->partner != NULL && !report_filter_contains(r->partner, f->partner))
		return 0;
	return 1;
}

/* report_filter_period - the requested period */
void
report_filter_period(const struct report_filter *f, int *has_since_r,
    int64_t *since_r, int *has_until_r, int64_t *until_r)
{
	*has_since_r = f->has_since;
	*since_r = f->since_us;
	*has_until_r = f->has_until;
	*until_r = f->until_us;
}

/* report_filter_has_rcpt - 1 when any recipient condition is set */
int
report_filter_has_rcpt(const struct report_filter *f)
{
	return f->rcpt != NULL || f->customer != NULL || f->partner != NULL;
}

/* report_filter_match - 1 when the record meets every condition */
int
report_filter_match(const struct report_filter *f, const struct report_record *rec)
{
	size_t i;
	int ok;

	if (f->has_since && rec->time_us < f->since_us)
		return 0;
	if (f->has_until && rec->time_us >= f->until_us)
		return 0;
	if (f->uncertain && !rec->uncertain)
		return 0;
	if (f->mode != NULL && strcmp(rec->mode, f->mode) != 0)
		return 0;
	if (f->class != NULL) {
		if (strcmp(f->class, "none") == 0 ? *rec->class_name != '\0' :
		    strcmp(rec->class_name, f->class) != 0)
			return 0;
	}
	if (f->sender != NULL && !report_filter_contains(rec->mail_from, f->sender) &&
	    !report_filter_contains(rec->header_from, f->sender))
		return 0;
	if (f->rule != NULL) {
		for (i = 0; i < rec->nrules; i++)
			if (strcmp(rec->rules[i], f->rule) == 0)
				break;
		if (i == rec->nrules)
			return 0;
	}
	if (f->action != NULL && strcmp(rec->action, f->action) != 0) {
		for (i = 0; i < rec->nrcpts; i++)
			if (strcmp(rec->rcpts[i].decision, f->action) == 0)
				break;
		if (i == rec->nrcpts)
			return 0;
	}
	if (report_filter_has_rcpt(f)) {
		ok = 0;
		for (i = 0; i < rec->nrcpts && !ok; i++)
			ok = report_filter_match_rcpt(f, &rec->rcpts[i]);
		if (!ok)
			return 0;
	}
	return 1;
}
