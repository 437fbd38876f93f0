/* test_gmime_diff - our decoder against GMime on real and fixture messages */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gmime/gmime.h>

#include "mime_decoder.h"
#include "strbuf.h"
#include "text_norm.h"
#include "unit.h"

/*
 * The comparison: GMime parses the message independently; for every
 * text/plain part it reaches (descending into message/rfc822 parts too)
 * we take g_mime_text_part_get_text (GMime's own transfer decoding and
 * charset conversion to UTF-8), normalise it with text_norm_string as
 * msg_text does, split it at white space and require every word to occur
 * in the text our decoder produced, visible or hidden (a text/plain twin of
 * an HTML part is text the reader does not see).  Containment, not equality:
 * our body also holds HTML text and forwarded headers, and line breaks
 * differ.  Words with U+FFFD are skipped, since the two converters need
 * not repair invalid bytes the same way, and so are words with C1
 * controls (U+0080-U+009F): we read ISO-8859-1 as its superset
 * windows-1252, where those bytes are letters and signs such as the euro.  A message our decoder marks
 * uncertain is left out: it has two readings by definition (GMime takes
 * the last of two Content-Transfer-Encoding fields, we the first).
 */

struct walk {
	const char *body;	/* our normalised body */
	const char *hidden;	/* our normalised hidden text */
	const char *path;
	size_t words;
	int depth;
};

static void walk_message(GMimeMessage *msg, struct walk *w);

/* has_c1 - the UTF-8 word holds a C1 control character */
static int
has_c1(const struct strbuf *w)
{
	size_t i;

	for (i = 0; i + 1 < w->len; i++)
		if ((unsigned char)w->data[i] == 0xc2 &&
		    (unsigned char)w->data[i + 1] >= 0x80 && (unsigned char)w->data[i + 1] <= 0x9f)
			return 1;
	return 0;
}

/* check_words - every word of GMime's text occurs in our body */
static void
check_words(struct walk *w, const char *text)
{
	struct strbuf norm = STRBUF_INIT, word = STRBUF_INIT;
	size_t i = 0, j;

	text_norm_string(&norm, text, strlen(text), 1);
	while (i < norm.len) {
		while (i < norm.len && (norm.data[i] == ' ' || norm.data[i] == '\n'))
			i++;
		for (j = i; j < norm.len && norm.data[j] != ' ' && norm.data[j] != '\n'; j++)
			;
		if (j > i) {
			strbuf_reset(&word);
			strbuf_append(&word, norm.data + i, j - i);
			if (strstr(word.data, "\xef\xbf\xbd") == NULL && !has_c1(&word)) {
				if (strstr(w->body, word.data) == NULL &&
				    strstr(w->hidden, word.data) == NULL)
					fail_msg("%s: GMime word \"%s\" missing from our body",
					    w->path, word.data);
				w->words++;
			}
		}
		i = j;
	}
	strbuf_release(&norm);
	strbuf_release(&word);
}

/* visit - one MIME object from GMime's tree */
static void
visit(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct walk *w = data;
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	char *text;

	(void)parent;
	if (GMIME_IS_MESSAGE_PART(part) && w->depth < 8) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));

		if (inner != NULL) {
			w->depth++;
			walk_message(inner, w);
			w->depth--;
		}
		return;
	}
	if (!GMIME_IS_TEXT_PART(part) || !g_mime_content_type_is_type(ct, "text", "plain"))
		return;
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	if (text != NULL)
		check_words(w, text);
	g_free(text);
}

/* walk_message - visit every part of a message */
static void
walk_message(GMimeMessage *msg, struct walk *w)
{
	GMimeObject *top = g_mime_message_get_mime_part(msg);

	if (top == NULL)
		return;
	if (GMIME_IS_MULTIPART(top))
		g_mime_multipart_foreach(GMIME_MULTIPART(top), visit, w);
	else
		visit(NULL, top, w);
}

/* read_file - a whole file into sb; 0 or -1 */
static int
read_file(const char *path, struct strbuf *sb)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (f == NULL)
		return -1;
	strbuf_reset(sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_append(sb, buf, n);
	fclose(f);
	return 0;
}

/* compare_dir - compare every .eml of a folder; returns the number of messages */
static size_t
compare_dir(const char *dir, size_t *words_r)
{
	struct mime_limits lim = MIME_LIMITS_DEFAULT;
	struct mime_decoder *md = mime_decoder_new(&lim);
	struct msg_text *mt = msg_text_new(1 << 20, 1);
	struct strbuf raw = STRBUF_INIT;
	struct dirent *de;
	size_t n = 0, len;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		GMimeStream *stream;
		GMimeParser *parser;
		GMimeMessage *msg;
		struct walk w;
		char *path;

		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0)
			continue;
		path = unit_strf("%s/%s", dir, de->d_name);
		assert_int_equal(read_file(path, &raw), 0);
		msg_text_reset(mt);
		mime_decoder_reset(md, mt);
		mime_decoder_raw(md, raw.data, raw.len);
		mime_decoder_finish(md);
		if (msg_text_flags(mt) & MSG_TEXT_UNCERTAIN) {
			free(path);
			continue;
		}

		stream = g_mime_stream_mem_new_with_buffer(raw.data, raw.len);
		parser = g_mime_parser_new_with_stream(stream);
		msg = g_mime_parser_construct_message(parser, NULL);
		if (msg == NULL)
			fail_msg("%s: GMime could not parse it", path);
		memset(&w, 0, sizeof(w));
		w.body = msg_text_body(mt, &len);
		w.hidden = msg_text_hidden(mt, &len);
		w.path = path;
		walk_message(msg, &w);
		*words_r += w.words;
		g_object_unref(msg);
		g_object_unref(parser);
		g_object_unref(stream);
		free(path);
		n++;
	}
	closedir(d);
	strbuf_release(&raw);
	msg_text_free(&mt);
	mime_decoder_free(&md);
	return n;
}

/* mime_decoder_gmime_corpus - every text/plain word GMime sees in the dev corpus is ours too */
static void
mime_decoder_gmime_corpus(void **state)
{
	char *dir = unit_strf("%s/../shared/corpus/dev", unit_srcdir());
	size_t words = 0, n = compare_dir(dir, &words);

	free(dir);
	if (n == 0) {
		print_message("corpus folder absent: skipped\n");
		skip();
	}
	print_message("%zu messages, %zu words compared\n", n, words);
	assert_true(words > 0);
}

/* mime_decoder_gmime_fixtures - the same on the fixture messages */
static void
mime_decoder_gmime_fixtures(void **state)
{
	char *dir = unit_strf("%s/tests/fixtures/mime", unit_srcdir());
	size_t words = 0, n = compare_dir(dir, &words);

	free(dir);
	assert_true(n > 0);
	assert_true(words > 0);
}

/* setup - GMime once for the group */
static int
setup(void **state)
{
	g_mime_init();
	return 0;
}

/* teardown - GMime's global state */
static int
teardown(void **state)
{
	g_mime_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mime_decoder_gmime_corpus),
		cmocka_unit_test(mime_decoder_gmime_fixtures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
