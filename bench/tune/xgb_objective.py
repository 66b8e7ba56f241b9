"""The real task of the sampler benchmark: 1 - mean ROC AUC of XGBoost under fixed 3-fold stratified CV
on scikit-learn's bundled breast-cancer data (569 rows, 30 features), minimised.

Both sides call exactly this function: optuna_peer.py imports it, SamplerBench (Java) runs
`python xgb_objective.py serve` and sends one JSON object of parameters per line.
"""
import json, sys
import numpy as np
import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

# name, kind, low, high, log
SPACE = [
    ("eta", "float", 0.005, 0.5, True),
    ("max_depth", "int", 1, 10, False),
    ("min_child_weight", "float", 0.1, 20.0, True),
    ("subsample", "float", 0.5, 1.0, False),
    ("colsample_bytree", "float", 0.3, 1.0, False),
    ("lambda", "float", 0.001, 10.0, True),
    ("alpha", "float", 0.001, 10.0, True),
]
ROUNDS = 40

_X, _y = load_breast_cancer(return_X_y=True)
_FOLDS = [(tr, te) for tr, te in StratifiedKFold(3, shuffle=True, random_state=0).split(_X, _y)]
_DATA = [(xgb.DMatrix(_X[tr], label=_y[tr]), xgb.DMatrix(_X[te]), _y[te]) for tr, te in _FOLDS]


def loss(params):
    p = {"objective": "binary:logistic", "nthread": 1, "seed": 0, "verbosity": 0, "tree_method": "hist"}
    for name, kind, *_ in SPACE:
        p[name] = int(params[name]) if kind == "int" else float(params[name])
    aucs = []
    for dtrain, dtest, ytest in _DATA:
        booster = xgb.train(p, dtrain, num_boost_round=ROUNDS)
        aucs.append(roc_auc_score(ytest, booster.predict(dtest)))
    return 1.0 - float(np.mean(aucs))


def suggest(trial):
    out = {}
    for name, kind, lo, hi, log in SPACE:
        out[name] = trial.suggest_int(name, lo, hi, log=log) if kind == "int" else trial.suggest_float(name, lo, hi, log=log)
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["space"]:
        print(json.dumps([{"name": n, "kind": k, "low": lo, "high": hi, "log": lg} for n, k, lo, hi, lg in SPACE]))
    else:
        for line in sys.stdin:
            print(repr(loss(json.loads(line))), flush=True)
