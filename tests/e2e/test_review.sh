#!/bin/bash
# test_review.sh - csp-milter-audit --review end to end: mail held by the milter
# in a private Postfix is released, rerouted, taught or left, through the
# script forms, and arrives at smtp-sink; the audit log has the review records.
#
# Run by "make check" (needs root and Postfix; skipped, 77, without Postfix),
# or by hand:
#   top_srcdir=/path/to/src top_builddir=/path/to/build tests/e2e/test_review.sh [CASE...]

. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/review_lib.sh"

# Released as it is: the customer gets it, unchanged; the record says who released it.
case_release() {
	local t=$(e2e_token) out n

	review_hold "$t" "$ALICE" || return 1
	out=$(review_cmd --release "$REVIEW_QID" 2>&1) ||
	    { E2E_REASON="--release exited $?: $out"; return 1; }
	review_wait_delivered "$t" && expect_delivered "$t" "<$ALICE>" || return 1
	! e2e_held "$REVIEW_QID" || { E2E_REASON="$REVIEW_QID still held"; return 1; }
	expect_review "$REVIEW_QID" '"action":"deliver"' '"choice":"release"' "\"by\":\"$REVIEW_BY\"" \
	    '"record":"audit"' "\"rcpt\":\"<$ALICE>\",\"customer\":\"cust-contoso\"" '"decision":"deliver"' ||
	    return 1
	# The report counts the message once: the milter's decision, not the review record after it;
	# --json passes both records on.
	n=$("$REVIEW_TOOL" --csv "$E2E_TMP/audit.jsonl" | grep -c -F "$REVIEW_QID")
	[ "$n" = 1 ] || { E2E_REASON="--csv lists $REVIEW_QID $n times"; return 1; }
	n=$("$REVIEW_TOOL" --json "$E2E_TMP/audit.jsonl" | grep -c -F "\"queue_id\":\"$REVIEW_QID\"")
	[ "$n" = 2 ] || { E2E_REASON="--json passes $n records of $REVIEW_QID on, not 2"; return 1; }
}

# Rerouted: one copy to the partner and to the non-customer, none to the customer, the held copy gone.
case_reroute() {
	local t=$(e2e_token) out

	review_hold "$t" "$ALICE,$BOB" || return 1
	out=$(review_cmd --reroute "$REVIEW_QID" 2>&1) ||
	    { E2E_REASON="--reroute exited $?: $out"; return 1; }
	review_wait_delivered "$t" && expect_delivered "$t" "<$BOB> <$PARTNER>" || return 1
	! e2e_held "$REVIEW_QID" || { E2E_REASON="$REVIEW_QID still held after the reroute"; return 1; }
	! e2e_queue_json | grep -q "\"$REVIEW_QID\"" ||
	    { E2E_REASON="$REVIEW_QID still queued: $(e2e_queue_json)"; return 1; }
	expect_review "$REVIEW_QID" '"action":"reroute"' '"choice":"reroute"' \
	    "\"reinjected_to\":[\"$PARTNER\",\"$BOB\"]" "\"rcpt\":\"<$ALICE>\"" '"decision":"reroute"'
}

# Taught as billing: the learner gets the class, note, reviewer and the held bytes; then the partner gets it.
case_teach_subscription() {
	local t=$(e2e_token) out n

	review_hold "$t" "$ALICE" || return 1
	postcat -c "$E2E_PF" -hb -q "$REVIEW_QID" >"$E2E_TMP/out/$t.held" 2>/dev/null
	out=$(review_cmd --teach subscription "$REVIEW_QID" 2>&1) ||
	    { E2E_REASON="--teach exited $?: $out"; return 1; }
	n=$(cat "$FAKE_LEARNER_DIR/calls")
	printf '%s\n' -c "$E2E_TMP/csp-milter.conf" --learn subscription --by "$REVIEW_BY" \
	    --note "review of $REVIEW_QID" - >"$E2E_TMP/out/$t.args"
	cmp -s "$FAKE_LEARNER_DIR/args.$n" "$E2E_TMP/out/$t.args" ||
	    { E2E_REASON="learner arguments: $(tr '\n' ' ' <"$FAKE_LEARNER_DIR/args.$n")"; return 1; }
	[ -s "$E2E_TMP/out/$t.held" ] && cmp -s "$FAKE_LEARNER_DIR/stdin.$n" "$E2E_TMP/out/$t.held" ||
	    { E2E_REASON="the learner did not get the held message's bytes"; return 1; }
	grep -q "We are glad you joined us, $t" "$FAKE_LEARNER_DIR/stdin.$n" ||
	    { E2E_REASON="the learner's message lacks the body"; return 1; }
	review_wait_delivered "$t" && expect_delivered "$t" "<$PARTNER>" || return 1
	expect_review "$REVIEW_QID" '"choice":"teach"' '"taught_class":"subscription"' '"action":"reroute"'
}

