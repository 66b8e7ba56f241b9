"""scikit-learn / XGBoost on the exact train/test split Kiln wrote (the #kiln-dataset line gives the
column types), with the same preprocessing (standard scaling, one-hot) and comparable settings."""
import json
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler  # noqa: E402
from xgboost import XGBClassifier  # noqa: E402

imports = time.perf_counter() - t0
split_dir = sys.argv[1]
with open(f"{split_dir}/train.csv") as f:
    schema = json.loads(f.readline()[len("#kiln-dataset "):])
start = time.perf_counter()
train = pd.read_csv(f"{split_dir}/train.csv", comment=None, skiprows=1, keep_default_na=False, na_values=[""])
test = pd.read_csv(f"{split_dir}/test.csv", skiprows=1, keep_default_na=False, na_values=[""])
target = schema["target"]
numeric = [c["name"] for c in schema["columns"] if c["type"] == "NUMERIC" and c["name"] != target]
categorical = [c["name"] for c in schema["columns"] if c["type"] == "CATEGORICAL" and c["name"] != target]
enc = LabelEncoder().fit(pd.concat([train[target], test[target]]).astype(str))
y_train, y_test = enc.transform(train[target].astype(str)), enc.transform(test[target].astype(str))
load = time.perf_counter() - start
results = {"imports_s": imports, "load_s": load}
models = {
    "logistic": LogisticRegression(max_iter=1000),
    "forest": RandomForestClassifier(n_estimators=100, random_state=1, n_jobs=1),
    "xgboost": XGBClassifier(n_estimators=100, learning_rate=0.3, max_depth=6, n_jobs=1, random_state=1),
}
for name, model in models.items():
    t = time.perf_counter()
    pre = ColumnTransformer([("num", StandardScaler(), numeric), ("cat", OneHotEncoder(handle_unknown="ignore"), categorical)])
    pipe = make_pipeline(pre, model).fit(train, y_train)
    acc = accuracy_score(y_test, pipe.predict(test))
    results[name] = {"accuracy": acc, "train_eval_s": time.perf_counter() - t}
print(json.dumps(results))
