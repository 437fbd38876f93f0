#!/usr/bin/env python3
"""check_corpus.py - validate corpus/labels.jsonl against corpus/src and corpus/mail.

Checks every label line (JSON, required keys, class, split, topic under its
class, file present, one line per source message) and reads every message
back with Python's email package: the decoded Subject must equal the source
subject and the decoded text must carry the source body (letters and digits
in order, whatever wrapping, charset, transfer encoding or HTML rendering the
generator chose).  Prints one line per problem and exits 1 when there is any.

    python3 corpus/tools/check_corpus.py [CORPUS_DIR [SRC_DIR]]
"""

import email
import email.policy
import html
import json
import os
import re
import sys

CLASSES = ("subscription", "incident", "non_csp", "other")
LABEL_KEYS = ("file", "id", "class", "lang", "topic", "vendor", "encoding", "structure", "tricks",
              "mail_from", "rcpt", "seen", "split")
LIST_MARK = re.compile(r"^\s*([-*•・]|\d+[.)])\s+", re.M)


def alnum(s):
    return "".join(c for c in s if c.isalnum())


def html_text(s):
    s = re.sub(r"(?is)<(title|style|head)[^>]*>.*?</\1>", " ", s)
    s = re.sub(r"(?s)<[^>]+>", " ", s)
    return html.unescape(s)


def texts(msg):
    plain, htmls = [], []
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        if part.get_content_subtype() == "plain":
            plain.append(part.get_content())
        elif part.get_content_subtype() == "html":
            htmls.append(part.get_content())
    return plain, htmls


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    corpus = sys.argv[1] if len(sys.argv) > 1 else here
    src_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "src")
    sources = {}
    for name in sorted(os.listdir(src_dir)):
        if name.endswith(".jsonl"):
            with open(os.path.join(src_dir, name), encoding="utf-8") as fp:
                for line in fp:
                    if line.strip():
                        it = json.loads(line)
                        sources[it["id"]] = it
    problems = []
    seen = set()
    labels = os.path.join(corpus, "labels.jsonl")
    with open(labels, encoding="utf-8") as fp:
        for n, line in enumerate(fp, 1):
            where = "%s:%d" % (labels, n)
            try:
                lab = json.loads(line)
            except ValueError as e:
                problems.append("%s: %s" % (where, e))
                continue
            missing = [k for k in LABEL_KEYS if k not in lab]
            if missing:
                problems.append("%s: missing %s" % (where, ", ".join(missing)))
                continue
            if lab["class"] not in CLASSES:
                problems.append("%s: class %r" % (where, lab["class"]))
            if lab["split"] not in ("train", "valid"):
                problems.append("%s: split %r" % (where, lab["split"]))
            if not lab["topic"].startswith(lab["class"] + "."):
                problems.append("%s: topic %r not under class %r" % (where, lab["topic"], lab["class"]))
            if not (isinstance(lab["rcpt"], list) and lab["rcpt"] and all(isinstance(r, str) and "@" in r
                                                                          for r in lab["rcpt"])):
                problems.append("%s: rcpt must be a non-empty list of addresses" % where)
            if not re.match(r"^[^@\s]+@([a-z0-9-]+\.)*vendor\.example$", lab["mail_from"]):
                problems.append("%s: mail_from %r is not vendor-side" % (where, lab["mail_from"]))
            if lab["id"] in seen:
                problems.append("%s: %s labelled twice" % (where, lab["id"]))
            seen.add(lab["id"])
            src = sources.get(lab["id"])
            if src is None:
                problems.append("%s: %s has no source" % (where, lab["id"]))
                continue
            for k in ("class", "lang", "topic", "vendor", "seen"):
                if lab[k] != src[k]:
                    problems.append("%s: %s differs from the source" % (where, k))
            path = os.path.join(corpus, lab["file"])
            try:
                with open(path, "rb") as mf:
                    msg = email.message_from_binary_file(mf, policy=email.policy.default)
            except OSError as e:
                problems.append("%s: %s" % (where, e))
                continue
            if str(msg["subject"]) != src["subject"]:
                problems.append("%s: subject decodes to %r, not %r" % (where, str(msg["subject"]),
                                                                       src["subject"]))
            if msg["message-id"] is None or msg["date"] is None or msg["mime-version"] != "1.0":
                problems.append("%s: Message-ID, Date or MIME-Version missing" % where)
            plain, htmls = texts(msg)
            want = alnum(src["body"])
            # the HTML rendering drops the markers of list paragraphs
            want_html = alnum(LIST_MARK.sub("", src["body"]))
            for p in plain:
                if alnum(p) != want:
                    problems.append("%s: text/plain does not carry the source body" % where)
            for h in htmls:
                shown = alnum(html_text(h))
                if want not in shown and want_html not in shown:
                    problems.append("%s: text/html does not carry the source body" % where)
            if not plain and not htmls:
                problems.append("%s: no text part" % where)
    for i in sorted(set(sources) - seen):
        problems.append("%s: source %s has no label" % (labels, i))
    for p in problems:
        print(p)
    print("%d labels, %d sources, %d problems" % (len(seen), len(sources), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
