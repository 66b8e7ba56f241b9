#!/usr/bin/env bash
# Kiln's samplers against Optuna's on Branin, Hartmann-6, Rosenbrock-4, Ackley-5, Levy-4 and one real task
# (1 - CV AUC of XGBoost on breast-cancer data, bench/tune/xgb_objective.py, the same Python function on both sides).
# Usage: bench/tune/run.sh [SEEDS] [TRIALS] [GP_SEEDS]   (defaults 30 100 30)
#        bench/tune/run.sh --smoke   (or BENCH_SMOKE=1: Kiln's samplers only, Branin, 1 seed x 12 trials; seconds)
#   BENCH_FUNCTIONS=branin,xgb-auc limits the functions; Optuna's GPSampler needs torch, so the peers run in
#   their own venv, bench/tune/.venv (created here; the PyPI torch wheel with its CUDA libraries is ~3 GB).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
bench_build
CP="plugins/tune/target/test-classes:$(bench_cp)"
if smoke; then
  out=$(BENCH_FUNCTIONS=branin BENCH_NO_OVERHEAD=true java "${JAVA_OPTS[@]}" -cp "$CP" dev.kiln.tune.SamplerBench 1 12 tpe,tpe-mv,random,gp)
  echo "$out"
  [[ $(grep -c '"impl":"kiln"' <<< "$out") == 4 ]] || { echo "bench/tune: expected one study per sampler" >&2; exit 1; }
  echo "bench/tune/run.sh: smoke ok"
  exit 0
fi
SEEDS=${BENCH_ARGS[0]:-30}; TRIALS=${BENCH_ARGS[1]:-100}; GP_SEEDS=${BENCH_ARGS[2]:-$SEEDS}
export BENCH_FUNCTIONS=${BENCH_FUNCTIONS:-branin,hartmann6,rosenbrock4,ackley5,levy4,xgb-auc}
OUT="$ROOT/bench/tune/out"; mkdir -p "$OUT"
VENV="$ROOT/bench/tune/.venv"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import optuna, torch, xgboost, sklearn, scipy" 2>/dev/null \
  || "$VENV/bin/python" -m pip install -q --disable-pip-version-check optuna==4.5.0 torch xgboost==3.2.0 scikit-learn==1.9.1 scipy
export BENCH_PYTHON="$VENV/bin/python" OMP_NUM_THREADS=1
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
