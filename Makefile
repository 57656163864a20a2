# The two commands: `make run` and `make test`. Everything else is what they need (and `make lint`, which CI runs).
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test lint install install-dev install-browser install-parsers install-libical install-axe translations extract-messages clean

# Links in e-mails and feeds lead to BASE_URL: where `make run` serves (PORT=8000 make run), unless BASE_URL is given.
run: BASE_URL ?= http://127.0.0.1:$(PORT)
run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo
	BASE_URL='$(BASE_URL)' $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - wsgi:app

test: install-dev install-browser install-parsers install-axe translations
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff (style, imports, likely bugs) over the whole project; mypy over eventsapp/ (settings: pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The end-to-end tests (tests/e2e) drive Debian's Chromium; Playwright never downloads a browser here.
# A Chinese font too, or Chromium draws Chinese pages as boxes (and lays them out differently).
install-browser:
	@test -x /usr/bin/chromium && fc-list :lang=zh | grep -q . || { \
	  command -v apt-get >/dev/null || { echo "tests/e2e need /usr/bin/chromium and a Chinese font: install Debian's chromium, chromium-driver and fonts-wqy-zenhei" >&2; exit 1; }; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-wqy-zenhei; }

# tests/feeds/test_real_parsers.py reads every feed with ical.js and node-ical too, on the machine's
# Node.js (20 or later), installed from tests/feeds/parsers/package-lock.json when it changes, and
# with libical (see install-libical).
PARSERS := tests/feeds/parsers
install-parsers: $(PARSERS)/node_modules/.installed install-libical

# libical, the C library behind Evolution, checks feeds and mails against RFC 5545/5546; its Python
# bindings exist only for Debian's own Python (/usr/bin/python3), which tests/feeds/parsers/libical_check.py runs on.
install-libical:
	@/usr/bin/python3 -c 'import gi; gi.require_version("ICalGLib", "3.0")' 2>/dev/null || { \
	  command -v apt-get >/dev/null || { \
	    echo "tests/feeds/test_real_parsers.py needs libical for /usr/bin/python3: install Debian's gir1.2-ical-3.0 and python3-gi" >&2; exit 1; }; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y gir1.2-ical-3.0 python3-gi; }

$(PARSERS)/node_modules/.installed: $(PARSERS)/package.json $(PARSERS)/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "tests/feeds/test_real_parsers.py needs Node.js 20+ and npm (node and npm on PATH)" >&2; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { \
	  echo "tests/feeds/test_real_parsers.py needs Node.js 20+, found $$(node --version)" >&2; exit 1; }
	npm ci --prefix $(PARSERS) --no-audit --no-fund
	touch $@

# tests/e2e/test_accessibility.py runs axe-core in Chromium, installed from tests/e2e/axe/package-lock.json.
AXE := tests/e2e/axe
install-axe: $(AXE)/node_modules/.installed

$(AXE)/node_modules/.installed: $(AXE)/package.json $(AXE)/package-lock.json
	@command -v npm >/dev/null || { echo "tests/e2e/test_accessibility.py needs Node.js 20+ and npm" >&2; exit 1; }
	npm ci --prefix $(AXE) --no-audit --no-fund
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: install $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -d translations -l $*

# For developers: refresh the catalogs after adding strings, then translate the new entries.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance/eventsapp.sqlite3 $(CATALOGS)
