#!/bin/bash
# test_review_tmux.sh - csp-milter-audit --review on a terminal: started in a
# detached tmux session against a private Postfix holding two messages, driven
# with send-keys, its screen read with capture-pane.
#
# Run by "make check" (needs root, Postfix and tmux; skipped, 77, without
# Postfix), or by hand:
#   top_srcdir=/path/to/src top_builddir=/path/to/build tests/e2e/test_review_tmux.sh

. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/review_lib.sh"

TMUX_SESSION=
TMUX_SOCKET=

# tmux_cmd - tmux on the test's own server socket
tmux_cmd() {
	tmux -S "$TMUX_SOCKET" "$@"
}

# tmux_screen - the pane as text, with its history
tmux_screen() {
	tmux_cmd capture-pane -p -J -S -200 -t "$TMUX_SESSION" 2>/dev/null
}

# tmux_wait - wait (at most 20 s) until the screen shows the fixed string $1
tmux_wait() {
	local i

	for i in $(seq 1 200); do
		tmux_screen | grep -q -F -- "$1" && return 0
		sleep 0.1
	done
	E2E_REASON="the screen never showed '$1'; it shows: $(tmux_screen | tail -15)"
	return 1
}

# tmux_count - how many lines of the screen hold the fixed string $1
tmux_count() {
	tmux_screen | grep -c -F -- "$1"
}

# tmux_stop - end the session and its server (ours alone: its own socket)
tmux_stop() {
	[ -n "$TMUX_SOCKET" ] && tmux_cmd kill-server 2>/dev/null
	TMUX_SOCKET=
}

# The walk: oldest first; the first released, the second taught as billing (rerouted).
case_walk() {
	local t1=$(e2e_token) t2=$(e2e_token) q1 q2 n

	review_hold "$t1" "$ALICE" || return 1
	q1=$REVIEW_QID
	sleep 1.1	# a second apart: postqueue -j gives whole seconds
	review_hold "$t2" "$ALICE,$BOB" || return 1
	q2=$REVIEW_QID
	TMUX_SOCKET="$E2E_TMP/tmux.sock"
	TMUX_SESSION=review
	tmux_cmd new-session -d -s "$TMUX_SESSION" -x 160 -y 50 \
	    "FAKE_LEARNER_DIR='$FAKE_LEARNER_DIR' '$REVIEW_TOOL' --review -c '$E2E_TMP/csp-milter.conf' \
	    --postfix-config '$E2E_PF' --milter '$REVIEW_LEARNER' --by '$REVIEW_BY'; \
	    echo review-exit=\$?; sleep 600" ||
	    { E2E_REASON="tmux new-session failed"; return 1; }
	tmux_wait "[r]elease  re[R]oute  [t]each CLASS  [l]eave  [q]uit?" || return 1
	# The first shown is the older message, with what decided it and an excerpt.
	for s in "2 held messages; reviewing as $REVIEW_BY" "=== held message 1 of 2 ===" \
	    "queue ID    $q1" "sender      <$VENDOR>" \
	    "recipient   <$ALICE> customer cust-contoso (csp), partner <$PARTNER>" \
	    "class       other" "subscription=0" "rules       none matched" \
	    "record      " "action quarantine, mode enforce" "| we are glad you joined us, $t1."; do
		tmux_screen | grep -q -F -- "$s" || { E2E_REASON="screen lacks '$s': $(tmux_screen)"; return 1; }
	done
	tmux_screen | grep -q -F -- "$q2" && { E2E_REASON="the newer message shown first"; return 1; }
	tmux_cmd send-keys -t "$TMUX_SESSION" r Enter
	tmux_wait "$q1: released" && tmux_wait "=== held message 2 of 2 ===" || return 1
	for s in "queue ID    $q2" "<$BOB> not a customer" "| we are glad you joined us, $t2."; do
		tmux_screen | grep -q -F -- "$s" || { E2E_REASON="screen lacks '$s': $(tmux_screen)"; return 1; }
	done
	# A wrong class is refused with the valid ones, then asked again.
	tmux_cmd send-keys -t "$TMUX_SESSION" "t billing" Enter
	tmux_wait "unknown class 'billing'; valid values: subscription, incident, non_csp, other" || return 1
	n=$(tmux_count "[q]uit?")
	[ "$n" = 3 ] || { E2E_REASON="$n prompts after a refused class, expected 3"; return 1; }
	tmux_cmd send-keys -t "$TMUX_SESSION" t Enter
	tmux_wait "class (subscription, incident, non_csp, other)?" || return 1
	tmux_cmd send-keys -t "$TMUX_SESSION" subscription Enter
	tmux_wait "$q2: taught as subscription" && tmux_wait "$q2: rerouted to <$PARTNER> <$BOB>" &&
	    tmux_wait "reviewed 2 of 2: 1 released, 0 rerouted, 1 taught, 0 left held" &&
	    tmux_wait "review-exit=0" || return 1
	# What the screen said happened did happen.
	review_wait_delivered "$t1" && expect_delivered "$t1" "<$ALICE>" || return 1
	review_wait_delivered "$t2" && expect_delivered "$t2" "<$BOB> <$PARTNER>" || return 1
	grep -qx -- subscription "$FAKE_LEARNER_DIR/args.1" && grep -qx -- "review of $q2" "$FAKE_LEARNER_DIR/args.1" ||
	    { E2E_REASON="learner arguments: $(tr '\n' ' ' <"$FAKE_LEARNER_DIR/args.1")"; return 1; }
	expect_review "$q1" '"choice":"release"' "\"by\":\"$REVIEW_BY\"" '"action":"deliver"' &&
	    expect_review "$q2" '"choice":"teach"' '"taught_class":"subscription"' '"action":"reroute"'
}

