#!/bin/sh
# bench_audit - csp-milter-audit on large and hostile inputs.
#
# usage: tests/bench/bench_audit.sh [MB [JOBS...]]   (default 1024, "1 2")
# Run from the build directory (or set top_srcdir and top_builddir).  The
# inputs are written to $TMPDIR (default /tmp) and deleted afterwards.
# PARTS chooses what runs (default "bomb rules render throughput"):
#   bomb        a gzip of one 64 MiB line (about 64 KB compressed): time
#               and peak RSS; the line is over the 1 MiB record cap and
#               must be skipped in bounded memory
#   rules       one record with 200,000 rule entries, read with the cap
#               raised so that it is counted: time and peak RSS (the
#               summary was quadratic in rules per record)
#   render      an HTML report of at least 100,000 detail rows opened in
#               headless Chromium (tests/chromium.sh): the page's own
#               parse-script-layout time and the wall time of a screenshot
#   throughput  MB of log summarised per second, --summary and the
#               streamed formats, with each --jobs value; with the CPUs
#               busy (user + system time over wall time: 2.0 is both
#               cores all the time), MB per CPU-second (what a loaded
#               machine changes least) and peak RSS of the median run
#   ceiling     each parser alone on the same log, with each --jobs value
#               of threads, nothing else: simdjson's DOM parse (what the
#               report reads lines with) and jansson's json_loadb into an
#               arena (what it read them with before, and still reads the
#               lines simdjson leaves to it)
# Each throughput report runs $RUNS times (default 3) and the median is
# shown, with the load average before the runs.  The machine's load
# changes the numbers: report it with them.
set -eu

srcdir=${top_srcdir:-$(dirname "$0")/../..}
builddir=${top_builddir:-.}
BIN=$builddir/src/csp-milter-audit
MB=${1:-1024}
[ $# -gt 0 ] && shift
JOBS=${*:-1 2}
RUNS=${RUNS:-3}

PARTS=${PARTS:-bomb rules render throughput ceiling}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-audit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# measure LABEL ARGS... - wall time and peak RSS of one report
measure() {
	label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$BIN" "$@" > "$tmp/out" 2> "$tmp/err" || true
	read -r secs kb < "$tmp/time"
	echo "audit: $label: $secs s, peak RSS $((kb / 1024)) MiB" \
	    "($(sed -n 's/^oversized lines: *//p' "$tmp/out") oversized," \
	    "$(sed -n 's/^records read: *//p' "$tmp/out") records read)"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(getconf _NPROCESSORS_ONLN) CPUs"
for part in $PARTS; do
case $part in
bomb)
	python3 - "$tmp/bomb.log.gz" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    f.write(b'{"time":"2026-11-02T00:00:00Z","action":"tag","subject":"')
    chunk = b"x" * (1 << 20)
    for _ in range(64):
        f.write(chunk)
    f.write(b'"}\n{"time":"2026-11-02T00:00:01Z","action":"tag"}\n')
PY
	echo "gzip bomb: $(wc -c < "$tmp/bomb.log.gz") bytes compressed, one 64 MiB line"
	measure "gzip bomb --summary" --summary "$tmp/bomb.log.gz"
	;;
rules)
	python3 "$srcdir/tests/audit/gen_audit_log.py" bigrules --rules 200000 \
	    --out "$tmp/rules.log"
	echo "rules record: $(wc -c < "$tmp/rules.log") bytes, 200000 rule entries"
	measure "200000-rule record --summary --max-record 64M" --summary \
	    --max-record 64M "$tmp/rules.log"
	measure "200000-rule record --summary (default cap: skipped)" --summary \
	    "$tmp/rules.log"
	;;
render)
	. "$srcdir/tests/chromium.sh"
	chromium_find
	# About 0.9 detail rows per generated record.
	python3 "$srcdir/tests/audit/gen_audit_log.py" generate --bulk \
	    --records 115000 --seed 1 --out "$tmp/render.log"
	"$BIN" --html "$tmp/render.html" "$tmp/render.log" 2>/dev/null
	rows=$(sed -n 's/.*id="detail-count" data-rows="\([0-9]*\)".*/\1/p' "$tmp/render.html")
	mkdir -p "$tmp/profile1" "$tmp/profile2"
	timeout 600 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$tmp/profile1" --dump-dom "file://$tmp/render.html" \
	    2>/dev/null | grep -o 'data-ready-ms="[0-9]*"' | head -1 | tr -dc 0-9 > "$tmp/ready"
	start=$(date +%s.%N)
	timeout 600 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$tmp/profile2" --screenshot="$tmp/render.png" \
	    --window-size=1280,1000 "file://$tmp/render.html" > /dev/null 2>&1
	end=$(date +%s.%N)
	echo "render: $rows detail rows, $(($(wc -c < "$tmp/render.html") / 1048576)) MiB page:" \
	    "parsed, scripted and laid out in $(cat "$tmp/ready") ms in the page;" \
	    "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s" \
	    "for a whole headless Chromium run to a screenshot"
	;;
