#!/bin/bash
# run-bench - every figure a busy relay needs; run by "make bench".
#
#   top_srcdir=SRC top_builddir=BUILD bash SRC/tests/bench/run-bench.sh [--write-results]
#
# Each figure is the median of BENCH_RUNS runs (default 3) and is printed
# with the exact command that produced it.  --write-results also rewrites
# $top_srcdir/tests/bench/RESULTS.md.  Everything started here is stopped
# on exit and the temporary directory under /tmp is removed.  The Postfix
# rows need root and Postfix; the rspamd row needs rspamd (installed with
# apt-get, or unpacked beside it when its libhyperscan5 conflicts with
# libvectorscan5); a missing piece skips its rows only.

# The whole script is one compound command, read before it runs, so that
# editing the file while a run is in progress cannot derail that run.
{
set -u
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
SRC=$(cd "$top_srcdir" && pwd)
BLD=$(cd "$top_builddir" && pwd)
. "$SRC/tests/postfix_instance.sh"
RUNS=${BENCH_RUNS:-3}
SECTIONS=${BENCH_SECTIONS:-decoder classify examples milter customers idle postfix rspamd}
WRITE=0
[ "${1:-}" = "--write-results" ] && WRITE=1

LOAD=$BLD/tests/bench/milter-load
NULLM=$BLD/tests/bench/null-milter
MILTER=${BENCH_MILTER:-$BLD/src/csp-milter}
RCPTS=(-R '<admin@contoso.example>' -R '<it@fabrikam.example>')
CORPUS=$SRC/../shared/corpus/dev
[ -d "$CORPUS" ] || CORPUS=$SRC/tests/fixtures/heldout
CORPUS=$(cd "$CORPUS" && pwd)
PATH=$PATH:/usr/sbin:/usr/lib/postfix/sbin
RSPAMD_PKG=/tmp/csp-bench-rspamd-pkg	# unpacked rspamd, kept between runs

TMP=$(mktemp -d /tmp/csp-bench.XXXXXX) || exit 1
chmod 755 "$TMP"
PIDS=
PF=
RSPAMD_PID=
RESULTS=$TMP/results.tsv
: >"$RESULTS"

# cleanup - stop everything started here, remove the temp dir (EXIT trap)
cleanup() {
	local p

	trap - EXIT
	for p in $PIDS $RSPAMD_PID; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS $RSPAMD_PID; do
		wait "$p" 2>/dev/null
	done
	if [ -n "$PF" ] && [ -f "$PF/main.cf" ]; then
		postfix -c "$PF" stop >/dev/null 2>&1
		for p in $(seq 1 50); do
			postfix -c "$PF" status >/dev/null 2>&1 || break
			sleep 0.2
		done
	fi
	[ -n "${BENCH_KEEP:-}" ] && say "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# say - a progress line on stderr
say() {
	echo "# $*" >&2
}

# median - the median of the numbers on standard input
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# field KEY FILE - the value of KEY=value in FILE (first occurrence)
field() {
	sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" "$2" | head -n 1
}

# result FIGURE TARGET MEASURED COMMAND - print one figure and keep it for RESULTS.md
result() {
	printf '%-58s %-14s %s\n' "$1" "$3" "(target: $2)"
	printf '    command: %s\n' "$4"
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"
}

# free_port - a loopback TCP port nobody listens on
free_port() {
	local p i

	for i in $(seq 1 200); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		case " $USED_PORTS " in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			USED_PORTS="$USED_PORTS $p"
			echo "$p"
			return 0
		fi
	done
	return 1
}
USED_PORTS=

# wait_for SECONDS CONDITION - poll a shell condition every 0.2 s
wait_for() {
	local limit=$(($1 * 5)) i=0

	shift
	while ! eval "$@"; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.2
	done
}

# load_runs NAME SOCKET ARGS... - milter-load RUNS times; sets MPS P50 P99 (medians) and CMD
load_runs() {
	local name="$1" sock="$2" i

	shift 2
	CMD="milter-load -s $sock"
	for i in "$@"; do
		case $i in *[\<\>\ ]*) CMD="$CMD '$i'" ;; *) CMD="$CMD $i" ;; esac
	done
	CMD="$CMD $CORPUS"
	for i in $(seq 1 "$RUNS"); do
		"$LOAD" -s "$sock" "$@" "$CORPUS" >"$TMP/load.$name.$i" 2>"$TMP/load.$name.$i.err" ||
		    say "$name run $i: errors: $(head -c 300 "$TMP/load.$name.$i.err")"
	done
	MPS=$(for i in $(seq 1 "$RUNS"); do field msgs_per_s "$TMP/load.$name.$i"; done | median)
	P50=$(for i in $(seq 1 "$RUNS"); do field p50 "$TMP/load.$name.$i"; done | median)
	P99=$(for i in $(seq 1 "$RUNS"); do field p99 "$TMP/load.$name.$i"; done | median)
}

