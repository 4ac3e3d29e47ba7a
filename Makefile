# airace — set-up and everyday targets. `make demo` and `make test` work on a fresh machine
# with Python 3.11 and access to PyPI: each creates .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench golden clean help

help:
	@echo "make demo       set up and run the main job (release counts, the claims ledger, the report)"
	@echo "make test       set up and run lint, type check and the whole test suite"
	@echo "make bench      time the CLI, the application layer and cadence over 1M releases"
	@echo "make golden     regenerate tests/golden after a deliberate data change (review the diff)"
	@echo "make clean      remove the virtual environment and caches"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/airace cadence --as-of 2026-03-03 --window 14M --labs deepseek,openai,anthropic,google --sensitivity
	$(BIN)/airace claims check
	$(BIN)/airace report --output report.html
	@echo "report: $(CURDIR)/report.html (open it in a browser; it works offline)"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/bench_app.py
	$(BIN)/python bench/bench_cadence.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_scenarios.py

golden: $(STAMP)
	AIRACE_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py
	git diff --stat tests/golden

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
