#!/bin/sh
# install-deps.sh - install what csp-milter needs, from Debian's packages.
#   install-deps.sh --run    to build and run it: compiler, autotools, the
#                            libraries it links; no MTA, no test tools
#   install-deps.sh [--test] all of that, plus what the test suites drive:
#                            Postfix, Sendmail's packages (downloaded and
#                            unpacked by its suite, never installed), the
#                            checkers, the Debian packaging tools
# Non-interactive; safe to run again.  The run set never installs an MTA:
# Postfix would replace the Sendmail or Exim a relay may be running.
set -eu
export DEBIAN_FRONTEND=noninteractive
what=${1:---test}
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
RUN_PKGS="build-essential autoconf automake libtool pkg-config make adduser libcmocka-dev
	libmilter-dev libpcre2-dev libconfig-dev zlib1g-dev libjansson-dev libsimdjson-dev
	libvectorscan-dev libidn2-dev libicu-dev liblinear-dev libstemmer-dev libsqlite3-dev ca-certificates"
TEST_PKGS="postfix swaks python3 iproute2 procps
	libgmime-3.0-dev clang libclang-rt-14-dev valgrind chromium poppler-utils
	debhelper lintian fakeroot dpkg-dev logrotate systemd m4 libwrap0 util-linux"
case $what in
--run) pkgs=$RUN_PKGS ;;
--test) pkgs="$RUN_PKGS $TEST_PKGS" ;;
*) echo "usage: install-deps.sh [--run | --test]" >&2; exit 2 ;;
esac
$SUDO apt-get update -q
# Postfix asks a question on install unless told there is nothing to configure.
[ "$what" = --run ] ||
	echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $pkgs
if [ "$what" = --test ]; then
	# tests/sendmail runs a real Sendmail; sendmail-bin conflicts with postfix,
	# so the suite unpacks these packages instead of installing them.
	$SUDO mkdir -p /var/cache/csp-milter-tests/sendmail
	(cd /var/cache/csp-milter-tests/sendmail &&
	    $SUDO apt-get download -q sendmail-bin sendmail-base sendmail-cf)
fi
