#!/bin/sh
# install-deps.sh - install what csp-milter needs to build, test and run (Debian).
# Non-interactive; safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -q
# Postfix asks a question on install unless told there is nothing to configure.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get install -y -q --no-install-recommends \
	build-essential autoconf automake libtool pkg-config make \
	libmilter-dev libpcre2-dev libconfig-dev libcmocka-dev zlib1g-dev libjansson-dev libvectorscan-dev \
	libidn2-dev libicu-dev liblinear-dev libstemmer-dev \
	postfix swaks python3 ca-certificates \
	libgmime-3.0-dev clang libclang-rt-14-dev valgrind \
	chromium
