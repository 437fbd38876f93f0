/* mta_queue - the MTA's hold queue through its own commands */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mta_queue.h"
#include "run_cmd.h"
#include "xalloc.h"

enum mta_kind { MTA_POSTFIX, MTA_SENDMAIL };

struct mta_queue {
	enum mta_kind kind;
	char *dir;		/* Postfix config directory, or Sendmail queue directory */
	char *sendmail_cmd;	/* NULL until known (Postfix: postconf's sendmail_path) */
	struct strbuf error;
	int temporary;
};

/* Command exits with EX_TEMPFAIL: the MTA asks to try again later. */
#define MTA_QUEUE_EX_TEMPFAIL	75

/* mta_queue_path - Postfix's and Sendmail's commands live in sbin */
static void
mta_queue_path(void)
{
	const char *path = getenv("PATH");
	struct strbuf sb = STRBUF_INIT;

	if (path != NULL && strstr(path, "/usr/sbin") != NULL)
		return;
	strbuf_appendf(&sb, "%s%s/usr/sbin:/usr/lib/postfix/sbin:/usr/lib/sendmail",
	    path != NULL ? path : "/usr/bin:/bin", path != NULL && *path ? ":" : "");
	setenv("PATH", sb.data, 1);
	strbuf_release(&sb);
}

/* mta_queue_postfix_new - Postfix, with an optional config directory */
struct mta_queue *
mta_queue_postfix_new(const char *config_dir, const char *sendmail_cmd)
{
	struct mta_queue *q = xcalloc(1, sizeof(*q));

	q->kind = MTA_POSTFIX;
	q->dir = config_dir != NULL ? xstrdup(config_dir) : NULL;
	q->sendmail_cmd = sendmail_cmd != NULL ? xstrdup(sendmail_cmd) : NULL;
	strbuf_init(&q->error, 128);
	mta_queue_path();
	return q;
}

/* mta_queue_sendmail_new - Sendmail's queue directory */
struct mta_queue *
mta_queue_sendmail_new(const char *queue_dir, const char *sendmail_cmd)
{
	struct mta_queue *q = xcalloc(1, sizeof(*q));

	q->kind = MTA_SENDMAIL;
	q->dir = xstrdup(queue_dir);
	q->sendmail_cmd = xstrdup(sendmail_cmd != NULL ? sendmail_cmd : "sendmail");
	strbuf_init(&q->error, 128);
	mta_queue_path();
	return q;
}

/* mta_queue_free - free q and everything it holds */
void
mta_queue_free(struct mta_queue **qp)
{
	struct mta_queue *q = *qp;

	if (q == NULL)
		return;
	free(q->dir);
	free(q->sendmail_cmd);
	strbuf_release(&q->error);
	free(q);
	*qp = NULL;
}

/* mta_queue_mta - the MTA's name */
const char *
mta_queue_mta(const struct mta_queue *q)
{
	return q->kind == MTA_POSTFIX ? "postfix" : "sendmail";
}

/* mta_queue_temporary - was the last failure temporary? */
int
mta_queue_temporary(const struct mta_queue *q)
{
	return q->temporary;
}

/* mta_queue_fail - set the error text; always -1 */
static int
mta_queue_fail(struct mta_queue *q, const char **error_r, int temporary, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
mta_queue_fail(struct mta_queue *q, const char **error_r, int temporary, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&q->error);
	va_start(ap, fmt);
	strbuf_vappendf(&q->error, fmt, ap);
	va_end(ap);
	q->temporary = temporary;
	*error_r = q->error.data;
	return -1;
}

/* mta_queue_held_release - free one entry's strings */
void
mta_queue_held_release(struct mta_held *h)
{
	size_t i;

	free(h->queue_id);
	free(h->sender);
	free(h->reason);
	for (i = 0; i < h->nrcpts; i++)
		free(h->rcpts[i]);
	free(h->rcpts);
	memset(h, 0, sizeof(*h));
}

/* mta_queue_held_free_all - free an array from mta_queue_list */
void
mta_queue_held_free_all(struct mta_held **held, size_t n)
{
	size_t i;

	if (*held == NULL)
		return;
	for (i = 0; i < n; i++)
		mta_queue_held_release(&(*held)[i]);
	free(*held);
	*held = NULL;
}

