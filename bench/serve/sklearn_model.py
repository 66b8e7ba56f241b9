"""Trains the scikit-learn twin of bench/serve/churn-lr.yaml and saves it as an MLflow model."""
import sys

import mlflow.sklearn
import pandas as pd
from mlflow.models import infer_signature
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

data, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(data).drop(columns=["rownames"])
y = df.pop("churn")
numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
categorical = [c for c in df.columns if c not in numeric]
x_train, x_test, y_train, y_test = train_test_split(df, y, test_size=0.25, stratify=y, random_state=42)
model = Pipeline([
    ("prep", ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), categorical), ("num", StandardScaler(), numeric)])),
    ("lr", LogisticRegression(max_iter=1000)),
])
model.fit(x_train, y_train)
print(f"scikit-learn logistic regression: test accuracy {model.score(x_test, y_test):.4f}")
mlflow.sklearn.save_model(model, out, signature=infer_signature(x_train, model.predict(x_train)), pyfunc_predict_fn="predict_proba")
