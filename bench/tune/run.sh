#!/usr/bin/env bash
# Kiln's samplers against Optuna's on Branin, Hartmann-6, Rosenbrock-4, Ackley-5, Levy-4 and one real task
# (1 - CV AUC of XGBoost on breast-cancer data, bench/tune/xgb_objective.py, the same Python function on both sides).
# Usage: bench/tune/run.sh [SEEDS] [TRIALS] [GP_SEEDS]   (defaults 30 100 30)
#   BENCH_FUNCTIONS=branin,xgb-auc limits the functions; Optuna's GPSampler needs torch, so the peers run in
#   their own venv, bench/tune/.venv (created here; the PyPI torch wheel with its CUDA libraries is ~3 GB).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SEEDS=${1:-30}; TRIALS=${2:-100}; GP_SEEDS=${3:-$SEEDS}
export BENCH_FUNCTIONS=${BENCH_FUNCTIONS:-branin,hartmann6,rosenbrock4,ackley5,levy4,xgb-auc}
OUT="$ROOT/bench/tune/out"; mkdir -p "$OUT"
VENV="$ROOT/bench/tune/.venv"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import optuna, torch, xgboost, sklearn, scipy" 2>/dev/null \
  || "$VENV/bin/python" -m pip install -q --disable-pip-version-check optuna==4.5.0 torch xgboost==3.2.0 scikit-learn==1.9.1 scipy
export BENCH_PYTHON="$VENV/bin/python" OMP_NUM_THREADS=1
cd "$ROOT"
mvn -q -B install -DskipTests -pl plugins/tune -am
mvn -q -B test-compile -pl plugins/tune
mvn -q -B dependency:build-classpath -pl plugins/tune -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
CP="plugins/tune/target/test-classes:plugins/tune/target/classes:$(cat "$OUT/cp.txt")"
# the two sides run at the same time, one core each
java -cp "$CP" dev.kiln.tune.SamplerBench "$SEEDS" "$TRIALS" tpe,tpe-mv,random > "$OUT/kiln.jsonl" &
"$BENCH_PYTHON" -W ignore bench/tune/optuna_peer.py "$SEEDS" "$TRIALS" tpe,tpe-mv,random > "$OUT/optuna.jsonl"
wait
BENCH_NO_OVERHEAD=true java -cp "$CP" dev.kiln.tune.SamplerBench "$GP_SEEDS" "$TRIALS" gp > "$OUT/kiln-gp.jsonl" &
BENCH_NO_OVERHEAD=true "$BENCH_PYTHON" -W ignore bench/tune/optuna_peer.py "$GP_SEEDS" "$TRIALS" gp > "$OUT/optuna-gp.jsonl"
wait
# GP proposal time at 100 trials on both sides
BENCH_FUNCTIONS=none java -cp "$CP" dev.kiln.tune.SamplerBench 0 0 gp > "$OUT/kiln-gp-overhead.jsonl"
BENCH_FUNCTIONS=none "$BENCH_PYTHON" -W ignore bench/tune/optuna_peer.py 0 0 gp > "$OUT/optuna-gp-overhead.jsonl"
"$BENCH_PYTHON" bench/tune/compare.py "$OUT"/*.jsonl
