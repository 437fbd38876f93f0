#!/bin/sh
# test_lifecycle - what a start needs, a clean stop, and reload with rotation,
# on a live csp-milter with private configs:
#   - "csp-milter -n" fails, naming FILE:LINE, where a start would fail: a
#     user, group or socket group that does not exist, a malformed socket
#     spec, a socket or audit directory that is not there, an audit
#     directory the run-time user cannot write, a customers file it cannot
#     read, a file in the socket's place; and passes when all is in place;
#   - SIGTERM, SIGHUP and SIGINT stop an idle milter (a 5 s bound; it prints the time, about 0.1 s), in the
#     foreground and as a daemon, run as root or dropped to a user, also
#     after a reload; the unix socket and the pidfile are gone afterwards;
#   - SIGUSR1 reopens the audit file after rotation, also when the new
#     config is refused, so records go to the new file.
# Needs root (it creates a user and drops to it).  Ends with "N passed, M failed".

SUITE=test_lifecycle
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/deploy/lib.sh"
BIN=$top_builddir/src/csp-milter
LOAD=$top_builddir/tests/bench/milter-load
TUSER=csp-milter-test

need_or_fail root is_root
need_or_fail "$BIN (make)" [ -x "$BIN" ]
need_or_fail "$LOAD (make check builds it)" [ -x "$LOAD" ]
need_or_fail "useradd (passwd)" have useradd

