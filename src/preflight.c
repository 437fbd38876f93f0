/* preflight - what starting the milter will need, checked before it starts */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <libconfig.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "preflight.h"
#include "strbuf.h"
#include "xalloc.h"

/* Where each setting came from, for FILE:LINE in every message. */
struct preflight {
	const struct conf *conf;
	const struct conf_overrides *ov;
	config_t cfg;
	int have_cfg;
	FILE *err;
	int problems;
};

/* preflight_fail - one problem, located at the setting NAME ("milter.user") */
static void
preflight_fail(struct preflight *pf, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
preflight_fail(struct preflight *pf, const char *name, const char *fmt, ...)
{
	const config_setting_t *s = NULL;
	const char *file = NULL;
	va_list ap;

	if (strcmp(name, "milter.socket") == 0 && pf->ov != NULL && pf->ov->socket != NULL)
		fprintf(pf->err, "csp-milter: -p: ");
	else if (strcmp(name, "directory.customers_file") == 0 && pf->ov != NULL &&
	    pf->ov->customers_file != NULL)
		fprintf(pf->err, "csp-milter: --customers: ");
	else {
		if (pf->have_cfg && (s = config_lookup(&pf->cfg, name)) != NULL)
			file = config_setting_source_file(s);
		fprintf(pf->err, "csp-milter: %s:%d: ", file != NULL ? file : pf->conf->path,
		    s != NULL ? (int)config_setting_source_line(s) : 0);
	}
	va_start(ap, fmt);
	vfprintf(pf->err, fmt, ap);
	va_end(ap);
	fputc('\n', pf->err);
	pf->problems++;
}

/* dir_of - the directory part of a path ("." when there is none) */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* check_names - the users and groups the milter will look up at start */
static void
check_names(struct preflight *pf)
{
	const struct conf *c = pf->conf;
	struct passwd *pw;

	if (*c->user != '\0') {
		if ((pw = getpwnam(c->user)) == NULL)
			preflight_fail(pf, "milter.user", "user \"%s\" does not exist", c->user);
		else if (geteuid() != 0 && geteuid() != pw->pw_uid)
			preflight_fail(pf, "milter.user", "running as uid %ld, which can become "
			    "\"%s\" only when started as root", (long)geteuid(), c->user);
	}
	if (*c->group != '\0' && getgrnam(c->group) == NULL)
		preflight_fail(pf, "milter.group", "group \"%s\" does not exist", c->group);
	if (*c->socket_owner != '\0' && getpwnam(c->socket_owner) == NULL)
		preflight_fail(pf, "milter.socket_owner", "user \"%s\" does not exist",
		    c->socket_owner);
	if (*c->socket_group != '\0' && getgrnam(c->socket_group) == NULL)
		preflight_fail(pf, "milter.socket_group", "group \"%s\" does not exist",
		    c->socket_group);
}

/* check_unix_socket - an absolute path that fits, in a directory that is there */
static void
check_unix_socket(struct preflight *pf, const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	char *dir;

	if (path[0] != '/') {
		preflight_fail(pf, "milter.socket", "unix socket path \"%s\" must be absolute", path);
		return;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		preflight_fail(pf, "milter.socket", "unix socket path is %zu bytes, more than the "
		    "%zu a socket address holds", strlen(path), sizeof(sun.sun_path) - 1);
		return;
	}
	dir = dir_of(path);
	if (stat(dir, &st) < 0)
		preflight_fail(pf, "milter.socket", "socket directory %s: %s", dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		preflight_fail(pf, "milter.socket", "socket directory %s is not a directory", dir);
	else if (access(dir, W_OK | X_OK) < 0)
		preflight_fail(pf, "milter.socket", "socket directory %s: cannot create the "
		    "socket there as uid %ld: %s", dir, (long)geteuid(), strerror(errno));
	free(dir);
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		preflight_fail(pf, "milter.socket", "%s exists and is not a socket; the milter "
		    "will not replace it", path);
}

/* check_inet_socket - PORT@HOST: a port and a host that resolve */
static void
check_inet_socket(struct preflight *pf, const char *spec, int family)
{
	struct addrinfo hints, *res;
	char *port, *at;
	int rc;

	port = xstrdup(spec);
	if ((at = strchr(port, '@')) != NULL)
		*at++ = '\0';
	if (*port == '\0')
		preflight_fail(pf, "milter.socket", "socket \"%s\" has no port", pf->conf->socket);
	else if (strspn(port, "0123456789") == strlen(port) ?
	    (atol(port) < 1 || atol(port) > 65535 || strlen(port) > 5) :
	    getservbyname(port, "tcp") == NULL)
		preflight_fail(pf, "milter.socket", "socket \"%s\": port \"%s\" is not a port "
		    "number from 1 to 65535 or a known service", pf->conf->socket, port);
	else if (at != NULL) {
		if (*at == '[' && at[strlen(at) - 1] == ']') {
			at++;
			at[strlen(at) - 1] = '\0';
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = family;
		hints.ai_socktype = SOCK_STREAM;
		if ((rc = getaddrinfo(at, NULL, &hints, &res)) != 0)
			preflight_fail(pf, "milter.socket", "socket \"%s\": host \"%s\": %s",
			    pf->conf->socket, at, gai_strerror(rc));
		else
			freeaddrinfo(res);
	}
	free(port);
}

/* check_socket - the forms libmilter accepts, as the milter will use them */
static void
check_socket(struct preflight *pf)
{
	const char *spec = pf->conf->socket;

	if (strncmp(spec, "unix:", 5) == 0)
		check_unix_socket(pf, spec + 5);
	else if (strncmp(spec, "local:", 6) == 0)
		check_unix_socket(pf, spec + 6);
	else if (spec[0] == '/')
		check_unix_socket(pf, spec);
	else if (strncmp(spec, "inet:", 5) == 0)
		check_inet_socket(pf, spec + 5, AF_INET);
	else if (strncmp(spec, "inet6:", 6) == 0)
		check_inet_socket(pf, spec + 6, AF_INET6);
	else
		preflight_fail(pf, "milter.socket", "socket \"%s\" is none of unix:PATH, "
		    "inet:PORT@HOST or inet6:PORT@HOST", spec);
}

/* check_files_as_runtime_user - the audit and customers files, as the daemon will see them */
static void
check_files_as_runtime_user(struct preflight *pf, const char *who)
{
	const struct conf *c = pf->conf;
	struct stat st;
	char *dir;

	if (*c->audit_file != '\0') {
		dir = dir_of(c->audit_file);
		if (stat(dir, &st) < 0)
			preflight_fail(pf, "audit_file", "audit directory %s: %s", dir, strerror(errno));
		else if (access(dir, W_OK | X_OK) < 0)
			preflight_fail(pf, "audit_file", "audit directory %s is not writable by %s, "
			    "who opens and (after rotation) creates %s", dir, who, c->audit_file);
		else if (access(c->audit_file, F_OK) == 0 && access(c->audit_file, W_OK) < 0)
			preflight_fail(pf, "audit_file", "audit file %s is not writable by %s",
			    c->audit_file, who);
		free(dir);
	}
	if (c->customers_file != NULL && access(c->customers_file, R_OK) < 0)
		preflight_fail(pf, "directory.customers_file", "customers file %s is not readable "
		    "by %s, who reads it again on every reload", c->customers_file, who);
}

/*
 * check_runtime_user - run the file checks as milter.user: in a child that
 * drops privileges exactly as the daemon does (its group, no supplementary
 * groups), so that permissions, ACLs and every parent directory count.
 */
static void
check_runtime_user(struct preflight *pf)
{
	const struct conf *c = pf->conf;
	struct strbuf who = STRBUF_INIT;
	struct passwd *pw;
	struct group *gr;
	gid_t gid;
	pid_t pid;
	int status;

	if (*c->user == '\0' || geteuid() != 0 || (pw = getpwnam(c->user)) == NULL) {
		strbuf_appendf(&who, "uid %ld", (long)geteuid());
		check_files_as_runtime_user(pf, who.data);
		strbuf_release(&who);
		return;
	}
	gid = pw->pw_gid;
	if (*c->group != '\0') {
		if ((gr = getgrnam(c->group)) == NULL)
			return;		/* reported by check_names */
		gid = gr->gr_gid;
	}
	strbuf_appendf(&who, "user %s", c->user);
	fflush(pf->err);
	if ((pid = fork()) < 0) {
		preflight_fail(pf, "milter.user", "cannot fork to check as %s: %s", c->user,
		    strerror(errno));
	} else if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0) {
			fprintf(pf->err, "csp-milter: cannot become %s: %s\n", c->user, strerror(errno));
			_exit(100);
		}
		pf->problems = 0;
		check_files_as_runtime_user(pf, who.data);
		fflush(pf->err);
		_exit(pf->problems > 99 ? 99 : pf->problems);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) == 100)
			pf->problems++;
		else
			pf->problems += WEXITSTATUS(status);
	}
	strbuf_release(&who);
}

/* preflight_check - every check; the number of problems */
int
preflight_check(const struct conf *conf, const struct conf_overrides *ov, FILE *err)
{
	struct preflight pf;
	char *dir;

	memset(&pf, 0, sizeof(pf));
	pf.conf = conf;
	pf.ov = ov;
	pf.err = err;
	/* The file parsed once more, only to name the line of each setting. */
	config_init(&pf.cfg);
	dir = dir_of(conf->path);
	config_set_include_dir(&pf.cfg, dir);
	pf.have_cfg = config_read_file(&pf.cfg, conf->path) == CONFIG_TRUE;
	free(dir);
	check_names(&pf);
	check_socket(&pf);
	check_runtime_user(&pf);
	config_destroy(&pf.cfg);
	return pf.problems;
}
