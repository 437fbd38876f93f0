/* fuzz_mime_decoder - the whole decode path, raw and milter, with input-chosen chunk splits */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mime_decoder.h"
#include "strbuf.h"

/*
 * The first two bytes choose the chunk sizes; the rest is the message.
 * Each input is decoded twice with one reused decoder: through the raw
 * path, then through the milter path (header block split here, body in
 * chunks), with small limits so the caps are reached often.
 */
static struct mime_decoder *md;
static struct msg_text *mt;

/* chunk_size - a size from a seed byte: mostly small, sometimes large */
static size_t
chunk_size(uint8_t b)
{
	return b < 200 ? (size_t)b % 17 + 1 : (size_t)(b - 199) * 1024;
}

/* feed_milter - split the header block the way libmilter does and feed it */
static void
feed_milter(const char *p, size_t len, size_t piece)
{
	struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;
	size_t i = 0, e;

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
			strbuf_append(&value, colon + 1, e - (size_t)(colon + 1 - p));
			/* NUL ends a C string, as it would in libmilter. */
			mime_decoder_header(md, name.data, value.data != NULL ? value.data : "");
		}
		i = e + 1;
	}
	mime_decoder_end_headers(md);
	for (; i < len; i += piece)
		mime_decoder_body(md, p + i, len - i < piece ? len - i : piece);
	strbuf_release(&name);
	strbuf_release(&value);
}

/* LLVMFuzzerTestOneInput - decode one input through both paths */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_limits lim = { 6, 40, 512, 30 };
	const char *p;
	size_t len, i, a, b;

	if (md == NULL) {
		md = mime_decoder_new(&lim);
		mt = msg_text_new(4096, 1);
	}
	if (size < 2)
		return 0;
	a = chunk_size(data[0]);
	b = chunk_size(data[1]);
	p = (const char *)data + 2;
	len = size - 2;

	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	for (i = 0; i < len; i += ((i / a) & 1) ? b : a) {
		size_t n = ((i / a) & 1) ? b : a;

		mime_decoder_raw(md, p + i, len - i < n ? len - i : n);
	}
	mime_decoder_finish(md);

	msg_text_reset(mt);
	mime_decoder_reset(md, mt);
	feed_milter(p, len, b);
	mime_decoder_finish(md);
	(void)mime_decoder_saturated(md);
	return 0;
}
