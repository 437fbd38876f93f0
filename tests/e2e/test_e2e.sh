#!/bin/bash
# test_e2e.sh - csp-milter end to end, through a real Postfix and smtp-sink
#
# Run by "make check" (needs root and Postfix), or by hand:
#   top_srcdir=/path/to/src top_builddir=/path/to/build tests/e2e/test_e2e.sh [CASE...]
# With CASE names (the case_* function names without "case_"), only those run.
# E2E_KEEP=1 keeps the temporary directory for a post-mortem.

. "${top_srcdir:-.}/tests/e2e/lib.sh"

VENDOR=billing@vendor.example
ALICE=alice@contoso.example		# CSP only
CAROL=carol@fabrikam.example		# CSP and direct
DAVE=dave@northwind.example		# direct only
BOB=bob@nowhere.example			# not a customer
PARTNER='<csp-desk@partner-a.example>'

# send - write and send one message: TOKEN FROM RCPTS SUBJECT BODY [HEADER...]
send() {
	local tok="$1" from="$2" to="$3"

	e2e_msg "$tok" "$from" "${to%%,*}" "$4" "$5" "${@:6}" >/dev/null
	e2e_swaks "$tok" "$from" "$to"
}

# with_conf - restart the milter with the e2e config edited by sed expressions
with_conf() {
	e2e_conf_variant "$E2E_TMP/variant.conf" "$@" &&
	    e2e_milter_restart "$E2E_TMP/variant.conf"
}

# base_conf - make sure the milter runs with the plain e2e config
base_conf() {
	if [ "$E2E_CONF" != base ] || [ -z "$E2E_MILTER_PID" ] || ! kill -0 "$E2E_MILTER_PID" 2>/dev/null; then
		e2e_milter_restart "$E2E_TMP/csp-milter.conf" || return 1
	fi
	E2E_CONF=base
}

# --- policy ---

# Billing mail to a CSP customer goes to the partner instead.
case_reroute() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" && expect_header "$t" X-CSP-Rerouted 1 &&
	    expect_audit "$t" class=subscription action=reroute "<$ALICE>=reroute"
}

# A CSP customer and a non-customer: the customer is rerouted, the other keeps the mail.
case_mixed_reroute() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" "$VENDOR" "$ALICE,$BOB" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "<$BOB> $PARTNER" && expect_header "$t" X-CSP-Rerouted 1 &&
	    expect_audit "$t" class=subscription action=reroute "<$ALICE>=reroute" "<$BOB>=deliver"
}

# policy subscription.csp = reject, scope message: 550 5.7.1 naming the refused recipient.
case_mixed_reject_message() {
	local t=$(e2e_token)

	E2E_CONF=reject
	with_conf -e '/^\tsubscription = {/s/csp = "reroute";/csp = "reject";/' || return 1
	send "$t" "$VENDOR" "$ALICE,$BOB" "Your invoice" "Your invoice for March is ready." &&
	    { E2E_REASON="$t: queued, expected a rejection"; return 1; }
	e2e_wait_queue || return 1
	expect_reply "$t" "^<[-~*]+ +550 5\.7\.1 .*refused for <$ALICE>" &&
	    ! expect_reply "$t" "550 5\.7\.1 .*$BOB" && expect_not_delivered "$t" &&
	    expect_audit "$t" class=subscription action=reject "<$ALICE>=reject" "<$BOB>=deliver"
}

# Scope recipients: the other recipient gets the mail, with X-CSP-Refused.
case_mixed_reject_recipients() {
	local t=$(e2e_token)

	E2E_CONF=reject-rcpt
	with_conf -e '/^\tsubscription = {/s/csp = "reroute";/csp = "reject";/' \
	    -e 's/scope = "message"/scope = "recipients"/' || return 1
	send "$t" "$VENDOR" "$ALICE,$BOB" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "<$BOB>" && expect_header "$t" X-CSP-Refused 1 &&
	    expect_header "$t" X-CSP-Rerouted 0 &&
	    expect_audit "$t" class=subscription "<$ALICE>=reject" "<$BOB>=deliver"
}

# An incident notice reaches every recipient unchanged.
case_incident() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" "$VENDOR" "$ALICE,$CAROL,$DAVE" "Service outage" "An outage affects the storage service." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "<$ALICE> <$CAROL> <$DAVE>" && expect_header "$t" X-CSP-Class 0 &&
	    expect_audit "$t" class=incident action=deliver "<$ALICE>=deliver" "<$CAROL>=deliver" "<$DAVE>=deliver"
}

# Non-CSP mail to a customer who also buys direct is delivered.
case_non_csp_direct() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" "$VENDOR" "$CAROL" "Your Enterprise Agreement" "Your enterprise agreement renews soon." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "<$CAROL>" &&
	    expect_audit "$t" class=non_csp action=deliver "<$CAROL>=deliver"
}

# Non-CSP mail to a CSP-only customer goes to the partner.
case_non_csp_csp_only() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" "$VENDOR" "$ALICE" "Your Enterprise Agreement" "Your enterprise agreement renews soon." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" && expect_header "$t" X-CSP-Rerouted 1 &&
	    expect_audit "$t" class=non_csp action=reroute "<$ALICE>=reroute"
}

# Other mail to a CSP-only customer is held.
case_other_held() {
	local t=$(e2e_token) qid

	base_conf || return 1
	send "$t" "$VENDOR" "$ALICE" "Welcome to the community" "We are glad you joined us." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	qid=$(e2e_swaks_qid "$t")
	e2e_held "$qid" || { E2E_REASON="$t: $qid not in the hold queue: $(e2e_queue_json)"; return 1; }
	expect_not_delivered "$t" &&
	    expect_audit "$t" class=other action=quarantine "<$ALICE>=quarantine"
}

# A sender that is not vendor-side passes untouched.
case_non_vendor() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" news@elsewhere.example "$ALICE" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "<$ALICE>" && expect_header "$t" X-CSP-Class 0 &&
	    expect_audit "$t" class= action=untouched "<$ALICE>=untouched"
}

# csp-milter-audit's report of a run matches what the run sent: a fresh
# audit file, a known mix of mail, and the report's counts per action.
case_audit_report() {
	local audit="$E2E_TMP/audit-report.jsonl" tool="$top_builddir/src/csp-milter-audit" t i n

	[ -x "$tool" ] || { E2E_REASON="$tool not built"; return 1; }
	E2E_CONF=audit-report
	with_conf -e "s|$E2E_TMP/audit.jsonl|$audit|" || return 1
	E2E_CONF=audit-report	# the next base_conf restarts with the plain audit file
	for i in 1 2 3; do
		t=$(e2e_token); send "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice is ready." || return 1
	done
	for i in 1 2; do
		t=$(e2e_token); send "$t" "$VENDOR" "$ALICE,$BOB" "Service outage" "An outage hit the service." || return 1
	done
	t=$(e2e_token); send "$t" "$VENDOR" "$ALICE" "Welcome to the community" "We are glad you joined." || return 1
	t=$(e2e_token); send "$t" news@elsewhere.example "$ALICE" "Your invoice" "Your invoice is ready." || return 1
	e2e_wait_queue || return 1
	for check in "total 7" "reroute 3" "deliver 2" "quarantine 1" "untouched 1"; do
		set -- $check
		if [ "$1" = total ]; then
			n=$("$tool" --json "$audit" | wc -l)
		else
			n=$("$tool" --json --action "$1" "$audit" | grep -c "\"action\":\"$1\"")
		fi
		[ "$n" = "$2" ] || { E2E_REASON="audit report: $1 = $n, sent $2"; return 1; }
	done
	n=$("$tool" --json --class incident "$audit" | wc -l)
	[ "$n" = 2 ] || { E2E_REASON="audit report: class incident = $n, sent 2"; return 1; }
	"$tool" --summary "$audit" >"$E2E_TMP/audit-report.txt" &&
	    grep -Eq "^ +3 +csp-desk@partner-a.example$" "$E2E_TMP/audit-report.txt" ||
	    { E2E_REASON="summary lacks 3 reroutes to the partner: $(cat "$E2E_TMP/audit-report.txt")"; return 1; }
}

