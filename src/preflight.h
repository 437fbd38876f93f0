/* preflight - what starting the milter will need, checked before it starts */
#ifndef CSP_PREFLIGHT_H
#define CSP_PREFLIGHT_H

#include <stdio.h>
#include "conf.h"

/*
 * conf_load checks the file; preflight_check checks the machine the file
 * will run on, so that "csp-milter -n" fails where a start would:
 *   - milter.user, milter.group, socket_owner and socket_group exist, and
 *     a process that is neither root nor milter.user cannot become it;
 *   - the socket spec is unix:PATH (absolute, short enough, its directory
 *     there, nothing but a socket at PATH), inet:PORT@HOST or
 *     inet6:PORT@HOST with a port and a host that resolve;
 *   - as the run-time user (milter.user, with its group and no
 *     supplementary groups, as the daemon drops to): the audit file's
 *     directory is writable (rotation creates a new file there), an
 *     existing audit file is writable, and the customers file readable
 *     (a reload reads it after the drop).
 * The run-time checks run in a child that drops privileges the way the
 * daemon does.  Each problem is printed to err as "FILE:LINE: what",
 * FILE:LINE being the setting (line 0 for a default, "-p" for the command
 * line).  Returns the number of problems.  Not thread-safe (it forks).
 */
int preflight_check(const struct conf *conf, const struct conf_overrides *ov, FILE *err);

#endif
