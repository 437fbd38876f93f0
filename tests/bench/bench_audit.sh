#!/bin/sh
# bench_audit - csp-milter-audit throughput on a large generated audit log.
#
# usage: tests/bench/bench_audit.sh [MB [JOBS...]]   (default 1024, "1 2")
# Run from the build directory (or set top_srcdir and top_builddir).  The
# log is written to $TMPDIR (default /tmp) and deleted afterwards.  Each
# report runs $RUNS times (default 3) with each --jobs value, and the
# median time is shown, with the load average before the runs.
set -eu

srcdir=${top_srcdir:-$(dirname "$0")/../..}
builddir=${top_builddir:-.}
BIN=$builddir/src/csp-milter-audit
MB=${1:-1024}
[ $# -gt 0 ] && shift
JOBS=${*:-1 2}
RUNS=${RUNS:-3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-audit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# About 760 bytes per generated record.
records=$((MB * 1024 * 1024 / 760))
python3 "$srcdir/tests/audit/gen_audit_log.py" generate --bulk \
    --records "$records" --seed 1 --out "$tmp/audit.log"
size=$(wc -c < "$tmp/audit.log")
mb=$(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1048576 }')

# run LABEL ARGS... - time one report $RUNS times, print the median
run() {
	label=$1
	shift
	for jobs in $JOBS; do
		i=0
		while [ "$i" -lt "$RUNS" ]; do
			start=$(date +%s.%N)
			"$BIN" --jobs "$jobs" "$@" "$tmp/audit.log" > /dev/null 2>&1
			end=$(date +%s.%N)
			awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
			i=$((i + 1))
		done | sort -n | awk -v mb="$mb" -v l="$label" -v j="$jobs" '
		{ t[NR] = $1 }
		END {
			s = t[int((NR + 1) / 2)]
			printf "audit: %d MB in %.2f s = %.0f MB/s (%s, --jobs %s)\n",
			    mb, s, mb / s, l, j
		}'
	done
}

cat "$tmp/audit.log" > /dev/null	# warm the page cache
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(getconf _NPROCESSORS_ONLN) CPUs"
run "--summary" --summary
run "--summary --partner partner-b" --summary --partner partner-b
run "--summary --action quarantine" --summary --action quarantine
run "--csv --since 2026-11-10" --csv --since 2026-11-10
run "--csv" --csv
