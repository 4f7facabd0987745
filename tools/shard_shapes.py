#!/usr/bin/env python3
"""Shard shapes and shape-catalog schemes, from `prover shapes ... > X.json` outputs (docs/benchmarks.md,
"Shard shapes: how many, and the cost of a bounded catalog").

usage: tools/shard_shapes.py A.json [B.json ...] [NAME=A.json,B.json ...]
       tools/shard_shapes.py --cross TRAIN.json,... TEST.json,...

A shape is (last shard?, every chip's log height, -1 for an absent table). Cells are main-trace cells, sum over the
shard's tables of width * 2^height (the prover's work scales roughly with them). Schemes, per log shard size k:
  natural  the shapes as the prover makes them today (each table's rows rounded up to a power of two);
  max      every chip of the registry present at its structural maximum for 2^k cycles (one row per cycle for the CPU,
           ALU, load/store, syscall, mod-mul and curve chips; 24 and 64 for Keccak and SHA-256, so 2^(k+5) and 2^(k+6);
           the byte table 2^16); the last shard's own tables (memory boundaries, input) keep their heights;
  coremax  the CPU-side chips (CPU, ALU, load/store, syscall, bytes; Mul and DivRem made present) at their maximum,
           the accelerator chips and the last shard's own tables as they are;
  budget   per guest and k, each chip's budget is the tallest height it has in the group's shards, scaled to a full
           shard (a planner that cuts a shard when a table would pass its budget keeps every shard under it): every
           shard has every chip the group uses (one chip set), a non-last shard at the budgets, a last shard whose CPU
           has 2^j rows at the budgets less (k - j); the last shard's own tables as they are;
  budget-s the same with the last shard's j rounded up to k - s*i (budget1: j as it is, any CPU height);
  tier-s   each table's height rounded up to its budget minus a multiple of s (non-last and last alike), absent tables
           absent; the catalog is the product over the tables of their allowed heights;
  split    CPU-side shards at the budgets, every accelerator's rows and the last shard's own tables in shards of their
           own (`split_cost`); split-rule the same with the fixed budgets `RULE` instead of fitted ones.
"""
import json
import sys
from collections import defaultdict


FIXED = {"Program", "Image"}  # preprocessed tables of the guest: one height per guest
CORE = {"Bytes", "Cpu", "AddSub", "Bitwise", "Shift", "Compare", "Mul", "DivRem", "LoadStore", "Syscall"}
LAST_ONLY = {"MemoryInit", "MemoryFinal", "InputCommit"}
ROWS_LOG_PER_CYCLE = {"Keccak": 5, "Sha256": 6}  # 24 and 64 rows per call, one call per cycle at most
BYTES_MAX = 16


def structural(name, k):
    return BYTES_MAX if name == "Bytes" else k + ROWS_LOG_PER_CYCLE.get(name, 0)


