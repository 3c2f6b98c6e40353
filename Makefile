# Two commands matter: `make run` (demo server) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-postgres test-scaling lint format bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tidings needs Python >= 3.11 (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/tidings migrate --verbosity 0
	$(BIN)/tidings demo
	$(BIN)/tidings serve --host $(HOST) --port $(PORT)

# Browser tests need Debian's chromium (installed here when we can) and two streaming tests need
# Redis at 127.0.0.1:6379; without them only those tests are left out, loudly
# (CI sets CI=true and never leaves them out).
test: $(VENV)/.installed-dev
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "apt-get could not install chromium"; \
	fi
	@marks="not live_timing and not scaling"; \
	if [ ! -x $(CHROMIUM) ] && [ -z "$$CI" ]; then \
		echo; echo "!!! $(CHROMIUM) is missing: SKIPPING ONLY THE BROWSER TESTS (tests/e2e) !!!"; echo; \
		marks="$$marks and not browser"; \
	fi; \
	if [ -z "$$CI" ] && ! $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 6379), 1)' 2>/dev/null; then \
		echo; echo "!!! Redis is not running at 127.0.0.1:6379: SKIPPING ONLY THE TESTS OF EVENTS THROUGH REDIS !!!"; echo; \
		marks="$$marks and not redis"; \
	fi; \
	$(BIN)/pytest -n 2 --dist loadgroup -m "$$marks" $(PYTEST_ARGS)
	$(BIN)/pytest -p no:xdist -m live_timing $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev
	TIDINGS_DATABASE_URL=$${TIDINGS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tidings} \
		$(BIN)/pytest -n 2 --dist loadgroup -m "not live_timing and not scaling" $(PYTEST_ARGS)
	TIDINGS_DATABASE_URL=$${TIDINGS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tidings} \
		$(BIN)/pytest -p no:xdist -m live_timing $(PYTEST_ARGS)

# Two app servers and a worker on one PostgreSQL and one Redis (docs/scaling.md). Needs both
# running (TIDINGS_DATABASE_URL names the PostgreSQL server; a fresh database is made there and
# dropped); fails, never skips, without them. Not part of `make test`.
test-scaling: $(VENV)/.installed-dev
	TIDINGS_DATABASE_URL=$${TIDINGS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest -p no:xdist -m scaling tests/scaling $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check tidings tests bench
	$(BIN)/ruff format --check tidings tests bench

format: $(VENV)/.installed-dev
	$(BIN)/ruff format tidings tests bench
	$(BIN)/ruff check --fix tidings tests bench

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.read

clean:
	rm -rf $(VENV) tidings-data .pytest_cache test-artifacts
