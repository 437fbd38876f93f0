#!/usr/bin/env python3
"""gen_customers - a large customers.csv for the directory load benchmark.

Usage: gen_customers.py ROWS BASE_CSV > OUT_CSV

Copies BASE_CSV (the shipped conf/customers.csv, so its recipients keep
their kind) and appends ROWS - (rows of BASE_CSV) synthetic rows: a mix of
domains and single addresses, CSP and direct customers, every partner
address distinct per hundred customers.
"""
import sys


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: gen_customers.py ROWS BASE_CSV\n")
        return 2
    rows = int(sys.argv[1])
    out = sys.stdout
    n = 0
    with open(sys.argv[2], encoding="utf-8") as base:
        for line in base:
            out.write(line)
            if line.strip() and not line.startswith("#") and not line.startswith("recipient,"):
                n += 1
    buf = []
    for i in range(rows - n):
        csp = "yes" if i % 3 else "no"
        direct = "yes" if i % 5 == 0 or csp == "no" else "no"
        partner = "desk@partner-%d.example" % (i // 100) if csp == "yes" else ""
        if i % 4 == 0:
            rcpt = "user%d@cust%d.example" % (i, i // 4)
        else:
            rcpt = "cust%d.example" % i
        buf.append("%s,cust-%d,%s,%s,%s\n" % (rcpt, i, partner, csp, direct))
        if len(buf) >= 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))
    return 0


if __name__ == "__main__":
    sys.exit(main())
