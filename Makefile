# tpo-scoping: the two commands a new machine needs are `make run` and `make test`.
# Everything installs into .venv from pyproject.toml, pinned by constraints.txt.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8866
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck unit notebooks browser bench soak lab install install-test chromium nginx lock samples clean help

help:
	@echo "make run    - install into $(VENV) and serve the apps on http://localhost:$(PORT)"
	@echo "make test   - install test extras and headless Chromium, then run every check"
	@echo "make lab    - open the consultant notebooks in JupyterLab"
	@echo "make bench  - run the benchmarks into bench/results.json and bench/results.md"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e .
	@touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) install -c constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP)

install-test: $(TEST_STAMP) chromium nginx

# Headless Chromium for the browser tests: Debian's package, driven by Playwright.
# Playwright's own browser download is never used.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium package"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	else \
		echo "Chromium is missing: install it with your package manager (Debian/Ubuntu: sudo apt-get install chromium)"; \
		echo "The browser tests are skipped until it is present."; \
	fi

# Debian's nginx for the two-replica test (tests/browser/test_replicas.py, deploy/nginx/):
# installed like chromium, as root with apt-get; the test runs its own nginx on a free port.
nginx:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's nginx package"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	else \
		echo "nginx is missing: install it with your package manager (Debian/Ubuntu: sudo apt-get install nginx)"; \
		echo "The two-replica test is skipped until it is present."; \
	fi

run: $(STAMP)
	$(BIN)/tpo-scoping serve --port $(PORT)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. notebooks/

lint: $(TEST_STAMP)
	$(BIN)/ruff check tpo_scoping tests bench
	$(BIN)/ruff format --check tpo_scoping tests bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

unit: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules tpo_scoping

notebooks: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env notebooks apps

test: install-test
	$(MAKE) --no-print-directory lint typecheck
	$(BIN)/python -m pytest -q -p no:cacheprovider tests
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules tpo_scoping
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env notebooks apps

bench: install-test
	$(BIN)/python bench/run.py

soak: install-test
	$(BIN)/python bench/run.py --only load

samples: $(STAMP)
	$(BIN)/tpo-scoping sample --out sample_data

# Re-resolve the pinned versions (run after changing dependencies in pyproject.toml).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install -q --upgrade pip
	.lockenv/bin/python -m pip install -q -e '.[test]'
	.lockenv/bin/python -m pip freeze --exclude-editable | grep -v '^tpo-scoping' > constraints.txt
	rm -rf .lockenv

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
