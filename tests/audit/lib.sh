# lib.sh - shared set-up of the csp-milter-audit shell tests.
# Sourced with NAME set; gives BIN, GEN, a temporary directory $tmp removed
# on exit, pass/fail counters and check().
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
BIN=$builddir/src/csp-milter-audit
GEN="python3 $srcdir/tests/audit/gen_audit_log.py"

pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# check NAME GOT WANT - compare two strings
check() {
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: got '$2', want '$3'"
	fi
}
