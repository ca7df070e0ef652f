#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when one is reachable (required in CI).
# Each run gets its own throwaway databases.
set -uo pipefail
BIN=.venv/bin
export SECRET_KEY="test-only-$(date +%s)-$$" HTTPS=0 DEBUG=0
export ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export IPTCARE_VAR_DIR="$(mktemp -d)"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend Q_SYNC=1
trap 'rm -rf "$IPTCARE_VAR_DIR"' EXIT

echo "== pytest on SQLite =="
DATABASE_URL="sqlite:///$IPTCARE_VAR_DIR/iptcare.sqlite3" $BIN/python -m pytest "$@"
sqlite_status=$?

pg_url="${DATABASE_URL:-}"
if [ -z "$pg_url" ] && $BIN/python - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(2)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
then
  pg_url="postgres://postgres@127.0.0.1:5432/iptcare_run_$$_$(date +%s)"
fi

pg_status=0
if [ -n "$pg_url" ]; then
  echo "== pytest on PostgreSQL =="
  DATABASE_URL="$pg_url" $BIN/python -m pytest "$@"
  pg_status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "CI: PostgreSQL is required but none answers at 127.0.0.1:5432 and DATABASE_URL is unset." >&2
  pg_status=1
else
  echo "Note: no PostgreSQL reachable; the PostgreSQL run was skipped."
fi

if [ $sqlite_status -ne 0 ] || [ $pg_status -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_status, PostgreSQL exit $pg_status" >&2
  exit 1
fi
