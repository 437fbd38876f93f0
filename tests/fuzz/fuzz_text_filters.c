/* fuzz_text_filters - flowed and enriched text: no crash, and the same output however it is cut */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enriched.h"
#include "flowed.h"
#include "strbuf.h"

/*
 * The first byte picks the filter and its option (flowed with or without
 * DelSp, enriched, richtext) and the second a chunk size; the rest is the
 * text.  The output of one whole feed must equal the output of the chunked
 * feeds: a filter that depends on where the decoder cut its input would
 * read the same message differently on the milter and the raw path.
 */

/* run - filter text in pieces of piece bytes (0: one piece) into out */
static void
run(int kind, const char *p, size_t len, size_t piece, struct strbuf *out)
{
	struct flowed f;
	struct enriched e;
	size_t i, n;

	if (kind < 2)
		flowed_begin(&f, kind);
	else
		enriched_begin(&e, kind == 3);
	if (piece == 0)
		piece = len ? len : 1;
	for (i = 0; i < len; i += n) {
		n = len - i < piece ? len - i : piece;
		if (kind < 2)
			flowed_feed(&f, out, p + i, n);
		else
			enriched_feed(&e, out, p + i, n);
	}
	if (kind < 2)
		flowed_end(&f, out);
	else
		enriched_end(&e, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf whole = STRBUF_INIT, cut = STRBUF_INIT;
	int kind;

	if (size < 2)
		return 0;
	kind = data[0] & 3;
	run(kind, (const char *)data + 2, size - 2, 0, &whole);
	run(kind, (const char *)data + 2, size - 2, (size_t)data[1] % 13 + 1, &cut);
	if (whole.len != cut.len || (whole.len > 0 && memcmp(whole.data, cut.data, whole.len) != 0))
		abort();
	strbuf_release(&whole);
	strbuf_release(&cut);
	return 0;
}
