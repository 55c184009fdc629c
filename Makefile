# Two commands do everything on a fresh machine (Python 3.11):
#   make run   — create .venv, install, ingest corpus/, serve http://127.0.0.1:7860
#   make test  — create .venv, install, lint, type-check, run every test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= .vanban
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OMP_WAIT_POLICY := PASSIVE

.PHONY: install test lint run serve ingest eval bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev,st]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest

ingest: install
	$(VENV)/bin/vanban ingest corpus --db $(DB)

run: ingest
	$(VENV)/bin/vanban serve --db $(DB)

eval: install
	$(VENV)/bin/vanban eval

bench: install
	$(PY) evals/bench.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
