#!/usr/bin/env python3
"""eval_by_split.py - break csp-milter --evaluate down by split and language.

Runs "csp-milter -c CONF --evaluate CORPUS --json" once and groups its
result by the label fields of CORPUS/labels.jsonl (split, lang, or any
other field): accuracy, non-incident mail classified incident (it would be
delivered directly), and incident mail classified otherwise (it would be
held or rerouted).

    python3 corpus/tools/eval_by_split.py BIN CONF [CORPUS] [--by split,lang]
"""

import collections
import json
import os
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--by")]
    by = ["split", "lang"]
    for a in sys.argv[1:]:
        if a.startswith("--by"):
            by = a.split("=", 1)[1].split(",") if "=" in a else by
    if len(args) < 2:
        sys.stderr.write(__doc__)
        return 2
    binary, conf = args[0], args[1]
    corpus = args[2] if len(args) > 2 else os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    out = subprocess.run([binary, "-c", conf, "--evaluate", corpus, "--json"], check=True,
                         stdout=subprocess.PIPE).stdout
    report = json.loads(out)
    got = {m["file"]: m["got"] for m in report["misses"]}
    labels = [json.loads(l) for l in open(os.path.join(corpus, "labels.jsonl"), encoding="utf-8")]
    for field in by:
        groups = collections.OrderedDict()
        groups["all"] = labels
        for key in sorted({l[field] for l in labels}):
            groups[key] = [l for l in labels if l[field] == key]
        print("by %s:" % field)
        print("  %-8s %6s %9s %22s %22s" % (field, "n", "accuracy", "non-incident->incident",
                                            "incident->other class"))
        for key, sel in groups.items():
            ok = sum(1 for l in sel if got.get(l["file"], l["class"]) == l["class"])
            non = [l for l in sel if l["class"] != "incident"]
            inc = [l for l in sel if l["class"] == "incident"]
            non_inc = sum(1 for l in non if got.get(l["file"], l["class"]) == "incident")
            inc_off = sum(1 for l in inc if got.get(l["file"], l["class"]) != "incident")
            print("  %-8s %6d %8.1f%% %14d/%-3d %5.1f%% %14d/%-3d %5.1f%%" % (
                key, len(sel), 100.0 * ok / max(1, len(sel)), non_inc, len(non),
                100.0 * non_inc / max(1, len(non)), inc_off, len(inc), 100.0 * inc_off / max(1, len(inc))))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
