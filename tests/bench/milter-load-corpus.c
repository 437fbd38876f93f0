/* milter-load-corpus - .eml files pre-encoded as milter packets */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "milter-load-corpus.h"

/* Error text of the last failed call; loading is single-threaded. */
static struct strbuf corpus_err = STRBUF_INIT;

/* corpus_error - format the error text and return -1 */
static int
corpus_error(const char **error_r, const char *what, const char *path)
{
	strbuf_reset(&corpus_err);
	strbuf_appendf(&corpus_err, "%s %s: %s", what, path, strerror(errno));
	*error_r = corpus_err.data;
	return -1;
}

/* corpus_new - create an empty corpus */
struct corpus *
corpus_new(void)
{
	struct corpus *cp;

	if ((cp = calloc(1, sizeof(*cp))) == NULL)
		abort();
	return cp;
}

/* corpus_put_u32 - append a big-endian 32-bit integer */
static void
corpus_put_u32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4];

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
	strbuf_append(sb, b, 4);
}

/* corpus_pkt_add - append one packet with up to two data parts */
static void
corpus_pkt_add(struct corpus_msg *m, int v, char cmd, const char *a,
    size_t alen, const char *b, size_t blen)
{
	struct strbuf *sb = &m->wire[v];
	struct corpus_pkt *p;

	if (m->npkts[v] == m->pkts_alloc[v]) {
		m->pkts_alloc[v] = m->pkts_alloc[v] ? m->pkts_alloc[v] * 2 : 16;
		p = realloc(m->pkts[v], m->pkts_alloc[v] * sizeof(*p));
		if (p == NULL)
			abort();
		m->pkts[v] = p;
	}
	p = &m->pkts[v][m->npkts[v]++];
	p->off = sb->len;
	p->cmd = cmd;
	corpus_put_u32(sb, (uint32_t)(1 + alen + blen));
	strbuf_append_char(sb, cmd);
	strbuf_append(sb, a, alen);
	strbuf_append(sb, b, blen);
	p->len = sb->len - p->off;
}

/* corpus_line - return the length of the line at s, without CR LF */
static size_t
corpus_line(const char *s, const char *end, const char **next_r)
{
	const char *nl;
	size_t len;

	if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL) {
		*next_r = end;
		len = (size_t)(end - s);
	} else {
		*next_r = nl + 1;
		len = (size_t)(nl - s);
	}
	if (len > 0 && s[len - 1] == '\r')
		len--;
	return len;
}

/* corpus_header_name - length of "Name" if s starts a header, else 0 */
static size_t
corpus_header_name(const char *s, size_t len)
{
	size_t i, n;

	/* Like Postfix is_header(): printable non-space label, then ':'. */
	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];

		if (ch == ':' || ch <= ' ' || ch >= 127)
			break;
	}
	if (i == 0)
		return 0;
	n = i;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return (i < len && s[i] == ':') ? n : 0;
}

/* corpus_emit_header - encode one (possibly folded) header both ways */
static void
corpus_emit_header(struct corpus_msg *m, struct strbuf *hdr)
{
	size_t nlen, i;
	const char *val;

	nlen = corpus_header_name(hdr->data, hdr->len);
	i = nlen;
	while (hdr->data[i] != ':')
		i++;
	i++;
	/* Name NUL value NUL; the value keeps its "\n" between lines. */
	hdr->data[nlen] = '\0';
	val = hdr->data + i;
	corpus_pkt_add(m, 1, SMFIC_HEADER, hdr->data, nlen + 1, val,
	    hdr->len - i + 1);
	if (*val == ' ')
		val++;
	corpus_pkt_add(m, 0, SMFIC_HEADER, hdr->data, nlen + 1, val,
	    (size_t)(hdr->data + hdr->len - val) + 1);
	strbuf_reset(hdr);
}

