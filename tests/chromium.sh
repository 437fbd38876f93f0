# chromium.sh - sourced by the tests that render HTML in headless Chromium.
# chromium_find - set CHROMIUM, or fail the test (exit 1) when there is none;
# with CSP_ALLOW_SKIP_BROWSER=1 skip it (exit 77) instead.  Extra lines for
# the failure message may be given as arguments.
chromium_find() {
	local c

	CHROMIUM=${CHROMIUM:-}
	for c in chromium chromium-browser google-chrome; do
		[ -n "$CHROMIUM" ] && break
		CHROMIUM=$(command -v "$c" 2>/dev/null || true)
	done
	[ -n "$CHROMIUM" ] && return 0
	if [ "${CSP_ALLOW_SKIP_BROWSER:-0}" = 1 ]; then
		echo "SKIP: no chromium (install it: apt-get install -y chromium)"
		exit 77
	fi
	echo "FAIL: no chromium found; install it (apt-get install -y chromium)"
	echo "      or set CSP_ALLOW_SKIP_BROWSER=1 to skip this test"
	for c in "$@"; do
		echo "$c"
	done
	exit 1
}
