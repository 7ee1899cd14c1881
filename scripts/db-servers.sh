#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and MariaDB servers for the storage and API tests, on 127.0.0.1 only,
# each with its own data directory under DIR. Idempotent: `start` leaves a running server alone,
# `stop` on a stopped one does nothing. Ports are picked once per DIR (free ones, derived from
# the directory so that two build trees do not collide) and kept, so a restarted server comes back
# on the same port.
#
# Usage: scripts/db-servers.sh start|stop|status DIR [all|postgres|mariadb]
# After start, DIR/postgres.dsn and DIR/mariadb.dsn hold DSNs for a superuser `argus` and a
# database `argus`; tests create their own databases with it.
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"; which="${3:-all}"
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|status DIR [all|postgres|mariadb]" >&2
  exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
user=argus
password=argus-test-pw
# Unix sockets live under /tmp: a path below a deep build tree exceeds the 107-byte socket limit.
sockdir="/tmp/argus-db-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"

pg_bin=/usr/lib/postgresql/15/bin
# PostgreSQL refuses to run as root: run it as the `postgres` system user when we are root.
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A stable port per DIR and engine: reuse the recorded one, else find a free one from a base
# derived from the path (below the kernel's ephemeral range).
pick_port() {
  local engine="$1" offset="$2" file="$dir/$engine.port"
  if [[ -s "$file" ]]; then cat "$file"; return; fi
  local sum base port
  sum=$(printf '%s' "$dir" | cksum | cut -d' ' -f1)
  base=$((20000 + (sum % 5000) * 2 + offset))
  for ((i = 0; i < 200; i++)); do
    port=$((base + i * 2))
    if ! port_in_use "$port"; then echo "$port" >"$file"; echo "$port"; return; fi
  done
  echo "db-servers: no free port near $base" >&2
  exit 1
}

pg_start() {
  local root="$dir/postgres" port
  port=$(pick_port postgres 0)
  mkdir -p "$root" "$sockdir/pg"
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$root" "$sockdir/pg"
  if [[ ! -s "$root/data/PG_VERSION" ]]; then
    printf '%s\n' "$password" >"$root/pwfile"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$root/pwfile"
    as_pg "$pg_bin/initdb" -D "$root/data" -U "$user" --pwfile="$root/pwfile" -E UTF8 \
      --no-locale --auth-local=trust --auth-host=scram-sha-256 >"$root/initdb.log" 2>&1 ||
      { cat "$root/initdb.log" >&2; exit 1; }
    rm -f "$root/pwfile"
  fi
  if ! as_pg "$pg_bin/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
    # fsync off: a throwaway server for tests, durability is not the point.
    as_pg "$pg_bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $sockdir/pg -c fsync=off -c max_connections=200" start \
      >/dev/null || { tail -20 "$root/server.log" >&2; exit 1; }
  fi
  if ! as_pg "$pg_bin/psql" -h "$sockdir/pg" -p "$port" -U "$user" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'argus'" | grep -q 1; then
    as_pg "$pg_bin/createdb" -h "$sockdir/pg" -p "$port" -U "$user" argus
  fi
  echo "postgres://$user:$password@127.0.0.1:$port/argus?sslmode=disable" >"$dir/postgres.dsn"
  echo "postgres: $(cat "$dir/postgres.dsn" | sed 's/:[^:@]*@/:***@/')"
}

pg_stop() {
  local root="$dir/postgres"
  [[ -s "$root/data/PG_VERSION" ]] || return 0
  if as_pg "$pg_bin/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
    as_pg "$pg_bin/pg_ctl" -D "$root/data" -m fast -w -t 60 stop >/dev/null
  fi
}

pg_status() {
  [[ -s "$dir/postgres/data/PG_VERSION" ]] &&
    as_pg "$pg_bin/pg_ctl" -D "$dir/postgres/data" status >/dev/null 2>&1
}

my_admin() { mariadb-admin --no-defaults --socket="$sockdir/mysqld.sock" -u root "$@"; }

my_running() {
  local pidfile="$dir/mariadb/mysqld.pid"
  [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null &&
    my_admin --connect-timeout=2 ping >/dev/null 2>&1
}

my_start() {
  local root="$dir/mariadb" port
  port=$(pick_port mariadb 1)
  mkdir -p "$root" "$sockdir"
  if [[ ! -d "$root/data/mysql" ]]; then
    mariadb-install-db --no-defaults --datadir="$root/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$root/install.log" 2>&1 ||
      { cat "$root/install.log" >&2; exit 1; }
  fi
  if ! my_running; then
    setsid mariadbd --no-defaults --datadir="$root/data" --user="$(id -un)" \
      --bind-address=127.0.0.1 --port="$port" --socket="$sockdir/mysqld.sock" \
      --pid-file="$root/mysqld.pid" --log-error="$root/error.log" --skip-name-resolve \
      --skip-log-bin --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 \
      --max-connections=200 </dev/null >/dev/null 2>&1 &
    local pid=$!
    # Bounded wait for the server to accept connections (up to 60 s, less if it dies).
    for ((i = 0; i < 240; i++)); do
      my_running && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    my_running || { tail -20 "$root/error.log" >&2; exit 1; }
  fi
  mariadb --no-defaults --socket="$sockdir/mysqld.sock" -u root -e "
    CREATE DATABASE IF NOT EXISTS argus;
    CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '$password';
    GRANT ALL PRIVILEGES ON *.* TO '$user'@'%';"
  echo "mysql://$user:$password@127.0.0.1:$port/argus" >"$dir/mariadb.dsn"
  echo "mariadb: $(sed 's/:[^:@]*@/:***@/' "$dir/mariadb.dsn")"
}

my_stop() {
  local pidfile="$dir/mariadb/mysqld.pid" pid
  [[ -s "$pidfile" ]] || return 0
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null || return 0
  my_admin shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  # mariadb-admin shutdown returns once the server has stopped; bounded wait for the process.
  for ((i = 0; i < 240; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  echo "db-servers: mariadbd $pid did not stop" >&2
  exit 1
}

engines=()
case "$which" in
  all) engines=(postgres mariadb) ;;
  postgres|mariadb) engines=("$which") ;;
  *) echo "db-servers: unknown engine '$which'" >&2; exit 2 ;;
esac

for engine in "${engines[@]}"; do
  case "$cmd:$engine" in
    start:postgres) pg_start ;;
    start:mariadb) my_start ;;
    stop:postgres) pg_stop ;;
    stop:mariadb) my_stop ;;
    status:postgres) pg_status && echo "postgres: running" || echo "postgres: stopped" ;;
    status:mariadb) my_running && echo "mariadb: running" || echo "mariadb: stopped" ;;
    *) echo "usage: $0 start|stop|status DIR [all|postgres|mariadb]" >&2; exit 2 ;;
  esac
done
# Once both servers are down, their socket directories go too (each build tree makes its own).
if [[ $cmd == stop ]] && ! pg_status && ! my_running; then
  rm -rf "$sockdir"
fi