# Taught as an incident: its policy delivers, so the message is released to the customer.
case_teach_incident() {
	local t=$(e2e_token) out

	review_hold "$t" "$ALICE" || return 1
	out=$(review_cmd --teach incident "$REVIEW_QID" 2>&1) ||
	    { E2E_REASON="--teach exited $?: $out"; return 1; }
	review_wait_delivered "$t" && expect_delivered "$t" "<$ALICE>" || return 1
	expect_review "$REVIEW_QID" '"choice":"teach"' '"taught_class":"incident"' '"action":"deliver"'
}

# Taught as other: its policy holds mail to a CSP customer, so it stays held, and says so.
case_teach_other_stays() {
	local t=$(e2e_token) out

	review_hold "$t" "$ALICE" || return 1
	out=$(review_cmd --teach other "$REVIEW_QID" 2>&1) ||
	    { E2E_REASON="--teach exited $?: $out"; return 1; }
	case "$out" in *"stays held"*) ;; *) E2E_REASON="no 'stays held' in: $out"; return 1 ;; esac
	e2e_held "$REVIEW_QID" || { E2E_REASON="$REVIEW_QID no longer held"; return 1; }
	expect_not_delivered "$t" &&
	    expect_review "$REVIEW_QID" '"choice":"teach"' '"taught_class":"other"' '"action":"quarantine"'
}

# Left held: nothing moves, and the record says it was seen.
case_leave() {
	local t=$(e2e_token) out

	review_hold "$t" "$ALICE" || return 1
	out=$(review_cmd --leave "$REVIEW_QID" 2>&1) ||
	    { E2E_REASON="--leave exited $?: $out"; return 1; }
	e2e_held "$REVIEW_QID" || { E2E_REASON="$REVIEW_QID no longer held"; return 1; }
	expect_not_delivered "$t" &&
	    expect_review "$REVIEW_QID" '"choice":"leave"' '"action":"quarantine"' '"decision":"quarantine"'
}

# --list: every held message, oldest first, with its class; --json gives the same as objects.
case_list() {
	local t1=$(e2e_token) t2=$(e2e_token) q1 q2 out

	review_hold "$t1" "$ALICE" || return 1
	q1=$REVIEW_QID
	sleep 1.1	# postqueue -j gives whole seconds
	review_hold "$t2" "$ALICE,$BOB" || return 1
	q2=$REVIEW_QID
	out=$(review_cmd --list) || { E2E_REASON="--list exited $?"; return 1; }
	printf '%s\n' "$out" | grep -q "^$q1 .* <$VENDOR> <$ALICE> class=other$" &&
	    printf '%s\n' "$out" | grep -q "^$q2 .* <$VENDOR> <$ALICE>,<$BOB> class=other$" ||
	    { E2E_REASON="--list: $out"; return 1; }
	[ "$(printf '%s\n' "$out" | grep -n -e "^$q1 " -e "^$q2 " | cut -d: -f1 | tr '\n' ' ')" != "" ] &&
	    [ "$(printf '%s\n' "$out" | grep -n "^$q1 " | cut -d: -f1)" -lt \
	    "$(printf '%s\n' "$out" | grep -n "^$q2 " | cut -d: -f1)" ] ||
	    { E2E_REASON="--list not oldest first: $out"; return 1; }
	out=$(review_cmd --list --json | grep "\"queue_id\":\"$q2\"")
	python3 -c 'import json,sys; o=json.loads(sys.argv[1]); assert o["recipients"]==[sys.argv[2],sys.argv[3]] and o["class"]=="other" and o["record"] is True, o' \
	    "$out" "$ALICE" "$BOB" 2>"$E2E_TMP/out/list.err" ||
	    { E2E_REASON="--list --json: $out $(cat "$E2E_TMP/out/list.err")"; return 1; }
	review_cmd --leave "$q1" >/dev/null && review_cmd --leave "$q2" >/dev/null
}

