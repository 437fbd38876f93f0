#!/bin/sh
# test_train.sh - csp-milter --train, the model block, --explain and --evaluate with a model,
# through the command line, on the fixture corpus tests/fixtures/model.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
bin=$top_builddir/src/csp-milter
corpus=$top_srcdir/tests/fixtures/model
tmp=$(mktemp -d "${TMPDIR:-/tmp}/csp-train.XXXXXX") || exit 1
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

# The shipped config, with its customers file, its deployment paths in $tmp and
# no account to switch to (for -n); its model file is what we train.
cp "$top_srcdir/conf/rules.conf" "$top_srcdir/conf/customers.csv" "$tmp/"
sed -e "s|^\([[:space:]]*socket = \).*|\1\"unix:$tmp/csp.sock\";|" \
    -e '/^[[:space:]]*\(socket_group\|user\|group\) = /d' \
    -e 's|^\([[:space:]]*pidfile = \).*|\1"";|' \
    -e 's|^audit_file = .*|audit_file = "";|' \
    "$top_srcdir/conf/csp-milter.conf" >"$tmp/csp-milter.conf"
conf=$tmp/csp-milter.conf

# 1. Training: figures on stdout, nothing on stderr when it is not a terminal.
"$bin" -c "$conf" --train "$corpus" -o "$tmp/csp-milter.model" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "--train exited $rc: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "--train wrote to stderr: $(cat "$tmp/err")"
expect "--train" "$tmp/out" '^training on 12 messages \(split "train"\), validating on 4 \(split "valid"\)$'
expect "--train" "$tmp/out" '^validation \(model only, as written\):$'
expect "--train" "$tmp/out" '^  accuracy: +1\.0000 \(4/4\)$'
expect "--train" "$tmp/out" '^  non-incident classified incident: +0\.0000 \(0/3\)$'
expect "--train" "$tmp/out" '^  incident held or rerouted: +0\.0000 \(0/1\)$'
expect "--train" "$tmp/out" "^model written to $tmp/csp-milter.model\$"
head -1 "$tmp/csp-milter.model" | grep -Eq '^csp-milter-model 1 bits=18 seed=0x5eedc5b0 classes=[a-z_,]+ rows=[0-9]+ C=32$' ||
    fail "model header: $(head -1 "$tmp/csp-milter.model")"
tail -1 "$tmp/csp-milter.model" | grep -qx end || fail "model file does not end with \"end\""

# 2. Deterministic: the same corpus gives the same file.
"$bin" -c "$conf" --train "$corpus" -o "$tmp/again.model" >/dev/null 2>&1
cmp -s "$tmp/csp-milter.model" "$tmp/again.model" || fail "two trainings differ"

# 3. Usage and corpus errors.
"$bin" -c "$conf" --train "$corpus" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "--train without -o did not exit 2"
expect "--train without -o" "$tmp/err" '--train CORPUS and -o FILE go together'
"$bin" -c "$conf" -o "$tmp/x.model" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "-o without --train did not exit 2"
"$bin" -c "$conf" --train "$tmp/nowhere" -o "$tmp/x.model" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "a missing corpus did not exit 1"
expect "missing corpus" "$tmp/err" "$tmp/nowhere/labels.jsonl: No such file or directory"
[ -e "$tmp/x.model" ] && fail "a failed training wrote a model"
printf '{"file": "sub-1.eml", "class": "spam"}\n' >"$tmp/labels.jsonl"
mkdir "$tmp/badcorpus" && mv "$tmp/labels.jsonl" "$tmp/badcorpus/"
"$bin" -c "$conf" --train "$tmp/badcorpus" -o "$tmp/x.model" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "a bad label did not exit 1"
expect "bad label" "$tmp/err" "badcorpus/labels.jsonl:1: needs \"file\" and a known \"class\""
printf '{"file": "../sub-1.eml", "class": "subscription"}\n' >"$tmp/badcorpus/labels.jsonl"
"$bin" -c "$conf" --train "$tmp/badcorpus" -o "$tmp/x.model" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "a label outside the corpus did not exit 1"
expect "label outside" "$tmp/err" 'labels.jsonl:1: "file": ../sub-1.eml: must name a file inside the corpus folder'
"$bin" -c "$conf" --train "$corpus" -o "$tmp/no/such/dir/m" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "an unwritable output did not exit 2"

# 4. The shipped config now loads the trained model; a broken one is a config error.
"$bin" -c "$conf" -n >"$tmp/out" 2>&1 || fail "-n with the trained model: $(cat "$tmp/out")"
"$bin" -c "$conf" --classify --explain "$corpus/inc-4.eml" >"$tmp/out" 2>&1 ||
    fail "--explain failed: $(cat "$tmp/out")"
expect "--explain" "$tmp/out" '^  model \(.*csp-milter.model, weight [0-9]+; [0-9]+ features, Latin words stemmed as english\):$'
expect "--explain" "$tmp/out" '^    incident +p=0\.[0-9]{3}  points \+[0-9]+$'
expect "--explain" "$tmp/out" '^    features that moved incident most \(value x weight\):$'
expect "--explain" "$tmp/out" '^      \+0\.[0-9]{4} (w|s):'
"$bin" -c "$conf" --classify --json "$corpus/sub-4.eml" >"$tmp/out" 2>&1 ||
    fail "--classify --json failed: $(cat "$tmp/out")"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
p = r["model"]
assert set(p) == {"subscription", "incident", "non_csp", "other"}, p
assert abs(sum(p.values()) - 1) < 0.01 and max(p, key=p.get) == "subscription", p
' "$tmp/out" || fail "--classify --json: bad \"model\" object: $(cat "$tmp/out")"
"$bin" -c "$conf" --evaluate "$corpus" --folds 4 >"$tmp/out" 2>"$tmp/err" ||
    fail "--evaluate with a model failed: $(cat "$tmp/err")"
expect "--evaluate" "$tmp/out" '^rules only:$'
expect "--evaluate" "$tmp/out" '^model only:$'
expect "--evaluate" "$tmp/out" '^combined \(the milter.s decision\):$'
expect "--evaluate" "$tmp/out" '^  weight  10: [01]\.[0-9]{4} \([0-9]+/16\) '
expect "--evaluate" "$tmp/out" '^cross-validation by topic: 4 folds over 16 topics'
"$bin" -c "$conf" --evaluate "$corpus" --json >"$tmp/out" 2>"$tmp/err" ||
    fail "--evaluate --json with a model failed: $(cat "$tmp/err")"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
m = r["model"]
assert set(m) == {"rules_only", "model_only", "combined", "weights", "cross_validation"}, m.keys()
assert sorted(m["weights"], key=int) == ["1", "2", "3", "4", "5", "6", "8", "10", "15", "20"]
assert m["model_only"]["total"] == 16 and m["cross_validation"]["folds"] == 5
' "$tmp/out" || fail "--evaluate --json: bad \"model\" object"
echo "not a model" >"$tmp/csp-milter.model"
"$bin" -c "$conf" -n >"$tmp/out" 2>&1
[ $? -eq 1 ] || fail "-n with a broken model did not exit 1"
expect "broken model" "$tmp/out" "csp-milter: $tmp/csp-milter.model:1: not a csp-milter model"

[ "$fails" -eq 0 ] || { echo "FAIL: $fails check(s)"; exit 1; }
echo "PASS: --train, the model block, --explain and --evaluate with a model"
