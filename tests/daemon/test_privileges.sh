#!/bin/sh
# test_privileges - the daemon's privileges and exposure, checked on a live
# csp-milter started here with a private config and stopped afterwards:
#   - started as root with milter.user/group, it runs as that uid/gid with
#     no supplementary groups (every thread, from /proc/PID/task/*/status);
#   - the unix socket gets socket_mode, socket_owner and socket_group;
#   - a stale socket left by a dead milter is replaced; a regular file at
#     the socket path is not deleted (the milter refuses to start);
#   - an inet socket beyond loopback is refused (exit 1, naming
#     allow_remote) unless allow_remote = true, which starts with a warning;
#   - without -f it writes the pidfile with its pid and SIGTERM stops it
#     (process gone, pidfile removed).
# Needs root (exit 77 otherwise).  Ends with "N passed, M failed".

top_builddir=${top_builddir:-.}
BIN=$top_builddir/src/csp-milter
TUSER=csp-milter-test

if [ "$(id -u)" != 0 ]; then
	echo "test_privileges: needs root, skipped"
	exit 77
fi
if [ ! -x "$BIN" ]; then
	echo "test_privileges: $BIN not built"
	exit 99
fi

pass=0
fail=0
started=""
T=$(mktemp -d /tmp/csp-priv.XXXXXX) || exit 99
chmod 755 "$T"

# ok / nok - record one check
ok() { pass=$((pass + 1)); echo "ok: $*"; }
nok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {	# check DESCRIPTION CONDITION...
	d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}

# stop_pid - TERM one process we started, then KILL it if it lingers
stop_pid() {
	p=$1
	kill -TERM "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$p" 2>/dev/null
}

