#!/usr/bin/env bash
# Kiln (Tribuo) vs scikit-learn on the same data and split: accuracy and wall time of
# load + train + evaluate, on iris and churn. Then ingest throughput on a generated CSV vs pandas.
# Usage: bench/tribuo/run.sh [CSV_MB]   (default 1024; needs infra/venv.sh scikit-learn pandas xgboost)
#        bench/tribuo/run.sh --smoke    (or BENCH_SMOKE=1: iris and a 1 MB CSV, Kiln only; seconds)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PY="$ROOT/infra/.venv/bin/python"
MB="${BENCH_ARGS[0]:-1024}"
datasets=("iris species" "churn churn")
if smoke; then PY=python3; MB=1; datasets=("iris species"); fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export KILN_HOME="$OUT/kiln-home"
cd "$ROOT"
bench_build
for ds in "${datasets[@]}"; do
  set -- $ds
  start=$(date +%s.%N)
  kiln run bench/tribuo/classic.yaml -p data=data/$1.csv -p target=$2 -p out="$OUT/$1" --no-cache --parallelism 1 --json > "$OUT/$1.json" 2>"$OUT/$1.err" \
    || { echo "bench/tribuo: kiln run failed on $1:" >&2; tail -n 20 "$OUT/$1.err" >&2; exit 1; }
  kiln_wall=$(echo "$(date +%s.%N) - $start" | bc)
  if smoke; then
    "$PY" - "$OUT/$1.json" "$1" <<'PYEOF'
import json, sys
steps = {x["step"]: x for x in json.load(open(sys.argv[1]))["steps"]}
for algo in ["logistic", "forest", "xgboost"]:
    print(f"| {sys.argv[2]} | {algo} | {steps['eval-' + algo]['outputs']['values']['accuracy']:.4f} | (smoke: no scikit-learn) |")
PYEOF
    continue
  fi
  start=$(date +%s.%N)
  "$PY" bench/tribuo/sklearn_peer.py "$OUT/$1" > "$OUT/$1.sk.json"
  sk_wall=$(echo "$(date +%s.%N) - $start" | bc)
  "$PY" - "$OUT/$1.json" "$OUT/$1.sk.json" "$1" "$kiln_wall" "$sk_wall" <<'PYEOF'
import json, sys
k = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2])); name = sys.argv[3]
steps = {x["step"]: x for x in k["steps"]}
def ms(x): return x["duration_ms"] / 1000 if x.get("duration_ms") is not None else float("nan")
common = ms(steps["ingest"]) + ms(steps["features"])
for algo in ["logistic", "forest", "xgboost"]:
    acc = steps["eval-" + algo]["outputs"]["values"]["accuracy"]
    kt = common + ms(steps[algo]) + ms(steps["eval-" + algo])
    st = s["load_s"] + s[algo]["train_eval_s"]
    print(f"| {name} | {algo} | {acc:.4f} | {s[algo]['accuracy']:.4f} | {kt:.2f} | {st:.2f} |")
print(f"| {name} | whole process (JVM / Python start, all three) | | | {float(sys.argv[4]):.2f} | {float(sys.argv[5]):.2f} |")
PYEOF
done
# ingest throughput
"$PY" - "$OUT/big.csv" "$MB" <<'PYEOF'
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
r = random.Random(7); cats = ["red", "green", "blue", "amber", "violet"]
with open(path, "w") as f:
    f.write("id,a,b,c,d,e,colour,label\n"); i = 0
    while f.tell() < mb * 1024 * 1024:
        rows = []
        for _ in range(10000):
            i += 1
            rows.append(f"{i},{r.random():.6f},{r.gauss(0,1):.6f},{r.randint(0,1000)},{r.random()*100:.3f},{r.expovariate(1):.5f},{r.choice(cats)},{'yes' if r.random()<0.2 else 'no'}\n")
        f.write("".join(rows))
PYEOF
size=$(stat -c %s "$OUT/big.csv")
cat > "$OUT/ingest.yaml" <<YAML
name: bench-ingest
steps:
  ingest:
    uses: tribuo/ingest
    with: {data: $OUT/big.csv, target: label, split: {test: 0.2, seed: 1}}
YAML
if smoke; then
  kiln run "$OUT/ingest.yaml" --no-cache --json > "$OUT/ingest.json" 2>"$OUT/ingest.err" || { tail -n 20 "$OUT/ingest.err" >&2; exit 1; }
  python3 - "$OUT/ingest.json" "$size" <<'PYEOF'
import json, sys
ing = [s for s in json.load(open(sys.argv[1]))["steps"] if s["step"] == "ingest"][0]
assert ing["status"] == "SUCCEEDED", ing
print(f"| ingest {int(sys.argv[2]) / 1e6:.1f} MB | Kiln tribuo/ingest step | {ing['duration_ms'] / 1000:.2f} s | (smoke: no pandas) |")
PYEOF
  echo "bench/tribuo/run.sh: smoke ok"
  exit 0
fi
/usr/bin/time -f "%e %M" -o "$OUT/kiln.time" java -XX:+UseSerialGC -jar "$JAR" run "$OUT/ingest.yaml" --no-cache --json > "$OUT/ingest.json" 2>/dev/null
/usr/bin/time -f "%e %M" -o "$OUT/pandas.time" "$PY" -c "
import pandas as pd, time, sys
t = time.perf_counter(); df = pd.read_csv('$OUT/big.csv'); print(time.perf_counter() - t, len(df))" > "$OUT/pandas.out"
"$PY" - "$OUT" "$size" <<'PYEOF'
import json, sys
out, size = sys.argv[1], int(sys.argv[2]); mb = size / 1e6
k = json.load(open(f"{out}/ingest.json")); ing = [s for s in k["steps"] if s["step"] == "ingest"][0]
read_s = None
kt, krss = open(f"{out}/kiln.time").read().split()
pt, prss = open(f"{out}/pandas.time").read().split()
p_read, rows = open(f"{out}/pandas.out").read().split()
step_s = ing["duration_ms"] / 1000
print(f"| ingest {mb:.0f} MB, {rows} rows | Kiln tribuo/ingest step (parse + type + split + write 3 dataset files) | {step_s:.1f} s | {mb/step_s:.0f} MB/s | peak RSS {int(krss)/1024:.0f} MiB (whole process {float(kt):.1f} s) |")
print(f"| | pandas.read_csv (parse only) | {float(p_read):.1f} s | {mb/float(p_read):.0f} MB/s | peak RSS {int(prss)/1024:.0f} MiB |")
PYEOF
echo "kiln metrics: $(python3 -c "import json;k=json.load(open('$OUT/ingest.json'));print([s.get('outputs',{}).get('rows') for s in k['steps']])")"
