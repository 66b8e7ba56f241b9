#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server for tests, bound to 127.0.0.1 only.
#   infra/postgres.sh start DIR PORT   -> prints the JDBC URL on stdout
#   infra/postgres.sh stop DIR
# Uses Debian's PostgreSQL server binaries and installs them (apt-get) when missing and root.
set -euo pipefail
cmd=${1:?usage: postgres.sh start DIR PORT | stop DIR}
dir=${2:?directory}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN=$(find_bin)
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:?port}
    if [[ -z "$PGBIN" ]]; then
      if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "postgres.sh: installing Debian's postgresql ..." >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
        PGBIN=$(find_bin)
      fi
      [[ -n "$PGBIN" ]] || { echo "postgres.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
    fi
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
      id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
      chown postgres "$dir"
      chmod 755 "$dir"
    fi
    as_owner "$PGBIN/initdb" -D "$dir/data" -A trust -U kiln -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U kiln kiln >&2
    echo "jdbc:postgresql://127.0.0.1:$port/kiln?user=kiln"
    ;;
  stop)
    [[ -n "$PGBIN" && -d "$dir/data" ]] && as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
