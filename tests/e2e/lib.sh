# lib.sh - a private Postfix, an smtp-sink and csp-milter for end-to-end tests
#
# Sourced by the tests/e2e/test_*.sh scripts.  Everything lives in one
# temporary directory ($E2E_TMP); e2e_teardown (run on EXIT) stops every
# process started here and removes the directory.  Needs root and Postfix.
#
# Layout of $E2E_TMP:
#   pf/            Postfix config_directory (main.cf, master.cf)
#   pf/queue pf/data pf/log/maillog
#   sink/          one file per message delivered to smtp-sink
#   out/           client transcripts (swaks, smtp-source, sendmail)
#   csp-milter.conf customers.csv audit.jsonl milter.log milter.sock

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
E2E_DIR="$top_srcdir/tests/e2e"
. "$top_srcdir/tests/postfix_instance.sh"
E2E_MILTER_BIN="$top_builddir/src/csp-milter"
E2E_TIMEOUT="${E2E_TIMEOUT:-60}"
E2E_TMP=
E2E_PF=
E2E_SMTP_PORT=
E2E_SINK_PORT=
E2E_SINK_PID=
E2E_MILTER_PID=
# Seconds to wait for the milter to start or stop; more under a checker.
E2E_SLOW=${E2E_SLOW:-10}
E2E_MILTER_WRAPPER=${E2E_MILTER_WRAPPER:-}
E2E_MOUNTS=
E2E_PASSED=0
E2E_FAILED=0
E2E_REASON=

