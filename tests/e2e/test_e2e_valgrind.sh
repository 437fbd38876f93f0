#!/bin/bash
# test_e2e_valgrind.sh - the policy cases of the e2e suite with the milter
# under valgrind memcheck: no invalid access, no uninitialised read, and no
# leak, at exit included (definitely and indirectly lost must be 0).
# Exits 77 (skip) in a sanitizer build, where valgrind cannot run; the
# normal build runs it.
set -u
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
bin="$top_builddir/src/csp-milter"
command -v valgrind >/dev/null || { echo "not ok - valgrind is not installed (contrib/install-deps.sh)"; exit 1; }
if nm -D "$bin" 2>/dev/null | grep -q __asan_init || nm "$bin" 2>/dev/null | grep -q __asan_init; then
	echo "sanitizer build: valgrind runs in the normal build"
	exit 77
fi
vgdir=$(mktemp -d /tmp/csp-valgrind.XXXXXX)
trap 'rm -rf "$vgdir"' EXIT
export E2E_SLOW=120
export E2E_MILTER_WRAPPER="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-origins=no --num-callers=30 --log-file=$vgdir/vg.%p.log"
bash "$top_srcdir/tests/e2e/test_e2e.sh" reroute mixed_reroute mixed_reject_message incident \
    non_vendor monitor forged_headers other_held sendmail
status=$?
passed=0 failed=0
for log in "$vgdir"/vg.*.log; do
	[ -f "$log" ] || { echo "not ok - no valgrind log"; failed=$((failed + 1)); break; }
	errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
	lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
	ilost=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
	if [ -z "$errors" ]; then
		echo "not ok - $(basename "$log"): valgrind did not finish (no ERROR SUMMARY)"
		failed=$((failed + 1))
	elif [ "$errors" != 0 ] || [ "${lost:-0}" != 0 ] || [ "${ilost:-0}" != 0 ]; then
		echo "not ok - $(basename "$log"): $errors errors, ${lost:-0} bytes definitely and ${ilost:-0} indirectly lost"
		grep -E "Invalid|uninitialised|definitely lost in|indirectly lost in" -A 12 "$log" | head -60
		failed=$((failed + 1))
	else
		echo "ok - $(basename "$log"): no errors, no leaks"
		passed=$((passed + 1))
	fi
done
[ "$status" = 0 ] || { echo "not ok - the e2e cases under valgrind failed"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
