#!/bin/sh
# test_audit_html - the HTML report renders in a real browser and states
# what an auditor needs.
#
# The page is generated from a known log (gen_audit_log.py computes the
# answers apart from the C code) with two days left out, a requested
# period wider than the records, an oversized line and an unreadable
# input.  Headless Chromium parses and runs it (--dump-dom), and the DOM
# must show: the header facts (periods, generation time, inputs with
# their counts, instances), the monitor/enforce split, every day of the
# period with the gaps marked, and the detail table with one row per
# expected reject/reroute/quarantine, which the page's script filters and
# sorts.  Chromium also prints it to PDF: every page carries the report
# header (pdftotext).  A screenshot and the page are kept under
# tests/audit/ in the build directory (test_audit_html.png, .html, .pdf).
# Without Chromium (or pdftotext) the test fails, unless
# CSP_ALLOW_SKIP_BROWSER=1, when it is skipped (exit 77).
set -u

NAME=audit-html
. "${top_srcdir:-.}/tests/audit/lib.sh"

. "${top_srcdir:-.}/tests/chromium.sh"
chromium_find "0 passed, 1 failed"
if ! command -v pdftotext > /dev/null 2>&1; then
	if [ "${CSP_ALLOW_SKIP_BROWSER:-0}" = 1 ]; then
		echo "SKIP: no pdftotext (apt-get install -y poppler-utils)"
		exit 77
	fi
	echo "FAIL: no pdftotext; install poppler-utils or set CSP_ALLOW_SKIP_BROWSER=1"
	exit 1
fi
keep=$builddir/tests/audit/test_audit_html
mkdir -p "$builddir/tests/audit"

# chrome - run headless Chromium with a throw-away profile
chrome() {
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$profile" "$@"
}

# Days 5 and 6 (2026-11-06 and 2026-11-07) have no records.
$GEN generate --records 2000 --seed 3 --malformed --gap-days 5,6 \
    --out "$tmp/audit.log" --expect "$tmp/expect.json" || exit 99
# One line of 2 MiB: over the default cap of 1 MiB.
python3 -c 'import sys; sys.stdout.write("{\"time\":\"2026-11-02T00:00:00Z\",\"subject\":\"" + "x" * 2097152 + "\"}\n")' \
    >> "$tmp/audit.log" || exit 99
SOURCE_DATE_EPOCH=1764460800 "$BIN" --since 2026-10-30 --until 2026-11-16 \
    --html "$tmp/report.html" "$tmp/audit.log" "$tmp/missing.log" \
    > "$tmp/stdout" 2>/dev/null
check "exit status (an input is missing)" "$?" 1
check "nothing on stdout with only --html" "$(wc -c < "$tmp/stdout" | tr -d ' ')" 0
cp "$tmp/report.html" "$keep.html"

# Self-contained: no external references; the only script is inline.
check "external references" \
    "$(grep -c -i -E '(src|href)=|url\(|<link|<script[^>]' "$tmp/report.html")" 0
# Data is escaped: the generator's "<script>alert(1)</script>" subject
# never appears raw; the escaped sender "<>" does.
check "no raw script from the log" "$(grep -c '<script>alert' "$tmp/report.html")" 0
check "escaped null sender in the top senders" \
    "$(grep -c '^<tr><td>&lt;&gt;</td><td class="n">' "$tmp/report.html")" 1

chrome --dump-dom "file://$tmp/report.html" > "$tmp/dom.html" 2> "$tmp/chrome.err"
check "dump-dom exit status" "$?" 0

# Everything the DOM must show, against the generator's answers.
python3 - "$tmp/dom.html" "$tmp/expect.json" "$tmp/audit.log" > "$tmp/facts.txt" <<'PY'
import json, re, sys
from html.parser import HTMLParser

dom = open(sys.argv[1], encoding="utf-8").read()
exp = json.load(open(sys.argv[2]))
log = sys.argv[3]


def text_of(id_):
    m = re.search(r'id="%s"[^>]*>(.*?)</td>' % re.escape(id_), dom, re.S)
    return re.sub(r"<[^>]+>", "", m.group(1)) if m else None


def say(name, got, want):
    print("%s\t%s\t%s" % (name, got, want))


def sec(t):
    return t[:19] + "Z"


say("period requested", text_of("period-requested"),
    "from 2026-10-30T00:00:00Z to 2026-11-17T00:00:00Z (exclusive), UTC")
say("period covered", text_of("period-covered"),
    "%s to %s, UTC" % (sec(exp["first_time"]), sec(exp["last_time"])))
say("generated", text_of("generated"), "2025-11-30T00:00:00Z")
say("command line", (text_of("command") or "").endswith(
    "--since 2026-10-30 --until 2026-11-16 --html %s %s %s" % (
        log.replace("audit.log", "report.html"), log,
        log.replace("audit.log", "missing.log"))), True)
inputs = re.findall(r'<tr class="input( unreadable)?"><td>([^<]*)</td><td class="n">(\d+)</td>'
                    r'<td class="n">(\d+)</td><td class="n">(\d+)</td><td>([^<]*)</td>', dom)
say("inputs", len(inputs), 2)
if len(inputs) == 2:
    say("input 1 counts", inputs[0][1:5],
        (log, str(exp["records"]), str(exp["malformed"]), "1"))
    say("input 1 read", inputs[0][5], "read")
    say("input 2 unreadable", (inputs[1][0], inputs[1][5][:11]),
        (" unreadable", "UNREADABLE:"))
say("instances", re.findall(r'<td>(relay\d)</td><td class="n">\d+</td>', dom),
    ["relay1", "relay2"])
say("config versions", len(re.findall(r'<td>3f2a9c0d1e2b4a5f</td>', dom)), 1)

