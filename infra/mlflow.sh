#!/usr/bin/env bash
# Starts or stops a throw-away MLflow tracking server for tests, bound to 127.0.0.1 only:
# SQLite backend store and proxied artifact storage, both in DIR.
#   infra/mlflow.sh start DIR PORT   -> prints the tracking URI on stdout once /health answers
#   infra/mlflow.sh stop DIR
# MLflow comes from infra/.venv (infra/venv.sh installs the pinned version when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MLFLOW_VERSION=3.17.2
cmd=${1:?usage: mlflow.sh start DIR PORT | stop DIR}
dir=${2:?directory}

case "$cmd" in
  start)
    port=${3:?port}
    if ! "$ROOT/infra/.venv/bin/python" -c "import mlflow, sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null; then
      echo "mlflow.sh: installing mlflow==$MLFLOW_VERSION into infra/.venv ..." >&2
      "$ROOT/infra/venv.sh" "mlflow==$MLFLOW_VERSION" >&2
    fi
    mkdir -p "$dir/artifacts"
    # its own session, so stop can end the server with its workers
    setsid "$ROOT/infra/.venv/bin/mlflow" server --host 127.0.0.1 --port "$port" \
      --backend-store-uri "sqlite:///$dir/mlflow.db" --artifacts-destination "$dir/artifacts" \
      --workers 1 > "$dir/server.log" 2>&1 < /dev/null &
    echo $! > "$dir/pid"
    echo "$port" > "$dir/port"
    for _ in $(seq 1 240); do
      if curl -fs "http://127.0.0.1:$port/health" > /dev/null 2>&1; then
        echo "http://127.0.0.1:$port"
        exit 0
      fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "mlflow.sh: the server exited; its log:" >&2; tail -n 30 "$dir/server.log" >&2; exit 1; }
      sleep 0.5
    done
    echo "mlflow.sh: no answer on /health after 120 s; its log:" >&2
    tail -n 30 "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    if [[ -f "$dir/pid" ]]; then
      pid=$(cat "$dir/pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      rm -f "$dir/pid"
    fi
    ;;
  *) echo "usage: mlflow.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
