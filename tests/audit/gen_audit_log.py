#!/usr/bin/env python3
"""gen_audit_log - deterministic csp-milter audit logs with known answers.

  gen_audit_log.py generate --records N --seed S --out FILE [--expect FILE]
        [--malformed] [--bulk] [--gap-days D,D...]
        --gap-days leaves out the records of those days (0 is 2026-11-01)
  gen_audit_log.py bigrules --rules N --out FILE
        one well-formed record with N rule entries (the quadratic case)
  gen_audit_log.py table EXPECT
        one line per query: NAME MATCHED QUARANTINED CSVROWS ARGS...
  gen_audit_log.py check EXPECT DIR
        compare DIR/NAME.summary and DIR/NAME.csv with the answers; prints
        "ok NAME KIND" or "FAIL NAME KIND: why" per comparison
  gen_audit_log.py value EXPECT KEY

The expected answers are computed here, independently of the C code, from
the records as generated, with the filter semantics documented in
csp-milter-audit(1).  Uses the standard library only.
"""
import csv
import datetime
import json
import random
import re
import sys

START = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
SPAN_S = 14 * 86400

SENDERS = [
    ("billing@vendor.example", "Vendor Billing <billing@vendor.example>"),
    ("Licensing@Vendor.example", "Licensing Team <licensing@vendor.example>"),
    ("noreply@status.vendor.example", "Vendor Status <noreply@status.vendor.example>"),
    ("support@vendor.example", "\"Support, Vendor\" <support@vendor.example>"),
    ("fakturering@leverand\u00f8r.example", "Leverand\u00f8r <fakturering@leverand\u00f8r.example>"),
    ("", "Bounce <>"),
]
# rcpt, customer, partner
RCPTS = [
    ("<admin@contoso.example>", "cust-contoso", "csp-desk@partner-a.example"),
    ("<it@contoso.example>", "cust-contoso", "csp-desk@partner-a.example"),
    ("<ops@fabrikam.example>", "cust-fabrikam", "csp@Partner-B.example"),
    ("<boss@northwind.example>", "cust-northwind", "csp@partner-b.example"),
    ("<x@other.example>", "", ""),
    ("<Someone@Contoso.example>", "", ""),
]
RULES = {
    "subscription": ["sub.invoice.en", "sub.renewal.en", "sub.invoice.de", "sub.license.en"],
    "incident": ["inc.outage.en", "inc.maintenance.en", "inc.security.en"],
    "non_csp": ["non.marketing.en", "non.survey.en"],
    "other": ["oth.generic"],
    "": [],
}
CLASSES = ["subscription"] * 5 + ["incident"] * 3 + ["non_csp"] * 2 + ["other", ""]
SUBJECTS = [
    "Your invoice",
    "Renewal, due soon",
    "He said \"renew now\"",
    "Two\nlines",
    "<script>alert(1)</script> & co",
    "Fa\u0308ktura f\u00f6r november",
    " leading space",
]
REROUTE_DECISIONS = {"subscription": "reroute", "incident": "reroute"}

QUERIES = [
    ("all", []),
    ("since_date", ["--since", "2026-11-05"]),
    ("until_date", ["--until", "2026-11-03"]),
    ("range", ["--since", "2026-11-04T12:00:00Z", "--until", "2026-11-06T00:00:00+02:00"]),
    ("since_rel_all", ["--since", "3650d"]),
    ("since_rel_none", ["--since", "1h"]),
    ("class_sub", ["--class", "subscription"]),
    ("class_none", ["--class", "none"]),
    ("action_reroute", ["--action", "reroute"]),
    ("action_quarantine", ["--action", "quarantine"]),
    ("action_deliver", ["--action", "deliver"]),
    ("action_tempfail", ["--action", "tempfail"]),
    ("sender", ["--sender", "LICENSING@"]),
    ("sender_utf8", ["--sender", "leverand\u00f8r"]),
    ("rcpt", ["--rcpt", "contoso"]),
    ("customer", ["--customer", "cust-fabrikam"]),
    ("partner", ["--partner", "partner-b"]),
    ("rule", ["--rule", "sub.invoice.en"]),
    ("uncertain", ["--uncertain"]),
    ("combo", ["--class", "subscription", "--action", "reroute",
               "--partner", "partner-b", "--since", "2026-11-03"]),
    ("same_rcpt", ["--customer", "cust-contoso", "--partner", "partner-b"]),
]


