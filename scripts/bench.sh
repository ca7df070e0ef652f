#!/usr/bin/env bash
# Builds a synthetic clinic in a throwaway SQLite database and measures p50/p95 server time
# of the caseload page, a questionnaire submission and a trivial view in the same run, then of
# the clinic outcomes page (and the trivial view again) on the 10,000-client clinic.
# The figures replace the "Latest run" block of docs/performance.md.
set -euo pipefail
BIN=.venv/bin
export SECRET_KEY="bench-only-$(date +%s)-$$" HTTPS=0 DEBUG=0
export ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export IPTCARE_VAR_DIR="$(mktemp -d)"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend Q_SYNC=1 LOG_LEVEL=WARNING
export DATABASE_URL="sqlite:///$IPTCARE_VAR_DIR/bench.sqlite3"
trap 'rm -rf "$IPTCARE_VAR_DIR"' EXIT

$BIN/iptcare migrate --noinput -v0
# 15 sessions per client: the load-test clinic is also the outcomes page's (150,000 sessions).
$BIN/iptcare bench_caseload --big-sessions 15 --write docs/performance.md "$@"
$BIN/iptcare bench_outcomes --write docs/performance.md
# One client's FHIR export (20 sessions) and signing the end-of-treatment PDF.
$BIN/iptcare bench_reports --write docs/performance.md
