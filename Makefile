# Proximity — `make demo` runs the app, `make test` runs every check. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_ADDRESS ?= 127.0.0.1:8000

# The suite's services; override to point at others.
TEST_DATABASE_URL ?= postgres://root:root@127.0.0.1:5432/proximity
# Databases 14 (broker) and 15 (cache): away from a developer's own data in 0.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
TEST_ENV := DJANGO_DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdef \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)

.PHONY: demo test install system-packages services messages lint format worker beat bench clean

demo: system-packages install messages
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo "Proximity runs at http://$(DEMO_ADDRESS)/ (staff: http://$(DEMO_ADDRESS)/fr/admin/). Ctrl-C stops it."
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver $(DEMO_ADDRESS)

test: system-packages install messages
	scripts/system-packages.sh test
	scripts/services.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_structure.py
	SECRET_KEY=compose-validation-only docker-compose -f docker-compose.yml config -q
	$(TEST_ENV) $(BIN)/python manage.py check --fail-level WARNING
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(BIN)/python -m pytest

system-packages:
	scripts/system-packages.sh demo

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install --quiet '.[dev]' 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip check
	$(BIN)/python -c "import django, shapely, pyproj, celery, psycopg, pytest_django, playwright"
	touch $@

messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv -v0

services:
	scripts/services.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_structure.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A Celery worker on REDIS_URL (default: the local Redis).
worker: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A config worker --loglevel=INFO

beat: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A config beat --loglevel=INFO

bench: install
	$(BIN)/python bench/point_to_sector.py
	scripts/services.sh
	$(BIN)/python bench/coverage.py
	$(BIN)/python bench/call_import.py
	$(BIN)/python bench/call_deltas.py
	$(BIN)/python bench/report_exports.py
	$(BIN)/python bench/evaluation_speed.py
	$(BIN)/python bench/evaluation_coverage.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
