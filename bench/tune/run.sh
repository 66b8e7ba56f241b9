#!/usr/bin/env bash
# Kiln's samplers against Optuna 5.x's (and Optuna 4.5's, a second column) on Branin, Hartmann-6, Rosenbrock-4,
# Ackley-5, Levy-4 and one real task (1 - CV AUC of XGBoost on breast-cancer data, bench/tune/xgb_objective.py,
# the same Python function on both sides).
# Usage: bench/tune/run.sh [SEEDS] [TRIALS]   (defaults 30 100)
#        bench/tune/run.sh --smoke   (or BENCH_SMOKE=1: Kiln's samplers only, Branin, 1 seed x 12 trials; seconds)
#   BENCH_FUNCTIONS=branin,xgb-auc limits the functions. The peers run in their own venvs: bench/tune/.venv
#   (optuna 5.1.0, whose TPE code is that of 5.0.0) and bench/tune/.venv45 (optuna 4.5.0), created here.
#   BENCH_GP_PEERS=1 also runs Kiln's GP against Optuna's GPSampler, which needs torch in bench/tune/.venv
#   (the PyPI wheel with its CUDA libraries is ~3 GB; not installed by this script).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
bench_build
CP="plugins/tune/target/test-classes:$(bench_cp)"
if smoke; then
  out=$(BENCH_FUNCTIONS=branin BENCH_NO_OVERHEAD=true java "${JAVA_OPTS[@]}" -cp "$CP" dev.kiln.tune.SamplerBench 1 12 tpe,tpe-uni,auto,random,gp)
  echo "$out"
  [[ $(grep -c '"impl":"kiln"' <<< "$out") == 5 ]] || { echo "bench/tune: expected one study per sampler" >&2; exit 1; }
  echo "bench/tune/run.sh: smoke ok"
  exit 0
fi
SEEDS=${BENCH_ARGS[0]:-30}; TRIALS=${BENCH_ARGS[1]:-100}
export BENCH_FUNCTIONS=${BENCH_FUNCTIONS:-branin,hartmann6,rosenbrock4,ackley5,levy4,xgb-auc}
OUT="$ROOT/bench/tune/out"; rm -rf "$OUT"; mkdir -p "$OUT"
PY5="$ROOT/bench/tune/.venv/bin/python"; PY4="$ROOT/bench/tune/.venv45/bin/python"
venv() { # venv DIR OPTUNA_VERSION
  [[ -x "$1/bin/python" ]] || python3 -m venv "$1"
  "$1/bin/python" -c "import optuna, xgboost, sklearn, scipy, sys; sys.exit(optuna.__version__ != '$2')" 2>/dev/null \
    || "$1/bin/python" -m pip install -q --disable-pip-version-check optuna=="$2" xgboost==3.2.0 scikit-learn==1.9.1 scipy
}
venv "$ROOT/bench/tune/.venv" 5.1.0
venv "$ROOT/bench/tune/.venv45" 4.5.0
export BENCH_PYTHON="$PY5" OMP_NUM_THREADS=1 BENCH_NO_OVERHEAD=true
# the quality runs: the two sides at the same time, one core each (seconds are not compared); the real
# task (a few seconds a study) with the default samplers only, the functions with the univariate TPEs too
FUNCS=$(tr ',' '\n' <<< "$BENCH_FUNCTIONS" | grep -vx xgb-auc | paste -sd, || true)
if [[ -n "$FUNCS" ]]; then
  BENCH_FUNCTIONS=$FUNCS java -cp "$CP" dev.kiln.tune.SamplerBench "$SEEDS" "$TRIALS" tpe,tpe-uni,auto > "$OUT/kiln.jsonl" &
  BENCH_FUNCTIONS=$FUNCS "$PY5" -W ignore bench/tune/optuna_peer.py "$SEEDS" "$TRIALS" tpe,tpe-uni > "$OUT/optuna5.jsonl"
  BENCH_FUNCTIONS=$FUNCS "$PY4" -W ignore bench/tune/optuna_peer.py "$SEEDS" "$TRIALS" tpe > "$OUT/optuna45.jsonl"
  wait
fi
if grep -qx xgb-auc <<< "$(tr ',' '\n' <<< "$BENCH_FUNCTIONS")"; then
  BENCH_FUNCTIONS=xgb-auc java -cp "$CP" dev.kiln.tune.SamplerBench "$SEEDS" "$TRIALS" tpe,auto > "$OUT/kiln-xgb.jsonl" &
  BENCH_FUNCTIONS=xgb-auc "$PY5" -W ignore bench/tune/optuna_peer.py "$SEEDS" "$TRIALS" tpe > "$OUT/optuna5-xgb.jsonl"
  BENCH_FUNCTIONS=xgb-auc "$PY4" -W ignore bench/tune/optuna_peer.py "$SEEDS" "$TRIALS" tpe > "$OUT/optuna45-xgb.jsonl"
  wait
fi
if [[ "${BENCH_GP_PEERS:-}" == "1" ]]; then
  java -cp "$CP" dev.kiln.tune.SamplerBench "$SEEDS" "$TRIALS" gp > "$OUT/kiln-gp.jsonl" &
  "$PY5" -W ignore bench/tune/optuna_peer.py "$SEEDS" "$TRIALS" gp > "$OUT/optuna5-gp.jsonl"
  wait
fi
# proposal time at 100 and 1000 completed trials (Ackley-5, random history): each side alone, five
# interleaved rounds; compare.py takes the medians
unset BENCH_NO_OVERHEAD
for round in 1 2 3 4 5; do
  BENCH_FUNCTIONS=none java "${JAVA_OPTS[@]}" -cp "$CP" dev.kiln.tune.SamplerBench 0 0 tpe >> "$OUT/overhead.jsonl"
  BENCH_FUNCTIONS=none "$PY5" -W ignore bench/tune/optuna_peer.py 0 0 tpe >> "$OUT/overhead.jsonl"
  BENCH_FUNCTIONS=none "$PY4" -W ignore bench/tune/optuna_peer.py 0 0 tpe >> "$OUT/overhead.jsonl"
done
"$PY5" bench/tune/compare.py "$OUT"/*.jsonl
