#!/usr/bin/env bash
# Start-up (issue 26): whole-process `kiln --version`, `kiln validate pipelines/` and a one-step `kiln run`
# against `kedro --version` / a one-node `kedro run` and `dvc --version` / a one-stage `dvc repro`, in
# interleaved rounds (the order rotates each round), medians of wall time and of CPU time (user+sys), ratios.
#   bench/startup/run.sh [ROUNDS]   (default 9; peers pinned in infra/.venv, installed when missing)
#   bench/startup/run.sh --smoke    (or BENCH_SMOKE=1: Kiln only, one round; checks the bench runs)
#   KILN_BASE_JAR=/path/kiln-cli.jar  adds the same three Kiln commands run from another build's jar with
#                                   the old launcher's java line (an A/B of two commits in the same rounds)
# Kiln is timed as users start it, through ./kiln: its class-data archive is made before the rounds (the
# first ./kiln call after a build does that; its cost is printed apart). The jar is built with `mvn package`
# (bench_build; never install), and ./kiln's build stamp is touched so it does not run its own build.
# Every step runs in every round: `kiln run --no-cache` (warm store), `dvc repro -f`; Kedro has no cache.
# Goals: `kiln --version` and `kiln validate` <= 0.5 s on a quiet machine; `kiln run` / `kedro run` <= 1.0.
# On a shared machine read the ratios and CPU seconds; the load average is printed per round.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ROUNDS=${BENCH_ARGS[0]:-${BENCH_ROUNDS:-9}}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/startup/run.sh: ROUNDS must be a positive integer; got '$ROUNDS'" >&2; exit 2; }
if smoke; then ROUNDS=1; fi
[[ -z "${KILN_BASE_JAR:-}" || -f "${KILN_BASE_JAR}" ]] || { echo "bench/startup/run.sh: KILN_BASE_JAR=$KILN_BASE_JAR is not a file" >&2; exit 2; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"
bench_build --cli
touch "$ROOT/framework/cli/target/.kiln-built"

# timed_cpu FILE cmd...: "wall_s rss_kib user_s sys_s" of the command (its own exit status is returned)
timed_cpu() {
  local file=$1; shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M %U %S' -o "$file" "$@"
  else
    python3 - "$file" "$@" <<'PYEOF'
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"{wall:.3f} {u.ru_maxrss} {u.ru_utime:.3f} {u.ru_stime:.3f}\n")
sys.exit(rc)
PYEOF
  fi
}

