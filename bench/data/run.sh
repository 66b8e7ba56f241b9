#!/usr/bin/env bash
# Data-plane benchmarks of issue 21: ingest of a generated CSV (id, 5 numeric, 1 categorical, yes/no label)
# at 1e5 / 1e6 / 1e7 rows, whole process against whole process: Kiln (`kiln run` of a one-step pipeline,
# data/ingest and tribuo/ingest) against pandas, polars and DuckDB's Python package, each reading the CSV
# and writing Parquet. Interleaved rounds (the order of the tools rotates each round), medians, peak RSS,
# ratios, growth exponents, the issue's goals marked. Optionally the 1e7-row pipeline (BENCH_BIG).
#   bench/data/run.sh [ROUNDS]   (default 3; peers pinned in infra/.venv, installed when missing)
#   bench/data/run.sh --smoke    (or BENCH_SMOKE=1: 1e4 rows, Kiln only, one round; seconds)
# Environment:
#   BENCH_SIZES="1e5 1e6"   the sizes (default "1e5 1e6 1e7"); "none" skips the ingest table
#   BENCH_TOOLS="..."       of kiln-data kiln-tribuo pandas polars polars-stream duckdb
#                           (default: all but polars-stream, the lazy scan_csv/sink_parquet variant)
#   BENCH_BIG=1             also run bench/data/big.yaml (data/ingest -> data/split -> tribuo/features ->
#                           tribuo/train xgboost -> tribuo/evaluate) once; BENCH_BIG=tribuo runs
#                           big-tribuo.yaml (tribuo/ingest does ingest and split), BENCH_BIG=both both
#   BENCH_BIG_ROWS=1e7      rows of that pipeline's CSV
#   BENCH_BIG_TIMEOUT=2h    stop that pipeline after this long (timeout(1) syntax; default: no limit)
#   BENCH_DATA_DIR=DIR      where generated CSVs are cached and raw results kept (default bench/out/data)
#   KILN_JAVA_OPTS          extra JVM options for Kiln (as ./kiln)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT"
HERE=bench/data
usage() { echo "bench/data/run.sh: $1" >&2; echo "  usage: bench/data/run.sh [ROUNDS] | --smoke   (see the header of bench/data/run.sh)" >&2; exit 2; }
ROUNDS=${BENCH_ARGS[0]:-3}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || usage "ROUNDS must be a positive integer, got '$ROUNDS'"
read -r -a SIZES <<< "${BENCH_SIZES:-1e5 1e6 1e7}"
read -r -a TOOLS <<< "${BENCH_TOOLS:-kiln-data kiln-tribuo pandas polars duckdb}"
BIG=${BENCH_BIG:-0}
BIG_ROWS=${BENCH_BIG_ROWS:-1e7}
CACHE=${BENCH_DATA_DIR:-$ROOT/bench/out/data}
PINS=(pandas==3.1.1 polars==2.1.0 duckdb==2.0.1 pyarrow==25.0.1)
if smoke; then
  ROUNDS=1; SIZES=(1e4); TOOLS=(kiln-data kiln-tribuo); BIG_ROWS=2e4
fi
[[ "${SIZES[*]}" == "none" ]] && SIZES=()
case "$BIG" in 0|1|tribuo|both) ;; *) usage "BENCH_BIG must be 0, 1, tribuo or both, got '$BIG'" ;; esac
# rows as integers, checked
to_rows() { python3 -c 'import sys; n = float(sys.argv[1]); assert n >= 1 and n == int(n); print(int(n))' "$1" 2>/dev/null \
  || usage "a size must be a whole number of rows (e.g. 1e5 or 250000), got '$1'"; }
ROWS=()
for s in "${SIZES[@]}"; do ROWS+=("$(to_rows "$s")"); done
[[ "$BIG" == 0 ]] || BIG_N=$(to_rows "$BIG_ROWS")
peers=0
for t in "${TOOLS[@]}"; do
  case "$t" in
    kiln-data|kiln-tribuo) ;;
    pandas|polars|polars-stream|duckdb) peers=1 ;;
    *) usage "unknown tool '$t' in BENCH_TOOLS; expected kiln-data kiln-tribuo pandas polars polars-stream duckdb" ;;
  esac
done

bench_build --cli
PY=python3
CHECK=0
if [[ $peers == 1 ]]; then PY=$(bench_venv "${PINS[@]}"); CHECK=1
elif [[ -x "$ROOT/infra/.venv/bin/python" ]] && "$ROOT/infra/.venv/bin/python" -c 'import pyarrow' 2>/dev/null; then
  PY="$ROOT/infra/.venv/bin/python"; CHECK=1   # pyarrow there: Kiln's Parquet is read back too
