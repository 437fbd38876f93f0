/* cli_classify - the offline classifier */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_classify.h"
#include "cli_train.h"
#include "lang.h"
#include "utf8.h"
#include "example_store.h"
#include "mime_decoder.h"
#include "xalloc.h"

/* append_matches - the "matches" list */
static void
append_matches(const struct scan_result *scan, struct strbuf *sb)
{
	const struct classify_result *res = scan->classify;
	const struct rule_set *rules = scan->conf->rules;
	const char *ex;
	size_t i, len;

	strbuf_append_str(sb, "[");
	for (i = 0; i < res->match_count; i++) {
		const struct classify_match *m = &res->matches[i];
		const struct rule_spec *spec = rule_set_spec(rules, m->rule);

		if (i > 0)
			strbuf_append_char(sb, ',');
		strbuf_append_str(sb, "{\"rule\":");
		strbuf_append_json(sb, spec->id, strlen(spec->id));
		strbuf_appendf(sb, ",\"class\":\"%s\",\"target\":\"%s\",\"view\":\"%s\","
		    "\"counted\":%s,\"weight\":%d,\"hits\":%d,\"excerpt\":",
		    csp_class_name((enum csp_class)spec->class_index), rule_target_name(m->target),
		    rule_view_name(m->view), m->counted ? "true" : "false", spec->weight, m->hits);
		ex = classify_excerpt(res, m, &len);
		strbuf_append_json(sb, ex, len);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "]");
}

/* append_langs - the language codes of a lang set, each quoted, comma-separated */
static void
append_langs(struct strbuf *sb, unsigned langs, const char *open, const char *close)
{
	unsigned bit;
	int n = 0;

	for (bit = 1; bit != 0 && bit <= langs; bit <<= 1)
		if (langs & bit)
			strbuf_appendf(sb, "%s%s%s%s", n++ ? "," : "", open, lang_name(bit), close);
}

/* cli_classify_json - one message as one JSON object */
void
cli_classify_json(const struct scan_result *scan, const char *file, struct strbuf *sb)
{
	const struct classify_result *res = scan->classify;
	size_t i;
	int c;

	strbuf_append_str(sb, "{\"file\":");
	strbuf_append_json(sb, file, strlen(file));
	if (!scan->vendor) {
		strbuf_append_str(sb, ",\"class\":null,\"uncertain\":false,\"vendor\":false,\"scores\":{},\"matches\":[],"
		    "\"examples\":[]");
	} else {
		strbuf_appendf(sb, ",\"class\":\"%s\",\"uncertain\":%s,\"vendor\":true,\"reason\":",
		    csp_class_name(res->class), res->uncertain ? "true" : "false");
		strbuf_append_json(sb, res->reason.data ? res->reason.data : "", res->reason.len);
		strbuf_append_str(sb, ",\"scores\":{");
		for (c = 0; c < CLASS_RULED; c++)
			strbuf_appendf(sb, "%s\"%s\":%ld", c ? "," : "",
			    csp_class_name((enum csp_class)c), res->score[c]);
		strbuf_append_str(sb, "},\"languages\":[");
		append_langs(sb, res->langs, "\"", "\"");
		strbuf_append_str(sb, "],\"matches\":");
		append_matches(scan, sb);
		strbuf_append_str(sb, ",\"examples\":[");
		for (i = 0; i < res->example_count; i++) {
			const struct classify_example *e = &res->examples[i];
			struct example_info info;

			example_index_info(res->examples_index, e->slot, &info);
			strbuf_appendf(sb, "%s{\"id\":%lld,\"class\":\"%s\",\"similarity\":%.2f,"
			    "\"points\":%ld,\"taught_by\":", i ? "," : "", e->id,
			    csp_class_name(e->class), e->similarity, e->points);
			strbuf_append_json(sb, info.taught_by, strlen(info.taught_by));
			strbuf_append_str(sb, ",\"taught_at\":");
			strbuf_append_json(sb, info.taught_at, strlen(info.taught_at));
			strbuf_append_char(sb, '}');
		}
		strbuf_append_char(sb, ']');
		if (res->model_scored) {
			strbuf_append_str(sb, ",\"model\":{");
			for (c = 0; c < CLASS_COUNT; c++)
				strbuf_appendf(sb, "%s\"%s\":%.4f", c ? "," : "",
				    csp_class_name((enum csp_class)c), res->model_p[c]);
			strbuf_append_char(sb, '}');
		}
	}
	strbuf_append_str(sb, ",\"recipients\":[");
	for (i = 0; i < scan->rcpt_count; i++) {
		const struct scan_recipient *r = &scan->rcpts[i];
		const char *cust = r->cust ? r->cust->customer_id : "";
		const char *partner = r->cust ? r->cust->partner : "";

		if (i > 0)
			strbuf_append_char(sb, ',');
		strbuf_append_str(sb, "{\"rcpt\":");
		strbuf_append_json(sb, r->rcpt, strlen(r->rcpt));
		strbuf_append_str(sb, ",\"customer\":");
		strbuf_append_json(sb, cust, strlen(cust));
		strbuf_appendf(sb, ",\"decision\":\"%s\",\"partner\":",
		    scan->vendor ? decision_name(r->decision) : "untouched");
		strbuf_append_json(sb, partner, strlen(partner));
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "]}");
}