# --- Kiln: the archive, a one-step pipeline in a warm store ---
archive_start=$(date +%s%N)
smoke || rm -f "$ROOT/framework/cli/target/kiln-cli.jsa" # timed from scratch; smoke keeps a fresh one
"$ROOT/kiln" --version >/dev/null 2>"$OUT/archive.err" || { cat "$OUT/archive.err" >&2; exit 1; }
archive_ms=$(( ($(date +%s%N) - archive_start) / 1000000 ))
[[ -s "$ROOT/framework/cli/target/kiln-cli.jsa" ]] || echo "bench/startup: ./kiln made no archive; Kiln runs without it" >&2
mkdir -p "$OUT/kiln"
printf 'name: one\nsteps:\n  one:\n    uses: kiln/values\n    with: {values: {x: 1}}\n' > "$OUT/kiln/one.yaml"
export KILN_HOME="$OUT/kiln/home"
(cd "$OUT/kiln" && "$ROOT/kiln" run one.yaml >/dev/null 2>&1) || { echo "bench/startup: kiln run of the one-step pipeline failed" >&2; exit 1; }
# the shipped pipelines except those with a data/sql step, whose validation opens DuckDB (see RESULTS.md)
NOSQL=()
for f in pipelines/*.yaml; do grep -q 'uses: *data/sql' "$f" || NOSQL+=("$f"); done

declare -A CMD
# --version from a directory that is no project (kedro --version looks at the one it starts in)
CMD[kiln-version]="cd $OUT && $ROOT/kiln --version"
CMD[kiln-validate]="$ROOT/kiln validate pipelines/"
CMD[kiln-validate-nosql]="$ROOT/kiln validate ${NOSQL[*]}"
CMD[kiln-run]="cd $OUT/kiln && $ROOT/kiln run --no-cache one.yaml"
CASES=(kiln-version kiln-validate kiln-validate-nosql kiln-run)
if [[ -n "${KILN_BASE_JAR:-}" ]]; then
  BASE="java ${KILN_JAVA_OPTS:-} -XX:+UseSerialGC -Xshare:auto -jar $KILN_BASE_JAR"
  CMD[base-version]="cd $OUT && $BASE --version"
  CMD[base-validate]="$BASE validate pipelines/"
  CMD[base-run]="cd $OUT/kiln && $BASE run --no-cache one.yaml"
  CASES+=(base-version base-validate base-run)
fi

# --- peers: a one-node Kedro project (kedro new, offline template) and a one-stage DVC repo ---
if ! smoke; then
  PY=$(bench_venv kedro==1.7.0 dvc==3.67.1)
  VENV="$(dirname "$PY")"
  export KEDRO_DISABLE_TELEMETRY=true DO_NOT_TRACK=1 DVC_NO_ANALYTICS=1
  (cd "$OUT" && "$VENV/kedro" new --name one --tools none --example n >/dev/null 2>&1) \
    || { echo "bench/startup: kedro new failed" >&2; exit 1; }
  cat > "$OUT/one/src/one/pipeline_registry.py" <<'PYEOF'
"""One node: the Kedro counterpart of a one-step Kiln pipeline (kiln/values publishing x = 1)."""
from kedro.pipeline import Pipeline, node, pipeline


def one():
    return 1


def register_pipelines() -> dict[str, Pipeline]:
    p = pipeline([node(one, inputs=None, outputs="x", name="one")])
    return {"__default__": p}
PYEOF
  mkdir -p "$OUT/dvc"
  (cd "$OUT/dvc" && git init -q . && "$VENV/dvc" init -q && printf 'stages:\n  one:\n    cmd: echo 1 > o\n    outs: [o]\n' > dvc.yaml \
    && "$VENV/dvc" repro -q >/dev/null 2>&1) || { echo "bench/startup: dvc init/repro failed" >&2; exit 1; }
  (cd "$OUT/one" && "$VENV/kedro" run >/dev/null 2>&1) || { echo "bench/startup: kedro run failed" >&2; (cd "$OUT/one" && "$VENV/kedro" run 2>&1 | tail -20) >&2; exit 1; }
  CMD[kedro-version]="cd $OUT && $VENV/kedro --version"
  CMD[kedro-run]="cd $OUT/one && $VENV/kedro run"
  CMD[dvc-version]="cd $OUT && $VENV/dvc --version"
  CMD[dvc-repro]="cd $OUT/dvc && $VENV/dvc repro -f -q"
  CASES+=(kedro-version kedro-run dvc-version dvc-repro)
fi

echo "date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD); $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Kiln: ./kiln ($(java -version 2>&1 | head -1)); class-data archive made (or found fresh, in smoke mode) in $((archive_ms / 1000)).$(( archive_ms % 1000 / 100 )) s before the rounds"
smoke || echo "peers: $("$PY" -c 'import platform, sys; from importlib.metadata import version as v; print(", ".join(p + " " + v(p) for p in sys.argv[1:]) + "; Python " + platform.python_version())' kedro dvc) (infra/.venv; telemetry off)"
[[ -z "${KILN_BASE_JAR:-}" ]] || echo "base: $BASE"
echo "rounds: $ROUNDS"
for c in "${CASES[@]}"; do echo "  $c: ${CMD[$c]}"; done

# --- interleaved rounds: the order rotates by one case per round ---
n=${#CASES[@]}
: > "$OUT/raw.tsv"
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  for i in $(seq 0 $((n - 1))); do
    c=${CASES[$(( (i + r) % n ))]}
    if ! timed_cpu "$OUT/t" bash -c "${CMD[$c]} >/dev/null 2>$OUT/err"; then
      echo "bench/startup: $c failed in round $r:" >&2; tail -n 20 "$OUT/err" >&2; exit 1
    fi
    echo "$c $r $(tail -n 1 "$OUT/t") $(cut -d' ' -f1 /proc/loadavg)" >> "$OUT/raw.tsv"
  done
done
python3 "$ROOT/bench/startup/summary.py" "$OUT/raw.tsv"
smoke && echo "bench/startup/run.sh: smoke ok"
exit 0
