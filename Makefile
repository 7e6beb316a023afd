# `make run` and `make test` set up everything they need on a bare machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DEBUG=1 $(BIN)/python manage.py
# Debian packages the app needs; each is installed only when missing:
# gettext compiles the translations, chromium runs the browser test,
# fonts-noto-cjk draws Chinese text, poppler-utils checks signed PDFs in the tests,
# Pango lays out the PDF reports (WeasyPrint).
DEBIAN_PACKAGES := gettext chromium fonts-noto-cjk fonts-dejavu-core poppler-utils libpango-1.0-0 libpangoft2-1.0-0
CATALOGS := $(wildcard partnerships/locale/*/LC_MESSAGES/django.po)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system-packages run serve worker test lint format clean bench-names

setup: system-packages $(VENV)/.installed $(CATALOGS:.po=.mo)

system-packages:
	@missing=""; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="python3-venv"; \
	for package in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

%.mo: %.po
	msgfmt --check -o $@ $<

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) create_signing_certificate
	$(MANAGE) load_demo_data
	@echo "Serving http://127.0.0.1:8000 (Ctrl+C stops)"
	$(MANAGE) runserver 127.0.0.1:8000

# Production settings (DEBUG off) under gunicorn, with the task worker when tasks are
# queued in the database; see bin/serve and partnerships/gunicorn_conf.py.
serve: setup
	bin/serve

# The background task worker (exports, zips of signed reviews, re-screening after a
# sanctions list import) for the database task backend: TASKS_BACKEND=database, the
# default on PostgreSQL. The immediate backend (the SQLite default) runs tasks in-process
# and needs none. Settings come from the environment, as for serve (DEBUG=1 unless set).
TASK_QUEUES := exports,screening
worker: setup
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py db_worker --queue-name $(TASK_QUEUES) --no-reload

# One test process per core (pytest-xdist); TEST_WORKERS=0 runs them all in this process.
TEST_WORKERS ?= auto
test: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The screening's matcher beside OpenSanctions' logic-v2 on the labelled name pairs, in one
# run: nomenklatura goes into a virtualenv of its own (never the app's requirements), the
# words' weights come from the real 2026 list, imported into a scratch database.
ANCHOR_VENV := var/logic-v2
BENCH_DB := DATABASE_URL=sqlite:///$(CURDIR)/var/bench-names.sqlite3
bench-names: setup
	@[ -x $(ANCHOR_VENV)/bin/python ] || $(PYTHON) -m venv $(ANCHOR_VENV)
	$(ANCHOR_VENV)/bin/pip install --quiet --disable-pip-version-check nomenklatura==4.17.4
	$(BENCH_DB) $(MANAGE) migrate --noinput -v0
	$(BENCH_DB) $(MANAGE) import_sanctions tests/data/un-consolidated-2026-02-27.xml.gz
	$(BENCH_DB) $(MANAGE) benchmark_names --anchor-python $(ANCHOR_VENV)/bin/python

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	@# Every interface string is in the Chinese catalog, translated.
	@for po in $(CATALOGS); do cp $$po $$po.orig; done
	@$(MANAGE) makemessages --all --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=tests -v0
	@status=0; for po in $(CATALOGS); do \
		missing=$$(msgattrib --untranslated $$po; msgattrib --only-fuzzy $$po); \
		mv $$po.orig $$po; \
		if [ -n "$$missing" ]; then echo "Untranslated strings in $$po:"; echo "$$missing"; status=1; fi; \
	done; exit $$status

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
