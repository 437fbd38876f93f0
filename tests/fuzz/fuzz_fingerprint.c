/* fuzz_fingerprint - template memory's fingerprint and index on arbitrary text */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "example_store.h"
#include "fingerprint.h"
#include "msg_features.h"

static struct msg_features_scratch *scratch;

/*
 * The input, up to its first newline, is the Subject and the rest the body.
 * The fingerprint must be the same from a fresh scratch (nothing carries
 * over from the message before), equal to itself in every bin, and an
 * index holding it must find it again at similarity 1 whatever the
 * threshold; a text without words has none.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nl = memchr(data, '\n', size);
	size_t subj = nl != NULL ? (size_t)(nl - text) : 0;
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	struct msg_features_scratch *fresh;
	struct example_index *ix;
	struct example_info info;
	struct example_hit best[CLASS_COUNT];
	struct fingerprint a, b;
	int ra, rb;

	if (scratch == NULL)
		scratch = msg_features_scratch_new();
	msg_text_add_header(mt, "Subject", text, subj);
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, text + (nl != NULL ? subj + 1 : 0), size - (nl != NULL ? subj + 1 : 0));
	msg_text_body_end(mt);
	ra = fingerprint_message(scratch, mt, &a);
	fresh = msg_features_scratch_new();
	rb = fingerprint_message(fresh, mt, &b);
	msg_features_scratch_free(&fresh);
	if (ra != rb || (ra == 0 && memcmp(a.bin, b.bin, sizeof(a.bin)) != 0))
		abort();
	if (ra == 0) {
		if (fingerprint_agreement(&a, &b) != FINGERPRINT_BINS || a.shingles == 0)
			abort();
		memset(&info, 0, sizeof(info));
		info.id = 1;
		info.class = (enum csp_class)(size % CLASS_COUNT);
		info.taught_by = "fuzz";
		info.taught_at = "2026-12-01T00:00:00Z";
		ix = example_index_new(0.5 + (double)(size % 6) / 10);
		example_index_add(ix, &info, &a);
		example_index_seal(ix);
		example_index_lookup(ix, &b, best);
		if (best[info.class].slot != 0 || best[info.class].agreement != FINGERPRINT_BINS)
			abort();
		example_index_free(&ix);
	}
	msg_text_free(&mt);
	return 0;
}
