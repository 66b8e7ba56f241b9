"""Tables of bench/tribuo/run.sh from its rounds: Kiln (classic.yaml, `kiln run --json`) against
bench/tribuo/sklearn_peer.py on the same split. Usage: python summary.py OUT_DIR KILN_HOME DATASET...
OUT_DIR/r<round>/<ds>.json (Kiln's --json), <ds>.kiln.time and <ds>.sk.time ("wall rss_kib"),
<ds>.sk.json (the peer's phases). Medians over the rounds. Goals of issue 21: whole process on churn
<= 2x the peer; fit: XGBoost <= 1.3x native Python xgboost, logistic <= 2x scikit-learn, random forest
<= 3x; accuracy and AUC within 1 point (Kiln no more than 0.01 below the peer; ahead counts as met).
Kiln's fit is its train step's duration (reading the split, applying the transform, fitting, scoring
the training data, writing the model, its card and ONNX where supported); the fit its log reports
("trained ... in X s") is shown beside it."""
import glob
import json
import os
import re
import statistics
import sys

out, home, datasets = sys.argv[1], sys.argv[2], sys.argv[3:]
MODELS = [("logistic", "logistic", 2.0, "scikit-learn LogisticRegression"),
          ("forest", "random forest", 3.0, "scikit-learn RandomForestClassifier"),
          ("xgboost", "xgboost", 1.3, "native Python xgboost")]
rounds = sorted(glob.glob(f"{out}/r*"), key=lambda d: int(d.rsplit("r", 1)[1]))


def last_line(p):
    w, rss = open(p).read().strip().splitlines()[-1].split()
    return float(w), int(rss)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def f(x, d=2):
    return "—" if x is None else f"{x:.{d}f}"


def mark(ok):
    return "—" if ok is None else ("met" if ok else "**not met**")


data = {}
for ds in datasets:
    rs = []
    for d in rounds:
        if not os.path.exists(f"{d}/{ds}.json"):
            continue
        k = json.load(open(f"{d}/{ds}.json"))
        steps = {s["step"]: s for s in k["steps"]}
        fit_log = {}
        for algo, *_ in MODELS:
            log = f"{home}/logs/{k['run_id']}/{algo}.log"
            m = re.search(r"trained .* in ([0-9.]+)s", open(log).read()) if os.path.exists(log) else None
            fit_log[algo] = float(m.group(1)) if m else None
        sk = json.load(open(f"{d}/{ds}.sk.json")) if os.path.exists(f"{d}/{ds}.sk.json") else None
        rs.append({"steps": steps, "fit_log": fit_log, "sk": sk, "kiln": last_line(f"{d}/{ds}.kiln.time"),
                   "skt": last_line(f"{d}/{ds}.sk.time") if sk else None})
    data[ds] = rs
n = max((len(v) for v in data.values()), default=0)
print(f"Medians of {n} interleaved round(s) (Kiln and the peer alternate which goes first).\n")


def sec(s):
    return s["duration_ms"] / 1000 if s.get("duration_ms") is not None else None


print("**Quality** (test split; deterministic, the first round's values):\n")
print("| data | model | Kiln accuracy | peer accuracy | Kiln AUC | peer AUC | within 1 point |")
print("|---|---|---:|---:|---:|---:|---|")
for ds, rs in data.items():
    if not rs:
        continue
    r = rs[0]
    for algo, name, _, _ in MODELS:
        v = r["steps"][f"eval-{algo}"]["outputs"]["values"]
        ka, kauc = v.get("accuracy"), v.get("roc-auc")
        sa = r["sk"][algo]["accuracy"] if r["sk"] else None
        sauc = r["sk"][algo].get("auc") if r["sk"] else None
        ok = None
        if sa is not None:
            ok = ka >= sa - 0.01 and (kauc is None or sauc is None or kauc >= sauc - 0.01)
        varies = len({x["steps"][f"eval-{algo}"]["outputs"]["values"].get("accuracy") for x in rs}) > 1
        print(f"| {ds} | {name} | {f(ka, 4)}{' (varies by round)' if varies else ''} | {f(sa, 4)} | {f(kauc, 4)} | {f(sauc, 4)} | {mark(ok)} |")

print("\n**Fit per model** (Kiln: the train step; peer: model.fit on the prepared matrix):\n")
print("| data | model | Kiln train step s | Kiln fit (its log) s | peer fit s | Kiln step / peer fit | goal | met |")
print("|---|---|---:|---:|---:|---:|---:|---|")
for ds, rs in data.items():
    for algo, name, goal, peer in MODELS:
        ks = med([sec(r["steps"][algo]) for r in rs])
        kl = med([r["fit_log"][algo] for r in rs])
        pf = med([r["sk"][algo]["fit_s"] for r in rs if r["sk"]])
        ratio = ks / pf if ks and pf else None
        g = ds == "churn"
        print(f"| {ds} | {name} | {f(ks)} | {f(kl)} | {f(pf, 3)} | {f(ratio, 1)}{'x' if ratio else ''} | "
              f"{f'<= {goal}x' if g else '(churn only)'} | {mark(None if ratio is None or not g else ratio <= goal)} |")

print("\n**Per model, train and evaluate** (Kiln: ingest + features + train + evaluate steps; peer: load + prepare + fit + predict):\n")
print("| data | model | Kiln s | peer s | ratio |")
print("|---|---|---:|---:|---:|")
for ds, rs in data.items():
    for algo, name, _, _ in MODELS:
        kt = med([sum(sec(r["steps"][s]) or 0 for s in ("ingest", "features", algo, f"eval-{algo}")) for r in rs])
        st = med([r["sk"]["load_s"] + r["sk"][algo]["train_eval_s"] for r in rs if r["sk"]])
        print(f"| {ds} | {name} | {f(kt)} | {f(st)} | {f(kt / st if kt and st else None, 1)}x |")

print("\n**Whole process** (`kiln run classic.yaml` with all three models and their evaluations vs `python sklearn_peer.py`, imports included):\n")
print("| data | Kiln s | peer s | Kiln / peer | goal | met | Kiln peak RSS MiB | peer peak RSS MiB |")
print("|---|---:|---:|---:|---:|---|---:|---:|")
for ds, rs in data.items():
    kw, pw = med([r["kiln"][0] for r in rs]), med([r["skt"][0] for r in rs if r["skt"]])
    km, pm = med([r["kiln"][1] for r in rs]), med([r["skt"][1] for r in rs if r["skt"]])
    ratio = kw / pw if kw and pw else None
    g = ds == "churn"
    print(f"| {ds} | {f(kw)} | {f(pw)} | {f(ratio, 1)}{'x' if ratio else ''} | {'<= 2x' if g else '(churn only)'} | "
          f"{mark(None if ratio is None or not g else ratio <= 2)} | {f(km / 1024 if km else None, 0)} | {f(pm / 1024 if pm else None, 0)} |")
if n < 3:
    print(f"\n(only {n} round(s): do not mark goals from this)")
