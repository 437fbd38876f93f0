#!/bin/sh
# bench_audit - csp-milter-audit throughput on a large generated audit log.
#
# usage: tests/bench/bench_audit.sh [MB]   (default 1024)
# Run from the build directory (or set top_srcdir and top_builddir).  The
# log is written to $TMPDIR (default /tmp) and deleted afterwards.
set -eu

srcdir=${top_srcdir:-$(dirname "$0")/../..}
builddir=${top_builddir:-.}
BIN=$builddir/src/csp-milter-audit
MB=${1:-1024}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-audit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# About 760 bytes per generated record.
records=$((MB * 1024 * 1024 / 760))
python3 "$srcdir/tests/audit/gen_audit_log.py" generate --bulk \
    --records "$records" --seed 1 --out "$tmp/audit.log"
size=$(wc -c < "$tmp/audit.log")
mb=$(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1048576 }')

# run LABEL ARGS... - time one report, print the throughput line
run() {
	label=$1
	shift
	start=$(date +%s.%N)
	"$BIN" "$@" "$tmp/audit.log" > /dev/null 2>&1
	end=$(date +%s.%N)
	awk -v mb="$mb" -v a="$start" -v b="$end" -v l="$label" 'BEGIN {
		s = b - a
		printf "audit: %d MB in %.2f s = %.0f MB/s (%s)\n", mb, s, mb / s, l
	}'
}

cat "$tmp/audit.log" > /dev/null	# warm the page cache
run "--summary" --summary
run "--summary --partner partner-b" --summary --partner partner-b
run "--summary --action quarantine" --summary --action quarantine
run "--csv --since 2026-11-10" --csv --since 2026-11-10