/* mta_queue_held_add_rcpt - append one recipient */
static void
mta_queue_held_add_rcpt(struct mta_held *h, const char *addr, size_t len)
{
	h->rcpts = xreallocarray(h->rcpts, h->nrcpts + 1, sizeof(*h->rcpts));
	h->rcpts[h->nrcpts++] = xstrndup(addr, len);
}

/* mta_queue_held_cmp - oldest first, then by queue ID */
static int
mta_queue_held_cmp(const void *a, const void *b)
{
	const struct mta_held *x = a, *y = b;

	if (x->arrival != y->arrival)
		return x->arrival < y->arrival ? -1 : 1;
	return strcmp(x->queue_id, y->queue_id);
}

/* mta_queue_held_sort - oldest first */
void
mta_queue_held_sort(struct mta_held *held, size_t n)
{
	if (n > 1)
		qsort(held, n, sizeof(*held), mta_queue_held_cmp);
}

/* mta_queue_parse_postqueue - one postqueue -j line */
int
mta_queue_parse_postqueue(const char *line, size_t len, struct mta_held *h, const char **error_r)
{
	json_t *root, *v, *rcpts, *r;
	json_error_t jerr;
	const char *name, *id, *sender, *addr;
	size_t i;
	int rc = -1;

	memset(h, 0, sizeof(*h));
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		*error_r = "not a JSON object";
		json_decref(root);
		return -1;
	}
	name = json_string_value(json_object_get(root, "queue_name"));
	id = json_string_value(json_object_get(root, "queue_id"));
	sender = json_string_value(json_object_get(root, "sender"));
	rcpts = json_object_get(root, "recipients");
	v = json_object_get(root, "arrival_time");
	if (name == NULL || id == NULL || *id == '\0' || strpbrk(id, "/. \t") != NULL) {
		*error_r = "no queue_name or no valid queue_id";
		goto out;
	}
	if (strcmp(name, "hold") != 0) {
		rc = 0;
		goto out;
	}
	if (sender == NULL || !json_is_integer(v) || !json_is_array(rcpts)) {
		*error_r = "no sender, arrival_time or recipients";
		goto out;
	}
	h->queue_id = xstrdup(id);
	h->sender = xstrdup(sender);
	h->reason = xstrdup("");
	h->arrival = json_integer_value(v);
	v = json_object_get(root, "message_size");
	h->size = json_is_integer(v) ? json_integer_value(v) : 0;
	json_array_foreach(rcpts, i, r) {
		addr = json_string_value(json_object_get(r, "address"));
		if (addr == NULL) {
			*error_r = "a recipient without an address";
			mta_queue_held_release(h);
			goto out;
		}
		mta_queue_held_add_rcpt(h, addr, strlen(addr));
	}
	rc = 1;
out:
	json_decref(root);
	return rc;
}

/* mta_queue_run - run argv; -1 with the command's message unless it exited 0 */
static int
mta_queue_run(struct mta_queue *q, struct run_cmd *run, char *const *argv, const char **error_r)
{
	int rc = run_cmd(run, argv);

	if (rc == -2) {
		run_cmd_release(run);
		return mta_queue_fail(q, error_r, 0, "%s: output over %u bytes", argv[0],
		    MTA_QUEUE_MAX_MESSAGE);
	}
	if (rc < 0) {
		int saved = errno;

		run_cmd_release(run);
		return mta_queue_fail(q, error_r, 1, "%s: cannot run: %s", argv[0], strerror(saved));
	}
	if (run->status != 0) {
		mta_queue_fail(q, error_r, run->status == MTA_QUEUE_EX_TEMPFAIL,
		    "%s exited %d: %s", argv[0], run->status,
		    run->err.len > 0 ? run->err.data : "(no message)");
		run_cmd_release(run);
		return -1;
	}
	return 0;
}

/* mta_argv - a NULL-terminated argument list being built */
struct mta_queue_argv {
	char *v[64];
	size_t n;
};

