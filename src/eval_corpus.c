/* eval_corpus - a labelled corpus read for --evaluate: labels.jsonl or class folders */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eval_corpus.h"
#include "strbuf.h"
#include "xalloc.h"

#define EVAL_JSON_DEPTH 64	/* nesting accepted in ignored label values */

/* eval_item_release - free one item's strings */
static void
eval_item_release(struct eval_item *it)
{
	size_t i;

	free(it->name);
	free(it->path);
	free(it->mail_from);
	for (i = 0; i < it->rcpt_count; i++)
		free(it->rcpt[i]);
	free(it->rcpt);
	memset(it, 0, sizeof(*it));
}

/* eval_json_str - a string member, or NULL */
const char *
eval_json_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* eval_corpus_each_label - every line of dir/labels.jsonl to fn */
int
eval_corpus_each_label(const char *dir, eval_label_fn fn, void *arg, FILE *err)
{
	struct strbuf path = STRBUF_INIT, where = STRBUF_INIT;
	json_error_t jerr;
	json_t *obj;
	char *line = NULL, *file_path;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = 0, ci;
	const char *file, *class, *why;
	FILE *fp;

	strbuf_appendf(&path, "%s/labels.jsonl", dir);
	if ((fp = fopen(path.data, "r")) == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", path.data, strerror(errno));
		strbuf_release(&path);
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)n)
			continue;
		strbuf_reset(&where);
		strbuf_appendf(&where, "%s:%d", path.data, lineno);
		if ((obj = json_loadb(line, (size_t)n, 0, &jerr)) == NULL || !json_is_object(obj)) {
			fprintf(err, "csp-milter: %s: %s\n", where.data,
			    obj == NULL ? jerr.text : "not a JSON object");
			json_decref(obj);
			rc = -1;
			continue;
		}
		file = eval_json_str(obj, "file");
		class = eval_json_str(obj, "class");
		if (file == NULL || class == NULL || (ci = csp_class_parse(class, 1)) < 0) {
			fprintf(err, "csp-milter: %s: needs \"file\" and a known \"class\"\n",
			    where.data);
			rc = -1;
		} else if ((file_path = eval_corpus_label_file(dir, file, &why)) == NULL) {
			fprintf(err, "csp-milter: %s: \"file\": %s: %s\n", where.data, file, why);
			rc = -1;
		} else if (fn(arg, obj, (enum csp_class)ci, file_path, where.data, err) < 0)
			rc = -1;
		json_decref(obj);
	}
	free(line);
	fclose(fp);
	strbuf_release(&path);
	strbuf_release(&where);
	return rc;
}

/* eval_corpus_release - free every item */
void
eval_corpus_release(struct eval_corpus *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		eval_item_release(&c->items[i]);
	free(c->items);
	c->items = NULL;
	c->count = c->cap = 0;
}

/* eval_corpus_add - append an item, taking ownership of its strings */
static void
eval_corpus_add(struct eval_corpus *c, struct eval_item *it)
{
	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->items = xreallocarray(c->items, c->cap, sizeof(*c->items));
	}
	c->items[c->count++] = *it;
	memset(it, 0, sizeof(*it));
}

/* eval_path - dir/name, or name when it is absolute */
static char *
eval_path(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	if (name[0] != '/')
		strbuf_appendf(&sb, "%s/", dir);
	strbuf_append_str(&sb, name);
	return strbuf_detach(&sb, NULL);
}

/* eval_corpus_label_file - the path of a label's message, checked (eval_corpus.h) */
char *
eval_corpus_label_file(const char *dir, const char *name, const char **why_r)
{
	char *path = NULL, *real_dir = NULL, *real = NULL;
	const char *p;
	size_t dl;
	struct stat st;

	*why_r = "must name a file inside the corpus folder";
	if (name[0] == '\0' || name[0] == '/')
		return NULL;
	for (p = name; p != NULL; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return NULL;
	path = eval_path(dir, name);
	if ((real_dir = realpath(dir, NULL)) == NULL || (real = realpath(path, NULL)) == NULL) {
		*why_r = strerror(errno);
		goto fail;
	}
	dl = strlen(real_dir);
	if (strncmp(real, real_dir, dl) != 0 || real[dl] != '/')
		goto fail;	/* a symbolic link out of the folder */
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why_r = "not a regular file";
		goto fail;
	}
	free(real_dir);
	free(real);
	return path;
fail:
	free(path);
	free(real_dir);
	free(real);
	return NULL;
}

