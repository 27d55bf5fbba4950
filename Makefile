# summit – the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py
# Python keeps its compiled modules (and pytest its rewritten test modules) in
# __pycache__/ even where the environment says not to: without them every pytest worker
# compiles the suite again at start (8 s of each of its runs here).
unexport PYTHONDONTWRITEBYTECODE

PO := summit/translations/sv/LC_MESSAGES/messages.po
MO := $(PO:.po=.mo)

.PHONY: run test test-pg test-nodes bench lint format setup translations extract-messages clean lock install-production

## make run: set up, migrate, load demo data and serve on http://127.0.0.1:$(PORT), with
## `flask worker` beside it (badge runs, the mail outbox), both stopped by Ctrl-C
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## make test: set up and run the whole suite (PostgreSQL too when TEST_DATABASE_URL is set),
## one pytest-xdist worker per core (PYTEST_WORKERS=0 runs it in one process)
PYTEST_WORKERS ?= auto
test: setup
	@scripts/check-system test
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## make test-pg: the suite on the local PostgreSQL (creates the database summit_test)
test-pg: setup
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='summit_test'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE summit_test"
	TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/summit_test $(MAKE) test

## make test-nodes: two gunicorn instances and two workers on one PostgreSQL database
## (TEST_DATABASE_URL, default the local summit_test) and a redis-server of their own:
## what must hold across nodes (tests/nodes). NODES_RUNS=10 runs it ten times in a row.
NODES_RUNS ?= 1
test-nodes: setup
	@scripts/check-system test
	@for run in $$(seq $(NODES_RUNS)); do \
		echo "== two nodes, run $$run of $(NODES_RUNS)"; \
		SUMMIT_TEST_NODES=1 TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/summit_test} \
			$(BIN)/pytest -q tests/nodes $(PYTEST_ARGS) || exit 1; \
	done

## make bench: every benchmark in bench/, each printing one JSON line of figures
bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## make lock: write requirements.lock again from pyproject.toml's runtime dependencies
lock: setup
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
		--no-emit-trusted-host --no-emit-find-links --output-file requirements.lock pyproject.toml

## make install-production PROD_VENV=/opt/summit/venv: runtime packages only, from the
## lock file with their hashes (no test tools), and the Swedish catalogue compiled; the
## app runs from this checkout (gunicorn and flask put the working directory first)
PROD_VENV ?= /opt/summit/venv
install-production:
	@scripts/check-system run
	test -x $(PROD_VENV)/bin/python || $(PYTHON) -m venv $(PROD_VENV)
	$(PROD_VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	$(PROD_VENV)/bin/pybabel compile --use-fuzzy -d summit/translations -D messages

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

setup: $(VENV)/.installed $(MO)

$(VENV)/.installed: pyproject.toml
	@scripts/check-system run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(MO): $(PO) $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d summit/translations -D messages

## make extract-messages: refresh the Swedish catalogue after changing user-facing text
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o summit/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i summit/translations/messages.pot -d summit/translations -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance/summit.db* .pytest_cache
