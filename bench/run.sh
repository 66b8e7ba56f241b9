#!/usr/bin/env bash
# Engine overhead of Kiln against Kedro and `dvc repro` on the same no-op DAGs, in one run.
#   bench/run.sh [reps]      (DVC_SIZES="10 100" by default: dvc repro of 1000 stages takes minutes)
#   bench/run.sh --smoke     (or BENCH_SMOKE=1: Kiln only, 10 steps, one repetition; seconds)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
reps=${BENCH_ARGS[0]:-3}
bench_build
CP=$(bench_cp)
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
if smoke; then
  echo
  echo "## Kiln (smoke: 10 steps, 1 repetition, no peers)"
  java "${JAVA_OPTS[@]}" -cp "$CP" bench/EngineOverhead.java 1 10
  echo "bench/run.sh: smoke ok"
  exit 0
fi
VENV=$(infra/venv.sh)
echo "peers: kedro $("$VENV/bin/pip" show kedro | awk '/Version/ {print $2}'), dvc $("$VENV/bin/dvc" --version)"
echo
echo "## Kiln (in-process engine; kind=values: kiln/values no-op, kind=command: kiln/command running 'true')"
java "${JAVA_OPTS[@]}" -cp "$CP" bench/EngineOverhead.java "$reps"
echo
echo "## Kedro (SequentialRunner, in-process, no-op Python nodes)"
"$VENV/bin/python" bench/peers/kedro_noop.py "$reps" 2>/dev/null | grep -E "^(shape|chain|fan) "
echo
echo "## dvc repro (one process per stage)"
DVC="$VENV/bin/dvc" SIZES="${DVC_SIZES:-10 100}" bench/peers/dvc_noop.sh