throughput)

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
			/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
			    "$BIN" --jobs "$jobs" "$@" "$tmp/audit.log" \
			    > /dev/null 2>&1 || true
			cat "$tmp/time"
			i=$((i + 1))
		done | sort -n | awk -v mb="$mb" -v l="$label" -v j="$jobs" '
		{ t[NR] = $1; cpu[NR] = $2 + $3; kb[NR] = $4 }
		END {
			m = int((NR + 1) / 2)
			printf "audit: %d MB in %.2f s = %.0f MB/s (%s, --jobs %s;" \
			    " %.2f CPUs busy, %.0f MB per CPU-second, peak RSS" \
			    " %d MiB)\n", mb, t[m], mb / t[m], l, j,
			    (t[m] > 0 ? cpu[m] / t[m] : 0),
			    (cpu[m] > 0 ? mb / cpu[m] : 0), kb[m] / 1024
		}'
	done
}

cat "$tmp/audit.log" > /dev/null	# warm the page cache
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run "--summary" --summary
run "--summary --partner partner-b" --summary --partner partner-b
run "--summary --action quarantine" --summary --action quarantine
run "--csv --since 2026-11-10" --csv --since 2026-11-10
run "--csv" --csv
run "--summary --html --detail-csv" --summary --html "$tmp/a.html" \
    --detail-csv "$tmp/a.csv"
rm -f "$tmp/a.html" "$tmp/a.csv"
	;;
ceiling)
	[ -f "$tmp/audit.log" ] || python3 "$srcdir/tests/audit/gen_audit_log.py" \
	    generate --bulk --records $((MB * 1024 * 1024 / 760)) --seed 1 \
	    --out "$tmp/audit.log"
	mb=$(awk -v s="$(wc -c < "$tmp/audit.log")" 'BEGIN { printf "%.0f", s / 1048576 }')
	cat > "$tmp/ceiling.cpp" <<'EOF'
/* ceiling - one parser on every line of a file, in N threads, nothing else */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <jansson.h>
#include <simdjson.h>

struct part { const char *p, *end; size_t ok; };
static int use_simdjson;
static __thread char *arena;	/* one line's documents, like report_record */
static __thread size_t used;

static void *
bump(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (used + n > (1 << 24)) {
		fprintf(stderr, "ceiling: line too big\n");
		exit(1);
	}
	used += n;
	return arena + used - n;
}

static void
nofree(void *p)
{
	(void)p;
}

static void *
parse(void *arg)
{
	struct part *pt = (struct part *)arg;
	const char *p = pt->p, *nl;
	simdjson::dom::parser parser;
	simdjson::dom::element root;
	json_error_t err;

	arena = (char *)malloc(1 << 24);
	while (p < pt->end) {
		nl = (const char *)memchr(p, '\n', (size_t)(pt->end - p));
		if (nl == NULL)
			nl = pt->end;
		used = 0;
		if (use_simdjson ? !parser.parse(p, (size_t)(nl - p)).get(root) :
		    json_loadb(p, (size_t)(nl - p), 0, &err) != NULL)
			pt->ok++;
		p = nl + 1;
	}
	free(arena);
	return NULL;
}

int
main(int argc, char **argv)
{
	int fd = open(argv[1], O_RDONLY), n = atoi(argv[2]), i;
	struct part parts[64];
	pthread_t th[64];
	struct stat st;
	const char *m, *at, *nl;
	size_t ok = 0;

	if (argc != 4 || fd < 0 || fstat(fd, &st) < 0 || n < 1 || n > 64)
		return 1;
	use_simdjson = strcmp(argv[3], "simdjson") == 0;
	m = (const char *)mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
	    fd, 0);
	if (m == MAP_FAILED)
		return 1;
	json_set_alloc_funcs(bump, nofree);
	for (i = 0, at = m; i < n; i++) {
		parts[i].p = at;
		nl = i == n - 1 ? NULL : (const char *)memchr(m + st.st_size / n * (i + 1), '\n',
		    (size_t)(m + st.st_size - (m + st.st_size / n * (i + 1))));
		parts[i].end = at = nl != NULL && nl >= at ? nl + 1 : m + st.st_size;
		parts[i].ok = 0;
		pthread_create(&th[i], NULL, parse, &parts[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		ok += parts[i].ok;
	}
	printf("%zu\n", ok);
	return 0;
}
EOF
	if ${CXX:-c++} -O2 -o "$tmp/ceiling" "$tmp/ceiling.cpp" \
	    $(pkg-config --cflags --libs jansson simdjson) -lpthread 2> "$tmp/cc.err"; then
		for parser in simdjson jansson; do
		for jobs in $JOBS; do
			i=0
			while [ "$i" -lt "$RUNS" ]; do
				/usr/bin/time -f '%e %U %S' -o "$tmp/time" \
				    "$tmp/ceiling" "$tmp/audit.log" "$jobs" "$parser" > /dev/null
				cat "$tmp/time"
				i=$((i + 1))
			done | sort -n | awk -v mb="$mb" -v j="$jobs" -v p="$parser" '
			{ t[NR] = $1; cpu[NR] = $2 + $3 }
			END {
				m = int((NR + 1) / 2)
				printf "ceiling: %s alone, %d MB in %.2f s =" \
				    " %.0f MB/s (%s threads; %.2f CPUs busy, %.0f MB" \
				    " per CPU-second)\n", p, mb, t[m], mb / t[m], j,
				    (t[m] > 0 ? cpu[m] / t[m] : 0),
				    (cpu[m] > 0 ? mb / cpu[m] : 0)
			}'
		done
		done
	else
		echo "ceiling: not measured (cannot build against jansson and simdjson: $(head -1 "$tmp/cc.err"))"
	fi
	rm -f "$tmp/audit.log"
	;;
*)
	echo "bench_audit: unknown part $part" >&2
	exit 64
	;;
esac
done
