# Two commands for a newcomer: `make run` (set up, build the database, start the app) and `make test`.
VENV ?= .venv
CHROMIUM ?= chromium
PY := $(VENV)/bin/python

.PHONY: setup run test messages check-chromium

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

run: setup check-chromium
	$(PY) -m etl run
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1

# Briefing charts are drawn by kaleido driving Debian's Chromium. Without it the app still starts;
# briefings come without charts and say so.
check-chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || [ -x "$$BROWSER_PATH" ] || \
	  echo "note: $(CHROMIUM) not found: briefings will have no charts (install: sudo apt-get install chromium)"

test: setup
	$(PY) -m pytest -q tests

# Message catalogues (Babel): extract messages.pot from the code, merge it into each language's .po,
# then check that every message is translated, none fuzzy, placeholders unchanged. Translators edit
# dashboard/locale/<lang>/LC_MESSAGES/messages.po (Poedit, Weblate); the app compiles it in memory.
messages: setup
	$(PY) -m dashboard.i18n extract
	$(PY) -m dashboard.i18n update
	$(PY) -m dashboard.i18n check
