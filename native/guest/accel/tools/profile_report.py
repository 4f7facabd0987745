#!/usr/bin/env python3
"""Aggregates an rv64count profile (pc count lines) per function using the ELF's symbol table:
profile_report.py program.elf profile.txt [top]"""
import bisect, subprocess, sys
elf, prof = sys.argv[1], sys.argv[2]
top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
syms = []
for line in subprocess.check_output(["riscv64-unknown-elf-nm", "-n", elf], text=True).splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tT":
        syms.append((int(parts[0], 16), parts[2]))
addrs = [a for a, _ in syms]
totals = {}
for line in open(prof):
    pc, n = line.split()
    i = bisect.bisect_right(addrs, int(pc, 16)) - 1
    name = syms[i][1] if i >= 0 else "?"
    totals[name] = totals.get(name, 0) + int(n)
grand = sum(totals.values())
for name, n in sorted(totals.items(), key=lambda kv: -kv[1])[:top]:
    print("%12d %5.1f%% %s" % (n, 100.0 * n / grand, name))
