# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
VENDOR := app/static/vendor
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench assets db demo clean browser-deps postgres-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

.make-venv: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

.make-dev: requirements-dev.txt .make-venv
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Front-end packages come from npm at set-up, never from a CDN at run time. If npm is
# unavailable the app still serves its pages, unstyled, and says why where a diagram goes.
# The process viewer and designer are bundled with esbuild from app/static/src/designer/.
DESIGNER_SRC := $(wildcard app/static/src/designer/*.js app/static/src/designer/*.mjs \
  app/static/src/designer/*.css app/static/src/designer/*.json)
# The dashboard's charts (Chart.js) are bundled the same way from app/static/src/charts/.
CHARTS_SRC := $(wildcard app/static/src/charts/*.js app/static/src/charts/*.mjs)

.make-assets: package.json package-lock.json app/static/src/app.scss $(DESIGNER_SRC) $(CHARTS_SRC)
	@if npm ci --no-audit --no-fund --loglevel=error; then \
	  rm -rf $(VENDOR) && mkdir -p $(VENDOR)/govuk-frontend app/static/css && \
	  cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk-frontend/ && \
	  cp -r node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk-frontend/ && \
	  node app/static/src/designer/build.mjs $(VENDOR)/designer && \
	  node app/static/src/charts/build.mjs $(VENDOR)/charts && \
	  node_modules/.bin/sass --no-source-map --quiet-deps --style=compressed --load-path=node_modules \
	    app/static/src/app.scss app/static/css/app.css && touch $@; \
	else echo "WARNING: npm install failed; pages will be served without GOV.UK styles"; fi

assets: .make-assets

db: .make-venv
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

run: .make-venv assets demo
	SCHEDULER_ENABLED=1 $(FLASK) run --host $(HOST) --port $(PORT) --no-reload

browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: .make-dev assets browser-deps
	$(BIN)/ruff check app forms tests bench
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy
	$(BIN)/pytest -q

# The same suite against a real PostgreSQL (installed and started if needed).
postgres-test: .make-dev assets
	bash .ci/postgres.sh $(BIN)/pytest -q

# Import layers: the contracts in pyproject.toml [tool.importlinter] (docs/architecture.md, "Layers").
# Types: mypy reads its settings and the files to check (app/) from pyproject.toml [tool.mypy].
lint: .make-dev
	$(BIN)/ruff check app forms tests bench
	$(BIN)/ruff format --check app forms tests bench
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy

bench: .make-dev
	$(BIN)/python bench/engine_overhead.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) app/static/css .make-*
