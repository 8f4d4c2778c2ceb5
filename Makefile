# The two commands: `make demo` serves real papers on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint format install install-test browser services bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/paperboy demo

# Debian's chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# PostgreSQL is provided by the machine; start it if it is down.
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || { \
	  echo "starting PostgreSQL"; pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }

lint: install-test
	$(BIN)/ruff check src tests bench

format: install-test
	$(BIN)/ruff format src tests bench

# Two processes share the test files (each file's fixtures stay in one process); TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= 2
test: install-test browser services lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: install-test
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) screenshots .pytest_cache .ruff_cache
