/* bench_decoder - decoder throughput on the dev corpus and on one 50 MB message */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "mime_decoder.h"
#include "strbuf.h"
#include "xalloc.h"

/*
 * Usage: bench_decoder [corpus-dir].  Messages go through the milter
 * path like libmilter hands them over: headers one at a time, then the
 * body in 64 KiB chunks.  The 50 MB message (a text part and a 40 MB
 * base64 attachment) is written to a temporary file and streamed from it,
 * so the peak RSS shows the decoder's memory, not the message's.
 *
 * For instruction counts (valgrind --tool=callgrind), which a busy machine
 * does not disturb, BENCH_DECODER_ROUNDS=N decodes the dev corpus exactly
 * N times instead of for 2 s, and BENCH_DECODER_BIG=0 skips the 50 MB
 * message.  The "views" line is a checksum of everything each message
 * decodes to (headers, body, hidden text, parts, collapsed view, flags,
 * reason): a change to the decoder that is meant to be only faster must
 * leave it as it is (BENCH_DECODER_EACH=1 prints it for each message).
 */
#define CHUNK	65536

struct msg {
	char *name;
	char *data;
	size_t len;
};

/* cmp_name - qsort order of messages: by file name */
static int
cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct msg *)a)->name, ((const struct msg *)b)->name);
}

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpu_now - CPU seconds of this process: what a busy machine's waiting leaves out */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* feed_headers - hand the header block over field by field; returns the body offset */
static size_t
feed_headers(struct mime_decoder *md, const char *p, size_t len)
{
	struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;
	size_t i = 0, e, vs;

	while (i < len && p[i] != '\n' && p[i] != '\r') {
		const char *colon;

		for (e = i; e < len && !(p[e] == '\n' && (e + 1 >= len ||
		    (p[e + 1] != ' ' && p[e + 1] != '\t'))); e++)
			;
		colon = memchr(p + i, ':', e - i);
		if (colon != NULL) {
			strbuf_reset(&name);
			strbuf_reset(&value);
			strbuf_append(&name, p + i, (size_t)(colon - p) - i);
			vs = (size_t)(colon - p) + 1;
			while (vs < e && p[vs] == ' ')
				vs++;
			strbuf_append(&value, p + vs, e - vs);
			if (value.len > 0 && value.data[value.len - 1] == '\r')
				strbuf_truncate(&value, value.len - 1);
			mime_decoder_header(md, name.data, value.data != NULL ? value.data : "");
		}
		i = e + 1;
	}
	if (i < len)
		i += p[i] == '\r' ? 2 : 1;
	mime_decoder_end_headers(md);
	strbuf_release(&name);
	strbuf_release(&value);
	return i > len ? len : i;
}

/* FNV-1a, 64 bits: a checksum of the views, not a hash table */
static unsigned long long
fnv(unsigned long long h, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h ^ len;
}

/* views_sum - fold every view of one decoded message into h */
static unsigned long long
views_sum(unsigned long long h, const struct msg_text *mt)
{
	const char *s;
	size_t i, len;
	int flags = msg_text_flags(mt);

	for (i = 0; i < msg_text_header_count(mt); i++) {
		s = msg_text_header_name(mt, i);
		h = fnv(h, s, strlen(s));
		s = msg_text_header_value(mt, i, &len);
		h = fnv(h, s, len);
	}
	s = msg_text_body(mt, &len);
	h = fnv(h, s, len);
	s = msg_text_hidden(mt, &len);
	h = fnv(h, s, len);
	s = msg_text_parts(mt, &len);
	h = fnv(h, s, len);
	s = msg_text_collapsed(mt, &len);
	h = fnv(h, s, len);
	h = fnv(h, &flags, sizeof(flags));
	s = msg_text_reason(mt);
	return fnv(h, s, strlen(s));
}

/* decode_msg - one message through the milter path */
static void
decode_msg(struct mime_decoder *md, struct msg_text *mt, const struct msg *m)
{
	size_t i;

	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	for (i = feed_headers(md, m->data, m->len); i < m->len; i += CHUNK)
		mime_decoder_body(md, m->data + i, m->len - i < CHUNK ? m->len - i : CHUNK);
	mime_decoder_finish(md);
}

/* load_corpus - every .eml of dir */
static size_t
load_corpus(const char *dir, struct msg **msgs_r)
{
	struct msg *msgs = NULL;
	struct dirent *de;
	size_t n = 0, len;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		FILE *f;
		long sz;

		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		rewind(f);
		msgs = xreallocarray(msgs, n + 1, sizeof(*msgs));
		msgs[n].name = xstrdup(de->d_name);
		msgs[n].data = xmalloc((size_t)sz + 1);
		msgs[n].len = fread(msgs[n].data, 1, (size_t)sz, f);
		fclose(f);
		n++;
	}
	closedir(d);
	*msgs_r = msgs;
	return n;
}

