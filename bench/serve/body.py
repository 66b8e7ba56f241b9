"""Writes the request bodies: the first N rows of data/churn.csv (without id and target) in each server's JSON form."""
import csv, json, sys

data, n, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = []
with open(data) as f:
    for r in csv.DictReader(f):
        r.pop("rownames"); r.pop("churn")
        rows.append(r)
        if len(rows) == n:
            break
def num(v):
    try:
        float(v); return True
    except ValueError:
        return False
typed = [{k: (float(v) if num(v) else v) for k, v in r.items()} for r in rows]
json.dump({"rows": typed}, open(f"{out_dir}/kiln-{n}.json", "w"))
json.dump({"dataframe_records": typed}, open(f"{out_dir}/mlflow-{n}.json", "w"))