/* mta_queue_argv_add - one more argument (the list is small and fixed) */
static void
mta_queue_argv_add(struct mta_queue_argv *a, const char *s)
{
	if (a->n + 1 < sizeof(a->v) / sizeof(a->v[0]))
		a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

/* mta_queue_argv_postfix - a Postfix command with its -c DIR */
static void
mta_queue_argv_postfix(struct mta_queue_argv *a, const struct mta_queue *q, const char *cmd)
{
	a->n = 0;
	mta_queue_argv_add(a, cmd);
	if (q->dir != NULL) {
		mta_queue_argv_add(a, "-c");
		mta_queue_argv_add(a, q->dir);
	}
}

/* mta_queue_list_postfix - postqueue -j, the held entries */
static int
mta_queue_list_postfix(struct mta_queue *q, struct mta_held **held_r, size_t *n_r,
    const char **error_r)
{
	struct strbuf out = STRBUF_INIT;
	struct run_cmd run = { .out = &out, .out_max = MTA_QUEUE_MAX_MESSAGE };
	struct mta_queue_argv a;
	struct mta_held h, *held = NULL;
	const char *p, *end, *nl, *why;
	size_t n = 0;
	int rc;

	mta_queue_argv_postfix(&a, q, "postqueue");
	mta_queue_argv_add(&a, "-j");
	if (mta_queue_run(q, &run, a.v, error_r) < 0) {
		strbuf_release(&out);
		return -1;
	}
	run_cmd_release(&run);
	p = out.data != NULL ? out.data : "";
	end = p + out.len;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl == p)
			continue;
		rc = mta_queue_parse_postqueue(p, (size_t)(nl - p), &h, &why);
		if (rc < 0) {
			mta_queue_held_free_all(&held, n);
			mta_queue_fail(q, error_r, 0, "postqueue -j: %s: %.*s", why,
			    (int)(nl - p > 200 ? 200 : nl - p), p);
			strbuf_release(&out);
			return -1;
		}
		if (rc == 0)
			continue;
		held = xreallocarray(held, n + 1, sizeof(*held));
		held[n++] = h;
	}
	strbuf_release(&out);
	mta_queue_held_sort(held, n);
	*held_r = held;
	*n_r = n;
	return 0;
}

/* mta_queue_qf_line_end - end of the logical qf line at p (continuations start with space or tab) */
static const char *
mta_queue_qf_line_end(const char *p, const char *end)
{
	const char *nl;

	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return end;
		if (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			p = nl + 1;
			continue;
		}
		return nl;
	}
}

/* mta_queue_qf_unbracket - an address without the angle brackets Sendmail 8.17 writes around it */
static void
mta_queue_qf_unbracket(const char **v, size_t *len)
{
	if (*len >= 2 && (*v)[0] == '<' && (*v)[*len - 1] == '>') {
		(*v)++;
		*len -= 2;
	}
}

/* mta_queue_parse_qf - a Sendmail qf file */
int
mta_queue_parse_qf(const char *data, size_t len, struct mta_held *h, struct strbuf *headers,
    const char **error_r)
{
	const char *p = data, *end = data + len, *e, *v, *c;
	int quarantined = 0, version = 0;
	size_t vlen;

	h->arrival = 0;
	h->sender = NULL;
	h->reason = NULL;
	for (; p < end; p = e + 1) {
		e = mta_queue_qf_line_end(p, end);
		v = p + 1;
		vlen = (size_t)(e - v);
		switch (*p) {
		case 'V':
			version = 1;
			break;
		case 'T':
			h->arrival = strtoll(v, NULL, 10);
			break;
		case 'S':
			free(h->sender);
			mta_queue_qf_unbracket(&v, &vlen);
			h->sender = xstrndup(v, vlen);
			break;
		case 'q':
			free(h->reason);
			h->reason = xstrndup(v, vlen);
			quarantined = 1;
			break;
		case 'R':
			/* Flags before a colon (RPFD:addr) in version 4 and later. */
			c = memchr(v, ':', vlen);
			if (c != NULL && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == (size_t)(c - v)) {
				vlen -= (size_t)(c + 1 - v);
				v = c + 1;
			}
			mta_queue_qf_unbracket(&v, &vlen);
			mta_queue_held_add_rcpt(h, v, vlen);
			break;
		case 'H':
			if (headers == NULL)
				break;
			/* ?flags? headers are only for some mailers: the message as held has none. */
			if (vlen > 0 && *v == '?') {
				c = memchr(v + 1, '?', vlen - 1);
				if (c == NULL || c != v + 1)
					break;
				vlen -= 2;
				v += 2;
			}
			strbuf_append(headers, v, vlen);
			strbuf_append_char(headers, '\n');
			break;
		case '.':
			goto done;
		default:
			break;
		}
		if (e == end)
			break;
	}
done:
	if (!version || h->sender == NULL) {
		*error_r = "not a Sendmail queue file (no V or S line)";
		free(h->sender);
		free(h->reason);
		h->sender = h->reason = NULL;
		return -1;
	}
	if (h->reason == NULL)
		h->reason = xstrdup("");
	return quarantined;
}

