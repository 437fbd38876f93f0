#!/bin/sh
# test_debian - the Debian package on Postfix as Debian ships it:
#   - builds the .deb from this tree's release files (dpkg-buildpackage -us
#     -uc -b), checks it with lintian (no error or warning), installs it
#     with dpkg: the csp-milter user (in group postfix), the directories,
#     the conffiles, a unit that "systemd-analyze verify" passes, a
#     logrotate entry that "logrotate -d" passes;
#   - runs a private Postfix configured as Debian ships it: Debian's
#     master.cf (smtpd and cleanup chrooted in /var/spool/postfix) with
#     only the listening port changed, and the README's main.cf lines;
#   - starts csp-milter exactly as the unit does: the unit's ExecStartPre
#     and ExecStart commands, as User=/Group= with the user's groups, with
#     the unit's UMask, and the packaged config untouched (under systemd,
#     with systemctl);
#   - sends the policy cases through it (reroute, incident, quarantine and
#     its release with the command csp-milter-audit prints, a non-vendor
#     sender, sendmail(1) through the chrooted cleanup), reloads it with the
#     unit's ExecReload, stops it, and purges the package.
# Nothing is given a permission by hand.  Needs root, Postfix, swaks, the
# Debian packaging tools, and /var/spool/postfix free (the system's own
# Postfix stopped).  Ends with "N passed, M failed".

SUITE=test_debian
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/deploy/lib.sh"

if [ "${CSP_SKIP_PACKAGE_SUITE:-0}" = 1 ]; then
	# tests/run-all.sh: the package is built from the release files, not from
	# this (sanitizer) build, so the normal build's run covers it.
	echo "test_debian: the package was tested with the normal build, skipped"
	exit 77
fi
need_or_fail root is_root
for t in dpkg-buildpackage lintian postfix postconf postqueue smtp-sink swaks systemd-analyze logrotate setpriv; do
	need_or_fail "$t" have $t
done
need_or_fail "debhelper" [ -x /usr/bin/dh ]
need_or_fail "Debian's /etc/postfix/master.cf" [ -f /etc/postfix/master.cf ]
SPOOL=/var/spool/postfix
if [ -s $SPOOL/pid/master.pid ] && kill -0 "$(sed 's/ //g' $SPOOL/pid/master.pid)" 2>/dev/null; then
	echo "FAIL: a Postfix runs on $SPOOL; this suite runs its own there (stop it first)"
	exit 1
fi

if dpkg -s csp-milter >/dev/null 2>&1; then
	echo "FAIL: a csp-milter package is installed here; this suite installs and purges its own"
	exit 1
fi

T=$(mktemp -d /tmp/csp-deb.XXXXXX) || exit 1
chmod 755 "$T"
PF=$T/pf
MPID=
SINK_PID=
# A csp-milter from "make install" or contrib/quickstart.sh: its config and
# audit files step aside while the package is installed, and come back.
SAVED=
for d in /etc/csp-milter /var/log/csp-milter; do
	if [ -e "$d" ]; then
		mkdir -p "$T/saved$(dirname "$d")"
		mv "$d" "$T/saved$d" && SAVED="$SAVED $d"
	fi
