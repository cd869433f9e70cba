#!/usr/bin/env bash
# A PostgreSQL server for nbgrader's gradebook, so several graders (machines, pods or
# `autograde --shard K/N` processes) write one class's grades into one database.
#
#   gradebook-postgres.sh start DIR [PORT]   make (first time) and start a server in DIR,
#                                            listening on 127.0.0.1:PORT (default 5432)
#   gradebook-postgres.sh createdb DIR NAME  make database NAME; prints its URL for
#                                            c.CourseDirectory.db_url
#   gradebook-postgres.sh stop DIR           stop the server
#
# Run as root: the server runs as Debian's `postgres` account (PostgreSQL refuses root),
# owns DIR, and accepts only password logins over TCP for the role `gradebook`, whose
# password is made here and kept in DIR/gradebook-password (readable by root only).
# Anyone whose nbgrader_config.py holds the URL can write grades: keep that file to the
# course's graders. Packages: `postgresql` (deploy/install-system-parts.sh installs it).
set -euo pipefail

usage() { sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 2 ] || usage
command_name=$1
dir=$(realpath -m "$2")

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed: run 'bash deploy/install-system-parts.sh' as root" \
       "(or 'apt-get install postgresql')." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Run this as root: the server is started as the 'postgres' account." >&2
  exit 1
fi
as_postgres() { runuser -u postgres -- "$@"; }

case "$command_name" in
  start)
    port=${3:-5432}
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      chown postgres:postgres "$dir"
      chmod 700 "$dir"
      password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
      umask 077
      printf '%s\n' "$password" > "$dir.password.tmp"
      chown postgres "$dir.password.tmp"
      # Local socket: the postgres account only (peer); TCP: passwords (scram-sha-256).
      as_postgres "$bin/initdb" -D "$dir" --auth-local=peer --auth-host=scram-sha-256 \
        --username=postgres --encoding=UTF8 --no-instructions >/dev/null
      mv "$dir.password.tmp" "$dir/gradebook-password"
      chown root:root "$dir/gradebook-password"
      chmod 600 "$dir/gradebook-password"
      created=1
    fi
    # Many graders, each with a few connections; fsync on: grades must survive a crash.
    as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
      -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200" >/dev/null
    if [ "${created:-0}" -eq 1 ]; then
      password=$(cat "$dir/gradebook-password")
      as_postgres "$bin/psql" -q -h "$dir" -p "$port" -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE gradebook LOGIN PASSWORD '$password'" >/dev/null
    fi
    echo "$port" > "$dir/gradebook-port"
    echo "PostgreSQL for gradebooks is running in $dir on 127.0.0.1:$port."
    ;;
  createdb)
    [ $# -eq 3 ] || usage
    name=$3
    port=$(cat "$dir/gradebook-port")
    if ! as_postgres "$bin/psql" -qAt -h "$dir" -p "$port" -d postgres \
          -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      as_postgres "$bin/createdb" -h "$dir" -p "$port" -O gradebook "$name"
    fi
    echo "postgresql+psycopg://gradebook:$(cat "$dir/gradebook-password")@127.0.0.1:$port/$name"
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then
      as_postgres "$bin/pg_ctl" -D "$dir" -w -t 60 stop -m fast >/dev/null
      echo "PostgreSQL in $dir stopped."
    else
      echo "No PostgreSQL running in $dir."
    fi
    ;;
  *) usage ;;
esac
