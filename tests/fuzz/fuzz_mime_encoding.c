/* fuzz_mime_encoding - base64 and quoted-printable, whole versus in chunks */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime_encoding.h"
#include "strbuf.h"

/*
 * The first byte picks the encoding and the chunk size.  The same input is
 * decoded whole and in chunks: a streaming decoder must not care where the
 * chunks fall, so the two outputs must be identical.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf whole = STRBUF_INIT, pieces = STRBUF_INIT;
	struct mime_encoding me;
	enum mime_cte cte;
	size_t piece, i;

	if (size < 1)
		return 0;
	cte = data[0] & 1 ? MIME_CTE_BASE64 : MIME_CTE_QP;
	piece = (size_t)(data[0] >> 1) + 1;
	data++;
	size--;
	mime_encoding_init(&me, cte);
	mime_encoding_feed(&me, &whole, (const char *)data, size);
	mime_encoding_finish(&me, &whole);
	mime_encoding_init(&me, cte);
	for (i = 0; i < size; i += piece)
		mime_encoding_feed(&me, &pieces, (const char *)data + i, size - i < piece ? size - i : piece);
	mime_encoding_finish(&me, &pieces);
	if (whole.len != pieces.len || (whole.len > 0 && memcmp(whole.data, pieces.data, whole.len) != 0))
		abort();
	strbuf_release(&whole);
	strbuf_release(&pieces);
	return 0;
}
