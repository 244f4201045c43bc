# Two commands for a newcomer: `make run` (set up, build the database, start the app) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup run test

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
