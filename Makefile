# Relay — `make run` (demo app on SQLite) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# What production installs (run, serve, jobs), and that plus the tools (test, bench).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-fast e2e bench serve jobs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(DEV_STAMP)

## run: migrate the embedded SQLite database, seed the demo team once, serve with the jobs
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-1} $(FLASK) run --debug --host 127.0.0.1 --port 5000

## test: the whole suite, browser journeys included
test: $(DEV_STAMP)
	$(BIN)/pytest

## test-fast: everything but the browser journeys
test-fast: $(DEV_STAMP)
	$(BIN)/pytest -m "not e2e"

## serve: production serving on DATABASE_URL (gunicorn workers; run `make jobs` beside it)
serve: $(STAMP)
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers $${WEB_CONCURRENCY:-4} --bind $${BIND:-127.0.0.1:8000} wsgi:app

## jobs: the one background-jobs process
jobs: $(STAMP)
	$(FLASK) run-jobs

## bench: the benchmark (BENCH_QUICK=1 for a short run)
bench: $(DEV_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
