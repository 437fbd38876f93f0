/* mime_decoder - push-style streaming decoder from wire bytes to msg_text */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mime_decoder.h"
#include "mime_encoding.h"
#include "mime_header.h"
#include "mime_leaf.h"
#include "mime_part.h"
#include "strbuf.h"
#include "xalloc.h"

/*
 * The body is scanned once, line by line, without ever holding a whole
 * line: content runs are handed on as spans that end where a line starts
 * with '-' (a possible boundary).  Only such a line is collected, and
 * only until it is longer than the longest active boundary plus the
 * "--" on each side; by then it either matched or it is content.  The
 * multipart and message/rfc822 nesting lives on an explicit stack capped
 * by limits.max_depth.  Part headers are collected a line at a time into
 * buffers capped by limits.max_header_len.  A message/rfc822 part sent
 * base64 or quoted-printable is decoded and handed to a child decoder that
 * writes into the same msg_text, with the depth that is left.  The body
 * of a text part goes to a mime_leaf (transfer encoding, charset, filter).  The
 * budgets are the message's, not a decoder's: a child counts its parts
 * against the root's part count and opens its converters through the
 * root's charset cache, so nesting never buys a fresh budget.
 */

#define FRAMES_HARD_MAX	4096	/* whatever the configured depth */
#define SLICE		65536	/* bytes of an encoded message/rfc822 decoded at a time */
#define TOP_HEADERS_MIN	(1024 * 1024)	/* top-level header bytes kept, at least */

enum md_mode {
	MD_HEADER,		/* reading a header block */
	MD_BODY,		/* reading a body */
	MD_DONE,		/* a limit was hit: ignore the rest */
};

enum md_action {
	MD_SKIP,		/* preamble, epilogue, attachment */
	MD_LEAF,		/* a text part: the leaf decodes it */
	MD_CHILD,		/* an encoded message/rfc822: decoded, then parsed by child */
};

enum md_frame_kind {
	MD_MULTIPART,
	MD_MESSAGE,
};

struct md_frame {
	enum md_frame_kind kind;
	struct strbuf boundary;	/* multipart only */
	int digest;		/* multipart/digest: parts default to message/rfc822 */
	int alternative;	/* multipart/alternative: only the last part is displayed */
	size_t shown_mark;	/* body mark where its current part began, or SIZE_MAX */
};

struct mime_decoder {
	struct mime_limits limits;
	struct msg_text *out;
	struct charset_cache *cc;
	struct mime_leaf *leaf;

	struct md_frame *frames;
	size_t depth, frames_cap;
	size_t nboundaries;	/* frames with a boundary */
	size_t line_cap;	/* bytes of a line needed to match any boundary */
	struct mime_decoder *root;	/* the message's decoder: owns the budgets */
	size_t nparts;		/* root only: parts of the whole message */
	size_t nheaders;	/* root only: header fields of the whole message */
	size_t top_bytes;	/* top-level header bytes handed to msg_text */
	size_t top_cap;		/* at most this many */

	enum md_mode mode;
	int top_done;		/* the top-level header block ended */
	int first_line;

	struct strbuf hline;	/* header mode: the current physical line */
	struct strbuf hfield;	/* header mode: the current unfolded field */
	int hline_cut;		/* the current physical line was cut at the cap */
	int hfield_cut;		/* the current field was cut at the cap */
	mime_header_fn *top_header_fn;	/* sees every top-level field raw */
	void *top_header_arg;
	struct mime_part part;	/* the fields of the part being read */

	int line_start;		/* body mode: at the start of a line */
	int in_lbuf;		/* collecting a line that may be a boundary */
	int skip_line;		/* dropping the rest of a boundary line */
	struct strbuf lbuf;

	enum md_action action;
	struct mime_encoding enc;	/* MD_CHILD: the transfer encoding of the nested message */
	struct strbuf dbuf;	/* MD_CHILD: decoded bytes for the child */
	struct strbuf tmp;	/* a decoded header value */
	struct strbuf tmp2;	/* an unknown charset's name */
	struct strbuf reason;	/* scratch for a flag's reason */
	struct strbuf hraw;	/* a header value with raw 8-bit bytes, as UTF-8 */
	struct mime_decoder *child;	/* parses base64 or QP message/rfc822 parts */
};

static void feed(struct mime_decoder *, const char *, size_t);
static void add_part(struct mime_decoder *, const char *);

