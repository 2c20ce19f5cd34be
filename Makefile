# Gonghui: `make run` and `make test` are the only two commands a fresh machine needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python >= 3.12 (see docs/decisions.md); find one on this machine.
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 $$HOME/.pyenv/versions/3.12*/bin/python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 /usr/bin/python3.12 /usr/local/bin/python3.12; do if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)

.PHONY: run serve test lint format install install-dev assets migrate seed bench bench-load load-tools clean browser nginx

$(VENV)/.stamp-venv:
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (Django 6.1)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

$(VENV)/.stamp-runtime: requirements.txt $(VENV)/.stamp-venv
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements-dev.txt $(VENV)/.stamp-runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.stamp-assets: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.stamp-runtime node_modules/.stamp-assets
install-dev: $(VENV)/.stamp-dev node_modules/.stamp-assets
assets: node_modules/.stamp-assets

# Headless Chromium for the page tests (Debian package; Playwright drives it).
browser:
	@test -x /usr/bin/chromium || { echo "installing Debian chromium"; \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)); }

# Debian's nginx for the serving test (deploy/nginx/gonghui.conf in front of gunicorn; the test
# starts its own nginx on free ports; about 5 s when apt has to fetch it).
nginx:
	@test -x /usr/sbin/nginx || { echo "installing Debian nginx"; \
	  (apt-get install -y -q nginx >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q nginx >/dev/null)); }

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# `make run` serves what users get: DEBUG off, static files collected and served by WhiteNoise,
# the task worker and the periodic tasks beside the server (Ctrl-C stops all three). On this
# machine only (LOCAL_DEMO: 127.0.0.1, the development keys; docs/decisions.md D22).
# `make run DEBUG=1` for development (tracebacks, static files straight from the source).
DEBUG ?= 0
PORT ?= 8000
RUN_ENV := LOCAL_DEMO=1 SMS_CONSOLE_SHOW_TEXT=1 DEBUG=$(DEBUG)
STATIC_SOURCES := $(shell find static -type f 2>/dev/null)

staticfiles/staticfiles.json: $(STATIC_SOURCES) gonghui/settings.py node_modules/.stamp-assets $(VENV)/.stamp-runtime
	DEBUG=0 $(PY) manage.py collectstatic --noinput --clear -v0
	touch $@

run: seed $(if $(filter 1 true yes on True,$(DEBUG)),,staticfiles/staticfiles.json)
	@echo "Gonghui on http://127.0.0.1:$(PORT) (DEBUG=$(DEBUG)); Ctrl-C stops the server, worker and ticker"
	@trap 'kill $$worker $$ticker 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM; \
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload -v0 & worker=$$!; \
	$(RUN_ENV) $(PY) manage.py run_periodic & ticker=$$!; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# `make serve` is `make run` with the production server: gunicorn (gunicorn.conf.py: WEB_CONCURRENCY
# workers, default 2 x cores + 1 up to 8, on 127.0.0.1:$(PORT)) and DEBUG off, on PostgreSQL
# when DATABASE_URL is set (SQLite otherwise), after migrate and collectstatic, with the task
# worker and the periodic ticker beside it. With SECRET_KEY in the environment it uses the
# environment's keys and hosts as a deployment does (docs/operations.md); without, it is the
# local demo (LOCAL_DEMO, like `make run`; `make seed` loads the demo accounts).
SERVE_ENV := DEBUG=0 $(if $(SECRET_KEY),,LOCAL_DEMO=1 SMS_CONSOLE_SHOW_TEXT=1)

serve: install staticfiles/staticfiles.json
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	@echo "Gonghui (gunicorn) on http://$${GUNICORN_BIND:-127.0.0.1:$(PORT)}, database $(or $(firstword $(subst :, ,$(DATABASE_URL))),sqlite); Ctrl-C stops the server, worker and ticker"
	@trap 'kill $$worker $$ticker 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM; \
	$(SERVE_ENV) $(PY) manage.py db_worker --no-reload -v0 & worker=$$!; \
	$(SERVE_ENV) $(PY) manage.py run_periodic & ticker=$$!; \
	$(SERVE_ENV) GUNICORN_BIND=$${GUNICORN_BIND:-127.0.0.1:$(PORT)} $(VENV)/bin/gunicorn -c gunicorn.conf.py

# The whole suite on SQLite with the per-process memory cache (a fresh machine) and, at the same
# time, on PostgreSQL when DATABASE_URL is set, with the cache on Redis when TEST_REDIS_URL is set
# (.ci/run sets both; the run writes under a key prefix of its own: core/testing_cache.py).
# .ci/test-halves runs the two halves in parallel and prints each half's output when done.
test: install-dev browser nginx staticfiles/staticfiles.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	VENV=$(VENV) .ci/test-halves

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev
	$(PY) bench/run.py

# Debian's wrk and hey for the load benchmark (bench/README.md, section 5); not needed by `make test`.
load-tools:
	@test -x /usr/bin/wrk -a -x /usr/bin/hey || { echo "installing Debian wrk and hey"; \
	  (apt-get install -y -q wrk hey >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q wrk hey >/dev/null)); }

# gunicorn under wrk/hey on PostgreSQL with Beijing-scale data (~15 minutes with the data load);
# e.g. make bench-load BENCH_LOAD_ARGS="--load-appeals 50000 --load-duration 5" for a quick run.
bench-load: install-dev load-tools staticfiles/staticfiles.json
	$(PY) bench/run.py --only load $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* staticfiles
