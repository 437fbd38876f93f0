/* milter - the libmilter daemon (being written) */
#include "config.h"

#include <stdio.h>

#include "milter.h"

int
milter_main(const char *conf_path, const struct conf_overrides *ov, int foreground)
{
	fprintf(stderr, "csp-milter: milter mode is not built yet\n");
	return 1;
}
