#!/usr/bin/env bash
# Make sure a PostgreSQL and a Redis answer on 127.0.0.1 for the test suite: start them when they are
# installed but stopped, create the database role and database when they are missing.
set -euo pipefail

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# --- PostgreSQL -------------------------------------------------------------------------------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    $sudo pg_createcluster "$version" main
  fi
  echo "Starting PostgreSQL $version"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432
fi
if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'root'" | grep -q 1; then
  as_postgres psql -qc "CREATE ROLE root SUPERUSER LOGIN PASSWORD 'root'"
fi
if ! as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'proximity'" | grep -q 1; then
  as_postgres psql -qc "CREATE DATABASE proximity OWNER root"
fi

# --- Redis ------------------------------------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  $sudo redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null
fi
