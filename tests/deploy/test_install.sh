#!/bin/sh
# test_install - "make install" into a private prefix, as an admin would use it:
#   - the systemd unit names the installed binary and config, runs as
#     csp-milter (User=, Group=, UMask=0007), allows the spool socket,
#     reloads with SIGUSR1, restarts always, and "systemd-analyze verify"
#     passes on it;
#   - the man pages name the configured sysconfdir;
#   - a second "make install" keeps an edited config (the shipped one goes
#     beside it as .dist) and "make uninstall" leaves the config;
#   - the logrotate entry passes "logrotate -d" with the user the package
#     creates, and rotates;
#   - the release tarball holds what tests/run-all.sh and the Debian
#     package need.
# Needs root (it creates the csp-milter user as the package does),
# systemd-analyze and logrotate.  Ends with "N passed, M failed".

SUITE=test_install
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/deploy/lib.sh"

need_or_fail root is_root
need_or_fail "systemd-analyze (systemd)" have systemd-analyze
need_or_fail "logrotate" have logrotate
need_or_fail "a configured build in $top_builddir" [ -f "$top_builddir/Makefile" ]

T=$(mktemp -d /tmp/csp-inst.XXXXXX) || exit 1
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

P=$T/prefix
E=$T/etc
UNITDIR=$P/lib/systemd/system
# minstall TARGET - make TARGET into the private prefix
minstall() {
	make -s -C "$top_builddir" "$1" prefix="$P" sysconfdir="$E" \
	    systemdunitdir="$UNITDIR" tmpfilesdir="$P/lib/tmpfiles.d" >"$T/make.out" 2>&1
}

# ---- the unit ----------------------------------------------------------------
if ! minstall install; then
	nok "make install: $(tail -5 "$T/make.out")"
	finish
	exit 1
fi
ok "make install into $P"
U=$UNITDIR/csp-milter.service
check "the unit is installed" [ -f "$U" ]
check "ExecStart runs the installed binary with the installed config" \
    grep -qx "ExecStart=$P/sbin/csp-milter -f -c $E/csp-milter/csp-milter.conf" "$U"
check "ExecStartPre checks with -n first" \
    grep -qx "ExecStartPre=$P/sbin/csp-milter -n -c $E/csp-milter/csp-milter.conf" "$U"
check "no path is left unsubstituted" sh -c "! grep -q '@[a-z]*@' '$U'"
check "User=csp-milter" grep -qx "User=csp-milter" "$U"
check "Group=csp-milter" grep -qx "Group=csp-milter" "$U"
check "UMask=0007" grep -qx "UMask=0007" "$U"
check "ExecReload sends SIGUSR1" grep -qx 'ExecReload=/bin/kill -USR1 $MAINPID' "$U"
check "Restart=always (SIGHUP stops with status 0)" grep -qx "Restart=always" "$U"
check "ProtectSystem=strict, with the spool socket directory writable" \
    sh -c "grep -qx 'ProtectSystem=strict' '$U' && grep -qx 'ReadWritePaths=-/var/spool/postfix/csp-milter' '$U'"
check "the log and run directories belong to the unit" \
    sh -c "grep -qx 'LogsDirectory=csp-milter' '$U' && grep -qx 'RuntimeDirectory=csp-milter' '$U'"
echo "# systemd-analyze verify $U"
MANPATH=$P/share/man systemd-analyze verify "$U" >"$T/verify.out" 2>&1
rc=$?
sed 's/^/#   /' "$T/verify.out"
check "systemd-analyze verify passes (rc $rc, $(wc -l <"$T/verify.out") lines of output)" \
    test $rc = 0 -a ! -s "$T/verify.out"
check "the tmpfiles.d entry creates the spool socket directory" \
    grep -q '^d /var/spool/postfix/csp-milter 0755 csp-milter csp-milter' "$P/lib/tmpfiles.d/csp-milter.conf"

# ---- man pages ---------------------------------------------------------------
check "csp-milter(8) names the configured config path" \
    grep -q "$E/csp-milter/csp-milter.conf" "$P/share/man/man8/csp-milter.8"
check "csp-milter(8) names no other /etc/csp-milter" \
    sh -c "! sed 's|$E/csp-milter||g' '$P/share/man/man8/csp-milter.8' | grep -q '/etc/csp-milter'"