# Bad usage is 64 with the valid values; a queue ID not held is 69; nothing is recorded for either.
case_exit_codes() {
	local t=$(e2e_token) out rc before

	review_hold "$t" "$ALICE" || return 1
	before=$(grep -c '"review":{' "$E2E_TMP/audit.jsonl")
	out=$(review_cmd --teach billing "$REVIEW_QID" 2>&1); rc=$?
	[ "$rc" = 64 ] && [[ $out == *"valid values: subscription, incident, non_csp, other"* ]] ||
	    { E2E_REASON="--teach billing: exit $rc: $out"; return 1; }
	out=$(review_cmd --release 2>&1); rc=$?
	[ "$rc" = 64 ] || { E2E_REASON="--release without an ID: exit $rc: $out"; return 1; }
	out=$(review_cmd --release "$REVIEW_QID" --leave "$REVIEW_QID" 2>&1); rc=$?
	[ "$rc" = 64 ] || { E2E_REASON="two choices: exit $rc: $out"; return 1; }
	out=$(review_cmd --release NOSUCHID 2>&1); rc=$?
	[ "$rc" = 69 ] && [[ $out == *"NOSUCHID: no such message in the postfix hold queue"* ]] ||
	    { E2E_REASON="--release NOSUCHID: exit $rc: $out"; return 1; }
	out=$(review_cmd --postfix-config "$E2E_TMP/nowhere" --list 2>&1); rc=$?
	[ "$rc" = 69 ] && [[ $out == *postqueue* ]] ||
	    { E2E_REASON="--list of a missing instance: exit $rc: $out"; return 1; }
	[ "$(grep -c '"review":{' "$E2E_TMP/audit.jsonl")" = "$before" ] ||
	    { E2E_REASON="a failed command wrote a review record"; return 1; }
	e2e_held "$REVIEW_QID" || { E2E_REASON="$REVIEW_QID no longer held"; return 1; }
	review_cmd --leave "$REVIEW_QID" >/dev/null
}

# The learner fails (75): nothing is released, nothing recorded, and the status says try again.
case_learner_fails() {
	local t=$(e2e_token) out rc

	review_hold "$t" "$ALICE" || return 1
	out=$(FAKE_LEARNER_EXIT=75 review_cmd --teach subscription "$REVIEW_QID" 2>&1); rc=$?
	[ "$rc" = 75 ] && [[ $out == *"not taught"*"failing as asked"* ]] ||
	    { E2E_REASON="failing learner: exit $rc: $out"; return 1; }
	e2e_held "$REVIEW_QID" || { E2E_REASON="$REVIEW_QID released after a failed teach"; return 1; }
	! grep -F "\"queue_id\":\"$REVIEW_QID\"" "$E2E_TMP/audit.jsonl" | grep -q '"review":{' ||
	    { E2E_REASON="a failed teach was recorded"; return 1; }
	expect_not_delivered "$t" && review_cmd --leave "$REVIEW_QID" >/dev/null
}

# A held message whose audit record is gone: said so, and decided from decoding it again.
case_no_record() {
	local t=$(e2e_token) out

	review_hold "$t" "$ALICE" || return 1
	# Rewritten in place: the milter appends to the same file.
	grep -v -F "\"queue_id\":\"$REVIEW_QID\"" "$E2E_TMP/audit.jsonl" >"$E2E_TMP/audit.tmp"
	cat "$E2E_TMP/audit.tmp" >"$E2E_TMP/audit.jsonl"
	out=$(review_cmd --list | grep "^$REVIEW_QID ")
	[[ $out == *"(no audit record)"* ]] || { E2E_REASON="--list: $out"; return 1; }
	out=$(review_cmd --reroute "$REVIEW_QID" 2>&1) || { E2E_REASON="--reroute: $out"; return 1; }
	review_wait_delivered "$t" && expect_delivered "$t" "<$PARTNER>" &&
	    expect_review "$REVIEW_QID" '"record":"rescan"' '"class":"other"' '"choice":"reroute"'
}

# review_hold_template - a weekly summary no rule reads (class other: held); TOKEN N; REVIEW_QID
review_hold_template() {
	local tok="$1" n="$2"

	e2e_msg "$tok" "$VENDOR" "$ALICE" "Weekly workspace summary" \
	    "Workspace $tok stored $((n * 37)) files and ran $n jobs this week. Nothing needs your attention; the figures are in the console." >/dev/null
	e2e_swaks "$tok" "$VENDOR" "$ALICE" || { expect_queued "$tok"; return 1; }
	e2e_wait_queue || return 1
	REVIEW_QID=$(e2e_swaks_qid "$tok")
}