T=$(mktemp -d /tmp/csp-life.XXXXXX) || exit 1
chmod 755 "$T"
started=""
cleanup() {
	for p in $started; do stop_pid "$p"; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if ! getent passwd $TUSER >/dev/null; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin $TUSER || exit 1
fi
TGROUP=$(id -gn $TUSER)

mkdir -p "$T/run" "$T/log" "$T/etc"
chown "$TUSER:$TGROUP" "$T/run" "$T/log"
chmod 750 "$T/run" "$T/log"
printf 'recipient,customer_id,partner,csp,direct\ncontoso.example,cust-contoso,csp-desk@partner-a.example,yes,no\n' >"$T/etc/customers.csv"
chmod 644 "$T/etc/customers.csv"

# write_conf NAME [SED-EXPRESSION...] - a config, edited by the expressions
write_conf() {
	n=$1; shift
	cat >"$T/etc/$n.conf.in" <<EOF
milter = {
	socket = "unix:$T/run/milter.sock";
	pidfile = "$T/run/milter.pid";
	user = "$TUSER";
	group = "$TGROUP";
	socket_group = "$TGROUP";
};
vendor = { domains = [ "vendor.example" ]; };
classes = { subscription = { rules = ( { id = "sub.invoice"; pattern = "\\\\binvoice\\\\b"; } ); }; };
directory = { customers_file = "customers.csv"; };
audit_file = "$T/log/audit.jsonl";
EOF
	if [ $# -gt 0 ]; then
		sed "$@" "$T/etc/$n.conf.in" >"$T/etc/$n.conf"
	else
		cp "$T/etc/$n.conf.in" "$T/etc/$n.conf"
	fi
	rm -f "$T/etc/$n.conf.in"
}

# ---- -n: what the start needs ----------------------------------------------
# preflight NAME WANT [SED...] - "-n" fails with a message holding WANT, or passes when WANT is "ok"
preflight() {
	name=$1 want=$2; shift 2
	write_conf pf "$@"
	"$BIN" -n -c "$T/etc/pf.conf" >"$T/pf.out" 2>&1
	rc=$?
	if [ "$want" = ok ]; then
		check "-n passes: $name" [ $rc = 0 ]
	elif [ $rc = 1 ] && grep -q -- "$want" "$T/pf.out"; then
		ok "-n refuses $name: $(head -1 "$T/pf.out")"
	else
		nok "-n with $name: rc $rc, want \"$want\": $(cat "$T/pf.out")"
	fi
}
L=$T/etc/pf.conf
preflight "everything in place" ok
preflight "a user that does not exist" "$L:4: user \"no-such-user\" does not exist" \
    -e 's/user = "[^"]*"/user = "no-such-user"/'
preflight "a group that does not exist" "$L:5: group \"no-such-group\" does not exist" \
    -e 's/	group = "[^"]*"/	group = "no-such-group"/'
preflight "a socket group that does not exist" "$L:6: group \"no-such-group\" does not exist" \
    -e 's/socket_group = "[^"]*"/socket_group = "no-such-group"/'
preflight "a malformed socket spec" "$L:2: socket \"tcp:25\" is none of" \
    -e 's|socket = "[^"]*"|socket = "tcp:25"|'
preflight "an inet socket with a bad port" "port \"99999\" is not a port" \
    -e 's|socket = "[^"]*"|socket = "inet:99999@127.0.0.1"|'
preflight "an inet socket on a host that does not resolve" "host \"no-such-host.invalid\"" \
    -e 's|socket = "[^"]*"|socket = "inet:8891@no-such-host.invalid"|'
preflight "a relative socket path" "must be absolute" \
    -e 's|socket = "[^"]*"|socket = "unix:run/milter.sock"|'
preflight "a socket directory that is not there" "$L:2: socket directory $T/nowhere: No such file" \
    -e "s|socket = \"[^\"]*\"|socket = \"unix:$T/nowhere/milter.sock\"|"
preflight "an inet socket on loopback" ok \
    -e 's|socket = "[^"]*"|socket = "inet:8891@127.0.0.1"|'
: >"$T/run/plain-file"
preflight "a regular file in the socket's place" "is not a socket" \
    -e "s|socket = \"[^\"]*\"|socket = \"unix:$T/run/plain-file\"|"
preflight "an audit directory that is not there" "$L:11: audit directory $T/nolog: No such file" \
    -e "s|audit_file = \"[^\"]*\"|audit_file = \"$T/nolog/audit.jsonl\"|"
mkdir -p "$T/rootlog"
chmod 755 "$T/rootlog"
preflight "an audit directory the user cannot write" \
    "$L:11: audit directory $T/rootlog is not writable by user $TUSER" \
    -e "s|audit_file = \"[^\"]*\"|audit_file = \"$T/rootlog/audit.jsonl\"|"
preflight "the same directory with no milter.user (root writes it)" ok \
    -e "s|audit_file = \"[^\"]*\"|audit_file = \"$T/rootlog/audit.jsonl\"|" \
    -e '/user = /d' -e '/	group = /d'
chmod 600 "$T/etc/customers.csv"
preflight "a customers file the user cannot read" \
    "$L:10: customers file $T/etc/customers.csv is not readable by user $TUSER"
chmod 644 "$T/etc/customers.csv"
chmod 700 "$T/etc"
preflight "a config directory the user cannot enter" "is not readable by user $TUSER"
chmod 755 "$T/etc"
write_conf pf
"$BIN" -n -c "$T/etc/pf.conf" -p "unix:$T/gone/x.sock" >"$T/pf.out" 2>&1
check "-n names -p for a socket given on the command line" grep -q "^csp-milter: -p: socket directory" "$T/pf.out"

# ---- stop: bounded (the time is printed), nothing left behind ------------
# answers SOCKET - the milter completes a milter handshake there
answers() { "$LOAD" -s "unix:$1" -c 1 -I 0 >/dev/null 2>&1; }
# stop_case NAME SIGNAL MODE CONF - start (MODE fg or daemon), stop with SIGNAL, time it
stop_case() {
	name=$1 sig=$2 mode=$3 conf=$4
	rm -f "$T/run/milter.sock" "$T/run/milter.pid"
	if [ "$mode" = fg ]; then
		"$BIN" -f -c "$conf" >"$T/stop.out" 2>&1 &
		pid=$!
		started="$started $pid"
	else
		"$BIN" -c "$conf" >"$T/stop.out" 2>&1
		wait_for 50 test -s "$T/run/milter.pid"
		pid=$(cat "$T/run/milter.pid" 2>/dev/null)
		[ -n "$pid" ] && started="$started $pid"
	fi
	if [ -z "$pid" ] || ! wait_for 100 answers "$T/run/milter.sock"; then
		nok "$name: the milter did not start: $(tail -3 "$T/stop.out")"
		return
	fi
	if [ -n "${RELOAD_FIRST:-}" ]; then
		# The start-up snapshot is gone after a reload; the exit still needs its paths.
		kill -USR1 "$pid"
		wait_for 50 grep -q "reloaded (SIGUSR1)" "$T/stop.out"
	fi
	sleep 0.3	# idle: the listener is back in its wait
	t0=$(now_ms)
	kill -"$sig" "$pid"
	wait_for 50 gone "$pid"
	t1=$(now_ms)
	[ "$mode" = fg ] && wait "$pid" 2>/dev/null
	check "$name: SIG$sig stops it within 5 s (took $((t1 - t0)) ms; idle, about 0.1 s)" [ $((t1 - t0)) -le 5000 ]
	check "$name: the socket file is removed" [ ! -e "$T/run/milter.sock" ]
	cat "$T/stop.out" >>"$T/all.out"
	[ "$mode" = daemon ] && check "$name: the pidfile is removed" [ ! -e "$T/run/milter.pid" ]
}
write_conf user
write_conf root -e '/user = /d' -e '/	group = /d' -e '/socket_group = /d'
stop_case "foreground, dropped to $TUSER" TERM fg "$T/etc/user.conf"
stop_case "daemon, dropped to $TUSER" TERM daemon "$T/etc/user.conf"
stop_case "foreground, as root" TERM fg "$T/etc/root.conf"
stop_case "daemon, as root" TERM daemon "$T/etc/root.conf"
stop_case "foreground, SIGHUP" HUP fg "$T/etc/user.conf"
stop_case "foreground, SIGINT" INT fg "$T/etc/user.conf"
RELOAD_FIRST=1 stop_case "foreground, as root, after a reload" TERM fg "$T/etc/root.conf"
RELOAD_FIRST=1 stop_case "daemon, dropped to $TUSER, after a reload" TERM daemon "$T/etc/user.conf"

# ---- SIGUSR1: the audit file is reopened, even when the config is refused ---
cat >"$T/msg.eml" <<'EOF'
From: Billing <billing@vendor.example>
To: admin@contoso.example
Subject: Your invoice

Your invoice for this month is attached.
EOF
write_conf rot
"$BIN" -f -c "$T/etc/rot.conf" >"$T/rot.out" 2>&1 &
pid=$!
started="$started $pid"
send() { "$LOAD" -s "unix:$T/run/milter.sock" -c 1 -n 1 -F billing@vendor.example \
    -R admin@contoso.example "$T/msg.eml" >/dev/null 2>&1; }
records() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
if wait_for 100 answers "$T/run/milter.sock" && send; then
	check "a message before rotation is recorded" [ "$(records "$T/log/audit.jsonl")" = 1 ]
	# logrotate: move the file aside, then SIGUSR1 (here with a broken config).
	mv "$T/log/audit.jsonl" "$T/log/audit.jsonl.1"
	echo 'mode = = "broken";' >>"$T/etc/rot.conf"
	kill -USR1 $pid
	wait_for 50 grep -q "reload (SIGUSR1) refused" "$T/rot.out"
	check "the broken config is refused" grep -q "reload (SIGUSR1) refused" "$T/rot.out"
	check "the audit file is created again at once" wait_for 30 test -f "$T/log/audit.jsonl"
	send
	check "the next record goes to the new file" [ "$(records "$T/log/audit.jsonl")" = 1 ]
	check "the rotated file gets nothing more" [ "$(records "$T/log/audit.jsonl.1")" = 1 ]
	check "the new file belongs to $TUSER" [ "$(stat -c %U "$T/log/audit.jsonl")" = "$TUSER" ]
else
	nok "rotation: the milter did not take a message: $(tail -3 "$T/rot.out")"
fi
stop_pid $pid
check "no sanitizer report from any milter run here" no_sanitizer_report "$T/all.out" "$T/rot.out"

finish
