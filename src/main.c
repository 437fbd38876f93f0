/* main - csp-milter: wire the command line to the daemon or the offline commands */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_classify.h"
#include "cli_evaluate.h"
#include "cli_examples.h"
#include "mta_queue.h"
#include "cli_train.h"
#include "conf.h"
#include "daemon.h"
#include "preflight.h"
#include "xalloc.h"


/* usage - the synopsis, to stderr */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: csp-milter [-f] [-c CONF] [-p SOCKET]            run the milter\n"
	    "       csp-milter -n [-c CONF]                            check the config and exit\n"
	    "       csp-milter [-c CONF] --accept-shrink               let the running milter load a\n"
	    "                                                          much smaller customers file once\n"
	    "       csp-milter [-c CONF] --classify [--from ADDR] [--rcpt ADDR]...\n"
	    "                  [--customers FILE] [--json | --explain] FILE...\n"
	    "                                                          classify messages offline\n"
	    "       csp-milter [-c CONF] --evaluate DIR [--compare CONF2] [--json]\n"
	    "                  [--margin N] [--jobs N] [--folds N]     measure the rules on a corpus\n"
	    "       csp-milter [-c CONF] --evaluate DIR --teach-first-per-template [--unrelated DIR]\n"
	    "                  [--json]                                teach one example per template\n"
	    "       csp-milter [-c CONF] --train CORPUS [--train CORPUS]... -o FILE\n"
	    "                                                          train the learned model\n"
	    "       csp-milter [-c CONF] --learn CLASS [--note TEXT] [--by WHO] FILE...\n"
	    "       csp-milter [-c CONF] --learn CLASS [--note TEXT] [--by WHO] --queue-id ID...\n"
	    "                  [--postfix-config DIR | --sendmail-queue DIR]\n"
	    "                                                          teach examples (template memory)\n"
	    "       csp-milter [-c CONF] --forget ID                   remove an example\n"
	    "       csp-milter [-c CONF] --examples [--json]           list the examples\n"
	    "see csp-milter(8) and csp-milter.conf(5)\n");
}

/* parse_count - a whole number option value, at least min */
static int
parse_count(const char *arg, const char *opt, long min, long *value_r)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > 100000) {
		fprintf(stderr, "csp-milter: %s needs a whole number from %ld, not \"%s\"\n",
		    opt, min, arg);
		return -1;
	}
	*value_r = v;
	return 0;
}

