# The two commands a new user needs: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LINT_PATHS := shared services gateway tests bench followup

.PHONY: run test fuzz lint migrate seed key bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## Start the gateway (8000) and the three services (8001-8003) on SQLite, loaded with the real data.
run: $(STAMP)
	$(PY) -m shared.devrun

## The whole test suite; set TEST_DATABASE_URL to run it on Postgres.
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## Schemathesis against every app's OpenAPI with 300 examples per operation (the suite runs
## 8-10): no 5xx, every answer as documented. About six minutes; after changing routes.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(PY) -m pytest $(PYTEST_ARGS) tests/test_fuzz.py tests/gateway/test_fuzz.py

## ruff and mypy --strict over all the code: the apps, their tests and the benchmarks.
lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy --strict $(LINT_PATHS)

migrate: $(STAMP)
	$(PY) -m shared.cli migrate

seed: $(STAMP)
	$(PY) -m shared.cli seed

## Print the local admin key (made on first use).
key: $(STAMP)
	$(PY) -m shared.cli dev-key

clean:
	rm -rf var
