#!/bin/sh
# test_examples.sh - template memory through the command line: --learn, --forget,
# --examples, --classify with an example, and --evaluate --teach-first-per-template
# on tests/fixtures/templates with the probes as unrelated mail.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
bin=$top_builddir/src/csp-milter
templates=$top_srcdir/tests/fixtures/templates
tmp=$(mktemp -d "${TMPDIR:-/tmp}/csp-examples.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect WHAT FILE PATTERN - FILE holds a line matching PATTERN (grep -E)
expect() {
	grep -Eq -- "$3" "$2" || { fail "$1: no \"$3\" in:"; sed 's/^/    /' "$2"; }
}

# The shipped config with its paths in $tmp and an examples block.
cp "$top_srcdir/conf/rules.conf" "$top_srcdir/conf/customers.csv" \
    "$top_srcdir/conf/csp-milter.model" "$tmp/"
sed -e "s|^\([[:space:]]*socket = \).*|\1\"unix:$tmp/csp.sock\";|" \
    -e '/^[[:space:]]*\(socket_group\|user\|group\) = /d' \
    -e 's|^\([[:space:]]*pidfile = \).*|\1"";|' \
    -e 's|^audit_file = .*|audit_file = "";|' \
    "$top_srcdir/conf/csp-milter.conf" >"$tmp/csp-milter.conf"
printf 'examples = {\n\tfile = "examples.db";\n\tweight = 5;\n\tmin_similarity = 0.6;\n};\n' \
    >>"$tmp/csp-milter.conf"
conf=$tmp/csp-milter.conf
a=$templates/mail/en-role-assigned-00.eml
b=$templates/mail/en-role-assigned-01.eml

# 1. No file yet: --examples fails naming it; --learn makes it and prints the id.
"$bin" -c "$conf" --examples >"$tmp/out" 2>"$tmp/err" && fail "--examples without a file exited 0"
expect "--examples, no file" "$tmp/err" "examples.db"
"$bin" -c "$conf" --learn other --by ops --note "role notices" "$a" >"$tmp/out" 2>"$tmp/err" ||
    fail "--learn exited $?: $(cat "$tmp/err")"
expect "--learn" "$tmp/out" "^1 $a\$"
[ -f "$tmp/examples.db" ] || fail "--learn made no examples.db beside the config"

# 2. The class must be one of the four: exit 64 with the valid list; nothing learned.
"$bin" -c "$conf" --learn billing "$a" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] || fail "--learn billing did not exit 64"
expect "--learn billing" "$tmp/err" "valid classes: subscription incident non_csp other"

# 3. Standard input, and a batch with a bad file is all or nothing.
"$bin" -c "$conf" --learn incident --by ops - <"$templates/mail/en-outage-00.eml" >"$tmp/out" 2>"$tmp/err" ||
    fail "--learn - exited $?: $(cat "$tmp/err")"
expect "--learn -" "$tmp/out" "^2 stdin\$"
"$bin" -c "$conf" --learn incident "$b" "$tmp/missing.eml" >"$tmp/out" 2>"$tmp/err" &&
    fail "--learn with a missing file exited 0"
expect "--learn batch" "$tmp/err" "nothing learned"
printf 'Subject: \r\n\r\n  ...  \r\n' >"$tmp/empty.eml"
"$bin" -c "$conf" --learn incident "$tmp/empty.eml" >"$tmp/out" 2>"$tmp/err" &&
    fail "--learn of a message without text exited 0"
expect "--learn empty" "$tmp/err" "no text to learn from"

# 4. --examples: the table and JSON lines.
"$bin" -c "$conf" --examples >"$tmp/out" 2>"$tmp/err" || fail "--examples exited $?"
expect "--examples" "$tmp/out" "^1 +other +ops	[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z	$a	role notices\$"
expect "--examples" "$tmp/out" "^2 +incident +ops	.*	stdin	\$"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "--examples: not a header and 2 rows"
"$bin" -c "$conf" --examples --json >"$tmp/out" 2>"$tmp/err" || fail "--examples --json exited $?"
expect "--examples --json" "$tmp/out" '^\{"id":1,"class":"other","taught_by":"ops","taught_at":"[0-9T:Z-]+","source":".*en-role-assigned-00.eml","note":"role notices"\}$'

