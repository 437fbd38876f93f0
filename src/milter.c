/* milter - the libmilter daemon: callbacks, actions and reload */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "audit.h"
#include "log.h"
#include "milter.h"
#include "scan.h"

/*
 * The live snapshot.  A message pins the snapshot current at MAIL FROM
 * (scan_begin takes a reference), so a reload never changes the rules of a
 * message in flight.
 */
static pthread_mutex_t milter_conf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *milter_conf;
static const char *milter_conf_path;
static struct conf_overrides milter_overrides;
static time_t milter_last_check;
/* Set when the live snapshot still needs its rule prefilters built. */
static pthread_cond_t milter_build_cond = PTHREAD_COND_INITIALIZER;
static int milter_build_wanted;

/* An X-CSP-* header seen on input: removed before any verdict is added. */
struct forged_header {
	char *name;
	int index;		/* 1-based among headers of this name */
};

/* Per-connection state; the scan is reused message after message. */
struct milter_conn {
	char *client;
	const char *mta;	/* milter_mta_name: static */
	struct scan *scan;
	struct action_plan plan;
	struct forged_header *forged;
	size_t forged_count, forged_cap;
	struct strbuf hdr_names;	/* every header name seen, "\0"-separated, for indices */
	struct strbuf record;
	struct timespec start;
	int failed;		/* internal error in this message */
	int local_submission;	/* Postfix's emulated connect for sendmail(1): port 0 */
	int vendor;		/* known at end of headers */
};

/* milter_conf_get - a referenced snapshot */
static struct conf *
milter_conf_get(void)
{
	struct conf *c;

	pthread_mutex_lock(&milter_conf_lock);
	c = conf_ref(milter_conf);
	pthread_mutex_unlock(&milter_conf_lock);
	return c;
}

/*
 * milter_want_prefilter - give a new snapshot its prefilters: shared when
 * the rules did not change, else built by the background thread.  Until
 * then its rules still match, one PCRE2 pass per rule.
 */
static void
milter_want_prefilter(struct conf *fresh, const struct conf *old)
{
	if (old != NULL && rule_set_share_prefilter(fresh->rules, old->rules))
		return;
	pthread_mutex_lock(&milter_conf_lock);
	milter_build_wanted = 1;
	pthread_cond_signal(&milter_build_cond);
	pthread_mutex_unlock(&milter_conf_lock);
}

/* milter_prefilter_thread - build prefilters for the latest snapshot, one build at a time */
static void *
milter_prefilter_thread(void *arg)
{
	struct timespec t0, t1;
	const char *error;
	struct conf *c;

	for (;;) {
		pthread_mutex_lock(&milter_conf_lock);
		while (!milter_build_wanted)
			pthread_cond_wait(&milter_build_cond, &milter_conf_lock);
		milter_build_wanted = 0;
		c = conf_ref(milter_conf);
		pthread_mutex_unlock(&milter_conf_lock);
		if (!rule_set_prefiltered(c->rules)) {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (rule_set_finish(c->rules, &error) < 0)
				log_err(NULL, "rule prefilter for version %s: %s; rules run unfiltered",
				    c->version, error);
			else {
				clock_gettime(CLOCK_MONOTONIC, &t1);
				log_info(NULL, "rule prefilter for version %s ready in %.1f s", c->version,
				    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
			}
		}
		conf_unref(&c);
	}
	return NULL;
}

/*
 * The customers-file watcher.  A changed file is reloaded only once its
 * identity (device, inode, size, mtime) has stayed the same for
 * directory.settle_time seconds, so that a copy in progress is not read
 * half-written; a file whose reload was refused is not tried again until
 * it changes once more (no refusal every second).
 */
static pthread_mutex_t milter_watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct conf_file_id seen;	/* a changed identity waiting to settle */
	time_t seen_at;
	int pending;
	struct conf_file_id refused;	/* the last identity a reload refused */
	int have_refused;
	struct conf_file_id asked;	/* the identity the watcher asked a reload for */
	int reload_asked;
} milter_watch;

/* watch_refuse - do not try this customers file again until it changes */
static void
watch_refuse(const struct conf_file_id *id)
{
	pthread_mutex_lock(&milter_watch_lock);
	milter_watch.refused = *id;
	milter_watch.have_refused = 1;
	pthread_mutex_unlock(&milter_watch_lock);
}

/*
 * milter_reload - load the config again; keep the old one if the new one
 * is bad or has lost more customers than directory.max_shrink allows
 * (unless accept_shrink: the one-shot SIGUSR2).
 */
