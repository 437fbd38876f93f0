/* eval_corpus - a labelled corpus read for --evaluate: labels.jsonl or class folders */
#ifndef CSP_EVAL_CORPUS_H
#define CSP_EVAL_CORPUS_H

#include <stdio.h>

#include "classify.h"

/* One labelled message of the corpus. */
struct eval_item {
	char *name;		/* as listed, relative to the corpus: the sort key */
	char *path;
	enum csp_class label;
	char *mail_from;	/* NULL: no envelope sender given */
	char **rcpt;
	size_t rcpt_count;
};

struct eval_corpus {
	const char *dir;
	const char *layout;	/* "labels.jsonl" or "class folders" */
	struct eval_item *items;
	size_t count, cap;
};


/*
 * eval_corpus_load - read the corpus in dir (labels.jsonl when it exists,
 * otherwise one folder per class), sorted by name.  Returns 0, or -1 with
 * each problem reported on err as "FILE:LINE: reason" or "FILE: reason";
 * release c in either case.  c->dir points to dir, which must outlive c.
 */
int eval_corpus_load(struct eval_corpus *c, const char *dir, FILE *err);
/* eval_corpus_release - free every item */
void eval_corpus_release(struct eval_corpus *c);

/*
 * eval_corpus_label_file - dir/name for the message a label names, which
 * must be a regular file inside the corpus folder: a labels file from
 * elsewhere must not make the evaluation (or --train) read /dev/zero or
 * ../../etc/shadow.  The caller frees it; NULL with *why_r.
 */
char *eval_corpus_label_file(const char *dir, const char *name, const char **why_r);

#endif
