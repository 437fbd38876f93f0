/* fuzz_text_norm - folding whole versus in chunks; the collapsed view */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text_norm.h"
#include "utf8.h"

/* run - fold the input in chunks of piece bytes */
static void
run(struct strbuf *out, const uint8_t *data, size_t size, size_t piece)
{
	struct text_norm tn;
	size_t i;

	strbuf_reset(out);
	text_norm_init(&tn, 1);
	for (i = 0; i < size; i += piece)
		text_norm_feed(&tn, out, (const char *)data + i, size - i < piece ? size - i : piece);
	text_norm_flush(&tn, out);
	strbuf_grow(out, 0);
}

/* valid_utf8 - every byte of s belongs to a valid character */
static int
valid_utf8(const char *s, size_t len)
{
	size_t i = 0;
	unsigned cp;
	int n;

	while (i < len) {
		if ((n = utf8_decode((const unsigned char *)s + i, len - i, &cp)) <= 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/*
 * The folded text must not depend on where the chunks fall, must be valid
 * UTF-8, and folding it again must change nothing.  The collapsed view
 * lists sorted runs inside its text.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct strbuf whole, pieces, again, col, runs;
	const size_t *r;
	size_t i, n;

	if (size < 1)
		return 0;
	run(&whole, data + 1, size - 1, size);
	run(&pieces, data + 1, size - 1, (size_t)data[0] % 7 + 1);
	if (whole.len != pieces.len || memcmp(whole.data, pieces.data, whole.len) != 0)
		abort();
	if (!valid_utf8(whole.data, whole.len))
		abort();
	run(&again, (const uint8_t *)whole.data, whole.len, whole.len + 1);
	if (again.len != whole.len || memcmp(again.data, whole.data, whole.len) != 0)
		abort();
	n = text_norm_collapse(whole.data, whole.len, &col, &runs);
	r = (const size_t *)runs.data;
	for (i = 0; i < n; i++)
		if (r[2 * i] >= r[2 * i + 1] || r[2 * i + 1] > col.len ||
		    (i > 0 && r[2 * i] < r[2 * i - 1]))
			abort();
	if (n == 0 && col.len != 0)
		abort();
	if (n > 0 && !valid_utf8(col.data, col.len))
		abort();	/* the CJK joins cut only white space */
	return 0;
}
