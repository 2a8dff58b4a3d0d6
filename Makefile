# The README's commands. `make run` and `make test` work on a fresh Debian/Ubuntu machine with Python 3.11+.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Development commands run with DEBUG on (with DEBUG off Carepath refuses to start without a SECRET_KEY).
DEV := DEBUG=true

.PHONY: install install-test system-packages run demo test test-fast deploy-check lint typecheck checks messages clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

## install: the virtual environment with Carepath and what it needs to run
install: $(VENV)/.installed system-packages

## system-packages: GNU gettext (to compile translations), when missing
system-packages:
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext; }

## run: set up, load the demo community and serve on http://127.0.0.1:8000, with the background worker
run: install
	$(DEV) $(PY) -m carepath.cli compilemessages --ignore=.venv -v0
	$(DEV) $(PY) -m carepath.cli migrate --no-input -v0
	$(DEV) $(PY) -m carepath.cli load-demo north-shore --with-users
	$(DEV) $(PY) -m carepath.cli load-registry --demo --with-users
	@# The worker (imports from the web) runs in a process group of its own, stopped with the server.
	$(DEV) setsid $(PY) -m carepath.cli db_worker -v0 & worker=$$!; \
	  trap 'kill -- -$$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEV) $(PY) -m carepath.cli runserver $(HOST):$(PORT)

## test-tools: what the tests need: the test packages and Debian's Chromium for browser tests
test-tools: $(VENV)/.installed-test system-packages
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

## test: lint, type checks, Django checks, the production deploy check and the whole suite
test: test-tools lint typecheck checks deploy-check
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## test-fast: the suite without the browser tests (tests/e2e), and without lint and type checks
test-fast: $(VENV)/.installed-test system-packages
	$(DEV) $(PY) -m carepath.cli compilemessages --ignore=.venv -v0
	$(PY) -m pytest -n 2 --dist loadgroup -m "not e2e" $(PYTEST_ARGS)

## deploy-check: Django's deployment checks with production's minimal settings (a fresh random key)
deploy-check: $(VENV)/.installed
	env -u SECRET_KEY_FILE -u CAREPATH_HTTPS -u SECURE_PROXY_SSL_HEADER DEBUG=false ALLOWED_HOSTS=carepath.example \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) -m carepath.cli check --deploy --fail-level WARNING

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check carepath tests bench demo tools deploy
	$(VENV)/bin/ruff format --check carepath tests bench demo tools deploy
	$(VENV)/bin/lint-imports  # the layers between apps and the pure modules (pyproject.toml, [tool.importlinter])
	$(PY) tools/module_lines.py  # modules stay under 500 lines (pyproject.toml, [tool.carepath.module-lines])

typecheck: $(VENV)/.installed-test
	$(DEV) $(VENV)/bin/mypy

MESSAGES_ARGS := -l fr --no-location --no-obsolete --ignore=.venv --ignore=data --ignore=bench --ignore=tests --ignore=demo -v0

checks: $(VENV)/.installed-test system-packages
	@tmp=$$(mktemp -d) && cp -r locale $$tmp/ \
	  && CAREPATH_LOCALE_DIR=$$tmp/locale $(DEV) $(PY) -m carepath.cli makemessages $(MESSAGES_ARGS) \
	  && diff -q -I '^"POT-Creation-Date' $$tmp/locale/fr/LC_MESSAGES/django.po locale/fr/LC_MESSAGES/django.po >/dev/null \
	  || { echo "locale/fr/LC_MESSAGES/django.po is out of date: run make messages and translate"; exit 1; }
	$(DEV) $(PY) -m carepath.cli compilemessages --ignore=.venv -v0
	$(DEV) $(PY) -m carepath.cli makemigrations --check --dry-run -v1
	$(DEV) $(PY) -m carepath.cli check --fail-level WARNING

## messages: collect interface strings into locale/fr/LC_MESSAGES/django.po
messages: $(VENV)/.installed
	$(DEV) $(PY) -m carepath.cli makemessages $(MESSAGES_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