static void
milter_reload(const char *why, int accept_shrink)
{
	struct conf *fresh, *old;
	struct conf_file_id asked;
	const char *error;
	int watched;

	pthread_mutex_lock(&milter_watch_lock);
	watched = milter_watch.reload_asked;
	asked = milter_watch.asked;
	milter_watch.reload_asked = 0;
	pthread_mutex_unlock(&milter_watch_lock);
	if ((fresh = conf_load(milter_conf_path, &milter_overrides, &error)) == NULL) {
		log_err(NULL, "reload (%s) refused, keeping version %s: %s%s", why,
		    milter_conf->version, error,
		    watched ? "; the customers file is not read again until it changes" : "");
		if (watched)
			watch_refuse(&asked);
		/* logrotate's SIGUSR1 must still move the records to the new file. */
		if (audit_reopen(milter_conf->audit_file, &error) < 0)
			log_err(NULL, "reload (%s): %s; audit file not reopened", why, error);
		return;
	}
	if (!accept_shrink && conf_check_shrink(fresh, milter_conf, &error) < 0) {
		log_err(NULL, "reload (%s) refused, keeping version %s: %s", why,
		    milter_conf->version, error);
		watch_refuse(&fresh->customers_id);
		conf_unref(&fresh);
		return;
	}
	pthread_mutex_lock(&milter_watch_lock);
	milter_watch.have_refused = 0;
	pthread_mutex_unlock(&milter_watch_lock);
	if (audit_reopen(fresh->audit_file, &error) < 0)
		log_err(NULL, "reload (%s): %s; audit file not reopened", why, error);
	pthread_mutex_lock(&milter_conf_lock);
	old = milter_conf;
	milter_conf = fresh;
	pthread_mutex_unlock(&milter_conf_lock);
	milter_want_prefilter(fresh, old);
	log_notice(NULL, "reloaded (%s): version %s, %zu rules, %zu customers%s", why,
	    fresh->version, rule_set_count(fresh->rules), directory_count(fresh->directory),
	    accept_shrink && directory_count(fresh->directory) < directory_count(old->directory) ?
	    " (shrink accepted)" : "");
	conf_unref(&old);
}

/* milter_reload_thread - SIGUSR1 reloads, SIGUSR2 reloads accepting a shrink; libmilter keeps HUP, TERM and INT */
static void *
milter_reload_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGUSR1)
			milter_reload("SIGUSR1", 0);
		else if (sig == SIGUSR2)
			milter_reload("SIGUSR2, accepting a shrink", 1);
	}
	return NULL;
}

/*
 * milter_check_customers - at most once a second: a changed customers
 * file that has settled triggers a reload, unless it was refused as it is.
 */
