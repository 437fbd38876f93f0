/* milter-load-conn - MTA side of the milter protocol, one connection */
#ifndef MILTER_LOAD_CONN_H
#define MILTER_LOAD_CONN_H

#include <sys/socket.h>

#include <stddef.h>

#include "milter-load-corpus.h"

/*
 * One struct mconn is one milter connection, driven by one thread at a
 * time; nothing in it is shared.  The options are read-only and may be
 * shared by all connections.
 *
 * Like Postfix, the client offers protocol version 6, every action and
 * every "don't send" and "no reply" protocol bit, and then honours what
 * the milter asked for: skipped steps are not sent, and steps flagged
 * SMFIP_NR_* are written without waiting, together with the next step
 * that expects a reply.
 */
struct mconn_opts {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int nodelay;		/* TCP_NODELAY on inet sockets */
	int per_packet;		/* one write(2) per packet (naive client) */
	size_t write_size;	/* >0: write(2) at most this much at a time */
	int timeout;		/* seconds for one read, write or connect */
};

/* Envelope of one message; the pointers are borrowed for the call. */
struct mconn_env {
	const char *qid;
	const char *from;
	const char *const *rcpts;
	size_t nrcpts;
};

/*
 * How the milter ended a message.  reply is 'a' accept, 'c' continue,
 * 'r' reject, 't' tempfail, 'd' discard (an SMFIR_REPLYCODE counts as
 * 'r' or 't' by its first digit), or 'o' for anything else such as
 * shutdown.  quarantine is set when an SMFIR_QUARANTINE came with it.
 */
struct mconn_result {
	char reply;
	int quarantine;
	unsigned mods;		/* modification requests at end of message */
	int must_close;		/* the milter ended the whole session */
};

/* Parse unix:/path, local:/path, /path, inet:port@host, inet6:port@host. */
int mconn_parse_socket(struct mconn_opts *opts, const char *spec,
    const char **error_r);

struct mconn *mconn_new(const struct mconn_opts *opts);
/*
 * Connect, negotiate and send CONNECT and HELO.  Returns 0 when ready
 * for mail, 1 when the milter gave a final reply to CONNECT or HELO (in
 * *res; the caller should count it and close), -1 on error.
 */
int mconn_open(struct mconn *c, struct mconn_result *res,
    const char **error_r);
int mconn_is_open(const struct mconn *c);
/* What the milter answered to SMFIC_OPTNEG on the last open. */
void mconn_negotiated(const struct mconn *c, unsigned long *version_r,
    unsigned long *actions_r, unsigned long *proto_r);
/* Send one message, read its final reply.  -1: close and reconnect. */
int mconn_message(struct mconn *c, const struct mconn_env *env,
    const struct corpus_msg *msg, struct mconn_result *res,
    const char **error_r);
/* Close the connection; send SMFIC_QUIT first when quit is set. */
void mconn_close(struct mconn *c, int quit);
void mconn_free(struct mconn **cp);

#endif
