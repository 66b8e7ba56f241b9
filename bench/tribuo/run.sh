#!/usr/bin/env bash
# Kiln (Tribuo) vs scikit-learn / xgboost on the same data and split (iris, churn): quality, per-model fit,
# per-model train + evaluate, and the whole process, in interleaved rounds (medians), with issue 21's goals
# marked. Then ingest throughput on a generated CSV vs pandas (bench/data/run.sh is the full ingest bench).
# Usage: bench/tribuo/run.sh [CSV_MB]   (default 1024; 0 skips the ingest part; peers pinned in infra/.venv,
#                                       installed when missing)
#        bench/tribuo/run.sh --smoke    (or BENCH_SMOKE=1: iris and a 1 MB CSV, Kiln only; seconds)
#        BENCH_ROUNDS=N                 rounds of the model comparison (default 3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
MB="${BENCH_ARGS[0]:-1024}"
ROUNDS=${BENCH_ROUNDS:-3}
[[ "$MB" =~ ^[0-9]+$ && "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/tribuo/run.sh: CSV_MB must be a whole number of MB (0: no ingest part) and BENCH_ROUNDS a positive integer; got '$MB', '$ROUNDS'" >&2; exit 2; }
datasets=("iris species" "churn churn")
if smoke; then MB=1; ROUNDS=1; datasets=("iris species"); fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export KILN_HOME="$OUT/kiln-home"
cd "$ROOT"
bench_build --cli
PY=python3
if ! smoke; then PY=$(bench_venv scikit-learn==1.9.1 xgboost==3.2.0 pandas==3.1.1 pyarrow==25.0.1); fi
JAVA=(java ${KILN_JAVA_OPTS:-} "${JAVA_OPTS[@]}" -Xshare:auto -jar "$JAR")
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD); $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Kiln: $(java -version 2>&1 | head -1), ${JAVA[*]:0:$((${#JAVA[@]} - 2))}; kiln run bench/tribuo/classic.yaml --no-cache --parallelism 1 --json"
smoke || echo "peer: $("$PY" -c 'import sys, platform; from importlib.metadata import version as v; print("Python", platform.python_version() + ",", ", ".join(f"{p} {v(p)}" for p in sys.argv[1:]))' scikit-learn xgboost pandas numpy) (infra/.venv; bench/tribuo/sklearn_peer.py)"
echo
kiln_round() { # round dataset target
  timed "$OUT/r$1/$2.kiln.time" "${JAVA[@]}" run bench/tribuo/classic.yaml -p data=data/$2.csv -p target=$3 -p out="$OUT/$2" \
      --no-cache --parallelism 1 --json > "$OUT/r$1/$2.json" 2>"$OUT/r$1/$2.err" \
    || { echo "bench/tribuo: kiln run failed on $2:" >&2; tail -n 20 "$OUT/r$1/$2.err" >&2; exit 1; }
}
peer_round() { # round dataset (the split Kiln's first run exported)
  timed "$OUT/r$1/$2.sk.time" "$PY" bench/tribuo/sklearn_peer.py "$OUT/$2" > "$OUT/r$1/$2.sk.json" \
    || { echo "bench/tribuo: sklearn_peer.py failed on $2" >&2; exit 1; }
}
for r in $(seq 1 "$ROUNDS"); do
  mkdir -p "$OUT/r$r"
  for ds in "${datasets[@]}"; do
    set -- $ds
    echo "round $r: $1" >&2
    if smoke; then kiln_round "$r" "$1" "$2"; continue; fi
    # Kiln first in odd rounds (round 1 must be: it exports the split the peer reads), the peer first in even ones
    if (( r % 2 == 1 )); then kiln_round "$r" "$1" "$2"; peer_round "$r" "$1"; else peer_round "$r" "$1"; kiln_round "$r" "$1" "$2"; fi
  done
done
if smoke; then
  "$PY" - "$OUT/r1/iris.json" iris <<'PYEOF'
import json, sys
steps = {x["step"]: x for x in json.load(open(sys.argv[1]))["steps"]}
for algo in ["logistic", "forest", "xgboost"]:
    print(f"| {sys.argv[2]} | {algo} | {steps['eval-' + algo]['outputs']['values']['accuracy']:.4f} | (smoke: no scikit-learn) |")
PYEOF
else
  "$PY" bench/tribuo/summary.py "$OUT" "$KILN_HOME" $(for ds in "${datasets[@]}"; do set -- $ds; echo "$1"; done)
fi
if [[ "$MB" == 0 ]]; then exit 0; fi
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
