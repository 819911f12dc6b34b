# Tandem — the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres bench lint format install install-test assets chromium pango seed clean

## Install the application (virtual environment + Python packages + front-end assets).
install: $(VENV)/.installed assets pango

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test assets chromium pango

$(VENV)/.installed-test: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

## Front-end assets from npm: GOV.UK Frontend compiled with our brand, htmx, axe-core.
assets: build/static/.built

build/static/.built: package.json src/tandem/core/static_src/tandem.scss
	npm install --no-audit --no-fund --loglevel=error
	mkdir -p build/static/css build/static/js
	npm run --silent build
	cp node_modules/htmx.org/dist/htmx.min.js build/static/js/htmx.min.js
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js build/static/js/govuk-frontend.min.js
	touch $@

## Pango, which WeasyPrint needs to write PDFs (installed with apt when missing).
pango:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "Installing Pango for PDF output"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

## Debian's Chromium for the browser tests (installed with apt when missing).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## Start Tandem on SQLite with demonstration data at http://$(HOST):$(PORT)
## Background tasks (matching runs, reminders) run in a worker started alongside.
run: install
	$(MANAGE) migrate --no-input
	TANDEM_SITE_URL=http://$(HOST):$(PORT) $(MANAGE) seed_demo
	export TANDEM_TASK_BACKEND=database; \
	  $(MANAGE) db_worker --interval 0.5 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

## Run the whole test suite (SQLite unless DATABASE_URL is set).
test: install-test
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## Benchmarks: national-scale data generation and page timings.
bench: install-test
	$(PY) bench/run.py

lint: install-test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(MANAGE) makemigrations --check --dry-run

format: install-test
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

clean:
	rm -rf $(VENV) node_modules build var