/* print_examples - one line per matched example: "like example 12, taught as ..." */
static void
print_examples(const struct classify_result *res, const char *indent, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < res->example_count; i++) {
		const struct classify_example *e = &res->examples[i];

		strbuf_reset(&sb);
		example_index_describe(res->examples_index, e->slot, e->similarity, &sb);
		fprintf(out, "%sexample: %s (%s %+ld)\n", indent, sb.data, csp_class_name(e->class),
		    e->points);
	}
	strbuf_release(&sb);
}

/* print_human - the readable report of one message */
static void
print_human(const struct scan_result *scan, const char *file, FILE *out)
{
	const struct classify_result *res = scan->classify;
	struct strbuf langs = STRBUF_INIT;
	const char *ex;
	size_t i, len;
	int c;

	fprintf(out, "%s\n", file);
	if (!scan->vendor) {
		fprintf(out, "  sender is not vendor-side: message passes untouched\n");
		return;
	}
	fprintf(out, "  class: %s%s%s%s\n", csp_class_name(res->class),
	    res->uncertain ? " (uncertain: " : "", res->uncertain ? res->reason.data : "",
	    res->uncertain ? "; the most restrictive decision applies)" : "");
	fprintf(out, "  scores:");
	for (c = 0; c < CLASS_RULED; c++)
		fprintf(out, " %s=%ld/%d", csp_class_name((enum csp_class)c), res->score[c],
		    scan->conf->classify.threshold[c]);
	fprintf(out, "\n");
	strbuf_reset(&langs);
	append_langs(&langs, res->langs, "", "");
	fprintf(out, "  languages: %s\n", langs.len > 0 ? langs.data : "none told");
	strbuf_release(&langs);
	if (res->match_count == 0)
		fprintf(out, "  matches: none\n");
	for (i = 0; i < res->match_count; i++) {
		const struct classify_match *m = &res->matches[i];
		const struct rule_spec *spec = rule_set_spec(scan->conf->rules, m->rule);

		ex = classify_excerpt(res, m, &len);
		fprintf(out, "  match: %s (%s %+d x%d) in %s, %s view%s at %zu: \"%.*s\"\n", spec->id,
		    csp_class_name((enum csp_class)spec->class_index), spec->weight, m->hits,
		    rule_target_name(m->target), rule_view_name(m->view),
		    m->counted ? "" : " (not counted)", m->offset,
		    (int)len, ex);
	}
	print_examples(res, "  ", out);
	for (i = 0; i < scan->rcpt_count; i++) {
		const struct scan_recipient *r = &scan->rcpts[i];

		fprintf(out, "  recipient %s: %s", r->rcpt, decision_name(r->decision));
		if (r->decision == DECISION_REROUTE)
			fprintf(out, " to %s", r->cust->partner);
		if (r->cust != NULL)
			fprintf(out, " (customer %s, %s)", r->cust->customer_id,
			    rcpt_kind_name(policy_kind(r->cust)));
		else
			fprintf(out, " (not a customer)");
		fprintf(out, "\n");
	}
}

