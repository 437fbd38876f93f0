/* report_main - csp-milter-audit: reports from the milter's audit log */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "report_filter.h"
#include "report_run.h"
#include "review_main.h"

#define REPORT_MAIN_USAGE \
	"usage: csp-milter-audit [--summary | --json-summary | --list | --csv " \
	"| --json]\n" \
	"       [--html FILE] [--detail-csv FILE]\n" \
	"       [--top N] [--jobs N] [--max-record BYTES]\n" \
	"       [--since TIME] [--until TIME] [--class C] [--action A] " \
	"[--mode M]\n" \
	"       [--sender S] [--rcpt R] [--customer ID] [--partner P] " \
	"[--rule ID]\n" \
	"       [--uncertain] [FILE ...]\n" \
	"       csp-milter-audit --review ... (see --review --help)\n"

/* Usage errors, a bad filter value included, exit with EX_USAGE. */
#define REPORT_MAIN_EX_USAGE	64
/* The default per-record size cap. */
#define REPORT_MAIN_MAX_RECORD	(1024 * 1024)

/* Parsing threads at most; the default is one per online CPU. */
#define REPORT_MAIN_MAX_JOBS	256

enum {
	OPT_SINCE = 256, OPT_UNTIL, OPT_CLASS, OPT_ACTION, OPT_SENDER,
	OPT_RCPT, OPT_CUSTOMER, OPT_PARTNER, OPT_RULE, OPT_UNCERTAIN, OPT_MODE,
	OPT_SUMMARY, OPT_LIST, OPT_CSV, OPT_JSON, OPT_HTML, OPT_TOP, OPT_JOBS,
	OPT_MAX_RECORD, OPT_DETAIL_CSV, OPT_JSON_SUMMARY
};

static const struct option report_main_options[] = {
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "class", required_argument, NULL, OPT_CLASS },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "sender", required_argument, NULL, OPT_SENDER },
	{ "rcpt", required_argument, NULL, OPT_RCPT },
	{ "customer", required_argument, NULL, OPT_CUSTOMER },
	{ "partner", required_argument, NULL, OPT_PARTNER },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "uncertain", no_argument, NULL, OPT_UNCERTAIN },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "max-record", required_argument, NULL, OPT_MAX_RECORD },
	{ "detail-csv", required_argument, NULL, OPT_DETAIL_CSV },
	{ "json-summary", no_argument, NULL, OPT_JSON_SUMMARY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* report_main_usage - complain and exit with the usage status */
static void
report_main_usage(const char *why, const char *arg)
{
	if (why != NULL)
		fprintf(stderr, "csp-milter-audit: %s%s%s\n", why,
		    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	fputs(REPORT_MAIN_USAGE, stderr);
	exit(REPORT_MAIN_EX_USAGE);
}

/* report_main_size - BYTES with an optional k, M or G suffix (powers of 1024) */
static size_t
report_main_size(const char *arg)
{
	unsigned long long v, unit = 1;
	char *end;

	if (*arg < '0' || *arg > '9')
		return 0;
	v = strtoull(arg, &end, 10);
	switch (*end) {
	case 'k': case 'K': unit = 1024; end++; break;
	case 'm': case 'M': unit = 1024 * 1024; end++; break;
	case 'g': case 'G': unit = 1024 * 1024 * 1024; end++; break;
	}
	if (*end != '\0' || v == 0 || v > (1ULL << 30) / unit)
		return 0;
	return (size_t)(v * unit);
}

/* report_main_command - the command line as one string, words quoted as needed */
static void
report_main_command(struct strbuf *out, int argc, char **argv)
{
	const char *p;
	int i;

	for (i = 0; i < argc; i++) {
		if (i > 0)
			strbuf_append_char(out, ' ');
		if (*argv[i] != '\0' && strpbrk(argv[i], " \t'\"\\$`") == NULL) {
			strbuf_append_str(out, argv[i]);
			continue;
		}
		strbuf_append_char(out, '\'');
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == '\'')
				strbuf_append_str(out, "'\\''");
			else
				strbuf_append_char(out, *p);
		}
		strbuf_append_char(out, '\'');
	}
}

/* report_main_now - the current time in microseconds */
static int64_t
report_main_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * report_main_generated - the generation time: now, or SOURCE_DATE_EPOCH
 * (seconds) when set, as reproducible builds do, so that two runs can be
 * compared byte for byte.  Relative --since and --until count from it.
 */
static int64_t
report_main_generated(void)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v;
	char *end;

	if (env == NULL || *env < '0' || *env > '9')
		return report_main_now();
	v = strtoull(env, &end, 10);
	if (*end != '\0' || v > 253402300799ULL)
		return report_main_now();
	return (int64_t)v * 1000000;
}

