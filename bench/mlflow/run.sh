#!/usr/bin/env bash
# Tracking a 100-trial sweep with 20 metrics per trial: HTTP requests and wall time, Kiln's outbox
# against one call per value, on a real MLflow server (infra/mlflow.sh) on this machine.
# Usage: bench/mlflow/run.sh [TRIALS] [METRICS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
DIR=$(mktemp -d /tmp/kiln-mlflow-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'infra/mlflow.sh stop "$DIR"' EXIT
URI=$(infra/mlflow.sh start "$DIR" "$PORT")
mvn -q -B install -DskipTests -pl plugins/mlflow -am
mvn -q -B test-compile -pl plugins/mlflow
mvn -q -B dependency:build-classpath -pl plugins/mlflow -Dmdep.outputFile="$DIR/cp.txt" -Dmdep.includeScope=test
echo "| tracking | HTTP requests | seconds on the run's thread | seconds until all is in MLflow |"
echo "|---|---|---|---|"
java -cp "plugins/mlflow/target/test-classes:plugins/mlflow/target/classes:$(cat "$DIR/cp.txt")" dev.kiln.mlflow.TrackingBench "$URI" "${1:-100}" "${2:-20}"