/*
 * --explain: every counted match with its context, the score build-up of
 * each class, and the same place in the text decoded without
 * normalisation, so that a rule author sees what the patterns really ran
 * against.
 */
#define EXPLAIN_CONTEXT 40	/* bytes of context either side of a match */

/* Where a match was: which text of the decoded message. */

struct explain_hit {
	size_t rule;
	enum rule_target target;
	enum rule_view view;
	enum rule_source source;	/* the text it was found in */
	size_t header;		/* RULE_SOURCE_HEADER: index of the header */
	size_t start, end;	/* in that text */
	size_t ctx_off, ctx_len, mark_off, mark_len;	/* into explain_run.ctx */
};

struct explain_run {
	struct explain_hit *hits;
	size_t count, cap;
	struct strbuf ctx;	/* context copies: the texts may be rebuilt later */
};

/* explain_window - [from, to) around [start, end), cut on character bounds */
static void
explain_window(const char *text, size_t len, size_t start, size_t end, size_t *from_r,
    size_t *to_r)
{
	*from_r = start > EXPLAIN_CONTEXT ? utf8_floor(text, start - EXPLAIN_CONTEXT) : 0;
	*to_r = end + EXPLAIN_CONTEXT < len ? utf8_floor(text, end + EXPLAIN_CONTEXT) : len;
	if (*to_r < end)
		*to_r = end;
}

/* explain_on_hit - record one counted match and a copy of its context */
static void
explain_on_hit(const struct rule_hit *hit, void *ctx)
{
	struct explain_run *run = ctx;
	struct explain_hit *h;
	size_t from, to;

	if (run->count == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 16;
		run->hits = xreallocarray(run->hits, run->cap, sizeof(*run->hits));
	}
	h = &run->hits[run->count++];
	h->rule = hit->rule;
	h->target = hit->target;
	h->view = hit->view;
	h->start = hit->start;
	h->end = hit->end;
	h->source = hit->source;
	h->header = hit->header;
	explain_window(hit->text, hit->text_len, hit->start, hit->end, &from, &to);
	h->ctx_off = run->ctx.len;
	h->ctx_len = to - from;
	h->mark_off = hit->start - from;
	h->mark_len = hit->end - hit->start;
	strbuf_append(&run->ctx, hit->text + from, to - from);
}

/* explain_text - the text a hit refers to, in a (raw or normalised) msg_text */
static const char *
explain_text(const struct rule_set *rules, const struct msg_text *mt,
    const struct explain_hit *h, struct strbuf *headers, size_t *len_r)
{
	const char *text = rule_source_text(rules, mt, h->source, h->header, headers, len_r);

	/* The raw text has no collapsed view: its body holds the spaced letters. */
	if (h->source == RULE_SOURCE_COLLAPSED && *len_r == 0)
		return msg_text_body(mt, len_r);
	return text;
}

/*
 * explain_show - text for a reader on one line: the span [mark, mark +
 * mark_len) in [[brackets]], line breaks as "\n", tabs as "\t", and the
 * invisible characters that normalisation removes or folds (controls,
 * zero-width and format characters, soft hyphen, ideographic space,
 * U+FFFD) as <U+XXXX>.  Full-width letters are visible as they are.
 */