/* write_big - the 50 MB test message */
static int
write_big(const char *path)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	FILE *f = fopen(path, "wb");
	char line[78];
	size_t total = 0, i;
	unsigned r = 1;

	if (f == NULL)
		return -1;
	fputs("From: billing@vendor.example\r\nTo: it@customer.example\r\n"
	    "Subject: =?UTF-8?B?SW52b2ljZSBhbmQgdXNhZ2UgZXhwb3J0?=\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=_big\"\r\n\r\n"
	    "--=_big\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", f);
	while (total < 10u * 1000 * 1000) {
		total += (size_t)fprintf(f, "Your invoice for subscription %u is ready. "
		    "Gr=C3=BC=C3=9Fe, the billing team.\r\n", r++);
	}
	fputs("--=_big\r\nContent-Type: application/octet-stream; name=usage.csv\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", f);
	for (total = 0; total < 40u * 1000 * 1000; total += 78) {
		for (i = 0; i < 76; i++) {
			r = r * 1103515245u + 12345u;
			line[i] = b64[(r >> 16) & 63];
		}
		line[76] = '\r';
		line[77] = '\n';
		fwrite(line, 1, 78, f);
	}
	fputs("--=_big--\r\n", f);
	return fclose(f);
}

/* bench_big - stream the big message from its file */
static double
bench_big(struct mime_decoder *md, struct msg_text *mt, const char *path, size_t *bytes_r)
{
	char *buf = xmalloc(CHUNK);
	struct strbuf head = STRBUF_INIT;
	struct msg m;
	size_t n, off;
	double t0;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		free(buf);
		return -1;
	}
	t0 = now();
	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	/* The header block comes first, as libmilter would deliver it. */
	n = fread(buf, 1, CHUNK, f);
	strbuf_append(&head, buf, n);
	m.data = head.data;
	m.len = head.len;
	off = feed_headers(md, m.data, m.len);
	mime_decoder_body(md, buf + off, n - off);
	*bytes_r = n;
	while ((n = fread(buf, 1, CHUNK, f)) > 0) {
		mime_decoder_body(md, buf, n);
		*bytes_r += n;
	}
	mime_decoder_finish(md);
	fclose(f);
	free(buf);
	strbuf_release(&head);
	return now() - t0;
}

int
main(int argc, char **argv)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	const char *dir = argc > 1 ? argv[1] : "../shared/corpus/dev";
	char big[] = "/tmp/bench_decoder.XXXXXX";
	struct msg *msgs;
	size_t n, i, total = 0, bytes = 0, rounds = 0;
	double t0, dt, c0;
	struct rusage ru;
	int fd;
	const char *env_rounds = getenv("BENCH_DECODER_ROUNDS");
	const char *env_big = getenv("BENCH_DECODER_BIG");
	size_t want_rounds = env_rounds != NULL ? strtoul(env_rounds, NULL, 10) : 0;
	unsigned long long sum = 14695981039346656037ULL, big_sum = 0;

	printf("command: %s %s\n", argv[0], dir);
	/*
	 * The big message first, in a process that has decoded nothing else:
	 * its peak is the libraries, the ICU data it touches and one message.
	 */
	if (env_big == NULL || strcmp(env_big, "0") != 0) {
		if ((fd = mkstemp(big)) < 0 || write_big(big) < 0) {
			perror(big);
			return 1;
		}
		getrusage(RUSAGE_SELF, &ru);
		printf("decoder: peak RSS before the big message: %ld KiB\n", ru.ru_maxrss);
		dt = bench_big(md, mt, big, &bytes);
		getrusage(RUSAGE_SELF, &ru);
		big_sum = views_sum(sum, mt);
		unlink(big);
		printf("decoder: 50 MB message (40 MB base64 attachment + 10 MB QP text): %zu bytes in %.3f s: %.1f MB/s\n",
		    bytes, dt, (double)bytes / dt / 1e6);
		printf("decoder: peak RSS: %ld KiB (msg_text cap 1 MiB)\n", ru.ru_maxrss);
		printf("decoder: views of the 50 MB message: %016llx\n", big_sum);
	}

	n = load_corpus(dir, &msgs);
	if (n > 0) {
		bytes = 0;
		for (i = 0; i < n; i++)
			total += msgs[i].len;
		c0 = cpu_now();
		t0 = now();
		while (want_rounds > 0 ? rounds < want_rounds : (dt = now() - t0) < 2.0) {
			for (i = 0; i < n; i++)
				decode_msg(md, mt, &msgs[i]);
			bytes += total;
			rounds++;
		}
		dt = now() - t0;
		c0 = cpu_now() - c0;
		printf("decoder: dev corpus: %zu messages, %zu bytes, %zu rounds: %.1f MB/s, %.0f msgs/s\n",
		    n, total, rounds, (double)bytes / dt / 1e6, (double)(n * rounds) / dt);
		printf("decoder: the same rounds in CPU time: %.3f s of %.3f s: %.1f MB per CPU second\n",
		    c0, dt, (double)bytes / c0 / 1e6);
		getrusage(RUSAGE_SELF, &ru);
		printf("decoder: peak RSS after the dev corpus too: %ld KiB\n", ru.ru_maxrss);
		/* Outside the timing: each message once more, in name order. */
		qsort(msgs, n, sizeof(*msgs), cmp_name);
		for (i = 0; i < n; i++) {
			decode_msg(md, mt, &msgs[i]);
			sum = views_sum(sum, mt);
			if (getenv("BENCH_DECODER_EACH") != NULL)
				printf("decoder: views of %s: %016llx\n", msgs[i].name, views_sum(0, mt));
		}
		printf("decoder: views of the dev corpus: %016llx\n", sum);
	} else
		printf("decoder: dev corpus: %s not found, skipped\n", dir);
	mime_decoder_free(&md);
	msg_text_free(&mt);
	return 0;
}