static void
milter_check_customers(const struct conf *c)
{
	time_t now = time(NULL), last = __atomic_load_n(&milter_last_check, __ATOMIC_RELAXED);
	struct conf_file_id id;
	int reload = 0;

	if (now == last || !__atomic_compare_exchange_n(&milter_last_check, &last, now, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	if (conf_customers_now(c, &id) < 0)
		return;
	pthread_mutex_lock(&milter_watch_lock);
	if (!id.exists || conf_file_id_equal(&id, &c->customers_id)) {
		/* Gone (keep what we have) or unchanged. */
		milter_watch.pending = 0;
	} else if (!(milter_watch.have_refused && conf_file_id_equal(&id, &milter_watch.refused))) {
		if (!milter_watch.pending || !conf_file_id_equal(&id, &milter_watch.seen)) {
			milter_watch.seen = id;
			milter_watch.seen_at = now;
			milter_watch.pending = 1;
		}
		if (now - milter_watch.seen_at >= c->customers_settle) {
			milter_watch.pending = 0;
			milter_watch.asked = id;
			milter_watch.reload_asked = 1;
			reload = 1;
		}
	}
	pthread_mutex_unlock(&milter_watch_lock);
	if (reload) {
		log_info(NULL, "customers file %s changed: reloading (unchanged for %d s)",
		    c->customers_file, c->customers_settle);
		kill(getpid(), SIGUSR1);
	}
}

/* conn_get - the connection state */
static struct milter_conn *
conn_get(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

/* conn_clear_message - forget per-message state, keep storage */
static void
conn_clear_message(struct milter_conn *mc)
{
	size_t i;

	for (i = 0; i < mc->forged_count; i++)
		free(mc->forged[i].name);
	mc->forged_count = 0;
	strbuf_reset(&mc->hdr_names);
	mc->failed = 0;
	mc->vendor = 0;
}

/* milter_negotiate - ask only for what can change the verdict */
static sfsistat
milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	unsigned long want_actions = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT |
	    SMFIF_DELRCPT | SMFIF_QUARANTINE | SMFIF_SETSYMLIST;
	/* Steps whose answer is always "continue" get no reply at all. */
	unsigned long want_proto = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA |
	    SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH |
	    SMFIP_NR_HELO | SMFIP_NR_UNKN | SMFIP_NR_DATA | SMFIP_SKIP;
	struct conf *c;

	if ((f0 & (want_actions & ~SMFIF_SETSYMLIST)) != (want_actions & ~SMFIF_SETSYMLIST))
		log_warnx(NULL, "the MTA does not offer every action needed (offered 0x%lx)", f0);
	*pf0 = want_actions & f0;
	*pf1 = want_proto & f1;
	*pf2 = 0;
	*pf3 = 0;
	if (f0 & SMFIF_SETSYMLIST) {
		c = milter_conf_get();
		smfi_setsymlist(ctx, SMFIM_CONNECT, "j v");
		smfi_setsymlist(ctx, SMFIM_ENVFROM, c->auth_macros ? "{auth_authen}" : "j");
		smfi_setsymlist(ctx, SMFIM_ENVRCPT, "j");
		smfi_setsymlist(ctx, SMFIM_EOH, "j");
		smfi_setsymlist(ctx, SMFIM_EOM, "i");
		conf_unref(&c);
	}
	return SMFIS_CONTINUE;
}

/*
 * milter_mta_name - which MTA talks to us, from its macro v: Postfix sends
 * "Postfix 3.7.11", Sendmail its bare version "8.17.1.9".  Quarantine
 * differs between the two (hold queue, or a quarantined queue file), and
 * so does the command that releases the message.
 */
static const char *
milter_mta_name(const char *v)
{
	if (v == NULL || *v == '\0')
		return "";
	if (strncasecmp(v, "Postfix", 7) == 0)
		return "postfix";
	if (*v >= '0' && *v <= '9')
		return "sendmail";
	return "";
}

/* milter_connect - remember the client */
static sfsistat
milter_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	struct milter_conn *mc = calloc(1, sizeof(*mc));
	char buf[INET6_ADDRSTRLEN] = "";

	if (mc == NULL)
		return SMFIS_NOREPLY;	/* end of message answers on_error */
	/*
	 * Postfix's cleanup(8) pretends a local submission comes from
	 * localhost port 0; no SMTP client has port 0.
	 */
	if (sa != NULL && sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, buf, sizeof(buf));
		mc->local_submission = ((struct sockaddr_in *)sa)->sin_port == 0;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof(buf));
		mc->local_submission = ((struct sockaddr_in6 *)sa)->sin6_port == 0;
	} else
		snprintf(buf, sizeof(buf), "%s", hostname != NULL ? hostname : "local");
	mc->client = strdup(buf);
	mc->mta = milter_mta_name(smfi_getsymval(ctx, "v"));
	action_plan_init(&mc->plan);
	smfi_setpriv(ctx, mc);
	return SMFIS_NOREPLY;
}

/* milter_envfrom - a new message under the current snapshot */
static sfsistat
milter_envfrom(SMFICTX *ctx, char **argv)
{
	struct milter_conn *mc = conn_get(ctx);
	struct conf *c;

	if (mc == NULL)
		return SMFIS_NOREPLY;
	conn_clear_message(mc);
	clock_gettime(CLOCK_MONOTONIC, &mc->start);
	c = milter_conf_get();
	milter_check_customers(c);
	if (mc->scan == NULL)
		mc->scan = scan_new();
	scan_begin(mc->scan, c);
	scan_set_sender(mc->scan, argv[0]);
	conf_unref(&c);
	return SMFIS_NOREPLY;
}

/* milter_envrcpt - collect the recipient exactly as the MTA spelled it */
static sfsistat
milter_envrcpt(SMFICTX *ctx, char **argv)
{
	struct milter_conn *mc = conn_get(ctx);

	if (mc != NULL && !mc->failed)
		scan_add_rcpt(mc->scan, argv[0]);
	return SMFIS_NOREPLY;
}

/* header_index - 1-based position of this header among those of its name */
static int
header_index(struct milter_conn *mc, const char *name)
{
	const char *p = mc->hdr_names.data, *end = p + mc->hdr_names.len;
	int n = 1;

	for (; p != NULL && p < end; p += strlen(p) + 1)
		if (strcasecmp(p, name) == 0)
			n++;
	return n;
}