static void
explain_show(FILE *out, const char *s, size_t len, size_t mark, size_t mark_len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, n;

	while (i <= len) {
		if (mark_len > 0 && i == mark)
			fputs("[[", out);
		if (mark_len > 0 && i == mark + mark_len)
			fputs("]]", out);
		if (i == len)
			break;
		if (p[i] == '\n' || p[i] == '\t' || p[i] == '\r') {
			fputs(p[i] == '\n' ? "\\n" : p[i] == '\t' ? "\\t" : "\\r", out);
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(out, "<U+%04X>", p[i]);
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			fputc(p[i], out);
			i++;
			continue;
		}
		n = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
		if (i + n > len) {
			fprintf(out, "<%02X>", p[i++]);
			continue;
		}
		cp = n == 2 ? (p[i] & 0x1fUL) : n == 3 ? (p[i] & 0x0fUL) : (p[i] & 0x07UL);
		cp = (cp << 6) | (p[i + 1] & 0x3f);
		if (n > 2)
			cp = (cp << 6) | (p[i + 2] & 0x3f);
		if (n > 3)
			cp = (cp << 6) | (p[i + 3] & 0x3f);
		if (cp == 0xad || cp == 0x34f || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff || cp == 0xfffd ||
		    cp == 0x3000 || (cp >= 0x80 && cp < 0xa0))
			fprintf(out, "<U+%04lX>", cp);
		else
			fwrite(p + i, 1, n, out);
		i += n;
	}
}

/* explain_space - a white-space byte, as normalisation counts it */
static int
explain_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v' || c == '\0';
}

/* explain_lower - ASCII lower case: the normalised text is case-folded, the raw text is not */
static char
explain_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/*
 * explain_at - does needle occur in hay at i, a run of white space in the
 * needle matching any run in hay, ASCII case ignored?  Returns the bytes
 * of hay it covers, or 0.
 */
static size_t
explain_at(const char *hay, size_t hay_len, size_t i, const char *needle, size_t len)
{
	size_t h = i, n = 0;

	while (n < len) {
		if (explain_space(needle[n])) {
			if (h >= hay_len || !explain_space(hay[h]))
				return 0;
			while (n < len && explain_space(needle[n]))
				n++;
			while (h < hay_len && explain_space(hay[h]))
				h++;
			continue;
		}
		if (h >= hay_len || explain_lower(hay[h]) != explain_lower(needle[n]))
			return 0;
		h++;
		n++;
	}
	return h - i;
}

/* explain_nearest - the occurrence of needle in hay nearest to est, or -1; its length in *len_r */
static long
explain_nearest(const char *hay, size_t hay_len, const char *needle, size_t len, size_t est,
    size_t *len_r)
{
	long best = -1;
	size_t i, d, best_d = 0, n;

	if (len == 0)
		return -1;
	for (i = 0; i < hay_len; i++) {
		if (explain_lower(hay[i]) != explain_lower(needle[0]) ||
		    (n = explain_at(hay, hay_len, i, needle, len)) == 0)
			continue;
		d = i > est ? i - est : est - i;
		if (best < 0 || d < best_d) {
			best = (long)i;
			best_d = d;
			*len_r = n;
		}
	}
	return best;
}

/* explain_words - up to 16 bytes of whole words of norm[from, to), as [*off_r, +*len_r) */
static int
explain_words(const char *norm, size_t from, size_t to, int before, size_t *off_r, size_t *len_r)
{
	size_t a = from, b = to;

	if (before && b - a > 16)
		a = b - 16;
	if (!before && b - a > 16)
		b = a + 16;
	/* Cut to whole words so that a partial character or word does not spoil the search. */
	if (before && a > from)
		while (a < b && norm[a - 1] != ' ' && norm[a - 1] != '\n')
			a++;
	if (!before && b < to)
		while (b > a && norm[b] != ' ' && norm[b] != '\n')
			b--;
	/* White space is what normalisation changes most: keep it out of the anchor. */
	while (a < b && (norm[a] == ' ' || norm[a] == '\n'))
		a++;
	while (b > a && (norm[b - 1] == ' ' || norm[b - 1] == '\n'))
		b--;
	*off_r = a;
	*len_r = b - a;
	return b - a >= 3;
}

