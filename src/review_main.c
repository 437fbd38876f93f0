/* review_main - csp-milter-audit --review: the command line, the terminal loop, the script forms */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "review.h"
#include "review_main.h"
#include "safe_text.h"
#include "xalloc.h"

#define REVIEW_MAIN_USAGE \
	"usage: csp-milter-audit --review [-c CONF] [--postfix-config DIR | " \
	"--sendmail-queue DIR]\n" \
	"       [--sendmail PATH] [--by WHO] [--milter PATH]\n" \
	"       [--list [--json] | --release ID | --reroute ID | --teach CLASS ID " \
	"| --leave ID]\n"

#define REVIEW_MAIN_CLASSES "subscription, incident, non_csp, other"

#ifndef CSP_CONFDIR
#define CSP_CONFDIR "/etc/csp-milter"
#endif

enum {
	OPT_REVIEW = 256, OPT_POSTFIX_CONFIG, OPT_SENDMAIL_QUEUE, OPT_SENDMAIL, OPT_BY, OPT_MILTER, OPT_LIST,
	OPT_JSON, OPT_RELEASE, OPT_REROUTE, OPT_TEACH, OPT_LEAVE
};

static const struct option review_main_options[] = {
	{ "review", no_argument, NULL, OPT_REVIEW },
	{ "config", required_argument, NULL, 'c' },
	{ "postfix-config", required_argument, NULL, OPT_POSTFIX_CONFIG },
	{ "sendmail-queue", required_argument, NULL, OPT_SENDMAIL_QUEUE },
	{ "sendmail", required_argument, NULL, OPT_SENDMAIL },
	{ "by", required_argument, NULL, OPT_BY },
	{ "milter", required_argument, NULL, OPT_MILTER },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "release", required_argument, NULL, OPT_RELEASE },
	{ "reroute", required_argument, NULL, OPT_REROUTE },
	{ "teach", required_argument, NULL, OPT_TEACH },
	{ "leave", required_argument, NULL, OPT_LEAVE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* review_main_usage - complain and exit 64 */
static void
review_main_usage(const char *why, const char *arg)
{
	if (why != NULL)
		fprintf(stderr, "csp-milter-audit: %s%s%s\n", why, arg != NULL ? ": " : "",
		    arg != NULL ? arg : "");
	fputs(REVIEW_MAIN_USAGE, stderr);
	exit(REVIEW_EX_USAGE);
}

/* review_main_class - a class name, or exit 64 with the valid ones */
static enum csp_class
review_main_class(const char *name)
{
	int c = csp_class_parse(name, 1);

	if (c < 0) {
		fprintf(stderr, "csp-milter-audit: --teach %s: unknown class; valid values: %s\n",
		    name, REVIEW_MAIN_CLASSES);
		exit(REVIEW_EX_USAGE);
	}
	return (enum csp_class)c;
}

/* review_main_time - an arrival time as RFC 3339 UTC */
static void
review_main_time(char *buf, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* review_main_list - --list: one held message a line, or one JSON object a line */
static int
review_main_list(struct review *rv, int json)
{
	struct mta_held *held = NULL;
	json_t **records = NULL, *o, *a, *rules, *r;
	struct strbuf sb = STRBUF_INIT;
	const char *cls;
	char when[32], *text;
	size_t n = 0, i, j, k;
	int rc;

	if ((rc = review_list(rv, &held, &n, &records)) != REVIEW_OK)
		return rc;
	for (i = 0; i < n; i++) {
		const struct mta_held *h = &held[i];

		review_main_time(when, sizeof(when), h->arrival);
		cls = records[i] != NULL ? json_string_value(json_object_get(records[i], "class")) : NULL;
		if (json) {
			o = json_object();
			json_object_set_new(o, "queue_id", review_record_str(h->queue_id));
			json_object_set_new(o, "arrival", json_string(when));
			json_object_set_new(o, "sender", review_record_str(h->sender));
			a = json_array();
			for (j = 0; j < h->nrcpts; j++)
				json_array_append_new(a, review_record_str(h->rcpts[j]));
			json_object_set_new(o, "recipients", a);
			json_object_set_new(o, "size", json_integer(h->size));
			json_object_set_new(o, "record", json_boolean(records[i] != NULL));
			json_object_set_new(o, "class", review_record_str(cls));
			rules = json_array();
			json_array_foreach(json_object_get(records[i], "rules"), k, r)
				if (json_is_string(json_object_get(r, "id")))
					json_array_append(rules, json_object_get(r, "id"));
			json_object_set_new(o, "rules", rules);
			text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (text != NULL)
				printf("%s\n", text);
			free(text);
			json_decref(o);
			continue;
		}
		strbuf_reset(&sb);
		safe_text_log_word(&sb, h->queue_id, strlen(h->queue_id));
		strbuf_appendf(&sb, " %s <", when);
		safe_text_log_word(&sb, h->sender, strlen(h->sender));
		strbuf_append_str(&sb, "> ");
		for (j = 0; j < h->nrcpts; j++) {
			strbuf_append_str(&sb, j ? ",<" : "<");
			safe_text_log_word(&sb, h->rcpts[j], strlen(h->rcpts[j]));
			strbuf_append_char(&sb, '>');
		}
		strbuf_appendf(&sb, " class=%s", cls != NULL && *cls ? cls : records[i] ? "none" : "?");
		if (records[i] == NULL)
			strbuf_append_str(&sb, " (no audit record)");
		printf("%s\n", sb.data);
	}
	for (i = 0; i < n; i++)
		json_decref(records[i]);
	free(records);
	mta_queue_held_free_all(&held, n);
	strbuf_release(&sb);
	return REVIEW_OK;
}

/* review_main_one - one choice on one queue ID (the script form) */
static int
review_main_one(struct review *rv, int opt, const char *qid, enum csp_class cls)
{
	struct review_item it;
	int rc;

	if ((rc = review_item_find(rv, &it, qid)) != REVIEW_OK) {
		review_item_release(&it);
		return rc;
	}
	switch (opt) {
	case OPT_RELEASE:
		rc = review_release(rv, &it, stdout);
		break;
	case OPT_REROUTE:
		rc = review_reroute(rv, &it, stdout);
		break;
	case OPT_TEACH:
		rc = review_teach(rv, &it, cls, stdout);
		break;
	default:
		rc = review_leave(rv, &it, stdout);
		break;
	}
	review_item_release(&it);
	return rc;
}

/* review_main_line - one answer from the reviewer, trimmed; NULL at end of input */
static char *
review_main_line(char *buf, size_t size, const char *prompt)
{
	size_t len;

	fputs(prompt, stdout);
	fflush(stdout);
	if (fgets(buf, (int)size, stdin) == NULL)
		return NULL;
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	while (*buf == ' ')
		memmove(buf, buf + 1, len--);
	return buf;
}

/* What the walk did, for its closing line. */
struct review_tally {
	size_t release, reroute, teach, leave, failed;
};

/* review_main_choose - ask until one choice is done or the reviewer quits; 1 to quit */
static int
review_main_choose(struct review *rv, struct review_item *it, struct review_tally *t)
{
	char line[256], cls_line[256], *ans, *arg;
	int c, rc;

	for (;;) {
		ans = review_main_line(line, sizeof(line),
		    "[r]elease  re[R]oute  [t]each CLASS  [l]eave  [q]uit? ");
		if (ans == NULL) {
			fputc('\n', stdout);
			return 1;
		}
		arg = ans + 1;
		while (*arg == ' ')
			arg++;
		switch (ans[0]) {
		case 'r':
			if ((rc = review_release(rv, it, stdout)) == REVIEW_OK) {
				t->release++;
				return 0;
			}
			break;
		case 'R':
			if ((rc = review_reroute(rv, it, stdout)) == REVIEW_OK) {
				t->reroute++;
				return 0;
			}
			break;
		case 't':
			if (*arg == '\0') {
				arg = review_main_line(cls_line, sizeof(cls_line),
				    "class (" REVIEW_MAIN_CLASSES ")? ");
				if (arg == NULL)
					return 1;
			}
			if ((c = csp_class_parse(arg, 1)) < 0) {
				printf("unknown class '%s'; valid values: %s\n", arg,
				    REVIEW_MAIN_CLASSES);
				continue;
			}
			if ((rc = review_teach(rv, it, (enum csp_class)c, stdout)) == REVIEW_OK) {
				t->teach++;
				return 0;
			}
			break;
		case 'l':
			if ((rc = review_leave(rv, it, stdout)) == REVIEW_OK) {
				t->leave++;
				return 0;
			}
			break;
		case 'q':
			return 1;
		default:
			printf("answer r, R, t CLASS, l or q\n");
			continue;
		}
		t->failed++;
		fflush(stderr);
		if (review_item_held(rv, it) == 0) {
			printf("%s: no longer held (released or deleted elsewhere); next\n",
			    it->held.queue_id);
			return 0;
		}
		printf("%s: that did not work (see above); choose again\n", it->held.queue_id);
		fflush(stdout);
	}
}

/* review_main_walk - every held message, oldest first, on the terminal */
static int
review_main_walk(struct review *rv)
{
	struct review_tally t = { 0 };
	struct mta_held *held = NULL;
	struct review_item it;
	json_t **records = NULL;
	size_t n = 0, i, seen = 0;
	int rc, quit = 0;

	if ((rc = review_list(rv, &held, &n, &records)) != REVIEW_OK)
		return rc;
	printf("%zu held message%s; reviewing as %s\n", n, n == 1 ? "" : "s", review_by(rv));
	for (i = 0; i < n && !quit; i++) {
		printf("\n=== held message %zu of %zu ===\n", i + 1, n);
		if (review_item_load(rv, &it, &held[i], records[i], 0) != REVIEW_OK) {
			review_item_release(&it);
			printf("(skipped: it cannot be read; it may have left the queue)\n");
			continue;
		}
		review_item_show(rv, &it, stdout);
		quit = review_main_choose(rv, &it, &t);
		seen += !quit;
		review_item_release(&it);
	}
	printf("\nreviewed %zu of %zu: %zu released, %zu rerouted, %zu taught, %zu left held\n",
	    seen, n, t.release, t.reroute, t.teach, t.leave);
	for (i = 0; i < n; i++)
		json_decref(records[i]);
	free(records);
	mta_queue_held_free_all(&held, n);
	return REVIEW_OK;
}

/* review_main - csp-milter-audit --review */
int
review_main(int argc, char **argv)
{
	struct review_opts o;
	struct review *rv;
	const char *err, *qid = NULL;
	enum csp_class cls = CLASS_OTHER;
	int c, action = 0, json = 0, rc;

	memset(&o, 0, sizeof(o));
	o.conf_path = CSP_CONFDIR "/csp-milter.conf";
	o.self = argv[0];
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", review_main_options, NULL)) != -1) {
		switch (c) {
		case OPT_REVIEW:
			break;
		case 'c':
			o.conf_path = optarg;
			break;
		case OPT_POSTFIX_CONFIG:
			o.postfix_config = optarg;
			break;
		case OPT_SENDMAIL_QUEUE:
			o.sendmail_queue = optarg;
			break;
		case OPT_SENDMAIL:
			if (*optarg == '\0')
				review_main_usage("--sendmail needs a program", NULL);
			o.sendmail_cmd = optarg;
			break;
		case OPT_BY:
			if (*optarg == '\0')
				review_main_usage("--by needs a name", NULL);
			o.by = optarg;
			break;
		case OPT_MILTER:
			o.milter = optarg;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_TEACH:
			cls = review_main_class(optarg);
			/* FALLTHROUGH */
		case OPT_LIST: case OPT_RELEASE: case OPT_REROUTE: case OPT_LEAVE:
			if (action != 0)
				review_main_usage("--list, --release, --reroute, --teach and --leave "
				    "exclude each other", NULL);
			action = c;
			if (c != OPT_LIST && c != OPT_TEACH)
				qid = optarg;
			break;
		case 'h':
			fputs(REVIEW_MAIN_USAGE, stdout);
			exit(0);
		default:
			review_main_usage(NULL, NULL);
		}
	}
	if (action == OPT_TEACH) {
		if (optind >= argc)
			review_main_usage("--teach CLASS needs the queue ID after the class", NULL);
		qid = argv[optind++];
	}
	if (optind < argc)
		review_main_usage("unexpected argument", argv[optind]);
	if (o.postfix_config != NULL && o.sendmail_queue != NULL)
		review_main_usage("--postfix-config and --sendmail-queue exclude each other", NULL);
	if (json && action != OPT_LIST)
		review_main_usage("--json goes with --list", NULL);
	if (qid != NULL && *qid == '\0')
		review_main_usage("an empty queue ID", NULL);
	if ((rv = review_new(&o, &err)) == NULL) {
		fprintf(stderr, "csp-milter-audit: %s\n", err);
		return 78;	/* EX_CONFIG */
	}
	if (action == OPT_LIST)
		rc = review_main_list(rv, json);
	else if (action != 0)
		rc = review_main_one(rv, action, qid, cls);
	else if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "csp-milter-audit: --review without --list, --release, --reroute, "
		    "--teach or --leave needs a terminal\n");
		rc = REVIEW_EX_USAGE;
	} else
		rc = review_main_walk(rv);
	review_free(&rv);
	return rc;
}
