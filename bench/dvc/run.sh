#!/usr/bin/env bash
# A cached step reading a large input: DVC-tracked (Kiln takes DVC's hash, no re-read) vs plain
# (Kiln hashes and stores the file on every run). Usage: bench/dvc/run.sh [MB] (default 1000).
#   bench/dvc/run.sh --smoke   (or BENCH_SMOKE=1: 1 MB, two runs each; the DVC side only when infra/.venv has dvc)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
MB="${BENCH_ARGS[0]:-1000}"
RUNS=4
DVC="$ROOT/infra/.venv/bin/dvc"
sides=(dvc plain)
if smoke; then
  MB=1; RUNS=2
  [[ -x "$DVC" ]] || { sides=(plain); echo "(smoke: no dvc in infra/.venv, the plain side only)"; }
else
  [[ -x "$DVC" ]] || "$ROOT/infra/venv.sh" dvc==3.67.1 >/dev/null
fi
bench_build
W=$(mktemp -d /tmp/kiln-dvc-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/dvc/data" "$W/plain/data"
head -c "$((MB * 1000000))" /dev/urandom > "$W/plain/data/big.bin"
cp "$W/plain/data/big.bin" "$W/dvc/data/big.bin"
for d in dvc plain; do
  printf 'name: big\nsteps:\n  use:\n    uses: kiln/command\n    with: {run: echo ok, inputs: [data/big.bin]}\n' > "$W/$d/big.yaml"
done
if [[ " ${sides[*]} " == *" dvc "* ]]; then
  (cd "$W/dvc" && git init -q && "$DVC" init -q && "$DVC" add -q data/big.bin)
  export KILN_DVC="$DVC"
fi
echo "input: ${MB} MB; $(nproc) cores; $(date -u +%F)"
for d in "${sides[@]}"; do
  for i in $(seq 1 "$RUNS"); do
    s=$(date +%s.%N)
    line=$(cd "$W/$d" && kiln run big.yaml 2>&1 | grep -E '\] (ok|cached) ') || { echo "bench/dvc: kiln run failed ($d, run $i)" >&2; exit 1; }
    e=$(date +%s.%N)
    printf '%-6s run %d: %5.2f s wall   %s\n' "$d" "$i" "$(echo "$e - $s" | bc)" "$line"
  done
done
if smoke; then echo "bench/dvc/run.sh: smoke ok"; fi