/* explain_anchor - the raw span between the words around the match; 1 if found */
static int
explain_anchor(const char *norm, size_t norm_len, const struct explain_hit *h, const char *raw,
    size_t raw_len, size_t est, long *at_r, size_t *len_r)
{
	size_t off, len, roff, rlen, start, p, found;
	long left, right;

	if (explain_words(norm, 0, h->start, 1, &off, &len)) {
		if ((left = explain_nearest(raw, raw_len, norm + off, len, est, &found)) < 0)
			return 0;
		start = (size_t)left + found;
	} else if (h->start == 0)
		start = 0;	/* the match opens its text */
	else
		return 0;
	while (start < raw_len && (raw[start] == ' ' || raw[start] == '\n' || raw[start] == '\r' ||
	    raw[start] == '\t'))
		start++;
	if (!explain_words(norm, h->end, norm_len, 0, &roff, &rlen) ||
	    (right = explain_nearest(raw + start, raw_len - start, norm + roff, rlen, 0, &found)) < 0)
		return 0;
	p = start + (size_t)right;
	while (p > start && (raw[p - 1] == ' ' || raw[p - 1] == '\n' || raw[p - 1] == '\r' ||
	    raw[p - 1] == '\t'))
		p--;
	if (p <= start || p - start > 8 * (h->end - h->start) + 64)
		return 0;
	*at_r = (long)start;
	*len_r = p - start;
	return 1;
}

/*
 * explain_raw - show where a match lies in the text decoded without
 * normalisation.  Normalisation only removes characters (zero-width and
 * format characters), folds some (full-width forms) and shrinks white
 * space, so a place in the normalised text lies at or after the same place
 * in the raw one, roughly in proportion to the lengths: that proportion
 * is the estimate.  The raw text is then searched for the matched text
 * itself, taking the occurrence nearest the estimate (in every search, a
 * run of white space matches any run).  When it is not
 * there, normalisation changed the matched text itself (a zero-width character inside a word,
 * full-width letters): the words just before the match are looked up
 * instead, and the words just after it, and the raw text between the two
 * is the match's raw form.  Failing that, the match's first characters
 * are looked up.  As a last resort the raw text around the estimate is
 * shown, which is where to look for it.
 */
static void
explain_raw(FILE *out, const char *norm, size_t norm_len, const char *raw, size_t raw_len,
    const struct explain_hit *h)
{
	size_t est, len = h->end - h->start, from, to, mlen = len;
	const char *how = "the same text";
	long at;

	est = norm_len > 0 ? (size_t)((double)h->start * (double)raw_len / (double)norm_len) : 0;
	at = explain_nearest(raw, raw_len, norm + h->start, len, est, &mlen);
	if (at < 0 && explain_anchor(norm, norm_len, h, raw, raw_len, est, &at, &mlen))
		how = "between the same neighbouring words; normalisation changed the match";
	if (at < 0 && len > 4) {
		mlen = utf8_floor(norm + h->start, 4) ? utf8_floor(norm + h->start, 4) : 4;
		at = explain_nearest(raw, raw_len, norm + h->start, mlen, est, &mlen);
		how = "its first characters; the rest differs";
	}
	fputs("      raw: ", out);
	if (at < 0) {
		if (est > raw_len)
			est = raw_len;
		est = utf8_floor(raw, est);
		explain_window(raw, raw_len, est, est, &from, &to);
		explain_show(out, raw + from, to - from, 0, 0);
		fputs("\n           (not found verbatim: normalisation changed the matched text;"
		    " shown near the estimated place)\n", out);
		return;
	}
	explain_window(raw, raw_len, (size_t)at, (size_t)at + mlen, &from, &to);
	explain_show(out, raw + from, to - from, (size_t)at - from, mlen);
	fprintf(out, "\n           (at %ld, %s)\n", at, how);
}