/* decoder_new - a decoder; a child (root not NULL) shares the root's budgets */
static struct mime_decoder *
decoder_new(const struct mime_limits *limits, struct mime_decoder *root)
{
	struct mime_decoder *md = xcalloc(1, sizeof(*md));

	md->limits = *limits;
	if (md->limits.max_depth > FRAMES_HARD_MAX)
		md->limits.max_depth = FRAMES_HARD_MAX;
	md->top_cap = md->limits.max_header_len > TOP_HEADERS_MIN ?
	    md->limits.max_header_len : TOP_HEADERS_MIN;
	md->root = root != NULL ? root : md;
	md->cc = root != NULL ? root->cc : charset_cache_new();
	md->leaf = mime_leaf_new(md->cc);
	mime_part_init(&md->part);
	return md;
}

/* mime_decoder_new - a decoder with its converters and buffers */
struct mime_decoder *
mime_decoder_new(const struct mime_limits *limits)
{
	return decoder_new(limits, NULL);
}

/* mime_decoder_free - release and clear the caller's pointer */
void
mime_decoder_free(struct mime_decoder **mdp)
{
	struct mime_decoder *md = *mdp;
	size_t i;

	if (md == NULL)
		return;
	for (i = 0; i < md->frames_cap; i++)
		strbuf_release(&md->frames[i].boundary);
	free(md->frames);
	mime_decoder_free(&md->child);
	if (md->root == md)
		charset_cache_free(&md->cc);
	mime_leaf_free(&md->leaf);
	mime_part_release(&md->part);
	strbuf_release(&md->hline);
	strbuf_release(&md->hfield);
	strbuf_release(&md->lbuf);
	strbuf_release(&md->dbuf);
	strbuf_release(&md->tmp);
	strbuf_release(&md->tmp2);
	strbuf_release(&md->reason);
	strbuf_release(&md->hraw);
	free(md);
	*mdp = NULL;
}

/* mime_decoder_reset - start a new message */
void
mime_decoder_reset(struct mime_decoder *md, struct msg_text *out)
{
	md->out = out;
	if (md->root == md) {
		charset_cache_begin(md->cc);
		md->nparts = 1;
		md->nheaders = 0;
	}
	md->depth = 0;
	md->nboundaries = 0;
	md->line_cap = 0;
	md->top_bytes = 0;
	md->mode = MD_HEADER;
	md->top_done = 0;
	md->first_line = 1;
	strbuf_reset(&md->hline);
	strbuf_reset(&md->hfield);
	md->hline_cut = md->hfield_cut = 0;
	mime_part_reset(&md->part, 1, 0, 0);
	md->line_start = 1;
	md->in_lbuf = 0;
	md->skip_line = 0;
	strbuf_reset(&md->lbuf);
	md->action = MD_SKIP;	/* a part cut off by the reset is dropped, not flushed */
}

/* limit - record a structure limit */
static void
limit(struct mime_decoder *md, const char *reason)
{
	msg_text_set_flag(md->out, MSG_TEXT_LIMIT, reason);
}

/* uncertain - record a second reading */
static void
uncertain(struct mime_decoder *md, const char *reason)
{
	msg_text_set_flag(md->out, MSG_TEXT_UNCERTAIN, reason);
}

/* unknown_charset - mark the message, naming the charset (bounded) */
static void
unknown_charset(struct mime_decoder *md, const char *name, size_t len)
{
	strbuf_reset(&md->reason);
	strbuf_append_str(&md->reason, "unknown charset ");
	charset_safe_name(&md->reason, name, len);
	uncertain(md, md->reason.data);
}

/* bounded_append - append to a header buffer without passing the cap */
static void
bounded_append(struct mime_decoder *md, struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n > md->limits.max_header_len) {
		n = sb->len < md->limits.max_header_len ?
		    md->limits.max_header_len - sb->len : 0;
		limit(md, "header line too long");
		if (sb == &md->hline)
			md->hline_cut = 1;
		else if (sb == &md->hfield)
			md->hfield_cut = 1;
	}
	if (n > 0)
		strbuf_append(sb, s, n);
}

