/* fuzz_model - model files and message features on arbitrary input */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "msg_features.h"

static char path[64];
static struct msg_features_scratch *scratch;

/*
 * The input is both a model file and a message: loading must fail with a
 * message or succeed, and the same bytes as Subject, From and body must
 * give a bounded vector of unit length whose indices fit the space.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_text *mt = msg_text_new(1 << 16, 1);
	const struct feature *f;
	struct model *m;
	const char *error = NULL;
	double p[CLASS_COUNT], norm = 0;
	size_t n, i;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz_model.%ld", (long)getpid());
	if (scratch == NULL)
		scratch = msg_features_scratch_new();
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	m = model_load(path, &error);
	if (m == NULL && (error == NULL || strncmp(error, path, strlen(path)) != 0))
		abort();
	msg_text_add_header(mt, "Subject", (const char *)data, size);
	msg_text_add_header(mt, "From", (const char *)data, size);
	msg_text_body_begin(mt, 0);
	msg_text_body_append(mt, (const char *)data, size);
	msg_text_body_end(mt);
	msg_features_extract(scratch, mt, 18, 1, &f, &n);
	if (n > MSG_FEATURES_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (f[i].index >= (1u << 18))
			abort();
		norm += (double)f[i].value * f[i].value;
	}
	if (n > 0 && (norm < 0.999 || norm > 1.001))
		abort();
	if (m != NULL) {
		model_score(m, mt, p, scratch);
		model_free(&m);
	}
	msg_text_free(&mt);
	return 0;
}