# Monitor mode: delivered unchanged to the original recipients, tagged.
case_monitor() {
	local t=$(e2e_token) v

	E2E_CONF=monitor
	with_conf -e 's/^mode = "enforce"/mode = "monitor"/' || return 1
	send "$t" "$VENDOR" "$ALICE,$BOB" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "<$ALICE> <$BOB>" && expect_header "$t" X-CSP-Class 1 &&
	    expect_header "$t" X-CSP-Decision 1 && expect_header "$t" X-CSP-Rerouted 0 || return 1
	v=$(e2e_header_value "$E2E_FILE" X-CSP-Class)
	[ "$v" = subscription ] || { E2E_REASON="$t: X-CSP-Class: $v"; return 1; }
	v=$(e2e_header_value "$E2E_FILE" X-CSP-Decision)
	case "$v" in reroute*monitor*) ;; *) E2E_REASON="$t: X-CSP-Decision: $v"; return 1 ;; esac
	expect_audit "$t" class=subscription mode=monitor "<$ALICE>=reroute" "<$BOB>=deliver"
}

# Forged X-CSP-* headers never survive, one or several, vendor mail or not.
case_forged_headers() {
	local t1=$(e2e_token) t2=$(e2e_token) t3=$(e2e_token) t4=$(e2e_token) v

	base_conf || return 1
	send "$t1" "$VENDOR" "$DAVE" "Service outage" "An outage affects storage." \
	    "X-CSP-Class: subscription" || { expect_queued "$t1"; return 1; }
	send "$t2" "$VENDOR" "$DAVE" "Service outage" "An outage affects storage." \
	    "X-CSP-Class: subscription" "X-Other: kept" "X-CSP-Class: non_csp" "X-CSP-Decision: deliver" ||
	    { expect_queued "$t2"; return 1; }
	send "$t3" "$VENDOR" "$ALICE" "Your invoice" "Your invoice is ready." \
	    "X-CSP-Class: incident" "X-CSP-Rerouted: no" || { expect_queued "$t3"; return 1; }
	send "$t4" news@elsewhere.example "$DAVE" "Hello" "Hello." \
	    "x-csp-class: subscription" || { expect_queued "$t4"; return 1; }
	e2e_wait_queue || return 1
	expect_delivered "$t1" "<$DAVE>" && expect_header "$t1" X-CSP-Class 0 &&
	    expect_audit "$t1" class=incident action=deliver || return 1
	expect_delivered "$t2" "<$DAVE>" && expect_header "$t2" X-CSP-Class 0 &&
	    expect_header "$t2" X-CSP-Decision 0 && expect_header "$t2" X-Other 1 &&
	    expect_audit "$t2" class=incident action=deliver || return 1
	expect_delivered "$t3" "$PARTNER" && expect_header "$t3" X-CSP-Class 1 &&
	    expect_header "$t3" X-CSP-Rerouted 1 || return 1
	v=$(e2e_header_value "$E2E_FILE" X-CSP-Class)
	[ "$v" = subscription ] || { E2E_REASON="$t3: X-CSP-Class: $v"; return 1; }
	v=$(e2e_header_value "$E2E_FILE" X-CSP-Rerouted)
	[ "$v" != no ] || { E2E_REASON="$t3: forged X-CSP-Rerouted kept"; return 1; }
	expect_delivered "$t4" "<$DAVE>" && expect_header "$t4" X-CSP-Class 0 &&
	    expect_audit "$t4" action=untouched
}

# forged_held - mail from outside the vendor with these X-CSP-* headers: too many to remove, so it is held
forged_held() {
	local t=$(e2e_token) qid start

	base_conf || return 1
	msg_headers "$t" "Hello from the newsletter." "From: News <news@esp.example>" "$@" "To: <$DAVE>"
	start=$(date +%s.%N)
	e2e_swaks "$t" "$ESP" "$DAVE" && e2e_wait_queue || { expect_queued "$t"; return 1; }
	E2E_NOTE="$# X-CSP-* headers: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s to send and queue"
	qid=$(e2e_swaks_qid "$t")
	e2e_held "$qid" || { E2E_REASON="$t: $qid not in the hold queue: $(e2e_queue_json | head -c 300)"; return 1; }
	expect_not_delivered "$t" && expect_audit "$t" action=quarantine
}
# 65 of one name: one past the 64 the milter removes.
case_forged_many() {
	local h=() i

	for i in $(seq 1 65); do h+=("X-CSP-Class: subscription"); done
	forged_held "${h[@]}"
}
# 9 names: one past the 8 the milter tracks.
case_forged_names() {
	local h=() i

	for i in $(seq 1 9); do h+=("X-CSP-Name$i: x"); done
	forged_held "${h[@]}"
}
# 40,000: one pass per header, not one rescan of all earlier ones (6.5 s of CPU before).
case_forged_40000() {
	local h=() i

	for i in $(seq 1 40000); do h+=("X-CSP-Decision: deliver"); done
	forged_held "${h[@]}"
}

# --- the compliance promise: contests, hidden text, forged log fields ---

# alt_msg - a multipart/alternative message: TOKEN FROM TO SUBJECT PLAIN HTML
alt_msg() {
	local f="$E2E_TMP/out/$1.eml"

	{
		printf 'From: <%s>\r\nTo: <%s>\r\nSubject: %s [%s]\r\n' "$2" "$3" "$4" "$1"
		printf 'Message-ID: <%s@e2e.test>\r\nMIME-Version: 1.0\r\n' "$1"
		printf 'Content-Type: multipart/alternative; boundary="alt-%s"\r\n\r\n' "$1"
		printf -- '--alt-%s\r\nContent-Type: text/plain\r\n\r\n%s\r\n' "$1" "$5"
		printf -- '--alt-%s\r\nContent-Type: text/html\r\n\r\n%s\r\n' "$1" "$6"
		printf -- '--alt-%s--\r\n' "$1"
	} >"$f"
}

# An invoice with a paragraph of outage words is still billing: rerouted, not delivered.
case_contest_footer() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" "$VENDOR" "$ALICE,$CAROL" "Your invoice" "Your invoice for March is ready. Outage \
reports and planned maintenance notices are published on the status page; an outage \
summary for last month is attached." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" &&
	    expect_audit "$t" class=subscription action=reroute "<$ALICE>=reroute" "<$CAROL>=reroute"
}

