/* cli_examples - template memory commands: --learn, --forget, --examples, and the teach-first evaluation */
#ifndef CSP_CLI_EXAMPLES_H
#define CSP_CLI_EXAMPLES_H

#include <stdint.h>
#include <stdio.h>
#include "classify.h"
#include "conf.h"

/*
 * The commands open the conf's examples file (examples.file) read-write;
 * the daemon sees changes at its next reload (SIGUSR1), which rebuilds
 * the index.  A conf without an examples block is an error for all of them.
 */

/* Who teaches, and why. */
struct cli_examples_teacher {
	const char *by;		/* NULL: $SUDO_USER, else the login name, else the uid's name */
	const char *note;	/* NULL: none */
};

/* cli_examples_default_teacher - $SUDO_USER, the login name, or the uid's name (static) */
const char *cli_examples_default_teacher(void);

/*
 * cli_examples_learn_message - decode one raw message (data, len: header
 * and body as the MTA queued it) under conf, fingerprint what the reader
 * sees, and add it to conf's examples file as class, taught by who, from
 * source (a file name or a queue ID).  0 with the new example's id in
 * *id_r, or -1 with *error_r ("FILE: what"; valid until the next call in
 * the thread).  A message without any text to fingerprint is refused.
 */
int cli_examples_learn_message(struct conf *conf, enum csp_class class,
    const struct cli_examples_teacher *who, const char *source, const char *data, size_t len,
    int64_t *id_r, const char **error_r);

/*
 * cli_examples_class - a class name as --learn takes it (any of the four);
 * -1 after printing the error and the valid names on err (exit 64).
 */
int cli_examples_class(const char *name, FILE *err);

/*
 * cli_examples_learn - --learn CLASS FILE... ("-" is stdin), or with a
 * queue, --learn CLASS --queue-id ID... (each ID's held message as the MTA
 * keeps it, the ID its source): all in one transaction (all or none), each
 * new id printed as "ID SOURCE" on out.  0, 1 on a failed file, queue
 * read or store, 64 on an unknown class (the valid ones listed on err).
 */
struct mta_queue;
int cli_examples_learn(struct conf *conf, const char *class_name,
    const struct cli_examples_teacher *who, struct mta_queue *queue, char **files, int nfiles,
    FILE *out, FILE *err);

/* cli_examples_forget - --forget ID: 0, 1 when there is no such example or the store fails */
int cli_examples_forget(struct conf *conf, const char *id, FILE *out, FILE *err);

/* cli_examples_list - --examples: a table (id, class, by, when, source, note) or JSON lines */
int cli_examples_list(struct conf *conf, int json, FILE *out, FILE *err);

/*
 * cli_examples_evaluate - --evaluate CORPUS --teach-first-per-template:
 * the corpus's labels.jsonl gives each template family's messages a
 * "template" key.  The first member of each family (by file name) is
 * taught into an in-memory index (the conf's weight and min_similarity,
 * or the defaults); the other members are classified before and after,
 * and also with a growing share of the families taught; messages without
 * a template, and every message of the unrelated corpus (a labelled
 * corpus directory, may be NULL), are counted as matched when any example
 * reaches min_similarity.  0, or 1 when the corpus cannot be read.
 */
int cli_examples_evaluate(struct conf *conf, const char *corpus, const char *unrelated, int json,
    FILE *out, FILE *err);

#endif
