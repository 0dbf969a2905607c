# Two commands on a fresh machine: `make run` (install, create the demo database, serve) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run install test audit lock translations extract migration

# Installs exactly what requirements.lock pins (what CI tested), then the mall itself without resolving again.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d mall/translations

# The demo's summary and every absolute URL use the address served here, unless PUBLIC_BASE_URL says otherwise.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
export PUBLIC_BASE_URL

run: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app mall demo
	@echo "Serving the mall at $(PUBLIC_BASE_URL) (listening on $(HOST):$(PORT))"
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check mall tests app.py
	$(BIN)/bandit --quiet --recursive mall --severity-level high
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-read every gettext string from code and templates into the catalogues (then translate the new ones).
extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o mall/translations/messages.pot .
	$(BIN)/pybabel update -i mall/translations/messages.pot -d mall/translations --no-fuzzy-matching

# A schema change: `make migration m="add live rooms"`, then review the file it wrote.
migration: $(VENV)/.installed
	MALL_INSTANCE_PATH=$$(mktemp -d) sh -c '$(BIN)/flask --app app db upgrade && $(BIN)/flask --app app db migrate -m "$(m)"'

# Known vulnerabilities in the pinned dependencies (needs the vulnerability service of the package index).
audit: $(VENV)/.installed
	$(BIN)/pip-audit --requirement requirements.lock --no-deps --disable-pip --progress-spinner off

# After changing dependencies in pyproject.toml: pin the whole tree again.
lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --quiet -o requirements.lock
