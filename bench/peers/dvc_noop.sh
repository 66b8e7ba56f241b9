#!/usr/bin/env bash
# `dvc repro` of the same no-op DAGs: N stages, each `echo i > o<i>` (a process per stage, as
# DVC always runs one), chained through deps or independent. Prints shape steps run_ms per_step_ms.
set -euo pipefail
DVC=${DVC:-dvc}
sizes=${SIZES:-"10 100"}
echo "shape  steps  run_ms  per_step_ms"
for shape in chain fan; do
  for n in $sizes; do
    d=$(mktemp -d /tmp/kiln-dvc-bench.XXXXXX)
    (
      cd "$d"
      git init -q . && $DVC init -q
      {
        echo "stages:"
        for ((i = 0; i < n; i++)); do
          echo "  s$i:"
          echo "    cmd: echo $i > o$i"
          if [[ $shape == chain && $i -gt 0 ]]; then echo "    deps: [o$((i - 1))]"; fi
          echo "    outs: [o$i]"
        done
      } > dvc.yaml
      start=$(date +%s%N)
      $DVC repro -q >/dev/null 2>&1
      end=$(date +%s%N)
      ms=$(( (end - start) / 1000000 ))
      awk -v s="$shape" -v n="$n" -v ms="$ms" 'BEGIN { printf "%-6s %5d %8.1f %12.3f\n", s, n, ms, ms / n }'
    )
    rm -rf "$d"
  done
done
