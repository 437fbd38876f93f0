/* bench_headers - the milter's header path over many headers: time per header, printed */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "conf.h"
#include "forged.h"
#include "scan.h"

/* now_s - monotonic seconds */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * run - what milter_header does for each of n headers named name (the
 * forged-header count, then the decoder), and end of headers; seconds.
 */
static double
run(struct conf *c, const char *name, int n, int *overflow)
{
	struct scan *s = scan_new();
	struct forged *f = forged_new();
	double t0;
	int i;

	t0 = now_s();
	scan_begin(s, c);
	scan_set_sender(s, "<billing@vendor.example>");
	for (i = 0; i < n; i++) {
		forged_note(f, name);
		scan_header(s, name, "deliver");
	}
	scan_end_headers(s);
	t0 = now_s() - t0;
	*overflow = forged_overflow(f);
	forged_free(&f);
	scan_free(&s);
	return t0;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "X-CSP-Decision", "X-Filler" };
	static const int counts[] = { 1000, 10000, 40000 };
	const char *error;
	struct conf *c;
	size_t i, j;
	int overflow;
	double t;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_headers CONF\n");
		return 2;
	}
	if ((c = conf_load(argv[1], NULL, &error)) == NULL) {
		fprintf(stderr, "bench_headers: %s\n", error);
		return 1;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (j = 0; j < sizeof(counts) / sizeof(counts[0]); j++) {
			t = run(c, names[i], counts[j], &overflow);
			printf("%d %s headers: %.1f ms, %.2f us/header%s\n", counts[j], names[i],
			    t * 1e3, t * 1e6 / counts[j], overflow ? " (held: too many to remove)" : "");
		}
	conf_unref(&c);
	return 0;
}