/* eval_json_string_member - a string member of a label object into *dst, or -1 */
static int
eval_json_string_member(json_t *obj, const char *key, char **dst, const char **error_r)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		/* The keys are fixed, so the messages can be literals. */
		*error_r = strcmp(key, "file") == 0 ? "\"file\" must be a string" :
		    strcmp(key, "class") == 0 ? "\"class\" must be a string" :
		    "\"mail_from\" must be a string";
		return -1;
	}
	free(*dst);
	*dst = xstrdup(json_string_value(v));
	return 0;
}

/*
 * eval_label_line - parse one labels.jsonl line into it (and class into
 * *class_r) with jansson; other keys are ignored.  On a syntax error
 * *error_r points into errbuf.
 */
static int
eval_label_line(const char *line, size_t len, struct eval_item *it, char **class_r,
    json_error_t *jerr, const char **error_r)
{
	json_t *obj, *rcpt, *v;
	size_t i;
	int rc = -1;

	if ((obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, jerr)) == NULL) {
		*error_r = jerr->text;
		return -1;
	}
	if (!json_is_object(obj)) {
		*error_r = "not a JSON object";
		goto out;
	}
	if (eval_json_string_member(obj, "file", &it->name, error_r) < 0 ||
	    eval_json_string_member(obj, "class", class_r, error_r) < 0 ||
	    eval_json_string_member(obj, "mail_from", &it->mail_from, error_r) < 0)
		goto out;
	if ((rcpt = json_object_get(obj, "rcpt")) != NULL) {
		if (!json_is_array(rcpt)) {
			*error_r = "\"rcpt\" must be an array of strings";
			goto out;
		}
		json_array_foreach(rcpt, i, v) {
			if (!json_is_string(v)) {
				*error_r = "\"rcpt\" must be an array of strings";
				goto out;
			}
		}
		it->rcpt = xcalloc(json_array_size(rcpt) + 1, sizeof(*it->rcpt));
		json_array_foreach(rcpt, i, v)
			it->rcpt[it->rcpt_count++] = xstrdup(json_string_value(v));
	}
	rc = 0;
out:
	json_decref(obj);
	return rc;
}

/* eval_cmp_item - order items by name */
static int
eval_cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct eval_item *)a)->name, ((const struct eval_item *)b)->name);
}

/* eval_load_labels - the labels.jsonl layout; errors are "FILE:LINE: reason" */
static int
eval_load_labels(struct eval_corpus *c, const char *labels, FILE *err)
{
	FILE *fp;
	char *line = NULL, *class = NULL;
	size_t cap = 0, i;
	ssize_t n;
	int lineno = 0, rc = 0, ci;
	const char *error;
	json_error_t jerr;
	struct eval_item it;

	if ((fp = fopen(labels, "r")) == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", labels, strerror(errno));
		return -1;
	}
	memset(&it, 0, sizeof(it));
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (i = 0; i < (size_t)n && (line[i] == ' ' || line[i] == '\t'); i++)
			;
		if (i == (size_t)n)
			continue;
		if (eval_label_line(line, (size_t)n, &it, &class, &jerr, &error) < 0) {
			fprintf(err, "csp-milter: %s:%d: %s\n", labels, lineno, error);
			rc = -1;
		} else if (it.name == NULL || *it.name == '\0') {
			fprintf(err, "csp-milter: %s:%d: no \"file\"\n", labels, lineno);
			rc = -1;
		} else if (class == NULL) {
			fprintf(err, "csp-milter: %s:%d: no \"class\"\n", labels, lineno);
			rc = -1;
		} else if ((ci = csp_class_parse(class, 1)) < 0) {
			fprintf(err, "csp-milter: %s:%d: unknown class \"%s\" "
			    "(subscription, incident, non_csp, other)\n", labels, lineno, class);
			rc = -1;
		} else {
			const char *why;

			it.label = (enum csp_class)ci;
			if ((it.path = eval_corpus_label_file(c->dir, it.name, &why)) == NULL) {
				fprintf(err, "csp-milter: %s:%d: \"file\": %s: %s\n", labels, lineno,
				    it.name, why);
				rc = -1;
			} else if (access(it.path, R_OK) < 0) {
				fprintf(err, "csp-milter: %s:%d: %s: %s\n", labels, lineno, it.path,
				    strerror(errno));
				rc = -1;
			} else
				eval_corpus_add(c, &it);
		}
		eval_item_release(&it);
		free(class);
		class = NULL;
	}
	free(line);
	fclose(fp);
	if (rc == 0 && c->count > 1) {
		qsort(c->items, c->count, sizeof(*c->items), eval_cmp_item);
		for (i = 1; i < c->count; i++)
			if (strcmp(c->items[i - 1].name, c->items[i].name) == 0) {
				fprintf(err, "csp-milter: %s: \"%s\" is labelled twice\n", labels,
				    c->items[i].name);
				rc = -1;
			}
	}
	return rc;
}