# The text/plain twin the client does not show cannot make an incident; it can make billing.
case_hidden_twin() {
	local t1=$(e2e_token) t2=$(e2e_token) qid

	base_conf || return 1
	alt_msg "$t1" "$VENDOR" "$ALICE" "News" "There was an outage." "<p>Hello, here is our news.</p>"
	e2e_swaks "$t1" "$VENDOR" "$ALICE" || { expect_queued "$t1"; return 1; }
	alt_msg "$t2" "$VENDOR" "$ALICE" "News" "Your invoice is attached." "<p>There was an outage.</p>"
	e2e_swaks "$t2" "$VENDOR" "$ALICE" || { expect_queued "$t2"; return 1; }
	e2e_wait_queue || return 1
	qid=$(e2e_swaks_qid "$t1")
	e2e_held "$qid" || { E2E_REASON="$t1: $qid not held: $(e2e_queue_json)"; return 1; }
	expect_not_delivered "$t1" && expect_audit "$t1" class=other action=quarantine || return 1
	expect_delivered "$t2" "$PARTNER" && expect_audit "$t2" class=subscription action=reroute
}

# A sender's local part cannot add fields to the log line, nor hide from the audit record.
case_log_forgery() {
	local t=$(e2e_token) from='"x class=incident action=deliver rcpt=<ceo@x>"@vendor.example' line

	base_conf || return 1
	send "$t" "$from" "$ALICE" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" && expect_audit "$t" class=subscription action=reroute || return 1
	line=$(grep "^csp-milter: $E2E_QID: csp-milter: " "$E2E_TMP/milter.log")
	[ "$(grep -o ' class=' <<<"$line" | wc -l)" = 1 ] && [ "$(grep -o ' rcpt=' <<<"$line" | wc -l)" = 1 ] &&
	    [ "$(grep -o ' action=' <<<"$line" | wc -l)" = 1 ] ||
	    { E2E_REASON="$t: forged fields in: $line"; return 1; }
	case "$E2E_RECORD" in
	*'"mail_from_raw":"<\"x class=incident action=deliver rcpt=<ceo@x>\"@vendor.example>"'*) ;;
	*) E2E_REASON="$t: the audit record lacks the exact sender: $E2E_RECORD"; return 1 ;;
	esac
}

# Mail submitted with Postfix's sendmail (non_smtpd_milters) is treated the same.
case_sendmail() {
	local t=$(e2e_token)

	base_conf || return 1
	e2e_msg "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready." >/dev/null
	e2e_sendmail "$t" "$VENDOR" "$ALICE" ||
	    { E2E_REASON="sendmail failed: $(cat "$E2E_TMP/out/$t.sendmail")"; return 1; }
	e2e_wait_for 20 "[ -n \"\$(e2e_audit_records $t)\" ]"
	e2e_wait_queue || return 1
	# Postfix hands a milter a local submission's recipients already rewritten, yet removes
	# a recipient only by its original spelling: a reroute could leave the customer in, so
	# the milter holds such mail instead (issue 11).
	expect_audit "$t" class=subscription action=quarantine "$ALICE=quarantine" || return 1
	e2e_held "$E2E_QID" || { E2E_REASON="$t: $E2E_QID not in the hold queue: $(e2e_queue_json)"; return 1; }
	expect_not_delivered "$t"
}

# sendmail_submit - a local submission to RCPT: DECISION, then "held" or the delivered recipients
sendmail_submit() {
	local t=$(e2e_token) rcpt="$1" subject="$2" body="$3" decision="$4" want="$5"

	base_conf || return 1
	e2e_msg "$t" "$VENDOR" "$ALICE" "$subject" "$body" >/dev/null
	e2e_sendmail "$t" "$VENDOR" "$rcpt" ||
	    { E2E_REASON="sendmail failed: $(cat "$E2E_TMP/out/$t.sendmail")"; return 1; }
	e2e_wait_for 20 "[ -n \"\$(e2e_audit_records $t)\" ]"
	e2e_wait_queue || return 1
	expect_audit "$t" action="$decision" || return 1
	if [ "$want" = held ]; then
		e2e_held "$E2E_QID" || { E2E_REASON="$t: $E2E_QID not held: $(e2e_queue_json)"; return 1; }
		expect_not_delivered "$t"
	else
		e2e_wait_for 20 "[ -n \"\$(e2e_sink_files $t)\" ]"
		expect_delivered "$t" "$want"
	fi
}

# A trailing dot is stripped before the milter sees it; the original spelling stays: held.
case_sendmail_trailing_dot() {
	sendmail_submit "alice@contoso.example." "Your invoice" "Your invoice for March is ready." quarantine held
}
case_sendmail_bang_path() {
	sendmail_submit "contoso.example!alice" "Your invoice" "Your invoice for March is ready." quarantine held
}
# What needs no removal still goes through: an incident reaches the customer directly.
case_sendmail_incident() {
	sendmail_submit "$ALICE" "Service outage" "An outage affects the storage service." deliver "<$ALICE>"
}

# --- volume ---

# bulk_check - COUNT messages whose Subject carries [TOKEN] arrived once each for RCPTS, one record each
bulk_check() {
	local tok="$1" count="$2" rcpts="$3" action="$4" files n bad qids

	files=$(e2e_sink_files "$tok")
	n=$(echo "$files" | grep -c .)
	[ "$n" = "$count" ] || { E2E_REASON="$tok: $n of $count delivered"; return 1; }
	bad=0
	for f in $files; do
		[ "$(e2e_sink_rcpts "$f")" = "$rcpts" ] || bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || { E2E_REASON="$tok: $bad messages with wrong recipients"; return 1; }
	n=$(grep -c -F "[$tok]\",\"size\"" "$E2E_TMP/audit.jsonl")
	[ "$n" = "$count" ] || { E2E_REASON="$tok: $n audit records for $count messages"; return 1; }
	n=$(grep -F "[$tok]\",\"size\"" "$E2E_TMP/audit.jsonl" | grep -c -F "\"action\":\"$action\"")
	[ "$n" = "$count" ] || { E2E_REASON="$tok: $n audit records with action $action"; return 1; }
	qids=$(grep -F "[$tok]\",\"size\"" "$E2E_TMP/audit.jsonl" | e2e_json_qids)
	n=$(echo "$qids" | grep . | sort -u | grep -c .)
	[ "$n" = "$count" ] || { E2E_REASON="$tok: $n distinct queue ids in $count records"; return 1; }
	n=$(echo "$qids" | sed 's/^/csp-milter: /; s/$/: csp-milter: class=/' |
	    grep -c -F -f - "$E2E_TMP/milter.log")
	[ "$n" = "$count" ] || { E2E_REASON="$tok: $n summary lines for $count messages"; return 1; }
	E2E_NOTE="sent $count, delivered $count once each, $count records and summary lines"
	return 0
}

# e2e_json_qids - the queue_id of each JSON line on stdin
e2e_json_qids() {
	sed -n 's/.*"queue_id":"\([^"]*\)".*/\1/p'
}

# bulk_msg - a pre-formatted message for smtp-source: Subject "Monthly invoice [TOKEN]"
bulk_msg() {
	printf 'From: <%s>\nTo: <%s>\nSubject: Monthly invoice [%s]\n\nYour invoice is ready.\n%s\n' \
	    "$VENDOR" "$ALICE" "$1" "$(head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 70)" \
	    >"$E2E_TMP/out/$1.eml"
}

# 200 messages over 8 connections, all accounted for.
case_bulk_smtp_source() {
	local t=$(e2e_token)

	base_conf || return 1
	bulk_msg "$t"
	timeout 120 smtp-source -s 8 -m 200 -F "$E2E_TMP/out/$t.eml" -f "$VENDOR" -t "$ALICE" \
	    "127.0.0.1:$E2E_SMTP_PORT" >"$E2E_TMP/out/$t.source" 2>&1 ||
	    { E2E_REASON="smtp-source: $(tail -3 "$E2E_TMP/out/$t.source")"; return 1; }
	e2e_wait_queue 90 || return 1
	bulk_check "$t" 200 "$PARTNER" reroute
}