/* recompute_boundaries - refresh the boundary count and line cap after a push or pop */
static void
recompute_boundaries(struct mime_decoder *md)
{
	size_t i;

	md->nboundaries = 0;
	md->line_cap = 0;
	for (i = 0; i < md->depth; i++) {
		if (md->frames[i].kind != MD_MULTIPART)
			continue;
		md->nboundaries++;
		if (md->frames[i].boundary.len + 4 > md->line_cap)
			md->line_cap = md->frames[i].boundary.len + 4;
	}
}

/* push_frame - open a container; NULL when the depth limit is hit */
static struct md_frame *
push_frame(struct mime_decoder *md, enum md_frame_kind kind)
{
	struct md_frame *f;

	if (md->depth >= md->limits.max_depth) {
		limit(md, "MIME nesting too deep");
		return NULL;
	}
	if (md->depth == md->frames_cap) {
		size_t cap = md->frames_cap ? md->frames_cap * 2 : 8;

		if (cap > md->limits.max_depth)
			cap = md->limits.max_depth;
		f = xreallocarray(md->frames, cap, sizeof(*f));
		memset(f + md->frames_cap, 0, (cap - md->frames_cap) * sizeof(*f));
		md->frames = f;
		md->frames_cap = cap;
	}
	f = &md->frames[md->depth++];
	f->kind = kind;
	f->digest = 0;
	f->alternative = 0;
	strbuf_reset(&f->boundary);
	return f;
}

/* content - decode a span of the current leaf's body */
static void
content(struct mime_decoder *md, const char *data, size_t len)
{
	size_t n;

	if (md->action == MD_LEAF)
		mime_leaf_feed(md->leaf, data, len);
	if (md->action != MD_CHILD)
		return;
	/* Slices keep the buffer small whatever the caller feeds. */
	while (len > 0 && !msg_text_full(md->out)) {
		n = len < SLICE ? len : SLICE;
		strbuf_reset(&md->dbuf);
		mime_encoding_feed(&md->enc, &md->dbuf, data, n);
		data += n;
		len -= n;
		mime_decoder_raw(md->child, md->dbuf.data, md->dbuf.len);
	}
}


/* leaf_close - end the current part: flush the leaf or the child */
static void
leaf_close(struct mime_decoder *md)
{
	if (md->action == MD_LEAF)
		mime_leaf_close(md->leaf);
	else if (md->action == MD_CHILD) {
		strbuf_reset(&md->dbuf);
		mime_encoding_finish(&md->enc, &md->dbuf);
		mime_decoder_raw(md->child, md->dbuf.data, md->dbuf.len);
		mime_decoder_finish(md->child);
	}
	md->action = MD_SKIP;
}

/* leaf_open - start decoding a text part through the leaf */
static void
leaf_open(struct mime_decoder *md, enum mime_leaf_filter filter, int hidden)
{
	struct mime_part *p = &md->part;
	struct mime_leaf_label label = { p->cte, p->charset.data, p->charset.len, filter,
	    p->delsp, hidden };

	mime_leaf_open(md->leaf, md->out, &label);
	md->action = MD_LEAF;
}

/*
 * text_leaf - a text part that is not HTML.  RFC 2046 s4.1.4: an unknown
 * subtype is read as text/plain.  text/enriched and text/richtext lose
 * their formatting commands; format=flowed (RFC 3676) is unflowed, in
 * text/plain and in the subtypes read as text/plain.  A text part sent as an attachment (an invoice as CSV, a
 * calendar file) is text the reader sees only by opening it: it goes to
 * the hidden text, where it can make a decision stricter but not looser.
 */
static void
text_leaf(struct mime_decoder *md, const char *type)
{
	struct mime_part *p = &md->part;
	enum mime_leaf_filter filter = MIME_LEAF_PLAIN;

	if (strcmp(type, "text/enriched") == 0)
		filter = MIME_LEAF_ENRICHED;
	else if (strcmp(type, "text/richtext") == 0)
		filter = MIME_LEAF_RICHTEXT;
	else if (p->flowed)
		filter = MIME_LEAF_FLOWED;	/* read as text/plain, with its parameters */
	add_part(md, type);
	leaf_open(md, filter, p->attachment);
}

/* count_part - one more part of the message; 0, or -1 past limits.max_parts */
static int
count_part(struct mime_decoder *md)
{
	if (++md->root->nparts > md->root->limits.max_parts) {
		limit(md, "too many MIME parts");
		return -1;
	}
	return 0;
}

