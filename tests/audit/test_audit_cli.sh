#!/bin/sh
# test_audit_cli - csp-milter-audit on a generated log with known answers.
#
# Every filter and every output format is run on the same log, read as a
# plain file, as a gzip file and from standard input, and the results are
# compared with the answers gen_audit_log.py computed on its own.
set -u

NAME=audit-cli
. "${top_srcdir:-.}/tests/audit/lib.sh"

# lines FILE - number of lines in FILE
lines() {
	wc -l < "$1" | tr -d ' '
}

if [ ! -x "$BIN" ]; then
	echo "FAIL: $BIN not built"
	echo "0 passed, 1 failed"
	exit 1
fi

LOG=$tmp/audit.log
E=$tmp/expect.json
$GEN generate --records 3000 --seed 7 --malformed --out "$LOG" --expect "$E" ||
    exit 99
gzip -c "$LOG" > "$LOG.gz" || exit 99
mkdir "$tmp/out"

# The malformed lines are reported as FILE:LINE on stderr and counted.
"$BIN" "$LOG" > "$tmp/sum.txt" 2> "$tmp/err.txt"
check "unfiltered exit status" "$?" 0
check "malformed count in summary" \
    "$(sed -n 's/^malformed lines: *//p' "$tmp/sum.txt")" \
    "$($GEN value "$E" malformed)"
check "records read" "$(sed -n 's/^records read: *//p' "$tmp/sum.txt")" \
    "$($GEN value "$E" records)"
want=$(python3 -c 'import json, sys
print(" ".join("%s:%d:" % (sys.argv[2], n)
    for n in json.load(open(sys.argv[1]))["malformed_lines"]))' "$E" "$LOG")
check "malformed lines on stderr" \
    "$(cut -d' ' -f1 "$tmp/err.txt" | tr '\n' ' ' | sed 's/ $//')" "$want"

$GEN table "$E" > "$tmp/table.txt" || exit 99
check "number of queries" "$(lines "$tmp/table.txt")" 21
while read -r q matched quarantined rows args; do
	for input in plain gz stdin; do
		case $input in
		plain)	file=$LOG ;;
		gz)	file=$LOG.gz ;;
		stdin)	file=- ;;
		esac
		# No argument holds a space, so word splitting is safe here.
		# shellcheck disable=SC2086
		"$BIN" --json $args "$file" < "$LOG" > "$tmp/out.json" 2>/dev/null
		check "$q/$input --json exit" "$?" 0
		check "$q/$input --json records" "$(lines "$tmp/out.json")" "$matched"
	done
	# The JSON lines are input lines, verbatim and in order.
	check "$q --json verbatim" "$(grep -c -v '^{"time' "$tmp/out.json")" 0

	# shellcheck disable=SC2086
	"$BIN" --summary --detail-csv "$tmp/out/$q.detail" $args "$LOG.gz" \
	    > "$tmp/out/$q.summary" 2>/dev/null
	check "$q --summary exit" "$?" 0

	# shellcheck disable=SC2086
	"$BIN" --json-summary $args "$LOG" > "$tmp/out/$q.jsonsummary" 2>/dev/null
	check "$q --json-summary exit" "$?" 0

	# shellcheck disable=SC2086
	"$BIN" --list $args "$LOG" > "$tmp/list.txt" 2>/dev/null
	check "$q --list lines" "$(lines "$tmp/list.txt")" "$matched"
	check "$q --list release commands" \
	    "$(awk '$3 == "quarantine" && $(NF - 2) == "postsuper" &&
	    $(NF - 1) == "-H" && $NF == $2' "$tmp/list.txt" | wc -l | tr -d ' ')" \
	    "$quarantined"
	check "$q --list release only when held" \
	    "$(grep -c 'postsuper' "$tmp/list.txt")" "$quarantined"
	check "$q --list format" "$(grep -v -E '^[0-9T:.Z-]+ 4Q[0-9A-F]+ [a-z_]+ [a-z_-]+ mode=(enforce|monitor) from=<[^ ]*> rcpt=(-|<[^ ]*>(,<[^ ]*>)*) rule=[^ ]+( release: postsuper -H 4Q[0-9A-F]+)?$' "$tmp/list.txt" | head -1)" ""

	# shellcheck disable=SC2086
	"$BIN" --csv $args - < "$LOG" > "$tmp/out/$q.csv" 2>/dev/null
	check "$q --csv exit" "$?" 0
done < "$tmp/table.txt"

# Summaries and CSV content against the generator's answers.
$GEN check "$E" "$tmp/out" > "$tmp/check.txt"
check "content checks run" "$(lines "$tmp/check.txt")" 84
while read -r verdict rest; do
	if [ "$verdict" = ok ]; then
		check "$rest" ok ok
	else
		check "$rest" FAIL ok
	fi
done < "$tmp/check.txt"

# The "all" JSON output is the input minus the malformed lines.
"$BIN" --json "$LOG" > "$tmp/all.json" 2>/dev/null
grep -v -x -F -f "$tmp/all.json" "$LOG" > "$tmp/rest.txt"
check "--json keeps every good line" "$(lines "$tmp/rest.txt")" \
    "$($GEN value "$E" malformed)"