/* run - the command line; rcpts has room for every argument */
static int
run(int argc, char **argv, const char **rcpts, char **queue_ids, const char **train_corpora)
{
	enum { OPT_CLASSIFY = 256, OPT_FROM, OPT_RCPT, OPT_CUSTOMERS, OPT_JSON, OPT_EXPLAIN,
		OPT_EVALUATE, OPT_COMPARE, OPT_MARGIN, OPT_JOBS, OPT_ACCEPT_SHRINK, OPT_TRAIN, OPT_FOLDS,
		OPT_LEARN, OPT_NOTE, OPT_BY, OPT_FORGET, OPT_EXAMPLES, OPT_TEACH_FIRST, OPT_UNRELATED,
		OPT_QUEUE_ID, OPT_POSTFIX_CONFIG, OPT_SENDMAIL_QUEUE };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 'p' },
		{ "classify", no_argument, NULL, OPT_CLASSIFY },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "rcpt", required_argument, NULL, OPT_RCPT },
		{ "customers", required_argument, NULL, OPT_CUSTOMERS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "evaluate", required_argument, NULL, OPT_EVALUATE },
		{ "compare", required_argument, NULL, OPT_COMPARE },
		{ "margin", required_argument, NULL, OPT_MARGIN },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "accept-shrink", no_argument, NULL, OPT_ACCEPT_SHRINK },
		{ "folds", required_argument, NULL, OPT_FOLDS },
		{ "train", required_argument, NULL, OPT_TRAIN },
		{ "learn", required_argument, NULL, OPT_LEARN },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "by", required_argument, NULL, OPT_BY },
		{ "forget", required_argument, NULL, OPT_FORGET },
		{ "examples", no_argument, NULL, OPT_EXAMPLES },
		{ "teach-first-per-template", no_argument, NULL, OPT_TEACH_FIRST },
		{ "unrelated", required_argument, NULL, OPT_UNRELATED },
		{ "queue-id", required_argument, NULL, OPT_QUEUE_ID },
		{ "postfix-config", required_argument, NULL, OPT_POSTFIX_CONFIG },
		{ "sendmail-queue", required_argument, NULL, OPT_SENDMAIL_QUEUE },
		{ "output", required_argument, NULL, 'o' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = CSP_CONFDIR "/csp-milter.conf";
	struct conf_overrides ov = { NULL, NULL, 0, 0 };
	struct cli_examples_teacher who = { NULL, NULL };
	const char *learn = NULL, *forget = NULL, *unrelated = NULL;
	const char *postfix_config = NULL, *sendmail_queue = NULL;
	struct mta_queue *queue = NULL;
	int nqueue_ids = 0;
	int examples = 0, teach_first = 0;
	struct cli_classify_opts copts;
	struct cli_evaluate_opts eopts;
	struct cli_train_opts topts;
	struct conf *conf, *conf2 = NULL;
	const char *error, *compare = NULL;
	int ch, check = 0, foreground = 0, classify = 0, eval_only = 0, accept_shrink = 0, status;
	long n;

	memset(&copts, 0, sizeof(copts));
	memset(&eopts, 0, sizeof(eopts));
	memset(&topts, 0, sizeof(topts));
	topts.corpora = train_corpora;
	eopts.margin = 2;
	eopts.folds = 5;
	copts.rcpts = rcpts;
	while ((ch = getopt_long(argc, argv, "c:nfp:o:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'n': check = 1; break;
		case 'f': foreground = 1; break;
		case 'p': ov.socket = optarg; break;
		case 'o': topts.output = optarg; break;
		case OPT_TRAIN:
			if (topts.corpus == NULL)
				topts.corpus = optarg;
			train_corpora[topts.ncorpora++] = optarg;
			break;
		case OPT_CLASSIFY: classify = 1; break;
		case OPT_LEARN: learn = optarg; break;
		case OPT_NOTE: who.note = optarg; break;
		case OPT_BY: who.by = optarg; break;
		case OPT_FORGET: forget = optarg; break;
		case OPT_EXAMPLES: examples = 1; break;
		case OPT_TEACH_FIRST: teach_first = 1; break;
		case OPT_UNRELATED: unrelated = optarg; break;
		case OPT_QUEUE_ID: queue_ids[nqueue_ids++] = optarg; break;
		case OPT_POSTFIX_CONFIG: postfix_config = optarg; break;
		case OPT_SENDMAIL_QUEUE: sendmail_queue = optarg; break;
		case OPT_ACCEPT_SHRINK: accept_shrink = 1; break;
		case OPT_FROM: copts.from = optarg; break;
		case OPT_RCPT: copts.rcpts[copts.rcpt_count++] = optarg; break;
		case OPT_CUSTOMERS: ov.customers_file = optarg; break;
		case OPT_JSON: copts.json = 1; break;
		case OPT_EXPLAIN: copts.explain = 1; break;
		case OPT_EVALUATE: eopts.corpus = optarg; break;
		case OPT_COMPARE: compare = optarg; break;
		case OPT_MARGIN:
			if (parse_count(optarg, "--margin", 0, &eopts.margin) < 0)
				return 2;
			eval_only = 1;
			break;
		case OPT_JOBS:
			if (parse_count(optarg, "--jobs", 1, &n) < 0)
				return 2;
			eopts.jobs = (int)n;
			eval_only = 1;
			break;
		case OPT_FOLDS:
			if (parse_count(optarg, "--folds", 2, &n) < 0)
				return 2;
			eopts.folds = (int)n;
			eval_only = 1;
			break;
		case 'V':
			printf("csp-milter %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	eopts.json = copts.json;
	if ((who.note != NULL || who.by != NULL) && learn == NULL) {
		fprintf(stderr, "csp-milter: --note and --by go with --learn\n");
		return 2;
	}
	if ((learn != NULL) + (forget != NULL) + examples > 1 || ((learn || forget || examples) &&
	    (classify || check || eopts.corpus != NULL || topts.corpus != NULL || compare ||
	    eval_only || accept_shrink || copts.from || copts.rcpt_count || copts.explain ||
	    (copts.json && !examples)))) {
		fprintf(stderr, "csp-milter: --learn, --forget and --examples go alone (with -c CONF; "
		    "--json with --examples)\n");
		return 2;
	}
	if ((nqueue_ids > 0 || postfix_config != NULL || sendmail_queue != NULL) &&
	    (learn == NULL || nqueue_ids == 0 || optind != argc ||
	    (postfix_config != NULL && sendmail_queue != NULL))) {
		fprintf(stderr, "csp-milter: --queue-id ID goes with --learn CLASS instead of FILEs, "
		    "with at most one of --postfix-config DIR and --sendmail-queue DIR\n");
		return 2;
	}
	if (learn != NULL && optind == argc && nqueue_ids == 0) {
		fprintf(stderr, "csp-milter: --learn CLASS needs at least one FILE (or - for stdin) "
		    "or --queue-id ID\n");
		return 2;
	}
	if ((forget != NULL || examples) && optind != argc) {
		usage();
		return 2;
	}
	if ((teach_first || unrelated != NULL) && (eopts.corpus == NULL || compare != NULL)) {
		fprintf(stderr, "csp-milter: --teach-first-per-template and --unrelated go with "
		    "--evaluate DIR (without --compare)\n");
		return 2;
	}
	if (unrelated != NULL && !teach_first) {
		fprintf(stderr, "csp-milter: --unrelated goes with --teach-first-per-template\n");
		return 2;
	}
	if (learn != NULL || forget != NULL || examples || teach_first) {
		/* The examples file is what these read or write: not loaded into an index. */
		ov.no_examples = 1;
		if ((conf = conf_load(conf_path, &ov, &error)) == NULL) {
			fprintf(stderr, "csp-milter: %s\n", error);
			return 1;
		}
		if (learn != NULL && nqueue_ids > 0) {
			queue = sendmail_queue != NULL ? mta_queue_sendmail_new(sendmail_queue, NULL) :
			    mta_queue_postfix_new(postfix_config, NULL);
			status = cli_examples_learn(conf, learn, &who, queue, queue_ids, nqueue_ids,
			    stdout, stderr);
			mta_queue_free(&queue);
		} else if (learn != NULL)
			status = cli_examples_learn(conf, learn, &who, NULL, argv + optind,
			    argc - optind, stdout, stderr);
		else if (forget != NULL)
			status = cli_examples_forget(conf, forget, stdout, stderr);
		else if (examples)
			status = cli_examples_list(conf, copts.json, stdout, stderr);
		else
			status = cli_examples_evaluate(conf, eopts.corpus, unrelated, copts.json, stdout,
			    stderr);
		conf_unref(&conf);
		return status;
	}
	if ((topts.corpus != NULL) != (topts.output != NULL)) {
		fprintf(stderr, "csp-milter: --train CORPUS and -o FILE go together\n");
		return 2;
	}
	if (topts.corpus != NULL && (classify || check || eopts.corpus != NULL || compare ||
	    eval_only || accept_shrink || copts.from || copts.rcpt_count || copts.json || copts.explain ||
	    optind != argc)) {
		fprintf(stderr, "csp-milter: --train takes a corpus directory, -o FILE and -c CONF only\n");
		return 2;
	}
	if (topts.corpus != NULL) {
		/* The model is what is being made: the config's limits apply, not its model. */
		ov.no_model = 1;
		if ((conf = conf_load(conf_path, &ov, &error)) == NULL) {
			fprintf(stderr, "csp-milter: %s\n", error);
			return 1;
		}
		status = cli_train_run(conf, &topts, stdout);
		conf_unref(&conf);
		return status;
	}
	if (accept_shrink) {
		if (classify || check || eopts.corpus != NULL || optind != argc) {
			fprintf(stderr, "csp-milter: --accept-shrink goes alone (with -c CONF)\n");
			return 2;
		}
		return daemon_accept_shrink(conf_path, &ov);
	}
	if (eopts.corpus == NULL && (compare != NULL || eval_only)) {
		fprintf(stderr, "csp-milter: --compare, --margin, --jobs and --folds go with --evaluate\n");
		return 2;
	}
	if (eopts.corpus != NULL && (classify || check || copts.from || copts.rcpt_count ||
	    copts.explain || optind != argc)) {
		fprintf(stderr, "csp-milter: --evaluate takes a corpus directory and no FILE, "
		    "--classify, -n, --from, --rcpt or --explain\n");
		return 2;
	}
	if (classify && copts.json && copts.explain) {
		fprintf(stderr, "csp-milter: --explain has no JSON form; drop --json\n");
		return 2;
	}
	if (!classify && eopts.corpus == NULL &&
	    (copts.from || copts.rcpt_count || copts.json || copts.explain)) {
		fprintf(stderr, "csp-milter: --from, --rcpt, --json and --explain go with --classify\n");
		return 2;
	}
	if (classify && optind == argc) {
		fprintf(stderr, "csp-milter: --classify needs at least one FILE (or - for stdin)\n");
		return 2;
	}
	if (!classify && optind != argc) {
		usage();
		return 2;
	}
	if (!classify && !check && eopts.corpus == NULL) {
		return daemon_main(conf_path, &ov, foreground);
	}
	if ((conf = conf_load(conf_path, &ov, &error)) == NULL) {
		fprintf(stderr, "csp-milter: %s\n", error);
		return 1;
	}
	if (compare != NULL && (conf2 = conf_load(compare, &ov, &error)) == NULL) {
		fprintf(stderr, "csp-milter: %s\n", error);
		conf_unref(&conf);
		return 1;
	}
	if (check && preflight_check(conf, &ov, stderr) > 0)
		status = 1;	/* the config parses, but a start would fail */
	else if (check) {
		printf("%s: ok: %zu rules, %zu customers", conf_path, rule_set_count(conf->rules),
		    directory_count(conf->directory));
		if (conf->examples != NULL)
			printf(", %zu examples", example_index_count(conf->examples));
		printf(", version %s\n", conf->version);
		status = 0;
	} else if (eopts.corpus != NULL)
		status = cli_evaluate_run(conf, conf2, &eopts, stdout);
	else
		status = cli_classify_run(conf, &copts, argv + optind, argc - optind, stdout);
	conf_unref(&conf2);
	conf_unref(&conf);
	return status;
}

int
main(int argc, char **argv)
{
	const char **rcpts = xcalloc((size_t)argc, sizeof(*rcpts));
	char **queue_ids = xcalloc((size_t)argc, sizeof(*queue_ids));
	const char **train_corpora = xcalloc((size_t)argc, sizeof(*train_corpora));
	int rc;

	rc = run(argc, argv, rcpts, queue_ids, train_corpora);
	free(rcpts);
	free(train_corpora);
	free(queue_ids);
	return rc;
}