fi
W=$(mktemp -d /tmp/kiln-data-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
export KILN_HOME="$W/kiln-home"
mkdir -p "$CACHE"
JAVA=(java ${KILN_JAVA_OPTS:-} "${JAVA_OPTS[@]}" -Xshare:auto -jar "$JAR")

# The generated CSV of N rows, cached by rows and the generator's content (it takes ~40 s at 1e7).
csv_for() {
  local n=$1 f
  f="$CACHE/gen-$n-seed7-$(sha256sum "$HERE/gen.py" | cut -c1-8).csv"
  if [[ ! -s "$f" ]]; then
    echo "generating $n rows -> $f" >&2
    python3 "$HERE/gen.py" "$n" "$f" 7
  fi
  echo "$f"
}

# One timed run: appends "round rows tool wall rss step bytes status" to $W/raw.tsv and the written
# columns to $W/schema.<tool>. A failed run is recorded as failed, its error shown, and the bench goes on.
run_one() {
  local r=$1 n=$2 tool=$3 csv=$4 step=- status=ok line rc=0 out="$W/out.parquet"
  case "$tool" in
    kiln-data|kiln-tribuo)
      local y="$HERE/ingest-data.yaml"; [[ "$tool" == kiln-tribuo ]] && y="$HERE/ingest-tribuo.yaml"
      timed "$W/t" "${JAVA[@]}" run "$y" -p data="$csv" --no-cache --json > "$W/k.json" 2> "$W/k.err" || rc=$?
      if [[ $rc == 0 ]]; then
        # step seconds, rows read, and the Parquet dataset (data/ingest's data output) if any
        step=- got=none art=-
        read -r step got art < <(python3 - "$W/k.json" <<'PYEOF'
import json, sys
s = [x for x in json.load(open(sys.argv[1]))["steps"] if x["step"] == "ingest"][0]
o = s["outputs"]
art = (o.get("data") or o.get("all") or {}).get("artifact", {}).get("sha256", "-")
print(s["duration_ms"] / 1000, o["rows"], art)
PYEOF
        ) || true
        if [[ "$got" != "$n" ]]; then status=wrong-rows; echo "$tool read $got rows of $n" >&2
        elif [[ $CHECK == 1 && "$art" != - ]] && head -c 4 "$KILN_HOME/artifacts/$art" | grep -q PAR1; then
          "$PY" "$HERE/check_output.py" "$KILN_HOME/artifacts/$art" "$n" > "$W/schema.$tool" || status=wrong-output
        else
          echo "rows=$got (the step's rows output; its dataset is not Parquet here)" > "$W/schema.$tool"
        fi
      else
        status=failed; echo "bench/data: $tool failed at $n rows (round $r):" >&2; tail -n 15 "$W/k.err" >&2
      fi ;;
    *)
      rm -f "$out"
      timed "$W/t" "$PY" "$HERE/peer_ingest.py" "$tool" "$csv" "$out" > "$W/p.out" 2>&1 || rc=$?
      if [[ $rc == 0 ]]; then
        "$PY" "$HERE/check_output.py" "$out" "$n" > "$W/schema.$tool" || status=wrong-output
      else
        status=failed; echo "bench/data: $tool failed at $n rows (round $r):" >&2; tail -n 15 "$W/p.out" >&2
      fi
      rm -f "$out" ;;
  esac
  line=$(tail -n 1 "$W/t")   # /usr/bin/time writes "Command exited with non-zero status" above on failure
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$n" "$tool" ${line% *} ${line#* } "$step" "$(stat -c %s "$csv")" "$status" >> "$W/raw.tsv"
  printf '  round %s  %9s rows  %-13s %7.2f s  %6d MiB  %s\n' "$r" "$n" "$tool" "${line% *}" "$(( ${line#* } / 1024 ))" "$status" >&2
}

