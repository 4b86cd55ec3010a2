# toursite: `make run` serves the site with the 2023 Grand Tours, `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first interpreter that is Python 3.12 or newer (Django 6 needs it).
PYTHON := $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test lint format messages check-messages bench bench-live soak replay browsers clean check-python

check-python:
	@test -n "$(PYTHON)" || { echo "toursite needs Python 3.12 or newer (python3.13, python3.12 or python3)." >&2; exit 1; }

$(VENV)/.installed: requirements.txt requirements-dev.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@echo ""
	@echo "  toursite:  http://$(HOST):$(PORT)/"
	@echo "  admin:     http://$(HOST):$(PORT)/admin/"
	@echo "  First admin account:  DJANGO_DEBUG=1 $(PY) manage.py createsuperuser"
	@echo "  Make someone an editor: DJANGO_DEBUG=1 $(PY) manage.py make_editor USERNAME"
	@echo ""
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --check templates
	$(VENV)/bin/djlint --lint templates
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint --reformat templates

# The catalogues (locale/<language>/LC_MESSAGES): French, Italian and Spanish.
# `make messages` collects the strings (GNU gettext's xgettext and msgmerge), then
# translate what is new in the .po files and compile them (`compilemessages`);
# the compiled .mo files are committed, so `make run` needs no gettext.
LANGS := fr it es
MAKEMESSAGES = DJANGO_DEBUG=1 $(PY) manage.py makemessages $(foreach l,$(LANGS),-l $(l)) \
	--no-location --no-obsolete --ignore=staticfiles --ignore=tests --ignore=bench \
	--ignore=deploy --ignore=locale
messages: $(VENV)/.installed
	$(MAKEMESSAGES) -d django
	$(MAKEMESSAGES) -d djangojs
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# CI: nothing to collect that the catalogues lack, nothing untranslated or fuzzy,
# and the committed .mo files compiled from the committed .po files.
check-messages: $(VENV)/.installed
	$(MAKE) --no-print-directory messages
	git diff --ignore-matching-lines='^"POT-Creation-Date:' --exit-code -- locale \
		|| { echo "The catalogues are not up to date: run make messages, translate, commit." >&2; exit 1; }
	@for po in locale/*/LC_MESSAGES/*.po; do \
		stats=$$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$$po" 2>&1) || exit 1; \
		echo "$$po: $$stats"; \
		case "$$stats" in *fuzzy*|*untranslated*) echo "$$po: translate every entry." >&2; exit 1;; esac; \
	done

bench: $(VENV)/.installed
	$(PY) bench/run.py

# The live centre under a crowd: nginx in front of gunicorn (PostgreSQL, Redis), a
# replayed finish, fans polling (bench/live.py prints the figures).
bench-live: $(VENV)/.installed
	$(PY) bench/live.py

# Ten minutes at a steady load: each worker's memory and the p99 per minute.
soak: $(VENV)/.installed
	$(PY) bench/soak.py

# Replays the finish of Tour 2023 stage 12 into the `make run` database in about two
# minutes: open the stage page while it runs.
REPLAY_SPEED ?= 20
replay: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@echo "  Watch: http://$(HOST):$(PORT)/races/tour-de-france/2023/stage-12/live/"
	DJANGO_DEBUG=1 $(PY) manage.py replay_stage tour-de-france 2023 12 --speed $(REPLAY_SPEED)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
