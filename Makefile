# Everyday commands. `make run` and `make test` work on a fresh machine with python3 (3.11+).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DATE ?= 2018-09-30

.PHONY: run test lint format check bench messages walk clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## The demo on http://$(HOST):$(PORT) with a Celery worker and beat; Ctrl-C stops all three.
run: $(VENV)/.runtime
	ZMD_TODAY=$(DEMO_DATE) $(BIN)/python manage.py migrate --noinput -v0
	ZMD_TODAY=$(DEMO_DATE) $(BIN)/python manage.py load_demo
	ZMD_TODAY=$(DEMO_DATE) HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) scripts/run-dev

## The whole suite (DATABASE_URL and REDIS_URL choose the servers; unset: SQLite, no Redis).
# Two processes (pytest-xdist) by default: the suite is mostly waiting on the database.
TEST_PROCESSES ?= 2
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Django's own checks, migrations in step with the models, and the production settings.
check: $(VENV)/.dev
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	ZMD_MODE=production DEBUG=0 ALLOWED_HOSTS=targets.example.gov.cn \
	SECRET_KEY=check-deploy-only-$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))") \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## Benchmarks on PostgreSQL: DATABASE_URL names a base database; <name>_city, <name>_province and <name>_region are
# created beside it, generated once and reused. Prints a table and writes bench/results.json.
# BENCH_ARGS passes options to run_bench, e.g. BENCH_ARGS="--scale city --only pages,scan".
bench: $(VENV)/.dev
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "make bench needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/zmd_bench make bench"; exit 2;; esac
	@# The Excel measure's sheets are saved by LibreOffice, as an office's own software stores them.
	@command -v soffice >/dev/null 2>&1 || { echo "--- installing LibreOffice Calc"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq libreoffice-calc-nogui >/dev/null; } || { echo "make bench needs LibreOffice: apt-get install libreoffice-calc-nogui"; exit 2; }
	$(BIN)/python manage.py run_bench $(BENCH_ARGS)

## The accessibility walk in Chromium: every demo login and a visitor, at 1366 and 390 px wide, axe-core
# on every page; screenshots in var/walk/<width>/<role>/, the table of findings per rule printed and
# in var/walk/summary.txt. CI runs the bounded part (tests/test_accessibility.py).
walk: $(VENV)/.dev
	$(BIN)/python -m pytest -n 0 -s tests/full_walk.py $(PYTEST_ARGS)

## Translations: extract and compile (the compiled .mo files are committed).
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var staticfiles .pytest_cache
