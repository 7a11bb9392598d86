# 浏阳市交通运输局 work portal -- developer commands (GNU make).
#
#   make run    install, migrate, load the demo data (prints the demo users) and serve on 127.0.0.1:$PORT (8000),
#               as of $PORTAL_TODAY (the demo clock, 2020-11-30; `PORTAL_TODAY= make run` for the real date)
#   make test   install the dev tools, lint, system checks, migration check, browser check, pytest
#
# Only Python 3.11 is needed on a fresh machine: the virtualenv is created in .venv and the locked requirements are
# installed into it again only when requirements*.txt change (stamp files in .venv). Nothing is activated: every
# command calls .venv/bin/python directly.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
RUN_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# The embedded SQLite file lives in PORTAL_VAR_DIR (default var/), which a fresh clone does not have.
VAR_DIR := $${PORTAL_VAR_DIR:-var}
# The demo data is the 2020 plan: `make run` shows it as of a day in late 2020 unless PORTAL_TODAY is set (even empty).
DEMO_TODAY := $${PORTAL_TODAY-2020-11-30}

.PHONY: help run test lint format check messages lock clean

help:
	@echo "make run       serve the portal with demo data on http://127.0.0.1:\$${PORT:-8000}/"
	@echo "make test      lint + checks + the whole test suite"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make messages  update locale/*.po and compile the .mo files"
	@echo "make lock      regenerate requirements.txt / requirements-dev.txt from the .in files"
	@echo "make clean     remove the virtualenv, collected static files and caches (keeps the database)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -r requirements.txt
	touch $@

# The dev lock includes the runtime lock, so a dev install also satisfies the runtime stamp.
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	mkdir -p "$(VAR_DIR)"
	$(PY) manage.py migrate --noinput
	PORTAL_TODAY="$(DEMO_TODAY)" $(PY) manage.py load_demo_data
	PORTAL_TODAY="$(DEMO_TODAY)" $(PY) manage.py runserver "127.0.0.1:$${PORT:-8000}"

test: $(DEV_STAMP) lint
	mkdir -p "$(VAR_DIR)"
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	bash scripts/ensure-chromium
	PORTAL_TODAY= $(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(RUFF) check .
	$(RUFF) format --check .

format: $(DEV_STAMP)
	$(RUFF) format .
	$(RUFF) check --fix .

# Compiled .mo files are committed, so `make run` never needs gettext; this target (which does) refreshes them.
messages: $(DEV_STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

# Regenerates both locks in throwaway virtualenvs (pip-tools is not used); see scripts/lock-requirements.
lock:
	PYTHON=$(PYTHON) bash scripts/lock-requirements

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts "$(VAR_DIR)/staticfiles"
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