# Several files add up, and a missing file makes the exit status 1.
"$BIN" --json "$LOG" "$LOG.gz" > "$tmp/two.json" 2>/dev/null
check "two files" "$(lines "$tmp/two.json")" \
    "$(( $($GEN value "$E" records) * 2 ))"
"$BIN" --json "$LOG" "$tmp/missing.log" > "$tmp/one.json" 2> "$tmp/err.txt"
check "missing file exit status" "$?" 1
check "missing file message" "$(grep -c 'missing.log' "$tmp/err.txt")" 1
check "other files still read" "$(lines "$tmp/one.json")" \
    "$($GEN value "$E" records)"

# A truncated gzip file is a read error, after what could be read.
head -c 20000 "$LOG.gz" > "$tmp/cut.gz"
"$BIN" --json "$tmp/cut.gz" > "$tmp/cut.json" 2> "$tmp/err.txt"
check "truncated gzip exit status" "$?" 1
check "truncated gzip message" "$(grep -c 'read error' "$tmp/err.txt")" 1

# CRLF line ends and a last line without a newline are read.
sed -n '1,3p' "$LOG" | sed 's/$/\r/' > "$tmp/crlf.log"
printf '%s' "$(sed -n 4p "$LOG")" >> "$tmp/crlf.log"
"$BIN" --json "$tmp/crlf.log" > "$tmp/crlf.json" 2>/dev/null
check "CRLF and unterminated last line" "$(lines "$tmp/crlf.json")" 4

# Parsing threads change nothing: every query in every mode gives the same
# stdout, stderr and exit status with --jobs 1 and --jobs 4, and so do
# errors met on the way (a missing file, a truncated gzip file).
# "$LOG" "$LOG.gz" are a few batches; the big log many more.
# same_jobs NAME ARGS... - compare --jobs 1 and --jobs 4, stdin from $in
in=/dev/null
same_jobs() {
	name=$1
	shift
	# The summary's header names the command line, which differs.
	SOURCE_DATE_EPOCH=1764460800 "$BIN" --jobs 1 "$@" < "$in" \
	    > "$tmp/j1.raw" 2> "$tmp/j1.err"
	s1=$?
	SOURCE_DATE_EPOCH=1764460800 "$BIN" --jobs 4 "$@" < "$in" \
	    > "$tmp/j4.raw" 2> "$tmp/j4.err"
	s4=$?
	grep -v -e '^command: ' -e '^ "command": ' "$tmp/j1.raw" > "$tmp/j1.out"
	grep -v -e '^command: ' -e '^ "command": ' "$tmp/j4.raw" > "$tmp/j4.out"
	check "$name --jobs 4 exit status" "$s4" "$s1"
	check "$name --jobs 4 stdout" "$(cmp "$tmp/j1.out" "$tmp/j4.out" &&
	    echo same)" same
	check "$name --jobs 4 stderr" "$(cmp "$tmp/j1.err" "$tmp/j4.err" &&
	    echo same)" same
}
# Per query, --summary and --csv cover both the counts and the per
# recipient selection; --list and --json are compared on the big log.
while read -r q matched quarantined rows args; do
	for mode in --summary --csv --json-summary; do
		# shellcheck disable=SC2086
		same_jobs "$q $mode" $mode $args "$LOG" "$LOG.gz"
	done
done < "$tmp/table.txt"
for i in 1 2 3 4 5 6; do
	cat "$LOG"
done > "$tmp/big.log"
gzip -c "$tmp/big.log" > "$tmp/big.log.gz" || exit 99
for mode in --summary --list --csv --json; do
	same_jobs "big log $mode" $mode "$tmp/big.log.gz"
done
in=$tmp/big.log
same_jobs "big log from stdin" --csv --action reroute -
in=/dev/null
same_jobs "errors" --list "$LOG" "$tmp/missing.log" "$tmp/cut.gz" "$LOG.gz"
check "errors exit status" "$s1" 1
same_jobs "CRLF" --csv "$tmp/crlf.log"
# The page differs only in the command line (SOURCE_DATE_EPOCH fixes the
# generation time).
SOURCE_DATE_EPOCH=1764460800 "$BIN" --jobs 1 --html "$tmp/j1.html" \
    --detail-csv "$tmp/j1.csv" "$tmp/big.log" 2>/dev/null
SOURCE_DATE_EPOCH=1764460800 "$BIN" --jobs 4 --html "$tmp/j4.html" \
    --detail-csv "$tmp/j4.csv" "$tmp/big.log" 2>/dev/null
grep -v 'id="command"' "$tmp/j1.html" > "$tmp/j1.cmp"
grep -v 'id="command"' "$tmp/j4.html" > "$tmp/j4.cmp"
check "--html --jobs 4" "$(cmp "$tmp/j1.cmp" "$tmp/j4.cmp" && echo same)" \
    same
