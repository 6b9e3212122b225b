# Two commands: `make run` and `make test`. Everything else is a dependency of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHARED_SNAPSHOT := $(abspath ../shared/data/snapshot)

.PHONY: run test install system-deps browser-deps bench clean-db

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# Debian packages: Chromium for browser tests, image export (kaleido) and benchmarks; fonts for stable screenshots.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian packages: chromium fonts-dejavu-core"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# axe-core (accessibility rules) from npm, injected into pages by the browser tests.
browser-deps: system-deps
	@test -f node_modules/axe-core/axe.min.js || npm ci --silent --no-audit --no-fund

run: install system-deps
	$(BIN)/python -m data_pipeline bootstrap
	$(BIN)/python app.py

test: install browser-deps
	TILANNEKUVA_OFFLINE_DIR=$${TILANNEKUVA_OFFLINE_DIR:-$(SHARED_SNAPSHOT)} $(BIN)/python -m pytest

bench: install browser-deps
	TILANNEKUVA_OFFLINE_DIR=$${TILANNEKUVA_OFFLINE_DIR:-$(SHARED_SNAPSHOT)} $(BIN)/python -m benchmarks

clean-db:
	rm -rf var/tilannekuva.sqlite3*
