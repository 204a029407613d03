# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Both commands use the developer defaults unless the caller set them:
# DEBUG on, and no DATABASE_URL / REDIS_URL (SQLite, tasks in-process).
run test messages: export DEBUG ?= True

.PHONY: run test lint messages clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:$(PORT)/  (API docs: /api/docs/, health: /health/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Needs GNU gettext (apt-get install gettext); the .po and .mo are committed.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l id --ignore=.venv --ignore=staticfiles --ignore=var
	$(PY) manage.py compilemessages -l id --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
