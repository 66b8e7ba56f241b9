# Sourced by the bench scripts: the repository root, smoke mode, and the Kiln CLI without installing anything.
#   BENCH_SMOKE=1 (or --smoke as a script's first argument): tiny sizes, no peers (Kedro, scikit-learn,
#   Optuna, `mlflow models serve`, wrk), seconds; it checks that the bench still runs, its numbers mean nothing.
# The CLI is framework/cli/target/kiln-cli.jar, built with `mvn package` when missing (never `mvn install`:
# a bench must not replace the snapshots in ~/.m2); KILN_BENCH_NO_BUILD=1 refuses to build instead.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_SMOKE=${BENCH_SMOKE:-0}
if [[ "${1:-}" == "--smoke" ]]; then
  BENCH_SMOKE=1
  shift
fi
export BENCH_SMOKE
BENCH_ARGS=("$@")
# short-lived JVMs in smoke mode: the C1 compiler alone starts them faster, and no number is kept
JAVA_OPTS=(-XX:+UseSerialGC)
if [[ "$BENCH_SMOKE" == "1" ]]; then JAVA_OPTS+=(-XX:TieredStopAtLevel=1); fi
JAR="$ROOT/framework/cli/target/kiln-cli.jar"

smoke() { [[ "$BENCH_SMOKE" == "1" ]]; }

# Builds the CLI jar and the test classes the benches run (SamplerBench, TrackingBench) when any is
# missing or older than a source or pom (as ./kiln does), so the numbers are those of the code checked out.
# bench_build --cli: the CLI jar only (benches that run `kiln run` and nothing else).
bench_build() {
  local need=0 modules=framework/cli,plugins/tune,plugins/mlflow
  local needed=("$JAR" "$ROOT/plugins/tune/target/test-classes/dev/kiln/tune/SamplerBench.class" \
      "$ROOT/plugins/mlflow/target/test-classes/dev/kiln/mlflow/TrackingBench.class")
  if [[ "${1:-}" == "--cli" ]]; then modules=framework/cli; needed=("$JAR"); fi
  for f in "${needed[@]}"; do
    [[ -e "$f" ]] || need=1
  done
  if [[ $need == 0 && "${KILN_BENCH_NO_BUILD:-}" != "1" ]] \
      && [[ -n "$(find "$ROOT/pom.xml" "$ROOT/framework" "$ROOT/registry" "$ROOT/plugins" -newer "$JAR" -type f \
          \( -path '*/src/main/*' -o -path '*/src/test/*Bench.java' -o -name pom.xml \) -not -path '*/target/*' -print -quit 2>/dev/null)" ]]; then
    need=1
  fi
  [[ $need == 1 ]] || return 0
  if [[ "${KILN_BENCH_NO_BUILD:-}" == "1" ]]; then
    echo "bench: the CLI jar or the bench classes are missing and KILN_BENCH_NO_BUILD=1; build with" \
      "mvn -B -DskipTests package -pl $modules -am" >&2
    exit 1
  fi
  echo "bench: building the CLI (mvn package, nothing installed) ..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl "$modules" -am) >&2
}

# Makes infra/.venv hold exactly these pinned Python packages (name==version ...), installing through
# infra/venv.sh only when one is missing or at another version; prints the venv's python.
bench_venv() {
  local py="$ROOT/infra/.venv/bin/python"
  if [[ ! -x "$py" ]] || ! "$py" - "$@" >/dev/null 2>&1 <<'PYEOF'
import sys
from importlib.metadata import version, PackageNotFoundError
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        assert version(name) == want
    except (PackageNotFoundError, AssertionError):
        sys.exit(1)
PYEOF
  then
    "$ROOT/infra/venv.sh" "$@" >&2
  fi
  echo "$py"
}

# Runs a command and writes "<wall seconds> <peak RSS KiB>" of it to FILE; the command's own exit
# status is returned. /usr/bin/time where it exists, else the same two numbers from Python's
# resource module (ru_maxrss of the waited-for child, as time's %M).
timed() {
  local file=$1; shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M' -o "$file" "$@"
  else
    python3 - "$file" "$@" <<'PYEOF'
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    f.write(f"{wall:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
sys.exit(rc)
PYEOF
  fi
}

# The classpath of the CLI with all plugins, for bench classes run with java -cp.
bench_cp() {
  echo "$JAR:$(ls "$ROOT"/framework/cli/target/lib/*.jar | tr '\n' ':')"
}

# The Kiln CLI, as ./kiln runs it, without ./kiln's build-and-install step.
kiln() {
  java ${KILN_JAVA_OPTS:-} "${JAVA_OPTS[@]}" -Xshare:auto -jar "$JAR" "$@"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