/* mta_queue_sm_file - DIR/[sub/]PREFIXID when it exists */
static int
mta_queue_sm_file(const struct mta_queue *q, const char *sub, const char *prefix,
    const char *id, struct strbuf *path)
{
	struct stat st;

	strbuf_reset(path);
	strbuf_appendf(path, "%s/%s/%s%s", q->dir, sub, prefix, id);
	if (stat(path->data, &st) == 0)
		return 0;
	strbuf_reset(path);
	strbuf_appendf(path, "%s/%s%s", q->dir, prefix, id);
	return stat(path->data, &st) == 0 ? 0 : -1;
}

/*
 * mta_queue_sm_control - the control file of ID: hf (Sendmail renames a
 * quarantined qf so), else qf (whose q line, if any, says it is held)
 */
static int
mta_queue_sm_control(const struct mta_queue *q, const char *id, struct strbuf *path)
{
	if (mta_queue_sm_file(q, "qf", "hf", id, path) == 0)
		return 0;
	return mta_queue_sm_file(q, "qf", "qf", id, path);
}

/* mta_queue_read_file - a whole file into out (appended), capped */
static int
mta_queue_read_file(const char *path, struct strbuf *out)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (out->len + (size_t)n > MTA_QUEUE_MAX_MESSAGE) {
			errno = EFBIG;
			n = -1;
			break;
		}
		strbuf_append(out, buf, (size_t)n);
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

/* mta_queue_sendmail_entry - one hf file into *h; 1 held, 0 not, -1 */
static int
mta_queue_sendmail_entry(struct mta_queue *q, const char *id, struct mta_held *h,
    struct strbuf *headers, const char **error_r)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	const char *why;
	struct stat st;
	int rc;

	memset(h, 0, sizeof(*h));
	if (mta_queue_sm_control(q, id, &path) < 0) {
		strbuf_release(&path);
		return 0;
	}
	if (mta_queue_read_file(path.data, &data) < 0) {
		rc = mta_queue_fail(q, error_r, 1, "%s: %s", path.data, strerror(errno));
		goto out;
	}
	h->queue_id = xstrdup(id);
	rc = mta_queue_parse_qf(data.data != NULL ? data.data : "", data.len, h, headers, &why);
	if (rc < 0) {
		mta_queue_fail(q, error_r, 0, "%s: %s", path.data, why);
		mta_queue_held_release(h);
		goto out;
	}
	if (mta_queue_sm_file(q, "df", "df", id, &path) == 0 && stat(path.data, &st) == 0)
		h->size = st.st_size;
	if (rc == 0)
		mta_queue_held_release(h);
out:
	strbuf_release(&path);
	strbuf_release(&data);
	return rc;
}

/* mta_queue_list_dir - the hf files of one directory */
static int
mta_queue_list_dir(struct mta_queue *q, const char *dir, struct mta_held **held,
    size_t *n, const char **error_r)
{
	struct mta_held h;
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t i;
	int rc;

	if (d == NULL)
		return errno == ENOENT ? 0 : mta_queue_fail(q, error_r, 1, "%s: %s", dir,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if ((strncmp(de->d_name, "hf", 2) != 0 && strncmp(de->d_name, "qf", 2) != 0) ||
		    de->d_name[2] == '\0')
			continue;
		for (i = 0; i < *n; i++)
			if (strcmp((*held)[i].queue_id, de->d_name + 2) == 0)
				break;
		if (i < *n)
			continue;
		rc = mta_queue_sendmail_entry(q, de->d_name + 2, &h, NULL, error_r);
		if (rc < 0) {
			closedir(d);
			return -1;
		}
		if (rc == 1) {
			*held = xreallocarray(*held, *n + 1, sizeof(**held));
			(*held)[(*n)++] = h;
		}
	}
	closedir(d);
	return 0;
}

