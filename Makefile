# Two commands: `make run` and `make test`. Everything else is a dependency of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell cat package.json package-lock.json | sha1sum | cut -c1-12)
# What `npm run build` writes (dashboard/bundle/): the plotly.js bundle and the regenerator runtime.
BUNDLE := assets/vendor/plotly-tilannekuva.min.js assets/vendor/00-regenerator-runtime.min.js
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHARED_SNAPSHOT := $(abspath ../shared/data/snapshot)
export TILANNEKUVA_OFFLINE_DIR ?= $(if $(wildcard $(SHARED_SNAPSHOT)/README.md),$(SHARED_SNAPSHOT),)
SHARED_FACTS := $(abspath ../shared/data/facts/kanta_hame_facts.csv)
export TILANNEKUVA_FACTS_FILE ?= $(wildcard $(SHARED_FACTS))

.PHONY: run test install system-deps frontend bench clean-db

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# Debian packages: Chromium (browser tests, server-side image export, benchmarks), Node.js/npm
# (custom plotly.js bundle, axe-core), fonts for stable screenshots, tesseract with its Finnish model
# (a browser test reads the source line drawn in an exported PNG).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	tesseract --list-langs 2>/dev/null | grep -qx fin || missing="$$missing tesseract-ocr tesseract-ocr-fin"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(NODE_STAMP): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@rm -f node_modules/.installed-*; touch $(NODE_STAMP)

$(BUNDLE) &: $(NODE_STAMP) $(wildcard dashboard/bundle/*.js)
	npm run -s build

frontend: system-deps $(NODE_STAMP) $(BUNDLE)

run: install frontend
	$(BIN)/python -m data_pipeline bootstrap
	$(BIN)/python app.py

# ruff (pyproject.toml [tool.ruff]) before the tests: lint findings fail fast.
LINTED := .

test: install frontend
	$(BIN)/ruff check $(LINTED)
	$(BIN)/python -m pytest

bench: install frontend
	$(BIN)/python -m benchmarks

clean-db:
	rm -rf var/tilannekuva.sqlite3*
