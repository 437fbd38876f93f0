/* mime_part - the header fields of one MIME part that decide how its body is read */
#ifndef CSP_MIME_PART_H
#define CSP_MIME_PART_H

#include <stddef.h>
#include "charset.h"
#include "mime_encoding.h"
#include "msg_text.h"
#include "strbuf.h"

/*
 * The mime decoder hands every field of a header block to
 * mime_part_field; the fields that matter for decoding the body
 * (Content-Type with its boundary, charset, format, delsp and name
 * parameters, Content-Transfer-Encoding, Content-Disposition) are
 * recorded here.  The first value of a field counts; a second one that
 * disagrees marks the msg_text uncertain, since readers differ in which
 * one they honour.  A plain value carrier, reset for each part and reused;
 * memory comes from xalloc.  Not thread-safe.
 */
#define MIME_PART_BOUNDARY_MAX	998	/* longer boundary parameters are not honoured */

struct mime_part {
	struct strbuf type;	/* lower-cased type/subtype, "" if malformed */
	struct strbuf charset;
	struct strbuf boundary;
	struct strbuf filename;
	struct strbuf name;	/* Content-Type name=, if no filename */
	enum mime_cte cte;
	int have_type;
	int have_cte;
	int have_charset;
	int flowed;		/* format=flowed */
	int delsp;		/* delsp=yes */
	int attachment;		/* Content-Disposition: attachment */
	int top;		/* the message's own header block */
	int nested;		/* the header block of a message/rfc822 part */
	int in_digest;		/* inside multipart/digest: the default type is message/rfc822 */
	struct strbuf tmp;	/* scratch */
};

/* mime_part_init - an empty part; mime_part_release frees its storage */
void mime_part_init(struct mime_part *p);
void mime_part_release(struct mime_part *p);
/* mime_part_reset - forget the previous part's fields, keep the storage */
void mime_part_reset(struct mime_part *p, int top, int nested, int in_digest);

/*
 * mime_part_field - one field of the header block: name (not terminated)
 * and its value after the colon and leading white space.  File names and
 * their RFC 2231 charsets are converted through cc; disagreements, unknown
 * charsets and a boundary over MIME_PART_BOUNDARY_MAX are flagged in out.
 */
void mime_part_field(struct mime_part *p, struct charset_cache *cc, struct msg_text *out,
    const char *name, size_t name_len, const char *value, size_t value_len);

/* mime_part_name_is - the field name (not terminated) equals name, in any case */
int mime_part_name_is(const char *field, size_t len, const char *name);

#endif
