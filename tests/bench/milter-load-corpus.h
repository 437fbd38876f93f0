/* milter-load-corpus - .eml files pre-encoded as milter packets */
#ifndef MILTER_LOAD_CORPUS_H
#define MILTER_LOAD_CORPUS_H

#include <stddef.h>

#include "strbuf.h"

/*
 * The corpus is loaded once, before any connection is opened, and is
 * read-only afterwards, so any number of threads may share it.
 *
 * For every message the data phase (one SMFIC_HEADER per header,
 * SMFIC_EOH, SMFIC_BODY chunks of at most 65535 bytes with CRLF line
 * ends, SMFIC_BODYEOB) is encoded ahead of time, exactly as Postfix would
 * put it on the wire, so that sending a message costs only writev(2).
 * Headers are encoded twice: wire[0] with the one space after the colon
 * removed (the default), wire[1] keeping it (SMFIP_HDR_LEADSPC).
 */
struct corpus_pkt {
	size_t off;		/* offset of the length prefix in wire[] */
	size_t len;		/* whole packet, length prefix included */
	char cmd;		/* SMFIC_HEADER, SMFIC_EOH, ... */
};

struct corpus_msg {
	char *path;
	size_t raw_len;		/* bytes in the .eml file */
	struct strbuf wire[2];
	struct corpus_pkt *pkts[2];
	size_t npkts[2];
	size_t pkts_alloc[2];
};

struct corpus {
	struct corpus_msg *msgs;
	size_t nmsgs;
	size_t alloc;
};

struct corpus *corpus_new(void);
/* Add a file, or every *.eml file of a directory in name order. */
int corpus_add_path(struct corpus *cp, const char *path, const char **error_r);
/* Encode one message from memory; used by corpus_add_path(). */
int corpus_add_text(struct corpus *cp, const char *name, const char *text,
    size_t len);
void corpus_free(struct corpus **cpp);

#endif
