#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth for local connections and
# has a database "test" (what the store tests use). Idempotent: does nothing when it already runs.
# Installs Debian's postgresql package and creates a cluster if needed. Needs root for that.
set -euo pipefail

HOST=127.0.0.1
PORT=5432
DB=test
say() { echo "ensure-postgres: $*"; }
die() { echo "ensure-postgres: ERROR: $*" >&2; exit 1; }

ensure_db() {
  if psql -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    say "database '$DB' exists"
  else
    psql -h "$HOST" -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE $DB" >/dev/null \
      || die "could not create database '$DB'"
    say "created database '$DB'"
  fi
}

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$HOST" -p "$PORT"; then
  say "PostgreSQL already accepts connections on $HOST:$PORT"
  psql -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 \
    || die "a server runs on $HOST:$PORT but user postgres cannot connect without a password (need trust auth for local connections)"
  ensure_db
  exit 0
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and this is not root: run as root, or install the 'postgresql' package"
  say "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
fi

VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
BIN=/usr/lib/postgresql/$VERSION/bin
export PATH="$BIN:$PATH"

if command -v pg_lsclusters >/dev/null 2>&1; then
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$VERSION main$"; then
    say "creating cluster $VERSION/main"
    pg_createcluster "$VERSION" main -p "$PORT" -- -A trust >/dev/null || die "pg_createcluster failed"
  fi
  CONF=/etc/postgresql/$VERSION/main
  # Trust local connections (this is a throwaway test server on loopback only) and listen on 127.0.0.1:PORT.
  cat >"$CONF/pg_hba.conf" <<HBA
local   all all              trust
host    all all 127.0.0.1/32 trust
host    all all ::1/128      trust
HBA
  sed -i -E "s/^#?port = .*/port = $PORT/; s/^#?listen_addresses = .*/listen_addresses = '127.0.0.1'/" "$CONF/postgresql.conf"
  say "starting cluster $VERSION/main on $HOST:$PORT"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" main restart >/dev/null 2>&1 \
    || pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start \
    || die "could not start cluster $VERSION/main (see /var/log/postgresql/)"
else
  die "pg_lsclusters (postgresql-common) is missing; install the 'postgresql' package"
fi

for _ in $(seq 1 30); do
  pg_isready -q -h "$HOST" -p "$PORT" && break
  sleep 1
done
pg_isready -q -h "$HOST" -p "$PORT" || die "PostgreSQL did not come up on $HOST:$PORT within 30 s"
say "PostgreSQL $VERSION accepts connections on $HOST:$PORT"
ensure_db
