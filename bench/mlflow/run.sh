#!/usr/bin/env bash
# Tracking a 100-trial sweep with 20 metrics per trial: HTTP requests and wall time, Kiln's outbox
# against one call per value, on a real MLflow server (infra/mlflow.sh) on this machine.
# Usage: bench/mlflow/run.sh [TRIALS] [METRICS]
#        bench/mlflow/run.sh --smoke   (or BENCH_SMOKE=1: 3 trials x 2 metrics against bench/mlflow/stub_server.py
#                                       instead of MLflow; seconds)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
DIR=$(mktemp -d /tmp/kiln-mlflow-bench.XXXXXX)
PORT=$(free_port)
bench_build
CP="plugins/mlflow/target/test-classes:$(bench_cp)"
if smoke; then
  python3 bench/mlflow/stub_server.py "$PORT" & STUB=$!
  trap 'kill $STUB 2>/dev/null; rm -rf "$DIR"' EXIT
  for _ in $(seq 1 50); do curl -s "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
  URI="http://127.0.0.1:$PORT"
  TRIALS=3; METRICS=2
else
  trap 'infra/mlflow.sh stop "$DIR"' EXIT
  URI=$(infra/mlflow.sh start "$DIR" "$PORT")
  TRIALS=${BENCH_ARGS[0]:-100}; METRICS=${BENCH_ARGS[1]:-20}
fi
echo "| tracking | HTTP requests | seconds on the run's thread | seconds until all is in MLflow |"
echo "|---|---|---|---|"
java "${JAVA_OPTS[@]}" -cp "$CP" dev.kiln.mlflow.TrackingBench "$URI" "$TRIALS" "$METRICS"
if smoke; then echo "bench/mlflow/run.sh: smoke ok"; fi