# write_milter_conf OUT CUSTOMERS - the shipped config with its paths in $TMP
# (it includes rules.conf from its own directory: a copy of the shipped one)
write_milter_conf() {
	sed -e "s|^\([[:space:]]*socket = \).*|\1\"unix:$TMP/unused.sock\";|" \
	    -e 's|^\([[:space:]]*pidfile = \).*|\1"";|' \
	    -e 's|^\([[:space:]]*socket_mode = \).*|\1"0666";|' \
	    -e '/socket_group = /d' -e '/^[[:space:]]*user = /d' -e '/^[[:space:]]*group = /d' \
	    -e "s|^audit_file = .*|audit_file = \"$1.audit.jsonl\";|" \
	    -e "s|^\([[:space:]]*customers_file = \).*|\1\"$2\";|" \
	    "$SRC/conf/csp-milter.conf" >"$1"
}

# start_milter NAME CONF SOCKET - csp-milter in the foreground; PID in MPID_<NAME>
start_milter() {
	"$MILTER" -f -c "$2" -p "$3" 2>"$TMP/$1.log" &
	eval "MPID_$1=$!"
	PIDS="$PIDS $!"
}

# want SECTION - is SECTION in BENCH_SECTIONS?
want() {
	case " $SECTIONS " in *" $1 "*) return 0 ;; esac
	return 1
}

# wait_prefilter NAME - until csp-milter logs "rule prefilter ... ready"
wait_prefilter() {
	wait_for 300 "grep -q 'rule prefilter for version .* ready' '$TMP/$1.log'" || {
		say "csp-milter $1 did not get its prefilter: $(tail -3 "$TMP/$1.log")"
		return 1
	}
}

TIMEFORMAT=%R
say "load: $(uptime)"
ulimit -n 8192 2>/dev/null || ulimit -n 4096

# --- decoder ---
want decoder && say "decoder" &&
for i in $(seq 1 "$RUNS"); do
	"$BLD/tests/bench/bench_decoder" "$CORPUS" >"$TMP/dec.$i" 2>&1
done
want decoder && {
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/.*dev corpus:.* \([0-9.]*\) MB\/s.*/\1/p' "$TMP/dec.$i"; done | median)
result "decoder MB/s, dev corpus" "-" "$m MB/s" "bench_decoder $CORPUS"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/.*50 MB message.*: \([0-9.]*\) MB\/s.*/\1/p' "$TMP/dec.$i"; done | median)
result "decoder MB/s, 50 MB message (40 MB base64)" "-" "$m MB/s" "bench_decoder $CORPUS"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/.*peak RSS: \([0-9]*\) KiB.*/\1/p' "$TMP/dec.$i"; done | median)
result "decoder peak RSS, 50 MB message" "< 8192 KiB" "$m KiB" "bench_decoder $CORPUS (fresh process)"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/.*peak RSS after the dev corpus too: \([0-9]*\) KiB.*/\1/p' "$TMP/dec.$i"; done | median)
result "decoder peak RSS, 50 MB message then the dev corpus" "-" "$m KiB" "bench_decoder $CORPUS"
}

