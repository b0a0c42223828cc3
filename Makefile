# The README's commands. Every target installs what it needs first, so each works from a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := static_build/.built

.PHONY: demo test bench lint install assets serve clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $(STAMP)

$(ASSETS): package.json package-lock.json assets/portal.scss scripts/build_assets.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) scripts/build_assets.py
	touch $(ASSETS)

install: $(STAMP) $(ASSETS)

assets: $(ASSETS)

demo: install
	$(PY) scripts/demo.py

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) -m bench $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(VENV)/bin/mypy
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var static_build