echo "# bench/data/run.sh ${BENCH_ARGS[*]:-} (smoke=$BENCH_SMOKE)"
echo
echo "- command: \`BENCH_SIZES=\"${SIZES[*]:-none}\" BENCH_TOOLS=\"${TOOLS[*]}\" BENCH_BIG=$BIG bench/data/run.sh${BENCH_ARGS[0]:+ ${BENCH_ARGS[0]}}$(smoke && echo ' --smoke')\`"
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Kiln: $(java -version 2>&1 | head -1), ${JAVA[*]:0:$((${#JAVA[@]} - 2))}, max heap $(java ${KILN_JAVA_OPTS:-} "${JAVA_OPTS[@]}" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '/ MaxHeapSize / {printf "%.1f GiB", $4 / 2^30}'); \`kiln run PIPELINE -p data=CSV --no-cache --json\`, fresh KILN_HOME per bench run"
if [[ $peers == 1 ]]; then
  echo "- peers: $("$PY" -c 'import sys, platform; from importlib.metadata import version as v; print("Python", platform.python_version() + ",", ", ".join(f"{p} {v(p)}" for p in sys.argv[1:]))' pandas polars duckdb pyarrow numpy) (infra/.venv; bench/data/peer_ingest.py)"
fi
echo "- sizes: ${SIZES[*]:-none}; tools: ${TOOLS[*]}; rounds: $ROUNDS"

if [[ ${#ROWS[@]} -gt 0 ]]; then
  CSVS=()
  for n in "${ROWS[@]}"; do CSVS+=("$(csv_for "$n")"); done
  # untimed warm-up: creates KILN_HOME's store, reads the jar and the Python libraries into the page cache
  echo "warm-up (not recorded) at ${ROWS[0]} rows ..." >&2
  for t in "${TOOLS[@]}"; do run_one 0 "${ROWS[0]}" "$t" "${CSVS[0]}"; done
  : > "$W/raw.tsv"
  for r in $(seq 1 "$ROUNDS"); do
    for i in "${!ROWS[@]}"; do
      k=${#TOOLS[@]}
      for j in $(seq 0 $((k - 1))); do
        run_one "$r" "${ROWS[$i]}" "${TOOLS[$(( (j + r + i) % k ))]}" "${CSVS[$i]}"
      done
    done
  done
  echo
  echo "## Ingest: read the CSV, type the columns, write Parquet"
  echo
  python3 "$HERE/report.py" "$W/raw.tsv" "$ROUNDS"
  echo
  echo "Written (row count and Parquet column types, read back after each run with pyarrow):"
  echo
  for t in "${TOOLS[@]}"; do [[ -s "$W/schema.$t" ]] && echo "- $t: $(cat "$W/schema.$t")"; done
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  cp "$W/raw.tsv" "$CACHE/ingest-$stamp.tsv"
  echo
  echo "(raw runs: ${CACHE#"$ROOT"/}/ingest-$stamp.tsv; load average at end $(cut -d' ' -f1-3 /proc/loadavg))"
fi

if [[ "$BIG" != 0 ]]; then
  case "$BIG" in 1) pipes=(big.yaml) ;; tribuo) pipes=(big-tribuo.yaml) ;; both) pipes=(big.yaml big-tribuo.yaml) ;; esac
  csv=$(csv_for "$BIG_N")
  echo
  echo "## The pipeline ingest -> split -> features -> XGBoost -> evaluate on $BIG_N rows ($(( $(stat -c %s "$csv") / 1000000 )) MB CSV), one run each"
  echo
  echo "| pipeline | whole process s | peak RSS MiB | step seconds | test accuracy | test AUC | status |"
  echo "|---|---:|---:|---|---:|---:|---|"
  big_failed=0
  for p in "${pipes[@]}"; do
    rc=0
    limit=(); [[ -z "${BENCH_BIG_TIMEOUT:-}" ]] || limit=(timeout "$BENCH_BIG_TIMEOUT")
    timed "$W/t" "${limit[@]}" "${JAVA[@]}" run "$HERE/$p" -p data="$csv" --no-cache --parallelism 1 --json > "$W/big.json" 2> "$W/big.err" || rc=$?
    line=$(tail -n 1 "$W/t")
    [[ $rc == 0 ]] || big_failed=1
    why="exit $rc"; [[ $rc != 124 || -z "${BENCH_BIG_TIMEOUT:-}" ]] || why="stopped after BENCH_BIG_TIMEOUT=$BENCH_BIG_TIMEOUT"
    python3 - "$W/big.json" "$p" "${line% *}" "${line#* }" "$rc" 2>/dev/null <<'PYEOF' || { big_failed=1; echo "| $p | ${line% *} | $(( ${line#* } / 1024 )) | (no --json output) | | | $why |"; }
import json, sys
k = json.load(open(sys.argv[1])); p, wall, rss, rc = sys.argv[2:6]
order = ["ingest", "split", "features", "xgboost", "evaluate"]
ss = sorted(k["steps"], key=lambda s: order.index(s["step"]) if s["step"] in order else len(order))
steps = " / ".join(f"{s['step']} {s['duration_ms'] / 1000:.1f}" if s["status"] == "SUCCEEDED" else f"{s['step']} {s['status'].lower()}"
                   for s in ss)
ev = [s for s in k["steps"] if s["uses"] == "tribuo/evaluate"]
vals = ev[0]["outputs"].get("values", {}) if ev and ev[0]["status"] == "SUCCEEDED" else {}
acc, auc = vals.get("accuracy"), vals.get("roc-auc")
status = k["status"].lower() + ("" if rc == "0" else f" (exit {rc}): {k.get('error') or ''}")
print(f"| {p} | {float(wall):.1f} | {int(rss) / 1024:.0f} | {steps} | {'' if acc is None else f'{acc:.4f}'} | {'' if auc is None else f'{auc:.4f}'} | {status} |")
PYEOF
    if [[ $rc != 0 ]]; then echo "bench/data: $p failed:" >&2; tail -n 15 "$W/big.err" >&2; fi
  done
fi
if smoke; then
  if grep -qv $'\tok$' "$W/raw.tsv" 2>/dev/null || [[ "${big_failed:-0}" == 1 ]]; then echo "bench/data/run.sh: smoke FAILED" >&2; exit 1; fi
  echo "bench/data/run.sh: smoke ok"
fi
if grep -qv $'\tok$' "$W/raw.tsv" 2>/dev/null || [[ "${big_failed:-0}" == 1 ]]; then exit 1; fi
