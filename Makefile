# SkillAid: `make run` to try it, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format bench messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/skillaid setup

# The embedded server speaks plain http on this machine; SKILLAID_HTTPS=0 keeps a server with
# DEBUG off from redirecting to https and marking cookies Secure (a deployment leaves it on).
run: setup
	$(BIN)/skillaid demo-data --people 5000 --if-empty
	SKILLAID_HTTPS=$${SKILLAID_HTTPS:-0} $(BIN)/skillaid serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# The translations of what third-party apps leave in English (needs gettext's msgfmt).
messages:
	msgfmt --check -o skillaid/locale/zh_Hans/LC_MESSAGES/django.mo skillaid/locale/zh_Hans/LC_MESSAGES/django.po

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python bench/import_ledger.py --rows 200000
	$(BIN)/python bench/attendance.py --people 10000 --clients 16
	$(BIN)/python bench/ledger_pages.py --people 200000
	$(BIN)/python bench/claims.py --database sqlite
	$(BIN)/python bench/claims.py --database postgresql
