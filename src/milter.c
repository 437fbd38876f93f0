/* milter - the libmilter callbacks: each fetches its context, calls one module, maps the result */
#include "config.h"

#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "audit.h"
#include "forged.h"
#include "log.h"
#include "milter.h"
#include "scan.h"
#include "scan_pool.h"
#include "snapshot.h"
#include "xalloc.h"

static struct snapshot *milter_snap;
/*
 * Scan state kept between connections (milter_register to the process's
 * end).  An idle scan holds about 300 KiB (Vectorscan and PCRE2 scratch,
 * the model's feature tables; run-bench): 64 of them, 19 MiB at most,
 * cover the connections a relay keeps open at once; past them a closing
 * connection frees its state.
 */
#define MILTER_IDLE_SCANS 64
static struct scan_pool *milter_scans;
static int milter_tcp;		/* an inet socket: every step is answered */

/* Per-connection state; the scan is reused message after message. */
struct milter_conn {
	char *client;
	const char *mta;	/* audit_mta_name: static */
	struct scan *scan;
	struct action_plan plan;
	struct forged *forged;	/* X-CSP-* headers to remove */
	struct strbuf record;
	struct timespec start;
	int local_submission;	/* Postfix's emulated connect for sendmail(1): port 0 */
	sfsistat go;		/* SMFIS_NOREPLY where the MTA agreed to no reply, else CONTINUE */
};

/* conn_get - the connection state, made at the first callback */
static struct milter_conn *
conn_get(SMFICTX *ctx)
{
	struct milter_conn *mc = smfi_getpriv(ctx);

	if (mc == NULL) {
		mc = xcalloc(1, sizeof(*mc));
		mc->go = SMFIS_CONTINUE;
		mc->scan = scan_pool_take(milter_scans);
		mc->forged = forged_new();
		action_plan_init(&mc->plan);
		smfi_setpriv(ctx, mc);
	}
	return mc;
}

/* milter_negotiate - ask only for what can change the verdict */
static sfsistat
milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	unsigned long want_actions = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT |
	    SMFIF_DELRCPT | SMFIF_QUARANTINE | SMFIF_SETSYMLIST;
	/*
	 * Unix socket: no HELO or DATA step, no reply where we always continue.  TCP: all
	 * answered (Postfix sends a skipped step's macros; its next packet waits 40 ms for
	 * the ACK of one we do not answer).
	 */
	unsigned long nr = SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR;
	unsigned long skip = SMFIP_NOHELO | SMFIP_NODATA;
	struct milter_conn *mc = conn_get(ctx);
	struct conf *c = snapshot_pin(milter_snap);

	if ((f0 & (want_actions & ~SMFIF_SETSYMLIST)) != (want_actions & ~SMFIF_SETSYMLIST))
		log_warnx(NULL, "the MTA does not offer every action needed (offered 0x%lx)", f0);
	if (milter_tcp)
		nr = skip = 0;
	else if ((f1 & nr) != nr)
		nr = 0;
	mc->go = nr != 0 ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	*pf0 = want_actions & f0;
	*pf1 = (SMFIP_NOUNKNOWN | SMFIP_SKIP | skip | nr) & f1;
	*pf2 = *pf3 = 0;
	/* Postfix sends macros at every stage (its defaults for an empty list): "j" if none is read. */
	if (f0 & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_CONNECT, "v");
		smfi_setsymlist(ctx, SMFIM_ENVFROM, c->auth_macros ? "{auth_authen}" : "j");
		smfi_setsymlist(ctx, SMFIM_ENVRCPT, "j");
		smfi_setsymlist(ctx, SMFIM_EOH, "i");
		smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	conf_unref(&c);
	return SMFIS_CONTINUE;
}

/* milter_connect - remember the client */
static sfsistat
milter_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	struct milter_conn *mc = conn_get(ctx);
	char buf[INET6_ADDRSTRLEN] = "";

	/* Postfix's cleanup(8) presents a local submission as port 0; no SMTP client has it. */
	if (sa != NULL && sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, buf, sizeof(buf));
		mc->local_submission = ((struct sockaddr_in *)sa)->sin_port == 0;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof(buf));
		mc->local_submission = ((struct sockaddr_in6 *)sa)->sin6_port == 0;
	} else
		snprintf(buf, sizeof(buf), "%s", hostname != NULL ? hostname : "local");
	mc->client = xstrdup(buf);
	mc->mta = audit_mta_name(smfi_getsymval(ctx, "v"));
	return mc->go;
}