/* mta_queue_list - the held messages, oldest first */
int
mta_queue_list(struct mta_queue *q, struct mta_held **held_r, size_t *n_r, const char **error_r)
{
	struct strbuf sub = STRBUF_INIT;
	struct mta_held *held = NULL;
	size_t n = 0;
	int rc;

	*held_r = NULL;
	*n_r = 0;
	if (q->kind == MTA_POSTFIX)
		return mta_queue_list_postfix(q, held_r, n_r, error_r);
	strbuf_appendf(&sub, "%s/qf", q->dir);
	rc = mta_queue_list_dir(q, q->dir, &held, &n, error_r);
	if (rc == 0)
		rc = mta_queue_list_dir(q, sub.data, &held, &n, error_r);
	strbuf_release(&sub);
	if (rc < 0) {
		mta_queue_held_free_all(&held, n);
		return -1;
	}
	mta_queue_held_sort(held, n);
	*held_r = held;
	*n_r = n;
	return 0;
}

/* mta_queue_find - one held message by queue ID */
int
mta_queue_find(struct mta_queue *q, const char *queue_id, struct mta_held *h,
    const char **error_r)
{
	struct mta_held *held;
	size_t n, i;

	memset(h, 0, sizeof(*h));
	if (*queue_id == '\0' || strpbrk(queue_id, "/. \t\n") != NULL)
		return 0;
	if (q->kind == MTA_SENDMAIL)
		return mta_queue_sendmail_entry(q, queue_id, h, NULL, error_r);
	if (mta_queue_list(q, &held, &n, error_r) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(held[i].queue_id, queue_id) == 0) {
			*h = held[i];
			memset(&held[i], 0, sizeof(held[i]));
			break;
		}
	mta_queue_held_free_all(&held, n);
	return i < n;
}

/* mta_queue_read - the held message's bytes */
int
mta_queue_read(struct mta_queue *q, const char *queue_id, struct strbuf *out,
    const char **error_r)
{
	struct run_cmd run = { .out = out, .out_max = MTA_QUEUE_MAX_MESSAGE };
	struct mta_held h;
	struct strbuf path = STRBUF_INIT;
	struct mta_queue_argv a;
	int rc;

	strbuf_reset(out);
	if (q->kind == MTA_POSTFIX) {
		mta_queue_argv_postfix(&a, q, "postcat");
		mta_queue_argv_add(&a, "-hb");
		mta_queue_argv_add(&a, "-q");
		mta_queue_argv_add(&a, queue_id);
		if (mta_queue_run(q, &run, a.v, error_r) < 0)
			return -1;
		run_cmd_release(&run);
		return 0;
	}
	rc = mta_queue_sendmail_entry(q, queue_id, &h, out, error_r);
	if (rc <= 0)
		return rc < 0 ? -1 : mta_queue_fail(q, error_r, 0, "%s: not held", queue_id);
	mta_queue_held_release(&h);
	strbuf_append_char(out, '\n');
	if (mta_queue_sm_file(q, "df", "df", queue_id, &path) < 0 ||
	    mta_queue_read_file(path.data, out) < 0) {
		rc = mta_queue_fail(q, error_r, 1, "%s: df file: %s", queue_id, strerror(errno));
		strbuf_release(&path);
		return rc;
	}
	strbuf_release(&path);
	return 0;
}

/* mta_queue_postsuper - postsuper FLAG ID, checked by its count of messages */
static int
mta_queue_postsuper(struct mta_queue *q, const char *flag, const char *queue_id, const char *done,
    const char **error_r)
{
	struct run_cmd run = { 0 };
	struct mta_queue_argv a;
	const char *p;

	mta_queue_argv_postfix(&a, q, "postsuper");
	mta_queue_argv_add(&a, flag);
	mta_queue_argv_add(&a, queue_id);
	if (mta_queue_run(q, &run, a.v, error_r) < 0)
		return -1;
	/* postsuper exits 0 whatever it found: its count says whether it acted. */
	p = run.err.data != NULL ? strstr(run.err.data, done) : NULL;
	if (p == NULL || strtol(p + strlen(done), NULL, 10) != 1) {
		mta_queue_fail(q, error_r, 0, "postsuper %s %s: %s", flag, queue_id,
		    run.err.len > 0 ? run.err.data : "(no message)");
		run_cmd_release(&run);
		return -1;
	}
	run_cmd_release(&run);
	return 0;
}

