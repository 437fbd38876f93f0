/* eval_corpus - a labelled corpus read for --evaluate: labels.jsonl or class folders */
#ifndef CSP_EVAL_CORPUS_H
#define CSP_EVAL_CORPUS_H

#include <jansson.h>
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

/*
 * eval_corpus_each_label - read dir/labels.jsonl a line at a time, as
 * --train and --teach-first-per-template do: each line must be a JSON
 * object with "file" (a regular file inside dir: eval_corpus_label_file)
 * and a known "class".  fn gets the object (and the string member json_str
 * reads), the class, the file's path (fn owns it) and where = "FILE:LINE"
 * for its own errors; it returns 0 or -1.  Blank lines are skipped.  Every
 * line is read; each problem is reported on err as "csp-milter: FILE:LINE:
 * what".  Returns 0, or -1 when the file cannot be read or a line or fn
 * failed.
 */
typedef int (*eval_label_fn)(void *arg, json_t *obj, enum csp_class label, char *path,
    const char *where, FILE *err);
int eval_corpus_each_label(const char *dir, eval_label_fn fn, void *arg, FILE *err);
/* eval_json_str - a string member of obj, or NULL */
const char *eval_json_str(json_t *obj, const char *key);

#endif
