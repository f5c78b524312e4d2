#!/usr/bin/env bash
# Start a local PostgreSQL (installing it with apt-get if missing), create a fresh test
# database, and run the given command with DATABASE_URL pointing at it.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do runuser -u postgres -- pg_isready -q && break; sleep 1; done
runuser -u postgres -- psql -qc "create role root superuser login" 2>/dev/null || true
db=${CASEWORK_TEST_DB:-casework_test}  # a name of its own lets parallel runs share the server
runuser -u postgres -- dropdb --if-exists "$db"
runuser -u postgres -- createdb -O root "$db"
export DATABASE_URL="postgresql+psycopg:///$db"
echo "PostgreSQL $version: DATABASE_URL=$DATABASE_URL"
"$@"
