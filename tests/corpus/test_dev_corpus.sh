#!/bin/sh
# test_dev_corpus.sh - the shipped rules against the development corpus.
#
# Runs "csp-milter --evaluate" with conf/csp-milter.conf over
# $top_srcdir/../shared/corpus/dev and prints the report (accuracy, the
# confusion matrix, the rules, the misses).  Fails when the accuracy is
# below $CSP_DEV_MIN_ACCURACY (default 0.95).  A clone without ../shared
# has no corpus: the test is then skipped (exit 77), the only reason to.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
corpus=$top_srcdir/../shared/corpus/dev
bin=$top_builddir/src/csp-milter
min=${CSP_DEV_MIN_ACCURACY:-0.95}

if [ ! -d "$corpus" ]; then
	echo "SKIP: no development corpus at $corpus"
	exit 77
fi
out=$(mktemp "${TMPDIR:-/tmp}/csp-dev-corpus.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
echo "$bin -c $top_srcdir/conf/csp-milter.conf --evaluate $corpus"
if ! "$bin" -c "$top_srcdir/conf/csp-milter.conf" --evaluate "$corpus" >"$out"; then
	cat "$out"
	echo "FAIL: csp-milter --evaluate exited with an error"
	exit 1
fi
cat "$out"
accuracy=$(sed -n 's/^accuracy: \([0-9.]*\) .*/\1/p' "$out")
if [ -z "$accuracy" ]; then
	echo "FAIL: no accuracy line in the report"
	exit 1
fi
if awk -v a="$accuracy" -v m="$min" 'BEGIN { exit !(a + 0 < m + 0) }'; then
	echo "FAIL: accuracy $accuracy is below $min (CSP_DEV_MIN_ACCURACY)"
	exit 1
fi
echo "PASS: accuracy $accuracy >= $min"