/* milter_envfrom - a new message under the config live now */
static sfsistat
milter_envfrom(SMFICTX *ctx, char **argv)
{
	struct milter_conn *mc = conn_get(ctx);
	struct conf *c;

	forged_reset(mc->forged);
	clock_gettime(CLOCK_MONOTONIC, &mc->start);
	(void)snapshot_watch(milter_snap, time(NULL));
	c = snapshot_pin(milter_snap);
	scan_begin(mc->scan, c);
	scan_set_sender(mc->scan, argv[0]);
	conf_unref(&c);
	return mc->go;
}

/* milter_envrcpt - collect the recipient exactly as the MTA spelled it */
static sfsistat
milter_envrcpt(SMFICTX *ctx, char **argv)
{
	struct milter_conn *mc = smfi_getpriv(ctx);

	scan_add_rcpt(mc->scan, argv[0]);
	return mc->go;
}

/* milter_header - feed the decoder; count X-CSP-* headers to remove */
static sfsistat
milter_header(SMFICTX *ctx, char *name, char *value)
{
	struct milter_conn *mc = smfi_getpriv(ctx);

	forged_note(mc->forged, name);
	scan_header(mc->scan, name, value);
	return mc->go;
}

/* answer_error - the configured answer to an internal error */
static sfsistat
answer_error(SMFICTX *ctx, enum on_error_action how, const char *what)
{
	int reject = how == ON_ERROR_REJECT;

	if (how == ON_ERROR_ACCEPT)
		return SMFIS_ACCEPT;
	smfi_setreply(ctx, reject ? "550" : "451", reject ? "5.7.1" : "4.7.1", (char *)what);
	return reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

/* The MTA's side of each planned change (action_ops): 0, or -1 when libmilter says no. */
static int
op_delrcpt(void *ctx, const char *rcpt)
{
	return smfi_delrcpt(ctx, (char *)rcpt) == MI_SUCCESS ? 0 : -1;
}

static int
op_addrcpt(void *ctx, const char *rcpt)
{
	return smfi_addrcpt(ctx, (char *)rcpt) == MI_SUCCESS ? 0 : -1;
}

static int
op_addheader(void *ctx, const char *name, const char *value)
{
	return smfi_addheader(ctx, (char *)name, (char *)value) == MI_SUCCESS ? 0 : -1;
}

static int
op_quarantine(void *ctx, const char *reason)
{
	return smfi_quarantine(ctx, (char *)reason) == MI_SUCCESS ? 0 : -1;
}

static const struct action_ops milter_ops = { op_delrcpt, op_addrcpt, op_addheader, op_quarantine };

/* apply_plan - forged headers out, then the plan; -1 if refused (the plan then says on_refusal) */
static int
apply_plan(SMFICTX *ctx, struct milter_conn *mc, const char *qid, const char *on_refusal)
{
	const char *h;
	int i, n, rc = 0;

	for (i = 0; forged_get(mc->forged, i, &h, &n) == 0; i++)
		for (; n > 0; n--)	/* the last first: the others keep their index */
			if (smfi_chgheader(ctx, (char *)h, n, NULL) != MI_SUCCESS)
				rc = -1;
	if (action_plan_apply(&mc->plan, &milter_ops, ctx, on_refusal) < 0 || rc < 0) {
		mc->plan.action = on_refusal;
		log_warnx(qid, "the MTA refused a message change");
		return -1;
	}
	return 0;
}

/* record - the audit of this message; -1 if the audit write failed */
static int
record(struct milter_conn *mc, const char *qid, const char *action)
{
	struct audit_event ev = { qid, mc->client, action, 0, mc->mta };
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ev.elapsed_us = (long)(now.tv_sec - mc->start.tv_sec) * 1000000L +
	    (now.tv_nsec - mc->start.tv_nsec) / 1000;
	return audit_message(scan_result(mc->scan), &ev, &mc->record);
}

/* milter_eom - classify, decide, apply, then record what was applied (non-vendor mail: at end of headers) */
static sfsistat
milter_eom(SMFICTX *ctx)
{
	struct milter_conn *mc = smfi_getpriv(ctx);
	const char *qid = smfi_getsymval(ctx, "i");
	const struct conf *c = scan_result(mc->scan)->conf;
	const char *on_error = c->on_error == ON_ERROR_ACCEPT ? "accept" :
	    c->on_error == ON_ERROR_REJECT ? "reject" : "tempfail";

	if (qid == NULL)
		qid = "";
	scan_decide(mc->scan, 0);
	/* A local submission's recipients arrive rewritten: a removal could miss. */
	if (mc->local_submission || forged_overflow(mc->forged))
		scan_hold_removals(mc->scan);
	action_plan_build(&mc->plan, scan_result(mc->scan));
	/* X-CSP-* headers past the table cannot all be removed: hold the message. */
	if (forged_overflow(mc->forged) && !c->monitor && !mc->plan.reject) {
		log_warnx(qid, "%lu X-CSP-* headers, more than can be removed: held",
		    forged_total(mc->forged));
		action_plan_hold(&mc->plan, "csp-milter: too many X-CSP-* headers");
	}
	/* The record says what was applied: a refused change records on_error's answer. */
	if (apply_plan(ctx, mc, qid, on_error) < 0) {
		record(mc, qid, mc->plan.action);
		return answer_error(ctx, c->on_error, "csp-milter: cannot apply decision, try again later");
	}
	if (record(mc, qid, mc->plan.action) < 0 && c->on_audit_error != ON_ERROR_ACCEPT) {
		/* Never decide without a record, unless told to. */
		return answer_error(ctx, c->on_audit_error, "csp-milter: audit log unavailable, try again later");
	}
	if (mc->plan.reject) {
		smfi_setreply(ctx, c->reject_code, c->reject_xcode, mc->plan.reply_text.data);
		return SMFIS_REJECT;
	}
	return SMFIS_CONTINUE;
}

/*
 * milter_eoh - mail that no sender makes vendor mail is decided and accepted here, so
 * the body skips the milter; not if an X-CSP-* header must go (only end of message can).
 */
static sfsistat
milter_eoh(SMFICTX *ctx)
{
	struct milter_conn *mc = smfi_getpriv(ctx);
	sfsistat verdict;

	scan_end_headers(mc->scan);
	if (forged_total(mc->forged) > 0 || scan_sender_is_vendor(mc->scan, 0))
		return SMFIS_CONTINUE;
	verdict = milter_eom(ctx);
	return verdict == SMFIS_CONTINUE ? SMFIS_ACCEPT : verdict;
}

/* milter_body - stream into the decoder; skip what cannot change the verdict */
static sfsistat
milter_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
	struct milter_conn *mc = smfi_getpriv(ctx);

	if (!scan_sender_is_vendor(mc->scan, 0))
		return SMFIS_SKIP;
	scan_body(mc->scan, (const char *)data, len);
	return scan_saturated(mc->scan) ? SMFIS_SKIP : SMFIS_CONTINUE;
}

