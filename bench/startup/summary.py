"""Tables of bench/startup/run.sh from its raw lines: "case round wall_s rss_kib user_s sys_s load1".
Medians over the rounds of wall time, CPU time (user + sys, all threads: the JVM's JIT and GC threads
count) and peak RSS; ratios Kiln / peer (below 1: Kiln faster); issue 26's goals marked on wall time.
Usage: python3 summary.py RAW_TSV"""
import os
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
loads = []
for line in open(sys.argv[1]):
    c, r, wall, rss, user, sys_, load = line.split()
    rows[c].append((float(wall), int(rss), float(user) + float(sys_)))
    loads.append(float(load))


def med(case, i):
    return statistics.median(x[i] for x in rows[case]) if case in rows else None


def f(x, d=2):
    return "—" if x is None else f"{x:.{d}f}"


def ratio(a, b, i):
    x, y = med(a, i), med(b, i)
    return None if x is None or y is None or y == 0 else x / y


LABEL = {
    "kiln-version": "`kiln --version`",
    "kiln-validate": "`kiln validate pipelines/` (14 pipelines)",
    "kiln-validate-nosql": "`kiln validate` (the pipelines without a data/sql step)",
    "kiln-run": "one-step `kiln run --no-cache` (warm store)",
    "base-version": "base: `kiln --version`",
    "base-validate": "base: `kiln validate pipelines/`",
    "base-run": "base: one-step `kiln run --no-cache`",
    "kedro-version": "`kedro --version`",
    "kedro-run": "one-node `kedro run`",
    "dvc-version": "`dvc --version`",
    "dvc-repro": "one-stage `dvc repro -f`",
}
n = len(next(iter(rows.values())))
print()
print(f"Load average (1 min) during the rounds: median {statistics.median(loads):.1f}, min {min(loads):.1f}, max {max(loads):.1f} ({n} rounds)")
print()
print("| command | wall s (median) | CPU s (median) | peak RSS MiB |")
print("|---|---:|---:|---:|")
for c in LABEL:
    if c in rows:
        print(f"| {LABEL[c]} | {f(med(c, 0))} | {f(med(c, 2))} | {med(c, 1) / 1024:.0f} |")

pairs = [("kiln-version", "kedro-version"), ("kiln-version", "dvc-version"), ("kiln-run", "kedro-run"), ("kiln-run", "dvc-repro"),
         ("kiln-version", "base-version"), ("kiln-validate", "base-validate"), ("kiln-run", "base-run")]
shown = [(a, b) for a, b in pairs if a in rows and b in rows]
if shown:
    print()
    print("| ratio (median / median) | wall | CPU |")
    print("|---|---:|---:|")
    for a, b in shown:
        print(f"| {LABEL[a]} / {LABEL[b]} | {f(ratio(a, b, 0))} | {f(ratio(a, b, 2))} |")

print()
if os.environ.get("BENCH_SMOKE") == "1":
    print("(smoke: one round, no peers; the numbers mean nothing and no goal is marked)")
    sys.exit(0)
print("Goals of issue 26 (wall-time medians of this run; the goal is set for a quiet machine):")
for c, goal in (("kiln-version", 0.5), ("kiln-validate", 0.5), ("kiln-validate-nosql", 0.5)):
    if c in rows:
        w = med(c, 0)
        print(f"- {LABEL[c]} <= {goal} s: {w:.2f} s -> {'met' if w <= goal else '**not met**'}")
if "kiln-run" in rows and "kedro-run" in rows:
    q = ratio("kiln-run", "kedro-run", 0)
    print(f"- one-step `kiln run` / one-node `kedro run` <= 1.0: {q:.2f} -> {'met' if q <= 1.0 else '**not met**'}")
