/* rule - compiled classification rules and matching */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule.h"
#include "rule_fold.h"
#include "rule_prefilter.h"
#include "strbuf.h"
#include "xalloc.h"

/* Unlimited max_hits still stops here, so one rule cannot scan forever. */
#define RULE_HITS_HARD_CAP 10000

struct rule {
	struct rule_spec spec;	/* strings owned by the rule */
	int group;		/* its language group */
	char *folded;		/* the pattern as compiled: literals folded like the text */
	pcre2_code *code;
	int jit;		/* JIT compile succeeded */
};

/*
 * The texts a prefilter scans: one database per kind of text.  The Subject
 * and From rules have theirs too: a message's subject is short, but twenty
 * large alternations run over it one by one cost more than one pass.
 */
enum rule_text {
	RULE_TEXT_HEADERS,
	RULE_TEXT_BODY,		/* the visible and the collapsed view */
	RULE_TEXT_HIDDEN,	/* hidden rules, and body rules that do not skip it */
	RULE_TEXT_PARTS,
	RULE_TEXT_SUBJECT,
	RULE_TEXT_FROM,
};
#define RULE_TEXT_COUNT 6

/*
 * Rules written for one language count only in text of that language
 * (classify_counts): in the body, each set of languages a rule is written
 * for has its own database, scanned only when the text is in one of them.
 * Group 0 holds the rules for any language (and, past the last group, the
 * rest).  The other texts are short: there a scan costs mostly its fixed
 * start, so each has one database for every language.
 */
#define LANG_GROUPS 16

/*
 * Which texts a rule may match in, from the prefilter scans: PCRE2 reads
 * only those.  A body rule seen only in the hidden text is not confirmed
 * on the visible text.
 */
#define MAY_TEXT	0x01	/* the target's own text; the visible body */
#define MAY_COLLAPSED	0x02	/* the collapsed view of the body */
#define MAY_HIDDEN	0x04	/* the hidden text */
#define MAY_HEADERS	0x08	/* the headers text (targets "headers" and "all") */
#define MAY_ALL		0xff	/* not prefiltered: every text */

struct rule_set {
	struct rule *rules;
	size_t count, cap;
	struct rule_prefilter *prefilter[RULE_TEXT_COUNT][LANG_GROUPS];
	unsigned group_lang[LANG_GROUPS];	/* the lang bits of each group's rules */
	int groups;
	unsigned char *always;	/* rules no prefilter covers: always run */
	int finished;
	unsigned long match_limit;
	unsigned long depth_limit;
	int fold;		/* fold patterns (the text is folded: normalise) */
	struct strbuf error;
};

struct rule_scratch {
	struct rule_prefilter_scratch *prefilter;
	unsigned char *candidates;	/* per rule: MAY_* of the texts a prefilter saw it in */
	size_t candidates_cap;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	struct strbuf headers;	/* "Name: value\n" lines, built once per match call */
	struct strbuf error;
	unsigned langs;		/* this match call's languages; every bit: all */
};

static const char *const target_names[] = {
	"subject", "from", "header", "headers", "body", "hidden", "parts", "all",
};

static const char *const view_names[] = { "visible", "collapsed", "hidden" };

/* rule_view_name - the name of a view of the body */
const char *
rule_view_name(enum rule_view view)
{
	return view_names[view];
}

/* rule_target_name - config spelling of a target */
const char *
rule_target_name(enum rule_target target)
{
	return target_names[target];
}

/* rule_target_parse - parse a target setting */
int
rule_target_parse(const char *s, enum rule_target *target_r, const char **header_r)
{
	size_t i;

	*header_r = NULL;
	if (strncasecmp(s, "header:", 7) == 0) {
		if (s[7] == '\0' || strpbrk(s + 7, " \t:") != NULL)
			return -1;
		*target_r = RULE_TARGET_HEADER;
		*header_r = s + 7;
		return 0;
	}
	for (i = 0; i < sizeof(target_names) / sizeof(target_names[0]); i++) {
		if (i != RULE_TARGET_HEADER && strcasecmp(s, target_names[i]) == 0) {
			*target_r = (enum rule_target)i;
			return 0;
		}
	}
	return -1;
}

