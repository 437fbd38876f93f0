#!/bin/sh
# test_probes.sh - the shipped rules against the meaning probes.
#
# tests/fixtures/probes holds short vendor notices written for this test,
# one per corpus sub-topic, language (en, zh-TW, zh-CN, ja, ko, de, fr, es,
# pt-BR) and register (formal, terse, plain, fresh, and "long": notices in
# the full shape of vendor mail, greeting and footer included, written blind
# to measure generalisation), plus hard cases per class, and a sixth register,
# "shapes" (also written blind): about thirty notices per language in the
# shapes real mail takes - bilingual, table (HTML label and value cells),
# digest, aside (a line of another class), wrapped (narrow or quoted) and
# terse, a seventh, "paraphrase" (also written blind): one notice per
# sub-topic and language that says what the sub-topic means without its
# most obvious words, and an eighth, "wild" (also written blind): about
# twenty notices per language modelled on what real vendors the corpus has
# not covered much send, each label saying where its vocabulary was seen;
# make_probes.py beside them generates them.  This test
#   1. regenerates the probes into a temporary directory and compares them
#      byte for byte with the committed ones (when python3 is there);
#   2. runs "csp-milter --evaluate" with conf/csp-milter.conf over them and
#      fails when the accuracy is below $CSP_PROBES_MIN_ACCURACY;
#   3. fails when any probe tagged "promise" (billing mail, which must never
#      be delivered straight to a CSP customer as an incident) is classed
#      incident, whatever the accuracy.
# The floor, 0.99, is set just under what the shipped rules reach (0.9960,
# 3270 of 3283, with the long register that was written blind and measured
# before any rule saw it: 0.875 on its first run): a change that costs more
# than about thirty probes fails here and must be looked at, not the floor moved.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
probes=$top_srcdir/tests/fixtures/probes
bin=$top_builddir/src/csp-milter
min=${CSP_PROBES_MIN_ACCURACY:-0.99}
py=${PYTHON:-python3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/csp-probes.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

if command -v "$py" >/dev/null 2>&1; then
	if ! "$py" "$probes/make_probes.py" --out "$tmp/gen" >/dev/null; then
		echo "FAIL: make_probes.py failed"
		fail=1
	elif ! diff -r "$probes/mail" "$tmp/gen/mail" >"$tmp/diff.out" ||
	    ! cmp "$probes/labels.jsonl" "$tmp/gen/labels.jsonl"; then
		head -20 "$tmp/diff.out"
		echo "FAIL: the committed probes differ from make_probes.py's output; run python3 $probes/make_probes.py"
		fail=1
	fi
else
	echo "note: $py not found; the probes are not compared with their generator"
fi

echo "$bin -c $top_srcdir/conf/csp-milter.conf --evaluate $probes"
if ! "$bin" -c "$top_srcdir/conf/csp-milter.conf" --evaluate "$probes" >"$tmp/report"; then
	cat "$tmp/report"
	echo "FAIL: csp-milter --evaluate exited with an error"
	exit 1
fi
sed -n '1,16p' "$tmp/report"
sed -n '/^misclassified/,/^[a-z]/p' "$tmp/report"
accuracy=$(sed -n 's/^accuracy: \([0-9.]*\) .*/\1/p' "$tmp/report")
if [ -z "$accuracy" ]; then
	echo "FAIL: no accuracy line in the report"
	exit 1
fi
if awk -v a="$accuracy" -v m="$min" 'BEGIN { exit !(a + 0 < m + 0) }'; then
	echo "FAIL: accuracy $accuracy is below $min (CSP_PROBES_MIN_ACCURACY)"
	fail=1
fi

# The promise: no probe tagged "promise" is classed incident.
grep '"promise"' "$probes/labels.jsonl" |
    sed -n 's/^{"file": "\([^"]*\)".*/\1/p' >"$tmp/promise"
if [ ! -s "$tmp/promise" ]; then
	echo "FAIL: no probe is tagged \"promise\""
	fail=1
fi
grep -o '^  [^ ]*\.eml: expected [a-z_]*, got incident' "$tmp/report" |
    sed 's/^  \([^:]*\):.*/\1/' | sort >"$tmp/as_incident"
broken=$(sort "$tmp/promise" | comm -12 - "$tmp/as_incident")
if [ -n "$broken" ]; then
	echo "$broken"
	echo "FAIL: billing probes tagged \"promise\" were classed incident (delivered straight to the customer)"
	fail=1
fi
[ $fail -eq 0 ] && echo "PASS: accuracy $accuracy >= $min; none of the $(wc -l <"$tmp/promise") promise probes classed incident"
exit $fail