# ---- the config is the admin's -------------------------------------------------
C=$E/csp-milter/csp-milter.conf
echo "# the admin's edit" >>"$C"
cp "$C" "$T/edited.conf"
printf 'recipient,customer_id,partner,csp,direct\n' >"$E/csp-milter/customers.csv"
if minstall install; then
	check "a second make install keeps the edited config" cmp -s "$C" "$T/edited.conf"
	check "a second make install keeps the customers file" \
	    [ "$(wc -l <"$E/csp-milter/customers.csv")" = 1 ]
	check "the shipped config goes beside it as .dist" cmp -s "$C.dist" "$top_srcdir/conf/csp-milter.conf"
	check "it says so" grep -q "keeping $C" "$T/make.out"
	check "no .dist copy in logrotate.d (logrotate would read it)" [ ! -e "$E/logrotate.d/csp-milter.dist" ]
else
	nok "second make install: $(tail -5 "$T/make.out")"
fi
if minstall uninstall; then
	check "make uninstall removes the binary" [ ! -e "$P/sbin/csp-milter" ]
	check "make uninstall removes the unit" [ ! -e "$U" ]
	check "make uninstall keeps the config" cmp -s "$C" "$T/edited.conf"
	check "make uninstall keeps the customers file and rules" \
	    test -f "$E/csp-milter/customers.csv" -a -f "$E/csp-milter/rules.conf"
	check "make uninstall keeps the logrotate entry" [ -f "$E/logrotate.d/csp-milter" ]
else
	nok "make uninstall: $(tail -5 "$T/make.out")"
fi

# ---- logrotate -------------------------------------------------------------------
# The user the package creates; then the shipped entry, pointed at a private log.
if ! getent passwd csp-milter >/dev/null; then
	adduser --system --group --no-create-home --home /nonexistent csp-milter >/dev/null 2>&1 ||
	    useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin csp-milter
fi
mkdir -p "$T/log"
chown csp-milter:csp-milter "$T/log"
chmod 750 "$T/log"
echo '{"time":"2026-01-01T00:00:00Z"}' >"$T/log/audit.jsonl"
sed -e "s|/var/log/csp-milter/audit.jsonl|$T/log/audit.jsonl|" \
    -e "s|/run/csp-milter/csp-milter.pid|$T/none.pid|" \
    -e 's|systemctl -q is-active csp-milter.service|false|' \
    "$top_srcdir/contrib/logrotate-csp-milter" >"$T/logrotate.conf"
logrotate -d -f -s "$T/logrotate.state" "$T/logrotate.conf" >"$T/lr.out" 2>&1
rc=$?
check "logrotate -d passes (rc $rc)" [ $rc = 0 ]
check "logrotate -d reports no error" sh -c "! grep -i 'error' '$T/lr.out'"
check "logrotate -d would rotate the audit file" grep -q "rotating log $T/log/audit.jsonl" "$T/lr.out"
check "logrotate -d would create the new file for csp-milter" grep -q "creating new $T/log/audit.jsonl mode = 0640" "$T/lr.out"
grep -i error "$T/lr.out" | sed 's/^/#   /'
logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" >"$T/lr2.out" 2>&1
check "logrotate rotates it (rc $?)" [ -s "$T/log/audit.jsonl.1" ]
check "the new audit file belongs to csp-milter, mode 0640" \
    [ "$(stat -c '%U %a' "$T/log/audit.jsonl" 2>/dev/null)" = "csp-milter 640" ]

# ---- the release tarball -----------------------------------------------------------
if make -s -C "$top_builddir" distdir distdir="$T/dist" >"$T/dist.out" 2>&1; then
	for f in tests/fuzz/fuzz_scan.c tests/lsan.supp tests/corpus/test_dev_corpus.sh \
	    tests/corpus/eval_dev.py tests/run-all.sh contrib/install-deps.sh \
	    contrib/csp-milter.service.in contrib/csp-milter.tmpfiles debian/control debian/rules \
	    tests/deploy/test_lifecycle.sh tests/deploy/test_debian.sh tests/sendmail/test_sendmail.sh; do
		check "the tarball holds $f" [ -f "$T/dist/$f" ]
	done
else
	nok "make distdir: $(tail -5 "$T/dist.out")"
fi

finish
