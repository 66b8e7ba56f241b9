#!/usr/bin/env bash
# Engine overhead of Kiln against Kedro and `dvc repro` on the same no-op DAGs, in one run.
#   bench/run.sh [reps]      (DVC_SIZES="10 100" by default: dvc repro of 1000 stages takes minutes)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
reps=${1:-3}
./kiln --version >/dev/null                    # builds the CLI if needed
VENV=$(infra/venv.sh)
CP="framework/cli/target/kiln-cli.jar:$(ls framework/cli/target/lib/*.jar | tr '\n' ':')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)"
echo "peers: kedro $("$VENV/bin/pip" show kedro | awk '/Version/ {print $2}'), dvc $("$VENV/bin/dvc" --version)"
echo
echo "## Kiln (in-process engine; kind=values: kiln/values no-op, kind=command: kiln/command running 'true')"
java -XX:+UseSerialGC -cp "$CP" bench/EngineOverhead.java "$reps"
echo
echo "## Kedro (SequentialRunner, in-process, no-op Python nodes)"
"$VENV/bin/python" bench/peers/kedro_noop.py "$reps" 2>/dev/null | grep -E "^(shape|chain|fan) "
echo
echo "## dvc repro (one process per stage)"
DVC="$VENV/bin/dvc" SIZES="${DVC_SIZES:-10 100}" bench/peers/dvc_noop.sh
