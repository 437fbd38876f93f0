/* html_visible - what the classifier reads of HTML bodies, for the browser oracle */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mime_decoder.h"
#include "msg_text.h"
#include "strbuf.h"
#include "text_norm.h"

/*
 * Usage: html_visible FILE...
 * Each FILE is an HTML body.  It goes through the decoder as the only part
 * of a message (text/html, UTF-8, 8bit), exactly as the milter decodes
 * one, and one JSON line per file is printed:
 *   {"file": FILE, "body": visible text, "hidden": hidden text}
 * Exit 0, or 1 when a file cannot be read.
 *
 * Usage: html_visible --fold
 * Each line of the standard input is a JSON string (what the browser
 * shows); each is printed back as a JSON string line, folded as the
 * decoder folds text (text_norm), so that the oracle compares like with
 * like.
 */

#define MAX_TEXT (4 * 1024 * 1024)

/* read_file - the whole file appended to sb; 0, or -1 */
static int
read_file(const char *path, struct strbuf *sb)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_append(sb, buf, n);
	fclose(f);
	return 0;
}

/* fold_lines - JSON string lines in, the same folded out */
static int
fold_lines(void)
{
	struct strbuf out = STRBUF_INIT;
	char *line = NULL, *dump;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t jerr;
		json_t *in = json_loadb(line, (size_t)n, JSON_DECODE_ANY, &jerr), *o;

		if (in == NULL || !json_is_string(in)) {
			fprintf(stderr, "html_visible: --fold: not a JSON string: %s\n", jerr.text);
			json_decref(in);
			ret = 1;
			continue;
		}
		strbuf_reset(&out);
		text_norm_string(&out, json_string_value(in), json_string_length(in), 1);
		o = json_stringn(out.data != NULL ? out.data : "", out.len);
		dump = o != NULL ? json_dumps(o, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		printf("%s\n", dump != NULL ? dump : "\"\"");
		free(dump);
		json_decref(o);
		json_decref(in);
	}
	free(line);
	strbuf_release(&out);
	return ret;
}

int
main(int argc, char **argv)
{
	static const char head[] = "MIME-Version: 1.0\n"
	    "Content-Type: text/html; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n";
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md;
	struct msg_text *mt;
	struct strbuf msg = STRBUF_INIT;
	const char *body, *hidden;
	size_t blen, hlen;
	int i, ret = 0;

	if (argc == 2 && strcmp(argv[1], "--fold") == 0)
		return fold_lines();
	md = mime_decoder_new(&lim);
	mt = msg_text_new(MAX_TEXT, 1);
	if (md == NULL || mt == NULL) {
		mime_decoder_free(&md);
		msg_text_free(&mt);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		json_t *o;
		char *line;

		strbuf_reset(&msg);
		strbuf_append_str(&msg, head);
		if (read_file(argv[i], &msg) < 0) {
			fprintf(stderr, "html_visible: cannot read %s\n", argv[i]);
			ret = 1;
			continue;
		}
		msg_text_reset(mt);
		mime_decoder_reset(md, mt);
		mime_decoder_raw(md, msg.data, msg.len);
		mime_decoder_finish(md);
		body = msg_text_body(mt, &blen);
		hidden = msg_text_hidden(mt, &hlen);
		o = json_pack("{s:s, s:s%, s:s%}", "file", argv[i], "body", body, blen,
		    "hidden", hidden, hlen);
		line = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
		if (line == NULL) {
			fprintf(stderr, "html_visible: %s: cannot encode the text\n", argv[i]);
			ret = 1;
		} else
			printf("%s\n", line);
		free(line);
		json_decref(o);
	}
	strbuf_release(&msg);
	msg_text_free(&mt);
	mime_decoder_free(&md);
	return ret;
}
