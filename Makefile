# Two entry points: `make demo` and `make test`. Everything else is a step of those.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/relance
PYTEST_ARGS ?=
# The suite runs in as many processes as the machine has cores (pytest-xdist; each has its own
# test database). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: demo test install sysdeps sysdeps-test postgres lint format test-sqlite test-pg messages bench

sysdeps:
	@bash scripts/sysdeps.sh runtime

sysdeps-test:
	@bash scripts/sysdeps.sh test

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade "pip>=23.2"
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

messages: install
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages --ignore=.venv -v 0; fi

demo: export RELANCE_DEMO = 1
demo: sysdeps install messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v 0  # served by WhiteNoise (DEBUG is off)
	@bash scripts/serve_demo.sh

postgres:
	@bash scripts/start_postgres.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers of docs/architecture.md (contracts in pyproject.toml)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: install messages
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-pg: install messages postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: sysdeps-test install lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-pg

bench: install postgres
	$(BIN)/python bench/scan.py --invoices 100000
