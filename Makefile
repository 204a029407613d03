# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Both commands use the developer defaults unless the caller set them:
# DEBUG on, and no DATABASE_URL / REDIS_URL (SQLite, tasks in-process).
run test messages: export DEBUG ?= True
# Links, QR codes and the OAuth redirect point at the port served on.
run: export PORT := $(PORT)
run: export SITE_URL ?= http://127.0.0.1:$(PORT)

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
	@# The fake platform stands in for the platforms' logins and APIs while
	@# the portal runs (SOCIAL_DEMO_PLATFORM_URL); it stops with the server.
	$(PY) manage.py run_fake_platform --port 8765 & FAKE=$$!; \
		trap 'kill $$FAKE' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Needs GNU gettext (apt-get install gettext); the .po and .mo are committed.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l id --ignore=.venv --ignore=staticfiles --ignore=var
	$(PY) manage.py compilemessages -l id --ignore=.venv

# Quality checks (README "Quality checks"); both run in .ci/run.
.PHONY: fuzz audit

# schemathesis against the live portal (DEBUG off, a throwaway seeded
# SQLite database); FUZZ_SEED=random, FUZZ_SECONDS, FUZZ_EXAMPLES tune it.
fuzz: $(VENV)/.installed-dev
	VENV=$(VENV) bash .ci/fuzz

# bandit over the code at every level (waivers: `# nosec BXXX # reason`), the
# tests with these skips: B101 asserts, B105/B106 fixture passwords, B108 the
# throwaway /tmp paths of test services, B404/B603/B607 the tests start this
# project's commands and services with fixed argument lists. Then the
# installed packages against the vulnerability databases
# (.ci/pip-audit-waivers.toml; it says when it could only audit partly).
audit: $(VENV)/.installed-dev
	$(VENV)/bin/bandit -c pyproject.toml -r . -q
	$(VENV)/bin/bandit -r tests -q -s B101,B105,B106,B108,B404,B603,B607
	$(PY) .ci/audit_deps.py

# The load benchmark (bench/README.md): seeds purbalingga_bench on the
# PostgreSQL at 127.0.0.1:5432 (user postgres), installs wrk with apt-get when
# missing, runs gunicorn and prints p50/p95 and the ratio to a trivial view
# per page, then the realistic mixed run (visitors' traffic with a staff
# client editing, 60 s) and the workers' memory. A benchmark, not a test: CI
# does not run it. A quick run:
# make bench BENCH_ARGS="--items 10000 --metric-rows 100000 --duration 2 --realistic-duration 15"
.PHONY: bench
BENCH_ARGS ?=
bench: $(VENV)/.installed
	$(PY) bench/load.py $(BENCH_ARGS)

# The realistic mixed run alone, on the data `make bench` seeded (same
# options; --realistic-duration, default 60 s). A quick run:
# make bench-realistic BENCH_ARGS="--skip-seed --realistic-duration 15"
.PHONY: bench-realistic
bench-realistic: $(VENV)/.installed
	$(PY) bench/load.py --realistic-only $(BENCH_ARGS)

# The webhooks' benchmark (bench/README.md): intake latency against the
# trivial view, then a burst of signed WhatsApp messages drained by a real
# Celery worker. A quick run:
# make bench-webhooks BENCH_ARGS="--messages 1000 --duration 3"
.PHONY: bench-webhooks
bench-webhooks: $(VENV)/.installed
	$(PY) bench/webhooks.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
