/* daemon - process set-up around the milter: socket, privileges, pidfile, signals, threads */
#ifndef CSP_DAEMON_H
#define CSP_DAEMON_H

#include "conf.h"

/*
 * daemon_main - load the config (its path made absolute first), open the
 * milter socket (owner, group, mode; TCP_NODELAY on inet), detach unless
 * foreground (logging goes to stderr as it was when there is no syslog
 * socket, not to /dev/null), lock and write the pidfile, drop privileges,
 * and serve until SIGTERM, SIGHUP or SIGINT.  SIGUSR1 reloads, SIGUSR2
 * reloads accepting a shrink of the customers once.  At exit the socket and
 * the pidfile are removed.  Returns the exit status.  Call once per process.
 */
int daemon_main(const char *conf_path, const struct conf_overrides *ov, int foreground);

/*
 * daemon_accept_shrink - send SIGUSR2 to the milter named by the config's
 * milter.pidfile: it reloads and accepts a directory that lost more than
 * directory.max_shrink of its rows, once.  Returns the exit status.
 */
int daemon_accept_shrink(const char *conf_path, const struct conf_overrides *ov);

#endif