# --- milters: start them now, their prefilters build while the classifier runs ---
cp "$SRC/conf/rules.conf" "$TMP/rules.conf"
cp "$SRC/conf/customers.csv" "$TMP/customers.csv"
cp "$SRC/conf/csp-milter.model" "$TMP/csp-milter.model"
python3 "$SRC/tests/bench/gen_customers.py" 1000000 "$SRC/conf/customers.csv" >"$TMP/customers-1m.csv"
write_milter_conf "$TMP/bench.conf" "$TMP/customers.csv"
write_milter_conf "$TMP/bench-1m.conf" "$TMP/customers-1m.csv"
PORT_CSP=$(free_port)
PORT_NULL=$(free_port)
SOCK_U="unix:$TMP/csp.sock"
SOCK_I="inet:$PORT_CSP@127.0.0.1"
SOCK_B="unix:$TMP/csp-1m.sock"
start_milter unix "$TMP/bench.conf" "$SOCK_U"
start_milter inet "$TMP/bench.conf" "$SOCK_I"

# --- classifier (builds its own prefilter first) ---
want classify && {
say "classifier"
for i in $(seq 1 "$RUNS"); do
	"$BLD/tests/bench/bench_classify" "$TMP/bench.conf" "$CORPUS" 2 >"$TMP/cls.$i" 2>&1
done
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^scan (decode+classify+policy):.* = \([0-9]*\) msgs\/s.*/\1/p' "$TMP/cls.$i"; done | median)
result "scan msgs/s (decode+classify+policy), 1 thread" "-" "$m msgs/s" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^classify with prefilter: \([0-9]*\) msgs\/s.*/\1/p' "$TMP/cls.$i"; done | median)
result "classify msgs/s with prefilter, 1 thread" "-" "$m msgs/s" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/.*without: \([0-9]*\) msgs\/s.*/\1/p' "$TMP/cls.$i"; done | median)
result "classify msgs/s without prefilter, 1 thread" "-" "$m msgs/s" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^classify with prefilter and the model: \([0-9.]*\) us.*/\1/p' "$TMP/cls.$i"; done | median)
result "classify with prefilter and the model, 1 thread" "< 50 us/msg" "$m us/msg" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^thread CPU time: classify with prefilter and the model: \([0-9.]*\) us.*/\1/p' "$TMP/cls.$i"; done | median)
result "classify with prefilter and the model, thread CPU time" "< 50 us/msg" "$m us/msg" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/.*model alone (features + scoring): \([0-9.]*\) us.*/\1/p' "$TMP/cls.$i"; done | median)
result "the model alone (features + scoring), 1 thread" "-" "$m us/msg" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/.*model RSS: \([0-9]*\) KiB.*/\1/p' "$TMP/cls.$i"; done | median)
result "RSS the model adds (loaded + one thread's scratch)" "< 20 MB" "$m KiB" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^prefilter build: \([0-9.]*\) s.*/\1/p' "$TMP/cls.$i"; done | median)
result "Vectorscan prefilter build (once per rule change)" "-" "$m s" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^scan, a connection per message, state made and freed each time: \([0-9.]*\) us.*/\1/p' "$TMP/cls.$i"; done | median)
result "scan, a connection per message, state made each time (before scan_pool)" "-" "$m us/msg" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^scan, a connection per message, state kept in a scan_pool: \([0-9.]*\) us.*/\1/p' "$TMP/cls.$i"; done | median)
result "scan, a connection per message, state from the scan_pool (the milter)" "-" "$m us/msg" "bench_classify bench.conf $CORPUS 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n "s/^one thread's scan state: [0-9]* KiB of heap after every message, \([0-9]*\) KiB idle.*/\1/p" "$TMP/cls.$i"; done | median)
result "one idle scan state kept in the pool" "-" "$m KiB" "bench_classify bench.conf $CORPUS 2"
}