/* rule_set_new - empty set with PCRE2 limits for every match */
struct rule_set *
rule_set_new(unsigned long match_limit, unsigned long depth_limit)
{
	struct rule_set *rs = xcalloc(1, sizeof(*rs));

	rs->match_limit = match_limit;
	rs->depth_limit = depth_limit;
	rs->fold = 1;
	return rs;
}

/* rule_free_strings - the copies held by one rule */
static void
rule_free_strings(struct rule_spec *spec)
{
	free((char *)spec->id);
	free((char *)spec->header);
	free((char *)spec->pattern);
	free((char *)spec->file);
}

/* rule_set_free - release every compiled rule */
void
rule_set_free(struct rule_set **rsp)
{
	struct rule_set *rs = *rsp;
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->count; i++) {
		pcre2_code_free(rs->rules[i].code);
		free(rs->rules[i].folded);
		rule_free_strings(&rs->rules[i].spec);
	}
	for (i = 0; i < RULE_TEXT_COUNT * LANG_GROUPS; i++)
		rule_prefilter_free(&rs->prefilter[i / LANG_GROUPS][i % LANG_GROUPS]);
	free(rs->always);
	free(rs->rules);
	strbuf_release(&rs->error);
	free(rs);
	*rsp = NULL;
}

/* rule_set_fold - whether patterns are folded like the text (on unless normalise is off) */
void
rule_set_fold(struct rule_set *rs, int fold)
{
	rs->fold = fold;
}