# review_reload - SIGUSR1 to the milter, and wait until it says it reloaded
review_reload() {
	local before

	before=$(grep -c 'reloaded (SIGUSR1)' "$E2E_TMP/milter.log")
	kill -USR1 "$E2E_MILTER_PID" 2>/dev/null
	e2e_wait_for 20 "[ \$(grep -c 'reloaded (SIGUSR1)' '$E2E_TMP/milter.log') -gt $before ]" ||
	    { E2E_REASON="the milter did not reload: $(tail -3 "$E2E_TMP/milter.log")"; return 1; }
}

# Taught with the real learner and released; after a reload the next message of the same template is
# decided by the example (incident: delivered, not held), and its audit record names the example.
case_teach_real() {
	local t=$(e2e_token) t2=$(e2e_token) out q2 rec

	review_hold_template "$t" 3 || return 1
	e2e_held "$REVIEW_QID" || { E2E_REASON="$t: $REVIEW_QID not held: $(e2e_queue_json)"; return 1; }
	out=$(REVIEW_LEARNER="$top_builddir/src/csp-milter" review_cmd --teach incident "$REVIEW_QID" 2>&1) ||
	    { E2E_REASON="--teach with the real learner exited $?: $out"; return 1; }
	review_wait_delivered "$t" && expect_delivered "$t" "<$ALICE>" || return 1
	expect_review "$REVIEW_QID" '"choice":"teach"' '"taught_class":"incident"' '"action":"deliver"' || return 1
	out=$("$top_builddir/src/csp-milter" -c "$E2E_TMP/csp-milter.conf" --examples --json) &&
	    [[ $out == *'"class":"incident"'*"\"note\":\"review of $REVIEW_QID\""* ]] ||
	    { E2E_REASON="--examples after the teach: $out"; return 1; }
	review_reload || return 1
	review_hold_template "$t2" 11 || return 1
	q2=$REVIEW_QID
	! e2e_held "$q2" || { E2E_REASON="$t2: the same template is still held"; return 1; }
	review_wait_delivered "$t2" && expect_delivered "$t2" "<$ALICE>" || return 1
	rec=$(grep -F "\"queue_id\":\"$q2\"" "$E2E_TMP/audit.jsonl" | head -1)
	[[ $rec == *'"class":"incident"'* && $rec == *'"examples":['* ]] ||
	    { E2E_REASON="$q2: the audit record names no example: $rec"; return 1; }
}

# csp-milter --learn CLASS --queue-id ID reads the held message from Postfix's queue and leaves it held;
# a queue ID Postfix does not have is an error and nothing is learned.
case_learn_queue_id() {
	local t=$(e2e_token) out rc n

	review_hold "$t" "$ALICE" || return 1
	out=$("$top_builddir/src/csp-milter" -c "$E2E_TMP/csp-milter.conf" --learn non_csp --by tester \
	    --note "from the queue" --queue-id "$REVIEW_QID" --postfix-config "$E2E_PF" 2>&1) ||
	    { E2E_REASON="--learn --queue-id exited $?: $out"; return 1; }
	[[ $out =~ ^[0-9]+\ $REVIEW_QID$ ]] || { E2E_REASON="--learn --queue-id printed: $out"; return 1; }
	out=$("$top_builddir/src/csp-milter" -c "$E2E_TMP/csp-milter.conf" --examples --json)
	[[ $out == *"\"class\":\"non_csp\""*"\"source\":\"$REVIEW_QID\""* ]] ||
	    { E2E_REASON="--examples: $out"; return 1; }
	e2e_held "$REVIEW_QID" || { E2E_REASON="$REVIEW_QID no longer held after --learn"; return 1; }
	n=$(printf '%s\n' "$out" | grep -c .)
	out=$("$top_builddir/src/csp-milter" -c "$E2E_TMP/csp-milter.conf" --learn other \
	    --queue-id NOSUCHID --postfix-config "$E2E_PF" 2>&1); rc=$?
	[ "$rc" = 1 ] && [[ $out == *"queue ID NOSUCHID"*"nothing learned"* ]] ||
	    { E2E_REASON="--queue-id NOSUCHID: exit $rc: $out"; return 1; }
	[ "$("$top_builddir/src/csp-milter" -c "$E2E_TMP/csp-milter.conf" --examples --json | grep -c .)" = "$n" ] ||
	    { E2E_REASON="a failed --learn --queue-id added an example"; return 1; }
	review_cmd --leave "$REVIEW_QID" >/dev/null
}

review_require_postfix
review_start
if [ $# -gt 0 ]; then
	CASES="$*"
else
	CASES="release reroute teach_subscription teach_incident teach_other_stays leave list
	    exit_codes learner_fails no_record teach_real learn_queue_id"
fi
for c in $CASES; do
	e2e_run "$c" "case_$c"
done
e2e_done