/* milter_header - feed the decoder; remember X-CSP-* headers to remove */
static sfsistat
milter_header(SMFICTX *ctx, char *name, char *value)
{
	struct milter_conn *mc = conn_get(ctx);

	if (mc == NULL || mc->failed)
		return SMFIS_NOREPLY;
	if (strncasecmp(name, "X-CSP-", 6) == 0) {
		if (mc->forged_count == mc->forged_cap) {
			size_t cap = mc->forged_cap ? mc->forged_cap * 2 : 4;
			struct forged_header *p = realloc(mc->forged, cap * sizeof(*p));

			if (p == NULL) {
				mc->failed = 1;
				return SMFIS_NOREPLY;
			}
			mc->forged = p;
			mc->forged_cap = cap;
		}
		mc->forged[mc->forged_count].index = header_index(mc, name);
		if ((mc->forged[mc->forged_count].name = strdup(name)) == NULL) {
			mc->failed = 1;
			return SMFIS_NOREPLY;
		}
		mc->forged_count++;
		strbuf_append(&mc->hdr_names, name, strlen(name) + 1);
	}
	scan_header(mc->scan, name, value);
	return SMFIS_NOREPLY;
}

/* milter_eoh - the sender is known now: non-vendor mail needs no body */
static sfsistat
milter_eoh(SMFICTX *ctx)
{
	struct milter_conn *mc = conn_get(ctx);

	if (mc == NULL || mc->failed)
		return SMFIS_NOREPLY;
	scan_end_headers(mc->scan);
	mc->vendor = scan_sender_is_vendor(mc->scan, 0);
	return SMFIS_NOREPLY;
}

/* milter_body - stream into the decoder; skip what cannot change the verdict */
static sfsistat
milter_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
	struct milter_conn *mc = conn_get(ctx);

	if (mc == NULL || mc->failed || !mc->vendor)
		return SMFIS_SKIP;
	scan_body(mc->scan, (const char *)data, len);
	return scan_saturated(mc->scan) ? SMFIS_SKIP : SMFIS_CONTINUE;
}

/* answer_error - the configured answer to an internal error */
static sfsistat
answer_error(SMFICTX *ctx, enum on_error_action how, const char *what)
{
	switch (how) {
	case ON_ERROR_ACCEPT:
		return SMFIS_ACCEPT;
	case ON_ERROR_REJECT:
		smfi_setreply(ctx, "550", "5.7.1", (char *)what);
		return SMFIS_REJECT;
	default:
		smfi_setreply(ctx, "451", "4.7.1", (char *)what);
		return SMFIS_TEMPFAIL;
	}
}

/* error_action_name - how an internal error shows in the audit */
static const char *
error_action_name(enum on_error_action how)
{
	return how == ON_ERROR_ACCEPT ? "accept" : how == ON_ERROR_REJECT ? "reject" : "tempfail";
}

/* The MTA's side of each planned change: 0, or -1 when libmilter says no. */

/* smfi_delrcpt_op - remove a recipient */
static int
smfi_delrcpt_op(void *ctx, const char *rcpt)
{
	return smfi_delrcpt(ctx, (char *)rcpt) == MI_SUCCESS ? 0 : -1;
}

/* smfi_addrcpt_op - add a recipient */
static int
smfi_addrcpt_op(void *ctx, const char *rcpt)
{
	return smfi_addrcpt(ctx, (char *)rcpt) == MI_SUCCESS ? 0 : -1;
}

/* smfi_addheader_op - add a header */
static int
smfi_addheader_op(void *ctx, const char *name, const char *value)
{
	return smfi_addheader(ctx, (char *)name, (char *)value) == MI_SUCCESS ? 0 : -1;
}

/* smfi_quarantine_op - hold the message */
static int
smfi_quarantine_op(void *ctx, const char *reason)
{
	return smfi_quarantine(ctx, (char *)reason) == MI_SUCCESS ? 0 : -1;
}

static const struct action_ops milter_ops = {
	smfi_delrcpt_op, smfi_addrcpt_op, smfi_addheader_op, smfi_quarantine_op,
};

/*
 * apply_plan - remove forged headers, then replay the plan through
 * libmilter; -1 if the MTA refused a change (the plan then records
 * on_refusal instead of the changes it could not make).
 */