# [l]eave then [q]uit: the message stays held, the walk ends where asked.
case_leave_quit() {
	local t1=$(e2e_token) t2=$(e2e_token) q1 q2

	review_hold "$t1" "$ALICE" || return 1
	q1=$REVIEW_QID
	sleep 1.1
	review_hold "$t2" "$ALICE" || return 1
	q2=$REVIEW_QID
	TMUX_SOCKET="$E2E_TMP/tmux2.sock"
	TMUX_SESSION=review2
	tmux_cmd new-session -d -s "$TMUX_SESSION" -x 160 -y 50 \
	    "'$REVIEW_TOOL' --review -c '$E2E_TMP/csp-milter.conf' --postfix-config '$E2E_PF' \
	    --by '$REVIEW_BY'; echo review-exit=\$?; sleep 600" ||
	    { E2E_REASON="tmux new-session failed"; return 1; }
	tmux_wait "queue ID    $q1" && tmux_wait "[q]uit?" || return 1
	tmux_cmd send-keys -t "$TMUX_SESSION" l Enter
	tmux_wait "$q1: left held" && tmux_wait "queue ID    $q2" || return 1
	tmux_cmd send-keys -t "$TMUX_SESSION" q Enter
	tmux_wait "reviewed 1 of 2: 0 released, 0 rerouted, 0 taught, 1 left held" &&
	    tmux_wait "review-exit=0" || return 1
	e2e_held "$q1" && e2e_held "$q2" || { E2E_REASON="a message left the hold queue"; return 1; }
	expect_review "$q1" '"choice":"leave"' &&
	    ! grep -F "\"queue_id\":\"$q2\"" "$E2E_TMP/audit.jsonl" | grep -q '"review":{' ||
	    { E2E_REASON="${E2E_REASON:-quitting recorded a choice for $q2}"; return 1; }
}

# Deleted elsewhere while on screen: the release fails with postsuper's word, and the walk moves on.
case_gone() {
	local t=$(e2e_token) q

	review_hold "$t" "$ALICE" || return 1
	q=$REVIEW_QID
	TMUX_SOCKET="$E2E_TMP/tmux3.sock"
	TMUX_SESSION=review3
	tmux_cmd new-session -d -s "$TMUX_SESSION" -x 160 -y 50 \
	    "'$REVIEW_TOOL' --review -c '$E2E_TMP/csp-milter.conf' --postfix-config '$E2E_PF' \
	    --by '$REVIEW_BY'; echo review-exit=\$?; sleep 600" ||
	    { E2E_REASON="tmux new-session failed"; return 1; }
	tmux_wait "queue ID    $q" && tmux_wait "[q]uit?" || return 1
	postsuper -c "$E2E_PF" -d "$q" >/dev/null 2>&1
	tmux_cmd send-keys -t "$TMUX_SESSION" r Enter
	tmux_wait "$q: not released: postsuper -H $q: postsuper: Released from hold: 0 messages" &&
	    tmux_wait "$q: no longer held (released or deleted elsewhere); next" &&
	    tmux_wait "reviewed 1 of 1: 0 released, 0 rerouted, 0 taught, 0 left held" &&
	    tmux_wait "review-exit=0" || return 1
	! grep -F "\"queue_id\":\"$q\"" "$E2E_TMP/audit.jsonl" | grep -q '"review":{' ||
	    { E2E_REASON="a failed release was recorded"; return 1; }
}

review_require_postfix
command -v tmux >/dev/null 2>&1 || e2e_die "tmux not found: apt-get install -y tmux"
review_start
trap 'tmux_stop; e2e_teardown' EXIT
for c in ${*:-walk leave_quit gone}; do
	e2e_run "$c" "case_$c"
	tmux_stop
	# Each case starts from an empty hold queue.
	postsuper -c "$E2E_PF" -d ALL hold >/dev/null 2>&1
done
e2e_done
