/* cli_classify - the offline classifier: csp-milter --classify */
#ifndef CSP_CLI_CLASSIFY_H
#define CSP_CLI_CLASSIFY_H

#include <stdio.h>
#include "conf.h"
#include "scan.h"

struct cli_classify_opts {
	const char *from;	/* envelope sender, NULL: the message is vendor mail */
	const char **rcpts;
	size_t rcpt_count;
	int json;
	int explain;
};

/*
 * cli_classify_run - classify each file ("-" is stdin) and print the result
 * to out: human-readable, or with json one object per line (the contract
 * documented in csp-milter(8)).  Returns 0, or 1 if any file failed.
 */
int cli_classify_run(struct conf *conf, const struct cli_classify_opts *opts,
    char **files, int nfiles, FILE *out);

/* cli_classify_json - append the JSON object for one scanned message */
void cli_classify_json(const struct scan_result *res, const char *file, struct strbuf *sb);

#endif
