"""Optuna's samplers on the same functions, budgets and seeds as SamplerBench (one JSON line per study).

Samplers: tpe (this version's default TPESampler: multivariate from Optuna 5.0 on), tpe-uni (multivariate=False),
tpe-mv (multivariate=True), gp (GPSampler, needs torch), random."""
import json, math, os, sys, time
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

def branin(x):
    a, b, c, r, s, t = 1, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return a * (x[1] - b * x[0] ** 2 + c * x[0] - r) ** 2 + s * (1 - t) * math.cos(x[0]) + s

ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]

def hartmann6(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))

def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))

def ackley(x):
    d = len(x)
    return -20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / d)) - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / d) + 20 + math.e

def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(len(x) - 1):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)

FUNCTIONS = {
    "branin": (branin, [(-5, 10), (0, 15)]),
    "hartmann6": (hartmann6, [(0, 1)] * 6),
    "rosenbrock4": (rosenbrock, [(-5, 10)] * 4),
    "ackley5": (ackley, [(-32.768, 32.768)] * 5),
    "levy4": (levy, [(-10, 10)] * 4),
}

# "optuna" for Optuna 5.x, "optuna4" for Optuna 4.x: both columns can sit in one table
IMPL = "optuna" if int(optuna.__version__.split(".")[0]) >= 5 else "optuna" + optuna.__version__.split(".")[0]

def sampler(name, seed):
    if name == "tpe":  # the default TPE of this version (multivariate from 5.0 on, univariate before)
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-uni":
        return optuna.samplers.TPESampler(seed=seed, multivariate=False)
    if name == "tpe-mv":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "gp":
        return optuna.samplers.GPSampler(seed=seed)
    return optuna.samplers.RandomSampler(seed=seed)

seeds, trials, names = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
only = [n for n in os.environ.get("BENCH_FUNCTIONS", "").split(",") if n]
first_seed = int(os.environ.get("BENCH_FIRST_SEED", "0"))  # to split a long run into pieces
if "xgb-auc" in only:  # the real task: 1 - CV AUC of XGBoost, the same function SamplerBench calls
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import xgb_objective
    FUNCTIONS["xgb-auc"] = (xgb_objective.loss, xgb_objective.suggest)
for fname, (f, box) in FUNCTIONS.items():
    if only and fname not in only:
        continue
    for s in names:
        for seed in range(first_seed, first_seed + seeds):
            study = optuna.create_study(sampler=sampler(s, seed))
            t0 = time.time()
            if callable(box):
                study.optimize(lambda t: f(box(t)), n_trials=trials)
            else:
                study.optimize(lambda t: f([t.suggest_float("x%d" % i, lo, hi) for i, (lo, hi) in enumerate(box)]), n_trials=trials)
            print(json.dumps({"impl": IMPL, "version": optuna.__version__, "sampler": s, "function": fname, "seed": seed, "best": study.best_value, "seconds": round(time.time() - t0, 3)}), flush=True)
if os.environ.get("BENCH_NO_OVERHEAD") == "true":
    sys.exit(0)
# sampler overhead at 100 and 1000 completed trials (Ackley 5-d), as in SamplerBench
import random
f, box = FUNCTIONS["ackley5"]
for s in [n for n in names if n not in ("tpe-mv", "tpe-uni")]:
    for n in (100, 1000):
        if s == "gp" and n > 300 and os.environ.get("BENCH_GP1000") != "true":
            continue
        study = optuna.create_study(sampler=sampler(s, 1))
        rng = random.Random(1)
        dists = {"x%d" % i: optuna.distributions.FloatDistribution(lo, hi) for i, (lo, hi) in enumerate(box)}
        for i in range(n):
            params = {k: rng.uniform(d.low, d.high) for k, d in dists.items()}
            study.add_trial(optuna.trial.create_trial(params=params, distributions=dists, value=f(list(params.values()))))
        reps = 5 if s == "gp" else 20
        t0 = time.time()
        for r in range(reps):
            trial = study.ask()
            for k, d in dists.items():
                trial._suggest(k, d)
            study.tell(trial, 0.0)
        print(json.dumps({"impl": IMPL, "version": optuna.__version__, "sampler": s, "overhead_trials": n, "ms_per_proposal": round((time.time() - t0) * 1000 / reps, 3)}), flush=True)