cleanup() {
	for p in $started; do stop_pid "$p"; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The unprivileged user: a dedicated system user, else nobody.
if ! getent passwd $TUSER >/dev/null; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin $TUSER 2>/dev/null || TUSER=nobody
fi
TUID=$(id -u $TUSER)
TGID=$(id -g $TUSER)
TGROUP=$(id -gn $TUSER)
echo "test user: $TUSER ($TUID:$TGID $TGROUP)"

# The run directory belongs to the user, as systemd's RuntimeDirectory would.
mkdir -p "$T/run"
chown "$TUID:$TGID" "$T/run"

# write_conf NAME SOCKET EXTRA - a config with the milter settings given
write_conf() {
	cat > "$T/$1.conf" <<EOF
milter = {
	socket = "$2";
	pidfile = "$T/run/csp-milter.pid";
	user = "$TUSER";
	group = "$TGROUP";
	$3
};
vendor = { domains = [ "vendor.example" ]; };
classes = { subscription = { rules = ( { id = "sub.invoice"; pattern = "\\\\binvoice\\\\b"; } ); }; };
EOF
}

# wait_for COND... - poll for up to 10 s
wait_for() {
	i=0
	while ! "$@"; do
		[ $i -ge 100 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

is_socket() { [ -S "$1" ]; }
is_file() { [ -s "$1" ]; }
# gone PID - the process has exited (a zombie child of ours counts)
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
# holds PID PATH - the process listens on the unix socket PATH
holds() { ss -xlpH 2>/dev/null | grep -F "$2 " | grep -q "pid=$1,"; }
listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

# start_fg NAME ARGS... - start in the foreground mode in the background; sets PID
start_fg() {
	n=$1; shift
	"$BIN" -f "$@" > "$T/$n.out" 2>&1 &
	PID=$!
	started="$started $PID"
}

# wait_rc PID - wait for a child we started (for at most 10 s); its status in rc
wait_rc() {
	wait_for gone "$1" || stop_pid "$1"
	wait "$1"
	rc=$?
}

# status_field PID FIELD - one line of /proc/PID/status, without the label
status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' ' | sed 's/ $//'
}

# ---- privileges and socket access ----------------------------------------
SOCK=$T/run/milter.sock
write_conf priv "unix:$SOCK" "socket_mode = \"0660\"; socket_owner = \"$TUSER\"; socket_group = \"$TGROUP\";"
start_fg priv -c "$T/priv.conf"
if wait_for is_socket "$SOCK"; then
	ok "milter started as root with user $TUSER (socket $SOCK)"
	sleep 0.3	# privileges drop right after the socket is set up
	check "Uid is $TUID (real, effective, saved, fs)" \
	    [ "$(status_field $PID Uid)" = "$TUID $TUID $TUID $TUID" ]
	check "Gid is $TGID (real, effective, saved, fs)" \
	    [ "$(status_field $PID Gid)" = "$TGID $TGID $TGID $TGID" ]
	check "no supplementary groups (Groups: \"$(status_field $PID Groups)\")" \
	    [ -z "$(status_field $PID Groups)" ]
	bad=0
	for s in /proc/$PID/task/*/status; do
		u=$(sed -n 's/^Uid:[[:space:]]*//p' "$s" | tr -s ' \t' ' ' | sed 's/ $//')
		g=$(sed -n 's/^Groups:[[:space:]]*//p' "$s" | tr -d ' \t')
		[ "$u" = "$TUID $TUID $TUID $TUID" ] && [ -z "$g" ] || bad=1
	done
	check "every thread has dropped privileges" [ $bad = 0 ]
	check "socket mode is 660 (got $(stat -c %a "$SOCK"))" [ "$(stat -c %a "$SOCK")" = 660 ]
	check "socket owner is $TUSER:$TGROUP (got $(stat -c %U:%G "$SOCK"))" \
	    [ "$(stat -c %U:%G "$SOCK")" = "$TUSER:$TGROUP" ]
	check "no pidfile in foreground mode" [ ! -e "$T/run/csp-milter.pid" ]
	kill -TERM $PID
	wait_rc $PID
	check "SIGTERM stops the foreground milter with exit 0 (got $rc)" [ "$rc" = 0 ]
else
	nok "milter did not create $SOCK: $(cat "$T/priv.out")"
fi

# A second mode, without owner or group: the socket stays root's.
SOCK2=$T/run/milter2.sock
write_conf mode "unix:$SOCK2" "socket_mode = \"0600\";"
start_fg mode -c "$T/mode.conf"
if wait_for is_socket "$SOCK2"; then
	check "socket_mode 0600 gives 600 (got $(stat -c %a "$SOCK2"))" [ "$(stat -c %a "$SOCK2")" = 600 ]
	check "socket without socket_owner stays root:root" [ "$(stat -c %U:%G "$SOCK2")" = root:root ]
else
	nok "milter did not create $SOCK2: $(cat "$T/mode.out")"
fi
stop_pid $PID

# ---- stale socket ----------------------------------------------------------
SOCK3=$T/run/stale.sock
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK3"
check "a stale socket is left behind by a dead listener" is_socket "$SOCK3"
write_conf stale "unix:$SOCK3" ""
start_fg stale -c "$T/stale.conf"
if wait_for holds $PID "$SOCK3"; then
	ok "the stale socket was replaced and the milter listens on it"
	check "the milter accepts connections on it" python3 -c \
	    'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$SOCK3"
else
	nok "stale socket not replaced: $(cat "$T/stale.out")"
fi
stop_pid $PID

FILE=$T/run/regular.sock
echo "not a socket" > "$FILE"
write_conf regular "unix:$FILE" ""
start_fg regular -c "$T/regular.conf"
wait_rc $PID
check "a regular file at the socket path: refused with exit 1 (got $rc)" [ "$rc" = 1 ]
check "a regular file at the socket path is not deleted" grep -q "not a socket" "$FILE"

# ---- exposure: inet sockets ------------------------------------------------
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_conf inet "unix:$T/run/unused.sock" ""
for spec in "inet:$PORT@0.0.0.0" "inet:$PORT" "inet6:$PORT@::"; do
	start_fg refuse -c "$T/inet.conf" -p "$spec"
	wait_rc $PID
	check "-p $spec refused with exit 1 (got $rc)" [ "$rc" = 1 ]
	check "-p $spec: the message names allow_remote" grep -q allow_remote "$T/refuse.out"
	check "-p $spec: nothing listens on $PORT" sh -c "! ss -ltnH 'sport = :$PORT' | grep -q ."
done

start_fg loop -c "$T/inet.conf" -p "inet:$PORT@127.0.0.1"
check "-p inet:$PORT@127.0.0.1 starts without allow_remote" wait_for listening "$PORT"
stop_pid $PID
wait_for sh -c "! ss -ltnH 'sport = :$PORT' | grep -q ." >/dev/null

write_conf remote "unix:$T/run/unused.sock" "allow_remote = true;"
start_fg remote -c "$T/remote.conf" -p "inet:$PORT@0.0.0.0"
check "-p inet:$PORT@0.0.0.0 with allow_remote = true starts" wait_for listening "$PORT"
check "with allow_remote it warns (\"$(grep -m1 'beyond loopback' "$T/remote.out")\")" \
    grep -q "allow_remote is set" "$T/remote.out"
stop_pid $PID

# ---- daemon mode: pidfile and SIGTERM --------------------------------------
SOCK4=$T/run/daemon.sock
PIDFILE=$T/run/csp-milter.pid
write_conf daemon "unix:$SOCK4" ""
"$BIN" -c "$T/daemon.conf" > "$T/daemon.out" 2>&1
rc=$?
check "daemon mode: the starting process exits 0 (got $rc)" [ $rc = 0 ]
if wait_for is_file "$PIDFILE" && wait_for is_socket "$SOCK4"; then
	DPID=$(cat "$PIDFILE")
	started="$started $DPID"
	check "pidfile holds a live pid ($DPID)" kill -0 "$DPID"
	check "pidfile pid is csp-milter" grep -q csp-milter "/proc/$DPID/cmdline"
	check "pidfile pid is the one holding the socket" holds "$DPID" "$SOCK4"
	check "the daemon runs as $TUSER" [ "$(status_field $DPID Uid)" = "$TUID $TUID $TUID $TUID" ]
	check "the daemon has no controlling terminal" [ "$(ps -o tty= -p "$DPID" | tr -d ' ')" = "?" ]
	kill -TERM "$DPID"
	check "SIGTERM stops the daemon (process gone)" wait_for gone "$DPID"
	check "the pidfile is removed on exit" wait_for sh -c "[ ! -e '$PIDFILE' ]"
else
	nok "daemon mode: no pidfile or socket: $(cat "$T/daemon.out")"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
