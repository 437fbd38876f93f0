#!/bin/sh
# test_browser_oracle - headless Chromium is the oracle for HTML text.
#
# Renders every body in tests/browser/html (written by gen_bodies.py: at
# least 200, every HTML trick of issue 12) and the HTML parts of the
# project corpus (corpus/mail) and checks that every word the
# browser shows reaches the classifier's visible text, and every word it
# renders reaches the visible or the hidden text (oracle.py says how).
# A failure names the file and the missing words.  Without Chromium the
# test fails, unless CSP_ALLOW_SKIP_BROWSER=1, when it is skipped (77).
set -u

srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}

. "$srcdir/tests/chromium.sh"
chromium_find
if [ ! -x "$builddir/tests/browser/html_visible" ]; then
	echo "FAIL: $builddir/tests/browser/html_visible is not built (make check builds it)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/csp-browser.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# The project corpus's HTML parts too, when the tree has it.
set -- "$srcdir"/tests/browser/html/*.html
[ -d "$srcdir/corpus/mail" ] && set -- "$@" "$srcdir"/corpus/mail/*.eml
python3 "$srcdir/tests/browser/oracle.py" "$CHROMIUM" \
    "$builddir/tests/browser/html_visible" "$tmp" "$@"
