/* rule - compiled classification rules and matching them against decoded text */
#ifndef CSP_RULE_H
#define CSP_RULE_H

#include <stddef.h>
#include "msg_text.h"
#include "strbuf.h"

/*
 * A rule_set is built once at config load (every pattern compiled with
 * PCRE2 in UTF and UCP mode, JIT-compiled) and is then immutable: any
 * number of threads may match against it at once, each with its own
 * rule_scratch (match data and JIT stack belong to a thread, never to a
 * rule).  Matching never reads a PCRE2 error as "no match": a limit hit
 * is reported so that the classifier can mark the result uncertain.
 */
enum rule_target {
	RULE_TARGET_SUBJECT,	/* the Subject header */
	RULE_TARGET_FROM,	/* the From header */
	RULE_TARGET_HEADER,	/* one named header (every instance) */
	RULE_TARGET_HEADERS,	/* every header, as "Name: value" lines */
	RULE_TARGET_BODY,	/* decoded body text */
	RULE_TARGET_HIDDEN,	/* body text the HTML hid from the reader */
	RULE_TARGET_PARTS,	/* "type/subtype filename" of each MIME leaf */
	RULE_TARGET_ALL,	/* every header, then the body */
};

/*
 * A rule on the body reads every view of it: the visible text, the
 * collapsed view (letter-spaced runs "i n v o i c e" read as one word;
 * only its collapsed runs count there, the rest was seen in the visible
 * view) and the hidden text (unless skip_hidden).  max_hits caps the
 * matches of a rule across all views.
 */
enum rule_view {
	RULE_VIEW_VISIBLE,	/* what the reader sees; headers and parts too */
	RULE_VIEW_COLLAPSED,	/* msg_text_collapsed */
	RULE_VIEW_HIDDEN,	/* msg_text_hidden */
};

struct rule_spec {
	const char *id;
	int class_index;	/* which class the weight counts for */
	enum rule_target target;
	const char *header;	/* RULE_TARGET_HEADER only */
	const char *pattern;
	int weight;
	int max_hits;		/* matches that count; 0 means no cap */
	int caseless;
	unsigned lang;		/* lang bits the rule is written for; 0: any (see classify) */
	/*
	 * Body and all rules: leave the hidden text unread, because a match
	 * there could never count (classify_counts_hidden); 0 reads it.
	 */
	int skip_hidden;
	const char *file;	/* where the rule was defined, for errors */
	int line;
};

struct rule_set;
struct rule_scratch;

/* Which text of a msg_text a match was found in (rule_source_text rebuilds it). */
enum rule_source {
	RULE_SOURCE_HEADER,	/* one header value: rule_hit.header is its index */
	RULE_SOURCE_HEADERS,	/* every header as "Name: value" lines */
	RULE_SOURCE_BODY,	/* msg_text_body */
	RULE_SOURCE_COLLAPSED,	/* msg_text_collapsed */
	RULE_SOURCE_HIDDEN,	/* msg_text_hidden */
	RULE_SOURCE_PARTS,	/* msg_text_parts */
};

/* One match, as reported to the caller. */
struct rule_hit {
	size_t rule;		/* index in the set */
	enum rule_target target;
	enum rule_view view;	/* which view of the body text is */
	const char *text;	/* the text that matched (points into msg_text) */
	size_t text_len;
	size_t start, end;	/* byte offsets of the match in text */
	enum rule_source source;	/* which text that is */
	size_t header;		/* RULE_SOURCE_HEADER: the header's index in the msg_text */
};

/* Called for each counted match, in rule order. */
typedef void (*rule_hit_fn)(const struct rule_hit *hit, void *ctx);

struct rule_set *rule_set_new(unsigned long match_limit, unsigned long depth_limit);
/*
 * rule_set_fold - fold the literals of the patterns added after this call
 * like text_norm folds the text (the default); 0 when the text is not
 * normalised.  A space in a folded pattern matches any run of white space.
 */
void rule_set_fold(struct rule_set *rs, int fold);
void rule_set_free(struct rule_set **rs);
/* rule_set_add - compile one rule; on error *error_r is "FILE:LINE: rule ID: ..." */
int rule_set_add(struct rule_set *rs, const struct rule_spec *spec, const char **error_r);
/*
 * rule_set_finish - after the last add: build the one-pass prefilters, so
 * that PCRE2 only confirms rules that may match.  Without them every rule
 * runs on every message: the same results, slower.  Building can take
 * seconds for large multilingual patterns, so the daemon runs it in a
 * background thread while matching goes on; the prefilters are published
 * atomically when ready.
 */
int rule_set_finish(struct rule_set *rs, const char **error_r);
/* rule_set_share_prefilter - take from's prefilters if it has the same rules; 1 if taken */
int rule_set_share_prefilter(struct rule_set *rs, const struct rule_set *from);
int rule_set_prefiltered(const struct rule_set *rs);
size_t rule_set_count(const struct rule_set *rs);
const struct rule_spec *rule_set_spec(const struct rule_set *rs, size_t i);

struct rule_scratch *rule_scratch_new(void);
void rule_scratch_free(struct rule_scratch **scratch);

/*
 * rule_set_match - run every rule over its target in mt (body rules over
 * every view of the body), calling fn for each counted match (at most
 * max_hits per rule).  Returns 0, or 1 when a
 * PCRE2 limit or error stopped some rule early (the result is then
 * uncertain; *error_r names the rule and the PCRE2 error).
 */
int rule_set_match(const struct rule_set *rs, const struct msg_text *mt,
    struct rule_scratch *scratch, rule_hit_fn fn, void *ctx, const char **error_r);
/*
 * rule_set_match_langs - rule_set_match, leaving out the rules written only
 * for languages not in langs (their matches could not count: classify);
 * langs 0 (none could be told) runs every rule.
 */
int rule_set_match_langs(const struct rule_set *rs, const struct msg_text *mt, unsigned langs,
    struct rule_scratch *scratch, rule_hit_fn fn, void *ctx, const char **error_r);

/*
 * rule_source_text - the text of source in mt, as the rules of rs read it
 * (RULE_SOURCE_HEADERS is built into tmp; rs NULL: header names as they
 * came, for a text that is not normalised); "" with length 0 when mt has
 * no such text.  Lets a caller find a hit's text again, in the same or
 * another decoding of the message (--explain).
 */
const char *rule_source_text(const struct rule_set *rs, const struct msg_text *mt,
    enum rule_source source, size_t header, struct strbuf *tmp, size_t *len_r);

const char *rule_target_name(enum rule_target target);
/* rule_view_name - "visible", "collapsed", "hidden" */
const char *rule_view_name(enum rule_view view);
/* rule_target_parse - "subject", "from", "header:NAME", "headers", "body", "hidden", "parts", "all" */
int rule_target_parse(const char *s, enum rule_target *target_r, const char **header_r);

#endif
