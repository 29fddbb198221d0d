#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the orchestration engine (development, tests, benchmarks).
#
#   scripts/postgres.sh start [NAME]     initdb into .pg/NAME (once), start it on a free port of
#                                        127.0.0.1, print its URL on the last line of stdout
#   scripts/postgres.sh url [NAME]       print the URL of a running cluster
#   scripts/postgres.sh stop [NAME]      stop it (data kept)
#   scripts/postgres.sh destroy [NAME]   stop it and delete its data
#
# NAME defaults to "dev". PostgreSQL refuses to run as root: when run as root, the server runs
# as the `postgres` system user (created if missing). If that user cannot reach .pg/ (say the
# checkout lies in a private temporary folder), the data goes to a folder of its own under
# /tmp and .pg/NAME links to it; the script says so on stderr. Set PG_BIN to choose binaries.
set -euo pipefail

cmd=${1:-start}
name=${2:-dev}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin;" \
       "install PostgreSQL or set PG_BIN)" >&2
  exit 1
fi
link="$repo/.pg/$name"
user=$(id -un)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url_of() {
  echo "postgresql+psycopg://${1}@127.0.0.1:$(cat "$2/port")/postgres"
}

db_user() {
  if [ "$(id -u)" = 0 ]; then echo postgres; else echo "$user"; fi
}

running() {
  [ -f "$1/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

case "$cmd" in
  start)
    mkdir -p "$repo/.pg"
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    if [ ! -e "$link" ]; then
      mkdir -p "$link"
      if [ "$(id -u)" = 0 ]; then
        chown postgres "$link"
        if ! runuser -u postgres -- test -w "$link"; then
          rmdir "$link"
          dir=$(mktemp -d "/tmp/journeyscope-pg-$name.XXXXXX")
          chown postgres "$dir"
          ln -s "$dir" "$link"
          echo "postgres.sh: the postgres user cannot reach $repo/.pg; data in $dir (linked)" >&2
        fi
      fi
    fi
    dir=$(readlink -f "$link")
    if running "$dir"; then
      url_of "$(db_user)" "$dir"
      exit 0
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U "$(db_user)" --auth=trust -E UTF8 \
        --no-instructions >"$dir/initdb.log" 2>&1 \
        || { echo "postgres.sh: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    chmod a+r "$dir/port"
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null; then
      echo "postgres.sh: the server did not start; its log:" >&2
      tail -n 30 "$dir/server.log" >&2 || true
      exit 1
    fi
    url_of "$(db_user)" "$dir"
    ;;
  url)
    dir=$(readlink -f "$link")
    running "$dir" || { echo "postgres.sh: cluster $name is not running" >&2; exit 1; }
    url_of "$(db_user)" "$dir"
    ;;
  stop | destroy)
    if [ -e "$link" ]; then
      dir=$(readlink -f "$link")
      if running "$dir"; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
      fi
      if [ "$cmd" = destroy ]; then
        rm -rf "$dir"
        rm -f "$link" 2>/dev/null || rm -rf "$link"
      fi
    fi
    ;;
  *)
    echo "usage: scripts/postgres.sh start|url|stop|destroy [NAME]" >&2
    exit 2
    ;;
esac
