/* fuzz_html_text - HTML to text, whole versus in chunks */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"
#include "msg_text.h"

static struct html_text *ht;
static struct msg_text *whole, *pieces;

/* run - one pass over the input in chunks of piece bytes */
static void
run(struct msg_text *mt, const uint8_t *data, size_t size, size_t piece)
{
	size_t i;

	msg_text_reset(mt);
	html_text_begin(ht, mt);
	for (i = 0; i < size; i += piece)
		html_text_feed(ht, (const char *)data + i, size - i < piece ? size - i : piece);
	html_text_end(ht);
}

/* The text must not depend on where the chunks fall. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a, *b;
	size_t alen, blen;

	if (ht == NULL) {
		ht = html_text_new();
		whole = msg_text_new(1 << 16, 1);
		pieces = msg_text_new(1 << 16, 1);
	}
	if (size < 1)
		return 0;
	run(whole, data + 1, size - 1, size);
	run(pieces, data + 1, size - 1, (size_t)data[0] % 7 + 1);
	a = msg_text_body(whole, &alen);
	b = msg_text_body(pieces, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	a = msg_text_hidden(whole, &alen);
	b = msg_text_hidden(pieces, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	return 0;
}