/* xstrdup_opt - a copy that keeps NULL */
static char *
xstrdup_opt(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* lang_group - the group of rules written for lang, made if new (group 0 when full) */
static int
lang_group(struct rule_set *rs, unsigned lang)
{
	int g;

	if (rs->groups == 0)
		rs->groups = 1;	/* group 0: any language */
	if (lang == 0)
		return 0;
	for (g = 1; g < rs->groups; g++)
		if (rs->group_lang[g] == lang)
			return g;
	if (rs->groups == LANG_GROUPS)
		return 0;
	rs->group_lang[rs->groups] = lang;
	return rs->groups++;
}

/* rule_set_add - compile and keep one rule */
int
rule_set_add(struct rule_set *rs, const struct rule_spec *spec, const char **error_r)
{
	struct rule *r;
	uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK;
	int errcode;
	PCRE2_SIZE erroff;
	PCRE2_UCHAR msg[256];

	if (rs->count == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 32;
		rs->rules = xreallocarray(rs->rules, rs->cap, sizeof(*rs->rules));
	}
	r = &rs->rules[rs->count];
	memset(r, 0, sizeof(*r));
	if (spec->caseless)
		options |= PCRE2_CASELESS;
	/* A bad pattern is reported at its offset as written, before folding. */
	r->code = pcre2_compile((PCRE2_SPTR)spec->pattern, PCRE2_ZERO_TERMINATED,
	    options & ~PCRE2_NO_UTF_CHECK, &errcode, &erroff, NULL);
	if (r->code == NULL) {
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		strbuf_reset(&rs->error);
		strbuf_appendf(&rs->error, "%s:%d: rule %s: bad pattern at offset %zu: %s",
		    spec->file, spec->line, spec->id, (size_t)erroff, (char *)msg);
		*error_r = rs->error.data;
		return -1;
	}
	if (rs->fold) {
		struct strbuf folded = STRBUF_INIT;
		pcre2_code *code;

		/*
		 * Folding only touches literals.  A pattern that does not
		 * compile once folded would read unfolded text the text never
		 * is (its accented and look-alike letters could never match):
		 * refused, not kept as written.
		 */
		rule_fold_pattern(spec->pattern, &folded);
		code = pcre2_compile((PCRE2_SPTR)folded.data, PCRE2_ZERO_TERMINATED,
		    options & ~PCRE2_NO_UTF_CHECK, &errcode, &erroff, NULL);
		if (code == NULL) {
			pcre2_get_error_message(errcode, msg, sizeof(msg));
			strbuf_reset(&rs->error);
			strbuf_appendf(&rs->error, "%s:%d: rule %s: the pattern does not compile once "
			    "folded like the text (at offset %zu of \"%s\"): %s", spec->file,
			    spec->line, spec->id, (size_t)erroff, folded.data, (char *)msg);
			strbuf_release(&folded);
			pcre2_code_free(r->code);
			r->code = NULL;
			*error_r = rs->error.data;
			return -1;
		}
		pcre2_code_free(r->code);
		r->code = code;
		r->folded = strbuf_detach(&folded, NULL);
	}
	r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0;
	r->group = lang_group(rs, spec->lang);
	r->spec = *spec;
	r->spec.id = xstrdup(spec->id);
	r->spec.header = xstrdup_opt(spec->header);
	r->spec.pattern = xstrdup(spec->pattern);
	r->spec.file = xstrdup_opt(spec->file);
	if (r->folded == NULL)
		r->folded = xstrdup(spec->pattern);
	rs->count++;
	return 0;
}

size_t
rule_set_count(const struct rule_set *rs)
{
	return rs->count;
}

const struct rule_spec *
rule_set_spec(const struct rule_set *rs, size_t i)
{
	return &rs->rules[i].spec;
}

/* reads_text - does the rule read prefiltered text t? */
static int
reads_text(const struct rule_spec *spec, enum rule_text t)
{
	switch (spec->target) {
	case RULE_TARGET_HEADERS:
		return t == RULE_TEXT_HEADERS;
	case RULE_TARGET_ALL:
		return t == RULE_TEXT_HEADERS || t == RULE_TEXT_BODY ||
		    (t == RULE_TEXT_HIDDEN && !spec->skip_hidden);
	case RULE_TARGET_BODY:
		return t == RULE_TEXT_BODY || (t == RULE_TEXT_HIDDEN && !spec->skip_hidden);
	case RULE_TARGET_HIDDEN:
		return t == RULE_TEXT_HIDDEN;
	case RULE_TARGET_PARTS:
		return t == RULE_TEXT_PARTS;
	case RULE_TARGET_SUBJECT:
		return t == RULE_TEXT_SUBJECT;
	case RULE_TARGET_FROM:
		return t == RULE_TEXT_FROM;
	default:
		return 0;	/* a named header: not prefiltered */
	}
}

/*
 * rule_set_finish - build the prefilters once every rule is in.  Matching
 * may run concurrently: the prefilters are published with one release store.
 */
int
rule_set_finish(struct rule_set *rs, const char **error_r)
{
	const char **pats;
	int *caseless;
	unsigned *ids;
	size_t i, n;
	int t, g, rc = 0;

	if (__atomic_load_n(&rs->finished, __ATOMIC_ACQUIRE))
		return 0;
	pats = xcalloc(rs->count + 1, sizeof(*pats));
	caseless = xcalloc(rs->count + 1, sizeof(*caseless));
	ids = xcalloc(rs->count + 1, sizeof(*ids));
	rs->always = xcalloc(rs->count + 1, 1);
	for (t = 0; t < RULE_TEXT_COUNT && rc == 0; t++)
		for (g = 0; g < rs->groups && rc == 0; g++) {
			for (i = 0, n = 0; i < rs->count; i++) {
				const struct rule_spec *spec = &rs->rules[i].spec;

				if (!reads_text(spec, (enum rule_text)t) ||
				    (t == RULE_TEXT_BODY ? rs->rules[i].group : 0) != g)
					continue;
				pats[n] = rs->rules[i].folded;	/* widened after folding */
				caseless[n] = spec->caseless;
				ids[n++] = (unsigned)i;
			}
			if (n > 0 && (rs->prefilter[t][g] = rule_prefilter_new(pats, caseless, ids,
			    n, rs->fold, rs->always, error_r)) == NULL)
				rc = -1;
		}
	__atomic_store_n(&rs->finished, rc == 0, __ATOMIC_RELEASE);
	free(pats);
	free(caseless);
	free(ids);
	return rc;
}

/* same_rules - identical patterns, flags and targets, in the same order */
static int
same_rules(const struct rule_set *a, const struct rule_set *b)
{
	size_t i;

	if (a->count != b->count || a->fold != b->fold)
		return 0;	/* folding also decides how the prefilter widens */
	for (i = 0; i < a->count; i++) {
		const struct rule_spec *x = &a->rules[i].spec, *y = &b->rules[i].spec;

		if (x->target != y->target || x->caseless != y->caseless ||
		    x->skip_hidden != y->skip_hidden || x->lang != y->lang ||
		    strcmp(a->rules[i].folded, b->rules[i].folded) != 0)
			return 0;
	}
	return 1;
}

/* rule_set_share_prefilter - reuse the prefilters of a set with the same rules */
int
rule_set_share_prefilter(struct rule_set *rs, const struct rule_set *from)
{
	int t, g;

	if (__atomic_load_n(&rs->finished, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&from->finished, __ATOMIC_ACQUIRE) || !same_rules(rs, from))
		return 0;
	rs->always = xmalloc(rs->count + 1);
	memcpy(rs->always, from->always, rs->count + 1);
	/* The same rules in the same order: the same language groups. */
	for (t = 0; t < RULE_TEXT_COUNT; t++)
		for (g = 0; g < LANG_GROUPS; g++)
			if (from->prefilter[t][g] != NULL)
				rs->prefilter[t][g] = rule_prefilter_ref(from->prefilter[t][g]);
	__atomic_store_n(&rs->finished, 1, __ATOMIC_RELEASE);
	return 1;
}

/* rule_set_prefiltered - are the prefilters in place? */
int
rule_set_prefiltered(const struct rule_set *rs)
{
	return __atomic_load_n(&rs->finished, __ATOMIC_ACQUIRE);
}

/* rule_scratch_new - per-thread match state */
struct rule_scratch *
rule_scratch_new(void)
{
	struct rule_scratch *s = xcalloc(1, sizeof(*s));

	s->md = pcre2_match_data_create(1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	s->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	s->prefilter = rule_prefilter_scratch_new();
	/* PCRE2 allocates with malloc: NULL is out of memory, handled as xalloc's */
	if (s->md == NULL || s->mctx == NULL || s->jit_stack == NULL)
		xalloc_fail(1024 * 1024);
	pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
	return s;
}

/* rule_scratch_free - release per-thread state */
void
rule_scratch_free(struct rule_scratch **sp)
{
	struct rule_scratch *s = *sp;

	if (s == NULL)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jit_stack);
	rule_prefilter_scratch_free(&s->prefilter);
	free(s->candidates);
	strbuf_release(&s->headers);
	strbuf_release(&s->error);
	free(s);
	*sp = NULL;
}

struct match_run {
	const struct rule_set *rs;
	struct rule_scratch *scratch;
	rule_hit_fn fn;
	void *ctx;
	int limited;		/* a PCRE2 error stopped a rule */
};

/* One text to match: a view of the body, or a header text. */
struct match_text {
	enum rule_target target;
	enum rule_view view;
	const char *text;
	size_t len;
	const size_t *runs;	/* [start, end) pairs: only matches touching one count */
	size_t nruns;
	enum rule_source source;
	size_t header;		/* RULE_SOURCE_HEADER only */
};

/* touches_run - does [start, end) overlap one of the collapsed runs? */
static int
touches_run(const struct match_text *t, size_t start, size_t end)
{
	size_t lo = 0, hi = t->nruns, mid;

	/* Runs are sorted and disjoint: find the first that ends after start. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (t->runs[2 * mid + 1] <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nruns && (t->runs[2 * lo] < end ||
	    (start == end && t->runs[2 * lo] <= start));
}

/*
 * match_text - count matches of rule i in one text.  Returns the number of
 * hits counted so far plus the new ones; sets run->limited on PCRE2 errors.
 */
static int
match_text(struct match_run *run, size_t i, const struct match_text *t, int hits)
{
	const struct rule *r = &run->rs->rules[i];
	int cap = r->spec.max_hits > 0 ? r->spec.max_hits : RULE_HITS_HARD_CAP;
	PCRE2_SIZE start = 0, *ov;
	struct rule_hit hit;
	size_t len = t->len;
	int rc;

	while (hits < cap && start <= len) {
		if (r->jit)
			rc = pcre2_jit_match(r->code, (PCRE2_SPTR)t->text, len, start, 0,
			    run->scratch->md, run->scratch->mctx);
		else
			rc = pcre2_match(r->code, (PCRE2_SPTR)t->text, len, start,
			    PCRE2_NO_UTF_CHECK, run->scratch->md, run->scratch->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(rc, msg, sizeof(msg));
			if (!run->limited) {
				strbuf_reset(&run->scratch->error);
				strbuf_appendf(&run->scratch->error, "rule %s: %s", r->spec.id, (char *)msg);
			}
			run->limited = 1;
			break;
		}
		ov = pcre2_get_ovector_pointer(run->scratch->md);
		if (t->runs == NULL || touches_run(t, ov[0], ov[1])) {
			hit.rule = i;
			hit.target = t->target;
			hit.view = t->view;
			hit.text = t->text;
			hit.text_len = len;
			hit.start = ov[0];
			hit.end = ov[1];
			hit.source = t->source;
			hit.header = t->header;
			hits++;
			run->fn(&hit, run->ctx);
		}
		if (ov[1] > ov[0])
			start = ov[1];
		else {
			/* Empty match: step over one whole UTF-8 character. */
			start = ov[1] + 1;
			while (start < len && ((unsigned char)t->text[start] & 0xc0) == 0x80)
				start++;
		}
	}
	return hits;
}

/* match_plain - match one text of the visible view */
static int
match_plain(struct match_run *run, size_t i, enum rule_target target, enum rule_source source,
    size_t header, const char *text, size_t len, int hits)
{
	struct match_text t = { target, RULE_VIEW_VISIBLE, text, len, NULL, 0, source, header };

	return match_text(run, i, &t, hits);
}

/*
 * match_body - every view of the body the prefilter saw the rule in (may):
 * visible, collapsed runs, hidden
 */
static int
match_body(struct match_run *run, size_t i, enum rule_target target,
    const struct msg_text *mt, int hits, unsigned may)
{
	struct match_text t = { target, RULE_VIEW_VISIBLE, NULL, 0, NULL, 0, RULE_SOURCE_BODY, 0 };

	t.text = msg_text_body(mt, &t.len);
	if (may & MAY_TEXT)
		hits = match_text(run, i, &t, hits);
	t.text = msg_text_collapsed(mt, &t.len);
	if (t.len > 0 && (may & MAY_COLLAPSED)) {
		t.view = RULE_VIEW_COLLAPSED;
		t.source = RULE_SOURCE_COLLAPSED;
		t.nruns = msg_text_collapsed_runs(mt, &t.runs);
		hits = match_text(run, i, &t, hits);
	}
	if (run->rs->rules[i].spec.skip_hidden)
		return hits;
	t.text = msg_text_hidden(mt, &t.len);
	t.view = RULE_VIEW_HIDDEN;
	t.source = RULE_SOURCE_HIDDEN;
	t.runs = NULL;
	t.nruns = 0;
	if (t.len > 0 && (may & MAY_HIDDEN))
		hits = match_text(run, i, &t, hits);
	return hits;
}

/* headers_text - every header as "Name: value" lines into sb */
static void
headers_text(struct strbuf *sb, const struct msg_text *mt, int fold)
{
	size_t i, j, n = msg_text_header_count(mt), len, at;
	const char *v;

	strbuf_reset(sb);
	for (i = 0; i < n; i++) {
		v = msg_text_header_value(mt, i, &len);
		at = sb->len;
		strbuf_append_str(sb, msg_text_header_name(mt, i));
		/* Names fold like the values and the patterns: ASCII lower case. */
		for (j = at; fold && j < sb->len; j++)
			if (sb->data[j] >= 'A' && sb->data[j] <= 'Z')
				sb->data[j] += 32;
		strbuf_append(sb, ": ", 2);
		strbuf_append(sb, v, len);
		strbuf_append_char(sb, '\n');
	}
	if (sb->data == NULL)
		strbuf_grow(sb, 0);
}

/* build_headers - every header as "Name: value" lines, once per call */
static void
build_headers(struct rule_scratch *s, const struct msg_text *mt, int fold)
{
	headers_text(&s->headers, mt, fold);
}

/* rule_source_text - a hit's text, found again in mt */
const char *
rule_source_text(const struct rule_set *rs, const struct msg_text *mt, enum rule_source source,
    size_t header, struct strbuf *tmp, size_t *len_r)
{
	switch (source) {
	case RULE_SOURCE_HEADER:
		if (header < msg_text_header_count(mt))
			return msg_text_header_value(mt, header, len_r);
		break;
	case RULE_SOURCE_HEADERS:
		headers_text(tmp, mt, rs != NULL && rs->fold);
		*len_r = tmp->len;
		return tmp->data;
	case RULE_SOURCE_BODY:
		return msg_text_body(mt, len_r);
	case RULE_SOURCE_COLLAPSED:
		return msg_text_collapsed(mt, len_r);
	case RULE_SOURCE_HIDDEN:
		return msg_text_hidden(mt, len_r);
	case RULE_SOURCE_PARTS:
		return msg_text_parts(mt, len_r);
	}
	*len_r = 0;
	return "";
}

/* match_named - every instance of one header */
static int
match_named(struct match_run *run, size_t i, const struct msg_text *mt,
    const char *name, enum rule_target target)
{
	size_t h, n = msg_text_header_count(mt), len;
	const char *v;
	int hits = 0;

	for (h = 0; h < n; h++) {
		if (strcasecmp(msg_text_header_name(mt, h), name) != 0)
			continue;
		v = msg_text_header_value(mt, h, &len);
		hits = match_plain(run, i, target, RULE_SOURCE_HEADER, h, v, len, hits);
	}
	return hits;
}

/* group_wanted - may rules of language group g count in text of langs? */
static int
group_wanted(const struct rule_set *rs, int g, unsigned langs)
{
	return g == 0 || (rs->group_lang[g] & langs) != 0;
}

/*
 * prefilter_scan - one text through the databases of text t of the
 * language groups that may count; 0, or -1 when one could not run
 */
static int
prefilter_scan(const struct rule_set *rs, struct rule_scratch *s, enum rule_text t,
    const char *text, size_t len, unsigned char may)
{
	int g, rc = 0;

	for (g = 0; g < rs->groups; g++)
		if (rs->prefilter[t][g] != NULL && group_wanted(rs, g, s->langs))
			/* An empty text too: a pattern that matches "" matches it. */
			rc |= rule_prefilter_scan(rs->prefilter[t][g], s->prefilter,
			    text != NULL ? text : "", len, s->candidates, may);
	return rc;
}

/*
 * prefilter_pass - mark the texts each rule may match in, and build the
 * headers text; when a prefilter cannot run, every rule is a candidate
 * everywhere.  The body prefilter scans every view of the body; the
 * Subject and From prefilters every instance of their header.
 */
static void
prefilter_pass(const struct rule_set *rs, const struct msg_text *mt, struct rule_scratch *s)
{
	const char *text;
	size_t len, h, n = msg_text_header_count(mt);
	int rc = 0;

	if (s->candidates_cap < rs->count) {
		s->candidates = xrealloc(s->candidates, rs->count);
		s->candidates_cap = rs->count;
	}
	memset(s->candidates, 0, rs->count);
	build_headers(s, mt, rs->fold);
	rc |= prefilter_scan(rs, s, RULE_TEXT_HEADERS, s->headers.data, s->headers.len,
	    MAY_HEADERS);
	text = msg_text_body(mt, &len);
	rc |= prefilter_scan(rs, s, RULE_TEXT_BODY, text, len, MAY_TEXT);
	/* Body rules read the collapsed view only when there is one. */
	if ((text = msg_text_collapsed(mt, &len)) != NULL && len > 0)
		rc |= prefilter_scan(rs, s, RULE_TEXT_BODY, text, len, MAY_COLLAPSED);
	/* The hidden text: its own rules, and the body rules that do not skip it. */
	text = msg_text_hidden(mt, &len);
	rc |= prefilter_scan(rs, s, RULE_TEXT_HIDDEN, text, len, MAY_HIDDEN);
	text = msg_text_parts(mt, &len);
	rc |= prefilter_scan(rs, s, RULE_TEXT_PARTS, text, len, MAY_TEXT);
	for (h = 0; h < n; h++) {
		const char *name = msg_text_header_name(mt, h);

		text = msg_text_header_value(mt, h, &len);
		if (strcasecmp(name, "Subject") == 0)
			rc |= prefilter_scan(rs, s, RULE_TEXT_SUBJECT, text, len, MAY_TEXT);
		else if (strcasecmp(name, "From") == 0)
			rc |= prefilter_scan(rs, s, RULE_TEXT_FROM, text, len, MAY_TEXT);
	}
	if (rc != 0)
		memset(s->candidates, MAY_ALL, rs->count);
}

/* rule_set_match - run every rule over its target */
int
rule_set_match(const struct rule_set *rs, const struct msg_text *mt,
    struct rule_scratch *scratch, rule_hit_fn fn, void *ctx, const char **error_r)
{
	return rule_set_match_langs(rs, mt, 0, scratch, fn, ctx, error_r);
}

/* rule_set_match_langs - run the rules that may count in text of langs */
int
rule_set_match_langs(const struct rule_set *rs, const struct msg_text *mt, unsigned langs,
    struct rule_scratch *scratch, rule_hit_fn fn, void *ctx, const char **error_r)
{
	struct match_run run = { rs, scratch, fn, ctx, 0 };
	struct match_text hidden = { RULE_TARGET_HIDDEN, RULE_VIEW_HIDDEN, NULL, 0, NULL, 0,
	    RULE_SOURCE_HIDDEN, 0 };
	const char *text;
	size_t i, len;
	int hits, have_headers, prefiltered;
	unsigned may;

	pcre2_set_match_limit(scratch->mctx, (uint32_t)rs->match_limit);
	pcre2_set_depth_limit(scratch->mctx, (uint32_t)rs->depth_limit);
	scratch->langs = langs != 0 ? langs : ~0u;
	if ((prefiltered = rule_set_prefiltered(rs)))
		prefilter_pass(rs, mt, scratch);
	have_headers = prefiltered;
	for (i = 0; i < rs->count; i++) {
		const struct rule_spec *spec = &rs->rules[i].spec;

		if (spec->lang != 0 && (spec->lang & scratch->langs) == 0)
			continue;	/* written for languages the text is not in */
		may = MAY_ALL;
		if (prefiltered && spec->target != RULE_TARGET_HEADER && !rs->always[i])
			may = scratch->candidates[i];
		if (may == 0)
			continue;	/* no text this rule reads can match it */

		switch (spec->target) {
		case RULE_TARGET_SUBJECT:
			match_named(&run, i, mt, "Subject", spec->target);
			break;
		case RULE_TARGET_FROM:
			match_named(&run, i, mt, "From", spec->target);
			break;
		case RULE_TARGET_HEADER:
			match_named(&run, i, mt, spec->header, spec->target);
			break;
		case RULE_TARGET_HEADERS:
		case RULE_TARGET_ALL:
			if (!have_headers) {
				build_headers(scratch, mt, rs->fold);
				have_headers = 1;
			}
			hits = 0;
			if (may & MAY_HEADERS)
				hits = match_plain(&run, i, spec->target, RULE_SOURCE_HEADERS, 0,
				    scratch->headers.data, scratch->headers.len, 0);
			if (spec->target == RULE_TARGET_ALL)
				match_body(&run, i, spec->target, mt, hits, may);
			break;
		case RULE_TARGET_BODY:
			match_body(&run, i, spec->target, mt, 0, may);
			break;
		case RULE_TARGET_HIDDEN:
			text = msg_text_hidden(mt, &len);
			hidden.text = text;
			hidden.len = len;
			match_text(&run, i, &hidden, 0);
			break;
		case RULE_TARGET_PARTS:
			text = msg_text_parts(mt, &len);
			match_plain(&run, i, spec->target, RULE_SOURCE_PARTS, 0, text, len, 0);
			break;
		}
	}
	if (run.limited) {
		*error_r = scratch->error.data;
		return 1;
	}
	return 0;
}
