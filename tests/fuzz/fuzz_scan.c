/* fuzz_scan - decode, classify and decide, with input-chosen chunk splits */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "scan.h"

/*
 * The whole per-message path of the milter under the fuzz config
 * (tests/fuzz/fuzz.conf, or $CSP_FUZZ_CONF): every rule target, the
 * prefilter and PCRE2.  The first byte chooses the chunk size.
 */
static struct conf *conf;
static struct scan *scan;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *error;
	size_t piece, i;

	if (conf == NULL) {
		const char *path = getenv("CSP_FUZZ_CONF");

		if ((conf = conf_load(path ? path : "tests/fuzz/fuzz.conf", NULL, &error)) == NULL) {
			fprintf(stderr, "fuzz_scan: %s\n", error);
			abort();
		}
		if (rule_set_finish(conf->rules, &error) < 0) {
			fprintf(stderr, "fuzz_scan: %s\n", error);
			abort();
		}
		scan = scan_new();
	}
	if (size < 1)
		return 0;
	piece = data[0] < 128 ? (size_t)data[0] + 1 : (size_t)(data[0] - 127) * 512;
	scan_begin(scan, conf);
	scan_set_sender(scan, "<billing@vendor.example>");
	scan_add_rcpt(scan, "<admin@contoso.example>");
	scan_add_rcpt(scan, "<ADMIN@Contoso.Example>");
	for (i = 1; i < size; i += piece)
		scan_raw(scan, (const char *)data + i, size - i < piece ? size - i : piece);
	scan_decide(scan, 0);
	if (scan_result(scan)->classify->class > CLASS_OTHER)
		abort();
	return 0;
}
