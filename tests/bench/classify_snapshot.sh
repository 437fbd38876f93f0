#!/bin/sh
# classify_snapshot - every message's class, scores, matches and model
# probabilities, one JSON line each, for proving that a change to the
# classifier's engine left its results alone:
#   sh tests/bench/classify_snapshot.sh MILTER CONF OUT DIR...   (then diff two OUTs)
# The messages of each DIR (every *.eml below it) are taken in sorted order.
set -eu
milter=$1 conf=$2 out=$3
shift 3
: > "$out"
for dir in "$@"; do
	find "$dir" -type f -name '*.eml' | LC_ALL=C sort |
	    xargs "$milter" -c "$conf" --classify --json >> "$out"
done
wc -l < "$out"
