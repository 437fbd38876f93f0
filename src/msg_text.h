/* msg_text - the decoded, normalised text of one message: the classifier's input */
#ifndef CSP_MSG_TEXT_H
#define CSP_MSG_TEXT_H

#include <stddef.h>

/*
 * The decoder writes into a msg_text; the classifier only reads it.  All
 * text is valid UTF-8 after normalisation (text_norm).  It holds:
 *   - the top-level headers, unfolded and RFC 2047 decoded, in order;
 *   - the body: the text the reader sees, of every text part (and of the
 *     headers of nested message/rfc822 parts), one part after another;
 *   - the hidden text: what the reader does not see: text HTML hides,
 *     comments and titles, and alternatives the mail client does not
 *     display.  It is not in the body: rules may count it only towards
 *     restrictive classes (see classify);
 *   - the parts list: one line "type/subtype filename" per MIME leaf;
 *   - flags, with the reason of the first uncertainty.
 * Body and hidden text together are capped at max_text bytes; beyond the
 * cap text is dropped and the message is marked truncated.  A msg_text
 * belongs to one message at a time and is not thread-safe; reset it
 * between messages to reuse its storage.
 */
struct msg_text;

enum msg_text_flags {
	MSG_TEXT_UNCERTAIN = 1 << 0,	/* the content has more than one reading */
	MSG_TEXT_TRUNCATED = 1 << 1,	/* the decoded-text cap was reached */
	MSG_TEXT_LIMIT = 1 << 2,	/* a structure limit (depth, parts, header size) was hit */
};

/* msg_text_new - never NULL; free with msg_text_free */
struct msg_text *msg_text_new(size_t max_text, int normalise);
void msg_text_free(struct msg_text **mt);
void msg_text_reset(struct msg_text *mt);

/* Writer side (the decoder). Values need not be valid UTF-8 or NUL-free. */
void msg_text_add_header(struct msg_text *mt, const char *name, const char *value, size_t len);
void msg_text_body_begin(struct msg_text *mt, int hidden);
void msg_text_body_append(struct msg_text *mt, const char *utf8, size_t len);
void msg_text_body_end(struct msg_text *mt);
/*
 * msg_text_hidden_append - text hidden inside a visible run (a hidden span
 * inside a word): it goes to the hidden text and the visible run goes on
 * unbroken, so the visible word stays whole.
 */
void msg_text_hidden_append(struct msg_text *mt, const char *utf8, size_t len);
/* msg_text_body_mark - a mark for msg_text_hide_from: the end of the body */
size_t msg_text_body_mark(const struct msg_text *mt);
/* msg_text_hide_from - move the body text written since mark to the hidden text */
void msg_text_hide_from(struct msg_text *mt, size_t mark);
void msg_text_add_part(struct msg_text *mt, const char *type, const char *filename);
void msg_text_set_flag(struct msg_text *mt, int flag, const char *reason);
/* 1 once the body cap is reached: further body text is pointless */
int msg_text_full(const struct msg_text *mt);

/* Reader side (the classifier).  Pointers stay valid until the next write or reset. */
size_t msg_text_header_count(const struct msg_text *mt);
const char *msg_text_header_name(const struct msg_text *mt, size_t i);
const char *msg_text_header_value(const struct msg_text *mt, size_t i, size_t *len_r);
/* First header with this name (case-insensitive), or NULL. */
const char *msg_text_header_find(const struct msg_text *mt, const char *name, size_t *len_r);
const char *msg_text_body(const struct msg_text *mt, size_t *len_r);
const char *msg_text_hidden(const struct msg_text *mt, size_t *len_r);
/*
 * msg_text_collapsed - the body with its letter-spaced runs ("i n v o i c e")
 * collapsed into words (text_norm_collapse); "" with *len_r 0 when the body
 * has none, or is not normalised.  Computed on the first call after the body
 * changed and kept (reading is not thread-safe, like writing).
 */
const char *msg_text_collapsed(const struct msg_text *mt, size_t *len_r);
/* msg_text_collapsed_runs - where the collapsed runs lie: *runs_r holds [start, end) pairs */
size_t msg_text_collapsed_runs(const struct msg_text *mt, const size_t **runs_r);
const char *msg_text_parts(const struct msg_text *mt, size_t *len_r);
int msg_text_flags(const struct msg_text *mt);
/* Why the message is uncertain or limited, or "" */
const char *msg_text_reason(const struct msg_text *mt);

#endif