# --- faults ---

# batch_tokens - N tokens sharing one prefix, into the array BATCH
batch_tokens() {
	local p=$(e2e_token) i

	BATCH=()
	for i in $(seq 1 "$1"); do
		BATCH+=("${p}k$i")
	done
	BATCH_PREFIX="${p}k"
}

# batch_send - send the tokens $3... as invoices from the vendor to $2, with $1 parallel senders
batch_send() {
	local workers="$1" to="$2" w i pids=()

	shift 2
	for t in "$@"; do
		e2e_msg "$t" "$VENDOR" "${to%%,*}" "Your invoice" "Your invoice is ready." >/dev/null
	done
	for w in $(seq 0 $((workers - 1))); do
		(
			i=0
			for t in "$@"; do
				[ $((i % workers)) = "$w" ] && e2e_swaks "$t" "$VENDOR" "$to"
				i=$((i + 1))
			done
		) &
		pids+=($!)
	done
	# Not a bare wait: the milter and the sink are children too.
	wait "${pids[@]}"
}

# batch_audit_count - records of the current batch in the audit file
batch_audit_count() {
	grep -c -F "\"message_id\":\"<$BATCH_PREFIX" "${E2E_AUDIT:-$E2E_TMP/audit.jsonl}" 2>/dev/null
}

# batch_outcome - sort the tokens "$@" by SMTP outcome into QUEUED, TEMPFAILED and OTHER
batch_outcome() {
	local t out

	QUEUED=() TEMPFAILED=() OTHER=()
	for t in "$@"; do
		out="$E2E_TMP/out/$t.swaks"
		if grep -Eq '^<[-~*]+ +250 .*queued as' "$out"; then
			QUEUED+=("$t")
		elif grep -Eq '^<[-~*]+ +4[0-9][0-9] ' "$out"; then
			TEMPFAILED+=("$t")
		else
			OTHER+=("$t")
		fi
	done
}

# expect_once - each token arrived exactly once for RCPTS, and the copy's queue id has one record
expect_once() {
	local rcpts="$1" t f n qid

	shift
	for t in "$@"; do
		expect_delivered "$t" "$rcpts" || return 1
		qid=$(e2e_sink_qid "$E2E_FILE")
		n=$(grep -F "\"message_id\":\"<$t@e2e.test>\"" "${E2E_AUDIT:-$E2E_TMP/audit.jsonl}" |
		    grep -c -F "\"queue_id\":\"$qid\"")
		[ "$n" = 1 ] || { E2E_REASON="$t: delivered as $qid with $n audit records for it"; return 1; }
	done
	return 0
}

# resend - send the tokens "$@" again, one by one; all must be queued now
resend() {
	local t

	for t in "$@"; do
		e2e_swaks "$t" "$VENDOR" "$ALICE" || { expect_queued "$t"; return 1; }
	done
	return 0
}

# SIGKILL in the middle of a run: tempfailed, resent, each delivered exactly once.
case_milter_killed() {
	local n=40

	base_conf || return 1
	batch_tokens "$n"
	batch_send 4 "$ALICE" "${BATCH[@]}" &
	local senders=$!
	e2e_wait_for 60 "[ \$(batch_audit_count) -ge 12 ]" ||
	    { E2E_REASON="no traffic seen"; wait "$senders"; return 1; }
	kill -KILL "$E2E_MILTER_PID"
	wait "$E2E_MILTER_PID" 2>/dev/null
	E2E_MILTER_PID=
	sleep 1
	e2e_milter_start || { wait "$senders"; return 1; }
	wait "$senders"
	batch_outcome "${BATCH[@]}"
	[ "${#OTHER[@]}" = 0 ] ||
	    { E2E_REASON="${OTHER[0]}: neither queued nor 4xx: $(tail -3 "$E2E_TMP/out/${OTHER[0]}.swaks")"; return 1; }
	[ "${#TEMPFAILED[@]}" -gt 0 ] || { E2E_REASON="the kill tempfailed nothing"; return 1; }
	E2E_NOTE="sent $n, queued ${#QUEUED[@]}, tempfailed ${#TEMPFAILED[@]} then resent"
	resend "${TEMPFAILED[@]}" && e2e_wait_queue || return 1
	expect_once "$PARTNER" "${BATCH[@]}"
}

# 100 reloads (SIGUSR1) during traffic; then a broken config is refused and the old one works.
case_reloads() {
	local n=30 before i t

	base_conf || return 1
	before=$(grep -c 'reloaded (SIGUSR1)' "$E2E_TMP/milter.log")
	echo "# --- reloads" >>"$E2E_TMP/milter.log"
	batch_tokens "$n"
	batch_send 2 "$ALICE" "${BATCH[@]}" &
	local senders=$!
	for i in $(seq 1 100); do
		kill -USR1 "$E2E_MILTER_PID" 2>/dev/null || break
		sleep 0.03
	done
	wait "$senders"
	kill -0 "$E2E_MILTER_PID" 2>/dev/null || { E2E_REASON="the milter died"; return 1; }
	batch_outcome "${BATCH[@]}"
	[ "${#QUEUED[@]}" = "$n" ] || { E2E_REASON="${#QUEUED[@]} of $n queued"; return 1; }
	e2e_wait_queue && expect_once "$PARTNER" "${BATCH[@]}" || return 1
	i=$(($(grep -c 'reloaded (SIGUSR1)' "$E2E_TMP/milter.log") - before))
	[ "$i" -ge 1 ] || { E2E_REASON="no reload logged"; return 1; }
	if sed -n '/^# --- reloads/,$p' "$E2E_TMP/milter.log" | grep -E 'error|refused|warning'; then
		E2E_REASON="errors logged during reloads"
		return 1
	fi
	E2E_NOTE="100 signals, $i reloads logged, $n of $n rerouted"
	# A broken file (that would switch to monitor mode) is refused as a whole.
	e2e_conf_variant "$E2E_TMP/csp-milter.conf" -e 's/^mode = "enforce"/mode = "monitor"/' \
	    -e 's/^on_error = .*/on_error = ;/'
	kill -USR1 "$E2E_MILTER_PID"
	e2e_wait_for 10 "grep -q 'reload (SIGUSR1) refused' '$E2E_TMP/milter.log'" ||
	    { E2E_REASON="broken config: no refusal logged"; e2e_conf_variant "$E2E_TMP/csp-milter.conf"; return 1; }
	t=$(e2e_token)
	send "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice is ready."
	e2e_conf_variant "$E2E_TMP/csp-milter.conf"
	expect_queued "$t" && e2e_wait_queue && expect_delivered "$t" "$PARTNER" &&
	    expect_audit "$t" action=reroute mode=enforce || return 1
	before=$(grep -c 'reloaded (SIGUSR1)' "$E2E_TMP/milter.log")
	kill -USR1 "$E2E_MILTER_PID"
	e2e_wait_for 10 "[ \$(grep -c 'reloaded (SIGUSR1)' '$E2E_TMP/milter.log') -gt $before ]" ||
	    { E2E_REASON="the repaired config was not reloaded"; return 1; }
}

