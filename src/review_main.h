/* review_main - csp-milter-audit --review: options, the terminal loop and the script forms */
#ifndef CSP_REVIEW_MAIN_H
#define CSP_REVIEW_MAIN_H

/*
 * review_main - run csp-milter-audit with --review somewhere in argv;
 * returns the exit status: 0 done, 64 bad usage (with the valid values),
 * 65 a choice the message cannot take (reroute without a partner), 69
 * an MTA command or the learner failed or the message is not held, 75 a
 * temporary failure (the MTA's command exited 75, or the audit record
 * could not be written), 78 a config that does not load.
 */
int review_main(int argc, char **argv);

#endif
