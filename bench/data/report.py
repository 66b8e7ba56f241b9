"""Prints the markdown tables of bench/data/run.sh from its raw results (one line per run).
Usage: python3 report.py RAW.tsv ROUNDS   (standard library only)
RAW.tsv columns: round, rows, tool, wall seconds, peak RSS KiB, Kiln step seconds or -, csv bytes, status.
Medians over the rounds; ratios are of medians; a growth exponent is the log-log slope between two
sizes, d log(y) / d log(rows): 1 is linear, 0 is flat (start-up dominates)."""
import math
import statistics
import sys
from collections import defaultdict

raw, rounds = sys.argv[1], int(sys.argv[2])
KILN = {"kiln-data": "Kiln data/ingest", "kiln-tribuo": "Kiln tribuo/ingest"}
PEERS = {"pandas": "pandas", "polars": "polars", "polars-stream": "polars (scan_csv/sink_parquet)", "duckdb": "DuckDB (Python)"}
BEST_OF = ["pandas", "polars", "duckdb"]  # the peers the issue names

runs = defaultdict(list)  # (rows, tool) -> [(wall, rss_kib, step)]
failed = defaultdict(int)
csv_bytes = {}
order = []
for line in open(raw):
    r, n, tool, wall, rss, step, size, status = line.rstrip("\n").split("\t")
    n = int(n)
    csv_bytes[n] = int(size)
    if tool not in order:
        order.append(tool)
    if status != "ok":
        failed[(n, tool)] += 1
        continue
    runs[(n, tool)].append((float(wall), int(rss), None if step == "-" else float(step)))

sizes = sorted({n for n, _ in list(runs) + list(failed)})
RANK = list(KILN) + list(PEERS)
order.sort(key=lambda t: RANK.index(t) if t in RANK else len(RANK))


def med(n, tool, i):
    xs = [x[i] for x in runs.get((n, tool), []) if x[i] is not None]
    return statistics.median(xs) if xs else None


def fmt(x, d=2):
    return "—" if x is None else f"{x:.{d}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def label(n):
    e = math.log10(n)
    return f"1e{int(e)}" if e == int(e) else f"{n:,}"


print(f"Medians of {rounds} interleaved round(s); whole process (wall, peak RSS) of each tool.\n")
print("| rows | CSV MB | tool | s | peak RSS MiB | Kiln step s | Kiln / best peer | Kiln / pandas | Kiln / polars | RSS Kiln / polars |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for n in sizes:
    peers = {t: med(n, t, 0) for t in BEST_OF if med(n, t, 0) is not None}
    best = min(peers, key=peers.get) if peers else None
    for tool in order:
        if (n, tool) not in runs and (n, tool) not in failed:
            continue
        name = KILN.get(tool) or PEERS.get(tool, tool)
        s, rss, step = med(n, tool, 0), med(n, tool, 1), med(n, tool, 2)
        if s is None:
            print(f"| {label(n)} | {csv_bytes[n] / 1e6:.0f} | {name} | failed ({failed[(n, tool)]} of {rounds}) | | | | | | |")
            continue
        note = f" ({failed[(n, tool)]} failed)" if failed[(n, tool)] else ""
        cells = ["", "", "", ""]
        if tool in KILN:
            cells = [f"{fmt(ratio(s, peers.get(best)))}x ({best})" if best else "—",
                     f"{fmt(ratio(s, peers.get('pandas')))}x" if "pandas" in peers else "—",
                     f"{fmt(ratio(s, peers.get('polars')))}x" if "polars" in peers else "—",
                     f"{fmt(ratio(rss, med(n, 'polars', 1)))}x" if "polars" in peers else "—"]
        print(f"| {label(n)} | {csv_bytes[n] / 1e6:.0f} | {name}{note} | {s:.2f} | {rss / 1024:.0f} | {fmt(step)} | " + " | ".join(cells) + " |")

print("\n(best peer: the fastest of pandas, polars and DuckDB, the peers the issue names; \"Kiln step s\" is the"
      " ingest step's own duration inside the Kiln process, the rest of its wall time is JVM start, validation and the store)")
kiln_tools = [t for t in order if t in KILN]
if not ({"pandas", "polars"} & set(order)) or not kiln_tools:
    kiln_tools = []
    print("\n(no Kiln row or no pandas/polars in this run: no goals marked)")
else:
    print("\nGoals (issue 21), per Kiln ingest step:\n")
    print("| goal | Kiln step | " + " | ".join(label(n) for n in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))


def mark(ok):
    return "—" if ok is None else ("met" if ok else "**not met**")


for tool in kiln_tools:
    g1, g2, g3 = [], [], []
    for n in sizes:
        s, rss = med(n, tool, 0), med(n, tool, 1)
        p, pl, plr = med(n, "pandas", 0), med(n, "polars", 0), med(n, "polars", 1)
        g1.append(mark(None if s is None or p is None else s <= p) + (f" ({s / p:.2f}x)" if s and p else ""))
        r = None if s is None or pl is None else s / pl
        g2.append(mark(None if r is None else r <= 1.5) + (f" ({r:.2f}x)" if r else "") if n >= 10**6 else "(not a goal)")
        m = None if rss is None or plr is None else rss / plr
        g3.append(mark(None if m is None else m <= 1) + (f" ({m:.2f}x)" if m else "") if n >= 10**7 else "(not a goal)")
    print(f"| at least as fast as pandas | {KILN[tool]} | " + " | ".join(g1) + " |")
    print(f"| within 1.5x of polars (1e6, 1e7) | {KILN[tool]} | " + " | ".join(g2) + " |")
    print(f"| peak RSS <= polars' (1e7) | {KILN[tool]} | " + " | ".join(g3) + " |")

if len(sizes) > 1:
    pairs = list(zip(sizes, sizes[1:])) + ([(sizes[0], sizes[-1])] if len(sizes) > 2 else [])
    heads = [f"{label(a)}->{label(b)}" for a, b in pairs]
    print("\nGrowth exponents in rows (log-log slope of the medians; 1 = linear):\n")
    print("| tool | " + " | ".join(f"time {h}" for h in heads) + " | " + " | ".join(f"RSS {h}" for h in heads) + " |")
    print("|---|" + "---:|" * (2 * len(heads)))

    def slope(tool, i, a, b):
        ya, yb = med(a, tool, i), med(b, tool, i)
        return None if not ya or not yb else math.log(yb / ya) / math.log(b / a)

    for tool in order:
        name = KILN.get(tool) or PEERS.get(tool, tool)
        ts = [fmt(slope(tool, 0, a, b)) for a, b in pairs]
        ms = [fmt(slope(tool, 1, a, b)) for a, b in pairs]
        print(f"| {name} | " + " | ".join(ts) + " | " + " | ".join(ms) + " |")
    for tool in [t for t in order if t in KILN]:
        ts = [fmt(slope(tool, 2, a, b)) for a, b in pairs]
        print(f"| {KILN[tool]}, step time only | " + " | ".join(ts) + " | " + " | ".join("" for _ in pairs) + " |")
if rounds < 3:
    print(f"\n(only {rounds} round(s): the medians are single runs; do not mark goals from this)")
