#!/usr/bin/env bash
# kiln serve vs `mlflow models serve` on the same churn model (logistic regression, trained by
# Kiln/Tribuo and by scikit-learn on the same split), the same machine, the same wrk load:
# one-row and 100-row requests, 16 connections, DURATION seconds each (default 20).
# Needs: infra/.venv with mlflow (infra/venv.sh mlflow==3.17.2) and wrk (apt-get install wrk).
# bench/serve/run.sh --smoke (or BENCH_SMOKE=1): kiln serve only, 20 one-row requests with curl; seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"
DURATION=${DURATION:-20}
CONNS=${CONNS:-16}
WORK=$(mktemp -d /tmp/kiln-bench-serve.XXXXXX)
KPORT=$(free_port); MPORT=$(free_port)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
PY=infra/.venv/bin/python
smoke && PY=python3
smoke || command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
bench_build

echo "== training the Kiln model"
export KILN_HOME="$WORK/kiln"
kiln run bench/serve/churn-lr.yaml >/dev/null 2>"$WORK/run.err" || { tail -n 20 "$WORK/run.err" >&2; exit 1; }
if smoke; then # served by version: no promotion (one JVM less)
  $PY bench/serve/body.py data/churn.csv 1 "$WORK"
  java "${JAVA_OPTS[@]}" -jar "$JAR" serve churn-lr:1 --port "$KPORT" > "$WORK/kiln.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$KPORT/readyz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$KPORT/readyz" >/dev/null || { echo "kiln serve did not start"; cat "$WORK/kiln.log"; exit 1; }
  start=$(date +%s%N)
  for _ in $(seq 1 20); do
    curl -sf -H 'Content-Type: application/json' --data @"$WORK/kiln-1.json" "http://127.0.0.1:$KPORT/v1/models/churn-lr/predict" > "$WORK/answer.json"
  done
  echo "kiln serve: 20 one-row requests in $(( ($(date +%s%N) - start) / 1000000 )) ms; last answer $(head -c 200 "$WORK/answer.json")"
  grep -q '"predictions"' "$WORK/answer.json" || { echo "bench/serve: no predictions in the answer" >&2; exit 1; }
  echo "bench/serve/run.sh: smoke ok"
  exit 0
fi
kiln promote churn-lr 1 --alias bench >/dev/null
echo "== training the scikit-learn model"
$PY bench/serve/sklearn_model.py data/churn.csv "$WORK/sk-model"
$PY bench/serve/body.py data/churn.csv 1 "$WORK"
$PY bench/serve/body.py data/churn.csv 100 "$WORK"

echo "== starting servers"
java -XX:+UseSerialGC -jar "$JAR" serve churn-lr@bench --port $KPORT > "$WORK/kiln.log" 2>&1 &
PIDS+=($!)
(cd "$WORK" && PATH="$ROOT/infra/.venv/bin:$PATH" "$ROOT/infra/.venv/bin/mlflow" models serve -m "$WORK/sk-model" --env-manager local -h 127.0.0.1 -p $MPORT -w "${MLFLOW_WORKERS:-2}" > "$WORK/mlflow.log" 2>&1) &
PIDS+=($!)
for url in "http://127.0.0.1:$KPORT/readyz" "http://127.0.0.1:$MPORT/ping"; do
  for _ in $(seq 1 120); do curl -sf "$url" >/dev/null && break; sleep 1; done
  curl -sf "$url" >/dev/null || { echo "server at $url did not start"; cat "$WORK"/*.log; exit 1; }
done
echo "kiln:   $(curl -s -H 'Content-Type: application/json' --data @"$WORK/kiln-1.json" http://127.0.0.1:$KPORT/v1/models/churn-lr/predict)"
echo "mlflow: $(curl -s -H 'Content-Type: application/json' --data @"$WORK/mlflow-1.json" http://127.0.0.1:$MPORT/invocations)"

bench() { # name url body
  BODY="$3" wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s bench/serve/post.lua "$2" > "$WORK/wrk.out"
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.out")
  errs=$(awk '/Non-2xx/ {print $4}' "$WORK/wrk.out"); errs=${errs:-0}
  printf "| %-24s | %10s | %8s | %8s | %6s |\n" "$1" "$rps" "$p50" "$p99" "$errs"
}
echo
echo "wrk -t2 -c$CONNS -d${DURATION}s, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "| server, rows per request | requests/s | p50 | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|"
bench "kiln serve, 1" "http://127.0.0.1:$KPORT/v1/models/churn-lr/predict" "$WORK/kiln-1.json"
bench "mlflow models serve, 1" "http://127.0.0.1:$MPORT/invocations" "$WORK/mlflow-1.json"
bench "kiln serve, 100" "http://127.0.0.1:$KPORT/v1/models/churn-lr/predict" "$WORK/kiln-100.json"
bench "mlflow models serve, 100" "http://127.0.0.1:$MPORT/invocations" "$WORK/mlflow-100.json"