# --- template memory: 100,000 examples synthesised from the corpus's fingerprints ---
want examples && {
say "template memory"
for i in $(seq 1 "$RUNS"); do
	"$BLD/tests/bench/bench_examples" "$TMP/bench.conf" "$SRC/corpus/mail" 100000 0.6 2 >"$TMP/ex.$i" 2>&1
done
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^fingerprint + lookup: \([0-9.]*\) us.*/\1/p' "$TMP/ex.$i"; done | median)
result "template memory: fingerprint + lookup, 100,000 examples, thread CPU" "< 30 us/msg" "$m us/msg" "bench_examples bench.conf corpus/mail 100000 0.6 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^lookup: \([0-9.]*\) us\/msg wall.*/\1/p' "$TMP/ex.$i"; done | median)
result "template memory: lookup alone, 100,000 examples, wall" "-" "$m us/msg" "bench_examples bench.conf corpus/mail 100000 0.6 2"
m=$(for i in $(seq 1 "$RUNS"); do sed -n 's/^index RSS: \([0-9]*\) KiB.*/\1/p' "$TMP/ex.$i"; done | median)
result "template memory: RSS of the loaded index, 100,000 examples" "< 50 MB with the process" "$m KiB" "bench_examples bench.conf corpus/mail 100000 0.6 2"
}

# --- the header path: 40,000 X-CSP-* headers cost one pass, not a rescan per header ---
want milter && {
"$BLD/tests/bench/bench_headers" "$TMP/bench.conf" >"$TMP/headers.out" 2>&1
m=$(sed -n 's/^40000 X-CSP-Decision headers: \([0-9.]*\) ms.*/\1/p' "$TMP/headers.out")
result "header path, 40,000 X-CSP-* headers (forged count + decoder)" "no quadratic cost" "$m ms" \
    "bench_headers bench.conf; $(tr '\n' ';' <"$TMP/headers.out")"
}

# start_null_milter - the do-nothing milter on unix and inet, once each run
start_null_milter() {
	"$NULLM" -p "unix:$TMP/null.sock" 2>"$TMP/null-unix.log" &
	PIDS="$PIDS $!"
	"$NULLM" -p "inet:$PORT_NULL@127.0.0.1" 2>"$TMP/null-inet.log" &
	PIDS="$PIDS $!"
	wait_for 30 "'$LOAD' -s 'unix:$TMP/null.sock' -c 1 -I 0 >/dev/null 2>&1" &&
	    wait_for 30 "'$LOAD' -s 'inet:$PORT_NULL@127.0.0.1' -c 1 -I 0 >/dev/null 2>&1" ||
	    say "null-milter did not start"
}

# --- milter-load: csp-milter and null-milter, unix and inet, concurrency 1/8/64 ---
# (csp-milter is measured only once its prefilter is ready)
wait_prefilter unix && wait_prefilter inet || exit 1
want milter && start_null_milter
declare -A CSP8
want milter && say "milter-load" &&
for m in csp null; do
	for s in unix inet; do
		case $m.$s in
		csp.unix) sock=$SOCK_U ;;
		csp.inet) sock=$SOCK_I ;;
		null.unix) sock="unix:$TMP/null.sock" ;;
		null.inet) sock="inet:$PORT_NULL@127.0.0.1" ;;
		esac
		for c in 1 8 64; do
			n=$((c == 1 ? 1000 : 3000))
			load_runs "$m.$s.$c" "$sock" -c "$c" -n "$n" -w 200 "${RCPTS[@]}"
			tgt="-"
			[ "$m.$c" = csp.8 ] && tgt=">= 5000 msgs/s, p99 <= 2 ms"
			[ "$m" = csp ] && [ "$c" = 8 ] && CSP8[$s]=$MPS
			result "$m-milter $s c=$c: msgs/s, p50/p99 ms" "$tgt" "$MPS msgs/s, $P50/$P99 ms" "$CMD"
		done
	done
done

