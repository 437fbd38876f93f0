#!/bin/sh
# run-all.sh - every test: the normal build's make check (unit, e2e through a
# real Postfix, CLI and corpus checks), the same under ASan+UBSan, the fuzz
# smoke runs, and make distcheck.  Installs what it needs first.
set -eu
# Suites that need a tool fail without it here, instead of skipping.
CSP_TEST_STRICT=1
export CSP_TEST_STRICT
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh contrib/install-deps.sh --test
if [ -f config.status ]; then
	# Configured in place (by hand): the out-of-tree builds below need it clean.
	echo "run-all: this tree was configured in place; make distclean first"
	make distclean >/dev/null
fi
autoreconf -fi
jobs=$(nproc)
build=${CSP_BUILD_DIR:-$top/_build}
# Only our own builds: contrib/quickstart.sh keeps its build in $build/quickstart.
rm -rf "$build/normal" "$build/asan"
mkdir -p "$build/normal" "$build/asan"

echo "== normal build: make check"
(cd "$build/normal" && "$top/configure" -q && make -j"$jobs" && make -j"$jobs" check) ||
	{ cat "$build"/normal/tests/*.log "$build"/normal/tests/*/*.log 2>/dev/null | tail -200; exit 1; }

echo "== sanitizer build (ASan+UBSan): make check"
(cd "$build/asan" && "$top/configure" -q --enable-sanitizers && make -j"$jobs" &&
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions=$top/tests/lsan.supp CSP_SKIP_PACKAGE_SUITE=1 \
	make -j"$jobs" check) ||
	{ cat "$build"/asan/tests/*.log "$build"/asan/tests/*/*.log 2>/dev/null | tail -200; exit 1; }

echo "== fuzz smoke"
(cd "$build/normal" && make fuzz-smoke)

echo "== distcheck (the tarball builds and its unit tests pass; the e2e suites ran above)"
(cd "$build/normal" && make -j"$jobs" distcheck TESTS='$(UNIT_TESTS)')
echo "all test stages passed"
