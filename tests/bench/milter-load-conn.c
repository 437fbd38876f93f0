/* milter-load-conn - MTA side of the milter protocol, one connection */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "milter-load-conn.h"

/* Everything we can send; a superset of what Postfix offers. */
#define MCONN_NOSEND_MASK \
	(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT | \
	SMFIP_NOBODY | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOUNKNOWN | \
	SMFIP_NODATA)
#define MCONN_NOREPLY_MASK \
	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | \
	SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_HDR | SMFIP_NR_EOH | \
	SMFIP_NR_BODY)
#define MCONN_PROTO_OFFER \
	(MCONN_NOSEND_MASK | MCONN_NOREPLY_MASK | SMFIP_SKIP | \
	SMFIP_RCPT_REJ | SMFIP_HDR_LEADSPC)
/* Bits a milter may answer with even though we did not offer them. */
#define MCONN_PROTO_EXTRA	(SMFIP_MDS_256K | SMFIP_MDS_1M)

#define MCONN_MAX_REPLY	(16 * 1024 * 1024)
#define MCONN_IOV	64

/* Macro classes of the SMFIC_OPTNEG reply (SMFIM_* in mfapi.h). */
enum {
	MCONN_M_CONNECT, MCONN_M_HELO, MCONN_M_ENVFROM, MCONN_M_ENVRCPT,
	MCONN_M_DATA, MCONN_M_EOM, MCONN_M_EOH, MCONN_M_COUNT
};

/* Where a macro value comes from. */
enum {
	MCONN_V_MYHOST, MCONN_V_CLIENT, MCONN_V_DAEMON, MCONN_V_IFNAME,
	MCONN_V_IFADDR, MCONN_V_CADDR, MCONN_V_CNAME, MCONN_V_CPORT,
	MCONN_V_QID, MCONN_V_MAILADDR, MCONN_V_RCPTADDR
};

/* The macros we send, with the defaults of Postfix per class. */
static const struct mconn_macro {
	int cls;
	const char *name;
	int val;
} mconn_macros[] = {
	{ MCONN_M_CONNECT, "j", MCONN_V_MYHOST },
	{ MCONN_M_CONNECT, "_", MCONN_V_CLIENT },
	{ MCONN_M_CONNECT, "{daemon_name}", MCONN_V_DAEMON },
	{ MCONN_M_CONNECT, "{if_name}", MCONN_V_IFNAME },
	{ MCONN_M_CONNECT, "{if_addr}", MCONN_V_IFADDR },
	{ MCONN_M_CONNECT, "{client_addr}", MCONN_V_CADDR },
	{ MCONN_M_CONNECT, "{client_name}", MCONN_V_CNAME },
	{ MCONN_M_CONNECT, "{client_port}", MCONN_V_CPORT },
	{ MCONN_M_ENVFROM, "i", MCONN_V_QID },
	{ MCONN_M_ENVFROM, "{mail_addr}", MCONN_V_MAILADDR },
	{ MCONN_M_ENVRCPT, "i", MCONN_V_QID },
	{ MCONN_M_ENVRCPT, "{rcpt_addr}", MCONN_V_RCPTADDR },
	{ MCONN_M_DATA, "i", MCONN_V_QID },
	{ MCONN_M_EOH, "i", MCONN_V_QID },
	{ MCONN_M_EOM, "i", MCONN_V_QID },
};
#define MCONN_NMACROS	(sizeof(mconn_macros) / sizeof(mconn_macros[0]))

#define MCONN_CLIENT_NAME	"client.load.example"
#define MCONN_CLIENT_ADDR	"192.0.2.10"
#define MCONN_CLIENT_PORT	40000

/* A span of the per-message buffer. */
struct mconn_span {
	size_t off;
	size_t len;
};

/* Per-message packets, by command. */
enum {
	MCONN_P_MAC_MAIL, MCONN_P_MAIL, MCONN_P_MAC_DATA, MCONN_P_DATA,
	MCONN_P_MAC_HDR, MCONN_P_MAC_EOH, MCONN_P_MAC_BODY, MCONN_P_MAC_EOM,
	MCONN_P_ABORT, MCONN_P_COUNT
};