# --- 1,000,000 customers: load time and per-message cost ---
want customers && {
say "1M customers"
for i in $(seq 1 "$RUNS"); do
	{ time "$MILTER" -n -c "$TMP/bench-1m.conf" >/dev/null 2>&1; } 2>>"$TMP/load1m.times"
done
m=$(median <"$TMP/load1m.times")
result "1M-row customers file: config load" "<= 2 s" "$m s" "csp-milter -n -c bench-1m.conf"
start_milter big "$TMP/bench-1m.conf" "$SOCK_B"
if wait_prefilter big; then
	load_runs csp.1m.8 "$SOCK_B" -c 8 -n 3000 -w 200 "${RCPTS[@]}"
	big=$MPS
	load_runs csp.10.8 "$SOCK_U" -c 8 -n 3000 -w 200 "${RCPTS[@]}"
	result "csp-milter unix c=8, 10-row vs 1M-row customers" "no measurable cost" \
	    "$MPS vs $big msgs/s" "$CMD (against each)"
	rss=$(awk '/VmRSS/ { print $2 }' "/proc/$MPID_big/status")
	result "csp-milter RSS with 1M customers" "-" "$((rss / 1024)) MB" "VmRSS of csp-milter -c bench-1m.conf"
	kill "$MPID_big"
	wait "$MPID_big" 2>/dev/null
fi
}

# --- RSS with 1,000 idle connections ---
want idle && {
say "idle connections"
hwm0=$(awk '/VmHWM/ { print $2 }' "/proc/$MPID_unix/status")
"$LOAD" -s "$SOCK_U" -c 1000 -I 6 >"$TMP/idle.out" 2>&1 &
idle=$!
sleep 4
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$MPID_unix/status")
thr=$(awk '/Threads/ { print $2 }' "/proc/$MPID_unix/status")
wait "$idle"
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$MPID_unix/status")
result "csp-milter RSS, 1000 idle connections" "<= 100 MB" \
    "RSS $((rss / 1024)) MB ($thr threads), VmHWM $((hwm / 1024)) MB (before: $((hwm0 / 1024)) MB)" \
    "milter-load -s $SOCK_U -c 1000 -I 6; $(tail -1 "$TMP/idle.out")"
}

# --- Postfix end to end ---
if ! want postfix; then
	:
