# The two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint fmt demo clean screenshots bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## make run: install, migrate the SQLite database, load the demo case, serve on $(HOST)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST)

## make test: ruff, the layers' import contracts, then the whole pytest suite (on DATABASE_URL when it is set)
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest

## make screenshots: the main pages of the demo data as PNG (1280 and 390 px) in docs/screenshots/, and the association space's whole path in docs/screenshots/portail/
screenshots: install
	SUBVENTIONS_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser/test_screenshots.py tests/browser/test_agreement_screenshots.py tests/browser/test_association_path.py -q -s

## make bench: on PostgreSQL (DATABASE_URL, a database whose name contains « bench »: dropped
## and rebuilt) and Redis, 10 000 then 100 000 subsidies; prints each figure against its
## bare yardstick with its target, PASS or FAIL (about 25 minutes; docs/performance.md)
BENCH_DATABASE_URL := postgres://postgres@127.0.0.1:5432/subventions_bench
bench: install
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" $(BIN)/python -m bench.run $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
