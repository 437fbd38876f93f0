#!/bin/sh
# quickstart.sh - from a fresh Debian machine to a running csp-milter with the
# shipped config, in the foreground (Ctrl-C stops it).
# It installs only what building and running need (no MTA, no test tools),
# builds out of the source tree in _build/quickstart (so that
# tests/run-all.sh works in the same tree, before or after), installs under
# /usr/local with the config in /etc/csp-milter (an existing config is kept),
# creates the csp-milter user and the directories the config names, and
# starts the milter as the packaged unit does.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
sh contrib/install-deps.sh --run
[ -x configure ] || autoreconf -fi
if [ -f config.status ]; then
	# Configured in place by hand: out-of-tree builds need it clean.
	echo "quickstart: this tree was configured in place; make distclean first"
	make distclean >/dev/null
fi
build=$top/_build/quickstart
mkdir -p "$build"
[ -f "$build/Makefile" ] || (cd "$build" && "$top/configure" -q --prefix=/usr/local --sysconfdir=/etc)
make -C "$build" -j"$(nproc)"
$SUDO make -C "$build" install >/dev/null
bin=/usr/local/sbin/csp-milter
conf=/etc/csp-milter/csp-milter.conf

# The run-time user and directories, as the Debian package creates them.
if ! getent passwd csp-milter >/dev/null; then
	$SUDO adduser --system --group --no-create-home --home /nonexistent csp-milter
fi
$SUDO install -d -o csp-milter -g csp-milter -m 0750 /var/log/csp-milter /run/csp-milter
if getent group postfix >/dev/null && [ -d /var/spool/postfix ]; then
	# The shipped socket: inside Postfix's spool, group postfix (README).
	$SUDO install -d -o csp-milter -g postfix -m 0750 /var/spool/postfix/csp-milter
else
	# No Postfix here (Sendmail, say): the same config, on a socket under /run.
	sed -e 's|unix:/var/spool/postfix/csp-milter/|unix:/run/csp-milter/|' \
	    -e 's|^\([[:space:]]*socket_group = \).*|\1"csp-milter";|' \
	    -e 's|@include "rules.conf"|@include "/etc/csp-milter/rules.conf"|' \
	    -e 's|customers_file = "customers.csv"|customers_file = "/etc/csp-milter/customers.csv"|' \
	    -e 's|file = "csp-milter.model"|file = "/etc/csp-milter/csp-milter.model"|' \
	    "$conf" | $SUDO tee /run/csp-milter/quickstart.conf >/dev/null
	conf=/run/csp-milter/quickstart.conf
	echo "quickstart: no Postfix here: listening on unix:/run/csp-milter/csp-milter.sock ($conf)"
fi
$SUDO "$bin" -n -c "$conf"
exec $SUDO "$bin" -f -c "$conf"