/* corpus_add_text - encode one message from memory */
int
corpus_add_text(struct corpus *cp, const char *name, const char *text,
    size_t len)
{
	struct corpus_msg *m;
	struct strbuf hdr = STRBUF_INIT, body = STRBUF_INIT;
	const char *s = text, *end = text + len, *next;
	size_t llen, off, n;
	int v;

	if (cp->nmsgs == cp->alloc) {
		cp->alloc = cp->alloc ? cp->alloc * 2 : 64;
		cp->msgs = realloc(cp->msgs, cp->alloc * sizeof(*cp->msgs));
		if (cp->msgs == NULL)
			abort();
	}
	m = &cp->msgs[cp->nmsgs++];
	memset(m, 0, sizeof(*m));
	if ((m->path = strdup(name)) == NULL)
		abort();
	m->raw_len = len;

	/* An mbox "From " line is not a header. */
	if (len >= 5 && memcmp(s, "From ", 5) == 0)
		(void)corpus_line(s, end, &s);

	/* Header block: up to the empty line or the first non-header. */
	while (s < end) {
		llen = corpus_line(s, end, &next);
		if (llen == 0) {
			s = next;
			break;
		}
		if ((*s == ' ' || *s == '\t') && hdr.len > 0) {
			strbuf_append_char(&hdr, '\n');
			strbuf_append(&hdr, s, llen);
		} else if (corpus_header_name(s, llen) > 0) {
			if (hdr.len > 0)
				corpus_emit_header(m, &hdr);
			strbuf_append(&hdr, s, llen);
		} else {
			break;
		}
		s = next;
	}
	if (hdr.len > 0)
		corpus_emit_header(m, &hdr);
	for (v = 0; v < 2; v++)
		corpus_pkt_add(m, v, SMFIC_EOH, NULL, 0, NULL, 0);

	/* Body: every line ends in CR LF, as Postfix sends it. */
	while (s < end) {
		llen = corpus_line(s, end, &next);
		strbuf_append(&body, s, llen);
		strbuf_append(&body, "\r\n", 2);
		s = next;
	}
	for (off = 0; off < body.len; off += n) {
		n = body.len - off;
		if (n > MILTER_CHUNK_SIZE)
			n = MILTER_CHUNK_SIZE;
		for (v = 0; v < 2; v++)
			corpus_pkt_add(m, v, SMFIC_BODY, body.data + off, n,
			    NULL, 0);
	}
	for (v = 0; v < 2; v++)
		corpus_pkt_add(m, v, SMFIC_BODYEOB, NULL, 0, NULL, 0);
	strbuf_release(&hdr);
	strbuf_release(&body);
	return 0;
}

/* corpus_add_file - read one file and encode it */
static int
corpus_add_file(struct corpus *cp, const char *path, const char **error_r)
{
	struct strbuf text = STRBUF_INIT;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return corpus_error(error_r, "open", path);
	for (;;) {
		strbuf_grow(&text, 65536);
		n = read(fd, text.data + text.len, text.cap - text.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			strbuf_release(&text);
			return corpus_error(error_r, "read", path);
		}
		if (n == 0)
			break;
		text.len += (size_t)n;
	}
	close(fd);
	corpus_add_text(cp, path, text.data, text.len);
	strbuf_release(&text);
	return 0;
}

/* corpus_name_cmp - qsort comparator for file names */
static int
corpus_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* corpus_add_path - add a file or the *.eml files of a directory */
int
corpus_add_path(struct corpus *cp, const char *path, const char **error_r)
{
	struct stat st;
	struct dirent *de;
	struct strbuf full = STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, alloc = 0, i, len;
	DIR *dir;
	int ret = 0;

	if (stat(path, &st) < 0)
		return corpus_error(error_r, "stat", path);
	if (!S_ISDIR(st.st_mode))
		return corpus_add_file(cp, path, error_r);
	if ((dir = opendir(path)) == NULL)
		return corpus_error(error_r, "opendir", path);
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			if ((names = realloc(names, alloc * sizeof(*names))) == NULL)
				abort();
		}
		if ((names[n++] = strdup(de->d_name)) == NULL)
			abort();
	}
	closedir(dir);
	if (n > 0)
		qsort(names, n, sizeof(*names), corpus_name_cmp);
	for (i = 0; i < n; i++) {
		if (ret == 0) {
			strbuf_reset(&full);
			strbuf_appendf(&full, "%s/%s", path, names[i]);
			ret = corpus_add_file(cp, full.data, error_r);
		}
		free(names[i]);
	}
	free(names);
	strbuf_release(&full);
	return ret;
}

/* corpus_free - release the corpus and clear the caller's pointer */
void
corpus_free(struct corpus **cpp)
{
	struct corpus *cp = *cpp;
	size_t i;
	int v;

	if (cp == NULL)
		return;
	for (i = 0; i < cp->nmsgs; i++) {
		free(cp->msgs[i].path);
		for (v = 0; v < 2; v++) {
			strbuf_release(&cp->msgs[i].wire[v]);
			free(cp->msgs[i].pkts[v]);
		}
	}
	free(cp->msgs);
	free(cp);
	*cpp = NULL;
}
