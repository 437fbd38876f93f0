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

# Mail submitted with Postfix's sendmail (non_smtpd_milters) is treated the same.
case_sendmail() {
	local t=$(e2e_token)

	base_conf || return 1
	e2e_msg "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready." >/dev/null
	e2e_sendmail "$t" "$VENDOR" "$ALICE" ||
	    { E2E_REASON="sendmail failed: $(cat "$E2E_TMP/out/$t.sendmail")"; return 1; }
	e2e_wait_for 20 "[ -n \"\$(e2e_sink_files $t)\" ]"
	e2e_wait_queue || return 1
	expect_delivered "$t" "$PARTNER" && expect_header "$t" X-CSP-Rerouted 1 &&
	    expect_audit "$t" class=subscription action=reroute "$ALICE=reroute" || return 1
	grep -q "with ESMTP id $E2E_QID\|id $E2E_QID;" "$E2E_FILE" ||
	    grep -q "id $E2E_QID" "$E2E_FILE" || { E2E_REASON="$t: queue id $E2E_QID not in Received"; return 1; }
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

e2e_init
e2e_postfix_start
E2E_CONF=
e2e_milter_start || e2e_die "$E2E_REASON"
E2E_CONF=base

if [ $# -gt 0 ]; then
	CASES="$*"
else
	CASES="reroute mixed_reroute mixed_reject_message mixed_reject_recipients incident
	    non_csp_direct non_csp_csp_only other_held non_vendor monitor forged_headers sendmail
	    bulk_smtp_source"
fi
for c in $CASES; do
	e2e_run "$c" "case_$c"
done
e2e_done