check "--html: one line holds the command" \
    "$(($(lines "$tmp/j1.html") - $(lines "$tmp/j1.cmp")))" 1
check "--detail-csv --jobs 4" "$(cmp "$tmp/j1.csv" "$tmp/j4.csv" && echo same)" \
    same
check "SOURCE_DATE_EPOCH is the generation time" \
    "$(grep -c '<td id="generated">2025-11-30T00:00:00Z</td>' "$tmp/j1.html")" 1

# Usage errors exit 64 (EX_USAGE).
for bad in "--since yesterday" "--top 0" "--top x" "--list --csv" \
    "--class" "--no-such-option" "--action ''" "--until 2026-13-01" \
    "--jobs 0" "--jobs x" "--jobs 257" "--class billing" "--json --json-summary" \
    "--action rejected" "--mode enforced" "--since 30x" \
    "--max-record 0" "--max-record 2G" "--max-record 1q"; do
	eval "\"\$BIN\" $bad" < /dev/null > /dev/null 2>&1
	check "usage error: $bad" "$?" 64
done

# A typo in a filter names the valid values.
"$BIN" --class billing "$LOG" > /dev/null 2> "$tmp/err.txt"
check "--class billing lists the classes" "$(cat "$tmp/err.txt")" \
    "csp-milter-audit: --class billing: unknown class; valid values: subscription, incident, non_csp, other, none"
"$BIN" --action rejected "$LOG" > /dev/null 2> "$tmp/err.txt"
check "--action rejected lists the actions" "$(cat "$tmp/err.txt")" \
    "csp-milter-audit: --action rejected: unknown action; valid values: untouched, deliver, tag, reroute, reject, quarantine, tempfail, accept"
"$BIN" --mode x "$LOG" > /dev/null 2> "$tmp/err.txt"
check "--mode x lists the modes" "$(cat "$tmp/err.txt")" \
    "csp-milter-audit: --mode x: unknown mode; valid values: enforce, monitor"
"$BIN" --until 30x "$LOG" > /dev/null 2> "$tmp/err.txt"
check "--until 30x lists the formats" \
    "$(grep -c 'expected RFC 3339 (2026-11-24T15:11:35Z), a date (2026-11-24) or a relative time' "$tmp/err.txt")" 1

# --mode selects; the modes add up to all records.
e=$("$BIN" --mode enforce "$LOG" 2>/dev/null | sed -n 's/^records matched: *//p')
m=$("$BIN" --mode monitor "$LOG" 2>/dev/null | sed -n 's/^records matched: *//p')
check "--mode enforce + --mode monitor = all" "$((e + m))" "$($GEN value "$E" records)"
check "--mode monitor count" "$m" "$($GEN value "$E" monitor)"

# The header: period, inputs with their counts, instances.
SOURCE_DATE_EPOCH=1764460800 "$BIN" --since 2026-11-03 --until 2026-11-04 \
    "$LOG" "$tmp/missing.log" > "$tmp/hdr.txt" 2>/dev/null
check "header: requested period" "$(sed -n 's/^period requested: //p' "$tmp/hdr.txt")" \
    "from 2026-11-03T00:00:00Z to 2026-11-05T00:00:00Z (exclusive), UTC"
check "header: generated" "$(sed -n 's/^generated: *//p' "$tmp/hdr.txt")" \
    "2025-11-30T00:00:00Z"
check "header: input counts" "$(grep -c "^  $LOG: $($GEN value "$E" records) records, 5 malformed, 0 oversized$" "$tmp/hdr.txt")" 1
# The input counts do not depend on the filter: a malformed line that lacks the
# filter's word is still a malformed line, not a record.
for f in "--action reroute" "--partner no-such-partner.example" "--class subscription"; do
	# shellcheck disable=SC2086
	"$BIN" $f "$LOG" > "$tmp/hdrf.txt" 2>/dev/null
	check "header: input counts with $f" "$(grep -c "^  $LOG: $($GEN value "$E" records) records, 5 malformed, 0 oversized$" "$tmp/hdrf.txt")" 1
done
check "header: unreadable input" "$(grep -c "^  $tmp/missing.log: 0 records, 0 malformed, 0 oversized, UNREADABLE: cannot open: No such file or directory$" "$tmp/hdr.txt")" 1
check "header: instances" "$(sed -n '/^instances:/,/^config/p' "$tmp/hdr.txt" | grep -c '^  relay[12]: [0-9]* records, 2026-11-03T')" 2

# --top N limits the top sections.
"$BIN" --top 3 "$LOG" > "$tmp/top.txt" 2>/dev/null
check "--top 3 rules" \
    "$(sed -n '/^top 3 rules:/,/^$/p' "$tmp/top.txt" | grep -c '^ *[0-9]')" 3

# Malformed lines are also counted when records are streamed.
"$BIN" --list "$LOG" > /dev/null 2> "$tmp/err.txt"
check "malformed note with --list" \
    "$(grep -c '^csp-milter-audit: 5 malformed lines skipped$' "$tmp/err.txt")" 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