# Monitor and enforce apart.
say("enforce records", text_of("n-mode-enforce"), str(exp["enforce"]))
say("monitor records", text_of("n-mode-monitor"), str(exp["monitor"]))
say("uncertain enforce", text_of("n-uncertain-enforce"), str(exp["uncertain_enforce"]))
say("uncertain monitor", text_of("n-uncertain-monitor"), str(exp["uncertain_monitor"]))
for mode in ("enforce", "monitor"):
    m = re.search(r'<table id="class-action-%s".*?<tr class="total">(.*?)</tr>' % mode, dom, re.S)
    total = re.findall(r'<td class="n[^"]*">(\d+)</td>', m.group(1))[-1] if m else None
    say("class-action-%s total" % mode, total, str(exp[mode]))

# Every day of the requested period, per mode, the gaps marked.
days = ["2026-10-30", "2026-10-31"] + ["2026-11-%02d" % d for d in range(1, 17)]
gaps = ["2026-10-30", "2026-10-31", "2026-11-06", "2026-11-07", "2026-11-15", "2026-11-16"]
for mode in ("enforce", "monitor"):
    m = re.search(r'<svg id="chart-daily-%s".*?</svg>' % mode, dom, re.S)
    svg = m.group(0) if m else ""
    groups = re.findall(r'<g class="day( gap)?" data-day="([0-9-]+)" data-n="(\d+)"', svg)
    say("chart-daily-%s days" % mode, [g[1] for g in groups], days)
    say("chart-daily-%s gaps" % mode, [g[1] for g in groups if g[0]], gaps)
    say("chart-daily-%s sum" % mode, sum(int(g[2]) for g in groups), exp[mode])
    say("chart-daily-%s has a title" % mode,
        bool(re.match(r'<svg[^>]*>\s*<title>[^<]+</title>', svg)), True)

# The detail table: one row per expected reject, reroute and quarantine.
rows = re.findall(r'<tr class="m-(\w+)">', dom)
say("detail rows", len(rows), exp["detail"])
say("detail monitor rows", rows.count("monitor"), exp["detail_monitor"])
say("detail count line", re.search(r'id="detail-count" data-rows="(\d+)"', dom).group(1),
    str(exp["detail"]))
say("script saw the rows", re.search(r'<html[^>]* data-rows="(\d+)"', dom).group(1),
    str(exp["detail"]))
say("release commands", len(re.findall(r'<code>postsuper -H 4Q[0-9A-F]+</code>', dom)),
    sum(1 for r in exp["queries"]["all"]["detail_rows"] if r[11]))
PY
while IFS="	" read -r name got want; do
	check "$name" "$got" "$want"
done < "$tmp/facts.txt"
check "facts checked" "$(wc -l < "$tmp/facts.txt" | tr -d ' ')" 29

# The filter box and the sort, preset through the link: rows of partner-b
# only, and the queue IDs in descending order.
want=$(python3 -c 'import json, sys
rows = json.load(open(sys.argv[1]))["queries"]["all"]["detail_rows"]
print(sum(1 for r in rows if "partner-b" in r[5].lower()), max(r[1] for r in rows))' "$tmp/expect.json")
chrome --dump-dom "file://$tmp/report.html#q=Partner-B&sort=-1" > "$tmp/dom2.html" 2>> "$tmp/chrome.err"
got=$(python3 -c 'import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
shown = re.search(r"id=\"detail-shown\">(\d+) of", dom).group(1)
body = dom[dom.index("class=\"chunk\""):]
first = re.search(r"<tr class=\"m-\w+\"><td>[^<]*</td><td>([^<]*)</td>", body).group(1)
print(shown, first)' "$tmp/dom2.html")
check "filter and sort from the link" "$got" "$want"

# Printed, every page carries the header (a page margin box).
chrome --no-pdf-header-footer --print-to-pdf="$tmp/report.pdf" \
    "file://$tmp/report.html" > /dev/null 2>> "$tmp/chrome.err"
check "print-to-pdf exit status" "$?" 0
cp "$tmp/report.pdf" "$keep.pdf" 2>/dev/null
pdftotext -layout "$tmp/report.pdf" "$tmp/report.txt"
python3 - "$tmp/report.txt" > "$tmp/print.txt" <<'PY'
import re, sys
pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
pages = [p for p in pages if p.strip()]
flat = [re.sub(r"\s+", " ", p) for p in pages]
ok = sum(1 for i, p in enumerate(flat)
         if "csp-milter audit report; requested: from 2026-10-30T00:00:00Z" in p
         and "generated: 2025-11-30T00:00:00Z" in p
         and "page %d of %d" % (i + 1, len(pages)) in p)
print(len(pages) >= 3, ok == len(pages))
PY
check "printed: several pages, each with the header and its number" \
    "$(cat "$tmp/print.txt")" "True True"

chrome --screenshot="$tmp/shot.png" --window-size=1280,2400 \
    "file://$tmp/report.html" > /dev/null 2>> "$tmp/chrome.err"
check "screenshot exit status" "$?" 0
if [ -s "$tmp/shot.png" ]; then
	cp "$tmp/shot.png" "$keep.png"
	read -r w h colours <<EOF2
$(python3 "$srcdir/tests/audit/png_colours.py" "$tmp/shot.png")
EOF2
	check "screenshot size" "${w}x$h" 1280x2400
	check "screenshot is not blank (>= 8 colours)" \
	    "$([ "${colours:-0}" -ge 8 ] && echo yes)" yes
else
	check "screenshot written" no yes
fi
[ "$fail" -eq 0 ] || sed -n 1,20p "$tmp/chrome.err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
