# IPTCare: `make run` serves the demo clinic, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VAR := $(CURDIR)/var
STAMP := $(VENV)/.installed

.PHONY: run test setup lint system-deps browser-deps bench clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

$(VAR)/secret_key:
	mkdir -p $(VAR)
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

# The demo runs with DEBUG off over plain HTTP on this machine only. Stopping it stops the
# background worker too, and waits for it (it ends within seconds: see iptcare/cli.py).
run: $(STAMP) $(VAR)/secret_key system-deps
	@export SECRET_KEY="$$(cat $(VAR)/secret_key)" HTTPS=0 ALLOWED_HOSTS="$(HOST),localhost,127.0.0.1" \
	  IPTCARE_VAR_DIR="$(VAR)" SITE_URL="http://$(HOST):$(PORT)" \
	  EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend; \
	$(BIN)/iptcare migrate --noinput -v0 && \
	$(BIN)/iptcare demo && \
	echo "Serving IPTCare at http://$(HOST):$(PORT)/  (Ctrl-C to stop)" && \
	{ $(BIN)/iptcare qcluster >$(VAR)/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn iptcare.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile - --log-level warning; }

system-deps:
	@bash scripts/install-system-deps.sh

browser-deps:
	@bash scripts/install-system-deps.sh --browser

lint: $(STAMP)
	$(BIN)/ruff check iptcare tests conftest.py
	$(BIN)/ruff format --check iptcare tests conftest.py
	$(BIN)/lint-imports
	SECRET_KEY=mypy HTTPS=0 $(BIN)/mypy iptcare tests conftest.py

test: $(STAMP) browser-deps lint
	@bash scripts/test.sh

# Synthetic clinic and server-time percentiles; figures go to docs/performance.md.
bench: $(STAMP) system-deps
	@bash scripts/bench.sh

clean:
	rm -rf $(VENV) $(VAR) test-results
