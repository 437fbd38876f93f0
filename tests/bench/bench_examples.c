/*
 * bench_examples - template memory: lookup time per message and the RSS of
 * the loaded index, with N examples (100,000 by default)
 *
 *   bench_examples CONF DIR [N [MIN_SIMILARITY [ROUNDS]]]
 *
 * The examples are synthesised from the fingerprints of DIR's messages
 * (every *.eml file): each copy has a random share of its bins, from
 * a quarter to all of them, replaced by random values, so that the index
 * holds near-duplicates, loose relatives and strangers of the mail looked
 * up.  They are written to a temporary SQLite file and loaded back through
 * example_index_load, as the daemon loads them at start and on reload.
 * Then every message of DIR is decoded (not timed) and fingerprinted and
 * looked up (timed, thread CPU and wall).  Prints figures; asserts nothing.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "example_store.h"
#include "fingerprint.h"
#include "msg_features.h"
#include "scan.h"
#include "strbuf.h"
#include "xalloc.h"
#include "bench_clock.h"

/* read_file - whole file into a new buffer */
static char *
read_file(const char *path, size_t *len_r)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;

	if (fp == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(fp);
	*len_r = sb.len;
	return sb.data != NULL ? sb.data : xstrdup("");
}

int
main(int argc, char **argv)
{
	struct conf_overrides ov = { NULL, NULL, 0, 1 };
	struct conf *conf;
	struct scan *scan;
	struct msg_features_scratch *fs;
	struct example_store *st;
	struct example_index *ix;
	struct example_info info;
	struct fingerprint *fps = NULL, fp;
	struct example_hit best[CLASS_COUNT];
	const char *error;
	char **data = NULL, path[4096], dbpath[] = "/tmp/bench_examples.XXXXXX";
	size_t *len = NULL, count = 0, nfp = 0, i, n = 100000, verified = 0, matched = 0;
	double min_sim = 0.7, t_fp = 0, t_lookup = 0, c_fp = 0, c_lookup = 0, t0, c0, t_load;
	long rss0, rss1;
	int rounds = 5, r, b, missing, bands, rows, fd, c;
	int64_t id;
	DIR *d;
	struct dirent *de;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_examples CONF DIR [N [MIN_SIMILARITY [ROUNDS]]]\n");
		return 2;
	}
	if (argc > 3)
		n = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		min_sim = strtod(argv[4], NULL);
	if (argc > 5)
		rounds = atoi(argv[5]);
	if ((conf = conf_load(argv[1], &ov, &error)) == NULL) {
		fprintf(stderr, "bench_examples: %s\n", error);
		return 1;
	}
	if ((d = opendir(argv[2])) == NULL) {
		perror(argv[2]);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".eml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[2], de->d_name);
		data = xreallocarray(data, count + 1, sizeof(*data));
		len = xreallocarray(len, count + 1, sizeof(*len));
		if ((data[count] = read_file(path, &len[count])) != NULL)
			count++;
	}
	closedir(d);
	scan = scan_new();
	fs = msg_features_scratch_new();
	fps = xcalloc(count, sizeof(*fps));
	for (i = 0; i < count; i++) {
		scan_begin(scan, conf);
		scan_raw(scan, data[i], len[i]);
		scan_finish(scan);
		if (fingerprint_message(fs, scan_result(scan)->text, &fps[nfp]) == 0)
			nfp++;
	}
	if (nfp == 0) {
		fprintf(stderr, "bench_examples: no message with text in %s\n", argv[2]);
		return 1;
	}

	/* The examples file: n perturbed copies of the corpus's fingerprints. */
	if ((fd = mkstemp(dbpath)) < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	unlink(dbpath);
	if ((st = example_store_open(dbpath, 1, &error)) == NULL ||
	    example_store_begin(st, &error) < 0) {
		fprintf(stderr, "bench_examples: %s\n", error);
		return 1;
	}
	srandom(1);
	t0 = now();
	for (i = 0; i < n; i++) {
		double replace = 0.25 + 0.75 * (random() / (double)RAND_MAX);

		fp = fps[i % nfp];
		for (b = 0; b < FINGERPRINT_BINS; b++)
			if (random() / (double)RAND_MAX < replace)
				fp.bin[b] = (uint16_t)random();
		memset(&info, 0, sizeof(info));
		info.class = (enum csp_class)(i % CLASS_COUNT);
		info.taught_by = i % 3 ? "ops" : "postmaster";
		info.taught_at = "2026-12-01T09:00:00Z";
		info.source = "bench";
		info.note = "";
		if (example_store_add(st, &info, &fp, &id, &error) < 0) {
			fprintf(stderr, "bench_examples: %s\n", error);
			return 1;
		}
	}
	if (example_store_commit(st, &error) < 0) {
		fprintf(stderr, "bench_examples: %s\n", error);
		return 1;
	}
	example_store_close(&st);
	printf("examples file: %zu examples written in %.2f s\n", n, now() - t0);

	rss0 = rss_kib();
	t0 = now();
	if ((ix = example_index_load(dbpath, min_sim, &missing, &error)) == NULL) {
		fprintf(stderr, "bench_examples: %s\n", error);
		return 1;
	}
	t_load = now() - t0;
	rss1 = rss_kib();
	unlink(dbpath);
	example_index_bands(ix, &bands, &rows);
	printf("index: %zu examples, min_similarity %.2f: %d bands of %d bins (candidate p %.3f); "
	    "load %.2f s\n", example_index_count(ix), min_sim, bands, rows,
	    example_index_candidate_p(min_sim, bands, rows), t_load);
	printf("index RSS: %ld KiB (%.0f bytes an example); process RSS: %ld KiB before the "
	    "index (config, model, the corpus in memory), %ld KiB after\n", rss1 - rss0,
	    (rss1 - rss0) * 1024.0 / (double)n, rss0, rss1);

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < count; i++) {
			scan_begin(scan, conf);
			scan_raw(scan, data[i], len[i]);
			scan_finish(scan);
			t0 = now();
			c0 = cpu_now();
			if (fingerprint_message(fs, scan_result(scan)->text, &fp) < 0)
				continue;
			t_fp += now() - t0;
			c_fp += cpu_now() - c0;
			t0 = now();
			c0 = cpu_now();
			verified += example_index_lookup(ix, &fp, best);
			t_lookup += now() - t0;
			c_lookup += cpu_now() - c0;
			for (c = 0; c < CLASS_COUNT; c++)
				matched += best[c].slot != EXAMPLE_NONE;
		}
	}
	printf("fingerprint: %.2f us/msg wall, %.2f us/msg thread CPU (%zu messages x %d)\n",
	    t_fp / (count * rounds) * 1e6, c_fp / (count * rounds) * 1e6, count, rounds);
	printf("lookup: %.2f us/msg wall, %.2f us/msg thread CPU; %.1f candidates verified, "
	    "%.2f classes matched a message\n", t_lookup / (count * rounds) * 1e6,
	    c_lookup / (count * rounds) * 1e6, (double)verified / (count * rounds),
	    (double)matched / (count * rounds));
	printf("fingerprint + lookup: %.2f us/msg thread CPU\n",
	    (c_fp + c_lookup) / (count * rounds) * 1e6);
	example_index_free(&ix);
	msg_features_scratch_free(&fs);
	scan_free(&scan);
	for (i = 0; i < count; i++)
		free(data[i]);
	free(data);
	free(len);
	free(fps);
	conf_unref(&conf);
	return 0;
}