/* eval_has_suffix - name ends with suffix */
static int
eval_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcmp(name + n - s, suffix) == 0;
}

/* eval_load_folder - the .eml files of one class folder */
static int
eval_load_folder(struct eval_corpus *c, const char *sub, enum csp_class label, FILE *err)
{
	char *dir = eval_path(c->dir, sub);
	struct dirent *de;
	struct eval_item it;
	struct strbuf name = STRBUF_INIT;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", dir, strerror(errno));
		free(dir);
		return -1;
	}
	memset(&it, 0, sizeof(it));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !eval_has_suffix(de->d_name, ".eml"))
			continue;
		strbuf_reset(&name);
		strbuf_appendf(&name, "%s/%s", sub, de->d_name);
		it.name = strbuf_detach(&name, NULL);
		it.path = eval_path(c->dir, it.name);
		it.label = label;
		eval_corpus_add(c, &it);
	}
	closedir(d);
	free(dir);
	return 0;
}

/* eval_load_folders - the one-folder-per-class layout */
static int
eval_load_folders(struct eval_corpus *c, FILE *err)
{
	struct dirent *de;
	struct stat st;
	char *path;
	int rc = 0, folders = 0, ci;
	DIR *d;

	if ((d = opendir(c->dir)) == NULL) {
		fprintf(err, "csp-milter: %s: %s\n", c->dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = eval_path(c->dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* A misspelt folder would silently drop its mail: refuse it. */
			if ((ci = csp_class_parse(de->d_name, 1)) < 0) {
				fprintf(err, "csp-milter: %s: not a class folder "
				    "(subscription, incident, non_csp, other)\n", path);
				rc = -1;
			} else {
				folders++;
				if (eval_load_folder(c, de->d_name, (enum csp_class)ci, err) < 0)
					rc = -1;
			}
		}
		free(path);
	}
	closedir(d);
	if (rc == 0 && folders == 0) {
		fprintf(err, "csp-milter: %s: neither labels.jsonl nor class folders\n", c->dir);
		rc = -1;
	}
	if (rc == 0)
		qsort(c->items, c->count, sizeof(*c->items), eval_cmp_item);
	return rc;
}

/* eval_corpus_load - whichever layout the directory has */
int
eval_corpus_load(struct eval_corpus *c, const char *dir, FILE *err)
{
	char *labels = eval_path(dir, "labels.jsonl");
	int rc;

	memset(c, 0, sizeof(*c));
	c->dir = dir;
	if (access(labels, F_OK) == 0) {
		c->layout = "labels.jsonl";
		rc = eval_load_labels(c, labels, err);
	} else {
		c->layout = "class folders";
		rc = eval_load_folders(c, err);
	}
	free(labels);
	if (rc == 0 && c->count == 0) {
		fprintf(err, "csp-milter: %s: no messages\n", dir);
		rc = -1;
	}
	return rc;
}
