# tongban — the two commands: `make demo` and `make test`. Everything they need is
# installed by `make setup` from the project's own files (pyproject + uv.lock,
# package.json + lock, the Debian packages named below).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
TONGBAN_DATA_DIR ?= $(CURDIR)/var
export TONGBAN_DATA_DIR

# Debian packages: Chromium and a CJK font for browser tests and screenshots, a TrueType CJK
# font that PDF notices embed (WenQuanYi Zen Hei), poppler-utils to check PDFs in tests,
# gettext for translations, PostgreSQL for the production database and its test run.
APT_PACKAGES := chromium fonts-noto-cjk fonts-wqy-zenhei poppler-utils gettext postgresql
UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.venv-tools
UV := $(TOOLS)/bin/uv
VENV := $(CURDIR)/.venv
TONGBAN := $(VENV)/bin/tongban

.PHONY: help setup demo test bench screenshots lint format openapi messages clean

help:
	@echo "make demo         install everything and serve tongban at http://127.0.0.1:$(PORT) with demo data"
	@echo "make test         install everything and run the whole suite (lint, types, SQLite, PostgreSQL, browser)"
	@echo "make setup        only install (idempotent)"
	@echo "make bench        run the benchmarks and write docs/benchmarks.md (ONLY=<area>: one area's section)"
	@echo "make screenshots  refresh the README screenshots"
	@echo "make openapi      rewrite docs/openapi.json after a deliberate API change"

setup: $(UV)
	@scripts/apt-ensure $(APT_PACKAGES)
	@$(UV) sync --frozen --quiet
	@[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
	@$(MAKE) --no-print-directory messages

$(UV):
	@python3 -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

messages:
	@cd src/tongban && $(VENV)/bin/python -m django compilemessages --settings=tongban.conf.dev --verbosity 0

demo: setup
	@mkdir -p "$(TONGBAN_DATA_DIR)"
	@$(TONGBAN) migrate --no-input --verbosity 0
	@$(TONGBAN) catalog load --actor demo
	@$(TONGBAN) demo_data
	@echo "tongban: http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/ — demo / demo-password)"
	@$(VENV)/bin/python scripts/supervise --port $(PORT)

test: setup
	@scripts/run-tests

# One area, or several (`make bench ONLY=deadlines`, `ONLY=search,cases`; the areas are
# `bench/run.py --list`) replace only their sections of docs/benchmarks.md; no ONLY runs
# them all. wrk (Debian package) is the load generator of the cases benchmark.
ONLY ?=
bench: setup
	@[ -n "$(ONLY)" ] && [[ ",$(ONLY)," != *,cases,* ]] || scripts/apt-ensure wrk
	@$(VENV)/bin/python bench/run.py $(if $(ONLY),--only "$(ONLY)")

screenshots: setup
	@scripts/screenshots

lint:
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format:
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

openapi:
	@$(TONGBAN) export_openapi docs/openapi.json

clean:
	rm -rf $(TOOLS) $(VENV) node_modules
