# Relay — `make run` (demo app on SQLite) and `make test` (the whole suite).
# Python 3.11 or newer (CI tests 3.11): `make PYTHON=python3.12 ...` picks another one.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# What production installs (run, serve, jobs), and that plus the tools (test, bench).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Where `make run` listens: HOST=0.0.0.0 lets a phone on the same network in.
HOST ?= 127.0.0.1
PORT ?= 5000
# How this machine reaches that server; `simulate-inbound` reads it from instance/server-url.
LOCAL_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)))
LOCAL_URL := http://$(LOCAL_HOST):$(PORT)
# The debugger runs code from the browser: only for a server that listens on this machine.
DEBUGGER := $(if $(filter 127.0.0.1 localhost ::1,$(HOST)),,--no-debugger)

.PHONY: run lint test test-fast e2e bench serve jobs reset translations clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Relay needs Python 3.11 or newer, and '$(PYTHON)' is missing or older." >&2; \
	  echo "Install Python 3.11, or name another: make PYTHON=python3.12 $(MAKECMDGOALS)" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(DEV_STAMP)

## run: migrate the embedded SQLite database, seed the demo team once, serve with the jobs
## on HOST:PORT (127.0.0.1:5000); Ctrl-C stops it
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "$(LOCAL_URL)" > instance/server-url
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-1} $(FLASK) run --debug $(DEBUGGER) --host $(HOST) --port $(PORT)

## lint: ruff (style, imports, likely bugs) over the code and tests, mypy over webapp/;
## settings in pyproject.toml
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## test: lint, then the whole suite, browser journeys included
test: lint
	$(BIN)/pytest

## test-fast: everything but the browser journeys
test-fast: $(DEV_STAMP)
	$(BIN)/pytest -m "not e2e"

## serve: production serving on DATABASE_URL (gunicorn.conf.py; run `make jobs` beside it)
serve: $(STAMP)
	$(FLASK) db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

## jobs: the one background-jobs process
jobs: $(STAMP)
	$(FLASK) run-jobs

## bench: the benchmark (BENCH_QUICK=1 for a short run; BENCH_ONLY=dashboard: the dashboard row alone;
## BENCH_ONLY=webhook: the webhook, the consumers' checks and the steady latency)
bench: $(DEV_STAMP)
	$(BIN)/python -m bench

## reset: forget the demo data (the SQLite database and the demo sign-ins in instance/;
## secrets stay); stop `make run` first, and the next one starts afresh
reset: $(STAMP)
	$(FLASK) reset-demo

# The message catalogs: pybabel (from Babel, a runtime requirement) reads the marked strings.
CATALOGS := webapp/translations
# (Babel skips folders starting with "_" unless told otherwise: templates/_macros is ours.)
EXTRACT := $(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --ignore-dirs='.*' \
	--no-location --sort-output
## translations: extract the marked strings, merge them into each catalog, compile the catalogs
translations: $(STAMP)
	$(EXTRACT) -o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-fuzzy-matching \
		--ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics
	rm $(CATALOGS)/messages.pot

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
