#!/usr/bin/env python3
"""The browser as the oracle: every word Chromium shows reaches the classifier.

Usage: oracle.py CHROMIUM HTML_VISIBLE WORKDIR FILE...

Each FILE is an HTML body, or a message (*.eml) whose text/html parts are
taken out as UTF-8 bodies.  Each body is loaded in an iframe of a runner page, in batches,
by headless Chromium, which writes two texts per body into the page:
  - "eye": document.body.innerText after hiding what renders but no eye can
    see (opacity 0, font-size 0, a zero-size box that clips its content,
    off-screen boxes);
  - "ghost": the innerText of those invisible boxes.
HTML_VISIBLE prints, per body, the visible text and the hidden text that the
decoder hands to the classifier.  The browser's texts are first folded as the
decoder folds text (HTML_VISIBLE --fold: NFKC with case folding, accents and
look-alikes, text_norm).  Both sides are compared as words: NFKC, Unicode case
folding, format characters (Cf: zero-width, soft hyphen, invisible operators)
removed, then split on everything that is not a letter, digit or mark.  Checks:
  1. every "eye" word is in the visible text (a word the reader sees is seen
     by every rule);
  2. every "ghost" word is in the visible or the hidden text (rendered text
     no one can see may only make a decision stricter, but it must arrive).
Prints one line per failing body naming the file and the missing words, a
summary, and exits 1 if any body fails.
"""
import email
import email.policy
import html
import json
import os
import re
import subprocess
import sys
import unicodedata

BATCH = 70

RUNNER_JS = r"""
function invisible(win, el) {
  const cs = win.getComputedStyle(el);
  if (parseFloat(cs.opacity) === 0 || parseFloat(cs.fontSize) === 0)
    return true;
  const r = el.getBoundingClientRect();
  const clips = cs.overflow !== 'visible' || cs.overflowX !== 'visible' ||
      cs.overflowY !== 'visible';
  if (clips && (r.width === 0 || r.height === 0))
    return true;
  if (r.right <= 0 || r.bottom <= 0)
    return true;
  return false;
}
function texts(frame) {
  const win = frame.contentWindow, doc = frame.contentDocument;
  if (!doc || !doc.body)
    return {error: 'no document'};
  const hide = [];
  for (const el of doc.body.querySelectorAll('*'))
    if (invisible(win, el) && !hide.some(h => h.contains(el)))
      hide.push(el);
  const ghost = hide.map(el => el.innerText).join('\n');
  for (const el of hide)
    el.style.setProperty('display', 'none', 'important');
  return {ghost: ghost, eye: doc.body.innerText};
}
window.addEventListener('load', () => {
  const res = {};
  for (const f of document.querySelectorAll('iframe'))
    res[f.dataset.file] = texts(f);
  document.getElementById('out').textContent = JSON.stringify(res);
});
"""


def words(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return [w for w in re.split(r"[^\w]+|_", text) if w]


def render(chromium, workdir, files):
    """Chromium's texts for each file: {path: {"all": ..., "eye": ...}}."""
    runner = os.path.join(workdir, "runner.html")
    with open(runner, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
                "<pre id=\"out\"></pre>\n")
        for p in files:
            f.write("<iframe style=\"width:900px;height:700px\" data-file=\"%s\" src=\"%s\">"
                    "</iframe>\n" % (html.escape(p), html.escape("file://" + os.path.abspath(p))))
        f.write("<script>%s</script></body></html>\n" % RUNNER_JS)
    profile = os.path.join(workdir, "profile")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync",
           "--allow-file-access-from-files", "--user-data-dir=" + profile,
           "--virtual-time-budget=10000", "--dump-dom", "file://" + runner]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    dom = r.stdout.decode("utf-8", "replace")
    m = re.search(r"<pre id=\"out\">(.*?)</pre>", dom, re.S)
    if r.returncode != 0 or m is None or not m.group(1).strip():
        sys.stderr.write(r.stderr.decode("utf-8", "replace")[-2000:])
        raise SystemExit("FAIL: chromium gave no result for the batch starting at %s"
                         % files[0])
    return json.loads(html.unescape(m.group(1)))


def html_parts(eml, outdir):
    """Write each text/html part of a message as a UTF-8 file; their paths."""
    with open(eml, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    paths = []
    for i, part in enumerate(msg.walk()):
        if part.get_content_type() != "text/html":
            continue
        try:
            text = part.get_content()
        except (LookupError, UnicodeError):
            continue
        path = os.path.join(outdir, "%s-%d.html" % (os.path.basename(eml)[:-4], i))
        with open(path, "w", encoding="utf-8") as f:
            f.write("<meta charset=\"utf-8\">" + text)
        paths.append(path)
    return paths


def main():
    chromium, html_visible, workdir = sys.argv[1:4]
    files = []
    emldir = os.path.join(workdir, "eml")
    os.makedirs(emldir, exist_ok=True)
    for a in sys.argv[4:]:
        files.extend(html_parts(a, emldir) if a.endswith(".eml") else [a])
    if len(files) < 200:
        print("FAIL: only %d HTML bodies; the oracle wants at least 200" % len(files))
        return 1
    browser = {}
    for i in range(0, len(files), BATCH):
        browser.update(render(chromium, workdir, files[i:i + BATCH]))
    # The decoder folds text (NFKC, case, accents, look-alikes: text_norm);
    # the browser's words are folded the same way before they are compared.
    keys = [(p, k) for p in files if p in browser and "error" not in browser[p]
            for k in ("eye", "ghost")]
    folded = subprocess.run([html_visible, "--fold"], stdout=subprocess.PIPE, check=True,
                            input="".join(json.dumps(browser[p][k]) + "\n"
                                          for p, k in keys).encode("utf-8"))
    for (p, k), line in zip(keys, folded.stdout.decode("utf-8").splitlines()):
        browser[p][k] = json.loads(line)
    out = subprocess.run([html_visible] + files, stdout=subprocess.PIPE, check=True)
    ours = {}
    for line in out.stdout.decode("utf-8").splitlines():
        o = json.loads(line)
        ours[o["file"]] = o
    failed = 0
    for p in files:
        b = browser.get(p)
        if b is None or "error" in b:
            print("FAIL %s: the browser rendered nothing (%s)" % (p, b))
            failed += 1
            continue
        visible = set(words(ours[p]["body"]))
        anywhere = visible | set(words(ours[p]["hidden"]))
        seen = [w for w in dict.fromkeys(words(b["eye"])) if w not in visible]
        rendered = [w for w in dict.fromkeys(words(b["ghost"])) if w not in anywhere]
        if seen or rendered:
            failed += 1
            msg = "FAIL %s:" % os.path.basename(p)
            if seen:
                msg += " visible words missing from the body: %s;" % " ".join(seen)
            if rendered:
                msg += " invisible rendered words missing from body and hidden text: %s;" % \
                    " ".join(rendered)
            print(msg.rstrip(";"))
    print("%d bodies, %d passed, %d failed" % (len(files), len(files) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