static int
apply_plan(SMFICTX *ctx, struct milter_conn *mc, const char *qid, const char *on_refusal)
{
	size_t i;
	int rc = 0;

	/* Reverse order keeps the indices of the remaining ones valid (CVE-2022-48521). */
	for (i = mc->forged_count; i-- > 0;)
		if (smfi_chgheader(ctx, mc->forged[i].name, mc->forged[i].index, NULL) != MI_SUCCESS)
			rc = -1;
	if (action_plan_apply(&mc->plan, &milter_ops, ctx, on_refusal) < 0)
		rc = -1;
	if (rc < 0) {
		mc->plan.action = on_refusal;
		log_warnx(qid, "the MTA refused a message change");
	}
	return rc;
}

/* elapsed_us - time since MAIL FROM */
static long
elapsed_us(const struct milter_conn *mc)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - mc->start.tv_sec) * 1000000L +
	    (now.tv_nsec - mc->start.tv_nsec) / 1000;
}

/* record - the audit record and the syslog summary; -1 if the audit write failed */
static int
record(struct milter_conn *mc, const char *qid, const char *action)
{
	struct audit_event ev = { qid, mc->client, action, elapsed_us(mc), mc->mta };

	return audit_message(scan_result(mc->scan), &ev, &mc->record);
}

/* milter_eom - classify, decide, apply, then record what was applied */
static sfsistat
milter_eom(SMFICTX *ctx)
{
	struct milter_conn *mc = conn_get(ctx);
	const char *qid = smfi_getsymval(ctx, "i");
	const struct conf *c;
	sfsistat verdict = SMFIS_CONTINUE;

	if (qid == NULL)
		qid = "";
	if (mc == NULL || mc->scan == NULL || scan_result(mc->scan)->conf == NULL) {
		struct conf *now = milter_conf_get();

		log_err(qid, "out of memory before end of message");
		verdict = answer_error(ctx, now->on_error, "csp-milter: internal error, try again later");
		conf_unref(&now);
		return verdict;
	}
	c = scan_result(mc->scan)->conf;
	if (mc->failed) {
		log_err(qid, "internal error while scanning: answering %s", error_action_name(c->on_error));
		record(mc, qid, error_action_name(c->on_error));
		return answer_error(ctx, c->on_error, "csp-milter: internal error, try again later");
	}
	scan_decide(mc->scan, 0);
	/* A local submission's recipients arrive rewritten: a removal could miss. */
	if (mc->local_submission)
		scan_hold_removals(mc->scan);
	action_plan_build(&mc->plan, scan_result(mc->scan));
	/* The record says what was applied: a refused change records on_error's answer. */
	if (apply_plan(ctx, mc, qid, error_action_name(c->on_error)) < 0) {
		record(mc, qid, mc->plan.action);
		return answer_error(ctx, c->on_error, "csp-milter: cannot apply decision, try again later");
	}
	if (record(mc, qid, mc->plan.action) < 0 && c->on_audit_error != ON_ERROR_ACCEPT) {
		/* Never decide without a record, unless told to. */
		return answer_error(ctx, c->on_audit_error, "csp-milter: audit log unavailable, try again later");
	}
	if (mc->plan.reject) {
		smfi_setreply(ctx, c->reject_code, c->reject_xcode, mc->plan.reply_text.data);
		verdict = SMFIS_REJECT;
	}
	return verdict;
}

/* milter_abort - the message ended early; the connection goes on */
static sfsistat
milter_abort(SMFICTX *ctx)
{
	struct milter_conn *mc = conn_get(ctx);

	if (mc != NULL)
		conn_clear_message(mc);
	return SMFIS_CONTINUE;
}

/* milter_close - free the connection state */
static sfsistat
milter_close(SMFICTX *ctx)
{
	struct milter_conn *mc = conn_get(ctx);

	if (mc == NULL)
		return SMFIS_CONTINUE;
	conn_clear_message(mc);
	free(mc->forged);
	strbuf_release(&mc->hdr_names);
	strbuf_release(&mc->record);
	action_plan_release(&mc->plan);
	scan_free(&mc->scan);
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
	NULL,			/* unknown */
	NULL,			/* data */
	milter_negotiate,
};