def fmt_time(us):
    t = START + datetime.timedelta(microseconds=us)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_record(rng, i, n):
    us = (i * SPAN_S * 1000000) // n + rng.randrange(1000)
    cls = rng.choice(CLASSES)
    mail_from, header_from = rng.choice(SENDERS)
    if cls == "":
        mail_from, header_from = "someone@elsewhere.example", "Someone <someone@elsewhere.example>"
    rules = []
    pool = RULES[cls]
    for _ in range(rng.randrange(0, 3) if pool else 0):
        rules.append(rng.choice(pool))   # may repeat: counts once per record
    rcpts = []
    for r in rng.sample(RCPTS, rng.randrange(1, 4)):
        if r[1] and cls in REROUTE_DECISIONS:
            dec = rng.choice(["reroute", "reroute", "reroute", "quarantine", "reject"])
        elif r[1]:
            dec = rng.choice(["deliver", "tag"])
        elif cls == "":
            dec = "untouched"
        else:
            dec = "deliver"
        rcpts.append({"rcpt": r[0], "customer": r[1], "partner": r[2], "decision": dec})
    decs = [r["decision"] for r in rcpts]
    roll = rng.randrange(100)
    if roll < 3:
        action = "tempfail"
    elif roll < 5:
        action = "accept"
    elif "quarantine" in decs:
        action = "quarantine"
    elif "reject" in decs and all(d == "reject" for d in decs):
        action = "reject"
    elif "reroute" in decs:
        action = "reroute"
    elif "tag" in decs:
        action = "tag"
    elif cls == "":
        action = "untouched"
    else:
        action = "deliver"
    uncertain = rng.randrange(10) == 0
    rec = {
        "time": fmt_time(us),
        "instance": "relay%d" % (i % 2 + 1),
        "queue_id": "4Q%06X" % i,
        "client": "127.0.0.1",
        "mail_from": mail_from,
        "header_from": header_from,
        "message_id": "<m%d@vendor.example>" % i,
        "subject": rng.choice(SUBJECTS),
        "size": rng.randrange(1000, 100000),
        "class": cls,
        "scores": {"subscription": rng.randrange(10), "incident": 0, "non_csp": 0},
        "uncertain": uncertain,
        "uncertain_reason": "close scores" if uncertain else "",
        "rules": [{"id": r, "class": cls, "target": "body", "excerpt": "...x..."} for r in rules],
        "recipients": rcpts,
        "action": action,
        "mode": rng.choice(["enforce", "enforce", "monitor"]),
        "config_version": "3f2a9c0d1e2b4a5f",
        "elapsed_us": rng.randrange(100, 5000),
    }
    if i % 97 == 0:
        rec["future_key"] = {"nested": [1, 2, {"x": None}]}
    return rec, us


MALFORMED = [
    "this is not json",
    None,   # a truncated record, made at run time
    '{"time":"2026-11-02T00:00:00Z","action":"deliver","rules":"oops"}',
    "[1,2,3]",
    '{"time":"yesterday","action":"deliver"}',
]


def parse_arg_time(s, now, end_of_day):
    if re.fullmatch(r"\d{4}-\d\d-\d\d", s):
        d = datetime.datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
        return d + datetime.timedelta(days=1 if end_of_day else 0)
    m = re.fullmatch(r"(\d+)([smhdw])", s)
    if m:
        mult = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]
        return now - datetime.timedelta(seconds=int(m.group(1)) * mult)
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def parse_query(args):
    q = {}
    i = 0
    while i < len(args):
        k = args[i][2:]
        if k == "uncertain":
            q[k] = True
            i += 1
        else:
            q[k] = args[i + 1]
            i += 2
    return q


def rcpt_ok(q, r):
    if "rcpt" in q and q["rcpt"].lower() not in r["rcpt"].lower():
        return False
    if "customer" in q and r["customer"] != q["customer"]:
        return False
    if "partner" in q and q["partner"].lower() not in r["partner"].lower():
        return False
    return True


def has_rcpt_filter(q):
    return any(k in q for k in ("rcpt", "customer", "partner"))


def ci_contains(hay, needle):
    # ASCII case folding only, as the C code does.
    tr = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    return needle.translate(tr) in hay.translate(tr)


def match(q, rec, now):
    t = datetime.datetime.fromisoformat(rec["time"].replace("Z", "+00:00"))
    if "since" in q and t < parse_arg_time(q["since"], now, False):
        return False
    if "until" in q and t >= parse_arg_time(q["until"], now, True):
        return False
    if q.get("uncertain") and not rec["uncertain"]:
        return False
    if "class" in q:
        want = "" if q["class"] == "none" else q["class"]
        if rec["class"] != want:
            return False
    if "sender" in q and not (ci_contains(rec["mail_from"], q["sender"]) or
                              ci_contains(rec["header_from"], q["sender"])):
        return False
    if "rule" in q and q["rule"] not in [r["id"] for r in rec["rules"]]:
        return False
    if "action" in q and rec["action"] != q["action"] and \
            q["action"] not in [r["decision"] for r in rec["recipients"]]:
        return False
    if has_rcpt_filter(q) and not any(rcpt_ok(q, r) for r in rec["recipients"]):
        return False
    return True


