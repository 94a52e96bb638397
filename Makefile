# Every target does its own set-up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MUTATION_STAMP := $(VENV)/.installed-mutation

.PHONY: run test install catalogs clean coverage mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

catalogs: $(STAMP)
	$(BIN)/pybabel compile --statistics -d locales

run: catalogs
	mkdir -p instance
	$(BIN)/engage db upgrade
	$(BIN)/engage seed-demo
	@echo
	@echo "engage is starting on http://127.0.0.1:5000 (console gateway: outgoing texts print here)"
	@echo "  workspace:    http://127.0.0.1:5000/login with the sign-in printed above"
	@echo "  be a patient: .venv/bin/engage simulate --phone '(312) 555-0143' --start phq9"
	@echo "  health:       curl http://127.0.0.1:5000/healthz"
	@echo "  API:          curl -H 'Authorization: Bearer <token above>' http://127.0.0.1:5000/api/v1/flags"
	@echo "  API docs:     http://127.0.0.1:5000/api/v1/openapi.json"
	@echo
	$(BIN)/engage serve --port 5000 --with-scheduler

# The layers first (pyproject.toml [tool.importlinter]): an upward import fails before any test runs.
test: catalogs
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Line and branch coverage of the suite, the console script's own processes included.
coverage: catalogs
	$(BIN)/pip install --quiet -e '.[test,coverage]'
	rm -f .coverage .coverage.*
	$(BIN)/python -m pytest -q --cov --cov-report=term $(PYTEST_ARGS)

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	touch $(MUTATION_STAMP)

# Mutation testing of the safety modules, each against its own tests; writes the table in
# docs/testing.md. Takes most of an hour, so it is not part of CI. MODULES=keywords runs one.
mutation: catalogs $(MUTATION_STAMP)
	$(BIN)/python tools/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) instance .pytest_cache
