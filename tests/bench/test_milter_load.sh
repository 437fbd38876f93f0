#!/bin/sh
# test_milter_load - milter-load against null-milter, over unix and inet.
#
# Run from the build directory after "make bench-tools":
#   top_srcdir=/path/to/src sh /path/to/src/tests/bench/test_milter_load.sh
# Exit status: 0 pass, 1 fail.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
LOAD=$top_builddir/tests/bench/milter-load
NULL=$top_builddir/tests/bench/null-milter

if [ ! -x "$LOAD" ] || [ ! -x "$NULL" ]; then
	echo "FAIL: $LOAD or $NULL not built (make check builds them)" >&2
	exit 1
fi

CORPUS=
for d in "$top_srcdir/../shared/corpus/dev" "$top_srcdir/tests/fixtures"; do
	if [ -d "$d" ] && [ -n "$(find "$d" -name '*.eml' | head -n 1)" ]; then
		CORPUS=$d
		break
	fi
done
if [ -z "$CORPUS" ]; then
	echo "FAIL: no .eml corpus found under tests/fixtures" >&2
	exit 1
fi
# tests/fixtures keeps its messages in subdirectories.
FILES=$(find "$CORPUS" -name '*.eml' | sort)

TMP=$(mktemp -d /tmp/test_milter_load.XXXXXX) || exit 1
MPID=
cleanup() {
	if [ -n "$MPID" ]; then
		kill "$MPID" 2>/dev/null
		wait "$MPID" 2>/dev/null
	fi
	MPID=
}
trap 'cleanup; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

# start_milter SOCKET - start null-milter, wait until it answers
start_milter() {
	"$NULL" -p "$1" 2>"$TMP/null-milter.err" &
	MPID=$!
	i=0
	while [ $i -lt 50 ]; do
		if "$LOAD" -s "$1" -c 1 -I 0 >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$MPID" 2>/dev/null; then
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	cleanup
	return 1
}

# run_load NAME SOCKET - 500 messages over 8 connections, no errors
run_load() {
	# shellcheck disable=SC2086
	"$LOAD" -s "$2" -n 500 -c 8 $FILES >"$TMP/out" 2>"$TMP/err"
	rc=$?
	cat "$TMP/out"
	if [ $rc -ne 0 ] || ! grep -q '^messages=500 errors=0 ' "$TMP/out"; then
		echo "FAIL: $1 (exit $rc)" >&2
		cat "$TMP/err" >&2
		return 1
	fi
	echo "PASS: $1"
}

status=0

if start_milter "unix:$TMP/null.sock"; then
	run_load unix "unix:$TMP/null.sock" || status=1
	cleanup
else
	echo "FAIL: null-milter did not start on unix:$TMP/null.sock" >&2
	cat "$TMP/null-milter.err" >&2
	status=1
fi

# A random high port; try another one if it is taken.
started=0
for try in 1 2 3 4 5; do
	port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 40000) }')
	port=$((port + try))
	if start_milter "inet:$port@127.0.0.1"; then
		started=1
		break
	fi
done
if [ $started -eq 1 ]; then
	run_load inet "inet:$port@127.0.0.1" || status=1
	cleanup
else
	echo "FAIL: null-milter did not start on any inet port" >&2
	status=1
fi
exit $status