# A customers file replaced (new file, rename) during traffic is picked up without a signal.
case_customers_replaced() {
	local n=16 i t rerouted=0 first=0 got before

	base_conf || return 1
	before=$(grep -c 'reloaded (' "$E2E_TMP/milter.log")
	batch_tokens "$n"
	for i in $(seq 1 "$n"); do
		t="${BATCH[$((i - 1))]}"
		e2e_msg "$t" "$VENDOR" "$DAVE" "Your invoice" "Your invoice is ready." >/dev/null
		e2e_swaks "$t" "$VENDOR" "$DAVE" || { expect_queued "$t"; return 1; }
		if [ "$i" = 5 ]; then
			sed 's/^northwind.example,.*/northwind.example,cust-northwind,csp@partner-b.example,yes,no/' \
			    "$E2E_TMP/customers.csv" >"$E2E_TMP/customers.csv.new"
			mv "$E2E_TMP/customers.csv.new" "$E2E_TMP/customers.csv"
		fi
		sleep 0.3
	done
	e2e_wait_queue || return 1
	for i in $(seq 1 "$n"); do
		t="${BATCH[$((i - 1))]}"
		expect_delivered "$t" "<$DAVE>" 2>/dev/null && continue
		expect_delivered "$t" "<csp@partner-b.example>" ||
		    { E2E_REASON="message $i: $E2E_REASON"; return 1; }
		[ "$i" -gt 5 ] || { E2E_REASON="message $i rerouted before the change"; return 1; }
		[ "$first" = 0 ] && first=$i
		rerouted=$((rerouted + 1))
	done
	[ "$first" -gt 0 ] && [ "$rerouted" = $((n - first + 1)) ] ||
	    { E2E_REASON="rerouted $rerouted, first at $first: the change was not picked up for good"; return 1; }
	grep -q 'customers file .* changed: reloading' "$E2E_TMP/milter.log" ||
	    { E2E_REASON="no log line about the changed customers file"; return 1; }
	expect_audit "${BATCH[$((n - 1))]}" action=reroute "<$DAVE>=reroute" || return 1
	E2E_NOTE="change after message 5, rerouted from message $first on"
	# Put the original file back and let the next message notice it.
	before=$(grep -c 'reloaded (' "$E2E_TMP/milter.log")
	cp "$E2E_DIR/customers.csv" "$E2E_TMP/customers.csv.new"
	mv "$E2E_TMP/customers.csv.new" "$E2E_TMP/customers.csv"
	kill -USR1 "$E2E_MILTER_PID"
	e2e_wait_for 10 "[ \$(grep -c 'reloaded (' '$E2E_TMP/milter.log') -gt $before ]"
}

# mount_small - a 64 KB file system on $1: tmpfs, else a loop-mounted ext2 image
mount_small() {
	mkdir -p "$1"
	if mount -t tmpfs -o size=64k,mode=0755 tmpfs "$1" 2>"$E2E_TMP/mount.err"; then
		E2E_MOUNTS="$E2E_MOUNTS $1"
		return 0
	fi
	dd if=/dev/zero of="$E2E_TMP/small.img" bs=1k count=128 2>/dev/null &&
	    mkfs.ext2 -q -F "$E2E_TMP/small.img" 2>>"$E2E_TMP/mount.err" &&
	    mount -o loop "$E2E_TMP/small.img" "$1" 2>>"$E2E_TMP/mount.err" || {
		E2E_REASON="cannot mount a small file system (tmpfs or loop ext2): $(tr '\n' ' ' <"$E2E_TMP/mount.err")"
		return 1
	}
	E2E_MOUNTS="$E2E_MOUNTS $1"
}

# The audit file system fills up: tempfail (4xx), nothing delivered without a record.
case_audit_full() {
	local fs="$E2E_TMP/auditfs" n=8 bad

	mount_small "$fs" || return 1
	E2E_CONF=auditfs
	with_conf -e "s|^audit_file = .*|audit_file = \"$fs/audit.jsonl\";|" || return 1
	E2E_AUDIT="$fs/audit.jsonl"
	# Fill it, then free one page: a few records fit, one is cut short, the rest fail.
	dd if=/dev/zero of="$fs/filler" bs=4k count=64 2>/dev/null
	truncate -s -4096 "$fs/filler"
	batch_tokens "$n"
	batch_send 1 "$ALICE" "${BATCH[@]}"
	batch_outcome "${BATCH[@]}"
	[ "${#OTHER[@]}" = 0 ] || { E2E_REASON="${OTHER[0]}: neither queued nor 4xx"; return 1; }
	[ "${#TEMPFAILED[@]}" -gt 0 ] || { E2E_REASON="nothing tempfailed with the audit file system full"; return 1; }
	E2E_NOTE="sent $n, queued ${#QUEUED[@]}, tempfailed ${#TEMPFAILED[@]} then resent"
	grep -q "audit write to $fs/audit.jsonl failed" "$E2E_TMP/milter.log" ||
	    { E2E_REASON="no log line about the failed audit write"; return 1; }
	e2e_wait_queue || return 1
	for t in "${TEMPFAILED[@]}"; do
		expect_not_delivered "$t" || return 1
		grep -q "451 4.7.1 csp-milter: audit log unavailable" "$E2E_TMP/out/$t.swaks" ||
		    { E2E_REASON="$t: $(grep -E '^<[-~*]+ +4' "$E2E_TMP/out/$t.swaks" | tail -1)"; return 1; }
	done
	expect_once "$PARTNER" "${QUEUED[@]}" || return 1
	rm -f "$fs/filler"
	resend "${TEMPFAILED[@]}" && e2e_wait_queue && expect_once "$PARTNER" "${BATCH[@]}" || return 1
	# A record cut short by the full disk must not be left behind.
	bad=$(grep -c -v -e '^{"time":[^{]*{.*"elapsed_us":[0-9]*}$' "$fs/audit.jsonl")
	bad=$((bad + $(grep -c -e '{"time":.*{"time":' "$fs/audit.jsonl")))
	[ "$bad" = 0 ] || { E2E_REASON="$bad broken lines in the audit file"; return 1; }
	E2E_AUDIT=
}

# The milter stopped (SIGSTOP) longer than Postfix's milter timeouts: 4xx, nothing lost.
case_milter_stopped() {
	local n=4

	base_conf || return 1
	e2e_postfix_set 'milter_connect_timeout = 2s' 'milter_command_timeout = 2s' \
	    'milter_content_timeout = 2s' || { E2E_REASON="postconf failed"; return 1; }
	sleep 1
	batch_tokens "$n"
	kill -STOP "$E2E_MILTER_PID"
	batch_send "$n" "$ALICE" "${BATCH[@]}"
	kill -CONT "$E2E_MILTER_PID"
	e2e_postfix_set 'milter_connect_timeout = 10s' 'milter_command_timeout = 20s' \
	    'milter_content_timeout = 60s'
	batch_outcome "${BATCH[@]}"
	[ "${#TEMPFAILED[@]}" = "$n" ] ||
	    { E2E_REASON="${#TEMPFAILED[@]} of $n tempfailed, ${#QUEUED[@]} queued, ${#OTHER[@]} other"; return 1; }
	e2e_wait_queue || return 1
	for t in "${BATCH[@]}"; do
		expect_not_delivered "$t" || return 1
	done
	sleep 1
	kill -0 "$E2E_MILTER_PID" || { E2E_REASON="the milter died"; return 1; }
	resend "${BATCH[@]}" && e2e_wait_queue && expect_once "$PARTNER" "${BATCH[@]}" || return 1
	E2E_NOTE="sent $n, tempfailed $n then resent and delivered"
}

