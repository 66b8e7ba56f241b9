"""Summarises SamplerBench and optuna_peer.py output: mean/median best, regret, one-sided Mann-Whitney U."""
import json, sys, statistics
from collections import defaultdict
from scipy.stats import mannwhitneyu

OPT = {"branin": 0.397887, "hartmann6": -3.32237, "rosenbrock4": 0.0, "ackley5": 0.0, "levy4": 0.0, "xgb-auc": 0.0}
best = defaultdict(list)
overhead = []
for path in sys.argv[1:]:
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if "overhead_trials" in r:
            overhead.append(r)
        else:
            best[(r["function"], r["impl"] + "-" + r["sampler"])].append(r["best"])
print("| function | sampler | seeds | mean best | median best | mean regret |")
print("|---|---|---|---|---|---|")
for (fn, s), v in sorted(best.items()):
    print(f"| {fn} | {s} | {len(v)} | {statistics.mean(v):.4g} | {statistics.median(v):.4g} | {statistics.mean(v) - OPT[fn]:.4g} |")
print()
print("One-sided Mann-Whitney U on the best value after the budget (minimised): p of 'A is better than B'.")
print()
verdicts = []
print("| function | A | B | p (A better) | p (B better) |")
print("|---|---|---|---|---|")
# optuna-* is Optuna 5.x (its tpe: the default, multivariate TPESampler), optuna4-* Optuna 4.x (its tpe: univariate)
pairs = [("kiln-tpe", "optuna-tpe"), ("kiln-auto", "optuna-tpe"), ("kiln-tpe-uni", "optuna-tpe-uni"), ("kiln-tpe", "optuna4-tpe"),
         ("kiln-auto", "optuna4-tpe"), ("optuna-tpe", "optuna4-tpe"), ("kiln-gp", "optuna-gp"), ("kiln-gp", "optuna-tpe"), ("kiln-tpe", "optuna-random")]
for fn in OPT:
    for a, b in pairs:
        if (fn, a) in best and (fn, b) in best:
            x, y = best[(fn, a)], best[(fn, b)]
            p1 = mannwhitneyu(x, y, alternative="less").pvalue
            p2 = mannwhitneyu(x, y, alternative="greater").pvalue
            print(f"| {fn} | {a} | {b} | {p1:.3g} | {p2:.3g} |")
            verdicts.append((fn, a, b, p1, p2))
print()
print("Goals at p < 0.05 (one-sided): kiln-tpe not worse than optuna-tpe on any function; kiln-auto not worse on any, better on at least two.")
print()
for a in ("kiln-tpe", "kiln-auto"):
    rows = [v for v in verdicts if v[1] == a and v[2] == "optuna-tpe"]
    if rows:
        worse = [v[0] for v in rows if v[4] < 0.05]
        better = [v[0] for v in rows if v[3] < 0.05]
        print(f"- {a} vs optuna-tpe on {len(rows)} functions: significantly better on {better or 'none'}, worse on {worse or 'none'}")
print()
groups = defaultdict(list)
for r in overhead:
    groups[(r["impl"], r["sampler"], r["overhead_trials"])].append(r["ms_per_proposal"])
if groups:
    print("Time per proposal (Ackley-5, a history of random trials), median over rounds:")
    print()
    print("| impl | sampler | completed trials | rounds | ms per proposal | Optuna 5 TPE / this |")
    print("|---|---|---|---|---|---|")
    for (impl, s, n), v in sorted(groups.items()):
        ref = groups.get(("optuna", "tpe", n))
        ratio = f"{statistics.median(ref) / statistics.median(v):.1f}" if ref else ""
        print(f"| {impl} | {s} | {n} | {len(v)} | {statistics.median(v):.3g} | {ratio} |")