elif [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null || ! command -v smtp-source >/dev/null; then
	echo "Postfix end-to-end rows skipped: need root, postfix and smtp-source"
	[ "$WRITE" = 1 ] || exit 0
else
	say "Postfix"
	PF=$TMP/pf
	mkdir -p "$PF/log" "$PF/data" "$PF/queue"
	chown postfix: "$PF/data"
	SMTP_PORT=$(free_port)
	SINK_PORT=$(free_port)
	PORT_RSPAMD=$(free_port)
	postfix_instance_conf "$PF" "$SMTP_PORT" "$SINK_PORT" bench
	cat >>"$PF/main.cf" <<EOF
milter_protocol = 6
milter_default_action = tempfail
smtpd_milters =
EOF
	smtp-sink -u postfix "127.0.0.1:$SINK_PORT" 256 >"$TMP/sink.log" 2>&1 &
	PIDS="$PIDS $!"
	postfix -c "$PF" start >"$TMP/postfix-start.log" 2>&1 ||
	    say "postfix start failed: $(cat "$TMP/postfix-start.log") $(tail -3 "$PF/log/maillog")"
	wait_for 20 "(exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null" || say "Postfix does not listen"
	SRCCMD="smtp-source -s 16 -m 2000 -l 10240 -f noreply@vendor.example -t admin@contoso.example -S 'Your invoice is ready' 127.0.0.1:$SMTP_PORT"

	# pf_runs NAME MILTERS - RUNS timed smtp-source runs; sets PFMPS (median msgs/s)
	pf_runs() {
		local name="$1" i

		for i in $(seq 1 "$RUNS"); do
			pf_round "$name" "$2" "$i" noreply@vendor.example
		done
		PFMPS=$(median <"$TMP/pf.$name")
	}

	# pf_round NAME MILTERS ROUND SENDER - one timed run of 2000 10 KB messages in 16 sessions
	pf_round() {
		local name="$1" i="$3" t

		postconf -c "$PF" -e "smtpd_milters = $2"
		postfix -c "$PF" reload >/dev/null 2>&1
		sleep 2
		t=$( { time smtp-source -s 16 -m 2000 -l 10240 -f "$4" \
		    -t admin@contoso.example -S 'Your invoice is ready' \
		    "127.0.0.1:$SMTP_PORT" >"$TMP/src.$name.$i" 2>&1; } 2>&1)
		echo "$t" | awk '{ printf "%.1f\n", 2000 / $1 }' >>"$TMP/pf.$name"
		[ -s "$TMP/src.$name.$i" ] && say "$name: $(head -c 300 "$TMP/src.$name.$i")"
		# Let the queue drain (not timed); quarantined mail is dropped.
		wait_for 120 "! postqueue -c '$PF' -j 2>/dev/null | grep -v '\"queue_name\": *\"hold\"' | grep -q queue_name" ||
		    say "$name: queue did not drain"
		postsuper -c "$PF" -d ALL hold >/dev/null 2>&1
	}

	# The do-nothing milter beside csp-milter, when the milter-load section did not start it.
	want milter || start_null_milter
	chmod 666 "$TMP/null.sock"	# smtpd runs as postfix
	# Alternating rounds, so that a machine whose speed drifts (bare Postfix varies twofold
	# between rounds) weighs on every setup alike; ratios are of medians from this run only.
	declare -A PFSOCK=( [none]="" [csp-unix]="$SOCK_U" [csp-inet]="inet:127.0.0.1:$PORT_CSP"
	    [null-unix]="unix:$TMP/null.sock" [null-inet]="inet:127.0.0.1:$PORT_NULL"
	    [csp-unix-nonvendor]="$SOCK_U" [csp-inet-nonvendor]="inet:127.0.0.1:$PORT_CSP" )
	PFORDER="none csp-unix null-unix csp-inet null-inet csp-unix-nonvendor csp-inet-nonvendor"
	for i in $(seq 1 "$RUNS"); do
		for name in $PFORDER; do
			case $name in
			*nonvendor) from=news@elsewhere.example ;;
			*) from=noreply@vendor.example ;;
			esac
			pf_round "$name" "${PFSOCK[$name]}" "$i" "$from"
		done
	done
	base=$(median <"$TMP/pf.none")
	result "Postfix without a milter" "-" "$base msgs/s" "$SRCCMD (rounds alternate with the rows below)"
	for name in csp-unix csp-inet null-unix null-inet csp-unix-nonvendor csp-inet-nonvendor; do
		PFMPS=$(median <"$TMP/pf.$name")
		ratio=$(awk -v a="$PFMPS" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
		case $name in
		csp-unix) tgt=">= 0.85x"; PF_unix=$PFMPS ;;
		csp-inet) tgt=">= 0.80x"; PF_inet=$PFMPS ;;
		*nonvendor) tgt=">= 0.92x" ;;
		*) tgt="-" ;;
		esac
		case $name in
		*nonvendor) what="Postfix with csp-milter (${name#csp-}), mail from news@elsewhere.example"
			cmd="${SRCCMD/noreply@vendor.example/news@elsewhere.example}" ;;
		csp-*) what="Postfix with csp-milter (${name#csp-})"; cmd=$SRCCMD ;;
		null-*) what="Postfix with the do-nothing libmilter milter (${name#null-})"; cmd=$SRCCMD ;;
		esac
		result "$what" "$tgt" "$PFMPS msgs/s = ${ratio}x" "$cmd, smtpd_milters = ${PFSOCK[$name]}"
	done

	# One connection: a Nagle / delayed-ACK stall would show as about 40 ms a message.
	for s in csp-unix csp-inet csp-inet-nonvendor null-inet; do
		case $s in
		*nonvendor) from=news@elsewhere.example ;;
		*) from=noreply@vendor.example ;;
		esac
		postconf -c "$PF" -e "smtpd_milters = ${PFSOCK[$s]}"
		postfix -c "$PF" reload >/dev/null 2>&1
		sleep 2
		for i in $(seq 1 "$RUNS"); do
			{ time smtp-source -s 1 -m 100 -l 10240 -f "$from" \
			    -t admin@contoso.example -S 'Your invoice is ready' \
			    "127.0.0.1:$SMTP_PORT" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.1f\n", $1 * 10 }'
		done >"$TMP/pf1.$s"
		tgt="-"
		[ "$s" = csp-inet ] && tgt="<= 10 ms"
		result "Postfix one connection, ${s%%-*}-milter (${s#*-}): ms/message" "$tgt" \
		    "$(median <"$TMP/pf1.$s") ms" "smtp-source -s 1 -m 100 -l 10240 -f $from ..., smtpd_milters = ${PFSOCK[$s]}"
		wait_for 60 "! postqueue -c '$PF' -j 2>/dev/null | grep -v '\"queue_name\": *\"hold\"' | grep -q queue_name"
		postsuper -c "$PF" -d ALL hold >/dev/null 2>&1
	done

	# --- rspamd with the same rules ---
	want rspamd && {
	RSPAMD=$(command -v rspamd)
	RSPAMD_ENV=
	if [ -z "$RSPAMD" ]; then
		say "rspamd: apt-get install -y rspamd"
		DEBIAN_FRONTEND=noninteractive apt-get install -y rspamd >"$TMP/apt.log" 2>&1
		RSPAMD=$(command -v rspamd)
	fi
	if [ -z "$RSPAMD" ]; then
		# Debian's rspamd needs libhyperscan5, which conflicts with the
		# libvectorscan5 csp-milter builds against: unpack it instead.
		say "rspamd not installable ($(grep -m1 'Conflicts\|^E:' "$TMP/apt.log")); unpacking it in $RSPAMD_PKG"
		if [ ! -x "$RSPAMD_PKG/root/usr/bin/rspamd" ]; then
			mkdir -p "$RSPAMD_PKG/debs"
			(cd "$RSPAMD_PKG/debs" && apt-get download rspamd libhyperscan5 \
			    libluajit2-5.1-2 libluajit2-5.1-common >/dev/null 2>&1)
			for d in "$RSPAMD_PKG"/debs/*.deb; do
				dpkg -x "$d" "$RSPAMD_PKG/root"
			done
		fi
		RSPAMD=$RSPAMD_PKG/root/usr/bin/rspamd
		RSPAMD_ENV="LD_LIBRARY_PATH=$RSPAMD_PKG/root/usr/lib/x86_64-linux-gnu:$RSPAMD_PKG/root/usr/lib/rspamd"
	fi
	R=$(dirname "$(dirname "$RSPAMD")")
	[ "$R" = / ] && R=
	RS=$TMP/rspamd
	mkdir -p "$RS/hs_cache"
	if [ -x "$RSPAMD" ]; then
		python3 "$SRC/tests/bench/rspamd/gen_rules.py" "$SRC/conf/rules.conf" >"$RS/csp_rules.lua"
		sed -e "s|@TMP@|$RS|g" -e "s|@PORT@|$PORT_RSPAMD|" -e "s|@SHAREDIR@|$R/share/rspamd|" \
		    -e "s|@RULES_LUA@|$RS/csp_rules.lua|" -e "s|@COUNT@|2|" \
		    "$SRC/tests/bench/rspamd/rspamd.conf.in" >"$RS/rspamd.conf"
		V="--var=CONFDIR=${R%/usr}/etc/rspamd --var=LOCAL_CONFDIR=$RS --var=RULESDIR=$R/share/rspamd/rules"
		V="$V --var=LUALIBDIR=$R/share/rspamd/lualib --var=PLUGINSDIR=$R/share/rspamd/plugins"
		V="$V --var=SHAREDIR=$R/share/rspamd --var=WWWDIR=$R/share/rspamd/www --var=DBDIR=$RS --var=RUNDIR=$RS --var=LOGDIR=$RS"
		# shellcheck disable=SC2086
		env $RSPAMD_ENV "$RSPAMD" -f -i -c "$RS/rspamd.conf" $V >"$RS/stderr" 2>&1 &
		RSPAMD_PID=$!
	fi
	if [ -n "$RSPAMD_PID" ] && wait_for 180 "(exec 3<>/dev/tcp/127.0.0.1/$PORT_RSPAMD) 2>/dev/null"; then
		SOCK_R="inet:$PORT_RSPAMD@127.0.0.1"
		PF_R="inet:127.0.0.1:$PORT_RSPAMD"	# Postfix's spelling
		"$LOAD" -s "$SOCK_R" -c 8 -n 500 "${RCPTS[@]}" "$CORPUS" >/dev/null 2>&1	# warm up
		load_runs rspamd.inet.8 "$SOCK_R" -c 8 -n 3000 -w 200 "${RCPTS[@]}"
		ratio=$(awk -v a="${CSP8[inet]:-0}" -v b="$MPS" 'BEGIN { printf "%.2f", a / b }')
		result "rspamd proxy (milter, self_scan) inet c=8: msgs/s, p50/p99 ms" "-" \
		    "$MPS msgs/s, $P50/$P99 ms" "$CMD"
		[ -n "${CSP8[inet]:-}" ] &&
		    result "milter-load c=8 inet, csp-milter / rspamd" ">= 3x" "${ratio}x" \
		    "the two milter-load rows above"
		pf_runs rspamd "$PF_R"
		ratio=$(awk -v a="$PF_inet" -v b="$PFMPS" 'BEGIN { printf "%.2f", a / b }')
		rb=$(awk -v a="$PFMPS" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
		result "Postfix with rspamd (inet)" "-" "$PFMPS msgs/s = ${rb}x" "$SRCCMD, smtpd_milters = $PF_R"
		result "Postfix end to end, csp-milter (inet) / rspamd" ">= 3x" "${ratio}x" "the two Postfix rows above"
	else
		echo "rspamd could not be installed or started: rspamd rows skipped ($(tail -2 "$RS/stderr" 2>/dev/null | tr '\n' ' '))"
	fi
	}
fi
say "load: $(uptime)"

# --- RESULTS.md ---
# Everything below the notes marker of the old file (the profile and its
# reading, written by hand) is kept.
NOTES_MARK='<!-- notes below are kept by run-bench.sh --write-results -->'
if [ "$WRITE" = 1 ]; then
	out=$SRC/tests/bench/RESULTS.md
	[ -f "$out" ] && sed -n "/^$NOTES_MARK\$/,\$p" "$out" >"$TMP/notes"
	[ -s "$TMP/notes" ] || echo "$NOTES_MARK" >"$TMP/notes"
	{
		echo "# Benchmark results"
		echo
		echo "Written by \`tests/bench/run-bench.sh --write-results\` on $(date -u +%Y-%m-%d)"
		echo "($(nproc) cores, $(uname -sr); each figure the median of $RUNS runs;"
		echo "load average at the end: $(uptime | sed 's/.*load average: //'))."
		echo "Corpus: $CORPUS ($(find "$CORPUS" -name '*.eml' | wc -l) messages)."
		echo "Recipients are CSP customers (${RCPTS[*]}), so every vendor message"
		echo "runs the whole policy path: reroute, quarantine, audit record."
		echo
		echo "| figure | target | measured | command |"
		echo "|---|---|---|---|"
		awk -F '\t' '{ gsub(/\|/, "\\|"); printf "| %s | %s | %s | `%s` |\n", $1, $2, $3, $4 }' "$RESULTS"
		echo
		cat "$TMP/notes"
	} >"$out.new" && mv "$out.new" "$out"
	say "wrote $out"
fi
exit 0
}