# 300 concurrent SMTP sessions, all accounted for.
case_flood() {
	local t=$(e2e_token)

	base_conf || return 1
	bulk_msg "$t"
	timeout 180 smtp-source -s 300 -m 300 -F "$E2E_TMP/out/$t.eml" -f "$VENDOR" -t "$ALICE" \
	    "127.0.0.1:$E2E_SMTP_PORT" >"$E2E_TMP/out/$t.source" 2>&1 ||
	    { E2E_REASON="smtp-source: $(tail -3 "$E2E_TMP/out/$t.source")"; return 1; }
	e2e_wait_queue 120 || return 1
	bulk_check "$t" 300 "$PARTNER" reroute
}

# big_msg - TOKEN's 20 MB invoice: text part and a base64 attachment
big_msg() {
	local f="$E2E_TMP/out/$1.eml"

	{
		printf 'From: <%s>\r\nTo: <%s>\r\nSubject: Your invoice [%s]\r\n' "$VENDOR" "$ALICE" "$1"
		printf 'Message-ID: <%s@e2e.test>\r\nMIME-Version: 1.0\r\n' "$1"
		printf 'Content-Type: multipart/mixed; boundary="b-%s"\r\n\r\n' "$1"
		printf -- '--b-%s\r\nContent-Type: text/plain\r\n\r\nYour invoice is attached.\r\n' "$1"
		printf -- '--b-%s\r\nContent-Type: application/pdf; name="invoice.pdf"\r\n' "$1"
		printf 'Content-Transfer-Encoding: base64\r\n\r\n'
		head -c 15000000 /dev/urandom | base64 -w 76 | sed 's/$/\r/'
		printf -- '--b-%s--\r\n' "$1"
	} >"$f"
}

# A 20 MB message is classified and rerouted; a small one sent meanwhile is not held up.
case_big_message() {
	local t=$(e2e_token) s=$(e2e_token) start

	base_conf || return 1
	big_msg "$t"
	e2e_msg "$s" "$VENDOR" "$ALICE" "Your invoice" "Your invoice is ready." >/dev/null
	e2e_swaks "$t" "$VENDOR" "$ALICE" &
	local big=$!
	sleep 1
	start=$SECONDS
	e2e_swaks "$s" "$VENDOR" "$ALICE" || { expect_queued "$s"; wait "$big"; return 1; }
	[ $((SECONDS - start)) -le 10 ] ||
	    { E2E_REASON="a small message took $((SECONDS - start))s"; wait "$big"; return 1; }
	wait "$big"
	expect_queued "$t" && e2e_wait_queue 90 || return 1
	expect_delivered "$t" "$PARTNER" && expect_audit "$t" class=subscription action=reroute || return 1
	[ "$(stat -c %s "$E2E_FILE")" -gt 20000000 ] || { E2E_REASON="$t: delivered copy is short"; return 1; }
	expect_once "$PARTNER" "$s"
}

# --- issue 11: recipient forms, sender tricks, the customers file ---

ESP=bounces@esp.example			# an email service's bounce address: not vendor-side
RELAY=relay.e2e.test			# a local domain of the private Postfix, for the percent hack

# msg_headers - write TOKEN's message with exactly these header lines (no automatic From): TOKEN BODY HEADER...
msg_headers() {
	local tok="$1" body="$2" f="$E2E_TMP/out/$1.eml" h

	shift 2
	{
		printf 'Subject: Notice [%s]\r\nMessage-ID: <%s@e2e.test>\r\n' "$tok" "$tok"
		for h in "$@"; do
			printf '%s\r\n' "$h"
		done
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf '%s\r\n\r\nReference %s.\r\n' "$body" "$tok"
	} >"$f"
}

# percent_hack_on - make $RELAY local, so that Postfix applies allow_percent_hack to it
percent_hack_on() {
	[ -n "$E2E_PERCENT" ] && return 0
	e2e_postfix_set "mydestination = $RELAY" && E2E_PERCENT=1
	sleep 1
}

# rcpt_form - RCPT_FORM CONTROL_FORM CONTROL_DELIVERED: Postfix delivers the control
# form (a non-customer, non-vendor mail) as CONTROL_DELIVERED, so it rewrites the form;
# the same form naming a CSP customer in vendor billing mail never reaches the customer.
rcpt_form() {
	local form="$1" control="$2" rewritten="$3" t=$(e2e_token) c=$(e2e_token)

	base_conf && percent_hack_on || return 1
	e2e_msg "$c" "$BOB" "$BOB" "Hello" "Just saying hello." >/dev/null
	e2e_swaks "$c" "$BOB" "$control" || { expect_queued "$c"; return 1; }
	e2e_msg "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready." >/dev/null
	e2e_swaks "$t" "$VENDOR" "$form" || { expect_queued "$t"; return 1; }
	e2e_wait_queue || return 1
	expect_delivered "$c" "<$rewritten>" || return 1
	expect_delivered "$t" "$PARTNER" && expect_header "$t" X-CSP-Rerouted 1 &&
	    expect_audit "$t" class=subscription action=reroute customer=cust-contoso 2>/dev/null ||
	    expect_audit "$t" class=subscription action=reroute || return 1
	E2E_NOTE="$form: Postfix delivers $control as $rewritten; the customer's copy went to the partner"
}

case_rcpt_trailing_dot() { rcpt_form "alice@contoso.example." "bob@nowhere.example." "$BOB"; }
case_rcpt_upper_case() { rcpt_form "ALICE@CONTOSO.EXAMPLE." "BOB@nowhere.example" "BOB@nowhere.example"; }
case_rcpt_percent_hack() { rcpt_form "alice%contoso.example@$RELAY" "bob%nowhere.example@$RELAY" "$BOB"; }
case_rcpt_bang_path() { rcpt_form "contoso.example!alice" "nowhere.example!bob" "$BOB"; }
case_rcpt_quoted_special() { rcpt_form '"a>b"@contoso.example' '"b c"@nowhere.example.' '"b c"@nowhere.example'; }
case_rcpt_quoted_plain() { rcpt_form '"alice"@contoso.example' '"bob"@nowhere.example' "$BOB"; }
case_rcpt_quoted_address() { rcpt_form "\"alice@contoso.example\"@$RELAY" "\"bob@nowhere.example\"@$RELAY" "$BOB"; }
case_rcpt_bang_at_relay() { rcpt_form "contoso.example!alice@$RELAY" "nowhere.example!bob@$RELAY" "$BOB"; }
case_rcpt_source_route() { rcpt_form "@$RELAY:alice@contoso.example" "@$RELAY:bob@nowhere.example" "$BOB"; }

# IDN: the customer is listed as BÜCHER.example; A-labels in any case find it.
rcpt_idn() {
	local t=$(e2e_token)

	base_conf || return 1
	send "$t" "$VENDOR" "$1" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" &&
	    expect_audit "$t" class=subscription action=reroute "<$1>=reroute"
}
case_rcpt_idn_alabel() { rcpt_idn "erik@xn--bcher-kva.example"; }

