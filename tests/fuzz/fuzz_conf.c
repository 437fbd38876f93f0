/* fuzz_conf - the config loader on arbitrary files: an error or a snapshot, never a crash */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"

static char path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c;
	const char *error = NULL;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz_conf.%ld.conf", (long)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	c = conf_load(path, NULL, &error);
	if (c == NULL && (error == NULL || *error == '\0'))
		abort();	/* every refusal says why */
	conf_unref(&c);
	return 0;
}