# e2e_die - a broken test environment: say why and stop (this is a failure)
e2e_die() {
	echo "not ok - e2e setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}

# e2e_log - a diagnostic line on stderr
e2e_log() {
	echo "# $*" >&2
}

# e2e_check_prereqs - root, Postfix, smtp-sink, swaks and the built milter
e2e_check_prereqs() {
	local t

	[ "$(id -u)" = 0 ] || e2e_die "must run as root (a private Postfix instance needs it)"
	for t in postfix postconf postqueue postsuper sendmail smtp-sink smtp-source; do
		command -v "$t" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/usr/lib/postfix/sbin"
		command -v "$t" >/dev/null 2>&1 ||
		    e2e_die "$t not found: install Postfix with" \
		    "'echo \"postfix postfix/main_mailer_type select No configuration\" | debconf-set-selections;" \
		    "DEBIAN_FRONTEND=noninteractive apt-get install -y postfix'"
	done
	command -v swaks >/dev/null 2>&1 || e2e_die "swaks not found: apt-get install -y swaks"
	[ -f /etc/postfix/master.cf ] || e2e_die "/etc/postfix/master.cf not found: is Postfix installed?"
	[ -x "$E2E_MILTER_BIN" ] || e2e_die "$E2E_MILTER_BIN not built (set top_builddir)"
	id postfix >/dev/null 2>&1 || e2e_die "no postfix user"
}

# e2e_free_port - a loopback TCP port nobody listens on
e2e_free_port() {
	local p i

	for i in $(seq 1 200); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		case " $E2E_SMTP_PORT $E2E_SINK_PORT " in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# e2e_wait_for - poll a shell condition every 0.1 s for at most $1 seconds
e2e_wait_for() {
	local limit=$(($1 * 10)) i=0

	shift
	while ! eval "$*"; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
	return 0
}

# e2e_init - temp dir, ports, configs; installs the EXIT trap
e2e_init() {
	e2e_check_prereqs
	E2E_TMP=$(mktemp -d /tmp/csp-e2e.XXXXXX) || e2e_die "mktemp failed"
	chmod 755 "$E2E_TMP"
	trap e2e_teardown EXIT
	trap 'e2e_log "signal INT"; exit 1' INT
	trap 'e2e_log "signal TERM"; exit 1' TERM
	trap 'e2e_log "signal HUP"; exit 1' HUP
	E2E_PF="$E2E_TMP/pf"
	mkdir -p "$E2E_PF/log" "$E2E_PF/data" "$E2E_PF/queue" "$E2E_TMP/sink" "$E2E_TMP/out"
	chown postfix: "$E2E_PF/data" "$E2E_TMP/sink"
	E2E_SMTP_PORT=$(e2e_free_port) || e2e_die "no free port"
	E2E_SINK_PORT=$(e2e_free_port) || e2e_die "no free port"
	e2e_write_postfix_conf
	cp "$E2E_DIR/customers.csv" "$E2E_TMP/customers.csv"
	e2e_conf_variant "$E2E_TMP/csp-milter.conf"
	: >"$E2E_TMP/milter.log"
}

# e2e_write_postfix_conf - main.cf and master.cf of the private instance
e2e_write_postfix_conf() {
	postfix_instance_conf "$E2E_PF" "$E2E_SMTP_PORT" "$E2E_SINK_PORT" e2e
	cat >>"$E2E_PF/main.cf" <<EOF
message_size_limit = 50000000
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
EOF
	# The milter lines, exactly as the README shows them, with the
	# private socket in place of the shipped one.
	sed "s|unix:/var/spool/postfix/csp-milter/csp-milter.sock|unix:$E2E_TMP/milter.sock|" \
	    "$E2E_DIR/main.cf.milter" >>"$E2E_PF/main.cf"
}

# e2e_conf_variant - write the milter config to $1, edited by the sed expressions $2...
e2e_conf_variant() {
	local out="$1" expr

	shift
	set -- -e "s|@TMP@|$E2E_TMP|g" "$@"
	sed "$@" "$E2E_DIR/csp-milter-e2e.conf" >"$out.new" && mv "$out.new" "$out"
}

# e2e_postfix_start - start the private Postfix and the sink behind it
e2e_postfix_start() {
	smtp-sink -u postfix -d "$E2E_TMP/sink/%M." "127.0.0.1:$E2E_SINK_PORT" 256 \
	    >"$E2E_TMP/sink.log" 2>&1 &
	E2E_SINK_PID=$!
	e2e_wait_for 10 "(exec 3<>/dev/tcp/127.0.0.1/$E2E_SINK_PORT) 2>/dev/null" ||
	    e2e_die "smtp-sink did not start: $(cat "$E2E_TMP/sink.log")"
	if ! postfix -c "$E2E_PF" start >"$E2E_TMP/postfix-start.log" 2>&1; then
		e2e_die "postfix -c $E2E_PF start failed: $(cat "$E2E_TMP/postfix-start.log")" \
		    "$(tail -5 "$E2E_PF/log/maillog" 2>/dev/null)"
	fi
	e2e_wait_for 20 "(exec 3<>/dev/tcp/127.0.0.1/$E2E_SMTP_PORT) 2>/dev/null" ||
	    e2e_die "Postfix does not listen on $E2E_SMTP_PORT: $(tail -5 "$E2E_PF/log/maillog")"
}

# e2e_postfix_set - change main.cf settings and reload Postfix
e2e_postfix_set() {
	local kv

	for kv in "$@"; do
		postconf -c "$E2E_PF" -e "$kv" || return 1
	done
	postfix -c "$E2E_PF" reload >/dev/null 2>&1
}

# e2e_milter_start - start csp-milter in the foreground with config $1 (default: the e2e config)
e2e_milter_start() {
	local conf="${1:-$E2E_TMP/csp-milter.conf}" n

	n=$(grep -c 'csp-milter: listening on' "$E2E_TMP/milter.log")
	rm -f "$E2E_TMP/milter.sock"
	echo "# --- start $(date +%T) $conf" >>"$E2E_TMP/milter.log"
	# E2E_MILTER_WRAPPER runs the milter under a checker; valgrind keeps one process, so the pid stays the milter's.
	$E2E_MILTER_WRAPPER "$E2E_MILTER_BIN" -f -c "$conf" 2>>"$E2E_TMP/milter.log" &
	E2E_MILTER_PID=$!
	if ! e2e_wait_for "$E2E_SLOW" "[ \$(grep -c 'csp-milter: listening on' '$E2E_TMP/milter.log') -gt $n ]"; then
		E2E_REASON="csp-milter did not start: $(tail -3 "$E2E_TMP/milter.log")"
		return 1
	fi
	return 0
}

# e2e_sanitizer_report - stop the milter; its log must hold no sanitizer or valgrind report
e2e_sanitizer_report() {
	e2e_milter_stop TERM
	if grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$E2E_TMP/milter.log" >"$E2E_TMP/san.txt"; then
		E2E_REASON="sanitizer report in the milter log: $(head -3 "$E2E_TMP/san.txt")"
		return 1
	fi
	return 0
}

# e2e_milter_stop - stop the milter with signal $1 (default TERM) and reap it
e2e_milter_stop() {
	local sig="${1:-TERM}"

	[ -n "$E2E_MILTER_PID" ] || return 0
	kill -CONT "$E2E_MILTER_PID" 2>/dev/null
	kill -"$sig" "$E2E_MILTER_PID" 2>/dev/null
	if ! e2e_wait_for "$E2E_SLOW" "! kill -0 $E2E_MILTER_PID 2>/dev/null"; then
		kill -KILL "$E2E_MILTER_PID" 2>/dev/null
	fi
	wait "$E2E_MILTER_PID" 2>/dev/null
	E2E_MILTER_PID=
}

# e2e_milter_restart - stop, then start with config $1
e2e_milter_restart() {
	e2e_milter_stop TERM
	e2e_milter_start "$@"
}

# e2e_teardown - stop everything, remove the temp dir (the EXIT trap)
e2e_teardown() {
	local m

	trap - EXIT
	[ -n "$E2E_TMP" ] || return 0
	e2e_milter_stop TERM
	if [ -n "$E2E_PF" ] && [ -f "$E2E_PF/main.cf" ]; then
		postfix -c "$E2E_PF" stop >/dev/null 2>&1
		# Stragglers would keep files open below $E2E_TMP.
		e2e_wait_for 10 "! postfix -c '$E2E_PF' status >/dev/null 2>&1"
	fi
	if [ -n "$E2E_SINK_PID" ]; then
		kill "$E2E_SINK_PID" 2>/dev/null
		wait "$E2E_SINK_PID" 2>/dev/null
	fi
	for m in $E2E_MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	if [ -n "${E2E_KEEP:-}" ]; then
		e2e_log "kept $E2E_TMP"
	else
		rm -rf "$E2E_TMP"
	fi
}

# e2e_token - a unique token for one message: Subject, Message-ID and body carry it
# (the counter lives in a file: callers use it as $(e2e_token), in a subshell)
e2e_token() {
	local n

	n=$(($(cat "$E2E_TMP/seq" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$E2E_TMP/seq"
	echo "t$$x$n"
}

# e2e_msg - write a message to $E2E_TMP/out/TOKEN.eml: TOKEN FROM TO SUBJECT BODY [HEADER...]
e2e_msg() {
	local tok="$1" from="$2" to="$3" subject="$4" body="$5" f="$E2E_TMP/out/$1.eml"

	shift 5
	{
		printf 'From: <%s>\r\n' "$from"
		printf 'To: <%s>\r\n' "$to"
		printf 'Subject: %s [%s]\r\n' "$subject" "$tok"
		printf 'Message-ID: <%s@e2e.test>\r\n' "$tok"
		printf 'Date: %s\r\n' "$(LC_ALL=C date -R)"
		for h in "$@"; do
			printf '%s\r\n' "$h"
		done
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf '%s\r\n\r\nReference %s.\r\n' "$body" "$tok"
	} >"$f"
	echo "$f"
}

# e2e_swaks - send TOKEN's message: TOKEN FROM RCPT[,RCPT...]; transcript in out/TOKEN.swaks
# Returns 0 when the message was queued.
e2e_swaks() {
	local tok="$1" from="$2" to="$3" out="$E2E_TMP/out/$1.swaks"

	timeout 120 swaks --server 127.0.0.1 --port "$E2E_SMTP_PORT" --helo client.e2e.test \
	    --from "$from" --to "$to" --data "@$E2E_TMP/out/$tok.eml" \
	    --suppress-data --timeout 90 >"$out" 2>&1
	grep -Eq '^<[-~*]+ +250 .*queued as' "$out"
}

# e2e_swaks_qid - the queue id from the reply to DATA
e2e_swaks_qid() {
	sed -nE 's/^<[-~*]+ +250 .*queued as ([0-9A-Za-z]+).*/\1/p' "$E2E_TMP/out/$1.swaks" | tail -1
}

# e2e_sendmail - submit TOKEN's message with Postfix's sendmail: TOKEN FROM RCPT...
e2e_sendmail() {
	local tok="$1" from="$2"

	shift 2
	timeout 60 sendmail -C "$E2E_PF" -i -f "$from" -- "$@" <"$E2E_TMP/out/$tok.eml" \
	    >"$E2E_TMP/out/$tok.sendmail" 2>&1
}

# e2e_queue_json - postqueue -j of the private instance
e2e_queue_json() {
	postqueue -c "$E2E_PF" -j 2>/dev/null
}

# e2e_queue_settled - nothing queued but held mail
e2e_queue_settled() {
	! e2e_queue_json | grep -v '"queue_name": *"hold"' | grep -q queue_name
}

# e2e_wait_queue - wait (at most $1 s, default E2E_TIMEOUT) until only held mail is queued
e2e_wait_queue() {
	local limit="${1:-$E2E_TIMEOUT}" i=0

	# Deferred mail (after a tempfail upstream) is retried at once.
	while ! e2e_queue_settled; do
		i=$((i + 1))
		if [ "$i" -ge $((limit * 5)) ]; then
			E2E_REASON="queue not empty after ${limit}s: $(e2e_queue_json | head -c 600)"
			return 1
		fi
		[ $((i % 25)) = 0 ] && postqueue -c "$E2E_PF" -f >/dev/null 2>&1
		sleep 0.2
	done
	return 0
}

# e2e_held - is queue id $1 in the hold queue?
e2e_held() {
	e2e_queue_json | grep "\"queue_id\": *\"$1\"" | grep -q '"queue_name": *"hold"'
}

# e2e_sink_files - the delivered copies of TOKEN (matched by its Message-ID or Subject)
e2e_sink_files() {
	grep -l -F -e "$1@e2e.test>" -e "[$1]" "$E2E_TMP"/sink/* 2>/dev/null
}

# e2e_sink_rcpts - the final recipients of one delivered file, sorted, space-separated
e2e_sink_rcpts() {
	sed -n 's/^X-Rcpt-Args: *\(<[^>]*>\).*/\1/p' "$1" | sort | tr '\n' ' ' | sed 's/ $//'
}

# e2e_header_count - how many headers named $2 the file $1 has (in its header section)
e2e_header_count() {
	awk -v n="$2" 'BEGIN { n = tolower(n) }
		/^\r?$/ { exit }
		{ split($0, a, ":"); if (tolower(a[1]) == n) c++ }
		END { print c + 0 }' "$1"
}

# e2e_header_value - the first value of header $2 in file $1
e2e_header_value() {
	awk -v n="$2" 'BEGIN { n = tolower(n) }
		/^\r?$/ { exit }
		{ i = index($0, ":"); if (tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^ */, "", v); sub(/\r$/, "", v); print v; exit } }' "$1"
}

# e2e_audit_records - audit lines (in $E2E_AUDIT) of TOKEN's message
e2e_audit_records() {
	grep -F -e "\"message_id\":\"<$1@e2e.test>\"" "${E2E_AUDIT:-$E2E_TMP/audit.jsonl}" 2>/dev/null
}

# e2e_sink_qid - the Postfix queue id in the Received header of a delivered file
e2e_sink_qid() {
	awk '/by mx\.e2e-postfix\.test \(Postfix/ { p = 1 }
		p && match($0, / id [0-9A-Za-z]+/) { print substr($0, RSTART + 4, RLENGTH - 4); exit }' "$1"
}

# e2e_json_get - E2E_VAL: the first string value of key $2 in the JSON line $1
e2e_json_get() {
	local re="\"$2\":\"([^\"]*)\""

	E2E_VAL=
	[[ $1 =~ $re ]] && E2E_VAL="${BASH_REMATCH[1]}"
	return 0
}

# e2e_summary_count - syslog-style summary lines for queue id $1
e2e_summary_count() {
	grep -c "^csp-milter: $1: csp-milter: class=" "$E2E_TMP/milter.log"
}

# --- assertions: each sets E2E_REASON and returns 1 on failure ---

# expect_queued - TOKEN's SMTP transaction ended in "250 ... queued as"
expect_queued() {
	grep -Eq '^<[-~*]+ +250 .*queued as' "$E2E_TMP/out/$1.swaks" && return 0
	E2E_REASON="$1 not queued: $(grep -E '^<[-~*]+ +[45][0-9][0-9]' "$E2E_TMP/out/$1.swaks" | tail -1)"
	return 1
}

# expect_delivered - TOKEN arrived exactly once, for exactly the recipients "$2" (sorted, space-separated)
expect_delivered() {
	local files n got

	files=$(e2e_sink_files "$1")
	n=$(echo "$files" | grep -c .)
	if [ "$n" != 1 ]; then
		E2E_REASON="$1: $n copies delivered, expected 1"
		return 1
	fi
	got=$(e2e_sink_rcpts "$files")
	if [ "$got" != "$2" ]; then
		E2E_REASON="$1: delivered to '$got', expected '$2'"
		return 1
	fi
	E2E_FILE="$files"
	return 0
}

# expect_not_delivered - nothing of TOKEN arrived
expect_not_delivered() {
	local n

	n=$(e2e_sink_files "$1" | grep -c .)
	[ "$n" = 0 ] && return 0
	E2E_REASON="$1: $n copies delivered, expected none"
	return 1
}

# expect_header - the delivered copy of TOKEN has $3 headers named $2 (default: at least one)
expect_header() {
	local n

	n=$(e2e_header_count "$E2E_FILE" "$2")
	if [ -n "${3:-}" ] && [ "$n" != "$3" ]; then
		E2E_REASON="$1: $n $2 headers, expected $3"
		return 1
	fi
	if [ -z "${3:-}" ] && [ "$n" = 0 ]; then
		E2E_REASON="$1: no $2 header"
		return 1
	fi
	return 0
}

# expect_audit - one record for TOKEN, with KEY=VALUE fields and <rcpt>=decision pairs
# (bash regexes rather than pipelines: forks are slow and these run a lot)
expect_audit() {
	local tok="$1" rec n kv k v re qid swqid

	shift
	rec=$(e2e_audit_records "$tok")
	n=0
	[ -n "$rec" ] && n=$(($(printf '%s\n' "$rec" | wc -l)))
	if [ "$n" != 1 ]; then
		E2E_REASON="$tok: $n audit records, expected 1"
		return 1
	fi
	E2E_RECORD="$rec"
	for kv in "$@"; do
		k="${kv%%=*}"
		v="${kv#*=}"
		case "$k" in
		"<"*|*@*)
			re="\{\"rcpt\":\"$k\"[^}]*\"decision\":\"$v\""
			if ! [[ $rec =~ $re ]]; then
				re='"recipients":\[[^]]*\]'
				[[ $rec =~ $re ]]
				E2E_REASON="$tok: audit decision for $k is not $v: ${BASH_REMATCH[0]}"
				return 1
			fi
			;;
		*)
			e2e_json_get "$rec" "$k"
			if [ "$E2E_VAL" != "$v" ]; then
				E2E_REASON="$tok: audit $k is '$E2E_VAL', expected '$v'"
				return 1
			fi
			;;
		esac
	done
	e2e_json_get "$rec" queue_id
	qid="$E2E_VAL"
	if [ -z "$qid" ]; then
		E2E_REASON="$tok: audit record has no queue_id"
		return 1
	fi
	swqid=
	[ -f "$E2E_TMP/out/$tok.swaks" ] && swqid=$(e2e_swaks_qid "$tok")
	if [ -n "$swqid" ] && [ "$swqid" != "$qid" ]; then
		E2E_REASON="$tok: audit queue_id $qid, Postfix said $swqid"
		return 1
	fi
	n=$(e2e_summary_count "$qid")
	if [ "$n" != 1 ]; then
		E2E_REASON="$tok: $n summary lines for $qid, expected 1"
		return 1
	fi
	E2E_QID="$qid"
	return 0
}

# expect_reply - TOKEN's last SMTP reply matches the extended regex $2
expect_reply() {
	grep -E '^<[-~*]+ +[0-9]{3}' "$E2E_TMP/out/$1.swaks" | grep -q -E "$2" && return 0
	E2E_REASON="$1: no reply matching '$2': $(grep -E '^<[-~*]+ +[45][0-9][0-9]' "$E2E_TMP/out/$1.swaks" | tail -1)"
	return 1
}

# e2e_run - run case function $2 named $1 and print the TAP-like line
e2e_run() {
	local name="$1" start=$SECONDS

	shift
	E2E_REASON=
	E2E_NOTE=
	E2E_AUDIT=
	if "$@"; then
		E2E_PASSED=$((E2E_PASSED + 1))
		echo "ok - $name ($((SECONDS - start))s${E2E_NOTE:+; $E2E_NOTE})"
	else
		E2E_FAILED=$((E2E_FAILED + 1))
		echo "not ok - $name: ${E2E_REASON:-failed}"
	fi
}

# e2e_done - the totals line; exit 1 if anything failed
e2e_done() {
	e2e_run sanitizer_report e2e_sanitizer_report
	echo "$E2E_PASSED passed, $E2E_FAILED failed"
	[ "$E2E_FAILED" = 0 ]
}