# 5. The next member of the family is shown like a rule match.
"$bin" -c "$conf" --classify "$b" >"$tmp/out" 2>"$tmp/err" || fail "--classify exited $?"
expect "--classify" "$tmp/out" "^  example: like example 1, taught as other by ops on [0-9-]{10}, similarity (0\.[6-9][0-9]|1\.00) \(other \+0\)\$"
"$bin" -c "$conf" --classify --json "$b" >"$tmp/out" 2>"$tmp/err" || fail "--classify --json exited $?"
expect "--classify --json" "$tmp/out" '"examples":\[\{"id":1,"class":"other","similarity":[01]\.[0-9]{2},"points":0,"taught_by":"ops"'
"$bin" -c "$conf" --classify --explain "$b" >"$tmp/out" 2>"$tmp/err" || fail "--explain exited $?"
expect "--explain" "$tmp/out" "^  template memory \(examples at or above min_similarity 0\.60"

# -n counts the examples loaded.
"$bin" -c "$conf" -n >"$tmp/out" 2>"$tmp/err" || fail "-n exited $?: $(cat "$tmp/err")"
expect "-n" "$tmp/out" ": ok: [0-9]+ rules, [0-9]+ customers, 2 examples, version [0-9a-f]{16}\$"

# --evaluate lists the examples that matched, with the labels of what they matched.
"$bin" -c "$conf" --evaluate "$templates" >"$tmp/out" 2>"$tmp/err" || true
expect "--evaluate" "$tmp/out" "^examples \(template memory, 2 in "
expect "--evaluate" "$tmp/out" "^ +1 other +ops +[0-9]+ +0 +0 +0 +[0-9]+ +1\.0000\$"
expect "--evaluate" "$tmp/out" "^ +2 incident +ops +[0-9]+ +0 +[0-9]+ +0 +0 +1\.0000\$"

# 6. --forget: gone from the list; an unknown id fails.
"$bin" -c "$conf" --forget 1 >"$tmp/out" 2>"$tmp/err" || fail "--forget 1 exited $?"
expect "--forget" "$tmp/out" "^forgot example 1\$"
"$bin" -c "$conf" --forget 1 >"$tmp/out" 2>"$tmp/err" && fail "--forget of a gone example exited 0"
expect "--forget again" "$tmp/err" "no example 1"
"$bin" -c "$conf" --forget x1 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] || fail "--forget x1 did not exit 64"
"$bin" -c "$conf" --classify --json "$b" >"$tmp/out" 2>&1
expect "--classify after --forget" "$tmp/out" '"examples":\[\]'

# 7. A corrupt file: the config load fails naming it.
printf 'not a database, just text long enough to be read as one page header ......\n' >"$tmp/examples.db"
"$bin" -c "$conf" --classify "$b" >"$tmp/out" 2>"$tmp/err" && fail "--classify with a corrupt examples file exited 0"
expect "corrupt file" "$tmp/err" "examples.db: file is not a database"
rm -f "$tmp/examples.db"

# The committed families are what their generator writes.
python3 "$templates/make_templates.py" "$tmp/gen" 2>/dev/null || fail "make_templates.py failed"
diff -r "$tmp/gen/mail" "$templates/mail" >/dev/null && cmp -s "$tmp/gen/labels.jsonl" "$templates/labels.jsonl" ||
    fail "tests/fixtures/templates differs from make_templates.py's output: run it and commit"

# 8. Teach the first member of each family; the issue's targets on the rest and the probes.
"$bin" -c "$conf" --evaluate "$templates" --teach-first-per-template \
    --unrelated "$top_srcdir/tests/fixtures/probes" --json >"$tmp/out" 2>"$tmp/err" ||
    fail "--teach-first-per-template exited $?: $(cat "$tmp/err")"
python3 - "$tmp/out" <<'PY' || fail "teach-first figures: $(cat "$tmp/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["families"] >= 30, r
assert r["correct_after"] >= 0.99 * r["members"], r
assert r["unrelated"] >= 3000 and r["unrelated_matched"] <= 0.001 * r["unrelated"], r
assert r["curve"][0]["correct"] == r["correct_before"] and r["curve"][-1]["correct"] == r["correct_after"], r
PY

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "test_examples: ok"
