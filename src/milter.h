/* milter - the libmilter daemon: callbacks, actions and reload */
#ifndef CSP_MILTER_H
#define CSP_MILTER_H

#include "conf.h"

/*
 * milter_main - load the config, open the socket, drop privileges,
 * daemonise unless foreground, and serve until SIGTERM.  Returns the exit
 * status.  Call once per process.
 */
int milter_main(const char *conf_path, const struct conf_overrides *ov, int foreground);

/*
 * milter_accept_shrink - send SIGUSR2 to the milter named by the config's
 * milter.pidfile: it reloads and accepts a directory that lost more than
 * directory.max_shrink of its rows, once.  Returns the exit status.
 */
int milter_accept_shrink(const char *conf_path, const struct conf_overrides *ov);

#endif
