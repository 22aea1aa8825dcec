# The commands the README names. Each sets up what it needs on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench bench-import stop serve install migrate seed clean backup restore

# The virtualenv is rebuilt whenever a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable

seed: migrate
	$(BIN)/python manage.py load_seed

# Development: uvicorn, the ASGI server production runs, so the live streams work (runserver,
# being WSGI, answers them 204 and pages poll). It restarts on a change to the code or a template
# (the project's packages, not .venv, var/ or tests/); whitenoise serves static files from the
# source folders in DEBUG. Open streams get 2 s to end, so a reload is not held up by a tab.
RELOAD_DIRS := $(filter-out tests,$(patsubst %/__init__.py,%,$(wildcard */__init__.py))) templates
run: seed
	DEBUG=true $(BIN)/python -m config.devserver config.asgi:application --host $(HOST) --port $(PORT) \
		--reload $(foreach dir,$(RELOAD_DIRS),--reload-dir $(dir)) --reload-include '*.html' \
		--timeout-graceful-shutdown 2

# The layers first (pyproject.toml's import contract): seconds, and a broken boundary is a failed build.
test: install
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Production settings (DEBUG off; needs SECRET_KEY and ALLOWED_HOSTS, and behind a plain-HTTP
# loopback SECURE_SSL_REDIRECT=false): gunicorn, with whitenoise serving the collected files.
serve: migrate
	DEBUG=false $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	# ASGI (uvicorn workers), so the live-update streams do not each hold a worker thread.
	DEBUG=false $(BIN)/gunicorn config.asgi:application --config config/gunicorn.conf.py --worker-class uvicorn_worker.UvicornWorker --bind $(HOST):$(PORT)

# pg_dump custom-format archive under var/backups/; `make restore FILE=var/backups/<name>.dump`.
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<name>.dump"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

# Load benchmark against gunicorn on loopback; see bench/README.md. Not part of `make test`.
bench: migrate
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# How long a 30-page journal PDF takes to import; see bench/README.md. Not part of `make test`.
bench-import: install
	$(BIN)/python bench/import_pdf.py

stop:
	$(BIN)/python -c "from config.embedded_db import stop_server; print('stopped' if stop_server() else 'not running')"

clean: stop
	rm -rf var/pgdata var/staticfiles