/* mta_queue_release - deliver as it is */
int
mta_queue_release(struct mta_queue *q, const char *queue_id, const char **error_r)
{
	struct run_cmd run = { 0 };
	struct mta_queue_argv a;
	struct strbuf arg = STRBUF_INIT;
	int rc;

	if (q->kind == MTA_POSTFIX)
		return mta_queue_postsuper(q, "-H", queue_id, "Released from hold: ", error_r);
	strbuf_appendf(&arg, "-qI%s", queue_id);
	a.n = 0;
	mta_queue_argv_add(&a, q->sendmail_cmd);
	mta_queue_argv_add(&a, "-Q");
	mta_queue_argv_add(&a, "-qQ");
	mta_queue_argv_add(&a, arg.data);
	rc = mta_queue_run(q, &run, a.v, error_r);
	run_cmd_release(&run);
	if (rc == 0) {
		a.n = 0;
		mta_queue_argv_add(&a, q->sendmail_cmd);
		mta_queue_argv_add(&a, arg.data);
		rc = mta_queue_run(q, &run, a.v, error_r);
		run_cmd_release(&run);
	}
	strbuf_release(&arg);
	return rc;
}

/* mta_queue_delete - remove the held message */
int
mta_queue_delete(struct mta_queue *q, const char *queue_id, const char **error_r)
{
	struct strbuf path = STRBUF_INIT;
	int rc = 0;

	if (q->kind == MTA_POSTFIX)
		return mta_queue_postsuper(q, "-d", queue_id, "Deleted: ", error_r);
	/* The control file first: without it the data file is an orphan, never a message. */
	if (mta_queue_sm_control(q, queue_id, &path) < 0 || unlink(path.data) < 0)
		rc = mta_queue_fail(q, error_r, 0, "%s: control file: %s", queue_id, strerror(errno));
	else if (mta_queue_sm_file(q, "df", "df", queue_id, &path) == 0)
		unlink(path.data);
	strbuf_release(&path);
	return rc;
}

/* mta_queue_sendmail_cmd - Postfix's sendmail_path, asked of postconf once */
static int
mta_queue_sendmail_cmd(struct mta_queue *q, const char **error_r)
{
	struct strbuf out = STRBUF_INIT;
	struct run_cmd run = { .out = &out, .out_max = MTA_QUEUE_MAX_MESSAGE };
	struct mta_queue_argv a;

	if (q->sendmail_cmd != NULL)
		return 0;
	mta_queue_argv_postfix(&a, q, "postconf");
	mta_queue_argv_add(&a, "-h");
	mta_queue_argv_add(&a, "sendmail_path");
	if (mta_queue_run(q, &run, a.v, error_r) < 0) {
		strbuf_release(&out);
		return -1;
	}
	run_cmd_release(&run);
	while (out.len > 0 && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == ' '))
		strbuf_truncate(&out, out.len - 1);
	q->sendmail_cmd = out.len > 0 ? strbuf_detach(&out, NULL) : xstrdup("sendmail");
	strbuf_release(&out);
	return 0;
}

/* mta_queue_reinject - submit a copy to new recipients */
int
mta_queue_reinject(struct mta_queue *q, const char *sender, char *const *rcpts, size_t nrcpts,
    const char *data, size_t len, const char **error_r)
{
	struct run_cmd run = { .in = data, .in_len = len };
	struct mta_queue_argv a;
	size_t i;
	int rc;

	if (nrcpts == 0 || nrcpts > 40)
		return mta_queue_fail(q, error_r, 0, "re-injection needs 1 to 40 recipients, not %zu",
		    nrcpts);
	if (mta_queue_sendmail_cmd(q, error_r) < 0)
		return -1;
	a.n = 0;
	mta_queue_argv_add(&a, q->sendmail_cmd);
	if (q->kind == MTA_POSTFIX && q->dir != NULL) {
		mta_queue_argv_add(&a, "-C");
		mta_queue_argv_add(&a, q->dir);
	}
	mta_queue_argv_add(&a, "-G");
	mta_queue_argv_add(&a, "-i");
	mta_queue_argv_add(&a, "-f");
	mta_queue_argv_add(&a, *sender != '\0' ? sender : "<>");
	mta_queue_argv_add(&a, "--");
	for (i = 0; i < nrcpts; i++)
		mta_queue_argv_add(&a, rcpts[i]);
	rc = mta_queue_run(q, &run, a.v, error_r);
	run_cmd_release(&run);
	return rc;
}
