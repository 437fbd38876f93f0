/* null-milter - a do-nothing libmilter milter, for milter-load baselines */
#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

/*
 * Every callback is set and returns SMFIS_CONTINUE, and there is no
 * xxfi_negotiate, so libmilter asks to be sent every step and replies to
 * each one: the behaviour of a naive milter, and the most round trips a
 * client can face.
 */

/* null_connect - connection callback */
static sfsistat
null_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	return SMFIS_CONTINUE;
}

/* null_helo - HELO callback */
static sfsistat
null_helo(SMFICTX *ctx, char *helo)
{
	return SMFIS_CONTINUE;
}

/* null_envfrom - MAIL FROM callback */
static sfsistat
null_envfrom(SMFICTX *ctx, char **argv)
{
	return SMFIS_CONTINUE;
}

/* null_envrcpt - RCPT TO callback */
static sfsistat
null_envrcpt(SMFICTX *ctx, char **argv)
{
	return SMFIS_CONTINUE;
}

/* null_data - DATA callback */
static sfsistat
null_data(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

/* null_header - header callback */
static sfsistat
null_header(SMFICTX *ctx, char *name, char *value)
{
	return SMFIS_CONTINUE;
}

/* null_eoh - end-of-headers callback */
static sfsistat
null_eoh(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

/* null_body - body chunk callback */
static sfsistat
null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	return SMFIS_CONTINUE;
}

/* null_eom - end-of-message callback */
static sfsistat
null_eom(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

/* null_abort - abort callback */
static sfsistat
null_abort(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

/* null_close - close callback */
static sfsistat
null_close(SMFICTX *ctx)
{
	return SMFIS_CONTINUE;
}

static struct smfiDesc null_desc = {
	"null-milter",		/* filter name */
	SMFI_VERSION,
	0,			/* no modifications */
	null_connect,
	null_helo,
	null_envfrom,
	null_envrcpt,
	null_header,
	null_eoh,
	null_body,
	null_eom,
	null_abort,
	null_close,
	NULL,			/* unknown */
	null_data,
	NULL,			/* negotiate */
};

/* null_usage - print the synopsis and exit */
static void
null_usage(void)
{
	fprintf(stderr, "usage: null-milter -p SOCKET [-b BACKLOG] "
	    "[-T TIMEOUT]\n");
	exit(2);
}

/* main - register and run the milter */
int
main(int argc, char **argv)
{
	struct rlimit rl;
	const char *sock = NULL;
	int ch, backlog = 1024, timeout = 7210;

	while ((ch = getopt(argc, argv, "p:b:T:")) != -1) {
		switch (ch) {
		case 'p':
			sock = optarg;
			break;
		case 'b':
			backlog = atoi(optarg);
			break;
		case 'T':
			timeout = atoi(optarg);
			break;
		default:
			null_usage();
		}
	}
	if (sock == NULL || optind != argc)
		null_usage();
	/* Room for many idle connections; libmilter polls, no FD_SETSIZE. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_setbacklog(backlog) == MI_FAILURE ||
	    smfi_settimeout(timeout) == MI_FAILURE ||
	    smfi_register(null_desc) == MI_FAILURE) {
		fprintf(stderr, "null-milter: cannot set up %s\n", sock);
		return 1;
	}
	if (smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "null-milter: cannot open %s\n", sock);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
