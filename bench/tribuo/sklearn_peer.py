"""scikit-learn / XGBoost on the exact train/test split Kiln wrote, with the same preprocessing
(standard scaling, one-hot) and comparable settings.

Usage: python sklearn_peer.py SPLIT_DIR   (SPLIT_DIR holds train.dataset and test.dataset as
classic.yaml's export step copies them, or train.csv / test.csv from older runs)
A dataset is either a Kiln dataset CSV (a first line `#kiln-dataset {json schema}` giving the column
types) or a Parquet dataset (column roles in its `kiln.roles` key-value metadata); which one is read
from the file's first bytes.

Per model it times the phases apart, so the fit can be compared with Kiln's train step:
prep_s (fit the scaler/one-hot on train, transform train and test), fit_s (model.fit on the
transformed training matrix: the fit alone), predict_s (labels and probabilities of the test rows);
train_eval_s is their sum. accuracy and auc (ROC AUC: binary on the second class's probability,
one-vs-rest macro for more classes) are on the test rows."""
import json
import os
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, roc_auc_score  # noqa: E402
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler  # noqa: E402
from xgboost import XGBClassifier  # noqa: E402

imports = time.perf_counter() - t0
split_dir = sys.argv[1]


def path(name):
    for ext in (".dataset", ".csv", ".parquet"):
        if os.path.exists(f"{split_dir}/{name}{ext}"):
            return f"{split_dir}/{name}{ext}"
    sys.exit(f"sklearn_peer.py: no {name}.dataset (or .csv / .parquet) in {split_dir}")


def read(p):
    """(frame, target, numeric columns, categorical columns) of one Kiln dataset."""
    with open(p, "rb") as f:
        head = f.read(4)
    if head == b"PAR1":
        import pyarrow.parquet as pq

        meta = pq.read_schema(p).metadata or {}
        roles = json.loads(meta.get(b"kiln.roles", b"{}"))
        df = pq.read_table(p).to_pandas()
        target = roles.get("target")
        skip = {target, roles.get("id"), roles.get("weight"), roles.get("time")} | set(roles.get("text") or [])
        numeric = [c for c in df.columns if c not in skip and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
        categorical = [c for c in df.columns if c not in skip and c not in numeric]
        for c in categorical:
            df[c] = df[c].astype(str)
        return df, target, numeric, categorical
    with open(p) as f:
        schema = json.loads(f.readline()[len("#kiln-dataset "):])
    df = pd.read_csv(p, skiprows=1, keep_default_na=False, na_values=[""])
    target = schema["target"]
    numeric = [c["name"] for c in schema["columns"] if c["type"] == "NUMERIC" and c["name"] != target]
    categorical = [c["name"] for c in schema["columns"] if c["type"] == "CATEGORICAL" and c["name"] != target]
    return df, target, numeric, categorical


start = time.perf_counter()
train, target, numeric, categorical = read(path("train"))
test, _, _, _ = read(path("test"))
enc = LabelEncoder().fit(pd.concat([train[target], test[target]]).astype(str))
y_train, y_test = enc.transform(train[target].astype(str)), enc.transform(test[target].astype(str))
load = time.perf_counter() - start
results = {"imports_s": imports, "load_s": load, "rows": [len(train), len(test)], "classes": list(enc.classes_)}
models = {
    "logistic": LogisticRegression(max_iter=1000),
    "forest": RandomForestClassifier(n_estimators=100, random_state=1, n_jobs=1),
    "xgboost": XGBClassifier(n_estimators=100, learning_rate=0.3, max_depth=6, n_jobs=1, random_state=1),
}
for name, model in models.items():
    t = time.perf_counter()
    pre = ColumnTransformer([("num", StandardScaler(), numeric), ("cat", OneHotEncoder(handle_unknown="ignore"), categorical)])
    x_train = pre.fit_transform(train)
    x_test = pre.transform(test)
    t_fit = time.perf_counter()
    model.fit(x_train, y_train)
    t_pred = time.perf_counter()
    predicted = model.predict(x_test)
    proba = model.predict_proba(x_test)
    t_end = time.perf_counter()
    auc = roc_auc_score(y_test, proba[:, 1]) if proba.shape[1] == 2 else roc_auc_score(y_test, proba, multi_class="ovr", average="macro")
    results[name] = {
        "accuracy": accuracy_score(y_test, predicted),
        "auc": auc,
        "prep_s": t_fit - t,
        "fit_s": t_pred - t_fit,
        "predict_s": t_end - t_pred,
        "train_eval_s": t_end - t,
        "features": x_train.shape[1],
    }
print(json.dumps(results))
