# anjian — the two commands (README): `make run` and `make test`.
# Everything runs from ./.venv, made with Python 3.11 (Django 5.2 LTS, pinned in requirements/).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# python3.11 if it is on PATH, else python3 (checked to be 3.11 below).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ANJIAN := $(BIN)/anjian
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: install install-dev run test test-sqlite test-postgres lint bench

# Stamp files record what is installed; they are newer than the requirements they were made from,
# so a second `make install` costs nothing and an edited requirements file reinstalls.
install: $(VENV)/.installed-base

install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "anjian needs Python 3.11 (found: $$($(PYTHON) --version 2>&1))" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed-base: $(BIN)/python requirements/base.txt pyproject.toml
	$(PIP) install -r requirements/base.txt
	$(PIP) install --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(PIP) install -r requirements/dev.txt
	touch $@

# Migrate the embedded database under ./var/, load the demo county on first start only,
# then serve with granian and the job consumer (anjian serve) until Ctrl-C.
run: install
	$(ANJIAN) migrate --noinput
	$(ANJIAN) load-demo --if-empty
	$(ANJIAN) collectstatic --noinput --verbosity 0
	exec $(ANJIAN) serve

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL names one.
# Both runs go ahead even if the first fails (one CI log shows both); either failing fails.
# CI must run both: there a missing PostgreSQL is a failure, not a skip.
test: install-dev
	@if [ "$${CI:-}" = "true" ] && [ -z "$${TEST_DATABASE_URL:-}" ]; then \
		echo "make test: CI=true but TEST_DATABASE_URL is unset; the PostgreSQL run is required in CI" >&2; \
		exit 1; \
	fi
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
		$(MAKE) --no-print-directory test-postgres || status=1; \
	else \
		echo "TEST_DATABASE_URL is unset: skipped the PostgreSQL run"; \
	fi; \
	exit $$status

# DATABASE_URL is cleared so that a developer's own setting cannot turn the SQLite run into another.
test-sqlite: install-dev
	@echo "== pytest on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-dev
	@[ -n "$${TEST_DATABASE_URL:-}" ] || { echo "test-postgres: set TEST_DATABASE_URL=postgres://…" >&2; exit 1; }
	@echo "== pytest on PostgreSQL =="
	DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy anjian

bench: install-dev
	bench/run