# U-labels: submitted with Postfix's sendmail, which detects SMTPUTF8 by itself (and, as a
# local submission, is held rather than rerouted).
rcpt_idn_utf8() {
	sendmail_submit "$1" "Your invoice" "Your invoice for March is ready." quarantine held || return 1
	[[ $E2E_RECORD =~ \"customer\":\"cust-buecher\" ]] ||
	    { E2E_REASON="the U-label recipient did not find the customer: $E2E_RECORD"; return 1; }
}
case_rcpt_idn_ulabel() { rcpt_idn_utf8 $'erik@b\xc3\xbccher.example'; }
case_rcpt_idn_ulabel_upper() { rcpt_idn_utf8 $'erik@B\xc3\x9cCHER.example.'; }
case_rcpt_idn_alabel_upper() { rcpt_idn "erik@XN--BCHER-KVA.EXAMPLE."; }

# An unreadable recipient is held even for an incident, never "not a customer".
case_rcpt_unreadable() {
	local t=$(e2e_token) qid

	base_conf || return 1
	send "$t" "$VENDOR" "postmaster" "Service outage" "An outage affects the storage service." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	qid=$(e2e_swaks_qid "$t")
	e2e_held "$qid" || { E2E_REASON="$t: $qid not in the hold queue: $(e2e_queue_json)"; return 1; }
	expect_not_delivered "$t" && expect_audit "$t" class=incident action=quarantine
}

# sender_trick - vendor billing mail from an email service's bounce address, the vendor only in the headers
sender_trick() {
	local t=$(e2e_token)

	base_conf || return 1
	msg_headers "$t" "Your invoice for March is ready." "$@" "To: <$ALICE>"
	e2e_swaks "$t" "$ESP" "$ALICE" && e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" && expect_audit "$t" class=subscription action=reroute
}
case_from_ew_lt() { sender_trick "From: =?utf-8?q?Billing_=3Cx=40esp.example=3E?= <$VENDOR>"; }
case_from_ew_quote() { sender_trick "From: =?utf-8?q?=22x=40esp.example=22?= <$VENDOR>"; }
case_from_two_headers() { sender_trick "From: News <news@esp.example>" "From: Billing <$VENDOR>"; }
case_from_second_mailbox() { sender_trick "From: News <news@esp.example>, Billing <$VENDOR>"; }
case_from_sender_header() { sender_trick "From: News <news@esp.example>" "Sender: <$VENDOR>"; }
case_from_trailing_dot() { sender_trick "From: Billing <BILLING@Vendor.Example.>"; }

# sender_held - a sender header that cannot be read: vendor mail, uncertain, held for the CSP customer
sender_held() {
	local t=$(e2e_token) qid

	base_conf || return 1
	msg_headers "$t" "Your invoice for March is ready." "$@" "To: <$ALICE>"
	e2e_swaks "$t" "$ESP" "$ALICE" && e2e_wait_queue || { expect_queued "$t"; return 1; }
	qid=$(e2e_swaks_qid "$t")
	e2e_held "$qid" || { E2E_REASON="$t: $qid not in the hold queue: $(e2e_queue_json | head -c 300)"; return 1; }
	expect_not_delivered "$t" && expect_audit "$t" action=quarantine "<$ALICE>=quarantine"
}
# (Postfix itself turns a From of bare words into addresses at $myorigin: those are readable.)
case_from_empty_angle() { sender_held "From: Billing <>"; }
case_from_unclosed_comment() { sender_held 'From: Billing (Dept <billing@vendor.example>'; }
case_from_after_10000_headers() {
	local h=() i

	for i in $(seq 1 10001); do h+=("X-Filler-$i: v"); done
	sender_held "${h[@]}" "From: Billing <$VENDOR>"
}
case_from_after_1mib_headers() {
	local h=() i line

	# 20 fields of 60 KB, folded at 70 columns: 1.2 MB of header before the From.
	line=$(head -c 45000 /dev/zero | base64 -w 68 | sed '2,$s/^/ /' | sed 's/$/\r/')
	line=${line%$'\r'}
	for i in $(seq 1 20); do h+=("X-Filler-$i: $line"); done
	sender_held "${h[@]}" "From: Billing <$VENDOR>"
}
case_from_70kb_display_name() {
	local name="" i

	# Folded at 70 columns, so that every line is short; unfolded it is 70 KB.
	for i in $(seq 1 1024); do name="$name Billing Department of the Vendor Corporation 0123456789 xyz"$'\r\n'; done
	sender_held "From: \"${name%$'\r\n'}\" <$VENDOR>"
}

# A control: an email service's own mail with the vendor only in a comment stays untouched.
case_from_vendor_in_comment() {
	local t=$(e2e_token)

	base_conf || return 1
	msg_headers "$t" "Your invoice for March is ready." "From: news@esp.example ($VENDOR)" "To: <$ALICE>"
	e2e_swaks "$t" "$ESP" "$ALICE" && e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "<$ALICE>" && expect_audit "$t" action=untouched
}

# MAIL FROM with a quoted local part is still the vendor.
case_mail_from_quoted() {
	local t=$(e2e_token)

	base_conf || return 1
	msg_headers "$t" "Your invoice for March is ready." "From: News <news@esp.example>" "To: <$ALICE>"
	e2e_swaks "$t" '"a>b"@vendor.example' "$ALICE" && e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" && expect_audit "$t" class=subscription action=reroute
}

# customers_put - replace the customers file by rename with the content on stdin
customers_put() {
	cat >"$E2E_TMP/customers.csv.new" && mv "$E2E_TMP/customers.csv.new" "$E2E_TMP/customers.csv"
}

# customers_restore - the original customers file back, reloaded
customers_restore() {
	local before

	before=$(grep -c 'reloaded (' "$E2E_TMP/milter.log")
	customers_put <"$E2E_DIR/customers.csv"
	kill -USR1 "$E2E_MILTER_PID"
	e2e_wait_for 10 "[ \$(grep -c 'reloaded (' '$E2E_TMP/milter.log') -gt $before ]" ||
	    { E2E_REASON="the original customers file was not reloaded"; return 1; }
}

# traffic - N invoices to ALICE, one every 0.5 s (the watcher looks at the file on MAIL FROM); all rerouted
traffic() {
	local n="$1" i t

	batch_tokens "$n"
	for i in $(seq 1 "$n"); do
		t="${BATCH[$((i - 1))]}"
		e2e_msg "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice is ready." >/dev/null
		e2e_swaks "$t" "$VENDOR" "$ALICE" || { expect_queued "$t"; return 1; }
		sleep 0.5
	done
	e2e_wait_queue && expect_once "$PARTNER" "${BATCH[@]}"
}

# customers_refused - the file on stdin is refused with the log text $1, once, and the old directory stays
customers_refused() {
	local want="$1" before after

	base_conf || return 1
	before=$(grep -c 'reload (customers file changed) refused' "$E2E_TMP/milter.log")
	customers_put || return 1
	traffic 10 || return 1
	after=$(grep -c 'reload (customers file changed) refused' "$E2E_TMP/milter.log")
	[ "$after" = $((before + 1)) ] ||
	    { E2E_REASON="$((after - before)) refusals logged, expected exactly 1 (no retry until the file changes)"; return 1; }
	grep 'reload (customers file changed) refused' "$E2E_TMP/milter.log" | tail -1 | grep -q -F -- "$want" ||
	    { E2E_REASON="the refusal does not say '$want': $(grep 'refused' "$E2E_TMP/milter.log" | tail -1)"; return 1; }
	customers_restore
}

case_customers_truncated() { customers_refused "customers.csv: the customers file is empty" </dev/null; }
case_customers_header_only() {
	head -1 "$E2E_DIR/customers.csv" | customers_refused "no customer rows"
}
case_customers_cut_midrow() {
	head -c -12 "$E2E_DIR/customers.csv" | customers_refused "customers.csv:5: the last line has no newline"
}
case_customers_wildcard() {
	{ cat "$E2E_DIR/customers.csv"; echo "*.tailspin.example,cust-t,,no,yes"; } |
	    customers_refused "customers.csv:6: wildcard recipient"
}
case_customers_shrink() {
	{ head -2 "$E2E_DIR/customers.csv"; tail -1 "$E2E_DIR/customers.csv"; } |
	    customers_refused "directory.max_shrink = 10%" || return 1
}

# A shrink is accepted once with csp-milter --accept-shrink (SIGUSR2 to the pid in milter.pidfile).
case_customers_shrink_accepted() {
	local before

	base_conf || return 1
	{ head -2 "$E2E_DIR/customers.csv"; tail -1 "$E2E_DIR/customers.csv"; } | customers_put
	traffic 6 || return 1
	grep 'refused' "$E2E_TMP/milter.log" | tail -1 | grep -q -- '--accept-shrink' ||
	    { E2E_REASON="the refusal does not say how to accept"; return 1; }
	before=$(grep -c 'shrink accepted' "$E2E_TMP/milter.log")
	# In the foreground the milter writes no pidfile: without one the command says what to do.
	rm -f "$E2E_TMP/milter.pid"
	"$E2E_MILTER_BIN" -c "$E2E_TMP/csp-milter.conf" --accept-shrink >"$E2E_TMP/accept.out" 2>&1 &&
	    { E2E_REASON="--accept-shrink without a pidfile succeeded"; return 1; }
	grep -q 'send SIGUSR2' "$E2E_TMP/accept.out" ||
	    { E2E_REASON="--accept-shrink without a pidfile: $(cat "$E2E_TMP/accept.out")"; return 1; }
	echo "$E2E_MILTER_PID" >"$E2E_TMP/milter.pid"
	"$E2E_MILTER_BIN" -c "$E2E_TMP/csp-milter.conf" --accept-shrink >"$E2E_TMP/accept.out" 2>&1 ||
	    { E2E_REASON="--accept-shrink failed: $(cat "$E2E_TMP/accept.out")"; return 1; }
	rm -f "$E2E_TMP/milter.pid"
	e2e_wait_for 10 "[ \$(grep -c 'shrink accepted' '$E2E_TMP/milter.log') -gt $before ]" ||
	    { E2E_REASON="SIGUSR2 did not load the smaller file"; return 1; }
	grep 'shrink accepted' "$E2E_TMP/milter.log" | tail -1 | grep -q ' 2 customers' ||
	    { E2E_REASON="after SIGUSR2: $(grep 'shrink accepted' "$E2E_TMP/milter.log" | tail -1)"; return 1; }
	customers_restore
}

# A BOM before the first row (a spreadsheet export) still finds that customer.
case_customers_bom() {
	local before t=$(e2e_token)

	base_conf || return 1
	before=$(grep -c 'reloaded (' "$E2E_TMP/milter.log")
	{ printf '\xef\xbb\xbf'; grep -v '^recipient,' "$E2E_DIR/customers.csv"; } | customers_put
	kill -USR1 "$E2E_MILTER_PID"
	e2e_wait_for 10 "[ \$(grep -c 'reloaded (' '$E2E_TMP/milter.log') -gt $before ]" ||
	    { E2E_REASON="the BOM file was not loaded: $(tail -2 "$E2E_TMP/milter.log")"; return 1; }
	send "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready." &&
	    e2e_wait_queue || { expect_queued "$t"; return 1; }
	expect_delivered "$t" "$PARTNER" && expect_audit "$t" action=reroute customer=cust-contoso 2>/dev/null ||
	    expect_audit "$t" action=reroute "<$ALICE>=reroute" || return 1
	customers_restore
}

# A file written in two steps a second apart is read once, whole: the watcher waits for it to settle.
case_customers_settle() {
	local before refused i t

	# A settle time well above the second between the two writes, however slow the machine.
	E2E_CONF=settle
	with_conf -e 's/customers_file = "customers.csv";/customers_file = "customers.csv"; settle_time = 4;/' ||
	    return 1
	before=$(grep -c 'reloaded (' "$E2E_TMP/milter.log")
	refused=$(grep -c 'refused' "$E2E_TMP/milter.log")
	sed 's/^northwind.example,.*/northwind.example,cust-northwind,csp@partner-b.example,yes,no/' \
	    "$E2E_DIR/customers.csv" >"$E2E_TMP/settled.csv"
	# Rewritten in place: truncated first, then the rows, the last one a second later.
	head -c -20 "$E2E_TMP/settled.csv" >"$E2E_TMP/customers.csv"
	batch_tokens 16
	for i in $(seq 1 16); do
		t="${BATCH[$((i - 1))]}"
		e2e_msg "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice is ready." >/dev/null
		e2e_swaks "$t" "$VENDOR" "$ALICE" || { expect_queued "$t"; return 1; }
		[ "$i" = 2 ] && tail -c 20 "$E2E_TMP/settled.csv" >>"$E2E_TMP/customers.csv"
		sleep 0.5
	done
	e2e_wait_queue && expect_once "$PARTNER" "${BATCH[@]}" || return 1
	[ "$(grep -c 'refused' "$E2E_TMP/milter.log")" = "$refused" ] ||
	    { E2E_REASON="the half-written file was read: $(grep refused "$E2E_TMP/milter.log" | tail -1)"; return 1; }
	[ "$(grep -c 'reloaded (' "$E2E_TMP/milter.log")" -gt "$before" ] ||
	    { E2E_REASON="the settled file was never loaded"; return 1; }
	customers_restore
}

e2e_init
e2e_postfix_start
E2E_CONF=
e2e_milter_start || e2e_die "$E2E_REASON"
E2E_CONF=base

if [ $# -gt 0 ]; then
	CASES="$*"
else
	CASES="reroute mixed_reroute mixed_reject_message mixed_reject_recipients incident
	    non_csp_direct non_csp_csp_only other_held non_vendor monitor forged_headers forged_many
	    forged_names forged_40000 sendmail
	    bulk_smtp_source milter_killed reloads customers_replaced audit_full milter_stopped
	    flood big_message audit_report
	    rcpt_trailing_dot rcpt_upper_case rcpt_percent_hack rcpt_bang_path rcpt_quoted_special
	    rcpt_quoted_plain rcpt_quoted_address rcpt_source_route rcpt_idn_alabel
	    rcpt_idn_alabel_upper rcpt_idn_ulabel rcpt_idn_ulabel_upper rcpt_bang_at_relay rcpt_unreadable
	    sendmail_trailing_dot sendmail_bang_path sendmail_incident from_ew_lt from_ew_quote from_two_headers
	    from_second_mailbox from_sender_header from_trailing_dot from_empty_angle from_unclosed_comment
	    from_after_10000_headers from_after_1mib_headers from_70kb_display_name from_vendor_in_comment mail_from_quoted
	    customers_truncated customers_header_only customers_cut_midrow customers_wildcard
	    customers_shrink customers_shrink_accepted customers_bom customers_settle
	    contest_footer hidden_twin log_forgery"
fi
for c in $CASES; do
	e2e_run "$c" "case_$c"
done
e2e_done