struct mconn {
	const struct mconn_opts *opts;
	int fd;
	uint32_t version;
	uint32_t actions;
	uint32_t proto;		/* the milter's SMFIP_* answer */
	uint32_t mac_allow[MCONN_M_COUNT];	/* bit i: mconn_macros[i] */
	struct strbuf out;	/* packets built for this message */
	struct mconn_span pkt[MCONN_P_COUNT];
	struct mconn_span *rspan;	/* macros and RCPT per recipient */
	size_t rspan_alloc;
	struct iovec iov[MCONN_IOV];
	int niov;
	struct strbuf stage;	/* staging for opts->write_size */
	struct strbuf in;	/* replies read ahead */
	size_t in_pos;
	struct strbuf err;
	const struct mconn_env *env;	/* for macro values */
	const char *rcpt;
};

/* mconn_fail - format an error for error_r and return -1 */
static int
mconn_fail(struct mconn *c, const char **error_r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
mconn_fail(struct mconn *c, const char **error_r, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&c->err);
	va_start(ap, fmt);
	strbuf_vappendf(&c->err, fmt, ap);
	va_end(ap);
	*error_r = c->err.data;
	return -1;
}

/* mconn_parse_socket - parse a libmilter-style socket specification */
int
mconn_parse_socket(struct mconn_opts *opts, const char *spec,
    const char **error_r)
{
	static char errbuf[256];	/* start-up only, single-threaded */
	struct sockaddr_un *sun;
	struct addrinfo hints, *res;
	const char *path = NULL, *at;
	char *port;
	int family = AF_UNSPEC, rc;

	memset(&opts->addr, 0, sizeof(opts->addr));
	if (spec[0] == '/')
		path = spec;
	else if (strncmp(spec, "unix:", 5) == 0)
		path = spec + 5;
	else if (strncmp(spec, "local:", 6) == 0)
		path = spec + 6;
	else if (strncmp(spec, "inet:", 5) == 0)
		family = AF_INET, spec += 5;
	else if (strncmp(spec, "inet6:", 6) == 0)
		family = AF_INET6, spec += 6;
	else {
		*error_r = "socket must be unix:/path, inet:port@host or "
		    "inet6:port@host";
		return -1;
	}
	if (path != NULL) {
		sun = (struct sockaddr_un *)&opts->addr;
		if (strlen(path) >= sizeof(sun->sun_path)) {
			*error_r = "unix socket path too long";
			return -1;
		}
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, path);
		opts->addrlen = sizeof(*sun);
		return 0;
	}
	if ((at = strchr(spec, '@')) == NULL || at == spec) {
		*error_r = "inet socket must be inet:port@host";
		return -1;
	}
	if ((port = strndup(spec, (size_t)(at - spec))) == NULL)
		abort();
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(at + 1, port, &hints, &res);
	free(port);
	if (rc != 0) {
		snprintf(errbuf, sizeof(errbuf), "%s: %s", at + 1,
		    gai_strerror(rc));
		*error_r = errbuf;
		return -1;
	}
	memcpy(&opts->addr, res->ai_addr, res->ai_addrlen);
	opts->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* mconn_new - create an unconnected client */
struct mconn *
mconn_new(const struct mconn_opts *opts)
{
	struct mconn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		abort();
	c->opts = opts;
	c->fd = -1;
	strbuf_init(&c->out, 4096);
	strbuf_init(&c->in, 4096);
	return c;
}

/* mconn_is_open - whether the connection is up */
int
mconn_is_open(const struct mconn *c)
{
	return c->fd >= 0;
}

/* mconn_negotiated - the milter's version, actions and protocol bits */
void
mconn_negotiated(const struct mconn *c, unsigned long *version_r,
    unsigned long *actions_r, unsigned long *proto_r)
{
	*version_r = c->version;
	*actions_r = c->actions;
	*proto_r = c->proto;
}

/* mconn_put_u32 - append a big-endian 32-bit integer */
static void
mconn_put_u32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4];

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
	strbuf_append(sb, b, 4);
}

