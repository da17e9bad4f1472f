# Two commands set up everything: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_RESIDENTS ?= 5000

.PHONY: run test test-fast lint format check install browser bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q pip==26.3
	$(BIN)/python -m pip install -q -c constraints.txt -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Migrate (which also creates the throttle counters' table), load the demo town into an empty
# database, print the demo accounts, serve.
run: $(STAMP)
	$(BIN)/gongzhi migrate --no-input -v 0
	$(BIN)/gongzhi collectstatic --no-input -v 0
	$(BIN)/gongzhi demo --if-empty --residents $(DEMO_RESIDENTS) --seed 1
	$(BIN)/gunicorn gongzhi.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

# Installs Debian's chromium and a CJK font where it can (root with apt), then runs the
# suite on SQLite and, when PostgreSQL answers, again on PostgreSQL (in parallel processes).
test: $(STAMP) browser
	bash scripts/test.sh

# SQLite only, no browser: the quick loop while working.
test-fast: $(STAMP)
	GONGZHI_SKIP_E2E=1 GONGZHI_TEST_LEGS=sqlite bash scripts/test.sh

# What CI checks before the tests: lint, formatting, migrations in step with the models, and an
# English catalogue with no untranslated message.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint
	$(BIN)/gongzhi makemigrations --check --dry-run
	$(BIN)/python scripts/check-translations.py

browser:
	@bash scripts/install-browser.sh

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3* var/media