/* socket_is_local - unix sockets and loopback inet addresses */
static int
socket_is_local(const char *spec)
{
	const char *at, *close;
	struct in_addr a4;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN];

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0 || spec[0] == '/')
		return 1;
	if ((at = strchr(spec, '@')) == NULL)
		return 0;	/* inet:port alone listens on every address */
	at++;
	if (strcmp(at, "localhost") == 0)
		return 1;
	/* Numeric addresses only: a host name could resolve anywhere. */
	if (inet_pton(AF_INET, at, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (*at == '[' && (close = strchr(at, ']')) != NULL && (size_t)(close - at) < sizeof(buf)) {
		memcpy(buf, at + 1, (size_t)(close - at - 1));
		buf[close - at - 1] = '\0';
		at = buf;
	}
	return inet_pton(AF_INET6, at, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* socket_path - the file of a unix socket, or NULL */
static const char *
socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return spec[0] == '/' ? spec : NULL;
}

/* set_socket_access - owner, group and mode of a unix socket */
static int
set_socket_access(const struct conf *c)
{
	const char *path = socket_path(c->socket);
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct passwd *pw;
	struct group *gr;

	if (path == NULL)
		return 0;
	if (*c->socket_owner != '\0') {
		if ((pw = getpwnam(c->socket_owner)) == NULL) {
			log_err(NULL, "socket_owner %s: no such user", c->socket_owner);
			return -1;
		}
		uid = pw->pw_uid;
	}
	if (*c->socket_group != '\0') {
		if ((gr = getgrnam(c->socket_group)) == NULL) {
			log_err(NULL, "socket_group %s: no such group", c->socket_group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) {
		log_warn(NULL, "chown %s", path);
		return -1;
	}
	if (chmod(path, (mode_t)c->socket_mode) < 0) {
		log_warn(NULL, "chmod %s", path);
		return -1;
	}
	return 0;
}

/*
 * set_socket_nodelay - TCP_NODELAY on libmilter's TCP listening socket.
 * At end of message libmilter writes each change (delrcpt, addrcpt,
 * addheader, quarantine) and the final reply with a write(2) of its own.
 * With Nagle on, the second small write waits for the MTA to ACK the
 * first, and the MTA, with nothing to send back yet, delays that ACK by
 * about 40 ms: every message that gets a change would take 40 ms on an
 * inet socket.  libmilter does not set the option and does not expose its
 * listening descriptor, so find it among ours (it is the only listening
 * TCP socket at start-up); Linux copies TCP_NODELAY from a listening
 * socket to every socket it accepts.  Unix sockets have no Nagle.
 */
static void
set_socket_nodelay(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, listening, on = 1;

	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(listening);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening)
			continue;
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0)
			log_warn(NULL, "TCP_NODELAY on the milter socket");
	}
}

/* drop_privileges - become the configured user, with no supplementary groups */
static int
drop_privileges(const struct conf *c)
{
	struct passwd *pw;
	struct group *gr;
	gid_t gid;

	if (*c->user == '\0') {
		if (geteuid() == 0)
			log_warnx(NULL, "running as root: set milter.user to drop privileges");
		return 0;
	}
	if ((pw = getpwnam(c->user)) == NULL) {
		log_err(NULL, "user %s: no such user", c->user);
		return -1;
	}
	/* Started as that user already (systemd's User=): nothing to drop. */
	if (geteuid() != 0 && geteuid() == pw->pw_uid)
		return 0;
	gid = pw->pw_gid;
	if (*c->group != '\0') {
		if ((gr = getgrnam(c->group)) == NULL) {
			log_err(NULL, "group %s: no such group", c->group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0) {
		log_warn(NULL, "cannot become %s", c->user);
		return -1;
	}
	if (setuid(0) == 0) {
		log_err(NULL, "privileges could be regained after dropping them");
		return -1;
	}
	return 0;
}

/*
 * Stopping.  libmilter's listener holds its lock through a select() of up
 * to 5 s and looks at the stop flag only between two, and smfi_stop()
 * waits for that lock: a stop took seconds.  So the main thread waits for
 * the stop signals itself (Linux hands a process-directed signal to the
 * main thread when it is waiting for it, rather than to libmilter's signal
 * thread), asks libmilter to stop from a helper thread, and connects to
 * its own listening socket until the listener returns: each connection
 * ends a select() at once.  Should libmilter's thread take the signal
 * instead, the listener still ends within its 5 s and says so (SIGALRM,
 * sent to this thread only: SIGUSR1 and SIGUSR2 belong to the reload thread).
 */
static struct sockaddr_storage milter_listen_addr;
static socklen_t milter_listen_len;
static pthread_t milter_main_thread;
static int milter_listen_rc, milter_listen_done;

/* milter_find_listener - remember the address of libmilter's listening socket */
static void
milter_find_listener(void)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&milter_listen_addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&milter_listen_addr;
	socklen_t len;
	int fd, listening;

	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(listening);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening)
			continue;
		milter_listen_len = sizeof(milter_listen_addr);
		if (getsockname(fd, (struct sockaddr *)&milter_listen_addr, &milter_listen_len) < 0)
			milter_listen_len = 0;
		break;
	}
	/* A socket on every address is reached on loopback. */
	if (milter_listen_addr.ss_family == AF_INET && in4->sin_addr.s_addr == htonl(INADDR_ANY))
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (milter_listen_addr.ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
		in6->sin6_addr = in6addr_loopback;
}

/* milter_wake_listener - one connection to our own socket, closed at once */
static void
milter_wake_listener(void)
{
	int fd;

	if (milter_listen_len == 0 ||
	    (fd = socket(milter_listen_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	(void)connect(fd, (struct sockaddr *)&milter_listen_addr, milter_listen_len);
	close(fd);
}

/* milter_listen_thread - libmilter's accept loop; tells the main thread when it ends */
static void *
milter_listen_thread(void *arg)
{
	milter_listen_rc = smfi_main();
	__atomic_store_n(&milter_listen_done, 1, __ATOMIC_RELEASE);
	pthread_kill(milter_main_thread, SIGALRM);
	return NULL;
}

/* milter_stop_thread - smfi_stop, which blocks until the listener lets go */
static void *
milter_stop_thread(void *arg)
{
	smfi_stop();
	return NULL;
}

/* milter_serve - run libmilter until SIGTERM, SIGHUP or SIGINT; its status */
static int
milter_serve(void)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	pthread_t listener, stopper;
	sigset_t set;
	int sig = 0;

	milter_find_listener();
	milter_main_thread = pthread_self();
	if (pthread_create(&listener, NULL, milter_listen_thread, NULL) != 0) {
		log_err(NULL, "cannot start the listener thread");
		return MI_FAILURE;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGALRM);
	while (sigwait(&set, &sig) != 0)
		;
	if (sig != SIGALRM) {
		log_notice(NULL, "SIG%s: stopping", sig == SIGTERM ? "TERM" : sig == SIGHUP ? "HUP" : "INT");
		if (pthread_create(&stopper, NULL, milter_stop_thread, NULL) == 0)
			pthread_detach(stopper);
		while (!__atomic_load_n(&milter_listen_done, __ATOMIC_ACQUIRE)) {
			milter_wake_listener();
			nanosleep(&pause, NULL);
		}
	}
	pthread_join(listener, NULL);
	return milter_listen_rc;
}

/* milter_remove_socket - the unix socket file we created, if libmilter left it */
static void
milter_remove_socket(const char *spec, const struct stat *created)
{
	const char *path = socket_path(spec);
	struct stat st;

	if (path == NULL || lstat(path, &st) < 0)
		return;
	if (!S_ISSOCK(st.st_mode) || st.st_ino != created->st_ino || st.st_dev != created->st_dev)
		return;		/* another milter's by now */
	if (unlink(path) < 0)
		log_warn(NULL, "cannot remove socket %s", path);
}

/* write_pidfile - our pid, for init scripts */
static int
write_pidfile(const char *path)
{
	FILE *fp;

	if (*path == '\0')
		return 0;
	if ((fp = fopen(path, "w")) == NULL) {
		log_warn(NULL, "pidfile %s", path);
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	return fclose(fp) == 0 ? 0 : -1;
}

/* milter_accept_shrink - tell the running milter to reload, accepting a smaller directory once */
int
milter_accept_shrink(const char *conf_path, const struct conf_overrides *ov)
{
	const char *error;
	struct conf *c;
	FILE *fp;
	long pid = 0;
	int rc = 1;

	if ((c = conf_load(conf_path, ov, &error)) == NULL) {
		fprintf(stderr, "csp-milter: %s\n", error);
		return 1;
	}
	if (*c->pidfile == '\0')
		fprintf(stderr, "csp-milter: %s: milter.pidfile is not set: send SIGUSR2 to the "
		    "milter to accept the shrink\n", conf_path);
	else if ((fp = fopen(c->pidfile, "r")) == NULL || fscanf(fp, "%ld", &pid) != 1 || pid <= 1) {
		fprintf(stderr, "csp-milter: %s: no milter pid in it: send SIGUSR2 to the milter "
		    "to accept the shrink\n", c->pidfile);
		if (fp != NULL)
			fclose(fp);
	} else {
		fclose(fp);
		if (kill((pid_t)pid, SIGUSR2) < 0)
			fprintf(stderr, "csp-milter: SIGUSR2 to %ld: %s\n", pid, strerror(errno));
		else {
			printf("csp-milter: asked milter %ld to reload and accept a directory of %zu "
			    "customers once\n", pid, directory_count(c->directory));
			rc = 0;
		}
	}
	conf_unref(&c);
	return rc;
}

/* milter_main - serve until stopped */
int
milter_main(const char *conf_path, const struct conf_overrides *ov, int foreground)
{
	static sigset_t reload_set;
	sigset_t block_set;
	struct stat socket_st;
	const char *error;
	struct conf *c;
	pthread_t tid;
	int rc;

	milter_conf_path = conf_path;
	milter_overrides = *ov;
	if ((c = conf_load(conf_path, ov, &error)) == NULL) {
		fprintf(stderr, "csp-milter: %s\n", error);
		return 1;
	}
	/* A reload drops the live snapshot; c stays ours for the socket and pidfile at exit. */
	milter_conf = conf_ref(c);
	log_open("csp-milter", c->syslog_facility, foreground);
	if (!socket_is_local(c->socket)) {
		if (!c->allow_remote) {
			log_err(NULL, "socket %s listens beyond loopback: set milter.allow_remote = true to allow it",
			    c->socket);
			return 1;
		}
		log_warnx(NULL, "socket %s listens beyond loopback (allow_remote is set)", c->socket);
	}
	if (smfi_setconn(c->socket) != MI_SUCCESS || smfi_register(milter_desc) != MI_SUCCESS ||
	    smfi_settimeout(c->timeout) != MI_SUCCESS) {
		log_err(NULL, "cannot set up the milter on %s", c->socket);
		return 1;
	}
	if (smfi_opensocket(true) != MI_SUCCESS) {
		log_err(NULL, "cannot open socket %s", c->socket);
		return 1;
	}
	if (set_socket_access(c) < 0)
		return 1;
	if (socket_path(c->socket) != NULL && stat(socket_path(c->socket), &socket_st) < 0)
		memset(&socket_st, 0, sizeof(socket_st));
	set_socket_nodelay();
	if (!foreground && daemon(0, 0) < 0) {
		log_warn(NULL, "daemon");
		return 1;
	}
	if (!foreground && write_pidfile(c->pidfile) < 0)
		return 1;
	if (drop_privileges(c) < 0)
		return 1;
	if (audit_open(c->audit_file, &error) < 0) {
		log_err(NULL, "%s", error);
		return 1;
	}
	/*
	 * Block SIGUSR1 and SIGUSR2 everywhere before libmilter starts its threads, and
	 * HUP, TERM and INT too: libmilter's signal thread waits for those,
	 * and a thread of ours that left them open would take the default
	 * action and kill the process instead of a clean stop.
	 */
	sigemptyset(&reload_set);
	sigaddset(&reload_set, SIGUSR1);
	sigaddset(&reload_set, SIGUSR2);
	block_set = reload_set;
	sigaddset(&block_set, SIGHUP);
	sigaddset(&block_set, SIGTERM);
	sigaddset(&block_set, SIGINT);
	/* The listener ended (milter_serve): SIGALRM, which no one else sends; SIGUSR2 is a reload. */
	sigaddset(&block_set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &block_set, NULL);
	if (pthread_create(&tid, NULL, milter_reload_thread, &reload_set) != 0 ||
	    pthread_create(&tid, NULL, milter_prefilter_thread, NULL) != 0) {
		log_err(NULL, "cannot start the reload and prefilter threads");
		return 1;
	}
	milter_want_prefilter(c, NULL);
	log_notice(NULL, "listening on %s: version %s, %zu rules, %zu customers, mode %s",
	    c->socket, c->version, rule_set_count(c->rules), directory_count(c->directory),
	    c->monitor ? "monitor" : "enforce");
	rc = milter_serve();
	log_notice(NULL, "stopped");
	if (socket_path(c->socket) != NULL)
		milter_remove_socket(c->socket, &socket_st);
	if (!foreground && *c->pidfile != '\0' && unlink(c->pidfile) < 0 && errno != ENOENT)
		log_warn(NULL, "cannot remove pidfile %s", c->pidfile);
	audit_close();
	pthread_mutex_lock(&milter_conf_lock);
	conf_unref(&milter_conf);
	pthread_mutex_unlock(&milter_conf_lock);
	conf_unref(&c);
	return rc == MI_SUCCESS ? 0 : 1;
}