/* begin_part - a boundary opened a new part inside frame k */
static void
begin_part(struct mime_decoder *md, int nested, int in_digest)
{
	if (count_part(md) < 0) {
		md->mode = MD_DONE;
		return;
	}
	mime_part_reset(&md->part, 0, nested, in_digest);
	strbuf_reset(&md->hline);
	strbuf_reset(&md->hfield);
	md->mode = MD_HEADER;
}

/* add_part - list a leaf with its file name */
static void
add_part(struct mime_decoder *md, const char *type)
{
	const struct mime_part *p = &md->part;
	const char *fn = p->filename.len > 0 ? p->filename.data :
	    p->name.len > 0 ? p->name.data : NULL;

	msg_text_add_part(md->out, type, fn);
}

/*
 * child_open - a message/rfc822 part with a base64 or quoted-printable
 * encoding (not allowed, but sent): decode it and parse the result with a
 * child decoder writing into the same msg_text.  The child gets the depth
 * left over, so the chain of children is bounded by max_depth; the nested
 * message is a part of the message, and the child's parts and charset
 * opens count against the same budgets as the root's.
 */
static void
child_open(struct mime_decoder *md)
{
	if (md->depth + 1 >= md->limits.max_depth) {
		limit(md, "MIME nesting too deep");
		return;
	}
	if (count_part(md) < 0)
		return;
	if (md->child == NULL)
		md->child = decoder_new(&md->limits, md->root);
	md->child->limits.max_depth = md->limits.max_depth - md->depth - 1;
	mime_decoder_reset(md->child, md->out);
	mime_part_reset(&md->child->part, 0, 1, 0);
	mime_encoding_init(&md->enc, md->part.cte);
	md->action = MD_CHILD;
}

/* end_headers - the part's header block is complete: decide what its body is */
static void
end_headers(struct mime_decoder *md)
{
	struct mime_part *p = &md->part;
	struct md_frame *f;
	const char *type;

	if (p->top)
		md->top_done = 1;
	md->mode = MD_BODY;
	md->line_start = 1;
	md->action = MD_SKIP;
	if (p->type.len > 0)
		type = p->type.data;
	else
		type = p->in_digest ? "message/rfc822" : "text/plain";
	if (strncmp(type, "multipart/", 10) == 0 && p->boundary.len > 0) {
		if ((f = push_frame(md, MD_MULTIPART)) == NULL)
			return;
		strbuf_append(&f->boundary, p->boundary.data, p->boundary.len);
		f->digest = strcmp(type, "multipart/digest") == 0;
		f->alternative = strcmp(type, "multipart/alternative") == 0;
		f->shown_mark = SIZE_MAX;
		recompute_boundaries(md);
		return;		/* the preamble is skipped */
	}
	if ((strcmp(type, "message/rfc822") == 0 || strcmp(type, "message/global") == 0) &&
	    p->cte == MIME_CTE_IDENTITY) {
		if (push_frame(md, MD_MESSAGE) == NULL)
			return;
		begin_part(md, 1, 0);
		return;
	}
	if (strcmp(type, "message/rfc822") == 0 || strcmp(type, "message/global") == 0) {
		child_open(md);
		return;
	}
	if (strcmp(type, "text/html") == 0) {
		add_part(md, type);
		leaf_open(md, MIME_LEAF_HTML, 0);
	} else if (strncmp(type, "text/", 5) == 0) {
		text_leaf(md, type);
	} else if (strncmp(type, "multipart/", 10) == 0) {
		/* A multipart without a boundary is read as plain text. */
		text_leaf(md, "text/plain");
	} else
		add_part(md, type);
}

