# Two commands do all the set-up on a fresh machine:
#   make serve   install, build the graph, serve it on http://127.0.0.1:8000/
#   make test    install (with the test tools: Debian's chromium, Playwright), run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve build test lint bench screenshots install vendor browser virtuoso clean

$(STAMP): pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

install: $(STAMP) vendor

# YASGUI from the npm registry, copied into the server's static files: the query UI needs no CDN.
vendor: server/static/vendor/yasgui/yasgui.min.js
server/static/vendor/yasgui/yasgui.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p server/static/vendor/yasgui
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css server/static/vendor/yasgui/

# Headless Chromium for the browser tests, from Debian (Playwright drives it; it downloads nothing).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Virtuoso Open Source for the tests that run the site on a real triplestore (tests/stores.py starts it).
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; }

build: install
	$(BIN)/alliance-kg build

serve: install
	$(BIN)/alliance-kg serve --build-first

test: install browser virtuoso lint
	$(BIN)/pytest -q

# Lint and the type check of the public seams (configured in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/build.py
	$(BIN)/python bench/endpoint.py
	$(BIN)/python bench/ingest.py

# The README's pictures, taken by the browser test.
screenshots: install browser
	ALLIANCE_KG_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/test_browser.py tests/test_browser_curate.py tests/test_find_browser.py tests/test_network_browser.py

clean:
	rm -rf build build.* .build-* $(VENV) node_modules server/static/vendor
