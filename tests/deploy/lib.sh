# lib.sh - shared helpers of the deployment suites (tests/deploy, tests/sendmail).
# Sourced; each suite sets SUITE before sourcing.  Checks print "ok: ..." or
# "FAIL: ..." and the suite ends with "N passed, M failed".

pass=0
fail=0

# ok / nok / check - record one check
ok() { pass=$((pass + 1)); echo "ok: $*"; }
nok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {	# check DESCRIPTION COMMAND...
	_ck_what=$1; shift
	if "$@"; then ok "$_ck_what"; else nok "$_ck_what"; fi
}

# need_or_fail WHAT CONDITION... - a prerequisite: without it the suite fails
# under tests/run-all.sh (CSP_TEST_STRICT=1) and is skipped (77) otherwise.
need_or_fail() {
	_nf_what=$1; shift
	"$@" && return 0
	if [ "${CSP_TEST_STRICT:-0}" = 1 ]; then
		echo "FAIL: $SUITE needs $_nf_what (contrib/install-deps.sh)"
		exit 1
	fi
	echo "$SUITE: needs $_nf_what, skipped"
	exit 77
}

have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }

# wait_for TENTHS COMMAND... - poll every 0.1 s, at most TENTHS times
wait_for() {
	_wf_max=$1; shift
	_wf_i=0
	while ! "$@"; do
		[ "$_wf_i" -ge "$_wf_max" ] && return 1
		sleep 0.1
		_wf_i=$((_wf_i + 1))
	done
	return 0
}

# gone PID - the process has exited (a zombie counts: init reaps daemons late)
gone() {
	! kill -0 "$1" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# stop_pid PID - TERM a process we started, KILL it if it lingers
stop_pid() {
	kill -TERM "$1" 2>/dev/null
	wait_for 100 gone "$1" || kill -KILL "$1" 2>/dev/null
}

# now_ms - milliseconds, for the timing of a stop
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# no_sanitizer_report FILE... - the milter's output holds no ASan, LSan or UBSan report
no_sanitizer_report() {
	! cat "$@" 2>/dev/null | grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:'
}

# finish - the summary line and the exit status
finish() {
	echo "$SUITE: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}
