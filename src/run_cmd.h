/* run_cmd - run a command with data on its stdin, its output captured */
#ifndef CSP_RUN_CMD_H
#define CSP_RUN_CMD_H

#include <stddef.h>
#include "strbuf.h"

/*
 * The MTA's commands and the learner are run the same way: fork, exec
 * from PATH, stdin fed from memory (or /dev/null), stdout captured up to a
 * cap, stderr kept for the error message (its first 2 KiB, line ends at
 * its end removed).  No shell is involved: arguments are passed as they
 * are.  Blocks until the command ends.  Not for use from threads that
 * share signal dispositions with others (SIGPIPE is ignored while it
 * runs).
 */
struct run_cmd {
	const char *in;		/* stdin data; NULL: /dev/null */
	size_t in_len;
	struct strbuf *out;	/* stdout; NULL: discarded */
	size_t out_max;		/* cap on out (0: none) */
	struct strbuf err;	/* stderr, filled by run_cmd */
	int status;		/* exit status, 128 + signal, or -1 when it did not run */
};

/*
 * run_cmd - run argv[0] (execvp) with argv.  0 when it ran (see
 * run->status), -1 with errno when it could not be started, -2 when its
 * output passed out_max (the rest was read and dropped).  Release
 * run->err with run_cmd_release in every case.
 */
int run_cmd(struct run_cmd *run, char *const *argv);
void run_cmd_release(struct run_cmd *run);

#endif