/* milter_abort - the message ended early; the connection goes on */
static sfsistat
milter_abort(SMFICTX *ctx)
{
	struct milter_conn *mc = smfi_getpriv(ctx);

	if (mc != NULL)
		forged_reset(mc->forged);
	return SMFIS_CONTINUE;
}

/* milter_close - free the connection state */
static sfsistat
milter_close(SMFICTX *ctx)
{
	struct milter_conn *mc = smfi_getpriv(ctx);

	if (mc == NULL)
		return SMFIS_CONTINUE;
	forged_free(&mc->forged);
	strbuf_release(&mc->record);
	action_plan_release(&mc->plan);
	scan_pool_give(milter_scans, &mc->scan);
	free(mc->client);
	free(mc);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc milter_desc = {
	"csp-milter",
	SMFI_VERSION,
	SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_QUARANTINE | SMFIF_SETSYMLIST,
	milter_connect,
	NULL,			/* helo */
	milter_envfrom,
	milter_envrcpt,
	milter_header,
	milter_eoh,
	milter_body,
	milter_eom,
	milter_abort,
	milter_close,
	NULL, NULL,		/* unknown, data */
	milter_negotiate,
};

/* milter_register - our callbacks with libmilter; configs come from snap */
int
milter_register(struct snapshot *snap, int tcp)
{
	milter_snap = snap;
	milter_tcp = tcp;
	if (milter_scans == NULL)
		milter_scans = scan_pool_new(MILTER_IDLE_SCANS);
	return smfi_register(milter_desc) == MI_SUCCESS ? 0 : -1;
}

/* milter_release - free the scan state idle connections left (at shutdown) */
void
milter_release(void)
{
	if (milter_scans != NULL)
		scan_pool_drain(milter_scans);
}
