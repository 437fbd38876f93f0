/* fuzz_directory - the customers CSV loader and lookups on arbitrary files */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "directory.h"

static char path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct directory *dir = directory_new();
	const char *error = NULL;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz_directory.%ld.csv", (long)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	if (directory_load_csv(dir, path, &error) < 0 && (error == NULL || *error == '\0'))
		abort();
	directory_lookup(dir, "admin@sub.contoso.example");
	directory_lookup(dir, "a@b");
	directory_free(&dir);
	return 0;
}