DETAIL = ("reject", "reroute", "quarantine")


def detail_rows(q, rec):
    """The rows of the detail table and CSV for one matching record."""
    rows = [r for r in rec["recipients"]
            if r["decision"] in DETAIL and rcpt_ok(q, r)]
    if not rows and rec["action"] in DETAIL:
        rows = [None]
    out = []
    for r in rows:
        held = rec["action"] == "quarantine" and rec["mode"] == "enforce" and rec["queue_id"]
        out.append([
            rec["time"], rec["queue_id"], rec["mail_from"],
            r["rcpt"] if r else "", r["customer"] if r else "",
            r["partner"] if r else "", rec["class"],
            "true" if rec["uncertain"] else "false",
            ";".join(x["id"] for x in rec["rules"]),
            r["decision"] if r else rec["action"], rec["mode"],
            ("postsuper -H " + rec["queue_id"]) if held else ""])
    return out


def expected_for(q, records, now):
    out = {"matched": 0, "csv_rows": [], "quarantine": [], "class_action": {},
           "rules": {}, "senders": {}, "partners": {}, "detail_rows": [],
           "modes": {}, "uncertain": {}}
    for rec in records:
        if not match(q, rec, now):
            continue
        out["matched"] += 1
        cls = rec["class"] or "(none)"
        mode = rec["mode"]
        out["modes"][mode] = out["modes"].get(mode, 0) + 1
        if rec["uncertain"]:
            out["uncertain"][mode] = out["uncertain"].get(mode, 0) + 1
        out["detail_rows"] += detail_rows(q, rec)
        key = mode + "\t" + cls + "\t" + rec["action"]
        out["class_action"][key] = out["class_action"].get(key, 0) + 1
        for rid in sorted(set(r["id"] for r in rec["rules"])):
            out["rules"][rid] = out["rules"].get(rid, 0) + 1
        s = rec["mail_from"] or "<>"
        out["senders"][s] = out["senders"].get(s, 0) + 1
        if rec["action"] == "quarantine" and rec["mode"] == "enforce":
            # Held, with a release command; monitor mode holds nothing.
            out["quarantine"].append(rec["queue_id"])
        for r in rec["recipients"]:
            if not rcpt_ok(q, r):
                continue
            out["csv_rows"].append([
                rec["time"], rec["queue_id"], rec["message_id"], rec["mail_from"],
                r["rcpt"], r["customer"], r["partner"], rec["class"], r["decision"],
                rec["action"], rec["mode"], "true" if rec["uncertain"] else "false",
                ";".join(x["id"] for x in rec["rules"]), rec["subject"]])
            if r["decision"] == "reroute":
                p = mode + "\t" + (r["partner"] or "(none)")
                out["partners"][p] = out["partners"].get(p, 0) + 1
    return out


