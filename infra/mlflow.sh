#!/usr/bin/env bash
# Starts or stops a throw-away MLflow tracking server for tests, bound to 127.0.0.1 only:
# SQLite backend store and proxied artifact storage, both in DIR.
#   infra/mlflow.sh start DIR PORT [--basic-auth]   -> prints the tracking URI on stdout once /health answers
#   infra/mlflow.sh stop DIR
# --basic-auth starts MLflow's basic-auth app (`mlflow server --app-name basic-auth`): every request
# needs a user's credentials. Its user store is DIR/basic_auth.db (config DIR/basic_auth.ini); the admin
# is `admin` with the password in MLFLOW_AUTH_ADMIN_PASSWORD (at least 12 characters), else a random
# one written to DIR/admin-password (mode 600). New users get READ on everything (default_permission).
# MLflow comes from infra/.venv (infra/venv.sh installs the pinned version, with its auth extra, when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MLFLOW_VERSION=3.17.2
cmd=${1:?usage: mlflow.sh start DIR PORT [--basic-auth] | stop DIR}
dir=${2:?directory}

case "$cmd" in
  start)
    port=${3:?port}
    auth=()
    case "${4:-}" in
      "") ;;
      --basic-auth) auth=(--app-name basic-auth) ;;
      *) echo "usage: mlflow.sh start DIR PORT [--basic-auth]" >&2; exit 2 ;;
    esac
    # the basic-auth app needs the auth extra (Flask-WTF)
    if ! "$ROOT/infra/.venv/bin/python" -c "import mlflow, flask_wtf, sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null; then
      echo "mlflow.sh: installing mlflow[auth]==$MLFLOW_VERSION into infra/.venv ..." >&2
      "$ROOT/infra/venv.sh" "mlflow[auth]==$MLFLOW_VERSION" >&2
    fi
    mkdir -p "$dir/artifacts"
    if [[ ${#auth[@]} -gt 0 ]]; then
      random() { "$ROOT/infra/.venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))'; }
      if [[ -z "${MLFLOW_AUTH_ADMIN_PASSWORD:-}" ]]; then
        (umask 077; random > "$dir/admin-password")
        MLFLOW_AUTH_ADMIN_PASSWORD=$(cat "$dir/admin-password")
      fi
      export MLFLOW_AUTH_ADMIN_PASSWORD
      export MLFLOW_AUTH_CONFIG_PATH="$dir/basic_auth.ini"
      export MLFLOW_FLASK_SERVER_SECRET_KEY="${MLFLOW_FLASK_SERVER_SECRET_KEY:-$(random)}"
      cat > "$MLFLOW_AUTH_CONFIG_PATH" <<INI
[mlflow]
default_permission = READ
database_uri = sqlite:///$dir/basic_auth.db
admin_username = admin
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
# checking a password (PBKDF2) on every request makes a test server several times slower
auth_cache_ttl_seconds = 600
INI
    fi
    # its own session, so stop can end the server with its workers
    setsid "$ROOT/infra/.venv/bin/mlflow" server --host 127.0.0.1 --port "$port" "${auth[@]}" \
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
  *) echo "usage: mlflow.sh start DIR PORT [--basic-auth] | stop DIR" >&2; exit 2 ;;
esac