/* explain_where_name - the text a match was found in, for the reader */
static const char *
explain_where_name(const struct msg_text *mt, const struct explain_hit *h)
{
	switch (h->source) {
	case RULE_SOURCE_HEADER:
		return msg_text_header_name(mt, h->header);
	case RULE_SOURCE_HEADERS:
		return "headers";
	case RULE_SOURCE_BODY:
		return "body";
	case RULE_SOURCE_COLLAPSED:
		return "collapsed body";
	case RULE_SOURCE_HIDDEN:
		return "hidden";
	case RULE_SOURCE_PARTS:
		return "parts";
	}
	return "?";
}

/* explain_message - matches, raw text and score build-up of the scanned message */
static int
explain_message(struct scan *s, const char *data, size_t data_len, FILE *out)
{
	const struct scan_result *scan = scan_result(s);
	const struct conf *conf = scan->conf;
	const struct rule_set *rules = conf->rules;
	struct explain_run run;
	struct msg_text *raw_mt = NULL;
	struct mime_decoder *md = NULL;
	struct strbuf nh = STRBUF_INIT, rh = STRBUF_INIT;
	const char *norm, *raw;
	size_t i, norm_len, raw_len, matched;
	long total;
	int c, rc = 0;

	memset(&run, 0, sizeof(run));
	/* Run the rules once more to see every counted match, not only the first of each rule. */
	scan_rule_hits(s, explain_on_hit, &run);
	/* The same message decoded again with normalisation off. */
	raw_mt = msg_text_new(conf->max_text, 0);
	md = mime_decoder_new(&conf->limits);
	mime_decoder_reset(md, raw_mt);
	mime_decoder_raw(md, data != NULL ? data : "", data_len);
	mime_decoder_finish(md);

	fprintf(out, "  explain:%s\n", scan->vendor ? "" :
	    " (the sender is not vendor-side, so none of this applies to it)");
	if (run.count == 0)
		fprintf(out, "    no rule matched\n");
	for (i = 0; i < run.count; i++) {
		const struct explain_hit *h = &run.hits[i];
		const struct rule_spec *spec = rule_set_spec(rules, h->rule);

		fprintf(out, "    %s (%s %+d) target %s, in %s at %zu-%zu, %s view%s\n", spec->id,
		    csp_class_name((enum csp_class)spec->class_index), spec->weight,
		    rule_target_name(h->target), explain_where_name(scan->text, h), h->start, h->end,
		    rule_view_name(h->view), classify_counts(spec, h->view, scan->classify->langs) ? "" :
		    h->view == RULE_VIEW_HIDDEN ? " (not counted: hidden text may only add to subscription)" :
		    " (not counted: the rule is for another language than the message's)");
		fputs("      decoded: ", out);
		explain_show(out, run.ctx.data + h->ctx_off, h->ctx_len, h->mark_off, h->mark_len);
		fputc('\n', out);
		norm = explain_text(rules, scan->text, h, &nh, &norm_len);
		raw = explain_text(NULL, raw_mt, h, &rh, &raw_len);
		explain_raw(out, norm, norm_len, raw, raw_len, h);
	}
	fprintf(out, "  score build-up (counted matches in rule order):\n");
	for (c = 0; c < CLASS_RULED; c++) {
		fprintf(out, "    %s, threshold %d:", csp_class_name((enum csp_class)c),
		    conf->classify.threshold[c]);
		total = 0;
		matched = 0;
		for (i = 0; i < run.count; i++) {
			const struct rule_spec *spec = rule_set_spec(rules, run.hits[i].rule);

			if (spec->class_index != c ||
			    !classify_counts(spec, run.hits[i].view, scan->classify->langs))
				continue;
			total += spec->weight;
			matched++;
			fprintf(out, "\n      %+5d %-24s = %ld%s", spec->weight, spec->id, total,
			    total >= conf->classify.threshold[c] &&
			    total - spec->weight < conf->classify.threshold[c] ? "  (threshold reached)" : "");
		}
		for (i = 0; i < scan->classify->example_count; i++) {
			const struct classify_example *e = &scan->classify->examples[i];
			struct example_info info;

			if (e->class != (enum csp_class)c)
				continue;
			example_index_info(scan->classify->examples_index, e->slot, &info);
			total += e->points;
			matched++;
			fprintf(out, "\n      %+5ld example %-16lld = %ld (similarity %.2f)", e->points, e->id,
			    total, e->similarity);
		}
		fprintf(out, "%s\n", matched == 0 ? " nothing matched" : "");
	}
	if (scan->classify->example_count > 0) {
		fprintf(out, "  template memory (examples at or above min_similarity %.2f, best per "
		    "class, weight %d x similarity):\n", conf->examples_min_similarity,
		    conf->classify.examples_weight);
		print_examples(scan->classify, "    ", out);
	}
	fprintf(out, "    -> %s: the first class in precedence order that reaches its threshold"
	    " wins (", csp_class_name(scan->classify->class));
	for (c = 0; c < CLASS_RULED; c++)
		fprintf(out, "%s%s", c ? ", " : "", csp_class_name(conf->classify.precedence[c]));
	fprintf(out, "); none: other\n");
	rc = cli_train_explain(conf, scan->text, scan->classify->class, out);
	mime_decoder_free(&md);
	msg_text_free(&raw_mt);
	strbuf_release(&nh);
	strbuf_release(&rh);
	strbuf_release(&run.ctx);
	free(run.hits);
	return rc;
}

