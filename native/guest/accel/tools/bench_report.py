#!/usr/bin/env python3
"""Joins the bench harness's "bench <id> <name>" lines with rv64count's "region <id> <count>" lines
into a table of RV64IM instructions per call."""
import sys
names, counts = {}, {}
for line in sys.stdin:
    parts = line.rstrip("\n").split(" ", 2)
    if parts[0] == "bench":
        names[int(parts[1])] = parts[2]
    elif parts[0] == "region":
        counts[int(parts[1])] = int(parts[2])
    elif parts[0] == "instructions":
        total = int(parts[1])
print("| call | RV64IM instructions |")
print("|---|---:|")
for i in sorted(names):
    print("| %s | %s |" % (names[i], "{:,}".format(counts.get(i, -1))))
