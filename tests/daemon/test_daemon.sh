#!/bin/sh
# test_daemon - the daemon mode (no -f) through reloads and a stop, the way
# an init script runs it:
#   - started with a relative -c from the config's directory, it detaches,
#     writes its pid to milter.pidfile, and keeps reloading that config after
#     daemon() changed to / (SIGUSR1 twice: the first frees the start-up
#     config, which the stop then still needs: the crash of issue 15);
#   - without /dev/log its log lines still reach the stderr it was started
#     with (not /dev/null);
#   - a second milter with the same pidfile is refused (the file is locked);
#     a pidfile that is a symlink is refused and its target left alone;
#   - SIGTERM stops it: process gone, pidfile and socket removed, "stopped"
#     logged, and under valgrind (when installed) no memory error.
# Needs root for nothing but kill and /proc; runs as any user.  Ends with
# "N passed, M failed".

top_builddir=${top_builddir:-.}
BIN=$(cd "$(dirname "$top_builddir/src/csp-milter")" && pwd)/csp-milter

if [ ! -x "$BIN" ]; then
	echo "test_daemon: $BIN not built"
	exit 99
fi

pass=0
fail=0
started=""
T=$(mktemp -d /tmp/csp-daemon.XXXXXX) || exit 99

ok() { pass=$((pass + 1)); echo "ok: $*"; }
nok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {	# check DESCRIPTION CONDITION...
	d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}

# wait_for SECONDS COND... - poll
wait_for() {
	n=$(($1 * 10)); shift
	i=0
	while ! "$@"; do
		[ $i -ge $n ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }
is_file() { [ -s "$1" ]; }
logged() { [ "$(grep -c "$1" "$T/stderr.log")" -ge "$2" ]; }

cleanup() {
	for p in $started; do
		kill -TERM "$p" 2>/dev/null
		wait_for 10 gone "$p" || kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# write_conf NAME PIDFILE SOCKET - a config beside customers.csv
write_conf() {
	cat > "$T/$1" <<EOF
milter = { socket = "unix:$3"; pidfile = "$2"; };
vendor = { domains = [ "vendor.example" ]; };
classes = { subscription = { rules = ( { id = "sub.invoice"; pattern = "\\\\binvoice\\\\b"; } ); }; };
directory = { customers_file = "customers.csv"; max_shrink = 100; };
audit_file = "$T/audit.log";
EOF
}

cat > "$T/customers.csv" <<EOF
contoso.example,cust-contoso,csp@partner.example,yes,no
fabrikam.example,cust-fabrikam,csp@partner.example,yes,no
EOF
write_conf csp.conf "$T/milter.pid" "$T/milter.sock"

VG=""
SANITIZED=""
if nm "$BIN" 2>/dev/null | grep -q __asan_init; then
	SANITIZED=1	# ASan cannot run under valgrind: its own reports are checked instead
	echo "note: sanitizer build: ASan/LSan check memory here, valgrind in the normal build"
elif command -v valgrind >/dev/null 2>&1 && [ -z "$CSP_NO_VALGRIND" ]; then
	VG="valgrind -q --log-file=$T/vg.%p --error-exitcode=70"
fi
[ -e /dev/log ] && echo "note: /dev/log exists, log lines go to syslog; the stderr checks need it absent"

# ---- start in daemon mode with a relative -c ------------------------------
(cd "$T" && $VG "$BIN" -c csp.conf 2>"$T/stderr.log")
rc=$?
check "the starting process exits 0 after detaching (rc $rc)" [ "$rc" = 0 ]
if wait_for 30 is_file "$T/milter.pid"; then
	PID=$(cat "$T/milter.pid")
	started="$PID"
	ok "pidfile written: $PID"
else
	nok "no pidfile; stderr: $(cat "$T/stderr.log")"
	echo "$pass passed, $fail failed"
	exit 1
fi
check "the daemon runs" alive "$PID"
check "its working directory is /" [ "$(readlink /proc/$PID/cwd)" = / ]
check "the socket exists" wait_for 30 test -S "$T/milter.sock"
if [ ! -e /dev/log ]; then
	check "without /dev/log, lines after daemon() reach the stderr it started with" \
	    wait_for 30 logged "listening on" 1
fi

# ---- reloads through the relative path ------------------------------------
echo "northwind.example,cust-northwind,csp@partner.example,yes,no" >> "$T/customers.csv"
kill -USR1 "$PID"
if [ ! -e /dev/log ]; then
	check "first SIGUSR1 reloads the relative config (3 customers)" \
	    wait_for 30 logged "reloaded (SIGUSR1).* 3 customers" 1
fi
echo "tailspin.example,cust-tailspin,csp@partner.example,yes,no" >> "$T/customers.csv"
kill -USR1 "$PID"
if [ ! -e /dev/log ]; then
	check "second SIGUSR1 reloads again (4 customers)" \
	    wait_for 30 logged "reloaded (SIGUSR1).* 4 customers" 1
	check "no refused reload" [ "$(grep -c refused "$T/stderr.log")" = 0 ]
fi
check "alive after two reloads" alive "$PID"

# ---- a second milter, the same pidfile ------------------------------------
write_conf second.conf "$T/milter.pid" "$T/second.sock"
"$BIN" -c "$T/second.conf" 2>"$T/second.err"
rc=$?
check "a second milter with the same pidfile exits 1 (rc $rc)" [ "$rc" = 1 ]
check "it says the pidfile is locked" grep -q "locked" "$T/second.err"
check "the pidfile still names the first milter" [ "$(cat "$T/milter.pid")" = "$PID" ]

# ---- a symlink as pidfile ---------------------------------------------------
ln -s "$T/target" "$T/link.pid"
write_conf link.conf "$T/link.pid" "$T/link.sock"
"$BIN" -c "$T/link.conf" 2>"$T/link.err"
rc=$?
check "a symlinked pidfile is refused (rc $rc)" [ "$rc" = 1 ]
check "its target is not created" [ ! -e "$T/target" ]

# ---- stop --------------------------------------------------------------------
kill -TERM "$PID"
if wait_for 60 gone "$PID"; then
	ok "SIGTERM stops it"
	started=""
else
	nok "still running 60 s after SIGTERM"
fi
check "pidfile removed" [ ! -e "$T/milter.pid" ]
check "socket removed" [ ! -e "$T/milter.sock" ]
if [ ! -e /dev/log ]; then
	check "\"stopped\" logged" logged "stopped" 1
fi
if [ -n "$SANITIZED" ]; then
	san=$(grep -h -A3 "Sanitizer\|runtime error" "$T"/stderr*.log 2>/dev/null | head -5)
	if [ -z "$san" ]; then
		ok "sanitizers: no report through start, two reloads and stop"
	else
		nok "sanitizers: $san"
	fi
fi
if [ -n "$VG" ]; then
	vg=$(cat "$T"/vg.* 2>/dev/null)
	if [ -z "$vg" ]; then
		ok "valgrind: no memory error through start, two reloads and stop"
	else
		nok "valgrind: $vg"
	fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
