/* fuzz_addr - envelope readings and header address lists on arbitrary bytes */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

/* check_mailbox - each mailbox is a lookup form with an '@' */
static void
check_mailbox(void *arg, const char *canon)
{
	(void)arg;
	if (strchr(canon, '@') == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	char *s = malloc(size + 1);
	const char *p;
	int n, i;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* Readings: a count within bounds, each a C string with an '@'. */
	n = addr_readings(s, &out);
	if (n > ADDR_READINGS_MAX || (n < 0 && out.len != 0) || n == 0)
		abort();
	for (i = 0, p = out.data; i < n; i++, p += strlen(p) + 1)
		if (p >= out.data + out.len || strchr(p, '@') == NULL)
			abort();
	addr_header_list((const char *)data, size, check_mailbox, NULL);
	addr_canon(s, &out);
	strbuf_release(&out);
	free(s);
	return 0;
}
