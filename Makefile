# Two commands do everything on a fresh machine (Python 3.11):
#   make run   — create .venv, install, ingest corpus/, serve http://127.0.0.1:7860
#   make test  — create .venv, install, lint, type-check, run every test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
DB ?= .vanban
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OMP_WAIT_POLICY := PASSIVE

.PHONY: install install-dev test lint run serve ingest eval bench clean

# Users get the runtime dependencies only (make run); the test tooling and the
# sentence-transformers extra (torch, Playwright) come with make test.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install -q -c constraints.txt -e '.[dev,st]'
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest

ingest: install
	$(VENV)/bin/vanban ingest corpus --db $(DB)

run: ingest
	$(VENV)/bin/vanban serve --db $(DB)

eval: install-dev
	$(VENV)/bin/vanban eval

bench: install-dev
	$(PY) evals/bench.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
