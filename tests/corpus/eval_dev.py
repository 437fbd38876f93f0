#!/usr/bin/env python3
"""eval_dev.py - measure the shipped rules against a labelled corpus.

Runs "csp-milter --classify --json" over every .eml file listed in the
corpus's labels.jsonl and prints the accuracy, the confusion matrix and
each misclassified file with its scores and strongest matches.  Exits 1
when the accuracy is below --min (a CI check), 2 on a usage or run error.

  tests/corpus/eval_dev.py [--bin PATH] [--conf FILE] [--min PCT] [--verbose] [CORPUS_DIR]

CORPUS_DIR defaults to /work/shared/corpus/dev; it must hold labels.jsonl
(one {"file": ..., "class": ...} object a line).  Python 3 stdlib only.
"""
import argparse
import json
import os
import signal
import subprocess
import sys

CLASSES = ["subscription", "incident", "non_csp", "other"]
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def default_bin():
    for cand in (os.environ.get("CSP_MILTER"), os.path.join(TOP, "src", "csp-milter"),
                 "/tmp/b-rules/src/csp-milter"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return "csp-milter"


def load_labels(corpus):
    labels = {}
    with open(os.path.join(corpus, "labels.jsonl"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            d = json.loads(line)
            if d.get("class") not in CLASSES:
                sys.exit("labels.jsonl:%d: bad class %r" % (n, d.get("class")))
            labels[d["file"]] = d
    return labels


def classify(binary, conf, files):
    cmd = [binary, "-c", conf, "--classify", "--json"] + files
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0 and not p.stdout:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        sys.exit(2)
    out = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            out[os.path.basename(d["file"])] = d
    return out


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default="/work/shared/corpus/dev")
    ap.add_argument("--bin", default=default_bin(), help="csp-milter binary")
    ap.add_argument("--conf", default=os.path.join(TOP, "conf", "csp-milter.conf"))
    ap.add_argument("--min", type=float, default=0.0, help="minimum accuracy in percent")
    ap.add_argument("--top", type=int, default=4, help="matches shown per miss")
    ap.add_argument("--verbose", "-v", action="store_true", help="show every file")
    a = ap.parse_args()

    labels = load_labels(a.corpus)
    files = sorted(labels)
    res = classify(a.bin, a.conf, [os.path.join(a.corpus, f) for f in files])
    conf = {(t, p): 0 for t in CLASSES for p in CLASSES + ["(none)"]}
    misses = []
    for f in files:
        want = labels[f]["class"]
        d = res.get(f)
        got = (d or {}).get("class") or "(none)"
        conf[(want, got)] += 1
        if got != want or a.verbose:
            misses.append((f, want, got, d))
    total = len(files)
    good = sum(conf[(c, c)] for c in CLASSES)
    acc = 100.0 * good / total if total else 0.0

    print("corpus %s: %d/%d correct, accuracy %.1f%%" % (a.corpus, good, total, acc))
    cols = CLASSES + (["(none)"] if any(conf[(t, "(none)")] for t in CLASSES) else [])
    print("\n%-14s" % "label \\ got" + "".join("%13s" % c for c in cols))
    for t in CLASSES:
        print("%-14s" % t + "".join("%13d" % conf[(t, p)] for p in cols))
    if misses:
        print("\n%s:" % ("files" if a.verbose else "misclassified"))
    for f, want, got, d in misses:
        lab = labels[f]
        scores = (d or {}).get("scores") or {}
        sc = " ".join("%s=%s" % (k[:3], scores[k]) for k in scores)
        mark = "  " if want == got else "!!"
        print("%s %s want %s got %s  [%s] %s %s" % (mark, f, want, got, sc,
              lab.get("lang", ""), ",".join(lab.get("tricks", []))))
        ms = sorted((d or {}).get("matches") or [],
                    key=lambda m: -abs(m.get("weight", 0) * m.get("hits", 1)))
        for m in ms[:a.top]:
            print("     %-22s %-12s %-8s w=%-3s x%-2s %s" % (
                m.get("rule"), m.get("class"), m.get("target"), m.get("weight"),
                m.get("hits"), (m.get("excerpt") or "")[:90]))
    if acc < a.min:
        print("\nFAIL: accuracy %.1f%% below --min %.1f%%" % (acc, a.min))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
