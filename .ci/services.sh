#!/usr/bin/env bash
# Makes sure a PostgreSQL and a Redis answer, and writes their URLs to .hearth/services.env:
#   - DATABASE_URL / REDIS_URL when set (used as given);
#   - else the local servers on their default ports (127.0.0.1:5432, 127.0.0.1:6379);
#   - else a throwaway PostgreSQL cluster / Redis started from Debian's binaries under .hearth/services/
#     (ports 55432 and 56379), or a clear message naming the package to install.
set -euo pipefail
cd "$(dirname "$0")/.."
state="$PWD/.hearth"
services="$state/services"
mkdir -p "$services"

log() { printf '[services] %s\n' "$*" >&2; }
answers() { # answers HOST PORT
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
if [ "${1:-}" = "--stop" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -f "$services/pg/postmaster.pid" ] && [ -n "$bin" ]; then
    run=(); [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$bin/pg_ctl" -D "$services/pg" -m fast stop >/dev/null && log "stopped the throwaway PostgreSQL"
  fi
  if [ -f "$services/redis/redis.pid" ] && answers 127.0.0.1 56379; then
    kill "$(cat "$services/redis/redis.pid")" && log "stopped the throwaway Redis"
  fi
  exit 0
fi

host_port_of() { # host_port_of URL DEFAULT_PORT -> "host port"
  python3 - "$1" "$2" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or int(sys.argv[2]))
PY
}

start_postgres() {
  local port=55432 data="$services/pg" bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    log "PostgreSQL is not running on 127.0.0.1:5432 and is not installed."
    log "Install it (apt-get install -y postgresql) or set DATABASE_URL to a server that answers."
    exit 1
  fi
  local run=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { log "running as root needs the 'postgres' user (apt-get install -y postgresql)"; exit 1; }
    run=(runuser -u postgres --)
    mkdir -p "$data"
    chown -R postgres "$services/pg"
    chmod o+x "$state" "$services" 2>/dev/null || true
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a throwaway PostgreSQL cluster in $data"
    "${run[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! answers 127.0.0.1 "$port"; then
    log "starting PostgreSQL on 127.0.0.1:$port"
    "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  echo "postgres://postgres@127.0.0.1:$port/hearth"
}

start_redis() {
  local port=56379 dir="$services/redis"
  if ! command -v redis-server >/dev/null 2>&1; then
    log "Redis is not running on 127.0.0.1:6379 and is not installed."
    log "Install it (apt-get install -y redis-server) or set REDIS_URL to a server that answers."
    exit 1
  fi
  mkdir -p "$dir"
  if ! answers 127.0.0.1 "$port"; then
    log "starting Redis on 127.0.0.1:$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
    for _ in $(seq 1 50); do answers 127.0.0.1 "$port" && break; sleep 0.1; done
  fi
  echo "redis://127.0.0.1:$port"
}

if [ -n "${DATABASE_URL:-}" ]; then
  db_url="$DATABASE_URL"
  read -r h p < <(host_port_of "$db_url" 5432)
  answers "$h" "$p" || { log "DATABASE_URL names $h:$p, which does not answer. Start that server or change DATABASE_URL."; exit 1; }
elif answers 127.0.0.1 5432; then
  db_url="postgres://postgres@127.0.0.1:5432/hearth"
else
  db_url=$(start_postgres)
fi

if [ -n "${REDIS_URL:-}" ]; then
  redis_url="$REDIS_URL"
  read -r h p < <(host_port_of "$redis_url" 6379)
  answers "$h" "$p" || { log "REDIS_URL names $h:$p, which does not answer. Start that server or change REDIS_URL."; exit 1; }
elif answers 127.0.0.1 6379; then
  redis_url="redis://127.0.0.1:6379"
else
  redis_url=$(start_redis)
fi

cat > "$state/services.env" <<ENV
DATABASE_URL=$db_url
REDIS_URL=$redis_url
ENV
read -r dbh dbp < <(host_port_of "$db_url" 5432)
read -r rh rp < <(host_port_of "$redis_url" 6379)
log "PostgreSQL at $dbh:$dbp, Redis at $rh:$rp (URLs in .hearth/services.env)"