def generate(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="gen_audit_log.py generate")
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--expect")
    ap.add_argument("--malformed", action="store_true",
                    help="insert %d malformed lines" % len(MALFORMED))
    ap.add_argument("--bulk", action="store_true",
                    help="no expectations, just write fast (benchmarks)")
    ap.add_argument("--gap-days", default="",
                    help="leave out the records of these days (0: 2026-11-01)")
    a = ap.parse_args(argv)
    gaps = set(int(d) for d in a.gap_days.split(",") if d != "")
    rng = random.Random(a.seed)
    records = []
    n = a.records
    if a.bulk:
        # Generate a pool of distinct records, then repeat it with new
        # times and queue ids: fast enough for a gigabyte.
        pool = [json.dumps(make_record(rng, i, 1000)[0], separators=(",", ":"),
                           ensure_ascii=False) for i in range(1000)]
        with open(a.out, "w", encoding="utf-8") as f:
            buf = []
            for i in range(n):
                line = pool[i % 1000]
                t = fmt_time((i * SPAN_S * 1000000) // n)
                buf.append('{"time":"%s"' % t + line[line.index(","):])
                if len(buf) == 10000:
                    f.write("\n".join(buf) + "\n")
                    buf = []
            if buf:
                f.write("\n".join(buf) + "\n")
        return 0
    bad_at = {}
    if a.malformed:
        for k, line in enumerate(MALFORMED):
            bad_at[(k + 1) * n // (len(MALFORMED) + 1)] = k
    malformed_lines = []
    lineno = 0
    with open(a.out, "w", encoding="utf-8") as f:
        for i in range(n):
            if i in bad_at:
                line = MALFORMED[bad_at[i]]
                if line is None:
                    full = json.dumps(make_record(random.Random(i), i, n)[0])
                    line = full[:len(full) // 2]
                lineno += 1
                malformed_lines.append(lineno)
                f.write(line + "\n")
            rec, us = make_record(rng, i, n)
            if us // (86400 * 1000000) in gaps:
                continue
            records.append(rec)
            lineno += 1
            f.write(json.dumps(rec, ensure_ascii=(i % 2 == 0),
                               separators=(",", ":") if i % 3 else (", ", ": ")) + "\n")
    if a.expect:
        now = datetime.datetime.now(datetime.timezone.utc)
        exp = {"records": len(records), "malformed": len(malformed_lines),
               "malformed_lines": malformed_lines, "queries": {}}
        for name, args in QUERIES:
            e = expected_for(parse_query(args), records, now)
            e["args"] = args
            exp["queries"][name] = e
        e = exp["queries"]["all"]
        exp["detail"] = len(e["detail_rows"])
        exp["detail_monitor"] = sum(1 for r in e["detail_rows"] if r[10] == "monitor")
        exp["enforce"] = e["modes"].get("enforce", 0)
        exp["monitor"] = e["modes"].get("monitor", 0)
        exp["uncertain_enforce"] = e["uncertain"].get("enforce", 0)
        exp["uncertain_monitor"] = e["uncertain"].get("monitor", 0)
        days = sorted(set(r["time"][:10] for r in records))
        exp["first_day"], exp["last_day"] = days[0], days[-1]
        exp["days_with_records"] = len(days)
        exp["first_time"] = min(r["time"] for r in records)
        exp["last_time"] = max(r["time"] for r in records)
        with open(a.expect, "w", encoding="utf-8") as f:
            json.dump(exp, f, ensure_ascii=False)
    return 0


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def top_list(d, top):
    return sorted(d.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:top]


def parse_section(lines, title):
    """The "count  key" rows of a section of the text summary."""
    rows, on = [], False
    for ln in lines:
        if ln.startswith(title):
            on = True
            continue
        if on:
            if not ln.startswith("  ") or ln.strip() == "(none)":
                break
            parts = ln.strip().split(None, 1)
            if parts[0] == "count":
                continue
            rows.append((parts[1], int(parts[0])))
    return rows


def check_summary(e, path_out):
    with open(path_out, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    bad = []

    def want(what, got, wanted):
        if got != wanted:
            bad.append("%s: got %r, want %r" % (what, got, wanted))

    vals = {}
    for ln in lines:
        m = re.match(r"(records read|malformed lines|records matched):\s+(\d+)$", ln)
        if m:
            vals[m.group(1)] = int(m.group(2))
    want("records matched", vals.get("records matched"), e["matched"])
    got_modes, got_unc = {}, {}
    for ln in lines:
        m = re.match(r"  mode (\S+): (\d+) records, (\d+) uncertain$", ln)
        if m:
            if int(m.group(2)):
                got_modes[m.group(1)] = int(m.group(2))
            if int(m.group(3)):
                got_unc[m.group(1)] = int(m.group(3))
    want("records per mode", got_modes, e["modes"])
    want("uncertain per mode", got_unc, e["uncertain"])
    # Class by action tables, one per mode: nonzero cells by
    # "mode\tclass\taction".
    got_ca = {}
    hdr = mode = None
    for ln in lines:
        m = re.match(r"records by class and action, mode (\S+) ", ln)
        if m:
            mode = m.group(1)
            continue
        if mode is not None and ln.startswith("  class "):
            hdr = ln.split()
            continue
        if hdr is not None:
            if not ln.strip():
                hdr = mode = None
                continue
            cells = ln.split()
            if cells[0] == "total":
                continue
            for col, v in zip(hdr[1:-1], cells[1:-1]):
                if int(v):
                    got_ca[mode + "\t" + cells[0] + "\t" + col] = int(v)
    want("class x action", got_ca, e["class_action"])
    want("top rules", parse_section(lines, "top 10 rules"),
         [tuple(x) for x in top_list(e["rules"], 10)])
    want("top senders", parse_section(lines, "top 10 senders"),
         [tuple(x) for x in top_list(e["senders"], 10)])
    for mode in ("enforce", "monitor"):
        mine = dict((k.split("\t", 1)[1], v) for k, v in e["partners"].items()
                    if k.startswith(mode + "\t"))
        want("reroutes per partner, mode " + mode,
             parse_section(lines, "reroutes per partner, mode %s:" % mode),
             [tuple(x) for x in top_list(mine, 1000)])
    return "; ".join(bad)


def check_csv(e, path_out):
    with open(path_out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = ("time,queue_id,message_id,mail_from,rcpt,customer,partner,class,"
              "decision,action,mode,uncertain,rules,subject").split(",")
    if not rows or rows[0] != header:
        return "bad header: %r" % (rows[:1],)
    if rows[1:] != e["csv_rows"]:
        for g, w in zip(rows[1:], e["csv_rows"]):
            if g != w:
                return "rows differ: got %d, want %d; first: got %r want %r" % (
                    len(rows) - 1, len(e["csv_rows"]), g, w)
        return "rows differ: got %d, want %d" % (len(rows) - 1, len(e["csv_rows"]))
    return ""


def check_detail(e, path_out):
    with open(path_out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = ("time,queue_id,mail_from,rcpt,customer,partner,class,uncertain,"
              "rules,action,mode,release").split(",")
    if not rows or rows[0] != header:
        return "bad header: %r" % (rows[:1],)
    if rows[1:] != e["detail_rows"]:
        for g, w in zip(rows[1:], e["detail_rows"]):
            if g != w:
                return "rows differ: got %d, want %d; first: got %r want %r" % (
                    len(rows) - 1, len(e["detail_rows"]), g, w)
        return "rows differ: got %d, want %d" % (len(rows) - 1, len(e["detail_rows"]))
    return ""


def check_json_summary(e, path_out):
    with open(path_out, encoding="utf-8") as f:
        d = json.load(f)
    bad = []

    def want(what, got, wanted):
        if got != wanted:
            bad.append("%s: got %r, want %r" % (what, got, wanted))

    want("matched", d["records"]["matched"], e["matched"])
    want("both modes present", sorted(d["modes"]), ["enforce", "monitor"])
    want("records per mode", dict((m, v["records"]) for m, v in d["modes"].items()
                                  if v["records"]), e["modes"])
    want("uncertain per mode", dict((m, v["uncertain"]) for m, v in d["modes"].items()
                                    if v["uncertain"]), e["uncertain"])
    ca = {}
    for m, v in d["modes"].items():
        for c, acts in v["class_action"].items():
            for a, n in acts.items():
                ca[m + "\t" + c + "\t" + a] = n
    want("class x action", ca, e["class_action"])
    pp = {}
    for m, v in d["modes"].items():
        for p, n in v["reroutes_per_partner"].items():
            pp[m + "\t" + p] = n
    want("reroutes per partner", pp, e["partners"])
    want("rules", d["rules"], e["rules"])
    return "; ".join(bad)


def bigrules(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="gen_audit_log.py bigrules")
    ap.add_argument("--rules", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write('{"time":"2026-11-02T10:00:00Z","instance":"relay1",'
                '"queue_id":"4QBIG","mail_from":"billing@vendor.example",'
                '"class":"subscription","rules":[')
        f.write(",".join('{"id":"rule.%d","class":"subscription"}' % (i % (a.rules // 2 + 1))
                         for i in range(a.rules)))
        f.write('],"recipients":[{"rcpt":"<a@b.example>","customer":"c",'
                '"partner":"p","decision":"reroute"}],"action":"reroute",'
                '"mode":"enforce","config_version":"v1"}\n')
    return 0


def check_all(path_exp, outdir):
    import os
    exp = load(path_exp)
    for name, e in exp["queries"].items():
        for kind, fn in (("summary", check_summary), ("csv", check_csv),
                         ("detail", check_detail), ("jsonsummary", check_json_summary)):
            path = os.path.join(outdir, name + "." + kind)
            try:
                why = fn(e, path)
            except (OSError, ValueError, IndexError) as x:
                why = "cannot check: %s" % x
            print(("FAIL %s %s: %s" % (name, kind, why)) if why else
                  ("ok %s %s" % (name, kind)))
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, rest = argv[1], argv[2:]
    if cmd == "generate":
        return generate(rest)
    if cmd == "bigrules":
        return bigrules(rest)
    if cmd == "check":
        return check_all(*rest)
    if cmd == "table":
        for name, e in load(rest[0])["queries"].items():
            print(" ".join([name, str(e["matched"]), str(len(e["quarantine"])),
                            str(len(e["csv_rows"]))] + e["args"]))
        return 0
    if cmd == "value":
        v = load(rest[0])[rest[1]]
        print(len(v) if isinstance(v, list) else v)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