done
restore_saved() {
	for d in $SAVED; do
		rm -rf "$d"
		mv "$T/saved$d" "$d"
	done
}
cleanup() {
	[ -n "$MPID" ] && stop_pid "$MPID"
	if [ -f "$PF/main.cf" ]; then
		postfix -c "$PF" stop >/dev/null 2>&1
		postsuper -c "$PF" -d ALL >/dev/null 2>&1
	fi
	[ -n "$SINK_PID" ] && stop_pid "$SINK_PID"
	if [ "${KEEP_PACKAGE:-0}" != 1 ] && dpkg -s csp-milter >/dev/null 2>&1; then
		dpkg --purge csp-milter >/dev/null 2>&1
	fi
	restore_saved
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() {
	p=$(( ($$ % 2000) + 30000 + $1 ))
	while ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
	echo $p
}

# ---- build, check, install ------------------------------------------------------
mkdir -p "$T/src"
SRC=$T/src/csp-milter-pkg
if ! make -s -C "$top_builddir" distdir distdir="$SRC" >"$T/distdir.out" 2>&1; then
	nok "make distdir: $(tail -5 "$T/distdir.out")"
	finish
	exit 1
fi
echo "# dpkg-buildpackage -us -uc -b (in a copy of the release files)"
# The unit tests ran in this build already; "nocheck" keeps them from running twice.
(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
    >"$T/build.log" 2>&1
rc=$?
grep -E '^dpkg-(deb|buildpackage|genchanges)' "$T/build.log" | sed 's/^/#   /'
DEB=$(ls "$T"/src/csp-milter_*_*.deb 2>/dev/null | head -1)
check "dpkg-buildpackage builds the package (rc $rc)" test "$rc" = 0 -a -f "$DEB"
if [ -z "$DEB" ]; then
	tail -30 "$T/build.log"
	finish
	exit 1
fi
echo "# lintian $(basename "$DEB" .deb | sed 's/_amd64//')*.changes"
lintian "$T"/src/csp-milter_*.changes >"$T/lintian.out" 2>&1
rc=$?
sed 's/^/#   /' "$T/lintian.out"
check "lintian passes (rc $rc)" [ $rc = 0 ]
check "lintian reports no error or warning" sh -c "! grep -Eq '^[EW]: ' '$T/lintian.out'"

dpkg -i "$DEB" >"$T/dpkg.out" 2>&1
rc=$?
check "dpkg -i installs it (rc $rc)" [ $rc = 0 ]
check "the csp-milter user exists" sh -c "getent passwd csp-milter >/dev/null"
check "csp-milter is in group postfix" sh -c "id -nG csp-milter | tr ' ' '\n' | grep -qx postfix"
check "its home is /nonexistent, its shell no login" \
    sh -c "getent passwd csp-milter | grep -q ':/nonexistent:/usr/sbin/nologin$'"
check "the conffiles are /etc/csp-milter/* and the logrotate entry" \
    sh -c "dpkg-query --showformat='\${Conffiles}\n' -W csp-milter | awk 'NF {print \$1}' | sort | tr '\n' ' ' |
	grep -qx '/etc/csp-milter/csp-milter.conf /etc/csp-milter/csp-milter.model /etc/csp-milter/customers.csv /etc/csp-milter/rules.conf /etc/logrotate.d/csp-milter '"
check "the socket directory is in the spool, for csp-milter (tmpfiles.d)" \
    [ "$(stat -c '%U:%G %a' $SPOOL/csp-milter 2>/dev/null)" = "csp-milter:csp-milter 755" ]
check "the audit directory is csp-milter's, 0750" \
    [ "$(stat -c '%U:%G %a' /var/log/csp-milter 2>/dev/null)" = "csp-milter:csp-milter 750" ]
check "the customers file is readable by csp-milter, not by all" \
    [ "$(stat -c '%G %a' /etc/csp-milter/customers.csv)" = "csp-milter 640" ]
UNIT=/lib/systemd/system/csp-milter.service
echo "# systemd-analyze verify $UNIT"
systemd-analyze verify "$UNIT" >"$T/verify.out" 2>&1
rc=$?
sed 's/^/#   /' "$T/verify.out"
check "systemd-analyze verify passes on the installed unit (rc $rc)" test $rc = 0 -a ! -s "$T/verify.out"
logrotate -d -s "$T/lr.state" /etc/logrotate.d/csp-milter >"$T/lr.out" 2>&1
rc=$?
check "logrotate -d passes on the installed entry (rc $rc)" test $rc = 0
check "logrotate -d reports no error" sh -c "! grep -qi error '$T/lr.out'"
check "csp-milter -n passes on the packaged config, as csp-milter" \
    sh -c "setpriv --reuid=csp-milter --regid=csp-milter --init-groups /usr/sbin/csp-milter -n -c /etc/csp-milter/csp-milter.conf >/dev/null"

# ---- Postfix as Debian ships it, plus the README's lines -------------------------
SMTP_PORT=$(free_port 1)
SINK_PORT=$(free_port 2)
mkdir -p "$PF/data" "$PF/log" "$T/sink"
chown postfix: "$PF/data" "$T/sink"
# Debian's master.cf, chroot column untouched; only the smtp listener moves.
awk -v port="$SMTP_PORT" '$1 == "smtp" && $2 == "inet" { $1 = "127.0.0.1:" port } { print }' \
    /etc/postfix/master.cf >"$PF/master.cf"
check "master.cf runs smtpd chrooted, as Debian ships it" \
    sh -c "awk '\$1 == \"127.0.0.1:$SMTP_PORT\" && \$5 == \"y\"' '$PF/master.cf' | grep -q smtpd"
check "master.cf runs cleanup chrooted, as Debian ships it" \
    sh -c "awk '\$1 == \"cleanup\" && \$5 == \"y\"' '$PF/master.cf' | grep -q cleanup"
cat >"$PF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $SPOOL
data_directory = $PF/data
maillog_file_prefixes = $PF/log
maillog_file = $PF/log/maillog
syslog_name = postfix-debian-e2e
myhostname = mx.debian-e2e.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$SINK_PORT
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
append_dot_mydomain = no
EOF
# The README's lines for a chrooted smtpd, as contrib/postfix-main.cf gives them.
grep -E '^[a-z_]+ = ' "$top_srcdir/contrib/postfix-main.cf" >>"$PF/main.cf"
check "main.cf has the README's chrooted socket line" \
    grep -qx 'smtpd_milters = unix:/csp-milter/csp-milter.sock' "$PF/main.cf"
# What Debian's start script (configure-instance.sh) copies into the chroot.
mkdir -p "$SPOOL/etc"
for f in localtime services resolv.conf hosts nsswitch.conf host.conf; do
	[ -f /etc/$f ] && cp -pL /etc/$f "$SPOOL/etc/$f"
done
smtp-sink -u postfix -d "$T/sink/%M." "127.0.0.1:$SINK_PORT" 256 >"$T/sink.log" 2>&1 &
SINK_PID=$!
if ! postfix -c "$PF" start >"$T/pf-start.log" 2>&1; then
	nok "postfix start: $(cat "$T/pf-start.log") $(tail -5 "$PF/log/maillog" 2>/dev/null)"
	finish
	exit 1
fi
wait_for 200 sh -c "ss -ltnH 'sport = :$SMTP_PORT' | grep -q ."
ok "private Postfix on 127.0.0.1:$SMTP_PORT, queue and chroot $SPOOL"

# ---- csp-milter as the unit starts it ----------------------------------------------
unit_cmd() { sed -n "s/^$1=//p" "$UNIT" | head -1; }
PRE=$(unit_cmd ExecStartPre)
START=$(unit_cmd ExecStart)
RUSER=$(unit_cmd User)
RGROUP=$(unit_cmd Group)
UMASK=$(unit_cmd UMask)
: >"$T/milter.log"
if [ -d /run/systemd/system ]; then
	# Under systemd: the unit itself.
	systemctl restart csp-milter.service
	MPID=$(systemctl show -p MainPID --value csp-milter.service)
	[ "$MPID" = 0 ] && MPID=
	VIA=systemctl
else
	# No systemd here: what it would do.  RuntimeDirectory=, then the
	# commands as User=/Group= with the user's groups and UMask=.
	install -d -o "$RUSER" -g "$RGROUP" -m 0750 /run/csp-milter
	setpriv --reuid="$RUSER" --regid="$RGROUP" --init-groups sh -c "umask $UMASK; exec $PRE" \
	    >>"$T/milter.log" 2>&1
	check "the unit's ExecStartPre passes ($PRE)" [ $? = 0 ]
	setpriv --reuid="$RUSER" --regid="$RGROUP" --init-groups sh -c "umask $UMASK; exec $START" \
	    >>"$T/milter.log" 2>&1 &
	MPID=$!
	VIA="its commands as $RUSER"
fi
SOCK=$SPOOL/csp-milter/csp-milter.sock
if [ -n "$MPID" ] && wait_for 100 test -S "$SOCK"; then
	ok "csp-milter started ($VIA), pid $MPID"
else
	nok "csp-milter did not start: $(tail -5 "$T/milter.log")"
	finish
	exit 1
fi
sleep 0.3
check "it runs as csp-milter" [ "$(ps -o user= -p "$MPID")" = csp-milter ]
check "the socket is csp-milter:postfix, mode 0660" \
    [ "$(stat -c '%U:%G %a' "$SOCK")" = "csp-milter:postfix 660" ]

# ---- the policy cases --------------------------------------------------------------------
n=0
# send_mail TOKEN FROM TO SUBJECT BODY - one message through smtpd; 0 when queued
send_mail() {
	timeout 60 swaks --server 127.0.0.1 --port "$SMTP_PORT" --helo client.debian-e2e.test \
	    --from "$2" --to "$3" --header "Subject: $4" --header "X-Token: $1" --body "$5" \
	    --suppress-data >"$T/$1.swaks" 2>&1
	grep -Eq '^<[-~*]+ +250 .*queued as' "$T/$1.swaks"
}
qid_of() { sed -nE 's/^<[-~*]+ +250 .*queued as ([0-9A-Za-z]+).*/\1/p' "$T/$1.swaks" | tail -1; }
# delivered TOKEN - the sink file holding TOKEN, once it stops growing
delivered() { grep -l "X-Token: $1" "$T"/sink/* 2>/dev/null | head -1; }
wait_delivered() { wait_for 300 sh -c "grep -lq 'X-Token: $1' '$T'/sink/* 2>/dev/null"; sleep 0.3; }
rcpts_of() { sed -n 's/^X-Rcpt-Args: *\([^ ]*\).*/\1/p' "$(delivered "$1")" | tr '\n' ' ' | sed 's/ $//'; }
# next_token - a fresh token in $t (not in a subshell: the count must persist)
next_token() { n=$((n + 1)); t="deb$$-$n"; }
held() { postqueue -c "$PF" -j 2>/dev/null | grep "\"$1\"" | grep -q '"hold"'; }
ALICE=alice@contoso.example
PARTNER='<csp-desk@partner-a.example>'

next_token
if send_mail "$t" billing@vendor.example "$ALICE" "Your invoice" "Your invoice for March is ready." && wait_delivered "$t"; then
	check "an invoice to a CSP customer goes to the partner (got $(rcpts_of "$t"))" [ "$(rcpts_of "$t")" = "$PARTNER" ]
else
	nok "invoice: not delivered: $(tail -3 "$T/$t.swaks") $(grep -i milter "$PF/log/maillog" | tail -3)"
fi
next_token
if send_mail "$t" billing@vendor.example "$ALICE" "Service outage" "An outage affects the storage service." && wait_delivered "$t"; then
	check "an incident goes to the customer directly" [ "$(rcpts_of "$t")" = "<$ALICE>" ]
else
	nok "incident: not delivered: $(tail -3 "$T/$t.swaks")"
fi
next_token
if send_mail "$t" news@elsewhere.example "$ALICE" "Your invoice" "Your invoice for March is ready." && wait_delivered "$t"; then
	check "a non-vendor sender is untouched" [ "$(rcpts_of "$t")" = "<$ALICE>" ]
else
	nok "non-vendor: not delivered: $(tail -3 "$T/$t.swaks")"
fi
next_token
# From no-reply@: a content-free message from billing@ is read as billing (sender convention and model).
if send_mail "$t" no-reply@vendor.example "$ALICE" "Welcome to the community" "We are glad you joined us."; then
	q=$(qid_of "$t")
	wait_for 50 held "$q"
	check "other mail to a CSP customer is held (queue id $q)" held "$q"
	wait_for 50 grep -q "\"queue_id\":\"$q\"" /var/log/csp-milter/audit.jsonl
	release=$(csp-milter-audit --list --action quarantine /var/log/csp-milter/audit.jsonl 2>&1 | grep -o "postsuper -H $q")
	check "csp-milter-audit prints its release command (\"$release\")" [ "$release" = "postsuper -H $q" ]
	postsuper -c "$PF" -H "$q" >/dev/null 2>&1
	postqueue -c "$PF" -i "$q" >/dev/null 2>&1
	if wait_delivered "$t"; then
		check "released, it is delivered" [ "$(rcpts_of "$t")" = "<$ALICE>" ]
	else
		nok "released held mail was not delivered: $(postqueue -c "$PF" -j)"
	fi
else
	nok "other: not queued: $(tail -3 "$T/$t.swaks")"
fi
next_token
printf 'From: billing@vendor.example\nTo: %s\nSubject: Your invoice\nX-Token: %s\n\nYour invoice for March is ready.\n' \
    "$ALICE" "$t" | timeout 60 sendmail -C "$PF" -i -f billing@vendor.example -- "$ALICE"
# Postfix removes a sendmail(1) recipient only by its original spelling, which
# the milter never sees: billing mail submitted that way is held, not rerouted.
if wait_for 50 sh -c "postqueue -c '$PF' -j 2>/dev/null | grep -q '\"queue_name\": *\"hold\"'"; then
	check "sendmail(1) billing mail passes the milter in the chrooted cleanup and is held" \
	    sh -c "postqueue -c '$PF' -j | grep '\"queue_name\": *\"hold\"' | grep -q '$ALICE'"
	check "sendmail(1) billing mail does not reach the customer" sh -c "[ -z \"$(delivered "$t")\" ]"
else
	nok "sendmail(1): not held: $(postqueue -c "$PF" -j) $(grep -i milter "$PF/log/maillog" | tail -3)"
fi
[ "${DEB_E2E_DEBUG:-0}" = 1 ] && { tail -2 /var/log/csp-milter/audit.jsonl; cat "$(delivered "$t")"; }
check "every message has its audit record, written as csp-milter" \
    sh -c "[ \$(wc -l </var/log/csp-milter/audit.jsonl) -ge 5 ] && [ \$(stat -c %U /var/log/csp-milter/audit.jsonl) = csp-milter ]"
check "Postfix never failed to reach the milter" \
    sh -c "! grep -Ei 'milter.*(Permission denied|No such file|connect to Milter service)' '$PF/log/maillog'"

# ---- reload and stop as the unit does ----------------------------------------------------
RELOAD=$(unit_cmd ExecReload | sed "s/\\\$MAINPID/$MPID/")
sh -c "$RELOAD"
if [ "$VIA" = systemctl ]; then
	wait_for 50 sh -c "journalctl -u csp-milter -n 20 | grep -q 'reloaded (SIGUSR1)'"
	check "ExecReload reloads it" sh -c "journalctl -u csp-milter -n 20 | grep -q 'reloaded (SIGUSR1)'"
else
	wait_for 50 grep -q 'reloaded (SIGUSR1)' "$T/milter.log"
	check "ExecReload ($RELOAD) reloads it" grep -q 'reloaded (SIGUSR1)' "$T/milter.log"
fi
next_token
if send_mail "$t" billing@vendor.example "$ALICE" "Your invoice" "Your invoice for April is ready." && wait_delivered "$t"; then
	check "after the reload, mail is still rerouted" [ "$(rcpts_of "$t")" = "$PARTNER" ]
else
	nok "after reload: not delivered"
fi
t0=$(now_ms)
if [ "$VIA" = systemctl ]; then systemctl stop csp-milter.service; else kill -TERM "$MPID"; fi
wait_for 50 gone "$MPID"
t1=$(now_ms)
# A bound, not a benchmark: this suite runs beside others under "make -j check".
# The idle stop time (about 105 ms) is what test_lifecycle prints.
check "it stops within 5 s of SIGTERM (took $((t1 - t0)) ms)" [ $((t1 - t0)) -le 5000 ]
check "the socket is gone" [ ! -e "$SOCK" ]
MPID=

postfix -c "$PF" stop >/dev/null 2>&1
dpkg --purge csp-milter >"$T/purge.out" 2>&1
check "dpkg --purge removes it (rc $?)" sh -c "! dpkg -s csp-milter >/dev/null 2>&1"
check "purge removes /etc/csp-milter and /var/log/csp-milter" test ! -e /etc/csp-milter -a ! -e /var/log/csp-milter

finish