def round_up(h, c, s):
    """h rounded up to c - s*j (j >= 0, at least 1); heights above c (tables without a budget) unchanged."""
    if h < 0 or h >= c:
        return h
    return max(h, c - s * ((c - h) // s))


# A fixed rule for the CPU-side budgets (log rows below k), from the tallest ratios measured (docs/benchmarks.md): every
# instruction sends at most one ALU request, so the ALU chips' rows add up to at most the cycles.
RULE = {"Cpu": 0, "AddSub": 0, "Bitwise": 1, "Shift": 1, "Compare": 1, "Mul": 2, "DivRem": 4, "LoadStore": 1, "Syscall": 4}


def rule_budgets(names, k):
    b = {n: k - d for n, d in RULE.items()}
    b["Bytes"] = BYTES_MAX
    return b


def budgets(names, shards, k):
    """Per chip, the tallest height it has in the group's shards scaled to a full shard (a last shard whose CPU has 2^j
    rows counts with k - j added), at most its structural maximum; chips the group never uses have none."""
    b = {}
    cpu = names.index("Cpu")
    for t, n in enumerate(names):
        if n in FIXED or n in LAST_ONLY:
            continue
        if n == "Bytes":
            b[n] = BYTES_MAX  # a lookup table: its height does not follow the shard's cycles
            continue
        seen = [min(structural(n, k), h[t] + k - h[cpu]) for _, h in shards if h[t] >= 0]
        if seen:
            b[n] = max(seen)
    return b


def mapped(names, last, k, hs, kind, b):
    out = list(hs)
    cpu = hs[names.index("Cpu")]
    # budget-s: the last shard's CPU-side rounded up to 2^j rows, j = k - s*i
    j = k if not last else round_up(cpu, k, int(kind[6:])) if kind.startswith("budget") and kind != "budget" else cpu
    for t, n in enumerate(names):
        h = hs[t]
        if n in FIXED or n in LAST_ONLY:
            continue
        if kind == "max":
            out[t] = structural(n, k)
        elif kind == "coremax":
            if n in CORE:
                out[t] = structural(n, k)
        elif kind.startswith("budget"):
            # every chip the group uses present (one chip set), at its budget less (k - j) in a last shard of 2^j rows
            if n in b:
                out[t] = max(h, b[n] - (0 if n == "Bytes" else k - j))
        elif kind.startswith("tier"):
            out[t] = round_up(h, b.get(n, structural(n, k)), int(kind[4:]))
    return tuple(out)


def catalog_product(names, b, s):
    """Tier-s catalog size per (k, last?) if every combination is allowed: each budgeted table takes one of
    ceil(budget/s) heights, plus absent for the optional ones (the last shard's own tables not counted)."""
    p = 1
    for n, c in b.items():
        p *= -(-c // s) + (0 if n in CORE and n not in ("Mul", "DivRem") else 1)
    return p


def cells(widths, hs):
    return sum(w << h for w, h in zip(widths, hs) if h >= 0)


def load(path):
    d = json.load(open(path))
    return d, [c["name"] for c in d["chips"]], [c["width"] for c in d["chips"]]


def report(label, docs):
    names, widths = docs[0][1], docs[0][2]
    ks = sorted({s["log_shard_size"] for d, _, _ in docs for s in d["sizes"]})
    print(f"## {label}")
    for k in ks:
        shards = []  # (last, heights)
        for d, _, _ in docs:
            for s in d["sizes"]:
                if s["log_shard_size"] == k:
                    n = len(s["shards"])
                    shards += [(i == n - 1, tuple(h)) for i, h in enumerate(s["shards"])]
        if not shards:
            continue
        b = budgets(names, shards, k)
        base = sum(cells(widths, h) for _, h in shards)
        print(f"k={k}: {len(shards)} shards ({sum(1 for l, _ in shards if not l)} non-last), natural {base / 1e6:.1f} M cells; "
              f"budgets " + " ".join(f"{n}={c}" for n, c in b.items() if n not in CORE or c != k))
        for kind in ["natural", "max", "coremax", "budget", "budget1", "budget2", "tier2"]:
            m = [(l, h if kind == "natural" else mapped(names, l, k, h, kind, b)) for l, h in shards]
            total = sum(cells(widths, h) for _, h in m)
            nl = len({h for l, h in m if not l})
            la = len({h for l, h in m if l})
            sets = len({tuple(x >= 0 for x in h) for l, h in m})
            extra = f", full product {catalog_product(names, b, int(kind[4:])):.2e}" if kind.startswith("tier") else ""
            print(f"  {kind:8s} distinct shapes: non-last {nl:3d}, last {la:3d} (chip sets {sets:2d}); "
                  f"cells x{total / base:8.2f}{extra}")
        sc, extra, entries = split_cost(names, widths, shards, k, b)
        print(f"  split    core + {extra} separate accelerator/boundary shards; cells x{sc / base:8.2f}; "
              f"catalog {entries} entries at this k (core: 1 + {k - 9} last-shard heights 2^10..2^k; each separate table 2^10..2^A)")
        r = rule_budgets(names, k)
        cpu = names.index("Cpu")
        over = sum(1 for _, h in shards if any(h[t] > r[n] - (0 if n == "Bytes" else k - h[cpu]) for t, n in enumerate(names) if n in r))
        sc, extra, entries = split_cost(names, widths, shards, k, r)
        print(f"  split-rule core budgets {' '.join(f'{n}=k-{d}' for n, d in RULE.items() if d)}: {over} shards pass one "
              f"(a planner would cut them); {extra} separate shards; cells x{sc / base:8.2f} (passing shards counted as they are); "
              f"catalog {entries} entries")
        rows = []
        for t, n in enumerate(names):
            nl = [h[t] for l, h in shards if not l]
            la = [h[t] for l, h in shards if l]
            if all(x < 0 for x in nl + la):
                continue
            fmt = lambda v: "·" if not v else (f"{min(v)}..{max(v)}" if min(v) != max(v) else f"{v[0]}")
            rows.append(f"{n} {fmt(nl)} / {fmt(la)}")
        print("  log heights (non-last min..max / last; -1 absent): " + ", ".join(rows))


def last_shard_j(names, h, k, b):
    """The prover's last-shard rule (ShardBudget.ForLastShard): the smallest j in [min(10, k), k] whose budgets, less k - j
    (the byte table's not), hold every core table of the shard; k when none does (a shard passing the budgets)."""
    for j in range(min(10, k), k + 1):
        if all(h[t] <= b[n] - (0 if n == "Bytes" else k - j) for t, n in enumerate(names) if n in b and n in CORE and h[t] >= 0):
            return j
    return k


def split_cost(names, widths, shards, k, b):
    """The split scheme: core shards (CPU-side chips only, padded as `budget`), each accelerator's rows regrouped into
    its own shards of 2^A rows (A: the largest with width * 2^A <= the core shard's cells; the last one rounded up to
    a power of two), the memory boundary and input tables in their own shards the same way; every extra shard carries
    a byte table (its lookups balance per shard). Rows are taken as 2^height (an upper bound). Returns (cells, extra
    shards, catalog entries for this k: core non-last + core last heights + each separate table's heights)."""
    core = [t for t, n in enumerate(names) if n in CORE or n in FIXED]
    cpu = names.index("Cpu")
    core_cells = sum(widths[t] << b.get(names[t], 0) for t in core if names[t] in b)
    total, extra, entries = 0, 0, 1 + (k - 9)  # core: one non-last shape, a last shard of 2^j rows, j = 10..k
    for last, h in shards:
        j = k if not last else last_shard_j(names, h, k, b)
        total += sum(widths[t] << (max(h[t], b[names[t]] - (0 if names[t] == "Bytes" else k - j)) if names[t] in b else h[t])
                     for t in core if h[t] >= 0)
    bytes_cells = widths[names.index("Bytes")] << BYTES_MAX
    for t, n in enumerate(names):
        if n in CORE or n in FIXED:
            continue
        a = max(1, min(k + 6, (core_cells // widths[t]).bit_length() - 1))
        entries += max(1, a - 9)  # every separate table at heights 2^10..2^a (a smaller one padded to 2^10), used here or not
        rows = sum(1 << h[t] for _, h in shards if h[t] >= 0)
        if not rows:
            continue
        full, rest = divmod(rows, 1 << a)
        total += widths[t] * ((full << a) + (1 << (rest - 1).bit_length() if rest else 0))
        extra += full + (1 if rest else 0)
    return total + extra * bytes_cells, extra, entries


def cross(train, test):
    """Budgets fitted on `train` shards, applied to `test`: the test shards that pass a budget (a planner enforcing the
    budgets would cut them into more shards) and the padding of the others."""
    names, widths = train[0][1], train[0][2]
    cpu = names.index("Cpu")
    for k in sorted({s["log_shard_size"] for d, _, _ in train for s in d["sizes"]}):
        def shards_of(docs):
            out = []
            for d, _, _ in docs:
                for s in d["sizes"]:
                    if s["log_shard_size"] == k:
                        n = len(s["shards"])
                        out += [(i == n - 1, tuple(h)) for i, h in enumerate(s["shards"])]
            return out
        tr, te = shards_of(train), shards_of(test)
        if not tr or not te:
            continue
        b = budgets(names, tr, k)
        over, core_over, new_chips, base, padded = 0, 0, set(), 0, 0
        for last, h in te:
            j = h[cpu]
            passes = [n for t, n in enumerate(names) if n in b and h[t] > b[n] - (0 if n == "Bytes" else k - j)]
            core_passes = [n for n in passes if n in CORE]
            if core_passes:
                core_over += 1
                print(f"    k={k} {'last' if last else 'non-last'} shard of 2^{j} rows passes the core budget of {core_passes}")
            new_chips |= {n for t, n in enumerate(names) if h[t] >= 0 and n not in b and n not in FIXED and n not in LAST_ONLY}
            if passes:
                over += 1
                continue
            base += cells(widths, h)
            padded += cells(widths, mapped(names, last, k, h, "budget", b))
        print(f"k={k}: {len(te)} test shards, {over} pass a budget ({core_over} a CPU-side chip's); chips without a budget: {sorted(new_chips) or 'none'}; "
              f"padding of the others x{padded / base if base else float('nan'):.2f}")


def main(argv):
    if argv and argv[0] == "--cross":
        cross([load(f) for f in argv[1].split(",")], [load(f) for f in argv[2].split(",")])
        return
    for a in argv:
        if "=" in a:
            label, files = a.split("=", 1)
            report(label + " (together)", [load(f) for f in files.split(",")])
        else:
            d = load(a)
            report(f"{d[0]['name']} ({d[0]['sizes'][0]['cycles']:,} cycles)", [d])


if __name__ == "__main__":
    main(sys.argv[1:])
