#!/bin/sh
# quickstart.sh - from a fresh Debian machine to a running csp-milter with the
# shipped conf/csp-milter.conf, in the foreground (Ctrl-C stops it).
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --sysconfdir=/etc
make -j"$(nproc)"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
# The shipped config listens on /run/csp-milter and audits to /var/log/csp-milter.
$SUDO mkdir -p /run/csp-milter /var/log/csp-milter
src/csp-milter -n -c conf/csp-milter.conf
exec $SUDO src/csp-milter -f -c conf/csp-milter.conf
