#!/usr/bin/env bash
# A cached step reading a large input: DVC-tracked (Kiln takes DVC's hash, no re-read) vs plain
# (Kiln hashes and stores the file on every run). Usage: bench/dvc/run.sh [MB] (default 1000).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MB="${1:-1000}"
DVC="$ROOT/infra/.venv/bin/dvc"
[[ -x "$DVC" ]] || "$ROOT/infra/venv.sh" dvc==3.67.1 >/dev/null
W=$(mktemp -d /tmp/kiln-dvc-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/dvc/data" "$W/plain/data"
head -c "$((MB * 1000000))" /dev/urandom > "$W/dvc/data/big.bin"
cp "$W/dvc/data/big.bin" "$W/plain/data/big.bin"
for d in dvc plain; do
  printf 'name: big\nsteps:\n  use:\n    uses: kiln/command\n    with: {run: echo ok, inputs: [data/big.bin]}\n' > "$W/$d/big.yaml"
done
(cd "$W/dvc" && git init -q && "$DVC" init -q && "$DVC" add -q data/big.bin)
export KILN_DVC="$DVC"
echo "input: ${MB} MB; $(nproc) cores; $(date -u +%F)"
for d in dvc plain; do
  for i in 1 2 3 4; do
    s=$(date +%s.%N)
    line=$(cd "$W/$d" && "$ROOT/kiln" run big.yaml 2>&1 | grep -E '\] (ok|cached) ')
    e=$(date +%s.%N)
    printf '%-6s run %d: %5.2f s wall   %s\n' "$d" "$i" "$(echo "$e - $s" | bc)" "$line"
  done
done
