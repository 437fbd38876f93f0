#!/bin/sh
# test_audit_html - the HTML report renders in a real browser.
#
# The page is generated from a known log, rendered by headless Chromium to
# a PNG that must not be blank, and its DOM (as Chromium parsed it) must
# hold the three SVG charts, each with a <title> and drawn shapes.
# Without Chromium the test fails, unless CSP_ALLOW_SKIP_BROWSER=1, when
# it is skipped (exit 77).
set -u

NAME=audit-html
. "${top_srcdir:-.}/tests/audit/lib.sh"

. "${top_srcdir:-.}/tests/chromium.sh"
chromium_find "0 passed, 1 failed"

# chrome - run headless Chromium with a throw-away profile
chrome() {
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$profile" "$@"
}

$GEN generate --records 2000 --seed 3 --malformed --out "$tmp/audit.log" \
    || exit 99
"$BIN" --html "$tmp/report.html" "$tmp/audit.log" > "$tmp/stdout" 2>/dev/null
check "exit status" "$?" 0
check "nothing on stdout with only --html" "$(wc -c < "$tmp/stdout" | tr -d ' ')" 0

# Self-contained: no external references, no script.
check "external references" \
    "$(grep -c -i -E '(src|href)=|url\(|<script|<link' "$tmp/report.html")" 0
# Data is escaped: the generator's "<script>alert(1)</script>" subject
# never appears raw; the escaped sender "<>" does.
check "escaped null sender" "$(grep -c '<td>&lt;&gt;</td>' "$tmp/report.html")" 1

chrome --dump-dom "file://$tmp/report.html" > "$tmp/dom.html" 2> "$tmp/chrome.err"
check "dump-dom exit status" "$?" 0
for id in chart-daily chart-classes chart-rules; do
	python3 - "$tmp/dom.html" "$id" > "$tmp/svg.txt" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<svg id="%s"[^>]*>(.*?)</svg>' % re.escape(sys.argv[2]), dom, re.S)
if not m:
    print("missing 0 0")
else:
    body = m.group(1)
    # The chart's own title is its first child.
    print("present %d %d" % (1 if re.match(r"\s*<title>[^<]+</title>", body) else 0,
                             len(re.findall(r"<(rect|path)\b", body))))
PY
	read -r present titles shapes < "$tmp/svg.txt"
	check "$id present" "$present" present
	check "$id has a title" "$titles" 1
	check "$id has shapes" "$([ "$shapes" -gt 0 ] && echo yes)" yes
done
check "daily chart has one bar group per day" \
    "$(python3 -c 'import re,sys; d=open(sys.argv[1]).read(); m=re.search(r"<svg id=\"chart-daily\".*?</svg>", d, re.S).group(0); print(len(set(re.findall(r"<title>(2026-11-\d\d) ", m))))' "$tmp/dom.html")" 14

chrome --screenshot="$tmp/shot.png" --window-size=1200,1600 \
    "file://$tmp/report.html" > /dev/null 2>> "$tmp/chrome.err"
check "screenshot exit status" "$?" 0
if [ -s "$tmp/shot.png" ]; then
	read -r w h colours <<EOF2
$(python3 "$srcdir/tests/audit/png_colours.py" "$tmp/shot.png")
EOF2
	check "screenshot size" "${w}x$h" 1200x1600
	check "screenshot is not blank (>= 8 colours)" \
	    "$([ "${colours:-0}" -ge 8 ] && echo yes)" yes
else
	check "screenshot written" no yes
fi
if [ -n "${AUDIT_HTML_KEEP:-}" ]; then
	cp "$tmp/shot.png" "$AUDIT_HTML_KEEP.png"
	cp "$tmp/report.html" "$AUDIT_HTML_KEEP.html"
fi
[ "$fail" -eq 0 ] || sed -n 1,20p "$tmp/chrome.err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