/* read_all - the whole of fd into sb */
static int
read_all(int fd, struct strbuf *sb)
{
	ssize_t n;

	strbuf_reset(sb);
	for (;;) {
		strbuf_grow(sb, 65536);
		if ((n = read(fd, sb->data + sb->len, 65536)) == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		sb->len += (size_t)n;
		sb->data[sb->len] = '\0';
	}
}

/*
 * classify_one - scan one file.  With raw (--explain), the message is read
 * whole into raw first, so that it can be decoded a second time.
 */
static int
classify_one(struct scan *scan, struct conf *conf, const struct cli_classify_opts *opts,
    const char *file, struct strbuf *raw)
{
	size_t i;
	int fd, rc;

	if (strcmp(file, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(file, O_RDONLY)) < 0) {
		fprintf(stderr, "csp-milter: %s: %s\n", file, strerror(errno));
		return -1;
	}
	rc = 0;
	scan_begin(scan, conf);
	if (opts->from != NULL)
		scan_set_sender(scan, opts->from);
	for (i = 0; i < opts->rcpt_count; i++)
		scan_add_rcpt(scan, opts->rcpts[i]);
	if (raw != NULL) {
		if (read_all(fd, raw) < 0) {
			fprintf(stderr, "csp-milter: %s: read error: %s\n", file, strerror(errno));
			rc = -1;
		} else
			scan_raw(scan, raw->data != NULL ? raw->data : "", raw->len);
	} else if (scan_raw_fd(scan, fd) < 0) {
		fprintf(stderr, "csp-milter: %s: read error: %s\n", file, strerror(errno));
		rc = -1;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc == 0)
		scan_decide(scan, opts->from == NULL);
	return rc;
}

/* cli_classify_run - classify every file */
int
cli_classify_run(struct conf *conf, const struct cli_classify_opts *opts,
    char **files, int nfiles, FILE *out)
{
	struct scan *scan = scan_new();
	struct strbuf sb = STRBUF_INIT, raw = STRBUF_INIT;
	int i, status = 0;

	for (i = 0; i < nfiles; i++) {
		if (classify_one(scan, conf, opts, files[i], opts->explain ? &raw : NULL) < 0) {
			status = 1;
			continue;
		}
		if (opts->json) {
			strbuf_reset(&sb);
			cli_classify_json(scan_result(scan), files[i], &sb);
			fprintf(out, "%s\n", sb.data);
		} else {
			print_human(scan_result(scan), files[i], out);
			if (opts->explain && explain_message(scan, raw.data, raw.len, out) < 0) {
				fprintf(stderr, "csp-milter: %s: out of memory\n", files[i]);
				status = 1;
			}
		}
	}
	strbuf_release(&raw);
	strbuf_release(&sb);
	scan_free(&scan);
	return status;
}
