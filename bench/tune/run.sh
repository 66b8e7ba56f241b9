#!/usr/bin/env bash
# Kiln's samplers against Optuna's on Branin, Hartmann-6, Rosenbrock-4, Ackley-5 and Levy-4.
# Usage: bench/tune/run.sh [SEEDS] [TRIALS] [GP_SEEDS]   (defaults 30 100 30)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SEEDS=${1:-30}; TRIALS=${2:-100}; GP_SEEDS=${3:-$SEEDS}
OUT="$ROOT/bench/tune/out"; mkdir -p "$OUT"
PY="$ROOT/infra/.venv/bin/python"
"$PY" -c "import optuna" 2>/dev/null || "$ROOT/infra/.venv/bin/pip" install -q "optuna==4.5.0"
cd "$ROOT"
mvn -q -B install -DskipTests -pl plugins/tune -am
mvn -q -B test-compile -pl plugins/tune
mvn -q -B dependency:build-classpath -pl plugins/tune -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
CP="plugins/tune/target/test-classes:plugins/tune/target/classes:$(cat "$OUT/cp.txt")"
java -cp "$CP" dev.kiln.tune.SamplerBench "$SEEDS" "$TRIALS" tpe,random > "$OUT/kiln.jsonl"
java -cp "$CP" dev.kiln.tune.SamplerBench "$GP_SEEDS" "$TRIALS" gp > "$OUT/kiln-gp.jsonl"
"$PY" bench/tune/optuna_peer.py "$SEEDS" "$TRIALS" tpe,random > "$OUT/optuna.jsonl"
if "$PY" -c "import torch" 2>/dev/null; then
  "$PY" bench/tune/optuna_peer.py "$GP_SEEDS" "$TRIALS" gp > "$OUT/optuna-gp.jsonl"
else
  echo "optuna GPSampler needs torch, which is not installed: not measured" >&2
fi
"$PY" bench/tune/compare.py "$OUT"/*.jsonl
