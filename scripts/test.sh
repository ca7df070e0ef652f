#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when one is reachable (required in CI),
# then the date-sensitive tests under five moved clocks.
# Each run gets its own throwaway databases.
set -uo pipefail
BIN=.venv/bin
export SECRET_KEY="test-only-$(date +%s)-$$" HTTPS=0 DEBUG=0
export ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export IPTCARE_VAR_DIR="$(mktemp -d)"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend Q_SYNC=1
trap 'rm -rf "$IPTCARE_VAR_DIR"' EXIT

pg_url="${DATABASE_URL:-}"
if [ -z "$pg_url" ] && $BIN/python - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(2)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
then
  pg_url="postgres://postgres@127.0.0.1:5432/iptcare_run_$$_$(date +%s)"
fi

# PostgreSQL runs beside SQLite (two cores, each pass mostly one): its output follows.
pg_status=0
pg_pid=""
if [ -n "$pg_url" ]; then
  mkdir -p "$IPTCARE_VAR_DIR/pg"
  IPTCARE_VAR_DIR="$IPTCARE_VAR_DIR/pg" DATABASE_URL="$pg_url" \
    $BIN/python -m pytest "$@" >"$IPTCARE_VAR_DIR/pg.log" 2>&1 &
  pg_pid=$!
elif [ "${CI:-}" = "true" ]; then
  echo "CI: PostgreSQL is required but none answers at 127.0.0.1:5432 and DATABASE_URL is unset." >&2
  pg_status=1
else
  echo "Note: no PostgreSQL reachable; the PostgreSQL run was skipped."
fi

echo "== pytest on SQLite =="
DATABASE_URL="sqlite:///$IPTCARE_VAR_DIR/iptcare.sqlite3" $BIN/python -m pytest "$@"
sqlite_status=$?

if [ -n "$pg_pid" ]; then
  wait "$pg_pid"
  pg_status=$?
  echo "== pytest on PostgreSQL =="
  cat "$IPTCARE_VAR_DIR/pg.log"
fi

# The moved-clock pass (issue 9): the date-sensitive tests, browser journeys included, with
# the clock moved to the 1st of next month, both daylight-saving changes of 2027, New Year's
# Eve and a leap day (clinic time, America/Toronto; tests/clock.py). Two at a time on
# SQLite, each with its own database; skipped when pytest was given arguments.
clock_status=0
if [ $# -eq 0 ]; then
  first_of_next_month="$(date -d "$(date +%Y-%m-01) +1 month" +%Y-%m-01)T00:30"
  clocks="$first_of_next_month 2027-03-14T01:30 2027-11-07T01:30 2027-12-31T23:30 2028-02-29T12:00"
  echo "== pytest with the clock moved: $clocks =="
  export CLOCK_LOGS="$IPTCARE_VAR_DIR/clocks"
  mkdir -p "$CLOCK_LOGS"
  printf '%s\n' $clocks | xargs -P 2 -I{} bash -c '
    log="$CLOCK_LOGS/{}.log"
    export IPTCARE_VAR_DIR="$CLOCK_LOGS/{}"
    mkdir -p "$IPTCARE_VAR_DIR"
    DATABASE_URL="sqlite:///$IPTCARE_VAR_DIR/iptcare.sqlite3" IPTCARE_TEST_CLOCK={} \
      '"$BIN"'/python -m pytest -q -p no:cacheprovider \
      iptcare/courses iptcare/measures iptcare/scheduling iptcare/formulation \
      iptcare/portal iptcare/home iptcare/overview iptcare/intake iptcare/clients \
      tests/browser >"$log" 2>&1
    status=$?
    echo "clock {}: $(tail -n 1 "$log")"
    [ $status -eq 0 ] || { grep -E "^(FAILED|ERROR) " "$log"; exit 1; }
  ' || clock_status=1
fi

if [ $sqlite_status -ne 0 ] || [ $pg_status -ne 0 ] || [ $clock_status -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_status, PostgreSQL exit $pg_status, moved clock exit $clock_status" >&2
  exit 1
fi
