/* fuzz_rfc2047 - header decoding: RFC 2047 words, RFC 2231 parameters, unfolding */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "charset.h"
#include "mime_header.h"
#include "strbuf.h"

static struct charset_cache *cc;

/* LLVMFuzzerTestOneInput - every header helper on one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *attrs[] = { "boundary", "charset", "filename", "name" };
	struct strbuf out = STRBUF_INIT, unk = STRBUF_INIT;
	const char *p = (const char *)data;
	size_t i;

	if (cc == NULL)
		cc = charset_cache_new();
	charset_cache_begin(cc);	/* one input, one message */
	mime_header_unfold(&out, p, size);
	strbuf_reset(&out);
	mime_header_decode(cc, &out, p, size, &unk);
	strbuf_reset(&out);
	mime_header_content_type(&out, p, size);
	for (i = 0; i < 4; i++) {
		strbuf_reset(&out);
		mime_header_param(i % 2 ? NULL : cc, &out, p, size, attrs[i]);
	}
	strbuf_release(&out);
	strbuf_release(&unk);
	return 0;
}
