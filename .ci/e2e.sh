#!/usr/bin/env bash
# Runs the Playwright tests against the release build: a fresh database, an admin account, free ports,
# a real SMTP sink; the database is dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck disable=SC1091
. .hearth/services.env
set +a

[ -x target/release/hearth ] || { echo "e2e: build first (make build)" >&2; exit 1; }
[ -f target/site/pkg/hearth.wasm ] || { echo "e2e: target/site/pkg/hearth.wasm is missing (make build)" >&2; exit 1; }

db_name="hearth_e2e_$(date +%s)_$$"
E2E_DATABASE_URL=$(python3 - "$DATABASE_URL" "$db_name" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
print(urllib.parse.urlunparse(u._replace(path="/" + sys.argv[2])))
PY
)
read -r E2E_PORT SMTP_PORT MAILBOX_PORT < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()
PY
)
export E2E_DATABASE_URL E2E_PORT SMTP_PORT MAILBOX_PORT
export E2E_REDIS_PREFIX="e2e:$db_name:"

cleanup() {
  DATABASE_URL="$E2E_DATABASE_URL" python3 - "$DATABASE_URL" "$db_name" <<'PY' || true
import subprocess, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
admin = urllib.parse.urlunparse(u._replace(path="/postgres"))
subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)'], check=False)
PY
}
trap cleanup EXIT

DATABASE_URL="$E2E_DATABASE_URL" HEARTH_REDIS_PREFIX="$E2E_REDIS_PREFIX" RUST_LOG=warn \
  target/release/hearth create-user --email e2e-admin@example.com --username e2e_admin \
  --password 'e2e admin passphrase' --role admin >/dev/null
# The demo community (categories, topics, members incl. a fan-club member; password lumen-demo-2026).
DATABASE_URL="$E2E_DATABASE_URL" HEARTH_REDIS_PREFIX="$E2E_REDIS_PREFIX" RUST_LOG=warn target/release/hearth seed-demo >/dev/null

cd e2e
npx playwright test "$@"
