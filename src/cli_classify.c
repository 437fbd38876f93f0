/* cli_classify - the offline classifier */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_classify.h"

/* append_matches - the "matches" list */
static void
append_matches(const struct scan *scan, struct strbuf *sb)
{
	const struct classify_result *res = &scan->result;
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
		strbuf_appendf(sb, ",\"class\":\"%s\",\"target\":\"%s\",\"weight\":%d,\"hits\":%d,\"excerpt\":",
		    csp_class_name((enum csp_class)spec->class_index), rule_target_name(m->target),
		    spec->weight, m->hits);
		ex = classify_excerpt(res, m, &len);
		strbuf_append_json(sb, ex, len);
		strbuf_append_char(sb, '}');
	}
	strbuf_append_str(sb, "]");
}

/* cli_classify_json - one message as one JSON object */
void
cli_classify_json(const struct scan *scan, const char *file, struct strbuf *sb)
{
	const struct classify_result *res = &scan->result;
	size_t i;
	int c;

	strbuf_append_str(sb, "{\"file\":");
	strbuf_append_json(sb, file, strlen(file));
	if (!scan->vendor) {
		strbuf_append_str(sb, ",\"class\":null,\"uncertain\":false,\"vendor\":false,\"scores\":{},\"matches\":[]");
	} else {
		strbuf_appendf(sb, ",\"class\":\"%s\",\"uncertain\":%s,\"vendor\":true,\"reason\":",
		    csp_class_name(res->class), res->uncertain ? "true" : "false");
		strbuf_append_json(sb, res->reason.data ? res->reason.data : "", res->reason.len);
		strbuf_append_str(sb, ",\"scores\":{");
		for (c = 0; c < CLASS_RULED; c++)
			strbuf_appendf(sb, "%s\"%s\":%ld", c ? "," : "",
			    csp_class_name((enum csp_class)c), res->score[c]);
		strbuf_append_str(sb, "},\"matches\":");
		append_matches(scan, sb);
	}
	strbuf_append_str(sb, ",\"recipients\":[");
	for (i = 0; i < scan->rcpt_count; i++) {
		const struct scan_rcpt *r = &scan->rcpts[i];
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

/* print_human - the readable report of one message */
static void
print_human(const struct scan *scan, const char *file, FILE *out)
{
	const struct classify_result *res = &scan->result;
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
	if (res->match_count == 0)
		fprintf(out, "  matches: none\n");
	for (i = 0; i < res->match_count; i++) {
		const struct classify_match *m = &res->matches[i];
		const struct rule_spec *spec = rule_set_spec(scan->conf->rules, m->rule);

		ex = classify_excerpt(res, m, &len);
		fprintf(out, "  match: %s (%s %+d x%d) in %s at %zu: \"%.*s\"\n", spec->id,
		    csp_class_name((enum csp_class)spec->class_index), spec->weight, m->hits,
		    rule_target_name(m->target), m->offset, (int)len, ex);
	}
	for (i = 0; i < scan->rcpt_count; i++) {
		const struct scan_rcpt *r = &scan->rcpts[i];

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

/* classify_one - scan one file */
static int
classify_one(struct scan *scan, struct conf *conf, const struct cli_classify_opts *opts,
    const char *file)
{
	size_t i;
	int fd, rc;

	if (strcmp(file, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(file, O_RDONLY)) < 0) {
		fprintf(stderr, "csp-milter: %s: %s\n", file, strerror(errno));
		return -1;
	}
	rc = scan_begin(scan, conf);
	if (rc == 0 && opts->from != NULL)
		scan_set_sender(scan, opts->from);
	for (i = 0; rc == 0 && i < opts->rcpt_count; i++)
		rc = scan_add_rcpt(scan, opts->rcpts[i]);
	if (rc == 0 && scan_raw_fd(scan, fd) < 0) {
		fprintf(stderr, "csp-milter: %s: read error: %s\n", file, strerror(errno));
		rc = -1;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc == 0 && scan_decide(scan, opts->from == NULL) < 0) {
		fprintf(stderr, "csp-milter: %s: out of memory\n", file);
		rc = -1;
	}
	return rc;
}

/* cli_classify_run - classify every file */
int
cli_classify_run(struct conf *conf, const struct cli_classify_opts *opts,
    char **files, int nfiles, FILE *out)
{
	struct scan *scan = scan_new();
	struct strbuf sb = STRBUF_INIT;
	int i, status = 0;

	if (scan == NULL) {
		fprintf(stderr, "csp-milter: out of memory\n");
		return 1;
	}
	for (i = 0; i < nfiles; i++) {
		if (classify_one(scan, conf, opts, files[i]) < 0) {
			status = 1;
			continue;
		}
		if (opts->json) {
			strbuf_reset(&sb);
			cli_classify_json(scan, files[i], &sb);
			fprintf(out, "%s\n", sb.data);
		} else
			print_human(scan, files[i], out);
	}
	strbuf_release(&sb);
	scan_free(&scan);
	return status;
}
