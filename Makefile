# Two commands for a newcomer: `make run` (set up, build the database, start the app) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup run test messages

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

run: setup
	$(PY) -m etl run
	$(VENV)/bin/streamlit run app.py

test: setup
	$(PY) -m pytest -q tests

# Message catalogues (Babel): extract messages.pot from the code, merge it into each language's .po,
# then check that every message is translated, none fuzzy, placeholders unchanged. Translators edit
# dashboard/locale/<lang>/LC_MESSAGES/messages.po (Poedit, Weblate); the app compiles it in memory.
messages: setup
	$(PY) -m dashboard.i18n extract
	$(PY) -m dashboard.i18n update
	$(PY) -m dashboard.i18n check