/* field - act on one complete header field */
static void
field(struct mime_decoder *md, char *f, size_t len)
{
	struct mime_part *p = &md->part;
	const char *colon = memchr(f, ':', len);
	size_t nl, vl, i;
	const char *v;
	int r;

	if (colon == NULL || colon == f)
		return;
	nl = (size_t)(colon - f);
	while (nl > 0 && (f[nl - 1] == ' ' || f[nl - 1] == '\t'))
		nl--;
	for (i = 0; i < nl; i++)
		if ((unsigned char)f[i] <= 0x20 || (unsigned char)f[i] >= 0x7f)
			return;
	if (nl == 0)
		return;
	if (p->top && md->top_header_fn != NULL) {
		/* Every field, kept or not: a sender header must never go unseen. */
		v = colon + 1;
		vl = len - (size_t)(v - f);
		md->top_header_fn(md->top_header_arg, f, nl, v, vl, md->hfield_cut);
	}
	/* Fields of every header block count, nested decoders' included. */
	if (++md->root->nheaders > md->root->limits.max_headers) {
		if (md->root->nheaders == md->root->limits.max_headers + 1)
			limit(md, "too many header fields");
		return;
	}
	v = colon + 1;
	vl = len - (size_t)(v - f);
	while (vl > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	if (p->top || (p->nested && (mime_part_name_is(f, nl, "subject") ||
	    mime_part_name_is(f, nl, "from")))) {
		strbuf_reset(&md->tmp);
		strbuf_reset(&md->tmp2);
		r = mime_header_display(md->cc, &md->tmp, v, vl, &md->hraw, &md->tmp2);
		if (r & MIME_HEADER_RAW_DOUBT)
			uncertain(md, "raw 8-bit header in no single charset");
		if (r & MIME_HEADER_UNKNOWN_CHARSET)
			unknown_charset(md, md->tmp2.data, md->tmp2.len);
		if (!p->top) {
			msg_text_body_begin(md->out, 0);
			msg_text_body_append(md->out, f, nl);
			msg_text_body_append(md->out, ": ", 2);
			msg_text_body_append(md->out, md->tmp.data != NULL ? md->tmp.data : "",
			    md->tmp.len);
			msg_text_body_append(md->out, "\n", 1);
			msg_text_body_end(md->out);
		} else if (md->top_bytes + nl + md->tmp.len > md->top_cap) {
			limit(md, "header block too large");
		} else {
			char save = f[nl];

			md->top_bytes += nl + md->tmp.len;
			f[nl] = '\0';
			msg_text_add_header(md->out, f, md->tmp.data != NULL ? md->tmp.data : "",
			    md->tmp.len);
			f[nl] = save;
		}
	}
	mime_part_field(p, md->cc, md->out, f, nl, v, vl);
}

/* flush_field - process the pending unfolded field */
static void
flush_field(struct mime_decoder *md)
{
	if (md->hfield.len > 0)
		field(md, md->hfield.data, md->hfield.len);
	strbuf_reset(&md->hfield);
	md->hfield_cut = 0;
}

/* match_boundary - which active boundary the line is; -1 if none */
static int
match_boundary(struct mime_decoder *md, const char *s, size_t n, int eol, int *close_r)
{
	size_t i, bl, rn, best_len = 0;
	int best = -1;
	const char *rest;

	if (n < 2 || s[0] != '-' || s[1] != '-')
		return -1;
	for (i = 0; i < md->depth; i++) {
		const struct md_frame *f = &md->frames[i];

		if (f->kind != MD_MULTIPART)
			continue;
		bl = f->boundary.len;
		if (n < 2 + bl || memcmp(s + 2, f->boundary.data, bl) != 0)
			continue;
		rest = s + 2 + bl;
		rn = n - 2 - bl;
		if (rn == 0 && !eol)
			continue;
		if (rn > 0 && rest[0] == '-') {
			if (rn < 2 || rest[1] != '-')
				continue;
			if (best < 0 || bl >= best_len) {
				best = (int)i;
				best_len = bl;
				*close_r = 1;
			}
			continue;
		}
		if (rn > 0 && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\r' &&
		    rest[0] != '\n')
			continue;
		if (best < 0 || bl >= best_len) {
			best = (int)i;
			best_len = bl;
			*close_r = 0;
		}
	}
	return best;
}

/* boundary - a boundary of frame k: close what is inside it */
static void
boundary(struct mime_decoder *md, size_t k, int close)
{
	struct md_frame *f = &md->frames[k];
	int digest = f->digest;

	if (md->mode == MD_HEADER)
		end_headers(md);	/* a part cut short in its header block */
	leaf_close(md);
	if (md->mode == MD_DONE)
		return;
	/*
	 * A client displays the last alternative it can show; the parts
	 * before it are text the reader never sees.
	 */
	if (f->alternative && !close) {
		if (f->shown_mark != SIZE_MAX)
			msg_text_hide_from(md->out, f->shown_mark);
		f->shown_mark = msg_text_body_mark(md->out);
	}
	md->depth = close ? k : k + 1;
	recompute_boundaries(md);
	if (close) {
		md->mode = MD_BODY;	/* the epilogue is skipped */
		md->action = MD_SKIP;
	} else
		begin_part(md, 0, digest);
}

/* header_line_one - one header line without CR */
static void
header_line_one(struct mime_decoder *md, char *s, size_t n)
{
	int k, close = 0;

	if (md->first_line && md->part.top && n >= 5 && memcmp(s, "From ", 5) == 0) {
		md->first_line = 0;
		return;		/* mbox separator */
	}
	md->first_line = 0;
	if (md->nboundaries > 0 && n >= 2 && s[0] == '-' && s[1] == '-' &&
	    (k = match_boundary(md, s, n, 1, &close)) >= 0) {
		flush_field(md);
		boundary(md, (size_t)k, close);
		return;
	}
	if (n == 0) {
		flush_field(md);
		end_headers(md);
		return;
	}
	if ((s[0] == ' ' || s[0] == '\t') && md->hfield.len > 0) {
		bounded_append(md, &md->hfield, s, n);
		md->hfield_cut |= md->hline_cut;
		return;
	}
	flush_field(md);
	if (memchr(s, ':', n) != NULL) {
		bounded_append(md, &md->hfield, s, n);
		md->hfield_cut |= md->hline_cut;
		return;
	}
	/* Not a header: the header block ended without its empty line. */
	end_headers(md);
	if (md->mode == MD_BODY) {
		feed(md, s, n);
		feed(md, "\n", 1);
	}
}

/* header_line - one physical line of a header block (without its line end) */
static void
header_line(struct mime_decoder *md, char *s, size_t n)
{
	char *cr;

	/*
	 * A bare CR may hide a header from one reader and show it to another:
	 * mark the message, then read the CR as a line break like most agents.
	 * If the block ends inside the line, the rest of the line is dropped.
	 */
	while ((cr = memchr(s, '\r', n)) != NULL && md->mode == MD_HEADER) {
		uncertain(md, "bare CR in header block");
		header_line_one(md, s, (size_t)(cr - s));
		n -= (size_t)(cr - s) + 1;
		s = cr + 1;
	}
	if (md->mode == MD_HEADER)
		header_line_one(md, s, n);
}

/* header_bytes - take bytes of a header block up to a line end; returns bytes used */
static size_t
header_bytes(struct mime_decoder *md, const char *data, size_t len)
{
	const char *lf = memchr(data, '\n', len);
	size_t n = lf != NULL ? (size_t)(lf - data) : len;
	struct strbuf line;

	bounded_append(md, &md->hline, data, n);
	if (lf == NULL)
		return len;
	/* header_line may feed part of the line back in: work on a copy. */
	line = md->hline;
	md->hline.data = NULL;
	md->hline.len = md->hline.cap = 0;
	if (line.len > 0 && line.data[line.len - 1] == '\r')
		line.len--;
	header_line(md, line.data != NULL ? line.data : (char *)"", line.len);
	md->hline_cut = 0;
	if (md->hline.data == NULL) {
		md->hline = line;
		strbuf_reset(&md->hline);
	} else
		strbuf_release(&line);
	return n + 1;
}

/* decide - the collected line is complete enough: boundary or content */
static int
decide(struct mime_decoder *md, int eol)
{
	int k, close = 0;

	md->in_lbuf = 0;
	k = match_boundary(md, md->lbuf.data, md->lbuf.len, eol, &close);
	if (k < 0) {
		content(md, md->lbuf.data, md->lbuf.len);
		return 0;
	}
	boundary(md, (size_t)k, close);
	return 1;
}

/* body_bytes - scan body bytes for boundaries; returns bytes used */
static size_t
body_bytes(struct mime_decoder *md, const char *data, size_t len)
{
	const char *lf;
	size_t i = 0, j, n, room;

	while (i < len) {
		if (md->skip_line) {
			if ((lf = memchr(data + i, '\n', len - i)) == NULL)
				return len;
			md->skip_line = 0;
			md->line_start = 1;
			i = (size_t)(lf - data) + 1;
			if (md->mode != MD_BODY)
				return i;
			continue;
		}
		if (md->in_lbuf) {
			lf = memchr(data + i, '\n', len - i);
			n = lf != NULL ? (size_t)(lf - data) + 1 - i : len - i;
			room = md->line_cap - md->lbuf.len;
			if (n > room) {
				strbuf_append(&md->lbuf, data + i, room);
				i += room;
				md->line_start = 0;
				if (decide(md, 0)) {
					md->skip_line = 1;
					return i;
				}
				continue;
			}
			strbuf_append(&md->lbuf, data + i, n);
			i += n;
			if (lf == NULL)
				return len;
			md->line_start = 1;
			if (decide(md, 1))
				return i;
			continue;
		}
		if (md->line_start && md->nboundaries > 0 && data[i] == '-') {
			md->in_lbuf = 1;
			strbuf_reset(&md->lbuf);
			continue;
		}
		md->line_start = 0;
		if (md->nboundaries == 0) {
			content(md, data + i, len - i);
			return len;
		}
		/* A span runs to a line that starts with '-', or to the end. */
		for (j = i;;) {
			lf = memchr(data + j, '\n', len - j);
			if (lf == NULL) {
				j = len;
				break;
			}
			j = (size_t)(lf - data) + 1;
			if (j == len || data[j] == '-') {
				md->line_start = 1;
				break;
			}
		}
		content(md, data + i, j - i);
		i = j;
	}
	return len;
}

/* feed - push bytes through whichever block we are in */
static void
feed(struct mime_decoder *md, const char *data, size_t len)
{
	size_t n;

	while (len > 0 && md->mode != MD_DONE) {
		if (md->skip_line) {
			/* The rest of a boundary line, whatever comes after it. */
			const char *lf = memchr(data, '\n', len);

			if (lf == NULL)
				return;
			md->skip_line = 0;
			md->line_start = 1;
			n = (size_t)(lf - data) + 1;
		} else if (md->mode == MD_HEADER)
			n = header_bytes(md, data, len);
		else
			n = body_bytes(md, data, len);
		data += n;
		len -= n;
	}
}

/* mime_decoder_header - one top-level header from the milter */
void
mime_decoder_header(struct mime_decoder *md, const char *name, const char *value)
{
	size_t vlen = strlen(value);

	strbuf_reset(&md->hfield);
	md->hfield_cut = 0;
	bounded_append(md, &md->hfield, name, strlen(name));
	bounded_append(md, &md->hfield, ":", 1);
	strbuf_reset(&md->tmp);
	if (mime_header_unfold(&md->tmp, value, vlen) & MIME_HEADER_BARE_CR)
		uncertain(md, "bare CR in header block");
	bounded_append(md, &md->hfield, md->tmp.data != NULL ? md->tmp.data : "", md->tmp.len);
	flush_field(md);
}

/* mime_decoder_on_top_header - a reader of the raw top-level fields */
void
mime_decoder_on_top_header(struct mime_decoder *md, mime_header_fn *fn, void *arg)
{
	md->top_header_fn = fn;
	md->top_header_arg = arg;
}

/* mime_decoder_end_headers - the top-level header block is complete */
void
mime_decoder_end_headers(struct mime_decoder *md)
{
	if (!md->top_done && md->mode == MD_HEADER) {
		flush_field(md);
		end_headers(md);
	}
}

/* mime_decoder_body - a body chunk from the milter */
void
mime_decoder_body(struct mime_decoder *md, const char *data, size_t len)
{
	mime_decoder_end_headers(md);
	feed(md, data, len);
}

/* mime_decoder_raw - a chunk of the whole message */
void
mime_decoder_raw(struct mime_decoder *md, const char *data, size_t len)
{
	feed(md, data, len);
}

/* mime_decoder_finish - end of message: flush every partial state */
void
mime_decoder_finish(struct mime_decoder *md)
{
	struct strbuf line;

	if (md->mode == MD_HEADER && md->hline.len > 0) {
		line = md->hline;
		strbuf_init(&md->hline, 0);
		if (line.data[line.len - 1] == '\r')
			line.len--;
		header_line(md, line.data, line.len);
		strbuf_release(&line);
	}
	if (md->mode == MD_BODY && md->in_lbuf)
		decide(md, 1);
	if (md->mode == MD_HEADER) {
		flush_field(md);
		end_headers(md);
	}
	leaf_close(md);
	md->mode = MD_DONE;
}

/* mime_decoder_saturated - nothing more can change the text */
int
mime_decoder_saturated(const struct mime_decoder *md)
{
	return msg_text_full(md->out);
}
