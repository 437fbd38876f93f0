# review_lib.sh - helpers of the csp-milter-audit --review tests (test_review.sh, test_review_tmux.sh)
#
# Sourced after lib.sh.  The tests hold mail through the milter (class
# "other" to a CSP customer is quarantined by the e2e policy), then review
# it with csp-milter-audit --review against the private Postfix
# (--postfix-config).  Most cases point --milter at fake-learner.sh, which
# records its arguments and the message it was given, so they check that
# the right class, note, reviewer and bytes reached the learner (and can
# make it fail); case_teach_real and case_learn_queue_id use the real
# csp-milter --learn and the milter's template memory.

REVIEW_TOOL="$top_builddir/src/csp-milter-audit"
REVIEW_LEARNER="$E2E_DIR/fake-learner.sh"
REVIEW_BY=tester
# REVIEW_WRAPPER runs the script forms under a checker (valgrind ...).
REVIEW_WRAPPER=${REVIEW_WRAPPER:-}
VENDOR=billing@vendor.example
ALICE=alice@contoso.example		# CSP only, partner csp-desk@partner-a.example
BOB=bob@nowhere.example			# not a customer
PARTNER=csp-desk@partner-a.example

# review_require_postfix - skip (77) when Postfix is not installed, as the other MTA suites do
review_require_postfix() {
	local t

	for t in postfix postqueue postsuper postcat; do
		command -v "$t" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/usr/lib/postfix/sbin"
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "SKIP: $t not found: Postfix is not installed"
			[ "${CSP_TEST_STRICT:-}" = 1 ] && exit 1
			exit 77
		fi
	done
}

# review_start - the private Postfix, the sink and the milter (with a template memory); the learner's record folder
review_start() {
	e2e_init
	e2e_postfix_start
	# A template memory the real learner writes and the milter reads at its reloads.
	printf 'examples = { file = "%s"; weight = 5; min_similarity = 0.6; };\n' \
	    "$E2E_TMP/examples.db" >>"$E2E_TMP/csp-milter.conf"
	e2e_milter_start || e2e_die "$E2E_REASON"
	[ -x "$REVIEW_TOOL" ] || e2e_die "$REVIEW_TOOL not built"
	export FAKE_LEARNER_DIR="$E2E_TMP/learner"
	mkdir -p "$FAKE_LEARNER_DIR"
}

# review_cmd - csp-milter-audit --review against the private instance, with ARGS...
review_cmd() {
	$REVIEW_WRAPPER "$REVIEW_TOOL" --review -c "$E2E_TMP/csp-milter.conf" --postfix-config "$E2E_PF" \
	    --milter "$REVIEW_LEARNER" --by "$REVIEW_BY" "$@"
}

# review_hold - send one message that the milter holds: TOKEN RCPTS; REVIEW_QID is its queue ID
review_hold() {
	local tok="$1" to="$2"

	e2e_msg "$tok" "$VENDOR" "${to%%,*}" "Welcome to the community" \
	    "We are glad you joined us, $tok." >/dev/null
	e2e_swaks "$tok" "$VENDOR" "$to" || { expect_queued "$tok"; return 1; }
	e2e_wait_queue || return 1
	REVIEW_QID=$(e2e_swaks_qid "$tok")
	e2e_held "$REVIEW_QID" ||
	    { E2E_REASON="$tok: $REVIEW_QID not held: $(e2e_queue_json)"; return 1; }
}

# review_record - REVIEW_REC: the one review record of queue ID $1; fails unless exactly one
review_record() {
	local n

	REVIEW_REC=$(grep -F "\"queue_id\":\"$1\"" "$E2E_TMP/audit.jsonl" | grep -F '"review":{')
	n=$(printf '%s' "$REVIEW_REC" | grep -c .)
	[ "$n" = 1 ] && return 0
	E2E_REASON="$1: $n review records, expected 1"
	return 1
}

# expect_review - the review record of queue ID $1 has "key":"value" pairs $2...
expect_review() {
	local qid="$1" kv

	shift
	review_record "$qid" || return 1
	for kv in "$@"; do
		case "$REVIEW_REC" in
		*"$kv"*) ;;
		*) E2E_REASON="$qid: review record lacks $kv: $REVIEW_REC"; return 1 ;;
		esac
	done
}

# review_wait_delivered - wait until TOKEN arrived at the sink (the release is asynchronous)
review_wait_delivered() {
	e2e_wait_queue || return 1
	e2e_wait_for 20 "[ -n \"\$(e2e_sink_files $1)\" ]" ||
	    { E2E_REASON="$1: nothing arrived at the sink"; return 1; }
	# smtp-sink writes a file as the data comes: let it finish.
	sleep 0.5
}