/* main - parse the command line and run the report */
int
main(int argc, char **argv)
{
	static const char *const stdin_only[] = { "-" };
	struct report_run_opts o;
	struct report_header header;
	struct report_filter *filter;
	struct strbuf note = STRBUF_INIT, command = STRBUF_INIT;
	const struct option *opt;
	const char *why;
	char *end;
	unsigned long top, jobs;
	long cpus;
	size_t i;
	int c, modes = 0, status;

	/* --review is a command of its own, with its own options. */
	for (c = 1; c < argc && strcmp(argv[c], "--") != 0; c++)
		if (strcmp(argv[c], "--review") == 0)
			return review_main(argc, argv);
	memset(&o, 0, sizeof(o));
	memset(&header, 0, sizeof(header));
	header.generated_us = report_main_generated();
	report_main_command(&command, argc, argv);
	o.mode = REPORT_RUN_SUMMARY;
	o.max_record = REPORT_MAIN_MAX_RECORD;
	o.top = 10;
	o.out = stdout;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = cpus < 1 ? 1 : cpus > REPORT_MAIN_MAX_JOBS ?
	    REPORT_MAIN_MAX_JOBS : (unsigned)cpus;
	filter = report_filter_new(header.generated_us);
	strbuf_append_str(&note, "");
	while ((c = getopt_long(argc, argv, "h", report_main_options, NULL)) != -1) {
		switch (c) {
		case OPT_SINCE: case OPT_UNTIL: case OPT_CLASS: case OPT_ACTION:
		case OPT_SENDER: case OPT_RCPT: case OPT_CUSTOMER:
		case OPT_PARTNER: case OPT_RULE: case OPT_UNCERTAIN:
		case OPT_MODE:
			opt = &report_main_options[c - OPT_SINCE];
			if (report_filter_set(filter, opt->name,
			    optarg != NULL ? optarg : "", &why) < 0) {
				fprintf(stderr, "csp-milter-audit: --%s %s: %s\n",
				    opt->name, optarg != NULL ? optarg : "", why);
				exit(REPORT_MAIN_EX_USAGE);
			}
			strbuf_appendf(&note, "%s--%s%s%s", note.len ? " " : "",
			    opt->name, optarg != NULL ? " " : "",
			    optarg != NULL ? optarg : "");
			break;
		case OPT_SUMMARY:
			o.mode = REPORT_RUN_SUMMARY;
			modes++;
			break;
		case OPT_LIST:
			o.mode = REPORT_RUN_LIST;
			modes++;
			break;
		case OPT_CSV:
			o.mode = REPORT_RUN_CSV;
			modes++;
			break;
		case OPT_JSON:
			o.mode = REPORT_RUN_JSON;
			modes++;
			break;
		case OPT_JSON_SUMMARY:
			o.mode = REPORT_RUN_JSON_SUMMARY;
			modes++;
			break;
		case OPT_HTML:
			if (*optarg == '\0')
				report_main_usage("--html needs a file name", NULL);
			o.html_path = optarg;
			break;
		case OPT_DETAIL_CSV:
			if (*optarg == '\0')
				report_main_usage("--detail-csv needs a file name",
				    NULL);
			o.detail_csv_path = optarg;
			break;
		case OPT_MAX_RECORD:
			if ((o.max_record = report_main_size(optarg)) == 0)
				report_main_usage("--max-record needs a size from "
				    "1 byte to 1G (suffixes k, M, G)", optarg);
			break;
		case OPT_TOP:
			top = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    top < 1 || top > 100000)
				report_main_usage("--top needs a number from 1 to "
				    "100000", optarg);
			o.top = top;
			break;
		case OPT_JOBS:
			jobs = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    jobs < 1 || jobs > REPORT_MAIN_MAX_JOBS)
				report_main_usage("--jobs needs a number from 1 to "
				    "256", optarg);
			o.jobs = jobs;
			break;
		case 'h':
			fputs(REPORT_MAIN_USAGE, stdout);
			exit(0);
		default:
			report_main_usage(NULL, NULL);
		}
	}
	if (modes > 1)
		report_main_usage("--summary, --json-summary, --list, --csv and "
		    "--json exclude each other", NULL);
	if (modes == 0 && (o.html_path != NULL || o.detail_csv_path != NULL))
		o.mode = REPORT_RUN_NONE;
	if (optind < argc) {
		o.files = (const char *const *)argv + optind;
		o.nfiles = (size_t)(argc - optind);
	} else {
		o.files = stdin_only;
		o.nfiles = 1;
	}
	if (note.len == 0)
		strbuf_append_str(&note, "all records");
	o.filter = filter;
	header.command = command.data;
	header.selection = note.data;
	report_filter_period(filter, &header.has_since, &header.since_us,
	    &header.has_until, &header.until_us);
	o.header = &header;
	/* Progress would garble records streamed to the same terminal. */
	o.progress = isatty(STDERR_FILENO) &&
	    (o.mode == REPORT_RUN_SUMMARY || o.mode == REPORT_RUN_NONE ||
	    o.mode == REPORT_RUN_JSON_SUMMARY ||
	    !isatty(STDOUT_FILENO));
	status = report_run(&o);
	for (i = 0; i < header.ninputs; i++)
		strbuf_release(&header.inputs[i].error);
	free(header.inputs);
	report_filter_free(&filter);
	strbuf_release(&note);
	strbuf_release(&command);
	return status;
}
