#!/usr/bin/env bash
# The whole test suite: starts every real component the tests need, then runs unit tests
# (surefire, *Test) and integration tests (failsafe, *IT). With CI=true a component that
# cannot start fails the run; otherwise its tests are reported as skipped, by name.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

PGDIR=$(mktemp -d /tmp/kiln-pg.XXXXXX)
cleanup() { "$ROOT/infra/postgres.sh" stop "$PGDIR"; }
trap cleanup EXIT

echo "== starting PostgreSQL on 127.0.0.1"
if url=$("$ROOT/infra/postgres.sh" start "$PGDIR" "$(free_port)"); then
  export KILN_TEST_PG_URL="$url"
  echo "   $url"
elif [[ "${CI:-}" == "true" ]]; then
  echo "PostgreSQL did not start and CI=true: failing (see messages above)" >&2
  exit 1
else
  echo "WARNING: PostgreSQL did not start; its store tests will be skipped" >&2
fi

echo "== MLflow tracking server (infra/.venv, started per test by infra/mlflow.sh; the auth extra for --basic-auth)"
if ! infra/.venv/bin/python -c "import mlflow, flask_wtf, sys; sys.exit(mlflow.__version__ != '3.17.2')" 2>/dev/null; then
  if ! infra/venv.sh "mlflow[auth]==3.17.2" > /dev/null; then
    if [[ "${CI:-}" == "true" ]]; then echo "cannot install MLflow and CI=true: failing" >&2; exit 1; fi
    echo "WARNING: MLflow did not install; MlflowIT will be reported as aborted" >&2
  fi
fi

echo "== DVC CLI (infra/.venv, driven by DvcIT)"
if ! infra/.venv/bin/dvc --version 2>/dev/null | grep -qx '3.67.1'; then
  if ! infra/venv.sh dvc==3.67.1 > /dev/null; then
    if [[ "${CI:-}" == "true" ]]; then echo "cannot install DVC and CI=true: failing" >&2; exit 1; fi
    echo "WARNING: DVC did not install; DvcIT will be reported as aborted" >&2
  fi
fi

echo "== mvn verify (unit + integration tests)"
mvn -B -ntp verify "$@"
