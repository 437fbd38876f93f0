#!/bin/sh
# test_corpus_build.sh - the committed corpus is what the generator makes.
#
# Runs corpus/tools/build_corpus.py into a temporary directory and compares
# its mail/ and labels.jsonl byte for byte with the committed corpus/mail
# and corpus/labels.jsonl (the generator is deterministic, so any
# difference means a source was edited without rebuilding, or the generator
# changed).  Then corpus/tools/check_corpus.py validates every label line
# and reads every message back (subject and body decode to the source).
top_srcdir=${top_srcdir:-.}
corpus=$top_srcdir/corpus
py=${PYTHON:-python3}

if ! command -v "$py" >/dev/null 2>&1; then
	echo "FAIL: $py not found (the corpus tools need python3)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/csp-corpus-build.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "$py $corpus/tools/build_corpus.py --out $tmp"
if ! "$py" "$corpus/tools/build_corpus.py" --src "$corpus/src" --out "$tmp" --quiet; then
	echo "FAIL: the generator failed"
	exit 1
fi
fail=0
if ! diff -r "$corpus/mail" "$tmp/mail" >"$tmp/diff.out"; then
	head -40 "$tmp/diff.out"
	echo "FAIL: corpus/mail differs from the generator's output; run python3 corpus/tools/build_corpus.py"
	fail=1
fi
if ! cmp "$corpus/labels.jsonl" "$tmp/labels.jsonl"; then
	echo "FAIL: corpus/labels.jsonl differs from the generator's output"
	fail=1
fi
if ! "$py" "$corpus/tools/check_corpus.py" "$corpus" "$corpus/src"; then
	echo "FAIL: check_corpus.py found problems"
	fail=1
fi
[ $fail -eq 0 ] && echo "PASS: corpus/mail and corpus/labels.jsonl match the generator and are valid"
exit $fail
