/* daemon - process set-up around the milter: socket, privileges, pidfile, signals, threads */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "log.h"
#include "milter.h"
#include "snapshot.h"

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
static struct sockaddr_storage daemon_listen_addr;
static socklen_t daemon_listen_len;
static pthread_t daemon_main_thread;
static int daemon_listen_rc, daemon_listen_done;

/* daemon_find_listener - remember the address of libmilter's listening socket */
static void
daemon_find_listener(void)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&daemon_listen_addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&daemon_listen_addr;
	socklen_t len;
	int fd, listening;

	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(listening);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening)
			continue;
		daemon_listen_len = sizeof(daemon_listen_addr);
		if (getsockname(fd, (struct sockaddr *)&daemon_listen_addr, &daemon_listen_len) < 0)
			daemon_listen_len = 0;
		break;
	}
	/* A socket on every address is reached on loopback. */
	if (daemon_listen_addr.ss_family == AF_INET && in4->sin_addr.s_addr == htonl(INADDR_ANY))
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (daemon_listen_addr.ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
		in6->sin6_addr = in6addr_loopback;
}

/* daemon_wake_listener - one connection to our own socket, closed at once */
static void
daemon_wake_listener(void)
{
	int fd;

	if (daemon_listen_len == 0 ||
	    (fd = socket(daemon_listen_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	(void)connect(fd, (struct sockaddr *)&daemon_listen_addr, daemon_listen_len);
	close(fd);
}

/* daemon_listen_thread - libmilter's accept loop; tells the main thread when it ends */
static void *
daemon_listen_thread(void *arg)
{
	daemon_listen_rc = smfi_main();
	__atomic_store_n(&daemon_listen_done, 1, __ATOMIC_RELEASE);
	pthread_kill(daemon_main_thread, SIGALRM);
	return NULL;
}

/* daemon_stop_thread - smfi_stop, which blocks until the listener lets go */
static void *
daemon_stop_thread(void *arg)
{
	smfi_stop();
	return NULL;
}

/* daemon_serve - run libmilter until SIGTERM, SIGHUP or SIGINT; its status */
static int
daemon_serve(void)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	pthread_t listener, stopper;
	sigset_t set;
	int sig = 0;

	daemon_find_listener();
	daemon_main_thread = pthread_self();
	if (pthread_create(&listener, NULL, daemon_listen_thread, NULL) != 0) {
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
		if (pthread_create(&stopper, NULL, daemon_stop_thread, NULL) == 0)
			pthread_detach(stopper);
		while (!__atomic_load_n(&daemon_listen_done, __ATOMIC_ACQUIRE)) {
			daemon_wake_listener();
			nanosleep(&pause, NULL);
		}
	}
	pthread_join(listener, NULL);
	return daemon_listen_rc;
}

/* daemon_remove_socket - the unix socket file we created, if libmilter left it */
static void
daemon_remove_socket(const char *spec, const struct stat *created)
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

/*
 * The pidfile.  Opened before detaching, so a failure is seen on the
 * terminal: never through a symlink (O_NOFOLLOW), a regular file only,
 * close-on-exec, and locked: a second milter with the same pidfile is
 * refused instead of overwriting the first one's pid.  The lock belongs to
 * the open file, so it survives daemon()'s fork; the pid is written after.
 */
static int daemon_pid_fd = -1;
static struct stat daemon_pid_st;

/* pidfile_open - open and lock; -1 when it cannot be, or another milter holds it */
static int
pidfile_open(const char *path)
{
	if (*path == '\0')
		return 0;
	if ((daemon_pid_fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		log_warn(NULL, "pidfile %s", path);
		return -1;
	}
	if (fstat(daemon_pid_fd, &daemon_pid_st) < 0 || !S_ISREG(daemon_pid_st.st_mode))
		log_err(NULL, "pidfile %s: not a regular file", path);
	else if (flock(daemon_pid_fd, LOCK_EX | LOCK_NB) < 0)
		log_err(NULL, "pidfile %s is locked: another csp-milter is running", path);
	else
		return 0;
	/* Not ours: leave it for its owner. */
	close(daemon_pid_fd);
	daemon_pid_fd = -1;
	return -1;
}

/* pidfile_write - our pid, after daemon() changed it */
static int
pidfile_write(const char *path)
{
	char buf[32];
	int n;

	if (daemon_pid_fd < 0)
		return 0;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(daemon_pid_fd, 0) < 0 || pwrite(daemon_pid_fd, buf, (size_t)n, 0) != n) {
		log_warn(NULL, "pidfile %s", path);
		return -1;
	}
	return 0;
}

/* pidfile_remove - unlink it if it is still ours, then let go of the lock */
static void
pidfile_remove(const char *path)
{
	struct stat st;

	if (daemon_pid_fd < 0)
		return;
	if (lstat(path, &st) == 0 && st.st_ino == daemon_pid_st.st_ino &&
	    st.st_dev == daemon_pid_st.st_dev && unlink(path) < 0 && errno != ENOENT)
		log_warn(NULL, "cannot remove pidfile %s", path);
	close(daemon_pid_fd);
	daemon_pid_fd = -1;
}

/*
 * detach - daemon(3), but when there is no syslog socket the log's only
 * channel is stderr: keep it open where it was (a terminal, a file, the
 * journal) instead of pointing it at /dev/null with stdin and stdout.
 */
static int
detach(void)
{
	int fd;

	if (log_to_syslog())
		return daemon(0, 0);
	if (daemon(0, 1) < 0)
		return -1;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

/* reopen_audit - after every reload, refused or not: logrotate's SIGUSR1 moves the records */
static void
reopen_audit(const struct conf *live, void *arg)
{
	const char *error;

	if (audit_reopen(live->audit_file, &error) < 0)
		log_err(NULL, "reload: %s; audit file not reopened", error);
}

/* daemon_reload_thread - SIGUSR1 reloads, SIGUSR2 reloads accepting a shrink */
static void *
daemon_reload_thread(void *arg)
{
	static sigset_t set;
	struct snapshot *snap = arg;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGUSR1)
			snapshot_request_reload(snap, "SIGUSR1", 0);
		else if (sig == SIGUSR2)
			snapshot_request_reload(snap, "SIGUSR2, accepting a shrink", 1);
	}
	return NULL;
}

/* block_signals - before any thread starts: libmilter's and ours wait for them instead */
static void
block_signals(void)
{
	sigset_t set;

	/*
	 * A thread that left HUP, TERM or INT open would take the default
	 * action and kill the process instead of a clean stop; SIGALRM tells
	 * the main thread that the listener ended (daemon_serve).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* open_socket - libmilter's socket with our callbacks, access and TCP_NODELAY */
static int
open_socket(struct snapshot *snap, const struct conf *c, struct stat *created)
{
	if (!socket_is_local(c->socket)) {
		if (!c->allow_remote) {
			log_err(NULL, "socket %s listens beyond loopback: set milter.allow_remote = true to allow it",
			    c->socket);
			return -1;
		}
		log_warnx(NULL, "socket %s listens beyond loopback (allow_remote is set)", c->socket);
	}
	if (smfi_setconn(c->socket) != MI_SUCCESS || milter_register(snap, strncmp(c->socket, "inet", 4) == 0) < 0 ||
	    smfi_settimeout(c->timeout) != MI_SUCCESS) {
		log_err(NULL, "cannot set up the milter on %s", c->socket);
		return -1;
	}
	if (smfi_opensocket(true) != MI_SUCCESS) {
		log_err(NULL, "cannot open socket %s", c->socket);
		return -1;
	}
	if (set_socket_access(c) < 0)
		return -1;
	if (socket_path(c->socket) == NULL || stat(socket_path(c->socket), created) < 0)
		memset(created, 0, sizeof(*created));
	set_socket_nodelay();
	return 0;
}

/* daemon_main - serve until stopped */
int
daemon_main(const char *conf_path, const struct conf_overrides *ov, int foreground)
{
	struct snapshot *snap;
	struct stat socket_st;
	const char *error;
	struct conf *c;
	pthread_t tid;
	int rc = 1;

	memset(&socket_st, 0, sizeof(socket_st));
	if ((snap = snapshot_open(conf_path, ov, &error)) == NULL) {
		fprintf(stderr, "csp-milter: %s\n", error);
		return 1;
	}
	/* Our own pin: the socket and the pidfile at exit, whatever reloads did. */
	c = snapshot_pin(snap);
	log_open("csp-milter", c->syslog_facility, foreground);
	if (open_socket(snap, c, &socket_st) < 0)
		goto out;
	if (!foreground && pidfile_open(c->pidfile) < 0)
		goto out;
	if (!foreground && detach() < 0) {
		log_warn(NULL, "daemon");
		goto out;
	}
	if (!foreground && pidfile_write(c->pidfile) < 0)
		goto out;
	if (drop_privileges(c) < 0)
		goto out;
	if (audit_open(c->audit_file, &error) < 0) {
		log_err(NULL, "%s", error);
		goto out;
	}
	snapshot_set_hook(snap, reopen_audit, NULL);
	block_signals();
	if (pthread_create(&tid, NULL, daemon_reload_thread, snap) != 0 ||
	    snapshot_start(snap, &error) < 0) {
		log_err(NULL, "cannot start the reload and prefilter threads");
		goto out;
	}
	pthread_detach(tid);
	log_notice(NULL, "listening on %s: version %s, %zu rules, %zu customers, mode %s",
	    c->socket, c->version, rule_set_count(c->rules), directory_count(c->directory),
	    c->monitor ? "monitor" : "enforce");
	rc = daemon_serve() == MI_SUCCESS ? 0 : 1;
	milter_release();
	log_notice(NULL, "stopped");
	audit_close();
out:
	daemon_remove_socket(c->socket, &socket_st);
	if (!foreground)
		pidfile_remove(c->pidfile);
	conf_unref(&c);
	snapshot_free(&snap);
	return rc;
}

/* daemon_accept_shrink - tell the running milter to reload, accepting a smaller directory once */
int
daemon_accept_shrink(const char *conf_path, const struct conf_overrides *ov)
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
	else if ((fp = fopen(c->pidfile, "re")) == NULL || fscanf(fp, "%ld", &pid) != 1 || pid <= 1) {
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
