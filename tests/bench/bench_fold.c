/* bench_fold - what folding costs, and what a full confusable skeleton would do */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#include "mime_decoder.h"
#include "msg_text.h"
#include "strbuf.h"
#include "text_norm.h"

/*
 * Usage: bench_fold [corpus-dir].  Each message is decoded without
 * normalisation; its body is then folded by text_norm (timed, after one
 * warm-up pass that builds the fold tables), and compared with what ICU's
 * full UTS #39 skeleton (uspoof_getSkeleton) would do to it after case
 * folding: how many ASCII letters, ASCII digits and CJK characters it
 * would change, and how fast it runs.  These are the figures behind the
 * choice in HACKING.md (the skeleton only for look-alikes that become
 * ASCII, never on ASCII or CJK).
 */
#define ROUNDS 20

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* load_bodies - every .eml in dir, decoded without normalisation, one body each */
static size_t
load_bodies(const char *dir, struct strbuf **bodies_r)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(1 << 20, 0);
	struct strbuf raw = STRBUF_INIT, *bodies = NULL;
	struct dirent *de;
	size_t n = 0, len;
	DIR *d = opendir(dir);
	const char *b;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char path[4096], buf[65536];
		size_t got;
		FILE *f;

		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		strbuf_reset(&raw);
		while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_append(&raw, buf, got);
		fclose(f);
		msg_text_reset(mt);
		mime_decoder_reset(md, mt);
		mime_decoder_raw(md, raw.data != NULL ? raw.data : "", raw.len);
		mime_decoder_finish(md);
		b = msg_text_body(mt, &len);
		bodies = realloc(bodies, (n + 1) * sizeof(*bodies));
		strbuf_init(&bodies[n], len + 1);
		strbuf_append(&bodies[n], b, len);
		n++;
	}
	if (d != NULL)
		closedir(d);
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
	*bodies_r = bodies;
	return n;
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/corpus/dev";
	struct strbuf *bodies, out = STRBUF_INIT;
	static UChar u[1 << 21], sk[1 << 22];
	long ascii = 0, ascii_chg = 0, digit = 0, digit_chg = 0, cjk = 0, cjk_chg = 0;
	long cjk_msgs = 0;
	double t0, t_fold = 0, t_skel = 0;
	size_t n, i, bytes = 0;
	UErrorCode err = U_ZERO_ERROR;
	USpoofChecker *sc = uspoof_open(&err);
	int r;

	printf("command: %s %s\n", argv[0], dir);
	if (U_FAILURE(err) || (n = load_bodies(dir, &bodies)) == 0) {
		printf("fold: no corpus at %s, or no ICU spoof checker\n", dir);
		return 1;
	}
	for (i = 0; i < n; i++) {
		strbuf_reset(&out);
		text_norm_string(&out, bodies[i].data, bodies[i].len, 1);
	}
	for (i = 0; i < n; i++) {
		int32_t ulen = 0, k;
		int changed_cjk = 0;

		bytes += bodies[i].len;
		t0 = now();
		for (r = 0; r < ROUNDS; r++) {
			strbuf_reset(&out);
			text_norm_string(&out, bodies[i].data, bodies[i].len, 1);
		}
		t_fold += now() - t0;
		err = U_ZERO_ERROR;
		u_strFromUTF8(u, 1 << 21, &ulen, bodies[i].data, (int32_t)bodies[i].len, &err);
		if (U_FAILURE(err))
			continue;
		t0 = now();
		for (r = 0; r < ROUNDS; r++) {
			err = U_ZERO_ERROR;
			uspoof_getSkeleton(sc, 0, u, ulen, sk, 1 << 22, &err);
		}
		t_skel += now() - t0;
		for (k = 0; k < ulen;) {
			UChar in[2], o[32];
			UChar32 c;
			int32_t m = 0, om;
			int chg;
			UScriptCode s;

			U16_NEXT(u, k, ulen, c);
			if (u_isspace(c))
				continue;
			U16_APPEND_UNSAFE(in, m, u_foldCase(c, U_FOLD_CASE_DEFAULT));
			err = U_ZERO_ERROR;
			om = uspoof_getSkeleton(sc, 0, in, m, o, 32, &err);
			chg = om != m || memcmp(o, in, (size_t)m * sizeof(UChar)) != 0;
			s = uscript_getScript(c, &err);
			if (c >= '0' && c <= '9') {
				digit++;
				digit_chg += chg;
			} else if (c < 0x80) {
				ascii++;
				ascii_chg += chg;
			} else if (s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA ||
			    s == USCRIPT_HANGUL) {
				cjk++;
				cjk_chg += chg;
				changed_cjk |= chg;
			}
		}
		cjk_msgs += changed_cjk;
	}
	printf("fold: %zu bodies, %zu bytes: text_norm folds %.1f MB/s; "
	    "uspoof_getSkeleton alone %.1f MB/s\n", n, bytes,
	    (double)bytes * ROUNDS / t_fold / 1e6, (double)bytes * ROUNDS / t_skel / 1e6);
	printf("fold: a full skeleton after case folding would change %ld of %ld ASCII letters "
	    "and signs (%.1f%%), %ld of %ld ASCII digits (%.1f%%), %ld of %ld CJK characters "
	    "(%.1f%%, in %ld messages)\n", ascii_chg, ascii, ascii ? 100.0 * ascii_chg / ascii : 0,
	    digit_chg, digit, digit ? 100.0 * digit_chg / digit : 0, cjk_chg, cjk,
	    cjk ? 100.0 * cjk_chg / cjk : 0, cjk_msgs);
	for (i = 0; i < n; i++)
		strbuf_release(&bodies[i]);
	free(bodies);
	strbuf_release(&out);
	uspoof_close(sc);
	return 0;
}