/* mconn_get_u32 - read a big-endian 32-bit integer */
static uint32_t
mconn_get_u32(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* mconn_pkt_begin - start a packet in the output buffer */
static size_t
mconn_pkt_begin(struct mconn *c, char cmd)
{
	size_t off = c->out.len;

	mconn_put_u32(&c->out, 0);
	strbuf_append_char(&c->out, cmd);
	return off;
}

/* mconn_pkt_end - patch the length of the packet started at off */
static struct mconn_span
mconn_pkt_end(struct mconn *c, size_t off)
{
	struct mconn_span sp;
	uint32_t n = (uint32_t)(c->out.len - off - 4);
	unsigned char *b = (unsigned char *)c->out.data + off;

	b[0] = n >> 24;
	b[1] = n >> 16;
	b[2] = n >> 8;
	b[3] = n;
	sp.off = off;
	sp.len = c->out.len - off;
	return sp;
}

/* mconn_mac_value - the value of one macro for this message */
static void
mconn_mac_value(struct mconn *c, int val)
{
	struct strbuf *sb = &c->out;

	switch (val) {
	case MCONN_V_MYHOST:
		strbuf_append_str(sb, "mx.load.example");
		break;
	case MCONN_V_CLIENT:
		strbuf_append_str(sb, MCONN_CLIENT_NAME " [" MCONN_CLIENT_ADDR
		    "]");
		break;
	case MCONN_V_DAEMON:
		strbuf_append_str(sb, "milter-load");
		break;
	case MCONN_V_IFNAME:
		strbuf_append_str(sb, "localhost");
		break;
	case MCONN_V_IFADDR:
		strbuf_append_str(sb, "127.0.0.1");
		break;
	case MCONN_V_CADDR:
		strbuf_append_str(sb, MCONN_CLIENT_ADDR);
		break;
	case MCONN_V_CNAME:
		strbuf_append_str(sb, MCONN_CLIENT_NAME);
		break;
	case MCONN_V_CPORT:
		strbuf_appendf(sb, "%d", MCONN_CLIENT_PORT);
		break;
	case MCONN_V_QID:
		strbuf_append_str(sb, c->env->qid);
		break;
	case MCONN_V_MAILADDR:
		strbuf_append_str(sb, c->env->from);
		break;
	case MCONN_V_RCPTADDR:
		strbuf_append_str(sb, c->rcpt);
		break;
	}
}

/* mconn_mac_build - append the SMFIC_MACRO packet for one command */
static struct mconn_span
mconn_mac_build(struct mconn *c, int cls, char cmd)
{
	struct mconn_span none = { 0, 0 };
	size_t off, i, n = 0;

	off = mconn_pkt_begin(c, SMFIC_MACRO);
	strbuf_append_char(&c->out, cmd);
	for (i = 0; i < MCONN_NMACROS; i++) {
		if (mconn_macros[i].cls != cls ||
		    (c->mac_allow[cls] & (1U << i)) == 0)
			continue;
		strbuf_append(&c->out, mconn_macros[i].name,
		    strlen(mconn_macros[i].name) + 1);
		mconn_mac_value(c, mconn_macros[i].val);
		strbuf_append_char(&c->out, '\0');
		n++;
	}
	if (n == 0) {
		/* Postfix sends no macro packet when there is nothing in it. */
		strbuf_truncate(&c->out, off);
		return none;
	}
	return mconn_pkt_end(c, off);
}

/* mconn_write_err - turn a failed write into error text */
static int
mconn_write_err(struct mconn *c, const char **error_r)
{
	c->niov = 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return mconn_fail(c, error_r, "write timeout");
	return mconn_fail(c, error_r, "write: %s", strerror(errno));
}

/* mconn_write_all - write(2) one buffer completely */
static int
mconn_write_all(struct mconn *c, const char *p, size_t len,
    const char **error_r)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(c->fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mconn_write_err(c, error_r);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* mconn_flush_sized - write through a fixed-size buffer, like a VSTREAM */
static int
mconn_flush_sized(struct mconn *c, const char **error_r)
{
	size_t size = c->opts->write_size, room, n;
	const char *p;
	size_t len;
	int i;

	strbuf_reset(&c->stage);
	for (i = 0; i < c->niov; i++) {
		p = c->iov[i].iov_base;
		len = c->iov[i].iov_len;
		while (len > 0) {
			room = size - c->stage.len;
			n = len < room ? len : room;
			strbuf_append(&c->stage, p, n);
			p += n;
			len -= n;
			if (c->stage.len == size) {
				if (mconn_write_all(c, c->stage.data, size,
				    error_r) < 0)
					return -1;
				strbuf_reset(&c->stage);
			}
		}
	}
	c->niov = 0;
	return mconn_write_all(c, c->stage.data, c->stage.len, error_r);
}

/* mconn_flush - write the pending packets, coping with partial writes */
static int
mconn_flush(struct mconn *c, const char **error_r)
{
	struct iovec *iov = c->iov;
	int niov = c->niov;
	ssize_t n;

	if (c->opts->write_size > 0 && niov > 0)
		return mconn_flush_sized(c, error_r);
	while (niov > 0) {
		n = writev(c->fd, iov, niov);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mconn_write_err(c, error_r);
		while (niov > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			niov--;
		}
		if (niov > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	c->niov = 0;
	return 0;
}

/* mconn_queue - queue one packet for writing */
static int
mconn_queue(struct mconn *c, const char *p, size_t len, const char **error_r)
{
	if (len == 0)
		return 0;
	c->iov[c->niov].iov_base = (void *)p;
	c->iov[c->niov].iov_len = len;
	c->niov++;
	if (c->opts->per_packet || c->niov == MCONN_IOV)
		return mconn_flush(c, error_r);
	return 0;
}

/* mconn_fill - make sure need bytes of reply are buffered */
static int
mconn_fill(struct mconn *c, size_t need, const char **error_r)
{
	size_t have;
	ssize_t n;

	while ((have = c->in.len - c->in_pos) < need) {
		if (c->in_pos > 0) {
			memmove(c->in.data, c->in.data + c->in_pos, have);
			c->in.len = have;
			c->in_pos = 0;
		}
		strbuf_grow(&c->in, need > 4096 ? need : 4096);
		n = read(c->fd, c->in.data + c->in.len,
		    c->in.cap - c->in.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return mconn_fail(c, error_r, "read timeout");
		if (n < 0)
			return mconn_fail(c, error_r, "read: %s",
			    strerror(errno));
		if (n == 0)
			return mconn_fail(c, error_r,
			    "connection closed by milter");
		c->in.len += (size_t)n;
	}
	return 0;
}

/* mconn_read - read one reply packet; data stays valid until next read */
static int
mconn_read(struct mconn *c, char *cmd_r, const char **data_r, size_t *len_r,
    const char **error_r)
{
	uint32_t len;

	if (c->in_pos == c->in.len)
		c->in_pos = c->in.len = 0;
	if (mconn_fill(c, 4, error_r) < 0)
		return -1;
	len = mconn_get_u32(c->in.data + c->in_pos);
	if (len < 1 || len > MCONN_MAX_REPLY)
		return mconn_fail(c, error_r, "bad reply length %lu",
		    (unsigned long)len);
	if (mconn_fill(c, 4 + (size_t)len, error_r) < 0)
		return -1;
	*cmd_r = c->in.data[c->in_pos + 4];
	*data_r = c->in.data + c->in_pos + 5;
	*len_r = len - 1;
	c->in_pos += 4 + (size_t)len;
	return 0;
}

/* mconn_flags - the don't-send and no-reply bits of a command */
static void
mconn_flags(char cmd, uint32_t *nosend_r, uint32_t *noreply_r)
{
	switch (cmd) {
	case SMFIC_CONNECT:
		*nosend_r = SMFIP_NOCONNECT, *noreply_r = SMFIP_NR_CONN;
		break;
	case SMFIC_HELO:
		*nosend_r = SMFIP_NOHELO, *noreply_r = SMFIP_NR_HELO;
		break;
	case SMFIC_MAIL:
		*nosend_r = SMFIP_NOMAIL, *noreply_r = SMFIP_NR_MAIL;
		break;
	case SMFIC_RCPT:
		*nosend_r = SMFIP_NORCPT, *noreply_r = SMFIP_NR_RCPT;
		break;
	case SMFIC_DATA:
		*nosend_r = SMFIP_NODATA, *noreply_r = SMFIP_NR_DATA;
		break;
	case SMFIC_HEADER:
		*nosend_r = SMFIP_NOHDRS, *noreply_r = SMFIP_NR_HDR;
		break;
	case SMFIC_EOH:
		*nosend_r = SMFIP_NOEOH, *noreply_r = SMFIP_NR_EOH;
		break;
	case SMFIC_BODY:
		*nosend_r = SMFIP_NOBODY, *noreply_r = SMFIP_NR_BODY;
		break;
	default:
		*nosend_r = *noreply_r = 0;
		break;
	}
}

/*
 * mconn_step - send one command and, unless it needs none, read its reply
 *
 * Returns 1 to go on, 2 when the milter asked to skip the rest of the
 * body, 0 when the milter gave a final reply (in *res), -1 on error.
 */
static int
mconn_step(struct mconn *c, char cmd, struct mconn_span mac, const char *pkt,
    size_t pktlen, struct mconn_result *res, const char **error_r)
{
	uint32_t nosend, noreply;
	const char *data;
	size_t len;
	char rcmd;
	int eom = (cmd == SMFIC_BODYEOB);

	mconn_flags(cmd, &nosend, &noreply);
	if (c->proto & nosend)
		return 1;
	if (mconn_queue(c, c->out.data + mac.off, mac.len, error_r) < 0 ||
	    mconn_queue(c, pkt, pktlen, error_r) < 0)
		return -1;
	if (c->proto & noreply)
		return 1;
	if (mconn_flush(c, error_r) < 0)
		return -1;
	for (;;) {
		if (mconn_read(c, &rcmd, &data, &len, error_r) < 0)
			return -1;
		switch (rcmd) {
		case SMFIR_CONTINUE:
			if (!eom)
				return 1;
			/* FALLTHROUGH */
		case SMFIR_ACCEPT:
		case SMFIR_REJECT:
		case SMFIR_TEMPFAIL:
		case SMFIR_DISCARD:
			res->reply = rcmd;
			return 0;
		case SMFIR_REPLYCODE:
			if (len < 4 || (data[0] != '4' && data[0] != '5'))
				return mconn_fail(c, error_r,
				    "bad reply code after '%c'", cmd);
			res->reply = data[0] == '4' ? SMFIR_TEMPFAIL :
			    SMFIR_REJECT;
			return 0;
		case SMFIR_SHUTDOWN:
		case SMFIR_CONN_FAIL:
			res->reply = 'o';
			res->must_close = 1;
			return 0;
		case SMFIR_PROGRESS:
			continue;
		case SMFIR_SKIP:
			if (cmd != SMFIC_BODY)
				break;
			return 2;
		case SMFIR_QUARANTINE:
		case SMFIR_ADDRCPT:
		case SMFIR_DELRCPT:
		case SMFIR_ADDRCPT_PAR:
		case SMFIR_REPLBODY:
		case SMFIR_CHGFROM:
		case SMFIR_ADDHEADER:
		case SMFIR_INSHEADER:
		case SMFIR_CHGHEADER:
			if (!eom)
				break;
			if (rcmd == SMFIR_QUARANTINE)
				res->quarantine = 1;
			res->mods++;
			continue;
		default:
			break;
		}
		return mconn_fail(c, error_r, "unexpected reply '%c' to '%c'",
		    rcmd, cmd);
	}
}

/* mconn_mac_list - restrict the macros of one class to a milter's list */
static void
mconn_mac_list(struct mconn *c, uint32_t cls, const char *list)
{
	const char *p = list, *q, *name;
	size_t i, len, nlen;
	uint32_t allow = 0;

	if (cls >= MCONN_M_COUNT)
		return;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		for (q = p; *q && *q != ' ' && *q != ','; q++)
			;
		len = (size_t)(q - p);
		if (len > 2 && p[0] == '{' && p[len - 1] == '}')
			p++, len -= 2;
		for (i = 0; len > 0 && i < MCONN_NMACROS; i++) {
			name = mconn_macros[i].name;
			nlen = strlen(name);
			if (nlen > 2 && name[0] == '{')
				name++, nlen -= 2;
			if ((uint32_t)mconn_macros[i].cls == cls && nlen == len &&
			    memcmp(name, p, len) == 0)
				allow |= 1U << i;
		}
		p = q;
	}
	c->mac_allow[cls] = allow;
}

/* mconn_negotiate - SMFIC_OPTNEG and the milter's answer */
static int
mconn_negotiate(struct mconn *c, const char **error_r)
{
	struct mconn_span sp;
	const char *data, *end, *nul;
	size_t len, off;
	uint32_t cls;
	char rcmd;

	strbuf_reset(&c->out);
	off = mconn_pkt_begin(c, SMFIC_OPTNEG);
	mconn_put_u32(&c->out, SMFI_PROT_VERSION);
	mconn_put_u32(&c->out, SMFI_CURR_ACTS);
	mconn_put_u32(&c->out, MCONN_PROTO_OFFER);
	sp = mconn_pkt_end(c, off);
	if (mconn_queue(c, c->out.data + sp.off, sp.len, error_r) < 0 ||
	    mconn_flush(c, error_r) < 0 ||
	    mconn_read(c, &rcmd, &data, &len, error_r) < 0)
		return -1;
	if (rcmd != SMFIC_OPTNEG || len < MILTER_OPTLEN)
		return mconn_fail(c, error_r, "bad negotiation reply '%c'",
		    rcmd);
	c->version = mconn_get_u32(data);
	c->actions = mconn_get_u32(data + 4);
	c->proto = mconn_get_u32(data + 8);
	if (c->version < 2 || c->version > SMFI_PROT_VERSION)
		return mconn_fail(c, error_r, "unsupported milter version %lu",
		    (unsigned long)c->version);
	if (c->proto & ~(MCONN_PROTO_OFFER | MCONN_PROTO_EXTRA))
		return mconn_fail(c, error_r, "milter wants protocol bits "
		    "0x%lx that were not offered", (unsigned long)
		    (c->proto & ~(MCONN_PROTO_OFFER | MCONN_PROTO_EXTRA)));
	/* Don't send events that the milter's version does not know. */
	if (c->version < 4)
		c->proto |= SMFIP_NODATA;
	for (cls = 0; cls < MCONN_M_COUNT; cls++)
		c->mac_allow[cls] = ~0U;
	end = data + len;
	for (data += MILTER_OPTLEN; end - data >= 5; data = nul + 1) {
		cls = mconn_get_u32(data);
		data += 4;
		if ((nul = memchr(data, '\0', (size_t)(end - data))) == NULL)
			return mconn_fail(c, error_r,
			    "unterminated macro list in negotiation");
		mconn_mac_list(c, cls, data);
	}
	return 0;
}

/* mconn_set_socket - socket options: timeouts and TCP_NODELAY */
static void
mconn_set_socket(struct mconn *c)
{
	struct timeval tv;
	int on;

	tv.tv_sec = c->opts->timeout;
	tv.tv_usec = 0;
	(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (c->opts->addr.ss_family != AF_UNIX) {
		on = c->opts->nodelay ? 1 : 0;
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on,
		    sizeof(on));
	}
}

/* mconn_open - connect, negotiate, send CONNECT and HELO */
int
mconn_open(struct mconn *c, struct mconn_result *res, const char **error_r)
{
	struct mconn_env env = { "", "", NULL, 0 };
	struct mconn_span mac, pkt;
	size_t off;
	int r;

	memset(res, 0, sizeof(*res));
	c->niov = 0;
	c->in.len = c->in_pos = 0;
	c->fd = socket(c->opts->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return mconn_fail(c, error_r, "socket: %s", strerror(errno));
	mconn_set_socket(c);
	while ((r = connect(c->fd, (const struct sockaddr *)&c->opts->addr,
	    c->opts->addrlen)) < 0 && errno == EINTR)
		;
	if (r < 0) {
		mconn_fail(c, error_r, "connect: %s", strerror(errno));
		mconn_close(c, 0);
		return -1;
	}
	if (mconn_negotiate(c, error_r) < 0)
		goto fail;

	/* CONNECT: hostname, family, port, address. */
	c->env = &env;
	strbuf_reset(&c->out);
	mac = mconn_mac_build(c, MCONN_M_CONNECT, SMFIC_CONNECT);
	off = mconn_pkt_begin(c, SMFIC_CONNECT);
	strbuf_append(&c->out, MCONN_CLIENT_NAME, sizeof(MCONN_CLIENT_NAME));
	strbuf_append_char(&c->out, SMFIA_INET);
	strbuf_append_char(&c->out, (char)(MCONN_CLIENT_PORT >> 8));
	strbuf_append_char(&c->out, (char)(MCONN_CLIENT_PORT & 0xff));
	strbuf_append(&c->out, MCONN_CLIENT_ADDR, sizeof(MCONN_CLIENT_ADDR));
	pkt = mconn_pkt_end(c, off);
	r = mconn_step(c, SMFIC_CONNECT, mac, c->out.data + pkt.off, pkt.len,
	    res, error_r);
	if (r < 0)
		goto fail;
	if (r == 0)
		return 1;
	/* The next step reuses c->out: send what NR_CONN left queued. */
	if (mconn_flush(c, error_r) < 0)
		goto fail;

	/* HELO; Postfix's HELO macros are all about TLS, so none here. */
	strbuf_reset(&c->out);
	mac = mconn_mac_build(c, MCONN_M_HELO, SMFIC_HELO);
	off = mconn_pkt_begin(c, SMFIC_HELO);
	strbuf_append(&c->out, MCONN_CLIENT_NAME, sizeof(MCONN_CLIENT_NAME));
	pkt = mconn_pkt_end(c, off);
	r = mconn_step(c, SMFIC_HELO, mac, c->out.data + pkt.off, pkt.len,
	    res, error_r);
	if (r < 0)
		goto fail;
	if (r == 0)
		return 1;
	if (mconn_flush(c, error_r) < 0)
		goto fail;
	return 0;

fail:
	mconn_close(c, 0);
	return -1;
}

/* mconn_build - lay out every per-message packet before sending any */
static void
mconn_build(struct mconn *c, const struct mconn_env *env)
{
	size_t off, i;

	c->env = env;
	strbuf_reset(&c->out);
	c->pkt[MCONN_P_MAC_MAIL] = mconn_mac_build(c, MCONN_M_ENVFROM,
	    SMFIC_MAIL);
	off = mconn_pkt_begin(c, SMFIC_MAIL);
	strbuf_appendf(&c->out, "<%s>", env->from);
	strbuf_append_char(&c->out, '\0');
	c->pkt[MCONN_P_MAIL] = mconn_pkt_end(c, off);
	if (c->rspan_alloc < env->nrcpts * 2) {
		c->rspan_alloc = env->nrcpts * 2;
		c->rspan = realloc(c->rspan, c->rspan_alloc * sizeof(*c->rspan));
		if (c->rspan == NULL)
			abort();
	}
	for (i = 0; i < env->nrcpts; i++) {
		c->rcpt = env->rcpts[i];
		c->rspan[2 * i] = mconn_mac_build(c, MCONN_M_ENVRCPT, SMFIC_RCPT);
		off = mconn_pkt_begin(c, SMFIC_RCPT);
		strbuf_appendf(&c->out, "<%s>", env->rcpts[i]);
		strbuf_append_char(&c->out, '\0');
		c->rspan[2 * i + 1] = mconn_pkt_end(c, off);
	}
	c->pkt[MCONN_P_MAC_DATA] = mconn_mac_build(c, MCONN_M_DATA, SMFIC_DATA);
	c->pkt[MCONN_P_DATA] = mconn_pkt_end(c, mconn_pkt_begin(c, SMFIC_DATA));
	c->pkt[MCONN_P_MAC_HDR] = mconn_mac_build(c, MCONN_M_EOH,
	    SMFIC_HEADER);
	c->pkt[MCONN_P_MAC_EOH] = mconn_mac_build(c, MCONN_M_EOH, SMFIC_EOH);
	c->pkt[MCONN_P_MAC_BODY] = mconn_mac_build(c, MCONN_M_EOM,
	    SMFIC_BODY);
	c->pkt[MCONN_P_MAC_EOM] = mconn_mac_build(c, MCONN_M_EOM,
	    SMFIC_BODYEOB);
	c->pkt[MCONN_P_ABORT] = mconn_pkt_end(c,
	    mconn_pkt_begin(c, SMFIC_ABORT));
}

/* mconn_send_span - mconn_step() for a packet of the message buffer */
static int
mconn_send_span(struct mconn *c, char cmd, int mac, int pkt,
    struct mconn_result *res, const char **error_r)
{
	return mconn_step(c, cmd, c->pkt[mac], c->out.data + c->pkt[pkt].off,
	    c->pkt[pkt].len, res, error_r);
}

/* mconn_message - send one message and read its final reply */
int
mconn_message(struct mconn *c, const struct mconn_env *env,
    const struct corpus_msg *msg, struct mconn_result *res,
    const char **error_r)
{
	const struct corpus_pkt *p, *end;
	const char *wire;
	struct mconn_span mac;
	size_t i, rcpt_ok = 0;
	char rejected = SMFIR_REJECT;
	int v, r, skip_body = 0;

	memset(res, 0, sizeof(*res));
	mconn_build(c, env);
	r = mconn_send_span(c, SMFIC_MAIL, MCONN_P_MAC_MAIL, MCONN_P_MAIL,
	    res, error_r);
	if (r <= 0)
		goto done;
	for (i = 0; i < env->nrcpts; i++) {
		r = mconn_step(c, SMFIC_RCPT, c->rspan[2 * i],
		    c->out.data + c->rspan[2 * i + 1].off,
		    c->rspan[2 * i + 1].len, res, error_r);
		if (r < 0)
			goto done;
		/* Reject or tempfail at RCPT is for that recipient only. */
		if (r == 0 && (res->reply == SMFIR_REJECT ||
		    res->reply == SMFIR_TEMPFAIL) && !res->must_close) {
			rejected = res->reply;
			continue;
		}
		if (r == 0)
			goto done;
		rcpt_ok++;
	}
	if (rcpt_ok == 0) {
		res->reply = rejected;
		r = 0;
		goto done;
	}
	r = mconn_send_span(c, SMFIC_DATA, MCONN_P_MAC_DATA, MCONN_P_DATA,
	    res, error_r);
	if (r <= 0)
		goto done;

	v = (c->proto & SMFIP_HDR_LEADSPC) ? 1 : 0;
	wire = msg->wire[v].data;
	end = msg->pkts[v] + msg->npkts[v];
	for (p = msg->pkts[v]; p < end; p++) {
		switch (p->cmd) {
		case SMFIC_HEADER:
			mac = c->pkt[MCONN_P_MAC_HDR];
			break;
		case SMFIC_EOH:
			mac = c->pkt[MCONN_P_MAC_EOH];
			break;
		case SMFIC_BODY:
			if (skip_body)
				continue;
			mac = c->pkt[MCONN_P_MAC_BODY];
			break;
		default:
			mac = c->pkt[MCONN_P_MAC_EOM];
			break;
		}
		r = mconn_step(c, p->cmd, mac, wire + p->off, p->len, res,
		    error_r);
		if (r == 2)
			skip_body = 1;
		else if (r == 0 && p->cmd == SMFIC_BODYEOB)
			return 0;
		else if (r <= 0)
			goto done;
	}
	return mconn_fail(c, error_r, "%s: no end of message", msg->path);

done:
	if (r < 0) {
		mconn_close(c, 0);
		return -1;
	}
	/* A final reply before the end: abort the message, keep the line. */
	if (!res->must_close && (mconn_queue(c, c->out.data +
	    c->pkt[MCONN_P_ABORT].off, c->pkt[MCONN_P_ABORT].len,
	    error_r) < 0 || mconn_flush(c, error_r) < 0)) {
		mconn_close(c, 0);
		return -1;
	}
	return 0;
}

/* mconn_close - close the connection, optionally saying QUIT first */
void
mconn_close(struct mconn *c, int quit)
{
	static const char quit_pkt[5] = { 0, 0, 0, 1, SMFIC_QUIT };
	const char *unused;

	if (c->fd < 0)
		return;
	c->niov = 0;
	if (quit && mconn_queue(c, quit_pkt, sizeof(quit_pkt), &unused) == 0)
		(void)mconn_flush(c, &unused);
	(void)close(c->fd);
	c->fd = -1;
	c->in.len = c->in_pos = 0;
}

/* mconn_free - close and release, clearing the caller's pointer */
void
mconn_free(struct mconn **cp)
{
	struct mconn *c = *cp;

	if (c == NULL)
		return;
	mconn_close(c, 0);
	strbuf_release(&c->out);
	strbuf_release(&c->in);
	strbuf_release(&c->stage);
	strbuf_release(&c->err);
	free(c->rspan);
	free(c);
	*cp = NULL;
}
