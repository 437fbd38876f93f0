#!/bin/sh
# fake-learner.sh - a stand-in for "csp-milter --learn" in the review tests.
#
# csp-milter --learn is built on another branch; until the lead merges it,
# the review tests point --milter at this script.  It records its arguments
# (one a line) in $FAKE_LEARNER_DIR/args.N and the message it was given on
# stdin in $FAKE_LEARNER_DIR/stdin.N, N counting calls from 1, so the test
# checks that the right class, note, reviewer and message bytes reached the
# learner.  FAKE_LEARNER_EXIT makes it fail with that status (and a message).
dir=${FAKE_LEARNER_DIR:?FAKE_LEARNER_DIR not set}
n=$(($(cat "$dir/calls" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/calls"
for a in "$@"; do
	printf '%s\n' "$a"
done >"$dir/args.$n"
cat >"$dir/stdin.$n"
if [ -n "${FAKE_LEARNER_EXIT:-}" ]; then
	echo "fake-learner: failing as asked ($FAKE_LEARNER_EXIT)" >&2
	exit "$FAKE_LEARNER_EXIT"
fi
echo "learned 1 example (fake)"
